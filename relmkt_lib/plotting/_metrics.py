"""Plots of the `metrics` module, re-exported by `relmkt_lib.plotting`.

``plot_lift`` and ``plot_value_curves`` draw on one Axes (``ax=None``, returned). ``plot_scorecards``
is the kit's one figure-level plot: it draws a grid of panels, so it takes ``fig=None`` and returns
the Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, money_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_scorecards", "plot_lift", "plot_value_curves"]

# measure -> (title, which is better: "higher", "lower" or "paired" = treated vs control bars, format)
_TRANSACTIONAL = {
    "response_rate": ("Response rate", "higher", "pct"),
    "cost_per_response": ("Cost per response", "lower", "money2"),
    "cost_per_transaction": ("Cost per transaction", "lower", "money2"),
    "roi": ("Return on cost, response window", "higher", "pct"),
    "revenue": ("Revenue in the response window", "higher", "money0"),
    "average_order_value": ("Average order value", "higher", "money2"),
}
_RELATIONSHIP = {
    "retention": ("Retained (bought after the window)", "paired", "pct"),
    "purchases": ("Purchases per selected customer", "paired", "num"),
    "revenue": ("Revenue per selected customer", "paired", "money0"),
    "projected_value": ("Projected value per selected customer", "paired", "money0"),
    "retention_incremental": ("Retention, treated minus control", "higher", "pts"),
    "revenue_incremental": ("Extra revenue per treated customer", "higher", "money2"),
    "margin_incremental": ("Extra margin per treated customer", "higher", "money2"),
    "net_value_per_contact": ("Net projected value per contact", "higher", "money2"),
    "equity_added": ("Customer equity added", "higher", "money0"),
}
#: Size of the figure plot_scorecards makes (inches): its width, and a height of
#: _FIG_BASE + _ROW_PER_PAIR x rows x (campaigns / 2, at least 1) + _ROW_EXTRA x rows.
_FIG_WIDTH, _FIG_BASE, _ROW_PER_PAIR, _ROW_EXTRA = 11, 1.0, 1.1, 0.6
_FORMATS = {"pct": "{:.1%}", "pts": "{:+.1%}", "money0": "${:,.0f}", "money2": "${:,.2f}", "num": "{:.2f}"}


def _fmt(value: float, kind: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    text = _FORMATS[kind].format(value)
    return text.replace("$-", "-$").replace("%", " %")


def _bar_panel(ax: Axes, labels: list[str], series: list[np.ndarray], styles: list[dict], kind: str,
               better: str, show_labels: bool) -> None:
    """Horizontal bars, one group per campaign, each bar labelled with its value."""
    k = len(series)
    height = 0.8 / k
    y = np.arange(len(labels), dtype=float)
    values = np.concatenate(series)
    finite = values[np.isfinite(values)]
    span = max(float(np.abs(finite).max()) if finite.size else 1.0, 1e-9)
    best = None
    if better in ("higher", "lower") and finite.size:
        best = int(np.nanargmax(series[0]) if better == "higher" else np.nanargmin(series[0]))
    for j, (vals, style) in enumerate(zip(series, styles)):
        pos = y - 0.4 + height * (j + 0.5)
        ax.barh(pos, np.nan_to_num(vals), height=height * 0.9, **style)
        for i, (p, v) in enumerate(zip(pos, vals)):
            x = 0.0 if not np.isfinite(v) else v
            ax.text(x + (0.02 * span if x >= 0 else -0.02 * span), p, _fmt(v, kind), va="center",
                    ha="left" if x >= 0 else "right", fontsize=9,
                    fontweight="bold" if best == i else "normal")
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = max(0.0, float(finite.max())) if finite.size else 1.0
    ax.set_xlim(lo - 0.35 * span if lo < 0 else -0.02 * span, hi + 0.35 * span if hi > 0 else 0.02 * span)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, labels if show_labels else [""] * len(labels))
    ax.tick_params(axis="y", left=show_labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xticks([])
    ax.spines[["bottom", "left"]].set_visible(False)
    ax.grid(False)


def _check_cards(transactional: pd.DataFrame, relationship: pd.DataFrame,
                 measures: tuple[Sequence[str], Sequence[str]] | None) -> tuple[Sequence[str], Sequence[str]]:
    """The measures of each lens, after checking the two scorecards hold them and the same campaigns."""
    tx_measures, rel_measures = measures or (["response_rate", "cost_per_response", "roi"],
                                             ["retention", "revenue", "net_value_per_contact"])
    for table, name, chosen, known in ((transactional, "transactional", tx_measures, _TRANSACTIONAL),
                                       (relationship, "relationship", rel_measures, _RELATIONSHIP)):
        check_dataframe(table, name)
        unknown = [m for m in chosen if m not in known]
        if unknown:
            raise ValueError(f"{name} measure {unknown[0]!r} is not one of {sorted(known)}")
        cols = [f"{m}_{g}" for m in chosen if known[m][1] == "paired" for g in ("treatment", "control")]
        single = [m for m in chosen if known[m][1] != "paired"]
        require_columns(table, ["campaign_id", "name", *cols, *single], name)
    ids = sorted(transactional["campaign_id"].tolist())
    if ids != sorted(relationship["campaign_id"].tolist()):
        raise ValueError(f"the two scorecards must hold the same campaigns; transactional has {ids}, "
                         f"relationship has {sorted(relationship['campaign_id'].tolist())}")
    return tx_measures, rel_measures


def plot_scorecards(
    transactional: pd.DataFrame,
    relationship: pd.DataFrame,
    *,
    measures: tuple[Sequence[str], Sequence[str]] | None = None,
    labels: Mapping[int, str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """The two lenses side by side: one small bar panel per measure, one bar per campaign.

    **Figure-level plot** (the kit's only one): it draws a grid of panels, two columns and one
    row per measure, so it takes a whole (empty) Figure, or makes its own, and returns it; every
    other ``plot_*`` draws on one Axes.

    The left column shows the transactional scorecard (treated customers, response window),
    the right column the relationship scorecard (treated bars solid, control bars hatched).
    In panels with a single bar per campaign, the better value is in bold.

    Parameters
    ----------
    transactional : DataFrame
        A :func:`relmkt_lib.metrics.campaign_scorecard` table.
    relationship : DataFrame
        A :func:`relmkt_lib.metrics.relationship_scorecard` table for the same campaigns.
    measures : (sequence of str, sequence of str), optional
        Columns of each lens; default ``(["response_rate", "cost_per_response", "roi"],
        ["retention", "revenue", "net_value_per_contact"])``. A relationship measure without a
        suffix (``"retention"``) draws treated and control bars.
    labels : mapping {campaign_id: str}, optional
        Short names for the campaigns (default: the ``name`` column).
    fig : matplotlib Figure, optional
        An empty Figure to draw in (default: a new one, sized for the panels).

    Returns
    -------
    matplotlib Figure
        Its Axes (``fig.axes``) are the panels, row by row, transactional then relationship.

    Examples
    --------
    >>> tx = pd.DataFrame({"campaign_id": [1, 2], "name": ["A", "B"], "response_rate": [0.2, 0.1],
    ...                    "cost_per_response": [5.0, 9.0], "roi": [1.5, 0.2]})
    >>> rel = pd.DataFrame({"campaign_id": [1, 2], "name": ["A", "B"], "horizon_days": 365,
    ...                     "retention_treatment": [0.3, 0.6], "retention_control": [0.3, 0.45],
    ...                     "revenue_treatment": [90.0, 210.0], "revenue_control": [85.0, 110.0],
    ...                     "net_value_per_contact": [2.0, 100.0]})
    >>> len(plot_scorecards(tx, rel).axes)
    6
    """
    import matplotlib.pyplot as plt

    tx_measures, rel_measures = _check_cards(transactional, relationship, measures)
    ids = transactional["campaign_id"].tolist()
    rel = relationship.set_index("campaign_id").loc[ids]
    names = dict(zip(ids, transactional["name"])) | dict(labels or {})
    ylabels = [str(names[i]) for i in ids]
    rows = max(len(tx_measures), len(rel_measures))
    if fig is None:
        height = _FIG_BASE + _ROW_PER_PAIR * rows * max(len(ids), 2) / 2 + _ROW_EXTRA * rows
        fig = plt.figure(figsize=(_FIG_WIDTH, height), layout="constrained")
    elif fig.axes:
        raise ValueError("fig must be an empty Figure: plot_scorecards draws its own grid of panels "
                         "(make one with plt.figure(), or leave fig out)")
    axes = fig.subplots(rows, 2, squeeze=False)
    colors = [f"C{k % 10}" for k in range(len(ids))]
    for r in range(rows):
        for c, (chosen, known) in enumerate(((tx_measures, _TRANSACTIONAL), (rel_measures, _RELATIONSHIP))):
            ax = axes[r, c]
            if r >= len(chosen):
                ax.set_visible(False)
                continue
            title, better, kind = known[chosen[r]]
            if c == 0:
                series, styles = [transactional[chosen[r]].to_numpy(float)], [{"color": colors}]
            elif better == "paired":
                series = [rel[f"{chosen[r]}_{g}"].to_numpy(float) for g in ("treatment", "control")]
                control = {"color": colors, "alpha": 0.35, "hatch": "///", "edgecolor": "white"}
                styles = [{"color": colors}, control]
            else:
                series, styles = [rel[chosen[r]].to_numpy(float)], [{"color": colors}]
            _bar_panel(ax, ylabels, series, styles, kind, better, show_labels=c == 0)
            hint = {"higher": " (higher wins)", "lower": " (lower wins)", "paired": ""}[better]
            ax.set_title(title + hint, fontsize=10, loc="left", fontweight="normal")
    horizon = int(rel["horizon_days"].iloc[0]) if "horizon_days" in rel else None
    over = f"{horizon} days after the contact" if horizon else "over the horizon"
    paired = any(_RELATIONSHIP[m][1] == "paired" for m in rel_measures)
    random = rel["randomised"].astype(bool).all() if "randomised" in rel else True
    heads = ("TRANSACTIONAL LENS\ntreated customers only\nin the response window",
             f"RELATIONSHIP LENS\n{over}\n"
             + ("solid = treated, hatched = control (held out)" if paired else "")
             + ("" if random else "\ncontrol groups not drawn at random: differences are not causal"))
    for c, head in enumerate(heads):
        first = axes[0, c].get_title(loc="left")
        axes[0, c].set_title(f"{head}\n\n{first}", fontsize=10, loc="left", fontweight="normal")
    return fig


def plot_lift(lifts: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Forest plot of incremental lifts (treated minus control) with their confidence intervals.

    Parameters
    ----------
    lifts : DataFrame
        One row per comparison, labelled by its index, with the columns of
        :func:`relmkt_lib.metrics.incremental_lift` (``rate_treatment``, ``rate_control``,
        ``absolute_lift``, ``ci_low``, ``ci_high``, ``confidence``); build it with
        ``pd.DataFrame({label: incremental_lift(...), ...}).T``. A row whose ``randomised`` entry
        is 0 (groups not drawn at random) is labelled "(not randomised)": its difference is not a
        causal lift.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from relmkt_lib.metrics import incremental_lift
    >>> fig, ax = plt.subplots()
    >>> lifts = pd.DataFrame({"mailing": incremental_lift(470, 1798, 21, 463, randomised=True)}).T
    >>> plot_lift(lifts, ax=ax).get_xlabel()
    'Treated minus control (percentage points), 95 % confidence interval'
    """
    check_dataframe(lifts, "lifts")
    cols = ["rate_treatment", "rate_control", "absolute_lift", "ci_low", "ci_high", "confidence"]
    require_columns(lifts, cols, "lifts")
    values = lifts[cols].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("lifts must hold finite numbers in " + ", ".join(cols))
    conf = np.unique(lifts["confidence"].to_numpy(float))
    if conf.size != 1:
        raise ValueError(f"the lifts mix confidence levels {conf.tolist()}; compute them all at one level")
    ax = get_axes(ax)
    from matplotlib.ticker import FuncFormatter

    y = np.arange(len(lifts))
    d, lo, hi = (lifts[c].to_numpy(float) for c in ("absolute_lift", "ci_low", "ci_high"))
    clear = (lo > 0) | (hi < 0)
    for mask, face in ((clear, "C0"), (~clear, "white")):
        ax.errorbar(d[mask], y[mask], xerr=[d[mask] - lo[mask], hi[mask] - d[mask]], fmt="o", color="C0",
                    mfc=face, capsize=4, lw=1.6, ms=7, **kwargs)
    ax.axvline(0, color="0.3", lw=1, ls="--")
    span = max(hi.max(), 0) - min(lo.min(), 0)
    for yi, (_, row) in zip(y, lifts.iterrows()):
        text = f"treated {row['rate_treatment']:.1%} vs control {row['rate_control']:.1%}".replace("%", " %")
        ax.annotate(text, (max(row["ci_high"], 0) + 0.03 * span, yi), va="center", fontsize=9)
    ax.set_xlim(min(lo.min(), 0) - 0.05 * span, max(hi.max(), 0) + 0.9 * span)
    random = lifts["randomised"].to_numpy(float) > 0 if "randomised" in lifts else np.ones(len(lifts), bool)
    ax.set_yticks(y, [str(i) + ("" if r else "\n(not randomised)") for i, r in zip(lifts.index, random)])
    ax.set_ylim(len(lifts) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x * 100:+.0f}" if x else "0"))
    level = f"{conf[0]:.0%}".replace("%", " %")
    ax.set_xlabel(f"Treated minus control (percentage points), {level} confidence interval")
    ax.grid(axis="y", visible=False)
    return ax


def plot_value_curves(
    curves: pd.DataFrame,
    *,
    names: Mapping[int, str] | None = None,
    incremental: bool = True,
    window_days: int | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Cumulative revenue per selected customer by day since the contact.

    Parameters
    ----------
    curves : DataFrame
        A :func:`relmkt_lib.metrics.value_curves` table (``campaign_id``, ``group``, ``day``,
        ``revenue_per_customer``).
    names : mapping {campaign_id: str}, optional
        Legend labels (default "campaign N").
    incremental : bool, default True
        Draw treated minus control (the revenue the campaign added); with False, draw the
        treated (solid) and control (dashed) curves.
    window_days : int, optional
        Shade the response window, days 0 to ``window_days - 1``.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> curves = pd.DataFrame({"campaign_id": 1, "group": ["treatment"] * 3 + ["control"] * 3,
    ...                        "day": [0, 1, 2] * 2, "revenue_per_customer": [0, 5, 6, 0, 1, 3.0]})
    >>> plot_value_curves(curves, ax=ax).get_ylabel()
    'Extra revenue per selected customer ($)'
    """
    check_dataframe(curves, "curves")
    require_columns(curves, ["campaign_id", "group", "day", "revenue_per_customer"], "curves")
    wide = curves.pivot_table(index="day", columns=["campaign_id", "group"], values="revenue_per_customer")
    ax = get_axes(ax)
    if window_days is not None:
        ax.axvspan(0, window_days, color="0.9", zorder=0)
        ax.text(window_days / 2, 1.0, "response\nwindow", transform=ax.get_xaxis_transform(), ha="center",
                va="top", fontsize=8, color="0.35")
    for k, cid in enumerate(dict.fromkeys(curves["campaign_id"])):
        label = (names or {}).get(cid, f"campaign {cid}")
        groups = set(curves.loc[curves["campaign_id"] == cid, "group"])
        if incremental:
            if groups != {"treatment", "control"}:
                raise ValueError(f"campaign {cid} needs a treatment and a control curve to draw their "
                                 "difference; pass incremental=False to draw the curves themselves")
            extra = wide[(cid, "treatment")] - wide[(cid, "control")]
            ax.plot(wide.index, extra, color=f"C{k}", label=label, **kwargs)
        else:
            for g, ls in (("treatment", "-"), ("control", "--")):
                if g in groups:
                    ax.plot(wide.index, wide[(cid, g)], color=f"C{k}", ls=ls, label=f"{label}, {g}", **kwargs)
    if incremental:
        ax.axhline(0, color="0.3", lw=0.8)
    money_axis(ax)
    what = "Extra revenue" if incremental else "Revenue"
    ax.set(xlabel="Days since the contact", ylabel=f"{what} per selected customer ($)")
    ax.legend(frameon=False)
    return ax

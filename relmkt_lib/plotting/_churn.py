"""Plots of churn and uplift results, re-exported by `relmkt_lib.plotting`.

Each function takes a result table (``gains_table``, ``calibration_table``, ``profit_curve``,
``qini_curve`` of :mod:`relmkt_lib.churn` and :mod:`relmkt_lib.uplift`, a ``ChurnModel``'s
``importance`` and ``partial_dependence`` tables) or, for ``plot_roc``, the
outcome and the score, draws on one Axes (``ax=None``: the current Axes) and returns it. None of
them fits a model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, check_probability, first_bad_row, plain, require_columns
from ._base import get_axes, money_axis, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_gains", "plot_lift_bins", "plot_roc", "plot_calibration", "plot_profit_curve", "plot_qini",
           "plot_importance", "plot_partial_dependence"]

_DIAGONAL = {"color": "0.5", "ls": "--", "lw": 1}


def _columns(table: Any, columns: list[str], name: str) -> pd.DataFrame:
    """Check ``table`` holds finite numbers in ``columns`` and return them as floats."""
    check_dataframe(table, name)
    require_columns(table, columns, name)
    values = table[columns].apply(pd.to_numeric, errors="coerce").astype(float)
    for col in columns:
        bad = ~np.isfinite(values[col].to_numpy())
        if bad.any():
            first, row = first_bad_row(table, bad)
            raise ValueError(f"{name}.{col} has {int(bad.sum())} missing or non-numeric value(s); the first is in "
                             f"row {first!r} ({row[col]!r}). Pass the table as the kit returns it")
    return values


def plot_gains(gains: pd.DataFrame, *, positive_share: float | None = None, ax: Axes | None = None,
               **kwargs: Any) -> Axes:
    """Cumulative gains: share of all positives found against share of customers targeted.

    The curve starts at the origin (nobody targeted, nothing found). The dashed diagonal is
    random targeting; with ``positive_share`` the dotted line is a perfect model, which finds every
    positive before any other customer.

    Parameters
    ----------
    gains : DataFrame
        A :func:`relmkt_lib.churn.gains_table` result (columns ``cum_share``, ``cum_capture``).
    positive_share : float in (0, 1], optional
        Share of positives among all customers, to draw the perfect-model curve.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the model's curve (e.g. ``label``).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> g = pd.DataFrame({"cum_share": [1 / 3, 2 / 3, 1.0], "cum_capture": [0.5, 1.0, 1.0]})
    >>> ax = plot_gains(g, positive_share=1 / 3, ax=ax)
    >>> ax.get_xlabel(), len(ax.get_lines())
    ('Share of customers targeted, highest scores first (%)', 3)
    """
    values = _columns(gains, ["cum_share", "cum_capture"], "gains")
    ax = get_axes(ax)
    x = np.r_[0.0, values["cum_share"].to_numpy()]
    y = np.r_[0.0, values["cum_capture"].to_numpy()]
    ax.plot(x, y, **{"marker": "o", "color": "C0", "label": "model", **kwargs})
    ax.plot([0, 1], [0, 1], label="random targeting", **_DIAGONAL)
    if positive_share is not None:
        share = check_probability(positive_share, "positive_share", allow_zero=False)
        ax.plot([0, share, 1], [0, 1, 1], color="0.3", ls=":", lw=1.2, label="perfect model")
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="Share of customers targeted, highest scores first (%)",
           ylabel="Share of all positives found (%)")
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.legend(frameon=False, loc="lower right")
    return ax


def plot_lift_bins(gains: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Lift per bin (bars): each bin's positive rate divided by the overall rate, bin 1 = top scores.

    Named ``plot_lift_bins`` because ``plot_lift`` is the metrics module's forest plot of campaign
    lifts. The dashed line at 1.0 is random targeting.

    Parameters
    ----------
    gains : DataFrame
        A :func:`relmkt_lib.churn.gains_table` result (column ``lift``, indexed by ``bin``).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> g = pd.DataFrame({"lift": [1.5, 1.5, 0.0]}, index=pd.RangeIndex(1, 4, name="bin"))
    >>> ax = plot_lift_bins(g, ax=ax)
    >>> len(ax.patches), ax.get_ylabel()
    (3, 'Lift (bin rate / overall rate)')
    """
    lift = _columns(gains, ["lift"], "gains")["lift"].to_numpy()
    ax = get_axes(ax)
    labels = [str(b) for b in gains.index]
    pos = np.arange(len(lift))
    ax.bar(pos, lift, **{"color": "C0", "label": "model", **kwargs})
    ax.axhline(1.0, label="random targeting (1.0)", **_DIAGONAL)
    ax.set_xticks(pos, labels)
    name = gains.index.name or "bin"
    ax.set(xlabel=f"{name.capitalize()} of customers, 1 = highest scores", ylabel="Lift (bin rate / overall rate)")
    ax.set_ylim(0, max(float(lift.max()), 1.0) * 1.1)
    ax.legend(frameon=False)
    return ax


def plot_roc(y_true: Any, score: Any, *, label: str | None = None, ax: Axes | None = None,
             **kwargs: Any) -> Axes:
    """ROC curve: true positive rate against false positive rate, AUC in the legend.

    Computed by scikit-learn's ``roc_curve`` and ``roc_auc_score``. Call it several times on one
    ``ax`` to compare scores; the dashed diagonal (random, AUC 0.5) is drawn once.

    Parameters
    ----------
    y_true : array or Series of 0/1 or True/False
        Observed outcome (1 = churned, or responded).
    score : array or Series of numbers
        Higher = more likely positive.
    label : str, optional
        Legend label, before the AUC (default "model").
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
    >>> ax = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['model (AUC 0.75)', 'random (AUC 0.50)']
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(y_true.to_numpy() if isinstance(y_true, pd.Series) else y_true)
    s = np.asarray(score.to_numpy() if isinstance(score, pd.Series) else score)
    if y.ndim != 1 or s.ndim != 1 or len(y) != len(s):
        raise ValueError(f"y_true and score must be 1-d and of the same length, got shapes {y.shape} and {s.shape}")
    if y.dtype == bool:
        y = y.astype(int)
    if not np.issubdtype(y.dtype, np.number) or not np.isin(y, [0, 1]).all():
        bad = ~np.isin(y, [0, 1]) if np.issubdtype(y.dtype, np.number) else np.ones(len(y), bool)
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"y_true must hold 0/1 or True/False; position {i} holds {plain(y[i])!r}. "
                         "Code the outcome as 1 = churned (or responded), 0 otherwise")
    if not np.issubdtype(s.dtype, np.number) or s.dtype == bool or not np.isfinite(s).all():
        raise ValueError("score must hold finite numbers (higher = more likely positive), one per customer")
    if y.min() == y.max():
        raise ValueError(f"y_true holds a single class (all {int(y[0])}), so the ROC curve is undefined; "
                         "use customers who include both positives and negatives")
    fpr, tpr, _ = roc_curve(y, s)
    auc = roc_auc_score(y, s)
    ax = get_axes(ax)
    ax.plot(fpr, tpr, label=f"{label or 'model'} (AUC {auc:.2f})", **kwargs)
    if not any(line.get_gid() == "roc-diagonal" for line in ax.get_lines()):
        ax.plot([0, 1], [0, 1], label="random (AUC 0.50)", gid="roc-diagonal", **_DIAGONAL)
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="False positive rate (% of negatives flagged)",
           ylabel="True positive rate (% of positives flagged)")
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.legend(frameon=False, loc="lower right")
    return ax


def plot_calibration(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Reliability diagram: observed rate against mean predicted probability, one point per bin.

    Point area grows with the bin's number of customers. Points on the dashed diagonal mean the
    probabilities can be read as rates; below it the model over-predicts.

    Parameters
    ----------
    table : DataFrame
        A :func:`relmkt_lib.churn.calibration_table` result (``mean_predicted``, ``observed_rate``,
        ``customers``).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"customers": [2, 2], "mean_predicted": [0.15, 0.8], "observed_rate": [0.0, 1.0]})
    >>> ax = plot_calibration(t, ax=ax)
    >>> ax.get_xlabel(), len(ax.collections)
    ('Mean predicted probability (%)', 1)
    """
    values = _columns(table, ["mean_predicted", "observed_rate", "customers"], "table")
    customers = values["customers"].to_numpy()
    if (customers < 0).any():
        i = int(np.flatnonzero(customers < 0)[0])
        raise ValueError(f"table.customers must be >= 0; row {table.index[i]!r} holds {customers[i]:g}")
    ax = get_axes(ax)
    sizes = 20 + 280 * customers / max(customers.max(), 1.0)
    x, y = values["mean_predicted"].to_numpy(), values["observed_rate"].to_numpy()
    ax.plot(x, y, color="C0", lw=1, alpha=0.6)
    ax.scatter(x, y, s=sizes, **{"color": "C0", "alpha": 0.8, "zorder": 3,
                                 "label": "bins (area = customers)", **kwargs})
    ax.plot([0, 1], [0, 1], label="perfectly calibrated", **_DIAGONAL)
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel="Mean predicted probability (%)", ylabel="Observed rate (%)")
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.legend(frameon=False, loc="upper left", markerscale=0.5)
    return ax


def plot_profit_curve(curve: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Profit against the share of customers targeted, highest scores first, best point marked.

    Parameters
    ----------
    curve : DataFrame
        A :func:`relmkt_lib.churn.profit_curve` result (``share_targeted``, ``profit``, ``best``).
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
    >>> c = pd.DataFrame({"share_targeted": [0, 0.25, 0.5, 0.75, 1.0], "profit": [0, 8, 6, 14, 12.0],
    ...                   "best": [False, False, False, True, False]})
    >>> ax = plot_profit_curve(c, ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['profit', 'best: target 75 %, profit $14']
    """
    values = _columns(curve, ["share_targeted", "profit"], "curve")
    require_columns(curve, ["best"], "curve")
    best = curve["best"].to_numpy()
    if best.dtype != bool or best.sum() != 1:
        raise ValueError(f"curve.best must be True on exactly one row, got {int(np.sum(best == True))} "  # noqa: E712
                         "True value(s); pass the table profit_curve returns")
    ax = get_axes(ax)
    x, y = values["share_targeted"].to_numpy(), values["profit"].to_numpy()
    ax.plot(x, y, **{"color": "C0", "label": "profit", **kwargs})
    i = int(np.flatnonzero(best)[0])
    share = f"{x[i]:.0%}".replace("%", " %")
    money = f"${y[i]:,.0f}".replace("$-", "-$")
    ax.plot([x[i]], [y[i]], "o", color="C3", ms=8, zorder=3, label=f"best: target {share}, profit {money}")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set(xlim=(0, 1), xlabel="Share of customers targeted, highest scores first (%)", ylabel="Profit ($)")
    percent_axis(ax, "x")
    money_axis(ax)
    ax.legend(frameon=False)
    return ax


def plot_qini(curve: pd.DataFrame, *, random_line: bool = True, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Qini curve: incremental responses against the share targeted, highest uplift scores first.

    The dashed line joins the origin to the last point: targeting at random. The area between the
    curve and that line is what the Qini coefficient measures. To compare rankings on one axes,
    call it once per curve with a ``label`` and ``random_line=False`` after the first.

    Parameters
    ----------
    curve : DataFrame
        A :func:`relmkt_lib.uplift.qini_curve` result (``share_targeted``, ``qini``).
    random_line : bool, default True
        Draw the random-targeting line (once per axes is enough).
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
    >>> c = pd.DataFrame({"share_targeted": [0, 0.25, 0.5, 0.75, 1.0], "qini": [0, 1, 1, 2, 1.0]})
    >>> ax = plot_qini(c, ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['uplift model', 'random targeting']
    >>> ax = plot_qini(c.assign(qini=c["qini"] / 2), ax=ax, label="risk model", random_line=False)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['uplift model', 'random targeting', 'risk model']
    """
    values = _columns(curve, ["share_targeted", "qini"], "curve")
    ax = get_axes(ax)
    x, y = values["share_targeted"].to_numpy(), values["qini"].to_numpy()
    if not isinstance(random_line, bool):
        raise TypeError(f"random_line must be True or False, got {random_line!r}")
    first = not ax.lines
    ax.plot(x, y, **{"label": "uplift model", **({"color": "C0"} if first else {}), **kwargs})
    if random_line:
        ax.plot([0, x[-1]], [0, y[-1]], label="random targeting", **_DIAGONAL)
    if first:
        ax.axhline(0, color="0.3", lw=0.8)
    ax.set(xlim=(0, 1), xlabel="Share of customers targeted, highest uplift first (%)",
           ylabel="Incremental responses (Qini)")
    percent_axis(ax, "x")
    ax.legend(frameon=False)
    return ax


def plot_importance(table: pd.DataFrame, *, top: int = 15, ax: Axes | None = None, title: str | None = None,
                    **kwargs: Any) -> Axes:
    """Permutation importance: one horizontal bar per column, +-1 standard deviation, largest at the top.

    A bar is how much the score drops when the column is shuffled; a bar near 0 (the grey line)
    means the model does not rely on that column. Not a causal effect: correlated columns share
    their importance, and a driver of risk is not a lever.

    Parameters
    ----------
    table : DataFrame
        A ``ChurnModel.importance`` result (``importance_mean``, ``importance_std``, indexed by
        column; ``attrs["score_label"]`` names the score, "ROC AUC" if absent).
    top : int, default 15
        Most columns shown, the largest ones.
    ax : matplotlib Axes, optional
    title : str, optional
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"importance_mean": [0.02, 0.21, 0.0], "importance_std": [0.01, 0.03, 0.005]},
    ...                  index=pd.Index(["plan", "spend", "noise"], name="column"))
    >>> ax = plot_importance(t, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['spend', 'plan', 'noise'], 'Drop in ROC AUC when the column is shuffled')
    """
    values = _columns(table, ["importance_mean", "importance_std"], "table")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a whole number of columns of at least 1, e.g. 15, got {top!r}")
    if (values["importance_std"] < 0).any():
        i = int(np.flatnonzero(values["importance_std"].to_numpy() < 0)[0])
        raise ValueError(f"table.importance_std must be >= 0; row {plain(table.index[i])!r} holds "
                         f"{values['importance_std'].iloc[i]:g}")
    shown = values.sort_values("importance_mean", ascending=False, kind="stable").head(int(top))
    ax = get_axes(ax)
    pos = np.arange(len(shown))
    ax.barh(pos, shown["importance_mean"].to_numpy(), xerr=shown["importance_std"].to_numpy(),
            **{"color": "C0", "error_kw": {"ecolor": "0.2", "capsize": 3, "lw": 1}, **kwargs})
    ax.set_yticks(pos, [str(c) for c in shown.index])
    ax.invert_yaxis()  # the largest at the top
    ax.axvline(0, color="0.5", lw=0.8)
    label = table.attrs.get("score_label", "ROC AUC")
    where = f" (the {len(shown)} largest of {len(values)})" if len(shown) < len(values) else ""
    ax.set(xlabel=f"Drop in {label} when the column is shuffled", ylabel=f"Column{where}")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_partial_dependence(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Partial dependence: the model's average predicted risk when every customer's value is set to x.

    A line for a number column, one bar per category for a text column. It describes the model,
    not the customers: with correlated columns it averages over unrealistic customers, and it is
    not the effect of changing the column.

    Parameters
    ----------
    table : DataFrame
        A ``ChurnModel.partial_dependence`` result (``value``, ``average_risk``; ``attrs`` with
        ``column`` and ``kind``; without them, a ``value`` of numbers is drawn as a line).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` (numbers) or ``Axes.bar`` (categories).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"value": ["basic", "plus"], "average_risk": [0.3, 0.2]})
    >>> t.attrs.update(column="plan", kind="category")
    >>> ax = plot_partial_dependence(t, ax=ax)
    >>> len(ax.patches), ax.get_xlabel(), ax.get_ylabel()
    (2, 'plan', 'Average predicted churn risk (%)')
    """
    risk = _columns(table, ["average_risk"], "table")["average_risk"].to_numpy()
    require_columns(table, ["value"], "table")
    kind = table.attrs.get("kind") or ("number" if pd.api.types.is_numeric_dtype(table["value"]) else "category")
    if kind not in ("number", "category"):
        raise ValueError(f"table.attrs['kind'] must be 'number' or 'category', got {kind!r}")
    ax = get_axes(ax)
    if kind == "number":
        x = _columns(table, ["value"], "table")["value"].to_numpy()
        ax.plot(x, risk, **{"color": "C0", "marker": "o", "ms": 3, **kwargs})
    else:
        pos = np.arange(len(risk))
        ax.bar(pos, risk, **{"color": "C0", **kwargs})
        ax.set_xticks(pos, [str(v) for v in table["value"]])
        ax.set_ylim(0, max(float(risk.max()), 0.01) * 1.15)
    ax.set(xlabel=str(table.attrs.get("column", "value")), ylabel="Average predicted churn risk (%)")
    percent_axis(ax, "y", decimals=1 if np.ptp(risk) < 0.05 else 0)
    return ax

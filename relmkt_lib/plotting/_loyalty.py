"""Plots of the `loyalty` module, re-exported by `relmkt_lib.plotting`.

``plot_goal_gradient`` draws the days between stamps of a :func:`~relmkt_lib.loyalty.stamp_card_experiment`,
``plot_program_panel`` the weekly revenue per customer of a :func:`~relmkt_lib.loyalty.simulate_program`
run (program arm against control arm, or members against non-members), and ``plot_roi_breakdown``
the incremental margin against the program's costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, money_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_goal_gradient", "plot_program_panel", "plot_roi_breakdown"]


def plot_goal_gradient(by_stamp: pd.DataFrame, *, label: str | None = None, ax: Axes | None = None,
                       **kwargs: Any) -> Axes:
    """Mean days to the next stamp against the stamps already on the card.

    Parameters
    ----------
    by_stamp : DataFrame
        ``stamp_card_experiment(...).by_stamp`` (columns stamp, mean_days).
    label : str, optional
        Legend label (call several times on one ``ax`` to compare cards).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"stamp": [0, 1, 2], "mean_days": [5.0, 4.5, 4.0]})
    >>> plot_goal_gradient(t, ax=ax).get_ylabel()
    'Mean days to the next stamp'
    """
    check_dataframe(by_stamp, "by_stamp")
    require_columns(by_stamp, ["stamp", "mean_days"], "by_stamp")
    days = by_stamp["mean_days"].to_numpy(dtype="float64")
    if not np.isfinite(days).all():
        raise ValueError("by_stamp.mean_days has missing values (no card was completed); "
                         "simulate more customers or a longer window")
    ax = get_axes(ax)
    ax.plot(by_stamp["stamp"].to_numpy(), days, **{"marker": "o", "label": label, **kwargs})
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    top = max(float(np.nanmax(line.get_ydata())) for line in ax.get_lines())
    ax.set_ylim(0, top * 1.08)  # every line drawn so far stays in view
    ax.set(xlabel="Stamps already on the card", ylabel="Mean days to the next stamp")
    if label is not None:
        ax.legend()
    return ax


def plot_program_panel(panel: pd.DataFrame, *, by: str = "arm", value: str = "revenue",
                       ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Weekly ``value`` per customer of the start, one line per arm (``by="arm"``) or group.

    Per customer means per customer at week 0 (alive or not later), so dropout shows as a decline.

    Parameters
    ----------
    panel : DataFrame
        ``simulate_program(...).panel``.
    by : {"arm", "group"}, default "arm"
        "arm": program arm vs randomised control (the causal comparison); "group": members,
        non-members and control (the naive comparison, biased by self-selection).
    value : str, default "revenue"
        A panel column: revenue, margin, purchases, ...
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> p = pd.DataFrame({"week": [0, 0, 1, 1], "arm": ["control", "program"] * 2,
    ...                   "group": ["control", "member"] * 2, "customers_alive": [10, 10, 9, 10],
    ...                   "revenue": [50.0, 60.0, 40.0, 62.0]})
    >>> plot_program_panel(p, ax=ax).get_ylabel()
    'Revenue per customer per week ($)'
    """
    check_dataframe(panel, "panel")
    if by not in ("arm", "group"):
        raise ValueError(f"by must be 'arm' or 'group', not {by!r}")
    require_columns(panel, ["week", by, "customers_alive", value], "panel")
    sums = panel.groupby([by, "week"])[[value, "customers_alive"]].sum()
    ax = get_axes(ax)
    for name in sums.index.get_level_values(0).unique():
        s = sums.loc[name]
        start = s["customers_alive"].iloc[0]
        ax.plot(s.index.to_numpy(), s[value].to_numpy() / start, label=str(name), **kwargs)
    if value in ("revenue", "margin", "reward_cost", "program_cost"):
        money_axis(ax, decimals=2)
    ax.set_ylim(0, None)
    ax.set(xlabel="Week", ylabel=f"{value.replace('_', ' ').capitalize()} per customer per week"
           + (" ($)" if value in ("revenue", "margin", "reward_cost", "program_cost") else ""))
    ax.legend()
    return ax


def plot_roi_breakdown(summary: pd.Series, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Bars: incremental margin, reward cost, other program costs and the net benefit.

    Parameters
    ----------
    summary : Series
        ``simulate_program(...).summary``.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> s = pd.Series({"incremental_margin": 100.0, "reward_cost": 40.0, "program_cost": 20.0})
    >>> plot_roi_breakdown(s, ax=ax).get_ylabel()
    'Dollars over the simulated weeks'
    """
    if not isinstance(summary, pd.Series):
        raise TypeError(f"summary must be a pandas Series (simulate_program(...).summary), "
                        f"not {type(summary).__name__}")
    missing = [k for k in ("incremental_margin", "reward_cost", "program_cost") if k not in summary.index]
    if missing:
        raise ValueError(f"summary lacks {missing}; pass simulate_program(...).summary")
    inc, rew, prog = (float(summary[k]) for k in ("incremental_margin", "reward_cost", "program_cost"))
    values = [inc, -rew, -prog, inc - rew - prog]
    labels = ["incremental\nmargin", "reward\ncost", "other program\ncosts", "net\nbenefit"]
    colors = ["C2" if v >= 0 else "C3" for v in values]
    ax = get_axes(ax)
    ax.bar(labels, values, **{"color": colors, **kwargs})
    ax.axhline(0, color="black", linewidth=0.8)
    money_axis(ax)
    total = rew + prog
    title = f"ROI {(inc - total) / total:.0%}" if total > 0 else "no program cost"
    ax.set(ylabel="Dollars over the simulated weeks", title=title)
    return ax

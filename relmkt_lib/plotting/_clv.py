"""Plots of the `clv` module, re-exported by `relmkt_lib.plotting`.

``plot_clv_schedule`` draws a :func:`~relmkt_lib.clv.clv_schedule` table (how the lifetime value
builds up period by period) and ``plot_clv_sensitivity`` a table of lifetime values by retention
rate, one column per scenario. For the 1 % levers of :func:`~relmkt_lib.clv.clv_levers`, use
``plot_value_levers`` (chapter 03) and relabel its x axis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, money_axis, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_clv_schedule", "plot_clv_sensitivity"]


def plot_clv_schedule(schedule: pd.DataFrame, *, limit: float | None = None, ax: Axes | None = None,
                      **kwargs: Any) -> Axes:
    """Bars of each period's expected discounted margin and a line of their running total.

    Parameters
    ----------
    schedule : DataFrame
        The output of :func:`relmkt_lib.clv.clv_schedule`.
    limit : float, optional
        The value with no horizon (``simple_clv(..., horizon=None)``), drawn as a dashed line
        that the running total approaches.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> s = pd.DataFrame({"discounted_margin": [72.7, 52.9], "cumulative_clv": [72.7, 125.6]},
    ...                  index=pd.Index([1, 2], name="period"))
    >>> plot_clv_schedule(s, limit=266.67, ax=ax).get_ylabel()
    'Value today ($)'
    """
    check_dataframe(schedule, "schedule")
    require_columns(schedule, ["discounted_margin", "cumulative_clv"], "schedule")
    values = schedule[["discounted_margin", "cumulative_clv"]].to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        raise ValueError("schedule has missing or infinite values; pass the output of clv.clv_schedule(...)")
    if limit is not None and not np.isfinite(float(limit)):
        raise ValueError(f"limit must be a finite number (the CLV with no horizon), got {limit!r}")
    ax = get_axes(ax)
    x = schedule.index.to_numpy()
    ax.bar(x, values[:, 0], **{"color": "C0", "alpha": 0.8, "label": "expected discounted margin of the period",
                               **kwargs})
    ax.plot(x, values[:, 1], color="C1", marker="o", markersize=4, linewidth=2,
            label="running total (CLV up to that period)")
    if limit is not None:
        ax.axhline(float(limit), color="black", linestyle="--", linewidth=1,
                   label="CLV with no horizon (closed form)")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    money_axis(ax)
    ax.set_ylim(0, None)
    ax.set(xlabel="Period (year) of the margin", ylabel="Value today ($)")
    ax.legend(loc="center right")
    return ax


def plot_clv_sensitivity(curves: pd.DataFrame, *, mark: float | None = None, mark_label: str = "today",
                         ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Lifetime value against the retention rate, one line per scenario (margin, discount, ...).

    Parameters
    ----------
    curves : DataFrame
        Indexed by retention rates (shares from 0 to 1, increasing), one column of lifetime
        values per scenario; the column names are the legend.
    mark : float, optional
        A retention rate to mark with a vertical line (for example the firm's own).
    mark_label : str, default "today"
        The text next to that line.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> c = pd.DataFrame({"m = 100 $": [50.0, 100.0, 300.0]}, index=[0.4, 0.6, 0.8])
    >>> plot_clv_sensitivity(c, mark=0.5, ax=ax).get_xlabel()
    'Retention rate per period (%)'
    """
    check_dataframe(curves, "curves")
    try:
        grid = np.asarray(curves.index, dtype="float64")
        values = curves.to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise TypeError("curves must hold numbers, indexed by retention rates (shares from 0 to 1)") from None
    if not (np.isfinite(grid).all() and (grid >= 0).all() and (grid <= 1).all() and (np.diff(grid) > 0).all()):
        raise ValueError("the index of curves must be increasing retention rates between 0 and 1 "
                         "(0.8 for 80 %), not percentages")
    if not np.isfinite(values).all():
        raise ValueError("curves has missing or infinite lifetime values; keep retention below 1 + discount_rate")
    if mark is not None and not 0 <= float(mark) <= 1:
        raise ValueError(f"mark must be a retention rate between 0 and 1, got {mark!r}")
    ax = get_axes(ax)
    for i, col in enumerate(curves.columns):
        ax.plot(grid, values[:, i], **{"linewidth": 2, "label": str(col), **kwargs})
    if mark is not None:
        ax.axvline(float(mark), color="grey", linestyle="--", linewidth=1)
        ax.annotate(mark_label, xy=(float(mark), 0.97), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", color="grey", va="top")
    percent_axis(ax, "x")
    money_axis(ax)
    ax.set_ylim(0, None)
    ax.set(xlabel="Retention rate per period (%)", ylabel="Customer lifetime value ($)")
    ax.legend(loc="upper left")
    return ax

"""Plots of the `btyd` module, re-exported by `relmkt_lib.plotting`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_calibration_holdout", "plot_tracking", "plot_frequency_recency", "plot_clv_distribution"]


def plot_calibration_holdout(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Actual vs predicted mean holdout purchases by calibration purchases.

    ``table`` is a :func:`relmkt_lib.btyd.holdout_by_frequency` result.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"actual": [0.2, 0.7], "predicted": [0.2, 0.6]}, index=["0", "1+"])
    >>> plot_calibration_holdout(t, ax=ax).get_ylabel()
    'Mean purchases in the holdout'
    """
    check_dataframe(table, "table")
    require_columns(table, ["actual", "predicted"], "table")
    ax = get_axes(ax)
    x = np.arange(len(table))
    ax.plot(x, table["actual"], "o-", color="C0", label="Actual", **kwargs)
    ax.plot(x, table["predicted"], "s--", color="C1", label="Model")
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set(xlabel="Repeat purchases in the calibration period", ylabel="Mean purchases in the holdout")
    ax.legend()
    return ax


def plot_tracking(table: pd.DataFrame, *, cumulative: bool = False, ax: Axes | None = None,
                  **kwargs: Any) -> Axes:
    """Actual vs expected repeat transactions per period (or cumulative), holdout shaded.

    ``table`` is a :func:`relmkt_lib.btyd.tracking_table` result.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"actual": [1.0, 3], "expected": [2.0, 2], "actual_cum": [1.0, 4],
    ...                   "expected_cum": [2.0, 4], "holdout": [False, True]}, index=[1, 2])
    >>> plot_tracking(t, cumulative=True, ax=ax).get_ylabel()
    'Cumulative repeat transactions'
    """
    check_dataframe(table, "table")
    cols = ["actual_cum", "expected_cum"] if cumulative else ["actual", "expected"]
    require_columns(table, [*cols, "holdout"], "table")
    ax = get_axes(ax)
    x = np.asarray(table.index, dtype=float)
    ax.plot(x, table[cols[0]], color="C0", label="Actual", **kwargs)
    ax.plot(x, table[cols[1]], "--", color="C1", label="Model")
    hold = table["holdout"].to_numpy(dtype=bool)
    if hold.any():
        ax.axvspan(x[hold][0] - 0.5, x[-1] + 0.5, color="0.9", zorder=0, label="Holdout")
    ax.set(xlabel="Week since the cohort's first purchase",
           ylabel=("Cumulative repeat transactions" if cumulative else "Repeat transactions per week"))
    ax.legend(loc="upper left")
    return ax


def plot_frequency_recency(matrix: pd.DataFrame, *, label: str = "Expected purchases",
                           levels: Sequence[float] | None = None, ax: Axes | None = None,
                           **kwargs: Any) -> Axes:
    """Heatmap of a :func:`relmkt_lib.btyd.frequency_recency_matrix` (frequency down, recency across).

    With ``label`` starting with "P(alive)" the colour bar reads as percentages. ``levels``
    (increasing bounds, e.g. ``[0, 0.25, 0.5, 1, 2, 4, 8, 16]``) gives one colour per band
    instead of a continuous scale: use it when a few large values would squeeze most cells into
    one shade. NaN cells (impossible combinations) are left blank.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> m = pd.DataFrame([[0.5, np.nan], [0.2, 0.9]])
    >>> plot_frequency_recency(m, ax=ax).get_xlabel()
    'Recency: weeks from first to last purchase'
    >>> fig, ax = plt.subplots()
    >>> plot_frequency_recency(m, levels=[0, 0.25, 0.5, 1], ax=ax).get_ylabel()
    'Frequency: repeat purchases'
    """
    check_dataframe(matrix, "matrix")
    ax = get_axes(ax)
    values = matrix.to_numpy(dtype=float)
    cmap = kwargs.pop("cmap", "viridis")
    if levels is not None:
        from matplotlib import colormaps
        from matplotlib.colors import BoundaryNorm

        bounds = np.asarray(levels, dtype=float)
        if bounds.ndim != 1 or len(bounds) < 2 or not (np.diff(bounds) > 0).all():
            raise ValueError(f"levels must be at least two increasing numbers, got {levels!r}")
        cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
        kwargs["norm"] = BoundaryNorm(bounds, cmap.N)
    img = ax.imshow(values, origin="lower", aspect="auto", cmap=cmap,
                    extent=(-0.5, values.shape[1] - 0.5, -0.5, values.shape[0] - 0.5), **kwargs)
    bar = ax.figure.colorbar(img, ax=ax)
    if levels is not None:
        bar.set_ticks(list(levels))
        bar.set_ticklabels([f"{b:g}" for b in levels])
    bar.set_label(label)
    if label.startswith("P(alive)"):
        percent_axis(bar.ax, "y")
    ax.set(xlabel="Recency: weeks from first to last purchase", ylabel="Frequency: repeat purchases")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(False)
    return ax


def plot_clv_distribution(clv: pd.Series, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Concentration curve of CLV: share of total value held by the top share of customers.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_clv_distribution(pd.Series([1.0, 2, 7]), ax=ax).get_ylabel()
    'Share of total CLV'
    """
    if not isinstance(clv, pd.Series):
        raise TypeError(f"clv must be a pandas Series (from btyd.discounted_clv), not {type(clv).__name__}")
    values = clv.to_numpy(dtype=float)
    if len(values) == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("clv must be a non-empty Series of finite values >= 0")
    v = np.sort(values)[::-1]
    share_value = np.concatenate([[0], np.cumsum(v) / v.sum()])
    share_cust = np.linspace(0, 1, len(v) + 1)
    ax = get_axes(ax)
    ax.plot(share_cust, share_value, color="C0", label="Customers ranked by CLV", **kwargs)
    ax.plot([0, 1], [0, 1], ":", color="0.5", label="Everyone worth the same")
    percent_axis(ax, "x")
    percent_axis(ax, "y")
    ax.set(xlabel="Share of customers (highest CLV first)", ylabel="Share of total CLV")
    ax.legend(loc="lower right")
    return ax

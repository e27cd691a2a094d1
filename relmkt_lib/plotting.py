"""Plots for the kit: one style, and ``plot_*(..., ax=None, **kwargs) -> Axes`` functions.

Every plot function validates its input, draws on ``ax`` (or the current Axes), labels the
axes in plain words with units, and returns the Axes so the caller can adjust it.
matplotlib is imported inside the functions, so ``import relmkt_lib`` stays fast.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, require_columns
from ._plot_btyd import *  # noqa: F401,F403
from ._plot_btyd import __all__ as _btyd_all
from ._plot_clv import *  # noqa: F401,F403
from ._plot_clv import __all__ as _clv_all
from ._plot_cohorts import *  # noqa: F401,F403
from ._plot_cohorts import __all__ as _cohorts_all
from ._plot_contractual import *  # noqa: F401,F403
from ._plot_contractual import __all__ as _contractual_all
from ._plot_loyalty import *  # noqa: F401,F403
from ._plot_loyalty import __all__ as _loyalty_all
from ._plot_metrics import *  # noqa: F401,F403
from ._plot_metrics import __all__ as _metrics_all
from ._plot_migration import *  # noqa: F401,F403
from ._plot_migration import __all__ as _migration_all
from ._plot_rfm import *  # noqa: F401,F403
from ._plot_rfm import __all__ as _rfm_all
from ._plotbase import get_axes as _axes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

# Each domain's plots live in a private module (_plot_<domain>.py) and are re-exported here,
# so learners find every plot as relmkt_lib.plotting.plot_*.
__all__ = [
    "use_style",
    "plot_purchase_histogram",
    "plot_activity_over_time",
    *_metrics_all,
    *_rfm_all,
    *_cohorts_all,
    *_clv_all,
    *_migration_all,
    *_contractual_all,
    *_btyd_all,
    *_loyalty_all,
]

STYLE_FILE = "relmkt.mplstyle"


def use_style() -> None:
    """Apply the kit's matplotlib style (``relmkt_lib/relmkt.mplstyle``).

    The style is a file shipped with the package, applied explicitly: notebooks call
    ``use_style()`` once in their imports cell.

    Examples
    --------
    >>> use_style()
    >>> import matplotlib.pyplot as plt
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    import matplotlib.pyplot as plt

    plt.style.use(str(files("relmkt_lib") / STYLE_FILE))


def plot_purchase_histogram(
    summary: pd.DataFrame,
    column: str = "frequency",
    *,
    max_value: int = 10,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Bar chart of the share of customers by number of repeat purchases.

    Values above ``max_value`` are pooled into one bar labelled ``"max_value+"``.

    Parameters
    ----------
    summary : DataFrame
        A :func:`relmkt_lib.data.summarize_transactions` table (or any table with ``column``).
    column : str, default "frequency"
        Count column to plot.
    max_value : int, default 10
        Largest value shown on its own.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> s = pd.DataFrame({"frequency": [0, 0, 1, 3, 12]})
    >>> plot_purchase_histogram(s, max_value=5, ax=ax).get_ylabel()
    'Share of customers (%)'
    """
    check_dataframe(summary, "summary")
    require_columns(summary, [column], "summary")
    values = summary[column].to_numpy(dtype="float64")
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError(f"column {column!r} must hold counts >= 0 with no missing values")
    if int(max_value) < 1:
        raise ValueError(f"max_value must be at least 1, got {max_value!r}")
    capped = np.minimum(values, max_value).astype(int)
    share = np.bincount(capped, minlength=max_value + 1) / len(capped) * 100
    labels = [str(i) for i in range(max_value)] + [f"{max_value}+"]
    ax = _axes(ax)
    ax.bar(labels, share, **{"color": "C0", **kwargs})
    ax.set(
        xlabel="Repeat purchases (periods with a purchase after the first)",
        ylabel="Share of customers (%)",
    )
    return ax


def plot_activity_over_time(
    transactions: pd.DataFrame,
    date_col: str = "date",
    amount_col: str | None = None,
    *,
    freq: str = "W",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Line chart of transactions (or revenue, with ``amount_col``) per week or month.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction with a datetime column.
    date_col : str, default "date"
    amount_col : str, optional
        If given, plot the revenue per period instead of the number of transactions.
    freq : {"W", "MS"}, default "W"
        Weekly or monthly totals.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"])})
    >>> plot_activity_over_time(t, freq="MS", ax=ax).get_ylabel()
    'Transactions per month'
    """
    check_dataframe(transactions, "transactions")
    require_columns(transactions, [date_col, amount_col], "transactions")
    if freq not in ("W", "MS"):
        raise ValueError(f"freq must be 'W' (weekly) or 'MS' (monthly), not {freq!r}")
    if not pd.api.types.is_datetime64_any_dtype(transactions[date_col]):
        raise ValueError(
            f"column {date_col!r} must hold dates (datetime64); convert it with pandas.to_datetime"
        )
    values = transactions[amount_col] if amount_col else pd.Series(1.0, index=transactions.index)
    series = values.groupby(transactions[date_col].dt.to_period("W" if freq == "W" else "M")).sum()
    series.index = series.index.to_timestamp()
    full = pd.period_range(series.index.min(), series.index.max(), freq="W" if freq == "W" else "M")
    series = series.reindex(full.to_timestamp(), fill_value=0)
    per = "week" if freq == "W" else "month"
    ax = _axes(ax)
    from matplotlib.ticker import StrMethodFormatter

    ax.plot(series.index, series.to_numpy(), **kwargs)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # revenue label says ($)
    ax.set(xlabel="Date", ylabel=f"{'Revenue ($)' if amount_col else 'Transactions'} per {per}")
    return ax

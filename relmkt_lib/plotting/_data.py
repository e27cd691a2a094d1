"""Plots of raw activity: repeat-purchase histogram and activity over time (chapter 00)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from .._dates import parse_dates
from ._base import get_axes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_purchase_histogram", "plot_activity_over_time"]


def plot_purchase_histogram(
    summary: pd.DataFrame,
    *,
    column: str = "frequency",
    max_value: int = 10,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Bar chart of the share of customers by number of repeat purchase days.

    Values above ``max_value`` are pooled into one bar labelled ``"max_value+"``. The x label
    says "repeat purchase days", the ``frequency`` of a :func:`~relmkt_lib.data.summarize_transactions`
    table in days (the default); for another count (calendar weeks, ``column=...``) set your own
    label with ``ax.set_xlabel``.

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
    ax = get_axes(ax)
    ax.bar(labels, share, **{"color": "C0", **kwargs})
    # summarize_transactions merges the purchases of one day: its frequency counts repeat purchase days
    ax.set(
        xlabel="Repeat purchase days (days with a purchase, after the first)",
        ylabel="Share of customers (%)",
    )
    return ax


def plot_activity_over_time(
    transactions: pd.DataFrame,
    *,
    date_col: str = "date",
    amount_col: str | None = None,
    freq: str = "W",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Line chart of transactions (rows of the log) or revenue (with ``amount_col``) per week or month.

    Without ``amount_col`` it counts the rows of the log: one row per transaction, so two
    purchases by one customer on one day are two rows (``summarize_transactions`` merges them
    into one purchase day).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction with a date column (datetime, or text that reads as dates).
    date_col : str, default "date"
    amount_col : str, optional
        If given, plot the revenue per period instead of the number of transactions (rows).
    freq : {"W", "M"}, default "W"
        Weekly (Monday to Sunday) or monthly totals, from the kit's shared period codes.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"])})
    >>> plot_activity_over_time(t, freq="M", ax=ax).get_ylabel()
    'Transactions (rows of the log) per month'
    """
    check_dataframe(transactions, "transactions")
    require_columns(transactions, [date_col, amount_col], "transactions")
    if freq not in ("W", "M"):
        hint = " ('MS' is now 'M')" if freq == "MS" else ""
        raise ValueError(f"freq must be 'W' (weekly) or 'M' (monthly), not {freq!r}{hint}")
    dates = parse_dates(transactions, date_col, name="transactions")
    values = transactions[amount_col] if amount_col else pd.Series(1.0, index=transactions.index)
    series = values.groupby(dates.dt.to_period(freq)).sum()
    series.index = series.index.to_timestamp()
    full = pd.period_range(series.index.min(), series.index.max(), freq=freq)
    series = series.reindex(full.to_timestamp(), fill_value=0)
    per = "week" if freq == "W" else "month"
    ax = get_axes(ax)
    from matplotlib.ticker import StrMethodFormatter

    ax.plot(series.index, series.to_numpy(), **kwargs)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # revenue label says ($)
    ax.set(xlabel="Date", ylabel=f"{'Revenue ($)' if amount_col else 'Transactions (rows of the log)'} per {per}")
    return ax

"""The customer-summary machinery of :mod:`relmkt_lib.data` (private partner of data).

``checked_log`` does :func:`relmkt_lib.data.validate_transactions`' work and also returns the id
codes and day numbers of the clean rows, so that ``summarize_clean`` (the vectorised frequency /
recency / T / monetary value table of :func:`relmkt_lib.data.summarize_transactions` and
:func:`relmkt_lib.data.calibration_holdout_split`) need not compute them again. ``period_index``
numbers days or Monday-to-Sunday weeks; ``split_bounds`` cuts a log at ``calibration_end``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, require_columns
from ._data_checks import (
    ONE_DAY,
    check_amount_total,
    check_ids,
    check_not_after,
    compact_codes,
    count_zero_amounts,
    handle_duplicates,
    last_day,
    parse_amounts,
    warn_outlying_dates,
    without_returns,
)
from ._dates import parse_dates

__all__ = ["Checked", "checked_log", "day_numbers", "period_index", "period_of", "factorize_sorted",
           "summarize_clean", "split_bounds"]

@dataclass(frozen=True)
class Checked:
    """A clean log, with what its checks computed that the summary needs again: each row's id
    code (``ids`` the distinct ids, every one used) and day number (days since 1970-01-01)."""

    log: pd.DataFrame
    codes: np.ndarray
    ids: pd.Index
    days: np.ndarray
    counts: dict[str, int]


def checked_log(df: pd.DataFrame, *, customer_col: str, date_col: str, amount_col: str | None,
                observation_end: Any, date_format: str | None, dayfirst: bool | None, timezone: str | None,
                drop_returns: bool = False, drop_missing_ids: bool = False, normalize_ids: bool = False,
                duplicates: str = "ignore", count_zeros: bool = False, warn_zeros: bool = False) -> Checked:
    """validate_transactions' work, also returning the id codes and day numbers of the clean rows."""
    check_dataframe(df)
    require_columns(df, [customer_col, date_col, amount_col])
    for flag, value in (("drop_returns", drop_returns), ("drop_missing_ids", drop_missing_ids),
                        ("normalize_ids", normalize_ids)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{flag} must be True or False, not {value!r}")
    counts: dict[str, int] = {}
    out, codes, ids = check_ids(df.copy(), customer_col, drop=drop_missing_ids, normalize=normalize_ids,
                                counts=counts)
    out[date_col] = parse_dates(out, date_col, date_format=date_format, dayfirst=dayfirst, timezone=timezone)
    if amount_col is not None:
        out[amount_col] = parse_amounts(out, amount_col)
        kept = (out[amount_col] >= 0).to_numpy() if drop_returns else None
        out = without_returns(out, amount_col, drop_returns, counts)
        if len(out) < len(codes):
            codes = codes[kept]
        check_amount_total(out, amount_col)
        if count_zeros:  # reported when the user validates (rfm, cohorts... validate too, quietly)
            count_zero_amounts(out, amount_col, counts, warn=warn_zeros)
    end = None if observation_end is None else last_day(observation_end, "observation_end", dayfirst=dayfirst,
                                                        timezone=timezone)
    if end is not None:
        check_not_after(out, date_col, end)
    days = day_numbers(out[date_col])
    warn_outlying_dates(out, date_col, days)
    if duplicates != "ignore":
        key = [c for c in (customer_col, date_col, amount_col) if c is not None]
        n = len(out)
        out, codes, kept = handle_duplicates(out, key, codes, duplicates, counts)
        if len(out) < n:
            days = days[kept]
    if len(out) < len(df):
        codes, ids = compact_codes(codes, ids)
    return Checked(out, codes, ids, days, counts)


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 (int64) of naive datetimes."""
    return dates.to_numpy().astype("datetime64[D]").view(np.int64)


def period_index(dates: pd.Series, freq: str, days: np.ndarray | None = None) -> np.ndarray:
    """Integer period numbers (days since 1970-01-01, or Monday-to-Sunday weeks)."""
    days = day_numbers(dates) if days is None else days
    if freq == "W":
        # 1970-01-01 is a Thursday: shifting by 3 days makes weeks start on Monday,
        # like pandas' "W" (= "W-SUN") periods used by lifetimes.
        return (days + 3) // 7
    return days


def period_of(ts: pd.Timestamp, freq: str) -> int:
    return int(period_index(pd.Series([ts]), freq)[0])


def factorize_sorted(ids: pd.Series, factorized: tuple[np.ndarray, pd.Index] | None = None,
                     ) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the ids, numbered in sorted order of the ids (lifetimes' row order).

    Hashing comes first (or was done by the checks: ``factorized``) and only the distinct ids are
    sorted; text ids are sorted as a fixed-width numpy array, much faster than comparing Python
    strings one by one.
    """
    codes, uniques = pd.factorize(ids) if factorized is None else factorized
    uniques = pd.Index(uniques)
    if pd.api.types.is_string_dtype(uniques.dtype) and uniques.map(type).isin([str]).all():
        order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
    else:
        order = uniques.argsort()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    if factorized is not None and codes.dtype == np.intp:  # the checks' codes are not needed again
        return np.take(rank, codes, out=codes), uniques[order]
    return rank[codes], uniques[order]


def summarize_clean(
    log: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    end: pd.Timestamp | None,
    freq: str,
    per_unit: float,
    include_first_transaction: bool,
    checked: Checked | None = None,
) -> pd.DataFrame:
    """The summary of a clean log (``checked``: its id codes and day numbers, computed by the checks)."""
    codes, customers = factorize_sorted(log[customer_col], None if checked is None else (checked.codes, checked.ids))
    n_cust = len(customers)
    period = period_index(log[date_col], freq, None if checked is None else checked.days)
    end_period = int(period.max()) if end is None else period_of(end, freq)

    first = np.full(n_cust, np.iinfo(np.int64).max)
    last = np.full(n_cust, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, period)
    np.maximum.at(last, codes, period)

    # Periods with a purchase per customer = distinct (customer, period) pairs. Sorting the
    # values of one integer key (no argsort, smallest dtype that holds it) is the cheapest
    # exact way to count them; everything else is a bincount.
    p0 = int(period.min())
    span = end_period - p0 + 1
    dtype = np.uint32 if n_cust * span < 2**32 else np.int64
    key = np.sort(codes.astype(dtype) * dtype(span) + (period - p0).astype(dtype))
    distinct = np.empty(len(key), dtype=bool)
    distinct[0] = True
    np.not_equal(key[1:], key[:-1], out=distinct[1:])
    count = np.bincount(key[distinct] // dtype(span), minlength=n_cust)

    scale = float(per_unit)
    out = pd.DataFrame(
        {
            "frequency": (count if include_first_transaction else count - 1).astype("float64"),
            "recency": (last - first) / scale,
            "T": (end_period - first) / scale,
        },
        index=pd.Index(customers, name=customer_col),
    )
    if amount_col is not None:
        amount = log[amount_col].to_numpy(dtype="float64")
        total = np.bincount(codes, weights=amount, minlength=n_cust)
        n = count
        if not include_first_transaction:
            # Mean spend of the repeat periods: all spend minus the first period's spend.
            in_first = period == first[codes]
            total = total - np.bincount(codes[in_first], weights=amount[in_first], minlength=n_cust)
            n = count - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(n > 0, total / np.maximum(n, 1), 0.0)
    return out


def split_bounds(log: pd.DataFrame, date_col: str, cal_end: pd.Timestamp,
                 obs_end: pd.Timestamp) -> np.ndarray:
    """Which rows fall in the calibration period; an error if either period is empty."""
    if obs_end <= cal_end:
        raise ValueError(
            f"observation_end ({obs_end.date()}) must come after calibration_end ({cal_end.date()}); "
            "the holdout period is the days after calibration_end, up to observation_end"
        )
    in_cal = (log[date_col] < cal_end + ONE_DAY).to_numpy()
    if not in_cal.any():
        raise ValueError(
            f"no transaction in {date_col!r} is on or before calibration_end {cal_end.date()}; "
            f"the first is on {log[date_col].min().date()}. Choose a later calibration_end."
        )
    if in_cal.all():
        raise ValueError(
            f"no transaction in {date_col!r} falls after calibration_end {cal_end.date()}; "
            "choose an earlier calibration_end or a later observation_end"
        )
    return in_cal

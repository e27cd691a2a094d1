"""From a raw transaction log to one row per customer.

``validate_transactions`` checks a log and explains what is wrong with it;
``summarize_transactions`` turns it into the frequency / recency / T / monetary
value table that the buy-till-you-die models expect (the conventions of lifetimes'
``summary_data_from_transaction_data``, computed much faster and safely on pandas 3);
``calibration_holdout_split`` adds what each customer did in a later holdout period.

Conventions (Fader, Hardie & Lee 2005; lifetimes):

- ``observation_end`` and ``calibration_end`` are the last observed **days**, inclusive: a
  purchase at 15:00 on that day is inside (a time of day given with them is ignored);
- dates are local calendar days: tz-aware dates (and texts with a UTC offset such as ``-05:00``)
  keep the clock of their own zone, or of ``timezone`` if given; day/month texts such as
  ``05/01/2024`` are never guessed (``dayfirst=True`` reads Quebec's JJ/MM/AAAA);
- purchases on the same day (or in the same calendar week, ``time_unit="calendar_weeks"``) are
  merged into one;
- ``frequency`` is the number of *repeat* periods with a purchase (the first one is not counted);
- ``recency`` is the time from the first to the last purchase, ``T`` the time from the first
  purchase to ``observation_end``, in ``time_unit``: ``"days"``, ``"weeks"`` (days / 7, the
  Fader-Hardie papers and CLVTools) or ``"calendar_weeks"`` (whole Monday-to-Sunday weeks,
  lifetimes' ``freq="W"``);
- ``monetary_value`` is the mean spend of the repeat periods (0 for one-time buyers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, entry_point, plain, removed_keywords, require_columns
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
    report,
    warn_outlying_dates,
    without_returns,
)
from ._dates import parse_dates
from .exceptions import DataWarning

__all__ = [
    "DataWarning",
    "TIME_UNITS",
    "ValidationReport",
    "HoldoutReport",
    "validate_transactions",
    "summarize_transactions",
    "calibration_holdout_split",
]

#: time_unit -> (period in which purchases are merged: "D" days or "W" calendar weeks,
#: number of those periods in one unit).
TIME_UNITS: dict[str, tuple[str, int]] = {"days": ("D", 1), "weeks": ("D", 7), "calendar_weeks": ("W", 1)}

_TIME_UNIT_HINT = ("time_unit='days', time_unit='weeks' (days / 7 from the first purchase, as in the "
                   "Fader-Hardie papers; was freq='D', freq_multiplier=7) or time_unit='calendar_weeks' "
                   "(Monday-to-Sunday weeks; was freq='W')")
_REMOVED = {"freq": _TIME_UNIT_HINT, "freq_multiplier": _TIME_UNIT_HINT}


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_transactions` did: rows in and out, and each reason rows were dropped.

    ``duplicates`` counts rows repeating an earlier one (kept unless ``duplicates="drop"``);
    ``zero_amounts`` rows with an amount of 0 (kept; the Gamma-Gamma spend model needs positive
    spend); ``normalized_ids`` rows whose id changed under ``normalize_ids=True``.
    """

    rows_in: int
    rows_out: int
    dropped_missing_ids: int = 0
    dropped_returns: int = 0
    duplicates: int = 0
    dropped_duplicates: int = 0
    zero_amounts: int = 0
    normalized_ids: int = 0


@dataclass(frozen=True)
class HoldoutReport:
    """What :func:`calibration_holdout_split` left out: customers whose first purchase is in the holdout."""

    new_customers: int
    new_customer_ids: tuple[Any, ...] = ()


def _check_time_unit(time_unit: Any) -> tuple[str, int]:
    if time_unit not in TIME_UNITS:
        raise ValueError(f"time_unit must be 'days', 'weeks' or 'calendar_weeks', not {time_unit!r}: "
                         f"write {_TIME_UNIT_HINT}")
    return TIME_UNITS[time_unit]


@removed_keywords(**_REMOVED)
def validate_transactions(
    df: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    observation_end: Any = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    drop_returns: bool = False,
    drop_missing_ids: bool = False,
    normalize_ids: bool = False,
    duplicates: str = "report",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, ValidationReport]:
    """Check a transaction log and return a clean copy with parsed dates.

    Every problem raises a ``ValueError`` naming the column, how many rows are affected,
    the first of them and what to do. Rows are dropped only on request; each drop is
    reported with a :class:`DataWarning` and counted in a :class:`ValidationReport`.
    Also reported with a DataWarning (and kept): customer ids with stray spaces or in another
    Unicode form (``"A "`` and ``"A"`` are two customers until ``normalize_ids=True``), dates far
    beyond the rest (a 2099 typo) or before 1900, and amounts of 0.

    Parameters
    ----------
    df : DataFrame
        One row per transaction. Not modified.
    customer_col, date_col : str, default "customer_id", "date"
        Columns holding the customer id and the transaction date.
    amount_col : str, optional
        Column holding the amount spent; checked to be finite and non-negative. None: no amounts.
    observation_end : date-like, optional
        The last observed day (inclusive); a transaction on a later day is an error.
    date_format : str, optional
        ``strftime`` format of the dates when they are text or numbers (``"%Y%m%d"``).
    dayfirst : bool, optional
        Order of day/month text dates such as ``05/01/2024``: True for day/month/year (Quebec's
        JJ/MM/AAAA), False for month/day/year. Needed when the column does not show it (every
        day 12 or less): such dates are never guessed. ISO dates (``2024-01-05``) need nothing.
    timezone : str, optional
        Time zone (``"America/Montreal"``) in which tz-aware dates and texts with a UTC offset
        become calendar days. Default: each date's own zone or offset (its local clock).
    drop_returns : bool, default False
        Drop rows with a negative amount (returns) instead of failing.
    drop_missing_ids : bool, default False
        Drop rows without a customer id (missing, empty, or a placeholder such as ``"NULL"``,
        ``"N/A"``, ``"None"``) instead of failing.
    normalize_ids : bool, default False
        Strip leading and trailing spaces from text ids and put them in Unicode form NFC, so that
        ``"Zoë "`` and ``"Zoë"`` are one customer (reported with a DataWarning).
    duplicates : {"report", "drop", "raise", "ignore"}, default "report"
        What to do with rows identical on the customer, date and amount columns.
    return_report : bool, default False
        Also return a :class:`ValidationReport` (rows in and out, and what was dropped).

    Returns
    -------
    DataFrame, or (DataFrame, ValidationReport) with ``return_report=True``
        A copy of ``df`` (all its columns) with ``date_col`` as naive datetime64, minus any rows
        dropped on request.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 2], "day": ["2024-01-02", "2024-01-09", "2024-01-05"],
    ...                     "amount": [20.0, 35.5, 12.0]})
    >>> validate_transactions(log, customer_col="id", date_col="day", amount_col="amount")["day"].dtype.kind
    'M'
    >>> bad = log.assign(amount=[20.0, -5.0, 12.0])
    >>> validate_transactions(bad, customer_col="id", date_col="day", amount_col="amount")
    Traceback (most recent call last):
    ...
    ValueError: column 'amount': 1 row(s) are negative (returns?); the first is row 1 (value -5.0). ...
    >>> clean, report = validate_transactions(bad, customer_col="id", date_col="day", amount_col="amount",
    ...                                       drop_returns=True, return_report=True)
    >>> report.dropped_returns
    1
    >>> quebec = log.assign(day=["02/01/2024", "09/01/2024", "05/01/2024"])  # JJ/MM/AAAA
    >>> validate_transactions(quebec, customer_col="id", date_col="day", dayfirst=True)["day"].iloc[1]
    Timestamp('2024-01-09 00:00:00')
    """
    if duplicates not in ("report", "drop", "raise", "ignore"):
        raise ValueError(f"duplicates must be 'report', 'drop', 'raise' or 'ignore', not {duplicates!r}")
    checked = _checked_log(
        df, customer_col=customer_col, date_col=date_col, amount_col=amount_col, observation_end=observation_end,
        date_format=date_format, dayfirst=dayfirst, timezone=timezone, drop_returns=drop_returns,
        drop_missing_ids=drop_missing_ids, normalize_ids=normalize_ids, duplicates=duplicates,
        count_zeros=True, warn_zeros=entry_point()[0] == "validate_transactions")
    out = checked.log
    if return_report:
        return out, ValidationReport(rows_in=len(df), rows_out=len(out), **checked.counts)
    return out


@dataclass(frozen=True)
class _Checked:
    """A clean log, with what its checks computed that the summary needs again: each row's id
    code (``ids`` the distinct ids, every one used) and day number (days since 1970-01-01)."""

    log: pd.DataFrame
    codes: np.ndarray
    ids: pd.Index
    days: np.ndarray
    counts: dict[str, int]


def _checked_log(df: pd.DataFrame, *, customer_col: str, date_col: str, amount_col: str | None,
                 observation_end: Any, date_format: str | None, dayfirst: bool | None, timezone: str | None,
                 drop_returns: bool = False, drop_missing_ids: bool = False, normalize_ids: bool = False,
                 duplicates: str = "ignore", count_zeros: bool = False, warn_zeros: bool = False) -> _Checked:
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
    days = _day_numbers(out[date_col])
    warn_outlying_dates(out, date_col, days)
    if duplicates != "ignore":
        key = [c for c in (customer_col, date_col, amount_col) if c is not None]
        n = len(out)
        out, codes, kept = handle_duplicates(out, key, codes, duplicates, counts)
        if len(out) < n:
            days = days[kept]
    if len(out) < len(df):
        codes, ids = compact_codes(codes, ids)
    return _Checked(out, codes, ids, days, counts)


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 (int64) of naive datetimes."""
    return dates.to_numpy().astype("datetime64[D]").view(np.int64)


def _period_index(dates: pd.Series, freq: str, days: np.ndarray | None = None) -> np.ndarray:
    """Integer period numbers (days since 1970-01-01, or Monday-to-Sunday weeks)."""
    days = _day_numbers(dates) if days is None else days
    if freq == "W":
        # 1970-01-01 is a Thursday: shifting by 3 days makes weeks start on Monday,
        # like pandas' "W" (= "W-SUN") periods used by lifetimes.
        return (days + 3) // 7
    return days


def _period_of(ts: pd.Timestamp, freq: str) -> int:
    return int(_period_index(pd.Series([ts]), freq)[0])


@removed_keywords(**_REMOVED)
def summarize_transactions(
    df: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    observation_end: Any = None,
    time_unit: str = "days",
    include_first_transaction: bool = False,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
) -> pd.DataFrame:
    """One row per customer: frequency, recency, T and monetary value.

    The output equals lifetimes' ``summary_data_from_transaction_data`` called with the
    matching arguments (up to floating-point rounding of the mean spend), is many times faster,
    and checks its input first (see :func:`validate_transactions`; duplicated rows are not
    looked for here, since same-period purchases are merged anyway).

    Parameters
    ----------
    df : DataFrame
        One row per transaction. Not modified.
    customer_col, date_col : str, default "customer_id", "date"
        Customer id and transaction date columns.
    amount_col : str, optional
        Amount column; adds ``monetary_value``, the mean spend per repeat period. None: no amounts.
    observation_end : date-like, optional
        The last observed day, inclusive (default: the day of the last transaction). A
        transaction on a later day is an error: cut the log first, or use
        :func:`calibration_holdout_split`.
    time_unit : {"days", "weeks", "calendar_weeks"}, default "days"
        Unit of ``recency`` and ``T``. "weeks" is days / 7 with decimals (the Fader-Hardie
        papers, CLVTools; lifetimes' ``freq="D", freq_multiplier=7``); "calendar_weeks" merges
        purchases by Monday-to-Sunday week and counts whole weeks (lifetimes' ``freq="W"``).
    include_first_transaction : bool, default False
        Count the first period in ``frequency`` and ``monetary_value`` (lifetimes' option).
    date_format, dayfirst, timezone : optional
        How to read the dates, as in :func:`validate_transactions`.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), columns ``frequency``, ``recency``, ``T`` and, with
        ``amount_col``, ``monetary_value``; all float64.

    Examples
    --------
    >>> log = pd.DataFrame({"id": ["a", "a", "a", "b"],
    ...                     "day": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-05"]),
    ...                     "spend": [10.0, 5.0, 30.0, 12.0]})
    >>> summarize_transactions(log, customer_col="id", date_col="day", amount_col="spend",
    ...                        observation_end="2024-01-15")  # doctest: +NORMALIZE_WHITESPACE
        frequency  recency     T  monetary_value
    id
    a         1.0      7.0  14.0            30.0
    b         0.0      0.0  10.0             0.0
    >>> summarize_transactions(log, customer_col="id", date_col="day", observation_end="2024-01-15",
    ...                        time_unit="weeks")["T"].round(2).tolist()  # days / 7
    [2.0, 1.43]
    """
    freq, per_unit = _check_time_unit(time_unit)
    end = None if observation_end is None else last_day(observation_end, "observation_end", dayfirst=dayfirst,
                                                        timezone=timezone)
    checked = _checked_log(df, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                           observation_end=end, date_format=date_format, dayfirst=dayfirst, timezone=timezone)
    return _summarize_clean(checked.log, customer_col, date_col, amount_col, end, freq, per_unit,
                            include_first_transaction, checked=checked)


def _factorize_sorted(ids: pd.Series, factorized: tuple[np.ndarray, pd.Index] | None = None,
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


def _summarize_clean(
    log: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    end: pd.Timestamp | None,
    freq: str,
    per_unit: float,
    include_first_transaction: bool,
    checked: _Checked | None = None,
) -> pd.DataFrame:
    """The summary of a clean log (``checked``: its id codes and day numbers, computed by the checks)."""
    codes, customers = _factorize_sorted(log[customer_col], None if checked is None else (checked.codes, checked.ids))
    n_cust = len(customers)
    period = _period_index(log[date_col], freq, None if checked is None else checked.days)
    end_period = int(period.max()) if end is None else _period_of(end, freq)

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


def _split_bounds(log: pd.DataFrame, date_col: str, cal_end: pd.Timestamp,
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


@removed_keywords(**_REMOVED)
def calibration_holdout_split(
    df: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    calibration_end: Any,
    observation_end: Any = None,
    time_unit: str = "days",
    include_first_transaction: bool = False,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, HoldoutReport]:
    """Calibration summary plus what each customer did in the holdout period.

    Transactions up to ``calibration_end`` (the last calibration day, inclusive) are summarized
    as in :func:`summarize_transactions` (columns get a ``_cal`` suffix). Transactions on the
    days after it, up to ``observation_end`` (inclusive), give ``frequency_holdout`` (periods
    with a purchase), ``monetary_value_holdout`` (mean amount per holdout *transaction*,
    lifetimes' convention), ``revenue_holdout`` (total holdout spend) and ``duration_holdout``
    (length of the holdout in ``time_unit``). The result equals lifetimes'
    ``calibration_and_holdout_data`` on its columns when dates carry no time of day (lifetimes
    puts a purchase at 15:00 on ``calibration_end`` in the holdout; here it is calibration), and
    also works on pandas 3.

    Customers whose first purchase falls in the holdout are not in the calibration cohort;
    they are left out, their number is reported with a :class:`DataWarning`, and
    ``return_report=True`` also returns a :class:`HoldoutReport` with their ids.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 1, 2, 3],
    ...                     "day": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-03",
    ...                                            "2024-01-10", "2024-02-01"]),
    ...                     "spend": [10.0, 20.0, 15.0, 8.0, 9.0]})
    >>> out, report = calibration_holdout_split(
    ...     log, customer_col="id", date_col="day", amount_col="spend",
    ...     calibration_end="2024-01-31", observation_end="2024-02-29", return_report=True)
    >>> out[["frequency_cal", "T_cal", "frequency_holdout", "revenue_holdout",
    ...      "duration_holdout"]]  # doctest: +NORMALIZE_WHITESPACE
        frequency_cal  T_cal  frequency_holdout  revenue_holdout  duration_holdout
    id
    1             1.0   30.0                1.0             15.0              29.0
    2             0.0   21.0                0.0              0.0              29.0
    >>> report  # customer 3 first bought in the holdout
    HoldoutReport(new_customers=1, new_customer_ids=(3,))
    """
    freq, per_unit = _check_time_unit(time_unit)
    cal_end = last_day(calibration_end, "calibration_end", dayfirst=dayfirst, timezone=timezone)
    log = _checked_log(df, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                       observation_end=observation_end, date_format=date_format, dayfirst=dayfirst,
                       timezone=timezone).log
    obs_end = last_day(log[date_col].max() if observation_end is None else observation_end, "observation_end",
                       dayfirst=dayfirst, timezone=timezone)
    in_cal = _split_bounds(log, date_col, cal_end, obs_end)
    hold = log.loc[~in_cal]
    cal = _summarize_clean(log.loc[in_cal], customer_col, date_col, amount_col, cal_end, freq,
                           per_unit, include_first_transaction)
    cal.columns = [f"{c}_cal" for c in cal.columns]

    h = pd.DataFrame({"c": hold[customer_col].to_numpy(), "p": _period_index(hold[date_col], freq)})
    freq_h = h.drop_duplicates().groupby("c", sort=False).size()
    known = cal.index
    out = cal.copy()
    out["frequency_holdout"] = freq_h.reindex(known).fillna(0).to_numpy(dtype="float64")
    if amount_col is not None:
        amounts = hold.groupby(customer_col, sort=False)[amount_col].agg(["mean", "sum"])
        out["monetary_value_holdout"] = amounts["mean"].reindex(known).fillna(0).to_numpy(dtype="float64")
        out["revenue_holdout"] = amounts["sum"].reindex(known).fillna(0).to_numpy(dtype="float64")
    out["duration_holdout"] = (_period_of(obs_end, freq) - _period_of(cal_end, freq)) / float(per_unit)
    new_ids = pd.Index(freq_h.index)[~pd.Index(freq_h.index).isin(known)].sort_values()
    if len(new_ids):
        report(f"{len(new_ids)} customer(s) made their first purchase in the holdout period; they are "
                "not in the calibration cohort and are left out of the result")
    if return_report:
        return out, HoldoutReport(len(new_ids), tuple(plain(i) for i in new_ids))
    return out

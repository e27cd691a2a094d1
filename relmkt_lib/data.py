"""From a raw transaction log to one row per customer.

``validate_transactions`` checks a log and explains what is wrong with it;
``summarize_transactions`` turns it into the frequency / recency / T / monetary
value table that the buy-till-you-die models expect (the conventions of lifetimes'
``summary_data_from_transaction_data``, computed much faster and safely on pandas 3);
``calibration_holdout_split`` adds what each customer did in a later holdout period.

Conventions (Fader, Hardie & Lee 2005; lifetimes):

- purchases in the same period (day, or week with ``freq="W"``) are merged into one;
- ``frequency`` is the number of *repeat* periods with a purchase (the first one is not counted);
- ``recency`` is the time from the first to the last purchase, ``T`` the time from the first
  purchase to the end of observation, both in periods divided by ``freq_multiplier``;
- ``monetary_value`` is the mean spend of the repeat periods (0 for one-time buyers).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DataWarning
from ._checks import check_dataframe, first_bad_row, plain, require_columns

__all__ = [
    "DataWarning",
    "validate_transactions",
    "summarize_transactions",
    "calibration_holdout_split",
]

_FREQS = {"D": 1, "W": 7}


def _report(message: str) -> None:
    warnings.warn(message, DataWarning, stacklevel=3)


def _fail(column: str, df: pd.DataFrame, mask: Any, problem: str, fix: str) -> None:
    label, row = first_bad_row(df, mask)
    n = int(np.count_nonzero(np.asarray(mask)))
    value = plain(row[column])
    raise ValueError(
        f"column {column!r}: {n} row(s) {problem}; the first is row {label!r} "
        f"(value {value!r}). {fix}"
    )


def _parse_dates(df: pd.DataFrame, date_col: str, date_format: str | None) -> pd.Series:
    raw = df[date_col]
    if raw.isna().any():
        _fail(date_col, df, raw.isna(), "have no date",
              "Fill in the missing dates or remove those rows before summarizing.")
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw
    if pd.api.types.is_numeric_dtype(raw) and date_format is None:
        _fail(date_col, df, np.ones(len(raw), dtype=bool), "hold numbers, not dates",
              "Pass date_format (for example date_format='%Y%m%d' for 19970101) "
              "or convert the column with pandas.to_datetime.")
    parsed = pd.to_datetime(raw.astype(str) if date_format else raw, format=date_format, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        fmt = f"the format {date_format!r}" if date_format else "a date"
        _fail(date_col, df, bad, f"cannot be read as {fmt}",
              "Fix or remove those rows, or pass date_format (for example '%Y-%m-%d' or '%d/%m/%Y').")
    return parsed


def _parse_amounts(df: pd.DataFrame, amount_col: str) -> pd.Series:
    raw = df[amount_col]
    if raw.isna().any():
        _fail(amount_col, df, raw.isna(), "have no amount",
              "Fill in the missing amounts (0 if nothing was paid) or remove those rows.")
    fix = ("Remove currency signs and thousands separators, then convert with pandas.to_numeric "
           "(use decimal points, not commas).")
    if pd.api.types.is_bool_dtype(raw):
        _fail(amount_col, df, np.ones(len(raw), dtype=bool), "are True/False, not amounts", fix)
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype("float64")
    else:
        values = pd.to_numeric(raw, errors="coerce")
        is_bool = raw.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        bad = values.isna().to_numpy() | is_bool
        if bad.any():
            _fail(amount_col, df, bad, "are not numbers", fix)
        values = values.astype("float64")
    inf = ~np.isfinite(values.to_numpy())
    if inf.any():
        _fail(amount_col, df, inf, "are infinite", "Replace or remove those rows.")
    return values


def validate_transactions(
    df: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    *,
    observation_end: Any = None,
    date_format: str | None = None,
    drop_returns: bool = False,
    drop_missing_ids: bool = False,
    duplicates: str = "report",
) -> pd.DataFrame:
    """Check a transaction log and return a clean copy with parsed dates.

    Every problem raises a ``ValueError`` naming the column, how many rows are affected,
    the first of them and what to do. Rows are dropped only on request, and each drop is
    reported with a :class:`DataWarning` and in ``result.attrs["validation"]``.

    Parameters
    ----------
    df : DataFrame
        One row per transaction. Not modified.
    customer_col, date_col : str
        Columns holding the customer id and the transaction date.
    amount_col : str, optional
        Column holding the amount spent; checked to be finite and non-negative.
    observation_end : date-like, optional
        End of the observation window; a transaction after it is an error.
    date_format : str, optional
        ``strftime`` format of the dates when they are text or numbers (``"%Y%m%d"``).
    drop_returns : bool, default False
        Drop rows with a negative amount (returns) instead of failing.
    drop_missing_ids : bool, default False
        Drop rows without a customer id instead of failing.
    duplicates : {"report", "drop", "raise", "ignore"}, default "report"
        What to do with rows identical on the customer, date and amount columns.

    Returns
    -------
    DataFrame
        A copy of ``df`` (all its columns) with ``date_col`` as datetime64, minus any rows
        dropped on request.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 2], "day": ["2024-01-02", "2024-01-09", "2024-01-05"],
    ...                     "amount": [20.0, 35.5, 12.0]})
    >>> validate_transactions(log, "id", "day", "amount")["day"].dtype.kind
    'M'
    >>> bad = log.assign(amount=[20.0, -5.0, 12.0])
    >>> validate_transactions(bad, "id", "day", "amount")
    Traceback (most recent call last):
    ...
    ValueError: column 'amount': 1 row(s) are negative (returns?); the first is row 1 (value -5.0). ...
    """
    check_dataframe(df)
    require_columns(df, [customer_col, date_col, amount_col])
    if duplicates not in ("report", "drop", "raise", "ignore"):
        raise ValueError(f"duplicates must be 'report', 'drop', 'raise' or 'ignore', not {duplicates!r}")
    out = df.copy()
    report = {"rows_in": len(df)}

    missing_id = out[customer_col].isna().to_numpy()
    if missing_id.any():
        if not drop_missing_ids:
            _fail(customer_col, out, missing_id, "have no customer id",
                  "Fill them in, or pass drop_missing_ids=True to drop those rows (they are counted).")
        out = out.loc[~missing_id]
        report["dropped_missing_ids"] = int(missing_id.sum())
        _report(f"dropped {int(missing_id.sum())} row(s) without a customer id in {customer_col!r}")
    if len(out) == 0:
        raise ValueError("no rows are left after dropping rows without a customer id")

    out[date_col] = _parse_dates(out, date_col, date_format)

    if amount_col is not None:
        out[amount_col] = _parse_amounts(out, amount_col)
        neg = (out[amount_col] < 0).to_numpy()
        if neg.any():
            if not drop_returns:
                _fail(amount_col, out, neg, "are negative (returns?)",
                      "Net returns against their purchases, or pass drop_returns=True to drop them "
                      "(they are counted).")
            out = out.loc[~neg]
            report["dropped_returns"] = int(neg.sum())
            _report(f"dropped {int(neg.sum())} row(s) with a negative {amount_col!r} (returns)")
        if len(out) == 0:
            raise ValueError(f"no rows are left after dropping negative {amount_col!r} values")

    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = (out[date_col] > end).to_numpy()
        if late.any():
            _fail(date_col, out, late, f"are after observation_end {end.date()}",
                  "Pass a later observation_end, or keep only the rows up to it, e.g. "
                  f"df[df[{date_col!r}] <= {str(end.date())!r}].")

    if duplicates != "ignore":
        key = [c for c in (customer_col, date_col, amount_col) if c is not None]
        dup = out.duplicated(subset=key).to_numpy()
        n_dup = int(dup.sum())
        if n_dup:
            report["duplicates"] = n_dup
            label, _ = first_bad_row(out, dup)
            where = f"{n_dup} row(s) repeat an earlier row on {key} (the first is row {label!r})"
            if duplicates == "raise":
                raise ValueError(f"{where}. Remove them with df.drop_duplicates(subset={key}) if they "
                                 "are data-entry errors, or pass duplicates='ignore' if they are real "
                                 "repeat purchases.")
            if duplicates == "drop":
                out = out.loc[~dup]
                report["dropped_duplicates"] = n_dup
                _report(f"dropped {where}")
            else:
                _report(f"{where}; they are kept. Same-day purchases are merged by "
                        "summarize_transactions anyway; pass duplicates='drop' to remove them.")
    report["rows_out"] = len(out)
    out.attrs["validation"] = report
    return out


def _period_index(dates: pd.Series, freq: str) -> np.ndarray:
    """Integer period numbers (days since 1970-01-01, or Monday-to-Sunday weeks)."""
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    if freq == "W":
        # 1970-01-01 is a Thursday: shifting by 3 days makes weeks start on Monday,
        # like pandas' "W" (= "W-SUN") periods used by lifetimes.
        return (days + 3) // 7
    return days


def _check_freq(freq: str, freq_multiplier: float) -> None:
    if freq not in _FREQS:
        raise ValueError(
            f"freq must be 'D' (days) or 'W' (weeks), not {freq!r}; for weeks measured in days "
            "/ 7 as in Fader-Hardie, use freq='D' with freq_multiplier=7"
        )
    if not np.isfinite(freq_multiplier) or freq_multiplier <= 0:
        raise ValueError(f"freq_multiplier must be a positive number, got {freq_multiplier!r}")


def _period_of(ts: Any, freq: str) -> int:
    return int(_period_index(pd.Series([pd.Timestamp(ts)]), freq)[0])


def summarize_transactions(
    df: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    observation_end: Any = None,
    freq: str = "D",
    *,
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
    date_format: str | None = None,
) -> pd.DataFrame:
    """One row per customer: frequency, recency, T and monetary value.

    The output equals lifetimes' ``summary_data_from_transaction_data`` called with the
    same arguments (up to floating-point rounding of the mean spend), is many times faster,
    and checks its input first (see :func:`validate_transactions`; duplicated rows are not
    looked for here, since same-period purchases are merged anyway).

    Parameters
    ----------
    df : DataFrame
        One row per transaction. Not modified.
    customer_col, date_col : str
        Customer id and transaction date columns.
    amount_col : str, optional
        Amount column; adds ``monetary_value``, the mean spend per repeat period.
    observation_end : date-like, optional
        End of observation (default: the last transaction date). A transaction after it is
        an error: cut the log first, or use :func:`calibration_holdout_split`.
    freq : {"D", "W"}, default "D"
        Period in which purchases are merged and time is counted. Weeks run Monday to Sunday.
    freq_multiplier : float, default 1
        Divide times by this; ``freq="D", freq_multiplier=7`` gives weeks with decimals, the
        convention of the Fader-Hardie papers.
    include_first_transaction : bool, default False
        Count the first period in ``frequency`` and ``monetary_value`` (lifetimes' option).
    date_format : str, optional
        Format of the dates when they are text or numbers.

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
    >>> summarize_transactions(log, "id", "day", "spend", observation_end="2024-01-15")
        frequency  recency     T  monetary_value
    id                                          
    a         1.0      7.0  14.0            30.0
    b         0.0      0.0  10.0             0.0
    """
    _check_freq(freq, freq_multiplier)
    end = None if observation_end is None else pd.Timestamp(observation_end)
    log = validate_transactions(df, customer_col, date_col, amount_col, observation_end=end,
                                date_format=date_format, duplicates="ignore")
    return _summarize_clean(log, customer_col, date_col, amount_col, end, freq,
                            freq_multiplier, include_first_transaction)


def _factorize_sorted(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the ids, numbered in sorted order of the ids (lifetimes' row order).

    Hashing comes first and only the distinct ids are sorted; text ids are sorted as a
    fixed-width numpy array, much faster than comparing Python strings one by one.
    """
    codes, uniques = pd.factorize(ids)
    uniques = pd.Index(uniques)
    if pd.api.types.is_string_dtype(uniques.dtype) and uniques.map(type).isin([str]).all():
        order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
    else:
        order = uniques.argsort()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def _summarize_clean(
    log: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    end: pd.Timestamp | None,
    freq: str,
    freq_multiplier: float,
    include_first_transaction: bool,
) -> pd.DataFrame:
    codes, customers = _factorize_sorted(log[customer_col])
    n_cust = len(customers)
    period = _period_index(log[date_col], freq)
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

    scale = float(freq_multiplier)
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


def calibration_holdout_split(
    df: pd.DataFrame,
    customer_col: str,
    date_col: str,
    calibration_end: Any,
    observation_end: Any = None,
    amount_col: str | None = None,
    freq: str = "D",
    *,
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Calibration summary plus what each customer did in the holdout period.

    Transactions up to ``calibration_end`` are summarized as in
    :func:`summarize_transactions` (columns get a ``_cal`` suffix). Transactions after it,
    up to ``observation_end``, give ``frequency_holdout`` (periods with a purchase),
    ``monetary_value_holdout`` (mean amount per holdout *transaction*, lifetimes'
    convention), ``revenue_holdout`` (total holdout spend) and ``duration_holdout`` (length
    of the holdout in periods / ``freq_multiplier``). The result equals lifetimes'
    ``calibration_and_holdout_data`` on its columns, and also works on pandas 3.

    Customers whose first purchase falls in the holdout are not in the calibration cohort;
    they are left out and their number is reported with a :class:`DataWarning` and in
    ``result.attrs["holdout_new_customers"]``.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 1, 2, 3],
    ...                     "day": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-03",
    ...                                            "2024-01-10", "2024-02-01"]),
    ...                     "spend": [10.0, 20.0, 15.0, 8.0, 9.0]})
    >>> out = calibration_holdout_split(log, "id", "day", "2024-01-31", "2024-02-29", "spend")
    >>> out[["frequency_cal", "T_cal", "frequency_holdout", "revenue_holdout",
    ...      "duration_holdout"]]  # doctest: +NORMALIZE_WHITESPACE
        frequency_cal  T_cal  frequency_holdout  revenue_holdout  duration_holdout
    id
    1             1.0   30.0                1.0             15.0              29.0
    2             0.0   21.0                0.0              0.0              29.0
    >>> out.attrs["holdout_new_customers"]  # customer 3 first bought in the holdout
    1
    """
    _check_freq(freq, freq_multiplier)
    cal_end = pd.Timestamp(calibration_end)
    log = validate_transactions(df, customer_col, date_col, amount_col,
                                observation_end=observation_end, date_format=date_format,
                                duplicates="ignore")
    obs_end = log[date_col].max() if observation_end is None else pd.Timestamp(observation_end)
    if obs_end <= cal_end:
        raise ValueError(
            f"observation_end ({obs_end.date()}) must come after calibration_end ({cal_end.date()}); "
            "the holdout period is what lies between them"
        )
    in_cal = (log[date_col] <= cal_end).to_numpy()
    if not in_cal.any():
        raise ValueError(
            f"no transaction in {date_col!r} is on or before calibration_end {cal_end.date()}; "
            f"the first is on {log[date_col].min().date()}. Choose a later calibration_end."
        )
    hold = log.loc[~in_cal]
    if len(hold) == 0:
        raise ValueError(
            f"no transaction in {date_col!r} falls after calibration_end {cal_end.date()}; "
            "choose an earlier calibration_end or a later observation_end"
        )
    cal = _summarize_clean(log.loc[in_cal], customer_col, date_col, amount_col, cal_end, freq,
                           freq_multiplier, include_first_transaction)
    cal.columns = [f"{c}_cal" for c in cal.columns]

    h_period = _period_index(hold[date_col], freq)
    h = pd.DataFrame({"c": hold[customer_col].to_numpy(), "p": h_period})
    freq_h = h.drop_duplicates().groupby("c", sort=False).size()
    known = cal.index
    new = ~pd.Index(freq_h.index).isin(known)
    out = cal.copy()
    out["frequency_holdout"] = freq_h.reindex(known).fillna(0).to_numpy(dtype="float64")
    if amount_col is not None:
        amounts = hold.groupby(customer_col, sort=False)[amount_col].agg(["mean", "sum"])
        out["monetary_value_holdout"] = amounts["mean"].reindex(known).fillna(0).to_numpy(dtype="float64")
        out["revenue_holdout"] = amounts["sum"].reindex(known).fillna(0).to_numpy(dtype="float64")
    out["duration_holdout"] = (_period_of(obs_end, freq) - _period_of(cal_end, freq)) / float(freq_multiplier)
    n_new = int(new.sum())
    out.attrs["holdout_new_customers"] = n_new
    if n_new:
        _report(f"{n_new} customer(s) made their first purchase in the holdout period; they are "
                "not in the calibration cohort and are left out of the result")
    return out

"""From a raw transaction log to one row per customer.

``validate_transactions`` checks a log and explains what is wrong with it;
``summarize_transactions`` turns it into the frequency / recency / T / monetary
value table that the buy-till-you-die models expect (the conventions of lifetimes'
``summary_data_from_transaction_data``, computed much faster and safely on pandas 3);
``calibration_holdout_split`` adds what each customer did in a later holdout period;
``read_table`` reads a CSV as spreadsheets and CRMs export it (``;`` or tab separators, decimal commas).

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
from pathlib import Path
from typing import Any

import pandas as pd

from ._checks import entry_point, plain, removed_keywords
from ._data_checks import last_day, report
from ._read_csv import SAMPLE_BYTES, comma_decimal_columns, detect_encoding, sniff_separator
from ._summary import checked_log, period_index, period_of, split_bounds, summarize_clean
from .exceptions import DataWarning

__all__ = [
    "DataWarning",
    "TIME_UNITS",
    "ValidationReport",
    "HoldoutReport",
    "validate_transactions",
    "summarize_transactions",
    "calibration_holdout_split",
    "read_table",
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
    checked = checked_log(
        df, customer_col=customer_col, date_col=date_col, amount_col=amount_col, observation_end=observation_end,
        date_format=date_format, dayfirst=dayfirst, timezone=timezone, drop_returns=drop_returns,
        drop_missing_ids=drop_missing_ids, normalize_ids=normalize_ids, duplicates=duplicates,
        count_zeros=True, warn_zeros=entry_point()[0] == "validate_transactions")
    out = checked.log
    if return_report:
        return out, ValidationReport(rows_in=len(df), rows_out=len(out), **checked.counts)
    return out


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
    checked = checked_log(df, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                          observation_end=end, date_format=date_format, dayfirst=dayfirst, timezone=timezone)
    return summarize_clean(checked.log, customer_col, date_col, amount_col, end, freq, per_unit,
                           include_first_transaction, checked=checked)


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
    log = checked_log(df, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                      observation_end=observation_end, date_format=date_format, dayfirst=dayfirst,
                      timezone=timezone).log
    obs_end = last_day(log[date_col].max() if observation_end is None else observation_end, "observation_end",
                       dayfirst=dayfirst, timezone=timezone)
    in_cal = split_bounds(log, date_col, cal_end, obs_end)
    hold = log.loc[~in_cal]
    cal = summarize_clean(log.loc[in_cal], customer_col, date_col, amount_col, cal_end, freq,
                          per_unit, include_first_transaction)
    cal.columns = [f"{c}_cal" for c in cal.columns]

    h = pd.DataFrame({"c": hold[customer_col].to_numpy(), "p": period_index(hold[date_col], freq)})
    freq_h = h.drop_duplicates().groupby("c", sort=False).size()
    known = cal.index
    out = cal.copy()
    out["frequency_holdout"] = freq_h.reindex(known).fillna(0).to_numpy(dtype="float64")
    if amount_col is not None:
        amounts = hold.groupby(customer_col, sort=False)[amount_col].agg(["mean", "sum"])
        out["monetary_value_holdout"] = amounts["mean"].reindex(known).fillna(0).to_numpy(dtype="float64")
        out["revenue_holdout"] = amounts["sum"].reindex(known).fillna(0).to_numpy(dtype="float64")
    out["duration_holdout"] = (period_of(obs_end, freq) - period_of(cal_end, freq)) / float(per_unit)
    new_ids = pd.Index(freq_h.index)[~pd.Index(freq_h.index).isin(known)].sort_values()
    if len(new_ids):
        report(f"{len(new_ids)} customer(s) made their first purchase in the holdout period; they are "
                "not in the calibration cohort and are left out of the result")
    if return_report:
        return out, HoldoutReport(len(new_ids), tuple(plain(i) for i in new_ids))
    return out


_ENCODING_HINT = ('pass encoding="cp1252" (Windows and Excel in French or English) or encoding="latin-1", or save '
                  "the file again as UTF-8")


def read_table(path: str | Path, *, sep: str | None = None, decimal: str | None = None,
               encoding: str | None = None, dtype: Any = None) -> pd.DataFrame:
    """Read a CSV file as spreadsheets and CRMs export it: separator, decimal comma and encoding detected.

    The separator (``,``, ``;`` or tab) is sniffed from the first lines; the file is then read by
    pandas' C engine, every column as pandas infers it (a whole column at once). With a separator
    other than ``,``, a text column whose values are (at least 90 % of them) numbers written with a
    decimal comma (``"12,50"``, ``"1 234,50"``; blanks allowed) has those numbers converted; its few
    other values (``"gratuit"``, ``"12,50 €"``) stay as text, so that :func:`validate_transactions`
    names them (row and value). ``decimal=","`` converts such numbers wherever they are most of a
    column. No other column is changed. What was detected is in ``df.attrs["read_table"]``: ``sep``,
    ``decimal``, ``encoding`` and ``comma_columns`` (the columns converted).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    sep : str, optional
        The separator; None sniffs ``,``, ``;`` or tab.
    decimal : {".", ","}, optional
        The decimal mark; None detects a decimal comma column by column (only when the separator is not ``,``).
    encoding : str, optional
        The file's encoding; None reads UTF-8 (with or without a byte-order mark) or UTF-16 with its mark.
    dtype : optional
        Passed to pandas: e.g. ``{"customer_id": str}`` keeps ids such as ``"007"`` as text. Columns
        named here that the file lacks are ignored.

    Returns
    -------
    DataFrame
        One row per data line, the header's column names.

    Raises
    ------
    ValueError
        A missing or empty file, a file that is not text in the encoding, or lines that do not split
        into the header's number of fields (the message says which and what to pass).

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "export.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("id;day;amount\\n007;05/01/2024;12,50\\n8;06/01/2024;3\\n")
    >>> df = read_table(path, dtype={"id": str})
    >>> df["id"].tolist(), df["amount"].tolist()
    (['007', '8'], [12.5, 3.0])
    >>> df.attrs["read_table"]
    {'sep': ';', 'decimal': ',', 'encoding': 'utf-8', 'comma_columns': ['amount']}
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"file {str(path)!r} does not exist (looked for {file.resolve()}); check the path and "
                         "the working folder")
    if not file.is_file():
        raise ValueError(f"{str(path)!r} is a folder, not a file; pass the CSV file inside it")
    with file.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ValueError(f"file {str(path)!r} is empty; export the table again (a header line, then one line "
                         "per row)")
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal must be '.' or ',' (or None to detect it), not {decimal!r}")
    enc = encoding or detect_encoding(sample)
    try:
        text = sample.decode(enc, errors="strict" if len(sample) < SAMPLE_BYTES else "ignore")
    except (UnicodeDecodeError, LookupError) as exc:
        raise _decode_error(path, enc, exc, encoding) from None
    separator = sep if sep is not None else sniff_separator(text)
    try:
        df = pd.read_csv(file, sep=separator, decimal=decimal or ".", encoding=enc, dtype=_present(dtype, text,
                         separator), low_memory=False, engine="c")
    except UnicodeDecodeError as exc:
        raise _decode_error(path, enc, exc, encoding) from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"file {str(path)!r} has no header line; export the table again with its column "
                         "names on the first line") from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"file {str(path)!r} cannot be read as a table with the separator {separator!r}: "
                         f"{str(exc).strip()}. Check that every line has the header's number of fields, or pass sep= "
                         "(';', ',' or '\\t')") from None
    converted: list[str] = []
    if decimal == "," or (decimal is None and separator != ","):
        skip = set(dtype) if isinstance(dtype, dict) else (set(df.columns) if dtype is not None else set())
        numbers = comma_decimal_columns(df, skip, given=decimal == ",")
        if numbers:
            df = df.assign(**{str(k): v for k, v in numbers.items()})
            converted = list(numbers)
    df.attrs["read_table"] = {"sep": separator, "decimal": "," if converted or decimal == "," else ".",
                              "encoding": enc, "comma_columns": converted}
    return df


def _present(dtype: Any, text: str, sep: str) -> Any:
    """``dtype`` without the columns the header lacks (pandas would ignore them, or fail on some versions)."""
    if not isinstance(dtype, dict):
        return dtype
    header = text.splitlines()[0].split(sep) if text else []
    names = {h.strip().strip('"').lstrip("\ufeff") for h in header}
    return {k: v for k, v in dtype.items() if k in names} or None


def _decode_error(path: Any, enc: str, exc: Exception, given: str | None) -> ValueError:
    if isinstance(exc, LookupError):
        return ValueError(f"encoding {given!r} is unknown; pass e.g. encoding='utf-8' or encoding='cp1252'")
    where = getattr(exc, "start", None)
    at = f" (byte {where} of a block: {exc.object[max(0, where - 20):where + 20]!r})" if where is not None else ""
    return ValueError(f"file {str(path)!r} is not valid {enc} text{at}; " + (
        _ENCODING_HINT if given is None else "pass the file's real encoding, e.g. encoding='cp1252'"))

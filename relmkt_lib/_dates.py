"""The kit's one way of reading dates (private): text, numbers, time zones, day/month order.

:func:`parse_dates` reads a date column and :func:`parse_day` a date argument (``observation_end``,
...) as an inclusive day. Nothing is guessed: text dates whose day and month cannot be told apart
raise an error showing both readings; tz-aware values become their own local day unless
``timezone=`` is given; numbers need ``date_format`` (and get the right hint for Excel serials).
"""

from __future__ import annotations

import datetime
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, entry_point, plain

__all__ = ["FIRST_DAY", "LAST_DAY", "parse_dates", "parse_day"]


#: The days the kit computes with: pandas' nanosecond range, in whole days (1677-09-22 to 2262-04-10).
FIRST_DAY, LAST_DAY = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D") - pd.Timedelta(days=1)
#: A text date read day/month/year or month/day/year: "05/01/2024", "5.1.24", "05-01-2024 14:30".
_DMY = r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4}|\d{2})(?![\d/.\-])(.*)$"
#: A UTC offset ending a date-time text ("Z", "-05:00", "+0100"), after a time of day.
_OFFSET = r"(?<=\d:\d\d)(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"
_TIME_AND_OFFSET = r"(?<=\d:\d\d)((?::\d\d(?:\.\d+)?)?)\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"
#: Two-digit years 00-68 are 2000-2068 and 69-99 are 1969-1999, as strptime's %y.
_CENTURY_PIVOT = 69

class _DayMonthOrder(ValueError):
    """Text dates that do not say their order: ``kind`` "ambiguous" or "both"; ``flagged`` and
    ``examples`` are positions in the texts read."""

    def __init__(self, kind: str, flagged: np.ndarray, examples: list[int]) -> None:
        super().__init__(kind)
        self.kind, self.flagged, self.examples = kind, flagged, examples


def _to_local(parsed: pd.Series, timezone: str | None) -> pd.Series:
    """tz-aware dates as naive local times: their own zone's clock, or ``timezone``'s."""
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        if timezone is not None:
            parsed = parsed.dt.tz_convert(timezone)
        return parsed.dt.tz_localize(None)
    return parsed


def _iso_local(text: pd.Series, timezone: str | None) -> pd.Series:
    """ISO text dates (a time of day and a UTC offset optional) as naive local times; NaT if not ISO."""
    try:
        return _to_local(pd.to_datetime(text, format="ISO8601", errors="coerce"), timezone)
    except ValueError:  # several UTC offsets (or offsets and none) in one column
        pass
    offset = text.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool)
    own = pd.to_datetime(text.str.replace(_TIME_AND_OFFSET, r"\1", regex=True), format="ISO8601", errors="coerce")
    if timezone is not None and offset.any():
        zoned = text[offset].map(lambda s: _to_local(pd.Series([pd.Timestamp(s)]), timezone).iloc[0])
        own = own.astype("datetime64[us]")
        own[offset] = zoned.astype("datetime64[us]").to_numpy()
    return own


def _dmy_order(parts: pd.DataFrame, dayfirst: bool | None) -> bool:
    """Whether d/m/y texts are day-first: as given, or as the texts show; never guessed."""
    if dayfirst is not None:
        return bool(dayfirst)
    a, b = parts[0].astype(int).to_numpy(), parts[1].astype(int).to_numpy()
    only_day_first, only_month_first = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    if only_day_first.any() and only_month_first.any():
        raise _DayMonthOrder("both", only_day_first | only_month_first,
                             [int(np.argmax(only_day_first)), int(np.argmax(only_month_first))])
    if only_day_first.any() or only_month_first.any():
        return bool(only_day_first.any())
    ambiguous = a != b
    if ambiguous.any():
        raise _DayMonthOrder("ambiguous", ambiguous, np.flatnonzero(ambiguous)[:2].tolist())
    return True  # day == month everywhere: both readings are the same date


def settled_order(values: pd.Series) -> tuple[bool, int, str] | None:
    """How :func:`parse_dates` orders day and month in ``values`` when no order is given and one text
    settles it: (day first?, row label of the first such text, that text); None when no text needs it.

    The caller (the ``relmkt`` command) says which order was read.

    >>> settled_order(pd.Series(["05/01/2024", "13/01/2024", "14/01/2024"]))
    (True, 1, '13/01/2024')
    >>> settled_order(pd.Series(["2024-01-05", "07/08/2024"])) is None  # ambiguous: an error, not settled
    True
    """
    texts = pd.Series(values).dropna()
    texts = texts[texts.map(lambda v: isinstance(v, str))].astype(str)
    parts = texts.str.extract(_DMY)
    dmy = parts[0].notna().to_numpy()
    if not dmy.any():
        return None
    a, b = parts[0][dmy].astype(int).to_numpy(), parts[1][dmy].astype(int).to_numpy()
    day_first, month_first = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    if day_first.any() == month_first.any():  # none (ambiguous or all equal) or both (an error)
        return None
    flags = day_first if day_first.any() else month_first
    pos = int(np.flatnonzero(dmy)[np.argmax(flags)])
    return bool(day_first.any()), plain(texts.index[pos]), str(texts.iloc[pos]).strip()


def _read_dmy(parts: pd.DataFrame, first: bool, timezone: str | None) -> pd.Series:
    day, month = (parts[0], parts[1]) if first else (parts[1], parts[0])
    year = parts[2].astype(int)
    year = year.where(parts[2].str.len() == 4, np.where(year < _CENTURY_PIVOT, 2000 + year, 1900 + year))
    iso = (year.astype(str).str.zfill(4) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + " "
           + parts[3].str.strip()).str.strip()
    got = _iso_local(iso, timezone)
    later = got.isna().to_numpy()  # "2024-01-05 2:30 PM": year first now, so never ambiguous
    if later.any():
        got = got.astype("datetime64[us]")
        got[later] = _to_local(pd.to_datetime(iso[later], format="mixed", errors="coerce"), timezone).to_numpy()
    return got


def _read_text_dates(texts: pd.Series, dayfirst: bool | None, timezone: str | None) -> pd.Series:
    """Text dates as naive datetime64[us] (NaT if unreadable), positionally; raises _DayMonthOrder rather
    than guess which of day and month comes first."""
    text = texts.astype(str).reset_index(drop=True)
    out = _iso_local(text, timezone).astype("datetime64[us]")
    left = np.flatnonzero(out.isna().to_numpy())
    if not len(left):
        return out
    parts = text.iloc[left].str.extract(_DMY)
    dmy = parts[0].notna().to_numpy()
    if dmy.any():
        try:
            first = _dmy_order(parts[dmy], dayfirst)
        except _DayMonthOrder as err:
            where = left[dmy]
            flagged = np.zeros(len(text), dtype=bool)
            flagged[where[err.flagged]] = True
            raise _DayMonthOrder(err.kind, flagged, [int(where[i]) for i in err.examples]) from None
        out.iloc[left[dmy]] = _read_dmy(parts[dmy], first, timezone).astype("datetime64[us]").to_numpy()
    rest = left[~dmy]
    if len(rest):  # month names and other unambiguous forms: "5 Jan 2024", "January 7, 2024"
        other = text.iloc[rest]
        try:
            with warnings.catch_warnings():  # pandas' "could not infer format": each text is read alone, on purpose
                warnings.filterwarnings("ignore", message="Could not infer format", category=UserWarning)
                got = pd.to_datetime(other, errors="coerce")
            if got.isna().any():
                got = pd.to_datetime(other, format="mixed", errors="coerce")
            got = _to_local(got, timezone).astype("datetime64[us]")
            # a text without its year ("March 10") is not a date: never let a parser fill one in
            said = [not pd.isna(t) and f"{t.year:04d}" in s for t, s in zip(got, other)]
            out.iloc[rest] = got.where(said).to_numpy()
        except (ValueError, TypeError, OverflowError):
            pass  # left NaT: reported as unreadable
    return out


def _format_advice(column: str, takes: frozenset[str], example: str = "%d/%m/%Y") -> str:
    if "date_format" in takes:
        return f"pass date_format (for example '%Y-%m-%d' or {example!r})"
    return (f"convert the column first with pandas.to_datetime(df[{column!r}], format={example!r}) "
            "(or the format your dates use)")


def _order_message(df: pd.DataFrame, mask: np.ndarray, example_rows: list[int], texts: list[str], kind: str,
                   column: str, name: str) -> ValueError:
    """Day and month cannot be told apart: the column, two example rows with both readings, how to choose."""
    _, takes = entry_point()
    label = [plain(df.index[pos]) for pos in example_rows]
    if kind == "both":
        return bad_rows_error(df, mask, column, "show opposite orders of day and month",
                              f"Row {label[0]!r} ({texts[0]!r}) can only be day/month/year and row {label[1]!r} "
                              f"({texts[1]!r}) only month/day/year. Make the column use one order, then "
                              f"{_format_advice(column, takes)}.", name=name)
    shown = [f"row {lab!r} ({text!r}) is {_both_readings(text)}" for lab, text in zip(label, texts)]
    if "dayfirst" in takes:
        choose = ("pass dayfirst=True (day/month/year, Quebec's JJ/MM/AAAA) or dayfirst=False (month/day/year)"
                  + (", or an exact date_format such as '%d/%m/%Y'" if "date_format" in takes else ""))
    else:
        choose = (f"convert the column first with pandas.to_datetime(df[{column!r}], format='%d/%m/%Y') "
                  "(day first, Quebec's JJ/MM/AAAA) or format='%m/%d/%Y' (month first)")
    return bad_rows_error(df, mask, column, "could be read day-first or month-first (both 12 or less)",
                          "For example " + "; ".join(shown) + f". Dates are never guessed; say which: {choose}.",
                          name=name)


def _both_readings(text: str) -> str:
    """'5 January 2024 day-first or 1 May 2024 month-first' for '05/01/2024'."""
    d, m, y = (int(v) for v in re.match(_DMY, text).group(1, 2, 3))
    y = y if y > 99 else (2000 + y if y < _CENTURY_PIVOT else 1900 + y)
    readings = [pd.Timestamp(year=y, month=mm, day=dd) for dd, mm in ((d, m), (m, d))]
    return " or ".join(f"{t.day} {t.month_name()} {t.year} {order}"
                       for t, order in zip(readings, ("day-first", "month-first")))


def _numeric_date_advice(values: pd.Series, column: str, takes: frozenset[str], example: Any = None,
                         given: bool = False) -> str:
    """What to do with numbers in a date column: %Y%m%d, Excel serial days or Unix seconds. ``example``
    is the first bad row's value (the Excel hint shows its date); ``given``: a date_format was passed."""
    v = values.dropna().to_numpy(dtype="float64")
    col = f"df[{column!r}]"
    another = "another " if given else ""
    if len(v) and np.all(v == np.round(v)) and v.min() >= 10000101 and v.max() <= 99991231:
        if given:
            return "Fix or remove those rows, or pass another date_format (date_format='%Y%m%d' reads 20240131)."
        if "date_format" in takes:
            return "Pass date_format='%Y%m%d' (for 20240131) or convert the column with pandas.to_datetime."
        return f"Convert the column first with pandas.to_datetime({col}.astype(str), format='%Y%m%d')."
    if len(v) and v.min() > 0 and v.max() < EXCEL_LAST_SERIAL:
        return (f"They look like Excel serial day numbers ({_excel_example(v[0] if example is None else example)}): "
                f'convert the column first with pd.to_datetime({col}, unit="D", origin="1899-12-30").')
    if len(v) and v.min() >= 1e8 and v.max() < 1e10:
        return f'They look like Unix times in seconds: convert the column first with pd.to_datetime({col}, unit="s").'
    if "date_format" in takes:
        return (f"Pass {another}date_format (for example date_format='%Y%m%d' for 19970101) or convert the column "
                "with pandas.to_datetime.")
    return f"Convert the column first with pandas.to_datetime({col}, ...)."


#: Day 0 of Excel's serial day numbers (Windows Excel; 45292 is 2024-01-01).
_EXCEL_ORIGIN = datetime.datetime(1899, 12, 30)


def _excel_example(value: Any) -> str:
    """'45414 is 2024-05-02': an Excel serial day number and the date it stands for."""
    v = float(value)
    when = _EXCEL_ORIGIN + datetime.timedelta(days=v)  # not pd.Timestamp: serials run to 9999-12-31
    shown = int(v) if v == int(v) else v
    return f"{shown} is {when.date() if v == int(v) else when.strftime('%Y-%m-%d %H:%M')}"


def _serial_texts(values: pd.Series) -> np.ndarray | None:
    """``values`` (unreadable dates) as Excel serial day numbers if every one is a whole number in their
    range, written as text or a number (a CSV read with dtype=str); else None."""
    if values.map(lambda x: isinstance(x, (bool, np.bool_))).any():
        return None
    v = pd.to_numeric(values.astype(str).str.strip(), errors="coerce").to_numpy(dtype="float64")
    if np.isnan(v).any() or not np.all(v == np.round(v)) or v.min() < 1 or v.max() >= EXCEL_LAST_SERIAL:
        return None
    return v


def _unreadable_advice(raw: pd.Series, bad: np.ndarray, column: str, takes: frozenset[str],
                       date_format: str | None, dayfirst: bool | None) -> str:
    """What to do with dates that cannot be read (``bad`` rows of ``raw``), naming only arguments in ``takes``."""
    values = raw[bad]
    if pd.api.types.is_numeric_dtype(raw):
        return _numeric_date_advice(raw, column, takes, example=values.iloc[0], given=date_format is not None)
    col = f"df[{column!r}]"
    serial = _serial_texts(values)
    if serial is not None:
        example = _excel_example(serial[0])
        if bad.sum() == raw.notna().sum():
            return (f"They look like Excel serial day numbers stored as text ({example}): convert the column first "
                    f'with pd.to_datetime(pd.to_numeric({col}), unit="D", origin="1899-12-30").')
        return (f"They look like Excel serial day numbers stored as text ({example}), while the other rows are "
                f'dates: convert those rows first, e.g. serial = pd.to_numeric({col}, errors="coerce"); '
                f'{col} = {col}.where(serial.isna(), pd.to_datetime(serial, unit="D", origin="1899-12-30")).')
    swapped = _swapped_order_hint(values, dayfirst) if "dayfirst" in takes else ""
    if date_format is not None:
        other = "pass another date_format; for a column that mixes formats, leave date_format out"
        if "dayfirst" in takes:
            other += " and pass dayfirst=True (day/month/year) or dayfirst=False (month/day/year) if needed"
    else:
        other = _format_advice(column, takes)
    return (f"{swapped} If not, fix" if swapped else "Fix") + f" or remove those rows, or {other}."


def _swapped_order_hint(values: Any, dayfirst: bool | None) -> str:
    """The sentence "In '13/02/2024' the first number is above 12, so it is a day: did you mean dayfirst=True?"
    when the day/month order given contradicts a text (its month would be above 12); else ''."""
    if dayfirst is None:
        return ""
    for text in pd.Series(values, dtype=object).astype(str):
        m = re.match(_DMY, text)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if not dayfirst and a > 12 and 1 <= b <= 12:
                return f"In {text!r} the first number is above 12, so it is a day: did you mean dayfirst=True?"
            if dayfirst and b > 12 and 1 <= a <= 12:
                return (f"In {text!r} the second number is above 12, so it is a day: did you mean "
                        "dayfirst=False?")
    return ""


#: Excel serial day numbers run from 1 (1900-01-01) to 2958465 (9999-12-31).
EXCEL_LAST_SERIAL = 2958466


def parse_dates(df: pd.DataFrame, column: str, *, date_format: str | None = None, dayfirst: bool | None = None,
                timezone: str | None = None, allow_missing: bool = False, name: str = "",
                fix: str | None = None) -> pd.Series:
    """The kit's one date parser: ``df[column]`` as naive datetime64, or a :func:`bad_rows_error`.

    - Datetime columns are kept; tz-aware ones become **local calendar times**: the clock of their
      own zone (or UTC offset), or of ``timezone`` if given (an IANA name such as "America/Montreal").
    - Text is read as ISO dates ("2024-01-05", with or without a time of day or a UTC offset such
      as "-05:00", which is handled as above), as d/m/y or m/d/y dates, or with month names.
      Day/month texts are never guessed: when every one has day and month both 12 or less, the
      order must be given (``dayfirst`` or ``date_format``); a column whose other rows show the
      order (a day above 12) is read in that order.
    - Numbers need ``date_format`` (a hint names the usual cases: %Y%m%d, Excel serial days).
    - A missing date is an error unless ``allow_missing`` (then it stays NaT); so is a date that
      cannot be read (``fix`` replaces the advice) and a date outside 1677-09-22 .. 2262-04-10
      (pandas' nanosecond range, the kit's date arithmetic).

    Advice names only arguments the function the user called takes (:func:`entry_point`).

    >>> parse_dates(pd.DataFrame({"day": ["2024-01-02", "2024-02-30"]}), "day")
    Traceback (most recent call last):
    ...
    ValueError: column 'day': 1 row(s) cannot be read as a date; the first is row 1 (value '2024-02-30'). ...
    >>> parse_dates(pd.DataFrame({"day": [20240102]}), "day", date_format="%Y%m%d").iloc[0]
    Timestamp('2024-01-02 00:00:00')
    >>> parse_dates(pd.DataFrame({"day": ["05/01/2024", "06/01/2024"]}), "day", dayfirst=True).iloc[0]
    Timestamp('2024-01-05 00:00:00')
    """
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise TypeError(f"dayfirst must be True (day/month/year), False (month/day/year) or None, not {dayfirst!r}")
    if timezone is not None:
        try:
            pd.Timestamp("2024-01-01", tz=timezone)
        except Exception:  # noqa: BLE001 - pytz, zoneinfo and dateutil raise different errors
            raise ValueError(f"timezone must be a time zone name such as 'America/Montreal' or 'UTC', "
                             f"got {timezone!r}") from None
    raw = df[column]
    missing = raw.isna().to_numpy()
    if missing.any() and not allow_missing:
        raise bad_rows_error(df, missing, column, "have no date",
                             "Fill in the missing dates or remove those rows.", name=name)
    _, takes = entry_point()
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = _to_local(raw, timezone)
        if not isinstance(parsed.dtype, np.dtype):  # e.g. pyarrow timestamps: numpy datetime64
            parsed = pd.Series(pd.DatetimeIndex(parsed), index=raw.index, name=raw.name)
    elif pd.api.types.is_numeric_dtype(raw) and date_format is None:
        if (~missing).any():
            raise bad_rows_error(df, ~missing, column, "hold numbers, not dates",
                                 _numeric_date_advice(raw, column, takes), name=name)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    elif date_format is not None:
        text = raw
        if pd.api.types.is_float_dtype(raw):
            text = raw.map(lambda v: f"{v:.0f}" if np.isfinite(v) and v == round(v) else str(v))
        text = text.astype(str).where(~missing)
        parsed = _to_local(pd.to_datetime(text, format=date_format, errors="coerce"), timezone)
    else:
        parsed = _parse_text_column(df, raw, missing, dayfirst, timezone, column, name)
    bad = parsed.isna().to_numpy() & ~missing
    if bad.any():
        what = f"the format {date_format!r}" if date_format else "a date"
        advice = fix or _unreadable_advice(raw, bad, column, takes, date_format, dayfirst)
        raise bad_rows_error(df, bad, column, f"cannot be read as {what}", advice, name=name)
    end = LAST_DAY + pd.Timedelta(days=1)
    if (~missing).any() and (parsed.min() < FIRST_DAY or parsed.max() >= end):
        out_of_range = ((parsed < FIRST_DAY) | (parsed >= end)).to_numpy()
        raise bad_rows_error(df, out_of_range, column,
                             f"are before {FIRST_DAY.date()} or after {LAST_DAY.date()} (outside the dates the "
                             "kit can compute with)", "Such a date is a typo in a customer log: fix or remove "
                             "those rows.", name=name)
    return parsed


def _parse_text_column(df: pd.DataFrame, raw: pd.Series, missing: np.ndarray, dayfirst: bool | None,
                       timezone: str | None, column: str, name: str) -> pd.Series:
    """Text (or mixed) dates: one fast ISO pass over the rows, then each distinct other text once."""
    try:
        with warnings.catch_warnings():  # numbers mixed into texts are refused below, not read as epochs
            warnings.filterwarnings("ignore", message="Parsing integer or float values with a format")
            iso = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        parsed = _to_local(iso, timezone)
    except (ValueError, TypeError):  # several UTC offsets, or objects pandas will not mix
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    left = parsed.isna().to_numpy() & ~missing
    if not left.any():
        return parsed
    rows = np.flatnonzero(left)
    codes, uniques = pd.factorize(raw.iloc[rows])
    texts = pd.Series(uniques, dtype=object)
    try:
        got = _read_text_dates(texts, dayfirst, timezone)
    except _DayMonthOrder as err:
        mask = np.zeros(len(df), dtype=bool)
        mask[rows[np.isin(codes, np.flatnonzero(err.flagged))]] = True
        example_rows = [int(rows[np.argmax(codes == k)]) for k in err.examples]
        raise _order_message(df, mask, example_rows, [str(texts.iloc[k]) for k in err.examples], err.kind,
                             column, name) from None
    parsed = parsed.astype("datetime64[us]") if parsed.dtype != "datetime64[us]" else parsed.copy()
    parsed.iloc[rows] = got.to_numpy()[codes]
    return parsed


def parse_day(value: Any, name: str, *, dayfirst: bool | None = None, timezone: str | None = None) -> pd.Timestamp:
    """A date argument (``observation_end``, ``calibration_end``, ...) as the midnight of its day.

    The day is inclusive, so a time of day given with it is dropped; a tz-aware date is first
    turned into a local calendar day as :func:`parse_dates` does. Text follows parse_dates' rules
    (ISO, or day/month only when the order is clear). Errors name the argument.

    >>> parse_day("2024-03-31 15:00", "observation_end")
    Timestamp('2024-03-31 00:00:00')
    >>> parse_day(pd.Timestamp("2024-03-31 23:30", tz="America/Montreal"), "observation_end")
    Timestamp('2024-03-31 00:00:00')
    >>> parse_day("end of March", "observation_end")
    Traceback (most recent call last):
    ...
    ValueError: observation_end must be a date such as '2024-12-31' (a day, inclusive), got 'end of March'
    """
    usage = f"{name} must be a date such as '2024-12-31' (a day, inclusive), got {value!r}"
    if value is None or isinstance(value, (bool, np.bool_, int, float, np.number)):
        raise TypeError(usage + ("; a number is not a date: write it as text ('2024-01-31') or a pandas.Timestamp"
                                 if value is not None else ""))
    if isinstance(value, str):
        try:
            ts = _read_text_dates(pd.Series([value]), dayfirst, timezone).iloc[0]
        except _DayMonthOrder:
            takes = entry_point()[1]
            how = " or pass dayfirst=True (day first) or dayfirst=False (month first)" if "dayfirst" in takes else ""
            raise ValueError(f"{name}={value!r} could be {_both_readings(value)}: dates are never guessed; "
                             f"write it year first ('YYYY-MM-DD'){how}") from None
    else:
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(usage) from None
        if ts is not pd.NaT and ts.tz is not None:
            ts = (ts.tz_convert(timezone) if timezone is not None else ts).tz_localize(None)
    if pd.isna(ts):
        hint = _swapped_order_hint([value], dayfirst) if "dayfirst" in entry_point()[1] else ""
        raise ValueError(usage + (f"; {hint[0].lower()}{hint[1:]}" if hint else ""))
    if not FIRST_DAY <= ts < LAST_DAY + pd.Timedelta(days=1):
        raise ValueError(f"{name} ({value!r}) is outside {FIRST_DAY.date()} .. {LAST_DAY.date()}, the dates the kit "
                         "can compute with; is it a typo?")
    return ts.normalize()

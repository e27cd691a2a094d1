"""Row-level checks of a transaction log, shared by :mod:`relmkt_lib.data` (private).

Each helper either returns the cleaned rows or raises the kit's one "bad rows" message
(:func:`relmkt_lib._checks.bad_rows_error`); rows dropped on request are counted in ``counts``
and reported with a :class:`~relmkt_lib.exceptions.DataWarning`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, entry_point, first_bad_row, plain
from ._dates import parse_day
from .exceptions import DataWarning

__all__ = ["ONE_DAY", "MISSING_ID_TEXTS", "report", "advice", "drop_advice", "last_day", "parse_amounts", "check_ids",
           "without_returns", "check_amount_total", "count_zero_amounts", "warn_outlying_dates",
           "check_not_after", "handle_duplicates", "compact_codes", "MISSING_ID_PROBLEM", "check_id_column",
           "outlying_days"]

#: One calendar day: a bound ``observation_end`` is inclusive, so rows before ``end + ONE_DAY`` are in.
ONE_DAY = pd.Timedelta(days=1)
#: Texts that mean "no id" in exports, compared after stripping spaces and ignoring case.
MISSING_ID_TEXTS = frozenset({"", "null", "n/a", "na", "nan", "none", "nil", "#n/a"})
#: What a row without a customer id is, in the "bad rows" message.
MISSING_ID_PROBLEM = "have no customer id (empty, or a placeholder such as 'NULL', 'N/A' or 'None')"
#: A date is "far beyond the rest" when a gap of at least this many days, longer than the span of
#: all the other dates, separates it (and the dates on its side are a minority of the rows).
OUTLYING_GAP_DAYS = 365
#: Dates before this day are reported as probable typos in a customer log.
EARLIEST_PLAUSIBLE_DAY = pd.Timestamp("1900-01-01")
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def report(message: str) -> None:
    """Warn with a DataWarning pointing at the caller's line outside the kit."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DataWarning, stacklevel=level)


def advice(option: str, example: str) -> str:
    """"pass <example>" if the function the user called takes ``option``; else how to get it from
    validate_transactions (messages never suggest an argument the function does not take)."""
    name, takes = entry_point()
    if option in takes:
        return f"pass {example}"
    return (f"clean the log first with relmkt_lib.data.validate_transactions(df, <the same column arguments>, "
            f"{example}) and pass its result to {name}()")


def drop_advice(option: str, what: str) -> str:
    """How to drop rows on request: "pass <option>=True to drop <what> (they are counted)" if the function
    the user called takes ``option``; else to drop them first with validate_transactions, then call it."""
    name, takes = entry_point()
    if option in takes:
        return f"pass {option}=True to drop {what} (they are counted)"
    return (f"drop them first with df = validate_transactions(df, <same column arguments>, {option}=True) "
            f"(it says how many went), then call {name}(df, ...)")


def last_day(value: Any, name: str, *, dayfirst: bool | None = None, timezone: str | None = None) -> pd.Timestamp:
    """A date-like bound as the midnight of its day (the day is inclusive); errors name the argument."""
    return parse_day(value, name, dayfirst=dayfirst, timezone=timezone)



def parse_amounts(df: pd.DataFrame, amount_col: str) -> pd.Series:
    raw = df[amount_col]
    if raw.isna().any():
        raise bad_rows_error(df, raw.isna(), amount_col, "have no amount",
                             "Fill in the missing amounts (0 if nothing was paid) or remove those rows.")
    fix = ("Remove currency signs and thousands separators, then convert with pandas.to_numeric "
           "(use decimal points, not commas).")
    if pd.api.types.is_bool_dtype(raw):
        raise bad_rows_error(df, np.ones(len(raw), dtype=bool), amount_col, "are True/False, not amounts", fix)
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype("float64")
    else:
        values = pd.to_numeric(raw, errors="coerce")
        is_bool = raw.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        bad = values.isna().to_numpy() | is_bool
        if bad.any():
            raise bad_rows_error(df, bad, amount_col, "are not numbers", fix)
        values = values.astype("float64")
    inf = ~np.isfinite(values.to_numpy())
    if inf.any():
        raise bad_rows_error(df, inf, amount_col, "are infinite", "Replace or remove those rows.")
    return values


def compact_codes(codes: np.ndarray, uniques: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Drop the uniques no code points to (after rows were dropped), renumbering the codes."""
    used = np.bincount(codes, minlength=len(uniques)) > 0
    if used.all():
        return codes, uniques
    new = np.cumsum(used) - 1
    return new[codes], uniques[used]


def _first_row(codes: np.ndarray, k: int) -> int:
    return int(np.argmax(codes == k))


def check_ids(out: pd.DataFrame, customer_col: str, *, drop: bool, normalize: bool,
              counts: dict) -> tuple[pd.DataFrame, np.ndarray, pd.Index]:
    """Missing ids (NaN or a placeholder text), ids mixing numbers and text, spaces and Unicode forms.

    Returns the rows kept, and the integer code of each row's id with the distinct ids (every
    one used), so that the summary need not hash the ids again.
    """
    codes, uniques = pd.factorize(out[customer_col])
    uniques = pd.Index(uniques)
    text = _is_text(uniques)
    missing, joined = _missing_ids(codes, uniques, text)
    if missing.any():
        if not drop:
            raise bad_rows_error(out, missing, customer_col, MISSING_ID_PROBLEM,
                                 f"Fill them in, or {drop_advice('drop_missing_ids', 'those rows')}.")
        out, codes = out.loc[~missing], codes[~missing]
        counts["dropped_missing_ids"] = int(missing.sum())
        report(f"dropped {int(missing.sum())} row(s) without a customer id in {customer_col!r} "
               "(empty, or a placeholder such as 'NULL')")
        if len(out) == 0:
            raise ValueError("no rows are left after dropping rows without a customer id")
        codes, uniques = compact_codes(codes, uniques)
        text, joined = _is_text(uniques), None
    if text.any() and not text.all():
        _mixed_types_error(out, customer_col, codes, uniques, text)
    if text.any():
        return _text_ids(out, customer_col, codes, uniques, normalize, counts, joined)
    return out, codes, uniques


def check_id_column(df: pd.DataFrame, customer_col: str, *, name: str, fix: str
                    ) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """check_ids' errors for a log read as it is (the campaign scorecards): a row without an id (NaN or a
    placeholder text; ``fix`` says what to do) and ids mixing numbers and text, naming the log ``name``.

    Returns the integer code of each row's id, the distinct ids and which of them are text.
    """
    codes, uniques = pd.factorize(df[customer_col])
    uniques = pd.Index(uniques)
    text = _is_text(uniques)
    missing, _ = _missing_ids(codes, uniques, text)
    if missing.any():
        raise bad_rows_error(df, missing, customer_col, MISSING_ID_PROBLEM, fix, name=name)
    if text.any() and not text.all():
        _mixed_types_error(df, customer_col, codes, uniques, text, name=name)
    return codes, uniques, text


def _missing_ids(codes: np.ndarray, uniques: pd.Index, text: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Rows whose id is NaN or a placeholder text, and the text ids joined (None if none was scanned)."""
    missing = codes < 0
    joined = None
    if text.any():
        values = np.asarray(uniques, dtype=object)
        joined = _joined(values[text])
        if _may_hold(joined, placeholders=True):  # a C-level scan first, the exact test after
            placeholder = [k for k in np.flatnonzero(text) if values[k].strip().lower() in MISSING_ID_TEXTS]
            missing = missing | np.isin(codes, placeholder)
    return missing, joined


def _is_text(uniques: pd.Index) -> np.ndarray:
    """Which distinct ids are text (a mix of numbers and text is checked element by element)."""
    if pd.api.types.is_numeric_dtype(uniques.dtype) or pd.api.types.is_bool_dtype(uniques.dtype):
        return np.zeros(len(uniques), dtype=bool)
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind in ("string", "empty"):
        return np.ones(len(uniques), dtype=bool)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal", "boolean", "complex"):
        return np.zeros(len(uniques), dtype=bool)
    return np.fromiter((isinstance(u, str) for u in np.asarray(uniques, dtype=object)), dtype=bool,
                       count=len(uniques))


#: Separator of the distinct ids joined into one text, so that one regex scans them all at C speed.
_SEP = "\x00"
_PLACEHOLDER = re.compile("\x00\\s*(?:" + "|".join(re.escape(t) for t in sorted(MISSING_ID_TEXTS) if t)
                          + ")?\\s*\x00", re.IGNORECASE)
_EDGE_SPACE = re.compile("\x00\\s|\\s\x00")


def _joined(values: np.ndarray) -> str:
    return _SEP + _SEP.join(values.tolist()) + _SEP


def _may_hold(joined: str, *, placeholders: bool) -> bool:
    """Whether the joined ids may hold an id with edge spaces (or, with ``placeholders``, an empty or
    placeholder id). Substring searches run at C speed; a True is then checked id by id."""
    if not joined.isascii():
        return bool((_PLACEHOLDER if placeholders else _EDGE_SPACE).search(joined))
    if any(c in joined and (_SEP + c in joined or c + _SEP in joined) for c in " \t\n\r\x0b\x0c"):
        return True
    if placeholders:
        lower = joined.lower()
        return any(f"{_SEP}{word}{_SEP}" in lower for word in MISSING_ID_TEXTS)  # "" finds two separators
    return False


def _mixed_types_error(out: pd.DataFrame, customer_col: str, codes: np.ndarray, uniques: pd.Index,
                       text: np.ndarray, *, name: str = "") -> None:
    """Numbers and text in one id column: an error naming a row of each (look-alikes first: 7 and '7')."""
    words = {str(u).strip(): k for k, u in zip(np.flatnonzero(text), uniques[text])}
    pairs = [(k, words[f]) for k in np.flatnonzero(~text) for f in _number_forms(uniques[k]) if f in words]
    k_num, k_text = pairs[0] if pairs else (int(np.flatnonzero(~text)[0]), int(np.flatnonzero(text)[0]))
    text_row = plain(out.index[_first_row(codes, k_text)])
    problem = ("hold a number that also appears as text, so one customer would count twice" if pairs
               else "hold numbers while other rows hold text")
    raise bad_rows_error(out, np.isin(codes, [p[0] for p in pairs] or np.flatnonzero(~text)), customer_col,
                         problem, f"Row {text_row!r} holds the text {uniques[k_text]!r}. Make the column one type, "
                         f"e.g. df[{customer_col!r}] = df[{customer_col!r}].astype(str).", name=name)


def _number_forms(value: Any) -> set[str]:
    forms = {str(value)}
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        forms.add(str(int(value)))
    return forms


def _text_ids(out: pd.DataFrame, customer_col: str, codes: np.ndarray, uniques: pd.Index, normalize: bool,
              counts: dict, joined: str | None) -> tuple[pd.DataFrame, np.ndarray, pd.Index]:
    """Ids with leading/trailing spaces or not in Unicode NFC: normalised on request, else reported."""
    values = np.asarray(uniques, dtype=object)
    joined = _joined(values) if joined is None else joined  # NUL composes with nothing: NFC of all = of each
    if not _may_hold(joined, placeholders=False) and unicodedata.is_normalized("NFC", joined):
        return out, codes, uniques
    clean = np.array([unicodedata.normalize("NFC", u.strip()) for u in values], dtype=object)
    changed = clean != values
    if not changed.any():
        return out, codes, uniques
    new_codes, new_uniques = pd.factorize(clean)
    merged = len(uniques) - len(new_uniques)
    rows = int(np.isin(codes, np.flatnonzero(changed)).sum())
    if normalize:
        codes, uniques = new_codes[codes], pd.Index(new_uniques, dtype=uniques.dtype)
        out[customer_col] = pd.array(np.asarray(new_uniques, dtype=object)[codes], dtype=out[customer_col].dtype)
        counts["normalized_ids"] = rows
        report(f"normalized {int(changed.sum())} id(s) in {customer_col!r} ({rows} row(s)): spaces stripped and "
               f"Unicode NFC; {merged} customer(s) merged with another id as a result")
        return out, codes, uniques
    spaces = np.array([u != u.strip() for u in values])
    unicode = np.array([not unicodedata.is_normalized("NFC", u) for u in values])
    parts = []
    for flag, what in ((spaces, "leading or trailing spaces"), (unicode, "a Unicode form other than NFC")):
        if flag.any():
            k = int(np.flatnonzero(flag)[0])
            parts.append(f"{int(flag.sum())} have {what} (e.g. {values[k]!r} in row "
                         f"{plain(out.index[_first_row(codes, k)])!r})")
    report(f"column {customer_col!r}: of its distinct ids, " + " and ".join(parts) + f" ({rows} row(s)); "
           f"{merged} of them match another id once cleaned, and ids that differ only by these count as "
           f"different customers. To merge them, {advice('normalize_ids', 'normalize_ids=True')} "
           "(spaces stripped, Unicode NFC).")
    return out, codes, uniques


def without_returns(out: pd.DataFrame, amount_col: str, drop: bool, counts: dict) -> pd.DataFrame:
    neg = (out[amount_col] < 0).to_numpy()
    if neg.any():
        if not drop:
            raise bad_rows_error(out, neg, amount_col, "are negative (returns?)",
                                 f"Net returns against their purchases, or {drop_advice('drop_returns', 'them')}.")
        out = out.loc[~neg]
        counts["dropped_returns"] = int(neg.sum())
        report(f"dropped {int(neg.sum())} row(s) with a negative {amount_col!r} (returns)")
    if len(out) == 0:
        raise ValueError(f"no rows are left after dropping negative {amount_col!r} values")
    return out


def check_amount_total(out: pd.DataFrame, amount_col: str) -> None:
    """Amounts whose sums overflow to infinity (near 1e308) are an error, not an infinite mean."""
    values = out[amount_col].to_numpy(dtype="float64")
    with np.errstate(over="ignore"):
        total = values.sum()  # no negative amounts are left: the total bounds every sum
    if not np.isfinite(total):
        big = np.abs(values) >= np.finfo(np.float64).max / max(len(values), 2)
        raise bad_rows_error(out, big, amount_col, "are so large that their sums overflow to infinity",
                             "Check the unit and the decimal point of those amounts (a typo?), or remove those rows.")


def count_zero_amounts(out: pd.DataFrame, amount_col: str, counts: dict, *, warn: bool = True) -> None:
    """Count (and report) purchases of amount 0: they count as purchases, but break the Gamma-Gamma model."""
    zero = (out[amount_col] == 0).to_numpy()
    if zero.any():
        counts["zero_amounts"] = int(zero.sum())
        if not warn:
            return
        label, _ = first_bad_row(out, zero)
        report(f"column {amount_col!r}: {int(zero.sum())} row(s) have an amount of 0 (the first is row {label!r}); "
               "they count as purchases. The Gamma-Gamma spend model needs positive spend: leave customers "
               "whose repeat spend is 0 out before fitting it.")


def warn_outlying_dates(out: pd.DataFrame, date_col: str, day: np.ndarray) -> None:
    """A DataWarning naming the rows whose dates (``day``: days since 1970) lie far beyond the rest (a 2099
    typo) or before 1900."""
    late, early = _far_days(day)
    if day.min() < _EARLIEST_PLAUSIBLE:
        early |= day < _EARLIEST_PLAUSIBLE
    late_fix = (f"Fix or remove them; {advice('observation_end', 'observation_end (the last observed day)')} "
                "to make later dates an error.")
    for flags, where, side, fix in ((late, "far after the other dates", "end", late_fix),
                                    (early, "far before the other dates, or before 1900", "start",
                                     "Fix or remove them.")):
        if flags.any():
            label, row = first_bad_row(out, flags)
            others = ""
            if (~flags).any():
                bound = day[~flags].max() if side == "end" else day[~flags].min()
                others = f"; the other dates {side} on {np.datetime64(int(bound), 'D')}"
            report(f"column {date_col!r}: {int(flags.sum())} row(s) lie {where} (the first is row {label!r}, "
                   f"{row[date_col].date()}{others}): a typo? recency and T are measured to the last date. {fix}")


_EARLIEST_PLAUSIBLE = int(EARLIEST_PLAUSIBLE_DAY.to_datetime64().astype("datetime64[D]").astype(np.int64))


def outlying_days(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows (``day``: days since 1970) far after and far before the rest, or before 1900, as
    :func:`warn_outlying_dates` reports them."""
    late, early = _far_days(day)
    return late, early | (day < _EARLIEST_PLAUSIBLE)


def _far_days(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows after (before) the first (last) gap of OUTLYING_GAP_DAYS or more that is longer than the
    span of every date before (after) it, when those rows are a minority."""
    late, early = np.zeros(len(day), dtype=bool), np.zeros(len(day), dtype=bool)
    lo, hi = int(day.min()), int(day.max())
    if hi - lo < OUTLYING_GAP_DAYS:
        return late, early
    present = np.flatnonzero(np.bincount(day - lo)) + lo  # the distinct days, in order
    gaps = np.diff(present)
    wide = np.flatnonzero(gaps >= OUTLYING_GAP_DAYS)
    for j in wide:
        if gaps[j] > present[j] - present[0] and (day > present[j]).sum() < len(day) / 2:
            late = day > present[j]
            break
    for j in wide[::-1]:
        if gaps[j] > present[-1] - present[j + 1] and (day <= present[j]).sum() < len(day) / 2:
            early = day <= present[j]
            break
    return late, early


def check_not_after(out: pd.DataFrame, date_col: str, end: pd.Timestamp) -> None:
    late = (out[date_col] >= end + ONE_DAY).to_numpy()
    if late.any():
        raise bad_rows_error(out, late, date_col, f"are after observation_end {end.date()}",
                             "Pass a later observation_end (the last observed day, inclusive), or keep "
                             f"only the rows up to it, e.g. df[df[{date_col!r}] < {str((end + ONE_DAY).date())!r}].")


_HASH_STEP = np.uint64(0x9E3779B97F4A7C15)


def _duplicated(columns: list[np.ndarray]) -> np.ndarray:
    """Rows equal to an earlier row on every column (numbers and datetimes), as DataFrame.duplicated.

    The columns are hashed into one 64-bit key first; only rows whose key repeats are compared exactly.
    """
    key = np.zeros(len(columns[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in columns:
            bits = (col + 0.0 if col.dtype.kind == "f" else col).view(np.uint64) if col.dtype.itemsize == 8 \
                else col.astype(np.int64).view(np.uint64)  # + 0.0: -0.0 and 0.0 are one amount
            key = (key ^ bits) * _HASH_STEP
    maybe = pd.Series(key).duplicated(keep=False).to_numpy()
    dup = np.zeros(len(key), dtype=bool)
    if maybe.any():
        dup[maybe] = pd.DataFrame({i: col[maybe] for i, col in enumerate(columns)}).duplicated().to_numpy()
    return dup


def handle_duplicates(out: pd.DataFrame, key: list[str], codes: np.ndarray, duplicates: str,
                      counts: dict) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None]:
    """Rows identical on ``key`` (the id column read through its integer ``codes``, which is faster).

    Returns the rows, their codes and the mask of the rows kept (None if all are)."""
    dup = _duplicated([codes] + [out[c].to_numpy() for c in key[1:]])
    n_dup = int(dup.sum())
    if not n_dup:
        return out, codes, None
    counts["duplicates"] = n_dup
    label, _ = first_bad_row(out, dup)
    where = f"{n_dup} row(s) repeat an earlier row on {key} (the first is row {label!r})"
    if duplicates == "raise":
        raise ValueError(f"{where}. Remove them with df.drop_duplicates(subset={key}) if they are "
                         "data-entry errors, or pass duplicates='ignore' if they are real repeat purchases.")
    if duplicates == "drop":
        counts["dropped_duplicates"] = n_dup
        report(f"dropped {where}")
        return out.loc[~dup], codes[~dup], ~dup
    report(f"{where}; they are kept. Same-day purchases are merged by summarize_transactions anyway; "
            "pass duplicates='drop' to remove them.")
    return out, codes, None

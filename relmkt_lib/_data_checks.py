"""Row-level checks of a transaction log, shared by :mod:`relmkt_lib.data` (private).

Each helper either returns the cleaned rows or raises the kit's one "bad rows" message
(:func:`relmkt_lib._checks.bad_rows_error`); rows dropped on request are counted in ``counts``
and reported with a :class:`~relmkt_lib.exceptions.DataWarning`.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, first_bad_row
from .exceptions import DataWarning

__all__ = ["ONE_DAY", "report", "last_day", "parse_amounts", "without_missing_ids", "without_returns",
           "check_not_after", "handle_duplicates"]

#: One calendar day: a bound ``observation_end`` is inclusive, so rows before ``end + ONE_DAY`` are in.
ONE_DAY = pd.Timedelta(days=1)
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def report(message: str) -> None:
    """Warn with a DataWarning pointing at the caller's line outside the kit."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DataWarning, stacklevel=level)


def last_day(value: Any, name: str) -> pd.Timestamp:
    """A date-like bound as the midnight of its day (the day is inclusive)."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2024-12-31', got {value!r}") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a date such as '2024-12-31', got {value!r}")
    return ts.normalize()



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


def without_missing_ids(out: pd.DataFrame, customer_col: str, drop: bool, counts: dict) -> pd.DataFrame:
    missing = out[customer_col].isna().to_numpy()
    if missing.any():
        if not drop:
            raise bad_rows_error(out, missing, customer_col, "have no customer id",
                                 "Fill them in, or pass drop_missing_ids=True to drop those rows (they are counted).")
        out = out.loc[~missing]
        counts["dropped_missing_ids"] = int(missing.sum())
        report(f"dropped {int(missing.sum())} row(s) without a customer id in {customer_col!r}")
    if len(out) == 0:
        raise ValueError("no rows are left after dropping rows without a customer id")
    return out


def without_returns(out: pd.DataFrame, amount_col: str, drop: bool, counts: dict) -> pd.DataFrame:
    neg = (out[amount_col] < 0).to_numpy()
    if neg.any():
        if not drop:
            raise bad_rows_error(out, neg, amount_col, "are negative (returns?)",
                                 "Net returns against their purchases, or pass drop_returns=True to drop "
                                 "them (they are counted).")
        out = out.loc[~neg]
        counts["dropped_returns"] = int(neg.sum())
        report(f"dropped {int(neg.sum())} row(s) with a negative {amount_col!r} (returns)")
    if len(out) == 0:
        raise ValueError(f"no rows are left after dropping negative {amount_col!r} values")
    return out


def check_not_after(out: pd.DataFrame, date_col: str, end: pd.Timestamp) -> None:
    late = (out[date_col] >= end + ONE_DAY).to_numpy()
    if late.any():
        raise bad_rows_error(out, late, date_col, f"are after observation_end {end.date()}",
                             "Pass a later observation_end (the last observed day, inclusive), or keep "
                             f"only the rows up to it, e.g. df[df[{date_col!r}] < {str((end + ONE_DAY).date())!r}].")


def handle_duplicates(out: pd.DataFrame, key: list[str], duplicates: str, counts: dict) -> pd.DataFrame:
    dup = out.duplicated(subset=key).to_numpy()
    n_dup = int(dup.sum())
    if not n_dup:
        return out
    counts["duplicates"] = n_dup
    label, _ = first_bad_row(out, dup)
    where = f"{n_dup} row(s) repeat an earlier row on {key} (the first is row {label!r})"
    if duplicates == "raise":
        raise ValueError(f"{where}. Remove them with df.drop_duplicates(subset={key}) if they are "
                         "data-entry errors, or pass duplicates='ignore' if they are real repeat purchases.")
    if duplicates == "drop":
        counts["dropped_duplicates"] = n_dup
        report(f"dropped {where}")
        return out.loc[~dup]
    report(f"{where}; they are kept. Same-day purchases are merged by summarize_transactions anyway; "
            "pass duplicates='drop' to remove them.")
    return out

"""Private input checks shared by every module.

Every public function of the kit validates its input with these helpers, so that
errors read the same everywhere: they name the argument or column, the first
offending row or value, and what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_rng",
    "check_dataframe",
    "check_probability",
    "check_positive",
    "first_bad_row",
    "plain",
    "require_columns",
]


def as_rng(rng: None | int | np.random.Generator) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from None, an int seed or a Generator.

    The global random state is never used.

    >>> int(as_rng(1).integers(10)) == int(as_rng(1).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, not {type(rng).__name__}; "
        "pass for example rng=42"
    )


def check_dataframe(df: Any, name: str = "df") -> pd.DataFrame:
    """Fail clearly unless ``df`` is a non-empty pandas DataFrame."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame, not {type(df).__name__}; "
            f"build one with pandas.DataFrame(...) or pandas.read_csv(...)"
        )
    if len(df) == 0:
        raise ValueError(f"{name} is empty (0 rows); pass a table with at least one row")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str | None], name: str = "df") -> None:
    """Fail with the missing column's name and the columns that do exist."""
    present = set(map(str, df.columns))
    for col in columns:
        if col is None:
            continue
        if col not in df.columns:
            close = [c for c in present if c.lower() == str(col).lower()]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"column {col!r} is missing from {name}{hint}; its columns are "
                f"{sorted(present)}. Pass the right column name or rename the column."
            )


def first_bad_row(df: pd.DataFrame, mask: np.ndarray | pd.Series) -> tuple[Any, pd.Series]:
    """Return the index label and the row of the first True in ``mask``."""
    pos = int(np.flatnonzero(np.asarray(mask))[0])
    return plain(df.index[pos]), df.iloc[pos]


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, so messages read ``12``, not ``np.int64(12)``."""
    return value.item() if isinstance(value, np.generic) else value


def check_probability(value: Any, name: str, *, allow_zero: bool = True, allow_one: bool = True) -> float:
    """Return ``value`` as a float in [0, 1] (or the open interval asked for)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number between 0 and 1, not {value!r}") from None
    lo_ok = x >= 0 if allow_zero else x > 0
    hi_ok = x <= 1 if allow_one else x < 1
    if not (np.isfinite(x) and lo_ok and hi_ok):
        lo = "[0" if allow_zero else "(0"
        hi = "1]" if allow_one else "1)"
        raise ValueError(f"{name} must be a probability in {lo}, {hi}, got {value!r}")
    return x


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float > 0 (or >= 0 with ``allow_zero``)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, not {value!r}") from None
    if not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return x


def as_list(columns: str | Sequence[str] | None) -> list[str]:
    """Return a list of column names from one name, several or None."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)

"""Private input checks shared by every module.

Every public function of the kit validates its input with these helpers, so that
errors read the same everywhere: they name the argument or column, the first
offending row or value, and what to do about it.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .exceptions import DataWarning

__all__ = [
    "active_counts_array",
    "as_rng",
    "bad_rows_error",
    "check_dataframe",
    "check_probability",
    "check_positive",
    "entry_point",
    "first_bad_row",
    "plain",
    "removed_keywords",
    "require_columns",
    "warn_if_percent",
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
        kind = f"{type(df).__module__.split('.')[0]}.{type(df).__name__}"
        if hasattr(df, "to_pandas"):  # polars, pyarrow, cudf, ...
            how = f"convert it in one line with {name}.to_pandas()"
            if kind.startswith("polars."):
                how += f" (it needs pyarrow; without it: pandas.DataFrame({name}.to_dict(as_series=False)))"
        elif hasattr(df, "__dataframe__"):  # the dataframe interchange protocol
            how = f"convert it in one line with pandas.api.interchange.from_dataframe({name})"
        else:
            how = "build one with pandas.DataFrame(...) or pandas.read_csv(...)"
            kind = type(df).__name__
        raise TypeError(f"{name} must be a pandas DataFrame, not {kind}; {how}")
    if len(df) == 0:
        raise ValueError(f"{name} is empty (0 rows); pass a table with at least one row")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str | None], name: str = "df") -> None:
    """Fail with the missing column's name and the columns that do exist."""
    present = set(map(str, df.columns))
    columns = list(columns)
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
    repeated = set(df.columns[df.columns.duplicated()])
    for col in columns:
        if col is not None and col in repeated:
            where = [i for i, c in enumerate(df.columns) if c == col]
            raise ValueError(
                f"{name} has {len(where)} columns named {col!r} (positions {where}); a column name must be "
                f"unique. Rename one, or keep the first with {name}.loc[:, ~{name}.columns.duplicated()]."
            )


def first_bad_row(df: pd.DataFrame, mask: np.ndarray | pd.Series) -> tuple[Any, pd.Series]:
    """Return the index label and the row of the first True in ``mask``."""
    pos = int(np.flatnonzero(np.asarray(mask))[0])
    return plain(df.index[pos]), df.iloc[pos]


def bad_rows_error(df: pd.DataFrame, mask: Any, column: str, problem: str, fix: str,
                   *, name: str = "") -> ValueError:
    """The kit's one "bad rows" message: column, how many rows, the first of them, what to do.

    Returns the error (``raise bad_rows_error(...)``), so the ``raise`` stays visible where it happens.

    >>> df = pd.DataFrame({"amount": [3.0, -1.0, -2.0]}, index=[10, 11, 12])
    >>> str(bad_rows_error(df, df["amount"] < 0, "amount", "are negative", "Remove them."))
    "column 'amount': 2 row(s) are negative; the first is row 11 (value -1.0). Remove them."
    """
    flags = np.asarray(mask)
    pos = int(np.flatnonzero(flags)[0])
    # read the value from its own column: a row of mixed types would show 0 as 0.0
    value = plain(df[column].iloc[pos])
    where = f" of {name}" if name else ""
    return ValueError(f"column {column!r}{where}: {int(np.count_nonzero(flags))} row(s) {problem}; the first is "
                      f"row {plain(df.index[pos])!r} (value {value!r}). {fix}")


_PACKAGE_DIR = str(Path(__file__).resolve().parent)


#: Files of the package that call the library as a user does (the `relmkt` command): not entry points.
_USER_FILES = ("_cli.py",)


def entry_point() -> tuple[str, frozenset[str]]:
    """The kit's function the user called (the outermost frame inside relmkt_lib) and its parameter names.

    Messages use it to suggest only the arguments that function takes.

    >>> entry_point()[0]
    'entry_point'
    """
    name, params = "", frozenset()
    frame = sys._getframe(0)
    while frame is not None:
        code = frame.f_code
        if (code.co_filename.startswith(_PACKAGE_DIR) and not code.co_name.startswith("<")
                and code is not _WRAPPER_CODE and not code.co_filename.endswith(_USER_FILES)):
            name = code.co_name
            params = frozenset(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
        frame = frame.f_back
    return name, params


_F = TypeVar("_F", bound=Callable[..., Any])


def removed_keywords(**hints: str) -> Callable[[_F], _F]:
    """Decorator: a clear ``TypeError`` for a keyword the glossary removed, or for options passed by position.

    ``hints`` maps each removed keyword to what to write instead. The wrapped function keeps its
    signature (``inspect.signature`` follows ``__wrapped__``).

    >>> @removed_keywords(as_of="observation_end='2024-12-31' (the last day, inclusive)")
    ... def score(df, *, observation_end=None):
    ...     return observation_end
    >>> score(None, as_of="2024-12-31")
    Traceback (most recent call last):
    ...
    TypeError: score() has no argument 'as_of' any more; write observation_end='2024-12-31' (the last day, inclusive)
    >>> score(None, "2024-12-31")
    Traceback (most recent call last):
    ...
    TypeError: score() takes 1 positional argument(s) (df); pass the others by keyword: observation_end=...
    """
    def decorate(func: _F) -> _F:
        params = inspect.signature(func).parameters.values()
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        keywords = [p.name for p in params if p.kind == p.KEYWORD_ONLY]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old in sorted(kwargs.keys() & hints.keys()):
                raise TypeError(f"{func.__name__}() has no argument {old!r} any more; write {hints[old]}")
            if len(args) > len(positional) and keywords:
                extra = ", ".join(f"{k}=..." for k in keywords[: len(args) - len(positional)])
                raise TypeError(f"{func.__name__}() takes {len(positional)} positional argument(s) "
                                f"({', '.join(positional)}); pass the others by keyword: {extra}")
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


#: The code of removed_keywords' wrapper: entry_point looks through it to the decorated function.
_WRAPPER_CODE = removed_keywords()(lambda: None).__code__


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


def active_counts_array(active_counts: Any, *, period_col: str = "period",
                        active_col: str = "active") -> np.ndarray:
    """Validate a cohort's active counts and return them as an integer array (period 0 first).

    Shared by :mod:`relmkt_lib.contractual` (which re-exports it) and its plots.

    Parameters
    ----------
    active_counts : list, array, Series or DataFrame
        Customers still active in periods 0, 1, 2, ... (period 0 = the cohort's size). A Series
        or list is read in order; a DataFrame needs ``period_col`` (0, 1, 2, ... with no gap)
        and ``active_col``.
    period_col, active_col : str
        Column names for a DataFrame.

    Returns
    -------
    numpy.ndarray of int64

    Raises
    ------
    ValueError
        Fewer than 2 periods, a missing, negative or non-whole count (shares or percentages
        must be turned into counts first), an increase from one period to the next, or
        periods that do not run 0, 1, 2, ...

    Examples
    --------
    >>> active_counts_array([1000, 631, 468])
    array([1000,  631,  468])
    >>> active_counts_array(pd.DataFrame({"month": [1, 0], "active": [90, 100]}), period_col="month")
    array([100,  90])
    """
    if isinstance(active_counts, pd.DataFrame):
        check_dataframe(active_counts, "active_counts")
        require_columns(active_counts, [period_col, active_col], "active_counts")
        table = active_counts.sort_values(period_col)
        periods = table[period_col].to_numpy()
        if not np.array_equal(periods, np.arange(len(periods))):
            raise ValueError(
                f"column {period_col!r} must run 0, 1, 2, ... with no gap or repeat; got "
                f"{periods[:8].tolist()}{' ...' if len(periods) > 8 else ''}. Select one cohort "
                "(filter the other columns) and keep every period from 0."
            )
        values, labels = table[active_col], periods
    elif isinstance(active_counts, (str, bytes, dict)) or np.ndim(active_counts) != 1:
        raise TypeError(
            "active_counts must be a list, an array, a Series or a DataFrame of counts per period, "
            f"not {type(active_counts).__name__}; pass for example [1000, 631, 468]"
        )
    else:
        values, labels = pd.Series(active_counts), np.arange(len(active_counts))
    try:
        x = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError("active_counts must hold numbers (customers still active)") from None
    if len(x) < 2:
        raise ValueError(
            f"active_counts needs at least 2 periods (the cohort's size and one renewal), got {len(x)}"
        )
    for bad, what, fix in [
        (~np.isfinite(x), "missing or infinite", "fill or drop the cohort"),
        (x < 0, "negative", "counts cannot be negative"),
        (np.isfinite(x) & (x != np.round(x)), "not a whole number",
         "pass counts of customers, not shares or percentages (multiply by the cohort size and round)"),
    ]:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"active_counts is {what} in period {labels[i]} (value {x[i]!r}): {fix}")
    if x[0] == 0:
        raise ValueError("active_counts starts at 0 in period 0: the cohort must hold customers")
    up = np.flatnonzero(np.diff(x) > 0)
    if len(up):
        i = int(up[0])
        raise ValueError(
            f"active counts must never increase (a cancelled customer is gone), but they rise from "
            f"{x[i]:.0f} in period {labels[i]} to {x[i + 1]:.0f} in period {labels[i + 1]}; "
            "check the data, or that each series is one cohort counted from its start"
        )
    return x.astype(np.int64)


#: A rate per period at or above this looks like a percentage (10 for 10 %), not a share.
PERCENT_LOOKING_RATE = 1.0


def warn_if_percent(rate: Any, name: str = "discount_rate") -> None:
    """Warn (:class:`DataWarning`) when a rate per period looks like a percentage (>= 1).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_percent(10)
    >>> str(caught[0].message)
    'discount_rate=10 looks like a percentage: a rate is a share per period (0.10 for 10 %)'
    """
    values = np.asarray(rate, dtype="float64")
    if values.size and np.nanmax(values) >= PERCENT_LOOKING_RATE:
        shown = plain(values.flat[int(np.nanargmax(values))])
        warnings.warn(f"{name}={shown:g} looks like a percentage: a rate is a share per period (0.10 for 10 %)",
                      DataWarning, stacklevel=3)

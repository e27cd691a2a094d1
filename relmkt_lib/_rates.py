"""Vectorised inputs of the rate functions (private; used by :mod:`relmkt_lib.metrics`).

A count or amount may be a scalar, an array or a Series; these helpers check it (no booleans, no
text numbers, no fractional counts), align several of them, and give back a float, an array or a
Series that keeps the index.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._checks import plain

__all__ = ["_where", "_values", "_combine", "_result", "_nonzero", "_share", "_per", "_probability"]


def _where(i: int, index: pd.Index | None, scalar: bool) -> str:
    """`` at label 'x' (position 2)`` / `` at position 2`` / nothing, for the message about value ``i``."""
    if scalar:
        return ""
    return f" at label {plain(index[i])!r} (position {i})" if index is not None else f" at position {i}"


def _values(value: Any, name: str, *, count: bool, what: str = "a finite number >= 0"
            ) -> tuple[np.ndarray, pd.Index | None]:
    """``value`` (a number, an array or a Series) as a float array >= 0, and its index if it is a Series.

    True/False, text such as '12' and, for a ``count``, fractions such as 2.5 are refused: each is
    a slip (a flag not yet summed, a column read as text, an average passed as a count).
    """
    if isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a number, an array or a Series, not a DataFrame; pass one column")
    index = value.index if isinstance(value, pd.Series) else None
    if isinstance(value, pd.Series) and pd.api.types.is_extension_array_dtype(value.dtype) \
            and not pd.api.types.is_bool_dtype(value.dtype) and pd.api.types.is_numeric_dtype(value.dtype):
        value = value.to_numpy(dtype="float64", na_value=np.nan)  # nullable Int64 / Float64: NA -> NaN
    arr = np.asarray(value, dtype=object if isinstance(value, (str, bytes)) else None)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a number or a one-dimensional array or Series, got shape {arr.shape}")
    flat = arr.reshape(-1)
    missing = [v is None or v is pd.NA for v in flat] if arr.dtype.kind == "O" else []
    kinds = [not m and (isinstance(v, (bool, np.bool_, str, bytes)) or not isinstance(v, (int, float, np.number)))
             for v, m in zip(flat, missing or [False] * flat.size)] if arr.dtype.kind in "OUSb" else []
    if any(kinds):
        i = kinds.index(True)
        v = plain(flat[i])
        what = ("True/False" if isinstance(v, (bool, np.bool_)) else "text" if isinstance(v, (str, bytes))
                else type(v).__name__)
        fix = ("count the True values first (flags.sum())" if what == "True/False" else
               "convert it first with pandas.to_numeric(...)" if what == "text" else "pass numbers")
        raise TypeError(f"{name} must be a number, not {what} ({v!r}){_where(i, index, arr.ndim == 0)}; {fix}")
    if arr.dtype.kind not in "iufO":
        raise TypeError(f"{name} must be a number, not {arr.dtype} values; pass numbers")
    x = np.where(np.reshape(missing, arr.shape), np.nan, arr) if any(missing) else arr
    x = x.astype("float64")
    for bad, problem in ((~np.isfinite(x) | (x < 0), what),
                         ((x != np.round(x)) if count else np.zeros(x.shape, bool),
                          "a whole number (it counts customers, contacts or purchases; pass counts, "
                          "not shares or averages)")):
        if bad.any():
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            raise ValueError(f"{name} must be {problem}, got {plain(flat[i])!r}{_where(i, index, x.ndim == 0)}")
    return x, index


def _combine(*args: tuple[Any, str, bool]) -> tuple[list[np.ndarray], pd.Index | None, bool]:
    """Checked values of aligned inputs: the arrays, the index of the Series among them, whether all are scalars."""
    arrays, index, named = [], None, ""
    for value, name, count in args:
        x, idx = _values(value, name, count=count)
        if idx is not None:
            if index is not None and not idx.equals(index):
                raise ValueError(f"{named} and {name} are Series with different indexes; align them first, "
                                 f"for example {name}.reindex({named}.index)")
            index, named = idx, name
        arrays.append(x)
    sizes = {len(x) for x in arrays if x.ndim == 1}
    if len(sizes) > 1:
        shown = ", ".join(f"{name} {len(x)}" for x, (_, name, _) in zip(arrays, args) if x.ndim == 1)
        raise ValueError(f"the inputs must be single numbers or have the same length; got {shown} values")
    return arrays, index, all(x.ndim == 0 for x in arrays)


def _result(value: np.ndarray, index: pd.Index | None, scalar: bool, name: str) -> Any:
    """A float for scalar inputs, a Series (same index) if an input was a Series, else an array."""
    if scalar:
        return float(value)
    value = np.broadcast_to(value, (len(index),)) if index is not None and np.ndim(value) == 0 else value
    return pd.Series(value, index=index, name=name) if index is not None else np.asarray(value, dtype="float64")


def _nonzero(x: np.ndarray, index: pd.Index | None, scalar: bool, name: str, what: str) -> None:
    zero = (x == 0).reshape(-1)
    if zero.any():
        i = int(np.flatnonzero(zero)[0])
        raise ValueError(f"{name} is 0{_where(i, index, scalar)}: {what} is undefined; pass {name} > 0")


def _share(part: Any, whole: Any, part_name: str, whole_name: str, result: str) -> Any:
    (p, w), index, scalar = _combine((part, part_name, True), (whole, whole_name, True))
    _nonzero(w, index, scalar, whole_name, "a share of nothing")
    p, w = np.broadcast_arrays(p, w)
    over = (p > w).reshape(-1)
    if over.any():
        i = int(np.flatnonzero(over)[0])
        raise ValueError(f"{part_name} ({p.reshape(-1)[i]:g}) cannot exceed {whole_name} "
                         f"({w.reshape(-1)[i]:g}){_where(i, index, scalar)}; check the two counts")
    return _result(p / w, index, scalar, result)


def _per(amount: Any, count: Any, amount_name: str, count_name: str, result: str, *, counted: bool = False) -> Any:
    """``amount / count``; ``counted``: the amount is a count too (purchases per customer)."""
    (a, n), index, scalar = _combine((amount, amount_name, counted), (count, count_name, True))
    _nonzero(n, index, scalar, count_name, f"{amount_name} per {count_name}")
    return _result(a / n, index, scalar, result)


def _probability(value: Any, name: str, *, allow_zero: bool = True) -> tuple[np.ndarray, pd.Index | None]:
    interval = f"{'[0' if allow_zero else '(0'}, 1]"
    x, index = _values(value, name, count=False, what=f"a probability in {interval}")
    bad = ((x > 1) | ((x == 0) & (not allow_zero))).reshape(-1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be a probability in {interval}, "
                         f"got {plain(np.asarray(value).reshape(-1)[i])!r}{_where(i, index, x.ndim == 0)}")
    return x, index

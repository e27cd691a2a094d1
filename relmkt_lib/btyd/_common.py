"""Private helpers shared by the btyd modules: lifetimes' lazy import and the summary checks.

Both the models (``_models``) and the log-likelihoods (``_likelihoods``) import from here, so
neither imports the other's private names (no cycle).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import bad_rows_error, check_dataframe, first_bad_row, plain, require_columns

__all__ = ["lifetimes", "check_summary", "summary_columns", "repeat_buyers", "param_values", "RFM_COLUMNS"]

#: The columns of a BTYD summary (repeat purchases x, recency t_x, age T).
RFM_COLUMNS = ("frequency", "recency", "T")


def lifetimes() -> Any:
    """Import lifetimes (lazily, so that ``import relmkt_lib`` stays fast), silencing only its
    import-time pandas warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The 'mode.chained_assignment' option is deprecated")
        import lifetimes as lt
    return lt


#: Suffix of the calibration columns of :func:`relmkt_lib.data.calibration_holdout_split`.
CAL_SUFFIX = "_cal"
_RENAME_FIX = "summary.rename(columns=lambda c: c.removesuffix('_cal'))"


def summary_columns(summary: Any, columns: Sequence[str], name: str = "summary") -> pd.DataFrame:
    """``summary`` itself if it has ``columns``, else its ``_cal`` columns under the plain names.

    A :func:`relmkt_lib.data.calibration_holdout_split` table is read as its calibration summary
    (``frequency_cal`` as ``frequency``, ...) without renaming; a new frame, the caller's is not
    modified. A table with neither set gets the missing column's name and the one-line fix.
    """
    check_dataframe(summary, name)
    if all(c in summary.columns for c in columns):
        return summary
    cal = [f"{c}{CAL_SUFFIX}" for c in columns]
    if all(c in summary.columns for c in cal):
        return summary[cal].set_axis(list(columns), axis=1)
    if any(c in summary.columns for c in cal):
        missing = next(c for c in cal if c not in summary.columns)
        raise ValueError(f"column {missing!r} is missing from {name} (a calibration_holdout_split table is read "
                         f"through {cal}); its columns are {sorted(map(str, summary.columns))}. Pass a table with "
                         f"{list(columns)} or {cal}, or rename: {_RENAME_FIX}")
    require_columns(summary, columns, name)
    return summary


def check_summary(summary: Any, name: str = "summary",
                  columns: Sequence[str] = RFM_COLUMNS) -> pd.DataFrame:
    """Fail clearly unless ``summary`` has ``columns`` (or their ``_cal`` versions, see
    :func:`summary_columns`) of finite numbers >= 0, whole frequencies and recency <= T (when
    both are asked for). Returns the table read, unmodified."""
    summary = summary_columns(summary, columns, name)
    for col in columns:
        values = pd.to_numeric(summary[col], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            raise bad_rows_error(summary, bad, col, "are not finite numbers >= 0",
                                 "Rebuild the table with summarize_transactions.", name=name)
    if "frequency" in columns:
        freq = summary["frequency"].to_numpy(dtype="float64")
        if (freq != np.round(freq)).any():
            raise bad_rows_error(summary, freq != np.round(freq), "frequency",
                                 "are not whole numbers of repeat purchases",
                                 "Rebuild the table with summarize_transactions.", name=name)
    if "recency" in columns and "T" in columns:
        late = summary["recency"].to_numpy(dtype="float64") > summary["T"].to_numpy(dtype="float64")
        if late.any():
            _, row = first_bad_row(summary, late)
            raise bad_rows_error(summary, late, "recency", "exceed T (recency must not exceed T)",
                                 f"That row's T is {plain(row['T'])!r}. Rebuild the table with "
                                 "summarize_transactions.", name=name)
    return summary


def repeat_buyers(summary: Any, name: str = "summary") -> pd.DataFrame:
    """Fail clearly unless every customer of ``summary`` is a repeat buyer with a positive mean spend."""
    summary = summary_columns(summary, ["frequency", "monetary_value"], name)
    freq = summary["frequency"].to_numpy(dtype="float64")
    if (freq <= 0).any():
        raise bad_rows_error(summary, freq <= 0, "frequency", "have frequency 0, but the Gamma-Gamma model "
                             "needs repeat buyers (frequency > 0)", "Their mean spend is undefined; filter "
                             f"them out first: {name}[{name}['frequency'] > 0] (or 'frequency_cal' in a "
                             "calibration_holdout_split table)", name=name)
    spend = summary["monetary_value"].to_numpy(dtype="float64")
    if not np.isfinite(spend).all() or (spend <= 0).any():
        raise bad_rows_error(summary, ~np.isfinite(spend) | (spend <= 0), "monetary_value",
                             "are not > 0, but repeat buyers need a positive mean spend",
                             "Drop returns-only customers first.", name=name)
    return summary


def param_values(params: Any, names: Sequence[str]) -> list[float]:
    """The values of ``names`` from a fitted model (its ``params_``), a Series or a dict."""
    if "params_" in getattr(params, "__dict__", {}):
        params = params.params_
    try:
        return [float(params[n]) for n in names]
    except (KeyError, TypeError):
        raise ValueError(f"params must hold {list(names)} (a dict, a Series or a fitted model)") from None

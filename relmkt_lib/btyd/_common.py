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

from .._checks import check_dataframe, first_bad_row, plain, require_columns

__all__ = ["lifetimes", "check_summary", "repeat_buyers", "param_values", "RFM_COLUMNS"]

#: The columns of a BTYD summary (repeat purchases x, recency t_x, age T).
RFM_COLUMNS = ("frequency", "recency", "T")


def lifetimes() -> Any:
    """Import lifetimes (lazily, so that ``import relmkt_lib`` stays fast), silencing only its
    import-time pandas warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The 'mode.chained_assignment' option is deprecated")
        import lifetimes as lt
    return lt


def check_summary(summary: Any, name: str = "summary",
                  columns: Sequence[str] = RFM_COLUMNS) -> pd.DataFrame:
    """Fail clearly unless ``summary`` has ``columns`` of finite numbers >= 0, whole frequencies
    and recency <= T (when both are asked for). Returns it unmodified."""
    check_dataframe(summary, name)
    require_columns(summary, columns, name)
    for col in columns:
        values = pd.to_numeric(summary[col], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            label, row = first_bad_row(summary, bad)
            raise ValueError(f"column {col!r} of {name} must hold finite numbers >= 0; customer "
                             f"{label!r} has {plain(row[col])!r}. Rebuild it with summarize_transactions.")
    if "frequency" in columns:
        freq = summary["frequency"].to_numpy(dtype="float64")
        if (freq != np.round(freq)).any():
            label, row = first_bad_row(summary, freq != np.round(freq))
            raise ValueError(f"column 'frequency' of {name} must hold whole numbers of repeat purchases; "
                             f"customer {label!r} has {row['frequency']!r}")
    if "recency" in columns and "T" in columns:
        late = summary["recency"].to_numpy(dtype="float64") > summary["T"].to_numpy(dtype="float64")
        if late.any():
            label, row = first_bad_row(summary, late)
            raise ValueError(f"recency must not exceed T; customer {label!r} has recency {row['recency']!r} "
                             f"> T {row['T']!r}. Rebuild the table with summarize_transactions.")
    return summary


def repeat_buyers(summary: Any, name: str = "summary") -> pd.DataFrame:
    """Fail clearly unless every customer of ``summary`` is a repeat buyer with a positive mean spend."""
    check_dataframe(summary, name)
    require_columns(summary, ["frequency", "monetary_value"], name)
    freq = summary["frequency"].to_numpy(dtype="float64")
    if (freq <= 0).any():
        label, _ = first_bad_row(summary, freq <= 0)
        raise ValueError(
            f"the Gamma-Gamma model needs repeat buyers (frequency > 0): customer {label!r} of {name} "
            f"has frequency 0 ({int((freq <= 0).sum())} such customers). Their mean spend is undefined; "
            "filter them out first: summary[summary['frequency'] > 0]")
    spend = summary["monetary_value"].to_numpy(dtype="float64")
    if not np.isfinite(spend).all() or (spend <= 0).any():
        label, row = first_bad_row(summary, ~np.isfinite(spend) | (spend <= 0))
        raise ValueError(f"column 'monetary_value' of {name} must be > 0 for repeat buyers; customer "
                         f"{label!r} has {row['monetary_value']!r}. Drop returns-only customers first.")
    return summary


def param_values(params: Any, names: Sequence[str]) -> list[float]:
    """The values of ``names`` from a fitted model (its ``params_``), a Series or a dict."""
    if "params_" in getattr(params, "__dict__", {}):
        params = params.params_
    try:
        return [float(params[n]) for n in names]
    except (KeyError, TypeError):
        raise ValueError(f"params must hold {list(names)} (a dict, a Series or a fitted model)") from None

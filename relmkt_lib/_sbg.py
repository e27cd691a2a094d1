"""The sBG likelihood and its input checks (private partner of :mod:`relmkt_lib.contractual`).

``tenure_log_likelihood`` is the log-likelihood of customers counted by tenure (churned with that
tenure, or still active with it: right-censored); ``counts_by_tenure`` turns a cohort's active
counts into those counts and ``tenure_table`` checks the individual tenures of
:meth:`relmkt_lib.contractual.ShiftedBetaGeometric.fit_tenures`. ``warn_if_degenerate`` says, in
words, when a fit cannot pin alpha and beta down; ``whole_periods`` checks period numbers.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betaln

from ._checks import bad_rows_error, check_dataframe, require_columns
from .exceptions import FitWarning

__all__ = ["LOG_PARAM_BOUND", "whole_periods", "counts_by_tenure", "tenure_table", "tenure_log_likelihood",
           "counts_log_likelihood", "warn_if_degenerate"]

#: 95 % quantile of the chi-square distribution with 1 degree of freedom: the likelihood-ratio
#: test of the sBG against a constant retention rate (one parameter more) at 5 %.
CHI2_1DF_95 = 3.84
#: Bounds of log(alpha) and log(beta) in the search (alpha, beta between 3e-7 and 3.3e6).
LOG_PARAM_BOUND = 15
#: A log-parameter this close to LOG_PARAM_BOUND is "on the bound": the data did not stop the search.
BOUND_TOLERANCE = 0.01


def whole_periods(t: Any, name: str = "t", lowest: int = 0) -> np.ndarray:
    """``t`` as floats, checked to hold whole periods >= ``lowest`` (a ValueError naming ``name``)."""
    arr = np.asarray(t, dtype="float64")
    bad = ~np.isfinite(arr) | (arr < lowest) | (arr != np.round(arr))
    if arr.size and bad.any():
        first = arr.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise ValueError(f"{name} must hold whole periods >= {lowest}, got {first!r}")
    return arr


def counts_by_tenure(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A cohort's active counts as customers by tenure: churned at t = 1..K, still active at K."""
    churned = np.concatenate([[0], -np.diff(n)])
    active = np.zeros(len(n), dtype=np.int64)
    active[-1] = n[-1]
    return churned, active


def tenure_table(tenures: Any, churned: Any, tenure_col: str, churned_col: str) -> tuple[np.ndarray, np.ndarray]:
    """Checked tenures (whole numbers >= 0) and churn flags (bool) of :meth:`ShiftedBetaGeometric.fit_tenures`."""
    if isinstance(tenures, pd.DataFrame) or hasattr(tenures, "columns"):
        check_dataframe(tenures, "tenures")
        if churned is not None:
            raise TypeError("tenures is a DataFrame: name its columns with tenure_col= and churned_col= "
                            "and leave churned out")
        require_columns(tenures, [tenure_col, churned_col], "tenures")
        table, name = tenures, "tenures"
    else:
        if churned is None:
            raise TypeError("pass churned= beside the tenures (True for a customer who has left, False for one "
                            "still active), or a DataFrame with tenure_col and churned_col")
        if np.ndim(tenures) != 1 or np.ndim(churned) != 1 or isinstance(tenures, (str, bytes)):
            raise TypeError("tenures and churned must be lists, arrays or Series, one value per customer")
        if len(tenures) != len(churned):
            raise ValueError(f"tenures and churned must have one value per customer: got {len(tenures)} "
                             f"tenures and {len(churned)} churn flags")
        index = tenures.index if isinstance(tenures, pd.Series) else None
        table = pd.DataFrame({"tenures": np.asarray(tenures), "churned": np.asarray(churned)}, index=index)
        tenure_col, churned_col, name = "tenures", "churned", ""
        if not len(table):
            raise ValueError("tenures is empty: pass one tenure per customer")
    raw_t, raw_c = table[tenure_col], table[churned_col]
    t = pd.to_numeric(raw_t, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(t) | (t < 0) | (t != np.round(t)) | pd.api.types.is_bool_dtype(raw_t)
    if bad.any():
        raise bad_rows_error(table, bad, tenure_col, "are not whole numbers of periods >= 0",
                             "Tenure counts whole periods (renewals) from the start; fix or remove those rows.",
                             name=name)
    missing = raw_c.isna().to_numpy()
    flags = raw_c.to_numpy(dtype=object, na_value=None)
    binary = np.array([isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, np.integer, float, np.floating))
                                                           and v in (0, 1)) for v in flags], dtype=bool)
    for mask, problem, fix in [
        (missing, "have no churn flag", "Fill them in (True: has left, False: still active) or remove those rows."),
        (~binary & ~missing, "are not True/False (or 1/0)",
         f"Convert the column to booleans first, e.g. df[{churned_col!r}] == 'yes'."),
    ]:
        if mask.any():
            raise bad_rows_error(table, mask, churned_col, problem, fix, name=name)
    lost = np.array([bool(v) for v in flags], dtype=bool)
    if (lost & (t == 0)).any():
        raise bad_rows_error(table, lost & (t == 0), tenure_col, "are churned customers with tenure 0",
                             "Tenure counts whole periods: a customer who cancels at the first renewal date has "
                             "tenure 1; tenure 0 is a customer who joined less than a period ago and is still active.",
                             name=name)
    return t.astype(np.int64), lost


_SNAPSHOT_HINT = ("If these counts come from a snapshot of customers who started on different dates, the "
                  "customers still active are not churners: fit their tenures with "
                  "fit_tenures(tenures, churned=churned) instead.")


def _number(x: float) -> str:
    """A number as a learner reads it: 10,190 or 0.543 or 3.06e-07."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def warn_if_degenerate(churned: np.ndarray, active: np.ndarray, log_params: np.ndarray,
                       log_likelihood: float, source: str) -> None:
    """Say, in words, when the data cannot pin alpha and beta down (a FitWarning)."""
    hint = f" {_SNAPSHOT_HINT}" if source == "counts" else ""
    lost, t = int(churned.sum()), np.arange(len(active))
    exposures = int(t @ churned + t @ active)  # renewal dates each customer faced
    params = dict(zip(("alpha", "beta"), np.exp(log_params)))
    if lost == 0:
        warnings.warn(
            f"nobody churned in these data ({int(active.sum())} customers, {exposures} renewals and no "
            "cancellation): the sBG cannot be estimated from them (not identified). Any churn probability close "
            f"enough to 0 fits, so the search stopped at its limit (alpha = {_number(params['alpha'])}, beta = "
            f"{_number(params['beta'])}) and the projections say that nobody ever leaves. Report 'no cancellation in "
            f"{exposures} renewals' instead, or fit again when cancellations have been observed.",
            FitWarning, stacklevel=4)
        return
    on_bound = [name for name, x in zip(params, log_params) if abs(x) >= LOG_PARAM_BOUND - BOUND_TOLERANCE]
    if on_bound:
        shown = ", ".join(f"{k} = {_number(params[k])}" for k in on_bound)
        warnings.warn(
            f"the search stopped at its limit ({shown}): the data cannot pin "
            f"{' and '.join(on_bound)} down, so the estimates are not a maximum of the likelihood and their "
            "standard errors mean nothing. This happens with very few periods or cancellations (for example, "
            f"everybody who left did so at the first renewal); use more periods or customers.{hint}",
            FitWarning, stacklevel=4)
        return
    r = 1 - lost / exposures  # the constant-retention (geometric) fit, with censoring
    if 0 < r < 1:
        ll_geometric = lost * np.log1p(-r) + (exposures - lost) * np.log(r)
        if 2 * (log_likelihood - ll_geometric) < CHI2_1DF_95:
            warnings.warn(
                f"the data show little heterogeneity: a constant retention rate of {r:.3f} per period fits about "
                f"as well (likelihood-ratio test at 5 %), so alpha and beta (here {_number(params['alpha'])} and "
                f"{_number(params['beta'])}) are poorly determined and only their ratio is; read the retention rate, "
                f"not the parameters, or use more periods.{hint}",
                FitWarning, stacklevel=4)



def tenure_log_likelihood(alpha: float, beta: float, churned: np.ndarray, active: np.ndarray) -> float:
    """``sum_t churned[t] log P(T = t) + active[t] log S(t)``, the counts indexed by tenure t = 0..K."""
    t = np.arange(len(active))
    log_b = betaln(alpha, beta)
    log_s = betaln(alpha, beta + t) - log_b
    log_p = betaln(alpha + 1, beta + np.maximum(t - 1, 0)) - log_b  # P(T = t), t >= 1 (churned[0] is 0)
    return float(churned[1:] @ log_p[1:] + active @ log_s)


def counts_log_likelihood(alpha: float, beta: float, n: np.ndarray) -> float:
    """Sum of log P(T = t) over the churners of each period plus log S(T) for survivors."""
    churned, active = counts_by_tenure(n)
    return tenure_log_likelihood(alpha, beta, churned, active)

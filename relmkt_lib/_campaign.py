"""A randomised campaign test with a known true lift (private; re-exported by :mod:`relmkt_lib.simulate`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, check_probability

__all__ = ["simulate_campaign"]


def _check_n(n: Any, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, not {n!r}; pass for example {name}=1000")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return int(n)


def simulate_campaign(
    n_customers: int,
    base_rate: float | Any,
    lift: float | Any,
    *,
    treatment_share: float = 0.5,
    rng: None | int | np.random.Generator = None,
) -> pd.DataFrame:
    """Simulate a randomised campaign test with a known true lift.

    Customers are assigned to treatment with probability ``treatment_share`` (the others are
    the hold-out control group). A customer responds with probability ``p_control`` if not
    contacted and ``p_treatment = p_control + lift`` if contacted; both potential outcomes'
    probabilities are returned, so the true average lift is ``(p_treatment - p_control).mean()``.

    Parameters
    ----------
    n_customers : int
    base_rate : float or array of length n_customers
        Response probability without contact (one per customer for heterogeneous bases).
    lift : float or array of length n_customers
        Additive lift of the contact on the response probability (can be negative: "sleeping
        dogs"); ``base_rate + lift`` must stay within [0, 1].
    treatment_share : float
        Share of customers contacted, in (0, 1).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    DataFrame
        ``customer_id``, ``group`` ('treatment' or 'control'), ``treated`` (bool),
        ``p_control``, ``p_treatment`` and ``responded`` (bool).

    Examples
    --------
    >>> df = simulate_campaign(100_000, base_rate=0.02, lift=0.01, rng=4)
    >>> rates = df.groupby("group").responded.mean()
    >>> print(f"{rates['treatment'] - rates['control']:.3f}")
    0.010
    """
    n = _check_n(n_customers, "n_customers")
    share = check_probability(treatment_share, "treatment_share", allow_zero=False, allow_one=False)
    p0 = _rate_array(base_rate, "base_rate", n)
    up = np.broadcast_to(np.asarray(lift, dtype=float), (n,)) if np.ndim(lift) == 0 else np.asarray(lift, float)
    if up.shape != (n,) or not np.all(np.isfinite(up)):
        raise ValueError(f"lift must be a finite number or an array of {n} numbers")
    p1 = p0 + up
    if np.any((p1 < 0) | (p1 > 1)):
        bad = int(np.flatnonzero((p1 < 0) | (p1 > 1))[0])
        raise ValueError(
            f"base_rate + lift must stay within [0, 1]; customer {bad + 1} gets {p1[bad]!r}. "
            "Lower the lift or the base rate."
        )
    rng = as_rng(rng)
    treated = rng.random(n) < share
    u = rng.random(n)
    responded = np.where(treated, u < p1, u < p0)
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "group": np.where(treated, "treatment", "control"),
            "treated": treated,
            "p_control": p0,
            "p_treatment": p1,
            "responded": responded,
        }
    )


def _rate_array(value: Any, name: str, n: int) -> np.ndarray:
    if np.ndim(value) == 0:
        return np.full(n, check_probability(value, name))
    arr = np.asarray(value, dtype=float)
    if arr.shape != (n,):
        raise ValueError(f"{name} must be one number or an array of {n} numbers, got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must hold probabilities in [0, 1]; element {i} is {arr[i]!r}")
    return arr

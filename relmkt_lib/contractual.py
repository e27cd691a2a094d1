"""Contractual retention: the shifted-beta-geometric (sBG) model of Fader & Hardie (2007).

In a contractual business (subscriptions, insurance, telecom) a customer who cancels is gone,
and the firm sees it. Each customer has a churn probability ``theta`` per period and, at each
renewal date, leaves with that probability; ``theta`` varies across customers as
``Beta(alpha, beta)``. The expected share of a cohort still active after ``t`` renewal
opportunities is ``S(t) = B(alpha, beta + t) / B(alpha, beta)``, and the retention rate from
period ``t - 1`` to ``t``, ``r_t = (beta + t - 1) / (alpha + beta + t - 1)``, rises with ``t``
although nobody's ``theta`` changes: the high-churn customers leave first.

Conventions: period 0 is the acquisition (the cohort's size); a customer active in period ``t``
has made ``t`` renewals.

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
Interactive Marketing 21(1), 76-90.
Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: the
perils of ignoring heterogeneity. Marketing Science 29(1), 85-93.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, hyp2f1

from ._checks import check_dataframe, check_positive, require_columns

__all__ = ["ShiftedBetaGeometric", "active_counts_array", "constant_retention"]


def active_counts_array(active_counts: Any, *, period_col: str = "period",
                        active_col: str = "active") -> np.ndarray:
    """Validate active counts and return them as an integer array (period 0 first).

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


def constant_retention(active_counts: Any, **columns: str) -> float:
    """Maximum-likelihood constant retention rate (the geometric model, no heterogeneity).

    ``r = 1 - churned / exposures``: the customers lost over all the periods divided by the
    renewal opportunities they had (``sum of active counts in periods 0..T-1``).

    Examples
    --------
    >>> round(constant_retention([100, 80, 64]), 3)
    0.8
    """
    n = active_counts_array(active_counts, **columns)
    return float(1 - (n[0] - n[-1]) / n[:-1].sum())


class ShiftedBetaGeometric:
    """The shifted-beta-geometric (sBG) retention model, fitted by maximum likelihood.

    Parameters
    ----------
    alpha0, beta0 : float, default 1.0
        Starting values of the optimiser (try others if the fit does not converge).
    max_iter : int, default 1000
        Most iterations of the optimiser.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha`` and ``beta`` of the Beta distribution of the churn probability ``theta``.
    se_ : pandas.Series
        Standard errors, from the inverse of a numerical (central-difference) Hessian of the
        negative log-likelihood in (alpha, beta). Approximate, like any Wald error.
    log_likelihood_ : float
    active_counts_ : numpy.ndarray
        The counts fitted on; ``cohort_size_`` is its first value, ``n_periods_`` its length - 1.

    Examples
    --------
    >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241]   # Fader & Hardie (2007), regular
    >>> m = ShiftedBetaGeometric().fit(counts)
    >>> m.params_.round(3).tolist(), round(m.log_likelihood_, 2)
    ([0.704, 1.182], -1680.27)
    >>> m.expected_active([8, 12]).round(0).tolist()
    [220.0, 170.0]
    """

    def __init__(self, alpha0: float = 1.0, beta0: float = 1.0, max_iter: int = 1000) -> None:
        self.alpha0 = alpha0
        self.beta0 = beta0
        self.max_iter = max_iter

    # ---------------------------------------------------------------- fitting
    @staticmethod
    def _log_likelihood(alpha: float, beta: float, n: np.ndarray) -> float:
        """Sum of log P(T = t) over the churners of each period plus log S(T) for survivors."""
        t = np.arange(1, len(n))
        log_b = betaln(alpha, beta)
        log_p = betaln(alpha + 1, beta + t - 1) - log_b  # P(churn at the t-th renewal)
        log_s = betaln(alpha, beta + t[-1]) - log_b
        return float(np.sum(-np.diff(n) * log_p) + n[-1] * log_s)

    def fit(self, active_counts: Any, *, period_col: str = "period",
            active_col: str = "active") -> ShiftedBetaGeometric:
        """Fit alpha and beta to one cohort's active counts (see :func:`active_counts_array`).

        Maximises the log-likelihood over ``log(alpha), log(beta)`` with scipy (L-BFGS-B).
        Raises ``RuntimeError`` when the optimiser fails, and warns (``RuntimeWarning``) when a
        constant retention rate fits about as well (no visible heterogeneity: alpha and beta
        then drift to large values and only their ratio is determined).
        """
        n = active_counts_array(active_counts, period_col=period_col, active_col=active_col)
        start = np.log([check_positive(self.alpha0, "alpha0"), check_positive(self.beta0, "beta0")])

        def nll(x: np.ndarray) -> float:
            a, b = np.exp(np.clip(x, -30, 30))
            return -self._log_likelihood(a, b, n)

        res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(-15, 15)] * 2,
                                options={"maxiter": int(self.max_iter)})
        if not res.success or not np.isfinite(res.fun):
            raise RuntimeError(
                f"the sBG fit did not converge ({res.message}); try other starting values "
                "(alpha0, beta0), more periods of data, or check the counts"
            )
        alpha, beta = np.exp(res.x)
        r = 1 - (n[0] - n[-1]) / n[:-1].sum()  # the constant-retention (geometric) fit
        ll_geometric = (n[0] - n[-1]) * np.log1p(-r) + (n[:-1].sum() - n[0] + n[-1]) * np.log(r) if 0 < r < 1 else -np.inf
        if 2 * (-res.fun - ll_geometric) < 3.84:
            warnings.warn(
                f"the counts show little heterogeneity (a constant retention rate of {r:.3f} fits "
                "about as well, likelihood-ratio test at 5 %): alpha and beta are poorly determined, "
                "only their ratio is; use more periods or a constant rate",
                RuntimeWarning, stacklevel=2)
        self.active_counts_ = n
        self.cohort_size_ = int(n[0])
        self.n_periods_ = len(n) - 1
        self.params_ = pd.Series({"alpha": alpha, "beta": beta})
        self.log_likelihood_ = -float(res.fun)
        self.se_ = self._standard_errors(alpha, beta, n)
        return self

    def _standard_errors(self, alpha: float, beta: float, n: np.ndarray) -> pd.Series:
        x0 = np.array([alpha, beta])
        h = 1e-4 * x0
        f = lambda x: -self._log_likelihood(x[0], x[1], n)  # noqa: E731
        hess = np.empty((2, 2))
        for i in range(2):
            for j in range(2):
                ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
                hess[i, j] = (f(x0 + ei + ej) - f(x0 + ei - ej) - f(x0 - ei + ej)
                              + f(x0 - ei - ej)) / (4 * h[i] * h[j])
        try:
            cov = np.linalg.inv(hess)
            se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
        except np.linalg.LinAlgError:
            se = np.full(2, np.nan)
        return pd.Series(se, index=["alpha", "beta"])

    def _check_fitted(self) -> tuple[float, float]:
        if not hasattr(self, "params_"):
            raise RuntimeError("this ShiftedBetaGeometric is not fitted yet; call .fit(active_counts) first")
        return float(self.params_["alpha"]), float(self.params_["beta"])

    @staticmethod
    def _periods(t: Any, name: str = "t", lowest: int = 0) -> np.ndarray:
        arr = np.asarray(t, dtype="float64")
        if arr.size and (np.any(~np.isfinite(arr)) or np.any(arr < lowest) or np.any(arr != np.round(arr))):
            bad = arr.ravel()[np.flatnonzero((~np.isfinite(arr) | (arr < lowest) | (arr != np.round(arr))).ravel())[0]]
            raise ValueError(f"{name} must hold whole periods >= {lowest}, got {bad!r}")
        return arr

    # ---------------------------------------------------------------- results
    def summary(self) -> pd.DataFrame:
        """Estimates and standard errors, one row per parameter."""
        self._check_fitted()
        return pd.DataFrame({"estimate": self.params_, "se": self.se_})

    def survival(self, t: Any) -> np.ndarray:
        """Expected share of the cohort still active in period ``t`` (``S(0) = 1``)."""
        from .simulate import sbg_survival  # the kit's one closed form (imported lazily)

        alpha, beta = self._check_fitted()
        return sbg_survival(self._periods(t), alpha, beta)

    def expected_active(self, t: Any) -> np.ndarray:
        """Expected number still active in period ``t``: ``cohort_size_ * survival(t)``."""
        return self.cohort_size_ * self.survival(t)

    def retention_rate(self, t: Any) -> np.ndarray:
        """Expected retention from period ``t - 1`` to ``t``: ``(beta + t - 1) / (alpha + beta + t - 1)``."""
        alpha, beta = self._check_fitted()
        t = self._periods(t, lowest=1)
        return (beta + t - 1) / (alpha + beta + t - 1)

    def median_lifetime(self) -> int:
        """The first period in which the expected share still active is 50 % or less."""
        self._check_fitted()
        t, step = 0, 64
        while self.survival(t + step) > 0.5:
            t += step
            step *= 2
            if t > 1e9:
                raise RuntimeError("the median lifetime is beyond 1e9 periods")
        grid = np.arange(t, t + step + 1)
        return int(grid[np.argmax(self.survival(grid) <= 0.5)])

    def expected_lifetime(self) -> float:
        """Mean number of periods paid, ``(alpha + beta - 1) / (alpha - 1)``; infinite if alpha <= 1."""
        alpha, beta = self._check_fitted()
        return np.inf if alpha <= 1 else (alpha + beta - 1) / (alpha - 1)

    def derl(self, discount: float, renewals: Any = 0) -> np.ndarray:
        """Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6).

        The expected number of future payments, discounted, of a customer who is still active
        and has made ``renewals`` renewals so far, evaluated just before the next renewal
        decision (the payment of the current period is not counted). In Fader & Hardie's
        notation the customer is in period ``n = renewals + 1`` and
        ``DERL = B(alpha, beta + n) / B(alpha, beta + n - 1) * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))``;
        their tables list it against ``n``, so their ``n = 1`` is ``renewals=0``.

        Multiply by the payment per period to get the customer's residual value.

        Examples
        --------
        >>> m = ShiftedBetaGeometric()
        >>> m.params_ = pd.Series({"alpha": 3.80, "beta": 15.20})   # F&H 2010, case 1
        >>> m.derl(0.10, renewals=[0, 1, 2, 3, 4]).round(2).tolist()
        [3.31, 3.45, 3.59, 3.72, 3.84]
        """
        alpha, beta = self._check_fitted()
        d = check_positive(discount, "discount", allow_zero=False)
        n = self._periods(renewals, "renewals") + 1
        ratio = np.exp(betaln(alpha, beta + n) - betaln(alpha, beta + n - 1))
        out = np.asarray(ratio * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d)))
        if not np.all(np.isfinite(out)):  # hyp2f1 fails for very large alpha, beta: sum the series
            k = np.arange(int(np.ceil(40 / np.log1p(d))) + 1)
            flat = [np.sum(np.exp(betaln(alpha, beta + m + k) - betaln(alpha, beta + m - 1)) / (1 + d) ** k)
                    for m in np.ravel(n)]
            out = np.where(np.isfinite(out), out, np.reshape(flat, np.shape(n)))
        return out

"""Contractual retention: the shifted-beta-geometric (sBG) model of Fader & Hardie (2007).

In a contractual business (subscriptions, insurance, telecom) a customer who cancels is gone,
and the firm sees it. Each customer has a churn probability ``theta`` per period and, at each
renewal date, leaves with that probability; ``theta`` varies across customers as
``Beta(alpha, beta)``. The expected share of a cohort still active after ``t`` renewal
opportunities is ``S(t) = B(alpha, beta + t) / B(alpha, beta)``, and the retention rate from
period ``t - 1`` to ``t``, ``r_t = (beta + t - 1) / (alpha + beta + t - 1)``, rises with ``t``
although nobody's ``theta`` changes: the high-churn customers leave first.

Conventions: period 0 is the acquisition (the cohort's size); a customer active in period ``t``
has made ``t`` renewals. A customer's **tenure** is the number of whole periods completed: a
customer who cancels at the ``t``-th renewal date (``T = t``, the paper's notation) has tenure
``t`` and contributes ``P(T = t)``; a customer still active after ``t`` renewals has tenure ``t``
and contributes ``S(t)`` (right-censored). A cohort's active counts are the same information:
``n[t-1] - n[t]`` customers have tenure ``t`` and cancelled, ``n[-1]`` are still active.

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
Interactive Marketing 21(1), 76-90.
Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: the
perils of ignoring heterogeneity. Marketing Science 29(1), 85-93.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, hyp2f1

from ._checks import active_counts_array, check_positive, warn_if_percent
from ._fitting import FittedModel
from ._sbg import (
    LOG_PARAM_BOUND,
    counts_by_tenure,
    counts_log_likelihood,
    tenure_log_likelihood,
    tenure_table,
    warn_if_degenerate,
    whole_periods,
)
from .exceptions import ConvergenceError

__all__ = ["ShiftedBetaGeometric", "active_counts_array", "constant_retention", "sbg_survival"]

#: Clip of the log-parameters before exp() inside the objective, so exp never overflows.
LOG_PARAM_CLIP = 30
#: median_lifetime gives up beyond this many periods (alpha tiny: most customers never leave).
MAX_MEDIAN_PERIODS = 1e9
#: DERL falls back to a direct sum when hyp2f1 fails; the sum stops when (1 + d)^-k < exp(-40).
DERL_SERIES_LOG_TOL = 40


def sbg_survival(t: Any, alpha: float, beta: float) -> np.ndarray:
    """Closed-form sBG survival ``S(t) = B(alpha, beta + t) / B(alpha, beta)``.

    The expected share of a cohort still active after ``t`` renewal opportunities (``S(0) = 1``).

    Examples
    --------
    >>> sbg_survival([0, 1], 1.0, 1.0).round(3)
    array([1. , 0.5])
    """
    alpha = check_positive(alpha, "alpha")
    beta = check_positive(beta, "beta")
    t = np.asarray(t, dtype=float)
    if np.any(t < 0):
        raise ValueError(f"t must be >= 0, got {t.min()}")
    return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))


def constant_retention(active_counts: Any, **columns: str) -> float:
    """Maximum-likelihood constant retention rate (the geometric model, no heterogeneity).

    ``r = 1 - churned / exposures``: the customers lost over all the periods divided by the
    renewal opportunities they had (``sum of active counts in periods 0..T-1``). ``columns``
    are ``period_col`` and ``active_col`` for a DataFrame (see :func:`active_counts_array`).

    Examples
    --------
    >>> round(constant_retention([100, 80, 64]), 3)
    0.8
    """
    n = active_counts_array(active_counts, **columns)
    return float(1 - (n[0] - n[-1]) / n[:-1].sum())


class ShiftedBetaGeometric(FittedModel):
    """The shifted-beta-geometric (sBG) retention model, fitted by maximum likelihood.

    Follows the kit's fitted-model contract (settings in ``__init__``, ``fit`` returns self,
    learned values end in ``_``, ``summary()``, ``NotFittedError`` before ``fit``).

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
        Standard errors, from a numerical Hessian of the log-likelihood in the log-parameters
        (delta method). Approximate, like any Wald error.
    log_param_cov_ : pandas.DataFrame
        Covariance matrix of ``log(alpha)`` and ``log(beta)``.
    log_likelihood_ : float
    active_counts_ : numpy.ndarray or None
        The counts fitted on (None after :meth:`fit_tenures`); ``cohort_size_`` is the number of
        customers (period 0's count), ``n_periods_`` the last period (or longest tenure) seen.
    tenure_counts_ : pandas.DataFrame
        The same data by tenure: customers who ``churned`` with that tenure and customers still
        ``active`` with it (the counts the likelihood uses).

    Examples
    --------
    >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241]   # Fader & Hardie (2007), regular
    >>> m = ShiftedBetaGeometric().fit(counts)
    >>> m.params_.round(3).tolist(), round(m.log_likelihood_, 2)
    ([0.704, 1.182], -1680.27)
    >>> m.expected_active([8, 12]).round(0).tolist()
    [220.0, 170.0]
    """

    _param_names = ("alpha", "beta")

    def __init__(self, *, alpha0: float = 1.0, beta0: float = 1.0, max_iter: int = 1000) -> None:
        self.alpha0 = alpha0
        self.beta0 = beta0
        self.max_iter = max_iter

    # ---------------------------------------------------------------- fitting
    #: log-likelihood of counts by tenure (churned, active) and of a cohort's active counts (in _sbg)
    _tenure_log_likelihood = staticmethod(tenure_log_likelihood)
    _log_likelihood = staticmethod(counts_log_likelihood)

    def fit(self, active_counts: Any, *, period_col: str = "period",
            active_col: str = "active") -> ShiftedBetaGeometric:
        """Fit alpha and beta to one cohort's active counts (see :func:`active_counts_array`).

        Maximises the log-likelihood over ``log(alpha), log(beta)`` with scipy (L-BFGS-B).
        Raises :class:`~relmkt_lib.exceptions.ConvergenceError` when the optimiser fails, and
        warns (:class:`~relmkt_lib.exceptions.FitWarning`) when the data cannot pin the
        parameters down: nobody churned, a parameter ran to the search's limit, or a constant
        retention rate fits about as well (alpha and beta then drift to large values and only
        their ratio is determined). For a table of customers who started on different dates
        (tenure so far, cancelled or not), use :meth:`fit_tenures`.
        """
        n = active_counts_array(active_counts, period_col=period_col, active_col=active_col)
        self._fit_counts(*counts_by_tenure(n), source="counts")
        self.active_counts_ = n
        return self

    def fit_tenures(self, tenures: Any, *, churned: Any = None, tenure_col: str = "tenure",
                    churned_col: str = "churned") -> ShiftedBetaGeometric:
        """Fit alpha and beta to individual tenures, some right-censored (Fader & Hardie 2007).

        For a snapshot of a customer table: each customer's tenure so far and whether the
        customer has left. Customers may have started on different dates, so those still active
        have been watched for different lengths of time; each contributes what is known:

        - a customer who cancelled with tenure ``t`` (at the ``t``-th renewal date, after ``t``
          whole periods paid) contributes ``P(T = t)``;
        - a customer still active with tenure ``t`` (``t`` renewals made so far) contributes
          ``S(t)``: they will leave some day, but after ``t``.

        Tenure counts whole periods (months for monthly renewals): a customer who cancels at the
        first renewal date has tenure 1; one who joined less than a period ago has tenure 0. The
        same customers given as a cohort's active counts to :meth:`fit` give the same estimates.
        Counting the still-active customers as churners (the naive route) biases the churn
        probabilities upwards.

        Parameters
        ----------
        tenures : DataFrame, or list, array or Series of whole numbers >= 0
            A DataFrame with columns ``tenure_col`` and ``churned_col`` (one row per customer),
            or the tenures themselves with ``churned=`` beside them. Not modified.
        churned : list, array or Series of bool, optional
            True for a customer who has left, False for one still active (required when
            ``tenures`` is not a DataFrame).
        tenure_col, churned_col : str, default "tenure", "churned"
            Column names in a DataFrame (``tenure_months`` and ``cancelled`` in
            :func:`relmkt_lib.datasets.load_subscriptions`).

        Returns
        -------
        self
            ``cohort_size_`` is the number of customers, ``n_periods_`` the longest tenure and
            ``tenure_counts_`` the table fitted on (customers who churned and who are still
            active, by tenure); ``active_counts_`` is None.

        Examples
        --------
        >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241]   # as customers: 369 left at t = 1, ...
        >>> tenure = np.repeat(np.arange(1, 8), -np.diff(counts)).tolist() + [7] * 241
        >>> churned = [True] * (1000 - 241) + [False] * 241
        >>> ShiftedBetaGeometric().fit_tenures(tenure, churned=churned).params_.round(3).tolist()  # as fit(counts)
        [0.704, 1.182]
        """
        t, lost = tenure_table(tenures, churned, tenure_col, churned_col)
        width = int(t.max()) + 1
        by_churned = np.bincount(t[lost], minlength=width).astype(np.int64)
        by_active = np.bincount(t[~lost], minlength=width).astype(np.int64)
        self._fit_counts(by_churned, by_active, source="tenures")
        self.active_counts_ = None
        return self

    def _fit_counts(self, churned: np.ndarray, active: np.ndarray, *, source: str) -> None:
        """Maximise the likelihood of counts by tenure, warn if degenerate, store the fit."""
        start = np.log([check_positive(self.alpha0, "alpha0"), check_positive(self.beta0, "beta0")])

        def nll(x: np.ndarray) -> float:
            a, b = np.exp(np.clip(x, -LOG_PARAM_CLIP, LOG_PARAM_CLIP))
            return -self._tenure_log_likelihood(a, b, churned, active)

        res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=[(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * 2,
                                options={"maxiter": int(self.max_iter)})
        if not res.success or not np.isfinite(res.fun):
            raise ConvergenceError(
                f"the sBG fit did not converge ({res.message}); try other starting values "
                "(alpha0, beta0), more periods of data, a larger max_iter, or check the counts"
            )
        warn_if_degenerate(churned, active, res.x, -float(res.fun), source)
        self.cohort_size_ = int(churned.sum() + active.sum())
        self.n_periods_ = len(active) - 1
        self.tenure_counts_ = pd.DataFrame({"churned": churned, "active": active},
                                           index=pd.RangeIndex(len(active), name="tenure"))
        self._store_fit(np.exp(res.x), lambda p: self._tenure_log_likelihood(p[0], p[1], churned, active))

    def _alpha_beta(self) -> tuple[float, float]:
        params = self._check_fitted()
        return float(params["alpha"]), float(params["beta"])

    # ---------------------------------------------------------------- results
    def survival(self, t: Any) -> np.ndarray:
        """Expected share of the cohort still active in period ``t`` (``S(0) = 1``)."""
        alpha, beta = self._alpha_beta()
        return sbg_survival(whole_periods(t), alpha, beta)

    def expected_active(self, t: Any) -> np.ndarray:
        """Expected number still active in period ``t``: ``cohort_size_ * survival(t)``."""
        survival = self.survival(t)
        return self.cohort_size_ * survival

    def retention_rate(self, t: Any) -> np.ndarray:
        """Expected retention from period ``t - 1`` to ``t``: ``(beta + t - 1) / (alpha + beta + t - 1)``."""
        alpha, beta = self._alpha_beta()
        t = whole_periods(t, lowest=1)
        return (beta + t - 1) / (alpha + beta + t - 1)

    def median_lifetime(self) -> float:
        """The first period in which the expected share still active is 50 % or less.

        A whole number, or ``inf`` when more than half the customers are still expected to be
        active after 1e9 periods (alpha tiny: most customers practically never leave, as after a
        fit to data in which nobody churned).
        """
        self._check_fitted()
        t, step = 0, 64
        while self.survival(t + step) > 0.5:
            t += step
            step *= 2
            if t > MAX_MEDIAN_PERIODS:
                return float("inf")
        grid = np.arange(t, t + step + 1)
        return int(grid[np.argmax(self.survival(grid) <= 0.5)])

    def expected_lifetime(self) -> float:
        """Mean number of periods paid, ``(alpha + beta - 1) / (alpha - 1)``; infinite if alpha <= 1."""
        alpha, beta = self._alpha_beta()
        return np.inf if alpha <= 1 else (alpha + beta - 1) / (alpha - 1)

    def derl(self, discount_rate: float, *, renewals: Any = 0) -> np.ndarray:
        """Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6).

        The expected number of future payments, discounted at ``discount_rate`` per period, of a
        customer who is still active and has made ``renewals`` renewals so far, evaluated just
        before the next renewal decision (the payment of the current period is not counted). In
        Fader & Hardie's notation the customer is in period ``n = renewals + 1`` and
        ``DERL = B(alpha, beta + n) / B(alpha, beta + n - 1) * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))``;
        their tables list it against ``n``, so their ``n = 1`` is ``renewals=0``.

        Multiply by the payment per period to get the customer's residual value.

        Examples
        --------
        >>> import pandas as pd
        >>> m = ShiftedBetaGeometric()
        >>> m.params_ = pd.Series({"alpha": 3.80, "beta": 15.20})   # F&H 2010, case 1
        >>> m.derl(0.10, renewals=[0, 1, 2, 3, 4]).round(2).tolist()
        [3.31, 3.45, 3.59, 3.72, 3.84]
        """
        alpha, beta = self._alpha_beta()
        d = check_positive(discount_rate, "discount_rate", allow_zero=False)
        warn_if_percent(d)
        n = whole_periods(renewals, "renewals") + 1
        ratio = np.exp(betaln(alpha, beta + n) - betaln(alpha, beta + n - 1))
        out = np.asarray(ratio * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d)))
        if not np.all(np.isfinite(out)):  # hyp2f1 fails for very large alpha, beta: sum the series
            k = np.arange(int(np.ceil(DERL_SERIES_LOG_TOL / np.log1p(d))) + 1)
            flat = [np.sum(np.exp(betaln(alpha, beta + m + k) - betaln(alpha, beta + m - 1)) / (1 + d) ** k)
                    for m in np.ravel(n)]
            out = np.where(np.isfinite(out), out, np.reshape(flat, np.shape(n)))
        return out

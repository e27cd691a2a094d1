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

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, hyp2f1

from ._checks import (
    active_counts_array,
    bad_rows_error,
    check_dataframe,
    check_positive,
    require_columns,
    warn_if_percent,
)
from ._fitting import FittedModel
from .exceptions import ConvergenceError, FitWarning

__all__ = ["ShiftedBetaGeometric", "active_counts_array", "constant_retention", "sbg_survival"]

#: 95 % quantile of the chi-square distribution with 1 degree of freedom: the likelihood-ratio
#: test of the sBG against a constant retention rate (one parameter more) at 5 %.
CHI2_1DF_95 = 3.84
#: Bounds of log(alpha) and log(beta) in the search (alpha, beta between 3e-7 and 3.3e6).
LOG_PARAM_BOUND = 15
#: A log-parameter this close to LOG_PARAM_BOUND is "on the bound": the data did not stop the search.
BOUND_TOLERANCE = 0.01
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


def _periods(t: Any, name: str = "t", lowest: int = 0) -> np.ndarray:
    arr = np.asarray(t, dtype="float64")
    bad = ~np.isfinite(arr) | (arr < lowest) | (arr != np.round(arr))
    if arr.size and bad.any():
        first = arr.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise ValueError(f"{name} must hold whole periods >= {lowest}, got {first!r}")
    return arr


def _counts_by_tenure(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A cohort's active counts as customers by tenure: churned at t = 1..K, still active at K."""
    churned = np.concatenate([[0], -np.diff(n)])
    active = np.zeros(len(n), dtype=np.int64)
    active[-1] = n[-1]
    return churned, active


def _tenure_table(tenures: Any, churned: Any, tenure_col: str, churned_col: str) -> tuple[np.ndarray, np.ndarray]:
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


def _warn_if_degenerate(churned: np.ndarray, active: np.ndarray, log_params: np.ndarray,
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
    @staticmethod
    def _tenure_log_likelihood(alpha: float, beta: float, churned: np.ndarray, active: np.ndarray) -> float:
        """``sum_t churned[t] log P(T = t) + active[t] log S(t)``, the counts indexed by tenure t = 0..K."""
        t = np.arange(len(active))
        log_b = betaln(alpha, beta)
        log_s = betaln(alpha, beta + t) - log_b
        log_p = betaln(alpha + 1, beta + np.maximum(t - 1, 0)) - log_b  # P(T = t), t >= 1 (churned[0] is 0)
        return float(churned[1:] @ log_p[1:] + active @ log_s)

    @staticmethod
    def _log_likelihood(alpha: float, beta: float, n: np.ndarray) -> float:
        """Sum of log P(T = t) over the churners of each period plus log S(T) for survivors."""
        churned, active = _counts_by_tenure(n)
        return ShiftedBetaGeometric._tenure_log_likelihood(alpha, beta, churned, active)

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
        self._fit_counts(*_counts_by_tenure(n), source="counts")
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
        t, lost = _tenure_table(tenures, churned, tenure_col, churned_col)
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
        _warn_if_degenerate(churned, active, res.x, -float(res.fun), source)
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
        return sbg_survival(_periods(t), alpha, beta)

    def expected_active(self, t: Any) -> np.ndarray:
        """Expected number still active in period ``t``: ``cohort_size_ * survival(t)``."""
        survival = self.survival(t)
        return self.cohort_size_ * survival

    def retention_rate(self, t: Any) -> np.ndarray:
        """Expected retention from period ``t - 1`` to ``t``: ``(beta + t - 1) / (alpha + beta + t - 1)``."""
        alpha, beta = self._alpha_beta()
        t = _periods(t, lowest=1)
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
        n = _periods(renewals, "renewals") + 1
        ratio = np.exp(betaln(alpha, beta + n) - betaln(alpha, beta + n - 1))
        out = np.asarray(ratio * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d)))
        if not np.all(np.isfinite(out)):  # hyp2f1 fails for very large alpha, beta: sum the series
            k = np.arange(int(np.ceil(DERL_SERIES_LOG_TOL / np.log1p(d))) + 1)
            flat = [np.sum(np.exp(betaln(alpha, beta + m + k) - betaln(alpha, beta + m - 1)) / (1 + d) ** k)
                    for m in np.ravel(n)]
            out = np.where(np.isfinite(out), out, np.reshape(flat, np.shape(n)))
        return out

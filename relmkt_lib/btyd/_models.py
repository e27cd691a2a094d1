"""BG/NBD, Pareto/NBD and Gamma-Gamma as fitted-model classes (re-exported by :mod:`relmkt_lib.btyd`).

"Buy till you die" (BTYD) models for a business that never sees a customer leave: while
alive, a customer buys at a Poisson rate (gamma heterogeneity across customers); the
customer dies unseen, after any purchase with a beta-distributed probability (BG/NBD, Fader,
Hardie & Lee 2005) or after an exponential lifetime (Pareto/NBD, Schmittlein, Morrison &
Colombo 1987). The Gamma-Gamma model (Fader, Hardie & Lee 2005, "RFM and CLV") adds spend.

The classes follow the kit's fitted-model contract (:mod:`relmkt_lib._fitting`): settings in
``__init__``, ``fit(summary)`` returns self, ``params_`` (the papers' names), ``se_``,
``log_likelihood_``, ``summary()``. They fit with lifetimes' fitters (imported inside ``fit``;
they reproduce the published values), kept as ``lifetimes_``; the standard errors and the
log-likelihood are the kit's own. Predictions use ``params_``, so a model whose ``params_`` are
set by hand (published values) predicts too.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_positive
from .._fitting import FittedModel
from ..exceptions import ConvergenceError, FitWarning
from ._common import RFM_COLUMNS, check_summary, lifetimes, param_values, repeat_buyers, summary_columns
from ._likelihoods import bgnbd_log_likelihood, gamma_gamma_log_likelihood, pareto_nbd_log_likelihood

__all__ = ["BetaGeoModel", "ParetoNBDModel", "GammaGammaModel", "spend_frequency_correlation"]

#: |corr(spend, frequency)| above which the Gamma-Gamma independence assumption is doubtful.
CORRELATION_WARNING = 0.3
#: A fitted parameter outside [PARAM_FLOOR, PARAM_CEILING] means the search ran off (a degenerate fit).
PARAM_FLOOR, PARAM_CEILING = 1e-6, 1e6
#: A parameter above LARGE_PARAM whose standard error exceeds LARGE_RELATIVE_SE times it (or is
#: unknown) is not pinned down by the data: the fit warns (FitWarning). A relative SE of 3 is a
#: 95 % interval spanning a factor of e^(2 * 1.96 * 3), about 130,000; the published CDNOW fits
#: have relative SEs below 0.5, the Pareto/NBD on a 13- to 17-week CDNOW calibration 5 to 11.
LARGE_PARAM, LARGE_RELATIVE_SE = 1e3, 3.0

_FIXES = ("Usual fixes: (1) add a small penalizer, e.g. penalizer=0.001 to 0.1; (2) express time in "
          "weeks (summarize_transactions(..., time_unit='weeks')) rather than days, so the numbers are of "
          "moderate size; (3) loosen tol (e.g. tol=1e-6) or pass initial_params close to a sensible fit; "
          "(4) check the data: enough customers with repeat purchases, recency <= T.")


def _number(x: float) -> str:
    """A number as a learner reads it: 13,558 or 112 or 0.0412."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


class _LifetimesModel(FittedModel):
    """Shared fitting through a lifetimes fitter (settings, convergence checks, standard errors)."""

    _lifetimes_class = ""
    _label = ""
    _weak_fit_fixes = ("Use more data, or add a small penalizer (penalizer=0.001 to 0.1) to keep the parameters "
                       "moderate.")
    _lifetimes_names: tuple[str, ...] = ()  # lifetimes' names of _param_names, in the same order
    _default_start: tuple[float, ...] | None = None  # in lifetimes' own terms (see _lifetimes_start)
    _start_in_logs = True  # lifetimes' BG/NBD and Gamma-Gamma fitters search over log-parameters
    _time_params: tuple[int, ...] = ()  # parameters in time units, which lifetimes fits with max(T) = 1

    def __init__(self, *, penalizer: float = 0.0, tol: float = 1e-7, initial_params: Any = None) -> None:
        self.penalizer = penalizer
        self.tol = tol
        self.initial_params = initial_params

    def _run_lifetimes(self, args: tuple, data: pd.DataFrame, log_likelihood: Any) -> None:
        lt = lifetimes()
        fitter = getattr(lt, self._lifetimes_class)(
            penalizer_coef=check_positive(self.penalizer, "penalizer", allow_zero=True))
        start = self._default_start if self.initial_params is None else self._lifetimes_start(data)
        try:  # lifetimes prints scipy's report on failure: keep it out of the notebook
            with np.errstate(all="ignore"), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore", RuntimeWarning)
                fitter.fit(*args, tol=float(self.tol),
                           initial_params=None if start is None else np.asarray(start, dtype="float64"))
        except (lt.utils.ConvergenceError, np.linalg.LinAlgError) as err:
            raise ConvergenceError(f"the {self._label} fit did not converge. {_FIXES}") from err
        est = fitter.params_[list(self._lifetimes_names)].to_numpy(dtype="float64")
        if not np.isfinite(est).all() or (est < PARAM_FLOOR).any() or (est > PARAM_CEILING).any():
            raise ConvergenceError(f"the {self._label} fit ran off to degenerate parameters "
                                   f"{fitter.params_.round(6).to_dict()}. {_FIXES}")
        self.lifetimes_ = fitter
        self.n_customers_ = len(data)
        names = list(self._param_names)
        self._store_fit(est, lambda p: float(log_likelihood(dict(zip(names, p)), data).sum()))
        self._warn_if_weak()

    def _lifetimes_start(self, data: pd.DataFrame) -> np.ndarray:
        """``initial_params`` (the papers' parameters, in the summary's time unit) as lifetimes' optimizer
        starts from them: times rescaled so that the largest T is 1, and logs for the fitters that search
        over log-parameters."""
        start = np.asarray(self.initial_params, dtype="float64").ravel()
        names = list(self._param_names)
        if start.shape != (len(names),) or not (np.isfinite(start) & (start > 0)).all():
            raise ValueError(f"initial_params must be {len(names)} positive numbers ({', '.join(names)}), "
                             f"got {self.initial_params!r}")
        if self._time_params:
            start[list(self._time_params)] /= float(data["T"].max())
        return np.log(start) if self._start_in_logs else start

    def _warn_if_weak(self) -> None:
        """A FitWarning, in words, when a parameter is huge and its standard error many times larger."""
        est, se = self.params_, self.se_
        rel = (se / est).fillna(np.inf)  # an unknown standard error (singular Hessian) counts as huge
        if not ((est > LARGE_PARAM) & (rel > LARGE_RELATIVE_SE)).any():
            return
        weak = rel.index[rel > LARGE_RELATIVE_SE]
        shown = ", ".join(f"{k} = {_number(est[k])} (se {'unknown' if np.isnan(se[k]) else _number(se[k])})"
                          for k in weak)
        warnings.warn(f"the {self._label} fit gives {shown}: the data cannot pin "
                      f"{'this parameter' if len(weak) == 1 else 'these parameters'} down (a standard error "
                      f"more than {LARGE_RELATIVE_SE:g} times the estimate), so do not read "
                      f"{'it' if len(weak) == 1 else 'them'}. {self._weak_fit_fixes}",
                      FitWarning, stacklevel=4)

    def _fitter(self) -> Any:
        """A lifetimes fitter holding the current ``params_`` (for its closed-form predictions)."""
        params = self._check_fitted()
        fitter = getattr(lifetimes(), self._lifetimes_class)()
        fitter.params_ = pd.Series(param_values(params, self._param_names), index=list(self._lifetimes_names))
        return fitter


class _PurchaseModel(_LifetimesModel):
    """What BG/NBD and Pareto/NBD share: fit on (frequency, recency, T), P(alive), expected purchases."""

    _log_likelihood: Any = None  # the per-customer log-likelihood, set by each subclass

    def fit(self, summary: pd.DataFrame) -> _PurchaseModel:
        """Fit on a summary with columns ``frequency``, ``recency``, ``T`` (one row per customer).

        A :func:`relmkt_lib.data.calibration_holdout_split` table is read through its
        ``frequency_cal``, ``recency_cal`` and ``T_cal`` columns (as every method here does), so
        the split goes to the fit and to the diagnostics as it is.

        Returns self. Raises :class:`~relmkt_lib.exceptions.ConvergenceError` with the usual
        fixes when the search fails or runs off to degenerate values, and warns
        (:class:`~relmkt_lib.exceptions.FitWarning`) when a parameter is above 1,000 with a
        standard error more than 3 times its size: the data cannot pin it down.
        """
        s = check_summary(summary)
        data = s[list(RFM_COLUMNS)]
        self._run_lifetimes(tuple(data[c] for c in RFM_COLUMNS), data, type(self)._log_likelihood)
        return self

    # private array versions, shared with the diagnostics and the CLV
    def _alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self._fitter().conditional_probability_alive(frequency, recency, T), dtype="float64")

    def _purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self._fitter().conditional_expected_number_of_purchases_up_to_time(
                t, frequency, recency, T), dtype="float64")

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still alive, given their (frequency, recency, T)."""
        s = check_summary(summary)
        return pd.Series(self._alive(*(s[c].to_numpy(dtype="float64") for c in RFM_COLUMNS)),
                         index=s.index, name="p_alive")

    def expected_purchases(self, summary: pd.DataFrame, *, horizon: float) -> pd.Series:
        """Expected purchases of each customer in the next ``horizon`` time units (weeks in the chapter)."""
        s = check_summary(summary)
        h = check_positive(horizon, "horizon")
        return pd.Series(self._purchases(h, *(s[c].to_numpy(dtype="float64") for c in RFM_COLUMNS)),
                         index=s.index, name="expected_purchases")

    def predict(self, summary: pd.DataFrame, *, horizon: float) -> pd.DataFrame:
        """Per customer: ``p_alive`` and ``expected_purchases`` in the next ``horizon`` time units.

        Examples
        --------
        >>> from relmkt_lib.datasets import load_cdnow_summary
        >>> s = load_cdnow_summary()
        >>> BetaGeoModel().fit(s).predict(s, horizon=39).loc[1].round(3).tolist()
        [0.727, 1.226]
        """
        return pd.concat([self.p_alive(summary), self.expected_purchases(summary, horizon=horizon)], axis=1)

    def expected_purchases_new_customer(self, t: Any) -> np.ndarray:
        """E[X(t)]: expected repeat purchases of a customer just acquired, in their first ``t`` time units."""
        t = np.asarray(t, dtype="float64")
        if t.size and (~np.isfinite(t) | (t < 0)).any():
            raise ValueError(f"t must hold finite times >= 0, got {t.ravel()[0]!r}")
        with np.errstate(all="ignore"):
            return np.asarray(self._fitter().expected_number_of_purchases_up_to_time(t), dtype="float64")


class BetaGeoModel(_PurchaseModel):
    """The BG/NBD model (Fader, Hardie & Lee 2005), fitted with lifetimes' ``BetaGeoFitter``.

    Parameters
    ----------
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``); 0 gives the MLE.
    tol : float, default 1e-7
        Tolerance of the optimizer.
    initial_params : array-like, optional
        Starting values of (r, alpha, a, b), in the summary's time unit (as ``params_``). lifetimes
        fits on times divided by the largest T and over log-parameters: the kit converts them.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha`` (gamma purchase rates), ``a``, ``b`` (beta dropout probability).
    se_ : pandas.Series
        Standard errors (numerical Hessian of the kit's log-likelihood, delta method).
    log_param_cov_ : pandas.DataFrame
        Covariance of the log-parameters (used by :func:`bootstrap_intervals`).
    log_likelihood_ : float
        Total log-likelihood (FHL 2005's -9582.4 on CDNOW).
    lifetimes_ : lifetimes.BetaGeoFitter
        The fitted lifetimes object, for users who know lifetimes.
    n_customers_ : int

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> bg = BetaGeoModel().fit(load_cdnow_summary())
    >>> bg.params_.round(3).tolist(), round(bg.log_likelihood_, 1)
    ([0.243, 4.414, 0.793, 2.426], -9582.4)
    >>> bg.summary().round(2)  # doctest: +NORMALIZE_WHITESPACE
               estimate    se  lower  upper
    parameter
    r              0.24  0.01   0.22   0.27
    alpha          4.41  0.38   3.73   5.22
    a              0.79  0.19   0.50   1.25
    b              2.43  0.71   1.37   4.29
    """

    _param_names = _lifetimes_names = ("r", "alpha", "a", "b")
    _time_params = (1,)
    _lifetimes_class = "BetaGeoFitter"
    _label = "BG/NBD"
    _weak_fit_fixes = ("This happens when the calibration period is short compared with how long customers stay, "
                       "so few have visibly stopped buying: use a longer calibration period, or add a small "
                       "penalizer (penalizer=0.001 to 0.1).")
    _log_likelihood = staticmethod(bgnbd_log_likelihood)


class ParetoNBDModel(_PurchaseModel):
    """The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), fitted with ``ParetoNBDFitter``.

    Same settings and attributes as :class:`BetaGeoModel`; ``params_`` holds ``r``, ``alpha``
    (gamma purchase rates), ``s``, ``beta`` (gamma dropout rates). lifetimes fits on times divided
    by the largest T and draws its starting values from numpy's global random state; the kit
    starts at 1 for every parameter in those rescaled terms (the centre of lifetimes' draws, i.e.
    alpha = beta = max(T) in the summary's unit), so a fit is the same every time.
    ``initial_params``, if given, are (r, alpha, s, beta) in the summary's time unit, as
    ``params_`` (the kit rescales alpha and beta for lifetimes).

    P(alive) and expected purchases use lifetimes' closed forms; where they overflow (a very
    frequent buyer, e.g. 170 repeat purchases) the row is recomputed in log space, so every
    customer gets a finite value (P(alive) is exactly 1 when recency equals T).

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> ParetoNBDModel().fit(load_cdnow_summary()).params_.round(2).tolist()
    [0.55, 10.58, 0.61, 11.67]
    """

    _param_names = _lifetimes_names = ("r", "alpha", "s", "beta")
    _lifetimes_class = "ParetoNBDFitter"
    _label = "Pareto/NBD"
    _weak_fit_fixes = ("This happens when the calibration period is short compared with how long customers stay, "
                       "so few have visibly stopped buying: use a longer calibration period, or the BG/NBD "
                       "(BetaGeoModel), or add a small penalizer (penalizer=0.001 to 0.1).")
    _default_start = (1.0, 1.0, 1.0, 1.0)
    _start_in_logs = False  # lifetimes' Pareto/NBD searches over the parameters themselves (Nelder-Mead)
    _time_params = (1, 3)
    _log_likelihood = staticmethod(pareto_nbd_log_likelihood)

    # lifetimes' closed forms overflow (NaN) for very frequent buyers: those rows are recomputed in log space
    def _alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        out = np.array(super()._alive(frequency, recency, T), dtype="float64")
        bad = ~np.isfinite(out) | (out < 0) | (out > 1)
        if bad.any():
            x, tx, age = (np.broadcast_to(np.asarray(v, dtype="float64"), out.shape) for v in (frequency, recency, T))
            params = param_values(self._check_fitted(), self._param_names)
            out[bad] = _pareto_alive_stable(params, x[bad], tx[bad], age[bad])
        return out

    def _purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        out = np.array(super()._purchases(t, frequency, recency, T), dtype="float64")
        bad = ~np.isfinite(out) | (out < 0)
        if bad.any():
            t, x, tx, age = (np.broadcast_to(np.asarray(v, dtype="float64"), out.shape)[bad]
                             for v in (t, frequency, recency, T))
            r, alpha, s, beta = params = param_values(self._check_fitted(), self._param_names)
            alive = _pareto_alive_stable(params, x, tx, age)
            # Fader & Hardie's note, eq. 41: E[Y(t) | alive] times P(alive)
            ratio = np.log((beta + age) / (beta + age + t))
            tail = -np.expm1((s - 1) * ratio) / (s - 1) if abs(s - 1) > 1e-12 else -ratio
            out[bad] = (r + x) * (beta + age) / (alpha + age) * tail * alive
        return out


def _log_hyp2f1_next(a: float, b: float, z: float) -> float:
    """log of the Gauss hypergeometric 2F1(a, b; a + 1; z) for a > 0 and 0 <= z < 1, without overflow.

    2F1(a, b; a + 1; z) = integral over u in [0, 1] of (1 - z u^(1/a))^(-b) du (t = u^(1/a) in Euler's
    integral); the integrand is divided by its largest value, (1 - z)^(-b) at u = 1, so it stays in
    (0, 1] however large a and b are (scipy's hyp2f1 overflows for a frequent buyer's a = r + s + x).

    >>> from scipy.special import hyp2f1
    >>> round(_log_hyp2f1_next(2.5, 1.6, 0.3), 10) == round(float(np.log(hyp2f1(2.5, 1.6, 3.5, 0.3))), 10)
    True
    """
    from scipy.integrate import quad

    top = -b * np.log1p(-z)
    with np.errstate(all="ignore"):
        value, _ = quad(lambda u: np.exp(-b * (np.log1p(-z * u ** (1.0 / a)) - np.log1p(-z))), 0.0, 1.0,
                        epsabs=0.0, epsrel=1e-12, limit=200)
    return float(top + np.log(value))


def _pareto_alive_stable(params: Any, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Pareto/NBD P(alive) (Fader & Hardie's 2005 note, eq. 19-20 and 37) in log space, row by row.

    For the rows where lifetimes' formula overflows (a very frequent buyer); exactly 1 when recency == T.
    """
    r, alpha, s, beta = params
    big, small = max(alpha, beta), min(alpha, beta)
    out = np.ones(len(x))
    for i, (xi, ti, Ti) in enumerate(zip(x, tx, T)):
        if ti >= Ti:  # A_0 = 0: nothing says the customer died after the last purchase, observed just now
            continue
        rsx = r + s + xi
        b = s + 1 if alpha >= beta else r + xi
        log_1 = _log_hyp2f1_next(rsx, b, (big - small) / (big + ti)) - rsx * np.log(big + ti)
        log_2 = _log_hyp2f1_next(rsx, b, (big - small) / (big + Ti)) - rsx * np.log(big + Ti)
        if log_2 >= log_1:
            continue
        log_a0 = log_1 + np.log(-np.expm1(log_2 - log_1))
        z = np.log(s) - np.log(rsx) + (r + xi) * np.log(alpha + Ti) + s * np.log(beta + Ti) + log_a0
        out[i] = np.exp(-np.logaddexp(0.0, z))  # 1 / (1 + e^z)
    return out


class GammaGammaModel(_LifetimesModel):
    """The Gamma-Gamma spend model (Fader, Hardie & Lee 2005), fitted with ``GammaGammaFitter``.

    Fit it on repeat buyers only (frequency 0 is an error: pass
    ``summary[summary["frequency"] > 0]``); check the independence of spend and frequency first
    with :func:`spend_frequency_correlation`. Same settings as :class:`BetaGeoModel`
    (``initial_params``: p, q, gamma).

    ``params_`` holds ``p``, ``q`` and ``gamma``, the papers' names (lifetimes calls the scale
    ``gamma`` "v"; ``lifetimes_.params_`` keeps lifetimes' names).

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> gg = GammaGammaModel().fit(s[s["frequency"] > 0])
    >>> gg.params_.round(2).to_dict()
    {'p': 6.25, 'q': 3.74, 'gamma': 15.45}
    >>> gg.expected_spend(s.loc[[1, 3]]).round(2).tolist()  # customer 3: no repeat, the mean
    [24.66, 35.17]
    """

    _param_names = ("p", "q", "gamma")
    _lifetimes_names = ("p", "q", "v")
    _lifetimes_class = "GammaGammaFitter"
    _label = "Gamma-Gamma"

    def fit(self, summary: pd.DataFrame) -> GammaGammaModel:
        """Fit on repeat buyers (columns ``frequency`` > 0 and ``monetary_value`` > 0). Returns self."""
        s = repeat_buyers(summary)
        data = s[["frequency", "monetary_value"]]
        self._run_lifetimes((data["frequency"], data["monetary_value"]), data, gamma_gamma_log_likelihood)
        return self

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Conditional expected spend per purchase: ``(gamma + x * zbar) * p / (p * x + q - 1)``.

        The customer's mean spend ``zbar`` shrunk towards the population mean ``p * gamma / (q - 1)``,
        which is what a customer with no repeat purchase (x = 0) gets.
        """
        p, q, gamma = param_values(self._check_fitted(), self._param_names)
        s = check_summary(summary, columns=("frequency", "monetary_value"))
        x, z = s["frequency"].to_numpy(dtype="float64"), s["monetary_value"].to_numpy(dtype="float64")
        return pd.Series((gamma + x * z) * p / (p * x + q - 1), index=s.index, name="expected_spend")


def spend_frequency_correlation(summary: pd.DataFrame, *, threshold: float = CORRELATION_WARNING) -> float:
    """Pearson correlation of mean spend and frequency among repeat buyers (Gamma-Gamma check).

    The Gamma-Gamma model assumes spend per transaction is independent of the number of
    transactions. Near 0 is fine; a warning is issued when the absolute value exceeds
    ``threshold`` (0.3 by default, a rule of thumb: above it, value spend and frequency jointly).
    Customers with frequency 0 are left out (their spend is undefined).

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 1, 2, 3, 4], "monetary_value": [0, 10, 30, 20, 25.0]})
    >>> round(spend_frequency_correlation(s, threshold=0.9), 3)  # above 0.9 it would warn
    0.529
    """
    summary = summary_columns(summary, ["frequency", "monetary_value"])
    rep = summary[summary["frequency"] > 0]
    if len(rep) < 3:
        raise ValueError(f"need at least 3 repeat buyers (frequency > 0) to compute a correlation, got {len(rep)}")
    corr = float(np.corrcoef(rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float))[0, 1])
    if abs(corr) > threshold:
        warnings.warn(f"spend and frequency are correlated (r = {corr:.2f}, |r| > {threshold}); the "
                      "Gamma-Gamma independence assumption is doubtful", UserWarning, stacklevel=2)
    return corr

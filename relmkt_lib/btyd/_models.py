"""Non-contractual customers: BG/NBD, Pareto/NBD, Gamma-Gamma, P(alive) and CLV.

"Buy till you die" (BTYD) models for a business that never sees a customer leave: while
alive, a customer buys at a Poisson rate (gamma heterogeneity across customers); the
customer dies unseen, after any purchase with a beta-distributed probability (BG/NBD, Fader,
Hardie & Lee 2005) or after an exponential lifetime (Pareto/NBD, Schmittlein, Morrison &
Colombo 1987). The Gamma-Gamma model (Fader, Hardie & Lee 2005, "RFM and CLV") adds spend.

The fitters are lifetimes' (imported lazily, inside the functions); the log-likelihoods,
the discounted CLV, the bootstrap and the diagnostics are the kit's own, pandas-3 safe.
Input everywhere: a :func:`relmkt_lib.data.summarize_transactions` table with columns
``frequency`` (repeat purchases x), ``recency`` (t_x), ``T`` and, for spend,
``monetary_value``; times in one unit (weeks in the chapter).
"""

from __future__ import annotations

import contextlib
import copy
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._diagnostics import (
    frequency_recency_matrix,
    holdout_by_frequency,
    holdout_error_by_decile,
    holdout_metrics,
    tracking_table,
)
from ..exceptions import ConvergenceError
from .._checks import as_rng, check_dataframe, check_positive, first_bad_row, plain, require_columns

__all__ = [
    "ConvergenceError", "fit_bgnbd", "fit_pareto_nbd", "fit_gamma_gamma",
    "bgnbd_log_likelihood", "pareto_nbd_log_likelihood", "gamma_gamma_log_likelihood",
    "parameter_table", "spend_frequency_correlation", "customer_predictions", "discounted_clv",
    "bootstrap_intervals", "holdout_by_frequency", "holdout_metrics", "holdout_error_by_decile",
    "tracking_table", "frequency_recency_matrix", "load_cdnow_sample", "cdnow_sample_split",
]

#: |corr(spend, frequency)| above which the Gamma-Gamma independence assumption is doubtful.
CORRELATION_WARNING = 0.3

_FIXES = ("Usual fixes: (1) add a small penalizer, e.g. penalizer=0.001 to 0.1; (2) express time in "
          "weeks (freq='D', freq_multiplier=7) rather than days, so the numbers are of moderate size; "
          "(3) loosen tol (e.g. tol=1e-6) or pass initial_params close to a sensible fit; "
          "(4) check the data: enough customers with repeat purchases, recency <= T.")


def _lifetimes():
    with warnings.catch_warnings():  # lifetimes' import-time pandas warning, and only that one
        warnings.filterwarnings("ignore", message="The 'mode.chained_assignment' option is deprecated")
        import lifetimes
    return lifetimes


def _check_summary(summary: Any, name: str = "summary", spend: bool = False) -> pd.DataFrame:
    check_dataframe(summary, name)
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if spend else [])
    require_columns(summary, cols, name)
    for col in cols:
        values = pd.to_numeric(summary[col], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            label, row = first_bad_row(summary, bad)
            raise ValueError(f"column {col!r} of {name} must hold finite numbers >= 0; customer "
                             f"{label!r} has {plain(row[col])!r}. Rebuild it with summarize_transactions.")
    freq = summary["frequency"].to_numpy(dtype="float64")
    if (freq != np.round(freq)).any():
        label, row = first_bad_row(summary, freq != np.round(freq))
        raise ValueError(f"column 'frequency' of {name} must hold whole numbers of repeat purchases; "
                         f"customer {label!r} has {row['frequency']!r}")
    late = summary["recency"].to_numpy(dtype="float64") > summary["T"].to_numpy(dtype="float64")
    if late.any():
        label, row = first_bad_row(summary, late)
        raise ValueError(f"recency must not exceed T; customer {label!r} has recency {row['recency']!r} "
                         f"> T {row['T']!r}. Rebuild the table with summarize_transactions.")
    return summary


def _fit(fitter: Any, args: tuple, model: str, tol: float, initial_params: Any) -> Any:
    lt = _lifetimes()
    try:  # lifetimes prints scipy's report on failure: keep it out of the notebook
        with np.errstate(all="ignore"), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore", RuntimeWarning)
            fitter.fit(*args, tol=tol, initial_params=initial_params)
    except (lt.utils.ConvergenceError, np.linalg.LinAlgError) as err:
        raise ConvergenceError(f"the {model} fit did not converge. {_FIXES}") from err
    params = fitter.params_.to_numpy(dtype="float64")
    if not np.isfinite(params).all() or (params < 1e-6).any() or (params > 1e6).any():
        raise ConvergenceError(f"the {model} fit ran off to degenerate parameters "
                                   f"{fitter.params_.round(6).to_dict()}. {_FIXES}")
    return fitter


def fit_bgnbd(summary: pd.DataFrame, *, penalizer: float = 0.0, tol: float = 1e-7,
              initial_params: Any = None) -> Any:
    """Fit the BG/NBD model (Fader, Hardie & Lee 2005) with lifetimes' ``BetaGeoFitter``.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency``, ``recency``, ``T`` (one row per customer). Not modified.
    penalizer : float, default 0
        L2 penalty on the parameters (lifetimes' ``penalizer_coef``); 0 gives the MLE.
    tol : float, default 1e-7
        Tolerance of the optimizer.
    initial_params : array-like, optional
        Starting values of (r, alpha, a, b).

    Returns
    -------
    lifetimes.BetaGeoFitter
        Fitted; ``params_`` holds r, alpha, a, b. Raises :class:`ConvergenceError` with
        the usual fixes when the search fails.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> bg = fit_bgnbd(load_cdnow_summary())
    >>> bg.params_.round(3).tolist()
    [0.243, 4.414, 0.793, 2.426]
    """
    s = _check_summary(summary)
    check_positive(penalizer, "penalizer", allow_zero=True)
    fitter = _lifetimes().BetaGeoFitter(penalizer_coef=float(penalizer))
    return _fit(fitter, (s["frequency"], s["recency"], s["T"]), "BG/NBD", tol, initial_params)


def fit_pareto_nbd(summary: pd.DataFrame, *, penalizer: float = 0.0, tol: float = 1e-7,
                   initial_params: Any = None) -> Any:
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) with ``ParetoNBDFitter``.

    Same arguments as :func:`fit_bgnbd`; ``params_`` holds r, alpha, s, beta.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> pnbd = fit_pareto_nbd(load_cdnow_summary())
    >>> pnbd.params_.round(2).tolist()
    [0.55, 10.58, 0.61, 11.67]
    """
    s = _check_summary(summary)
    check_positive(penalizer, "penalizer", allow_zero=True)
    fitter = _lifetimes().ParetoNBDFitter(penalizer_coef=float(penalizer))
    return _fit(fitter, (s["frequency"], s["recency"], s["T"]), "Pareto/NBD", tol, initial_params)


def _repeat_buyers(summary: pd.DataFrame, name: str = "summary") -> pd.DataFrame:
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


def fit_gamma_gamma(summary: pd.DataFrame, *, penalizer: float = 0.0, tol: float = 1e-7,
                    initial_params: Any = None) -> Any:
    """Fit the Gamma-Gamma spend model (lifetimes' ``GammaGammaFitter``) on repeat buyers.

    ``params_`` holds p, q, v (v is the gamma of Fader, Hardie & Lee). Customers with
    frequency 0 are an error: pass ``summary[summary["frequency"] > 0]``. Check the
    independence of spend and frequency first with :func:`spend_frequency_correlation`.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> fit_gamma_gamma(s[s["frequency"] > 0]).params_.round(2).tolist()
    [6.25, 3.74, 15.45]
    """
    s = _repeat_buyers(summary)
    check_positive(penalizer, "penalizer", allow_zero=True)
    fitter = _lifetimes().GammaGammaFitter(penalizer_coef=float(penalizer))
    return _fit(fitter, (s["frequency"], s["monetary_value"]), "Gamma-Gamma", tol, initial_params)


def _p(params: Any, names: list[str]) -> list[float]:
    params = params.params_ if hasattr(params, "params_") else params
    try:
        return [float(params[n]) for n in names]
    except (KeyError, TypeError):
        raise ValueError(f"params must hold {names} (a dict, a Series or a fitted model)") from None


def _kind(model: Any) -> str:
    names = tuple(getattr(model, "params_", pd.Series(dtype=float)).index)
    kinds = {("r", "alpha", "a", "b"): "bgnbd", ("r", "alpha", "s", "beta"): "pnbd", ("p", "q", "v"): "gg"}
    if names not in kinds:
        raise TypeError(f"model must be a fitted BG/NBD, Pareto/NBD or Gamma-Gamma fitter "
                        f"(from fit_bgnbd, ...), not {type(model).__name__}; call a fit_* function first")
    return kinds[names]


def parameter_table(model: Any, summary: pd.DataFrame) -> pd.DataFrame:
    """Estimates, standard errors (delta method) and the log-likelihood of a fitted model.

    ``summary`` is the table the model was fitted on (repeat buyers for Gamma-Gamma). The last
    row, ``log_likelihood``, holds the total log-likelihood in the ``estimate`` column.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> parameter_table(fit_bgnbd(s), s).round(1)  # doctest: +NORMALIZE_WHITESPACE
                    estimate  std_error
    parameter
    r                    0.2        0.0
    alpha                4.4        0.4
    a                    0.8        0.2
    b                    2.4        0.7
    log_likelihood   -9582.4        NaN
    """
    ll_fn = {"bgnbd": bgnbd_log_likelihood, "pnbd": pareto_nbd_log_likelihood,
             "gg": gamma_gamma_log_likelihood}[_kind(model)]
    ll = float(ll_fn(model, summary).sum())
    est = model.params_.astype("float64")
    se = np.sqrt(np.diag(_log_param_cov(model))) * est.to_numpy()
    table = pd.DataFrame({"estimate": [*est.to_numpy(), ll], "std_error": [*se, np.nan]},
                         index=pd.Index([*est.index, "log_likelihood"], name="parameter"))
    return table


def _log_param_cov(model: Any) -> np.ndarray:
    """Covariance of the log-parameters: inverse of minus the Hessian of the total log-likelihood.

    The Hessian is taken by central differences of the kit's own log-likelihood on the data the
    model was fitted on (lifetimes keeps no Hessian for Pareto/NBD, and its ``variance_matrix_``
    multiplies by params**2 column-wise, so its off-diagonal terms are not symmetric).
    """
    ll_fn = {"bgnbd": bgnbd_log_likelihood, "pnbd": pareto_nbd_log_likelihood,
             "gg": gamma_gamma_log_likelihood}[_kind(model)]
    data, names = model.data, list(model.params_.index)
    w = data["weights"].to_numpy(dtype="float64")
    theta = np.log(model.params_.to_numpy(dtype="float64"))

    def total(th: np.ndarray) -> float:
        return float(w @ ll_fn(dict(zip(names, np.exp(th))), data).to_numpy())

    k, h = len(theta), 1e-4
    eye = np.eye(k) * h
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            hess[i, j] = hess[j, i] = (total(theta + eye[i] + eye[j]) - total(theta + eye[i] - eye[j])
                                       - total(theta - eye[i] + eye[j]) + total(theta - eye[i] - eye[j])) / (4 * h * h)
    return np.linalg.inv(-hess)


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
    check_dataframe(summary, "summary")
    require_columns(summary, ["frequency", "monetary_value"], "summary")
    rep = summary[summary["frequency"] > 0]
    if len(rep) < 3:
        raise ValueError(f"need at least 3 repeat buyers (frequency > 0) to compute a correlation, got {len(rep)}")
    corr = float(np.corrcoef(rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float))[0, 1])
    if abs(corr) > threshold:
        warnings.warn(f"spend and frequency are correlated (r = {corr:.2f}, |r| > {threshold}); the "
                      "Gamma-Gamma independence assumption is doubtful", UserWarning, stacklevel=2)
    return corr


def customer_predictions(model: Any, summary: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """Per customer: P(alive) and expected purchases in the next ``horizon`` time units.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> customer_predictions(fit_bgnbd(s), s, 39).loc[1].round(3).tolist()
    [0.727, 1.226]
    """
    if _kind(model) == "gg":
        raise TypeError("customer_predictions needs a BG/NBD or Pareto/NBD model, not Gamma-Gamma")
    s = _check_summary(summary)
    h = check_positive(horizon, "horizon")
    args = [s[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T")]
    with np.errstate(all="ignore"):
        alive = np.asarray(model.conditional_probability_alive(*args), dtype="float64")
        expected = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(h, *args), dtype="float64")
    return pd.DataFrame({"p_alive": alive, "expected_purchases": expected}, index=s.index)


def discounted_clv(model: Any, spend_model: Any, summary: pd.DataFrame, *, horizon: float = 52,
                   step: float = 1, discount_rate: float = 0.10, periods_per_year: float = 52,
                   margin: float = 1.0) -> pd.Series:
    """Discounted expected margin of each customer over ``horizon`` time units.

    CLV_i = sum_k margin * E[spend_i] * (E[X_i(k*step)] - E[X_i((k-1)*step)]) / (1 + d)^(k*step),
    k = 1..horizon/step, with E[X_i(t)] the model's conditional expected purchases, E[spend_i]
    the Gamma-Gamma conditional expected spend and d the per-time-unit rate from the annual
    ``discount_rate``: (1 + discount_rate)^(1/periods_per_year) - 1. lifetimes'
    ``customer_lifetime_value(..., time=12, discount_rate=m, freq="W")`` is the case
    ``horizon=12 * 4.345, step=4.345, discount_rate=m, periods_per_year=4.345`` (monthly steps
    of 4.345 weeks, a monthly rate, no margin); a test checks the two agree.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> bg, rep = fit_bgnbd(s), s[s["frequency"] > 0]
    >>> clv = discounted_clv(bg, fit_gamma_gamma(rep), s, horizon=52, margin=0.3)
    >>> round(float(clv.loc[1]), 2)
    11.02
    """
    if _kind(model) == "gg" or _kind(spend_model) != "gg":
        raise TypeError("pass a BG/NBD or Pareto/NBD model as model and a Gamma-Gamma model as spend_model")
    s = _check_summary(summary, spend=True)
    h, st = check_positive(horizon, "horizon"), check_positive(step, "step")
    n = int(round(h / st))
    if n < 1 or abs(n * st - h) > 1e-9 * h:
        raise ValueError(f"horizon ({horizon}) must be a whole number of steps ({step})")
    d = (1 + check_positive(discount_rate, "discount_rate", allow_zero=True)) ** (
        1 / check_positive(periods_per_year, "periods_per_year")) - 1
    spend = _expected_spend(spend_model.params_, s)
    cum = _cumulative_purchases(model, s, st * np.arange(n + 1))
    disc = (1 + d) ** -(st * np.arange(1, n + 1))
    clv = float(margin) * spend * (np.diff(cum, axis=1) @ disc)
    return pd.Series(clv, index=s.index, name="clv")


def _expected_spend(params: Any, s: pd.DataFrame) -> np.ndarray:
    """Gamma-Gamma conditional expected spend; the population mean p*v/(q-1) when x = 0."""
    p, q, v = _p(params, ["p", "q", "v"])
    x, z = s["frequency"].to_numpy(dtype="float64"), s["monetary_value"].to_numpy(dtype="float64")
    return (v + x * z) * p / (p * x + q - 1)


def _cumulative_purchases(model: Any, s: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    args = [s[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T")]
    out = np.zeros((len(s), len(times)))
    with np.errstate(all="ignore"):
        for j, t in enumerate(times):
            if t > 0:
                out[:, j] = model.conditional_expected_number_of_purchases_up_to_time(t, *args)
    return out


def bootstrap_intervals(model: Any, spend_model: Any, summary: pd.DataFrame, *, horizon: float = 52,
                        step: float = 4, n_draws: int = 100, level: float = 0.90, rng: Any = None,
                        **clv_kwargs: Any) -> pd.DataFrame:
    """Parametric-bootstrap intervals for total expected purchases and total (and mean) CLV.

    Each draw takes the log-parameters of both models from the asymptotic normal of the MLE
    (inverse Hessian), then recomputes the predictions: no refit, so 100 draws take about a
    second on CDNOW. It reflects estimation uncertainty only (not the customers' own
    randomness). Returns the point value and the interval of each quantity; the draws of
    per-customer CLV are in ``result.attrs["clv_draws"]`` (customers x draws).

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> s = load_cdnow_summary()
    >>> bg, gg = fit_bgnbd(s), fit_gamma_gamma(s[s["frequency"] > 0])
    >>> out = bootstrap_intervals(bg, gg, s, n_draws=20, rng=1)
    >>> bool((out["lower"] < out["point"]).all() and (out["point"] < out["upper"]).all())
    True
    """
    if _kind(model) == "gg" or _kind(spend_model) != "gg":
        raise TypeError("pass a BG/NBD or Pareto/NBD model as model and a Gamma-Gamma model as spend_model")
    if int(n_draws) < 2:
        raise ValueError(f"n_draws must be at least 2, got {n_draws!r}")
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, e.g. 0.90, got {level!r}")
    s = _check_summary(summary, spend=True)
    gen = as_rng(rng)
    kw = dict(horizon=horizon, step=step, **clv_kwargs)
    point_clv = discounted_clv(model, spend_model, s, **kw)
    point_x = customer_predictions(model, s, horizon)["expected_purchases"]
    draws_m = _draw_params(model, int(n_draws), gen)
    draws_g = _draw_params(spend_model, int(n_draws), gen)
    clv, tot_x = np.empty((len(s), int(n_draws))), np.empty(int(n_draws))
    for i in range(int(n_draws)):
        m, g = copy.copy(model), copy.copy(spend_model)
        m.params_, g.params_ = draws_m[i], draws_g[i]
        clv[:, i] = discounted_clv(m, g, s, **kw).to_numpy()
        tot_x[i] = customer_predictions(m, s, horizon)["expected_purchases"].sum()
    tail = (1 - level) / 2
    rows = {"total_expected_purchases": (point_x.sum(), tot_x),
            "total_clv": (point_clv.sum(), clv.sum(axis=0)),
            "mean_clv": (point_clv.mean(), clv.mean(axis=0))}
    out = pd.DataFrame({k: [p, np.quantile(d, tail), np.quantile(d, 1 - tail)] for k, (p, d) in rows.items()},
                       index=["point", "lower", "upper"]).T
    out.attrs["clv_draws"] = clv
    return out


def _draw_params(model: Any, n: int, gen: np.random.Generator) -> list[pd.Series]:
    est = model.params_.astype("float64")
    logs = gen.multivariate_normal(np.log(est.to_numpy()), _log_param_cov(model), size=n)
    return [pd.Series(np.exp(row), index=est.index) for row in logs]


# Loaders of the CDNOW sample live in relmkt_lib.datasets; the per-customer log-likelihoods in a
# private module. Both are part of this module's public API.
from ._likelihoods import (  # noqa: E402
    bgnbd_log_likelihood,
    gamma_gamma_log_likelihood,
    pareto_nbd_log_likelihood,
)
from ..datasets import cdnow_sample_split, load_cdnow_sample  # noqa: E402

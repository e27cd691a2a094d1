"""Discounted CLV from a purchase model and a spend model, and its uncertainty.

The uncertainty (:func:`bootstrap_intervals`) is a normal-approximation simulation of the
parameters, not a resampling bootstrap.

Re-exported by :mod:`relmkt_lib.btyd`.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_rng, check_positive
from ..exceptions import NotFittedError
from ._common import RFM_COLUMNS, check_summary
from ._models import GammaGammaModel, _LifetimesModel, _PurchaseModel

__all__ = ["discounted_clv", "bootstrap_intervals", "BootstrapResult"]

#: Relative tolerance when checking that the horizon is a whole number of steps.
STEP_TOLERANCE = 1e-9
#: With ``progress=True``, a progress line is printed about every this share of the draws.
PROGRESS_SHARE = 0.05


@dataclass(frozen=True)
class BootstrapResult:
    """What :func:`bootstrap_intervals` returns: read its fields, or unpack it in this order.

    Attributes
    ----------
    intervals : DataFrame
        One row per quantity (``total_expected_purchases``, ``total_clv``, ``mean_clv``);
        columns ``point``, ``lower``, ``upper``.
    clv_draws : DataFrame
        Per-customer CLV of every draw: customers (the summary's index) x draws.
    """

    intervals: pd.DataFrame
    clv_draws: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """``intervals, clv_draws = bootstrap_intervals(...)``."""
        return iter((self.intervals, self.clv_draws))


def _check_models(model: Any, spend_model: Any) -> None:
    if not isinstance(model, _PurchaseModel) or not isinstance(spend_model, GammaGammaModel):
        raise TypeError("pass a BetaGeoModel or ParetoNBDModel as model and a GammaGammaModel as spend_model, "
                        f"not {type(model).__name__} and {type(spend_model).__name__}")


def discounted_clv(model: _PurchaseModel, spend_model: GammaGammaModel, summary: pd.DataFrame, *,
                   horizon: float = 52, step: float = 1, annual_discount_rate: float = 0.10,
                   periods_per_year: float = 52, margin: float = 1.0) -> pd.Series:
    """Discounted expected margin of each customer over the next ``horizon`` time units.

    CLV_i = sum_k margin * E[spend_i] * (E[X_i(k*step)] - E[X_i((k-1)*step)]) / (1 + d)^(k*step),
    k = 1..horizon/step: the purchases of each step are counted, and discounted, at the step's
    end (the first counted step is the next one). E[X_i(t)] is the model's conditional expected
    purchases, E[spend_i] the Gamma-Gamma conditional expected spend and d the rate per time
    unit from the annual rate: (1 + annual_discount_rate)^(1/periods_per_year) - 1, with
    ``periods_per_year`` time units in a year (52 weeks).

    lifetimes' ``customer_lifetime_value(..., time=12, discount_rate=m, freq="W")`` is the case
    ``horizon=12 * 4.345, step=4.345, annual_discount_rate=m, periods_per_year=4.345`` (monthly
    steps of 4.345 weeks; ``m`` is then lifetimes' monthly rate; no margin); a test checks that
    the two agree.

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> from relmkt_lib.btyd import BetaGeoModel, GammaGammaModel
    >>> s = load_cdnow_summary()
    >>> bg, gg = BetaGeoModel().fit(s), GammaGammaModel().fit(s[s["frequency"] > 0])
    >>> clv = discounted_clv(bg, gg, s, horizon=52, margin=0.3)
    >>> round(float(clv.loc[1]), 2)
    11.02
    """
    _check_models(model, spend_model)
    s = check_summary(summary, columns=(*RFM_COLUMNS, "monetary_value"))
    h, st = check_positive(horizon, "horizon"), check_positive(step, "step")
    n = int(round(h / st))
    if n < 1 or abs(n * st - h) > STEP_TOLERANCE * h:
        raise ValueError(f"horizon ({horizon}) must be a whole number of steps ({step})")
    rate = check_positive(annual_discount_rate, "annual_discount_rate", allow_zero=True)
    d = (1 + rate) ** (1 / check_positive(periods_per_year, "periods_per_year")) - 1
    spend = spend_model.expected_spend(s).to_numpy()
    cum = _cumulative_purchases(model, s, st * np.arange(n + 1))
    disc = (1 + d) ** -(st * np.arange(1, n + 1))
    clv = float(margin) * spend * (np.diff(cum, axis=1) @ disc)
    return pd.Series(clv, index=s.index, name="clv")


def _cumulative_purchases(model: _PurchaseModel, s: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    args = [s[c].to_numpy(dtype="float64") for c in RFM_COLUMNS]
    out = np.zeros((len(s), len(times)))
    for j, t in enumerate(times):
        if t > 0:
            out[:, j] = model._purchases(t, *args)
    return out


def bootstrap_intervals(model: _PurchaseModel, spend_model: GammaGammaModel, summary: pd.DataFrame, *,
                        horizon: float = 52, step: float = 4, annual_discount_rate: float = 0.10,
                        periods_per_year: float = 52, margin: float = 1.0, n_draws: int = 100,
                        level: float = 0.90, rng: Any = None, progress: bool = False) -> BootstrapResult:
    """Intervals for total expected purchases and total (and mean) CLV, by a normal-approximation
    simulation of parameter uncertainty.

    Each draw takes the log-parameters of both models from the asymptotic normal of the MLE
    (their ``log_param_cov_``, the inverse Hessian), then recomputes the predictions. No data are
    simulated or resampled and nothing is refitted, so this is not a bootstrap in the strict sense
    (that would resample customers and refit each time): it is a Monte Carlo over the normal
    approximation, cheap (100 draws take about a second on CDNOW); with many customers both
    approximate the same sampling distribution of the estimates. The name
    ``bootstrap_intervals`` is kept so code written against earlier versions keeps working. It
    reflects estimation uncertainty only (not the customers' own randomness). The CLV arguments
    are those of :func:`discounted_clv` (``step`` is 4 here by default, for speed); the expected
    purchases are over the same ``horizon``. Each draw costs one evaluation of the expected
    purchases per step for every customer: on a large base, a longer ``step`` (13 weeks: a
    quarter) or fewer draws keeps it fast.

    With ``progress=True`` a line ``bootstrap draws: i/n`` is printed to standard error after
    about every 5 % of the draws (the ``relmkt`` command turns these lines into a progress bar).

    Returns
    -------
    BootstrapResult
        ``intervals`` (point value and interval of each quantity) and ``clv_draws``
        (per-customer CLV, customers x draws).

    Examples
    --------
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> from relmkt_lib.btyd import BetaGeoModel, GammaGammaModel
    >>> s = load_cdnow_summary()
    >>> bg, gg = BetaGeoModel().fit(s), GammaGammaModel().fit(s[s["frequency"] > 0])
    >>> intervals, draws = bootstrap_intervals(bg, gg, s, n_draws=20, rng=1)
    >>> bool((intervals["lower"] < intervals["point"]).all() and (intervals["point"] < intervals["upper"]).all())
    True
    >>> draws.shape
    (2357, 20)
    """
    _check_models(model, spend_model)
    if int(n_draws) < 2:
        raise ValueError(f"n_draws must be at least 2, got {n_draws!r}")
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, e.g. 0.90, got {level!r}")
    s = check_summary(summary, columns=(*RFM_COLUMNS, "monetary_value"))
    gen = as_rng(rng)
    kw = dict(horizon=horizon, step=step, annual_discount_rate=annual_discount_rate,
              periods_per_year=periods_per_year, margin=margin)
    point_clv = discounted_clv(model, spend_model, s, **kw)
    point_x = model.expected_purchases(s, horizon=horizon)
    n = int(n_draws)
    draws_m, draws_g = _draw_params(model, n, gen), _draw_params(spend_model, n, gen)
    clv, tot_x = np.empty((len(s), n)), np.empty(n)
    every = max(1, int(round(n * PROGRESS_SHARE)))
    for i in range(n):
        m, g = copy.copy(model), copy.copy(spend_model)
        m.params_, g.params_ = draws_m[i], draws_g[i]
        clv[:, i], tot_x[i] = _clv_and_total(m, g, s, **kw)
        if progress and ((i + 1) % every == 0 or i + 1 == n):
            print(f"bootstrap draws: {i + 1}/{n}", file=sys.stderr, flush=True)
    tail = (1 - level) / 2
    rows = {"total_expected_purchases": (point_x.sum(), tot_x),
            "total_clv": (point_clv.sum(), clv.sum(axis=0)),
            "mean_clv": (point_clv.mean(), clv.mean(axis=0))}
    intervals = pd.DataFrame({k: [p, np.quantile(d, tail), np.quantile(d, 1 - tail)] for k, (p, d) in rows.items()},
                             index=["point", "lower", "upper"]).T
    draws = pd.DataFrame(clv, index=s.index, columns=pd.RangeIndex(n, name="draw"))
    return BootstrapResult(intervals, draws)


def _clv_and_total(model: _PurchaseModel, spend_model: GammaGammaModel, s: pd.DataFrame, *, horizon: float,
                   step: float, annual_discount_rate: float, periods_per_year: float,
                   margin: float) -> tuple[np.ndarray, float]:
    """One draw: the per-customer CLV of :func:`discounted_clv` and the total expected purchases over
    ``horizon``, read from the same cumulative purchases (the last step ends at ``horizon``)."""
    n = int(round(horizon / step))
    d = (1 + annual_discount_rate) ** (1 / periods_per_year) - 1
    times = step * np.arange(n + 1)
    times[-1] = horizon
    cum = _cumulative_purchases(model, s, times)
    disc = (1 + d) ** -(step * np.arange(1, n + 1))
    spend = spend_model.expected_spend(s).to_numpy()
    return float(margin) * spend * (np.diff(cum, axis=1) @ disc), float(cum[:, -1].sum())


def _draw_params(model: _LifetimesModel, n: int, gen: np.random.Generator) -> list[pd.Series]:
    if "log_param_cov_" not in model.__dict__:
        raise NotFittedError(f"bootstrap_intervals needs a fitted {type(model).__name__} (its log_param_cov_); "
                             "call .fit(summary) first")
    est = model.params_.astype("float64")
    cov = model.log_param_cov_.loc[est.index, est.index].to_numpy()
    logs = gen.multivariate_normal(np.log(est.to_numpy()), cov, size=n)
    return [pd.Series(np.exp(row), index=est.index, name=est.name) for row in logs]

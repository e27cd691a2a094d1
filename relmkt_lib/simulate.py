"""Seeded generators with known ground truth.

Each generator draws customers from a published model, so a notebook (or a test) can fit the
model to the simulated data and compare the estimates with the truth:

- ``simulate_noncontractual``: the BG/NBD (Fader, Hardie & Lee 2005) or the Pareto/NBD
  (Schmittlein, Morrison & Colombo 1987) purchase process, optionally with Gamma-Gamma spend;
- ``simulate_contractual``: the shifted-beta-geometric (sBG) model of Fader & Hardie (2007), whose
  closed-form survival :func:`relmkt_lib.contractual.sbg_survival` (re-exported here) it checks;
- ``simulate_campaign``: a randomised campaign test with a known true lift (in ``_campaign``);
- ``build_boreal`` and ``build_subscriptions``: the builders of the kit's synthetic datasets
  (``datasets/boreal`` and ``datasets/subscriptions``), re-exported from :mod:`relmkt_lib.datasets`.

Every generator takes ``rng`` (None, an int seed or a ``numpy.random.Generator``) and never
touches numpy's global random state.

Time units: dates are calendar days, but the rate parameters of the purchase models are per
**week**, as in the papers (CDNOW is analysed in weeks): ``r / alpha`` is the mean number of
purchases per week of an alive customer.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. Journal of Marketing Research 42(4), 415-430.
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
Interactive Marketing 21(1), 76-90.
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your customers: who are
they and what will they do next? Management Science 33(1), 1-24.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from ._campaign import simulate_campaign
from ._checks import as_rng, check_positive, removed_keywords
from .contractual import sbg_survival
from .datasets import (
    BOREAL_SEED,
    BOREAL_TRUTH,
    SUBSCRIPTIONS_SEED,
    SUBSCRIPTIONS_TRUTH,
    build_boreal,
    build_subscriptions,
)

__all__ = [
    "BGNBDParams",
    "ParetoNBDParams",
    "GammaGammaParams",
    "NoncontractualSimulation",
    "ContractualSimulation",
    "simulate_noncontractual",
    "simulate_contractual",
    "simulate_campaign",
    "sbg_survival",
    "build_boreal",
    "build_subscriptions",
    "BOREAL_SEED",
    "BOREAL_TRUTH",
    "SUBSCRIPTIONS_SEED",
    "SUBSCRIPTIONS_TRUTH",
]


#: Days in a week: the models' rates are per week, the log's dates are days.
DAYS_PER_WEEK = 7.0
#: Floors that keep the samplers defined: a dropout probability, a dropout rate and an amount (cents).
MIN_PROBABILITY = 1e-12
MIN_RATE = 1e-300
MIN_AMOUNT = 0.01


class _Params:
    """Mixin: every field must be a finite number > 0 (checked at construction)."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, bool):
                raise TypeError(f"{type(self).__name__}.{f.name} must be a number, not {value!r}")
            check_positive(value, f"{type(self).__name__}.{f.name}")


@dataclass(frozen=True)
class BGNBDParams(_Params):
    """BG/NBD parameters (Fader, Hardie & Lee 2005); rates per week.

    Purchase rate ``lambda ~ Gamma(shape=r, rate=alpha)``; after each repeat purchase the
    customer drops out with probability ``p ~ Beta(a, b)``.

    >>> BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426).r
    0.243
    """

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class ParetoNBDParams(_Params):
    """Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987); rates per week.

    Purchase rate ``lambda ~ Gamma(shape=r, rate=alpha)``; exponential lifetime with dropout
    rate ``mu ~ Gamma(shape=s, rate=beta)``.

    >>> ParetoNBDParams(r=0.553, alpha=10.578, s=0.606, beta=11.669).s
    0.606
    """

    r: float
    alpha: float
    s: float
    beta: float


@dataclass(frozen=True)
class GammaGammaParams(_Params):
    """Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005, "RFM and CLV").

    Each customer's ``nu ~ Gamma(shape=q, rate=gamma)``; each transaction's value
    ``z ~ Gamma(shape=p, rate=nu)``, so a customer's true mean spend is ``p / nu`` and the
    population mean is ``p * gamma / (q - 1)`` (finite when ``q > 1``).

    >>> round(GammaGammaParams(p=6.25, q=3.74, gamma=15.44).population_mean_spend(), 2)
    35.22
    """

    p: float
    q: float
    gamma: float

    def population_mean_spend(self) -> float:
        """Mean spend per transaction across customers, ``p * gamma / (q - 1)``."""
        if self.q <= 1:
            raise ValueError(f"the mean spend is infinite when q <= 1 (q={self.q}); use q > 1")
        return self.p * self.gamma / (self.q - 1)


@dataclass(frozen=True, repr=False)
class NoncontractualSimulation:
    """Result of ``simulate_noncontractual``.

    Attributes
    ----------
    transactions : DataFrame
        ``customer_id``, ``date`` (datetime64[ns]) and, with ``spend``, ``amount``.
    customers : DataFrame
        The truth per customer: ``customer_id``, ``first_purchase``, ``lambda`` (purchases per
        week while alive), ``p`` (BG/NBD) or ``mu`` (Pareto/NBD), ``alive`` at the end of
        observation, ``T_weeks`` (weeks observed since the first purchase) and, with ``spend``,
        ``mean_spend`` (``p / nu``).
    params, spend : the parameter records used.
    observation_end : Timestamp, the last observed day (inclusive), as ``observation_end`` everywhere
        in the kit: pass it to :func:`relmkt_lib.data.summarize_transactions`. ``T_weeks`` is the
        model's continuous exposure, to the *end* of that day; the summary's ``T`` (lifetimes'
        convention) counts whole days from the first purchase day to that day, 1/7 week less.
    """

    transactions: pd.DataFrame
    customers: pd.DataFrame
    params: BGNBDParams | ParetoNBDParams
    spend: GammaGammaParams | None
    observation_end: pd.Timestamp

    def __repr__(self) -> str:
        return (f"NoncontractualSimulation({len(self.customers):,} customers, "
                f"{len(self.transactions):,} transactions, params={self.params}, spend={self.spend}, "
                f"observation_end={self.observation_end.date()})")


@dataclass(frozen=True, repr=False)
class ContractualSimulation:
    """Result of ``simulate_contractual``.

    ``customers``: ``customer_id``, ``theta`` (churn probability per period),
    ``periods_survived`` (renewals made, censored at ``n_periods``) and ``churned`` (bool, lost
    within the horizon). ``active_counts``: ``period`` 0..n_periods and ``active`` (customers
    still active; period 0 holds the cohort size), the input of an sBG ``fit``.
    """

    customers: pd.DataFrame
    active_counts: pd.DataFrame
    alpha: float
    beta: float

    def __repr__(self) -> str:
        n_periods = len(self.active_counts) - 1
        return (f"ContractualSimulation({len(self.customers):,} customers, {n_periods} periods, "
                f"alpha={self.alpha}, beta={self.beta})")


def _check_n(n: Any, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, not {n!r}; pass for example {name}=1000")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return int(n)


def _purchase_days(rng: np.random.Generator, params: BGNBDParams | ParetoNBDParams, lam: np.ndarray,
                   T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Repeat purchases of each customer: (owner, day offset after acquisition, alive, truth columns)."""
    n = lam.size
    truth: dict[str, np.ndarray] = {}
    if isinstance(params, BGNBDParams):
        p = rng.beta(params.a, params.b, n)
        # Repeat purchases made before dropping out (dropout after the K-th): K ~ Geometric(p).
        k_max = rng.geometric(np.clip(p, MIN_PROBABILITY, 1.0))
        n_poisson = rng.poisson(lam * T)
        n_repeat = np.minimum(n_poisson, k_max)
        alive = n_poisson < k_max
        horizon = T
        truth["p"] = p
    else:
        mu = rng.gamma(params.s, 1.0 / params.beta, n)
        lifetime = rng.exponential(1.0 / np.maximum(mu, MIN_RATE))
        horizon = np.minimum(lifetime, T)
        n_poisson = rng.poisson(lam * horizon)
        n_repeat = n_poisson
        alive = lifetime > T
        truth["mu"] = mu
    # Purchase times: the first n_repeat order statistics of n_poisson uniforms on [0, horizon).
    owner = np.repeat(np.arange(n), n_poisson)
    u = rng.random(owner.size) * horizon[owner]
    order = np.lexsort((u, owner))
    owner, u = owner[order], u[order]
    rank = np.arange(owner.size) - np.repeat(np.cumsum(n_poisson) - n_poisson, n_poisson)
    keep = rank < n_repeat[owner]
    owner, u = owner[keep], u[keep]
    return owner, np.floor(u * DAYS_PER_WEEK).astype(np.int64), alive, truth


@removed_keywords(start="acquisition_start='2024-01-01' (the first acquisition day)")
def simulate_noncontractual(
    n_customers: int,
    params: BGNBDParams | ParetoNBDParams,
    *,
    acquisition_start: str | pd.Timestamp = "2024-01-01",
    acquisition_days: int = 84,
    observation_days: int = 546,
    rng: None | int | np.random.Generator = None,
    spend: GammaGammaParams | None = None,
) -> NoncontractualSimulation:
    """Simulate a non-contractual customer base with known parameters.

    Customers are acquired on days drawn uniformly among the ``acquisition_days`` days from
    ``acquisition_start``; each makes a first purchase on the acquisition day (the model's time
    0), then buys as a Poisson process at rate ``lambda`` (per week) while alive. The model is
    picked by the type of ``params``: ``BGNBDParams`` (dropout with probability ``p`` after each
    repeat purchase) or ``ParetoNBDParams`` (exponential lifetime at rate ``mu`` per week).
    Observation covers ``observation_days`` days from ``acquisition_start``, so its last day
    (``observation_end``, inclusive) is ``acquisition_start + observation_days - 1``. Purchase
    times are continuous and reported as the day they fall on, so a repeat purchase can share
    its day with another.

    Parameters
    ----------
    n_customers : int
        Number of customers.
    params : BGNBDParams or ParetoNBDParams
        Rates per week.
    acquisition_start : str or Timestamp
        First acquisition day.
    acquisition_days, observation_days : int
        Length of the acquisition window and of the whole observation (from
        ``acquisition_start``), in days; ``observation_days`` must exceed ``acquisition_days``.
    rng : None, int or numpy.random.Generator
    spend : GammaGammaParams, optional
        If given, each transaction gets an ``amount`` drawn from the Gamma-Gamma model,
        rounded to cents.

    Returns
    -------
    NoncontractualSimulation

    Examples
    --------
    >>> sim = simulate_noncontractual(500, BGNBDParams(0.25, 4.0, 0.8, 2.5), rng=1,
    ...                               spend=GammaGammaParams(6.0, 4.0, 15.0))
    >>> list(sim.transactions.columns)
    ['customer_id', 'date', 'amount']
    >>> sim.transactions.customer_id.nunique(), sim.observation_end.date()  # 546 days from 2024-01-01
    (500, datetime.date(2025, 6, 29))
    >>> list(sim.customers.columns)
    ['customer_id', 'first_purchase', 'lambda', 'p', 'alive', 'T_weeks', 'mean_spend']
    """
    n = _check_n(n_customers, "n_customers")
    if not isinstance(params, (BGNBDParams, ParetoNBDParams)):
        raise TypeError(
            f"params must be BGNBDParams or ParetoNBDParams, not {type(params).__name__}; "
            "pass for example BGNBDParams(r=0.25, alpha=4.0, a=0.8, b=2.5)"
        )
    if spend is not None and not isinstance(spend, GammaGammaParams):
        raise TypeError(f"spend must be GammaGammaParams or None, not {type(spend).__name__}")
    acq = _check_n(acquisition_days, "acquisition_days")
    obs = _check_n(observation_days, "observation_days")
    if obs <= acq:
        raise ValueError(
            f"observation_days ({obs}) must be larger than acquisition_days ({acq}) so that every "
            "customer is observed after the first purchase"
        )
    try:
        start_day = np.datetime64(pd.Timestamp(acquisition_start).normalize().date(), "D")
    except (TypeError, ValueError):
        raise ValueError(f"acquisition_start must be a date such as '2024-01-01', got {acquisition_start!r}") from None
    rng = as_rng(rng)

    acq_day = np.sort(rng.integers(0, acq, n))
    T = (obs - acq_day) / DAYS_PER_WEEK  # weeks observed after the first purchase
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    owner, offset, alive, truth = _purchase_days(rng, params, lam, T)

    cust = np.concatenate([np.arange(n), owner])
    day = np.concatenate([acq_day, acq_day[owner] + offset])
    order = np.lexsort((day, cust))
    cust, day = cust[order], day[order]
    tx = pd.DataFrame({"customer_id": cust + 1, "date": _dates(start_day, day)})
    customers = pd.DataFrame({"customer_id": np.arange(1, n + 1), "first_purchase": _dates(start_day, acq_day),
                              "lambda": lam, **truth, "alive": alive, "T_weeks": T})
    if spend is not None:
        nu = rng.gamma(spend.q, 1.0 / spend.gamma, n)
        z = rng.gamma(spend.p, 1.0, cust.size) / nu[cust]
        tx["amount"] = np.round(np.maximum(z, MIN_AMOUNT), 2)
        customers["mean_spend"] = spend.p / nu
    last_day = pd.Timestamp(start_day + np.timedelta64(obs - 1, "D"))
    return NoncontractualSimulation(tx, customers, params, spend, last_day)


def _dates(start_day: np.datetime64, day: np.ndarray) -> np.ndarray:
    return (start_day + day.astype("timedelta64[D]")).astype("datetime64[ns]")


def simulate_contractual(
    n_customers: int,
    alpha: float,
    beta: float,
    n_periods: int,
    *,
    rng: None | int | np.random.Generator = None,
) -> ContractualSimulation:
    """Simulate one cohort under the shifted-beta-geometric (sBG) model.

    Each customer has a churn probability ``theta ~ Beta(alpha, beta)`` and, at the end of every
    period, leaves with probability ``theta``: the lifetime is geometric, and the expected share
    still active after ``t`` renewals is ``S(t) = B(alpha, beta + t) / B(alpha, beta)``
    (see ``sbg_survival``).

    Parameters
    ----------
    n_customers : int
        Cohort size (the active count at period 0).
    alpha, beta : float
        Beta parameters of the churn probability (> 0).
    n_periods : int
        Number of renewal periods observed.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ContractualSimulation
        ``active_counts`` is the table an sBG ``fit(active_counts)`` takes.

    Examples
    --------
    >>> sim = simulate_contractual(1000, alpha=0.704, beta=1.182, n_periods=7, rng=2007)
    >>> sim.active_counts.head(3)
       period  active
    0       0    1000
    1       1     628
    2       2     479
    >>> sbg_survival([1, 2], 0.704, 1.182).round(3)  # the expected shares
    array([0.627, 0.474])
    """
    n = _check_n(n_customers, "n_customers")
    alpha = check_positive(alpha, "alpha")
    beta = check_positive(beta, "beta")
    periods = _check_n(n_periods, "n_periods")
    rng = as_rng(rng)
    theta = rng.beta(alpha, beta, n)
    lifetime = rng.geometric(np.clip(theta, MIN_PROBABILITY, 1.0))  # periods until churn, >= 1
    survived = np.minimum(lifetime - 1, periods)
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "theta": theta,
            "periods_survived": survived.astype(np.int64),
            "churned": lifetime <= periods,
        }
    )
    counts = np.bincount(survived, minlength=periods + 1)
    active = counts[::-1].cumsum()[::-1].astype(np.int64)
    table = pd.DataFrame({"period": np.arange(periods + 1), "active": active})
    return ContractualSimulation(customers, table, alpha, beta)

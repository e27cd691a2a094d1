"""Builder of the subscriptions dataset, a fictional Quebec telecom's subscriber base.

Private module: use ``relmkt_lib.datasets.build_subscriptions``. The data card
(``datasets/subscriptions/README.md``) documents the true parameters defined here.

Churn model: each subscriber has a baseline monthly churn probability
``theta0 ~ Beta(alpha_plan, beta_plan)`` (the shifted-beta-geometric model of Fader & Hardie
2007, one (alpha, beta) per plan). Covariates scale the hazard on the complementary log-log
scale: ``theta = 1 - (1 - theta0) ** exp(eta)`` with ``eta = x @ coefficients``, so a baseline
subscriber (annual contract, autopay, no support contact) follows the plan's sBG exactly and
each covariate multiplies the discrete-time hazard's log-survival by ``exp(coefficient)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import as_rng

__all__ = ["SUBSCRIPTIONS_SEED", "SUBSCRIPTIONS_TRUTH", "CUSTOMER_TYPES", "build_subscriptions"]

SUBSCRIPTIONS_SEED = 20210101
SNAPSHOT = pd.Timestamp("2025-12-31")
FIRST_MONTH = pd.Period("2021-01", "M")
N_MONTHS = 60  # start months 2021-01 .. 2025-12

#: True parameters: per-plan sBG baseline and the covariate coefficients of eta.
SUBSCRIPTIONS_TRUTH = {
    "plans": {  # plan: (share, alpha, beta, base monthly price, annual-contract share, mean GB)
        "basic": (0.45, 0.70, 35.0, 34.99, 0.30, 4.0),
        "plus": (0.35, 0.80, 50.0, 54.99, 0.45, 15.0),
        "premium": (0.20, 0.90, 80.0, 79.99, 0.60, 40.0),
    },
    "coefficients": {  # on the complementary log-log scale of the monthly churn probability
        "support_contacts_90d": 0.30,  # per contact
        "contract_monthly": 0.80,      # monthly versus annual contract
        "no_autopay": 0.50,            # autopay off
        "data_usage_gb": 0.0,          # no effect: a distractor
    },
    "launch_share": 0.30,  # share of subscribers in the January 2021 launch cohort
    # The randomised retention test of 2025-12-31 (retention_offer.csv): half of a random sample of
    # the subscribers active that day get the offer; churn is read over the next six renewals.
    # The offer multiplies a subscriber's complementary log-log churn scale by exp(effect), where the
    # effect depends on the segment (first match wins, in this order):
    "retention_offer": {
        "offer": "25 % off the next three monthly bills (January to March 2026)",
        "renewals": 6,            # January to June 2026
        "base_draw": 2.1,         # subscribers simulated per test subscriber (about half are active)
        "offer_share": 0.5,
        "id_start": 10_001,
        "segments": {  # segment: (rule, effect on the cloglog scale)
            "service_trouble": ("support_contacts_90d >= 2", 0.2),
            "inert_annual": ("annual contract, autopay and data use below half the plan's mean", 0.6),
            "price_sensitive": ("monthly contract", -1.2),
            "other": ("everyone else", -0.2),
        },
    },
}
#: The four customer types of a retention offer (potential outcomes: churn without / with the offer).
CUSTOMER_TYPES = {
    "persuadable": "leaves without the offer, stays with it",
    "sure_thing": "stays either way",
    "lost_cause": "leaves either way",
    "sleeping_dog": "stays without the offer, leaves with it",
}
_REGIONS = ["Montréal", "Montérégie", "Capitale-Nationale", "Laurentides", "Lanaudière",
            "Estrie", "Outaouais", "Mauricie", "Saguenay–Lac-Saint-Jean", "Bas-Saint-Laurent"]
_REGION_P = [0.27, 0.17, 0.12, 0.10, 0.07, 0.07, 0.06, 0.05, 0.05, 0.04]


def build_subscriptions(*, n_customers: int = 5000, n_offer: int = 20_000,
                        rng: None | int | np.random.Generator = None) -> dict[str, pd.DataFrame]:
    """Build the subscriptions tables (see ``datasets/subscriptions/README.md``).

    Parameters
    ----------
    n_customers : int
        Number of subscribers who started between January 2021 and December 2025.
    n_offer : int
        Number of active subscribers in the randomised retention test of 2025-12-31 (another
        sample of the same base; 0 leaves the test out). The other tables do not depend on it.
    rng : None, int or numpy.random.Generator
        The shipped dataset uses ``rng=SUBSCRIPTIONS_SEED``.

    Returns
    -------
    dict of DataFrames
        ``subscribers`` (one row per subscriber, observed on 2025-12-31), ``cohort_counts``
        (per plan and start month, the subscribers still active ``month`` months after the
        start, for the months observed for the whole cohort) and ``subscriber_truth``
        (``theta0``, the baseline churn probability, and ``theta``, after the covariates);
        with ``n_offer``, ``retention_offer`` (the randomised test: profile, ``offer``, ``churned``
        within six renewals) and ``retention_offer_truth`` (each subscriber's churn probability
        with and without the offer, both potential outcomes and the customer type).

    Examples
    --------
    >>> tables = build_subscriptions(n_customers=200, n_offer=0, rng=1)
    >>> tables["subscribers"].shape
    (200, 13)
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) or n_customers < 10:
        raise ValueError(f"n_customers must be a whole number >= 10, got {n_customers!r}")
    if isinstance(n_offer, bool) or not isinstance(n_offer, (int, np.integer)) or not (n_offer == 0 or n_offer >= 100):
        raise ValueError(f"n_offer must be 0 (no retention test) or a whole number >= 100, got {n_offer!r}")
    rng = as_rng(rng)
    subscribers, truth_df = _simulate_base(rng, int(n_customers))
    tables = {"subscribers": subscribers, "cohort_counts": _cohort_counts(subscribers),
              "subscriber_truth": truth_df}
    if n_offer:
        # drawn after the base, from the same generator: the tables above do not depend on n_offer
        tables.update(_retention_offer(rng, int(n_offer)))
    return tables


def _simulate_base(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subscribers started 2021-2025 and observed on the snapshot, with their true churn probabilities."""
    truth = SUBSCRIPTIONS_TRUTH
    names = list(truth["plans"])
    spec = np.array([truth["plans"][p] for p in names])
    plan = rng.choice(len(names), n, p=spec[:, 0])

    launch = rng.random(n) < truth["launch_share"]
    month = np.where(launch, 0, rng.integers(1, N_MONTHS, n))
    start = (pd.PeriodIndex.from_ordinals(month + FIRST_MONTH.ordinal, freq="M").to_timestamp()
             + pd.to_timedelta(rng.integers(0, 28, n), unit="D"))
    monthly = rng.random(n) >= spec[plan, 4]
    method = rng.choice(np.array(["credit_card", "bank_debit", "invoice"]), n, p=[0.50, 0.35, 0.15])
    autopay = (method != "invoice") & (rng.random(n) < 0.75)
    support = rng.poisson(rng.gamma(1.0, 0.7, n))
    usage = np.round(rng.gamma(3.0, spec[plan, 5] / 3.0), 1)
    addon = rng.choice(np.array([0.0, 5.0, 10.0]), n, p=[0.6, 0.25, 0.15])

    theta0 = rng.beta(spec[plan, 1], spec[plan, 2])
    coef = truth["coefficients"]
    eta = (coef["support_contacts_90d"] * support + coef["contract_monthly"] * monthly
           + coef["no_autopay"] * ~autopay + coef["data_usage_gb"] * usage)
    theta = -np.expm1(np.exp(eta) * np.log1p(-np.minimum(theta0, 1 - 1e-12)))
    lifetime = rng.geometric(np.clip(theta, 1e-12, 1.0))  # months until the cancellation

    # Renewals observed by the snapshot: the largest m with start + m months <= snapshot.
    start_month = pd.PeriodIndex(start, freq="M").asi8
    snap = pd.Period(SNAPSHOT, "M").ordinal
    observed = snap - start_month - (start.day.to_numpy() > SNAPSHOT.day)
    cancelled = lifetime <= observed
    tenure = np.where(cancelled, lifetime, observed)
    # The cancellation takes effect on the renewal date: start + lifetime months (days 1-28).
    cancel_month = pd.PeriodIndex.from_ordinals(start_month + np.where(cancelled, lifetime, 0), freq="M")
    cancel = (cancel_month.to_timestamp() + pd.to_timedelta(start.day.to_numpy() - 1, unit="D"))
    cancel = pd.Series(cancel.astype("datetime64[ns]")).where(cancelled)

    subscribers = pd.DataFrame({
        "customer_id": np.arange(1, n + 1),
        "plan": np.asarray(names)[plan],
        "start_date": start.astype("datetime64[ns]"),
        "contract": np.where(monthly, "monthly", "annual"),
        "monthly_charge": np.round(spec[plan, 3] + addon, 2),
        "data_usage_gb": usage,
        "support_contacts_90d": support.astype(np.int64),
        "payment_method": method,
        "autopay": autopay,
        "region": rng.choice(_REGIONS, n, p=_REGION_P),
        "tenure_months": tenure.astype(np.int64),
        "cancelled": cancelled,
        "cancel_date": cancel.to_numpy(),
    })
    truth_df = pd.DataFrame({"customer_id": subscribers["customer_id"], "theta0": theta0, "theta": theta})
    order = np.lexsort((np.arange(n), subscribers["start_date"].to_numpy()))
    subscribers = subscribers.iloc[order].reset_index(drop=True)
    truth_df = truth_df.iloc[order].reset_index(drop=True)
    subscribers["customer_id"] = truth_df["customer_id"] = np.arange(1, n + 1)
    return subscribers, truth_df


def _retention_offer(rng: np.random.Generator, n_offer: int) -> dict[str, pd.DataFrame]:
    """The randomised retention test: a sample of active subscribers, half offered, churn over six renewals.

    Each subscriber's two potential outcomes come from one uniform draw ``u`` (common random
    numbers): the lifetime without the offer is the geometric inverse of ``u`` at ``theta``, with
    the offer at ``theta_offer``. So a subscriber whose churn probability the offer lowers is a
    persuadable if ``p_offer <= u < p_control``, and one whose probability it raises is a sleeping
    dog if ``p_control <= u < p_offer``; the rest are sure things or lost causes.
    """
    spec = SUBSCRIPTIONS_TRUTH["retention_offer"]
    base, truth = _simulate_base(rng, int(np.ceil(spec["base_draw"] * n_offer)))
    active = ~base["cancelled"].to_numpy()
    if active.sum() < n_offer:  # pragma: no cover - the base draw leaves a wide margin
        raise RuntimeError("too few active subscribers drawn for the retention test")
    keep = np.sort(rng.choice(np.flatnonzero(active), n_offer, replace=False))
    subs = base.iloc[keep].reset_index(drop=True)
    theta = truth["theta"].to_numpy()[keep]
    plan_mean_gb = subs["plan"].map({p: v[5] for p, v in SUBSCRIPTIONS_TRUTH["plans"].items()}).to_numpy()
    monthly = (subs["contract"] == "monthly").to_numpy()
    autopay = subs["autopay"].to_numpy(bool)
    trouble = subs["support_contacts_90d"].to_numpy() >= 2
    inert = ~monthly & autopay & (subs["data_usage_gb"].to_numpy() < 0.5 * plan_mean_gb)
    effects = {k: v[1] for k, v in spec["segments"].items()}
    segment = np.select([trouble, inert, monthly], ["service_trouble", "inert_annual", "price_sensitive"],
                        default="other")
    effect = pd.Series(segment).map(effects).to_numpy(float)
    log_keep = np.log1p(-np.minimum(theta, 1 - 1e-12))
    theta_offer = -np.expm1(np.exp(effect) * log_keep)
    renewals = spec["renewals"]
    p_control = -np.expm1(renewals * log_keep)
    p_offer = -np.expm1(renewals * np.log1p(-np.minimum(theta_offer, 1 - 1e-12)))
    u = rng.random(n_offer)
    # geometric lifetimes by inversion of the same uniform: the first renewal at which the subscriber leaves
    life_control = np.ceil(np.log1p(-u) / log_keep).astype(np.int64)
    life_offer = np.ceil(np.log1p(-u) / np.log1p(-np.minimum(theta_offer, 1 - 1e-12))).astype(np.int64)
    churn_control = life_control <= renewals
    churn_offer = life_offer <= renewals
    kind = np.select([churn_control & ~churn_offer, ~churn_control & ~churn_offer, churn_control & churn_offer],
                     ["persuadable", "sure_thing", "lost_cause"], default="sleeping_dog")
    n_treated = int(round(spec["offer_share"] * n_offer))
    offer = np.zeros(n_offer, bool)
    offer[rng.permutation(n_offer)[:n_treated]] = True
    life = np.where(offer, life_offer, life_control)
    churned = life <= renewals
    day = subs["start_date"].dt.day.to_numpy()
    months = pd.Period(SNAPSHOT, "M").ordinal + np.where(churned, life, 0)
    cancel = (pd.PeriodIndex.from_ordinals(months, freq="M").to_timestamp()
              + pd.to_timedelta(day - 1, unit="D"))
    ids = spec["id_start"] + np.arange(n_offer)
    test = subs.drop(columns=["customer_id", "cancelled", "cancel_date"]).assign(
        offer=offer, churned=churned,
        cancel_date=pd.Series(cancel.astype("datetime64[ns]")).where(churned).to_numpy())
    test.insert(0, "customer_id", ids)
    truth_df = pd.DataFrame({
        "customer_id": ids, "segment": segment, "theta": theta, "theta_offer": theta_offer,
        "p_churn_control": p_control, "p_churn_offer": p_offer, "effect": p_offer - p_control,
        "churn_if_control": churn_control, "churn_if_offer": churn_offer, "customer_type": kind,
    })
    return {"retention_offer": test, "retention_offer_truth": truth_df}


def _cohort_counts(subs: pd.DataFrame) -> pd.DataFrame:
    """Active subscribers per plan, start month and months since start."""
    cohort = subs["start_date"].dt.to_period("M")
    # Months observed for every member of a start-month cohort: members start on days 1-28,
    # so the renewal ``m`` months after any start in the cohort falls on or before the
    # snapshot (the 31st) whenever the cohort month plus m is not after the snapshot month.
    horizon = pd.Period(SNAPSHOT, "M").ordinal - cohort.array.asi8
    alive_months = subs["tenure_months"].where(subs["cancelled"], np.iinfo(np.int64).max)
    rows = []
    for (plan, period), grp in subs.groupby([subs["plan"], cohort], sort=True):
        h = int(horizon[grp.index[0]])
        months = np.arange(h + 1)
        life = alive_months[grp.index].to_numpy()
        active = (life[None, :] > months[:, None]).sum(axis=1)
        rows.append(pd.DataFrame({"plan": plan, "cohort": period.to_timestamp(), "month": months,
                                  "active": active}))
    out = pd.concat(rows, ignore_index=True)
    out["cohort"] = out["cohort"].astype("datetime64[ns]")
    out["month"] = out["month"].astype(np.int64)
    out["active"] = out["active"].astype(np.int64)
    return out

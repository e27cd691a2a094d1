"""Campaign and relationship metrics: two scorecards for the same customers.

**Transactional** marketing judges each campaign on its own: response rate, conversion rate,
cost per response or per transaction, return on the campaign's cost. **Relationship**
marketing judges what the contact did to the relationship over time: retention, purchases and
value per customer over a horizon, lifetime value. ``campaign_scorecard`` and
``relationship_scorecard`` compute both lenses for the same campaigns and customers; with a
random hold-out control group, *incremental* means treated minus control.

Conventions (all measures):

- Day 0 is the contact date. The **response window** is days 0 to ``window - 1`` (a 21-day
  window ends on day 20); the **horizon** is days 0 to ``horizon_days - 1``.
- A customer is **retained** over the horizon when they buy at least once *after* the response
  window (days ``window`` to ``horizon_days - 1``), so a coupon purchase alone does not count.
- Rates over a zero base (no contacts, no customers) raise ``ValueError`` in the scalar
  functions. In the scorecards a campaign with no response gets NaN for its cost per response,
  and a campaign without a control group gets NaN for every incremental column.
- Margins are ``revenue * margin_rate`` (revenue as paid, after any discount).
- ``lifetime_value`` and ``customer_equity`` are the formulas of :mod:`relmkt_lib.clv` (called or
  re-exported here): each formula is written once. The table-based measures live in two private
  partner modules and are re-exported here: ``relmkt_lib._campaign_outcomes`` (``contact_outcomes``,
  ``value_curves``) and ``relmkt_lib._scorecards`` (the two scorecards).

References
----------
Blattberg, R. C., Kim, B.-D. & Neslin, S. A. (2008). *Database Marketing*. Springer.
Gupta, S. & Lehmann, D. R. (2003). Customers as assets. J. Interactive Marketing 17(1), 9-24.
Lo, V. S. Y. (2002). The true lift model. ACM SIGKDD Explorations 4(2), 78-86.
Newcombe, R. G. (1998). Interval estimation for the difference between independent
proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pandas as pd

from ._campaign_outcomes import contact_outcomes, value_curves
from ._checks import check_positive, check_probability
from ._scorecards import campaign_scorecard, relationship_scorecard
from .clv import customer_equity, simple_clv

__all__ = [
    "response_rate", "conversion_rate", "cost_per_contact", "cost_per_response",
    "cost_per_acquisition", "cost_per_transaction", "average_order_value", "campaign_roi",
    "incremental_lift", "retention_rate", "churn_rate", "repeat_purchase_rate",
    "purchase_frequency", "average_lifetime", "value_per_customer", "lifetime_value",
    "customer_equity", "contact_outcomes", "value_curves", "campaign_scorecard",
    "relationship_scorecard",
]


def _count(value: Any, name: str) -> float:
    return check_positive(value, name, allow_zero=True)


def _share(part: Any, whole: Any, part_name: str, whole_name: str) -> float:
    p, w = _count(part, part_name), _count(whole, whole_name)
    if w == 0:
        raise ValueError(f"{whole_name} is 0: a share of nothing is undefined; pass {whole_name} > 0")
    if p > w:
        raise ValueError(f"{part_name} ({part!r}) cannot exceed {whole_name} ({whole!r}); "
                         "check the two counts")
    return p / w


def _per(amount: Any, count: Any, amount_name: str, count_name: str) -> float:
    a, n = _count(amount, amount_name), _count(count, count_name)
    if n == 0:
        raise ValueError(f"{count_name} is 0: {amount_name} per {count_name} is undefined; "
                         f"pass {count_name} > 0")
    return a / n


def response_rate(responses: float, contacts: float) -> float:
    """Share of contacted customers who responded, ``responses / contacts``.

    >>> round(response_rate(470, 1798), 4)
    0.2614
    """
    return _share(responses, contacts, "responses", "contacts")


def conversion_rate(conversions: float, base: float) -> float:
    """Share of a base (contacts, visitors or leads) that bought, ``conversions / base``.

    With a coupon, a response *is* a purchase and the conversion rate equals the response rate;
    in a two-step campaign (ask for a catalogue, then buy) the base is the responders.

    >>> conversion_rate(30, 120)
    0.25
    """
    return _share(conversions, base, "conversions", "base")


def cost_per_contact(cost: float, contacts: float) -> float:
    """Campaign cost per contacted customer. ``cost >= 0``.

    >>> round(cost_per_contact(3208.10, 1798), 4)
    1.7843
    """
    return _per(cost, contacts, "cost", "contacts")


def cost_per_response(cost: float, responses: float) -> float:
    """Campaign cost per response (per responding customer).

    >>> round(cost_per_response(3208.10, 470), 2)
    6.83
    """
    return _per(cost, responses, "cost", "responses")


def cost_per_acquisition(cost: float, new_customers: float) -> float:
    """Campaign cost per new customer acquired.

    >>> round(cost_per_acquisition(11050.0, 300), 2)
    36.83
    """
    return _per(cost, new_customers, "cost", "new_customers")


def cost_per_transaction(cost: float, transactions: float) -> float:
    """Campaign cost per transaction (purchase) it is credited with.

    >>> cost_per_transaction(500.0, 200)
    2.5
    """
    return _per(cost, transactions, "cost", "transactions")


def average_order_value(revenue: float, transactions: float) -> float:
    """Revenue per transaction.

    >>> average_order_value(1250.0, 25)
    50.0
    """
    return _per(revenue, transactions, "revenue", "transactions")


def campaign_roi(revenue: float, cost: float, margin_rate: float) -> float:
    """Return on the campaign's cost, ``(revenue * margin_rate - cost) / cost``.

    0 means the margin just pays for the campaign; -1 means it brought nothing.

    >>> campaign_roi(revenue=10_000, cost=1_000, margin_rate=0.3)
    2.0
    """
    m = check_probability(margin_rate, "margin_rate")
    return (_count(revenue, "revenue") * m - check_positive(cost, "cost")) / float(cost)


def _wilson(x: float, n: float, z: float) -> tuple[float, float]:
    p, z2 = x / n, z * z
    centre, half = (p + z2 / (2 * n)), z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - half) / (1 + z2 / n), (centre + half) / (1 + z2 / n)


def incremental_lift(
    responses_treatment: float,
    n_treatment: float,
    responses_control: float,
    n_control: float,
    *,
    cost: float | None = None,
    confidence: float = 0.95,
    method: str = "newcombe",
) -> pd.Series:
    """The effect of a contact measured against a random control group (Lo 2002).

    The **absolute lift** is ``p_t - p_c`` (treated minus control response rate); its
    confidence interval is Newcombe's (1998, method 10) hybrid score interval, built from the
    two Wilson intervals (``method="newcombe"``, recommended), or the Wald interval
    ``d +/- z sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c)`` (``method="wald"``, poor for small
    counts). The **relative lift** is ``p_t / p_c - 1`` with the Katz log interval for the
    ratio (NaN when either group has no response). **Incremental responses** are
    ``(p_t - p_c) * n_treatment``: the responses the contact caused, not those that would
    have happened anyway.

    Parameters
    ----------
    responses_treatment, n_treatment : float
        Responders and customers in the treated (contacted) group.
    responses_control, n_control : float
        The same in the random hold-out control group.
    cost : float, optional
        Campaign cost, for ``cost_per_incremental_response`` (NaN if the lift is not positive).
    confidence : float, default 0.95
    method : {"newcombe", "wald"}

    Returns
    -------
    Series
        ``rate_treatment``, ``rate_control``, ``absolute_lift``, ``ci_low``, ``ci_high``,
        ``relative_lift``, ``relative_ci_low``, ``relative_ci_high``,
        ``incremental_responses``, ``cost_per_incremental_response`` and ``confidence``.

    Examples
    --------
    >>> lift = incremental_lift(56, 70, 48, 80)   # Newcombe (1998), Table II, example (a)
    >>> lift[["absolute_lift", "ci_low", "ci_high"]].round(4).tolist()
    [0.2, 0.0524, 0.3339]
    """
    p_t = _share(responses_treatment, n_treatment, "responses_treatment", "n_treatment")
    p_c = _share(responses_control, n_control, "responses_control", "n_control")
    conf = check_probability(confidence, "confidence", allow_zero=False, allow_one=False)
    z = NormalDist().inv_cdf(0.5 + conf / 2)
    n_t, n_c, d = float(n_treatment), float(n_control), p_t - p_c
    if method == "newcombe":
        l_t, u_t = _wilson(p_t * n_t, n_t, z)
        l_c, u_c = _wilson(p_c * n_c, n_c, z)
        lo, hi = d - math.hypot(p_t - l_t, u_c - p_c), d + math.hypot(u_t - p_t, p_c - l_c)
    elif method == "wald":
        half = z * math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
        lo, hi = d - half, d + half
    else:
        raise ValueError(f"method must be 'newcombe' or 'wald', not {method!r}")
    rel, rel_lo, rel_hi = math.nan, math.nan, math.nan
    if p_t > 0 and p_c > 0:
        rel = p_t / p_c - 1
        se = math.sqrt(1 / (p_t * n_t) - 1 / n_t + 1 / (p_c * n_c) - 1 / n_c)
        rel_lo, rel_hi = (p_t / p_c) * math.exp(-z * se) - 1, (p_t / p_c) * math.exp(z * se) - 1
    incr = d * n_t
    cpi = math.nan
    if cost is not None:
        c = _count(cost, "cost")
        cpi = c / incr if incr > 0 else math.nan
    return pd.Series({
        "rate_treatment": p_t, "rate_control": p_c, "absolute_lift": d,
        "ci_low": max(lo, -1.0), "ci_high": min(hi, 1.0), "relative_lift": rel,
        "relative_ci_low": rel_lo, "relative_ci_high": rel_hi,
        "incremental_responses": incr, "cost_per_incremental_response": cpi, "confidence": conf,
    }, name="lift")


def retention_rate(retained: float, at_start: float) -> float:
    """Share of the customers active at the start of a period still active at its end.

    >>> round(retention_rate(580, 958), 4)
    0.6054
    """
    return _share(retained, at_start, "retained", "at_start")


def churn_rate(lost: float, at_start: float) -> float:
    """Share of the customers active at the start of a period lost during it (1 - retention).

    >>> churn_rate(25, 100)
    0.25
    """
    return _share(lost, at_start, "lost", "at_start")


def repeat_purchase_rate(repeat_buyers: float, buyers: float) -> float:
    """Share of a period's buyers who bought more than once in it.

    >>> repeat_purchase_rate(12, 48)
    0.25
    """
    return _share(repeat_buyers, buyers, "repeat_buyers", "buyers")


def purchase_frequency(purchases: float, customers: float) -> float:
    """Purchases per customer over a period.

    >>> round(purchase_frequency(2494, 958), 2)
    2.6
    """
    return _per(purchases, customers, "purchases", "customers")


def average_lifetime(churn: float) -> float:
    """Expected lifetime, in periods, under a constant churn rate: ``1 / churn``.

    With churn ``c`` per period a customer's lifetime is geometric: they stay 1 period with
    probability ``c``, 2 with ``(1-c)c``, ... (the period in which they leave counts), so the
    mean is ``1 / c``. A churn of 20 % a year means five years on average.

    >>> average_lifetime(0.2)
    5.0
    """
    return 1.0 / check_probability(churn, "churn", allow_zero=False)


def value_per_customer(revenue: float, customers: float, *, margin_rate: float = 1.0) -> float:
    """Revenue (or margin, with ``margin_rate < 1``) per customer over a horizon.

    >>> round(value_per_customer(205_800, 958, margin_rate=0.4), 2)
    85.93
    """
    return _per(revenue, customers, "revenue", "customers") * check_probability(margin_rate, "margin_rate")


def lifetime_value(margin: float, retention: float, discount_rate: float) -> float:
    """Simple customer lifetime value, ``m r / (1 + d - r)`` (Gupta & Lehmann 2003).

    Timing: the customer is active now; each later period they are still there with
    probability ``r`` per period and bring the margin ``m`` at the **end** of that period,
    discounted at the rate ``d`` per period: ``sum over t >= 1 of m r**t / (1 + d)**t``. The
    current period's margin is not included (add ``m`` to value a customer at the start of a
    period). This is :func:`relmkt_lib.clv.simple_clv` with its defaults (``timing="end"``, no
    horizon); chapter 04 adds finite horizons and the other timing.

    >>> round(lifetime_value(margin=100, retention=0.8, discount_rate=0.1), 2)
    266.67
    """
    return simple_clv(margin, retention, discount_rate)

"""Campaign and relationship metrics: two scorecards for the same customers.

**Transactional** marketing judges each campaign on its own: response rate, conversion rate,
cost per response or per transaction, return on the campaign's cost. **Relationship**
marketing judges what the contact did to the relationship over time: retention, purchases and
value per customer over a horizon, lifetime value. ``campaign_scorecard`` and
``relationship_scorecard`` compute both lenses for the same campaigns and customers, from any
contact log (its columns named by keyword, numeric or text campaign ids, one row per customer
or one row per contact); with a random hold-out control group, *incremental* means treated
minus control. A comparison must say whether its groups were drawn at random
(``randomised=True``): otherwise ``incremental_lift`` and ``relationship_scorecard`` warn
(:class:`relmkt_lib.exceptions.NotRandomisedWarning`) and mark the result, since a difference
between groups that formed themselves is not what the contact caused.

Conventions (all measures):

- Day 0 is the contact date (with one row per contact, the customer's first contact). The
  **response window** is days 0 to ``window - 1`` (a 21-day window ends on day 20); the
  **horizon** is days 0 to ``horizon_days - 1``.
- A customer is **retained** over the horizon when they buy at least once *after* the response
  window (days ``window`` to ``horizon_days - 1``), so a coupon purchase alone does not count.
- The rate and cost functions take single numbers (float out) or aligned arrays or Series
  (one result per row; a Series keeps its index). Counts are whole numbers; True/False, text
  numbers and fractional counts are refused, naming the argument and the first bad value.
- Rates over a zero base (no contacts, no customers) raise ``ValueError`` naming where the zero
  is. In the scorecards a campaign with no response gets NaN for its cost per response, and a
  campaign without a control group gets NaN for every incremental column.
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
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ._campaign_outcomes import contact_outcomes, not_randomised_message, value_curves
from ._checks import check_probability
from ._rates import _combine, _nonzero, _per, _probability, _result, _share, _values, _where
from ._scorecards import campaign_scorecard, relationship_scorecard
from .clv import customer_equity, simple_clv
from .exceptions import NotRandomisedWarning

__all__ = [
    "response_rate", "conversion_rate", "cost_per_contact", "cost_per_response",
    "cost_per_acquisition", "cost_per_transaction", "average_order_value", "campaign_roi",
    "incremental_lift", "retention_rate", "churn_rate", "repeat_purchase_rate",
    "purchase_frequency", "average_lifetime", "value_per_customer", "lifetime_value",
    "customer_equity", "contact_outcomes", "value_curves", "campaign_scorecard",
    "relationship_scorecard",
]


#: Where a comparison's groups come from, as the lift's ``randomised`` entry (a float, so the Series stays numeric).
RANDOMISED, NOT_RANDOMISED = 1.0, 0.0


#: A number, an array or a Series of numbers (the rate functions are vectorised).
Numbers = Any


def response_rate(responses: Numbers, contacts: Numbers) -> Any:
    """Share of contacted customers who responded, ``responses / contacts``.

    Like every rate and cost function of this module, it takes single numbers (and returns a
    float) or aligned arrays or Series (and returns an array, or a Series with the same index):
    one rate per campaign, segment or number of calls. Counts must be whole numbers >= 0;
    True/False, text such as ``'12'`` and fractions such as 2.5 responses are refused with the
    argument, the first bad value and where it is. A zero base is an error naming where it is.

    >>> round(response_rate(470, 1798), 4)
    0.2614
    >>> response_rate(pd.Series([45, 30], index=["mail", "call"]), pd.Series([300, 120], index=["mail", "call"]))
    mail    0.15
    call    0.25
    Name: response_rate, dtype: float64
    """
    return _share(responses, contacts, "responses", "contacts", "response_rate")


def conversion_rate(conversions: Numbers, base: Numbers) -> Any:
    """Share of a base (contacts, visitors or leads) that bought, ``conversions / base``.

    With a coupon, a response *is* a purchase and the conversion rate equals the response rate;
    in a two-step campaign (ask for a catalogue, then buy) the base is the responders.

    >>> conversion_rate(30, 120)
    0.25
    """
    return _share(conversions, base, "conversions", "base", "conversion_rate")


def cost_per_contact(cost: Numbers, contacts: Numbers) -> Any:
    """Campaign cost per contact (per contacted customer, or per call when contacts counts calls). ``cost >= 0``.

    >>> round(cost_per_contact(3208.10, 1798), 4)
    1.7843
    """
    return _per(cost, contacts, "cost", "contacts", "cost_per_contact")


def cost_per_response(cost: Numbers, responses: Numbers) -> Any:
    """Campaign cost per response (per responding customer).

    >>> round(cost_per_response(3208.10, 470), 2)
    6.83
    """
    return _per(cost, responses, "cost", "responses", "cost_per_response")


def cost_per_acquisition(cost: Numbers, new_customers: Numbers) -> Any:
    """Campaign cost per new customer acquired.

    >>> round(cost_per_acquisition(11050.0, 300), 2)
    36.83
    """
    return _per(cost, new_customers, "cost", "new_customers", "cost_per_acquisition")


def cost_per_transaction(cost: Numbers, transactions: Numbers) -> Any:
    """Campaign cost per transaction (purchase) it is credited with.

    >>> cost_per_transaction(500.0, 200)
    2.5
    """
    return _per(cost, transactions, "cost", "transactions", "cost_per_transaction")


def average_order_value(revenue: Numbers, transactions: Numbers) -> Any:
    """Revenue per transaction.

    >>> average_order_value(1250.0, 25)
    50.0
    """
    return _per(revenue, transactions, "revenue", "transactions", "average_order_value")


def campaign_roi(revenue: Numbers, cost: Numbers, margin_rate: Numbers) -> Any:
    """Return on the campaign's cost, ``(revenue * margin_rate - cost) / cost``.

    0 means the margin just pays for the campaign; -1 means it brought nothing. ``cost > 0``.

    >>> campaign_roi(revenue=10_000, cost=1_000, margin_rate=0.3)
    2.0
    """
    _probability(margin_rate, "margin_rate")
    (rev, c, m), index, scalar = _combine((revenue, "revenue", False), (cost, "cost", False),
                                          (margin_rate, "margin_rate", False))
    free = (c == 0).reshape(-1)
    if free.any():
        i = int(np.flatnonzero(free)[0])
        raise ValueError(f"cost must be a finite number > 0, got 0.0{_where(i, index, scalar)}: "
                         "a return on no cost is undefined")
    return _result((rev * m - c) / c, index, scalar, "campaign_roi")


def _wilson(x: float, n: float, z: float) -> tuple[float, float]:
    p, z2 = x / n, z * z
    centre, half = (p + z2 / (2 * n)), z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - half) / (1 + z2 / n), (centre + half) / (1 + z2 / n)


def _lift_count(value: Any, name: str) -> float:
    x, _ = _values(value, name, count=True)
    if x.ndim:
        raise TypeError(f"{name} must be a single number: incremental_lift compares two groups. For several "
                        "comparisons, call it once per comparison and stack the results with "
                        "pd.DataFrame({label: incremental_lift(...), ...}).T")
    return float(x)


def _randomised_flag(randomised: bool | None) -> float:
    """The ``randomised`` entry of a lift; a :class:`NotRandomisedWarning` unless the groups were random."""
    if randomised is True or randomised is np.True_:
        return RANDOMISED
    warnings.warn(not_randomised_message("incremental_lift", randomised, "its 'randomised' entry is 0"),
                  NotRandomisedWarning, stacklevel=3)
    return NOT_RANDOMISED


def incremental_lift(
    responses_treatment: float,
    n_treatment: float,
    responses_control: float,
    n_control: float,
    *,
    randomised: bool | None = None,
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

    That reading holds only when the control group was **drawn at random** from the selected
    customers (a hold-out test): say so with ``randomised=True``. Otherwise (groups that chose
    themselves, such as customers called once vs customers called again) the same numbers are a
    difference between two kinds of customers, not what the contact caused: the function warns
    (:class:`relmkt_lib.exceptions.NotRandomisedWarning`) and its ``randomised`` entry is 0.

    Parameters
    ----------
    responses_treatment, n_treatment : int
        Responders and customers in the treated (contacted) group: whole numbers.
    responses_control, n_control : int
        The same in the control group.
    randomised : bool, optional
        True if the control group was drawn at random; False if not; None (default): not said,
        treated as not randomised (with a warning).
    cost : float, optional
        Campaign cost, for ``cost_per_incremental_response`` (NaN if the lift is not positive).
    confidence : float, default 0.95
    method : {"newcombe", "wald"}

    Returns
    -------
    Series
        ``rate_treatment``, ``rate_control``, ``absolute_lift``, ``ci_low``, ``ci_high``,
        ``relative_lift``, ``relative_ci_low``, ``relative_ci_high``,
        ``incremental_responses``, ``cost_per_incremental_response``, ``confidence`` and
        ``randomised`` (1.0 for a randomised comparison, 0.0 otherwise: a number, so that the
        Series and a table of several lifts stay numeric).

    Examples
    --------
    >>> lift = incremental_lift(56, 70, 48, 80, randomised=True)   # Newcombe (1998), Table II, example (a)
    >>> lift[["absolute_lift", "ci_low", "ci_high"]].round(4).tolist()
    [0.2, 0.0524, 0.3339]
    """
    flag = _randomised_flag(randomised)
    counts = [_lift_count(v, n) for v, n in ((responses_treatment, "responses_treatment"),
                                              (n_treatment, "n_treatment"),
                                              (responses_control, "responses_control"), (n_control, "n_control"))]
    p_t = _share(counts[0], counts[1], "responses_treatment", "n_treatment", "rate")
    p_c = _share(counts[2], counts[3], "responses_control", "n_control", "rate")
    conf = check_probability(confidence, "confidence", allow_zero=False, allow_one=False)
    z = NormalDist().inv_cdf(0.5 + conf / 2)
    n_t, n_c, d = counts[1], counts[3], p_t - p_c
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
        c = float(_values(cost, "cost", count=False)[0])
        cpi = c / incr if incr > 0 else math.nan
    return pd.Series({
        "rate_treatment": p_t, "rate_control": p_c, "absolute_lift": d,
        "ci_low": max(lo, -1.0), "ci_high": min(hi, 1.0), "relative_lift": rel,
        "relative_ci_low": rel_lo, "relative_ci_high": rel_hi,
        "incremental_responses": incr, "cost_per_incremental_response": cpi, "confidence": conf,
        "randomised": flag,
    }, name="lift")


def retention_rate(retained: Numbers, at_start: Numbers) -> Any:
    """Share of the customers active at the start of a period still active at its end.

    >>> round(retention_rate(580, 958), 4)
    0.6054
    """
    return _share(retained, at_start, "retained", "at_start", "retention_rate")


def churn_rate(lost: Numbers, at_start: Numbers) -> Any:
    """Share of the customers active at the start of a period lost during it (1 - retention).

    >>> churn_rate(25, 100)
    0.25
    """
    return _share(lost, at_start, "lost", "at_start", "churn_rate")


def repeat_purchase_rate(repeat_buyers: Numbers, buyers: Numbers) -> Any:
    """Share of a period's buyers who bought more than once in it.

    >>> repeat_purchase_rate(12, 48)
    0.25
    """
    return _share(repeat_buyers, buyers, "repeat_buyers", "buyers", "repeat_purchase_rate")


def purchase_frequency(purchases: Numbers, customers: Numbers) -> Any:
    """Purchases per customer over a period.

    >>> round(purchase_frequency(2494, 958), 2)
    2.6
    """
    return _per(purchases, customers, "purchases", "customers", "purchase_frequency", counted=True)


def average_lifetime(churn: Numbers) -> Any:
    """Expected lifetime, in periods, under a constant churn rate: ``1 / churn``.

    With churn ``c`` per period a customer's lifetime is geometric: they stay 1 period with
    probability ``c``, 2 with ``(1-c)c``, ... (the period in which they leave counts), so the
    mean is ``1 / c``. A churn of 20 % a year means five years on average.

    >>> average_lifetime(0.2)
    5.0
    """
    c, index = _probability(churn, "churn", allow_zero=False)
    return _result(1.0 / c, index, c.ndim == 0, "average_lifetime")


def value_per_customer(revenue: Numbers, customers: Numbers, *, margin_rate: Numbers = 1.0) -> Any:
    """Revenue (or margin, with ``margin_rate < 1``) per customer over a horizon.

    >>> round(value_per_customer(205_800, 958, margin_rate=0.4), 2)
    85.93
    """
    _probability(margin_rate, "margin_rate")
    (a, n, m), index, scalar = _combine((revenue, "revenue", False), (customers, "customers", True),
                                        (margin_rate, "margin_rate", False))
    _nonzero(n, index, scalar, "customers", "revenue per customers")
    return _result(a / n * m, index, scalar, "value_per_customer")


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

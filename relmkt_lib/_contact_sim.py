"""A seeded simulator of a contact policy: how often to e-mail, and with what content (private; partner of
:mod:`relmkt_lib.contact`).

A :class:`ContactPolicy` is what the firm decides: ``contacts_per_period`` (e-mails a month, say) and the
``informative_share`` of them (news, advice, how-to content rather than offers). A :class:`ContactBehaviour`
is how customers react, one parameter per mechanism, each explainable in one sentence:

- **Response.** A promotional e-mail to a fresh customer brings a response (a sale worth
  ``margin_per_response`` dollars of margin) with probability ``base_response`` x the customer's
  responsiveness (Gamma with mean 1 and shape ``response_shape``: customers differ). An informative
  e-mail sells ``informative_response`` times as much *now*.
- **Fatigue.** Every promotional e-mail adds 1 to the customer's fatigue stock, an informative one adds
  ``informative_fatigue``; the stock halves every ``fatigue_half_life`` periods without mail. Response is
  multiplied by ``exp(-fatigue_sensitivity x fatigue)``: the more recent mail, the less each one sells
  (Ansari, Mela & Neslin 2008 find such negative interactions between repeated e-mails).
- **Opt-out.** Each e-mail makes the customer unsubscribe with probability ``optout_base x
  exp(optout_fatigue x fatigue)``: about 0.1 % per send for a rested customer (an industry rule of thumb,
  not research), rising with the recent load (Kumar, Zhang & Luo 2014: marketing intensity drives
  opt-outs). An opt-out ends all later contact.
- **Goodwill.** Every e-mail keeps the brand in mind: a promotional one adds ``promotional_goodwill``
  (0.1) to a goodwill stock, an informative one adds 1; the stock halves every ``goodwill_half_life``
  periods and response is multiplied by ``1 + goodwill_lift x goodwill / (1 + goodwill)``. A customer
  who rarely hears from the firm forgets it (so too few e-mails sell little per e-mail), and useful content
  makes later offers sell better: informative e-mails tire less and lift later response, but sell less now.
- **Money.** Profit = ``margin_per_response`` x responses - ``cost_per_contact`` x e-mails sent.

Time runs in business days: a period holds ``business_days_per_period`` of them (21, a month) and its
e-mails go out evenly spaced. Every customer gets the same calendar (the firm plans it), so the informative
e-mails are spread evenly: with 10 a month and ``informative_share=0.3``, 3 of every 10 are informative.

**The legal window.** CASL gives a firm up to 10 business days to honour an unsubscribe. With
``optout_delay_days=d``, e-mails dated within d business days after the opt-out are still sent (they
cost, sell nothing and cannot opt the customer out again); later ones are not. ``sends_after_optout``
counts them; ``late_sends`` counts those beyond CASL's 10 days (set ``optout_delay_days`` above 10 to see
a firm in breach). The kit teaches the rules and is not legal advice.

**Calibration.** The defaults are set so that profit per customer over 24 months against 0 to 15
promotional e-mails a month is an inverted U with its optimum at 7, and sending 4 or 10 loses about a
third and a sixth of the optimum's profit, as Zhang, Kumar & Cosguner (2017) found (optimum 7 e-mails; 4
or 10 lost about 32 % and 16 % of lifetime profit per customer); ``tests/test_contact_sim.py`` holds the
targets and bands. The other values are assumptions, labelled as such: change them and watch the curve
move. This is a teaching model, not an estimate of any firm's customers.

References
----------
Zhang, X., Kumar, V. & Cosguner, K. (2017). Dynamically managing a profitable email marketing program.
Journal of Marketing Research 54(6), 851-866.
Kumar, V., Zhang, X. & Luo, A. (2014). Modeling customer opt-in and opt-out in a permission-based
marketing context. Journal of Marketing Research 51(4), 403-419.
Ansari, A., Mela, C. F. & Neslin, S. A. (2008). Customer channel migration. Journal of Marketing
Research 45(1), 60-76.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, check_positive, check_probability

__all__ = ["CASL_UNSUBSCRIBE_DAYS", "ContactPolicy", "ContactBehaviour", "ContactPolicyResult",
           "simulate_contact_policy"]

#: Business days CASL allows to honour an unsubscribe (a send after them is a violation).
CASL_UNSUBSCRIBE_DAYS = 10
_LN2 = float(np.log(2.0))


def _whole(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class ContactPolicy:
    """What the firm decides: e-mails per period, the informative share, how fast it honours an opt-out.

    ``contacts_per_period`` (whole number >= 0) e-mails go out evenly spaced in each period of
    ``business_days_per_period`` business days (21: a month); ``informative_share`` of them (0 to 1)
    carry informative content, spread evenly over the calendar; an opt-out stops the e-mails dated
    more than ``optout_delay_days`` business days after it (0: at once; CASL allows up to 10).

    >>> ContactPolicy(7, informative_share=0.3).contacts_per_period
    7
    >>> ContactPolicy(-1)
    Traceback (most recent call last):
    ...
    ValueError: ContactPolicy.contacts_per_period must be a whole number >= 0, got -1
    """

    contacts_per_period: int
    informative_share: float = 0.0
    optout_delay_days: float = 0.0
    business_days_per_period: float = 21.0

    def __post_init__(self) -> None:
        _whole(self.contacts_per_period, "ContactPolicy.contacts_per_period", 0)
        check_probability(self.informative_share, "ContactPolicy.informative_share")
        check_positive(self.optout_delay_days, "ContactPolicy.optout_delay_days", allow_zero=True)
        check_positive(self.business_days_per_period, "ContactPolicy.business_days_per_period")


@dataclass(frozen=True)
class ContactBehaviour:
    """How customers react to e-mail (see the module docstring); rates per contact, half-lives in periods.

    Sources: ``optout_base`` is the industry rule of thumb of about 0.1 % unsubscribes per send (not
    research); ``base_response``, ``fatigue_sensitivity``, ``fatigue_half_life``, ``optout_fatigue``,
    ``promotional_goodwill``, ``goodwill_lift`` and ``cost_per_contact`` are calibrated together to the
    profit curve of Zhang, Kumar & Cosguner (2017) (only their joint shape is pinned down, not each value);
    every other value is an assumption of the kit.

    >>> ContactBehaviour().fatigue_half_life
    0.5
    >>> ContactBehaviour(base_response=1.5)
    Traceback (most recent call last):
    ...
    ValueError: ContactBehaviour.base_response must be a probability in [0, 1], got 1.5
    """

    #: Probability that a promotional e-mail sells, to a rested customer of average responsiveness with no
    #: goodwill (calibrated with ``margin_per_response`` and ``cost_per_contact``).
    base_response: float = 0.005
    #: Gamma shape of the customers' responsiveness (mean 1); larger = more alike (assumption).
    response_shape: float = 2.0
    #: What an informative e-mail sells now, as a share of a promotional one (assumption).
    informative_response: float = 0.3
    #: Periods for the fatigue stock to halve without mail (calibrated).
    fatigue_half_life: float = 0.5
    #: How strongly fatigue cuts response: response x exp(-sensitivity x fatigue) (calibrated).
    fatigue_sensitivity: float = 0.05
    #: Fatigue an informative e-mail adds, a promotional one adding 1 (assumption).
    informative_fatigue: float = 0.3
    #: Opt-out probability per e-mail for a rested customer (industry rule of thumb, about 0.1 %).
    optout_base: float = 0.001
    #: How fast the opt-out probability rises with fatigue: x exp(optout_fatigue x fatigue) (calibrated).
    optout_fatigue: float = 0.3
    #: Goodwill a promotional e-mail adds, an informative one adding 1 (calibrated).
    promotional_goodwill: float = 0.1
    #: Periods for the goodwill stock to halve (assumption).
    goodwill_half_life: float = 3.0
    #: Largest relative rise of response that goodwill brings: up to 1 + lift times (calibrated).
    goodwill_lift: float = 2.0
    #: Dollars of margin per response (assumption).
    margin_per_response: float = 12.0
    #: Dollars per e-mail sent, content and tools included (calibrated).
    cost_per_contact: float = 0.055

    def __post_init__(self) -> None:
        for name in ("base_response", "informative_response", "optout_base"):
            check_probability(getattr(self, name), f"ContactBehaviour.{name}")
        for name in ("response_shape", "fatigue_half_life", "goodwill_half_life"):
            check_positive(getattr(self, name), f"ContactBehaviour.{name}")
        for name in ("fatigue_sensitivity", "informative_fatigue", "optout_fatigue", "promotional_goodwill",
                     "goodwill_lift",
                     "margin_per_response", "cost_per_contact"):
            check_positive(getattr(self, name), f"ContactBehaviour.{name}", allow_zero=True)


@dataclass(frozen=True)
class ContactPolicyResult:
    """What :func:`simulate_contact_policy` returns.

    ``periods``: one row per period (period, reachable at its start, contacts, responses, optouts,
    sends_after_optout, late_sends, margin, contact_cost, profit, fatigue and goodwill at the period's end).
    ``customers``: one row per customer (customer_id, responsiveness, contacts, responses, opted_out,
    optout_day, last_contact_day; days are business days from the start, NaN if none).
    ``summary``: the totals and per-customer figures.
    """

    periods: pd.DataFrame
    customers: pd.DataFrame
    summary: pd.Series = field(repr=False)


def _calendar(policy: ContactPolicy, periods: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day, period and informative flag of every send: evenly spaced, informative ones spread evenly."""
    k, days = policy.contacts_per_period, policy.business_days_per_period
    i = np.arange(k * periods)
    day = (i // k) * days + ((i % k) + 0.5) * (days / k) if k else np.zeros(0)
    s = policy.informative_share
    informative = np.floor((i + 1) * s + 1e-9) - np.floor(i * s + 1e-9) >= 1
    return day, i // max(k, 1), informative


def simulate_contact_policy(policy: ContactPolicy, *, n_customers: int, periods: int,
                            behaviour: ContactBehaviour | None = None,
                            rng: None | int | np.random.Generator = None) -> ContactPolicyResult:
    """Simulate an e-mail policy on ``n_customers`` for ``periods`` periods (vectorised over customers).

    Parameters
    ----------
    policy : ContactPolicy
        E-mails per period, informative share, opt-out delay.
    n_customers : int
        Customers on the list at the start (all reachable), >= 1.
    periods : int
        Periods simulated (months with the default 21 business days), >= 1.
    behaviour : ContactBehaviour, optional
        How customers react; ``ContactBehaviour()`` (the calibrated defaults) if None.
    rng : None, int or numpy Generator
        Randomness; the same seed gives the same result. One uniform per customer and e-mail date
        (common random numbers), so two policies with the same calendar share their luck.

    Returns
    -------
    ContactPolicyResult
        ``periods``, ``customers`` and ``summary`` (customers, periods, contacts_per_period,
        informative_share, contacts, responses, optouts, reachable_end, sends_after_optout, late_sends,
        margin, contact_cost, profit, profit_per_customer, responses_per_contact,
        optouts_per_contact).

    Examples
    --------
    >>> res = simulate_contact_policy(ContactPolicy(7), n_customers=1000, periods=12, rng=1)
    >>> res.periods.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['period', 'reachable', 'contacts', 'responses', 'optouts', 'sends_after_optout', 'late_sends',
     'margin', 'contact_cost', 'profit', 'fatigue', 'goodwill']
    >>> int(res.summary["contacts"]) <= 7 * 12 * 1000
    True
    >>> float(simulate_contact_policy(ContactPolicy(0), n_customers=10, periods=3, rng=1).summary["contact_cost"])
    0.0
    """
    if not isinstance(policy, ContactPolicy):
        raise TypeError(f"policy must be a ContactPolicy(...), not {type(policy).__name__}; "
                        "pass for example ContactPolicy(7) for 7 e-mails a period")
    behaviour = ContactBehaviour() if behaviour is None else behaviour
    if not isinstance(behaviour, ContactBehaviour):
        raise TypeError(f"behaviour must be a ContactBehaviour(...) or None, not {type(behaviour).__name__}")
    n = _whole(n_customers, "n_customers", 1)
    periods = _whole(periods, "periods", 1)
    rng = as_rng(rng)
    b = behaviour
    theta = rng.gamma(b.response_shape, 1.0 / b.response_shape, n)
    day, period_of, informative = _calendar(policy, periods)
    span = policy.business_days_per_period
    # per-customer state
    opted = np.zeros(n, dtype=bool)
    stop_day = np.full(n, -np.inf)  # sends dated up to this day still go out after an opt-out
    optout_day = np.full(n, np.nan)
    last_day = np.full(n, np.nan)
    contacts = np.zeros(n, dtype=np.int64)
    responses = np.zeros(n, dtype=np.int64)
    # per-period totals
    cols = ("reachable", "contacts", "responses", "optouts", "sends_after_optout", "late_sends")
    tot = {c: np.zeros(periods, dtype=np.int64) for c in cols}
    fatigue_end, goodwill_end = np.zeros(periods), np.zeros(periods)
    fatigue = goodwill = 0.0
    prev = 0.0
    for t in range(periods):
        tot["reachable"][t] = n - np.count_nonzero(opted)
        for i in np.flatnonzero(period_of == t) if day.size else ():
            gap = (day[i] - prev) / span
            prev = day[i]
            fatigue *= np.exp(-_LN2 * gap / b.fatigue_half_life)
            goodwill *= np.exp(-_LN2 * gap / b.goodwill_half_life)
            kind = b.informative_response if informative[i] else 1.0
            p_one = b.base_response * kind * np.exp(-b.fatigue_sensitivity * fatigue) * (
                1.0 + b.goodwill_lift * goodwill / (1.0 + goodwill))
            hazard = min(b.optout_base * np.exp(b.optout_fatigue * fatigue), 1.0)
            u = rng.random(n)
            active = ~opted
            late = opted & (day[i] <= stop_day)  # opted out, inside the delay: still sent
            sold = active & (u < np.minimum(p_one * theta, 1.0))
            leave = active & (u >= 1.0 - hazard)
            sent = active | late
            contacts += sent
            responses += sold
            last_day[sent] = day[i]
            opted |= leave
            optout_day[leave] = day[i]
            stop_day[leave] = day[i] + policy.optout_delay_days
            tot["contacts"][t] += np.count_nonzero(sent)
            tot["responses"][t] += np.count_nonzero(sold)
            tot["optouts"][t] += np.count_nonzero(leave)
            if late.any():
                tot["sends_after_optout"][t] += np.count_nonzero(late)
                tot["late_sends"][t] += np.count_nonzero(late & (day[i] > optout_day + CASL_UNSUBSCRIBE_DAYS))
            fatigue += 1.0 if not informative[i] else b.informative_fatigue
            goodwill += 1.0 if informative[i] else b.promotional_goodwill
        # state at the period's end (decayed to its last day)
        gap = ((t + 1) * span - prev) / span
        fatigue_end[t] = fatigue * np.exp(-_LN2 * gap / b.fatigue_half_life)
        goodwill_end[t] = goodwill * np.exp(-_LN2 * gap / b.goodwill_half_life)
    table = pd.DataFrame({"period": np.arange(periods), **tot})
    table["margin"] = table["responses"] * b.margin_per_response
    table["contact_cost"] = table["contacts"] * b.cost_per_contact
    table["profit"] = table["margin"] - table["contact_cost"]
    table["fatigue"], table["goodwill"] = fatigue_end, goodwill_end
    customers = pd.DataFrame({"customer_id": np.arange(n), "responsiveness": theta, "contacts": contacts,
                              "responses": responses, "opted_out": opted, "optout_day": optout_day,
                              "last_contact_day": last_day})
    n_contacts = int(table["contacts"].sum())
    summary = pd.Series({
        "customers": n, "periods": periods, "contacts_per_period": policy.contacts_per_period,
        "informative_share": policy.informative_share, "contacts": n_contacts,
        "responses": int(table["responses"].sum()), "optouts": int(table["optouts"].sum()),
        "reachable_end": int(n - np.count_nonzero(opted)),
        "sends_after_optout": int(table["sends_after_optout"].sum()), "late_sends": int(table["late_sends"].sum()),
        "margin": float(table["margin"].sum()), "contact_cost": float(table["contact_cost"].sum()),
        "profit": float(table["profit"].sum()), "profit_per_customer": float(table["profit"].sum()) / n,
        "responses_per_contact": table["responses"].sum() / n_contacts if n_contacts else np.nan,
        "optouts_per_contact": table["optouts"].sum() / n_contacts if n_contacts else np.nan,
    })
    return ContactPolicyResult(table, customers, summary)

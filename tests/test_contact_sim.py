"""Tests of the contact-policy simulator (relmkt_lib._contact_sim): calibration to Zhang, Kumar &
Cosguner (2017), known truth with mechanisms switched off, hand-computed fatigue, the opt-out window,
properties, speed and bad input."""

from __future__ import annotations

import dataclasses
import re
import time

import numpy as np
import pandas as pd
import pytest

from relmkt_lib._contact_sim import (
    CASL_UNSUBSCRIBE_DAYS,
    ContactBehaviour,
    ContactPolicy,
    _calendar,
    simulate_contact_policy,
)

#: Zhang, Kumar & Cosguner (2017), JMR 54(6): in their retailer's data the profit-maximising number of
#: e-mails was 7 a month; sending 4 or 10 lost about 32 % or 16 % of lifetime profit per customer.
#: The kit's default behaviour must land in these bands (24 months, 100 % promotional e-mail).
CALIBRATION = pd.DataFrame([
    ("optimal e-mails a month", 7, 6, 8),
    ("profit lost at 4 e-mails a month (share of the optimum's)", 0.32, 0.25, 0.40),
    ("profit lost at 10 e-mails a month (share of the optimum's)", 0.16, 0.10, 0.22),
], columns=["target", "published", "low", "high"]).set_index("target")

#: Mechanisms switched off, to test known truth.
PLAIN = dict(response_shape=1e9, fatigue_sensitivity=0.0, goodwill_lift=0.0, optout_base=0.0)


def run(k: int, *, n: int = 2_000, periods: int = 12, rng: int = 1, **policy) -> object:
    behaviour = policy.pop("behaviour", None)
    return simulate_contact_policy(ContactPolicy(k, **policy), n_customers=n, periods=periods, behaviour=behaviour,
                                   rng=rng)


@pytest.fixture(scope="module")
def profit_curve() -> np.ndarray:
    return np.array([run(k, n=50_000, periods=24, rng=7).summary["profit_per_customer"] for k in range(16)])


def test_calibration_to_zhang_kumar_cosguner(profit_curve):
    best = int(np.argmax(profit_curve))
    measured = {CALIBRATION.index[0]: best,
                CALIBRATION.index[1]: 1 - profit_curve[4] / profit_curve[best],
                CALIBRATION.index[2]: 1 - profit_curve[10] / profit_curve[best]}
    for target, value in measured.items():
        low, high = CALIBRATION.loc[target, ["low", "high"]]
        assert low <= value <= high, f"{target}: {value:.3f} outside [{low}, {high}]"


def test_profit_is_an_inverted_u(profit_curve):
    best = int(np.argmax(profit_curve))
    assert profit_curve[0] == 0.0
    assert np.all(np.diff(profit_curve[: best + 1]) > 0)  # rises to the optimum
    assert np.all(np.diff(profit_curve[best:]) < 0)  # then falls
    assert 0 < best < 15


def test_zero_frequency_costs_nothing_and_tires_nobody():
    res = run(0, informative_share=0.5)
    s = res.summary
    assert s["contacts"] == s["contact_cost"] == s["optouts"] == s["responses"] == s["profit"] == 0
    assert s["reachable_end"] == 2_000
    assert (res.periods["fatigue"] == 0).all() and (res.periods["goodwill"] == 0).all()
    assert (res.periods["reachable"] == 2_000).all()
    assert res.customers["last_contact_day"].isna().all()


def test_same_rng_same_result_and_another_rng_another():
    a, b, c = run(5, rng=11), run(5, rng=11), run(5, rng=12)
    pd.testing.assert_frame_equal(a.periods, b.periods)
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_series_equal(a.summary, b.summary)
    assert not a.customers["responses"].equals(c.customers["responses"])
    gen = np.random.default_rng(11)
    pd.testing.assert_series_equal(run(5, rng=gen).summary, a.summary)


def test_more_informative_content_fewer_optouts():
    optouts = [run(7, n=20_000, periods=24, informative_share=s).summary["optouts"] for s in (0.0, 0.3, 0.6, 1.0)]
    assert all(x > y for x, y in zip(optouts, optouts[1:])), optouts


def test_informative_content_sells_less_now_but_builds_goodwill():
    promo = run(4, periods=1, rng=3, n=50_000)
    info = run(4, periods=1, rng=3, n=50_000, informative_share=1.0)
    assert info.summary["responses"] < promo.summary["responses"]  # sells less now
    assert info.periods["goodwill"].iloc[0] > promo.periods["goodwill"].iloc[0]
    assert info.periods["fatigue"].iloc[0] < promo.periods["fatigue"].iloc[0]  # tires less


def test_known_truth_without_fatigue_goodwill_or_optouts():
    b = ContactBehaviour(base_response=0.1, **PLAIN)
    res = run(3, n=10_000, periods=5, behaviour=b)
    s = res.summary
    sends = 10_000 * 3 * 5
    assert s["contacts"] == sends and s["optouts"] == 0 and s["reachable_end"] == 10_000
    se = np.sqrt(sends * 0.1 * 0.9)
    assert abs(s["responses"] - 0.1 * sends) < 4 * se
    assert s["profit"] == pytest.approx(b.margin_per_response * s["responses"] - b.cost_per_contact * sends)


def test_known_truth_optouts_without_fatigue():
    b = ContactBehaviour(**{**PLAIN, "optout_base": 0.01, "optout_fatigue": 0.0})
    res = run(2, n=20_000, periods=10, behaviour=b)
    stay = 0.99 ** 20
    se = np.sqrt(20_000 * stay * (1 - stay))
    assert abs(res.summary["reachable_end"] - 20_000 * stay) < 4 * se
    # the base reachable at each period's start falls as opt-outs accumulate
    reach = res.periods["reachable"].to_numpy()
    assert reach[0] == 20_000 and np.all(np.diff(reach) <= 0)
    assert np.array_equal(reach[1:], 20_000 - np.cumsum(res.periods["optouts"].to_numpy())[:-1])


def test_fatigue_hand_computed():
    # one promotional e-mail a period, mid-period (day 10.5 of 21); half-life 0.5 period:
    # end of period 1: 1 x 2**-1 = 0.5; at the second send 1 x 2**-2 + 1 = 1.25, end of period 2: 0.625
    res = run(1, periods=3, behaviour=ContactBehaviour(fatigue_half_life=0.5))
    np.testing.assert_allclose(res.periods["fatigue"].to_numpy()[:2], [0.5, 0.625])
    # goodwill: 0.1 per promotional e-mail, half-life 3 periods
    np.testing.assert_allclose(res.periods["goodwill"].iloc[0], 0.1 * 2 ** (-0.5 / 3))


def test_calendar_spreads_informative_emails_evenly():
    day, period, informative = _calendar(ContactPolicy(10, informative_share=0.3), 2)
    assert informative.reshape(2, 10).sum(axis=1).tolist() == [3, 3]
    np.testing.assert_allclose(day[:2], [1.05, 3.15])
    assert period.tolist() == [0] * 10 + [1] * 10
    assert _calendar(ContactPolicy(3, informative_share=0.0), 4)[2].sum() == 0


@pytest.mark.parametrize("delay, last_gap", [(0, 0), (0.99, 0), (1, 1), (1.01, 1), (CASL_UNSUBSCRIBE_DAYS, 10)])
def test_no_contact_after_an_optout_beyond_the_window(delay, last_gap):
    """One e-mail each business day (21 a period of 21 days): with a delay of d days, the e-mails of the
    days up to d after the opt-out still go out (the day before and the day of the limit), none later."""
    res = run(21, n=5_000, periods=3, behaviour=ContactBehaviour(optout_base=0.02), optout_delay_days=delay)
    gone = res.customers[res.customers["opted_out"]]
    assert len(gone) > 1000
    gap = gone["last_contact_day"] - gone["optout_day"]
    assert (gap >= 0).all() and gap.max() == last_gap
    assert res.summary["late_sends"] == 0
    after = (gone["contacts"] - np.floor(gone["optout_day"]) - 1).clip(lower=0)  # e-mails after the opt-out's
    assert res.summary["sends_after_optout"] == after.sum()
    if last_gap == 0:
        assert res.summary["sends_after_optout"] == 0
    assert res.summary["contacts"] == res.customers["contacts"].sum()


@pytest.mark.parametrize("delay, late", [(CASL_UNSUBSCRIBE_DAYS, False), (CASL_UNSUBSCRIBE_DAYS + 1, True)])
def test_a_firm_slower_than_the_law_makes_late_sends(delay, late):
    res = run(21, n=5_000, periods=3, behaviour=ContactBehaviour(optout_base=0.02), optout_delay_days=delay)
    gone = res.customers[res.customers["opted_out"]]
    gap = gone["last_contact_day"] - gone["optout_day"]
    assert gap.max() == delay
    assert (res.summary["late_sends"] > 0) == late
    # late sends are those of day 11 after the opt-out: one per customer who opted out early enough
    if late:
        assert res.summary["late_sends"] == (gap == delay).sum()


def test_speed_100k_customers_24_periods():
    start = time.perf_counter()
    res = run(15, n=100_000, periods=24)
    elapsed = time.perf_counter() - start
    print(f"100,000 customers x 24 periods at 15 e-mails a period: {elapsed:.2f} s")
    assert res.summary["customers"] == 100_000
    assert elapsed < 1.5


def test_parameter_sets_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ContactPolicy(3).contacts_per_period = 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        ContactBehaviour().base_response = 0.5


@pytest.mark.parametrize("make, error, message", [
    (lambda: ContactPolicy(-1), ValueError, "ContactPolicy.contacts_per_period must be a whole number >= 0, got -1"),
    (lambda: ContactPolicy(2.5), ValueError, "ContactPolicy.contacts_per_period must be a whole number >= 0, got 2.5"),
    (lambda: ContactPolicy(True), ValueError, "ContactPolicy.contacts_per_period must be a whole number >= 0, "
                                              "got True"),
    (lambda: ContactPolicy(3, informative_share=1.5), ValueError,
     "ContactPolicy.informative_share must be a probability in [0, 1], got 1.5"),
    (lambda: ContactPolicy(3, optout_delay_days=-1), ValueError,
     "ContactPolicy.optout_delay_days must be a finite number >= 0, got -1"),
    (lambda: ContactBehaviour(base_response=1.5), ValueError,
     "ContactBehaviour.base_response must be a probability in [0, 1], got 1.5"),
    (lambda: ContactBehaviour(fatigue_half_life=0), ValueError,
     "ContactBehaviour.fatigue_half_life must be a finite number > 0, got 0"),
    (lambda: ContactBehaviour(cost_per_contact=-0.1), ValueError,
     "ContactBehaviour.cost_per_contact must be a finite number >= 0, got -0.1"),
    (lambda: simulate_contact_policy(ContactPolicy(3), n_customers=0, periods=3), ValueError,
     "n_customers must be a whole number >= 1, got 0"),
    (lambda: simulate_contact_policy(ContactPolicy(3), n_customers=10, periods=1.5), ValueError,
     "periods must be a whole number >= 1, got 1.5"),
    (lambda: simulate_contact_policy(7, n_customers=10, periods=3), TypeError,
     "policy must be a ContactPolicy(...), not int; pass for example ContactPolicy(7) for 7 e-mails a period"),
    (lambda: simulate_contact_policy(ContactPolicy(3), n_customers=10, periods=3, behaviour={}), TypeError,
     "behaviour must be a ContactBehaviour(...) or None, not dict"),
    (lambda: simulate_contact_policy(ContactPolicy(3), n_customers=10, periods=3, rng="a"), TypeError,
     "rng must be None, an int seed or a numpy.random.Generator, not str; pass for example rng=42"),
])
def test_bad_input(make, error, message):
    with pytest.raises(error, match=re.escape(message) + "$"):
        make()

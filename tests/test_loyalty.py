"""Tests of relmkt_lib.loyalty: validation, determinism, known truth, mechanisms, calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from relmkt_lib.loyalty import Behaviour, LoyaltyProgram, ProgramResult, Tier, simulate_program, stamp_card_experiment

OFF = Behaviour.no_effect()


def rev_per_customer(res: ProgramResult, arm: str) -> float:
    c = res.customers
    return float(c.loc[c["arm"] == arm, "revenue"].mean())


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs, match", [
    ({"reward_threshold": 0}, "reward_threshold"),
    ({"reward_threshold": -5}, "reward_threshold"),
    ({"reward_value": -1}, "reward_value"),
    ({"earn_per_dollar": -1}, "earn_per_dollar"),
    ({"earn_per_dollar": 0, "earn_per_visit": 0}, "earns no points"),
    ({"endowed_points": 500}, "endowed_points"),
    ({"endowed_points": -1}, "endowed_points"),
    ({"expiry_weeks": 0}, "expiry_weeks"),
    ({"expiry_weeks": 2.5}, "expiry_weeks"),
    ({"enrolment_rate": 1.2}, "enrolment_rate"),
    ({"enrolment_rate": -0.1}, "enrolment_rate"),
    ({"target": "vip"}, "target"),
    ({"fixed_cost_per_week": -3}, "fixed_cost_per_week"),
    ({"tiers": (Tier("gold", 1000), Tier("silver", 500))}, "increasing"),
    ({"tiers": (Tier("a", 100), Tier("a", 200))}, "distinct"),
])
def test_program_rejects_impossible_designs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LoyaltyProgram(**kwargs)


def test_tier_and_behaviour_validation():
    with pytest.raises(ValueError, match="price_discount"):
        Tier("gold", 100, price_discount=1.5)
    with pytest.raises(ValueError, match="earn_multiplier"):
        Tier("gold", 100, earn_multiplier=0)
    with pytest.raises(ValueError, match="min_spend"):
        Tier("gold", -1)
    with pytest.raises(TypeError, match="tiers"):
        LoyaltyProgram(tiers=("gold",))
    with pytest.raises(ValueError, match="goal_gradient"):
        Behaviour(goal_gradient=-0.1)
    with pytest.raises(ValueError, match="margin_rate"):
        Behaviour(margin_rate=1.5)
    with pytest.raises(ValueError, match="spend_q"):
        Behaviour(spend_q=1.0)
    assert LoyaltyProgram(tiers=[Tier("s", 1), Tier("g", 2)]).tiers[1].name == "g"  # list -> tuple


def test_simulate_rejects_bad_inputs():
    prog = LoyaltyProgram()
    with pytest.raises(ValueError, match="weeks"):
        simulate_program(100, prog, weeks=0)
    with pytest.raises(ValueError, match="control_share"):
        simulate_program(100, prog, control_share=1.0)
    with pytest.raises(TypeError, match="program"):
        simulate_program(100, {"reward_threshold": 10})
    with pytest.raises(TypeError, match="rng"):
        simulate_program(100, prog, rng="seed")
    bad = pd.DataFrame({"customer_id": [1, 2], "base_rate": [0.2, -1.0], "mean_spend": [10, 10],
                        "dropout": [0.01, 0.01]})
    with pytest.raises(ValueError, match="base_rate.*row 1"):
        simulate_program(bad, prog)
    with pytest.raises(ValueError, match="dropout"):
        simulate_program(bad.assign(base_rate=0.2, dropout=[0.1, 1.5]), prog)
    with pytest.raises(ValueError, match="mean_spend"):
        simulate_program(bad.drop(columns="mean_spend"), prog)
    with pytest.raises(ValueError, match="unique"):
        simulate_program(bad.assign(base_rate=0.2, customer_id=[1, 1]), prog)
    with pytest.raises(ValueError, match="stamps_given"):
        stamp_card_experiment(stamps_needed=8, stamps_given=8)
    with pytest.raises(ValueError, match="stamps_needed"):
        stamp_card_experiment(stamps_needed=0)


# ---------------------------------------------------------------- structure and bookkeeping
def test_seeded_deterministic_and_global_state_untouched():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    a = simulate_program(3000, LoyaltyProgram(), weeks=10, rng=7)
    b = simulate_program(3000, LoyaltyProgram(), weeks=10, rng=7)
    pd.testing.assert_frame_equal(a.panel, b.panel)
    pd.testing.assert_series_equal(a.summary, b.summary)
    assert (np.random.get_state()[1] == before).all()
    c = simulate_program(3000, LoyaltyProgram(), weeks=10, rng=8)
    assert not a.panel.equals(c.panel)


def test_outputs_are_consistent():
    prog = LoyaltyProgram(reward_threshold=200, reward_value=5, fixed_cost_per_week=10,
                          cost_per_member_per_week=0.1, endowed_points=20)
    res = simulate_program(5000, prog, weeks=20, rng=3)
    p, c, s = res.panel, res.customers, res.summary
    assert list(p.columns[:3]) == ["week", "arm", "group"] and len(p) == 20 * 3
    assert set(c.columns) >= {"customer_id", "arm", "member", "light_buyer", "base_rate", "purchases", "revenue",
                              "rewards", "points_issued", "points_redeemed", "points_expired",
                              "points_outstanding", "alive_at_end"}
    # points: issued = redeemed + expired + outstanding; redeemed = rewards x threshold
    np.testing.assert_allclose(c["points_issued"], c["points_redeemed"] + c["points_expired"]
                               + c["points_outstanding"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(c["points_redeemed"], c["rewards"] * 200)
    assert (c["points_outstanding"] < 200).all()
    assert len(res.redemptions) == c["rewards"].sum() == p["rewards_redeemed"].sum()
    assert np.isclose(p["points_issued"].sum(), c["points_issued"].sum())
    assert np.isclose(p["revenue"].sum(), c["revenue"].sum())
    assert (c.loc[~c["member"], ["rewards", "points_issued"]] == 0).all().all()
    assert (c.loc[c["arm"] == "control", "member"] == False).all()  # noqa: E712
    # hand-computed costs
    members = int(c["member"].sum())
    assert np.isclose(s["reward_cost"], 5 * c["rewards"].sum())
    assert np.isclose(s["program_cost"], 20 * (10 + 0.1 * members))
    assert np.isclose(s["roi"], (s["incremental_margin"] - s["total_cost"]) / s["total_cost"])
    assert np.isclose(s["breakage"], 1 - c["points_redeemed"].sum() / c["points_issued"].sum())
    assert np.isclose(s["liability"], c["points_outstanding"].sum() * 5 / 200)
    assert 0 <= s["breakage"] <= 1
    # the alive counts never rise
    alive = p.pivot(index="week", columns="group", values="customers_alive")
    assert (alive.diff().dropna() <= 0).all().all()


def test_caller_dataframe_untouched_and_ids_kept():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(400)], "base_rate": rng.gamma(1, 0.3, 400),
                       "mean_spend": 30.0, "dropout": 0.01})
    copy = df.copy()
    res = simulate_program(df, LoyaltyProgram(reward_threshold=100), weeks=30, rng=1)
    pd.testing.assert_frame_equal(df, copy)
    assert res.customers["customer_id"].tolist() == df["customer_id"].tolist()
    assert res.redemptions["customer_id"].isin(df["customer_id"]).all()


def test_zero_dropout_and_no_members():
    df = pd.DataFrame({"customer_id": range(200), "base_rate": 0.5, "mean_spend": 20.0, "dropout": 0.0})
    res = simulate_program(df, LoyaltyProgram(enrolment_rate=0.0), weeks=5, rng=1)
    assert res.customers["alive_at_end"].all() and res.summary["members"] == 0
    assert res.summary["reward_cost"] == 0


# ---------------------------------------------------------------- known truth: no effect
def test_no_effect_means_no_incremental_revenue_but_a_naive_member_gap():
    res = simulate_program(200_000, LoyaltyProgram(), weeks=26, behaviour=OFF, rng=11)
    s, c = res.summary, res.customers
    se = np.sqrt(c.groupby("arm")["revenue"].var().sum() / (len(c) / 2))
    assert abs(s["revenue_per_customer_program"] - s["revenue_per_customer_control"]) < 3 * se
    assert abs(s["retention_change"]) < 0.01
    assert s["member_vs_nonmember_gap"] > 0.2 * s["revenue_per_nonmember"]  # selection, not effect
    assert s["roi"] < -0.5  # costs with no benefit


def test_no_selection_no_naive_gap():
    res = simulate_program(100_000, LoyaltyProgram(), weeks=13, rng=2,
                           behaviour=Behaviour.no_effect(enrolment_selection=0.0))
    s = res.summary
    assert abs(s["member_vs_nonmember_gap"]) < 0.05 * s["revenue_per_nonmember"]


# ---------------------------------------------------------------- each mechanism moves things the right way
LIFT_PROGRAM = LoyaltyProgram(reward_threshold=150)


def lift(behaviour: Behaviour, program: LoyaltyProgram = LIFT_PROGRAM, weeks=26) -> float:
    """Revenue per program-arm customer. The same seed gives the same customers, arms and members
    whatever the behaviour, so two calls compare the same people (a paired comparison)."""
    res = simulate_program(60_000, program, weeks=weeks, behaviour=behaviour, rng=5)
    return res.summary["revenue_per_customer_program"]


@pytest.mark.parametrize("mechanism", [{"goal_gradient": 1.0}, {"points_pressure": 1.0},
                                       {"rewarded_behaviour": 0.3}, {"membership_effect": 0.3}])
def test_each_lift_raises_revenue(mechanism):
    assert lift(Behaviour.no_effect(**mechanism)) > lift(OFF) + 3


def test_endowment_needs_endowed_points():
    prog = LoyaltyProgram(reward_threshold=150, endowed_points=30)
    assert lift(Behaviour.no_effect(endowment_effect=0.5), prog) > lift(OFF, prog) + 3


def test_post_reward_reset_off_keeps_the_rate_high():
    on = Behaviour.no_effect(goal_gradient=1.0)
    off = Behaviour.no_effect(goal_gradient=1.0, post_reward_reset=False)
    assert lift(off) > lift(on) + 3


def test_engagement_improves_retention_and_clv():
    res = simulate_program(100_000, LoyaltyProgram(enrolment_rate=1.0, reward_threshold=100), weeks=52, rng=4,
                           behaviour=Behaviour.no_effect(engagement_retention=1.0))
    assert res.summary["retention_change"] > 0.02
    assert res.summary["clv_change"] > 0


def test_status_rewards_an_exclusive_tier():
    tiers = (Tier("gold", 1500, earn_multiplier=1.0),)
    b = Behaviour.no_effect(status_effect=0.6)
    with_status = lift(b, LoyaltyProgram(tiers=tiers), weeks=52)
    assert with_status > lift(OFF, LoyaltyProgram(tiers=tiers), weeks=52) + 3


def test_expiry_raises_breakage_and_lowers_liability():
    base = LoyaltyProgram(reward_threshold=300)
    a = simulate_program(30_000, base, weeks=40, rng=9).summary
    b = simulate_program(30_000, LoyaltyProgram(reward_threshold=300, expiry_weeks=4), weeks=40, rng=9).summary
    assert a["points_expired"] == 0 < b["points_expired"]
    assert b["liability"] < a["liability"]
    assert 0 < a["breakage"] < 1 and 0 < b["breakage"] < 1
    # expired points are settled breakage: lower than the 'to date' figure would be without expiry
    assert b["outstanding_share"] < a["outstanding_share"]


def test_tiers_earn_more_and_cost_discounts():
    tiers = (Tier("silver", 100, earn_multiplier=1.5, price_discount=0.02), Tier("gold", 400, 2.0, 0.05))
    a = simulate_program(20_000, LoyaltyProgram(), weeks=30, rng=3, behaviour=OFF)
    b = simulate_program(20_000, LoyaltyProgram(tiers=tiers), weeks=30, rng=3, behaviour=OFF)
    assert b.summary["points_issued"] > 1.2 * a.summary["points_issued"]
    assert b.summary["discount_cost"] > 0 == a.summary["discount_cost"]
    # same draws and no behavioural effect: revenue is identical, only costs differ
    assert np.isclose(a.summary["incremental_revenue"], b.summary["incremental_revenue"])
    long = simulate_program(2000, LoyaltyProgram(tiers=tiers), weeks=60, rng=3)  # rolling 52-week window
    assert long.summary["discount_cost"] > 0


def test_targeting_invites_only_the_target():
    c = simulate_program(10_000, LoyaltyProgram(target="light", enrolment_rate=1.0), weeks=2, rng=1).customers
    assert c.loc[c["member"], "light_buyer"].all()
    assert c.loc[c["arm"] == "program", "light_buyer"].eq(c.loc[c["arm"] == "program", "member"]).all()


# ---------------------------------------------------------------- calibration (published effect sizes, cited per test)
def test_goal_gradient_matches_kivetz_urminsky_zheng_2006():
    r = stamp_card_experiment(stamps_needed=10, stamps_given=0, n_customers=300_000, rng=1)
    s = r.summary
    assert 0.75 <= s["last_vs_first"] <= 0.85  # KUZ: last interval about 20 % shorter
    assert 0.80 <= s["completion_time_ratio"] <= 0.92  # KUZ: 24.6 / 29.4 = 0.84
    assert (np.diff(r.by_stamp["mean_days"]) < 0.05).all()  # intervals shrink stamp after stamp
    flat = stamp_card_experiment(stamps_needed=10, stamps_given=0, n_customers=300_000, rng=1, behaviour=OFF).summary
    assert 0.95 <= flat["last_vs_first"] <= 1.05


def test_endowed_progress_matches_nunes_dreze_2006():
    card = dict(n_customers=100_000, rng=2)
    eight = stamp_card_experiment(stamps_needed=8, stamps_given=0, **card).summary["completion_rate"]
    ten_two = stamp_card_experiment(stamps_needed=10, stamps_given=2, **card).summary["completion_rate"]
    assert 0.15 <= eight <= 0.25  # published 19 %
    assert 0.28 <= ten_two <= 0.40  # published 34 %
    # without the endowment effect the head start alone adds little
    b = Behaviour(endowment_effect=0.0)
    plain = stamp_card_experiment(stamps_needed=10, stamps_given=2, behaviour=b, **card).summary["completion_rate"]
    assert plain < eight + 0.05

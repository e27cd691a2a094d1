"""The loyalty simulator against published evidence, and properties its design responses must have.

`tests/golden/loyalty_calibration.csv` holds each target: the published value where one was
published, the band the default simulator must fall in, and the source. Design properties use a
paired comparison: the same customers, arms and members (same seed) with and without the design
or effect, so differences are not buried in the noise between randomised arms.

Print the calibration table: ``python -m pytest tests/test_loyalty_calibration.py -s -k table``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from golden import golden

from relmkt_lib._loyalty_sim import draw_population
from relmkt_lib.loyalty import Behaviour, LoyaltyProgram, Tier, simulate_program, stamp_card_experiment

DEFAULT = Behaviour()
OFF = Behaviour.no_effect()
N = 200_000


@functools.lru_cache(maxsize=None)
def population(n: int = N, seed: int = 11) -> pd.DataFrame:
    pop = draw_population(n, DEFAULT, np.random.default_rng(seed))
    return pd.DataFrame({"customer_id": np.arange(n), **pop})


@functools.lru_cache(maxsize=None)
def run(program: LoyaltyProgram = LoyaltyProgram(), behaviour: Behaviour = DEFAULT, n: int = N, weeks: int = 52):
    return simulate_program(population(n), program, weeks=weeks, behaviour=behaviour, rng=3)


def member_lift(on, off, mask=None) -> float:
    c1, c0 = on.customers, off.customers
    m = c1["member"] if mask is None else c1["member"] & mask
    return c1.loc[m, "revenue"].sum() / c0.loc[m, "revenue"].sum() - 1


@functools.lru_cache(maxsize=None)
def measured() -> dict[str, float]:
    """Every calibration target, measured on the default behaviour and the default program."""
    out = {}
    kuz = stamp_card_experiment(stamps_needed=10, n_customers=100_000, rng=1).summary
    out["kuz_last_vs_first_interval"] = kuz["last_vs_first"]
    out["kuz_completion_time_ratio"] = kuz["completion_time_ratio"]
    out["nd_completion_8_stamps"] = stamp_card_experiment(stamps_needed=8, n_customers=60_000,
                                                          rng=2).summary["completion_rate"]
    out["nd_completion_10_stamps_2_given"] = stamp_card_experiment(stamps_needed=10, stamps_given=2,
                                                                   n_customers=60_000, rng=2).summary["completion_rate"]
    on, off = run(), run(behaviour=OFF)
    c1, c0 = on.customers, off.customers
    arm = c1["arm"] == "program"
    out["field_program_arm_lift"] = c1.loc[arm, "revenue"].sum() / c0.loc[arm, "revenue"].sum() - 1
    members = c1["member"]
    causal = c1.loc[members, "revenue"].mean() - c0.loc[members, "revenue"].mean()
    out["naive_over_causal_per_member"] = on.summary["member_vs_nonmember_gap"] / causal
    third = pd.qcut(c1["base_rate"], 3, labels=["light", "moderate", "heavy"])
    lifts = {k: member_lift(on, off, third == k) for k in ("light", "moderate", "heavy")}
    out["liu_heavy_member_lift"] = lifts["heavy"]
    out["liu_light_minus_heavy_lift"] = lifts["light"] - lifts["heavy"]
    out["liu_moderate_minus_heavy_lift"] = lifts["moderate"] - lifts["heavy"]
    rewards = c1[members].groupby(third[members], observed=True)["rewards"].sum()
    out["liu_heavy_share_of_rewards"] = rewards["heavy"] / rewards.sum()
    w1 = on.panel[on.panel["group"] == "member"].set_index("week")["revenue"]
    w0 = off.panel[off.panel["group"] == "member"].set_index("week")["revenue"]
    weekly = w1 / w0 - 1
    out["liu_lift_grows_q4_minus_q1"] = weekly.iloc[39:].mean() - weekly.iloc[:13].mean()
    return out


def calibration_table() -> pd.DataFrame:
    table = golden("loyalty_calibration.csv").set_index("target")
    table["simulated"] = pd.Series(measured())
    table["within"] = table["simulated"].between(table["low"], table["high"])
    return table


@pytest.mark.parametrize("target", golden("loyalty_calibration.csv")["target"])
def test_default_behaviour_meets_each_calibration_target(target):
    row = golden("loyalty_calibration.csv").set_index("target").loc[target]
    value = measured()[target]
    assert row["low"] <= value <= row["high"], f"{target}: simulated {value:.4g}, band [{row['low']}, {row['high']}] " \
                                                f"({row['source']})"


def test_print_calibration_table(capsys):
    table = calibration_table()
    with capsys.disabled():
        print("\n" + table[["published", "low", "high", "simulated", "within"]].round(4).to_string())
    assert table["within"].all()


# ---------------------------------------------------------------- properties of the design responses
def incremental_margin(program: LoyaltyProgram, behaviour: Behaviour = DEFAULT, n: int = 100_000) -> float:
    """Members' extra margin caused by the program: the same customers with and without any effect."""
    same_members = Behaviour.no_effect(enrolment_selection=behaviour.enrolment_selection)
    on, off = run(program, behaviour, n), run(program, same_members, n)
    arm = on.customers["arm"] == "program"
    extra = on.customers.loc[arm, "revenue"].sum() - off.customers.loc[arm, "revenue"].sum()
    return behaviour.margin_rate * extra


def test_margin_rises_with_reward_value_from_nothing_at_zero():
    values = [incremental_margin(LoyaltyProgram(reward_value=v)) for v in (0.0, 5.0, 10.0, 20.0)]
    assert values[0] == 0.0  # a worthless reward moves nobody
    assert values[1] < values[2] < values[3]


def test_a_threshold_nobody_reaches_has_no_effect():
    base = incremental_margin(LoyaltyProgram())
    assert abs(incremental_margin(LoyaltyProgram(reward_threshold=1e7))) < 0.01 * base


def test_endowed_progress_grows_with_the_head_start_and_one_point_does_nothing():
    base = incremental_margin(LoyaltyProgram())
    one, fifty, hundred = (incremental_margin(LoyaltyProgram(endowed_points=p)) for p in (1, 50, 100))
    assert abs(one - base) < 0.05 * base
    assert base < fifty < hundred


def test_no_effect_gives_no_randomised_difference():
    s = run(behaviour=OFF).summary
    assert abs(s["incremental_revenue"]) < 3 * s["incremental_revenue_se"]
    assert s["member_vs_nonmember_gap"] > 0  # the naive gap remains: self-selection


def test_optimistic_behaviour_is_an_upper_bound():
    assert incremental_margin(LoyaltyProgram(), Behaviour.optimistic()) > 3 * incremental_margin(LoyaltyProgram())


def test_a_crowded_top_tier_dilutes_status():
    """Dreze & Nunes (2009): the more members share the top tier, the less status it gives each of
    them. The same customers (those whose usual spend would reach the exclusive tier), two years."""
    b = Behaviour.no_effect(status_effect=0.3)
    pop = population(100_000)
    heavy = pd.Series((pop["base_rate"] * pop["mean_spend"] * 52).to_numpy() >= 1500)  # not an outcome

    def lift_of_heavy(min_spend: float) -> float:
        program = LoyaltyProgram(tiers=(Tier("gold", min_spend),))
        on = run(program, b, 100_000, weeks=104)
        base = run(program, Behaviour.no_effect(), 100_000, weeks=104)
        return member_lift(on, base, heavy.set_axis(on.customers.index))

    exclusive, crowded = lift_of_heavy(1500), lift_of_heavy(50)
    assert exclusive > 1.5 * crowded > 0


def test_incremental_margin_carries_its_noise_band():
    s = simulate_program(20_000, LoyaltyProgram(), weeks=26, rng=1).summary
    assert s["incremental_margin_se"] > 0
    assert np.isclose(s["incremental_margin_se"], DEFAULT.margin_rate * s["incremental_revenue_se"])

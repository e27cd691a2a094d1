"""Tests of relmkt_lib.migration: hand-computed states and counts, closed forms, simulation,
the Pfeifer & Carraway (2000) example, and bad input."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from golden import golden_path

from relmkt_lib import migration as mg
from relmkt_lib import plotting

PC_CSV = golden_path("pfeifer_carraway_2000_migration_example.csv")

RULES = mg.LadderRules(window=2, regular_min_purchases=2, ambassador_min_purchases=4,
                       ambassador_min_tenure=1, lapsed_after=2)


@pytest.fixture
def log() -> pd.DataFrame:
    # quarters 2024Q1..2024Q4
    return pd.DataFrame({
        "id": [1, 1, 1, 1, 1, 1, 2, 3, 3],
        "date": pd.to_datetime(["2024-01-05", "2024-04-02", "2024-05-09", "2024-05-20", "2024-06-01",
                                "2024-10-01", "2024-02-01", "2024-01-10", "2024-11-11"]),
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 5.0, 7.0, 9.0],
    })


def test_assign_states_by_hand(log):
    s = mg.assign_states(log, customer_col="id", amount_col="amount", rules=RULES)
    wide = s.pivot(index="id", columns="period", values="state").astype(str)
    # 1: Q1 first; Q2 4 buys (window 5, tenure 1) -> ambassador; Q3 window=4 -> ambassador;
    #    Q4 window=1 (Q3 0, Q4 1) -> occasional
    assert wide.loc[1].tolist() == ["first-time", "ambassador", "ambassador", "occasional"]
    # 2: bought once in Q1 -> first-time, first-time, then 2 periods silent -> lapsed
    assert wide.loc[2].tolist() == ["first-time", "first-time", "lapsed", "lapsed"]
    # 3: lapsed in Q3 then reactivated in Q4 (second active period, 1 in window) -> occasional
    assert wide.loc[3].tolist() == ["first-time", "first-time", "lapsed", "occasional"]
    assert s.set_index(["id", "period"]).loc[(1, "2024Q2"), "revenue"] == pytest.approx(140.0)
    assert s["purchases"].sum() == len(log)


def test_lost_after_splits_silent_customers_by_time_away(log):
    """Silent customers are lapsed, then lost (Pfeifer & Carraway's recency states); None keeps one state."""
    split = mg.LadderRules(window=2, regular_min_purchases=2, ambassador_min_purchases=4,
                           ambassador_min_tenure=1, lapsed_after=2, lost_after=3)
    wide = mg.assign_states(log, customer_col="id", rules=split).pivot(index="id", columns="period", values="state")
    # 2 bought in Q1 only: silent for 2 periods in Q3 (lapsed), 3 in Q4 (lost)
    assert wide.loc[2].astype(str).tolist() == ["first-time", "first-time", "lapsed", "lost"]
    assert wide.loc[3].astype(str).tolist() == ["first-time", "first-time", "lapsed", "occasional"]
    one = mg.assign_states(log, customer_col="id", rules=replace(RULES, lost_after=None))
    assert one.pivot(index="id", columns="period", values="state").loc[2].astype(str).tolist()[-1] == "lapsed"
    assert mg.LadderRules().lost_after == 8  # two years, in quarters


def test_lost_state_lowers_values_on_boreal():
    """A single lapsed state lets every silent customer come back at the same rate forever; with the
    split, customers away two years return far less often, and every rung is worth less."""
    from relmkt_lib import datasets

    log = datasets.load_boreal().transactions
    d = 1.10**0.25 - 1
    values = {}
    for lost_after in (None, 8, 9):
        s = mg.assign_states(log, amount_col="amount", rules=mg.LadderRules(lost_after=lost_after))
        P = mg.transition_matrix(s)
        costs = {k: 1.90 for k in P.index if k not in ("lapsed", "lost")}
        values[lost_after] = mg.markov_clv(P, mg.state_rewards(s, 0.35, contact_cost=costs), d)
        if lost_after is not None:  # the chance of coming back falls with time away
            assert P.loc["lost", "occasional"] < P.loc["lapsed", "occasional"] / 5
    rungs = ["first-time", "occasional", "regular", "ambassador", "lapsed"]
    assert (values[8][rungs] < values[None][rungs] - 30).all()
    assert values[9]["lost"] == 0.0  # nobody silent 9+ quarters ever came back: absorbing, worth 0
    # the values solve V = R + P V / (1 + d)
    s = mg.assign_states(log, amount_col="amount")
    P = mg.transition_matrix(s)
    R = mg.state_rewards(s, 0.35, contact_cost={k: 1.90 for k in P.index if k not in ("lapsed", "lost")})
    np.testing.assert_allclose(values[8], R + P.to_numpy() @ values[8].to_numpy() / (1 + d), atol=1e-9)


def test_lost_split_recovers_known_return_rates_by_simulation():
    """Known truth: after a purchase, a customer silent for k quarters buys with probability
    0.5, 0.3, 0.1 (k = 1, 2, 3) and never after. With lapsed = silent 2 quarters and lost = 3 or
    more, the lapsed row comes back with probability 0.1 and the lost row is absorbing."""
    rng = np.random.default_rng(7)
    buy_prob = {1: 0.5, 2: 0.3, 3: 0.1}
    quarters = pd.period_range("2022Q1", "2024Q4", freq="Q").start_time + pd.Timedelta(days=10)
    ids, dates = [], []
    for c in range(4000):
        last = int(rng.integers(0, 4))
        ids.append(c)
        dates.append(quarters[last])
        for t in range(last + 1, len(quarters)):
            if rng.random() < buy_prob.get(t - last, 0.0):
                ids.append(c)
                dates.append(quarters[t])
                last = t
    log = pd.DataFrame({"customer_id": ids, "date": dates})
    rules = mg.LadderRules(window=2, regular_min_purchases=2, ambassador_min_purchases=4,
                           ambassador_min_tenure=1, lapsed_after=2, lost_after=3)
    counts = mg.transition_counts(mg.assign_states(log, rules=rules))
    lapsed = counts.loc["lapsed"]
    back = lapsed.drop(["lapsed", "lost"]).sum() / lapsed.sum()
    assert abs(back - 0.1) < 4 * np.sqrt(0.1 * 0.9 / lapsed.sum())
    assert counts.loc["lapsed", "lost"] == lapsed.sum() - lapsed.drop(["lapsed", "lost"]).sum()
    assert counts.loc["lost"].drop("lost").sum() == 0  # never back: absorbing, as the truth


def test_prospects_from_customer_table(log):
    customers = pd.DataFrame({"id": [1, 2, 3, 4], "signup": ["2023-11-01", None, None, "2024-03-01"]})
    s = mg.assign_states(log, customer_col="id", rules=RULES, customers=customers, prospect_col="signup")
    wide = s.pivot(index="id", columns="period", values="state")
    assert wide.loc[1, "2023Q4"] == "prospect" and wide.loc[1, "2024Q1"] == "first-time"
    assert wide.loc[4].dropna().astype(str).tolist() == ["prospect"] * 4  # never bought
    assert pd.isna(wide.loc[2, "2023Q4"])  # no prospect date: enters at the first purchase
    bad = customers.assign(signup=["2023-11-01", None, "soon", "2024-03-01"])
    with pytest.raises(ValueError, match=r"column 'signup' of customers: 1 row\(s\) cannot be read .* 'soon'"):
        mg.assign_states(log, customer_col="id", customers=bad, prospect_col="signup")


def test_half_years_and_caller_untouched(log):
    before = log.copy()
    s = mg.assign_states(log, customer_col="id", freq="6M", rules=RULES)
    pd.testing.assert_frame_equal(log, before)
    assert sorted(s["period"].unique()) == ["2024H1", "2024H2"]
    assert not s.attrs  # nothing stashed in attrs


def test_transition_counts_by_hand():
    s = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3], "period": ["a", "b", "c", "a", "b", "c"],
                      "state": ["first-time", "occasional", "occasional", "first-time", "lapsed", "regular"]})
    before = s.copy()
    c = mg.transition_counts(s)
    assert c.loc["first-time", "occasional"] == 1 and c.loc["first-time", "lapsed"] == 1
    assert c.loc["occasional", "occasional"] == 1 and c.to_numpy().sum() == 3
    P = mg.transition_matrix(s, empty="absorbing")
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert not P.attrs  # the counts are transition_counts(s), not stashed in attrs
    assert P.loc["first-time", "lapsed"] == 0.5
    assert P.loc["regular", "regular"] == 1.0  # no observed move: absorbing on request
    with pytest.raises(ValueError, match="state 'regular' has no observed transition"):
        mg.transition_matrix(s)
    pd.testing.assert_frame_equal(s, before)


def test_transition_matrix_rows_sum_to_one_on_boreal():
    from relmkt_lib import datasets

    s = mg.assign_states(datasets.load_boreal().transactions, amount_col="amount")
    P = mg.transition_matrix(s)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (P.to_numpy() >= 0).all() and P.loc["lapsed", "occasional"] > 0  # reactivation
    assert "prospect" not in P.index  # Boreal has no prospect dates


@pytest.fixture
def chain():
    P = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.05, 0.05, 0.9]])
    return P, np.array([50.0, 10.0, -2.0])


def test_markov_clv_finite_vs_loop(chain):
    """horizon=T counts T rewards: periods 0..T-1 ("start") or 1..T ("end")."""
    P, R = chain
    d, T = 0.05, 7
    brute = np.zeros((3, T + 1))  # brute[s, t]: discounted expected reward of period t from state s
    for start in range(3):
        dist = np.eye(3)[start]
        for t in range(T + 1):
            brute[start, t] = dist @ R / (1 + d) ** t
            dist = dist @ P
    np.testing.assert_allclose(mg.markov_clv(P, R, d, horizon=T), brute[:, :T].sum(axis=1))
    np.testing.assert_allclose(mg.markov_clv(P, R, d, horizon=T, timing="end"), brute[:, 1:].sum(axis=1))
    np.testing.assert_allclose(mg.markov_clv(P, R, d, horizon=1), R)  # one reward: the current one
    np.testing.assert_allclose(mg.markov_clv(P, R, d, horizon=0), 0.0)
    np.testing.assert_allclose(mg.markov_clv(P, R, d, timing="end"),
                               P @ mg.markov_clv(P, R, d).to_numpy() / (1 + d))


@pytest.mark.parametrize("timing", ["start", "end"])
@pytest.mark.parametrize("horizon", [0, 1, 5, None])
def test_markov_clv_counts_like_simple_clv(timing, horizon):
    """A two-state chain (alive with retention r, or lost) is the simple constant-retention CLV."""
    from relmkt_lib.clv import simple_clv

    m, r, d = 40.0, 0.8, 0.1
    P = np.array([[r, 1 - r], [0.0, 1.0]])
    v = mg.markov_clv(P, [m, 0.0], d, horizon=horizon, timing=timing)
    assert v.iloc[0] == pytest.approx(simple_clv(m, r, d, horizon=horizon, timing=timing))
    assert v.iloc[1] == 0.0


def test_markov_clv_infinite_vs_long_finite(chain):
    P, R = chain
    np.testing.assert_allclose(mg.markov_clv(P, R, 0.05), mg.markov_clv(P, R, 0.05, horizon=2000), rtol=1e-9)


def test_pfeifer_carraway_golden():
    ref = pd.read_csv(PC_CSV)
    P = np.zeros((5, 5))
    P[:, :] = ref[[f"to_state{k}" for k in range(1, 6)]].to_numpy()
    R = ref["reward_R"].to_numpy()
    d = 0.2
    closed = np.linalg.solve(np.eye(5) - P / (1 + d), R)
    v = mg.markov_clv(P, R, d)
    np.testing.assert_allclose(v, closed, atol=1e-10)
    np.testing.assert_allclose(v, ref["V_infinite_horizon_d0.2_COMPUTED"], atol=0.01)
    P_lib, R_lib = mg.pfeifer_carraway_example()
    np.testing.assert_allclose(P_lib.to_numpy(), P)
    np.testing.assert_allclose(R_lib.to_numpy(), R)
    # policy: stop mailing state 4 (no purchase, no cost: it moves to lost with reward 0)
    P2, R2 = P.copy(), R.copy()
    P2[3] = [0, 0, 0, 0, 1]
    R2[3] = 0.0
    v2 = mg.markov_clv(P2, R2, d)
    np.testing.assert_allclose(v2, ref["V_if_stop_mailing_state4_COMPUTED"], atol=0.01)
    np.testing.assert_allclose(mg.markov_clv(*mg.pfeifer_carraway_example(mail_state4=False), d), v2)
    assert (v2[:4] > v[:4]).all()  # dropping state 4 raises every state's value


def test_pfeifer_carraway_by_simulation():
    P, R = mg.pfeifer_carraway_example()
    d, T = 0.2, 60
    disc = (1 + d) ** -np.arange(T + 1)
    for start in (1, 2):
        paths = mg.simulate_paths(P, start, T, 40_000, rng=42)  # T + 1 periods: 0..T
        sim = (R.to_numpy()[paths] * disc).sum(axis=1)
        se = sim.std() / np.sqrt(len(sim))
        assert abs(sim.mean() - mg.markov_clv(P, R, d).loc[start]) < 4 * se


def test_projection_and_steady_state(chain):
    P, _ = chain
    mix = mg.project_states(P, [1.0, 0.0, 0.0], 3)
    np.testing.assert_allclose(mix.iloc[3], np.array([1.0, 0, 0]) @ np.linalg.matrix_power(P, 3))
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    pi = mg.steady_state(P).to_numpy()
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    np.testing.assert_allclose(mg.project_states(P, [0, 1.0, 0], 500).iloc[-1], pi, atol=1e-9)
    with pytest.raises(ValueError, match="no unique steady state"):
        mg.steady_state(np.eye(2))


def test_state_rewards():
    s = pd.DataFrame({"state": ["regular", "regular", "lapsed", "first-time"], "revenue": [100.0, 300.0, 0.0, 50.0]})
    r = mg.state_rewards(s, 0.5, contact_cost={"regular": 3.0})
    assert r.to_dict() == {"first-time": 25.0, "regular": 97.0, "lapsed": 0.0}
    with pytest.raises(ValueError, match="margin_rate"):
        mg.state_rewards(s, 1.5)


@pytest.mark.parametrize("P, match", [
    (np.ones((2, 3)) / 3, "square"),
    (np.array([[1.2, -0.2], [0, 1]]), r"P\[0, 1\] = -0.2"),
    (np.array([[0.5, 0.4], [0, 1]]), "row 0 of P sums to 0.9"),
    (np.array([[0.5, np.nan], [0, 1]]), "finite"),
])
def test_markov_clv_bad_matrix(P, match):
    with pytest.raises(ValueError, match=match):
        mg.markov_clv(P, [1.0, 0.0], 0.1)


def test_markov_clv_bad_other_input(chain):
    P, R = chain
    with pytest.raises(ValueError, match="rewards has 2 values but P has 3 states"):
        mg.markov_clv(P, R[:2], 0.1)
    with pytest.raises(ValueError, match="discount_rate must be a finite rate > -1"):
        mg.markov_clv(P, R, -1.0)
    with pytest.raises(ValueError, match="diverges"):
        mg.markov_clv(P, R, 0.0)
    with pytest.raises(ValueError, match="horizon"):
        mg.markov_clv(P, R, 0.1, horizon=-1)
    with pytest.raises(TypeError, match="discount_rate must be a number"):
        mg.markov_clv(P, R, "ten")
    with pytest.raises(ValueError, match="timing must be 'start'"):
        mg.markov_clv(P, R, 0.1, timing="middle")
    with pytest.raises(TypeError, match="no argument 'discount' any more; write discount_rate="):
        mg.markov_clv(P, R, discount=0.1)
    with pytest.raises(TypeError, match=r"pass the others by keyword: horizon=\.\.\."):
        mg.markov_clv(P, R, 0.1, 5)
    named = pd.DataFrame(P, index=list("abc"), columns=list("abc"))
    with pytest.raises(ValueError, match="no value for state 'c'"):
        mg.markov_clv(named, {"a": 1.0, "b": 2.0}, 0.1)
    # zero discount is fine when every customer ends in a zero-reward absorbing state
    P2, R2 = mg.pfeifer_carraway_example()
    assert np.isfinite(mg.markov_clv(P2, R2, 0.0)).all()


def test_bad_states_and_rules(log):
    with pytest.raises(ValueError, match="freq"):
        mg.assign_states(log, customer_col="id", freq="W")
    with pytest.raises(ValueError, match="column 'when' is missing"):
        mg.assign_states(log, customer_col="id", date_col="when")
    with pytest.raises(TypeError, match="pass the others by keyword: customer_col="):
        mg.assign_states(log, "id", "date")
    with pytest.raises(ValueError, match="lapsed_after must be a whole number >= 1"):
        mg.LadderRules(lapsed_after=0)
    for bad in (3, 2, 4.5, True):
        with pytest.raises(ValueError, match=r"lost_after must be None or a whole number > lapsed_after \(3\)"):
            mg.LadderRules(lapsed_after=3, lost_after=bad)
    with pytest.raises(TypeError, match="rules must be a LadderRules"):
        mg.assign_states(log, customer_col="id", rules={"window": 2})
    with pytest.raises(ValueError, match="pass both customers and prospect_col"):
        mg.assign_states(log, customer_col="id", customers=pd.DataFrame({"id": [1]}))
    bad = pd.DataFrame({"customer_id": [1, 1], "period": ["a", "b"], "state": ["first-time", "vip"]})
    with pytest.raises(ValueError, match="'vip' is not a rung"):
        mg.transition_counts(bad)
    dup = pd.DataFrame({"customer_id": [1, 1], "period": ["a", "a"], "state": ["first-time", "lapsed"]})
    with pytest.raises(ValueError, match="two rows for customer 1"):
        mg.transition_counts(dup)
    with pytest.raises(ValueError, match="empty must be"):
        mg.transition_matrix(dup, empty="drop")
    with pytest.raises(ValueError, match="start_state must be one of"):
        mg.simulate_paths(np.eye(2), 5, 3, 10)
    with pytest.raises(TypeError, match="no argument 'start' any more; write start_state="):
        mg.simulate_paths(np.eye(2), start=0, periods=3, n_customers=10)
    with pytest.raises(ValueError, match="start_mix has 1 values"):
        mg.project_states(np.eye(2), [1.0], 3)


def test_plots_validate_and_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    P, R = mg.pfeifer_carraway_example()
    fig, ax = plt.subplots()
    assert plotting.plot_transition_matrix(P, ax=ax) is ax
    assert plotting.plot_state_mix(mg.project_states(P, [1, 0, 0, 0, 0], 5), ax=ax) is ax
    assert plotting.plot_ladder_values(mg.markov_clv(P, R, 0.2), ax=ax) is ax
    with pytest.raises(ValueError, match="finite numbers >= 0"):
        plotting.plot_transition_matrix(P * -1, ax=ax)
    with pytest.raises(TypeError, match="Series"):
        plotting.plot_ladder_values([1, 2], ax=ax)
    with pytest.raises(ValueError, match="positive total"):
        plotting.plot_state_mix(pd.DataFrame({"a": [0.0]}), ax=ax)
    plt.close("all")

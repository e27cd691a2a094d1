"""Simulators against the closed forms of the models they draw from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from relmkt_lib import simulate as sim
from relmkt_lib.simulate import (
    BGNBDParams,
    GammaGammaParams,
    ParetoNBDParams,
    sbg_survival,
    simulate_campaign,
    simulate_contractual,
    simulate_noncontractual,
)

BG = BGNBDParams(r=0.5, alpha=5.0, a=1.5, b=3.0)
PNBD = ParetoNBDParams(r=0.55, alpha=10.6, s=1.6, beta=11.7)
GG = GammaGammaParams(p=6.0, q=5.0, gamma=20.0)


def bgnbd_expected(t, r, alpha, a, b):
    """E[X(t)] for a new customer (Fader, Hardie & Lee 2005, eq. 7)."""
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def pnbd_expected(t, r, alpha, s, beta):
    """E[X(t)] for a new customer (Schmittlein et al. 1987; Fader & Hardie note)."""
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


@pytest.fixture(scope="module")
def bg_sim():
    # acquisition_days=1: every customer is observed for the same T = 365/7 weeks.
    return simulate_noncontractual(40_000, BG, acquisition_days=1, observation_days=365, rng=7, spend=GG)


def test_bgnbd_parameters_and_expected_repeat_purchases(bg_sim):
    cust = bg_sim.customers
    assert cust["lambda"].mean() == pytest.approx(BG.r / BG.alpha, rel=0.03)
    assert cust["p"].mean() == pytest.approx(BG.a / (BG.a + BG.b), rel=0.02)
    repeats = bg_sim.transactions.groupby("customer_id").size() - 1
    T = 365 / 7
    assert np.allclose(cust["T_weeks"], T)
    assert repeats.mean() == pytest.approx(bgnbd_expected(T, BG.r, BG.alpha, BG.a, BG.b), rel=0.04)


def test_bgnbd_alive_probability(bg_sim):
    """Realised 'alive' flags match P(alive | x, t_x, T, lambda, p) given each customer's truth."""
    cust = bg_sim.customers.set_index("customer_id")
    tx = bg_sim.transactions
    g = tx.groupby("customer_id")["date"]
    x = g.size() - 1
    # Purchase times are floored to days: add half a day to the last purchase's time.
    t_x = (g.max() - g.min()).dt.days / 7 + np.where(x > 0, 0.5 / 7, 0.0)
    T = cust["T_weeks"]
    lam, p = cust["lambda"], cust["p"]
    assert cust.loc[x.index[x == 0], "alive"].all()  # no dropout before a repeat purchase
    stay = (1 - p) * np.exp(-lam * (T - t_x))
    p_alive = np.where(x > 0, stay / (stay + p), 1.0)
    repeaters = (x > 0).to_numpy()
    assert cust["alive"].to_numpy()[repeaters].mean() == pytest.approx(p_alive[repeaters].mean(), abs=0.01)


def test_pareto_nbd_expected_purchases_and_survival():
    res = simulate_noncontractual(40_000, PNBD, acquisition_days=1, observation_days=365, rng=11)
    T = 365 / 7
    cust = res.customers
    assert list(res.transactions.columns) == ["customer_id", "date"]
    assert cust["mu"].mean() == pytest.approx(PNBD.s / PNBD.beta, rel=0.03)
    repeats = res.transactions.groupby("customer_id").size() - 1
    assert repeats.mean() == pytest.approx(pnbd_expected(T, *vars(PNBD).values()), rel=0.04)
    # P(lifetime > T) = (beta / (beta + T)) ** s
    assert cust["alive"].mean() == pytest.approx((PNBD.beta / (PNBD.beta + T)) ** PNBD.s, abs=0.01)


def test_gamma_gamma_spend(bg_sim):
    tx, cust = bg_sim.transactions, bg_sim.customers
    assert cust["mean_spend"].mean() == pytest.approx(GG.population_mean_spend(), rel=0.03)
    mean_by_cust = cust.set_index("customer_id")["mean_spend"]
    ratio = tx["amount"].sum() / mean_by_cust.loc[tx["customer_id"]].sum()
    assert ratio == pytest.approx(1.0, rel=0.02)
    assert (tx["amount"] > 0).all() and np.allclose(tx["amount"], tx["amount"].round(2))


def test_noncontractual_layout_and_dates():
    res = simulate_noncontractual(300, BG, acquisition_start="2023-03-01", acquisition_days=30,
                                  observation_days=200, rng=3)
    tx, cust = res.transactions, res.customers
    assert tx["date"].dtype == "datetime64[ns]"
    assert tx["customer_id"].dtype == np.int64
    first = tx.groupby("customer_id")["date"].min()
    pd.testing.assert_series_equal(first, cust.set_index("customer_id")["first_purchase"], check_names=False)
    assert cust["first_purchase"].min() >= pd.Timestamp("2023-03-01")
    assert cust["first_purchase"].max() < pd.Timestamp("2023-03-31")
    # observation_end is the last observed day, inclusive: 200 days from 2023-03-01
    assert res.observation_end == pd.Timestamp("2023-03-01") + pd.Timedelta(days=199)
    assert tx["date"].max() <= res.observation_end
    first_days = (cust["first_purchase"] - pd.Timestamp("2023-03-01")).dt.days
    np.testing.assert_allclose(cust["T_weeks"], (200 - first_days) / 7)  # exposure to the end of that day
    assert tx.equals(tx.sort_values(["customer_id", "date"]))


def test_sbg_survival_matches_closed_form():
    res = simulate_contractual(50_000, alpha=0.704, beta=1.182, n_periods=12, rng=2007)
    counts = res.active_counts
    assert list(counts.columns) == ["period", "active"]
    assert counts["active"].iloc[0] == 50_000
    assert (np.diff(counts["active"]) <= 0).all()
    expected = sbg_survival(np.arange(13), 0.704, 1.182)
    assert np.allclose(counts["active"] / 50_000, expected, atol=0.01)
    assert res.customers["theta"].mean() == pytest.approx(0.704 / (0.704 + 1.182), rel=0.02)
    assert (res.customers["periods_survived"] == 12).sum() == counts["active"].iloc[-1]
    assert res.customers["churned"].sum() == 50_000 - counts["active"].iloc[-1]


def test_sbg_survival_formula():
    # S(1) = beta / (alpha + beta); S(2) = S(1) * (beta + 1) / (alpha + beta + 1)
    s = sbg_survival([0, 1, 2], 2.0, 3.0)
    assert np.allclose(s, [1.0, 3 / 5, 3 / 5 * 4 / 6])


def test_campaign_true_lift_and_heterogeneity():
    df = simulate_campaign(100_000, base_rate=0.03, lift=0.02, treatment_share=0.7, rng=5)
    assert df["treated"].mean() == pytest.approx(0.7, abs=0.01)
    rates = df.groupby("group")["responded"].mean()
    assert rates["treatment"] - rates["control"] == pytest.approx(0.02, abs=0.004)
    rng = np.random.default_rng(0)
    base = rng.uniform(0.0, 0.1, 50_000)
    lift = np.where(base > 0.05, -0.02, 0.04)  # "sleeping dogs" among the high-base customers
    het = simulate_campaign(50_000, base, lift, rng=1)
    assert (het["p_treatment"] - het["p_control"]).mean() == pytest.approx(lift.mean())


def test_same_seed_same_output_and_different_seed_differs():
    a = simulate_noncontractual(200, PNBD, rng=42, spend=GG)
    b = simulate_noncontractual(200, PNBD, rng=42, spend=GG)
    c = simulate_noncontractual(200, PNBD, rng=43, spend=GG)
    pd.testing.assert_frame_equal(a.transactions, b.transactions)
    pd.testing.assert_frame_equal(a.customers, b.customers)
    assert not a.transactions.equals(c.transactions)
    g1 = simulate_contractual(500, 1.0, 2.0, 5, rng=np.random.default_rng(9)).active_counts
    g2 = simulate_contractual(500, 1.0, 2.0, 5, rng=9).active_counts
    pd.testing.assert_frame_equal(g1, g2)
    assert not simulate_campaign(500, 0.1, 0.05, rng=1).equals(simulate_campaign(500, 0.1, 0.05, rng=2))


def test_global_random_state_untouched():
    np.random.seed(123)
    before = np.random.get_state()
    simulate_noncontractual(100, BG, rng=None, spend=GG)
    simulate_noncontractual(100, PNBD, rng=1)
    simulate_contractual(100, 1.0, 1.0, 3, rng=None)
    simulate_campaign(100, 0.1, 0.0, rng=None)
    sim.build_boreal(n_customers=200, rng=1)
    sim.build_subscriptions(n_customers=100, rng=1)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


@pytest.mark.parametrize(
    "make",
    [
        lambda: BGNBDParams(r=-1, alpha=1, a=1, b=1),
        lambda: ParetoNBDParams(r=1, alpha=0, s=1, beta=1),
        lambda: GammaGammaParams(p=1, q=float("nan"), gamma=1),
        lambda: simulate_noncontractual(0, BG),
        lambda: simulate_noncontractual(10, BG, acquisition_days=100, observation_days=50),
        lambda: simulate_noncontractual(10, BG, acquisition_start="not a date"),
        lambda: simulate_contractual(10, alpha=0, beta=1, n_periods=3),
        lambda: simulate_contractual(10, alpha=1, beta=1, n_periods=0),
        lambda: simulate_campaign(10, base_rate=0.9, lift=0.2),
        lambda: simulate_campaign(10, base_rate=1.5, lift=0.0),
        lambda: simulate_campaign(10, base_rate=0.1, lift=0.0, treatment_share=1.0),
        lambda: simulate_campaign(10, base_rate=[0.1, 0.2], lift=0.0),
        lambda: GammaGammaParams(p=1, q=0.5, gamma=1).population_mean_spend(),
        lambda: sim.build_boreal(n_customers=10),
        lambda: sim.build_subscriptions(n_customers=0),
    ],
)
def test_bad_values_raise_value_error(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    "make, word",
    [
        (lambda: simulate_noncontractual(10, {"r": 1}), "params"),
        (lambda: simulate_noncontractual(10.5, BG), "n_customers"),
        (lambda: simulate_noncontractual(10, BG, spend=(1, 2, 3)), "spend"),
        (lambda: simulate_noncontractual(10, BG, rng="seed"), "rng"),
        (lambda: BGNBDParams(r="a", alpha=1, a=1, b=1), "BGNBDParams.r"),
        (lambda: simulate_contractual(10, 1.0, 1.0, 3.0), "n_periods"),
    ],
)
def test_bad_types_raise_type_error_naming_the_argument(make, word):
    with pytest.raises(TypeError, match=word):
        make()


def test_error_messages_name_argument_and_value():
    with pytest.raises(ValueError, match=r"BGNBDParams\.alpha.*-2"):
        BGNBDParams(r=1, alpha=-2, a=1, b=1)
    with pytest.raises(ValueError, match=r"observation_days \(50\).*acquisition_days \(100\)"):
        simulate_noncontractual(10, BG, acquisition_days=100, observation_days=50)


def test_params_are_frozen():
    with pytest.raises(AttributeError):
        BG.r = 2.0  # type: ignore[misc]


def test_builders_are_deterministic_and_small():
    a = sim.build_boreal(n_customers=300, rng=4)
    b = sim.build_boreal(n_customers=300, rng=4)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    s1 = sim.build_subscriptions(n_customers=300, rng=4)["subscribers"]
    s2 = sim.build_subscriptions(n_customers=300, rng=5)["subscribers"]
    assert not s1.equals(s2)


def test_subscriptions_baseline_follows_plan_sbg():
    """Baseline subscribers (annual, autopay, no support contact) follow their plan's sBG."""
    tables = sim.build_subscriptions(n_customers=60_000, rng=8)
    subs = tables["subscribers"]
    launch = subs[subs["start_date"] < "2021-02-01"]
    base = launch[(launch["contract"] == "annual") & launch["autopay"] & (launch["support_contacts_90d"] == 0)]
    months = np.arange(25)
    for plan, (_, alpha, beta, *_rest) in sim.SUBSCRIPTIONS_TRUTH["plans"].items():
        grp = base[base["plan"] == plan]
        life = grp["tenure_months"].where(grp["cancelled"], 10_000).to_numpy()
        observed = (life[None, :] > months[:, None]).mean(axis=1)
        assert len(grp) > 400
        assert np.allclose(observed, sbg_survival(months, alpha, beta), atol=0.05), plan


def test_observation_end_works_with_the_data_layer():
    """sim.observation_end is what summarize_transactions takes: no purchase after it, T to that day."""
    from relmkt_lib.data import summarize_transactions

    res = simulate_noncontractual(500, PNBD, acquisition_days=20, observation_days=100, rng=5)
    summary = summarize_transactions(res.transactions, observation_end=res.observation_end, time_unit="weeks")
    truth = res.customers.set_index("customer_id")["T_weeks"]
    np.testing.assert_allclose(summary["T"], truth.loc[summary.index] - 1 / 7)


def test_old_start_keyword_says_what_to_write():
    with pytest.raises(TypeError, match="no argument 'start' any more; write acquisition_start="):
        simulate_noncontractual(10, BG, start="2024-01-01")


def test_models_own_their_formulas():
    """The simulator re-exports the sBG closed form from the model, and the builders from datasets."""
    from relmkt_lib import contractual, datasets

    assert sim.sbg_survival is contractual.sbg_survival
    assert sim.build_boreal is datasets.build_boreal and sim.BOREAL_SEED == datasets.BOREAL_SEED

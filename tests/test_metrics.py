"""Campaign and relationship metrics: hand-computed values, closed forms, known truth, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from relmkt_lib import clv, datasets, metrics
from relmkt_lib.metrics import (
    average_lifetime,
    average_order_value,
    campaign_roi,
    campaign_scorecard,
    churn_rate,
    contact_outcomes,
    conversion_rate,
    cost_per_acquisition,
    cost_per_contact,
    cost_per_response,
    cost_per_transaction,
    customer_equity,
    incremental_lift,
    lifetime_value,
    purchase_frequency,
    relationship_scorecard,
    repeat_purchase_rate,
    response_rate,
    retention_rate,
    value_curves,
    value_per_customer,
)
from relmkt_lib.simulate import simulate_campaign

# ---------------------------------------------------------------- scalar measures


def test_rates_and_costs_by_hand():
    assert response_rate(45, 300) == pytest.approx(0.15)
    assert conversion_rate(30, 120) == pytest.approx(0.25)
    assert cost_per_contact(600.0, 300) == pytest.approx(2.0)
    assert cost_per_response(600.0, 45) == pytest.approx(13.3333333)
    assert cost_per_acquisition(11_050.0, 300) == pytest.approx(36.8333333)
    assert cost_per_transaction(600.0, 60) == pytest.approx(10.0)
    assert average_order_value(3_000.0, 60) == pytest.approx(50.0)
    # (3000 * 0.4 - 600) / 600 = 1.0: the margin pays the campaign twice
    assert campaign_roi(3_000.0, 600.0, 0.4) == pytest.approx(1.0)
    assert campaign_roi(0.0, 600.0, 0.4) == pytest.approx(-1.0)


def test_relationship_measures_by_hand():
    assert retention_rate(60, 80) == pytest.approx(0.75)
    assert churn_rate(20, 80) == pytest.approx(0.25)
    assert retention_rate(60, 80) + churn_rate(20, 80) == pytest.approx(1.0)
    assert repeat_purchase_rate(12, 48) == pytest.approx(0.25)
    assert purchase_frequency(150, 60) == pytest.approx(2.5)
    assert value_per_customer(6_000.0, 60) == pytest.approx(100.0)
    assert value_per_customer(6_000.0, 60, margin_rate=0.3) == pytest.approx(30.0)
    # customer equity: the value of the base (clv.customer_equity), the sum over customers
    equity = customer_equity(1_000, margin=100, retention=0.8, discount_rate=0.1)
    assert equity["equity"] == pytest.approx(1_000 * 0.8 * 100 * 1.1 / 0.3)


@pytest.mark.parametrize("churn", [0.05, 0.2, 0.5, 1.0])
def test_average_lifetime_is_the_mean_of_the_geometric_lifetime(churn):
    t = np.arange(1, 5_000)
    mean = np.sum(t * churn * (1 - churn) ** (t - 1))
    assert average_lifetime(churn) == pytest.approx(mean)


@pytest.mark.parametrize("m, r, d", [(100.0, 0.8, 0.1), (35.0, 0.3, 0.0), (50.0, 0.95, 0.12)])
def test_lifetime_value_is_the_discounted_sum_with_margins_at_period_ends(m, r, d):
    t = np.arange(1, 5_000)
    series = np.sum(m * (r / (1 + d)) ** t)
    assert lifetime_value(m, r, d) == pytest.approx(series, rel=1e-9)
    assert lifetime_value(100, 0.8, 0.1) == pytest.approx(266.6666667)


def test_each_formula_lives_once_in_clv():
    """metrics calls or re-exports the CLV formulas of clv; it does not compute them again."""
    assert metrics.customer_equity is clv.customer_equity
    assert lifetime_value(60, 0.5, 0.12) == clv.simple_clv(60, 0.5, 0.12)  # timing "end", no horizon
    # the relationship scorecard's projected value is simple_clv with timing "start"
    assert 35.0 * 1.1 / 0.6 == pytest.approx(clv.simple_clv(35.0, 0.5, 0.1, timing="start"))
    with pytest.raises(TypeError):
        lifetime_value(100, 0.8, discount=0.1)  # the glossary's word is discount_rate


# ---------------------------------------------------------------- incremental lift


def test_newcombe_interval_reproduces_newcombe_1998_table_ii():
    # Newcombe (1998), Table II, method 10: (a) 56/70 - 48/80 and (b) 9/10 - 3/10
    a = incremental_lift(56, 70, 48, 80, randomised=True)
    assert a["absolute_lift"] == pytest.approx(0.2)
    assert (round(a["ci_low"], 4), round(a["ci_high"], 4)) == (0.0524, 0.3339)
    b = incremental_lift(9, 10, 3, 10, randomised=True)
    assert (round(b["ci_low"], 4), round(b["ci_high"], 4)) == (0.1705, 0.8090)


def test_wald_interval_closed_form():
    lift = incremental_lift(56, 70, 48, 80, method="wald", confidence=0.90, randomised=True)
    half = 1.6448536 * math.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert lift["ci_low"] == pytest.approx(0.2 - half, rel=1e-6)
    assert lift["ci_high"] == pytest.approx(0.2 + half, rel=1e-6)
    assert lift["confidence"] == 0.90


def test_relative_lift_incremental_responses_and_their_cost():
    lift = incremental_lift(470, 1798, 21, 463, cost=3_208.10, randomised=True)
    p_t, p_c = 470 / 1798, 21 / 463
    assert lift["relative_lift"] == pytest.approx(p_t / p_c - 1)
    se = math.sqrt(1 / 470 - 1 / 1798 + 1 / 21 - 1 / 463)  # Katz log interval of the ratio
    assert lift["relative_ci_low"] == pytest.approx(p_t / p_c * math.exp(-1.959964 * se) - 1, rel=1e-6)
    assert lift["relative_ci_high"] == pytest.approx(p_t / p_c * math.exp(1.959964 * se) - 1, rel=1e-6)
    assert lift["incremental_responses"] == pytest.approx((p_t - p_c) * 1798)
    assert lift["cost_per_incremental_response"] == pytest.approx(3_208.10 / ((p_t - p_c) * 1798))
    # more than the naive cost per response: part of the responses would have happened anyway
    assert lift["cost_per_incremental_response"] > cost_per_response(3_208.10, 470)


def test_lift_edge_cases_are_nan_or_clipped():
    none_in_control = incremental_lift(5, 10, 0, 10, cost=100, randomised=True)
    assert math.isnan(none_in_control["relative_lift"]) and math.isnan(none_in_control["relative_ci_low"])
    negative = incremental_lift(1, 10, 5, 10, cost=100, randomised=True)
    assert negative["absolute_lift"] < 0 and math.isnan(negative["cost_per_incremental_response"])
    extreme = incremental_lift(10, 10, 0, 10, method="wald", randomised=True)
    assert extreme["ci_high"] <= 1.0 and extreme["ci_low"] >= -1.0


def test_newcombe_interval_covers_the_true_lift_about_95_percent_of_the_time():
    rng = np.random.default_rng(42)
    covered = []
    for _ in range(300):
        sim = simulate_campaign(2_000, base_rate=0.08, lift=0.03, rng=rng)
        n = sim.groupby("group")["responded"].agg(["sum", "size"])
        lift = incremental_lift(n.loc["treatment", "sum"], n.loc["treatment", "size"],
                                n.loc["control", "sum"], n.loc["control", "size"], randomised=True)
        covered.append(lift["ci_low"] <= 0.03 <= lift["ci_high"])
    assert 0.92 <= np.mean(covered) <= 0.985


# ---------------------------------------------------------------- scalar input validation


@pytest.mark.parametrize("call, match", [
    (lambda: response_rate(5, 0), "contacts is 0"),
    (lambda: response_rate(12, 10), "cannot exceed contacts"),
    (lambda: response_rate(-1, 10), "responses must be a finite number >= 0"),
    (lambda: response_rate(float("nan"), 10), "responses must be a finite number"),
    (lambda: cost_per_response(-50.0, 10), "cost must be a finite number >= 0"),
    (lambda: cost_per_response(50.0, 0), "responses is 0"),
    (lambda: cost_per_transaction(50.0, 0), "transactions is 0"),
    (lambda: campaign_roi(100.0, 0.0, 0.4), "cost must be a finite number > 0"),
    (lambda: campaign_roi(100.0, 10.0, 1.4), "margin_rate must be a probability"),
    (lambda: average_lifetime(0.0), r"churn must be a probability in \(0, 1\]"),
    (lambda: average_lifetime(1.2), "churn must be a probability"),
    (lambda: lifetime_value(100, 1.0, 0.0), "infinite when retention"),
    (lambda: lifetime_value(100, 1.2, 0.1), "retention must be finite and >= 0 and <= 1"),
    (lambda: lifetime_value(100, 0.8, -1.0), "discount_rate must be finite and > -1"),
    (lambda: retention_rate(5, 0), "at_start is 0"),
    (lambda: value_per_customer(100, 10, margin_rate=-0.1), "margin_rate must be a probability"),
    (lambda: customer_equity(10, margin=float("inf"), retention=0.5, discount_rate=0.1), "margin must be finite"),
    (lambda: incremental_lift(5, 10, 5, 10, confidence=1.0, randomised=True),
     r"confidence must be a probability in \(0, 1\)"),
    (lambda: incremental_lift(5, 10, 5, 0, randomised=True), "n_control is 0"),
    (lambda: incremental_lift(5, 10, 5, 10, method="exact", randomised=True), "method must be 'newcombe' or 'wald'"),
])
def test_bad_scalar_input_is_explained(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_text_instead_of_a_number_is_a_type_error():
    with pytest.raises(TypeError, match="contacts must be a number"):
        response_rate(5, "ten")
    with pytest.raises(TypeError, match="margin must be a number"):
        customer_equity(10, margin="a lot", retention=0.5, discount_rate=0.1)


# ---------------------------------------------------------------- from the tables: a toy case

D = pd.to_datetime


@pytest.fixture
def toy():
    """Two campaigns; every outcome below is counted by hand."""
    contacts = pd.DataFrame({
        "campaign_id": [1, 1, 1, 1, 2, 2],
        "customer_id": [10, 11, 12, 13, 10, 14],
        "contact_date": D(["2024-01-01"] * 4 + ["2024-03-01"] * 2),
        "group": ["treatment", "treatment", "control", "control", "treatment", "control"],
    })
    # customer 10: day -1 (before), day 0 and day 20 (window), day 21 and day 364 (horizon), day 365 (after)
    days = {10: [-1, 0, 20, 21, 364, 365], 11: [], 12: [5], 13: [100, 200]}
    rows = [(c, pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), 10.0 * (i + 1))
            for c, ds in days.items() for i, d in enumerate(ds)]
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    campaigns = pd.DataFrame({"campaign_id": [1, 2], "name": ["Promo", "Guide"],
                              "response_window_days": [21, 30],
                              "cost_per_contact": [1.0, 0.5], "fixed_cost": [100.0, 0.0]})
    return contacts, tx, campaigns


def test_contact_outcomes_counts_days_from_the_contact(toy):
    contacts, tx, campaigns = toy
    out = contact_outcomes(contacts, tx, campaigns, campaign_ids=[1], horizon_days=365,
                           observation_end="2025-12-31").set_index("customer_id")
    c10 = out.loc[10]
    assert c10["responded"] and c10["window_purchases"] == 2 and c10["window_revenue"] == 20 + 30
    assert c10["retained"] and c10["horizon_purchases"] == 4 and c10["horizon_revenue"] == 20 + 30 + 40 + 50
    assert not out.loc[11, "responded"] and not out.loc[11, "retained"]
    assert out.loc[11, "horizon_revenue"] == 0
    # a purchase in the window only is a response, not retention
    assert out.loc[12, "responded"] and not out.loc[12, "retained"]
    assert not out.loc[13, "responded"] and out.loc[13, "retained"] and out.loc[13, "horizon_purchases"] == 2
    assert "retained" not in contact_outcomes(contacts, tx, campaigns, observation_end="2025-12-31")


def test_observation_end_is_the_last_observed_day_inclusive(toy):
    contacts, tx, campaigns = toy
    # campaign 1: contacts on 2024-01-01, a 21-day window = days 0 to 20, the last one 2024-01-21
    extra = pd.DataFrame({"customer_id": [11], "date": [pd.Timestamp("2024-01-21 15:00")], "amount": [5.0]})
    late = pd.concat([tx, extra], ignore_index=True)
    for end in ("2024-01-21", "2024-01-21 08:00"):  # a purchase at 15:00 on that day is inside
        out = contact_outcomes(contacts, late, campaigns, campaign_ids=[1], observation_end=end)
        assert out.set_index("customer_id").loc[11, "window_revenue"] == 5.0
    _raises("goes beyond the last date of the data, 2024-01-20", contact_outcomes, contacts, late, campaigns,
            campaign_ids=[1], observation_end="2024-01-20")
    # days are calendar days: a purchase at 09:00 on day 21 is outside the window, whatever the contact's hour
    timed = contacts.assign(contact_date=contacts["contact_date"] + pd.Timedelta(hours=10))
    extra = pd.DataFrame({"customer_id": [11], "date": [pd.Timestamp("2024-01-22 09:00")], "amount": [5.0]})
    out = contact_outcomes(timed, pd.concat([tx, extra], ignore_index=True), campaigns, campaign_ids=[1],
                           observation_end="2025-12-31")
    assert not out.set_index("customer_id").loc[11, "responded"]


def test_campaign_scorecard_by_hand(toy):
    contacts, tx, campaigns = toy
    card = campaign_scorecard(contacts, tx, campaigns, margin_rate=0.5, observation_end="2025-12-31")
    promo = card.set_index("campaign_id").loc[1]
    # treated customers 10 and 11; 10 responds with 2 purchases (20 + 30 $); cost 100 + 2 x 1
    assert (promo["contacted"], promo["responses"], promo["transactions"]) == (2, 1, 2)
    assert promo["response_rate"] == 0.5 and promo["revenue"] == 50 and promo["average_order_value"] == 25
    assert promo["cost"] == 102 and promo["cost_per_response"] == 102 and promo["cost_per_transaction"] == 51
    assert promo["roi"] == pytest.approx((50 * 0.5 - 102) / 102)
    # customer 10 contacted again on 2024-03-01 (day 60): no purchase in the next 30 days
    guide = card.set_index("campaign_id").loc[2]
    assert guide["responses"] == 0 and math.isnan(guide["cost_per_response"]) and guide["cost"] == 0.5
    assert list(card["campaign_id"]) == [1, 2] and list(card["name"]) == ["Promo", "Guide"]
    cheaper = campaign_scorecard(contacts, tx, campaigns, campaign_ids=[1], fixed_cost={1: 0.0},
                                 cost_per_contact={1: 2.0}, observation_end="2025-12-31")
    assert cheaper.loc[0, "cost"] == 4.0


def test_relationship_scorecard_by_hand(toy):
    contacts, tx, campaigns = toy
    card = relationship_scorecard(contacts, tx, campaigns, randomised=True, campaign_ids=[1], margin_rate=0.5,
                                  annual_discount_rate=0.1, observation_end="2025-12-31").iloc[0]
    assert (card["treatment"], card["control"]) == (2, 2)
    assert card["retention_treatment"] == 0.5 and card["retention_control"] == 0.5
    assert card["purchases_treatment"] == 2.0 and card["purchases_control"] == 1.5
    assert card["revenue_treatment"] == 70.0 and card["revenue_control"] == (10 + 10 + 20) / 2
    assert card["revenue_incremental"] == 50.0 and card["margin_incremental"] == 25.0
    value_t = 35.0 * 1.1 / (1.1 - 0.5)   # m (1 + d) / (1 + d - r) = m + lifetime_value(m, r, d)
    assert card["projected_value_treatment"] == pytest.approx(value_t)
    assert value_t == pytest.approx(35.0 + lifetime_value(35.0, 0.5, 0.1))
    assert card["projected_value_incremental"] == pytest.approx(value_t - 10.0 * 1.1 / 0.6)
    assert card["cost_per_treated"] == 51.0
    assert card["net_value_per_contact"] == pytest.approx(card["projected_value_incremental"] - 51.0)
    assert card["equity_added"] == pytest.approx(2 * card["net_value_per_contact"])


def test_half_year_horizon_uses_the_discount_rate_of_half_a_year(toy):
    contacts, tx, campaigns = toy
    card = relationship_scorecard(contacts, tx, campaigns, randomised=True, campaign_ids=[1], horizon_days=182,
                                  margin_rate=1.0,
                                  annual_discount_rate=0.21, observation_end="2025-12-31").iloc[0]
    d = 1.21 ** (182 / 365) - 1
    m, r = card["revenue_treatment"], card["retention_treatment"]
    assert card["projected_value_treatment"] == pytest.approx(m * (1 + d) / (1 + d - r))


def test_campaign_without_control_group_gets_nan_increments(toy):
    contacts, tx, campaigns = toy
    treated_only = contacts[contacts["group"] == "treatment"]
    card = relationship_scorecard(treated_only, tx, campaigns, campaign_ids=[1], observation_end="2025-12-31")
    assert card.loc[0, "control"] == 0 and math.isnan(card.loc[0, "retention_incremental"])


def test_value_curves_end_at_the_scorecards_revenue(toy):
    contacts, tx, campaigns = toy
    curves = value_curves(contacts, tx, campaign_ids=[1], horizon_days=365, observation_end="2025-12-31")
    last = curves[curves["day"] == 364].set_index("group")["revenue_per_customer"]
    card = relationship_scorecard(contacts, tx, campaigns, randomised=True, campaign_ids=[1],
                                  observation_end="2025-12-31")
    assert last["treatment"] == card.loc[0, "revenue_treatment"]
    assert last["control"] == card.loc[0, "revenue_control"]
    for _, g in curves.groupby("group"):
        assert g["revenue_per_customer"].is_monotonic_increasing


# ---------------------------------------------------------------- table input validation


def _raises(match, fn, *args, **kwargs):
    with pytest.raises(ValueError, match=match):
        fn(*args, **kwargs)


def test_horizon_beyond_the_data_names_the_last_date_and_the_fix(toy):
    contacts, tx, campaigns = toy
    # the data end on 2024-12-31 (customer 10's last purchase, day 365 of a leap year): campaign 2,
    # contacted on 2024-03-01, has 306 days of data from its contact day on
    _raises(r"campaign 2 goes beyond the last date of the data, 2024-12-31.*"
            r"horizon_days <= 306.*campaign_ids=\[1\]", relationship_scorecard, contacts, tx, campaigns)
    _raises("horizon_days <= 306", value_curves, contacts, tx)
    assert len(relationship_scorecard(contacts, tx, campaigns, randomised=True, horizon_days=306)) == 2
    _raises("response window of campaign 1", campaign_scorecard, contacts, tx, campaigns,
            observation_end="2024-01-10")


@pytest.mark.parametrize("horizon", [21, 10, 100.5])
def test_horizon_must_be_whole_days_longer_than_the_window(toy, horizon):
    contacts, tx, campaigns = toy
    _raises("horizon_days must be a whole number of days longer than the response window",
            relationship_scorecard, contacts, tx, campaigns, campaign_ids=[1], horizon_days=horizon,
            observation_end="2025-12-31")


def test_bad_tables_are_explained(toy):
    contacts, tx, campaigns = toy
    end = {"observation_end": "2025-12-31"}
    _raises("column 'group' is missing from contacts", campaign_scorecard, contacts.drop(columns="group"), tx,
            campaigns)
    _raises("column 'group' of contacts.*'treated'", campaign_scorecard,
            contacts.assign(group=contacts["group"].replace("treatment", "treated")), tx, campaigns)
    _raises("repeat a .campaign_id, customer_id. pair.*drop_duplicates", campaign_scorecard,
            pd.concat([contacts, contacts.iloc[[0]]]), tx, campaigns)
    _raises(r"column 'contact_date' of contacts: 1 row\(s\) cannot be read as a date; the first is row 2 "
            r"\(value 'soon'\)\. Fix or remove", campaign_scorecard,
            contacts.assign(contact_date=["2024-01-01"] * 2 + ["soon"] + ["2024-01-01"] + ["2024-03-01"] * 2),
            tx, campaigns)
    _raises("column 'amount' of transactions: 1 row.*negative", campaign_scorecard, contacts,
            tx.assign(amount=tx["amount"].where(tx.index != 2, -5.0)), campaigns)
    _raises(r"campaign 9 has no row in contacts; the campaigns with contacts are \[1, 2\]",
            campaign_scorecard, contacts, tx, campaigns, campaign_ids=[9])
    _raises("have no row in campaigns", campaign_scorecard, contacts, tx, campaigns.iloc[[0]], **end)
    _raises("cost_per_contact\\[1\\] must be a finite number >= 0", campaign_scorecard, contacts, tx,
            campaigns,
            cost_per_contact={1: -0.5}, **end)
    _raises("not among the campaigns scored", campaign_scorecard, contacts, tx, campaigns, campaign_ids=[1],
            fixed_cost={2: 10.0}, **end)
    _raises("column 'fixed_cost' of campaigns.*negative", campaign_scorecard, contacts, tx,
            campaigns.assign(fixed_cost=[-1.0, 0.0]), **end)
    _raises("margin_rate must be a probability", campaign_scorecard, contacts, tx, campaigns, margin_rate=40,
            **end)
    _raises("annual_discount_rate must be a finite number >= 0", relationship_scorecard, contacts, tx, campaigns,
            campaign_ids=[1], annual_discount_rate=-0.1, **end)
    with pytest.raises(TypeError, match="must be a mapping"):
        campaign_scorecard(contacts, tx, campaigns, cost_per_contact=1.0, **end)
    with pytest.raises(TypeError, match="contacts must be a pandas DataFrame"):
        campaign_scorecard(contacts.to_dict(), tx, campaigns)


def test_text_dates_are_read_as_in_validate_transactions(toy):
    contacts, tx, campaigns = toy
    end = {"observation_end": "2025-12-31"}
    text_contacts = contacts.assign(contact_date=contacts["contact_date"].dt.strftime("%Y-%m-%d"))
    text_tx = tx.assign(date=tx["date"].dt.strftime("%Y-%m-%d"))
    before = [text_contacts.copy(), text_tx.copy()]
    pd.testing.assert_frame_equal(contact_outcomes(text_contacts, text_tx, campaigns, horizon_days=365, **end),
                                  contact_outcomes(contacts, tx, campaigns, horizon_days=365, **end))
    pd.testing.assert_frame_equal(campaign_scorecard(text_contacts, text_tx, campaigns, **end),
                                  campaign_scorecard(contacts, tx, campaigns, **end))
    one = {"randomised": True, "campaign_ids": [1], **end}
    pd.testing.assert_frame_equal(relationship_scorecard(text_contacts, text_tx, campaigns, **one),
                                  relationship_scorecard(contacts, tx, campaigns, **one))
    pd.testing.assert_frame_equal(value_curves(text_contacts, text_tx, horizon_days=30, **end),
                                  value_curves(contacts, tx, horizon_days=30, **end))
    # the default observation_end is the last transaction's day, text or not
    pd.testing.assert_frame_equal(contact_outcomes(text_contacts, text_tx, campaigns),
                                  contact_outcomes(contacts, tx, campaigns))
    for old, new in zip(before, [text_contacts, text_tx]):
        pd.testing.assert_frame_equal(old, new)  # the caller's tables stay text


def test_unreadable_or_missing_dates_name_the_column_and_first_row(toy):
    contacts, tx, campaigns = toy
    text_tx = tx.assign(date=tx["date"].dt.strftime("%Y-%m-%d"))
    text_tx.loc[3, "date"] = "2024-02-30"
    text_tx.loc[5, "date"] = "later"
    _raises(r"column 'date' of transactions: 2 row\(s\) cannot be read as a date; the first is row 3 "
            r"\(value '2024-02-30'\)\. Fix or remove those rows", contact_outcomes, contacts, text_tx, campaigns)
    _raises(r"column 'date' of transactions: 2 row\(s\) cannot be read as a date; the first is row 3",
            campaign_scorecard, contacts, text_tx, campaigns)
    missing = contacts.assign(contact_date=contacts["contact_date"].where(contacts.index != 4))
    _raises(r"column 'contact_date' of contacts: 1 row\(s\) have no date; the first is row 4", campaign_scorecard,
            missing, tx, campaigns)
    numbers = contacts.assign(contact_date=20240101)
    _raises(r"column 'contact_date' of contacts: 6 row\(s\) hold numbers, not dates", contact_outcomes,
            numbers, tx, campaigns)


def test_the_callers_tables_are_not_modified(toy):
    contacts, tx, campaigns = toy
    before = [t.copy() for t in toy]
    end = {"observation_end": "2025-12-31"}
    campaign_scorecard(contacts, tx, campaigns, cost_per_contact={1: 3.0}, **end)
    relationship_scorecard(contacts, tx, campaigns, randomised=True, fixed_cost={2: 9.0}, **end)
    value_curves(contacts, tx, **end)
    contact_outcomes(contacts, tx, campaigns, horizon_days=100, **end)
    for old, new in zip(before, toy):
        pd.testing.assert_frame_equal(old, new)


# ---------------------------------------------------------------- Boreal: the decision that reverses


@pytest.fixture(scope="module")
def boreal():
    b = datasets.load_boreal()
    return b["contacts"], b["transactions"], b["campaigns"]


def test_boreal_response_flags_are_recomputed_from_the_transactions(boreal):
    contacts, tx, campaigns = boreal
    out = contact_outcomes(contacts, tx, campaigns)
    assert out["responded"].tolist() == contacts["responded"].tolist()


def test_boreal_scorecards_match_the_data_card(boreal):
    tx_card = campaign_scorecard(*boreal, campaign_ids=[5, 4]).set_index("campaign_id")
    rel = relationship_scorecard(*boreal, randomised=True, campaign_ids=[5, 4]).set_index("campaign_id")
    assert tx_card["response_rate"].round(3).tolist() == [0.263, 0.174]
    assert tx_card["cost_per_response"].round(2).tolist() == [6.78, 36.71]
    assert round(tx_card.loc[5, "cost"], 2) == 3206.20
    retention = rel[["retention_treatment", "retention_control"]].round(3)
    assert retention.loc[5].tolist() == [0.278, 0.273] and retention.loc[4].tolist() == [0.606, 0.456]
    revenue = rel[["revenue_treatment", "revenue_control"]].round(2)
    assert revenue.loc[5].tolist() == [91.43, 72.05]
    assert revenue.loc[4].tolist() == [215.52, 123.86]
    # the decision reverses
    assert tx_card.loc[5, "response_rate"] > tx_card.loc[4, "response_rate"]
    assert tx_card.loc[5, "cost_per_transaction"] < tx_card.loc[4, "cost_per_transaction"]
    assert tx_card.loc[5, "roi"] > tx_card.loc[4, "roi"]
    for col in ("retention_incremental", "revenue_incremental", "net_value_per_contact", "equity_added"):
        assert rel.loc[4, col] > rel.loc[5, col], col


def test_boreal_horizon_error_names_the_end_of_the_data(boreal):
    _raises(r"campaign 9 goes beyond the last date of the data, 2025-12-31.*horizon_days <= 325",
            relationship_scorecard, *boreal)


def test_module_exports_are_documented_with_examples():
    for name in metrics.__all__:
        doc = getattr(metrics, name).__doc__
        assert doc and ">>>" in doc, f"{name} lacks a docstring example"


# ---------------------------------------------------------------- plots


@pytest.fixture
def cards(toy):
    contacts, tx, campaigns = toy
    end = {"observation_end": "2025-12-31"}
    return (campaign_scorecard(contacts, tx, campaigns, campaign_ids=[1], **end),
            relationship_scorecard(contacts, tx, campaigns, randomised=True, campaign_ids=[1], **end))


def test_plots_draw_and_label(cards, toy):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relmkt_lib import plotting

    fig = plotting.plot_scorecards(*cards)  # the figure-level plot: a grid of panels
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 6
    assert "RELATIONSHIP LENS" in fig.axes[1].get_title(loc="left")
    fig = plotting.plot_scorecards(*cards, measures=(["cost_per_response"], ["retention", "equity_added"]))
    assert len(fig.axes) == 4 and not fig.axes[2].get_visible()  # row 2, transactional: nothing to show
    mine = plt.figure()
    assert plotting.plot_scorecards(*cards, fig=mine) is mine and len(mine.axes) == 6
    fig, ax = plt.subplots()
    lifts = pd.DataFrame({"a": incremental_lift(30, 100, 20, 100, randomised=True),
                          "b": incremental_lift(5, 100, 20, 100, randomised=True)}).T
    assert plotting.plot_lift(lifts, ax=ax) is ax
    fig, ax = plt.subplots()
    curves = value_curves(toy[0], toy[1], observation_end="2025-12-31", horizon_days=30)
    plotting.plot_value_curves(curves, incremental=False, window_days=21, ax=ax)
    assert ax.get_ylabel() == "Revenue per selected customer ($)"
    plt.close("all")


def test_plots_reject_bad_input(cards):
    from relmkt_lib import plotting

    transactional, relationship = cards
    _raises("same campaigns", plotting.plot_scorecards, transactional, relationship.assign(campaign_id=7))
    _raises("measure 'ltv' is not one of", plotting.plot_scorecards, transactional, relationship,
            measures=(["ltv"], ["retention"]))
    import matplotlib.pyplot as plt

    used, _ = plt.subplots()
    _raises("fig must be an empty Figure", plotting.plot_scorecards, transactional, relationship, fig=used)
    plt.close("all")
    lifts = pd.DataFrame({"a": incremental_lift(3, 10, 2, 10, randomised=True),
                          "b": incremental_lift(3, 10, 2, 10, confidence=0.9, randomised=True)}).T
    _raises("mix confidence levels", plotting.plot_lift, lifts)
    _raises("column 'ci_low' is missing", plotting.plot_lift, lifts.drop(columns="ci_low"))
    curves = pd.DataFrame({"campaign_id": 1, "group": "treatment", "day": [0, 1],
                           "revenue_per_customer": [0.0, 1.0]})
    _raises("needs a treatment and a control curve", plotting.plot_value_curves, curves)


def test_a_campaign_listed_twice_is_refused(toy):
    contacts, tx, campaigns = toy
    twice = pd.concat([campaigns, campaigns.iloc[[0]]], ignore_index=True)
    _raises(r"column 'campaign_id' of campaigns: 1 row\(s\) repeat a campaign id.*one row per campaign",
            campaign_scorecard, contacts, tx, twice, observation_end="2025-12-31")


# ---------------------------------------------------------------- vectorised rates (issue 10)

RATES = [
    (response_rate, "responses", "contacts", True), (conversion_rate, "conversions", "base", True),
    (retention_rate, "retained", "at_start", True), (churn_rate, "lost", "at_start", True),
    (repeat_purchase_rate, "repeat_buyers", "buyers", True), (purchase_frequency, "purchases", "customers", True),
    (cost_per_contact, "cost", "contacts", False), (cost_per_response, "cost", "responses", False),
    (cost_per_acquisition, "cost", "new_customers", False), (cost_per_transaction, "cost", "transactions", False),
    (average_order_value, "revenue", "transactions", False), (value_per_customer, "revenue", "customers", False),
]


@pytest.mark.parametrize("fn, top, bottom, counted", RATES, ids=[r[0].__name__ for r in RATES])
def test_every_rate_takes_numbers_arrays_or_series(fn, top, bottom, counted):
    idx = pd.Index(["mail", "call", "tdep"], name="campaign")
    num, den = pd.Series([3, 0, 10], index=idx), pd.Series([10, 4, 10], index=idx)
    out = fn(num, den)
    assert isinstance(out, pd.Series) and out.index.equals(idx) and out.name == fn.__name__
    np.testing.assert_allclose(out.to_numpy(), [0.3, 0.0, 1.0])
    assert isinstance(fn(3, 10), float) and fn(3, 10) == pytest.approx(0.3)  # scalars in, float out, as before
    arr = fn(np.array([3, 0]), [10, 4])
    assert isinstance(arr, np.ndarray) and arr.tolist() == pytest.approx([0.3, 0.0])
    assert fn(num.to_numpy(), den).index.equals(idx)  # an array aligned with a Series by position
    assert fn(num, 10).tolist() == pytest.approx([0.3, 0.0, 1.0])  # a single number is broadcast
    with pytest.raises(ValueError, match=rf"{bottom} is 0 at label 'call' \(position 1\)"):
        fn(num, den.where(den.index != "call", 0))
    with pytest.raises(ValueError, match=f"{top} and {bottom} are Series with different indexes"):
        fn(num, den.iloc[::-1])
    with pytest.raises(ValueError, match="same length"):
        fn([1, 2], [3, 4, 5])
    with pytest.raises(TypeError, match=rf"{top} must be a number, not True/False \(True\)"):
        fn(True, 10)
    with pytest.raises(TypeError, match=rf"{bottom} must be a number, not text \('100'\).*pandas.to_numeric"):
        fn(3, "100")
    with pytest.raises(TypeError, match=rf"{top} must be a number, not True/False \(True\) at label 'mail'"):
        fn(pd.Series([True, False, True], index=idx), den)
    with pytest.raises(ValueError, match=rf"{bottom} must be a whole number.*got 2.5 at position 1"):
        fn([1, 1], [4, 2.5])
    if counted:
        with pytest.raises(ValueError, match=rf"{top} must be a whole number"):
            fn(2.5, 10)
    else:
        assert fn(2.5, 10) == pytest.approx(0.25)  # money may have cents


def test_rates_take_nullable_and_numpy_counts():
    assert response_rate(np.int64(3), np.int32(4)) == 0.75
    nullable = pd.Series([1, 2], dtype="Int64")
    assert response_rate(nullable, pd.Series([2, 4], dtype="Int64")).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="responses must be a finite number >= 0, got .* at label 1"):
        response_rate(pd.Series([1, None], dtype="Int64"), 4)
    with pytest.raises(ValueError, match=r"responses \(12\) cannot exceed contacts \(10\) at label 'b'"):
        response_rate(pd.Series([1, 12], index=["a", "b"]), 10)
    with pytest.raises(TypeError, match="not a DataFrame"):
        response_rate(pd.DataFrame({"r": [1]}), 4)


def test_roi_lifetime_and_value_per_customer_are_vectorised():
    idx = pd.Index([5, 4])
    roi = campaign_roi(pd.Series([10_000.0, 500.0], index=idx), pd.Series([1_000.0, 1_000.0], index=idx), 0.3)
    assert roi.index.equals(idx) and roi.tolist() == pytest.approx([2.0, -0.85])
    with pytest.raises(ValueError, match=r"cost must be a finite number > 0, got 0.0 at position 1"):
        campaign_roi(100.0, [10.0, 0.0], 0.3)
    with pytest.raises(ValueError, match=r"margin_rate must be a probability in \[0, 1\], got 1.4 at position 1"):
        campaign_roi(100.0, 10.0, [0.3, 1.4])
    assert average_lifetime(pd.Series([0.2, 0.5])).tolist() == pytest.approx([5.0, 2.0])
    with pytest.raises(ValueError, match=r"churn must be a probability in \(0, 1\], got 0.0 at position 1"):
        average_lifetime([0.5, 0.0])
    value = value_per_customer(pd.Series([600.0, 100.0]), [6, 4], margin_rate=[0.5, 0.4])
    assert value.tolist() == pytest.approx([50.0, 10.0])
    with pytest.raises(TypeError, match="margin_rate must be a number, not True/False"):
        value_per_customer(100.0, 4, margin_rate=True)


# ---------------------------------------------------------------- randomised or not (issue 10)


def test_incremental_lift_says_whether_the_groups_were_random():
    from relmkt_lib.exceptions import DataWarning, NotRandomisedWarning

    assert issubclass(NotRandomisedWarning, DataWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        random = incremental_lift(56, 70, 48, 80, randomised=True)  # no warning
    assert random["randomised"] == 1.0 and random.dtype == float
    with pytest.warns(NotRandomisedWarning, match=r"not formed at random \(randomised=False\).*not a causal"):
        chosen = incremental_lift(56, 70, 48, 80, randomised=False)
    with pytest.warns(NotRandomisedWarning, match="not said how the groups were formed; pass randomised=True"):
        unsaid = incremental_lift(56, 70, 48, 80)
    for lift in (chosen, unsaid):
        assert lift["randomised"] == 0.0
        pd.testing.assert_series_equal(lift.drop("randomised"), random.drop("randomised"))  # same numbers
    with pytest.raises(TypeError, match="randomised must be True"):
        incremental_lift(56, 70, 48, 80, randomised="yes")
    with pytest.raises(ValueError, match="n_treatment must be a whole number"):
        incremental_lift(5, 10.5, 4, 10, randomised=True)
    with pytest.raises(TypeError, match="responses_treatment must be a single number"):
        incremental_lift(pd.Series([5, 6]), 10, 4, 10, randomised=True)


def test_relationship_scorecard_says_whether_the_groups_were_random(toy):
    from relmkt_lib.exceptions import NotRandomisedWarning

    contacts, tx, campaigns = toy
    end = {"observation_end": "2025-12-31", "horizon_days": 300}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        random = relationship_scorecard(contacts, tx, campaigns, randomised=True, **end)
        treated_only = relationship_scorecard(contacts[contacts["group"] == "treatment"], tx, campaigns,
                                              campaign_ids=[1], **end)  # no control group: nothing compared
    assert random["randomised"].tolist() == [True, True]
    assert not treated_only.loc[0, "randomised"] and math.isnan(treated_only.loc[0, "retention_incremental"])
    with pytest.warns(NotRandomisedWarning, match=r"campaign\(s\) \[1, 2\]: it was not said.*equity_added"):
        unsaid = relationship_scorecard(contacts, tx, campaigns, **end)
    assert unsaid["randomised"].tolist() == [False, False]
    pd.testing.assert_frame_equal(unsaid.drop(columns="randomised"), random.drop(columns="randomised"))
    with pytest.warns(NotRandomisedWarning, match=r"campaign\(s\) \[2\]: the groups were not formed at random"):
        mixed = relationship_scorecard(contacts, tx, campaigns, randomised={1: True, 2: False}, **end)
    assert mixed["randomised"].tolist() == [True, False]
    _raises("randomised: campaign 7 is not among the campaigns scored", relationship_scorecard, contacts, tx,
            campaigns, randomised={7: True}, **end)


def test_plots_flag_comparisons_that_are_not_randomised(cards):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relmkt_lib import plotting

    with pytest.warns(UserWarning):
        lifts = pd.DataFrame({"1 call vs 2+": incremental_lift(30, 100, 20, 100, randomised=False),
                              "hold-out": incremental_lift(30, 100, 20, 100, randomised=True)}).T
    fig, ax = plt.subplots()
    labels = [t.get_text() for t in plotting.plot_lift(lifts, ax=ax).get_yticklabels()]
    assert labels == ["1 call vs 2+\n(not randomised)", "hold-out"]
    transactional, relationship = cards
    fig = plotting.plot_scorecards(transactional, relationship.assign(randomised=False))
    assert "not drawn at random" in fig.axes[1].get_title(loc="left")
    assert "not drawn at random" not in plotting.plot_scorecards(*cards).axes[1].get_title(loc="left")
    plt.close("all")


# ---------------------------------------------------------------- any contact log (issue 10)


@pytest.fixture
def calls():
    """A call centre's log, one row per call, text ids and columns of its own; deposits as transactions."""
    log = pd.DataFrame({
        "client": ["c1", "c1", "c1", "c2", "c3", "c3", "c4", "c5"],
        "camp": ["tdep"] * 6 + ["card"] * 2,
        "called": ["2024-05-02", "2024-05-09", "2024-05-20", "2024-05-03", "2024-05-03", "2024-05-06",
                   "2024-06-01", "2024-06-01"],
        "arm": ["treatment"] * 7 + ["control"],
    })
    deposits = pd.DataFrame({"client": ["c1", "c3", "c5", "c4"], "day": ["2024-05-25", "2024-07-01", "2024-06-10",
                                                                         "2024-06-05"],
                             "sum": [5_000.0, 2_000.0, 100.0, 300.0]})
    settings = pd.DataFrame({"camp": ["tdep", "card"], "response_window_days": [30, 14],
                             "cost_per_contact": [4.0, 1.0], "fixed_cost": [100.0, 0.0]})
    cols = dict(customer_col="client", date_col="day", amount_col="sum", campaign_col="camp",
                contact_date_col="called", group_col="arm", observation_end="2024-12-31")
    return log, deposits, settings, cols


def test_contact_outcomes_on_a_log_with_one_row_per_call(calls):
    log, deposits, settings, cols = calls
    out = contact_outcomes(log, deposits, settings, rows="contact", **cols).set_index("client")
    assert list(out.columns[:4]) == ["camp", "called", "arm", "contacts"]
    # c1: called 3 times from 2024-05-02 (day 0); deposit on 05-25, day 23: inside the 30-day window
    assert out.loc["c1", "contacts"] == 3 and out.loc["c1", "called"] == pd.Timestamp("2024-05-02")
    assert out.loc["c1", "responded"] and out.loc["c1", "window_revenue"] == 5_000.0
    # c3: first call 05-03, deposit 07-01 = day 59: too late; c2: no deposit
    assert not out.loc["c3", "responded"] and not out.loc["c2", "responded"]
    # response by number of calls (contact pressure): a plain groupby on the contacts column
    by_calls = out[out["camp"] == "tdep"].groupby("contacts")["responded"].mean()
    assert by_calls.to_dict() == {1: 0.0, 2: 0.0, 3: 1.0}
    _raises(r"column 'client' of contacts: 3 row\(s\) repeat a \(camp, client\) pair.*pass rows='contact'",
            contact_outcomes, log, deposits, settings, **cols)
    _raises("rows must be 'customer'", contact_outcomes, log, deposits, settings, rows="call", **cols)
    both = log.assign(arm=["treatment", "control"] + ["treatment"] * 5 + ["control"])
    _raises(r"column 'client' of contacts: 3 row\(s\) are both treated and control in one campaign",
            contact_outcomes, both, deposits, settings, rows="contact", **cols)


def test_scorecards_count_customers_and_contacts_and_cost_per_contact_or_customer(calls):
    log, deposits, settings, cols = calls
    card = campaign_scorecard(log, deposits, settings, rows="contact", **cols).set_index("campaign_id")
    assert card.index.tolist() == ["card", "tdep"]  # text ids, sorted
    tdep = card.loc["tdep"]
    assert (tdep["contacted"], tdep["contacts"], tdep["responses"]) == (3, 6, 1)
    assert tdep["response_rate"] == pytest.approx(1 / 3)  # responding customers / contacted customers
    assert tdep["name"] == "tdep" and tdep["cost"] == 100 + 4.0 * 6  # per contact (each call is paid)
    per_customer = campaign_scorecard(log, deposits, settings, rows="contact", per="customer", campaign_ids=["tdep"],
                                      **cols)
    assert per_customer.loc[0, "cost"] == 100 + 4.0 * 3
    _raises("per must be 'contact'", campaign_scorecard, log, deposits, settings, rows="contact", per="call", **cols)
    rel = relationship_scorecard(log, deposits, settings, rows="contact", randomised=True, campaign_ids=["card"],
                                 horizon_days=100, **cols).iloc[0]
    assert (rel["treatment"], rel["control"], rel["randomised"]) == (1, 1, True)
    assert rel["revenue_treatment"] == 300.0 and rel["revenue_control"] == 100.0 and rel["cost_per_treated"] == 1.0


def test_text_campaign_ids_are_named_and_matched(calls):
    log, deposits, settings, cols = calls
    _raises(r"campaign_ids: campaign 'tdpe' has no row in contacts; the campaigns with contacts are "
            r"\['card', 'tdep'\]", campaign_scorecard, log, deposits, settings, rows="contact", campaign_ids=["tdpe"],
            **cols)
    numbered = log.assign(camp=log["camp"].map({"tdep": "5", "card": "6"}))
    _raises(r"campaign 5 has no row in contacts \(the ids in contacts are str: write '5'\)", campaign_scorecard,
            numbered, deposits, settings, rows="contact", campaign_ids=[5], **cols)
    mixed = log.assign(camp=["tdep"] * 5 + [7, "card", "card"])
    _raises(r"column 'camp' of contacts: 1 row\(s\) hold text while the others hold numbers|"
            r"column 'camp' of contacts: 1 row\(s\) hold", campaign_scorecard, mixed, deposits, settings,
            rows="contact", **cols)
    _raises(r"column 'client' holds text in contacts but numbers in transactions", campaign_scorecard, log,
            deposits.assign(client=[1, 3, 5, 4]), settings, rows="contact", **cols)
    _raises(r"the response window of campaign 'tdep' goes beyond the last date of the data, 2024-05-20",
            campaign_scorecard, log, deposits, settings, rows="contact", **{**cols, "observation_end": "2024-05-20"})
    _raises("observation_end must be a date such as '2024-12-31'", campaign_scorecard, log, deposits, settings,
            rows="contact", **{**cols, "observation_end": "end of March"})


def test_a_log_without_control_group_and_a_settings_table_without_costs(calls):
    log, deposits, settings, cols = calls
    treated = log[log["arm"] == "treatment"].drop(columns="arm")
    windows = settings[["camp", "response_window_days"]]
    card = campaign_scorecard(treated, deposits, windows, rows="contact", cost_per_contact={"tdep": 3.0, "card": 1.0},
                              fixed_cost={"tdep": 0.0, "card": 0.0}, **{**cols, "group_col": None})
    assert card.set_index("campaign_id").loc["tdep", "cost"] == 18.0
    _raises(r"column 'fixed_cost' is missing from campaigns.*fixed_cost=\{campaign_id: dollars\}",
            campaign_scorecard, treated, deposits, windows, rows="contact", cost_per_contact={"tdep": 3.0},
            campaign_ids=["tdep"], **{**cols, "group_col": None})
    _raises("column 'response_window_days' is missing from campaigns.*response window of each campaign",
            contact_outcomes, treated, deposits, settings.drop(columns="response_window_days"), rows="contact",
            **{**cols, "group_col": None})
    before = [log.copy(), deposits.copy(), settings.copy()]
    relationship_scorecard(log, deposits, settings, rows="contact", randomised=True, campaign_ids=["card"],
                           horizon_days=100, **cols)
    for old, new in zip(before, [log, deposits, settings]):
        pd.testing.assert_frame_equal(old, new)


def test_time_zones_and_times_of_day_are_local_calendar_days(toy):
    """tz-aware dates (and observation_end) are read as their own local days, as in the data layer."""
    contacts, tx, campaigns = toy
    end = {"observation_end": "2025-12-31", "campaign_ids": [1]}
    plain_card = campaign_scorecard(contacts, tx, campaigns, **end)
    zoned = tx.assign(date=(tx["date"] + pd.Timedelta(hours=15)).dt.tz_localize("America/Montreal"))
    pd.testing.assert_frame_equal(campaign_scorecard(contacts, zoned, campaigns, **end), plain_card)
    aware_end = {**end, "observation_end": pd.Timestamp("2025-12-31 09:00", tz="America/Montreal")}
    pd.testing.assert_frame_equal(campaign_scorecard(contacts, tx, campaigns, **aware_end), plain_card)

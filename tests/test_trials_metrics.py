"""Issue 10, section 2: every case of the real-data trials' campaign section ends A or B.

The cases are those of ``shared/reviews/2026-11-30-real-data-trials.md``, "Campaign metrics on a
real telemarketing log (one row per client, number of calls, outcome)", plus the silent 0.0 of
``cohorts.firm_value`` from its C list. Classes: A = a clear error naming the problem and the fix;
B = the input is handled correctly (with a warning where the result needs a caveat). Each test
names its class.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from relmkt_lib import cohorts, metrics
from relmkt_lib.exceptions import NotRandomisedWarning


@pytest.fixture
def telemarketing():
    """A small per-call log like the trial's (text campaign id 'tdep', several calls per client, no control)."""
    calls = pd.DataFrame({
        "client_id": [101, 101, 102, 103, 103, 103, 104, 105],
        "campaign": "tdep",
        "call_date": ["2024-05-02", "2024-05-06", "2024-05-02", "2024-05-03", "2024-05-08", "2024-05-15",
                      "2024-05-04", "2024-05-04"],
    })
    deposits = pd.DataFrame({"client_id": [101, 104, 105], "opened": ["2024-05-10", "2024-05-05", "2024-05-30"],
                             "deposit": [2_500.0, 1_000.0, 4_000.0]})
    settings = pd.DataFrame({"campaign": ["tdep"], "response_window_days": [30], "cost_per_contact": [6.0],
                             "fixed_cost": [50.0]})
    cols = dict(rows="contact", customer_col="client_id", date_col="opened", amount_col="deposit",
                campaign_col="campaign", contact_date_col="call_date", group_col=None, observation_end="2024-06-30")
    return calls, deposits, settings, cols


# ------------------------------------------------------------------ rate functions


def test_series_in_gives_series_out_class_b():
    """Was D: ``response_rate(series, series)`` failed and printed the whole Series. Now one rate per row."""
    responses = pd.Series([30, 12], index=pd.Index(["1 call", "2+ calls"], name="calls"))
    contacts = pd.Series([200, 150], index=responses.index)
    rates = metrics.response_rate(responses, contacts)
    assert rates.index.equals(responses.index) and rates.tolist() == pytest.approx([0.15, 0.08])
    with pytest.raises(ValueError, match="responses and contacts are Series with different indexes; align"):
        metrics.response_rate(responses, contacts.iloc[::-1])  # misaligned: class A


def test_a_boolean_count_is_refused_class_a():
    """Was C: ``response_rate(True, 1)`` gave 1.0."""
    with pytest.raises(TypeError, match=r"responses must be a number, not True/False \(True\); count the True"):
        metrics.response_rate(True, 1)


def test_a_fractional_count_is_refused_class_a():
    """Was C: ``response_rate(2.5, 10)`` gave 0.25."""
    with pytest.raises(ValueError, match=r"responses must be a whole number .*got 2.5"):
        metrics.response_rate(2.5, 10)


def test_text_numbers_are_refused_class_a():
    """Was C: ``response_rate('12', '100')`` gave 0.12."""
    with pytest.raises(TypeError, match=r"responses must be a number, not text \('12'\); convert it first with "
                                        r"pandas.to_numeric"):
        metrics.response_rate("12", "100")


def test_a_zero_base_in_an_array_names_its_label_class_a():
    with pytest.raises(ValueError, match=r"contacts is 0 at label 'tdep' \(position 1\)"):
        metrics.cost_per_contact(pd.Series([10.0, 5.0], index=["mail", "tdep"]),
                                 pd.Series([4, 0], index=["mail", "tdep"]))


# ------------------------------------------------------------------ scorecards on any log


def test_scorecards_take_the_logs_own_column_names_and_text_ids_class_b(telemarketing):
    """Was D: fixed column names, and campaign 'tdep' gave "invalid literal for int()"."""
    calls, deposits, settings, cols = telemarketing
    card = metrics.campaign_scorecard(calls, deposits, settings, campaign_ids=["tdep"], **cols).iloc[0]
    assert card["campaign_id"] == "tdep"
    # 5 clients, 8 calls; 101 (day 8) and 104 (day 1) opened a deposit in the window, 105 on day 26 too
    assert (card["contacted"], card["contacts"], card["responses"]) == (5, 8, 3)
    assert card["response_rate"] == pytest.approx(3 / 5)
    assert card["revenue"] == 7_500.0


def test_one_row_per_call_is_accepted_and_costs_per_call_or_per_client_class_b(telemarketing):
    """Was D: one row per call was refused, so per-call costs could not be expressed."""
    calls, deposits, settings, cols = telemarketing
    per_call = metrics.campaign_scorecard(calls, deposits, settings, **cols).iloc[0]
    per_client = metrics.campaign_scorecard(calls, deposits, settings, per="customer", **cols).iloc[0]
    assert per_call["cost"] == 50 + 6.0 * 8 and per_client["cost"] == 50 + 6.0 * 5
    assert per_call["cost_per_response"] == pytest.approx(98 / 3)


def test_a_per_call_log_read_as_one_row_per_client_says_rows_contact_class_a(telemarketing):
    calls, deposits, settings, cols = telemarketing
    with pytest.raises(ValueError, match=r"3 row\(s\) repeat a \(campaign, client_id\) pair.*pass rows='contact'"):
        metrics.campaign_scorecard(calls, deposits, settings, **{**cols, "rows": "customer"})


def test_contact_pressure_response_by_number_of_calls_class_b(telemarketing):
    """Was: nothing measured response by number of contacts. ``contacts`` per client makes it a groupby."""
    calls, deposits, settings, cols = telemarketing
    out = metrics.contact_outcomes(calls, deposits, settings, **cols)
    by_calls = out.groupby("contacts")["responded"].agg(["sum", "size"])
    assert by_calls.to_dict("index") == {1: {"sum": 2, "size": 3}, 2: {"sum": 1, "size": 1},
                                         3: {"sum": 0, "size": 1}}
    rates = metrics.response_rate(by_calls["sum"], by_calls["size"])
    assert rates.index.tolist() == [1, 2, 3] and rates.tolist() == pytest.approx([2 / 3, 1.0, 0.0])


# ------------------------------------------------------------------ randomised or not


def test_a_lift_between_groups_not_drawn_at_random_warns_class_b():
    """Was C: ``incremental_lift`` on 1 call vs 2+ calls called the difference "incremental" silently."""
    with pytest.warns(NotRandomisedWarning, match="not formed at random.*not a causal \\(incremental\\) lift"):
        lift = metrics.incremental_lift(30, 200, 12, 150, randomised=False)
    assert lift["randomised"] == 0.0 and lift["absolute_lift"] == pytest.approx(0.15 - 0.08)
    with pytest.warns(NotRandomisedWarning, match="not said how the groups were formed; pass randomised=True"):
        assert metrics.incremental_lift(30, 200, 12, 150)["randomised"] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert metrics.incremental_lift(30, 200, 12, 150, randomised=True)["randomised"] == 1.0


def test_the_relationship_scorecard_says_whether_its_control_group_is_random_class_b(telemarketing):
    calls, deposits, settings, cols = telemarketing
    # the trial's groups: clients called once are the "control" of clients called again (self-selected)
    called = calls.groupby("client_id")["call_date"].transform("size")
    groups = calls.assign(group=np.where(called > 1, "treatment", "control"))
    args = dict(**{**cols, "group_col": "group"}, horizon_days=40)
    with pytest.warns(NotRandomisedWarning, match=r"campaign\(s\) \['tdep'\]: the groups were not formed at random"):
        card = metrics.relationship_scorecard(groups, deposits, settings, randomised=False, **args)
    assert not card.loc[0, "randomised"] and (card.loc[0, "treatment"], card.loc[0, "control"]) == (2, 3)


# ------------------------------------------------------------------ firm value


def test_firm_value_without_customers_is_an_error_class_a():
    """Was C: ``cohorts.firm_value(margin, retention, discount_rate)`` returned 0.0 (both counts defaulted to 0)."""
    with pytest.raises(TypeError, match="pass current_customers= .* and/or new_customers="):
        cohorts.firm_value(100, 0.8, 0.1)
    with pytest.raises(TypeError, match="pass current_customers="):
        cohorts.value_levers(100, 0.8, 0.1)
    assert cohorts.firm_value(100, 0.8, 0.1, current_customers=1) == pytest.approx(0.8 * 100 * 1.1 / 0.3)
    assert cohorts.firm_value(100, 0.8, 0.1, current_customers=0, new_customers=0) == 0.0  # said explicitly

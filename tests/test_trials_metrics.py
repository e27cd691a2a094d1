"""Issue 10, section 2: every case of the real-data trials' campaign section ends A or B.

The cases are those of ``shared/reviews/2026-11-30-real-data-trials.md``, "Campaign metrics on a
real telemarketing log (one row per client, number of calls, outcome)", plus the silent 0.0 of
``cohorts.firm_value`` from its C list. Classes: A = a clear error naming the problem and the fix;
B = the input is handled correctly (with a warning where the result needs a caveat). Each test
names its class.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from relmkt_lib import cohorts, metrics
from relmkt_lib.exceptions import DataWarning, NotRandomisedWarning


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


# ------------------------------------------------------------------ the data layer's id and date checks


@pytest.fixture
def held_out():
    """A two-group log with text ids and a year of purchases (customer '11' buys again after the window)."""
    contacts = pd.DataFrame({"campaign_id": 1, "customer_id": ["10", "11", "12"],
                             "group": ["treatment", "treatment", "control"], "contact_date": "2024-01-02"})
    tx = pd.DataFrame({"customer_id": ["10", "11", "11", "12", "12", "10"],
                       "date": ["2024-01-05", "2024-01-10", "2024-03-15", "2024-02-20", "2024-04-01", "2024-04-30"],
                       "amount": [30.0, 20.0, 25.0, 40.0, 10.0, 15.0]})
    campaigns = pd.DataFrame({"campaign_id": [1], "response_window_days": [21], "cost_per_contact": [1.0],
                              "fixed_cost": [0.0]})
    return contacts, tx, campaigns


@pytest.mark.parametrize("placeholder", ["NULL", "", "  ", "N/A", "None", " null "])
@pytest.mark.parametrize("log", ["contacts", "transactions"])
def test_a_placeholder_customer_id_is_an_error_naming_the_log_class_a(held_out, placeholder, log):
    """Was C: a contact row with customer id "NULL" counted as a contacted customer."""
    contacts, tx, campaigns = held_out
    tables = {"contacts": contacts, "transactions": tx}
    tables[log] = tables[log].assign(customer_id=tables[log]["customer_id"].where(tables[log].index != 1, placeholder))
    message = (rf"column 'customer_id' of {log}: 1 row\(s\) have no customer id \(empty, or a placeholder such as "
               rf"'NULL', 'N/A' or 'None'\); the first is row 1 \(value {placeholder!r}\)\. Remove those rows")
    for scorecard in (metrics.contact_outcomes, metrics.campaign_scorecard):
        with pytest.raises(ValueError, match=message):
            scorecard(tables["contacts"], tables["transactions"], campaigns, observation_end="2024-12-31")
    with pytest.raises(ValueError, match=message):
        metrics.value_curves(tables["contacts"], tables["transactions"], horizon_days=30)


def test_ids_that_match_only_once_stripped_of_spaces_warn_with_the_fix_class_b(held_out):
    """Was C: contacts "10" vs transactions " 10" silently lost the customer's purchases."""
    contacts, tx, campaigns = held_out
    spaced = tx.assign(customer_id=tx["customer_id"].replace({"10": " 10"}))
    fix = "df['customer_id'] = df['customer_id'].str.strip()"
    with pytest.warns(DataWarning, match=r"1 customer id\(s\) of contacts and transactions match only once leading "
                                         r"or trailing spaces are stripped \(the first is ' 10', row 0 of "
                                         r"transactions\).*" + re.escape(fix)) as caught:
        out = metrics.contact_outcomes(contacts, spaced, campaigns, observation_end="2024-12-31")
    assert not any("normalize_ids" in str(w.message) for w in caught)
    assert out["responded"].tolist() == [False, True, False]  # the warned-of loss of customer '10'
    spaced["customer_id"] = spaced["customer_id"].str.strip()  # the fix the warning names
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = metrics.contact_outcomes(contacts, spaced, campaigns, observation_end="2024-12-31")
    assert out["responded"].tolist() == [True, True, False]
    # spaces on the contacts' side are found too, and named there
    with pytest.warns(DataWarning, match=r"the first is '10 ', row 0 of contacts"):
        metrics.campaign_scorecard(contacts.assign(customer_id=["10 ", "11", "12"]), tx, campaigns,
                                   observation_end="2024-12-31")


@pytest.mark.parametrize("log", ["contacts", "transactions"])
def test_a_number_and_its_text_in_one_id_column_is_an_error_class_a(held_out, log):
    contacts, tx, campaigns = held_out
    numbers = {"contacts": contacts.assign(customer_id=[10, 11, 12]),
               "transactions": tx.assign(customer_id=tx["customer_id"].astype(int))}
    numbers[log] = numbers[log].assign(customer_id=numbers[log]["customer_id"].astype(object))
    numbers[log].loc[2, "customer_id"] = "11"  # and 11, a number, in row 1
    with pytest.raises(ValueError, match=rf"column 'customer_id' of {log}: .*hold a number that also appears as text, "
                                         r"so one customer would count twice.*Row 2 holds the text '11'\. Make "
                                         r"the column one type"):
        metrics.contact_outcomes(numbers["contacts"], numbers["transactions"], campaigns,
                                 observation_end="2024-12-31")


def test_a_2099_typo_that_would_end_the_data_is_an_error_class_a(held_out):
    """Was C: with no observation_end, a 2099 purchase became the end of data and retention came out 0.0."""
    contacts, tx, campaigns = held_out
    typo = pd.concat([tx, pd.DataFrame({"customer_id": ["12"], "date": ["2099-04-01"], "amount": [5.0]})],
                     ignore_index=True)
    with pytest.raises(ValueError, match=r"column 'date' of transactions: 1 row\(s\) lie far after the other dates "
                                         r"of the data \(which end on 2024-04-30\): a typo\?.*the first is row 6 "
                                         r"\(value '2099-04-01'\)\. Fix the row, or pass observation_end"):
        metrics.relationship_scorecard(contacts, typo, campaigns, randomised=True, horizon_days=120)
    # with observation_end the row cannot move the end: a warning, and the retention of clean data
    with pytest.warns(DataWarning, match=r"column 'date' of transactions: 1 row\(s\) lie far after the other dates "
                                         r"\(the first is row 6, 2099-04-01; the other dates end on 2024-04-30\): "
                                         r"a typo\? Fix or remove them"):
        card = metrics.relationship_scorecard(contacts, typo, campaigns, randomised=True, horizon_days=120,
                                              observation_end="2024-06-30").iloc[0]
    assert (card["retention_treatment"], card["retention_control"]) == (1.0, 1.0)


def test_a_contact_date_far_after_the_data_is_called_a_typo_class_a(held_out):
    contacts, tx, campaigns = held_out
    typo = contacts.assign(contact_date=["2024-01-02", "2099-05-02", "2024-01-02"])
    message = (r"row 1 of contacts has contact date 2099-05-02, after the last date of the data \(2024-04-30\): "
               r"a typo\? Fix or remove it\.$")
    with pytest.raises(ValueError, match=message):
        metrics.campaign_scorecard(typo, tx, campaigns)
    with pytest.raises(ValueError, match=message.replace("2024-04-30", "2024-12-31")):
        metrics.value_curves(typo, tx, horizon_days=30, observation_end="2024-12-31")
    # a contact date just after the data keeps the advice to pass a later observation_end
    with pytest.raises(ValueError, match="goes beyond the last date of the data, 2024-04-30.*Pass a later"):
        metrics.campaign_scorecard(contacts.assign(contact_date="2024-04-20"), tx, campaigns)


def test_clean_logs_raise_no_warning_class_b(held_out, telemarketing):
    contacts, tx, campaigns = held_out
    calls, deposits, settings, cols = telemarketing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = metrics.contact_outcomes(contacts, tx, campaigns, horizon_days=120)
        metrics.campaign_scorecard(calls, deposits, settings, **cols)
    assert out["retained"].tolist() == [True, True, True]


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

"""Tests of the consent ledger, the DNCL rules and the campaign audit (relmkt_lib._consent, _contact_rules).

Every rule is checked at its boundary days (day before / day of / day after its limit), computed by hand.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relmkt_lib._consent import audit_campaign, calling_hours_ok, consent_status, dncl_status
from relmkt_lib._contact_rules import rule_table, rules_as_of


def ledger(*rows):
    """events from (customer, date, event, channel) tuples."""
    return pd.DataFrame(rows, columns=["customer_id", "date", "event", "channel"])


def status_on(events, day, **kwargs):
    return consent_status(events, observation_end=day, **kwargs).set_index("customer_id")


# ---------------------------------------------------------------- the rule table

def test_rule_table_holds_each_rule_with_unit_and_source():
    table = rule_table()
    assert list(table.columns) == ["law", "rule", "value", "unit", "valid_from", "valid_to", "source"]
    got = {(r.rule, r.value, r.unit) for r in table.itertuples() if pd.isna(r.valid_to)}
    assert {("implied_consent_purchase", 2, "years"), ("implied_consent_inquiry", 6, "months"),
            ("unsubscribe_deadline", 10, "business_days"), ("registration_delay", 31, "days"),
            ("exemption_purchase", 18, "months"), ("exemption_inquiry", 6, "months"),
            ("internal_list_deadline", 14, "days"), ("weekday_calls_from", 9, "hour_of_day"),
            ("weekday_calls_until", 21.5, "hour_of_day"), ("weekend_calls_from", 10, "hour_of_day"),
            ("weekend_calls_until", 18, "hour_of_day")} <= got
    assert table["source"].str.len().gt(20).all()
    table.loc[0, "value"] = 99  # a copy: the next call is untouched
    assert rule_table().loc[0, "value"] == 2


@pytest.mark.parametrize("day, days", [("2014-06-29", 31), ("2014-06-30", 14), ("2014-07-01", 14)])
def test_internal_list_rule_changes_on_30_june_2014(day, days):
    assert rules_as_of(day)["internal_list_deadline"] == days


def test_rules_before_the_table_are_refused_and_casl_starts_in_2014():
    with pytest.raises(ValueError, match=re.escape("no contact rule is in force on 2008-09-29: the rule table "
                                                   "starts on 2008-09-30. Pass a later day.")):
        rules_as_of("2008-09-29")
    assert "implied_consent_purchase" not in rules_as_of("2014-06-30")
    assert rules_as_of("2014-07-01")["implied_consent_purchase"] == 2
    events = ledger((1, "2013-05-01", "purchase", None))
    with pytest.raises(ValueError, match="no CASL rule 'implied_consent_purchase' is in force on 2014-06-30"):
        consent_status(events, observation_end="2014-06-30")


def test_an_edited_rule_table_changes_the_answer():
    rules = rule_table()
    rules.loc[rules["rule"] == "implied_consent_purchase", "value"] = 3
    events = ledger((1, "2020-03-02", "purchase", None))
    assert not status_on(events, "2022-03-03").loc[1, "may_contact"]
    out = status_on(events, "2022-03-03", rules=rules)
    assert out.loc[1, "may_contact"] and out.loc[1, "expires"] == pd.Timestamp("2023-03-02")


# ---------------------------------------------------------------- CASL consent at the boundaries

@pytest.mark.parametrize("day, may", [("2024-03-01", True), ("2024-03-02", True), ("2024-03-03", False)])
def test_implied_consent_lasts_two_years_after_a_purchase_inclusive(day, may):
    out = status_on(ledger((1, "2022-03-02", "purchase", None)), day)
    assert out.loc[1, "may_contact"] == may
    assert out.loc[1, "status"] == ("implied" if may else "none")
    assert out.loc[1, "expires"] == pd.Timestamp("2024-03-02")
    assert out.loc[1, "basis"] == "purchase 2022-03-02"  # for none: the consent that lapsed


@pytest.mark.parametrize("day, may", [("2024-07-14", True), ("2024-07-15", True), ("2024-07-16", False)])
def test_implied_consent_lasts_six_months_after_an_inquiry(day, may):
    out = status_on(ledger((1, "2024-01-15", "inquiry", "email")), day)
    assert out.loc[1, "may_contact"] == may and out.loc[1, "expires"] == pd.Timestamp("2024-07-15")


def test_leap_day_purchase_and_the_later_expiry_wins():
    out = status_on(ledger((1, "2024-02-29", "purchase", None), (2, "2023-01-01", "purchase", None),
                           (2, "2024-06-01", "inquiry", None)), "2024-07-01")
    assert out.loc[1, "expires"] == pd.Timestamp("2026-02-28")
    assert out.loc[2, "basis"] == "purchase 2023-01-01" and out.loc[2, "expires"] == pd.Timestamp("2025-01-01")


def test_observation_end_is_inclusive_of_its_afternoon():
    out = status_on(ledger((1, "2024-06-30 15:00", "express_consent", "email")), "2024-06-30")
    assert out.loc[1, "status"] == "express" and pd.isna(out.loc[1, "expires"])


def test_precedence_of_withdrawals():
    events = ledger(
        (1, "2024-01-01", "withdrawal", "email"), (1, "2024-02-01", "purchase", None),  # purchase does not re-grant
        (2, "2024-01-01", "withdrawal", "email"), (2, "2024-02-01", "express_consent", "email"),  # express does
        (3, "2023-01-01", "express_consent", "email"), (3, "2024-01-01", "withdrawal", "email"),
        (4, "2024-01-01 10:00", "express_consent", "email"), (4, "2024-01-01 10:00", "withdrawal", "email"),
        (5, "2024-01-01 10:00", "withdrawal", "email"), (5, "2024-01-01 11:00", "express_consent", "email"),
        (6, "2024-01-01", "withdrawal", "sms"), (6, "2024-02-01", "purchase", None),  # other channel
        (7, "2024-02-01", "purchase", None), (7, "2024-03-01", "withdrawal", None),  # empty = every channel
    )
    out = status_on(events, "2024-06-30")
    assert out["status"].to_dict() == {1: "withdrawn", 2: "express", 3: "withdrawn", 4: "withdrawn",
                                       5: "express", 6: "implied", 7: "withdrawn"}
    assert out.loc[1, "basis"] == "withdrawal 2024-01-01" and pd.isna(out.loc[1, "expires"])
    assert status_on(events, "2024-06-30", channel="sms").loc[6, "status"] == "withdrawn"


def test_a_customer_with_only_other_channel_events_has_no_consent():
    out = status_on(ledger((1, "2024-01-01", "express_consent", "sms")), "2024-06-30")
    assert out.loc[1, "status"] == "none" and out.loc[1, "basis"] == "" and not out.loc[1, "may_contact"]


# ---------------------------------------------------------------- refusals

def test_unknown_event_is_refused_with_the_allowed_list():
    with pytest.raises(ValueError, match=re.escape(
            "column 'event' of events: 1 row(s) hold an unknown event type; the first is row 1 (value 'optin'). "
            "The event types are ['purchase', 'inquiry', 'express_consent', 'withdrawal']")):
        consent_status(ledger((1, "2024-01-01", "purchase", None), (2, "2024-01-01", "optin", "email")),
                       observation_end="2024-06-30")


def test_events_after_observation_end_are_refused():
    with pytest.raises(ValueError, match=re.escape(
            "column 'date' of events: 1 row(s) are after observation_end (2024-06-30); the first is row 1")):
        consent_status(ledger((1, "2024-06-30 23:59", "purchase", None), (2, "2024-07-01", "purchase", None)),
                       observation_end="2024-06-30")


def test_other_bad_inputs_are_refused():
    events = ledger((1, "2024-01-01", "purchase", None))
    with pytest.raises(ValueError, match="column 'channel' is missing from events"):
        consent_status(events.drop(columns="channel"), observation_end="2024-06-30")
    with pytest.raises(ValueError, match=r"1 row\(s\) hold an unknown channel; the first is row 0 \(value 'fax'\)"):
        consent_status(events.assign(channel="fax"), observation_end="2024-06-30")
    with pytest.raises(ValueError, match="channel must be one of \\['email', 'sms'\\], got 'phone'; for calls use"):
        consent_status(events, observation_end="2024-06-30", channel="phone")
    with pytest.raises(ValueError, match="have no customer id"):
        consent_status(events.assign(customer_id=np.nan), observation_end="2024-06-30")
    with pytest.raises(TypeError, match="observation_end must be a date"):
        consent_status(events, observation_end=None)


def test_caller_frames_are_not_modified():
    events = ledger((2, "2024-01-01", "purchase", None), (1, "2024-06-20", "withdrawal", "phone"))
    registry = pd.DataFrame({"customer_id": [1], "registered": ["2024-01-01"]})
    plan = pd.DataFrame({"customer_id": [1, 2], "channel": ["phone", "email"], "sent": ["2024-06-25 10:00"] * 2})
    copies = [events.copy(), registry.copy(), plan.copy()]
    consent_status(events, observation_end="2024-06-30")
    dncl_status(events, registry, observation_end="2024-06-30")
    audit_campaign(plan, events, registry=registry, sent_col="sent")
    for before, after in zip(copies, [events, registry, plan]):
        pd.testing.assert_frame_equal(before, after)


# ---------------------------------------------------------------- DNCL

def dncl_on(events, registry, day):
    return dncl_status(events, registry, observation_end=day).set_index("customer_id")


@pytest.mark.parametrize("day, on", [("2024-01-31", False), ("2024-02-01", True), ("2024-02-02", True)])
def test_registration_takes_effect_after_31_days(day, on):
    registry = pd.DataFrame({"customer_id": [9, 9], "registered": ["2024-01-01", "2024-01-20"]})
    out = dncl_on(ledger((1, "2020-01-01", "purchase", None)), registry, day)
    assert out.loc[9, "on_dncl"] == on and out.loc[9, "may_call"] == (not on)
    assert out.loc[9, "dncl_effective"] == pd.Timestamp("2024-02-01")  # the first registration counts
    assert out.loc[1, "may_call"]  # not registered: may be called


@pytest.mark.parametrize("event, day, exempt", [
    ("purchase", "2024-07-09", True), ("purchase", "2024-07-10", True), ("purchase", "2024-07-11", False),
    ("inquiry", "2023-07-09", True), ("inquiry", "2023-07-10", True), ("inquiry", "2023-07-11", False)])
def test_exemption_18_months_after_a_purchase_6_after_an_inquiry(event, day, exempt):
    registry = pd.DataFrame({"customer_id": [1], "registered": ["2020-01-01"]})
    out = dncl_on(ledger((1, "2023-01-10", event, None)), registry, day)
    assert out.loc[1, "on_dncl"] and out.loc[1, "exemption"] == exempt and out.loc[1, "may_call"] == exempt


@pytest.mark.parametrize("request_day, honour_by", [("2014-06-29", "2014-07-30"), ("2014-06-30", "2014-07-14")])
def test_internal_list_deadline_is_the_rule_of_the_request_day(request_day, honour_by):
    events = ledger((1, "2014-01-01", "purchase", None), (1, request_day, "withdrawal", "phone"))
    out = dncl_on(events, pd.DataFrame({"customer_id": [1], "registered": ["2010-01-01"]}), "2014-08-31")
    assert out.loc[1, "internal_dnc"] and out.loc[1, "honour_by"] == pd.Timestamp(honour_by)
    assert not out.loc[1, "exemption"] and not out.loc[1, "may_call"]  # the request ends the exemption


def test_phone_express_consent_lifts_the_list_and_the_dncl():
    events = ledger((1, "2024-01-01", "withdrawal", "phone"), (1, "2024-02-01", "express_consent", "phone"),
                    (2, "2024-01-01", "withdrawal", "email"))
    registry = pd.DataFrame({"customer_id": [1, 2], "registered": ["2020-01-01", "2020-01-01"]})
    out = dncl_on(events, registry, "2024-06-30")
    assert out.loc[1, "may_call"] and not out.loc[1, "internal_dnc"] and out.loc[1, "express_consent"]
    assert not out.loc[2, "may_call"] and not out.loc[2, "internal_dnc"]  # an e-mail unsubscribe is not a call


def test_calling_hours_at_their_boundaries():
    times = pd.Series(pd.to_datetime([
        "2024-06-07 08:59:59", "2024-06-07 09:00", "2024-06-07 21:30", "2024-06-07 21:30:01",  # Friday
        "2024-06-08 09:59:59", "2024-06-08 10:00", "2024-06-08 18:00", "2024-06-08 18:00:01",  # Saturday
        "2024-06-09 12:00"], format="ISO8601"))
    assert calling_hours_ok(times).tolist() == [False, True, True, False, False, True, True, False, True]
    zoned = pd.Series(pd.to_datetime(["2024-06-07 09:30"])).dt.tz_localize("America/Montreal")
    assert calling_hours_ok(zoned).tolist() == [True]  # read on its own clock


# ---------------------------------------------------------------- the audit

def past(events, rows, **kwargs):
    plan = pd.DataFrame(rows, columns=["customer_id", "channel", "sent"])
    return audit_campaign(plan, events, sent_col="sent", **kwargs).table


@pytest.mark.parametrize("withdrawn, sent, verdict", [
    ("2024-06-07", "2024-06-20", "legal, poor practice"),  # 9 business days later
    ("2024-06-07", "2024-06-21", "violation"),  # 10 business days: must be in effect
    ("2024-06-08", "2024-06-21", "legal, poor practice"),  # a Saturday counts from Monday 10 June
    ("2024-06-08", "2024-06-24", "violation"),
])
def test_unsubscribe_window_of_10_business_days(withdrawn, sent, verdict):
    events = ledger((1, "2023-06-01", "express_consent", "email"), (1, withdrawn, "withdrawal", "email"))
    table = past(events, [(1, "email", sent)])
    assert table.loc[0, "reason"] == "withdrawn" and table.loc[0, "verdict"] == verdict


@pytest.mark.parametrize("sent, verdict", [("2024-07-03 10:00", "legal, poor practice"),
                                           ("2024-07-04 10:00", "violation"), ("2024-07-03 08:00", "violation")])
def test_internal_list_window_and_calling_hours_in_a_past_call(sent, verdict):
    events = ledger((1, "2024-06-01", "purchase", None), (1, "2024-06-20", "withdrawal", "phone"))
    table = past(events, [(1, "phone", sent)])
    assert table.loc[0, "verdict"] == verdict
    assert table.loc[0, "reason"] == ("outside calling hours" if sent.endswith("08:00") else
                                      "internal do-not-call list")


def test_a_withdrawal_on_the_send_day_stands_after_the_send_unless_asked():
    events = ledger((1, "2023-06-01", "express_consent", "email"), (1, "2024-06-07", "withdrawal", "email"),
                    (2, "2024-06-01", "purchase", None), (2, "2024-06-07", "withdrawal", "phone"))
    rows = [(1, "email", "2024-06-07"), (2, "phone", "2024-06-07 10:00")]
    lenient = past(events, rows)
    assert lenient["reason"].tolist() == ["express consent", "not on the DNCL"]
    assert lenient["verdict"].tolist() == ["ok", "ok"]
    strict = past(events, rows, same_day="before")
    assert strict["reason"].tolist() == ["withdrawn", "internal do-not-call list"]
    assert strict["verdict"].tolist() == ["legal, poor practice", "legal, poor practice"]
    # a consent given on the send day counts either way (it is what triggers a welcome message)
    signup = ledger((3, "2024-06-07", "express_consent", "email"))
    assert past(signup, [(3, "email", "2024-06-07")]).loc[0, "verdict"] == "ok"
    with pytest.raises(ValueError, match="same_day must be 'after' or 'before'"):
        past(events, rows, same_day="during")


def test_each_past_send_is_judged_on_its_own_day():
    events = ledger((1, "2024-03-01", "express_consent", "email"), (2, "2020-01-01", "purchase", None))
    registry = pd.DataFrame({"customer_id": [2], "registered": ["2024-01-01"]})
    table = past(events, [(1, "email", "2024-02-29"), (1, "email", "2024-03-01"), (2, "phone", "2024-01-31"),
                          (2, "phone", "2024-02-01")], registry=registry)
    assert table["verdict"].tolist() == ["violation", "ok", "ok", "violation"]
    assert table["reason"].tolist() == ["no consent", "express consent", "not on the DNCL",
                                        "on the DNCL without exemption"]


def test_planned_campaign_reasons_and_unknown_customers():
    events = ledger((1, "2024-03-02", "purchase", None), (2, "2024-01-01", "withdrawal", "email"),
                    (3, "2024-05-01", "inquiry", None), (4, "2024-01-01", "express_consent", "email"))
    plan = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5], "channel": "email"})
    audit = audit_campaign(plan, events, observation_end="2024-06-30")
    assert audit.table["reason"].tolist() == ["implied consent (purchase)", "withdrawn", "implied consent (inquiry)",
                                              "express consent", "no consent"]
    assert audit.table.loc[4, "basis"] == "no events on record"
    assert "verdict" not in audit.table and audit.violations.empty
    assert audit.excluded["customer_id"].tolist() == [2, 5]
    reasons = audit.reasons.set_index("reason")
    assert reasons["rows"].to_dict() == {"express consent": 1, "implied consent (inquiry)": 1,
                                         "implied consent (purchase)": 1, "no consent": 1, "withdrawn": 1}
    assert reasons.loc["withdrawn", "share"] == pytest.approx(0.2) and not reasons.loc["withdrawn", "allowed"]
    # the audit of a planned campaign agrees with consent_status
    status = status_on(events, "2024-06-30")
    assert audit.table.set_index("customer_id")["allowed"].iloc[:4].to_dict() == status["may_contact"].to_dict()


def test_audit_refusals():
    events = ledger((1, "2024-03-02", "purchase", None))
    plan = pd.DataFrame({"customer_id": [1, 1], "channel": ["email", "email"]})
    with pytest.raises(ValueError, match="audit_campaign needs observation_end="):
        audit_campaign(plan, events)
    with pytest.raises(ValueError, match=r"1 row\(s\) repeat a customer on the same channel; the first is row 1"):
        audit_campaign(plan, events, observation_end="2024-06-30")
    with pytest.raises(ValueError, match=re.escape("none of the plan's customers appears in events (the first "
                                                   "is '1'); check that both tables write 'customer_id'")):
        audit_campaign(pd.DataFrame({"customer_id": ["1"], "channel": ["email"]}), events,
                       observation_end="2024-06-30")
    with pytest.raises(ValueError, match=r"hold an unknown or missing channel; the first is row 0 \(value 'post'\)"):
        audit_campaign(pd.DataFrame({"customer_id": [1], "channel": ["post"]}), events, observation_end="2024-06-30")
    with pytest.raises(ValueError, match=r"column 'sent' of plan: 1 row\(s\) are after observation_end"):
        audit_campaign(pd.DataFrame({"customer_id": [1], "channel": ["email"], "sent": ["2024-07-01"]}), events,
                       sent_col="sent", observation_end="2024-06-30")


# ---------------------------------------------------------------- properties

_DAYS = st.integers(0, 3 * 365).map(lambda d: pd.Timestamp("2021-01-01") + pd.Timedelta(days=d))
_EVENT = st.tuples(st.integers(1, 4), _DAYS, st.sampled_from(["purchase", "inquiry", "express_consent",
                                                               "withdrawal"]),
                   st.sampled_from([None, "email", "sms"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_EVENT, min_size=1, max_size=12), st.integers(1, 4), _DAYS)
def test_adding_a_purchase_never_revokes_consent(rows, customer, day):
    end = pd.Timestamp("2024-01-01")
    events = ledger(*rows)
    before = consent_status(events, observation_end=end).set_index("customer_id")["may_contact"]
    more = pd.concat([events, ledger((customer, day, "purchase", None))], ignore_index=True)
    after = consent_status(more, observation_end=end).set_index("customer_id")["may_contact"]
    assert not (before & ~after.reindex(before.index)).any()


@settings(max_examples=40, deadline=None)
@given(st.lists(_EVENT, min_size=1, max_size=12))
def test_row_order_does_not_matter(rows):
    events = ledger(*rows)
    a = consent_status(events, observation_end="2024-01-01")
    b = consent_status(events.iloc[::-1], observation_end="2024-01-01")
    pd.testing.assert_frame_equal(a, b)

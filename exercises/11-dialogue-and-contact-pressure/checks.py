"""Checks for exercises 11 — Dialogue and contact pressure.

Expected answers are computed from the kit's data with the library (the chapter's consent ledger,
audits and simulator settings), never typed in, so the checks follow the data. The notebooks load
this file with ``relmkt_lib.exercises.load_checks("11-dialogue-and-contact-pressure")``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from relmkt_lib import datasets
from relmkt_lib.contact import (
    ContactPolicy,
    audit_campaign,
    calling_hours_ok,
    consent_status,
    dncl_status,
    rule_table,
    simulate_contact_policy,
)
from relmkt_lib.exercises import Checker, facts

checker = Checker("11-dialogue-and-contact-pressure")

Q1_DAY = "2025-06-30"                 # question 1
Q2_DAY = "2025-12-31"                 # question 2
Q3_CAMPAIGN = 3                       # question 3
CALL_DAY = "2025-02-10"               # questions 4 and 5 (campaign 9)
Q5_UNTIL = 21.0                       # question 5: weekday calls until 21:00
Q6_SHARE = 0.4                        # question 6
N_CUSTOMERS, MONTHS, SEED = 10_000, 24, 42


def _ledger(boreal) -> pd.DataFrame:
    return pd.concat([boreal.consent_events,
                      boreal.transactions[["customer_id", "date"]].assign(event="purchase")], ignore_index=True)


@facts
def consent() -> dict[str, float]:
    """Questions 1 to 5: the consent ledger, the audit of campaign 3 and the calls of campaign 9."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boreal = datasets.load_boreal()
    ledger = _ledger(boreal)
    email = consent_status(ledger[ledger["date"] <= Q1_DAY], observation_end=Q1_DAY)
    sms = consent_status(ledger[ledger["date"] <= Q2_DAY], observation_end=Q2_DAY, channel="sms")
    email_end = consent_status(ledger[ledger["date"] <= Q2_DAY], observation_end=Q2_DAY)
    c = boreal.contacts
    plan = c[(c["campaign_id"] == Q3_CAMPAIGN) & (c["group"] == "treatment")][["customer_id", "contact_date"]]
    plan = plan.assign(channel="email")
    day = plan["contact_date"].min()
    audit = audit_campaign(plan, ledger[ledger["date"] < day], sent_col="contact_date",
                           observation_end=plan["contact_date"].max())
    audit_inclusive = audit_campaign(plan, ledger[ledger["date"] <= day], sent_col="contact_date",
                                     observation_end=plan["contact_date"].max())
    calls = boreal.phone_calls
    before = ledger[ledger["date"] < CALL_DAY]
    registry = boreal.dncl_registry[boreal.dncl_registry["registered"] <= CALL_DAY]
    dncl = dncl_status(before, registry, observation_end=CALL_DAY).set_index("customer_id").loc[calls["customer_id"]]
    rules = rule_table()
    rules.loc[rules["rule"] == "weekday_calls_until", "value"] = Q5_UNTIL
    return {
        "may_email": int(email["may_contact"].sum()),
        "express_only": int((email["status"] == "express").sum()),
        "sms_withdrawn": int((sms["status"] == "withdrawn").sum()),
        "email_withdrawn": int((email_end["status"] == "withdrawn").sum()),
        "violations": int(audit.table["verdict"].eq("violation").sum()),
        "withdrawn_rows": int((~audit.table["allowed"]).sum()),
        "violations_inclusive": int(audit_inclusive.table["verdict"].eq("violation").sum()),
        "exempt_on_dncl": int((dncl["on_dncl"] & dncl["exemption"]).sum()),
        "on_dncl": int(dncl["on_dncl"].sum()),
        "exempt_all": int(dncl["exemption"].sum()),
        "outside_21": int((~calling_hours_ok(calls["call_time"], rules=rules)).sum()),
        "outside_2130": int((~calling_hours_ok(calls["call_time"])).sum()),
    }


@facts
def frequency() -> dict[str, float]:
    """Question 6: the best e-mails a month at another content mix (the chapter's customers and seed)."""
    def best(share: float) -> int:
        profit = {k: simulate_contact_policy(ContactPolicy(k, informative_share=share), n_customers=N_CUSTOMERS,
                                             periods=MONTHS, rng=SEED).summary["profit_per_customer"]
                  for k in range(16)}
        return int(max(profit, key=profit.get))
    return {"best": best(Q6_SHARE), "best_promotional": best(0.0)}


checker.number(
    "q1", consent["may_email"], kind="count",
    hint="Keep the ledger's events dated on or before the day, read consent_status on that day, and count "
         "may_contact (express and implied consent both allow an e-mail).",
    traps=[(consent["express_only"], "That counts express consent only: implied consent (a purchase in the last "
                                      "2 years, an inquiry in the last 6 months) also allows an e-mail.")],
)

checker.number(
    "q2", consent["sms_withdrawn"], kind="count",
    hint="Pass channel=\"sms\" to consent_status and count the status \"withdrawn\".",
    traps=[(consent["email_withdrawn"], "That is the e-mail channel (the default): pass channel=\"sms\".")],
)

checker.number(
    "q3", consent["violations"], kind="count",
    hint="Audit campaign 3's e-mails with the events dated before its send day and count the verdict "
         "\"violation\".",
    traps=[(consent["withdrawn_rows"], "That counts every send to a customer who had withdrawn: those inside the 10 "
                                        "business days are legal (poor practice), not violations."),
           (consent["violations_inclusive"], "That audit also reads the events of the send day itself: an "
                                             "unsubscribe clicked after the e-mail cannot make it illegal.")],
)

checker.number(
    "q4", consent["exempt_on_dncl"], kind="count",
    hint="From dncl_status on the call day, keep the called customers, and count those with on_dncl and "
         "exemption both True.",
    traps=[(consent["on_dncl"], "That counts every called customer on the DNCL: keep those with an exemption."),
           (consent["exempt_all"], "That counts every exempt customer called, on the DNCL or not: keep those on it.")],
)

checker.number(
    "q5", consent["outside_21"], kind="count",
    hint="Copy rule_table(), set the value of the rule \"weekday_calls_until\" to 21.0, pass it as rules= to "
         "calling_hours_ok, and count the calls that are not ok.",
    traps=[(consent["outside_2130"], "That is with the rules in force (until 21:30): edit the rule table first.")],
)

checker.number(
    "q6", frequency["best"], kind="count",
    hint="Simulate 0 to 15 e-mails a month with informative_share=0.4 (10,000 customers, 24 months, rng=42) and "
         "take the frequency with the largest profit per customer.",
    traps=[(frequency["best_promotional"], "That is the best frequency with promotional e-mails only: set "
                                           "informative_share=0.4.")],
)

checker.choice(
    "q7", "c", choices="abcd",
    hint="Who decided how many e-mails each customer got, and were those customers alike otherwise?",
    why_not={
        "a": "Responding at least once is easier with more e-mails, and who got more was Boreal's choice: the "
             "curve cannot separate the e-mails' effect from the difference between the customers.",
        "b": "The unsubscribe line has the same problem as the response line: the customers with more e-mails differ "
             "in other ways too (older on the list, for one).",
        "d": "More data of the same kind does not remove a selection: the customers with more e-mails would still "
             "differ. Only assigning the frequency at random does.",
    },
)

checker.choice(
    "q8", "b", choices="abcd",
    hint="An inquiry gives implied consent for 6 months, counted from the inquiry, inclusive.",
    why_not={
        "a": "An inquiry is not a purchase: its implied consent lasts 6 months, not 2 years.",
        "c": "Implied consent needs no opt-in: an inquiry is an existing business relationship for 6 months.",
        "d": "The DNCL governs telephone calls, not e-mails; CASL's consent rules apply to the e-mail.",
    },
)

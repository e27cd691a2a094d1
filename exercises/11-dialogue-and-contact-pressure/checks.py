"""Checks for exercises 11 — Dialogue and contact pressure.

Expected answers are computed from the kit's data with the library (the chapter's consent ledger,
audits and simulator settings), never typed in, so the checks follow the data. The notebooks load
this file with ``relmkt_lib.exercises.load_checks("11-dialogue-and-contact-pressure")``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from relmkt_lib import datasets
from relmkt_lib.clv import simple_clv
from relmkt_lib.contact import (
    ContactBehaviour,
    ContactPolicy,
    audit_campaign,
    consent_status,
    dncl_status,
    pressure_curve,
    rule_table,
    simulate_contact_policy,
)
from relmkt_lib.exceptions import DataWarning
from relmkt_lib.exercises import Checker, facts

checker = Checker("11-dialogue-and-contact-pressure")

Q1_DAY = "2025-06-30"                 # question 1 (SMS)
# question 2: the chapter's channel-value inputs as its table shows them, at 12 e-mails a year
Q2_LIFT, Q2_MARGIN, Q2_RETENTION, Q2_UNSUB, Q2_DISCOUNT = 0.0287, 29.81, 0.3644, 0.0185, 0.10
Q2_EMAILS, CHAPTER_EMAILS = 12, 6
Q2_CAMPAIGN, Q2_MARGIN_RATE, Q2_UNSUB_DAYS = 3, 0.40, 10   # the chapter's cell, for its unrounded inputs
Q3_CAMPAIGN = 3                       # question 3
CALL_DAY = "2025-02-10"               # question 4 (campaign 9)
Q4_EXEMPTION_MONTHS = 12              # question 4: exemption after a purchase
Q5_COST, Q5_SHARE = 0.115, 0.2        # question 5: cost per e-mail ($), informative share
Q6_LEFT_OUT, Q6_CONTACTS = 5, 3       # question 6: the campaign left out, the e-mail campaigns received
N_CUSTOMERS, MONTHS, SEED = 10_000, 24, 42


def _ledger(boreal) -> pd.DataFrame:
    return pd.concat([boreal.consent_events,
                      boreal.transactions[["customer_id", "date"]].assign(event="purchase")], ignore_index=True)


@facts
def consent() -> dict[str, float]:
    """Questions 1, 3 and 4: the consent ledger, the audit of campaign 3 and the calls of campaign 9."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boreal = datasets.load_boreal()
    ledger = _ledger(boreal)
    known = ledger[ledger["date"] <= Q1_DAY]
    sms = consent_status(known, observation_end=Q1_DAY, channel="sms")
    email = consent_status(known, observation_end=Q1_DAY)
    c = boreal.contacts
    plan = c[(c["campaign_id"] == Q3_CAMPAIGN) & (c["group"] == "treatment")][["customer_id", "contact_date"]]
    plan = plan.assign(channel="email")
    last_day = plan["contact_date"].max()
    audit = audit_campaign(plan, ledger[ledger["date"] <= last_day], sent_col="contact_date",
                           observation_end=last_day)
    audit_before = audit_campaign(plan, ledger[ledger["date"] < plan["contact_date"].min()], sent_col="contact_date",
                                  observation_end=last_day)
    calls = boreal.phone_calls
    before = ledger[ledger["date"] < CALL_DAY]
    registry = boreal.dncl_registry[boreal.dncl_registry["registered"] <= CALL_DAY]
    dncl = dncl_status(before, registry, observation_end=CALL_DAY).set_index("customer_id").loc[calls["customer_id"]]
    shorter = rule_table()
    shorter.loc[shorter["rule"] == "exemption_purchase", "value"] = Q4_EXEMPTION_MONTHS
    dncl_12 = (dncl_status(before, registry, observation_end=CALL_DAY, rules=shorter)
               .set_index("customer_id").loc[calls["customer_id"]])
    return {
        "may_text": int(sms["may_contact"].sum()),
        "express_only": int((sms["status"] == "express").sum()),
        "may_email": int(email["may_contact"].sum()),
        "violations": int(audit.table["verdict"].eq("violation").sum()),
        "withdrawn_rows": int((~audit.table["allowed"]).sum()),
        "violations_before": int(audit_before.table["verdict"].eq("violation").sum()),
        "exempt_on_dncl": int((dncl_12["on_dncl"] & dncl_12["exemption"]).sum()),
        "exempt_on_dncl_18": int((dncl["on_dncl"] & dncl["exemption"]).sum()),
        "on_dncl": int(dncl_12["on_dncl"].sum()),
        "exempt_all": int(dncl_12["exemption"].sum()),
    }


def _chapter_inputs() -> tuple[float, float, float, float]:
    """The chapter's channel-value inputs, unrounded: lift, margin per response, customer retention, unsubscribes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boreal = datasets.load_boreal()
    c, tx = boreal.contacts, boreal.transactions
    log = c[(c["campaign_id"] == Q2_CAMPAIGN) & c["channel"].isin(["email", "direct_mail+email"])]
    rates = log.groupby("group")["responded"].mean()
    sent = log[log["group"] == "treatment"]
    events = boreal.consent_events
    unsub = events.loc[events["source"] == "unsubscribe link", ["customer_id", "date"]]
    pairs = sent.reset_index().merge(unsub, on="customer_id")
    window_end = pairs["contact_date"] + pd.Timedelta(days=Q2_UNSUB_DAYS)
    soon = (pairs["date"] >= pairs["contact_date"]) & (pairs["date"] <= window_end)
    unsub_rate = sent.index.isin(pairs.loc[soon, "index"]).mean()
    answered = sent.loc[sent["responded"], "response_transaction_id"].dropna().astype(int)
    margin = Q2_MARGIN_RATE * float(tx.set_index("transaction_id").loc[answered, "amount"].mean())
    b24 = set(tx.loc[tx["date"].dt.year == 2024, "customer_id"])
    b25 = set(tx.loc[tx["date"].dt.year == 2025, "customer_id"])
    return float(rates["treatment"] - rates["control"]), margin, len(b24 & b25) / len(b24), float(unsub_rate)


@facts
def channel_value() -> dict[str, float]:
    """Question 2: the value of an e-mail consent at another number of e-mails a year.

    The exercise gives the chapter's inputs rounded as its table shows them; a student who re-runs the
    chapter's cell with 12 e-mails a year uses them unrounded. Both are right: the expected value is the
    midpoint of the two, so that each passes at the cent (they differ by less than a cent).
    """
    def value(emails: int, lift: float, margin: float, retention: float, unsub: float) -> float:
        return float(simple_clv(emails * lift * margin, retention * (1 - unsub) ** emails, Q2_DISCOUNT))
    shown = (Q2_LIFT, Q2_MARGIN, Q2_RETENTION, Q2_UNSUB)
    exact = _chapter_inputs()
    rounded, unrounded = value(Q2_EMAILS, *shown), value(Q2_EMAILS, *exact)
    return {"value": (rounded + unrounded) / 2, "rounded": rounded, "unrounded": unrounded,
            "chapter": value(CHAPTER_EMAILS, *shown), "no_unsub": value(Q2_EMAILS, *shown[:3], 0.0)}


@facts
def frequency() -> dict[str, float]:
    """Question 5: the best profit per customer at another cost and content mix (the chapter's customers and seed)."""
    def profits(cost: float | None, share: float) -> pd.Series:
        behaviour = None if cost is None else ContactBehaviour(cost_per_contact=cost)
        return pd.Series({k: simulate_contact_policy(ContactPolicy(k, informative_share=share), n_customers=N_CUSTOMERS,
                                                     periods=MONTHS, rng=SEED, behaviour=behaviour)
                          .summary["profit_per_customer"] for k in range(16)})
    p = profits(Q5_COST, Q5_SHARE)
    return {"best": float(p.max()), "best_default": float(profits(None, Q5_SHARE).max()),
            "at_7": float(p[7]), "promotional": float(profits(Q5_COST, 0.0).max())}


@facts
def pressure() -> dict[str, float]:
    """Question 6: the pressure curve's response rate at 3 e-mail campaigns, campaign 5 left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        c = datasets.load_boreal().contacts
        emailed = c["channel"].isin(["email", "direct_mail+email"])
        sends = c[emailed & (c["group"] == "treatment")]

        def rate(log: pd.DataFrame, contacts: int = Q6_CONTACTS) -> float:
            curve = pressure_curve(log, response_col="responded").set_index("contacts")
            return float(curve.loc[contacts, "response_rate"])

        others = sends["responded"] & (sends["campaign_id"] != Q6_LEFT_OUT)
        per_customer = others.groupby(sends["customer_id"]).any()
        received = sends.groupby("customer_id").size()
        left_out = sends[sends["campaign_id"] != Q6_LEFT_OUT]
        return {
            "rate": rate(left_out),
            "with_campaign": rate(sends),
            "at_2": rate(left_out, 2),
            "chapter_column": float(per_customer[received == Q6_CONTACTS].mean()),
            "with_controls": rate(c[emailed & (c["campaign_id"] != Q6_LEFT_OUT)]),
            "all_channels": rate(c[(c["group"] == "treatment") & (c["campaign_id"] != Q6_LEFT_OUT)]),
        }


checker.number(
    "q1", consent["may_text"], kind="count",
    hint="Keep the ledger's events dated on or before the day, read consent_status on that day with "
         "channel=\"sms\", and count may_contact (express and implied consent both allow a text).",
    traps=[(consent["express_only"], "That counts express consent only: implied consent (a purchase in the last "
                                      "2 years, an inquiry in the last 6 months) also allows a text."),
           (consent["may_email"], "That is the e-mail channel (the default): pass channel=\"sms\".")],
)

checker.number(
    "q2", channel_value["value"], kind="money", shown_decimals=2,
    hint="Retention of the consent = customer_retention × (1 − unsub_per_email) ** 12; margin per year = 12 × "
         "lift_per_email × margin_per_response; then simple_clv(margin, retention, DISCOUNT_RATE).",
    traps=[(channel_value["chapter"], "That is the value at 6 e-mails a year, the chapter's assumption: use 12."),
           (channel_value["no_unsub"], "That keeps the consent as long as the customer: each of the 12 e-mails is "
                                       "also a chance to unsubscribe, (1 − unsub_per_email) ** 12.")],
)

checker.number(
    "q3", consent["violations"], kind="count",
    hint="Audit campaign 3's e-mails with the events dated up to its send day, inclusive (same_day=\"after\", the "
         "default), and count the verdict \"violation\".",
    traps=[(consent["withdrawn_rows"], "That counts every send to a customer who had withdrawn: those inside the ten "
                                        "business days are legal (poor practice), not violations."),
           (consent["violations_before"], "That audit leaves out the events of the send day: customers who signed up "
                                          "that day were e-mailed with their fresh consent. Keep the events up to "
                                          "the send day, inclusive.")],
)

checker.number(
    "q4", consent["exempt_on_dncl"], kind="count",
    hint="Copy rule_table(), set the value of \"exemption_purchase\" to 12, pass it as rules= to dncl_status on "
         "the call day, keep the called customers, and count those with on_dncl and exemption both True.",
    traps=[(consent["exempt_on_dncl_18"], "That is with the rules in force (18 months): edit the rule table first."),
           (consent["on_dncl"], "That counts every called customer on the DNCL: keep those with an exemption."),
           (consent["exempt_all"], "That counts every exempt customer called, on the DNCL or not: keep those on it.")],
)

checker.number(
    "q5", frequency["best"], kind="money", shown_decimals=2,
    hint="Simulate ContactPolicy(k, informative_share=0.2) for k = 0 to 15 with "
         "behaviour=ContactBehaviour(cost_per_contact=0.115) (10,000 customers, 24 months, rng=42) and take the "
         "largest profit_per_customer.",
    traps=[(frequency["promotional"], "That is what promotional e-mails alone make at this cost (nothing pays, so "
                                      "0 e-mails): pass informative_share=0.2 to ContactPolicy."),
           (frequency["best_default"], "That is the best profit at the default cost: pass "
                                       "behaviour=ContactBehaviour(cost_per_contact=0.115)."),
           (frequency["at_7"], "That is the profit at 7 e-mails a month, the chapter's top: take the largest over "
                               "0 to 15 e-mails a month.")],
)

checker.number(
    "q6", pressure["rate"], kind="share", shown_decimals=3,
    hint="Keep the e-mail sends of the treatment groups except campaign 5's, pass them to "
         "pressure_curve(..., response_col=\"responded\") and read response_rate in the row with contacts == 3.",
    traps=[(pressure["with_campaign"], "That is the chapter's curve, with campaign 5: leave its sends out."),
           (pressure["at_2"], "That is the row of 2 e-mail campaigns: read the row with contacts == 3."),
           (pressure["chapter_column"], "That groups customers by all their campaigns, campaign 5 included (the "
                                        "chapter's last column): pass the sends without campaign 5 to pressure_curve, "
                                        "so that it counts the other campaigns only."),
           (pressure["with_controls"], "That keeps the control groups, who got no e-mail: keep the treatment rows."),
           (pressure["all_channels"], "That keeps the postal and SMS contacts: keep the e-mail sends only.")],
)

checker.choice(
    "q7", "c", choices="abcd",
    hint="Who decided how many e-mails each customer got, and were those customers alike otherwise?",
    why_not={
        "a": "Responding at least once is easier with more e-mails, and who got more was Boreal's choice: the "
             "curve cannot separate the e-mails' effect from the difference between the customers.",
        "b": "The unsubscribe line has the same problem as the response line: the customers with more e-mails had "
             "more chances to unsubscribe, got more promotions and differ in other ways too (older on the list).",
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

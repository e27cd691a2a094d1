"""Checks for exercises 00 — Welcome: finding your way around the data.

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("00-welcome")``.
"""

from __future__ import annotations

from relmkt_lib import data, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("00-welcome")


@facts
def cdnow() -> dict[str, float]:
    """Counts and shares from the CDNOW log that the questions ask about (or that learners confuse)."""
    log = datasets.load_cdnow()
    # one row per customer; frequency = number of purchase days after the first one
    summary = data.summarize_transactions(log)
    one_day = summary["frequency"] == 0
    return {
        "customers": len(one_day),
        "rows": len(log),
        "one_day_share": float(one_day.mean()),
        "one_day_count": int(one_day.sum()),
        "one_row_share": float(log.groupby("customer_id").size().eq(1).mean()),
        "frequency_one_share": float((summary["frequency"] == 1).mean()),
        "came_back_share": float((summary["frequency"] > 0).mean()),
    }


@facts
def boreal() -> dict[str, int]:
    """How many Boreal customers gave each consent (the question asks for email and SMS together)."""
    customers = datasets.load_boreal()["customers"]
    email, sms, phone = customers["consent_email"], customers["consent_sms"], customers["consent_phone"]
    return {
        "customers": len(customers),
        "email": int(email.sum()),
        "sms": int(sms.sum()),
        "phone": int(phone.sum()),
        "email_and_sms": int((email & sms).sum()),
        "email_or_sms": int((email | sms).sum()),
        "all_three": int((email & sms & phone).sum()),
    }


checker.number(
    "q1", boreal["email_and_sms"], kind="count",
    hint='Combine the True/False columns consent_email and consent_sms of boreal["customers"] with & '
    "(True where both are True), then sum: each True counts as 1.",
    traps=[
        (boreal["customers"], "That is the number of all Boreal customers: "
         "count only those who consented to both email and text messages."),
        (boreal["email"], "That is the number who consented to email; they must also have consented to text messages."),
        (boreal["sms"], "That is the number who consented to text messages; they must also have consented to email."),
        (boreal["email_or_sms"], "That counts the customers with either consent (|); the question asks for both (&)."),
        (boreal["all_three"], "That also requires phone consent (consent_phone): keep only email and text messages."),
    ],
)

# the master prints this share as a percentage with one decimal (51.1%)
checker.number(
    "q2", cdnow["one_day_share"], kind="share", shown_decimals=3,
    hint="Count each customer's distinct purchase days (group by customer_id, then .nunique()), "
    "then take the share of customers with exactly 1: the .mean() of a True/False Series.",
    traps=[
        (cdnow["one_day_count"], "That is the number of one-day customers: divide it by the number of customers."),
        (cdnow["one_row_share"], "Close, but you counted rows: several rows can share a customer and a day."),
        (cdnow["frequency_one_share"], "frequency counts repeat days: one purchase day only means frequency 0, not 1."),
        (cdnow["came_back_share"], "That is the share who came back (two purchase days or more); "
         "the question asks for the others."),
    ],
)

checker.choice(
    "q3", "b", choices="abc",
    hint="Think of the customer lifecycle rather than the single sale.",
    why_not={
        "a": "That is the one-off-sale view: it counts the first sale and ignores what comes next.",
        "c": "Too strong: every relationship starts with a first purchase; the question is what follows it.",
    },
)

"""Checks for exercises 00 — Welcome: finding your way around the data.

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("00-welcome")``.
"""

from __future__ import annotations

from functools import cache

from relmkt_lib import data, datasets
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("00-welcome")


@cache
def _cdnow_facts() -> dict[str, float]:
    """Counts and shares from the CDNOW log that the questions ask about (or that learners confuse)."""
    cdnow = datasets.load_cdnow()
    # one row per customer; frequency = number of purchase days after the first one
    summary = data.summarize_transactions(cdnow, "customer_id", "date")
    one_day = summary["frequency"] == 0
    return {
        "customers": len(summary),
        "rows": len(cdnow),
        "one_day_share": float(one_day.mean()),
        "one_day_count": int(one_day.sum()),
        "one_row_share": float(cdnow.groupby("customer_id").size().eq(1).mean()),
    }


@checker.question("q1", hint="Count distinct customer ids with .nunique().")
def _(answer):
    facts = _cdnow_facts()
    if approx(answer, facts["rows"]):
        return False, "That is the number of rows (one per purchase line), not of customers."
    return approx(answer, facts["customers"])


@checker.question(
    "q2",
    hint="Count each customer's distinct purchase days (group by customer_id, then .nunique()), "
    "then take the share of customers with exactly 1: the .mean() of a True/False Series.",
)
def _(answer):
    facts = _cdnow_facts()
    verdict = approx(answer, facts["one_day_share"], abs_tol=0.002)
    if verdict or verdict.hint:  # correct, or not a number (the hint says what was expected)
        return verdict
    if approx(answer, 100 * facts["one_day_share"], abs_tol=0.2):
        return False, "That looks like a percentage: give the share between 0 and 1 (divide by 100)."
    if approx(answer, facts["one_day_count"]):
        return False, "That is the number of one-day customers: divide it by the number of customers."
    if approx(answer, facts["one_row_share"], abs_tol=0.002):
        return False, "Close, but you counted rows: several rows can share a customer and a day."
    if approx(answer, facts["one_day_share"], abs_tol=0.02):
        return False, "Almost: round less, keep three decimals."
    return False


@checker.question("q3", hint="Think of the customer lifecycle rather than the single sale.")
def _(answer):
    why_not = {
        "a": "That is the one-off-sale view: it counts the first sale and ignores what comes next.",
        "c": "Too strong: every relationship starts with a first purchase; the question is what follows it.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abc")

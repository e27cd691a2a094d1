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
    one_day = data.summarize_transactions(log)["frequency"] == 0
    return {
        "customers": len(one_day),
        "rows": len(log),
        "one_day_share": float(one_day.mean()),
        "one_day_count": int(one_day.sum()),
        "one_row_share": float(log.groupby("customer_id").size().eq(1).mean()),
    }


checker.number(
    "q1", cdnow["customers"], kind="count",
    hint="Count distinct customer ids with .nunique().",
    traps=[(cdnow["rows"], "That is the number of rows (one per purchase line), not of customers.")],
)

# the master prints this share as a percentage with one decimal (51.1%)
checker.number(
    "q2", cdnow["one_day_share"], kind="share", shown_decimals=3,
    hint="Count each customer's distinct purchase days (group by customer_id, then .nunique()), "
    "then take the share of customers with exactly 1: the .mean() of a True/False Series.",
    traps=[
        (cdnow["one_day_count"], "That is the number of one-day customers: divide it by the number of customers."),
        (cdnow["one_row_share"], "Close, but you counted rows: several rows can share a customer and a day."),
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

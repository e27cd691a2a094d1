"""Checks for exercises 02 — Knowing your customers: RFM, segments, migration.

Expected answers are computed from Boreal with ``relmkt_lib.rfm``, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("02-knowing-your-customers")``.
"""

from __future__ import annotations

from relmkt_lib import datasets, rfm
from relmkt_lib.exercises import Checker, facts

checker = Checker("02-knowing-your-customers")

GROSS_MARGIN = 0.40  # Boreal's gross margin, the kit's stated assumption


@facts
def boreal() -> dict[str, float]:
    """Segment counts, spends and shares the questions ask about (and the usual wrong turns)."""
    tx = datasets.load_boreal()["transactions"]
    seg = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2025-12-31"))
    totals = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2025-12-31", monetary="total"))
    june = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2025-06-30"))
    later = rfm.activity_between(tx, window_start="2025-07-01", window_end="2025-12-31", customers=june.index)
    return {
        "champions": int((june["segment"] == "champions").sum()),
        "champions_end_2025": int((seg["segment"] == "champions").sum()),
        "customers": len(june),
        "loyal_spend": float(totals.loc[totals["segment"] == "loyal", "monetary"].mean()),
        "loyal_per_day": float(seg.loc[seg["segment"] == "loyal", "monetary"].mean()),
        "loyal_total_june": float(_loyal_total(tx, "2025-06-30")),
        "at_risk_came_back": float(later.loc[june["segment"] == "at risk", "bought"].mean()),
        "hibernating_came_back": float(later.loc[june["segment"] == "hibernating", "bought"].mean()),
        **_holdout_2024(tx),
        **_champions_stayed(tx),
    }


def _loyal_total(tx, observation_end: str) -> float:
    seg = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end=observation_end, monetary="total"))
    return seg.loc[seg["segment"] == "loyal", "monetary"].mean()


def _champions_stayed(tx) -> dict[str, float]:
    """Share of champions who stayed champions, 2023 -> 2024 (q4) and the chapter's 2024 -> 2025 (a trap)."""
    out = {}
    for key, start, end in (("champions_stayed", "2023-12-31", "2024-12-31"),
                            ("chapter_champions_stayed", "2024-12-31", "2025-12-31")):
        moves = rfm.segment_migration(tx, from_observation_end=start, to_observation_end=end)
        stayed = moves[(moves["from_segment"] == "champions") & (moves["to_segment"] == "champions")]
        out[key] = float(stayed["share"].iloc[0])
    out["champions_left"] = 1 - out["champions_stayed"]
    return out


def _holdout_2024(tx) -> dict[str, float]:
    """Scored at the end of 2024: 2025 margin of the at-risk customers campaign 9 called (q6), the chapter's
    12-month share (q3 trap) and the usual wrong turns of q6."""
    boreal = datasets.load_boreal()
    seg = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2024-12-31"))
    year = rfm.activity_between(tx, window_start="2025-01-01", window_end="2025-12-31", customers=seg.index)
    second_half = rfm.activity_between(tx, window_start="2025-07-01", window_end="2025-12-31", customers=seg.index)
    at_risk = seg["segment"] == "at risk"
    contacts = boreal["contacts"]
    arm = contacts[contacts["campaign_id"] == 9].set_index("customer_id")["group"].reindex(seg.index)
    mailed = contacts.loc[(contacts["campaign_id"] == 10) & (contacts["group"] == "treatment"), "customer_id"]
    called = at_risk & (arm == "treatment")
    spend = year.loc[called, "spend"]
    called_tx = tx[tx["customer_id"].isin(seg.index[called]) & (tx["date"] >= "2025-01-01")]
    list_price = called_tx["amount"] / (1 - called_tx["price_discount"])
    return {
        "call_margin": GROSS_MARGIN * float(spend.mean()),
        "call_spend": float(spend.mean()),
        "call_margin_buyers": GROSS_MARGIN * float(spend[spend > 0].mean()),
        "call_margin_net": float((called_tx["amount"] - (1 - GROSS_MARGIN) * list_price).sum()) / int(called.sum()),
        "at_risk_margin": GROSS_MARGIN * float(year.loc[at_risk, "spend"].mean()),
        "call_margin_both_arms": GROSS_MARGIN * float(year.loc[at_risk & arm.notna(), "spend"].mean()),
        "all_called_margin": GROSS_MARGIN * float(year.loc[arm == "treatment", "spend"].mean()),
        "mailed_margin": GROSS_MARGIN * float(year.loc[at_risk & seg.index.isin(mailed), "spend"].mean()),
        "cannot_lose_called_margin": GROSS_MARGIN * float(
            year.loc[(seg["segment"] == "cannot lose") & (arm == "treatment"), "spend"].mean()),
        "at_risk_12_months": float(year.loc[at_risk, "bought"].mean()),
        "at_risk_2024_second_half": float(second_half.loc[at_risk, "bought"].mean()),
    }


checker.number(
    "q1", boreal["champions"], kind="count",
    hint="Score with rfm.rfm_scores(..., observation_end=\"2025-06-30\"), pass the result to rfm.rfm_segments, "
    "then count the rows whose segment is \"champions\".",
    traps=[(boreal["customers"], "That is every customer; keep only the champions."),
           (boreal["champions_end_2025"], "That is the chapter's count, scored at the end of 2025; score as of "
            "30 June 2025.")],
)

# the master prints the spend with two decimals (dollars and cents)
checker.number(
    "q2", boreal["loyal_spend"], kind="money", shown_decimals=2,
    hint="Score with monetary=\"total\" as of 2025-12-31, segment, select the rows of segment \"loyal\" and "
    "take the mean of the column \"monetary\" (total dollars to date).",
    traps=[(boreal["loyal_per_day"], "That is the spend per purchase day (the default); pass monetary=\"total\"."),
           (boreal["loyal_total_june"], "Score as of 31 December 2025, not 30 June.")],
)

# the question asks for four decimals at least, and the master prints four (0.0215)
checker.number(
    "q3", boreal["at_risk_came_back"], kind="share", shown_decimals=4,
    hint="Score and segment with observation_end=\"2025-06-30\"; then rfm.activity_between with "
    "window_start=\"2025-07-01\", window_end=\"2025-12-31\" and customers=the scores' index; take the mean "
    "of \"bought\" over the at-risk customers. Give a share (0 to 1) with four decimals.",
    traps=[(boreal["hibernating_came_back"], "That is the hibernating segment; keep the at-risk customers."),
           (boreal["at_risk_12_months"], "That is the chapter's 12-month holdout, scored at the end of 2024; "
            "score as of 30 June 2025 and look at July to December."),
           (boreal["at_risk_2024_second_half"], "Those are the customers at risk at the end of 2024; score them as "
            "of 30 June 2025.")],
)

# the question asks for three decimals at least
checker.number(
    "q4", boreal["champions_stayed"], kind="share", shown_decimals=3,
    hint="rfm.segment_migration(..., from_observation_end=\"2023-12-31\", to_observation_end=\"2024-12-31\"), "
    "then the row whose from_segment and to_segment are both \"champions\": its share.",
    traps=[(boreal["champions_left"], "That is the share who left the champions; the question asks who stayed."),
           (boreal["chapter_champions_stayed"], "That is the chapter's migration, 2024 to 2025; start at the end "
            "of 2023."),
           (0.34, "That is the chapter's migration, 2024 to 2025; start at the end of 2023.")],
)

checker.choice(
    "q5", "a", choices="abcd",
    hint="Who is happy with Boreal and buys often right now? Those are the customers most likely to "
    "recommend it.",
    why_not={
        "b": "New customers have bought once: they need a welcome first, not a request to recommend.",
        "c": "At-risk customers have gone quiet; a referral request is unlikely to reach them at a good moment.",
        "d": "Lost customers bought once, long ago: they are not ambassadors.",
    },
)

# the master prints the margin with two decimals (dollars and cents)
checker.number(
    "q6", boreal["call_margin"], kind="money", shown_decimals=2,
    hint="Score and segment with observation_end=\"2024-12-31\"; rfm.activity_between for 2025 with "
    "customers=the scores' index (so that customers who did not buy count as 0); keep the at-risk customers whose "
    "row in contacts has campaign_id 9 and group \"treatment\", take their mean \"spend\" and multiply it by 0.40.",
    traps=[(boreal["call_spend"], "That is the mean spend; the margin is 40 % of it."),
           (boreal["call_margin_buyers"], "That averages only the called customers who bought; count the others as "
            "0 (pass customers=... to activity_between)."),
           (boreal["call_margin_net"], "That nets the coupon discounts, which is more exact (the discussion below "
            "comes back to it); the question asks for 0.40 x the mean spend."),
           (boreal["at_risk_margin"], "That is the whole at-risk segment (called, mailed and held out); keep the "
            "customers campaign 9 called (group \"treatment\")."),
           (boreal["call_margin_both_arms"], "That includes campaign 9's control group; keep the customers it "
            "called (group \"treatment\")."),
           (boreal["all_called_margin"], "That is everyone campaign 9 called, all segments; keep the at-risk ones."),
           (boreal["mailed_margin"], "That is the at-risk customers campaign 10 mailed; the question asks about "
            "campaign 9's calls."),
           (boreal["cannot_lose_called_margin"], "That is the cannot-lose segment; the question asks about at risk.")],
)

checker.choice(
    "q7", "c", choices="abcd",
    hint="Count how many customers have exactly one purchase day, and remember how a score is computed: "
    "1 + 5 x (share of customers with a strictly worse value), rounded down.",
    why_not={
        "a": "No bug: the rule is 1 + 5 x (share of customers strictly worse), rounded down.",
        "b": "rfm_scores never merges scores; work out 1 + 5 x (share strictly worse) for a customer with two "
        "purchase days.",
        "d": "Look again at the column \"frequency\": many customers have two purchase days.",
    },
)

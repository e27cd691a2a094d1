"""Checks for exercises 02 — Knowing your customers: RFM, segments, migration.

Expected answers are computed from Boreal with ``relmkt_lib.rfm``, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("02-knowing-your-customers")``.
"""

from __future__ import annotations

from relmkt_lib import datasets, rfm
from relmkt_lib.exercises import Checker, facts

checker = Checker("02-knowing-your-customers")


@facts
def boreal() -> dict[str, float]:
    """Segment counts, spends and shares the questions ask about (and the usual wrong turns)."""
    tx = datasets.load_boreal()["transactions"]
    seg = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2025-12-31"))
    loyal = seg[seg["segment"] == "loyal"]
    june = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end="2025-06-30"))
    later = rfm.activity_between(tx, window_start="2025-07-01", window_end="2025-12-31", customers=june.index)
    moves = rfm.segment_migration(tx, from_observation_end="2024-12-31", to_observation_end="2025-12-31")
    stayed = moves[(moves["from_segment"] == "champions") & (moves["to_segment"] == "champions")]
    return {
        "champions": int((seg["segment"] == "champions").sum()),
        "customers": len(seg),
        "loyal_spend": float(loyal["monetary"].mean()),
        "loyal_total_spend": float((loyal["frequency"] * loyal["monetary"]).mean()),
        "at_risk_came_back": float(later.loc[june["segment"] == "at risk", "bought"].mean()),
        "champions_stayed": float(stayed["share"].iloc[0]),
        "champions_left": 1 - float(stayed["share"].iloc[0]),
    }


checker.number(
    "q1", boreal["champions"], kind="count",
    hint="Score with rfm.rfm_scores(..., observation_end=\"2025-12-31\"), pass the result to rfm.rfm_segments, "
    "then count the rows whose segment is \"champions\".",
    traps=[(boreal["customers"], "That is every customer; keep only the champions.")],
)

# the master prints the spend with two decimals (dollars and cents)
checker.number(
    "q2", boreal["loyal_spend"], kind="money", shown_decimals=2,
    hint="Select the rows of segment \"loyal\" and take the mean of the column \"monetary\" (dollars per "
    "purchase day).",
    traps=[(boreal["loyal_total_spend"], "That is the mean total spend; the question asks for the spend per "
            "purchase day.")],
)

# the master prints it as a percentage with one decimal (2.1%)
checker.number(
    "q3", boreal["at_risk_came_back"], kind="share", shown_decimals=3,
    hint="Score and segment with observation_end=\"2025-06-30\"; then rfm.activity_between with "
    "window_start=\"2025-07-01\", window_end=\"2025-12-31\" and customers=the scores' index; take the mean "
    "of \"bought\" over the at-risk customers. Give a share (0 to 1).",
)

# the question asks for three decimals at least
checker.number(
    "q4", boreal["champions_stayed"], kind="share", shown_decimals=3,
    hint="rfm.segment_migration(..., from_observation_end=\"2024-12-31\", to_observation_end=\"2025-12-31\"), "
    "then the row whose from_segment and to_segment are both \"champions\": its share.",
    traps=[(boreal["champions_left"], "That is the share who left the champions; the question asks who stayed.")],
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

checker.choice(
    "q6", "c", choices="abcd",
    hint="A 6.50 $ call is worth making only for customers who were worth a lot and have stopped buying: "
    "look at the segment-actions table.",
    why_not={
        "a": "Champions are buying right now: they need recognition, not reactivation.",
        "b": "New customers need a welcome, and they bought recently: nothing to reactivate yet.",
        "d": "Lost customers bought once, long ago: a 6.50 $ call costs more than they are likely to bring.",
    },
)

checker.choice(
    "q7", "b", choices="abc",
    hint="Count how many customers have exactly one purchase day, and remember that equal customers get "
    "equal scores.",
    why_not={
        "a": "No bug: the rule is 1 + 5 x (share of customers strictly worse), rounded down.",
        "c": "Look again at scores[\"frequency\"]: many customers have two purchase days.",
    },
)

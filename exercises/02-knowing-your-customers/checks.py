"""Checks for the exercises of chapter 02 (RFM, segments, migration), computed from the data."""

from functools import cache

from relmkt_lib import datasets, rfm
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("02-knowing-your-customers")


@cache
def _transactions():
    return datasets.load_boreal()["transactions"]


@cache
def _segments(as_of: str):
    tx = _transactions()
    return rfm.rfm_segments(rfm.rfm_scores(tx, "customer_id", "date", "amount", as_of=as_of))


@checker.question("q1", hint="Score as of \"2025-12-31\" with rfm.rfm_scores, pass the result to "
                             "rfm.rfm_segments, then count the rows whose segment is \"champions\".")
def _(answer):
    expected = int((_segments("2025-12-31")["segment"] == "champions").sum())
    if approx(answer, len(_segments("2025-12-31"))):
        return False, "That is every customer; keep only the champions."
    return approx(answer, expected)


@checker.question("q2", hint="Select the rows of segment \"loyal\" and take the mean of the column "
                             "\"monetary\" (dollars per purchase day).")
def _(answer):
    seg = _segments("2025-12-31")
    loyal = seg[seg["segment"] == "loyal"]
    if approx(answer, (loyal["frequency"] * loyal["monetary"]).mean(), rel_tol=1e-3):
        return False, "That is the mean total spend; the question asks for the spend per purchase day."
    return approx(answer, loyal["monetary"].mean(), rel_tol=1e-3)


@cache
def _at_risk_share() -> float:
    seg = _segments("2025-06-30")
    later = rfm.activity_between(_transactions(), "customer_id", "date", "amount",
                                 start="2025-06-30", end="2025-12-31", customers=seg.index)
    return float(later.loc[seg["segment"] == "at risk", "bought"].mean())


@checker.question("q3", hint="Score and segment as of \"2025-06-30\"; then rfm.activity_between with "
                             "start=\"2025-06-30\", end=\"2025-12-31\" and customers=the scores' index; "
                             "take the mean of \"bought\" over the at-risk customers. Give a share (0 to 1).")
def _(answer):
    if approx(answer, 100 * _at_risk_share(), rel_tol=1e-3):
        return False, "That looks like a percentage; give a share between 0 and 1."
    return approx(answer, _at_risk_share(), abs_tol=5e-4)


@cache
def _champions_stayed() -> float:
    m = rfm.segment_migration(_transactions(), "customer_id", "date", "amount",
                              start="2024-12-31", end="2025-12-31")
    row = m[(m["from_segment"] == "champions") & (m["to_segment"] == "champions")]
    return float(row["share"].iloc[0])


@checker.question("q4", hint="rfm.segment_migration(..., start=\"2024-12-31\", end=\"2025-12-31\"), then "
                             "the row whose from_segment and to_segment are both \"champions\": its share.")
def _(answer):
    if approx(answer, 1 - _champions_stayed(), abs_tol=5e-3):
        return False, "That is the share who left the champions; the question asks who stayed."
    return approx(answer, _champions_stayed(), abs_tol=5e-3)


@checker.question("q5", hint="Who is happy with Boreal and buys often right now? Those are the "
                             "customers most likely to recommend it.")
def _(answer):
    why_not = {
        "b": "New customers have bought once: they need a welcome first, not a request to recommend.",
        "c": "At-risk customers have gone quiet; a referral request is unlikely to reach them at a "
             "good moment.",
        "d": "Lost customers bought once, long ago: they are not ambassadors.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "a", choices="abcd")


@checker.question("q6", hint="A 6.50 $ call is worth making only for customers who were worth a lot "
                             "and have stopped buying: look at the segment-actions table.")
def _(answer):
    why_not = {
        "a": "Champions are buying right now: they need recognition, not reactivation.",
        "b": "New customers need a welcome, and they bought recently: nothing to reactivate yet.",
        "d": "Lost customers bought once, long ago: a 6.50 $ call costs more than they are likely to bring.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "c", choices="abcd")


@checker.question("q7", hint="Count how many customers have exactly one purchase day, and remember that "
                             "equal customers get equal scores.")
def _(answer):
    why_not = {
        "a": "No bug: the rule is 1 + 5 x (share of customers strictly worse), rounded down.",
        "c": "Look again at scores[\"frequency\"]: many customers have two purchase days.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abc")

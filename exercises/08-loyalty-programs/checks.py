"""Checks for exercises 08 — Loyalty programs.

Expected answers are computed with the library's simulator and the same seeds as the master,
never typed in, so the checks follow the library. The notebooks load this file with
``relmkt_lib.exercises.load_checks("08-loyalty-programs")``.
"""

from __future__ import annotations

import pandas as pd

from relmkt_lib.exercises import Checker, facts
from relmkt_lib.loyalty import Behaviour, LoyaltyProgram, simulate_program, stamp_card_experiment

checker = Checker("08-loyalty-programs")

#: The simulation settings of every question (small, so that the checks stay fast).
N_CUSTOMERS = 20_000
WEEKS = 52
SEED = 42
THRESHOLDS = (500, 1000, 2000, 4000)
REWARD_SHARE = 0.02  # question 3: a reward worth 2 % of its threshold
STAMP_CUSTOMERS = 5_000  # question 7's stamp-card experiment


def _run(program: LoyaltyProgram, behaviour: Behaviour | None = None):
    behaviour = Behaviour() if behaviour is None else behaviour
    return simulate_program(N_CUSTOMERS, program, weeks=WEEKS, behaviour=behaviour, rng=SEED)


@facts
def null_world() -> dict[str, float]:
    """Questions 1-2: a program with no effect, compared naively and at random."""
    c = _run(LoyaltyProgram(), Behaviour.no_effect()).customers
    program = c[c["arm"] == "program"]
    members = program.loc[program["member"], "purchases"].mean()
    non_members = program.loc[~program["member"], "purchases"].mean()
    control = c.loc[c["arm"] == "control", "purchases"].mean()
    return {"naive": float(members / non_members), "randomised": float(program["purchases"].mean() / control),
            "members_vs_control": float(members / control), "difference": float(members - non_members)}


@facts
def thresholds() -> dict[str, int]:
    """Question 3: the threshold with the largest net margin, and those with the largest margin or ROI."""
    rows = {t: _run(LoyaltyProgram(reward_threshold=t, reward_value=REWARD_SHARE * t)).summary for t in THRESHOLDS}
    table = pd.DataFrame(rows).T
    net = table["incremental_margin"] - table["total_cost"]
    return {"net": int(net.idxmax()), "margin": int(table["incremental_margin"].idxmax()),
            "roi": int(table["roi"].idxmax())}


@facts
def expiry() -> dict[str, float]:
    """Question 5: breakage and liability with points that expire after 13 weeks, or never."""
    never = _run(LoyaltyProgram()).summary
    short = _run(LoyaltyProgram(expiry_weeks=13)).summary
    return {"breakage_13": float(short["breakage"]), "breakage_never": float(never["breakage"]),
            "liability_13": float(short["liability"]), "liability_never": float(never["liability"])}


@facts
def lifts() -> dict[str, float]:
    """Question 6: the lift in purchases of light and heavy buyers (program arm / control arm - 1)."""
    c = _run(LoyaltyProgram()).customers
    means = c.groupby(["light_buyer", "arm"])["purchases"].mean()
    members = c[(c["arm"] == "program") & c["member"]].groupby("light_buyer")["purchases"].mean()
    return {"light": float(means[(True, "program")] / means[(True, "control")] - 1),
            "heavy": float(means[(False, "program")] / means[(False, "control")] - 1),
            "light_members": float(members[True] / means[(True, "control")] - 1)}


@facts
def endowed() -> dict[str, float]:
    """Question 7: completion of an 8-stamp card against a 10-stamp card with 2 stamps given."""
    def completion(needed: int, given: int) -> float:
        out = stamp_card_experiment(stamps_needed=needed, stamps_given=given, n_customers=STAMP_CUSTOMERS, rng=SEED)
        return float(out.summary["completion_rate"])

    gain = completion(10, 2) - completion(8, 0)
    return {"gain": gain, "reversed": -gain}


checker.number(
    "q1", null_world["naive"], shown_decimals=2,
    hint="In the program arm (customers['arm'] == 'program'), divide the mean purchases of the members by the "
    "mean purchases of the non-members.",
    traps=[
        (null_world["members_vs_control"], "That compares members with the control arm; the question compares "
         "them with the non-members of the program arm."),
        (null_world["difference"], "That is a difference in purchases; give the ratio (members / non-members)."),
    ],
)

checker.number(
    "q2", null_world["randomised"], shown_decimals=3,
    hint="Divide the mean purchases of the whole program arm (members and non-members together) by the mean "
    "purchases of the control arm.",
    traps=[(null_world["members_vs_control"], "Keep the non-members of the program arm too: the randomisation "
            "made the whole arm comparable to the control arm, not its members.")],
)

checker.number(
    "q3", thresholds["net"], shown_decimals=0,
    hint="Simulate each threshold with reward_value = 0.02 x threshold and the same seed, and take the "
    "threshold with the largest incremental_margin - total_cost.",
    traps=[
        (thresholds["margin"], "That threshold has the largest incremental margin, but subtract the costs: the "
         "question asks for the net."),
        (thresholds["roi"], "That threshold has the best ROI (a ratio); the question asks for the largest net "
         "margin in dollars."),
    ],
)

checker.choice(
    "q4", "b", choices="abc",
    hint="Breakage is about points, not about customers: what happens to a point that is never redeemed?",
    why_not={
        "a": "Breakage counts points, not members: a member who leaves may have redeemed everything.",
        "c": "Unredeemed points cost the firm nothing now, but they are still owed until they expire: that is "
             "the liability.",
    },
)

# dollars to the cent, as the master prints the liability
checker.number(
    "q5", expiry["liability_13"], kind="money", shown_decimals=2,
    hint="Simulate LoyaltyProgram(expiry_weeks=13) with the same settings and read summary['liability'].",
    traps=[
        (expiry["liability_never"], "That is the liability with no expiry; set expiry_weeks=13."),
        (expiry["breakage_13"], "That is the breakage; the question asks for the liability, in dollars."),
    ],
)

# the master prints the lifts as percentages with one decimal (+18.7%)
checker.number(
    "q6", lifts["light"], kind="change", shown_decimals=3,
    hint="For the light buyers only (customers['light_buyer']), divide the program arm's mean purchases by the "
    "control arm's, and subtract 1.",
    traps=[
        (lifts["heavy"], "That is the heavy buyers' lift; take the customers with light_buyer == True."),
        (lifts["light_members"], "That compares the light members with the control arm: keep the whole program "
         "arm, members and non-members, or the selection trap comes back."),
    ],
)

checker.number(
    "q7", endowed["gain"], kind="share_difference", shown_decimals=3,
    hint="Run stamp_card_experiment(stamps_needed=8, stamps_given=0, n_customers=5_000, rng=42) and "
    "stamp_card_experiment(stamps_needed=10, stamps_given=2, n_customers=5_000, rng=42); subtract the "
    "completion shares.",
    traps=[(endowed["reversed"], "The sign is reversed: give the 10-with-2 card's completion minus the 8-stamp "
            "card's.")],
)

checker.choice(
    "q8", "c", choices="abc",
    hint="Which comparison involves groups that differ only by chance, apart from the program?",
    why_not={
        "a": "Members chose to join, and heavier buyers join more: the gap shows up even when the program does "
             "nothing.",
        "b": "Members who joined last year were already heavier buyers, and the year itself differs (season, "
             "prices, campaigns).",
    },
)

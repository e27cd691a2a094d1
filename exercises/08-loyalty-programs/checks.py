"""Checks for exercises 08 — Loyalty programs.

Expected answers are computed with the library's simulator and the same seeds as the master,
never typed in, so the checks follow the library. The notebooks load this file with
``relmkt_lib.exercises.load_checks("08-loyalty-programs")``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from relmkt_lib.exercises import Checker, approx, same_choice
from relmkt_lib.loyalty import Behaviour, LoyaltyProgram, simulate_program, stamp_card_experiment

checker = Checker("08-loyalty-programs")

#: The simulation settings of every question (small, so that the checks stay fast).
N_CUSTOMERS = 20_000
WEEKS = 52
SEED = 42
THRESHOLDS = (500, 1000, 2000, 4000)


def _run(program: LoyaltyProgram, behaviour: Behaviour | None = None):
    behaviour = Behaviour() if behaviour is None else behaviour
    return simulate_program(N_CUSTOMERS, program, WEEKS, behaviour=behaviour, rng=SEED)


@cache
def _null_world() -> dict[str, float]:
    c = _run(LoyaltyProgram(), Behaviour.no_effect()).customers
    program = c[c["arm"] == "program"]
    members = program.loc[program["member"], "purchases"].mean()
    non_members = program.loc[~program["member"], "purchases"].mean()
    control = c.loc[c["arm"] == "control", "purchases"].mean()
    return {"naive": float(members / non_members), "randomised": float(program["purchases"].mean() / control),
            "members_vs_control": float(members / control), "difference": float(members - non_members)}


@cache
def _thresholds() -> pd.DataFrame:
    rows = {t: _run(LoyaltyProgram(reward_threshold=t, reward_value=0.02 * t)).summary for t in THRESHOLDS}
    table = pd.DataFrame(rows).T
    table["net"] = table["incremental_margin"] - table["total_cost"]
    return table


@cache
def _expiry() -> dict[str, float]:
    never = _run(LoyaltyProgram()).summary
    short = _run(LoyaltyProgram(expiry_weeks=13)).summary
    return {"breakage_13": float(short["breakage"]), "breakage_never": float(never["breakage"]),
            "liability_13": float(short["liability"]), "liability_never": float(never["liability"])}


@cache
def _light_lift() -> dict[str, float]:
    c = _run(LoyaltyProgram()).customers
    means = c.groupby(["light_buyer", "arm"])["purchases"].mean()
    members = c[(c["arm"] == "program") & c["member"]].groupby("light_buyer")["purchases"].mean()
    return {"light": float(means[(True, "program")] / means[(True, "control")] - 1),
            "heavy": float(means[(False, "program")] / means[(False, "control")] - 1),
            "light_members": float(members[True] / means[(True, "control")] - 1)}


def _completion(stamps_needed: int, stamps_given: int) -> float:
    out = stamp_card_experiment(stamps_needed=stamps_needed, stamps_given=stamps_given, n_customers=5_000, rng=SEED)
    return float(out.summary["completion_rate"])


@cache
def _endowed() -> dict[str, float]:
    eight, ten_two = _completion(8, 0), _completion(10, 2)
    return {"eight": eight, "ten_two": ten_two, "gain": ten_two - eight}


@checker.question("q1", hint="In the program arm (customers['arm'] == 'program'), divide the mean purchases of "
                             "the members by the mean purchases of the non-members.")
def _(answer):
    facts = _null_world()
    verdict = approx(answer, facts["naive"], abs_tol=0.005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, facts["members_vs_control"], abs_tol=0.005):
        return False, "That compares members with the control arm; the question compares them with the non-members of the program arm."
    if approx(answer, facts["difference"], abs_tol=0.005):
        return False, "That is a difference in purchases; give the ratio (members / non-members)."
    return False


@checker.question("q2", hint="Divide the mean purchases of the whole program arm (members and non-members together) "
                             "by the mean purchases of the control arm.")
def _(answer):
    facts = _null_world()
    verdict = approx(answer, facts["randomised"], abs_tol=0.0005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, facts["members_vs_control"], abs_tol=0.005):
        return False, "Keep the non-members of the program arm too: the randomisation made the whole arm comparable to the control arm, not its members."
    return False


@checker.question("q3", hint="Simulate each threshold with reward_value = 0.02 x threshold and the same seed, and "
                             "take the threshold with the largest incremental_margin - total_cost.")
def _(answer):
    table = _thresholds()
    best = int(table["net"].idxmax())
    if approx(answer, int(table["incremental_margin"].idxmax())) and not approx(answer, best):
        return False, "That threshold has the largest incremental margin, but subtract the costs: the question asks for the net."
    if approx(answer, int(table["roi"].idxmax())) and not approx(answer, best):
        return False, "That threshold has the best ROI (a ratio); the question asks for the largest net margin in dollars."
    return approx(answer, best)


@checker.question("q4", hint="Breakage is about points, not about customers: what happens to a point that is never redeemed?")
def _(answer):
    why_not = {
        "a": "Breakage counts points, not members: a member who leaves may have redeemed everything.",
        "c": "Unredeemed points cost the firm nothing now, but they are still owed until they expire: that is the liability.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abc")


@checker.question("q5", hint="Simulate LoyaltyProgram(expiry_weeks=13) with the same settings and read summary['liability'].")
def _(answer):
    facts = _expiry()
    verdict = approx(answer, facts["liability_13"], rel_tol=1e-4)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, facts["liability_never"], rel_tol=1e-4):
        return False, "That is the liability with no expiry; set expiry_weeks=13."
    if approx(answer, facts["breakage_13"], abs_tol=0.0005):
        return False, "That is the breakage; the question asks for the liability, in dollars."
    return False


@checker.question("q6", hint="For the light buyers only (customers['light_buyer']), divide the program arm's mean "
                             "purchases by the control arm's, and subtract 1.")
def _(answer):
    facts = _light_lift()
    verdict = approx(answer, facts["light"], abs_tol=0.0005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, facts["heavy"], abs_tol=0.0005):
        return False, "That is the heavy buyers' lift; take the customers with light_buyer == True."
    if approx(answer, facts["light_members"], abs_tol=0.0005):
        return False, "That compares the light members with the control arm: keep the whole program arm, members and non-members, or the selection trap comes back."
    if approx(answer, 100 * facts["light"], abs_tol=0.05):
        return False, "That looks like a percentage: give the share (0.05 for +5 %)."
    return False


@checker.question("q7", hint="Run stamp_card_experiment(8, 0, n_customers=5_000, rng=42) and "
                             "stamp_card_experiment(10, 2, n_customers=5_000, rng=42); subtract the completion shares.")
def _(answer):
    facts = _endowed()
    verdict = approx(answer, facts["gain"], abs_tol=0.0005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, -facts["gain"], abs_tol=0.0005):
        return False, "The sign is reversed: give the 10-with-2 card's completion minus the 8-stamp card's."
    if approx(answer, 100 * facts["gain"], abs_tol=0.05):
        return False, "That looks like percentage points: give the difference of the shares (between -1 and 1)."
    return False


@checker.question("q8", hint="Which comparison involves groups that differ only by chance, apart from the program?")
def _(answer):
    why_not = {
        "a": "Members chose to join, and heavier buyers join more: the gap shows up even when the program does nothing.",
        "b": "Members who joined last year were already heavier buyers, and the year itself differs (season, prices, campaigns).",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "c", choices="abc")

"""Checks for exercises 08 — Loyalty programs.

Expected answers are computed with the library's simulator and the same customers and seed as the
master (and the chapter), never typed in, so the checks follow the library. The notebooks load this
file with ``relmkt_lib.exercises.load_checks("08-loyalty-programs")``.
"""

from __future__ import annotations

from dataclasses import replace

from relmkt_lib.exercises import Checker, facts
from relmkt_lib.loyalty import Behaviour, LoyaltyProgram, simulate_program

checker = Checker("08-loyalty-programs")

#: The simulation settings of every question: the chapter's customers.
N_CUSTOMERS = 200_000
WEEKS = 52
SEED = 42
RUNNING_COSTS = dict(fixed_cost_per_week=300.0, cost_per_member_per_week=0.02)
DEFAULT = LoyaltyProgram(**RUNNING_COSTS)
REBATE_DESIGN = LoyaltyProgram(earn_per_dollar=2, reward_threshold=1000, reward_value=15)  # question 1
SELECTION = replace(DEFAULT, reward_value=20)  # question 2
RICHER = replace(DEFAULT, reward_value=15)  # question 3
FEW_POINTS = replace(DEFAULT, endowed_points=5)  # question 4
HEAD_START = replace(DEFAULT, endowed_points=150)  # question 5
HIGH_THRESHOLD = replace(DEFAULT, reward_threshold=750, reward_value=15)  # question 7
CHAPTER_THRESHOLD = replace(DEFAULT, reward_threshold=1000, reward_value=20)  # the chapter's 1,000-point row

_cache: dict = {}


def _run(program: LoyaltyProgram, behaviour: Behaviour = Behaviour()):
    if (program, behaviour) not in _cache:
        _cache[(program, behaviour)] = simulate_program(N_CUSTOMERS, program, weeks=WEEKS, behaviour=behaviour,
                                                        rng=SEED)
    return _cache[(program, behaviour)]


def _naive_gap(c) -> float:
    program = c[c["arm"] == "program"]
    return program.loc[program["member"], "revenue"].mean() - program.loc[~program["member"], "revenue"].mean()


def _whole_dollars(fact, what: str) -> list:
    """Traps for a dollar answer rounded to tens, hundreds or thousands: the notebook shows whole dollars."""
    message = (f"Almost: keep whole dollars. The {what} is shown to the dollar; do not round it to tens, "
               "hundreds or thousands.")
    return [(lambda k=k: round(fact(), -k), message) for k in (1, 2, 3)]


@facts
def rebate() -> dict[str, float]:
    """Question 1: the rebate rate of a design earning 2 points a dollar, 15 $ for 1,000 points."""
    d = REBATE_DESIGN
    return {"rate": d.reward_value * d.earn_per_dollar / d.reward_threshold,
            "no_multiplier": d.reward_value / d.reward_threshold,
            "inverse": d.reward_threshold / (d.reward_value * d.earn_per_dollar)}


@facts
def selection() -> dict[str, float]:
    """Question 2: the naive member - non-member gap against the randomised effect per member (20 $ reward)."""
    res = _run(SELECTION)
    c, s = res.customers, res.summary
    gap = _naive_gap(c)
    per_member = s["incremental_revenue"] / s["members"]
    per_customer = s["incremental_revenue"] / s["program_arm"]
    control = c.loc[c["arm"] == "control", "revenue"].mean()
    members_vs_control = c.loc[(c["arm"] == "program") & c["member"], "revenue"].mean() - control
    # the default design's ratios, as in the chapter: by the randomised effect and by the true effect (twins)
    base, twins = _run(DEFAULT), _run(DEFAULT, Behaviour.no_effect())
    members = base.customers["member"]
    true_default = base.customers.loc[members, "revenue"].mean() - twins.customers.loc[members, "revenue"].mean()
    default_gap = _naive_gap(base.customers)
    return {"ratio": gap / per_member, "gap": gap, "per_customer": gap / per_customer,
            "members_vs_control": members_vs_control / per_member, "inverse": per_member / gap,
            "default_randomised": default_gap / (base.summary["incremental_revenue"] / base.summary["members"]),
            "default_true": default_gap / true_default}


@facts
def richer() -> dict[str, float]:
    """Questions 3-5: incremental margins of new designs on the same customers."""
    base, rich = _run(DEFAULT).summary, _run(RICHER).summary
    one, head = _run(FEW_POINTS).summary, _run(HEAD_START).summary
    return {"margin": rich["incremental_margin"], "net": rich["net_benefit"], "band": 2 * rich["incremental_margin_se"],
            "se": rich["incremental_margin_se"], "default_margin": base["incremental_margin"],
            "revenue": rich["incremental_revenue"],
            "one_gap": one["incremental_margin"] - base["incremental_margin"],
            "one_band": 2 * one["incremental_margin_se"],
            "head_gain": head["incremental_margin"] - base["incremental_margin"],
            "head_loss": base["incremental_margin"] - head["incremental_margin"],
            "head_margin": head["incremental_margin"], "head_net_gain": head["net_benefit"] - base["net_benefit"]}


@facts
def lifts() -> dict[str, float]:
    """Question 6: the randomised revenue lift of the lighter and the heavier half of the buyers."""
    c = _run(DEFAULT).customers
    means = c.groupby(["light_buyer", "arm"])["revenue"].mean()
    members = c[(c["arm"] == "program") & c["member"]].groupby("light_buyer")["revenue"].mean()
    return {"light": means[(True, "program")] / means[(True, "control")] - 1,
            "heavy": means[(False, "program")] / means[(False, "control")] - 1,
            "light_members": members[True] / means[(True, "control")] - 1}


@facts
def liability() -> dict[str, float]:
    """Question 7: the liability of a 15 $ reward for 750 points, in dollars."""
    s = _run(HIGH_THRESHOLD).summary
    return {"dollars": s["liability"], "points": s["points_outstanding"], "breakage": s["breakage"],
            "default": _run(DEFAULT).summary["liability"], "chapter": _run(CHAPTER_THRESHOLD).summary["liability"]}


checker.number(
    "q1", rebate["rate"], kind="share", shown_decimals=3,
    hint="The rebate rate is the reward's value per dollar spent to earn it: reward_value x earn_per_dollar / "
    "reward_threshold.",
    traps=[
        (rebate["no_multiplier"], "That forgets that each dollar earns 2 points: the threshold is reached after "
         "500 $, not 1,000 $."),
        (rebate["inverse"], "That is upside down: divide the reward's value by the dollars needed to earn it."),
    ],
)

checker.number(
    "q2", selection["ratio"], shown_decimals=1,
    hint="Simulate replace(default_design, reward_value=20), then divide the naive gap (members' mean revenue minus "
    "non-members', in the program arm) by the randomised effect per member, summary['incremental_revenue'] / "
    "summary['members'].",
    traps=[
        (selection["gap"], "That is the naive gap in dollars; divide it by the randomised effect per member."),
        (selection["inverse"], "That is upside down: the naive gap divided by the randomised effect per member."),
        (selection["default_randomised"], "That is the default design's ratio (10 $ reward); simulate "
         "replace(default_design, reward_value=20)."),
        (selection["default_true"], "That is the chapter's ratio for the default design, which divides by the true "
         "effect (only a simulator has it); simulate the 20 $ design and divide by its randomised effect per member."),
        (selection["per_customer"], "That divides by the effect per customer of the program arm; the effect is "
         "carried by the members, so divide the incremental revenue by the number of members."),
        (selection["members_vs_control"], "That compares members with the control arm; the naive slide compares "
         "them with the non-members of the program arm."),
    ],
)

checker.number(
    "q3", richer["margin"], kind="money", shown_decimals=0,
    hint="Simulate replace(default_design, reward_value=15) with the settings above and read "
    "summary['incremental_margin'].",
    traps=[
        (richer["net"], "That is the net benefit, after costs; the question asks for the incremental margin."),
        (richer["band"], "That is the noise band (2 standard errors), not the margin."),
        (richer["se"], "That is the standard error, not the margin."),
        (richer["default_margin"], "That is the default design's margin (10 $); set reward_value=15."),
        (richer["revenue"], "That is the incremental revenue; the margin is 30 % of it."),
        *_whole_dollars(richer["margin"], "incremental margin"),
    ],
)

checker.choice(
    "q4", "b", choices="abc",
    hint="Compare the difference between the two margins with the noise band, 2 x incremental_margin_se.",
    why_not={
        "a": "The difference is much smaller than the noise band: a field test could not tell it from chance. "
             "Five points of 500 are a head start of 1 %.",
        "c": "The difference is positive, and much smaller than the noise band: a field test could not tell it "
             "from chance.",
    },
)

checker.number(
    "q5", richer["head_gain"], kind="money", shown_decimals=0,
    hint="Simulate replace(default_design, endowed_points=150) and subtract the default design's incremental "
    "margin from its incremental margin.",
    traps=[
        (richer["head_margin"], "That is the margin of the design with 150 endowed points; subtract the default's."),
        (richer["head_loss"], "The sign is reversed: the design with the head start minus the default."),
        (richer["head_net_gain"], "That is the gain in net benefit (after the extra rewards); the question asks "
         "for the gain in incremental margin."),
        *_whole_dollars(richer["head_gain"], "gain"),
    ],
)

checker.number(
    "q6", lifts["light"], kind="change", shown_decimals=3,
    hint="For the lighter half only (customers['light_buyer']), divide the program arm's mean revenue by the "
    "control arm's, and subtract 1.",
    traps=[
        (lifts["heavy"], "That is the heavier half's lift; take the customers with light_buyer == True."),
        (lifts["light_members"], "That compares the light members with the control arm: keep the whole program "
         "arm, members and non-members, or the selection trap comes back."),
    ],
)

checker.number(
    "q7", liability["dollars"], kind="money", shown_decimals=0,
    hint="Simulate replace(default_design, reward_threshold=750, reward_value=15) and read summary['liability'] "
    "(points outstanding x 15 $ / 750 points).",
    traps=[
        (liability["points"], "That is the number of points outstanding; convert it to dollars: each point is worth "
         "15 $ / 750 points."),
        (liability["default"], "That is the default design's liability; set reward_threshold=750 and "
         "reward_value=15."),
        (liability["chapter"], "That is the chapter's 1,000-point design; set reward_threshold=750 and "
         "reward_value=15."),
        (liability["breakage"], "That is the breakage, a share of points; the question asks for the liability, in "
         "dollars."),
        *_whole_dollars(liability["dollars"], "liability"),
    ],
)

checker.choice(
    "q8", "c", choices="abc",
    hint="Canada's anti-spam law (CASL) asks for the customer's consent before a commercial e-mail.",
    why_not={
        "a": "Being in the database is not consent: only customers who consented to e-mail may be e-mailed.",
        "b": "Joining the program is not consent to e-mail either, unless the customer ticked that box; and the "
             "strategy is meant to reach customers without a program.",
    },
)

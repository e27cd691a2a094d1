"""Checks for exercises 05 — The loyalty ladder.

Expected answers are computed from the data with the library, never typed in, so the checks
follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("05-the-loyalty-ladder")``.
"""

from __future__ import annotations

import pandas as pd

from relmkt_lib import datasets, migration
from relmkt_lib.exercises import Checker, facts

checker = Checker("05-the-loyalty-ladder")

MARGIN_RATE = 0.35
CONTACT_COST = 1.90  # dollars per active customer and quarter
D_QUARTER = 1.10**0.25 - 1  # 10 % a year, per quarter
Q5_MARGIN_RATE = 0.30  # question 5 changes the chapter's margin rate
Q6_COST = 20.0  # dollars per targeted customer: question 6 asks the share that must move to break even
CHAPTER_COST = 10.0  # the chapter's upgrade program costs 10 $ per customer: a likely slip in question 6
PRINTED_D_QUARTER = 0.024  # the chapter prints the quarterly rate rounded to 2.4 %: a likely slip in question 5
Q2_REGULAR_MIN = 4  # question 2 raises the regular threshold from the chapter's 3 purchases
Q2_PERIOD = "2025Q4"
SILENT = ("lapsed", "lost")  # not mailed
PC_DISCOUNT_RATE = 0.2  # per period, in Pfeifer & Carraway's example
Q3_DISCOUNT_RATE = 0.1  # question 3 values the example at another rate than the chapter's 0.2


@facts
def boreal() -> dict[str, float]:
    """Boreal's ladder: a transition probability, rung counts under other rules, the value of a move up one rung."""
    transactions = datasets.load_boreal().transactions
    states = migration.assign_states(transactions, amount_col="amount", freq="Q")

    def counts(regular_min: int) -> pd.Series:
        rules = migration.LadderRules(regular_min_purchases=regular_min)
        ladder = migration.assign_states(transactions, amount_col="amount", freq="Q", rules=rules)
        return ladder.loc[ladder["period"] == Q2_PERIOD, "state"].astype(str).value_counts()

    strict, default, stricter = counts(Q2_REGULAR_MIN), counts(3), counts(Q2_REGULAR_MIN + 1)
    P = migration.transition_matrix(states)
    costs = {s: CONTACT_COST for s in P.index if s not in SILENT}

    def upgrade(margin_rate: float, discount_rate: float, **kwargs: str) -> float:
        rewards = migration.state_rewards(states, margin_rate, contact_cost=costs)
        values = migration.markov_clv(P, rewards, discount_rate, **kwargs)
        return values["regular"] - values["occasional"]

    gain = upgrade(Q5_MARGIN_RATE, D_QUARTER)
    mailed_silent = migration.state_rewards(states, Q5_MARGIN_RATE, contact_cost=CONTACT_COST)
    v_mailed = migration.markov_clv(P, mailed_silent, D_QUARTER)
    return {
        "lapsed_to_occasional": P.loc["lapsed", "occasional"],
        "occasional_to_lapsed": P.loc["occasional", "lapsed"],
        "regulars_strict": strict["regular"],
        "regulars_default": default["regular"],
        "regulars_and_ambassadors": strict["regular"] + strict["ambassador"],
        "regulars_stricter": stricter["regular"],
        "occasional_strict": strict["occasional"],
        "upgrade": gain,
        "downgrade": -gain,
        "upgrade_chapter_margin": upgrade(MARGIN_RATE, D_QUARTER),
        "upgrade_yearly_rate": upgrade(Q5_MARGIN_RATE, 0.10),  # the annual rate used per quarter: a likely slip
        "upgrade_rate_over_4": upgrade(Q5_MARGIN_RATE, 0.10 / 4),  # the annual rate divided by 4: another
        "upgrade_printed_rate": upgrade(Q5_MARGIN_RATE, PRINTED_D_QUARTER),
        "upgrade_at_end": upgrade(Q5_MARGIN_RATE, D_QUARTER, timing="end"),
        "upgrade_mailing_silent": v_mailed["regular"] - v_mailed["occasional"],
        "share_needed": Q6_COST / gain,
        "share_inverted": gain / Q6_COST,
        "share_chapter_margin": Q6_COST / upgrade(MARGIN_RATE, D_QUARTER),
        "share_chapter_cost": CHAPTER_COST / gain,
    }


def _stop_mailing_state3(P, R):
    """Pfeifer & Carraway's matrix and rewards with state 3 not mailed: no purchase, no cost."""
    P, R = P.copy(), R.copy()
    P.loc[3] = 0.0
    P.loc[3, 4] = 1.0
    R.loc[3] = 0.0
    return P, R


@facts
def pfeifer_carraway() -> dict[str, float]:
    """State values in Pfeifer & Carraway's (2000) example, under several mailing policies and rates."""
    example = migration.pfeifer_carraway_example
    mail = migration.markov_clv(*example(), PC_DISCOUNT_RATE)
    stop4 = migration.markov_clv(*example(mail_state4=False), PC_DISCOUNT_RATE)
    P4, R4 = example(mail_state4=False)
    P34, R34 = _stop_mailing_state3(P4, R4)
    stop34 = migration.markov_clv(P34, R34, PC_DISCOUNT_RATE)
    kept_cost = migration.markov_clv(P34, R4, PC_DISCOUNT_RATE)  # moved state 3 but kept its mailing cost
    kept_buying = migration.markov_clv(P4, R34, PC_DISCOUNT_RATE)  # dropped the cost but state 3 still buys
    at_q3 = migration.markov_clv(*example(), Q3_DISCOUNT_RATE)
    return {"v2": at_q3.loc[2], "v1": at_q3.loc[1], "v3": at_q3.loc[3], "v2_chapter_rate": mail.loc[2],
            "change1": stop34.loc[1] - stop4.loc[1], "change1_sign": stop4.loc[1] - stop34.loc[1],
            "change1_vs_mail_all": stop34.loc[1] - mail.loc[1],
            "chapter_gain1": stop4.loc[1] - mail.loc[1],
            "change1_kept_cost": kept_cost.loc[1] - stop4.loc[1],
            "change1_kept_buying": kept_buying.loc[1] - stop4.loc[1]}


# the master prints P with three decimals; values in dollars, to the cent, as the chapter does
checker.number(
    "q1", boreal["lapsed_to_occasional"], kind="share", shown_decimals=3,
    hint="Take the row 'lapsed' and the column 'occasional' of the transition matrix: P.loc[row, column].",
    traps=[(boreal["occasional_to_lapsed"], "That is the move from occasional to lapsed: the row is where "
            "customers come from.")],
)

checker.number(
    "q2", boreal["regulars_strict"], kind="count",
    hint="Build the ladder with rules=migration.LadderRules(regular_min_purchases=4), keep the rows of period "
    "'2025Q4' and count the state 'regular'.",
    traps=[(boreal["regulars_default"], "That is the count with the chapter's rules (3 purchases); pass "
            "rules=migration.LadderRules(regular_min_purchases=4) to assign_states."),
           (boreal["regulars_and_ambassadors"], "That counts the ambassadors too; count the state 'regular' only."),
           (boreal["regulars_stricter"], "That is a threshold of 5 purchases; regular_min_purchases is the "
            "smallest number of purchases that makes a regular: 4."),
           (boreal["occasional_strict"], "That is the occasional rung; count the state 'regular'.")],
)

checker.number(
    "q3", pfeifer_carraway["v2"], kind="money", shown_decimals=2,
    hint="Use migration.pfeifer_carraway_example() and migration.markov_clv(P, R, 0.1) (a discount rate of "
    "0.1 per period); read state 2 with .loc[2].",
    traps=[(pfeifer_carraway["v2_chapter_rate"], "That is the chapter's value, at a discount rate of 0.2; this "
            "question uses 0.1."),
           (pfeifer_carraway["v1"], "That is state 1; the question asks about state 2 (the labels are 1 to 5, "
            "not positions)."),
           (pfeifer_carraway["v3"], "That is state 3: .iloc[2] reads the third position; the states are labels "
            "1 to 5, so use .loc[2].")],
)

checker.number(
    "q4", pfeifer_carraway["change1"], kind="money", shown_decimals=2,
    hint="Value state 1 with the matrix and rewards of pfeifer_carraway_example(mail_state4=False), then again "
    "after changing row 3 of P and the reward of state 3 as described; subtract the first value from the second.",
    traps=[(pfeifer_carraway["change1_sign"], "Right size, wrong sign: the value when state 3 is not mailed "
            "minus the value when it is."),
           (pfeifer_carraway["change1_vs_mail_all"], "That compares with mailing every state; start from the "
            "chapter's policy, where state 4 is already not mailed (mail_state4=False)."),
           (pfeifer_carraway["chapter_gain1"], "That is the chapter's change, when state 4 stops being mailed; this "
            "question stops mailing state 3 as well."),
           (pfeifer_carraway["change1_kept_cost"], "State 3 is not mailed any more, so it costs nothing: set its "
            "reward to 0 too."),
           (pfeifer_carraway["change1_kept_buying"], "An unmailed customer in state 3 does not buy: row 3 of P must "
            "send everyone to state 4.")],
)

checker.number(
    "q5", boreal["upgrade"], kind="money", shown_decimals=2,
    hint="V(regular) - V(occasional), with the values from markov_clv on Boreal's ladder and a margin rate of 0.30.",
    traps=[(boreal["downgrade"], "Right size, wrong sign: the higher rung minus the lower rung."),
           (boreal["upgrade_chapter_margin"], "That is the chapter's margin rate (0.35); this question uses 0.30."),
           (boreal["upgrade_mailing_silent"], "Lapsed and lost customers are not mailed: give them no contact cost."),
           (boreal["upgrade_yearly_rate"], "0.10 is the rate per year; the ladder moves by quarters: use "
            "(1.10) ** 0.25 - 1."),
           (boreal["upgrade_rate_over_4"], "0.10 / 4 is close but not the quarterly rate that compounds to 10 % "
            "a year: use 1.10 ** 0.25 - 1."),
           (boreal["upgrade_printed_rate"], "0.024 is the quarterly rate rounded for printing; use the unrounded "
            "rate, 1.10 ** 0.25 - 1."),
           (boreal["upgrade_at_end"], "That leaves out this quarter's reward (timing='end'); keep markov_clv's "
            "default, timing='start'.")],
)

checker.number(
    "q6", boreal["share_needed"], kind="share", shown_decimals=3,
    hint="At break-even, share moved x (V(regular) - V(occasional)) = cost per customer; solve for the share.",
    traps=[(boreal["share_inverted"], "That is the value of a move divided by the cost; divide the cost by the value."),
           (boreal["share_chapter_margin"], "That uses the chapter's values (margin rate 0.35); use your answer to "
            "question 5."),
           (boreal["share_chapter_cost"], "That is the chapter's cost of 10 $ per customer; this program costs "
            "20 $.")],
)

checker.choice(
    "q7", "b", choices="abc",
    hint="Look at the rewards of the two states, then at their rows of the transition matrix.",
    why_not={"a": "Both silent states have a reward of 0: neither buys while it stays silent.",
             "c": "Neither silent state is mailed: both have a reward of 0, not -1.90."},
)

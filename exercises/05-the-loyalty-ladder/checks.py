"""Checks for exercises 05 — The loyalty ladder.

Expected answers are computed from the data with the library, never typed in, so the checks
follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("05-the-loyalty-ladder")``.
"""

from __future__ import annotations

from relmkt_lib import datasets, migration
from relmkt_lib.exercises import Checker, facts

checker = Checker("05-the-loyalty-ladder")

MARGIN_RATE = 0.35
CONTACT_COST = 1.90  # dollars per active customer and quarter
D_QUARTER = 1.10**0.25 - 1  # 10 % a year, per quarter
SHARE_MOVED = 0.15  # the share of targeted occasional customers that question 6's program moves up
PC_DISCOUNT_RATE = 0.2  # per period, in Pfeifer & Carraway's example


@facts
def boreal() -> dict[str, float]:
    """Boreal's ladder: a transition probability and the value of a move up one rung."""
    states = migration.assign_states(datasets.load_boreal().transactions, amount_col="amount", freq="Q")
    P = migration.transition_matrix(states)
    costs = {s: CONTACT_COST for s in P.index if s != "lapsed"}
    values = migration.markov_clv(P, migration.state_rewards(states, MARGIN_RATE, contact_cost=costs), D_QUARTER)
    gain = values["regular"] - values["occasional"]
    rewards = migration.state_rewards(states, MARGIN_RATE, contact_cost=costs)
    yearly = migration.markov_clv(P, rewards, 0.10)  # the annual rate used per quarter: a likely slip
    at_end = migration.markov_clv(P, rewards, D_QUARTER, timing="end")
    return {
        "lapsed_to_occasional": P.loc["lapsed", "occasional"],
        "occasional_to_lapsed": P.loc["occasional", "lapsed"],
        "upgrade": gain,
        "downgrade": -gain,
        "break_even": SHARE_MOVED * gain,
        "upgrade_yearly_rate": yearly["regular"] - yearly["occasional"],
        "upgrade_at_end": at_end["regular"] - at_end["occasional"],
        "break_even_chapter_share": 0.10 * gain,
    }


@facts
def pfeifer_carraway() -> dict[str, float]:
    """State values in Pfeifer & Carraway's (2000) example, mailing state 4 or not."""
    mail = migration.markov_clv(*migration.pfeifer_carraway_example(), PC_DISCOUNT_RATE)
    stop = migration.markov_clv(*migration.pfeifer_carraway_example(mail_state4=False), PC_DISCOUNT_RATE)
    return {"v1": mail.loc[1], "v2": mail.loc[2], "gain1": stop.loc[1] - mail.loc[1],
            "loss1": mail.loc[1] - stop.loc[1]}


# the master prints P with three decimals; values in dollars, to the cent, as the chapter does
checker.number(
    "q1", boreal["lapsed_to_occasional"], kind="share", shown_decimals=3,
    hint="Take the row 'lapsed' and the column 'occasional' of the transition matrix: P.loc[row, column].",
    traps=[(boreal["occasional_to_lapsed"], "That is the move from occasional to lapsed: the row is where "
            "customers come from.")],
)

checker.choice(
    "q2", "b", choices="abc",
    hint="A row holds the probabilities of every possible next state of one state.",
)

checker.number(
    "q3", pfeifer_carraway["v2"], kind="money", shown_decimals=2,
    hint="Use migration.pfeifer_carraway_example() and migration.markov_clv(P, R, 0.2) (a discount rate of "
    "0.2 per period); read state 2.",
    traps=[(pfeifer_carraway["v1"], "That is state 1; the question asks about state 2 (the labels are 1 to 5, "
            "not positions).")],
)

checker.number(
    "q4", pfeifer_carraway["gain1"], kind="money", shown_decimals=2,
    hint="Compare the values with and without mailing state 4: pfeifer_carraway_example(mail_state4=False).",
    traps=[(pfeifer_carraway["loss1"], "Right size, wrong sign: the value without mailing state 4 minus the "
            "value with it.")],
)

checker.number(
    "q5", boreal["upgrade"], kind="money", shown_decimals=2,
    hint="V(regular) - V(occasional), with the values from markov_clv on Boreal's ladder.",
    traps=[(boreal["downgrade"], "Right size, wrong sign: the higher rung minus the lower rung."),
           (boreal["upgrade_yearly_rate"], "0.10 is the rate per year; the ladder moves by quarters: use "
            "(1.10) ** 0.25 - 1."),
           (boreal["upgrade_at_end"], "That leaves out this quarter's reward (timing='end'); keep markov_clv's "
            "default, timing='start'.")],
)

checker.number(
    "q6", boreal["break_even"], kind="money", shown_decimals=2,
    hint="Break-even cost = share moved x (V(regular) - V(occasional)).",
    traps=[(boreal["upgrade"], "That is the value of one move; only a share of the targeted customers move."),
           (boreal["break_even_chapter_share"], "That uses the chapter's 10 %; this program moves 15 % of them.")],
)

checker.choice(
    "q7", "c", choices="abc",
    hint="A Markov chain only knows the current state, not how long a customer has been in it.",
    why_not={"a": "Lapsed customers can come back (the lapsed row has a flow to occasional), so V(lapsed) is not 0.",
             "b": "The chain does assume a constant chance of coming back, but that is its weakness, not the truth: "
                  "the chance falls with time away."},
)

"""Checks for exercises 05 — The loyalty ladder.

Expected answers are computed from the data with the library, never typed in, so the checks
follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("05-the-loyalty-ladder")``.
"""

from __future__ import annotations

from functools import cache

from relmkt_lib import datasets, migration
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("05-the-loyalty-ladder")

MARGIN_RATE = 0.35
CONTACT_COST = 1.90
D_QUARTER = 1.10**0.25 - 1


@cache
def _boreal() -> dict:
    states = migration.assign_states(datasets.load_boreal().transactions, "customer_id", "date", "amount")
    P = migration.transition_matrix(states)
    rewards = migration.state_rewards(states, MARGIN_RATE, {s: CONTACT_COST for s in P.index if s != "lapsed"})
    values = migration.markov_clv(P, rewards, D_QUARTER)
    return {"P": P, "values": values}


@cache
def _pc() -> dict:
    P, R = migration.pfeifer_carraway_example()
    return {"V": migration.markov_clv(P, R, 0.2), "V_stop": migration.markov_clv(*migration.pfeifer_carraway_example(False), 0.2)}


@checker.question("q1", hint="Take the row 'lapsed' and the column 'occasional' of the transition matrix: P.loc[row, column].")
def _(answer):
    P = _boreal()["P"]
    if approx(answer, P.loc["occasional", "lapsed"], abs_tol=1e-4):
        return False, "That is the move from occasional to lapsed: the row is where customers come from."
    return approx(answer, P.loc["lapsed", "occasional"], abs_tol=1e-4)


@checker.question("q2", hint="A row holds the probabilities of every possible next state of one state.")
def _(answer):
    return same_choice(answer, "b", choices="abc")


@checker.question("q3", hint="Use migration.pfeifer_carraway_example() and migration.markov_clv(P, R, discount=0.2); read state 2.")
def _(answer):
    V = _pc()["V"]
    if approx(answer, V.loc[1], abs_tol=0.01):
        return False, "That is state 1; the question asks about state 2 (the labels are 1 to 5, not positions)."
    return approx(answer, V.loc[2], abs_tol=0.01)


@checker.question("q4", hint="Compare the values with and without mailing state 4: pfeifer_carraway_example(mail_state4=False).")
def _(answer):
    gain = _pc()["V_stop"].loc[1] - _pc()["V"].loc[1]
    return approx(answer, gain, abs_tol=0.01)


@checker.question("q5", hint="V(regular) - V(occasional), with the values from markov_clv on Boreal's ladder.")
def _(answer):
    v = _boreal()["values"]
    gain = v["regular"] - v["occasional"]
    if approx(answer, -gain, abs_tol=0.05):
        return False, "Right size, wrong sign: the higher rung minus the lower rung."
    return approx(answer, gain, abs_tol=0.05)


@checker.question("q6", hint="Break-even cost = share moved x (V(regular) - V(occasional)).")
def _(answer):
    v = _boreal()["values"]
    gain = v["regular"] - v["occasional"]
    if approx(answer, gain, abs_tol=0.05):
        return False, "That is the value of one move; only a share of the targeted customers move."
    return approx(answer, 0.15 * gain, abs_tol=0.05)


@checker.question("q7", hint="A Markov chain only knows the current state, not how long a customer has been in it.")
def _(answer):
    if same_choice(answer, "a"):
        return False, "Lapsed customers can come back (the lapsed row has a flow to occasional), so V(lapsed) is not 0."
    return same_choice(answer, "c", choices="abc")

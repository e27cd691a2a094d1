"""Checks for exercises 04 — Customer lifetime value.

Expected answers are computed with the library (and from the Boreal data), never typed in, so
the checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("04-customer-lifetime-value")``.
"""

from __future__ import annotations

from functools import cache

from relmkt_lib import clv, cohorts, datasets
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("04-customer-lifetime-value")

#: The customer of question 1.
CUSTOMER = dict(margin=50.0, retention=0.7, discount=0.08)
#: The customer of question 2.
HORIZON_CASE = dict(margin=120.0, retention=0.85, discount=0.10)
MARGIN_RATE, DISCOUNT = 0.40, 0.10


@cache
def _referral() -> tuple[float, float]:
    boreal = datasets.load_boreal()
    ids = boreal.customers.loc[boreal.customers["acquisition_channel"] == "referral", "customer_id"]
    t = boreal.transactions[boreal.transactions["customer_id"].isin(ids)]
    table = cohorts.cohort_table(t, "customer_id", "date", "amount", freq="Y")
    r = float(cohorts.average_retention_curve(table).loc[1, "retention"])
    m = MARGIN_RATE * float(table["revenue"].sum() / table["active"].sum())
    return m, r


@checker.question("q1", hint="Existing customer, margins at the end of each year: m r / (1 + d - r), or "
                             "clv.simple_clv(50, 0.7, 0.08).")
def _(answer):
    verdict = approx(answer, clv.simple_clv(**CUSTOMER), rel_tol=1e-4)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, clv.simple_clv(**CUSTOMER, timing="start"), rel_tol=1e-4):
        return False, ("That is the value of a new customer whose first margin is paid now (timing 'start'); "
                       "this customer has already paid this year: use the 'end' timing.")
    if approx(answer, CUSTOMER["margin"] / (1 + CUSTOMER["discount"] - CUSTOMER["retention"]), rel_tol=1e-4):
        return False, "Multiply by the retention rate r: the customer must still be there to pay next year."
    return False


@checker.question("q2", hint="Compute the CLV with horizon=5 and with no horizon (simple_clv), then "
                             "1 - five_years / forever. It should equal (r / (1 + d))**5.")
def _(answer):
    five = clv.simple_clv(**HORIZON_CASE, horizon=5)
    forever = clv.simple_clv(**HORIZON_CASE)
    verdict = approx(answer, 1 - five / forever, abs_tol=5e-4)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, 100 * (1 - five / forever), abs_tol=0.05):
        return False, "That looks like a percentage: give the share between 0 and 1."
    if approx(answer, five / forever, abs_tol=5e-4):
        return False, "That is the share earned in the first five years; the question asks for what comes after."
    return False


@checker.question("q3", hint="Keep the transactions of the referral customers, build their yearly cohorts, take "
                             "retention = average_retention_curve(...).loc[1, 'retention'] and margin = 0.40 x "
                             "revenue / active customer-years, then simple_clv(margin, retention, 0.10).")
def _(answer):
    m, r = _referral()
    verdict = approx(answer, clv.simple_clv(m, r, DISCOUNT), rel_tol=1e-3)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, clv.simple_clv(m, r, DISCOUNT, timing="start"), rel_tol=1e-3):
        return False, "That is the value of a new customer (timing 'start'); the question asks for an existing one."
    if approx(answer, clv.simple_clv(m / MARGIN_RATE, r, DISCOUNT), rel_tol=1e-3):
        return False, "You used revenue, not margin: multiply the revenue per active customer by 0.40."
    return False


@checker.question("q4", hint="clv.retention_elasticity(margin, retention, 0.10) with the referral inputs of "
                             "question 3; with no horizon it equals (1 + d) / (1 + d - r).")
def _(answer):
    m, r = _referral()
    verdict = approx(answer, clv.retention_elasticity(m, r, DISCOUNT), rel_tol=1e-3)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, clv.retention_elasticity(m, r, DISCOUNT, timing="start"), rel_tol=1e-3):
        return False, "That is the elasticity for the 'start' timing; use the default 'end' timing."
    return False


@checker.question("q5", hint="Three things separate a CLV from a revenue figure: margin, probability, discounting.")
def _(answer):
    return same_choice(answer, "c", choices="abcd")


@checker.question("q6", hint="Compare the retention elasticity (1 + d) / (1 + d - r) at r = 0.36 with the margin "
                             "elasticity, 1; then redo it at r = 0.9.")
def _(answer):
    return same_choice(answer, "b", choices="abcd")

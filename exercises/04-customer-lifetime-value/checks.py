"""Checks for exercises 04 — Customer lifetime value.

Expected answers are computed with the library (and from the Boreal data), never typed in, so
the checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("04-customer-lifetime-value")``.
"""

from __future__ import annotations

from relmkt_lib import clv, cohorts, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("04-customer-lifetime-value")

#: The customer of question 1: margin, retention, discount rate per year.
CUSTOMER = (50.0, 0.7, 0.08)
#: The customer of question 2.
HORIZON_CASE = (120.0, 0.85, 0.10)
MARGIN_RATE, DISCOUNT_RATE = 0.40, 0.10


@facts
def by_hand() -> dict[str, float]:
    """The CLVs of questions 1 and 2, and the usual wrong turns."""
    margin, retention, discount_rate = CUSTOMER
    five, forever = clv.simple_clv(*HORIZON_CASE, horizon=5), clv.simple_clv(*HORIZON_CASE)
    return {
        "clv": clv.simple_clv(*CUSTOMER),
        "clv_start": clv.simple_clv(*CUSTOMER, timing="start"),
        "clv_no_retention": margin / (1 + discount_rate - retention),
        "after_5": 1 - five / forever,
        "first_5": five / forever,
    }


@facts
def referral() -> dict[str, float]:
    """CLV and elasticity of Boreal's referred customers (question 3 and 4), and the usual wrong turns."""
    boreal = datasets.load_boreal()
    ids = boreal.customers.loc[boreal.customers["acquisition_channel"] == "referral", "customer_id"]
    t = boreal.transactions[boreal.transactions["customer_id"].isin(ids)]
    table = cohorts.cohort_table(t, amount_col="amount", freq="Y")
    r = float(cohorts.average_retention_curve(table).loc[1, "retention"])
    m = MARGIN_RATE * float(table["revenue"].sum() / table["active"].sum())
    return {
        "clv": clv.simple_clv(m, r, DISCOUNT_RATE),
        "clv_start": clv.simple_clv(m, r, DISCOUNT_RATE, timing="start"),
        "clv_revenue": clv.simple_clv(m / MARGIN_RATE, r, DISCOUNT_RATE),
        "elasticity": clv.retention_elasticity(m, r, DISCOUNT_RATE),
        "elasticity_start": clv.retention_elasticity(m, r, DISCOUNT_RATE, timing="start"),
    }


# dollars to the cent; shares with three decimals; the chapter prints elasticities with two
checker.number(
    "q1", by_hand["clv"], kind="money", shown_decimals=2,
    hint="Existing customer, margins at the end of each year: m r / (1 + d - r), or clv.simple_clv(50, 0.7, 0.08).",
    traps=[
        (by_hand["clv_start"], "That is the value of a new customer whose first margin is paid now (timing "
         "'start'); this customer has already paid this year: use the 'end' timing."),
        (by_hand["clv_no_retention"], "Multiply by the retention rate r: the customer must still be there to pay "
         "next year."),
    ],
)

checker.number(
    "q2", by_hand["after_5"], kind="share", shown_decimals=3,
    hint="Compute the CLV with horizon=5 and with no horizon (simple_clv), then 1 - five_years / forever. "
    "It should equal (r / (1 + d))**5.",
    traps=[(by_hand["first_5"], "That is the share earned in the first five years; the question asks for what "
            "comes after.")],
)

checker.number(
    "q3", referral["clv"], kind="money", shown_decimals=2,
    hint="Keep the transactions of the referral customers, build their yearly cohorts, take retention = "
    "average_retention_curve(...).loc[1, 'retention'] and margin = 0.40 x revenue / active customer-years, "
    "then simple_clv(margin, retention, 0.10).",
    traps=[
        (referral["clv_start"], "That is the value of a new customer (timing 'start'); the question asks for an "
         "existing one."),
        (referral["clv_revenue"], "You used revenue, not margin: multiply the revenue per active customer by 0.40."),
    ],
)

checker.number(
    "q4", referral["elasticity"], kind="number", shown_decimals=2,
    hint="clv.retention_elasticity(margin, retention, 0.10) with the referral inputs of question 3; with no "
    "horizon it equals (1 + d) / (1 + d - r).",
    traps=[(referral["elasticity_start"], "That is the elasticity for the 'start' timing; use the default 'end' "
            "timing.")],
)

checker.choice(
    "q5", "c", choices="abcd",
    hint="Three things separate a CLV from a revenue figure: margin, probability, discounting.",
)

checker.choice(
    "q6", "b", choices="abcd",
    hint="Compare the retention elasticity (1 + d) / (1 + d - r) at r = 0.36 with the margin elasticity, 1; "
    "then redo it at r = 0.9.",
)

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
MARGIN_RATE, DISCOUNT_RATE = 0.40, 0.12
#: The chapter's discount rate (the referral CLV it prints uses it).
CHAPTER_DISCOUNT_RATE = 0.10
#: The business of question 6: margin, retention, discount rate, acquisition cost per new customer.
BUSINESS = (80.0, 0.7, 0.10, 150.0)
#: The shop of question 7: existing customers, margin, retention, discount rate.
SHOP = (2000, 90.0, 0.5, 0.08)
LEVER_LETTERS = {"retention": "a", "margin": "b", "acquisition cost": "c", "discount rate": "d"}


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
    """CLV and elasticity of Boreal's referred customers at 12 % (questions 3 and 4), and the usual wrong turns."""
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
        "clv_chapter": clv.simple_clv(m, r, CHAPTER_DISCOUNT_RATE),
        "clv_rounded": clv.simple_clv(round(m, 2), round(r, 2), DISCOUNT_RATE),
        "elasticity": clv.retention_elasticity(m, r, DISCOUNT_RATE),
        "elasticity_start": clv.retention_elasticity(m, r, DISCOUNT_RATE, timing="start"),
        "elasticity_chapter": clv.retention_elasticity(m, r, CHAPTER_DISCOUNT_RATE),
        "elasticity_rounded_r": clv.retention_elasticity(m, round(r, 2), DISCOUNT_RATE),
        "exact_change": float(clv.clv_levers(m, r, DISCOUNT_RATE).loc["retention", "change_pct"]),
    }


@facts
def shop() -> dict[str, float]:
    """One existing customer in customer equity (question 7), the usual wrong turns and the chapter's values."""
    count, margin, retention, discount_rate = SHOP
    boreal = datasets.load_boreal()
    yearly = cohorts.cohort_table(boreal.transactions, amount_col="amount", freq="Y")
    boreal_r = float(cohorts.average_retention_curve(yearly).loc[1, "retention"])
    boreal_m = MARGIN_RATE * float(yearly["revenue"].sum() / yearly["active"].sum())
    equity = clv.customer_equity(count, margin=margin, retention=retention, discount_rate=discount_rate)
    return {
        "per_customer": float(equity["current_value"]) / count,
        "total": float(equity["current_value"]),
        "clv_end": clv.simple_clv(margin, retention, discount_rate),
        "clv_start": clv.simple_clv(margin, retention, discount_rate, timing="start"),
        "chapter_clv": clv.simple_clv(boreal_m, boreal_r, CHAPTER_DISCOUNT_RATE),
        "chapter_equity": (1 + CHAPTER_DISCOUNT_RATE) * clv.simple_clv(boreal_m, boreal_r, CHAPTER_DISCOUNT_RATE),
    }


@facts
def business() -> dict[str, float]:
    """The % change in a new customer's value net of acquisition cost for each lever (question 6)."""
    margin, retention, discount_rate, cost = BUSINESS
    levers = clv.clv_levers(margin, retention, discount_rate, timing="start", acquisition_cost=cost)["change_pct"]
    return {"best": LEVER_LETTERS[levers.idxmax()]}


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
    "then simple_clv(margin, retention, 0.12).",
    traps=[
        (referral["clv_start"], "That is the value of a new customer (timing 'start'); the question asks for an "
         "existing one."),
        (referral["clv_revenue"], "You used revenue, not margin: multiply the revenue per active customer by 0.40."),
        (referral["clv_chapter"], "That is the chapter's value, at a 10 % discount rate; this question uses 12 %."),
        (referral["clv_rounded"], "Use the unrounded retention and margin of the cohort table, not the chapter's "
         "rounded 0.45 and 94.32: rounding the retention moves the CLV by several cents."),
    ],
)

checker.number(
    "q4", referral["elasticity"], kind="number", shown_decimals=2,
    hint="clv.retention_elasticity(margin, retention, 0.12) with the unrounded referral inputs of question 3; "
    "with no horizon it equals (1 + d) / (1 + d - r).",
    traps=[
        (referral["elasticity_start"], "That is the elasticity for the 'start' timing; use the default 'end' timing."),
        (referral["exact_change"], "That is the exact % change for r x 1.01 (clv.clv_levers' change_pct), a "
         "finite step; the question asks for the elasticity, the derivative, which clv.retention_elasticity "
         "gives. The two differ in the second decimal."),
        (referral["elasticity_chapter"], "If you rounded, keep 2 decimals; otherwise that uses the chapter's 10 % "
         "discount rate (this question uses 12 %)."),
        (referral["elasticity_rounded_r"], "Use the unrounded retention of question 3, not 0.45."),
    ],
)

checker.choice(
    "q5", "c", choices="abcde",
    hint="Three things separate a CLV from a revenue figure: margin, probability, discounting.",
    why_not={
        "e": "Margin instead of revenue is one of the three differences; a CLV also weighs each future year by the "
             "chance that the customer is still there, and discounts it.",
    },
)

checker.choice(
    "q6", business["best"], choices="abcd",
    hint="Value a new customer net of acquisition cost: clv.clv_levers(80, 0.7, 0.10, timing=\"start\", "
    "acquisition_cost=150) gives the % change for a 1 % improvement in each lever; pick the largest.",
    why_not={
        "a": "Compare the change_pct column of clv.clv_levers for the four levers: another one is larger here.",
        "b": "Compare the change_pct column of clv.clv_levers: for a new customer the retention lever is "
             "r / (1 + d - r) times the margin lever; compute that ratio at r = 0.7.",
        "c": "A 1 % cheaper acquisition adds c / 100 dollars, less than a 1 % better margin adds (1 % of the "
             "CLV before the cost, which is larger than c when the customer is worth acquiring).",
        "d": "Compare the change_pct column of clv.clv_levers: the discount rate is not the largest lever here.",
    },
)

checker.number(
    "q7", shop["per_customer"], kind="money", shown_decimals=2,
    hint="clv.customer_equity(2000, margin=90, retention=0.5, discount_rate=0.08) returns a Series: divide its "
    "current_value by 2000. It equals r m (1 + d) / (1 + d - r).",
    traps=[
        (shop["clv_end"], "That is the CLV of an existing customer, m r / (1 + d - r), margins at the end of each "
         "year; customer equity counts them at the start of each year, which multiplies it by 1 + d."),
        (shop["clv_start"], "That is a new customer's CLV; in customer equity an existing customer must first be "
         "retained into next year (probability r)."),
        (shop["total"], "That is the value of all 2,000 customers: divide by the number of customers."),
        (shop["chapter_clv"], "That is Boreal's existing customer in the chapter; use this shop's inputs."),
        (shop["chapter_equity"], "That is Boreal's value per existing customer in the chapter; use this shop's "
         "inputs."),
    ],
)

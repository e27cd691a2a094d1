"""Checks for exercises 03 — Cohorts and retention curves.

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("03-cohorts-and-retention")``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from relmkt_lib import cohorts, datasets
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("03-cohorts-and-retention")

FEB = pd.Period("1997-02", freq="M")

#: The firm of question 4 (Gupta, Lehmann & Stuart 2004 model).
FIRM = dict(margin=120.0, retention=0.80, discount=0.10, acquisition_cost=150.0,
            new_customers=5000, growth=0.03)


@cache
def _cdnow_facts() -> dict[str, float]:
    cdnow = datasets.load_cdnow()
    table = cohorts.cohort_table(cdnow, "customer_id", "date", freq="M")
    feb = table[table["cohort"] == FEB].set_index("period_number")
    bought_in_feb = cdnow.loc[cdnow["date"].dt.to_period("M") == FEB]
    return {
        "size": int(feb.loc[0, "cohort_size"]),
        "feb_rows": len(bought_in_feb),
        "feb_buyers": bought_in_feb["customer_id"].nunique(),
        "month3": float(feb.loc[3, "active"] / feb.loc[3, "cohort_size"]),
        "month3_count": int(feb.loc[3, "active"]),
        "month1": float(feb.loc[1, "active"] / feb.loc[1, "cohort_size"]),
        "month2": float(feb.loc[2, "active"] / feb.loc[2, "cohort_size"]),
    }


@cache
def _boreal_month6() -> dict[str, float]:
    table = cohorts.cohort_table(datasets.load_boreal().transactions, "customer_id", "date", freq="M")
    return {
        "weighted": float(cohorts.average_retention_curve(table).loc[6, "retention"]),
        "unweighted": float(cohorts.retention_matrix(table)[6].mean()),
    }


@cache
def _levers() -> pd.Series:
    return cohorts.value_levers(**FIRM)["change_pct"]


@checker.question("q1", hint="Build the monthly cohort table of CDNOW with cohorts.cohort_table and read "
                             "cohort_size in the row of the 1997-02 cohort.")
def _(answer):
    facts = _cdnow_facts()
    if approx(answer, facts["feb_rows"]):
        return False, "That is the number of purchase rows in February 1997, not of customers."
    if approx(answer, facts["feb_buyers"]):
        return False, ("That counts everyone who bought in February 1997, including January's customers "
                       "coming back; a cohort holds only the customers whose FIRST purchase was then.")
    return approx(answer, facts["size"])


@checker.question("q2", hint="Period 3 of the February 1997 cohort is May 1997: divide its active customers "
                             "by the cohort size, or read cohorts.retention_matrix(...).")
def _(answer):
    facts = _cdnow_facts()
    verdict = approx(answer, facts["month3"], abs_tol=0.0005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, 100 * facts["month3"], abs_tol=0.05):
        return False, "That looks like a percentage: give the share between 0 and 1 (divide by 100)."
    if approx(answer, facts["month3_count"]):
        return False, "That is the number of active customers: divide it by the size of the cohort."
    if approx(answer, facts["month1"], abs_tol=0.0005):
        return False, "That is period 1 (the calendar month of March 1997); period 3 is three months after February."
    if approx(answer, facts["month2"], abs_tol=0.0005):
        return False, "That is period 2; count the periods from the acquisition month, which is period 0."
    return False


@checker.question("q3", hint="cohorts.average_retention_curve(table) weights each cohort by its size: "
                             "total active customers over total cohort size, among the cohorts observed at "
                             "period 6.")
def _(answer):
    facts = _boreal_month6()
    verdict = approx(answer, facts["weighted"], abs_tol=0.00005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, facts["unweighted"], abs_tol=0.00005):
        return False, ("That is the simple mean of the cohorts' shares, which gives a small cohort the same "
                       "weight as a large one.")
    if approx(answer, 100 * facts["weighted"], abs_tol=0.005):
        return False, "That looks like a percentage: give the share between 0 and 1."
    return False


@checker.question("q4", hint="cohorts.value_levers(...) with the firm's numbers gives the % change of each "
                             "lever in its change_pct column; a 1 % better retention means 0.80 x 1.01.")
def _(answer):
    levers = _levers()
    verdict = approx(answer, levers["retention"], abs_tol=0.01)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, levers["retention"] / 100, abs_tol=0.0001):
        return False, "Give the change in percent (for example 2.5 for +2.5 %), not as a share."
    if approx(answer, levers["margin"], abs_tol=0.01):
        return False, "That is the margin lever; the question asks about retention."
    one_point = cohorts.firm_value(**{**FIRM, "retention": 0.81}) / cohorts.firm_value(**FIRM) * 100 - 100
    if approx(answer, one_point, abs_tol=0.01):
        return False, ("That is a gain of one percentage point (0.80 to 0.81); Gupta et al.'s 1 % is relative: "
                       "0.80 x 1.01 = 0.808.")
    return False


@checker.question("q5", hint="Think about who is still buying after a year: the same people as at the "
                             "start, or a selection of them?")
def _(answer):
    why_not = {
        "a": "It can happen, but it is not needed: in Boreal no customer's dropout rate ever changes, yet "
             "the curves flatten.",
        "c": "Unobserved periods are left out, not counted as zeros, so they do not bend the curves.",
        "d": "Campaigns make bumps in calendar time (diagonals of the heatmap), not a steady flattening "
             "with age.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abcd")


@checker.question("q6", hint="Look at the chapter's plot of the three levers against the retention rate, "
                             "and where Boreal sits on it.")
def _(answer):
    why_not = {
        "a": "Not at every retention rate: below about (1 + d) / 2 the margin lever is larger, as at Boreal.",
        "c": "The acquisition cost is the smallest lever at Boreal: it is paid once, while margins and "
             "retention act over the whole lifetime.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abc")

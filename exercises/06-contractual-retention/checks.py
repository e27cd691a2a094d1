"""Checks for exercises 06 — Contractual retention (the shifted-beta-geometric model).

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("06-contractual-retention")``.
"""

from __future__ import annotations

from functools import cache

from relmkt_lib import datasets
from relmkt_lib.contractual import ShiftedBetaGeometric
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("06-contractual-retention")


@cache
def _fits() -> dict[str, ShiftedBetaGeometric]:
    rc = datasets.load_retention_cohorts()
    calib = rc[rc["used_for_fit"]]
    return {name: ShiftedBetaGeometric().fit(calib[f"{name}_active"]) for name in ("regular", "highend")}


@cache
def _plans() -> dict[str, ShiftedBetaGeometric]:
    c = datasets.load_subscription_cohorts()
    launch = c[c["cohort"] == c["cohort"].min()]
    return {plan: ShiftedBetaGeometric().fit(g, period_col="month") for plan, g in launch.groupby("plan")}


@checker.question("q1", hint="Fit ShiftedBetaGeometric() on the highend_active counts of years 0-7 "
                             "(used_for_fit) and read params_['beta'].")
def _(answer):
    fits = _fits()
    if approx(answer, fits["highend"].params_["alpha"], abs_tol=0.002):
        return False, "That is alpha; the question asks for beta."
    if approx(answer, ShiftedBetaGeometric().fit(datasets.load_retention_cohorts()["highend_active"])
              .params_["beta"], abs_tol=0.002):
        return False, "You fitted all 13 years: keep only the calibration years 0-7 (used_for_fit)."
    return approx(answer, fits["highend"].params_["beta"], abs_tol=0.002)


@checker.question("q2", hint="retention_rate(t) is the retention from period t - 1 to t: "
                             "(beta + t - 1) / (alpha + beta + t - 1) with t = 5.")
def _(answer):
    m = _fits()["regular"]
    expected = float(m.retention_rate(5))
    if approx(answer, 100 * expected, abs_tol=0.05):
        return False, "That looks like a percentage: give the rate between 0 and 1."
    if approx(answer, float(m.retention_rate(4)), abs_tol=0.0005) or approx(answer, float(m.retention_rate(6)), abs_tol=0.0005):
        return False, "Check the index: the rate from year 4 to year 5 is retention_rate(5)."
    if approx(answer, float(m.survival(5)), abs_tol=0.0005):
        return False, "That is the share still active in year 5 (survival), not the rate from year 4 to 5."
    return approx(answer, expected, abs_tol=0.0005)


@checker.question("q3", hint="expected_active(12) of the regular cohort's fit on years 0-7: "
                             "cohort size x survival(12).")
def _(answer):
    m = _fits()["regular"]
    expected = float(m.expected_active(12))
    if approx(answer, 173):
        return False, "That is the actual count in year 12; the question asks for the model's projection."
    if approx(answer, float(m.survival(12)), abs_tol=0.0005):
        return False, "That is a share: multiply by the cohort's 1,000 customers."
    return approx(answer, expected, abs_tol=0.5)


@checker.question("q4", hint="m.derl(0.10, renewals=3) on the high-end fit: renewals counts the renewals "
                             "already made (Fader & Hardie's n = renewals + 1).")
def _(answer):
    m = _fits()["highend"]
    expected = float(m.derl(0.10, 3))
    if approx(answer, float(m.derl(0.10, 2)), abs_tol=0.005):
        return False, ("Indexing: that is Fader & Hardie's n = 3, a customer who has made 2 renewals. "
                       "After 3 renewals use renewals=3 (their n = 4).")
    if approx(answer, float(_fits()["regular"].derl(0.10, 3)), abs_tol=0.005):
        return False, "That is the regular cohort; use the high-end fit."
    return approx(answer, expected, abs_tol=0.005)


@checker.question("q5", hint="Fit each plan's January 2021 cohort and compare the mean monthly churn "
                             "probability alpha / (alpha + beta).")
def _(answer):
    plans = _plans()
    best = min(plans, key=lambda p: plans[p].params_["alpha"] / plans[p].params_.sum())
    return same_choice(answer, best, choices=sorted(plans))


@checker.question("q6", hint="Does any customer's churn probability change in the sBG model? "
                             "Who leaves first?")
def _(answer):
    return same_choice(answer, "b", choices="abcd")

"""Checks for exercises 06 — Contractual retention (the shifted-beta-geometric model).

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("06-contractual-retention")``.
"""

from __future__ import annotations

import warnings

from relmkt_lib import datasets
from relmkt_lib.contractual import ShiftedBetaGeometric
from relmkt_lib.exercises import Checker, facts

checker = Checker("06-contractual-retention")

DISCOUNT_RATE = 0.10  # per year, for the DERL of question 4


@facts
def cohorts_2007() -> dict[str, float]:
    """Fader & Hardie's (2007) two cohorts fitted on years 0-7, and the usual wrong turns."""
    rc = datasets.load_retention_cohorts()
    calib = rc[rc["used_for_fit"]]
    regular, highend = (ShiftedBetaGeometric().fit(calib[f"{name}_active"]) for name in ("regular", "highend"))
    return {
        "highend_beta": highend.params_["beta"],
        "highend_alpha": highend.params_["alpha"],
        "highend_beta_all_years": ShiftedBetaGeometric().fit(rc["highend_active"]).params_["beta"],
        "r5": float(regular.retention_rate(5).item()),
        "r4": float(regular.retention_rate(4).item()),
        "r6": float(regular.retention_rate(6).item()),
        "r5_observed": float(rc.loc[rc["year"] == 5, "regular_active"].item()
                             / rc.loc[rc["year"] == 4, "regular_active"].item()),
        "survival5": float(regular.survival(5).item()),
        "active12": float(regular.expected_active(12).item()),
        "actual12": int(rc.loc[rc["year"] == 12, "regular_active"].item()),
        "survival12": float(regular.survival(12).item()),
        "derl3": float(highend.derl(DISCOUNT_RATE, renewals=3).item()),
        "derl2": float(highend.derl(DISCOUNT_RATE, renewals=2).item()),
        "derl4": float(highend.derl(DISCOUNT_RATE, renewals=4).item()),
        "derl3_plus_current": float(highend.derl(DISCOUNT_RATE, renewals=3).item()) + 1,
        "derl3_regular": float(regular.derl(DISCOUNT_RATE, renewals=3).item()),
    }


@facts
def telecom() -> dict:
    """The plan whose January 2021 cohort has the lowest mean monthly churn alpha / (alpha + beta)."""
    c = datasets.load_subscription_cohorts()
    launch = c[c["cohort"] == c["cohort"].min()]
    fits = {plan: ShiftedBetaGeometric().fit(g, period_col="month") for plan, g in launch.groupby("plan")}
    churn = {plan: m.params_["alpha"] / m.params_.sum() for plan, m in fits.items()}
    return {"least_churn": min(churn, key=churn.get), "plans": sorted(fits)}


# the master prints the parameters and the DERL with three decimals, the survivors with one, q7 in whole months
checker.number(
    "q1", cohorts_2007["highend_beta"], shown_decimals=3,
    hint="Fit ShiftedBetaGeometric() on the highend_active counts of years 0-7 (used_for_fit) and read "
    "params_['beta'].",
    traps=[
        (cohorts_2007["highend_alpha"], "That is alpha; the question asks for beta."),
        (cohorts_2007["highend_beta_all_years"], "You fitted all 13 years: keep only the calibration years 0-7 "
         "(used_for_fit)."),
    ],
)

_INDEX = "Check the index: the rate from year 4 to year 5 is retention_rate(5)."
checker.number(
    "q2", cohorts_2007["r5"], kind="share", shown_decimals=3,
    hint="retention_rate(t) is the retention from period t - 1 to t: (beta + t - 1) / (alpha + beta + t - 1) "
    "with t = 5.",
    traps=[
        (cohorts_2007["r5_observed"], "That is the observed rate in the data; the question asks for the rate "
         "the fitted model implies."),
        (cohorts_2007["r4"], _INDEX),
        (cohorts_2007["r6"], _INDEX),
        (cohorts_2007["survival5"], "That is the share still active in year 5 (survival), not the rate from "
         "year 4 to 5."),
    ],
)

checker.number(
    "q3", cohorts_2007["active12"], kind="count", shown_decimals=1,
    hint="expected_active(12) of the regular cohort's fit on years 0-7: cohort size x survival(12).",
    traps=[
        (cohorts_2007["actual12"], "That is the actual count in year 12; the question asks for the model's "
         "projection."),
        (cohorts_2007["survival12"], "That is a share: multiply by the cohort's 1,000 customers."),
    ],
)

checker.number(
    "q4", cohorts_2007["derl3"], shown_decimals=3,
    hint="m.derl(0.10, renewals=3) on the high-end fit: renewals counts the renewals already made (Fader & "
    "Hardie's n = renewals + 1).",
    traps=[
        (cohorts_2007["derl2"], "Indexing: that is Fader & Hardie's n = 3, a customer who has made 2 renewals. "
         "After 3 renewals use renewals=3 (their n = 4)."),
        (cohorts_2007["derl3_regular"], "That is the regular cohort; use the high-end fit."),
        (cohorts_2007["derl4"], "Indexing: that is a customer who has made 4 renewals; the question has 3."),
        (cohorts_2007["derl3_plus_current"], "DERL leaves out the current period's payment: do not add 1."),
    ],
)

checker.choice(
    "q5", telecom["least_churn"], choices=telecom["plans"],
    hint="Fit each plan's January 2021 cohort and compare the mean monthly churn probability "
    "alpha / (alpha + beta).",
)

checker.choice(
    "q6", "b", choices="abcd",
    hint="Does any customer's churn probability change in the sBG model? Who leaves first?",
    why_not={
        "a": "In the sBG each customer's churn probability is fixed for life: nobody grows more attached.",
        "c": "The model knows nothing of campaigns, yet it reproduces the rise: something else explains it.",
        "d": "Every year of the table is fully observed (counts of 1,000 customers followed for 12 years).",
    },
)


@facts
def premium_table() -> dict[str, float]:
    """Every premium subscriber as a customer table: the censored fit, and the naive fit as a trap."""
    subs = datasets.load_subscriptions()
    premium = subs[(subs["plan"] == "premium") & (subs["tenure_months"] > 0)]
    censored = ShiftedBetaGeometric().fit_tenures(premium, tenure_col="tenure_months", churned_col="cancelled")
    with warnings.catch_warnings():  # the naive fit warns, rightly; the trap only needs its answer
        warnings.simplefilter("ignore")
        naive = ShiftedBetaGeometric().fit_tenures(premium.assign(cancelled=True), tenure_col="tenure_months",
                                                   churned_col="cancelled")
    launch = datasets.load_subscription_cohorts()
    launch = launch[(launch["cohort"] == launch["cohort"].min()) & (launch["plan"] == "premium")]
    basic = subs[(subs["plan"] == "basic") & (subs["tenure_months"] > 0)]
    return {"median": float(censored.median_lifetime()), "naive_median": float(naive.median_lifetime()),
            "launch_median": float(ShiftedBetaGeometric().fit(launch, period_col="month").median_lifetime()),
            "basic_median": float(ShiftedBetaGeometric().fit_tenures(basic, tenure_col="tenure_months",
                                                                     churned_col="cancelled").median_lifetime())}


checker.number(
    "q7", premium_table["median"], kind="count", shown_decimals=0,
    hint="Keep the premium subscribers with tenure_months > 0 and call ShiftedBetaGeometric().fit_tenures(table, "
    "tenure_col='tenure_months', churned_col='cancelled'); then .median_lifetime().",
    traps=[(premium_table["naive_median"], "That is the naive fit, which counts the subscribers still active as "
            "cancelled: keep churned_col='cancelled' as it is."),
           (premium_table["launch_median"], "That is the premium launch cohort's count fit; use fit_tenures on every "
            "premium subscriber."),
           (premium_table["basic_median"], "That is the basic plan, the chapter's example; keep plan == 'premium'.")],
)

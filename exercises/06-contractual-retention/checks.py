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
    short = ShiftedBetaGeometric().fit(rc.loc[rc["year"] <= 4, "highend_active"])  # five years of data
    with warnings.catch_warnings():  # a trap's four-year fit warns (little heterogeneity); only its answer counts
        warnings.simplefilter("ignore")
        four_years = ShiftedBetaGeometric().fit(rc.loc[rc["year"] <= 3, "highend_active"])
    return {
        "highend_beta": highend.params_["beta"],
        "highend_beta_rounded": round(float(highend.params_["beta"]), 2),  # the 3.81 a learner may copy
        "highend_beta_5y": short.params_["beta"],
        "highend_alpha_5y": short.params_["alpha"],
        "highend_beta_6y": ShiftedBetaGeometric().fit(rc.loc[rc["year"] <= 5, "highend_active"]).params_["beta"],
        "highend_beta_4y": four_years.params_["beta"],
        "highend_beta_all_years": ShiftedBetaGeometric().fit(rc["highend_active"]).params_["beta"],
        "r5": float(regular.retention_rate(5).item()),
        "r4": float(regular.retention_rate(4).item()),
        "r6": float(regular.retention_rate(6).item()),
        "r5_observed": float(rc.loc[rc["year"] == 5, "regular_active"].item()
                             / rc.loc[rc["year"] == 4, "regular_active"].item()),
        "survival5": float(regular.survival(5).item()),
        "highend10": float(highend.expected_active(10).item()),
        "highend9": float(highend.expected_active(9).item()),
        "highend11": float(highend.expected_active(11).item()),
        "highend12": float(highend.expected_active(12).item()),
        "highend_actual10": int(rc.loc[rc["year"] == 10, "highend_active"].item()),
        "highend_survival10": float(highend.survival(10).item()),
        "highend_survival10_pct": 100 * float(highend.survival(10).item()),
        "regular10": float(regular.expected_active(10).item()),
        "highend10_5y": float(short.expected_active(10).item()),
        "derl3": float(highend.derl(DISCOUNT_RATE, renewals=3).item()),
        "derl2": float(highend.derl(DISCOUNT_RATE, renewals=2).item()),
        "derl4": float(highend.derl(DISCOUNT_RATE, renewals=4).item()),
        "derl3_plus_current": float(highend.derl(DISCOUNT_RATE, renewals=3).item()) + 1,
        "derl3_regular": float(regular.derl(DISCOUNT_RATE, renewals=3).item()),
        "derl0": float(highend.derl(DISCOUNT_RATE, renewals=0).item()),
    }


@facts
def telecom() -> dict[str, float | str]:
    """DERL at 1 % a month of a subscriber of the January 2021 launch cohort, by plan and renewals made."""
    c = datasets.load_subscription_cohorts()
    launch = c[c["cohort"] == c["cohort"].min()]
    fits = {plan: ShiftedBetaGeometric().fit(g, period_col="month") for plan, g in launch.groupby("plan")}
    out = {f"{plan}_{n}": float(m.derl(0.01, renewals=n).item())
           for plan, m in fits.items() for n in (0, 6, 11, 12, 13, 24)}
    # q8: the fewest renewals made after which a plus subscriber's DERL exceeds a premium one's
    out["plus_ahead_from"] = next(n for n in range(60) if fits["plus"].derl(0.01, renewals=n).item()
                                  > fits["premium"].derl(0.01, renewals=n).item())
    out["plus_still_behind"] = out["plus_ahead_from"] - 1  # the last renewal count where premium leads
    out["plus_ahead_next"] = out["plus_ahead_from"] + 1  # one too far (or Fader & Hardie's n)
    out["plus_12_yearly"] = float(fits["plus"].derl(0.10, renewals=12).item())
    # the chapter prints 1 % a month as 12.7 % a year: a learner may pass the yearly rate, as typed or exact
    out["plus_12_yearly_127"] = float(fits["plus"].derl(0.127, renewals=12).item())
    out["plus_12_yearly_exact"] = float(fits["plus"].derl(1.01 ** 12 - 1, renewals=12).item())
    return out


# the master prints the parameters and q4's DERL with three decimals, q5's DERL with two, the survivors with one
# and q7 in whole months; q8 is a whole number of renewals
checker.number(
    "q1", cohorts_2007["highend_beta_5y"], shown_decimals=3,
    hint="Fit the sBG model on the high-end cohort's active counts of years 0-4 only, then read beta among the "
    "fitted parameters (params_).",
    traps=[
        (cohorts_2007["highend_alpha_5y"], "That is alpha; the question asks for beta."),
        (cohorts_2007["highend_beta"], "That is the chapter's fit on years 0-7: keep only years 0-4."),
        (cohorts_2007["highend_beta_rounded"], "That is the chapter's fit on years 0-7 (beta 3.806, rounded): keep "
         "only years 0-4."),
        (cohorts_2007["highend_beta_6y"], "That fit has six years (0-5): five years of data are years 0-4."),
        (cohorts_2007["highend_beta_4y"], "That fit has four years (0-3): five years of data are years 0-4."),
        (cohorts_2007["highend_beta_all_years"], "You fitted all 13 years: keep only years 0-4."),
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

_YEAR = "Check the year: the question asks for year 10 (the argument of expected_active is the year)."
checker.number(
    "q3", cohorts_2007["highend10"], kind="count", shown_decimals=1,
    hint="Use the expected_active method of the high-end fit on years 0-7; its argument is the year (periods "
    "since acquisition), and it gives the cohort size times the survival to that year.",
    traps=[
        (cohorts_2007["highend_actual10"], "That is the actual count in year 10; the question asks for the "
         "model's projection."),
        (cohorts_2007["highend_survival10"], "That is a share: multiply by the cohort's 1,000 customers."),
        (cohorts_2007["highend_survival10_pct"], "That is a percentage of the cohort: the question asks for a "
         "number of customers, out of 1,000."),
        (cohorts_2007["highend9"], _YEAR),
        (cohorts_2007["highend11"], _YEAR),
        (cohorts_2007["highend12"], _YEAR),
        (cohorts_2007["regular10"], "That is the regular cohort; use the high-end fit, highend."),
        (cohorts_2007["highend10_5y"], "That is question 1's fit on years 0-4; use highend, fitted on years 0-7."),
    ],
)

checker.number(
    "q4", cohorts_2007["derl3"], shown_decimals=3,
    hint="Use the derl method of the high-end fit: its first argument is the discount rate per period (a year "
    "here), and renewals counts the renewals already made (Fader & Hardie's n = renewals + 1).",
    traps=[
        (cohorts_2007["derl2"], "Indexing: that is Fader & Hardie's n = 3, a customer who has made 2 renewals. "
         "After 3 renewals use renewals=3 (their n = 4)."),
        (cohorts_2007["derl3_regular"], "That is the regular cohort; use the high-end fit."),
        (cohorts_2007["derl4"], "Indexing: that is a customer who has made 4 renewals; the question has 3."),
        (cohorts_2007["derl3_plus_current"], "DERL leaves out the current period's payment: do not add 1."),
        (cohorts_2007["derl0"], "That is a new customer, about to make the first renewal (no renewal made yet); "
         "this one has made 3 renewals."),
    ],
)

checker.number(
    "q5", telecom["plus_12"], shown_decimals=2,
    hint="Fit each plan's January 2021 counts with period_col='month', then use the derl method of the plus fit: "
    "its first argument is the discount rate per period (a month here), and renewals counts the renewals already "
    "made.",
    traps=[
        (telecom["plus_6"], "That is after 6 renewals; this subscriber has made 12: use renewals=12."),
        (telecom["plus_11"], "Indexing: that is a subscriber who has made 11 renewals; use renewals=12."),
        (telecom["plus_13"], "Indexing: that is a subscriber who has made 13 renewals; use renewals=12."),
        (telecom["premium_12"], "That is the premium plan; the question asks for plus."),
        (telecom["basic_12"], "That is the basic plan; the question asks for plus."),
        (telecom["plus_0"], "That is a new subscriber (renewals=0); this one has made 12 renewals."),
        (telecom["plus_24"], "That is after 24 renewals, the chapter's example; this one has made 12."),
        (telecom["plus_12_yearly"], "The discount rate is per period: 1 % a month is 0.01, not 0.10."),
        (telecom["plus_12_yearly_127"], "That is the yearly rate (12.7 %); the discount rate is per period, and "
         "the rate per month is 0.01."),
        (telecom["plus_12_yearly_exact"], "That is the yearly rate (12.7 %); the discount rate is per period, and "
         "the rate per month is 0.01."),
    ],
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
    hint="Keep the premium subscribers with tenure_months > 0, fit them with the fit_tenures method (name the "
    "tenure column and the column that says whether a subscriber cancelled), then read the fit's median_lifetime.",
    traps=[(premium_table["naive_median"], "That is the naive fit, which counts the subscribers still active as "
            "cancelled: keep churned_col='cancelled' as it is."),
           (premium_table["launch_median"], "That is the premium launch cohort's count fit; use fit_tenures on every "
            "premium subscriber."),
           (premium_table["basic_median"], "That is the basic plan, the chapter's example; keep plan == 'premium'.")],
)

checker.number(
    "q8", telecom["plus_ahead_from"], kind="count", shown_decimals=0,
    hint="Compute the DERL of a plus and of a premium subscriber for 0, 1, 2, ... renewals made (the derl method "
    "accepts an array of renewals) and find the first number of renewals where plus is higher.",
    traps=[
        (telecom["plus_still_behind"], "After that many renewals the plus subscriber is still (just) behind the "
         "premium one: look one renewal further."),
        (telecom["plus_ahead_next"], "Plus is ahead there, but it already is one renewal earlier: find the first. "
         "(Fader & Hardie's n is the renewals made + 1.)"),
    ],
)

"""Checks for exercises 03 — Cohorts and retention curves.

Expected answers are computed from the datasets with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("03-cohorts-and-retention")``.
"""

from __future__ import annotations

import pandas as pd

from relmkt_lib import cohorts, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("03-cohorts-and-retention")

MARCH = pd.Period("2024-03", freq="M")
CDNOW_FEB = pd.Period("1997-02", freq="M")  # the cohort whose size the chapter prints

#: The firm of question 4 (Gupta, Lehmann & Stuart 2004 model): margin, retention, discount rate
#: per year, then the acquisition side.
FIRM = (120.0, 0.80, 0.10)
FIRM_ACQUISITION = dict(acquisition_cost=150.0, new_customers=5000, growth=0.03)


@facts
def march() -> dict[str, float]:
    """Boreal's March 2024 cohort, and the usual wrong turns."""
    log = datasets.load_boreal().transactions
    table = cohorts.cohort_table(log, freq="M")
    cohort = table[table["cohort"] == MARCH].set_index("period_number")
    bought_in_march = log.loc[log["date"].dt.to_period("M") == MARCH]
    quarterly = cohorts.cohort_table(log, freq="Q")
    cdnow = cohorts.cohort_table(datasets.load_cdnow(), freq="M")
    return {
        "size": int(cohort.loc[0, "cohort_size"]),
        "march_rows": len(bought_in_march),
        "march_buyers": bought_in_march["customer_id"].nunique(),
        "quarter_size": int(quarterly.loc[quarterly["cohort"] == MARCH.asfreq("Q"), "cohort_size"].iloc[0]),
        "cdnow_feb_size": int(cdnow.loc[cdnow["cohort"] == CDNOW_FEB, "cohort_size"].iloc[0]),
        "month3": float(cohort.loc[3, "active"] / cohort.loc[3, "cohort_size"]),
        "month3_count": int(cohort.loc[3, "active"]),
        "month1": float(cohort.loc[1, "active"] / cohort.loc[1, "cohort_size"]),
        "month2": float(cohort.loc[2, "active"] / cohort.loc[2, "cohort_size"]),
    }


@facts
def boreal() -> dict[str, float]:
    """Boreal's month-6 retention, weighted by cohort size or not."""
    table = cohorts.cohort_table(datasets.load_boreal().transactions, freq="M")
    return {
        "weighted": float(cohorts.average_retention_curve(table).loc[6, "retention"]),
        "unweighted": float(cohorts.retention_matrix(table)[6].mean()),
    }


@facts
def firm() -> dict[str, float]:
    """The % change in the firm's value for each lever, and for a one-point better retention."""
    levers = cohorts.value_levers(*FIRM, **FIRM_ACQUISITION)["change_pct"]
    margin, _, discount_rate = FIRM
    before = cohorts.firm_value(*FIRM, **FIRM_ACQUISITION)
    after = cohorts.firm_value(margin, 0.81, discount_rate, **FIRM_ACQUISITION)
    return {"retention": levers["retention"], "margin": levers["margin"], "acquisition": levers["acquisition cost"],
            "one_point": after / before * 100 - 100}


checker.number(
    "q1", march["size"], kind="count",
    hint="Build Boreal's monthly cohort table with cohorts.cohort_table(transactions, freq=\"M\") and read "
    "cohort_size in the row of the 2024-03 cohort.",
    traps=[
        (march["march_rows"], "That is the number of purchase rows in March 2024, not of customers."),
        (march["march_buyers"], "That counts everyone who bought in March 2024, including earlier customers "
         "coming back; a cohort holds only the customers whose FIRST purchase was then."),
        (march["quarter_size"], "That is the size of the quarterly cohort 2024Q1; the question asks for the "
         "monthly cohort of March 2024 (freq=\"M\")."),
        (march["cdnow_feb_size"], "That is CDNOW's February 1997 cohort, the one the chapter prints; this "
         "question is about Boreal's March 2024 cohort."),
    ],
)

checker.number(
    "q2", march["month3"], kind="share", shown_decimals=3,
    hint="Period 3 of the March 2024 cohort is June 2024: divide its active customers by the cohort size, "
    "or read cohorts.retention_matrix(...).",
    traps=[
        (march["month3_count"], "That is the number of active customers: divide it by the size of the cohort."),
        (march["month1"], "That is period 1 (the calendar month of April 2024); period 3 is three months after "
         "March."),
        (march["month2"], "That is period 2; count the periods from the acquisition month, which is period 0."),
    ],
)

# the master prints it as a percentage with one decimal (11.3%)
checker.number(
    "q3", boreal["weighted"], kind="share", shown_decimals=3,
    hint="cohorts.average_retention_curve(table) weights each cohort by its size: total active customers "
    "over total cohort size, among the cohorts observed at period 6.",
    traps=[(boreal["unweighted"], "That is the simple mean of the cohorts' shares, which gives a small cohort "
            "the same weight as a large one.")],
)

# the master shows the levers' change_pct rounded to two decimals
checker.number(
    "q4", firm["retention"], kind="percent", shown_decimals=2,
    hint="cohorts.value_levers(...) with the firm's numbers gives the % change of each lever in its "
    "change_pct column; a 1 % better retention means 0.80 x 1.01.",
    traps=[
        (firm["margin"], "That is the margin lever; the question asks about retention."),
        (firm["acquisition"], "That is the acquisition-cost lever (a 1 % cheaper acquisition); the question "
         "asks about retention."),
        (firm["one_point"], "That is a gain of one percentage point (0.80 to 0.81); Gupta et al.'s 1 % is "
         "relative: 0.80 x 1.01 = 0.808."),
    ],
)

checker.choice(
    "q5", "b", choices="abcd",
    hint="Think about who is still buying after a year: the same people as at the start, or a selection "
    "of them?",
    why_not={
        "a": "It can happen, but it is not needed: in Boreal no customer's dropout rate ever changes, yet the "
             "curves flatten.",
        "c": "Unobserved periods are left out, not counted as zeros, so they do not bend the curves.",
        "d": "Campaigns make bumps in calendar time (diagonals of the heatmap), not a steady flattening with age.",
    },
)

checker.choice(
    "q6", "b", choices="abcd",
    hint="Look at the chapter's plot of the three levers of the firm's value against the retention rate, and "
    "where Boreal sits on it.",
    why_not={
        "a": "Not for the firm's value: below about (1 + d) / 2 the margin lever is larger, as at Boreal. (For a "
             "customer the firm already has, with no acquisition cost to recover, retention does win at any rate: "
             "chapter 04.)",
        "c": "At Boreal's retention, the acquisition cost is the smallest lever: it is paid once, while margins "
             "and retention act over the whole lifetime.",
        "d": "Gupta et al. found it in firms whose customers mostly stay; at Boreal's low retention, with little "
             "lifetime to compound over, the margin lever is larger (the chapter's lever table: 1.46 % against "
             "0.80 %).",
    },
)

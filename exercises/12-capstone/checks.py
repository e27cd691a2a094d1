"""Checks for exercises 12 — Capstone: a relationship-marketing plan for a retailer.

Expected answers are computed from the kit's data with the library (the chapter's calls with the
exercises' inputs), never typed in, so the checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("12-capstone")``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from relmkt_lib import btyd, churn, cohorts, contact, data, datasets, metrics, rfm
from relmkt_lib.exercises import Checker, facts
from relmkt_lib.uplift import sample_size

checker = Checker("12-capstone")

END = "2025-12-31"                          # the plan's day, as in the chapter
MARGIN_RATE, DISCOUNT, HORIZON_WEEKS = 0.40, 0.10, 52   # the chapter's value inputs
Q1_DAY, Q1_SEGMENT = "2025-06-30", "at risk"
Q2_COHORT, Q2_PERIOD = "2024Q1", 4          # a quarterly cohort and a quarter since acquisition
Q3_MARGIN, Q3_HORIZON = 0.30, 104           # question 3: another margin and horizon (weeks)
Q4_TOP = 0.20                               # question 4: the top 20 % of customers
Q6_CUTOFF, HORIZON_DAYS = "2024-06-30", 365
Q7_CAMPAIGN, Q7_HORIZON = 10, 180
Q9_YEAR = 2024
Q10_DAY = "2026-06-30"
Q12_EFFECT, Q12_TREATED = 0.01, 0.8
KNOWN_AT_CUTOFF = ["acquisition_channel", "region", "age_band", "consent_email", "consent_sms", "consent_phone"]


def _boreal():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return datasets.load_boreal()


def _lists(b) -> pd.DataFrame:
    """The contacts without the customers acquired on the day they were contacted (the data card's known quirk)."""
    acquired = b.contacts["customer_id"].map(b.customers.set_index("customer_id")["acquisition_date"])
    return b.contacts[acquired < b.contacts["contact_date"]]


@facts
def base() -> dict[str, float]:
    """Questions 1 and 2: a segment on another day, a quarterly cohort's retention."""
    b = _boreal()
    tx = b.transactions
    mid = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end=Q1_DAY))["segment"]
    end = rfm.rfm_segments(rfm.rfm_scores(tx, observation_end=END))["segment"]
    customers = b.customers
    quarterly = cohorts.retention_matrix(cohorts.cohort_table(tx, freq="Q"))
    yearly = cohorts.retention_matrix(cohorts.cohort_table(tx, freq="Y"))
    row = quarterly.loc[pd.Period(Q2_COHORT, freq="Q")]
    return {"segment": float((mid == Q1_SEGMENT).mean()), "segment_end": float((end == Q1_SEGMENT).mean()),
            "champions": float((mid == "champions").mean()),
            "segment_all": float((mid == Q1_SEGMENT).sum() / len(customers)),
            "quarter": float(row[Q2_PERIOD]), "quarter_1": float(row[1]),
            "year_2024": float(yearly.loc[pd.Period("2024", freq="Y"), 1])}


@facts
def value() -> dict[str, float]:
    """Questions 3 and 4: BG/NBD + Gamma-Gamma values at other inputs, and their concentration."""
    tx = _boreal().transactions
    history = data.summarize_transactions(tx, amount_col="amount", observation_end=END, time_unit="weeks")
    bgnbd = btyd.BetaGeoModel().fit(history)
    gg = btyd.GammaGammaModel().fit(history[history["frequency"] > 0])

    def clv(margin: float, horizon: float) -> pd.Series:
        return btyd.discounted_clv(bgnbd, gg, history, horizon=horizon, annual_discount_rate=DISCOUNT, margin=margin)

    chapter = clv(MARGIN_RATE, HORIZON_WEEKS).sort_values(ascending=False)
    return {"mean": float(clv(Q3_MARGIN, Q3_HORIZON).mean()), "chapter_mean": float(chapter.mean()),
            "mean_52": float(clv(Q3_MARGIN, HORIZON_WEEKS).mean()),
            "mean_040": float(clv(MARGIN_RATE, Q3_HORIZON).mean()),
            "top": float(chapter.head(int(len(chapter) * Q4_TOP)).sum() / chapter.sum()),
            "top_10": float(chapter.head(len(chapter) // 10).sum() / chapter.sum()),
            "customers_top": float(Q4_TOP)}


@facts
def keep() -> dict[str, float]:
    """Questions 6, 7 and 7b: the churn rate at another cutoff; campaign 10's lift on buying again later."""
    b = _boreal()
    rate = {}
    for cutoff in (Q6_CUTOFF, "2024-12-31"):
        f = churn.churn_features(b.transactions, customers=b.customers, customer_cols=KNOWN_AT_CUTOFF,
                                 contacts=b.contacts, group_col="group", cutoff=cutoff, horizon_days=HORIZON_DAYS)
        rate[cutoff] = float(f["churned"].mean())
    out = metrics.contact_outcomes(_lists(b), b.transactions, b.campaigns, campaign_ids=[Q7_CAMPAIGN],
                                   horizon_days=Q7_HORIZON)
    by_group = out.groupby("group")[["retained", "responded"]].mean()
    interval = {}
    for col in ("retained", "responded"):
        counts = out.groupby("group")[col].agg(["sum", "size"])
        interval[col] = metrics.incremental_lift(*counts.loc["treatment"], *counts.loc["control"], randomised=True)
    everyone = metrics.contact_outcomes(b.contacts, b.transactions, b.campaigns, campaign_ids=[Q7_CAMPAIGN],
                                        horizon_days=Q7_HORIZON).groupby("group")["retained"].agg(["sum", "size"])
    unfiltered = metrics.incremental_lift(*everyone.loc["treatment"], *everyone.loc["control"], randomised=True)
    return {"churn": rate[Q6_CUTOFF], "churn_chapter": rate["2024-12-31"],
            "retained_lift": float(by_group.loc["treatment", "retained"] - by_group.loc["control", "retained"]),
            "response_lift": float(by_group.loc["treatment", "responded"] - by_group.loc["control", "responded"]),
            "retained_treated": float(by_group.loc["treatment", "retained"]),
            "retained_ci_low": float(interval["retained"]["ci_low"]),
            "retained_ci_high": float(interval["retained"]["ci_high"]),
            "response_ci_low": float(interval["responded"]["ci_low"]),
            "retained_lift_reversed": -float(interval["retained"]["absolute_lift"]),
            "retained_ci_low_reversed": -float(interval["retained"]["ci_high"]),
            "retained_lift_everyone": float(unfiltered["absolute_lift"]),
            "retained_ci_low_everyone": float(unfiltered["ci_low"])}


@facts
def program() -> dict[str, float]:
    """Questions 9, 10 and 12: the Club in another year, consent on a later day, the size of a test."""
    b = _boreal()
    tx, cust = b.transactions, b.customers

    def ratio(year: int) -> float:
        before = cust.loc[cust["acquisition_date"] < f"{year}-01-01", "customer_id"]
        bought = tx[tx["date"].dt.year == year].groupby("customer_id").size().reindex(before, fill_value=0)
        member = before.isin(b.loyalty_members["customer_id"]).to_numpy()
        return float(bought[member].mean() / bought[~member].mean())

    ledger = pd.concat([b.consent_events, tx[["customer_id", "date"]].assign(event="purchase")], ignore_index=True)
    known = ledger[ledger["date"] <= END]
    later = contact.consent_status(known, observation_end=Q10_DAY, channel="email")
    now = contact.consent_status(known, observation_end=END, channel="email")
    sms = contact.consent_status(known, observation_end=Q10_DAY, channel="sms")
    c = _lists(b)[_lists(b)["campaign_id"] == Q7_CAMPAIGN]
    p_control = float(c.loc[c["group"] == "control", "responded"].mean())
    c_all = b.contacts[b.contacts["campaign_id"] == Q7_CAMPAIGN]
    p_everyone = float(c_all.loc[c_all["group"] == "control", "responded"].mean())
    return {"ratio": ratio(Q9_YEAR), "ratio_2025": ratio(2025),
            "may_email": int(later["may_contact"].sum()), "may_email_now": int(now["may_contact"].sum()),
            "may_text": int(sms["may_contact"].sum()),
            "size": sample_size(p_control, Q12_EFFECT, treated_share=Q12_TREATED),
            "size_even": sample_size(p_control, Q12_EFFECT, treated_share=0.5),
            "size_two_points": sample_size(p_control, 2 * Q12_EFFECT, treated_share=Q12_TREATED),
            "size_rounded_baseline": sample_size(round(p_control, 3), Q12_EFFECT, treated_share=Q12_TREATED),
            "size_printed_baseline": sample_size(round(p_control, 4), Q12_EFFECT, treated_share=Q12_TREATED),
            "size_control_as_treated": sample_size(p_control, Q12_EFFECT, treated_share=1 - Q12_TREATED),
            "size_everyone": sample_size(p_everyone, Q12_EFFECT, treated_share=Q12_TREATED)}


# --- milestone 1 ---------------------------------------------------------------------------------
checker.number(
    "q1", base["segment"], kind="share", shown_decimals=3,
    hint="Score and segment as the chapter did, on the question's day; the share is the 'at risk' rows over "
         "all the customers scored that day.",
    traps=[(base["segment_end"], "That is the share on 2025-12-31, the chapter's day; score on 2025-06-30."),
           (base["champions"], "That is the champions' share; the question asks for 'at risk'."),
           (base["segment_all"], "That divides by all 6,000 customers; divide by the customers scored on "
                                 "2025-06-30 (those who had bought by then).")])
checker.number(
    "q2", base["quarter"], kind="share", shown_decimals=3,
    hint="Read the row of the 2024Q1 cohort at period 4, four quarters after the acquisition quarter.",
    traps=[(base["quarter_1"], "That is period 1, the quarter right after acquisition; read period 4."),
           (base["year_2024"], "That is the yearly cohort of 2024; use quarterly cohorts (freq='Q').")])

# --- milestone 2 ---------------------------------------------------------------------------------
checker.number(
    "q3", value["mean"], kind="money", shown_decimals=2,
    hint="The chapter's discounted_clv call with the finance team's margin and horizon (in weeks), then the mean "
         "over all customers.",
    traps=[(value["chapter_mean"], "That is the chapter's value (52 weeks, 40 % margin)."),
           (value["mean_52"], "That is 52 weeks at a 30 % margin: set horizon=104."),
           (value["mean_040"], "That is 104 weeks at the chapter's 40 % margin: set margin=0.30.")])
checker.number(
    "q4", value["top"], kind="share", shown_decimals=3,
    hint="Sort the chapter's values from highest to lowest, keep the first 20 % of the customers "
         "(int(0.2 * len(value))), and divide their sum by the total.",
    traps=[(value["top_10"], "That is the top 10 %, the chapter's number; keep the top 20 %."),
           (value["customers_top"], "That is the share of customers; the question asks for their share "
                                             "of the value.")])
checker.choice(
    "q5", "b",
    hint="Think about when the BG/NBD model lets a customer drop out.",
    why_not={"a": "The model does not know they are alive: it cannot see any dropout for them, by its own "
                  "assumption. Many of them have in fact stopped buying.",
             "c": "The number is not an error of the data: it follows from the model's story.",
             "d": "Their value is low because their purchase rate is low; P(alive) alone does not make a "
                  "customer valuable, and one purchase three years ago is not a reason to contact them."})

# --- milestone 3 ---------------------------------------------------------------------------------
checker.number(
    "q6", keep["churn"], kind="share", shown_decimals=3,
    hint="The chapter's churn_features call with only the cutoff changed; the churn rate is the mean of "
         "'churned'.",
    traps=[(keep["churn_chapter"], "That is the chapter's cutoff, 2024-12-31.")])
checker.number(
    "q7", keep["retained_lift"], kind="share_difference", shown_decimals=4,
    hint="Count the 'retained' customers and all customers of each group, pass the four counts to "
         "metrics.incremental_lift (treatment first), and read 'absolute_lift'.",
    traps=[(keep["response_lift"], "That is the lift in response ('responded', a purchase within 30 days); "
                                   "the question asks about buying again after the window ('retained')."),
           (keep["retained_treated"], "That is the treated group's rate alone; subtract the control's."),
           (keep["retained_lift_reversed"], "Control first: pass the treatment counts first (treated minus control)."),
           (keep["retained_lift_everyone"], "That keeps the customers acquired on the campaign's day: build the "
                                            "outcomes from `lists`, not `contacts`.")])
checker.number(
    "q7b", keep["retained_ci_low"], kind="share_difference", shown_decimals=4,
    hint="Read 'ci_low' from the same incremental_lift result, as a difference of shares (not in points).",
    traps=[(keep["retained_ci_high"], "That is the upper end of the interval ('ci_high'); store the lower end."),
           (keep["response_ci_low"], "That is the interval of the coupon response ('responded'); use 'retained'."),
           (keep["retained_ci_low_reversed"], "Control first: pass the treatment counts first (treated minus "
                                              "control)."),
           (keep["retained_ci_low_everyone"], "That keeps the customers acquired on the campaign's day: build the "
                                              "outcomes from `lists`, not `contacts`.")])
checker.choice(
    "q8", "c",
    hint="Which data can say whom a contact moves, and how large were the win-backs' control groups?",
    why_not={"a": "Risk is not uplift: the riskiest customers are not necessarily those a contact moves, and the "
                  "chapter's win-backs cannot show who moves (0 or 1 control responders per band).",
             "b": "The lowest-risk third had the largest pooled lift, but its interval overlaps the others' and "
                  "its control group held a single responder: the difference may be noise.",
             "d": "Response is measured within 30 days; a campaign that only brings a coupon purchase forward "
                  "can have a lift in response and none in buying again later."})

# --- milestone 4 ---------------------------------------------------------------------------------
checker.number(
    "q9", program["ratio"], kind="number", shown_decimals=2,
    hint="As the chapter, with 2024: customers acquired before 2024-01-01, their purchases in 2024 (0 if none), "
         "members against non-members; divide the members' mean by the non-members'.",
    traps=[(program["ratio_2025"], "That is the chapter's year, 2025.")])
checker.number(
    "q10", program["may_email"], kind="count",
    hint="Keep the ledger's events up to 2025-12-31, but read their status on 2026-06-30 (observation_end); "
         "then count 'may_contact'.",
    traps=[(program["may_email_now"], "That is the count on 2025-12-31; read the same ledger on 2026-06-30."),
           (program["may_text"], "That is the SMS channel; the question asks about e-mail.")])
checker.choice(
    "q11", "d",
    hint="Who joined the Club, and was anyone invited at random?",
    why_not={"a": "The ratio compares members with non-members who chose not to join: heavier buyers joined, so "
                  "most of the gap was there before the Club.",
             "b": "A gap due to selection is not a proof that the Club does nothing either: the data cannot "
                  "separate the two.",
             "c": "Rewarding the heaviest buyers more does not measure what the Club changed; it only costs more."})

# --- milestone 5 ---------------------------------------------------------------------------------
checker.number(
    "q12", program["size"], kind="count",
    hint="The baseline is campaign 10's control response rate in `lists`; the effect is 0.01, and 80 % of the "
         "customers are treated.",
    traps=[(program["size_even"], "That is an even split; a 20 % control share treats 80 % (treated_share=0.8)."),
           (program["size_two_points"], "That is an effect of 2 points; the question asks for 1 point (0.01)."),
           (program["size_rounded_baseline"], "That uses a rounded baseline (0.4 %); pass the control group's exact "
                                              "response rate."),
           (program["size_printed_baseline"], "That uses the rate as printed (0.36 %); pass the control group's exact "
                                              "response rate, computed from `lists`."),
           (program["size_control_as_treated"], "treated_share is the share treated: with a 20 % control share it is "
                                                "0.8, not 0.2."),
           (program["size_everyone"], "That baseline keeps the 2 control customers acquired on the campaign's day "
                                      "(2 of its 3 responders): take the rate from `lists`, not `contacts`.")])

# --- across sectors ------------------------------------------------------------------------------
checker.choice(
    "q13", "b",
    hint="What event does each rate count, and are the two bases alike in tenure?",
    why_not={"a": "The rates count different events (a purchase in a year, a contract still running): the gap "
                  "does not show that a contract would keep Boreal's customers.",
             "c": "One over the churn rate assumes one rate for every customer and year; chapter 06 showed that "
                  "for subscribers this mean is not even finite.",
             "d": "Retention rates say nothing about what a campaign caused: only treated minus control does, "
                  "campaign by campaign."})

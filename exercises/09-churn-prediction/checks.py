"""Checks for exercises 09 — Churn prediction.

Expected answers are computed with the library from the kit's data, with the same cutoffs, splits
and seeds as the master (and the chapter), never typed in. The notebooks load this file with
``relmkt_lib.exercises.load_checks("09-churn-prediction")``.
"""

from __future__ import annotations

from sklearn.model_selection import train_test_split

from relmkt_lib import churn, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("09-churn-prediction")

#: Question 1-3: another cutoff and horizon on Boreal (the chapter uses 2024-12-31 and 365 days).
CUTOFF, HORIZON_DAYS = "2024-06-30", 180
CHAPTER_CUTOFF, CHAPTER_HORIZON_DAYS = "2024-12-31", 365
#: Questions 4-7: the chapter's held-out subscribers (control group, 40 % held out, seed 42).
SEED = 42
#: Questions 6-7: a call, a credit given to everyone called, and the value of a flagged churner, in dollars.
CALL_COST, CREDIT, VALUE = 10.0, 5.0, 120.0
CONTACT_COST = CALL_COST + CREDIT  # every subscriber called costs both
#: The chapter's thresholds: its rule (10 $ / 100 $) and its explorer's default.
CHAPTER_THRESHOLD, EXPLORER_DEFAULT = 0.10, 0.20


@facts
def boreal() -> dict[str, float]:
    """Questions 1-3: the table at the new cutoff, its churn rate, and the score of a leaky column."""
    b = datasets.load_boreal()
    table = churn.churn_features(b.transactions, cutoff=CUTOFF, horizon_days=HORIZON_DAYS)
    chapter = churn.churn_features(b.transactions, cutoff=CHAPTER_CUTOFF, horizon_days=CHAPTER_HORIZON_DAYS)
    longer = churn.churn_features(b.transactions, cutoff=CUTOFF, horizon_days=365)
    log = b.transactions
    days_all = log.assign(day=log["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    leaky = table.assign(purchase_days_all=days_all.reindex(table.index))
    honest = churn.fit_churn_model(table, "churned", rng=SEED).cv_scores_.loc["mean", "roc_auc"]
    leaked = churn.fit_churn_model(leaky, "churned", rng=SEED).cv_scores_.loc["mean", "roc_auc"]
    return {"customers": len(table), "chapter_customers": len(chapter),
            "all_customers": int(log.loc[log["date"] <= CUTOFF, "customer_id"].nunique()),
            "purchase_rows": int((log["date"] <= CUTOFF).sum()),
            "churn_rate": float(table["churned"].mean()), "stay_rate": float(1 - table["churned"].mean()),
            "churners": int(table["churned"].sum()), "chapter_rate": float(chapter["churned"].mean()),
            "rate_365": float(longer["churned"].mean()), "leaky_auc": float(leaked), "honest_auc": float(honest)}


@facts
def subscribers() -> dict[str, float]:
    """Questions 4-7: the chapter's split, both models' lifts, Ginis and calibration, precision at the thresholds."""
    offer = datasets.load_retention_offer()
    control = offer[~offer["offer"]].drop(columns=["offer", "cancel_date", "start_date"])
    train, held_out = train_test_split(control, test_size=0.4, stratify=control["churned"], random_state=SEED)
    y = held_out["churned"].astype(int).to_numpy()
    logistic = churn.fit_churn_model(train, "churned", rng=SEED)
    p_log = logistic.predict_proba(held_out).to_numpy()
    weights = logistic.coefficients()["coefficient"]
    p_gb = churn.fit_churn_model(train, "churned", model="gradient_boosting", cv=2,
                                 rng=SEED).predict_proba(held_out).to_numpy()
    threshold = churn.threshold_rule(VALUE, CONTACT_COST)
    flagged = p_log > threshold
    tp = float((flagged & (y == 1)).sum())
    calib_gb = churn.calibration_table(y, p_gb, bins=8, strategy="quantile")
    calib_log = churn.calibration_table(y, p_log, bins=8, strategy="quantile")
    return {"gb_lift": churn.top_decile_lift(y, p_gb), "log_lift": churn.top_decile_lift(y, p_log),
            "gb_gini": churn.gini(y, p_gb), "log_gini": churn.gini(y, p_log),
            "gb_auc": (churn.gini(y, p_gb) + 1) / 2,
            "gb_gini_unnormalised": float((1 - y.mean()) * churn.gini(y, p_gb)),
            "gb_capture": float(churn.gains_table(y, p_gb)["cum_capture"].iloc[0]),
            "gb_top_observed": float(calib_gb["observed_rate"].iloc[-1]),
            "gb_top_predicted": float(calib_gb["mean_predicted"].iloc[-1]),
            "gb_bottom_observed": float(calib_gb["observed_rate"].iloc[0]),
            "log_top_observed": float(calib_log["observed_rate"].iloc[-1]),
            "threshold": threshold, "precision": tp / max(flagged.sum(), 1), "recall": tp / y.sum(),
            "flagged_share": float(flagged.mean()), "churn_rate": float(y.mean()),
            "precision_unflagged": float(((~flagged) & (y == 1)).sum() / max((~flagged).sum(), 1)),
            "precision_chapter_rule": float(y[p_log > CHAPTER_THRESHOLD].mean()),
            "precision_chapter_default": float(y[p_log > EXPLORER_DEFAULT].mean()),
            "usage_weight": float(weights["data_usage_gb"]), "autopay_weight": float(weights["autopay"]),
            "charge_weight": float(weights["monthly_charge"]), "tenure_weight": float(weights["tenure_months"])}


checker.number(
    "q1", boreal["customers"], kind="count",
    hint="Call churn.churn_features(boreal.transactions, cutoff=..., horizon_days=...) and count its rows: "
         "one per customer who bought on or before the cutoff.",
    traps=[(boreal["chapter_customers"], "That is the chapter's table (cutoff 2024-12-31): use the new cutoff."),
           (boreal["purchase_rows"], "That counts purchases up to the cutoff, not customers."),
           (boreal["churners"], "That counts the churners only: count every row of the table.")],
)

# the master prints the rate as a percentage with one decimal
checker.number(
    "q2", boreal["churn_rate"], kind="share", shown_decimals=3,
    hint="Take the mean of the table's churned column (True counts as 1).",
    traps=[(boreal["chapter_rate"], "That is the chapter's rate (cutoff 2024-12-31, 365 days)."),
           (boreal["rate_365"], "That is the rate over 365 days: the question asks for horizon_days=180."),
           (boreal["stay_rate"], "That is the share who bought again (stayed): take the share who churned.")],
)

checker.choice(
    "q2b", "b", choices="abc",
    hint="A customer who buys again within 180 days: have they bought within 365 days too?",
    why_not={
        "a": "A longer window gives more time to buy again, not to show silence: customers who buy within 180 days "
             "also buy within 365, so the churn rate cannot rise.",
        "c": "In a non-contractual business churn is defined by silence over the horizon: change the horizon and "
             "the label changes for customers who come back late.",
    },
)

checker.number(
    "q3", boreal["leaky_auc"], kind="number", shown_decimals=3,
    hint="Add the column purchase_days_all (purchase days in the whole log, per customer) to the table of "
         "question 1 (base), store it in leaky, fit churn.fit_churn_model(leaky, 'churned', rng=42) and read "
         "cv_scores_.loc['mean', 'roc_auc'].",
    traps=[(boreal["honest_auc"], "That is the score without the leaky column: add purchase_days_all first.")],
)

checker.number(
    "q4", subscribers["gb_lift"], kind="number", shown_decimals=2,
    hint="Fit the gradient-boosting model on train, score held_out with predict_proba, then "
         "churn.top_decile_lift(y, scores).",
    traps=[(subscribers["log_lift"], "That is the logistic regression's top-decile lift (the chapter's model): "
                                     "fit model='gradient_boosting'."),
           (subscribers["gb_capture"], "That is the share of churners captured by the top decile; the lift divides "
                                       "the top decile's churn rate by the overall rate.")],
)

checker.number(
    "q4b", subscribers["gb_gini"], kind="number", shown_decimals=3,
    hint="churn.gini(y, p_boosted): 2 x ROC AUC - 1 on the held-out subscribers.",
    traps=[(subscribers["log_gini"], "That is the logistic regression's Gini: use p_boosted."),
           (subscribers["gb_auc"], "That is the ROC AUC itself: the Gini is 2 x ROC AUC - 1."),
           (subscribers["gb_gini_unnormalised"], "That multiplies by (1 - churn rate), as some sources do: the "
                                                 "chapter's Gini is 2 x ROC AUC - 1 (churn.gini)."),
           (subscribers["gb_lift"], "That is the top-decile lift of question 4: the Gini is 2 x ROC AUC - 1.")],
)

checker.number(
    "q5", subscribers["gb_top_observed"], kind="share", shown_decimals=3,
    hint="Compute churn.calibration_table(y, p_boosted, bins=8, strategy='quantile') and read the observed_rate "
         "of its last row (the highest predictions).",
    traps=[(subscribers["gb_top_predicted"], "That is the bin's mean predicted probability: the question asks what "
                                             "share actually churned (observed_rate)."),
           (subscribers["gb_bottom_observed"], "That is the lowest bin (the first row): take the last row."),
           (subscribers["log_top_observed"], "That is the logistic regression's top bin: use p_boosted.")],
)

checker.choice(
    "q5b", "b", choices="abc",
    hint="Compare mean_predicted and observed_rate in the top bin and in the lowest bins.",
    why_not={
        "a": "The rule reads the probabilities themselves, not the ranking: the top bin predicts far more churn than "
             "happens, so the cut p > cost / value falls in the wrong place.",
        "c": "The ranking still works (its top-decile lift is above 1); it is the probabilities that are too extreme, "
             "and recalibration on customers used neither to fit nor to judge the model fixes them.",
    },
)

checker.number(
    "q6", subscribers["threshold"], kind="share", shown_decimals=3,
    hint="Flag when p x value > cost, where cost is everything each call costs the firm, churner or not: "
         "the threshold is cost / value (churn.threshold_rule(value, cost)).",
    traps=[(VALUE / CONTACT_COST, "That is value / cost: the threshold is cost / value, a probability."),
           (CONTACT_COST / (VALUE - CONTACT_COST), "That subtracts the cost from the value: the value of a flagged "
                                                   "churner is what the contact brings, the cost is paid apart."),
           (CHAPTER_THRESHOLD, "That is the chapter's threshold (10 $ and 100 $): use this question's costs."),
           (CALL_COST / VALUE, "That leaves out the credit: every subscriber called gets it, so it is part of the "
                               "cost of each call."),
           (CALL_COST / (VALUE - CREDIT), "That takes the credit off the churners' value only: the stayers called "
                                          "get it too, so it belongs to the cost of every call.")],
)

checker.number(
    "q7", subscribers["precision"], kind="share", shown_decimals=3,
    hint="Flag the held-out subscribers whose probability is above the threshold; precision = churners among "
         "the flagged / number flagged.",
    traps=[(subscribers["recall"], "That is the recall (the share of all churners flagged): precision divides "
                                   "by the number flagged."),
           (subscribers["flagged_share"], "That is the share of subscribers flagged, not the share of the flagged "
                                          "who churn."),
           (subscribers["churn_rate"], "That is the churn rate of every held-out subscriber: keep only the flagged."),
           (subscribers["precision_unflagged"], "That is the churn rate of the subscribers NOT flagged: keep those "
                                                "above the threshold."),
           (subscribers["precision_chapter_rule"], "That uses the chapter's threshold of 0.10: use threshold (0.125)."),
           (subscribers["precision_chapter_default"], "That uses the explorer's default threshold of 0.20: use "
                                                      "threshold (0.125).")],
)

checker.number(
    "q8", subscribers["usage_weight"], kind="number", shown_decimals=3,
    hint="logistic.coefficients() is indexed by term: read .loc['data_usage_gb', 'coefficient'].",
    traps=[(subscribers["autopay_weight"], "That is autopay's weight: take the row data_usage_gb."),
           (subscribers["charge_weight"], "That is monthly_charge's weight: take the row data_usage_gb."),
           (subscribers["tenure_weight"], "That is tenure_months's weight: take the row data_usage_gb.")],
)

checker.choice(
    "q8b", "b", choices="abcd",
    hint="A weight and an importance bar describe the fitted model; what would measure the effect of a data cap?",
    why_not={
        "a": "A weight is an association inside the model, not the effect of an action; here it is small, the bar is "
             "within noise, and the data card says usage has no effect.",
        "c": "A bar near zero cannot prove that there is no effect: autopay has a real effect and its bar is within "
             "noise too. Here it is the data card, not the bar, that says so.",
        "d": "A small weight can be noise, and a weight is not an effect: the data card says data usage has no "
             "effect at all. Only a randomised test would measure what a cap does.",
    },
)

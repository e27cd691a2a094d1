"""Checks for exercises 07 — Non-contractual customers (BG/NBD, P(alive), CLV).

Expected answers are computed from the CDNOW data with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("07-non-contractual-customers")``.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from relmkt_lib import btyd, datasets
from relmkt_lib.exercises import Checker, approx, same_choice

checker = Checker("07-non-contractual-customers")


@cache
def _facts() -> dict[str, float]:
    summary = datasets.load_cdnow_summary()
    bg = btyd.fit_bgnbd(summary)
    pred39 = btyd.customer_predictions(bg, summary, 39)
    pred52 = btyd.customer_predictions(bg, summary, 52)
    split = btyd.cdnow_sample_split()
    rep = summary[summary["frequency"] > 0]
    return {
        "r": float(bg.params_["r"]), "alpha": float(bg.params_["alpha"]),
        "alive6": float(pred39.loc[6, "p_alive"]),
        "x39": float(pred39.loc[1, "expected_purchases"]), "x52": float(pred52.loc[1, "expected_purchases"]),
        "mae": float(btyd.holdout_metrics(bg, split)["mae"]),
        "rmse": float(btyd.holdout_metrics(bg, split)["rmse"]),
        "corr": float(np.corrcoef(rep["frequency"], rep["monetary_value"])[0, 1]),
        "corr_all": float(np.corrcoef(summary["frequency"], summary["monetary_value"])[0, 1]),
    }


@checker.question("q1", hint="Fit btyd.fit_bgnbd on the calibration summary and read params_['r'].")
def _(answer):
    f = _facts()
    if approx(answer, f["alpha"], abs_tol=0.001):
        return False, "That is alpha, the scale of the purchase rates; r is the shape."
    return approx(answer, f["r"], abs_tol=0.0005)


@checker.question("q2", hint="btyd.customer_predictions(model, summary, horizon) has a p_alive column; "
                             "P(alive) does not depend on the horizon. Read the row of customer 6.")
def _(answer):
    f = _facts()
    verdict = approx(answer, f["alive6"], abs_tol=0.0005)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, 100 * f["alive6"], abs_tol=0.05):
        return False, "That looks like a percentage: give a probability between 0 and 1."
    return verdict


@checker.question("q3", hint="Use horizon=39 (weeks) in btyd.customer_predictions and read "
                             "expected_purchases of customer 1; Fader and Hardie's spreadsheet gives 1.226.")
def _(answer):
    f = _facts()
    if approx(answer, f["x52"], abs_tol=0.0005):
        return False, "That is over 52 weeks; the question asks for the next 39 weeks."
    return approx(answer, f["x39"], abs_tol=0.0005)


@checker.question("q4", hint="btyd.holdout_metrics(model, split) with split = btyd.cdnow_sample_split(); "
                             "MAE is the mean of |predicted - actual| over customers.")
def _(answer):
    f = _facts()
    if approx(answer, f["rmse"], abs_tol=0.0005):
        return False, "That is the RMSE (root mean squared error); the MAE averages absolute errors."
    return approx(answer, f["mae"], abs_tol=0.0005)


@checker.question("q5", hint="Keep only repeat buyers (frequency > 0), then take the Pearson correlation of "
                             "frequency and monetary_value (btyd.spend_frequency_correlation does it).")
def _(answer):
    f = _facts()
    if approx(answer, f["corr_all"], abs_tol=0.0005):
        return False, ("You included the one-time buyers, whose monetary_value is 0 by construction: "
                       "that creates a correlation. Keep frequency > 0.")
    return approx(answer, f["corr"], abs_tol=0.0005)


@checker.question("q6", hint="Compare the two customers' P(alive) with btyd.customer_predictions; think about "
                             "how surprising 19 weeks of silence is for each of them.")
def _(answer):
    why_not = {
        "a": "More purchases do not protect a customer who has gone silent: compute both P(alive) and see.",
        "c": "Recency alone is not enough: the same silence means different things at different frequencies.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    return same_choice(answer, "b", choices="abc")

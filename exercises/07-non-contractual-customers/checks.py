"""Checks for exercises 07 — Non-contractual customers (BG/NBD, P(alive), CLV).

Expected answers are computed from the CDNOW data with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("07-non-contractual-customers")``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmkt_lib import btyd, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("07-non-contractual-customers")


@facts
def cdnow() -> dict[str, float | str]:
    """The BG/NBD fit on the CDNOW calibration summary, its predictions, and the usual wrong turns."""
    summary = datasets.load_cdnow_summary()
    bg, pnbd = btyd.BetaGeoModel().fit(summary), btyd.ParetoNBDModel().fit(summary)
    pred39, pred52 = bg.predict(summary, horizon=39), bg.predict(summary, horizon=52)
    split = datasets.cdnow_sample_split()
    holdout = btyd.holdout_metrics(bg, split)
    rep = summary[summary["frequency"] > 0]
    # q6: A (12 repeat purchases) and B (3), same recency 28 weeks, both known for 38.86 weeks
    two = pd.DataFrame({"frequency": [12, 3], "recency": [28.0, 28.0], "T": [38.86, 38.86]}, index=["A", "B"])
    alive_a, alive_b = bg.predict(two, horizon=39)["p_alive"]
    return {
        "r": float(bg.params_["r"]), "alpha": float(bg.params_["alpha"]),
        "alive6": float(pred39.loc[6, "p_alive"]),
        "x39": float(pred39.loc[1, "expected_purchases"]), "x52": float(pred52.loc[1, "expected_purchases"]),
        "mae": float(holdout["mae"]), "rmse": float(holdout["rmse"]),
        "corr": float(np.corrcoef(rep["frequency"], rep["monetary_value"])[0, 1]),
        "corr_all": float(np.corrcoef(summary["frequency"], summary["monetary_value"])[0, 1]),
        # the right statement of q6 follows the model: b if A is less likely alive, a if more, c if equal
        "silent": "b" if alive_a < alive_b - 0.01 else "a" if alive_a > alive_b + 0.01 else "c",
        # the same answers from the Pareto/NBD, a likely slip
        "pnbd_r": float(pnbd.params_["r"]),
        "pnbd_x39": float(pnbd.predict(summary, horizon=39).loc[1, "expected_purchases"]),
        "pnbd_mae": float(btyd.holdout_metrics(pnbd, split)["mae"]),
    }


PARETO = "That is the Pareto/NBD's answer; the question asks about the BG/NBD (btyd.BetaGeoModel)."


# every number with three decimals, as the chapter prints them (and Fader & Hardie publish them)
checker.number(
    "q1", cdnow["r"], shown_decimals=3,
    hint="Fit btyd.BetaGeoModel() on the calibration summary and read params_['r'].",
    traps=[(cdnow["alpha"], "That is alpha, the rate parameter of the gamma distribution of purchase rates; r "
            "is its shape."), (cdnow["pnbd_r"], PARETO)],
)

checker.number(
    "q2", cdnow["alive6"], kind="share", shown_decimals=3,
    hint="model.predict(summary, horizon=...) has a p_alive column; P(alive) does not depend on "
    "the horizon. Read the row of customer 6.",
)

checker.number(
    "q3", cdnow["x39"], shown_decimals=3,
    hint="Use horizon=39 (weeks) in model.predict and read expected_purchases of customer 1; Fader "
    "and Hardie's spreadsheet gives 1.226.",
    traps=[(cdnow["x52"], "That is over 52 weeks; the question asks for the next 39 weeks."),
           (cdnow["pnbd_x39"], PARETO)],
)

checker.number(
    "q4", cdnow["mae"], shown_decimals=3,
    hint="btyd.holdout_metrics(model, split) with split = datasets.cdnow_sample_split(); MAE is the mean of "
    "|predicted - actual| over customers.",
    traps=[(cdnow["rmse"], "That is the RMSE (root mean squared error); the MAE averages absolute errors."),
           (cdnow["pnbd_mae"], PARETO)],
)

checker.number(
    "q5", cdnow["corr"], shown_decimals=3,
    hint="Keep only repeat buyers (frequency > 0), then take the Pearson correlation of frequency and "
    "monetary_value (btyd.spend_frequency_correlation does it).",
    traps=[(cdnow["corr_all"], "You included the one-time buyers, whose monetary_value is 0 by construction: "
            "that creates a correlation. Keep frequency > 0.")],
)

checker.choice(
    "q6", cdnow["silent"], choices="abc",
    hint="Compare the two customers' P(alive) with model.predict (or model.p_alive); think about how surprising 11 "
    "weeks of silence is for each of them.",
    why_not={
        "a": "More purchases do not protect a customer who has gone silent: compute both P(alive) and see.",
        "c": "Recency alone is not enough: the same silence means different things at different frequencies.",
    },
)

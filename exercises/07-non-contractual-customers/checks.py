"""Checks for exercises 07 — Non-contractual customers (BG/NBD, P(alive), CLV).

Expected answers are computed from the CDNOW data with the library, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("07-non-contractual-customers")``.
"""

from __future__ import annotations

import pandas as pd

from relmkt_lib import btyd, datasets
from relmkt_lib.exercises import Checker, facts

checker = Checker("07-non-contractual-customers")

WIN_BACK = 0.5  # q6: the store's rule, a win-back offer below this P(alive)


@facts
def cdnow() -> dict[str, float | str]:
    """The models fitted on the CDNOW calibration summary, customer 6's forecasts, and the usual wrong turns."""
    summary = datasets.load_cdnow_summary()
    bg, pnbd = btyd.BetaGeoModel().fit(summary), btyd.ParetoNBDModel().fit(summary)
    gg = btyd.GammaGammaModel().fit(summary[summary["frequency"] > 0])
    six = summary.loc[[6]]
    pred39, pred52 = bg.predict(six, horizon=39), bg.predict(six, horizon=52)
    pnbd39, pnbd52 = pnbd.predict(six, horizon=39), pnbd.predict(six, horizon=52)
    split = datasets.cdnow_sample_split()
    by_freq_pnbd, by_freq_bg = btyd.holdout_by_frequency(pnbd, split), btyd.holdout_by_frequency(bg, split)
    spend6 = float(gg.expected_spend(six).iloc[0])
    clv = {(m, h, d): float(btyd.discounted_clv(bg, gg, six, horizon=h, annual_discount_rate=d, margin=m).iloc[0])
           for m, h, d in [(0.5, 52, 0.10), (0.3, 52, 0.10), (0.5, 52, 0.0), (0.5, 39, 0.10)]}
    # q6: Ana (12 repeat purchases) and Ben (3), same recency 28 weeks, both known for 38.86 weeks
    two = pd.DataFrame({"frequency": [12, 3], "recency": [28.0, 28.0], "T": [38.86, 38.86]}, index=["Ana", "Ben"])
    ana, ben = (bool(p < WIN_BACK) for p in bg.predict(two, horizon=39)["p_alive"])
    rounded = {f"{name}_{d}": round(value, d) for d in (1, 2, 3)  # q1: the same values typed from a display
               for name, value in [("r", float(bg.params_["r"])), ("alpha", float(bg.params_["alpha"])),
                                   ("weeks_between", float(bg.params_["alpha"] / bg.params_["r"]))]}
    return {
        **rounded,
        "r": float(bg.params_["r"]), "alpha": float(bg.params_["alpha"]),
        "rate": float(bg.params_["r"] / bg.params_["alpha"]),
        "weeks_between": float(bg.params_["alpha"] / bg.params_["r"]),
        "pnbd_rate": float(pnbd.params_["r"] / pnbd.params_["alpha"]),
        "alive6": float(pred39["p_alive"].iloc[0]), "pnbd_alive6": float(pnbd39["p_alive"].iloc[0]),
        "x52": float(pred52["expected_purchases"].iloc[0]), "x39": float(pred39["expected_purchases"].iloc[0]),
        "pnbd_x52": float(pnbd52["expected_purchases"].iloc[0]),
        "pnbd_once": float(by_freq_pnbd.loc["0", "predicted"]), "bg_once": float(by_freq_bg.loc["0", "predicted"]),
        "actual_once": float(by_freq_pnbd.loc["0", "actual"]),
        "bg_once_2": round(float(by_freq_bg.loc["0", "predicted"]), 2),  # q4: as the chapter shows them
        "actual_once_2": round(float(by_freq_pnbd.loc["0", "actual"]), 2),
        "spend6": spend6, "zbar6": float(six["monetary_value"].iloc[0]),
        "spend_mean": float(gg.expected_spend(summary.loc[[3]]).iloc[0]),  # customer 3: no repeat, the mean
        "clv6": clv[0.5, 52, 0.10], "clv6_30": clv[0.3, 52, 0.10], "clv6_undiscounted": clv[0.5, 52, 0.0],
        "clv6_39": clv[0.5, 39, 0.10],
        "clv6_zbar": clv[0.5, 52, 0.10] * float(six["monetary_value"].iloc[0]) / spend6,
        # the right option of q6 follows the model and the store's rule
        "win_back": {(True, False): "a", (False, True): "b", (True, True): "c", (False, False): "d"}[ana, ben],
    }


PARETO = "That is the Pareto/NBD's answer; the question asks about the BG/NBD (btyd.BetaGeoModel)."
BGNBD = "That is the BG/NBD's answer; this question asks about the Pareto/NBD (btyd.ParetoNBDModel)."

checker.number(
    "q1", cdnow["rate"], shown_decimals=3,
    hint="The purchase rates follow a gamma distribution with shape r and rate alpha; its mean is r / alpha.",
    traps=[(cdnow["r"], "That is r alone, the shape of the distribution; the mean rate is r / alpha."),
           (cdnow["alpha"], "That is alpha alone; the mean rate is r / alpha."),
           (cdnow["weeks_between"], "That is alpha / r, the mean number of weeks between purchases; the "
            "question asks for purchases per week, r / alpha."),
           (cdnow["pnbd_rate"], PARETO),
           # the same slips typed from a rounded display (the chapter shows r = 0.243 and alpha = 4.414)
           *[(cdnow[f"{name}_{d}"], message) for name, message in [
               ("r", "That is r alone, the shape of the distribution; the mean rate is r / alpha."),
               ("alpha", "That is alpha alone; the mean rate is r / alpha."),
               ("weeks_between", "That is alpha / r, the mean number of weeks between purchases; the question "
                "asks for purchases per week, r / alpha.")] for d in (1, 2, 3)]],
)

checker.number(
    "q2", cdnow["alive6"], kind="share", shown_decimals=3,
    hint="model.predict(summary, horizon=...) has a p_alive column; P(alive) does not depend on "
    "the horizon. Read the row of customer 6.",
    traps=[(cdnow["pnbd_alive6"], PARETO)],
)

checker.number(
    "q3", cdnow["x52"], shown_decimals=3,
    hint="Use horizon=52 (weeks) in model.predict and read expected_purchases of customer 6.",
    traps=[(cdnow["x39"], "That is over 39 weeks; the question asks for the next 52 weeks."),
           (cdnow["pnbd_x52"], PARETO)],
)

checker.number(
    "q4", cdnow["pnbd_once"], shown_decimals=3,
    hint="btyd.holdout_by_frequency(model, split) with the Pareto/NBD model and split = "
    "datasets.cdnow_sample_split(); read the predicted column of the row '0'.",
    traps=[(cdnow["bg_once"], BGNBD),
           (cdnow["actual_once"], "That is what the one-time buyers actually bought; the question asks what the "
            "Pareto/NBD predicted."),
           # the same slips read from the chapter's table, which shows 2 decimals
           (cdnow["bg_once_2"], BGNBD),
           (cdnow["actual_once_2"], "That is what the one-time buyers actually bought (the chapter's table); the "
            "question asks what the Pareto/NBD predicted.")],
)

checker.number(
    "q5", cdnow["spend6"], shown_decimals=2,
    hint="Fit btyd.GammaGammaModel() on the repeat buyers (frequency > 0), then read expected_spend of "
    "customer 6: their own mean spend shrunk towards the population mean.",
    traps=[(cdnow["zbar6"], "That is customer 6's own mean spend (monetary_value); the model shrinks it towards "
            "the population mean."),
           (cdnow["spend_mean"], "That is the population mean spend, what a one-time buyer gets; customer 6 has "
            "7 repeat purchases of their own.")],
)

checker.choice(
    "q6", cdnow["win_back"], choices="abcd",
    hint="Compute both customers' P(alive) with model.predict and compare each with 0.5.",
    why_not={
        # the correct option's message is never shown, so each option has one: the data decide which is right
        "a": "Compute Ana's P(alive): with these fitted parameters her silence does not put it below 0.5.",
        "b": "Buying less does not make a customer more likely gone: compute Ben's P(alive).",
        "c": "The same 11 weeks of silence mean different things at different purchase rates: compute both.",
        "d": "Compute both P(alive): one of them is below 0.5.",
    },
)

checker.number(
    "q7", cdnow["clv6"], shown_decimals=2,
    hint="btyd.discounted_clv(bg, gamma_gamma, summary, horizon=52, annual_discount_rate=0.10, margin=0.5), "
    "then the row of customer 6.",
    traps=[(cdnow["clv6_30"], "That is at the chapter's 30 % margin; the question asks for 50 %."),
           (cdnow["clv6_undiscounted"], "That is without discounting; use a 10 % annual discount rate."),
           (cdnow["clv6_39"], "That is over 39 weeks; the question asks for the next 52 weeks."),
           (cdnow["clv6_zbar"], "That values each purchase at customer 6's own mean spend; the CLV uses the "
            "Gamma-Gamma expected spend (question 5).")],
)

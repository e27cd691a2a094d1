"""Checks for exercises 10 — Retention campaigns.

Expected answers are computed from the kit's data with the library, with the chapter's split,
models and assumptions, never typed in, so the checks follow the data. The notebooks load this
file with ``relmkt_lib.exercises.load_checks("10-retention-campaigns")``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relmkt_lib import datasets
from relmkt_lib.churn import fit_churn_model
from relmkt_lib.exercises import Checker, facts
from relmkt_lib.uplift import TwoModelUplift, sample_size, uplift_at_k

checker = Checker("10-retention-campaigns")

#: The chapter's assumptions and the offer.
MARGIN, CONTACT_COST, DISCOUNT, OFFER_BILLS, MONTHLY_DISCOUNT_RATE = 0.6, 2.0, 0.25, 3, 0.01
PLAN_MEAN_USAGE = {"basic": 4, "plus": 15, "premium": 40}
RISK_COLUMNS = ["customer_id", "plan", "contract", "monthly_charge", "data_usage_gb", "support_contacts_90d",
                "payment_method", "autopay", "tenure_months", "churned"]
Q2_CONTACT = 5.0                      # question 2
Q3_K = 0.15                           # question 3
Q5_CUSTOMER = 27017                   # question 5
Q6_N, Q6_POWER = 20_000, 0.9          # question 6


def features(df: pd.DataFrame) -> pd.DataFrame:
    """The chapter's numeric features known before the offer."""
    return pd.DataFrame({
        "monthly_contract": (df["contract"] == "monthly").astype(int),
        "autopay": df["autopay"].astype(int),
        "support_contacts_90d": df["support_contacts_90d"],
        "usage_vs_plan": df["data_usage_gb"] / df["plan"].map(PLAN_MEAN_USAGE),
        "monthly_charge": df["monthly_charge"],
        "tenure_months": df["tenure_months"],
        "invoice": (df["payment_method"] == "invoice").astype(int),
    }, index=df.index)


def _rate_gap(df: pd.DataFrame) -> float:
    return float(df.loc[df["offer"], "churned"].mean() - df.loc[~df["offer"], "churned"].mean())


def _split(n: int) -> np.ndarray:
    rng = np.random.default_rng(42)
    train = np.zeros(n, dtype=bool)
    train[rng.permutation(n)[: n // 2]] = True
    return train


def _risk(offer: pd.DataFrame, train: np.ndarray) -> pd.Series:
    """The chapter's churn model (training controls): churn within six renewals without an offer."""
    return fit_churn_model(offer.loc[train & ~offer["offer"], RISK_COLUMNS], "churned", model="logistic", cv=5,
                           rng=42).predict_proba(offer)


@facts
def test() -> dict[str, float]:
    """Questions 1, 2, 5 and 6: the randomised test read as the chapter reads it."""
    offer = datasets.load_retention_offer()
    monthly = offer[offer["contract"] == "monthly"]
    p6 = _risk(offer, _split(len(offer)))
    q = 1 - (1 - p6) ** (1 / 6)
    per_margin = offer["monthly_charge"] * (1 - q) / (q + MONTHLY_DISCOUNT_RATE)   # value of a save / margin
    offered = offer[offer["offer"]]
    bills = offered["cancel_date"].dt.month.where(offered["churned"]).sub(1).clip(upper=OFFER_BILLS).fillna(OFFER_BILLS)
    saves = -_rate_gap(offer) * len(offered)
    w = p6[offered.index]
    worth = float((w * per_margin[offered.index]).sum() / w.sum())
    worth_plain = float(per_margin[offered.index].mean())
    discounts = float((DISCOUNT * offered["monthly_charge"] * bills).sum())
    discounts_3 = float((DISCOUNT * offered["monthly_charge"] * OFFER_BILLS).sum())
    discounts_6 = float((DISCOUNT * offered["monthly_charge"]
                         * offered["cancel_date"].dt.month.where(offered["churned"]).sub(1).fillna(6)).sum())

    def margin(contact: float, w_: float = worth, disc: float = discounts) -> float:
        return (disc + contact * len(offered)) / (saves * w_)

    p_control = float(offer.loc[~offer["offer"], "churned"].mean())
    one = offer.index[offer["customer_id"] == Q5_CUSTOMER][0]
    charge = float(offer.loc[one, "monthly_charge"])
    one_value = MARGIN * float(per_margin[one])
    one_discount = DISCOUNT * charge * OFFER_BILLS
    chapter_one = offer.loc[(offer["plan"] == "plus") & (offer["contract"] == "monthly")
                            & (offer["tenure_months"] == 24)].index[0]
    support = offer[offer["support_contacts_90d"] >= 2]

    def smallest(n: int, power: float = Q6_POWER) -> float:   # question 6: the first drop whose size fits n
        drops = np.arange(1, 91) / 1000
        return float(next(d for d in drops if sample_size(p_control, -d, power=power) <= n))

    return {"break_even": (one_discount + CONTACT_COST) / one_value,
            "break_even_no_contact": one_discount / one_value,
            "break_even_margin_1": (one_discount + CONTACT_COST) / (one_value / MARGIN),
            "break_even_six": (DISCOUNT * charge * 6 + CONTACT_COST) / one_value,
            "break_even_bills": (DISCOUNT * charge * float(bills.mean()) + CONTACT_COST) / one_value,
            "break_even_chapter": (DISCOUNT * float(offer.loc[chapter_one, "monthly_charge"]) * OFFER_BILLS
                                   + CONTACT_COST) / (MARGIN * float(per_margin[chapter_one])),
            "monthly_effect": _rate_gap(monthly), "all_effect": _rate_gap(offer),
            "support_effect": _rate_gap(support),
            "support_3_effect": _rate_gap(offer[offer["support_contacts_90d"] >= 3]),
            "margin": margin(Q2_CONTACT), "margin_chapter": margin(CONTACT_COST),
            "margin_no_contact": margin(0.0), "margin_plain": margin(Q2_CONTACT, worth_plain),
            "margin_six": margin(Q2_CONTACT, worth, discounts_6),
            "margin_three": margin(Q2_CONTACT, worth, discounts_3),
            "margin_with_margin": margin(Q2_CONTACT) / MARGIN,
            "drop": smallest(Q6_N), "drop_power_08": smallest(Q6_N, 0.8),
            "drop_per_group": smallest(Q6_N // 2), "drop_double": smallest(2 * Q6_N)}


@facts
def models() -> dict[str, float]:
    """Question 3: the chapter's split and models, judged at k = 15 %."""
    offer = datasets.load_retention_offer()
    train = _split(len(offer))
    X, stayed, treated = features(offer), (~offer["churned"]).astype(int), offer["offer"].astype(int)
    uplift = TwoModelUplift(rng=42).fit(X[train], stayed[train], treated[train]).predict_uplift(X[~train])
    risk = _risk(offer, train)[~train]
    y, t = stayed[~train], treated[~train]
    by_risk = uplift_at_k(y, risk, t, k=Q3_K)
    return {"gap": uplift_at_k(y, uplift, t, k=Q3_K) - by_risk,
            "gap_reversed": by_risk - uplift_at_k(y, uplift, t, k=Q3_K),
            "gap_20": uplift_at_k(y, uplift, t, k=0.2) - uplift_at_k(y, risk, t, k=0.2),
            "gap_30": uplift_at_k(y, uplift, t, k=0.3) - uplift_at_k(y, risk, t, k=0.3),
            "uplift_k": uplift_at_k(y, uplift, t, k=Q3_K), "uplift_k30": uplift_at_k(y, uplift, t, k=0.3),
            "uplift_k20": uplift_at_k(y, uplift, t, k=0.2), "uplift_k10": uplift_at_k(y, uplift, t, k=0.1),
            "risk_k": uplift_at_k(y, risk, t, k=Q3_K),
            "churn_k": uplift_at_k(1 - y, uplift, t, k=Q3_K)}


@facts
def hillstrom() -> dict[str, float]:
    """Question 4: the women's e-mail against the control group among new customers, per assigned customer."""
    everyone = datasets.load_hillstrom()
    h = everyone[everyone["newbie"] == 1]
    arm = {name: g for name, g in h.groupby("segment", observed=True)}
    w, m, c = arm["Womens E-Mail"], arm["Mens E-Mail"], arm["No E-Mail"]

    def per_buyer(g: pd.DataFrame) -> float:
        return float(g["spend"].sum() / g["conversion"].sum())

    rest = h[h["segment"] != "Womens E-Mail"]
    return {"women": float(w["spend"].mean() - c["spend"].mean()),
            "men": float(m["spend"].mean() - c["spend"].mean()),
            "per_buyer": per_buyer(w) - per_buyer(c),
            "vs_rest": float(w["spend"].mean() - rest["spend"].mean()),
            "women_spend": float(w["spend"].mean()),
            "men_all": float(everyone.loc[everyone["segment"] == "Mens E-Mail", "spend"].mean()
                             - everyone.loc[everyone["segment"] == "No E-Mail", "spend"].mean()),
            "all_customers": float(everyone.loc[everyone["segment"] == "Womens E-Mail", "spend"].mean()
                                   - everyone.loc[everyone["segment"] == "No E-Mail", "spend"].mean()),
            "old_customers": float(everyone.loc[(everyone["newbie"] == 0) & (everyone["segment"] == "Womens E-Mail"),
                                                "spend"].mean()
                                   - everyone.loc[(everyone["newbie"] == 0) & (everyone["segment"] == "No E-Mail"),
                                                  "spend"].mean())}


checker.number(
    "q1", test["monthly_effect"], kind="share_difference", shown_decimals=4,
    hint="Keep the monthly-contract subscribers, then take the offered group's churn rate minus the control group's.",
    traps=[(test["all_effect"], "That is the effect on all subscribers: keep only contract == 'monthly'."),
           (lambda: -test["monthly_effect"](), "Check the sign: offered minus control. The offer lowers churn, "
                                               "so the effect is negative.")],
)

checker.number(
    "q2", test["margin"], kind="number", shown_decimals=3,   # "number": a break-even margin can exceed 1
    hint="Break-even margin = (discounts + 5 $ x offered) / (saves x the churn-weighted mean value per unit of margin, "
         "i.e. the weighted mean of value / MARGIN with weights p6).",
    traps=[(test["margin_chapter"], "That is with the chapter's 2 $ contact: use 5 $."),
           (test["margin_no_contact"], "Add the contacts, 5 $ per subscriber offered, to the costs."),
           (test["margin_plain"], "Weight the value by the churn risk p6: the saves come from subscribers who would "
                                  "have left."),
           (test["margin_six"], "The offer covers three bills: a subscriber who stays pays three, not six."),
           (test["margin_three"], "Charge the bills each offered subscriber actually paid (`bills_paid`): one who "
                                  "cancels early pays fewer."),
           (test["margin_with_margin"], "`value` already includes the 60 % margin: divide it by MARGIN to get the "
                                        "value per unit of margin."),
           (lambda: 100 * test["margin"](), "Give the margin as a share of the bill (0.5 for 50 %), not in percent.")],
)

checker.number(
    "q3", models["gap"], kind="share_difference", shown_decimals=3,
    hint="uplift_at_k(stayed_eval, uplift_scores, treated_eval, k=0.15) minus the same with risk_eval as the scores.",
    traps=[(models["gap_reversed"], "Check the sign: by uplift minus by risk."),
           (models["gap_20"], "That is k = 0.2, the chapter's: pass k=0.15."),
           (models["gap_30"], "That is k = 0.3, the default: pass k=0.15."),
           (models["uplift_k"], "That is the uplift ranking alone: subtract the risk ranking's uplift at 15 %."),
           (models["risk_k"], "That is the risk ranking alone: take the uplift ranking's minus it.")],
)

checker.number(
    "q4", hillstrom["women"], kind="money", shown_decimals=2,
    hint="Keep newbie == 1, then the mean spend of the Womens E-Mail arm minus that of the No E-Mail arm, every "
         "assigned customer counted.",
    traps=[(hillstrom["per_buyer"], "That compares spend per buyer: divide by every assigned customer instead "
                                    "(the mean of spend over the arm)."),
           (hillstrom["men"], "That is the men's e-mail: take segment == 'Womens E-Mail'."),
           (hillstrom["vs_rest"], "The men's e-mail is not a control: compare with the No E-Mail arm only."),
           (hillstrom["women_spend"], "That is the arm's spend per customer: subtract the control group's."),
           (hillstrom["all_customers"], "That is all customers, the chapter's number: keep newbie == 1."),
           (hillstrom["old_customers"], "That is newbie == 0: keep the new customers, newbie == 1."),
           (hillstrom["men_all"], "That is the chapter's men's e-mail on all customers: take the women's e-mail "
                                  "among new customers."),
           (lambda: 1000 * hillstrom["women"](), "Give dollars per customer, not thousandths.")],
)

checker.number(
    "q5", test["break_even"], kind="share", shown_decimals=4,
    hint="cost / value: (0.25 x bill x 3 + 2 $) / value for subscriber 27017.",
    traps=[(test["break_even_no_contact"], "Add the 2 $ contact to the cost."),
           (test["break_even_margin_1"], "The value of a save is the margin (60 %) times the bill times the "
                                         "months ahead in present value: use `value`."),
           (test["break_even_bills"], "If the subscriber stays, they pay all three bills at the reduced price: use 3, "
                                      "not the test's mean."),
           (test["break_even_six"], "The offer covers the next three bills, not six."),
           (test["break_even_chapter"], "That is the chapter's plus subscriber: use subscriber 27017.")],
)

checker.number(
    "q6", test["drop"], kind="share", shown_decimals=3,
    hint="For d = 0.001, 0.002, ...: keep the first d with sample_size(p_control, -d, power=0.9) <= 20,000.",
    traps=[(test["drop_power_08"], "That is at the default power of 0.8: pass power=0.9."),
           (test["drop_per_group"], "sample_size returns the whole test, both groups: compare it with 20,000."),
           (test["drop_double"], "20,000 is the whole test, both groups together: compare the size with 20,000."),
           (lambda: -test["drop"](), "Give the drop as a positive share; the effect passed to sample_size is "
                                     "negative.")],
)

checker.choice(
    "q7", "b", choices="abcd",
    hint="A firm sees one outcome per subscriber: what can a comparison of two random groups say?",
    why_not={
        "a": "Some of them are lost causes, who would have left anyway: an offered subscriber who churned may or "
             "may not have stayed without the offer, and that is never observed.",
        "c": "The arms were drawn at random, and the group was defined by columns measured before the offer: both "
             "arms hold comparable subscribers, so the gap is the offer's effect.",
        "d": "Churn counts cancellations within six renewals: a higher share of churners means more of them leave "
             "in that window, not just earlier.",
    },
)

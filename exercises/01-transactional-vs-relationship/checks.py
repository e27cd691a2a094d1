"""Checks for exercises 01 — Transactional vs relationship marketing: two scorecards.

Expected answers are computed from Boreal with ``relmkt_lib.metrics``, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("01-transactional-vs-relationship")``.
"""

from __future__ import annotations

import math

import pandas as pd

from relmkt_lib import clv, datasets, metrics
from relmkt_lib.exercises import Checker, facts

checker = Checker("01-transactional-vs-relationship")


def _truncated(value, decimals):
    """value cut (not rounded) to decimals: the slip "round, don't truncate" catches."""
    return math.floor(value * 10**decimals) / 10**decimals


def _lift(outcomes, campaign_id, column, cost=None):
    """incremental_lift of one campaign on a True/False column of contact_outcomes."""
    n = outcomes[outcomes["campaign_id"] == campaign_id].groupby("group")[column].agg(["sum", "size"])
    return metrics.incremental_lift(n.loc["treatment", "sum"], n.loc["treatment", "size"],
                                    n.loc["control", "sum"], n.loc["control", "size"], randomised=True, cost=cost)


@facts
def boreal() -> dict:
    """Every number the questions ask about, and the usual wrong turns."""
    tables = datasets.load_boreal()
    contacts, tx, campaigns = tables["contacts"], tables["transactions"], tables["campaigns"]
    card = metrics.campaign_scorecard(contacts, tx, campaigns, campaign_ids=[3, 4, 8]).set_index("campaign_id")
    rel = metrics.relationship_scorecard(contacts, tx, campaigns, randomised=True,
                                         campaign_ids=[3, 4, 8]).set_index("campaign_id")
    out = metrics.contact_outcomes(contacts, tx, campaigns, campaign_ids=[3, 4, 8], horizon_days=365)
    lift3, lift8 = _lift(out, 3, "responded"), _lift(out, 8, "responded")
    sel3 = out[out["campaign_id"] == 3]
    camp = campaigns.set_index("campaign_id")
    treated8 = out[(out["campaign_id"] == 8) & (out["group"] == "treatment")]
    cfo = card.loc[[3, 4], "cost_per_transaction"].idxmin()
    crm = rel.loc[[3, 4], "net_value_per_contact"].idxmax()
    # question 7 says the ranking holds net of the coupons' discounts, as the chapter computes margins
    at_list = metrics.relationship_scorecard(
        contacts, tx.assign(list_value=tx["amount"] / (1 - tx["price_discount"])), campaigns, randomised=True,
        campaign_ids=[3, 4], amount_col="list_value").set_index("campaign_id")
    projected = {g: clv.simple_clv((rel.loc[[3, 4], f"revenue_{g}"] - 0.6 * at_list[f"revenue_{g}"]).to_numpy(),
                                   rel.loc[[3, 4], f"retention_{g}"].to_numpy(), 0.10, timing="start")
                 for g in ("treatment", "control")}
    net = pd.Series(projected["treatment"] - projected["control"], index=[3, 4]) - rel.loc[[3, 4], "cost_per_treated"]
    # the reading after question 7: the coupon's retention lift includes zero, the welcome sequence's does not
    retention3, retention4 = _lift(out, 3, "retained"), _lift(out, 4, "retained")
    # q5's slips: a window that starts one day late (day 31) or one day early (day 29)
    treated8_ids = contacts.loc[(contacts["campaign_id"] == 8) & (contacts["group"] == "treatment"),
                                ["customer_id", "contact_date"]]
    bought8 = treated8_ids.merge(tx[["customer_id", "date"]], on="customer_id")
    day8 = (bought8["date"].dt.normalize() - pd.to_datetime(bought8["contact_date"]).dt.normalize()).dt.days
    window8 = int(camp.loc[8, "response_window_days"])

    def retained8_from(first_day):
        return bought8.loc[(day8 >= first_day) & (day8 <= 364), "customer_id"].nunique() / len(treated8_ids)

    responses3 = card.loc[3, "responses"]
    cost3, contacted3 = card.loc[3, "cost"], card.loc[3, "contacted"]
    incremental3 = lift3["incremental_responses"]  # responses minus control rate x contacted
    control3 = sel3[sel3["group"] == "control"]
    return {
        "rate3": card.loc[3, "response_rate"],
        "rate3_all": sel3["responded"].mean(),
        "cpi3": cost3 / incremental3,
        "cpi3_check": _lift(out, 3, "responded", cost3)["cost_per_incremental_response"],
        "cpr3": card.loc[3, "cost_per_response"],
        "cpt3": card.loc[3, "cost_per_transaction"],
        "cpc3": cost3 / contacted3,
        # q2's slips: the control responders subtracted as a count, the control group paid for, no fixed cost,
        # no cost per contact, the cost divided by the lift (a share), the baseline over every selected customer,
        # the rates rounded to three decimals before multiplying
        "cpi3_count": cost3 / (responses3 - control3["responded"].sum()),
        "cpi3_all_selected": (camp.loc[3, "fixed_cost"] + camp.loc[3, "cost_per_contact"] * len(sel3))
        / incremental3,
        "cpi3_no_fixed": camp.loc[3, "cost_per_contact"] * contacted3 / incremental3,
        "cpi3_fixed_only": camp.loc[3, "fixed_cost"] / incremental3,
        "cpi3_per_lift": cost3 / lift3["absolute_lift"],
        "cpi3_base_all": cost3 / (responses3 - control3["responded"].mean() * len(sel3)),
        "cpi3_rounded_rates": cost3 / ((round(lift3["rate_treatment"], 3) - round(lift3["rate_control"], 3))
                                       * contacted3),
        "lift3": lift3["absolute_lift"],
        "lift3_relative": lift3["relative_lift"],
        "lift3_reading": "a" if lift3["ci_low"] > 0 else ("c" if lift3["ci_high"] < 0 else "b"),
        "window8": window8,
        "retention8_late": retained8_from(window8 + 1),
        "retention8_early": retained8_from(window8 - 1),
        "retention8": rel.loc[8, "retention_treatment"],
        "retention8_control": rel.loc[8, "retention_control"],
        "active8_any": (treated8["horizon_purchases"] > 0).mean(),
        "response8": card.loc[8, "response_rate"],
        "retention8_lift": rel.loc[8, "retention_incremental"],
        "deciders": {(3, 3): "a", (3, 4): "b", (4, 3): "c", (4, 4): "d"}[(cfo, crm)],
        "crm_net_of_discount_agrees": bool(net.idxmax() == crm),
        "retention_lifts_read_right": bool(retention3["ci_low"] <= 0 <= retention3["ci_high"])
        and bool(retention4["ci_low"] > 0) and cfo == 3 and crm == 4,
        # share of campaign 8's treated response rate that its control group reached without the email
        "baseline_share8": lift8["rate_control"] / lift8["rate_treatment"],
        # the explanation of question 8 says both of campaign 8's intervals include zero
        "lifts8_include_zero": bool(lift8["ci_low"] <= 0 <= lift8["ci_high"])
        and bool(_lift(out, 8, "retained")["ci_low"] <= 0 <= _lift(out, 8, "retained")["ci_high"]),
    }


def _reading8() -> str:
    """Option b of question 8, as long as the data support it."""
    if boreal()["baseline_share8"] < 0.5:
        raise ValueError("the data changed: campaign 8's control group no longer buys like its treated group; "
                         "revise question 8")
    if not boreal()["lifts8_include_zero"]:
        raise ValueError("the data changed: a lift of campaign 8 (response or retention) no longer includes zero; "
                         "revise the explanation of question 8")
    return "b"


def _deciders() -> str:
    """The letter of question 7, as long as its claims (the ranking holds net of discounts, and the reading of
    the retention intervals after it) are true."""
    if not boreal()["crm_net_of_discount_agrees"]:
        raise ValueError("the data changed: net of the coupon's discount, the relationship ranking of campaigns 3 "
                         "and 4 differs from the library's flat-margin one; revise question 7")
    if not boreal()["retention_lifts_read_right"]:
        raise ValueError("the data changed: the CFO no longer picks campaign 3 and the CRM manager campaign 4, or the "
                         "retention interval of campaign 3 no longer includes zero, or campaign 4's no longer lies "
                         "above zero; revise question 7 and the reading after it")
    return boreal()["deciders"]


# shares and lifts: the master prints the lift table with three decimals; money with two (cents)
checker.number(
    "q1", boreal["rate3"], kind="share", shown_decimals=3,
    hint="Keep the treated customers of campaign 3 only (group == 'treatment'), then divide the number who "
    "responded by the number contacted: metrics.response_rate(responses, contacts).",
    traps=[(boreal["rate3_all"], "You included the control group: only contacted (treated) customers can "
            "respond to a campaign."),
           (lambda: _truncated(boreal()["rate3"], 3), "Round, don't truncate: round the share to 3 decimals "
            "instead of cutting the digits after the third.")],
)

def _cpi3() -> float:
    """The answer of question 2, as long as the two ways to it agree."""
    if not math.isclose(boreal()["cpi3"], boreal()["cpi3_check"]):
        raise ValueError("cost / incremental responses differs from incremental_lift's cost_per_incremental_response")
    return boreal()["cpi3"]


checker.number(
    "q2", _cpi3, kind="money", shown_decimals=2,
    hint="Cost = fixed_cost + cost_per_contact x number of treated customers (controls were not contacted); "
    "incremental responses = treated responders - control response rate x number of treated customers; then "
    "divide the cost by the incremental responses.",
    traps=[
        (boreal["cpr3"], "That is the cost per response: it charges the campaign for every responder, including "
         "those who would have bought anyway; divide the cost by the incremental responses instead."),
        (boreal["cpt3"], "That is the cost per transaction; divide the cost by the incremental responses instead."),
        (boreal["cpc3"], "That is the cost per contacted customer; divide the cost by the incremental responses "
         "instead."),
        (boreal["cpi3_count"], "You subtracted the control group's responders as a count, but the control group "
         "is much smaller than the treated group: subtract the control response rate x the number of treated "
         "customers."),
        (boreal["cpi3_base_all"], "The baseline is for the contacted customers only: multiply the control "
         "response rate by the number of treated customers, not of all selected customers."),
        (boreal["cpi3_all_selected"], "You paid for the control group too: only treated customers were "
         "contacted."),
        (boreal["cpi3_no_fixed"], "You left out the fixed cost (design and set-up): add fixed_cost to the cost."),
        (boreal["cpi3_fixed_only"], "You left out the cost per contact: add cost_per_contact x the number of "
         "treated customers to the fixed cost."),
        (boreal["cpi3_per_lift"], "You divided the cost by the lift, a share; multiply the lift by the number of "
         "treated customers first to get the incremental responses."),
        (boreal["cpi3_rounded_rates"], "You rounded the response rates before using them: keep every digit until "
         "the end, and round only the answer."),
        (lambda: _truncated(_cpi3(), 2), "Round, don't truncate: round to cents instead of cutting the digits "
         "after the second decimal."),
    ],
)

checker.number(
    "q3", boreal["lift3"], kind="share_difference", shown_decimals=3,
    hint="Treated response rate minus control response rate: count responders and customers in each group, "
    "then metrics.incremental_lift(..., randomised=True)['absolute_lift'] (Boreal's control groups are random).",
    traps=[(boreal["lift3_relative"], "That is the relative lift (treated / control - 1); the question asks "
            "for the difference."),
           (lambda: -boreal()["lift3"], "Treated minus control, not the reverse: check the sign.")],
)

checker.choice(
    "q4", boreal["lift3_reading"], choices="abc",
    hint="Look at ci_low and ci_high of your lift: is zero between them?",
)

checker.number(
    "q5", boreal["retention8"], kind="share", shown_decimals=3,
    hint="metrics.relationship_scorecard(..., randomised=True, campaign_ids=[8]) gives retention_treatment: the "
    "share of treated customers who bought after the response window, within 12 months of the contact.",
    traps=[
        (boreal["active8_any"], lambda: "You counted purchases made inside the response window too; retention "
         f"counts a purchase after the window (days {boreal()['window8']} to 364 after the contact for this "
         "campaign)."),
        (boreal["response8"], "That is the response rate, a purchase within the response window."),
        (boreal["retention8_control"], "That is the control group's retention; the question asks about the "
         "treated customers."),
        # at three decimals, starting a day late looks like cutting the right share instead of rounding it
        (boreal["retention8_late"], lambda: "Either you cut the share instead of rounding it (round to 3 "
         f"decimals), or you started a day late: the {boreal()['window8']}-day window covers days 0 to "
         f"{boreal()['window8'] - 1} (day 0 = the contact day), so retention counts days {boreal()['window8']} to "
         "364."),
        (boreal["retention8_early"], lambda: f"Day {boreal()['window8'] - 1} is still inside the response window "
         f"(days 0 to {boreal()['window8'] - 1}); retention counts days {boreal()['window8']} to 364."),
    ],
)

checker.number(
    "q6", boreal["retention8_lift"], kind="share_difference", shown_decimals=3,
    hint="Treated retention minus control retention: retention_incremental in the relationship scorecard.",
    traps=[(boreal["retention8"], "That is the treated retention alone; subtract the control group's retention."),
           (lambda: -boreal()["retention8_lift"], "Treated minus control, not the reverse: check the sign.")],
)

checker.choice(
    "q7", _deciders, choices="abcd",
    hint="Find the lower cost per transaction in the transactional scorecard, and the higher net projected "
    "value per contact in the relationship scorecard.",
)

checker.choice(
    "q8", _reading8, choices="abc",
    hint="Compare campaign 8's control response rate with its treated response rate: what would the treated "
    "customers have done without the email?",
    why_not={
        "a": "No rule says informative content always sells more. Look at the control group.",
        "c": "The cost in the scorecard does include the fixed cost. Look at the control group instead.",
    },
)

"""Checks for exercises 01 — Transactional vs relationship marketing: two scorecards.

Expected answers are computed from Boreal with ``relmkt_lib.metrics``, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("01-transactional-vs-relationship")``.
"""

from __future__ import annotations

from relmkt_lib import datasets, metrics
from relmkt_lib.exercises import Checker, facts

checker = Checker("01-transactional-vs-relationship")


def _lift(outcomes, campaign_id, column):
    """incremental_lift of one campaign on a True/False column of contact_outcomes."""
    n = outcomes[outcomes["campaign_id"] == campaign_id].groupby("group")[column].agg(["sum", "size"])
    return metrics.incremental_lift(n.loc["treatment", "sum"], n.loc["treatment", "size"],
                                    n.loc["control", "sum"], n.loc["control", "size"], randomised=True)


@facts
def boreal() -> dict:
    """Every number the questions ask about, and the usual wrong turns."""
    tables = datasets.load_boreal()
    contacts, tx, campaigns = tables["contacts"], tables["transactions"], tables["campaigns"]
    card = metrics.campaign_scorecard(contacts, tx, campaigns, campaign_ids=[3, 5, 4, 8]).set_index("campaign_id")
    rel = metrics.relationship_scorecard(contacts, tx, campaigns, randomised=True,
                                         campaign_ids=[5, 4, 8]).set_index("campaign_id")
    out = metrics.contact_outcomes(contacts, tx, campaigns, campaign_ids=[3, 8], horizon_days=365)
    lift3, lift8 = _lift(out, 3, "responded"), _lift(out, 8, "responded")
    sel3 = out[out["campaign_id"] == 3]
    camp = campaigns.set_index("campaign_id")
    treated8 = out[(out["campaign_id"] == 8) & (out["group"] == "treatment")]
    cfo = card.loc[[5, 4], "cost_per_transaction"].idxmin()
    crm = rel.loc[[5, 4], "net_value_per_contact"].idxmax()
    responses3 = card.loc[3, "responses"]
    return {
        "rate3": card.loc[3, "response_rate"],
        "rate3_all": sel3["responded"].mean(),
        "cpr3": card.loc[3, "cost_per_response"],
        "cpr3_no_fixed": camp.loc[3, "cost_per_contact"] * card.loc[3, "contacted"] / responses3,
        "cpr3_all_selected": (camp.loc[3, "fixed_cost"] + camp.loc[3, "cost_per_contact"] * len(sel3))
        / responses3,
        "cpc3": card.loc[3, "cost"] / card.loc[3, "contacted"],
        "lift3": lift3["absolute_lift"],
        "lift3_relative": lift3["relative_lift"],
        "lift3_reading": "a" if lift3["ci_low"] > 0 else ("c" if lift3["ci_high"] < 0 else "b"),
        "window8": int(camp.loc[8, "response_window_days"]),
        "retention8": rel.loc[8, "retention_treatment"],
        "retention8_control": rel.loc[8, "retention_control"],
        "active8_any": (treated8["horizon_purchases"] > 0).mean(),
        "response8": card.loc[8, "response_rate"],
        "retention8_lift": rel.loc[8, "retention_incremental"],
        "deciders": {(5, 5): "a", (5, 4): "b", (4, 5): "c", (4, 4): "d"}[(cfo, crm)],
        # share of campaign 8's treated response rate that its control group reached without the email
        "baseline_share8": lift8["rate_control"] / lift8["rate_treatment"],
    }


def _reading8() -> str:
    """Option b of question 8, as long as the data support it."""
    if boreal()["baseline_share8"] < 0.5:
        raise ValueError("the data changed: campaign 8's control group no longer buys like its treated group; "
                         "revise question 8")
    return "b"


# shares and lifts: the master prints the lift table with three decimals; money with two (cents)
checker.number(
    "q1", boreal["rate3"], kind="share", shown_decimals=3,
    hint="Keep the treated customers of campaign 3 only (group == 'treatment'), then divide the number who "
    "responded by the number contacted: metrics.response_rate(responses, contacts).",
    traps=[(boreal["rate3_all"], "You included the control group: only contacted (treated) customers can "
            "respond to a campaign.")],
)

checker.number(
    "q2", boreal["cpr3"], kind="money", shown_decimals=2,
    hint="Cost = fixed_cost + cost_per_contact x number of treated customers (controls were not contacted, "
    "so they cost nothing); then metrics.cost_per_response(cost, responses).",
    traps=[
        (boreal["cpr3_no_fixed"], "You left out the fixed cost (design and set-up): add fixed_cost to the cost."),
        (boreal["cpr3_all_selected"], "You paid for the control group too: only treated customers were contacted."),
        (boreal["cpc3"], "That is the cost per contacted customer; divide the cost by the responses instead."),
    ],
)

checker.number(
    "q3", boreal["lift3"], kind="share_difference", shown_decimals=3,
    hint="Treated response rate minus control response rate: count responders and customers in each group, "
    "then metrics.incremental_lift(..., randomised=True)['absolute_lift'] (Boreal's control groups are random).",
    traps=[(boreal["lift3_relative"], "That is the relative lift (treated / control - 1); the question asks "
            "for the difference.")],
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
    ],
)

checker.number(
    "q6", boreal["retention8_lift"], kind="share_difference", shown_decimals=3,
    hint="Treated retention minus control retention: retention_incremental in the relationship scorecard.",
    traps=[(boreal["retention8"], "That is the treated retention alone; subtract the control group's retention.")],
)

checker.choice(
    "q7", boreal["deciders"], choices="abcd",
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

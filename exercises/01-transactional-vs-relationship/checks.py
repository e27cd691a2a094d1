"""Checks for exercises 01 — Transactional vs relationship marketing: two scorecards.

Expected answers are computed from Boreal with ``relmkt_lib.metrics``, never typed in, so the
checks follow the data. The notebooks load this file with
``relmkt_lib.exercises.load_checks("01-transactional-vs-relationship")``.
"""

from __future__ import annotations

from functools import cache

from relmkt_lib import datasets, metrics
from relmkt_lib.exercises import Checker, Verdict, approx, same_choice

checker = Checker("01-transactional-vs-relationship")


@cache
def _tables():
    boreal = datasets.load_boreal()
    contacts = boreal["contacts"]
    return contacts, boreal["transactions"], boreal["campaigns"]


def _lift(outcomes, campaign_id, column):
    """incremental_lift of one campaign on a True/False column of contact_outcomes."""
    n = outcomes[outcomes["campaign_id"] == campaign_id].groupby("group")[column].agg(["sum", "size"])
    return metrics.incremental_lift(n.loc["treatment", "sum"], n.loc["treatment", "size"],
                                    n.loc["control", "sum"], n.loc["control", "size"])


@cache
def _facts() -> dict:
    """Every number the questions ask about, and the usual wrong turns."""
    contacts, tx, campaigns = _tables()
    card = metrics.campaign_scorecard(contacts, tx, campaigns, campaign_ids=[3, 5, 4, 8])
    card = card.set_index("campaign_id")
    rel = metrics.relationship_scorecard(contacts, tx, campaigns, campaign_ids=[5, 4, 8])
    rel = rel.set_index("campaign_id")
    out = metrics.contact_outcomes(contacts, tx, campaigns, campaign_ids=[3, 8], horizon_days=365)
    lift3, lift8 = _lift(out, 3, "responded"), _lift(out, 8, "responded")
    sel3 = out[out["campaign_id"] == 3]
    camp = campaigns.set_index("campaign_id")
    treated8 = out[(out["campaign_id"] == 8) & (out["group"] == "treatment")]
    cfo = card.loc[[5, 4], "cost_per_transaction"].idxmin()
    crm = rel.loc[[5, 4], "net_value_per_contact"].idxmax()
    letters = {(5, 5): "a", (5, 4): "b", (4, 5): "c", (4, 4): "d"}
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
        "deciders": letters[(cfo, crm)],
        # share of campaign 8's treated response rate that its control group reached without the email
        "baseline_share8": lift8["rate_control"] / lift8["rate_treatment"],
    }


def _share(answer, expected, abs_tol=0.0005):
    """A share between 0 and 1, with a hint when it looks like a percentage."""
    verdict = approx(answer, expected, abs_tol=abs_tol)
    if verdict or verdict.hint:
        return verdict
    if approx(answer, 100 * expected, abs_tol=100 * abs_tol):
        return Verdict(False, "That looks like a percentage: give the share between 0 and 1 (divide by 100).")
    return verdict


@checker.question("q1", hint="Keep the treated customers of campaign 3 only (group == 'treatment'), then "
                  "divide the number who responded by the number contacted: "
                  "metrics.response_rate(responses, contacts).")
def _(answer):
    facts = _facts()
    all_selected = approx(answer, facts["rate3_all"], abs_tol=0.0002)
    if all_selected and not approx(answer, facts["rate3"], abs_tol=0.0002):
        return False, ("You included the control group: only contacted (treated) customers can respond "
                       "to a campaign.")
    return _share(answer, facts["rate3"])


@checker.question("q2", hint="Cost = fixed_cost + cost_per_contact x number of treated customers "
                  "(controls were not contacted, so they cost nothing); then "
                  "metrics.cost_per_response(cost, responses).")
def _(answer):
    facts = _facts()
    wrong = {
        "cpr3_no_fixed": "You left out the fixed cost (design and set-up): add fixed_cost to the cost.",
        "cpr3_all_selected": "You paid for the control group too: only treated customers were contacted.",
        "cpc3": "That is the cost per contacted customer; divide the cost by the responses instead.",
    }
    for key, why in wrong.items():
        if approx(answer, facts[key], abs_tol=0.005):
            return False, why
    return approx(answer, facts["cpr3"], abs_tol=0.005)


@checker.question("q3", hint="Treated response rate minus control response rate: count responders and "
                  "customers in each group, then metrics.incremental_lift(...)['absolute_lift'].")
def _(answer):
    facts = _facts()
    if approx(answer, facts["lift3_relative"], abs_tol=0.0005):
        return False, ("That is the relative lift (treated / control - 1); the question asks for the "
                       "difference.")
    return _share(answer, facts["lift3"])


@checker.question("q4", hint="Look at ci_low and ci_high of your lift: is zero between them?")
def _(answer):
    return same_choice(answer, _facts()["lift3_reading"], choices="abc")


@checker.question("q5", hint="metrics.relationship_scorecard(..., campaign_ids=[8]) gives "
                  "retention_treatment: the share of treated customers who bought after the response "
                  "window, within 12 months of the contact.")
def _(answer):
    facts = _facts()
    if approx(answer, facts["active8_any"], abs_tol=0.0005):
        return False, ("You counted purchases made inside the response window too; retention counts a "
                       f"purchase after the window (days {facts['window8']} to 364 after the contact for "
                       "this campaign).")
    if approx(answer, facts["response8"], abs_tol=0.0005):
        return False, "That is the response rate, a purchase within the response window."
    if approx(answer, facts["retention8_control"], abs_tol=0.0005):
        return False, "That is the control group's retention; the question asks about the treated customers."
    return _share(answer, facts["retention8"])


@checker.question("q6", hint="Treated retention minus control retention: retention_incremental in the "
                  "relationship scorecard.")
def _(answer):
    facts = _facts()
    if approx(answer, facts["retention8"], abs_tol=0.0005):
        return False, "That is the treated retention alone; subtract the control group's retention."
    return _share(answer, facts["retention8_lift"])


@checker.question("q7", hint="Find the lower cost per transaction in the transactional scorecard, and the "
                  "higher net projected value per contact in the relationship scorecard.")
def _(answer):
    return same_choice(answer, _facts()["deciders"], choices="abcd")


@checker.question("q8", hint="Compare campaign 8's control response rate with its treated response rate: "
                  "what would the treated customers have done without the email?")
def _(answer):
    why_not = {
        "a": "No rule says informative content always sells more. Look at the control group.",
        "c": "The cost in the scorecard does include the fixed cost. Look at the control group instead.",
    }
    for option, reason in why_not.items():
        if same_choice(answer, option):
            return False, reason
    if _facts()["baseline_share8"] < 0.5:  # the data no longer support option b: revise the question
        raise ValueError("the data changed: campaign 8's control group no longer buys like its treated group")
    return same_choice(answer, "b", choices="abc")

"""The table-based scorecards of :mod:`relmkt_lib.metrics` (re-exported there).

From Boreal-style tables (contacts with treatment / control groups, transactions, campaigns with
costs), ``campaign_scorecard`` / ``relationship_scorecard`` compute the transactional and
relationship lenses from :func:`contact_outcomes` (in the partner module
``relmkt_lib._campaign_outcomes``, which also checks the tables). Conventions are those of
:mod:`relmkt_lib.metrics`; in particular ``observation_end`` is the last observed day, inclusive,
and ``horizon_days`` is a number of days counted from the contact day (day 0) on, days 0 to
``horizon_days - 1``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._campaign_outcomes import campaign_table, check_column, contact_outcomes
from ._checks import check_positive, check_probability
from .clv import simple_clv

__all__ = ["campaign_scorecard", "relationship_scorecard"]

#: Days in the year that ``annual_discount_rate`` refers to (a 365-day horizon is one year).
DAYS_PER_YEAR = 365


def _ids(campaign_ids: Sequence[int] | None, outcomes: pd.DataFrame) -> list[int]:
    """The campaigns scored, in the order asked (default: by id), each once."""
    chosen = sorted(outcomes["campaign_id"].unique()) if campaign_ids is None else campaign_ids
    return list(dict.fromkeys(int(i) for i in chosen))


def _costs(campaigns: pd.DataFrame, ids: list[int], cost_per_contact: Mapping | None,
           fixed_cost: Mapping | None) -> pd.DataFrame:
    table = campaign_table(campaigns, ["name", "cost_per_contact", "fixed_cost"]).reindex(ids)
    out = table[["name", "cost_per_contact", "fixed_cost"]].copy()
    for col, override in (("cost_per_contact", cost_per_contact), ("fixed_cost", fixed_cost)):
        if override is not None:
            if not isinstance(override, Mapping):
                raise TypeError(f"{col} must be a mapping {{campaign_id: dollars}}, such as {{5: 1.20}}, "
                                f"not {type(override).__name__}")
            for cid, value in override.items():
                if int(cid) not in ids:
                    raise ValueError(f"{col}: campaign {cid!r} is not among the campaigns scored, {ids}")
                out.loc[int(cid), col] = check_positive(value, f"{col}[{cid!r}]", allow_zero=True)
        vals = pd.to_numeric(out[col], errors="coerce").astype(float)
        check_column(out.assign(**{col: vals}), col, "campaigns", ~np.isfinite(vals) | (vals < 0),
                     "are missing or negative", "Costs are dollars >= 0; fix the campaigns table.")
        out[col] = vals
    return out


def _projected_value(margin: pd.Series, retention: pd.Series, discount_rate: float) -> np.ndarray:
    """``clv.simple_clv(margin, retention, discount_rate, timing="start")`` where both are known, else NaN."""
    known = (margin.notna() & retention.notna()).to_numpy()
    out = np.full(len(margin), np.nan)
    if known.any():
        out[known] = simple_clv(margin.to_numpy(float)[known], retention.to_numpy(float)[known], discount_rate,
                                timing="start")
    return out


def _group_means(outcomes: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    means = outcomes.groupby(["campaign_id", "group"])[cols].mean().unstack("group")
    means.columns = [f"{c}_{g}" for c, g in means.columns]
    return means


def campaign_scorecard(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    campaign_ids: Sequence[int] | None = None,
    margin_rate: float = 0.4,
    cost_per_contact: Mapping[int, float] | None = None,
    fixed_cost: Mapping[int, float] | None = None,
    observation_end: Any = None,
) -> pd.DataFrame:
    """The transactional lens: each campaign judged by its treated customers' response window.

    Cost is ``fixed_cost + cost_per_contact * contacted`` (from ``campaigns``, or the overrides
    given as ``{campaign_id: dollars}``). Only the contacted (treated) customers count, as a
    campaign report without a control group would do.

    Parameters
    ----------
    contacts, transactions, campaign_ids, observation_end
        As in :func:`contact_outcomes`.
    campaigns : DataFrame
        ``campaign_id``, ``name``, ``response_window_days``, ``cost_per_contact``, ``fixed_cost``.
    margin_rate : float, default 0.4
        Share of revenue kept as margin, in [0, 1], for the return on cost.
    cost_per_contact, fixed_cost : mapping {campaign_id: dollars}, optional
        Replace the campaigns' own costs (dollars >= 0) for the campaigns listed.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id``, ``name``, ``contacted``, ``responses``,
        ``response_rate``, ``transactions``, ``revenue`` (in the window), ``average_order_value``,
        ``cost``, ``cost_per_response``, ``cost_per_transaction`` (NaN without response) and
        ``roi`` = ``(revenue * margin_rate - cost) / cost`` (NaN for a free campaign).

    Examples
    --------
    >>> from relmkt_lib import datasets
    >>> b = datasets.load_boreal()
    >>> contacts = b["contacts"]
    >>> card = campaign_scorecard(contacts, b["transactions"], b["campaigns"], campaign_ids=[5])
    >>> card[["contacted", "responses", "response_rate", "cost", "cost_per_response"]].round(3)
       contacted  responses  response_rate    cost  cost_per_response
    0       1796        473          0.263  3206.2              6.778
    """
    m = check_probability(margin_rate, "margin_rate")
    out = contact_outcomes(contacts, transactions, campaigns, campaign_ids=campaign_ids,
                           observation_end=observation_end)
    ids = _ids(campaign_ids, out)
    costs = _costs(campaigns, ids, cost_per_contact, fixed_cost)
    t = out[out["group"] == "treatment"].groupby("campaign_id").agg(
        contacted=("customer_id", "size"), responses=("responded", "sum"),
        transactions=("window_purchases", "sum"), revenue=("window_revenue", "sum")).reindex(ids)
    if t["contacted"].isna().any():
        raise ValueError(f"campaign {t.index[t['contacted'].isna()][0]} has no treated contact to score; "
                         "leave it out of campaign_ids")
    card = pd.DataFrame({"campaign_id": ids, "name": costs["name"].to_numpy()})
    for col in ("contacted", "responses", "transactions"):
        card[col] = t[col].to_numpy().astype(np.int64)
    card["response_rate"] = card["responses"] / card["contacted"]
    card["revenue"] = t["revenue"].to_numpy()
    card["average_order_value"] = card["revenue"] / card["transactions"].where(card["transactions"] > 0)
    card["cost"] = costs["fixed_cost"].to_numpy() + costs["cost_per_contact"].to_numpy() * card["contacted"]
    card["cost_per_response"] = card["cost"] / card["responses"].where(card["responses"] > 0)
    card["cost_per_transaction"] = card["cost"] / card["transactions"].where(card["transactions"] > 0)
    card["roi"] = (card["revenue"] * m - card["cost"]) / card["cost"].where(card["cost"] > 0)
    return card


def relationship_scorecard(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    campaign_ids: Sequence[int] | None = None,
    horizon_days: int = DAYS_PER_YEAR,
    margin_rate: float = 0.4,
    annual_discount_rate: float = 0.10,
    cost_per_contact: Mapping[int, float] | None = None,
    fixed_cost: Mapping[int, float] | None = None,
    observation_end: Any = None,
) -> pd.DataFrame:
    """The relationship lens: what each campaign did to its customers over a horizon.

    For treated (``_treatment``) and control (``_control``) customers, and their difference
    (``_incremental``, treated minus control): **retention** (share with a purchase after the
    response window, within the horizon), **purchases** and **revenue** per selected customer
    over the horizon. Then the **projected value** per selected customer,
    ``m (1 + d) / (1 + d - r)`` = the horizon's margin ``m`` plus ``lifetime_value(m, r, d)``,
    that is ``clv.simple_clv(m, r, d, timing="start")``: the margin observed, then later periods
    of the same length kept with probability ``r`` each (the horizon's retention). The period is
    the horizon, so ``d`` is the rate per period converted from the annual rate,
    ``d = (1 + annual_discount_rate)^(horizon_days / 365) - 1``. ``net_value_per_contact`` is the incremental
    projected value minus the campaign's cost per treated customer, and ``equity_added``
    that times the number treated: the customer equity the campaign created.

    Parameters
    ----------
    contacts, transactions, campaign_ids, observation_end
        As in :func:`contact_outcomes`; every campaign's horizon must end by the last date of
        the data, else ``ValueError`` names the campaign, the date and the fix.
    campaigns, margin_rate, cost_per_contact, fixed_cost
        As in :func:`campaign_scorecard`.
    horizon_days : int, default 365
        Length of the relationship lens: the number of days counted from the contact day on
        (365: 12 months), longer than every response window.
    annual_discount_rate : float, default 0.10
        Discount rate per year of the projected value (>= 0); converted to the horizon.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id``, ``name``, ``horizon_days``, ``treatment`` and
        ``control`` (customers), ``retention_*``, ``purchases_*``, ``revenue_*`` (each
        ``_treatment``, ``_control``, ``_incremental``), ``margin_incremental``,
        ``projected_value_*``, ``cost_per_treated``, ``net_value_per_contact``, ``equity_added``.

    Examples
    --------
    >>> from relmkt_lib import datasets
    >>> b = datasets.load_boreal()
    >>> contacts = b["contacts"]
    >>> card = relationship_scorecard(contacts, b["transactions"], b["campaigns"], campaign_ids=[5])
    >>> card[["treatment", "control", "retention_treatment", "retention_control"]].round(3)
       treatment  control  retention_treatment  retention_control
    0       1796      465                0.278              0.273
    """
    m = check_probability(margin_rate, "margin_rate")
    annual = check_positive(annual_discount_rate, "annual_discount_rate", allow_zero=True)
    out = contact_outcomes(contacts, transactions, campaigns, campaign_ids=campaign_ids,
                           horizon_days=horizon_days, observation_end=observation_end)
    ids = _ids(campaign_ids, out)
    costs = _costs(campaigns, ids, cost_per_contact, fixed_cost)
    sizes = out.groupby(["campaign_id", "group"]).size().unstack("group").reindex(ids)
    sizes = sizes.reindex(columns=["treatment", "control"]).fillna(0).astype(np.int64)
    if (sizes["treatment"] == 0).any():
        raise ValueError(f"campaign {sizes.index[sizes['treatment'] == 0][0]} has no treated contact to "
                         "score; leave it out of campaign_ids")
    means = _group_means(out.rename(columns={"horizon_purchases": "purchases", "horizon_revenue": "revenue"}),
                         ["retained", "purchases", "revenue"]).reindex(ids)
    card = pd.DataFrame({"campaign_id": ids, "name": costs["name"].to_numpy(),
                         "horizon_days": int(horizon_days), "treatment": sizes["treatment"].to_numpy(),
                         "control": sizes["control"].to_numpy()})
    for stem, col in (("retention", "retained"), ("purchases", "purchases"), ("revenue", "revenue")):
        for g in ("treatment", "control"):
            missing = pd.Series(np.nan, index=ids)
            card[f"{stem}_{g}"] = means.get(f"{col}_{g}", missing).astype(float).to_numpy()
        card[f"{stem}_incremental"] = card[f"{stem}_treatment"] - card[f"{stem}_control"]
    card["margin_incremental"] = card["revenue_incremental"] * m
    d_h = (1 + annual) ** (int(horizon_days) / DAYS_PER_YEAR) - 1  # the rate per period (the horizon)
    for g in ("treatment", "control"):
        card[f"projected_value_{g}"] = _projected_value(card[f"revenue_{g}"] * m, card[f"retention_{g}"], d_h)
    card["projected_value_incremental"] = card["projected_value_treatment"] - card["projected_value_control"]
    cost = costs["fixed_cost"].to_numpy() + costs["cost_per_contact"].to_numpy() * card["treatment"]
    card["cost_per_treated"] = cost / card["treatment"]
    card["net_value_per_contact"] = card["projected_value_incremental"] - card["cost_per_treated"]
    card["equity_added"] = card["net_value_per_contact"] * card["treatment"]
    return card

"""The table-based scorecards of :mod:`relmkt_lib.metrics` (re-exported there).

From a contact log (campaigns' selected customers, treated or held out as controls), transactions
and a small table of campaign settings (response window, costs), ``campaign_scorecard`` /
``relationship_scorecard`` compute the transactional and relationship lenses from the outcomes of
``relmkt_lib._campaign_outcomes`` (which also checks the tables, and documents the log's columns
and its two layouts, one row per customer and campaign or one row per contact). Conventions are
those of :mod:`relmkt_lib.metrics`; in particular ``observation_end`` is the last observed day,
inclusive, and ``horizon_days`` is a number of days counted from the contact day (day 0) on,
days 0 to ``horizon_days - 1``.

**Costs.** A campaign costs ``fixed_cost + cost_per_contact x n``, where ``n`` counts the treated
customers' contacts (``per="contact"``, the default: each call or mailing is paid) or the treated
customers (``per="customer"``: a price per customer however often they are contacted). With one
row per customer and campaign the two are the same.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._campaign_outcomes import (
    ContactLog,
    campaign_table,
    check_column,
    not_randomised_message,
    outcomes,
    prepare,
    response_windows,
)
from ._checks import check_positive, check_probability, plain
from .clv import simple_clv
from .exceptions import NotRandomisedWarning

__all__ = ["campaign_scorecard", "relationship_scorecard"]

#: Days in the year that ``annual_discount_rate`` refers to (a 365-day horizon is one year).
DAYS_PER_YEAR = 365
#: What a campaign's ``cost_per_contact`` is paid for.
PER = ("contact", "customer")


def _scored(contacts: pd.DataFrame, transactions: pd.DataFrame, campaigns: pd.DataFrame, campaign_ids: Any,
            horizon_days: int | None, observation_end: Any, rows: str, per: str,
            cols: dict[str, Any]) -> tuple[ContactLog, pd.DataFrame]:
    if per not in PER:
        raise ValueError(f"per must be 'contact' (cost_per_contact is paid for each contact) or 'customer' "
                         f"(for each treated customer, however often contacted), not {per!r}")
    log = prepare(contacts, transactions, campaign_ids, observation_end, rows=rows, **cols)
    return log, outcomes(log, response_windows(log, campaigns), horizon_days)


def _costs(campaigns: pd.DataFrame, ids: list[Any], cost_per_contact: Mapping | None,
           fixed_cost: Mapping | None, campaign_col: str) -> pd.DataFrame:
    given = {"cost_per_contact": cost_per_contact, "fixed_cost": fixed_cost}
    for col, override in given.items():
        if override is not None and not isinstance(override, Mapping):
            raise TypeError(f"{col} must be a mapping {{campaign_id: dollars}}, such as {{5: 1.20}}, "
                            f"not {type(override).__name__}")
    needed = [c for c, o in given.items() if o is None or not set(ids) <= set(map(plain, o))]
    table = campaign_table(campaigns, needed, campaign_col=campaign_col).reindex(ids)
    out = pd.DataFrame({"name": table["name"] if "name" in table else pd.Series(ids, index=ids, dtype=object)})
    for col, override in given.items():
        out[col] = table[col] if col in table else np.nan
        for cid, value in (override or {}).items():
            if plain(cid) not in ids:
                raise ValueError(f"{col}: campaign {cid!r} is not among the campaigns scored, {ids}")
            out.loc[plain(cid), col] = check_positive(value, f"{col}[{cid!r}]", allow_zero=True)
        vals = pd.to_numeric(out[col], errors="coerce").astype(float)
        check_column(out.assign(**{col: vals}), col, "campaigns", ~np.isfinite(vals) | (vals < 0),
                     "are missing or negative", "Costs are dollars >= 0; fix the campaigns table.")
        out[col] = vals
    return out


def _cost(costs: pd.DataFrame, customers: pd.Series, contacts: pd.Series, per: str) -> np.ndarray:
    """``fixed_cost + cost_per_contact x n``, n the treated contacts or customers (``per``)."""
    n = (contacts if per == "contact" else customers).to_numpy(float)
    return costs["fixed_cost"].to_numpy() + costs["cost_per_contact"].to_numpy() * n


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


def _randomised(randomised: Any, ids: list[Any], controls: np.ndarray) -> np.ndarray:
    """One flag per campaign; a :class:`NotRandomisedWarning` for campaigns with a control group not said random."""
    if isinstance(randomised, Mapping):
        extra = [k for k in randomised if plain(k) not in ids]
        if extra:
            raise ValueError(f"randomised: campaign {extra[0]!r} is not among the campaigns scored, {ids}")
        stated = [randomised.get(i) for i in ids]
    else:
        stated = [randomised] * len(ids)
    for value in stated:
        not_randomised_message("", value, "")  # checks the type
    flags = np.array([v is True or v is np.True_ for v in stated])
    unsure = [i for i, f, n in zip(ids, flags, controls) if not f and n > 0]
    if unsure:
        first = stated[ids.index(unsure[0])]
        warnings.warn(not_randomised_message(
            f"relationship_scorecard, campaign(s) {unsure}", first,
            "for them the table's randomised column is False, and its _incremental columns, net_value_per_contact "
            "and equity_added are not what the campaign caused"), NotRandomisedWarning, stacklevel=3)
    return flags


def campaign_scorecard(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    campaign_ids: Sequence[Any] | None = None,
    margin_rate: float = 0.4,
    cost_per_contact: Mapping[Any, float] | None = None,
    fixed_cost: Mapping[Any, float] | None = None,
    per: str = "contact",
    observation_end: Any = None,
    rows: str = "customer",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    campaign_col: str = "campaign_id",
    contact_date_col: str = "contact_date",
    group_col: str | None = "group",
) -> pd.DataFrame:
    """The transactional lens: each campaign judged by its treated customers' response window.

    Cost is ``fixed_cost + cost_per_contact x n`` (from ``campaigns``, or the overrides given as
    ``{campaign_id: dollars}``), ``n`` the treated customers' contacts (``per="contact"``) or the
    treated customers (``per="customer"``). Only the contacted (treated) customers count, as a
    campaign report without a control group would do: nothing here is compared with a control
    group, so nothing is an incremental effect (see :func:`relationship_scorecard` and
    :func:`incremental_lift` for that).

    Parameters
    ----------
    contacts, transactions, campaign_ids, observation_end, rows
        As in :func:`contact_outcomes`.
    campaigns : DataFrame
        One row per campaign: its id (``campaign_col``), ``response_window_days``,
        ``cost_per_contact`` and ``fixed_cost`` (dollars; a cost column may be left out when the
        override below gives it for every campaign scored) and optionally ``name`` (default: the id).
    margin_rate : float, default 0.4
        Share of revenue kept as margin, in [0, 1], for the return on cost.
    cost_per_contact, fixed_cost : mapping {campaign_id: dollars}, optional
        Replace the campaigns' own costs (dollars >= 0) for the campaigns listed.
    per : {"contact", "customer"}, default "contact"
        What ``cost_per_contact`` pays for: each contact (a call, a mailing) or each treated
        customer. The same with one row per customer and campaign.
    customer_col, date_col, amount_col, campaign_col, contact_date_col, group_col
        Column names, as in :func:`contact_outcomes`.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id``, ``name``, ``contacted`` (treated customers),
        ``contacts`` (their contacts: more than ``contacted`` when customers were contacted
        several times), ``responses`` (responding customers), ``transactions``,
        ``response_rate`` (responses / contacted customers), ``revenue`` (in the window),
        ``average_order_value``, ``cost``, ``cost_per_response``, ``cost_per_transaction`` (NaN
        without response) and ``roi`` = ``(revenue * margin_rate - cost) / cost`` (NaN for a free
        campaign).

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
    cols = dict(customer_col=customer_col, date_col=date_col, amount_col=amount_col, campaign_col=campaign_col,
                contact_date_col=contact_date_col, group_col=group_col)
    log, out = _scored(contacts, transactions, campaigns, campaign_ids, None, observation_end, rows, per, cols)
    ids = log.ids
    costs = _costs(campaigns, ids, cost_per_contact, fixed_cost, campaign_col)
    t = out[out["group"] == "treatment"].groupby("campaign_id").agg(
        contacted=("customer_id", "size"), contacts=("contacts", "sum"), responses=("responded", "sum"),
        transactions=("window_purchases", "sum"), revenue=("window_revenue", "sum")).reindex(ids)
    if t["contacted"].isna().any():
        raise ValueError(f"campaign {t.index[t['contacted'].isna()][0]!r} has no treated contact to score; "
                         "leave it out of campaign_ids")
    card = pd.DataFrame({"campaign_id": ids, "name": costs["name"].to_numpy()})
    for col in ("contacted", "contacts", "responses", "transactions"):
        card[col] = t[col].to_numpy().astype(np.int64)
    card["response_rate"] = card["responses"] / card["contacted"]
    card["revenue"] = t["revenue"].to_numpy()
    card["average_order_value"] = card["revenue"] / card["transactions"].where(card["transactions"] > 0)
    card["cost"] = _cost(costs, card["contacted"], card["contacts"], per)
    card["cost_per_response"] = card["cost"] / card["responses"].where(card["responses"] > 0)
    card["cost_per_transaction"] = card["cost"] / card["transactions"].where(card["transactions"] > 0)
    card["roi"] = (card["revenue"] * m - card["cost"]) / card["cost"].where(card["cost"] > 0)
    return card


def relationship_scorecard(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    randomised: bool | Mapping[Any, bool] | None = None,
    campaign_ids: Sequence[Any] | None = None,
    horizon_days: int = DAYS_PER_YEAR,
    margin_rate: float = 0.4,
    annual_discount_rate: float = 0.10,
    cost_per_contact: Mapping[Any, float] | None = None,
    fixed_cost: Mapping[Any, float] | None = None,
    per: str = "contact",
    observation_end: Any = None,
    rows: str = "customer",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    campaign_col: str = "campaign_id",
    contact_date_col: str = "contact_date",
    group_col: str | None = "group",
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

    Treated minus control is what the campaign **caused** only when the control group was drawn
    at random (a hold-out test): say so with ``randomised=True``. Otherwise the function warns
    (:class:`relmkt_lib.exceptions.NotRandomisedWarning`) and the ``randomised`` column is False.

    Parameters
    ----------
    contacts, transactions, campaign_ids, observation_end, rows
        As in :func:`contact_outcomes`; every campaign's horizon must end by the last date of
        the data, else ``ValueError`` names the campaign, the date and the fix.
    randomised : bool or mapping {campaign_id: bool}, optional
        True if the control groups were drawn at random (for every campaign, or per campaign);
        False if not; None (default): not said, treated as not randomised (with a warning for
        each campaign that has a control group).
    campaigns, margin_rate, cost_per_contact, fixed_cost, per
        As in :func:`campaign_scorecard`.
    horizon_days : int, default 365
        Length of the relationship lens: the number of days counted from the contact day on
        (365: 12 months), longer than every response window.
    annual_discount_rate : float, default 0.10
        Discount rate per year of the projected value (>= 0); converted to the horizon.
    customer_col, date_col, amount_col, campaign_col, contact_date_col, group_col
        Column names, as in :func:`contact_outcomes`.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id``, ``name``, ``horizon_days``, ``treatment`` and
        ``control`` (customers), ``randomised`` (True when the control group was drawn at random),
        ``retention_*``, ``purchases_*``, ``revenue_*`` (each ``_treatment``, ``_control``,
        ``_incremental``), ``margin_incremental``, ``projected_value_*``, ``cost_per_treated``,
        ``net_value_per_contact``, ``equity_added``.

    Examples
    --------
    >>> from relmkt_lib import datasets
    >>> b = datasets.load_boreal()
    >>> contacts = b["contacts"]
    >>> card = relationship_scorecard(contacts, b["transactions"], b["campaigns"], randomised=True,
    ...                               campaign_ids=[5])
    >>> card[["treatment", "control", "randomised", "retention_treatment", "retention_control"]].round(3)
       treatment  control  randomised  retention_treatment  retention_control
    0       1796      465        True                0.278              0.273
    """
    m = check_probability(margin_rate, "margin_rate")
    annual = check_positive(annual_discount_rate, "annual_discount_rate", allow_zero=True)
    cols = dict(customer_col=customer_col, date_col=date_col, amount_col=amount_col, campaign_col=campaign_col,
                contact_date_col=contact_date_col, group_col=group_col)
    log, out = _scored(contacts, transactions, campaigns, campaign_ids, horizon_days, observation_end, rows, per,
                       cols)
    ids = log.ids
    costs = _costs(campaigns, ids, cost_per_contact, fixed_cost, campaign_col)
    sizes = out.groupby(["campaign_id", "group"]).size().unstack("group").reindex(ids)
    sizes = sizes.reindex(columns=["treatment", "control"]).fillna(0).astype(np.int64)
    if (sizes["treatment"] == 0).any():
        raise ValueError(f"campaign {sizes.index[sizes['treatment'] == 0][0]!r} has no treated contact to "
                         "score; leave it out of campaign_ids")
    flags = _randomised(randomised, ids, sizes["control"].to_numpy())
    treated_contacts = out[out["group"] == "treatment"].groupby("campaign_id")["contacts"].sum().reindex(ids)
    means = _group_means(out.rename(columns={"horizon_purchases": "purchases", "horizon_revenue": "revenue"}),
                         ["retained", "purchases", "revenue"]).reindex(ids)
    card = pd.DataFrame({"campaign_id": ids, "name": costs["name"].to_numpy(),
                         "horizon_days": int(horizon_days), "treatment": sizes["treatment"].to_numpy(),
                         "control": sizes["control"].to_numpy(), "randomised": flags})
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
    cost = _cost(costs, card["treatment"], treated_contacts, per)
    card["cost_per_treated"] = cost / card["treatment"]
    card["net_value_per_contact"] = card["projected_value_incremental"] - card["cost_per_treated"]
    card["equity_added"] = card["net_value_per_contact"] * card["treatment"]
    return card

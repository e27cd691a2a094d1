"""The table-based scorecards of :mod:`relmkt_lib.metrics` (re-exported there).

From Boreal-style tables (contacts with treatment / control groups, transactions, campaigns with
costs), ``contact_outcomes`` follows each selected customer after the contact, ``value_curves``
accumulates revenue day by day, and ``campaign_scorecard`` / ``relationship_scorecard`` compute the
transactional and relationship lenses. Conventions are those of :mod:`relmkt_lib.metrics`; in
particular ``observation_end`` is the last observed day, inclusive, and ``horizon_days`` is a number
of days counted from the contact day (day 0) on, days 0 to ``horizon_days - 1``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, check_positive, check_probability, require_columns
from .clv import simple_clv

__all__ = ["contact_outcomes", "value_curves", "campaign_scorecard", "relationship_scorecard"]

#: Days in the year that ``annual_discount_rate`` refers to (a 365-day horizon is one year).
DAYS_PER_YEAR = 365


def _check_column(df: pd.DataFrame, col: str, name: str, bad: Any, problem: str, fix: str) -> None:
    """The kit's "bad rows" error (:func:`relmkt_lib._checks.bad_rows_error`) if any row is bad."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise bad_rows_error(df, bad, col, problem, fix, name=name)


def _dates(df: pd.DataFrame, col: str, name: str) -> None:
    if not pd.api.types.is_datetime64_any_dtype(df[col]):
        raise ValueError(f"{name} column {col!r} must hold dates (datetime64); convert it with "
                         f"pandas.to_datetime, or load the data with relmkt_lib.datasets")
    _check_column(df, col, name, df[col].isna(), "have no date", "Fill them in or remove those rows.")


def _campaign_table(campaigns: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The campaigns table indexed by campaign_id, after checking each campaign has one row."""
    check_dataframe(campaigns, "campaigns")
    require_columns(campaigns, ["campaign_id", *columns], "campaigns")
    _check_column(campaigns, "campaign_id", "campaigns", campaigns["campaign_id"].duplicated(),
                  "repeat a campaign id", "Keep one row per campaign.")
    return campaigns.set_index("campaign_id")


def _prepare(contacts: pd.DataFrame, transactions: pd.DataFrame, campaign_ids: Sequence[int] | None,
             observation_end: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, list[int]]:
    check_dataframe(contacts, "contacts")
    check_dataframe(transactions, "transactions")
    require_columns(contacts, ["campaign_id", "customer_id", "contact_date", "group"], "contacts")
    require_columns(transactions, ["customer_id", "date", "amount"], "transactions")
    _dates(contacts, "contact_date", "contacts")
    _dates(transactions, "date", "transactions")
    for col in ("campaign_id", "customer_id"):
        _check_column(contacts, col, "contacts", contacts[col].isna(), "are missing",
                      "Fill them in or remove those rows.")
    _check_column(contacts, "group", "contacts", ~contacts["group"].isin(["treatment", "control"]),
                  "are neither 'treatment' nor 'control'", "Label each selected customer 'treatment' "
                  "(contacted) or 'control' (randomly held out).")
    dup = contacts.duplicated(["campaign_id", "customer_id"]).to_numpy()
    _check_column(contacts, "customer_id", "contacts", dup, "repeat a (campaign_id, customer_id) pair",
                  "Each selected customer counts once per campaign: remove the repeats with "
                  "contacts.drop_duplicates(['campaign_id', 'customer_id']).")
    amount = pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(dtype=float)
    _check_column(transactions, "amount", "transactions", ~np.isfinite(amount) | (amount < 0),
                  "are missing, not numbers or negative", "Check the log with "
                  "relmkt_lib.data.validate_transactions (drop_returns=True removes returns).")
    known = sorted(map(int, contacts["campaign_id"].unique()))
    ids = known if campaign_ids is None else list(dict.fromkeys(int(i) for i in campaign_ids))
    missing = [i for i in ids if i not in known]
    if missing or not ids:
        raise ValueError(f"campaign_ids: campaign {missing[0] if missing else '(none)'} has no row in "
                         f"contacts; the campaigns with contacts are {known}")
    end = (transactions["date"].max() if observation_end is None else pd.Timestamp(observation_end)).normalize()
    keep = ["campaign_id", "customer_id", "contact_date", "group"]
    sub = contacts.loc[contacts["campaign_id"].isin(ids), keep]
    sub = sub.assign(contact_date=sub["contact_date"].dt.normalize()).reset_index(drop=True)
    tx = transactions[["customer_id", "date"]].assign(date=transactions["date"].dt.normalize(), amount=amount)
    return sub, tx, end, ids


def _check_end(sub: pd.DataFrame, days: pd.Series, end: pd.Timestamp, what: str, fix: str) -> None:
    """Fail unless every contact's ``days``-day window ends by ``end``; ``fix`` may use {room}."""
    late = (sub["contact_date"] + pd.to_timedelta(days - 1, unit="D") > end).to_numpy()
    if late.any():
        cid = int(sub["campaign_id"][late].iloc[0])
        last = sub.loc[sub["campaign_id"] == cid, "contact_date"].max()
        room = int((end - last).days) + 1
        fits = sorted(set(map(int, sub["campaign_id"])) - set(map(int, sub["campaign_id"][late])))
        raise ValueError(
            f"the {what} of campaign {cid} goes beyond the last date of the data, {end.date()}: its last "
            f"contact is on {last.date()}, and the data cover only {max(room, 0)} day(s) from it. "
            f"{fix.format(room=room)}, or leave campaign {cid} out"
            + (f" (campaign_ids={fits} fit)." if fits else "."))


def contact_outcomes(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    campaign_ids: Sequence[int] | None = None,
    horizon_days: int | None = None,
    observation_end: Any = None,
) -> pd.DataFrame:
    """One row per selected customer and campaign: what they bought after the contact.

    Parameters
    ----------
    contacts : DataFrame
        ``campaign_id``, ``customer_id``, ``contact_date`` (datetime) and ``group``
        ('treatment' or 'control'); each (campaign, customer) once.
    transactions : DataFrame
        ``customer_id``, ``date`` (datetime), ``amount`` (>= 0).
    campaigns : DataFrame
        ``campaign_id`` and ``response_window_days`` (days, >= 1).
    campaign_ids : sequence of int, optional
        The campaigns to keep (default: every campaign in ``contacts``).
    horizon_days : int, optional
        Also measure the relationship over a horizon in days: the number of days counted from
        the contact day on, days 0 to ``horizon_days - 1`` (longer than the window).
    observation_end : date-like, optional
        The last observed day, inclusive (default: the day of the last transaction). Windows and
        horizons must end by it, else ``ValueError`` names the campaign and the fix.

    Returns
    -------
    DataFrame
        ``campaign_id``, ``customer_id``, ``group``, ``contact_date``, ``responded`` (a purchase in
        the window), ``window_purchases``, ``window_revenue``; with a horizon also ``retained``
        (a purchase after the window, within the horizon), ``horizon_purchases``, ``horizon_revenue``.

    Examples
    --------
    >>> d = pd.to_datetime
    >>> contacts = pd.DataFrame({"campaign_id": 1, "customer_id": [1, 2], "group": ["treatment", "control"],
    ...                          "contact_date": d(["2024-01-01"] * 2)})
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [30.0, 20.0, 50.0],
    ...                    "date": d(["2024-01-05", "2024-03-01", "2024-02-01"])})
    >>> camp = pd.DataFrame({"campaign_id": [1], "response_window_days": [21]})
    >>> out = contact_outcomes(contacts, tx, camp, horizon_days=365, observation_end="2024-12-31")
    >>> out[["responded", "retained", "horizon_revenue"]]
       responded  retained  horizon_revenue
    0       True      True             50.0
    1      False      True             50.0
    """
    sub, tx, end, _ = _prepare(contacts, transactions, campaign_ids, observation_end)
    windows = _campaign_table(campaigns, ["response_window_days"])["response_window_days"]
    win = sub["campaign_id"].map(windows)
    _check_column(sub, "campaign_id", "contacts", win.isna(), "have no row in campaigns",
                  "Add those campaigns (with their response_window_days) to the campaigns table.")
    win = win.astype(float)
    _check_column(pd.DataFrame({"response_window_days": win}), "response_window_days", "campaigns",
                  (win < 1) | (win != np.floor(win)), "are not whole numbers of days >= 1",
                  "Fix the windows.")
    win = win.astype(int)
    _check_end(sub, win, end, "response window", "Pass a later observation_end if the data go further")
    if horizon_days is not None:
        h = int(check_positive(horizon_days, "horizon_days"))
        if h != horizon_days or h <= win.max():
            raise ValueError(f"horizon_days must be a whole number of days longer than the response window "
                             f"({int(win.max())} days), got {horizon_days!r}; the default is 365 (12 months)")
        _check_end(sub, pd.Series(h, index=sub.index), end, f"{h}-day horizon", "Pass horizon_days <= {room}")
    pos = sub.assign(row=np.arange(len(sub)), window=win)
    m = pos.merge(tx, on="customer_id")
    day = (m["date"] - m["contact_date"]).dt.days.to_numpy()
    out = sub.copy()
    in_win = (day >= 0) & (day < m["window"].to_numpy())

    def per_row(mask: np.ndarray, values: Any = None) -> np.ndarray:
        w = np.ones(len(m)) if values is None else np.asarray(values, dtype=float)
        return np.bincount(m["row"].to_numpy()[mask], weights=w[mask], minlength=len(sub))

    out["responded"] = per_row(in_win) > 0
    out["window_purchases"] = per_row(in_win).astype(np.int64)
    out["window_revenue"] = per_row(in_win, m["amount"])
    if horizon_days is not None:
        in_h = (day >= 0) & (day < h)
        out["retained"] = per_row(in_h & (day >= m["window"].to_numpy())) > 0
        out["horizon_purchases"] = per_row(in_h).astype(np.int64)
        out["horizon_revenue"] = per_row(in_h, m["amount"])
    return out


def value_curves(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    campaign_ids: Sequence[int] | None = None,
    horizon_days: int = 365,
    observation_end: Any = None,
) -> pd.DataFrame:
    """Cumulative revenue per selected customer, day by day after the contact, by group.

    ``horizon_days`` is the number of days counted from the contact day (day 0) on, and
    ``observation_end`` the last observed day, inclusive, as in :func:`contact_outcomes`.
    Returns a tidy table: ``campaign_id``, ``group``, ``day`` (0 to ``horizon_days - 1``) and
    ``revenue_per_customer`` (revenue from day 0 to ``day``, over every selected customer of the
    group, buyers or not). Treated minus control, day by day, shows when a campaign's extra
    revenue comes: at once and then no more (a purchase pulled forward) or building over time.

    Examples
    --------
    >>> d = pd.to_datetime
    >>> contacts = pd.DataFrame({"campaign_id": 1, "customer_id": [1, 2], "group": ["treatment", "control"],
    ...                          "contact_date": d(["2024-01-01"] * 2)})
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [30.0, 50.0],
    ...                    "date": d(["2024-01-02", "2024-01-03"])})
    >>> curves = value_curves(contacts, tx, horizon_days=4, observation_end="2024-01-31")
    >>> curves.pivot(index="day", columns="group", values="revenue_per_customer").to_numpy().tolist()
    [[0.0, 0.0], [0.0, 30.0], [50.0, 30.0], [50.0, 30.0]]
    """
    sub, tx, end, ids = _prepare(contacts, transactions, campaign_ids, observation_end)
    h = int(check_positive(horizon_days, "horizon_days"))
    _check_end(sub, pd.Series(h, index=sub.index), end, f"{h}-day horizon", "Pass horizon_days <= {room}")
    m = sub.merge(tx, on="customer_id")
    m["day"] = (m["date"] - m["contact_date"]).dt.days
    m = m[(m["day"] >= 0) & (m["day"] < h)]
    frames = []
    for cid in ids:
        for group in ("treatment", "control"):
            n = int(((sub["campaign_id"] == cid) & (sub["group"] == group)).sum())
            sel = m[(m["campaign_id"] == cid) & (m["group"] == group)]
            daily = np.bincount(sel["day"].to_numpy(), weights=sel["amount"].to_numpy(), minlength=h)
            if n:
                frames.append(pd.DataFrame({"campaign_id": cid, "group": group, "day": np.arange(h),
                                            "revenue_per_customer": daily.cumsum() / n}))
    return pd.concat(frames, ignore_index=True)


def _ids(campaign_ids: Sequence[int] | None, outcomes: pd.DataFrame) -> list[int]:
    """The campaigns scored, in the order asked (default: by id), each once."""
    chosen = sorted(outcomes["campaign_id"].unique()) if campaign_ids is None else campaign_ids
    return list(dict.fromkeys(int(i) for i in chosen))


def _costs(campaigns: pd.DataFrame, ids: list[int], cost_per_contact: Mapping | None,
           fixed_cost: Mapping | None) -> pd.DataFrame:
    table = _campaign_table(campaigns, ["name", "cost_per_contact", "fixed_cost"]).reindex(ids)
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
        _check_column(out.assign(**{col: vals}), col, "campaigns", ~np.isfinite(vals) | (vals < 0),
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

"""What each selected customer did after a campaign's contact (re-exported by :mod:`relmkt_lib.metrics`).

From Boreal-style tables (contacts with treatment / control groups, transactions, campaigns),
``contact_outcomes`` follows each selected customer after the contact and ``value_curves``
accumulates revenue day by day; the scorecards of ``relmkt_lib._scorecards`` are built on them.
Conventions are those of :mod:`relmkt_lib.metrics`; in particular ``observation_end`` is the last
observed day, inclusive, and ``horizon_days`` is a number of days counted from the contact day
(day 0) on, days 0 to ``horizon_days - 1``. Dates may be datetime64 or text such as
"2024-03-01", read by the kit's one date parser (:func:`relmkt_lib._checks.parse_dates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, check_positive, parse_dates, require_columns

__all__ = ["contact_outcomes", "value_curves", "check_column", "campaign_table"]

#: What to do about a date that cannot be read (these functions take no date_format).
_DATE_FIX = ("Fix or remove those rows, or convert the column first with pandas.to_datetime(..., "
             "format='%d/%m/%Y') (or the format your dates use).")


def check_column(df: pd.DataFrame, col: str, name: str, bad: Any, problem: str, fix: str) -> None:
    """The kit's "bad rows" error (:func:`relmkt_lib._checks.bad_rows_error`) if any row is bad."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise bad_rows_error(df, bad, col, problem, fix, name=name)


def campaign_table(campaigns: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The campaigns table indexed by campaign_id, after checking each campaign has one row."""
    check_dataframe(campaigns, "campaigns")
    require_columns(campaigns, ["campaign_id", *columns], "campaigns")
    check_column(campaigns, "campaign_id", "campaigns", campaigns["campaign_id"].duplicated(),
                 "repeat a campaign id", "Keep one row per campaign.")
    return campaigns.set_index("campaign_id")


def _prepare(contacts: pd.DataFrame, transactions: pd.DataFrame, campaign_ids: Sequence[int] | None,
             observation_end: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, list[int]]:
    check_dataframe(contacts, "contacts")
    check_dataframe(transactions, "transactions")
    require_columns(contacts, ["campaign_id", "customer_id", "contact_date", "group"], "contacts")
    require_columns(transactions, ["customer_id", "date", "amount"], "transactions")
    contact_date = parse_dates(contacts, "contact_date", name="contacts", fix=_DATE_FIX)
    date = parse_dates(transactions, "date", name="transactions", fix=_DATE_FIX)
    for col in ("campaign_id", "customer_id"):
        check_column(contacts, col, "contacts", contacts[col].isna(), "are missing",
                     "Fill them in or remove those rows.")
    check_column(contacts, "group", "contacts", ~contacts["group"].isin(["treatment", "control"]),
                 "are neither 'treatment' nor 'control'", "Label each selected customer 'treatment' "
                 "(contacted) or 'control' (randomly held out).")
    dup = contacts.duplicated(["campaign_id", "customer_id"]).to_numpy()
    check_column(contacts, "customer_id", "contacts", dup, "repeat a (campaign_id, customer_id) pair",
                 "Each selected customer counts once per campaign: remove the repeats with "
                 "contacts.drop_duplicates(['campaign_id', 'customer_id']).")
    amount = pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(dtype=float)
    check_column(transactions, "amount", "transactions", ~np.isfinite(amount) | (amount < 0),
                 "are missing, not numbers or negative", "Check the log with "
                 "relmkt_lib.data.validate_transactions (drop_returns=True removes returns).")
    known = sorted(map(int, contacts["campaign_id"].unique()))
    ids = known if campaign_ids is None else list(dict.fromkeys(int(i) for i in campaign_ids))
    missing = [i for i in ids if i not in known]
    if missing or not ids:
        raise ValueError(f"campaign_ids: campaign {missing[0] if missing else '(none)'} has no row in "
                         f"contacts; the campaigns with contacts are {known}")
    end = (date.max() if observation_end is None else pd.Timestamp(observation_end)).normalize()
    keep = ["campaign_id", "customer_id", "contact_date", "group"]
    chosen = contacts["campaign_id"].isin(ids).to_numpy()
    sub = contacts.loc[chosen, keep]
    sub = sub.assign(contact_date=contact_date[chosen].dt.normalize()).reset_index(drop=True)
    tx = transactions[["customer_id", "date"]].assign(date=date.dt.normalize(), amount=amount)
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
        ``campaign_id``, ``customer_id``, ``contact_date`` (datetime64, or text such as
        "2024-03-01") and ``group`` ('treatment' or 'control'); each (campaign, customer) once.
    transactions : DataFrame
        ``customer_id``, ``date`` (datetime64 or text, as ``contact_date``), ``amount`` (>= 0).
        Neither table is modified.
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
    windows = campaign_table(campaigns, ["response_window_days"])["response_window_days"]
    win = sub["campaign_id"].map(windows)
    check_column(sub, "campaign_id", "contacts", win.isna(), "have no row in campaigns",
                 "Add those campaigns (with their response_window_days) to the campaigns table.")
    win = win.astype(float)
    check_column(pd.DataFrame({"response_window_days": win}), "response_window_days", "campaigns",
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

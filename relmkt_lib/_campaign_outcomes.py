"""What each selected customer did after a campaign's contact (re-exported by :mod:`relmkt_lib.metrics`).

From a contact log (who was selected by which campaign, when, and whether they were contacted or
held out as a control), a transaction log and a small table of campaign settings,
``contact_outcomes`` follows each selected customer after the contact and ``value_curves``
accumulates revenue day by day; the scorecards of ``relmkt_lib._scorecards`` are built on them.
Conventions are those of :mod:`relmkt_lib.metrics`; in particular ``observation_end`` is the last
observed day, inclusive, and ``horizon_days`` is a number of days counted from the contact day
(day 0) on, days 0 to ``horizon_days - 1``. Dates may be datetime64 or text such as
"2024-03-01", read by the kit's one date parser (:func:`relmkt_lib._dates.parse_dates`).

**The contact log.** Its columns are named by keyword, in the data layer's words
(``customer_col``, ``campaign_col``, ``contact_date_col``, ``group_col``; ``date_col`` and
``amount_col`` for the transactions); campaign ids may be numbers or text (``'tdep'``). A log has
either one row per customer and campaign (``rows="customer"``, Boreal's) or one row per contact
(``rows="contact"``: a call centre's log, several calls to one customer in one campaign). With
one row per contact, a customer's day 0 is their **first** contact in the campaign and
``contacts`` counts their contacts; customers and contacts are counted separately. Without a
control group (``group_col=None``) every row is a contacted customer.

**Checks.** Both logs get the data layer's checks (:mod:`relmkt_lib._data_checks`): a customer id
that is missing or a placeholder ('NULL', 'N/A', '') and an id column mixing numbers and text are
errors, ids of the two logs that match only once stripped of spaces are a DataWarning, and dates
far from all the others (a 2099 typo) are an error where they would set the end of the data or
start a contact after it, else a DataWarning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._campaign_log import (
    ContactLog,
    campaign_table,
    check_column,
    check_end,
    not_randomised_message,
    prepare,
    sorted_ids,
)
from ._checks import check_positive

__all__ = ["contact_outcomes", "value_curves", "check_column", "campaign_table", "ContactLog", "prepare",
           "not_randomised_message", "sorted_ids"]

#: The keyword arguments naming a contact log's columns, with their defaults (shared by the scorecards).
LOG_COLUMNS = {"customer_col": "customer_id", "date_col": "date", "amount_col": "amount",
               "campaign_col": "campaign_id", "contact_date_col": "contact_date", "group_col": "group"}


def response_windows(log: ContactLog, campaigns: pd.DataFrame) -> pd.Series:
    """Each selected customer's response window in days (from ``campaigns``), checked."""
    windows = campaign_table(campaigns, ["response_window_days"], campaign_col=log.cols["campaign_id"])
    win = log.sub["campaign_id"].map(windows["response_window_days"])
    check_column(log.sub, "campaign_id", "contacts", win.isna(), "have no row in campaigns",
                 "Add those campaigns (with their response_window_days) to the campaigns table, with the same "
                 "kind of id (number or text).")
    win = pd.to_numeric(win, errors="coerce").astype(float)
    check_column(pd.DataFrame({"response_window_days": win}), "response_window_days", "campaigns",
                 ~np.isfinite(win) | (win < 1) | (win != np.floor(win)), "are not whole numbers of days >= 1",
                 "Fix the windows.")
    return win.astype(int)


def outcomes(log: ContactLog, win: pd.Series, horizon_days: int | None) -> pd.DataFrame:
    """Purchases in each selected customer's window (and horizon), in the internal column names."""
    sub, end = log.sub, log.end
    check_end(sub, win, end, "response window", "Pass a later observation_end if the data go further")
    if horizon_days is not None:
        h = int(check_positive(horizon_days, "horizon_days"))
        if isinstance(horizon_days, (bool, np.bool_)) or h != horizon_days or h <= win.max():
            raise ValueError(f"horizon_days must be a whole number of days longer than the response window "
                             f"({int(win.max())} days), got {horizon_days!r}; the default is 365 (12 months)")
        check_end(sub, pd.Series(h, index=sub.index), end, f"{h}-day horizon", "Pass horizon_days <= {room}")
    pos = sub[["customer_id", "contact_date"]].assign(row=np.arange(len(sub)), window=win.to_numpy())
    m = pos.merge(log.tx, on="customer_id")
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


def contact_outcomes(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    campaign_ids: Sequence[Any] | None = None,
    horizon_days: int | None = None,
    observation_end: Any = None,
    rows: str = "customer",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    campaign_col: str = "campaign_id",
    contact_date_col: str = "contact_date",
    group_col: str | None = "group",
) -> pd.DataFrame:
    """One row per selected customer and campaign: what they bought after the contact.

    Parameters
    ----------
    contacts : DataFrame
        The contact log: campaign, customer, contact date (datetime64, or text such as
        "2024-03-01") and group ('treatment' = contacted, 'control' = held out). One row per
        customer and campaign, or one row per contact with ``rows="contact"``.
    transactions : DataFrame
        Customer, date (datetime64 or text, as the contact dates) and amount (>= 0).
        Neither table is modified.
    campaigns : DataFrame
        One row per campaign: its id (in ``campaign_col``) and ``response_window_days`` (days, >= 1).
    campaign_ids : sequence, optional
        The campaigns to keep (default: every campaign in ``contacts``), numbers or text as in the log.
    horizon_days : int, optional
        Also measure the relationship over a horizon in days: the number of days counted from
        the contact day on, days 0 to ``horizon_days - 1`` (longer than the window).
    observation_end : date-like, optional
        The last observed day, inclusive (default: the day of the last transaction). Windows and
        horizons must end by it, else ``ValueError`` names the campaign and the fix.
    rows : {"customer", "contact"}, default "customer"
        What one row of ``contacts`` is: a selected customer of a campaign (a repeated pair is
        an error) or one contact (a call, a mailing): several rows per customer and campaign are
        then allowed, day 0 is the customer's first contact and ``contacts`` counts them.
    customer_col, date_col, amount_col : str, default "customer_id", "date", "amount"
        Columns of both logs (``customer_col``) and of ``transactions``.
    campaign_col, contact_date_col : str, default "campaign_id", "contact_date"
        Columns of ``contacts`` (``campaign_col`` also names the id column of ``campaigns``).
    group_col : str or None, default "group"
        Column of ``contacts`` holding 'treatment' or 'control'; None: no control group, every
        row is a contacted customer.

    Returns
    -------
    DataFrame
        The campaign and customer columns (the caller's names), the contact date (of the first
        contact), ``group``, with ``rows="contact"`` ``contacts`` (contacts to that customer in
        that campaign), ``responded`` (a purchase in the window), ``window_purchases``,
        ``window_revenue``; with a horizon also ``retained`` (a purchase after the window, within
        the horizon), ``horizon_purchases``, ``horizon_revenue``.

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

    A call centre's log, one row per call, text campaign ids and no control group:

    >>> calls = pd.DataFrame({"client": [7, 7, 8], "campaign": "tdep",
    ...                       "called_on": ["2024-05-02", "2024-05-09", "2024-05-03"]})
    >>> deposits = pd.DataFrame({"client": [7], "date": ["2024-05-10"], "amount": [1000.0]})
    >>> camp = pd.DataFrame({"campaign": ["tdep"], "response_window_days": [30]})
    >>> contact_outcomes(calls, deposits, camp, rows="contact", customer_col="client", campaign_col="campaign",
    ...                  contact_date_col="called_on", group_col=None, observation_end="2024-06-30"
    ...                  )[["client", "contacts", "responded"]]
       client  contacts  responded
    0       7         2       True
    1       8         1      False
    """
    log = prepare(contacts, transactions, campaign_ids, observation_end, rows=rows, customer_col=customer_col,
                  date_col=date_col, amount_col=amount_col, campaign_col=campaign_col,
                  contact_date_col=contact_date_col, group_col=group_col)
    out = outcomes(log, response_windows(log, campaigns), horizon_days)
    if rows == "customer":
        out = out.drop(columns="contacts")
    names = {k: v for k, v in log.cols.items() if v is not None}
    return out.rename(columns=names)


def value_curves(
    contacts: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    campaign_ids: Sequence[Any] | None = None,
    horizon_days: int = 365,
    observation_end: Any = None,
    rows: str = "customer",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    campaign_col: str = "campaign_id",
    contact_date_col: str = "contact_date",
    group_col: str | None = "group",
) -> pd.DataFrame:
    """Cumulative revenue per selected customer, day by day after the contact, by group.

    ``horizon_days`` is the number of days counted from the contact day (day 0) on, and
    ``observation_end`` the last observed day, inclusive; the log's columns and ``rows`` are
    as in :func:`contact_outcomes` (with one row per contact, day 0 is a customer's first
    contact). Returns a tidy table: ``campaign_id``, ``group``, ``day`` (0 to
    ``horizon_days - 1``) and ``revenue_per_customer`` (revenue from day 0 to ``day``, over every
    selected customer of the group, buyers or not). Treated minus control, day by day, shows when
    a campaign's extra revenue comes: at once and then no more (a purchase pulled forward) or
    building over time; it is what the campaign caused only if the control group was drawn at random.

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
    log = prepare(contacts, transactions, campaign_ids, observation_end, rows=rows, customer_col=customer_col,
                  date_col=date_col, amount_col=amount_col, campaign_col=campaign_col,
                  contact_date_col=contact_date_col, group_col=group_col)
    sub = log.sub
    h = int(check_positive(horizon_days, "horizon_days"))
    check_end(sub, pd.Series(h, index=sub.index), log.end, f"{h}-day horizon", "Pass horizon_days <= {room}")
    m = sub.merge(log.tx, on="customer_id")
    m["day"] = (m["date"] - m["contact_date"]).dt.days
    m = m[(m["day"] >= 0) & (m["day"] < h)]
    frames = []
    for cid in log.ids:
        for group in ("treatment", "control"):
            n = int(((sub["campaign_id"] == cid) & (sub["group"] == group)).sum())
            sel = m[(m["campaign_id"] == cid) & (m["group"] == group)]
            daily = np.bincount(sel["day"].to_numpy(), weights=sel["amount"].to_numpy(), minlength=h)
            if n:
                frames.append(pd.DataFrame({"campaign_id": cid, "group": group, "day": np.arange(h),
                                            "revenue_per_customer": daily.cumsum() / n}))
    return pd.concat(frames, ignore_index=True)

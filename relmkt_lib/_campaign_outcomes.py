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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, check_positive, plain, require_columns
from ._dates import parse_dates

__all__ = ["contact_outcomes", "value_curves", "check_column", "campaign_table", "ContactLog", "prepare",
           "not_randomised_message", "sorted_ids"]

#: What to do about a date that cannot be read (these functions take no date_format).
_DATE_FIX = ("Fix or remove those rows, or convert the column first with pandas.to_datetime(..., "
             "format='%d/%m/%Y') (or the format your dates use).")
#: The layouts of a contact log: one row per customer and campaign, or one row per contact.
ROWS = ("customer", "contact")
#: The columns of a campaigns table, what each holds.
_SETTINGS = {"response_window_days": "the response window of each campaign, in days",
             "cost_per_contact": "dollars per contact, or pass cost_per_contact={campaign_id: dollars}",
             "fixed_cost": "dollars per campaign, or pass fixed_cost={campaign_id: dollars}"}


def check_column(df: pd.DataFrame, col: str, name: str, bad: Any, problem: str, fix: str) -> None:
    """The kit's "bad rows" error (:func:`relmkt_lib._checks.bad_rows_error`) if any row is bad."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise bad_rows_error(df, bad, col, problem, fix, name=name)


def sorted_ids(ids: Any) -> list[Any]:
    """Campaign ids once each, sorted (numbers or text; mixed kinds keep their order)."""
    ids = list(dict.fromkeys(plain(i) for i in ids))
    try:
        return sorted(ids)
    except TypeError:
        return ids


def not_randomised_message(who: str, randomised: Any, result: str) -> str:
    """Why a treated-minus-control difference is not a causal lift (``randomised`` is False or None)."""
    if randomised is not None and not isinstance(randomised, (bool, np.bool_)):
        raise TypeError(f"randomised must be True (the control group was drawn at random), False (it was not) "
                        f"or None (not said), not {randomised!r}")
    how = ("the groups were not formed at random (randomised=False)" if randomised is not None else
           "it was not said how the groups were formed; pass randomised=True if the control group was "
           "drawn at random, as in a hold-out test")
    return (f"{who}: {how}. Treated minus control is then a difference between two groups of customers who "
            "may differ in more than the contact (customers called once vs called again, for example), not a "
            f"causal (incremental) lift; {result}.")


def _kind_mix(values: pd.Series) -> np.ndarray:
    """Rows holding text in a column whose other rows hold numbers (or the reverse): the smaller kind."""
    if values.dtype != object:
        return np.zeros(len(values), bool)
    text = values.map(lambda v: isinstance(v, (str, bytes))).to_numpy(bool)
    if text.all() or not text.any():
        return np.zeros(len(values), bool)
    return text if text.sum() <= (~text).sum() else ~text


def campaign_table(campaigns: pd.DataFrame, columns: list[str], *, campaign_col: str = "campaign_id"
                   ) -> pd.DataFrame:
    """The campaigns table indexed by campaign id, after checking each campaign has one row."""
    check_dataframe(campaigns, "campaigns")
    require_columns(campaigns, [campaign_col], "campaigns")
    missing = [c for c in columns if c not in campaigns.columns]
    if missing:
        raise ValueError(f"column {missing[0]!r} is missing from campaigns; its columns are "
                         f"{sorted(map(str, campaigns.columns))}. The campaigns table is a small table of "
                         f"settings, one row per campaign: add the column ({_SETTINGS.get(missing[0], '')}).")
    check_column(campaigns, campaign_col, "campaigns", campaigns[campaign_col].duplicated(),
                 "repeat a campaign id", "Keep one row per campaign.")
    return campaigns.set_index(campaign_col).rename_axis("campaign_id")


class ContactLog:
    """A checked contact log: one row per selected customer and campaign (``sub``), the transactions (``tx``)."""

    def __init__(self, sub: pd.DataFrame, tx: pd.DataFrame, end: pd.Timestamp, ids: list[Any],
                 cols: dict[str, str | None], rows: str) -> None:
        self.sub, self.tx, self.end, self.ids, self.cols, self.rows = sub, tx, end, ids, cols, rows


def _end_date(observation_end: Any, default: pd.Timestamp) -> pd.Timestamp:
    """``observation_end`` as a day (tz-aware: its own local day), or an error naming the argument."""
    if observation_end is None:
        return default.normalize()
    try:
        ts = pd.Timestamp(observation_end)
    except (TypeError, ValueError, OverflowError):
        ts = pd.NaT
    if ts is pd.NaT:
        raise ValueError(f"observation_end must be a date such as '2024-12-31' (the last observed day, "
                         f"inclusive), got {observation_end!r}")
    return (ts.tz_localize(None) if ts.tz is not None else ts).normalize()


def _naive(dates: pd.Series) -> pd.Series:
    """Calendar days: a tz-aware date becomes its own local day."""
    return dates.dt.tz_localize(None) if getattr(dates.dt, "tz", None) is not None else dates


def _ids_asked(campaign_ids: Sequence[Any] | None, known: list[Any]) -> list[Any]:
    if campaign_ids is None:
        return known
    if isinstance(campaign_ids, (str, bytes)) or not isinstance(campaign_ids, Sequence | pd.Index | np.ndarray):
        raise TypeError(f"campaign_ids must be a list of campaign ids, such as [5, 4] or ['tdep'], "
                        f"not {campaign_ids!r}")
    ids = list(dict.fromkeys(plain(i) for i in campaign_ids))
    missing = [i for i in ids if i not in known]
    if missing or not ids:
        first = missing[0] if missing else "(none)"
        as_text = [str(k) for k in known]
        hint = ""
        if missing and str(first) in as_text:
            same = known[as_text.index(str(first))]
            hint = f" (the ids in contacts are {type(same).__name__}: write {same!r})"
        raise ValueError(f"campaign_ids: campaign {first!r} has no row in contacts{hint}; the campaigns with "
                         f"contacts are {known}")
    return ids


def prepare(contacts: pd.DataFrame, transactions: pd.DataFrame, campaign_ids: Sequence[Any] | None,
            observation_end: Any, *, rows: str = "customer", customer_col: str = "customer_id",
            date_col: str = "date", amount_col: str = "amount", campaign_col: str = "campaign_id",
            contact_date_col: str = "contact_date", group_col: str | None = "group") -> ContactLog:
    """Check both logs; one row per selected customer and campaign (first contact, number of contacts)."""
    check_dataframe(contacts, "contacts")
    check_dataframe(transactions, "transactions")
    if rows not in ROWS:
        raise ValueError(f"rows must be 'customer' (one row per customer and campaign) or 'contact' (one row "
                         f"per contact, several per customer allowed), not {rows!r}")
    require_columns(contacts, [campaign_col, customer_col, contact_date_col, group_col], "contacts")
    require_columns(transactions, [customer_col, date_col, amount_col], "transactions")
    for df, name, cols in ((contacts, "contacts", [campaign_col, customer_col, contact_date_col, group_col]),
                           (transactions, "transactions", [customer_col, date_col, amount_col])):
        twice = [c for c in cols if c is not None and np.count_nonzero(df.columns == c) > 1]
        if twice:
            raise ValueError(f"{name} has {np.count_nonzero(df.columns == twice[0])} columns named {twice[0]!r}; "
                             "rename or drop the extra ones")
    contact_date = _naive(parse_dates(contacts, contact_date_col, name="contacts", fix=_DATE_FIX))
    date = _naive(parse_dates(transactions, date_col, name="transactions", fix=_DATE_FIX))
    for col in (campaign_col, customer_col):
        check_column(contacts, col, "contacts", contacts[col].isna(), "are missing",
                     "Fill them in or remove those rows.")
        check_column(contacts, col, "contacts", _kind_mix(contacts[col]), "hold text while the others hold numbers "
                     "(or the reverse)", f"Use one kind of id, for example contacts[{col!r}].astype(str).")
    if pd.api.types.is_numeric_dtype(contacts[customer_col]) != pd.api.types.is_numeric_dtype(
            transactions[customer_col]):
        kinds = ["numbers" if pd.api.types.is_numeric_dtype(t[customer_col]) else "text"
                 for t in (contacts, transactions)]
        raise ValueError(f"column {customer_col!r} holds {kinds[0]} in contacts but {kinds[1]} in transactions, "
                         "so no customer would match; convert one of them, for example "
                         f"transactions[{customer_col!r}].astype(str)")
    group = contacts[group_col] if group_col is not None else pd.Series("treatment", index=contacts.index)
    if group_col is not None:
        check_column(contacts, group_col, "contacts", ~group.isin(["treatment", "control"]),
                     "are neither 'treatment' nor 'control'", "Label each selected customer 'treatment' "
                     "(contacted) or 'control' (held out), or pass group_col=None if every row is a contact.")
    amount = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy(dtype=float)
    check_column(transactions, amount_col, "transactions", ~np.isfinite(amount) | (amount < 0),
                 "are missing, not numbers or negative", "Check the log with "
                 "relmkt_lib.data.validate_transactions (drop_returns=True removes returns).")
    log = pd.DataFrame({"campaign_id": contacts[campaign_col], "customer_id": contacts[customer_col],
                        "contact_date": contact_date.dt.normalize(), "group": group}).reset_index(drop=True)
    pair = log.duplicated(["campaign_id", "customer_id"]).to_numpy()
    if rows == "customer":
        check_column(contacts, customer_col, "contacts", pair, f"repeat a ({campaign_col}, {customer_col}) pair",
                     "Each selected customer counts once per campaign: if the table has one row per contact "
                     "(several calls to one customer), pass rows='contact'; if the rows are repeated by "
                     f"mistake, remove them with contacts.drop_duplicates([{campaign_col!r}, {customer_col!r}]).")
    elif pair.any():
        mixed = log.groupby(["campaign_id", "customer_id"], sort=False)["group"].transform("nunique").to_numpy() > 1
        check_column(contacts, customer_col, "contacts", mixed, "are both treated and control in one campaign",
                     "A customer is either contacted or held out in a campaign; fix the group of those rows.")
    known = sorted_ids(log["campaign_id"].unique())
    ids = _ids_asked(campaign_ids, known)
    end = _end_date(observation_end, date.max())
    chosen = log[log["campaign_id"].isin(ids)]
    sub = (chosen.groupby(["campaign_id", "customer_id"], sort=False)
           .agg(contact_date=("contact_date", "min"), group=("group", "first"), contacts=("contact_date", "size"))
           .reset_index()) if rows == "contact" else chosen.assign(contacts=1).reset_index(drop=True)
    tx = pd.DataFrame({"customer_id": transactions[customer_col], "date": date.dt.normalize()}
                      ).reset_index(drop=True).assign(amount=amount)
    cols = {"campaign_id": campaign_col, "customer_id": customer_col, "contact_date": contact_date_col,
            "group": group_col}
    return ContactLog(sub, tx, end, ids, cols, rows)


def _check_end(sub: pd.DataFrame, days: pd.Series, end: pd.Timestamp, what: str, fix: str) -> None:
    """Fail unless every contact's ``days``-day window ends by ``end``; ``fix`` may use {room}."""
    late = (sub["contact_date"] + pd.to_timedelta(days - 1, unit="D") > end).to_numpy()
    if late.any():
        cid = plain(sub["campaign_id"][late].iloc[0])
        last = sub.loc[sub["campaign_id"] == cid, "contact_date"].max()
        room = int((end - last).days) + 1
        fits = [i for i in sorted_ids(sub["campaign_id"]) if i not in set(sub["campaign_id"][late])]
        raise ValueError(
            f"the {what} of campaign {cid!r} goes beyond the last date of the data, {end.date()}: its last "
            f"contact is on {last.date()}, and the data cover only {max(room, 0)} day(s) from it. "
            f"{fix.format(room=room)}, or leave campaign {cid!r} out"
            + (f" (campaign_ids={fits} fit)." if fits else "."))


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
    _check_end(sub, win, end, "response window", "Pass a later observation_end if the data go further")
    if horizon_days is not None:
        h = int(check_positive(horizon_days, "horizon_days"))
        if isinstance(horizon_days, (bool, np.bool_)) or h != horizon_days or h <= win.max():
            raise ValueError(f"horizon_days must be a whole number of days longer than the response window "
                             f"({int(win.max())} days), got {horizon_days!r}; the default is 365 (12 months)")
        _check_end(sub, pd.Series(h, index=sub.index), end, f"{h}-day horizon", "Pass horizon_days <= {room}")
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
    _check_end(sub, pd.Series(h, index=sub.index), log.end, f"{h}-day horizon", "Pass horizon_days <= {room}")
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

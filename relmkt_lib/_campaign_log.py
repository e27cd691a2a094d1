"""A campaign's contact log read and checked against the transaction log (private; used by
:mod:`relmkt_lib._campaign_outcomes` and :mod:`relmkt_lib._scorecards`).

``prepare`` reads both logs with the data layer's checks (customer ids, dates, campaign ids) and
returns a :class:`ContactLog`; ``campaign_table`` checks the campaign settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, first_bad_row, plain, require_columns
from ._data_checks import OUTLYING_GAP_DAYS, check_id_column, outlying_days, report
from ._dates import parse_dates

__all__ = ["check_column", "campaign_table", "ContactLog", "prepare", "not_randomised_message", "sorted_ids",
           "check_end"]


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
    check_column(contacts, campaign_col, "contacts", contacts[campaign_col].isna(), "are missing",
                 "Fill them in or remove those rows.")
    check_column(contacts, campaign_col, "contacts", _kind_mix(contacts[campaign_col]), "hold text while the "
                 "others hold numbers (or the reverse)",
                 f"Use one kind of id, for example contacts[{campaign_col!r}].astype(str).")
    _check_ids(contacts, transactions, customer_col)
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
    _check_dates(contacts, transactions, contact_date, date, end, observation_end is None,
                 contact_date_col, date_col)
    chosen = log[log["campaign_id"].isin(ids)]
    sub = (chosen.groupby(["campaign_id", "customer_id"], sort=False)
           .agg(contact_date=("contact_date", "min"), group=("group", "first"), contacts=("contact_date", "size"))
           .reset_index()) if rows == "contact" else chosen.assign(contacts=1).reset_index(drop=True)
    tx = pd.DataFrame({"customer_id": transactions[customer_col], "date": date.dt.normalize()}
                      ).reset_index(drop=True).assign(amount=amount)
    cols = {"campaign_id": campaign_col, "customer_id": customer_col, "contact_date": contact_date_col,
            "group": group_col}
    return ContactLog(sub, tx, end, ids, cols, rows)


def _check_ids(contacts: pd.DataFrame, transactions: pd.DataFrame, col: str) -> None:
    """The data layer's id checks on both logs: a row without an id (NaN or 'NULL', 'N/A'...) or a column
    mixing numbers and text is an error; ids matching across the logs only once stripped of spaces warn."""
    (c_codes, c_ids, c_text), (t_codes, t_ids, t_text) = (
        check_id_column(df, col, name=name, fix="Remove those rows (they cannot be matched to a customer).")
        for df, name in ((contacts, "contacts"), (transactions, "transactions")))
    if c_text.any() != t_text.any():
        kinds = ["text" if t.any() else "numbers" for t in (c_text, t_text)]
        raise ValueError(f"column {col!r} holds {kinds[0]} in contacts but {kinds[1]} in transactions, "
                         "so no customer would match; convert one of them, for example "
                         f"transactions[{col!r}].astype(str)")
    if not c_text.any():
        return
    c_strip, t_strip = c_ids.str.strip(), t_ids.str.strip()
    if c_strip.equals(c_ids) and t_strip.equals(t_ids):
        return
    lost = [(~ids.isin(other) & stripped.isin(other_stripped)) & (stripped != ids)
            for ids, stripped, other, other_stripped in ((c_ids, c_strip, t_ids, t_strip),
                                                         (t_ids, t_strip, c_ids, c_strip))]
    if not any(f.any() for f in lost):
        return
    n = len(set(c_strip[lost[0]]) | set(t_strip[lost[1]]))
    df, name, codes, ids, flags = next(
        (df, name, codes, ids, f) for df, name, codes, ids, f in ((contacts, "contacts", c_codes, c_ids, lost[0]),
                                                                  (transactions, "transactions", t_codes, t_ids,
                                                                   lost[1])) if f.any())
    k = int(np.flatnonzero(flags)[0])
    row = plain(df.index[int(np.argmax(codes == k))])
    report(f"column {col!r}: {n} customer id(s) of contacts and transactions match only once leading or trailing "
           f"spaces are stripped (the first is {ids[k]!r}, row {row!r} of {name}), so they count as different "
           "customers and those customers' purchases are missed. Strip the spaces in both logs: "
           f"df[{col!r}] = df[{col!r}].str.strip().")


def _check_dates(contacts: pd.DataFrame, transactions: pd.DataFrame, contact_date: pd.Series, date: pd.Series,
                 end: pd.Timestamp, default_end: bool, contact_date_col: str, date_col: str) -> None:
    """The data layer's outlying-date check on both logs' dates: a 2099 typo that would be the end of the data,
    or a contact date far after it, is an error; other outlying dates warn."""
    days = [d.to_numpy().astype("datetime64[D]").view(np.int64) for d in (date, contact_date)]
    late, early = outlying_days(np.concatenate(days))
    n = len(days[0])
    normal = np.concatenate(days)[~(late | early)]
    others = {"end": np.datetime64(int(normal.max()), "D"), "start": np.datetime64(int(normal.min()), "D")
              } if len(normal) else {}
    if default_end and late[:n].any():
        raise bad_rows_error(transactions, late[:n], date_col, f"lie far after the other dates of the data (which "
                             f"end on {others.get('end')}): a typo? The last date of the data, by which windows and "
                             "horizons must end, would be taken from them", "Fix the row, or pass observation_end "
                             "(the last observed day, inclusive).", name="transactions")
    after = (contact_date > end).to_numpy() & (late[n:] | (contact_date - end >= pd.Timedelta(
        days=OUTLYING_GAP_DAYS)).to_numpy())
    if after.any():
        label, _ = first_bad_row(contacts, after)
        more = f" ({int(after.sum())} rows of contacts are as late.)" if after.sum() > 1 else ""
        raise ValueError(f"row {label!r} of contacts has contact date {contact_date[after].iloc[0].date()}, after "
                         f"the last date of the data ({end.date()}): a typo? Fix or remove it.{more}")
    for df, name, col, sl in ((transactions, "transactions", date_col, slice(None, n)),
                              (contacts, "contacts", contact_date_col, slice(n, None))):
        for flags, where, side in ((late[sl], "far after the other dates", "end"),
                                   (early[sl], "far before the other dates, or before 1900", "start")):
            if flags.any():
                label, _ = first_bad_row(df, flags)
                day = (date if name == "transactions" else contact_date)[flags].iloc[0].date()
                bound = f"; the other dates {side} on {others[side]}" if side in others else ""
                report(f"column {col!r} of {name}: {int(flags.sum())} row(s) lie {where} (the first is row "
                       f"{label!r}, {day}{bound}): a typo? Fix or remove them.")


def check_end(sub: pd.DataFrame, days: pd.Series, end: pd.Timestamp, what: str, fix: str) -> None:
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

"""Churn features at a cutoff, with no leakage (private; partner of :mod:`relmkt_lib.churn`).

A churn model learns from the past to score the future, so every feature must be known on the
**cutoff** day: :func:`churn_features` reads purchases, contacts and responses up to the cutoff
(inclusive, as the kit's ``observation_end``) and nothing later; only the label ``churned`` looks
at the ``horizon_days`` days after it. In a non-contractual business (Boreal's shop) nobody
cancels, so "churned" is defined by behaviour: no purchase in the horizon (Neslin et al. 2006,
Ascarza et al. 2018 use such windows).

References
----------
Neslin, S. A., Gupta, S., Kamakura, W., Lu, J. & Mason, C. H. (2006). Defection detection:
measuring and understanding the predictive accuracy of customer churn models. Journal of
Marketing Research 43(2), 204-211.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, plain, require_columns
from ._dates import parse_dates, parse_day
from .data import validate_transactions

__all__ = ["FEATURES", "TREND_WINDOW_DAYS", "churn_features"]

#: Length in days of the two windows the trend compares (the last 90 days and the 90 before).
TREND_WINDOW_DAYS = 90
#: Purchase days needed for a regularity (two gaps); fewer give NaN.
MIN_DAYS_FOR_REGULARITY = 3
#: Default response window of a contact, in days (days 0 to 29 from the contact day).
RESPONSE_WINDOW_DAYS = 30
#: The value of ``group_col`` that marks a held-out (not contacted) customer.
CONTROL_GROUP = "control"
#: The purchase features, in the order of the result's columns.
FEATURES = ("recency_days", "frequency", "monetary", "tenure_days", "trend", "regularity")
_CONTACT_FEATURES = ("contacts", "responses", "days_since_contact")


def _whole_days(value: Any, name: str) -> int:
    """A whole number of days >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise TypeError(f"{name} must be a whole number of days, not {value!r}; pass for example {name}=365")
    if not np.isfinite(value) or value < 1 or value != int(value):
        raise ValueError(f"{name} must be a whole number of days >= 1, got {value!r}; pass for example {name}=365")
    return int(value)


def _purchase_days(transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None,
                   observation_end: Any) -> tuple[pd.DataFrame, pd.Timestamp]:
    """One row per customer and purchase day (``customer``, ``day``, ``amount``), and the last day observed."""
    log = validate_transactions(transactions, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                                observation_end=observation_end)
    days = pd.DataFrame({"customer": log[customer_col].to_numpy(), "day": log[date_col].dt.normalize().to_numpy(),
                         "amount": log[amount_col].to_numpy(dtype="float64") if amount_col else 0.0})
    daily = days.groupby(["customer", "day"], sort=True, as_index=False)["amount"].sum()
    end = days["day"].max() if observation_end is None else parse_day(observation_end, "observation_end")
    return daily, end


def _check_cutoff(cut: pd.Timestamp, horizon: int, first: pd.Timestamp, end: pd.Timestamp, cutoff: Any) -> None:
    """The cutoff must leave purchases before it and a whole horizon of data after it."""
    latest = end - pd.Timedelta(days=horizon)
    if cut < first:
        raise ValueError(f"cutoff={cutoff!r} is before the first purchase of transactions ({first.date()}): "
                         f"no customer is active yet. Pass a cutoff between {first.date()} and {latest.date()}.")
    if cut > latest:
        fix = (f"pass cutoff={str(latest.date())!r} or earlier" if latest >= first
               else "the data are shorter than the horizon")
        raise ValueError(f"cutoff={cutoff!r} with horizon_days={horizon} needs purchases up to "
                         f"{(cut + pd.Timedelta(days=horizon)).date()}, but the data end on {end.date()}: the label "
                         f"would count customers as churned for days nobody observed. {fix[0].upper()}{fix[1:]}, "
                         f"or a shorter horizon_days (at most {max((end - cut).days, 0)} for this cutoff).")


def _purchase_features(before: pd.DataFrame, cut: pd.Timestamp, with_amount: bool) -> pd.DataFrame:
    """Recency, frequency, monetary, tenure, trend and regularity from purchase days on or before ``cut``."""
    g = before.groupby("customer", sort=True)
    n = g.size()
    age = (cut - before["day"]).dt.days
    recent = (age < TREND_WINDOW_DAYS).groupby(before["customer"]).sum()
    previous = ((age >= TREND_WINDOW_DAYS) & (age < 2 * TREND_WINDOW_DAYS)).groupby(before["customer"]).sum()
    both = (recent + previous).to_numpy(dtype="float64")
    trend = np.divide((recent - previous).to_numpy(dtype="float64"), both, out=np.zeros(len(both)), where=both > 0)
    gaps = before["day"].diff().dt.days.where(before["customer"].eq(before["customer"].shift()))
    by = gaps.groupby(before["customer"])
    regularity = (by.std(ddof=0) / by.mean()).where(n >= MIN_DAYS_FOR_REGULARITY)
    out = pd.DataFrame({
        "recency_days": (cut - g["day"].max()).dt.days,
        "frequency": n,
        "monetary": g["amount"].sum() / n,
        "tenure_days": (cut - g["day"].min()).dt.days,
        "trend": trend,
        "regularity": regularity.astype("float64"),
    })
    return out if with_amount else out.drop(columns="monetary")


def _customer_columns(customers: pd.DataFrame, ids: pd.Index, customer_col: str,
                      customer_cols: Sequence[str] | None, taken: set[str], cut: pd.Timestamp) -> pd.DataFrame:
    """The caller's customer attributes (consent, program membership, ...) for ``ids``.

    A date column ``NAME`` becomes ``days_since_NAME`` (days from the date to the cutoff): a model
    reads numbers. A date after the cutoff would leak the future and is refused.
    """
    check_dataframe(customers, "customers")
    cols = [c for c in customers.columns if c != customer_col] if customer_cols is None else list(customer_cols)
    require_columns(customers, [customer_col, *cols], "customers")
    clash = [c for c in cols if c in taken]
    if clash:
        raise ValueError(f"customers has a column {clash[0]!r}, which is also a feature churn_features computes; "
                         "rename it, or leave it out with customer_cols=[...].")
    repeated = customers[customer_col].duplicated(keep=False).to_numpy()
    if repeated.any():
        raise bad_rows_error(customers, repeated, customer_col, "repeat a customer id", "Keep one row per customer "
                             "(for example customers.drop_duplicates(customer_col, keep='last')).", name="customers")
    table = customers.set_index(customer_col)[cols]
    absent = ~ids.isin(table.index)
    if absent.any():
        raise ValueError(f"customers has no row for {int(absent.sum())} customer(s) of transactions active by the "
                         f"cutoff; the first is {plain(ids[absent][0])!r}. Add them to customers, or check that "
                         f"both tables write {customer_col!r} the same way (numbers vs text).")
    table = table.reindex(ids)
    for col in [c for c in cols if pd.api.types.is_datetime64_any_dtype(table[c])]:
        day = table[col].dt.normalize()
        late = (day > cut).to_numpy()
        if late.any():
            raise ValueError(f"customers column {col!r} holds a date after the cutoff {cut.date()} for customer "
                             f"{plain(table.index[late][0])!r} ({day[late].iloc[0].date()}): a feature may only use "
                             "what was known at the cutoff. Leave the column out with customer_cols=[...], or "
                             "rebuild it as of the cutoff.")
        days = (cut - day).dt.days.astype("float64")
        if f"days_since_{col}" in taken or f"days_since_{col}" in table.columns:
            raise ValueError(f"customers column {col!r} would become 'days_since_{col}', which already exists; "
                             "rename one of them.")
        table.insert(table.columns.get_loc(col), f"days_since_{col}", days)
        table = table.drop(columns=col)
    return table


def _contact_features(contacts: pd.DataFrame, before: pd.DataFrame, ids: pd.Index, cut: pd.Timestamp, *,
                      customer_col: str, contact_date_col: str, group_col: str | None, window: int) -> pd.DataFrame:
    """Contacts on or before ``cut``, those followed by a purchase in the window (by ``cut``), days since the last."""
    check_dataframe(contacts, "contacts")
    require_columns(contacts, [customer_col, contact_date_col, group_col], "contacts")
    day = parse_dates(contacts, contact_date_col, name="contacts").dt.normalize()
    keep = (day <= cut).to_numpy().copy()
    if group_col is not None:
        keep &= (contacts[group_col] != CONTROL_GROUP).to_numpy()
    sent = pd.DataFrame({"customer": contacts[customer_col].to_numpy()[keep], "day": day.to_numpy()[keep]})
    sent = sent[sent["customer"].isin(ids)].sort_values("day", kind="stable")
    buys = before[["customer", "day"]].rename(columns={"day": "bought"}).sort_values("bought", kind="stable")
    first_buy = pd.merge_asof(sent, buys, left_on="day", right_on="bought", by="customer", direction="forward")
    responded = ((first_buy["bought"] - first_buy["day"]).dt.days < window).to_numpy()  # NaT compares False
    g = pd.DataFrame({"customer": sent["customer"].to_numpy(), "responded": responded}).groupby("customer")
    out = pd.DataFrame({"contacts": g.size(), "responses": g["responded"].sum()}).reindex(ids)
    out = out.fillna(0).astype("int64")
    out["days_since_contact"] = (cut - sent.groupby("customer")["day"].max()).dt.days.reindex(ids).astype("float64")
    return out


def churn_features(transactions: pd.DataFrame, *, customers: pd.DataFrame | None = None, cutoff: Any,
                   horizon_days: int, customer_col: str = "customer_id", date_col: str = "date",
                   amount_col: str | None = "amount", observation_end: Any = None,
                   customer_cols: Sequence[str] | None = None, contacts: pd.DataFrame | None = None,
                   contact_date_col: str = "contact_date", group_col: str | None = None,
                   response_window_days: int = RESPONSE_WINDOW_DAYS) -> pd.DataFrame:
    """One row per customer active by ``cutoff``: features from data up to it, and the label after it.

    A customer is in the table when they bought at least once on or before ``cutoff`` (an inclusive
    day: a purchase at 15:00 that day is inside). Every feature uses only rows dated on or before
    the cutoff, so changing, adding or deleting later rows never changes them (no leakage); the
    label ``churned`` is True when the customer makes no purchase in (cutoff, cutoff + horizon_days].
    Several purchases on one day count as one purchase day.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase; checked with :func:`relmkt_lib.data.validate_transactions`. Not modified.
    customers : DataFrame, optional
        One row per customer (``customer_col``) with attributes passed through as features:
        consent flags, program membership, acquisition channel... They must be known at the
        cutoff (a consent withdrawn later is leakage: pass its state at the cutoff). Not modified.
    cutoff : date-like
        The last day the features see, inclusive (``"2024-12-31"``).
    horizon_days : int
        Length of the label's window in days, after the cutoff.
    customer_col, date_col, amount_col : str
        Column names (``customer_col`` in every table). ``amount_col=None``: no ``monetary``.
    observation_end : date-like, optional
        The last day the log covers, inclusive; default its last purchase day. The horizon must
        end by it, otherwise quiet customers would be labelled churned for days nobody observed.
    customer_cols : list of str, optional
        Columns of ``customers`` to pass through; default every column but ``customer_col``. A
        date column ``NAME`` comes through as ``days_since_NAME``, the days from the date to the
        cutoff (a date after the cutoff is refused: it would leak the future).
    contacts : DataFrame, optional
        One row per contact (``customer_col``, ``contact_date_col``). Adds ``contacts`` (contacts
        on or before the cutoff), ``responses`` (those followed by a purchase within
        ``response_window_days`` days from the contact day, day 0 included, and by the cutoff:
        a response after the cutoff is not known yet) and ``days_since_contact`` (NaN if never
        contacted). Not modified.
    contact_date_col : str, default "contact_date"
    group_col : str, optional
        Column of ``contacts`` whose value ``"control"`` marks a held-out customer, who was not
        contacted (not counted).
    response_window_days : int, default 30

    Returns
    -------
    DataFrame indexed by ``customer_col`` (sorted), with ``recency_days`` (days from the last
    purchase day to the cutoff), ``frequency`` (purchase days), ``monetary`` (mean spend per
    purchase day), ``tenure_days`` (days from the first purchase day to the cutoff), ``trend``
    ((r - p) / (r + p), in [-1, 1], where r and p count purchase days in the last 90 days and in
    the 90 before; 0 when both are 0), ``regularity`` (coefficient of variation, population
    standard deviation over mean, of the gaps between purchase days: 0 for a clockwork buyer; NaN
    with fewer than 3 purchase days), then the ``customers`` and ``contacts`` columns, and
    ``churned`` (bool).

    Raises
    ------
    ValueError
        A missing column, an unreadable date (named with its first bad row), a cutoff before the
        first purchase or too late to leave a whole horizon, a customer repeated in or absent from
        ``customers``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 1, 2, 1],
    ...                     "date": ["2024-01-01", "2024-01-11", "2024-01-31", "2024-01-20", "2024-02-15"],
    ...                     "amount": [10.0, 20.0, 30.0, 5.0, 8.0]})
    >>> table = churn_features(log, cutoff="2024-01-31", horizon_days=30, observation_end="2024-03-01")
    >>> table[["recency_days", "frequency", "monetary", "tenure_days"]]  # doctest: +NORMALIZE_WHITESPACE
                 recency_days  frequency  monetary  tenure_days
    customer_id
    1                       0          3      20.0           30
    2                      11          1       5.0           11
    >>> table[["trend", "regularity", "churned"]]  # doctest: +NORMALIZE_WHITESPACE
                 trend  regularity  churned
    customer_id
    1              1.0    0.333333    False
    2              1.0         NaN     True
    """
    check_dataframe(transactions, "transactions")
    horizon = _whole_days(horizon_days, "horizon_days")
    window = _whole_days(response_window_days, "response_window_days")
    cut = parse_day(cutoff, "cutoff")
    daily, end = _purchase_days(transactions, customer_col, date_col, amount_col, observation_end)
    _check_cutoff(cut, horizon, daily["day"].min(), end, cutoff)
    before = daily[daily["day"] <= cut]
    out = _purchase_features(before, cut, amount_col is not None)
    ids = out.index
    if customers is not None:
        out = out.join(_customer_columns(customers, ids, customer_col, customer_cols,
                                         set(FEATURES) | set(_CONTACT_FEATURES) | {"churned"}, cut))
    if contacts is not None:
        out = out.join(_contact_features(contacts, before, ids, cut, customer_col=customer_col,
                                         contact_date_col=contact_date_col, group_col=group_col, window=window))
    after = daily["day"].gt(cut) & daily["day"].le(cut + pd.Timedelta(days=horizon))
    out["churned"] = ~ids.isin(daily.loc[after, "customer"])
    out.index.name = customer_col
    return out

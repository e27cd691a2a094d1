"""The dated table of contact rules (private; partner of :mod:`relmkt_lib.contact`).

Canada's anti-spam law (CASL) and the CRTC's Unsolicited Telecommunications Rules, which run the
National Do Not Call List (DNCL), set the periods the consent ledger and the audit apply: how long
implied consent lasts after a purchase or an inquiry, how fast an unsubscribe must be honoured,
when a DNCL registration takes effect, the existing-business-relationship exemption, how fast a
company's internal do-not-call list must be updated, and the calling hours. The values live in
**one dated table**, :func:`rule_table`: each row holds a value with its unit and the days it was
in force (``valid_from``, ``valid_to``; ``valid_to`` NaT = still in force), so the rules as of a
date can be looked up (:func:`rules_as_of`) and a changed rule is a new row, not an edit of code.
A caller may pass a modified copy of the table (``rules=``) to every function that reads it.

Units: ``days``, ``months``, ``years`` (calendar: a purchase on 29 February plus 2 years gives
28 February), ``business_days`` (Monday to Friday; public holidays are **not** counted, so the
kit's deadline can be a day or two earlier than the law's) and ``hour_of_day`` (9.0 = 9:00,
21.5 = 21:30, local time).

The kit teaches the rules; it is not legal advice. The values are those of
``retention-and-contact.md`` (the kit's reference notes), checked against the CRTC's guidance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, require_columns
from ._dates import parse_day

__all__ = ["RULE_COLUMNS", "UNITS", "rule_table", "rule_values", "rules_as_of", "shift_days"]

_CASL = "CASL (S.C. 2010, c. 23), existing business relationship and unsubscribe rules; CRTC guidance"
_DNCL = "CRTC Unsolicited Telecommunications Rules (National Do Not Call List)"
_CASL_START, _DNCL_START, _INTERNAL_CHANGE = "2014-07-01", "2008-09-30", "2014-06-30"

#: The rows of the table: law, rule, value, unit, valid_from, valid_to (None = in force), source.
_RULES: list[tuple[str, str, float, str, str, str | None, str]] = [
    ("CASL", "implied_consent_purchase", 2, "years", _CASL_START, None,
     _CASL + ": a purchase, lease, contract or business opportunity in the last 2 years"),
    ("CASL", "implied_consent_inquiry", 6, "months", _CASL_START, None,
     _CASL + ": an inquiry or application in the last 6 months"),
    ("CASL", "unsubscribe_deadline", 10, "business_days", _CASL_START, None,
     _CASL + ": an unsubscribe is honoured within 10 business days"),
    ("DNCL", "registration_delay", 31, "days", _DNCL_START, None,
     _DNCL + ": a registration takes effect 31 days after registering (permanent since 2014)"),
    ("DNCL", "exemption_purchase", 18, "months", _DNCL_START, None,
     _DNCL + ": existing business relationship, purchase, lease or rental in the last 18 months"),
    ("DNCL", "exemption_inquiry", 6, "months", _DNCL_START, None,
     _DNCL + ": existing business relationship, inquiry in the last 6 months"),
    ("DNCL", "internal_list_deadline", 31, "days", _DNCL_START, "2014-06-29",
     _DNCL + ": a request to a company's internal do-not-call list honoured within 31 days (before 30 June 2014)"),
    ("DNCL", "internal_list_deadline", 14, "days", _INTERNAL_CHANGE, None,
     _DNCL + ": a request to a company's internal do-not-call list honoured within 14 days (from 30 June 2014)"),
    ("DNCL", "weekday_calls_from", 9.0, "hour_of_day", _DNCL_START, None, _DNCL + ": weekdays 9:00-21:30"),
    ("DNCL", "weekday_calls_until", 21.5, "hour_of_day", _DNCL_START, None, _DNCL + ": weekdays 9:00-21:30"),
    ("DNCL", "weekend_calls_from", 10.0, "hour_of_day", _DNCL_START, None, _DNCL + ": weekends 10:00-18:00"),
    ("DNCL", "weekend_calls_until", 18.0, "hour_of_day", _DNCL_START, None, _DNCL + ": weekends 10:00-18:00"),
]
#: The table's columns, in order.
RULE_COLUMNS = ("law", "rule", "value", "unit", "valid_from", "valid_to", "source")
#: The units a rule's value may have.
UNITS = ("days", "months", "years", "business_days", "hour_of_day")


def rule_table() -> pd.DataFrame:
    """The dated rule table (a new copy each call: edit it and pass it as ``rules=`` to try a change).

    Returns
    -------
    DataFrame
        One row per rule and period of validity: ``law`` (CASL or DNCL), ``rule``, ``value``,
        ``unit``, ``valid_from`` and ``valid_to`` (both inclusive days; NaT = still in force),
        ``source``.

    Examples
    --------
    >>> table = rule_table()
    >>> table.loc[table["rule"] == "internal_list_deadline", ["value", "valid_from", "valid_to"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       value valid_from   valid_to
    6   31.0 2008-09-30 2014-06-29
    7   14.0 2014-06-30        NaT
    """
    table = pd.DataFrame(_RULES, columns=list(RULE_COLUMNS))
    table["value"] = table["value"].astype("float64")
    for col in ("valid_from", "valid_to"):
        table[col] = pd.to_datetime(table[col])
    return table


def _checked(rules: pd.DataFrame | None) -> pd.DataFrame:
    """The default table, or the caller's checked (columns, units, dates), as a new frame."""
    if rules is None:
        return rule_table()
    check_dataframe(rules, "rules")
    require_columns(rules, RULE_COLUMNS, "rules")
    table = rules.loc[:, list(RULE_COLUMNS)].copy()
    bad = ~table["unit"].isin(UNITS)
    if bad.any():
        raise ValueError(f"rules has a unit {table['unit'][bad].iloc[0]!r} in row {table.index[bad][0]!r}; "
                         f"the units are {list(UNITS)}")
    table["valid_from"] = pd.to_datetime(table["valid_from"]).dt.normalize()
    table["valid_to"] = pd.to_datetime(table["valid_to"]).dt.normalize()
    if table["valid_from"].isna().any():
        raise ValueError("rules has a row without valid_from; every rule needs the first day it is in force")
    return table


def rules_as_of(day: Any, *, rules: pd.DataFrame | None = None) -> dict[str, float]:
    """The value of every rule in force on ``day`` (inclusive), by rule name.

    Parameters
    ----------
    day : date-like
        The day the rules are read.
    rules : DataFrame, optional
        A rule table such as :func:`rule_table` returns (edited to try a change); default the kit's.

    Returns
    -------
    dict
        ``{rule: value}``; the units are in the table (``rule_table()``).

    Raises
    ------
    ValueError
        ``day`` is before the first rule of the table.

    Examples
    --------
    >>> rules_as_of("2014-06-29")["internal_list_deadline"], rules_as_of("2014-06-30")["internal_list_deadline"]
    (31.0, 14.0)
    >>> rules_as_of("2024-01-15")["implied_consent_purchase"]
    2.0
    >>> rules_as_of("2001-01-01")
    Traceback (most recent call last):
    ...
    ValueError: no contact rule is in force on 2001-01-01: the rule table starts on 2008-09-30. Pass a later day.
    """
    table = _checked(rules)
    when = parse_day(day, "day")
    first = table["valid_from"].min()
    if when < first:
        raise ValueError(f"no contact rule is in force on {when.date()}: the rule table starts on {first.date()}. "
                         "Pass a later day.")
    live = (table["valid_from"] <= when) & (table["valid_to"].isna() | (table["valid_to"] >= when))
    return {str(r): float(v) for r, v in zip(table.loc[live, "rule"], table.loc[live, "value"])}


def rule_values(table: pd.DataFrame, rule: str, days: np.ndarray, *,
                clip_early: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The value and unit of ``rule`` in force on each of ``days`` (datetime64[D]), vectorised.

    With ``clip_early`` a day before the rule's first row takes that first row (a request made
    before the table starts); otherwise such a day, or a day no row covers, is refused.
    """
    rows = table[table["rule"] == rule].sort_values("valid_from")
    if rows.empty:
        raise ValueError(f"the rule table has no rule {rule!r}; add a row for it (see rule_table())")
    starts = rows["valid_from"].to_numpy().astype("datetime64[D]")
    ends = rows["valid_to"].fillna(pd.Timestamp.max.normalize()).to_numpy().astype("datetime64[D]")
    days = np.asarray(days).astype("datetime64[D]")
    at = np.maximum(days, starts[0]) if clip_early else days
    i = np.searchsorted(starts, at, side="right") - 1
    gap = (i < 0) | ~np.isnat(at) & (at > ends[np.maximum(i, 0)])
    gap &= ~np.isnat(at)
    if gap.any():
        first = at[np.flatnonzero(gap)[0]]
        raise ValueError(f"no {rows['law'].iloc[0]} rule {rule!r} is in force on {first}: the rule table covers it "
                         f"from {starts[0]}. Judge a later day, or add a row to the rule table (rules=...).")
    i = np.maximum(i, 0)
    return rows["value"].to_numpy()[i], rows["unit"].to_numpy()[i]


def _add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Calendar months added to days (the day of the month clipped to the month's length)."""
    month = days.astype("datetime64[M]")
    dom = (days - month.astype("datetime64[D]")).astype("int64")
    target = month + months.astype("int64").astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    out = target.astype("datetime64[D]") + np.minimum(dom, length - 1).astype("timedelta64[D]")
    return np.where(np.isnat(days), np.datetime64("NaT", "D"), out)


def shift_days(start: np.ndarray, table: pd.DataFrame, rule: str, at: np.ndarray, *,
               clip_early: bool = False) -> np.ndarray:
    """``start`` (datetime64[D], NaT allowed) plus the period of ``rule`` in force on ``at``, vectorised.

    >>> days = np.array(["2024-02-29", "2024-06-07", "NaT"], dtype="datetime64[D]")
    >>> shift_days(days, rule_table(), "implied_consent_purchase", days)
    array(['2026-02-28', '2026-06-07',        'NaT'], dtype='datetime64[D]')
    >>> shift_days(days[1:2], rule_table(), "unsubscribe_deadline", days[1:2])  # a Friday, + 10 business days
    array(['2024-06-21'], dtype='datetime64[D]')
    """
    start = np.asarray(start).astype("datetime64[D]")
    at = np.broadcast_to(np.asarray(at).astype("datetime64[D]"), start.shape)
    known = ~np.isnat(start)
    out = np.full(start.shape, np.datetime64("NaT", "D"))
    if not known.any():
        return out
    values, units = rule_values(table, rule, at[known], clip_early=clip_early)
    begin = start[known]
    got = np.full(begin.shape, np.datetime64("NaT", "D"))
    for unit in np.unique(units):
        m = units == unit
        n = values[m]
        if unit == "days":
            got[m] = begin[m] + n.astype("int64").astype("timedelta64[D]")
        elif unit in ("months", "years"):
            got[m] = _add_months(begin[m], n * (12 if unit == "years" else 1))
        elif unit == "business_days":
            got[m] = np.busday_offset(begin[m], n.astype("int64"), roll="forward")
        else:
            raise ValueError(f"rule {rule!r} has unit {unit!r}, which is not a period; use days, months, years "
                             "or business_days")
    out[known] = got
    return out

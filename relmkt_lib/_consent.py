"""The consent ledger, the do-not-call rules and the campaign audit (private; partner of :mod:`relmkt_lib.contact`).

**The kit teaches the rules; it is not legal advice.** Canada's anti-spam law (CASL) and the
CRTC's Unsolicited Telecommunications Rules (the National Do Not Call List, DNCL) are applied to a
table of dated **events**, one row per event: ``purchase``, ``inquiry``, ``express_consent``
(an opt-in) and ``withdrawal`` (an unsubscribe, or for the phone a request to be put on the
company's internal do-not-call list), each on a ``channel`` (``email``, ``sms``, ``phone``) or on
every channel when the channel is empty (a purchase or an inquiry concerns every channel). A
purchase log joins the events in one line:
``pd.concat([events, log[["customer_id", "date"]].assign(event="purchase")])``.

Choices the kit makes (each is tested at its boundary days):

- Every period is inclusive at its far end, as the law's "in the last 2 years": implied consent
  from a purchase on day P holds up to and including P + 2 years (an inquiry: + 6 months), and a
  DNCL exemption up to purchase + 18 months (inquiry + 6 months). Calendar months: 29 February +
  2 years is 28 February.
- A withdrawal ends **all** consent on its channel (express and implied) from its day. Only a later
  express consent re-grants it; a later purchase or inquiry does **not** (the kit's cautious reading:
  the unsubscribe is honoured until the customer says yes again). An express consent and a
  withdrawal at the same time: the withdrawal wins.
- "Honoured within N days" deadlines: an unsubscribe must be in effect on the withdrawal day + 10
  business days (Monday to Friday; public holidays are not counted; a weekend request counts from
  the Monday), an internal do-not-call request on its day + 14 days (31 before 30 June 2014, the
  rule in force on the request's day), a DNCL registration on its day + 31 days. A send before the
  deadline is legal but poor practice, a send on or after it a violation.
- Other periods use the rules in force on the day judged (``observation_end``, or a send's day).
- The DNCL: a registered number may be called only with an exemption (existing business
  relationship) or the customer's express consent to be called (a phone ``express_consent``); an
  internal do-not-call request ends both, until a later express consent. Registrations are
  permanent (the rule since 2014); a customer's first registration counts.
- Events dated after ``observation_end`` are refused (the status is read on that day; a later
  event would be leakage or a typo).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, plain, require_columns
from ._contact_rules import _checked, rule_values, shift_days
from ._dates import parse_dates, parse_day

__all__ = ["CHANNELS", "EVENTS", "CampaignAudit", "audit_campaign", "calling_hours_ok", "consent_status",
           "dncl_status"]

#: The event types of a consent ledger.
EVENTS = ("purchase", "inquiry", "express_consent", "withdrawal")
#: The channels; an empty channel means every channel.
CHANNELS = ("email", "sms", "phone")
#: The channels CASL covers (commercial electronic messages).
ELECTRONIC = ("email", "sms")
_PURCHASE, _INQUIRY, _EXPRESS, _WITHDRAWAL = range(4)
_DAY_OFFSET, _DAY_SPAN = 1 << 17, 1 << 18  # a day number in a sortable (customer, day) key
_NAT_D = np.datetime64("NaT", "D")

#: The audit's reasons, allowed first.
REASONS = {"express consent": True, "implied consent (purchase)": True, "implied consent (inquiry)": True,
           "not on the DNCL": True, "DNCL exemption (purchase)": True, "DNCL exemption (inquiry)": True,
           "withdrawn": False, "no consent": False, "internal do-not-call list": False,
           "on the DNCL without exemption": False, "outside calling hours": False}


@dataclass(frozen=True)
class _Ledger:
    """Events sorted by customer code then time; ``channel`` -1 = every channel."""

    ids: pd.Index
    code: np.ndarray
    stamp: np.ndarray
    key: np.ndarray
    kind: np.ndarray
    channel: np.ndarray
    first_registration: np.ndarray  # per customer code, datetime64[D] (NaT = not registered)


def _day_key(code: np.ndarray, days: np.ndarray) -> np.ndarray:
    return code.astype("int64") * _DAY_SPAN + (days.astype("datetime64[D]").astype("int64") + _DAY_OFFSET)


def _ids(df: pd.DataFrame, col: str, name: str) -> np.ndarray:
    ids = df[col]
    if ids.isna().any():
        raise bad_rows_error(df, ids.isna(), col, "have no customer id", "Fill or drop them.", name=name)
    return ids.to_numpy()


def _late(df: pd.DataFrame, days: pd.Series, col: str, end: pd.Timestamp, name: str) -> None:
    late = (days > end).to_numpy()
    if late.any():
        raise bad_rows_error(df, late, col, f"are after observation_end ({end.date()})",
                             "The status is read on observation_end: pass a later observation_end, or drop "
                             "the later rows.", name=name)


def _prepare(events: pd.DataFrame, end: pd.Timestamp, *, customer_col: str, date_col: str, event_col: str,
             channel_col: str, registry: pd.DataFrame | None = None,
             registered_col: str = "registered") -> _Ledger:
    """Check the events (and registry) and sort them into a ledger; nothing of the caller's is modified."""
    check_dataframe(events, "events")
    require_columns(events, [customer_col, date_col, event_col, channel_col], "events")
    ids = _ids(events, customer_col, "events")
    kind = pd.Index(EVENTS).get_indexer(events[event_col]).astype("int8")
    if (kind < 0).any():
        raise bad_rows_error(events, kind < 0, event_col, "hold an unknown event type",
                             f"The event types are {list(EVENTS)}; rename or drop the others.", name="events")
    raw = events[channel_col]
    every = (raw.isna() | raw.astype(str).str.strip().eq("")).to_numpy()
    channel = pd.Index(CHANNELS).get_indexer(raw).astype("int8")
    if ((channel < 0) & ~every).any():
        raise bad_rows_error(events, (channel < 0) & ~every, channel_col, "hold an unknown channel",
                             f"The channels are {list(CHANNELS)}, or empty for every channel.", name="events")
    stamp = parse_dates(events, date_col, name="events")
    _late(events, stamp.dt.normalize(), date_col, end, "events")
    reg_ids, reg_days = np.array([], dtype=ids.dtype), np.array([], dtype="datetime64[D]")
    if registry is not None:
        check_dataframe(registry, "registry")
        require_columns(registry, [customer_col, registered_col], "registry")
        reg_ids = _ids(registry, customer_col, "registry")
        reg = parse_dates(registry, registered_col, name="registry").dt.normalize()
        _late(registry, reg, registered_col, end, "registry")
        reg_days = reg.to_numpy().astype("datetime64[D]")
    codes, uniques = pd.factorize(np.concatenate([ids, reg_ids]) if len(reg_ids) else ids, sort=True)
    code = codes[: len(ids)].astype("int64")
    first = np.full(len(uniques), _NAT_D)
    if len(reg_ids):
        firsts = pd.Series(reg_days).groupby(codes[len(ids):]).min()
        first[firsts.index.to_numpy()] = firsts.to_numpy().astype("datetime64[D]")
    stamps = stamp.to_numpy().astype("datetime64[ns]")
    order = np.lexsort((stamps, code))
    code, stamps = code[order], stamps[order]
    return _Ledger(ids=pd.Index(uniques), code=code, stamp=stamps, key=_day_key(code, stamps), kind=kind[order],
                   channel=channel[order], first_registration=first)


def _last(led: _Ledger, kind: int, channel: str, qcode: np.ndarray, qday: np.ndarray) -> np.ndarray:
    """The time of each queried customer's latest ``kind`` event on ``channel`` dated on or before ``qday``."""
    ch = CHANNELS.index(channel)
    sel = (led.kind == kind) & ((led.channel == ch) | (led.channel == -1))
    key, code, stamp = led.key[sel], led.code[sel], led.stamp[sel]
    i = np.searchsorted(key, _day_key(qcode, qday), side="right") - 1
    ok = (i >= 0) & (qcode >= 0)
    ok[ok] = code[i[ok]] == qcode[ok]
    out = np.full(len(qcode), np.datetime64("NaT", "ns"))
    out[ok] = stamp[i[ok]]
    return out


def _day(stamps: np.ndarray) -> np.ndarray:
    return stamps.astype("datetime64[D]")


def _labels(kind: np.ndarray, days: np.ndarray, show: np.ndarray) -> np.ndarray:
    """"purchase 2024-03-02" where ``show``, "" elsewhere."""
    text = pd.Series(kind, dtype=object) + " " + pd.Series(np.datetime_as_string(days, unit="D"), dtype=object)
    return np.where(show, text.to_numpy(), "").astype(object)


def _consent_at(led: _Ledger, channel: str, qcode: np.ndarray, qday: np.ndarray,
                table: pd.DataFrame, known: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """CASL consent of each (customer, day) on ``channel``: status, basis, expires, may_contact, deadline.

    ``known``: the last day whose withdrawals count (default ``qday``; the day before for a send
    whose same-day withdrawals came after it)."""
    known = qday if known is None else known
    express_t, withdrawn_t = _last(led, _EXPRESS, channel, qcode, qday), _last(led, _WITHDRAWAL, channel, qcode, known)
    purchase, inquiry = (_day(_last(led, k, channel, qcode, qday)) for k in (_PURCHASE, _INQUIRY))
    express = ~np.isnat(express_t) & (np.isnat(withdrawn_t) | (express_t > withdrawn_t))
    withdrawn = ~np.isnat(withdrawn_t) & ~express
    by_purchase = shift_days(purchase, table, "implied_consent_purchase", qday)
    by_inquiry = shift_days(inquiry, table, "implied_consent_inquiry", qday)
    use_inquiry = ~np.isnat(by_inquiry) & (np.isnat(by_purchase) | (by_inquiry > by_purchase))
    expires = np.where(use_inquiry, by_inquiry, by_purchase)
    implied = ~express & ~withdrawn & (expires >= qday)
    status = np.select([express, withdrawn, implied], ["express", "withdrawn", "implied"], "none").astype(object)
    kind = np.where(express, "express_consent", np.where(withdrawn, "withdrawal",
                                                         np.where(use_inquiry, "inquiry", "purchase")))
    day = np.where(express, _day(express_t), np.where(withdrawn, _day(withdrawn_t),
                                                      np.where(use_inquiry, inquiry, purchase)))
    deadline = shift_days(np.where(withdrawn, _day(withdrawn_t), _NAT_D), table, "unsubscribe_deadline",
                          _day(withdrawn_t), clip_early=True)
    return {"status": status, "basis": _labels(kind, day, ~np.isnat(day)),
            "expires": np.where(express | withdrawn, _NAT_D, expires), "may_contact": express | implied,
            "basis_kind": kind, "deadline": deadline}


def _dncl_at(led: _Ledger, qcode: np.ndarray, qday: np.ndarray, table: pd.DataFrame,
             known: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """DNCL state of each (customer, day): registration, exemption, internal list, may_call."""
    known = qday if known is None else known
    registered = np.where(qcode >= 0, led.first_registration[np.maximum(qcode, 0)], _NAT_D)
    effective = shift_days(registered, table, "registration_delay", qday)
    on_dncl = effective <= qday
    purchase, inquiry = (_day(_last(led, k, "phone", qcode, qday)) for k in (_PURCHASE, _INQUIRY))
    by_purchase = shift_days(purchase, table, "exemption_purchase", qday)
    by_inquiry = shift_days(inquiry, table, "exemption_inquiry", qday)
    use_inquiry = ~np.isnat(by_inquiry) & (np.isnat(by_purchase) | (by_inquiry > by_purchase))
    expires = np.where(use_inquiry, by_inquiry, by_purchase)
    express_t, withdrawn_t = _last(led, _EXPRESS, "phone", qcode, qday), _last(led, _WITHDRAWAL, "phone", qcode, known)
    internal = ~np.isnat(withdrawn_t) & (np.isnat(express_t) | (withdrawn_t >= express_t))
    express = ~np.isnat(express_t) & ~internal
    request = np.where(internal, _day(withdrawn_t), _NAT_D)
    honour_by = shift_days(request, table, "internal_list_deadline", request, clip_early=True)
    exemption = ~internal & (expires >= qday)
    return {"on_dncl": on_dncl, "dncl_effective": effective, "exemption": exemption, "exemption_expires": expires,
            "exemption_kind": np.where(use_inquiry, "inquiry", "purchase"), "express_consent": express,
            "internal_dnc": internal, "honour_by": honour_by,
            "may_call": ~internal & (~on_dncl | exemption | express)}


def _channel(channel: Any, allowed: tuple[str, ...], advice: str) -> str:
    if channel not in allowed:
        raise ValueError(f"channel must be one of {list(allowed)}, got {channel!r}{advice}")
    return str(channel)


def consent_status(events: pd.DataFrame, *, observation_end: Any, channel: str = "email",
                   customer_col: str = "customer_id", date_col: str = "date", event_col: str = "event",
                   channel_col: str = "channel", rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each customer's CASL consent on one electronic channel, on ``observation_end`` (inclusive).

    Parameters
    ----------
    events : DataFrame
        One row per event (see the module's notes): ``customer_col``, ``date_col`` (a day or a
        time), ``event_col`` in ``purchase``, ``inquiry``, ``express_consent``, ``withdrawal``, and
        ``channel_col`` (``email``, ``sms``, ``phone``, or empty for every channel). Other columns
        are ignored. Not modified.
    observation_end : date-like
        The day the status is read, inclusive; a later event is refused.
    channel : {"email", "sms"}
        The channel judged (CASL covers electronic messages; for calls see :func:`dncl_status`).
    customer_col, date_col, event_col, channel_col : str
        Column names.
    rules : DataFrame, optional
        The dated rule table (default ``rule_table()``; pass an edited copy to try a change).

    Returns
    -------
    DataFrame
        One row per customer of ``events`` (sorted by id): ``customer_col``, ``status``
        (``express``, ``implied``, ``withdrawn`` or ``none``), ``basis`` (the event behind it, e.g.
        ``"purchase 2024-03-02"``; for ``none``, the implied consent that lapsed, if any),
        ``expires`` (the last day of implied consent; NaT for express consent and withdrawals) and
        ``may_contact`` (bool).

    Raises
    ------
    ValueError
        A missing column, an unknown event type or channel, a missing id or date, an event after
        ``observation_end``, or a day with no rule in force.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "customer_id": [1, 2, 2, 3, 3],
    ...     "date": ["2024-03-02", "2023-01-10", "2024-02-01", "2024-01-05", "2024-05-01"],
    ...     "event": ["purchase", "express_consent", "withdrawal", "withdrawal", "express_consent"],
    ...     "channel": [None, "email", "email", "email", "email"]})
    >>> consent_status(events, observation_end="2024-06-30")  # doctest: +NORMALIZE_WHITESPACE
       customer_id     status                    basis    expires  may_contact
    0            1    implied      purchase 2024-03-02 2026-03-02         True
    1            2  withdrawn       withdrawal 2024-02-01        NaT        False
    2            3    express  express_consent 2024-05-01        NaT         True
    """
    channel = _channel(channel, ELECTRONIC, "; for calls use dncl_status (the DNCL and calling rules)")
    table = _checked(rules)
    end = parse_day(observation_end, "observation_end")
    led = _prepare(events, end, customer_col=customer_col, date_col=date_col, event_col=event_col,
                   channel_col=channel_col)
    qcode = np.arange(len(led.ids), dtype="int64")
    got = _consent_at(led, channel, qcode, np.full(len(qcode), end.to_datetime64().astype("datetime64[D]")), table)
    return pd.DataFrame({customer_col: led.ids, "status": got["status"], "basis": got["basis"],
                         "expires": pd.to_datetime(got["expires"]), "may_contact": got["may_contact"]})


def dncl_status(events: pd.DataFrame, registry: pd.DataFrame, *, observation_end: Any,
                customer_col: str = "customer_id", date_col: str = "date", event_col: str = "event",
                channel_col: str = "channel", registered_col: str = "registered",
                rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Whether each customer may be called on ``observation_end`` under the DNCL rules.

    Parameters
    ----------
    events : DataFrame
        The consent events, as :func:`consent_status` (phone and every-channel rows count). Not modified.
    registry : DataFrame
        The National Do Not Call List registrations of the customers' numbers: one row per
        registration, ``customer_col`` and ``registered_col`` (the day registered). Not modified.
    observation_end : date-like
        The day judged, inclusive; a later event or registration is refused.
    customer_col, date_col, event_col, channel_col, registered_col : str
        Column names.
    rules : DataFrame, optional
        The dated rule table (default ``rule_table()``).

    Returns
    -------
    DataFrame
        One row per customer of ``events`` or ``registry`` (sorted by id): ``on_dncl`` (registered
        and in effect: first registration + 31 days <= the day), ``dncl_effective``, ``exemption``
        (a purchase in the last 18 months or an inquiry in the last 6, and no internal request),
        ``exemption_expires`` (its last day), ``express_consent`` (to be called), ``internal_dnc``
        (asked the company not to call: a phone withdrawal with no later phone express consent;
        never call from its day), ``honour_by`` (the day the law requires it in effect) and
        ``may_call``: not on the internal list, and off the DNCL or exempt or with express consent.

    Examples
    --------
    >>> events = pd.DataFrame({"customer_id": [1, 2], "date": ["2022-12-10", "2024-06-20"],
    ...                        "event": ["purchase", "withdrawal"], "channel": [None, "phone"]})
    >>> registry = pd.DataFrame({"customer_id": [1, 3], "registered": ["2024-01-01", "2024-06-01"]})
    >>> out = dncl_status(events, registry, observation_end="2024-06-30")
    >>> out[["customer_id", "on_dncl", "exemption_expires", "internal_dnc", "honour_by", "may_call"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       customer_id  on_dncl exemption_expires  internal_dnc  honour_by  may_call
    0            1     True        2024-06-10         False        NaT     False
    1            2    False               NaT          True 2024-07-04     False
    2            3    False               NaT         False        NaT      True
    """
    table = _checked(rules)
    end = parse_day(observation_end, "observation_end")
    led = _prepare(events, end, customer_col=customer_col, date_col=date_col, event_col=event_col,
                   channel_col=channel_col, registry=registry, registered_col=registered_col)
    qcode = np.arange(len(led.ids), dtype="int64")
    got = _dncl_at(led, qcode, np.full(len(qcode), end.to_datetime64().astype("datetime64[D]")), table)
    out = pd.DataFrame({customer_col: led.ids})
    for col in ("on_dncl", "dncl_effective", "exemption", "exemption_expires", "express_consent", "internal_dnc",
                "honour_by", "may_call"):
        out[col] = pd.to_datetime(got[col]) if got[col].dtype.kind == "M" else got[col]
    return out


def calling_hours_ok(timestamps: Any, *, rules: pd.DataFrame | None = None) -> np.ndarray:
    """Whether each call time is inside the DNCL calling hours (local time, both ends included).

    Weekdays 9:00-21:30, weekends 10:00-18:00 (the hours in force on each call's day). A value
    with a time zone is read on its own clock. A day without a time (00:00) is outside the hours.

    >>> calling_hours_ok(pd.Series(pd.to_datetime(["2024-06-07 08:59", "2024-06-07 21:30", "2024-06-08 18:01"])))
    array([False,  True, False])
    """
    table = _checked(rules)
    frame = pd.DataFrame({"timestamps": pd.Series(timestamps).reset_index(drop=True)})
    check_dataframe(frame, "timestamps")
    when = parse_dates(frame, "timestamps", name="timestamps")
    day = when.dt.normalize()
    hour = ((when - day) / pd.Timedelta(hours=1)).to_numpy()
    days = day.to_numpy().astype("datetime64[D]")
    weekend = (when.dt.day_of_week >= 5).to_numpy()
    start = np.where(weekend, rule_values(table, "weekend_calls_from", days)[0],
                     rule_values(table, "weekday_calls_from", days)[0])
    stop = np.where(weekend, rule_values(table, "weekend_calls_until", days)[0],
                    rule_values(table, "weekday_calls_until", days)[0])
    return (hour >= start) & (hour <= stop)


@dataclass(frozen=True)
class CampaignAudit:
    """What :func:`audit_campaign` found.

    Attributes
    ----------
    table : DataFrame
        The plan's rows (same index and columns) with ``day_judged``, ``allowed``, ``reason``,
        ``basis`` and, for a past send, ``verdict`` (``ok``, ``legal, poor practice``, ``violation``).
    reasons : DataFrame
        One row per channel and reason: ``allowed``, ``rows``, ``share`` (of the channel's rows).
    excluded : DataFrame
        The rows of ``table`` not allowed.
    violations : DataFrame
        The rows of a past send judged ``violation`` (empty for a planned campaign).
    """

    table: pd.DataFrame
    reasons: pd.DataFrame
    excluded: pd.DataFrame
    violations: pd.DataFrame


def _judge_electronic(led: _Ledger, channel: str, qcode: np.ndarray, qday: np.ndarray,
                      table: pd.DataFrame, known: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    got = _consent_at(led, channel, qcode, qday, table, known)
    status = got["status"]
    reason = np.select([status == "express", status == "implied", status == "withdrawn"],
                       ["express consent", np.where(got["basis_kind"] == "inquiry", "implied consent (inquiry)",
                                                    "implied consent (purchase)"), "withdrawn"],
                       "no consent").astype(object)
    basis = np.where(qcode < 0, "no events on record", got["basis"])
    poor = (status == "withdrawn") & (qday < got["deadline"])
    return reason, basis, poor


def _judge_phone(led: _Ledger, qcode: np.ndarray, qday: np.ndarray, hours_ok: np.ndarray,
                 table: pd.DataFrame, known: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    got = _dncl_at(led, qcode, qday, table, known)
    exempt = np.where(got["exemption_kind"] == "inquiry", "DNCL exemption (inquiry)", "DNCL exemption (purchase)")
    reason = np.select(
        [~hours_ok, got["internal_dnc"], got["on_dncl"] & got["express_consent"], got["on_dncl"] & got["exemption"],
         got["on_dncl"]],
        ["outside calling hours", "internal do-not-call list", "express consent", exempt,
         "on the DNCL without exemption"], "not on the DNCL").astype(object)
    registered = np.datetime_as_string(got["dncl_effective"], unit="D")
    shown = np.where(got["internal_dnc"], "in effect by " + np.datetime_as_string(got["honour_by"], unit="D"),
                     np.where(got["on_dncl"], "on the DNCL from " + registered.astype(object), ""))
    basis = np.where(qcode < 0, "no events on record", shown.astype(object))
    poor = got["internal_dnc"] & hours_ok & (qday < got["honour_by"])
    return reason, basis, poor


def audit_campaign(plan: pd.DataFrame, events: pd.DataFrame, *, registry: pd.DataFrame | None = None,
                   observation_end: Any = None, sent_col: str | None = None, customer_col: str = "customer_id",
                   date_col: str = "date", event_col: str = "event", channel_col: str = "channel",
                   registered_col: str = "registered", same_day: str = "after",
                   rules: pd.DataFrame | None = None) -> CampaignAudit:
    """Who may be contacted by which channel in a campaign, who is excluded and why, and a past send's violations.

    A **planned** campaign (``sent_col=None``) is judged on ``observation_end``. A **past send**
    (``sent_col`` names the plan's send day or time) judges each row on its own day, with the events
    dated up to that day; a send after a withdrawal but before its legal deadline is ``legal, poor
    practice``, on or after it a ``violation``. E-mail and SMS follow CASL (:func:`consent_status`);
    calls follow the DNCL (:func:`dncl_status`; without ``registry`` nobody is on the DNCL) and,
    when the send column holds times of day, the calling hours. A customer of the plan with no
    event is judged on no record: ``no consent`` for a message (the sender must be able to prove
    consent). The kit teaches the rules; it is not legal advice.

    Parameters
    ----------
    plan : DataFrame
        One row per customer and channel contacted: ``customer_col``, ``channel_col`` and, for a
        past send, ``sent_col``. Not modified.
    events : DataFrame
        The consent events (see :func:`consent_status`). Not modified.
    registry : DataFrame, optional
        DNCL registrations (``customer_col``, ``registered_col``), needed to judge calls fully.
    observation_end : date-like, optional
        The day a planned campaign is judged; for a past send, the last day the events cover
        (default the last send day). Later events are refused.
    sent_col : str, optional
        The plan's column with each send's day or time (a past send).
    same_day : {"after", "before"}, default "after"
        For a past send, where a withdrawal dated on the send's own day stands: ``"after"`` the
        send (an unsubscribe clicked in that very e-mail, a do-not-call request made during that
        very call cannot make it wrong: consent events carry days, not times) or ``"before"`` it
        (the strict reading). Consents, purchases and inquiries of the send day always count (a
        sign-up is what usually triggers a same-day message). A planned campaign counts every
        event up to ``observation_end``.
    customer_col, date_col, event_col, channel_col, registered_col : str
        Column names (``customer_col`` and ``channel_col`` in the plan too).
    rules : DataFrame, optional
        The dated rule table (default ``rule_table()``).

    Returns
    -------
    CampaignAudit
        ``table``, ``reasons``, ``excluded``, ``violations``.

    Raises
    ------
    ValueError
        As :func:`consent_status`; an unknown channel in the plan; a planned campaign without
        ``observation_end`` or listing a customer and channel twice; a send after ``observation_end``;
        a plan none of whose customers appears in the events or registry (ids written differently?).

    Examples
    --------
    >>> events = pd.DataFrame({"customer_id": [1, 2, 3], "date": ["2024-03-02", "2024-06-07", "2024-01-05"],
    ...                        "event": ["purchase", "withdrawal", "express_consent"],
    ...                        "channel": [None, "email", "email"]})
    >>> sent = pd.DataFrame({"customer_id": [1, 2, 3, 4], "channel": "email", "sent": "2024-06-12"})
    >>> audit = audit_campaign(sent, events, sent_col="sent")
    >>> audit.table[["customer_id", "allowed", "reason", "verdict"]]  # doctest: +NORMALIZE_WHITESPACE
       customer_id  allowed                      reason               verdict
    0            1     True  implied consent (purchase)                    ok
    1            2    False                   withdrawn  legal, poor practice
    2            3     True             express consent                    ok
    3            4    False                  no consent             violation
    """
    check_dataframe(plan, "plan")
    if same_day not in ("after", "before"):
        raise ValueError(f"same_day must be 'after' or 'before' (where a send's same-day withdrawals stand), "
                         f"got {same_day!r}")
    require_columns(plan, [customer_col, channel_col, sent_col], "plan")
    plan_ids = _ids(plan, customer_col, "plan")
    chan = plan[channel_col]
    bad = ~chan.isin(CHANNELS).to_numpy()
    if bad.any():
        raise bad_rows_error(plan, bad, channel_col, "hold an unknown or missing channel",
                             f"Each row of the plan is one customer on one channel: {list(CHANNELS)}.", name="plan")
    table = _checked(rules)
    has_times = False
    if sent_col is None:
        if observation_end is None:
            raise ValueError("audit_campaign needs observation_end='YYYY-MM-DD' (the day a planned campaign is "
                             "judged) or sent_col=... (the plan's send-day column of a past send)")
        end = parse_day(observation_end, "observation_end")
        qday = np.full(len(plan), end.to_datetime64().astype("datetime64[D]"))
        twice = plan.duplicated([customer_col, channel_col]).to_numpy()
        if twice.any():
            raise bad_rows_error(plan, twice, customer_col, "repeat a customer on the same channel",
                                 "A planned campaign contacts each customer once per channel: drop the repeats "
                                 f"(plan.drop_duplicates([{customer_col!r}, {channel_col!r}])).", name="plan")
    else:
        sent = parse_dates(plan, sent_col, name="plan")
        sent_day = sent.dt.normalize()
        has_times = bool((sent != sent_day).any())
        end = parse_day(observation_end, "observation_end") if observation_end is not None else sent_day.max()
        _late(plan, sent_day, sent_col, end, "plan")
        qday = sent_day.to_numpy().astype("datetime64[D]")
    led = _prepare(events, end, customer_col=customer_col, date_col=date_col, event_col=event_col,
                   channel_col=channel_col, registry=registry, registered_col=registered_col)
    qcode = led.ids.get_indexer(pd.Index(plan_ids)).astype("int64")
    if (qcode < 0).all():
        where = "events or registry" if registry is not None else "events"
        raise ValueError(f"none of the plan's customers appears in {where}"
                         f" (the first is {plain(plan_ids[0])!r}); check that both tables write {customer_col!r} "
                         "the same way (numbers vs text).")
    n = len(plan)
    after = sent_col is not None and same_day == "after"
    known = qday - np.timedelta64(1, "D") if after else qday
    reason, basis = np.empty(n, dtype=object), np.empty(n, dtype=object)
    poor = np.zeros(n, dtype=bool)
    codes = chan.to_numpy()
    for channel in CHANNELS:
        m = codes == channel
        if not m.any():
            continue
        if channel == "phone":
            hours = calling_hours_ok(sent[m], rules=table) if has_times else np.ones(int(m.sum()), dtype=bool)
            reason[m], basis[m], poor[m] = _judge_phone(led, qcode[m], qday[m], hours, table, known[m])
        else:
            reason[m], basis[m], poor[m] = _judge_electronic(led, channel, qcode[m], qday[m], table, known[m])
    allowed = pd.Series(reason).map(REASONS).to_numpy(dtype=bool)
    out = plan.copy()
    out["day_judged"] = pd.to_datetime(qday)
    out["allowed"], out["reason"], out["basis"] = allowed, reason, basis
    if sent_col is not None:
        out["verdict"] = np.where(allowed, "ok", np.where(poor, "legal, poor practice", "violation"))
        violations = out[out["verdict"].eq("violation").to_numpy()]
    else:
        violations = out.iloc[:0]
    counts = out.groupby([channel_col, "reason"], sort=True).size().rename("rows").reset_index()
    counts.insert(2, "allowed", counts["reason"].map(REASONS).astype(bool))
    counts["share"] = counts["rows"] / counts.groupby(channel_col)["rows"].transform("sum")
    counts = counts.sort_values([channel_col, "allowed", "rows"], ascending=[True, False, False], ignore_index=True)
    return CampaignAudit(table=out, reasons=counts, excluded=out[~allowed], violations=violations)

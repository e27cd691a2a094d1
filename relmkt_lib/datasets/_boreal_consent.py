"""Boreal's consent records: consent events, the Do Not Call registry and the call log of campaign 9.

Private module: ``build_boreal`` calls :func:`consent_tables` after every other table is drawn,
from the same generator, so the other tables do not depend on it. The data card
(``datasets/boreal/README.md``, section "Consent records") documents the rules below.

What a CRM holds for consent (CASL, the anti-spam law, and the National Do Not Call List):

- express consent given when the customer joined, one event per channel whose flag is set in
  ``customers`` (the flags record that consent at acquisition);
- later opt-ins from the web preference centre (customers who had not consented at first);
- inquiries (a question by the web form or by phone), which give implied consent for six months;
- withdrawals: unsubscribe links after e-mails (more likely after promotions and when e-mails
  pile up), STOP replies after the SMS campaign, do-not-call requests during the calls of
  campaign 9, and unprompted withdrawals from the preference centre. Boreal's campaigns were
  drawn from the acquisition flags and did not apply later withdrawals: chapter 11's audit finds
  those sends;
- a registry of the customers whose phone number is on the National Do Not Call List;
- the call log of campaign 9 with the time of each call (some outside the permitted hours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CONSENT_TRUTH", "consent_tables"]

#: The parameters of the consent records (documented in the data card).
CONSENT_TRUTH = {
    "later_email_opt_in": 0.12,     # of customers without e-mail consent at acquisition, within their first year
    "inquiry_share": 0.08,          # customers with one inquiry (web form or phone), on a uniform day
    "unsubscribe_promotional": 0.020,   # per promotional e-mail received
    "unsubscribe_informative": 0.006,   # per informative e-mail received
    "unsubscribe_load": 0.5,        # x (1 + 0.5 x e-mails received in the 90 days before)
    "sms_stop": 0.03,               # per SMS received
    "call_dnc_request": 0.08,       # per call of campaign 9 (an internal do-not-call request)
    "unprompted_withdrawal": 0.02,  # of customers with any express consent, on a uniform day
    "dncl_share": 0.30,             # customers whose number is on the National Do Not Call List
    "dncl_before_2023": 0.60,       # of those, registered between 2008 and 2022 (the rest in 2023-2025)
    "calls_outside_hours": 0.05,    # calls of campaign 9 placed outside 9:00-21:30 (a Monday)
}
_END = pd.Timestamp("2025-12-31")
_JOIN_SOURCE = {"store": "store form", "web": "web sign-up", "paid_social": "web sign-up",
                "referral": "web sign-up", "deep_discount_mailing": "coupon form"}


def _after(rng: np.random.Generator, start: pd.Series | np.ndarray, max_days: np.ndarray | int) -> np.ndarray:
    """A uniform day in [start, start + max_days], as datetime64[ns]."""
    start = pd.to_datetime(pd.Series(start)).to_numpy("datetime64[D]")
    span = np.maximum(np.asarray(max_days, dtype=np.int64), 0)
    return (start + (rng.random(start.size) * (span + 1)).astype(np.int64)).astype("datetime64[ns]")


def consent_tables(rng: np.random.Generator, customers: pd.DataFrame, contacts: pd.DataFrame,
                   campaigns: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``consent_events``, ``dncl_registry`` and ``phone_calls`` (see the module docstring)."""
    t = CONSENT_TRUTH
    n = len(customers)
    ids = customers["customer_id"].to_numpy()
    joined = customers["acquisition_date"]
    days_left = (_END - joined).dt.days.to_numpy()
    rows: list[pd.DataFrame] = []

    def add(who, when, channel, event, source):
        rows.append(pd.DataFrame({"customer_id": np.asarray(who), "date": np.asarray(when, dtype="datetime64[ns]"),
                                  "channel": channel, "event": event, "source": source}))

    # 1. express consent at acquisition, one event per channel
    source = customers["acquisition_channel"].map(_JOIN_SOURCE).to_numpy()
    for channel in ("email", "sms", "phone"):
        has = customers[f"consent_{channel}"].to_numpy(bool)
        add(ids[has], joined[has], channel, "express_consent", source[has])
    # 2. later e-mail opt-ins (preference centre), within the first year
    later = ~customers["consent_email"].to_numpy(bool) & (rng.random(n) < t["later_email_opt_in"])
    add(ids[later], _after(rng, joined[later], np.minimum(365, days_left[later])), "email", "express_consent",
        "web preference centre")
    # 3. inquiries (no channel: they concern the relationship, not one channel)
    asked = rng.random(n) < t["inquiry_share"]
    by_phone = rng.random(int(asked.sum())) < 0.3
    add(ids[asked], _after(rng, joined[asked], days_left[asked]), None, "inquiry",
        np.where(by_phone, "phone inquiry", "web contact form"))
    # 4. unsubscribes after e-mails: promotional ones and piled-up e-mails weigh more
    content = campaigns.set_index("campaign_id")["content"]
    mail = contacts[contacts["channel"].str.contains("email") & (contacts["group"] == "treatment")]
    mail = mail.sort_values(["customer_id", "contact_date"], kind="stable")
    who, day = mail["customer_id"].to_numpy(), mail["contact_date"].to_numpy("datetime64[D]").astype(np.int64)
    load = np.zeros(len(mail))
    for lag in range(1, 5):  # e-mails to the same customer in the 90 days before (a customer gets at most 5)
        prev_who, prev_day = np.roll(who, lag), np.roll(day, lag)
        valid = np.arange(len(mail)) >= lag
        load += valid & (prev_who == who) & (day - prev_day <= 90) & (day - prev_day > 0)
    promo = mail["campaign_id"].map(content).to_numpy() != "informative"
    p = np.where(promo, t["unsubscribe_promotional"], t["unsubscribe_informative"]) * (1 + t["unsubscribe_load"] * load)
    quit_ = rng.random(len(mail)) < p
    lag_days = np.minimum(rng.geometric(0.6, len(mail)) - 1, 10)
    add(who[quit_], mail["contact_date"].to_numpy()[quit_] + lag_days[quit_].astype("timedelta64[D]"), "email",
        "withdrawal", "unsubscribe link")
    # 5. STOP replies to the SMS campaign
    sms = contacts[(contacts["channel"] == "sms") & (contacts["group"] == "treatment")]
    stop = rng.random(len(sms)) < t["sms_stop"]
    add(sms["customer_id"].to_numpy()[stop], sms["contact_date"].to_numpy()[stop], "sms", "withdrawal", "STOP reply")
    # 6. the calls of campaign 9: a time for each, some outside the permitted hours, some do-not-call requests
    calls = contacts[(contacts["channel"] == "phone") & (contacts["group"] == "treatment")].reset_index(drop=True)
    minute = rng.integers(9 * 60, 21 * 60 + 30, len(calls))           # within 9:00-21:30 ...
    outside = rng.random(len(calls)) < t["calls_outside_hours"]
    minute[outside] = rng.integers(21 * 60 + 31, 22 * 60 + 30, int(outside.sum()))  # ... or after 21:30
    call_time = calls["contact_date"].to_numpy() + (minute * 60).astype("timedelta64[s]")
    answered = rng.random(len(calls)) < 0.55
    dnc = answered & (rng.random(len(calls)) < t["call_dnc_request"] / 0.55)
    phone_calls = pd.DataFrame({
        "campaign_id": calls["campaign_id"].to_numpy(), "customer_id": calls["customer_id"].to_numpy(),
        "call_time": call_time.astype("datetime64[ns]"),
        "outcome": np.where(dnc, "do-not-call request", np.where(answered, "answered", "no answer")),
    }).sort_values(["call_time", "customer_id"], ignore_index=True)
    add(calls["customer_id"].to_numpy()[dnc], calls["contact_date"].to_numpy()[dnc], "phone", "withdrawal",
        "do-not-call request during a call")
    # 7. unprompted withdrawals (preference centre), one channel among those consented at acquisition
    any_consent = customers[["consent_email", "consent_sms", "consent_phone"]].to_numpy(bool)
    leave = any_consent.any(axis=1) & (rng.random(n) < t["unprompted_withdrawal"])
    first = np.argmax(any_consent, axis=1)  # the first channel consented, in email, sms, phone order
    add(ids[leave], _after(rng, joined[leave], days_left[leave]), np.array(["email", "sms", "phone"])[first[leave]],
        "withdrawal", "web preference centre")

    events = pd.concat(rows, ignore_index=True)
    events = events[events["date"] <= _END]
    order = {"express_consent": 0, "inquiry": 1, "withdrawal": 2}
    events = events.assign(_k=events["event"].map(order)).sort_values(
        ["date", "customer_id", "_k", "channel"], kind="stable", ignore_index=True).drop(columns="_k")
    # 8. the National Do Not Call List
    listed = rng.random(n) < t["dncl_share"]
    early = rng.random(int(listed.sum())) < t["dncl_before_2023"]
    start = np.where(early, np.datetime64("2008-09-30"), np.datetime64("2023-01-01"))
    span = np.where(early, (np.datetime64("2022-12-31") - np.datetime64("2008-09-30")).astype(np.int64),
                    (np.datetime64("2025-12-31") - np.datetime64("2023-01-01")).astype(np.int64))
    registered = start + (rng.random(start.size) * (span + 1)).astype(np.int64).astype("timedelta64[D]")
    dncl = pd.DataFrame({"customer_id": ids[listed], "registered": registered.astype("datetime64[ns]")})
    return {"consent_events": events, "dncl_registry": dncl, "phone_calls": phone_calls}

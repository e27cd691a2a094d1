"""Contact pressure and consent as data: the consent ledger, the Do Not Call rules, campaign audits,
the pressure curve and a contact-policy simulator.

Relationship marketing moves from response to dialogue: more messages bring more answers, and more
irritation, unsubscribes and complaints; Canada's anti-spam law (CASL, Bill C-28) and the National
Do Not Call List (DNCL) set the rules. The kit teaches those rules with data; it is **not legal
advice**: check the law and the regulator's (CRTC) guidance before acting.

This module only re-exports its private partners:

- ``_contact_rules``: :func:`rule_table` (the CASL and DNCL rules in one dated table) and
  :func:`rules_as_of` (the rules in force on a day);
- ``_consent``: :func:`consent_status` (express, implied, withdrawn or none, per customer and
  channel, on a day), :func:`dncl_status`, :func:`calling_hours_ok` and :func:`audit_campaign`
  (who may be contacted, who is excluded and why, and the violations of a past send);
- ``_contact_pressure``: :func:`pressure_curve` (response and opt-out rates by number of contacts:
  descriptive, it says so);
- ``_contact_sim``: :func:`simulate_contact_policy` (frequency and content mix, fatigue, opt-outs and
  goodwill; profit against frequency is an inverted U, calibrated to Zhang, Kumar & Cosguner 2017).

>>> from relmkt_lib import contact
>>> contact.rules_as_of("2025-01-01")["implied_consent_purchase"]  # years
2.0
"""

from __future__ import annotations

from ._consent import CHANNELS, EVENTS, CampaignAudit, audit_campaign, calling_hours_ok, consent_status, dncl_status
from ._contact_pressure import SELECTION_MESSAGE, pressure_curve
from ._contact_rules import rule_table, rules_as_of
from ._contact_sim import ContactBehaviour, ContactPolicy, ContactPolicyResult, simulate_contact_policy

__all__ = [
    "CHANNELS",
    "EVENTS",
    "CampaignAudit",
    "ContactBehaviour",
    "ContactPolicy",
    "ContactPolicyResult",
    "SELECTION_MESSAGE",
    "audit_campaign",
    "calling_hours_ok",
    "consent_status",
    "dncl_status",
    "pressure_curve",
    "rule_table",
    "rules_as_of",
    "simulate_contact_policy",
]

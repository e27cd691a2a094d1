"""Boreal's campaigns: a fixed design, no randomness (private; used by :mod:`._boreal`).

The data card (``datasets/boreal/README.md``) describes each campaign and its true effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Campaign", "BOREAL_CAMPAIGNS", "campaigns_table"]


@dataclass(frozen=True)
class Campaign:
    """One campaign of Boreal's calendar and its true effects on the customers it treats."""

    campaign_id: int
    name: str
    objective: str
    channel: str
    content: str
    start_date: str
    end_date: str
    price_discount: float
    cost_per_contact: float
    fixed_cost: float
    control_share: float
    response_window_days: int
    target: str
    #: coupon response probability: (alive regular, alive deal-seeker, lapsed regular, lapsed deal-seeker)
    coupon: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    rate_effect: tuple[float, int] = (1.0, 0)    # purchase-rate multiplier, for how many days
    hazard_effect: tuple[float, int] = (1.0, 0)  # dropout-hazard multiplier, for how many days
    prospects_mailed: int = 0


_PROMO = (0.06, 0.25, 0.01, 0.05)
BOREAL_CAMPAIGNS = (
    Campaign(1, "Prospection printemps -40 %", "acquisition", "direct_mail", "discount",
              "2023-03-20", "2023-03-20", 0.40, 0.95, 2500.0, 0.0, 45,
              "rented list of prospects (not customers); responders join with a 40 % coupon",
              prospects_mailed=9000),
    Campaign(2, "Guide du plein air 2023", "relationship", "email", "informative",
              "2023-05-10", "2023-05-10", 0.0, 0.02, 1500.0, 0.10, 30,
              "all customers with email consent", rate_effect=(1.15, 30), hazard_effect=(0.85, 90)),
    Campaign(3, "Vendredi fou -20 %", "promotion", "email", "discount",
              "2023-11-20", "2023-11-20", 0.20, 0.02, 500.0, 0.10, 14,
              "all customers with email consent", coupon=_PROMO),
    Campaign(4, "Bienvenue chez Boreal", "relationship", "email", "informative",
              "2024-01-04", "2024-12-31", 0.0, 0.06, 6000.0, 0.30, 21,
              "new customers acquired in 2024 with email consent, 3 days after the first purchase "
              "(a sequence of 3 emails: welcome, care guide, newsletter)",
              rate_effect=(1.25, 180), hazard_effect=(0.3, 365)),
    Campaign(5, "Méga-solde -40 %", "promotion", "direct_mail+email", "discount",
              "2024-04-15", "2024-04-15", 0.40, 0.95, 1500.0, 0.20, 21,
              "every customer acquired before 2024-04-01 (postal mail to all, "
              "plus an email to those with email consent)", coupon=(0.32, 0.70, 0.06, 0.25)),
    Campaign(6, "Vente éclair SMS -15 %", "promotion", "sms", "discount",
              "2024-06-20", "2024-06-20", 0.15, 0.05, 300.0, 0.10, 7,
              "customers with SMS consent who bought in the last 365 days", coupon=_PROMO),
    Campaign(7, "Prospection automne -40 %", "acquisition", "direct_mail", "discount",
              "2024-09-16", "2024-09-16", 0.40, 0.95, 2500.0, 0.0, 45,
              "rented list of prospects (not customers); responders join with a 40 % coupon",
              prospects_mailed=9000),
    Campaign(8, "Guide-cadeaux des Fêtes 2024", "relationship", "email", "informative",
              "2024-11-15", "2024-11-15", 0.0, 0.02, 2000.0, 0.10, 30,
              "all customers with email consent", rate_effect=(1.15, 30), hazard_effect=(0.85, 90)),
    Campaign(9, "On s'ennuie de vous (appel)", "reactivation", "phone", "discount",
              "2025-02-10", "2025-02-10", 0.15, 6.50, 0.0, 0.20, 30,
              "lapsed customers (no purchase in the last 270 days) with phone consent",
              coupon=(0.20, 0.30, 0.05, 0.10)),
    Campaign(10, "On s'ennuie de vous (postal)", "reactivation", "direct_mail", "discount",
              "2025-02-10", "2025-02-10", 0.25, 0.95, 800.0, 0.20, 30,
              "lapsed customers (no purchase in the last 270 days) without phone consent",
              coupon=(0.10, 0.25, 0.02, 0.08)),
)


def campaigns_table() -> pd.DataFrame:
    """The campaigns table (fixed design, no randomness)."""
    rows = [{
        "campaign_id": c.campaign_id, "name": c.name, "objective": c.objective, "channel": c.channel,
        "content": c.content, "start_date": c.start_date, "end_date": c.end_date,
        "response_window_days": c.response_window_days, "price_discount": c.price_discount,
        "cost_per_contact": c.cost_per_contact, "fixed_cost": c.fixed_cost,
        "control_share": c.control_share, "prospects_mailed": c.prospects_mailed or None,
        "target": c.target,
    } for c in BOREAL_CAMPAIGNS]
    df = pd.DataFrame(rows)
    for col in ("start_date", "end_date"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    df["prospects_mailed"] = df["prospects_mailed"].astype("Int64")
    return df

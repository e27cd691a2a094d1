"""The default RFM segment map and its labels (private; re-exported by :mod:`relmkt_lib.rfm`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["Rule", "DEFAULT_RULES", "SEGMENT_LABELS_FR", "ACTIONS"]

Rule = tuple[str, "str | Callable[[pd.DataFrame], Any]"]

#: The default segment map on the R x F grid (scores 1-5), in order; every cell of the grid
#: belongs to exactly one rule. M is left out: it is the "how much" lens, read per segment.
DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    ("champions", "R == 5 and F >= 4"),
    ("loyal", "R == 4 and F >= 4"),
    ("potential loyalists", "R >= 4 and F in [2, 3]"),
    ("new", "R == 5 and F == 1"),
    ("promising", "R == 4 and F == 1"),
    ("cooling regulars", "R == 3 and F >= 4"),
    ("need attention", "R == 3 and F == 3"),
    ("about to sleep", "R == 3 and F <= 2"),
    ("cannot lose", "R <= 2 and F == 5"),
    ("at risk", "R <= 2 and F in [3, 4]"),
    ("hibernating", "R == 2 and F <= 2"),
    ("lost", "R == 1 and F <= 2"),
)

#: French labels of the default segments (and of the "not yet a customer" origin).
SEGMENT_LABELS_FR: dict[str, str] = {
    "champions": "champions", "loyal": "fidèles", "potential loyalists": "fidèles potentiels",
    "new": "nouveaux", "promising": "prometteurs",
    "cooling regulars": "habitués qui ralentissent", "need attention": "à surveiller",
    "about to sleep": "sur le point de décrocher", "cannot lose": "à ne pas perdre",
    "at risk": "à risque", "hibernating": "en hibernation", "lost": "perdus",
    "not yet a customer": "pas encore clients",
}

#: What each default segment is, and the relationship action it calls for. The "who" texts read the scores as
#: quintiles (F <= 2: the fifth or two fifths who bought least); with many ties, check what a score means in days.
ACTIONS = {
    "champions": ("bought recently and often", "recognise and thank them (previews, no discount "
                  "needed); ask for reviews and referrals: make them ambassadors"),
    "loyal": ("buy often, a little less recently", "keep in touch with useful content; cross-sell; "
              "loyalty-program tiers"),
    "potential loyalists": ("recent, a few purchases", "recommendations from their purchases; "
                            "invite them to the loyalty program"),
    "new": ("one purchase, very recent", "welcome and onboarding (guides, how-to): aim for the "
            "second purchase"),
    "promising": ("one purchase, recent", "informative content to build interest; a small nudge "
                  "to come back"),
    "cooling regulars": ("bought often, not in recent months", "a personal reminder tied to what they "
                         "usually buy, before they slip to at risk"),
    "need attention": ("middling recency and frequency", "personal reminders tied to what they bought"),
    "about to sleep": ("bought least, fading", "a timely, relevant reminder; keep contact "
                       "pressure low"),
    "cannot lose": ("bought very often, silent for long", "win-back: a personal call or an offer, tried "
                    "first on a sample with a control group (many have already left); ask what went wrong"),
    "at risk": ("bought more than most, not lately", "reactivation: a personal contact and a targeted offer"),
    "hibernating": ("bought least, a while ago", "low-cost reactivation (email, seasonal guide) if "
                    "consented"),
    "lost": ("bought least, longest ago", "low-cost contact or none; do not spend on them"),
}

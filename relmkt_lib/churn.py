"""Churn prediction: features at a cutoff, a cross-validated model for any yes/no outcome, and the
tables a marketing team reads (gains, lift, calibration, expected profit).

This module only re-exports its private partners:

- ``_churn_features``: :func:`churn_features`, one row per customer active by a cutoff, features from
  data up to the cutoff only and the label from the horizon after it (no leakage, tested);
- ``_churn_model``: :func:`fit_churn_model` / :class:`ChurnModel`, a scikit-learn pipeline that works
  on a customer table as practitioners export it (ids, Yes/No targets, numbers stored as text);
- ``_churn_eval``: :func:`gains_table`, :func:`top_decile_lift`, :func:`gini`,
  :func:`calibration_table`, :func:`profit_curve`, :func:`threshold_rule` and
  :func:`expected_maximum_profit` (Verbraken, Verbeke & Baesens 2013).

>>> from relmkt_lib import churn
>>> churn.threshold_rule(100, 1)
0.01
"""

from __future__ import annotations

from ._churn_eval import (
    EMPResult,
    calibration_table,
    expected_maximum_profit,
    gains_table,
    gini,
    profit_curve,
    threshold_rule,
    top_decile_lift,
)
from ._churn_features import FEATURES, TREND_WINDOW_DAYS, churn_features
from ._churn_model import MIN_CLASS_ROWS, POSITIVE_WORDS, ChurnModel, fit_churn_model

__all__ = [
    "FEATURES",
    "TREND_WINDOW_DAYS",
    "churn_features",
    "ChurnModel",
    "fit_churn_model",
    "POSITIVE_WORDS",
    "MIN_CLASS_ROWS",
    "EMPResult",
    "calibration_table",
    "expected_maximum_profit",
    "gains_table",
    "gini",
    "profit_curve",
    "threshold_rule",
    "top_decile_lift",
]

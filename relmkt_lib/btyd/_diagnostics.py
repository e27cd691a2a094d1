"""Diagnostics of BTYD models (re-exported by :mod:`relmkt_lib.btyd`), pandas-3 safe.

Calibration vs holdout by calibration frequency, numeric holdout metrics (MAE, RMSE, total
error, error by decile of the prediction), weekly and cumulative tracking of repeat
transactions, frequency-recency matrices of expected purchases or P(alive).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, check_positive, require_columns
from .._data_checks import last_day
from ..data import validate_transactions
from ..exceptions import DataWarning
from ._models import _PurchaseModel

__all__ = ["holdout_by_frequency", "holdout_metrics", "holdout_error_by_decile", "tracking_table",
           "frequency_recency_matrix"]

_SPLIT_COLS = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
#: Days in a period for each time unit of tracking_table (weeks: days / 7 from the first purchase).
DAYS_PER_UNIT = {"days": 1, "weeks": 7}
#: Most repeat purchases per unit of recency (one per day, or per calendar week, after merging).
_MAX_REPEATS_PER_UNIT = {"days": 1, "weeks": 7, "calendar_weeks": 1}


def _check_model(model: Any) -> None:
    if not isinstance(model, _PurchaseModel):
        raise TypeError(f"model must be a BetaGeoModel or a ParetoNBDModel (fitted), not {type(model).__name__}")
    model._check_fitted()


def _predict_holdout(model: Any, split: pd.DataFrame) -> pd.DataFrame:
    _check_model(model)
    check_dataframe(split, "split")
    require_columns(split, _SPLIT_COLS, "split")
    dur = split["duration_holdout"].to_numpy(dtype="float64")
    history = (split[c].to_numpy(dtype="float64") for c in ("frequency_cal", "recency_cal", "T_cal"))
    pred = model._purchases(dur, *history)
    return pd.DataFrame({"frequency_cal": split["frequency_cal"].to_numpy(dtype="float64"),
                         "actual": split["frequency_holdout"].to_numpy(dtype="float64"),
                         "predicted": np.asarray(pred, dtype="float64")}, index=split.index)


def holdout_by_frequency(model: Any, split: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Mean actual and predicted holdout purchases by number of calibration repeat purchases.

    ``split`` is a :func:`relmkt_lib.data.calibration_holdout_split` table; customers with
    ``max_frequency`` or more calibration purchases are pooled in the last row.

    Examples
    --------
    >>> from relmkt_lib.btyd import BetaGeoModel
    >>> from relmkt_lib.datasets import cdnow_sample_split
    >>> split = cdnow_sample_split()
    >>> bg = BetaGeoModel().fit(split.rename(columns=lambda c: c.removesuffix("_cal")))
    >>> holdout_by_frequency(bg, split).round(2).head(3)  # doctest: +NORMALIZE_WHITESPACE
                           customers  actual  predicted
    calibration_purchases
    0                           1411    0.24       0.23
    1                            439    0.70       0.52
    2                            214    1.39       1.04
    """
    if int(max_frequency) < 1:
        raise ValueError(f"max_frequency must be at least 1, got {max_frequency!r}")
    p = _predict_holdout(model, split)
    bucket = np.minimum(p["frequency_cal"], max_frequency).astype(int)
    out = p.groupby(bucket).agg(customers=("actual", "size"), actual=("actual", "mean"),
                                predicted=("predicted", "mean"))
    out.index = pd.Index([f"{i}+" if i == max_frequency else str(i) for i in out.index],
                         name="calibration_purchases")
    return out


def holdout_metrics(model: Any, split: pd.DataFrame) -> pd.Series:
    """Holdout accuracy: totals, total error (%), MAE and RMSE of purchases per customer.

    ``total_error_pct`` = 100 * (predicted - actual) / actual over the whole cohort.
    """
    p = _predict_holdout(model, split)
    err = p["predicted"] - p["actual"]
    actual, predicted = p["actual"].sum(), p["predicted"].sum()
    return pd.Series({"customers": float(len(p)), "actual_total": actual, "predicted_total": predicted,
                      "total_error_pct": 100 * (predicted - actual) / actual if actual else np.nan,
                      "mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err ** 2).mean()))},
                     name="holdout")


def holdout_error_by_decile(model: Any, split: pd.DataFrame, *, groups: int = 10) -> pd.DataFrame:
    """Mean predicted and actual holdout purchases by decile of predicted purchases (10 = highest).

    Ties are broken by rank order, so every group has the same size (within one customer).
    """
    if int(groups) < 2:
        raise ValueError(f"groups must be at least 2, got {groups!r}")
    p = _predict_holdout(model, split)
    rank = p["predicted"].rank(method="first").to_numpy()
    decile = np.ceil(rank * int(groups) / len(p)).astype(int)
    out = p.groupby(decile).agg(customers=("actual", "size"), predicted=("predicted", "mean"),
                                actual=("actual", "mean"))
    out["error"] = out["predicted"] - out["actual"]
    out["error_pct"] = 100 * out["error"] / out["actual"].where(out["actual"] > 0)
    out.index.name = "decile"
    return out


def tracking_table(model: Any, transactions: pd.DataFrame, *, customer_col: str = "customer_id",
                   date_col: str = "date", calibration_end: Any, observation_end: Any,
                   time_unit: str = "weeks", date_format: str | None = None, dayfirst: bool | None = None,
                   timezone: str | None = None) -> pd.DataFrame:
    """Expected vs actual repeat transactions of a cohort per period, and their cumulative sums.

    The cohort is every customer whose first purchase is on or before ``calibration_end`` (the
    others are left out and counted in a :class:`~relmkt_lib.exceptions.DataWarning`, as in
    :func:`relmkt_lib.data.calibration_holdout_split`). The log is read by
    :func:`relmkt_lib.data.validate_transactions` (the same dates, ids and errors as the data
    layer; a purchase after ``observation_end`` is an error). Purchases on the same day are
    merged and each customer's first day is the trial, not a repeat. The expected count adds
    up, over customers, the model's E[X(t)] for a new customer at the age t each customer has
    reached (vectorised by day of first purchase).

    Periods run from the cohort's first purchase; the last calibration period ends on
    ``calibration_end`` (it is shorter when ``calibration_end`` falls inside a week) and the
    holdout periods start the next day, so the holdout rows add up to the holdout totals of
    :func:`holdout_metrics` on the matching split.

    Parameters
    ----------
    model : BetaGeoModel or ParetoNBDModel
        Fitted in ``time_unit``.
    transactions : DataFrame
        One row per purchase, with ``customer_col`` and ``date_col`` (datetime64, or text such as
        "1997-03-01", read as :func:`relmkt_lib.data.validate_transactions` reads it). Not modified.
    calibration_end, observation_end : date-like
        Last day of the calibration period and last observed day, both inclusive (a purchase at
        15:00 on that day is inside).
    time_unit : {"weeks", "days"}, default "weeks"
        The model's time unit and the length of each row: "weeks" are 7-day periods counted
        from the cohort's first purchase (days / 7, as the model's time).
    date_format, dayfirst, timezone : optional
        How dates are read, as in :func:`relmkt_lib.data.calibration_holdout_split`: the format of
        text or number dates; True for day/month/year text dates (never guessed); the time zone
        in which tz-aware dates become calendar days.

    Returns
    -------
    DataFrame
        One row per period: ``start`` (date), ``days`` (its length; 7 for whole weeks),
        ``actual``, ``expected``, ``actual_cum``, ``expected_cum`` and ``holdout`` (True for the
        periods after ``calibration_end``).
    """
    _check_model(model)
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be one of {sorted(DAYS_PER_UNIT)} (the model's time unit), "
                         f"not {time_unit!r}")
    step = DAYS_PER_UNIT[time_unit]
    cal_end = last_day(calibration_end, "calibration_end", dayfirst=dayfirst, timezone=timezone)
    obs_end = last_day(observation_end, "observation_end", dayfirst=dayfirst, timezone=timezone)
    if obs_end <= cal_end:
        raise ValueError(f"observation_end ({obs_end.date()}) must come after calibration_end ({cal_end.date()})")
    check_dataframe(transactions, "transactions")
    log = validate_transactions(transactions, customer_col=customer_col, date_col=date_col,
                                observation_end=obs_end, date_format=date_format, dayfirst=dayfirst,
                                timezone=timezone, duplicates="ignore")
    log = pd.DataFrame({"c": log[customer_col].to_numpy(), "d": log[date_col].dt.normalize().to_numpy()})
    log = log.drop_duplicates()
    first = log.groupby("c")["d"].transform("min")
    late = first > cal_end
    if late.any():
        warnings.warn(f"{log.loc[late, 'c'].nunique()} customer(s) made their first purchase after calibration_end; "
                      "they are not in the calibration cohort and are left out of the tracking", DataWarning,
                      stacklevel=2)
    log, first = log[~late], first[~late]
    if not len(log):
        raise ValueError(f"no customer made a first purchase on or before calibration_end {cal_end.date()}; "
                         "choose a later calibration_end")
    origin = first.min()
    day = (log["d"] - origin).dt.days.to_numpy()
    repeat = (log["d"] != first).to_numpy()
    cal_day, n_days = (cal_end - origin).days, (obs_end - origin).days + 1
    # rows: whole periods from the origin up to calibration_end (the last one may be shorter), then
    # whole periods from the next day (the last one may be shorter)
    starts = np.concatenate([np.arange(0, cal_day + 1, step), np.arange(cal_day + 1, n_days, step)])
    ends = np.append(starts[1:], n_days) - 1  # last day of each row
    row = np.searchsorted(starts, day[repeat], side="right") - 1
    actual = np.bincount(row, minlength=len(starts))

    births = log.groupby("c")["d"].min()
    b_days, counts = np.unique((births - origin).dt.days.to_numpy(), return_counts=True)
    age = np.clip((ends[None, :] - b_days[:, None]) / step, 0, None)
    cum = np.zeros_like(age, dtype="float64")
    pos = age > 0
    cum[pos] = model.expected_purchases_new_customer(age[pos])
    expected_cum = counts @ cum
    out = pd.DataFrame({"start": origin + pd.to_timedelta(starts, unit="D"), "days": ends - starts + 1,
                        "actual": actual.astype(float), "expected": np.diff(expected_cum, prepend=0.0)})
    out["actual_cum"] = out["actual"].cumsum()
    out["expected_cum"] = expected_cum
    out["holdout"] = starts > cal_day
    out.index = pd.RangeIndex(1, len(out) + 1, name="period")
    return out


def frequency_recency_matrix(model: Any, T: float, *, max_frequency: int | None = None,
                             max_recency: int | None = None, kind: str = "expected",
                             horizon: float = 1.0, time_unit: str | None = None) -> pd.DataFrame:
    """Expected purchases in the next ``horizon`` (kind="expected") or P(alive) (kind="p_alive")
    for every whole frequency 0..max_frequency and recency 0..max_recency, at age ``T``.

    ``max_frequency`` defaults to the largest frequency the model was fitted on, ``max_recency``
    to ``T``. Impossible cells are NaN: frequency 0 with recency > 0, and repeat purchases with
    recency 0. Give ``time_unit`` (that of the summary the model was fitted on: ``"days"``,
    ``"weeks"`` or ``"calendar_weeks"``) to also blank the cells with more repeat purchases than
    the recency leaves room for: purchases on the same day (same calendar week) are merged, so
    at most 7 per week of recency in ``"weeks"``, 1 per unit otherwise.

    Examples
    --------
    >>> from relmkt_lib.btyd import BetaGeoModel
    >>> from relmkt_lib.datasets import load_cdnow_summary
    >>> bg = BetaGeoModel().fit(load_cdnow_summary())
    >>> m = frequency_recency_matrix(bg, 38.86, max_frequency=20, kind="p_alive", time_unit="weeks")
    >>> bool(m.loc[14, 2] >= 0), bool(m.isna().loc[15, 2]), bool(m.isna().loc[3, 0])
    (True, True, True)
    """
    _check_model(model)
    T = check_positive(T, "T")
    if kind not in ("expected", "p_alive"):
        raise ValueError(f"kind must be 'expected' or 'p_alive', not {kind!r}")
    if max_frequency is None and "lifetimes_" not in model.__dict__:
        raise ValueError("pass max_frequency: this model was not fitted on data (its params_ were set by hand)")
    max_f = int(model.lifetimes_.data["frequency"].max()) if max_frequency is None else int(max_frequency)
    max_r = int(np.floor(T)) if max_recency is None else int(max_recency)
    if max_r > T:
        raise ValueError(f"max_recency ({max_r}) cannot exceed T ({T})")
    f, r = np.meshgrid(np.arange(max_f + 1.0), np.arange(max_r + 1.0), indexing="ij")
    if kind == "p_alive":
        v = model._alive(f.ravel(), r.ravel(), np.full(f.size, T))
    else:
        v = model._purchases(check_positive(horizon, "horizon"), f.ravel(), r.ravel(), np.full(f.size, T))
    v = v.reshape(f.shape)
    impossible = ((f == 0) & (r > 0)) | ((f > 0) & (r == 0))
    if time_unit is not None:
        if time_unit not in _MAX_REPEATS_PER_UNIT:
            raise ValueError(f"time_unit must be 'days', 'weeks' or 'calendar_weeks' (that of the summary), "
                             f"not {time_unit!r}")
        impossible |= f > _MAX_REPEATS_PER_UNIT[time_unit] * r
    v[impossible] = np.nan
    return pd.DataFrame(v, index=pd.Index(range(max_f + 1), name="frequency"),
                        columns=pd.Index(range(max_r + 1), name="recency"))

"""Uplift evaluation on a randomised test: Qini curve and coefficient, uplift@k, uplift by decile (partner of uplift).

A model's uplift scores can only be judged on customers drawn at random into a treated group
and a control group: nobody is seen both treated and untreated, so the measures compare the
two groups among the customers a score ranks first. The definitions follow Radcliffe (2007) as
scikit-uplift 0.5.1 (``sklift/metrics/metrics.py``) implements them; scikit-uplift itself is not
used (it is unmaintained and breaks with recent scikit-learn).

The arguments read the same everywhere: ``y`` is the outcome the firm wants (1 = bought, or
stayed; for churn pass ``1 - churned`` so that a positive uplift is a saved customer; an amount
such as spend also works), ``uplift_score`` is a model's predicted uplift (higher = target
first) and ``treatment`` is 1/True for the treated group and 0/False for control.

References
----------
Radcliffe, N. J. (2007). Using control groups to target on predicted lift: building and assessing
uplift models. Direct Marketing Analytics Journal 1, 14-21.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_probability, entry_point, plain

__all__ = ["check_treatment", "qini_coefficient", "qini_curve", "uplift_at_k", "uplift_by_decile"]

#: Values accepted as the treated and the control arm.
TREATED_VALUES = (1, True)
CONTROL_VALUES = (0, False)


def _as_1d(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes, dict)) or np.ndim(values) != 1:
        raise TypeError(f"{name} must be a list, an array or a Series (one value per customer), "
                        f"not {type(values).__name__}")
    arr = np.asarray(values, dtype=object)
    if len(arr) == 0:
        raise ValueError(f"{name} is empty; pass one value per customer")
    return arr


def check_treatment(treatment: Any, name: str = "treatment") -> np.ndarray:
    """Return the treatment flags as an int array of 0 (control) and 1 (treated), or fail clearly.

    Accepts 0/1 and True/False. A third arm (a second offer, say 2) is refused: it must be
    dropped, not coded as control, or the control group's rate would mix in a treatment.

    >>> check_treatment([True, False, 1, 0]).tolist()
    [1, 0, 1, 0]
    >>> check_treatment([0, 1, 2])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: treatment has 3 distinct values ([0, 1, 2]); ... never code a third arm as control, ...
    """
    arr = _as_1d(treatment, name)
    missing = pd.isna(arr)
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name} has {int(missing.sum())} missing value(s); the first is at position {pos}. "
                         "Every customer must be in the treated (1) or control (0) group: drop the others.")
    distinct = pd.unique(arr)
    shown = sorted(distinct.tolist(), key=repr)
    if len(distinct) > 2:
        try:
            shown = sorted(distinct.tolist())
        except TypeError:
            pass
        raise ValueError(
            f"{name} has {len(distinct)} distinct values ({shown}); an uplift needs exactly two arms, "
            "1/True = treated and 0/False = control. Drop the rows of the other arm(s) first "
            "(e.g. df[df['arm'] != 2]); never code a third arm as control, which would mix a treatment "
            "into the control group.")
    ok = np.array([isinstance(v, (bool, np.bool_, int, np.integer, float, np.floating))
                   and v in TREATED_VALUES + CONTROL_VALUES for v in arr])
    if not ok.all():
        pos = int(np.flatnonzero(~ok)[0])
        raise ValueError(
            f"{name} must hold 1/True (treated) and 0/False (control); position {pos} holds "
            f"{plain(arr[pos])!r}. Map the arm labels first, e.g. (df['arm'] == 'offer').astype(int).")
    flags = arr.astype(float).astype(int)
    if flags.min() == flags.max():
        arm = "treated (1)" if flags[0] == 1 else "control (0)"
        raise ValueError(f"{name} holds only the {arm} group; an uplift compares a treated group with a "
                         "randomised control group, so both must be present.")
    return flags


def _checked(y: Any, uplift_score: Any, treatment: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three inputs as float, float and int arrays of one length, or a clear error."""
    t = check_treatment(treatment)
    out = []
    for name, values in (("y", y), ("uplift_score", uplift_score)):
        arr = _as_1d(values, name)
        try:
            x = arr.astype("float64")
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold numbers (1/0 or True/False for a response)") from None
        if len(x) != len(t):
            raise ValueError(f"{name} has {len(x)} values but treatment has {len(t)}; pass one value per "
                             "customer, in the same order")
        bad = ~np.isfinite(x)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} has {int(bad.sum())} missing or infinite value(s); the first is at "
                             f"position {pos}. Drop those customers or fill the value.")
        out.append(x)
    return out[0], out[1], t


def qini_curve(y: Any, uplift_score: Any, treatment: Any) -> pd.DataFrame:
    """Radcliffe's Qini curve: incremental responses as the share targeted grows.

    Customers are sorted by ``uplift_score``, highest first. Among the top ``n``, with
    ``N_T, N_C`` treated and control customers and ``Y_T, Y_C`` responders (sums of ``y``) in
    each group, the curve is ``Q(n) = Y_T - Y_C * N_T / N_C``: the treated responders minus the
    control responders scaled to the treated group's size, that is the responses the treatment
    added among the treated of the top ``n`` (``Q = Y_T`` while ``N_C = 0``, as scikit-uplift).
    Customers with equal scores cannot be ordered, so the curve has one point per distinct
    score (after the last customer of that score), plus the origin.

    Parameters
    ----------
    y, uplift_score, treatment : list, array or Series, one value per customer
        See the module's notes. Not modified.

    Returns
    -------
    DataFrame
        One row per point: ``n_targeted``, ``share_targeted``, ``n_treated``, ``n_control``,
        ``responders_treated``, ``responders_control`` and ``qini``.

    Examples
    --------
    >>> qini_curve([1, 0, 1, 1], [0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])["qini"].tolist()
    [0.0, 1.0, 1.0, 2.0, 1.0]
    """
    y, score, t = _checked(y, uplift_score, treatment)
    order = np.argsort(-score, kind="stable")
    y, score, t = y[order], score[order], t[order]
    ends = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]   # last row of each run of equal scores
    n_t = np.cumsum(t)[ends]
    n_c = ends + 1 - n_t
    y_t = np.cumsum(y * t)[ends]
    y_c = np.cumsum(y * (1 - t))[ends]
    ratio = np.divide(n_t, n_c, out=np.zeros(len(ends)), where=n_c > 0)
    table = pd.DataFrame({"n_targeted": ends + 1, "n_treated": n_t, "n_control": n_c,
                          "responders_treated": y_t, "responders_control": y_c, "qini": y_t - y_c * ratio})
    origin = pd.DataFrame({c: [0] for c in table.columns}).astype(table.dtypes.to_dict())
    table = pd.concat([origin, table], ignore_index=True)
    table.insert(1, "share_targeted", table["n_targeted"] / len(y))
    return table


def qini_coefficient(y: Any, uplift_score: Any, treatment: Any) -> float:
    """The area between the Qini curve and the random line, as a share of the best possible one.

    ``(A_model - A_random) / (A_perfect - A_random)``, with ``A`` the area under a Qini curve
    (trapezoids, over the number targeted), the random line joining ``(0, 0)`` to the curve's
    end (the whole test's incremental responses), and the perfect curve that of the ordering
    treated responders first, control responders last (scikit-uplift's ``qini_auc_score`` with
    ``negative_effect=True``). 1 is a perfect ranking, 0 no better than random, below 0 worse.

    Examples
    --------
    >>> round(qini_coefficient([1, 0, 1, 1], [0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 4)   # (4.5 - 2) / (5.5 - 2)
    0.7143
    """
    from sklearn.metrics import auc

    y_, score, t = _checked(y, uplift_score, treatment)
    model = qini_curve(y_, score, t)
    perfect = qini_curve(y_, y_ * t - y_ * (1 - t), t)
    n, end = len(y_), float(model["qini"].iloc[-1])
    random_area = n * end / 2
    best = auc(perfect["n_targeted"], perfect["qini"]) - random_area
    if best <= 0:
        raise ValueError(f"{entry_point()[0]}: the best possible Qini curve is no better than random here "
                         "(no responders to rank, or responders only in the control group), so the "
                         "coefficient is undefined; use a sample with responders in the treated group")
    return float((auc(model["n_targeted"], model["qini"]) - random_area) / best)


def _top(k: float, n: int) -> int:
    k = check_probability(k, "k", allow_zero=False)
    return max(1, int(np.floor(k * n + 1e-9)))


def uplift_at_k(y: Any, uplift_score: Any, treatment: Any, *, k: float = 0.3) -> float:
    """Response rate of the treated minus that of control, among the top ``k`` share by score.

    The top ``floor(k * n)`` customers (at least one) are ranked together, both groups mixed
    (scikit-uplift's ``strategy="overall"``); equal scores keep the data's order.

    Parameters
    ----------
    y, uplift_score, treatment : list, array or Series, one value per customer
    k : float in (0, 1], default 0.3
        The share of customers targeted.

    Examples
    --------
    >>> uplift_at_k([1, 0, 1, 1, 0, 0], [6, 5, 4, 3, 2, 1], [1, 0, 1, 0, 1, 0], k=0.5)
    1.0
    """
    y, score, t = _checked(y, uplift_score, treatment)
    top = np.argsort(-score, kind="stable")[: _top(k, len(y))]
    y_top, t_top = y[top], t[top]
    if t_top.min() == t_top.max():
        missing = "control" if t_top[0] == 1 else "treated"
        raise ValueError(f"the top k={k} ({len(top)} customers) holds no {missing} customer, so their response "
                         "rates cannot be compared; raise k")
    return float(y_top[t_top == 1].mean() - y_top[t_top == 0].mean())


def uplift_by_decile(y: Any, uplift_score: Any, treatment: Any, *, bins: int = 10) -> pd.DataFrame:
    """Treated and control response rates and their difference, by bin of predicted uplift.

    Customers are ranked by ``uplift_score`` (highest first; equal scores keep the data's
    order) and cut into ``bins`` groups of equal size (sizes differ by one at most); bin 1 holds
    the highest scores. A good model shows an observed uplift that falls from bin 1 to the last.

    Returns
    -------
    DataFrame
        Index ``bin`` (1 = highest scores); columns ``n_treated``, ``n_control``,
        ``response_rate_treated``, ``response_rate_control``, ``uplift`` (their difference; NaN
        where a bin holds no customer of a group) and ``mean_score``.

    Examples
    --------
    >>> uplift_by_decile([1, 0, 1, 1], [4, 3, 2, 1], [1, 0, 1, 0], bins=2)["uplift"].tolist()
    [1.0, 0.0]
    """
    y, score, t = _checked(y, uplift_score, treatment)
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a whole number >= 1, e.g. 10, got {bins!r}")
    if bins > len(y):
        raise ValueError(f"bins={bins} needs at least {bins} customers, got {len(y)}; pass fewer bins")
    rank = np.empty(len(y), dtype=int)
    rank[np.argsort(-score, kind="stable")] = np.arange(len(y))
    df = pd.DataFrame({"bin": rank * bins // len(y) + 1, "y": y, "t": t, "score": score})
    g = df.groupby("bin")
    table = pd.DataFrame({
        "n_treated": g["t"].sum(),
        "n_control": g["t"].size() - g["t"].sum(),
        "response_rate_treated": df[df["t"] == 1].groupby("bin")["y"].mean(),
        "response_rate_control": df[df["t"] == 0].groupby("bin")["y"].mean(),
    }).reindex(range(1, bins + 1))
    table[["n_treated", "n_control"]] = table[["n_treated", "n_control"]].astype("int64")
    table["uplift"] = table["response_rate_treated"] - table["response_rate_control"]
    table["mean_score"] = g["score"].mean()
    table.index.name = "bin"
    return table

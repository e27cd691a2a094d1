"""Evaluation and expected profit of a churn (or response) score (private; partner of ``churn``).

A *score* ranks customers: the higher it is, the more likely the customer is a *positive* (a
churner for a churn model, a buyer for a response model). Every function here takes the observed
outcome ``y_true`` (0/1 or True/False) and the score, as arrays or Series of the same length.

**Ties.** Customers with the same score are in no particular order, so a cut (a decile boundary,
the top k) that falls inside a group of tied customers takes that group's positives (and values)
*pro rata*: the average over every order of the ties. The results therefore never depend on the
row order of the input, and counts of positives may be fractional where a cut splits ties.

Expected value follows Provost & Fawcett (2013, *Data Science for Business*, ch. 7 and 11);
the expected maximum profit measure follows Verbraken, Verbeke & Baesens (2013), IEEE TKDE 25(5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_positive, plain

__all__ = [
    "EMPResult",
    "calibration_table",
    "expected_maximum_profit",
    "gains_table",
    "gini",
    "profit_curve",
    "threshold_rule",
    "top_decile_lift",
]

TOP_DECILE_BINS = 10
ENVELOPE_TOLERANCE = 1e-12  # a line that is the highest on a narrower interval of gamma is dropped
# Verbraken, Verbeke & Baesens (2013) defaults (R package EMP, empChurn)
EMP_CLV, EMP_INCENTIVE_COST, EMP_CONTACT_COST, EMP_ALPHA, EMP_BETA = 200.0, 10.0, 1.0, 6.0, 14.0


def _where(i: int, index: pd.Index | None) -> str:
    return f"label {plain(index[i])!r} (position {i})" if index is not None else f"position {i}"


def _one_d(values: Any, name: str) -> tuple[np.ndarray, pd.Index | None]:
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be an array or a Series, not a DataFrame; pass one column, e.g. df['churned']")
    index = values.index if isinstance(values, pd.Series) else None
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional array or Series, got shape {arr.shape}")
    return arr, index


def _outcome(y_true: Any) -> tuple[np.ndarray, pd.Index | None]:
    """``y_true`` as a float array of 0/1; text, NaN and other numbers are refused at their first position."""
    arr, index = _one_d(y_true, "y_true")
    if arr.dtype == bool:
        return arr.astype(float), index
    if np.issubdtype(arr.dtype, np.number):
        num = arr.astype(float)
    else:  # text such as 'Yes' is refused below; text numbers such as '1' are read as numbers
        num = pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isin(num, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"y_true must hold only 0/1 or True/False: {int(bad.sum())} value(s) do not; the first is at "
                         f"{_where(i, index)} (value {plain(arr[i])!r}). Convert the outcome first, e.g. "
                         "(df['churn'] == 'Yes').astype(int), and drop customers whose outcome is unknown")
    return num, index


def _inputs(y_true: Any, score: Any, name: str = "score") -> tuple[np.ndarray, np.ndarray]:
    """Checked ``(y, score)`` float arrays: same length, 0/1 outcome, finite numeric score."""
    y, y_index = _outcome(y_true)
    s_raw, s_index = _one_d(score, name)
    if len(s_raw) != len(y):
        raise ValueError(f"y_true and {name} have different lengths ({len(y)} and {len(s_raw)}); "
                         f"pass one {name} per customer, in the same order")
    if y_index is not None and s_index is not None and not y_index.equals(s_index):
        raise ValueError(f"y_true and {name} are Series with different indexes; align them first, "
                         f"e.g. {name}.reindex(y_true.index)")
    if s_raw.dtype == bool or not np.issubdtype(s_raw.dtype, np.number):
        kind = "text" if s_raw.dtype.kind in "OUS" else str(s_raw.dtype)
        raise TypeError(f"{name} must be numbers, not {kind} (first value {plain(s_raw[0])!r}); "
                        "pass the model's scores or probabilities")
    s = s_raw.astype(float)
    bad = ~np.isfinite(s)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}: {int(bad.sum())} value(s) are missing or infinite; the first is at "
                         f"{_where(i, s_index)} (value {plain(s_raw[i])!r}). Score every customer, or drop "
                         "the unscored ones from both y_true and " + name)
    return y, s


def _cumulative(score: np.ndarray, *weights: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cumulative customers and sums of ``weights`` at the end of each tie group, highest scores first (0 first)."""
    _, inverse, counts = np.unique(-score, return_inverse=True, return_counts=True)
    n_cum = np.concatenate([[0.0], np.cumsum(counts)])
    sums = [np.concatenate([[0.0], np.cumsum(np.bincount(inverse, weights=w, minlength=len(counts)))])
            for w in weights]
    return n_cum, sums


def _at(k: np.ndarray, n_cum: np.ndarray, w_cum: np.ndarray) -> np.ndarray:
    """Sum of the weights over the top ``k`` customers; a cut inside a tie group takes it pro rata."""
    return np.interp(k, n_cum, w_cum)


def gains_table(y_true: Any, score: Any, *, bins: int = 10) -> pd.DataFrame:
    """Gains and lift by bin of customers ranked from the highest score down (deciles by default).

    Bin 1 holds the highest scores. Bin sizes differ by at most one customer (the first bins take
    the extra ones, as ``numpy.array_split``). Tied scores split across a boundary share their
    positives pro rata (see the module's note), so ``positives`` may be fractional there.

    Parameters
    ----------
    y_true : array or Series of 0/1 or True/False
        The observed outcome (1 = churned, or responded).
    score : array or Series of numbers
        Higher = more likely positive (a predicted probability or any score).
    bins : int
        Number of bins (10 = deciles), at most the number of customers.

    Returns
    -------
    DataFrame indexed by ``bin`` (1 = top): ``customers``, ``positives``, ``rate`` (positives /
    customers), ``lift`` (rate / overall rate), ``cum_customers``, ``cum_share`` (share of customers
    targeted down to this bin), ``cum_positives``, ``cum_capture`` (share of all positives found)
    and ``cum_lift`` (cum_capture / cum_share).

    Examples
    --------
    >>> t = gains_table([1, 0, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], bins=3)
    >>> t[["customers", "positives", "lift", "cum_capture", "cum_lift"]]  # doctest: +NORMALIZE_WHITESPACE
         customers  positives  lift  cum_capture  cum_lift
    bin
    1            2        1.0   1.5          0.5       1.5
    2            2        1.0   1.5          1.0       1.5
    3            2        0.0   0.0          1.0       1.0
    """
    y, s = _inputs(y_true, score)
    n = len(y)
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 1 <= bins <= n:
        raise ValueError(f"bins must be a whole number between 1 and the number of customers ({n}), got {bins!r}")
    total = y.sum()
    if total == 0:
        raise ValueError("y_true has no positives (no 1 or True), so lift is undefined; "
                         "check that the outcome is coded 1 = churned (or responded)")
    sizes = np.array([len(part) for part in np.array_split(np.arange(n), int(bins))])
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(float)
    n_cum, (p_cum,) = _cumulative(s, y)
    cum_pos = _at(edges, n_cum, p_cum)
    overall = total / n
    out = pd.DataFrame({"customers": sizes, "positives": np.diff(cum_pos)},
                       index=pd.RangeIndex(1, int(bins) + 1, name="bin"))
    out["rate"] = out["positives"] / out["customers"]
    out["lift"] = out["rate"] / overall
    out["cum_customers"] = np.cumsum(sizes)
    out["cum_share"] = out["cum_customers"] / n
    out["cum_positives"] = cum_pos[1:]
    out["cum_capture"] = out["cum_positives"] / total
    out["cum_lift"] = out["cum_capture"] / out["cum_share"]
    return out


def top_decile_lift(y_true: Any, score: Any) -> float:
    """Positive rate among the top 10 % of scores divided by the overall rate (Neslin et al. 2006).

    The top decile is bin 1 of :func:`gains_table` with ``bins=10`` (with fewer than 10 customers
    in every tenth, it holds ``ceil(n / 10)`` customers at most).

    Examples
    --------
    >>> top_decile_lift([1] + [0] * 9, list(range(10, 0, -1)))
    10.0
    """
    return float(gains_table(y_true, score, bins=TOP_DECILE_BINS)["lift"].iloc[0])


def gini(y_true: Any, score: Any) -> float:
    """Gini coefficient of a score: ``2 * AUC - 1`` (1 = perfect ranking, 0 = random, < 0 = reversed).

    AUC is scikit-learn's ``roc_auc_score`` (ties count one half). This is the normalised Gini
    (the accuracy ratio): the area between the gains curve and the diagonal divided by the same
    area for a perfect ranking. Some sources report twice the area between the gains curve and the
    diagonal without that division, which equals ``(1 - churn rate) * (2 * AUC - 1)``: compare
    like with like.

    Examples
    --------
    >>> gini([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.5
    """
    from sklearn.metrics import roc_auc_score

    y, s = _inputs(y_true, score)
    if y.min() == y.max():
        raise ValueError(f"y_true holds a single class (all {int(y[0])}), so the Gini is undefined; "
                         "evaluate on customers who include both churners and non-churners")
    return float(2.0 * roc_auc_score(y, s) - 1.0)


def calibration_table(y_true: Any, proba: Any, *, bins: int = 10, strategy: str = "uniform") -> pd.DataFrame:
    """Mean predicted probability against the observed rate, by bin of predicted probability.

    The bins and means are scikit-learn's ``calibration_curve`` (``strategy="uniform"``: equal-width
    bins on [0, 1]; ``"quantile"``: equal-count bins); empty bins are left out, as there.
    A calibrated model has ``mean_predicted`` close to ``observed_rate`` in every bin.

    Returns
    -------
    DataFrame with ``bin_lower``, ``bin_upper``, ``customers``, ``mean_predicted``, ``observed_rate``.

    Examples
    --------
    >>> calibration_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], bins=2)  # doctest: +NORMALIZE_WHITESPACE
       bin_lower  bin_upper  customers  mean_predicted  observed_rate
    0        0.0        0.5          2            0.15            0.0
    1        0.5        1.0          2            0.80            1.0
    """
    from sklearn.calibration import calibration_curve

    y, p = _inputs(y_true, proba, "proba")
    if (p < 0).any() or (p > 1).any():
        i = int(np.flatnonzero((p < 0) | (p > 1))[0])
        raise ValueError(f"proba must be probabilities in [0, 1]; the first outside is at position {i} "
                         f"(value {plain(p[i])!r}). Pass predict_proba's output, not a score")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a whole number >= 1, got {bins!r}")
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    observed, predicted = calibration_curve(y, p, n_bins=int(bins), strategy=strategy, pos_label=1.0)
    # the same edges and bin ids as calibration_curve, for the counts it does not return
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        edges = np.percentile(p, np.linspace(0, 100, bins + 1))
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=bins)
    keep = counts > 0
    return pd.DataFrame({"bin_lower": edges[:-1][keep], "bin_upper": edges[1:][keep], "customers": counts[keep],
                         "mean_predicted": predicted, "observed_rate": observed})


def profit_curve(y_true: Any, score: Any, *, value: Any, cost: float) -> pd.DataFrame:
    """Profit of targeting the top k customers by score, for every k from 0 to all.

    The simple expected-value framing of Provost & Fawcett (2013, ch. 7): a targeted positive
    brings ``value`` and every contact costs ``cost``, so targeting the top k gives
    ``profit(k) = sum over the top k of y * value - cost * k``. A cut inside tied scores takes the
    tied customers' value pro rata (see the module's note).

    Parameters
    ----------
    y_true, score : arrays or Series
        Observed outcome (0/1) and score, higher = more likely positive.
    value : number or array of numbers
        What a targeted positive brings (before the contact cost): one number for everyone, or one
        per customer (e.g. the spend of each buyer; the value of a non-positive is not used).
    cost : number >= 0
        Cost of contacting one customer.

    Returns
    -------
    DataFrame with one row per k: ``customers_targeted`` (k), ``share_targeted`` (k / n),
    ``profit`` and ``best`` (True on the row of highest profit; the smallest k if several tie).

    Examples
    --------
    >>> c = profit_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], value=10, cost=2)
    >>> c  # doctest: +NORMALIZE_WHITESPACE
       customers_targeted  share_targeted  profit   best
    0                   0            0.00     0.0  False
    1                   1            0.25     8.0  False
    2                   2            0.50     6.0  False
    3                   3            0.75    14.0   True
    4                   4            1.00    12.0  False
    """
    y, s = _inputs(y_true, score)
    cost = check_positive(cost, "cost", allow_zero=True)
    v_raw = np.asarray(value.to_numpy() if isinstance(value, pd.Series) else value)
    if v_raw.dtype == bool or not np.issubdtype(v_raw.dtype, np.number):
        raise TypeError(f"value must be a number or an array of numbers, not {v_raw.dtype}")
    if v_raw.ndim not in (0, 1) or (v_raw.ndim == 1 and len(v_raw) != len(y)):
        raise ValueError(f"value must be one number or one number per customer ({len(y)}), got shape {v_raw.shape}")
    v = np.broadcast_to(v_raw.astype(float), y.shape)
    bad = ~np.isfinite(v)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"value: {int(bad.sum())} value(s) are missing or infinite; the first is at position {i}. "
                         "Give every customer a value (0 for customers who bring nothing)")
    n = len(y)
    k = np.arange(n + 1)
    n_cum, (v_cum,) = _cumulative(s, y * v)
    profit = _at(k.astype(float), n_cum, v_cum) - cost * k
    best = np.zeros(n + 1, dtype=bool)
    best[int(np.argmax(profit))] = True
    return pd.DataFrame({"customers_targeted": k, "share_targeted": k / n, "profit": profit, "best": best})


def threshold_rule(value: float, cost: float) -> float:
    """The probability above which a contact pays: target when ``p > cost / value``.

    From Provost & Fawcett (2013, ch. 7): target when ``p * (value - cost) - (1 - p) * cost > 0``,
    that is ``p * value > cost``. Their worked case: price $200, cost of goods $100 (``value`` =
    100) and a $1 contact give 0.01. A result above 1 means no customer is worth contacting. For
    retention, ``p`` should be the offer's effect on the customer, not the churn risk (their ch. 11).

    Examples
    --------
    >>> threshold_rule(100, 1)
    0.01
    """
    value = check_positive(value, "value")
    cost = check_positive(cost, "cost", allow_zero=True)
    return cost / value


@dataclass(frozen=True)
class EMPResult:
    """Expected maximum profit of a churn score (Verbraken et al. 2013).

    ``emp``: expected profit per customer of the best retention campaign, in money units, averaged
    over the acceptance rate; ``share_targeted``: the expected share of customers that campaign targets.
    """

    emp: float
    share_targeted: float


def _upper_envelope(slope: np.ndarray, intercept: np.ndarray) -> list[tuple[int, float, float]]:
    """Segments ``(line, lo, hi)`` of [0, 1] on which each line is the highest of ``slope * x + intercept``."""
    order = np.lexsort((intercept, slope))  # by slope, then intercept; keep the last of equal slopes
    lines: list[int] = []
    for j in order:
        if lines and slope[lines[-1]] == slope[j]:
            lines.pop()
        while len(lines) >= 2:
            a, b = lines[-2], lines[-1]
            x_ab = (intercept[a] - intercept[b]) / (slope[b] - slope[a])
            x_aj = (intercept[a] - intercept[j]) / (slope[j] - slope[a])
            if x_aj > x_ab + ENVELOPE_TOLERANCE:  # else b is highest on no interval (or on a rounding sliver)
                break
            lines.pop()
        lines.append(int(j))
    cuts = [(intercept[a] - intercept[b]) / (slope[b] - slope[a]) for a, b in zip(lines, lines[1:])]
    bounds = np.clip(np.array([-np.inf, *cuts, np.inf]), 0.0, 1.0)
    return [(j, lo, hi) for j, lo, hi in zip(lines, bounds[:-1], bounds[1:]) if hi > lo]


def expected_maximum_profit(y_true: Any, score: Any, *, clv: float = EMP_CLV,
                            incentive_cost: float = EMP_INCENTIVE_COST, contact_cost: float = EMP_CONTACT_COST,
                            alpha: float = EMP_ALPHA, beta: float = EMP_BETA) -> EMPResult:
    """Expected maximum profit (EMP) of a churn score, Verbraken, Verbeke & Baesens (2013).

    A retention campaign contacts the customers with the highest churn scores (``y_true`` = 1 for
    a churner). Each contact costs ``contact_cost`` (f); every contacted non-churner takes the offer
    (costing ``incentive_cost``, d); a contacted churner accepts with probability gamma, is then
    kept (worth ``clv`` minus d), or leaves. Targeting the top k customers, of whom k0 are churners
    and k1 are not, earns per customer of the base

    ``P_k(gamma) = [(gamma * (clv - d) - f) * k0 - (d + f) * k1] / n``.

    The acceptance rate is unknown: gamma ~ Beta(alpha, beta) (mean 0.3 with the paper's defaults
    clv = 200, d = 10, f = 1, alpha = 6, beta = 14, as ``empChurn`` in the R package EMP). For each
    gamma the best campaign is the k with the highest profit (k = 0, nobody, is allowed, so
    EMP >= 0), and

    ``EMP = integral over [0, 1] of max_k P_k(gamma) * h(gamma; alpha, beta) d gamma``.

    ``max_k P_k`` is a maximum of lines in gamma, so it is piecewise linear: the function finds the
    pieces (the upper envelope; only cuts between tied scores are candidates, as on the ROC curve)
    and integrates each piece against the Beta density with ``scipy.integrate.quad``.

    Returns
    -------
    EMPResult
        ``emp`` (money per customer) and ``share_targeted`` (the expected share of customers the
        best campaign contacts).

    Examples
    --------
    >>> r = expected_maximum_profit([1, 0, 0, 0, 0], [0.9, 0.5, 0.4, 0.3, 0.2])
    >>> round(r.emp, 2), round(r.share_targeted, 2)
    (11.2, 0.2)
    """
    from scipy import integrate, stats

    y, s = _inputs(y_true, score)
    clv = check_positive(clv, "clv")
    d = check_positive(incentive_cost, "incentive_cost", allow_zero=True)
    f = check_positive(contact_cost, "contact_cost", allow_zero=True)
    alpha = check_positive(alpha, "alpha")
    beta = check_positive(beta, "beta")
    n = len(y)
    n_cum, (k0,) = _cumulative(s, y)
    k1 = n_cum - k0
    slope = (clv - d) * k0 / n
    intercept = -(f * k0 + (d + f) * k1) / n
    density = stats.beta(alpha, beta)
    emp = share = 0.0
    for j, lo, hi in _upper_envelope(slope, intercept):
        piece, _ = integrate.quad(lambda g, j=j: (slope[j] * g + intercept[j]) * density.pdf(g), lo, hi)
        emp += piece
        share += n_cum[j] / n * (density.cdf(hi) - density.cdf(lo))
    return EMPResult(emp=float(max(emp, 0.0)), share_targeted=float(share))

"""Per-customer log-likelihoods of the BG/NBD, Pareto/NBD and Gamma-Gamma models.

Our own implementations (in log space, stable for large frequencies): the models' standard
errors and ``log_likelihood_`` come from them, and the golden tests check them against Fader &
Hardie's notes. Re-exported by :mod:`relmkt_lib.btyd`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln, hyp2f1, logsumexp

from ._common import check_summary, param_values, repeat_buyers

__all__ = ["bgnbd_log_likelihood", "pareto_nbd_log_likelihood", "gamma_gamma_log_likelihood"]


def bgnbd_log_likelihood(params: Any, summary: pd.DataFrame) -> pd.Series:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6), in log space.

    Stable for large x (Hardie's note 027). ``params``: a fitted model or a mapping of r, alpha,
    a, b. Sum it for the model's log-likelihood (lifetimes rescales time, so its own value
    differs by a constant).

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 200], "recency": [0, 38], "T": [40, 40]})
    >>> bgnbd_log_likelihood(dict(r=0.25, alpha=4.0, a=0.8, b=2.5), s).round(4).tolist()
    [-0.5995, 100.7957]
    """
    r, alpha, a, b = param_values(params, ["r", "alpha", "a", "b"])
    s = check_summary(summary)
    x, tx, T = (s[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    first = common + betaln(a, b + x) - (r + x) * np.log(alpha + T)
    with np.errstate(all="ignore"):
        second = common + betaln(a + 1, b + x - 1) - (r + x) * np.log(alpha + tx)
    ll = np.where(x > 0, np.logaddexp(first, np.where(x > 0, second, -np.inf)), first)
    return pd.Series(ll, index=s.index, name="log_likelihood")


def pareto_nbd_log_likelihood(params: Any, summary: pd.DataFrame) -> pd.Series:
    """Per-customer Pareto/NBD log-likelihood (Fader & Hardie 2005 note, eq. 3), in log space.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [38.86]})
    >>> round(float(pareto_nbd_log_likelihood(dict(r=0.553, alpha=10.578, s=0.606, beta=11.669), s)[0]), 3)
    -0.521
    """
    r, alpha, s_, beta = param_values(params, ["r", "alpha", "s", "beta"])
    s = check_summary(summary)
    x, tx, T = (s[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    rsx = r + s_ + x
    # the hypergeometric argument (big - small) / (big + t) stays in [0, 1) on either branch
    big, b2 = (alpha, s_ + 1) if alpha >= beta else (beta, r + x)
    gap = abs(alpha - beta)
    log_a1 = np.log(hyp2f1(rsx, b2, rsx + 1, gap / (big + tx))) - rsx * np.log(big + tx)
    log_a2 = np.log(hyp2f1(rsx, b2, rsx + 1, gap / (big + T))) - rsx * np.log(big + T)
    log_alive = -(r + x) * np.log(alpha + T) - s_ * np.log(beta + T)
    w = s_ / rsx
    terms = np.stack([log_alive, log_a1, log_a2])
    weights = np.stack([np.ones_like(x), w, -w])
    inner = logsumexp(terms, axis=0, b=weights)
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s_ * np.log(beta) + inner
    return pd.Series(ll, index=s.index, name="log_likelihood")


def gamma_gamma_log_likelihood(params: Any, summary: pd.DataFrame) -> pd.Series:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend zbar given x (repeat buyers).

    ``params``: a fitted model or a mapping of p, q and gamma (the scale that lifetimes calls v).

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [1], "monetary_value": [10.0]})
    >>> round(float(gamma_gamma_log_likelihood(dict(p=6.25, q=3.74, gamma=15.44), s)[0]), 4)
    -3.9214
    """
    p, q, v = param_values(params, ["p", "q", "gamma"])
    s = repeat_buyers(summary)
    x, z = s["frequency"].to_numpy(dtype="float64"), s["monetary_value"].to_numpy(dtype="float64")
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(z)
          + p * x * np.log(x) - (p * x + q) * np.log(v + x * z))
    return pd.Series(ll, index=s.index, name="log_likelihood")

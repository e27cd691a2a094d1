"""Markov-chain algebra of the loyalty ladder (re-exported by :mod:`relmkt_lib.migration`).

``project_states`` and ``steady_state`` say where a customer base ends up if its transition
matrix stays the same; ``markov_clv`` values each state with the customer-migration model of
Pfeifer & Carraway (2000); ``simulate_paths`` checks it by simulation;
``pfeifer_carraway_example`` rebuilds the paper's example.

References
----------
Pfeifer, P. E., & Carraway, R. L. (2000). Modeling customer relationships as Markov chains.
*Journal of Interactive Marketing*, 14(2), 43-55.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, plain, removed_keywords, warn_if_percent

__all__ = ["project_states", "steady_state", "markov_clv", "simulate_paths", "pfeifer_carraway_example",
           "as_state_vector"]

#: Rows of P may miss 1 by this much (rounding of published or estimated probabilities).
ROW_SUM_TOL = 1e-8
#: The infinite-horizon value needs every eigenvalue of the discounted matrix below 1 - this.
CONVERGENCE_TOL = 1e-12


def _as_matrix(P: Any) -> tuple[np.ndarray, list]:
    labels = list(P.index) if isinstance(P, pd.DataFrame) else None
    if isinstance(P, pd.DataFrame) and list(P.index) != list(P.columns):
        raise ValueError("P's rows and columns must list the same states in the same order")
    try:
        m = np.asarray(P, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError("P must be a square matrix of probabilities (a 2-D array or DataFrame)") from None
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"P must be a square matrix (n states x n states), got shape {m.shape}")
    labels = labels or list(range(m.shape[0]))
    if not np.isfinite(m).all() or (m < 0).any():
        i, j = np.argwhere(~np.isfinite(m) | (m < 0))[0]
        raise ValueError(f"P[{plain(labels[i])!r}, {plain(labels[j])!r}] = {plain(m[i, j])!r}: "
                         "probabilities must be finite and >= 0")
    sums = m.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1) > ROW_SUM_TOL)
    if bad.size:
        i = bad[0]
        raise ValueError(f"row {plain(labels[i])!r} of P sums to {sums[i]:.6g}, not 1: each row holds the "
                         "probabilities of moving from that state to every state; fix or renormalize it")
    return m, labels


def as_state_vector(x: Any, labels: list, name: str) -> np.ndarray:
    """One finite value per state of P, in P's order, from an array, a Series or a mapping."""
    if isinstance(x, Mapping) or isinstance(x, pd.Series):
        x = pd.Series(x)
        missing = [s for s in labels if s not in x.index]
        if missing:
            raise ValueError(f"{name} has no value for state {missing[0]!r}; give one per state of P")
        x = x.loc[labels]
    v = np.asarray(x, dtype="float64").ravel()
    if v.size != len(labels):
        raise ValueError(f"{name} has {v.size} values but P has {len(labels)} states; give one per state")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} must be finite; the first bad value is {plain(v[~np.isfinite(v)][0])!r}")
    return v


def project_states(P: Any, start_mix: Any, periods: int) -> pd.DataFrame:
    """The mix of states over the next ``periods`` periods if the chain does not change.

    Row ``t`` is ``start_mix @ P**t`` (shares if ``start_mix`` sums to 1, counts otherwise).

    Examples
    --------
    >>> P = np.array([[0.5, 0.5], [0.0, 1.0]])
    >>> project_states(P, [1.0, 0.0], 2).to_numpy().tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.25, 0.75]]
    """
    m, labels = _as_matrix(P)
    x = as_state_vector(start_mix, labels, "start_mix")
    if (x < 0).any():
        raise ValueError(f"start_mix must be >= 0, got {plain(x[x < 0][0])!r}")
    if not isinstance(periods, (int, np.integer)) or periods < 0:
        raise ValueError(f"periods must be a whole number >= 0, got {periods!r}")
    rows = [x]
    for _ in range(periods):
        rows.append(rows[-1] @ m)
    return pd.DataFrame(rows, columns=labels, index=pd.RangeIndex(periods + 1, name="period"))


def steady_state(P: Any) -> pd.Series:
    """The long-run mix pi with pi P = pi and sum 1 (unique when the chain has one closed class).

    Examples
    --------
    >>> steady_state(np.array([[0.9, 0.1], [0.5, 0.5]])).round(4).tolist()
    [0.8333, 0.1667]
    """
    m, labels = _as_matrix(P)
    n = m.shape[0]
    a = np.vstack([m.T - np.eye(n), np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    if np.abs(a @ pi - b).max() > ROW_SUM_TOL or np.linalg.matrix_rank(a) < n:
        raise ValueError("P has no unique steady state (several closed classes); project_states instead")
    return pd.Series(np.clip(pi, 0, None), index=labels, name="steady-state share")


@removed_keywords(discount="discount_rate=... (the discount rate per period, > -1)")
def markov_clv(P: Any, rewards: Any, discount_rate: float, *, horizon: int | None = None,
               timing: str = "start") -> pd.Series:
    """Lifetime value of a customer in each state (Pfeifer & Carraway 2000).

    ``horizon=T`` counts ``T`` periods' rewards, as :func:`relmkt_lib.clv.simple_clv` counts
    ``T`` margins, and ``timing`` says which periods, with the same meaning:

    - ``timing="start"`` (default, Pfeifer & Carraway's model): the reward of the current period
      is counted, then the next ``T - 1``: ``V = sum_{t=0}^{T-1} (P / (1 + d))**t R``, and with
      no horizon ``V = (I - P / (1 + d))**-1 R``;
    - ``timing="end"``: the next ``T`` periods' rewards, the current one already earned:
      ``V = sum_{t=1}^{T} (P / (1 + d))**t R``, and with no horizon ``P / (1 + d)`` times the
      "start" value.

    For a two-state chain (alive with retention ``r`` and reward ``m``; lost with reward 0) both
    equal ``simple_clv(m, r, d, horizon=T, timing=timing)``. Zero-reward absorbing states (a
    "lost" state) have V = 0; the series must converge on the others, which needs
    ``discount_rate > 0`` unless every customer ends up in such a state.

    Parameters
    ----------
    P : array or DataFrame
        Square, non-negative, rows summing to 1.
    rewards : array, Series or mapping
        Net reward (margin minus cost) per customer and period in each state.
    discount_rate : float
        Discount rate per period, > -1 (consistent with the period length).
    horizon : int, optional
        Number of periods whose reward is counted (0 gives 0); None for no end.
    timing : {"start", "end"}, default "start"
        Whether the current period's reward is the first one counted.

    Examples
    --------
    >>> P = np.array([[0.8, 0.2], [0.0, 1.0]])
    >>> markov_clv(P, [10.0, 0.0], 0.25).round(2).tolist()  # 10 / (1 - 0.8 / 1.25)
    [27.78, 0.0]
    >>> markov_clv(P, [10.0, 0.0], 0.25, horizon=2).round(2).tolist()  # 10 + 0.8 x 10 / 1.25
    [16.4, 0.0]
    >>> markov_clv(P, [10.0, 0.0], 0.25, horizon=1, timing="end").round(2).tolist()  # 0.8 x 10 / 1.25
    [6.4, 0.0]
    """
    m, labels = _as_matrix(P)
    r = as_state_vector(rewards, labels, "rewards")
    d = _check_discount_rate(discount_rate)
    if timing not in ("start", "end"):
        raise ValueError(f"timing must be 'start' (the current period's reward counts first) or 'end' "
                         f"(the next period's first), not {timing!r}")
    a = m / (1 + d)
    if horizon is not None:
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 0:
            raise ValueError(f"horizon must be a whole number of periods >= 0 or None, got {horizon!r}")
        v, term = np.zeros(len(labels)), r.copy()
        for _ in range(int(horizon)):
            v += term
            term = a @ term
    else:
        v = _infinite_value(m, a, r, d)
    return pd.Series(a @ v if timing == "end" else v, index=labels, name="V")


def _check_discount_rate(discount_rate: Any) -> float:
    try:
        d = float(discount_rate)
    except (TypeError, ValueError):
        raise TypeError(f"discount_rate must be a number, not {discount_rate!r}") from None
    if not np.isfinite(d) or d <= -1:
        raise ValueError(f"discount_rate must be a finite rate > -1 per period, got {discount_rate!r}")
    warn_if_percent(d)
    return d


def _infinite_value(m: np.ndarray, a: np.ndarray, r: np.ndarray, d: float) -> np.ndarray:
    """``(I - a)**-1 r`` on the states that are not zero-reward absorbing (those are worth 0)."""
    dead = (np.diag(m) == 1) & (r == 0)
    keep = ~dead
    q = a[np.ix_(keep, keep)]
    if q.size and np.abs(np.linalg.eigvals(q)).max() >= 1 - CONVERGENCE_TOL:
        raise ValueError(f"with discount_rate={d!r} the infinite-horizon value diverges: customers keep "
                         "earning rewards forever without discounting. Use a discount_rate > 0, a finite "
                         "horizon, or a zero-reward absorbing 'lost' state")
    v = np.zeros(len(r))
    v[keep] = np.linalg.solve(np.eye(int(keep.sum())) - q, r[keep])
    return v


@removed_keywords(start="start_state=... (the state every path starts in)")
def simulate_paths(P: Any, start_state: Any, periods: int, n_customers: int, *,
                   rng: None | int | np.random.Generator = None) -> np.ndarray:
    """Simulate customers moving through the chain: an (n_customers, periods + 1) array of state positions.

    Examples
    --------
    >>> simulate_paths(np.array([[0.0, 1.0], [0.0, 1.0]]), 0, 2, 3, rng=1).tolist()
    [[0, 1, 1], [0, 1, 1], [0, 1, 1]]
    """
    m, labels = _as_matrix(P)
    if start_state not in labels:
        raise ValueError(f"start_state must be one of P's states {labels}, got {start_state!r}")
    for name, value in (("periods", periods), ("n_customers", n_customers)):
        if not isinstance(value, (int, np.integer)) or value < (0 if name == "periods" else 1):
            raise ValueError(f"{name} must be a whole number (>= {0 if name == 'periods' else 1}), got {value!r}")
    rng = as_rng(rng)
    cum = np.cumsum(m, axis=1)
    cum[:, -1] = 1.0
    paths = np.empty((n_customers, periods + 1), dtype=int)
    paths[:, 0] = labels.index(start_state)
    for t in range(periods):
        u = rng.random(n_customers)
        paths[:, t + 1] = (u[:, None] >= cum[paths[:, t]]).sum(axis=1)
    return paths


def pfeifer_carraway_example(*, mail_state4: bool = True) -> tuple[pd.DataFrame, pd.Series]:
    """The migration example of Pfeifer & Carraway (2000): transition matrix and rewards.

    States 1-4 are the periods since the last purchase (1 = bought last period), 5 = lost.
    A mailed customer buys with probability 0.30, 0.20, 0.15, 0.05 (state 1 to 4); a purchase
    brings a margin of 40 and a mailing costs 4, so R = (36, -4, -4, -4, 0). A buyer moves to
    state 1; a non-buyer to the next state; state 5 is absorbing. With ``mail_state4=False``,
    state 4 is not mailed: no purchase, no cost, so it moves to 5 with reward 0.

    Examples
    --------
    >>> P, R = pfeifer_carraway_example()
    >>> P.loc[2].tolist(), R.tolist()
    ([0.2, 0.0, 0.8, 0.0, 0.0], [36.0, -4.0, -4.0, -4.0, 0.0])
    """
    p = [0.30, 0.20, 0.15, 0.05 if mail_state4 else 0.0]
    P = np.zeros((5, 5))
    for i, pi in enumerate(p):
        P[i, 0], P[i, i + 1] = pi, 1 - pi
    P[4, 4] = 1.0
    R = np.array([36.0, -4.0, -4.0, -4.0 if mail_state4 else 0.0, 0.0])
    states = pd.Index([1, 2, 3, 4, 5], name="state")
    return pd.DataFrame(P, index=states, columns=states), pd.Series(R, index=states, name="reward")

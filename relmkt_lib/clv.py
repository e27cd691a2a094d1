"""Customer lifetime value (CLV): simple formulas, customer equity and sensitivity.

The **lifetime value** of a customer is the present value of the margins they will bring
while they stay. With a margin ``m`` per period, a retention rate ``r`` (the chance of staying
from one period to the next) and a discount rate ``d`` per period, the expected margin of
period ``t`` is ``m r^t`` and is worth ``m r^t / (1 + d)^t`` today.

Two timings are in use in the literature, and they differ by one margin:

- ``timing="end"`` (Gupta & Lehmann 2003; :func:`relmkt_lib.metrics.lifetime_value`): the
  customer is active now and the current period's margin is already counted. In each later
  period ``t = 1, 2, ...`` they are still there with probability ``r^t`` and pay ``m`` at the
  **end** of the period: ``CLV = sum_{t=1}^{T} m r^t / (1 + d)^t``, and with no horizon
  ``m r / (1 + d - r)``. This values an existing customer at the end of a period.
- ``timing="start"`` (Gupta, Lehmann & Stuart 2004; :func:`relmkt_lib.cohorts.firm_value`): the
  customer has just been acquired and pays the first margin **now**, for sure, then ``m`` at
  the start of each period they are still there: ``CLV = sum_{t=0}^{T-1} m r^t / (1 + d)^t``,
  and with no horizon ``m (1 + d) / (1 + d - r)`` (that is ``m`` plus the "end" value).

In both, ``horizon=T`` counts ``T`` margins. A margin that grows by ``g`` a period
(``margin_growth``) is ``m (1 + g)^k`` for the ``k``-th margin counted (the first is ``m``).
Retention and margin are the same for every customer and every period: a back-of-the-envelope
model. Chapters 05-07 relax it (migration between states, heterogeneous retention).

References
----------
Berger, P. D., & Nasr, N. I. (1998). Customer lifetime value: Marketing models and
applications. *Journal of Interactive Marketing*, 12(1), 17-30.
Gupta, S., & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*,
17(1), 9-24.
Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
Research*, 41(1), 7-18.
Blattberg, R. C., & Deighton, J. (1996). Manage marketing by the customer equity test.
*Harvard Business Review*, 74(4), 136-144.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, check_positive, first_bad_row, plain, require_columns

__all__ = ["simple_clv", "clv_schedule", "customer_equity", "retention_elasticity", "clv_levers"]

_TIMINGS = ("end", "start")
_LEVERS = ("retention", "margin", "discount", "acquisition_cost")


def _array(value: Any, name: str, lo: float, hi: float = np.inf, *, lo_open: bool = False,
           hint: str = "") -> np.ndarray:
    """``value`` as a float array; an error naming the argument and the first bad value."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, not {value!r}")
    try:
        x = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, not {value!r}") from None
    bad = ~np.isfinite(x) | (x <= lo if lo_open else x < lo) | (x > hi)
    if bad.any():
        first = plain(x.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])
        where = "" if x.ndim == 0 else f" (first bad value at position {int(np.flatnonzero(bad.reshape(-1))[0])})"
        bound = f"{'>' if lo_open else '>='} {lo:g}" + (f" and <= {hi:g}" if np.isfinite(hi) else "")
        raise ValueError(f"{name} must be finite and {bound}, got {first!r}{where}. {hint}".strip())
    return x


def _horizon(horizon: Any) -> np.ndarray | None:
    if horizon is None:
        return None
    if isinstance(horizon, (bool, np.bool_, str)):
        raise TypeError(f"horizon must be None (no end) or a whole number of periods >= 0, not {horizon!r}")
    h = np.asarray(horizon)
    if h.dtype.kind == "f" and np.all(np.isfinite(h)) and np.all(h == np.round(h)):
        h = h.astype(np.int64)
    if h.dtype.kind not in "iu":
        raise TypeError(f"horizon must be None (no end) or a whole number of periods >= 0, not {horizon!r}; "
                        "for example horizon=5")
    if (h < 0).any():
        raise ValueError(f"horizon must be >= 0 periods, got {plain(h.reshape(-1)[np.argmax(h.reshape(-1) < 0)])!r}")
    return h


def _inputs(margin: Any, retention: Any, discount: Any, horizon: Any, timing: str,
            margin_growth: Any, acquisition_cost: Any) -> tuple[Any, ...]:
    if timing not in _TIMINGS:
        raise ValueError(f"timing must be 'end' (margins at the end of each period, customer retained "
                         f"first) or 'start' (first margin now), not {timing!r}")
    m = _array(margin, "margin", -np.inf)
    r = _array(retention, "retention", 0.0, 1.0, hint="Pass a share between 0 and 1 (0.8 for 80 %).")
    d = _array(discount, "discount", -1.0, lo_open=True, hint="Pass a rate per period (0.1 for 10 %).")
    g = _array(margin_growth, "margin_growth", -1.0, lo_open=True)
    c = _array(acquisition_cost, "acquisition_cost", 0.0)
    h = _horizon(horizon)
    q = r * (1 + g) / (1 + d)
    if h is None and (q >= 1).any():
        i = int(np.flatnonzero(np.broadcast_to(q >= 1, q.shape).reshape(-1))[0])
        rr, dd, gg = (np.broadcast_to(a, q.shape).reshape(-1)[i] for a in (r, d, g))
        raise ValueError(
            f"with no horizon the lifetime value is infinite when retention x (1 + margin_growth) >= "
            f"1 + discount (retention={rr:g}, discount={dd:g}, margin_growth={gg:g}): customers never "
            "leave and money is not discounted enough. Pass a horizon (for example horizon=10), a "
            "retention below 1 or a higher discount.")
    return m, r, d, g, c, h, q


def _wrap(value: np.ndarray, *inputs: Any) -> Any:
    """A float for scalar inputs, a Series if an input was a Series, else an array."""
    for x in inputs:
        if isinstance(x, pd.Series) and np.ndim(value) == 1 and len(x) == len(value):
            return pd.Series(value, index=x.index)
    return float(value) if np.ndim(value) == 0 else value


def _sum_and_slope(q: np.ndarray, h: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``S = sum_{k<T} q^k`` and ``dS/dq`` (geometric series, with the limit at q = 1)."""
    if h is None:
        return 1 / (1 - q), 1 / (1 - q) ** 2
    q, h = np.broadcast_arrays(q, h.astype("float64"))
    e = q - 1
    near = np.abs(e) * np.maximum(h, 1) < 1e-3  # near q = 1: Taylor series in e (no 0/0, no cancellation)
    qs = np.where(near, 0.5, q)
    s = np.where(near, h + e * h * (h - 1) / 2 + e**2 * h * (h - 1) * (h - 2) / 6, (1 - qs**h) / (1 - qs))
    ds = np.where(near, h * (h - 1) / 2 + e * h * (h - 1) * (h - 2) / 3 + e**2 * h * (h - 1) * (h - 2) * (h - 3) / 8,
                  (1 - qs**h - h * qs ** np.maximum(h - 1, 0) * (1 - qs)) / (1 - qs) ** 2)
    return s, ds


def simple_clv(margin: Any, retention: Any, discount: Any, horizon: Any = None, *, timing: str = "end",
               margin_growth: Any = 0.0, acquisition_cost: Any = 0.0) -> Any:
    """Lifetime value of a customer with constant retention, over a finite or infinite horizon.

    ``CLV = m A (1 - q^T) / (1 - q) - c`` with ``q = r (1 + g) / (1 + d)`` and ``A = r / (1 + d)``
    for ``timing="end"`` or ``A = 1`` for ``timing="start"`` (see the module's docstring);
    with ``horizon=None`` the sum has no end: ``m A / (1 - q) - c``, that is ``m r / (1 + d - r)``
    ("end") or ``m (1 + d) / (1 + d - r)`` ("start") when ``g = c = 0``.

    Every argument but ``timing`` can be an array: they broadcast, so a whole grid of
    scenarios costs one call.

    Parameters
    ----------
    margin : float or array
        Margin per customer per period, in money (a loss-making customer has a negative margin).
    retention : float or array
        Chance that a customer stays from one period to the next, in [0, 1].
    discount : float or array
        Discount rate per period (0.1 for 10 %), above -1.
    horizon : int or array of int, optional
        Number of margins counted (periods); None (default) for no end.
    timing : {"end", "start"}, default "end"
        "end": an existing customer, retained before each margin (Gupta & Lehmann 2003).
        "start": a new customer whose first margin is paid now (Gupta, Lehmann & Stuart 2004).
    margin_growth : float or array, default 0
        Growth of the margin per period (0.02 for 2 %), above -1.
    acquisition_cost : float or array, default 0
        Subtracted once (for the value of a new customer, net of what it cost to win them).

    Returns
    -------
    float, numpy array or Series
        A float for scalar inputs; a Series indexed like a Series input.

    Examples
    --------
    >>> round(simple_clv(100, 0.8, 0.1), 2)                   # m r / (1 + d - r)
    266.67
    >>> round(simple_clv(100, 0.8, 0.1, timing="start"), 2)   # m (1 + d) / (1 + d - r)
    366.67
    >>> simple_clv(100, [0.5, 0.8], 0.1, horizon=3).round(2)  # two retention rates, 3 years
    array([ 75.51, 164.09])
    """
    m, r, d, g, c, h, q = _inputs(margin, retention, discount, horizon, timing, margin_growth,
                                  acquisition_cost)
    a = r / (1 + d) if timing == "end" else np.ones_like(r)
    s, _ = _sum_and_slope(q, h)
    return _wrap(m * a * s - c, margin, retention, discount, horizon)


def clv_schedule(margin: float, retention: float, discount: float, horizon: int, *,
                 timing: str = "end", margin_growth: float = 0.0) -> pd.DataFrame:
    """The lifetime value period by period: the table to compute it by hand.

    Returns
    -------
    DataFrame
        One row per margin counted, indexed by ``period`` (1, 2, ...): ``paid_at`` (the time
        of the payment, in periods from now), ``still_there`` (probability of being a customer
        then), ``margin``, ``discount_factor`` (``1 / (1 + d)^paid_at``),
        ``discounted_margin`` (their product) and ``cumulative_clv``. The last
        ``cumulative_clv`` equals ``simple_clv(...)`` with the same horizon.

    Examples
    --------
    >>> clv_schedule(100, 0.8, 0.1, 3)[["still_there", "discounted_margin", "cumulative_clv"]].round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
            still_there  discounted_margin  cumulative_clv
    period
    1             0.800            72.7273         72.7273
    2             0.640            52.8926        125.6198
    3             0.512            38.4673        164.0872
    """
    _inputs(margin, retention, discount, horizon, timing, margin_growth, 0.0)
    if np.ndim(horizon) != 0 or horizon is None or np.ndim(margin) or np.ndim(retention) or np.ndim(discount):
        raise ValueError("clv_schedule takes single numbers and a whole-number horizon >= 1; "
                         "use simple_clv for arrays or no horizon")
    if int(horizon) < 1:
        raise ValueError(f"horizon must be at least 1 period for a schedule, got {horizon!r}")
    k = np.arange(int(horizon))
    paid_at = k + 1 if timing == "end" else k
    still = float(retention) ** paid_at
    marg = float(margin) * (1 + float(margin_growth)) ** k
    factor = (1 + float(discount)) ** -paid_at.astype("float64")
    value = still * marg * factor
    out = pd.DataFrame({"paid_at": paid_at, "still_there": still, "margin": marg,
                        "discount_factor": factor, "discounted_margin": value,
                        "cumulative_clv": np.cumsum(value)}, index=pd.Index(k + 1, name="period"))
    return out


def customer_equity(customers: Any, margin: Any = None, retention: Any = None, discount: float = 0.1, *,
                    horizon: int | None = None, new_customers: float = 0.0, growth: float = 0.0,
                    acquisition_cost: float = 0.0, cohorts: int | None = None, margin_col: str = "margin",
                    retention_col: str = "retention", count_col: str | None = None) -> pd.Series:
    """Value of a customer base: its current customers plus, optionally, future cohorts.

    The timing is that of Gupta, Lehmann & Stuart (2004), as in :func:`relmkt_lib.cohorts.firm_value`:
    time 0 is the start of the coming period and margins are paid at the start of each period.
    A current customer is kept into the coming period with probability ``r``, then is worth a
    new customer's ``simple_clv(..., timing="start")``. The ``k``-th future cohort
    (``k = 0, 1, ...``) holds ``new_customers (1 + growth)^k`` customers, each worth
    ``simple_clv(..., timing="start") - acquisition_cost``, discounted by ``(1 + d)^k``: all of
    them (needs ``growth < discount``) or the first ``cohorts``. This is the "customer equity
    test" of Blattberg & Deighton (1996): spend on acquisition and retention to maximise it.

    Parameters
    ----------
    customers : float or DataFrame
        The number of current customers (then ``margin`` and ``retention`` are single numbers),
        or a table with one row per customer (or per segment, with ``count_col``) holding its
        margin and retention. Not modified.
    margin, retention : float, optional
        Margin per period and retention rate: of every customer when ``customers`` is a count;
        of the future cohorts when it is a table (needed only if ``new_customers > 0``).
    discount : float, default 0.1
        Discount rate per period (> 0).
    horizon : int, optional
        Margins counted per customer; default no end.
    new_customers, growth, acquisition_cost, cohorts
        Future cohorts: customers acquired in the coming period, their growth per period, the
        cost of acquiring one, and how many cohorts to count (default all).
    margin_col, retention_col, count_col : str
        Columns of the table (``count_col``: customers per row, default one).

    Returns
    -------
    Series
        ``current_customers`` (their number), ``current_value``, ``future_value`` and ``equity``
        (the sum of the two values).

    Examples
    --------
    >>> customer_equity(1000, margin=100, retention=0.8, discount=0.1).round(2)
    current_customers      1000.00
    current_value        293333.33
    future_value              0.00
    equity               293333.33
    dtype: float64
    >>> table = pd.DataFrame({"margin": [100.0, 40.0], "retention": [0.8, 0.5]})
    >>> float(customer_equity(table, discount=0.1)["current_value"].round(2))
    330.0
    """
    d = check_positive(discount, "discount")
    if isinstance(customers, pd.DataFrame):
        check_dataframe(customers, "customers")
        require_columns(customers, [margin_col, retention_col, count_col], "customers")
        cols = {"margin": margin_col, "retention": retention_col, "count": count_col}
        for what, col in cols.items():
            if col is None:
                continue
            values = pd.to_numeric(customers[col], errors="coerce").to_numpy("float64")
            lo = {"margin": -np.inf, "retention": 0.0, "count": 0.0}[what]
            bad = ~np.isfinite(values) | (values < lo) | ((values > 1) if what == "retention" else False)
            if bad.any():
                label, row = first_bad_row(customers, bad)
                raise ValueError(f"column {col!r} of customers must hold finite numbers"
                                 f"{' in [0, 1]' if what == 'retention' else ' >= 0' if what == 'count' else ''}; "
                                 f"the first bad row is {label!r} ({row[col]!r}). Fix or drop that row.")
        m_i = customers[margin_col].to_numpy("float64")
        r_i = customers[retention_col].to_numpy("float64")
        n_i = np.ones(len(customers)) if count_col is None else customers[count_col].to_numpy("float64")
        n_current = float(n_i.sum())
    else:
        n_current = check_positive(customers, "customers", allow_zero=True)
        if margin is None or retention is None:
            raise ValueError("with a count of customers, pass margin= and retention= (single numbers)")
        m_i, r_i, n_i = np.atleast_1d(margin), np.atleast_1d(retention), np.array([n_current])
        if m_i.size != 1 or r_i.size != 1:
            raise ValueError("with a count of customers, margin and retention must be single numbers; "
                             "pass a table of customers for one margin and retention per customer")
    current = float(np.sum(n_i * r_i * simple_clv(m_i, r_i, d, horizon, timing="start")))

    n0 = check_positive(new_customers, "new_customers", allow_zero=True)
    c = check_positive(acquisition_cost, "acquisition_cost", allow_zero=True)
    future = 0.0
    if n0 > 0:
        if margin is None or retention is None:
            raise ValueError("new_customers > 0 needs margin= and retention= for the future cohorts")
        g = float(_array(growth, "growth", -1.0, lo_open=True))
        if cohorts is None:
            if g >= d:
                raise ValueError(f"growth ({g}) must be below the discount rate ({d}) for the value of "
                                 "all future cohorts to be finite; lower growth or pass cohorts=N")
            weight = (1 + d) / (d - g)
        elif isinstance(cohorts, bool) or not isinstance(cohorts, (int, np.integer)) or cohorts < 0:
            raise ValueError(f"cohorts must be None (all future cohorts) or a whole number >= 0, got {cohorts!r}")
        else:
            weight = float(sum(((1 + g) / (1 + d)) ** k for k in range(cohorts)))
        future = n0 * weight * (simple_clv(margin, retention, d, horizon, timing="start") - c)
    return pd.Series({"current_customers": n_current, "current_value": current,
                      "future_value": float(future), "equity": current + float(future)})


def retention_elasticity(margin: Any, retention: Any, discount: Any, horizon: Any = None, *,
                         timing: str = "end", margin_growth: Any = 0.0, acquisition_cost: Any = 0.0,
                         of: str = "retention") -> Any:
    """Elasticity of the lifetime value: its % change for a 1 % change in one input (analytic).

    ``elasticity = (dCLV / dx) x / CLV``, computed from the derivative of the geometric sum, for
    ``x`` = retention (default), margin, discount or acquisition_cost. With no horizon and no
    acquisition cost, the retention elasticity is ``(1 + d) / (1 + d - r)`` ("end") or
    ``r / (1 + d - r)`` ("start"), and the margin elasticity is 1. It grows with ``r``: the
    retention lever is convex. Arguments as in :func:`simple_clv`; arrays broadcast.

    Parameters
    ----------
    of : {"retention", "margin", "discount", "acquisition_cost"}
        The input that changes.

    Examples
    --------
    >>> round(retention_elasticity(100, 0.8, 0.1), 4)   # (1 + d) / (1 + d - r)
    3.6667
    >>> round(retention_elasticity(100, 0.8, 0.1, of="discount"), 4)   # -d / (1 + d - r)
    -0.3333
    """
    if of not in _LEVERS:
        raise ValueError(f"of must be one of {list(_LEVERS)}, not {of!r}")
    m, r, d, g, c, h, q = _inputs(margin, retention, discount, horizon, timing, margin_growth,
                                  acquisition_cost)
    end = timing == "end"
    a = r / (1 + d) if end else np.ones_like(r)
    s, ds = _sum_and_slope(q, h)
    value = m * a * s - c
    if of == "margin":
        slope, x = a * s, m
    elif of == "acquisition_cost":
        slope, x = -np.ones_like(c), c
    elif of == "retention":
        slope, x = m * ((1 / (1 + d) if end else 0.0) * s + a * ds * (1 + g) / (1 + d)), r
    else:
        slope, x = m * ((-a / (1 + d) if end else 0.0) * s - a * ds * q / (1 + d)), d
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(value != 0, slope * x / np.where(value != 0, value, 1.0), np.nan)
    return _wrap(out + 0.0, margin, retention, discount, horizon)


def clv_levers(margin: float, retention: float, discount: float, horizon: int | None = None, *,
               timing: str = "end", margin_growth: float = 0.0, acquisition_cost: float = 0.0,
               improvement: float = 0.01) -> pd.DataFrame:
    """What a 1 % improvement of each lever does to the lifetime value, one lever at a time.

    Retention ``r x 1.01``, margin ``m x 1.01``, discount rate ``d x 0.99`` (cheaper money) and
    acquisition cost ``c x 0.99``, as in Gupta, Lehmann & Stuart (2004).

    Returns
    -------
    DataFrame
        One row per lever: ``from``, ``to``, ``clv`` (after the change), ``change_pct`` (exact)
        and ``elasticity`` (analytic, :func:`retention_elasticity`). The columns suit
        ``plotting.plot_value_levers``. ``attrs["base_clv"]`` holds the base value.

    Examples
    --------
    >>> clv_levers(100, 0.8, 0.1)["change_pct"].round(2)
    lever
    retention           3.77
    margin              1.00
    discount            0.33
    acquisition cost    0.00
    Name: change_pct, dtype: float64
    """
    x = check_positive(improvement, "improvement")
    if x >= 1:
        raise ValueError(f"improvement is a share (0.01 for 1 %), got {improvement!r}")
    args = dict(margin=margin, retention=retention, discount=discount, horizon=horizon, timing=timing,
                margin_growth=margin_growth, acquisition_cost=acquisition_cost)
    if any(np.ndim(v) for k, v in args.items() if k != "timing"):
        raise ValueError("clv_levers takes single numbers; use retention_elasticity for arrays")
    base = simple_clv(**args)
    if float(retention) * (1 + x) > 1:
        raise ValueError(f"retention {retention} improved by {x:.0%} is above 1; pass a smaller improvement")
    changes = {"retention": ("retention", float(retention) * (1 + x)),
               "margin": ("margin", float(margin) * (1 + x)),
               "discount": ("discount", float(discount) * (1 - x)),
               "acquisition cost": ("acquisition_cost", float(acquisition_cost) * (1 - x))}
    rows = {}
    for lever, (arg, new) in changes.items():
        value = simple_clv(**{**args, arg: new})
        rows[lever] = {"from": float(args[arg]), "to": new, "clv": value,
                       "change_pct": (value / base - 1) * 100 if base != 0 else np.nan,
                       "elasticity": retention_elasticity(**args, of=arg)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "lever"
    out.attrs["base_clv"] = base
    return out

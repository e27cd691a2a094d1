"""Customer equity and firm value (Gupta, Lehmann & Stuart 2004), re-exported by :mod:`relmkt_lib.clv`.

This private partner of :mod:`relmkt_lib.clv` also holds the arithmetic that every CLV formula
of the kit shares: the checks of the inputs, the geometric series of discounted margins and the
table of 1 % levers. :mod:`relmkt_lib.clv` imports them from here (never the reverse), and
:mod:`relmkt_lib.metrics` and :mod:`relmkt_lib.cohorts` call :mod:`relmkt_lib.clv`: each formula
is written once.

**Customer equity** means one thing in the kit: the value of a customer base, that is the
expected discounted margins of the current customers plus, optionally, those of the future
cohorts net of what acquiring them costs (Blattberg & Deighton 1996; Gupta, Lehmann & Stuart
2004). **Firm value** is Gupta, Lehmann & Stuart's name for the same number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, check_positive, plain, require_columns, warn_if_percent

__all__ = ["customer_equity", "firm_value", "value_levers"]

TIMINGS = ("end", "start")
#: Below this value of |q - 1| x T the geometric sum is computed from its Taylor series around
#: q = 1 (no 0 / 0, no cancellation).
TAYLOR_BAND = 1e-3
#: An improved retention this close above 1 is 1 (floating-point rounding of r x (1 + x)).
ROUNDING = 1e-12
#: firm_value / value_levers without any customer: the value would be 0 whatever the inputs.
NO_CUSTOMERS = ("a firm's value needs the customers to value: pass current_customers= (customers you have now) and/or "
                "new_customers= (customers acquired per period, with growth= and acquisition_cost=); with neither, "
                "the value would be 0. For the value of one customer, pass new_customers=1, cohorts=1 (or use "
                "clv.simple_clv).")


def as_array(value: Any, name: str, lo: float, hi: float = np.inf, *, lo_open: bool = False,
             hint: str = "") -> np.ndarray:
    """``value`` as a float array; an error naming the argument and the first bad value."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, not {value!r}")
    try:
        x = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, not {value!r}") from None
    bad = (~np.isfinite(x) | (x <= lo if lo_open else x < lo) | (x > hi)).reshape(-1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = "" if x.ndim == 0 else f" (first bad value at position {i})"
        bound = f"{'>' if lo_open else '>='} {lo:g}" + (f" and <= {hi:g}" if np.isfinite(hi) else "")
        raise ValueError(f"{name} must be finite and {bound}, got {plain(x.reshape(-1)[i])!r}{where}. {hint}".strip())
    return x


def as_horizon(horizon: Any) -> np.ndarray | None:
    """``horizon`` as whole numbers of periods >= 0 (None: no end)."""
    if horizon is None:
        return None
    message = f"horizon must be None (no end) or a whole number of periods >= 0, not {horizon!r}"
    if isinstance(horizon, (bool, np.bool_, str)):
        raise TypeError(message)
    h = np.asarray(horizon)
    if h.dtype.kind == "f" and np.all(np.isfinite(h)) and np.all(h == np.round(h)):
        h = h.astype(np.int64)
    if h.dtype.kind not in "iu":
        raise TypeError(f"{message}; for example horizon=5")
    if (h < 0).any():
        raise ValueError(f"horizon must be >= 0 periods, got {plain(h.reshape(-1)[np.argmax(h.reshape(-1) < 0)])!r}")
    return h


def clv_inputs(margin: Any, retention: Any, discount_rate: Any, horizon: Any, timing: str,
               margin_growth: Any, acquisition_cost: Any) -> tuple[Any, ...]:
    """The checked inputs of a lifetime value and ``q = r (1 + g) / (1 + d)``."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be 'end' (margins at the end of each period, customer retained "
                         f"first) or 'start' (first margin now), not {timing!r}")
    m = as_array(margin, "margin", -np.inf)
    r = as_array(retention, "retention", 0.0, 1.0, hint="Pass a share between 0 and 1 (0.8 for 80 %).")
    d = as_array(discount_rate, "discount_rate", -1.0, lo_open=True, hint="Pass a rate per period (0.1 for 10 %).")
    warn_if_percent(d)
    g = as_array(margin_growth, "margin_growth", -1.0, lo_open=True)
    c = as_array(acquisition_cost, "acquisition_cost", 0.0)
    h = as_horizon(horizon)
    q = r * (1 + g) / (1 + d)
    if h is None and (q >= 1).any():
        i = int(np.flatnonzero(np.broadcast_to(q >= 1, q.shape).reshape(-1))[0])
        rr, dd, gg = (np.broadcast_to(a, q.shape).reshape(-1)[i] for a in (r, d, g))
        raise ValueError(
            f"with no horizon the lifetime value is infinite when retention x (1 + margin_growth) >= "
            f"1 + discount_rate (retention={rr:g}, discount_rate={dd:g}, margin_growth={gg:g}): customers "
            "never leave and money is not discounted enough. Pass a horizon (for example horizon=10), a "
            "retention below 1 or a higher discount_rate.")
    return m, r, d, g, c, h, q


def wrap(value: np.ndarray, *inputs: Any) -> Any:
    """A float for scalar inputs, a Series if an input was a Series, else an array."""
    for x in inputs:
        if isinstance(x, pd.Series) and np.ndim(value) == 1 and len(x) == len(value):
            return pd.Series(value, index=x.index)
    return float(value) if np.ndim(value) == 0 else value


def geometric_sum(q: Any, h: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``S = sum_{k<T} q^k`` and ``dS/dq`` (T = h; no end if h is None), with the limit at q = 1."""
    if h is None:
        return 1 / (1 - q), 1 / (1 - q) ** 2
    q, h = np.broadcast_arrays(np.asarray(q, dtype="float64"), h.astype("float64"))
    e = q - 1
    near = np.abs(e) * np.maximum(h, 1) < TAYLOR_BAND
    qs = np.where(near, 0.5, q)
    s = np.where(near, h + e * h * (h - 1) / 2 + e**2 * h * (h - 1) * (h - 2) / 6, (1 - qs**h) / (1 - qs))
    ds = np.where(near, h * (h - 1) / 2 + e * h * (h - 1) * (h - 2) / 3 + e**2 * h * (h - 1) * (h - 2) * (h - 3) / 8,
                  (1 - qs**h - h * qs ** np.maximum(h - 1, 0) * (1 - qs)) / (1 - qs) ** 2)
    return s, ds


def clv_value(margin: Any, retention: Any, discount_rate: Any, *, horizon: Any = None, timing: str = "end",
                   margin_growth: Any = 0.0, acquisition_cost: Any = 0.0) -> Any:
    """The one CLV formula, ``m A S(q, T) - c`` (documented in :func:`relmkt_lib.clv.simple_clv`)."""
    m, r, d, g, c, h, q = clv_inputs(margin, retention, discount_rate, horizon, timing, margin_growth,
                                     acquisition_cost)
    a = r / (1 + d) if timing == "end" else np.ones_like(r)
    s, _ = geometric_sum(q, h)
    return wrap(m * a * s - c, margin, retention, discount_rate, horizon)


def lever_table(value: Callable[..., float], args: dict[str, Any], levers: dict[str, tuple[str, float]],
                improvement: Any, column: str) -> pd.DataFrame:
    """Improve each lever alone by ``improvement`` and recompute ``value``: one row per lever.

    ``levers`` maps a row label to (argument, direction): +1 raises the argument by the share
    ``improvement``, -1 lowers it. A retention improved above 1 is an error (a probability);
    exactly 1 is allowed, and ``value`` says whether the result is finite.
    """
    x = check_positive(improvement, "improvement")
    if x >= 1:
        raise ValueError(f"improvement is a share (0.01 for 1 %), got {improvement!r}")
    new = {arg: float(args[arg]) * (1 + sign * x) for arg, sign in levers.values()}
    if "retention" in new and new["retention"] > 1:
        if new["retention"] > 1 + ROUNDING:
            raise ValueError(f"retention {args['retention']} improved by {x:.0%} is {new['retention']:.4f}, above 1 "
                             "(a retention is a probability); pass a smaller improvement")
        new["retention"] = 1.0
    base = value(**args)
    rows = {}
    for label, (arg, _) in levers.items():
        after = value(**{**args, arg: new[arg]})
        rows[label] = {"from": float(args[arg]), "to": new[arg], column: after,
                       "change_pct": (after / base - 1) * 100 if base != 0 else np.nan}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "lever"
    return out


def _cohorts_weight(discount_rate: float, growth: Any, cohorts: Any, *, needed: bool) -> float:
    """``sum_k ((1 + g) / (1 + d))^k`` over the first ``cohorts`` future cohorts (None: all); 0 if not needed.

    ``growth`` and ``cohorts`` are checked either way; the sum over all cohorts is finite only
    when ``growth < discount_rate``, which matters only when there are new customers.
    """
    g = float(as_array(growth, "growth", -1.0, lo_open=True))
    if cohorts is not None and (isinstance(cohorts, bool) or not isinstance(cohorts, (int, np.integer)) or cohorts < 0):
        raise ValueError(f"cohorts must be None (all future cohorts) or a whole number >= 0, got {cohorts!r}")
    if not needed:
        return 0.0
    if cohorts is None and g >= discount_rate:
        raise ValueError(f"growth ({g}) must be below the discount rate ({discount_rate}) for the value of "
                         "all future cohorts to be finite; lower growth or pass cohorts=N")
    s, _ = geometric_sum((1 + g) / (1 + discount_rate), as_horizon(cohorts))
    return float(s)


def _check_table(customers: pd.DataFrame, cols: dict[str, str | None]) -> list[np.ndarray]:
    """Margin, retention and count columns of a customer table as float arrays (count: ones)."""
    check_dataframe(customers, "customers")
    require_columns(customers, list(cols.values()), "customers")
    out = []
    for what, col in cols.items():
        if col is None:
            out.append(np.ones(len(customers)))
            continue
        values = pd.to_numeric(customers[col], errors="coerce").to_numpy("float64")
        lo = -np.inf if what == "margin" else 0.0
        bad = ~np.isfinite(values) | (values < lo) | ((values > 1) if what == "retention" else False)
        if bad.any():
            bound = " in [0, 1]" if what == "retention" else " >= 0" if what == "count" else ""
            raise bad_rows_error(customers, bad, col, f"are not finite numbers{bound}",
                                 "Fix or drop those rows.", name="customers")
        out.append(values)
    return out


def customer_equity(customers: Any, *, margin: Any = None, retention: Any = None, discount_rate: float,
                    horizon: int | None = None, new_customers: float = 0.0, growth: float = 0.0,
                    acquisition_cost: float = 0.0, cohorts: int | None = None, margin_col: str = "margin",
                    retention_col: str = "retention", count_col: str | None = None) -> pd.Series:
    """Customer equity: the value of a customer base, its current customers plus, optionally, future cohorts.

    The timing is that of Gupta, Lehmann & Stuart (2004): time 0 is the start of the coming period
    and margins are paid at the start of each period. A current customer is kept into the coming
    period with probability ``r``, then is worth a new customer's
    ``simple_clv(m, r, d, timing="start")``, that is ``m (1 + d) / (1 + d - r)`` with no horizon.
    The ``k``-th future cohort (``k = 0, 1, ...``) holds ``new_customers (1 + growth)^k``
    customers, each worth ``simple_clv(m, r, d, timing="start") - acquisition_cost``, discounted by
    ``(1 + d)^k``: all of them (closed form ``(1 + d) / (d - growth)``, needs ``growth <
    discount_rate``) or the first ``cohorts``. This is the "customer equity test" of Blattberg &
    Deighton (1996): spend on acquisition and retention to maximise it. :func:`firm_value` (chapter
    03) returns the same number, ``equity``, as a float.

    Parameters
    ----------
    customers : float or DataFrame
        The number of current customers (then ``margin`` and ``retention`` are single numbers),
        or a table with one row per customer (or per segment, with ``count_col``) holding its
        margin and retention. Not modified.
    margin, retention : float, optional
        Margin per period and retention rate: of every customer when ``customers`` is a count;
        of the future cohorts when it is a table (needed only if ``new_customers > 0``).
    discount_rate : float
        Discount rate per period (0.1 for 10 %), above -1.
    horizon : int, optional
        Number of future periods whose value is counted (T margins per customer); None (default)
        for no end. The first counted period is the next one, or the current one with
        ``timing="start"`` (always the case here).
    new_customers, growth, acquisition_cost, cohorts
        Future cohorts: customers acquired in the coming period, the growth of that number per
        period, the cost of acquiring one, and how many cohorts to count (default all).
    margin_col, retention_col, count_col : str
        Columns of the table (``count_col``: customers per row, default one).

    Returns
    -------
    Series
        ``current_customers`` (their number), ``current_value``, ``future_value`` and ``equity``
        (the sum of the two values).

    Examples
    --------
    >>> customer_equity(1000, margin=100, retention=0.8, discount_rate=0.1).round(2)
    current_customers      1000.00
    current_value        293333.33
    future_value              0.00
    equity               293333.33
    dtype: float64
    >>> table = pd.DataFrame({"margin": [100.0, 40.0], "retention": [0.8, 0.5]})
    >>> float(customer_equity(table, discount_rate=0.1)["current_value"].round(2))
    330.0
    """
    d = float(as_array(discount_rate, "discount_rate", -1.0, lo_open=True,
                       hint="Pass a rate per period (0.1 for 10 %)."))
    if isinstance(customers, pd.DataFrame):
        m_i, r_i, n_i = _check_table(customers, {"margin": margin_col, "retention": retention_col,
                                                 "count": count_col})
    else:
        n = check_positive(customers, "customers", allow_zero=True)
        if margin is None or retention is None:
            raise ValueError("with a count of customers, pass margin= and retention= (single numbers)")
        if np.size(margin) != 1 or np.size(retention) != 1:
            raise ValueError("with a count of customers, margin and retention must be single numbers; "
                             "pass a table of customers for one margin and retention per customer")
        m_i, r_i, n_i = np.atleast_1d(margin), np.atleast_1d(retention), np.array([n])
    current = float(np.sum(n_i * r_i * clv_value(m_i, r_i, d, horizon=horizon, timing="start")))
    n0 = check_positive(new_customers, "new_customers", allow_zero=True)
    c = check_positive(acquisition_cost, "acquisition_cost", allow_zero=True)
    weight = _cohorts_weight(d, growth, cohorts, needed=n0 > 0)
    future = 0.0
    if n0 > 0:
        if margin is None or retention is None:
            raise ValueError("new_customers > 0 needs margin= and retention= for the future cohorts")
        future = n0 * weight * (clv_value(margin, retention, d, horizon=horizon, timing="start") - c)
    return pd.Series({"current_customers": float(n_i.sum()), "current_value": current,
                      "future_value": float(future), "equity": current + float(future)})


def firm_value(margin: float, retention: float, discount_rate: float, *, acquisition_cost: float = 0.0,
               new_customers: float | None = None, growth: float = 0.0, current_customers: float | None = None,
               cohorts: int | None = None, horizon: int | None = None) -> float:
    """Value of current and future customers (Gupta, Lehmann & Stuart 2004): customer equity, as a float.

    Time 0 is the start of the coming period. A customer pays a margin ``m`` at the start of
    each period in which they are still a customer, stays from one period to the next with
    probability ``r``, and money is discounted at ``d`` per period. A customer acquired now is
    worth ``m (1 + d) / (1 + d - r) = m + m r / (1 + d - r)`` (``simple_clv(..., timing="start")``),
    minus the acquisition cost ``c``; a current customer is kept into this period with
    probability ``r``, then is worth the same as a new one. With ``n_k = n_0 (1 + g)^k`` new
    customers in period k,

    ``value = current * r m (1 + d) / (1 + d - r) + sum_k n_k / (1 + d)^k [m (1 + d) / (1 + d - r) - c]``,

    summed over all future cohorts (closed form ``n_0 (1 + d) / (d - g)``, needs ``g < d``) or
    over the first ``cohorts`` ones. This is ``customer_equity(...)["equity"]``; see
    :func:`customer_equity` for the parts and for one margin and retention per customer.

    Parameters
    ----------
    margin : float
        Margin per customer per period, in money.
    retention : float
        Share of customers kept from one period to the next, in [0, 1].
    discount_rate : float
        Discount rate per period (0.1 for 10 %), above -1.
    acquisition_cost : float, default 0
        Cost of acquiring one customer.
    new_customers : float, optional
        Customers acquired this period, ``n_0``.
    growth : float, default 0
        Growth rate of the number of new customers per period, ``g``.
    current_customers : float, optional
        Customers already acquired (active in the period just ended). Pass at least one of
        ``current_customers`` and ``new_customers`` (a value without customers would be 0);
        the one left out counts 0.
    cohorts : int, optional
        Count only this many future cohorts (this period's included); default all of them.
    horizon : int, optional
        Number of future periods whose value is counted (T margins per customer); None (default)
        for no end. The first counted period is the next one, or the current one with
        ``timing="start"`` (always the case here).

    Examples
    --------
    >>> round(firm_value(100, 0.8, 0.1, new_customers=1, cohorts=1), 2)  # m (1 + d) / (1 + d - r)
    366.67
    >>> round(firm_value(100, 0.8, 0.1, acquisition_cost=50, new_customers=10), 2)
    34833.33
    """
    current = 0.0 if current_customers is None else current_customers
    equity = customer_equity(check_positive(current, "current_customers", allow_zero=True),
                             margin=margin, retention=retention, discount_rate=discount_rate, horizon=horizon,
                             new_customers=0.0 if new_customers is None else new_customers, growth=growth,
                             acquisition_cost=acquisition_cost, cohorts=cohorts)
    if current_customers is None and new_customers is None:
        raise TypeError(NO_CUSTOMERS)
    return float(equity["equity"])


def value_levers(margin: float, retention: float, discount_rate: float, *, acquisition_cost: float = 0.0,
                 new_customers: float | None = None, growth: float = 0.0, current_customers: float | None = None,
                 cohorts: int | None = None, horizon: int | None = None, improvement: float = 0.01) -> pd.DataFrame:
    """Change in :func:`firm_value` when retention, margin or acquisition cost improve by 1 %.

    Each lever is improved alone, in relative terms as in Gupta, Lehmann & Stuart (2004):
    retention ``r x 1.01``, margin ``m x 1.01``, acquisition cost ``c x 0.99``. A retention
    improved above 1 is an error; exactly 1 is allowed (the value is finite when
    ``discount_rate > 0`` or with a horizon). Arguments as in :func:`firm_value` (at least one of
    ``current_customers`` and ``new_customers``).

    Returns
    -------
    DataFrame
        One row per lever: ``from``, ``to``, ``value`` (the firm value after the change) and
        ``change_pct`` (its change from the base value, %). The base value is
        ``firm_value(...)`` with the same arguments.

    Examples
    --------
    >>> value_levers(100, 0.8, 0.1, acquisition_cost=50, new_customers=10)["change_pct"].round(2)
    lever
    retention           3.17
    margin              1.16
    acquisition cost    0.16
    Name: change_pct, dtype: float64
    """
    args = dict(margin=margin, retention=retention, discount_rate=discount_rate, acquisition_cost=acquisition_cost,
                new_customers=new_customers, growth=growth, current_customers=current_customers,
                cohorts=cohorts, horizon=horizon)
    levers = {"retention": ("retention", +1), "margin": ("margin", +1), "acquisition cost": ("acquisition_cost", -1)}
    return lever_table(firm_value, args, levers, improvement, "value")

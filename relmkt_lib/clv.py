"""Customer lifetime value (CLV): simple formulas, customer equity, firm value and sensitivity.

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
- ``timing="start"`` (Gupta, Lehmann & Stuart 2004; :func:`firm_value`, chapter 03): the
  customer has just been acquired and pays the first margin **now**, for sure, then ``m`` at
  the start of each period they are still there: ``CLV = sum_{t=0}^{T-1} m r^t / (1 + d)^t``,
  and with no horizon ``m (1 + d) / (1 + d - r)`` (that is ``m`` plus the "end" value).

In both, ``horizon=T`` counts ``T`` margins: the number of future periods whose value is
counted, the first being the next one, or the current one with ``timing="start"``. A margin
that grows by ``g`` a period (``margin_growth``) is ``m (1 + g)^k`` for the ``k``-th margin
counted (the first is ``m``). ``discount_rate`` is always a rate per period.

**Customer equity** (:func:`customer_equity`) is the value of a customer base: its current
customers plus, optionally, future cohorts net of acquisition cost; :func:`firm_value` is the
same number as a float, under the name of Gupta, Lehmann & Stuart (2004) (chapter 03 calls it
from :mod:`relmkt_lib.cohorts`). :func:`clv_levers` and :func:`value_levers` improve each input
by 1 %. Retention and margin are the same for every customer and every period: a
back-of-the-envelope model. Chapters 05-07 relax it (migration between states, heterogeneous
retention).

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

from ._firm_value import (
    clv_inputs,
    clv_value,
    customer_equity,
    firm_value,
    geometric_sum,
    lever_table,
    value_levers,
    wrap,
)

__all__ = ["simple_clv", "clv_schedule", "customer_equity", "firm_value", "retention_elasticity", "clv_levers",
           "value_levers"]

#: The inputs an elasticity can be taken with respect to (``of=``).
ELASTICITY_OF = ("retention", "margin", "discount_rate", "acquisition_cost")


def simple_clv(margin: Any, retention: Any, discount_rate: Any, *, horizon: Any = None, timing: str = "end",
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
    discount_rate : float or array
        Discount rate per period (0.1 for 10 %), above -1.
    horizon : int or array of int, optional
        Number of future periods whose value is counted (T margins per customer); None (default)
        for no end. The first counted period is the next one, or the current one with
        ``timing="start"``.
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
    return clv_value(margin, retention, discount_rate, horizon=horizon, timing=timing,
                     margin_growth=margin_growth, acquisition_cost=acquisition_cost)


def clv_schedule(margin: float, retention: float, discount_rate: float, *, horizon: int,
                 timing: str = "end", margin_growth: float = 0.0) -> pd.DataFrame:
    """The lifetime value period by period: the table to compute it by hand.

    Arguments as in :func:`simple_clv`, single numbers; ``horizon`` (the number of future periods
    whose value is counted, the first being the next one, or the current one with
    ``timing="start"``) is required here, at least 1.

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
    >>> clv_schedule(100, 0.8, 0.1, horizon=3)[["still_there", "discounted_margin", "cumulative_clv"]].round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
            still_there  discounted_margin  cumulative_clv
    period
    1             0.800            72.7273         72.7273
    2             0.640            52.8926        125.6198
    3             0.512            38.4673        164.0872
    """
    clv_inputs(margin, retention, discount_rate, horizon, timing, margin_growth, 0.0)
    if horizon is None or any(np.ndim(v) for v in (horizon, margin, retention, discount_rate)):
        raise ValueError("clv_schedule takes single numbers and a whole-number horizon >= 1; "
                         "use simple_clv for arrays or no horizon")
    if int(horizon) < 1:
        raise ValueError(f"horizon must be at least 1 period for a schedule, got {horizon!r}")
    k = np.arange(int(horizon))
    paid_at = k + 1 if timing == "end" else k
    still = float(retention) ** paid_at
    marg = float(margin) * (1 + float(margin_growth)) ** k
    factor = (1 + float(discount_rate)) ** -paid_at.astype("float64")
    value = still * marg * factor
    return pd.DataFrame({"paid_at": paid_at, "still_there": still, "margin": marg, "discount_factor": factor,
                         "discounted_margin": value, "cumulative_clv": np.cumsum(value)},
                        index=pd.Index(k + 1, name="period"))


def retention_elasticity(margin: Any, retention: Any, discount_rate: Any, *, horizon: Any = None,
                         timing: str = "end", margin_growth: Any = 0.0, acquisition_cost: Any = 0.0,
                         of: str = "retention") -> Any:
    """Elasticity of the lifetime value: its % change for a 1 % change in one input (analytic).

    ``elasticity = (dCLV / dx) x / CLV``, computed from the derivative of the geometric sum, for
    ``x`` = retention (default), margin, discount_rate or acquisition_cost. With no horizon and
    no acquisition cost, the retention elasticity is ``(1 + d) / (1 + d - r)`` ("end") or
    ``r / (1 + d - r)`` ("start"), and the margin elasticity is 1. It grows with ``r``: the
    retention lever is convex. Arguments as in :func:`simple_clv`; arrays broadcast.

    Parameters
    ----------
    of : {"retention", "margin", "discount_rate", "acquisition_cost"}
        The input that changes.

    Examples
    --------
    >>> round(retention_elasticity(100, 0.8, 0.1), 4)   # (1 + d) / (1 + d - r)
    3.6667
    >>> round(retention_elasticity(100, 0.8, 0.1, of="discount_rate"), 4)   # -d / (1 + d - r)
    -0.3333
    """
    if of not in ELASTICITY_OF:
        raise ValueError(f"of must be one of {list(ELASTICITY_OF)}, not {of!r}")
    m, r, d, g, c, h, q = clv_inputs(margin, retention, discount_rate, horizon, timing, margin_growth,
                                     acquisition_cost)
    end = timing == "end"
    a = r / (1 + d) if end else np.ones_like(r)
    s, ds = geometric_sum(q, h)
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
    return wrap(out + 0.0, margin, retention, discount_rate, horizon)


def clv_levers(margin: float, retention: float, discount_rate: float, *, horizon: int | None = None,
               timing: str = "end", margin_growth: float = 0.0, acquisition_cost: float = 0.0,
               improvement: float = 0.01) -> pd.DataFrame:
    """What a 1 % improvement of each lever does to the lifetime value, one lever at a time.

    Retention ``r x 1.01``, margin ``m x 1.01``, discount rate ``d x 0.99`` (cheaper money) and
    acquisition cost ``c x 0.99``, as in Gupta, Lehmann & Stuart (2004). A retention improved
    above 1 is an error; exactly 1 is allowed where the value stays finite. Arguments as in
    :func:`simple_clv`, single numbers.

    Returns
    -------
    DataFrame
        One row per lever: ``from``, ``to``, ``clv`` (after the change), ``change_pct`` (exact)
        and ``elasticity`` (analytic, :func:`retention_elasticity`). The columns suit
        ``plotting.plot_value_levers``. The base value is ``simple_clv(...)`` with the same
        arguments.

    Examples
    --------
    >>> clv_levers(100, 0.8, 0.1)["change_pct"].round(2)
    lever
    retention           3.77
    margin              1.00
    discount rate       0.33
    acquisition cost    0.00
    Name: change_pct, dtype: float64
    """
    args = dict(margin=margin, retention=retention, discount_rate=discount_rate, horizon=horizon, timing=timing,
                margin_growth=margin_growth, acquisition_cost=acquisition_cost)
    if any(np.ndim(v) for k, v in args.items() if k != "timing"):
        raise ValueError("clv_levers takes single numbers; use retention_elasticity for arrays")
    simple_clv(**args)  # check the inputs before improving them
    levers = {"retention": ("retention", +1), "margin": ("margin", +1), "discount rate": ("discount_rate", -1),
              "acquisition cost": ("acquisition_cost", -1)}
    out = lever_table(simple_clv, args, levers, improvement, "clv")
    out["elasticity"] = [retention_elasticity(**args, of=arg) for arg, _ in levers.values()]
    return out

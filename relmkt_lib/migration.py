"""The loyalty ladder: customer states, Markov migration between them, and its lifetime value.

Relationship marketing wants customers to climb a ladder: prospect, first-time customer,
occasional, regular, ambassador (Christopher, Payne & Ballantyne 1991); customers who stop buying
are lapsed, then lost, split by time away as Pfeifer & Carraway's recency states. :func:`assign_states`
puts each customer on a rung in each period from the purchase log, with thresholds held in a
:class:`LadderRules`; :func:`transition_matrix` estimates the probabilities of moving between
rungs from one period to the next; :func:`project_states` and :func:`steady_state` say where the
customer base ends up if nothing changes; :func:`markov_clv` values each rung with the
customer-migration model of Pfeifer & Carraway (2000), and :func:`simulate_paths` checks it by
simulation.

Conventions: periods are calendar periods (``freq`` "Q" quarters, "6M" half-years, "Y" years);
the rules look only at purchases up to the end of the period (never ahead); the log must start
when the firm started recording purchases; the last period should be complete.

References
----------
Pfeifer, P. E., & Carraway, R. L. (2000). Modeling customer relationships as Markov chains.
*Journal of Interactive Marketing*, 14(2), 43-55.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_dataframe, check_positive, plain, removed_keywords, require_columns
from ._dates import parse_dates
from ._markov import (
    as_state_vector,
    markov_clv,
    pfeifer_carraway_example,
    project_states,
    simulate_paths,
    steady_state,
)
from .data import validate_transactions

__all__ = [
    "STATES",
    "FREQS",
    "LadderRules",
    "assign_states",
    "transition_counts",
    "transition_matrix",
    "project_states",
    "steady_state",
    "state_rewards",
    "markov_clv",
    "simulate_paths",
    "pfeifer_carraway_example",
]

#: The rungs of the ladder, bottom to top, then ``lapsed`` and ``lost`` (split by time away).
STATES = ("prospect", "first-time", "occasional", "regular", "ambassador", "lapsed", "lost")
#: Period of the "last purchase" of a customer who never bought: far enough back to count as lapsed.
_NEVER = -(10**6)
#: The calendar periods a ladder can use (the kit's shared period codes).
FREQS = ("Q", "6M", "Y")


@dataclass(frozen=True)
class LadderRules:
    """Thresholds that put a customer on a rung in a period (all counts are purchases).

    In each period, looking back over the last ``window`` periods (the current one included):

    - **lost**: no purchase in the last ``lost_after`` periods (``None``: never lost);
    - **lapsed**: no purchase in the last ``lapsed_after`` periods, but not yet lost;
    - **first-time**: all purchases so far fall in one period (no repeat period yet);
    - **ambassador**: at least ``ambassador_min_purchases`` in the window and a tenure of at
      least ``ambassador_min_tenure`` periods since the first purchase;
    - **regular**: at least ``regular_min_purchases`` in the window;
    - **occasional**: every other customer (a repeat buyer, buying less often).

    Splitting silent customers by time away follows Pfeifer & Carraway's (2000) recency
    states: the chance of coming back falls the longer a customer has been away, and a chain
    with a single lapsed state forgets that and lets every lapsed customer return at the same
    rate forever, which inflates every value. ``lost_after=None`` gives that single state.

    Examples
    --------
    >>> LadderRules(regular_min_purchases=2).regular_min_purchases
    2
    >>> LadderRules().lost_after  # quarters: two years without a purchase
    8
    >>> LadderRules(regular_min_purchases=9)
    Traceback (most recent call last):
    ...
    ValueError: regular_min_purchases (9) must be at most ambassador_min_purchases (8)...
    """

    window: int = 4
    regular_min_purchases: int = 3
    ambassador_min_purchases: int = 8
    ambassador_min_tenure: int = 4
    lapsed_after: int = 3
    lost_after: int | None = 8

    def __post_init__(self) -> None:
        for name in ("window", "regular_min_purchases", "ambassador_min_purchases", "lapsed_after"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        if not isinstance(self.ambassador_min_tenure, (int, np.integer)) or self.ambassador_min_tenure < 0:
            raise ValueError(f"ambassador_min_tenure must be a whole number >= 0, got {self.ambassador_min_tenure!r}")
        if self.regular_min_purchases > self.ambassador_min_purchases:
            raise ValueError(
                f"regular_min_purchases ({self.regular_min_purchases}) must be at most "
                f"ambassador_min_purchases ({self.ambassador_min_purchases}): the ladder goes up"
            )
        lost = self.lost_after
        if lost is not None and (isinstance(lost, bool) or not isinstance(lost, (int, np.integer))
                                 or lost <= self.lapsed_after):
            raise ValueError(f"lost_after must be None or a whole number > lapsed_after ({self.lapsed_after}), "
                             f"got {lost!r}: a customer is lapsed before being lost")


def _periods(dates: pd.Series, freq: str) -> pd.Series:
    if freq not in FREQS:
        raise ValueError(f"freq must be 'Q' (quarters), '6M' (half-years) or 'Y' (years), not {freq!r}")
    if freq == "6M":  # half-years as "2024H1" labels, ordered like periods
        return dates.dt.year.astype(str) + np.where(dates.dt.month <= 6, "H1", "H2")
    return dates.dt.to_period(freq).astype(str)


def _all_periods(first: str, last: str, freq: str) -> list[str]:
    if freq == "6M":
        years = range(int(first[:4]), int(last[:4]) + 1)
        labels = [f"{y}H{h}" for y in years for h in (1, 2)]
        return [p for p in labels if first <= p <= last]
    return [str(p) for p in pd.period_range(first, last, freq=freq)]


def _prospect_periods(customers: pd.DataFrame | None, prospect_col: str | None, customer_col: str,
                      freq: str) -> pd.Series | None:
    """The period each known prospect signed up in (index: customer id), or None."""
    if customers is None and prospect_col is None:
        return None
    if customers is None or prospect_col is None:
        raise ValueError("pass both customers and prospect_col (the date each became a prospect), or neither")
    check_dataframe(customers, "customers")
    require_columns(customers, [customer_col, prospect_col], "customers")
    dates = parse_dates(customers, prospect_col, allow_missing=True, name="customers",
                        fix="Fix it, or leave the cell empty for customers with no prospect date.")
    known = dates.notna().to_numpy()
    return pd.Series(_periods(dates[known], freq).to_numpy(), index=customers.loc[known, customer_col].to_numpy())


def _ladder(c: np.ndarray, rules: LadderRules) -> tuple[np.ndarray, np.ndarray]:
    """State of each customer (row) in each period (column) from purchase counts, and first-purchase periods."""
    n, T = c.shape
    t = np.arange(T)
    cum = np.cumsum(c, axis=1)
    active_periods = np.cumsum(c > 0, axis=1)
    padded = np.concatenate([np.zeros((n, 1), dtype=cum.dtype), cum], axis=1)
    in_window = cum - padded[:, np.maximum(t + 1 - rules.window, 0)]
    last_buy = np.maximum.accumulate(np.where(c > 0, t, _NEVER), axis=1)
    has_bought = cum > 0
    first = np.where(has_bought.any(axis=1), has_bought.argmax(axis=1), T)
    tenure = t - first[:, None]
    lost_after = T + 1 if rules.lost_after is None else rules.lost_after  # None: silence never that long
    state = np.select(
        [~has_bought,
         t - last_buy >= lost_after,
         t - last_buy >= rules.lapsed_after,
         active_periods == 1,
         (in_window >= rules.ambassador_min_purchases) & (tenure >= rules.ambassador_min_tenure),
         in_window >= rules.regular_min_purchases],
        ["prospect", "lost", "lapsed", "first-time", "ambassador", "regular"], default="occasional")
    return state, first


@removed_keywords()
def assign_states(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    freq: str = "Q",
    rules: LadderRules | None = None,
    customers: pd.DataFrame | None = None,
    prospect_col: str | None = None,
) -> pd.DataFrame:
    """Each customer's rung of the loyalty ladder in each period, from the purchase log.

    A customer enters the table in the period of their first purchase (or of their prospect
    date, if ``customers`` and ``prospect_col`` give one: they are **prospects** until they
    buy) and stays until the last period of the log. See :class:`LadderRules` for the rungs.
    Without a prospect date the state "prospect" never appears: a purchase log cannot see
    people who have not bought.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase; checked by :func:`relmkt_lib.data.validate_transactions`. Not modified.
    customer_col, date_col : str, default "customer_id", "date"
        Customer id and purchase date columns.
    amount_col : str, optional
        Amount column; if given, the result has each customer's ``revenue`` in each period.
    freq : {"Q", "6M", "Y"}, default "Q"
        Period length, from the kit's shared period codes: quarters, half-years or years.
    rules : LadderRules, optional
        Thresholds (counted in periods of ``freq``); default ``LadderRules()``.
    customers : DataFrame, optional
        Customer table with ``customer_col`` and ``prospect_col`` (the date each became a known
        prospect, for example a newsletter sign-up). Not modified.
    prospect_col : str, optional
        Date column of ``customers``; needed with ``customers``.

    Returns
    -------
    DataFrame
        Columns ``customer_col``, ``period`` (text labels such as "2024Q3" or "2024H1"),
        ``state`` (ordered categorical, :data:`STATES`), ``purchases`` (and ``revenue``).

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 1, 2], "date": pd.to_datetime(
    ...     ["2024-01-05", "2024-04-02", "2024-05-09", "2024-02-01"])})
    >>> rules = LadderRules(window=2, regular_min_purchases=2, ambassador_min_purchases=5,
    ...                     ambassador_min_tenure=2, lapsed_after=2)
    >>> s = assign_states(log, customer_col="id", rules=rules)
    >>> s.pivot(index="id", columns="period", values="state")  # doctest: +NORMALIZE_WHITESPACE
    period      2024Q1   2024Q2
    id
    1       first-time  regular
    2       first-time  first-time
    """
    rules = LadderRules() if rules is None else rules
    if not isinstance(rules, LadderRules):
        raise TypeError(f"rules must be a LadderRules, not {type(rules).__name__}")
    log = validate_transactions(transactions, customer_col=customer_col, date_col=date_col,
                                amount_col=amount_col, duplicates="ignore")
    log["_period"] = _periods(log[date_col], freq)
    prospects = _prospect_periods(customers, prospect_col, customer_col, freq)
    first_p, last_p = log["_period"].min(), log["_period"].max()
    if prospects is not None and len(prospects):
        first_p = min(first_p, prospects.min())
    labels = _all_periods(first_p, last_p, freq)
    ids = pd.Index(log[customer_col].unique())
    if prospects is not None:
        ids = ids.union(pd.Index(prospects.index))
    by_period = log.groupby([customer_col, "_period"])
    c = (by_period.size().unstack(fill_value=0).reindex(index=ids, columns=labels, fill_value=0)).to_numpy()
    state, start = _ladder(c, rules)
    T = len(labels)
    if prospects is not None:
        pos = {p: i for i, p in enumerate(labels)}
        p_start = np.array([pos.get(p, T) if isinstance(p, str) else T for p in prospects.reindex(ids)])
        start = np.minimum(start, p_start)
    rows, cols = np.nonzero(np.arange(T) >= start[:, None])
    out = pd.DataFrame({
        customer_col: ids.to_numpy()[rows],
        "period": np.asarray(labels, dtype=object)[cols],
        "state": pd.Categorical(state[rows, cols], categories=STATES, ordered=True),
        "purchases": c[rows, cols],
    })
    if amount_col is not None:
        rev = (by_period[amount_col].sum().unstack(fill_value=0.0)
               .reindex(index=ids, columns=labels, fill_value=0.0)).to_numpy()
        out["revenue"] = rev[rows, cols]
    return out


def _check_states_table(states: pd.DataFrame, customer_col: str) -> pd.DataFrame:
    check_dataframe(states, "states")
    require_columns(states, [customer_col, "period", "state"], "states")
    return states


def transition_counts(states: pd.DataFrame, *, customer_col: str = "customer_id") -> pd.DataFrame:
    """Number of moves from each state (rows) to each state (columns) between consecutive periods.

    Parameters
    ----------
    states : DataFrame
        The output of :func:`assign_states` (columns ``customer_col``, ``period``, ``state``).
        Not modified.
    customer_col : str, default "customer_id"

    Returns
    -------
    DataFrame
        Counts; rows and columns are the states present, in ladder order.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2], "period": ["a", "b", "c", "b", "c"],
    ...                   "state": ["first-time", "lapsed", "occasional", "first-time", "lapsed"]})
    >>> transition_counts(s)  # doctest: +NORMALIZE_WHITESPACE
    to          first-time  occasional  lapsed
    from
    first-time           0           0       2
    occasional           0           0       0
    lapsed               0           1       0
    """
    _check_states_table(states, customer_col)
    unknown = ~states["state"].astype(str).isin(STATES)
    if unknown.any():
        raise ValueError(f"column 'state': {states['state'][unknown].iloc[0]!r} is not a rung of the ladder "
                         f"{list(STATES)}; pass the output of assign_states")
    order = sorted(states["period"].unique())
    pos = pd.Series(np.arange(len(order)), index=order)
    frame = pd.DataFrame({"c": states[customer_col].to_numpy(),
                          "t": pos.loc[states["period"].to_numpy()].to_numpy(),
                          "s": states["state"].astype(str).to_numpy()})
    if frame.duplicated(["c", "t"]).any():
        dup = frame[frame.duplicated(["c", "t"])].iloc[0]
        raise ValueError(f"states has two rows for customer {plain(dup['c'])!r} in one period; keep one row "
                         "per customer and period")
    nxt = frame.assign(t=frame["t"] - 1).rename(columns={"s": "s_next"})
    pairs = frame.merge(nxt, on=["c", "t"])
    present = [s for s in STATES if s in set(frame["s"])]
    table = pd.crosstab(pairs["s"], pairs["s_next"]).reindex(index=present, columns=present, fill_value=0)
    table.index.name, table.columns.name = "from", "to"
    return table


def transition_matrix(states: pd.DataFrame, *, customer_col: str = "customer_id",
                      empty: str = "raise") -> pd.DataFrame:
    """Probability of moving from each state (row) to each state (column) in one period.

    Each row of :func:`transition_counts` divided by its total; rows sum to 1.

    Parameters
    ----------
    states : DataFrame
        The output of :func:`assign_states`. Not modified.
    customer_col : str, default "customer_id"
    empty : {"raise", "absorbing"}, default "raise"
        What to do with a state never observed before a next period (a row of zeros): raise an
        error, or make it absorbing (probability 1 of staying), an assumption to state.

    Returns
    -------
    DataFrame
        Row-stochastic matrix; :func:`transition_counts` gives the counts behind it.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2], "period": ["a", "b", "c", "b", "c"],
    ...                   "state": ["first-time", "lapsed", "occasional", "first-time", "lapsed"]})
    >>> transition_matrix(s, empty="absorbing").loc["lapsed"].tolist()
    [0.0, 1.0, 0.0]
    """
    if empty not in ("raise", "absorbing"):
        raise ValueError(f"empty must be 'raise' or 'absorbing', not {empty!r}")
    counts = transition_counts(states, customer_col=customer_col)
    totals = counts.sum(axis=1)
    if (totals == 0).any():
        name = totals.index[np.flatnonzero(totals.to_numpy() == 0)[0]]
        if empty == "raise":
            raise ValueError(f"state {name!r} has no observed transition (it only appears in the last "
                             "period): its row cannot be estimated. Use more periods, drop those rows, or "
                             "pass empty='absorbing' to assume it stays put")
        for s in totals.index[totals == 0]:
            counts.loc[s, s] = 1
    return counts.div(counts.sum(axis=1), axis=0).astype(float)


def state_rewards(states: pd.DataFrame, margin_rate: float, *, contact_cost: float | Mapping = 0.0) -> pd.Series:
    """Reward per customer and period in each state: mean revenue x margin rate - contact cost.

    Parameters
    ----------
    states : DataFrame
        The output of :func:`assign_states` with ``revenue`` (pass ``amount_col``). Not modified.
    margin_rate : float
        Share of revenue kept as margin, in (0, 1].
    contact_cost : float or mapping state -> float, default 0
        Marketing cost per customer and period in each state (0 for states not mailed).

    Examples
    --------
    >>> s = pd.DataFrame({"state": ["regular", "regular", "lapsed"], "revenue": [100.0, 300.0, 0.0]})
    >>> state_rewards(s, 0.4, contact_cost={"regular": 5.0, "lapsed": 0.0}).tolist()
    [75.0, 0.0]
    """
    check_dataframe(states, "states")
    require_columns(states, ["state", "revenue"], "states")
    m = check_positive(margin_rate, "margin_rate")
    if m > 1:
        raise ValueError(f"margin_rate is a share of revenue in (0, 1], got {margin_rate!r}")
    mean = states.groupby(states["state"].astype(str))["revenue"].mean()
    present = [s for s in STATES if s in mean.index]
    out = mean.loc[present] * m
    if isinstance(contact_cost, Mapping):
        contact_cost = {s: contact_cost.get(s, 0.0) for s in present}
    else:
        contact_cost = [contact_cost] * len(present)
    costs = as_state_vector(contact_cost, present, "contact_cost")
    return (out - costs).rename("reward")


"""Acquisition cohorts, retention curves and the value of a point of retention.

A **cohort** is the group of customers whose first purchase falls in the same period (month,
quarter or year). :func:`cohort_table` follows each cohort period after period;
:func:`retention_matrix` turns it into the share of the cohort active in each later period;
:func:`average_retention_curve` and :func:`period_retention_rates` summarize it.
:func:`firm_value` and :func:`value_levers` value current and future customers with the
retention model of Gupta, Lehmann & Stuart (2004) and show what a 1 % improvement in retention,
margin or acquisition cost is worth.

Conventions:

- period 0 is the acquisition period; period ``k`` is the ``k``-th calendar period after it;
- a customer is **active** in a period if they bought in it. In a non-contractual setting
  (retail) customers skip periods and come back, so "active in period k" is not "still a
  customer at k": the share active can rise from one period to the next;
- cells after the end of the data are **unobserved**: they are absent from the cohort table
  and NaN in the matrices, never 0 (a 0 is an observed period without any purchase);
- a last calendar period cut short by the end of the data is dropped by default, since its
  activity would look like a collapse; ``incomplete="keep"`` keeps it, flagged
  ``complete=False``;
- the log must start when the firm started recording purchases: a customer who bought before
  that would be counted as new (left censoring).

References
----------
Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
Research*, 41(1), 7-18.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_dataframe, check_positive, check_probability, require_columns
from .data import DataWarning, validate_transactions

__all__ = [
    "PERIODS",
    "cohort_table",
    "retention_matrix",
    "average_retention_curve",
    "period_retention_rates",
    "firm_value",
    "value_levers",
]

#: Period codes accepted by :func:`cohort_table`, with the unit they stand for.
PERIODS = {"M": "months", "Q": "quarters", "Y": "years"}
_TABLE = ["cohort", "period_number", "cohort_size", "active"]


def cohort_table(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    *,
    freq: str = "M",
    observation_end: Any = None,
    incomplete: str = "drop",
    date_format: str | None = None,
) -> pd.DataFrame:
    """Active customers (and revenue) of each acquisition cohort, period by period.

    Each customer belongs to the cohort of the period of their first purchase. For every
    cohort and every observed period since acquisition (0, 1, 2, ...), the table counts the
    customers who bought at least once in that period.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase; checked with :func:`relmkt_lib.data.validate_transactions`.
        Not modified.
    customer_col, date_col : str
        Customer id and purchase date columns.
    amount_col : str, optional
        Amount column; adds the cohort's ``revenue`` in each period.
    freq : {"M", "Q", "Y"}, default "M"
        Length of a period: month, quarter or calendar year.
    observation_end : date-like, optional
        Last day observed (default: the last purchase date). Periods up to it are observed,
        even those without purchases.
    incomplete : {"drop", "keep"}, default "drop"
        What to do when ``observation_end`` is not the last day of its period: drop that
        partial period (its purchases are left out, with a :class:`~relmkt_lib.data.DataWarning`
        saying how many), or keep it with ``complete=False``.
    date_format : str, optional
        ``strftime`` format of text dates.

    Returns
    -------
    DataFrame
        One row per cohort and observed period, sorted: ``cohort`` and ``period`` (pandas
        Periods: acquisition and calendar period), ``period_number`` (periods since
        acquisition), ``cohort_size``, ``active``, ``revenue`` (with ``amount_col``) and
        ``complete``. Cells after the end of the data are absent. ``attrs`` holds ``freq``,
        ``observation_end`` and what was dropped.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                     "date": ["2024-01-05", "2024-03-02", "2024-01-31", "2024-02-10",
    ...                              "2024-02-15"],
    ...                     "amount": [10.0, 7.0, 20.0, 8.0, 12.0]})
    >>> cohort_table(log, amount_col="amount", observation_end="2024-03-31")
    ... # doctest: +NORMALIZE_WHITESPACE
        cohort  period_number   period  cohort_size  active  revenue  complete
    0  2024-01              0  2024-01            2       2     30.0      True
    1  2024-01              1  2024-02            2       1      8.0      True
    2  2024-01              2  2024-03            2       1      7.0      True
    3  2024-02              0  2024-02            1       1     12.0      True
    4  2024-02              1  2024-03            1       0      0.0      True
    """
    if freq not in PERIODS:
        raise ValueError(f"freq must be one of {list(PERIODS)} (months, quarters, years), not {freq!r}")
    if incomplete not in ("drop", "keep"):
        raise ValueError(f"incomplete must be 'drop' or 'keep', not {incomplete!r}")
    log = validate_transactions(transactions, customer_col, date_col, amount_col,
                                observation_end=observation_end, date_format=date_format,
                                duplicates="ignore")
    end = (log[date_col].max() if observation_end is None else pd.Timestamp(observation_end)).normalize()
    ordinal = log[date_col].dt.to_period(freq).array.asi8
    last = end.to_period(freq).ordinal
    complete_end = (end + pd.Timedelta(days=1)).to_period(freq).ordinal > last
    attrs: dict[str, Any] = {"freq": freq, "observation_end": end, "dropped_transactions": 0,
                             "dropped_customers": 0}
    if not complete_end and incomplete == "drop":
        keep = ordinal < last
        n_cust = log[customer_col].nunique()
        log, ordinal, last = log.loc[keep], ordinal[keep], last - 1
        if len(log) == 0:
            raise ValueError(
                f"every purchase falls in the last, incomplete period (observation_end {end.date()} "
                "is not the end of a period); pass incomplete='keep', a later observation_end or "
                "a shorter freq")
        attrs["dropped_transactions"] = int((~keep).sum())
        attrs["dropped_customers"] = n_cust - log[customer_col].nunique()
        if attrs["dropped_transactions"]:
            warnings.warn(
                f"the last {PERIODS[freq][:-1]} ({pd.Period(end, freq)}) is only observed up to "
                f"{end.date()}: its {attrs['dropped_transactions']} purchase(s) are left out "
                f"({attrs['dropped_customers']} customer(s) first bought then). Pass incomplete='keep' "
                "to keep it, flagged complete=False.", DataWarning, stacklevel=2)

    codes, _ = pd.factorize(log[customer_col])
    first = np.full(codes.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, ordinal)
    cohort = first[codes]
    k = ordinal - cohort
    pairs = pd.DataFrame({"c": cohort, "k": k, "id": codes})
    active = pairs.drop_duplicates().groupby(["c", "k"]).size()
    sizes = pd.Series(first).value_counts().sort_index()

    n_obs = last - sizes.index.to_numpy() + 1
    c_all = np.repeat(sizes.index.to_numpy(), n_obs)
    k_all = np.concatenate([np.arange(n) for n in n_obs])
    grid = pd.MultiIndex.from_arrays([c_all, k_all], names=["c", "k"])
    p = pd.PeriodIndex.from_ordinals
    out = pd.DataFrame({
        "cohort": p(c_all, freq=freq),
        "period_number": k_all.astype(np.int64),
        "period": p(c_all + k_all, freq=freq),
        "cohort_size": sizes.reindex(c_all).to_numpy(np.int64),
        "active": active.reindex(grid, fill_value=0).to_numpy(np.int64),
    })
    if amount_col is not None:
        revenue = log[amount_col].groupby([cohort, k]).sum()
        out["revenue"] = revenue.reindex(grid, fill_value=0.0).to_numpy(np.float64)
    # with incomplete="drop" the partial period is gone and the new last period is whole
    out["complete"] = (c_all + k_all < last) | complete_end | (incomplete == "drop")
    out.attrs.update(attrs)
    return out


def _check_table(table: Any, value: str = "active") -> pd.DataFrame:
    check_dataframe(table, "table")
    if value not in ("active", "revenue"):
        raise ValueError(f"value must be 'active' (customers) or 'revenue', not {value!r}")
    require_columns(table, [*_TABLE, value], "table")
    k = table["period_number"]
    if not pd.api.types.is_integer_dtype(k) or (k < 0).any():
        raise ValueError("column 'period_number' must hold whole numbers >= 0; build the table with "
                         "cohort_table(...)")
    if table.duplicated(["cohort", "period_number"]).any():
        raise ValueError("the table has several rows for the same cohort and period_number; pass "
                         "the output of cohort_table(...) unchanged")
    if not table.loc[k == 0, "cohort"].drop_duplicates().shape[0] == table["cohort"].nunique():
        raise ValueError("every cohort needs its period_number 0 row (the acquisition period); pass "
                         "the output of cohort_table(...) unfiltered, or cut later periods only")
    bad = table[value].isna() | (table[value] < 0) | (table["active"] > table["cohort_size"])
    if bad.any():
        row = table.loc[bad.to_numpy()].iloc[0]
        raise ValueError(f"column {value!r} must be >= 0 and 'active' at most 'cohort_size'; the "
                         f"first bad row is cohort {row['cohort']}, period {row['period_number']}. "
                         "Pass the output of cohort_table(...) unchanged.")
    return table


def _wide(table: pd.DataFrame, value: str, max_period: int | None) -> pd.DataFrame:
    wide = table.pivot(index="cohort", columns="period_number", values=value).astype("float64")
    if max_period is not None:
        top = int(table["period_number"].max())
        if isinstance(max_period, bool) or not isinstance(max_period, (int, np.integer)) or max_period < 0:
            raise ValueError(f"max_period must be a whole number >= 0, got {max_period!r}")
        if max_period > top:
            raise ValueError(f"max_period={max_period} is beyond the data: the oldest cohort is observed "
                             f"for periods 0 to {top} only; pass max_period={top} or less")
        wide = wide.loc[:, wide.columns <= max_period]
    wide.columns.name = "period_number"
    wide.attrs.update(table.attrs)
    return wide


def retention_matrix(table: pd.DataFrame, value: str = "active", *,
                     max_period: int | None = None) -> pd.DataFrame:
    """Share of each cohort active in each period since acquisition (cohort x period_number).

    With ``value="active"`` a cell is active customers / cohort size (period 0 is 1.0). With
    ``value="revenue"`` it is the cohort's revenue in the period / its revenue in period 0
    ("revenue retention"; it can exceed 1). Unobserved cells are NaN.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`cohort_table`.
    value : {"active", "revenue"}, default "active"
    max_period : int, optional
        Keep periods 0 to ``max_period``; an error if no cohort is observed that long.

    Returns
    -------
    DataFrame
        Indexed by cohort, one column per period number.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                     "date": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-31",
    ...                                             "2024-02-10", "2024-02-15"])})
    >>> retention_matrix(cohort_table(log, observation_end="2024-03-31"))
    ... # doctest: +NORMALIZE_WHITESPACE
    period_number    0    1    2
    cohort
    2024-01        1.0  0.5  0.5
    2024-02        1.0  0.0  NaN
    """
    _check_table(table, value)
    wide = _wide(table, value, max_period)
    if value == "active":
        size = table.groupby("cohort")["cohort_size"].first().astype("float64")
        return wide.div(size, axis=0)
    return wide.div(wide[0], axis=0)


def average_retention_curve(table: pd.DataFrame, value: str = "active", *,
                            max_period: int | None = None) -> pd.DataFrame:
    """Retention curve of all cohorts together, each weighted by its size.

    At period ``k`` the retention is the total active customers (or revenue) of the cohorts
    observed at ``k`` over their total size (or period-0 revenue). Later periods rest on fewer,
    older cohorts (column ``cohorts``), so their mix changes along the curve.

    Returns
    -------
    DataFrame
        Indexed by ``period_number``: ``retention``, ``cohorts`` (how many are observed) and
        ``customers`` (their total size).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                     "date": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-31",
    ...                                             "2024-02-10", "2024-02-15"])})
    >>> average_retention_curve(cohort_table(log, observation_end="2024-03-31")).round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
                   retention  cohorts  customers
    period_number
    0                  1.000        2          3
    1                  0.333        2          3
    2                  0.500        1          2
    """
    _check_table(table, value)
    wide = _wide(table, value, max_period)
    size = table.groupby("cohort")["cohort_size"].first().astype("float64")
    base = size if value == "active" else wide[0]
    seen = wide.notna()
    total = wide.sum(axis=0)
    denom = seen.mul(base, axis=0).sum(axis=0)
    out = pd.DataFrame({
        "retention": total / denom,
        "cohorts": seen.sum(axis=0).astype(np.int64),
        "customers": seen.mul(size, axis=0).sum(axis=0).astype(np.int64),
    })
    out.attrs.update(table.attrs)
    return out


def period_retention_rates(table: pd.DataFrame, *, max_period: int | None = None) -> pd.DataFrame:
    """Period-over-period retention: active in period k / active in period k-1, per cohort.

    In a contractual setting (no one comes back) this is the share of last period's customers
    who renewed. In a non-contractual one it is a ratio of counts, not of the same customers:
    some of this period's buyers skipped the last period, so a rate can exceed 1. NaN where
    unobserved or where period k-1 had no active customer.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 1, 2, 2],
    ...                     "date": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-31",
    ...                                             "2024-02-10"])})
    >>> period_retention_rates(cohort_table(log, observation_end="2024-03-31"))
    ... # doctest: +NORMALIZE_WHITESPACE
    period_number    1    2
    cohort
    2024-01        0.5  1.0
    """
    _check_table(table)
    wide = _wide(table, "active", max_period)
    prev = wide.shift(1, axis=1).where(lambda x: x > 0)
    return (wide / prev).iloc[:, 1:]


def _value_inputs(margin: Any, retention: Any, discount: Any, acquisition_cost: Any,
                  new_customers: Any, growth: Any, current_customers: Any,
                  cohorts: Any) -> tuple[float, ...]:
    m = check_positive(margin, "margin", allow_zero=True)
    r = check_probability(retention, "retention", allow_one=False)
    d = check_positive(discount, "discount")
    c = check_positive(acquisition_cost, "acquisition_cost", allow_zero=True)
    n0 = check_positive(new_customers, "new_customers", allow_zero=True)
    cur = check_positive(current_customers, "current_customers", allow_zero=True)
    try:
        g = float(growth)
    except (TypeError, ValueError):
        raise TypeError(f"growth must be a number (0.05 for 5 % a period), not {growth!r}") from None
    if not np.isfinite(g) or g <= -1:
        raise ValueError(f"growth must be a finite number above -1, got {growth!r}")
    if cohorts is None:
        if g >= d:
            raise ValueError(f"growth ({g}) must be below the discount rate ({d}) for the value of "
                             "all future cohorts to be finite; lower growth or pass cohorts=N")
    elif isinstance(cohorts, bool) or not isinstance(cohorts, (int, np.integer)) or cohorts < 0:
        raise ValueError(f"cohorts must be None (all future cohorts) or a whole number >= 0, got {cohorts!r}")
    return m, r, d, c, n0, g, cur


def firm_value(margin: float, retention: float, discount: float, acquisition_cost: float = 0.0,
               new_customers: float = 0.0, growth: float = 0.0, *, current_customers: float = 0.0,
               cohorts: int | None = None) -> float:
    """Value of current and future customers (Gupta, Lehmann & Stuart 2004).

    Time 0 is the start of the coming period. As in Gupta et al., a customer pays a margin
    ``m`` at the start of each period in which they are still a customer, stays from one
    period to the next with probability ``r``, and money is discounted at ``d`` per period.
    A customer acquired now is worth ``m (1 + d) / (1 + d - r) = m + m r / (1 + d - r)``: the
    first margin plus the simple retention formula ``m r / (1 + d - r)``, minus the
    acquisition cost ``c``. A current customer (acquired earlier) is kept into this period with
    probability ``r``, then is worth the same as a new one: ``r m (1 + d) / (1 + d - r)``.
    With ``n_k = n_0 (1 + g)^k`` new customers in period k,

    ``value = current * r m (1 + d) / (1 + d - r) + sum_k n_k / (1 + d)^k [m (1 + d) / (1 + d - r) - c]``,

    summed over all future cohorts (closed form ``n_0 (1 + d) / (d - g)``, needs ``g < d``) or
    over the first ``cohorts`` ones. Margins and retention are the same for every customer and
    period: a back-of-the-envelope model (chapters 04, 06 and 07 relax this).

    Parameters
    ----------
    margin : float
        Margin per customer per period, in money (>= 0).
    retention : float
        Share of customers kept from one period to the next, in [0, 1).
    discount : float
        Discount rate per period (> 0).
    acquisition_cost : float, default 0
        Cost of acquiring one customer.
    new_customers : float, default 0
        Customers acquired this period, ``n_0``.
    growth : float, default 0
        Growth rate of the number of new customers per period, ``g``.
    current_customers : float, default 0
        Customers already acquired (active in the period just ended).
    cohorts : int, optional
        Count only this many future cohorts (this period's included); default all of them.

    Examples
    --------
    >>> round(firm_value(100, 0.8, 0.1, new_customers=1, cohorts=1), 2)  # m (1 + d) / (1 + d - r)
    366.67
    >>> round(firm_value(100, 0.8, 0.1, 50, new_customers=10, growth=0.0), 2)
    34833.33
    """
    m, r, d, c, n0, g, cur = _value_inputs(margin, retention, discount, acquisition_cost,
                                           new_customers, growth, current_customers, cohorts)
    lifetime = m * (1 + d) / (1 + d - r)  # discounted margins of a customer from acquisition on
    q = (1 + g) / (1 + d)
    weight = (1 + d) / (d - g) if cohorts is None else sum(q**k for k in range(cohorts))
    return float(cur * r * lifetime + n0 * weight * (lifetime - c))


def value_levers(margin: float, retention: float, discount: float, acquisition_cost: float = 0.0,
                 new_customers: float = 0.0, growth: float = 0.0, *, current_customers: float = 0.0,
                 cohorts: int | None = None, improvement: float = 0.01) -> pd.DataFrame:
    """Change in :func:`firm_value` when retention, margin or acquisition cost improve by 1 %.

    Each lever is improved alone, in relative terms as in Gupta, Lehmann & Stuart (2004):
    retention ``r * 1.01``, margin ``m * 1.01``, acquisition cost ``c * 0.99``.

    Returns
    -------
    DataFrame
        One row per lever: ``from``, ``to``, ``value`` (the firm value after the change) and
        ``change_pct`` (its change from the base value, %). ``attrs["base_value"]`` holds the
        base value.

    Examples
    --------
    >>> value_levers(100, 0.8, 0.1, 50, new_customers=10)["change_pct"].round(2)
    lever
    retention           3.17
    margin              1.16
    acquisition cost    0.16
    Name: change_pct, dtype: float64
    """
    x = check_positive(improvement, "improvement")
    if x >= 1:
        raise ValueError(f"improvement is a share (0.01 for 1 %), got {improvement!r}")
    args = dict(margin=margin, retention=retention, discount=discount, acquisition_cost=acquisition_cost,
                new_customers=new_customers, growth=growth, current_customers=current_customers,
                cohorts=cohorts)
    base = firm_value(**args)
    if (r_new := float(retention) * (1 + x)) >= 1:
        raise ValueError(f"retention {retention} improved by {x:.0%} reaches {r_new:.3f}, not below 1; "
                         "pass a smaller improvement")
    changes = {"retention": ("retention", r_new), "margin": ("margin", float(margin) * (1 + x)),
               "acquisition cost": ("acquisition_cost", float(acquisition_cost) * (1 - x))}
    rows = {}
    for lever, (arg, new) in changes.items():
        value = firm_value(**{**args, arg: new})
        change = (value / base - 1) * 100 if base != 0 else np.nan
        rows[lever] = {"from": float(args[arg]), "to": new, "value": value, "change_pct": change}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "lever"
    out.attrs["base_value"] = base
    return out

"""Acquisition cohorts, retention curves and the value of 1 % better retention.

A **cohort** is the group of customers whose first purchase falls in the same period (month,
quarter or year). :func:`cohort_table` follows each cohort period after period;
:func:`retention_matrix` turns it into the share of the cohort active in each later period;
:func:`average_retention_curve` and :func:`period_retention_rates` summarize it.
:func:`firm_value` and :func:`value_levers` value current and future customers with the
retention model of Gupta, Lehmann & Stuart (2004) and show what a 1 % improvement in retention,
margin or acquisition cost is worth; they live in :mod:`relmkt_lib.clv` (with the other CLV
formulas) and are re-exported here for chapter 03.

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

from ._checks import check_dataframe, require_columns
from ._dates import parse_day
from .clv import firm_value, value_levers
from .data import validate_transactions
from .exceptions import DataWarning

__all__ = [
    "PERIODS",
    "cohort_table",
    "retention_matrix",
    "average_retention_curve",
    "period_retention_rates",
    "firm_value",
    "value_levers",
]

#: Period codes accepted by :func:`cohort_table` (a subset of the kit's shared ``freq`` codes
#: "W", "M", "Q", "6M", "Y"), with the unit they stand for.
PERIODS = {"M": "months", "Q": "quarters", "Y": "years"}
_TABLE = ["cohort", "period_number", "cohort_size", "active"]
#: Larger than any period ordinal: the start value of a running minimum.
_NO_PERIOD = np.iinfo(np.int64).max


def cohort_table(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    freq: str = "M",
    observation_end: Any = None,
    incomplete: str = "drop",
    date_format: str | None = None,
    dayfirst: bool | None = None,
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
        Amount column; adds the cohort's ``revenue`` in each period (None: no amounts).
    freq : {"M", "Q", "Y"}, default "M"
        Length of a period: calendar month, quarter or year.
    observation_end : date-like, optional
        The last observed day, inclusive (default: the day of the last purchase). Periods up to
        it are observed, even those without purchases.
    incomplete : {"drop", "keep"}, default "drop"
        What to do when ``observation_end`` is not the last day of its period: drop that
        partial period (its purchases are left out, with a :class:`~relmkt_lib.exceptions.DataWarning`
        saying how many), or keep it with ``complete=False``.
    date_format, dayfirst : optional
        How to read text dates, as in :func:`relmkt_lib.data.validate_transactions`
        (``dayfirst=True`` for day/month/year such as Quebec's JJ/MM/AAAA).

    Returns
    -------
    DataFrame
        One row per cohort and observed period, sorted: ``cohort`` and ``period`` (pandas
        Periods of ``freq``: acquisition and calendar period), ``period_number`` (periods since
        acquisition), ``cohort_size``, ``active``, ``revenue`` (with ``amount_col``) and
        ``complete``. Cells after the end of the data are absent.

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
    log = validate_transactions(transactions, customer_col=customer_col, date_col=date_col,
                                amount_col=amount_col, observation_end=observation_end,
                                date_format=date_format, dayfirst=dayfirst, duplicates="ignore")
    end = (log[date_col].max().normalize() if observation_end is None
           else parse_day(observation_end, "observation_end", dayfirst=dayfirst))
    ordinal = log[date_col].dt.to_period(freq).array.asi8
    last = end.to_period(freq).ordinal
    complete_end = (end + pd.Timedelta(days=1)).to_period(freq).ordinal > last
    if not complete_end and incomplete == "drop":
        keep = _drop_partial_period(log, customer_col, ordinal < last, end, freq)
        log, ordinal, last = log.loc[keep], ordinal[keep], last - 1
    amounts = None if amount_col is None else log[amount_col]
    out, period = _count_active(log[customer_col], ordinal, last, freq, amounts)
    # with incomplete="drop" the partial period is gone and the new last period is whole
    out["complete"] = (period < last) | complete_end | (incomplete == "drop")
    return out


def _drop_partial_period(log: pd.DataFrame, customer_col: str, keep: np.ndarray, end: pd.Timestamp,
                         freq: str) -> np.ndarray:
    """Check that something is left once the partial last period is dropped; warn what is dropped."""
    if not keep.any():
        raise ValueError(
            f"every purchase falls in the last, incomplete period (observation_end {end.date()} "
            "is not the end of a period); pass incomplete='keep', a later observation_end or "
            "a shorter freq")
    dropped = int((~keep).sum())
    if dropped:
        customers = log[customer_col].nunique() - log.loc[keep, customer_col].nunique()
        warnings.warn(
            f"the last {PERIODS[freq][:-1]} ({pd.Period(end, freq)}) is only observed up to "
            f"{end.date()}: its {dropped} purchase(s) are left out ({customers} customer(s) first "
            "bought then). Pass incomplete='keep' to keep it, flagged complete=False.", DataWarning, stacklevel=3)
    return keep


def _count_active(ids: pd.Series, ordinal: np.ndarray, last: int, freq: str,
                  amounts: pd.Series | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The cohort table (without ``complete``) and the period ordinal of each of its rows."""
    codes, _ = pd.factorize(ids)
    first = np.full(codes.max() + 1, _NO_PERIOD)
    np.minimum.at(first, codes, ordinal)
    cohort = first[codes]
    k = ordinal - cohort
    active = pd.DataFrame({"c": cohort, "k": k, "id": codes}).drop_duplicates().groupby(["c", "k"]).size()
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
    if amounts is not None:
        revenue = amounts.groupby([cohort, k]).sum()
        out["revenue"] = revenue.reindex(grid, fill_value=0.0).to_numpy(np.float64)
    return out, c_all + k_all


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
    return wide


def retention_matrix(table: pd.DataFrame, *, value: str = "active",
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


def average_retention_curve(table: pd.DataFrame, *, value: str = "active",
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

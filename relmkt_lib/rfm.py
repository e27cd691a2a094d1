"""Knowing customers by their behaviour: RFM scores, managerial segments, segment migration.

**RFM** (Hughes 1994) describes each customer by the **recency** of the last purchase, the
**frequency** of purchases and the **monetary** value spent, and scores each one from 1 to
``n_bins`` (5 = best: most recent, most frequent, highest spend) by its rank in the base.

Conventions, as of a day ``observation_end`` (the last observed day, inclusive, as everywhere in
the kit; purchases on later days are left out):

- ``recency``: days from the last purchase to ``observation_end`` (0 = bought that day);
- ``frequency``: number of **purchase days** (same-day purchases are merged, the first counts);
- ``monetary``: mean spend per purchase day (``monetary="mean"``) or total spend (``"total"``);
- ``tenure``: days from the first purchase to ``observation_end``.

**Ties are kept together.** A customer's score is ``1 + floor(n_bins * w)``, where ``w`` is the
share of customers with a strictly *worse* value. Equal customers always get equal scores, and
without ties the bins are quantiles of equal size (within one customer). With many ties the
bins are unequal and some scores can be empty: when half the customers bought once, they all
score F = 1 and nobody scores F = 2. Splitting ties instead (``ties="split"``: rank by value,
then by customer id) fills every bin but gives equal customers different scores depending only
on their id; use it only to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import data
from ._checks import check_dataframe, plain, removed_keywords, require_columns
from ._dates import parse_day
from ._rfm_tables import ACTIONS, DEFAULT_RULES, SEGMENT_LABELS_FR, Rule

__all__ = [
    "DEFAULT_RULES",
    "SEGMENT_LABELS_FR",
    "rfm_scores",
    "rfm_segments",
    "segment_summary",
    "segment_actions",
    "activity_between",
    "segment_migration",
]

_SUMMARY_COLS = ("frequency", "recency", "T")
#: Number of scores the default rules are written for.
_DEFAULT_RULES_BINS = 5
_OBSERVATION_END_HINT = "observation_end='2024-12-31' (the scoring day: the last observed day, inclusive)"
_WINDOW_HINT = ("window_start='2025-01-01', window_end='2025-12-31' (both days inclusive; the old start was "
                "excluded, so window_start is the day after it)")
_SNAPSHOT_HINT = ("from_observation_end='2024-12-31', to_observation_end='2025-12-31' (the two scoring days, "
                  "inclusive)")


def _check_choice(value: Any, name: str, options: Sequence[str]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, not {value!r}")
    return value


def _check_n_bins(n_bins: Any) -> int:
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError(f"n_bins must be a whole number from 2 to 9, not {n_bins!r}")
    if not 2 <= n_bins <= 9:
        raise ValueError(f"n_bins must be from 2 to 9 (one digit per score in the RFM code), got {n_bins}")
    return int(n_bins)


def _score(values: pd.Series, n_bins: int, higher_is_better: bool, ties: str) -> np.ndarray:
    """1 + floor(n_bins * share of customers strictly worse); ties kept together or split."""
    rank = values.rank(method="min" if ties == "together" else "first", ascending=higher_is_better)
    worse = rank.to_numpy(dtype=np.int64) - 1
    return 1 + (n_bins * worse) // len(values)


def _from_summary(df: pd.DataFrame, monetary: str) -> pd.DataFrame:
    require_columns(df, [*_SUMMARY_COLS, "monetary_value"], "the summary table")
    cols = [*_SUMMARY_COLS, "monetary_value"]
    vals = df[cols].apply(pd.to_numeric, errors="coerce")
    bad = vals.isna() | (vals < 0) | ~np.isfinite(vals)
    bad["T"] |= vals["T"] < vals["recency"]
    bad["frequency"] |= vals["frequency"] != np.floor(vals["frequency"])
    if bad.to_numpy().any():
        col = bad.any().idxmax()
        label = plain(df.index[bad[col].to_numpy().argmax()])
        raise ValueError(f"column {col!r} of the summary table: customer {label!r} has the impossible "
                         f"value {plain(df.loc[label, col])!r} (values must be finite, >= 0, frequency "
                         "whole, T >= recency); rebuild it with relmkt_lib.data.summarize_transactions")
    repeat = vals["frequency"]
    spend = vals["monetary_value"] * (1 if monetary == "mean" else repeat)
    return pd.DataFrame({"recency": vals["T"] - vals["recency"],
                         "frequency": (repeat + 1).astype(np.int64), "monetary": spend,
                         "tenure": vals["T"]}, index=df.index)


def _from_log(df: pd.DataFrame, customer_col: str, date_col: str, amount_col: str, observation_end: Any,
              monetary: str, date_format: str | None, dayfirst: bool | None) -> pd.DataFrame:
    require_columns(df, [customer_col, date_col, amount_col])
    log = data.validate_transactions(df, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                                     date_format=date_format, dayfirst=dayfirst, duplicates="ignore")
    dates = log[date_col]
    end = (dates.max().normalize() if observation_end is None
           else parse_day(observation_end, "observation_end", dayfirst=dayfirst))
    if end < dates.min().normalize():
        raise ValueError(f"observation_end ({end.date()}) is before the first purchase in {date_col!r} "
                         f"({dates.min().date()}): nobody is a customer yet. Choose a later observation_end.")
    keep = (dates < end + pd.Timedelta(days=1)).to_numpy()
    summary = data.summarize_transactions(log.loc[keep], customer_col=customer_col, date_col=date_col,
                                          amount_col=amount_col, observation_end=end,
                                          include_first_transaction=True)
    count = summary["frequency"].astype(np.int64)
    spend = summary["monetary_value"] * (1 if monetary == "mean" else count)
    return pd.DataFrame({"recency": summary["T"] - summary["recency"], "frequency": count,
                         "monetary": spend, "tenure": summary["T"]}, index=summary.index)


@removed_keywords(as_of=_OBSERVATION_END_HINT)
def rfm_scores(df: pd.DataFrame, *, customer_col: str = "customer_id", date_col: str = "date",
               amount_col: str = "amount", observation_end: Any = None, n_bins: int = 5, monetary: str = "mean",
               ties: str = "together", date_format: str | None = None, dayfirst: bool | None = None) -> pd.DataFrame:
    """Recency, frequency and monetary values and scores (1 to ``n_bins``, higher is better).

    Parameters
    ----------
    df : DataFrame
        A transaction log (one row per purchase), or a summary table from
        :func:`relmkt_lib.data.summarize_transactions` (recognised by its ``frequency``,
        ``recency``, ``T`` and ``monetary_value`` columns). Not modified.
    customer_col, date_col, amount_col : str, default "customer_id", "date", "amount"
        Columns of the log (ignored for a summary table, indexed by customer).
    observation_end : date-like, optional
        The scoring day: the last observed day, inclusive (default: the last purchase day).
        Purchases on later days are left out, so one log can be scored as of any past day;
        customers who first bought after it are not yet customers. Only for a log: a summary
        is already as of its own ``observation_end``.
    n_bins : int, default 5
        Number of scores, from 2 to 9 (5: quintiles).
    monetary : {"mean", "total"}, default "mean"
        Mean spend per purchase day, or total spend. From a lifetimes-style summary (made
        without ``include_first_transaction``) only repeat purchases are known: "mean" is their
        mean (0 for one-time buyers) and "total" their total; frequency is its ``frequency + 1``.
    ties : {"together", "split"}, default "together"
        Equal values get equal scores (see the module notes), or ties are split by customer id.
    date_format, dayfirst : optional
        How to read text dates, as in :func:`relmkt_lib.data.validate_transactions`
        (``dayfirst=True`` for day/month/year such as Quebec's JJ/MM/AAAA).

    Returns
    -------
    DataFrame
        One row per customer (sorted by id): ``recency``, ``frequency``, ``monetary``,
        ``tenure``, the scores ``R``, ``F``, ``M`` and the code ``rfm`` (such as "545").

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 2, 3, 3, 3, 4, 5],
    ...     "day": pd.to_datetime(["2024-01-02", "2024-03-01", "2024-02-15", "2024-01-10", "2024-02-01",
    ...                            "2024-03-20", "2024-03-25", "2024-01-05"]),
    ...     "spend": [20.0, 40.0, 100.0, 10.0, 20.0, 30.0, 55.0, 15.0]})
    >>> rfm_scores(log, customer_col="id", date_col="day", amount_col="spend",
    ...            observation_end="2024-03-31")  # doctest: +NORMALIZE_WHITESPACE
        recency  frequency  monetary  tenure  R  F  M  rfm
    id
    1      30.0          2      30.0    89.0  3  4  3  343
    2      45.0          1     100.0    45.0  2  1  5  215
    3      11.0          3      20.0    81.0  4  5  2  452
    4       6.0          1      55.0     6.0  5  1  4  514
    5      86.0          1      15.0    86.0  1  1  1  111
    """
    check_dataframe(df)
    n_bins = _check_n_bins(n_bins)
    _check_choice(monetary, "monetary", ("mean", "total"))
    _check_choice(ties, "ties", ("together", "split"))
    is_summary = set(_SUMMARY_COLS) <= set(df.columns) and date_col not in df.columns
    if is_summary:
        if observation_end is not None:
            raise ValueError("observation_end applies to a transaction log; a summary table is already as of "
                             "its own observation_end. Summarize the log again with another observation_end.")
        out = _from_summary(df, monetary)
    else:
        out = _from_log(df, customer_col, date_col, amount_col, observation_end, monetary, date_format, dayfirst)
    out["R"] = _score(out["recency"], n_bins, False, ties)
    out["F"] = _score(out["frequency"], n_bins, True, ties)
    out["M"] = _score(out["monetary"], n_bins, True, ties)
    out["rfm"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def _check_scores(scores: Any, name: str = "scores") -> pd.DataFrame:
    check_dataframe(scores, name)
    require_columns(scores, ["R", "F", "M"], name)
    sc = scores[["R", "F", "M"]]
    for col in sc.columns:
        v = pd.to_numeric(sc[col], errors="coerce")
        bad = v.isna() | (v < 1) | (v != np.floor(v))
        if bad.any():
            label = plain(scores.index[bad.to_numpy().argmax()])
            raise ValueError(f"column {col!r} of {name}: customer {label!r} has the score "
                             f"{plain(sc.loc[label, col])!r}; scores are whole numbers >= 1 from rfm_scores")
    return sc.astype(np.int64)


def rfm_segments(scores: pd.DataFrame, *, rules: Sequence[Rule] | None = None,
                 language: str = "en") -> pd.DataFrame:
    """Give each customer one named segment: the first rule whose condition holds.

    Parameters
    ----------
    scores : DataFrame
        The output of :func:`rfm_scores` (columns ``R``, ``F``, ``M``). Not modified.
    rules : sequence of (name, condition), optional
        In order; the first matching rule wins. A condition is a text evaluated on the scores
        (``"R >= 4 and F in [4, 5]"``, ``"tenure <= 90"``, ``"True"`` for a catch-all) or a
        function of the scores table returning True/False per customer. Default
        :data:`DEFAULT_RULES`, written for 5 scores: a score above 5, or an :func:`rfm_scores`
        table whose best score is below 5 (made with another ``n_bins``), is an error (pass
        ``rules=DEFAULT_RULES`` to apply them anyway, to a subset for example).
    language : {"en", "fr"}, default "en"
        Labels in English or French (:data:`SEGMENT_LABELS_FR`; other names are kept).

    Returns
    -------
    DataFrame
        A copy of ``scores`` with a ``segment`` column: a categorical whose categories are the
        rules' names in order, so a segment without customers still counts, with 0.

    Examples
    --------
    >>> scores = pd.DataFrame({"R": [5, 1, 4], "F": [5, 1, 1], "M": [3, 2, 5]}, index=[7, 8, 9])
    >>> rfm_segments(scores)["segment"].tolist()
    ['champions', 'lost', 'promising']
    >>> rfm_segments(scores, language="fr")["segment"].tolist()
    ['champions', 'perdus', 'prometteurs']
    """
    sc = _check_scores(scores)
    _check_choice(language, "language", ("en", "fr"))
    if rules is None:
        # An rfm_scores table whose best score is not 5 was made with another n_bins.
        top = int(sc.to_numpy().max())
        if top > _DEFAULT_RULES_BINS or ("rfm" in scores.columns and top < _DEFAULT_RULES_BINS):
            raise ValueError(f"the default rules are written for {_DEFAULT_RULES_BINS} scores, these go up "
                             f"to {top} (made with another n_bins?); pass your own rules=[(name, condition), "
                             "...], or rules=DEFAULT_RULES to apply them anyway")
        rules = DEFAULT_RULES
    rules = list(rules)
    if not rules or any(not (isinstance(r, (tuple, list)) and len(r) == 2) for r in rules):
        raise ValueError("rules must be a non-empty list of (name, condition) pairs, such as "
                         "[('best', 'R >= 4 and F >= 4'), ('others', 'True')]")
    names = [str(name) for name, _ in rules]
    if len(set(names)) < len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"the segment name {dup!r} appears in several rules; merge their conditions "
                         "with 'or'")
    frame = scores.copy()
    frame[["R", "F", "M"]] = sc
    assigned = np.full(len(sc), -1)
    for i, (name, cond) in enumerate(rules):
        try:
            mask = cond(frame.copy()) if callable(cond) else frame.eval(str(cond), engine="python")
            mask = np.broadcast_to(np.asarray(mask, dtype=bool), (len(sc),))
        except Exception as exc:
            raise ValueError(f"rule {i} ({name!r}): cannot evaluate the condition {cond!r} on the columns "
                             f"R, F, M ({type(exc).__name__}: {exc})") from exc
        assigned[(assigned < 0) & mask] = i
    if (assigned < 0).any():
        pos = int(np.argmax(assigned < 0))
        raise ValueError(f"{int((assigned < 0).sum())} customer(s) match no rule; the first is "
                         f"{plain(sc.index[pos])!r} with R={sc.iat[pos, 0]}, F={sc.iat[pos, 1]}, "
                         f"M={sc.iat[pos, 2]}. Widen a condition or end with a catch-all ('others', 'True').")
    labels = [SEGMENT_LABELS_FR.get(n, n) if language == "fr" else n for n in names]
    out = scores.copy()
    out["segment"] = pd.Categorical.from_codes(assigned, categories=labels)
    return out


def segment_summary(segments: pd.DataFrame, *, value_col: str | None = None) -> pd.DataFrame:
    """Size and mean behaviour of each segment (every segment listed, empty ones with 0).

    Returns ``customers``, ``customer_share`` and the mean ``recency``, ``frequency``,
    ``monetary`` per segment; with ``value_col`` (such as next year's spend) also
    ``value_mean``, ``value_total`` and ``value_share``. Means of an empty segment are NaN.

    Examples
    --------
    >>> seg = rfm_segments(pd.DataFrame({"R": [5, 5, 1], "F": [5, 4, 1], "M": [1, 1, 1],
    ...                                  "spend": [30.0, 10.0, 0.0]}))
    >>> segment_summary(seg, value_col="spend").loc[["champions", "loyal"], ["customers", "value_share"]]
    ...  # doctest: +NORMALIZE_WHITESPACE
               customers  value_share
    segment
    champions          2          1.0
    loyal              0          0.0
    """
    check_dataframe(segments, "segments")
    require_columns(segments, ["segment", value_col], "segments")
    seg = segments["segment"]
    if not isinstance(seg.dtype, pd.CategoricalDtype):
        seg = seg.astype("category")
    cols = [c for c in ("recency", "frequency", "monetary") if c in segments.columns]
    g = segments[cols].groupby(seg, observed=False)
    out = pd.DataFrame({"customers": g.size()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out = out.join(g.mean())
    if value_col is not None:
        value = pd.to_numeric(segments[value_col], errors="coerce")
        if value.isna().any():
            raise ValueError(f"column {value_col!r} must hold numbers with no missing values")
        v = value.groupby(seg, observed=False)
        out["value_mean"], out["value_total"] = v.mean(), v.sum()
        out["value_share"] = out["value_total"] / value.sum() if value.sum() else np.nan
    out.index.name = "segment"
    return out


def segment_actions(*, language: str = "en") -> pd.DataFrame:
    """What each default segment is and what it calls for, as a relationship action.

    >>> segment_actions().loc["new", "action"]
    'welcome and onboarding (guides, how-to): aim for the second purchase'
    """
    _check_choice(language, "language", ("en", "fr"))
    out = pd.DataFrame.from_dict(ACTIONS, orient="index", columns=["who", "action"])
    if language == "fr":
        out.index = out.index.map(SEGMENT_LABELS_FR)
    out.index.name = "segment"
    return out


@removed_keywords(start=_WINDOW_HINT, end=_WINDOW_HINT)
def activity_between(transactions: pd.DataFrame, *, customer_col: str = "customer_id", date_col: str = "date",
                     amount_col: str = "amount", window_start: Any, window_end: Any,
                     customers: Any = None) -> pd.DataFrame:
    """Purchase days and spend of each customer from ``window_start`` to ``window_end`` (both days included).

    ``customers`` (ids, such as a scores table's index) fixes the rows, with 0 for those who did
    not buy; customers outside it are left out. By default: everyone who bought in the window.
    Columns: ``purchases`` (purchase days), ``spend`` and ``bought`` (at least one purchase).
    To follow customers scored with ``observation_end=X``, start the window the day after X.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 2], "spend": [10.0, 25.0, 8.0],
    ...                     "day": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20"])})
    >>> activity_between(log, customer_col="id", date_col="day", amount_col="spend", window_start="2024-02-01",
    ...                  window_end="2024-03-31", customers=[1, 2])  # doctest: +NORMALIZE_WHITESPACE
        purchases  spend  bought
    id
    1           1   25.0    True
    2           0    0.0   False
    """
    log = data.validate_transactions(transactions, customer_col=customer_col, date_col=date_col,
                                     amount_col=amount_col, duplicates="ignore")
    lo, hi = parse_day(window_start, "window_start"), parse_day(window_end, "window_end")
    if hi < lo:
        raise ValueError(f"window_end ({hi.date()}) must not come before window_start ({lo.date()})")
    day = log[date_col].dt.normalize()
    window = log.loc[((day >= lo) & (day <= hi)).to_numpy()]
    g = window.assign(_day=day).groupby(customer_col)
    out = pd.DataFrame({"purchases": g["_day"].nunique(), "spend": g[amount_col].sum()})
    if customers is not None:
        out = out.reindex(pd.Index(customers, name=customer_col), fill_value=0)
    out["purchases"] = out["purchases"].astype(np.int64)
    out["spend"] = out["spend"].astype("float64")
    out["bought"] = out["purchases"] > 0
    return out


@removed_keywords(start=_SNAPSHOT_HINT, end=_SNAPSHOT_HINT)
def segment_migration(transactions: pd.DataFrame, *, customer_col: str = "customer_id",
                      date_col: str = "date", amount_col: str = "amount", from_observation_end: Any,
                      to_observation_end: Any, rules: Sequence[Rule] | None = None, n_bins: int = 5,
                      monetary: str = "mean", ties: str = "together", language: str = "en") -> pd.DataFrame:
    """How customers moved between segments from one scoring day to a later one (a tidy crosstab).

    Customers are scored and segmented as of ``from_observation_end`` and as of
    ``to_observation_end`` (each the last observed day, inclusive) with :func:`rfm_scores` and
    :func:`rfm_segments` (scores are ranks within the base of that day, so a segment can change
    because others changed). Customers whose first purchase falls after ``from_observation_end``
    come from the row "not yet a customer" ("pas encore clients").

    Returns
    -------
    DataFrame
        One row per (``from_segment``, ``to_segment``) pair, empty pairs included, with
        ``customers`` and ``share`` (of the ``from_segment``'s customers; NaN if it has none).

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 2, 3, 3, 4], "day": pd.to_datetime(
    ...     ["2024-01-02", "2024-01-20", "2024-01-25", "2024-02-20", "2024-02-25"]), "spend": [5.0] * 5})
    >>> m = segment_migration(log, customer_col="id", date_col="day", amount_col="spend",
    ...                       from_observation_end="2024-01-31", to_observation_end="2024-02-29",
    ...                       rules=[("active", "R >= 2"), ("lapsed", "True")], n_bins=2)
    >>> m[m.customers > 0]  # doctest: +NORMALIZE_WHITESPACE
             from_segment to_segment  customers  share
    0  not yet a customer     active          1    1.0
    2              active     active          1    1.0
    5              lapsed     lapsed          2    1.0
    """
    lo = parse_day(from_observation_end, "from_observation_end")
    hi = parse_day(to_observation_end, "to_observation_end")
    if hi <= lo:
        raise ValueError(f"to_observation_end ({hi.date()}) must come after from_observation_end ({lo.date()})")
    kw = dict(customer_col=customer_col, date_col=date_col, amount_col=amount_col, n_bins=n_bins,
              monetary=monetary, ties=ties)
    before = rfm_segments(rfm_scores(transactions, observation_end=lo, **kw), rules=rules,
                          language=language)["segment"]
    after = rfm_segments(rfm_scores(transactions, observation_end=hi, **kw), rules=rules,
                         language=language)["segment"]
    origin = SEGMENT_LABELS_FR["not yet a customer"] if language == "fr" else "not yet a customer"
    cats = list(after.cat.categories)
    frm = before.reindex(after.index).astype(object).fillna(origin).astype(
        pd.CategoricalDtype([origin, *cats]))
    counts = pd.crosstab(frm, after, dropna=False).reindex(index=[origin, *cats], columns=cats,
                                                           fill_value=0)
    shares = counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0)
    return pd.DataFrame({
        "from_segment": pd.Categorical(np.repeat(counts.index, len(cats)), categories=[origin, *cats]),
        "to_segment": pd.Categorical(np.tile(cats, len(counts)), categories=cats),
        "customers": counts.to_numpy().ravel().astype(np.int64),
        "share": shares.to_numpy().ravel(),
    })

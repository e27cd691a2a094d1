"""Tests of relmkt_lib.rfm and its plots: hand-computed values, properties, bad input."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relmkt_lib import plotting
from relmkt_lib.data import summarize_transactions
from relmkt_lib.datasets import load_boreal
from relmkt_lib.rfm import (
    DEFAULT_RULES,
    SEGMENT_LABELS_FR,
    activity_between,
    rfm_scores,
    rfm_segments,
    segment_actions,
    segment_migration,
    segment_summary,
)

D = pd.to_datetime


@pytest.fixture
def log() -> pd.DataFrame:
    """Five customers; hand-computed as of 2024-03-31 in test_hand_computed_values."""
    return pd.DataFrame({
        "id": [1, 1, 2, 3, 3, 3, 4, 5],
        "day": D(["2024-01-02", "2024-03-01", "2024-02-15", "2024-01-10", "2024-02-01",
                  "2024-03-20", "2024-03-25", "2024-01-05"]),
        "spend": [20.0, 40.0, 100.0, 10.0, 20.0, 30.0, 55.0, 15.0],
    })


@pytest.fixture
def moves() -> pd.DataFrame:
    """Four customers whose segments change between 2024-01-31 and 2024-02-29 (see test)."""
    return pd.DataFrame({
        "id": [1, 2, 2, 3, 4],
        "day": D(["2024-01-02", "2024-01-20", "2024-02-25", "2024-01-25", "2024-02-20"]),
        "spend": [5.0, 5.0, 5.0, 5.0, 5.0],
    })


TWO = [("active", "R >= 2"), ("lapsed", "True")]
COLS = dict(customer_col="id", date_col="day", amount_col="spend")


@pytest.fixture(scope="module")
def boreal_tx() -> pd.DataFrame:
    return load_boreal().transactions


# --- rfm_scores: hand-computed values ------------------------------------------------------

def test_hand_computed_values(log):
    out = rfm_scores(log, **COLS, observation_end="2024-03-31")
    # last purchases: 03-01, 02-15, 03-20, 03-25, 01-05 -> 30, 45, 11, 6, 86 days before 03-31
    assert out["recency"].tolist() == [30, 45, 11, 6, 86]
    assert out["frequency"].tolist() == [2, 1, 3, 1, 1]
    assert out["monetary"].tolist() == [30.0, 100.0, 20.0, 55.0, 15.0]
    assert out["tenure"].tolist() == [89, 45, 81, 6, 86]  # 2024 is a leap year
    # R: share strictly worse (longer ago) = 2/5, 1/5, 3/5, 4/5, 0 -> 1 + floor(5 * share)
    assert out["R"].tolist() == [3, 2, 4, 5, 1]
    # F: the three one-time buyers tie at the bottom (score 1); 2 purchases beat 3 customers
    assert out["F"].tolist() == [4, 1, 5, 1, 1]
    assert out["M"].tolist() == [3, 5, 2, 4, 1]
    assert out["rfm"].tolist() == ["343", "215", "452", "514", "111"]
    assert out.index.name == "id"


def test_hand_computed_two_bins_and_total_spend(log):
    out = rfm_scores(log, **COLS, observation_end="2024-03-31", n_bins=2, monetary="total")
    assert out["monetary"].tolist() == [60.0, 100.0, 60.0, 55.0, 15.0]
    assert out["R"].tolist() == [1, 1, 2, 2, 1]  # 1 + floor(2 * [2, 1, 3, 4, 0] / 5)
    # totals 60 and 60 tie: both have 2 customers strictly below -> 1 + floor(4 / 5) = 1
    assert out["M"].tolist() == [1, 2, 1, 1, 1]


def test_ties_kept_together_or_split_by_id():
    # frequencies 1, 1, 1, 2, 3 (customers 10..14)
    days = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", "2024-01-05", "2024-01-01",
            "2024-01-02", "2024-01-04"]
    tx = pd.DataFrame({"c": [10, 11, 12, 13, 13, 14, 14, 14], "d": D(days), "a": 10.0})
    together = rfm_scores(tx, customer_col="c", date_col="d", amount_col="a", observation_end="2024-01-10")
    split = rfm_scores(tx, customer_col="c", date_col="d", amount_col="a", observation_end="2024-01-10", ties="split")
    assert together["F"].tolist() == [1, 1, 1, 4, 5]  # no customer scores F = 2 or 3
    assert split["F"].tolist() == [1, 2, 3, 4, 5]  # equal customers, different scores
    assert together["M"].tolist() == [1] * 5  # everybody spends 10 a day: one tie
    assert sorted(split["M"].tolist()) == [1, 2, 3, 4, 5]


def test_observation_end_leaves_out_later_purchases_and_later_customers(log):
    out = rfm_scores(log, **COLS, observation_end="2024-02-15")
    assert out.index.tolist() == [1, 2, 3, 5]  # customer 4 first bought on 03-25
    assert out.loc[2, "recency"] == 0  # a purchase on the observation_end day counts
    assert out.loc[1, "frequency"] == 1 and out.loc[3, "frequency"] == 2
    assert out.loc[1, "tenure"] == 44 and not out.attrs  # nothing stashed in attrs


def test_observation_end_counts_a_purchase_at_15h_that_day(log):
    timed = log.assign(day=log["day"] + pd.Timedelta(hours=15))
    out = rfm_scores(timed, **COLS, observation_end="2024-02-15")
    assert out.loc[2, "recency"] == 0 and len(out) == 4


def test_default_observation_end_is_last_purchase_day(log):
    out = rfm_scores(log, **COLS)
    assert out.loc[4, "recency"] == 0 and out.loc[1, "tenure"] == 83  # 01-02 to 03-25


def test_from_summary_table(log):
    summary = summarize_transactions(log, **COLS, observation_end="2024-03-31")
    out = rfm_scores(summary)
    direct = rfm_scores(log, **COLS, observation_end="2024-03-31")
    pd.testing.assert_series_equal(out["recency"], direct["recency"])
    pd.testing.assert_series_equal(out["frequency"], direct["frequency"])
    pd.testing.assert_series_equal(out["R"], direct["R"])
    # lifetimes convention: the mean of the repeat purchases, 0 for one-time buyers
    assert out["monetary"].tolist() == [40.0, 0.0, 25.0, 0.0, 0.0]


def test_boreal_scores_are_quintiles(boreal_tx):
    out = rfm_scores(boreal_tx, observation_end="2024-12-31")
    first = boreal_tx.groupby("customer_id")["date"].min()
    assert len(out) == int((first <= "2024-12-31").sum())
    for col in ("R", "M"):  # almost no ties: five bins of equal size, within a few customers
        sizes = out[col].value_counts()
        assert sorted(sizes.index) == [1, 2, 3, 4, 5] and sizes.max() - sizes.min() < 0.01 * len(out)
    assert (out.loc[out["frequency"] == 1, "F"] == 1).all()


# --- properties ----------------------------------------------------------------------------

summaries = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 50), st.integers(0, 30), st.floats(0, 500, allow_nan=False)),
    min_size=1, max_size=60,
).map(lambda rows: pd.DataFrame(
    [{"frequency": float(f), "recency": float(r), "T": float(r + g), "monetary_value": m}
     for f, r, g, m in rows]))


@settings(max_examples=60, deadline=None)
@given(summaries, st.integers(2, 9), st.sampled_from(["together", "split"]))
def test_scores_in_range_and_monotone(summary, n_bins, ties):
    out = rfm_scores(summary, n_bins=n_bins, ties=ties)
    for raw, score, sign in (("recency", "R", -1), ("frequency", "F", 1), ("monetary", "M", 1)):
        s = out[score].to_numpy()
        assert s.min() >= 1 and s.max() <= n_bins
        v = sign * out[raw].to_numpy()
        better = v[:, None] > v[None, :]
        assert (s[:, None] >= s[None, :])[better].all()  # a better value never scores lower
        if ties == "together":
            assert (s[:, None] == s[None, :])[v[:, None] == v[None, :]].all()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 200), st.integers(2, 9))
def test_without_ties_bins_have_equal_sizes(n, n_bins):
    summary = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": np.arange(n, dtype=float),
                            "monetary_value": np.arange(n, dtype=float)})
    sizes = np.bincount(rfm_scores(summary, n_bins=n_bins)["M"], minlength=n_bins + 1)[1:]
    assert sizes.sum() == n and sizes.max() - sizes.min() <= 1


# --- rfm_segments --------------------------------------------------------------------------

def cube() -> pd.DataFrame:
    return pd.DataFrame(list(itertools.product(range(1, 6), repeat=3)), columns=["R", "F", "M"])


def test_default_rules_partition_every_score_combination():
    grid = cube()
    hits = np.column_stack([grid.eval(cond, engine="python").to_numpy() for _, cond in DEFAULT_RULES])
    assert (hits.sum(axis=1) == 1).all()  # each of the 125 cells in exactly one rule
    out = rfm_segments(grid)
    assert out["segment"].notna().all()
    assert list(out["segment"].cat.categories) == [name for name, _ in DEFAULT_RULES]


@pytest.mark.parametrize("r, f, m, name", [
    (5, 5, 1, "champions"), (4, 4, 5, "loyal"), (5, 3, 2, "potential loyalists"), (5, 1, 5, "new"),
    (4, 1, 1, "promising"), (3, 5, 2, "cooling regulars"), (3, 3, 3, "need attention"), (3, 1, 3, "about to sleep"),
    (1, 5, 5, "cannot lose"), (2, 4, 1, "at risk"), (2, 1, 4, "hibernating"), (1, 2, 1, "lost")])
def test_default_segment_of_a_customer(r, f, m, name):
    scores = pd.DataFrame({"R": [r], "F": [f], "M": [m]})
    assert rfm_segments(scores)["segment"].iloc[0] == name
    assert rfm_segments(scores, language="fr")["segment"].iloc[0] == SEGMENT_LABELS_FR[name]


def test_first_matching_rule_wins_and_conditions_can_be_functions_or_raw_columns():
    scores = pd.DataFrame({"R": [5, 5, 1], "F": [5, 1, 1], "M": [1, 1, 1], "tenure": [400, 20, 300]})
    rules = [("best", "R == 5 and F == 5"), ("new", "tenure <= 30"), ("recent", lambda s: s["R"] >= 4),
             ("rest", "True")]
    assert rfm_segments(scores, rules=rules)["segment"].tolist() == ["best", "new", "rest"]
    reordered = [rules[2], *rules[:2], rules[3]]
    assert rfm_segments(scores, rules=reordered)["segment"].tolist() == ["recent", "recent", "rest"]


def test_every_boreal_customer_gets_exactly_one_segment_and_empty_segments_count_zero(boreal_tx):
    scores = rfm_scores(boreal_tx, observation_end="2025-12-31")
    out = rfm_segments(scores)
    assert len(out) == len(scores) and out["segment"].notna().all()
    rules = [*DEFAULT_RULES[:3], ("nobody", "R > 5"), *DEFAULT_RULES[3:]]
    counts = rfm_segments(scores, rules=rules)["segment"].value_counts()
    assert counts["nobody"] == 0 and counts.sum() == len(scores)
    summary = segment_summary(rfm_segments(scores, rules=rules))
    assert summary.loc["nobody", "customers"] == 0 and summary["customers"].sum() == len(scores)


def test_segment_summary_hand_values():
    seg = rfm_segments(pd.DataFrame({"R": [5, 5, 1, 1], "F": [5, 4, 1, 1], "M": 1, "frequency": [9, 7, 1, 1],
                                     "spend": [30.0, 10.0, 0.0, 10.0]}))
    out = segment_summary(seg, value_col="spend")
    assert out.loc["champions", "customers"] == 2 and out.loc["lost", "customers"] == 2
    assert out.loc["champions", "frequency"] == 8.0
    assert out.loc["champions", "value_share"] == 0.8 and out.loc["lost", "value_mean"] == 5.0
    assert out["customer_share"].sum() == pytest.approx(1.0)
    assert out.loc["new", "customers"] == 0 and np.isnan(out.loc["new", "frequency"])


def test_segment_actions_cover_the_default_segments():
    actions = segment_actions()
    assert list(actions.index) == [name for name, _ in DEFAULT_RULES]
    assert "à risque" in segment_actions(language="fr").index


# --- activity_between and segment_migration -------------------------------------------------

def test_activity_between_window_bounds(log):
    out = activity_between(log, **COLS, window_start="2024-02-16", window_end="2024-03-20",
                           customers=[1, 2, 3, 9])
    # both days are included: 02-15 is before the window, 03-20 is its last day
    assert out["purchases"].tolist() == [1, 0, 1, 0]
    assert out["spend"].tolist() == [40.0, 0.0, 30.0, 0.0]
    assert out["bought"].tolist() == [True, False, True, False]
    default = activity_between(log, **COLS, window_start="2024-02-16", window_end="2024-03-31")
    assert default.index.tolist() == [1, 3, 4]
    first_day = activity_between(log, **COLS, window_start="2024-02-15", window_end="2024-02-15")
    assert first_day.index.tolist() == [2]  # a one-day window


def test_migration_hand_computed(moves):
    m = segment_migration(moves, **COLS, from_observation_end="2024-01-31", to_observation_end="2024-02-29", rules=TWO,
                          n_bins=2)
    # At the start, days since the last purchase are 29, 11, 6 (customers 1-3): only 3 is "active".
    # At the end they are 58, 4, 35, 9 (customers 1-4): 2 and 4 are "active".
    got = {(f, t): (c, s) for f, t, c, s in m.itertuples(index=False)}
    assert got[("not yet a customer", "active")] == (1, 1.0)
    assert got[("active", "lapsed")] == (1, 1.0)
    assert got[("lapsed", "active")] == (1, 0.5) and got[("lapsed", "lapsed")] == (1, 0.5)
    assert len(m) == 3 * 2 and m["customers"].sum() == 4


def test_migration_on_boreal_has_every_pair_and_row_shares_sum_to_one(boreal_tx):
    m = segment_migration(boreal_tx, from_observation_end="2024-12-31", to_observation_end="2025-12-31")
    n_seg = len(DEFAULT_RULES)
    assert len(m) == (n_seg + 1) * n_seg
    assert m["customers"].sum() == boreal_tx["customer_id"].nunique()
    sums = m.groupby("from_segment", observed=False)["share"].sum()
    assert np.allclose(sums, 1.0)
    new_customers = boreal_tx.groupby("customer_id")["date"].min().between("2025-01-01", "2025-12-31").sum()
    assert m.loc[m["from_segment"] == "not yet a customer", "customers"].sum() == new_customers
    fr = segment_migration(boreal_tx, from_observation_end="2024-12-31", to_observation_end="2025-12-31", language="fr")
    assert fr["from_segment"].cat.categories[0] == "pas encore clients"


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_bins": 1}, ValueError, "n_bins must be from 2 to 9"),
    ({"n_bins": 10}, ValueError, "n_bins must be from 2 to 9"),
    ({"n_bins": 4.0}, TypeError, "whole number"),
    ({"n_bins": True}, TypeError, "whole number"),
    ({"monetary": "median"}, ValueError, "monetary must be one of"),
    ({"ties": "first"}, ValueError, "ties must be one of"),
    ({"observation_end": "2023-12-31"}, ValueError,
     r"observation_end \(2023-12-31\) is before the first purchase .* \(2024-01-02\)"),
])
def test_rfm_scores_bad_arguments(log, kwargs, error, match):
    with pytest.raises(error, match=match):
        rfm_scores(log, **COLS, **kwargs)


def test_rfm_scores_bad_tables(log):
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        rfm_scores(log.to_dict())
    with pytest.raises(ValueError, match="is empty"):
        rfm_scores(log.iloc[:0], **COLS)
    with pytest.raises(ValueError, match="column 'amount' is missing"):
        rfm_scores(log, customer_col="id", date_col="day")
    with pytest.raises(ValueError, match=r"column 'spend': 1 row\(s\) are negative .* row 2"):
        rfm_scores(log.assign(spend=[1.0, 1.0, -3.0, 1, 1, 1, 1, 1]), **COLS)
    summary = summarize_transactions(log, **COLS)
    with pytest.raises(ValueError, match="observation_end applies to a transaction log"):
        rfm_scores(summary, observation_end="2024-03-31")
    with pytest.raises(ValueError, match="column 'monetary_value' is missing"):
        rfm_scores(summary.drop(columns="monetary_value"))
    with pytest.raises(ValueError, match=r"column 'T' .* customer 3 .* T >= recency"):
        rfm_scores(summary.assign(T=[90.0, 50.0, 1.0, 6.0, 86.0]))


def test_rfm_segments_bad_input():
    scores = pd.DataFrame({"R": [5, 1], "F": [5, 1], "M": [1, 1]}, index=["a", "b"])
    unmatched = r"1 customer\(s\) match no rule; the first is 'b' with R=1, F=1, M=1"
    with pytest.raises(ValueError, match=unmatched):
        rfm_segments(scores, rules=[("best", "R == 5")])
    with pytest.raises(ValueError, match="language must be one of"):
        rfm_segments(scores, language="de")
    with pytest.raises(ValueError, match=r"rule 0 \('odd'\): cannot evaluate the condition 'Q > 1'"):
        rfm_segments(scores, rules=[("odd", "Q > 1"), ("rest", "True")])
    with pytest.raises(ValueError, match="appears in several rules"):
        rfm_segments(scores, rules=[("x", "R > 1"), ("x", "True")])
    with pytest.raises(ValueError, match="non-empty list of"):
        rfm_segments(scores, rules=[])
    with pytest.raises(ValueError, match="column 'M' is missing"):
        rfm_segments(scores.drop(columns="M"))
    with pytest.raises(ValueError, match=r"column 'F' of scores: customer 'b' has the score 0"):
        rfm_segments(scores.assign(F=[5, 0]))
    tiny = pd.DataFrame({"frequency": [0.0, 1.0], "recency": 0.0, "T": 1.0, "monetary_value": 1.0})
    three = rfm_scores(tiny, n_bins=3)
    with pytest.raises(ValueError, match=r"written for 5 scores, these go up to 2 \(made with another n_bins"):
        rfm_segments(three)
    assert rfm_segments(three, rules=DEFAULT_RULES)["segment"].notna().all()  # on request
    with pytest.raises(ValueError, match="these go up to 6"):
        rfm_segments(scores.assign(R=[6, 1]))


def test_other_functions_bad_input(log):
    with pytest.raises(ValueError, match=r"window_end \(2024-01-01\) must not come before window_start"):
        activity_between(log, **COLS, window_start="2024-02-01", window_end="2024-01-01")
    with pytest.raises(ValueError, match="must come after from_observation_end"):
        segment_migration(log, **COLS, from_observation_end="2024-03-01", to_observation_end="2024-03-01")
    with pytest.raises(ValueError, match="before the first purchase"):
        segment_migration(log, **COLS, from_observation_end="2023-06-30", to_observation_end="2024-03-31")
    with pytest.raises(ValueError, match="language must be one of"):
        segment_actions(language="es")
    with pytest.raises(ValueError, match="column 'spend' is missing"):
        segment_summary(pd.DataFrame({"segment": ["a"]}), value_col="spend")


def test_removed_keywords_say_what_to_write(log):
    with pytest.raises(TypeError, match="has no argument 'as_of' any more; write observation_end="):
        rfm_scores(log, **COLS, as_of="2024-03-31")
    with pytest.raises(TypeError, match="window_start='2025-01-01', window_end='2025-12-31' .*day after it"):
        activity_between(log, **COLS, start="2024-01-31", end="2024-03-31")
    with pytest.raises(TypeError, match="from_observation_end='2024-12-31', to_observation_end="):
        segment_migration(log, **COLS, start="2024-01-31", end="2024-03-31")
    with pytest.raises(TypeError, match=r"pass the others by keyword: customer_col=\.\.\., date_col=\.\.\."):
        rfm_scores(log, "id", "day", "spend")


def test_no_function_modifies_its_input(log, moves):
    before, moves_before = log.copy(deep=True), moves.copy(deep=True)
    scores = rfm_scores(log, **COLS, observation_end="2024-03-31")
    scores_before = scores.copy(deep=True)
    seg = rfm_segments(scores, rules=[("x", lambda s: s.assign(R=0)["R"] == 0)])  # a rule that edits its argument
    rfm_segments(scores)
    seg_before = seg.copy(deep=True)
    segment_summary(seg, value_col="monetary")
    activity_between(log, **COLS, window_start="2024-02-02", window_end="2024-03-31", customers=[1, 2])
    segment_migration(moves, **COLS, from_observation_end="2024-01-31", to_observation_end="2024-02-29", rules=TWO,
                      n_bins=2)
    for fig_fn in (lambda ax: plotting.plot_rfm_grid(scores, value_col="monetary", ax=ax),
                   lambda ax: plotting.plot_segment_sizes(seg, value_col="monetary", ax=ax),
                   lambda ax: plotting.plot_group_means(seg, value_col="monetary", by=["segment"], ax=ax)):
        fig, ax = plt.subplots()
        fig_fn(ax)
        plt.close(fig)
    pd.testing.assert_frame_equal(log, before)
    pd.testing.assert_frame_equal(moves, moves_before)
    pd.testing.assert_frame_equal(scores, scores_before)
    pd.testing.assert_frame_equal(seg, seg_before)


# --- plots ---------------------------------------------------------------------------------

def test_plots_draw_and_label(moves, log):
    scores = rfm_scores(log, **COLS, observation_end="2024-03-31")
    seg = rfm_segments(scores)
    m = segment_migration(moves, **COLS, from_observation_end="2024-01-31", to_observation_end="2024-02-29", rules=TWO,
                          n_bins=2)
    fig, axes = plt.subplots(2, 2)
    ax = plotting.plot_rfm_grid(scores, ax=axes[0, 0])
    grid = ax.images[0].get_array()
    assert grid.shape == (5, 5) and grid[0, 0] == 1 and grid.mask[3, 1]  # R=5,F=1: 1 customer; R=2,F=2 empty
    ax = plotting.plot_rfm_grid(scores, value_col="monetary", min_customers=2, ax=axes[0, 1])
    assert ax.images[0].get_array().mask.all()  # every cell holds at most one customer
    ax = plotting.plot_segment_migration(m, ax=axes[1, 0])
    assert ax.images[0].get_array()[2, 0] == 0.5 and ax.get_ylabel() == "Segment at the start"
    ax = plotting.plot_segment_sizes(seg, value_col="monetary", ax=axes[1, 1])
    assert len(ax.patches) == 2 * len(DEFAULT_RULES)
    plt.close(fig)


def test_plots_bad_input(log):
    scores = rfm_scores(log, **COLS, observation_end="2024-03-31")
    with pytest.raises(ValueError, match="column 'spend' is missing"):
        plotting.plot_rfm_grid(scores, value_col="spend")
    with pytest.raises(ValueError, match="min_customers must be at least 1"):
        plotting.plot_rfm_grid(scores, min_customers=0)
    with pytest.raises(ValueError, match="scores >= 1"):
        plotting.plot_rfm_grid(scores.assign(R=0))
    with pytest.raises(ValueError, match="column 'segment' is missing"):
        plotting.plot_segment_sizes(scores)
    with pytest.raises(ValueError, match="column 'from_segment' is missing from migration"):
        plotting.plot_segment_migration(scores)
    with pytest.raises(ValueError, match="by must name at least one"):
        plotting.plot_group_means(scores, value_col="monetary", by=[])
    with pytest.raises(ValueError, match="column 'monetary' of table must hold finite numbers"):
        plotting.plot_group_means(scores.assign(monetary=np.nan), value_col="monetary", by=["R"])
    plt.close("all")

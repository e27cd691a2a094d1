"""Evaluation and expected profit of a churn score: hand-computed cases, closed forms, refusals."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve

from relmkt_lib._churn_eval import (
    EMPResult,
    calibration_table,
    expected_maximum_profit,
    gains_table,
    gini,
    profit_curve,
    threshold_rule,
    top_decile_lift,
)

# Ten customers ranked by score (10 = highest): churners at ranks 1, 2, 4 and 7; overall rate 0.4.
RANKED_Y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
RANKED_SCORE = np.arange(10, 0, -1, dtype=float)
# the same customers in a shuffled row order: every result must be the same
PERM = np.array([3, 7, 0, 9, 5, 1, 8, 2, 6, 4])
Y10, SCORE10 = RANKED_Y[PERM], RANKED_SCORE[PERM]


def _perfect(n: int, churners: int) -> tuple[np.ndarray, np.ndarray]:
    y = np.r_[np.ones(churners), np.zeros(n - churners)]
    return y, np.linspace(1.0, 0.0, n)


# ---------------------------------------------------------------- gains and lift

def test_gains_table_by_hand_in_fifths():
    t = gains_table(Y10, SCORE10, bins=5)
    # by hand: pairs (1,1) (0,1) (0,0) (1,0) (0,0)
    assert list(t.index) == [1, 2, 3, 4, 5] and t.index.name == "bin"
    assert t["customers"].tolist() == [2, 2, 2, 2, 2]
    assert t["positives"].tolist() == [2, 1, 0, 1, 0]
    np.testing.assert_allclose(t["rate"], [1.0, 0.5, 0.0, 0.5, 0.0])
    np.testing.assert_allclose(t["lift"], [2.5, 1.25, 0.0, 1.25, 0.0])
    assert t["cum_positives"].tolist() == [2, 3, 3, 4, 4]
    np.testing.assert_allclose(t["cum_share"], [0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(t["cum_capture"], [0.5, 0.75, 0.75, 1.0, 1.0])
    np.testing.assert_allclose(t["cum_lift"], [2.5, 1.875, 1.25, 1.25, 1.0])


def test_gains_table_deciles_and_top_decile_lift():
    t = gains_table(Y10, SCORE10)
    assert t["positives"].tolist() == RANKED_Y.tolist()  # one customer per decile, in score order
    assert top_decile_lift(Y10, SCORE10) == pytest.approx(1 / 0.4)
    # a Series with any index and booleans give the same table
    idx = [f"C{i}" for i in range(10)]
    pd.testing.assert_frame_equal(gains_table(pd.Series(Y10.astype(bool), index=idx), pd.Series(SCORE10, index=idx)), t)


def test_gains_table_uneven_bins_give_the_extra_customers_to_the_top():
    t = gains_table(Y10, SCORE10, bins=3)
    assert t["customers"].tolist() == [4, 3, 3]
    assert t["positives"].tolist() == [3, 1, 0]


def test_gains_table_splits_ties_pro_rata_and_ignores_row_order():
    y, s = np.array([1, 1, 0, 0]), np.array([3.0, 2.0, 2.0, 1.0])
    t = gains_table(y, s, bins=4)
    # bins 2 and 3 cut the tied pair (one churner of two): half a churner each
    np.testing.assert_allclose(t["positives"], [1.0, 0.5, 0.5, 0.0])
    pd.testing.assert_frame_equal(gains_table(y[::-1], s[::-1], bins=4), t)
    # all tied: every bin has the overall rate, lift 1
    np.testing.assert_allclose(gains_table(RANKED_Y, np.zeros(10), bins=5)["lift"], 1.0)


def test_gains_table_does_not_modify_the_input():
    y = pd.Series(Y10)
    s = pd.Series(SCORE10)
    gains_table(y, s)
    pd.testing.assert_series_equal(y, pd.Series(Y10))
    pd.testing.assert_series_equal(s, pd.Series(SCORE10))


# ---------------------------------------------------------------- Gini

def test_gini_perfect_reversed_constant_and_hand_case():
    y, s = _perfect(20, 5)
    assert gini(y, s) == pytest.approx(1.0)
    assert gini(y, -s) == pytest.approx(-1.0)
    assert gini(y, np.zeros(20)) == pytest.approx(0.0)
    # pairs (churner, non-churner) ranked right: 0.35 > 0.1 and 0.8 > both; 0.35 < 0.4: AUC 3/4
    assert gini([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.5)


def test_gini_of_a_random_score_is_near_zero():
    rng = np.random.default_rng(7)
    y = rng.random(20_000) < 0.2
    assert abs(gini(y, rng.random(20_000))) < 0.03


# ---------------------------------------------------------------- calibration

def test_calibration_table_by_hand_and_as_sklearn():
    y = [0, 1, 0, 0, 1, 1]
    p = [0.05, 0.15, 0.3, 0.45, 0.8, 0.9]
    t = calibration_table(y, p, bins=4)  # bins of width 0.25; [0.5, 0.75) is empty and left out
    np.testing.assert_allclose(t["bin_lower"], [0.0, 0.25, 0.75])
    np.testing.assert_allclose(t["bin_upper"], [0.25, 0.5, 1.0])
    assert t["customers"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(t["mean_predicted"], [0.1, 0.375, 0.85])
    np.testing.assert_allclose(t["observed_rate"], [0.5, 0.0, 1.0])
    rng = np.random.default_rng(1)
    p = rng.random(500)
    y = rng.random(500) < p
    for strategy in ("uniform", "quantile"):
        t = calibration_table(y, p, bins=8, strategy=strategy)
        observed, predicted = calibration_curve(y, p, n_bins=8, strategy=strategy)
        np.testing.assert_allclose(t["observed_rate"], observed)
        np.testing.assert_allclose(t["mean_predicted"], predicted)
        assert t["customers"].sum() == 500


# ---------------------------------------------------------------- profit and the threshold rule

def test_profit_curve_by_hand_with_one_value():
    c = profit_curve(Y10, SCORE10, value=50, cost=10)
    # churners found in the top k = 0..10: 0 1 2 2 3 3 3 4 4 4 4; profit = 50 * found - 10 * k
    assert c["profit"].tolist() == [0, 40, 80, 70, 110, 100, 90, 130, 120, 110, 100]
    assert c["customers_targeted"].tolist() == list(range(11))
    np.testing.assert_allclose(c["share_targeted"], np.arange(11) / 10)
    best = c[c["best"]]
    assert len(best) == 1 and best["customers_targeted"].item() == 7 and best["share_targeted"].item() == 0.7


def test_profit_curve_by_hand_with_one_value_per_customer():
    ranked_value = np.array([100, 20, 999, 5, 999, 999, 60, 999, 999, 999], dtype=float)  # non-churners' unused
    c = profit_curve(Y10, SCORE10, value=ranked_value[PERM], cost=10)
    assert c["profit"].tolist() == [0, 90, 100, 90, 85, 75, 65, 115, 105, 95, 85]
    assert c.loc[c["best"], "customers_targeted"].item() == 7


def test_profit_curve_ties_and_best_is_the_smallest_k():
    c = profit_curve([1, 0], [0.5, 0.5], value=10, cost=0)
    assert c["profit"].tolist() == [0.0, 5.0, 10.0]  # the tied pair taken pro rata
    c = profit_curve([1, 0], [0.9, 0.1], value=10, cost=0)
    assert c.loc[c["best"], "customers_targeted"].item() == 1  # k = 1 and k = 2 both earn 10


def test_threshold_rule_provost_fawcett_case():
    # price 200, cost of goods 100, contact 1: v_R = 99, v_NR = -1, break-even at p = 0.01
    p = threshold_rule(100, 1)
    assert p == pytest.approx(0.01)
    assert p * 99 + (1 - p) * -1 == pytest.approx(0.0)
    assert threshold_rule(10, 0) == 0.0
    assert threshold_rule(5, 10) == 2.0  # above 1: nobody is worth contacting


def test_threshold_rule_agrees_with_the_best_of_the_profit_curve():
    # six kinds of customers, 100 of each, with 100 p of them positive: a group of tied scores is
    # taken pro rata, so the curve at 100 j customers is 100 times the expected profit of the top j
    p = np.array([0.9, 0.5, 0.3, 0.2, 0.05, 0.01])
    positives = np.round(p * 100).astype(int)
    y = np.concatenate([np.r_[np.ones(m), np.zeros(100 - m)] for m in positives])
    c = profit_curve(y, np.repeat(p, 100), value=20, cost=5)
    np.testing.assert_allclose(c["profit"].iloc[::100], 100 * np.r_[0, np.cumsum(p * 20 - 5)])
    rule = p > threshold_rule(20, 5)  # 0.25: the first three kinds
    assert c.loc[c["best"], "customers_targeted"].item() == 100 * rule.sum() == 300


# ---------------------------------------------------------------- expected maximum profit

def _perfect_emp_closed_form(rate, clv=200.0, d=10.0, f=1.0, a=6.0, b=14.0):
    """Perfect score: target exactly the churners when gamma (clv - d) > f, else nobody."""
    g0 = f / (clv - d)
    emp = rate * ((clv - d) * a / (a + b) * stats.beta.sf(g0, a + 1, b) - f * stats.beta.sf(g0, a, b))
    return emp, rate * stats.beta.sf(g0, a, b)


def test_emp_of_a_perfect_score_has_a_closed_form():
    y, s = _perfect(100, 10)
    r = expected_maximum_profit(y, s)
    assert isinstance(r, EMPResult)
    emp, share = _perfect_emp_closed_form(0.1)
    assert r.emp == pytest.approx(emp, rel=1e-8)
    assert r.share_targeted == pytest.approx(share, rel=1e-8)
    assert r.emp == pytest.approx(0.1 * (190 * 0.3 - 1), rel=1e-3)  # the cut-off 1/190 removes almost nothing


def test_emp_of_an_uninformative_score_has_a_closed_form():
    # everyone tied: target nobody, or everyone, which earns 0.1 * (190 gamma - 1) - 0.9 * 11 = 19 gamma - 10
    # per customer, so pays only when gamma > 10 / 19
    y = _perfect(100, 10)[0]
    r = expected_maximum_profit(y, np.zeros(100))
    g0 = 10 / 19
    assert r.emp == pytest.approx(19 * 0.3 * stats.beta.sf(g0, 7, 14) - 10 * stats.beta.sf(g0, 6, 14), rel=1e-8)
    assert r.share_targeted == pytest.approx(stats.beta.sf(g0, 6, 14), rel=1e-8)
    assert 0 < r.emp < 0.05
    # with d = 20, everyone earns 0.1 * (180 gamma - 1) - 0.9 * 21 = 18 gamma - 19 < 0 for all gamma: EMP is zero
    r = expected_maximum_profit(y, np.zeros(100), incentive_cost=20)
    assert r.emp == 0.0 and r.share_targeted == 0.0


def test_emp_matches_a_brute_force_integral_and_orders_scores():
    rng = np.random.default_rng(3)
    n = 400
    y = (rng.random(n) < 0.25).astype(int)
    informative = y + rng.normal(0, 0.8, n)
    random = rng.random(n)
    # brute force: best of every top-k campaign on a fine gamma grid, trapezoid rule
    order = np.argsort(-informative, kind="stable")
    k0 = np.r_[0, np.cumsum(y[order])]
    k1 = np.arange(n + 1) - k0
    gamma = np.linspace(0, 1, 40_001)
    best = np.max(np.outer(gamma, 190 * k0) - (k0 + 11 * k1), axis=1) / n
    brute = np.trapezoid(best * stats.beta.pdf(gamma, 6, 14), gamma)
    r = expected_maximum_profit(y, informative)
    assert r.emp == pytest.approx(brute, rel=1e-4)
    perfect = expected_maximum_profit(y, y.astype(float)).emp
    assert perfect > r.emp > expected_maximum_profit(y, random).emp >= 0.0
    assert expected_maximum_profit(y, -informative).emp >= 0.0  # a reversed score still never loses money


def test_emp_parameters_move_it_the_right_way():
    y, s = _perfect(50, 10)
    base = expected_maximum_profit(y, s).emp
    assert expected_maximum_profit(y, s, clv=400).emp > base
    assert expected_maximum_profit(y, s, incentive_cost=50).emp < base
    assert expected_maximum_profit(y, s, alpha=14, beta=6).emp > base  # mean acceptance 0.7 instead of 0.3


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("func", [gains_table, top_decile_lift, gini, profit_curve, expected_maximum_profit])
def test_every_function_refuses_different_lengths_and_nan_scores(func):
    kwargs = {"value": 10, "cost": 1} if func is profit_curve else {}
    with pytest.raises(ValueError, match=re.escape(
            "y_true and score have different lengths (10 and 9); pass one score per customer, in the same order")):
        func(Y10, SCORE10[:9], **kwargs)
    s = SCORE10.copy()
    s[[4, 6]] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            "score: 2 value(s) are missing or infinite; the first is at position 4 (value nan). Score every "
            "customer, or drop the unscored ones from both y_true and score")):
        func(Y10, s, **kwargs)


def test_refuses_an_outcome_that_is_not_binary():
    with pytest.raises(ValueError, match=re.escape(
            "y_true must hold only 0/1 or True/False: 1 value(s) do not; the first is at position 2 (value 2). "
            "Convert the outcome first, e.g. (df['churn'] == 'Yes').astype(int), and drop customers whose "
            "outcome is unknown")):
        gains_table([0, 1, 2, 1], [4, 3, 2, 1], bins=2)
    y = pd.Series(["No", "Yes", "No"], index=["a", "b", "c"])
    with pytest.raises(ValueError, match=re.escape("the first is at label 'a' (position 0) (value 'No')")):
        gini(y, pd.Series([0.1, 0.9, 0.2], index=y.index))
    with pytest.raises(ValueError, match=re.escape("2 value(s) do not; the first is at position 1 (value nan)")):
        expected_maximum_profit([1.0, np.nan, 0.0, np.nan], [0.4, 0.3, 0.2, 0.1])


def test_other_refusals():
    with pytest.raises(ValueError, match=re.escape("y_true and score are Series with different indexes; align them "
                                                   "first, e.g. score.reindex(y_true.index)")):
        gini(pd.Series([0, 1], index=[1, 2]), pd.Series([0.2, 0.8], index=[2, 1]))
    with pytest.raises(ValueError, match=re.escape(
            "bins must be a whole number between 1 and the number of customers (10), got 11")):
        gains_table(Y10, SCORE10, bins=11)
    with pytest.raises(ValueError, match=re.escape("y_true has no positives (no 1 or True), so lift is undefined")):
        top_decile_lift(np.zeros(10), SCORE10)
    with pytest.raises(ValueError, match=re.escape("y_true holds a single class (all 1), so the Gini is undefined")):
        gini([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match=re.escape(
            "proba must be probabilities in [0, 1]; the first outside is at position 1 (value 1.5)")):
        calibration_table([0, 1], [0.2, 1.5])
    with pytest.raises(ValueError, match=re.escape("value must be one number or one number per customer (10)")):
        profit_curve(Y10, SCORE10, value=[1, 2], cost=1)
    with pytest.raises(ValueError, match=re.escape("cost must be a finite number >= 0, got -1")):
        profit_curve(Y10, SCORE10, value=10, cost=-1)
    with pytest.raises(ValueError, match=re.escape("value must be a finite number > 0, got 0")):
        threshold_rule(0, 1)
    with pytest.raises(TypeError, match="y_true must be an array or a Series, not a DataFrame"):
        gini(pd.DataFrame({"y": [0, 1]}), [0.1, 0.2])
    with pytest.raises(TypeError, match="score must be numbers, not text \\(first value 'low'\\)"):
        gini([0, 1], ["low", "high"])
    with pytest.raises(ValueError, match=re.escape("alpha must be a finite number > 0, got 0")):
        expected_maximum_profit(Y10, SCORE10, alpha=0)


def test_gini_is_the_normalised_area_between_gains_curve_and_diagonal():
    """2 AUC - 1 = (area between gains curve and diagonal) / (the same for a perfect ranking)."""
    rng = np.random.default_rng(4)
    y = (rng.random(2000) < 0.1).astype(int)
    score = y * 0.7 + rng.random(2000)  # distinct scores, no ties
    order = np.argsort(-score)
    captured = np.concatenate([[0.0], np.cumsum(y[order]) / y.sum()])
    share = np.linspace(0, 1, len(y) + 1)
    between = np.trapezoid(captured, share) - 0.5
    rate = y.mean()
    perfect = (1 - rate) / 2  # area between the perfect gains curve and the diagonal
    assert gini(y, score) == pytest.approx(between / perfect, abs=1e-9)
    assert 2 * between == pytest.approx((1 - rate) * gini(y, score), abs=1e-9)

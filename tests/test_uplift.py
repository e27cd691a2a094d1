"""Tests of relmkt_lib.uplift: the metrics on a table computed by hand, estimators on a randomised
test with a known effect (sleeping dogs included), the re-weighting for a 70/30 split, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier

from relmkt_lib.exceptions import NotFittedError
from relmkt_lib.uplift import (
    ClassTransformationUplift,
    TwoModelUplift,
    qini_coefficient,
    qini_curve,
    sample_size,
    targeting_rule,
    uplift_at_k,
    uplift_by_decile,
)

# ----------------------------------------------------------------- hand-computed table
# customer: a    b    c    d    e    f    g    h      (sorted by score already)
SCORE = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
TREAT = [1, 0, 1, 0, 1, 0, 1, 0]
Y = [1, 0, 1, 1, 0, 1, 0, 0]


def test_qini_points_by_hand():
    """Q(n) = Y_T - Y_C * N_T / N_C among the top n (Q = Y_T while N_C = 0):
    n=1: 1; n=2: 1 - 0*1/1 = 1; n=3: 2 - 0 = 2; n=4: 2 - 1*2/2 = 1; n=5: 2 - 1*3/2 = 0.5;
    n=6: 2 - 2*3/3 = 0; n=7: 2 - 2*4/3 = -2/3; n=8: 2 - 2*4/4 = 0."""
    curve = qini_curve(Y, SCORE, TREAT)
    assert curve["qini"].tolist() == pytest.approx([0, 1, 1, 2, 1, 0.5, 0, -2 / 3, 0])
    assert curve["n_targeted"].tolist() == list(range(9))
    assert curve["share_targeted"].iloc[-1] == 1.0
    assert curve["n_treated"].tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert curve["responders_control"].tolist() == [0, 0, 0, 0, 1, 1, 2, 2, 2]


def test_qini_coefficient_by_hand():
    """Model area (trapezoids) = 29/6; random line to (8, 0) has area 0; the perfect order
    (a, c | b, e, g, h | d, f: treated responders first, control responders last) has points
    (0,0), (2,2), (6,2), (8,0) and area 12. Coefficient = (29/6) / 12 = 29/72."""
    assert qini_coefficient(Y, SCORE, TREAT) == pytest.approx(29 / 72)
    # the perfect order scores 1; the reverse of it scores below 0
    perfect = np.array(Y) * np.array(TREAT) - np.array(Y) * (1 - np.array(TREAT))
    assert qini_coefficient(Y, perfect, TREAT) == pytest.approx(1.0)
    assert qini_coefficient(Y, -perfect, TREAT) < 0


def test_qini_ties_make_one_point():
    """Equal scores cannot be ordered: one point after the whole group (here a, b and c, d tied)."""
    curve = qini_curve([1, 0, 1, 1], [2, 2, 1, 1], [1, 0, 1, 0])
    assert curve["n_targeted"].tolist() == [0, 2, 4]
    assert curve["qini"].tolist() == pytest.approx([0, 1, 1])   # n=2: 1 - 0; n=4: 2 - 1*2/2


def test_uplift_at_k_by_hand():
    # top 4 (a, b, c, d): treated a, c respond 2/2; control b, d respond 1/2 -> 0.5
    assert uplift_at_k(Y, SCORE, TREAT, k=0.5) == pytest.approx(0.5)
    # top 2 (a, b): 1 - 0
    assert uplift_at_k(Y, SCORE, TREAT, k=0.25) == pytest.approx(1.0)
    # everyone: 2/4 - 2/4
    assert uplift_at_k(Y, SCORE, TREAT, k=1) == pytest.approx(0.0)
    # the default k=0.3 of 8 is floor(2.4) = 2 customers
    assert uplift_at_k(Y, SCORE, TREAT) == pytest.approx(1.0)


def test_uplift_by_decile_by_hand():
    table = uplift_by_decile(Y, SCORE, TREAT, bins=4)
    # bins: (a, b), (c, d), (e, f), (g, h)
    assert table.index.tolist() == [1, 2, 3, 4]
    assert table["n_treated"].tolist() == [1, 1, 1, 1]
    assert table["n_control"].tolist() == [1, 1, 1, 1]
    assert table["response_rate_treated"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert table["response_rate_control"].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert table["uplift"].tolist() == [1.0, 0.0, -1.0, 0.0]
    assert table["mean_score"].tolist() == pytest.approx([0.85, 0.65, 0.45, 0.25])


def test_uplift_by_decile_ten_bins_and_empty_group():
    """20 customers in 10 bins of 2; a bin with no control customer shows NaN rates, not 0."""
    score = np.arange(20, 0, -1)
    t = np.array([1, 1] + [1, 0] * 9)
    y = np.array([1, 0] + [1, 0] * 9)
    table = uplift_by_decile(y, score, t)
    assert len(table) == 10 and (table["n_treated"] + table["n_control"] == 2).all()
    assert table.loc[1, "n_control"] == 0 and np.isnan(table.loc[1, "uplift"])
    assert table.loc[1, "response_rate_treated"] == 0.5
    assert table.loc[2:, "uplift"].tolist() == [1.0] * 9


def test_metrics_accept_series_and_booleans_and_do_not_modify_them():
    y = pd.Series(Y, index=list("abcdefgh"))
    t = pd.Series(np.array(TREAT, dtype=bool), index=y.index)
    before = (y.copy(), t.copy())
    assert qini_coefficient(y, pd.Series(SCORE, index=y.index), t) == pytest.approx(29 / 72)
    pd.testing.assert_series_equal(y, before[0])
    pd.testing.assert_series_equal(t, before[1])


def test_targeting_rule_by_hand():
    d = targeting_rule([0.10, 0.02, -0.05], value=100, cost=5)
    assert d.target.tolist() == [True, False, False]
    assert d.expected_profit == pytest.approx(5.0)   # 0.10 * 100 - 5
    assert d.n_targeted == 1
    # value per customer: 0.02 * 400 = 8 > 5 now pays; a sleeping dog never does
    d = targeting_rule(pd.Series([0.10, 0.02, -0.05], index=[7, 8, 9]), value=[100, 400, 1000], cost=5)
    assert d.target.index.tolist() == [7, 8, 9]
    assert d.target.tolist() == [True, True, False]
    assert d.expected_profit == pytest.approx(5 + 3)
    # break-even is not targeted (uplift * value must exceed the cost)
    assert targeting_rule([0.05], value=100, cost=5).n_targeted == 0


# ----------------------------------------------------------------- randomised test with known truth
def _randomised(n: int, share: float, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Uplift rises with x1: persuadables for x1 > 0, sleeping dogs for x1 < 0; x2 moves the base rate only."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)}, index=np.arange(n) + 1000)
    p_control = expit(-0.5 + 0.8 * X["x2"].to_numpy())
    p_treated = expit(-0.5 + 0.8 * X["x2"].to_numpy() + 1.2 * X["x1"].to_numpy())
    t = (rng.random(n) < share).astype(int)
    y = (rng.random(n) < np.where(t == 1, p_treated, p_control)).astype(int)
    return X, y, t, p_treated - p_control


@pytest.fixture(scope="module")
def balanced():
    return _randomised(20_000, 0.5, seed=1)


@pytest.mark.parametrize("model", [
    TwoModelUplift(),
    ClassTransformationUplift(),
    TwoModelUplift(estimator=HistGradientBoostingClassifier(max_iter=60), rng=3),
    ClassTransformationUplift(estimator=HistGradientBoostingClassifier(max_iter=60), rng=3),
], ids=["two-model", "class-transformation", "two-model-hgb", "class-transformation-hgb"])
def test_estimators_rank_persuadables_above_sleeping_dogs(balanced, model):
    X, y, t, truth = balanced
    X_before = X.copy()
    pred = model.fit(X, y, t).predict_uplift(X)
    pd.testing.assert_frame_equal(X, X_before)
    assert isinstance(pred, pd.Series) and pred.index.equals(X.index)
    positive = truth > 0
    assert pred[positive].mean() > 0.1 > -0.1 > pred[~positive].mean()
    assert roc_auc_score(positive, pred) > 0.85
    # on the test itself the scores do about as well as the true uplift (about 0.19 here), random ones near 0
    best = qini_coefficient(y, truth, t)
    assert 0.15 < best < 0.25
    assert qini_coefficient(y, pred, t) > 0.9 * best
    assert abs(qini_coefficient(y, np.random.default_rng(0).random(len(y)), t)) < 0.05
    assert uplift_at_k(y, pred, t, k=0.3) > 0.2 > 0 > uplift_at_k(y, -pred.to_numpy(), t, k=0.3)
    by_bin = uplift_by_decile(y, pred, t)["uplift"]
    assert by_bin.iloc[0] > 0.3 and by_bin.iloc[-1] < -0.2


def test_reweighting_for_a_70_30_split():
    """With 70 % treated, 2 P(z=1|x) - 1 without weights is biased by about 0.4 p_T - 0.4 (1 - p_C)...;
    the re-weighted fit recovers the true mean uplift (difference of means is unbiased too)."""
    X, y, t, truth = _randomised(40_000, 0.7, seed=2)
    m = ClassTransformationUplift().fit(X, y, t)
    assert m.treatment_share_ == pytest.approx(0.7, abs=0.01)
    assert m.predict_uplift(X).mean() == pytest.approx(truth.mean(), abs=0.01)
    assert m.ate_ == pytest.approx(truth.mean(), abs=0.015)
    # the per-customer uplift is recovered too, not only its mean
    assert np.corrcoef(m.predict_uplift(X), truth)[0, 1] > 0.95
    # without the weights the same classifier is far off
    z = y * t + (1 - y) * (1 - t)
    naive = 2 * LogisticRegression(max_iter=1000).fit(X, z).predict_proba(X)[:, 1] - 1
    assert abs(naive.mean() - truth.mean()) > 0.05


def test_constant_classifier_gives_the_difference_of_means_exactly():
    """A constant classifier predicts the (weighted) prior: 2 P_w(z=1) - 1 = mean_T - mean_C, for any split."""
    rng = np.random.default_rng(5)
    t = (rng.random(1000) < 0.7).astype(int)
    y = (rng.random(1000) < np.where(t == 1, 0.3, 0.2)).astype(int)
    X = np.zeros((1000, 1))
    difference = y[t == 1].mean() - y[t == 0].mean()
    for model in (ClassTransformationUplift(estimator=DummyClassifier()), TwoModelUplift(estimator=DummyClassifier())):
        pred = model.fit(X, y, t).predict_uplift(X)
        assert isinstance(pred, np.ndarray)
        assert pred == pytest.approx(np.full(1000, difference), abs=1e-12)
        assert model.ate_ == pytest.approx(difference)
    summary = model.summary()
    assert summary["customers"].tolist() == [int(t.sum()), int(1000 - t.sum())]


def test_text_treatment_and_outcome_as_bool():
    X, y, t, _ = _randomised(2_000, 0.5, seed=4)
    a = TwoModelUplift().fit(X, y, t).predict_uplift(X)
    b = TwoModelUplift().fit(X, y.astype(bool), t.astype(bool)).predict_uplift(X)
    pd.testing.assert_series_equal(a, b)


# ----------------------------------------------------------------- refusals
THIRD_ARM = ("treatment has 3 distinct values ([0, 1, 2]); an uplift needs exactly two arms, 1/True = treated and "
             "0/False = control. Drop the rows of the other arm(s) first (e.g. df[df['arm'] != 2]); never code a "
             "third arm as control, which would mix a treatment into the control group.")


@pytest.mark.parametrize("call", [
    lambda t: qini_curve([1, 0, 1], [3, 2, 1], t),
    lambda t: uplift_at_k([1, 0, 1], [3, 2, 1], t),
    lambda t: TwoModelUplift().fit(np.zeros((3, 1)), [1, 0, 1], t),
    lambda t: ClassTransformationUplift().fit(np.zeros((3, 1)), [1, 0, 1], t),
])
def test_refuses_a_third_arm(call):
    with pytest.raises(ValueError) as err:
        call([0, 1, 2])
    assert str(err.value) == THIRD_ARM


@pytest.mark.parametrize("treatment, message", [
    ([1, 1, 1], "treatment holds only the treated (1) group; an uplift compares a treated group with a "
                "randomised control group, so both must be present."),
    ([False, False, False], "treatment holds only the control (0) group; an uplift compares a treated group with a "
                            "randomised control group, so both must be present."),
    (["offer", "control", "offer"], "treatment must hold 1/True (treated) and 0/False (control); position 0 holds "
                                    "'offer'. Map the arm labels first, e.g. (df['arm'] == 'offer').astype(int)."),
    ([1, 2, 1], "treatment must hold 1/True (treated) and 0/False (control); position 1 holds 2. Map the arm labels "
                "first, e.g. (df['arm'] == 'offer').astype(int)."),
    ([1, None, 0], "treatment has 1 missing value(s); the first is at position 1. Every customer must be in the "
                   "treated (1) or control (0) group: drop the others."),
])
def test_refuses_bad_treatment(treatment, message):
    with pytest.raises(ValueError) as err:
        qini_curve([1, 0, 1], [3, 2, 1], treatment)
    assert str(err.value) == message


def test_refusals_of_the_metrics():
    with pytest.raises(ValueError, match=r"^uplift_score has 2 values but treatment has 3; pass one value"):
        qini_curve([1, 0, 1], [3, 2], [1, 0, 1])
    with pytest.raises(ValueError, match=r"^uplift_score has 1 missing or infinite value\(s\); the first is at "
                                         r"position 1\. Drop those customers or fill the value\.$"):
        uplift_at_k([1, 0, 1], [3, np.nan, 1], [1, 0, 1])
    with pytest.raises(ValueError, match=r"^the top k=0.25 \(1 customers\) holds no control customer, so their "
                                         r"response rates cannot be compared; raise k$"):
        uplift_at_k([1, 0, 1, 0], [4, 3, 2, 1], [1, 0, 1, 0], k=0.25)
    with pytest.raises(ValueError, match=r"^k must be a probability in \(0, 1\], got 0$"):
        uplift_at_k([1, 0], [2, 1], [1, 0], k=0)
    with pytest.raises(ValueError, match=r"^bins=10 needs at least 10 customers, got 8; pass fewer bins$"):
        uplift_by_decile(Y, SCORE, TREAT)
    with pytest.raises(ValueError, match=r"coefficient is undefined"):
        qini_coefficient([0, 0, 0, 0], [4, 3, 2, 1], [1, 0, 1, 0])


def test_refusals_of_the_estimators():
    X = pd.DataFrame({"x": [0.0, 1, 2, 3], "region": ["n", "s", "n", "s"]})
    with pytest.raises(ValueError, match=r"^column 'region' of X is not numeric; the default classifier needs "
                                         r"numbers\. Encode it, or pass estimator=a Pipeline"):
        TwoModelUplift().fit(X, [1, 0, 1, 0], [1, 1, 0, 0])
    with pytest.raises(ValueError, match=r"^y must hold 1/True \(responded, or stayed\) and 0/False; position 0 "
                                         r"holds 'Yes'\. Map it first"):
        TwoModelUplift().fit(X[["x"]], ["Yes", "No", "Yes", "No"], [1, 1, 0, 0])
    with pytest.raises(ValueError, match=r"^every customer of the control group has y = 0; a classifier needs "
                                         r"both outcomes in each group\."):
        TwoModelUplift().fit(X[["x"]], [1, 0, 0, 0], [1, 1, 0, 0])
    with pytest.raises(ValueError, match=r"^treatment has 3 values but X has 4 rows"):
        TwoModelUplift().fit(X[["x"]], [1, 0, 1, 0], [1, 0, 1])
    with pytest.raises(TypeError, match=r"^KNeighborsClassifier does not accept sample_weight, which the "
                                        r"re-weighting needs \(treated share 0\.750, not 0\.5\)"):
        ClassTransformationUplift(estimator=KNeighborsClassifier(1)).fit(X[["x"]], [1, 0, 1, 0], [1, 1, 1, 0])
    with pytest.raises(NotFittedError, match=r"^this TwoModelUplift is not fitted yet; call \.fit\(X, y, "
                                             r"treatment\) first$"):
        TwoModelUplift().predict_uplift(X[["x"]])
    with pytest.raises(NotFittedError):
        ClassTransformationUplift().model_  # noqa: B018 (the attribute access is the test)
    assert repr(TwoModelUplift()) == "<TwoModelUplift: not fitted>"


def test_refusals_of_the_targeting_rule():
    with pytest.raises(ValueError, match=r"^cost must be a finite number >= 0, got -1$"):
        targeting_rule([0.1], value=10, cost=-1)
    with pytest.raises(ValueError, match=r"^value must be one number or one value per customer \(2\), got shape"):
        targeting_rule([0.1, 0.2], value=[1, 2, 3], cost=1)
    with pytest.raises(ValueError, match=r"^uplift has a missing or infinite value at position 0; fill it"):
        targeting_rule([np.nan, 0.2], value=10, cost=1)


# ----------------------------------------------------------------- sample size of a test
def test_sample_size_by_hand():
    """10 % against 5 %, alpha 0.05, power 0.8, half treated: pbar = 0.075,
    per group (1.959964 * sqrt(2 * 0.075 * 0.925) + 0.841621 * sqrt(0.09 + 0.0475))**2 / 0.05**2
    = (0.730072 + 0.312081)**2 / 0.0025 = 434.4 -> 435 per group (Fleiss et al. 2003's table, no
    continuity correction), 870 in all; the sign of the effect does not change the size."""
    assert sample_size(0.10, -0.05) == 870
    assert sample_size(0.05, 0.05) == 870
    # a smaller effect needs more customers, about 1/effect**2 times
    assert sample_size(0.10, -0.025) > 3.5 * 870
    # more power or a smaller alpha needs more customers
    assert sample_size(0.10, -0.05, power=0.9) > 870
    assert sample_size(0.10, -0.05, alpha=0.01) > 870
    # an unequal split: 80/20 needs more in all than 50/50
    assert sample_size(0.10, -0.05, treated_share=0.8) > 870


def test_sample_size_gives_the_power_in_a_simulation():
    """Simulate many tests of the size returned: the two-proportion z-test rejects in about 80 % of them."""
    p_c, effect, r = 0.0955, -0.03, 0.5
    n = sample_size(p_c, effect, treated_share=r)
    n_t, n_c = int(np.ceil(r * n)), n - int(np.ceil(r * n))
    rng = np.random.default_rng(7)
    reps = 4000
    y_t = rng.binomial(n_t, p_c + effect, reps) / n_t
    y_c = rng.binomial(n_c, p_c, reps) / n_c
    pooled = (y_t * n_t + y_c * n_c) / (n_t + n_c)
    z = (y_t - y_c) / np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    power = float(np.mean(np.abs(z) > 1.959964))
    assert power == pytest.approx(0.8, abs=0.025)


def test_refusals_of_sample_size():
    with pytest.raises(ValueError, match=r"^p_control must be a probability in \(0, 1\), got 1\.5$"):
        sample_size(1.5, -0.05)
    with pytest.raises(ValueError, match=r"^effect must be a finite difference of shares other than 0, got 0$"):
        sample_size(0.1, 0)
    with pytest.raises(ValueError, match=r"^effect moves the rate outside \(0, 1\): p_control \+ effect = -2\.9;"):
        sample_size(0.1, -3)
    with pytest.raises(TypeError, match=r"^effect must be a number"):
        sample_size(0.1, "3 points")
    with pytest.raises(ValueError, match=r"^alpha must be a probability in \(0, 1\)"):
        sample_size(0.1, -0.05, alpha=0)
    with pytest.raises(ValueError, match=r"^power must be a probability in \(0, 1\)"):
        sample_size(0.1, -0.05, power=80)
    with pytest.raises(ValueError, match=r"^treated_share must be a probability in \(0, 1\)"):
        sample_size(0.1, -0.05, treated_share=1)

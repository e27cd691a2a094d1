"""Tests of relmkt_lib.contractual: golden numbers of Fader & Hardie (2007, 2010), closed forms,
recovery of simulated truth, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from golden import golden as _reference
from scipy.special import betaln

from relmkt_lib import datasets
from relmkt_lib.contractual import ShiftedBetaGeometric, active_counts_array, constant_retention, sbg_survival
from relmkt_lib.exceptions import ConvergenceError, FitWarning, NotFittedError
from relmkt_lib.simulate import simulate_contractual


@pytest.fixture(scope="module")
def cohorts_2007() -> pd.DataFrame:
    return datasets.load_retention_cohorts()


@pytest.mark.parametrize("column, alpha, beta, ll", [
    ("regular_active", 0.704, 1.182, -1680.27),
    ("highend_active", 0.668, 3.806, -1611.16),
])
def test_fader_hardie_2007_fit(cohorts_2007, column, alpha, beta, ll):
    calib = cohorts_2007.loc[cohorts_2007["used_for_fit"], column]
    m = ShiftedBetaGeometric().fit(calib)
    assert m.params_["alpha"] == pytest.approx(alpha, abs=5e-4)   # published, 3 decimals
    assert m.params_["beta"] == pytest.approx(beta, abs=5e-4)
    assert m.log_likelihood_ == pytest.approx(ll, abs=0.005)       # COMPUTED in reference
    assert (m.se_ > 0).all() and (m.se_ < m.params_).all()


def test_reference_csv_matches_dataset(cohorts_2007):
    ref = _reference("sbg_fader_hardie_2007_cohort_survival.csv")
    assert ref["regular_active"].tolist() == cohorts_2007["regular_active"].tolist()


@pytest.mark.parametrize("column, max_gap", [("regular_active", 4), ("highend_active", 17)])
def test_projection_tracks_holdout(cohorts_2007, column, max_gap):
    """Years 8-12 projected from years 0-7: the regular cohort within 4 customers (0.4 points),
    the high-end one within 17 (1.7 points, the sBG slightly under-projects, as in the paper)."""
    calib = cohorts_2007.loc[cohorts_2007["used_for_fit"], column]
    holdout = cohorts_2007.loc[~cohorts_2007["used_for_fit"], column].to_numpy()
    projected = ShiftedBetaGeometric().fit(calib).expected_active(np.arange(8, 13))
    assert np.abs(projected - holdout).max() <= max_gap
    # a constant retention rate fitted on the same years does far worse by year 12
    r = constant_retention(calib)
    geometric = 1000 * r ** 12
    assert abs(geometric - holdout[-1]) > 5 * abs(projected[-1] - holdout[-1])


def test_derl_fader_hardie_2010():
    """Published DERL at d = 0.10 (their n = 1..5 is renewals = 0..4), to the two decimals printed.
    Case 2 is defined by its mean churn 0.2 and polarisation 0.75, that is alpha = 1/15 and
    beta = 4/15, which the paper prints rounded as 0.067 and 0.267; the rounded values give 7.671
    and 9.851 instead of the published 7.68 and 9.86 (the COMPUTED column, kept as a regression
    check), the exact ones give all five published values."""
    ref = _reference("sbg_derl_fader_hardie_2010_d0.10.csv")
    renewals = ref["renewals_n"].to_numpy() - 1
    m = ShiftedBetaGeometric()
    m.params_ = pd.Series({"alpha": 3.80, "beta": 15.20})
    case1 = m.derl(0.10, renewals=renewals)
    np.testing.assert_allclose(case1, ref["case1_alpha3.80_beta15.20_published"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(case1, ref["case1_computed"], atol=5e-4)
    m.params_ = pd.Series({"alpha": 0.067, "beta": 0.267})
    case2 = m.derl(0.10, renewals=renewals)
    np.testing.assert_allclose(case2, ref["case2_computed"], atol=5e-4)
    m.params_ = pd.Series({"alpha": 1 / 15, "beta": 4 / 15})  # the exact values behind the printed 0.067, 0.267
    np.testing.assert_allclose(m.derl(0.10, renewals=renewals), ref["case2_alpha0.067_beta0.267_published"],
                               atol=0.005 + 1e-9)
    for a, b, col in [(0.704, 1.182, "regular_0.704_1.182_computed"), (0.668, 3.806, "highend_0.668_3.806_computed")]:
        m.params_ = pd.Series({"alpha": a, "beta": b})
        np.testing.assert_allclose(m.derl(0.10, renewals=renewals), ref[col], atol=5e-4)


def test_derl_equals_direct_sum():
    m = ShiftedBetaGeometric()
    m.params_ = pd.Series({"alpha": 1.3, "beta": 2.4})
    d, r = 0.08, 3
    k = np.arange(4000)
    # discounted probability of each future payment, given active after r renewals
    direct = np.sum(sbg_survival(r + 1 + k, 1.3, 2.4) / sbg_survival(r, 1.3, 2.4) / (1 + d) ** k)
    assert m.derl(d, renewals=r) == pytest.approx(direct, rel=1e-8)
    # no heterogeneity in the limit: theta fixed, DERL = sum r^(k+1)/(1+d)^k = r(1+d)/(1+d-r)
    m.params_ = pd.Series({"alpha": 2e4, "beta": 8e4})
    assert m.derl(0.1, renewals=5) == pytest.approx(0.8 * 1.1 / (1.1 - 0.8), rel=1e-3)


def test_closed_forms():
    m = ShiftedBetaGeometric()
    m.params_ = pd.Series({"alpha": 1.0, "beta": 1.0})
    m.cohort_size_ = 100
    # theta ~ Uniform(0, 1): S(t) = 1 / (t + 1), r_t = t / (t + 1)
    np.testing.assert_allclose(m.survival([0, 1, 3]), [1, 0.5, 0.25])
    np.testing.assert_allclose(m.retention_rate([1, 2, 9]), [0.5, 2 / 3, 0.9])
    np.testing.assert_allclose(m.expected_active([1]), [50])
    assert m.median_lifetime() == 1
    assert m.expected_lifetime() == np.inf
    m.params_ = pd.Series({"alpha": 3.0, "beta": 6.0})
    assert m.expected_lifetime() == pytest.approx(4.0)           # (3 + 6 - 1) / (3 - 1)
    # S(t) = prod of the retention rates
    assert np.prod(m.retention_rate(np.arange(1, 6))) == pytest.approx(float(m.survival(5)))
    assert m.survival(5) == pytest.approx(np.exp(betaln(3, 11) - betaln(3, 6)))


def test_log_likelihood_by_hand():
    n = np.array([100, 60, 40])
    a, b = 1.5, 2.0
    s1, s2 = sbg_survival([1, 2], a, b)
    hand = 40 * np.log(1 - s1) + 20 * np.log(s1 - s2) + 40 * np.log(s2)
    assert ShiftedBetaGeometric._log_likelihood(a, b, n) == pytest.approx(hand)


def test_recovers_simulated_truth():
    sim = simulate_contractual(20_000, alpha=0.9, beta=2.5, n_periods=12, rng=7)
    m = ShiftedBetaGeometric().fit(sim.active_counts)
    assert m.params_["alpha"] == pytest.approx(0.9, abs=3 * m.se_["alpha"])
    assert m.params_["beta"] == pytest.approx(2.5, abs=3 * m.se_["beta"])
    assert m.params_["alpha"] == pytest.approx(0.9, rel=0.1)


def test_inputs_are_equivalent_and_not_modified():
    counts = [1000, 631, 468, 382, 326]
    df = pd.DataFrame({"period": [4, 3, 2, 1, 0], "active": counts[::-1], "other": 1})
    before = df.copy()
    fits = [ShiftedBetaGeometric().fit(x).params_ for x in
            (counts, np.array(counts), pd.Series(counts, index=list("abcde")), df)]
    for f in fits[1:]:
        pd.testing.assert_series_equal(f, fits[0])
    pd.testing.assert_frame_equal(df, before)


def test_subscription_cohort_fits():
    c = datasets.load_subscription_cohorts()
    launch = c[(c["cohort"] == c["cohort"].min()) & (c["plan"] == "premium")]
    m = ShiftedBetaGeometric().fit(launch, period_col="month")
    assert m.n_periods_ == 59
    assert m.params_["alpha"] == pytest.approx(0.76, abs=0.01)   # the data card's cross-check
    assert m.params_["beta"] == pytest.approx(26.0, abs=0.5)


def test_not_fitted():
    with pytest.raises(NotFittedError, match="not fitted"):
        ShiftedBetaGeometric().survival(1)
    with pytest.raises(NotFittedError, match="not fitted"):
        ShiftedBetaGeometric().derl(0.1)
    with pytest.raises(NotFittedError, match="not fitted"):
        ShiftedBetaGeometric().summary()
    with pytest.raises(NotFittedError, match="se_"):
        _ = ShiftedBetaGeometric().se_
    assert not hasattr(ShiftedBetaGeometric(), "params_")


def test_fitted_model_contract(cohorts_2007):
    m = ShiftedBetaGeometric()
    assert m.fit(cohorts_2007.loc[cohorts_2007["used_for_fit"], "regular_active"]) is m
    table = m.summary()
    assert table.columns.tolist() == ["estimate", "se", "lower", "upper"]
    np.testing.assert_allclose(table["se"], [0.066, 0.152], atol=5e-4)  # as shown in chapter 06
    # Wald interval on the log scale, transformed back: positive and not symmetric
    assert (table["lower"] > 0).all()
    assert (table["upper"] - table["estimate"] > table["estimate"] - table["lower"]).all()
    assert m.log_param_cov_.loc["alpha", "alpha"] == pytest.approx((m.se_["alpha"] / m.params_["alpha"]) ** 2)


def test_se_matches_hessian_in_natural_parameters(cohorts_2007):
    """The shared log-scale Hessian and the delta method give the natural-scale Wald errors."""
    n = active_counts_array(cohorts_2007.loc[cohorts_2007["used_for_fit"], "highend_active"])
    m = ShiftedBetaGeometric().fit(n)
    x0 = m.params_.to_numpy()
    h = 1e-4 * x0
    f = lambda x: -ShiftedBetaGeometric._log_likelihood(x[0], x[1], n)  # noqa: E731
    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            hess[i, j] = (f(x0 + ei + ej) - f(x0 + ei - ej) - f(x0 - ei + ej) + f(x0 - ei - ej)) / (4 * h[i] * h[j])
    np.testing.assert_allclose(m.se_, np.sqrt(np.diag(np.linalg.inv(hess))), rtol=1e-3)


def test_convergence_error():
    with pytest.raises(ConvergenceError, match="starting values"):
        ShiftedBetaGeometric(max_iter=1).fit([1000, 631, 468, 382, 326, 289, 262, 241])


def test_init_stores_only():
    m = ShiftedBetaGeometric(alpha0=-1)
    assert m.alpha0 == -1 and not hasattr(m, "params_")
    with pytest.raises(ValueError, match="alpha0"):
        m.fit([10, 5])


@pytest.mark.parametrize("bad, match", [
    ([1000, 600, 650, 500], "rise from 600 in period 1 to 650 in period 2"),
    ([1000, -1], "negative in period 1"),
    ([100], "at least 2 periods"),
    ([100.0, 63.1], "not a whole number in period 1"),
    ([100, np.nan], "missing"),
    ([0, 0], "must hold customers"),
])
def test_bad_counts(bad, match):
    with pytest.raises(ValueError, match=match):
        ShiftedBetaGeometric().fit(bad)


def test_bad_inputs_other():
    with pytest.raises(ValueError, match="column 'active' is missing"):
        active_counts_array(pd.DataFrame({"period": [0, 1], "n": [2, 1]}))
    with pytest.raises(ValueError, match="run 0, 1, 2"):
        active_counts_array(pd.DataFrame({"period": [0, 2], "active": [2, 1]}))
    with pytest.raises(TypeError, match="list, an array"):
        active_counts_array("1000, 600")
    m = ShiftedBetaGeometric().fit([1000, 631, 468])
    with pytest.raises(ValueError, match="t must hold whole periods >= 1"):
        m.retention_rate(0)
    with pytest.raises(ValueError, match="whole periods"):
        m.survival(1.5)
    with pytest.raises(ValueError, match="discount_rate"):
        m.derl(-0.1)
    with pytest.raises(TypeError):
        m.derl(0.1, 3)  # renewals is keyword-only


def test_no_heterogeneity_warns():
    counts = np.round(1_000_000 * 0.8 ** np.arange(6)).astype(int)
    with pytest.warns(FitWarning, match="little heterogeneity"):
        m = ShiftedBetaGeometric().fit(counts)
    assert float(m.retention_rate(3)) == pytest.approx(0.8, abs=1e-3)


def test_plots_validate():
    from relmkt_lib import plotting

    with pytest.raises(NotFittedError, match="fitted"):
        plotting.plot_survival_fit([10, 5], ShiftedBetaGeometric())
    m = ShiftedBetaGeometric().fit([1000, 631, 468, 382])
    with pytest.raises(ValueError, match="rise"):
        plotting.plot_retention_rates([10, 5, 6], m)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plotting.plot_churn_distribution(m, ax=ax)
    assert ax.get_ylim()[1] > 0
    plt.close(fig)


def test_plots_show_what_the_model_says():
    """Every density with alpha < 1 runs off the top (infinite at 0); a holdout band is labelled."""
    import matplotlib.pyplot as plt

    from relmkt_lib import plotting

    counts = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445]
    flatter = ShiftedBetaGeometric().fit(counts[:8])  # alpha 0.668, beta 3.806
    steeper = ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])  # alpha 0.704
    fig, ax = plt.subplots()
    for m in (steeper, flatter):
        plotting.plot_churn_distribution(m, ax=ax)
    top = ax.get_ylim()[1]
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(curves) == 2 and all(line.get_ydata().max() > 10 * top for line in curves)
    ax.clear()
    plotting.plot_retention_rates(counts, flatter, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["calibration | holdout"] and len(ax.patches) == 1
    ax.clear()
    plotting.plot_retention_rates(counts[:8], flatter, ax=ax)  # no holdout: no band, no label
    assert len(ax.texts) == 0 and len(ax.patches) == 0
    plt.close(fig)


# --- individual tenures, right-censored (fit_tenures) ---

def _snapshot(n, alpha, beta, max_periods, rng):
    """A customer table on a snapshot day: sBG lifetimes, start dates staggered so that each
    customer has been watched for 1..max_periods periods (censoring varies)."""
    rng = np.random.default_rng(rng)
    lifetime = rng.geometric(rng.beta(alpha, beta, n))  # T: the renewal at which the customer leaves
    watched = rng.integers(1, max_periods + 1, n)
    churned = lifetime <= watched
    return np.where(churned, lifetime, watched), churned


def _as_customers(counts):
    """A cohort's active counts as one row per customer (tenure, churned): the same information."""
    n = np.asarray(counts)
    tenure = np.concatenate([np.repeat(np.arange(1, len(n)), -np.diff(n)), np.full(n[-1], len(n) - 1)])
    return pd.DataFrame({"tenure": tenure, "churned": np.arange(len(tenure)) < n[0] - n[-1]})


@pytest.mark.parametrize("column", ["regular_active", "highend_active"])
def test_tenures_and_counts_give_the_same_fit(cohorts_2007, column):
    """Tenure = whole periods completed: churned with tenure t is P(T = t), active with t is S(t)."""
    counts = cohorts_2007.loc[cohorts_2007["used_for_fit"], column]
    by_counts = ShiftedBetaGeometric().fit(counts)
    by_tenures = ShiftedBetaGeometric().fit_tenures(_as_customers(counts))
    pd.testing.assert_series_equal(by_tenures.params_, by_counts.params_, rtol=1e-6)
    assert by_tenures.log_likelihood_ == pytest.approx(by_counts.log_likelihood_, rel=1e-9)
    pd.testing.assert_series_equal(by_tenures.se_, by_counts.se_, rtol=1e-4)
    assert by_tenures.cohort_size_ == by_counts.cohort_size_ == 1000
    assert by_tenures.n_periods_ == by_counts.n_periods_ == 7
    pd.testing.assert_frame_equal(by_tenures.tenure_counts_, by_counts.tenure_counts_)
    assert by_tenures.active_counts_ is None


def test_subscribers_and_their_cohort_counts_give_the_same_fit():
    """The data set's own convention: tenure_months of a cancelled subscriber is the renewal at
    which they left; the launch cohort's subscriber rows and its cohort counts are one fit."""
    subs = datasets.load_subscriptions()
    counts = datasets.load_subscription_cohorts()
    launch_month = subs["start_date"].min().to_period("M")
    rows = subs[(subs["start_date"].dt.to_period("M") == launch_month) & (subs["plan"] == "premium")]
    cohort = counts[(counts["cohort"] == counts["cohort"].min()) & (counts["plan"] == "premium")]
    by_rows = ShiftedBetaGeometric().fit_tenures(rows, tenure_col="tenure_months", churned_col="cancelled")
    by_counts = ShiftedBetaGeometric().fit(cohort, period_col="month")
    pd.testing.assert_series_equal(by_rows.params_, by_counts.params_, rtol=1e-6)


def test_fit_tenures_recovers_truth_and_the_naive_route_is_biased():
    tenure, churned = _snapshot(20_000, 0.9, 2.5, 24, rng=7)
    assert 0.5 < churned.mean() < 0.9  # a real mix of churned and censored customers
    m = ShiftedBetaGeometric().fit_tenures(tenure, churned=churned)
    for name, truth in [("alpha", 0.9), ("beta", 2.5)]:
        assert m.params_[name] == pytest.approx(truth, abs=3 * m.se_[name])
        assert m.params_[name] == pytest.approx(truth, rel=0.1)
    # the naive route: every customer counted as churned at their tenure so far
    naive = ShiftedBetaGeometric().fit_tenures(tenure, churned=np.ones_like(churned))
    for name, truth in [("alpha", 0.9), ("beta", 2.5)]:
        assert abs(naive.params_[name] - truth) > 10 * naive.se_[name]
    table = naive.summary()
    assert not (table.loc["beta", "lower"] <= 2.5 <= table.loc["beta", "upper"])
    # it loses the long-lived customers: far too few still active after 24 periods
    truth_24 = float(sbg_survival(24, 0.9, 2.5))
    assert float(m.survival(24)) == pytest.approx(truth_24, rel=0.1)
    assert float(naive.survival(24)) < truth_24 / 3


def test_fit_tenures_inputs_are_equivalent_and_not_modified():
    tenure, churned = _snapshot(500, 1.2, 3.0, 10, rng=3)
    df = pd.DataFrame({"months": tenure, "left": churned, "other": "x"}, index=np.arange(500) * 2)
    before = df.copy()
    fits = [ShiftedBetaGeometric().fit_tenures(df, tenure_col="months", churned_col="left").params_,
            ShiftedBetaGeometric().fit_tenures(tenure.tolist(), churned=churned.tolist()).params_,
            ShiftedBetaGeometric().fit_tenures(df["months"], churned=df["left"].astype(int)).params_,
            ShiftedBetaGeometric().fit_tenures(df.assign(months=df["months"].astype(float),
                                                         left=df["left"].astype("boolean")),
                                               tenure_col="months", churned_col="left").params_]
    for f in fits[1:]:
        pd.testing.assert_series_equal(f, fits[0])
    pd.testing.assert_frame_equal(df, before)
    # a customer who joined less than a period ago (tenure 0, active) says nothing about churn
    more = ShiftedBetaGeometric().fit_tenures([*tenure, 0, 0], churned=[*churned, False, False])
    pd.testing.assert_series_equal(more.params_, fits[0], rtol=1e-6)


@pytest.mark.parametrize("tenures, kwargs, error, match", [
    ([1, 2, 0], {"churned": [True, False, True]}, ValueError,
     r"column 'tenures': 1 row\(s\) are churned customers with tenure 0; the first is row 2 \(value 0\)\. "
     "Tenure counts whole periods: a customer who cancels at the first renewal date has tenure 1"),
    ([1, -2, 3], {"churned": [True, False, True]}, ValueError, r"1 row\(s\) are not whole numbers of periods >= 0"),
    ([1, 2.5, 3], {"churned": [True, False, True]}, ValueError, r"row 1 \(value 2\.5\)"),
    ([1, None, 3], {"churned": [True, False, True]}, ValueError, "not whole numbers of periods"),
    ([1, 2, 3], {"churned": ["yes", "no", "yes"]}, ValueError,
     r"column 'churned': 3 row\(s\) are not True/False \(or 1/0\).*== 'yes'"),
    ([1, 2, 3], {"churned": [True, None, True]}, ValueError, r"1 row\(s\) have no churn flag"),
    ([1, 2, 3], {"churned": [1, 2, 0]}, ValueError, "not True/False"),
    ([1, 2, 3], {"churned": [True, False]}, ValueError, "got 3 tenures and 2 churn flags"),
    ([1, 2, 3], {}, TypeError, "pass churned= beside the tenures"),
    ([], {"churned": []}, ValueError, "tenures is empty"),
    ("1, 2", {"churned": [True]}, TypeError, "lists, arrays or Series"),
    (pd.DataFrame({"tenure": [1, 2], "churned": [True, False]}), {"churned": [True, False]}, TypeError,
     "leave churned out"),
    (pd.DataFrame({"tenure_months": [1, 2], "cancelled": [True, False]}), {}, ValueError,
     r"column 'tenure' is missing from tenures"),
])
def test_fit_tenures_bad_inputs(tenures, kwargs, error, match):
    with pytest.raises(error, match=match):
        ShiftedBetaGeometric().fit_tenures(tenures, **kwargs)


def test_zero_churn_warns_and_median_lifetime_is_infinite():
    with pytest.warns(FitWarning, match=r"nobody churned in these data \(100 customers, 200 renewals and no "
                                        r"cancellation\): the sBG cannot be estimated from them \(not identified\)"):
        m = ShiftedBetaGeometric().fit([100, 100, 100])
    assert m.median_lifetime() == np.inf       # not a RuntimeError
    assert m.expected_lifetime() == np.inf
    with pytest.warns(FitWarning, match="nobody churned"):
        ShiftedBetaGeometric().fit_tenures([3, 5, 0], churned=[False, False, False])


def test_parameters_on_the_search_limit_warn():
    # everybody who left did so at the first renewal: beta runs to 0
    with pytest.warns(FitWarning, match=r"the search stopped at its limit \(.*beta = 3\.06e-07\): the data cannot "
                                        r"pin .*beta down.*fit_tenures"):
        ShiftedBetaGeometric().fit([100, 40, 40])


def test_good_fits_do_not_warn(cohorts_2007):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ShiftedBetaGeometric().fit(cohorts_2007.loc[cohorts_2007["used_for_fit"], "regular_active"])
        tenure, churned = _snapshot(2000, 0.9, 2.5, 24, rng=1)
        ShiftedBetaGeometric().fit_tenures(tenure, churned=churned)

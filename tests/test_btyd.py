"""Tests of relmkt_lib.btyd: golden CDNOW numbers (Fader-Hardie), hand computations, bad input."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from golden import GOLDEN as REF
from scipy.special import hyp2f1

from relmkt_lib import btyd
from relmkt_lib.datasets import cdnow_sample_split, load_cdnow_sample, load_cdnow_summary
from relmkt_lib.exceptions import ConvergenceError, DataWarning, FitWarning, NotFittedError


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def bg(cdnow):
    return btyd.BetaGeoModel().fit(cdnow)


@pytest.fixture(scope="module")
def gg(cdnow):
    return btyd.GammaGammaModel().fit(cdnow[cdnow["frequency"] > 0])


@pytest.fixture(scope="module")
def split() -> pd.DataFrame:
    return cdnow_sample_split()


def _with_params(model, **params):
    """A model evaluated at given (published) parameters, set by hand."""
    m = type(model)()
    m.params_ = pd.Series(params)
    return m


def test_import_does_not_import_lifetimes():
    code = "import sys, relmkt_lib.btyd; print('lifetimes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- golden numbers (published values rounded to 3 decimals: tolerance 0.0005 + fit noise) ---

def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow, bg):
    table = bg.summary()
    np.testing.assert_allclose(table.loc[["r", "alpha", "a", "b"], "estimate"],
                               [0.243, 4.414, 0.793, 2.426], atol=1e-3)
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    # full-precision package estimate (CLVTools / BTYD): 0.2425945, 4.4136019, 0.7929199, 2.4258881
    np.testing.assert_allclose(bg.params_, [0.2425945, 4.4136019, 0.7929199, 2.4258881], rtol=2e-3)


def test_pareto_nbd_reproduces_published_fit(cdnow):
    pnbd = btyd.ParetoNBDModel().fit(cdnow)
    table = pnbd.summary()
    np.testing.assert_allclose(table.loc[["r", "alpha", "s", "beta"], "estimate"],
                               [0.553, 10.578, 0.606, 11.669], atol=0.01)
    assert pnbd.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    # CLVTools standard errors: 0.0476264, 0.8427222, 0.1872594, 6.2105448
    np.testing.assert_allclose(table["se"], [0.0476264, 0.8427222, 0.1872594, 6.2105448], rtol=0.01)


def test_gamma_gamma_reproduces_published_fit(cdnow, gg):
    rep = cdnow[cdnow["frequency"] > 0]
    assert len(rep) == 946
    assert gg.params_.index.tolist() == ["p", "q", "gamma"]  # the papers' names (lifetimes: v)
    np.testing.assert_allclose(gg.summary()["estimate"], [6.25, 3.74, 15.44], atol=0.01)
    assert gg.log_likelihood_ == pytest.approx(-4055.9177, abs=0.01)
    assert gg.lifetimes_.params_.index.tolist() == ["p", "q", "v"]


def test_bgnbd_standard_errors_match_lifetimes_diagonal(bg):
    np.testing.assert_allclose(bg.se_, bg.lifetimes_.summary["se(coef)"], rtol=1e-3)


def test_customer_one_expects_1226_purchases_in_39_weeks(cdnow, bg):
    pred = bg.predict(cdnow, horizon=39)
    assert pred.loc[1, "expected_purchases"] == pytest.approx(1.226, abs=5e-4)
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    published = _with_params(bg, r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert published.expected_purchases(one, horizon=39).iloc[0] == pytest.approx(1.226, abs=5e-4)


def test_btyd_vignette_customer(bg):
    m = _with_params(bg, r=0.2425945, alpha=4.4136019, a=0.7929199, b=2.4258881)
    s = pd.DataFrame({"frequency": [26], "recency": [30.857], "T": [31.0]})
    pred = m.predict(s, horizon=52)
    assert pred.iloc[0]["expected_purchases"] == pytest.approx(25.75659, rel=1e-4)
    assert pred.iloc[0]["p_alive"] == pytest.approx(0.9688523, rel=1e-4)


def test_per_customer_log_likelihoods_hardie_note004(cdnow):
    ref = pd.read_csv(REF / "bgnbd_logp_first18_cdnow_customers_hardie_note004.csv")
    params = dict(r=0.2425945, alpha=4.4136019, a=0.7929199, b=2.4258881)
    ll = btyd.bgnbd_log_likelihood(params, cdnow.loc[ref["customer_id"]])
    np.testing.assert_allclose(ll.to_numpy(), ref["logp"].to_numpy(), atol=2e-3)


def test_numerical_stability_hardie_note027():
    s = pd.DataFrame({"frequency": [0, 200], "recency": [0.0, 38.0], "T": [40.0, 40.0]})
    ll = btyd.bgnbd_log_likelihood(dict(r=0.25, alpha=4.0, a=0.8, b=2.5), s)
    np.testing.assert_allclose(ll, [-0.59947382, 100.7957], atol=1e-4)


def test_new_customer_expected_transactions(bg):
    ref = pd.read_csv(REF / "bgnbd_expected_transactions_new_customer_hardie.csv")
    # Hardie's spreadsheet works at full precision; the rounded parameters drift by 0.003 at t=78
    m = _with_params(bg, r=0.2425945, alpha=4.4136019, a=0.7929199, b=2.4258881)
    ours = m.expected_purchases_new_customer(ref["t_weeks"].to_numpy())
    np.testing.assert_allclose(ours, ref["E_X_t"], atol=5e-4)
    # closed form (FHL 2005 eq. 7) by hand
    r, al, a, b = m.params_
    t = 78.0
    hand = (a + b - 1) / (a - 1) * (1 - (al / (al + t)) ** r * hyp2f1(r, b, a + b - 1, t / (al + t)))
    assert m.expected_purchases_new_customer(t) == pytest.approx(hand, rel=1e-9)


def test_pareto_new_customer_expected_transactions(cdnow):
    ref = pd.read_csv(REF / "pnbd_expected_transactions_new_customer_btyd.csv")
    pnbd = btyd.ParetoNBDModel()
    pnbd.params_ = pd.Series({"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562})
    t_col, e_col = ref.columns[0], ref.columns[-1]
    # The BTYD table sits 0.4-0.6 % below the closed form at the BTYD vignette's parameters
    # (its exact parameters are not published with it): a loose check of shape and level.
    ours = pnbd.expected_purchases_new_customer(ref[t_col].to_numpy())
    np.testing.assert_allclose(ours, ref[e_col], rtol=7e-3, atol=1e-12)
    r, alpha, s, beta = pnbd.params_
    t = ref[t_col].to_numpy()
    np.testing.assert_allclose(ours, r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1)), rtol=1e-9)


def test_gamma_gamma_conditional_spend_hardie_note025(cdnow, gg):
    ref = pd.read_csv(REF / "gg_conditional_expected_spend_first10_hardie_note025.csv")
    spend = gg.expected_spend(cdnow.loc[ref["ID"]])  # at the MLE (p=6.25 rounded is 0.05 off)
    np.testing.assert_allclose(spend, ref["gg_cond_expected_spend_hardie"], atol=0.01)  # 2 decimals, truncated


# --- CLV, bootstrap, diagnostics ---------------------------------------------------------

def test_discounted_clv_by_hand_and_against_lifetimes(cdnow, bg, gg):
    s = cdnow.loc[[1, 2, 3]]
    clv = btyd.discounted_clv(bg, gg, s, horizon=8, step=4, annual_discount_rate=0.1, periods_per_year=52,
                              margin=0.3)
    d = 1.1 ** (1 / 52) - 1
    x4 = bg.expected_purchases(s, horizon=4)
    x8 = bg.expected_purchases(s, horizon=8)
    spend = gg.lifetimes_.conditional_expected_average_profit(s["frequency"], s["monetary_value"])
    hand = 0.3 * spend * (x4 / (1 + d) ** 4 + (x8 - x4) / (1 + d) ** 8)
    np.testing.assert_allclose(clv, hand, rtol=1e-10)
    theirs = gg.lifetimes_.customer_lifetime_value(bg.lifetimes_, cdnow["frequency"], cdnow["recency"], cdnow["T"],
                                                   cdnow["monetary_value"], time=12, discount_rate=0.01, freq="W")
    # lifetimes' monthly rate 0.01: one "year" of 4.345 weeks in our terms
    ours = btyd.discounted_clv(bg, gg, cdnow, horizon=12 * 4.345, step=4.345, annual_discount_rate=0.01,
                               periods_per_year=4.345)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_bootstrap_is_seeded_fast_and_brackets_the_point(cdnow, bg, gg):
    start = time.perf_counter()
    a, draws = btyd.bootstrap_intervals(bg, gg, cdnow, n_draws=30, rng=3)
    assert time.perf_counter() - start < 10
    b = btyd.bootstrap_intervals(bg, gg, cdnow, n_draws=30, rng=3)
    pd.testing.assert_frame_equal(a, b.intervals)
    pd.testing.assert_frame_equal(draws, b.clv_draws)
    assert (a["lower"] < a["point"]).all() and (a["point"] < a["upper"]).all()
    assert draws.shape == (len(cdnow), 30) and draws.index.equals(cdnow.index)
    assert not a.attrs  # nothing stashed in DataFrame.attrs
    assert a.loc["total_clv", "point"] == pytest.approx(btyd.discounted_clv(bg, gg, cdnow, step=4).sum())


def test_holdout_metrics_by_hand(split, bg):
    m = btyd.holdout_metrics(bg, split)
    pred = bg.lifetimes_.conditional_expected_number_of_purchases_up_to_time(
        39, split["frequency_cal"], split["recency_cal"], split["T_cal"])
    err = pred.to_numpy() - split["frequency_holdout"].to_numpy()
    assert m["mae"] == pytest.approx(np.abs(err).mean())
    assert m["rmse"] == pytest.approx(np.sqrt((err ** 2).mean()))
    assert m["actual_total"] == split["frequency_holdout"].sum()
    by_f = btyd.holdout_by_frequency(bg, split)
    assert by_f["customers"].sum() == 2357
    dec = btyd.holdout_error_by_decile(bg, split)
    assert dec["customers"].sum() == 2357 and dec["predicted"].is_monotonic_increasing


def test_tracking_matches_summary_and_split(split, bg):
    tr = btyd.tracking_table(bg, load_cdnow_sample(), calibration_end="1997-09-30",
                             observation_end="1998-06-30")
    cal = tr.loc[~tr["holdout"], "actual"].sum()
    assert cal == split["frequency_cal"].sum() == 2457
    assert tr["actual"].sum() == cal + split["frequency_holdout"].sum()
    # FHL 2005: the BG/NBD cumulative forecast tracks within a few percent at week 78
    assert tr["expected_cum"].iloc[-1] == pytest.approx(tr["actual_cum"].iloc[-1], rel=0.06)


def test_tracking_table_reads_text_dates(bg):
    log = load_cdnow_sample()
    dates = {"calibration_end": "1997-09-30", "observation_end": "1998-06-30"}
    text = log.assign(date=log["date"].dt.strftime("%Y-%m-%d"))
    before = text.copy()
    # the same table; only the resolution of ``start`` may differ (pandas reads text dates in microseconds)
    pd.testing.assert_frame_equal(btyd.tracking_table(bg, text, **dates), btyd.tracking_table(bg, log, **dates),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(text, before)  # the caller's table is not modified


def test_tracking_table_names_the_first_unreadable_date(bg):
    log = load_cdnow_sample()
    text = log.assign(date=log["date"].dt.strftime("%Y-%m-%d"))
    text.loc[text.index[5], "date"] = "1997-02-30"
    label = text.index[5]
    # the data layer's message (validate_transactions reads the log); its advice, date_format, is an argument here
    with pytest.raises(ValueError, match=rf"column 'date': 1 row\(s\) cannot be read as a date; "
                                         rf"the first is row {label} \(value '1997-02-30'\)\. Fix or remove"):
        btyd.tracking_table(bg, text, calibration_end="1997-09-30", observation_end="1998-06-30")
    compact = log.assign(date=log["date"].dt.strftime("%Y%m%d").astype(int))
    pd.testing.assert_frame_equal(
        btyd.tracking_table(bg, compact, calibration_end="1997-09-30", observation_end="1998-06-30",
                            date_format="%Y%m%d"),
        btyd.tracking_table(bg, log, calibration_end="1997-09-30", observation_end="1998-06-30"), check_dtype=False)
    with pytest.raises(ValueError, match="column 'date': 1 row.*have no date"):
        btyd.tracking_table(bg, log.assign(date=log["date"].where(log.index != label)),
                            calibration_end="1997-09-30", observation_end="1998-06-30")


def test_frequency_recency_matrix_and_classic_p_alive(bg):
    m = btyd.frequency_recency_matrix(bg, 38.86, max_frequency=10, kind="p_alive")
    assert np.isnan(m.loc[0, 5]) and m.loc[0, 0] == 1.0
    # same recency (20 weeks), more purchases: more likely dead (the silent frequent buyer)
    assert m.loc[10, 20] < m.loc[2, 20]
    # same frequency, more recent: more likely alive
    assert m.loc[5, 38] > m.loc[5, 20]
    # repeat purchases with recency 0 are impossible whatever the unit
    assert m.loc[1:, 0].isna().all()


def test_frequency_recency_matrix_blanks_histories_the_recency_cannot_hold(bg):
    m = btyd.frequency_recency_matrix(bg, 38.86, max_frequency=20, time_unit="weeks")
    # same-day purchases are merged: at most 7 repeat purchases per week of recency
    assert not np.isnan(m.loc[14, 2]) and np.isnan(m.loc[15, 2]) and np.isnan(m.loc[8, 1])
    assert m.notna().loc[20, 3]  # 21 days leave room for 20 repeat purchases (CDNOW has such a customer)
    days = btyd.frequency_recency_matrix(bg, 38.86, max_frequency=20, time_unit="days")
    assert np.isnan(days.loc[6, 5]) and not np.isnan(days.loc[5, 5])
    with pytest.raises(ValueError, match="time_unit must be"):
        btyd.frequency_recency_matrix(bg, 38.86, max_frequency=5, time_unit="W")


def test_plot_frequency_recency_bands(bg):
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm

    from relmkt_lib import plotting

    m = btyd.frequency_recency_matrix(bg, 38.86, max_frequency=10, horizon=39, time_unit="weeks")
    fig, ax = plt.subplots()
    plotting.plot_frequency_recency(m, levels=[0, 0.1, 0.5, 1, 4, 16], ax=ax)
    assert isinstance(ax.images[0].norm, BoundaryNorm)
    with pytest.raises(ValueError, match="increasing"):
        plotting.plot_frequency_recency(m, levels=[1, 0.5], ax=ax)
    plt.close(fig)


def test_spend_frequency_correlation_and_warning(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corr = btyd.spend_frequency_correlation(cdnow)
    rep = cdnow[cdnow["frequency"] > 0]
    assert corr == pytest.approx(np.corrcoef(rep["frequency"], rep["monetary_value"])[0, 1])
    assert abs(corr) < 0.3
    s = pd.DataFrame({"frequency": [1, 2, 3, 4], "monetary_value": [10, 20, 30, 40.0]})
    with pytest.warns(UserWarning, match="independence"):
        btyd.spend_frequency_correlation(s)


# --- bad input ---------------------------------------------------------------------------

def test_gamma_gamma_rejects_one_time_buyers(cdnow):
    with pytest.raises(ValueError, match=r"column 'frequency' of summary: \d+ row.*frequency > 0.*the first is "
                                         r"row 3 \(value 0\).*summary\[summary\['frequency'\] > 0\]"):
        btyd.GammaGammaModel().fit(cdnow)


def test_convergence_failure_message():
    degenerate = pd.DataFrame({"frequency": [5.0, 5.0], "recency": [10.0, 10.0], "T": [10.0, 10.0]})
    with pytest.raises(ConvergenceError, match="penalizer.*weeks.*tol"):
        btyd.BetaGeoModel().fit(degenerate)
    no_repeat = pd.DataFrame({"frequency": [0.0] * 50, "recency": [0.0] * 50, "T": [10.0] * 50})
    with pytest.raises(ConvergenceError, match="did not converge|degenerate"):
        btyd.BetaGeoModel().fit(no_repeat)


@pytest.mark.parametrize("bad, match", [
    (pd.DataFrame({"frequency": [1], "recency": [5.0]}), "column 'T' is missing"),
    (pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [4.0]}),
     r"column 'recency' of summary: 1 row.*must not exceed T.*row 0 \(value 5\.0\).*T is 4\.0"),
    (pd.DataFrame({"frequency": [-1], "recency": [0.0], "T": [4.0]}),
     r"column 'frequency' of summary: 1 row.*>= 0; the first is row 0 \(value -1"),
    (pd.DataFrame({"frequency": [1.5], "recency": [1.0], "T": [4.0]}), "whole numbers"),
])
def test_bad_summaries(bad, match):
    with pytest.raises(ValueError, match=match):
        btyd.BetaGeoModel().fit(bad)


def test_bad_arguments(cdnow, bg, gg):
    with pytest.raises(TypeError, match="DataFrame"):
        btyd.BetaGeoModel().fit([1, 2])
    with pytest.raises(TypeError, match="GammaGammaModel as spend_model"):
        btyd.discounted_clv(gg, bg, cdnow)
    with pytest.raises(ValueError, match="whole number of steps"):
        btyd.discounted_clv(bg, gg, cdnow, horizon=10, step=3)
    with pytest.raises(ValueError, match="horizon"):
        bg.predict(cdnow, horizon=-1)
    with pytest.raises(TypeError, match="BetaGeoModel"):
        btyd.holdout_metrics("bg", cdnow)
    with pytest.raises(ValueError, match="time_unit"):
        btyd.tracking_table(bg, load_cdnow_sample(), calibration_end="1997-09-30",
                            observation_end="1998-06-30", time_unit="months")
    with pytest.raises(ValueError, match="kind"):
        btyd.frequency_recency_matrix(bg, 38.86, kind="both")
    with pytest.raises(ValueError, match="frequency_cal"):
        btyd.holdout_metrics(bg, cdnow)


def test_inputs_are_not_modified(cdnow, bg, gg):
    before = cdnow.copy()
    btyd.BetaGeoModel().fit(cdnow)
    bg.predict(cdnow, horizon=39)
    btyd.discounted_clv(bg, gg, cdnow)
    btyd.spend_frequency_correlation(cdnow)
    pd.testing.assert_frame_equal(cdnow, before)


# --- the fitted-model contract ---------------------------------------------------------------

@pytest.mark.parametrize("cls", [btyd.BetaGeoModel, btyd.ParetoNBDModel, btyd.GammaGammaModel])
def test_not_fitted_and_settings_only_in_init(cls, cdnow):
    m = cls(penalizer=-1)
    assert m.penalizer == -1 and not hasattr(m, "params_")  # __init__ stores, never checks
    for call in (m.summary, lambda: m.params_):
        with pytest.raises(NotFittedError, match="not fitted|params_"):
            call()
    with pytest.raises(ValueError, match="penalizer"):
        m.fit(cdnow if cls is not btyd.GammaGammaModel else cdnow[cdnow["frequency"] > 0])


def test_not_fitted_predictions(cdnow):
    with pytest.raises(NotFittedError, match="not fitted"):
        btyd.BetaGeoModel().predict(cdnow, horizon=39)
    with pytest.raises(NotFittedError, match="not fitted"):
        btyd.GammaGammaModel().expected_spend(cdnow)


def test_summary_contract(bg, gg):
    for model in (bg, gg):
        table = model.summary()
        assert table.columns.tolist() == ["estimate", "se", "lower", "upper"]
        assert table.index.name == "parameter"
        pd.testing.assert_series_equal(table["estimate"], model.params_, check_names=False)
        pd.testing.assert_series_equal(table["se"], model.se_, check_names=False)
        # Wald on the log scale, transformed back: est * exp(+-1.96 se / est), geometric mid-point
        np.testing.assert_allclose(np.sqrt(table["lower"] * table["upper"]), table["estimate"])
        np.testing.assert_allclose(table["upper"] / table["estimate"],
                                   np.exp(1.959964 * table["se"] / table["estimate"]), rtol=1e-6)
        assert isinstance(model.log_likelihood_, float)
        assert model.log_param_cov_.shape == (len(model.params_),) * 2
    assert (bg.summary(level=0.5)["upper"] < bg.summary()["upper"]).all()


def test_fit_returns_self_and_is_deterministic(cdnow):
    m = btyd.ParetoNBDModel()
    assert m.fit(cdnow) is m
    # lifetimes draws Pareto/NBD starting values from numpy's global state; the kit does not
    np.random.seed(0)
    a = btyd.ParetoNBDModel().fit(cdnow).params_
    np.random.seed(1)
    b = btyd.ParetoNBDModel().fit(cdnow).params_
    pd.testing.assert_series_equal(a, b)


def test_btyd_does_not_reexport_datasets():
    assert not hasattr(btyd, "load_cdnow_sample") and not hasattr(btyd, "cdnow_sample_split")


# --- the calibration_holdout_split table goes to the fitters as it is ---

def test_fitters_read_the_split_columns(split, cdnow):
    renamed = split.rename(columns=lambda c: c.removesuffix("_cal"))
    before = split.copy()
    for cls in (btyd.BetaGeoModel, btyd.ParetoNBDModel):
        direct, by_hand = cls().fit(split), cls().fit(renamed)
        pd.testing.assert_series_equal(direct.params_, by_hand.params_)
        pd.testing.assert_series_equal(direct.p_alive(split), direct.p_alive(renamed))
        pd.testing.assert_frame_equal(direct.predict(split, horizon=10), direct.predict(renamed, horizon=10))
    gg = btyd.GammaGammaModel().fit(split[split["frequency_cal"] > 0])
    pd.testing.assert_series_equal(gg.params_, btyd.GammaGammaModel().fit(renamed[renamed["frequency"] > 0]).params_)
    assert btyd.spend_frequency_correlation(split) == btyd.spend_frequency_correlation(renamed)
    bg = btyd.BetaGeoModel().fit(split)
    pd.testing.assert_series_equal(btyd.discounted_clv(bg, gg, split), btyd.discounted_clv(bg, gg, renamed))
    pd.testing.assert_frame_equal(split, before)  # read, never renamed in place
    # the split's calibration columns are the published summary: the same fit as chapter 07's
    np.testing.assert_allclose(bg.params_, btyd.BetaGeoModel().fit(cdnow).params_, rtol=2e-3)


def test_a_half_renamed_split_gets_the_one_line_fix(split):
    half = split.rename(columns={"frequency_cal": "frequency"})
    with pytest.raises(ValueError, match=r"column 'frequency_cal' is missing from summary \(a calibration_holdout.*"
                                         r"rename: summary\.rename\(columns=lambda c: c\.removesuffix\('_cal'\)\)"):
        btyd.BetaGeoModel().fit(half.drop(columns="recency_cal"))
    with pytest.raises(ValueError, match="column 'T' is missing from summary; its columns are"):
        btyd.BetaGeoModel().fit(pd.DataFrame({"frequency": [1.0], "recency": [1.0]}))


# --- a near-degenerate fit says so ---

def test_huge_parameters_with_huge_standard_errors_warn(cdnow):
    """The rule on a fitted model (the real case, a Pareto/NBD on a 17-week CDNOW calibration, is in
    tests/test_trials_models.py: that fit takes about 25 s)."""
    m = btyd.ParetoNBDModel().fit(cdnow)
    m.params_ = pd.Series({"r": 0.45, "alpha": 7.3, "s": 111.6, "beta": 1986.0})
    m.se_ = pd.Series({"r": 0.05, "alpha": 0.7, "s": 1179.0, "beta": 21030.0})
    with pytest.warns(FitWarning, match=r"the Pareto/NBD fit gives s = 111\.6 \(se 1,179\), beta = 1,986 \(se "
                                        r"21,030\): the data cannot pin these parameters down.*so do not read "
                                        r"them\. This happens when the calibration period is short.*longer calibration "
                                        r"period, or the BG/NBD \(BetaGeoModel\), or add a small penalizer"):
        m._warn_if_weak()
    m.se_ = pd.Series({"r": 0.05, "alpha": 0.7, "s": np.nan, "beta": np.nan})  # singular Hessian: unknown
    with pytest.warns(FitWarning, match=r"s = 111\.6 \(se unknown\), beta = 1,986 \(se unknown\)"):
        m._warn_if_weak()
    m.params_["beta"], m.se_ = 900.0, pd.Series({"r": 0.05, "alpha": 0.7, "s": 1179.0, "beta": 21030.0})
    with warnings.catch_warnings():  # large errors, but no parameter above 1,000: no warning
        warnings.simplefilter("error", FitWarning)
        m._warn_if_weak()


def test_published_fits_do_not_warn(cdnow):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitWarning)
        btyd.BetaGeoModel().fit(cdnow)
        btyd.ParetoNBDModel().fit(cdnow)
        btyd.GammaGammaModel().fit(cdnow[cdnow["frequency"] > 0])


# --- tracking: the boundary week is split at calibration_end ---

@pytest.mark.parametrize("calibration_end", ["1997-09-30", "1997-09-24", "1997-10-02"])
def test_tracking_holdout_rows_add_up_to_holdout_metrics(calibration_end):
    from relmkt_lib.data import calibration_holdout_split

    log = load_cdnow_sample()
    sp = calibration_holdout_split(log, calibration_end=calibration_end, observation_end="1998-06-30",
                                   time_unit="weeks")
    model = btyd.BetaGeoModel().fit(sp)
    tr = btyd.tracking_table(model, log, calibration_end=calibration_end, observation_end="1998-06-30")
    assert tr.loc[tr["holdout"], "actual"].sum() == btyd.holdout_metrics(model, sp)["actual_total"]
    assert tr.loc[~tr["holdout"], "actual"].sum() == sp["frequency_cal"].sum()
    cal_end = pd.Timestamp(calibration_end)
    last_cal = tr[~tr["holdout"]].iloc[-1]
    assert last_cal["start"] + pd.Timedelta(days=int(last_cal["days"]) - 1) == cal_end  # ends on calibration_end
    assert tr.loc[tr["holdout"], "start"].iloc[0] == cal_end + pd.Timedelta(days=1)     # holdout starts the next day
    assert tr["days"].sum() == (pd.Timestamp("1998-06-30") - tr["start"].iloc[0]).days + 1
    assert (tr["days"].iloc[:-1][tr["days"].iloc[:-1] != 7].index == last_cal.name).all()  # one short week at most
    np.testing.assert_allclose(tr["expected_cum"], tr["expected"].cumsum())


def test_tracking_reads_the_log_like_the_data_layer(bg):
    log = load_cdnow_sample()
    dates = {"calibration_end": "1997-09-30", "observation_end": "1998-06-30"}
    base = btyd.tracking_table(bg, log, **dates)
    # a purchase at 15:00 on calibration_end is a calibration purchase, as in calibration_holdout_split
    timed = log.assign(date=log["date"] + pd.Timedelta(hours=15))
    pd.testing.assert_frame_equal(btyd.tracking_table(bg, timed, **dates), base)
    # a purchase after observation_end is an error, not dropped without a word
    later = pd.concat([log, pd.DataFrame({"customer_id": [1], "date": [pd.Timestamp("1998-07-02")],
                                          "quantity": [1], "amount": [10.0]})], ignore_index=True)
    with pytest.raises(ValueError, match="observation_end"):
        btyd.tracking_table(bg, later, **dates)
    # customers whose first purchase is after calibration_end are left out with a count
    newcomer = pd.concat([log, pd.DataFrame({"customer_id": [9999], "date": [pd.Timestamp("1998-01-05")],
                                             "quantity": [1], "amount": [10.0]})], ignore_index=True)
    with pytest.warns(DataWarning, match="1 customer\\(s\\) made their first purchase after calibration_end"):
        pd.testing.assert_frame_equal(btyd.tracking_table(bg, newcomer, **dates), base)
    with pytest.raises(ValueError, match="calibration_end must be a date"):
        btyd.tracking_table(bg, log, calibration_end="end of September", observation_end="1998-06-30")


def _pareto(params=(0.553, 10.578, 0.606, 11.669)):
    m = btyd.ParetoNBDModel()
    m.params_ = pd.Series(params, index=["r", "alpha", "s", "beta"], dtype="float64")
    return m


@pytest.mark.parametrize("params", [(0.553, 10.578, 0.606, 11.669), (0.553, 12.578, 0.606, 10.669)])  # both branches
def test_pareto_p_alive_is_finite_for_very_frequent_buyers(params):
    m, bg = _pareto(params), btyd.BetaGeoModel()
    bg.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
    lt = m._fitter()
    s = pd.DataFrame({"frequency": [170.0, 170.0, 300.0, 170.0], "recency": [52.0, 51.99, 52.0, 40.0],
                      "T": [52.0] * 4})
    with np.errstate(all="ignore"):  # lifetimes' own closed form overflows on the rows at recency == T
        raw = np.asarray(lt.conditional_probability_alive(s["frequency"], s["recency"], s["T"]), dtype=float)
    assert np.isnan(raw[[0, 2]]).all()  # the failure fixed here (if lifetimes fixes it, this test can go)
    p = m.p_alive(s)
    assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    assert p.iloc[0] == 1.0 and p.iloc[2] == 1.0  # recency == T: alive for sure in the Pareto/NBD
    assert p.iloc[3] < 1e-6  # 170 purchases, then 12 weeks of silence: gone
    e = m.expected_purchases(s, horizon=52)
    assert np.isfinite(e).all()
    # continuous in recency: the overflow row sits next to lifetimes' own value a few minutes earlier
    assert e.iloc[0] == pytest.approx(e.iloc[1], rel=2e-3)
    # the closed form at P(alive) = 1, and close to the BG/NBD's for such a buyer
    r, alpha, s_, beta = params
    closed = (r + 170) * (beta + 52) / ((alpha + 52) * (s_ - 1)) * (1 - ((beta + 52) / (beta + 104)) ** (s_ - 1))
    assert e.iloc[0] == pytest.approx(closed, rel=1e-9)
    assert e.iloc[0] == pytest.approx(bg.expected_purchases(s.iloc[[0]], horizon=52).iloc[0], rel=0.15)


def test_pareto_stable_recomputation_matches_lifetimes_on_ordinary_customers():
    from relmkt_lib.btyd._models import _pareto_alive_stable

    s = load_cdnow_summary()
    for params in [(0.553, 10.578, 0.606, 11.669), (0.553, 12.578, 0.606, 10.669)]:
        m = _pareto(params)
        lt = m._fitter()
        sample = s.iloc[::25]
        x, tx, T = (sample[c].to_numpy(float) for c in ("frequency", "recency", "T"))
        expected = np.asarray(lt.conditional_probability_alive(x, tx, T), dtype=float)
        np.testing.assert_allclose(_pareto_alive_stable(np.array(params), x, tx, T), expected, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(m.p_alive(sample), expected, rtol=1e-12)  # lifetimes' values kept as they are


@pytest.mark.parametrize("cls, start, sent", [
    (btyd.ParetoNBDModel, [0.55, 10.58, 0.61, 11.67], lambda v, T: [0.55, 10.58 / T, 0.61, 11.67 / T]),
    (btyd.BetaGeoModel, [0.24, 4.41, 0.79, 2.43], lambda v, T: np.log([0.24, 4.41 / T, 0.79, 2.43])),
])
def test_initial_params_are_in_the_summarys_time_unit(monkeypatch, cls, start, sent):
    """lifetimes fits on times divided by max(T) (and BG/NBD over log-parameters): the kit converts."""
    from relmkt_lib.btyd._common import lifetimes

    s = load_cdnow_summary()
    fitter = getattr(lifetimes(), cls._lifetimes_class)
    seen = []
    original = fitter.fit

    def spy(self, *args, initial_params=None, **kwargs):
        seen.append(np.asarray(initial_params))
        return original(self, *args, initial_params=initial_params, **kwargs)

    monkeypatch.setattr(fitter, "fit", spy)
    m = cls(initial_params=start).fit(s)
    np.testing.assert_allclose(seen[0], sent(start, s["T"].max()), rtol=1e-12)
    np.testing.assert_allclose(m.params_.to_numpy(), start, rtol=0.02)  # started at the answer, stays there
    with pytest.raises(ValueError, match=r"initial_params must be 4 positive numbers \(r, alpha, "):
        cls(initial_params=[1, 2, 3]).fit(s)

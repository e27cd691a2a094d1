"""The model cases of the real-data trials (shared/reviews/2026-11-30-real-data-trials.md), one test each.

Each case ends in class A (a clear error naming the problem and the fix) or B (a warning in plain
words and a correct result), never C (a silent wrong result) or D (a raw traceback). The case and
its old class are in each test's docstring. The README's "Using your own data" snippet is tested
here word for word.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from relmkt_lib import btyd, datasets
from relmkt_lib.contractual import ShiftedBetaGeometric
from relmkt_lib.data import calibration_holdout_split
from relmkt_lib.exceptions import FitWarning

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow_log() -> pd.DataFrame:
    return datasets.load_cdnow_sample()


# --- sBG ---------------------------------------------------------------------------------------

def test_sbg_naive_counts_from_a_snapshot_warn_and_point_to_fit_tenures():
    """Was C: active counts built from a snapshot of tenures (customers still active counted as
    churners) gave alpha 2,593 and beta 88,305 with only a mild warning. Now B: the fit warns
    (FitWarning) that only a constant rate is visible and names the right route, fit_tenures,
    which reads the same table correctly (it follows the launch cohort that was observed)."""
    subs = datasets.load_subscriptions()
    basic = subs[subs["plan"] == "basic"]
    naive_counts = [int((basic["tenure_months"] > t).sum()) for t in range(60)]
    with pytest.warns(FitWarning, match=r"little heterogeneity.*snapshot of customers who started on different "
                                        r"dates.*fit_tenures\(tenures, churned=churned\)"):
        naive = ShiftedBetaGeometric().fit(naive_counts)
    right = ShiftedBetaGeometric().fit_tenures(basic, tenure_col="tenure_months", churned_col="cancelled")
    cohorts = datasets.load_subscription_cohorts()
    launch = cohorts[(cohorts["cohort"] == cohorts["cohort"].min()) & (cohorts["plan"] == "basic")]
    observed = launch["active"].to_numpy() / launch["active"].iloc[0]
    months = np.array([12, 24, 59])
    np.testing.assert_allclose(right.survival(months), observed[months], atol=0.035)
    assert (naive.survival(months[1:]) < observed[months[1:]] - 0.15).all()


def test_sbg_zero_churn_warns_and_median_lifetime_answers():
    """Was C + D: cohorts with no churn landed on the optimiser bound (alpha 3e-7, beta 3e6) without
    a word, and median_lifetime() raised RuntimeError. Now B: a FitWarning says the model is not
    identified and what to report instead; median_lifetime() is inf (nobody is expected to leave)."""
    with pytest.warns(FitWarning, match=r"nobody churned .*not identified.*Report 'no cancellation in 400 renewals'"):
        m = ShiftedBetaGeometric().fit([100, 100, 100, 100, 100])
    assert m.median_lifetime() == np.inf
    assert m.expected_lifetime() == np.inf


# --- BTYD --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_pareto_nbd_on_a_short_calibration_window_warns(cdnow_log):
    """Was C: a Pareto/NBD on a short calibration window gave s = 112 and beta = 13,558 with SEs of
    4,813 and 582,186 and no warning (the guard fired only above 1e6). Now B: a FitWarning says the
    data cannot pin them down and what to do. The same case on CDNOW (17 weeks of calibration);
    lifetimes' search wanders along the flat ridge, so this fit takes about 25 s."""
    split = calibration_holdout_split(cdnow_log, calibration_end="1997-04-30", observation_end=OBS_END,
                                      time_unit="weeks")
    with pytest.warns(FitWarning, match=r"the Pareto/NBD fit gives s = .*, beta = .*: the data cannot pin these "
                                        r"parameters down .*longer calibration period, or the BG/NBD \(BetaGeoModel\), "
                                        r"or add a small penalizer"):
        m = btyd.ParetoNBDModel().fit(split)
    assert m.params_["beta"] > 1e3 and m.se_["beta"] > 3 * m.params_["beta"]


def test_split_columns_go_to_the_fitters_as_they_are(cdnow_log):
    """Was D-like friction: the split's _cal columns were refused ("column 'frequency' is missing")
    with no hint to rename, and fitters and diagnostics needed different tables. Now B: the fitters
    read frequency_cal, recency_cal, T_cal; the diagnostics take the same table. A table with only
    some of them is A: the message gives the one-line rename."""
    split = calibration_holdout_split(cdnow_log, amount_col="amount", calibration_end=CAL_END,
                                      observation_end=OBS_END, time_unit="weeks")
    bg = btyd.BetaGeoModel().fit(split)
    assert btyd.holdout_metrics(bg, split)["customers"] == len(split)
    assert len(bg.predict(split, horizon=39)) == len(split)
    gg = btyd.GammaGammaModel().fit(split[split["frequency_cal"] > 0])
    assert btyd.discounted_clv(bg, gg, split).notna().all()
    with pytest.raises(ValueError, match=r"column 'T_cal' is missing from summary \(a calibration_holdout_split table.*"
                                         r"summary\.rename\(columns=lambda c: c\.removesuffix\('_cal'\)\)"):
        btyd.BetaGeoModel().fit(split.drop(columns="T_cal"))


@pytest.mark.parametrize("calibration_end", ["1997-09-30", "1997-09-25"])
def test_tracking_boundary_week_is_split_at_calibration_end(cdnow_log, calibration_end):
    """Was C: tracking_table's boundary week was flagged calibration although 6 of its 7 days were
    holdout, so its holdout sums disagreed with holdout_metrics. Now B (correct by construction):
    the last calibration period ends on calibration_end (shorter, with its length in ``days``) and
    the holdout periods start the next day; the sums agree."""
    split = calibration_holdout_split(cdnow_log, calibration_end=calibration_end, observation_end=OBS_END,
                                      time_unit="weeks")
    bg = btyd.BetaGeoModel().fit(split)
    tr = btyd.tracking_table(bg, cdnow_log, calibration_end=calibration_end, observation_end=OBS_END)
    assert tr.loc[tr["holdout"], "actual"].sum() == btyd.holdout_metrics(bg, split)["actual_total"]
    assert tr.loc[~tr["holdout"], "actual"].sum() == split["frequency_cal"].sum()
    assert tr.loc[tr["holdout"], "start"].iloc[0] == pd.Timestamp(calibration_end) + pd.Timedelta(days=1)


def test_tracking_reads_dates_like_the_data_layer(cdnow_log):
    """Was D: tracking_table needed datetime64 dates and took no date_format. Now B/A: it reads the
    log with validate_transactions (text dates, date_format, dayfirst, tz-aware dates and UTC
    offsets as local calendar days, a purchase at 15:00 on calibration_end counted in calibration as
    in calibration_holdout_split); an unreadable bound names the argument."""
    bg = btyd.BetaGeoModel().fit(calibration_holdout_split(cdnow_log, calibration_end=CAL_END,
                                                           observation_end=OBS_END, time_unit="weeks"))
    dates = {"calibration_end": CAL_END, "observation_end": OBS_END}
    base = btyd.tracking_table(bg, cdnow_log, **dates)
    variants = [
        ({"date": cdnow_log["date"].dt.strftime("%Y-%m-%d")}, {}),
        ({"date": cdnow_log["date"].dt.strftime("%Y%m%d").astype(int)}, {"date_format": "%Y%m%d"}),
        ({"date": cdnow_log["date"] + pd.Timedelta(hours=15)}, {}),
        ({"date": cdnow_log["date"].dt.strftime("%d/%m/%Y")}, {"dayfirst": True}),
        ({"date": (cdnow_log["date"] + pd.Timedelta(hours=9)).dt.tz_localize("America/Montreal")}, {}),
        ({"date": (cdnow_log["date"] + pd.Timedelta(hours=9)).dt.strftime("%Y-%m-%dT%H:%M-05:00")}, {}),
    ]
    for columns, options in variants:
        log = cdnow_log.assign(**columns)
        before = log.copy()
        pd.testing.assert_frame_equal(btyd.tracking_table(bg, log, **dates, **options), base, check_dtype=False)
        pd.testing.assert_frame_equal(log, before)
    with pytest.raises(ValueError, match="observation_end must be a date"):
        btyd.tracking_table(bg, cdnow_log, calibration_end=CAL_END, observation_end="end of June")


# --- the README's "Using your own data" snippet, word for word ---------------------------------

README_SNIPPET = """
import pandas as pd
from relmkt_lib import btyd
from relmkt_lib.data import calibration_holdout_split, validate_transactions

log = pd.read_csv(path)                                  # one row per purchase
log = validate_transactions(log, customer_col="customer_id", date_col="date", amount_col="amount")
split = calibration_holdout_split(log, customer_col="customer_id", date_col="date", amount_col="amount",
                                  calibration_end="1997-09-30", observation_end="1998-06-30",
                                  time_unit="weeks")             # days / 7, as the papers
model = btyd.BetaGeoModel().fit(split)                   # reads frequency_cal, recency_cal, T_cal
metrics = btyd.holdout_metrics(model, split)
"""


def test_readme_snippet_reproduces_chapter_07(cdnow_log, tmp_path):
    """Read a CSV, validate, split, fit, holdout metrics: the same fit and metrics as chapter 07's
    split (datasets.cdnow_sample_split())."""
    path = tmp_path / "cdnow.csv"
    cdnow_log.to_csv(path, index=False)
    namespace: dict = {"path": path}
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitWarning)
        exec(README_SNIPPET, namespace)  # noqa: S102 - the snippet under test
    chapter = datasets.cdnow_sample_split()
    reference = btyd.BetaGeoModel().fit(chapter)
    pd.testing.assert_series_equal(namespace["model"].params_, reference.params_, rtol=1e-6)
    pd.testing.assert_series_equal(namespace["metrics"], btyd.holdout_metrics(reference, chapter), rtol=1e-6)
    np.testing.assert_allclose(reference.params_, [0.243, 4.414, 0.793, 2.426], atol=2e-3)  # FHL 2005

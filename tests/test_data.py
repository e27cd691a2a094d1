"""Tests of relmkt_lib.data: equality with lifetimes, the Fader-Hardie CDNOW summary, bad input."""

from __future__ import annotations

import re
import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

from relmkt_lib.cohorts import cohort_table
from relmkt_lib.data import (
    DataWarning,
    HoldoutReport,
    ValidationReport,
    calibration_holdout_split,
    summarize_transactions,
    validate_transactions,
)
from relmkt_lib.datasets import load_cdnow
from relmkt_lib.rfm import activity_between, rfm_scores

LIFETIMES_DATA = Path(find_spec("lifetimes").submodule_search_locations[0]) / "datasets"
EXACT = ["frequency", "recency", "T"]
#: time_unit -> the matching lifetimes arguments.
LIFETIMES_UNITS = {"days": dict(freq="D", freq_multiplier=1), "weeks": dict(freq="D", freq_multiplier=7),
                   "calendar_weeks": dict(freq="W", freq_multiplier=1)}
COLS = dict(customer_col="customer_id", date_col="date")


def assert_same_summary(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Counts and times exactly equal; mean spend equal up to summation rounding."""
    assert list(ours.columns) == list(theirs.columns)
    pd.testing.assert_index_equal(ours.index, theirs.index)
    exact = [c for c in theirs.columns if c.split("_")[0] in EXACT]
    pd.testing.assert_frame_equal(ours[exact], theirs[exact], check_exact=True)
    pd.testing.assert_frame_equal(ours, theirs, rtol=1e-12, atol=1e-9)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow()


# --- equality with lifetimes -------------------------------------------------------------

@pytest.mark.parametrize("time_unit", ["days", "calendar_weeks", "weeks"])
@pytest.mark.parametrize("include_first", [False, True])
def test_summary_equals_lifetimes_on_full_cdnow(cdnow, time_unit, include_first):
    ours = summarize_transactions(cdnow, **COLS, amount_col="amount", time_unit=time_unit,
                                  include_first_transaction=include_first)
    theirs = summary_data_from_transaction_data(cdnow, "customer_id", "date", "amount",
                                                include_first_transaction=include_first,
                                                **LIFETIMES_UNITS[time_unit])
    assert len(ours) == 23_570
    assert_same_summary(ours, theirs)


@pytest.mark.parametrize("time_unit", ["days", "calendar_weeks"])
def test_summary_without_amount_and_with_end_date(cdnow, time_unit):
    end = "1998-12-31"
    ours = summarize_transactions(cdnow, **COLS, observation_end=end, time_unit=time_unit)
    theirs = summary_data_from_transaction_data(cdnow, "customer_id", "date", observation_period_end=end,
                                                **LIFETIMES_UNITS[time_unit])
    assert_same_summary(ours, theirs)


transaction_logs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(["a", "B", "C10", "C9", "é", "Zoé"]), min_size=n, max_size=n),
        st.lists(st.integers(min_value=0, max_value=200), min_size=n, max_size=n),
        st.lists(st.integers(min_value=0, max_value=50_000), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=transaction_logs, time_unit=st.sampled_from(["days", "calendar_weeks"]), extra_days=st.integers(0, 30))
def test_summary_equals_lifetimes_on_generated_logs(log, time_unit, extra_days):
    ids, days, cents = log
    df = pd.DataFrame({
        "id": ids,
        # times of day included: purchases are merged by calendar day or week
        "when": pd.Timestamp("2024-02-28 09:30") + pd.to_timedelta(days, unit="D")
        + pd.to_timedelta(np.arange(len(ids)) % 5, unit="h"),
        "spend": np.asarray(cents) / 100,
    })
    end = df["when"].max() + pd.Timedelta(days=extra_days)
    before = df.copy()
    ours = summarize_transactions(df, customer_col="id", date_col="when", amount_col="spend",
                                  observation_end=end, time_unit=time_unit)
    theirs = summary_data_from_transaction_data(df, "id", "when", "spend", observation_period_end=end,
                                                **LIFETIMES_UNITS[time_unit])
    assert_same_summary(ours, theirs)
    pd.testing.assert_frame_equal(df, before)  # the caller's table is untouched


def test_summary_reproduces_fader_hardie_cdnow_calibration_table():
    """The 2,357-customer CDNOW sample, weeks as days / 7, calibration to 1997-09-30 (FHL 2005)."""
    sample = pd.read_csv(LIFETIMES_DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                         names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    sample["date"] = pd.to_datetime(sample["date"], format="%Y%m%d")
    published = pd.read_csv(LIFETIMES_DATA / "cdnow_customers_summary_with_transactions.csv", index_col=0)
    cal = sample[sample["date"] <= "1997-09-30"]
    ours = summarize_transactions(cal, **COLS, amount_col="amount", observation_end="1997-09-30",
                                  time_unit="weeks")
    assert len(ours) == 2_357
    np.testing.assert_array_equal(ours["frequency"].to_numpy(), published["x"].to_numpy())
    np.testing.assert_allclose(ours["recency"].to_numpy(), published["t_x"].to_numpy(), atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T"].to_numpy(), published["T"].to_numpy(), atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["monetary_value"].to_numpy(), published["zbar"].to_numpy(), atol=0.005 + 1e-9)
    assert ours["frequency"].sum() == published["x"].sum()


@pytest.mark.parametrize("time_unit", ["weeks", "calendar_weeks"])
def test_calibration_holdout_equals_lifetimes(cdnow, time_unit):
    ours, report = calibration_holdout_split(cdnow, **COLS, amount_col="amount", calibration_end="1997-09-30",
                                             observation_end="1998-06-30", time_unit=time_unit,
                                             return_report=True)
    theirs = calibration_and_holdout_data(cdnow, "customer_id", "date", "1997-09-30", "1998-06-30",
                                          monetary_value_col="amount", **LIFETIMES_UNITS[time_unit])
    assert_same_summary(ours[theirs.columns], theirs)
    assert report == HoldoutReport(new_customers=0)


def test_calibration_holdout_revenue_and_new_customers():
    log = pd.DataFrame({"id": [1, 1, 1, 1, 2, 3],
                        "day": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-03", "2024-02-03",
                                               "2024-01-10", "2024-02-01"]),
                        "spend": [10.0, 20.0, 15.0, 5.0, 8.0, 9.0]})
    with pytest.warns(DataWarning, match=r"1 customer\(s\) made their first purchase in the holdout"):
        out, report = calibration_holdout_split(log, customer_col="id", date_col="day", amount_col="spend",
                                                calibration_end="2024-01-31", observation_end="2024-02-29",
                                                return_report=True)
    assert list(out.index) == [1, 2]
    assert out.loc[1, "frequency_holdout"] == 1  # two rows on the same day are one period
    assert out.loc[1, "revenue_holdout"] == 20.0
    assert out.loc[1, "monetary_value_holdout"] == 10.0  # lifetimes: mean per holdout transaction
    assert out.loc[2, "revenue_holdout"] == 0.0
    assert (out["duration_holdout"] == 29).all()
    assert report == HoldoutReport(new_customers=1, new_customer_ids=(3,))
    assert not out.attrs  # nothing stashed in attrs


def test_calibration_holdout_bad_periods():
    log = pd.DataFrame({"id": [1, 2], "day": pd.to_datetime(["2024-01-01", "2024-01-05"])})
    cols = dict(customer_col="id", date_col="day")
    with pytest.raises(ValueError, match="must come after calibration_end"):
        calibration_holdout_split(log, **cols, calibration_end="2024-01-31", observation_end="2024-01-10")
    with pytest.raises(ValueError, match="no transaction .* falls after calibration_end"):
        calibration_holdout_split(log, **cols, calibration_end="2024-01-31", observation_end="2024-02-10")
    with pytest.raises(ValueError, match="is on or before calibration_end"):
        calibration_holdout_split(log, **cols, calibration_end="2023-12-01", observation_end="2024-02-10")


def test_summary_example_by_hand():
    log = pd.DataFrame({"id": ["a", "a", "a", "a", "b"],
                        "day": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-15", "2024-01-05"]),
                        "spend": [10.0, 5.0, 30.0, 20.0, 12.0]})
    cols = dict(customer_col="id", date_col="day", amount_col="spend")
    out = summarize_transactions(log, **cols, observation_end="2024-01-22")
    assert out.loc["a"].tolist() == [2.0, 14.0, 21.0, 25.0]  # repeat periods 8th and 15th: (30+20)/2
    assert out.loc["b"].tolist() == [0.0, 0.0, 17.0, 0.0]
    weekly = summarize_transactions(log, **cols, observation_end="2024-01-22", time_unit="calendar_weeks")
    assert weekly.loc["a"].tolist() == [2.0, 2.0, 3.0, 25.0]
    weeks = summarize_transactions(log, **cols, observation_end="2024-01-22", time_unit="weeks")
    assert weeks.loc["a"].tolist() == [2.0, 2.0, 3.0, 25.0]  # days / 7
    assert weeks.loc["b", "T"] == pytest.approx(17 / 7)


# --- observation_end and calibration_end: the last observed day, inclusive ----------------

@pytest.fixture
def timed() -> pd.DataFrame:
    """Purchases with a time of day; one at 15:00 on the last observed day."""
    return pd.DataFrame({"id": ["a", "a", "b", "a"],
                         "day": pd.to_datetime(["2024-01-01 09:00", "2024-01-10 15:00", "2024-01-03 11:00",
                                                "2024-01-20 15:00"]),
                         "spend": [10.0, 20.0, 5.0, 7.0]})


def test_a_purchase_at_15h_on_observation_end_is_inside(timed):
    cols = dict(customer_col="id", date_col="day", amount_col="spend")
    out = summarize_transactions(timed, **cols, observation_end="2024-01-20")
    assert out.loc["a"].tolist() == [2.0, 19.0, 19.0, 13.5]
    assert out.loc["b", "T"] == 17.0
    validate_transactions(timed, **cols, observation_end="2024-01-20")  # no error
    later = timed.assign(day=timed["day"].where(timed.index != 3, pd.Timestamp("2024-01-21 00:30")))
    with pytest.raises(ValueError, match="after observation_end 2024-01-20"):
        summarize_transactions(later, **cols, observation_end="2024-01-20")
    # a time of day given with the bound is ignored: the whole day is observed
    same = summarize_transactions(timed, **cols, observation_end=pd.Timestamp("2024-01-20 08:00"))
    pd.testing.assert_frame_equal(same, out)


def test_a_purchase_at_15h_on_calibration_end_is_calibration(timed):
    out = calibration_holdout_split(timed, customer_col="id", date_col="day", amount_col="spend",
                                    calibration_end="2024-01-10", observation_end="2024-01-20")
    assert out.loc["a", "frequency_cal"] == 1.0  # the 15:00 purchase on 2024-01-10 is in calibration
    assert out.loc["a", "T_cal"] == 9.0
    assert out.loc["a", "frequency_holdout"] == 1.0 and out.loc["a", "revenue_holdout"] == 7.0
    assert (out["duration_holdout"] == 10.0).all()  # 2024-01-11 to 2024-01-20


# --- removed keywords and positional options -----------------------------------------------

@pytest.mark.parametrize("func", [summarize_transactions, calibration_holdout_split, validate_transactions])
@pytest.mark.parametrize("old", [{"freq": "W"}, {"freq_multiplier": 7}])
def test_old_freq_keywords_say_what_to_write(func, old):
    log = pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]})
    with pytest.raises(TypeError, match=r"time_unit='weeks' \(days / 7.*time_unit='calendar_weeks'"):
        func(log, calibration_end="2024-01-01", **old) if func is calibration_holdout_split else func(log, **old)


def test_columns_passed_by_position_say_to_use_keywords():
    log = pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]})
    with pytest.raises(TypeError, match="pass the others by keyword: customer_col=..., date_col=..."):
        summarize_transactions(log, "customer_id", "date")


@pytest.mark.parametrize("time_unit", ["W", "D", "months", None])
def test_unknown_time_unit(time_unit):
    log = pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]})
    with pytest.raises(ValueError, match="time_unit must be 'days', 'weeks' or 'calendar_weeks'"):
        summarize_transactions(log, time_unit=time_unit)


# --- bad input ----------------------------------------------------------------------------

@pytest.fixture
def log() -> pd.DataFrame:
    return pd.DataFrame({
        "customer": ["c1", "c1", "c2", "c3", "c3"],
        "date": ["2024-01-03", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"],
        "amount": [25.0, 40.0, 12.5, 60.0, 8.0],
    }, index=[10, 11, 12, 13, 14])


def errors(func, *args, **kwargs) -> str:
    with pytest.raises((ValueError, TypeError)) as info:
        func(*args, **kwargs)
    return str(info.value)


C = dict(customer_col="customer")


@pytest.mark.parametrize("func", [validate_transactions, summarize_transactions])
def test_missing_column_named_with_alternatives(func, log):
    msg = errors(func, log, **C, amount_col="Amount")
    assert "'Amount' is missing" in msg and "did you mean 'amount'" in msg


def test_not_a_dataframe_and_empty(log):
    assert "must be a pandas DataFrame" in errors(validate_transactions, log.to_dict(), **C)
    assert "empty" in errors(validate_transactions, log.iloc[:0], **C)


def test_unparseable_date_names_column_row_and_fix(log):
    bad = log.assign(date=["2024-01-03", "2024-02-10", "15/01/2024x", "2024-03-01", "2024-03-20"])
    msg = errors(summarize_transactions, bad, **C, amount_col="amount")
    assert "column 'date'" in msg and "row 12" in msg and "15/01/2024x" in msg and "date_format" in msg


def test_missing_date(log):
    bad = log.assign(date=[None, "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"])
    msg = errors(validate_transactions, bad, **C)
    assert "have no date" in msg and "row 10" in msg


def test_numeric_dates_need_a_format(log):
    numeric = log.assign(date=[20240103, 20240210, 20240115, 20240301, 20240320])
    assert "date_format" in errors(validate_transactions, numeric, **C)
    out = validate_transactions(numeric, **C, date_format="%Y%m%d")
    assert out["date"].iloc[0] == pd.Timestamp("2024-01-03")


def test_missing_customer_id_fails_or_is_dropped_and_counted(log):
    bad = log.assign(customer=["c1", None, "c2", "c3", np.nan])
    msg = errors(validate_transactions, bad, **C)
    assert "column 'customer'" in msg and "2 row(s)" in msg and "row 11" in msg and "drop_missing_ids=True" in msg
    with pytest.warns(DataWarning, match="dropped 2 row"):
        out, report = validate_transactions(bad, **C, drop_missing_ids=True, return_report=True)
    assert len(out) == 3 and report.dropped_missing_ids == 2 and not out.attrs


@pytest.mark.parametrize("value, problem", [("12,50 $", "are not numbers"), (np.inf, "are infinite"),
                                            (None, "have no amount"), (True, "are not numbers")])
def test_bad_amounts(log, value, problem):
    bad = log.copy()
    bad["amount"] = bad["amount"].astype(object)
    bad.loc[13, "amount"] = value
    msg = errors(summarize_transactions, bad, **C, amount_col="amount")
    assert "column 'amount'" in msg and problem in msg and "row 13" in msg


def test_negative_amounts_fail_or_are_dropped_and_counted(log):
    bad = log.assign(amount=[25.0, -40.0, 12.5, 60.0, -8.0])
    msg = errors(summarize_transactions, bad, **C, amount_col="amount")
    assert "negative" in msg and "row 11" in msg and "drop_returns=True" in msg
    with pytest.warns(DataWarning, match="dropped 2 row") as record:
        out, report = validate_transactions(bad, **C, amount_col="amount", drop_returns=True, return_report=True)
    assert report == ValidationReport(rows_in=5, rows_out=3, dropped_returns=2) and len(out) == 3
    assert record[0].filename == __file__  # the warning points at the caller's line


def test_dates_after_observation_end(log):
    msg = errors(summarize_transactions, log, **C, observation_end="2024-03-10")
    assert "after observation_end 2024-03-10" in msg and "row 14" in msg and "< '2024-03-11'" in msg


def test_duplicates_reported_dropped_or_raised(log):
    dup = pd.concat([log, log.iloc[[1]]])
    with pytest.warns(DataWarning, match=r"1 row\(s\) repeat an earlier row"):
        kept, report = validate_transactions(dup, **C, amount_col="amount", return_report=True)
    assert len(kept) == 6 and report.duplicates == 1 and report.dropped_duplicates == 0
    with pytest.warns(DataWarning, match="dropped 1 row"):
        _, report = validate_transactions(dup, **C, amount_col="amount", duplicates="drop", return_report=True)
    assert report.rows_out == 5 and report.dropped_duplicates == 1
    assert "drop_duplicates" in errors(validate_transactions, dup, **C, amount_col="amount", duplicates="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_transactions(dup, **C, amount_col="amount", duplicates="ignore")
    assert "duplicates must be" in errors(validate_transactions, log, **C, duplicates="maybe")


def test_bad_bounds(log):
    assert "observation_end must be a date" in errors(summarize_transactions, log, **C, observation_end="soon")
    msg = errors(calibration_holdout_split, log, **C, calibration_end="2024-02-30")
    assert "calibration_end must be a date" in msg


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4)),
                min_size=1, max_size=8))
def test_validation_never_modifies_input_and_fails_clearly(amounts):
    df = pd.DataFrame({"id": list(range(len(amounts))), "date": "2024-01-01",
                       "amount": pd.Series(amounts, dtype=object)})
    before = df.copy(deep=True)
    try:
        out = validate_transactions(df, customer_col="id", amount_col="amount")
    except (ValueError, TypeError) as err:
        assert re.search(r"column 'amount'|column 'date'", str(err)), str(err)
    else:
        assert np.isfinite(out["amount"]).all() and (out["amount"] >= 0).all()
    pd.testing.assert_frame_equal(df, before)


# --- real-data inputs (issue 10; the trial cases themselves are in test_trials_data.py) ----------

@pytest.mark.parametrize("dates", [
    ["2024-01-03", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"],  # ISO
    ["2024/01/03", "2024/02/10", "2024/01/15", "2024/03/01", "2024/03/20"],  # year first
    ["03/01/2024", "10/02/2024", "15/01/2024", "01/03/2024", "20/03/2024"],  # day-first, shown by 15 and 20
    ["01/03/2024", "02/10/2024", "01/15/2024", "03/01/2024", "03/20/2024"],  # month-first, shown by 15 and 20
    ["3 Jan 2024", "10 February 2024", "January 15, 2024", "1 Mar 2024", "2024-03-20"],  # month names
    ["2024-01-03T00:00:00", "2024-02-10 00:00", "2024-01-15", "2024-03-01", "20240320"],  # ISO variants
])
def test_unambiguous_date_formats_keep_working(log, dates):
    expected = validate_transactions(log, **C)["date"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = validate_transactions(log.assign(date=dates), **C)["date"]
    np.testing.assert_array_equal(got.to_numpy().astype("datetime64[D]"), expected.to_numpy().astype("datetime64[D]"))


def test_quebec_dates_are_one_argument_away_everywhere(log):
    quebec = log.assign(date=["03/01/2024", "10/02/2024", "05/01/2024", "01/03/2024", "12/03/2024"])
    iso = log.assign(date=["2024-01-03", "2024-02-10", "2024-01-05", "2024-03-01", "2024-03-12"])
    pd.testing.assert_frame_equal(summarize_transactions(quebec, **C, dayfirst=True), summarize_transactions(iso, **C))
    with pytest.warns(DataWarning, match="first purchase in the holdout"):
        split = calibration_holdout_split(quebec, **C, dayfirst=True, calibration_end="29/02/2024",
                                          observation_end="31/03/2024")
    with pytest.warns(DataWarning, match="first purchase in the holdout"):
        pd.testing.assert_frame_equal(split, calibration_holdout_split(iso, **C, calibration_end="2024-02-29",
                                                                       observation_end="2024-03-31"))
    pd.testing.assert_frame_equal(validate_transactions(quebec, **C, date_format="%d/%m/%Y"),
                                  validate_transactions(iso, **C))
    us = validate_transactions(quebec, **C, dayfirst=False)["date"]  # month/day/year when asked
    assert us.iloc[0] == pd.Timestamp("2024-03-01")


def test_dates_in_both_orders_are_an_error(log):
    both = log.assign(date=["03/01/2024", "25/02/2024", "05/01/2024", "02/25/2024", "12/03/2024"])
    msg = errors(validate_transactions, both, **C)
    assert "Row 11 ('25/02/2024') can only be day/month/year and row 13 ('02/25/2024') only month/day/year" in msg


def test_an_ambiguous_date_argument_names_the_argument(log):
    msg = errors(summarize_transactions, log, **C, observation_end="05/04/2024")
    assert msg.startswith("observation_end='05/04/2024' could be 5 April 2024 day-first or 4 May 2024 month-first")
    assert "dayfirst=True" in msg
    out = summarize_transactions(log, **C, observation_end="05/04/2024", dayfirst=True)
    assert out.loc["c3", "T"] == 35  # 2024-03-01 to 2024-04-05
    msg = errors(activity_between, log, **C, window_start="05/04/2024", window_end="2024-06-30")
    assert "window_start='05/04/2024'" in msg and "dayfirst" not in msg  # activity_between does not take it


def test_a_text_without_its_year_is_not_read(log):
    msg = errors(validate_transactions, log.assign(date=["2024-01-03", "March 10", "2024-01-15", "2024-03-01",
                                                         "2024-03-20"]), **C)
    assert "cannot be read as a date" in msg and "row 11" in msg


def test_timezone_option_and_bad_names(log):
    zoned = log.assign(date=pd.to_datetime(log["date"]).dt.tz_localize("America/Montreal")
                       + pd.Timedelta(hours=21))
    own = validate_transactions(zoned, **C)["date"]
    assert own.dtype.kind == "M" and own.dt.tz is None and own.iloc[0] == pd.Timestamp("2024-01-03 21:00")
    utc = validate_transactions(zoned, **C, timezone="UTC")["date"]
    assert utc.iloc[0] == pd.Timestamp("2024-01-04 02:00")  # the next calendar day in UTC
    assert "timezone must be a time zone name" in errors(validate_transactions, log, **C, timezone="Mars/Olympus")
    assert "dayfirst must be True" in errors(validate_transactions, log, **C, dayfirst="yes")
    assert "normalize_ids must be True or False" in errors(validate_transactions, log, **C, normalize_ids="yes")


def test_dates_before_1900_are_reported_and_clean_logs_are_quiet(log, cdnow):
    old = log.assign(date=["1899-12-31", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"])
    with pytest.warns(DataWarning, match=r"1 row\(s\) lie far before the other dates, or before 1900 \(the first "
                                         r"is row 10, 1899-12-31; the other dates start on 2024-01-15\)"):
        validate_transactions(old, **C)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the chapters' logs: no warning on the summary path
        summarize_transactions(cdnow, **COLS, amount_col="amount")
        calibration_holdout_split(cdnow, **COLS, amount_col="amount", calibration_end="1997-09-30")
        rfm_scores(cdnow, **COLS, observation_end="1997-09-30")
        cohort_table(cdnow, **COLS, amount_col="amount")
    years = pd.DataFrame({"customer_id": np.arange(40) % 7, "date": pd.date_range("1990-01-01", periods=40,
                                                                                    freq="365D")})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # forty years of steady purchases: nothing is far from the rest
        validate_transactions(years)


def test_zero_amounts_are_counted_by_validate(log, cdnow):
    zeros = log.assign(amount=[0.0, 40.0, 0.0, 60.0, 8.0])
    with pytest.warns(DataWarning, match=r"2 row\(s\) have an amount of 0 \(the first is row 10\).*Gamma-Gamma"):
        _, report = validate_transactions(zeros, **C, amount_col="amount", return_report=True)
    assert report.zero_amounts == 2
    with pytest.warns(DataWarning, match=r"80 row\(s\) have an amount of 0"):
        validate_transactions(cdnow, **COLS, amount_col="amount", duplicates="ignore")


def test_nullable_and_string_dtypes(log):
    nullable = log.assign(customer=pd.array([1, 1, 2, 3, 3], dtype="Int64"), date=log["date"].astype("string"),
                          amount=pd.array([25, 40, 12, 60, 8], dtype="Int64"))
    out = summarize_transactions(nullable, **C, amount_col="amount")
    assert out.index.tolist() == [1, 2, 3] and out.loc[1, "monetary_value"] == 40.0
    floats = log.assign(amount=pd.array([25.0, 40.0, 12.5, 60.0, 8.0], dtype="Float64"),
                        customer=log["customer"].astype("string"))
    pd.testing.assert_frame_equal(summarize_transactions(floats, **C, amount_col="amount"),
                                  summarize_transactions(log, **C, amount_col="amount"), check_index_type=False)
    with_na = log.assign(customer=pd.array([1, None, 2, 3, 3], dtype="Int64"))
    assert "row 11" in errors(validate_transactions, with_na, **C)
    flags = log.assign(amount=pd.array([True, False, True, True, None], dtype="boolean"))
    assert "column 'amount'" in errors(validate_transactions, flags, **C, amount_col="amount")


def test_interchange_protocol_frames_get_the_conversion():
    frame = type("Table", (), {"__module__": "somelib.core", "__dataframe__": lambda self: None})()
    msg = errors(validate_transactions, frame)
    assert "not somelib.Table" in msg and "pandas.api.interchange.from_dataframe(df)" in msg


def test_fast_duplicate_check_equals_pandas():
    from relmkt_lib._data_checks import _duplicated
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 30, 3000)
    when = np.datetime64("2024-01-01") + rng.integers(0, 40, 3000).astype("timedelta64[h]")
    spend = rng.integers(0, 5, 3000) * 1.5
    spend[::7] = -0.0 * spend[::7]
    expected = pd.DataFrame({"c": codes, "d": when, "a": spend}).duplicated().to_numpy()
    np.testing.assert_array_equal(_duplicated([codes, when, spend]), expected)


messy_ids = st.sampled_from(["a", "a ", " a", "Zo\u00eb", "Zoe\u0308", "7", 7, "NULL", "", "n/a", None, "b"])
messy_dates = st.sampled_from(["2024-01-05", "2024-01-05 09:00", "2024-01-05T23:30:00-05:00", "05/01/2024",
                               "25/01/2024", "Jan 5, 2024", "2099-01-01", "1850-06-01", "1500-01-01", "soon",
                               20240105, None, pd.Timestamp("2024-02-01", tz="America/Montreal")])
messy_amounts = st.sampled_from([0.0, 12.5, -3.0, 1e308, np.nan, "12", True])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(messy_ids, messy_dates, messy_amounts), min_size=1, max_size=8),
       options=st.fixed_dictionaries({}, optional={
           "normalize_ids": st.booleans(), "drop_missing_ids": st.booleans(), "drop_returns": st.booleans(),
           "dayfirst": st.sampled_from([None, True, False]), "timezone": st.sampled_from([None, "UTC"]),
           "observation_end": st.sampled_from(["2024-03-31", "31/03/2024", "end of March"]),
           "duplicates": st.sampled_from(["report", "drop", "ignore"])}))
def test_messy_logs_never_modify_the_input_and_fail_clearly(rows, options):
    df = pd.DataFrame({"id": pd.Series([r[0] for r in rows], dtype=object),
                       "day": pd.Series([r[1] for r in rows], dtype=object),
                       "spend": pd.Series([r[2] for r in rows], dtype=object)})
    before = df.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        for func in (validate_transactions, summarize_transactions):
            kwargs = options if func is validate_transactions else {
                k: v for k, v in options.items() if k in ("dayfirst", "timezone", "observation_end")}
            try:
                out = func(df, customer_col="id", date_col="day", amount_col="spend", **kwargs)
            except (ValueError, TypeError) as err:
                assert re.search(r"column '(id|day|spend)'|observation_end|no rows are left", str(err)), str(err)
            else:
                assert len(out) >= 1
            pd.testing.assert_frame_equal(df, before)

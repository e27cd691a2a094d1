"""The data-layer cases of the real-data trials (shared/reviews/2026-11-30-real-data-trials.md).

Each test names the trial case, its old outcome (C silent wrong result, D raw traceback or misleading
error) and asserts the new one: A (a clear error naming the problem, the rows and the fix) or B
(a warning and correct handling). The caller's frame is never modified (checked in each test).
"""

from __future__ import annotations

import warnings
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest

from relmkt_lib.cohorts import cohort_table
from relmkt_lib.data import DataWarning, calibration_holdout_split, summarize_transactions, validate_transactions
from relmkt_lib.migration import assign_states
from relmkt_lib.rfm import activity_between, rfm_scores, segment_migration

LOG_FUNCTIONS = {
    "validate_transactions": validate_transactions,
    "summarize_transactions": summarize_transactions,
    "rfm_scores": rfm_scores,
    "cohort_table": lambda df, **kw: cohort_table(df, incomplete="keep", **kw),
    "assign_states": assign_states,
    "activity_between": lambda df, **kw: activity_between(df, window_start="2024-01-01", window_end="2024-03-31",
                                                          **kw),
    "segment_migration": lambda df, **kw: segment_migration(df, from_observation_end="2024-02-29",
                                                            to_observation_end="2024-03-31", **kw),
}


@pytest.fixture
def log() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"],
                         "date": ["2024-01-03", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"],
                         "amount": [25.0, 40.0, 12.5, 60.0, 8.0]}, index=[10, 11, 12, 13, 14])


def error(func, df, **kwargs) -> str:
    """Class A: a ValueError/TypeError (never another exception), and df untouched."""
    before = df.copy(deep=True)
    with pytest.raises((ValueError, TypeError)) as info:
        func(df, **kwargs)
    pd.testing.assert_frame_equal(df, before)
    return str(info.value)


def quiet(func, df, **kwargs):
    """Correct handling without any warning, and df untouched."""
    before = df.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = func(df, **kwargs)
    pd.testing.assert_frame_equal(df, before)
    return out


# --- silent wrong results (C) ------------------------------------------------------------------

def test_C_day_first_dates_all_days_up_to_12_are_never_guessed(log):
    """C -> A: '05/01/2024' read month-first silently; now an error with two rows, both readings, the fix;
    dayfirst=True (Quebec's JJ/MM/AAAA) is then one argument away and gives the right recency."""
    quebec = log.assign(date=["03/01/2024", "10/02/2024", "05/01/2024", "01/03/2024", "12/03/2024"])
    msg = error(rfm_scores, quebec, observation_end="2024-03-31")
    assert "column 'date'" in msg and "5 row(s)" in msg
    assert "row 10 ('03/01/2024') is 3 January 2024 day-first or 1 March 2024 month-first" in msg
    assert "row 11 ('10/02/2024') is 10 February 2024 day-first or 2 October 2024 month-first" in msg
    assert "dayfirst=True" in msg and "dayfirst=False" in msg and "date_format" in msg
    scores = quiet(rfm_scores, quebec, observation_end="2024-03-31", dayfirst=True)
    assert scores.loc["b", "recency"] == 86  # 5 January to 31 March (month-first: 1 May, after the end)
    assert scores.loc["a", "recency"] == 50  # last purchase 10 February


def test_C_placeholder_customer_ids_are_missing_ids(log):
    """C -> A/B: 'NULL', 'N/A', '' each became a customer; now missing ids: an error, or dropped and counted."""
    bad = log.assign(customer_id=["a", "NULL", "b", "", " N/A "])
    for name in ("summarize_transactions", "rfm_scores", "cohort_table"):
        msg = error(LOG_FUNCTIONS[name], bad)
        assert "column 'customer_id': 3 row(s) have no customer id" in msg and "row 11 (value 'NULL')" in msg
        assert "validate_transactions(" in msg and "drop_missing_ids=True" in msg  # they do not take it
    with pytest.warns(DataWarning, match=r"dropped 3 row\(s\) without a customer id"):
        out, report = validate_transactions(bad, drop_missing_ids=True, return_report=True)
    assert report.dropped_missing_ids == 3 and list(out["customer_id"]) == ["a", "b"]
    assert "pass drop_missing_ids=True" in error(validate_transactions, bad)


def test_C_spaces_and_unicode_forms_in_ids_are_reported_and_normalised_on_request(log):
    """C -> B: 'A' vs 'A ' and NFC vs NFD 'Zoë' were two customers each, silently; now a DataWarning with
    counts and an example, and normalize_ids=True merges them."""
    messy = log.assign(customer_id=["A", "A ", "Zo\u00eb", "Zoe\u0308", "c"])
    before = messy.copy(deep=True)
    with pytest.warns(DataWarning) as record:
        summary = summarize_transactions(messy)
    msg = str(record[0].message)
    assert "1 have leading or trailing spaces (e.g. 'A ' in row 11)" in msg
    assert "1 have a Unicode form other than NFC" in msg and "row 13" in msg
    assert "2 of them match another id once cleaned" in msg and "normalize_ids=True" in msg
    assert len(summary) == 5  # reported, not changed behind the user's back
    with pytest.warns(DataWarning, match=r"normalized 2 id\(s\).*2 customer\(s\) merged"):
        clean, report = validate_transactions(messy, normalize_ids=True, return_report=True)
    assert report.normalized_ids == 2
    assert quiet(summarize_transactions, clean).index.tolist() == ["A", "Zo\u00eb", "c"]
    pd.testing.assert_frame_equal(messy, before)


def test_C_and_D_an_id_given_as_number_and_as_text_is_an_error_everywhere(log):
    """C -> A (cohort_table counted 4 customers instead of 3) and D -> A (summarize and rfm raised
    "'<' not supported between 'str' and 'int'"): an error naming both rows, in every function."""
    mixed = log.assign(customer_id=pd.Series([7, 7, "7", 8, 9], index=log.index, dtype=object))
    for name, func in LOG_FUNCTIONS.items():
        msg = error(func, mixed)
        assert "column 'customer_id'" in msg and "row 10 (value 7)" in msg, name
        assert "Row 12 holds the text '7'" in msg and ".astype(str)" in msg, name


def test_C_amounts_whose_sums_overflow_raise(log):
    """C -> A: amounts near 1e308 gave monetary_value = inf; now an error naming the rows."""
    huge = log.assign(amount=[1e308, 1e308, 12.5, 60.0, 8.0])
    msg = error(summarize_transactions, huge, amount_col="amount")
    assert "column 'amount': 2 row(s) are so large that their sums overflow" in msg and "row 10" in msg
    assert "overflow" in error(cohort_table, huge, amount_col="amount")


def test_C_a_date_typo_in_2099_is_reported_or_refused(log):
    """C -> B/A: T became ~27,400 days silently; now a DataWarning naming the row, and an error when
    it is after observation_end."""
    typo = log.assign(date=["2024-01-03", "2024-02-10", "2099-01-15", "2024-03-01", "2024-03-20"])
    with pytest.warns(DataWarning, match=r"1 row\(s\) lie far after the other dates \(the first is row 12, "
                                         r"2099-01-15; the other dates end on 2024-03-20\)"):
        summarize_transactions(typo)
    msg = error(summarize_transactions, typo, observation_end="2024-03-31")
    assert "after observation_end 2024-03-31" in msg and "row 12" in msg


def test_C_a_purchase_at_15h_on_calibration_end_is_in_calibration(log):
    """C -> correct (B, nothing to warn about): lifetimes moved it to the holdout (frequency_cal 0 /
    holdout 2); the last calibration day is whole."""
    timed = pd.DataFrame({"customer_id": ["x", "x", "x"],
                          "date": ["2024-01-02", "2024-01-10 15:00", "2024-01-15"]})
    out = quiet(calibration_holdout_split, timed, calibration_end="2024-01-10", observation_end="2024-01-20")
    assert out.loc["x", ["frequency_cal", "frequency_holdout"]].tolist() == [1.0, 1.0]


# --- raw or misleading errors (D) ----------------------------------------------------------

def test_D_tz_aware_dates_and_offset_texts_become_local_days(log):
    """D -> handled (B): 'Invalid comparison between datetime64[us, America/Montreal] and Timestamp';
    now local calendar days (each date's own zone or offset, or timezone=...)."""
    zoned = log.assign(date=pd.to_datetime(log["date"]).dt.tz_localize("America/Montreal"))
    expected = quiet(cohort_table, log, observation_end="2024-03-31")
    pd.testing.assert_frame_equal(quiet(cohort_table, zoned, observation_end="2024-03-31"), expected)
    texts = log.assign(date=["2024-01-03T22:30:00-05:00", "2024-02-10 09:00-05:00", "2024-01-15T23:00-04:00",
                             "2024-03-01", "2024-03-20T10:00Z"])
    own = quiet(validate_transactions, texts)["date"]
    assert own.dt.strftime("%Y-%m-%d").tolist() == log["date"].tolist()  # each text's own local day
    utc = quiet(validate_transactions, texts, timezone="UTC")["date"]
    assert utc.iloc[0] == pd.Timestamp("2024-01-04 03:30") and utc.iloc[3] == pd.Timestamp("2024-03-01")
    assert quiet(summarize_transactions, zoned, observation_end=pd.Timestamp("2024-03-31", tz="UTC"))["T"].max() == 88


def test_D_duplicate_column_names_are_a_clear_error(log):
    """D -> A: 'The truth value of a Series is ambiguous' / 'factorize requires a Series'."""
    dup = pd.concat([log, log[["date"]]], axis=1)
    for func in (summarize_transactions, cohort_table, rfm_scores):
        msg = error(func, dup)
        assert "2 columns named 'date' (positions [1, 3])" in msg and "columns.duplicated()" in msg


@pytest.mark.skipif(find_spec("pyarrow") is None,
                    reason="pyarrow is not installed: pandas cannot create timestamp[ns][pyarrow] columns without it")
def test_D_pyarrow_dates_in_cohort_table(log):  # pragma: no cover - needs pyarrow
    """D -> handled: AttributeError on to_period; now read as numpy datetimes."""
    arrow = log.assign(date=pd.to_datetime(log["date"]).astype("timestamp[ns][pyarrow]"),
                       customer_id=log["customer_id"].astype("string[pyarrow]"),
                       amount=log["amount"].astype("double[pyarrow]"))
    expected = cohort_table(log, amount_col="amount", observation_end="2024-03-31")
    pd.testing.assert_frame_equal(quiet(cohort_table, arrow, amount_col="amount", observation_end="2024-03-31"),
                                  expected)


def test_D_a_polars_frame_gets_the_one_line_conversion(log):
    """D -> A: 'must be a pandas DataFrame, not DataFrame' without a hint."""
    frame_type = type("DataFrame", (), {"__module__": "polars.dataframe.frame", "to_pandas": lambda self: log})
    with pytest.raises(TypeError) as info:
        summarize_transactions(frame_type())
    msg = str(info.value)
    assert "not polars.DataFrame" in msg and "df.to_pandas()" in msg


def test_D_a_time_of_day_mixed_with_date_only_texts_is_read(log):
    """D -> handled: 'a valid ISO date cannot be read'."""
    mixed = log.assign(date=["2024-01-03", "2024-01-05 09:00", "2024-01-15", "2024-03-01T14:30:00", "2024-03-20"])
    out = quiet(summarize_transactions, mixed, observation_end="2024-03-31")
    assert out.loc["a", "recency"] == 2.0 and out.loc["c", "recency"] == 19.0


def test_D_a_purchase_at_9h_on_observation_end_is_inside_in_every_function(log):
    """D -> handled: it was 'after observation_end' and the suggested fix dropped that day."""
    timed = log.assign(date=["2024-01-03", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-31 09:00"])
    quiet(validate_transactions, timed, observation_end="2024-03-31")
    assert quiet(summarize_transactions, timed, observation_end="2024-03-31").loc["c", "recency"] == 30
    assert quiet(rfm_scores, timed, observation_end="2024-03-31").loc["c", "recency"] == 0
    table = quiet(cohort_table, timed, observation_end="2024-03-31")
    assert table.loc[table["period"] == pd.Period("2024-03", "M"), "active"].sum() == 1
    split = quiet(calibration_holdout_split, timed, calibration_end="2024-03-10", observation_end="2024-03-31")
    assert split.loc["c", "frequency_holdout"] == 1 and split.loc["c", "duration_holdout"] == 21
    assert quiet(activity_between, timed, window_start="2024-03-01", window_end="2024-03-31").loc["c", "purchases"] == 2
    moves = quiet(segment_migration, timed, from_observation_end="2024-02-29", to_observation_end="2024-03-31",
                  rules=[("all", "True")], n_bins=2)
    assert moves["customers"].sum() == 3


@pytest.mark.parametrize("bad", ["end of March", pd.Timestamp("2024-03-31 12:00", tz="America/Montreal")])
def test_D_date_arguments_that_cannot_be_read_name_the_argument(log, bad):
    """D -> A (or read): raw DateParseError / TypeError not naming the argument."""
    if isinstance(bad, str):
        for name in ("summarize_transactions", "rfm_scores", "cohort_table"):
            msg = error(LOG_FUNCTIONS[name], log, observation_end=bad)
            assert msg == "observation_end must be a date such as '2024-12-31' (a day, inclusive), got 'end of March'"
        assert "calibration_end must be a date" in error(calibration_holdout_split, log, calibration_end=bad)
        assert "window_end must be a date" in error(activity_between, log, window_start="2024-01-01", window_end=bad)
    else:  # a tz-aware bound is its own local day
        assert quiet(rfm_scores, log, observation_end=bad).loc["c", "recency"] == 11


@pytest.mark.parametrize("name", ["assign_states", "activity_between", "segment_migration"])
def test_D_integer_dates_never_suggest_an_argument_the_function_does_not_take(log, name):
    """D -> A: the error said 'pass date_format', which these functions do not accept."""
    numeric = log.assign(date=[20240103, 20240210, 20240115, 20240301, 20240320])
    msg = error(LOG_FUNCTIONS[name], numeric)
    assert "column 'date': 5 row(s) hold numbers, not dates" in msg and "row 10 (value 20240103)" in msg
    assert "pass date_format" not in msg.lower()
    assert "pandas.to_datetime(df['date'].astype(str), format='%Y%m%d')" in msg


def test_D_1500_era_dates_are_a_clear_error_not_out_of_bounds(log):
    """D -> A: OutOfBoundsDatetime in rfm_scores."""
    old = log.assign(date=["1500-01-03", "2024-02-10", "2024-01-15", "2024-03-01", "2024-03-20"])
    for name in ("rfm_scores", "summarize_transactions", "cohort_table"):
        msg = error(LOG_FUNCTIONS[name], old)
        assert "column 'date': 1 row(s) are before 1677-09-22" in msg and "row 10" in msg and "typo" in msg


def test_D_excel_serial_numbers_get_the_right_hint(log):
    """D -> A: the hint suggested date_format='%Y%m%d', wrong for Excel serial numbers."""
    excel = log.assign(date=[45294, 45332, 45306, 45352, 45371])
    msg = error(summarize_transactions, excel)
    assert 'pd.to_datetime(df[\'date\'], unit="D", origin="1899-12-30")' in msg and "%Y%m%d" not in msg
    fixed = excel.assign(date=pd.to_datetime(excel["date"], unit="D", origin="1899-12-30"))
    pd.testing.assert_frame_equal(quiet(summarize_transactions, fixed), summarize_transactions(log))


def test_D_calibration_split_with_positional_columns_says_to_use_keywords(log):
    """D -> A: calibration_holdout_split(log, "Id", "Date", "Price", "2006-12-31") raised a raw
    DateParseError 'Unknown datetime string format: Price'."""
    with pytest.raises(TypeError) as info:
        calibration_holdout_split(log, "Id", "Date", "Price", "2006-12-31")
    assert str(info.value) == ("calibration_holdout_split() takes 1 positional argument(s) (df); pass the others "
                               "by keyword: customer_col=..., date_col=..., amount_col=..., calibration_end=...")


def test_every_log_function_counts_customers_like_validate_transactions(log):
    """The same customers in every function: ids cleaned once by validate_transactions stay cleaned."""
    messy = log.assign(customer_id=["a", "a ", "Zo\u00eb", "Zoe\u0308", np.nan])
    with pytest.warns(DataWarning):
        clean = validate_transactions(messy, normalize_ids=True, drop_missing_ids=True)
    n = clean["customer_id"].nunique()
    assert n == 2
    assert len(quiet(summarize_transactions, clean)) == n
    assert len(quiet(rfm_scores, clean)) == n
    assert quiet(cohort_table, clean, incomplete="keep").groupby("cohort")["cohort_size"].first().sum() == n
    assert quiet(assign_states, clean)["customer_id"].nunique() == n
    for name in ("summarize_transactions", "rfm_scores", "cohort_table", "assign_states"):
        assert "have no customer id" in error(LOG_FUNCTIONS[name], messy)


# --- sharper date and drop messages (review of the data layer's date messages) -----------------

EXCEL_HINT = 'pd.to_datetime(pd.to_numeric(df[\'date\']), unit="D", origin="1899-12-30")'


@pytest.mark.parametrize("name", ["summarize_transactions", "rfm_scores", "assign_states"])
def test_D_excel_serials_stored_as_text_get_the_excel_hint(log, name):
    """D -> A: '45294' (a CSV read with dtype=str) only got 'cannot be read as a date'; now the Excel hint,
    with the first bad row's own serial and date, and following it gives the log's own result."""
    text = log.assign(date=["45294", "45332", "45306", "45352", "45371"])
    msg = error(LOG_FUNCTIONS[name], text)
    assert "column 'date': 5 row(s) cannot be read as a date; the first is row 10 (value '45294')" in msg
    assert "Excel serial day numbers stored as text (45294 is 2024-01-03)" in msg and EXCEL_HINT in msg
    assert "45292 is 2024-01-01" not in msg and "date_format" not in msg
    fixed = text.assign(date=pd.to_datetime(pd.to_numeric(text["date"]), unit="D", origin="1899-12-30"))
    pd.testing.assert_frame_equal(quiet(LOG_FUNCTIONS[name], fixed), LOG_FUNCTIONS[name](log))


def test_D_excel_serial_text_among_dates_gets_a_hint_that_works(log):
    """Only some rows are serials: the hint converts those rows (the whole-column one would fail on the others)."""
    mixed = log.assign(date=["2024-01-03", "45332", "2024-01-15", "45352", "2024-03-20"])
    msg = error(summarize_transactions, mixed)
    assert "2 row(s) cannot be read as a date; the first is row 11 (value '45332')" in msg
    assert "(45332 is 2024-02-10), while the other rows are dates" in msg
    df = mixed.copy()
    exec(msg.split("e.g. ", 1)[1].rstrip("."), {"pd": pd, "df": df})  # the advice, run as written
    pd.testing.assert_frame_equal(quiet(summarize_transactions, df), summarize_transactions(log))


def test_D_excel_hint_shows_the_first_bad_rows_own_serial(log):
    """D -> A: the Excel message always said '45292 is 2024-01-01'; now the first row's value and date."""
    excel = log.assign(date=[45414, 45332, 45306, 45352, 45371])
    msg = error(rfm_scores, excel)
    assert "row 10 (value 45414)" in msg and "(45414 is 2024-05-02)" in msg and "45292" not in msg
    assert "(45414.5 is 2024-05-02 12:00)" in error(rfm_scores, excel.assign(date=excel["date"] + 0.5))
    assert "(2958465 is 9999-12-31)" in error(rfm_scores, excel.assign(date=2958465))  # beyond pandas' dates


@pytest.mark.parametrize("name", ["validate_transactions", "summarize_transactions", "rfm_scores",
                                  "cohort_table"])
def test_D_a_date_format_that_fails_never_says_pass_date_format(log, name):
    """D -> A: with date_format given, the advice was 'or pass date_format'; now another format, or none
    and dayfirst for a column mixing formats."""
    dmy = log.assign(date=["03/01/2024", "10/02/2024", "15/01/2024", "01/03/2024", "20/03/2024"])
    msg = error(LOG_FUNCTIONS[name], dmy, date_format="%m/%d/%Y")
    assert "cannot be read as the format '%m/%d/%Y'; the first is row 12 (value '15/01/2024')" in msg
    assert ("Fix or remove those rows, or pass another date_format; for a column that mixes formats, leave "
            "date_format out and pass dayfirst=True (day/month/year) or dayfirst=False") in msg
    assert "or pass date_format" not in msg
    numeric = log.assign(date=[20240103, 20241310, 20240115, 20240301, 20240320])
    assert "or pass another date_format" in error(LOG_FUNCTIONS[name], numeric, date_format="%Y%m%d")


@pytest.mark.parametrize("name", ["validate_transactions", "summarize_transactions", "rfm_scores",
                                  "cohort_table"])
def test_D_dayfirst_false_with_a_day_above_12_asks_about_dayfirst(log, name):
    """D -> A: dayfirst=False and '13/02/2024' gave a generic error; now it says the 13 is a day."""
    dmy = log.assign(date=["03/01/2024", "13/02/2024", "05/01/2024", "01/03/2024", "12/03/2024"])
    msg = error(LOG_FUNCTIONS[name], dmy, dayfirst=False)
    assert "1 row(s) cannot be read as a date; the first is row 11 (value '13/02/2024')" in msg
    assert "In '13/02/2024' the first number is above 12, so it is a day: did you mean dayfirst=True?" in msg
    mdy = log.assign(date=["01/03/2024", "02/13/2024", "01/05/2024", "03/01/2024", "03/12/2024"])
    assert "the second number is above 12, so it is a day: did you mean dayfirst=False?" in error(
        LOG_FUNCTIONS[name], mdy, dayfirst=True)
    assert quiet(LOG_FUNCTIONS[name], dmy, dayfirst=True) is not None


def test_D_a_bound_read_with_the_wrong_dayfirst_asks_about_dayfirst(log):
    msg = error(summarize_transactions, log, observation_end="31/03/2024", dayfirst=False)
    assert msg == ("observation_end must be a date such as '2024-12-31' (a day, inclusive), got '31/03/2024'; in "
                   "'31/03/2024' the first number is above 12, so it is a day: did you mean dayfirst=True?")


def test_D_functions_without_a_drop_option_say_how_to_drop_first(log):
    """D -> A: 'clean the log first with ... and pass its result to summarize_transactions() to drop those
    rows' was garbled; now drop first with validate_transactions, then call the same function."""
    bad = log.assign(customer_id=["a", None, "b", "c", "c"])
    for name in ("summarize_transactions", "rfm_scores", "cohort_table"):
        msg = error(LOG_FUNCTIONS[name], bad)
        assert msg.endswith("Fill them in, or drop them first with df = validate_transactions(df, <same column "
                            "arguments>, drop_missing_ids=True) (it says how many went), then call "
                            f"{name}(df, ...).")
    assert error(validate_transactions, bad).endswith(
        "Fill them in, or pass drop_missing_ids=True to drop those rows (they are counted).")
    returns = log.assign(amount=[25.0, -40.0, 12.5, 60.0, 8.0])
    assert error(summarize_transactions, returns, amount_col="amount").endswith(
        "Net returns against their purchases, or drop them first with df = validate_transactions(df, <same "
        "column arguments>, drop_returns=True) (it says how many went), then call summarize_transactions(df, ...).")
    assert error(validate_transactions, returns, amount_col="amount").endswith(
        "Net returns against their purchases, or pass drop_returns=True to drop them (they are counted).")

"""Tests of the pressure curve (relmkt_lib._contact_pressure): hand-computed cases, the selection
problem on a simulated log with known truth, and one test per kind of bad input."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from relmkt_lib._contact_pressure import SELECTION_MESSAGE, pressure_curve
from relmkt_lib.exceptions import DataWarning


def curve(df: pd.DataFrame, **kwargs) -> pd.DataFrame:
    with pytest.warns(DataWarning, match="randomised frequency test"):
        return pressure_curve(df, **kwargs)


@pytest.fixture
def log() -> pd.DataFrame:
    # customers a, b: 1 contact; c, d, e, f: 2 contacts; g: 3 contacts
    rows = [("a", 1, 0), ("b", 0, 0),
            ("c", 0, 0), ("c", 1, 0), ("d", 0, 0), ("d", 0, 0), ("e", 0, 0), ("e", 0, 1), ("f", 0, 0), ("f", 0, 0),
            ("g", 0, 0), ("g", 0, 0), ("g", 1, 1)]
    return pd.DataFrame(rows, columns=["customer_id", "responded", "unsubscribed"])


def test_contact_log_hand_computed(log):
    out = curve(log, response_col="responded", optout_col="unsubscribed")
    assert out.columns.tolist() == ["contacts", "customers", "responders", "response_rate", "se", "optouts",
                                    "optout_rate", "optout_se", "or_more", "descriptive"]
    assert out["contacts"].tolist() == [1, 2, 3]
    assert out["customers"].tolist() == [2, 4, 1]
    assert out["responders"].tolist() == [1, 1, 1]
    np.testing.assert_allclose(out["response_rate"], [0.5, 0.25, 1.0])
    np.testing.assert_allclose(out["se"], [np.sqrt(0.25 / 2), np.sqrt(0.25 * 0.75 / 4), 0.0])
    np.testing.assert_allclose(out["optout_rate"], [0.0, 0.25, 1.0])
    assert out["descriptive"].all() and not out["or_more"].any()


def test_without_optout_column_and_bool_flags(log):
    df = log.assign(responded=log["responded"].astype(bool))
    out = curve(df, response_col="responded")
    assert "optout_rate" not in out.columns
    np.testing.assert_allclose(out["response_rate"], [0.5, 0.25, 1.0])


def test_warning_is_always_given_and_explains_selection(log):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pressure_curve(log, response_col="responded")
        pressure_curve(pd.DataFrame({"n": [0, 1], "r": [0, 1]}), contacts_col="n", response_col="r")
    messages = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert messages == [SELECTION_MESSAGE, SELECTION_MESSAGE]
    for words in ("descriptive, not causal", "customers who do not answer are contacted again",
                  "heavy buyers get more mail", "randomised frequency test"):
        assert words in SELECTION_MESSAGE
    assert caught[0].filename == __file__  # the warning points at the caller's line


def test_caller_dataframe_is_not_modified(log):
    before = log.copy()
    curve(log, response_col="responded", optout_col="unsubscribed", max_contacts=2)
    pd.testing.assert_frame_equal(log, before)


def test_per_month_counts_split_at_the_month_boundary():
    # customer 1: Jan 1 and Jan 31 (same month: 2 contacts), then Feb 1 (1 contact in February)
    # customer 2: Jan 31 only
    df = pd.DataFrame({"customer_id": [1, 1, 1, 2], "date": ["2024-01-01", "2024-01-31", "2024-02-01", "2024-01-31"],
                       "responded": [0, 0, 1, 0]})
    out = curve(df, response_col="responded", freq="M")
    assert out["contacts"].tolist() == [1, 2]
    assert out["customers"].tolist() == [2, 1]  # customer-periods: (1, Feb), (2, Jan); (1, Jan)
    np.testing.assert_allclose(out["response_rate"], [0.5, 0.0])
    whole = curve(df, response_col="responded")
    assert whole["contacts"].tolist() == [1, 3]


def test_customer_table_with_zero_contacts_and_pooling():
    table = pd.DataFrame({"emails": [0, 0, 1, 2, 5, 9], "bought": [0, 1, 1, 0, 1, 0], "unsub": [0, 0, 0, 0, 1, 1]})
    out = curve(table, contacts_col="emails", response_col="bought", optout_col="unsub", max_contacts=3)
    assert out["contacts"].tolist() == [0, 1, 2, 3]
    assert out["customers"].tolist() == [2, 1, 1, 2]
    np.testing.assert_allclose(out["response_rate"], [0.5, 1.0, 0.0, 0.5])
    np.testing.assert_allclose(out["optout_rate"], [0.0, 0.0, 0.0, 1.0])
    assert out["or_more"].tolist() == [False, False, False, True]


def test_selection_makes_a_harmless_contact_look_harmful():
    """Known truth: every contact sells with the customer's own probability, whatever came before
    (contacts do no harm). The firm contacts again, up to 4 times, whoever has not answered. The
    descriptive curve still falls with the number of contacts: selection, not fatigue."""
    rng = np.random.default_rng(3)
    n = 20_000
    p = rng.beta(1, 4, n)  # customers differ in responsiveness
    rows = []
    waiting = np.arange(n)
    for _ in range(4):
        answered = rng.random(waiting.size) < p[waiting]
        rows.append(pd.DataFrame({"customer_id": waiting, "responded": answered}))
        waiting = waiting[~answered]
    out = curve(pd.concat(rows, ignore_index=True), response_col="responded")
    rates = out.set_index("contacts")["response_rate"]
    assert rates[1] == 1.0  # a single contact means the customer answered it
    assert rates.is_monotonic_decreasing and rates[4] < 0.5
    # the per-contact response of each customer is the same for every contact: no fatigue in the truth
    assert out["descriptive"].all()


@pytest.mark.parametrize("kwargs, frame, message", [
    ({"response_col": "bought"}, None,
     "column 'bought' is missing from df; its columns are ['customer_id', 'responded', 'unsubscribed']. "
     "Pass the right column name or rename the column."),
    ({"response_col": "responded", "freq": "D"}, None,
     "freq must be None (the whole log) or one of ['W', 'M', 'Q', 'Y'], not 'D'"),
    ({"response_col": "responded", "max_contacts": 0}, None,
     "max_contacts must be None or a whole number >= 1, got 0; pass for example max_contacts=10 to pool 10 "
     "contacts or more"),
    ({"response_col": "responded", "freq": "M"}, None,
     "column 'date' is missing from df; its columns are ['customer_id', 'responded', 'unsubscribed']. "
     "Pass the right column name or rename the column."),
    ({"response_col": "responded"}, {"responded": ["yes", 0, 1]},
     "column 'responded': 1 row(s) are not 1/0 or True/False; the first is row 0 (value 'yes'). Pass one flag "
     "per row, for example df['responded'] > 0 for a count."),
    ({"response_col": "responded"}, {"responded": [1, 2, 0]},
     "column 'responded': 1 row(s) are not 1/0 or True/False; the first is row 1 (value 2). Pass one flag "
     "per row, for example df['responded'] > 0 for a count."),
    ({"response_col": "responded"}, {"responded": [1, None, 0]},
     "column 'responded': 1 row(s) are missing; the first is row 1 (value nan). Fill them with 1 (yes) or 0 (no), "
     "or drop those rows first."),
    ({"response_col": "responded"}, {"customer_id": ["a", None, "b"]},
     "column 'customer_id': 1 row(s) are missing; the first is row 1 (value nan). Every contact needs the "
     "customer it went to; fill or drop those rows."),
])
def test_bad_contact_log(kwargs, frame, message):
    df = pd.DataFrame({"customer_id": ["a", "a", "b"], "responded": [0, 1, 0], "unsubscribed": [0, 0, 0]})
    for col, values in (frame or {}).items():
        df[col] = values
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        pressure_curve(df, **kwargs)


@pytest.mark.parametrize("values, message", [
    ([1, -1, 2], "column 'n': 1 row(s) are negative; the first is row 1 (value -1). A count of contacts is 0 or "
                 "more."),
    ([1, 1.5, 2], "column 'n': 1 row(s) are not whole numbers; the first is row 1 (value 1.5). Pass counts of "
                  "contacts, not rates."),
    ([1, None, 2], "column 'n': 1 row(s) are missing or not numbers; the first is row 1 (value nan). Fill them "
                   "with the number of contacts (0 if none)."),
])
def test_bad_contact_counts(values, message):
    df = pd.DataFrame({"n": values, "r": [0, 1, 0]})
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        pressure_curve(df, contacts_col="n", response_col="r")


def test_freq_with_a_customer_table_is_refused():
    df = pd.DataFrame({"n": [1, 2], "r": [0, 1]})
    with pytest.raises(ValueError, match=re.escape("a table with contacts_col='n' already holds its counts: "
                                                   "drop freq")):
        pressure_curve(df, contacts_col="n", response_col="r", freq="M")


def test_not_a_dataframe_and_empty():
    with pytest.raises(TypeError, match="df must be a pandas DataFrame, not dict"):
        pressure_curve({"r": [1]}, response_col="r")
    with pytest.raises(ValueError, match=re.escape("df is empty (0 rows)")):
        pressure_curve(pd.DataFrame({"r": []}), response_col="r")

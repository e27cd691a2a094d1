"""Tests of relmkt_lib._churn_features: a hand-made log with known features and labels, no leakage
(rows after the cutoff never change a feature), who is in the table, the caller's frames, bad input,
and Boreal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relmkt_lib._churn_features import FEATURES, churn_features
from relmkt_lib.datasets import load_boreal

CUTOFF, HORIZON, END = "2024-06-30", 31, "2024-08-31"  # the label's window is 2024-07-01 .. 2024-07-31


def _log() -> pd.DataFrame:
    rows = [
        ("A", "2024-01-01", 10.0), ("A", "2024-03-01", 20.0), ("A", "2024-03-01 15:00", 10.0),
        ("A", "2024-05-01", 30.0), ("A", "2024-06-30 18:00", 40.0),  # on the cutoff day: inside
        ("A", "2024-07-31 23:00", 1.0),  # last day of the horizon: A did not churn
        ("B", "2024-02-10", 50.0), ("B", "2024-07-05", 2.0),  # a purchase after the cutoff
        ("C", "2024-07-05", 3.0),  # first purchase after the cutoff: not in the table
        ("D", "2024-06-01", 5.0), ("D", "2024-06-11", 15.0), ("D", "2024-08-01", 4.0),  # one day too late
        ("E", "2024-06-30 10:00", 7.0),
    ]
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def _contacts() -> pd.DataFrame:
    rows = [
        ("A", "2024-04-25", "treatment"),  # A buys on 2024-05-01: a response
        ("A", "2024-06-20", "treatment"),  # A buys on the cutoff day: a response
        ("A", "2024-07-01", "treatment"),  # after the cutoff: not counted
        ("B", "2024-06-25", "treatment"),  # B buys on 2024-07-05, after the cutoff: not known yet
        ("D", "2024-06-11", "treatment"),  # a purchase on the contact day (day 0) is a response
        ("E", "2024-06-01", "control"),  # held out: not a contact
        ("C", "2024-06-01", "treatment"),  # C is not active by the cutoff
        ("Z", "2024-06-01", "treatment"),  # never bought
    ]
    return pd.DataFrame(rows, columns=["customer_id", "contact_date", "group"])


def _customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list("EDCBA"), "consent_email": [True, False, True, True, False],
                         "member": [0, 1, 0, 1, 1], "notes": ["x"] * 5})


def _features(**kw) -> pd.DataFrame:
    args = {"cutoff": CUTOFF, "horizon_days": HORIZON, "observation_end": END} | kw
    return churn_features(args.pop("transactions", _log()), customers=args.pop("customers", None), **args)


def test_hand_made_features_and_labels():
    got = _features(customers=_customers(), customer_cols=["consent_email", "member"], contacts=_contacts(),
                    group_col="group")
    gaps = np.array([60.0, 61.0, 60.0])  # 2024-01-01 -> 03-01 -> 05-01 -> 06-30 (a leap year)
    expected = pd.DataFrame({
        "recency_days": [0, 141, 19, 0],
        "frequency": [4, 1, 2, 1],  # two purchases on 2024-03-01 are one purchase day
        "monetary": [110 / 4, 50.0, 10.0, 7.0],
        "tenure_days": [181, 141, 29, 0],
        # A: 2 purchase days in the last 90 days, 1 in the 90 before (2024-01-01 is 181 days back)
        "trend": [1 / 3, -1.0, 1.0, 1.0],
        "regularity": [gaps.std() / gaps.mean(), np.nan, np.nan, np.nan],
        "consent_email": [False, True, False, True],
        "member": [1, 1, 1, 0],
        "contacts": [2, 1, 1, 0],
        "responses": [2, 0, 1, 0],
        "days_since_contact": [10.0, 5.0, 19.0, np.nan],
        "churned": [False, False, True, True],
    }, index=pd.Index(list("ABDE"), name="customer_id"))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["regularity"].iloc[0] == pytest.approx(0.0078133, rel=1e-4)
    assert got["churned"].dtype == bool


def test_label_window_is_half_open_and_ends_inclusive():
    # the horizon (cutoff, cutoff + horizon]: one day shorter and A's purchase on 2024-07-31 falls outside
    assert not _features()["churned"]["A"]
    assert _features(horizon_days=HORIZON - 1)["churned"]["A"]
    # a purchase on the cutoff day is a feature, not the label: E bought only that day and churned
    assert _features()["churned"]["E"] and _features()["recency_days"]["E"] == 0


def test_without_amounts_and_without_control_column():
    got = _features(amount_col=None, contacts=_contacts())
    assert "monetary" not in got.columns
    assert list(got.columns[:5]) == [f for f in FEATURES if f != "monetary"]
    assert got.loc["E", "contacts"] == 1  # without group_col, the control row counts as a contact
    assert _features(contacts=_contacts(), response_window_days=5).loc["A", "responses"] == 0  # 6 and 10 days


def test_customers_with_no_purchase_by_the_cutoff_are_absent():
    got = _features(contacts=_contacts(), customers=_customers())
    assert list(got.index) == ["A", "B", "D", "E"]
    assert "C" not in got.index and "Z" not in got.index
    assert list(got.columns[-2:]) == ["days_since_contact", "churned"]
    assert "notes" in got.columns  # customer_cols=None passes every column through


def test_caller_frames_are_not_modified():
    log, customers, contacts = _log(), _customers(), _contacts()
    before = [log.copy(deep=True), customers.copy(deep=True), contacts.copy(deep=True)]
    _features(transactions=log, customers=customers, contacts=contacts, group_col="group")
    for frame, copy in zip([log, customers, contacts], before):
        pd.testing.assert_frame_equal(frame, copy)


# --- no leakage -------------------------------------------------------------------------------

_CUT = pd.Timestamp("2024-06-30")
_LAST = pd.Timestamp("2024-12-31")


def _random_log(rng: np.random.Generator, n: int) -> pd.DataFrame:
    start = pd.Timestamp("2023-06-01")
    days = rng.integers(0, (_LAST - start).days + 1, n)
    return pd.DataFrame({"customer_id": rng.integers(0, 25, n),
                         "date": start + pd.to_timedelta(days, "D") + pd.to_timedelta(rng.integers(0, 24, n), "h"),
                         "amount": rng.uniform(1, 100, n).round(2)})


def _random_contacts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    start = pd.Timestamp("2023-06-01")
    return pd.DataFrame({"customer_id": rng.integers(0, 30, n),
                         "contact_date": start + pd.to_timedelta(rng.integers(0, (_LAST - start).days + 1, n), "D"),
                         "group": rng.choice(["treatment", "control"], n, p=[0.8, 0.2])})


def _after_cutoff_changed(df: pd.DataFrame, date_col: str, rng: np.random.Generator) -> pd.DataFrame:
    """Delete, change and add rows dated after the cutoff; keep every row on or before it."""
    after = df[date_col].dt.normalize() > _CUT
    kept = df[~after | (rng.random(len(df)) < 0.5)].copy()
    late = kept[date_col].dt.normalize() > _CUT
    room = (_LAST - _CUT).days
    kept.loc[late, date_col] = _CUT + pd.to_timedelta(rng.integers(1, room + 1, int(late.sum())), "D")
    kept.loc[late, "customer_id"] = rng.integers(0, 40, int(late.sum()))
    if "amount" in kept:
        kept.loc[late, "amount"] = rng.uniform(1, 500, int(late.sum())).round(2)
    extra = df.sample(n=min(len(df), 10), replace=True, random_state=int(rng.integers(2**31)))
    extra[date_col] = _CUT + pd.to_timedelta(rng.integers(1, room + 1, len(extra)), "D")
    extra["customer_id"] = rng.integers(0, 40, len(extra))
    if "amount" in extra:
        extra["amount"] = rng.uniform(1, 500, len(extra)).round(2)
    out = pd.concat([kept, extra], ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


@pytest.mark.filterwarnings("ignore::relmkt_lib.exceptions.DataWarning")  # random logs have outlying days
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 120))
def test_rows_after_the_cutoff_never_change_a_feature(seed, n):
    rng = np.random.default_rng(seed)
    log, contacts = _random_log(rng, n), _random_contacts(rng, 40)
    if not (log["date"].dt.normalize() <= _CUT).any():
        log.loc[0, "date"] = _CUT
    customers = pd.DataFrame({"customer_id": range(40), "member": rng.integers(0, 2, 40)})
    kw = {"cutoff": _CUT, "horizon_days": 90, "observation_end": _LAST, "contacts": contacts, "group_col": "group"}
    base = churn_features(log, customers=customers, **kw)
    # who is in the table: exactly the customers with a purchase on or before the cutoff
    assert set(base.index) == set(log.loc[log["date"].dt.normalize() <= _CUT, "customer_id"])
    changed = churn_features(_after_cutoff_changed(log, "date", rng), customers=customers,
                             **(kw | {"contacts": _after_cutoff_changed(contacts, "contact_date", rng)}))
    features = base.columns.drop("churned")
    pd.testing.assert_frame_equal(changed[features], base[features])


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("change, kw, message", [
    (lambda d: d.drop(columns="amount"), {}, "column 'amount' is missing from"),
    (lambda d: d.assign(date=d["date"].where(d.index != 2, "yesterday")), {},
     "column 'date': 1 row(s) cannot be read as a date; the first is row 2 (value 'yesterday')"),
    (lambda d: d, {"cutoff": "2023-12-31"},
     "cutoff='2023-12-31' is before the first purchase of transactions (2024-01-01): no customer is active yet. "
     "Pass a cutoff between 2024-01-01 and 2024-07-31."),
    (lambda d: d, {"cutoff": "2024-08-15"},
     "cutoff='2024-08-15' with horizon_days=31 needs purchases up to 2024-09-15, but the data end on 2024-08-31: "
     "the label would count customers as churned for days nobody observed. Pass cutoff='2024-07-31' or earlier, "
     "or a shorter horizon_days (at most 16 for this cutoff)."),
    (lambda d: d, {"observation_end": None, "cutoff": "2024-07-15"},  # the log's last day by default
     "needs purchases up to 2024-08-15, but the data end on 2024-08-01"),
    (lambda d: d, {"horizon_days": 0}, "horizon_days must be a whole number of days >= 1, got 0"),
    (lambda d: d, {"cutoff": "end of June"},
     "cutoff must be a date such as '2024-12-31' (a day, inclusive), got 'end of June'"),
])
def test_bad_transactions_and_cutoff(change, kw, message):
    with pytest.raises(ValueError) as err:
        _features(transactions=change(_log()), **kw)
    assert message in str(err.value)


def test_bad_customers_and_contacts():
    with pytest.raises(ValueError, match=r"customers has no row for 1 customer\(s\) of transactions active by the "
                                         r"cutoff; the first is 'A'\. Add them to customers"):
        _features(customers=_customers().iloc[:4])
    with pytest.raises(ValueError, match=r"column 'customer_id' of customers: 2 row\(s\) repeat a customer id; "
                                         r"the first is row 0 \(value 'E'\)\. Keep one row per customer"):
        _features(customers=pd.concat([_customers(), _customers().iloc[:1]], ignore_index=True))
    with pytest.raises(ValueError, match="column 'consent' is missing from customers"):
        _features(customers=_customers(), customer_cols=["consent"])
    with pytest.raises(ValueError, match="customers has a column 'frequency', which is also a feature"):
        _features(customers=_customers().rename(columns={"member": "frequency"}))
    with pytest.raises(ValueError, match="column 'group' is missing from contacts"):
        _features(contacts=_contacts().drop(columns="group"), group_col="group")
    bad = _contacts().assign(contact_date=lambda d: d["contact_date"].where(d.index != 3, "soon"))
    with pytest.raises(ValueError, match=r"column 'contact_date' of contacts: 1 row\(s\) cannot be read as a date; "
                                         r"the first is row 3 \(value 'soon'\)"):
        _features(contacts=bad)
    with pytest.raises(TypeError, match="horizon_days must be a whole number of days, not '30'"):
        _features(horizon_days="30")


# --- Boreal -------------------------------------------------------------------------------------

def test_boreal_churn_rate():
    b = load_boreal()
    cols = ["acquisition_channel", "region", "age_band", "consent_email", "consent_sms", "consent_phone"]
    got = churn_features(b.transactions, customers=b.customers, cutoff="2024-12-31", horizon_days=365,
                         customer_cols=cols, contacts=b.contacts, group_col="group")
    active = b.transactions.loc[b.transactions["date"] <= "2024-12-31", "customer_id"].unique()
    assert len(got) == len(active) and got.index.is_unique
    assert 0 < got["churned"].mean() < 1
    assert (got["recency_days"] <= got["tenure_days"]).all()
    assert got["trend"].between(-1, 1).all() and (got["responses"] <= got["contacts"]).all()
    print(f"Boreal, cutoff 2024-12-31, horizon 365 days: {len(got)} customers, churn rate {got['churned'].mean():.3f}")


def test_customer_dates_become_days_before_the_cutoff_and_later_dates_are_refused():
    joined = pd.to_datetime(["2024-06-30", "2024-01-01", "2023-12-01", "2024-02-01", "2023-06-30 09:00"],
                            format="mixed")
    customers = _customers().assign(joined=joined)
    got = _features(customers=customers)
    assert "joined" not in got.columns
    assert list(got.columns).index("days_since_joined") == list(got.columns).index("notes") + 1
    assert got["days_since_joined"].to_dict() == {"A": 366.0, "B": 150.0, "D": 181.0, "E": 0.0}  # cutoff 2024-06-30
    assert customers["joined"].dtype.kind == "M"  # the caller's frame is untouched
    late = customers.assign(joined=customers["joined"].where(customers["customer_id"] != "B",
                                                             pd.Timestamp("2024-07-01")))
    with pytest.raises(ValueError, match=r"customers column 'joined' holds a date after the cutoff 2024-06-30 for "
                                         r"customer 'B' \(2024-07-01\): a feature may only use what was known"):
        _features(customers=late)
    assert "days_since_joined" not in _features(customers=late, customer_cols=["member"]).columns

"""Loaders, the shipped data files, their rebuild, their data cards and the built-in mechanisms."""

from __future__ import annotations

import gzip
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relmkt_lib import datasets

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets"
GOLDEN_COHORTS = ROOT / "tests" / "golden" / "sbg_fader_hardie_2007_cohort_survival.csv"
SYNTHETIC = ["boreal", "subscriptions"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def boreal():
    return datasets.load_boreal()


# ---------------------------------------------------------------- real data


def test_cdnow_log():
    df = datasets.load_cdnow()
    assert list(df.columns) == ["customer_id", "date", "quantity", "amount"]
    assert [str(t) for t in df.dtypes] == ["int64", "datetime64[ns]", "int64", "float64"]
    assert len(df) == 69_659
    assert df["customer_id"].nunique() == 23_570
    assert df.iloc[0].tolist() == [1, pd.Timestamp("1997-01-01"), 1, 11.77]
    assert df["date"].min() == pd.Timestamp("1997-01-01")
    assert df["date"].max() == pd.Timestamp("1998-06-30")


def test_cdnow_summary():
    s = datasets.load_cdnow_summary()
    assert s.shape == (2357, 4)
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert s.index.name == "customer_id" and s.index.dtype == np.int64
    assert s["frequency"].dtype == np.int64
    assert s.loc[1].tolist() == [2, 30.43, 38.86, 22.35]
    assert (s["frequency"] > 0).sum() == 946  # repeat buyers: the Gamma-Gamma sample
    assert s["T"].max() == pytest.approx(38.86)


def test_cdnow_loader_does_not_import_lifetimes():
    code = ("import sys; from relmkt_lib import datasets; datasets.load_cdnow(); "
            "datasets.load_cdnow_summary(); assert 'lifetimes' not in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_donations():
    d = datasets.load_donations()
    assert list(d.columns) == ["frequency", "recency", "periods", "weights"]
    assert (d.dtypes == np.int64).all()
    assert d["weights"].sum() == 11_104
    assert (d["periods"] == 6).all()


def test_retention_cohorts():
    rc = datasets.load_retention_cohorts()
    assert list(rc.columns) == ["year", "regular_active", "highend_active", "regular_pct",
                                "highend_pct", "used_for_fit"]
    assert rc["year"].tolist() == list(range(13))
    assert rc["used_for_fit"].dtype == bool
    assert rc["used_for_fit"].tolist() == [True] * 8 + [False] * 5
    assert rc["regular_active"].iloc[[0, 7, 12]].tolist() == [1000, 241, 173]
    assert rc["highend_active"].iloc[[0, 7, 12]].tolist() == [1000, 491, 394]


def test_retention_cohorts_are_the_published_table():
    assert (DATA / "retention_cohorts" / "sbg_fader_hardie_2007.csv").read_bytes() == GOLDEN_COHORTS.read_bytes()


# ---------------------------------------------------------------- loaders


def test_loaders_return_fresh_copies(boreal):
    a = datasets.load_cdnow()
    a.loc[0, "amount"] = -1.0
    assert datasets.load_cdnow().loc[0, "amount"] == 11.77
    b = datasets.load_boreal()
    b.transactions["amount"] = 0.0
    assert (datasets.load_boreal().transactions["amount"] > 0).all()
    s = datasets.load_subscriptions()
    s["plan"] = "x"
    assert (datasets.load_subscriptions()["plan"] != "x").all()


def test_boreal_mapping_and_dtypes(boreal):
    assert list(boreal.keys()) == ["customers", "transactions", "campaigns", "contacts",
                                   "loyalty_members", "loyalty_points", "customer_truth",
                                   "consent_events", "dncl_registry", "phone_calls"]
    assert boreal["transactions"] is boreal.transactions
    assert len(boreal) == 10 and dict(boreal).keys() == set(boreal.keys())
    with pytest.raises(KeyError, match="not a Boreal table"):
        boreal["sales"]
    assert "transactions: " in repr(boreal)
    tx = boreal.transactions
    assert str(tx["date"].dtype) == "datetime64[ns]"
    assert tx["customer_id"].dtype == np.int64 and tx["amount"].dtype == np.float64
    assert str(tx["campaign_id"].dtype) == "Int64"
    cu = boreal.customers
    assert cu.shape == (6000, 9)
    for col in ("consent_email", "consent_sms", "consent_phone"):
        assert cu[col].dtype == bool
    assert str(cu["acquisition_date"].dtype) == "datetime64[ns]"
    assert boreal.contacts["responded"].dtype == bool
    assert str(boreal.campaigns["start_date"].dtype) == "datetime64[ns]"
    assert str(boreal.customer_truth["dropout_date"].dtype) == "datetime64[ns]"


def test_subscriptions_loaders():
    s = datasets.load_subscriptions()
    assert s.shape == (5000, 13)
    assert str(s["start_date"].dtype) == str(s["cancel_date"].dtype) == "datetime64[ns]"
    assert s["cancelled"].dtype == bool and s["autopay"].dtype == bool
    assert s["cancel_date"].notna().eq(s["cancelled"]).all()
    months = ((s["cancel_date"].dt.year - s["start_date"].dt.year) * 12
              + s["cancel_date"].dt.month - s["start_date"].dt.month)
    assert (months[s["cancelled"]] == s.loc[s["cancelled"], "tenure_months"]).all()
    assert (s.loc[s["cancelled"], "cancel_date"] <= "2025-12-31").all()
    assert not (s["autopay"] & (s["payment_method"] == "invoice")).any()
    c = datasets.load_subscription_cohorts()
    assert list(c.columns) == ["plan", "cohort", "month", "active"]
    assert str(c["cohort"].dtype) == "datetime64[ns]"
    # month 0 is the cohort size and counts never rise
    sizes = s.groupby([s["plan"], s["start_date"].dt.to_period("M").dt.to_timestamp()]).size()
    first = c[c["month"] == 0].set_index(["plan", "cohort"])["active"]
    assert first.sort_index().tolist() == sizes.sort_index().tolist()
    assert (c.groupby(["plan", "cohort"])["active"].diff().dropna() <= 0).all()


def test_data_dir_override_and_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="RELMKT_DATA"):
        datasets.load_boreal()
    copy = tmp_path / "data" / "retention_cohorts"
    copy.mkdir(parents=True)
    (copy / "sbg_fader_hardie_2007.csv").write_bytes(
        (DATA / "retention_cohorts" / "sbg_fader_hardie_2007.csv").read_bytes())
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path / "data"))
    assert len(datasets.load_retention_cohorts()) == 13
    with pytest.raises(FileNotFoundError, match="make_data.py"):
        datasets.load_subscriptions()


# ---------------------------------------------------------------- files, rebuild, data cards


def csv_files(name: str) -> list[Path]:
    return sorted([*(DATA / name).glob("*.csv"), *(DATA / name).glob("*.csv.gz")])


def read_text(path: Path) -> str:
    """A shipped table's text (gzipped tables are unpacked)."""
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")


#: The versions the shipped files were generated with (constraints.txt, Python 3.11+). Random
#: streams and number formatting are only guaranteed identical with the same numpy and pandas.
BUILT_WITH = {"numpy": "2.4", "pandas": "3.1"}
_VERSIONS = {"numpy": ".".join(np.__version__.split(".")[:2]), "pandas": ".".join(pd.__version__.split(".")[:2])}


@pytest.mark.skipif(_VERSIONS != BUILT_WITH, reason=f"the data were built with {BUILT_WITH}, this is {_VERSIONS}")
@pytest.mark.parametrize("name", SYNTHETIC)
def test_rebuild_is_byte_identical(name, tmp_path):
    proc = subprocess.run([sys.executable, str(DATA / name / "make_data.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    shipped = {p.name: sha256(p) for p in csv_files(name)}
    rebuilt = {p.name: sha256(p) for p in sorted([*tmp_path.glob("*.csv"), *tmp_path.glob("*.csv.gz")])}
    assert shipped == rebuilt


@pytest.mark.parametrize("name", [*SYNTHETIC, "retention_cohorts"])
def test_data_card_documents_every_column(name):
    card = (DATA / name / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in card
    for path in csv_files(name):
        assert f"`{path.name}`" in card, path.name
        text = read_text(path)
        header = text.split("\n", 1)[0].split(",")
        missing = [col for col in header if f"`{col}`" not in card]
        assert not missing, f"{name}/README.md does not describe {missing} of {path.name}"
        n_rows = text.count("\n") - 1
        stated = re.search(rf"\| `{re.escape(path.name)}` \| ([\d,]+) \|", card)
        assert stated is None or int(stated.group(1).replace(",", "")) == n_rows, (
            f"{name}/README.md states {stated.group(1)} rows for {path.name}, the file has {n_rows:,}")
    if name in SYNTHETIC:
        assert "in its own commit" in card and f"datasets/{name}/make_data.py" in card
        assert "seed" in card.lower()


def test_csv_format_is_deterministic_text():
    for path in [*DATA.glob("*/*.csv"), *DATA.glob("subscriptions/*.csv.gz")]:
        raw = read_text(path).encode("utf-8")
        assert b"\r" not in raw and raw.endswith(b"\n"), path
        raw.decode("utf-8")


def test_datasets_folder_is_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 5_000_000, f"datasets/ holds {total:,} bytes; keep it under 5 MB"


# ---------------------------------------------------------------- Boreal mechanisms


def campaign_outcomes(b, campaign_id: int) -> pd.DataFrame:
    """Per group: size, response rate, 12-month retention and revenue per selected customer."""
    c = b.contacts[b.contacts["campaign_id"] == campaign_id]
    window = int(b.campaigns.set_index("campaign_id").loc[campaign_id, "response_window_days"])
    m = c[["customer_id", "contact_date"]].merge(b.transactions[["customer_id", "date", "amount"]], on="customer_id")
    days = (m["date"] - m["contact_date"]).dt.days
    revenue = m["amount"].where((days >= 0) & (days < 365), 0.0).groupby(m["customer_id"]).sum()
    retained = ((days >= window) & (days < 365)).groupby(m["customer_id"]).any()
    c = c.assign(revenue_12m=c["customer_id"].map(revenue).fillna(0.0),
                 retained_12m=c["customer_id"].map(retained).fillna(False).astype(bool))
    return c.groupby("group").agg(n=("customer_id", "size"), response=("responded", "mean"),
                                  retention=("retained_12m", "mean"), revenue=("revenue_12m", "mean"))


def test_decision_reverses(boreal):
    camp = boreal.campaigns.set_index("campaign_id")
    assert camp.loc[5, "content"] == "discount" and camp.loc[4, "content"] == "informative"
    disc, welc = campaign_outcomes(boreal, 5), campaign_outcomes(boreal, 4)
    # Transactional scorecard: the discount wins on response and on cost per transaction.
    assert disc.loc["treatment", "response"] > welc.loc["treatment", "response"] + 0.07
    lift_resp = lambda o: o.loc["treatment", "response"] - o.loc["control", "response"]  # noqa: E731
    assert lift_resp(disc) > lift_resp(welc) + 0.15
    cost = lambda cid, o: camp.loc[cid, "fixed_cost"] + camp.loc[cid, "cost_per_contact"] * o.loc["treatment", "n"]  # noqa: E731
    per_resp = lambda cid, o: cost(cid, o) / (o.loc["treatment", "response"] * o.loc["treatment", "n"])  # noqa: E731
    assert per_resp(5, disc) * 3 < per_resp(4, welc)
    # Relationship scorecard: the welcome sequence wins on 12-month retention and revenue.
    lift = lambda o, col: o.loc["treatment", col] - o.loc["control", col]  # noqa: E731
    assert lift(welc, "retention") > 0.10 and abs(lift(disc, "retention")) < 0.05
    assert lift(welc, "retention") > lift(disc, "retention") + 0.08
    assert welc.loc["treatment", "retention"] > disc.loc["treatment", "retention"]
    assert lift(welc, "revenue") > lift(disc, "revenue") + 40
    # Both campaigns have random control groups of the documented size.
    for o, cid in ((disc, 5), (welc, 4)):
        assert o.loc["control", "n"] / o["n"].sum() == pytest.approx(camp.loc[cid, "control_share"], abs=0.05)


def test_discount_attracts_deal_seekers(boreal):
    c = boreal.contacts.merge(boreal.customer_truth, on="customer_id")
    treated = c[(c["campaign_id"] == 5) & (c["group"] == "treatment")]
    seekers = treated.groupby("responded")["deal_seeker"].mean()
    assert seekers[True] > 1.5 * seekers[False]
    truth = boreal.customer_truth.set_index("customer_id")
    ch = boreal.customers.set_index("customer_id")["acquisition_channel"]
    by_channel = truth.groupby(ch)["mu_week"].mean()
    assert by_channel.idxmax() == "deep_discount_mailing" and by_channel.idxmin() == "referral"


def test_consent_is_respected(boreal):
    c = boreal.contacts.merge(boreal.customers, on="customer_id")
    email = c["channel"].str.contains("email")
    assert email.any() and c.loc[email, "consent_email"].all()
    assert c.loc[c["channel"] == "sms", "consent_sms"].all()
    assert c.loc[c["channel"] == "phone", "consent_phone"].all()
    mailing = c[c["campaign_id"] == 5]
    no_consent = ~mailing["consent_email"]
    assert no_consent.any() and (mailing.loc[no_consent, "channel"] == "direct_mail").all()


def test_referential_integrity(boreal):
    tx, cu, co = boreal.transactions, boreal.customers, boreal.contacts
    assert tx["transaction_id"].tolist() == list(range(1, len(tx) + 1))
    assert tx["date"].is_monotonic_increasing
    assert set(tx["customer_id"]) == set(cu["customer_id"])
    first = tx.groupby("customer_id")["date"].min()
    assert (first == cu.set_index("customer_id")["acquisition_date"]).all()
    assert tx["date"].between("2023-01-01", "2025-12-31").all() and (tx["amount"] > 0).all()
    assert set(tx["campaign_id"].dropna()) <= set(boreal.campaigns["campaign_id"])
    assert (tx["price_discount"] > 0).eq(tx["campaign_id"].notna()).all()
    assert set(co["customer_id"]) <= set(cu["customer_id"])
    resp = co[co["responded"]].merge(tx, left_on="response_transaction_id", right_on="transaction_id",
                                     suffixes=("", "_tx"))
    assert len(resp) == co["responded"].sum()
    assert (resp["customer_id"] == resp["customer_id_tx"]).all()
    assert (resp["date"] >= resp["contact_date"]).all()
    assert co["response_transaction_id"].isna().eq(~co["responded"]).all()


def test_seasonality_segments_and_cohorts(boreal):
    tx, cu = boreal.transactions, boreal.customers
    by_month = tx.groupby(tx["date"].dt.month)["amount"].sum()
    assert by_month.idxmax() == 12 and by_month[12] > 1.6 * by_month.mean()
    assert by_month[[6, 7]].mean() > by_month[[3, 4, 9, 10]].mean()
    # RFM-like segments at the end of 2025
    end = pd.Timestamp("2025-12-31")
    g = tx.groupby("customer_id")["date"].agg(["size", "max"])
    silent = (end - g["max"]).dt.days
    assert ((g["size"] >= 5) & (silent <= 90)).sum() >= 100   # champions
    assert ((g["size"] >= 4) & (silent > 180)).sum() >= 50    # at risk
    assert ((g["size"] == 1) & (silent > 365)).sum() >= 1000  # lapsed one-time buyers
    # Cohorts of 2023 (observed for two years at least): the share buying in each half-year
    # after the first purchase falls as the cohorts age, and so does every month's cohort.
    m = tx.merge(cu[["customer_id", "acquisition_date"]], on="customer_id")
    m = m[(m["acquisition_date"] < "2024-01-01") & (m["date"] > m["acquisition_date"])]
    half = (m["date"] - m["acquisition_date"]).dt.days // 182
    m = m[half < 4].assign(half=half, cohort=m["acquisition_date"].dt.month)
    sizes = cu[cu["acquisition_date"] < "2024-01-01"].groupby(cu["acquisition_date"].dt.month).size()
    active = m.groupby(["cohort", "half"])["customer_id"].nunique().unstack(fill_value=0).div(sizes, axis=0)
    overall = active.mul(sizes, axis=0).sum() / sizes.sum()
    assert overall.is_monotonic_decreasing and overall.iloc[0] > 1.5 * overall.iloc[-1]
    assert (active[0] > active[3]).all()


def test_loyalty_selection_effect(boreal):
    members, points, truth = boreal.loyalty_members, boreal.loyalty_points, boreal.customer_truth
    assert (members["enrol_date"] >= "2023-06-01").all()
    is_member = truth["customer_id"].isin(members["customer_id"])
    assert 0.1 < is_member.mean() < 0.4
    # Self-selection: members' true purchase rate is far higher, while the true effect is x 1.05.
    assert truth.loc[is_member, "lambda_week"].mean() > 2 * truth.loc[~is_member, "lambda_week"].mean()
    tx = boreal.transactions
    before = boreal.customers["acquisition_date"] < "2025-01-01"
    y2025 = tx[tx["date"] >= "2025-01-01"].groupby("customer_id").size()
    per_cust = boreal.customers.loc[before, "customer_id"].map(y2025).fillna(0)
    naive = per_cust[is_member[before].to_numpy()].mean() / per_cust[~is_member[before].to_numpy()].mean()
    assert naive > 3  # the naive comparison overstates a 5 % effect many times
    # Points: only members, from their enrolment on; balances never negative.
    p = points.merge(members, on="customer_id")
    assert len(p) == len(points) and (p["date"] >= p["enrol_date"]).all()
    assert set(points["event"]) == {"earn", "redeem", "expire"}
    balance = points.groupby("customer_id")["points"].cumsum()
    assert (balance >= 0).all()
    assert set(members["tier"]) == {"base", "silver", "gold"}


def test_subscriptions_churn_signal_and_truth():
    s = datasets.load_subscriptions()
    truth = pd.read_csv(DATA / "subscriptions" / "subscriber_truth.csv")
    coef = datasets.SUBSCRIPTIONS_TRUTH["coefficients"]
    eta = (coef["support_contacts_90d"] * s["support_contacts_90d"]
           + coef["contract_monthly"] * (s["contract"] == "monthly")
           + coef["no_autopay"] * ~s["autopay"] + coef["data_usage_gb"] * s["data_usage_gb"])
    theta = 1 - (1 - truth["theta0"]) ** np.exp(eta)
    # theta0 and theta are written with 5 decimals: allow for the rounding.
    assert (np.abs(theta - truth["theta"]) <= 5e-6 * np.exp(eta) + 5.1e-6).all()
    rate = lambda col: s.groupby(col)["cancelled"].mean()  # noqa: E731
    assert rate("contract")["monthly"] > rate("contract")["annual"] + 0.1
    assert rate("autopay")[False] > rate("autopay")[True] + 0.05
    assert rate(s["support_contacts_90d"].clip(upper=3)).is_monotonic_increasing
    assert rate("plan")["basic"] > rate("plan")["premium"]
    assert 0.3 < s["cancelled"].mean() < 0.7


# ---------------------------------------------------------------- the randomised retention offer


@pytest.fixture(scope="module")
def retention_test():
    test = datasets.load_retention_offer()
    truth = datasets.load_retention_offer(truth=True)
    return test, truth, test.merge(truth, on="customer_id", validate="one_to_one")


def test_retention_offer_is_a_clean_randomised_test(retention_test):
    test, truth, m = retention_test
    assert len(test) == len(truth) == 20_000
    assert test["customer_id"].tolist() == list(range(10_001, 30_001))
    assert int(test["offer"].sum()) == 10_000
    subs = datasets.load_subscriptions()
    assert set(test["customer_id"]).isdisjoint(subs["customer_id"])
    assert list(test.columns[1:11]) == [c for c in subs.columns if c not in ("customer_id", "cancelled",
                                                                         "cancel_date")]
    # everyone was active on the day of the offer; churn is read over six renewals
    assert (test["start_date"] <= "2025-12-31").all()
    left = test["cancel_date"].dropna()
    assert left.between("2026-01-01", "2026-06-28").all() and len(left) == int(test["churned"].sum())
    assert (test["cancel_date"].dt.day == test["start_date"].dt.day)[test["churned"]].all()
    # randomisation balances what was measured before the offer
    for col in ("support_contacts_90d", "monthly_charge", "tenure_months"):
        a, b = m.loc[m["offer"], col], m.loc[~m["offer"], col]
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) < 3 * se, col


def test_retention_truth_is_consistent(retention_test):
    _, truth, m = retention_test
    # the observed outcome is the potential outcome of the assigned arm
    assert (m["churned"] == np.where(m["offer"], m["churn_if_offer"], m["churn_if_control"])).all()
    # types follow from the two potential outcomes
    expected = np.select([m["churn_if_control"] & ~m["churn_if_offer"], ~m["churn_if_control"] & ~m["churn_if_offer"],
                          m["churn_if_control"] & m["churn_if_offer"]], ["persuadable", "sure_thing", "lost_cause"],
                         default="sleeping_dog")
    assert (m["customer_type"] == expected).all()
    # the effect column and the closed form of six renewals
    assert np.allclose(truth["effect"], truth["p_churn_offer"] - truth["p_churn_control"], atol=2e-5)
    # (theta is written with 5 decimals: six renewals carry its rounding up to 3e-5)
    assert np.allclose(truth["p_churn_control"], 1 - (1 - truth["theta"]) ** 6, atol=1e-4)
    assert np.allclose(truth["p_churn_offer"], 1 - (1 - truth["theta_offer"]) ** 6, atol=1e-4)
    # common random numbers: a persuadable's offer lowers risk, a sleeping dog's raises it
    kinds = truth.groupby("customer_type")["effect"]
    assert kinds.max()["persuadable"] < 0 < kinds.min()["sleeping_dog"]
    # segment rules as stated in the data card
    spec = datasets.SUBSCRIPTIONS_TRUTH["retention_offer"]["segments"]
    seg = m["segment"]
    assert ((m["support_contacts_90d"] >= 2) == (seg == "service_trouble")).all()
    assert ((seg == "price_sensitive") <= (m["contract"] == "monthly")).all()
    big = truth["theta"] > 0.01  # where 5 decimals leave the ratio precise
    log_ratio = np.log(np.log1p(-truth["theta_offer"][big]) / np.log1p(-truth["theta"][big]))
    assert np.allclose(log_ratio, seg[big].map({k: v[1] for k, v in spec.items()}), atol=0.01)


def test_retention_offer_card_figures(retention_test):
    """The figures the data card and chapter 10 state, from the shipped files."""
    test, truth, _ = retention_test
    rates = test.groupby("offer")["churned"].mean()
    assert round(100 * rates[False], 2) == 9.55 and round(100 * rates[True], 2) == 6.08
    assert round(truth["effect"].mean(), 4) == -0.0309
    assert truth["customer_type"].value_counts().to_dict() == {
        "sure_thing": 18_059, "lost_cause": 1_146, "persuadable": 695, "sleeping_dog": 100}
    seg = truth.groupby("segment")[["p_churn_control", "p_churn_offer"]].mean().mul(100).round(1)
    assert seg.loc["inert_annual"].tolist() == [5.6, 9.7]
    assert seg.loc["price_sensitive"].tolist() == [10.9, 3.7]
    assert seg.loc["service_trouble"].tolist() == [12.6, 14.7]
    assert seg.loc["other"].tolist() == [6.7, 5.5]
    assert truth["segment"].value_counts().to_dict() == {
        "price_sensitive": 8_864, "other": 7_317, "service_trouble": 2_712, "inert_annual": 1_107}


def test_retention_offer_risk_is_not_effect(retention_test):
    """Ascarza (2018) built in: the riskiest segment is hurt by the offer, and risk ranks worse than effect."""
    _, truth, _ = retention_test
    by_segment = truth.groupby("segment")[["p_churn_control", "effect"]].mean()
    assert by_segment["p_churn_control"].idxmax() == "service_trouble"
    assert by_segment.loc["service_trouble", "effect"] > 0
    top20 = int(0.2 * len(truth))
    by_risk = -truth.nlargest(top20, "p_churn_control")["effect"].sum()
    by_effect = -truth.nsmallest(top20, "effect")["effect"].sum()
    assert by_effect > 1.3 * by_risk


def test_builder_offer_options():
    plain = datasets.build_subscriptions(n_customers=300, n_offer=0, rng=3)
    both = datasets.build_subscriptions(n_customers=300, n_offer=200, rng=3)
    assert "retention_offer" not in plain and len(both["retention_offer"]) == 200
    pd.testing.assert_frame_equal(plain["subscribers"], both["subscribers"])  # the offer draws come after
    for bad in (-1, 50, 2.5, True):
        with pytest.raises(ValueError, match="n_offer must be 0"):
            datasets.build_subscriptions(n_customers=300, n_offer=bad, rng=3)
    with pytest.raises(TypeError, match="truth must be True or False"):
        datasets.load_retention_offer(truth="yes")


# ---------------------------------------------------------------- Boreal's consent records


def test_boreal_consent_records_agree_with_the_other_tables():
    b = datasets.load_boreal()
    ev, cu = b.consent_events, b.customers
    assert set(ev["event"]) == {"express_consent", "inquiry", "withdrawal"}
    assert ev["date"].is_monotonic_increasing and (ev["date"] <= "2025-12-31").all()
    assert ev["channel"].isna().eq(ev["event"] == "inquiry").all()
    # the acquisition flags are the express consents recorded on the acquisition day
    joined = ev.merge(cu[["customer_id", "acquisition_date"]], on="customer_id")
    at_join = joined[(joined["event"] == "express_consent") & (joined["date"] == joined["acquisition_date"])
                     & (joined["source"] != "web preference centre")]
    for channel in ("email", "sms", "phone"):
        flagged = set(cu.loc[cu[f"consent_{channel}"], "customer_id"])
        assert set(at_join.loc[at_join["channel"] == channel, "customer_id"]) == flagged, channel
    # no event before the customer joined
    assert (joined["date"] >= joined["acquisition_date"]).all()
    # every unsubscribe follows an email of a campaign's treatment group by 0 to 10 days
    mails = b.contacts[b.contacts["channel"].str.contains("email") & (b.contacts["group"] == "treatment")]
    unsub = ev[ev["source"] == "unsubscribe link"].merge(mails, on="customer_id")
    gap = (unsub["date"] - unsub["contact_date"]).dt.days
    assert unsub.assign(ok=gap.between(0, 10)).groupby(["customer_id", "date"])["ok"].any().all()
    # the calls are campaign 9's treatment contacts, and their do-not-call requests are withdrawals
    calls = b.phone_calls
    treated = b.contacts[(b.contacts["campaign_id"] == 9) & (b.contacts["group"] == "treatment")]
    assert sorted(calls["customer_id"]) == sorted(treated["customer_id"])
    assert (calls["call_time"].dt.normalize() == pd.Timestamp("2025-02-10")).all()
    asked = set(calls.loc[calls["outcome"] == "do-not-call request", "customer_id"])
    assert asked == set(ev.loc[ev["source"] == "do-not-call request during a call", "customer_id"])
    late = calls["call_time"].dt.strftime("%H:%M") > "21:30"
    assert int(late.sum()) == 15 and (calls["call_time"].dt.hour >= 9).all()
    reg = b.dncl_registry
    assert reg["customer_id"].is_unique and reg["registered"].between("2008-09-30", "2025-12-31").all()


def test_boreal_consent_card_figures():
    ev = datasets.load_boreal().consent_events
    counts = ev.groupby("source").size()
    assert int((ev["event"] == "express_consent").sum()) == 6_539
    assert int((ev["event"] == "inquiry").sum()) == 481
    assert counts["unsubscribe link"] == 70 and counts["STOP reply"] == 12
    assert counts["do-not-call request during a call"] == 24
    assert int(((ev["source"] == "web preference centre") & (ev["event"] == "withdrawal")).sum()) == 97
    assert int(((ev["source"] == "web preference centre") & (ev["event"] == "express_consent")).sum()) == 238


def test_write_tables_keeps_times_of_day(tmp_path):
    from relmkt_lib.datasets import write_tables

    df = pd.DataFrame({"day": pd.to_datetime(["2025-02-10", "2025-02-11"]),
                       "when": pd.to_datetime(["2025-02-10 09:06:00", "2025-02-10 21:45:30"])})
    (path,) = write_tables({"t": df}, tmp_path)
    assert path.read_text().splitlines() == ["day,when", "2025-02-10,2025-02-10 09:06:00",
                                             "2025-02-11,2025-02-10 21:45:30"]

"""Tests of relmkt_lib.cohorts and its plots: a hand-computed log, sBG cohorts with known
survival, closed forms of the Gupta-Lehmann-Stuart valuation, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relmkt_lib import plotting
from relmkt_lib.cohorts import (
    average_retention_curve,
    cohort_table,
    firm_value,
    period_retention_rates,
    retention_matrix,
    value_levers,
)
from relmkt_lib.exceptions import DataWarning
from relmkt_lib.simulate import sbg_survival, simulate_contractual

NAN = np.nan


@pytest.fixture
def log() -> pd.DataFrame:
    """Four customers, January to 1 April 2024 (April is observed for one day only).

    A: Jan (10 + 5), Mar (7); B: Jan (20), Feb (8); C: Feb (12), Apr (3); D: Mar (9).
    """
    return pd.DataFrame({
        "client": ["A", "A", "B", "B", "C", "A", "D", "C"],
        "day": ["2024-01-05", "2024-01-20", "2024-01-31", "2024-02-10", "2024-02-15",
                "2024-03-02", "2024-03-10", "2024-04-01"],
        "spend": [10.0, 5.0, 20.0, 8.0, 12.0, 7.0, 9.0, 3.0],
    })


COLUMNS = {"customer_col": "client", "date_col": "day"}


def table_of(log, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return cohort_table(log, **COLUMNS, amount_col="spend", **kwargs)


# --- cohort_table: hand-computed ---------------------------------------------------------------


def test_hand_computed_counts_and_revenue(log):
    with pytest.warns(DataWarning, match=r"2024-04.*1 purchase\(s\) are left out \(0 customer"):
        t = cohort_table(log, **COLUMNS, amount_col="spend")
    assert [str(c) for c in t["cohort"]] == ["2024-01"] * 3 + ["2024-02"] * 2 + ["2024-03"]
    assert t["period_number"].tolist() == [0, 1, 2, 0, 1, 0]
    assert [str(p) for p in t["period"]] == ["2024-01", "2024-02", "2024-03", "2024-02", "2024-03", "2024-03"]
    assert t["cohort_size"].tolist() == [2, 2, 2, 1, 1, 1]
    assert t["active"].tolist() == [2, 1, 1, 1, 0, 1]  # Feb cohort in March: an observed zero
    assert t["revenue"].tolist() == [35.0, 8.0, 7.0, 12.0, 0.0, 9.0]
    assert t["complete"].all()
    assert t["cohort"].dtype == pd.PeriodDtype("M") and not t.attrs  # nothing hidden in attrs


def test_incomplete_last_period_kept_and_flagged(log):
    t = table_of(log, incomplete="keep")
    april = t[t["period"] == pd.Period("2024-04", "M")]
    assert april["active"].tolist() == [0, 1, 0]  # Jan, Feb (C came back), Mar cohorts
    assert not april["complete"].any() and t.loc[t["period"] < pd.Period("2024-04", "M"), "complete"].all()


def test_observation_end_at_a_period_end_makes_it_complete(log):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is dropped, so no warning
        t = cohort_table(log, **COLUMNS, amount_col="spend", observation_end="2024-04-30")
    assert len(t) == 9 and t["complete"].all()
    # a later end adds observed periods without purchases (zeros), never beyond it
    t = table_of(log, observation_end="2024-05-31")
    assert t.loc[t["period"] == pd.Period("2024-05", "M"), "active"].tolist() == [0, 0, 0]


def test_observation_end_is_the_last_observed_day_inclusive():
    log = pd.DataFrame({"customer_id": [1, 1, 2], "date": pd.to_datetime(
        ["2024-01-05 09:00", "2024-03-31 15:00", "2024-02-01 10:00"])})
    for end in ("2024-03-31", "2024-03-31 08:00"):  # a purchase at 15:00 on that day is inside
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # March is whole: nothing is dropped
            t = cohort_table(log, observation_end=end)
        assert t["active"].tolist() == [1, 0, 1, 1, 0] and t["complete"].all()


def test_quarters_and_years(log):
    q = table_of(log, freq="Q", observation_end="2024-06-30")
    assert q[["period_number", "cohort_size", "active"]].values.tolist() == [[0, 4, 4], [1, 4, 1]]
    assert q["revenue"].tolist() == [71.0, 3.0]
    with pytest.raises(ValueError, match="every purchase falls in the last, incomplete period"):
        cohort_table(log, **COLUMNS, freq="Y")
    y = table_of(log, freq="Y", incomplete="keep")
    assert y["active"].tolist() == [4] and not y["complete"].any()


def test_retention_matrix_has_nan_beyond_the_end(log):
    m = retention_matrix(table_of(log))
    expected = pd.DataFrame([[1.0, 0.5, 0.5], [1.0, 0.0, NAN], [1.0, NAN, NAN]],
                            index=pd.PeriodIndex(["2024-01", "2024-02", "2024-03"], freq="M", name="cohort"),
                            columns=pd.Index([0, 1, 2], name="period_number"))
    pd.testing.assert_frame_equal(m, expected)
    rev = retention_matrix(table_of(log), value="revenue")
    assert rev.iloc[0].tolist() == pytest.approx([1.0, 8 / 35, 7 / 35])
    assert retention_matrix(table_of(log), max_period=1).shape == (3, 2)


def test_average_curve_is_weighted_by_cohort_size(log):
    avg = average_retention_curve(table_of(log))
    assert avg["retention"].tolist() == pytest.approx([1.0, 1 / 3, 0.5])  # (1 + 0) / (2 + 1)
    assert avg["cohorts"].tolist() == [3, 2, 1] and avg["customers"].tolist() == [4, 3, 2]
    rev = average_retention_curve(table_of(log), value="revenue")
    assert rev["retention"].tolist() == pytest.approx([1.0, 8 / 47, 7 / 35])


def test_period_rates_are_ratios_of_counts_and_can_exceed_one():
    # A buys in Jan and Mar, B in Jan and Feb: one active in Feb, one in Mar, not the same one
    log = pd.DataFrame({"customer_id": [1, 1, 2, 2],
                        "date": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-31", "2024-02-10"])})
    r = period_retention_rates(cohort_table(log, observation_end="2024-03-31"))
    assert r.iloc[0].tolist() == [0.5, 1.0]
    log = pd.DataFrame({"customer_id": [1, 1, 2, 2], "date": pd.to_datetime(
        ["2024-01-05", "2024-03-02", "2024-01-31", "2024-03-10"])})
    r = period_retention_rates(cohort_table(log, observation_end="2024-03-31"))
    assert r.iloc[0, 0] == 0.0 and np.isnan(r.iloc[0, 1])  # nobody in Feb: no rate for March


# --- known truth: sBG cohorts where every customer buys every month until they churn ----------


def sbg_log(n: int, alpha: float, beta: float, n_periods: int, start: str, rng: int):
    sim = simulate_contractual(n, alpha, beta, n_periods, rng=rng)
    months = sim.customers["periods_survived"].to_numpy() + 1  # active in months 0..survived
    ids = np.repeat(sim.customers["customer_id"].to_numpy(), months)
    k = np.concatenate([np.arange(m) for m in months])
    dates = pd.PeriodIndex.from_ordinals(pd.Period(start, "M").ordinal + k, freq="M").to_timestamp()
    dates = dates + pd.Timedelta(days=9)
    return pd.DataFrame({"customer_id": [f"{start}-{i}" for i in ids], "date": dates}), sim


def test_contractual_cohorts_recover_the_simulated_and_true_survival():
    log1, sim1 = sbg_log(20_000, 0.704, 1.182, 12, "2020-01", rng=1)
    log2, sim2 = sbg_log(5_000, 0.704, 1.182, 6, "2020-07", rng=2)
    log = pd.concat([log1, log2[log2["date"] < "2021-02-01"]], ignore_index=True)
    m = retention_matrix(cohort_table(log, observation_end="2021-01-31"))
    counts = sim1.active_counts["active"].to_numpy()
    np.testing.assert_allclose(m.loc[pd.Period("2020-01", "M")].to_numpy(), counts / counts[0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(m.iloc[0], sbg_survival(np.arange(13), 0.704, 1.182), atol=0.01)
    second = m.loc[pd.Period("2020-07", "M")]
    assert second.iloc[:7].notna().all() and second.iloc[7:].isna().all()  # unobserved, not 0
    np.testing.assert_allclose(second.iloc[:7], sim2.active_counts["active"] / 5_000)
    # period-over-period retention rises, as the sBG says: (beta + t - 1) / (alpha + beta + t - 1)
    t = np.arange(1, 13)
    rates = period_retention_rates(cohort_table(log1, observation_end="2021-01-31")).iloc[0].to_numpy()
    np.testing.assert_allclose(rates, (1.182 + t - 1) / (0.704 + 1.182 + t - 1), atol=0.03)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 400), st.integers(1, 500)),
                     min_size=1, max_size=40),
       freq=st.sampled_from(["M", "Q", "Y"]))
def test_invariants_on_random_logs(days, freq):
    log = pd.DataFrame(days, columns=["client", "day", "spend"])
    log["day"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(log["day"], unit="D")
    before = log.copy()
    t = table_of(log, freq=freq, incomplete="keep")
    pd.testing.assert_frame_equal(log, before)
    first = t[t["period_number"] == 0]
    assert first["cohort_size"].sum() == log["client"].nunique()
    assert (first["active"] == first["cohort_size"]).all() and (t["active"] <= t["cohort_size"]).all()
    assert t["revenue"].sum() == pytest.approx(log["spend"].sum())
    ordinal = t["period"].array.asi8
    assert (t["cohort"].array.asi8 + t["period_number"].to_numpy() == ordinal).all()
    # every cohort is observed up to the last period, and no further
    assert (t.groupby("cohort")["period"].max() == t["period"].max()).all()


# --- firm value (Gupta, Lehmann & Stuart 2004) -------------------------------------------------


def brute_force_value(m, r, d, c, n0, g, current, cohorts, horizon=4000):
    t = np.arange(horizon)
    lifetime = np.sum(m * r**t / (1 + d) ** t)  # margins at the start of each period
    value = current * r * lifetime
    for k in range(cohorts):
        value += n0 * (1 + g) ** k / (1 + d) ** k * (lifetime - c)
    return value


@pytest.mark.parametrize("r, g", [(0.37, 0.0), (0.8, 0.03), (0.95, -0.02)])
def test_firm_value_matches_brute_force(r, g):
    args = dict(margin=73.0, retention=r, discount_rate=0.1, acquisition_cost=36.8, new_customers=1900, growth=g)
    assert firm_value(**args, current_customers=3000, cohorts=25) == pytest.approx(
        brute_force_value(73.0, r, 0.1, 36.8, 1900, g, 3000, 25), rel=1e-10)
    assert firm_value(**args) == pytest.approx(brute_force_value(73.0, r, 0.1, 36.8, 1900, g, 0, 3000), rel=1e-8)


def test_simple_formulas():
    # a customer acquired now: first margin plus m r / (1 + d - r)
    assert firm_value(100, 0.8, 0.1, new_customers=1, cohorts=1) == pytest.approx(100 + 100 * 0.8 / 0.3)
    # a current customer: kept with probability r, then worth a new one; at the end of last period
    # (one period earlier) that is the simple formula m r / (1 + d - r)
    assert firm_value(100, 0.8, 0.1, current_customers=1) / 1.1 == pytest.approx(100 * 0.8 / 0.3)
    assert firm_value(100, 0.8, 0.1, new_customers=5, growth=0.5, cohorts=0) == 0.0


def test_levers_closed_forms_and_gupta_magnitudes():
    m, r, d, c = 73.0, 0.37, 0.1, 36.8
    lv = value_levers(m, r, d, acquisition_cost=c, new_customers=1900)
    a = m * (1 + d) / (1 + d - r)
    assert lv.loc["margin", "change_pct"] == pytest.approx(a / (a - c))
    assert lv.loc["acquisition cost", "change_pct"] == pytest.approx(c / (a - c))
    # retention: close to the elasticity r / (1 + d - r) * a / (a - c)
    assert lv.loc["retention", "change_pct"] == pytest.approx(r / (1 + d - r) * a / (a - c), rel=0.02)
    assert lv.loc["retention", "to"] == pytest.approx(r * 1.01)
    base = firm_value(m, r, d, acquisition_cost=c, new_customers=1900)
    assert lv.loc["margin", "value"] == pytest.approx(base * (1 + lv.loc["margin", "change_pct"] / 100))
    # at the high retention of the firms of Gupta et al. (2004): about 5 %, 1 % and 0.1 %
    lv = value_levers(100, 0.9, 0.1, acquisition_cost=50, new_customers=1000, growth=0.05)
    ret, margin, acq = lv["change_pct"]
    assert 4.5 < ret < 5.5 and 0.9 < margin < 1.2 and acq < 0.2


def test_retention_beats_margin_above_half_of_one_plus_d():
    for r, wins in [(0.5, False), (0.6, True)]:
        lv = value_levers(50, r, 0.1, acquisition_cost=20, new_customers=100)["change_pct"]
        assert bool(lv["retention"] > lv["margin"]) == wins


# --- bad input ---------------------------------------------------------------------------------


def test_bad_arguments_of_cohort_table(log):
    with pytest.raises(ValueError, match="freq must be one of"):
        cohort_table(log, **COLUMNS, freq="W")
    with pytest.raises(ValueError, match="incomplete must be 'drop' or 'keep'"):
        cohort_table(log, **COLUMNS, incomplete="flag")
    with pytest.raises(TypeError):
        cohort_table(log, "client", "day")  # column names are keyword-only
    with pytest.raises(ValueError, match="column 'customer_id' is missing"):
        cohort_table(log)
    with pytest.raises(ValueError, match="empty"):
        cohort_table(log.iloc[:0], **COLUMNS)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        cohort_table(log.to_dict(), **COLUMNS)
    with pytest.raises(ValueError, match="column 'spend'.*negative.*row 3"):
        cohort_table(log.assign(spend=[1.0, 1, 1, -8, 1, 1, 1, 1]), **COLUMNS, amount_col="spend")
    with pytest.raises(ValueError, match="after observation_end 2024-03-31"):
        cohort_table(log, **COLUMNS, observation_end="2024-03-31")
    with pytest.raises(ValueError, match="column 'day'.*cannot be read"):
        cohort_table(log.assign(day=log["day"].str.replace("2024-03-10", "March 10")), **COLUMNS)


def test_caller_frames_are_not_modified(log):
    before = log.copy()
    t = table_of(log, incomplete="keep")
    pd.testing.assert_frame_equal(log, before)
    t_before = t.copy()
    for f in (retention_matrix, average_retention_curve, period_retention_rates):
        f(t)
    retention_matrix(t, value="revenue")
    pd.testing.assert_frame_equal(t, t_before)


def test_bad_tables(log):
    t = table_of(log)
    with pytest.raises(ValueError, match=r"max_period=5 is beyond the data.*periods 0 to 2"):
        retention_matrix(t, max_period=5)
    with pytest.raises(ValueError, match="max_period must be a whole number"):
        average_retention_curve(t, max_period=-1)
    with pytest.raises(ValueError, match="value must be 'active'"):
        retention_matrix(t, value="customers")
    with pytest.raises(ValueError, match="column 'revenue' is missing"):
        retention_matrix(t.drop(columns="revenue"), value="revenue")
    with pytest.raises(ValueError, match="several rows for the same cohort"):
        retention_matrix(pd.concat([t, t.iloc[:1]]))
    with pytest.raises(ValueError, match="period_number 0 row"):
        retention_matrix(t[t["period_number"] > 0])
    with pytest.raises(ValueError, match="first bad row is cohort 2024-02, period 1"):
        retention_matrix(t.assign(active=[2, 1, 1, 1, 5, 1]))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        period_retention_rates(t.assign(period_number=t["period_number"] - 1))
    with pytest.raises(ValueError, match="empty"):
        average_retention_curve(t.iloc[:0])


def test_bad_valuation_inputs():
    with pytest.raises(ValueError, match="retention must be finite and >= 0 and <= 1"):
        firm_value(100, 1.2, 0.1)
    with pytest.raises(ValueError, match="infinite when retention"):
        firm_value(100, 1.0, 0.0, current_customers=1)  # r = 1 is finite only with discounting
    with pytest.raises(ValueError, match="discount_rate must be finite and > -1"):
        firm_value(100, 0.5, -1.0)
    with pytest.raises(TypeError, match="margin must be a number"):
        firm_value("100 $", 0.5, 0.1)
    with pytest.raises(ValueError, match=r"growth \(0.2\) must be below the discount rate"):
        firm_value(100, 0.5, 0.1, new_customers=10, growth=0.2)
    assert firm_value(100, 0.5, 0.1, new_customers=10, growth=0.2, cohorts=3) > 0  # a finite horizon is fine
    with pytest.raises(ValueError, match="cohorts must be None"):
        firm_value(100, 0.5, 0.1, cohorts=-1)
    with pytest.raises(ValueError, match="growth must be finite and > -1"):
        firm_value(100, 0.5, 0.1, growth=-1)
    with pytest.raises(ValueError, match="is 1.0099, above 1"):
        value_levers(100, 0.9999, 0.1)
    with pytest.raises(ValueError, match="improvement is a share"):
        value_levers(100, 0.5, 0.1, improvement=5)


# --- plots -------------------------------------------------------------------------------------


@pytest.fixture
def axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_heatmap_leaves_unobserved_cells_blank(log, axes):
    m = retention_matrix(table_of(log))
    plotting.plot_retention_heatmap(m, ax=axes)
    image = axes.get_images()[0]
    assert image.get_array().mask.sum() == 3  # the three NaN cells
    texts = sorted(t.get_text() for t in axes.texts)
    assert texts == sorted(["100%", "50%", "50%", "100%", "0%", "100%"])
    assert axes.get_xlabel().startswith("Time since acquisition (months")
    axes.clear()
    plotting.plot_retention_heatmap(retention_matrix(table_of(log, freq="Q", observation_end="2024-06-30")), ax=axes)
    assert axes.get_xlabel().startswith("Time since acquisition (quarters")  # read from the cohorts' Periods


def test_curves_average_and_revenue_layers(log, axes):
    t = table_of(log)
    plotting.plot_retention_curves(retention_matrix(t), average=average_retention_curve(t), ax=axes)
    assert len(axes.get_lines()) == 4 and axes.get_lines()[-1].get_ydata().tolist() == pytest.approx([1, 1 / 3, 0.5])
    axes.clear()
    plotting.plot_retention_curves(retention_matrix(t), average=average_retention_curve(t), min_period=1, ax=axes)
    assert axes.get_lines()[-1].get_xdata().tolist() == [1, 2]
    assert [t.get_text() for t in axes.get_legend().get_texts()][:3] == [str(c) for c in retention_matrix(t).index]
    axes.clear()
    plotting.plot_cohort_revenue(t, ax=axes)
    assert len(axes.collections) == 3 and axes.get_ylabel() == "Revenue per month ($)"
    axes.clear()
    plotting.plot_cohort_revenue(t, cohort_group="Q", ax=axes)
    assert len(axes.collections) == 1  # the three monthly cohorts are one quarter
    axes.clear()
    plotting.plot_value_levers(value_levers(100, 0.8, 0.1, acquisition_cost=50, new_customers=10), ax=axes)
    assert [t.get_text() for t in axes.texts] == ["+3.17 %", "+1.16 %", "+0.16 %"]


def test_plots_reject_bad_input(log, axes):
    t = table_of(log)
    with pytest.raises(TypeError, match="retention_matrix"):
        plotting.plot_retention_heatmap(pd.DataFrame({0: ["a"]}), ax=axes)
    with pytest.raises(ValueError, match="shares >= 0"):
        plotting.plot_retention_curves(-retention_matrix(t), ax=axes)
    with pytest.raises(TypeError, match="average must be"):
        plotting.plot_retention_curves(retention_matrix(t), average=[1, 0.5], ax=axes)
    with pytest.raises(ValueError, match="min_period must be a whole number from 0 to 2"):
        plotting.plot_retention_curves(retention_matrix(t), min_period=3, ax=axes)
    with pytest.raises(ValueError, match="coarser than the table's periods"):
        plotting.plot_cohort_revenue(t, cohort_group="M", ax=axes)
    with pytest.raises(ValueError, match="column 'revenue' is missing"):
        plotting.plot_cohort_revenue(t.drop(columns="revenue"), ax=axes)
    with pytest.raises(ValueError, match="change_pct"):
        plotting.plot_value_levers(pd.DataFrame({"change_pct": [np.nan]}), ax=axes)

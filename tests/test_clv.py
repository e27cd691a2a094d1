"""Tests of relmkt_lib.clv and its plots: closed forms, brute-force sums, finite differences,
consistency with chapters 01 and 03, the Gupta-Lehmann-Stuart magnitudes, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relmkt_lib import cohorts, metrics, plotting
from relmkt_lib.clv import (
    clv_levers,
    clv_schedule,
    customer_equity,
    firm_value,
    retention_elasticity,
    simple_clv,
    value_levers,
)


def brute(m, r, d, horizon, timing="end", g=0.0):
    """The sum written out, term by term."""
    ts = range(1, horizon + 1) if timing == "end" else range(horizon)
    return sum(m * (1 + g) ** k * r**t / (1 + d) ** t for k, t in enumerate(ts))


def test_closed_forms_of_both_timings():
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(100 * 0.8 / 0.3)          # m r / (1 + d - r)
    assert simple_clv(100, 0.8, 0.1, timing="start") == pytest.approx(110 / 0.3)  # m (1 + d) / (1 + d - r)
    # "start" is "end" plus the first margin; chapter 01 and chapter 03 agree
    assert simple_clv(60, 0.5, 0.12, timing="start") == pytest.approx(60 + simple_clv(60, 0.5, 0.12))
    assert simple_clv(60, 0.5, 0.12) == pytest.approx(metrics.lifetime_value(60, 0.5, 0.12))
    assert simple_clv(60, 0.5, 0.12, timing="start", acquisition_cost=20) == pytest.approx(
        cohorts.firm_value(60, 0.5, 0.12, acquisition_cost=20, new_customers=1, cohorts=1))
    # hand-computed: 100 * 0.8 / 1.1 + 100 * 0.64 / 1.21 = 72.727... + 52.892...
    assert simple_clv(100, 0.8, 0.1, horizon=2) == pytest.approx(125.6198, abs=1e-4)
    assert simple_clv(100, 0.8, 0.1, horizon=0) == 0.0
    assert simple_clv(100, 0.0, 0.1) == 0.0 and simple_clv(100, 0.0, 0.1, timing="start") == 100.0


@settings(max_examples=60, deadline=None)
@given(m=st.floats(-50, 500), r=st.floats(0, 0.99), d=st.floats(-0.5, 0.5), h=st.integers(0, 40),
       g=st.floats(-0.2, 0.2), timing=st.sampled_from(["end", "start"]))
def test_finite_horizon_matches_the_sum_written_out(m, r, d, h, g, timing):
    assert simple_clv(m, r, d, horizon=h, timing=timing, margin_growth=g) == pytest.approx(
        brute(m, r, d, h, timing, g), rel=1e-9, abs=1e-9)


def test_long_horizon_converges_to_the_infinite_one_and_q_equal_one_is_handled():
    for timing in ("end", "start"):
        assert brute(80, 0.9, 0.1, 600, timing) == pytest.approx(simple_clv(80, 0.9, 0.1, timing=timing))
        assert simple_clv(80, 0.9, 0.1, horizon=2000, timing=timing) == pytest.approx(
            simple_clv(80, 0.9, 0.1, timing=timing))
    # margin growth: q = r (1 + g) / (1 + d); closed form m r / (1 + d - r (1 + g))
    assert simple_clv(100, 0.8, 0.1, margin_growth=0.05) == pytest.approx(80 / (1.1 - 0.84))
    # r = 1 and d = 0: every term is m, so T terms sum to m T
    assert simple_clv(10, 1.0, 0.0, horizon=7) == pytest.approx(70)
    assert simple_clv(10, 1.0, 0.0, horizon=7, timing="start") == pytest.approx(70)


def test_arrays_broadcast_and_series_keep_their_index():
    r = np.array([0.2, 0.5, 0.8])
    out = simple_clv(np.array([[50.0], [100.0]]), r, 0.1)
    assert out.shape == (2, 3) and out[1, 2] == pytest.approx(simple_clv(100, 0.8, 0.1))
    h = simple_clv(100, 0.8, 0.1, horizon=np.array([1, 5, 10]))
    assert h == pytest.approx([brute(100, 0.8, 0.1, t) for t in (1, 5, 10)])
    s = pd.Series([0.3, 0.6], index=["web", "referral"])
    res = simple_clv(100, s, 0.1)
    assert isinstance(res, pd.Series) and list(res.index) == ["web", "referral"]


def test_schedule_adds_up_to_simple_clv():
    for timing in ("end", "start"):
        sch = clv_schedule(100, 0.7, 0.1, horizon=12, timing=timing, margin_growth=0.02)
        assert len(sch) == 12 and sch["cumulative_clv"].iloc[-1] == pytest.approx(
            simple_clv(100, 0.7, 0.1, horizon=12, timing=timing, margin_growth=0.02))
    sch = clv_schedule(100, 0.8, 0.1, horizon=3)
    assert sch["still_there"].tolist() == pytest.approx([0.8, 0.64, 0.512])
    assert clv_schedule(100, 0.8, 0.1, horizon=3, timing="start")["paid_at"].tolist() == [0, 1, 2]


def test_customer_equity_matches_chapter_03_firm_value():
    kw = dict(margin=74.4, retention=0.365, discount_rate=0.1, acquisition_cost=36.8)
    eq = customer_equity(3028, margin=kw["margin"], retention=kw["retention"], discount_rate=0.1,
                         new_customers=1929, growth=-0.0015, acquisition_cost=36.8)
    assert eq["current_value"] == pytest.approx(cohorts.firm_value(**kw, current_customers=3028))
    assert eq["future_value"] == pytest.approx(cohorts.firm_value(**kw, new_customers=1929, growth=-0.0015))
    assert eq["equity"] == pytest.approx(eq["current_value"] + eq["future_value"])
    five = customer_equity(0, margin=74.4, retention=0.365, discount_rate=0.1, new_customers=10,
                           acquisition_cost=36.8, cohorts=5)
    assert five["future_value"] == pytest.approx(cohorts.firm_value(**kw, new_customers=10, cohorts=5))


def test_customer_equity_from_a_table_sums_customer_by_customer():
    table = pd.DataFrame({"m": [100.0, 40.0, 40.0], "r": [0.8, 0.5, 0.5], "seg": list("abb")})
    before = table.copy()
    eq = customer_equity(table, discount_rate=0.1, margin_col="m", retention_col="r")
    hand = 0.8 * 100 * 1.1 / 0.3 + 2 * 0.5 * 40 * 1.1 / 0.6
    assert eq["current_value"] == pytest.approx(hand) and eq["current_customers"] == 3
    counts = pd.DataFrame({"m": [100.0, 40.0], "r": [0.8, 0.5], "n": [1, 2]})
    assert customer_equity(counts, discount_rate=0.1, margin_col="m", retention_col="r",
                           count_col="n")["equity"] == pytest.approx(hand)
    pd.testing.assert_frame_equal(table, before)
    # with a horizon, each customer counts that many margins
    eq5 = customer_equity(1, margin=100, retention=0.8, discount_rate=0.1, horizon=5)
    assert eq5["current_value"] == pytest.approx(0.8 * brute(100, 0.8, 0.1, 5, "start"))


def test_elasticities_closed_forms():
    m, r, d = 100, 0.8, 0.1
    assert retention_elasticity(m, r, d) == pytest.approx((1 + d) / (1 + d - r))
    assert retention_elasticity(m, r, d, timing="start") == pytest.approx(r / (1 + d - r))
    assert retention_elasticity(m, r, d, of="margin") == pytest.approx(1.0)
    assert retention_elasticity(m, r, d, of="discount_rate") == pytest.approx(-d / (1 + d - r))
    c = 50.0
    v = simple_clv(m, r, d, timing="start", acquisition_cost=c)
    assert retention_elasticity(m, r, d, timing="start", acquisition_cost=c, of="acquisition_cost") == \
        pytest.approx(-c / v)
    # convex lever: the retention elasticity grows with retention
    e = retention_elasticity(m, np.linspace(0.1, 0.95, 20), d)
    assert (np.diff(e) > 0).all()


@pytest.mark.parametrize("of", ["retention", "margin", "discount_rate", "acquisition_cost"])
@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("horizon", [None, 1, 5, 30])
def test_elasticities_match_finite_differences(of, timing, horizon):
    base = dict(margin=80.0, retention=0.7, discount_rate=0.12, horizon=horizon, timing=timing,
                margin_growth=0.03, acquisition_cost=40.0)
    eps = 1e-6
    up = simple_clv(**{**base, of: base[of] * (1 + eps)})
    down = simple_clv(**{**base, of: base[of] * (1 - eps)})
    numeric = (up - down) / (2 * eps) / simple_clv(**base)
    assert retention_elasticity(**base, of=of) == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_elasticity_at_q_equal_one_matches_finite_differences():
    base = dict(margin=10.0, retention=0.5, discount_rate=0.0, horizon=6, margin_growth=1.0)
    eps = 1e-6
    f = lambda r: simple_clv(**{**base, "retention": r})  # noqa: E731
    numeric = (f(0.5 * (1 + eps)) - f(0.5 * (1 - eps))) / (2 * eps) / f(0.5)
    assert retention_elasticity(**base) == pytest.approx(numeric, rel=1e-5)


def test_levers_and_gupta_lehmann_stuart_magnitudes():
    lv = clv_levers(100, 0.8, 0.1)
    assert lv.loc["margin", "change_pct"] == pytest.approx(1.0)
    assert lv.loc["retention", "change_pct"] == pytest.approx((0.808 / (1.1 - 0.808)) / (0.8 / 0.3) * 100 - 100)
    assert lv.loc["retention", "elasticity"] == pytest.approx(1.1 / 0.3)
    assert lv.loc["discount rate", "to"] == pytest.approx(0.099)
    assert lv.loc["margin", "clv"] == pytest.approx(1.01 * simple_clv(100, 0.8, 0.1))  # the base, times 1.01
    # golden (published): Gupta, Lehmann & Stuart (2004) found that 1 % better
    # retention, margin and acquisition cost raise value by about 5 %, 1 % and 0.1 %
    lv = clv_levers(100, 0.9, 0.1, timing="start", acquisition_cost=50)
    ret, margin, _, acq = lv["change_pct"]
    assert 4.5 < ret < 5.5 and 0.95 < margin < 1.2 and 0.05 < acq < 0.15


def test_each_formula_lives_once_and_customer_equity_means_one_thing():
    """clv owns CLV, customer equity, firm value and the levers; metrics and cohorts re-export or call them."""
    assert cohorts.firm_value is firm_value and cohorts.value_levers is value_levers
    assert metrics.customer_equity is customer_equity
    kw = dict(margin=74.4, retention=0.365, discount_rate=0.1)
    eq = customer_equity(3028, **kw, new_customers=1929, growth=-0.0015, acquisition_cost=36.8, horizon=7)
    assert firm_value(**kw, current_customers=3028, new_customers=1929, growth=-0.0015, acquisition_cost=36.8,
                      horizon=7) == eq["equity"]
    # the value of a new customer in both is simple_clv with timing "start"
    assert firm_value(**kw, new_customers=1, cohorts=1) == pytest.approx(simple_clv(**kw, timing="start"))


@pytest.mark.parametrize("horizon", [1, 3, 12])
def test_horizon_counts_the_same_number_of_periods_everywhere(horizon):
    """horizon = T future periods counted: T margins, the first next period ("end") or now ("start")."""
    assert len(clv_schedule(100, 0.8, 0.1, horizon=horizon)) == horizon
    for timing in ("end", "start"):
        assert simple_clv(100, 0.8, 0.1, horizon=horizon, timing=timing) == pytest.approx(
            brute(100, 0.8, 0.1, horizon, timing))
    one = customer_equity(1, margin=100, retention=0.8, discount_rate=0.1, horizon=horizon)
    assert one["current_value"] == pytest.approx(0.8 * brute(100, 0.8, 0.1, horizon, "start"))
    assert firm_value(100, 0.8, 0.1, new_customers=1, cohorts=1, horizon=horizon) == pytest.approx(
        brute(100, 0.8, 0.1, horizon, "start"))


def test_improved_retention_may_reach_one_but_not_exceed_it():
    """The edge of both lever tables: r (1 + x) = 1 is a probability (finite value when d > 0); above 1 is not."""
    lv = clv_levers(100, 0.8, 0.1, improvement=0.25)  # 0.8 x 1.25 = 1
    assert lv.loc["retention", "to"] == 1.0
    assert lv.loc["retention", "clv"] == pytest.approx(100 * 1.0 / (1.1 - 1.0))  # m r / (1 + d - r)
    firm = value_levers(100, 0.8, 0.1, current_customers=10, improvement=0.25)
    assert firm.loc["retention", "value"] == pytest.approx(10 * 1.0 * 100 * 1.1 / 0.1)
    assert firm_value(100, 1.0, 0.1, current_customers=1) == pytest.approx(1100.0)  # r = 1 is allowed
    r = 1 / 1.01  # x (1 + 1 %) is 1 up to rounding: still allowed
    assert clv_levers(100, r, 0.1).loc["retention", "to"] == 1.0
    with pytest.raises(ValueError, match="above 1"):
        clv_levers(100, 0.9999, 0.1)
    with pytest.raises(ValueError, match="above 1"):
        value_levers(100, 0.9999, 0.1, new_customers=10)
    with pytest.raises(ValueError, match="infinite"):  # r = 1 with no discounting and no horizon
        clv_levers(100, 0.8, 0.0, improvement=0.25)


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        simple_clv(100, 0.8, 0.1, 5)
    with pytest.raises(TypeError):
        clv_schedule(100, 0.8, 0.1, 5)
    with pytest.raises(TypeError):
        firm_value(100, 0.8, 0.1, 50)
    with pytest.raises(TypeError):
        simple_clv(100, 0.8, discount=0.1)  # the glossary's word is discount_rate


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="retention .*1.2"):
        simple_clv(100, 1.2, 0.1)
    with pytest.raises(ValueError, match="retention .*-0.1.*position 1"):
        simple_clv(100, [0.5, -0.1], 0.1)
    with pytest.raises(ValueError, match="discount_rate must be finite and > -1"):
        simple_clv(100, 0.8, -1.0)
    with pytest.raises(ValueError, match="infinite.*horizon"):
        simple_clv(100, 1.0, 0.0)
    with pytest.raises(ValueError, match="infinite"):
        simple_clv(100, 0.95, 0.1, margin_growth=0.2)
    with pytest.raises(ValueError, match="horizon must be >= 0"):
        simple_clv(100, 0.8, 0.1, horizon=-1)
    with pytest.raises(TypeError, match="horizon must be"):
        simple_clv(100, 0.8, 0.1, horizon=2.5)
    with pytest.raises(TypeError, match="horizon must be"):
        simple_clv(100, 0.8, 0.1, horizon="5")
    with pytest.raises(TypeError, match="margin"):
        simple_clv("100", 0.8, 0.1)
    with pytest.raises(ValueError, match="timing"):
        simple_clv(100, 0.8, 0.1, timing="middle")
    with pytest.raises(ValueError, match="acquisition_cost"):
        simple_clv(100, 0.8, 0.1, acquisition_cost=-5)
    with pytest.raises(ValueError, match="of must be"):
        retention_elasticity(100, 0.8, 0.1, of="price")
    with pytest.raises(ValueError, match="improvement"):
        clv_levers(100, 0.8, 0.1, improvement=2)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        clv_schedule(100, 0.8, 0.1, horizon=0)
    with pytest.raises(ValueError, match="single numbers"):
        clv_schedule(100, [0.8, 0.5], 0.1, horizon=3)
    with pytest.raises(ValueError, match="of must be one of.*discount_rate"):
        retention_elasticity(100, 0.8, 0.1, of="discount")


def test_bad_equity_input():
    table = pd.DataFrame({"margin": [10.0, 20.0], "retention": [0.5, 1.5]}, index=["x", "y"])
    d = {"discount_rate": 0.1}
    with pytest.raises(ValueError, match="'retention'.*'y'"):
        customer_equity(table, **d)
    with pytest.raises(ValueError, match="column 'marge' is missing"):
        customer_equity(table, margin_col="marge", **d)
    with pytest.raises(ValueError, match="margin= and retention="):
        customer_equity(100, **d)
    with pytest.raises(ValueError, match="growth"):
        customer_equity(0, margin=10, retention=0.5, new_customers=5, growth=0.2, **d)
    with pytest.raises(ValueError, match="cohorts"):
        customer_equity(0, margin=10, retention=0.5, new_customers=5, cohorts=-1, **d)
    with pytest.raises(ValueError, match="discount_rate must be finite and > -1"):
        customer_equity(10, margin=10, retention=0.5, discount_rate=-1.0)
    with pytest.raises(ValueError, match="new_customers > 0 needs"):
        customer_equity(table.iloc[:1], new_customers=3, **d)
    with pytest.raises(TypeError, match="discount_rate"):
        customer_equity(10, margin=10, retention=0.5)  # a discount rate is never implied


@pytest.fixture
def axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plots_draw_and_reject_bad_input(axes):
    sch = clv_schedule(100, 0.8, 0.1, horizon=10)
    ax = plotting.plot_clv_schedule(sch, limit=simple_clv(100, 0.8, 0.1), ax=axes)
    assert len(ax.patches) == 10 and len(ax.get_lines()) == 2
    grid = np.linspace(0, 0.9, 10)
    curves = pd.DataFrame({"m = 50 $": simple_clv(50, grid, 0.1), "m = 100 $": simple_clv(100, grid, 0.1)},
                          index=grid)
    ax.clear()
    plotting.plot_clv_sensitivity(curves, mark=0.36, ax=ax)
    assert len(ax.get_lines()) == 3
    with pytest.raises(ValueError, match="cumulative_clv"):
        plotting.plot_clv_schedule(sch.drop(columns="cumulative_clv"), ax=ax)
    with pytest.raises(ValueError, match="index of curves"):
        plotting.plot_clv_sensitivity(curves.set_axis(grid * 100), ax=ax)
    with pytest.raises(ValueError, match="mark"):
        plotting.plot_clv_sensitivity(curves, mark=36, ax=ax)


def test_a_discount_rate_given_in_percent_is_flagged():
    """10 for 10 % is a classic slip: the value is computed, with a DataWarning saying what to write."""
    from relmkt_lib import migration
    from relmkt_lib.contractual import ShiftedBetaGeometric
    from relmkt_lib.exceptions import DataWarning

    with pytest.warns(DataWarning, match=r"discount_rate=10 looks like a percentage.*0\.10 for 10 %"):
        simple_clv(100, 0.8, 10)
    P, R = migration.pfeifer_carraway_example()
    with pytest.warns(DataWarning, match="discount_rate=20 looks like a percentage"):
        migration.markov_clv(P, R, 20)
    with pytest.warns(DataWarning, match="looks like a percentage"):
        ShiftedBetaGeometric().fit([1000, 631, 468, 382]).derl(10)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simple_clv(100, 0.8, 0.10)  # a share: no warning


def test_firm_value_needs_the_customers_to_value():
    """Issue 10: with both counts left out the value was a silent 0.0; now a TypeError saying what to pass."""
    for fn in (firm_value, value_levers):
        with pytest.raises(TypeError, match=r"pass current_customers= \(customers you have now\) and/or "
                                            r"new_customers="):
            fn(100, 0.8, 0.1)
    # either count alone is enough, the other counts 0; explicit zeros are a (zero) answer
    assert firm_value(100, 0.8, 0.1, current_customers=10) == pytest.approx(
        customer_equity(10, margin=100, retention=0.8, discount_rate=0.1)["equity"])
    assert firm_value(100, 0.8, 0.1, new_customers=1, cohorts=1) == pytest.approx(100 * 1.1 / 0.3)
    assert firm_value(100, 0.8, 0.1, current_customers=0, new_customers=0) == 0.0
    # the inputs are still checked first
    with pytest.raises(ValueError, match="retention must be finite"):
        firm_value(100, 1.2, 0.1)

"""Churn and uplift plots: labels, lines, legends, refusals, drawing on a given Axes, real renders."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from relmkt_lib.plotting._churn import (  # noqa: E402
    plot_calibration,
    plot_gains,
    plot_importance,
    plot_lift_bins,
    plot_partial_dependence,
    plot_profit_curve,
    plot_qini,
    plot_roc,
)

PLOTS = Path("/tmp/plots")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def gains():
    return pd.DataFrame({"cum_share": [1 / 3, 2 / 3, 1.0], "cum_capture": [0.5, 1.0, 1.0],
                         "lift": [1.5, 1.5, 0.0]}, index=pd.RangeIndex(1, 4, name="bin"))


def calib():
    return pd.DataFrame({"customers": [2, 6], "mean_predicted": [0.15, 0.8], "observed_rate": [0.0, 1.0]})


def profit():
    return pd.DataFrame({"share_targeted": [0, 0.25, 0.5, 0.75, 1.0], "profit": [0, 8, 6, 14, 12.0],
                         "best": [False, False, False, True, False]})


def qini():
    return pd.DataFrame({"share_targeted": [0, 0.25, 0.5, 0.75, 1.0], "qini": [0, 1, 1, 2, 1.0]})


def importance():
    t = pd.DataFrame({"importance_mean": [0.02, 0.21, 0.0, 0.05], "importance_std": [0.01, 0.03, 0.005, 0.02]},
                     index=pd.Index(["plan", "spend", "noise", "tenure"], name="column"))
    t.attrs.update(scoring="roc_auc", score_label="ROC AUC")
    return t


def pd_number():
    t = pd.DataFrame({"value": [10.0, 20.0, 30.0], "average_risk": [0.6, 0.4, 0.1]})
    t.attrs.update(column="spend", kind="number")
    return t


def pd_category():
    t = pd.DataFrame({"value": ["basic", "family", "plus"], "average_risk": [0.6, 0.5, 0.52]})
    t.attrs.update(column="plan", kind="category")
    return t


def legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_gains_curve_starts_at_origin_with_diagonal_and_perfect_model():
    _, ax = plt.subplots()
    out = plot_gains(gains(), positive_share=1 / 3, ax=ax)
    assert out is ax
    model, diag, perfect = ax.get_lines()
    np.testing.assert_allclose(model.get_xdata(), [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(model.get_ydata(), [0, 0.5, 1, 1])
    np.testing.assert_allclose(diag.get_ydata(), [0, 1])
    np.testing.assert_allclose(perfect.get_xdata(), [0, 1 / 3, 1])
    assert legend(ax) == ["model", "random targeting", "perfect model"]
    assert ax.get_ylabel() == "Share of all positives found (%)"


def test_gains_without_share_has_two_lines_and_refuses_bad_share():
    _, ax = plt.subplots()
    assert len(plot_gains(gains(), ax=ax).get_lines()) == 2
    with pytest.raises(ValueError, match="positive_share"):
        plot_gains(gains(), positive_share=1.5, ax=ax)


def test_lift_bars_one_per_bin_and_unit_line():
    _, ax = plt.subplots()
    plot_lift_bins(gains(), ax=ax)
    assert [p.get_height() for p in ax.patches] == [1.5, 1.5, 0.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [1.0, 1.0])
    assert legend(ax) == ["random targeting (1.0)", "model"]
    assert ax.get_xlabel() == "Bin of customers, 1 = highest scores"


def test_roc_hand_case_auc_and_single_diagonal():
    _, ax = plt.subplots()
    plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], ax=ax, label="A")
    plot_roc([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.8], ax=ax, label="B")
    assert len(ax.get_lines()) == 3  # two curves, one diagonal
    assert legend(ax) == ["A (AUC 0.75)", "random (AUC 0.50)", "B (AUC 1.00)"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0, 0.5, 0.5, 1, 1])


def test_roc_refusals():
    with pytest.raises(ValueError, match=r"y_true holds a single class \(all 1\)"):
        plot_roc([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="position 1 holds 2"):
        plot_roc([0, 2], [0.2, 0.3])
    with pytest.raises(ValueError, match="same length"):
        plot_roc([0, 1], [0.2])


def test_calibration_points_sized_by_customers():
    _, ax = plt.subplots()
    plot_calibration(calib(), ax=ax)
    (dots,) = ax.collections
    sizes = dots.get_sizes()
    assert sizes[1] > sizes[0]
    np.testing.assert_allclose(sizes, [20 + 280 * 2 / 6, 300])
    np.testing.assert_allclose(dots.get_offsets(), [[0.15, 0.0], [0.8, 1.0]])
    assert legend(ax) == ["bins (area = customers)", "perfectly calibrated"]
    assert ax.get_ylabel() == "Observed rate (%)"


def test_profit_curve_marks_the_best_point():
    _, ax = plt.subplots()
    plot_profit_curve(profit(), ax=ax)
    curve, best = ax.get_lines()[:2]
    np.testing.assert_allclose(best.get_xdata(), [0.75])
    np.testing.assert_allclose(best.get_ydata(), [14.0])
    assert legend(ax) == ["profit", "best: target 75 %, profit $14"]
    assert ax.get_ylabel() == "Profit ($)"


def test_profit_curve_refuses_no_best_row():
    bad = profit().assign(best=False)
    with pytest.raises(ValueError, match="curve.best must be True on exactly one row, got 0"):
        plot_profit_curve(bad)


def test_qini_random_line_from_origin_to_last_point():
    _, ax = plt.subplots()
    plot_qini(qini(), ax=ax)
    model, rand = ax.get_lines()[:2]
    np.testing.assert_allclose(rand.get_xdata(), [0, 1.0])
    np.testing.assert_allclose(rand.get_ydata(), [0, 1.0])
    np.testing.assert_allclose(model.get_ydata(), [0, 1, 1, 2, 1])
    assert legend(ax) == ["uplift model", "random targeting"]


def test_qini_two_rankings_share_one_random_line():
    _, ax = plt.subplots()
    plot_qini(qini(), ax=ax, label="by uplift")
    plot_qini(qini().assign(qini=lambda d: d["qini"] / 2), ax=ax, label="by risk", random_line=False)
    assert legend(ax) == ["by uplift", "random targeting", "by risk"]
    assert sum(line.get_label() == "random targeting" for line in ax.get_lines()) == 1
    with pytest.raises(TypeError, match="random_line must be True or False"):
        plot_qini(qini(), ax=ax, random_line="no")


@pytest.mark.parametrize("func, table, column", [
    (plot_gains, gains(), "cum_capture"),
    (plot_lift_bins, gains(), "lift"),
    (plot_calibration, calib(), "customers"),
    (plot_profit_curve, profit(), "best"),
    (plot_qini, qini(), "qini"),
    (plot_importance, importance(), "importance_std"),
    (plot_partial_dependence, pd_number(), "average_risk"),
    (plot_partial_dependence, pd_category(), "value"),
])
def test_missing_column_is_named(func, table, column):
    with pytest.raises(ValueError, match=f"column '{column}' is missing from"):
        func(table.drop(columns=column))


def test_non_numeric_value_names_column_and_row_and_input_untouched():
    t = qini().astype({"qini": object})
    t.loc[2, "qini"] = "n/a"
    before = t.copy()
    with pytest.raises(ValueError, match=r"curve.qini has 1 missing or non-numeric value\(s\); the first is in row 2"):
        plot_qini(t)
    pd.testing.assert_frame_equal(t, before)


def test_importance_bars_largest_on_top_with_error_bars():
    _, ax = plt.subplots()
    assert plot_importance(importance(), ax=ax, title="What the model relies on") is ax
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # the y axis is inverted, so the first tick is drawn at the top
    assert labels == ["spend", "tenure", "plan", "noise"] and ax.yaxis_inverted()
    assert [p.get_width() for p in ax.patches] == [0.21, 0.05, 0.02, 0.0]
    from matplotlib.container import BarContainer

    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert bars.errorbar is not None and bars.errorbar.has_xerr
    (segments,) = bars.errorbar.lines[2]
    np.testing.assert_allclose([s[:, 0] for s in segments.get_segments()],
                               [[0.18, 0.24], [0.03, 0.07], [0.01, 0.03], [-0.005, 0.005]])
    assert ax.get_xlabel() == "Drop in ROC AUC when the column is shuffled"
    assert ax.get_ylabel() == "Column" and ax.get_title() == "What the model relies on"


def test_importance_top_and_score_label_and_refusals():
    _, ax = plt.subplots()
    t = importance()
    t.attrs["score_label"] = "PR AUC (average precision)"
    plot_importance(t, top=2, ax=ax)
    assert len(ax.patches) == 2 and [x.get_text() for x in ax.get_yticklabels()] == ["spend", "tenure"]
    assert ax.get_xlabel() == "Drop in PR AUC (average precision) when the column is shuffled"
    assert ax.get_ylabel() == "Column (the 2 largest of 4)"
    with pytest.raises(ValueError, match="top must be a whole number of columns of at least 1"):
        plot_importance(importance(), top=0)
    bad = importance()
    bad.loc["plan", "importance_std"] = -0.1
    with pytest.raises(ValueError, match="table.importance_std must be >= 0; row 'plan' holds -0.1"):
        plot_importance(bad)


def test_partial_dependence_line_for_numbers_bars_for_categories():
    _, ax = plt.subplots()
    assert plot_partial_dependence(pd_number(), ax=ax) is ax
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [10, 20, 30])
    np.testing.assert_allclose(line.get_ydata(), [0.6, 0.4, 0.1])
    assert not ax.patches
    assert ax.get_xlabel() == "spend" and ax.get_ylabel() == "Average predicted churn risk (%)"
    _, ax = plt.subplots()
    plot_partial_dependence(pd_category(), ax=ax)
    assert [p.get_height() for p in ax.patches] == [0.6, 0.5, 0.52] and not ax.get_lines()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["basic", "family", "plus"]
    assert ax.get_xlabel() == "plan" and ax.get_ylabel() == "Average predicted churn risk (%)"
    # without attrs the kind is read from the values
    _, ax = plt.subplots()
    plot_partial_dependence(pd.DataFrame({"value": ["x", "y"], "average_risk": [0.1, 0.2]}), ax=ax)
    assert len(ax.patches) == 2 and ax.get_xlabel() == "value"


def test_draws_on_current_axes_when_ax_is_none():
    fig, ax = plt.subplots()
    assert plot_qini(qini()) is ax


def test_render_real_data_to_png():
    from relmkt_lib.churn import calibration_table, fit_churn_model, gains_table, profit_curve
    from relmkt_lib.uplift import qini_curve

    rng = np.random.default_rng(3)
    n = 1500
    spend = rng.gamma(2.0, 20.0, n)
    tenure = rng.integers(1, 60, n)
    p = 1 / (1 + np.exp((spend - 35) / 10 + (tenure - 30) / 20))
    table = pd.DataFrame({"customer_id": np.arange(n), "spend": spend, "tenure": tenure,
                          "plan": rng.choice(["basic", "plus"], n), "churn": (rng.random(n) < p).astype(int)})
    model = fit_churn_model(table, "churn", cv=3, rng=1)
    proba = model.predict_proba(table).to_numpy()
    y = table["churn"].to_numpy()
    treat = rng.integers(0, 2, n)
    resp = (rng.random(n) < 0.1 + 0.15 * treat * (spend > 40)).astype(int)
    uplift_score = spend + rng.normal(0, 10, n)
    PLOTS.mkdir(exist_ok=True)
    fig, axes = plt.subplots(2, 3, figsize=(15, 9), layout="constrained")
    plot_gains(gains_table(y, proba), positive_share=y.mean(), ax=axes[0, 0])
    plot_lift_bins(gains_table(y, proba), ax=axes[0, 1])
    plot_roc(y, proba, ax=axes[0, 2], label="logistic")
    plot_calibration(calibration_table(y, proba), ax=axes[1, 0])
    plot_profit_curve(profit_curve(y, proba, value=100, cost=20), ax=axes[1, 1])
    plot_qini(qini_curve(resp, uplift_score, treat), ax=axes[1, 2])
    fig.savefig(PLOTS / "churn_plots.png", dpi=80)
    assert (PLOTS / "churn_plots.png").stat().st_size > 10_000


def test_render_importance_and_partial_dependence_to_png():
    from relmkt_lib.churn import fit_churn_model

    rng = np.random.default_rng(4)
    n = 1500
    spend = rng.gamma(2.0, 20.0, n)
    plan = rng.choice(["basic", "plus", "family"], n)
    p = 1 / (1 + np.exp((spend - 35) / 10 - 0.8 * (plan == "basic")))
    table = pd.DataFrame({"spend": spend, "plan": plan, "noise": rng.normal(size=n),
                          "churn": (rng.random(n) < p).astype(int)})
    model = fit_churn_model(table.iloc[:1000], "churn", model="gradient_boosting", cv=3, rng=1)
    held_out = table.iloc[1000:]
    PLOTS.mkdir(exist_ok=True)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    plot_importance(model.importance(held_out, rng=2), ax=axes[0])
    plot_partial_dependence(model.partial_dependence(held_out, "spend"), ax=axes[1])
    plot_partial_dependence(model.partial_dependence(held_out, "plan"), ax=axes[2])
    assert [t.get_text() for t in axes[0].get_yticklabels()][0] == "spend"
    fig.savefig(PLOTS / "churn_importance.png", dpi=80)
    assert (PLOTS / "churn_importance.png").stat().st_size > 10_000

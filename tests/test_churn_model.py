"""fit_churn_model on customer tables as practitioners export them: cleaning, scores, refusals."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from relmkt_lib._churn_model import MIN_CLASS_ROWS, ChurnModel, fit_churn_model
from relmkt_lib.exceptions import DataWarning, NotFittedError


def messy_table(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """A CRM export: ids, Yes/No target, numbers as text with blanks, a text category, NaN, a constant."""
    rng = np.random.default_rng(seed)
    monthly = rng.gamma(2.0, 20.0, n)
    tenure = rng.integers(1, 72, n).astype(float)
    contract = rng.choice(["month-to-month", "one year", "two year"], n)
    logit = -0.5 + 0.04 * (monthly - 40) - 0.05 * (tenure - 36) + 1.0 * (contract == "month-to-month")
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    monthly_text = np.array([f" {v:.1f}" for v in monthly], dtype=object)
    monthly_text[::25] = ""                       # 40 blank cells
    tenure[::50] = np.nan                         # 20 missing
    return pd.DataFrame({
        "customerID": [f"{i:04d}-AB{i % 7}" for i in range(n)],
        "MonthlyCharges": monthly_text,
        "tenure": tenure,
        "Contract": contract,
        "Country": "CA",
        "Churn": np.where(churn, "Yes", "No"),
    }, index=pd.RangeIndex(100, 100 + n))


def signal_table(n: int, *, strength: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = rng.random(n) < 1 / (1 + np.exp(-strength * (x1 - 0.5 * x2)))
    return pd.DataFrame({"x1": x1, "x2": x2, "segment": rng.choice(list("abc"), n), "churned": y.astype(int)})


def test_messy_table_fits_and_reports():
    df = messy_table()
    m = fit_churn_model(df, "Churn", rng=1)
    r = m.report_
    assert r.loc["customerID", "role"] == "id"
    assert r.loc["MonthlyCharges", "role"] == "number (from text)"
    assert r.loc["MonthlyCharges", "missing"] == 40
    assert r.loc["tenure", "role"] == "number" and r.loc["tenure", "missing"] == 20
    assert r.loc["Contract", "role"] == "category" and r.loc["Contract", "missing"] == 0
    assert r.loc["Country", "role"] == "dropped" and "constant" in r.loc["Country", "action"]
    assert r.loc["Churn", "role"] == "target"
    assert m.features_ == ["MonthlyCharges", "tenure", "Contract"]
    assert m.positive_ == "Yes"
    assert list(m.cv_scores_.columns) == ["roc_auc", "pr_auc", "brier", "log_loss"]
    assert list(m.cv_scores_.index) == [1, 2, 3, 4, 5, "mean"]
    assert m.cv_scores_.loc["mean", "roc_auc"] == pytest.approx(m.cv_scores_.loc[1:5, "roc_auc"].mean())
    assert m.cv_scores_.loc["mean", "roc_auc"] > 0.75
    # the pipeline is sklearn's: a ColumnTransformer, then the classifier
    assert [name for name, _ in m.pipeline_.steps] == ["prepare", "model"]
    assert type(m.pipeline_.named_steps["model"]).__name__ == "LogisticRegression"
    assert "customerID" not in set(m.pipeline_.named_steps["prepare"].feature_names_in_)
    # the probability is of "Yes": a logistic regression's mean fitted probability is the share of "Yes"
    p = m.predict_proba(df)
    assert p.mean() == pytest.approx((df["Churn"] == "Yes").mean(), abs=0.005)
    assert p[df["Churn"] == "Yes"].mean() > p[df["Churn"] == "No"].mean()


def test_callers_frame_not_modified():
    df = messy_table()
    before = df.copy()
    m = fit_churn_model(df, "Churn", rng=1)
    m.predict_proba(df)
    pd.testing.assert_frame_equal(df, before)


def test_separable_problem_scores_high_and_noise_near_half():
    strong = fit_churn_model(signal_table(2000, strength=4.0, seed=1), "churned", rng=0)
    assert strong.cv_scores_.loc["mean", "roc_auc"] > 0.9
    assert strong.positive_ == 1
    noise = fit_churn_model(signal_table(2000, strength=0.0, seed=2), "churned", rng=0)
    assert abs(noise.cv_scores_.loc["mean", "roc_auc"] - 0.5) < 0.05
    # on noise the base rate is the best forecast: Brier near p(1 - p), log loss near the entropy
    p = signal_table(2000, strength=0.0, seed=2)["churned"].mean()
    assert noise.cv_scores_.loc["mean", "brier"] == pytest.approx(p * (1 - p), abs=0.01)
    entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    assert noise.cv_scores_.loc["mean", "log_loss"] == pytest.approx(entropy, abs=0.02)
    assert noise.cv_scores_.loc["mean", "pr_auc"] == pytest.approx(p, abs=0.05)


def test_gradient_boosting_works_too():
    m = fit_churn_model(signal_table(2000, strength=4.0, seed=3), "churned", model="gradient_boosting", cv=3, rng=0)
    assert type(m.pipeline_.named_steps["model"]).__name__ == "HistGradientBoostingClassifier"
    assert m.cv_scores_.loc["mean", "roc_auc"] > 0.9
    assert len(m.cv_scores_) == 4


def test_same_rng_same_scores():
    df = messy_table(600)
    a = fit_churn_model(df, "Churn", model="gradient_boosting", cv=3, rng=7).cv_scores_
    b = fit_churn_model(df, "Churn", model="gradient_boosting", cv=3, rng=7).cv_scores_
    pd.testing.assert_frame_equal(a, b)


def test_predict_proba_aligned_to_shuffled_index():
    df = messy_table()
    m = fit_churn_model(df, "Churn", rng=1)
    p = m.predict_proba(df)
    shuffled = df.sample(frac=1, random_state=3).drop(columns=["Churn", "customerID"])
    q = m.predict_proba(shuffled)
    assert q.index.equals(shuffled.index)
    pd.testing.assert_series_equal(q.sort_index(), p.sort_index())
    assert ((q > 0) & (q < 1)).all() and q.name == "p_Yes"
    # a category never seen in training still gets a probability
    new = shuffled.head(3).copy()
    new["Contract"] = "three year"
    assert m.predict_proba(new).notna().all()


def test_predict_proba_refuses_text_in_a_number_column():
    df = messy_table()
    m = fit_churn_model(df, "Churn", rng=1)
    new = df.head(5).copy()
    new.loc[102, "MonthlyCharges"] = "12,5"
    with pytest.raises(ValueError, match=re.escape("column 'MonthlyCharges' of df: 1 row(s) are text in a column "
                                                   "of numbers; the first is row 102 (value '12,5')")):
        m.predict_proba(new)


@pytest.mark.parametrize("yes,no,positive", [
    (True, False, True), ("True", "False", "True"), (1, 0, 1), ("1", "0", "1"), (1.0, 0.0, 1.0),
    ("churned", "active", "churned"), (" yes", "no ", " yes"),
])
def test_target_codings(yes, no, positive):
    df = signal_table(600, strength=2.0, seed=4)
    df["churned"] = np.where(df["churned"] == 1, pd.Series([yes] * 600, dtype=object),
                             pd.Series([no] * 600, dtype=object))
    m = fit_churn_model(df, "churned", cv=3, rng=0)
    assert m.positive_ == positive
    p = m.predict_proba(df)
    assert p[df["churned"] == yes].mean() > p[df["churned"] == no].mean() + 0.2
    base = fit_churn_model(signal_table(600, strength=2.0, seed=4), "churned", cv=3, rng=0)
    pd.testing.assert_frame_equal(m.cv_scores_, base.cv_scores_)


def test_positive_named_when_the_rule_cannot_tell():
    df = signal_table(600, strength=2.0, seed=5)
    df["churned"] = np.where(df["churned"] == 1, "gold", "silver")
    with pytest.raises(ValueError, match=re.escape("target 'churned' has the values ['silver', 'gold']: say which "
                                                   "one is the event to predict, e.g. positive='gold'")):
        fit_churn_model(df, "churned", cv=3)
    m = fit_churn_model(df, "churned", cv=3, positive="gold", rng=0)
    assert m.positive_ == "gold"
    p = m.predict_proba(df)
    assert p[df["churned"] == "gold"].mean() > p[df["churned"] == "silver"].mean() + 0.2
    flipped = fit_churn_model(df, "churned", cv=3, positive="silver", rng=0).predict_proba(df)
    np.testing.assert_allclose(flipped, 1 - p, atol=1e-3)
    with pytest.raises(ValueError, match=re.escape("positive='bronze' is not a value of target 'churned'")):
        fit_churn_model(df, "churned", cv=3, positive="bronze")


def test_named_id_column_is_dropped_even_without_an_id_name():
    df = signal_table(600, strength=2.0, seed=6)
    df["ref"] = np.arange(600) * 3 + 1000        # unique integers, not named like an id: a feature by default
    assert "ref" in fit_churn_model(df, "churned", cv=3, rng=0).features_
    m = fit_churn_model(df, "churned", customer_col="ref", cv=3, rng=0)
    assert m.report_.loc["ref", "role"] == "id" and "ref" not in m.features_


def test_unique_text_column_is_an_id():
    df = signal_table(600, strength=2.0, seed=6)
    df["email"] = [f"person{i}@example.com" for i in range(600)]
    with pytest.warns(DataWarning, match="column 'email' holds a different text on every row"):
        m = fit_churn_model(df, "churned", cv=3, rng=0)
    assert m.report_.loc["email", "role"] == "id"


def test_refuses_single_class():
    df = signal_table(300, strength=1.0, seed=7).assign(churned="No")
    with pytest.raises(ValueError, match=re.escape("target 'churned' has one value only ('No', 300 rows)")):
        fit_churn_model(df, "churned")


def test_refuses_three_values():
    df = signal_table(600, strength=1.0, seed=7)
    df["churned"] = np.where(df["churned"] == 1, "Yes", "No").astype(object)
    df.loc[:59, "churned"] = "Maybe"
    with pytest.raises(ValueError, match=r"target 'churned' has 3 values \[.*'Maybe'.*\], counts .*; a churn model "
                                         r"needs exactly two"):
        fit_churn_model(df, "churned")


def test_refuses_too_few_rows_in_a_class():
    df = signal_table(600, strength=1.0, seed=8)
    df["churned"] = 0
    df.loc[: MIN_CLASS_ROWS - 2, "churned"] = 1      # 49 churners
    with pytest.raises(ValueError, match=re.escape("target 'churned' has 49 row(s) of 1 (and 551 of the other "
                                                   "value); at least 50 of each")):
        fit_churn_model(df, "churned")


def test_refuses_missing_target():
    df = signal_table(600, strength=1.0, seed=8)
    df["churned"] = df["churned"].map({1: "Yes", 0: "No"}).astype(object)
    df.loc[5, "churned"] = " "
    with pytest.raises(ValueError, match=re.escape("column 'churned': 1 row(s) have no target value; the first is "
                                                   "row 5 (value ' ')")):
        fit_churn_model(df, "churned")


def test_refuses_target_as_feature():
    df = signal_table(600, strength=1.0, seed=9)
    df["churn_flag"] = np.where(df["churned"] == 1, "Y", "N")
    with pytest.raises(ValueError, match=re.escape("column 'churn_flag' holds the target 'churned' again")):
        fit_churn_model(df, "churned")
    with pytest.raises(ValueError, match=re.escape("target and customer_col are both 'churned'")):
        fit_churn_model(signal_table(600, strength=1.0, seed=9), "churned", customer_col="churned")


def test_refuses_typos_in_a_number_column():
    df = messy_table()
    df.loc[110, "MonthlyCharges"] = "12,5"
    with pytest.raises(ValueError, match=re.escape("column 'MonthlyCharges': 1 row(s) are text in a column of "
                                                   "numbers; the first is row 110 (value '12,5')")):
        fit_churn_model(df, "Churn")


def test_refuses_bad_settings_and_missing_columns():
    df = signal_table(600, strength=1.0, seed=10)
    with pytest.raises(ValueError, match=re.escape("model must be one of ['logistic', 'gradient_boosting']")):
        fit_churn_model(df, "churned", model="forest")
    with pytest.raises(ValueError, match=re.escape("cv must be a whole number of folds of at least 2")):
        fit_churn_model(df, "churned", cv=1)
    with pytest.raises(ValueError, match=re.escape("column 'Churned' is missing from df (did you mean 'churned'?)")):
        fit_churn_model(df, "Churned")
    with pytest.raises(TypeError, match="rng must be None"):
        fit_churn_model(df, "churned", rng="x")


def test_not_fitted_contract():
    m = ChurnModel(model="gradient_boosting")
    assert repr(m) == "<ChurnModel: gradient_boosting, not fitted>"
    assert not hasattr(m, "cv_scores_")
    with pytest.raises(NotFittedError, match="not fitted"):
        m.predict_proba(signal_table(10, strength=1.0, seed=0))
    with pytest.raises(NotFittedError):
        _ = m.pipeline_
    fitted = fit_churn_model(signal_table(600, strength=2.0, seed=11), "churned", cv=3, rng=0)
    assert re.fullmatch(r"<ChurnModel: logistic, 3 features, positive=1, cross-validated ROC AUC 0\.\d{3}>",
                        repr(fitted))
    pd.testing.assert_frame_equal(fitted.summary(), fitted.cv_scores_)


# --- what the model relies on: permutation importance and partial dependence ---------------------

def driver_table(n: int = 2000, seed: int = 12) -> pd.DataFrame:
    """One real driver, one pure-noise column, a text segment that matters a little, blanks in it."""
    rng = np.random.default_rng(seed)
    driver, noise = rng.normal(size=n), rng.normal(size=n)
    segment = rng.choice(["a", "b", "c"], n).astype(object)
    logit = 2.5 * driver + 0.5 * (segment == "a")
    segment[::40] = " "
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"customer_id": np.arange(n), "driver": driver, "noise": noise, "segment": segment,
                         "churned": np.where(churn, "Yes", "No")})


def test_importance_ranks_the_driver_first_and_noise_near_zero():
    df = driver_table()
    train, held_out = df.iloc[:1200], df.iloc[1200:]
    m = fit_churn_model(train, "churned", cv=3, rng=0)
    imp = m.importance(held_out, rng=1)
    assert list(imp.columns) == ["importance_mean", "importance_std"]
    assert imp.index.name == "column" and set(imp.index) == {"driver", "noise", "segment"}  # columns, not dummies
    assert imp.index[0] == "driver" and imp.loc["driver", "importance_mean"] > 0.25
    assert abs(imp.loc["noise", "importance_mean"]) < 0.01
    assert imp["importance_mean"].is_monotonic_decreasing and (imp["importance_std"] >= 0).all()
    assert imp.attrs["scoring"] == "roc_auc" and imp.attrs["n_repeats"] == 5


def test_importance_is_the_mean_drop_in_score_and_seeded():
    from sklearn.inspection import permutation_importance

    df = driver_table(900, seed=13)
    m = fit_churn_model(df, "churned", model="gradient_boosting", cv=3, rng=0)
    a = m.importance(df, rng=4, n_repeats=3)
    pd.testing.assert_frame_equal(a, m.importance(df, rng=4, n_repeats=3))
    assert not a.equals(m.importance(df, rng=5, n_repeats=3))
    # the same numbers as scikit-learn's on the cleaned table, with the seed drawn from rng
    from relmkt_lib._churn_model import _prepare
    seed = int(np.random.default_rng(4).integers(2**31 - 1))
    ref = permutation_importance(m.pipeline_, _prepare(df, m._kinds), (df["churned"] == "Yes").astype(int),
                                 scoring="roc_auc", n_repeats=3, random_state=seed)
    expected = pd.Series(ref.importances_mean, index=m.features_)
    np.testing.assert_allclose(a["importance_mean"], expected[a.index])
    # another scorer, and the target read from a renamed column
    pr = m.importance(df.rename(columns={"churned": "left"}), target="left", scoring="average_precision", rng=4)
    assert pr.attrs["score_label"] == "PR AUC (average precision)" and pr.index[0] == "driver"


def test_importance_refusals():
    df = driver_table(600, seed=14)
    with pytest.raises(NotFittedError, match="not fitted"):
        ChurnModel().importance(df)
    m = fit_churn_model(df, "churned", cv=3, rng=0)
    with pytest.raises(ValueError, match=re.escape("column 'noise' is missing from df")):
        m.importance(df.drop(columns="noise"))
    with pytest.raises(ValueError, match=re.escape("column 'churned' is missing from df")):
        m.importance(df.drop(columns="churned"))
    with pytest.raises(ValueError, match=re.escape("scoring must be a scikit-learn scorer name")):
        m.importance(df, scoring="auc")
    with pytest.raises(ValueError, match=re.escape("n_repeats must be a whole number of shuffles of at least 1")):
        m.importance(df, n_repeats=0)
    bad = df.copy()
    bad.loc[3, "churned"] = "Maybe"
    with pytest.raises(ValueError, match=re.escape("column 'churned': 1 row(s) hold a value the model was not "
                                                   "fitted on; the first is row 3 (value 'Maybe')")):
        m.importance(bad)
    with pytest.raises(ValueError, match=re.escape("target 'churned' of df has one value only ('No')")):
        m.importance(df[df["churned"] == "No"])
    before = df.copy()
    m.importance(df, rng=0, n_repeats=1)
    pd.testing.assert_frame_equal(df, before)


def test_partial_dependence_of_a_monotone_effect_is_monotone_and_is_an_average_of_predictions():
    df = driver_table(1500, seed=15)
    m = fit_churn_model(df, "churned", cv=3, rng=0)
    pdp = m.partial_dependence(df, "driver", grid=10)
    assert list(pdp.columns) == ["value", "average_risk"] and len(pdp) == 10
    assert pdp["value"].is_monotonic_increasing and (np.diff(pdp["average_risk"]) > 0).all()
    assert pdp.attrs == {"column": "driver", "kind": "number"}
    # the grid runs from the 5th to the 95th percentile (scikit-learn's rule)
    np.testing.assert_allclose(pdp["value"].iloc[[0, -1]], np.quantile(df["driver"], [0.05, 0.95]))
    # by definition: set every customer's driver to x, average the predicted probabilities
    x = pdp["value"].iloc[3]
    assert pdp["average_risk"].iloc[3] == pytest.approx(m.predict_proba(df.assign(driver=x)).mean())
    # gradient boosting, no linear form imposed: still rising overall on a strong monotone effect
    gb = fit_churn_model(df, "churned", model="gradient_boosting", cv=3, rng=0).partial_dependence(df, "driver")
    assert gb["average_risk"].iloc[-1] - gb["average_risk"].iloc[0] > 0.5
    assert np.corrcoef(gb["value"], gb["average_risk"])[0, 1] > 0.9


def test_partial_dependence_of_a_category_has_one_row_per_category():
    df = driver_table(1200, seed=16)                  # the segment has blank cells
    m = fit_churn_model(df, "churned", cv=3, rng=0)
    pdp = m.partial_dependence(df, "segment")
    assert list(pdp["value"]) == ["a", "b", "c"] and pdp.attrs["kind"] == "category"
    assert pdp["average_risk"].idxmax() == 0         # "a" raises the risk in the simulation
    few = m.partial_dependence(df.assign(driver=np.round(df["driver"])), "driver", grid=50)
    assert list(few["value"]) == sorted(np.unique(np.round(df["driver"])))   # few distinct values: each one


def test_partial_dependence_refusals():
    df = driver_table(600, seed=17)
    with pytest.raises(NotFittedError):
        ChurnModel().partial_dependence(df, "driver")
    m = fit_churn_model(df, "churned", cv=3, rng=0)
    with pytest.raises(ValueError, match=re.escape("column 'customer_id' is not a feature of this model; its "
                                                   "features are ['driver', 'noise', 'segment']")):
        m.partial_dependence(df, "customer_id")
    with pytest.raises(ValueError, match=re.escape("column 'noise' is missing from df")):
        m.partial_dependence(df.drop(columns="noise"), "driver")
    with pytest.raises(ValueError, match=re.escape("grid must be a whole number of values of at least 2")):
        m.partial_dependence(df, "driver", grid=1)


# --- date columns: dropped, with one warning -------------------------------------------------------

def test_date_columns_are_dropped_with_one_warning_naming_them():
    from relmkt_lib.exceptions import DataWarning

    df = signal_table(600, strength=2.0, seed=18)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(600) % 300, unit="D")
    df["start_date"] = days
    iso = pd.Series(days.strftime("%Y-%m-%d %H:%M"), dtype=object)
    iso[::3] = days[::3].strftime("%Y-%m-%d")
    iso[::50] = ""                                       # blank cells do not stop the detection
    df["last_login"] = iso
    df["note"] = np.where(np.arange(600) % 2, "2024-01-05", "soon")  # not all dates: a category
    before = df.copy()
    with pytest.warns(DataWarning) as caught:
        m = fit_churn_model(df, "churned", cv=3, rng=0)
    msgs = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert len(msgs) == 1
    assert msgs[0].startswith("2 date column(s) left out of the model: ['start_date', 'last_login']")
    assert 'df["days_since_start"] = (cutoff - pd.to_datetime(df["start_date"])).dt.days' in msgs[0]
    for col in ("start_date", "last_login"):
        assert m.report_.loc[col, "role"] == "dropped"
        assert m.report_.loc[col, "action"] == "dates: turn them into numbers (e.g. days since) to use them"
    assert m.report_.loc["note", "role"] == "category"
    assert m.features_ == ["x1", "x2", "segment", "note"]
    pd.testing.assert_frame_equal(df, before)
    # the fix from the message works, and then nothing is said
    import warnings
    cutoff = pd.Timestamp("2024-12-31")
    fixed = df.drop(columns=["start_date", "last_login"]).assign(days_since_start=(cutoff - df["start_date"]).dt.days)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        assert "days_since_start" in fit_churn_model(fixed, "churned", cv=3, rng=0).features_


def test_repeated_integer_ids_are_codes_not_numbers():
    """A campaign or store id names a group: it is read as categories, never as a size."""
    df = signal_table(600, strength=2.0, seed=3)
    df["campaign_id"] = pd.array(np.random.default_rng(3).choice([101, 205, 999], len(df)), dtype="Int64")
    df.loc[df.index[:5], "campaign_id"] = pd.NA
    model = fit_churn_model(df, "churned", rng=0)
    row = model.report_.loc["campaign_id"]
    assert row["role"] == "category" and row["missing"] == 5
    assert "id codes read as categories" in row["action"]
    assert model.predict_proba(df).between(0, 1).all()


def test_coefficients_name_the_table_columns():
    df = signal_table(1500, strength=2.0, seed=5)
    model = fit_churn_model(df, "churned", rng=0)
    w = model.coefficients()
    assert list(w.index) == ["x1", "x2", "segment=a", "segment=b", "segment=c"]
    assert w.loc["x1", "coefficient"] > 1 > 0 > w.loc["x2", "coefficient"]  # true log-odds +2 and -1 per unit
    assert set(w["kind"]) == {"number", "category"} and (w.loc[w["kind"] == "category", "column"] == "segment").all()
    # the weights and the intercept are the pipeline's own: they rebuild its log-odds
    X = model.pipeline_[:-1].transform(df[["x1", "x2", "segment"]])
    logit = X @ w["coefficient"].to_numpy() + w.attrs["intercept"]
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), model.predict_proba(df).to_numpy(), rtol=1e-9)
    with pytest.raises(ValueError, match="a gradient_boosting model has no weights: use importance"):
        fit_churn_model(df, "churned", model="gradient_boosting", cv=2, rng=0).coefficients()
    with pytest.raises(NotFittedError):
        ChurnModel().coefficients()


@pytest.mark.parametrize("name", ["No client", "Numéro client", "ID client", "client_id", "no_client", "num client",
                                  "N° client", "client no"])
def test_french_id_names_are_ids(name):
    df = signal_table(300, strength=2.0, seed=11)
    df.insert(0, name, np.random.default_rng(0).permutation(300) * 7 + 10_000)  # unique, not a sequence
    m = fit_churn_model(df, "churned", customer_col=None, cv=3, rng=0)
    assert m.report_.loc[name, "role"] == "id" and name not in m.features_


def test_a_numbered_column_not_declared_is_left_out_with_a_warning():
    df = signal_table(600, strength=2.0, seed=12)
    df.insert(0, "Ref", np.arange(1, 601))               # 1..600: a row number, whatever its name
    df["email"] = [f"p{i}@example.com" for i in range(600)]
    with pytest.warns(DataWarning) as caught:
        m = fit_churn_model(df, "churned", customer_col="email", cv=3, rng=0)
    msgs = [str(w.message) for w in caught]
    assert any("column 'Ref' holds a different whole number on every row, close to a sequence (1 to 600 over 600 "
               "rows)" in t and "customer_col='Ref'" in t for t in msgs), msgs
    assert m.report_.loc["Ref", "role"] == "id" and "Ref" not in m.features_
    codes = df.drop(columns="Ref").assign(code=[f"K{i:05d}" for i in range(600)])
    with pytest.warns(DataWarning, match=r"column 'code' holds a different text on every row \(e.g. 'K00000'\)"):
        m = fit_churn_model(codes, "churned", customer_col="email", cv=3, rng=0)
    assert m.report_.loc["code", "role"] == "id"
    spread = df.drop(columns="Ref").assign(points=np.arange(600) * 3 + 1000)  # distinct, but 3 apart: a measure
    assert "points" in fit_churn_model(spread, "churned", customer_col="email", cv=3, rng=0).features_


def test_an_id_written_as_floats_is_never_a_feature():
    """Ids exported as 1.0, 2.0, ... (a column that once had a blank) are ids, named or not."""
    import warnings

    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({"No client": np.arange(1, n + 1, dtype="float64"), "x": rng.normal(size=n)})
    df["churned"] = np.where(rng.random(n) < 1 / (1 + np.exp(-df["x"])), "Yes", "No")
    named = fit_churn_model(df, "churned", customer_col=None, cv=2, rng=1)
    assert "No client" not in named.features_
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        unnamed = fit_churn_model(df.rename(columns={"No client": "ref"}), "churned", customer_col=None,
                                        cv=2, rng=1)
    assert "ref" not in unnamed.features_
    assert any("different whole number on every row" in str(w.message) for w in caught)

"""A churn (or any yes/no) model fitted on a customer table as practitioners export it (private).

:func:`fit_churn_model` takes the table as it comes out of a CRM or a spreadsheet: an id column,
a target written ``"Yes"``/``"No"``, ``True``/``False``, ``1``/``0`` or ``"churned"``/``"active"``,
numbers stored as text with blank cells, text categories and missing values. It cleans the table
in the open (``report_`` says what was done to each column), builds a scikit-learn ``Pipeline``
(a ``ColumnTransformer`` that imputes, scales and one-hot encodes, then a
``LogisticRegression`` or a ``HistGradientBoostingClassifier``), scores it by stratified k-fold
cross-validation and refits it on every row. Nothing here re-implements scikit-learn.

Which target value is the positive one (the event modelled, "churned") follows one documented
rule, :data:`POSITIVE_WORDS`: of the two values, the one that reads as yes / true / 1 / churned
is positive. If neither or both do, the function refuses and asks for ``positive=``. The rule
never guesses from class sizes.

References
----------
Neslin, S. A., Gupta, S., Kamakura, W., Lu, J. & Mason, C. H. (2006). Defection detection:
measuring and understanding the predictive accuracy of customer churn models. Journal of
Marketing Research 43(2), 204-211.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, bad_rows_error, check_dataframe, plain, require_columns
from ._fitting import FittedModel
from .exceptions import NotFittedError

__all__ = ["ChurnModel", "fit_churn_model", "POSITIVE_WORDS", "MIN_CLASS_ROWS"]

#: Target values (lower case, stripped) read as the positive class: the event the model predicts.
POSITIVE_WORDS = frozenset({"yes", "y", "true", "t", "1", "churn", "churned", "left", "lost", "lapsed",
                            "cancelled", "canceled", "exited", "attrited", "defected", "positive",
                            "responded", "response", "bought", "converted"})
#: Fewest rows of each target value accepted: below it, cross-validated scores are noise.
MIN_CLASS_ROWS = 50
#: Cells read as missing in a text column (after stripping, lower case).
BLANK_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
#: A text column whose non-blank cells are at least this share numbers is a column of numbers
#: with typos: refused, with the first bad cell, rather than one-hot encoded.
NUMBER_SHARE_TYPO = 0.9
#: Most one-hot columns per text column; rarer categories are pooled (OneHotEncoder max_categories).
MAX_CATEGORIES = 20
#: Words (tokens of a column's name) that mark an identifier when the column is also unique per row.
ID_TOKENS = frozenset({"id", "ids", "uuid", "guid"})
ID_HEADS = frozenset({"customer", "client", "cust", "account", "row", "member", "subscriber"})
ID_TAILS = frozenset({"no", "nr", "num", "number", "code", "key", "ref"})
MODELS = ("logistic", "gradient_boosting")


def _tokens(name: Any) -> list[str]:
    """Words of a column name: ``"CustomerID"`` -> ``["customer", "id"]``, ``"row_number"`` -> ``["row", "number"]``."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [t for t in re.split(r"[^a-z0-9]+", text.lower()) if t]


def _is_id_name(name: Any) -> bool:
    words = _tokens(name)
    if not words:
        return False
    return (bool(ID_TOKENS & set(words)) or words in (["customer"], ["client"])
            or (words[0] in ID_HEADS and words[-1] in ID_TAILS))


def _is_text(col: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
                or pd.api.types.is_datetime64_any_dtype(col))


def _blank_to_nan(col: pd.Series) -> pd.Series:
    """Text cells stripped, blank-like cells (:data:`BLANK_WORDS`) as NaN, an object Series."""
    out = col.astype(object).where(col.notna(), np.nan)
    text = out.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = text.map(lambda v: isinstance(v, str) and v.lower() in BLANK_WORDS)
    return text.where(~blank.astype(bool), np.nan)


def _as_numbers(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce").astype("float64")


def _target_key(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.number)) and float(value) in (0.0, 1.0):
        return str(int(value))
    return str(value).strip().lower()


def _encode_target(df: pd.DataFrame, target: str, positive: Any) -> tuple[np.ndarray, Any]:
    """The target as 0/1 and the value read as positive; every refusal about the target lives here."""
    col = df[target]
    missing = col.isna().to_numpy() | col.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(bool)
    if missing.any():
        raise bad_rows_error(df, missing, target, "have no target value",
                             "Drop those rows or fill them in: a model learns only from known outcomes.")
    keys = col.map(_target_key)
    counts = keys.value_counts()
    first_raw = {k: plain(col[keys == k].iloc[0]) for k in counts.index}
    shown = [first_raw[k] for k in counts.index]
    if len(counts) == 1:
        raise ValueError(f"target {target!r} has one value only ({shown[0]!r}, {len(col)} rows); a model needs "
                         "customers of both kinds, e.g. churned and still active. Check the extract or the column.")
    if len(counts) > 2:
        raise ValueError(f"target {target!r} has {len(counts)} values {shown}, counts {counts.tolist()}; a churn "
                         "model needs exactly two. Recode it to two values or drop the rows of the others.")
    if positive is not None:
        pos_key = [k for k in counts.index if first_raw[k] == positive or k == _target_key(positive)]
        if not pos_key:
            raise ValueError(f"positive={positive!r} is not a value of target {target!r}; its values are {shown}")
        pos = pos_key[0]
    else:
        pos_keys = [k for k in counts.index if k in POSITIVE_WORDS]
        if len(pos_keys) != 1:
            raise ValueError(f"target {target!r} has the values {shown}: say which one is the event to predict, "
                             f"e.g. positive={shown[-1]!r} (read as positive without it: yes, true, 1, churned, ...)")
        pos = pos_keys[0]
    y = (keys == pos).to_numpy(dtype="int64")
    for k, n in counts.items():
        if n < MIN_CLASS_ROWS:
            raise ValueError(f"target {target!r} has {n} row(s) of {first_raw[k]!r} (and {len(col) - n} of the other "
                             f"value); at least {MIN_CLASS_ROWS} of each are needed to fit and cross-validate a model. "
                             "Use a longer period or more customers.")
    return y, first_raw[pos]


def _plan_columns(df: pd.DataFrame, target: str, customer_col: str | None,
                  y: np.ndarray) -> tuple[dict[str, str], pd.DataFrame]:
    """Each column's role (id, number, number from text, category, dropped) and the cleaning report."""
    rows, kinds = [], {}
    for name in df.columns:
        col = df[name]
        if name == target:
            rows.append((name, "target", 0, "the outcome modelled"))
            continue
        text = _is_text(col)
        unique = col.notna().all() and col.is_unique
        if name == customer_col or (customer_col is None and unique and (text or pd.api.types.is_integer_dtype(col))
                                    and _is_id_name(name)):
            rows.append((name, "id", 0, "identifier: never a feature"))
            continue
        if pd.api.types.is_datetime64_any_dtype(col):
            rows.append((name, "dropped", 0, "dates: turn them into numbers (e.g. days since) to use them"))
            continue
        values = _blank_to_nan(col) if text else col
        kind, note = "number", "numbers"
        if text:
            filled = values.dropna()
            numbers = _as_numbers(filled)
            share = float(numbers.notna().mean()) if len(filled) else 0.0
            if len(filled) and share == 1.0:
                kind, note = "number_text", "text converted to numbers"
            elif share >= NUMBER_SHARE_TYPO:
                bad = values.notna() & _as_numbers(values).isna()
                raise bad_rows_error(df, bad.to_numpy(), name, "are text in a column of numbers",
                                     "Correct them (e.g. '12,5' -> '12.5') or convert the column yourself.")
            elif customer_col is None and unique:
                rows.append((name, "id", 0, "identifier (unique text on every row): never a feature"))
                continue
            else:
                kind, note = "category", "categories, one-hot encoded"
            values = _as_numbers(values) if kind == "number_text" else values
        if values.nunique(dropna=False) <= 1:
            rows.append((name, "dropped", 0, "constant: the same value on every row"))
            continue
        if values.notna().all() and values.nunique() == 2:
            groups = pd.Series(y, index=df.index).groupby(values.to_numpy()).nunique()
            if (groups == 1).all():
                raise ValueError(f"column {name!r} holds the target {target!r} again (each of its two values goes "
                                 "with one outcome): a model would read the answer. Drop it from the table.")
        missing = int(values.isna().sum())
        if missing:
            how = "median" if kind != "category" else "most frequent value"
            note += f"; {missing} missing filled with the {how}"
        kinds[name] = kind
        rows.append((name, kind.replace("number_text", "number (from text)"), missing, note))
    report = pd.DataFrame(rows, columns=["column", "role", "missing", "action"]).set_index("column")
    return kinds, report


def _prepare(df: pd.DataFrame, kinds: dict[str, str], *, name: str = "df") -> pd.DataFrame:
    """The feature columns, cleaned as planned: numbers as float64, categories as text (NaN if blank)."""
    out = {}
    for col, kind in kinds.items():
        values = df[col]
        if kind == "category":
            values = _blank_to_nan(values)
            out[col] = values.map(lambda v: v if pd.isna(v) else str(v)).astype(object)
            continue
        if kind == "number_text" or _is_text(values):
            values = _blank_to_nan(values)
            numbers = _as_numbers(values)
            bad = values.notna() & numbers.isna()
            if bad.any():
                raise bad_rows_error(df, bad.to_numpy(), col, "are text in a column of numbers",
                                     "Correct them or convert the column to numbers.", name=name)
            out[col] = numbers
        else:
            out[col] = values.astype("float64")
    return pd.DataFrame(out, index=df.index)


def _build_pipeline(kinds: dict[str, str], model: str, random_state: int) -> Any:
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    numbers = [c for c, k in kinds.items() if k != "category"]
    categories = [c for c, k in kinds.items() if k == "category"]
    parts = []
    if model == "logistic":
        if numbers:
            parts.append(("numbers", Pipeline([("impute", SimpleImputer(strategy="median")),
                                               ("scale", StandardScaler())]), numbers))
        if categories:
            parts.append(("categories", Pipeline([
                ("impute", SimpleImputer(strategy="most_frequent")),
                ("one_hot", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES,
                                          sparse_output=False))]), categories))
        return Pipeline([("prepare", ColumnTransformer(parts)), ("model", LogisticRegression(max_iter=1000))])
    # gradient boosting handles missing values and categories natively (no imputation, no one-hot):
    # numbers pass through, each text column becomes one integer code per category (rare ones pooled,
    # unknown ones read as missing) and the booster splits on categories directly
    if numbers:
        parts.append(("numbers", "passthrough", numbers))
    if categories:
        parts.append(("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                                   max_categories=MAX_CATEGORIES), categories))
    is_category = [False] * len(numbers) + [True] * len(categories)
    clf = HistGradientBoostingClassifier(random_state=random_state,
                                         categorical_features=is_category if categories else None)
    return Pipeline([("prepare", ColumnTransformer(parts)), ("model", clf)])


class ChurnModel(FittedModel):
    """A cross-validated yes/no model (churn, response) on a customer table; see :func:`fit_churn_model`.

    Parameters
    ----------
    model : {"logistic", "gradient_boosting"}
        ``LogisticRegression`` on standardised numbers, or ``HistGradientBoostingClassifier``.
    cv : int, default 5
        Folds of the stratified cross-validation (``StratifiedKFold``, shuffled with ``rng``).
    customer_col : str, optional
        The id column; by default detected (a unique text or integer column named like an id,
        or text that is unique on every row). Never a feature.
    positive : optional
        The target value that is the event; by default read by the rule :data:`POSITIVE_WORDS`.
    rng : None, int or numpy.random.Generator
        Seeds the folds and the gradient boosting (as scikit-learn's ``random_state``).

    Attributes
    ----------
    pipeline_ : sklearn.pipeline.Pipeline
        ``ColumnTransformer`` (impute, scale, one-hot) then the classifier, fitted on every row.
    cv_scores_ : DataFrame
        One row per fold and a ``"mean"`` row; columns ``roc_auc``, ``pr_auc`` (average
        precision), ``brier`` and ``log_loss`` (lower is better for the last two).
    report_ : DataFrame
        One row per input column: its ``role``, the ``missing`` cells imputed, the ``action``.
    features_ : list of str
        The input columns used as features. ``positive_``: the target value modelled.
    """

    def __init__(self, *, model: str = "logistic", cv: int = 5, customer_col: str | None = "customer_id",
                 positive: Any = None, rng: None | int | np.random.Generator = None) -> None:
        self.model = model
        self.cv = cv
        self.customer_col = customer_col
        self.positive = positive
        self.rng = rng

    def fit(self, df: pd.DataFrame, target: str) -> ChurnModel:
        """Clean ``df``, cross-validate, refit on every row; return ``self``."""
        from sklearn.model_selection import StratifiedKFold, cross_validate

        df = check_dataframe(df)
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {list(MODELS)}, got {self.model!r}")
        if isinstance(self.cv, bool) or not isinstance(self.cv, (int, np.integer)) or self.cv < 2:
            raise ValueError(f"cv must be a whole number of folds of at least 2, e.g. cv=5, got {self.cv!r}")
        # the kit's default id name is used when the table has it; otherwise the id is detected
        id_col = self.customer_col if self.customer_col in df.columns or self.customer_col != "customer_id" else None
        if id_col is not None and id_col == target:
            raise ValueError(f"target and customer_col are both {target!r}: the target cannot be the id column; "
                             "pass the outcome column as target")
        require_columns(df, [target, id_col])
        y, positive = _encode_target(df, target, self.positive)
        if min(np.bincount(y)) < self.cv:
            raise ValueError(f"cv={self.cv} folds need at least {self.cv} rows of each target value; lower cv")
        kinds, report = _plan_columns(df, target, id_col, y)
        if not kinds:
            raise ValueError(f"df has no feature column left (see the roles: {report['role'].to_dict()}); "
                             "a model needs at least one column besides the target and the id")
        X = _prepare(df, kinds)
        random_state = int(as_rng(self.rng).integers(2**31 - 1))
        pipeline = _build_pipeline(kinds, self.model, random_state)
        folds = StratifiedKFold(n_splits=int(self.cv), shuffle=True, random_state=random_state)
        scoring = {"roc_auc": "roc_auc", "pr_auc": "average_precision", "brier": "neg_brier_score",
                   "log_loss": "neg_log_loss"}
        raw = cross_validate(pipeline, X, y, cv=folds, scoring=scoring)
        scores = pd.DataFrame({k: raw[f"test_{k}"] * (-1 if k in ("brier", "log_loss") else 1) for k in scoring},
                              index=pd.Index(range(1, int(self.cv) + 1), name="fold"))
        scores.loc["mean"] = scores.mean()
        self.pipeline_ = pipeline.fit(X, y)
        self.cv_scores_ = scores
        self.report_ = report
        self.features_ = list(kinds)
        self.positive_ = positive
        self.target_ = target
        self._kinds = kinds
        return self

    def _check_fitted(self) -> Any:
        if "pipeline_" not in self.__dict__:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit_churn_model(df, target) "
                                 "or .fit(df, target) first")
        return self.pipeline_

    def predict_proba(self, df: pd.DataFrame) -> pd.Series:
        """Probability of the positive value for each row of ``df``, aligned to ``df``'s index.

        ``df`` is cleaned as the training table was (text numbers, blanks); it needs the columns
        in ``features_`` (the target and the id may be absent; other columns are ignored).
        """
        pipeline = self._check_fitted()
        df = check_dataframe(df)
        require_columns(df, self.features_)
        X = _prepare(df, self._kinds)
        return pd.Series(pipeline.predict_proba(X)[:, 1], index=df.index, name=f"p_{self.positive_}")

    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """The cross-validated scores (``cv_scores_``): there are no parameters with standard errors."""
        self._check_fitted()
        return self.cv_scores_.copy()

    def __repr__(self) -> str:
        if "pipeline_" not in self.__dict__:
            return f"<{type(self).__name__}: {self.model}, not fitted>"
        auc = self.cv_scores_.loc["mean", "roc_auc"]
        return (f"<{type(self).__name__}: {self.model}, {len(self.features_)} features, "
                f"positive={self.positive_!r}, cross-validated ROC AUC {auc:.3f}>")


def fit_churn_model(df: pd.DataFrame, target: str, *, customer_col: str | None = "customer_id", model: str = "logistic",
                    cv: int = 5, positive: Any = None, rng: None | int | np.random.Generator = None) -> ChurnModel:
    """Fit a churn (or response) model on a customer table exported as it is, and cross-validate it.

    The table needs no preparation: the id column is found (or named with ``customer_col``) and
    never used; a text target (``"Yes"``/``"No"``, ``"True"``/``"False"``, ``"1"``/``"0"``,
    ``"churned"``/``"active"``) is read by :data:`POSITIVE_WORDS`; numbers stored as text with blank
    cells become numbers; text columns are one-hot encoded (values unseen in training are
    pooled with the rare ones); constant columns are dropped; missing cells are filled with the
    median (numbers) or the most frequent value (text). ``report_`` lists what was done.

    Parameters
    ----------
    df : DataFrame
        One row per customer; not modified.
    target : str
        The outcome column (exactly two values, at least :data:`MIN_CLASS_ROWS` rows of each).
    customer_col, model, cv, positive, rng
        See :class:`ChurnModel`.

    Returns
    -------
    ChurnModel
        Fitted: ``pipeline_``, ``cv_scores_``, ``report_``, ``features_``, ``positive_``.

    Raises
    ------
    ValueError
        A target with one value, more than two values, missing values or too few rows of a
        value; a column that repeats the target; a text cell in a column of numbers.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> spend = rng.gamma(2.0, 20.0, n)
    >>> table = pd.DataFrame({"CustomerID": [f"C{i:04d}" for i in range(n)],
    ...                       "monthly": [f" {v:.1f}" if i % 10 else "" for i, v in enumerate(spend)],
    ...                       "plan": rng.choice(["basic", "plus"], n),
    ...                       "Churn": np.where(rng.random(n) < 1 / (1 + np.exp((spend - 40) / 10)), "Yes", "No")})
    >>> m = fit_churn_model(table, "Churn", cv=3, rng=1)
    >>> m.report_[["role", "missing"]]  # doctest: +NORMALIZE_WHITESPACE
                              role  missing
    column
    CustomerID                  id        0
    monthly     number (from text)       40
    plan                  category        0
    Churn                   target        0
    >>> m.positive_, m.features_
    ('Yes', ['monthly', 'plan'])
    >>> bool(m.cv_scores_.loc["mean", "roc_auc"] > 0.7)
    True
    """
    return ChurnModel(model=model, cv=cv, customer_col=customer_col, positive=positive, rng=rng).fit(df, target)

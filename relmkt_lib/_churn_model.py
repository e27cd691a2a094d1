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
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, bad_rows_error, check_dataframe, plain, require_columns
from ._data_checks import report as warn_data
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
ID_TOKENS = frozenset({"id", "ids", "uuid", "guid", "identifiant"})
#: The thing numbered, and the word for "number", in either order ("client no", "No client", "numéro client").
ID_HEADS = frozenset({"customer", "client", "cust", "account", "row", "member", "subscriber", "compte", "abonne",
                      "membre", "adherent"})
ID_TAILS = frozenset({"no", "nr", "num", "number", "code", "key", "ref", "n", "numero", "nro"})
#: A column of distinct whole numbers whose span (max - min + 1) is at most this many times its number
#: of rows is a row or customer number ("near-consecutive"): left out of the features, with a warning.
ID_SPAN_RATIO = 2.0
#: Fewest rows for that rule (a handful of distinct numbers says nothing).
ID_MIN_ROWS = 20
MODELS = ("logistic", "gradient_boosting")
#: Non-blank cells of a text column parsed first when testing whether it holds dates (then all of them).
DATE_SAMPLE = 200
#: The report's action for a date column: dropped, with the fix.
DATE_ACTION = "dates: turn them into numbers (e.g. days since) to use them"
#: Readable names of scikit-learn scorers, for the importance table's plot label.
SCORER_LABELS = {"roc_auc": "ROC AUC", "average_precision": "PR AUC (average precision)",
                 "neg_brier_score": "minus the Brier score", "neg_log_loss": "minus the log loss",
                 "accuracy": "accuracy"}


def _tokens(name: Any) -> list[str]:
    """Words of a column name, accents removed: ``"CustomerID"`` -> ``["customer", "id"]``, ``"Numéro client"`` ->
    ``["numero", "client"]``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [t for t in re.split(r"[^a-z0-9]+", text.lower()) if t]


def _is_id_name(name: Any) -> bool:
    """Whether a column's name reads as an identifier, in English or French word order.

    >>> [_is_id_name(n) for n in ("customer_id", "No client", "Numéro client", "ID client", "num client",
    ...                           "client_no", "N° client", "CustomerNumber", "Client")]
    [True, True, True, True, True, True, True, True, True]
    >>> [_is_id_name(n) for n in ("number_of_calls", "code_promo", "client_since", "no_show", "row_count")]
    [False, False, False, False, False]
    """
    words = _tokens(name)
    if not words:
        return False
    return (bool(ID_TOKENS & set(words)) or words in (["customer"], ["client"])
            or (words[0] in ID_HEADS and words[-1] in ID_TAILS)
            or (words[0] in ID_TAILS and words[-1] in ID_HEADS))


def _row_numbers(values: pd.Series) -> bool:
    """Whether ``values`` are distinct whole numbers close to a sequence: a row or customer number."""
    if len(values) < ID_MIN_ROWS or not values.is_unique:
        return False
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any() or not np.all(np.mod(numbers.to_numpy(dtype="float64"), 1) == 0):
        return False
    return float(numbers.max() - numbers.min() + 1) <= ID_SPAN_RATIO * len(values)


def _stray_id_message(name: Any, why: str) -> str:
    return (f"column {name!r} {why}: it looks like an identifier, not a measure, so it is left out of the model "
            f"(as a feature it would only describe the export). If it is the customer id, name it: "
            f"customer_col={name!r}.")


def _is_text(col: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
                or pd.api.types.is_datetime64_any_dtype(col))


def _blank_to_nan(col: pd.Series) -> pd.Series:
    """Text cells stripped, blank-like cells (:data:`BLANK_WORDS`) as NaN, an object Series."""
    out = col.astype(object).where(col.notna(), np.nan)
    text = out.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = text.map(lambda v: isinstance(v, str) and v.lower() in BLANK_WORDS)
    return text.where(~blank.astype(bool), np.nan)


def _all_dates(filled: pd.Series) -> bool:
    """True when every (non-blank) cell reads as an ISO date, ``2024-01-05`` or ``2024-01-05 10:00``."""
    def parse(values: pd.Series) -> bool:
        try:
            return bool(pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True).notna().all())
        except (ValueError, TypeError, OverflowError):
            return False

    return bool(len(filled)) and parse(filled.iloc[:DATE_SAMPLE]) and parse(filled)


def _as_numbers(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce").astype("float64")


def _target_key(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.number)) and float(value) in (0.0, 1.0):
        return str(int(value))
    return str(value).strip().lower()


def _no_target(col: pd.Series) -> np.ndarray:
    """Rows without a target value: missing, or a blank string."""
    return col.isna().to_numpy() | col.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(bool)


def _encode_target(df: pd.DataFrame, target: str, positive: Any) -> tuple[np.ndarray, Any]:
    """The target as 0/1 and the value read as positive; every refusal about the target lives here."""
    col = df[target]
    missing = _no_target(col)
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
        # ids written 1.0, 2.0, ... (a column that once had a blank) count as whole numbers too
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if name == customer_col or (customer_col is None and unique and (text or numeric) and _is_id_name(name)
                                    and (text or _row_numbers(col) or pd.api.types.is_integer_dtype(col))):
            rows.append((name, "id", 0, "identifier: never a feature"))
            continue
        if unique and (numeric or text) and _row_numbers(col):
            # "No client" 1..5000 not declared: as a number it would be a strong, meaningless "driver"
            numbers = pd.to_numeric(col).astype("int64")
            warn_data(_stray_id_message(name, f"holds a different whole number on every row, close to a sequence "
                                              f"({plain(numbers.min())} to {plain(numbers.max())} over {len(col):,} "
                                              "rows)"))
            rows.append((name, "id", 0, "identifier (distinct, near-consecutive numbers): never a feature"))
            continue
        if pd.api.types.is_datetime64_any_dtype(col):
            rows.append((name, "dropped", 0, DATE_ACTION))
            continue
        if not text and pd.api.types.is_integer_dtype(col) and _is_id_name(name):
            # a repeated id (a campaign, a store, a plan code) names a group: its size means nothing
            if col.nunique(dropna=False) <= 1:
                rows.append((name, "dropped", 0, "constant: the same value on every row"))
                continue
            missing = int(col.isna().sum())
            kinds[name] = "category"
            rows.append((name, "category", missing, "id codes read as categories (not as numbers)"
                         + (f"; {missing} missing filled with the most frequent value" if missing else "")))
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
            elif _all_dates(filled):
                rows.append((name, "dropped", 0, DATE_ACTION))
                continue
            elif unique:
                example = plain(filled.iloc[0])
                warn_data(_stray_id_message(name, f"holds a different text on every row (e.g. {example!r})"))
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


def _dates_message(dates: list[str]) -> str:
    """The one warning about date columns left out, with the fix written for the first of them."""
    first = dates[0]
    stem = re.sub(r"(^|_)date$", "", first) or first
    return (f"{len(dates)} date column(s) left out of the model: {dates}. A model reads numbers, not dates: "
            f"turn each into a number of days at a fixed day and fit again, e.g. "
            f"cutoff = pd.Timestamp(\"2024-12-31\"); "
            f"df[\"days_since_{stem}\"] = (cutoff - pd.to_datetime(df[\"{first}\"])).dt.days")


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
        The input columns used as features. ``positive_``: the target value modelled;
        ``target_``: the outcome column fitted on.

    Methods :meth:`importance` (permutation importance) and :meth:`partial_dependence` say what
    the model relies on; neither is a causal effect.
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
        dates = [str(c) for c in report.index[report["action"] == DATE_ACTION]]
        if dates:
            warn_data(_dates_message(dates))
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
        self._target_keys = frozenset(df[target].map(_target_key))
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

    def _outcome(self, df: pd.DataFrame, target: str) -> np.ndarray:
        """``df[target]`` as 0/1 by the fitted coding; refuses blanks, unseen values and a single class."""
        col = df[target]
        missing = _no_target(col)
        if missing.any():
            raise bad_rows_error(df, missing, target, "have no target value",
                                 "Drop those rows or fill them in: a score needs the known outcome.")
        keys = col.map(_target_key)
        unseen = ~keys.isin(self._target_keys).to_numpy()
        if unseen.any():
            raise bad_rows_error(df, unseen, target, "hold a value the model was not fitted on",
                                 f"The model knows {sorted(self._target_keys)}; recode the column the same way.")
        y = (keys == _target_key(self.positive_)).to_numpy(dtype="int64")
        if y.min() == y.max():
            raise ValueError(f"target {target!r} of df has one value only ({plain(col.iloc[0])!r}); measuring "
                             "the score needs customers of both kinds, e.g. churned and still active")
        return y

    def importance(self, df: pd.DataFrame, *, target: str | None = None, scoring: str = "roc_auc",
                   n_repeats: int = 5, rng: None | int | np.random.Generator = None) -> pd.DataFrame:
        """Permutation importance of each input column: how much the score drops when it is shuffled.

        scikit-learn's ``permutation_importance`` on the whole pipeline, so each row is a column of
        the table (a text column is shuffled as one column, not dummy by dummy). Each column is
        shuffled ``n_repeats`` times; the score of ``df`` as it is minus the score with the column
        shuffled is averaged.

        Permutation importance measures how much the model's score relies on a column **on this
        data**; it is not a causal effect. A column correlated with another shares its importance
        with it (shuffle one, the other still carries the information), and a driver of risk is not
        a lever: changing it for a customer need not change whether they leave. Compute it on
        held-out customers (rows not used to fit): on the training rows it overstates the columns
        the model has over-fitted.

        Parameters
        ----------
        df : DataFrame
            Customers with the columns in ``features_`` and the outcome; not modified.
        target : str, optional
            The outcome column; by default the one the model was fitted on (``target_``). Its
            values are read as at fit time (e.g. ``"Yes"``/``"No"``) and both must occur.
        scoring : str, default "roc_auc"
            A scikit-learn scorer name (``"average_precision"``, ``"neg_log_loss"``, ...).
        n_repeats : int, default 5
            Shuffles per column.
        rng : None, int or numpy.random.Generator
            Seeds the shuffles (as ``random_state``): same seed, same table.

        Returns
        -------
        DataFrame
            One row per feature column (index ``column``), columns ``importance_mean`` and
            ``importance_std`` (over the repeats), largest first; ``attrs`` holds ``scoring``
            and ``n_repeats``.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> n = 1200
        >>> table = pd.DataFrame({"spend": rng.gamma(2.0, 20.0, n), "noise": rng.normal(size=n)})
        >>> table["churn"] = rng.random(n) < 1 / (1 + np.exp((table["spend"] - 40) / 10))
        >>> train, held_out = table.iloc[:800], table.iloc[800:]
        >>> m = fit_churn_model(train, "churn", cv=3, rng=1)
        >>> imp = m.importance(held_out, rng=2)
        >>> list(imp.index), list(imp.columns)
        (['spend', 'noise'], ['importance_mean', 'importance_std'])
        >>> bool(imp.loc["spend", "importance_mean"] > 0.2), bool(abs(imp.loc["noise", "importance_mean"]) < 0.02)
        (True, True)
        """
        from sklearn.inspection import permutation_importance
        from sklearn.metrics import get_scorer_names

        pipeline = self._check_fitted()
        df = check_dataframe(df)
        target = self.target_ if target is None else target
        require_columns(df, [*self.features_, target])
        if not isinstance(scoring, str) or scoring not in get_scorer_names():
            raise ValueError(f"scoring must be a scikit-learn scorer name such as 'roc_auc' or "
                             f"'average_precision', got {scoring!r} (see sklearn.metrics.get_scorer_names())")
        if isinstance(n_repeats, bool) or not isinstance(n_repeats, (int, np.integer)) or n_repeats < 1:
            raise ValueError(f"n_repeats must be a whole number of shuffles of at least 1, e.g. 5, got {n_repeats!r}")
        y = self._outcome(df, target)
        X = _prepare(df, self._kinds)
        random_state = int(as_rng(rng).integers(2**31 - 1))
        result = permutation_importance(pipeline, X, y, scoring=scoring, n_repeats=int(n_repeats),
                                        random_state=random_state)
        table = pd.DataFrame({"importance_mean": result.importances_mean, "importance_std": result.importances_std},
                             index=pd.Index(self.features_, name="column"))
        table = table.sort_values("importance_mean", ascending=False, kind="stable")
        table.attrs.update(scoring=scoring, score_label=SCORER_LABELS.get(scoring, scoring), n_repeats=int(n_repeats))
        return table

    def partial_dependence(self, df: pd.DataFrame, column: str, *, grid: int = 20) -> pd.DataFrame:
        """The model's average predicted risk when every customer's ``column`` is set to each value.

        scikit-learn's ``partial_dependence`` (``kind="average"``) on the whole pipeline: for each
        value x of the grid, every row of ``df`` gets ``column = x`` (its other columns unchanged)
        and the predicted probabilities are averaged. A number column is evaluated at its distinct
        values if there are at most ``grid`` of them, otherwise at ``grid`` evenly spaced values
        from its 5th to its 95th percentile (scikit-learn's rule); a text column at each of its
        categories. Blank cells are left out of the grid only.

        It shows how the model's prediction moves with one column, on average. Its limits: when
        columns are correlated, setting one alone creates unrealistic customers (a two-year
        customer with one month of tenure) and the curve averages over them; and it describes the
        model, not the customers: it is not the effect of changing the column (not causal).

        Parameters
        ----------
        df : DataFrame
            Customers with the columns in ``features_`` (the outcome is not needed); not modified.
        column : str
            One of ``features_``.
        grid : int, default 20
            Most values for a number column (at least 2).

        Returns
        -------
        DataFrame
            Columns ``value`` and ``average_risk``, one row per grid value in increasing order;
            ``attrs`` holds ``column`` and ``kind`` (``"number"`` or ``"category"``).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> n = 600
        >>> table = pd.DataFrame({"spend": rng.gamma(2.0, 20.0, n), "plan": rng.choice(["basic", "plus"], n)})
        >>> table["churn"] = rng.random(n) < 1 / (1 + np.exp((table["spend"] - 40) / 10))
        >>> m = fit_churn_model(table, "churn", cv=3, rng=1)
        >>> pd_spend = m.partial_dependence(table, "spend", grid=5)
        >>> len(pd_spend), bool(pd_spend["average_risk"].is_monotonic_decreasing)
        (5, True)
        >>> list(m.partial_dependence(table, "plan")["value"])
        ['basic', 'plus']
        """
        from sklearn.inspection import partial_dependence as sk_partial_dependence

        pipeline = self._check_fitted()
        df = check_dataframe(df)
        if column not in self.features_:
            raise ValueError(f"column {column!r} is not a feature of this model; its features are {self.features_} "
                             "(report_ says what happened to the other columns)")
        require_columns(df, self.features_)
        if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 2:
            raise ValueError(f"grid must be a whole number of values of at least 2, e.g. 20, got {grid!r}")
        X = _prepare(df, self._kinds)
        values = X[column].dropna()
        if values.empty:
            raise ValueError(f"column {column!r} of df is blank on every row: there is no value to vary. "
                             "Pass customers with values in it")
        category = self._kinds[column] == "category"
        # the grid is built here because scikit-learn cannot sort text with blanks (NaN) in it
        if category:
            points = np.array(sorted(values.unique()), dtype=object)
        else:
            distinct = np.unique(values.to_numpy())
            points = distinct if len(distinct) <= grid else np.linspace(*np.quantile(values, [0.05, 0.95]), int(grid))
        result = sk_partial_dependence(pipeline, X, [column], categorical_features=[column] if category else None,
                                       custom_values={column: points}, kind="average")
        table = pd.DataFrame({"value": result["grid_values"][0], "average_risk": result["average"][0]})
        table.attrs.update(column=column, kind="category" if category else "number")
        return table

    def coefficients(self) -> pd.DataFrame:
        """The logistic regression's weights, one row per number and per category (log-odds scale).

        A number's weight is per standard deviation of the column (the pipeline standardises
        numbers before the fit), so weights of numbers compare with each other; a category's
        weight is that category's own term of the one-hot encoding (with the default
        regularisation there is no reference category: compare categories of one column with
        each other). Positive raises the predicted probability of the event. Like importance,
        a weight describes the model on this data, not a causal effect.

        Returns
        -------
        DataFrame
            Indexed by ``term`` (``"tenure_months"``, ``"plan=premium"``), with ``column`` (the
            table's column), ``kind`` (``"number"`` or ``"category"``) and ``coefficient``; the
            intercept is in ``attrs["intercept"]``.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ValueError
            For a gradient-boosting model, which has no weights: use :meth:`importance`.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> df = pd.DataFrame({"x": rng.normal(size=400), "plan": rng.choice(["a", "b"], 400)})
        >>> df["churned"] = rng.random(400) < 1 / (1 + np.exp(-2 * df["x"]))
        >>> w = fit_churn_model(df, "churned", cv=2, rng=0).coefficients()
        >>> list(w.index), bool(w.loc["x", "coefficient"] > 1)
        (['x', 'plan=a', 'plan=b'], True)
        """
        pipeline = self._check_fitted()
        if self.model != "logistic":
            raise ValueError(f"a {self.model} model has no weights: use importance() (or a logistic model)")
        names = pipeline[:-1].get_feature_names_out()
        categories = [c for c, k in self._kinds.items() if k == "category"]
        rows = []
        for name, weight in zip(names, pipeline[-1].coef_[0]):
            part, _, rest = name.partition("__")
            if part == "numbers":
                rows.append((rest, rest, "number", float(weight)))
                continue
            column = next(c for c in sorted(categories, key=len, reverse=True) if rest.startswith(f"{c}_"))
            rows.append((f"{column}={rest[len(column) + 1:]}", column, "category", float(weight)))
        table = pd.DataFrame(rows, columns=["term", "column", "kind", "coefficient"]).set_index("term")
        table.attrs["intercept"] = float(pipeline[-1].intercept_[0])
        return table

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
    median (numbers) or the most frequent value (text). Date columns (a datetime dtype, or text
    whose every non-blank cell reads as an ISO date such as ``2024-01-05`` or
    ``2024-01-05 10:00``) are dropped, with one warning naming them and the fix (days since a
    fixed day). ``report_`` lists what was done.

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

    Warns
    -----
    DataWarning
        Once, listing the date columns left out of the model (see ``report_``).

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

"""Uplift modelling: whom a contact changes, not who responds (two-model and class-transformation estimators).

A retention offer or an e-mail is worth sending to a customer only if it changes what the
customer does. The **uplift** of a customer is ``P(y = 1 | treated, x) - P(y = 1 | control, x)``:
positive for persuadables, near zero for sure things and lost causes, negative for sleeping dogs
(customers the contact makes *less* likely to buy or stay; Ascarza, Iyengar & Schleicher 2016).
Nobody is observed both treated and not, so uplift is learned from a randomised test, with
scikit-learn classifiers inside:

- :class:`TwoModelUplift` fits one classifier per group and subtracts their probabilities;
- :class:`ClassTransformationUplift` fits one classifier to the transformed class
  ``z = y * t + (1 - y) * (1 - t)`` (Jaskowski & Jaroszewicz 2012), re-weighted when the
  treated share is not one half.

The measures (:func:`qini_curve`, :func:`qini_coefficient`, :func:`uplift_at_k`,
:func:`uplift_by_decile`) judge the scores on a randomised test; :func:`targeting_rule` turns
them into a decision by expected incremental profit. ``y`` is the outcome the firm wants: for
churn, pass ``1 - churned`` (stayed), so that a positive uplift is a saved customer.

References
----------
Jaskowski, M. & Jaroszewicz, S. (2012). Uplift modeling for clinical trial data. ICML Workshop on
Clinical Data Analysis.
Athey, S. & Imbens, G. W. (2015). Machine learning methods for estimating heterogeneous causal
effects. arXiv:1504.01132 (the transformed outcome).
Radcliffe, N. J. (2007). Using control groups to target on predicted lift. Direct Marketing
Analytics Journal 1, 14-21.
Fleiss, J. L., Levin, B. & Paik, M. C. (2003). Statistical Methods for Rates and Proportions, 3rd ed.,
Wiley, section 4.2 (the sample size of a two-proportion test).
Ascarza, E. (2018). Retention futility: targeting high-risk customers might be ineffective.
Journal of Marketing Research 55(1), 80-98.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._checks import as_rng, check_positive, check_probability
from ._fitting import FittedModel
from ._uplift_metrics import _as_1d, check_treatment, qini_coefficient, qini_curve, uplift_at_k, uplift_by_decile
from .exceptions import NotFittedError

__all__ = [
    "ClassTransformationUplift",
    "TargetingDecision",
    "TwoModelUplift",
    "qini_coefficient",
    "qini_curve",
    "sample_size",
    "targeting_rule",
    "uplift_at_k",
    "uplift_by_decile",
]

#: Iterations of the default logistic regression (standardised features converge well before).
LOGISTIC_MAX_ITER = 1000


def _default_classifier() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=LOGISTIC_MAX_ITER))


def _binary_outcome(y: Any, n: int) -> np.ndarray:
    arr = _as_1d(y, "y")
    if len(arr) != n:
        raise ValueError(f"y has {len(arr)} values but X has {n} rows; pass one outcome per row of X")
    ok = np.array([isinstance(v, (bool, np.bool_, int, np.integer, float, np.floating)) and v in (0, 1)
                   for v in arr])
    if not ok.all():
        pos = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"y must hold 1/True (responded, or stayed) and 0/False; position {pos} holds "
                         f"{arr[pos]!r}. Map it first, e.g. (df['churn'] == 'No').astype(int) for 'stayed'.")
    return arr.astype(float).astype(int)


class _UpliftModel(FittedModel):
    """Shared checks, seeding and prediction of the two estimators."""

    def __init__(self, *, estimator: Any = None, rng: None | int | np.random.Generator = None) -> None:
        self.estimator = estimator
        self.rng = rng

    def _check_fitted(self) -> pd.Series:
        if "treatment_share_" not in self.__dict__:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call .fit(X, y, treatment) first")
        return pd.Series(dtype="float64")

    def _new_classifier(self, seed: int) -> Any:
        from sklearn.base import clone

        model = _default_classifier() if self.estimator is None else clone(self.estimator)
        if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
            raise TypeError(f"estimator must be a scikit-learn classifier with predict_proba, not "
                            f"{type(model).__name__}; e.g. LogisticRegression() or HistGradientBoostingClassifier()")
        seeds = {k: seed for k in model.get_params() if k == "random_state" or k.endswith("__random_state")}
        return model.set_params(**seeds)

    def _prepare(self, X: Any, y: Any, treatment: Any) -> tuple[Any, np.ndarray, np.ndarray, int]:
        n = len(X)
        if n == 0:
            raise ValueError("X is empty (0 rows); pass one row of features per customer")
        t = check_treatment(treatment)
        if len(t) != n:
            raise ValueError(f"treatment has {len(t)} values but X has {n} rows; pass one value per row of X")
        y_ = _binary_outcome(y, n)
        if self.estimator is None and isinstance(X, pd.DataFrame):
            text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
            if text:
                raise ValueError(f"column {text[0]!r} of X is not numeric; the default classifier needs numbers. "
                                 "Encode it, or pass estimator=a Pipeline with a ColumnTransformer "
                                 "(OneHotEncoder for text columns, SimpleImputer for blanks)")
        seed = int(as_rng(self.rng).integers(2**31 - 1))
        self.treatment_share_ = float(t.mean())
        self.n_treated_, self.n_control_ = int(t.sum()), int(n - t.sum())
        self.ate_ = float(y_[t == 1].mean() - y_[t == 0].mean())
        return X, y_, t, seed

    @staticmethod
    def _positive_proba(model: Any, X: Any) -> np.ndarray:
        return np.asarray(model.predict_proba(X))[:, list(model.classes_).index(1)]

    def predict_uplift(self, X: Any) -> pd.Series | np.ndarray:
        """Predicted uplift per row of X: a Series aligned to X's index (an array for an array X)."""
        self._check_fitted()
        values = self._uplift(X)
        if isinstance(X, pd.DataFrame):
            return pd.Series(values, index=X.index, name="uplift")
        return values

    def summary(self, *, level: float = 0.95) -> pd.DataFrame:
        """The training sample by group: customers and mean outcome (the difference is ``ate_``).

        ``level`` is accepted for the fitted-model contract's signature; there is no interval here.
        """
        self._check_fitted()
        return pd.DataFrame({"customers": [self.n_treated_, self.n_control_],
                             "response_rate": [self.response_rate_treated_, self.response_rate_control_]},
                            index=pd.Index(["treated", "control"], name="group"))


    def __repr__(self) -> str:
        if "treatment_share_" not in self.__dict__:
            return f"<{type(self).__name__}: not fitted>"
        return f"<{type(self).__name__}: treated share {self.treatment_share_:.3f}, mean effect {self.ate_:+.4f}>"


class TwoModelUplift(_UpliftModel):
    """Uplift as the difference of two classifiers, one fitted on each group ("T-learner").

    ``uplift(x) = P_T(y = 1 | x) - P_C(y = 1 | x)``, with ``P_T`` fitted on the treated customers
    and ``P_C`` on the controls. Simple and valid for any treated share; each model learns the
    response, not the difference, so a weak effect can drown in the noise of two fits.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        Cloned for each group. Default: standardised features and ``LogisticRegression``. Any
        classifier with ``predict_proba`` works (``HistGradientBoostingClassifier``, a Pipeline
        with a ColumnTransformer for text columns and blanks).
    rng : None, int or numpy.random.Generator
        Seeds any ``random_state`` of the estimator.

    Attributes
    ----------
    model_treated_, model_control_ : fitted classifiers
    treatment_share_ : float
        Share of treated customers in the training sample.
    ate_ : float
        Treated minus control mean outcome in the training sample (the average effect).

    Examples
    --------
    >>> X = pd.DataFrame({"x": [0, 1, 0, 1, 0, 1, 0, 1]}, index=list("abcdefgh"))
    >>> y = [0, 1, 0, 1, 0, 0, 1, 0]
    >>> t = [1, 1, 1, 1, 0, 0, 0, 0]
    >>> m = TwoModelUplift().fit(X, y, t)
    >>> m.ate_
    0.25
    >>> bool(m.predict_uplift(X)["b"] > m.predict_uplift(X)["a"])
    True
    """

    def fit(self, X: Any, y: Any, treatment: Any) -> TwoModelUplift:
        """Fit one classifier per group; X (DataFrame or array) is not modified."""
        X, y_, t, seed = self._prepare(X, y, treatment)
        models = []
        for arm, label in ((1, "treated"), (0, "control")):
            rows = np.flatnonzero(t == arm)
            if y_[rows].min() == y_[rows].max():
                raise ValueError(f"every customer of the {label} group has y = {y_[rows][0]}; a classifier needs "
                                 "both outcomes in each group. Use a larger sample or a more frequent outcome.")
            part = X.iloc[rows] if isinstance(X, (pd.DataFrame, pd.Series)) else np.asarray(X)[rows]
            models.append(self._new_classifier(seed).fit(part, y_[rows]))
        self.model_treated_, self.model_control_ = models
        self.response_rate_treated_ = float(y_[t == 1].mean())
        self.response_rate_control_ = float(y_[t == 0].mean())
        return self

    def _uplift(self, X: Any) -> np.ndarray:
        return self._positive_proba(self.model_treated_, X) - self._positive_proba(self.model_control_, X)


class ClassTransformationUplift(_UpliftModel):
    """Uplift from one classifier of the transformed class (Jaskowski & Jaroszewicz 2012).

    The class ``z = y * t + (1 - y) * (1 - t)`` is 1 for a treated responder and for a control
    non-responder. When half the customers are treated, ``P(z = 1 | x) = (P_T + 1 - P_C) / 2``,
    so ``uplift(x) = 2 P(z = 1 | x) - 1``. When the treated share ``p`` is not one half, each
    customer is weighted ``1 / (2p)`` if treated and ``1 / (2(1 - p))`` if control: both groups
    then weigh half the sample, and the same formula holds. (This is the classification form of
    the transformed outcome ``y t / p - y (1 - t) / (1 - p)`` of Athey & Imbens 2015, whose mean
    given ``x`` is the uplift too.) With a constant classifier (``DummyClassifier``) the
    prediction is exactly the treated minus control difference of means, whatever ``p``.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        Must accept ``sample_weight`` when ``p`` is not one half (a Pipeline passes it to its
        last step). Default: standardised features and ``LogisticRegression``.
    rng : None, int or numpy.random.Generator
        Seeds any ``random_state`` of the estimator.

    Attributes
    ----------
    model_ : fitted classifier of ``z``
    treatment_share_ : float
        ``p``, the share of treated customers in the training sample.
    ate_ : float
        Treated minus control mean outcome in the training sample.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> X = np.zeros((10, 1))
    >>> y = [1, 1, 1, 0, 0, 0, 0,  1, 0, 0]     # 3 of 7 treated respond, 1 of 3 controls
    >>> t = [1, 1, 1, 1, 1, 1, 1,  0, 0, 0]
    >>> m = ClassTransformationUplift(estimator=DummyClassifier()).fit(X, y, t)
    >>> round(float(m.predict_uplift(X)[0]), 6), round(3 / 7 - 1 / 3, 6)
    (0.095238, 0.095238)
    """

    def fit(self, X: Any, y: Any, treatment: Any) -> ClassTransformationUplift:
        """Fit the classifier of ``z`` with the re-weighting; X is not modified."""
        X, y_, t, seed = self._prepare(X, y, treatment)
        p = self.treatment_share_
        z = y_ * t + (1 - y_) * (1 - t)
        if z.min() == z.max():
            raise ValueError("the transformed class z = y*t + (1-y)*(1-t) takes one value only (every treated "
                             "customer responded and no control did, or the reverse); nothing to learn")
        weight = np.where(t == 1, 1 / (2 * p), 1 / (2 * (1 - p)))
        self.model_ = self._fit_weighted(self._new_classifier(seed), X, z, weight, p)
        self.response_rate_treated_ = float(y_[t == 1].mean())
        self.response_rate_control_ = float(y_[t == 0].mean())
        return self

    @staticmethod
    def _fit_weighted(model: Any, X: Any, z: np.ndarray, weight: np.ndarray, p: float) -> Any:
        from sklearn.pipeline import Pipeline
        from sklearn.utils.validation import has_fit_parameter

        if p == 0.5:   # weights all 1: no need to pass them
            return model.fit(X, z)
        last = model.steps[-1] if isinstance(model, Pipeline) else None
        final = last[1] if last else model
        if not has_fit_parameter(final, "sample_weight"):
            raise TypeError(f"{type(final).__name__} does not accept sample_weight, which the re-weighting needs "
                            f"(treated share {p:.3f}, not 0.5); use a classifier that does (LogisticRegression, "
                            "HistGradientBoostingClassifier) or TwoModelUplift")
        key = f"{last[0]}__sample_weight" if last else "sample_weight"
        return model.fit(X, z, **{key: weight})

    def _uplift(self, X: Any) -> np.ndarray:
        return 2 * self._positive_proba(self.model_, X) - 1


@dataclass(frozen=True)
class TargetingDecision:
    """The result of :func:`targeting_rule`.

    Attributes
    ----------
    target : numpy.ndarray of bool, or Series aligned to the uplift's index
        True for the customers to contact.
    expected_profit : float
        Expected incremental profit of contacting them: ``sum(uplift * value - cost)`` over the
        targeted customers.
    n_targeted : int
    """

    target: np.ndarray | pd.Series
    expected_profit: float
    n_targeted: int


def targeting_rule(uplift: Any, *, value: Any, cost: Any) -> TargetingDecision:
    """Contact a customer when the expected incremental value pays for the contact: ``uplift * value > cost``.

    A customer's expected incremental profit from a contact is ``uplift * value - cost``: the
    change in the probability of the outcome times what the outcome is worth (a saved customer's
    value, a purchase's margin), less the cost of the contact and offer. It is the expected-value
    rule of Provost & Fawcett (2013, ch. 7 and 11) with the incremental effect in place of the
    probability of response: a high-risk customer whom the offer does not move (a lost cause) or
    moves the wrong way (a sleeping dog) is not targeted (Ascarza 2018).

    Parameters
    ----------
    uplift : list, array or Series
        Predicted uplift per customer (e.g. :meth:`TwoModelUplift.predict_uplift`).
    value : float or array of the same length
        What one more response is worth, per customer or for all.
    cost : float (>= 0) or array of the same length
        Cost of contacting each customer (contact plus expected offer cost).

    Examples
    --------
    >>> d = targeting_rule([0.10, 0.02, -0.05], value=100, cost=5)
    >>> d.target.tolist(), d.expected_profit
    ([True, False, False], 5.0)
    """
    arr = _as_1d(uplift, "uplift")
    try:
        u = arr.astype("float64")
    except (TypeError, ValueError):
        raise TypeError("uplift must hold numbers") from None
    sizes = {}
    for name, x in (("uplift", u), ("value", value), ("cost", cost)):
        x = np.asarray(x, dtype="float64")
        if x.ndim > 1 or (x.ndim == 1 and len(x) != len(u)):
            raise ValueError(f"{name} must be one number or one value per customer ({len(u)}), got shape {x.shape}")
        bad = ~np.isfinite(x)
        if bad.any():
            where = f" at position {int(np.flatnonzero(np.atleast_1d(bad))[0])}" if x.ndim else ""
            raise ValueError(f"{name} has a missing or infinite value{where}; fill it or drop the customer")
        sizes[name] = x
    if np.ndim(cost) == 0:
        check_positive(cost, "cost", allow_zero=True)
    elif (sizes["cost"] < 0).any():
        raise ValueError(f"cost must be >= 0; position {int(np.flatnonzero(sizes['cost'] < 0)[0])} is negative")
    gain = u * sizes["value"] - sizes["cost"]
    target = gain > 0
    profit = float(np.broadcast_to(gain, u.shape)[target].sum())
    result = pd.Series(target, index=uplift.index, name="target") if isinstance(uplift, pd.Series) else target
    return TargetingDecision(target=result, expected_profit=profit, n_targeted=int(target.sum()))


def sample_size(p_control: float, effect: float, *, alpha: float = 0.05, power: float = 0.8,
                treated_share: float = 0.5) -> int:
    """Customers a randomised test needs to detect a given change in a rate (treated + control).

    The normal-approximation sample size of a two-sided test of two proportions, without
    continuity correction (Fleiss, Levin & Paik 2003, section 4.2; Chow, Shao & Wang 2008,
    section 4.2), for a test that gives a share ``r`` of ``n`` customers the treatment:

    ``n = (z_{1-alpha/2} sqrt(pbar (1 - pbar) (1/r + 1/(1 - r)))
    + z_{power} sqrt(p_T (1 - p_T) / r + p_C (1 - p_C) / (1 - r)))**2 / effect**2``

    with ``p_C = p_control``, ``p_T = p_control + effect`` and ``pbar = r p_T + (1 - r) p_C``,
    the rate of the whole test if the treatment did nothing. Each group is rounded up
    (``ceil(r n)`` treated, ``ceil((1 - r) n)`` controls) and the total is returned; with
    ``r = 1/2`` it is twice the familiar per-group size.

    Parameters
    ----------
    p_control : float in (0, 1)
        The rate without the treatment (churn, conversion) expected in the control group.
    effect : float, not 0
        The change to detect, treated minus control, as a difference of shares (-0.03 for a
        drop of 3 points): the smallest change worth knowing about, not the one hoped for.
    alpha : float in (0, 1), default 0.05
        The chance of declaring an effect when there is none (two-sided).
    power : float in (0, 1), default 0.8
        The chance of declaring the effect when it is there.
    treated_share : float in (0, 1), default 0.5
        The share of the test's customers who get the treatment (a half needs the fewest).

    Returns
    -------
    int
        Customers in the whole test, treated and control together.

    Examples
    --------
    >>> sample_size(0.10, -0.05)             # 435 per group: 10 % against 5 %
    870
    >>> sample_size(0.10, -0.05, treated_share=0.8) > 870   # an unequal split costs customers
    True
    """
    from scipy.stats import norm

    p_c = check_probability(p_control, "p_control", allow_zero=False, allow_one=False)
    try:
        d = float(effect)
    except (TypeError, ValueError):
        raise TypeError(f"effect must be a number (a difference of shares, e.g. -0.03), not {effect!r}") from None
    if not np.isfinite(d) or d == 0:
        raise ValueError(f"effect must be a finite difference of shares other than 0, got {effect!r}")
    p_t = p_c + d
    if not 0 < p_t < 1:
        raise ValueError(f"effect moves the rate outside (0, 1): p_control + effect = {p_t:g}; an effect is a "
                         "difference of shares (-0.03 for 3 points), not a percentage")
    a = check_probability(alpha, "alpha", allow_zero=False, allow_one=False)
    b = check_probability(power, "power", allow_zero=False, allow_one=False)
    r = check_probability(treated_share, "treated_share", allow_zero=False, allow_one=False)
    pbar = r * p_t + (1 - r) * p_c
    root = (norm.ppf(1 - a / 2) * np.sqrt(pbar * (1 - pbar) * (1 / r + 1 / (1 - r)))
            + norm.ppf(b) * np.sqrt(p_t * (1 - p_t) / r + p_c * (1 - p_c) / (1 - r)))
    n = root**2 / d**2
    return int(np.ceil(r * n - 1e-9) + np.ceil((1 - r) * n - 1e-9))

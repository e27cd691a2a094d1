"""The fitted-model contract shared by every model of the kit (private; as pymc-marketing's ``CLVModel``).

A model keeps its settings in ``__init__`` (stored as given, no logic); ``fit(...)`` checks the
data, estimates and returns ``self``. Learned values end in ``_``:

- ``params_``: a pandas Series named with the papers' parameter names;
- ``se_``: their standard errors (Series), from :func:`log_param_covariance`;
- ``log_param_cov_``: the covariance matrix of the log-parameters (DataFrame);
- ``log_likelihood_``: the maximised total log-likelihood (float).

``summary()`` tabulates them. Asking for a learned value before ``fit`` raises
:class:`relmkt_lib.exceptions.NotFittedError`; a fit that fails raises
:class:`relmkt_lib.exceptions.ConvergenceError` with the usual fixes.

Every parameter of the kit's models is positive, so the models are estimated on the log scale,
and the standard errors come from ONE numerical Hessian of the total log-likelihood with respect
to the log-parameters (central differences), by the delta method: ``se = param * se(log param)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from .exceptions import NotFittedError

__all__ = ["FittedModel", "log_param_covariance", "delta_method_se"]

#: Step of the central differences on the log-parameters (a relative step of 0.01 %).
HESSIAN_STEP = 1e-4


def log_param_covariance(total_log_likelihood: Callable[[np.ndarray], float],
                         params: np.ndarray) -> np.ndarray:
    """Covariance of the log-parameters: the inverse of minus the Hessian of the log-likelihood.

    ``total_log_likelihood`` takes the parameters on their natural (positive) scale; the Hessian
    is taken by central differences on ``log(params)`` with step :data:`HESSIAN_STEP`. A
    singular Hessian gives a matrix of NaN (the standard errors are then unknown, not 0).

    Examples
    --------
    >>> # a Poisson log-likelihood with 40 events in 10 units: the MLE is 4, var(log rate) = 1/40
    >>> ll = lambda p: 40 * np.log(p[0]) - 10 * p[0]
    >>> round(float(log_param_covariance(ll, np.array([4.0]))[0, 0]), 4)
    0.025
    """
    theta = np.log(np.asarray(params, dtype="float64"))
    k, h = len(theta), HESSIAN_STEP

    def total(th: np.ndarray) -> float:
        return float(total_log_likelihood(np.exp(th)))

    eye = np.eye(k) * h
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            hess[i, j] = hess[j, i] = (total(theta + eye[i] + eye[j]) - total(theta + eye[i] - eye[j])
                                       - total(theta - eye[i] + eye[j])
                                       + total(theta - eye[i] - eye[j])) / (4 * h * h)
    try:
        return np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return np.full((k, k), np.nan)


def delta_method_se(params: np.ndarray, log_cov: np.ndarray) -> np.ndarray:
    """Standard errors of the parameters from the covariance of their logs (delta method).

    ``se(param) = param * sqrt(var(log param))``; a variance that is not positive gives NaN.

    >>> delta_method_se(np.array([4.0]), np.array([[0.025]])).round(4)
    array([0.6325])
    """
    var = np.diag(np.asarray(log_cov, dtype="float64"))
    return np.asarray(params, dtype="float64") * np.sqrt(np.where(var > 0, var, np.nan))


class FittedModel:
    """Base of the kit's fitted models: the not-fitted error, the standard errors and ``summary()``.

    A subclass sets ``_param_names`` (the papers' names) and calls :meth:`_store_fit` at the end
    of its ``fit``. Parameters set by hand (``model.params_ = pd.Series(...)``, to evaluate a
    model at published values) are enough for the predictions; ``summary()`` then shows NaN
    standard errors.
    """

    _param_names: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        # only called for missing attributes: a learned value (``params_``, ``se_``, ...) asked for
        # before fit gets the not-fitted message; NotFittedError is an AttributeError, so
        # hasattr(model, "params_") stays False
        if name.endswith("_") and not name.startswith("_"):
            raise NotFittedError(f"this {type(self).__name__} has no {name} yet: it is not fitted; "
                                 "call .fit(...) first")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _check_fitted(self) -> pd.Series:
        """The parameters, or :class:`NotFittedError` if the model has none yet."""
        if "params_" not in self.__dict__:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call .fit(...) first "
                                 "(or set params_ to known values)")
        return self.params_

    def _store_fit(self, params: np.ndarray, total_log_likelihood: Callable[[np.ndarray], float]) -> None:
        """Set ``params_``, ``log_likelihood_``, ``log_param_cov_`` and ``se_`` from the estimates."""
        names = list(self._param_names)
        est = np.asarray(params, dtype="float64")
        cov = log_param_covariance(total_log_likelihood, est)
        self.params_ = pd.Series(est, index=names, name="estimate")
        self.log_likelihood_ = float(total_log_likelihood(est))
        self.log_param_cov_ = pd.DataFrame(cov, index=names, columns=names)
        self.se_ = pd.Series(delta_method_se(est, cov), index=names, name="se")

    def summary(self, *, level: float = 0.95) -> pd.DataFrame:
        """Estimates, standard errors and confidence intervals, one row per parameter.

        The interval is a Wald interval on the log scale, transformed back:
        ``estimate * exp(+-z * se / estimate)`` with ``z`` the normal quantile of ``level``
        (1.96 at 95 %). It stays positive, like the parameters, and is not symmetric.

        Parameters
        ----------
        level : float, default 0.95
            Coverage of the interval.

        Returns
        -------
        DataFrame
            Columns ``estimate``, ``se``, ``lower``, ``upper``; index ``parameter``.
        """
        est = self._check_fitted().astype("float64")
        if not 0 < float(level) < 1:
            raise ValueError(f"level must be between 0 and 1, e.g. 0.95, got {level!r}")
        se = self.__dict__.get("se_", pd.Series(np.nan, index=est.index)).reindex(est.index)
        half = norm.ppf(0.5 + float(level) / 2) * se.to_numpy() / est.to_numpy()
        table = pd.DataFrame({"estimate": est.to_numpy(), "se": se.to_numpy(),
                              "lower": est.to_numpy() * np.exp(-half), "upper": est.to_numpy() * np.exp(half)},
                             index=pd.Index(est.index, name="parameter"))
        return table

    def __repr__(self) -> str:
        if "params_" not in self.__dict__:
            return f"<{type(self).__name__}: not fitted>"
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: {values}>"

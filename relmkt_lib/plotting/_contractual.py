"""Plots of the `contractual` module, re-exported by `relmkt_lib.plotting`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import active_counts_array
from ..exceptions import NotFittedError
from ._base import get_axes, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__: list[str] = ["plot_survival_fit", "plot_retention_rates", "plot_churn_distribution"]


def _fitted(model: Any) -> tuple[float, float]:
    if "params_" not in getattr(model, "__dict__", {}):
        raise NotFittedError("model must be a fitted ShiftedBetaGeometric; call .fit(active_counts) first")
    return float(model.params_["alpha"]), float(model.params_["beta"])


def _last_period(last_period: int | None, n: np.ndarray) -> int:
    last = len(n) - 1 if last_period is None else int(last_period)
    if last < 1:
        raise ValueError(f"last_period must be at least 1, got {last_period}")
    return last


def plot_survival_fit(observed: Any, model: Any, *, last_period: int | None = None,
                      others: dict[str, Any] | None = None, ax: Axes | None = None,
                      **kwargs: Any) -> Axes:
    """Observed share still active against the sBG fit, with the calibration / holdout split.

    Parameters
    ----------
    observed : list, array or Series
        Active counts per period from period 0, calibration and holdout periods together.
    model : fitted ShiftedBetaGeometric
        Its ``n_periods_`` marks the end of the calibration periods (shaded after it, if the
        observed counts go further).
    last_period : int, optional
        Last period of the projection (default: the last observed period).
    others : dict of label -> array, optional
        Other projected survival curves (shares, one value per period from 0) to compare.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the sBG line's ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from relmkt_lib.contractual import ShiftedBetaGeometric
    >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207]
    >>> m = ShiftedBetaGeometric().fit(counts[:8])
    >>> fig, ax = plt.subplots()
    >>> plot_survival_fit(counts, m, ax=ax).get_ylabel()
    'Share of the cohort still active'
    """
    _fitted(model)
    n = active_counts_array(observed)
    last = _last_period(last_period, n)
    t = np.arange(last + 1)
    ax = get_axes(ax)
    calib = model.n_periods_ + 0.5  # period n_periods_ is the last one the model saw
    end = max(last, len(n) - 1) + 0.5
    if calib < end:  # a holdout to show
        ax.axvspan(calib, end, color="0.93", zorder=0)
    ax.plot(np.arange(len(n)), n / n[0], "o", color="black", label="observed", zorder=3)
    ax.plot(t, model.survival(t), **{"color": "C0", "linewidth": 2, "label": "sBG fit and projection",
                                     **kwargs})
    for i, (label, curve) in enumerate((others or {}).items()):
        curve = np.asarray(curve, dtype=float)
        ax.plot(np.arange(len(curve)), curve, linestyle="--", color=f"C{i + 1}", label=label)
    if calib < end:
        ax.axvline(calib, color="grey", linestyle=":", linewidth=1)
        ax.annotate("calibration | holdout", xy=(calib, 0.98), xycoords=("data", "axes fraction"),
                    ha="center", va="top", color="grey", fontsize="small")
    ax.set(xlabel="Period since acquisition (renewals)", ylabel="Share of the cohort still active",
           ylim=(0, 1.05))
    percent_axis(ax)
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.92))
    return ax


def plot_retention_rates(observed: Any, model: Any, *, constant: float | None = None,
                         last_period: int | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Observed period-to-period retention rates against the sBG curve and a constant rate.

    The periods after the model's calibration periods (its ``n_periods_``), if any, are shaded
    and labelled "calibration | holdout".

    Parameters
    ----------
    observed : list, array or Series
        Active counts per period from period 0.
    model : fitted ShiftedBetaGeometric
    constant : float, optional
        A constant retention rate (the geometric model) drawn as a flat line.
    last_period : int, optional
        Last period drawn (default: the last observed period).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the sBG line's ``Axes.plot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from relmkt_lib.contractual import ShiftedBetaGeometric
    >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> fig, ax = plt.subplots()
    >>> plot_retention_rates(counts, ShiftedBetaGeometric().fit(counts), ax=ax).get_xlabel()
    'Period since acquisition'
    """
    _fitted(model)
    n = active_counts_array(observed)
    last = _last_period(last_period, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = n[1:] / n[:-1]
    t = np.arange(1, last + 1)
    ax = get_axes(ax)
    ax.plot(np.arange(1, len(n)), rates, "o", color="black", label="observed", zorder=3)
    ax.plot(t, model.retention_rate(t), **{"color": "C0", "linewidth": 2, "label": "sBG", **kwargs})
    if constant is not None:
        ax.axhline(constant, color="C1", linestyle="--", label="constant rate")
    # the rate at period n_periods_ is the last one the model saw: the holdout starts half a period later
    calib = model.n_periods_ + 0.5
    end = max(last, len(n) - 1) + 0.5
    if calib < end:  # a holdout to show, labelled as in plot_survival_fit
        ax.axvspan(calib, end, color="0.93", zorder=0)
        ax.axvline(calib, color="grey", linestyle=":", linewidth=1)
        ax.annotate("calibration | holdout", xy=(calib, 0.02), xycoords=("data", "axes fraction"),
                    ha="center", va="bottom", color="grey", fontsize="small")
    ax.set(xlabel="Period since acquisition", ylabel="Retention rate from the previous period")
    percent_axis(ax)
    ax.legend(loc="lower right")
    return ax


def plot_churn_distribution(model: Any, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Density of the churn probability ``theta ~ Beta(alpha, beta)`` of a fitted sBG.

    A Beta density with ``alpha < 1`` is infinite at theta = 0 (and with ``beta < 1`` at 1): the
    curve is drawn up to the edge and runs off the top of the axis, which is scaled to the
    density between 2 % and 98 %, so that every such curve visibly rises without bound.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from relmkt_lib.contractual import ShiftedBetaGeometric
    >>> fig, ax = plt.subplots()
    >>> m = ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> plot_churn_distribution(m, ax=ax).get_xlabel()
    'Churn probability per period (theta)'
    """
    from scipy.stats import beta as beta_dist

    a, b = _fitted(model)
    # fine steps near both edges, where a density with alpha < 1 (beta < 1) rises without bound
    edge = np.geomspace(1e-9, 0.0025, 60)
    theta = np.unique(np.concatenate([edge, np.linspace(0.0025, 0.9975, 400), 1 - edge]))
    density = beta_dist.pdf(theta, a, b)
    ax = get_axes(ax)
    label = kwargs.pop("label", f"alpha = {a:.2f}, beta = {b:.2f}")
    ax.plot(theta, density, **{"linewidth": 2, "label": label, **kwargs})
    ax.axvline(a / (a + b), color=ax.lines[-1].get_color(), linestyle=":", linewidth=1)
    ax.set(xlabel="Churn probability per period (theta)", ylabel="Density")
    # a Beta density with alpha < 1 is infinite at 0: cap the axis at the density between 2 % and 98 %
    top = 1.15 * float(density[(theta >= 0.02) & (theta <= 0.98)].max())
    previous = ax.get_ylim()[1] if len(ax.lines) > 2 else 0.0  # earlier curves on the same Axes
    ax.set_ylim(0, max(previous, top))
    percent_axis(ax, "x")
    ax.legend()
    return ax

"""Plots of the `migration` module, re-exported by `relmkt_lib.plotting`.

They take the tables that :mod:`relmkt_lib.migration` returns (this module does not import it):
``plot_transition_matrix`` a :func:`~relmkt_lib.migration.transition_matrix`,
``plot_state_mix`` a :func:`~relmkt_lib.migration.project_states` table, and
``plot_ladder_values`` a :func:`~relmkt_lib.migration.markov_clv` Series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe
from ._base import get_axes, money_axis, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_transition_matrix", "plot_state_mix", "plot_ladder_values"]


def _numbers(frame: pd.DataFrame, name: str, fix: str) -> np.ndarray:
    try:
        values = frame.to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers; pass {fix}") from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{name} must hold finite numbers >= 0; pass {fix}")
    return values


def plot_transition_matrix(P: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Heatmap of a transition matrix, each cell annotated with its probability in %.

    Parameters
    ----------
    P : DataFrame
        The output of :func:`relmkt_lib.migration.transition_matrix` (rows: from, columns: to).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.imshow`` (for example ``cmap``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> P = pd.DataFrame([[0.7, 0.3], [0.1, 0.9]], index=["a", "b"], columns=["a", "b"])
    >>> plot_transition_matrix(P, ax=ax).get_ylabel()
    'State this period (from)'
    """
    check_dataframe(P, "P")
    values = _numbers(P, "P", "the output of migration.transition_matrix(...)")
    ax = get_axes(ax)
    image = ax.imshow(values, **{"cmap": "Blues", "vmin": 0, "vmax": 1, "aspect": "auto", **kwargs})
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:.0%}", ha="center", va="center",
                    color="white" if values[i, j] > 0.55 else "black", fontsize=10)
    ax.set_xticks(range(values.shape[1]), [str(c) for c in P.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in P.index])
    ax.grid(False)
    ax.set(xlabel="State next period (to)", ylabel="State this period (from)")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("Probability of the move")
    return ax


def plot_state_mix(mix: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Stacked areas of the share of customers in each state, period after period.

    Parameters
    ----------
    mix : DataFrame
        One row per period, one column per state (counts or shares; drawn as shares), such as
        :func:`relmkt_lib.migration.project_states`.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.stackplot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> mix = pd.DataFrame({"a": [1.0, 0.5], "b": [0.0, 0.5]})
    >>> plot_state_mix(mix, ax=ax).get_ylabel()
    'Share of customers (%)'
    """
    check_dataframe(mix, "mix")
    values = _numbers(mix, "mix", "one row per period and one column per state")
    totals = values.sum(axis=1, keepdims=True)
    if (totals == 0).any():
        raise ValueError("mix has a period (row) with no customers; every row must have a positive total")
    shares = values / totals
    ax = get_axes(ax)
    x = np.arange(len(mix)) if not np.issubdtype(np.asarray(mix.index).dtype, np.number) else mix.index
    ax.stackplot(x, shares.T, labels=[str(c) for c in mix.columns], **{"alpha": 0.9, **kwargs})
    ax.set_ylim(0, 1)
    ax.set_xlim(x[0], x[-1])
    percent_axis(ax)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="State")
    ax.set(xlabel="Periods ahead", ylabel="Share of customers (%)")
    return ax


def plot_ladder_values(values: pd.Series, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Bar chart of the lifetime value of a customer on each rung (or state), labelled in dollars.

    Parameters
    ----------
    values : Series
        Value per state, such as :func:`relmkt_lib.migration.markov_clv`.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_ladder_values(pd.Series({"occasional": 180.0, "regular": 330.0}), ax=ax).get_ylabel()
    'Lifetime value of a customer ($)'
    """
    if not isinstance(values, pd.Series) or len(values) == 0:
        raise TypeError("values must be a non-empty pandas Series (one value per state), such as "
                        "migration.markov_clv(...)")
    v = values.to_numpy(dtype="float64")
    if not np.isfinite(v).all():
        raise ValueError("values must be finite; the value of a state is infinite or missing")
    ax = get_axes(ax)
    labels = [str(i) for i in values.index]
    bars = ax.bar(labels, v, **{"color": "C0", **kwargs})
    ax.bar_label(bars, labels=[f"${x:,.0f}" for x in v], padding=2)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.margins(y=0.12)
    money_axis(ax)
    ax.set(xlabel="State", ylabel="Lifetime value of a customer ($)")
    return ax

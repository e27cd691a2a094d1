"""Plots of the `cohorts` module, re-exported by `relmkt_lib.plotting`.

They take the tables that :mod:`relmkt_lib.cohorts` returns (this module does not import it):
``plot_retention_heatmap`` and ``plot_retention_curves`` a :func:`~relmkt_lib.cohorts.retention_matrix`,
``plot_cohort_revenue`` a :func:`~relmkt_lib.cohorts.cohort_table` with revenue, and
``plot_value_levers`` a :func:`~relmkt_lib.clv.value_levers` (chapter 03) or
:func:`~relmkt_lib.clv.clv_levers` (chapter 04) table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, money_axis, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_retention_heatmap", "plot_retention_curves", "plot_cohort_revenue", "plot_value_levers"]

_UNITS = {"M": "months", "Q": "quarters", "Y": "years"}


def _check_matrix(matrix: Any) -> pd.DataFrame:
    check_dataframe(matrix, "matrix")
    try:
        values = matrix.to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise TypeError("matrix must hold numbers: pass the output of cohorts.retention_matrix(...)") from None
    if np.isinf(values).any() or (values < 0).any():
        raise ValueError("matrix must hold shares >= 0 (NaN where unobserved); pass the output of "
                         "cohorts.retention_matrix(...)")
    return matrix


def _period_label(matrix: pd.DataFrame) -> str:
    """The x label, in the unit of the cohorts (a retention matrix is indexed by pandas Periods)."""
    freq = matrix.index.freqstr[0] if isinstance(matrix.index, pd.PeriodIndex) else ""
    unit = _UNITS.get(freq, "periods")
    return f"Time since acquisition ({unit}; 0 = acquisition period)"


def plot_retention_heatmap(matrix: pd.DataFrame, *, annotate: bool | None = None,
                           ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Heatmap of a retention matrix: one row per cohort, one column per period since acquisition.

    Unobserved cells (NaN) stay blank. The colour scale runs from 0 to the largest value after
    period 0 (period 0, always 100 %, would otherwise wash out the rest).

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`relmkt_lib.cohorts.retention_matrix`.
    annotate : bool, optional
        Write the percentage in each cell; by default only when the matrix has at most 16
        columns and 24 rows.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.imshow`` (for example ``cmap``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> m = pd.DataFrame({0: [1.0, 1.0], 1: [0.4, np.nan]}, index=["2024-01", "2024-02"])
    >>> plot_retention_heatmap(m, ax=ax).get_ylabel()
    'Acquisition cohort'
    """
    _check_matrix(matrix)
    values = matrix.to_numpy(dtype="float64")
    n_rows, n_cols = values.shape
    if annotate is None:
        annotate = n_cols <= 16 and n_rows <= 24
    later = values[:, 1:] if n_cols > 1 else values
    vmax = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    ax = get_axes(ax)
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", interpolation="nearest",
                      **{"cmap": "Blues", "vmin": 0.0, "vmax": vmax or 1.0, **kwargs})
    xstep = 1 if n_cols <= 16 else 3
    ax.set_xticks(range(0, n_cols, xstep), [str(c) for c in matrix.columns[::xstep]])
    step = max(1, int(np.ceil(n_rows / 24)))
    ax.set_yticks(range(0, n_rows, step), [str(i) for i in matrix.index[::step]])
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    if annotate:
        size = 9 if n_cols <= 12 else 7
        for i, j in zip(*np.nonzero(np.isfinite(values))):
            v = values[i, j]
            dark = image.norm(v) > 0.6
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=size,
                    color="white" if dark else "black")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    percent_axis(bar.ax)
    bar.set_label("Share of the cohort active")
    ax.set(xlabel=_period_label(matrix), ylabel="Acquisition cohort")
    return ax


def plot_retention_curves(matrix: pd.DataFrame, *, average: pd.DataFrame | pd.Series | None = None,
                          min_period: int = 0, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """One retention curve per cohort (oldest dark, newest light), with an optional average.

    The legend names every cohort when there are at most 12 (the newest cohort, observed only
    in its acquisition period, is a single dot); with more, only the oldest and the newest.

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`relmkt_lib.cohorts.retention_matrix`.
    average : DataFrame or Series, optional
        The output of :func:`relmkt_lib.cohorts.average_retention_curve` (its ``retention``
        column) or a Series indexed by period number; drawn as a thick black line.
    min_period : int, default 0
        First period drawn: ``min_period=1`` leaves out the 100 % of period 0, so that the y axis
        zooms in on the later periods.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the cohort lines.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> m = pd.DataFrame({0: [1.0, 1.0], 1: [0.4, np.nan]}, index=["2024-01", "2024-02"])
    >>> len(plot_retention_curves(m, ax=ax).get_lines())
    2
    """
    _check_matrix(matrix)
    if average is not None:
        if isinstance(average, pd.DataFrame):
            require_columns(average, ["retention"], "average")
            average = average["retention"]
        if not isinstance(average, pd.Series):
            raise TypeError("average must be the output of cohorts.average_retention_curve(...) or a Series")
    top = int(np.max(np.asarray(matrix.columns, dtype=float)))
    if isinstance(min_period, bool) or not isinstance(min_period, (int, np.integer)) or not 0 <= min_period <= top:
        raise ValueError(f"min_period must be a whole number from 0 to {top} (the last period in matrix), "
                         f"got {min_period!r}")
    keep = np.asarray(matrix.columns, dtype=float) >= min_period
    matrix = matrix.loc[:, keep]
    if average is not None:
        average = average[np.asarray(average.index, dtype=float) >= min_period]
    import matplotlib.pyplot as plt

    ax = get_axes(ax)
    n = len(matrix)
    colours = plt.get_cmap("viridis")(np.linspace(0.05, 0.85, max(n, 2)))
    few = n <= 12  # every cohort in the legend (beyond that, only the oldest and the newest)
    for i, (cohort, row) in enumerate(matrix.iterrows()):
        row = row.dropna()
        label = str(cohort) if few else (f"{cohort} (oldest)" if i == 0 else
                                         f"{cohort} (newest)" if i == n - 1 else None)
        ax.plot(row.index.to_numpy(), row.to_numpy(), **{"color": colours[i], "linewidth": 1.4,
                                                         "marker": "o", "markersize": 3,
                                                         "alpha": 0.9, "label": label, **kwargs})
    if average is not None:
        ax.plot(average.index.to_numpy(), average.to_numpy(dtype="float64"), color="black",
                linewidth=3, label="average (weighted by cohort size)")
    from matplotlib.ticker import MaxNLocator

    percent_axis(ax)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, None)
    ax.set(xlabel=_period_label(matrix), ylabel="Share of the cohort active")
    ax.legend(ncol=1 if not few or n <= 4 else 2 if n <= 8 else 3, fontsize=9 if few and n > 8 else None)
    return ax


def plot_cohort_revenue(table: pd.DataFrame, *, cohort_group: str | None = None,
                        ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Layer-cake chart: revenue per calendar period, stacked by acquisition cohort.

    Each layer is the revenue of one cohort (or of the cohorts of one quarter or year with
    ``cohort_group``): the chart shows how today's revenue is built on customers acquired
    long ago (the "C3" chart).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`relmkt_lib.cohorts.cohort_table` with an ``amount_col``.
    cohort_group : {"Q", "Y"}, optional
        Pool the cohorts by quarter or year of acquisition (must be coarser than the table's).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.stackplot``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"cohort": pd.PeriodIndex(["2024-01", "2024-01", "2024-02"], freq="M"),
    ...                   "period": pd.PeriodIndex(["2024-01", "2024-02", "2024-02"], freq="M"),
    ...                   "revenue": [100.0, 40.0, 80.0]})
    >>> plot_cohort_revenue(t, ax=ax).get_ylabel()
    'Revenue per month ($)'
    """
    check_dataframe(table, "table")
    require_columns(table, ["cohort", "period", "revenue"], "table")
    if not isinstance(table["cohort"].dtype, pd.PeriodDtype):
        raise TypeError("table must be the output of cohorts.cohort_table(..., amount_col=...): "
                        "its 'cohort' column holds pandas Periods")
    freq = str(table["cohort"].dtype)[len("period[")]  # "period[Q-DEC]" -> "Q"
    cohort = table["cohort"]
    if cohort_group is not None:
        order = "MQY"
        if cohort_group not in ("Q", "Y") or order.index(cohort_group) <= order.index(freq):
            raise ValueError(f"cohort_group must be 'Q' or 'Y' and coarser than the table's periods "
                             f"({freq!r}), not {cohort_group!r}")
        cohort = cohort.dt.asfreq(cohort_group)
    wide = table["revenue"].groupby([table["period"], cohort]).sum().unstack(fill_value=0.0)
    wide = wide.reindex(pd.period_range(wide.index.min(), wide.index.max()), fill_value=0.0)
    # steps: each period's revenue is drawn flat from its start to the start of the next one
    x = np.append(wide.index.to_timestamp().to_numpy(), (wide.index[-1] + 1).to_timestamp().to_datetime64())
    y = np.vstack([wide.to_numpy(), wide.to_numpy()[-1:]]).T
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    ax = get_axes(ax)
    n = wide.shape[1]
    colours = plt.get_cmap("viridis")(np.linspace(0.05, 0.9, max(n, 2)))[:n]
    labels = [str(c) for c in wide.columns]
    ax.stackplot(x, y, labels=labels, **{"colors": colours, "step": "post", **kwargs})
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    money_axis(ax)
    unit = {"M": "month", "Q": "quarter", "Y": "year"}.get(freq, "period")
    ax.set(xlabel="Calendar time", ylabel=f"Revenue per {unit} ($)")
    handles, names = ax.get_legend_handles_labels()
    if n <= 12:
        ax.legend(handles[::-1], names[::-1], title="Acquired in", loc="upper left",
                  ncol=1 if n <= 6 else 2, fontsize=9)
    return ax


def plot_value_levers(levers: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Horizontal bars of the % change in firm value from improving each lever by 1 %.

    Parameters
    ----------
    levers : DataFrame
        The output of :func:`relmkt_lib.clv.value_levers` (re-exported by ``cohorts``) or of
        :func:`relmkt_lib.clv.clv_levers` (then relabel the x axis).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> lv = pd.DataFrame({"change_pct": [3.2, 1.2, 0.2]},
    ...                   index=["retention", "margin", "acquisition cost"])
    >>> plot_value_levers(lv, ax=ax).get_xlabel()
    'Change in firm value (%)'
    """
    check_dataframe(levers, "levers")
    require_columns(levers, ["change_pct"], "levers")
    values = levers["change_pct"].to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        raise ValueError("column 'change_pct' has missing or infinite values (is the base firm value 0?)")
    ax = get_axes(ax)
    labels = [f"{name}\n(1 % better)" for name in levers.index]
    y = np.arange(len(values))[::-1]
    bars = ax.barh(y, values, **{"color": ["C0", "C1", "C2", "C3", "C4"][: len(values)], **kwargs})
    ax.set_yticks(y, labels)
    ax.bar_label(bars, labels=[f"{v:+.2f} %" for v in values], padding=4)
    ax.set_xlim(min(0.0, values.min() * 1.3), max(values.max() * 1.25, 0.1))
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(xlabel="Change in firm value (%)")
    return ax

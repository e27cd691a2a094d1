"""Plots of the `rfm` module, re-exported by `relmkt_lib.plotting`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_dataframe, require_columns
from ._base import get_axes, percent_axis

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_segment_sizes", "plot_rfm_grid", "plot_segment_migration", "plot_group_means"]

#: Standard normal quantile of a two-sided 95 % confidence interval.
Z95 = 1.96


def _numbers(df: pd.DataFrame, col: str, name: str) -> pd.Series:
    values = pd.to_numeric(df[col], errors="coerce")
    if values.isna().any() or not np.isfinite(values).all():
        raise ValueError(f"column {col!r} of {name} must hold finite numbers with no missing values")
    return values.astype("float64")


def _annotate(ax: Axes, grid: np.ndarray, labels: np.ndarray, image: Any) -> None:
    """Write each cell's label in black or white, whichever reads better on its colour."""
    for (i, j), v in np.ndenumerate(grid):
        if np.isnan(v):
            continue
        r, g, b, _ = image.cmap(image.norm(v))
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
        ax.text(j, i, labels[i, j], ha="center", va="center", fontsize=8.5,
                color="white" if dark else "black")


def plot_segment_sizes(segments: pd.DataFrame, *, value_col: str | None = None, segment_col: str = "segment",
                       ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Horizontal bars: each segment's share of customers and, with ``value_col``, of value.

    Parameters
    ----------
    segments : DataFrame
        One row per customer with a segment column (the output of ``rfm_segments``).
    value_col : str, optional
        A value per customer (such as the next year's spend) whose share per segment is drawn
        next to the share of customers.
    segment_col : str, default "segment"
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> seg = pd.DataFrame({"segment": ["a", "b", "b"], "spend": [10.0, 5.0, 5.0]})
    >>> plot_segment_sizes(seg, value_col="spend", ax=ax).get_xlabel()
    'Share of all customers or of all value (%)'
    """
    check_dataframe(segments, "segments")
    require_columns(segments, [segment_col, value_col], "segments")
    seg = segments[segment_col]
    if not isinstance(seg.dtype, pd.CategoricalDtype):
        seg = seg.astype("category")
    shares = {"customers": seg.value_counts(normalize=True, sort=False).reindex(seg.cat.categories)}
    if value_col is not None:
        value = _numbers(segments, value_col, "segments")
        if value.sum() <= 0:
            raise ValueError(f"column {value_col!r} sums to {value.sum()}; its shares are undefined")
        shares[value_col] = value.groupby(seg, observed=False).sum().reindex(seg.cat.categories) / value.sum()
    y = np.arange(len(seg.cat.categories))
    height = 0.8 / len(shares)
    ax = get_axes(ax)
    for k, (label, share) in enumerate(shares.items()):
        ax.barh(y - 0.4 + height * (k + 0.5), share.to_numpy(), height=height,
                label=f"share of {label.replace('_', ' ')}", **{"color": f"C{k}", **kwargs})
    ax.set_yticks(y, [str(c) for c in seg.cat.categories])
    ax.invert_yaxis()
    percent_axis(ax, "x")
    ax.set(xlabel="Share of all customers or of all value (%)", ylabel="")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return ax


def plot_rfm_grid(scores: pd.DataFrame, *, value_col: str | None = None, rows: str = "R", cols: str = "F",
                  fmt: str = "{:,.0f}", label: str | None = None, min_customers: int = 1,
                  ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Heatmap of customers (or the mean of ``value_col``) in each cell of the R x F grid.

    Rows are the recency score (best at the top), columns the frequency score (best on the
    right). Empty cells, and cells with fewer than ``min_customers`` customers, stay blank.
    Every score from 1 to the highest present (at least 5 for R, F, M) is shown.

    Parameters
    ----------
    scores : DataFrame
        The output of ``rfm_scores`` (or any table with the two score columns).
    value_col : str, optional
        Average this column per cell instead of counting customers.
    rows, cols : str, default "R" and "F"
        Score columns on the vertical and horizontal axes.
    fmt : str, default "{:,.0f}"
        Format of the numbers written in the cells.
    label : str, optional
        Label of the colour bar (default "Customers" or "Mean of <value_col>").
    min_customers : int, default 1
        Leave a cell blank when it holds fewer customers (its mean would be mostly noise).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.imshow`` (``cmap``, ``vmin``, ...).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> sc = pd.DataFrame({"R": [1, 2, 2], "F": [1, 1, 2], "M": [1, 1, 1]})
    >>> plot_rfm_grid(sc, ax=ax).get_ylabel()
    'Recency score (R, 5 = most recent)'
    """
    check_dataframe(scores, "scores")
    require_columns(scores, [rows, cols, value_col], "scores")
    r, c = _numbers(scores, rows, "scores").astype(int), _numbers(scores, cols, "scores").astype(int)
    if (r < 1).any() or (c < 1).any():
        raise ValueError(f"columns {rows!r} and {cols!r} must hold scores >= 1 (from rfm_scores)")
    n_r, n_c = max(int(r.max()), 5 if rows in "RFM" else 1), max(int(c.max()), 5 if cols in "RFM" else 1)
    values = (pd.Series(1.0, index=scores.index) if value_col is None
              else _numbers(scores, value_col, "scores"))
    if int(min_customers) < 1:
        raise ValueError(f"min_customers must be at least 1, got {min_customers!r}")
    agg = values.groupby([r, c]).agg(["sum" if value_col is None else "mean", "size"])
    grid = np.full((n_r, n_c), np.nan)
    for (i, j), (v, n) in agg.iterrows():
        if n >= min_customers:
            grid[n_r - int(i), int(j) - 1] = v  # best recency on the top row
    ax = get_axes(ax)
    image = ax.imshow(np.ma.masked_invalid(grid), aspect="auto", **{"cmap": "Blues", **kwargs})
    labels = np.vectorize(lambda v: "" if np.isnan(v) else fmt.format(v))(grid)
    _annotate(ax, grid, labels, image)
    ax.set_xticks(range(n_c), [str(j) for j in range(1, n_c + 1)])
    ax.set_yticks(range(n_r), [str(i) for i in range(n_r, 0, -1)])
    names = {"R": "Recency score (R, 5 = most recent)", "F": "Frequency score (F, 5 = most frequent)",
             "M": "Monetary score (M, 5 = highest spend)"}
    ax.set(xlabel=names.get(cols, cols), ylabel=names.get(rows, rows))
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(label or ("Customers" if value_col is None else f"Mean of {value_col}"))
    return ax


def plot_segment_migration(migration: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Heatmap of migration shares: row = segment at the start, column = segment at the end.

    Parameters
    ----------
    migration : DataFrame
        The output of ``segment_migration`` (``from_segment``, ``to_segment``, ``share``).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.imshow``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> m = pd.DataFrame({"from_segment": ["a", "a", "b", "b"], "to_segment": ["a", "b", "a", "b"],
    ...                   "customers": [3, 1, 0, 2], "share": [0.75, 0.25, 0.0, 1.0]})
    >>> plot_segment_migration(m, ax=ax).get_xlabel()
    'Segment at the end'
    """
    check_dataframe(migration, "migration")
    require_columns(migration, ["from_segment", "to_segment", "share"], "migration")
    share = pd.to_numeric(migration["share"], errors="coerce")
    if ((share < 0) | (share > 1)).any():
        raise ValueError("column 'share' must hold shares between 0 and 1 (from segment_migration)")
    if migration.duplicated(["from_segment", "to_segment"]).any():
        raise ValueError("migration has several rows for one (from_segment, to_segment) pair; "
                         "pass the output of segment_migration")
    table = migration.assign(share=share).pivot(index="from_segment", columns="to_segment", values="share")
    order = [migration[c].cat.categories if isinstance(migration[c].dtype, pd.CategoricalDtype)
             else pd.unique(migration[c]) for c in ("from_segment", "to_segment")]
    table = table.reindex(index=order[0], columns=order[1])
    grid = table.to_numpy(dtype="float64")
    ax = get_axes(ax)
    style = {"cmap": "Blues", "vmin": 0, "vmax": 1, **kwargs}
    image = ax.imshow(np.ma.masked_invalid(grid), aspect="auto", **style)
    labels = np.vectorize(lambda v: "" if np.isnan(v) or round(v * 100) == 0 else f"{v:.0%}")(grid)
    _annotate(ax, grid, labels, image)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in table.columns], rotation=40, ha="right")
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in table.index])
    ax.set(xlabel="Segment at the end", ylabel="Segment at the start")
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label("Share of the starting segment's customers")
    percent_axis(bar.ax, "y")
    return ax


def plot_group_means(table: pd.DataFrame, *, value_col: str, by: Sequence[str], ci: bool = True,
                     ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Horizontal bars: the mean of ``value_col`` in each group of each grouping in ``by``.

    Shows how far apart the groups of a grouping (regions, segments, ...) are on a value such
    as next year's spend. Groups are listed grouping by grouping, in the order of the groups
    (categories) or sorted by name; with ``ci`` each bar has a 95 % confidence interval of
    its mean (mean +- ``Z95`` = 1.96 standard errors), and a dashed line marks the mean over everyone.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"spend": [0.0, 10.0, 20.0, 30.0], "region": list("abab"), "seg": list("xxyy")})
    >>> plot_group_means(t, value_col="spend", by=["region", "seg"], ax=ax).get_xlabel()
    'Mean of spend per group'
    """
    check_dataframe(table, "table")
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by must name at least one grouping column, such as by=['region', 'segment']")
    require_columns(table, [value_col, *by], "table")
    value = _numbers(table, value_col, "table")
    ax = get_axes(ax)
    labels: list[str] = []
    start = 0
    for k, col in enumerate(by):
        stats = value.groupby(table[col], observed=True).agg(["mean", "std", "size"])
        y = start + np.arange(len(stats))
        err = Z95 * stats["std"].fillna(0) / np.sqrt(stats["size"]) if ci else None
        ax.barh(y, stats["mean"].to_numpy(), xerr=err, label=col,
                **{"color": f"C{k}", "error_kw": {"ecolor": "0.3", "capsize": 2, "lw": 1}, **kwargs})
        labels += [str(g) for g in stats.index]
        start += len(stats) + 1
        labels.append("")
    ticks = [i for i, lab in enumerate(labels) if lab]
    ax.set_yticks(ticks, [labels[i] for i in ticks])
    ax.set_ylim(len(labels) - 1.5, -0.7)
    ax.axvline(value.mean(), color="grey", linestyle="--", linewidth=1, label="mean over everyone")
    ax.set(xlabel=f"Mean of {value_col} per group", ylabel="")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return ax

"""Rebuild the kit's synthetic datasets (Boreal, subscriptions) from their builders and seeds.

``python datasets/NAME/make_data.py`` calls :func:`rebuild`; a test proves the bytes do not change.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import _boreal, _subscriptions
from ._loaders import data_dir

__all__ = ["write_tables", "rebuild"]


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | os.PathLike, *,
                 decimals: Mapping[str, int] | None = None,
                 compress: frozenset[str] | set[str] = frozenset()) -> list[Path]:
    """Write DataFrames as CSV files, byte for byte the same on every run.

    UTF-8, ``\\n`` line ends, no index, columns in the frame's order, dates as ISO
    ``YYYY-MM-DD``, booleans as ``True``/``False``, missing values as empty fields and floats
    with 2 decimals unless ``decimals`` names another number for a column.

    Parameters
    ----------
    tables : mapping of file stem to DataFrame
    out_dir : folder, created if needed
    decimals : mapping of column name to decimals, optional
    compress : set of file stems, optional
        Tables written gzipped (``NAME.csv.gz``, level 9, no file name or time stamp in the
        header, so the bytes are reproducible).

    Returns
    -------
    list of Path
        The files written, in the order of ``tables``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    decimals = dict(decimals or {})
    written = []
    for name, df in tables.items():
        frame = df.copy()
        for col in frame.columns:
            s = frame[col]
            if pd.api.types.is_datetime64_any_dtype(s):
                timed = bool((s.dropna() != s.dropna().dt.normalize()).any())  # a time of day: keep it
                frame[col] = s.dt.strftime("%Y-%m-%d %H:%M:%S" if timed else "%Y-%m-%d").fillna("")
            elif pd.api.types.is_float_dtype(s):
                fmt = f"{{:.{decimals.get(col, 2)}f}}"
                frame[col] = [("" if np.isnan(v) else fmt.format(v)) for v in s.to_numpy(np.float64)]
        if name in compress:
            path = out / f"{name}.csv.gz"
            text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
            with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                        compresslevel=9, mtime=0) as gz:
                gz.write(text)
        else:
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


#: The synthetic datasets: builder, seed, the columns written with more than 2 decimals
#: (the others are money or rates) and the tables shipped gzipped (to keep datasets/ small).
_SYNTHETIC = {
    "boreal": (_boreal.build_boreal, _boreal.BOREAL_SEED, {"lambda_week": 5, "mu_week": 5}, frozenset()),
    "subscriptions": (_subscriptions.build_subscriptions, _subscriptions.SUBSCRIPTIONS_SEED,
                      {"data_usage_gb": 1, "theta0": 5, "theta": 5, "theta_offer": 5,
                       "p_churn_control": 5, "p_churn_offer": 5, "effect": 5},
                      frozenset({"retention_offer", "retention_offer_truth"})),
}


def rebuild(name: str, *, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Regenerate a synthetic dataset's CSV files from its builder and seed.

    This is what ``python datasets/NAME/make_data.py`` runs. The files come out byte for
    byte the same with the pinned numpy and pandas versions.

    Parameters
    ----------
    name : {"boreal", "subscriptions"}
    out_dir : folder, optional
        Where to write (default: the dataset's own folder).

    Returns
    -------
    list of Path
        The files written.
    """
    if name not in _SYNTHETIC:
        raise ValueError(f"unknown dataset {name!r}; the synthetic datasets are {sorted(_SYNTHETIC)}")
    builder, seed, decimals, compress = _SYNTHETIC[name]
    tables = builder(rng=seed)
    return write_tables(tables, data_dir() / name if out_dir is None else out_dir, decimals=decimals,
                        compress=compress)


def _rebuild_cli(name: str, argv: list[str] | None = None) -> None:
    """Command line of ``datasets/NAME/make_data.py``: ``[--out DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(description=f"Rebuild the {name} dataset's CSV files.")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the dataset's folder)")
    args = parser.parse_args(argv)
    for path in rebuild(name, out_dir=args.out):
        print(f"{path}: {path.stat().st_size:,} bytes")

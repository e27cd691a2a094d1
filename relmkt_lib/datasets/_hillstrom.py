"""The Hillstrom MineThatData e-mail test (2008): 64,000 customers randomised into three arms.

Real data, shipped as ``datasets/hillstrom/hillstrom.csv.gz`` (the public CSV, gzipped; the data
card ``datasets/hillstrom/README.md`` gives its provenance and published arm table). Nothing is
downloaded; the folder is found as for the other datasets (:func:`relmkt_lib.datasets.data_dir`,
or ``$RELMKT_DATA``).

>>> hill = load_hillstrom()
>>> hill.shape
(64000, 12)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .._checks import bad_rows_error
from ._loaders import data_dir

__all__ = ["load_hillstrom", "HILLSTROM_ARMS"]

#: The three randomised arms, in the order of the published table (the two e-mails, then the control).
HILLSTROM_ARMS: tuple[str, ...] = ("Mens E-Mail", "Womens E-Mail", "No E-Mail")

#: Categories of each text column, in a meaningful order. ``Surburban`` is the file's own spelling.
_CATEGORIES: dict[str, tuple[tuple[str, ...], bool]] = {
    "history_segment": (("1) $0 - $100", "2) $100 - $200", "3) $200 - $350", "4) $350 - $500",
                         "5) $500 - $750", "6) $750 - $1,000", "7) $1,000 +"), True),
    "zip_code": (("Urban", "Surburban", "Rural"), False),
    "channel": (("Phone", "Web", "Multichannel"), False),
    "segment": (HILLSTROM_ARMS, False),
}
_INTEGERS = ("recency", "mens", "womens", "newbie", "visit", "conversion")
_FLOATS = ("history", "spend")
_COLUMNS = ("recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel",
            "segment", "visit", "conversion", "spend")
_FILE = "hillstrom.csv.gz"
_RESTORE = ("Restore datasets/hillstrom/hillstrom.csv.gz from the kit's repository (its sha256 is in "
            "datasets/hillstrom/README.md).")


def _hillstrom_file() -> Path:
    path = data_dir() / "hillstrom" / _FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; restore it from the kit's repository "
                                "(the Hillstrom data are real data: there is no rebuild script)")
    return path


@lru_cache(maxsize=1)
def _read_cached(path: str, mtime: int) -> pd.DataFrame:
    raw = pd.read_csv(path, compression="gzip", encoding="utf-8", dtype=str, keep_default_na=False)
    if tuple(raw.columns) != _COLUMNS:
        raise ValueError(f"{path} has the columns {list(raw.columns)}, expected {list(_COLUMNS)}. {_RESTORE}")
    out = {}
    for col in _COLUMNS:
        text = raw[col]
        if col in _CATEGORIES:
            cats, ordered = _CATEGORIES[col]
            bad = ~text.isin(cats)
            if bad.any():
                raise bad_rows_error(raw, bad, col, f"hold a value outside {list(cats)}", _RESTORE, name=_FILE)
            out[col] = pd.Categorical(text, categories=list(cats), ordered=ordered)
            continue
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna()
        if col in _INTEGERS:
            bad = bad | (values != np.round(values))
        if col in ("mens", "womens", "newbie", "visit", "conversion"):
            bad = bad | ~values.isin([0, 1])
        if bad.any():
            raise bad_rows_error(raw, bad, col, "are not valid numbers for this column", _RESTORE, name=_FILE)
        out[col] = values.to_numpy(np.int64 if col in _INTEGERS else np.float64)
    return pd.DataFrame(out)


def load_hillstrom() -> pd.DataFrame:
    """The Hillstrom (2008) MineThatData e-mail test: 64,000 customers, a randomised three-arm test.

    Customers who bought in the last 12 months were assigned at random to a men's merchandise
    e-mail, a women's merchandise e-mail or no e-mail (the control), about a third each; the
    outcomes cover the two weeks after the send. See ``datasets/hillstrom/README.md``.

    Returns
    -------
    DataFrame
        64,000 rows, in the file's order, 12 columns:

        - ``recency`` (int64): months since the last purchase (1-12);
        - ``history_segment`` (ordered category, ``"1) $0 - $100"`` to ``"7) $1,000 +"``) and
          ``history`` (float64): dollars spent in the past year, binned and exact;
        - ``mens``, ``womens`` (int64, 0/1): bought men's or women's merchandise in the past year;
        - ``zip_code`` (category: ``Urban``, ``Surburban`` [sic], ``Rural``);
        - ``newbie`` (int64, 0/1): new customer in the past 12 months;
        - ``channel`` (category: ``Phone``, ``Web``, ``Multichannel``): channels bought from in the past year;
        - ``segment`` (category, in the order of :data:`HILLSTROM_ARMS`: ``Mens E-Mail``,
          ``Womens E-Mail``, ``No E-Mail``): the randomised arm;
        - ``visit``, ``conversion`` (int64, 0/1): visited the website, bought, in the two weeks;
        - ``spend`` (float64): dollars spent in the two weeks (0 without a conversion).

        A fresh copy on every call: modifying it never affects the next call.

    Raises
    ------
    FileNotFoundError
        If ``datasets/hillstrom/hillstrom.csv.gz`` is missing.
    ValueError
        If the file was altered (an unexpected column, category or number).

    Examples
    --------
    >>> hill = load_hillstrom()
    >>> arms = hill.groupby("segment", observed=True).agg(
    ...     n=("visit", "size"), visit_rate=("visit", "mean"), spend_per_customer=("spend", "mean"))
    >>> arms.round(4).reset_index()
             segment      n  visit_rate  spend_per_customer
    0    Mens E-Mail  21307      0.1828              1.4226
    1  Womens E-Mail  21387      0.1514              1.0772
    2      No E-Mail  21306      0.1062              0.6528
    """
    path = _hillstrom_file()
    return _read_cached(str(path), path.stat().st_mtime_ns).copy()

"""Loaders of the kit's datasets; nothing is downloaded.

Real data come from the files lifetimes installs (CDNOW, donations); the Fader-Hardie 2007
retention table and the synthetic datasets (Boreal, subscriptions) live in the kit's
``datasets/`` folder, one sub-folder per dataset with its data card (README.md) and its rebuild
script (make_data.py). Set the environment variable ``RELMKT_DATA`` to use another copy of
that folder.

Every loader returns fresh DataFrames (modifying them never affects the next call), with dates
parsed as ``datetime64[ns]``, booleans as ``bool`` and optional ids as nullable ``Int64``.

>>> cdnow = load_cdnow()
>>> cdnow.shape
(69659, 4)
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import calibration_holdout_split

__all__ = [
    "data_dir",
    "load_cdnow",
    "load_cdnow_summary",
    "load_cdnow_sample",
    "cdnow_sample_split",
    "load_donations",
    "load_retention_cohorts",
    "BorealData",
    "load_boreal",
    "load_subscriptions",
    "load_subscription_cohorts",
    "load_retention_offer",
]

#: Per table: date columns and nullable integer columns.
_SCHEMA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "customers": (("acquisition_date",), ("acquisition_campaign_id",)),
    "transactions": (("date",), ("campaign_id",)),
    "campaigns": (("start_date", "end_date"), ("prospects_mailed",)),
    "contacts": (("contact_date",), ("response_transaction_id",)),
    "loyalty_members": (("enrol_date",), ()),
    "loyalty_points": (("date",), ()),
    "customer_truth": (("dropout_date",), ()),
    "consent_events": (("date",), ()),
    "dncl_registry": (("registered",), ()),
    "phone_calls": (("call_time",), ()),
    "subscribers": (("start_date", "cancel_date"), ()),
    "cohort_counts": (("cohort",), ()),
    "subscriber_truth": ((), ()),
    "retention_offer": (("start_date", "cancel_date"), ()),
    "retention_offer_truth": ((), ()),
}


#: The kit's own datasets/ folder, beside relmkt_lib/ in a clone (or an editable install).
_KIT_DATA = Path(__file__).resolve().parents[2] / "datasets"


def data_dir() -> Path:
    """The kit's ``datasets/`` folder (or ``$RELMKT_DATA`` when set).

    A kit installed without its repository has no such folder: then a ``datasets/`` folder in
    the working folder or its parent is used, as in a chapter handout (``tools/handouts.py``),
    whose notebook runs in ``student/`` with its data in ``../datasets/``.

    >>> data_dir().name
    'datasets'
    """
    env = os.environ.get("RELMKT_DATA")
    if env:
        path = Path(env).expanduser()
    else:
        near = (_KIT_DATA, Path.cwd() / "datasets", Path.cwd().parent / "datasets")
        path = next((p for p in near if p.is_dir()), _KIT_DATA)
    if not path.is_dir():
        where = f"RELMKT_DATA={env!r}" if env else f"the kit's folder {str(path)!r}"
        raise FileNotFoundError(
            f"the datasets folder was not found ({where}). Run from a clone of the relmkt kit "
            "(the datasets/ folder sits next to relmkt_lib/) or from a handout's folder, or set the "
            "environment variable RELMKT_DATA to the path of a copy of that folder."
        )
    return path


def _dataset_file(dataset: str, name: str) -> Path:
    path = data_dir() / dataset / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; rebuild it with `python datasets/{dataset}/make_data.py` "
            "or restore it from the kit's repository"
        )
    return path


def _lifetimes_file(name: str) -> Path:
    # find_spec on a top-level package locates it without executing its __init__ (about 1 s).
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the CDNOW and donations data come with the lifetimes package, which is not "
            "installed; install the kit's environment (pip install lifetimes)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the lifetimes installation; reinstall lifetimes")
    return path


@lru_cache(maxsize=16)
def _read_cached(path: str, mtime: int, table: str) -> pd.DataFrame:
    dates, nullable = _SCHEMA[table]
    df = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])
    for col in dates:
        df[col] = pd.to_datetime(df[col], format="ISO8601").astype("datetime64[ns]")
    for col in nullable:
        df[col] = df[col].astype("Int64")
    return df


def _read_table(dataset: str, table: str, *, gzipped: bool = False) -> pd.DataFrame:
    path = _dataset_file(dataset, f"{table}.csv.gz" if gzipped else f"{table}.csv")
    return _read_cached(str(path), path.stat().st_mtime_ns, table).copy()


@lru_cache(maxsize=1)
def _cdnow_cached(path: str) -> pd.DataFrame:
    raw = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": np.int64, "date": str,
                                               "number_of_cds": np.int64, "dollar_value": np.float64})
    return pd.DataFrame({
        "customer_id": raw["customer_id"].to_numpy(np.int64),
        "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"),
        "quantity": raw["number_of_cds"].to_numpy(np.int64),
        "amount": raw["dollar_value"].to_numpy(np.float64),
    })


def load_cdnow() -> pd.DataFrame:
    """The full CDNOW transaction log (23,570 customers, first purchase in Q1 1997).

    Read from the ``CDNOW_master.txt`` file that lifetimes installs (Fader & Hardie's copy of
    the log, January 1997 to June 1998).

    Returns
    -------
    DataFrame
        69,659 rows: ``customer_id`` (int64), ``date`` (datetime64[ns]), ``quantity`` (CDs
        bought, int64) and ``amount`` (dollars, float64). Several rows can share a customer
        and a day.

    Examples
    --------
    >>> load_cdnow().head(2)
       customer_id       date  quantity  amount
    0            1 1997-01-01         1   11.77
    1            2 1997-01-12         1   12.00
    """
    return _cdnow_cached(str(_lifetimes_file("CDNOW_master.txt"))).copy()


def load_cdnow_summary() -> pd.DataFrame:
    """The 2,357-customer CDNOW calibration summary of Fader, Hardie & Lee (2005), in weeks.

    One row per customer of the 1/10 sample: ``frequency`` (repeat purchases, x), ``recency``
    (t_x, weeks from the first to the last purchase), ``T`` (weeks from the first purchase to
    the end of calibration, 1997-09-30) and ``monetary_value`` (mean spend of the repeat
    purchases, zbar; 0 for one-time buyers), indexed by ``customer_id``.

    >>> s = load_cdnow_summary()
    >>> s.shape
    (2357, 4)
    >>> s.loc[1].tolist()
    [2.0, 30.43, 38.86, 22.35]
    """
    raw = pd.read_csv(_lifetimes_file("cdnow_customers_summary_with_transactions.csv"))
    df = pd.DataFrame({
        "frequency": raw["x"].to_numpy(np.int64),
        "recency": raw["t_x"].to_numpy(np.float64),
        "T": raw["T"].to_numpy(np.float64),
        "monetary_value": raw["zbar"].to_numpy(np.float64),
    }, index=pd.Index(raw["ID"].to_numpy(np.int64), name="customer_id"))
    return df


def load_cdnow_sample() -> pd.DataFrame:
    """The transaction log of the 2,357-customer CDNOW sample of Fader, Hardie & Lee (2005).

    Read from lifetimes' ``CDNOW_sample.txt``: ``customer_id`` (1..2357), ``date``,
    ``quantity`` and ``amount``, January 1997 to June 1998 (6,919 rows).

    Examples
    --------
    >>> load_cdnow_sample()["customer_id"].nunique()
    2357
    """
    raw = pd.read_csv(_lifetimes_file("CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "quantity", "amount"], dtype={"date": str})
    return pd.DataFrame({"customer_id": raw["customer_id"].to_numpy(np.int64),
                         "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"),
                         "quantity": raw["quantity"].to_numpy(np.int64),
                         "amount": raw["amount"].to_numpy(np.float64)})


def cdnow_sample_split() -> pd.DataFrame:
    """The CDNOW sample's calibration (to 1997-09-30) and 39-week holdout (to 1998-06-30), in weeks.

    :func:`relmkt_lib.data.calibration_holdout_split` with ``time_unit="weeks"`` (days / 7), so the
    ``_cal`` columns reproduce the published summary (:func:`relmkt_lib.datasets.load_cdnow_summary`).

    Examples
    --------
    >>> split = cdnow_sample_split()
    >>> cols = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    >>> split.loc[1, cols].round(2).tolist()
    [2.0, 30.43, 38.86, 1.0, 39.0]
    """
    return calibration_holdout_split(load_cdnow_sample(), amount_col="amount", calibration_end="1997-09-30",
                                     observation_end="1998-06-30", time_unit="weeks")


def load_donations() -> pd.DataFrame:
    """The donations data of Fader, Hardie & Shang (2010), as lifetimes ships it.

    11,104 donors of the 1995 cohort summarised by pattern over 6 annual opportunities:
    ``frequency`` (repeat donations), ``recency`` (period of the last one), ``periods`` (6) and
    ``weights`` (number of donors with that pattern).

    >>> d = load_donations()
    >>> int(d["weights"].sum())
    11104
    """
    return pd.read_csv(_lifetimes_file("donations.csv")).astype(np.int64)


def load_retention_cohorts() -> pd.DataFrame:
    """Fader & Hardie (2007) cohort survival: two cohorts of 1,000 customers, years 0-12.

    Columns ``year``, ``regular_active``, ``highend_active``, ``regular_pct``, ``highend_pct``
    and ``used_for_fit`` (True for years 0-7, the calibration years; False for the holdout
    years 8-12). See ``datasets/retention_cohorts/README.md``.

    >>> rc = load_retention_cohorts()
    >>> rc.loc[rc.used_for_fit, "regular_active"].tolist()
    [1000, 631, 468, 382, 326, 289, 262, 241]
    """
    path = _dataset_file("retention_cohorts", "sbg_fader_hardie_2007.csv")
    df = pd.read_csv(path)
    df["used_for_fit"] = df["used_for_fit"].eq("yes")
    return df


@dataclass(frozen=True, eq=False, repr=False)
class BorealData(Mapping):
    """The Boreal tables, by attribute (``data.transactions``) or by key (``data["transactions"]``)."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    campaigns: pd.DataFrame
    contacts: pd.DataFrame
    loyalty_members: pd.DataFrame
    loyalty_points: pd.DataFrame
    customer_truth: pd.DataFrame
    consent_events: pd.DataFrame
    dncl_registry: pd.DataFrame
    phone_calls: pd.DataFrame

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self.keys():
            raise KeyError(f"{key!r} is not a Boreal table; the tables are {list(self.keys())}")
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter([f.name for f in fields(self)])

    def __len__(self) -> int:
        return len(fields(self))

    def keys(self):  # type: ignore[override]
        return [f.name for f in fields(self)]

    __hash__ = object.__hash__
    __eq__ = object.__eq__

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {len(v):,} rows" for k, v in self.items())
        return f"BorealData({parts})"


def load_boreal() -> BorealData:
    """The Boreal dataset: a fictional Quebec outdoor and home-goods retailer, 2023-2025.

    Returns a mapping of DataFrames (also readable as attributes): ``customers``,
    ``transactions``, ``campaigns``, ``contacts``, ``loyalty_members``, ``loyalty_points`` and
    ``customer_truth`` (the simulation's hidden truth, for checking models). The data card
    ``datasets/boreal/README.md`` describes every column and the mechanisms built in.

    >>> boreal = load_boreal()
    >>> list(boreal.transactions.columns[:4])
    ['transaction_id', 'customer_id', 'date', 'amount']
    >>> boreal["customers"].shape
    (6000, 9)
    """
    return BorealData(**{f.name: _read_table("boreal", f.name) for f in fields(BorealData)})


def load_subscriptions() -> pd.DataFrame:
    """The subscriptions dataset: 5,000 subscribers of a fictional Quebec telecom.

    One row per subscriber observed on 2025-12-31 (see ``datasets/subscriptions/README.md``):
    plan, contract, charge, usage, support contacts, payment, tenure and cancellation.

    >>> subs = load_subscriptions()
    >>> subs.shape
    (5000, 13)
    """
    return _read_table("subscriptions", "subscribers")


def load_subscription_cohorts() -> pd.DataFrame:
    """Active subscribers per ``plan``, start month (``cohort``) and ``month`` since the start.

    The input of a shifted-beta-geometric fit per plan and cohort: ``month`` 0 holds the
    cohort's size.

    >>> c = load_subscription_cohorts()
    >>> list(c.columns)
    ['plan', 'cohort', 'month', 'active']
    """
    return _read_table("subscriptions", "cohort_counts")


def load_retention_offer(*, truth: bool = False) -> pd.DataFrame:
    """The randomised retention test of the subscriptions dataset: 20,000 active subscribers.

    On 2025-12-31 the operator drew 20,000 of its active subscribers at random (another sample of
    the base that ``load_subscriptions`` describes, ids 10001 to 30000) and offered half of them,
    at random, 25 % off the next three monthly bills. ``churned`` says whether the subscriber
    cancelled at one of the next six renewals (January to June 2026). See
    ``datasets/subscriptions/README.md``.

    Parameters
    ----------
    truth : bool
        ``True`` returns the simulation's hidden truth instead: for each subscriber the churn
        probability without and with the offer, the true effect, both potential outcomes and the
        customer type (persuadable, sure thing, lost cause, sleeping dog). For checking models only:
        no real data set has it.

    >>> test = load_retention_offer()
    >>> test.groupby("offer")["churned"].size().tolist()
    [10000, 10000]
    >>> load_retention_offer(truth=True)["customer_type"].nunique()
    4
    """
    if not isinstance(truth, bool):
        raise TypeError(f"truth must be True or False, got {truth!r}")
    return _read_table("subscriptions", "retention_offer_truth" if truth else "retention_offer", gzipped=True)

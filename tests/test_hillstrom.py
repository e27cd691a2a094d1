"""The Hillstrom (2008) e-mail test: the shipped file, its loader and its published arm table."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relmkt_lib.datasets._hillstrom import HILLSTROM_ARMS, load_hillstrom

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "datasets" / "hillstrom"
FILE = FOLDER / "hillstrom.csv.gz"
CARD = FOLDER / "README.md"

SHA256 = "ff9e59285e9dc3f5fa3e0975419e6631ea5bdccd65d818991473d2367e02979c"
N_BYTES = 3_964_975

#: The published arm table (datasets/hillstrom/README.md, the data card), as printed.
ARM_TABLE = [
    ("Mens E-Mail", "21,307", "0.182757", "0.012531", "1.422617", "30,311.69"),
    ("Womens E-Mail", "21,387", "0.151400", "0.008837", "1.077202", "23,038.11"),
    ("No E-Mail", "21,306", "0.106167", "0.005726", "0.652789", "13,908.33"),
]

COLUMNS = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel",
           "segment", "visit", "conversion", "spend"]


@pytest.fixture(scope="module")
def hill() -> pd.DataFrame:
    return load_hillstrom()


def arm_table(df: pd.DataFrame) -> list[tuple[str, ...]]:
    """Per arm, formatted as the published table prints it."""
    g = df.groupby("segment", observed=True)
    rows = []
    for arm, part in g:
        rows.append((arm, f"{len(part):,}", f"{part['visit'].mean():.6f}", f"{part['conversion'].mean():.6f}",
                     f"{part['spend'].mean():.6f}", f"{part['spend'].sum():,.2f}"))
    return rows


# ---------------------------------------------------------------- the file


def test_file_is_the_public_csv():
    raw = gzip.decompress(FILE.read_bytes())
    assert len(raw) == N_BYTES
    assert hashlib.sha256(raw).hexdigest() == SHA256
    # the public file as published: Windows line ends, no newline after the last row
    lines = raw.split(b"\r\n")
    assert len(lines) == 64_001 and b"\n" not in raw.replace(b"\r\n", b"")  # header + 64,000 rows
    assert lines[0].decode() == ",".join(COLUMNS)


def test_data_card_states_the_checked_facts():
    card = CARD.read_text(encoding="utf-8")
    assert SHA256 in card and f"{N_BYTES:,} bytes" in card
    assert "| `hillstrom.csv.gz` | 64,000 |" in card
    for row in ARM_TABLE:
        assert "| " + " | ".join(row) + " |" in card, row
    assert "$121.89 vs $113.53" in card
    missing = [col for col in COLUMNS if f"`{col}`" not in card]
    assert not missing, f"datasets/hillstrom/README.md does not describe {missing}"
    assert "CC BY 4.0" in card and "in its own commit" in card
    assert "Hillstrom, K. (2008)" in card


# ---------------------------------------------------------------- the loader


def test_shape_columns_and_types(hill):
    assert hill.shape == (64_000, 12)
    assert list(hill.columns) == COLUMNS
    assert isinstance(hill.index, pd.RangeIndex)
    for col in ["recency", "mens", "womens", "newbie", "visit", "conversion"]:
        assert hill[col].dtype == np.int64, col
    for col in ["history", "spend"]:
        assert hill[col].dtype == np.float64, col
    for col in ["segment", "zip_code", "channel", "history_segment"]:
        assert isinstance(hill[col].dtype, pd.CategoricalDtype), col
        assert hill[col].notna().all(), col
    assert list(hill["segment"].cat.categories) == list(HILLSTROM_ARMS)
    assert list(hill["zip_code"].cat.categories) == ["Urban", "Surburban", "Rural"]
    assert list(hill["channel"].cat.categories) == ["Phone", "Web", "Multichannel"]
    assert hill["history_segment"].cat.ordered
    assert hill["history_segment"].cat.categories[0] == "1) $0 - $100"
    assert hill["history_segment"].cat.categories[-1] == "7) $1,000 +"
    # the first row of the file, typed
    assert hill.iloc[0].tolist() == [10, "2) $100 - $200", 142.44, 1, 0, "Surburban", 0, "Phone",
                                     "Womens E-Mail", 0, 0, 0.0]


def test_values_are_consistent(hill):
    for col in ["mens", "womens", "newbie", "visit", "conversion"]:
        assert set(hill[col].unique()) == {0, 1}, col
    assert hill["recency"].between(1, 12).all()
    # spend only with a purchase, a purchase only after a visit
    assert ((hill["spend"] > 0) == (hill["conversion"] == 1)).all()
    assert not ((hill["conversion"] == 1) & (hill["visit"] == 0)).any()
    # history_segment bins history (bin lower bounds 0, 100, 200, 350, 500, 750, 1000)
    lower = np.array([0, 100, 200, 350, 500, 750, 1000])[hill["history_segment"].cat.codes.to_numpy()]
    assert (hill["history"].to_numpy() >= lower).all()


def test_loader_returns_a_fresh_copy():
    first = load_hillstrom()
    first.loc[0, "spend"] = 1e6
    first["segment"] = "No E-Mail"
    again = load_hillstrom()
    assert again.loc[0, "spend"] == 0.0
    assert again["segment"].value_counts()["Mens E-Mail"] == 21_307


# ---------------------------------------------------------------- the published figures


def test_reproduces_the_published_arm_table(hill):
    assert arm_table(hill) == ARM_TABLE


def test_effects_against_control(hill):
    # the widely quoted effects of the two e-mails (Hillstrom 2008 challenge), Mens / Womens against
    # No E-Mail: visit +7.66 / +4.52 points, conversion +0.681 / +0.311 points, spend per customer
    # +$0.7698 / +$0.4244.
    means = hill.groupby("segment", observed=True)[["visit", "conversion", "spend"]].mean()
    lift = means.loc[["Mens E-Mail", "Womens E-Mail"]] - means.loc["No E-Mail"]
    assert [f"{100 * v:.2f}" for v in lift["visit"]] == ["7.66", "4.52"]
    assert [f"{100 * v:.3f}" for v in lift["conversion"]] == ["0.681", "0.311"]
    assert [f"{v:.4f}" for v in lift["spend"]] == ["0.7698", "0.4244"]


def test_per_buyer_trap(hill):
    buyers = hill[hill["conversion"] == 1]
    per_buyer = buyers.groupby("segment", observed=True)["spend"].mean()
    assert f"{per_buyer['Womens E-Mail']:.2f}" == "121.89"
    assert f"{per_buyer['Mens E-Mail']:.2f}" == "113.53"
    # ... while per assigned customer the Mens arm wins
    per_customer = hill.groupby("segment", observed=True)["spend"].mean()
    assert per_customer["Mens E-Mail"] > per_customer["Womens E-Mail"] > per_customer["No E-Mail"]
    assert per_buyer["Womens E-Mail"] > per_buyer["Mens E-Mail"]


def test_arms_are_randomised_thirds(hill):
    share = hill["segment"].value_counts(normalize=True)
    assert np.allclose(share.to_numpy(), 1 / 3, atol=0.002)
    # pre-send history is balanced across arms (randomisation): within 1 % of the overall mean
    for col in ["history", "recency", "mens", "womens", "newbie"]:
        by_arm = hill.groupby("segment", observed=True)[col].mean()
        assert (abs(by_arm / hill[col].mean() - 1) < 0.01).all(), col


# ---------------------------------------------------------------- where the folder is, and refusals


def write_csv_gz(folder: Path, text: str) -> None:
    (folder / "hillstrom").mkdir(parents=True)
    (folder / "hillstrom" / "hillstrom.csv.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def test_follows_relmkt_data(tmp_path, monkeypatch):
    header = ",".join(COLUMNS)
    write_csv_gz(tmp_path, header + "\n3,1) $0 - $100,29.99,0,1,Urban,1,Web,No E-Mail,1,1,29.99\n")
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path))
    df = load_hillstrom()
    assert df.shape == (1, 12)
    assert df.loc[0, "spend"] == 29.99 and df.loc[0, "segment"] == "No E-Mail"
    assert df["segment"].dtype == load_hillstrom()["segment"].dtype


def test_missing_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=re.escape(
            "hillstrom.csv.gz is missing; restore it from the kit's repository (the Hillstrom data are real "
            "data: there is no rebuild script)")):
        load_hillstrom()


def test_altered_category_is_refused(tmp_path, monkeypatch):
    header = ",".join(COLUMNS)
    write_csv_gz(tmp_path, header + "\n3,1) $0 - $100,29.99,0,1,Urban,1,Web,No E-Mail,0,0,0\n"
                                    "3,1) $0 - $100,29.99,0,1,Suburban,1,Web,No E-Mail,0,0,0\n")
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=re.escape(
            "column 'zip_code' of hillstrom.csv.gz: 1 row(s) hold a value outside ['Urban', 'Surburban', "
            "'Rural']; the first is row 1 (value 'Suburban'). Restore datasets/hillstrom/hillstrom.csv.gz "
            "from the kit's repository (its sha256 is in datasets/hillstrom/README.md).")):
        load_hillstrom()


def test_altered_flag_is_refused(tmp_path, monkeypatch):
    header = ",".join(COLUMNS)
    write_csv_gz(tmp_path, header + "\n3,1) $0 - $100,29.99,0,1,Urban,1,Web,No E-Mail,0,2,0\n")
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=re.escape(
            "column 'conversion' of hillstrom.csv.gz: 1 row(s) are not valid numbers for this column; "
            "the first is row 0 (value '2').")):
        load_hillstrom()


def test_altered_columns_are_refused(tmp_path, monkeypatch):
    write_csv_gz(tmp_path, "recency,spend\n3,0\n")
    monkeypatch.setenv("RELMKT_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=re.escape("has the columns ['recency', 'spend'], expected ['recency', ")):
        load_hillstrom()

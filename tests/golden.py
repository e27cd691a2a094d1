"""Published values the golden tests compare against, read from ``tests/golden/`` (see its README).

The kit carries its own copies, with their citations, so a user's clone tests itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

GOLDEN = Path(__file__).resolve().parent / "golden"


def golden_path(name: str) -> Path:
    """Path of one golden file; a missing file is an error, never a skip."""
    path = GOLDEN / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the golden values ship with the repository")
    return path


def golden(name: str) -> pd.DataFrame:
    """One golden table as a DataFrame."""
    return pd.read_csv(golden_path(name))

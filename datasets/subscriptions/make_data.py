"""Rebuild the subscriptions dataset (see README.md): the one command that writes its CSV files.

    python datasets/subscriptions/make_data.py            # rewrite the files in this folder
    python datasets/subscriptions/make_data.py --out DIR  # write them elsewhere (to compare)

The files are byte-for-byte reproducible with the kit's pinned numpy and pandas versions.
Update them deliberately, in their own commit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # use this clone's relmkt_lib

from relmkt_lib.datasets import write_tables  # noqa: E402
from relmkt_lib.simulate import SUBSCRIPTIONS_SEED, build_subscriptions  # noqa: E402

#: Columns written with more than 2 decimals (the others are money or rates: 2 decimals).
DECIMALS = {"data_usage_gb": 1, "theta0": 5, "theta": 5}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: this folder)")
    args = parser.parse_args(argv)
    tables = build_subscriptions(rng=SUBSCRIPTIONS_SEED)
    for path in write_tables(tables, args.out, DECIMALS):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

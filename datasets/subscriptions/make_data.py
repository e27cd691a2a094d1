"""Rebuild the subscriptions dataset (see README.md): the one command that writes its CSV files.

    python datasets/subscriptions/make_data.py            # rewrite the files in this folder
    python datasets/subscriptions/make_data.py --out DIR  # write them elsewhere (to compare)

The files are byte-for-byte reproducible with the kit's pinned numpy and pandas versions.
Update them deliberately, in their own commit. The builder, seed and true parameters are in
relmkt_lib/datasets/_subscriptions.py; the writing is relmkt_lib.datasets.rebuild("subscriptions").
"""

import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # use this clone's relmkt_lib
    from relmkt_lib.datasets._build import _rebuild_cli

    _rebuild_cli("subscriptions")


if __name__ == "__main__":
    main()

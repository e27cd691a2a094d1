"""Re-execute notebooks in place, top to bottom, and print how long each took.

Usage: python tools/run_notebooks.py notebooks/*.ipynb exercises/*/[0-9]*.ipynb

Each notebook runs in a fresh kernel of the current environment with its own folder as the
working directory, exactly as nbval runs it in `make test`. Outputs are saved in place, with
execution counts from 1, so the committed notebook is what a learner sees after "Run all".
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    # Keep the metadata small and stable: no per-run execution timestamps.
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print("no notebooks given", file=sys.stderr)
        return 2
    total = 0.0
    for p in paths:
        secs = run(Path(p))
        total += secs
        print(f"{p:<60} {secs:6.1f} s", flush=True)
    print(f"{'total':<60} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

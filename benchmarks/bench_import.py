"""Benchmark: how long `import relmkt_lib` (and its data modules) takes in a fresh interpreter.

Target (KIT-DESIGN.md): `import relmkt_lib` within 0.5 s. Heavy libraries (matplotlib,
scikit-learn, lifetimes, scipy) are imported lazily by the functions that need them.
Also times `import nbformat`, which every notebook run and save pays for (jsonschema is pinned
below 4.24 to keep it fast; see pyproject.toml).

Run: .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import subprocess
import sys
import time

STATEMENTS = {
    "python itself": "pass",
    "import relmkt_lib": "import relmkt_lib",
    "import relmkt_lib.data, .datasets, .plotting": "import relmkt_lib.data, relmkt_lib.datasets, relmkt_lib.plotting",
    "import nbformat": "import nbformat",
    "import lifetimes (for comparison)": "import lifetimes",
}


def best_time(statement: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    base = best_time("pass")
    for label, statement in STATEMENTS.items():
        t = best_time(statement)
        extra = "" if statement == "pass" else f"  ({t - base:.3f} s above a bare interpreter)"
        print(f"{label:<48} {t:6.3f} s{extra}")


if __name__ == "__main__":
    main()

"""Benchmark: simulate_program's time and memory, and its linear growth in customers x weeks.

Prints the time of ``simulate_program`` (default program and behaviour, half the customers in the
control arm) for 100k and 1M customers over 52 weeks, and 1M customers over 26 weeks, the time per
million customer-weeks of each (flat when the time grows linearly), and the peak memory
traced by ``tracemalloc`` for 1M x 52. The target: 1M customers x 52 weeks within 10 s on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_loyalty.py`` (about half a minute; ``--quick`` skips 1M).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from relmkt_lib.loyalty import LoyaltyProgram, simulate_program


def timed(n: int, weeks: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        simulate_program(n, LoyaltyProgram(), weeks=weeks, rng=1)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k customers only, no memory run")
    args = parser.parse_args()
    cases = [(100_000, 52, 3)] if args.quick else [(100_000, 52, 3), (1_000_000, 26, 2), (1_000_000, 52, 2)]
    print(f"{'customers':>10} {'weeks':>5} {'seconds':>8} {'s per 1M customer-weeks':>24}")
    for n, weeks, repeat in cases:
        t = timed(n, weeks, repeat)
        print(f"{n:>10,} {weeks:>5} {t:>8.2f} {t / (n * weeks / 1e6):>24.3f}")
    if not args.quick:
        tracemalloc.start()
        simulate_program(1_000_000, LoyaltyProgram(), weeks=52, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak traced memory, 1M x 52: {peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()

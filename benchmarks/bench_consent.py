"""Benchmark: the consent ledger and the audit of a planned e-mail campaign for 1 million customers.

Builds a seeded ledger of about 3.5 events per customer (1-4 purchases on every channel, inquiries,
e-mail opt-ins and unsubscribes, a few phone requests, dated 2022-2024), then times
``consent_status`` on it and ``audit_campaign`` of a 1-million-row planned e-mail campaign, and
prints the peak memory traced by ``tracemalloc`` in a second run of each. Target: the audit
under 5 s.

Run: ``.venv/bin/python benchmarks/bench_consent.py`` (``--customers 100000`` for a quick run).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from relmkt_lib._consent import audit_campaign, consent_status

END = "2024-12-31"


def ledger(n: int, rng: int = 1) -> pd.DataFrame:
    """About 3.5 events per customer: purchases (every channel), inquiries, opt-ins, unsubscribes."""
    g = np.random.default_rng(rng)
    ids = np.arange(n)
    purchases = np.repeat(ids, g.integers(1, 5, n))  # 1-4 each
    parts = [(purchases, "purchase", None), (ids[g.random(n) < 0.3], "inquiry", None),
             (ids[g.random(n) < 0.4], "express_consent", "email"), (ids[g.random(n) < 0.15], "withdrawal", "email"),
             (ids[g.random(n) < 0.05], "withdrawal", "phone")]
    who = np.concatenate([p[0] for p in parts])
    start = np.datetime64("2022-01-01")
    days = start + g.integers(0, 3 * 365, len(who)).astype("timedelta64[D]")
    return pd.DataFrame({
        "customer_id": who, "date": pd.to_datetime(days),
        "event": np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in parts]),
        "channel": np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts]),
    })


def timed(func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    n = args.customers
    events = ledger(n)
    plan = pd.DataFrame({"customer_id": np.arange(n), "channel": "email"})
    jobs = {"consent_status": lambda: consent_status(events, observation_end=END),
            "audit_campaign (planned e-mail)": lambda: audit_campaign(plan, events, observation_end=END)}
    print(f"{n:,} customers, {len(events):,} events ({len(events) / n:.2f} per customer); plan of {len(plan):,} rows")
    for name, job in jobs.items():
        print(f"{name:<34} {timed(job, args.repeat):>6.2f} s")
    for name, job in jobs.items():
        tracemalloc.start()
        job()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak traced memory, {name:<34} {peak / 2**20:>6,.0f} MiB")
    audit = audit_campaign(plan, events, observation_end=END)
    print(audit.reasons.to_string(index=False))


if __name__ == "__main__":
    main()

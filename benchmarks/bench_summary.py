"""Benchmark: relmkt's summarize_transactions against lifetimes, and against the sort floor.

Prints, for 2 million generated transactions (200,000 customers over two years):
- the time of lifetimes' ``summary_data_from_transaction_data`` and of relmkt's
  ``summarize_transactions`` on the same log (same output, checked here too);
- the time of a bare ``numpy.argsort`` of the (customer, day) key, the floor for any
  sort-based method, and relmkt's ratio to it;
- the time of ``validate_transactions`` followed by ``summarize_transactions`` (the path a user
  takes: validate, then summarize the clean log), and of the summary on text dates;
- the peak extra memory of ``summarize_transactions`` on 10 million transactions.

Run: ``.venv/bin/python benchmarks/bench_summary.py`` (about a minute; ``--quick`` for 200k rows).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd


def make_log(n_rows: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # Heavy and light buyers: customer ids drawn with gamma-distributed weights.
    weights = rng.gamma(0.5, 1.0, n_customers)
    cust = rng.choice(n_customers, size=n_rows, p=weights / weights.sum())
    start = np.datetime64("2023-01-01")
    days = rng.integers(0, 730, n_rows)
    return pd.DataFrame(
        {
            "customer_id": cust.astype(np.int64),
            "date": (start + days.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "amount": np.round(rng.gamma(2.0, 20.0, n_rows), 2),
        }
    )


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200k rows, no 10M memory run")
    args = parser.parse_args()
    from lifetimes.utils import summary_data_from_transaction_data

    from relmkt_lib.data import summarize_transactions, validate_transactions
    from relmkt_lib.exceptions import DataWarning

    n_rows = 200_000 if args.quick else 2_000_000
    int_log = make_log(n_rows, n_rows // 10)
    print(f"log: {n_rows:,} transactions, {int_log.customer_id.nunique():,} customers, pandas {pd.__version__}")
    str_log = int_log.assign(customer_id="C" + int_log["customer_id"].astype(str).str.zfill(7))
    for label, log in (("integer customer ids", int_log), ("text customer ids", str_log)):
        print(f"\n-- {label}")
        ours = summarize_transactions(log, amount_col="amount")
        t0 = time.perf_counter()
        theirs = summary_data_from_transaction_data(log, "customer_id", "date", "amount")
        t_lifetimes = time.perf_counter() - t0
        pd.testing.assert_frame_equal(ours, theirs, rtol=1e-12)
        print("output: identical to lifetimes (frequency, recency, T exact; monetary_value to 1e-12)")

        t_ours = best_of(lambda log=log: summarize_transactions(log, amount_col="amount"), 5)
        codes = pd.factorize(log["customer_id"])[0].astype(np.int64)
        day = log["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        key = codes * 1000 + (day - day.min())
        t_sort = best_of(lambda key=key: np.argsort(key), 5)

        print(f"lifetimes summary_data_from_transaction_data: {t_lifetimes:8.3f} s")
        print(f"relmkt summarize_transactions (best of 5):    {t_ours:8.3f} s")
        print(f"bare numpy.argsort of the (customer, day) key: {t_sort:8.3f} s")
        print(f"speed-up over lifetimes: {t_lifetimes / t_ours:6.1f}x   (target >= 5x)")
        print(f"ratio to the argsort floor: {t_ours / t_sort:6.2f}x   (target <= 2x)")

        def validate_then_summarize(log=log):
            with warnings.catch_warnings():  # the simulated log happens to repeat 3 rows: no warning per timed run
                warnings.simplefilter("ignore", DataWarning)
                clean = validate_transactions(log, amount_col="amount")
            return summarize_transactions(clean, amount_col="amount")

        t_both = best_of(validate_then_summarize, 3)
        print(f"validate + summarize (best of 3):             {t_both:8.3f} s")

    text_dates = str_log.assign(date=str_log["date"].dt.strftime("%Y-%m-%d"))
    t_text = best_of(lambda: summarize_transactions(text_dates, amount_col="amount"), 3)
    print(f"\n-- text ids and ISO text dates\nrelmkt summarize_transactions (best of 3):    {t_text:8.3f} s")

    if not args.quick:
        big = make_log(10_000_000, 1_000_000, seed=1)
        in_mb = big.memory_usage(deep=True).sum() / 2**20
        tracemalloc.start()
        t0 = time.perf_counter()
        summarize_transactions(big, amount_col="amount")
        t_big = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"\n10M transactions (integer ids): {t_big:.2f} s under tracemalloc, "
              f"peak extra memory {peak / 2**20:,.0f} MiB (the log itself is {in_mb:,.0f} MiB)")


if __name__ == "__main__":
    main()

"""Benchmark: fit_churn_model with gradient boosting and 5-fold cross-validation on a wide table.

Prints the time and peak traced memory of ``fit_churn_model(model="gradient_boosting", cv=5)`` on
100,000 customers x 30 mixed columns (20 numbers, 5 of them stored as text with blanks, 8 text
categories, an id and a Yes/No target), and the cross-validated scores; the memory is traced in a second,
untimed run. The target: under 20 s on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_churn.py`` (``--quick``: 20,000 customers).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from relmkt_lib.churn import fit_churn_model


def customer_table(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """An export-like table: an id, 20 numbers (5 as text with blanks), 8 categories, a Yes/No target."""
    numbers = rng.normal(size=(n, 20))
    cats = rng.integers(0, 6, size=(n, 8))
    logit = numbers[:, :5] @ np.array([0.8, -0.6, 0.5, 0.3, -0.2]) + 0.4 * (cats[:, 0] == 2) - 1.2
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    df = pd.DataFrame(numbers, columns=[f"x{i}" for i in range(20)])
    for i in range(15, 20):  # numbers exported as text, with blanks
        text = df[f"x{i}"].round(3).astype(str)
        text[rng.random(n) < 0.02] = ""
        df[f"x{i}"] = text
    for j in range(8):
        df[f"c{j}"] = np.array(list("abcdef"))[cats[:, j]]
    df.insert(0, "customer_id", [f"C{i:07d}" for i in range(n)])
    df["churn"] = np.where(churned, "Yes", "No")
    return df


def kit_data_scores() -> None:
    """Cross-validated scores of both models on the kit's own data (chapters 09 and 10)."""
    from relmkt_lib import datasets
    from relmkt_lib.churn import churn_features

    boreal = datasets.load_boreal()
    features = churn_features(boreal.transactions, customers=boreal.customers, contacts=boreal.contacts,
                              cutoff="2024-12-31", horizon_days=365)
    test = datasets.load_retention_offer()
    control = test.loc[~test["offer"]].drop(columns=["offer", "cancel_date", "start_date"])
    cases = {"Boreal, cutoff 2024-12-31, 365 days": (features, "churned"),
             "subscriptions control group, six renewals": (control, "churned")}
    for name, (table, target) in cases.items():
        for kind in ("logistic", "gradient_boosting"):
            t0 = time.perf_counter()
            model = fit_churn_model(table, target, model=kind, cv=5, rng=1)
            mean = model.cv_scores_.loc["mean"]
            print(f"{name} ({len(table):,} customers, churn {table[target].mean():.1%}), {kind}: "
                  f"ROC AUC {mean['roc_auc']:.3f}, PR AUC {mean['pr_auc']:.3f}, Brier {mean['brier']:.4f} "
                  f"[{time.perf_counter() - t0:.1f} s]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 customers")
    args = parser.parse_args()
    n = 20_000 if args.quick else 100_000
    df = customer_table(n, np.random.default_rng(1))
    t0 = time.perf_counter()  # timed without tracemalloc, which slows Python's allocations
    model = fit_churn_model(df, "churn", model="gradient_boosting", cv=5, rng=1)
    seconds = time.perf_counter() - t0
    print(f"customers {n:,} x {df.shape[1] - 2} feature columns: gradient boosting, 5-fold CV in {seconds:.1f} s")
    print(model.cv_scores_.loc["mean"].round(4).to_string())
    if not args.quick:
        tracemalloc.start()
        fit_churn_model(df, "churn", model="gradient_boosting", cv=5, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak traced memory of the same fit: {peak / 2**20:,.0f} MiB")
    kit_data_scores()

if __name__ == "__main__":
    main()

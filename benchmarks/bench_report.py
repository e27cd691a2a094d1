"""Benchmark: ``relmkt report`` end to end on 100,000 customers and about 1 million transactions.

Simulates a BG/NBD customer base with Gamma-Gamma amounts (``relmkt_lib.simulate``), writes it to a
CSV as an export would be, then runs the real command (``relmkt_lib._cli.main``, the function behind
``relmkt report``) with the runner wrapped to keep its step timings. Prints the time of each step (the
command's own check of the file before the kernel starts, each template step, writing the notebook and
the HTML), the total, and the peak memory of the notebook's kernel and of this process. The target:
under 90 s on 2 cores. Then times ``relmkt churn`` on bench_churn.py's table (100,000 customers x 30
columns, logistic regression) the same way (``--no-churn`` skips it).

Run: ``.venv/bin/python benchmarks/bench_report.py`` (``--quick``: 20,000 customers).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from relmkt_lib import _cli, _run_template
from relmkt_lib.simulate import BGNBDParams, GammaGammaParams, simulate_noncontractual

TARGET_SECONDS = 90


def run_command(argv: list[str]) -> tuple[int, dict[str, float], float]:
    """``relmkt`` with ``argv``, in this process; its exit code, the seconds of each part, the total."""
    real_run, real_save = _run_template.run_template, _run_template.save_outputs
    parts: dict[str, float] = {}

    def timed_run(*args, **kwargs):
        parts["checking the file (before the kernel)"] = time.perf_counter() - start
        result = real_run(*args, **kwargs)
        parts.update({f"  {k}": v for k, v in result.timings.items()})
        return result

    def timed_save(*args, **kwargs):
        t0 = time.perf_counter()
        paths = real_save(*args, **kwargs)
        parts["writing report.ipynb and report.html"] = time.perf_counter() - t0
        return paths

    _run_template.run_template, _run_template.save_outputs = timed_run, timed_save
    try:
        start = time.perf_counter()
        log = io.StringIO()
        with contextlib.redirect_stderr(log), contextlib.redirect_stdout(io.StringIO()):
            code = _cli.main(argv)
        total = time.perf_counter() - start
    finally:
        _run_template.run_template, _run_template.save_outputs = real_run, real_save
    if code != 0:
        print(log.getvalue(), file=sys.stderr)
    return code, parts, total


def kernel_peaks() -> list[float]:
    """Peak resident memory (MiB) of this process's live children: a kernel the runner left running."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("PPid", "0")) == os.getpid() and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return peaks


def peak_memory() -> str:
    """Peak resident memory of the kernels (finished: ru_maxrss in KiB; alive: VmHWM) and of this process."""
    kernel = max([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, *kernel_peaks()])
    this = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"peak memory: kernel {kernel:,.0f} MiB, this process (simulation, CSV, check, HTML) {this:,.0f} MiB"


def print_parts(parts: dict[str, float], total: float) -> None:
    for name, seconds in parts.items():
        print(f"  {name:<48} {seconds:7.1f} s")
    print(f"  {'total, end to end':<48} {total:7.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 customers")
    parser.add_argument("--no-churn", action="store_true", help="skip relmkt churn")
    args = parser.parse_args()
    n = 20_000 if args.quick else 100_000
    work = Path(tempfile.mkdtemp(prefix="bench_report_"))

    t0 = time.perf_counter()
    sim = simulate_noncontractual(n, BGNBDParams(r=0.9, alpha=7.0, a=0.6, b=8.0), acquisition_start="2023-01-01",
                                  acquisition_days=365, observation_days=1095, rng=1,
                                  spend=GammaGammaParams(6.0, 4.0, 15.0))
    log = sim.transactions.assign(customer_id="C" + sim.transactions["customer_id"].astype(str).str.zfill(7))
    path = work / "transactions.csv"
    log.to_csv(path, index=False)
    print(f"log: {len(log):,} transactions, {log['customer_id'].nunique():,} customers, "
          f"{log['date'].min():%Y-%m-%d} to {log['date'].max():%Y-%m-%d}; simulated and written to CSV "
          f"({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - t0:.1f} s")

    code, parts, total = run_command(["--quiet", "report", str(path), "--customer-col", "customer_id",
                                      "--date-col", "date", "--amount-col", "amount", "--out", str(work / "report")])
    print(f"\nrelmkt report (exit code {code}):")
    print_parts(parts, total)
    verdict = "within" if total < TARGET_SECONDS else "ABOVE"
    print(f"  {verdict} the target of {TARGET_SECONDS} s; {peak_memory()}")

    if not args.no_churn:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_churn import customer_table

        table = customer_table(n, np.random.default_rng(1))
        churn_path = work / "customers.csv"
        table.to_csv(churn_path, index=False)
        code, parts, total = run_command(["--quiet", "churn", str(churn_path), "--target", "churn", "--id-col",
                                          "customer_id", "--out", str(work / "churn")])
        print(f"\nrelmkt churn, {n:,} customers x {table.shape[1]} columns, logistic (exit code {code}):")
        print_parts(parts, total)
        print(f"  {peak_memory()} (both runs)")
    print(f"\noutputs in {work}")


if __name__ == "__main__":
    main()

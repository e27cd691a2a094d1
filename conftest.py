"""Repository-wide pytest hooks: a table of per-notebook execution times at the end of a run.

nbval turns every notebook cell into a test item; this adds up the time of each notebook's
cells (on whichever xdist worker ran it) and prints one row per notebook, slowest first,
against the kit's budget of 60 s per notebook.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

NOTEBOOK_BUDGET_S = 60.0
_times: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _times[path] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _times:
        return
    tr = terminalreporter
    tr.section("notebook execution times")
    width = max(len(p) for p in _times)
    for path, secs in sorted(_times.items(), key=lambda kv: -kv[1]):
        flag = "  OVER BUDGET" if secs > NOTEBOOK_BUDGET_S else ""
        tr.write_line(f"{path:<{width}}  {secs:6.1f} s{flag}")
    total = sum(_times.values())
    tr.write_line(f"{'total':<{width}}  {total:6.1f} s  ({len(_times)} notebooks; "
                  f"budget {NOTEBOOK_BUDGET_S:.0f} s each)")


# The report templates (relmkt_lib/templates/*.ipynb) need parameters that `relmkt report` / `relmkt churn`
# inject: they are tested by running the commands (tests/test_report_commands.py), not collected by nbval.
collect_ignore_glob = ["relmkt_lib/templates/*.ipynb"]

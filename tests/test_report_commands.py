"""`relmkt report` and `relmkt churn` end to end, on the kit's own data, run as a user runs them.

The commands run as subprocesses (``python -m relmkt_lib``, the installed ``relmkt`` script), with
the real templates: Boreal's transaction log written to CSV as it is and as a French export (``;``,
day-first dates, decimal comma), and the subscriptions table with a Yes/No target and a number column
written as text with blanks. The three runs start together in one module fixture (each is mostly a
kernel waiting on one core), and every test reads their outputs. The HTML pages are then opened in
Debian's Chromium through Playwright (skipped with the reason when missing); screenshots go to
build/screenshots/report-*.png. The runner's own logic is tested with small templates in test_cli.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from relmkt_lib.datasets import load_boreal, load_subscriptions

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path(os.environ.get("RELMKT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # as in test_site.py
RUN_TIMEOUT = 600  # seconds for one command: far above a normal run, so a hang fails instead of blocking
OBSERVATION_END = "2025-12-31"
#: Columns the report template promises in customers.csv (its section "The customer file").
REPORT_COLUMNS = ["frequency", "weeks_first_to_last_purchase", "weeks_since_first_purchase", "monetary_value",
                  "p_alive", "expected_purchases", "expected_spend", "clv_12m", "clv_12m_param_lower",
                  "clv_12m_param_upper", "clv_12m_if_alive", "clv_12m_at_stake", "days_since_last_purchase",
                  "purchase_days", "mean_spend_per_purchase_day", "R", "F", "M", "rfm_code", "segment"]
#: The sections each page must show (parts of their headings), in the issue's order.
REPORT_SECTIONS = ["Customer-base report", "The data and what was done", "The base at a glance", "Cohorts",
                   "RFM segments", "purchase model chosen on a holdout", "still a customer",
                   "12-month customer lifetime value", "Valuable customers most at risk", "The customer file"]
CHURN_SECTIONS = ["Churn report", "What was read", "How well the model ranks", "Gains and top-decile lift",
                  "Calibration", "What drives the predicted risk", "Choosing a threshold", "scored customer list"]


def relmkt(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "relmkt_lib", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def boreal_log():
    return load_boreal().transactions


@pytest.fixture(scope="module")
def runs(tmp_path_factory, boreal_log):
    """The three commands, started together; {name: (completed process, output folder)}."""
    work = tmp_path_factory.mktemp("commands")
    boreal_log.to_csv(work / "boreal.csv", index=False)
    boreal_log.to_csv(work / "boreal_fr.csv", index=False, sep=";", decimal=",", date_format="%d/%m/%Y")
    subs = load_subscriptions()
    subs["cancelled"] = np.where(subs["cancelled"], "Yes", "No")
    usage = subs["data_usage_gb"].map("{:.1f}".format)
    usage[np.random.default_rng(0).random(len(subs)) < 0.03] = ""  # blank cells, as a spreadsheet exports them
    subs["data_usage_gb"] = usage
    subs.to_csv(work / "subscribers.csv", index=False)

    report = ["report", "--customer-col", "customer_id", "--date-col", "date", "--amount-col", "amount"]
    commands = {
        "iso": [*report[:1], work / "boreal.csv", *report[1:], "--out", work / "iso"],
        "french": [*report[:1], work / "boreal_fr.csv", *report[1:], "--dayfirst", "--out", work / "french"],
        "churn": ["churn", work / "subscribers.csv", "--target", "cancelled", "--id-col", "customer_id",
                  "--out", work / "churn"],
    }
    procs = {name: subprocess.Popen([sys.executable, "-m", "relmkt_lib", *map(str, argv)], cwd=work,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name, argv in commands.items()}
    done = {}
    try:
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=RUN_TIMEOUT)
            done[name] = (subprocess.CompletedProcess(proc.args, proc.returncode, out, err), work / name)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return done


def check_outputs(run: subprocess.CompletedProcess, out: Path) -> nbformat.NotebookNode:
    """Exit 0, the three files, an executed notebook with no error; the notebook."""
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    for name in ("report.ipynb", "report.html", "customers.csv"):
        assert (out / name).is_file(), f"{name} missing; stdout: {run.stdout}"
        assert str(out / name) in run.stdout  # the command lists what it wrote
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was not executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in code)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html and "<script src=\"http" not in html
    return nb


@pytest.mark.parametrize("variant", ["iso", "french"])
def test_report_on_boreal_writes_an_executed_notebook_a_page_and_one_row_per_customer(runs, variant, boreal_log):
    run, out = runs[variant]
    nb = check_outputs(run, out)
    steps = [c.metadata["relmkt"]["step"] for c in nb.cells if "relmkt" in c.metadata]
    assert all(f"[{k}/{len(steps)}] {s}" in run.stderr for k, s in enumerate(steps, 1)), run.stderr
    assert "bootstrap draws: 100/100" in run.stderr  # the progress of the long step, one line off a terminal
    assert "bootstrap draws" not in (out / "report.ipynb").read_text()  # ... and not kept in the notebook
    if variant == "french":
        assert "separator ';'" in run.stderr and "decimal comma" in run.stderr, run.stderr

    customers = pd.read_csv(out / "customers.csv", dtype={"customer_id": str}).set_index("customer_id")
    bought = boreal_log.loc[boreal_log["date"] <= OBSERVATION_END, "customer_id"].astype(str)
    assert customers.index.is_unique and set(customers.index) == set(bought)
    assert [c for c in REPORT_COLUMNS if c not in customers.columns] == []
    # every score filled, except the value if still a customer (and at stake) of the probably gone (P(alive) < 1 %)
    if_alive = ["clv_12m_if_alive", "clv_12m_at_stake"]
    assert customers[REPORT_COLUMNS].drop(columns=["segment", *if_alive]).notna().all().all()
    assert customers[if_alive].isna().any(axis=1).equals(customers["p_alive"] < 0.01)
    assert customers["p_alive"].between(0, 1).all()
    assert (customers["expected_purchases"] >= 0).all()
    tol = 1e-5 * customers["clv_12m"].abs() + 1e-9  # customers.csv keeps 6 significant digits
    assert (customers["clv_12m_param_lower"] <= customers["clv_12m"] + tol).all()
    assert (customers["clv_12m"] <= customers["clv_12m_param_upper"] + tol).all()
    assert customers["clv_12m_param_upper"].gt(customers["clv_12m_param_lower"]).mean() > 0.9  # not points
    # the value if still a customer has P(alive) taken out; the value at stake is what is lost if they left
    kept = customers["p_alive"] >= 0.01
    if_alive, p_alive = customers.loc[kept, "clv_12m_if_alive"], customers.loc[kept, "p_alive"]
    customers = customers[kept]
    rounding = 1e-5 * if_alive + 1e-9  # 6 significant digits of each column
    assert ((if_alive * p_alive - customers["clv_12m"]).abs() <= 2 * rounding).all()
    assert ((if_alive * (1 - p_alive) - customers["clv_12m_at_stake"]).abs() <= 2 * rounding).all()
    assert (customers["weeks_first_to_last_purchase"] <= customers["weeks_since_first_purchase"] + 1e-9).all()
    groups = customers["risk_group"]
    assert set(groups) <= {"slipping (retention)", "probably lost (win-back)", "valuable, likely active", "other"}
    assert customers.loc[groups == "slipping (retention)", "p_alive"].between(0.2, 0.8).all()
    assert (customers.loc[groups == "probably lost (win-back)", "p_alive"] < 0.2).all()
    assert "recency" not in customers.columns and "T" not in customers.columns  # one name, one meaning
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "parameter interval" in html and "value at stake" in html
    assert "href=\"../" not in html and "notebooks/07-non-contractual-customers.ipynb" in html  # no link out
    frequency = bought.groupby(bought).size()  # rows per customer, an upper bound of purchase days
    assert (customers["frequency"] <= frequency.reindex(customers.index) - 1).all()
    assert (customers["purchase_days"] == customers["frequency"] + 1).all()


def test_the_french_export_gives_the_same_customer_file(runs):
    """`;`, JJ/MM/AAAA and "81,96" read right: every number of customers.csv as from the ISO file."""
    iso = pd.read_csv(runs["iso"][1] / "customers.csv", dtype={"customer_id": str})
    french = pd.read_csv(runs["french"][1] / "customers.csv", dtype={"customer_id": str})
    pd.testing.assert_frame_equal(french, iso, check_exact=False, rtol=1e-9)


def test_french_dates_that_do_not_show_their_order_need_dayfirst(runs, boreal_log):
    """Day-first dates where every day is 12 or less, no --dayfirst: exit 1 at once, the option named.

    (The whole French export has days above 12, which show the order: the data layer then reads it
    day-first by itself, as documented in parse_dates; checked here without a kernel.)
    """
    work = runs["french"][1].parent
    early = boreal_log[boreal_log["date"].dt.day <= 12]
    early.to_csv(work / "early_fr.csv", index=False, sep=";", decimal=",", date_format="%d/%m/%Y")
    run = relmkt("report", "early_fr.csv", "--amount-col", "amount", "--out", "refused", cwd=work)
    assert run.returncode == 1, run.stderr
    assert "--dayfirst" in run.stderr and "Traceback" not in run.stderr
    message = run.stderr[run.stderr.index("error"):]
    assert len(message.splitlines()) <= 6 and len(message) < 1200, message
    assert not (work / "refused").exists()  # refused before the kernel: nothing written

    from relmkt_lib.data import read_table, validate_transactions

    whole = validate_transactions(read_table(work / "boreal_fr.csv"), amount_col="amount")
    assert (whole["date"].to_numpy() == boreal_log["date"].to_numpy()).all()


def test_churn_on_the_subscriptions_table_scores_every_subscriber(runs):
    run, out = runs["churn"]
    nb = check_outputs(run, out)
    assert "Target: 'cancelled', event 'Yes'" in run.stderr
    scored = pd.read_csv(out / "customers.csv")
    subs = load_subscriptions()
    assert len(scored) == len(subs) and set(scored["customer_id"]) == set(subs["customer_id"])
    assert scored["churn_probability"].between(0, 1).all()
    assert scored["churn_probability"].is_monotonic_decreasing
    assert scored["risk_decile"].tolist() == sorted(scored["risk_decile"]) and set(scored["risk_decile"]) == set(
        range(1, 11))
    truth = subs.set_index("customer_id")["cancelled"].map({True: "Yes", False: "No"})
    assert (scored["cancelled"].to_numpy() == truth.reindex(scored["customer_id"]).to_numpy()).all()
    top, bottom = scored["cancelled"].eq("Yes").groupby(scored["risk_decile"]).mean().iloc[[0, -1]]
    assert top > 0.8 and bottom < 0.2  # the list ranks (tenure is a strong signal in this table)
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     + str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)
    assert "153 missing filled with the median" in text  # the blank strings of data_usage_gb, read as numbers
    assert "Leakage? `cancel_date`" in text  # the date recorded after the outcome is named
    html = (out / "report.html").read_text(encoding="utf-8")
    assert all(s in html for s in CHURN_SECTIONS), [s for s in CHURN_SECTIONS if s not in html]
    assert "href=\"../" not in html and "notebooks/09-churn-prediction.ipynb" in html  # chapters named, not linked


@pytest.mark.parametrize("argv, code, words", [
    (["report", "--help"], 0, ["TRANSACTIONS.csv", "--dayfirst"]),
    (["churn", "--help"], 0, ["CUSTOMERS.csv", "--target"]),
    (["report", "x.csv", "--no-such-option"], 2, ["usage: relmkt"]),
    (["churn", "missing.csv", "--target", "churned"], 1, ["error", "missing.csv"]),
])
def test_exit_codes_of_the_installed_command(tmp_path, argv, code, words):
    script = Path(sys.executable).parent / "relmkt"
    if not script.exists():
        pytest.skip(f"{script} is not installed: pip install -e .")
    run = subprocess.run([str(script), *argv], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == code, run.stderr
    assert all(w in run.stdout + run.stderr for w in words), run.stdout + run.stderr
    assert "Traceback" not in run.stderr


# --- the pages in a browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver (.ci/run does)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("variant, sections", [("french", REPORT_SECTIONS), ("churn", CHURN_SECTIONS)])
def test_the_page_in_a_browser(runs, browser, variant, sections):
    """Every section heading, every image decoded, no console error, nothing fetched from outside the file."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: r.url.split(":", 1)[0] not in ("file", "data")
            and problems.append(f"request leaves the file: {r.url}"))
    try:
        page.goto((runs[variant][1] / "report.html").as_uri(), wait_until="load")
        headings = page.locator("h1, h2").all_inner_texts()
        assert all(any(s in h for h in headings) for s in sections), headings
        images = page.locator("img")
        assert images.count() >= (6 if variant != "churn" else 3)
        widths = images.evaluate_all("els => els.map(e => e.complete ? e.naturalWidth : 0)")
        assert min(widths) > 100, widths
        code = page.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .jp-CodeMirrorEditor")
        assert code.count() == 0, "code is shown although --show-code was not given"
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = "churn" if variant == "churn" else "customer-base"
        page.screenshot(path=str(SHOTS / f"report-{name}-top.png"))
        page.locator("h2", has_text=sections[-2 if variant != "churn" else 4]).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"report-{name}-section.png"))
        assert not problems, problems
    finally:
        page.close()

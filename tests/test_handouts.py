"""The chapter handouts (tools/handouts.py, `make handouts`): one zip per chapter for a student without the repository.

Two chapters are built into a temporary folder: 04 (Boreal) and 10 (the subscriptions' retention test
and Hillstrom, and chapter-only data). Each zip is unpacked outside the repository and its student
copy is run there headless against the zip's own data and checks.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from relmkt_lib import datasets
from relmkt_lib.datasets import _loaders
from relmkt_lib.exercises import load_checks, student_copy_text

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("relmkt_handouts", ROOT / "tools" / "handouts.py")
handouts = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = handouts
_spec.loader.exec_module(handouts)

BOREAL = {f"datasets/boreal/{t}.csv" for t in (
    "customers", "transactions", "campaigns", "contacts", "loyalty_members", "loyalty_points", "customer_truth",
    "consent_events", "dncl_registry", "phone_calls")} | {"datasets/boreal/README.md"}
#: What each tested zip must hold besides README.md, the HTML, the student copy and checks.py.
EXPECTED_DATA = {
    "04-customer-lifetime-value": BOREAL,
    "10-retention-campaigns": {
        "datasets/hillstrom/hillstrom.csv.gz", "datasets/hillstrom/README.md",
        "datasets/subscriptions/retention_offer.csv.gz", "datasets/subscriptions/retention_offer_truth.csv.gz",
        "datasets/subscriptions/cohort_counts.csv", "datasets/subscriptions/README.md"},
}
CHAPTERS = sorted(EXPECTED_DATA)
_MARKER = re.compile(r"#\s*(BEGIN |END )?SOLUTION\s*$")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("handouts")
    return {name: handouts.build_handout(ROOT / "notebooks" / f"{name}.ipynb", out) for name in CHAPTERS}


@pytest.fixture(scope="module")
def unpacked(built, tmp_path_factory) -> Path:
    """The zips unpacked in a temporary folder, outside the repository."""
    where = tmp_path_factory.mktemp("unpacked")
    assert ROOT not in where.parents
    for path in built.values():
        with zipfile.ZipFile(path) as zf:
            zf.extractall(where)
    return where


def _sources(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]


def solution_lines(nb: dict, master: dict) -> list[str]:
    """The master's solution code lines (marked ``# SOLUTION`` or inside BEGIN/END blocks) found in ``nb``."""
    hidden = []
    for cell in master["cells"]:
        if "solution" not in cell.get("metadata", {}).get("tags", []) or cell["cell_type"] != "code":
            continue
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if re.search(r"#\s*BEGIN SOLUTION", line):
                inside = True
            elif re.search(r"#\s*END SOLUTION", line):
                inside = False
            elif inside or _MARKER.search(line):
                code = _MARKER.sub("", line).strip()
                if len(code) > 12:  # short lines like "n = 3" could appear anywhere
                    hidden.append(code)
    text = "\n".join(_sources(nb))
    return [code for code in hidden if code in text]


@pytest.mark.parametrize("name", CHAPTERS)
def test_zip_holds_student_copy_checks_html_data_and_readme(built, name):
    with zipfile.ZipFile(built[name]) as zf:
        names = set(zf.namelist())
        readme = zf.read(f"{name}/README.md").decode()
    expected = {f"{name}/{p}" for p in ("README.md", f"{name}.html", f"student/{name}.ipynb", "checks.py",
                                        *EXPECTED_DATA[name])}
    assert names == expected
    with zipfile.ZipFile(built[name]) as zf:
        assert zf.read(f"{name}/checks.py") == (ROOT / "exercises" / name / "checks.py").read_bytes()
        for entry in EXPECTED_DATA[name]:  # the data and data cards, unchanged, where the loaders look
            assert zf.read(f"{name}/{entry}") == (ROOT / entry).read_bytes(), entry
    assert f"student/{name}.ipynb" in readme and "check(" in readme and f"{name}.html" in readme


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_master_and_no_solution(built, name):
    master_path = ROOT / "exercises" / name / f"{name}.ipynb"
    master = json.loads(master_path.read_text(encoding="utf-8"))
    assert solution_lines(master, master), "the leak detector finds nothing even in the master"
    with zipfile.ZipFile(built[name]) as zf:
        notebooks = [n for n in zf.namelist() if n.endswith(".ipynb")]
        assert notebooks == [f"{name}/student/{name}.ipynb"]
        raw = zf.read(notebooks[0])
        text = "\n".join(zf.read(n).decode() for n in zf.namelist() if n.endswith((".ipynb", ".md", ".html")))
    assert raw != master_path.read_bytes()
    assert raw == student_copy_text(master_path).encode()
    nb = json.loads(raw)
    for cell in nb["cells"]:
        assert not {"solution", "solution-only"} & set(cell.get("metadata", {}).get("tags", []))
        assert not cell.get("outputs")
    assert not any(_MARKER.search(line) for s in _sources(nb) for line in s.splitlines())
    assert solution_lines(nb, master) == []
    # the chapter's HTML and the README hold no solution line either
    assert [line for line in solution_lines(master, master) if line in text] == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_html_has_title_embedded_images_and_no_internet_scripts(built, name):
    chapter = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    pngs = sum("image/png" in o.get("data", {}) for c in chapter["cells"] for o in c.get("outputs", []))
    with zipfile.ZipFile(built[name]) as zf:
        html = zf.read(f"{name}/{name}.html").decode()
    title = handouts.chapter_title(chapter)
    assert f"<title>{title}</title>" in html.replace("&amp;", "&")
    assert pngs > 0 and html.count("data:image/png;base64,") >= pngs
    assert not re.search(r"<img[^>]+src=\"(?!data:)", html)
    # neither chapter has formulas: no script at all from the internet (no MathJax, require.js, widgets)
    assert not handouts.has_formulas(chapter)
    assert re.findall(r"<script[^>]+src=\"https?:", html) == []
    assert "widget-view+json" not in html
    # a live widget (it needs scripts from the internet) is replaced by a note, not by its text repr
    widgets = sum(handouts._WIDGET in o.get("data", {}) for c in chapter["cells"] for o in c.get("outputs", []))
    assert widgets > 0 and html.count("An interactive control was here") == widgets
    # money, escaped `\\$` for JupyterLab in the notebook, shows as a plain "$" here
    assert " $" in html and "\\$" not in html


def test_formulas_detected_and_prices_ignored():
    md = {"cells": [{"cell_type": "markdown", "source": "It cost 60 $ and 80 $, and `$x$` is code."}]}
    assert not handouts.has_formulas(md)
    md["cells"].append({"cell_type": "markdown", "source": "$$V = \\sum_t R$$"})
    assert handouts.has_formulas(md)


@pytest.mark.parametrize("name", CHAPTERS)
def test_student_copy_runs_in_the_unpacked_zip(unpacked, tmp_path, monkeypatch, name):
    """Headless, non-strict, with the zip's checks and data only: every check says "not answered"."""
    folder = unpacked / name
    monkeypatch.setenv("RELMKT_DATA", str(folder / "datasets"))
    monkeypatch.setenv("RELMKT_EXERCISES", str(tmp_path / "no-exercises"))  # the repository's checks are not used
    monkeypatch.delenv("RELMKT_STRICT_CHECKS", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(folder / "student" / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder / "student")}},
                   ).execute()
    printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    lines = [line for text in printed for line in text.splitlines() if re.match(r"^\S+ q\d+:", line)]
    asked = [q for s in _sources(nb) for q in re.findall(r"\bcheck\(\s*\"(q\w+)\"", s)]
    assert asked and [line.split()[1].rstrip(":") for line in lines] == asked
    assert all("not answered" in line for line in lines), lines


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_zip_data_are_enough_for_checks_and_solutions(unpacked, monkeypatch, name):
    """The checks' expected values and the master's solutions (strict) computed from the zip's data alone."""
    folder = unpacked / name
    monkeypatch.setenv("RELMKT_DATA", str(folder / "datasets"))
    checker = load_checks(name, root=unpacked)
    for question in checker.number_questions:
        checker.expected(question)
    monkeypatch.setenv("RELMKT_STRICT_CHECKS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    master = nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)
    NotebookClient(master, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}},
                   ).execute()


def test_loaders_find_the_handout_data_without_the_repository(unpacked, tmp_path, monkeypatch):
    """A kit installed without its repository reads ``datasets/`` beside the notebook's folder."""
    folder = unpacked / "04-customer-lifetime-value"
    monkeypatch.delenv("RELMKT_DATA", raising=False)
    monkeypatch.setattr(_loaders, "_KIT_DATA", tmp_path / "site-packages" / "datasets")
    monkeypatch.chdir(folder / "student")
    assert datasets.data_dir() == folder / "datasets"
    assert len(datasets.load_boreal().customers) == 6000
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="RELMKT_DATA"):
        datasets.data_dir()


def test_rebuild_gives_the_same_bytes(built, tmp_path):
    name = CHAPTERS[0]
    again = handouts.build_handout(ROOT / "notebooks" / f"{name}.ipynb", tmp_path)
    assert again.read_bytes() == built[name].read_bytes()
    with zipfile.ZipFile(again) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {handouts.ZIP_TIME}


def test_unknown_loader_stops_the_build(tmp_path):
    code = tmp_path / "checks.py"
    code.write_text("from relmkt_lib import datasets\nx = datasets.load_new_thing()\n", encoding="utf-8")
    with pytest.raises(ValueError, match="load_new_thing"):
        handouts.data_files([code])
    code.write_text("x = datasets.load_retention_offer(truth=True)\ny = load_cdnow()\n", encoding="utf-8")
    assert handouts.data_files([code]) == ([("subscriptions", "retention_offer_truth.csv.gz")], ["load_cdnow"])

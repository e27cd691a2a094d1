"""Structure of the notebooks (their outputs are checked by nbval in `make test`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MASTERS = sorted((ROOT / "exercises").glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))
COMMITTED = CHAPTERS + MASTERS


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00-welcome.ipynb") in CHAPTERS


def test_chapter_map_and_navigation_are_up_to_date():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "chapter_map.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_chapter_is_listed_in_the_welcome_map():
    nb = json.loads((ROOT / "notebooks" / "00-welcome.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "chapter-map" in c["metadata"].get("tags", []))
    text = "".join(cell["source"])
    for path in CHAPTERS:
        assert f"]({path.name})" in text, f"{path.name} is missing from the chapter map"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_skeleton(path):
    assert re.match(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$", path.name)
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith(f"# {path.name[:2]} ")
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for heading in ("## Learning objectives", "## Your turn", "## Recap", "## References"):
        assert heading in text, f"{path.name} lacks the section {heading!r}"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "import" in "".join(code[0]["source"]), "the first code cell is the imports cell"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_with_outputs_in_order_and_small(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert None not in counts, f"{path.name}: some code cells were never run (make notebooks)"
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not run top to bottom in one go"
    for c in code:
        for o in c["outputs"]:
            assert o["output_type"] != "error", f"{path.name}: a stored output is an error"
    assert path.stat().st_size < 1_500_000, f"{path.name} is over 1.5 MB: keep outputs small"


def test_no_stray_notebooks():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [t for t in tracked if "Untitled" in t or ".ipynb_checkpoints" in t]


def test_time_lines_and_the_course_plan_agree():
    """Every chapter's Time line and the README's table come from one estimate, and each plan fits its sessions."""
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "reading_time.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_reading_time_estimate_counts_what_it_says():
    sys.path.insert(0, str(ROOT / "tools"))
    import reading_time as rt

    t = rt.chapter_time(ROOT / "notebooks" / "00-welcome.ipynb")
    assert t.core % 5 == 0 and t.core >= 5 and t.exercises % rt.MINUTES_PER_QUESTION == 0
    assert rt._round5(40.2) == 45 and rt._round5(40) == 40 and rt._round5(0.5) == 5


STUDENTS = sorted((ROOT / "exercises").glob("[0-9][0-9]-*/student/*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED + STUDENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_that_exist(path):
    """A link such as [chapter 01](01-....ipynb) must open from where the notebook sits (student copies too)."""
    nb = json.loads(path.read_text())
    broken = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", "".join(cell["source"])):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # web addresses and anchors inside the notebook
            if not (path.parent / target.split("#", 1)[0]).exists():
                broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)}: links to missing files {broken}"


# JupyterLab typesets the text between two dollar signs of a markdown cell as a formula, so
# "100 $ cost Boreal 60 $" shows as an italic "costBoreal60" (seen in Chromium, JupyterLab 4.6).
# A dollar of money is written `\\$` in markdown cells (what JupyterLab shows as "$"; the site build
# turns it into MyST's `\$`); a formula is $$...$$ on its own, or $x$ with no space inside.
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$[^\s$][^$\n]*?(?<=[^\s\\])\$(?!\$)")
_BARE_DOLLAR = re.compile(r"(?<!\\\\)\$")


def bare_dollars(markdown: str) -> list[str]:
    """Each unescaped money dollar of a markdown cell, shown in its context."""
    text = _INLINE_MATH.sub("", _DISPLAY_MATH.sub("", markdown))
    return [text[max(0, m.start() - 30):m.end() + 5] for m in _BARE_DOLLAR.finditer(text)]


def test_bare_dollars_finds_money_and_spares_formulas():
    assert len(bare_dollars("goods at 100 $ cost 60 $.")) == 2
    assert bare_dollars("one cost of 5 $") == ["one cost of 5 $"]
    assert bare_dollars("goods at 100 \\\\$ cost 60 \\\\$.") == []
    assert bare_dollars("a formula $$V = \\sum_t R$$ and $x_t$ here") == []


@pytest.mark.parametrize("path", COMMITTED + STUDENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_money_dollars_are_escaped_for_jupyterlab(path):
    nb = json.loads(path.read_text())
    bare = [ctx for cell in nb["cells"] if cell["cell_type"] == "markdown"
            for ctx in bare_dollars("".join(cell["source"]))]
    assert not bare, (f"{path.relative_to(ROOT)}: write money as `\\\\$` in markdown (JupyterLab reads two bare "
                      f"dollars as a formula): {bare[:3]}")

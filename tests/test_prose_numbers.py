"""Numbers in prose come from outputs: every chapter and exercise master (issue 11, item 5).

A percentage, an amount of money or a decimal with two or more significant digits written in a
markdown cell must appear in an output of the same notebook at the precision the prose shows, or
be an input its code sets, or be a cited published number or an assumption listed in
`tests/prose_allowed.py`. When data or a model change a number, this test names the sentence
that still states the old one.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from prose_allowed import ALLOWED  # noqa: E402

_spec = importlib.util.spec_from_file_location("prose_numbers", ROOT / "tools" / "prose_numbers.py")
prose = importlib.util.module_from_spec(_spec)
sys.modules["prose_numbers"] = prose
_spec.loader.exec_module(prose)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "exercises").glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))


def _nb(*markdown: str, outputs: tuple[str, ...] = (), code: str = "") -> dict:
    cells = [{"cell_type": "markdown", "source": m} for m in markdown]
    cells.append({"cell_type": "code", "source": code,
                  "outputs": [{"output_type": "stream", "name": "stdout", "text": o} for o in outputs]})
    return {"cells": cells}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_number_in_prose_is_shown_by_an_output(path):
    nb = json.loads(path.read_text())
    rel = str(path.relative_to(ROOT))
    missing = prose.unsupported(nb, ALLOWED.get(rel, {}))
    assert not missing, (
        f"{rel}: numbers stated in prose that no output shows (print them, or cite/assume them in "
        "tests/prose_allowed.py):\n" + "\n".join(f"  cell {s.cell}: {s.text!r}" for s in missing))


def test_allow_lists_name_existing_notebooks_and_give_reasons():
    for rel, numbers in ALLOWED.items():
        assert (ROOT / rel).is_file(), rel
        assert all(reason.strip() for reason in numbers.values()), rel


@pytest.mark.parametrize("rel, numbers", ALLOWED.items())
def test_allow_lists_are_not_stale(rel, numbers):
    """Every allowed number is still stated in the notebook's prose (else remove it)."""
    stated = {prose._key(s.text) for s in prose.stated_numbers(json.loads((ROOT / rel).read_text()))}
    stale = [k for k in numbers if prose._key(k) not in stated]
    assert not stale, f"{rel}: allowed numbers no longer in its prose: {stale}"


@pytest.mark.parametrize("sentence, shown, ok", [
    ("Retention is 36.5 % a year.", "retention 0.3648", True),
    ("Retention is 36.5 % a year.", "retention 0.3612", False),
    ("Retention is 0.36.", "36.48%", True),
    ("An existing customer is worth 36.93 $.", "CLV  36.93", True),
    ("An existing customer is worth 36.93 $.", "CLV  36.9", False),
    ("The firm is worth about 1.7 million $.", "equity 1,679,959", True),
    ("The firm is worth about 1.7 million $.", "equity 1,579,959", False),
    ("The first month's revenue is near $7k.", "revenue 7,212.40", True),
    ("It fell by −14.91 %.", "change -14.91", True),
    ("The ratio is x0.15 of the first.", "ratio 0.152", True),
    ("Share 11.3 %.", "share 0.1126", True),
    ("Share 11.3 %.", "share 0.1124", False),
])
def test_a_stated_number_needs_an_output_at_the_shown_precision(sentence, shown, ok):
    assert (not prose.unsupported(_nb(sentence, outputs=(shown,)))) is ok


def test_what_is_not_a_stated_number():
    nb = _nb("In 2024, 3 customers out of 10 came back (see section 2.1 of `the_code(0.123)`).",
             "$$V = \\sum_t 0.91^t$$ and the link [here](x.ipynb#A-0.25).",
             "## References\n\nFader, P. S. (2005), 24(2), 275-284, 0.57 %.")
    assert prose.stated_numbers(nb) == [
        prose.Stated(0, "2.1", 2.1, 1, "decimal")]  # a section number is a decimal: allow-list it


def test_inputs_set_in_code_and_allowed_numbers_pass():
    nb = _nb("A 40 % gross margin, 10 % discount; Kivetz et al. found 0.78.", code="MARGIN = 0.40  # 55 %\nd = 0.1")
    assert [s.text for s in prose.unsupported(nb)] == ["0.78"]
    assert not prose.unsupported(nb, {"0.78": "Kivetz, Urminsky & Zheng (2006)"})
    assert [s.text for s in prose.unsupported(_nb("A 55 % rate.", code="x = 1  # 55 %"))] == ["55 %"]


@pytest.mark.parametrize("rel, numbers", ALLOWED.items())
def test_allow_lists_hold_only_numbers_no_output_shows(rel, numbers):
    """An allowed number that an output or a code input already shows does not need the list."""
    needed = {prose._key(s.text) for s in prose.unsupported(json.loads((ROOT / rel).read_text()))}
    spare = [k for k in numbers if prose._key(k) not in needed]
    assert not spare, f"{rel}: these need no allow-list entry (an output or the code shows them): {spare}"

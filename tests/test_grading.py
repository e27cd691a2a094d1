"""The grader, ``python -m relmkt_lib.exercises grade``, on fake submissions of the real chapter 00."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from relmkt_lib import exercises
from relmkt_lib._grading import grade_submissions

CHAPTER = "00-welcome"
MASTER = exercises.exercises_dir() / CHAPTER / f"{CHAPTER}.ipynb"
STUDENT = exercises.student_path(MASTER)


def _student() -> nbformat.NotebookNode:
    return nbformat.read(STUDENT, as_version=4)


def _right() -> nbformat.NotebookNode:
    """The student copy with the master's solution cells copied in (solution-only cells are not in the copy)."""
    nb, master = _student(), nbformat.read(MASTER, as_version=4)
    kept = [c for c in master.cells if "solution-only" not in c.metadata.get("tags", [])]
    assert len(kept) == len(nb.cells)
    for cell, source in zip(nb.cells, kept):
        if cell.cell_type == "code" and "solution" in source.metadata.get("tags", []):
            cell.source = source.source
    return nb


def _edit(nb: nbformat.NotebookNode, old: str, new: str) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(cells) == 1, old
    cells[0].source = cells[0].source.replace(old, new)
    return nb


def _write(folder, name: str, nb: nbformat.NotebookNode) -> None:
    nbformat.write(nb, folder / name)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    _write(folder, "right.ipynb", _right())
    wrong = _edit(_edit(_student(), "n_both = ...", "n_both = 1"), "reading = ...", 'reading = "a"')
    _write(folder, "wrong.ipynb", wrong)
    _write(folder, "crashing.ipynb", _edit(_right(), "share_one_day = ", "1 / 0\nshare_one_day = "))
    _write(folder, "tampered.ipynb", _edit(_right(), 'check("q1", n_both)', 'check("q1", 42)'))
    cheat = _right()
    cheat.cells.insert(3, nbformat.v4.new_code_cell("check = lambda name, answer: None"))
    _write(folder, "cheater.ipynb", cheat)
    return grade_submissions(folder, out_dir=folder / "out")


def _statuses(report, notebook: str) -> dict[str, str]:
    rows = report.per_question[report.per_question["notebook"] == notebook]
    return dict(zip(rows["question"], rows["status"]))


def test_per_question_results(report):
    assert _statuses(report, "right.ipynb") == {"q1": "correct", "q2": "correct", "q3": "correct"}
    assert _statuses(report, "wrong.ipynb") == {"q1": "not yet", "q2": "not answered", "q3": "not yet"}
    assert _statuses(report, "crashing.ipynb") == {"q1": "correct", "q2": "not run", "q3": "correct"}
    assert _statuses(report, "tampered.ipynb") == {"q1": "not run", "q2": "not run", "q3": "not run"}
    grades = report.per_question
    assert len(grades) == 5 * 3 and grades["passed"].dtype == bool
    assert grades["passed"].tolist() == (grades["status"] == "correct").tolist()


def test_summary_and_files(report):
    summary = report.summary.set_index("notebook")
    assert sorted(summary.index) == sorted(["cheater.ipynb", "crashing.ipynb", "right.ipynb", "tampered.ipynb",
                                            "wrong.ipynb"])
    assert summary["chapter"].eq(CHAPTER).all() and summary["total"].eq(3).all()
    assert summary["passed"].to_dict() == {"cheater.ipynb": 0, "crashing.ipynb": 2, "right.ipynb": 3,
                                           "tampered.ipynb": 0, "wrong.ipynb": 0}
    assert summary.loc["right.ipynb", "status"] == "graded"
    assert summary.loc["wrong.ipynb", "status"] == "graded"
    assert summary.loc["crashing.ipynb", "status"].startswith("error: ZeroDivisionError in cell ")
    assert summary.loc["tampered.ipynb", "status"] == "refused: check cells changed"
    assert summary.loc["cheater.ipynb", "status"] == "refused: check cells changed"
    grades_csv, summary_csv = report.paths
    assert (grades_csv.name, summary_csv.name) == ("grades.csv", "summary.csv")
    pd.testing.assert_frame_equal(pd.read_csv(grades_csv), report.per_question)
    pd.testing.assert_frame_equal(pd.read_csv(summary_csv), report.summary)
    with pytest.raises(AttributeError):
        report.paths = ()  # frozen


def test_submissions_are_not_changed_and_no_strict_mode(tmp_path, monkeypatch):
    """A refused notebook is not run; the strict mode of the tests does not leak into the students' run."""
    monkeypatch.setenv(exercises.STRICT_ENV, "1")
    _write(tmp_path, "tampered.ipynb", _edit(_right(), 'check("q2", share_one_day)', ""))
    before = (tmp_path / "tampered.ipynb").read_bytes()
    report = grade_submissions(tmp_path)
    assert report.summary["status"].tolist() == ["refused: check cells changed"]
    assert (tmp_path / "tampered.ipynb").read_bytes() == before
    assert {p.parent for p in report.paths} == {tmp_path}


def test_timeout(tmp_path):
    nb = _student()
    nb.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    _write(tmp_path, "slow.ipynb", nb)
    report = grade_submissions(tmp_path, timeout=3)
    assert report.summary["status"].tolist() == ["timeout"]
    assert report.summary["seconds"].iloc[0] < 10
    assert set(report.per_question["status"]) == {"not run"}


def test_refusals(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        grade_submissions(tmp_path / "missing")
    with pytest.raises(ValueError, match=r"no notebooks \(\*\.ipynb\)"):
        grade_submissions(tmp_path)
    (tmp_path / "x.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="timeout must be a positive"):
        grade_submissions(tmp_path, timeout=0)


def test_not_a_notebook_is_one_students_error(tmp_path):
    (tmp_path / "broken.ipynb").write_text("not json")
    report = grade_submissions(tmp_path)
    assert report.summary["status"].iloc[0].startswith("error: ")
    assert report.per_question.empty


def test_command_line(tmp_path, capsys):
    _write(tmp_path, "tampered.ipynb", _edit(_right(), 'check("q1", n_both)', 'check("q1", 42)'))
    assert exercises.main(["grade", str(tmp_path), "--timeout", "30", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "tampered.ipynb" in out and "refused: check cells changed" in out
    assert (tmp_path / "out" / "summary.csv").is_file()
    for argv in (["grade"], ["grade", str(tmp_path / "missing")], ["build", str(tmp_path)]):
        with pytest.raises(SystemExit) as stop:
            exercises.main(argv)
        assert stop.value.code == 2

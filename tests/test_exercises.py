"""Exercise framework: checks and hints, strict mode, student copies, and the committed exercises.

`make test` sets RELMKT_STRICT_CHECKS=1 for the whole run, so every test here sets or clears it
itself (the `normal` and `strict` fixtures). The masters themselves run under nbval (Makefile).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from relmkt_lib import exercises as ex

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ex.find_masters(ROOT / "exercises")


@pytest.fixture
def normal(monkeypatch):
    monkeypatch.delenv(ex.STRICT_ENV, raising=False)


@pytest.fixture
def strict(monkeypatch):
    monkeypatch.setenv(ex.STRICT_ENV, "1")


@pytest.fixture
def checker() -> ex.Checker:
    c = ex.Checker("99-test")

    @c.question("number", hint="Count them.")
    def _(answer):
        return ex.approx(answer, 42)

    @c.question("choice", hint="Think long term.")
    def _(answer):
        return ex.same_choice(answer, "b", choices="abc")

    @c.question("table", hint="Group by customer.")
    def _(answer):
        return ex.same_frame(answer, pd.Series([1.0, 2.0], index=["x", "y"]))

    @c.question("extra", hint="Positive numbers only.")
    def _(answer):
        return answer > 0, "That one is negative."

    @c.question("fragile")
    def _(answer):
        return answer.nunique() == 3  # fails with AttributeError on an int

    return c


# --- checks ------------------------------------------------------------------------------------


def test_correct_answer_prints_one_line(normal, checker, capsys):
    result = checker("number", 42)
    assert capsys.readouterr().out == "✅ number: correct.\n"
    assert result.passed and result.status == "correct" and result.question == "number"
    assert result.message == "✅ number: correct."
    assert checker.check("number", 42.0000001).passed


def test_wrong_answer_shows_the_hint(normal, checker, capsys):
    result = checker("number", 41)
    assert capsys.readouterr().out == "❌ number: not yet. Hint: Count them.\n"
    assert not result.passed and result.status == "not yet"


def test_placeholder_is_not_answered_yet(normal, checker, capsys):
    for name in checker.questions:
        assert checker(name, ...).status == "not answered"
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "⏳ number: not answered yet — replace the ... with your answer."
    assert len(lines) == len(checker.questions) and all(line.startswith("⏳") for line in lines)


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [
        ("number", pd.DataFrame({"n": [1, 2]}), "Expected a single number, got a DataFrame."),
        ("number", pd.Series([42]), "It holds one value: take it out with .item()."),
        ("number", "42", "got a text (str). Remove the quotes."),
        ("number", True, "got True/False"),
        ("number", float("nan"), "NaN"),
        ("number", None, "got None"),
        ("choice", 2, "Expected a text answer in quotes, like 'a', got a number."),
        ("choice", "z", "Choose one of 'a', 'b', 'c'."),
        ("table", 3, "Expected a Series, got a number."),
        ("table", pd.Series([1.0]), "Expected 2 rows, got 1."),
        ("table", pd.Series([1.0, 5.0], index=["x", "y"]), "Not the same table"),
        ("extra", -1, "That one is negative. Hint: Positive numbers only."),
        ("extra", "text", "The check could not use your answer, which is a text (str) (TypeError"),
        ("fragile", 3, "which is a number (AttributeError"),
    ],
)
def test_wrong_type_or_value_is_not_yet_with_a_hint(normal, checker, capsys, name, answer, says):
    result = checker(name, answer)
    out = capsys.readouterr().out
    assert result.status == "not yet"
    assert out.startswith(f"❌ {name}: not yet.") and says in out and out.count("\n") == 1


def test_helpers_accept_the_forms_learners_use():
    assert ex.approx(0.604, 0.6049, abs_tol=0.005) and not ex.approx(0.61, 0.6049, abs_tol=0.005)
    assert ex.approx(pd.Series([1, 2]).sum(), 3)  # numpy integers are numbers
    for given in ["b", "B", " b ", "(b)", "b)", "B."]:
        assert ex.same_choice(given, "b", choices="abc"), given
    assert ex.same_choice("Campaign  A", ["campaign a", "a"])
    frame = pd.DataFrame({"n": [1, 2], "m": [0.5, 0.25]})
    assert ex.same_frame(frame.astype(float), frame)
    assert not ex.same_frame(frame[["m", "n"]], frame)  # columns in another order
    assert not ex.same_frame(frame.iloc[::-1], frame)
    assert ex.same_frame(frame["n"], frame).hint == "Expected a DataFrame, got a Series."


def test_strict_mode_raises_with_the_hint(strict, checker, capsys):
    assert checker("number", 42).passed  # a correct answer never raises
    with pytest.raises(ex.ExerciseCheckError, match=r"\[99-test\] ❌ number: not yet\. Hint: Count them\."):
        checker("number", 41)
    with pytest.raises(ex.ExerciseCheckError, match="not answered yet"):
        checker("number", ...)
    with pytest.raises(ex.ExerciseCheckError) as info:
        checker("fragile", 3)
    assert isinstance(info.value, AssertionError) and isinstance(info.value.__cause__, AttributeError)
    assert "❌ number: not yet" in capsys.readouterr().out  # the line is printed before raising


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_strict_mode_values(monkeypatch, value):
    monkeypatch.setenv(ex.STRICT_ENV, value)
    assert ex.strict_mode()
    monkeypatch.setenv(ex.STRICT_ENV, "0")
    assert not ex.strict_mode()


def test_checker_strict_argument_overrides_the_environment(strict, capsys):
    c = ex.Checker("99-test", strict=False)
    c.question("q")(lambda a: a == 1)
    assert c("q", 2).status == "not yet"
    c.strict = True
    with pytest.raises(ex.ExerciseCheckError):
        c("q", 2)


def test_author_mistakes_fail_loudly(normal, checker):
    with pytest.raises(ValueError, match="has no question 'q9'; it has"):
        checker("q9", 1)
    with pytest.raises(ValueError, match="registered twice"):
        checker.question("number")(lambda a: True)


def test_result_shows_nothing_more_in_a_notebook(normal, checker, capsys):
    result = checker("number", 42)
    assert result._ipython_display_() is None
    assert repr(result) == "CheckResult(question='number', status='correct')"


# --- student copies ----------------------------------------------------------------------------


def _synthetic_master(path: Path) -> Path:
    cell, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    cells = [
        md("# Exercises 99 — Test"),
        cell("import pandas as pd"),
        cell("n = df.x.nunique()  # SOLUTION\ncheck('q1', n)", metadata={"tags": ["solution"]},
             execution_count=3, outputs=[nbformat.v4.new_output("stream", text="✅ q1: correct.\n")]),
        cell("def f(x):\n    # BEGIN SOLUTION\n    y = x + 1\n    return y\n    # END SOLUTION\n"
             "check('q2', f)",
             metadata={"tags": ["solution"], "collapsed": True,
                       "execution": {"iopub.status.busy": "2024-01-01T00:00:00Z"}}),
        md("Answer **b**, because the relationship matters.", metadata={"tags": ["solution"]}),
        md("Why the solution works: secret.", metadata={"tags": ["solution-only"]}),
        cell("a, b = 1, 2  # SOLUTION\ndf['share'] = df.x / 2  # SOLUTION\nprint(a == b)  # SOLUTION",
             metadata={"tags": ["keep-me", "solution"]}),
        nbformat.v4.new_raw_cell("raw text"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"}, "widgets": {"state": {}}})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_student_copy_replaces_solutions(tmp_path):
    master = _synthetic_master(tmp_path / "99-test" / "99-test.ipynb")
    target = ex.make_student_copy(master, ex.student_path(master))
    assert target == tmp_path / "99-test" / "student" / "99-test.ipynb"
    nb = nbformat.read(target, as_version=4)
    nbformat.validate(nb)
    sources = [c.source for c in nb.cells]
    assert sources[2] == "n = ...  # your answer\ncheck('q1', n)"
    assert sources[3] == "def f(x):\n    # your code here\ncheck('q2', f)"
    assert sources[4] == "*Write your answer here.*"
    assert sources[5] == "a, b = ...  # your answer\ndf['share'] = ...  # your answer\n...  # your answer"
    assert sources[6] == "raw text" and len(nb.cells) == 7  # the solution-only cell is dropped
    text = target.read_text(encoding="utf-8")
    for secret in ["nunique", "x + 1", "because", "secret", "a == b", "SOLUTION"]:
        assert secret not in text
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in nb.cells)
    assert [c.metadata for c in nb.cells][2:6] == [{}, {}, {}, {"tags": ["keep-me"]}]
    assert nb.metadata == {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                          "name": "python3"}, "language_info": {"name": "python"}}
    master_ids = [c.id for c in nbformat.read(master, as_version=4).cells]
    assert [c.id for c in nb.cells] == master_ids[:5] + master_ids[6:]


def test_student_copy_is_deterministic(tmp_path):
    master = _synthetic_master(tmp_path / "99-test" / "99-test.ipynb")
    first = ex.make_student_copy(master, tmp_path / "a.ipynb").read_bytes()
    second = ex.make_student_copy(master, tmp_path / "b.ipynb").read_bytes()
    assert first == second and first.endswith(b"}\n") and b"\r\n" not in first
    assert first == ex.student_copy_text(master).encode("utf-8")


def test_student_copy_without_cell_ids_is_deterministic(tmp_path):
    master = _synthetic_master(tmp_path / "99-test" / "99-test.ipynb")
    raw = nbformat.read(master, as_version=4)
    raw.nbformat_minor = 4
    for c in raw.cells:
        del c["id"]
    master.write_text(nbformat.writes(raw, version=4), encoding="utf-8")
    assert ex.student_copy_text(master) == ex.student_copy_text(master)


@pytest.mark.parametrize(
    ("source", "tags", "message"),
    [
        ("n = 1  # SOLUTION", [], "not tagged 'solution'"),
        ("# BEGIN SOLUTION\nn = 1\n# END SOLUTION", ["other"], "not tagged 'solution'"),
        ("n = 1", ["solution"], "has no '# SOLUTION' line"),
        ("# BEGIN SOLUTION\nn = 1", ["solution"], "unmatched"),
        ("n = 1\n# END SOLUTION", ["solution"], "unmatched"),
    ],
)
def test_marker_mistakes_are_errors(tmp_path, source, tags, message):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": tags})])
    master = tmp_path / "99-x" / "99-x.ipynb"
    master.parent.mkdir()
    nbformat.write(nb, master)
    with pytest.raises(ValueError, match=message):
        ex.student_copy_text(master)


def test_build_and_check_commands(tmp_path, capsys):
    master = _synthetic_master(tmp_path / "99-test" / "99-test.ipynb")
    _synthetic_master(tmp_path / "99-test" / "student" / "not-a-master.ipynb")
    assert ex.find_masters(tmp_path) == [master]
    assert ex.main(["check", "--root", str(tmp_path)]) == 1
    assert "stale: " in capsys.readouterr().err
    assert ex.main(["build", "--root", str(tmp_path)]) == 0
    assert ex.main(["check", "--root", str(tmp_path)]) == 0
    ex.student_path(master).write_text("{}\n")  # a hand edit makes it stale
    assert ex.stale_student_copies(tmp_path) == [ex.student_path(master)]
    assert ex.main(["check", "--root", str(tmp_path / "empty")]) == 1


def test_command_line_entry_point(tmp_path):
    _synthetic_master(tmp_path / "99-test" / "99-test.ipynb")
    run = [sys.executable, "-m", "relmkt_lib.exercises"]
    done = subprocess.run([*run, "check", "--root", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "99-test" in done.stderr
    done = subprocess.run([*run, "build", "--root", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0 and "wrote" in done.stdout


# --- loading a chapter's checks ----------------------------------------------------------------

CHECKS = 'from relmkt_lib.exercises import Checker\nchecker = Checker("99-test")\n'


def test_load_checks_from_the_notebook_folder_or_its_student_copy(tmp_path, monkeypatch):
    chapter = tmp_path / "somewhere" / "99-test"
    (chapter / "student").mkdir(parents=True)
    (chapter / "checks.py").write_text(CHECKS)
    monkeypatch.delenv(ex.EXERCISES_ENV, raising=False)
    for cwd in (chapter, chapter / "student"):
        monkeypatch.chdir(cwd)
        assert ex.load_checks("99-test").chapter == "99-test"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no checks.py for chapter '99-test'"):
        ex.load_checks("99-test")
    monkeypatch.setenv(ex.EXERCISES_ENV, str(tmp_path / "somewhere"))
    assert ex.load_checks("99-test").chapter == "99-test"
    assert ex.load_checks("99-test", root=tmp_path / "somewhere").chapter == "99-test"


def test_load_checks_needs_a_checker(tmp_path):
    (tmp_path / "99-test").mkdir()
    (tmp_path / "99-test" / "checks.py").write_text("x = 1\n")
    with pytest.raises(TypeError, match="must define checker"):
        ex.load_checks("99-test", root=tmp_path)


# --- the committed exercises -------------------------------------------------------------------


def test_there_are_exercises():
    assert [m.parent.name for m in MASTERS][:1] == ["00-welcome"]


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_student_copy_is_up_to_date(master, tmp_path):
    fresh = ex.make_student_copy(master, tmp_path / master.name).read_bytes()
    committed = ex.student_path(master)
    assert committed.is_file(), f"missing {committed}: run `make students`"
    assert committed.read_bytes() == fresh, f"{committed} is stale: run `make students`, never edit it"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_master_is_committed_with_every_check_passing(master):
    nb = nbformat.read(master, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    questions = ex.load_checks(master.parent.name, root=master.parent.parent).questions
    assert questions, f"{master.parent / 'checks.py'} registers no question"
    for name in questions:
        assert f"✅ {name}: correct." in printed, f"{master}: no passing check of {name}; run `make notebooks`"
    assert "❌" not in printed and "⏳" not in printed


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_student_copy_runs_and_every_check_is_not_answered_yet(master, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.delenv(ex.STRICT_ENV, raising=False)  # the kernel inherits the environment
    student = ex.student_path(master)
    nb = nbformat.read(student, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(student.parent)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    lines = [line for line in printed.splitlines() if line[:1] in {"✅", "❌", "⏳"}]
    questions = ex.load_checks(master.parent.name, root=master.parent.parent).questions
    assert lines == [f"⏳ {q}: not answered yet — replace the ... with your answer." for q in questions]
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)

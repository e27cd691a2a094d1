"""Exercise framework: checks and hints, strict mode, student copies, and the committed exercises.

`make test` sets RELMKT_STRICT_CHECKS=1 for the whole run, so every test here sets or clears it
itself (the `normal` and `strict` fixtures). The masters themselves run under nbval (Makefile).
"""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from relmkt_lib import exercises as ex

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ex.find_masters(root=ROOT / "exercises")
CHAPTERS = [m.parent.name for m in MASTERS]


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


# --- declared questions: number() and choice() -------------------------------------------------


@pytest.fixture
def declared() -> ex.Checker:
    c = ex.Checker("99-test")
    c.number("share", 0.51141, kind="share", shown_decimals=3, hint="Take the mean.",
             traps=[(12054, "That is the number of one-day customers."), (0.50522, lambda: "You counted rows.")])
    c.number("count", lambda: 23570, kind="count", traps=[(69659, "That is the number of rows.")])
    c.number("money", 92.10526, kind="money", shown_decimals=2)
    c.number("pct", 4.156826, kind="percent", shown_decimals=2)
    c.number("points", 2.87, kind="points", shown_decimals=1)
    c.number("change", 0.18708, kind="change", shown_decimals=3)
    c.number("diff", 0.1556, kind="share_difference", shown_decimals=3, traps=[(-0.1556, "The sign is reversed.")])
    c.number("survivors", 170.03, kind="count", shown_decimals=1, traps=[(0.17003, "That is a share: x 1,000.")])
    c.choice("pick", "b", choices="abc", hint="Think long term.", why_not={"a": "That is the one-off view."})
    return c


def _line(checker, name, answer, capsys) -> str:
    checker(name, answer)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "answer"),
    [("share", 0.511), ("share", 0.51141), ("share", 0.5114128), ("share", 0.5118), ("share", 0.5110),
     ("count", 23570), ("count", 23570.0), ("money", 92.11), ("money", 92.105), ("pct", 4.16),
     ("points", 2.9), ("change", 0.187), ("diff", 0.156), ("survivors", 170.0)],
)
def test_the_value_the_notebook_shows_passes(normal, declared, capsys, name, answer):
    assert _line(declared, name, answer, capsys) == f"✅ {name}: correct.\n"


@pytest.mark.parametrize(("name", "answer"), [("share", 0.5120), ("share", 0.5108), ("money", 92.12),
                                              ("count", 23571), ("pct", 4.15), ("survivors", 170.1)])
def test_more_than_half_a_shown_unit_away_fails(normal, declared, name, answer):
    assert not declared.check(name, answer).passed


def test_expected_gives_the_value_and_the_shown_decimals(declared):
    assert declared.expected("share") == (0.51141, 3)
    assert declared.expected("count") == (23570, 0)  # a callable is run when asked
    assert declared.number_questions == ("share", "count", "money", "pct", "points", "change", "diff", "survivors")
    assert "pick" in declared.questions and "pick" not in declared.number_questions
    with pytest.raises(ValueError, match="'pick' is not a numeric question of 99-test"):
        declared.expected("pick")


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [
        ("share", 51.1, "That looks like a percentage: give the share between 0 and 1 (divide by 100)."),
        ("share", 51.14, "That looks like a percentage"),
        ("share", 12054, "That is the number of one-day customers."),  # a trap comes before the kind's hint
        ("share", 4321, "That looks like a count: divide it by the size of its group to get a share."),
        ("share", 7.5, "A share lies between 0 and 1"),
        ("share", 0.51, "Almost: round less, keep 3 decimals."),
        ("share", 0.5, "Almost: round less, keep 3 decimals."),
        ("pct", 0.0416, "That looks like a share: give it in percent (for example 2.5 for 2.5 %)"),
        ("points", 0.0287, "give it in percentage points"),
        ("change", 18.7, "give the change as a share (0.05 for +5 %)"),
        ("diff", 15.56, "That looks like percentage points"),
        ("count", 0.42, "That looks like a share; the question asks for a number"),
        ("money", 92.1, "Almost: round less, keep 2 decimals."),
        ("points", 3, "Almost: round less, keep 1 decimal."),
    ],
)
def test_slips_of_scale_and_rounding_get_their_own_hint(normal, declared, capsys, name, answer, says):
    out = _line(declared, name, answer, capsys)
    assert out.startswith(f"❌ {name}: not yet.") and says in out, out


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [("share", 0.505, "You counted rows."), ("count", 69659, "That is the number of rows."),
     ("diff", -0.156, "The sign is reversed."), ("survivors", 0.17, "That is a share: x 1,000.")],
)
def test_traps_get_their_message_and_the_hint(normal, declared, capsys, name, answer, says):
    out = _line(declared, name, answer, capsys)
    assert out.startswith(f"❌ {name}: not yet. {says}"), out
    if name == "share":
        assert out.endswith("Hint: Take the mean.\n")


def test_zero_for_a_small_share_is_not_called_a_rounding(normal, capsys):
    c = ex.Checker("99-test")
    c.number("q", 0.021, kind="share", shown_decimals=3)
    out = _line(c, "q", 0, capsys)
    assert out.startswith("❌ q: not yet.") and "round" not in out, out


def test_a_trap_equal_to_the_answer_never_hides_it(normal, capsys):
    c = ex.Checker("99-test")
    c.number("q", 500, shown_decimals=0, traps=[(500, "That has the largest margin, not the largest net.")])
    assert _line(c, "q", 500, capsys) == "✅ q: correct.\n"


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [("share", "0.511", "Expected a single number, got a text (str). Remove the quotes."),
     ("share", pd.Series([0.511]), "It holds one value: take it out with .item()."),
     ("share", pd.DataFrame({"x": [1, 2]}), "got a DataFrame"), ("share", None, "got None"),
     ("count", True, "got True/False"), ("money", float("nan"), "NaN"), ("money", [92.11], "got a list"),
     ("money", float("inf"), ""), ("share", np.array(0.511), "take it out with .item()"),
     ("pick", 2, "Expected a text answer in quotes, like 'a', got a number."),
     ("pick", "z", "Choose one of 'a', 'b', 'c'.")],
)
def test_wrong_types_never_crash_a_declared_check(normal, declared, capsys, name, answer, says):
    out = _line(declared, name, answer, capsys)
    assert out.startswith(f"❌ {name}: not yet.") and says in out and out.count("\n") == 1, out


def test_choice_gives_the_reason_an_option_is_wrong(normal, declared, capsys):
    assert _line(declared, "pick", " (B) ", capsys) == "✅ pick: correct.\n"
    wrong = "❌ pick: not yet. That is the one-off view. Hint: Think long term.\n"
    assert _line(declared, "pick", "A", capsys) == wrong
    assert _line(declared, "pick", "c", capsys) == "❌ pick: not yet. Hint: Think long term.\n"


def test_choice_can_be_computed_from_the_data(normal, capsys):
    c = ex.Checker("99-test")
    c.choice("plan", lambda: "premium", choices=lambda: ["basic", "plus", "premium"])
    assert c("plan", "Premium").passed
    assert "Choose one of 'basic', 'plus', 'premium'." in _line(c, "plan", "gold", capsys)


def test_placeholder_and_strict_mode_for_declared_questions(strict, declared, capsys):
    with pytest.raises(ex.ExerciseCheckError, match="not answered yet"):
        declared("share", ...)
    with pytest.raises(ex.ExerciseCheckError, match=r"\[99-test\] ❌ share: not yet\. That looks like a percentage"):
        declared("share", 51.1)
    with pytest.raises(ex.ExerciseCheckError, match="That is the one-off view"):
        declared("pick", "a")
    assert declared("share", 0.511).passed and declared("pick", "b").passed


def test_facts_are_computed_once_and_only_when_a_check_needs_them(normal, capsys):
    calls = []

    @ex.facts
    def table():
        calls.append(1)
        return {"n": 23570, "rows": 69659}

    c = ex.Checker("99-test")
    c.number("q", table["n"], kind="count", traps=[(table["rows"], "Rows, not customers.")])
    assert calls == [] and repr(table["n"]) == "<fact 'n' of table>"
    c("q", ...)
    assert calls == []  # the placeholder needs no data
    c("q", 69659)
    c("q", 23570)
    assert calls == [1] and c.expected("q") == (23570, 0)


def test_an_expected_value_that_fails_is_not_blamed_on_the_answer(normal):
    c = ex.Checker("99-test")
    c.number("q", lambda: 1 / 0, shown_decimals=1)
    with pytest.raises(RuntimeError, match="the check of q could not compute its expected answer") as info:
        c("q", 1.0)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (lambda c: c.number("q", 1.0, kind="fraction", shown_decimals=2), "kind must be one of"),
        (lambda c: c.number("q", 1.0), "give shown_decimals"),
        (lambda c: c.number("q", 1.0, shown_decimals=-1), "shown_decimals must be an integer >= 0"),
        (lambda c: c.choice("q", "e", choices="abcd"), r"options \['e'\] are not among the choices"),
        (lambda c: c.choice("q", "a", choices="abc", why_not={"d": "?"}), r"options \['d'\]"),
    ],
)
def test_declaration_mistakes_fail_loudly(declare, message):
    with pytest.raises(ValueError, match=message):
        declare(ex.Checker("99-test"))


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
    assert ex.find_masters(root=tmp_path) == [master]
    assert ex.main(["check", "--root", str(tmp_path)]) == 1
    assert "stale: " in capsys.readouterr().err
    assert ex.main(["build", "--root", str(tmp_path)]) == 0
    assert ex.main(["check", "--root", str(tmp_path)]) == 0
    ex.student_path(master).write_text("{}\n")  # a hand edit makes it stale
    assert ex.stale_student_copies(root=tmp_path) == [ex.student_path(master)]
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


@functools.cache
def _chapter_checker(chapter: str) -> ex.Checker:
    """A chapter's checker, loaded once for the tests below (its facts are then computed once)."""
    checker = ex.load_checks(chapter, root=ROOT / "exercises")
    checker.strict = False
    return checker


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_numeric_answer_passes_as_the_notebook_shows_it(chapter, capsys):
    """The displayed rounding of every numeric answer passes; a share given x100 gets the percent hint."""
    checker = _chapter_checker(chapter)
    assert checker.number_questions, f"{chapter}: no numeric question"
    for name in checker.number_questions:
        value, decimals = checker.expected(name)
        shown = round(float(value), decimals)
        assert checker(name, shown).passed, f"{chapter} {name}: the shown value {shown} does not pass"
        if checker._numbers[name].kind == "share":
            assert not checker(name, 100 * shown).passed
            assert "That looks like a percentage" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_trap_is_caught_with_its_own_message(chapter, capsys):
    """A known wrong answer, rounded as shown, gets its message (unless the data make it the right answer)."""
    checker = _chapter_checker(chapter)
    for name in checker.number_questions:
        value, decimals = checker.expected(name)
        for trap, message in checker._numbers[name].traps:
            trap = round(float(trap() if callable(trap) else trap), decimals)
            if round(float(value), decimals) == trap:
                continue  # e.g. the threshold with the largest margin also has the largest net
            message = message() if callable(message) else message
            checker(name, trap)
            assert f"not yet. {message}" in capsys.readouterr().out, f"{chapter} {name}: trap {trap}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_student_copy_is_up_to_date(master, tmp_path):
    fresh = ex.make_student_copy(master, tmp_path / master.name).read_bytes()
    committed = ex.student_path(master)
    assert committed.is_file(), f"missing {committed}: run `make students`"
    assert committed.read_bytes() == fresh, f"{committed} is stale: run `make students`, never edit it"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_student_copy_gives_no_answer_away(master):
    """Explanations ("**Why b.**", "**Why this number.**") are tagged solution-only in the master,
    so the student copy never shows them; every master hides at least its explanations."""
    nb = nbformat.read(ex.student_path(master), as_version=4)
    shown = [c.source.splitlines()[0] for c in nb.cells
             if c.cell_type == "markdown" and c.source.lstrip().startswith("**Why")]
    assert not shown, f"{master.parent.name}: the student copy shows explanations {shown}: tag them solution-only"
    master_nb = nbformat.read(master, as_version=4)
    tags = {t for c in master_nb.cells for t in c.metadata.get("tags", [])}
    assert tags & {"solution", "solution-only"}, f"{master.name} tags no cell solution or solution-only"


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

"""Checks, hints and generated student copies for the exercise notebooks.

Each chapter's exercises live in one **master** notebook, ``exercises/NN-name/NN-name.ipynb``:
questions, solutions (cells tagged ``solution``) and a check after each question. The checks
live in ``exercises/NN-name/checks.py``, which defines ``checker = Checker("NN-name")``. The
**student copy** ``exercises/NN-name/student/NN-name.ipynb`` is generated from the master by
``python -m relmkt_lib.exercises build``; ``... check`` exits with 1 if a copy is out of date.

A check prints one line. With ``RELMKT_STRICT_CHECKS=1`` (set by the tests) a wrong answer, or
one left as the placeholder ``...``, raises :class:`ExerciseCheckError` (an AssertionError).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import numbers
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import ExerciseCheckError

__all__ = [
    "STRICT_ENV", "EXERCISES_ENV", "ExerciseCheckError", "Verdict", "CheckResult", "Checker",
    "strict_mode", "approx", "same_choice", "same_frame", "exercises_dir", "load_checks",
    "find_masters", "student_path", "student_copy_text", "make_student_copy",
    "build_student_copies", "stale_student_copies", "main",
]

STRICT_ENV = "RELMKT_STRICT_CHECKS"
EXERCISES_ENV = "RELMKT_EXERCISES"
_ICONS = {"correct": "✅", "not yet": "❌", "not answered": "⏳"}


def strict_mode() -> bool:
    """True when the environment variable ``RELMKT_STRICT_CHECKS`` is 1, true, yes or on."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison: ``ok`` and an optional extra hint; truthy when ``ok`` is."""

    ok: bool
    hint: str = ""

    def __bool__(self) -> bool:
        return bool(self.ok)


@dataclass(frozen=True)
class CheckResult:
    """What a check found; ``status`` is "correct", "not yet" or "not answered"."""

    question: str
    status: str
    message: str = field(repr=False)

    @property
    def passed(self) -> bool:
        """True when the answer is correct."""
        return self.status == "correct"

    def _ipython_display_(self) -> None:
        """Display nothing in a notebook: the check already printed its line (tidy outputs)."""


def _kind(x: Any) -> str:
    """Name the type of ``x`` the way a learner would say it."""
    kinds = [(pd.DataFrame, "a DataFrame"), (pd.Series, "a Series"), ((bool, np.bool_), "True/False"),
             (numbers.Number, "a number"), (str, "a text (str)"), (type(None), "None")]
    return next((name for cls, name in kinds if isinstance(x, cls)), f"a {type(x).__name__}")


def approx(answer: Any, expected: float, *, rel_tol: float = 1e-6, abs_tol: float = 0.0) -> Verdict:
    """Compare a numeric answer with ``expected`` within a tolerance (as ``math.isclose``).

    An answer that is not a single number gives a "not yet" whose hint names what was
    expected, never an error.

    >>> approx(0.6049, 0.6, abs_tol=0.005).ok
    True
    >>> approx(pd.DataFrame({"x": [1]}), 1).hint
    'Expected a single number, got a DataFrame. It holds one value: take it out with .item().'
    """
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        one = isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1
        extra = " It holds one value: take it out with .item()." * one
        extra += " Remove the quotes." * isinstance(answer, str)
        return Verdict(False, f"Expected a single number, got {_kind(answer)}.{extra}")
    if math.isnan(float(answer)):
        return Verdict(False, "Your answer is NaN (not a number): look for missing values.")
    return Verdict(math.isclose(float(answer), float(expected), rel_tol=rel_tol, abs_tol=abs_tol))


def same_choice(answer: Any, expected: str | Iterable[str], *,
                choices: Iterable[str] | None = None) -> Verdict:
    """Compare a multiple-choice answer with the expected one(s), ignoring case and brackets.

    ``expected`` is one accepted answer or several; ``choices`` (optional) lists the valid
    options, so that an answer outside them gets a hint listing them.

    >>> same_choice(" B) ", "b").ok
    True
    >>> same_choice("d", "b", choices="abc").hint
    "Choose one of 'a', 'b', 'c'."
    """
    options = [str(c) for c in choices] if choices is not None else []
    if not isinstance(answer, str):
        example = repr(options[0]) if options else "'a'"
        return Verdict(False, f"Expected a text answer in quotes, like {example}, got {_kind(answer)}.")
    def norm(text: str) -> str:
        return " ".join(text.strip().strip("()[].:;,!'\" ").lower().split())

    accepted = {norm(e) for e in ([expected] if isinstance(expected, str) else expected)}
    if options and norm(answer) not in {norm(o) for o in options}:
        return Verdict(False, "Choose one of " + ", ".join(repr(o) for o in options) + ".")
    return Verdict(norm(answer) in accepted)


def same_frame(answer: Any, expected: pd.DataFrame | pd.Series, *, rel_tol: float = 1e-6) -> Verdict:
    """Compare a DataFrame or Series answer with ``expected``: columns, rows and values.

    Dtypes and names are not compared; numbers are compared within ``rel_tol``.

    >>> want = pd.DataFrame({"n": [1, 2]})
    >>> same_frame(pd.DataFrame({"n": [1.0, 2.0]}), want).ok
    True
    >>> same_frame(pd.DataFrame({"m": [1, 2]}), want).hint
    "Missing column(s) ['n']. Unexpected column(s) ['m']."
    """
    if _kind(answer) != _kind(expected):
        return Verdict(False, f"Expected {_kind(expected)}, got {_kind(answer)}.")
    if isinstance(expected, pd.DataFrame):
        missing = [c for c in expected.columns if c not in answer.columns]
        extra = [c for c in answer.columns if c not in expected.columns]
        if missing or extra:
            hint = f"Missing column(s) {missing}. " if missing else ""
            return Verdict(False, (hint + (f"Unexpected column(s) {extra}." if extra else "")).strip())
    if len(answer) != len(expected):
        return Verdict(False, f"Expected {len(expected)} rows, got {len(answer)}.")
    frame = isinstance(expected, pd.DataFrame)
    try:
        (pd.testing.assert_frame_equal if frame else pd.testing.assert_series_equal)(
            answer, expected, check_dtype=False, check_exact=False, rtol=rel_tol, check_names=False,
            check_index_type=False)
    except (AssertionError, TypeError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or ["the values differ"])[0]
        return Verdict(False, f"Not the same table: {first}.")
    return Verdict(True)


def _as_verdict(outcome: Any) -> Verdict:
    if isinstance(outcome, tuple) and len(outcome) == 2:
        return Verdict(bool(outcome[0]), str(outcome[1] or ""))
    return outcome if isinstance(outcome, Verdict) else Verdict(bool(outcome))


class Checker:
    """The checks of one chapter's exercises, registered with :meth:`question`.

    Parameters
    ----------
    chapter : str
        The exercise folder's name, such as ``"00-welcome"``.
    strict : bool, optional
        Raise on a check that does not pass; by default (None) when ``RELMKT_STRICT_CHECKS=1``.

    Examples
    --------
    >>> checker = Checker("00-demo", strict=False)
    >>> @checker.question("q1", hint="Add the two numbers.")
    ... def _(answer):
    ...     return approx(answer, 2 + 2)
    >>> result = checker("q1", 4)
    ✅ q1: correct.
    >>> result = checker("q1", "5")
    ❌ q1: not yet. Expected a single number, got a text (str). Remove the quotes. Hint: Add the two numbers.
    >>> checker("q1", ...).status
    ⏳ q1: not answered yet — replace the ... with your answer.
    'not answered'
    """

    def __init__(self, chapter: str, strict: bool | None = None) -> None:
        self.chapter = chapter
        self.strict = strict
        self._questions: dict[str, tuple[str, Callable[[Any], Any]]] = {}

    @property
    def questions(self) -> tuple[str, ...]:
        """The registered question names, in the order they were added."""
        return tuple(self._questions)

    def question(self, name: str, *, hint: str = "") -> Callable[[Callable], Callable]:
        """Register the decorated function, ``f(answer) -> bool | Verdict | (ok, extra_hint)``.

        ``hint`` is shown whenever the answer to question ``name`` is not yet right.
        """
        if name in self._questions:
            raise ValueError(f"question {name!r} is registered twice in {self.chapter}; rename one")

        def register(test: Callable[[Any], Any]) -> Callable[[Any], Any]:
            self._questions[name] = (hint, test)
            return test

        return register

    def check(self, name: str, answer: Any) -> CheckResult:
        """Check ``answer`` to question ``name``: print one line, return a :class:`CheckResult`.

        In strict mode a result other than "correct" raises :class:`ExerciseCheckError`.
        Calling the checker itself, ``checker(name, answer)``, does the same.
        """
        if name not in self._questions:
            raise ValueError(f"{self.chapter} has no question {name!r}; it has {list(self._questions)}")
        (hint, test), cause = self._questions[name], None
        if answer is Ellipsis:
            status = "not answered"
            line = f"{_ICONS[status]} {name}: not answered yet — replace the ... with your answer."
        else:
            try:
                verdict = _as_verdict(test(answer))
            except Exception as exc:  # a wrong answer must never crash the learner's notebook
                text = (str(exc).strip().splitlines() or [""])[0][:120]
                cause, verdict = exc, Verdict(False, f"The check could not use your answer, which is "
                                                     f"{_kind(answer)} ({type(exc).__name__}: {text}).")
            status = "correct" if verdict.ok else "not yet"
            parts = ["correct."] if verdict.ok else ["not yet.", verdict.hint, f"Hint: {hint}" * bool(hint)]
            line = f"{_ICONS[status]} {name}: " + " ".join(p for p in parts if p)
        print(line)
        result = CheckResult(name, status, line)
        if (strict_mode() if self.strict is None else self.strict) and not result.passed:
            raise ExerciseCheckError(f"[{self.chapter}] {line}") from cause
        return result

    __call__ = check


def exercises_dir() -> Path:
    """The ``exercises/`` folder: ``$RELMKT_EXERCISES`` if set, else the one beside ``relmkt_lib``."""
    env = os.environ.get(EXERCISES_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "exercises"


def load_checks(chapter: str, root: str | Path | None = None) -> Checker:
    """Import ``<chapter>/checks.py`` by its path and return its ``checker``.

    The file is looked for under ``root`` if given; else in the working folder when it is the
    chapter's folder or its ``student/`` subfolder (a notebook runs in its own folder); else
    under :func:`exercises_dir`. The master and the student copy use the same line::

        check = load_checks("00-welcome")
    """
    near = [p / "checks.py" for p in (Path.cwd(), Path.cwd().parent) if p.name == chapter and root is None]
    candidates = [*near, Path(root or exercises_dir()) / chapter / "checks.py"]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        tried = ", ".join(map(str, candidates))
        raise FileNotFoundError(f"no checks.py for chapter {chapter!r} (looked for {tried}); open the "
                                f"notebook from its folder, or set {EXERCISES_ENV} to the exercises folder")
    spec = importlib.util.spec_from_file_location("relmkt_checks_" + re.sub(r"\W", "_", chapter), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not isinstance(getattr(module, "checker", None), Checker):
        raise TypeError(f"{path} must define checker = Checker({chapter!r})")
    return module.checker


def find_masters(root: str | Path | None = None) -> list[Path]:
    """Every master ``NN-name/NN-name.ipynb`` under ``root`` (default :func:`exercises_dir`), sorted."""
    root = Path(root) if root is not None else exercises_dir()
    return sorted(p for p in root.glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb") if p.stem == p.parent.name)


def student_path(master: str | Path) -> Path:
    """Where the student copy of ``master`` lives: ``NN-name/student/NN-name.ipynb``."""
    return Path(master).parent / "student" / Path(master).name


_BLOCK = re.compile(r"^([ \t]*)#[ \t]*BEGIN SOLUTION[ \t]*\n.*?^[ \t]*#[ \t]*END SOLUTION[ \t]*$",
                    re.M | re.S)
_TARGET = r"[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?"  # a name, attribute or subscript: n, df.x, d["k"]
_ASSIGN = rf"(?:((?:{_TARGET}[ \t]*,[ \t]*)*{_TARGET})[ \t]*=(?!=))?"  # "n =", "a, b =" or nothing
_LINE = re.compile(rf"^([ \t]*){_ASSIGN}.*#[ \t]*SOLUTION[ \t]*$", re.M)
_MARKER = re.compile(r"#[ \t]*(BEGIN |END )?SOLUTION[ \t]*$", re.M)
STUDENT_MARKDOWN = "*Write your answer here.*"


def _strip_solution(source: str, where: str) -> str:
    """Replace ``# BEGIN/END SOLUTION`` blocks and ``# SOLUTION`` lines by placeholders."""
    student, blocks = _BLOCK.subn(r"\1# your code here", source)
    student, lines = _LINE.subn(lambda m: f"{m[1]}{m[2] + ' = ' if m[2] else ''}...  # your answer", student)
    if _MARKER.search(student):
        raise ValueError(f"{where}: unmatched '# BEGIN SOLUTION' / '# END SOLUTION'; each block needs both")
    if not blocks + lines:
        raise ValueError(f"{where} is tagged 'solution' but has no '# SOLUTION' line or BEGIN/END block")
    return student


def student_copy_text(master_path: str | Path) -> str:
    """Return the exact text of the student copy generated from ``master_path``.

    Cells tagged ``solution-only`` are dropped. In code cells tagged ``solution``, a line
    ending in ``# SOLUTION`` becomes ``name = ...  # your answer`` and a block between
    ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes ``# your code here``; a markdown cell
    tagged ``solution`` becomes "*Write your answer here.*". Outputs, execution counts and
    metadata other than tags are dropped, so one master always gives the same text. A
    solution marker in an untagged code cell is an error, since it would leak the solution.
    """
    import nbformat  # imported here: notebooks that only run checks do not need it

    master_path = Path(master_path)
    raw = json.loads(master_path.read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    cells = []
    for index, (cell, raw_cell) in enumerate(zip(nb.cells, raw.get("cells", []))):
        tags = list(cell.get("metadata", {}).get("tags", []))
        where = f"{master_path.name}, cell {index + 1}"
        if "solution-only" in tags:
            continue
        source = cell.source
        if "solution" in tags:
            source = STUDENT_MARKDOWN if cell.cell_type == "markdown" else _strip_solution(source, where)
        elif cell.cell_type == "code" and _MARKER.search(source):
            raise ValueError(f"{where} has a solution marker but is not tagged 'solution'; tag the cell")
        # keep the master's cell id (or derive one) so that the output is the same every time
        digest = hashlib.sha1(f"{index}\n{cell.source}".encode()).hexdigest()[:8]
        kept = [t for t in tags if t not in {"solution", "solution-only"}]
        extra = {"id": raw_cell.get("id") or digest, "metadata": {"tags": kept} if kept else {}}
        if cell.cell_type == "markdown" and "attachments" in cell and "solution" not in tags:
            extra["attachments"] = cell.attachments
        cells.append(getattr(nbformat.v4, f"new_{cell.cell_type}_cell")(source, **extra))
    python3 = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata = {"kernelspec": nb.metadata.get("kernelspec", python3), "language_info": {"name": "python"}}
    student = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    student.nbformat_minor = max(5, nb.nbformat_minor)
    text = nbformat.writes(student)
    return text if text.endswith("\n") else text + "\n"


def make_student_copy(master_path: str | Path, student_path: str | Path) -> Path:
    """Write the student copy of ``master_path`` (see :func:`student_copy_text`) to ``student_path``."""
    target = Path(student_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(student_copy_text(master_path), encoding="utf-8", newline="\n")
    return target


def build_student_copies(root: str | Path | None = None) -> list[Path]:
    """Regenerate the student copy of every master under ``root``; return the paths written."""
    return [make_student_copy(m, student_path(m)) for m in find_masters(root)]


def stale_student_copies(root: str | Path | None = None) -> list[Path]:
    """The student copies under ``root`` that are missing or differ from what their master gives."""
    return [student_path(m) for m in find_masters(root)
            if not student_path(m).is_file()
            or student_path(m).read_bytes() != student_copy_text(m).encode("utf-8")]


def main(argv: list[str] | None = None) -> int:
    """build: regenerate every student copy; check: exit 1 if one is missing or out of date."""
    parser = argparse.ArgumentParser(prog="python -m relmkt_lib.exercises", description=main.__doc__)
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("--root", help="the exercises folder (default: the repository's exercises/)")
    args = parser.parse_args(argv)
    root = Path(args.root) if args.root else exercises_dir()
    if not find_masters(root):
        print(f"no master notebooks (NN-name/NN-name.ipynb) under {root}", file=sys.stderr)
        return 1
    if args.command == "build":
        print("\n".join(f"wrote {path}" for path in build_student_copies(root)))
        return 0
    stale = stale_student_copies(root)
    if stale:
        print("\n".join(f"stale: {path}" for path in stale), file=sys.stderr)
        print("regenerate with: python -m relmkt_lib.exercises build (or: make students)", file=sys.stderr)
        return 1
    print(f"student copies up to date: {len(find_masters(root))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Checks, hints and generated student copies for the exercise notebooks.

Each chapter's exercises live in one **master** notebook, ``exercises/NN-name/NN-name.ipynb``:
questions, solutions (cells tagged ``solution``) and a check after each question. The checks
live in ``exercises/NN-name/checks.py``, which defines ``checker = Checker("NN-name")`` and
declares each question with :meth:`Checker.number` or :meth:`Checker.choice` (or, for anything
else, a function registered with :meth:`Checker.question`). The **student copy**
``exercises/NN-name/student/NN-name.ipynb`` is generated from the master by
``python -m relmkt_lib.exercises build``; ``... check`` exits with 1 if a copy is out of date.

A check prints one line. With ``RELMKT_STRICT_CHECKS=1`` (set by the tests) a wrong answer, or
one left as the placeholder ``...``, raises :class:`ExerciseCheckError` (an AssertionError).
With ``RELMKT_GRADE_LOG=<path>`` (set by the grader, ``python -m relmkt_lib.exercises grade``)
each check also appends one JSON line with its result to that file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import numbers
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._answers import (
    KINDS,
    ExpectedValueError,
    Facts,
    NumberQuestion,
    Verdict,
    approx,
    as_verdict,
    facts,
    kind_of,
    number_verdict,
    resolve,
    same_choice,
    same_frame,
)
from ._grading import GRADE_LOG_ENV, GradeReport, grade_submissions
from ._student_copy import (
    EXERCISES_ENV,
    STUDENT_MARKDOWN,
    build_student_copies,
    exercises_dir,
    find_masters,
    make_student_copy,
    stale_student_copies,
    student_copy_text,
    student_path,
)
from .exceptions import ExerciseCheckError

__all__ = [
    "STRICT_ENV", "EXERCISES_ENV", "STUDENT_MARKDOWN", "KINDS", "ExerciseCheckError", "Verdict", "CheckResult",
    "Checker", "Facts", "facts", "strict_mode", "approx", "same_choice", "same_frame", "exercises_dir",
    "load_checks", "find_masters", "student_path", "student_copy_text", "make_student_copy",
    "build_student_copies", "stale_student_copies", "GRADE_LOG_ENV", "GradeReport", "grade_submissions", "main",
]

STRICT_ENV = "RELMKT_STRICT_CHECKS"
_ICONS = {"correct": "✅", "not yet": "❌", "not answered": "⏳"}


def strict_mode() -> bool:
    """True when the environment variable ``RELMKT_STRICT_CHECKS`` is 1, true, yes or on."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


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


class Checker:
    """The checks of one chapter's exercises, declared with :meth:`number` and :meth:`choice`.

    Parameters
    ----------
    chapter : str
        The exercise folder's name, such as ``"00-welcome"``.
    strict : bool, optional
        Raise on a check that does not pass; by default (None) when ``RELMKT_STRICT_CHECKS=1``.

    Examples
    --------
    >>> checker = Checker("00-demo", strict=False)
    >>> checker.number("q1", lambda: 2 / 3, kind="share", shown_decimals=3, hint="Divide 2 by 3.",
    ...                traps=[(1.5, "That is 3 / 2.")])
    >>> result = checker("q1", 0.667)
    ✅ q1: correct.
    >>> result = checker("q1", 66.7)
    ❌ q1: not yet. That looks like a percentage: give the share between 0 and 1 (divide by 100). Hint: Divide 2 by 3.
    >>> result = checker("q1", "0.667")
    ❌ q1: not yet. Expected a single number, got a text (str). Remove the quotes. Hint: Divide 2 by 3.
    >>> checker.expected("q1")
    (0.6666666666666666, 3)
    >>> checker.choice("q2", "b", choices="abc", why_not={"a": "Too strong."})
    >>> result = checker("q2", "A")
    ❌ q2: not yet. Too strong.
    >>> checker("q2", ...).status
    ⏳ q2: not answered yet — replace the ... with your answer.
    'not answered'
    """

    def __init__(self, chapter: str, *, strict: bool | None = None) -> None:
        self.chapter = chapter
        self.strict = strict
        self._questions: dict[str, tuple[str, Callable[[Any], Any]]] = {}
        self._numbers: dict[str, NumberQuestion] = {}

    @property
    def questions(self) -> tuple[str, ...]:
        """The registered question names, in the order they were added."""
        return tuple(self._questions)

    @property
    def number_questions(self) -> tuple[str, ...]:
        """The names of the numeric questions (declared with :meth:`number`), in order."""
        return tuple(self._numbers)

    def question(self, name: str, *, hint: str = "") -> Callable[[Callable], Callable]:
        """Register the decorated function, ``f(answer) -> bool | Verdict | (ok, extra_hint)``.

        ``hint`` is shown whenever the answer to question ``name`` is not yet right. Prefer
        :meth:`number` and :meth:`choice`, which apply the house rules; use this for the rest.
        """
        if name in self._questions:
            raise ValueError(f"question {name!r} is registered twice in {self.chapter}; rename one")

        def register(test: Callable[[Any], Any]) -> Callable[[Any], Any]:
            self._questions[name] = (hint, test)
            return test

        return register

    def number(self, name: str, expected: Any, *, shown_decimals: int | None = None, kind: str = "number",
               hint: str = "", traps: Sequence[tuple[Any, Any]] = ()) -> None:
        """Declare a question whose answer is one number.

        Parameters
        ----------
        name : str
            The question's name, such as ``"q1"``.
        expected : float or callable
            The right answer, or a zero-argument callable that computes it (run when the
            question is first checked, so that data load lazily; see :func:`facts`).
        shown_decimals : int
            The precision the notebook shows for this number. An answer passes when it is at
            most half a unit of that last decimal away from ``expected``, so the displayed,
            rounded value passes. Required, except for ``kind="count"`` (0 by default).
        kind : str
            One of :data:`KINDS`. "share" and "share_difference" (between -1 and 1) and
            "change" (0.05 for +5 %) catch a percentage given instead (x100); "percent" and
            "points" catch a share given instead (/100); shares catch a count, counts a share.
        hint : str
            Shown whenever the answer is not yet right.
        traps : sequence of (value, message)
            Known wrong answers (values or callables), each with its own message (a str or a
            callable returning one); an answer that rounds like a trap gets its message.

        An answer that is the right value rounded to fewer decimals than shown is told to keep
        ``shown_decimals`` decimals.
        """
        if kind not in KINDS:
            raise ValueError(f"{self.chapter} {name}: kind must be one of {list(KINDS)}, got {kind!r}")
        if shown_decimals is None and kind != "count":
            raise ValueError(f"{self.chapter} {name}: give shown_decimals, the precision the notebook shows")
        decimals = 0 if shown_decimals is None else shown_decimals
        if not isinstance(decimals, numbers.Integral) or decimals < 0:
            raise ValueError(f"{self.chapter} {name}: shown_decimals must be an integer >= 0, got {decimals!r}")
        spec = NumberQuestion(expected, int(decimals), kind, tuple((value, msg) for value, msg in traps))
        self.question(name, hint=hint)(lambda answer: number_verdict(answer, spec))
        self._numbers[name] = spec

    def choice(self, name: str, correct: Any, *, choices: Iterable[str] | Callable[[], Iterable[str]] = "abcd",
               hint: str = "", why_not: Mapping[str, str] | None = None) -> None:
        """Declare a multiple-choice question: ``correct`` is the right option (or a callable giving it).

        ``choices`` lists the valid options (a string of letters, or names); ``why_not`` maps a
        wrong option to the message it gets. Answers ignore case, spaces and brackets.
        """
        why_not = dict(why_not or {})
        options = None if callable(choices) else [str(c) for c in choices]
        wrong = [o for o in [*why_not, *([] if callable(correct) else [correct])] if options and o not in options]
        if wrong:
            raise ValueError(f"{self.chapter} {name}: options {wrong} are not among the choices {options}")

        def test(answer: Any) -> Verdict:
            verdict = same_choice(answer, resolve(correct), choices=resolve(choices))
            if verdict or verdict.hint:
                return verdict
            return next((Verdict(False, why) for option, why in why_not.items() if same_choice(answer, option)),
                        verdict)

        self.question(name, hint=hint)(test)

    def expected(self, name: str) -> tuple[Any, int]:
        """``(value, shown_decimals)`` of the numeric question ``name``; the value is computed now."""
        if name not in self._numbers:
            raise ValueError(f"{name!r} is not a numeric question of {self.chapter}; "
                             f"its numeric questions are {list(self._numbers)}")
        spec = self._numbers[name]
        return resolve(spec.expected), spec.shown_decimals

    def check(self, name: str, answer: Any) -> CheckResult:
        """Check ``answer`` to question ``name``: print one line, return a :class:`CheckResult`.

        In strict mode a result other than "correct" raises :class:`ExerciseCheckError`.
        Calling the checker itself, ``checker(name, answer)``, does the same. A wrong answer
        never raises otherwise; an expected value that cannot be computed (a broken dataset or
        check) raises RuntimeError, since the answer is not to blame.
        """
        if name not in self._questions:
            raise ValueError(f"{self.chapter} has no question {name!r}; it has {list(self._questions)}")
        (hint, test), cause = self._questions[name], None
        if answer is Ellipsis:
            status = "not answered"
            line = f"{_ICONS[status]} {name}: not answered yet — replace the ... with your answer."
        else:
            try:
                verdict = as_verdict(test(answer))
            except ExpectedValueError as exc:
                raise RuntimeError(f"[{self.chapter}] the check of {name} could not compute its expected "
                                   f"answer ({exc}); the checks or the data need fixing") from exc.__cause__
            except Exception as exc:  # a wrong answer must never crash the learner's notebook
                text = (str(exc).strip().splitlines() or [""])[0][:120]
                cause, verdict = exc, Verdict(False, f"The check could not use your answer, which is "
                                                     f"{kind_of(answer)} ({type(exc).__name__}: {text}).")
            status = "correct" if verdict.ok else "not yet"
            parts = ["correct."] if verdict.ok else ["not yet.", verdict.hint, f"Hint: {hint}" * bool(hint)]
            line = f"{_ICONS[status]} {name}: " + " ".join(p for p in parts if p)
        print(line)
        result = CheckResult(name, status, line)
        log = os.environ.get(GRADE_LOG_ENV)
        if log:  # the grader collects every check's result (one JSON line each)
            with open(log, "a", encoding="utf-8") as f:
                f.write(json.dumps({"chapter": self.chapter, "question": name, "status": status}) + "\n")
        if (strict_mode() if self.strict is None else self.strict) and not result.passed:
            raise ExerciseCheckError(f"[{self.chapter}] {line}") from cause
        return result

    __call__ = check


def load_checks(chapter: str, *, root: str | Path | None = None) -> Checker:
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


def main(argv: list[str]) -> int:
    """build: regenerate every student copy; check: exit 1 if one is missing or out of date;
    grade SUBMISSIONS_DIR: run and grade every submitted notebook (exit 0 when it ran, 2 on a usage error)."""
    parser = argparse.ArgumentParser(prog="python -m relmkt_lib.exercises", description=main.__doc__)
    parser.add_argument("command", choices=["build", "check", "grade"])
    parser.add_argument("submissions", nargs="?", help="grade: the folder of submitted student notebooks")
    parser.add_argument("--root", help="the exercises folder (default: the repository's exercises/)")
    parser.add_argument("--timeout", type=float, default=120, help="grade: seconds allowed per notebook (120)")
    parser.add_argument("--out", help="grade: where to write grades.csv and summary.csv (default: SUBMISSIONS_DIR)")
    args = parser.parse_args(argv)
    root = Path(args.root) if args.root else exercises_dir()
    if args.command == "grade":
        return _grade_command(parser, args, root)
    if args.submissions is not None:
        parser.error(f"{args.command} takes no folder (got {args.submissions!r}); only grade does")
    if not find_masters(root=root):
        print(f"no master notebooks (NN-name/NN-name.ipynb) under {root}", file=sys.stderr)
        return 1
    if args.command == "build":
        print("\n".join(f"wrote {path}" for path in build_student_copies(root=root)))
        return 0
    stale = stale_student_copies(root=root)
    if stale:
        print("\n".join(f"stale: {path}" for path in stale), file=sys.stderr)
        print("regenerate with: python -m relmkt_lib.exercises build (or: make students)", file=sys.stderr)
        return 1
    print(f"student copies up to date: {len(find_masters(root=root))}")
    return 0


def _grade_command(parser: argparse.ArgumentParser, args: argparse.Namespace, root: Path) -> int:
    """Run ``grade``: print the summary table; usage errors exit with 2 (through ``parser.error``)."""
    if args.submissions is None:
        parser.error("grade needs the folder of submissions: grade SUBMISSIONS_DIR [--timeout S] [--out DIR]")
    try:
        report = grade_submissions(args.submissions, root=root, timeout=args.timeout, out_dir=args.out)
    except ValueError as exc:
        parser.error(str(exc))
    import pandas as pd  # imported here: build and check do not need it

    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(report.summary.to_string(index=False))
    print("\n".join(f"wrote {path}" for path in report.paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

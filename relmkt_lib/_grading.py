"""The grader of submitted student notebooks (partner of :mod:`relmkt_lib.exercises`).

``python -m relmkt_lib.exercises grade SUBMISSIONS_DIR`` calls :func:`grade_submissions`: every
``*.ipynb`` in the folder is a student's copy of one chapter's exercises. Its check lines are
compared with the current student copy (a notebook whose checks were changed is refused, not
run); the others run headless, each in a temporary folder with its own time limit, and every
check writes its result to a log (``RELMKT_GRADE_LOG``) that gives the passes per question.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._student_copy import EXERCISES_ENV, exercises_dir

__all__ = ["GRADE_LOG_ENV", "GradeReport", "grade_submissions", "check_lines"]

#: The environment variable naming the file where each check appends one JSON line (set by the grader).
GRADE_LOG_ENV = "RELMKT_GRADE_LOG"

_LOAD = re.compile(r"""^\s*check\s*=\s*load_checks\(\s*["']([^"']+)["']\s*\)\s*$""", re.M)
_CHECK_CALL = re.compile(r"""^\s*(?:[\w.]+\s*=\s*)?check\(\s*["'](\w+)["']""")
_REBIND = re.compile(r"""(?:^|[^\w.])check\s*=(?!=)|\bdef\s+check\b|\bas\s+check\b""")


@dataclass(frozen=True)
class GradeReport:
    """What :func:`grade_submissions` found.

    Attributes
    ----------
    per_question : pandas.DataFrame
        One row per student notebook and question: notebook, chapter, question, status (the
        check's "correct", "not yet", "not answered", or "not run"), passed (bool).
    summary : pandas.DataFrame
        One row per student notebook: notebook, chapter, passed, total, status ("graded",
        "refused: check cells changed", "error: ..." or "timeout"), seconds.
    paths : tuple of Path
        The files written: ``grades.csv`` and ``summary.csv``.
    """

    per_question: Any
    summary: Any
    paths: tuple[Path, ...]


def _code_sources(nb: Any) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def check_lines(sources: list[str]) -> list[list[str]]:
    """The check lines of every check cell, in order: the ``load_checks`` line and each ``check(...)`` call.

    A check cell is a code cell with such a line; its other lines (the learner's answer) are free.

    Examples
    --------
    >>> check_lines(['check = load_checks("00-welcome")', 'n = 3\\ncheck("q1", n)', 'print(1)'])
    [['check = load_checks("00-welcome")'], ['check("q1", n)']]
    """
    cells = []
    for source in sources:
        lines = [line.strip() for line in source.splitlines() if _LOAD.match(line) or _CHECK_CALL.match(line)]
        if lines:
            cells.append(lines)
    return cells


def _tampered(sources: list[str], reference: list[str]) -> bool:
    """True when the check cells differ from the student copy's, or ``check`` is redefined elsewhere."""
    if check_lines(sources) != check_lines(reference):
        return True
    for source in sources:
        for line in source.splitlines():
            code = line.split("#", 1)[0]
            if not _LOAD.match(line) and not _CHECK_CALL.match(line) and _REBIND.search(code):
                return True
    return False


def _run(nb: Any, *, log: Path, root: Path, workdir: Path, timeout: float) -> tuple[str, float]:
    """Execute ``nb`` headless in ``workdir``; return its status and the seconds it took."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.perf_counter()
    deadline = start + timeout
    env = {k: v for k, v in os.environ.items() if k not in {"RELMKT_STRICT_CHECKS", GRADE_LOG_ENV}}
    env.update({GRADE_LOG_ENV: str(log), EXERCISES_ENV: str(root), "MPLBACKEND": "Agg"})
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, record_timing=False,
                            timeout_func=lambda cell: max(1, int(deadline - time.perf_counter()) + 1),
                            startup_timeout=max(10, int(timeout)),
                            resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(env=env)
    except (CellTimeoutError, TimeoutError):
        return "timeout", time.perf_counter() - start
    except DeadKernelError as exc:
        return f"error: the kernel died ({exc})", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if seconds > timeout:
        return "timeout", seconds
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"error: {output.get('ename', 'Error')} in cell {index + 1}", seconds
    return "graded", seconds


def _questions(sources: list[str]) -> list[str]:
    names = [m[1] for s in sources for line in s.splitlines() if (m := _CHECK_CALL.match(line))]
    return list(dict.fromkeys(names))


def grade_submissions(submissions_dir: str | Path, *, root: str | Path | None = None, timeout: float = 120,
                      out_dir: str | Path | None = None) -> GradeReport:
    """Run and grade every submitted student notebook in ``submissions_dir``.

    Each ``*.ipynb`` there (any file name) is a student's copy of one chapter's exercises; the
    chapter is read from its ``check = load_checks("NN-name")`` line. A notebook whose check
    cells (the ``load_checks`` line and every ``check(...)`` call, cell by cell) differ from the
    current student copy's, or that redefines ``check``, is refused and not run. The others run
    headless with nbclient, one at a time, each in a temporary folder (the submission is never
    changed), with ``RELMKT_STRICT_CHECKS`` unset and ``RELMKT_GRADE_LOG`` set so that every
    check records its result; a cell that raises does not stop the next ones. The notebooks need
    no network; the grader does not sandbox them either: run only notebooks from your students.

    Parameters
    ----------
    submissions_dir : str or Path
        The folder of submitted notebooks.
    root : str or Path, optional
        The exercises folder holding the chapters' ``checks.py`` and student copies; by default
        :func:`relmkt_lib.exercises.exercises_dir`.
    timeout : float
        Seconds allowed per notebook (kernel start included); a notebook that takes longer is
        stopped and its status is "timeout".
    out_dir : str or Path, optional
        Where ``grades.csv`` (per student and question) and ``summary.csv`` (per student) are
        written; by default ``submissions_dir``.

    Returns
    -------
    GradeReport
        ``per_question`` and ``summary`` tables and the paths written.
    """
    import nbformat
    import pandas as pd

    folder = Path(submissions_dir)
    if not folder.is_dir():
        raise ValueError(f"submissions folder {str(folder)!r} does not exist or is not a folder; "
                         f"give the folder that holds the students' .ipynb files")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    root = Path(root) if root is not None else exercises_dir()
    submissions = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if not submissions:
        raise ValueError(f"no notebooks (*.ipynb) in {str(folder)!r}; put the students' notebooks there")
    out = Path(out_dir) if out_dir is not None else folder

    rows, summary = [], []
    for path in submissions:
        chapter, questions, results, seconds = "", [], {}, 0.0
        try:
            nb = nbformat.read(path, as_version=4)
            sources = _code_sources(nb)
            found = [m[1] for s in sources if (m := _LOAD.search(s))]
            chapter = found[0] if found else ""
            reference = root / chapter / "student" / f"{chapter}.ipynb"
            if not chapter:
                status = "refused: check cells changed"  # no load_checks line: not a student copy
            elif not reference.is_file():
                status = f"error: unknown chapter {chapter!r} (no student copy {reference})"
            else:
                ref_sources = _code_sources(nbformat.read(reference, as_version=4))
                questions = _questions(ref_sources)
                if _tampered(sources, ref_sources):
                    status = "refused: check cells changed"
                else:
                    with tempfile.TemporaryDirectory(prefix="relmkt-grade-") as tmp:
                        log = Path(tmp) / "checks.jsonl"
                        log.touch()
                        status, seconds = _run(nb, log=log, root=root, workdir=Path(tmp), timeout=timeout)
                        for line in log.read_text(encoding="utf-8").splitlines():
                            entry = json.loads(line)
                            if entry.get("chapter") == chapter:
                                results[entry["question"]] = entry["status"]
        except Exception as exc:  # an unreadable notebook is one student's problem, not the whole class's
            status = f"error: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:120]}"
        for question in questions:
            found_status = results.get(question, "not run")
            rows.append({"notebook": path.name, "chapter": chapter, "question": question,
                         "status": found_status, "passed": found_status == "correct"})
        summary.append({"notebook": path.name, "chapter": chapter,
                        "passed": sum(results.get(q) == "correct" for q in questions), "total": len(questions),
                        "status": status, "seconds": round(seconds, 1)})

    per_question = pd.DataFrame(rows, columns=["notebook", "chapter", "question", "status", "passed"])
    per_question["passed"] = per_question["passed"].astype(bool)
    table = pd.DataFrame(summary, columns=["notebook", "chapter", "passed", "total", "status", "seconds"])
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / "grades.csv", out / "summary.csv")
    per_question.to_csv(paths[0], index=False)
    table.to_csv(paths[1], index=False)
    return GradeReport(per_question=per_question, summary=table, paths=paths)

"""The student copies of the exercise masters: where they live, how they are generated.

Each chapter's exercises live in one **master** notebook, ``exercises/NN-name/NN-name.ipynb``;
its **student copy** ``exercises/NN-name/student/NN-name.ipynb`` is generated from it, solutions
replaced by placeholders. The public names are re-exported by :mod:`relmkt_lib.exercises`, whose
command line (``python -m relmkt_lib.exercises build|check``) calls them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

__all__ = [
    "EXERCISES_ENV", "STUDENT_MARKDOWN", "exercises_dir", "find_masters", "student_path", "student_copy_text",
    "make_student_copy", "build_student_copies", "stale_student_copies",
]

#: The environment variable that points to another exercises folder.
EXERCISES_ENV = "RELMKT_EXERCISES"
#: What a markdown cell tagged ``solution`` becomes in the student copy.
STUDENT_MARKDOWN = "*Write your answer here.*"

_BLOCK = re.compile(r"^([ \t]*)#[ \t]*BEGIN SOLUTION[ \t]*\n.*?^[ \t]*#[ \t]*END SOLUTION[ \t]*$",
                    re.M | re.S)
_TARGET = r"[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?"  # a name, attribute or subscript: n, df.x, d["k"]
_ASSIGN = rf"(?:((?:{_TARGET}[ \t]*,[ \t]*)*{_TARGET})[ \t]*=(?!=))?"  # "n =", "a, b =" or nothing
_LINE = re.compile(rf"^([ \t]*){_ASSIGN}.*#[ \t]*SOLUTION[ \t]*$", re.M)
_MARKER = re.compile(r"#[ \t]*(BEGIN |END )?SOLUTION[ \t]*$", re.M)


def exercises_dir() -> Path:
    """The ``exercises/`` folder: ``$RELMKT_EXERCISES`` if set, else the one beside ``relmkt_lib``."""
    env = os.environ.get(EXERCISES_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "exercises"


def find_masters(*, root: str | Path | None = None) -> list[Path]:
    """Every master ``NN-name/NN-name.ipynb`` under ``root`` (default :func:`exercises_dir`), sorted."""
    root = Path(root) if root is not None else exercises_dir()
    return sorted(p for p in root.glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb") if p.stem == p.parent.name)


def student_path(master: str | Path) -> Path:
    """Where the student copy of ``master`` lives: ``NN-name/student/NN-name.ipynb``."""
    return Path(master).parent / "student" / Path(master).name


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


def build_student_copies(*, root: str | Path | None = None) -> list[Path]:
    """Regenerate the student copy of every master under ``root``; return the paths written."""
    return [make_student_copy(m, student_path(m)) for m in find_masters(root=root)]


def stale_student_copies(*, root: str | Path | None = None) -> list[Path]:
    """The student copies under ``root`` that are missing or differ from what their master gives."""
    return [student_path(m) for m in find_masters(root=root)
            if not student_path(m).is_file()
            or student_path(m).read_bytes() != student_copy_text(m).encode("utf-8")]

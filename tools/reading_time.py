"""Estimate each chapter's time, write its "Time" line and the README's course-plan table.

The estimate is deliberately simple and the same for every chapter, so chapters compare fairly:

- reading: 100 words of markdown a minute, 10 non-blank lines of code a minute (read and run),
  and 1.5 minutes per plot (each plot has a paragraph that reads it);
- exercises: 5 minutes per question of the chapter's exercise set (`## Question` headings);
- sections whose `##` (or subsections whose `###`) heading ends with "(optional)" are counted
  apart: they are the cut list an instructor drops to fit a 90-minute session (core reading plus
  exercises at most 90 minutes);
  chapters listed together in ``SESSIONS`` share the sessions given there (00 and 01 share two,
  08 takes two).

Each exercise master's first cell states the exercises' time ("They take about N minutes").

Usage: python tools/reading_time.py            rewrite the Time lines, the masters' lines, the README table
       python tools/reading_time.py --check    exit 1 if one is out of date (used by tests)
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 100
CODE_LINES_PER_MINUTE = 10
MINUTES_PER_PLOT = 1.5
MINUTES_PER_QUESTION = 5
SESSION = 90
# chapters planned together over more than one session; every other chapter has one session
SESSIONS = {("00", "01"): 2, ("08",): 2, ("12",): 2}
TIME_LINE = re.compile(r"^\*\*Time:\*\*.*$", re.M)
MASTER_LINE = re.compile(r"They take about [^.]*\.")
README_START, README_END = "<!-- time-table: start -->", "<!-- time-table: end -->"


@dataclass
class ChapterTime:
    """Estimated minutes of one chapter: core reading, optional sections, exercises."""

    number: str
    title: str
    core: int
    optional: int
    optional_sections: list[str]
    exercises: int

    @property
    def group(self) -> tuple[str, ...]:
        return next((g for g in SESSIONS if self.number in g), (self.number,))

    @property
    def sessions(self) -> int:
        return SESSIONS.get(self.group, 1)

    def line(self) -> str:
        optional = (f" (plus about {self.optional} in the sections marked optional)" if self.optional else "")
        if len(self.group) > 1:
            plan = f"chapters {' and '.join(self.group)} share two 90-minute sessions"
        else:
            plan = "one 90-minute session" if self.sessions == 1 else "two 90-minute sessions"
        return (f"**Time:** about {self.core} minutes of reading{optional} and {self.exercises} minutes of "
                f"exercises: {plan} (the README's course plan).")


def _round5(minutes: float) -> int:
    return max(5, int(5 * math.ceil(minutes / 5 - 1e-9)))


def cell_heading(cell: dict) -> tuple[int, str] | None:
    """(2, title) or (3, title) when a markdown cell opens with a ``##`` or ``###`` heading."""
    if cell["cell_type"] != "markdown":
        return None
    heading = re.match(r"(##|###) (.*)", "".join(cell["source"]))
    return (len(heading.group(1)), heading.group(2).splitlines()[0].strip()) if heading else None


def cell_minutes(cell: dict) -> float:
    """A cell's minutes: its words at WORDS_PER_MINUTE, or its code lines and plots."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return len(source.split()) / WORDS_PER_MINUTE
    lines = [line for line in source.splitlines() if line.strip()]
    plots = sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))
    return len(lines) / CODE_LINES_PER_MINUTE + plots * MINUTES_PER_PLOT


def chapter_time(path: Path) -> ChapterTime:
    """Estimate a chapter's reading time, by core and optional sections, and its exercises' time."""
    nb = json.loads(path.read_text())
    core = optional = 0.0
    sections: list[str] = []
    in_optional = section_optional = False
    for cell in nb["cells"]:
        heading = cell_heading(cell)
        if heading:
            level, title = heading
            if level == 2:
                section_optional = title.endswith("(optional)")
            in_optional = section_optional or (level == 3 and title.endswith("(optional)"))
            if title.endswith("(optional)"):
                sections.append(title)
        minutes = cell_minutes(cell)
        if in_optional:
            optional += minutes
        else:
            core += minutes
    number = path.name[:2]
    masters = list((ROOT / "exercises").glob(f"{number}-*/{number}-*.ipynb"))
    questions = 0
    if masters:
        master = json.loads(masters[0].read_text())
        questions = sum(1 for c in master["cells"]
                        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## Question"))
    title = "".join(nb["cells"][0]["source"]).splitlines()[0].lstrip("# ").split("·", 1)[-1].strip()
    return ChapterTime(number, title, _round5(core), _round5(optional) if optional else 0, sections,
                       MINUTES_PER_QUESTION * questions)


def chapters() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def readme_table(times: list[ChapterTime]) -> str:
    rows = ["| chapter | core reading | optional sections (cut list) | exercises | sessions |", "|---|---|---|---|---|"]
    for t in times:
        cut = "; ".join(s.removesuffix("(optional)").strip() for s in t.optional_sections) or "-"
        extra = f" ({t.optional} min)" if t.optional else ""
        rows.append(f"| {t.number} {t.title} | {t.core} min | {cut}{extra} | {t.exercises} min | {t.sessions} |")
    return "\n".join([README_START, *rows, README_END])


def main(argv: list[str]) -> int:
    if any(a != "--check" for a in argv):
        print(__doc__)
        return 2
    check = "--check" in argv
    times = [chapter_time(p) for p in chapters()]
    stale = []
    for path, t in zip(chapters(), times):
        nb_text = path.read_text()
        nb = json.loads(nb_text)
        for cell in nb["cells"][:3]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and TIME_LINE.search(source):
                new = TIME_LINE.sub(t.line(), source, count=1)
                if new != source:
                    stale.append(path.name)
                    lines = new.split("\n")
                    cell["source"] = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
                break
        else:
            stale.append(f"{path.name} (no **Time:** line in its first cells)")
            continue
        if not check and path.name in stale:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    for group, sessions in [*SESSIONS.items(), *(((t.number,), 1) for t in times if t.group not in SESSIONS)]:
        members = [t for t in times if t.number in group and t.group == group]
        need = sum(t.core + t.exercises for t in members)
        if members and need > SESSION * sessions:
            stale.append(f"chapter(s) {', '.join(group)}: {need} min of core reading and exercises is over "
                         f"{sessions} x {SESSION} min: mark sections (optional)")
    for t in times:  # each exercise master states the same exercise time
        for master in (ROOT / "exercises").glob(f"{t.number}-*/{t.number}-*.ipynb"):
            nb = json.loads(master.read_text())
            cell = nb["cells"][0]
            source = "".join(cell["source"])
            questions = t.exercises // MINUTES_PER_QUESTION
            new = MASTER_LINE.sub(f"They take about {t.exercises} minutes ({questions} questions, about "
                                  f"{MINUTES_PER_QUESTION} minutes each).", source, count=1)
            if not MASTER_LINE.search(source):
                stale.append(f"{master.name} (no 'They take about' line in its first cell)")
            elif new != source:
                stale.append(master.name)
                if not check:
                    lines = new.split("\n")
                    cell["source"] = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
                    master.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < 0:
        stale.append("README.md has no time-table markers")
    else:
        new = text[:start] + readme_table(times) + text[end + len(README_END):]
        if new != text:
            stale.append("README.md")
            if not check:
                readme.write_text(new)
    for t in times:
        print(f"{t.number}  core {t.core:3d}  optional {t.optional:3d}  exercises {t.exercises:3d}  "
              f"sessions {t.sessions} shared with {'+'.join(t.group)}")
    if stale:
        print(("out of date: " if check else "updated: ") + ", ".join(stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

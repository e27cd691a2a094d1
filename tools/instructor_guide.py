"""Write the instructor guide's generated blocks: the course plans and each chapter's page.

The course plans are held here as data: each session lists its parts, and a part is a chapter's
core reading (whole, or some of its "## " sections: ``Sections``, to split a chapter around a
break or spread the capstone's milestones over a term), its optional sections (the cut list),
some of its exercise questions (5 minutes each), or a named activity with its minutes (a break,
a discussion, a midterm). A session's minutes are
computed from the chapters' own "Time" figures (``tools/reading_time.chapter_time``), so the plans
stay true to the chapters; a session over its length is refused.

Each chapter's page ``docs/instructor/chapters/NN-name.md`` gets a generated block (title,
objectives, timing, cut list, exercise questions, three common mistakes taken from the chapter's
``checks.py``); the hand-written sections below the block are never touched. A chapter whose
notebook is missing (the capstone while it is written) is skipped.

Usage: python tools/instructor_guide.py            rewrite the generated blocks
       python tools/instructor_guide.py --check    exit 1 if a block is out of date or a session is too long
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "instructor"
START, END = "<!-- generated: start -->", "<!-- generated: end -->"

_spec = importlib.util.spec_from_file_location("reading_time", ROOT / "tools" / "reading_time.py")
reading_time = sys.modules.setdefault("reading_time", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(reading_time)
chapter_time = reading_time.chapter_time
MINUTES_PER_QUESTION = reading_time.MINUTES_PER_QUESTION


# ---------------------------------------------------------------------------------------------
# The plans, as data.
# A part is ("NN", "core"), ("NN", "optional"), ("NN", "exercises") (every question),
# ("NN", (1, 2, 5)) (those questions), Sections("NN", (titles...)) (some core sections), or
# Activity(name, minutes).


@dataclass(frozen=True)
class Activity:
    name: str
    minutes: int


@dataclass(frozen=True)
class Sections:
    """Some core sections of a chapter, by the start of their "## " titles ("(opening)" is the title cell)."""

    number: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    label: str
    length: int
    parts: tuple
    note: str = ""


@dataclass(frozen=True)
class Plan:
    key: str
    title: str
    sessions: tuple[Session, ...]
    full: tuple[str, ...] = ()  # chapters the plan claims to teach in full (core, optional, every question)
    core: tuple[str, ...] = ()  # chapters whose core reading the plan claims to teach


BREAK = Activity("break", 10)
LONG_BREAK = Activity("break", 15)
ALL_CHAPTERS = tuple(f"{n:02d}" for n in range(13))

# Questions that use an optional section although their titles do not say so (the titles of the others
# end with "(with the optional section ...)").
USES_OPTIONAL: dict[str, tuple[int, ...]] = {}

# Chapter 08's core reading, split at a break after "Who responds".
C08_FIRST = Sections("08", ("(opening)", "Learning objectives", "Why firms", "The simulator", "The selection trap",
                            "What research found", "Who responds"))
C08_SECOND = Sections("08", ("Design trade-offs", "A program or relevant", "A program designer", "Your turn", "Recap",
                             "References"))


def _discuss(chapters: str, minutes: int) -> Activity:
    return Activity(f"discussion: the prompts of {chapters}", minutes)


TERM = Plan("term", "A 13-week term (one 3-hour meeting a week, with a 10-minute break)", (
    Session("Week 1", 180, (Activity("setup check: every laptop runs `make lab` and opens chapter 00", 20),
                            ("00", "core"), ("00", "exercises"), BREAK, ("01", "core"), ("01", (1, 2))),
            "00 and 01 share two sessions, as their Time lines say; students install the kit before week 1"),
    Session("Week 2", 180, (("02", "core"), ("02", "exercises"), BREAK,
                            ("01", (3, 4, 5, 6, 7, 8)), ("01", "optional"), _discuss("00-01", 15), _discuss("02", 10))),
    Session("Week 3", 180, (("03", "core"), ("03", "exercises"), BREAK, ("02", "optional"), ("03", "optional"),
                            Sections("12", ("(opening)", "Learning objectives", "The brief", "A short tour",
                                            "Milestone 1", "How your plan")),
                            ("12", (1, 2))),
            "capstone handed out (brief, rubric); milestone 1 (02-03) assigned, due week 4"),
    Session("Week 4", 180, (("04", "core"), ("04", (1, 2, 4, 5, 6, 7)), BREAK, ("04", "optional"), ("04", (3,)),
                            _discuss("03-04", 20), Activity("exercise catch-up on 00-04", 20)),
            "milestone 1 due; 04's question 3 uses an optional section, so it follows the section"),
    Session("Week 5", 180, (("05", "core"), ("05", "exercises"), BREAK, ("06", "core"), ("06", (1, 2, 3, 4, 6))),
            "06's questions 5, 7 and 8 use optional sections: they follow them in week 6"),
    Session("Week 6", 180, (("07", "core"), ("07", "exercises"), BREAK, ("05", "optional"), ("06", "optional"),
                            ("06", (5, 7, 8)), _discuss("05-06", 15), ("07", "optional"))),
    Session("Week 7", 180, (_discuss("07", 10), Sections("12", ("Milestone 2",)), ("12", (3, 4, 5)),
                            Activity("midterm review: questions from the class", 20), BREAK,
                            Activity("midterm (chapters 00-07)", 90)),
            "milestone 2 (04, 05, 07) assigned, due week 8"),
    Session("Week 8", 180, (C08_FIRST, BREAK, C08_SECOND, ("08", "exercises")),
            "08 takes two sessions, as its Time line says; the break falls after \"Who responds\"; milestone 2 due"),
    Session("Week 9", 180, (("09", "core"), ("09", "exercises"), BREAK, ("08", "optional"), _discuss("08", 15),
                            ("09", "optional"), _discuss("09", 10), Activity("exercise catch-up on 08-09", 20))),
    Session("Week 10", 180, (("10", "core"), ("10", (1, 2, 3, 5, 6, 7)), BREAK, ("10", "optional"), ("10", (4,)),
                             _discuss("10", 10), Sections("12", ("Milestone 3",)), ("12", (6, 7, 8))),
            "10's question 4 uses an optional section; milestone 3 (01, 09, 10) assigned, due week 11"),
    Session("Week 11", 180, (("11", "core"), ("11", (1, 3, 4, 5, 6, 7, 8)), BREAK, ("11", "optional"), ("11", (2,)),
                             _discuss("11", 15), Sections("12", ("Milestone 4",)), ("12", "optional"),
                             ("12", (9, 10, 11)), Activity("capstone milestone work", 20)),
            "11's question 2 uses an optional section; milestone 3 due; milestone 4 (08, 11) assigned, due week 12; "
            "12's optional sections come with milestone 4: its pressure curve is milestone 4's evidence on frequency "
            "(the explorer previews milestone 5: students run milestone 5's worked step first, as the explorer says)"),
    Session("Week 12", 180, (Sections("12", ("Milestone 5", "Across sectors", "Your turn", "Recap", "References")),
                             ("12", (12, 13)), _discuss("12", 15), BREAK,
                             Activity("capstone clinic: write the draft recommendation, peer review with the rubric",
                                      90)),
            "the capstone's two sessions: milestone 5, across sectors and a draft; milestone 4 due"),
    Session("Week 13", 180, (Activity("final presentations", 80), BREAK, Activity("final presentations", 80)),
            "milestone 5 and the written recommendation due"),
), full=ALL_CHAPTERS)

SHORT = Plan("short", "A 6-session short course (six 3-hour sessions)", (
    Session("Session 1", 180, (Activity("setup check: every laptop opens chapter 00", 10), ("00", "core"),
                               ("00", (1, 2, 3)), LONG_BREAK, ("01", "core"), ("01", (1, 3, 5, 7)))),
    Session("Session 2", 180, (("02", "core"), ("02", (1, 3, 5)), LONG_BREAK, ("03", "core"), ("03", (1, 2, 6)))),
    Session("Session 3", 180, (("04", "core"), ("04", (1, 2, 5, 6)), LONG_BREAK, ("07", "core"), ("07", (1, 2, 3)))),
    Session("Session 4", 180, (Activity("primer on chapter 06: why retention rises with tenure (sorting), the "
                                        "sBG model, a subscriber's residual lifetime value (its Recap)", 15),
                               ("09", "core"), ("09", (1, 2, 6, 7)), LONG_BREAK, ("10", "core"), ("10", (1, 2, 7)))),
    Session("Session 5", 180, (C08_FIRST, LONG_BREAK, C08_SECOND, ("08", (1, 2, 3)),
                               Activity("groups: design a program with chapter 08's designer, then argue for or "
                                        "against it with the randomised results", 20)),
            "the break falls after \"Who responds\""),
    Session("Session 6", 180, (("11", "core"), ("11", (1, 7)), LONG_BREAK,
                               Activity("capstone light: chapter 12's brief and milestones 1-2 (questions 1-5) "
                                        "in groups, then a 5-minute pitch per group", 100))),
), core=("00", "01", "02", "03", "04", "07", "08", "09", "10", "11"))

WORKSHOP = Plan("workshop", "A one-day workshop (two 3-hour halves)", (
    Session("Morning", 180, (Activity("setup check: open JupyterLab and run chapter 00's first cells (the rest of "
                                      "00 is homework)", 20),
                             ("01", "core"), ("01", (1, 3, 7)), BREAK,
                             Activity("primer on chapter 03: yearly cohorts, the retention matrix and its heatmap "
                                      "(its Recap)", 10),
                             ("04", "core"), ("04", (1, 5)))),
    Session("Afternoon", 180, (C08_FIRST, LONG_BREAK, C08_SECOND, ("08", (1, 3)),
                               Activity("groups: design a program with the interactive designer, then argue for "
                                        "or against it with the randomised results", 25)),
            "the break falls after \"Who responds\""),
), core=("01", "04", "08"))

PLANS = (TERM, SHORT, WORKSHOP)


# ---------------------------------------------------------------------------------------------
# Reading the chapters


def notebooks() -> dict[str, Path]:
    return {p.name[:2]: p for p in reading_time.chapters()}


def master(number: str) -> Path | None:
    found = sorted((ROOT / "exercises").glob(f"{number}-*/{number}-*.ipynb"))
    return found[0] if found else None


def _cells(path: Path) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"])) for c in json.loads(path.read_text())["cells"]]


def objectives(path: Path) -> list[str]:
    """The bullets of the chapter's "Learning objectives" cell."""
    for kind, source in _cells(path):
        if kind == "markdown" and source.startswith("## Learning objectives"):
            return [line[2:].strip() for line in source.splitlines() if line.startswith("- ")]
    return []


def optional_minutes(path: Path) -> list[tuple[str, float]]:
    """Each optional section with its minutes, counted as tools/reading_time.py counts them."""
    sections: list[tuple[str, float]] = []
    current: str | None = None
    section_optional = False
    for cell in json.loads(path.read_text())["cells"]:
        heading = reading_time.cell_heading(cell)
        if heading:
            level, title = heading
            if level == 2:
                section_optional = title.endswith("(optional)")
                current = title if section_optional else None
            elif title.endswith("(optional)"):
                current = title
            elif not section_optional:
                current = None
            if title.endswith("(optional)"):
                sections.append((title, 0.0))
        minutes = reading_time.cell_minutes(cell)
        if current is not None:
            title, total = sections[-1]
            sections[-1] = (title, total + minutes)
    return sections


def core_sections(path: Path) -> dict[str, float]:
    """Minutes of each "## " section's core cells, counted as tools/reading_time.py counts them.

    The cells before the first "## " heading (the title) are the section "(opening)"; optional
    sections and subsections are left out (they are the cut list).
    """
    out: dict[str, float] = {}
    current, section_optional, in_optional = "(opening)", False, False
    for cell in json.loads(path.read_text())["cells"]:
        heading = reading_time.cell_heading(cell)
        if heading:
            level, title = heading
            if level == 2:
                section_optional = title.endswith("(optional)")
                if not section_optional:
                    current = title
            in_optional = section_optional or (level == 3 and title.endswith("(optional)"))
        minutes = reading_time.cell_minutes(cell)
        if not in_optional:
            out[current] = out.get(current, 0.0) + minutes
    return out


def chosen_sections(part: Sections) -> list[str]:
    """The full titles of a Sections part; a title that matches no section, or two, is an error."""
    titles = list(core_sections(notebooks()[part.number]))
    out = []
    for start in part.titles:
        found = [t for t in titles if t.startswith(start)]
        if len(found) != 1:
            raise ValueError(f"chapter {part.number}: {start!r} matches {len(found)} core sections")
        out.append(found[0])
    return out


def uses_optional(number: str) -> list[int]:
    """The questions that use an optional section: marked in their titles, or listed in USES_OPTIONAL."""
    marked = [i for i, q in enumerate(questions(number), 1) if "optional section" in q]
    return sorted(set(marked) | set(USES_OPTIONAL.get(number, ())))


def questions(number: str) -> list[str]:
    """The titles of the exercise set's questions, in order ("how many never came back?")."""
    path = master(number)
    if path is None:
        return []
    titles = []
    for kind, source in _cells(path):
        if kind == "markdown" and source.startswith("## Question"):
            first = source.splitlines()[0]
            titles.append(first.split(":", 1)[1].strip() if ":" in first else first[3:].strip())
    return titles


def load_checker(number: str):
    """The chapter's Checker, imported from its checks.py (no data is loaded)."""
    from relmkt_lib.exercises import load_checks

    path = master(number)
    return None if path is None else load_checks(path.parent.name, root=ROOT / "exercises")


def check_messages(checker) -> dict[str, dict]:
    """Each question's anticipated mistakes: {"q1": {"traps": [(caught, message), ...], "hint": [...]}}.

    A numeric question's traps are its known wrong values with their messages; ``caught`` is the
    value when it is a plain number, "data" when the checks compute it from the data, "test" when
    it is a condition on the answer. A choice question's traps are its wrong options (``caught``
    is the option's letter) with their ``why_not`` messages. Messages computed from the
    data are left out.
    """
    out = {}
    for name in checker.questions:
        hint, test = checker._questions[name]
        spec = checker._numbers.get(name)
        traps = []
        if spec is not None:
            for value, msg in spec.traps:
                if isinstance(msg, str):
                    plain = isinstance(value, (int, float)) and not isinstance(value, bool)
                    fact = type(value).__name__ == "_Fact"  # relmkt_lib._answers: a value read from the data
                    traps.append((value if plain else "data" if fact or not callable(value) else "test", msg))
        else:
            for letter, msg in (inspect.getclosurevars(test).nonlocals.get("why_not") or {}).items():
                if isinstance(msg, str):
                    traps.append((f"option {letter}", msg))
        out[name] = {"traps": traps, "hint": [hint] if hint else []}
    return out


def common_mistakes(number: str) -> list[tuple[str, str, str, str]]:
    """Three anticipated mistakes: (question, "trap" | "hint", what the trap catches, message).

    The rule: traps before hints, one question each, spread over the set. The questions with
    traps are cut into three runs in order (beginning, middle, end of the set); from each run the
    question whose checks anticipate the most wrong answers (the first on a tie), with its first
    trap, the one its author listed first. With fewer than three such questions, hints of other
    questions fill in.
    """
    checker = load_checker(number)
    if checker is None:
        return []
    messages = check_messages(checker)
    with_traps = [q for q in checker.questions if messages[q]["traps"]]
    chosen = []
    if with_traps:
        k = min(3, len(with_traps))
        runs = [with_traps[i * len(with_traps) // k:(i + 1) * len(with_traps) // k] for i in range(k)]
        for run in runs:
            q = max(run, key=lambda q: (len(messages[q]["traps"]), -run.index(q)))
            caught, msg = messages[q]["traps"][0]
            chosen.append((q, "trap", _caught_text(caught), msg))
    chosen += [(q, "hint", "", messages[q]["hint"][0]) for q in checker.questions
               if q not in with_traps and messages[q]["hint"]]
    return chosen[:3]


def _caught_text(caught) -> str:
    """What a trap catches, when it can be shown: a plain number or a wrong option (a value the checks
    compute from the data is named by its message)."""
    if caught in ("data", "test"):
        return ""
    return f"the answer {caught:g}" if isinstance(caught, (int, float)) else str(caught)


# ---------------------------------------------------------------------------------------------
# Minutes of the plans


def _numbers_text(numbers) -> str:
    numbers = sorted(numbers)
    runs, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            runs.append(str(n) if n == start else f"{start}-{n}" if n > start + 1 else f"{start}, {n}")
            start = None
    return ", ".join(runs)


def part_minutes(part, times: dict) -> tuple[int, str]:
    """(minutes, text) of one part; a part of a chapter without a notebook counts 0 and says so."""
    if isinstance(part, Activity):
        return part.minutes, f"{part.name} ({part.minutes} min)"
    if isinstance(part, Sections):
        if part.number not in times:
            return 0, f"{part.number}: not yet in the kit"
        minutes_by_section = core_sections(notebooks()[part.number])
        chosen = chosen_sections(part)
        minutes = reading_time._round5(sum(minutes_by_section[t] for t in chosen))
        order = list(minutes_by_section)
        named = [t for t in chosen if t != "(opening)"]
        if len(named) > 2 and [order.index(t) for t in chosen] == list(range(order.index(chosen[0]),
                                                                              order.index(chosen[-1]) + 1)):
            names = f"from \"{named[0]}\" to \"{named[-1]}\""  # a run of consecutive sections
        else:
            names = "; ".join(named)
        return minutes, f"{part.number} core sections: {names} ({minutes} min)"
    number, what = part
    if number not in times:
        return 0, f"{number}: not yet in the kit"
    t = times[number]
    n_questions = t.exercises // MINUTES_PER_QUESTION
    if what == "core":
        return t.core, f"{number} core reading ({t.core} min)"
    if what == "optional":
        if not t.optional:
            return 0, f"{number} has no optional section"
        names = "; ".join(s.removesuffix("(optional)").strip() for s in t.optional_sections)
        return t.optional, f"{number} optional: {names} ({t.optional} min)"
    if what == "exercises":
        if not n_questions:
            return 0, f"{number} exercise set not yet in the kit"
        return t.exercises, f"{number} all {n_questions} questions ({t.exercises} min)"
    bad = [q for q in what if not 1 <= q <= n_questions]
    if bad:
        raise ValueError(f"chapter {number} has no question(s) {bad} (it has {n_questions})")
    minutes = MINUTES_PER_QUESTION * len(what)
    label = "question" if len(what) == 1 else "questions"
    return minutes, f"{number} {label} {_numbers_text(what)} ({minutes} min)"


def _number(part) -> str:
    return part.number if isinstance(part, Sections) else part[0]


def session_minutes(session: Session, times: dict) -> int:
    return sum(part_minutes(p, times)[0] for p in session.parts)


def coverage(plan: Plan, times: dict) -> dict[str, dict]:
    """What a plan teaches of each chapter: {"01": {"core": bool, "optional": bool, "questions": set}}."""
    out: dict[str, dict] = {}
    for session in plan.sessions:
        for part in session.parts:
            if isinstance(part, Activity) or _number(part) not in times:
                continue
            if isinstance(part, Sections):
                entry = out.setdefault(part.number, {"core": False, "optional": False, "questions": set()})
                entry.setdefault("sections", set()).update(chosen_sections(part))
                if entry["sections"] >= set(core_sections(notebooks()[part.number])):
                    entry["core"] = True
                continue
            number, what = part
            entry = out.setdefault(number, {"core": False, "optional": False, "questions": set()})
            if what in ("core", "optional"):
                entry[what] = True
            elif what == "exercises":
                entry["questions"] |= set(range(1, times[number].exercises // MINUTES_PER_QUESTION + 1))
            else:
                entry["questions"] |= set(what)
    return out


def plan_problems(plan: Plan, times: dict) -> list[str]:
    """Sessions over their length, and chapters the plan claims but does not cover."""
    problems = []
    for s in plan.sessions:
        minutes = session_minutes(s, times)
        if minutes > s.length:
            problems.append(f"{plan.key}: {s.label} takes {minutes} min, over its {s.length} min")
    cov = coverage(plan, times)
    for number in plan.full:
        if number not in times:
            continue
        t, c = times[number], cov.get(number, {"core": False, "optional": False, "questions": set()})
        every = set(range(1, t.exercises // MINUTES_PER_QUESTION + 1))
        if not c["core"] or (t.optional and not c["optional"]) or c["questions"] != every:
            problems.append(f"{plan.key}: chapter {number} is not taught in full")
    for number in plan.core:
        if number in times and not cov.get(number, {}).get("core"):
            problems.append(f"{plan.key}: chapter {number}'s core reading is missing")
    return problems


# ---------------------------------------------------------------------------------------------
# Writing


def page_name(number: str, times: dict) -> str:
    return notebooks()[number].stem + ".md"


def plan_table(plan: Plan, times: dict) -> str:
    rows = [f"### {plan.title}", "", "| session | parts (minutes) | total | length | note |", "|---|---|---|---|---|"]
    for s in plan.sessions:
        texts = []
        for part in s.parts:
            minutes, text = part_minutes(part, times)
            if (not minutes and isinstance(part, tuple) and part[0] in times and part[1] == "optional"):
                continue  # a chapter without optional sections: nothing to list
            if not isinstance(part, Activity) and _number(part) in times:
                text = (f"[{text.split(' ', 1)[0]}](chapters/{page_name(_number(part), times)}) "
                        f"{text.split(' ', 1)[1]}")
            texts.append(text)
        rows.append(f"| {s.label} | {'; '.join(texts)} | {session_minutes(s, times)} min | {s.length} min | "
                    f"{s.note or '-'} |")
    total = sum(session_minutes(s, times) for s in plan.sessions)
    rows += ["", f"In all: {len(plan.sessions)} sessions, {total} of {sum(s.length for s in plan.sessions)} "
             "minutes planned."]
    cov = coverage(plan, times)
    left = [n for n in times if n not in cov]
    if plan.full:
        rows.append("Every chapter in the kit is taught in full: core reading, optional sections and every question.")
    else:
        rows += ["", "What each chapter gets:", ""]
        for number, c in sorted(cov.items()):
            t = times[number]
            n_q = t.exercises // MINUTES_PER_QUESTION
            cut = "; ".join(s.removesuffix("(optional)").strip() for s in t.optional_sections)
            text = f"- {number}: core reading" + (f"; cut: {cut}" if cut and not c["optional"] else "")
            if not c["questions"]:
                text += "; no questions"
            elif len(c["questions"]) == n_q:
                text += f"; all {n_q} questions"
            else:
                text += f"; questions {_numbers_text(c['questions'])} of {n_q}"
            rows.append(text + ".")
        if left:
            rows += ["", f"Not taught from its notebook in class: {', '.join(left)} (where the table names a primer "
                         "or a group activity for one of them, that stands in for it; otherwise homework or "
                         "another course)."]
    missing = sorted({_number(p) for s in plan.sessions for p in s.parts
                      if not isinstance(p, Activity) and _number(p) not in times})
    if missing:
        rows.append(f"Not yet in the kit, counted as 0 minutes until it is: chapter(s) {', '.join(missing)}.")
    return "\n".join(rows)


def plans_block(times: dict) -> str:
    return "\n\n".join(plan_table(p, times) for p in PLANS)


def chapter_block(number: str, times: dict) -> str:
    t, nb = times[number], notebooks()[number]
    m = master(number)
    lines = [f"# {number} · {t.title}", "",
             f"Chapter: [`notebooks/{nb.name}`](../../../notebooks/{nb.name})"]
    if m is not None:
        student = m.parent / "student" / m.name
        lines[-1] += (f" · exercises: [master with solutions](../../../exercises/{m.parent.name}/{m.name}), "
                      f"[student copy](../../../exercises/{m.parent.name}/student/{student.name})")
    lines += ["", "## Objectives", "", "By the end of the chapter students can:", ""]
    lines += [f"- {o}" for o in objectives(nb)]
    n_q = t.exercises // MINUTES_PER_QUESTION
    sessions = " and ".join(t.group)
    lines += ["", "## Timing", "", "| core reading | optional sections | exercises | sessions |", "|---|---|---|---|",
              f"| {t.core} min | {t.optional} min | {t.exercises} min ({n_q} questions) | "
              f"{t.sessions}{' (shared by ' + sessions + ')' if len(t.group) > 1 else ''} |", "",
              "From the chapter's **Time** line (`tools/reading_time.py`: 100 words a minute, 10 lines of code a "
              "minute, 1.5 minutes a plot, 5 minutes a question)."]
    lines += ["", "## What to cut when short", ""]
    sections = optional_minutes(nb)
    if sections:
        lines.append("The sections marked optional (the cut list); students can read them at home:")
        lines.append("")
        lines += [f"- {title.removesuffix('(optional)').strip()} (about {max(1, round(minutes))} min)"
                  for title, minutes in sections]
        shown = sum(max(1, round(minutes)) for _, minutes in sections)
        lines += ["", f"Together about {t.optional} min, as the Time line says." if shown == t.optional
                  else f"The Time line rounds their total up to {t.optional} min."]
        uses = [str(i) for i in uses_optional(number)]
        if uses:
            lines.append(f"Cut them and drop question(s) {', '.join(uses)} too: they use an optional section.")
    else:
        lines.append("Nothing is marked optional: the chapter is taught whole.")
    lines += ["", "## Exercise questions", ""]
    lines += [f"{i}. {q}" for i, q in enumerate(questions(number), 1)] or ["No exercise set yet."]
    lines += ["", "## Three mistakes students make", "",
              "Taken from the checks (`checks.py`): a **trap** is a wrong answer the checks expect (a plain number "
              "or a wrong option is shown; a value computed from the data is named by the message), with the "
              "message students see when they give it; a **hint** is what every wrong answer gets. How they are "
              "chosen: traps before hints, one question each, spread over the set (its beginning, middle and "
              "end); in each part, the question with the most anticipated wrong answers, and its first trap. "
              "The grader's `grades.csv` shows which questions your class actually misses.", ""]
    titles = questions(number)
    for q, kind, caught, msg in common_mistakes(number):
        n = int(re.match(r"q(\d+)", q).group(1))  # q2b is a part of question 2
        title = titles[n - 1] if n <= len(titles) else ""
        catches = f" Catches {caught}." if caught else ""
        lines.append(f"- **{q} · {title}** ({kind}).{catches} Students see: {msg}")
    return "\n".join(lines)


SKELETON = """

## Discussion prompts

## An assessment idea
"""


def replace_block(text: str, block: str) -> str:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < 0:
        raise ValueError("no generated markers")
    return text[:start] + START + "\n" + block + "\n" + END + text[end + len(END):]


def targets(times: dict) -> list[tuple[Path, str, str]]:
    """(path, block, skeleton for a new file) of every generated file."""
    out = [(GUIDE / "course-plans.md", plans_block(times), "# Course plans\n\n")]
    for number in times:
        out.append((GUIDE / "chapters" / page_name(number, times), chapter_block(number, times), ""))
    return out


def main(argv: list[str]) -> int:
    if any(a != "--check" for a in argv):
        print(__doc__)
        return 2
    check = "--check" in argv
    times = {n: chapter_time(p) for n, p in notebooks().items()}
    stale = [problem for plan in PLANS for problem in plan_problems(plan, times)]
    for path, block, head in targets(times):
        if path.exists():
            text = path.read_text()
            if START not in text or END not in text:
                stale.append(f"{path.relative_to(ROOT)} has no generated markers")
                continue
            new = replace_block(text, block)
        else:
            text = None
            new = head + START + "\n" + block + "\n" + END + (SKELETON if "chapters" in path.parts else "\n")
        if new != text:
            stale.append(str(path.relative_to(ROOT)))
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(new)
    for plan in PLANS:
        for s in plan.sessions:
            print(f"{plan.key:9s} {s.label:26s} {session_minutes(s, times):4d} / {s.length} min")
    if stale:
        print(("out of date: " if check else "updated: ") + ", ".join(stale))
    problems = [p for plan in PLANS for p in plan_problems(plan, times)]
    if problems:
        print("refused: " + "; ".join(problems))
        return 1
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

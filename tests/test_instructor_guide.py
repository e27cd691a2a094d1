"""The instructor guide (docs/instructor/): its plans add up, its pages exist, its links resolve."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from relmkt_lib.exercises import load_checks

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "instructor"

_spec = importlib.util.spec_from_file_location("instructor_guide", ROOT / "tools" / "instructor_guide.py")
guide = sys.modules.setdefault("instructor_guide", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(guide)

TIMES = {n: guide.chapter_time(p) for n, p in guide.notebooks().items()}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_generated_blocks_are_up_to_date():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "instructor_guide.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("number", sorted(TIMES))
def test_every_chapter_has_a_page_with_its_sections(number):
    page = GUIDE / "chapters" / (guide.notebooks()[number].stem + ".md")
    assert page.is_file(), f"no instructor page for chapter {number}"
    text = page.read_text()
    assert text.count(guide.START) == 1 and text.count(guide.END) == 1
    after = text[text.index(guide.END):]
    for heading in ("## Discussion prompts", "## An assessment idea"):
        assert heading in after, f"{page.name}: {heading} must follow the generated block"


def over_length(plan) -> list[str]:
    return [s.label for s in plan.sessions if guide.session_minutes(s, TIMES) > s.length]


@pytest.mark.parametrize("plan", guide.PLANS, ids=lambda p: p.key)
def test_every_session_fits_its_length(plan):
    assert over_length(plan) == []
    assert guide.plan_problems(plan, TIMES) == []


def test_a_session_over_its_length_is_refused():
    too_long = guide.Plan("bad", "bad", (guide.Session("one", 90, (("08", "core"),)),))
    assert over_length(too_long) == ["one"]
    assert any("over its 90 min" in p for p in guide.plan_problems(too_long, TIMES))


def test_the_term_covers_every_chapter_in_full():
    cov = guide.coverage(guide.TERM, TIMES)
    for number, t in TIMES.items():
        assert cov[number]["core"], number
        assert cov[number]["optional"] or not t.optional, number
        assert cov[number]["questions"] == set(range(1, t.exercises // 5 + 1)), number
    assert [s.length for s in guide.TERM.sessions] == [180] * 13  # 13 weekly 3-hour meetings


def test_every_3_hour_session_has_a_break():
    for plan in guide.PLANS:
        for s in plan.sessions:
            if s.length >= 180:
                assert any(isinstance(p, guide.Activity) and p.name == "break" and 10 <= p.minutes <= 15
                           for p in s.parts), f"{plan.key}: {s.label} has no 10-15 minute break"


def optional_before_questions(plan) -> list[str]:
    """Questions that use an optional section but come before it in the plan (by session, then part)."""
    where = {}
    for i, s in enumerate(plan.sessions):
        for j, part in enumerate(s.parts):
            if not isinstance(part, tuple) or part[0] not in TIMES:
                continue
            number, what = part
            if what == "optional":
                where.setdefault((number, "optional"), (i, j))
            elif what != "core":
                every = range(1, TIMES[number].exercises // 5 + 1)
                for q in (every if what == "exercises" else what):
                    where[(number, q)] = (i, j)
    return [f"{n} question {q}" for n in TIMES for q in guide.uses_optional(n)
            if (n, q) in where and where[(n, q)] < where.get((n, "optional"), (len(plan.sessions), 0))]


def test_questions_on_optional_sections_follow_them():
    assert guide.uses_optional("10") == [4] and 2 in guide.uses_optional("11")
    assert optional_before_questions(guide.TERM) == []
    early = guide.Plan("early", "early", (guide.Session("one", 180, (("10", "core"), ("10", "exercises"),
                                                                     ("10", "optional"))),))
    assert optional_before_questions(early) == ["10 question 4"]


def test_a_split_chapter_counts_all_its_core_sections():
    first, second = guide.C08_FIRST, guide.C08_SECOND
    both = guide.Plan("split", "split", (guide.Session("one", 180, (first, second)),), core=("08",))
    assert guide.plan_problems(both, TIMES) == []
    half = guide.Plan("half", "half", (guide.Session("one", 180, (first,)),), core=("08",))
    assert guide.plan_problems(half, TIMES) == ["half: chapter 08's core reading is missing"]
    minutes = guide.part_minutes(first, TIMES)[0] + guide.part_minutes(second, TIMES)[0]
    assert TIMES["08"].core <= minutes <= TIMES["08"].core + 5


def test_a_plan_that_skips_part_of_a_chapter_is_caught():
    partial = guide.Plan("partial", "partial", (guide.Session("one", 90, (("03", "core"), ("03", (1, 2)))),),
                         full=("03",))
    assert guide.plan_problems(partial, TIMES) == ["partial: chapter 03 is not taught in full"]
    missing_core = guide.Plan("nocore", "nocore", (guide.Session("one", 90, (("03", (1,)),)),), core=("03",))
    assert guide.plan_problems(missing_core, TIMES) == ["nocore: chapter 03's core reading is missing"]


@pytest.mark.parametrize("plan", [guide.SHORT, guide.WORKSHOP], ids=lambda p: p.key)
def test_short_plans_claim_what_they_teach(plan):
    cov = guide.coverage(plan, TIMES)
    assert {n for n, c in cov.items() if c["core"]} == {n for n in plan.core if n in TIMES}


def broken_links(folder: Path) -> list[str]:
    broken = []
    for page in folder.rglob("*.md"):
        for target in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists() or ROOT not in path.parents:
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    return broken


def test_every_relative_link_resolves():
    assert broken_links(GUIDE) == []


def test_a_broken_link_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "a.md").write_text("[ok](a.md) [web](https://example.org) [bad](missing.md)")
    assert broken_links(tmp_path) == ["a.md: missing.md"]


def real_messages(number: str) -> dict[str, set[str]]:
    """Every hint, trap message and wrong-option message of the chapter's checks, by question."""
    folder = guide.master(number).parent.name
    checker = load_checks(folder, root=ROOT / "exercises")
    out = {}
    for name in checker.questions:
        hint, test = checker._questions[name]
        spec = checker._numbers.get(name)
        if spec is not None:
            messages = {m for _, m in spec.traps if isinstance(m, str)}
        else:
            messages = {m for m in (inspect.getclosurevars(test).nonlocals.get("why_not") or {}).values()}
        out[name] = messages | {hint}
    return out


def page_mistakes(text: str) -> list[tuple[str, str]]:
    section = text.split("## Three mistakes students make", 1)[1].split(guide.END, 1)[0]
    return re.findall(r"^- \*\*(\w+) · .*?\*\* \((?:trap|hint)\)\..*? Students see: (.*)$", section, re.M)


@pytest.mark.parametrize("number", [n for n in sorted(TIMES) if guide.master(n)])
def test_the_three_mistakes_are_real_checks(number):
    page = GUIDE / "chapters" / (guide.notebooks()[number].stem + ".md")
    mistakes = page_mistakes(page.read_text())
    assert len(mistakes) == 3 and len({q for q, _ in mistakes}) == 3
    real = real_messages(number)
    for question, message in mistakes:
        assert message in real.get(question, set()), f"{number} {question}: not a message of its checks"


def test_an_invented_mistake_is_caught():
    real = real_messages("03")
    fake = page_mistakes(f"## Three mistakes students make\n\n- **q1 · a title** (trap). Students see: Students forget "
                         f"to sleep.\n{guide.END}")
    assert fake == [("q1", "Students forget to sleep.")]
    assert fake[0][1] not in real["q1"]

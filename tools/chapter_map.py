"""Generate the chapter map of the welcome notebook and the previous / next links of every chapter.

The map is built from the notebooks that exist (their first ``#`` heading is the title) and,
for chapters not written yet, from the curriculum plan below, marked "in preparation".
It is written into the markdown cell tagged ``chapter-map`` of ``notebooks/00-welcome.ipynb``;
each chapter's last markdown cell tagged ``navigation`` gets the previous / next links.

Usage: python tools/chapter_map.py            rewrite the cells (outputs are untouched)
       python tools/chapter_map.py --check    exit 1 if anything is out of date (used by tests)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# The curriculum of KIT-DESIGN.md: number -> (planned title, library modules).
PLAN = {
    "00": ("Welcome: how to use the kit, the datasets, the checks", "datasets, exercises"),
    "01": ("Transactional vs relationship marketing", "metrics"),
    "02": ("Knowing your customers: RFM and segments", "rfm"),
    "03": ("Cohorts and retention curves", "cohorts"),
    "04": ("Customer lifetime value", "clv"),
    "05": ("The loyalty ladder: from prospect to ambassador", "migration"),
    "06": ("Contractual retention: the shifted-beta-geometric model", "contractual"),
    "07": ("Non-contractual customers: BG/NBD, Pareto/NBD, Gamma-Gamma", "btyd"),
    "08": ("Loyalty programs: a simulator", "loyalty"),
    "09": ("Churn prediction with scikit-learn", "churn"),
    "10": ("Retention campaigns: whom to contact", "churn, uplift"),
    "11": ("Dialogue and contact pressure", "contact"),
    "12": ("Capstone: a relationship-marketing plan for a retailer", "all"),
}
NAME = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")


def chapters() -> list[tuple[str, Path, str]]:
    """(number, path, title) of every chapter notebook, in order."""
    out = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        m = NAME.match(path.name)
        if not m:
            raise SystemExit(f"{path.name}: chapter notebooks are named NN-kebab-title.ipynb")
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0] if nb.cells else None
        if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
            raise SystemExit(f"{path.name}: the first cell must be a markdown '# Title' heading")
        out.append((m.group(1), path, first.source.splitlines()[0][2:].strip()))
    return out


def map_markdown(found: list[tuple[str, Path, str]]) -> str:
    have = {num: (path, title) for num, path, title in found}
    lines = ["## The chapter map", "",
             "Every chapter has an exercise set in `exercises/` with the same number.", "",
             "| Chapter | Library modules |", "|---|---|"]
    for num, (planned, modules) in PLAN.items():
        if num in have:
            path, title = have[num]
            lines.append(f"| [{title}]({path.name}) | `{modules}` |")
        else:
            lines.append(f"| {num} · {planned} *(in preparation)* | `{modules}` |")
    extra = sorted(set(have) - set(PLAN))
    for num in extra:
        path, title = have[num]
        lines.append(f"| [{title}]({path.name}) | |")
    return "\n".join(lines)


def nav_markdown(found, i) -> str:
    prev_ = f"← [{found[i - 1][2]}]({found[i - 1][1].name})" if i > 0 else ""
    next_ = f"[{found[i + 1][2]}]({found[i + 1][1].name}) →" if i + 1 < len(found) else ""
    home = "[Chapter map](00-welcome.ipynb#The-chapter-map)"
    return "---\n\n" + " · ".join(p for p in (prev_, home, next_) if p)


def update(check: bool) -> int:
    found = chapters()
    stale = []
    for i, (num, path, _) in enumerate(found):
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            want = None
            if "chapter-map" in tags:
                want = map_markdown(found)
            elif "navigation" in tags:
                want = nav_markdown(found, i)
            if want is not None and cell.source != want:
                cell.source = want
                changed = True
        if num == "00" and not any("chapter-map" in c.metadata.get("tags", []) for c in nb.cells):
            raise SystemExit("00-welcome.ipynb has no markdown cell tagged 'chapter-map'")
        if changed:
            stale.append(path.name)
            if not check:
                nbformat.write(nb, path)
    if check and stale:
        print("out of date (run python tools/chapter_map.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(update(check="--check" in sys.argv[1:]))

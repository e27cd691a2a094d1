"""Build the course website: every chapter, the exercise sets, the data cards and the instructor guide.

The site is built from what is committed and tested: MyST-NB renders each notebook's stored
outputs and never executes it (``nb_execution_mode = "off"`` in site/conf.py). The build:

1. stages the sources in ``build/site-src/`` with the layout of the repository, so that relative
   links between files work unchanged: ``notebooks/*.ipynb`` (the chapters), the exercise sets'
   student copies (never a master: they hold the solutions), ``exercises/README.md``, the data
   cards ``datasets/*/README.md`` and ``docs/instructor/``, plus ``site/``'s configuration;
2. replaces each interactive explorer's widget output by a short note (a slider needs a running
   kernel; the checked cell next to each explorer shows its view at the default settings) and
   drops the stored widget state, so no page loads widget scripts from the internet;
3. runs Sphinx (``sphinx-build -W``: a broken cross-reference fails the build) into ``build/site/``;
4. checks every internal link and image of the built HTML (``broken_links``) and prints the build
   time, the number of pages and the size.

Usage: python tools/build_site.py [--out DIR]        (make site)
Publish: copy build/site/ to any static host, e.g. GitHub Pages (README, "The course as a website").
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXPLORER_NOTE = (
    '<p class="relmkt-explorer-note"><strong>Interactive explorer.</strong> '
    "Its sliders need a running notebook: open this chapter in JupyterLab (<code>make lab</code>) "
    "to use them. The checked cell just before it shows the same view at the default settings.</p>"
)


def _staged_files(root: Path) -> list[tuple[Path, Path]]:
    """(source, path inside the site) of every file the site is built from."""
    files = [p for p in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))]
    files += sorted((root / "exercises").glob("[0-9][0-9]-*/student/[0-9][0-9]-*.ipynb"))
    files += [root / "exercises" / "README.md"]
    files += sorted((root / "datasets").glob("*/README.md"))
    files += sorted(p for p in (root / "docs" / "instructor").rglob("*.md"))
    return [(p, p.relative_to(root)) for p in files if p.exists()]


def static_notebook(nb: dict) -> dict:
    r"""The notebook as the site shows it: widget outputs become a note, widget state is dropped, and
    a dollar of money, written `\\$` for JupyterLab (tests/test_notebooks.py), becomes MyST's `\$`."""
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = "".join(cell["source"]).replace("\\\\$", "\\$")
        outputs = cell.get("outputs")
        if not outputs:
            continue
        new = []
        for out in outputs:
            if WIDGET_MIME in out.get("data", {}):
                new.append({"output_type": "display_data", "metadata": {},
                            "data": {"text/html": EXPLORER_NOTE, "text/plain": "Interactive explorer"}})
            else:
                new.append(out)
        cell["outputs"] = new
    return nb


MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")


def local_links(text: str, source: Path, staged: set[Path], root: Path = ROOT) -> str:
    """Rewrite links to repository files that the site does not carry (a master notebook, a
    checks.py, the Makefile) as the file's path in plain text: the site has no page for them.
    Links to staged files, anchors and web addresses stay; a link to a missing file stays too,
    so that the build reports it."""

    def fix(match: re.Match) -> str:
        label, link = match.groups()
        path = link.split("#", 1)[0]
        if not path or re.match(r"^[a-z][a-z0-9+.-]*:", link):
            return match.group(0)
        target = (source.parent / path).resolve()
        if not target.exists() or target in staged:
            return match.group(0)
        rel = target.relative_to(root.resolve()).as_posix()
        return label if label.strip("`") == rel else f"{label} (`{rel}` in the kit)"

    return MD_LINK.sub(fix, text)


def _copy_mathjax(target: Path) -> None:
    """MathJax 3's one-file SVG bundle, from the django-static-mathjax package (MathJax's own files)."""
    import mathjax

    bundle = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundle, target / "tex-svg.js")


def stage(src: Path, root: Path = ROOT) -> int:
    """Copy the site's sources into ``src`` (emptied first); return the number of pages staged."""
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(root / "site", src, ignore=shutil.ignore_patterns("__pycache__"))
    _copy_mathjax(src / "_static" / "mathjax")
    pages = 1  # index.md
    files = _staged_files(root)
    staged = {source.resolve() for source, _ in files}
    for source, rel in files:
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            nb = static_notebook(json.loads(source.read_text(encoding="utf-8")))
            target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            text = local_links(source.read_text(encoding="utf-8"), source, staged, root)
            target.write_text(text, encoding="utf-8")
        pages += 1
    return pages


class _Links(HTMLParser):
    """Collect the href/src of one page and the ids it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append((tag, a[key]))


def broken_links(site: Path) -> list[str]:
    """Every internal link or image of the built site that points nowhere, as "page: link (why)".

    External links (http, https, mailto) are not followed: the check is of the site itself.
    """
    pages: dict[Path, _Links] = {}
    # _static/ holds the theme's page templates (not pages) and MathJax's own files
    for page in sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    problems = []
    for page, parser in pages.items():
        for tag, link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                if parts.scheme in ("http", "https") and tag in ("script", "img", "link"):
                    problems.append(f"{page.relative_to(site.resolve())}: {link} (loads from the internet)")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            rel = page.relative_to(site.resolve())
            if not target.exists():
                problems.append(f"{rel}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{rel}: {link} (no anchor #{parts.fragment} in {target.name})")
    return problems


def build(out: Path, *, src: Path | None = None, quiet: bool = True) -> dict:
    """Stage, build with Sphinx, check links. Return figures; raise RuntimeError on any failure."""
    from sphinx.cmd.build import build_main

    src = src or out.parent / (out.name + "-src")
    start = time.perf_counter()
    n_sources = stage(src)
    if out.exists():
        shutil.rmtree(out)
    args = ["-b", "html", "-W", "--keep-going", "-j", "1", "-d", str(src / ".doctrees"), str(src), str(out)]
    if quiet:
        args.insert(0, "-q")
    status = build_main(args)
    if status != 0:
        raise RuntimeError(f"sphinx-build failed (exit {status}); its warnings are printed above")
    problems = broken_links(out)
    if problems:
        raise RuntimeError("broken links in the site:\n  " + "\n  ".join(problems[:30]))
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    html = len(list(out.rglob("*.html")))
    return {"seconds": seconds, "bytes": size, "html_pages": html, "sources": n_sources}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="output folder (build/site)")
    args = parser.parse_args(argv)
    try:
        figures = build(args.out.resolve())
    except RuntimeError as err:
        print(f"make site: {err}", file=sys.stderr)
        return 1
    print(f"site built in {figures['seconds']:.1f} s: {figures['sources']} sources, "
          f"{figures['html_pages']} HTML pages, {figures['bytes'] / 1e6:.1f} MB in {args.out}")
    print(f"open {args.out / 'index.html'}; every internal link and image checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())

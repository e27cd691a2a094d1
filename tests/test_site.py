"""The course website (`make site`): it builds from the committed outputs, its links hold, and a
real browser shows it as a reader would.

The site is built once into a temporary folder with tools/build_site.py (Sphinx + MyST-NB, no
notebook executed). The browser part serves it on a loopback port and opens it in Debian's
Chromium through Playwright: the index, chapter 07 with every plot loaded, a search, with no
console error and no request that fails or leaves the machine. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

CHROMIUM = Path(os.environ.get("RELMKT_CHROMIUM", "/usr/bin/chromium"))
# as in tests/test_browser.py: root needs --no-sandbox; the rest keeps Chromium off the closed network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "build" / "screenshots"
# Sphinx 9 warns of its own API changes inside the theme and MyST (RemovedInSphinx11Warning)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "html"
    figures = build_site.build(out)
    return {"out": out, **figures}


def test_every_chapter_and_guide_page_is_built(site):
    out = site["out"]
    for nb in CHAPTERS:
        assert (out / "notebooks" / f"{nb.stem}.html").exists(), f"no page for {nb.name}"
    for page in (ROOT / "docs" / "instructor").rglob("*.md"):
        html = out / page.relative_to(ROOT).with_suffix(".html")
        assert html.exists(), f"no page for {page.relative_to(ROOT)}"
    for master in (ROOT / "exercises").glob("[0-9][0-9]-*/[0-9][0-9]-*.ipynb"):
        built = out / master.relative_to(ROOT).with_suffix(".html")
        assert not built.exists(), f"{master.relative_to(ROOT)} holds the solutions and must not be on the site"
    assert (out / "search.html").exists() and (out / "searchindex.js").exists()


def test_pages_show_the_stored_outputs(site):
    """No re-execution: chapter 07's page carries as many images as its notebook has plots."""
    nb = json.loads((ROOT / "notebooks" / "07-non-contractual-customers.ipynb").read_text())
    plots = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    html = (site["out"] / "notebooks" / "07-non-contractual-customers.html").read_text()
    assert plots >= 5 and html.count('<img alt="_images/') + html.count('src="../_images/') >= plots


def test_money_is_text_and_explorers_are_notes(site):
    html = (site["out"] / "notebooks" / "01-transactional-vs-relationship.html").read_text()
    assert "goods listed at 100 $ cost Boreal 60 $" in html
    assert "\\$" not in html and "tex-svg.js" not in html, "money read as a formula, or MathJax loaded"
    assert "Interactive explorer." in html and "widget-view" not in html
    assert "_static/mathjax/tex-svg.js" in (site["out"] / "notebooks" / "05-the-loyalty-ladder.html").read_text()


def test_link_check_catches_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#x">b</a><a href="c.html">c</a><img src="missing.png">'
                                     '<script src="https://cdn.example.org/x.js"></script>')
    (tmp_path / "b.html").write_text('<h1 id="y">b</h1>')
    problems = build_site.broken_links(tmp_path)
    assert len(problems) == 4, problems
    assert any("no anchor #x" in p for p in problems) and any("internet" in p for p in problems)


def test_links_to_files_the_site_lacks_become_text(tmp_path):
    source = ROOT / "docs" / "instructor" / "README.md"
    text = "[the master](../../exercises/00-welcome/00-welcome.ipynb) and [a page](course-plans.md)"
    staged = {(ROOT / "docs" / "instructor" / "course-plans.md").resolve()}
    assert build_site.local_links(text, source, staged) == (
        "the master (`exercises/00-welcome/00-welcome.ipynb` in the kit) and [a page](course-plans.md)")


# ---- in a browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_QuietHandler, directory=str(site["out"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def page(served):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver (.ci/run does)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.problems = []
        pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
        pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
        pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
        pg.on("response", lambda r: r.status >= 400 and pg.problems.append(f"HTTP {r.status}: {r.url}"))
        pg.on("request", lambda r: not r.url.startswith(served) and not r.url.startswith("data:")
              and pg.problems.append(f"request leaves the site: {r.url}"))
        SHOTS.mkdir(parents=True, exist_ok=True)
        yield pg
        browser.close()


def test_index_in_a_browser(page, served):
    page.goto(f"{served}/index.html", wait_until="networkidle")
    assert "relmkt" in page.title()
    nav = page.locator("nav.bd-links a").all_inner_texts()
    assert sum("Capstone" in t or t[:2].isdigit() for t in nav) >= len(CHAPTERS), nav
    assert any("instructor" in t.lower() for t in nav), nav
    page.screenshot(path=str(SHOTS / "site-index.png"), full_page=False)
    assert not page.problems, page.problems


def test_chapter_07_plots_load_in_a_browser(page, served):
    page.goto(f"{served}/notebooks/07-non-contractual-customers.html", wait_until="networkidle")
    images = page.locator("main img")
    assert images.count() >= 5
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
    widths = page.eval_on_selector_all("main img", "els => els.map(e => e.naturalWidth)")
    assert all(w > 100 for w in widths), f"an image did not load: {widths}"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "site-chapter-07.png"), full_page=False)
    images.nth(0).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "site-chapter-07-plot.png"), full_page=False)
    assert not page.problems, page.problems


def test_chapter_05_formula_is_typeset_offline(page, served):
    """The one display formula of the kit, typeset by the site's own copy of MathJax."""
    page.goto(f"{served}/notebooks/05-the-loyalty-ladder.html", wait_until="networkidle")
    page.wait_for_selector("mjx-container svg", timeout=20_000)
    page.locator("mjx-container").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "site-chapter-05-formula.png"), full_page=False)
    assert page.locator("mjx-container").count() == 1
    assert not page.problems, page.problems


def test_search_finds_a_chapter(page, served):
    page.goto(f"{served}/search.html?q=lifetime+value", wait_until="networkidle")
    page.wait_for_selector("#search-results li", timeout=20_000)
    results = page.locator("#search-results li a").all_inner_texts()
    assert any("lifetime value" in r.lower() for r in results), results
    page.screenshot(path=str(SHOTS / "site-search.png"), full_page=False)
    assert not page.problems, page.problems

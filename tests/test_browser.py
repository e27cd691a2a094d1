"""The course in a real browser: `make lab` started as a learner starts it, driven by Chromium.

The test starts JupyterLab with `make lab` (loopback address, a fresh token, a free port), opens
the welcome notebook and chapter 01 (plots and an ipywidgets explorer) in headless Chromium
through Playwright, runs every cell from the Run menu, waits for the kernel to be idle, and checks
what a learner would see: outputs, rendered plot images, the widget, the kit's kernel, no news
prompt. Screenshots go to build/screenshots/. The server is stopped by its process id.

Chromium comes from Debian (`apt-get install chromium chromium-driver`; `.ci/run` installs it when
missing); Playwright never downloads a browser here. Without Chromium the test is skipped with
the reason.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("RELMKT_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "build" / "screenshots"
# As root, Chromium needs --no-sandbox; the other flags keep it off the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"Chromium not found at {CHROMIUM}: install Debian's chromium and "
                              "chromium-driver (apt-get install chromium chromium-driver); .ci/run does this"),
]
playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="Playwright is not installed (make test installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return 0  # not listening (yet)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started by `make lab`, as in the README; stopped by its process id.

    It serves a copy of the notebooks, so that JupyterLab's autosave never rewrites the
    committed ones while the test runs their cells.
    """
    port, token = free_port(), secrets.token_hex(24)
    served = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", served / "notebooks")
    (ROOT / "build").mkdir(exist_ok=True)
    log = open(ROOT / "build" / "lab.log", "w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ROOT={served}",
         f"LAB_ARGS=--IdentityProvider.token={token}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "DISPLAY": ""},  # headless: the server must not try to open a browser
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while get(f"{base}/api/status?token={token}") != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start; see {ROOT / 'build' / 'lab.log'}")
            time.sleep(0.5)
        yield {"base": base, "token": token, "pid": proc.pid, "port": port}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # make and the jupyter server share the process group
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_server_is_loopback_only_and_needs_the_token(lab):
    import psutil

    assert get(f"{lab['base']}/api/contents/notebooks") == 403, "the API answered without the token"
    assert get(f"{lab['base']}/api/contents/notebooks?token={lab['token']}") == 200
    server = [p for p in psutil.Process(lab["pid"]).children(recursive=True) if "jupyter" in " ".join(p.cmdline())]
    listening = {c.laddr.ip for p in server for c in p.net_connections(kind="inet") if c.status == "LISTEN"}
    assert listening == {"127.0.0.1"}, f"the server listens on {listening}, not only on loopback"


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def run_all_cells(page, timeout_s: float = 120) -> None:
    """Run every cell from the Run menu, then wait until no cell is waiting or running."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_timeout(1000)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-Notebook .jp-InputPrompt").all_inner_texts()
        busy = page.locator(".jp-Notebook-ExecutionIndicator[data-status='busy']").count()
        if prompts and not any("*" in p for p in prompts) and not busy:
            return
        page.wait_for_timeout(500)
    raise AssertionError("the notebook did not finish running within the time limit")


def open_notebook(browser, lab, path: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    # A fresh workspace per page: JupyterLab would otherwise restore the tabs of earlier sessions.
    workspace = f"test-{secrets.token_hex(4)}"
    page.goto(f"{lab['base']}/lab/workspaces/{workspace}/tree/{path}?token={lab['token']}&reset")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    # The kernel must be the kit's own Python kernel, and it must be ready.
    page.locator(".jp-Toolbar-kernelName", has_text="Python 3").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(state="attached", timeout=60_000)
    return page


def check_page(page, name: str, min_images: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert page.locator(".jp-OutputArea-output").count() > 5, "no outputs on the page"
    assert page.locator("text=Traceback").count() == 0, "a cell raised an error"
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= min_images, f"only {images.count()} plot images"
    widths = images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 100 for w in widths), f"a plot image did not render: widths {widths}"
    assert page.locator("text=official Jupyter news").count() == 0, "the news prompt popped up"
    page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}-top.png"))
    page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}-first-plot.png"))
    assert errors.count() == 0 or all("Warning" in t for t in errors.all_inner_texts())


def test_welcome_notebook_runs_in_the_browser(lab, browser):
    page = open_notebook(browser, lab, "notebooks/00-welcome.ipynb")
    assert page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first.inner_text().startswith("00 · Welcome")
    run_all_cells(page)
    check_page(page, "00-welcome", min_images=3)
    page.close()


def test_chapter_01_runs_with_plots_and_widget(lab, browser):
    page = open_notebook(browser, lab, "notebooks/01-transactional-vs-relationship.ipynb")
    run_all_cells(page)
    check_page(page, "01-transactional-vs-relationship", min_images=4)
    slider = page.locator(".widget-slider, .jupyter-widgets.widget-hslider").first
    slider.wait_for(timeout=30_000)
    slider.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "01-transactional-vs-relationship-explorer.png"))
    assert page.locator(".widget-slider").count() >= 3, "the explorer's sliders are missing"
    assert page.locator(".widget-vbox img").count() >= 1, "the explorer drew no plot"
    # Money is text, not a formula: two bare dollars in a cell once made JupyterLab typeset
    # "100 $ cost Boreal 60 $" as an italic "costBoreal60" (tests/test_notebooks.py keeps them escaped).
    assert page.locator("text=goods listed at 100 $ cost Boreal 60 $").count() == 1
    assert page.locator(".jp-RenderedMarkdown mjx-container").count() == 0, "JupyterLab typeset money as maths"
    page.close()


def test_the_address_make_lab_prints_opens_the_welcome_notebook(lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{lab['base']}/?token={lab['token']}")
    page.wait_for_url(re.compile(r"/lab/tree/notebooks/00-welcome\.ipynb"), timeout=60_000)
    page.locator(".lm-TabBar-tabLabel", has_text="00-welcome.ipynb").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first.wait_for(timeout=60_000)
    assert page.locator("text=official Jupyter news").count() == 0, "the news prompt popped up"
    page.screenshot(path=str(SHOTS / "first-view.png"))
    page.close()

"""The built book in a real browser: every page of ``_toc.yml`` loads in headless Chromium without a
JavaScript error from our own code, and the kernel-sliding players work when clicked, hovered and
driven from the keyboard.

The site is ``_build/html`` (``make test`` builds it before pytest; if it is missing this module
builds it). It is served from a thread on 127.0.0.1; every request to another host is aborted, so
the test also proves the pages work without a network. Chromium is Debian's ``/usr/bin/chromium``
(or ``$CHROMIUM_PATH``), driven through Playwright's Python package; no browser is ever downloaded.

Expected values are recomputed independently: from the operands embedded in each player with
``helpers`` (and ``torch``), never read back from the player's own output. Screenshots of one player
at desktop and phone width, and a page-weight report, go to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import torch
import torch.nn.functional as F
import yaml

import helpers
from helpers.animation import player_steps
from helpers.style import format_number

ROOT = Path(__file__).resolve().parents[2]
# COURSE_BOOK_DIR (a book's folder) and COURSE_SITE_DIR (its built HTML) let the test run against
# another book or build, e.g. a scratch book while developing.
BOOK = Path(os.environ.get("COURSE_BOOK_DIR", ROOT)).resolve()
HTML = Path(os.environ.get("COURSE_SITE_DIR", BOOK / "_build" / "html")).resolve()
SHOTS = HTML.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_PLAYER_BYTES = 100 * 1024
# Errors raised by third-party code that the build puts in every page, not by ours. Each is matched
# exactly; anything else (our players, our own static files, a failed local request) fails the test.
THIRD_PARTY_ERRORS = {
    # sphinx-thebe 0.3.1 registers its inline config script during reading, and Sphinx 7.4 then
    # writes it into the page twice; the second `const` declaration throws, the first one stands.
    "uncaught: Identifier 'THEBE_JS_URL' has already been declared",
    # pydata-sphinx-theme 0.17 (under sphinx-book-theme) when `html_context: {default_mode: ...}` is
    # not configured; harmless (it falls back to "auto").
    "Got invalid theme mode: . Resetting to auto.",
}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def toc_pages(toc: Path) -> list[str]:
    """Every document of a Jupyter Book ``_toc.yml``, root first, without extension."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    pages = [data["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    walk([{k: v for k, v in data.items() if k in ("parts", "chapters", "sections")}])
    return [str(Path(p).with_suffix("")) for p in pages]


PAGES = toc_pages(BOOK / "_toc.yml")


def html_path(page: str) -> Path:
    return HTML / f"{page}.html"


@pytest.fixture(scope="module")
def site() -> Path:
    if not (HTML / "index.html").exists():
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        subprocess.run([str(jupyter_book), "build", str(BOOK)], check=True, cwd=BOOK)
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """One page opened in a fresh context, with our own console errors collected."""

    def __init__(self, browser, base_url: str, page_name: str, viewport=DESKTOP):
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.route("**/*", self._only_local)
        self.page.on("console", self._console)
        self.third_party: list[str] = []
        self.page.on("pageerror", lambda exc: self._record(f"uncaught: {exc.message}"))
        self.response = self.page.goto(base_url + f"{page_name}.html", wait_until="load")

    def _only_local(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            route.abort()  # no network: CDN assets the theme may reference are refused

    def _console(self, msg):
        if msg.type != "error":
            return
        source = (msg.location or {}).get("url", "")
        # Our code: the pages and files served from 127.0.0.1 (inline player scripts included).
        # Errors located at another host are the refused CDN requests, which we ignore.
        if source.startswith(self.base_url) or not source:
            self._record(msg.text, f" ({source})")

    def _record(self, text, where=""):
        if text in THIRD_PARTY_ERRORS:
            self.third_party.append(text)
        else:
            self.errors.append(text + where)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def open_(page_name, viewport=DESKTOP):
        v = Visit(browser, base_url, page_name, viewport)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_loads_without_errors_from_our_code(visit, page_name):
    v = visit(page_name)
    assert v.response is not None and v.response.status == 200, page_name
    assert v.page.locator("main h1").count() >= 1, f"{page_name} has no title"
    v.page.wait_for_timeout(150)  # let deferred scripts run
    players = v.page.locator(".c2d-player")
    # Every player on the page was initialised by its own script.
    for k in range(players.count()):
        assert players.nth(k).get_attribute("data-ready") == "1", f"{page_name}: player {k}"
    assert v.errors == [], f"{page_name}: {v.errors}"


# ------------------------------------------------------------------------------------ players


def player_pages(site) -> list[str]:
    return [p for p in PAGES if 'class="c2d-player"' in html_path(p).read_text(encoding="utf-8")]


def test_the_book_has_at_least_one_player(site):
    assert player_pages(site), "no page of _toc.yml shows a player (helpers.animate)"


class Expected:
    """What a player must show, recomputed from the operands embedded in it."""

    def __init__(self, data: dict):
        self.data = data
        src = data["src"]
        self.x = torch.tensor(src["x"], dtype=torch.float64)
        top, bottom, left, right = data["pad"]
        self.padding = ((top, bottom), (left, right))
        self.stride, self.dilation = tuple(data["s"]), tuple(data["d"])
        self.mode = data["mode"]
        common = {"padding": self.padding, "stride": self.stride, "dilation": self.dilation}
        padded = F.pad(self.x, (left, right, top, bottom), value=0.0)
        if self.mode == "corr":
            w = torch.tensor(src["w"], dtype=torch.float64)
            b = None if src["b"] is None else torch.tensor(src["b"], dtype=torch.float64)
            self.out = helpers.conv2d(self.x, w, b, **common)
            torch_out = F.conv2d(padded[None], w, b, stride=self.stride, dilation=self.dilation)[0]
            self.steps = player_steps(self.x, w, bias=b, **common)
        else:
            ks = tuple(data["k"])
            self.out = helpers.pool2d(self.x, ks, mode=self.mode, **common)
            if self.mode == "max":
                fill = F.pad(self.x, (left, right, top, bottom), value=float("-inf"))
                torch_out = F.max_pool2d(fill, ks, self.stride, 0, self.dilation)
            else:
                torch_out = F.avg_pool2d(padded, ks, self.stride)
            self.steps = player_steps(self.x, mode=self.mode, kernel_size=ks, **common)
        assert torch.allclose(self.out, torch_out, atol=1e-6)
        self.n = self.out.numel()
        self.shape = tuple(self.out.shape)

    def index(self, t: int) -> tuple[int, int, int]:
        _, oh, ow = self.shape
        return t // (oh * ow), (t // ow) % oh, t % ow

    def covered(self, co: int, i: int, j: int) -> set[str]:
        kh, kw = self.data["k"]
        chans = range(self.data["cin"]) if self.mode == "corr" else [co]
        (sh, sw), (dh, dw) = self.stride, self.dilation
        return {
            f"{c},{i * sh + a * dh},{j * sw + b * dw}"
            for c, a, b in itertools.product(chans, range(kh), range(kw))
        }

    def text(self, t: int) -> str:
        return format_number(float(self.out[self.index(t)]))


JS_STATE = """root => ({
  window: [...root.querySelectorAll('.c2d-cell.is-window')].map(c => c.dataset.in),
  rf: [...root.querySelectorAll('.c2d-cell.is-rf')].map(c => c.dataset.in),
  where: root.querySelector('.c2d-where').textContent,
  math: root.querySelector('.c2d-math').textContent,
  scrub: root.querySelector('.c2d-scrub').value,
})"""


def state(root) -> dict:
    s = root.evaluate(JS_STATE)
    s["window"], s["rf"] = set(s["window"]), set(s["rf"])
    return s


def out_cell(root, co, i, j):
    return root.locator(f'[data-out="{co},{i},{j}"]')


def check_step(root, exp: Expected, t: int):
    s = state(root)
    assert s["window"] == exp.covered(*exp.index(t)), f"window at step {t}"
    assert s["where"].startswith(f"Step {t + 1} of {exp.n}")
    assert s["math"] == exp.steps[t].text
    assert s["scrub"] == str(t)
    cell = out_cell(root, *exp.index(t))
    assert cell.inner_text().strip() == exp.text(t)
    assert float(cell.get_attribute("data-value")) == pytest.approx(
        float(exp.out[exp.index(t)]), rel=1e-5, abs=1e-6
    )
    assert "is-current" in cell.get_attribute("class")
    if t + 1 < exp.n:
        assert out_cell(root, *exp.index(t + 1)).inner_text().strip() == ""


def exercise_player(page, root, exp: Expected):
    n = exp.n
    check_step(root, exp, 0)
    # Step forward with the button: the window moves and the next output cell shows its value.
    if n > 1:
        root.locator('[data-action="next"]').click()
        check_step(root, exp, 1)
        assert out_cell(root, *exp.index(0)).inner_text().strip() == exp.text(0)
        root.locator('[data-action="prev"]').click()
        check_step(root, exp, 0)
    # Hover an output cell: its receptive field lights up; moving away clears it.
    last = exp.index(n - 1)
    out_cell(root, *last).hover()
    assert state(root)["rf"] == exp.covered(*last)
    root.locator(".c2d-title").hover()
    assert state(root)["rf"] == set()
    # Keyboard: focusing an output cell shows its receptive field; Enter jumps to its step.
    mid = n // 2
    cell = out_cell(root, *exp.index(mid))
    cell.focus()
    assert state(root)["rf"] == exp.covered(*exp.index(mid))
    page.keyboard.press("Enter")
    check_step(root, exp, mid)
    page.keyboard.press("Home")
    check_step(root, exp, 0)
    if n > 1:
        page.keyboard.press("ArrowRight")
        check_step(root, exp, 1)
        page.keyboard.press("End")
        check_step(root, exp, n - 1)
    # The controls are reachable with Tab from the player, and the buttons are real buttons.
    root.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "first"
    # The scrubber and play: at 4x the player advances by itself, and pauses on request.
    root.evaluate(
        "r => { const s = r.querySelector('.c2d-scrub'); s.value = '0';"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    check_step(root, exp, 0)
    if n > 1:
        root.locator("select.c2d-speed").select_option("4")
        root.locator('[data-action="play"]').click()
        root.locator(".c2d-scrub").evaluate(
            "s => new Promise(done => { const t = setInterval(() => {"
            " if (s.value !== '0') { clearInterval(t); done(); } }, 20); })"
        )
        assert root.locator('[data-action="play"]').get_attribute("aria-pressed") == "true"
        root.locator('[data-action="play"]').click()
        assert root.locator('[data-action="play"]').get_attribute("aria-pressed") == "false"
        check_step(root, exp, int(state(root)["scrub"]))


def test_players_step_highlight_and_respond_to_the_keyboard(visit, site):
    checked = 0
    for page_name in player_pages(site):
        v = visit(page_name)
        roots = v.page.locator(".c2d-player")
        for k in range(roots.count()):
            root = roots.nth(k)
            root.scroll_into_view_if_needed()
            # Players are independent: the ones not yet touched are still at their first step.
            for later in range(k, roots.count()):
                where = roots.nth(later).locator(".c2d-where").inner_text()
                assert where.startswith("Step 1 of"), f"{page_name}: player {later} moved"
            data = json.loads(root.locator("script.c2d-data").text_content().replace("<\\/", "</"))
            exercise_player(v.page, root, Expected(data))
            checked += 1
        assert v.errors == [], f"{page_name}: {v.errors}"
    assert checked >= 1


def player_fragments(page_html: str) -> list[str]:
    """The HTML each player adds to a built page: its <style>, its root <div> and its <script>."""
    fragments = []
    for m in re.finditer(r'<div class="c2d-player"', page_html):
        start = page_html.rfind("<style>", 0, m.start())
        data_end = page_html.index("</script>", page_html.index('class="c2d-data"', m.start()))
        end = page_html.index("</script>", data_end + 1) + len("</script>")
        fragments.append(page_html[start:end])
    return fragments


def test_each_player_adds_at_most_100_kb_to_its_page(site):
    report = {}
    for page_name in player_pages(site):
        page_html = html_path(page_name).read_text(encoding="utf-8")
        sizes = [len(f.encode("utf-8")) for f in player_fragments(page_html)]
        assert sizes, page_name
        report[page_name] = {"page_bytes": len(page_html.encode("utf-8")), "player_bytes": sizes}
        for k, size in enumerate(sizes):
            assert size <= MAX_PLAYER_BYTES, f"{page_name}: player {k} is {size} bytes"
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "player-weights.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print("\nplayer bytes per page:", json.dumps(report))


@pytest.mark.parametrize("name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_player_fits_and_is_screenshotted(visit, site, name, viewport):
    page_name = player_pages(site)[0]
    v = visit(page_name, viewport)
    root = v.page.locator(".c2d-player").first
    root.scroll_into_view_if_needed()
    box = root.bounding_box()
    # The player never makes the page wider than the screen; wide grids scroll inside it.
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
    stage = root.locator(".c2d-stage").bounding_box()
    assert stage["x"] + stage["width"] <= box["x"] + box["width"] + 0.5
    # Text stays readable: no cell text smaller than 11 px, even on a phone.
    smallest = root.evaluate(
        "r => Math.min(...[...r.querySelectorAll('.c2d-cell')]"
        ".map(c => parseFloat(getComputedStyle(c).fontSize)))"
    )
    assert smallest >= 11, smallest
    root.locator('[data-action="next"]').click()
    cells = root.locator(".c2d-ocell")
    cells.nth(cells.count() - 1).hover()
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / f"player-{name}.png"))
    assert (SHOTS / f"player-{name}.png").stat().st_size > 1000
    assert v.errors == []

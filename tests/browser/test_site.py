"""The built book in a real browser: every page of ``_toc.yml`` loads in headless Chromium without a
JavaScript error from our own code, and the kernel-sliding players work when clicked, hovered and
driven from the keyboard.

The site is ``_build/html`` (``make test`` builds it before pytest; if it is missing this module
builds it). It is served from a thread on 127.0.0.1; every request to another host is aborted, so
the test also proves the pages work without a network. Chromium is Debian's
``chromium-headless-shell`` or ``chromium`` (or ``$CHROMIUM_PATH``, see ``browsing.CHROMIUM``),
driven through Playwright's Python package; no browser is ever downloaded.

Expected values are recomputed independently: from the operands embedded in each player with
``helpers`` (and ``torch``), never read back from the player's own output. Transposed-convolution
players (scatter mode) are checked on every page that has one, and on a page of their own.
Screenshots of one player of each kind at desktop and phone width, and a page-weight report, go to
``_build/screenshots/``.
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
from browsing import CHROMIUM, CHROMIUM_ARGS

import helpers
from helpers.animation import player_steps
from helpers.style import format_number
from scripts.exercises import toc_documents

ROOT = Path(__file__).resolve().parents[2]
# COURSE_BOOK_DIR (a book's folder) and COURSE_SITE_DIR (its built HTML) let the test run against
# another book or build, e.g. a scratch book while developing.
BOOK = Path(os.environ.get("COURSE_BOOK_DIR", ROOT)).resolve()
HTML = Path(os.environ.get("COURSE_SITE_DIR", BOOK / "_build" / "html")).resolve()
SHOTS = HTML.parent / "screenshots"
MAX_PLAYER_BYTES = 100 * 1024
# Errors raised by third-party code that the build puts in every page, not by ours, matched exactly;
# anything else (our players, our own static files, a failed local request) fails the test. None
# at the moment: sphinx-thebe's doubled setup script is dropped by scripts/course_pages.py, and the
# theme's colour mode is set in _config.yml.
THIRD_PARTY_ERRORS: set[str] = set()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def toc_pages(toc: Path) -> list[str]:
    """Every document of a Jupyter Book ``_toc.yml``, root first, without extension."""
    return [p.relative_to(toc.parent).with_suffix("").as_posix() for p in toc_documents(toc)]


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
        self.goto(page_name)

    def goto(self, page_name: str, viewport=None) -> None:
        """Load ``page_name`` in this tab, as a new document (at ``viewport`` if given); the
        errors collected so far are dropped."""
        if viewport is not None and viewport != self.page.viewport_size:
            self.page.set_viewport_size(viewport)
        self.errors.clear()
        self.third_party.clear()
        self.response = self.page.goto(self.base_url + f"{page_name}.html", wait_until="load")
        wait_until_started(self.page)

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


STARTED = """() => !document.querySelector(
  '.c2d-player:not([data-ready]), .c2d-xp:not([data-ready])')"""


def wait_until_started(page) -> None:
    """Players and explorers start one per task after the page is parsed: wait for all."""
    page.wait_for_function(STARTED)


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


@pytest.fixture(scope="module")
def tab(browser, base_url):
    """``tab(page_name, viewport)``: one browser tab for the module's tests that open a built page,
    load it again and then change it; each call loads the page as a new document in that tab
    (a new browser context per test costs about a CPU-second more)."""
    opened: list[Visit] = []

    def open_(page_name, viewport=DESKTOP):
        if not opened:
            opened.append(Visit(browser, base_url, page_name, viewport))
        else:
            opened[0].goto(page_name, viewport)
        return opened[0]

    yield open_
    for v in opened:
        v.close()


@pytest.fixture(scope="module")
def loaded_pages():
    """Pages with players that ``test_every_page_loads_without_errors_from_our_code`` opened and
    left untouched, kept for ``test_players_step_highlight_and_respond_to_the_keyboard`` (which
    opens any page it does not find here): a page load costs about a CPU-second."""
    kept: dict[str, Visit] = {}
    yield kept
    for v in kept.values():
        v.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_loads_without_errors_from_our_code(browser, base_url, loaded_pages, page_name):
    v = Visit(browser, base_url, page_name)
    try:
        assert v.response is not None and v.response.status == 200, page_name
        assert v.page.locator("main h1").count() >= 1, f"{page_name} has no title"
        wait_until_started(v.page)
        # Every player on the page was initialised by its own script.
        ready = v.page.eval_on_selector_all(
            ".c2d-player", "roots => roots.map(r => r.getAttribute('data-ready'))"
        )
        for k, flag in enumerate(ready):
            assert flag == "1", f"{page_name}: player {k}"
        assert v.errors == [], f"{page_name}: {v.errors}"
    except BaseException:
        v.close()
        raise
    if ready:
        loaded_pages[page_name] = v
    else:
        v.close()


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


# A player's state in one round trip: the highlighted cells, the texts, and for each output cell
# asked for (a data-out key) what Playwright's inner_text()/get_attribute() would read, and how
# many cells carry that key (a locator must match exactly one).
JS_STATE = """(root, keys) => ({
  window: [...root.querySelectorAll('.c2d-cell.is-window')].map(c => c.dataset.in),
  rf: [...root.querySelectorAll('.c2d-cell.is-rf')].map(c => c.dataset.in),
  where: root.querySelector('.c2d-where').textContent,
  math: root.querySelector('.c2d-math').textContent,
  scrub: root.querySelector('.c2d-scrub').value,
  cells: Object.fromEntries(keys.map(key => {
    const found = root.querySelectorAll(`[data-out="${key}"]`);
    const c = found[0];
    return [key, found.length !== 1 ? {count: found.length} : {count: 1, text: c.innerText,
            value: c.getAttribute('data-value'), class: c.getAttribute('class')}];
  })),
})"""


def key(index) -> str:
    """An output cell's data-out key: (channel, row, column) -> "c,i,j"."""
    return ",".join(map(str, index))


def state(root, *cells: str) -> dict:
    """The player's state, with the output cells whose keys are given in ``s["cells"][key]``."""
    s = root.evaluate(JS_STATE, list(cells))
    s["window"], s["rf"] = set(s["window"]), set(s["rf"])
    for k, cell in s["cells"].items():
        assert cell["count"] == 1, f"{cell['count']} output cells have data-out={k!r}"
    return s


def out_cell(root, co, i, j):
    return root.locator(f'[data-out="{co},{i},{j}"]')


def check_home_arrow_end(page, check, n: int) -> None:
    """Home goes to the first step, ArrowRight one step on, End to the last; ``check(t)`` checks
    that the player shows step ``t``."""
    page.keyboard.press("Home")
    check(0)
    if n > 1:
        page.keyboard.press("ArrowRight")
        check(1)
        page.keyboard.press("End")
        check(n - 1)


def check_one_tab_stop(page, root, current: str) -> None:
    """The player is one tab stop, the cell ``current`` (a CSS selector inside it), which has the
    focus; Tab leaves the player and Shift+Tab comes back to that cell."""
    stops = root.evaluate(
        "r => [...r.querySelectorAll('button, input, select, [tabindex]')]"
        ".filter(e => e.tabIndex >= 0).map(e => e.outerHTML.slice(0, 80))"
    )
    assert len(stops) == 1, stops
    assert root.evaluate(FOCUSED, current) == [True, 0]
    page.keyboard.press("Tab")
    assert not root.evaluate("r => r.contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert root.evaluate(FOCUSED, current)[0]


# Whether the one element matching a selector inside the root has the focus, and its tabIndex.
FOCUSED = """(r, q) => { const found = r.querySelectorAll(q);
  if (found.length !== 1) throw new Error(`${found.length} elements match ${q}`);
  return [found[0] === document.activeElement, found[0].tabIndex]; }"""


def check_step(root, exp: Expected, t: int, also=()) -> dict:
    """The player shows step ``t``; returns its state, with the output cells ``also`` (keys)."""
    now, after = key(exp.index(t)), [key(exp.index(t + 1))] if t + 1 < exp.n else []
    s = state(root, now, *after, *also)
    assert s["window"] == exp.covered(*exp.index(t)), f"window at step {t}"
    assert s["where"].startswith(f"Step {t + 1} of {exp.n}")
    assert s["math"] == exp.steps[t].text
    assert s["scrub"] == str(t)
    cell = s["cells"][now]
    assert cell["text"].strip() == exp.text(t)
    assert float(cell["value"]) == pytest.approx(float(exp.out[exp.index(t)]), rel=1e-5, abs=1e-6)
    assert "is-current" in cell["class"]
    for k in after:
        assert s["cells"][k]["text"].strip() == ""
    return s


def exercise_player(page, root, exp: Expected):
    n = exp.n
    check_step(root, exp, 0)
    # Step forward with the button: the window moves and the next output cell shows its value.
    if n > 1:
        root.locator('[data-action="next"]').click()
        s = check_step(root, exp, 1, also=[key(exp.index(0))])
        assert s["cells"][key(exp.index(0))]["text"].strip() == exp.text(0)
        root.locator('[data-action="prev"]').click()
        check_step(root, exp, 0)
    # Hover an output cell: its receptive field lights up; moving away clears it.
    last = exp.index(n - 1)
    out_cell(root, *last).hover()
    assert state(root)["rf"] == exp.covered(*last)
    root.locator(".c2d-title").hover()
    assert state(root)["rf"] == set()
    # Clicking an output cell goes to its step and focuses it: its receptive field shows.
    mid = n // 2
    out_cell(root, *exp.index(mid)).click()
    check_step(root, exp, mid)
    assert state(root)["rf"] == exp.covered(*exp.index(mid))
    check_one_tab_stop(page, root, f"[data-out='{','.join(map(str, exp.index(mid)))}']")
    # Keyboard, on the grid: the focus follows the step (roving focus).
    check_home_arrow_end(page, functools.partial(check_step, root, exp), n)
    focused = page.evaluate("document.activeElement.dataset.out")
    assert focused == ",".join(map(str, exp.index(n - 1)))
    if n > exp.shape[2]:  # ArrowUp: one output row back
        page.keyboard.press("ArrowUp")
        check_step(root, exp, n - 1 - exp.shape[2])
    # The scrubber and play: at 4x the player advances by itself, and pauses on request.
    root.evaluate(
        "r => { const s = r.querySelector('.c2d-scrub'); s.value = '0';"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    check_step(root, exp, 0)
    if n > 1:
        root.locator("select.c2d-speed").select_option("4")
        root.locator('[data-action="play"]').click()
        assert pause_once_it_moves(root) == "Pause"
        assert root.locator('[data-action="play"]').inner_text().strip() == "Play"
        check_step(root, exp, int(state(root)["scrub"]))


# -------------------------------------------------------- transposed convolution (scatter players)


class ExpectedScatter:
    """What a transposed-convolution player must show, recomputed from its embedded operands."""

    def __init__(self, data: dict):
        self.data = data
        self.x = torch.tensor(data["src"]["x"], dtype=torch.float64)
        self.w = torch.tensor(data["src"]["w"], dtype=torch.float64)
        self.stride, self.dilation = tuple(data["s"]), tuple(data["d"])
        self.padding, self.output_padding = tuple(data["p"]), tuple(data["op"])
        args = (self.stride, self.padding, self.output_padding, self.dilation)
        self.out = helpers.conv_transpose2d(self.x, self.w, None, *args)
        torch_out = self.torch(self.x, self.padding, self.output_padding)
        assert torch.allclose(self.out, torch_out, atol=1e-6)
        self.steps = player_steps(
            self.x, self.w, mode="transposed", stride=self.stride, padding=self.padding,
            output_padding=self.output_padding, dilation=self.dilation,
        )  # fmt: skip
        self.h, self.w_ = self.x.shape
        self.n = self.x.numel()
        # The full result (uncropped; zeros past it where output_padding exceeds padding)
        self.extra = tuple(max(0, o - p) for o, p in zip(self.output_padding, self.padding))
        self.canvas_shape = tuple(self.torch(self.x, (0, 0), self.extra).shape)
        assert self.canvas_shape == (data["ch"], data["cw"])

    def torch(self, x, padding, output_padding):
        return F.conv_transpose2d(
            x[None, None], self.w[None, None], None, self.stride, padding, output_padding, 1,
            self.dilation,
        )[0, 0]  # fmt: skip

    def canvas(self, t: int) -> dict[str, str]:
        """Every full-result cell's text after step t: the input cells 0..t, the rest zero.
        A cell no played input cell has added into yet is blank (even when the sum would be 0);
        at the last step a kept output cell that no input reaches shows its value, 0."""
        played = torch.zeros(self.n, dtype=torch.float64)
        played[: t + 1] = self.x.flatten()[: t + 1]
        full = self.torch(played.reshape(self.h, self.w_), (0, 0), self.extra)
        reached = set().union(*(self.window(u) for u in range(t + 1)))
        (ph, pw), (oh, ow) = self.padding, self.out.shape
        last = t == self.n - 1
        text = {}
        for (r, c), v in _cells(full):
            key = f"0,{r},{c}"
            kept = ph <= r < ph + oh and pw <= c < pw + ow
            text[key] = format_number(float(v)) if key in reached or (last and kept) else ""
        return text

    def window(self, t: int) -> set[str]:
        i, j = divmod(t, self.w_)
        (sh, sw), (dh, dw) = self.stride, self.dilation
        kh, kw = self.w.shape
        return {
            f"0,{i * sh + a * dh},{j * sw + b * dw}"
            for a, b in itertools.product(range(kh), range(kw))
        }

    def contributors(self, cell: str) -> set[str]:
        return {f"0,{t // self.w_},{t % self.w_}" for t in range(self.n) if cell in self.window(t)}


def _cells(t: torch.Tensor):
    for r in range(t.shape[0]):
        for c in range(t.shape[1]):
            yield (r, c), t[r, c]


JS_SCATTER_STATE = """root => {
  const sel = (q, key) => [...root.querySelectorAll(q)].map(c => c.dataset[key]);
  return {
    winIn: sel('.c2d-icell.is-window', 'in'), winOut: sel('.c2d-ocell.is-window', 'out'),
    rfIn: sel('.c2d-icell.is-rf', 'in'), rfOut: sel('.c2d-ocell.is-rf', 'out'),
    cut: sel('.c2d-ocell.is-cut', 'out'),
    out: Object.fromEntries([...root.querySelectorAll('.c2d-ocell')]
      .map(c => [c.dataset.out, c.textContent])),
    values: Object.fromEntries([...root.querySelectorAll('.c2d-ocell[data-value]')]
      .map(c => [c.dataset.out, parseFloat(c.dataset.value)])),
    where: root.querySelector('.c2d-where').textContent,
    math: root.querySelector('.c2d-math').textContent,
    scrub: root.querySelector('.c2d-scrub').value,
  };
}"""


def scatter_state(root) -> dict:
    s = root.evaluate(JS_SCATTER_STATE)
    for key in ("winIn", "winOut", "rfIn", "rfOut", "cut"):
        s[key] = set(s[key])
    return s


def check_scatter_step(root, exp: ExpectedScatter, t: int) -> dict:
    s = scatter_state(root)
    i, j = divmod(t, exp.w_)
    assert s["winIn"] == {f"0,{i},{j}"}, f"input cell at step {t}"
    assert s["winOut"] == exp.window(t), f"output window at step {t}"
    assert s["where"].startswith(f"Step {t + 1} of {exp.n}")
    assert s["math"] == exp.steps[t].text
    assert s["scrub"] == str(t)
    assert s["out"] == exp.canvas(t), f"output values after step {t}"
    return s


def exercise_scatter_player(page, root, exp: ExpectedScatter):
    n = exp.n
    first = check_scatter_step(root, exp, 0)
    # The hatched border is what padding cuts off; the data values are the cropped output's.
    ph, pw = exp.padding
    oh, ow = exp.out.shape
    kept = {f"0,{ph + r},{pw + c}" for r in range(oh) for c in range(ow)}
    assert first["cut"] == set(first["out"]) - kept
    assert first["values"] == pytest.approx(
        {f"0,{ph + r},{pw + c}": float(v) for (r, c), v in _cells(exp.out)}
    )
    # Step forward: exactly the cells of the new window that receive a non-zero product change,
    # plus the ones it reaches first (blank until then, even when the product is 0).
    if n > 1:
        root.locator('[data-action="next"]').click()
        after = check_scatter_step(root, exp, 1)
        changed = {k for k in after["out"] if after["out"][k] != first["out"][k]}
        i, j = divmod(1, exp.w_)
        nonzero = exp.x[i, j] != 0
        expected = {
            cell
            for cell, (a, b) in zip(
                sorted(exp.window(1), key=lambda s: tuple(map(int, s.split(",")))),
                itertools.product(*map(range, exp.w.shape)),
            )
            if nonzero and exp.w[a, b] != 0
        }
        expected |= exp.window(1) - exp.window(0)
        if n == 2:  # the last step: a kept cell no input reaches shows its output value, 0
            expected |= (kept - exp.window(0)) - exp.window(1)
        assert changed == expected
        # The look holds even when later players on the page repeat the shared rules: the window
        # is orange in the input and the output, played input cells are green, numbers unframed.
        look = root.evaluate(
            """r => {
              r.getAnimations({subtree: true}).forEach(a => a.finish());  // colour transitions
              const bg = q => getComputedStyle(r.querySelector(q)).backgroundColor;
              const idx = r.querySelector('.c2d-idx.is-colidx');
              return {inWin: bg('.c2d-icell.is-window'), outWin: bg('.c2d-ocell.is-window'),
                      played: bg('.c2d-icell.is-done'),
                      idxEdge: getComputedStyle(idx).borderRightColor};
            }"""
        )
        assert look["outWin"] == look["inWin"] != look["played"], look
        assert look["idxEdge"] == "rgba(0, 0, 0, 0)", look
        root.locator('[data-action="prev"]').click()
        check_scatter_step(root, exp, 0)
    # Hover an output cell: the input cells that added into it light up; moving away clears them.
    busiest = max(first["out"], key=lambda cell: (len(exp.contributors(cell)), cell))
    root.locator(f'[data-out="{busiest}"]').hover()
    s = scatter_state(root)
    assert s["rfIn"] == exp.contributors(busiest) and len(s["rfIn"]) >= 1
    root.locator(".c2d-title").hover()
    assert scatter_state(root)["rfIn"] == set()
    # Hover an input cell: the output cells it adds into.
    last_in = f"0,{(n - 1) // exp.w_},{(n - 1) % exp.w_}"
    root.locator(f'[data-in="{last_in}"]').hover()
    assert scatter_state(root)["rfOut"] == exp.window(n - 1)
    root.locator(".c2d-title").hover()
    # Clicking an output cell goes to the last step that adds into it.
    root.locator(f'[data-out="{busiest}"]').click()
    last = max(t for t in range(n) if busiest in exp.window(t))
    check_scatter_step(root, exp, last)
    # Clicking an input cell goes to its step and focuses it; the keys step from there.
    root.locator(f'[data-in="{last_in}"]').click()
    check_scatter_step(root, exp, n - 1)
    check_one_tab_stop(page, root, f"[data-in='{last_in}']")
    check_home_arrow_end(page, functools.partial(check_scatter_step, root, exp), n)
    if n > 1:
        # Play at 4x advances by itself; pressing again pauses.
        page.keyboard.press("Home")
        root.locator("select.c2d-speed").select_option("4")
        root.locator('[data-action="play"]').click()
        assert pause_once_it_moves(root) == "Pause"
        assert root.locator('[data-action="play"]').inner_text().strip() == "Play"
        check_scatter_step(root, exp, int(scatter_state(root)["scrub"]))


def pause_once_it_moves(root):
    """Wait until a playing player has left step 1, then press Pause in the same task (a click sent
    from Python could land after a fast player had reached its end and start it again); return the
    button's label at that moment."""
    return root.evaluate(
        "r => new Promise(done => { const s = r.querySelector('.c2d-scrub');"
        " const b = r.querySelector('[data-action=\"play\"]');"
        " const t = setInterval(() => { if (s.value !== '0') { clearInterval(t);"
        " const label = b.textContent.trim(); b.click(); done(label); } }, 5); })"
    )


class Root:
    """A player's root for the checks: Playwright actions (click, hover, ...) go through its
    locator, reads through an element handle, which is one round trip (``Locator.evaluate``
    resolves the locator again on every call, about ten times the CPU)."""

    def __init__(self, locator):
        self.locator = locator.locator
        self.handle = locator.element_handle()

    def evaluate(self, expression: str, arg=None):
        return self.handle.evaluate(expression, arg)


def exercise_any_player(page, root):
    """Check one player (of any mode) against values recomputed from its embedded operands."""
    root = Root(root)
    data = json.loads(root.locator("script.c2d-data").text_content().replace("<\\/", "</"))
    if data["mode"] == "transposed":
        exercise_scatter_player(page, root, ExpectedScatter(data))
    else:
        exercise_player(page, root, Expected(data))


# Transposed players on a page of their own, so the scatter mode is tested whether or not a
# chapter shows one yet: the usual 2x upsampling layer (padding cuts a border, output_padding keeps
# part of it), overlapping windows with negative values, and a dilated, per-axis one past its end.
SCATTER_EXAMPLES = [
    ((3, 3), (3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((2, 3), (2, 2), {"stride": 1}),
    ((3, 2), (2, 3), {"stride": (2, 1), "padding": (0, 1), "output_padding": (1, 0),
                      "dilation": (1, 2)}),
]  # fmt: skip


def scatter_page() -> str:
    players = []
    for k, (shape, kshape, kw) in enumerate(SCATTER_EXAMPLES):
        g = torch.Generator().manual_seed(k)
        x = torch.randint(-2, 4, shape, generator=g).float()
        w = torch.randint(-1, 3, kshape, generator=g).float()
        players.append(helpers.animate(x, w, mode="transposed", **kw).html)
    players.append(helpers.animate(torch.arange(9.0).reshape(3, 3), torch.ones(2, 2)).html)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>players</title></head><body>'
        f"<main><h1>Transposed players</h1>{''.join(players)}</main></body></html>"
    )


@pytest.fixture
def scatter_visit(browser):
    contexts = []

    def open_(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())  # the page needs nothing from outside
        errors = []
        page.on("pageerror", lambda exc: errors.append(exc.message))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.set_content(scatter_page(), wait_until="load")
        wait_until_started(page)
        return page, errors

    yield open_
    for context in contexts:
        context.close()


def test_transposed_players_scatter_and_highlight(scatter_visit):
    page, errors = scatter_visit()
    roots = page.locator(".c2d-player")
    assert roots.count() == len(SCATTER_EXAMPLES) + 1
    for k in range(roots.count()):
        root = roots.nth(k)
        assert root.get_attribute("data-ready") == "1"
        root.scroll_into_view_if_needed()
        exercise_any_player(page, root)
    assert errors == []


@pytest.mark.parametrize("name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_transposed_player_fits_and_is_screenshotted(scatter_visit, name, viewport):
    page, errors = scatter_visit(viewport)
    root = page.locator(".c2d-player").first
    root.scroll_into_view_if_needed()
    box = root.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
    smallest = root.evaluate(
        "r => Math.min(...[...r.querySelectorAll('.c2d-cell:not(.c2d-idx)')]"
        ".map(c => parseFloat(getComputedStyle(c).fontSize)))"
    )
    assert smallest >= 11, smallest
    root.locator('[data-action="next"]').click()
    root.locator('[data-out="0,2,2"]').hover()
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / f"player-transposed-{name}.png"))
    assert errors == []


# The step text of every player on the page, in order (each player's .c2d-where elements).
WHERE_ALL = "roots => roots.map(r => [...r.querySelectorAll('.c2d-where')].map(w => w.innerText))"


def exercise_page_players(v: Visit, page_name: str) -> int:
    """Exercise every player of an open page in turn; returns how many there were."""
    roots = v.page.locator(".c2d-player")
    count = roots.count()
    for k in range(count):
        root = roots.nth(k)
        root.scroll_into_view_if_needed()
        # Players are independent: the ones not yet touched are still at their first step.
        wheres = v.page.eval_on_selector_all(".c2d-player", WHERE_ALL)
        assert len(wheres) == count, f"{page_name}: {len(wheres)} players, not {count}"
        for later in range(k, count):
            assert len(wheres[later]) == 1, f"{page_name}: player {later}: {wheres[later]}"
            assert wheres[later][0].startswith("Step 1 of"), f"{page_name}: player {later} moved"
        exercise_any_player(v.page, root)
    assert v.errors == [], f"{page_name}: {v.errors}"
    return count


def test_players_step_highlight_and_respond_to_the_keyboard(visit, loaded_pages, site):
    checked = 0
    for page_name in player_pages(site):
        v = loaded_pages.pop(page_name, None) or visit(page_name)
        try:
            checked += exercise_page_players(v, page_name)
        finally:
            v.close()  # closing twice (here and in the visit fixture) is harmless
    assert checked >= 1


def player_fragments(page_html: str) -> list[str]:
    """The HTML each player adds to a built page: its root <div>, data included (the runtime is a
    static file of the page, loaded once)."""
    fragments = []
    for m in re.finditer(r'<div class="c2d-player"', page_html):
        data_end = page_html.index("</script>", page_html.index('class="c2d-data"', m.start()))
        end = page_html.index("</div>", data_end) + len("</div>")
        fragments.append(page_html[m.start() : end])
    return fragments


def test_each_page_loads_the_player_runtime_once(site):
    """The players' script and style are one static file each, loaded once per page; no page
    carries an inline copy (helpers.web.runtime.RUNTIME_CLASS)."""
    from helpers.web.runtime import RUNTIME_CLASS, STATIC_CSS, STATIC_JS

    for page_name in player_pages(site):
        page_html = html_path(page_name).read_text(encoding="utf-8")
        assert f'class="{RUNTIME_CLASS}"' not in page_html, page_name
        assert page_html.count(f"_static/{STATIC_JS}") == 1, page_name
        assert page_html.count(f"_static/{STATIC_CSS}") == 1, page_name
    assert (site / "_static" / STATIC_JS).stat().st_size > 1000


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
def test_player_fits_and_is_screenshotted(tab, site, name, viewport):
    page_name = player_pages(site)[0]
    v = tab(page_name, viewport)
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

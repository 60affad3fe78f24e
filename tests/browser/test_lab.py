"""The chapters as a learner runs them on Binder: JupyterLab in headless Chromium.

One Jupyter server (``jupyter_test_server.shared_jupyter_server``, shared with test_thebe: the
pinned JupyterLab from this environment, the lab settings file Binder's ``postBuild`` installs) and
one browser tab serve the whole module. Each chapter of ``_toc.yml`` is opened by loading its
launch-link path (``lab/tree/book/<chapter>.md``, what the book's Binder button asks for) in that
tab, so JupyterLab starts from the URL as from a Binder link; it must open as a notebook
(jupytext's viewer, not the text editor), and runs with the menu's Run > Run All Cells: every code
cell runs, and only cells tagged ``raises-exception`` may show an error. On the chapter with both
(opened last, so it stays open) a player steps when its Next button is clicked, and the ipywidgets
explorer redraws when a slider moves. Any console error or uncaught
exception in the page fails the test, except the two upstream ones listed in ``KNOWN``.

Every request to a host other than 127.0.0.1 is refused: the notebooks work offline. Screenshots
go to ``_build/screenshots/lab-*.png``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browsing import OFF_HOST
from jupyter_test_server import shared_jupyter_server
from test_site import CHROMIUM, CHROMIUM_ARGS, DESKTOP

import helpers
from scripts.exercises import is_notebook, toc_documents

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = [
    p.relative_to(ROOT).as_posix()
    for p in toc_documents(ROOT / "_toc.yml")
    if is_notebook(p.read_text(encoding="utf-8"))
]
# The chapter whose player and explorer are driven (it has both).
INTERACTIVE = "book/cross-correlation.md"
# Bounded waits (ms), generous for a loaded 2-core machine.
OPEN_MS = 90_000
KERNEL_MS = 120_000
RUN_ALL_MS = 600_000
REDRAW_MS = 30_000
SETTLED_MS = 500
SETTLED = """async ([quiet, limit]) => {
  const nb = window.jupyterapp.shell.currentWidget.node;
  const loading = () => [...nb.querySelectorAll('.jp-OutputArea-output')]
      .some(o => o.textContent === 'Loading widget...');
  let last = performance.now();
  const seen = new MutationObserver(() => { last = performance.now(); });
  seen.observe(nb, {subtree: true, childList: true, characterData: true, attributes: true});
  try {
    for (const end = last + limit; loading() || performance.now() - last < quiet;) {
      if (performance.now() > end) throw new Error('the notebook did not settle');
      await new Promise(r => setTimeout(r, 100));
    }
  } finally { seen.disconnect(); }
}"""

# Labels a chapter may define: (label)= targets, and figure/exercise names and labels.
LABEL_LINE = re.compile(r"^\(([\w-]+)\)=$|^:?\s*(?:name|label): ([\w-]+)$", re.M)


def labels(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {next(g for g in m.groups() if g) for m in LABEL_LINE.finditer(text)}


def target_labels(path: Path) -> set[str]:
    """``(label)=`` targets only: the kind jupyterlab-myst resolves inside one notebook."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))


BOOK_LABELS = set().union(*(labels(ROOT / c) for c in CHAPTERS))
SOURCES = {c: (ROOT / c).read_bytes() for c in CHAPTERS}  # as they were before any ran


def known_upstream(text: str, stack: str) -> bool:
    """Errors from the pinned extensions themselves that a learner does not see.

    - JupyterLab's cell toolbar measures a rendered Markdown cell through ``renderedInput``, which
      jupyterlab-myst's cells do not have (the toolbar's overlap check throws; nothing shows).
    - jupyterlab-myst logs each ``{ref}`` it cannot resolve inside one notebook: a reference to
      another chapter or to a figure that only the book build numbers. Which ones a learner sees
      is checked on the page itself (``unresolved``), not by this filter.
    """
    if text == "Cannot read properties of undefined (reading 'node')":
        return "_markdownOverlapsToolbar" in stack
    lines = text.splitlines()
    return bool(lines) and all(
        line.startswith("Cross reference target was not found: ") for line in lines
    )


@dataclass
class Run:
    """One chapter opened from its launch path and run with Run All."""

    chapter: str
    page: object
    opened_as: str = ""
    cells: list[dict] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    widget_errors: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Lab:
    """The shared server and browser; opens each chapter in the same browser tab.

    Each chapter is opened by loading its launch-link path in that tab (JupyterLab starts afresh
    from the URL, as from a Binder link); the previous chapter's kernel is shut down first, so one
    kernel at a time runs on the machine. Only the chapter opened last stays open.
    """

    def __init__(self, server, browser):
        self.server = server
        self.context = browser.new_context(viewport=DESKTOP)
        self.page = None
        self.current: Run | None = None  # the chapter open now
        self.opened: set[str] = set()  # every chapter opened so far
        self.refused: list[str] = []

    def _refuse(self, route):
        self.refused.append(route.request.url)
        route.abort()

    def _console(self, msg):
        if self.current and msg.type == "error" and not known_upstream(msg.text, ""):
            where = (msg.location or {}).get("url", "")
            self.current.errors.append(f"console: {msg.text} ({where})")

    def _uncaught(self, exc):
        if self.current and not known_upstream(exc.message, exc.stack or ""):
            self.current.errors.append(f"uncaught: {exc.message}\n{exc.stack}")

    @staticmethod
    def _dialog(dialog):
        # Leaving a notebook that ran asks "leave the page?" (beforeunload): leave. Any other
        # dialog is dismissed, as Playwright does when nobody listens.
        if dialog.type == "beforeunload":
            dialog.accept()
        else:
            dialog.dismiss()

    def _tab(self):
        if self.page is None:
            self.page = self.context.new_page()
            self.page.route(OFF_HOST, self._refuse)
            self.page.on("console", self._console)
            self.page.on("pageerror", self._uncaught)
            self.page.on("dialog", self._dialog)
        return self.page

    def run(self, chapter: str) -> Run:
        if self.current and self.current.chapter == chapter:
            return self.current
        start = time.monotonic()
        page = self._tab()
        previous, run = self.current, Run(chapter, page)
        self.current = run
        self.opened.add(chapter)
        # The launch link's path; ?reset starts from an empty workspace (no other tab restored).
        page.goto(self.server.url_for(f"lab/tree/{chapter}?reset"), timeout=OPEN_MS)
        if previous:  # its page is gone: no JupyterLab reacts to its kernel's shutdown
            self.shut_down(previous.chapter)
        page.wait_for_function(
            "path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            " return w && w.context && w.context.path === path && w.context.isReady; }",
            arg=chapter,
            timeout=OPEN_MS,
        )
        run.opened_as = page.evaluate(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " if (w.hasClass('jp-NotebookPanel')) return 'notebook';"
            " return w.node.querySelector('.jp-FileEditor') ? 'text editor' : w.node.className; }"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"lab-{Path(chapter).stem}.png"
        if run.opened_as != "notebook":
            page.wait_for_timeout(2000)  # let the console report what went wrong
            page.screenshot(path=str(shot))
            return run
        # The kernel the notebook asked for (python3) has started and is idle.
        page.wait_for_function(
            "() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;"
            " return s.session && s.session.kernel && s.kernelDisplayStatus === 'idle'; }",
            timeout=KERNEL_MS,
        )
        page.screenshot(path=str(shot))
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_function(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                const code = [...panel.content.model.cells].filter(c => c.type === 'code');
                // Done when every code cell has run, or Run All stopped at an error (a cell not
                // tagged raises-exception): the kernel can be idle for a moment between cells.
                const stopped = code.some(c => !(c.getMetadata('tags') || [])
                    .includes('raises-exception')
                    && [...Array(c.outputs.length).keys()]
                        .some(i => c.outputs.get(i).type === 'error'));
                return panel.sessionContext.kernelDisplayStatus === 'idle'
                    && code.every(c => c.executionState !== 'running')
                    && (code.every(c => c.executionCount !== null) || stopped);
            }""",
            timeout=RUN_ALL_MS,
            polling=500,
        )
        run.cells = page.evaluate(
            """() => [...window.jupyterapp.shell.currentWidget.content.model.cells]
                .filter(c => c.type === 'code')
                .map(c => ({
                    count: c.executionCount,
                    tags: c.getMetadata('tags') || [],
                    source: c.sharedModel.getSource().slice(0, 80),
                    errors: c.outputs.toJSON().filter(o => o.output_type === 'error')
                        .map(o => `${o.ename}: ${o.evalue}`),
                }))"""
        )
        # Every cell drawn (the notebook draws cells lazily), then what the learner sees.
        page.wait_for_function(
            "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
            " return nb.widgets.every(w => w.isAttached || w.node.isConnected); }",
            timeout=OPEN_MS,
        )
        # Widget views and MyST cells render asynchronously: wait until no widget is still
        # loading and the notebook has not changed for SETTLED_MS.
        page.evaluate(SETTLED, [SETTLED_MS, OPEN_MS])
        run.unresolved = page.eval_on_selector_all(
            ".jp-NotebookPanel [title='Cross Reference Not Found']",
            "els => els.map(e => e.textContent.trim())",
        )
        run.widget_errors = (
            page.locator(".jp-NotebookPanel")
            .get_by_text(re.compile("Error displaying widget|model not found"))
            .count()
        )
        run.seconds = time.monotonic() - start
        return run

    def shut_down(self, chapter: str) -> None:
        """Shut the chapter's kernel down, so one kernel at a time runs on the machine."""
        for session in self.server.api("api/sessions"):
            if session["path"] == chapter:
                self.server.api(f"api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def lab(request):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium"
    # The server shared with test_thebe exposes the app in the page: the test reads the notebook's
    # model (cells, outputs, kernel state).
    server = shared_jupyter_server(request.session)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        lab = Lab(server, browser)
        yield lab
        browser.close()
    if lab.current:  # the page is gone: no JupyterLab reacts to its kernel's shutdown
        lab.shut_down(lab.current.chapter)


# The interactive chapter runs last: it stays open in the tab for the player and explorer tests.
RUN_ORDER = [c for c in CHAPTERS if c != INTERACTIVE] + [INTERACTIVE]


@pytest.mark.parametrize("chapter", RUN_ORDER)
def test_chapter_opens_as_a_notebook_and_runs_all_cells(lab, chapter):
    run = lab.run(chapter)
    assert run.opened_as == "notebook", (
        f"{chapter} opened in a {run.opened_as!r}, not a notebook; console:\n"
        + "\n".join(run.errors)
    )
    unrun = [c["source"] for c in run.cells if c["count"] is None]
    assert not unrun, f"{len(unrun)} of {len(run.cells)} code cells did not run: {unrun[:3]}"
    failed = [c for c in run.cells if c["errors"] and "raises-exception" not in c["tags"]]
    assert not failed, "\n".join(f"{c['source']!r}: {c['errors']}" for c in failed)
    assert run.widget_errors == 0, "a widget shows 'Error displaying widget'"
    # A reference to a (label)= target of the same chapter must resolve inside the notebook;
    # references to other chapters and figures cannot (see known_upstream), but must exist.
    own = target_labels(ROOT / chapter)
    assert not [label for label in run.unresolved if label in own]
    assert set(run.unresolved) <= BOOK_LABELS, set(run.unresolved) - BOOK_LABELS
    assert not run.errors, "\n".join(run.errors)
    print(f"{chapter}: {len(run.cells)} code cells in {run.seconds:.1f} s")


def test_player_steps_in_jupyterlab(lab):
    page = lab.run(INTERACTIVE).page
    player = page.locator(".c2d-player").first
    player.scroll_into_view_if_needed()
    # The runtime marks a player ready once it has started (players start one per task).
    player.locator("xpath=self::*[@data-ready]").wait_for()
    where, math = player.locator(".c2d-where"), player.locator(".c2d-math")
    step = re.compile(r"Step (\d+) of (\d+)")
    first, (at, total) = math.text_content(), step.match(where.text_content()).groups()
    assert at == "1"
    player.locator("button[data-action='next']").click()
    player.locator("button[data-action='next']").click()
    assert step.match(where.text_content()).groups() == ("3", total)
    assert math.text_content() != first
    player.screenshot(path=str(SHOTS / "lab-player-step.png"))
    assert not lab.run(INTERACTIVE).errors


def test_explorer_redraws_when_a_slider_moves(lab):
    page = lab.run(INTERACTIVE).page
    explorer = page.locator(".jp-OutputArea-output .widget-vbox").filter(
        has=page.locator(".widget-slider")
    )
    assert explorer.count() == 1, "one helpers.explore() explorer expected in the chapter"
    explorer.scroll_into_view_if_needed()
    view = explorer.locator(".widget-output")
    before = view.inner_text()
    slider = explorer.locator(".widget-slider").filter(has_text="input size n")
    readout = slider.locator(".widget-readout")
    value = int(readout.inner_text())
    explorer.screenshot(path=str(SHOTS / "lab-explorer-before.png"))
    start = time.monotonic()
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => el.innerText !== old",
        arg=[view.element_handle(), before],
        timeout=REDRAW_MS,
    )
    redraw = time.monotonic() - start
    assert int(readout.inner_text()) == value + 1
    # The redrawn view states the new shapes, as helpers computes them (kernel 3, no padding).
    n = value + 1
    h, w = helpers.conv_output_shape((n, n), (3, 3))
    assert f"input (1, {n}, {n}) → output shape (1, {h}, {w})" in view.inner_text()
    explorer.screenshot(path=str(SHOTS / "lab-explorer-after.png"))
    assert not lab.run(INTERACTIVE).errors
    print(f"explorer redrew in {redraw:.2f} s")


def test_running_the_chapters_wrote_nothing_to_them(lab):
    lab.run(INTERACTIVE)  # already open when the tests above ran
    changed = [c for c in lab.opened if (ROOT / c).read_bytes() != SOURCES[c]]
    assert not changed, f"JupyterLab rewrote {changed} (autosave must be off: binder/local)"

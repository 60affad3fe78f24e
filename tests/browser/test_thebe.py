"""Live Code (the rocket icon's thebe button) in headless Chromium, against a local Jupyter server.

For every page of ``_toc.yml`` that is a notebook, the built page (``_build/html``) is opened and
Live Code is activated, with the page's thebe settings pointed at a Jupyter server on 127.0.0.1
instead of Binder: the test adds one ``text/x-thebe-config`` block (``useBinder: false`` and the
server's URL and token), which thebe merges with the page's own, so the site is not rebuilt. Then

- the live cells are exactly the code cells whose input the page shows (a ``remove-input`` cell's
  output, such as a ``helpers.show_source`` listing, never becomes a code cell);
- each live cell is run with its own run button, in page order, waiting for each: none may fail,
  except the cells tagged ``raises-exception``, which must fail;
- on the first chapter the ipywidgets explorer, run under Live Code, redraws when a slider moves
  (screenshots before and after go to ``_build/screenshots/thebe-explorer-*.png``);
- no console error and no uncaught exception on the page.

Offline: thebe itself (the exact version the page asks unpkg for) and requirejs (which thebe's
widget manager fetches from cdnjs) are served from the npm packages ``scripts/ensure-browser-js``
unpacks; the page's own MathJax request is answered with an empty script (the prose maths is not
under test here); any other request off 127.0.0.1 fails the test. One browser serves the module,
and one Jupyter server (``jupyter_test_server.shared_jupyter_server``) the pytest process (test_lab
uses it too); each page's kernel is shut down when the page is done.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import jupytext
import pytest
import yaml
from browsing import OFF_HOST
from jupyter_test_server import shared_jupyter_server
from test_site import DESKTOP, base_url, browser, site  # noqa: F401  (fixtures shared with it)

from scripts.exercises import is_notebook, toc_documents

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "screenshots"
NPM = ROOT / "tests" / "browser" / "npm"
THEBE_CDN = "https://unpkg.com/thebe@{version}/lib/"
REQUIREJS_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/{version}/require.min.js"
# The MathJax script the book's pages load (_config.yml), whatever its version.
PAGE_MATHJAX = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"][
    "config"
]["mathjax_path"]
NOT_LIVE = {"remove-cell", "remove-input"}  # tags whose cell's input is not on the page
# The chapter whose explorer is driven under Live Code.
EXPLORER_PAGE = "book/cross-correlation"
# Bounded waits (ms), generous for a loaded 2-core machine.
KERNEL_MS = 120_000
CELL_MS = 120_000
REDRAW_MS = 30_000

# Open what hides a cell: a hide-input/hide-cell toggle (<details>) or a dropdown (a solution).
SHOW = """el => {
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (a.tagName === "DETAILS" && !a.open) a.querySelector(":scope > summary").click();
    if (a.classList.contains("toggle-hidden")) a.querySelector(".toggle-button").click();
  }
}"""

# Before a cell's run: open what hides it, as a reader would, and bring it into view; its thebe
# id, how many runs of it have finished so far, and the classes (tags) of its page cell.
PREPARE = f"""el => {{
  ({SHOW})(el);
  el.scrollIntoView({{block: "center"}});
  const id = el.getAttribute("data-thebe-id");
  return [id, window.__idle.filter(x => x === id).length, el.closest("div.cell").className];
}}"""
# After the click: wait (in the page, no polling round trips) until one more run of the cell has
# finished; its errors, from thebe's error events.
FINISHED = """async ([id, before, ms]) => {
  const done = () => window.__idle.filter(x => x === id).length > before;
  for (const end = Date.now() + ms; !done(); await new Promise(r => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`cell ${id} did not finish in ${ms} ms`);
  return window.__failed.filter(f => f[0] === id).map(f => f[1]);
}"""

CHAPTERS = [
    p.relative_to(ROOT).with_suffix("").as_posix()
    for p in toc_documents(ROOT / "_toc.yml")
    if is_notebook(p.read_text(encoding="utf-8"))
]


def live_cells(page_name: str) -> list[list[str]]:
    """The tags of each code cell whose input the built page shows, in order."""
    notebook = jupytext.read(ROOT / f"{page_name}.md")
    tags = [c.metadata.get("tags", []) for c in notebook.cells if c.cell_type == "code"]
    return [t for t in tags if not NOT_LIVE & set(t)]


def npm_version(name: str) -> str:
    return json.loads((NPM / name / "package.json").read_text(encoding="utf-8"))["version"]


@pytest.fixture(scope="module")
def npm_packages() -> Path:
    subprocess.run([str(ROOT / "scripts" / "ensure-browser-js")], check=True)
    return NPM


@pytest.fixture(scope="module")
def server(request):
    """The Jupyter server shared with test_lab; it allows calls from any 127.0.0.1 origin."""
    return shared_jupyter_server(request.session)


class LivePage:
    """One built page in a fresh browser context, its thebe settings pointed at ``server``."""

    def __init__(self, browser, base_url, server, npm: Path, page_name: str):  # noqa: F811
        self.server = server
        self.thebe_cdn = THEBE_CDN.format(version=npm_version("thebe"))
        self.requirejs_cdn = REQUIREJS_CDN.format(version=npm_version("requirejs"))
        self.npm = npm
        self.errors: list[str] = []
        self.refused: list[str] = []
        self.context = browser.new_context(viewport=DESKTOP)
        self.page = self.context.new_page()
        self.page.route(OFF_HOST, self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc.message}"))
        local = {
            "useBinder": False,
            "serverSettings": {"baseUrl": server.url, "token": server.token, "appendToken": True},
        }
        self.page.add_init_script(
            "document.addEventListener('DOMContentLoaded', () => {"
            " const s = document.createElement('script');"
            " s.type = 'text/x-thebe-config';"
            f" s.textContent = {json.dumps(json.dumps(local))};"
            " document.body.appendChild(s); });"
        )
        self.response = self.page.goto(base_url + f"{page_name}.html", wait_until="load")

    def _route(self, route):  # requests off 127.0.0.1 only (OFF_HOST)
        url = route.request.url
        if url.startswith(self.thebe_cdn):
            path = self.npm / "thebe" / "lib" / urlparse(url).path.split("/lib/", 1)[1]
            if path.is_file():
                return route.fulfill(path=str(path))
        if url == self.requirejs_cdn:
            return route.fulfill(
                path=str(self.npm / "requirejs" / "require.js"), content_type="text/javascript"
            )
        if url == PAGE_MATHJAX:
            return route.fulfill(body="", content_type="text/javascript")
        self.refused.append(url)
        route.abort()

    def _console(self, msg):
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            self.errors.append(f"console: {msg.text} ({where})")

    def activate(self):
        """Click Live Code in the rocket menu; wait for the kernel and the thebe-init cells."""
        self.page.locator("button.btn-launch-thebe").dispatch_event("click")
        self.page.wait_for_function("() => window.thebe && window.thebe.session", timeout=KERNEL_MS)
        # Each cell's finished runs and failures, by thebe cell id, from thebe's own events.
        self.page.evaluate(
            "() => { window.__idle = []; window.__failed = [];"
            " thebe.on('status', (name, d) => { if (d.subject === 'cell' && d.status === 'idle')"
            " window.__idle.push(d.id); });"
            " thebe.on('error', (name, d) => { if (d.status === 'execute-error')"
            " window.__failed.push([d.id, d.message]); }); }"
        )

    def run_cells(self) -> list[dict]:
        """Run each live cell with its run button, in page order, waiting for each.

        Per cell: one call shows the cell and counts its finished runs so far, a real click on
        its run button, one call that waits in the page for the run to finish.
        """
        results = []
        for cell in self.page.locator(".thebe-cell").element_handles():
            thebe_id, before, tags = cell.evaluate(PREPARE)
            cell.query_selector(".thebe-run-button").click()
            errors = self.page.evaluate(FINISHED, [thebe_id, before, CELL_MS])
            results.append({"tags": tags, "errors": errors})
        return results

    def close(self):
        self.context.close()
        for session in self.server.api("api/sessions") or []:
            self.server.api(f"api/sessions/{session['id']}", method="DELETE")


def test_ensure_script_fetches_the_thebe_the_build_loads(npm_packages):
    from scripts.live_code import THEBE_VERSION

    assert npm_version("thebe") == THEBE_VERSION, "scripts/ensure-browser-js and live_code.py"


@pytest.mark.parametrize("page_name", CHAPTERS)
def test_live_code_runs_every_cell_in_page_order(
    site,  # noqa: F811
    browser,  # noqa: F811
    base_url,  # noqa: F811
    server,
    npm_packages,
    page_name,
):
    expected = live_cells(page_name)
    start = time.monotonic()
    live = LivePage(browser, base_url, server, npm_packages, page_name)
    try:
        assert live.response is not None and live.response.status == 200, page_name
        if not expected:  # nothing to run: no code cell is shown
            inputs = "() => document.querySelectorAll(`${thebe_selector} ${thebe_selector_input}`)"
            count = live.page.evaluate(f"{inputs}.length")
            assert count == 0, page_name
            return
        live.activate()
        assert live.page.locator(".thebe-cell").count() == len(expected), (
            f"{page_name}: live cells on the page vs. code cells whose input is shown"
        )
        results = live.run_cells()
        failed = [
            (i, r["errors"])
            for i, r in enumerate(results)
            if r["errors"] and "tag_raises-exception" not in r["tags"]
        ]
        assert failed == [], f"{page_name}: cells that failed (index, errors): {failed}"
        raising = [i for i, r in enumerate(results) if "tag_raises-exception" in r["tags"]]
        silent = [i for i in raising if not results[i]["errors"]]
        assert silent == [], f"{page_name}: raises-exception cells that did not raise: {silent}"
        if page_name == EXPLORER_PAGE:
            explorer_redraws(live.page)
        assert live.refused == [], f"{page_name}: requests off 127.0.0.1: {live.refused}"
        assert live.errors == [], f"{page_name}: {live.errors}"
        print(f"{page_name}: {len(results)} live cells, {time.monotonic() - start:.1f} s")
    finally:
        live.close()


def explorer_redraws(page):
    """The ipywidgets explorer run under Live Code redraws when its input-size slider moves."""
    explorer = page.locator(".jupyter-widgets.widget-vbox").first
    explorer.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=str(SHOTS / "thebe-explorer-before.png"))
    before = explorer.inner_text()
    assert "output shape" in before, before
    handle = explorer.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        "([el, text]) => el.innerText !== text",
        arg=[explorer.element_handle(), before],
        timeout=REDRAW_MS,
    )
    explorer.screenshot(path=str(SHOTS / "thebe-explorer-after.png"))
    assert "input (1, 6, 6)" in explorer.inner_text(), explorer.inner_text()

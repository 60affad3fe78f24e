"""What the reader-experience audit needs from a browser: a local server for a built site, CDN
requests answered from the project's own npm packages, and the measurements made in the page.

The book's pages load MathJax from jsDelivr (``cdn.jsdelivr.net/npm/mathjax@4/...``). The tests
never reach the network: :func:`local_npm_file` maps every
``cdn.jsdelivr.net/npm/<package>@<v>/<path>`` request onto ``node_modules/<package>/<path>``,
installed from ``package.json`` by ``make`` (so the MathJax that renders in the tests is the major
version the page asks for). Anything else that
leaves 127.0.0.1 is refused.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
BROWSERS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
# Debian's chromium-headless-shell (Chromium's "old" headless mode, the build Playwright itself
# runs for headless tests: no GPU process, no browser UI; about 13 % less processor time than the
# full browser in these tests), else Debian's full chromium; $CHROMIUM_PATH wins (CI: the runner's
# Chrome). scripts/ensure-chromium installs the shell.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (path for path in BROWSERS if Path(path).exists()), BROWSERS[0]
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 800}
# What the route handlers below see: only requests that leave 127.0.0.1. Matched by the browser
# (a regular expression is, a "**/*" glob with a Python filter is not), so the site's own files are
# not passed through Python one by one.
OFF_HOST = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://")
_NPM_URL = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)(?:@[^/]*)?/(.*)$")


def local_npm_file(url: str) -> Path | None:
    """The file in ``node_modules`` that a jsDelivr npm URL names, or None.

    ``https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js`` ->
    ``node_modules/mathjax/tex-mml-chtml.js``; scoped packages (``@mathjax/...``) too.
    """
    m = _NPM_URL.match(url.split("?", 1)[0].split("#", 1)[0])
    if not m:
        return None
    path = (NODE_MODULES / m.group(1) / m.group(2)).resolve()
    if NODE_MODULES.resolve() not in path.parents or not path.is_file():
        return None
    return path


_TYPES = {".js": "text/javascript", ".json": "application/json", ".woff2": "font/woff2"}


def answer_locally(route) -> None:
    """Playwright route handler: 127.0.0.1 and data: go through, jsDelivr npm files come from
    ``node_modules``, everything else is aborted (the tests are offline)."""
    url = route.request.url
    if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
        return route.continue_()
    path = local_npm_file(url)
    if path is None:
        return route.abort()
    return route.fulfill(
        path=str(path),
        content_type=_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Access-Control-Allow-Origin": "*"},
    )


async def answer_locally_async(route) -> None:
    """:func:`answer_locally` for Playwright's async API."""
    url = route.request.url
    if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
        return await route.continue_()
    path = local_npm_file(url)
    if path is None:
        return await route.abort()
    return await route.fulfill(
        path=str(path),
        content_type=_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Access-Control-Allow-Origin": "*"},
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(directory: Path):
    """Serve ``directory`` on 127.0.0.1 from a thread; yields the base URL (ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Wait until MathJax (if the page has maths) has typeset everything.
MATH_READY = """async () => {
  if (!document.querySelector('div.math, span.math')) return 'no maths';
  for (let i = 0; i < 400 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 25));
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise))
    return 'MathJax did not load';
  await MathJax.startup.promise;
  return 'typeset';
}"""

# Display formulas and cell outputs that the reader cannot see in full: content wider than the
# box that shows it (a scroll box counts: nothing tells the reader it scrolls), or past the screen.
# Each finding: what, the page element's id or a text excerpt, and the hidden width in CSS px.
CLIPPED = """() => {
  const found = [];
  const vw = document.documentElement.clientWidth;
  const label = el => {
    const withId = el.closest('[id]');
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60);
    return (withId ? '#' + withId.id + ' ' : '') + text;
  };
  const visibleRight = el => {
    let right = vw;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') right = Math.min(right, a.getBoundingClientRect().right);
    }
    return right;
  };
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    if (!m.offsetParent) continue;  // not shown (e.g. in a closed dropdown)
    const inner = m.firstElementChild || m;
    const r = inner.getBoundingClientRect();
    let hidden = Math.max(0, m.scrollWidth - m.clientWidth, r.right - visibleRight(m));
    for (const line of m.querySelectorAll('mjx-linebox, mjx-mtable')) {
      hidden = Math.max(hidden, line.getBoundingClientRect().right - visibleRight(m));
    }
    if (hidden > 1) found.push(['formula', label(m), Math.round(hidden)]);
  }
  const outputs = '.cell_output pre, .cell_output .output, div.output pre, .cell_output table';
  for (const o of document.querySelectorAll(outputs)) {
    if (!o.offsetParent) continue;
    const hidden = Math.max(0, o.scrollWidth - o.clientWidth,
                            o.getBoundingClientRect().right - visibleRight(o));
    if (hidden > 1) found.push(['output', label(o), Math.round(hidden)]);
  }
  return found;
}"""

# Sequential tab stops inside each player: focusable elements with tabIndex >= 0, shown.
TAB_STOPS = """() => [...document.querySelectorAll('.c2d-player')].map(root => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex]';
  const own = root.matches('[tabindex]') && root.tabIndex >= 0 ? 1 : 0;
  return own + [...root.querySelectorAll(focusable)].filter(e =>
    e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0).length;
})"""

# The text of every SVG figure (an <img> in a cell output or a figure) at the size it has on
# screen. An <img>'s SVG is not in the page's DOM, so each is fetched and drawn once more,
# invisibly, at the <img>'s on-screen size; a text element's size in CSS px is then its font size
# times its on-screen scale. Text drawn as glyph paths (matplotlib's svg.fonttype 'path': a
# <g id="text_..."> of <use> elements, no <text>) cannot be read, resized or searched: counted.
# Per figure: {src, alt, width, texts, min_px, smallest, path_texts}.
FIGURE_TEXT = """async () => {
  const found = [];
  const holder = document.createElement('div');
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;pointer-events:none';
  document.body.appendChild(holder);
  try {
    for (const img of document.querySelectorAll(
        '.cell_output img, figure img, .figure img, img.figure')) {
      const src = img.currentSrc || img.src;
      const box = img.getBoundingClientRect();
      if (!/\\.svg([?#]|$)/i.test(src) || !box.width) continue;
      const parsed = new DOMParser().parseFromString(
        await (await fetch(src)).text(), 'image/svg+xml').documentElement;
      parsed.setAttribute('width', box.width);
      parsed.setAttribute('height', box.height);
      holder.replaceChildren(document.importNode(parsed, true));
      const svg = holder.firstElementChild;
      let min = Infinity, smallest = '', texts = 0;
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        const m = t.getScreenCTM();
        const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        texts++;
        if (px < min) { min = px; smallest = t.textContent.trim().slice(0, 40); }
      }
      const pathTexts = [...svg.querySelectorAll('g[id^="text_"]')].filter(
        g => !g.querySelector('text') && g.querySelector('use')).length;
      found.push({src: src.split('/').pop(), alt: (img.alt || '').slice(0, 60),
                  width: Math.round(box.width), texts,
                  min_px: texts ? Math.round(min * 10) / 10 : null, smallest,
                  path_texts: pathTexts});
    }
  } finally { holder.remove(); }
  return found;
}"""

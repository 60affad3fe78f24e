"""The reader-experience audit of a built site, page by page, in one headless Chromium.

For every page and both widths (375 and 1280 px) it loads the page offline (MathJax and anything
else from jsDelivr answered from ``node_modules``, see :mod:`browsing`), waits for the maths and
the players, and records:

- MathJax's options as it typeset (:data:`MATH_OPTIONS`: assistive MathML, no enrichment);
- clipped display formulas and outputs (:data:`browsing.CLIPPED`);
- tab stops per player (:data:`browsing.TAB_STOPS`);
- at 375 px, the on-screen size of the text in every SVG figure (:data:`browsing.FIGURE_TEXT`):
  none smaller than :data:`MIN_FIGURE_TEXT_PX`, none drawn as glyph paths;
- axe-core violations of impact serious or critical, in the light and the dark colour mode;
- at 375 px, a screenshot of each formula in :data:`FORMULA_SHOTS`;
- in print (print media, the width of an A4 page), the clipped formulas and outputs, a
  screenshot of the whole page (``<shots>/print-<page>.png``) and the number of A4 pages it
  prints to.

Pages are audited concurrently (a few browser contexts at a time) to keep the wall time low. Each
page is loaded once: the narrow width first, then the viewport is widened and MathJax lays the
formulas out again for the new column (:data:`RELAYOUT`), so the costly load and typesetting are
not repeated per width.
:func:`problems` turns a result into the list of failures the tests assert to be empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import browsing

CONCURRENCY = int(os.environ.get("COURSE_AUDIT_PAGES", "3"))
WIDTHS = {"375": browsing.NARROW, "1280": browsing.WIDE}  # audited in this order
A4 = {"width": 794, "height": 1123}  # CSS px at 96 per inch
MODES = ("light", "dark")
SERIOUS = {"serious", "critical"}
# Issue 16: grid digits (and every other figure text) at least 10 CSS px on a 375 px phone.
MIN_FIGURE_TEXT_PX = 10.0

# Violations inside the theme's own markup (sphinx-book-theme / pydata-sphinx-theme), not ours:
# (axe rule, CSS selector the node matches, reason). The only place where a serious violation may
# be accepted.
AXE_EXCEPTIONS: list[tuple[str, str, str]] = [
    (
        "label-content-name-mismatch",
        "button.search-button-field",
        "pydata-sphinx-theme's search button: named 'Search' while it shows 'Search Ctrl+K' "
        "(the visible text adds the keyboard shortcut); theme template, not our markup",
    ),
    (
        "color-contrast",
        ".search-button__default-text",
        "pydata-sphinx-theme's search button placeholder ('Search') in the dark mode: the theme's "
        "muted text colour on its button; theme template, not our markup",
    ),
    (
        "label-content-name-mismatch",
        "button.theme-switch-button",
        "pydata-sphinx-theme's colour-mode button: named 'Color mode' while its visible text is "
        "the current mode's icon label; theme template, not our markup",
    ),
]

# Display formulas to photograph at 375 px (the three that issue 16 found cut off): page ->
# [(file name, CSS selector of the box that holds the formula, text in that box)].
FORMULA_SHOTS = {
    "book/channels": [("channels-two-channels-by-hand", "#ex-ch-by-hand", "")],
    "book/cross-correlation": [("cross-correlation-by-hand", "#ex-cc-by-hand", "")],
    "book/padding-stride": [
        ("padding-stride-reading-other-texts", ".admonition", "padding per side or in total")
    ],
}

PLAYERS_READY = """async () => {
  for (let i = 0; i < 200; i++) {
    const waiting = document.querySelectorAll(
      '.c2d-player:not([data-ready]), .c2d-xp:not([data-ready])');
    if (!waiting.length) return true;
    await new Promise(r => setTimeout(r, 25));
  }
  return false;
}"""

# Wait until what a change started has been drawn and its CSS transitions have run (the theme's
# sidebar slides in for ~0.25 s when the page widens; the players' cells and the copy buttons fade
# their colours for ~0.3 s when the colour mode changes: measured earlier, a formula is laid out
# for a column 110 px wider than the final one, and axe reads colours halfway between the modes).
# At most 3 s: a transition Chromium still lists after it finished does not hang the audit.
SETTLE = """
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frames();
  const end = performance.now() + 3000;
  for (let moving; performance.now() < end && (moving = document.getAnimations()
       .filter(a => a instanceof CSSTransition && a.playState === 'running')).length;) {
    await Promise.race([Promise.allSettled(moving.map(a => a.finished)),
                        new Promise(r => setTimeout(r, end - performance.now()))]);
  }
  await frames();
"""

SET_MODE = (
    """async mode => {
  document.documentElement.dataset.theme = mode;
  document.documentElement.dataset.mode = mode;"""
    + SETTLE
    + "}"
)

# Serious and critical violations: [rule, node, html, accepted]; a node is accepted when it matches
# an exception's selector for that rule. `rules`: only these rules (null: all).
RUN_AXE = """async ([exceptions, rules]) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  const r = await axe.run(document, options);
  const ok = (rule, target) => {
    const node = document.querySelector(target);
    return !!node && exceptions.some(([r, sel]) => r === rule && node.matches(sel));
  };
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .flatMap(v => v.nodes.map(n => {
      const target = n.target.join(' ');
      return [v.id, target, (n.html || '').slice(0, 160), ok(v.id, target)];
    }));
}"""
# Only colours change with the colour mode: the dark mode is checked for contrast alone.
MODE_RULES = {"light": None, "dark": ["color-contrast"]}


@dataclass
class PageResult:
    page: str
    width: str
    math: str = ""
    math_options: dict | None = None  # MathJax's options as typeset (None: no MathJax)
    clipped: list = field(default_factory=list)  # [what, where, hidden px]
    tab_stops: list = field(default_factory=list)  # per player
    figures: list = field(default_factory=list)  # per SVG figure, at 375 px: browsing.FIGURE_TEXT
    axe: dict = field(default_factory=dict)  # mode -> [[rule, target, html]]
    print_pages: int | None = None
    print_clipped: list = field(default_factory=list)  # [what, where, hidden px] on paper
    errors: list = field(default_factory=list)


def problems(results: list[PageResult]) -> list[str]:
    """Every failure: clipped content, players with other than one tab stop, serious axe
    violations outside :data:`AXE_EXCEPTIONS`, maths that did not render, page errors."""
    found = []
    for r in results:
        at = f"{r.page} @ {r.width}px"
        if r.math not in ("typeset", "no maths"):
            found.append(f"{at}: maths {r.math}")
        if r.math == "typeset" and r.math_options != MATH_WANTED:
            found.append(f"{at}: MathJax typeset with {r.math_options}, not {MATH_WANTED}")
        found += [
            f"{at}: clipped {what} {where!r} ({px} px hidden)" for what, where, px in r.clipped
        ]
        found += [f"{at}: player {k} has {n} tab stops" for k, n in enumerate(r.tab_stops) if n > 1]
        found += [f"{at}: player {k} has no tab stop" for k, n in enumerate(r.tab_stops) if n < 1]
        for f in r.figures:
            if f["min_px"] is not None and f["min_px"] < MIN_FIGURE_TEXT_PX:
                found.append(
                    f"{at}: figure text {f['smallest']!r} is {f['min_px']} px "
                    f"(< {MIN_FIGURE_TEXT_PX:g}) in {f['src']} ({f['alt']})"
                )
            if f["path_texts"]:
                found.append(f"{at}: {f['path_texts']} texts drawn as paths in {f['src']}")
        for mode, nodes in r.axe.items():
            found += [
                f"{at} {mode}: axe {rule} at {target}: {snippet}"
                for rule, target, snippet, ok in nodes
                if not ok
            ]
        found += [
            f"{at}: clipped in print {what} {where!r} ({px} px hidden)"
            for what, where, px in r.print_clipped
        ]
        found += [f"{at}: {e}" for e in r.errors]
    return found


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


# What MathJax does on the page, as typeset (its menu's settings win over the page's options): the
# book asks for assistive MathML and no enrichment, speech or Braille (_config.yml), which would
# otherwise cost most of the typesetting time on the reader's device.
MATH_OPTIONS = """() => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.document)) return null;
  const o = MathJax.startup.document.options;
  return {enableAssistiveMml: o.enableAssistiveMml, enableEnrichment: o.enableEnrichment,
          enableSpeech: o.enableSpeech, enableBraille: o.enableBraille};
}"""
MATH_WANTED = {
    "enableAssistiveMml": True,
    "enableEnrichment": False,
    "enableSpeech": False,
    "enableBraille": False,
}


# After the viewport changed: let the layout settle, then have MathJax measure the new column and
# lay every formula out again (line breaks included), as a fresh load at that width would. Only the
# layout is redone (STATE.METRICS on), not the TeX: a reload would typeset everything again.
RELAYOUT = (
    "async () => {"
    + SETTLE
    + """  if (!document.querySelector('div.math, span.math')) return 'no maths';
  if (!(window.MathJax && MathJax.startup && MathJax.startup.document))
    return 'MathJax did not load';
  await MathJax.startup.document.rerenderPromise(MathJax._.core.MathItem.STATE.METRICS);
  return 'typeset';
}"""
)


async def _audit_page(
    browser, base: str, page: str, widths, shots: Path | None
) -> list[PageResult]:
    """One page, loaded once, audited at each width in turn (the viewport resized between them,
    the maths laid out again for the new width): one result per width."""
    results: list[PageResult] = []
    context = await browser.new_context(viewport=WIDTHS[widths[0]])
    context.set_default_timeout(120_000)
    try:
        tab = await context.new_page()
        tab.on("pageerror", lambda exc: results[-1].errors.append(f"uncaught: {exc.message}"))
        results.append(PageResult(page, widths[0]))
        await tab.route(browsing.OFF_HOST, browsing.answer_locally_async)
        await tab.goto(base + page + ".html", wait_until="load")
        await tab.add_script_tag(path=str(browsing.AXE_JS))
        for i, width in enumerate(widths):
            if i:
                results.append(PageResult(page, width))
                await tab.emulate_media(media="screen")
                await tab.set_viewport_size(WIDTHS[width])
                results[-1].math = await tab.evaluate(RELAYOUT)
            else:
                results[-1].math = await tab.evaluate(browsing.MATH_READY)
            results[-1].math_options = await tab.evaluate(MATH_OPTIONS)
            await _audit_width(tab, results[-1], shots)
    finally:
        await context.close()
    return results


async def _audit_width(tab, result: PageResult, shots: Path | None) -> None:
    page, width = result.page, result.width
    if not await tab.evaluate(PLAYERS_READY):
        result.errors.append("a player or explorer did not start")
    result.clipped = await tab.evaluate(browsing.CLIPPED)
    result.tab_stops = await tab.evaluate(browsing.TAB_STOPS)
    if width == "375":
        result.figures = await tab.evaluate(browsing.FIGURE_TEXT)
    for mode in MODES:
        await tab.evaluate(SET_MODE, mode)
        exceptions = [[rule, selector] for rule, selector, _ in AXE_EXCEPTIONS]
        result.axe[mode] = await tab.evaluate(RUN_AXE, [exceptions, MODE_RULES[mode]])
    await tab.evaluate(SET_MODE, "light")
    if shots is not None and width == "375":
        for name, selector, text in FORMULA_SHOTS.get(page, []):
            box = tab.locator(selector, has_text=text or None).first
            formula = box.locator('mjx-container[display="true"]').first
            try:
                await formula.screenshot(
                    path=str(shots / f"formula-{name}-375.png"), timeout=15_000
                )
            except Exception as error:  # the name of a missing formula, not a 2-min hang
                result.errors.append(f"no formula to photograph for {name}: {error}")
    if shots is not None and width == "1280":
        await tab.emulate_media(media="print")
        await tab.set_viewport_size(A4)
        result.print_clipped = await tab.evaluate(browsing.CLIPPED)
        name = page.replace("/", "-")
        await tab.screenshot(path=str(shots / f"print-{name}.png"), full_page=True)
        result.print_pages = pdf_pages(await tab.pdf(format="A4"))


async def _audit(
    sites: dict[str, tuple[Path, Path | None]], pages: list[str], widths
) -> dict[str, list[PageResult]]:
    from playwright.async_api import async_playwright

    for _, shots in sites.values():
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(browsing.served(s)) for name, (s, _) in sites.items()}
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=browsing.CHROMIUM, args=browsing.CHROMIUM_ARGS
            )
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(name, page):
                async with gate:
                    shots = sites[name][1]
                    return await _audit_page(browser, bases[name], page, list(widths), shots)

            # Every page of every site in one queue, the heaviest first, so that the last pages to
            # finish are small ones and the browser stays busy to the end.
            def weight(job):
                html = sites[job[0]][0] / f"{job[1]}.html"
                return -html.stat().st_size if html.exists() else 0

            jobs = sorted(((name, page) for name in sites for page in pages), key=weight)
            try:
                done = await asyncio.gather(*(one(name, page) for name, page in jobs))
            finally:
                await browser.close()
    found = {name: [] for name in sites}
    for (name, _), results in zip(jobs, done):
        found[name] += results
    return found


def audit_sites(
    sites: dict[str, tuple[Path, Path | None]], pages: list[str], widths=tuple(WIDTHS)
) -> dict[str, list[PageResult]]:
    """Audit ``pages`` (paths without ``.html``) of several built sites at once, one browser for
    all: ``sites`` maps a name to (site folder, screenshot folder or None); the results by name."""
    return asyncio.run(_audit(sites, pages, widths))


def audit(site: Path, pages: list[str], widths=tuple(WIDTHS), shots: Path | None = None):
    """Audit ``pages`` (paths without ``.html``) of the site in ``site``; see the module doc."""
    return audit_sites({"site": (site, shots)}, pages, widths)["site"]

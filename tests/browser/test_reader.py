"""Every page of both editions, as a reader gets it (issue 16), in headless Chromium, offline.

The editions (the book ``_build/html``, the student edition ``_build/student/html`` and the
Chinese book ``_build/html/zh``, each built if missing), every page of ``_toc.yml``, at 375 and
1280 px (the Chinese book at 375 px), audited by
``reader_audit.py``: no display formula or output clipped, every player exactly one tab stop,
no serious or critical axe-core violation from our markup in the light or the dark mode (the
theme's own are listed, with reasons, in ``reader_audit.AXE_EXCEPTIONS``), maths rendered by a
local MathJax (npm, same major as the page asks for), and a print-media screenshot of each page
under ``_build/screenshots/`` (with the number of A4 pages it prints to, in ``reader-audit.json``).

A chapter of the Chinese edition is photographed at 1280 and 375 px with a player mid-animation
and its maths rendered (``_build/screenshots/zh-*.png``); its players speak Chinese, and the
Chinese search finds Chinese words.

The checks are shown to fail: deliberately broken fixture pages (a clipped formula, a serious axe
violation outside the exceptions, a player with more than one tab stop) must each be reported.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import browsing
import pytest
import reader_audit
import torch

import helpers
from scripts.exercises import toc_documents

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = {
    "book": ROOT / "_build" / "html",
    "student": ROOT / "_build" / "student" / "html",
    "book-zh": ROOT / "_build" / "html" / "zh",  # scripts/editions.py
}
BUILD = {
    "book": [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT)],
    "student": [sys.executable, "-m", "scripts.student_build"],
    "book-zh": [sys.executable, "-m", "scripts.editions"],
}
# Print screenshots: the English editions' (the Chinese pages print alike).
PRINT_SHOTS = {"book": "print", "student": "print-student"}
# The Chinese book at phone width only (its text wraps differently; its layout at 1280 px is the
# English one's, and test_a_chinese_chapter_speaks_chinese_mid_animation photographs it there).
WIDTHS = {"book-zh": ("375",)}
SHOTS = ROOT / "_build" / "screenshots"
PAGES = [p.relative_to(ROOT).with_suffix("").as_posix() for p in toc_documents(ROOT / "_toc.yml")]


def built(edition: str) -> Path:
    html = EDITIONS[edition]
    if not (html / "index.html").exists():
        subprocess.run(BUILD[edition], check=True, cwd=ROOT)
    return html


@pytest.fixture(scope="module")
def audits() -> dict[str, list[reader_audit.PageResult]]:
    """Every edition audited once (one browser per set of widths, pages in parallel)."""
    assert browsing.AXE_JS.exists(), "node_modules missing: run `npm ci` (make does)"
    sites = {
        edition: (built(edition), SHOTS / PRINT_SHOTS[edition] if edition in PRINT_SHOTS else None)
        for edition in EDITIONS
    }
    results = {}
    for widths in {WIDTHS.get(e, tuple(reader_audit.WIDTHS)) for e in EDITIONS}:
        group = {
            e: s for e, s in sites.items() if WIDTHS.get(e, tuple(reader_audit.WIDTHS)) == widths
        }
        results.update(reader_audit.audit_sites(group, PAGES, widths))
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = {e: [dataclasses.asdict(r) for r in rs] for e, rs in results.items()}
    (SHOTS / "reader-audit.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return results


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_reads_fully_with_a_keyboard_and_a_screen_reader(audits, edition):
    results = audits[edition]
    assert {(r.page, r.width) for r in results} == {
        (p, w) for p in PAGES for w in WIDTHS.get(edition, reader_audit.WIDTHS)
    }
    assert reader_audit.problems(results) == []


def test_every_chapter_has_a_print_screenshot(audits):
    pages = {}
    for r in audits["book"]:
        if r.width == "1280":
            name = r.page.replace("/", "-")
            assert (SHOTS / "print" / f"print-{name}.png").stat().st_size > 1000, r.page
            assert r.print_pages and r.print_pages >= 1, r.page
            pages[r.page] = r.print_pages
    # the page-count report (also in reader-audit.json): A4 pages per chapter
    report = "\n".join(f"{n:4d}  {page}" for page, n in pages.items())
    report += f"\n{sum(pages.values()):4d}  A4 pages in all"
    (SHOTS / "print-pages.txt").write_text(report + "\n", encoding="utf-8")
    print(report)


def test_figure_text_is_measured_on_every_chapter_with_figures(audits):
    """The figure check is not vacuous: every SVG figure of the book was measured at 375 px."""
    figures = [f for r in audits["book"] if r.width == "375" for f in r.figures]
    assert len(figures) >= 10 and all(f["texts"] > 0 for f in figures), figures
    smallest = min(f["min_px"] for f in figures)
    print(f"smallest figure text at 375 px: {smallest} px over {len(figures)} figures")
    assert smallest >= reader_audit.MIN_FIGURE_TEXT_PX


@pytest.mark.parametrize("edition", ["book", "book-zh"])
def test_players_have_one_tab_stop(audits, edition):
    counts = [n for r in audits[edition] for n in r.tab_stops]
    assert counts and set(counts) == {1}


# ---------------------------------------------------------------- the Chinese edition

ZH_CHAPTER = "book/cross-correlation"
# "Step 2 of 4 · output row 0, column 1" on a Chinese page
ZH_STEP = re.compile(r"^第 \d+ 步，共 \d+ 步 · 输出第 \d+ 行第 \d+ 列$")
ZH_SEARCH = "卷积核"  # a Key terms entry of most chapters


def test_a_chinese_chapter_speaks_chinese_mid_animation():
    """The Chinese chapter at 1280 and 375 px: html lang, the language switch to the same English
    page, rendered maths, a player playing with Chinese step lines and buttons; photographed."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with browsing.served(built("book-zh")) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browsing.CHROMIUM, args=browsing.CHROMIUM_ARGS)
        try:
            for width, viewport in reader_audit.WIDTHS.items():
                tab = browser.new_page(viewport=viewport)
                tab.route(browsing.OFF_HOST, browsing.answer_locally)
                tab.goto(base + ZH_CHAPTER + ".html")
                assert tab.evaluate("document.documentElement.lang") == "zh-CN"
                switch = tab.locator("nav.c2d-lang a[hreflang=en]")
                assert switch.get_attribute("href") == "../../" + ZH_CHAPTER + ".html"
                assert tab.evaluate(browsing.MATH_READY) == "typeset"
                player = tab.locator(".c2d-player").first
                player.scroll_into_view_if_needed()
                play = player.locator('[data-action="play"]')
                assert play.inner_text().strip() == "播放"
                play.click()
                tab.wait_for_function(
                    "p => p.querySelector('.c2d-scrub').value >= 1", arg=player.element_handle()
                )
                assert play.inner_text().strip() == "暂停"
                assert ZH_STEP.match(player.locator(".c2d-where").inner_text()), width
                assert (
                    player.locator(".c2d-scrub").get_attribute("aria-valuetext").startswith("第 ")
                )
                tab.screenshot(
                    path=str(SHOTS / f"zh-cross-correlation-{width}.png"), full_page=True
                )
                tab.close()
        finally:
            browser.close()


def test_the_chinese_search_finds_chinese_words():
    from playwright.sync_api import sync_playwright

    with browsing.served(built("book-zh")) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browsing.CHROMIUM, args=browsing.CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.route(browsing.OFF_HOST, browsing.answer_locally)
            tab.goto(f"{base}search.html?q={ZH_SEARCH}")
            found = tab.locator("#search-results ul.search li")
            found.first.wait_for(timeout=60_000)
            assert found.count() >= 3
        finally:
            browser.close()


# ---------------------------------------------------------------- the checks fail when they should

CLIPPED_FORMULA = r"""<div class="math notranslate nohighlight">\[
K = \begin{bmatrix} 101 & 102 & 103 & 104 & 105 & 106 & 107 & 108 & 109 & 110 & 111 & 112 & 113
\end{bmatrix} \]</div>"""
# A role-less div named by aria-label: the old players' empty output cells (aria-prohibited-attr,
# serious).
# An SVG figure whose digits are 5 CSS px at 375 px, and one whose text is drawn as glyph paths.
SMALL_TEXT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="60pt" viewBox="0 0 300 60">'
    '<text x="10" y="30" style="font-size: 5px">0 1 2</text></svg>'
)
PATH_TEXT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="60pt" height="60pt" viewBox="0 0 60 60"><defs><path id="g0" d="M0 0h9v9H0z"/></defs>'
    '<g id="text_1"><use xlink:href="#g0" x="20" y="20"/></g></svg>'
)
SMALL_FIGURES = (
    '<figure><img alt="digits" src="small-text.svg"></figure>'
    '<div class="cell_output"><img alt="glyphs" src="path-text.svg"></div>'
)
SERIOUS_AXE = '<div class="c2d-cell" aria-label="output row 0, column 1: not computed yet"></div>'


def broken_player() -> str:
    """A real player whose buttons and speed menu were put back in the tab order (6 extra)."""
    player = helpers.animate(torch.arange(9.0).reshape(3, 3), torch.ones(2, 2))
    return player.html.replace(' tabindex="-1">', ">")


def fixture_site(tmp_path: Path, body: str) -> Path:
    """A one-page site that loads MathJax 4 from the CDN URL the book uses, with its defaults
    (no line-breaking): what a page without the book's configuration would show."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fixture</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<script defer src="https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js"></script>'
        f"</head><body><main><h1>Fixture</h1>{body}</main></body></html>"
    )
    (tmp_path / "fixture.html").write_text(page, encoding="utf-8")
    (tmp_path / "small-text.svg").write_text(SMALL_TEXT_SVG, encoding="utf-8")
    (tmp_path / "path-text.svg").write_text(PATH_TEXT_SVG, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    body = f"<p>Text.</p>{CLIPPED_FORMULA}{SERIOUS_AXE}{broken_player()}{SMALL_FIGURES}"
    site = fixture_site(tmp_path_factory.mktemp("broken"), body)
    return reader_audit.problems(reader_audit.audit(site, ["fixture"], widths=("375",)))


# What the audit must report on the broken fixture page, one failure of each kind. The fixture
# loads MathJax without the book's settings, so its menu turns enrichment on.
BROKEN_PROBLEMS = {
    "a clipped formula": "clipped formula",
    "a serious axe violation outside the exceptions": "axe aria-prohibited-attr",
    "a player with more than one tab stop": "player 0 has 7 tab stops",
    "MathJax with its menu's defaults": "MathJax typeset with",
    "small figure text": "figure text '0 1 2' is 6.7 px",
    "figure text drawn as paths": "1 texts drawn as paths in path-text.svg",
}


@pytest.mark.parametrize("report", BROKEN_PROBLEMS.values(), ids=list(BROKEN_PROBLEMS))
def test_each_kind_of_problem_fails_the_audit(broken, report):
    assert any(report in p for p in broken), broken

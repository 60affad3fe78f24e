"""Page weight and DOMContentLoaded of the heaviest page against the intro, for one or more
built sites side by side in one run (issue 19: conv-arithmetic <= 250 KB of HTML, and its
DOMContentLoaded <= 1.6x the intro's).

Run: ``.venv/bin/python benchmarks/bench_pages.py [LABEL=SITE_DIR[:NODE_MODULES] ...]``
(default: ``this=_build/html``). Each site is served from 127.0.0.1 and loaded in headless
Chromium, offline: jsDelivr npm URLs (MathJax) are answered from NODE_MODULES (default: the
project's ``node_modules``), everything else from outside is refused. Pages are loaded
alternately, site after site, ``--repeats`` times each, in fresh browser contexts (cold cache);
the medians are printed. ``--no-mathjax`` refuses MathJax too, to compare the pages' own weight.
Exits non-zero when a target is missed on the last site given.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the tests' offline browsing helpers

import browsing  # noqa: E402

PAGES = ["book/intro", "book/conv-arithmetic"]
MAX_HTML = 250 * 1024
MAX_RATIO = 1.6
TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};
}"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", default=[f"this={ROOT / '_build' / 'html'}"])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-mathjax", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sites = []
    for spec in args.sites:
        label, _, rest = spec.partition("=")
        directory, _, modules = rest.partition(":")
        sites.append((label, Path(directory), Path(modules) if modules else browsing.NODE_MODULES))
    times = {(label, page): [] for label, _, _ in sites for page in PAGES}
    with sync_playwright() as p:
        chromium = "/usr/bin/chromium"
        browser = p.chromium.launch(executable_path=chromium, args=browsing.CHROMIUM_ARGS)
        for _ in range(args.repeats):
            for label, directory, modules in sites:
                browsing.NODE_MODULES = modules
                with browsing.served(directory) as base:
                    for page in PAGES:
                        context = browser.new_context(viewport=browsing.WIDE)
                        tab = context.new_page()
                        if args.no_mathjax:
                            tab.route("**/*", _no_mathjax)
                        else:
                            tab.route("**/*", browsing.answer_locally)
                        tab.goto(base + page + ".html", wait_until="load")
                        times[label, page].append(tab.evaluate(TIMING)["dcl"])
                        context.close()
        browser.close()
    ok = True
    for label, directory, _ in sites:
        sizes = {page: (directory / f"{page}.html").stat().st_size for page in PAGES}
        dcl = {page: statistics.median(times[label, page]) for page in PAGES}
        ratio = dcl[PAGES[1]] / dcl[PAGES[0]]
        print(
            f"{label:>8}: intro {sizes[PAGES[0]] / 1024:6.1f} KB, DCL {dcl[PAGES[0]]:6.1f} ms | "
            f"conv-arithmetic {sizes[PAGES[1]] / 1024:6.1f} KB, DCL {dcl[PAGES[1]]:6.1f} ms | "
            f"ratio {ratio:.2f}"
        )
        ok = sizes[PAGES[1]] <= MAX_HTML and ratio <= MAX_RATIO
    print(f"targets: conv-arithmetic <= {MAX_HTML // 1024} KB, ratio <= {MAX_RATIO}: "
          f"{'met' if ok else 'MISSED'} on {sites[-1][0]}")  # fmt: skip
    return 0 if ok else 1


def _no_mathjax(route) -> None:
    if "mathjax" in route.request.url:
        route.abort()
    else:
        browsing.answer_locally(route)


if __name__ == "__main__":
    sys.exit(main())

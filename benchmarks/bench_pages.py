"""Page weight and DOMContentLoaded of the heaviest page against the intro, for one or more
built sites side by side in one run (issue 19: conv-arithmetic <= 250 KB of HTML, and its
DOMContentLoaded <= 1.6x the intro's; issue 16: page weight and load, before and after).

Run: ``.venv/bin/python benchmarks/bench_pages.py [LABEL=SITE_DIR[:NODE_MODULES] ...]``
(default: ``this=_build/html``). Each site is served from 127.0.0.1 and loaded in headless
Chromium, offline: jsDelivr npm URLs (MathJax) are answered from NODE_MODULES (default: the
project's ``node_modules``), everything else from outside is refused.

The machine may be busy, so one load says little. Every round loads every page of every site
once, in a fresh browser context (cold cache), in a shuffled order (seeded: ``--seed``), so
slow spells fall on all pages alike; ``--rounds`` rounds (default 15, after one warm-up round
that is not counted). Printed per site and page: the HTML size, the bytes the page loads in all
(HTML, scripts, styles, images, fonts, MathJax; a median, as MathJax fetches its fonts as it
needs them), and DOMContentLoaded as median [quartiles] (min-max); then the ratio
conv-arithmetic/intro, both as the ratio of the medians and as the median [quartiles] of the
per-round ratios (each round's two loads were made close together).
The load average (``os.getloadavg``) before and after is printed with the figures.
Exits non-zero when a target is missed on the last site given.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
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


def spread(values) -> str:
    """``median [first quartile-third quartile] (min-max)``."""
    q1, _, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    low, high = min(values), max(values)
    return f"{statistics.median(values):7.1f} [{q1:.1f}-{q3:.1f}] ({low:.1f}-{high:.1f})"


def load_average() -> str:
    return "load average {:.2f} {:.2f} {:.2f} ({} CPUs)".format(*os.getloadavg(), os.cpu_count())


def _load(browser, base: str, page: str, no_mathjax: bool) -> tuple[float, int]:
    """DOMContentLoaded (ms) and bytes loaded by one cold load of ``page``."""
    context = browser.new_context(viewport=browsing.WIDE)
    context.set_default_timeout(180_000)  # a busy machine: slow, not broken
    try:
        tab = context.new_page()
        tab.route("**/*", _no_mathjax if no_mathjax else browsing.answer_locally)
        requests = []
        tab.on("requestfinished", lambda request: requests.append(request))
        tab.goto(base + page + ".html", wait_until="load")
        dcl = tab.evaluate(TIMING)["dcl"]
        loaded = sum(r.sizes()["responseBodySize"] for r in requests)
        return dcl, loaded
    finally:
        context.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", default=[f"this={ROOT / '_build' / 'html'}"])
    parser.add_argument("--rounds", "--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-mathjax", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sites = []
    for spec in args.sites:
        label, _, rest = spec.partition("=")
        directory, _, modules = rest.partition(":")
        sites.append((label, Path(directory), Path(modules) if modules else browsing.NODE_MODULES))
    dcl = {(label, page): [] for label, _, _ in sites for page in PAGES}
    ratios = {label: [] for label, _, _ in sites}
    weight = {(label, page): [] for label, _, _ in sites for page in PAGES}
    shuffle = random.Random(args.seed).shuffle
    print(f"before: {load_average()}", flush=True)
    with sync_playwright() as p, contextlib.ExitStack() as servers:
        bases = {label: servers.enter_context(browsing.served(d)) for label, d, _ in sites}
        browser = p.chromium.launch(executable_path=browsing.CHROMIUM, args=browsing.CHROMIUM_ARGS)
        try:
            for round_ in range(args.rounds + 1):  # round 0 warms the disk and the browser up
                order = [(site, page) for site in sites for page in PAGES]
                shuffle(order)
                this_round = {}
                for (label, _, modules), page in order:
                    browsing.NODE_MODULES = modules
                    this_round[label, page] = _load(browser, bases[label], page, args.no_mathjax)
                if round_ == 0:
                    continue
                for (label, page), (ms, loaded) in this_round.items():
                    dcl[label, page].append(ms)
                    weight[label, page].append(loaded)
                for label, _, _ in sites:
                    ratios[label].append(
                        this_round[label, PAGES[1]][0] / this_round[label, PAGES[0]][0]
                    )
        finally:
            browser.close()
    print(f"after:  {load_average()}")
    print(f"{args.rounds} rounds, DOMContentLoaded in ms as median [quartiles] (min-max)")
    ok = True
    for label, directory, _ in sites:
        for page in PAGES:
            size = (directory / f"{page}.html").stat().st_size
            print(
                f"{label:>8} {page:<22} HTML {size / 1024:6.1f} KB, loads "
                f"{statistics.median(weight[label, page]) / 1024:7.1f} KB, "
                f"DCL {spread(dcl[label, page])}"
            )
        medians = [statistics.median(dcl[label, page]) for page in PAGES]
        ratio = medians[1] / medians[0]
        print(
            f"{label:>8} ratio conv-arithmetic/intro: of medians {ratio:.2f}; "
            f"per round {spread(ratios[label]).strip()}"
        )
        html = (directory / f"{PAGES[1]}.html").stat().st_size
        ok = html <= MAX_HTML and ratio <= MAX_RATIO
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

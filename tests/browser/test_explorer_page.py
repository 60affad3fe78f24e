"""The static explorer (helpers.static_explorer) in headless Chromium, on the built book.

Its JavaScript holds a second copy of the output-size formulas and error messages of
``helpers.shapes`` (the static page has no Python kernel). This test pins the copy: it sets the
controls over a grid of combinations, every operation, valid and invalid, and checks that the
page shows the size that ``helpers.shapes`` computes, or exactly the message it raises, and that
the example values it animates equal the course's operations on the same inputs.

It reuses the fixtures of ``test_site.py`` (local server, no network, Debian's Chromium).
"""

from __future__ import annotations

import itertools
import json
import re
import time

import pytest
import test_site
import torch

import helpers
from helpers.explorer import CONTROLS
from helpers.widgets import explorer_inputs

# The site tests' fixtures (a local server, no network, Debian's Chromium), shared by name.
site = test_site.site
base_url = test_site.base_url
browser = test_site.browser
tab = test_site.tab
DESKTOP, PHONE, PAGES, SHOTS = test_site.DESKTOP, test_site.PHONE, test_site.PAGES, test_site.SHOTS
html_path = test_site.html_path

MAX_BYTES = 100 * 1024

READ_ONE = """(root, P) => {
  for (const [name, value] of Object.entries(P)) {
    root.querySelector(`[data-param="${name}"]`).value = String(value);
  }
  root.querySelector('[data-param="n"]').dispatchEvent(new Event('input', {bubbles: true}));
  const error = root.querySelector('.c2d-xp-error');
  const size = root.querySelector('.c2d-xp-size');
  return {
    size: root.dataset.size,
    sizeText: size ? size.textContent : null,
    error: error.hidden ? null : error.textContent,
    formula: root.querySelector('.c2d-xp-formula code').textContent,
    call: root.querySelector('.c2d-xp-call code').textContent,
    drawn: !root.querySelector('.c2d-xp-toolarge') && !root.querySelector('.c2d-xp-anim').hidden,
    cells: [...root.querySelectorAll('.c2d-ocell')].map(c => [c.dataset.out, c.dataset.value]),
  };
}"""
# Set the controls to P (name -> value) and read what the explorer shows.
SET_AND_READ = READ_ONE
# The same for a list of settings in one round trip to the browser.
SET_AND_READ_ALL = f"(root, Ps) => Ps.map(P => ({READ_ONE})(root, P))"


def explorer_pages(site) -> list[str]:
    return [p for p in PAGES if 'class="c2d-xp"' in html_path(p).read_text(encoding="utf-8")]


def expected(op, n, k, p, s, d, a):
    """(size, None) or (None, message) from helpers.shapes, for one axis."""
    try:
        if op == "corr":
            size = helpers.conv_output_size(n, k, padding=p, stride=s, dilation=d)
        elif op == "max":
            size = helpers.pool_output_size(n, k, stride=s, padding=p, dilation=d)
        elif op == "avg":  # PyTorch's avg_pool2d has no dilation; the explorer uses 1
            size = helpers.pool_output_size(n, k, stride=s, padding=p)
        else:
            size = helpers.transposed_output_size(n, k, s, p, a, d)
    except ValueError as error:
        return None, str(error)
    return size, None


def expected_values(op, n, k, p, s, d, a):
    """The output the explorer animates, computed by the course's operations."""
    x, w = explorer_inputs(n, k, 1, 1)
    x, w = x.double(), w.double()
    if op == "corr":
        return helpers.conv2d(x, w, stride=s, padding=p, dilation=d)[0]
    if op == "max":
        return helpers.pool2d(x[0], k, stride=s, padding=p, dilation=d, mode="max")
    if op == "avg":
        return helpers.pool2d(x[0], k, stride=s, padding=p, mode="avg")
    return helpers.conv_transpose2d(
        x[0], w[0, 0], stride=s, padding=p, output_padding=a, dilation=d
    )


def settings(op, n, k, p, s, d, a):
    return {
        "operation": op,
        "n": n,
        "kernel_size": k,
        "padding": p,
        "stride": s,
        "dilation": d,
        "output_padding": a,
    }


# Values inside the sliders' ranges, chosen to reach every branch: windows that do not fit,
# pooling padding above half the window, output_padding not below the stride, transposed outputs
# cropped away, grids too large to draw.
GRID = list(
    itertools.product(
        ["corr", "max", "avg", "transposed"],
        [1, 4, 11],  # n
        [1, 2, 3, 7],  # k
        [0, 1, 4],  # p
        [1, 2, 4],  # s
        [1, 3],  # d
        [0, 1, 3],  # output padding
    )
)


def test_the_book_has_an_explorer(site):
    assert explorer_pages(site), "no page of _toc.yml shows helpers.static_explorer"


def test_sizes_and_messages_match_helpers_shapes(tab, site):
    for position, (name, (_, lo, hi, _)) in enumerate(CONTROLS.items(), start=1):
        column = [combo[position] for combo in GRID]  # the grid stays inside the sliders
        assert lo <= min(column) and max(column) <= hi, name
    v = tab(explorer_pages(site)[0])
    root = v.page.locator(".c2d-xp").first
    assert root.get_attribute("data-ready") == "1"
    seen = {"size": 0, "error": 0, "values": 0, "too large": 0}
    messages = set()
    # Output padding applies to transposed convolution only: one setting is enough for the rest.
    combos = [c for c in GRID if c[0] == "transposed" or c[-1] == 0]
    started = time.perf_counter()
    states = root.evaluate(SET_AND_READ_ALL, [settings(*c) for c in combos])
    print(f"{len(combos)} settings read in {time.perf_counter() - started:.1f} s")
    for combo, state in zip(combos, states, strict=True):
        size, message = expected(*combo)
        if message is not None:
            assert state["error"] == message, combo
            assert state["size"] == "" and state["sizeText"] is None, combo
            seen["error"] += 1
            messages.add(re.sub(r"\d+", "#", message))
            continue
        assert state["error"] is None, (combo, state["error"])
        assert state["size"] == str(size) and state["sizeText"] == f"{size}×{size}", combo
        assert state["formula"].endswith(f"= {size}"), combo
        seen["size"] += 1
        if not state["drawn"]:
            seen["too large"] += 1
            continue
        want = expected_values(*combo)
        assert tuple(want.shape) == (size, size), combo
        got = {tuple(map(int, key.split(","))): float(value) for key, value in state["cells"]}
        assert len(got) == size * size, combo
        for (i, j), value in got.items():
            assert value == pytest.approx(float(want[i, j]), rel=1e-6, abs=1e-9), (combo, i, j)
        seen["values"] += 1
    assert all(seen.values()), seen
    # Every kind of message helpers.shapes can give here was shown at least once.
    kinds = {m.split(" ")[1] for m in messages}  # "kernel", "window", "#", "transposed", ...
    assert any(m.startswith("the kernel") for m in messages)
    assert any(m.startswith("the window") for m in messages)
    assert any(m.startswith("padding=# is more than half") for m in messages)
    assert any(m.startswith("output_padding=# must be smaller") for m in messages)
    assert any(m.startswith("the transposed convolution would have") for m in messages), kinds
    assert any("with dilation=# spans" in m for m in messages)
    assert v.errors == [], v.errors


def test_the_pytorch_call_and_the_disabled_controls(tab, site):
    v = tab(explorer_pages(site)[0])
    root = v.page.locator(".c2d-xp").first
    state = root.evaluate(SET_AND_READ, settings("avg", 6, 2, 1, 2, 3, 1))
    assert state["call"] == "F.avg_pool2d(x, 2, stride=2, padding=1)"
    assert root.locator('[data-param="dilation"]').is_disabled()
    assert root.locator('[data-field="dilation"] output').inner_text() == "1"  # the value in use
    assert root.locator('[data-param="output_padding"]').is_disabled()
    assert state["size"] == str(helpers.pool_output_size(6, 2, stride=2, padding=1))
    state = root.evaluate(SET_AND_READ, settings("transposed", 3, 3, 1, 2, 1, 1))
    assert state["call"].startswith(
        "F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1, dilation=1)"
    )
    assert not root.locator('[data-param="output_padding"]').is_disabled()
    assert state["size"] == "6"
    # The note under the controls says what the operation does with its padding.
    assert "cuts p cells" in root.locator(".c2d-xp-note").inner_text()


def test_keyboard_steps_and_hover(tab, site):
    v = tab(explorer_pages(site)[0])
    page = v.page
    root = page.locator(".c2d-xp").first
    root.evaluate(SET_AND_READ, settings("corr", 5, 3, 1, 2, 1, 0))
    root.scroll_into_view_if_needed()
    # A slider moves with the arrow keys and the shape follows.
    slider = root.locator('[data-param="n"]')
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "6"
    assert root.get_attribute("data-size") == str(helpers.conv_output_size(6, 3, 1, 2))
    assert root.locator('[data-field="n"] output').inner_text() == "6"
    # The operation menu works from the keyboard too.
    menu = root.locator('[data-param="operation"]')
    menu.focus()
    menu.select_option("max")
    assert root.get_attribute("data-operation") == "max"
    menu.select_option("corr")
    # Step buttons, then keys on the explorer: the window moves, the step text follows.
    where = root.locator(".c2d-where")
    assert where.inner_text().startswith("Step 1 of 9")
    root.locator('[data-action="next"]').click()
    assert where.inner_text().startswith("Step 2 of 9 · output row 0, column 1")
    root.locator('[data-action="next"]').focus()
    page.keyboard.press("End")
    assert where.inner_text().startswith("Step 9 of 9")
    page.keyboard.press("Home")
    assert where.inner_text().startswith("Step 1 of 9")
    windows = root.evaluate("r => r.querySelectorAll('.c2d-cell.is-window').length")
    assert windows == 9
    # Hover or focus an output cell: its window in the input lights up.
    cell = root.locator('[data-out="2,2"]')
    cell.hover()
    assert root.evaluate("r => r.querySelectorAll('.c2d-cell.is-rf').length") == 9
    cell.focus()
    page.keyboard.press("Enter")
    assert where.inner_text().startswith("Step 9 of 9")
    # Play advances on its own and pauses on request.
    root.locator('[data-action="first"]').click()
    root.locator('[data-action="play"]').click()
    page.wait_for_function(
        "r => !r.querySelector('.c2d-where').textContent.startsWith('Step 1 ')",
        arg=root.element_handle(),
    )
    root.locator('[data-action="play"]').click()
    assert root.locator('[data-action="play"]').inner_text().strip() == "Play"
    # Transposed convolution: hovering an output cell marks the input cells it depends on.
    root.evaluate(SET_AND_READ, settings("transposed", 2, 3, 0, 2, 1, 0))
    root.locator('[data-out="2,2"]').hover()  # the centre: reached by all four input cells
    assert root.evaluate("r => r.querySelectorAll('.c2d-cell.is-rf').length") == 4
    root.locator('[data-out="0,0"]').hover()
    assert root.evaluate("r => r.querySelectorAll('.c2d-cell.is-rf').length") == 1
    assert v.errors == [], v.errors


def test_two_explorers_on_one_page_are_independent(browser):
    first = helpers.static_explorer("corr", n=5, kernel_size=3)
    second = helpers.static_explorer("transposed", n=2, kernel_size=3, stride=2)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # nothing may be fetched
    errors = []
    page.on("pageerror", lambda exc: errors.append(exc.message))
    page.set_content(f"<!doctype html><meta charset='utf-8'><body>{first.html}{second.html}")
    test_site.wait_until_started(page)
    a, b = page.locator(f"#{first.id}"), page.locator(f"#{second.id}")
    assert a.get_attribute("data-size") == "3" and b.get_attribute("data-size") == "5"
    a.evaluate(SET_AND_READ, settings("corr", 7, 3, 0, 1, 1, 0))
    a.locator('[data-action="next"]').click()
    assert a.get_attribute("data-size") == "5" and b.get_attribute("data-size") == "5"
    assert b.locator(".c2d-where").inner_text().startswith("Step 1 of 4")
    assert b.locator('[data-param="n"]').input_value() == "2"
    assert errors == []
    context.close()


def test_explorer_size_fit_and_screenshots(tab, site):
    page_name = explorer_pages(site)[0]
    page_html = html_path(page_name).read_text(encoding="utf-8")
    # What the explorer adds to its page: its markup and data (the runtime is a static file).
    start = page_html.index('<div class="c2d-xp"')
    data_end = page_html.index("</script>", page_html.index('class="c2d-xp-data"', start))
    fragment = page_html[start : page_html.index("</div>", data_end) + len("</div>")]
    assert len(fragment.encode("utf-8")) <= MAX_BYTES
    SHOTS.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        v = tab(page_name, viewport)
        root = v.page.locator(".c2d-xp").first
        root.evaluate(SET_AND_READ, settings("transposed", 3, 3, 1, 2, 1, 1))
        root.scroll_into_view_if_needed()
        box = root.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
        root.locator('[data-action="next"]').click()
        root.screenshot(path=str(SHOTS / f"explorer-{name}.png"))
        sizes[name] = box
        assert v.errors == []
    (SHOTS / "explorer-boxes.json").write_text(json.dumps(sizes, indent=2), encoding="utf-8")
    assert torch.is_tensor(expected_values("transposed", 3, 3, 1, 2, 1, 1))

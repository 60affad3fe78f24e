"""The static explorer's HTML: self-contained, escaped, isolated per instance, small, and refusing
bad settings with clear messages. (Its JavaScript is tested in a real browser by
tests/browser/test_explorer_page.py, against helpers.shapes.)"""

import json
import re

import pytest

import helpers
from helpers.explorer import CONTROLS, OPERATIONS, StaticExplorer, static_explorer
from helpers.web.runtime import inline_runtime, runtime_css, without_runtime


def data_of(explorer: StaticExplorer) -> dict:
    match = re.search(
        r'<script type="application/json" class="c2d-xp-data">(.*?)</script>', explorer.html
    )
    assert match, "no data block"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_is_exported_and_displays_as_html():
    explorer = helpers.static_explorer()
    assert isinstance(explorer, StaticExplorer)
    assert explorer._repr_html_() == explorer.html
    assert explorer.html.startswith('<div class="c2d-xp"') and explorer.html.endswith("</script>")
    assert "StaticExplorer corr" in repr(explorer)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_operation_is_offered_and_preselected(operation):
    explorer = static_explorer(operation, n=4, kernel_size=2, stride=2)
    for key, name in OPERATIONS.items():
        assert f'<option value="{key}"' in explorer.html and name in explorer.html
    assert f'<option value="{operation}" selected>' in explorer.html
    assert explorer.html.count(" selected>") == 1
    assert data_of(explorer)["operation"] == operation


def test_initial_values_reach_the_sliders_and_the_data():
    values = dict(n=7, kernel_size=4, padding=2, stride=3, dilation=2, output_padding=1)
    explorer = static_explorer("transposed", **values)
    assert data_of(explorer)["values"] == values
    for name, value in values.items():
        label, lo, hi, _ = CONTROLS[name]
        slider = re.search(rf'<input type="range" data-param="{name}"[^>]*>', explorer.html)
        assert slider, name
        assert f'min="{lo}"' in slider.group(0) and f'max="{hi}"' in slider.group(0)
        assert f'value="{value}"' in slider.group(0)


def test_every_control_has_a_visible_label():
    html = static_explorer().html
    for name, (label, *_) in CONTROLS.items():
        # The input sits inside its <label>, next to the label text.
        pattern = (
            rf'<label class="c2d-xp-field" data-field="{name}"><span class="c2d-xp-label">'
            rf'{re.escape(label)}</span><input type="range" data-param="{name}"'
        )
        assert re.search(pattern, html), name
    assert re.search(r'<label class="c2d-xp-field c2d-xp-op">Operation <select', html)


def test_self_contained_no_network():
    html = static_explorer().html
    assert not re.search(r"(src|href)=", html)
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html


def test_each_explorer_gets_its_own_id_and_script():
    a, b = static_explorer(), static_explorer()
    assert a.id != b.id
    for explorer in (a, b):
        assert f'id="{explorer.id}"' in explorer.html
        assert explorer.html.endswith(inline_runtime())  # works alone in a notebook


def test_title_and_description_are_escaped():
    explorer = static_explorer(
        title="<b>bold</b> & </script><script>alert(1)</script>",
        description='"quoted" <i>',
    )
    assert "<b>bold</b>" not in explorer.html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/script&gt;" in explorer.html
    assert "&quot;quoted&quot; &lt;i&gt;" in explorer.html
    # The only closing script tags are those of the data block and the script itself.
    assert explorer.html.count("</script>") == 2


def test_reuses_the_players_look_without_posing_as_a_player():
    html = without_runtime(static_explorer().html)
    css = runtime_css()
    # The runtime repeats player.css with its scope renamed, so the site tests that look for
    # players (.c2d-player) do not mistake the explorer for one, and no rule leaks outside them.
    assert ".c2d-player" not in html
    assert ".c2d-xp .c2d-cell.is-window" in css and ".c2d-xp .c2d-xp-form" in css
    rules = re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"@media[^{]*\{", "", css))
    for selector_list in rules:
        for selector in selector_list.split(","):
            assert re.search(r"\.c2d-(xp|player)\b", selector), f"unscoped {selector.strip()!r}"


def test_small_enough_for_a_page():
    biggest = static_explorer("transposed", n=12, kernel_size=7, padding=6, stride=4)
    assert biggest.nbytes <= 100 * 1024
    assert biggest.nbytes == len(without_runtime(biggest.html).encode("utf-8"))


def test_defaults_match_the_controls():
    values = data_of(static_explorer())["values"]
    assert values == {name: spec[3] for name, spec in CONTROLS.items()}


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(operation="conv"), ValueError, "operation must be one of 'corr'"),
        (dict(n=0), ValueError, "n=0 is outside the explorer's slider for input size n"),
        (dict(kernel_size=8), ValueError, "runs from 1 to 7"),
        (dict(padding=-1), ValueError, "padding=-1"),
        (dict(output_padding=4), ValueError, "output padding"),
        (dict(stride=2.0), TypeError, "stride (stride s) must be an int"),
        (dict(dilation=True), TypeError, "dilation (dilation d) must be an int"),
    ],
)
def test_bad_settings_raise_clear_errors(kwargs, error, words):
    with pytest.raises(error) as info:
        static_explorer(**kwargs)
    assert words in str(info.value)


def test_an_impossible_combination_is_allowed():
    # The explorer shows why it is impossible (checked in the browser test); building it is fine.
    explorer = static_explorer("corr", n=2, kernel_size=7)
    assert data_of(explorer)["values"]["kernel_size"] == 7

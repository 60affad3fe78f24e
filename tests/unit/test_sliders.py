"""Both explorers take their sliders from one table (helpers.sliders.SLIDERS): the ipywidgets one
(helpers.explore) and the static one (helpers.static_explorer) show the same label, range and
default for every parameter they share, and start where the table says."""

import inspect
import re

import pytest

from helpers import explorer, widgets
from helpers.animation import MAX_SIDE
from helpers.sliders import SLIDERS


def test_each_explorer_shows_a_selection_of_the_one_table():
    assert set(widgets.SLIDERS) | set(explorer.CONTROLS) == set(SLIDERS)
    for table in (widgets.SLIDERS, explorer.CONTROLS):
        assert all(table[name] is SLIDERS[name] for name in table)


@pytest.mark.parametrize("name", list(widgets.SLIDERS))
def test_the_ipywidgets_explorer_takes_its_ranges_from_the_table(name):
    box = widgets.explore()
    sliders = {w.description: w for w in box.children[0].children}
    spec = SLIDERS[name]
    slider = sliders[spec.label]
    assert (slider.min, slider.max, slider.value) == (spec.minimum, spec.maximum, spec.default)
    assert inspect.signature(widgets.explore).parameters[name].default == spec.default


@pytest.mark.parametrize("name", list(explorer.CONTROLS))
def test_the_static_explorer_takes_its_ranges_from_the_table(name):
    html = explorer.static_explorer().html
    spec = SLIDERS[name]
    field = re.search(
        rf'data-field="{name}"><span class="c2d-xp-label">([^<]*)</span>'
        rf'<input type="range" data-param="{name}" min="(\d+)" max="(\d+)" step="1" '
        rf'value="(\d+)">',
        html,
    )
    assert field, name
    assert field.groups() == (spec.label, str(spec.minimum), str(spec.maximum), str(spec.default))
    assert inspect.signature(explorer.static_explorer).parameters[name].default == spec.default


def test_the_largest_padded_input_fits_the_player():
    assert SLIDERS["n"].maximum + 2 * SLIDERS["padding"].maximum <= MAX_SIDE

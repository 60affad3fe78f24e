"""The live explorer: each state shows the formula with numbers, the right shape and a player."""

import re

import pytest
import torch
import torch.nn.functional as F

from helpers.shapes import conv_output_size, pool_output_size
from helpers.widgets import explore, explorer_inputs, explorer_view


def shape_in(view: str) -> tuple[int, ...]:
    m = re.search(r"output shape <strong>\((\d+), (\d+), (\d+)\)</strong>", view)
    return tuple(int(g) for g in m.groups())


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"n": 7, "kernel_size": 3, "padding": 1, "stride": 2},
        {"n": 6, "kernel_size": 2, "dilation": 3, "in_channels": 2, "out_channels": 3},
        {"n": 1, "kernel_size": 1},
        {"n": 8, "kernel_size": 5, "padding": 2, "stride": 4, "in_channels": 3},
    ],
)
def test_correlation_view_matches_helpers_and_torch(params):
    view = explorer_view(params)
    p = {"n": 5, "kernel_size": 3, "padding": 0, "stride": 1, "dilation": 1} | params
    c_in, c_out = params.get("in_channels", 1), params.get("out_channels", 1)
    x, w = explorer_inputs(p["n"], p["kernel_size"], c_in, c_out)
    expected = F.conv2d(
        x[None], w, padding=p["padding"], stride=p["stride"], dilation=p["dilation"]
    )
    assert shape_in(view) == tuple(expected.shape[1:])
    size = conv_output_size(p["n"], p["kernel_size"], p["padding"], p["stride"], p["dilation"])
    numbers = f"⌊({p['n']} + 2·{p['padding']} − {p['dilation']}·({p['kernel_size']} − 1) − 1)"
    assert f"{numbers} / {p['stride']}⌋ + 1 = {size}" in view
    assert view.count('class="c2d-player"') == 1
    assert "Traceback" not in view


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_view_keeps_the_channels(mode):
    view = explorer_view({"mode": mode, "n": 6, "kernel_size": 2, "stride": 2, "in_channels": 2})
    assert shape_in(view) == (2, pool_output_size(6, 2, 2), 3)
    assert 'class="c2d-player"' in view


@pytest.mark.parametrize(
    "params,words",
    [
        ({"n": 2, "kernel_size": 5}, "kernel"),
        ({"n": 3, "kernel_size": 2, "dilation": 3}, "dilation"),
        ({"mode": "max", "kernel_size": 2, "padding": 2}, "padding"),
    ],
)
def test_invalid_combinations_show_the_helpers_message(params, words):
    view = explorer_view(params)
    assert 'role="alert"' in view and words in view
    assert "c2d-player" not in view and "output shape" not in view
    assert "Traceback" not in view


def test_too_many_steps_still_show_the_shape():
    view = explorer_view({"n": 12, "kernel_size": 1, "padding": 3, "out_channels": 3})
    assert shape_in(view) == (3, 18, 18)
    assert 'role="alert"' in view and "c2d-player" not in view


def outputs_html(box) -> str:
    out = box.children[1]
    return "".join(o["data"].get("text/html", "") for o in out.outputs)


def test_explore_redraws_when_a_control_changes():
    box = explore(n=5, kernel_size=3)
    controls = {w.description: w for w in box.children[0].children}
    assert box.update_count == 1
    assert shape_in(outputs_html(box)) == (1, 3, 3)
    controls["padding p"].value = 1
    assert box.update_count == 2 and shape_in(outputs_html(box)) == (1, 5, 5)
    controls["out channels"].value = 2
    assert shape_in(outputs_html(box)) == (2, 5, 5)
    controls["operation"].value = "max pooling"
    assert controls["out channels"].disabled
    assert shape_in(outputs_html(box)) == (1, 5, 5)  # window 3, stride 1, padding 1
    controls["padding p"].value = 3  # more than half the window: explained, not raised
    assert 'role="alert"' in outputs_html(box)
    assert len(box.children[1].outputs) == 1  # each update replaces the previous view


def test_explore_rejects_unknown_modes():
    with pytest.raises(ValueError, match="mode"):
        explore(mode="conv")
    with pytest.raises(ValueError, match="mode"):
        explorer_view({"mode": "sum"})


def test_explorer_inputs_are_small_integers():
    x, w = explorer_inputs(4, 3, 2, 3)
    assert x.shape == (2, 4, 4) and w.shape == (3, 2, 3, 3)
    assert torch.equal(x, x.round()) and set(w.unique().tolist()) <= {-1.0, 0.0, 1.0, 2.0}

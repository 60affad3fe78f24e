"""Self-checks of the channels chapter: right answers pass, each usual mistake gets its own hint,
and no hint gives the answer away."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from helpers import checks
from helpers.checks import channels as C


def numbers_in(message):
    return set(re.findall(r"-?\d+(?:\.\d+)?", message))


def assert_hint(feedback, phrase, *hidden):
    """A hint that contains ``phrase`` and none of ``hidden`` as a number."""
    assert feedback.status == "hint", feedback
    assert phrase in feedback.message, feedback.message
    leaked = numbers_in(feedback.message) & {str(v) for v in hidden}
    assert not leaked, f"hint gives away {leaked}: {feedback.message}"


def test_checks_are_exported():
    for name in C.__all__:
        assert getattr(checks, name) is getattr(C, name)


# --- check_multi_in_output -----------------------------------------------------------------------

# The chapter's exercise.
X_EX = torch.tensor([[[1.0, 2, 0], [0, 1, 3], [2, 1, 0]], [[0.0, 1, 1], [2, 0, 1], [1, 1, 2]]])
K_EX = torch.tensor([[[1.0, 0], [2, 1]], [[0.0, 1], [1, 2]]])
ANSWER = F.conv2d(X_EX[None], K_EX[None])[0, 0]
HIDDEN = {int(v) for v in ANSWER.flatten()}


def maps(x, k):
    return torch.stack([F.conv2d(x[c][None, None], k[c][None, None])[0, 0] for c in range(len(x))])


def test_multi_in_right_answer_passes_in_every_form():
    assert ANSWER.tolist() == [[5, 10], [8, 9]]
    for form in (ANSWER, ANSWER.tolist(), ANSWER.numpy(), ANSWER.to(torch.int64)):
        assert C.check_multi_in_output(form, X_EX, K_EX)


def test_multi_in_missing():
    assert C.check_multi_in_output(..., X_EX, K_EX).status == "missing"
    assert C.check_multi_in_output(None, X_EX, K_EX).status == "missing"


MULTI_IN_MISTAKES = {
    "not summed": (maps(X_EX, K_EX), "one map per channel"),
    "summed over rows": (maps(X_EX, K_EX).sum(1), "spatial axis"),
    "averaged": (maps(X_EX, K_EX).mean(0), "averaged"),
    "flipped": (maps(X_EX, K_EX.flip(-1, -2)).sum(0), "flipped"),
    "swapped slices": (maps(X_EX, K_EX.flip(0)).sum(0), "other kernel slice"),
    "one channel only": (maps(X_EX, K_EX)[1], "one channel only"),
    "one slice for all": (maps(X_EX, K_EX[:1].expand(2, -1, -1)).sum(0), "same kernel slice"),
    "wrong shape": (torch.zeros(3, 3), "shape"),
    "one entry off": (ANSWER + torch.tensor([[0.0, 0], [0, 1]]), "row 1, column 1"),
}


@pytest.mark.parametrize("name", MULTI_IN_MISTAKES)
def test_multi_in_each_mistake_gets_its_hint(name):
    wrong, phrase = MULTI_IN_MISTAKES[name]
    assert not torch.equal(torch.as_tensor(wrong, dtype=ANSWER.dtype), ANSWER)
    assert_hint(C.check_multi_in_output(wrong, X_EX, K_EX), phrase, *HIDDEN)


def test_multi_in_seed_example():
    x = torch.stack([torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10).reshape(3, 3)])
    k = torch.stack([torch.arange(4.0).reshape(2, 2), torch.arange(1.0, 5).reshape(2, 2)])
    assert C.check_multi_in_output([[56, 72], [104, 120]], x, k)
    channel_0 = [[19, 25], [37, 43]]
    assert_hint(C.check_multi_in_output(channel_0, x, k), "one channel", 56, 72, 104, 120)


def test_multi_in_not_numbers():
    assert C.check_multi_in_output("fifty-six", X_EX, K_EX).status == "hint"


@settings(max_examples=25, deadline=None)
@given(
    c=st.integers(1, 3),
    n=st.integers(2, 5),
    k=st.integers(1, 2),
    seed=st.integers(0, 10_000),
)
def test_multi_in_agrees_with_torch(c, n, k, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(-3, 4, (c, n, n), generator=g).float()
    w = torch.randint(-3, 4, (c, k, k), generator=g).float()
    assert C.check_multi_in_output(F.conv2d(x[None], w[None])[0, 0], x, w)


# --- check_conv_layer_shapes ---------------------------------------------------------------------

# The chapter's exercise: 8 RGB 32x32 images, nn.Conv2d(3, 24, kernel_size=5, stride=2, padding=2).
LAYER = dict(input_shape=(8, 3, 32, 32), out_channels=24, kernel_size=5, padding=2, stride=2)
RIGHT = {"weight": (24, 3, 5, 5), "bias": (24,), "output": (8, 24, 16, 16)}


def with_part(**parts):
    return RIGHT | parts


def test_shapes_right_answer_matches_pytorch():
    layer = nn.Conv2d(3, 24, kernel_size=5, stride=2, padding=2)
    out = layer(torch.zeros(8, 3, 32, 32))
    torch_answer = {"weight": layer.weight.shape, "bias": layer.bias.shape, "output": out.shape}
    assert C.check_conv_layer_shapes(torch_answer, **LAYER)
    assert C.check_conv_layer_shapes({k: list(v) for k, v in RIGHT.items()}, **LAYER)


@pytest.mark.parametrize(
    "config",
    [
        dict(input_shape=(4, 2, 3, 5), out_channels=3, kernel_size=(3, 5), padding=(1, 2)),
        dict(input_shape=(1, 64, 56, 56), out_channels=128, kernel_size=3, padding=1, stride=2),
        dict(input_shape=(2, 3, 9, 7), out_channels=4, kernel_size=(3, 2), stride=(2, 3)),
    ],
)
def test_shapes_other_layers_match_pytorch(config):
    n, c_in, h, w = config["input_shape"]
    layer = nn.Conv2d(
        c_in,
        config["out_channels"],
        config["kernel_size"],
        stride=config.get("stride", 1),
        padding=config.get("padding", 0),
    )
    out = layer(torch.zeros(n, c_in, h, w))
    answer = {"weight": layer.weight.shape, "bias": layer.bias.shape, "output": out.shape}
    assert C.check_conv_layer_shapes(answer, **config)


def test_shapes_missing():
    assert C.check_conv_layer_shapes(..., **LAYER).status == "missing"
    blank = {"weight": ..., "bias": ..., "output": ...}
    assert C.check_conv_layer_shapes(blank, **LAYER).status == "missing"
    partly = with_part(bias=...)
    assert_hint(C.check_conv_layer_shapes(partly, **LAYER), "bias: still missing")
    assert C.check_conv_layer_shapes((24, 3, 5, 5), **LAYER).status == "hint"


SHAPE_MISTAKES = {
    "bias out x in (seed 002)": (with_part(bias=(24, 3)), "one bias per output channel"),
    "bias per input channel": (with_part(bias=(3,)), "one entry per output channel"),
    "one scalar bias": (with_part(bias=()), "its own bias"),
    "bias per position": (with_part(bias=(24, 16, 16)), "shared by every position"),
    "weight in/out swapped": (with_part(weight=(3, 24, 5, 5)), "output channels first"),
    "weight without in-channels": (with_part(weight=(24, 5, 5)), "one k_h x k_w slice per input"),
    "weight wrong kernel": (with_part(weight=(24, 3, 3, 3)), "kernel height and width"),
    "batch dropped": (with_part(output=(24, 16, 16)), "batch axis"),
    "output keeps in-channels": (with_part(output=(8, 3, 16, 16)), "one output channel per kernel"),
    "padding once": (with_part(output=(8, 24, 15, 15)), "counts twice"),
    "no padding": (with_part(output=(8, 24, 14, 14)), "left out the padding"),
    "no stride": (with_part(output=(8, 24, 32, 32)), "left out the stride"),
    "ceil": (with_part(output=(8, 24, 17, 17)), "round down"),
    "no plus one": (with_part(output=(8, 24, 15, 15)), "the + 1"),
    "padding once in one axis": (with_part(output=(8, 24, 16, 15)), "counts twice"),
}


@pytest.mark.parametrize("name", SHAPE_MISTAKES)
def test_shapes_each_mistake_gets_its_hint(name):
    wrong, phrase = SHAPE_MISTAKES[name]
    assert_hint(C.check_conv_layer_shapes(wrong, **LAYER), phrase, 16, 24)


def test_shapes_several_mistakes_are_all_named():
    wrong = {"weight": (3, 24, 5, 5), "bias": (24, 3), "output": (24, 16, 16)}
    message = C.check_conv_layer_shapes(wrong, **LAYER).message
    assert message.count("weight:") == message.count("bias:") == message.count("output:") == 1


# --- check_folded_bias ---------------------------------------------------------------------------

# The chapter's exercise.
WEIGHT = torch.tensor(
    [
        [[[1.0, 0], [0, 1]], [[0.0, 1], [1, 0]], [[1.0, 1], [1, 1]]],
        [[[1.0, -1], [0, 0]], [[2.0, 0], [0, 1]], [[0.0, 0], [0, 1]]],
    ]
)
BIAS = torch.tensor([1.0, -1.0])
SHIFT = torch.tensor([0.5, -1.0, 2.0])
FOLDED = BIAS + (WEIGHT.sum((2, 3)) * SHIFT).sum(1)
FOLD = dict(weight=WEIGHT, shift=SHIFT, bias=BIAS)


def test_folded_right_answer_passes_and_is_what_torch_computes():
    assert FOLDED.tolist() == [8.0, -2.0]
    x = torch.rand(2, 3, 6, 6)
    shifted = F.conv2d(x + SHIFT.view(1, 3, 1, 1), WEIGHT, BIAS)
    assert torch.allclose(shifted, F.conv2d(x, WEIGHT, FOLDED), atol=1e-5)
    for form in (FOLDED, FOLDED.tolist(), FOLDED.numpy(), (8, -2)):
        assert C.check_folded_bias(form, **FOLD)


def test_folded_missing_and_not_numbers():
    assert C.check_folded_bias(..., **FOLD).status == "missing"
    assert C.check_folded_bias("eight", **FOLD).status == "hint"


PER_PAIR = WEIGHT.sum((2, 3)) * SHIFT
FOLD_MISTAKES = {
    "shift added directly": (BIAS + SHIFT.sum(), "multiplied by a weight"),
    "per pair": (BIAS[:, None] + PER_PAIR, "one value per (output, input) pair"),
    "wrong axis": (PER_PAIR.sum(0), "added over the output channels"),
    "kernel mean": (BIAS + (WEIGHT.mean((2, 3)) * SHIFT).sum(1), "averaged"),
    "sign": (BIAS - PER_PAIR.sum(1), "sign"),
    "old bias dropped": (PER_PAIR.sum(1), "keep the layer's own bias"),
    "wrong length": (torch.zeros(5), "one entry per output channel"),
    "other": (FOLDED + 1, "collect the terms"),
}


@pytest.mark.parametrize("name", FOLD_MISTAKES)
def test_folded_each_mistake_gets_its_hint(name):
    wrong, phrase = FOLD_MISTAKES[name]
    assert_hint(C.check_folded_bias(wrong, **FOLD), phrase, 8, -2, "8.0", "-2.0")


def test_folded_without_a_bias():
    expected = (WEIGHT.sum((2, 3)) * SHIFT).sum(1)
    assert C.check_folded_bias(expected, weight=WEIGHT, shift=SHIFT)
    assert_hint(C.check_folded_bias(np.full(2, 1.5), weight=WEIGHT, shift=SHIFT), "multiplied")

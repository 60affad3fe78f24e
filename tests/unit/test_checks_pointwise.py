"""Self-checks of the 1x1-convolution chapter: right answers pass, each usual mistake gets its own
hint, and no hint gives the answer away."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.checks import pointwise as pw


def assert_hint(feedback, *words, answer=None):
    assert feedback.status == "hint", str(feedback)
    for word in words:
        assert word in feedback.message, f"{word!r} not in {feedback.message!r}"
    if answer is not None:
        assert str(answer) not in feedback.message


@pytest.mark.parametrize(
    "check, args",
    [
        (pw.check_pixel_value, (torch.zeros(1, 1, 1), torch.ones(1, 1), None, (0, 0, 0))),
        (pw.check_pointwise_shape, ((1, 3, 4, 4), 2)),
        (pw.check_conv_params, (3, 2, 1)),
        (pw.check_conv_macs, (3, 2, 1, 4)),
        (pw.check_merged_weight, (torch.ones(2, 3, 1, 1), torch.ones(4, 2, 1, 1))),
        (pw.check_separable_ratio, (128, 3)),
    ],
)
def test_no_answer_yet_is_missing_not_wrong(check, args):
    for blank in (..., None):
        feedback = check(blank, *args)
        assert feedback.status == "missing" and not feedback


def test_checks_are_exported_by_the_package():
    import helpers.checks

    for name in (
        "check_pixel_value",
        "check_pointwise_shape",
        "check_conv_params",
        "check_conv_macs",
        "check_merged_weight",
        "check_separable_ratio",
    ):
        assert getattr(helpers.checks, name) is getattr(pw, name)


# ------------------------------------------------------------------ one pixel by hand

X = torch.tensor(
    [
        [[1.0, 2.0, 0.0], [3.0, 1.0, 2.0], [0.0, 4.0, 1.0]],
        [[2.0, 0.0, 1.0], [1.0, 5.0, 3.0], [2.0, 1.0, 0.0]],
        [[0.0, 1.0, 3.0], [2.0, 2.0, 1.0], [1.0, 0.0, 2.0]],
    ]
)
W = torch.tensor([[2.0, -1.0, 3.0], [1.0, 4.0, -2.0]]).reshape(2, 3, 1, 1)
B = torch.tensor([10.0, 20.0])
POS = (1, 1, 2)  # output channel 1, row 1, column 2


def expected_pixel():
    return float(F.conv2d(X.unsqueeze(0), W, B)[0][POS])


def test_pixel_value_matches_pytorch_and_accepts_several_types():
    value = expected_pixel()
    for answer in (value, int(value), torch.tensor(value), np.float32(value)):
        assert pw.check_pixel_value(answer, X, W, B, POS)
    assert pw.check_pixel_value(value, X, W.reshape(2, 3), B, POS)  # weight as a matrix


def test_pixel_value_mistakes():
    value = expected_pixel()
    w = W.reshape(2, 3)
    o, i, j = POS
    col = X[:, i, j]
    cases = {
        "left out the bias": value - B[o].item(),
        "once per output value": value + 2 * B[o].item(),
        "output channel 0": float(w[0] @ col + B[o]),
        "transposed position": float(w[o] @ X[:, j, i] + B[o]),
        "single input channel": float(w[o, 0] * col[0] + B[o]),
    }
    for words, answer in cases.items():
        assert_hint(pw.check_pixel_value(answer, X, W, B, POS), words, answer=int(value))
    assert_hint(pw.check_pixel_value(value + 0.5, X, W, B, POS), "add them up", answer=int(value))
    assert_hint(pw.check_pixel_value([1.0, 2.0], X, W, B, POS), "single number")
    assert_hint(pw.check_pixel_value("ten", X, W, B, POS), "single number")


def test_pixel_value_without_bias():
    value = float(F.conv2d(X.unsqueeze(0), W)[0][POS])
    assert pw.check_pixel_value(value, X, W, None, POS)


# ------------------------------------------------------------------ output shape

INPUT = (8, 256, 28, 28)


def test_pointwise_shape_correct_and_matches_pytorch():
    shape = torch.nn.Conv2d(256, 64, 1)(torch.zeros(1, 256, 28, 28)).shape
    assert shape[1:] == (64, 28, 28)
    for answer in ((8, 64, 28, 28), [8, 64, 28, 28], torch.Size([8, 64, 28, 28])):
        assert pw.check_pointwise_shape(answer, INPUT, 64)
    assert pw.check_pointwise_shape((64, 28, 28), (256, 28, 28), 64)  # unbatched


@pytest.mark.parametrize(
    "answer, words",
    [
        ((64, 28, 28), "batch dimension"),
        ((8, 28, 28, 64), "channels last"),
        ((8, 256, 28, 28), "input's channel count"),
        ((8, 32, 28, 28), "out_channels"),
        ((8, 64, 1, 1), "flattened"),
        ((8, 64, 26, 26), "did not shrink"),
        ((8, 64, 56, 56), "height and width"),
        ((8, 64), "dimensions"),
        ("8, 64, 28, 28", "tuple of integers"),
    ],
)
def test_pointwise_shape_mistakes(answer, words):
    assert_hint(pw.check_pointwise_shape(answer, INPUT, 64), words)


# ------------------------------------------------------------------ parameters


def torch_params(c_in, c_out, k, bias=True):
    return sum(p.numel() for p in torch.nn.Conv2d(c_in, c_out, k, bias=bias).parameters())


@pytest.mark.parametrize(
    "c_in, c_out, k, bias",
    [
        (256, 64, 1, True),
        (64, 64, 3, False),
        (3, 16, 5, True),  # the cross-correlation chapter's exercise: 1216
        (3, 64, 3, True),
        (1, 1, (1, 2), False),
        (8, 4, (3, 5), True),
    ],
)
def test_conv_params_correct(c_in, c_out, k, bias):
    n = torch_params(c_in, c_out, k, bias)
    for form in (n, float(n), torch.tensor(n), np.int64(n)):
        assert pw.check_conv_params(form, c_in, c_out, k, bias=bias), form
    square = (k, k) if isinstance(k, int) else k
    assert pw.check_conv_params(n, c_in, c_out, square, bias)  # bias may be positional


@pytest.mark.parametrize(
    "answer, words",
    [
        (256 * 64 * 9, "also learns a bias"),  # forgot the bias
        (256 * 64 * 9 + 256 * 64, "not once per (output channel, input channel) pair"),  # seed 002
        (256 * 64 * 9 + 1, "not one shared"),  # a single scalar bias for the whole layer
        (256 * 64 * 9 + 256, "not the input channels"),
        (256 * 64 + 64, "whole kernel"),  # forgot the kernel area
        (256 * 64 * 3 + 64, "height times width"),  # k instead of k*k
        (64 * 9 + 64, "slice for every input channel"),
        (256 * 9 + 64, "output channels multiply"),
        (12345, "count its entries"),  # anything else
        ("many", "whole number"),
        ("147520", "whole number"),  # text, even when it reads as the right number
        (147520.5, "whole number"),
    ],
)
def test_conv_params_mistakes(answer, words):
    expected = torch_params(256, 64, 3)
    assert expected == 147520
    assert_hint(pw.check_conv_params(answer, 256, 64, 3), words, answer=expected)


@pytest.mark.parametrize(
    "answer, words",
    [
        (1200, "also learns a bias"),
        (1248, "not once per (output channel, input channel) pair"),
        (1201, "not one shared"),
        (1203, "not the input channels"),
        (416, "input channels multiply"),
        (91, "output channels multiply"),
        (256, "height times width"),
        (64, "whole kernel"),
        (1000, "count its entries"),
    ],
)
def test_conv_params_mistakes_in_the_cross_correlation_exercise(answer, words):
    # nn.Conv2d(3, 16, kernel_size=5): 1216 parameters; no hint states 1216, 1200 or 16
    feedback = pw.check_conv_params(answer, 3, 16, kernel_size=5)
    assert_hint(feedback, words)
    assert not {"1216", "1200", "16"} & set(re.findall(r"\d+", feedback.message))


def test_conv_params_one_side_of_an_oblong_kernel():
    # a (3, 5) kernel: counting 3 or 5 weights per slice instead of 15
    for side in (3, 5):
        assert_hint(pw.check_conv_params(8 * 4 * side + 4, 8, 4, (3, 5)), "height times width")


def test_conv_params_bias_false_counted_bias():
    assert_hint(pw.check_conv_params(64 * 64 * 9 + 64, 64, 64, 3, bias=False), "no bias")


# ------------------------------------------------------------------ multiply-adds

# GoogLeNet's 5x5 branch: 192 channels on 28x28 to 32 channels.
MACS = 5 * 5 * 192 * 32 * 28 * 28


def test_conv_macs_correct():
    assert MACS == 120_422_400
    assert pw.check_conv_macs(MACS, 192, 32, 5, 28)
    assert pw.check_conv_macs(float(MACS), 192, 32, (5, 5), (28, 28))


@pytest.mark.parametrize(
    "answer, words",
    [
        (5 * 5 * 192 * 32, "counts the weights"),
        (5 * 5 * 192 * 32 + 32, "parameters"),
        (2 * MACS, "apart"),
        (MACS + 32 * 28 * 28, "bias"),
        (5 * 5 * 192 * 32 * 28, "height times width"),
        (192 * 32 * 28 * 28, "whole k x k window"),
        (5 * 192 * 32 * 28 * 28, "k*k"),
        (5 * 5 * 32 * 28 * 28, "all input channels"),
        (5 * 5 * 192 * 28 * 28, "one output channel"),
        (1000, "channels x height x width"),
    ],
)
def test_conv_macs_mistakes(answer, words):
    assert_hint(pw.check_conv_macs(answer, 192, 32, 5, 28), words, answer=MACS)


# The channels chapter's ResNet downsampling layer: 64 -> 128 channels, 3x3, stride 2, padding 1,
# on 56x56. The check computes the output size (28x28) itself from the input size.
DOWN = dict(input_size=56, stride=2, padding=1)
DOWN_MACS = 128 * 64 * 9 * 28 * 28


def test_conv_macs_from_the_input_size():
    assert pw.check_conv_macs(DOWN_MACS, 64, 128, 3, **DOWN)
    assert pw.check_conv_macs(DOWN_MACS, 64, 128, 3, (28, 28), **DOWN)  # both, consistent
    assert pw.check_conv_macs(DOWN_MACS, 64, 128, 3, input_size=(56, 56), stride=2, padding=1)
    assert pw.check_conv_macs(..., 64, 128, 3, **DOWN).status == "missing"


@pytest.mark.parametrize(
    "answer, words",
    [
        (128 * 64 * 9 * 56 * 56, "input's height and width, as if the stride were 1"),
        (128 * 64 * 9 * 27 * 27, "left out the padding"),
        (128 * 64 * 9, "counts the weights"),
    ],
)
def test_conv_macs_from_the_input_size_mistakes(answer, words):
    assert_hint(pw.check_conv_macs(answer, 64, 128, 3, **DOWN), words, answer=DOWN_MACS)
    assert "28" not in pw.check_conv_macs(answer, 64, 128, 3, **DOWN).message


def test_conv_macs_stride_forgotten_when_the_size_is_not_kept():
    # No padding: at stride 1 the output is 54x54, not the input's 56x56; both slips are named.
    right = 128 * 64 * 9 * 27 * 27
    config = dict(input_size=56, stride=2)
    assert pw.check_conv_macs(right, 64, 128, 3, **config)
    assert_hint(pw.check_conv_macs(128 * 64 * 9 * 54 * 54, 64, 128, 3, **config), "stride were 1")
    assert_hint(pw.check_conv_macs(128 * 64 * 9 * 56 * 56, 64, 128, 3, **config), "input's height")


def test_conv_macs_needs_a_size():
    with pytest.raises(TypeError, match="output_size"):
        pw.check_conv_macs(1, 64, 128, 3)
    with pytest.raises(ValueError, match="does not match"):
        pw.check_conv_macs(1, 64, 128, 3, (56, 56), **DOWN)


# ------------------------------------------------------------------ two 1x1 layers as one

torch.manual_seed(0)
W1 = torch.randn(4, 3, 1, 1)  # 3 -> 4 channels
W2 = torch.randn(3, 4, 1, 1)  # 4 -> 3 channels


def merged():
    return (W2[:, :, 0, 0] @ W1[:, :, 0, 0]).reshape(3, 3, 1, 1)


def test_merged_weight_is_the_composition():
    x = torch.randn(1, 3, 5, 5)
    assert torch.allclose(F.conv2d(F.conv2d(x, W1), W2), F.conv2d(x, merged()), atol=1e-5)
    assert pw.check_merged_weight(merged(), W1, W2)
    assert pw.check_merged_weight(merged().numpy(), W1, W2)


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda: merged().reshape(3, 3), "shape of a conv weight"),
        (lambda: merged()[:, :, 0, 0].T.reshape(3, 3, 1, 1), "transposed"),
        (lambda: (W1[:, :, 0, 0] @ W2[:, :, 0, 0]).reshape(4, 4, 1, 1), "order is reversed"),
        (lambda: torch.zeros(4, 4, 1, 1), "weight of shape"),
        (lambda: merged() + 1, "one matrix product"),
        (lambda: 3.0, "give a tensor"),
    ],
)
def test_merged_weight_mistakes(answer, words):
    assert_hint(pw.check_merged_weight(answer(), W1, W2), words)


def test_merged_weight_transposed_when_not_square():
    w1, w2 = torch.randn(4, 3, 1, 1), torch.randn(2, 4, 1, 1)
    wrong = (w2[:, :, 0, 0] @ w1[:, :, 0, 0]).T.reshape(3, 2, 1, 1)
    assert_hint(pw.check_merged_weight(wrong, w1, w2), "transposed")


# ------------------------------------------------------------------ separable ratio


def test_separable_ratio_correct_in_any_form():
    exact = Fraction(1, 128) + Fraction(1, 9)
    for answer in (exact, float(exact), round(float(exact), 4), torch.tensor(float(exact))):
        assert pw.check_separable_ratio(answer, 128, 3), answer


@pytest.mark.parametrize(
    "answer, words",
    [
        (1 / (1 / 128 + 1 / 9), "times cheaper"),
        (1 / 128 + 1 / 3, "pointwise (1x1) layer: its share is one over k squared"),
        (1 / (128 * 9), "multiplied them"),
        # the depthwise share is 1/c_o, the pointwise share 1/k^2 (issue 20, error 1)
        (1 / 9, "left out the depthwise layer's share"),
        (1 / 128, "left out the pointwise (1x1) layer's share"),
        (0.5, "simplify"),
        (8, "below 1"),  # the speedup, rounded: 1 / (1/128 + 1/9) = 8.4
        (128 + 9, "below 1"),  # every term turned upside down
        ("small", "single number"),
    ],
)
def test_separable_ratio_mistakes(answer, words):
    feedback = pw.check_separable_ratio(answer, 128, 3)
    assert_hint(feedback, words)
    digits = f"{1 / 128 + 1 / 9:.4f}"[2:]  # "1189"
    assert digits not in feedback.message

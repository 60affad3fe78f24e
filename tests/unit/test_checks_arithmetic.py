"""Self-checks of the convolution-arithmetic chapter: right answers pass, each usual mistake gets
its own hint, and no hint gives the answer away."""

import pytest
import torch
import torch.nn.functional as F
from hint_asserts import assert_hides
from torch import nn

from helpers.checks import arithmetic as A
from helpers.correlation import corr2d, flip_kernel
from helpers.shapes import conv_output_size, transposed_output_size


@pytest.mark.parametrize(
    "check, args",
    [
        (A.check_dilated_size, dict(n=64, kernel_size=3, dilation=12, padding=6)),
        (A.check_transposed_size, dict(n=4, kernel_size=5, stride=3, padding=2)),
        (A.check_output_padding, dict(input_size=(28, 27), kernel_size=3, stride=2, padding=1)),
        (
            A.check_transposed_values,
            dict(x=torch.ones(2, 2), kernel=torch.ones(2, 2)),
        ),
        (A.check_upsampling_layer, dict(input_size=16, output_size=32)),
    ],
)
@pytest.mark.parametrize("blank", [..., None])
def test_no_answer_yet(check, args, blank):
    feedback = check(blank, **args)
    assert feedback.status == "missing" and "`...`" in feedback.message


# --- check_dilated_size ----------------------------------------------------------------------

DILATED = dict(n=64, kernel_size=3, dilation=12, padding=6)  # the chapter's exercise
DILATED_HINTS = {name: message for name, _, message in A._DILATED_MISTAKES}


def torch_size(n, kernel_size, dilation=1, padding=0, stride=1):
    conv = nn.Conv2d(1, 1, kernel_size, padding=padding, stride=stride, dilation=dilation)
    return conv(torch.zeros(1, 1, n, n)).shape[-1]


@pytest.mark.parametrize(
    "config",
    [
        DILATED,
        dict(n=10, kernel_size=3, dilation=2),
        dict(n=17, kernel_size=5, dilation=3, padding=4, stride=2),
    ],
)
def test_dilated_right_answer_passes(config):
    answer = torch_size(**config)
    assert A.check_dilated_size(answer, **config)
    assert A.check_dilated_size(torch.Size([answer]), **config)


@pytest.mark.parametrize("name", [n for n in DILATED_HINTS if n != "ceil"])
def test_dilated_each_mistake_gets_its_hint(name):
    formula = {n: f for n, f, _ in A._DILATED_MISTAKES}[name]
    expected = conv_output_size(64, 3, padding=6, dilation=12)
    wrong = formula(64, 3, 6, 1, 12)
    assert wrong != expected
    feedback = A.check_dilated_size(wrong, **DILATED)
    assert feedback.message == DILATED_HINTS[name]
    assert_hides(feedback, expected)


def test_dilated_rounding_up_with_a_stride():
    # n=8, k=3, d=2, p=1, s=4: 8 + 2 - 5 = 5 cells to move through; floor(5/4) + 1 = 2 windows.
    config = dict(n=8, kernel_size=3, dilation=2, padding=1, stride=4)
    expected = torch_size(**config)
    wrong = -(-(8 + 2 - 5) // 4) + 1
    assert (expected, wrong) == (2, 3)
    assert A.check_dilated_size(wrong, **config).message == DILATED_HINTS["ceil"]


def test_dilated_unknown_and_malformed_answers():
    assert_hides(A.check_dilated_size(1000, **DILATED), torch_size(**DILATED))
    assert A.check_dilated_size("52", **DILATED).status == "hint"
    assert A.check_dilated_size((52, 52), **DILATED).status == "hint"


# --- check_transposed_size ----------------------------------------------------------------------

TRANSPOSED = dict(n=4, kernel_size=5, stride=3, padding=2, output_padding=2)  # the exercise
T_HINTS = {name: message for name, _, message in A._TRANSPOSED_MISTAKES}


def torch_transposed(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    layer = nn.ConvTranspose2d(
        1, 1, kernel_size, stride, padding, output_padding, dilation=dilation
    )
    return layer(torch.zeros(1, 1, n, n)).shape[-1]


@pytest.mark.parametrize(
    "config",
    [
        TRANSPOSED,
        dict(n=2, kernel_size=3),
        dict(n=3, kernel_size=3, stride=2, padding=1, output_padding=1),
        dict(n=5, kernel_size=3, stride=2, dilation=2, output_padding=1),
    ],
)
def test_transposed_right_answer_passes(config):
    answer = torch_transposed(**config)
    assert answer == transposed_output_size(**config)
    assert A.check_transposed_size(answer, **config)


@pytest.mark.parametrize("name", [n for n in T_HINTS if n != "no_dilation"])
def test_transposed_each_mistake_gets_its_hint(name):
    formula = {n: f for n, f, _ in A._TRANSPOSED_MISTAKES}[name]
    expected = transposed_output_size(**TRANSPOSED)
    wrong = formula(4, 5, 3, 2, 2, 1)
    assert wrong != expected
    feedback = A.check_transposed_size(wrong, **TRANSPOSED)
    assert feedback.message == T_HINTS[name]
    assert_hides(feedback, expected)


def test_transposed_forgotten_dilation():
    config = dict(n=5, kernel_size=3, stride=2, dilation=3)
    wrong = (5 - 1) * 2 + (3 - 1) + 1
    assert wrong != transposed_output_size(**config)
    assert A.check_transposed_size(wrong, **config).message == T_HINTS["no_dilation"]


def test_transposed_unknown_answer():
    expected = transposed_output_size(**TRANSPOSED)
    assert_hides(A.check_transposed_size(99, **TRANSPOSED), expected)
    assert A.check_transposed_size([1, 2], **TRANSPOSED).status == "hint"


# --- check_output_padding ---------------------------------------------------------------------

OP = dict(input_size=(28, 27), kernel_size=3, stride=2, padding=1)  # the exercise


def restores(answer, input_size, kernel_size, stride, padding):
    enc = nn.Conv2d(1, 1, kernel_size, stride, padding)
    dec = nn.ConvTranspose2d(1, 1, kernel_size, stride, padding, output_padding=answer)
    return dec(enc(torch.zeros(1, 1, *input_size))).shape[-2:] == tuple(input_size)


def test_output_padding_right_answer_passes():
    assert restores((1, 0), **OP)
    assert A.check_output_padding((1, 0), **OP)
    assert A.check_output_padding([1, 0], **OP)


def test_output_padding_one_axis_and_int_answers():
    config = dict(input_size=6, kernel_size=3, stride=2, padding=1)
    assert A.check_output_padding(1, **config)
    assert A.check_output_padding((1, 1), **dict(config, input_size=(6, 6)))
    assert A.check_output_padding(1, **dict(config, input_size=(6, 6)))
    feedback = A.check_output_padding(0, **config)
    assert "too small" in feedback.message and "height" not in feedback.message


def test_output_padding_swapped():
    feedback = A.check_output_padding((0, 1), **OP)
    assert "swapped" in feedback.message


@pytest.mark.parametrize("answer", [(2, 0), (0, 2), 2, (5, 5)])
def test_output_padding_not_below_the_stride(answer):
    feedback = A.check_output_padding(answer, **OP)
    assert "smaller than the stride" in feedback.message
    with pytest.raises(RuntimeError):  # PyTorch refuses it too
        nn.ConvTranspose2d(1, 1, 3, 2, 1, output_padding=answer)(torch.zeros(1, 1, 14, 14))


def test_output_padding_too_small_or_negative():
    feedback = A.check_output_padding((0, 0), **OP)
    assert "height the output would still be too small" in feedback.message
    assert "width" not in feedback.message
    assert "(1, 0)" not in feedback.message and "=1" not in feedback.message
    assert "negative" in A.check_output_padding((-1, 0), **OP).message
    config = dict(input_size=(27, 27), kernel_size=3, stride=2, padding=1)
    assert "too large" in A.check_output_padding((1, 1), **config).message


def test_output_padding_malformed():
    assert A.check_output_padding((1, 0, 0), **OP).status == "hint"
    assert A.check_output_padding("1", **OP).status == "hint"


# --- check_transposed_values ------------------------------------------------------------------

X_EX = torch.tensor([[1.0, 2], [3, -1]])  # the chapter's exercise
K_EX = torch.tensor([[1.0, 0], [2, -1]])


def test_values_right_answer_passes_in_every_form():
    expected = F.conv_transpose2d(X_EX[None, None], K_EX[None, None])[0, 0]
    assert A.check_transposed_values(expected, X_EX, K_EX)
    assert A.check_transposed_values(expected.tolist(), X_EX, K_EX)
    assert A.check_transposed_values(expected.numpy(), X_EX.numpy(), K_EX.numpy())


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (2, 1)])
def test_values_match_torch_for_strides_and_padding(stride, padding):
    expected = F.conv_transpose2d(
        X_EX[None, None], K_EX[None, None], stride=stride, padding=padding
    )
    assert A.check_transposed_values(expected[0, 0], X_EX, K_EX, stride=stride, padding=padding)


def test_values_rotated_kernel_or_full_correlation():
    rotated = F.conv_transpose2d(X_EX[None, None], flip_kernel(K_EX)[None, None])[0, 0]
    assert "rotated by 180" in A.check_transposed_values(rotated, X_EX, K_EX).message
    full_corr = corr2d(X_EX, K_EX, padding=1)  # the same slip, made the other way
    assert "rotated by 180" in A.check_transposed_values(full_corr, X_EX, K_EX).message


def test_values_overlaps_overwritten():
    overwritten = A._overwrite_scatter(X_EX, K_EX, 1, 0)
    assert "overlap" in A.check_transposed_values(overwritten, X_EX, K_EX).message


@pytest.mark.parametrize("padding", [0, 1])
def test_values_stride_ignored(padding):
    wrong = F.conv_transpose2d(X_EX[None, None], K_EX[None, None], padding=padding)[0, 0]
    feedback = A.check_transposed_values(wrong, X_EX, K_EX, stride=2, padding=padding)
    assert "one cell apart" in feedback.message


def test_values_padding_not_cut():
    wrong = F.conv_transpose2d(X_EX[None, None], K_EX[None, None], stride=2)[0, 0]
    feedback = A.check_transposed_values(wrong, X_EX, K_EX, stride=2, padding=1)
    assert "padding" in feedback.message and "cut" in feedback.message


def test_values_shapes_and_other_errors():
    shrunk = corr2d(X_EX, K_EX)  # an ordinary correlation: 1x1
    assert "smaller than the input" in A.check_transposed_values(shrunk, X_EX, K_EX).message
    too_big = torch.zeros(4, 4)
    assert "wrong shape" in A.check_transposed_values(too_big, X_EX, K_EX).message
    expected = F.conv_transpose2d(X_EX[None, None], K_EX[None, None])[0, 0]
    off = expected.clone()
    off[0, 0] += 1
    feedback = A.check_transposed_values(off, X_EX, K_EX)
    assert feedback.message.startswith("1 of 9 cells is not right yet")
    off[2, 2] += 1
    assert A.check_transposed_values(off, X_EX, K_EX).message.startswith("2 of 9 cells are not")
    assert str(expected.tolist()) not in feedback.message
    assert A.check_transposed_values("abc", X_EX, K_EX).status == "hint"
    assert A.check_transposed_values([1, 2, 3], X_EX, K_EX).status == "hint"


# --- check_upsampling_layer -------------------------------------------------------------------


@pytest.mark.parametrize("layer", [(4, 2, 1, 0), (3, 2, 1, 1), (6, 2, 2, 0), (2, 2, 0, 0)])
def test_upsampling_right_answers_pass(layer):
    k, s, p, a = layer
    assert torch_transposed(16, k, s, p, a) == 32
    assert A.check_upsampling_layer(layer, 16, 32)


def test_upsampling_kernel_too_small_for_the_exercise():
    feedback = A.check_upsampling_layer((2, 2, 0, 0), 16, 32, min_kernel_size=3)
    assert feedback.status == "hint" and "larger kernel" in feedback.message


def test_upsampling_needs_output_padding():
    feedback = A.check_upsampling_layer((3, 2, 1, 0), 16, 32)
    assert "a little short" in feedback.message and "output_padding" in feedback.message


def test_upsampling_padding_once_and_n_times_s():
    # (4, 2, 2, 0) gives 30; with the padding removed once it would give the target, 32.
    assert torch_transposed(16, 4, 2, 2, 0) == 30
    assert "padding once" in A.check_upsampling_layer((4, 2, 2, 0), 16, 32).message
    # (2, 2, 1, 0) gives 30; with n·s in place of (n − 1)·s it would give 32.
    assert torch_transposed(16, 2, 2, 1, 0) == 30
    assert "not n·s" in A.check_upsampling_layer((2, 2, 1, 0), 16, 32).message


def test_upsampling_conv_formula():
    # A layer whose *convolution* output is the target: (k=2, s=2) on 16 gives 8 for a conv.
    feedback = A.check_upsampling_layer((2, 2, 0, 0), 16, 8)
    assert "ordinary convolution" in feedback.message


@pytest.mark.parametrize(
    "layer, words",
    [
        ((3, 2, 1, 2), "smaller than the stride"),
        ((0, 2, 0, 0), "at least 1"),
        ((3, 2, -1, 0), "negative"),
        ((3, 1, 9, 0), "nothing is left"),
        ((3, 2, 1), "four whole numbers"),
        ((9, 1, 0, 0), "not the target"),
    ],
)
def test_upsampling_invalid_or_wrong_layers(layer, words):
    assert words in A.check_upsampling_layer(layer, 16, 32).message

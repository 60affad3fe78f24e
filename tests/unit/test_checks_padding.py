"""Self-checks of the padding-and-stride chapter: right answers pass, each usual mistake gets its
own hint, and no hint gives the answer away."""

import pytest
import torch
from hint_asserts import assert_hides
from torch import nn

from helpers.checks import padding as P
from helpers.shapes import conv_output_shape

HINTS = {name: message for name, _, message in P._SHAPE_MISTAKES}


# --- check_padded_shape ------------------------------------------------------------------------

# The chapter's exercise: 32x32 input, kernel (5, 3), padding (2, 1), stride (2, 3).
EXERCISE = dict(input_size=(32, 32), kernel_size=(5, 3), padding=(2, 1), stride=(2, 3))


def torch_shape(input_size, kernel_size, padding=0, stride=1, dilation=1):
    conv = nn.Conv2d(1, 1, kernel_size, padding=padding, stride=stride, dilation=dilation)
    return tuple(conv(torch.zeros(1, 1, *input_size)).shape[2:])


@pytest.mark.parametrize(
    "config",
    [
        EXERCISE,
        dict(input_size=(8, 8), kernel_size=3, padding=1),
        dict(input_size=(8, 8), kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)),
        dict(input_size=(10, 12), kernel_size=3, padding=1, stride=2, dilation=2),
    ],
)
def test_shape_right_answer_passes(config):
    answer = torch_shape(**config)
    assert P.check_padded_shape(answer, **config)
    assert P.check_padded_shape(torch.Size(answer), **config)
    assert P.check_padded_shape(list(answer), **config)


@pytest.mark.parametrize("name", [n for n in HINTS if n != "no_dilation"])
def test_shape_each_mistake_gets_its_hint(name):
    formula = dict((n, f) for n, f, _ in P._SHAPE_MISTAKES)[name]
    args = zip((32, 32), (5, 3), (2, 1), (2, 3), (1, 1), strict=True)
    wrong = tuple(formula(*a) for a in args)
    expected = conv_output_shape((32, 32), (5, 3), (2, 1), (2, 3))
    assert wrong != expected
    feedback = P.check_padded_shape(wrong, **EXERCISE)
    assert feedback.message == HINTS[name]
    assert_hides(feedback, *expected)


def test_shape_mistake_on_one_axis_only():
    # Height right, width rounded up instead of down.
    expected = conv_output_shape((32, 32), (5, 3), (2, 1), (2, 3))
    ceil_w = -(-(32 + 2 - 3) // 3) + 1
    assert ceil_w != expected[1]
    feedback = P.check_padded_shape((expected[0], ceil_w), **EXERCISE)
    assert feedback.message == HINTS["ceil"]


def test_shape_forgotten_dilation():
    config = dict(input_size=(10, 12), kernel_size=3, padding=1, stride=1, dilation=2)
    expected = conv_output_shape(**config)
    wrong = (10 + 2 - 3 + 1, 12 + 2 - 3 + 1)
    feedback = P.check_padded_shape(wrong, **config)
    assert feedback.message == HINTS["no_dilation"]
    assert_hides(feedback, *expected)


def test_shape_swapped_axes():
    expected = conv_output_shape((32, 32), (5, 3), (2, 1), (2, 3))
    feedback = P.check_padded_shape(expected[::-1], **EXERCISE)
    assert "order" in feedback.message
    assert_hides(feedback, *expected)


@pytest.mark.parametrize("answer", [(1, 2, 3), "16x11", 16, (16.5, 11.0)])
def test_shape_wrong_format(answer):
    feedback = P.check_padded_shape(answer, **EXERCISE)
    assert feedback.status == "hint"
    assert "(height, width)" in feedback.message


def test_shape_unrecognised_answer_names_the_wrong_axis():
    expected = conv_output_shape((32, 32), (5, 3), (2, 1), (2, 3))
    feedback = P.check_padded_shape((expected[0], 40), **EXERCISE)
    assert "width" in feedback.message and "height" not in feedback.message.split(".")[0]
    assert_hides(feedback, *expected)


@pytest.mark.parametrize("answer", [..., None])
def test_shape_missing(answer):
    assert P.check_padded_shape(answer, **EXERCISE).status == "missing"


# --- check_same_padding ------------------------------------------------------------------------


@pytest.mark.parametrize("k,d", [(3, 1), (5, 1), (7, 1), (5, 3), (4, 2), (3, 4)])
def test_same_padding_right_answer_keeps_the_size(k, d):
    p = d * (k - 1) // 2
    assert torch_shape((11, 11), k, padding=p, dilation=d) == (11, 11)
    assert P.check_same_padding(p, k, dilation=d)


@pytest.mark.parametrize(
    "answer,words",
    [
        (12, "both sides"),  # total instead of per side
        (2, "undilated"),  # (k - 1) / 2, dilation forgotten
        (4, "undilated"),  # k - 1, dilation forgotten
        (5, "solve for p"),
        (-6, "negative"),
    ],
)
def test_same_padding_mistakes(answer, words):
    feedback = P.check_same_padding(answer, 5, dilation=3)
    assert words in feedback.message
    assert_hides(feedback, 6)


def test_same_padding_total_names_the_capital_p():
    assert "P_h" in P.check_same_padding(12, 5, dilation=3).message


def test_same_padding_total_without_dilation():
    feedback = P.check_same_padding(4, 5)  # k - 1 = 4 is the total over both sides
    assert "both sides" in feedback.message
    assert_hides(feedback, 2)


@pytest.mark.parametrize("answer", [1.5, "2", (1, 1, 1)])
def test_same_padding_needs_a_whole_number(answer):
    assert "whole number" in P.check_same_padding(answer, 3).message


def test_same_padding_missing_and_bad_question():
    assert P.check_same_padding(..., 3).status == "missing"
    with pytest.raises(ValueError, match="odd total"):
        P.check_same_padding(1, 4)


# --- check_even_kernel_split -------------------------------------------------------------------


def padded_shape(split, kernel_size, n=(6, 7)):
    (top, bottom), (left, right) = split
    x = torch.nn.functional.pad(torch.zeros(1, 1, *n), (left, right, top, bottom))
    return tuple(nn.Conv2d(1, 1, kernel_size)(x).shape[2:])


def test_even_split_right_answer_keeps_the_size():
    split = ((2, 1), (1, 0))
    assert padded_shape(split, (4, 2)) == (6, 7)
    assert P.check_even_kernel_split(split, (4, 2))
    assert P.check_even_kernel_split([[2, 1], [1, 0]], (4, 2))
    assert P.check_even_kernel_split(((3, 2), (3, 2)), 6)


def test_even_split_pytorch_same_convention():
    # PyTorch's padding="same" puts the larger half after (bottom/right): same shape, other side.
    split = ((1, 2), (0, 1))
    assert padded_shape(split, (4, 2)) == (6, 7)
    feedback = P.check_even_kernel_split(split, (4, 2))
    assert "padding='same'" in feedback.message and "top/left" in feedback.message
    assert_hides(feedback, 2, 1, 0)


@pytest.mark.parametrize(
    "answer,words",
    [
        (((1, 0), (2, 1)), "first pair is for the height"),
        ((2, 1, 1, 0), "two pairs"),
        (((2, 2), (1, 1)), "add up"),
        (((1, 1), (0, 0)), "add up"),
        (((3, 0), (1, 0)), "evenly"),
        (((2, -1), (1, 0)), "negative"),
        (((2, 1),), "two pairs"),
        ("top", "two pairs"),
    ],
)
def test_even_split_mistakes(answer, words):
    feedback = P.check_even_kernel_split(answer, (4, 2))
    assert words in feedback.message
    assert feedback.status == "hint"


def test_even_split_names_the_wrong_axis():
    feedback = P.check_even_kernel_split(((2, 1), (1, 1)), (4, 2))
    assert "width" in feedback.message and "height" not in feedback.message


def test_even_split_missing():
    assert P.check_even_kernel_split(None, 4).status == "missing"


# --- check_layer_for_target --------------------------------------------------------------------


@pytest.mark.parametrize("answer", [(3, 1, 2), (2, 0, 2), (4, 1, 2), (5, 2, 2), (1, 0, 2)])
def test_layer_right_answers(answer):
    k, p, s = answer
    assert torch_shape((28, 28), k, padding=p, stride=s) == (14, 14)
    assert P.check_layer_for_target(answer, 28, 14)


@pytest.mark.parametrize(
    "answer,words",
    [
        ((3, 0, 2), "rounded up"),  # gives 13; ceil would give 14
        ((6, 3, 2), "`+ 1`"),  # gives 15; without the + 1 it would be 14
        ((3, 1, 1), "adjust"),  # gives 28
        ((3, 3, 2), "nothing but zeros"),
        ((3, -1, 2), "negative"),
        ((0, 0, 2), "at least 1"),
        ((3, 1), "three whole numbers"),
    ],
)
def test_layer_mistakes(answer, words):
    feedback = P.check_layer_for_target(answer, 28, 14)
    assert feedback.status == "hint"
    assert words in feedback.message


def test_layer_padding_counted_once():
    # (4, 2, 2) gives floor((28 + 4 - 4) / 2) + 1 = 15; with the padding once, 14.
    feedback = P.check_layer_for_target((4, 2, 2), 28, 14)
    assert "counted the padding once" in feedback.message


@pytest.mark.parametrize("answer", [(1, 0, 2), (2, 0, 2)])
def test_layer_kernel_smaller_than_asked(answer):
    # The chapter asks for a kernel larger than 2x2: these reach 14 but get a hint.
    k, p, s = answer
    assert torch_shape((28, 28), k, padding=p, stride=s) == (14, 14)
    feedback = P.check_layer_for_target(answer, 28, 14, min_kernel_size=3)
    assert feedback.status == "hint"
    assert "larger than 2×2" in feedback.message and "larger kernel" in feedback.message


@pytest.mark.parametrize("answer", [(3, 1, 2), (4, 1, 2), (5, 2, 2)])
def test_layer_min_kernel_size_accepts_larger_kernels(answer):
    assert P.check_layer_for_target(answer, 28, 14, min_kernel_size=3)


def test_layer_kernel_too_large():
    assert "no output" in P.check_layer_for_target((31, 1, 1), 28, 14).message


def test_layer_missing():
    assert P.check_layer_for_target(..., 28, 14).status == "missing"


# --- registration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "check_padded_shape",
        "check_same_padding",
        "check_even_kernel_split",
        "check_layer_for_target",
    ],
)
def test_checks_are_exported(name):
    import helpers.checks

    assert getattr(helpers.checks, name) is getattr(P, name)

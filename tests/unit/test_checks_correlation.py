"""Tests of helpers.checks.correlation: right answers pass, each common mistake gets its own hint,
and no hint gives the answer away."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import helpers.checks
from helpers.checks import correlation as C


def numbers_in(message):
    return {int(m) for m in re.findall(r"\d+", message)}


def assert_hint(feedback, phrase, *secret):
    """A hint containing ``phrase`` that states none of the ``secret`` numbers."""
    assert feedback.status == "hint", feedback
    assert phrase in feedback.message, feedback.message
    leaked = numbers_in(feedback.message) & {abs(int(v)) for v in secret}
    assert not leaked, f"hint gives away {leaked}: {feedback.message}"


def torch_corr(x, kernel):
    x, kernel = (
        torch.as_tensor(x, dtype=torch.float64),
        torch.as_tensor(kernel, dtype=torch.float64),
    )
    return F.conv2d(x[None, None], kernel[None, None])[0, 0]


@pytest.mark.parametrize(
    "name",
    [
        "check_corr2d_output_shape",
        "check_corr2d_values",
        "check_flipped_kernel",
        "check_receptive_field",
    ],
)
def test_checks_are_exported(name):
    assert getattr(helpers.checks, name) is getattr(C, name)


# --- check_corr2d_output_shape -----------------------------------------------------------------

# The chapter's exercise: a 32 x 24 input, a 5 x 3 kernel -> 28 x 22.
SHAPE_Q = dict(input_shape=(32, 24), kernel_shape=(5, 3))


@pytest.mark.parametrize(
    "n, k", [((32, 24), (5, 3)), ((3, 3), (2, 2)), ((6, 8), (1, 2)), ((7, 4), (7, 1)), (9, 3)]
)
def test_shape_right_answer_passes(n, k):
    n2 = (n, n) if isinstance(n, int) else n
    k2 = (k, k) if isinstance(k, int) else k
    answer = tuple(torch_corr(torch.zeros(n2), torch.zeros(k2)).shape)
    for form in (answer, list(answer), torch.Size(answer), np.array(answer)):
        assert C.check_corr2d_output_shape(form, n, k), form


@pytest.mark.parametrize("answer", [..., None])
def test_shape_missing(answer):
    assert C.check_corr2d_output_shape(answer, **SHAPE_Q).status == "missing"


@pytest.mark.parametrize(
    "answer, phrase",
    [
        ((22, 28), "wrong order"),  # width first
        ((27, 21), "one short"),  # forgot the +1
        ((36, 26), "hang over"),  # n + k - 1, the "full" size
        ((32, 24), "input's shape"),  # output as large as the input
        ((30, 20), "which kernel size"),  # subtracted the kernel's width from the height
        ((6, 8), "divided by the kernel size"),  # non-overlapping windows
        ((28, 23), "top-left cell"),  # anything else
        (28, "pair (height, width)"),  # one number for a 2-D shape
        ("28x22", "pair (height, width)"),
    ],
)
def test_shape_each_mistake_gets_its_hint(answer, phrase):
    assert_hint(C.check_corr2d_output_shape(answer, **SHAPE_Q), phrase, 28, 22)


def test_shape_rejects_a_malformed_question():
    with pytest.raises(ValueError, match="input_shape"):
        C.check_corr2d_output_shape((1, 1), (1, 2, 3), 2)


# --- check_corr2d_values -----------------------------------------------------------------------

# The chapter's exercise.
X_EX = [[2, 0, 1], [1, 3, 0], [0, 1, 2]]
K_EX = [[1, 2], [0, -1]]
Y_EX = [[-1, 2], [6, 1]]


def test_values_exercise_answer_is_what_torch_computes():
    assert torch_corr(X_EX, K_EX).tolist() == Y_EX


@pytest.mark.parametrize(
    "answer", [Y_EX, torch.tensor(Y_EX), torch.tensor(Y_EX, dtype=torch.float32), np.array(Y_EX)]
)
def test_values_right_answer_passes(answer):
    assert C.check_corr2d_values(answer, X_EX, torch.tensor(K_EX))


def test_values_chapter_example_and_random_inputs_pass():
    x, k = torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2)
    assert C.check_corr2d_values([[19, 25], [37, 43]], x, k)
    g = torch.Generator().manual_seed(0)
    for shape, kshape in [((5, 6), (2, 3)), ((4, 4), (1, 1)), ((3, 7), (3, 2))]:
        x, k = torch.randn(shape, generator=g), torch.randn(kshape, generator=g)
        assert C.check_corr2d_values(torch_corr(x, k), x, k)


@pytest.mark.parametrize("answer", [..., None])
def test_values_missing(answer):
    assert C.check_corr2d_values(answer, X_EX, K_EX).status == "missing"


FLIPPED = torch_corr(X_EX, np.flip(np.array(K_EX), (0, 1)).copy()).tolist()
KERNEL_T = torch_corr(X_EX, np.array(K_EX).T.copy()).tolist()


@pytest.mark.parametrize(
    "answer, phrase",
    [
        (FLIPPED, "flipped the kernel"),  # convolution instead of cross-correlation
        ([[-1, 6], [2, 1]], "transposed"),  # output transposed
        (KERNEL_T, "kernel down transposed"),  # kernel laid down transposed
        ([[-1, 2], [6, 0]], "all but one entry"),  # one arithmetic slip
        ([[0, 0], [0, 0]], "multiply the overlapping"),  # anything else
        (torch.zeros(3, 3), "as large as the input"),  # "same"-size output
        (torch.zeros(2, 3), "wrong shape"),
        (5, "two axes"),
        ("[[-1, 2], [6, 1]]", "two axes"),
    ],
)
def test_values_each_mistake_gets_its_hint(answer, phrase):
    feedback = C.check_corr2d_values(answer, X_EX, K_EX)
    # "recheck row i, column j" may name a position, never a value of the output
    assert_hint(feedback, phrase, *[v for row in Y_EX for v in row if abs(v) > 1])


def test_values_distinct_mistakes():
    # the exercise is chosen so that every recognised mistake gives a different output
    outputs = [Y_EX, FLIPPED, [[-1, 6], [2, 1]], KERNEL_T]
    assert len({str(o) for o in outputs}) == len(outputs)


def test_values_swapped_shape_hint():
    x, k = torch.zeros(3, 5), torch.zeros(2, 2)  # output (2, 4)
    assert_hint(C.check_corr2d_values(torch.zeros(4, 2), x, k), "rows and columns swapped")


# --- check_flipped_kernel ----------------------------------------------------------------------

K_FLIP = torch.tensor([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("kernel", [K_FLIP, torch.arange(6.0).reshape(2, 3), [[1, -1]]])
def test_flip_right_answer_passes(kernel):
    kernel = torch.as_tensor(kernel, dtype=torch.float32)
    answer = torch.flip(kernel, (0, 1))
    assert C.check_flipped_kernel(answer, kernel)
    assert C.check_flipped_kernel(answer.tolist(), kernel)
    # the definition: cross-correlation with the answer is true convolution with the kernel
    x = torch.randn(5, 6, generator=torch.Generator().manual_seed(1))
    full = torch_corr(x, answer)
    assert torch.allclose(full, torch.as_tensor(helpers.convolve2d(x, kernel), dtype=full.dtype))


@pytest.mark.parametrize("answer", [..., None])
def test_flip_missing(answer):
    assert C.check_flipped_kernel(answer, K_FLIP).status == "missing"


@pytest.mark.parametrize(
    "answer, phrase",
    [
        ([[1, 2], [3, 4]], "unchanged"),
        ([[3, 4], [1, 2]], "up-down only"),
        ([[2, 1], [4, 3]], "left-right only"),
        ([[1, 3], [2, 4]], "transpose"),
        ([[4, 2], [3, 1]], "other diagonal"),
        ([[-4, -3], [-2, -1]], "signs"),
        ([[-1, -2], [-3, -4]], "signs"),
        ([[4, 3], [1, 2]], "only move them"),  # anything else
        ([[4, 3, 2, 1]], "same shape"),
    ],
)
def test_flip_each_mistake_gets_its_hint(answer, phrase):
    feedback = C.check_flipped_kernel(answer, K_FLIP)
    assert feedback.status == "hint", feedback
    assert phrase in feedback.message, feedback.message
    assert not numbers_in(feedback.message), feedback.message


# --- check_receptive_field ---------------------------------------------------------------------


def brute_force(kernel_sizes, strides, n=48):
    """Side of the input square that can change one central output (autograd, all-ones kernels)."""
    x = torch.zeros(1, 1, n, n, requires_grad=True)
    h = x
    for k, s in zip(kernel_sizes, strides, strict=True):
        h = F.conv2d(h, torch.ones(1, 1, k, k), stride=s)
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = (x.grad[0, 0] != 0).any(dim=1).nonzero()
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize(
    "kernel_sizes, strides",
    [
        ([2, 2], [1, 1]),
        ([3, 3, 3], [1, 1, 1]),
        ([3, 3, 3], [2, 1, 1]),
        ([5, 3], [2, 2]),
        ([7], [1]),
    ],
)
def test_receptive_field_right_answer_passes(kernel_sizes, strides):
    r = brute_force(kernel_sizes, strides)
    assert C.check_receptive_field(r, kernel_sizes, strides)
    assert C.check_receptive_field((r, r), kernel_sizes, strides)


def test_receptive_field_strides_default_to_one():
    assert C.check_receptive_field(7, [3, 3, 3])


@pytest.mark.parametrize("answer", [..., None])
def test_receptive_field_missing(answer):
    assert C.check_receptive_field(answer, [3, 3, 3]).status == "missing"


@pytest.mark.parametrize(
    "answer, kernel_sizes, strides, phrase",
    [
        (6, [3, 3, 3], None, "one short"),  # L (k - 1), forgot the pixel itself
        (9, [3, 3, 3], None, "overlap twice"),  # summed the kernel sizes
        (27, [3, 3, 3], None, "additively"),  # multiplied the kernel sizes
        (3, [3, 3, 3], None, "every layer"),  # only the last layer
        (8, [3, 3, 3], None, "top down"),  # anything else
        (7, [3, 3, 3], [2, 1, 1], "strides of all layers below"),  # ignored the stride
        ((7, 5), [3, 3, 3], None, "single integer"),
        ("seven", [3, 3, 3], None, "single integer"),
    ],
)
def test_receptive_field_each_mistake_gets_its_hint(answer, kernel_sizes, strides, phrase):
    expected = brute_force(kernel_sizes, strides or [1] * len(kernel_sizes))
    assert_hint(C.check_receptive_field(answer, kernel_sizes, strides), phrase, expected)

"""Tests of helpers.checks.pooling: right answers pass, each common mistake gets its own hint, and
no hint gives the answer away."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.checks import pooling as checks

# The input of the chapter's exercises: distinct windows, integer sums.
X = [[1, 3, 2, 0], [4, 0, 6, 2], [2, 2, 5, 1], [0, 8, 3, 7]]
MAX = [[4, 6], [8, 7]]
AVG = [[2, 2.5], [3, 4]]


def numbers(message):
    return {float(m) for m in re.findall(r"\d+(?:\.\d+)?", message)}


# --- check_pool_result -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, answer",
    [("max", MAX), ("avg", AVG), ("max", torch.tensor(MAX)), ("avg", np.array(AVG))],
)
def test_pool_result_correct(mode, answer):
    feedback = checks.check_pool_result(answer, X, 2, mode=mode)
    assert feedback.correct, feedback


def test_pool_result_matches_torch_on_random_input():
    x = torch.randn(5, 7, generator=torch.Generator().manual_seed(0))
    kw = dict(stride=(2, 1), padding=1)
    expected = F.max_pool2d(x[None, None], 3, **kw)[0, 0]
    assert checks.check_pool_result(expected, x, 3, mode="max", **kw).correct
    expected = F.avg_pool2d(x[None, None], 3, **kw)[0, 0]
    assert checks.check_pool_result(expected, x, 3, mode="avg", **kw).correct


@pytest.mark.parametrize("answer", [..., None])
def test_pool_result_missing(answer):
    assert checks.check_pool_result(answer, X, 2).status == "missing"


def overlapping(mode):
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    return fn(torch.tensor(X, dtype=torch.float64)[None, None], 2, stride=1)[0, 0]


@pytest.mark.parametrize(
    "mode, answer, words",
    [
        ("max", overlapping("max"), "stride = kernel_size"),
        ("avg", overlapping("avg"), "stride = kernel_size"),
        ("max", AVG, "took the average"),
        ("avg", MAX, "took the maximum"),
        ("avg", (np.array(AVG) * 4).tolist(), "added up each window"),
        ("max", [[0, 0], [0, 1]], "smallest value"),
        ("max", np.array(MAX).T.tolist(), "swapped"),
        ("max", [[4, 6], [8, 8]], "1 of 4 values is off"),  # one: singular
        ("max", [[4, 6], [7, 8]], "2 of 4 values are off"),
        ("max", [4, 6, 8, 7], "2-D grid"),
        ("max", "four", "2-D grid"),
        ("max", [[4, 6, 1], [8, 7, 1]], "not the output shape"),
    ],
)
def test_pool_result_mistakes(mode, answer, words):
    feedback = checks.check_pool_result(answer, X, 2, mode=mode)
    assert feedback.status == "hint"
    assert words in feedback.message
    expected = MAX if mode == "max" else AVG
    assert str(expected) not in feedback.message


@pytest.mark.parametrize("mode, answer", [("max", [[4, 0], [0, 0]]), ("avg", [[2, 0], [0, 0]])])
def test_pool_result_hint_never_states_the_values(mode, answer):
    feedback = checks.check_pool_result(answer, X, 2, mode=mode)
    assert feedback.status == "hint"
    # the only numbers in the reply are the count of wrong cells and the number of cells
    assert numbers(feedback.message) == {3.0, 4.0}


def test_pool_result_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        checks.check_pool_result(MAX, X, 2, mode="sum")


# --- check_pool_output_shape -------------------------------------------------------------------

SHAPE_IN = (8, 64, 28, 20)  # nn.MaxPool2d(3, padding=1): stride defaults to 3
SHAPE_OUT = (8, 64, 10, 7)


@pytest.mark.parametrize("answer", [SHAPE_OUT, list(SHAPE_OUT), torch.Size(SHAPE_OUT)])
def test_shape_correct(answer):
    assert checks.check_pool_output_shape(answer, SHAPE_IN, 3, padding=1).correct


@pytest.mark.parametrize(
    "input_shape, kwargs",
    [
        ((1, 1, 4, 4), dict(kernel_size=3)),
        ((1, 2, 4, 4), dict(kernel_size=3, padding=1, stride=(2, 1))),
        ((3, 112, 112), dict(kernel_size=3, padding=1, stride=2)),
        ((9, 13), dict(kernel_size=(2, 3))),
    ],
)
def test_shape_agrees_with_torch(input_shape, kwargs):
    x = torch.zeros(input_shape)
    out = (
        F.max_pool2d(x, **kwargs).shape if x.ndim > 2 else F.max_pool2d(x[None], **kwargs)[0].shape
    )
    assert checks.check_pool_output_shape(tuple(out), input_shape, **kwargs).correct


def test_shape_missing():
    assert checks.check_pool_output_shape(..., SHAPE_IN, 3, padding=1).status == "missing"


@pytest.mark.parametrize(
    "answer, words",
    [
        ((8, 64, 28, 20), "default stride is the window size"),
        ((8, 64, 9, 7), "counted the padding once"),
        ((8, 64, 10, 8), "rounded up"),
        ((8, 64, 9, 6), "+ 1"),
        ((8, 32, 10, 7), "as many channels come out as go in"),
        ((4, 64, 10, 7), "batch size"),
        ((8, 64, 7, 10), "swapped"),
        ((64, 10, 7), "but the input has 4"),
        ((8, 64, 11, 11), "floor((n + 2p - k) / s) + 1"),
        ("ten by seven", "tuple of whole numbers"),
    ],
)
def test_shape_mistakes(answer, words):
    feedback = checks.check_pool_output_shape(answer, SHAPE_IN, 3, padding=1)
    assert feedback.status == "hint"
    assert words in feedback.message
    # neither output size appears in the hint
    assert not numbers(feedback.message) & {10.0, 7.0}


# --- check_max_pool_grad -----------------------------------------------------------------------


def grad_of(fn, x, k=2):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn(t[None, None], k).sum().backward()
    return t.grad


GRAD = grad_of(F.max_pool2d, X)


def test_grad_reference_is_one_hot_per_window():
    assert GRAD.sum() == 4 and set(GRAD.unique().tolist()) == {0.0, 1.0}


@pytest.mark.parametrize("answer", [GRAD, GRAD.int().tolist()])
def test_grad_correct(answer):
    assert checks.check_max_pool_grad(answer, X, 2).correct


def test_grad_missing():
    assert checks.check_max_pool_grad(..., X, 2).status == "missing"


@pytest.mark.parametrize(
    "answer, words",
    [
        (grad_of(F.avg_pool2d, X), "average pool spreads"),
        (np.ones((4, 4)), "not every cell"),
        (grad_of(lambda t, k: -F.max_pool2d(-t, k), X), "smallest value"),
        (np.ones((2, 2)), "shape of the pooled output"),
        (np.zeros((3, 3)), "input's shape"),
        (np.zeros(16), "2-D grid"),
        (np.zeros((4, 4)), "4 of 16 cells are off"),
        ([[1, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0], [0, 1, 0, 1]], "1 of 16 cells is off"),
    ],
)
def test_grad_mistakes(answer, words):
    feedback = checks.check_max_pool_grad(answer, X, 2)
    assert feedback.status == "hint"
    assert words in feedback.message


def test_checks_are_exported():
    import helpers.checks

    for name in ("check_pool_result", "check_pool_output_shape", "check_max_pool_grad"):
        assert getattr(helpers.checks, name) is getattr(checks, name)

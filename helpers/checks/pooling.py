"""Self-checks for the pooling chapter (``book/pooling.md``).

Each check compares a student's answer with the right one, computed here with PyTorch, and replies
with a hint that names the likely mistake (stride taken as 1, padding counted once, a sum instead of
a mean, the gradient of the wrong kind of pooling, ...) without stating the answer.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ._core import as_array, correct, hint, is_missing, missing, same_values
from .answers import as_ints, as_pair, reads_answer

_MODES = ("max", "avg")


def _off(wrong: int, total: int, noun: str) -> str:
    """``"1 of 16 cells is off."``, ``"4 of 16 cells are off."``"""
    return f"{wrong} of {total} {noun}s {'is' if wrong == 1 else 'are'} off."


def _pool(x, kernel_size, stride, padding, mode):
    """``mode`` pooling of a 2-D array ``x`` with PyTorch, as a float64 NumPy array."""
    t = torch.as_tensor(np.asarray(x, dtype=np.float64))[None, None]
    if mode == "max":
        out = F.max_pool2d(t, kernel_size, stride=stride, padding=padding)
    elif mode == "min":
        out = -F.max_pool2d(-t, kernel_size, stride=stride, padding=padding)
    else:
        out = F.avg_pool2d(t, kernel_size, stride=stride, padding=padding)
    return out[0, 0].numpy()


@reads_answer
def check_pool_result(answer, x, kernel_size, *, stride=None, padding=0, mode="max"):
    """Check a hand-computed ``mode`` pooling (``"max"`` or ``"avg"``) of the 2-D input ``x``.

    ``stride=None`` means PyTorch's default, the window size. Recognised mistakes: stride 1 instead
    of the default, the other kind of pooling, the sum (or minimum) of each window instead of its
    mean (or maximum), rows and columns swapped.
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be 'max' or 'avg', but got {mode!r}")
    if is_missing(answer):
        return missing("pooled output (a nested list or a tensor)")
    x = as_array(x)
    expected = _pool(x, kernel_size, stride, padding, mode)
    got = as_array(answer)
    if got is None or got.ndim != 2:
        return hint(
            "give the output as a 2-D grid of numbers, e.g. a nested list [[a, b], [c, d]] or a "
            "2-D tensor, one inner list per output row."
        )
    if same_values(got, expected):
        return correct("every window gives the right value.")
    name = "maximum" if mode == "max" else "average"
    if stride is None and got.shape != expected.shape:
        overlapping = _pool(x, kernel_size, 1, padding, mode)
        if got.shape == overlapping.shape:
            return hint(
                "your windows overlap, as if the stride were 1. PyTorch's pooling layers move the "
                "window by its own size by default (stride = kernel_size), so the windows tile "
                "the input without overlapping."
            )
    if got.shape != expected.shape:
        if got.shape == expected.T.shape:
            return hint(
                "your grid has rows and columns swapped: output row i comes from input rows."
            )
        return hint(
            f"your grid has shape {tuple(got.shape)}, which is not the output shape. Work out "
            "how many window positions fit along each axis first (remember the default stride)."
        )
    other = _pool(x, kernel_size, stride, padding, "avg" if mode == "max" else "max")
    if same_values(got, other):
        took = "average" if mode == "max" else "maximum"
        return hint(f"you took the {took} of each window; this question asks for the {name}.")
    if mode == "avg":
        k_h, k_w = as_pair(kernel_size, "kernel_size")
        if same_values(got, expected * (k_h * k_w)):
            return hint(
                "you added up each window; an average pool divides that sum by the number of "
                "cells in the window."
            )
    if mode == "max" and same_values(got, _pool(x, kernel_size, stride, padding, "min")):
        return hint("you took the smallest value of each window; a max pool keeps the largest.")
    if expected.shape[0] == expected.shape[1] and same_values(got, expected.T):
        return hint("your grid has rows and columns swapped: output row i comes from input rows.")
    wrong = int((~np.isclose(got, expected, atol=1e-6)).sum())
    return hint(
        f"{_off(wrong, expected.size, 'value')} For each output cell, outline its window on the "
        f"input and take the {name} of exactly those cells."
    )


@reads_answer
def check_pool_output_shape(answer, input_shape, kernel_size, *, stride=None, padding=0):
    """Check the output shape of ``nn.MaxPool2d(kernel_size, stride, padding)`` (or ``AvgPool2d``).

    ``input_shape`` is ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``; the answer must have the same
    length. ``stride=None`` is PyTorch's default (the window size); ``padding`` is per side.
    Recognised mistakes: stride 1 instead of the default, padding counted once, rounding up,
    forgetting the ``+ 1``, a changed number of channels, height and width swapped.
    """
    if is_missing(answer):
        return missing("output shape (a tuple such as (N, C, H, W))")
    input_shape = tuple(int(n) for n in input_shape)
    got = as_ints(answer)
    if got is None:
        return hint("give the shape as a tuple of whole numbers, e.g. (2, 3, 5, 5).")
    if len(got) != len(input_shape):
        names = {4: "(batch, channels, height, width)", 3: "(channels, height, width)"}
        return hint(
            f"your shape has {len(got)} numbers but the input has {len(input_shape)}: pooling "
            f"keeps every axis, so answer {names.get(len(input_shape), '(height, width)')}."
        )
    ks, ps = as_pair(kernel_size, "kernel_size"), as_pair(padding, "padding")
    ss = ks if stride is None else as_pair(stride, "stride")
    lead, spatial = input_shape[:-2], input_shape[-2:]

    def size(n, k, p, s, *, pad=2, rounding=math.floor, plus=1):
        return rounding((n + pad * p - k) / s) + plus

    def shape(**mistake):
        strides = (1, 1) if mistake.pop("stride_one", False) else ss
        out = tuple(
            size(n, k, p, s, **mistake) for n, k, p, s in zip(spatial, ks, ps, strides, strict=True)
        )
        return lead + out

    expected = shape()
    if got == expected:
        return correct("pooling keeps the batch and channel axes and shrinks height and width.")
    if got[:-2] != lead:
        if len(lead) >= 1 and got[-3] != input_shape[-3]:
            return hint(
                "pooling works on each channel separately: as many channels come out as go in."
            )
        return hint("pooling never changes the batch size: every example is pooled on its own.")
    mistakes = [
        (
            dict(stride_one=True),
            "you slid the window one cell at a time. For pooling, PyTorch's default stride is "
            "the window size (unlike nn.Conv2d, whose default stride is 1).",
        ),
        (
            dict(pad=1),
            "you counted the padding once. padding=p adds p rows on top and p at the bottom "
            "(and p columns on each side), so the padded size is n + 2p.",
        ),
        (
            dict(rounding=math.ceil),
            "you rounded up. A window that would stick out past the padded input is not used: "
            "divide by the stride and round down (floor).",
        ),
        (dict(plus=0), "you forgot the first window position: the formula ends with + 1."),
    ]
    for mistake, message in mistakes:
        candidate = shape(**mistake)
        if candidate != expected and got == candidate:
            return hint(message)
    if got[-2:] == expected[-1:-3:-1]:
        return hint("height and width are swapped: the shape lists height before width.")
    return hint(
        "per axis the output size is floor((n + 2p - k) / s) + 1, with s = k unless a "
        "stride is given; work it out for height and for width."
    )


@reads_answer
def check_max_pool_grad(answer, x, kernel_size, *, stride=None):
    """Check the gradient of ``max_pool2d(x, kernel_size, stride).sum()`` with respect to ``x``.

    ``x`` is 2-D. Recognised mistakes: the average-pool gradient (spread evenly), all ones, the
    arg-min instead of the arg-max, the pooled output instead of a gradient of the input's shape.
    """
    if is_missing(answer):
        return missing("gradient (a grid with the same shape as the input)")
    x_t = torch.as_tensor(as_array(x)).clone().requires_grad_(True)
    F.max_pool2d(x_t[None, None], kernel_size, stride=stride).sum().backward()
    expected = x_t.grad.numpy()
    got = as_array(answer)
    if got is None or got.ndim != 2:
        return hint("give the gradient as a 2-D grid of numbers with the same shape as the input.")
    if got.shape != expected.shape:
        pooled = _pool(x_t.detach().numpy(), kernel_size, stride, 0, "max")
        if got.shape == pooled.shape:
            return hint(
                "your grid has the shape of the pooled output. The gradient belongs to the input: "
                "one number per input cell, saying how the loss changes when that cell changes."
            )
        return hint("the gradient has one number per input cell: use the input's shape.")
    if same_values(got, expected):
        return correct("only the winner of each window receives the gradient.")
    x_d = x_t.detach().clone().requires_grad_(True)
    F.avg_pool2d(x_d[None, None], kernel_size, stride=stride).sum().backward()
    if same_values(got, x_d.grad.numpy()):
        return hint(
            "that is how an average pool spreads the gradient. In a max pool only one cell per "
            "window affects the output; nudging any other cell changes nothing."
        )
    if same_values(got, np.ones_like(expected)):
        return hint(
            "not every cell affects the output: which cell of each window does the max use?"
        )
    x_m = x_t.detach().clone().requires_grad_(True)
    (-F.max_pool2d(-x_m[None, None], kernel_size, stride=stride)).sum().backward()
    if same_values(got, x_m.grad.numpy()):
        return hint("you marked the smallest value of each window; the max pool keeps the largest.")
    wrong = int((~np.isclose(got, expected, atol=1e-6)).sum())
    return hint(
        f"{_off(wrong, expected.size, 'cell')} Ask for each input cell: if I nudge it a little, "
        "does the summed output change, and by how much?"
    )

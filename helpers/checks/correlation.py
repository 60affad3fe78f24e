"""Self-checks for the chapter on cross-correlation and convolutional layers.

Each check takes the student's answer plus the question's data, and returns a
:class:`~helpers.checks._core.Feedback`. A wrong answer gets a hint that names the likely mistake
(forgot the "+1", swapped height and width, flipped the kernel, ...) in words, without digits, so
the hint never gives the answer away. The chapter's parameter count is checked by
:func:`helpers.checks.pointwise.check_conv_params`, which every chapter shares.

Shapes are ``(height, width)`` as in PyTorch. Cross-correlation has no padding and stride 1 here.
"""

from __future__ import annotations

import numpy as np
import torch

from ._core import Feedback, as_array, correct, hint, is_missing, missing
from .answers import as_ints, as_pair, reads_answer


@reads_answer
def check_corr2d_output_shape(answer, input_shape, kernel_shape) -> Feedback:
    """Shape of the cross-correlation of an ``input_shape`` input with a ``kernel_shape`` kernel.

    No padding, stride 1: ``(n_h - k_h + 1, n_w - k_w + 1)``. ``answer`` is a ``(height, width)``
    pair (tuple, list or ``torch.Size``).
    """
    if is_missing(answer):
        return missing("(height, width) pair")
    (n_h, n_w), (k_h, k_w) = (
        as_pair(input_shape, "input_shape"),
        as_pair(kernel_shape, "kernel_shape"),
    )
    shape = as_ints(answer)
    if shape is None or len(shape) != 2:
        return hint(
            "give the shape as a pair (height, width), e.g. a tuple of two integers: an image has "
            "two axes, and the output has a size along each."
        )
    expected = (n_h - k_h + 1, n_w - k_w + 1)
    if shape == expected:
        return correct("the kernel fits in that many positions down and across.")
    if shape == expected[::-1]:
        return hint(
            "you have the right numbers in the wrong order: PyTorch writes shapes as (height, "
            "width), rows first."
        )
    if shape == (n_h - k_h, n_w - k_w):
        return hint(
            "one short on each axis. Count positions, not moves: a kernel exactly as tall as the "
            "input still fits once, not zero times."
        )
    if shape == (n_h + k_h - 1, n_w + k_w - 1):
        return hint(
            "the output got bigger, as if the kernel could hang over the edges. In cross-"
            "correlation without padding, every kernel cell lies on the input, so the output "
            "shrinks."
        )
    if shape == (n_h, n_w):
        return hint(
            "that is the input's shape. Without padding the kernel cannot be centred on border "
            "pixels, so the output is smaller than the input."
        )
    if shape == (n_h - k_w + 1, n_w - k_h + 1):
        return hint(
            "the kernel's height limits the output's height, and its width the output's width: "
            "check which kernel size you subtracted on each axis."
        )
    if shape == (n_h // k_h, n_w // k_w) or shape == (-(-n_h // k_h), -(-n_w // k_w)):
        return hint(
            "you divided by the kernel size, as if the windows did not overlap. Here the kernel "
            "moves one pixel at a time (stride one), so neighbouring windows overlap."
        )
    return hint(
        "along each axis, count the positions the kernel's top-left cell can take while the whole "
        "kernel stays on the input."
    )


def _corr2d(x, kernel):
    from helpers.correlation import corr2d  # lazy: keep `import helpers.checks` light

    return as_array(corr2d(torch.as_tensor(as_array(x)), torch.as_tensor(as_array(kernel))))


@reads_answer
def check_corr2d_values(answer, x, kernel, *, atol: float = 1e-6) -> Feedback:
    """The cross-correlation of ``x`` with ``kernel`` (2-D, no padding, stride 1), all entries.

    ``answer`` is a tensor, array or nested list of shape ``(n_h - k_h + 1, n_w - k_w + 1)``.
    """
    if is_missing(answer):
        return missing("output (a tensor or a nested list)")
    x, kernel = as_array(x), as_array(kernel)
    a = as_array(answer)
    if a is None or a.ndim != 2:
        return hint(
            "give the output as a tensor with two axes (rows and columns), or as a nested list "
            "of rows such as [[a, b], [c, d]]."
        )
    expected = _corr2d(x, kernel)
    if a.shape != expected.shape:
        if a.shape == x.shape:
            return hint(
                "your output is as large as the input. Without padding the kernel fits in fewer "
                "positions than there are pixels: the output shrinks."
            )
        if a.shape == expected.shape[::-1]:
            return hint("your output has rows and columns swapped: height comes first.")
        return hint(
            "the output has the wrong shape: it has one entry per position of the kernel on the "
            "input (kernel fully on the input)."
        )
    if np.allclose(a, expected, atol=atol):
        return correct("every window multiplied elementwise and summed.")
    if np.allclose(a, _corr2d(x, np.flip(kernel, (0, 1)).copy()), atol=atol):
        return hint(
            "you flipped the kernel first: that is convolution in the mathematical sense. "
            "Cross-correlation lays the kernel on the window as it is, top-left on top-left."
        )
    if a.shape[0] == a.shape[1] and np.allclose(a, expected.T, atol=atol):
        return hint(
            "the right values, but transposed: output row i comes from input rows i onwards."
        )
    if kernel.shape[0] == kernel.shape[1] and np.allclose(a, _corr2d(x, kernel.T), atol=atol):
        return hint(
            "it looks as if you laid the kernel down transposed: its first row multiplies the "
            "window's first row."
        )
    wrong = ~np.isclose(a, expected, atol=atol)
    if wrong.sum() == 1:
        i, j = (int(v) for v in np.argwhere(wrong)[0])
        return hint(
            f"all but one entry are right; recheck the window for row {i}, column {j} (counting "
            "from zero)."
        )
    return hint(
        "for each output cell, lay the kernel on the input window with the same top-left corner, "
        "multiply the overlapping numbers pairwise and add them up."
    )


@reads_answer
def check_flipped_kernel(answer, kernel) -> Feedback:
    """The kernel that makes cross-correlation compute a true convolution with ``kernel``.

    That is ``kernel`` rotated by 180 degrees: flipped up-down *and* left-right.
    """
    if is_missing(answer):
        return missing("kernel")
    kernel = as_array(kernel)
    a = as_array(answer)
    if a is None or a.shape != kernel.shape:
        return hint("the flipped kernel has the same shape as the original one.")
    if np.allclose(a, np.flip(kernel, (0, 1))):
        return correct("rotated by half a turn: flipped up-down and left-right.")
    if np.allclose(a, kernel):
        return hint("that is the kernel unchanged; convolution flips it before sliding it.")
    if np.allclose(a, np.flip(kernel, 0)):
        return hint("you flipped it up-down only; convolution also flips it left-right.")
    if np.allclose(a, np.flip(kernel, 1)):
        return hint("you flipped it left-right only; convolution also flips it up-down.")
    if a.shape[0] == a.shape[1] and np.allclose(a, kernel.T):
        return hint(
            "that is the transpose (a mirror in the main diagonal). Convolution rotates the kernel "
            "by half a turn instead: the top-left entry ends up bottom-right."
        )
    if a.shape[0] == a.shape[1] and np.allclose(a, np.flip(kernel, (0, 1)).T):
        return hint(
            "that is a mirror in the other diagonal. Convolution flips up-down and left-right, "
            "which sends each entry to the opposite corner."
        )
    if np.allclose(a, -kernel) or np.allclose(a, -np.flip(kernel, (0, 1))):
        return hint("flipping rearranges the entries; it does not change their signs.")
    return hint(
        "keep the same entries, only move them: the entry at the top-left goes to the "
        "bottom-right, and so on."
    )


def _receptive_field(kernel_sizes, strides) -> int:
    from helpers.shapes import receptive_field  # lazy: keep `import helpers.checks` light

    return int(receptive_field(list(zip(kernel_sizes, strides, strict=True))))


@reads_answer
def check_receptive_field(answer, kernel_sizes, strides=None) -> Feedback:
    """Receptive-field size (along one axis) of one output of a stack of convolutional layers.

    ``kernel_sizes`` lists each layer's (square) kernel size, first layer first; ``strides`` the
    strides (default all one). No dilation.
    """
    if is_missing(answer):
        return missing("receptive-field size (one integer, along one axis)")
    kernel_sizes = [int(k) for k in kernel_sizes]
    strides = [1] * len(kernel_sizes) if strides is None else [int(s) for s in strides]
    shape = as_ints(answer)
    if shape is not None and len(shape) == 2 and shape[0] == shape[1]:
        shape = shape[:1]  # (r, r) for a square field is fine
    if shape is None or len(shape) != 1:
        return hint("give the size along one axis as a single integer (the field is square).")
    r = shape[0]
    expected = _receptive_field(kernel_sizes, strides)
    if r == expected:
        return correct(
            "each layer widens the field by (its kernel size minus one) times the "
            "product of the strides below it."
        )
    no_stride = _receptive_field(kernel_sizes, [1] * len(kernel_sizes))
    if r == no_stride and any(s != 1 for s in strides):
        return hint(
            "right for stride one, but a layer above a strided layer takes steps of several input "
            "pixels: multiply its growth by the strides of all layers below it."
        )
    if r == expected - 1:
        return hint(
            "one short: a single output already sees one pixel before any kernel widens it; "
            "count that pixel too."
        )
    if r == sum(kernel_sizes):
        return hint(
            "adding the kernel sizes counts the overlap twice: neighbouring windows of the lower "
            "layer share all but one column."
        )
    if r == int(np.prod(kernel_sizes)):
        return hint(
            "the field grows additively, not multiplicatively, when the strides are one: each "
            "extra layer adds a border, it does not multiply the size."
        )
    if r == kernel_sizes[-1]:
        return hint(
            "that is the field on the layer just below. Follow it down through every layer to "
            "the input."
        )
    return hint(
        "work from the top down: one output pixel; below each layer the field grows by the "
        "kernel size minus one (times the strides of the layers further down)."
    )

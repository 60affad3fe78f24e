"""Self-checks for the exercises of the convolution-arithmetic chapter.

Dilated output sizes, transposed-convolution sizes and values, ``output_padding``, and the design
of an upsampling layer. Convention (PyTorch's): ``padding=p`` adds ``p`` on *each* side of a
convolution's input and *removes* ``p`` from each side of a transposed convolution's result. Each
check recognises the usual mistakes (dilation ignored or counted as ``k*d``, padding counted once
or added instead of removed, ``n*s`` instead of ``(n-1)*s``, a forgotten ``output_padding``, a
rotated kernel, overlaps overwritten instead of added, ...) and names the mistake without giving
the answer.
"""

from __future__ import annotations

import numpy as np
import torch

from ..correlation import flip_kernel
from ..shapes import conv_output_size, output_padding_for, transposed_output_size
from ..transposed import conv_transpose2d
from ._core import Feedback, as_array, correct, hint, is_missing, missing, same_values
from .answers import as_int, as_ints, as_pair, reads_answer

_AXES = ("height", "width")


# --- dilated convolution ------------------------------------------------------------------------

# Wrong formulas for the output size of a dilated convolution, (n, k, p, s, d) -> size, each with
# its hint. The first match wins.
_DILATED_MISTAKES = (
    (
        "no_dilation",
        lambda n, k, p, s, d: (n + 2 * p - k) // s + 1,
        "you used the kernel size as if the kernel were not dilated. With dilation d its entries "
        "are d cells apart, so it spans more of the input than k cells.",
    ),
    (
        "k_times_d",
        lambda n, k, p, s, d: (n + 2 * p - k * d) // s + 1,
        "you took the span of the dilated kernel to be k·d. A kernel with k entries has k − 1 "
        "gaps between them, each d cells wide: it spans d(k − 1) + 1 cells.",
    ),
    (
        "span_without_one",
        lambda n, k, p, s, d: (n + 2 * p - d * (k - 1)) // s + 1,
        "the span of the dilated kernel is d(k − 1) + 1: the gaps plus the first entry. You left "
        "out the first entry.",
    ),
    (
        "no_plus_one",
        lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) // s,
        "you counted the moves of the window but not its first position: add 1.",
    ),
    (
        "padding_once",
        lambda n, k, p, s, d: (n + p - d * (k - 1) - 1) // s + 1,
        "you added the padding once. PyTorch's `padding=p` adds p cells on each side, so the "
        "padded input has n + 2p.",
    ),
    (
        "no_padding",
        lambda n, k, p, s, d: (n - d * (k - 1) - 1) // s + 1,
        "you left out the padding: the window slides over the padded input.",
    ),
    (
        "ceil",
        lambda n, k, p, s, d: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1,
        "you rounded up. A window that would hang over the edge is never used: round down.",
    ),
)


@reads_answer
def check_dilated_size(answer, n, kernel_size, dilation, padding=0, stride=1) -> Feedback:
    """Check the output size (one axis) of a convolution with dilation.

    ``n``, ``kernel_size``, ``dilation``, ``padding`` (per side), ``stride``: ints. ``answer``: an
    int.
    """
    if is_missing(answer):
        return missing("output size (one whole number)")
    got = as_int(answer)
    if got is None:
        return hint("give the output size along one axis as one whole number.")
    args = (n, kernel_size, padding, stride, dilation)
    expected = conv_output_size(n, kernel_size, padding=padding, stride=stride, dilation=dilation)
    if got == expected:
        return correct(
            "the dilated kernel spans d(k − 1) + 1 cells, and the formula does the rest."
        )
    for _, formula, message in _DILATED_MISTAKES:
        if formula(*args) == got:
            return hint(message)
    return hint(
        "work it out in three steps: the padded size n + 2p, the span of the dilated kernel "
        "d(k − 1) + 1, then ⌊(padded − span)/s⌋ + 1."
    )


# --- transposed convolution: size -------------------------------------------------------------

# Wrong formulas for a transposed convolution's output size, (n, k, s, p, a, d) -> size.
_TRANSPOSED_MISTAKES = (
    (
        "conv_formula",
        lambda n, k, s, p, a, d: (n + 2 * p - d * (k - 1) - 1) // s + 1,
        "that is the size of an ordinary convolution with these settings, which shrinks. A "
        "transposed convolution goes the other way: the stride spreads the input out, and the "
        "padding is removed from the result.",
    ),
    (
        "n_times_s",
        lambda n, k, s, p, a, d: n * s - 2 * p + d * (k - 1) + a + 1,
        "the input cells are placed s apart, so the last one sits at (n − 1)·s, not n·s: there "
        "are n − 1 gaps between n cells.",
    ),
    (
        "padding_once",
        lambda n, k, s, p, a, d: (n - 1) * s - p + d * (k - 1) + a + 1,
        "you removed the padding once. `padding=p` cuts p cells from each side of the full result.",
    ),
    (
        "padding_added",
        lambda n, k, s, p, a, d: (n - 1) * s + 2 * p + d * (k - 1) + a + 1,
        "you added the padding. In a transposed convolution `padding=p` undoes the padding of "
        "the matching convolution: it removes p cells from each side.",
    ),
    (
        "no_output_padding",
        lambda n, k, s, p, a, d: (n - 1) * s - 2 * p + d * (k - 1) + 1,
        "you left out `output_padding`: it adds that many cells at the bottom and right.",
    ),
    (
        "kernel_not_minus_one",
        lambda n, k, s, p, a, d: (n - 1) * s - 2 * p + d * k + a + 1,
        "one too many: the last copy of the kernel starts at (n − 1)·s and spans d(k − 1) + 1 "
        "cells, so it ends at (n − 1)·s + d(k − 1).",
    ),
    (
        "no_plus_one",
        lambda n, k, s, p, a, d: (n - 1) * s - 2 * p + d * (k - 1) + a,
        "one too few: the last copy of the kernel ends at cell (n − 1)·s + d(k − 1), so the full "
        "result has one cell more than that index.",
    ),
    (
        "no_dilation",
        lambda n, k, s, p, a, d: (n - 1) * s - 2 * p + (k - 1) + a + 1,
        "you used the kernel as if it were not dilated: with dilation d it spans d(k − 1) + 1 "
        "cells.",
    ),
)


@reads_answer
def check_transposed_size(
    answer, n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
) -> Feedback:
    """Check the output size (one axis) of a transposed convolution.

    Arguments as in :func:`helpers.transposed_output_size`; ``answer`` an int.
    """
    if is_missing(answer):
        return missing("output size (one whole number)")
    got = as_int(answer)
    if got is None:
        return hint("give the output size along one axis as one whole number.")
    args = (n, kernel_size, stride, padding, output_padding, dilation)
    expected = transposed_output_size(n, kernel_size, stride, padding, output_padding, dilation)
    if got == expected:
        return correct("(n − 1)·s − 2p + d(k − 1) + output_padding + 1.")
    for name, formula, message in _TRANSPOSED_MISTAKES:
        if name == "no_output_padding" and output_padding == 0:
            continue
        if name == "no_dilation" and dilation == 1:
            continue
        try:
            wrong = formula(*args)
        except ZeroDivisionError:  # pragma: no cover - strides are positive
            continue
        if wrong == got and wrong != expected:
            return hint(message)
    return hint(
        "think of the scatter: the last input cell drops its kernel at (n − 1)·s; the "
        "dilated kernel spans d(k − 1) + 1 cells; then padding cuts p from each side and "
        "output_padding adds cells at the end."
    )


# --- output_padding -----------------------------------------------------------------------------


@reads_answer
def check_output_padding(
    answer, input_size, kernel_size, stride, padding=0, dilation=1
) -> Feedback:
    """Check the ``output_padding`` that makes a transposed convolution restore ``input_size``.

    The convolution ``(kernel_size, stride, padding, dilation)`` maps ``input_size`` to some
    size; the transposed convolution with the same settings and the answer as
    ``output_padding`` must map it back. ``input_size``: an int or ``(H, W)``, and the answer then
    an int or ``(a_h, a_w)`` (an int counts for both axes).
    """
    if is_missing(answer):
        return missing("output_padding")
    two = len(as_ints(input_size) or ()) == 2
    sizes = as_pair(input_size, "input_size")
    names = ("kernel_size", "stride", "padding", "dilation")
    ks, ss, ps, ds = (
        as_pair(v, n) for v, n in zip((kernel_size, stride, padding, dilation), names)
    )
    shape = as_ints(answer)
    if shape is None or len(shape) not in ((1, 2) if two else (1,)):
        what = "an int or a pair (for height, for width)" if two else "one whole number"
        return hint(f"give output_padding as {what}.")
    got = shape * 2 if len(shape) == 1 else shape
    expected = tuple(
        output_padding_for(conv_output_size(n, k, p, s, d), n, k, s, p, d)
        for n, k, s, p, d in zip(sizes, ks, ss, ps, ds, strict=True)
    )
    if got == expected:
        return correct("the transposed convolution restores the input size exactly.")
    if any(a < 0 for a in got):
        return hint("output_padding adds cells, so it cannot be negative.")
    if any(a >= max(s, d) for a, s, d in zip(got, ss, ds)):
        return hint(
            "PyTorch requires output_padding to be smaller than the stride (or the dilation, when "
            "that is larger): it only chooses among the input sizes that the strided convolution "
            "sends to the same output size."
        )
    if two and got == expected[::-1] and expected[0] != expected[1]:
        return hint("the numbers are right but swapped: the height comes first, then the width.")
    msgs = []
    for axis, a, right in zip(_AXES, got, expected):  # each cell of output_padding adds one
        if a < right:
            msgs.append(f"along the {axis} the output would still be too small")
        elif a > right:
            msgs.append(f"along the {axis} the output would be too large")
    where = "; ".join(msgs) if two else msgs[0].replace("along the height ", "")
    return hint(
        f"{where}. Compute the decoder's size without output_padding, "
        "(o − 1)·s − 2p + d(k − 1) + 1, and compare it with the size you need."
    )


# --- transposed convolution: values -------------------------------------------------------------


def _overwrite_scatter(x, kernel, stride, padding):
    """The scatter with later copies *replacing* earlier ones instead of adding (a common slip)."""
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    (n_h, n_w), (k_h, k_w) = x.shape, kernel.shape
    full = np.zeros(((n_h - 1) * stride + k_h, (n_w - 1) * stride + k_w))
    for i in range(n_h):
        for j in range(n_w):
            full[i * stride : i * stride + k_h, j * stride : j * stride + k_w] = x[i, j] * kernel
    f_h, f_w = full.shape
    return full[padding : f_h - padding, padding : f_w - padding]


@reads_answer
def check_transposed_values(answer, x, kernel, stride=1, padding=0) -> Feedback:
    """Check a transposed convolution computed by hand (one channel, no dilation).

    ``x`` ``(H, W)`` is the input, ``kernel`` ``(k_h, k_w)``; ``answer`` a nested list, array or
    tensor with the output.
    """
    if is_missing(answer):
        return missing("result (a nested list of rows)")
    x_t = torch.as_tensor(as_array(x))
    k_t = torch.as_tensor(as_array(kernel))
    expected = conv_transpose2d(x_t, k_t, stride=stride, padding=padding)
    got = as_array(answer)
    if got is None or got.ndim != 2:
        return hint("give the result as a 2-D grid: a list of rows, each a list of numbers.")
    if same_values(got, expected):
        return correct("every input value dropped a scaled copy of the kernel, and overlaps add.")
    mistakes = [
        (
            conv_transpose2d(x_t, flip_kernel(k_t), stride=stride, padding=padding),
            "the kernel is rotated by 180°. In the scatter view each input value multiplies the "
            "kernel as it is, top-left weight at the top-left of its patch. (A full "
            "cross-correlation with the unrotated kernel makes the same slip.)",
        ),
        (
            _overwrite_scatter(x_t, k_t, stride, padding),
            "where two copies of the kernel overlap, you kept one of them. Overlapping "
            "contributions add up.",
        ),
    ]
    if stride > 1:
        mistakes.append(
            (
                conv_transpose2d(x_t, k_t, stride=1, padding=padding),
                "you placed the copies one cell apart; with stride s input cell (i, j) drops its "
                "copy at (s·i, s·j).",
            )
        )
    if padding > 0:
        mistakes.append(
            (
                conv_transpose2d(x_t, k_t, stride=stride),
                "this is the full scattered result: `padding=p` then cuts p rows and columns from "
                "each side of it.",
            )
        )
    for wrong, message in mistakes:
        if same_values(got, wrong):
            return hint(message)
    if got.shape != tuple(expected.shape):
        if got.shape[0] < x_t.shape[0] or got.shape[1] < x_t.shape[1]:
            return hint(
                "your result is smaller than the input, as an ordinary convolution would be. A "
                "transposed convolution grows the map: each input value spreads over a whole "
                "kernel-sized patch of the output."
            )
        return hint(
            "your result has the wrong shape. Per axis the output has (n − 1)·s + k cells, minus "
            "2p for the padding."
        )
    wrong_cells = int((~np.isclose(got, expected.numpy(), atol=1e-6)).sum())
    verb = "is" if wrong_cells == 1 else "are"
    return hint(
        f"{wrong_cells} of {got.size} cells {verb} not right yet. Write down each input value "
        "times the kernel in its own patch, then add the patches cell by cell."
    )


# --- design an upsampling layer -------------------------------------------------------------


@reads_answer
def check_upsampling_layer(answer, input_size, output_size, min_kernel_size=1) -> Feedback:
    """Check a transposed convolution ``(kernel_size, stride, padding, output_padding)`` that maps
    ``input_size`` to ``output_size`` (one axis, no dilation). Many answers are right.

    ``min_kernel_size``: the smallest kernel the exercise allows.
    """
    if is_missing(answer):
        return missing("(kernel_size, stride, padding, output_padding) quadruple")
    layer = as_ints(answer)
    if layer is None or len(layer) != 4:
        return hint("give four whole numbers: (kernel_size, stride, padding, output_padding).")
    k, s, p, a = layer
    if k < 1 or s < 1:
        return hint("kernel_size and stride must both be at least 1.")
    if p < 0 or a < 0:
        return hint("padding and output_padding cannot be negative.")
    if a >= s:
        return hint(
            "PyTorch requires output_padding to be smaller than the stride; change the padding "
            "or the kernel instead."
        )
    n = input_size
    got = (n - 1) * s - 2 * p + (k - 1) + a + 1
    if got <= 0:
        return hint("with this much padding nothing is left of the output: use less padding.")
    if got == output_size:
        if k < min_kernel_size:
            return hint(
                f"this layer works, but the exercise asks for a kernel of at least "
                f"{min_kernel_size}: try a larger kernel with more padding."
            )
        return correct("`nn.ConvTranspose2d` agrees on the target size.")
    if got < output_size < got + s - a:
        return hint(
            f"this layer gives {got}, a little short of the target. A strided layer can stop "
            "short of the size you want; cells missing at the bottom/right are what "
            "output_padding adds (it must stay below the stride)."
        )
    if (n - 1) * s - p + (k - 1) + a + 1 == output_size:
        return hint(
            f"this layer gives {got}, not the target: it looks as if you removed the padding once. "
            "`padding=p` cuts p cells from each side."
        )
    if n * s - 2 * p + (k - 1) + a + 1 == output_size:
        return hint(
            f"this layer gives {got}, not the target: the last input cell lands at (n − 1)·s, "
            "not n·s."
        )
    if _conv_size_or_none(n, k, p, s) == output_size:
        return hint(
            f"this layer gives {got}, not the target: you used the formula of an ordinary "
            "convolution, which shrinks. Use (n − 1)·s − 2p + k + output_padding."
        )
    return hint(
        f"this layer gives {got}, not the target. Use (n − 1)·s − 2p + k + output_padding: the "
        "stride sets the scale, the kernel, padding and output_padding fine-tune it."
    )


def _conv_size_or_none(n, k, p, s):
    """An ordinary convolution's output size, or None when the kernel does not fit."""
    try:
        return conv_output_size(n, k, padding=p, stride=s)
    except ValueError:
        return None

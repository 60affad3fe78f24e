"""Self-checks for the exercises of the padding-and-stride chapter.

Convention (PyTorch's, as everywhere in ``helpers``): ``padding=p`` adds ``p`` rows/columns on
*each* side; explicit padding is ``((top, bottom), (left, right))``. Every check recognises the
usual mistakes (padding counted once, rounding up, a missing ``+ 1``, a forgotten stride or
dilation, the extra row of an even kernel on the wrong side, ...) and names the mistake without
giving the answer.
"""

from __future__ import annotations

import numpy as np
import torch

from ..shapes import conv_output_size
from ._core import Feedback, correct, hint, is_missing, missing
from .answers import as_ints, as_pair, reads_answer

_AXES = ("height", "width")


def _floor_div(a, b):
    return a // b


def _ceil_div(a, b):
    return -(-a // b)


# Wrong formulas for one axis, each a function of (n, k, p, s, d) -> size, with the hint it earns.
# The first matching entry wins, so the most specific mistakes come first.
_SHAPE_MISTAKES = (
    (
        "once",
        lambda n, k, p, s, d: _floor_div(n + p - d * (k - 1) - 1, s) + 1,
        "you added the padding only once. PyTorch's `padding=p` adds p rows on top and p on "
        "the bottom (and p columns on each side), so the padded input has n + 2p cells per axis.",
    ),
    (
        "ceil",
        lambda n, k, p, s, d: _ceil_div(n + 2 * p - d * (k - 1) - 1, s) + 1,
        "you rounded up. A window that would hang over the edge of the padded input is never "
        "used, so the number of jumps is rounded down (floor).",
    ),
    (
        "no_plus_one",
        lambda n, k, p, s, d: _floor_div(n + 2 * p - d * (k - 1) - 1, s),
        "you are one short on some axis. The formula counts the jumps of the window; add the "
        "starting position too (the `+ 1`).",
    ),
    (
        "no_dilation",
        lambda n, k, p, s, d: _floor_div(n + 2 * p - k, s) + 1,
        "you used the kernel size as it is. A dilated kernel spans d(k − 1) + 1 cells; use that "
        "effective size in the formula.",
    ),
    (
        "no_stride",
        lambda n, k, p, s, d: n + 2 * p - d * (k - 1),
        "you left out the stride. The window jumps s cells at a time, so divide the room it has "
        "to move by s before adding the starting position.",
    ),
    (
        "stride_last",
        lambda n, k, p, s, d: _floor_div(n + 2 * p - d * (k - 1), s),
        "you divided the stride-1 output size by the stride. Divide only the room the window has "
        "to move, n + 2p − (effective kernel size), then add the starting position.",
    ),
    (
        "no_padding",
        lambda n, k, p, s, d: _floor_div(n - d * (k - 1) - 1, s) + 1,
        "you left out the padding. The window slides over the padded input.",
    ),
)


# The same slips, as they show up when a student designs a layer for a target size.
_LAYER_MISTAKES = (
    (
        "once",
        "it looks as if you counted the padding once. PyTorch's `padding=p` adds p cells on each "
        "side, so the padded input has n + 2p.",
    ),
    (
        "ceil",
        "it looks as if you rounded up. PyTorch rounds the number of jumps down (floor).",
    ),
    (
        "no_plus_one",
        "it looks as if you left out the `+ 1`: count the window's starting position too.",
    ),
)


def _per_axis(input_size, kernel_size, padding, stride, dilation):
    """``[(n, k, p, s, d) for the height, the same for the width]``."""
    names = ("input_size", "kernel_size", "padding", "stride", "dilation")
    params = (input_size, kernel_size, padding, stride, dilation)
    return list(zip(*map(as_pair, params, names), strict=True))


@reads_answer
def check_padded_shape(
    answer, input_size, kernel_size, padding=0, stride=1, dilation=1
) -> Feedback:
    """Check an output shape ``(H_out, W_out)`` of a convolution with padding, stride and dilation.

    ``input_size``, ``kernel_size``, ``padding`` (per side), ``stride``, ``dilation``: an int or
    one per axis. ``answer``: a pair of ints (a ``torch.Size`` works too).
    """
    if is_missing(answer):
        return missing("(height, width) pair")
    shape = as_ints(answer)
    if shape is None or len(shape) != 2:
        return hint("give the answer as a pair of whole numbers, (height, width).")
    args = _per_axis(input_size, kernel_size, padding, stride, dilation)
    expected = tuple(conv_output_size(*a) for a in args)
    if shape == expected:
        return correct("both axes follow ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.")
    if shape == expected[::-1]:
        return hint("the numbers are right but in the wrong order: height comes first, then width.")
    mistakes = [
        (tuple(formula(*a) for a in args), message) for _, formula, message in _SHAPE_MISTAKES
    ]
    # A mistake made on both axes first; then one made on one axis with the other axis right.
    for wrong, message in mistakes:
        if shape == wrong:
            return hint(message)
    for wrong, message in mistakes:
        if any(shape[i] == wrong[i] != expected[i] for i in range(2)) and all(
            shape[i] in (expected[i], wrong[i]) for i in range(2)
        ):
            return hint(message)
    bad = [axis for axis, got, want in zip(_AXES, shape, expected, strict=True) if got != want]
    return hint(
        f"the {' and the '.join(bad)} {'is' if len(bad) == 1 else 'are'} not right yet. Work one "
        "axis at a time: padded size n + 2p, effective kernel d(k − 1) + 1, then "
        "⌊(padded − effective)/s⌋ + 1."
    )


@reads_answer
def check_same_padding(answer, kernel_size, dilation=1) -> Feedback:
    """Check the per-side ``padding`` that keeps the size of the input (stride 1).

    ``kernel_size`` and ``dilation``: ints or ``(for height, for width)`` pairs, with
    ``dilation * (kernel_size - 1)`` even on each axis, so the padding splits equally.
    ``answer``: what to pass as ``padding=`` to ``nn.Conv2d``: one whole number, or a
    ``(height, width)`` pair as ``nn.Conv2d`` also accepts.
    """
    ks, ds = as_pair(kernel_size, "kernel_size"), as_pair(dilation, "dilation")
    totals = tuple(d * (k - 1) for k, d in zip(ks, ds, strict=True))
    if any(total % 2 for total in totals):
        raise ValueError(
            f"kernel_size={kernel_size} with dilation={dilation} needs an odd total padding "
            f"{totals}, which cannot be split equally: this check is for an even total"
        )
    if is_missing(answer):
        return missing("padding (one whole number)")
    got = as_ints(answer)
    if got is None or len(got) not in (1, 2):
        return hint(
            "padding counts whole rows and columns: give one whole number (or a (height, width) "
            "pair of whole numbers, as nn.Conv2d accepts)."
        )
    got = got * 2 if len(got) == 1 else got
    expected = tuple(total // 2 for total in totals)
    if got == expected:
        return correct("d(k − 1)/2 on each side keeps the size.")
    if got == expected[::-1]:
        return hint("the numbers are right but swapped: the height comes first, then the width.")
    if got == totals:
        return hint(
            "that is the padding over both sides together (the total P_h, which some texts call "
            "p_h). PyTorch's `padding=` is added on each side."
        )
    undilated = [((k - 1) // 2, k - 1) for k in ks]
    if any(d > 1 for d in ds) and all(g in u for g, u in zip(got, undilated, strict=True)):
        return hint(
            "you treated the kernel as undilated. With dilation d it spans d(k − 1) + 1 cells, "
            "and that is what the padding has to make up for."
        )
    if any(g < 0 for g in got):
        return hint("padding adds cells, so it cannot be negative.")
    return hint(
        "set the output size n + 2p − d(k − 1) − 1 + 1 equal to n and solve for p (per side)."
    )


def _as_split(answer):
    """``((top, bottom), (left, right))`` as a tuple of pairs of ints, or None."""
    if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.ndim == 2:
        answer = list(answer)
    try:
        pairs = tuple(as_ints(pair) for pair in answer)
    except TypeError:
        return None
    if len(pairs) != 2 or any(p is None or len(p) != 2 for p in pairs):
        return None
    return pairs


@reads_answer
def check_even_kernel_split(answer, kernel_size) -> Feedback:
    """Check explicit per-side padding ``((top, bottom), (left, right))`` that keeps the size.

    The convention asked for is the course notes' and D2L's: with an even kernel the odd total
    ``k - 1`` is split ``ceil((k-1)/2)`` on top/left and ``floor((k-1)/2)`` on bottom/right.
    ``kernel_size``: an int or ``(k_h, k_w)``.
    """
    if is_missing(answer):
        return missing("((top, bottom), (left, right)) padding")
    flat = as_ints(answer)
    if flat is not None and len(flat) == 4:
        return hint(
            "give two pairs, ((top, bottom), (left, right)). Careful: "
            "`torch.nn.functional.pad` takes a flat tuple in another order (last axis first: "
            "left, right, top, bottom), which is easy to mix up."
        )
    split = _as_split(answer)
    if split is None:
        return hint("give two pairs of whole numbers, ((top, bottom), (left, right)).")
    ks = as_pair(kernel_size, "kernel_size")
    expected = tuple(((k - 1) - (k - 1) // 2, (k - 1) // 2) for k in ks)
    if split == expected:
        return correct("each axis gets k − 1 in total, the larger half on top/left.")
    if split == expected[::-1] and ks[0] != ks[1]:
        return hint("the first pair is for the height (top, bottom), the second for the width.")
    if any(v < 0 for pair in split for v in pair):
        return hint("padding adds cells, so no side can be negative.")
    totals_ok = all(a + b == k - 1 for (a, b), k in zip(split, ks, strict=True))
    if not totals_ok:
        wrong = [axis for axis, (a, b), k in zip(_AXES, split, ks, strict=True) if a + b != k - 1]
        return hint(
            f"along the {' and the '.join(wrong)} the two sides do not add up to what keeps "
            "the size: at stride 1 the output is n + (before + after) − k + 1, so before + after "
            "must equal k − 1."
        )
    if all(abs(a - b) <= 1 for a, b in split):
        return hint(
            "the totals are right and the shape is kept, but the larger half is on the "
            "bottom/right. That is what PyTorch's `padding='same'` does; this exercise asks for "
            "the other convention, the larger half on top/left."
        )
    return hint(
        "the totals are right, but split them as evenly as possible: a lopsided split keeps the "
        "shape yet shifts the output against the input."
    )


@reads_answer
def check_layer_for_target(answer, input_size, output_size, min_kernel_size=1) -> Feedback:
    """Check a layer ``(kernel_size, padding, stride)`` that maps ``input_size`` to ``output_size``.

    One axis, square layers; many answers are right. ``padding`` is per side (PyTorch's).
    ``min_kernel_size``: the smallest kernel the exercise accepts (e.g. 3 for "larger than 2x2");
    a smaller one gets a hint even when it reaches the target size.
    """
    if is_missing(answer):
        return missing("(kernel_size, padding, stride) triple")
    triple = as_ints(answer)
    if triple is None or len(triple) != 3:
        return hint("give three whole numbers: (kernel_size, padding, stride).")
    k, p, s = triple
    if k < 1 or s < 1:
        return hint("kernel_size and stride must both be at least 1.")
    if k < min_kernel_size:
        return hint(
            f"the exercise asks for a kernel larger than {min_kernel_size - 1}×"
            f"{min_kernel_size - 1}, and yours is not. Pick a larger kernel, then adjust the "
            "padding so that the size still comes out right."
        )
    if p < 0:
        return hint("padding adds cells, so it cannot be negative.")
    if p >= k:
        return hint(
            "with padding as large as the kernel, some windows see nothing but zeros. Keep "
            "padding below kernel_size."
        )
    n = input_size
    if n + 2 * p < k:
        return hint("the kernel is larger than the padded input, so there is no output at all.")
    got = conv_output_size(n, k, p, s)
    if got == output_size:
        return correct("the formula and `nn.Conv2d` agree on the target size.")
    formulas = {name: formula for name, formula, _ in _SHAPE_MISTAKES}
    for name, message in _LAYER_MISTAKES:
        if formulas[name](n, k, p, s, 1) == output_size:
            return hint(f"this layer gives {got}, not the target: {message}")
    return hint(
        f"this layer gives {got}, not the target. Compute ⌊(n + 2p − k)/s⌋ + 1 and adjust: "
        "the stride divides the size, padding and the kernel fine-tune it."
    )

"""Self-checks for the chapter on multiple input and output channels (``book/channels.md``).

Each check compares a student's answer with the right one and, when it is wrong, names the likely
mistake (channel maps not added, kernel slices paired with the wrong channels, the seed notes' bias
of shape ``(C_out, C_in)``, padding counted once, ...) without stating the answer.

Layouts are PyTorch's: input ``(N, C_in, H, W)``, weight ``(C_out, C_in, k_h, k_w)``, bias
``(C_out,)``, output ``(N, C_out, H_out, W_out)``; ``padding`` is per side.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..shapes import conv_output_size
from ._core import as_array, correct, hint, is_missing, missing, same_values
from .answers import as_ints, as_pair, is_unordered, reads_answer

__all__ = ["check_multi_in_output", "check_conv_layer_shapes", "check_folded_bias"]


def _matches(answer, candidate):
    return candidate is not None and same_values(answer, candidate)


# --- several input channels ----------------------------------------------------------------------


def _channel_maps(x, kernel):
    """``(C_in, H_out, W_out)``: channel ``c`` of ``x`` correlated with kernel slice ``c``."""
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    kernel = torch.as_tensor(np.asarray(kernel, dtype=np.float64))
    return F.conv2d(x[None], kernel[:, None], groups=x.shape[0])[0].numpy()


@reads_answer
def check_multi_in_output(answer, x, kernel):
    """Check the 2-D output of a multi-input-channel cross-correlation (no padding, stride 1).

    ``x``: ``(C_in, H, W)``; ``kernel``: ``(C_in, k_h, k_w)``. The answer is the ``(H_out, W_out)``
    array ``sum_c corr2d(x[c], kernel[c])`` (a nested list, NumPy array or tensor).
    """
    if is_missing(answer):
        return missing("output (a nested list such as [[a, b], [c, d]])")
    a = as_array(answer)
    if a is None:
        return hint("give the output as numbers: a nested list like [[a, b], [c, d]] or a tensor.")
    x = np.asarray(as_array(x))
    kernel = np.asarray(as_array(kernel))
    maps = _channel_maps(x, kernel)
    expected = maps.sum(axis=0)
    if same_values(a, expected):
        return correct("each channel correlated with its own kernel slice, then added.")
    if _matches(a, maps):
        return hint(
            "you computed one map per channel and stopped there. With several input channels the "
            "layer adds the channel maps into a single output map."
        )
    if _matches(a, maps.sum(axis=1)) or _matches(a, maps.sum(axis=2)):
        return hint(
            "you added along a spatial axis. Add the channel maps to each other (over the channel "
            "axis, the first one), keeping the height and width of the output."
        )
    if _matches(a, maps.mean(axis=0)):
        return hint("you averaged the channel maps. The layer adds them; it does not divide.")
    flipped = _channel_maps(x, kernel[:, ::-1, ::-1].copy()).sum(axis=0)
    if _matches(a, flipped):
        return hint(
            "you flipped the kernel slices (a true convolution). Convolutional layers compute a "
            "cross-correlation: lay each slice on its window as it is written."
        )
    if x.shape[0] > 1:
        swapped = _channel_maps(x, kernel[::-1].copy()).sum(axis=0)
        if _matches(a, swapped):
            return hint(
                "you paired each input channel with the other kernel slice. Channel c of the input "
                "goes with slice c of the kernel: the first with the first, the second with the "
                "second."
            )
        if any(_matches(a, m) for m in maps):
            return hint(
                "that is the map of one channel only. Compute the map of every channel and add "
                "them."
            )
        one_slice = [_channel_maps(x, np.repeat(k[None], x.shape[0], 0)).sum(0) for k in kernel]
        if any(_matches(a, m) for m in one_slice):
            return hint(
                "you used the same kernel slice for every channel. Each input channel has its own "
                "slice of the kernel."
            )
    if a.shape != expected.shape:
        return hint(
            f"your answer has shape {a.shape}, which is not the shape of the output. Several input "
            "channels give one output map, and without padding each side shrinks by "
            "(kernel size - 1)."
        )
    wrong = np.argwhere(~np.isclose(a, expected, atol=1e-6))
    where = ", ".join(f"row {i}, column {j}" for i, j in wrong[:4])
    return hint(
        f"{len(wrong)} of {expected.size} entries are off ({where}). For each output entry, "
        "multiply every channel's window by that channel's kernel slice, and add all the products."
    )


# --- shapes of nn.Conv2d --------------------------------------------------------------------------


def _size(n, k, p, s, mode="right"):
    """Output length under a formula, right or with a classic slip."""
    if mode == "right":
        return conv_output_size(n, k, padding=p, stride=s)
    if mode == "pad-once":
        top = n + p - k
    elif mode == "no-pad":
        top = n - k
    elif mode == "no-stride":
        return n + 2 * p - k + 1
    elif mode == "ceil":
        return math.ceil((n + 2 * p - k) / s) + 1
    elif mode == "no-plus-one":
        return (n + 2 * p - k) // s
    else:  # pragma: no cover
        raise ValueError(mode)
    return top // s + 1


_SPATIAL_SLIPS = {
    "pad-once": "the padding is added on each side, so it counts twice in the size",
    "no-pad": "you left out the padding",
    "no-stride": "you left out the stride: the window jumps by the stride, so divide by it",
    "ceil": "round down, not up: a window that would stick out past the padding is not used",
    "no-plus-one": "you forgot the + 1 for the first window position",
}


def _check_weight(w, c_in, c_out, k):
    if w == (c_out, c_in, *k):
        return None
    if w == (c_in, c_out, *k) and c_in != c_out:
        return "weight: PyTorch puts the output channels first, then the input channels."
    if w in ((c_out, *k), (*k,)):
        return (
            "weight: every output channel's kernel has one k_h x k_w slice per input channel, so "
            "the weight has four axes."
        )
    if len(w) == 4 and w[:2] == (c_out, c_in):
        return "weight: check the kernel height and width (the last two axes)."
    return "weight: the layout is (out_channels, in_channels, kernel height, kernel width)."


def _check_bias(b, c_in, c_out, out_hw):
    if b == (c_out,):
        return None
    if b in ((c_out, c_in), (c_in, c_out), (c_out * c_in,)):
        return (
            "bias: a convolutional layer has one bias per output channel, not one per (output, "
            "input) pair. A bias per input channel would only add up to one constant per output "
            "channel."
        )
    if b == (c_in,):
        return "bias: the bias is added to the output, so it has one entry per output channel."
    if b in ((), (1,)):
        return "bias: each output channel has its own bias, not one bias for the whole layer."
    if b in ((c_out, *out_hw), (*out_hw,)):
        return (
            "bias: one number per output channel, shared by every position of that channel's map."
        )
    return "bias: one value per output channel."


def _check_output(o, n_batch, c_in, c_out, hw, k, p, s):
    right = tuple(_size(n, kk, pp, ss) for n, kk, pp, ss in zip(hw, k, p, s, strict=True))
    if o == (n_batch, c_out, *right):
        return None
    if o == (c_out, *right):
        return "output: keep the batch axis in front; every image of the batch gets its own output."
    if len(o) == 4 and o[1] == c_in and c_in != c_out:
        return "output: there is one output channel per kernel, that is out_channels of them."
    if len(o) == 4 and o[:2] == (n_batch, c_out):
        texts = []
        for mode, text in _SPATIAL_SLIPS.items():
            slip = tuple(_size(n, kk, pp, ss, mode) for n, kk, pp, ss in zip(hw, k, p, s))
            if slip != right and all(a in (r, q) for a, r, q in zip(o[2:], right, slip)):
                texts.append(text)
        if texts:  # different slips can give the same number: name each one that fits
            return f"output height/width: {'; or '.join(texts)}."
        return "output: check the height and width with the output-size formula."
    return "output: the layout is (batch, out_channels, height, width)."


@reads_answer
def check_conv_layer_shapes(answer, *, input_shape, out_channels, kernel_size, padding=0, stride=1):
    """Check the shapes of an ``nn.Conv2d``'s weight, bias and output.

    ``answer``: a dict ``{"weight": shape, "bias": shape, "output": shape}`` (tuples, lists or
    ``torch.Size``); ``input_shape`` is ``(N, C_in, H, W)``; ``kernel_size``, ``padding`` (per side)
    and ``stride`` are ints or ``(for H, for W)`` pairs, as in ``nn.Conv2d``.
    """
    parts = ("weight", "bias", "output")
    if is_missing(answer) or not isinstance(answer, dict):
        if isinstance(answer, dict) or is_missing(answer):
            return missing('shapes, as {"weight": (...), "bias": (...), "output": (...)}')
        return hint('give a dict: {"weight": (...), "bias": (...), "output": (...)}.')
    if all(is_missing(answer.get(key)) for key in parts):
        return missing("shapes")
    n_batch, c_in, h, w = input_shape
    k, p, s = (
        as_pair(v, name)
        for v, name in ((kernel_size, "kernel_size"), (padding, "padding"), (stride, "stride"))
    )
    out_hw = tuple(_size(n, kk, pp, ss) for n, kk, pp, ss in zip((h, w), k, p, s, strict=True))
    problems = []
    for key in parts:
        value = answer.get(key)
        if is_missing(value):
            problems.append(f"{key}: still missing.")
            continue
        shape = as_ints(value)
        if shape is None:
            what = "a set has no order; " if is_unordered(value) else ""
            problems.append(f"{key}: {what}give a shape as a tuple of integers, such as (2, 3).")
            continue
        if key == "weight":
            problem = _check_weight(shape, c_in, out_channels, k)
        elif key == "bias":
            problem = _check_bias(shape, c_in, out_channels, out_hw)
        else:
            problem = _check_output(shape, n_batch, c_in, out_channels, (h, w), k, p, s)
        if problem:
            problems.append(problem)
    if not problems:
        return correct("weight, bias and output shapes all match what nn.Conv2d creates.")
    return hint(" ".join(problems))


# --- folding a per-channel input shift into the bias ---------------------------------------------


@reads_answer
def check_folded_bias(answer, *, weight, shift, bias=None):
    """Check the bias that makes a layer on ``x`` equal the same layer on the shifted ``x + shift``.

    ``weight``: ``(C_out, C_in, k_h, k_w)``; ``shift``: ``(C_in,)``, added to every pixel of input
    channel ``c``; ``bias``: the layer's own ``(C_out,)`` bias (zeros if ``None``). Without
    padding, ``conv(x + shift) = conv(x) + b'`` with
    ``b'[o] = bias[o] + sum_c shift[c] * sum_{a,b} weight[o, c, a, b]``.
    """
    if is_missing(answer):
        return missing("bias vector")
    a = as_array(answer)
    if a is None:
        return hint(
            "give the bias as numbers: a list or a tensor with one entry per output channel."
        )
    w = np.asarray(as_array(weight))
    beta = np.asarray(as_array(shift))
    b0 = np.zeros(w.shape[0]) if bias is None else np.asarray(as_array(bias))
    per_pair = w.sum(axis=(2, 3)) * beta  # (C_out, C_in): what channel c adds to output o
    expected = b0 + per_pair.sum(axis=1)
    if same_values(a, expected):
        return correct("the shift meets every weight of its slice, and the channels add up.")
    if _matches(a, b0 + beta.sum()) or _matches(a, np.full_like(expected, beta.sum())):
        return hint(
            "the shift is not added to the output directly: every shifted pixel is multiplied by "
            "a weight first. Which weights does the shift of channel c meet?"
        )
    if a.shape == per_pair.shape:
        return hint(
            "that is one value per (output, input) pair. nn.Conv2d has one bias per output "
            "channel: add the contributions of all input channels."
        )
    if a.ndim == 1 and a.shape[0] == w.shape[1] and w.shape[0] != w.shape[1]:
        return hint(
            "you added over the output channels. Each output channel collects the contributions "
            "of all the input channels (sum over the input-channel axis)."
        )
    if _matches(a, b0 + (w.mean(axis=(2, 3)) * beta).sum(axis=1)):
        return hint(
            "you averaged the weights of each slice. The shift is added to every pixel of the "
            "window, so it meets every weight: add them, don't average."
        )
    if _matches(a, b0 - per_pair.sum(axis=1)):
        return hint("check the sign: the shift is added to the input, so its effect is added too.")
    if bias is not None and _matches(a, per_pair.sum(axis=1)):
        return hint(
            "keep the layer's own bias: the new bias is the old one plus the shift's effect."
        )
    if a.shape != expected.shape:
        return hint("the bias of nn.Conv2d has one entry per output channel.")
    return hint(
        "write one output value as a sum over channels and window cells of weight x "
        "(pixel + shift), and collect the terms that do not depend on the pixels."
    )

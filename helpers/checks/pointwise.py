"""Self-checks for the chapter on 1x1 (pointwise) and depthwise-separable convolution.

Each check recognises the usual mistakes for its question and names the mistake, never the answer:

- :func:`check_pixel_value`: one output value of a 1x1 convolution, worked by hand.
- :func:`check_pointwise_shape`: the output shape of a 1x1 layer on a batch.
- :func:`check_conv_params`: the parameter count of a convolutional layer (weights and bias);
  the cross-correlation and channels chapters use it too.
- :func:`check_conv_macs`: the multiply-adds of a convolutional layer on one image.
- :func:`check_merged_weight`: two stacked 1x1 layers with no activation, as a single 1x1 layer.
- :func:`check_separable_ratio`: cost of a depthwise-separable layer as a fraction of a full one.

Conventions as in PyTorch: weights are ``(out_channels, in_channels, kh, kw)``, one bias per output
channel, shapes ``(N, C, H, W)``.
"""

from __future__ import annotations

import math

import numpy as np

from ..shapes import conv_output_shape
from ._core import Feedback, as_array, correct, hint, is_missing, missing, same_values
from .answers import as_ints, as_number, as_pair, reads_answer


def _close(a: float, b: float, *, rel: float = 1e-6, abs_: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def _hint_for(value: float, candidates, otherwise: str, **tol) -> Feedback:
    """The hint of the first ``(number, message)`` candidate equal to ``value`` (a known mistake),
    else the general hint ``otherwise``."""
    for number, message in candidates:
        if _close(value, float(number), **tol):
            return hint(message)
    return hint(otherwise)


# ---------------------------------------------------------------- one value by hand


@reads_answer
def check_pixel_value(answer, x, weight, bias, position) -> Feedback:
    """Check one output value ``Y[o, i, j]`` of a 1x1 convolution computed by hand.

    ``x``: input ``(C_in, H, W)``; ``weight``: ``(C_out, C_in, 1, 1)`` or ``(C_out, C_in)``;
    ``bias``: ``(C_out,)`` or None; ``position``: ``(o, i, j)``, output channel, row, column.
    """
    if is_missing(answer):
        return missing("number")
    value = as_number(answer)
    if value is None:
        return hint("give a single number: the value of one output cell.")
    x = as_array(x)
    w = as_array(weight)
    w = w.reshape(w.shape[0], w.shape[1])
    b = np.zeros(w.shape[0]) if bias is None else as_array(bias).reshape(-1)
    o, i, j = position
    c_out, c_in = w.shape
    expected = float(w[o] @ x[:, i, j] + b[o])
    if _close(value, expected):
        return correct("that is the weighted sum of the channels at that pixel, plus the bias.")

    candidates = []
    if b[o] != 0:
        candidates.append(
            (
                expected - b[o],
                "you left out the bias. Each output channel adds its own bias once, after the "
                "weighted sum.",
            )
        )
        candidates.append(
            (
                expected + (c_in - 1) * b[o],
                "the bias is added once per output value, not once per input channel.",
            )
        )
    for other in range(c_out):
        if other != o:
            message = (
                f"those look like the weights of output channel {other}. Output channel {o} uses "
                f"row {o} of the weight matrix: weight[{o}, c] for every input channel c."
            )
            candidates.append((float(w[other] @ x[:, i, j] + b[o]), message))
            candidates.append((float(w[other] @ x[:, i, j] + b[other]), message))
    if i != j and x.shape[1] > j and x.shape[2] > i:
        candidates.append(
            (
                float(w[o] @ x[:, j, i] + b[o]),
                "you read the input at the transposed position: the first index is the row, the "
                "second the column.",
            )
        )
    for c in range(c_in):
        candidates.append(
            (
                float(w[o, c] * x[c, i, j] + b[o]),
                "you used a single input channel. A 1x1 kernel sums over all input channels at "
                "that pixel.",
            )
        )
    return _hint_for(
        value,
        candidates,
        "not quite. At one pixel, list the input channels' values there, multiply each by the "
        "weight that connects it to this output channel, add them up, then add the bias.",
    )


# ---------------------------------------------------------------- output shape


@reads_answer
def check_pointwise_shape(answer, input_shape, out_channels) -> Feedback:
    """Check the output shape of ``nn.Conv2d(C_in, out_channels, kernel_size=1)``.

    ``input_shape`` is ``(N, C_in, H, W)`` (or ``(C_in, H, W)`` for one unbatched image).
    """
    if is_missing(answer):
        return missing("shape")
    shape = as_ints(answer)
    if shape is None:
        return hint("give the shape as a tuple of integers, one per dimension.")
    input_shape = tuple(int(s) for s in input_shape)
    *batch, c_in, h, w = input_shape
    expected = (*batch, out_channels, h, w)
    if shape == expected:
        return correct("a 1x1 kernel changes the channels and keeps every pixel.")

    if batch and shape == (out_channels, h, w):
        return hint("keep the batch dimension: the layer maps every image of the batch.")
    if shape == (*batch, h, w, out_channels):
        return hint(
            "PyTorch puts the channels right after the batch dimension: (N, C, H, W), not "
            "channels last."
        )
    if len(shape) != len(expected):
        return hint(
            f"the input has {len(input_shape)} dimensions and so does the output: batch, channels, "
            "height, width."
            if batch
            else "the output has the same number of dimensions as the input."
        )
    if shape[-2:] == (h, w) and shape[:-2] == (*batch, c_in):
        return hint(
            "that is the input's channel count. The number of output channels is set by "
            "out_channels, the number of kernels."
        )
    if shape[-2:] == (h, w):
        return hint("the channel count is off: it equals out_channels, nothing else.")
    if shape[-2:] in {(1, 1), (1, h * w)} or 1 in shape[-2:]:
        return hint(
            "the pixels do not get flattened away: in the fully connected view they are the "
            "samples, and each keeps its place in the output."
        )
    if shape[-2] < h and shape[-1] < w:
        return hint(
            "the output did not shrink: a 1x1 kernel fits at every pixel, so without padding "
            "or stride the height and width stay the same."
        )
    return hint(
        "the height and width are off: a 1x1 kernel with stride 1 and no padding keeps them."
    )


# ---------------------------------------------------------------- parameters and multiply-adds


@reads_answer
def check_conv_params(answer, in_channels, out_channels, kernel_size, bias=True) -> Feedback:
    """Check the number of learnable parameters of ``nn.Conv2d(in_channels, out_channels,
    kernel_size, bias=bias)``: ``out_channels * in_channels * kh * kw`` weights, plus
    ``out_channels`` biases when ``bias``. ``kernel_size``: int or ``(kh, kw)``.

    The answer may be an int, a whole float, a NumPy integer or a one-element tensor. Recognised
    mistakes: the bias forgotten, or counted once per layer, once per input channel or once per
    (output, input) channel pair (the bias shape some notes give); a bias where ``bias=False``;
    the kernel area left out or only one side of the kernel counted; the input or the output
    channels left out.
    """
    if is_missing(answer):
        return missing("parameter count (a whole number)")
    value = as_number(answer)
    if value is None or not value.is_integer():
        return hint("give a single whole number: how many weights and biases the layer learns.")
    value = int(value)
    c_i, c_o = int(in_channels), int(out_channels)
    kh, kw = as_pair(kernel_size, "kernel_size")
    area = kh * kw
    weights = c_o * c_i * area
    b = c_o if bias else 0
    if value == weights + b:
        return correct(
            "one kernel per (output, input) channel pair, plus one bias per output channel."
            if bias
            else "one kernel per (output, input) channel pair, and no bias here."
        )

    # (count, hint) for each usual mistake, in order: where two mistakes give the same count,
    # the more likely one speaks.
    candidates = []
    if bias:
        candidates += [
            (
                weights,
                "you counted the weights; the layer also learns a bias for each output channel.",
            ),
            (
                weights + c_o * c_i,
                "too many biases: a bias is added once to each output channel (after summing "
                "over the input channels), not once per (output channel, input channel) pair.",
            ),
            (
                weights + 1,
                "each output channel has its own bias, not one shared by the whole layer.",
            ),
            (weights + c_i, "the biases belong to the output channels, not the input channels."),
        ]
    else:
        candidates.append(
            (weights + c_o, "this layer has no bias (bias=False): count the weights only.")
        )
    if area > 1:
        candidates.append(
            (
                c_o * c_i + b,
                "each (output channel, input channel) pair has a whole kernel of kh x kw "
                "weights, not a single weight.",
            )
        )
        for side in sorted({kh, kw} - {area}):
            candidates.append(
                (
                    c_o * c_i * side + b,
                    "a kernel has height times width entries, not just one side's worth.",
                )
            )
    if c_i > 1:
        candidates.append(
            (
                c_o * area + b,
                "each output channel's kernel has a slice for every input channel: the input "
                "channels multiply the weight count.",
            )
        )
    if c_o > 1:
        candidates.append(
            (
                c_i * area + b,
                "every output channel has its own kernel: the output channels multiply the count.",
            )
        )
    return _hint_for(
        value,
        candidates,
        "not quite. The weight tensor has shape (out_channels, in_channels, kh, kw): count its "
        "entries, then add the biases.",
        rel=0,
        abs_=0.5,
    )


def _output_size_for_macs(kernel_size, output_size, input_size, stride, padding):
    """The ``(H_out, W_out)`` a multiply-add check uses: given, or computed from the input size."""
    if input_size is None:
        if output_size is None:
            raise TypeError(
                "check_conv_macs needs the layer's output_size, or its input_size (with stride and "
                "padding) to compute it from"
            )
        return as_pair(output_size, "output_size")
    computed = conv_output_shape(
        as_pair(input_size, "input_size"), kernel_size, padding=padding, stride=stride
    )
    if output_size is not None and as_pair(output_size, "output_size") != computed:
        raise ValueError(
            f"output_size={output_size} does not match input_size={input_size} with "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}, which give "
            f"{computed}: pass one of the two"
        )
    return computed


@reads_answer
def check_conv_macs(
    answer,
    in_channels,
    out_channels,
    kernel_size,
    output_size=None,
    *,
    input_size=None,
    stride=1,
    padding=0,
) -> Feedback:
    """Check the multiply-adds of one convolutional layer on one image (bias not counted).

    Give the layer's ``output_size`` (``(H_out, W_out)`` or an int for a square output), or its
    ``input_size`` (int or pair) with ``stride`` and ``padding`` (per side), from which the check
    computes the output size itself; then it also recognises a forgotten stride or padding. Each
    output value costs ``in_channels * kh * kw`` multiply-adds.
    """
    kh, kw = as_pair(kernel_size, "kernel_size")
    oh, ow = _output_size_for_macs(kernel_size, output_size, input_size, stride, padding)
    if is_missing(answer):
        return missing("count of multiply-adds")
    value = as_number(answer)
    if value is None:
        return hint("give a single whole number of multiply-adds.")
    area, pixels = kh * kw, oh * ow
    weights = out_channels * in_channels * area
    expected = weights * pixels
    if _close(value, expected, rel=0, abs_=0.5):
        return correct("every weight is used once at every output pixel.")

    candidates = [
        (weights, "that counts the weights. Each weight is used once at every output pixel."),
        (weights + out_channels, "that counts the parameters, not the work done with them."),
        (2 * expected, "a multiply-add counts once; you counted the multiply and the add apart."),
        (
            expected + out_channels * pixels,
            "leave the bias out: adding it is one addition per output, not a multiply-add.",
        ),
    ]
    if oh > 1:
        candidates.append(
            (weights * oh, "multiply by the number of output pixels: height times width.")
        )
    if area > 1:
        candidates.append(
            (
                out_channels * in_channels * pixels,
                "each output value needs a whole k x k window per input channel, not one weight.",
            )
        )
        candidates.append(
            (
                out_channels * in_channels * (kh + kw) // 2 * pixels,
                "a k x k window has k*k cells: multiply the kernel's height by its width.",
            )
        )
    if in_channels > 1:
        candidates.append(
            (
                out_channels * area * pixels,
                "each output value sums over all input channels, not just one.",
            )
        )
    if out_channels > 1:
        candidates.append(
            (
                in_channels * area * pixels,
                "that is the cost of one output channel; the layer computes out_channels of them.",
            )
        )
    if input_size is not None:
        ih, iw = as_pair(input_size, "input_size")
        at_stride_1 = conv_output_shape((ih, iw), kernel_size, padding=padding)
        no_stride = (
            "you used the input's height and width, as if the stride were 1"
            if at_stride_1 == (ih, iw)
            else "you counted the output positions as if the stride were 1"
        )
        slips = (
            (
                at_stride_1,
                f"{no_stride}. With stride s the window jumps s cells at a time, so there are "
                "fewer output positions: work out the output size first.",
            ),
            (
                (ih, iw),
                "you multiplied by the input's height and width. The layer computes one value per "
                "output position: work out the output size first.",
            ),
            (
                conv_output_shape((ih, iw), kernel_size, stride=stride),
                "you left out the padding when you worked out the output size.",
            ),
        )
        for (sh, sw), message in slips:
            if sh * sw != pixels:
                candidates.append((weights * sh * sw, message))
    return _hint_for(
        value,
        candidates,
        "not quite. Count the multiply-adds for one output value, then multiply by the number "
        "of output values (channels x height x width).",
        rel=0,
        abs_=0.5,
    )


# ---------------------------------------------------------------- two 1x1 layers as one


@reads_answer
def check_merged_weight(answer, first, second) -> Feedback:
    """Check the weight of the single 1x1 layer equal to ``first`` followed by ``second``.

    ``first``: ``(C1, C0, 1, 1)``, ``second``: ``(C2, C1, 1, 1)``, no bias, no activation between.
    Expected: ``(second[:, :, 0, 0] @ first[:, :, 0, 0])`` with shape ``(C2, C0, 1, 1)``.
    """
    if is_missing(answer):
        return missing("weight tensor")
    a = as_array(answer)
    if a is None or a.ndim == 0:
        return hint("give a tensor: the weight of one 1x1 convolutional layer.")
    w1 = as_array(first)
    w2 = as_array(second)
    w1 = w1.reshape(w1.shape[0], w1.shape[1])
    w2 = w2.reshape(w2.shape[0], w2.shape[1])
    matrix = w2 @ w1
    c2, c0 = matrix.shape
    if same_values(a, matrix.reshape(c2, c0, 1, 1), atol=1e-5):
        return correct("two linear maps in a row are one linear map: multiply their matrices.")
    if same_values(a, matrix, atol=1e-5):
        return hint(
            "the numbers are right; now give them the shape of a conv weight: "
            "(out_channels, in_channels, 1, 1)."
        )
    flat = a.reshape(a.shape[0], -1) if a.ndim >= 2 else None
    if flat is not None and same_values(flat.T, matrix, atol=1e-5):
        return hint(
            "the matrix is transposed: in a conv weight the rows (first axis) are the output "
            "channels."
        )
    if flat is not None and w1.shape[1] == w2.shape[0] and same_values(flat, w1 @ w2, atol=1e-5):
        return hint(
            "the order is reversed. The first layer acts first, so its matrix stands on the "
            "right of the product: think y = W x applied twice."
        )
    if a.size != c2 * c0:
        return hint(
            f"a single layer that maps {c0} channels to {c2} has a weight of shape "
            f"({c2}, {c0}, 1, 1); check the order of the matrix product."
        )
    return hint(
        "not quite. At one pixel each layer is a matrix times the channel vector; write the two "
        "steps as one matrix product."
    )


# ---------------------------------------------------------------- depthwise separable


@reads_answer
def check_separable_ratio(answer, out_channels, kernel_size) -> Feedback:
    """Check (depthwise-separable cost) / (full convolution cost), without biases.

    Both parameters and multiply-adds give ``1/out_channels + 1/k**2`` for a ``k x k`` kernel
    (same in and out channels or not, stride 1 or not: the input channels and output pixels cancel).
    """
    if is_missing(answer):
        return missing("ratio")
    value = as_number(answer)
    if value is None:
        return hint("give a single number: the separable layer's cost divided by the full one's.")
    kh, kw = as_pair(kernel_size, "kernel_size")
    area = kh * kw
    expected = 1 / out_channels + 1 / area
    tol = {"rel": 5e-3, "abs_": 0.0}
    if _close(value, expected, **tol):
        return correct("the in_channels and the output pixels cancel; only c_out and k remain.")
    candidates = [
        (
            1 / expected,
            "that is how many times cheaper the separable layer is. The question asks for the "
            "fraction: separable cost over full cost, a number below 1.",
        ),
        (
            1 / out_channels + 1 / ((kh + kw) / 2),
            "a k x k kernel has k*k weights per channel, so the full layer costs k squared times "
            "more per channel pair than the pointwise (1x1) layer: its share is one over k "
            "squared.",
        ),
        (
            1 / (out_channels * area),
            "the two layers' costs add up, so their shares add: you multiplied them.",
        ),
        (1 / area, "you left out the depthwise layer's share (one over out_channels)."),
        (1 / out_channels, "you left out the pointwise (1x1) layer's share."),
    ]
    if value >= 1:
        otherwise = (
            "that number is 1 or more, so it is the full layer's cost over the separable one's "
            "(how many times cheaper the separable layer is), or something upside down. The "
            "question asks for the separable cost divided by the full cost, a fraction below 1."
        )
    else:
        otherwise = (
            "not quite. Write the depthwise cost and the pointwise cost for one output pixel, add "
            "them, divide by the full layer's cost for one pixel, and simplify."
        )
    return _hint_for(value, candidates, otherwise, **tol)

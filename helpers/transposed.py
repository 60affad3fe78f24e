"""Transposed convolution (``torch.nn.functional.conv_transpose2d``), three ways.

Shapes: ``input`` ``(N, C_in, H, W)`` or ``(C_in, H, W)``, or ``(H, W)`` with a ``(k_h, k_w)``
weight for one channel. ``weight`` is ``(C_in, C_out, k_h, k_w)``: input channels *first*, the
transpose of ``conv2d``'s layout, as in PyTorch. ``bias``: ``(C_out,)``. Output size per axis
(:func:`helpers.transposed_output_size`):

    out = (n - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1

Meaning of the arguments (PyTorch's): ``stride`` spaces the input cells ``stride`` apart in the
output; ``padding`` *removes* ``padding`` cells from each side of the full result (it undoes the
``padding`` of the matching ``conv2d``); ``output_padding`` adds cells on the bottom/right only (it
must be smaller than ``stride`` or ``dilation``). ``stride``, ``padding``, ``output_padding`` and
``dilation`` are an int or one per axis ``(h, w)``. Integer inputs are computed exactly in
``int64``. Same type out as ``input``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import _validate as _v
from .correlation import conv2d
from .shapes import transposed_output_size


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Transposed convolution, vectorized over the image: one pass per kernel tap.

    Kernel tap ``(i, j)`` adds the whole input, weighted by ``weight[:, :, i, j]``, onto a grid
    with spacing ``stride`` that starts at ``(i*dilation, j*dilation)``. Equal to
    ``torch.nn.functional.conv_transpose2d`` (``groups=1``).
    """
    x, w, bias, params, restore = _prepare(
        input, weight, bias, stride, padding, output_padding, dilation
    )
    (s_h, s_w), _, _, (d_h, d_w) = params
    full = _full_zeros(x, w, params)
    h, wd = x.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            rows = slice(i * d_h, i * d_h + (h - 1) * s_h + 1, s_h)
            cols = slice(j * d_w, j * d_w + (wd - 1) * s_w + 1, s_w)
            full[:, :, rows, cols] += torch.einsum("nchw,co->nohw", x, w[:, :, i, j])
    return restore(_crop(full, params, bias))


def conv_transpose2d_scatter(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1
):
    """Transposed convolution as a loop over input cells: the teaching form.

    Each input value multiplies the whole kernel, and the product is added ("scattered") into the
    output at ``(i*stride, j*stride)``; overlaps add up. Then ``padding`` cells are cut from each
    side and ``output_padding`` zero cells are kept at the bottom/right.
    """
    x, w, bias, params, restore = _prepare(
        input, weight, bias, stride, padding, output_padding, dilation
    )
    (s_h, s_w), _, _, (d_h, d_w) = params
    full = _full_zeros(x, w, params)
    k_h, k_w = w.shape[2:]
    for i in range(x.shape[2]):
        for j in range(x.shape[3]):
            # x[:, :, i, j] is (N, C_in); times the kernel, summed over C_in: (N, C_out, k_h, k_w)
            patch = torch.einsum("nc,coij->noij", x[:, :, i, j], w)
            rows = slice(i * s_h, i * s_h + d_h * (k_h - 1) + 1, d_h)  # k_h rows, d_h apart
            cols = slice(j * s_w, j * s_w + d_w * (k_w - 1) + 1, d_w)
            full[:, :, rows, cols] += patch
    return restore(_crop(full, params, bias))


def insert_zeros(x, stride):
    """Step 1 of :func:`conv_transpose2d_via_conv`: ``stride - 1`` zeros between neighbouring cells.

    ``x`` is ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``; ``stride`` an int or ``(s_h, s_w)``.
    Returns ``(..., (H - 1)*s_h + 1, (W - 1)*s_w + 1)``: cell ``(i, j)`` of ``x`` lands at
    ``(i*s_h, j*s_w)``, every other cell is 0. Same type and dtype out as ``x``.
    Example: ``insert_zeros(torch.tensor([[1, 2], [3, 4]]), 2)`` is
    ``[[1, 0, 2], [0, 0, 0], [3, 0, 4]]``.
    """
    x, was_numpy = _v.tensor_arg(x, "x", (2, 3, 4), "(H, W), (C, H, W) or (N, C, H, W)")
    s_h, s_w = _v.positive_pair(stride, "stride")

    h, w = x.shape[-2:]
    shape = (*x.shape[:-2], (h - 1) * s_h + 1, (w - 1) * s_w + 1)
    _v.within_budget(shape, x.dtype, what="the stretched x", cause=f"stride={stride!r}")
    stretched = torch.zeros(shape, dtype=x.dtype)
    stretched[..., ::s_h, ::s_w] = x
    return _v.restore(stretched, was_numpy)


def conv_transpose2d_via_conv(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1
):
    """Transposed convolution as an ordinary convolution of a stretched input.

    1. insert ``stride - 1`` zeros between neighbouring input cells (:func:`insert_zeros`);
    2. pad each side with ``dilation*(k - 1) - padding`` zeros (a negative amount crops), plus
       ``output_padding`` on the bottom/right;
    3. cross-correlate (stride 1, same dilation) with the kernel flipped 180 degrees and its
       channel axes swapped to ``(C_out, C_in, k_h, k_w)``.
    """
    x, w, bias, params, restore = _prepare(
        input, weight, bias, stride, padding, output_padding, dilation
    )
    (s_h, s_w), (p_h, p_w), (op_h, op_w), (d_h, d_w) = params
    _, _, k_h, k_w = w.shape
    stretched = insert_zeros(x, (s_h, s_w))
    q_h, q_w = d_h * (k_h - 1) - p_h, d_w * (k_w - 1) - p_w
    stretched = F.pad(stretched, (q_w, q_w + op_w, q_h, q_h + op_h))  # negative pads crop
    kernel = torch.flip(w, dims=(-2, -1)).transpose(0, 1)
    return restore(conv2d(stretched, kernel, bias, stride=1, dilation=(d_h, d_w)))


# --- shared machinery -------------------------------------------------------------------------


def _prepare(input, weight, bias, stride, padding, output_padding, dilation):
    """Validate; return 4-D tensors in a common dtype, the per-axis parameters and a function that
    gives back the caller's shape and type."""
    x, was_numpy = _v.tensor_arg(
        input, "input", (2, 3, 4), "(N, C_in, H, W), (C_in, H, W) or (H, W)"
    )
    added = 4 - x.ndim  # leading axes added here, removed again by restore()
    if x.ndim == 2:
        w, _ = _v.tensor_arg(weight, "weight", 2, "(k_h, k_w), since input is (H, W)")
        w = w[None, None]
    else:
        w, _ = _v.tensor_arg(weight, "weight", 4, "(C_in, C_out, k_h, k_w)")
    x = x.reshape((1,) * added + tuple(x.shape))
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"weight has {w.shape[0]} input channels but the input has {x.shape[1]}: a transposed "
            f"convolution's weight is (C_in, C_out, k_h, k_w), input channels first (got shape "
            f"{tuple(w.shape)}, so its first axis should be {x.shape[1]})"
        )
    bias = _v.bias_arg(bias, w.shape[1])
    strides = _v.positive_pair(stride, "stride")
    dilations = _v.positive_pair(dilation, "dilation")
    non_negative = "a non-negative integer"
    paddings = _v.int_pair(padding, "padding", minimum=0, meaning=non_negative)
    out_paddings = _v.int_pair(output_padding, "output_padding", minimum=0, meaning=non_negative)
    for n, k, s, p, op, d in zip(
        x.shape[2:], w.shape[2:], strides, paddings, out_paddings, dilations
    ):
        transposed_output_size(n, k, s, p, op, d)  # raises if output_padding or the size is wrong
    dtype = _v.compute_dtype(x, w, *([] if bias is None else [bias]))
    bias = None if bias is None else bias.to(dtype)
    full = [
        transposed_output_size(n, k, s, 0, 0, d)
        for n, k, s, d in zip(x.shape[2:], w.shape[2:], strides, dilations)
    ]
    _v.within_budget(
        (x.shape[0], w.shape[1], *full),
        dtype,
        what="the full (uncropped) result",
        cause=f"stride={stride!r} with dilation={dilation!r}",
    )

    def restore(y):
        return _v.restore(y.reshape(y.shape[added:]), was_numpy)

    params = (strides, paddings, out_paddings, dilations)
    return x.to(dtype), w.to(dtype), bias, params, restore


def _full_zeros(x, w, params):
    """Zeros of the full result's shape ``(N, C_out, F_h, F_w)``, before ``padding`` crops it:
    ``F = (n - 1)*stride + dilation*(k - 1) + 1`` per axis, the output size with no padding and no
    output padding (where the last input cell's window ends). Both loop forms add into it."""
    strides, _, _, dilations = params
    sides = [
        transposed_output_size(n, k, s, 0, 0, d)
        for n, k, s, d in zip(x.shape[2:], w.shape[2:], strides, dilations)
    ]
    return torch.zeros(x.shape[0], w.shape[1], *sides, dtype=x.dtype)


def _crop(full, params, bias):
    """From the full scattered result keep rows ``[p, F - p + output_padding)`` (zeros past ``F``),
    likewise columns, then add the bias."""
    _, (p_h, p_w), (op_h, op_w), _ = params
    f_h, f_w = full.shape[2:]
    full = F.pad(full, (0, max(0, op_w - p_w), 0, max(0, op_h - p_h)))
    y = full[:, :, p_h : f_h - p_h + op_h, p_w : f_w - p_w + op_w]
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y

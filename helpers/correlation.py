"""2-D cross-correlation (what deep-learning "convolution" layers compute) and true convolution.

Shapes: ``x`` is ``(H, W)`` for one channel, ``(C_in, H, W)`` for several; a batch is
``(N, C_in, H, W)``. Kernels are ``(k_h, k_w)``, ``(C_in, k_h, k_w)`` or
``(C_out, C_in, k_h, k_w)``.
Output size per axis: ``floor((n + p_before + p_after - d*(k-1) - 1) / s) + 1``
(:func:`helpers.conv_output_size`).

Padding convention (PyTorch's): ``padding=p`` adds ``p`` zeros on *each* side; ``(p_h, p_w)`` one
value per axis; ``((top, bottom), (left, right))`` every side explicitly (e.g. for even kernels).

Types: pass torch tensors or NumPy arrays; you get back the type of ``x``/``input``. Floats are
computed in their own (promoted) precision. Integer inputs (``torch.arange(9).reshape(3, 3)``) are
summed exactly in ``int64``, as ``torch.sum`` does, so the result is an ``int64`` tensor; call
``.float()`` first if you want floats.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import _validate as _v
from .shapes import same_padding


def corr2d_loop(x, kernel):
    """Cross-correlation of one channel, written as the double loop a student writes first.

    ``x``: ``(H, W)``; ``kernel``: ``(k_h, k_w)``; no padding, stride 1. Returns
    ``(H - k_h + 1, W - k_w + 1)``: ``y[i, j] = sum(x[i:i+k_h, j:j+k_w] * kernel)``.
    """
    x, was_numpy = _v.tensor_arg(x, "x", 2, "(H, W)")
    kernel, _ = _v.tensor_arg(kernel, "kernel", 2, "(k_h, k_w)")
    _check_fits(x.shape, kernel.shape, ((0, 0), (0, 0)), (1, 1))
    dtype = _v.compute_dtype(x, kernel)
    x, kernel = x.to(dtype), kernel.to(dtype)

    k_h, k_w = kernel.shape
    y = torch.zeros((x.shape[0] - k_h + 1, x.shape[1] - k_w + 1), dtype=dtype)
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = (x[i : i + k_h, j : j + k_w] * kernel).sum()
    return _v.restore(y, was_numpy)


def pad2d(x, padding, value=0):
    """Pad the last two axes of ``x`` (shape ``(..., H, W)``) with ``value``.

    ``padding``: ``p`` (every side), ``(p_h, p_w)`` or ``((top, bottom), (left, right))``.
    Returns ``(..., H + top + bottom, W + left + right)``, same type as ``x``.
    """
    x, was_numpy = _v.tensor_arg(x, "x", range(2, 9), "(..., H, W)")
    (top, bottom), (left, right) = _v.padding_sides(padding)
    value = _v.fill_value(value, x.dtype)
    shape = (*x.shape[:-2], x.shape[-2] + top + bottom, x.shape[-1] + left + right)
    _v.within_budget(shape, x.dtype, what="the padded x", cause=f"padding={padding!r}")
    return _v.restore(F.pad(x, (left, right, top, bottom), value=value), was_numpy)


def flip_kernel(kernel):
    """Rotate a kernel by 180 degrees: flip its last two axes (``(..., k_h, k_w)``)."""
    kernel, was_numpy = _v.tensor_arg(kernel, "kernel", range(2, 9), "(..., k_h, k_w)")
    return _v.restore(torch.flip(kernel, dims=(-2, -1)), was_numpy)


def corr2d(x, kernel, *, padding=0, stride=1, dilation=1):
    """Vectorized cross-correlation of one channel: same numbers as :func:`corr2d_loop`.

    ``x``: ``(H, W)``; ``kernel``: ``(k_h, k_w)``. ``padding``/``stride``/``dilation`` as in
    :func:`conv2d`. Returns ``(H_out, W_out)``.
    """
    x, was_numpy = _v.tensor_arg(x, "x", 2, "(H, W)")
    kernel, _ = _v.tensor_arg(kernel, "kernel", 2, "(k_h, k_w)")
    y = _conv(x[None, None], kernel[None, None], None, stride, padding, dilation, 1)
    return _v.restore(y[0, 0], was_numpy)


def convolve2d(x, kernel, **kw):
    """True 2-D convolution of one channel: cross-correlation with the kernel flipped (rotated 180
    degrees), ``convolve2d(x, k) == corr2d(x, flip_kernel(k))``.

    ``x``: ``(H, W)``, ``kernel``: ``(k_h, k_w)``; keywords as in :func:`corr2d`. With
    ``padding=(k_h - 1, k_w - 1)`` this is the "full" convolution of signal processing,
    ``y[i, j] = sum_{a, b} x[a, b] * kernel[i - a, j - b]``.
    """
    return corr2d(x, flip_kernel(kernel), **kw)


def corr2d_multi_in(x, kernel, **kw):
    """Several input channels: correlate each channel with its own kernel slice, then add.

    ``x``: ``(C_in, H, W)``; ``kernel``: ``(C_in, k_h, k_w)``; returns ``(H_out, W_out)``.
    Keywords (``padding``, ``stride``, ``dilation``) as in :func:`corr2d`.
    """
    x, was_numpy = _v.tensor_arg(x, "x", 3, "(C_in, H, W)")
    kernel, _ = _v.tensor_arg(kernel, "kernel", 3, "(C_in, k_h, k_w)")
    _check_channels(kernel.shape[0], x.shape[0], tuple(kernel.shape), "kernel", "(C_in, k_h, k_w)")
    y = sum(corr2d(x_c, k_c, **kw) for x_c, k_c in zip(x, kernel, strict=True))
    return _v.restore(y, was_numpy)


def corr2d_multi_in_out(x, kernel, **kw):
    """Several output channels: one :func:`corr2d_multi_in` per output kernel, stacked.

    ``x``: ``(C_in, H, W)``; ``kernel``: ``(C_out, C_in, k_h, k_w)``; returns
    ``(C_out, H_out, W_out)``. Keywords as in :func:`corr2d`.
    """
    x, was_numpy = _v.tensor_arg(x, "x", 3, "(C_in, H, W)")
    kernel, _ = _v.tensor_arg(kernel, "kernel", 4, "(C_out, C_in, k_h, k_w)")
    _check_channels(
        kernel.shape[1], x.shape[0], tuple(kernel.shape), "kernel", "(C_out, C_in, k_h, k_w)"
    )
    y = torch.stack([corr2d_multi_in(x, k, **kw) for k in kernel], dim=0)
    return _v.restore(y, was_numpy)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """What ``torch.nn.functional.conv2d`` computes (a cross-correlation), vectorized.

    ``input``: ``(N, C_in, H, W)`` or ``(C_in, H, W)``; ``weight``: ``(C_out, C_in / groups, k_h,
    k_w)``; ``bias``: ``(C_out,)``, one number per output channel, or ``None``. Returns
    ``(N, C_out, H_out, W_out)`` (or ``(C_out, H_out, W_out)``).

    ``padding``: ``p``, ``(p_h, p_w)``, ``((top, bottom), (left, right))``, ``"valid"`` (0) or
    ``"same"`` (stride 1 only; an odd total puts the extra cell bottom/right, as PyTorch does).
    ``groups``: split the channels into ``groups`` independent convolutions; ``groups = C_in``
    with one filter per group is a depthwise convolution.

    How (im2col): a strided view of every window (``Tensor.unfold``, no copy), laid out as one
    column per output position, then one matrix product with the filters flattened to rows.
    """
    input, was_numpy = _v.tensor_arg(input, "input", (3, 4), "(N, C_in, H, W) or (C_in, H, W)")
    weight, _ = _v.tensor_arg(weight, "weight", 4, "(C_out, C_in/groups, k_h, k_w)")
    bias = _v.bias_arg(bias, weight.shape[0])
    batched = input.ndim == 4
    y = _conv(input if batched else input[None], weight, bias, stride, padding, dilation, groups)
    return _v.restore(y if batched else y[0], was_numpy)


# --- shared machinery -------------------------------------------------------------------------


def _check_channels(kernel_c, input_c, kernel_shape, name, layout, per=""):
    if kernel_c != input_c:
        raise ValueError(
            f"{name} has {kernel_c} input channels{per} but the input has {input_c}: the {name} "
            f"needs one 2-D slice per input channel{per} ({name} shape {layout} = {kernel_shape}, "
            f"so its input-channel axis should be {input_c})"
        )


def _check_fits(x_shape, k_shape, sides, dilations):
    for n, k, (before, after), d, axis in zip(
        x_shape[-2:], k_shape[-2:], sides, dilations, _v.AXES, strict=True
    ):
        _v.window_output_size(n, before, after, k, 1, d, axis=axis)


def _conv(x, weight, bias, stride, padding, dilation, groups):
    """Batched grouped cross-correlation; ``x`` is ``(N, C_in, H, W)``, already a tensor, and
    ``bias`` is checked (:func:`helpers._validate.bias_arg`)."""
    strides = _v.positive_pair(stride, "stride")
    dilations = _v.positive_pair(dilation, "dilation")
    groups = _v.as_int(groups, "groups", minimum=1, meaning="a positive integer")
    if isinstance(padding, str) and padding in ("same", "valid"):
        if padding == "same" and strides != (1, 1):
            raise ValueError(
                f"padding='same' needs stride=1 (PyTorch's rule), but got stride={stride!r}: give "
                f"the padding as numbers instead (see helpers.same_padding)"
            )
        padding = 0 if padding == "valid" else same_padding(weight.shape[-2:], dilations)
    sides = _v.padding_sides(padding)

    n, c_in = x.shape[:2]
    c_out, c_per_group, k_h, k_w = weight.shape
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide both the input channels ({c_in}) and the output "
            f"channels ({c_out}): each group takes C_in/groups channels to C_out/groups channels"
        )
    per = "" if groups == 1 else " per group"
    _check_channels(
        c_per_group,
        c_in // groups,
        tuple(weight.shape),
        "weight",
        "(C_out, C_in/groups, k_h, k_w)" if groups > 1 else "(C_out, C_in, k_h, k_w)",
        per,
    )
    _check_fits(x.shape, weight.shape, sides, dilations)

    dtype = _v.compute_dtype(x, weight, *([] if bias is None else [bias]))
    (top, bottom), (left, right) = sides
    (s_h, s_w), (d_h, d_w) = strides, dilations
    h_out, w_out = (
        _v.window_output_size(size, before, after, k, s, d)
        for size, (before, after), k, s, d in zip(
            x.shape[2:], sides, (k_h, k_w), strides, dilations
        )
    )
    # refuse, before allocating, a padded input or an output beyond the budget
    padded = (n, c_in, x.shape[2] + top + bottom, x.shape[3] + left + right)
    _v.within_budget(padded, dtype, what="the padded input", cause=f"padding={padding!r}")
    _v.within_budget((n, c_out, h_out, w_out), dtype, what="the output", cause="this input")
    x = x.to(dtype)
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom))
    # every window, as a view (no copy): (N, C_in, H_out, W_out, k_h, k_w); a dilated window is
    # every d-th cell of a wider one
    win = x.unfold(2, d_h * (k_h - 1) + 1, s_h).unfold(3, d_w * (k_w - 1) + 1, s_w)
    win = win[..., ::d_h, ::d_w]
    w = weight.to(dtype).reshape(groups, c_out // groups, -1)
    y = torch.empty((n, c_out, h_out, w_out), dtype=dtype)
    # im2col, per group: one row per (channel, kernel row, kernel column), one column per output
    # position (of every image in the batch). The matrix is built for a band of output rows at a
    # time, so it stays near CHUNK_BYTES however large the input (all at once, an 11×11 kernel on
    # a 4000×4000 image would need 7.7 GB); each band's reshape is the only copy of its windows.
    row_bytes = n * c_in * k_h * k_w * w_out * _v.dtype_size(dtype)
    _v.within_budget(
        (n * c_in * k_h * k_w, w_out), dtype, what="one row of windows", cause="this input"
    )
    band = max(1, _v.CHUNK_BYTES // row_bytes)
    for r in range(0, h_out, band):
        rows = win[:, :, r : r + band]  # (N, C_in, B, W_out, k_h, k_w), a view
        b = rows.shape[2]
        rows = rows.reshape(n, groups, c_per_group, b, w_out, k_h, k_w)
        cols = rows.permute(1, 2, 5, 6, 0, 3, 4).reshape(groups, -1, n * b * w_out)
        prod = torch.bmm(w, cols)  # (G, C_out/G, C_in/G*k_h*k_w) @ (G, C_in/G*k_h*k_w, N*B*W_out)
        y[:, :, r : r + b] = prod.reshape(c_out, n, b, w_out).transpose(0, 1)
    if bias is not None:
        y += bias.to(dtype).reshape(1, c_out, 1, 1)
    return y

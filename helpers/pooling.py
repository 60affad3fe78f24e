"""Max and average pooling, per channel, with the same semantics as PyTorch.

Shapes: ``x`` is ``(..., H, W)``: any leading axes (channels, batch) are pooled independently, so
the output keeps the number of channels: ``(..., H_out, W_out)`` with
``H_out = floor((H + p_top + p_bottom - d*(k_h-1) - 1) / s_h) + 1``
(:func:`helpers.pool_output_size`).

Conventions (PyTorch's): ``stride`` defaults to ``kernel_size`` (windows side by side, no overlap);
``padding=p`` adds ``p`` on each side and must be at most ``kernel_size / 2``; max pooling pads with
``-inf`` (padding never wins), average pooling pads with ``0`` and by default counts the padding in
the divisor (``count_include_pad=True``). Integer input: max pooling keeps the dtype; average
pooling returns ``torch.get_default_dtype()`` floats. NumPy in, NumPy out.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import _validate as _v


def pool2d_loop(x, kernel_size, mode="max", *, stride=1):
    """Pooling of one ``(H, W)`` channel as a readable double loop, no padding.

    ``stride`` defaults to 1 here, as in the first version one writes by hand; PyTorch's layers
    default to ``stride=kernel_size`` (pass that to match them, or use :func:`pool2d`).
    ``y[i, j] = max`` (or ``mean``) ``of x[i*s : i*s + k_h, j*s : j*s + k_w]``.
    """
    x, was_numpy = _v.tensor_arg(x, "x", 2, "(H, W)")
    k_h, k_w = _v.positive_pair(kernel_size, "kernel_size")
    s_h, s_w = _v.positive_pair(stride, "stride")
    _v.check_mode(mode)
    out_h = _v.window_output_size(x.shape[0], 0, 0, k_h, s_h, 1, axis="height", what="window")
    out_w = _v.window_output_size(x.shape[1], 0, 0, k_w, s_w, 1, axis="width", what="window")
    if mode == "avg" and not x.dtype.is_floating_point:
        x = x.to(torch.get_default_dtype())

    y = torch.zeros((out_h, out_w), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * s_h : i * s_h + k_h, j * s_w : j * s_w + k_w]
            y[i, j] = window.max() if mode == "max" else window.mean()
    return _v.restore(y, was_numpy)


def pool2d(
    x, kernel_size, *, stride=None, padding=0, dilation=1, mode="max", count_include_pad=True
):
    """Max or average pooling over the last two axes of ``x`` (``(..., H, W)``), vectorized.

    ``kernel_size``, ``stride`` (default: ``kernel_size``), ``dilation``: int or ``(h, w)``.
    ``padding``: ``p``, ``(p_h, p_w)`` or ``((top, bottom), (left, right))``, each side at most half
    the window. ``mode``: ``"max"`` or ``"avg"``. ``count_include_pad`` (avg only): divide by the
    full window size (PyTorch's default) or only by the real cells in the window.
    """
    x, was_numpy = _v.tensor_arg(x, "x", range(2, 9), "(..., H, W)")
    _v.check_mode(mode)
    ks = _v.positive_pair(kernel_size, "kernel_size")
    ss = ks if stride is None else _v.positive_pair(stride, "stride")
    ds = _v.positive_pair(dilation, "dilation")
    sides = _v.padding_sides(padding)
    _v.pool_padding_ok(sides, ks)
    for n, (before, after), k, d, axis in zip(x.shape[-2:], sides, ks, ds, _v.AXES, strict=True):
        _v.window_output_size(n, before, after, k, 1, d, axis=axis, what="window")
    count_include_pad = _v.flag(count_include_pad, "count_include_pad")
    (top, bottom), (left, right) = sides
    padded = (*x.shape[:-2], x.shape[-2] + top + bottom, x.shape[-1] + left + right)
    _v.within_budget(padded, x.dtype, what="the padded x", cause=f"padding={padding!r}")

    if mode == "avg" and not x.dtype.is_floating_point:
        x = x.to(torch.get_default_dtype())
    if mode == "max":
        low = -torch.inf if x.dtype.is_floating_point else torch.iinfo(x.dtype).min
        y = _windows(x, sides, ks, ss, ds, low).amax(dim=(-2, -1))
    else:
        y = _windows(x, sides, ks, ss, ds, 0).sum(dim=(-2, -1))
        if count_include_pad:
            y = y / (ks[0] * ks[1])
        else:
            ones = torch.ones(x.shape[-2:], dtype=x.dtype)
            y = y / _windows(ones, sides, ks, ss, ds, 0).sum(dim=(-2, -1))
    return _v.restore(y, was_numpy)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1):
    """Like ``torch.nn.functional.max_pool2d`` (``ceil_mode=False``): see :func:`pool2d`."""
    return pool2d(input, kernel_size, stride=stride, padding=padding, dilation=dilation, mode="max")


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    """Like ``torch.nn.functional.avg_pool2d`` (``ceil_mode=False``): see :func:`pool2d`."""
    return pool2d(
        input,
        kernel_size,
        stride=stride,
        padding=padding,
        mode="avg",
        count_include_pad=count_include_pad,
    )


def _windows(x, sides, ks, ss, ds, value):
    """Pad with ``value``; a view of every (dilated) window: ``(..., H_out, W_out, k_h, k_w)``."""
    (top, bottom), (left, right) = sides
    shape = x.shape
    x = x.reshape(-1, 1, *shape[-2:])  # F.pad wants a batch; leading axes are pooled alike
    x = F.pad(x, (left, right, top, bottom), value=value)
    (k_h, k_w), (s_h, s_w), (d_h, d_w) = ks, ss, ds
    win = x.unfold(2, d_h * (k_h - 1) + 1, s_h).unfold(3, d_w * (k_w - 1) + 1, s_w)
    win = win[..., ::d_h, ::d_w]
    return win.reshape(*shape[:-2], *win.shape[2:])

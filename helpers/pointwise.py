"""1x1 convolution as a matrix product: reshape, matmul, reshape back.

A 1x1 kernel sees one pixel at a time, so every output pixel is the same linear map of that pixel's
channel vector: a fully connected layer with the channels as features and the ``H*W`` pixels as
samples. Shapes: ``x`` ``(C_in, H, W)`` or ``(N, C_in, H, W)``; ``weight`` ``(C_out, C_in)`` or
``(C_out, C_in, 1, 1)`` (as stored by ``nn.Conv2d``); ``bias`` ``(C_out,)`` or ``None``. The output
keeps ``H`` and ``W``: ``(C_out, H, W)`` or ``(N, C_out, H, W)``. Same type as ``x``.
"""

from __future__ import annotations

from . import _validate as _v


def conv1x1_matmul(x, weight, bias=None):
    """1x1 convolution computed as ``weight @ x.reshape(C_in, H*W)``, reshaped to ``(C_out, H, W)``.

    Equal to :func:`helpers.conv2d` with a ``(C_out, C_in, 1, 1)`` weight.
    """
    x, was_numpy = _v.tensor_arg(x, "x", (3, 4), "(C_in, H, W) or (N, C_in, H, W)")
    weight, _ = _v.tensor_arg(weight, "weight", (2, 4), "(C_out, C_in) or (C_out, C_in, 1, 1)")
    if weight.ndim == 4:
        if tuple(weight.shape[2:]) != (1, 1):
            raise ValueError(
                f"weight has kernel size {tuple(weight.shape[2:])}, but a 1x1 convolution needs "
                f"(1, 1) (weight shape (C_out, C_in, 1, 1), got {tuple(weight.shape)}); for "
                f"larger kernels use helpers.conv2d"
            )
        weight = weight[:, :, 0, 0]
    c_out, c_in = weight.shape
    if c_in != x.shape[-3]:
        raise ValueError(
            f"weight has {c_in} input channels but x has {x.shape[-3]}: the weight needs one "
            f"column per input channel (weight shape (C_out, C_in) = {tuple(weight.shape)}, so "
            f"C_in should be {x.shape[-3]})"
        )
    bias = _v.bias_arg(bias, c_out)
    dtype = _v.compute_dtype(x, weight, *([] if bias is None else [bias]))

    h, w = x.shape[-2:]
    pixels = x.to(dtype).reshape(*x.shape[:-2], h * w)  # (..., C_in, H*W): one column per pixel
    y = weight.to(dtype) @ pixels  # (C_out, C_in) @ (..., C_in, H*W) -> (..., C_out, H*W)
    if bias is not None:
        y = y + bias.to(dtype)[:, None]
    return _v.restore(y.reshape(*y.shape[:-1], h, w), was_numpy)

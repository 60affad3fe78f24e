"""Parameter, multiply-add (MAC) and memory-traffic counts of convolution, fully connected and
depthwise-separable layers.

One MAC is one multiplication plus one addition (``a += w * x``); FLOP counters usually report
``2 * MACs``. Bias additions are not counted as MACs. ``kernel_size`` and ``output_size`` are an int
(square) or ``(h, w)``. A convolution layer has one bias per output channel (not per channel pair).
"""

from __future__ import annotations

from math import prod

from . import _validate as _v

_POSITIVE = "a positive integer (1, 2, 3, ...)"


def _count(value, name):
    return _v.as_int(value, name, minimum=1, meaning=_POSITIVE)


def _area(value, name):
    h, w = _v.positive_pair(value, name)
    return h * w


def _features(value, name):
    """An int, or a shape such as ``(C, H, W)`` that a fully connected layer sees flattened."""
    if isinstance(value, (tuple, list)):
        return prod(_count(v, f"{name}[{i}]") for i, v in enumerate(value))
    return _count(value, name)


def _groups(in_channels, out_channels, groups):
    g = _count(groups, "groups")
    if in_channels % g or out_channels % g:
        raise ValueError(
            f"groups={g} must divide both in_channels ({in_channels}) and out_channels "
            f"({out_channels})"
        )
    return g


def conv2d_params(in_channels, out_channels, kernel_size, bias=True, groups=1):
    """Learnable numbers in ``nn.Conv2d``: ``C_out * (C_in / groups) * k_h * k_w`` weights, plus
    ``C_out`` biases. Independent of the image size."""
    c_in, c_out = _count(in_channels, "in_channels"), _count(out_channels, "out_channels")
    g = _groups(c_in, c_out, groups)
    weights = c_out * (c_in // g) * _area(kernel_size, "kernel_size")
    return weights + (c_out if _v.flag(bias, "bias") else 0)


def conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups=1, batch=1):
    """Multiply-adds of one ``nn.Conv2d`` forward pass:
    ``batch * C_out * H_out * W_out * (C_in / groups) * k_h * k_w`` (one dot product of length
    ``(C_in / groups) * k_h * k_w`` per output value)."""
    c_in, c_out = _count(in_channels, "in_channels"), _count(out_channels, "out_channels")
    g = _groups(c_in, c_out, groups)
    per_output = (c_in // g) * _area(kernel_size, "kernel_size")
    return _count(batch, "batch") * c_out * _area(output_size, "output_size") * per_output


def conv2d_memory(
    in_channels, out_channels, kernel_size, input_size, output_size, groups=1, batch=1
):
    """Numbers one ``nn.Conv2d`` forward pass must at least move, each read or written once:
    ``batch * C_in * H * W`` inputs read + ``C_out * (C_in / groups) * k_h * k_w`` weights read +
    ``batch * C_out * H_out * W_out`` outputs written.

    ``input_size`` is the input's ``(H, W)`` before padding (padding zeros are not read from
    memory); ``output_size`` is ``(H_out, W_out)`` as in :func:`conv2d_macs`. The weights are read
    once for the whole batch; the ``C_out`` biases are not counted. Multiply by the bytes per
    number (4 for ``float32``) for bytes; ``2 * conv2d_macs(...) / bytes`` is the layer's
    arithmetic intensity in FLOP/byte. Real code moves more (caches are small, layouts get
    reordered): this is the floor.
    """
    c_in, c_out = _count(in_channels, "in_channels"), _count(out_channels, "out_channels")
    n = _count(batch, "batch")
    weights = conv2d_params(c_in, c_out, kernel_size, bias=False, groups=groups)
    inputs = n * c_in * _area(input_size, "input_size")
    outputs = n * c_out * _area(output_size, "output_size")
    return inputs + weights + outputs


def linear_params(in_features, out_features, bias=True):
    """Learnable numbers in ``nn.Linear``: ``in * out`` weights plus ``out`` biases.

    ``in_features``/``out_features`` may be shapes, e.g. ``(C_in, H, W)`` and ``(C_out, H', W')``,
    to compare with a convolution between the same shapes (the layer sees them flattened).
    """
    n_in, n_out = _features(in_features, "in_features"), _features(out_features, "out_features")
    return n_in * n_out + (n_out if _v.flag(bias, "bias") else 0)


def linear_macs(in_features, out_features, batch=1):
    """Multiply-adds of one ``nn.Linear`` forward pass: ``batch * in * out`` (shapes allowed, as in
    :func:`linear_params`)."""
    n_in, n_out = _features(in_features, "in_features"), _features(out_features, "out_features")
    return _count(batch, "batch") * n_in * n_out


def depthwise_separable_params(in_channels, out_channels, kernel_size, bias=True):
    """Parameters of a depthwise ``k x k`` convolution (``groups = C_in``, one filter per channel)
    followed by a pointwise ``1 x 1`` convolution ``C_in -> C_out``:
    ``C_in*k_h*k_w + C_in*C_out`` weights, plus ``C_in + C_out`` biases."""
    c_in = _count(in_channels, "in_channels")
    depthwise = conv2d_params(c_in, c_in, kernel_size, bias=bias, groups=c_in)
    return depthwise + conv2d_params(c_in, out_channels, 1, bias=bias)


def depthwise_separable_macs(in_channels, out_channels, kernel_size, output_size, batch=1):
    """Multiply-adds of the depthwise-separable pair on an ``output_size`` output (the depthwise
    step does any striding): ``batch * H_out * W_out * (C_in*k_h*k_w + C_in*C_out)``."""
    c_in = _count(in_channels, "in_channels")
    depthwise = conv2d_macs(c_in, c_in, kernel_size, output_size, groups=c_in, batch=batch)
    return depthwise + conv2d_macs(c_in, out_channels, 1, output_size, batch=batch)

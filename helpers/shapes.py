"""Output-shape arithmetic for convolution, pooling and transposed convolution, and its inverses.

Notation: input size ``n``, kernel size ``k``, padding ``p`` (PyTorch's convention: ``p`` rows or
columns on *each* side, so ``2p`` in total; or ``(before, after)`` for an explicit split), stride
``s``, dilation ``d``. A dilated kernel spans ``d*(k-1) + 1`` input cells. The number of positions
of the window is

    out = floor((n + p_before + p_after - d*(k-1) - 1) / s) + 1

Every function raises a ``ValueError`` that explains the numbers when the answer would be ``<= 0``.
"""

from __future__ import annotations

from . import _validate as _v

_POSITIVE = "a positive integer (1, 2, 3, ...)"


def _positive(value, name):
    return _v.as_int(value, name, minimum=1, meaning=_POSITIVE)


def _padding_1d(padding, total_padding):
    """``(before, after)`` from ``padding`` (int or pair) or ``total_padding`` (split evenly)."""
    if total_padding is None:
        return _v.side_pair(padding, "padding")
    if padding != 0:
        raise ValueError(
            f"give either padding (per side) or total_padding, not both: got padding={padding!r} "
            f"and total_padding={total_padding!r}"
        )
    total = _v.as_int(total_padding, "total_padding", minimum=0, meaning="a non-negative integer")
    return (total - total // 2, total // 2)  # only the sum matters for the size


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1, *, total_padding=None):
    """Output length of a convolution along one axis.

    ``out = floor((n + p_before + p_after - dilation*(kernel_size-1) - 1) / stride) + 1``

    ``padding`` is per side (``p`` adds ``p`` before and ``p`` after, as in PyTorch) or an explicit
    ``(before, after)`` pair; alternatively give ``total_padding`` (= ``p_before + p_after``, the
    ``p_h`` of D2L's formula ``n - k + p_h + 1``). Example: ``conv_output_size(8, 3, padding=1,
    stride=2) == 4``.
    """
    n = _positive(n, "n")
    k = _positive(kernel_size, "kernel_size")
    s = _positive(stride, "stride")
    d = _positive(dilation, "dilation")
    before, after = _padding_1d(padding, total_padding)
    return _v.window_output_size(n, before, after, k, s, d)


def conv_output_shape(
    input_size, kernel_size, padding=0, stride=1, dilation=1, *, total_padding=None
):
    """Output ``(H_out, W_out)`` of a convolution on an ``(H, W)`` input.

    ``kernel_size``, ``stride``, ``dilation``: int or ``(for H, for W)``. ``padding``: ``p``,
    ``(p_h, p_w)`` or ``((top, bottom), (left, right))``; or ``total_padding`` int or
    ``(total_h, total_w)``. Each axis follows :func:`conv_output_size`.
    """
    h, w = _v.positive_pair(input_size, "input_size")
    ks = _v.positive_pair(kernel_size, "kernel_size")
    ss = _v.positive_pair(stride, "stride")
    ds = _v.positive_pair(dilation, "dilation")
    if total_padding is not None:
        if padding != 0:
            _padding_1d(padding, 0)  # raises the "not both" message
        totals = _v.int_pair(
            total_padding, "total_padding", minimum=0, meaning="a non-negative integer"
        )
        sides = tuple((t - t // 2, t // 2) for t in totals)
    else:
        sides = _v.padding_sides(padding)
    return tuple(
        _v.window_output_size(n, *p, k, s, d, axis=axis)
        for n, p, k, s, d, axis in zip((h, w), sides, ks, ss, ds, _v.AXES, strict=True)
    )


def pool_output_size(n, kernel_size, stride=None, padding=0, dilation=1):
    """Output length of pooling along one axis (PyTorch's ``ceil_mode=False``).

    Same formula as :func:`conv_output_size`; ``stride`` defaults to ``kernel_size`` (windows do not
    overlap), and PyTorch requires ``padding <= kernel_size / 2`` on each side.
    """
    k = _positive(kernel_size, "kernel_size")
    s = k if stride is None else _positive(stride, "stride")
    d = _positive(dilation, "dilation")
    before, after = _v.side_pair(padding, "padding")
    _v.pool_padding_ok([(before, after)], [k], [""])
    return _v.window_output_size(_positive(n, "n"), before, after, k, s, d, what="window")


def pool_output_shape(input_size, kernel_size, stride=None, padding=0, dilation=1):
    """Output ``(H_out, W_out)`` of 2-D pooling.

    Arguments as in :func:`pool_output_size`, each an int or one per axis (``padding`` also
    ``((top, bottom), (left, right))``).
    """
    h, w = _v.positive_pair(input_size, "input_size")
    ks = _v.positive_pair(kernel_size, "kernel_size")
    ss = ks if stride is None else _v.positive_pair(stride, "stride")
    ds = _v.positive_pair(dilation, "dilation")
    sides = _v.padding_sides(padding)
    _v.pool_padding_ok(sides, ks)
    return tuple(
        _v.window_output_size(n, *p, k, s, d, axis=axis, what="window")
        for n, p, k, s, d, axis in zip((h, w), sides, ks, ss, ds, _v.AXES, strict=True)
    )


def transposed_output_size(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Output length of a transposed convolution along one axis.

    ``out = (n - 1)*stride - 2*padding + dilation*(kernel_size - 1) + output_padding + 1``

    It inverts :func:`conv_output_size`: a convolution with the same ``kernel_size``, ``stride``,
    ``padding`` and ``dilation`` maps ``out`` back to ``n``. A strided convolution maps several
    sizes to the same ``n``; ``output_padding`` (``< stride``) adds cells at the end to pick one.
    PyTorch also allows ``output_padding < dilation``, but then the inverse property is lost.
    """
    n = _positive(n, "n")
    k = _positive(kernel_size, "kernel_size")
    s = _positive(stride, "stride")
    d = _positive(dilation, "dilation")
    p = _v.as_int(padding, "padding", minimum=0, meaning="a non-negative integer")
    op = _v.as_int(output_padding, "output_padding", minimum=0, meaning="a non-negative integer")
    if op >= max(s, d):  # PyTorch's rule
        raise ValueError(
            f"output_padding={op} must be smaller than the stride ({s}) or the dilation ({d}): "
            f"it only picks one of the input sizes that a strided convolution maps to the same "
            f"output size"
        )
    out = _transposed_length(n, k, s, p, d) + op
    if out <= 0:
        raise ValueError(
            f"the transposed convolution would have output size (n-1)*stride - 2*padding + "
            f"dilation*(kernel_size-1) + output_padding + 1 = ({n}-1)*{s} - 2*{p} + {d}*({k}-1) + "
            f"{op} + 1 = {out}: padding={p} crops more than the full output; use less padding"
        )
    return out


def _transposed_length(n, k, s, p, d):
    """A transposed convolution's output length without output padding (may be <= 0)."""
    return (n - 1) * s - 2 * p + d * (k - 1) + 1


def output_padding_for(n, output_size, kernel_size, stride=1, padding=0, dilation=1):
    """The ``output_padding`` that makes a transposed convolution of ``n`` cells give
    ``output_size`` cells (one axis).

    Arguments as in :func:`transposed_output_size`, whose inverse this is: it returns ``a`` with
    ``transposed_output_size(n, kernel_size, stride, padding, a, dilation) == output_size``.
    When ``output_size`` is an input size that the convolution with the same settings maps to
    ``n``, ``a`` is the remainder that convolution's floor threw away,
    ``(output_size + 2*padding - dilation*(kernel_size - 1) - 1) % stride``, so the transposed
    convolution restores that size. Example: a 3x3, stride-2, padding-1 convolution maps both 5
    and 6 to 3; ``output_padding_for(3, 6, 3, stride=2, padding=1) == 1``.

    Raises ``ValueError`` when no ``output_padding`` works: PyTorch allows
    ``0 <= output_padding < max(stride, dilation)``.
    """
    n = _positive(n, "n")
    out = _positive(output_size, "output_size")
    k = _positive(kernel_size, "kernel_size")
    s = _positive(stride, "stride")
    d = _positive(dilation, "dilation")
    p = _v.as_int(padding, "padding", minimum=0, meaning="a non-negative integer")
    base = _transposed_length(n, k, s, p, d)
    a = out - base
    limit = max(s, d)
    settings = f"n={n}, kernel_size={k}, stride={s}, padding={p}, dilation={d}"
    if a < 0:
        raise ValueError(
            f"output_size={out} is too small: without output_padding the transposed convolution "
            f"({settings}) already gives (n-1)*stride - 2*padding + dilation*(kernel_size-1) + 1 "
            f"= {base}, and output_padding can only add cells; use more padding or a smaller "
            f"stride or kernel"
        )
    if a >= limit:
        raise ValueError(
            f"output_size={out} is too large: the transposed convolution ({settings}) gives "
            f"{base} without output_padding, and output_padding must be smaller than the stride "
            f"or the dilation, so at most {base + limit - 1}; use a larger stride or kernel, or "
            f"less padding"
        )
    return a


def same_padding(kernel_size, dilation=1, *, extra="after"):
    """Padding that keeps the size at stride 1: ``d*(k-1)`` cells in total per axis.

    Odd kernels split it evenly: returns ``p`` for an int ``kernel_size`` (``same_padding(3) == 1``)
    or ``(p_h, p_w)`` for a pair. When ``d*(k-1)`` is odd (even kernels, dilation 1) one side must
    get one more cell, and the result is explicit, ``((top, bottom), (left, right))``:

    - ``extra="after"`` (default, what PyTorch's ``padding="same"`` does):
      ``floor((k-1)/2)`` on top/left, ``ceil((k-1)/2)`` on bottom/right;
    - ``extra="before"`` (D2L and the course notes): ``ceil`` on top/left, ``floor`` on
      bottom/right.

    Every form can be passed as ``padding=`` to :func:`helpers.conv2d` or :func:`helpers.pad2d`.
    For one axis in :func:`conv_output_size`, use ``same_padding(k)[0]`` when the result is nested.
    """
    if extra not in ("before", "after"):
        raise ValueError(f"extra must be 'before' or 'after', but got {extra!r}")
    ks = _v.positive_pair(kernel_size, "kernel_size")
    ds = _v.positive_pair(dilation, "dilation")
    totals = [d * (k - 1) for k, d in zip(ks, ds, strict=True)]
    if all(t % 2 == 0 for t in totals):
        per_axis = tuple(t // 2 for t in totals)
        both_int = not isinstance(kernel_size, (tuple, list)) and not isinstance(
            dilation, (tuple, list)
        )
        return per_axis[0] if both_int else per_axis
    big = 0 if extra == "after" else 1
    return tuple((t // 2 + big * (t % 2), t // 2 + (1 - big) * (t % 2)) for t in totals)


def padding_for_output_size(n, output_size, kernel_size, stride=1, dilation=1):
    """Smallest *total* padding (both sides together) that gives ``output_size`` outputs.

    Inverts :func:`conv_output_size`: returns the least ``P >= 0`` with
    ``floor((n + P - d*(k-1) - 1) / s) + 1 == output_size``. Split it as you like, e.g.
    ``P // 2`` per side when ``P`` is even. Raises ``ValueError`` if even ``P = 0`` gives too many
    outputs (you would need a larger stride or kernel, or cropping).
    """
    n = _positive(n, "n")
    out = _positive(output_size, "output_size")
    k = _positive(kernel_size, "kernel_size")
    s = _positive(stride, "stride")
    d = _positive(dilation, "dilation")
    effective = d * (k - 1) + 1
    need = (out - 1) * s + effective - n  # padded input must be in [need + n, need + n + s - 1]
    if need + s - 1 < 0:
        zero_pad = (n - effective) // s + 1
        raise ValueError(
            f"output_size={out} is too small: with no padding the output already has {zero_pad} "
            f"positions (n={n}, kernel_size={k}, stride={s}, dilation={d}); use a larger stride "
            f"or kernel instead of padding"
        )
    return max(need, 0)


def receptive_field(layers):
    """Size (along one axis) of the input region that one output unit of a stack of layers sees.

    ``layers``: a sequence of ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)``,
    first layer first. ``r = 1 + sum_l (k_l - 1) * d_l * prod_{j<l} s_j``: each layer widens the
    field by its dilated kernel, measured in input cells (the product of earlier strides). Padding
    does not change the size. Example: two 3x3 stride-1 layers see 5x5:
    ``receptive_field([(3, 1), (3, 1)]) == 5``.
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(
            f"layers must be a sequence of (kernel_size, stride) or (kernel_size, stride, "
            f"dilation) tuples, but got {layers!r}"
        )
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (2, 3):
            raise ValueError(
                f"layers[{i}] must be (kernel_size, stride) or (kernel_size, stride, dilation), "
                f"but got {layer!r}"
            )
        k = _positive(layer[0], f"layers[{i}] kernel_size")
        s = _positive(layer[1], f"layers[{i}] stride")
        d = _positive(layer[2], f"layers[{i}] dilation") if len(layer) == 3 else 1
        r += (k - 1) * d * jump
        jump *= s
    return r

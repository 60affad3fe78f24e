"""Receptive fields: the cells of every layer that one output cell depends on, and the figure.

- :func:`receptive_fields`: the cells, per layer.
- :func:`draw_receptive_field`: the grids of a stack of layers, with those cells shaded in every
  layer.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as _v
from ..style import PALETTE, format_number
from . import canvas
from .grids import as_grid


def _layer_geometry(layers, kernel_sizes, strides, paddings, dilations):
    """Per layer: its grid (or ``None``) and ``(H, W)``; per connection: ``k, s, d, sides``.

    Sizes not given are computed with :func:`helpers.shapes.conv_output_shape`; sizes given are
    checked against it.
    """
    from ..shapes import conv_output_shape

    if isinstance(kernel_sizes, (int, np.integer)) or not isinstance(kernel_sizes, (list, tuple)):
        raise TypeError(
            "kernel_sizes must be a list with one kernel size per layer, e.g. [3, 3] for two "
            f"3×3 layers, got {kernel_sizes!r}."
        )
    n = len(kernel_sizes)
    if not isinstance(layers, (list, tuple)) or len(layers) != n + 1:
        got = len(layers) if isinstance(layers, (list, tuple)) else type(layers).__name__
        raise ValueError(
            f"layers must list {n + 1} grids or sizes (the input, then one per kernel in "
            f"kernel_sizes, which has {n}), got {got}."
        )

    def per_layer(value, name):
        if isinstance(value, list):
            if len(value) != n:
                raise ValueError(f"{name} has {len(value)} entries, but there are {n} kernels.")
            return value
        return [value] * n

    ks = [_v.positive_pair(k, f"kernel_sizes[{i}]") for i, k in enumerate(kernel_sizes)]
    ss = [_v.positive_pair(s, "strides") for s in per_layer(strides, "strides")]
    ds = [_v.positive_pair(d, "dilations") for d in per_layer(dilations, "dilations")]
    sides = [_v.padding_sides(p, "paddings") for p in per_layer(paddings, "paddings")]
    grids, shapes = [], []
    for i, layer in enumerate(layers):
        grid = None
        if layer is None:
            if i == 0:
                raise ValueError("layers[0], the input, needs a grid or a size, not None.")
            shape = None
        elif isinstance(layer, (int, np.integer)):
            shape = (int(layer), int(layer))
        elif (
            isinstance(layer, tuple)
            and len(layer) == 2
            and all(isinstance(v, (int, np.integer)) for v in layer)
        ):
            shape = (int(layer[0]), int(layer[1]))
        else:
            grid = as_grid(layer, f"layers[{i}]")
            shape = grid.shape
        if i > 0:
            expected = conv_output_shape(
                shapes[-1], ks[i - 1], padding=sides[i - 1], stride=ss[i - 1], dilation=ds[i - 1]
            )
            if shape is None:
                shape = expected
            elif tuple(shape) != tuple(expected):
                raise ValueError(
                    f"layers[{i}] is {shape[0]}×{shape[1]}, but a {ks[i - 1][0]}×{ks[i - 1][1]} "
                    f"kernel (stride {ss[i - 1]}, padding {sides[i - 1]}, dilation "
                    f"{ds[i - 1]}) on the {shapes[-1][0]}×{shapes[-1][1]} layer before it gives "
                    f"{expected[0]}×{expected[1]}."
                )
        grids.append(grid)
        shapes.append(tuple(int(v) for v in shape))
    return grids, shapes, list(zip(ks, ss, ds, sides, strict=True))


def receptive_fields(layers, kernel_sizes, *, strides=1, paddings=0, dilations=1, position=None):
    """The cells of every layer that output cell ``position`` depends on, first layer first.

    Arguments as in :func:`draw_receptive_field`. Each entry is a sorted list of ``(row, col)`` in
    that layer's own coordinates; a negative or too large index is a padding cell (read by the
    window, but a constant: nothing further back reaches it). Walking back one layer, cell
    ``(i, j)`` reads rows ``i*stride - top + a*dilation`` for ``a`` in ``range(kernel_size)``, and
    columns alike: the windows :func:`helpers.animation.player_steps` slides.
    """
    _, shapes, convs = _layer_geometry(layers, kernel_sizes, strides, paddings, dilations)
    fields = [{_centre_or(position, shapes[-1])}]
    for layer in reversed(range(len(convs))):
        (kh, kw), (sh, sw), (dh, dw), ((top, _), (left, _)) = convs[layer]
        h, w = shapes[layer + 1]
        fields.append(
            {
                (i * sh - top + a * dh, j * sw - left + b * dw)
                for i, j in fields[-1]
                if 0 <= i < h and 0 <= j < w  # padding cells depend on nothing
                for a in range(kh)
                for b in range(kw)
            }
        )
    return [sorted(f) for f in reversed(fields)]


def _centre_or(position, shape):
    if position is None:
        return ((shape[0] - 1) // 2, (shape[1] - 1) // 2)
    if (
        not isinstance(position, (tuple, list))
        or len(position) != 2
        or not all(isinstance(v, (int, np.integer)) for v in position)
    ):
        raise TypeError(f"position must be (row, column) of an output cell, got {position!r}.")
    i, j = int(position[0]), int(position[1])
    if not (0 <= i < shape[0] and 0 <= j < shape[1]):
        raise ValueError(
            f"position={(i, j)} is outside the {shape[0]}×{shape[1]} output (indices start at 0)."
        )
    return (i, j)


def draw_receptive_field(
    layers, kernel_sizes, *, strides=1, paddings=0, dilations=1, position=None, titles=None
):
    """Figure: the grids of a stack of layers, left to right, and one output cell's receptive field.

    ``layers`` lists the input, then the output of each layer: each entry a grid of values
    (``(H, W)``, printed), a size (``n`` or ``(H, W)``, an empty grid) or ``None`` (size computed
    with :func:`helpers.shapes.conv_output_shape`; sizes given are checked against it).
    ``kernel_sizes`` gives layer ``l``'s kernel (int or ``(kh, kw)``), from ``layers[l]`` to
    ``layers[l + 1]``; ``strides``, ``paddings`` (PyTorch's convention, drawn as a hatched ring)
    and ``dilations`` are one value for every layer or a list with one per layer. ``position`` is
    the ``(row, col)`` of the output cell (default: the centre); it is framed, and every cell it
    depends on (:func:`receptive_fields`) is shaded, in every layer. ``titles`` name the grids
    (default: "input", "layer 1", ..., "output", with their sizes).

    The figure's ``alt_text`` attribute describes it; ``fields`` holds the shaded cells per layer.
    Example: ``draw_receptive_field([X, Y, z], [2, 2], titles=["X", "Y", "z"])``.
    """
    grids, shapes, convs = _layer_geometry(layers, kernel_sizes, strides, paddings, dilations)
    rings = [c[3] for c in convs] + [((0, 0), (0, 0))]  # each layer's padding, read by the next
    for i, ((h, w), ((t, b), (lft, rgt))) in enumerate(zip(shapes, rings, strict=True)):
        _v.drawable(
            (h + t + b, w + lft + rgt), f"layers[{i}] with its padding", "use smaller layers"
        )
    fields = receptive_fields(
        list(shapes), kernel_sizes, strides=strides, paddings=paddings, dilations=dilations,
        position=position,
    )  # fmt: skip
    n = len(shapes)
    if titles is None:
        names = ["input"] + [f"layer {i}" for i in range(1, n - 1)] + ["output"]
        titles = [f"{name} ({h}×{w})" for name, (h, w) in zip(names, shapes, strict=True)]
    elif len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries, but there are {n} grids.")
    else:
        names = titles = [str(t) for t in titles]
    # each layer with the padding ring of the kernel that reads it
    padded = [
        (h + t + b, w + lft + rgt)
        for (h, w), ((t, b), (lft, rgt)) in zip(shapes, rings, strict=True)
    ]
    gap = 1.7
    width = sum(w for _, w in padded) + gap * (n - 1)
    height = max(h for h, _ in padded) + 0.5
    strings = [format_number(v) for g in grids if g is not None for v in g.flat]
    fig, ax, fs = canvas.new_figure(width, height, max([len(t) for t in strings] + [1]), "")
    x = 0.0
    for idx, (((top, _), (left, _)), (h, w)) in enumerate(zip(rings, shapes, strict=True)):
        hp, wp = padded[idx]
        y = (height - 0.5 - hp) / 2
        grid, field = grids[idx], fields[idx]
        pad = {
            (r, c)
            for r in range(hp)
            for c in range(wp)
            if r < top or r >= top + h or c < left or c >= left + w
        }
        shown = {(r + top, c + left) for r, c in field}
        texts = [
            [
                ("0" if (r, c) in pad else format_number(grid[r - top, c - left]))
                if grid is not None
                else ""
                for c in range(wp)
            ]
            for r in range(hp)
        ]

        def face(r, c, shown=shown, pad=pad):
            if (r, c) in shown:
                return PALETTE["receptive_field"]
            return canvas.PAD if (r, c) in pad else "white"

        canvas.cells(ax, texts, x, y, face, hatched=pad, fontsize=fs)
        rows = [r for r, _ in shown]
        cols = [c for _, c in shown]
        box_h, box_w = max(rows) - min(rows) + 1, max(cols) - min(cols) + 1
        if len(shown) == box_h * box_w:  # a solid block: one frame around it
            edge, lw = (PALETTE["current"], 2.6) if idx == n - 1 else (PALETTE["blue"], 2.0)
            canvas.outline(ax, x + min(cols), y + min(rows), box_w, box_h, edge, lw=lw, zorder=6)
        else:
            for r, c in shown:
                canvas.outline(ax, x + c, y + r, 1, 1, PALETTE["blue"], lw=1.6, zorder=6)
        canvas.label(ax, x + wp / 2, y, titles[idx], fs)
        if idx < n - 1:
            (kh, kw), (sh, sw), (dh, dw), _ = convs[idx]
            note = f"{kh}×{kw}"
            note += f"\nstride {sh}" if sh == sw > 1 else ""
            note += f"\nstride {sh}×{sw}" if sh != sw else ""
            note += f"\ndilation {dh}" if dh == dw > 1 else ""
            note += f"\ndilation {dh}×{dw}" if dh != dw else ""
            mid = (height - 0.5) / 2
            canvas.operator(ax, x + wp + gap / 2, mid, "→", fs)
            ax.text(
                x + wp + gap / 2, mid - 0.45, note, ha="center", va="bottom",
                fontsize=fs * 0.8, color=PALETTE["muted"],
            )  # fmt: skip
        x += wp + gap
    i, j = fields[-1][0]
    parts = []
    for idx in range(n - 1):
        f = fields[idx]
        inside = [(r, c) for r, c in f if 0 <= r < shapes[idx][0] and 0 <= c < shapes[idx][1]]
        rows, cols = [r for r, _ in f], [c for _, c in f]
        h, w = max(rows) - min(rows) + 1, max(cols) - min(cols) + 1
        shape = f"a {h}×{w} block" if h * w == len(f) else f"spread over {h}×{w}"
        extra = f", {len(f) - len(inside)} of them padding" if len(inside) < len(f) else ""
        parts.append(f"{len(f)} cells of {names[idx]} ({shape}{extra})")
    grids_text = ", ".join(f"{t} {h}×{w}" for t, (h, w) in zip(names, shapes, strict=True))
    fig.alt_text = (
        f"{n} grids from left to right: {grids_text}. Cell ({i}, {j}) of {names[-1]} is framed; "
        f"the cells it depends on are shaded: {'; '.join(parts)}."
    )
    fig.fields = fields
    return fig

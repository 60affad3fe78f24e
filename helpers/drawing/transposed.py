"""A transposed convolution as a scatter, in small multiples (:func:`draw_transposed`).

One panel per input cell (its value times the kernel, where it is added) and their sum; every
number from :mod:`helpers.transposed`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import _validate as _v
from ..style import format_factor, format_number, format_pair
from . import canvas, grids

MAX_PANELS = 16  # draw_transposed: one panel per input cell; more are too small to read


def draw_transposed(x, kernel, *, stride=1, padding=0, output_padding=0, dilation=1):
    """Figure: a transposed convolution as a scatter, in small multiples.

    ``x`` ``(H, W)`` is the input of the transposed convolution (the map being upsampled) and
    ``kernel`` ``(kh, kw)``; ``stride``, ``padding``, ``output_padding`` and ``dilation`` as in
    :func:`helpers.transposed.conv_transpose2d`. One panel per input cell, laid out like the
    input: each shows the full result grid (before ``padding`` crops it) with that cell's value
    times the kernel, shaded, where it is added. The last panel is their sum. When ``padding`` or
    ``output_padding`` change it, the cells that are cut off are hatched and the output is framed.

    Every number comes from :mod:`helpers.transposed`: panel ``q`` is the transposed convolution
    of ``x`` with every cell but ``q`` set to zero (linearity), its shaded cells are those a
    kernel of ones reaches from cell ``q``, and the output is :func:`conv_transpose2d_scatter`'s.

    The figure's ``alt_text`` describes it. Its ``copies`` ``(H*W, Ch, Cw)`` hold the panels'
    values, ``full`` ``(Ch, Cw)`` their sum and ``output`` the transposed convolution (NumPy,
    float64). For the step-by-step version use ``helpers.animate(x, kernel, mode="transposed")``.
    """
    from ..transposed import conv_transpose2d, conv_transpose2d_scatter

    one_channel = "the figure shows one channel"
    xs = grids.as_2d(x, "x", one_channel)
    ks = grids.as_2d(kernel, "kernel", one_channel)
    h, w = xs.shape
    kh, kw = ks.shape
    n = h * w
    if n > MAX_PANELS:
        raise ValueError(
            f"x has {n} cells, and the figure draws one panel per input cell, at most "
            f"{MAX_PANELS}: use a smaller input, or helpers.animate(x, kernel, "
            "mode='transposed'), which plays one input cell per step."
        )
    # conv_transpose2d_scatter checks stride, padding, output_padding and dilation, in words
    output = conv_transpose2d_scatter(xs, ks, None, stride, padding, output_padding, dilation)
    s = _v.positive_pair(stride, "stride")
    d = _v.positive_pair(dilation, "dilation")
    p = _v.int_pair(padding, "padding", minimum=0, meaning="a non-negative integer")
    oh, ow = output.shape
    one_hot = torch.eye(n, dtype=xs.dtype).reshape(n, 1, h, w)
    copies = conv_transpose2d(one_hot * xs, ks[None, None], stride=s, dilation=d)[:, 0]
    ones = torch.ones(1, 1, kh, kw, dtype=xs.dtype)
    reach = conv_transpose2d(one_hot, ones, stride=s, dilation=d)
    full = conv_transpose2d(xs, ks, stride=s, dilation=d)  # padding=0: nothing cropped
    f_h, f_w = full.shape
    # output_padding past the padding reaches beyond the full result: zero rows/columns there
    ch, cw = max(f_h, p[0] + oh), max(f_w, p[1] + ow)
    grow = (0, cw - f_w, 0, ch - f_h)
    copies, full = F.pad(copies, grow).numpy(), F.pad(full, grow).numpy()
    reach = F.pad(reach[:, 0], grow).numpy() != 0
    kept = np.zeros((ch, cw), dtype=bool)
    kept[p[0] : p[0] + oh, p[1] : p[1] + ow] = True
    cut = ~kept
    cropped = bool(cut.any())

    values = xs.numpy()
    panel_titles = [
        f"input ({i}, {j}) = {format_number(v)}\n{format_factor(v)} × kernel"
        for (i, j), v in np.ndenumerate(values)
    ]
    copy_word = "copy" if n == 1 else f"{n} copies"
    if cropped:
        sum_title = f"sum of the {copy_word} ({ch}×{cw})\noutput {oh}×{ow}: not hatched"
    else:
        sum_title = f"output {oh}×{ow}: the sum of the {copy_word}"
    strings = [[format_number(v) for v in row] for row in full.tolist()]
    strings += [[format_number(v) for v in copy.ravel()] for copy in copies]
    fs = grids.font_size(strings, 1.0)
    title_h = 0.35 + 0.5 * 2 * fs / 11
    gap = max(1.0, max(grids.text_units(t, fs) for t in panel_titles) - cw + 0.6)
    fig, ax = grids.new_figure()
    for q in range(n):
        i, j = divmod(q, w)
        grids.draw_grid(
            copies[q],
            ax=ax,
            origin=(j * (cw + gap), i * (ch + title_h + 0.5)),
            show_values=reach[q],
            highlight=reach[q],
            highlight_color=canvas.WINDOW,
            hatch=cut if cropped else None,
            title=panel_titles[q],
            fontsize=fs,
        )
    width = w * (cw + gap) - gap
    grids.draw_grid(
        full,
        ax=ax,
        origin=((width - cw) / 2, h * (ch + title_h + 0.5) + 0.3),
        colors={v: canvas.DONE for v in np.unique(full).tolist()},
        hatch=cut if cropped else None,
        frames=[(p[0], p[1], oh, ow)] if cropped else None,
        title=sum_title,
        fontsize=fs,
    )
    grids.fit_to_width(fig, ax)

    fig.alt_text = _transposed_alt_text(
        values, ks.numpy(), copies, reach, full, output.numpy(), (s, p, d), cut, cropped
    )
    fig.copies, fig.full, fig.output = copies, full, output.numpy()
    return fig


def _rows_text(grid) -> str:
    return "; ".join(", ".join(format_number(v) for v in row) for row in grid)


def _transposed_alt_text(values, weights, copies, reach, full, output, params, cut, cropped):
    (s, p, d) = params
    h, w = values.shape
    kh, kw = weights.shape
    ch, cw = full.shape
    extras = [f"stride {format_pair(s)}"]
    if any(p):
        extras.append(f"padding {format_pair(p)}")
    if any(v > 1 for v in d):
        extras.append(f"dilation {format_pair(d)}")
    parts = [
        f"Transposed convolution by scattering: a {h}×{w} input and the {kh}×{kw} kernel "
        f"{_rows_text(weights)}, {', '.join(extras)}. {h * w + 1} grids of {ch}×{cw}, one per "
        "input cell and then their sum."
    ]
    for q in range(h * w):
        i, j = divmod(q, w)
        rows, cols = np.nonzero(reach[q].any(axis=1))[0], np.nonzero(reach[q].any(axis=0))[0]
        block = copies[q][np.ix_(rows, cols)]
        parts.append(
            f"Input value {format_number(values[i, j])} at row {i}, column {j} adds "
            f"{_rows_text(block)} at rows {_span_text(rows)}, columns {_span_text(cols)}."
        )
    if cropped:
        kept_rows = np.nonzero(~cut.all(axis=1))[0]
        kept_cols = np.nonzero(~cut.all(axis=0))[0]
        parts.append(
            f"The sum holds {_rows_text(full)}; the output is its rows {_span_text(kept_rows)} "
            f"and columns {_span_text(kept_cols)}, the rest is hatched: {_rows_text(output)}."
        )
    else:
        parts.append(f"The last grid, the output, holds {_rows_text(output)}.")
    return " ".join(parts)


def _span_text(cells) -> str:
    cells = [int(v) for v in cells]
    if len(cells) == 1:
        return str(cells[0])
    if cells[-1] - cells[0] == len(cells) - 1:
        return f"{cells[0]} to {cells[-1]}"
    return ", ".join(map(str, cells))

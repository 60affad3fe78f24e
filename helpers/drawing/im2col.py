"""im2col, drawn (:func:`draw_im2col`): the input's windows as the columns of a matrix, the
kernel as a row, their product and the output it reshapes to."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from ..animation.sliding import SlidingPlan
from ..style import PALETTE, format_number, format_pair
from . import canvas, grids

MAX_COLUMNS = 25  # draw_im2col: columns of the im2col matrix (one per window)
WINDOW_COLOURS = ("orange", "sky_blue", "bluish_green", "reddish_purple")  # draw_im2col's windows


def draw_im2col(x, kernel, *, padding=0, stride=1, dilation=1, windows=None):
    """Figure: im2col, a cross-correlation computed as one matrix product.

    ``x`` is ``(H, W)``, ``kernel`` ``(kh, kw)``; ``padding``, ``stride`` and ``dilation`` as in
    :func:`helpers.correlation.corr2d`. Five grids: the (padded) input; the im2col matrix, one
    column per window (``kh*kw`` rows, one column per output cell, from
    ``torch.nn.functional.unfold``); the kernel flattened to a row; the row times the matrix; and
    that product reshaped to the output. ``windows`` lists the windows to colour (numbered
    row-major over the output, like the columns; default: the first, the middle and the last, at
    most 4): each is outlined in the input and shaded, in the same colour, in its column, its
    product entry and its output cell.

    The windows come from :func:`helpers.animation.player_steps`, the output from
    :func:`helpers.correlation.conv2d`; the product equals it. The figure's ``alt_text``
    describes it; ``columns``, ``row`` and ``product`` hold the matrices (NumPy, float64).
    """
    xs = grids.as_2d(x, "x", "for several channels, draw one channel")
    ks = grids.as_2d(kernel, "kernel", "for several channels, draw one channel")
    plan = SlidingPlan.build(xs, ks, padding=padding, stride=stride, dilation=dilation)
    steps = plan.steps()
    kh, kw = plan.kernel_size
    _, oh, ow = plan.out.shape
    count = oh * ow
    if count > MAX_COLUMNS:
        raise ValueError(
            f"the output has {oh}×{ow} = {count} cells, so the im2col matrix would have {count} "
            f"columns; the figure draws at most {MAX_COLUMNS}. Use a smaller input or a larger "
            "stride."
        )
    chosen = _pick_windows(windows, count)
    padded = plan.padded[0].double()
    columns = F.unfold(padded[None, None], (kh, kw), dilation=plan.dilation, stride=plan.stride)
    columns = columns[0].numpy()
    row = ks.reshape(1, -1).numpy()
    product = row @ columns
    output = plan.out[0].double().numpy()
    k_len = kh * kw
    tints = {q: canvas.blend(PALETTE[WINDOW_COLOURS[m]], 0.35) for m, q in enumerate(chosen)}
    edges = {q: PALETTE[WINDOW_COLOURS[m]] for m, q in enumerate(chosen)}

    hp, wp = padded.shape
    pad_cells = [(r, c) for r in range(hp) for c in range(wp) if plan.is_pad(r, c)]
    strings = [[format_number(v) for v in g.ravel()] for g in (padded.numpy(), columns, product)]
    fs = grids.font_size(strings, 1.0)
    label_units = fs / 11 * 0.85  # a title's height above its grid
    gap = max(2.2, grids.text_units("unfold", fs * 0.9) + 0.8)
    x_cols = wp + gap
    y_row = max(hp, k_len) + 0.6 + label_units
    fig, ax = grids.new_figure()
    name = f"input, padded ({hp}×{wp})" if pad_cells else f"input ({hp}×{wp})"
    grids.draw_grid(padded, ax=ax, hatch=pad_cells or None, title=name, fontsize=fs)
    for m, q in enumerate(chosen):  # each window's outline, inset so that overlaps stay visible
        step = steps[q]
        inset = 0.07 * (m + 1)
        if plan.dilation == (1, 1):
            (r0, c0), size = step.origin, (len(step.rows), len(step.cols))
            cells = [(r0, c0, size[0], size[1])]
        else:
            cells = [(r, c, 1, 1) for r in step.rows for c in step.cols]
        for r, c, hh, ww in cells:
            ax.add_patch(
                Rectangle(
                    (c + inset, r + inset),
                    ww - 2 * inset,
                    hh - 2 * inset,
                    fill=False,
                    edgecolor=edges[q],
                    linewidth=2.6,
                    zorder=8,
                )
            )
    grids.draw_grid(
        columns,
        ax=ax,
        origin=(x_cols, 0),
        fills={(r, q): tints[q] for q in chosen for r in range(k_len)},
        title=f"columns: one per window ({k_len}×{count})",
        fontsize=fs,
    )
    grids.arrow(ax, (wp + 0.25, hp / 2), (x_cols - 0.25, hp / 2), "unfold", fs)
    x_row = x_cols - 1.0 - k_len
    grids.draw_grid(
        row,
        ax=ax,
        origin=(x_row, y_row),
        colors={v: canvas.KERNEL for v in np.unique(row).tolist()},
        title="kernel as a row",
        fontsize=fs,
    )
    ax.text(x_cols - 0.5, y_row + 0.5, "@", ha="center", va="center", fontsize=fs * 1.1,
            color=PALETTE["text"])  # fmt: skip
    grids.draw_grid(
        product,
        ax=ax,
        origin=(x_cols, y_row),
        fills={(0, q): tints[q] for q in chosen},
        title=f"row @ columns (1×{count})",
        fontsize=fs,
    )
    x_out = x_cols + (count - ow) / 2
    y_out = y_row + 2.6
    grids.arrow(ax, (x_cols + count / 2, y_row + 1.15), (x_cols + count / 2, y_out - 0.15),
           "reshape", fs, side="right")  # fmt: skip
    grids.draw_grid(
        output,
        ax=ax,
        origin=(x_out, y_out),
        fills={divmod(q, ow): tints[q] for q in chosen},
        fontsize=fs,
    )
    ax.text(x_out - 0.3, y_out + oh / 2, f"output ({oh}×{ow})", ha="right", va="center",
            fontsize=fs, color=PALETTE["text"])  # fmt: skip
    x_lo, y_lo, x_hi, y_hi = grids.box(ax)
    left = x_out - 0.4 - grids.text_units(f"output ({oh}×{ow})", fs)
    grids.extend_view(ax, min(x_lo, left), y_lo, x_hi, y_hi)
    grids.fit_to_width(fig, ax)

    fig.alt_text = _im2col_alt_text(plan, padded.numpy(), columns, row, product, chosen)
    fig.columns, fig.row, fig.product = columns, row, product
    return fig


def _pick_windows(windows, count) -> list[int]:
    if windows is None:
        return sorted({0, count // 2, count - 1})
    if isinstance(windows, (int, np.integer)):
        windows = [windows]
    chosen = list(windows)
    if not all(isinstance(q, (int, np.integer)) and not isinstance(q, bool) for q in chosen):
        raise TypeError(
            f"windows must list window numbers (ints, row-major over the output), got {windows!r}."
        )
    if len(chosen) > len(WINDOW_COLOURS) or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"windows must list at most {len(WINDOW_COLOURS)} different windows (one colour "
            f"each), got {windows!r}."
        )
    for q in chosen:
        if not 0 <= q < count:
            raise ValueError(
                f"windows names window {q}, but there are {count} (0 to {count - 1}, row-major "
                "over the output)."
            )
    return [int(q) for q in chosen]


def _im2col_alt_text(plan, padded, columns, row, product, chosen) -> str:
    c_in, h, w = plan.x.shape
    hp, wp = padded.shape
    kh, kw = plan.kernel_size
    _, oh, ow = plan.out.shape
    names = {"orange": "orange", "sky_blue": "sky blue", "bluish_green": "green"}
    names["reddish_purple"] = "purple"
    colours = [names[WINDOW_COLOURS[m]] for m in range(len(chosen))]
    extras = []
    if any(plan.pad):
        extras.append(f"padded to {hp}×{wp} (padding hatched)")
    if plan.stride != (1, 1):
        extras.append(f"stride {format_pair(plan.stride)}")
    if plan.dilation != (1, 1):
        extras.append(f"dilation {format_pair(plan.dilation)}")
    said = ", ".join(extras)
    windows = "; ".join(
        f"column {q} ({colour}) holds {', '.join(format_number(v) for v in columns[:, q])}"
        for q, colour in zip(chosen, colours, strict=True)
    )
    return (
        f"im2col for a {h}×{w} input and a {kh}×{kw} kernel{', ' + said if said else ''}. "
        f"The input grid, with {len(chosen)} of its windows outlined in "
        f"{', '.join(colours)}; an arrow labelled unfold leads to a {kh * kw}×{oh * ow} matrix "
        f"with one column per window: {windows}. Below, the kernel as a row, "
        f"{', '.join(format_number(v) for v in row.ravel())}, times the matrix gives the row "
        f"{', '.join(format_number(v) for v in product.ravel())}, with the same columns shaded; "
        f"an arrow labelled reshape leads to the {oh}×{ow} output grid."
    )

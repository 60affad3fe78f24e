"""Static figures of cross-correlation, pooling and transposed convolution, drawn from the data.

Each function returns a :class:`matplotlib.figure.Figure` (display it by leaving it last in a cell,
or save it with ``fig.savefig``). Values are printed in every cell, the current window is shaded,
padding cells are hatched with dashed edges, and the step's arithmetic is written under the grids,
e.g. ``0×0 + 1×1 + 3×2 + 4×3 = 19``. Numbers, windows and text come from
:func:`helpers.animation.player_steps`, so a figure shows exactly what the player shows at the same
step. Colours come from :data:`helpers.style.PALETTE`.

- :func:`draw_correlation`: input, kernel and output grids for one step.
- :func:`draw_pooling`: the same for max or average pooling.
- :func:`draw_channels`: several channels as stacked 3-D slabs: ``C_in`` input slabs, one stack of
  ``C_in`` kernel slabs per output channel, and ``C_out`` output slabs.
- :func:`draw_receptive_field`: the grids of a stack of layers, with the cells that one output cell
  depends on shaded in every layer.
- :func:`draw_grid`: the building block: one grid of numbered cells, some shaded, hatched, framed
  or marked as changed, on a new figure or on axes of your own.
- :func:`draw_transposed`: a transposed convolution as a scatter, one small panel per input cell
  (its value times the kernel, where it is added) and their sum; values from
  :mod:`helpers.transposed`.
- :func:`draw_im2col`: im2col: the input's windows as the columns of a matrix, the kernel as a
  row, their product and the output it reshapes to.

Figures are made with pyplot, so both notebook habits show each figure exactly once: leave the call
last in a cell (the returned figure is displayed and removes itself from pyplot, so the inline
backend does not show it a second time), or call ``plt.show()`` after it.
"""

from __future__ import annotations

import base64
import textwrap

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from . import _validate as _v
from .animation import _plan, _steps
from .style import PALETTE, format_number

FIG_WIDTH = 6.6  # inches: wide enough for three grids, scaled to ~50% at phone width
SLAB_OFFSET = 0.55  # depth offset between stacked channel slabs, in cells
CAPTION_PT = 10.5  # the arithmetic under the grids
GRID_CELL = 0.45  # inches per cell of a draw_grid figure (and the guess for axes given to it)


class CourseFigure(Figure):
    """A matplotlib figure that, when a notebook displays it as a cell's result, leaves pyplot.

    Without this, a figure returned as the last expression of a cell would be shown twice: once
    as the result and once more by the inline backend, which shows every open pyplot figure.
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        import matplotlib.pyplot as plt
        from IPython.core.pylabtools import print_figure

        plt.close(self)
        png = print_figure(self, "png", bbox_inches="tight")
        return {"image/png": base64.b64encode(png).decode("ascii")}


def _widest(plan) -> int:
    grids = [plan.padded, plan.out] + ([] if plan.weight is None else [plan.weight])
    return max(len(format_number(v)) for g in grids for v in g.double().flatten().tolist())


def _new_figure(width_units: float, height_units: float, widest: int, text: str):
    """Figure and axes where one cell is one data unit, with ``text`` (the arithmetic) underneath.

    Rows go down. The figure is as wide as its content (at most ``FIG_WIDTH`` inches), so there is
    no empty margin; the caption is wrapped to that width.
    """
    import matplotlib.pyplot as plt

    span_w, span_h = width_units + 0.5, height_units + 0.75
    cell = min(0.55, FIG_WIDTH / span_w)
    fig_w = max(span_w * cell, 3.6)
    chars = int(fig_w * 72 / (0.6 * CAPTION_PT)) - 2
    lines = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, chars, subsequent_indent="    ") or [""])
    text_h = (len(lines) * 1.25 + 1.0) * CAPTION_PT / 72 if lines else 0.1
    fig = plt.figure(figsize=(fig_w, span_h * cell + text_h), FigureClass=CourseFigure)
    fig_h = fig.get_figheight()
    ax = fig.add_axes((0, text_h / fig_h, 1, 1 - text_h / fig_h))
    ax.set_xlim(-0.25, width_units + 0.25)
    ax.set_ylim(height_units, -0.75)
    ax.set_aspect("equal", adjustable="datalim")
    ax.axis("off")
    if lines:
        fig.text(
            0.03,
            0.5 * CAPTION_PT / 72 / fig_h,
            "\n".join(lines),
            ha="left",
            va="bottom",
            fontsize=CAPTION_PT,
            family="DejaVu Sans Mono",
            color=PALETTE["text"],
        )
    # A cell is `cell` inches wide; a digit is about 0.6 em. Fit the widest value, within limits.
    size = min(cell * 72 * 0.42, cell * 72 * 0.78 / (0.6 * widest))
    return fig, ax, float(np.clip(size, 7, 12))


def _ink(face) -> str:
    """Text colour for a cell filled with ``face``: white on dark fills, the text colour else."""
    from matplotlib.colors import to_rgb

    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(face))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b  # WCAG relative luminance
    return PALETTE["background"] if luminance < 0.2 else PALETTE["text"]


def _cell(
    ax, x, y, text, *, face, hatch=False, fontsize=10, weight="normal", z=0, width=1.0, ink=None
):
    ax.add_patch(
        Rectangle(
            (x, y),
            width,
            1,
            facecolor=face,
            edgecolor=PALETTE["grid"],
            linewidth=0.8,
            linestyle="--" if hatch else "-",
            hatch="///" if hatch else None,
            zorder=z + 2,
        )
    )
    if text:
        ax.text(
            x + width / 2,
            y + 0.5,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight=weight,
            fontstyle="italic" if hatch else "normal",
            color=PALETTE["muted"] if hatch else (ink or PALETTE["text"]),
            # on padding, a small plate keeps the value readable over the hatching
            bbox={"boxstyle": "square,pad=0.08", "facecolor": face, "edgecolor": "none"}
            if hatch
            else None,
            zorder=z + 4,
        )


def _grid(
    ax, texts, x0, y0, face, *, hatched=(), bold=(), width=1.0, fontsize=10, z=0, contrast=False
):
    """Cells with top-left corner ``(x0, y0)``: ``texts`` holds rows of strings, ``face(r, c)``
    gives each cell's fill; cells in ``hatched`` are hatched with dashed edges, ``bold`` bold.
    With ``contrast``, text on a dark fill is white."""
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            _cell(
                ax,
                x0 + c * width,
                y0 + r,
                text,
                face=face(r, c),
                hatch=(r, c) in hatched,
                fontsize=fontsize,
                weight="bold" if (r, c) in bold else "normal",
                z=z,
                width=width,
                ink=_ink(face(r, c)) if contrast else None,
            )


def _outline(ax, x, y, w, h, color, lw=2.4, zorder=5):
    """A frame around cells ``(x, y)`` to ``(x + w, y + h)``, above the cells of its slab."""
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=color, linewidth=lw, zorder=zorder))


def _blend(hex_colour: str, alpha: float) -> tuple:
    """``hex_colour`` at ``alpha`` over white, as an opaque RGB tuple (hatches stay visible)."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(1 - alpha * (1 - rgb))


WINDOW = _blend(PALETTE["window"], 0.5)
KERNEL = _blend(PALETTE["kernel"], 0.16)
DONE = _blend(PALETTE["output"], 0.28)
PAD = _blend(PALETTE["padding"], 0.6)


def _input_grid(ax, plan, ch, x0, y0, step, fontsize, *, values=True, z=0):
    top, bottom, left, right = plan.pad
    hp, wp = plan.padded.shape[1:]
    grid = plan.padded[ch].double().numpy()
    window = set()
    if step is not None and ch in step.channels:
        window = {(r, c) for r in step.rows for c in step.cols}
    pad = {
        (r, c)
        for r in range(hp)
        for c in range(wp)
        if r < top or r >= hp - bottom or c < left or c >= wp - right
    }
    texts = [[format_number(v) if values else "" for v in row] for row in grid]

    def face(r, c):
        return WINDOW if (r, c) in window else (PAD if (r, c) in pad else "white")

    _grid(ax, texts, x0, y0, face, hatched=pad, bold=window, fontsize=fontsize, z=z)
    if window:
        edge = PALETTE["window_edge"]
        if plan.dilation == (1, 1):
            r0, c0 = step.origin
            _outline(ax, x0 + c0, y0 + r0, len(step.cols), len(step.rows), edge, zorder=z + 5)
        else:
            for r, c in window:
                _outline(ax, x0 + c, y0 + r, 1, 1, edge, lw=1.8, zorder=z + 5)


def _kernel_grid(ax, weight, x0, y0, fontsize, *, values=True, z=0):
    kh, kw = weight.shape
    texts = [[format_number(v) if values else "" for v in row] for row in weight]
    _grid(ax, texts, x0, y0, lambda r, c: KERNEL, fontsize=fontsize, z=z)
    _outline(ax, x0, y0, kw, kh, PALETTE["kernel"], lw=1.6, zorder=z + 5)


def _output_grid(ax, plan, co, x0, y0, step, fontsize, *, values=True, z=0):
    _, oh, ow = plan.out.shape
    out = plan.out[co].double().numpy()
    current = None if step is None else step.index
    first = co * oh * ow  # step of this channel's cell (0, 0)
    done = {
        (i, j)
        for i in range(oh)
        for j in range(ow)
        if current is None or first + i * ow + j <= current
    }
    now = set() if current is None else {divmod(current - first, ow)} & done
    texts = [
        [format_number(out[i, j]) if ((i, j) in done and values) else "" for j in range(ow)]
        for i in range(oh)
    ]

    def face(i, j):
        return WINDOW if (i, j) in now else (DONE if (i, j) in done else "white")

    _grid(ax, texts, x0, y0, face, bold=now, fontsize=fontsize, z=z)
    for i, j in now:
        _outline(ax, x0 + j, y0 + i, 1, 1, PALETTE["current"], lw=2.6, zorder=z + 5)


def _label(ax, x, y, text, fontsize):
    ax.text(x, y - 0.2, text, ha="center", va="bottom", fontsize=fontsize, color=PALETTE["text"])


def _operator(ax, x, y, symbol, fontsize):
    size = fontsize * (2.6 if symbol == "⋆" else 1.8)
    ax.text(x, y, symbol, ha="center", va="center", fontsize=size, color=PALETTE["muted"])


def _pick_step(steps, step):
    if step is None:
        return None
    if not isinstance(step, (int, np.integer)) or isinstance(step, bool):
        raise TypeError(f"step must be an int (0 to {len(steps) - 1}) or None, got {step!r}.")
    if not -len(steps) <= step < len(steps):
        raise ValueError(
            f"step={step} is out of range: this example has {len(steps)} steps "
            f"(0 to {len(steps) - 1})."
        )
    return steps[step]


def _step_index(plan, step, position):
    """``step``, or the step that computes output ``position`` (``(i, j)`` or ``(c, i, j)``)."""
    if position is None:
        return step
    if step not in (0, None):
        raise TypeError("give either step or position, not both.")
    shape = tuple(plan.out.shape)
    pos = tuple(position) if isinstance(position, (tuple, list)) else None
    if pos is not None and len(pos) == 2:
        pos = (0, *pos)
    if pos is None or len(pos) != 3 or not all(isinstance(v, (int, np.integer)) for v in pos):
        raise TypeError(
            f"position must be (row, column) or (channel, row, column), got {position!r}."
        )
    if not all(0 <= v < n for v, n in zip(pos, shape, strict=True)):
        raise ValueError(
            f"position={tuple(position)} is outside the output, whose shape is {shape} "
            "(channels, rows, columns); indices start at 0."
        )
    c, i, j = pos
    return (c * shape[1] + i) * shape[2] + j


def _single(plan, step_index, alt_op: str | None):
    steps = _steps(plan)
    step = _pick_step(steps, step_index)
    hp, wp = plan.padded.shape[1:]
    kh, kw = plan.kernel_size
    _, oh, ow = plan.out.shape
    mid_w = kw if alt_op is None else max(kw, 2.6)
    gap = 1.4
    width = wp + gap + mid_w + gap + ow + 0.5
    height = max(hp, kh, oh) + 0.5
    text = step.text if step is not None else ""
    fig, ax, fs = _new_figure(width, height, _widest(plan), text)
    ys = {name: (height - 0.5 - size) / 2 for name, size in (("in", hp), ("k", kh), ("out", oh))}
    padded = any(plan.pad)
    _label(ax, wp / 2, ys["in"], "input (padded)" if padded else "input", fs)
    _input_grid(ax, plan, 0 if step is None else step.channels[0], 0, ys["in"], step, fs)
    x_mid = wp + gap
    _operator(ax, wp + gap / 2, (height - 0.5) / 2, "⋆" if alt_op is None else "→", fs)
    if alt_op is None:
        co = 0 if step is None else step.out[0]
        _label(ax, x_mid + kw / 2, ys["k"], "kernel", fs)
        _kernel_grid(ax, plan.weight[co, 0].double().numpy(), x_mid, ys["k"], fs)
    else:
        box_y = (height - 0.5) / 2 - 0.6
        ax.add_patch(
            Rectangle(
                (x_mid, box_y),
                mid_w,
                1.2,
                facecolor=WINDOW,
                edgecolor=PALETTE["window_edge"],
                linewidth=1.6,
            )
        )
        ax.text(x_mid + mid_w / 2, box_y + 0.6, alt_op, ha="center", va="center", fontsize=fs)
    x_out = x_mid + mid_w + gap
    _operator(ax, x_mid + mid_w + gap / 2, (height - 0.5) / 2, "=", fs)
    _label(ax, x_out + ow / 2, ys["out"], "output", fs)
    _output_grid(ax, plan, 0 if step is None else step.out[0], x_out, ys["out"], step, fs)
    return fig, steps


def _alt_text(plan, step) -> str:
    c_in, h, w = plan.x.shape
    c_out, oh, ow = plan.out.shape
    kh, kw = plan.kernel_size
    top, bottom, left, right = plan.pad
    what = {"corr": "kernel", "max": "max-pooling window", "avg": "average-pooling window"}
    head = (
        f"A {h}×{w} input"
        + (f" with {c_in} channels" if c_in > 1 else "")
        + (
            f", padded by {top},{bottom},{left},{right} (top, bottom, left, right)"
            if any(plan.pad)
            else ""
        )
        + f", a {kh}×{kw} {what[plan.mode]} with stride {plan.stride[0]}×{plan.stride[1]}"
        + f" and dilation {plan.dilation[0]}×{plan.dilation[1]}, and a {oh}×{ow} output"
        + (f" with {c_out} channels" if c_out > 1 else "")
        + "."
    )
    if step is None:
        return head
    co, i, j = step.out
    return (
        f"{head} The window covers rows {step.rows[0]} to {step.rows[-1]} and columns "
        f"{step.cols[0]} to {step.cols[-1]} of the padded input and computes output "
        f"({co}, {i}, {j}): {step.text.replace(chr(10), '; ')}."
    )


def draw_correlation(x, kernel, *, padding=0, stride=1, dilation=1, step=0, position=None):
    """Figure: the (padded) input with the window shaded, the kernel, and the output up to ``step``.

    ``x`` is ``(H, W)`` and ``kernel`` ``(kh, kw)``; for several channels use
    :func:`draw_channels`.
    ``padding``, ``stride`` and ``dilation`` as in ``torch.nn.functional.conv2d``. ``step`` is the
    window position, in row-major order over the output (``None``: no window, whole output); or
    give ``position=(i, j)``, the output cell to compute.
    The arithmetic of the step is written under the grids. The figure's ``alt_text`` attribute holds
    a description for screen readers.
    """
    _require_2d(x, "x")
    _require_2d(kernel, "kernel")
    plan = _plan(
        x, kernel, mode="corr", kernel_size=None, padding=padding, stride=stride,
        dilation=dilation, bias=None,
    )  # fmt: skip
    step = _step_index(plan, step, position)
    fig, steps = _single(plan, step, None)
    fig.alt_text = _alt_text(plan, _pick_step(steps, step))
    return fig


def draw_pooling(
    x, kernel_size, *, stride=None, padding=0, dilation=1, mode="max", step=0, position=None
):
    """Figure: max (``mode="max"``) or average (``"avg"``) pooling of ``x`` ``(H, W)`` at ``step``.

    ``stride`` defaults to ``kernel_size`` as in PyTorch. Max pooling pads with ``-inf``, average
    pooling with zeros (counted in the mean), as ``torch.nn.functional`` does. ``step`` and
    ``position`` as in :func:`draw_correlation`.
    """
    _require_2d(x, "x")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}.")
    plan = _plan(
        x, None, mode=mode, kernel_size=kernel_size, padding=padding, stride=stride,
        dilation=dilation, bias=None,
    )  # fmt: skip
    kh, kw = plan.kernel_size
    step = _step_index(plan, step, position)
    fig, steps = _single(plan, step, f"{'max' if mode == 'max' else 'mean'}\nof {kh}×{kw}")
    fig.alt_text = _alt_text(plan, _pick_step(steps, step))
    return fig


def _require_2d(value, name):
    shape = tuple(np.shape(value.detach() if hasattr(value, "detach") else value))
    if len(shape) != 2:
        raise ValueError(
            f"{name} must be 2-D (H, W) here, got shape {shape}; for several channels use "
            "helpers.draw_channels."
        )


def _slab_stack(ax, order, rows, cols, x0, y0, draw, label, fs):
    """Slabs back to front: the k-th of ``order`` is shifted up-right by ``k * SLAB_OFFSET``.

    ``order[0]`` is in front. ``draw(ch, x, y, z, front)`` draws one slab at stacking order ``z``.
    """
    o, count = SLAB_OFFSET, len(order)
    depth = (count - 1) * o
    front_y = y0 + depth
    for k in reversed(range(count)):
        xs, ys = x0 + k * o, front_y - k * o
        z = 10 * (count - k)
        draw(order[k], xs, ys, z, k == 0)
        ax.text(  # right of the whole stack, level with the slab's top: never on a slab
            x0 + cols + depth + 0.08,
            ys + 0.02,
            label(order[k]),
            ha="left",
            va="top",
            fontsize=fs * 0.75,
            color=PALETTE["muted"],
            zorder=z + 6,
        )
    if count > 1:  # the block's top and side faces, so the stack reads as a 3-D slab
        for pts in (
            [(x0, front_y), (x0 + depth, y0), (x0 + cols + depth, y0), (x0 + cols, front_y)],
            [
                (x0 + cols, front_y),
                (x0 + cols + depth, y0),
                (x0 + cols + depth, y0 + rows),
                (x0 + cols, front_y + rows),
            ],
        ):
            ax.add_patch(
                Polygon(pts, closed=True, fill=False, edgecolor=PALETTE["grid"], lw=0.9, zorder=1)
            )
    return depth


def draw_channels(x, kernel, *, padding=0, stride=1, dilation=1, bias=None, step=0, position=None):
    """Figure: a multi-channel cross-correlation drawn as stacked 3-D slabs.

    ``x`` is ``(C_in, H, W)`` (drawn as ``C_in`` stacked slabs, channel 0 in front), ``kernel`` is
    ``(C_out, C_in, kh, kw)`` or ``(C_in, kh, kw)`` (one stack of ``C_in`` kernel slabs per output
    channel; the one in use at ``step`` is framed), and the output is ``C_out`` stacked slabs with
    the channel being computed in front. Front slabs show their values; the window is shaded on
    every input slab. Under the grids, each channel's sum of products and their total (plus
    ``bias``, one value per output channel) are written out. ``step`` counts positions over output
    channel 0, then channel 1, ...; or give ``position=(c, i, j)``, the output cell to compute.
    """
    plan = _plan(
        x, kernel, mode="corr", kernel_size=None, padding=padding, stride=stride,
        dilation=dilation, bias=bias,
    )  # fmt: skip
    steps = _steps(plan)
    st = _pick_step(steps, _step_index(plan, step, position))
    c_in, c_out = plan.x.shape[0], plan.out.shape[0]
    hp, wp = plan.padded.shape[1:]
    kh, kw = plan.kernel_size
    _, oh, ow = plan.out.shape
    o = SLAB_OFFSET
    depth_in = (c_in - 1) * o
    k_block_h = kh + depth_in
    k_gap = 1.1
    row_h = max(k_block_h, oh)  # one row per output channel: its kernel, then its map
    k_col_h = c_out * row_h + (c_out - 1) * k_gap
    gap = 1.6
    width = wp + depth_in + 0.9 + gap + kw + depth_in + 0.9 + gap + ow + 1.4
    height = max(hp + depth_in, k_col_h) + 0.8
    text = st.text if st is not None else ""
    fig, ax, fs = _new_figure(width, height, _widest(plan), text)
    mid = (height - 0.8) / 2 + 0.2
    co_now = 0 if st is None else st.out[0]

    def ch_label(ch):
        return f"ch {ch}"

    # input slabs, channel 0 in front
    y_in = mid - (hp + depth_in) / 2
    _label(ax, (wp + depth_in) / 2, y_in, f"input: {c_in} channel{'s' * (c_in > 1)}", fs)
    _slab_stack(
        ax,
        list(range(c_in)),
        hp,
        wp,
        0,
        y_in,
        lambda ch, xs, ys, z, front: _input_grid(ax, plan, ch, xs, ys, st, fs, values=front, z=z),
        ch_label if c_in > 1 else (lambda ch: ""),
        fs,
    )
    x_k = wp + depth_in + 0.9 + gap
    _operator(ax, x_k - gap / 2, mid, "⋆", fs)

    # kernel stacks, one per output channel, each with C_in slabs
    y_k = mid - k_col_h / 2
    for co in range(c_out):
        yk = y_k + co * (row_h + k_gap) + (row_h - k_block_h) / 2
        weight = plan.weight[co].double().numpy()
        name = f"kernel {co}" if c_out > 1 else "kernel"
        _label(ax, x_k + (kw + depth_in) / 2, yk, name, fs * 0.9)
        _slab_stack(
            ax,
            list(range(c_in)),
            kh,
            kw,
            x_k,
            yk,
            lambda ch, xs, ys, z, front, w=weight: _kernel_grid(
                ax, w[ch], xs, ys, fs, values=front, z=z
            ),
            lambda ch: "",
            fs,
        )
        if c_out > 1 and co == co_now:
            _outline(
                ax,
                x_k - 0.15,
                yk - 0.15,
                kw + depth_in + 0.3,
                k_block_h + 0.3,
                PALETTE["current"],
                lw=1.8,
                zorder=100,
            )

    # output maps: channel co beside kernel co, channel 0 at the top like the kernels, so no
    # map hides another and the one being computed shows its values wherever it is
    x_out = x_k + kw + depth_in + 0.9 + gap
    _operator(ax, x_out - gap / 2, mid, "=", fs)
    label = f"output: {c_out} channel{'s' * (c_out > 1)}"
    for co in range(c_out):
        y_o = y_k + co * (row_h + k_gap) + (row_h - oh) / 2
        if co == 0:
            _label(ax, x_out + ow / 2, y_o, label, fs)
        _output_grid(ax, plan, co, x_out, y_o, st, fs, values=True, z=10)
        if c_out > 1:
            ax.text(
                x_out + ow + 0.1, y_o + oh / 2, f"ch {co}", ha="left", va="center",
                fontsize=fs * 0.75, color=PALETTE["muted"],
            )  # fmt: skip
    fig.alt_text = _alt_text(plan, st)
    return fig


# ------------------------------------------------------------------------------ grids and fields


def _as_grid(values, name) -> np.ndarray:
    """``values`` as a 2-D float array (a 1-D sequence is one row)."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a tensor, an array or nested lists of numbers.") from exc
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.size == 0:
        raise ValueError(
            f"{name} must be a non-empty row (W,) or grid (H, W) of numbers, got shape {a.shape}."
        )
    return a


def _cell_set(spec, shape, name) -> set[tuple[int, int]]:
    """Cells named by ``spec``: ``None``, a boolean mask of ``shape``, or ``(row, col)`` pairs."""
    if spec is None:
        return set()
    if hasattr(spec, "detach"):
        spec = spec.detach().cpu().numpy()
    mask = None if isinstance(spec, (set, frozenset)) else np.asarray(spec)
    if mask is not None and mask.dtype == bool:
        if mask.ndim == 1 and shape[0] == 1:
            mask = mask[None, :]
        if mask.shape != tuple(shape):
            raise ValueError(
                f"{name} is a mask of shape {mask.shape}, but the grid has shape {tuple(shape)}: "
                "give a mask of the same shape, or a list of (row, column) pairs."
            )
        return {(int(r), int(c)) for r, c in zip(*np.nonzero(mask), strict=True)}
    cells = set()
    for item in spec:
        if (
            not isinstance(item, (tuple, list))
            or len(item) != 2
            or not all(isinstance(v, (int, np.integer)) for v in item)
        ):
            raise TypeError(
                f"{name} must be a boolean mask or a list of (row, column) pairs, got {item!r} "
                "in it."
            )
        r, c = int(item[0]), int(item[1])
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            raise ValueError(
                f"{name} names cell ({r}, {c}), outside the {shape[0]}×{shape[1]} grid "
                "(rows and columns start at 0)."
            )
        cells.add((r, c))
    return cells


def _grid_fontsize(texts, width_units: float) -> float:
    """Font size fitting the longest text in a cell ``width_units`` wide (``GRID_CELL`` inches)."""
    widest = max([len(t) for row in texts for t in row] + [1])
    return float(np.clip(min(11.0, GRID_CELL * 72 * width_units * 0.78 / (0.6 * widest)), 7, 12))


def _extend_view(ax, x_lo, y_lo, x_hi, y_hi):
    """Grow the axes' view to hold a box (rows go down); remembers earlier grids on the axes."""
    old = getattr(ax, "_course_grid_box", None)
    if old is not None:
        x_lo, y_lo = min(x_lo, old[0]), min(y_lo, old[1])
        x_hi, y_hi = max(x_hi, old[2]), max(y_hi, old[3])
    ax._course_grid_box = (x_lo, y_lo, x_hi, y_hi)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_hi, y_lo)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_grid(
    values,
    *,
    ax=None,
    highlight=None,
    colors=None,
    changed=None,
    hatch=None,
    frames=None,
    title=None,
    note=None,
    origin=(0, 0),
    cell_width=1.0,
    fontsize=None,
    show_values=True,
    highlight_color=None,
    frame_color=None,
    fills=None,
    row_labels=None,
    col_labels=None,
):
    """One grid of numbered cells: the building block of the course's figures.

    ``values`` is ``(H, W)`` (or ``(W,)``, one row); each value is printed in its cell (as
    :func:`helpers.style.format_number` writes it) unless ``show_values=False``; or
    ``show_values`` chooses the cells whose values are printed, leaving the others blank (e.g. the
    zeros of a sparse matrix). Cells can be chosen with a boolean mask of the grid's shape or a
    list of ``(row, col)`` pairs:

    - ``highlight``: shaded in ``highlight_color`` (default: the receptive-field blue), bold text;
    - ``changed``: marked with a thick black frame inside the cell (e.g. "differs from before");
    - ``hatch``: hatched with dashed edges, like padding (e.g. cells that are dropped).

    ``colors`` maps values to fills, e.g. ``helpers.style.value_colors(values, vmax=1)`` (signed
    values: positive blue, negative orange) or ``{0: PALETTE["black"]}`` (other values stay
    white); ``fills`` maps cells ``(row, col)`` to fills, over ``colors`` (e.g. one colour per
    column); values on dark fills are written in white. ``frames`` lists windows
    ``(row, col, height, width)``, in cells, framed by dashed rectangles (``frame_color``, default
    blue). ``title`` is written centred above the grid, ``note`` to its right; ``row_labels`` and
    ``col_labels`` (one per row / column, e.g. ``range(H)``) left of the rows and under the
    columns, in grey. Cells are
    ``cell_width`` wide and one tall; the grid's top-left corner sits at ``origin`` (x, y) in data
    units, rows going down, so several grids can share one axes.

    Without ``ax``, draws on a new figure sized to the grid and returns the figure; with ``ax``,
    draws there (setting equal aspect, hiding the axis and growing the view to hold every grid
    drawn on it) and returns ``ax``.
    """
    grid = _as_grid(values, "values")
    _v.drawable(grid.shape, "values")
    rows, cols = grid.shape
    width = float(cell_width)
    if not width > 0:
        raise ValueError(f"cell_width must be positive, got {cell_width!r}.")
    lit = _cell_set(highlight, grid.shape, "highlight")
    marked = _cell_set(changed, grid.shape, "changed")
    hatched = _cell_set(hatch, grid.shape, "hatch")
    if colors is not None and not isinstance(colors, dict):
        raise TypeError(
            f"colors must map values to colours, e.g. {{1: PALETTE['sky_blue']}}, got {colors!r}."
        )
    by_value = {float(k): v for k, v in (colors or {}).items()}
    if fills is not None and not isinstance(fills, dict):
        raise TypeError(
            f"fills must map cells (row, column) to colours, e.g. {{(0, 1): PALETTE['orange']}}, "
            f"got {fills!r}."
        )
    _cell_set(list(fills or {}), grid.shape, "fills")  # every key names a cell of the grid
    by_cell = {(int(r), int(c)): v for (r, c), v in (fills or {}).items()}
    lit_face = PALETTE["receptive_field"] if highlight_color is None else highlight_color
    if isinstance(show_values, (bool, np.bool_)):
        shown = {(r, c) for r in range(rows) for c in range(cols)} if show_values else set()
    else:
        shown = _cell_set(show_values, grid.shape, "show_values")
    texts = [
        [format_number(v) if (r, c) in shown else "" for c, v in enumerate(row)]
        for r, row in enumerate(grid)
    ]
    fs = _grid_fontsize(texts, width) if fontsize is None else float(fontsize)
    x0, y0 = (float(v) for v in origin)
    row_texts = _labels(row_labels, rows, "row_labels", "row")
    col_texts = _labels(col_labels, cols, "col_labels", "column")
    note_w = 0.0
    if note:
        longest = max(len(line) for line in str(note).splitlines())
        note_w = 0.25 + longest * 0.6 * fs * 0.9 / 72 / GRID_CELL
    title_h = 0.35 + 0.5 * len(str(title).splitlines()) * fs / 11 if title else 0.0
    label_fs = fs * 0.8
    rows_w = 0.0
    if row_texts:
        rows_w = 0.2 + max(len(t) for t in row_texts) * 0.6 * label_fs / 72 / GRID_CELL
    cols_h = 0.2 + 1.2 * label_fs / 72 / GRID_CELL if col_texts else 0.0
    title_w = _text_units(title, fs) if title else 0.0  # a title wider than the grid sticks out
    middle = x0 + cols * width / 2
    box = (
        min(x0 - 0.1 - rows_w, middle - title_w / 2),
        y0 - 0.1 - title_h,
        max(x0 + cols * width + note_w + 0.1, middle + title_w / 2),
        y0 + rows + 0.1 + cols_h,
    )

    created = ax is None
    if created:
        import matplotlib.pyplot as plt

        w_in, h_in = (box[2] - box[0]) * GRID_CELL, (box[3] - box[1]) * GRID_CELL
        fig = plt.figure(figsize=(w_in, h_in), FigureClass=CourseFigure)
        ax = fig.add_axes((0, 0, 1, 1))

    def face(r, c):
        if (r, c) in lit:
            return lit_face
        if (r, c) in by_cell:
            return by_cell[(r, c)]
        return by_value.get(float(grid[r, c]), PAD if (r, c) in hatched else "white")

    _grid(
        ax, texts, x0, y0, face, hatched=hatched, bold=lit, width=width, fontsize=fs, contrast=True
    )
    for r, c in sorted(marked):
        ax.add_patch(
            Rectangle(
                (x0 + c * width + 0.08, y0 + r + 0.08),
                width - 0.16,
                0.84,
                fill=False,
                edgecolor=PALETTE["black"],
                linewidth=2.5,
                zorder=6,
            )
        )
    edge = PALETTE["blue"] if frame_color is None else frame_color
    for frame in frames or []:
        if len(frame) != 4:
            raise ValueError(f"each frame is (row, col, height, width) in cells, got {frame!r}.")
        r, c, h, w = frame
        ax.add_patch(
            Rectangle(
                (x0 + c * width, y0 + r),
                w * width,
                h,
                fill=False,
                edgecolor=edge,
                linewidth=2,
                linestyle="--",
                zorder=7,
            )
        )
    if title:
        _label(ax, x0 + cols * width / 2, y0, str(title), fs)
    if note:
        ax.text(
            x0 + cols * width + 0.25,
            y0 + rows / 2,
            str(note),
            ha="left",
            va="center",
            fontsize=fs * 0.9,
            color=PALETTE["muted"],
        )
    muted = {"fontsize": label_fs, "color": PALETTE["muted"]}
    for r, text in enumerate(row_texts or []):
        ax.text(x0 - 0.15, y0 + r + 0.5, text, ha="right", va="center", **muted)
    for c, text in enumerate(col_texts or []):
        ax.text(x0 + (c + 0.5) * width, y0 + rows + 0.15, text, ha="center", va="top", **muted)
    _extend_view(ax, *box)
    return ax.figure if created else ax


def _labels(labels, count, name, what) -> list[str] | None:
    """``labels`` (one per row or column) as strings; numbers written as in the cells."""
    if labels is None:
        return None
    if isinstance(labels, str) or not hasattr(labels, "__iter__"):
        raise TypeError(f"{name} must be a sequence with one label per {what}, got {labels!r}.")
    texts = [t if isinstance(t, str) else format_number(t) for t in labels]
    if len(texts) != count:
        raise ValueError(
            f"{name} has {len(texts)} labels, but the grid has {count} {what}s: give one "
            f"per {what}."
        )
    return texts


def _layer_geometry(layers, kernel_sizes, strides, paddings, dilations):
    """Per layer: its grid (or ``None``) and ``(H, W)``; per connection: ``k, s, d, sides``.

    Sizes not given are computed with :func:`helpers.shapes.conv_output_shape`; sizes given are
    checked against it.
    """
    from . import _validate as _v
    from .shapes import conv_output_shape

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
            grid = _as_grid(layer, f"layers[{i}]")
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
    fig, ax, fs = _new_figure(width, height, max([len(t) for t in strings] + [1]), "")
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
            return PAD if (r, c) in pad else "white"

        _grid(ax, texts, x, y, face, hatched=pad, fontsize=fs)
        rows = [r for r, _ in shown]
        cols = [c for _, c in shown]
        box_h, box_w = max(rows) - min(rows) + 1, max(cols) - min(cols) + 1
        if len(shown) == box_h * box_w:  # a solid block: one frame around it
            edge, lw = (PALETTE["current"], 2.6) if idx == n - 1 else (PALETTE["blue"], 2.0)
            _outline(ax, x + min(cols), y + min(rows), box_w, box_h, edge, lw=lw, zorder=6)
        else:
            for r, c in shown:
                _outline(ax, x + c, y + r, 1, 1, PALETTE["blue"], lw=1.6, zorder=6)
        _label(ax, x + wp / 2, y, titles[idx], fs)
        if idx < n - 1:
            (kh, kw), (sh, sw), (dh, dw), _ = convs[idx]
            note = f"{kh}×{kw}"
            note += f"\nstride {sh}" if sh == sw > 1 else ""
            note += f"\nstride {sh}×{sw}" if sh != sw else ""
            note += f"\ndilation {dh}" if dh == dw > 1 else ""
            note += f"\ndilation {dh}×{dw}" if dh != dw else ""
            mid = (height - 0.5) / 2
            _operator(ax, x + wp + gap / 2, mid, "→", fs)
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


# ----------------------------------------------------------------- figures made of draw_grid grids

MAX_PANELS = 16  # draw_transposed: one panel per input cell; more are too small to read
MAX_COLUMNS = 25  # draw_im2col: columns of the im2col matrix (one per window)
WINDOW_COLOURS = ("orange", "sky_blue", "bluish_green", "reddish_purple")  # draw_im2col's windows


def _grid_figure():
    """A new figure with one axes filling it, for grids drawn with :func:`draw_grid` (``ax=``)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(FigureClass=CourseFigure)
    return fig, fig.add_axes((0, 0, 1, 1))


def _text_units(text: str, fontsize: float) -> float:
    """Roughly how many cells wide ``text`` is at ``fontsize`` (a digit is about 0.6 em)."""
    longest = max(len(line) for line in str(text).splitlines())
    return longest * 0.6 * fontsize / 72 / GRID_CELL


def _fit_to_width(fig, ax, max_width: float = FIG_WIDTH):
    """Size ``fig`` to the grids on ``ax``, at most ``max_width`` inches wide.

    Text is laid out for cells ``GRID_CELL`` inches wide (:func:`draw_grid`'s default); when the
    figure must be narrower, every text shrinks with the cells.
    """
    x_lo, y_lo, x_hi, y_hi = ax._course_grid_box
    cell = min(GRID_CELL, max_width / (x_hi - x_lo))
    fig.set_size_inches((x_hi - x_lo) * cell, (y_hi - y_lo) * cell)
    for text in ax.texts:
        text.set_fontsize(text.get_fontsize() * cell / GRID_CELL)
    return fig


def _arrow(ax, start, end, text, fontsize, *, side="above"):
    """A grey arrow from ``start`` to ``end`` (data units), labelled above it or to its right."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": PALETTE["muted"], "lw": 1.2},
    )
    (x1, y1), (x2, y2) = start, end
    if side == "above":
        where, align = ((x1 + x2) / 2, min(y1, y2) - 0.12), {"ha": "center", "va": "bottom"}
    else:
        where, align = (max(x1, x2) + 0.2, (y1 + y2) / 2), {"ha": "left", "va": "center"}
    ax.text(*where, text, fontsize=fontsize * 0.9, color=PALETTE["muted"], **align)


def _grid_2d(value, name, hint) -> torch.Tensor:
    """``value`` (tensor, array or nested lists) as a float64 ``(H, W)`` tensor."""
    shape = tuple(np.shape(value.detach() if hasattr(value, "detach") else value))
    if len(shape) != 2:
        raise ValueError(f"{name} must be 2-D (H, W) here, got shape {shape}; {hint}.")
    return torch.as_tensor(_as_grid(value, name))


def _factor_text(value: float) -> str:
    text = format_number(value)
    return f"({text})" if value < 0 else text


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
    from . import _validate as _v
    from .transposed import conv_transpose2d, conv_transpose2d_scatter

    one_channel = "the figure shows one channel"
    xs = _grid_2d(x, "x", one_channel)
    ks = _grid_2d(kernel, "kernel", one_channel)
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
        f"input ({i}, {j}) = {format_number(v)}\n{_factor_text(v)} × kernel"
        for (i, j), v in np.ndenumerate(values)
    ]
    copy_word = "copy" if n == 1 else f"{n} copies"
    if cropped:
        sum_title = f"sum of the {copy_word} ({ch}×{cw})\noutput {oh}×{ow}: not hatched"
    else:
        sum_title = f"output {oh}×{ow}: the sum of the {copy_word}"
    strings = [[format_number(v) for v in row] for row in full.tolist()]
    strings += [[format_number(v) for v in copy.ravel()] for copy in copies]
    fs = _grid_fontsize(strings, 1.0)
    title_h = 0.35 + 0.5 * 2 * fs / 11
    gap = max(1.0, max(_text_units(t, fs) for t in panel_titles) - cw + 0.6)
    fig, ax = _grid_figure()
    for q in range(n):
        i, j = divmod(q, w)
        draw_grid(
            copies[q],
            ax=ax,
            origin=(j * (cw + gap), i * (ch + title_h + 0.5)),
            show_values=reach[q],
            highlight=reach[q],
            highlight_color=WINDOW,
            hatch=cut if cropped else None,
            title=panel_titles[q],
            fontsize=fs,
        )
    width = w * (cw + gap) - gap
    draw_grid(
        full,
        ax=ax,
        origin=((width - cw) / 2, h * (ch + title_h + 0.5) + 0.3),
        colors={v: DONE for v in np.unique(full).tolist()},
        hatch=cut if cropped else None,
        frames=[(p[0], p[1], oh, ow)] if cropped else None,
        title=sum_title,
        fontsize=fs,
    )
    _fit_to_width(fig, ax)

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
    extras = [f"stride {_same_or_pair(s)}"]
    if any(p):
        extras.append(f"padding {_same_or_pair(p)}")
    if any(v > 1 for v in d):
        extras.append(f"dilation {_same_or_pair(d)}")
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


def _same_or_pair(pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _span_text(cells) -> str:
    cells = [int(v) for v in cells]
    if len(cells) == 1:
        return str(cells[0])
    if cells[-1] - cells[0] == len(cells) - 1:
        return f"{cells[0]} to {cells[-1]}"
    return ", ".join(map(str, cells))


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
    xs = _grid_2d(x, "x", "for several channels, draw one channel")
    ks = _grid_2d(kernel, "kernel", "for several channels, draw one channel")
    plan = _plan(
        xs, ks, mode="corr", kernel_size=None, padding=padding, stride=stride,
        dilation=dilation, bias=None,
    )  # fmt: skip
    steps = _steps(plan)
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
    tints = {q: _blend(PALETTE[WINDOW_COLOURS[m]], 0.35) for m, q in enumerate(chosen)}
    edges = {q: PALETTE[WINDOW_COLOURS[m]] for m, q in enumerate(chosen)}

    top, bottom, left, right = plan.pad
    hp, wp = padded.shape
    pad_cells = [
        (r, c)
        for r in range(hp)
        for c in range(wp)
        if r < top or r >= hp - bottom or c < left or c >= wp - right
    ]
    strings = [[format_number(v) for v in g.ravel()] for g in (padded.numpy(), columns, product)]
    fs = _grid_fontsize(strings, 1.0)
    label_units = fs / 11 * 0.85  # a title's height above its grid
    gap = max(2.2, _text_units("unfold", fs * 0.9) + 0.8)
    x_cols = wp + gap
    y_row = max(hp, k_len) + 0.6 + label_units
    fig, ax = _grid_figure()
    name = f"input, padded ({hp}×{wp})" if pad_cells else f"input ({hp}×{wp})"
    draw_grid(padded, ax=ax, hatch=pad_cells or None, title=name, fontsize=fs)
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
    draw_grid(
        columns,
        ax=ax,
        origin=(x_cols, 0),
        fills={(r, q): tints[q] for q in chosen for r in range(k_len)},
        title=f"columns: one per window ({k_len}×{count})",
        fontsize=fs,
    )
    _arrow(ax, (wp + 0.25, hp / 2), (x_cols - 0.25, hp / 2), "unfold", fs)
    x_row = x_cols - 1.0 - k_len
    draw_grid(
        row,
        ax=ax,
        origin=(x_row, y_row),
        colors={v: KERNEL for v in np.unique(row).tolist()},
        title="kernel as a row",
        fontsize=fs,
    )
    ax.text(x_cols - 0.5, y_row + 0.5, "@", ha="center", va="center", fontsize=fs * 1.1,
            color=PALETTE["text"])  # fmt: skip
    draw_grid(
        product,
        ax=ax,
        origin=(x_cols, y_row),
        fills={(0, q): tints[q] for q in chosen},
        title=f"row @ columns (1×{count})",
        fontsize=fs,
    )
    x_out = x_cols + (count - ow) / 2
    y_out = y_row + 2.6
    _arrow(ax, (x_cols + count / 2, y_row + 1.15), (x_cols + count / 2, y_out - 0.15),
           "reshape", fs, side="right")  # fmt: skip
    draw_grid(
        output,
        ax=ax,
        origin=(x_out, y_out),
        fills={divmod(q, ow): tints[q] for q in chosen},
        fontsize=fs,
    )
    ax.text(x_out - 0.3, y_out + oh / 2, f"output ({oh}×{ow})", ha="right", va="center",
            fontsize=fs, color=PALETTE["text"])  # fmt: skip
    x_lo, y_lo, x_hi, y_hi = ax._course_grid_box
    _extend_view(ax, min(x_lo, x_out - 0.4 - _text_units(f"output ({oh}×{ow})", fs)), y_lo,
                 x_hi, y_hi)  # fmt: skip
    _fit_to_width(fig, ax)

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
        extras.append(f"stride {_same_or_pair(plan.stride)}")
    if plan.dilation != (1, 1):
        extras.append(f"dilation {_same_or_pair(plan.dilation)}")
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

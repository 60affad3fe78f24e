"""Static figures of cross-correlation and pooling, drawn with matplotlib from the data itself.

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

Figures are made with pyplot, so both notebook habits show each figure exactly once: leave the call
last in a cell (the returned figure is displayed and removes itself from pyplot, so the inline
backend does not show it a second time), or call ``plt.show()`` after it.
"""

from __future__ import annotations

import base64
import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from .animation import _plan, _steps
from .style import PALETTE, format_number

FIG_WIDTH = 6.6  # inches: wide enough for three grids, scaled to ~50% at phone width
SLAB_OFFSET = 0.55
CAPTION_PT = (
    10.5  # the arithmetic under the grids  # depth offset between stacked channel slabs, in cells
)


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


def _new_figure(width_units: float, height_units: float, plan, text: str):
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
    size = min(cell * 72 * 0.42, cell * 72 * 0.78 / (0.6 * _widest(plan)))
    return fig, ax, float(np.clip(size, 7, 12))


def _cell(ax, x, y, text, *, face, hatch=False, fontsize=10, weight="normal", z=0):
    ax.add_patch(
        Rectangle(
            (x, y),
            1,
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
            x + 0.5,
            y + 0.5,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight=weight,
            fontstyle="italic" if hatch else "normal",
            color=PALETTE["muted"] if hatch else PALETTE["text"],
            # on padding, a small plate keeps the value readable over the hatching
            bbox={"boxstyle": "square,pad=0.08", "facecolor": face, "edgecolor": "none"}
            if hatch
            else None,
            zorder=z + 4,
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
    for r in range(hp):
        for c in range(wp):
            is_pad = r < top or r >= hp - bottom or c < left or c >= wp - right
            in_win = (r, c) in window
            face = WINDOW if in_win else (PAD if is_pad else "white")
            _cell(
                ax,
                x0 + c,
                y0 + r,
                format_number(grid[r, c]) if values else "",
                face=face,
                hatch=is_pad,
                fontsize=fontsize,
                weight="bold" if in_win else "normal",
                z=z,
            )
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
    for r in range(kh):
        for c in range(kw):
            text = format_number(weight[r, c]) if values else ""
            _cell(ax, x0 + c, y0 + r, text, face=KERNEL, fontsize=fontsize, z=z)
    _outline(ax, x0, y0, kw, kh, PALETTE["kernel"], lw=1.6, zorder=z + 5)


def _output_grid(ax, plan, co, x0, y0, step, fontsize, *, values=True, z=0):
    _, oh, ow = plan.out.shape
    out = plan.out[co].double().numpy()
    current = None if step is None else step.index
    for i in range(oh):
        for j in range(ow):
            k = (co * oh + i) * ow + j
            done = current is None or k <= current
            _cell(
                ax,
                x0 + j,
                y0 + i,
                format_number(out[i, j]) if (done and values) else "",
                face=(WINDOW if k == current else DONE) if done else "white",
                fontsize=fontsize,
                weight="bold" if k == current else "normal",
                z=z,
            )
            if k == current:
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
    fig, ax, fs = _new_figure(width, height, plan, text)
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
        ax.text(
            xs + cols + 0.06,
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
    depth_in, depth_out = (c_in - 1) * o, (c_out - 1) * o
    k_block_h = kh + depth_in
    k_gap = 1.1
    k_col_h = c_out * k_block_h + (c_out - 1) * k_gap
    gap = 1.6
    width = wp + depth_in + 0.9 + gap + kw + depth_in + 0.9 + gap + ow + depth_out + 1.2
    height = max(hp + depth_in, k_col_h, oh + depth_out) + 0.8
    text = st.text if st is not None else ""
    fig, ax, fs = _new_figure(width, height, plan, text)
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
        yk = y_k + co * (k_block_h + k_gap)
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

    # output slabs, the channel being computed in front
    x_out = x_k + kw + depth_in + 0.9 + gap
    _operator(ax, x_out - gap / 2, mid, "=", fs)
    y_out = mid - (oh + depth_out) / 2
    label = f"output: {c_out} channel{'s' * (c_out > 1)}"
    _label(ax, x_out + (ow + depth_out) / 2, y_out, label, fs)
    order = [co_now] + [c for c in range(c_out) if c != co_now]
    _slab_stack(
        ax,
        order,
        oh,
        ow,
        x_out,
        y_out,
        lambda ch, xs, ys, z, front: _output_grid(ax, plan, ch, xs, ys, st, fs, values=front, z=z),
        ch_label if c_out > 1 else (lambda ch: ""),
        fs,
    )
    fig.alt_text = _alt_text(plan, st)
    return fig

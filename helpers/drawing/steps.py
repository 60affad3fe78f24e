"""One step of the sliding window, drawn: input, kernel (or pooling window) and output.

- :func:`draw_correlation`: input, kernel and output grids for one step.
- :func:`draw_pooling`: the same for max or average pooling.
- :func:`draw_channels`: several channels as stacked 3-D slabs: ``C_in`` input slabs, one stack of
  ``C_in`` kernel slabs per output channel, and ``C_out`` output slabs.

Numbers, windows and the arithmetic under the grids come from the player's steps
(:func:`helpers.animation.player_steps`), so a figure shows exactly what the player shows at the
same step.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Polygon, Rectangle

from ..animation.sliding import SlidingPlan
from ..style import PALETTE, format_number
from . import canvas

SLAB_OFFSET = 0.55  # depth offset between stacked channel slabs, in cells


def _widest(plan) -> int:
    grids = [plan.padded, plan.out] + ([] if plan.weight is None else [plan.weight])
    return max(len(format_number(v)) for g in grids for v in g.double().flatten().tolist())


def _input_grid(ax, plan, ch, x0, y0, step, fontsize, *, values=True, z=0):
    hp, wp = plan.padded.shape[1:]
    grid = plan.padded[ch].double().numpy()
    window = set()
    if step is not None and ch in step.channels:
        window = {(r, c) for r in step.rows for c in step.cols}
    pad = {(r, c) for r in range(hp) for c in range(wp) if plan.is_pad(r, c)}
    texts = [[format_number(v) if values else "" for v in row] for row in grid]

    def face(r, c):
        return canvas.WINDOW if (r, c) in window else (canvas.PAD if (r, c) in pad else "white")

    canvas.cells(ax, texts, x0, y0, face, hatched=pad, bold=window, fontsize=fontsize, z=z)
    if window:
        edge = PALETTE["window_edge"]
        if plan.dilation == (1, 1):
            r0, c0 = step.origin
            canvas.outline(ax, x0 + c0, y0 + r0, len(step.cols), len(step.rows), edge, zorder=z + 5)
        else:
            for r, c in window:
                canvas.outline(ax, x0 + c, y0 + r, 1, 1, edge, lw=1.8, zorder=z + 5)


def _kernel_grid(ax, weight, x0, y0, fontsize, *, values=True, z=0):
    kh, kw = weight.shape
    texts = [[format_number(v) if values else "" for v in row] for row in weight]
    canvas.cells(ax, texts, x0, y0, lambda r, c: canvas.KERNEL, fontsize=fontsize, z=z)
    canvas.outline(ax, x0, y0, kw, kh, PALETTE["kernel"], lw=1.6, zorder=z + 5)


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
        return canvas.WINDOW if (i, j) in now else (canvas.DONE if (i, j) in done else "white")

    canvas.cells(ax, texts, x0, y0, face, bold=now, fontsize=fontsize, z=z)
    for i, j in now:
        canvas.outline(ax, x0 + j, y0 + i, 1, 1, PALETTE["current"], lw=2.6, zorder=z + 5)


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
    steps = plan.steps()
    step = _pick_step(steps, step_index)
    hp, wp = plan.padded.shape[1:]
    kh, kw = plan.kernel_size
    _, oh, ow = plan.out.shape
    mid_w = kw if alt_op is None else max(kw, 2.6)
    gap = 1.4
    width = wp + gap + mid_w + gap + ow + 0.5
    height = max(hp, kh, oh) + 0.5
    text = step.text if step is not None else ""
    fig, ax, fs = canvas.new_figure(width, height, _widest(plan), text)
    ys = {name: (height - 0.5 - size) / 2 for name, size in (("in", hp), ("k", kh), ("out", oh))}
    padded = any(plan.pad)
    canvas.label(ax, wp / 2, ys["in"], "input (padded)" if padded else "input", fs)
    _input_grid(ax, plan, 0 if step is None else step.channels[0], 0, ys["in"], step, fs)
    x_mid = wp + gap
    canvas.operator(ax, wp + gap / 2, (height - 0.5) / 2, "⋆" if alt_op is None else "→", fs)
    if alt_op is None:
        co = 0 if step is None else step.out[0]
        canvas.label(ax, x_mid + kw / 2, ys["k"], "kernel", fs)
        _kernel_grid(ax, plan.weight[co, 0].double().numpy(), x_mid, ys["k"], fs)
    else:
        box_y = (height - 0.5) / 2 - 0.6
        ax.add_patch(
            Rectangle(
                (x_mid, box_y),
                mid_w,
                1.2,
                facecolor=canvas.WINDOW,
                edgecolor=PALETTE["window_edge"],
                linewidth=1.6,
            )
        )
        ax.text(x_mid + mid_w / 2, box_y + 0.6, alt_op, ha="center", va="center", fontsize=fs)
    x_out = x_mid + mid_w + gap
    canvas.operator(ax, x_mid + mid_w + gap / 2, (height - 0.5) / 2, "=", fs)
    canvas.label(ax, x_out + ow / 2, ys["out"], "output", fs)
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
    plan = SlidingPlan.build(x, kernel, padding=padding, stride=stride, dilation=dilation)
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
    plan = SlidingPlan.build(
        x, mode=mode, kernel_size=kernel_size, padding=padding, stride=stride, dilation=dilation
    )
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
    plan = SlidingPlan.build(
        x, kernel, padding=padding, stride=stride, dilation=dilation, bias=bias
    )
    steps = plan.steps()
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
    fig, ax, fs = canvas.new_figure(width, height, _widest(plan), text)
    mid = (height - 0.8) / 2 + 0.2
    co_now = 0 if st is None else st.out[0]

    def ch_label(ch):
        return f"ch {ch}"

    # input slabs, channel 0 in front
    y_in = mid - (hp + depth_in) / 2
    canvas.label(ax, (wp + depth_in) / 2, y_in, f"input: {c_in} channel{'s' * (c_in > 1)}", fs)
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
    canvas.operator(ax, x_k - gap / 2, mid, "⋆", fs)

    # kernel stacks, one per output channel, each with C_in slabs
    y_k = mid - k_col_h / 2
    for co in range(c_out):
        yk = y_k + co * (row_h + k_gap) + (row_h - k_block_h) / 2
        weight = plan.weight[co].double().numpy()
        name = f"kernel {co}" if c_out > 1 else "kernel"
        canvas.label(ax, x_k + (kw + depth_in) / 2, yk, name, fs * 0.9)
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
            canvas.outline(
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
    canvas.operator(ax, x_out - gap / 2, mid, "=", fs)
    label = f"output: {c_out} channel{'s' * (c_out > 1)}"
    for co in range(c_out):
        y_o = y_k + co * (row_h + k_gap) + (row_h - oh) / 2
        if co == 0:
            canvas.label(ax, x_out + ow / 2, y_o, label, fs)
        _output_grid(ax, plan, co, x_out, y_o, st, fs, values=True, z=10)
        if c_out > 1:
            ax.text(
                x_out + ow + 0.1, y_o + oh / 2, f"ch {co}", ha="left", va="center",
                fontsize=fs * 0.75, color=PALETTE["muted"],
            )  # fmt: skip
    fig.alt_text = _alt_text(plan, st)
    return fig

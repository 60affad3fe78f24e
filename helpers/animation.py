"""The kernel-sliding player: a self-contained HTML/JS animation that plays in the static book.

``animate(x, kernel)`` returns a :class:`Player`; a notebook (and the built book) shows it as HTML
with play/pause, step back/forward, a scrubber and a speed menu. At each step the window moves over
the (padded) input, the output cell fills with its value, and the arithmetic of the step is written
out. Hovering or focusing an output cell highlights its receptive field. The player needs no kernel
and no network: its data (a few KB of JSON) is inlined, with a static figure of the final state (for
print and for pages without JavaScript) and the page runtime (:mod:`helpers.web.runtime`:
``player.js`` with ``common.js``, ``player.css``). In the book the runtime loads once per page as
a static file and the inline copies are removed (``scripts/course_pages.py``); in a notebook every
player carries it, so each output works alone. The player is one tab stop (the cell of the current
step).

Every value comes from the course's operations (:func:`helpers.correlation.conv2d`,
:func:`helpers.pooling.pool2d`, :func:`helpers.correlation.pad2d`), so the player, the text and the
figures agree. :func:`player_steps` returns the same steps as Python objects, for tests and figures.

Shapes: ``x`` is ``(H, W)`` or ``(C_in, H, W)``; ``kernel`` is ``(kh, kw)`` (one channel),
``(C_in, kh, kw)`` (several input channels, one output channel) or ``(C_out, C_in, kh, kw)``.
Padding follows PyTorch: ``padding=p`` adds ``p`` on each side; ``(p_h, p_w)`` per axis;
``((top, bottom), (left, right))`` per side.

``mode="transposed"`` plays a transposed convolution in its scatter form instead (one channel):
one step per *input* cell, whose value times the kernel is added into a window of the output;
values from :func:`helpers.transposed.conv_transpose2d`, steps as :class:`ScatterStep`.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from . import _validate as _v
from .style import MINUS, format_number, json_number
from .web.runtime import inline_runtime, without_runtime

MODES = {"corr": "Cross-correlation", "max": "Max pooling", "avg": "Average pooling"}
SCATTER_MODES = {"transposed": "Transposed convolution"}  # one input cell per step
MAX_STEPS = 512  # a player is for small teaching examples; more steps than this is unreadable
MAX_SIDE = 24  # largest padded input side the player draws
MAX_UPDATES = 2048  # transposed player: input cells × kernel cells (each a value the page stores)

_ids = itertools.count()


@dataclass(frozen=True)
class Step:
    """One position of the window.

    ``out`` is the output index ``(c, i, j)``. ``rows`` and ``cols`` are the window's rows and
    columns in the *padded* input (spaced by the dilation); ``channels`` the input channels it reads
    (all of them for cross-correlation, channel ``c`` for pooling). ``inputs[k]`` holds the input
    values under the window in channel ``channels[k]`` (``-inf`` on max pooling's padding),
    ``weights[k]`` the kernel values they are multiplied with (``None`` for pooling),
    ``partials[k]`` the sum of that channel's products (cross-correlation only), ``value`` the
    output value, ``text`` the arithmetic written out.
    """

    index: int
    out: tuple[int, int, int]
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    channels: tuple[int, ...]
    inputs: tuple
    weights: tuple | None
    partials: tuple[float, ...] | None
    value: float
    text: str

    @property
    def origin(self) -> tuple[int, int]:
        """Top-left corner of the window in the padded input."""
        return self.rows[0], self.cols[0]


@dataclass(frozen=True)
class _Plan:
    """Everything the steps and the player are made from (tensors are float, channels first)."""

    mode: str
    x: torch.Tensor  # (C_in, H, W)
    padded: torch.Tensor  # (C_in, Hp, Wp)
    pad: tuple[int, int, int, int]  # top, bottom, left, right
    weight: torch.Tensor | None  # (C_out, C_in, kh, kw), corr only
    bias: torch.Tensor | None  # (C_out,)
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    out: torch.Tensor  # (C_out, H', W')
    partials: torch.Tensor | None  # (C_out, C_in, H', W') each channel's sum, corr only


def _pair(value, name: str) -> tuple[int, int]:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        return int(value[0]), int(value[1])
    raise TypeError(f"{name} must be an int or a pair of ints like (2, 1), got {value!r}.")


def _as_float_tensor(value, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
    else:
        try:
            t = torch.as_tensor(np.asarray(value))
        except (TypeError, ValueError) as exc:
            msg = f"{name} must be a tensor, an array or nested lists of numbers."
            raise TypeError(msg) from exc
    if not torch.is_floating_point(t):
        t = t.to(torch.float32)
    return t


def _plan(x, kernel, *, mode, kernel_size, padding, stride, dilation, bias) -> _Plan:
    from .correlation import conv2d, pad2d
    from .pooling import pool2d

    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}.")
    x, kernel, bias = _v.player_operands(x, kernel, bias)  # before any arithmetic
    x = _as_float_tensor(x, "x")
    if x.dim() == 2:
        x = x.unsqueeze(0)
    if x.dim() != 3:
        raise ValueError(
            f"x must have shape (H, W) or (C_in, H, W), got {tuple(x.shape)}; "
            "for a batch, animate one example: x[0]."
        )
    dil = _pair(dilation, "dilation")

    if mode == "corr":
        if kernel is None:
            raise TypeError("cross-correlation needs a kernel: animate(x, kernel).")
        if kernel_size is not None:
            raise TypeError(
                "kernel_size is for pooling; for cross-correlation pass the kernel itself."
            )
        w = _as_float_tensor(kernel, "kernel").to(x.dtype)
        if w.dim() == 2:
            w = w.unsqueeze(0)
        if w.dim() == 3:
            w = w.unsqueeze(0)
        if w.dim() != 4:
            raise ValueError(
                "kernel must have shape (kh, kw), (C_in, kh, kw) or (C_out, C_in, kh, kw), "
                f"got {tuple(torch.as_tensor(kernel).shape)}."
            )
        b = None
        if bias is not None:
            b = _as_float_tensor(bias, "bias").to(x.dtype).reshape(-1)
            if b.numel() == 1 and w.shape[0] > 1:
                b = b.expand(w.shape[0]).clone()
        st = _pair(1 if stride is None else stride, "stride")
        # conv2d validates channels, sizes and padding, with messages that name the fix.
        out = conv2d(x.unsqueeze(0), w, b, stride=st, padding=padding, dilation=dil)[0]
        padded = pad2d(x, padding, value=0.0)
        # Each channel's own sum of products, for the arithmetic text: one grouped convolution
        # (group ci correlates input channel ci with every output channel's slice ci).
        c_out, c_in, kh, kw = w.shape
        per_channel = w.transpose(0, 1).reshape(c_in * c_out, 1, kh, kw)
        partials = conv2d(
            x.unsqueeze(0), per_channel, stride=st, padding=padding, dilation=dil, groups=c_in
        )[0]
        partials = partials.reshape(c_in, c_out, *out.shape[1:]).transpose(0, 1)
        ks = (kh, kw)
    else:
        if kernel is not None:
            raise TypeError(
                "pooling has no kernel weights: pass kernel_size=..., e.g. "
                "animate(x, mode='max', kernel_size=2)."
            )
        if bias is not None:
            raise TypeError("pooling has no bias; leave bias=None.")
        if kernel_size is None:
            raise TypeError(
                "pooling needs kernel_size=..., e.g. animate(x, mode='max', kernel_size=2)."
            )
        ks = _pair(kernel_size, "kernel_size")
        st = ks if stride is None else _pair(stride, "stride")
        w = b = partials = None
        out = pool2d(x, ks, stride=st, padding=padding, dilation=dil, mode=mode)
        padded = pad2d(x, padding, value=float("-inf") if mode == "max" else 0.0)

    # Where the real input sits inside the padded one: pad a mask of ones with zeros.
    mask = pad2d(torch.ones(x.shape[1:], dtype=x.dtype), padding, value=0.0) > 0
    rows_in = torch.nonzero(mask.any(dim=1)).flatten()
    cols_in = torch.nonzero(mask.any(dim=0)).flatten()
    top, left = int(rows_in[0]), int(cols_in[0])
    pad = (top, mask.shape[0] - top - x.shape[1], left, mask.shape[1] - left - x.shape[2])

    if padded.shape[1] > MAX_SIDE or padded.shape[2] > MAX_SIDE:
        raise ValueError(
            f"the padded input is {padded.shape[1]}×{padded.shape[2]}; the player draws at most "
            f"{MAX_SIDE}×{MAX_SIDE} cells. Animate a smaller example (a crop of the image)."
        )
    if out.numel() > MAX_STEPS:
        raise ValueError(
            f"this example has {out.numel()} output values, one step each; the player shows at "
            f"most {MAX_STEPS}. Use a smaller input or fewer output channels."
        )
    return _Plan(mode, x, padded, pad, w, b, ks, st, dil, out, partials)


def _factor(value: float) -> str:
    text = format_number(value)
    return f"({text})" if text.startswith(MINUS) else text


def _step_text(plan: _Plan, inputs, weights, partials, bias, value) -> str:
    result = format_number(value)
    if plan.mode == "max":
        return f"max({', '.join(format_number(v) for v in inputs[0].ravel())}) = {result}"
    if plan.mode == "avg":
        vals = inputs[0].ravel()
        return f"({' + '.join(_factor(v) for v in vals)}) / {vals.size} = {result}"
    lines = []
    several = len(inputs) > 1
    for ch, (xs, ws, part) in enumerate(zip(inputs, weights, partials, strict=True)):
        terms = " + ".join(f"{_factor(a)}×{_factor(b)}" for a, b in zip(xs.ravel(), ws.ravel()))
        prefix = f"channel {ch}: " if several else ""
        subtotal = format_number(part) if (several or bias is not None) else result
        lines.append(f"{prefix}{terms} = {subtotal}")
    if several or bias is not None:
        total = [_factor(p) for p in partials]
        if bias is not None:
            total.append(f"{_factor(bias)} (bias)")
        lines.append(f"{' + '.join(total)} = {result}")
    return "\n".join(lines)


def _steps(plan: _Plan, limit: int | None = None) -> list[Step]:
    """The steps in play order; only the first ``limit`` when given."""
    c_out, oh, ow = plan.out.shape
    c_in = plan.x.shape[0]
    (kh, kw), (sh, sw), (dh, dw) = plan.kernel_size, plan.stride, plan.dilation
    padded = plan.padded.to(torch.float64).numpy()
    out = plan.out.to(torch.float64).numpy()
    weight = None if plan.weight is None else plan.weight.to(torch.float64).numpy()
    partials = None if plan.partials is None else plan.partials.to(torch.float64).numpy()
    steps = []
    positions = itertools.product(range(c_out), range(oh), range(ow))
    for index, (co, i, j) in enumerate(itertools.islice(positions, limit)):
        rows = tuple(i * sh + a * dh for a in range(kh))
        cols = tuple(j * sw + b * dw for b in range(kw))
        if rows[-1] >= padded.shape[1] or cols[-1] >= padded.shape[2]:  # pragma: no cover
            raise RuntimeError("internal error: window outside the padded input")
        channels = tuple(range(c_in)) if plan.mode == "corr" else (co,)
        window = (slice(rows[0], rows[-1] + 1, dh), slice(cols[0], cols[-1] + 1, dw))
        inputs = tuple(padded[ch][window] for ch in channels)
        if plan.mode == "corr":
            weights = tuple(weight[co, ch] for ch in channels)
            parts = tuple(float(partials[co, ch, i, j]) for ch in channels)
            bias = None if plan.bias is None else float(plan.bias[co])
        else:
            weights = parts = bias = None
        value = float(out[co, i, j])
        text = _step_text(plan, inputs, weights, parts, bias, value)
        steps.append(
            Step(index, (co, i, j), rows, cols, channels, inputs, weights, parts, value, text)
        )
    return steps


def player_steps(
    x,
    kernel=None,
    *,
    mode: str = "corr",
    kernel_size=None,
    padding=0,
    stride=None,
    dilation=1,
    bias=None,
    output_padding=0,
) -> list[Step] | list[ScatterStep]:
    """The player's steps, in play order (output channel, then row, then column).

    Same arguments as :func:`animate`. Each :class:`Step` carries the window's rows and columns in
    the padded input, the input and kernel values it covers, the output index and value (computed by
    ``helpers.correlation.conv2d`` or ``helpers.pooling.pool2d``) and the arithmetic as text, e.g.
    ``"0×0 + 1×1 + 3×2 + 4×3 = 19"``. With ``mode="transposed"`` there is one
    :class:`ScatterStep` per *input* cell, in row-major order.
    """
    return _all_steps(
        _make_plan(
            x,
            kernel,
            mode=mode,
            kernel_size=kernel_size,
            padding=padding,
            stride=stride,
            dilation=dilation,
            bias=bias,
            output_padding=output_padding,
        )
    )


def _make_plan(x, kernel, *, mode, output_padding, **kw):
    if mode in SCATTER_MODES:
        return _scatter_plan(x, kernel, output_padding=output_padding, **kw)
    if mode not in MODES:
        allowed = ", ".join(map(repr, [*MODES, *SCATTER_MODES]))
        raise ValueError(f"mode must be one of {allowed}, got {mode!r}.")
    if output_padding != 0:
        raise TypeError(
            f"output_padding is for mode='transposed' only, got output_padding={output_padding!r} "
            f"with mode={mode!r}."
        )
    return _plan(x, kernel, mode=mode, **kw)


def _all_steps(plan, limit: int | None = None):
    if isinstance(plan, _ScatterPlan):
        return _scatter_steps(plan, limit)
    return _steps(plan, limit)


# ----------------------------------------------------------------- transposed convolution (scatter)


@dataclass(frozen=True)
class ScatterStep:
    """One step of the transposed-convolution player: one input cell scattered into the output.

    ``input`` is the input cell ``(i, j)`` and ``value`` its value; ``weights`` the kernel
    ``(kh, kw)``. ``value × weights`` is added at ``rows`` × ``cols`` of the *full* result (before
    ``padding`` crops it; spaced by the dilation). ``canvas`` is the full result after this step,
    ``output`` the cropped output after this step: both are the transposed convolution (by
    :func:`helpers.transposed.conv_transpose2d`) of the input cells played so far, the others set
    to zero. ``reached`` (bool, shape of ``canvas``) marks the full-result cells that some input
    cell has added into so far: the player shows their running value (even 0) and leaves the
    others blank, so "nothing added yet" never looks like a sum of 0 (at the last step a kept
    output cell that no input reaches shows its value, 0). ``text`` is the step written out, e.g.
    ``"2 × [[0, 1], [2, 3]] added at rows 0–1, cols 2–3"``.
    """

    index: int
    input: tuple[int, int]
    value: float
    weights: np.ndarray
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    canvas: np.ndarray
    output: np.ndarray
    reached: np.ndarray
    text: str


@dataclass(frozen=True)
class _ScatterPlan:
    """What the transposed-convolution player is made from (float tensors)."""

    x: torch.Tensor  # (H, W)
    weight: torch.Tensor  # (kh, kw)
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    canvases: torch.Tensor  # (H*W, Ch, Cw): the full result after each step
    outputs: torch.Tensor  # (H*W, H_out, W_out): the cropped output after each step

    @property
    def out(self) -> torch.Tensor:
        """The final output, as ``conv_transpose2d`` gives it."""
        return self.outputs[-1]

    @property
    def steps_count(self) -> int:
        return self.x.numel()


def _scatter_plan(x, kernel, *, kernel_size, padding, stride, output_padding, dilation, bias):
    from .transposed import conv_transpose2d

    x, kernel, bias = _v.player_operands(x, kernel, bias)  # before any arithmetic
    if kernel is None:
        raise TypeError("transposed convolution needs a kernel: animate(x, kernel, mode=...).")
    if kernel_size is not None:
        raise TypeError("kernel_size is for pooling; for transposed convolution pass the kernel.")
    if bias is not None:
        raise TypeError(
            "the transposed-convolution player shows no bias (it would only add the same value "
            "to every output cell at the end); leave bias=None."
        )
    x = _as_float_tensor(x, "x")
    w = _as_float_tensor(kernel, "kernel").to(x.dtype)
    for name, t, layout in (("x", x, "(H, W)"), ("kernel", w, "(kh, kw)")):
        if t.dim() != 2:
            raise ValueError(
                f"the transposed-convolution player shows one channel: {name} must be {layout}, "
                f"got shape {tuple(t.shape)}."
            )
    st = _pair(1 if stride is None else stride, "stride")
    op = _pair(output_padding, "output_padding")
    pad = _pair(padding, "padding")
    dil = _pair(dilation, "dilation")
    if max(x.shape) > MAX_SIDE:
        raise ValueError(
            f"the input is {x.shape[0]}×{x.shape[1]}; the player draws at most {MAX_SIDE}×"
            f"{MAX_SIDE} cells. Animate a smaller example."
        )
    h, w_ = x.shape
    n = h * w_
    if n > MAX_STEPS:
        raise ValueError(
            f"the input has {n} cells, one step each; the player shows at most {MAX_STEPS}. "
            "Use a smaller input."
        )
    if n * w.numel() > MAX_UPDATES:
        raise ValueError(
            f"each of the {n} input cells adds a {w.shape[0]}×{w.shape[1]} kernel: "
            f"{n * w.numel()} cell updates, and the player stores at most {MAX_UPDATES}. Use a "
            "smaller input or kernel."
        )
    # Step t has played input cells 0..t (row-major): one masked copy of x per step, as a batch.
    order = torch.arange(n)
    played = (order[None, :] <= order[:, None]).to(x.dtype).reshape(n, 1, h, w_)
    xs = x * played
    kernel4 = w[None, None]
    # conv_transpose2d validates stride, padding, output_padding and the size, with messages.
    outputs = conv_transpose2d(xs, kernel4, None, st, pad, op, dil)[:, 0]
    # The full result, uncropped; when output_padding exceeds padding, the output reaches past it,
    # so the canvas keeps those (zero) rows/columns too.
    extra = tuple(max(0, o - p) for o, p in zip(op, pad, strict=True))
    canvases = conv_transpose2d(xs, kernel4, None, st, 0, extra, dil)[:, 0]
    ch, cw = canvases.shape[1:]
    if ch > MAX_SIDE or cw > MAX_SIDE:
        raise ValueError(
            f"the full result is {ch}×{cw}; the player draws at most {MAX_SIDE}×{MAX_SIDE} "
            "cells. Animate a smaller input or kernel, or a smaller stride."
        )
    return _ScatterPlan(x, w, st, pad, op, dil, canvases, outputs)


def _span(cells) -> str:
    """Rows or columns: ``"2"``, ``"2–3"`` (consecutive) or ``"0, 2, 4"`` (dilated)."""
    if len(cells) == 1:
        return str(cells[0])
    if cells[-1] - cells[0] == len(cells) - 1:
        return f"{cells[0]}–{cells[-1]}"
    return ", ".join(map(str, cells))


def _scatter_text(value: str, kernel: list[list[str]], rows, cols) -> str:
    """The step written out, from display strings (``player.js`` writes it the same way)."""
    k = "[" + ", ".join("[" + ", ".join(row) + "]" for row in kernel) + "]"
    factor = f"({value})" if value.startswith(MINUS) else value
    return f"{factor} × {k} added at rows {_span(rows)}, cols {_span(cols)}"


def _scatter_steps(plan: _ScatterPlan, limit: int | None = None) -> list[ScatterStep]:
    h, w = plan.x.shape
    kh, kw = plan.weight.shape
    (sh, sw), (dh, dw) = plan.stride, plan.dilation
    x = plan.x.to(torch.float64).numpy()
    weight = plan.weight.to(torch.float64).numpy()
    kernel = _fmt_grid(weight)
    reached = np.zeros(plan.canvases.shape[1:], dtype=bool)
    steps = []
    for t in range(plan.steps_count if limit is None else min(limit, plan.steps_count)):
        i, j = divmod(t, w)
        rows = tuple(i * sh + a * dh for a in range(kh))
        cols = tuple(j * sw + b * dw for b in range(kw))
        text = _scatter_text(format_number(x[i, j]), kernel, rows, cols)
        reached = reached.copy()
        reached[np.ix_(rows, cols)] = True
        steps.append(
            ScatterStep(
                t,
                (i, j),
                float(x[i, j]),
                weight,
                rows,
                cols,
                plan.canvases[t].to(torch.float64).numpy(),
                plan.outputs[t].to(torch.float64).numpy(),
                reached,
                text,
            )
        )
    return steps


def _scatter_data(plan: _ScatterPlan) -> dict:
    """The transposed player's JSON. ``hist[r][c]`` lists ``step, value`` pairs: the steps that add
    into full-result cell ``(r, c)`` and its running value after each (formatted here, once), so
    the script only looks values up; the steps in it are also the inputs behind the cell."""
    h, w = plan.x.shape
    kh, kw = plan.weight.shape
    (sh, sw), (dh, dw) = plan.stride, plan.dilation
    canvases = plan.canvases.to(torch.float64).numpy()
    ch, cw = canvases.shape[1:]
    hist = [[[] for _ in range(cw)] for _ in range(ch)]
    strings = _fmt_grid(canvases)  # (steps, Ch, Cw); each distinct value formatted once
    for t in range(h * w):
        i, j = divmod(t, w)
        for a in range(kh):
            for b in range(kw):
                r, c = i * sh + a * dh, j * sw + b * dw
                hist[r][c] += [t, strings[t][r][c]]
    ph, pw = plan.padding
    oh, ow = plan.out.shape
    final = np.zeros((ch, cw), dtype=object)  # raw values of the output cells (None: cut off)
    final[:] = None
    final[ph : ph + oh, pw : pw + ow] = np.array(_raw(plan.out), dtype=object)
    return {
        "mode": "transposed",
        "ih": h,
        "iw": w,
        "k": [kh, kw],
        "s": list(plan.stride),
        "d": list(plan.dilation),
        "p": list(plan.padding),
        "op": list(plan.output_padding),
        "ch": ch,
        "cw": cw,
        "keep": [ph, pw, oh, ow],
        "note": _scatter_note(plan, ch, cw),
        "x": _fmt_grid(plan.x.to(torch.float64).numpy()),
        "w": _fmt_grid(plan.weight.to(torch.float64).numpy()),
        "hist": hist,
        "v": final.tolist(),
        "src": {"x": _raw(plan.x), "w": _raw(plan.weight)},
    }


def _scatter_note(plan: _ScatterPlan, ch: int, cw: int) -> str:
    """A line under the output grid: what ``padding`` and ``output_padding`` did to the result."""
    (ph, pw), (oph, opw) = plan.padding, plan.output_padding
    oh, ow = plan.out.shape
    parts = []
    if ph or pw:
        parts.append(f"Hatched: cut off by padding={_arg(plan.padding)}.")
    if oph or opw:
        zeros = oph > ph or opw > pw  # the output reaches past the full result: zeros there
        parts.append(
            f"output_padding={_arg(plan.output_padding)} {'adds' if zeros else 'keeps'} {oph} "
            f"more row{'s' * (oph != 1)} at the bottom and {opw} more column{'s' * (opw != 1)} at "
            f"the right{' (zeros)' if zeros else ''}."
        )
    if parts:
        parts.append(f"The output is the {oh}×{ow} block that is not hatched.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------- HTML


def _raw(t: torch.Tensor | None):
    if t is None:
        return None
    return np.vectorize(json_number, otypes=[object])(t.to(torch.float64).numpy()).tolist()


def _fmt_grid(a: np.ndarray):
    memo: dict[float, str] = {}  # grids repeat values; format each distinct value once

    def fmt(v):
        text = memo.get(v)
        if text is None:
            text = memo[v] = format_number(v)
        return text

    return np.vectorize(fmt, otypes=[object])(a).tolist()


def _player_data(plan: _Plan) -> dict:
    """The player's JSON: display strings of every grid (formatted here, once) and raw values.

    The script writes each step's arithmetic from these strings, the same way :func:`_step_text`
    does; the browser test checks that both agree.
    """
    c_out, oh, ow = plan.out.shape
    return {
        "mode": plan.mode,
        "cin": plan.x.shape[0],
        "cout": c_out,
        "hp": plan.padded.shape[1],
        "wp": plan.padded.shape[2],
        "oh": oh,
        "ow": ow,
        "k": list(plan.kernel_size),
        "s": list(plan.stride),
        "d": list(plan.dilation),
        "pad": list(plan.pad),
        "x": _fmt_grid(plan.padded.to(torch.float64).numpy()),
        "w": None if plan.weight is None else _fmt_grid(plan.weight.to(torch.float64).numpy()),
        "b": None if plan.bias is None else _fmt_grid(plan.bias.to(torch.float64).numpy()),
        "o": _fmt_grid(plan.out.to(torch.float64).numpy()),
        # each channel's sum, shown when there are several channels or a bias
        "ps": _fmt_grid(plan.partials.to(torch.float64).numpy())
        if plan.partials is not None and (plan.x.shape[0] > 1 or plan.bias is not None)
        else None,
        "v": _raw(plan.out),
        # The unpadded operands, so a test can recompute every value independently.
        "src": {"x": _raw(plan.x), "w": _raw(plan.weight), "b": _raw(plan.bias)},
    }


def _default_title(plan) -> str:
    if isinstance(plan, _ScatterPlan):
        kh, kw = plan.weight.shape
        sh, sw = plan.stride
        return f"Transposed convolution, {kh}×{kw} kernel, stride {_same((sh, sw))}"
    kh, kw = plan.kernel_size
    return f"{MODES[plan.mode]}, {kh}×{kw} {'kernel' if plan.mode == 'corr' else 'window'}"


def _same(pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _arg(pair) -> str:
    """A pair as the argument a student would write: ``1`` or ``(1, 0)``."""
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _default_description(plan) -> str:
    if isinstance(plan, _ScatterPlan):
        h, w = plan.x.shape
        kh, kw = plan.weight.shape
        oh, ow = plan.out.shape
        cut = (
            f" The hatched border of the full result is cut off by padding={_arg(plan.padding)}."
            if any(plan.padding)
            else ""
        )
        return (
            f"Transposed convolution of a {h}×{w} input with a {kh}×{kw} kernel (stride "
            f"{_arg(plan.stride)}, padding {_arg(plan.padding)}, output_padding "
            f"{_arg(plan.output_padding)}, dilation {_arg(plan.dilation)}), one input cell per "
            f"step ({h * w} steps). Each step multiplies the kernel by one input value and adds "
            "the product into a window of the output; where windows overlap, the products add up."
            f"{cut} The output is {oh}×{ow}. Hover over an output cell to see which input cells "
            "contributed to it."
        )
    c_in, h, w = plan.x.shape
    c_out, oh, ow = plan.out.shape
    kh, kw = plan.kernel_size
    top, bottom, left, right = plan.pad

    pad = str(top) if len({top, bottom, left, right}) == 1 else f"{top},{bottom},{left},{right}"
    what = {"corr": "kernel", "max": "max window", "avg": "average window"}[plan.mode]
    chans = f"{c_in} input channel{'s' if c_in > 1 else ''}, " if c_in > 1 or c_out > 1 else ""
    outs = f"{c_out} output channel{'s' if c_out > 1 else ''} of " if c_out > 1 else ""
    return (
        f"A {kh}×{kw} {what} slides over a {h}×{w} input ({chans}padding {pad}, "
        f"stride {_same(plan.stride)}, dilation {_same(plan.dilation)}) and produces {outs}a "
        f"{oh}×{ow} output, one value per step ({c_out * oh * ow} steps). Each step shows the "
        "window, the value it produces and the arithmetic; hover over an output cell (or step to "
        "it with the arrow keys) to see which input cells produced it."
    )


_ICONS = {
    "first": '<path d="M3 3h2v10H3zM13 3v10L6 8z"/>',
    "prev": '<path d="M12 3v10L5 8z"/>',
    "play": '<path d="M4 2.5v11L13 8z"/>',
    "pause": '<path d="M4 3h3v10H4zM9 3h3v10H9z"/>',
    "next": '<path d="M4 3v10l7-5z"/>',
    "last": '<path d="M11 3h2v10h-2zM3 3v10l7-5z"/>',
}


def _icon(name: str) -> str:
    return (
        '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">'
        f"{_ICONS[name]}</svg>"
    )


def _button(action: str, label: str, text: str = "", tabindex: str = "") -> str:
    """A step button: named by its visible ``text`` when it has one, else by ``label``."""
    icon = _icon(action)
    inner = f"{icon}<span>{text}</span>" if text else icon
    if action == "next" and text:
        inner = f"<span>{text}</span>{icon}"
    name = "" if text else f' aria-label="{label}"'
    return f'<button type="button" data-action="{action}"{name}{tabindex}>{inner}</button>'


def _step_buttons(focusable: bool = True) -> str:
    """First, back, play, next, last: the buttons ``player.js`` and ``explorer.js`` step with.

    A player's buttons are out of the tab order (``focusable=False``): the player is one tab stop,
    its current cell, where the keys do what the buttons do.
    """
    tabindex = "" if focusable else ' tabindex="-1"'
    return "".join(
        [
            _button("first", "First step", tabindex=tabindex),
            _button("prev", "Previous step", "Back", tabindex),
            _button("play", "Play", "Play", tabindex),
            _button("next", "Next step", "Next", tabindex),
            _button("last", "Last step", tabindex=tabindex),
        ]
    )


def _table(caption: str, grid, pad=None) -> str:
    """A grid of display strings as a compact HTML table (end tags left out, as HTML allows);
    ``pad(r, c)`` marks padding cells."""
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="is-pad">{v}' if pad is not None and pad(r, c) else f"<td>{v}"
            for c, v in enumerate(row)
        )
        for r, row in enumerate(grid)
    )
    return f'<table class="c2d-t"><caption>{html.escape(caption)}</caption>{rows}</table>'


def _static_figure(plan, data: dict, n: int) -> str:
    """The final state as plain tables: what prints, and what a page without JavaScript shows."""
    if isinstance(plan, _ScatterPlan):
        ph, pw = plan.padding
        oh, ow = plan.out.shape
        full = [[row[-1] if row else "" for row in line] for line in data["hist"]]
        out = [r[pw : pw + ow] for r in full[ph : ph + oh]]
        out = [[v if v != "" else "0" for v in r] for r in out]
        parts = [_table("Input", data["x"]), _table("Kernel", data["w"]), _table("Output", out)]
    else:
        top, bottom, left, right = plan.pad
        hp, wp = data["hp"], data["wp"]

        def pad(r, c):
            return r < top or r >= hp - bottom or c < left or c >= wp - right

        several_in, several_out = data["cin"] > 1, data["cout"] > 1
        parts = [
            _table(f"Input channel {c}" if several_in else "Input", g, pad)
            for c, g in enumerate(data["x"])
        ]
        if data["w"] is not None:
            for co, per_out in enumerate(data["w"]):
                for ci, g in enumerate(per_out):
                    name = "Kernel" + (f" of output channel {co}" if several_out else "")
                    parts.append(_table(name + (f", channel {ci}" if several_in else ""), g))
        else:
            kh, kw = plan.kernel_size
            parts.append(f'<p class="c2d-poolbox">{plan.mode} of {kh}×{kw}</p>')
        if data["b"] is not None:
            parts.append(f'<p class="c2d-bias">bias {", ".join(data["b"])}</p>')
        parts += [
            _table(f"Output channel {c}" if several_out else "Output", g)
            for c, g in enumerate(data["o"])
        ]
    return (
        f'<div class="c2d-static"><p class="c2d-static-note">After the last step ({n} of {n}):</p>'
        f"{''.join(parts)}</div>"
    )


def _heading(root_id: str, title: str, description: str) -> str:
    """Title and description, escaped, with the ids the root's ``aria-labelledby`` and
    ``aria-describedby`` name."""
    return (
        f'<p class="c2d-title" id="{root_id}-title">{html.escape(title)}</p>'
        f'<p class="c2d-desc" id="{root_id}-desc">{html.escape(description)}</p>'
    )


class Player:
    """A kernel-sliding player; a notebook or the built book displays it through ``_repr_html_``.

    ``steps`` are the :class:`Step` objects it plays, ``html`` the complete HTML, runtime included
    (``nbytes``: what it adds to a book page, without the runtime).
    """

    def __init__(self, plan, title: str | None, description: str | None):
        self._plan = plan
        self.title = _default_title(plan) if title is None else str(title)
        self.description = _default_description(plan) if description is None else str(description)
        data = _scatter_data(plan) if isinstance(plan, _ScatterPlan) else _player_data(plan)
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        digest = hashlib.sha1(f"{payload}{self.title}".encode()).hexdigest()[:8]
        self.id = f"c2d-{digest}-{next(_ids)}"
        widest = max(len(t) for t in _iter_strings(data))
        figure = _static_figure(plan, data, _count(plan))
        self.html = self._render(payload.replace("</", "<\\/"), widest, figure)

    @cached_property
    def steps(self) -> list[Step] | list[ScatterStep]:
        """The :class:`Step` (or :class:`ScatterStep`) objects the player shows."""
        return _all_steps(self._plan)

    @property
    def nbytes(self) -> int:
        """What the player adds to a book page, in bytes (UTF-8): its HTML without the inline
        runtime, which the book loads once per page (:mod:`helpers.web.runtime`)."""
        return len(without_runtime(self.html).encode("utf-8"))

    def _render(self, payload: str, widest: int, figure: str) -> str:
        pid = self.id
        n = _count(self._plan)
        first = _all_steps(self._plan, limit=1)[0].text  # shown until the script takes over
        controls = "".join(
            [
                _step_buttons(focusable=False),
                f'<input class="c2d-scrub" type="range" min="0" max="{n - 1}" value="0" step="1" '
                f'tabindex="-1" aria-label="Step" aria-valuetext="Step 1 of {n}">',
                '<label class="c2d-speed-label">Speed <select class="c2d-speed" '
                'data-action="speed" tabindex="-1">'
                '<option value="0.5">0.5×</option><option value="1" selected>1×</option>'
                '<option value="2">2×</option><option value="4">4×</option></select></label>',
            ]
        )
        keys = "Keys, on the grid: ← → step, ↑ ↓ a row, Home End, Space plays, + − speed."
        return (
            f'<div class="c2d-player" id="{pid}" role="group" '
            f'aria-roledescription="animation" aria-labelledby="{pid}-title" '
            f'aria-describedby="{pid}-desc" style="--c2d-chars:{widest}">'
            f"{_heading(pid, self.title, self.description)}"
            f'<div class="c2d-controls">{controls}</div>'
            f'<p class="c2d-keys">{keys}</p>'
            f'<div class="c2d-live" aria-live="polite"><p class="c2d-where">Step 1 of {n}</p>'
            f'<p class="c2d-math">{html.escape(first)}</p></div>'
            f'<div class="c2d-stage"></div>{figure}'
            f'<script type="application/json" class="c2d-data">{payload}</script>'
            "</div>"
            f"{inline_runtime()}"
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        n = _count(self._plan)
        return f"<Player {self.title!r}: {n} steps, {self.nbytes / 1024:.1f} KB>"


def _count(plan) -> int:
    """Number of steps: one per output value, or one per input cell for transposed convolution."""
    return plan.steps_count if isinstance(plan, _ScatterPlan) else plan.out.numel()


def _iter_strings(data):
    for key in ("x", "w", "b", "o", "ps", "hist"):
        stack = [data.get(key)]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                yield item
    yield "0"


def animate(
    x,
    kernel=None,
    *,
    mode: str = "corr",
    kernel_size=None,
    padding=0,
    stride=None,
    dilation=1,
    bias=None,
    output_padding=0,
    title: str | None = None,
    description: str | None = None,
) -> Player:
    """A player that slides the kernel (or pooling window) over ``x``; display it in a notebook.

    ``mode`` is ``"corr"`` (cross-correlation, needs ``kernel``), ``"max"`` or ``"avg"`` (pooling,
    needs ``kernel_size``). ``stride`` defaults as in PyTorch: 1 for cross-correlation, the window
    size for pooling. ``bias`` (one value per output channel) is added after the sum.
    ``title`` and ``description`` (the player's accessible description) are escaped before they
    reach HTML; by default they are generated from the shapes.

    >>> player = animate(torch.arange(9.).reshape(3, 3), torch.arange(4.).reshape(2, 2))
    >>> player.steps[0].text
    '0×0 + 1×1 + 3×2 + 4×3 = 19'

    **Transposed convolution** (``mode="transposed"``) plays the scatter form instead: one step per
    *input* cell, row by row. ``x`` is ``(H, W)``, ``kernel`` ``(kh, kw)`` (one channel each);
    ``stride``, ``padding``, ``output_padding`` and ``dilation`` mean what they mean in
    ``torch.nn.functional.conv_transpose2d`` (int or ``(h, w)``). At each step the input cell is
    highlighted, its value times the kernel is added into a window of the output (the window
    starts ``stride`` cells further for each input cell), and the step is written out, e.g.
    ``2 × [[0, 1], [2, 3]] added at rows 0–1, cols 2–3``. The output grid shows the *full* result
    with row and column numbers (a cell stays blank until an input cell adds into it, then shows
    its running sum); ``padding`` cuts ``padding`` rows/columns off each side of it,
    drawn hatched. Hovering over (or tabbing to) an output cell highlights the input cells that
    contributed to it; an input cell jumps to its step. Values come from
    :func:`helpers.transposed.conv_transpose2d`; no bias, ``kernel_size`` is not used.

    >>> up = animate(torch.tensor([[1., 2.], [3., 4.]]), torch.arange(4.).reshape(2, 2),
    ...              mode="transposed", stride=2, padding=1, output_padding=1)
    >>> up.steps[1].text
    '2 × [[0, 1], [2, 3]] added at rows 0–1, cols 2–3'
    """
    plan = _make_plan(
        x,
        kernel,
        mode=mode,
        kernel_size=kernel_size,
        padding=padding,
        stride=stride,
        dilation=dilation,
        bias=bias,
        output_padding=output_padding,
    )
    return Player(plan, title, description)

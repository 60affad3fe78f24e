"""Transposed convolution as a scatter: one step per *input* cell, whose value times the kernel is
added into a window of the output.

Values come from :func:`helpers.transposed.conv_transpose2d`: :meth:`ScatterPlan.build` computes,
as one batch, the result after each step (the input cells played so far, the others set to zero);
:meth:`ScatterPlan.steps` writes each step out as a :class:`ScatterStep`, e.g.
``"2 × [[0, 1], [2, 3]] added at rows 0–1, cols 2–3"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .. import _validate as _v
from ..style import MINUS, format_number, format_pair
from . import payload
from .plan import MAX_SIDE, MAX_STEPS, MAX_UPDATES, Panel, Plan, as_float_tensor

_NON_NEGATIVE = "a non-negative integer"


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
class ScatterPlan(Plan):
    """What the transposed-convolution player is made from (float tensors)."""

    x: torch.Tensor  # (H, W)
    weight: torch.Tensor  # (kh, kw)
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    canvases: torch.Tensor  # (H*W, Ch, Cw): the full result after each step
    outputs: torch.Tensor  # (H*W, H_out, W_out): the cropped output after each step
    mode = "transposed"

    @classmethod
    def build(
        cls, x, kernel=None, *, kernel_size=None, padding=0, stride=None, output_padding=0,
        dilation=1, bias=None,
    ) -> ScatterPlan:  # fmt: skip
        """The plan of :func:`helpers.animate` with ``mode="transposed"`` (same arguments)."""
        from ..transposed import conv_transpose2d

        x, kernel, bias = _v.player_operands(x, kernel, bias)  # before any arithmetic
        if kernel is None:
            raise TypeError("transposed convolution needs a kernel: animate(x, kernel, mode=...).")
        if kernel_size is not None:
            raise TypeError(
                "kernel_size is for pooling; for transposed convolution pass the kernel."
            )
        if bias is not None:
            raise TypeError(
                "the transposed-convolution player shows no bias (it would only add the same "
                "value to every output cell at the end); leave bias=None."
            )
        x = as_float_tensor(x, "x")
        w = as_float_tensor(kernel, "kernel").to(x.dtype)
        for name, t, layout in (("x", x, "(H, W)"), ("kernel", w, "(kh, kw)")):
            if t.dim() != 2:
                raise ValueError(
                    f"the transposed-convolution player shows one channel: {name} must be "
                    f"{layout}, got shape {tuple(t.shape)}."
                )
        st = _v.positive_pair(1 if stride is None else stride, "stride")
        op = _v.int_pair(output_padding, "output_padding", minimum=0, meaning=_NON_NEGATIVE)
        pad = _v.int_pair(padding, "padding", minimum=0, meaning=_NON_NEGATIVE)
        dil = _v.positive_pair(dilation, "dilation")
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
                f"{n * w.numel()} cell updates, and the player stores at most {MAX_UPDATES}. Use "
                "a smaller input or kernel."
            )
        # Step t has played input cells 0..t (row-major): one masked copy of x per step, a batch.
        order = torch.arange(n)
        played = (order[None, :] <= order[:, None]).to(x.dtype).reshape(n, 1, h, w_)
        xs = x * played
        kernel4 = w[None, None]
        # conv_transpose2d validates stride, padding, output_padding and the size, with messages.
        outputs = conv_transpose2d(xs, kernel4, None, st, pad, op, dil)[:, 0]
        # The full result, uncropped; when output_padding exceeds padding, the output reaches
        # past it, so the canvas keeps those (zero) rows/columns too.
        extra = tuple(max(0, o - p) for o, p in zip(op, pad, strict=True))
        canvases = conv_transpose2d(xs, kernel4, None, st, 0, extra, dil)[:, 0]
        ch, cw = canvases.shape[1:]
        if ch > MAX_SIDE or cw > MAX_SIDE:
            raise ValueError(
                f"the full result is {ch}×{cw}; the player draws at most {MAX_SIDE}×{MAX_SIDE} "
                "cells. Animate a smaller input or kernel, or a smaller stride."
            )
        return cls(x, w, st, pad, op, dil, canvases, outputs)

    @property
    def out(self) -> torch.Tensor:
        """The final output, as ``conv_transpose2d`` gives it."""
        return self.outputs[-1]

    @property
    def count(self) -> int:
        return self.x.numel()

    def steps(self, limit: int | None = None) -> list[ScatterStep]:
        h, w = self.x.shape
        kh, kw = self.weight.shape
        (sh, sw), (dh, dw) = self.stride, self.dilation
        x = self.x.to(torch.float64).numpy()
        weight = self.weight.to(torch.float64).numpy()
        kernel = payload.grid_strings(weight)
        reached = np.zeros(self.canvases.shape[1:], dtype=bool)
        steps = []
        for t in range(self.count if limit is None else min(limit, self.count)):
            i, j = divmod(t, w)
            rows = tuple(i * sh + a * dh for a in range(kh))
            cols = tuple(j * sw + b * dw for b in range(kw))
            text = _text(format_number(x[i, j]), kernel, rows, cols)
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
                    self.canvases[t].to(torch.float64).numpy(),
                    self.outputs[t].to(torch.float64).numpy(),
                    reached,
                    text,
                )
            )
        return steps

    def title(self) -> str:
        kh, kw = self.weight.shape
        return f"Transposed convolution, {kh}×{kw} kernel, stride {format_pair(self.stride)}"

    def description(self) -> str:
        h, w = self.x.shape
        kh, kw = self.weight.shape
        oh, ow = self.out.shape
        cut = (
            f" The hatched border of the full result is cut off by padding={_arg(self.padding)}."
            if any(self.padding)
            else ""
        )
        return (
            f"Transposed convolution of a {h}×{w} input with a {kh}×{kw} kernel (stride "
            f"{_arg(self.stride)}, padding {_arg(self.padding)}, output_padding "
            f"{_arg(self.output_padding)}, dilation {_arg(self.dilation)}), one input cell per "
            f"step ({h * w} steps). Each step multiplies the kernel by one input value and adds "
            "the product into a window of the output; where windows overlap, the products add up."
            f"{cut} The output is {oh}×{ow}. Hover over an output cell to see which input cells "
            "contributed to it."
        )

    def note(self) -> str:
        """A line under the output grid: what ``padding`` and ``output_padding`` did to the
        result."""
        (ph, pw), (oph, opw) = self.padding, self.output_padding
        oh, ow = self.out.shape
        parts = []
        if ph or pw:
            parts.append(f"Hatched: cut off by padding={_arg(self.padding)}.")
        if oph or opw:
            zeros = oph > ph or opw > pw  # the output reaches past the full result: zeros there
            parts.append(
                f"output_padding={_arg(self.output_padding)} {'adds' if zeros else 'keeps'} "
                f"{oph} more row{'s' * (oph != 1)} at the bottom and {opw} more "
                f"column{'s' * (opw != 1)} at the right{' (zeros)' if zeros else ''}."
            )
        if parts:
            parts.append(f"The output is the {oh}×{ow} block that is not hatched.")
        return " ".join(parts)

    def payload(self) -> dict:
        return payload.scatter(self)

    def final_state(self, data: dict) -> list[Panel]:
        ph, pw = self.padding
        oh, ow = self.out.shape
        full = [[row[-1] if row else "" for row in line] for line in data["hist"]]
        out = [r[pw : pw + ow] for r in full[ph : ph + oh]]
        out = [[v if v != "" else "0" for v in r] for r in out]
        return [Panel("Input", data["x"]), Panel("Kernel", data["w"]), Panel("Output", out)]


def _arg(pair) -> str:
    """A pair as the argument a student would write: ``1`` or ``(1, 0)``."""
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _span(cells) -> str:
    """Rows or columns: ``"2"``, ``"2–3"`` (consecutive) or ``"0, 2, 4"`` (dilated)."""
    if len(cells) == 1:
        return str(cells[0])
    if cells[-1] - cells[0] == len(cells) - 1:
        return f"{cells[0]}–{cells[-1]}"
    return ", ".join(map(str, cells))


def _text(value: str, kernel: list[list[str]], rows, cols) -> str:
    """The step written out, from display strings (``player.js`` writes it the same way)."""
    k = "[" + ", ".join("[" + ", ".join(row) + "]" for row in kernel) + "]"
    factor = f"({value})" if value.startswith(MINUS) else value
    return f"{factor} × {k} added at rows {_span(rows)}, cols {_span(cols)}"

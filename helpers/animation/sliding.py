"""The sliding window: cross-correlation and pooling, one step per output value.

:meth:`SlidingPlan.build` computes every value with the course's operations
(:func:`helpers.correlation.conv2d`, :func:`helpers.pooling.pool2d`,
:func:`helpers.correlation.pad2d`); :meth:`SlidingPlan.steps` walks the window over the padded
input, output channel by channel, row by row, and writes out each step's arithmetic as a
:class:`Step`, e.g. ``"0×0 + 1×1 + 3×2 + 4×3 = 19"``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch

from .. import _validate as _v
from ..style import format_factor, format_number, format_pair
from . import payload
from .plan import MAX_SIDE, MAX_STEPS, Panel, Plan, as_float_tensor

MODES = {"corr": "Cross-correlation", "max": "Max pooling", "avg": "Average pooling"}


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
class SlidingPlan(Plan):
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

    @classmethod
    def build(
        cls, x, kernel=None, *, mode="corr", kernel_size=None, padding=0, stride=None,
        dilation=1, bias=None,
    ) -> SlidingPlan:  # fmt: skip
        """The plan of :func:`helpers.animate` for ``mode`` ``"corr"``, ``"max"`` or ``"avg"``
        (same arguments); every argument checked, with a message that names the fix."""
        from ..correlation import conv2d, pad2d
        from ..pooling import pool2d

        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}.")
        x, kernel, bias = _v.player_operands(x, kernel, bias)  # before any arithmetic
        x = as_float_tensor(x, "x")
        if x.dim() == 2:
            x = x.unsqueeze(0)
        if x.dim() != 3:
            raise ValueError(
                f"x must have shape (H, W) or (C_in, H, W), got {tuple(x.shape)}; "
                "for a batch, animate one example: x[0]."
            )
        dil = _v.positive_pair(dilation, "dilation")

        if mode == "corr":
            if kernel is None:
                raise TypeError("cross-correlation needs a kernel: animate(x, kernel).")
            if kernel_size is not None:
                raise TypeError(
                    "kernel_size is for pooling; for cross-correlation pass the kernel itself."
                )
            w = as_float_tensor(kernel, "kernel").to(x.dtype)
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
                b = as_float_tensor(bias, "bias").to(x.dtype).reshape(-1)
                if b.numel() == 1 and w.shape[0] > 1:
                    b = b.expand(w.shape[0]).clone()
            st = _v.positive_pair(1 if stride is None else stride, "stride")
            # conv2d validates channels, sizes and padding, with messages that name the fix.
            out = conv2d(x.unsqueeze(0), w, b, stride=st, padding=padding, dilation=dil)[0]
            padded = pad2d(x, padding, value=0.0)
            # Each channel's own sum of products, for the arithmetic text: one grouped
            # convolution (group ci correlates input channel ci with every output channel's
            # slice ci).
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
            ks = _v.positive_pair(kernel_size, "kernel_size")
            st = ks if stride is None else _v.positive_pair(stride, "stride")
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
                f"the padded input is {padded.shape[1]}×{padded.shape[2]}; the player draws at "
                f"most {MAX_SIDE}×{MAX_SIDE} cells. Animate a smaller example (a crop of the "
                "image)."
            )
        if out.numel() > MAX_STEPS:
            raise ValueError(
                f"this example has {out.numel()} output values, one step each; the player shows "
                f"at most {MAX_STEPS}. Use a smaller input or fewer output channels."
            )
        return cls(mode, x, padded, pad, w, b, ks, st, dil, out, partials)

    @property
    def count(self) -> int:
        return self.out.numel()

    def is_pad(self, r: int, c: int) -> bool:
        """Whether cell ``(r, c)`` of the padded input is padding."""
        top, bottom, left, right = self.pad
        hp, wp = self.padded.shape[1:]
        return r < top or r >= hp - bottom or c < left or c >= wp - right

    def steps(self, limit: int | None = None) -> list[Step]:
        c_out, oh, ow = self.out.shape
        c_in = self.x.shape[0]
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        padded = self.padded.to(torch.float64).numpy()
        out = self.out.to(torch.float64).numpy()
        weight = None if self.weight is None else self.weight.to(torch.float64).numpy()
        partials = None if self.partials is None else self.partials.to(torch.float64).numpy()
        steps = []
        positions = itertools.product(range(c_out), range(oh), range(ow))
        for index, (co, i, j) in enumerate(itertools.islice(positions, limit)):
            rows = tuple(i * sh + a * dh for a in range(kh))
            cols = tuple(j * sw + b * dw for b in range(kw))
            if rows[-1] >= padded.shape[1] or cols[-1] >= padded.shape[2]:  # pragma: no cover
                raise RuntimeError("internal error: window outside the padded input")
            channels = tuple(range(c_in)) if self.mode == "corr" else (co,)
            window = (slice(rows[0], rows[-1] + 1, dh), slice(cols[0], cols[-1] + 1, dw))
            inputs = tuple(padded[ch][window] for ch in channels)
            if self.mode == "corr":
                weights = tuple(weight[co, ch] for ch in channels)
                parts = tuple(float(partials[co, ch, i, j]) for ch in channels)
                bias = None if self.bias is None else float(self.bias[co])
            else:
                weights = parts = bias = None
            value = float(out[co, i, j])
            text = self._text(inputs, weights, parts, bias, value)
            steps.append(
                Step(index, (co, i, j), rows, cols, channels, inputs, weights, parts, value, text)
            )
        return steps

    def _text(self, inputs, weights, partials, bias, value) -> str:
        """One step's arithmetic written out (``player.js`` writes it the same way)."""
        result = format_number(value)
        if self.mode == "max":
            return f"max({', '.join(format_number(v) for v in inputs[0].ravel())}) = {result}"
        if self.mode == "avg":
            vals = inputs[0].ravel()
            return f"({' + '.join(format_factor(v) for v in vals)}) / {vals.size} = {result}"
        lines = []
        several = len(inputs) > 1
        for ch, (xs, ws, part) in enumerate(zip(inputs, weights, partials, strict=True)):
            terms = " + ".join(
                f"{format_factor(a)}×{format_factor(b)}" for a, b in zip(xs.ravel(), ws.ravel())
            )
            prefix = f"channel {ch}: " if several else ""
            subtotal = format_number(part) if (several or bias is not None) else result
            lines.append(f"{prefix}{terms} = {subtotal}")
        if several or bias is not None:
            total = [format_factor(p) for p in partials]
            if bias is not None:
                total.append(f"{format_factor(bias)} (bias)")
            lines.append(f"{' + '.join(total)} = {result}")
        return "\n".join(lines)

    def title(self) -> str:
        kh, kw = self.kernel_size
        return f"{MODES[self.mode]}, {kh}×{kw} {'kernel' if self.mode == 'corr' else 'window'}"

    def description(self) -> str:
        c_in, h, w = self.x.shape
        c_out, oh, ow = self.out.shape
        kh, kw = self.kernel_size
        top, bottom, left, right = self.pad

        pad = str(top) if len({top, bottom, left, right}) == 1 else f"{top},{bottom},{left},{right}"
        what = {"corr": "kernel", "max": "max window", "avg": "average window"}[self.mode]
        chans = f"{c_in} input channel{'s' if c_in > 1 else ''}, " if c_in > 1 or c_out > 1 else ""
        outs = f"{c_out} output channel{'s' if c_out > 1 else ''} of " if c_out > 1 else ""
        return (
            f"A {kh}×{kw} {what} slides over a {h}×{w} input ({chans}padding {pad}, "
            f"stride {format_pair(self.stride)}, dilation {format_pair(self.dilation)}) and "
            f"produces {outs}a {oh}×{ow} output, one value per step ({c_out * oh * ow} steps). "
            "Each step shows the window, the value it produces and the arithmetic; hover over an "
            "output cell (or step to it with the arrow keys) to see which input cells produced it."
        )

    def payload(self) -> dict:
        return payload.sliding(self)

    def final_state(self, data: dict) -> list[Panel]:
        several_in, several_out = data["cin"] > 1, data["cout"] > 1
        panels = [
            Panel(f"Input channel {c}" if several_in else "Input", g, self.is_pad)
            for c, g in enumerate(data["x"])
        ]
        if data["w"] is not None:
            for co, per_out in enumerate(data["w"]):
                for ci, g in enumerate(per_out):
                    name = "Kernel" + (f" of output channel {co}" if several_out else "")
                    panels.append(Panel(name + (f", channel {ci}" if several_in else ""), g))
        else:
            kh, kw = self.kernel_size
            panels.append(Panel(f"{self.mode} of {kh}×{kw}", css="c2d-poolbox"))
        if data["b"] is not None:
            panels.append(Panel(f"bias {', '.join(data['b'])}", css="c2d-bias"))
        panels += [
            Panel(f"Output channel {c}" if several_out else "Output", g)
            for c, g in enumerate(data["o"])
        ]
        return panels

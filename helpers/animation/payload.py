"""The player's JSON payload: what the page's script plays, formatted here, once.

Every grid goes to the page as display strings (:func:`helpers.style.format_number`, each distinct
value formatted once) and as raw values (:func:`helpers.style.json_number`, so that a test can
recompute every value independently). The script writes each step's arithmetic from these
strings, the same way the plans write :attr:`Step.text <helpers.animation.sliding.Step.text>`; the
browser test checks that both agree.

:func:`sliding` and :func:`scatter` read a plan's fields; the plans call them
(:meth:`Plan.payload <helpers.animation.plan.Plan.payload>`).
"""

from __future__ import annotations

import numpy as np
import torch

from ..style import format_number, json_number


def raw_values(t: torch.Tensor | None):
    """``t`` as nested lists of JSON numbers (``None`` stays ``None``)."""
    if t is None:
        return None
    return np.vectorize(json_number, otypes=[object])(t.to(torch.float64).numpy()).tolist()


def grid_strings(a: np.ndarray):
    """``a`` as nested lists of display strings."""
    memo: dict[float, str] = {}  # grids repeat values; format each distinct value once

    def fmt(v):
        text = memo.get(v)
        if text is None:
            text = memo[v] = format_number(v)
        return text

    return np.vectorize(fmt, otypes=[object])(a).tolist()


def widest(data: dict) -> int:
    """The length of the longest display string in ``data`` (the page sizes its cells by it)."""
    return max(len(text) for text in _strings(data))


def _strings(data):
    for key in ("x", "w", "b", "o", "ps", "hist"):
        stack = [data.get(key)]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                yield item
    yield "0"


def _strings_of(t: torch.Tensor | None):
    return None if t is None else grid_strings(t.to(torch.float64).numpy())


def sliding(plan) -> dict:
    """The payload of a :class:`~helpers.animation.sliding.SlidingPlan`."""
    c_out, oh, ow = plan.out.shape
    several = plan.x.shape[0] > 1 or plan.bias is not None
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
        "x": _strings_of(plan.padded),
        "w": _strings_of(plan.weight),
        "b": _strings_of(plan.bias),
        "o": _strings_of(plan.out),
        # each channel's sum, shown when there are several channels or a bias
        "ps": _strings_of(plan.partials) if several else None,
        "v": raw_values(plan.out),
        # The unpadded operands, so a test can recompute every value independently.
        "src": {"x": raw_values(plan.x), "w": raw_values(plan.weight), "b": raw_values(plan.bias)},
    }


def scatter(plan) -> dict:
    """The payload of a :class:`~helpers.animation.scatter.ScatterPlan`. ``hist[r][c]`` lists
    ``step, value`` pairs: the steps that add into full-result cell ``(r, c)`` and its running
    value after each (formatted here, once), so the script only looks values up; the steps in it
    are also the inputs behind the cell."""
    h, w = plan.x.shape
    kh, kw = plan.weight.shape
    (sh, sw), (dh, dw) = plan.stride, plan.dilation
    canvases = plan.canvases.to(torch.float64).numpy()
    ch, cw = canvases.shape[1:]
    hist = [[[] for _ in range(cw)] for _ in range(ch)]
    strings = grid_strings(canvases)  # (steps, Ch, Cw); each distinct value formatted once
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
    final[ph : ph + oh, pw : pw + ow] = np.array(raw_values(plan.out), dtype=object)
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
        "note": plan.note(),
        "x": _strings_of(plan.x),
        "w": _strings_of(plan.weight),
        "hist": hist,
        "v": final.tolist(),
        "src": {"x": raw_values(plan.x), "w": raw_values(plan.weight)},
    }

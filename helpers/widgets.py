"""Live explorer (ipywidgets): sliders for the shape of a convolution or pooling, and its player.

``explore()`` needs a running kernel (Binder, JupyterLab, VS Code); the static book shows the
players of :mod:`helpers.animation` instead. Moving a slider re-evaluates the output-size formula
with the current numbers (through :mod:`helpers.shapes`), the output shape, and the animation
(through :func:`helpers.animation.animate`). A combination with no valid output (size <= 0, or
too much padding for pooling) shows the helpers' explanation instead of a traceback.

:func:`explorer_view` is the pure function behind each update (parameters in, HTML out), so the
update can be tested and timed without a browser (``benchmarks/bench_explorer.py``).
"""

from __future__ import annotations

import html

import torch

from .animation import MODES, animate
from .sliders import pick

SLIDERS = pick("n", "kernel_size", "padding", "stride", "dilation", "in_channels", "out_channels")
"""The live explorer's sliders, from the one table (:data:`helpers.sliders.SLIDERS`)."""
OPERATIONS = {"cross-correlation": "corr", "max pooling": "max", "average pooling": "avg"}


def explorer_inputs(n, kernel_size, in_channels, out_channels):
    """The example tensors the explorer animates: small integers, so every sum can be checked.

    ``x`` is ``(in_channels, n, n)`` with values 0..9; the kernel,
    ``(out_channels, in_channels, k, k)``, holds -1, 0, 1 and 2.
    """
    x = (torch.arange(in_channels * n * n, dtype=torch.float32) % 10).reshape(in_channels, n, n)
    count = out_channels * in_channels * kernel_size**2
    kernel = (torch.arange(count, dtype=torch.float32) % 4 - 1).reshape(
        out_channels, in_channels, kernel_size, kernel_size
    )
    return x, kernel


def _formula(mode, n, k, p, s, d) -> tuple[str, int]:
    from .shapes import conv_output_size, pool_output_size

    if mode == "corr":
        size = conv_output_size(n, k, padding=p, stride=s, dilation=d)
    else:
        size = pool_output_size(n, k, stride=s, padding=p, dilation=d)
    text = (
        "n_out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 "
        f"= ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {size}"
    )
    return text, size


def explorer_view(params: dict) -> str:
    """HTML for one state of the explorer: the formula with numbers, the output shape, the player.

    ``params`` has the keys of :data:`SLIDERS` plus ``mode`` (``"corr"``, ``"max"`` or ``"avg"``);
    missing keys take their defaults. For pooling, the output has as many channels as the input.
    Invalid combinations return the helpers' message (a ``ValueError`` or ``TypeError``), escaped.
    """
    p = {name: spec[3] for name, spec in SLIDERS.items()} | {"mode": "corr"} | dict(params)
    mode = p["mode"]
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}.")
    n, k, pad, s, d = (p[name] for name in ("n", "kernel_size", "padding", "stride", "dilation"))
    c_in = p["in_channels"]
    c_out = p["out_channels"] if mode == "corr" else c_in
    parts = ['<div class="c2d-explorer">']
    try:
        formula, size = _formula(mode, n, k, pad, s, d)
    except (ValueError, TypeError) as exc:
        return "".join([*parts, _message(exc), "</div>"])
    parts.append(
        f'<p class="c2d-formula"><code>{html.escape(formula)}</code></p>'
        f'<p class="c2d-shape">input ({c_in}, {n}, {n}) → output shape '
        f"<strong>({c_out}, {size}, {size})</strong></p>"
    )
    x, kernel = explorer_inputs(n, k, c_in, c_out)
    try:
        if mode == "corr":
            player = animate(x, kernel, padding=pad, stride=s, dilation=d)
        else:
            player = animate(x, mode=mode, kernel_size=k, padding=pad, stride=s, dilation=d)
    except (ValueError, TypeError) as exc:
        parts.append(_message(exc))
    else:
        parts.append(player.html)
    parts.append("</div>")
    return "".join(parts)


def _message(exc: Exception) -> str:
    return (
        '<p class="c2d-error" role="alert" style="border-left:4px solid #D55E00;'
        f'padding:0.4em 0.8em;margin:0.5em 0">{html.escape(str(exc))}</p>'
    )


def explore(
    n: int = 5,
    kernel_size: int = 3,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    in_channels: int = 1,
    out_channels: int = 1,
    mode: str = "corr",
):
    """A live explorer: sliders for n, k, p, s, d and channels, a menu for the operation.

    Returns an ``ipywidgets.VBox``; leave it last in a cell. Each change redraws the formula with
    the current numbers, the output shape and the player (``explorer.update_count`` counts them).
    """
    import ipywidgets as widgets

    values = {
        "n": n,
        "kernel_size": kernel_size,
        "padding": padding,
        "stride": stride,
        "dilation": dilation,
        "in_channels": in_channels,
        "out_channels": out_channels,
    }
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}.")
    style = {"description_width": "8.5em"}

    def layout():
        return widgets.Layout(width="min(100%, 22em)", margin="0 1em 0.2em 0")

    sliders = {}
    for name, (label, lo, hi, _) in SLIDERS.items():
        value = values[name]
        sliders[name] = widgets.IntSlider(
            value=value,
            min=min(lo, value),
            max=max(hi, value),
            description=label,
            continuous_update=False,
            style=style,
            layout=layout(),
        )
    operation = widgets.Dropdown(
        options=list(OPERATIONS),
        value={v: k for k, v in OPERATIONS.items()}[mode],
        description="operation",
        style=style,
        layout=layout(),
    )
    out = widgets.Output()
    controls = widgets.Box(
        [operation, *sliders.values()],
        layout=widgets.Layout(display="flex", flex_flow="row wrap"),
    )
    box = widgets.VBox([controls, out])
    box.update_count = 0

    def update(_change=None):
        params = {name: slider.value for name, slider in sliders.items()}
        params["mode"] = OPERATIONS[operation.value]
        sliders["out_channels"].disabled = params["mode"] != "corr"
        view = explorer_view(params)
        # Replacing the outputs (rather than printing into the widget) needs no running display
        # hook, so the update behaves the same in a notebook, in tests and in the benchmark.
        out.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": view, "text/plain": "explorer view"},
                "metadata": {},
            },
        )
        box.update_count += 1

    for widget in [operation, *sliders.values()]:
        widget.observe(update, names="value")
    update()
    return box

"""The static explorer: choose an operation and n, k, p, s, d, and see the shape, with no kernel.

``static_explorer()`` returns a :class:`StaticExplorer`; a notebook (and the built book) shows it
as HTML. Its menu and sliders set the operation (cross-correlation, max pooling, average pooling
or transposed convolution), the input size ``n``, kernel size ``k``, padding ``p``, stride ``s``,
dilation ``d`` and output padding. Each change rewrites the output-size formula with the numbers
substituted, the output shape (or, for an impossible combination, the same explanation that
:mod:`helpers.shapes` raises), the matching PyTorch call, and a small animation on an example input
(``0, 1, ..., 9, 0, 1, ...`` and a kernel of ``-1, 0, 1, 2``, as :func:`helpers.widgets
.explorer_inputs`). Transposed convolution is animated as a scatter: each input value, times the
kernel, is added into the output.

Unlike :func:`helpers.explore` (ipywidgets) it needs no Python kernel: everything runs in the
page's JavaScript (``explorer.js``, styled by the player's ``player.css`` plus ``explorer.css``:
the page runtime of :mod:`helpers.web.runtime`, inline in a notebook, one static file in the
book). The shape arithmetic therefore exists twice, here in :mod:`helpers.shapes` and in
``explorer.js``; the browser test ``tests/browser/test_explorer_page.py`` sets the controls over a
grid of combinations and checks every displayed size, error message and value against
:mod:`helpers.shapes` and the course's operations.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json

from .animation.plan import MAX_SIDE
from .sliders import pick
from .web.markup import heading, step_buttons
from .web.runtime import inline_runtime, without_runtime

OPERATIONS = {
    "corr": "Cross-correlation",
    "max": "Max pooling",
    "avg": "Average pooling",
    "transposed": "Transposed convolution",
}
"""Operation key -> the name the menu shows."""

CONTROLS = pick("n", "kernel_size", "padding", "stride", "dilation", "output_padding")
"""The static explorer's sliders, from the one table (:data:`helpers.sliders.SLIDERS`); also the
keyword arguments of :func:`static_explorer`."""

_ids = itertools.count()


def _validated(operation: str, values: dict) -> dict:
    if operation not in OPERATIONS:
        choices = ", ".join(map(repr, OPERATIONS))
        raise ValueError(f"operation must be one of {choices}, but got {operation!r}")
    for name, value in values.items():
        label, lo, hi, _ = CONTROLS[name]
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} ({label}) must be an int, but got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(
                f"{name}={value} is outside the explorer's slider for {label}, which runs from "
                f"{lo} to {hi}: pick a value in that range"
            )
    return values


class StaticExplorer:
    """A kernel-free explorer; a notebook or the built book displays it through ``_repr_html_``.

    ``operation`` and ``values`` are the initial settings, ``html`` the complete HTML
    (``nbytes`` its size in bytes), ``id`` the id of its root element.
    """

    def __init__(self, operation: str, values: dict, title: str, description: str):
        self.operation = operation
        self.values = dict(values)
        self.title = title
        self.description = description
        data = {
            "operation": operation,
            "values": self.values,
            "maxSide": MAX_SIDE,
            "names": OPERATIONS,
        }
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha1(f"{payload}{title}".encode()).hexdigest()[:8]
        self.id = f"c2d-xp-{digest}-{next(_ids)}"
        self.html = self._render(payload.replace("</", "<\\/"))

    @property
    def nbytes(self) -> int:
        """What the explorer adds to a book page, in bytes (UTF-8): its HTML without the inline
        runtime, which the book loads once per page (:mod:`helpers.web.runtime`)."""
        return len(without_runtime(self.html).encode("utf-8"))

    def _render(self, payload: str) -> str:
        xid = self.id
        options = "".join(
            f'<option value="{key}"{" selected" if key == self.operation else ""}>'
            f"{html.escape(name)}</option>"
            for key, name in OPERATIONS.items()
        )
        fields = [
            f'<label class="c2d-xp-field c2d-xp-op">Operation '
            f'<select data-param="operation">{options}</select></label>'
        ]
        for name, (label, lo, hi, _) in CONTROLS.items():
            value = self.values[name]
            fields.append(
                f'<label class="c2d-xp-field" data-field="{name}">'
                f'<span class="c2d-xp-label">{html.escape(label)}</span>'
                f'<input type="range" data-param="{name}" min="{lo}" max="{hi}" step="1" '
                f'value="{value}"><output class="c2d-xp-value">{value}</output></label>'
            )
        steps = (
            step_buttons() + '<input class="c2d-scrub" type="range" min="0" max="0" value="0" '
            'step="1" aria-label="Step">'
        )
        return (
            f'<div class="c2d-xp" id="{xid}" role="group" aria-labelledby="{xid}-title" '
            f'aria-describedby="{xid}-desc">'
            f"{heading(xid, self.title, self.description)}"
            f'<div class="c2d-xp-form">{"".join(fields)}</div>'
            '<p class="c2d-xp-note"></p>'
            '<div class="c2d-xp-result" aria-live="polite">'
            '<p class="c2d-xp-formula"><code></code></p>'
            '<p class="c2d-xp-shape"></p>'
            '<p class="c2d-xp-error" role="alert" hidden></p>'
            '<p class="c2d-xp-call"><code></code></p></div>'
            f'<div class="c2d-xp-anim"><div class="c2d-controls">{steps}</div>'
            '<div class="c2d-live" aria-live="polite"><p class="c2d-where"></p>'
            '<p class="c2d-math"></p></div></div>'
            '<div class="c2d-stage"><p class="c2d-nojs">This explorer computes in the page: it '
            "needs JavaScript. The formulas above and the players give the same sizes.</p></div>"
            f'<script type="application/json" class="c2d-xp-data">{payload}</script>'
            "</div>"
            f"{inline_runtime()}"
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return f"<StaticExplorer {self.operation}: {settings}, {self.nbytes / 1024:.1f} KB>"


def static_explorer(
    operation: str = "corr",
    n: int = 5,
    kernel_size: int = 3,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    *,
    title: str | None = None,
    description: str | None = None,
) -> StaticExplorer:
    """An explorer of output sizes that runs in the static book (no kernel, no network).

    ``operation``: ``"corr"`` (cross-correlation), ``"max"``, ``"avg"`` (pooling) or
    ``"transposed"`` (transposed convolution). The other arguments are the sliders' starting
    values, each within the range of :data:`CONTROLS`; an impossible combination is allowed (the
    explorer then shows why). Square inputs and kernels: ``n`` stands for ``n×n``. ``title`` and
    ``description`` are escaped before they reach HTML.

    >>> explorer = static_explorer("transposed", n=2, kernel_size=3, stride=2)
    >>> explorer.nbytes < 100_000
    True
    """
    values = _validated(
        operation,
        {
            "n": n,
            "kernel_size": kernel_size,
            "padding": padding,
            "stride": stride,
            "dilation": dilation,
            "output_padding": output_padding,
        },
    )
    if title is None:
        title = "Explorer: output sizes of convolution, pooling and transposed convolution"
    if description is None:
        description = (
            "Choose an operation and move the sliders. The formula is rewritten with your "
            "numbers, the output shape and the PyTorch call follow, and the animation below "
            "replays the operation on a small example input; hover over or tab to an output cell "
            "to see which input cells it depends on."
        )
    return StaticExplorer(operation, values, str(title), str(description))

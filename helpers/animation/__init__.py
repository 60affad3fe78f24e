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

One idea per file: :mod:`.plan` (the interface both kinds of plan share), :mod:`.sliding` (the
window of cross-correlation and pooling, :class:`Step`), :mod:`.scatter` (transposed convolution,
:class:`ScatterStep`), :mod:`.payload` (the JSON the page plays), :mod:`.page` (the HTML fragment,
:class:`Player`).

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

from .page import Player
from .plan import MAX_SIDE, MAX_STEPS, MAX_UPDATES, Plan
from .scatter import ScatterPlan, ScatterStep
from .sliding import MODES, SlidingPlan, Step

SCATTER_MODES = {"transposed": "Transposed convolution"}  # one input cell per step

__all__ = [
    "MAX_SIDE",
    "MAX_STEPS",
    "MAX_UPDATES",
    "MODES",
    "SCATTER_MODES",
    "Plan",
    "Player",
    "ScatterPlan",
    "ScatterStep",
    "SlidingPlan",
    "Step",
    "animate",
    "make_plan",
    "player_steps",
]


def make_plan(x, kernel=None, *, mode="corr", output_padding=0, **kwargs) -> Plan:
    """The plan of :func:`animate` (same arguments, no title): a :class:`ScatterPlan` for
    ``mode="transposed"``, else a :class:`SlidingPlan`."""
    if mode in SCATTER_MODES:
        return ScatterPlan.build(x, kernel, output_padding=output_padding, **kwargs)
    if mode not in MODES:
        allowed = ", ".join(map(repr, [*MODES, *SCATTER_MODES]))
        raise ValueError(f"mode must be one of {allowed}, got {mode!r}.")
    if output_padding != 0:
        raise TypeError(
            f"output_padding is for mode='transposed' only, got output_padding={output_padding!r} "
            f"with mode={mode!r}."
        )
    return SlidingPlan.build(x, kernel, mode=mode, **kwargs)


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
    return make_plan(
        x,
        kernel,
        mode=mode,
        kernel_size=kernel_size,
        padding=padding,
        stride=stride,
        dilation=dilation,
        bias=bias,
        output_padding=output_padding,
    ).steps()


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
    plan = make_plan(
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

"""What every figure is drawn with: the figure itself, cells, frames, labels and the fills.

One cell is one data unit and rows go down. :func:`new_figure` makes a figure sized to its content
with the step's arithmetic written underneath; :func:`cells` draws a block of numbered cells,
:func:`outline` a frame, :func:`label` a title above a grid, :func:`operator` a ⋆, → or = between
grids. Fills are the palette's roles (:data:`helpers.style.PALETTE`) blended over white, so the
hatching of padding stays visible: :data:`WINDOW`, :data:`KERNEL`, :data:`DONE`, :data:`PAD`.
"""

from __future__ import annotations

import base64
import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..style import PALETTE

FIG_WIDTH = 6.6  # inches: wide enough for three grids, scaled to ~50% at phone width
CAPTION_PT = 10.5  # the arithmetic under the grids


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


def new_figure(width_units: float, height_units: float, widest: int, text: str):
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


def ink(face) -> str:
    """Text colour for a cell filled with ``face``: white on dark fills, the text colour else."""
    from matplotlib.colors import to_rgb

    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(face))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b  # WCAG relative luminance
    return PALETTE["background"] if luminance < 0.2 else PALETTE["text"]


def cell(
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


def cells(
    ax, texts, x0, y0, face, *, hatched=(), bold=(), width=1.0, fontsize=10, z=0, contrast=False
):
    """Cells with top-left corner ``(x0, y0)``: ``texts`` holds rows of strings, ``face(r, c)``
    gives each cell's fill; cells in ``hatched`` are hatched with dashed edges, ``bold`` bold.
    With ``contrast``, text on a dark fill is white."""
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            cell(
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
                ink=ink(face(r, c)) if contrast else None,
            )


def outline(ax, x, y, w, h, color, lw=2.4, zorder=5):
    """A frame around cells ``(x, y)`` to ``(x + w, y + h)``, above the cells of its slab."""
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=color, linewidth=lw, zorder=zorder))


def blend(hex_colour: str, alpha: float) -> tuple:
    """``hex_colour`` at ``alpha`` over white, as an opaque RGB tuple (hatches stay visible)."""
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(1 - alpha * (1 - rgb))


WINDOW = blend(PALETTE["window"], 0.5)
KERNEL = blend(PALETTE["kernel"], 0.16)
DONE = blend(PALETTE["output"], 0.28)
PAD = blend(PALETTE["padding"], 0.6)
"""Fills: the window, the kernel, output cells already computed, padding."""


def label(ax, x, y, text, fontsize):
    ax.text(x, y - 0.2, text, ha="center", va="bottom", fontsize=fontsize, color=PALETTE["text"])


def operator(ax, x, y, symbol, fontsize):
    size = fontsize * (2.6 if symbol == "⋆" else 1.8)
    ax.text(x, y, symbol, ha="center", va="center", fontsize=size, color=PALETTE["muted"])

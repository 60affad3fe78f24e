"""One grid of numbered cells (:func:`draw_grid`), and figures composed of several.

:func:`draw_grid` is the building block of the course's figures: on a new figure, or on axes of
your own, where several grids share one axes (each grows the view to hold it: :func:`box`). The
figures made of grids (:mod:`.transposed`, :mod:`.im2col`) start from :func:`new_figure`, place
grids with ``origin=``, and end with :func:`fit_to_width`.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.patches import Rectangle

from .. import _validate as _v
from ..style import PALETTE, format_number
from . import canvas

GRID_CELL = 0.45  # inches per cell of a draw_grid figure (and the guess for axes given to it)


def as_grid(values, name) -> np.ndarray:
    """``values`` as a 2-D float array (a 1-D sequence is one row)."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a tensor, an array or nested lists of numbers.") from exc
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.size == 0:
        raise ValueError(
            f"{name} must be a non-empty row (W,) or grid (H, W) of numbers, got shape {a.shape}."
        )
    return a


def _cell_set(spec, shape, name) -> set[tuple[int, int]]:
    """Cells named by ``spec``: ``None``, a boolean mask of ``shape``, or ``(row, col)`` pairs."""
    if spec is None:
        return set()
    if hasattr(spec, "detach"):
        spec = spec.detach().cpu().numpy()
    mask = None if isinstance(spec, (set, frozenset)) else np.asarray(spec)
    if mask is not None and mask.dtype == bool:
        if mask.ndim == 1 and shape[0] == 1:
            mask = mask[None, :]
        if mask.shape != tuple(shape):
            raise ValueError(
                f"{name} is a mask of shape {mask.shape}, but the grid has shape {tuple(shape)}: "
                "give a mask of the same shape, or a list of (row, column) pairs."
            )
        return {(int(r), int(c)) for r, c in zip(*np.nonzero(mask), strict=True)}
    cells = set()
    for item in spec:
        if (
            not isinstance(item, (tuple, list))
            or len(item) != 2
            or not all(isinstance(v, (int, np.integer)) for v in item)
        ):
            raise TypeError(
                f"{name} must be a boolean mask or a list of (row, column) pairs, got {item!r} "
                "in it."
            )
        r, c = int(item[0]), int(item[1])
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            raise ValueError(
                f"{name} names cell ({r}, {c}), outside the {shape[0]}×{shape[1]} grid "
                "(rows and columns start at 0)."
            )
        cells.add((r, c))
    return cells


def font_size(texts, width_units: float) -> float:
    """Font size fitting the longest text in a cell ``width_units`` wide (``GRID_CELL`` inches)."""
    widest = max([len(t) for row in texts for t in row] + [1])
    return float(np.clip(min(11.0, GRID_CELL * 72 * width_units * 0.78 / (0.6 * widest)), 7, 12))


def extend_view(ax, x_lo, y_lo, x_hi, y_hi):
    """Grow the axes' view to hold a box (rows go down); remembers earlier grids on the axes."""
    old = getattr(ax, "_course_grid_box", None)
    if old is not None:
        x_lo, y_lo = min(x_lo, old[0]), min(y_lo, old[1])
        x_hi, y_hi = max(x_hi, old[2]), max(y_hi, old[3])
    ax._course_grid_box = (x_lo, y_lo, x_hi, y_hi)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_hi, y_lo)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_grid(
    values,
    *,
    ax=None,
    highlight=None,
    colors=None,
    changed=None,
    hatch=None,
    frames=None,
    title=None,
    note=None,
    origin=(0, 0),
    cell_width=1.0,
    fontsize=None,
    show_values=True,
    highlight_color=None,
    frame_color=None,
    fills=None,
    row_labels=None,
    col_labels=None,
):
    """One grid of numbered cells: the building block of the course's figures.

    ``values`` is ``(H, W)`` (or ``(W,)``, one row); each value is printed in its cell (as
    :func:`helpers.style.format_number` writes it) unless ``show_values=False``; or
    ``show_values`` chooses the cells whose values are printed, leaving the others blank (e.g. the
    zeros of a sparse matrix). Cells can be chosen with a boolean mask of the grid's shape or a
    list of ``(row, col)`` pairs:

    - ``highlight``: shaded in ``highlight_color`` (default: the receptive-field blue), bold text;
    - ``changed``: marked with a thick black frame inside the cell (e.g. "differs from before");
    - ``hatch``: hatched with dashed edges, like padding (e.g. cells that are dropped).

    ``colors`` maps values to fills, e.g. ``helpers.style.value_colors(values, vmax=1)`` (signed
    values: positive blue, negative orange) or ``{0: PALETTE["black"]}`` (other values stay
    white); ``fills`` maps cells ``(row, col)`` to fills, over ``colors`` (e.g. one colour per
    column); values on dark fills are written in white. ``frames`` lists windows
    ``(row, col, height, width)``, in cells, framed by dashed rectangles (``frame_color``, default
    blue). ``title`` is written centred above the grid, ``note`` to its right; ``row_labels`` and
    ``col_labels`` (one per row / column, e.g. ``range(H)``) left of the rows and under the
    columns, in grey. Cells are
    ``cell_width`` wide and one tall; the grid's top-left corner sits at ``origin`` (x, y) in data
    units, rows going down, so several grids can share one axes.

    Without ``ax``, draws on a new figure sized to the grid and returns the figure; with ``ax``,
    draws there (setting equal aspect, hiding the axis and growing the view to hold every grid
    drawn on it) and returns ``ax``.
    """
    grid = as_grid(values, "values")
    _v.drawable(grid.shape, "values")
    rows, cols = grid.shape
    width = float(cell_width)
    if not width > 0:
        raise ValueError(f"cell_width must be positive, got {cell_width!r}.")
    lit = _cell_set(highlight, grid.shape, "highlight")
    marked = _cell_set(changed, grid.shape, "changed")
    hatched = _cell_set(hatch, grid.shape, "hatch")
    if colors is not None and not isinstance(colors, dict):
        raise TypeError(
            f"colors must map values to colours, e.g. {{1: PALETTE['sky_blue']}}, got {colors!r}."
        )
    by_value = {float(k): v for k, v in (colors or {}).items()}
    if fills is not None and not isinstance(fills, dict):
        raise TypeError(
            f"fills must map cells (row, column) to colours, e.g. {{(0, 1): PALETTE['orange']}}, "
            f"got {fills!r}."
        )
    _cell_set(list(fills or {}), grid.shape, "fills")  # every key names a cell of the grid
    by_cell = {(int(r), int(c)): v for (r, c), v in (fills or {}).items()}
    lit_face = PALETTE["receptive_field"] if highlight_color is None else highlight_color
    if isinstance(show_values, (bool, np.bool_)):
        shown = {(r, c) for r in range(rows) for c in range(cols)} if show_values else set()
    else:
        shown = _cell_set(show_values, grid.shape, "show_values")
    texts = [
        [format_number(v) if (r, c) in shown else "" for c, v in enumerate(row)]
        for r, row in enumerate(grid)
    ]
    fs = font_size(texts, width) if fontsize is None else float(fontsize)
    x0, y0 = (float(v) for v in origin)
    row_texts = _labels(row_labels, rows, "row_labels", "row")
    col_texts = _labels(col_labels, cols, "col_labels", "column")
    note_w = 0.0
    if note:
        longest = max(len(line) for line in str(note).splitlines())
        note_w = 0.25 + longest * 0.6 * fs * 0.9 / 72 / GRID_CELL
    title_h = 0.35 + 0.5 * len(str(title).splitlines()) * fs / 11 if title else 0.0
    label_fs = fs * 0.8
    rows_w = 0.0
    if row_texts:
        rows_w = 0.2 + max(len(t) for t in row_texts) * 0.6 * label_fs / 72 / GRID_CELL
    cols_h = 0.2 + 1.2 * label_fs / 72 / GRID_CELL if col_texts else 0.0
    title_w = text_units(title, fs) if title else 0.0  # a title wider than the grid sticks out
    middle = x0 + cols * width / 2
    box = (
        min(x0 - 0.1 - rows_w, middle - title_w / 2),
        y0 - 0.1 - title_h,
        max(x0 + cols * width + note_w + 0.1, middle + title_w / 2),
        y0 + rows + 0.1 + cols_h,
    )

    created = ax is None
    if created:
        import matplotlib.pyplot as plt

        w_in, h_in = (box[2] - box[0]) * GRID_CELL, (box[3] - box[1]) * GRID_CELL
        fig = plt.figure(figsize=(w_in, h_in), FigureClass=canvas.CourseFigure)
        ax = fig.add_axes((0, 0, 1, 1))

    def face(r, c):
        if (r, c) in lit:
            return lit_face
        if (r, c) in by_cell:
            return by_cell[(r, c)]
        return by_value.get(float(grid[r, c]), canvas.PAD if (r, c) in hatched else "white")

    canvas.cells(
        ax, texts, x0, y0, face, hatched=hatched, bold=lit, width=width, fontsize=fs, contrast=True
    )
    for r, c in sorted(marked):
        ax.add_patch(
            Rectangle(
                (x0 + c * width + 0.08, y0 + r + 0.08),
                width - 0.16,
                0.84,
                fill=False,
                edgecolor=PALETTE["black"],
                linewidth=2.5,
                zorder=6,
            )
        )
    edge = PALETTE["blue"] if frame_color is None else frame_color
    for frame in frames or []:
        if len(frame) != 4:
            raise ValueError(f"each frame is (row, col, height, width) in cells, got {frame!r}.")
        r, c, h, w = frame
        ax.add_patch(
            Rectangle(
                (x0 + c * width, y0 + r),
                w * width,
                h,
                fill=False,
                edgecolor=edge,
                linewidth=2,
                linestyle="--",
                zorder=7,
            )
        )
    if title:
        canvas.label(ax, x0 + cols * width / 2, y0, str(title), fs)
    if note:
        ax.text(
            x0 + cols * width + 0.25,
            y0 + rows / 2,
            str(note),
            ha="left",
            va="center",
            fontsize=fs * 0.9,
            color=PALETTE["muted"],
        )
    muted = {"fontsize": label_fs, "color": PALETTE["muted"]}
    for r, text in enumerate(row_texts or []):
        ax.text(x0 - 0.15, y0 + r + 0.5, text, ha="right", va="center", **muted)
    for c, text in enumerate(col_texts or []):
        ax.text(x0 + (c + 0.5) * width, y0 + rows + 0.15, text, ha="center", va="top", **muted)
    extend_view(ax, *box)
    return ax.figure if created else ax


def _labels(labels, count, name, what) -> list[str] | None:
    """``labels`` (one per row or column) as strings; numbers written as in the cells."""
    if labels is None:
        return None
    if isinstance(labels, str) or not hasattr(labels, "__iter__"):
        raise TypeError(f"{name} must be a sequence with one label per {what}, got {labels!r}.")
    texts = [t if isinstance(t, str) else format_number(t) for t in labels]
    if len(texts) != count:
        raise ValueError(
            f"{name} has {len(texts)} labels, but the grid has {count} {what}s: give one "
            f"per {what}."
        )
    return texts


def box(ax) -> tuple[float, float, float, float]:
    """The box ``(x_lo, y_lo, x_hi, y_hi)``, in cells, that holds every grid drawn on ``ax``."""
    return ax._course_grid_box


def new_figure():
    """A new figure with one axes filling it, for grids drawn with :func:`draw_grid` (``ax=``)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(FigureClass=canvas.CourseFigure)
    return fig, fig.add_axes((0, 0, 1, 1))


def text_units(text: str, fontsize: float) -> float:
    """Roughly how many cells wide ``text`` is at ``fontsize`` (a digit is about 0.6 em)."""
    longest = max(len(line) for line in str(text).splitlines())
    return longest * 0.6 * fontsize / 72 / GRID_CELL


def fit_to_width(fig, ax, max_width: float = canvas.FIG_WIDTH):
    """Size ``fig`` to the grids on ``ax``, at most ``max_width`` inches wide.

    Text is laid out for cells ``GRID_CELL`` inches wide (:func:`draw_grid`'s default); when the
    figure must be narrower, every text shrinks with the cells.
    """
    x_lo, y_lo, x_hi, y_hi = box(ax)
    cell = min(GRID_CELL, max_width / (x_hi - x_lo))
    fig.set_size_inches((x_hi - x_lo) * cell, (y_hi - y_lo) * cell)
    for text in ax.texts:
        text.set_fontsize(text.get_fontsize() * cell / GRID_CELL)
    return fig


def arrow(ax, start, end, text, fontsize, *, side="above"):
    """A grey arrow from ``start`` to ``end`` (data units), labelled above it or to its right."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": PALETTE["muted"], "lw": 1.2},
    )
    (x1, y1), (x2, y2) = start, end
    if side == "above":
        where, align = ((x1 + x2) / 2, min(y1, y2) - 0.12), {"ha": "center", "va": "bottom"}
    else:
        where, align = (max(x1, x2) + 0.2, (y1 + y2) / 2), {"ha": "left", "va": "center"}
    ax.text(*where, text, fontsize=fontsize * 0.9, color=PALETTE["muted"], **align)


def as_2d(value, name, hint) -> torch.Tensor:
    """``value`` (tensor, array or nested lists) as a float64 ``(H, W)`` tensor."""
    shape = tuple(np.shape(value.detach() if hasattr(value, "detach") else value))
    if len(shape) != 2:
        raise ValueError(f"{name} must be 2-D (H, W) here, got shape {shape}; {hint}.")
    return torch.as_tensor(as_grid(value, name))

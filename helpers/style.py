"""The course's shared look: a colour-blind-safe palette, number formatting, and a matplotlib style.

Every figure (``helpers.drawing``) and every player (``helpers.animation``) takes its colours
from :data:`PALETTE` and prints numbers with :func:`format_number`, so a value reads the same in
the text, the static figure and the animation.

Nothing here runs on import: :func:`use_style` changes matplotlib's settings only when called.
"""

from __future__ import annotations

import math

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Roles are named for what they mark in our figures.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermilion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

PALETTE = {
    **OKABE_ITO,
    # roles
    "window": OKABE_ITO["orange"],  # the cells the kernel covers at the current step
    "window_edge": "#A35F00",  # darker orange outline of the window
    "receptive_field": OKABE_ITO["sky_blue"],  # input cells behind a hovered/focused output cell
    "receptive_field_edge": OKABE_ITO["blue"],
    "kernel": OKABE_ITO["blue"],
    "output": OKABE_ITO["bluish_green"],  # output cells already computed
    "current": OKABE_ITO["vermilion"],  # the output cell being computed now
    "positive": OKABE_ITO["blue"],  # signed values: positive blue, negative orange, zero white
    "negative": OKABE_ITO["orange"],
    "padding": "#D9D9D9",  # padding cells: light grey, hatched, dashed edge
    "grid": "#4D4D4D",
    "text": "#1A1A1A",
    "muted": "#6B6B6B",
    "background": "#FFFFFF",
}
"""Colours by name (Okabe-Ito) and by role (``window``, ``receptive_field``, ``padding``, ...).

Signed values (edge maps, feature maps) follow one convention in every chapter: ``positive`` is
blue, ``negative`` orange, zero white (:func:`diverging_cmap`, :func:`value_colors`)."""

MINUS = "\u2212"  # a real minus sign: "−3" reads better than "-3" in figures


def format_number(value, *, digits: int = 3) -> str:
    """Print a number compactly: integers without ``.0``, others to ``digits`` significant digits.

    ``19.0 -> "19"``, ``0.5 -> "0.5"``, ``2/3 -> "0.667"``, ``-3 -> "−3"`` (Unicode minus),
    ``-inf -> "−∞"`` (max pooling's padding value).
    """
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return ("" if v > 0 else MINUS) + "\u221e"
    if v == 0:
        return "0"
    if v == round(v) and abs(v) < 1e15:
        text = str(int(round(v)))
    elif abs(v) >= 10 ** (digits - 1):
        text = f"{v:.1f}".rstrip("0").rstrip(".")  # 123.45 -> "123.5", 999.96 -> "1000"
    else:
        text = f"{v:.{digits}g}"  # tiny values come out as e.g. "1.5e-05"
    return text.replace("-", MINUS)


def format_factor(value) -> str:
    """A number as a factor in a written-out product: :func:`format_number`, in parentheses when
    negative (``3 -> "3"``, ``-2 -> "(−2)"``), so ``2×(−2)`` reads unambiguously."""
    text = format_number(value)
    return f"({text})" if text.startswith(MINUS) else text


def format_pair(pair) -> str:
    """A pair such as a stride, as the text writes it: ``(2, 2) -> "2"``, ``(2, 1) -> "2×1"``."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def json_number(value) -> float | str:
    """A value for a page's JSON data: 7 significant digits, or JavaScript's name for a value JSON
    cannot hold (``"NaN"``, ``"Infinity"``, ``"-Infinity"``), so a NaN reaches the page as such."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return float(f"{v:.7g}")


def diverging_cmap():
    """A matplotlib colour map for signed values: orange (negative), white (zero), blue (positive).

    Colour-blind safe (Okabe-Ito orange and blue). Use it with limits symmetric around zero, e.g.
    ``ax.imshow(fmap, cmap=diverging_cmap(), vmin=-top, vmax=top)``, so that white means zero.
    """
    from matplotlib.colors import LinearSegmentedColormap  # lazy: no matplotlib on import

    colours = [PALETTE["negative"], PALETTE["background"], PALETTE["positive"]]
    # an odd number of entries puts one exactly at the middle: zero is pure white
    return LinearSegmentedColormap.from_list("course_diverging", colours, N=255)


def value_colors(values, *, vmax, vmin=None, cmap=None) -> dict[float, str]:
    """A fill colour for each distinct value, for ``helpers.draw_grid(values, colors=...)``.

    Values are placed on ``cmap`` (default :func:`diverging_cmap`) between ``vmin`` (default
    ``-vmax``, so that zero is white) and ``vmax``, clipped at both ends. Returns
    ``{value: "#rrggbb"}``: ``value_colors([-1, 0, 1], vmax=1)`` gives orange, white and blue, and
    counts from 0 to 9 with ``vmax=9`` shade from white to blue.
    """
    import numpy as np
    from matplotlib.colors import to_hex  # lazy: no matplotlib on import

    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    try:
        distinct = sorted(set(np.asarray(values, dtype=float).ravel().tolist()))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"values must be numbers (a tensor, an array or nested lists), got {values!r}."
        ) from exc
    lo = -float(vmax) if vmin is None else float(vmin)
    hi = float(vmax)
    if not hi > lo:
        raise ValueError(f"vmax must be larger than vmin, got vmin={lo} and vmax={hi}.")
    cmap = diverging_cmap() if cmap is None else cmap
    return {v: to_hex(cmap(min(max((v - lo) / (hi - lo), 0.0), 1.0))) for v in distinct}


def use_style() -> None:
    """Apply the course's matplotlib look (readable fonts at phone width, palette as colour cycle).

    In a notebook (IPython), figures are also shown as SVG with their text kept as text: sharp on
    high-DPI screens and when the book's column shrinks them on a phone, and searchable.

    An explicit call: importing ``helpers`` never changes matplotlib's settings.
    """
    import matplotlib as mpl
    from cycler import cycler

    order = ["blue", "orange", "bluish_green", "vermilion", "sky_blue", "reddish_purple", "yellow"]
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=[OKABE_ITO[name] for name in order]),
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 10,
            "figure.dpi": 110,
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "cividis",
            "svg.fonttype": "none",  # text stays text in SVG output
            "svg.hashsalt": "course",  # the same figure gives the same SVG (stable builds)
        }
    )
    _svg_in_notebooks()


def _svg_in_notebooks() -> None:
    """Inline figures as SVG when running under IPython (a notebook, the book's build)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with the notebook stack
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg")

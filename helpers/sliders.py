"""The explorers' sliders: one table, read by both explorers.

The live explorer (:func:`helpers.widgets.explore`, ipywidgets) and the static one
(:func:`helpers.explorer.static_explorer`, the page's JavaScript) take each slider's label, range
and default from :data:`SLIDERS`; each shows the sliders its operations need (:func:`pick`).
With ``n`` up to 12 and ``padding`` up to 6, the padded input stays within the player's 24 cells
(:data:`helpers.animation.MAX_SIDE`).
"""

from __future__ import annotations

from typing import NamedTuple


class Slider(NamedTuple):
    """One slider: its visible ``label``, its range ``minimum`` to ``maximum`` and its
    ``default``; unpacks as ``label, lo, hi, default``."""

    label: str
    minimum: int
    maximum: int
    default: int


SLIDERS = {
    "n": Slider("input size n", 1, 12, 5),
    "kernel_size": Slider("kernel size k", 1, 7, 3),
    "padding": Slider("padding p", 0, 6, 0),
    "stride": Slider("stride s", 1, 4, 1),
    "dilation": Slider("dilation d", 1, 3, 1),
    "output_padding": Slider("output padding", 0, 3, 0),
    "in_channels": Slider("in channels", 1, 3, 1),
    "out_channels": Slider("out channels", 1, 3, 1),
}
"""Parameter name (as the explorers' keyword arguments and PyTorch name it) -> its slider."""


def pick(*names: str) -> dict[str, Slider]:
    """The sliders called ``names``, in that order (an explorer's own selection of the table)."""
    return {name: SLIDERS[name] for name in names}

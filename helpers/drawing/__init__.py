"""Static figures of cross-correlation, pooling and transposed convolution, drawn from the data.

Each function returns a :class:`matplotlib.figure.Figure` (display it by leaving it last in a cell,
or save it with ``fig.savefig``). Values are printed in every cell, the current window is shaded,
padding cells are hatched with dashed edges, and the step's arithmetic is written under the grids,
e.g. ``0×0 + 1×1 + 3×2 + 4×3 = 19``. Numbers, windows and text come from
:func:`helpers.animation.player_steps`, so a figure shows exactly what the player shows at the same
step. Colours come from :data:`helpers.style.PALETTE`.

One figure family per file:

- :mod:`.steps`: one step of the sliding window. :func:`draw_correlation` (input, kernel and
  output grids), :func:`draw_pooling` (the same for max or average pooling), :func:`draw_channels`
  (several channels as stacked 3-D slabs: ``C_in`` input slabs, one stack of ``C_in`` kernel slabs
  per output channel, and ``C_out`` output slabs).
- :mod:`.grids`: :func:`draw_grid`, the building block: one grid of numbered cells, some shaded,
  hatched, framed or marked as changed, on a new figure or on axes of your own.
- :mod:`.receptive`: :func:`draw_receptive_field`, the grids of a stack of layers with the cells
  that one output cell depends on (:func:`receptive_fields`) shaded in every layer.
- :mod:`.transposed`: :func:`draw_transposed`, a transposed convolution as a scatter, one small
  panel per input cell (its value times the kernel, where it is added) and their sum; values from
  :mod:`helpers.transposed`.
- :mod:`.im2col`: :func:`draw_im2col`, the input's windows as the columns of a matrix, the kernel
  as a row, their product and the output it reshapes to.
- :mod:`.canvas`: what they are all drawn with (the figure, cells, frames, labels, fills).

Figures are made with pyplot, so both notebook habits show each figure exactly once: leave the call
last in a cell (the returned figure is displayed and removes itself from pyplot, so the inline
backend does not show it a second time), or call ``plt.show()`` after it.
"""

from .canvas import CourseFigure
from .grids import draw_grid
from .im2col import draw_im2col
from .receptive import draw_receptive_field, receptive_fields
from .steps import draw_channels, draw_correlation, draw_pooling
from .transposed import draw_transposed

__all__ = [
    "CourseFigure",
    "draw_channels",
    "draw_correlation",
    "draw_grid",
    "draw_im2col",
    "draw_pooling",
    "draw_receptive_field",
    "draw_transposed",
    "receptive_fields",
]

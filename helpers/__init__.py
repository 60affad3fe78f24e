"""Helpers for the 2-D convolution course.

Chapters ``import helpers`` and call what they need. Importing has no side effects: no styling,
no downloads, no warnings silenced, and submodules load only when a name from them is first used
(so ``import helpers`` stays fast and does not pull in matplotlib or ipywidgets).

One idea per submodule:

- ``helpers.correlation``: cross-correlation and convolution, as loops and vectorized.
- ``helpers.pooling``: max and average pooling.
- ``helpers.pointwise``: 1x1 convolution as a matrix product.
- ``helpers.transposed``: transposed convolution.
- ``helpers.shapes``: output-shape arithmetic and its inverse questions.
- ``helpers.cost``: parameter, multiply-add and memory-traffic counts.
- ``helpers.timing``: timing a call honestly, and a processor's estimated peak speed.
- ``helpers.style``: the shared colour-blind-safe palette.
- ``helpers.drawing``: static figures (one family per file).
- ``helpers.animation``: the kernel-sliding player that runs in a static page (its plans, payload
  and page fragment, one per file).
- ``helpers.web``: what runs in the page: the players' and explorer's JS/CSS, the runtime that
  bundles them, and the HTML pieces they share.
- ``helpers.widgets``: live ipywidgets explorers (need a running kernel).
- ``helpers.explorer``: the shape explorer that runs in the static book (no kernel).
- ``helpers.sliders``: the one table of both explorers' sliders.
- ``helpers.checks``: self-checks that give feedback on exercise answers.
- ``helpers.source``: a helper's source for a chapter, its argument checks folded away.
- ``helpers.prose``: values the text quotes (``glue``): in the book, or printed in a notebook.

Padding convention everywhere: PyTorch's. ``padding=p`` adds ``p`` rows/columns on *each* side;
``(p_h, p_w)`` gives one value per axis; ``((top, bottom), (left, right))`` gives every side.
"""

from importlib import import_module

# Public name -> submodule that defines it. One copy of each function; this table only points to it.
_EXPORTS = {
    # correlation
    "corr2d_loop": "correlation",
    "corr2d": "correlation",
    "corr2d_multi_in": "correlation",
    "corr2d_multi_in_out": "correlation",
    "conv2d": "correlation",
    "pad2d": "correlation",
    "flip_kernel": "correlation",
    "convolve2d": "correlation",
    # pooling
    "pool2d_loop": "pooling",
    "pool2d": "pooling",
    "max_pool2d": "pooling",
    "avg_pool2d": "pooling",
    # pointwise
    "conv1x1_matmul": "pointwise",
    # transposed
    "conv_transpose2d": "transposed",
    "conv_transpose2d_scatter": "transposed",
    "conv_transpose2d_via_conv": "transposed",
    "insert_zeros": "transposed",
    # shapes
    "conv_output_size": "shapes",
    "conv_output_shape": "shapes",
    "pool_output_size": "shapes",
    "pool_output_shape": "shapes",
    "transposed_output_size": "shapes",
    "same_padding": "shapes",
    "padding_for_output_size": "shapes",
    "output_padding_for": "shapes",
    "receptive_field": "shapes",
    # cost
    "conv2d_params": "cost",
    "conv2d_macs": "cost",
    "linear_params": "cost",
    "linear_macs": "cost",
    "depthwise_separable_params": "cost",
    "depthwise_separable_macs": "cost",
    "conv2d_memory": "cost",
    # timing
    "time_call": "timing",
    "relative_speed": "timing",
    "cpu_peak_estimate": "timing",
    "PeakEstimate": "timing",
    # visuals
    "PALETTE": "style",
    "use_style": "style",
    "draw_correlation": "drawing",
    "draw_pooling": "drawing",
    "draw_channels": "drawing",
    "draw_receptive_field": "drawing",
    "draw_grid": "drawing",
    "draw_transposed": "drawing",
    "draw_im2col": "drawing",
    "animate": "animation",
    "player_steps": "animation",
    "explore": "widgets",
    "static_explorer": "explorer",
    # source
    "show_source": "source",
    # prose
    "glue": "prose",
    "glue_words": "prose",
    "glue_count_zh": "prose",
}

_SUBMODULES = {
    "correlation",
    "pooling",
    "pointwise",
    "transposed",
    "shapes",
    "cost",
    "timing",
    "style",
    "drawing",
    "animation",
    "widgets",
    "explorer",
    "sliders",
    "web",
    "checks",
    "source",
    "prose",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value  # cache: the next lookup is a plain attribute
        return value
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | _SUBMODULES)

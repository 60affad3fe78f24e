"""Self-checks for exercises: each takes an answer and replies with a hint, never the answer.

One module per chapter topic; this package re-exports every check lazily, so a chapter writes
``helpers.checks.check_output_size(answer, ...)``. Every check reads its answer with the one
parser in :mod:`helpers.checks.answers` (Python, NumPy and torch numbers and sequences alike,
never a set) and is wrapped by its ``@reads_answer``.
"""

from importlib import import_module

from ._core import Feedback

# check name -> topic module. Each chapter's engineer adds the names of their module here.
_CHECKS: dict[str, str] = {
    # cross-correlation and convolutional layers
    "check_corr2d_output_shape": "correlation",
    "check_corr2d_values": "correlation",
    "check_flipped_kernel": "correlation",
    "check_receptive_field": "correlation",
    # padding and stride
    "check_padded_shape": "padding",
    "check_same_padding": "padding",
    "check_even_kernel_split": "padding",
    "check_layer_for_target": "padding",
    # multiple input and output channels
    "check_multi_in_output": "channels",
    "check_conv_layer_shapes": "channels",
    "check_folded_bias": "channels",
    # pooling
    "check_pool_result": "pooling",
    "check_pool_output_shape": "pooling",
    "check_max_pool_grad": "pooling",
    # pointwise (1x1 and depthwise-separable convolution)
    "check_pixel_value": "pointwise",
    "check_pointwise_shape": "pointwise",
    "check_conv_params": "pointwise",  # also used by cross-correlation and channels
    "check_conv_macs": "pointwise",
    "check_merged_weight": "pointwise",
    "check_separable_ratio": "pointwise",
    # convolution arithmetic (dilation, transposed convolution)
    "check_dilated_size": "arithmetic",
    "check_transposed_size": "arithmetic",
    "check_output_padding": "arithmetic",
    "check_transposed_values": "arithmetic",
    "check_upsampling_layer": "arithmetic",
    # making convolution fast
    "check_im2col_shape": "speed",
}

__all__ = ["Feedback", *sorted(_CHECKS)]


def __getattr__(name):
    if name in _CHECKS:
        value = getattr(import_module(f"{__name__}.{_CHECKS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'helpers.checks' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_CHECKS))

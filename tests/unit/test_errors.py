"""Bad input to the operations raises ValueError/TypeError naming the parameter and the value.

One row per mistake: the call, the exception type, and fragments (regular expressions) that must
all appear in the message. Nothing is silently broadcast or truncated.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers as h

ones = torch.ones
X = torch.ones(4, 4)
K = torch.ones(2, 2)

CASES = {
    # kernel channels != input channels
    "multi_in channels": (
        lambda: h.corr2d_multi_in(ones(2, 3, 3), ones(3, 2, 2)),
        ValueError,
        ["kernel has 3 input channels but the input has 2", r"\(3, 2, 2\)"],
    ),
    "multi_in_out channels": (
        lambda: h.corr2d_multi_in_out(ones(2, 3, 3), ones(4, 3, 2, 2)),
        ValueError,
        ["kernel has 3 input channels but the input has 2"],
    ),
    "conv2d channels": (
        lambda: h.conv2d(ones(1, 2, 5, 5), ones(4, 3, 2, 2)),
        ValueError,
        ["weight has 3 input channels but the input has 2", r"\(C_out, C_in, k_h, k_w\)"],
    ),
    "conv2d channels per group": (
        lambda: h.conv2d(ones(1, 4, 5, 5), ones(4, 1, 2, 2), groups=2),
        ValueError,
        ["weight has 1 input channels per group but the input has 2"],
    ),
    "groups must divide": (
        lambda: h.conv2d(ones(1, 3, 5, 5), ones(4, 1, 2, 2), groups=2),
        ValueError,
        ["groups=2", "input channels \\(3\\)"],
    ),
    "transposed channels": (
        lambda: h.conv_transpose2d(ones(1, 2, 3, 3), ones(3, 1, 2, 2)),
        ValueError,
        ["weight has 3 input channels but the input has 2", "input channels first"],
    ),
    "1x1 channels": (
        lambda: h.conv1x1_matmul(ones(2, 3, 3), ones(4, 3)),
        ValueError,
        ["weight has 3 input channels but x has 2"],
    ),
    # wrong number of dimensions
    "corr2d x ndim": (
        lambda: h.corr2d(ones(1, 3, 3), K),
        ValueError,
        ["x must have 2 dimensions", r"\(H, W\)", "has 3", r"\(1, 3, 3\)"],
    ),
    "corr2d kernel ndim": (
        lambda: h.corr2d(X, ones(1, 2, 2)),
        ValueError,
        ["kernel must have 2 dimensions", "has 3"],
    ),
    "loop x ndim": (lambda: h.corr2d_loop(ones(4), K), ValueError, ["x must have 2", "has 1"]),
    "multi_in x ndim": (
        lambda: h.corr2d_multi_in(X, ones(1, 2, 2)),
        ValueError,
        [r"x must have 3 dimensions \(C_in, H, W\)"],
    ),
    "conv2d input ndim": (
        lambda: h.conv2d(X, ones(1, 1, 2, 2)),
        ValueError,
        ["input must have 3 or 4 dimensions", "has 2"],
    ),
    "conv2d weight ndim": (
        lambda: h.conv2d(ones(1, 1, 4, 4), K),
        ValueError,
        ["weight must have 4 dimensions", "has 2"],
    ),
    "pool ndim": (lambda: h.pool2d(ones(5), 2), ValueError, [r"x must have .*\(\.\.\., H, W\)"]),
    "transposed weight ndim": (
        lambda: h.conv_transpose2d(X, ones(1, 1, 2, 2)),
        ValueError,
        ["weight must have 2 dimensions", "since input is"],
    ),
    "1x1 weight kernel": (
        lambda: h.conv1x1_matmul(ones(3, 4, 4), ones(2, 3, 3, 3)),
        ValueError,
        [r"kernel size \(3, 3\)", r"\(1, 1\)"],
    ),
    "bias ndim": (
        lambda: h.conv2d(ones(1, 1, 4, 4), ones(2, 1, 2, 2), ones(2, 1)),
        ValueError,
        ["bias must have 1 dimensions", "one value per output channel"],
    ),
    # kernel larger than the padded input
    "kernel too large": (
        lambda: h.corr2d(ones(3, 3), ones(4, 4)),
        ValueError,
        ["kernel_size=4", "padded input", r"3 \+ padding 0\+0 = 3", "at least 1 more"],
    ),
    "kernel too large with padding": (
        lambda: h.conv2d(ones(1, 1, 3, 3), ones(1, 1, 2, 7), padding=1),
        ValueError,
        ["kernel_size=7 along the width", r"3 \+ padding 1\+1 = 5"],
    ),
    "dilated kernel too large": (
        lambda: h.conv2d(ones(1, 1, 3, 3), ones(1, 1, 2, 2), dilation=3),
        ValueError,
        ["kernel_size=2 with dilation=3 spans", "= 4"],
    ),
    "loop kernel too large": (
        lambda: h.corr2d_loop(ones(2, 2), ones(3, 3)),
        ValueError,
        ["kernel_size=3", "padded input"],
    ),
    "pool window too large": (
        lambda: h.max_pool2d(ones(3, 3), 4),
        ValueError,
        ["window", "kernel_size=4"],
    ),
    # stride
    "stride 0": (lambda: h.corr2d(X, K, stride=0), ValueError, ["stride", "positive", "got 0"]),
    "stride negative": (
        lambda: h.conv2d(ones(1, 4, 4), ones(1, 1, 2, 2), stride=-1),
        ValueError,
        ["stride", "got -1"],
    ),
    "stride float": (lambda: h.corr2d(X, K, stride=1.5), TypeError, ["stride", "1.5", "float"]),
    "stride per axis": (
        lambda: h.corr2d(X, K, stride=(1, 0)),
        ValueError,
        [r"stride \(width\)", "got 0"],
    ),
    "stride string": (lambda: h.corr2d(X, K, stride="2"), TypeError, ["stride", "'2'"]),
    "stride bool": (lambda: h.corr2d(X, K, stride=True), TypeError, ["stride", "True"]),
    "stride 3 entries": (
        lambda: h.corr2d(X, K, stride=(1, 2, 3)),
        ValueError,
        ["stride", r"\(for height, for width\)", "3 entries"],
    ),
    "pool stride 0": (lambda: h.pool2d(X, 2, stride=0), ValueError, ["stride", "got 0"]),
    "transposed stride 0": (
        lambda: h.conv_transpose2d(X, K, stride=0),
        ValueError,
        ["stride", "got 0"],
    ),
    "shape stride 0": (lambda: h.conv_output_size(5, 3, stride=0), ValueError, ["stride", "got 0"]),
    "same needs stride 1": (
        lambda: h.conv2d(ones(1, 4, 4), ones(1, 1, 3, 3), padding="same", stride=2),
        ValueError,
        ["padding='same' needs stride=1", "stride=2"],
    ),
    # negative padding
    "padding negative": (
        lambda: h.corr2d(X, K, padding=-1),
        ValueError,
        ["padding", "non-negative", "got -1"],
    ),
    "padding per axis": (
        lambda: h.conv2d(ones(1, 4, 4), ones(1, 1, 2, 2), padding=(0, -2)),
        ValueError,
        [r"padding \(width\)", "got -2"],
    ),
    "padding per side": (
        lambda: h.conv2d(ones(1, 4, 4), ones(1, 1, 2, 2), padding=((0, 0), (1, -1))),
        ValueError,
        [r"padding \(width\)", "got -1"],
    ),
    "pad2d negative": (lambda: h.pad2d(X, -1), ValueError, ["padding", "got -1", "crop"]),
    "padding float": (lambda: h.corr2d(X, K, padding=1.0), TypeError, ["padding", "1.0"]),
    "padding string": (lambda: h.corr2d(X, K, padding="full"), ValueError, ["padding='full'"]),
    "padding 3 entries": (lambda: h.pad2d(X, (1, 2, 3)), ValueError, ["padding", "3 entries"]),
    "shape padding negative": (
        lambda: h.conv_output_size(5, 3, padding=-1),
        ValueError,
        ["padding", "got -1"],
    ),
    "pool padding negative": (
        lambda: h.avg_pool2d(X, 2, padding=-1),
        ValueError,
        ["padding", "got -1"],
    ),
    "transposed padding negative": (
        lambda: h.conv_transpose2d(X, K, padding=-1),
        ValueError,
        ["padding", "got -1"],
    ),
    "padding and total_padding": (
        lambda: h.conv_output_size(5, 3, padding=1, total_padding=2),
        ValueError,
        ["either padding", "padding=1", "total_padding=2"],
    ),
    # dilation
    "dilation 0": (lambda: h.corr2d(X, K, dilation=0), ValueError, ["dilation", "got 0"]),
    "dilation per axis": (
        lambda: h.conv2d(ones(1, 4, 4), ones(1, 1, 2, 2), dilation=(1, -1)),
        ValueError,
        [r"dilation \(width\)", "got -1"],
    ),
    "pool dilation 0": (lambda: h.max_pool2d(X, 2, dilation=0), ValueError, ["dilation", "got 0"]),
    "shape dilation 0": (
        lambda: h.conv_output_size(5, 3, dilation=0),
        ValueError,
        ["dilation", "got 0"],
    ),
    "transposed dilation 0": (
        lambda: h.conv_transpose2d(X, K, dilation=0),
        ValueError,
        ["dilation", "got 0"],
    ),
    # pooling window
    "window 0": (lambda: h.pool2d(X, 0), ValueError, ["kernel_size", "got 0"]),
    "window per axis": (
        lambda: h.max_pool2d(X, (2, 0)),
        ValueError,
        [r"kernel_size \(width\)", "got 0"],
    ),
    "window negative": (lambda: h.avg_pool2d(X, -1), ValueError, ["kernel_size", "got -1"]),
    "loop window 0": (lambda: h.pool2d_loop(X, 0), ValueError, ["kernel_size", "got 0"]),
    "shape window 0": (lambda: h.pool_output_size(5, 0), ValueError, ["kernel_size", "got 0"]),
    "pool padding more than half": (
        lambda: h.max_pool2d(X, 2, padding=2),
        ValueError,
        ["padding=2", "kernel_size=2", "at most 1"],
    ),
    "pool mode": (
        lambda: h.pool2d(X, 2, mode="min"),
        ValueError,
        ["mode", "'min'", "'max' or 'avg'"],
    ),
    # empty input
    "empty x": (lambda: h.corr2d(ones(0, 3), K), ValueError, ["x is empty", r"\(0, 3\)"]),
    "empty kernel": (lambda: h.corr2d(X, ones(2, 0)), ValueError, ["kernel is empty", r"\(2, 0\)"]),
    "empty input channels": (
        lambda: h.conv2d(ones(1, 0, 3, 3), ones(1, 0, 2, 2)),
        ValueError,
        ["input is empty"],
    ),
    "empty numpy pool": (lambda: h.pool2d(np.ones((2, 0)), 1), ValueError, ["x is empty"]),
    "empty batch": (
        lambda: h.conv1x1_matmul(ones(0, 3, 2, 2), ones(2, 3)),
        ValueError,
        ["x is empty"],
    ),
    # non-numeric input
    "bool tensor": (
        lambda: h.corr2d(X.bool(), K),
        TypeError,
        ["x has dtype torch.bool", "real numbers"],
    ),
    "complex tensor": (
        lambda: h.conv2d(ones(1, 3, 3), ones(1, 1, 2, 2, dtype=torch.cfloat)),
        TypeError,
        ["weight has dtype torch.complex64"],
    ),
    "string array": (
        lambda: h.corr2d(np.array([["a", "b"]]), K),
        TypeError,
        ["x has NumPy dtype <U1", "not numeric"],
    ),
    "object array": (
        lambda: h.pool2d(np.array([[1, None]]), 1),
        TypeError,
        ["x has NumPy dtype object"],
    ),
    "list input": (
        lambda: h.corr2d([[1, 2], [3, 4]], K),
        TypeError,
        ["x must be a torch.Tensor or a NumPy array", "list", "torch.tensor"],
    ),
    "list kernel": (
        lambda: h.corr2d(X, [[1]]),
        TypeError,
        ["kernel must be a torch.Tensor", "list"],
    ),
    # output-shape questions with no positive answer
    "conv size empty": (
        lambda: h.conv_output_size(3, 5),
        ValueError,
        ["kernel_size=5", "padded input", "3", "at least 2 more"],
    ),
    "conv shape empty": (
        lambda: h.conv_output_shape((3, 3), (2, 4)),
        ValueError,
        ["kernel_size=4 along the width"],
    ),
    "pool size empty": (lambda: h.pool_output_size(2, 3), ValueError, ["window", "kernel_size=3"]),
    "transposed size empty": (
        lambda: h.transposed_output_size(1, 1, padding=1),
        ValueError,
        ["output size", "= -1", "padding=1"],
    ),
    "n zero": (
        lambda: h.conv_output_size(0, 3),
        ValueError,
        ["n must be a positive integer", "got 0"],
    ),
    "output padding too large": (
        lambda: h.transposed_output_size(3, 3, stride=2, output_padding=2),
        ValueError,
        ["output_padding=2", r"stride \(2\)", r"dilation \(1\)"],
    ),
    "transposed op too large": (
        lambda: h.conv_transpose2d(X, K, stride=2, output_padding=(0, 2)),
        ValueError,
        ["output_padding=2", r"stride \(2\)"],
    ),
    "impossible padding": (
        lambda: h.padding_for_output_size(8, 1, 3),
        ValueError,
        ["output_size=1", "already has 6"],
    ),
    "same_padding extra": (lambda: h.same_padding(2, extra="top"), ValueError, ["extra", "'top'"]),
    "receptive field layer": (
        lambda: h.receptive_field([(3, 1), (3,)]),
        ValueError,
        [r"layers\[1\]", r"\(3,\)"],
    ),
    "receptive field stride": (
        lambda: h.receptive_field([(3, 0)]),
        ValueError,
        [r"layers\[0\] stride", "got 0"],
    ),
    # bias
    "bias count": (
        lambda: h.conv2d(ones(1, 2, 4, 4), ones(4, 2, 2, 2), ones(2)),
        ValueError,
        ["bias has 2 values", "4 output channels", "one bias per output channel"],
    ),
    "transposed bias count": (
        lambda: h.conv_transpose2d(ones(1, 2, 4, 4), ones(2, 3, 2, 2), ones(2)),
        ValueError,
        ["bias has 2 values", "3 output"],
    ),
    "1x1 bias count": (
        lambda: h.conv1x1_matmul(ones(3, 2, 2), ones(2, 3), ones(3)),
        ValueError,
        ["bias has 3 values", "2 output channels"],
    ),
    # cost
    "cost channels 0": (lambda: h.conv2d_params(0, 3, 3), ValueError, ["in_channels", "got 0"]),
    "cost groups": (
        lambda: h.conv2d_params(3, 4, 3, groups=2),
        ValueError,
        ["groups=2", "in_channels \\(3\\)"],
    ),
    "cost output size": (
        lambda: h.conv2d_macs(3, 4, 3, output_size=(4, 0)),
        ValueError,
        [r"output_size \(width\)", "got 0"],
    ),
    "linear features": (
        lambda: h.linear_params((3, 0), 4),
        ValueError,
        [r"in_features\[1\]", "got 0"],
    ),
}


@pytest.mark.parametrize("call, error, fragments", CASES.values(), ids=CASES.keys())
def test_bad_input_gets_a_clear_message(call, error, fragments):
    pattern = "(?s)" + "".join(f"(?=.*{fragment})" for fragment in fragments)
    with pytest.raises(error, match=pattern):
        call()

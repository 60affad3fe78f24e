"""helpers.conv2d_memory: the numbers a convolution layer reads and writes (input, weights,
output), counted from real PyTorch tensors."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from helpers import conv2d_macs, conv2d_memory, conv_output_shape

CASES = [
    # in, out, kernel_size, groups, input (H, W), padding, stride, batch
    (3, 16, 3, 1, (32, 32), 0, 1, 1),
    (2, 3, (3, 5), 1, (8, 9), (1, 2), 1, 2),
    (4, 6, 3, 2, (10, 9), 1, 2, 3),
    (8, 8, 5, 8, (12, 12), 2, 1, 1),  # depthwise
    (64, 128, 1, 1, (7, 7), 0, 1, 4),  # pointwise
]


@pytest.mark.parametrize("c_in, c_out, k, groups, size, padding, stride, batch", CASES)
def test_counts_the_tensors_of_a_real_layer(c_in, c_out, k, groups, size, padding, stride, batch):
    layer = nn.Conv2d(c_in, c_out, k, padding=padding, stride=stride, groups=groups, bias=False)
    x = torch.zeros(batch, c_in, *size)
    y = layer(x)
    out = conv_output_shape(size, k, padding=padding, stride=stride)
    assert tuple(y.shape[-2:]) == out
    expected = x.numel() + layer.weight.numel() + y.numel()
    assert conv2d_memory(c_in, c_out, k, size, out, groups=groups, batch=batch) == expected


def test_int_sizes_mean_square():
    assert conv2d_memory(3, 4, 3, 10, 8) == conv2d_memory(3, 4, (3, 3), (10, 10), (8, 8))


def test_weights_are_read_once_per_batch():
    one = conv2d_memory(16, 32, 3, 20, 18)
    four = conv2d_memory(16, 32, 3, 20, 18, batch=4)
    weights = 32 * 16 * 9
    assert four - weights == 4 * (one - weights)


def test_full_3x3_layer_of_the_book():
    # 128 -> 128 channels, 3x3, padding 1 on 56x56 (ch-one-by-one, ch-fast-convolution)
    moved = conv2d_memory(128, 128, 3, 56, 56)
    assert moved == 128 * 56**2 + 128 * 128 * 9 + 128 * 56**2 == 950_272
    assert round(2 * conv2d_macs(128, 128, 3, 56) / (4 * moved)) == 243
    depthwise = conv2d_memory(128, 128, 3, 56, 56, groups=128)
    assert round(2 * conv2d_macs(128, 128, 3, 56, groups=128) / (4 * depthwise), 2) == 2.25


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        (dict(input_size=(4, 0)), ValueError, "input_size"),
        (dict(output_size=0), ValueError, "output_size"),
        (dict(groups=3), ValueError, "groups"),
        (dict(batch=0), ValueError, "batch"),
        (dict(in_channels=2.0), TypeError, "in_channels"),
    ],
)
def test_bad_arguments_are_explained(kwargs, error, word):
    args = dict(in_channels=4, out_channels=8, kernel_size=3, input_size=6, output_size=4)
    with pytest.raises(error, match=word):
        conv2d_memory(**{**args, **kwargs})

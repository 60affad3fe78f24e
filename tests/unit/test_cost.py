"""helpers.cost: parameter counts from PyTorch modules, multiply-adds from PyTorch's FLOP counter
(which counts 2 FLOPs per multiply-add)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from helpers import (
    conv2d_macs,
    conv2d_params,
    conv_output_shape,
    depthwise_separable_macs,
    depthwise_separable_params,
    linear_macs,
    linear_params,
)


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def macs(module, x):
    with FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops() // 2


CONV_CASES = [
    # in, out, kernel_size, groups, bias, input (H, W), stride
    (3, 16, 3, 1, True, (32, 32), 1),
    (2, 3, (3, 5), 1, False, (8, 8), 1),
    (4, 6, 3, 2, True, (10, 9), 2),
    (8, 8, 5, 8, True, (12, 12), 1),  # depthwise
    (64, 128, 1, 1, False, (7, 7), 1),
]


@pytest.mark.parametrize("c_in, c_out, k, groups, bias, size, stride", CONV_CASES)
def test_conv2d_counts_match_torch(c_in, c_out, k, groups, bias, size, stride):
    layer = nn.Conv2d(c_in, c_out, k, stride=stride, groups=groups, bias=bias)
    assert conv2d_params(c_in, c_out, k, bias=bias, groups=groups) == n_params(layer)
    out = conv_output_shape(size, k, stride=stride)
    for batch in (1, 3):
        x = torch.zeros(batch, c_in, *size)
        assert conv2d_macs(c_in, c_out, k, out, groups=groups, batch=batch) == macs(layer, x)


@pytest.mark.parametrize("n_in, n_out, bias", [(5, 7, True), ((3, 4, 4), (2, 2, 2), False)])
def test_linear_counts_match_torch(n_in, n_out, bias):
    flat_in = n_in if isinstance(n_in, int) else torch.Size(n_in).numel()
    flat_out = n_out if isinstance(n_out, int) else torch.Size(n_out).numel()
    layer = nn.Linear(flat_in, flat_out, bias=bias)
    assert linear_params(n_in, n_out, bias=bias) == n_params(layer)
    assert linear_macs(n_in, n_out, batch=4) == macs(layer, torch.zeros(4, flat_in))


@pytest.mark.parametrize(
    "c_in, c_out, k, size, bias", [(3, 16, 3, (8, 8), True), (32, 64, 5, (6, 7), False)]
)
def test_depthwise_separable_counts_match_torch(c_in, c_out, k, size, bias):
    pair = nn.Sequential(
        nn.Conv2d(c_in, c_in, k, groups=c_in, bias=bias), nn.Conv2d(c_in, c_out, 1, bias=bias)
    )
    out = conv_output_shape(size, k)
    assert depthwise_separable_params(c_in, c_out, k, bias=bias) == n_params(pair)
    x = torch.zeros(2, c_in, *size)
    assert depthwise_separable_macs(c_in, c_out, k, out, batch=2) == macs(pair, x)


def test_conv_vs_fully_connected_on_the_same_shapes():
    """The notes' comparison, without bias: c_i*c_o*h*w weights for the convolution, whatever the
    image size, vs c1*c2*h1*w1*h2*w2 for a fully connected layer between the same shapes."""
    assert conv2d_params(3, 16, 3, bias=False) == 3 * 16 * 3 * 3
    assert linear_params((3, 32, 32), (16, 30, 30), bias=False) == 3 * 16 * 32 * 32 * 30 * 30
    ratio = linear_params((3, 32, 32), (16, 30, 30), bias=False) / conv2d_params(
        3, 16, 3, bias=False
    )
    assert ratio == 32 * 32 * 30 * 30 / 9


def test_one_bias_per_output_channel():
    assert conv2d_params(2, 3, 3) - conv2d_params(2, 3, 3, bias=False) == 3  # not 2 * 3


def test_depthwise_separable_is_cheaper():
    standard = conv2d_macs(64, 128, 3, 56)
    separable = depthwise_separable_macs(64, 128, 3, 56)
    assert separable / standard == pytest.approx(1 / 128 + 1 / 9)

"""helpers.conv1x1_matmul: a 1x1 convolution is a matrix product over the channel axis."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from ops_cases import (
    DTYPES,
    PROPERTY,
    TOL,
    one_torch_thread,  # noqa: F401 (autouse fixture)
    randn,
    seeds,
)

from helpers import conv1x1_matmul, conv2d, corr2d_multi_in_out


def test_seed_1x1_equals_multi_channel_correlation():
    """The notes' check: 3 input channels, 2 output channels, 3x3 pixels."""
    x, k = randn(0, 3, 3, 3), randn(1, 2, 3, 1, 1)
    y_matmul = conv1x1_matmul(x, k)
    y_corr = corr2d_multi_in_out(x, k)
    assert y_matmul.shape == (2, 3, 3)  # the height and width are kept
    assert float((y_matmul - y_corr).abs().sum()) < 1e-6


def test_each_pixel_is_the_same_linear_map_of_its_channels():
    x, w = randn(0, 3, 4, 5), randn(1, 2, 3)
    y = conv1x1_matmul(x, w)
    for i, j in [(0, 0), (3, 4), (2, 1)]:
        torch.testing.assert_close(y[:, i, j], w @ x[:, i, j])


@PROPERTY
@given(
    st.integers(1, 2),  # batch
    st.integers(1, 4),  # C_in
    st.integers(1, 4),  # C_out
    st.integers(1, 5),  # H
    st.integers(1, 5),  # W
    st.booleans(),  # bias
    st.booleans(),  # weight as (C_out, C_in, 1, 1) instead of (C_out, C_in)
    st.sampled_from(DTYPES),
    seeds,
)
def test_matches_torch_conv2d(n, c_in, c_out, h, w, bias, four_d, dtype, seed):
    x = randn(seed, n, c_in, h, w, dtype=dtype)
    weight = randn(seed + 1, c_out, c_in, 1, 1, dtype=dtype)
    b = randn(seed + 2, c_out, dtype=dtype) if bias else None
    expected = F.conv2d(x, weight, b)
    arg = weight if four_d else weight[:, :, 0, 0]
    torch.testing.assert_close(conv1x1_matmul(x, arg, b), expected, **TOL[dtype])
    torch.testing.assert_close(conv1x1_matmul(x[0], arg, b), expected[0], **TOL[dtype])
    torch.testing.assert_close(conv2d(x, weight, b), expected, **TOL[dtype])


def test_numpy_in_numpy_out():
    x, w = np.arange(12.0).reshape(3, 2, 2), np.ones((2, 3))
    y = conv1x1_matmul(x, w)
    assert isinstance(y, np.ndarray)
    assert y.tolist() == [[[12.0, 15.0], [18.0, 21.0]]] * 2

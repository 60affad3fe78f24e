"""helpers.pooling against torch's max_pool2d / avg_pool2d, and the worked pooling examples."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from ops_cases import (
    PROPERTY,
    TOL,
    axis,
    one_torch_thread,  # noqa: F401 (autouse fixture)
    pool_cases,
    randn,
    seeds,
)

from helpers import avg_pool2d, max_pool2d, pool2d, pool2d_loop, pool_output_shape

# --- worked examples -----------------------------------------------------------------------

X9 = torch.arange(9.0).reshape(3, 3)
X16 = torch.arange(16.0).reshape(1, 1, 4, 4)


@pytest.mark.parametrize(
    "mode, expected", [("max", [[4.0, 5.0], [7.0, 8.0]]), ("avg", [[2.0, 3.0], [5.0, 6.0]])]
)
def test_2x2_pooling_of_0_to_8_with_stride_1(mode, expected):
    assert pool2d_loop(X9, 2, mode).tolist() == expected
    assert pool2d(X9, 2, stride=1, mode=mode).tolist() == expected


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"kernel_size": 3}, [[10.0]]),  # stride defaults to the window: one window fits
        ({"kernel_size": 3, "padding": 1, "stride": 2}, [[5.0, 7.0], [13.0, 15.0]]),
        ({"kernel_size": (2, 3), "padding": (0, 1), "stride": (2, 3)}, [[5.0, 7.0], [13.0, 15.0]]),
    ],
)
def test_max_pooling_of_0_to_15(kwargs, expected):
    assert max_pool2d(X16, **kwargs)[0, 0].tolist() == expected
    assert F.max_pool2d(X16, **kwargs)[0, 0].tolist() == expected


def test_seed_two_channels_3x3_window_padding_1_stride_2_1():
    x = torch.arange(32, dtype=torch.float32).view(1, 2, 4, 4)
    y = max_pool2d(x, 3, padding=1, stride=(2, 1))
    assert y.shape == (1, 2, 2, 4)  # pooling keeps the number of channels
    assert y[0, 0].tolist() == [[5.0, 6.0, 7.0, 7.0], [13.0, 14.0, 15.0, 15.0]]
    assert (y[0, 1] == y[0, 0] + 16).all()  # each channel pooled on its own
    torch.testing.assert_close(y, F.max_pool2d(x, 3, padding=1, stride=(2, 1)))


def test_channels_are_pooled_separately():
    x = torch.stack([X16[0, 0], X16[0, 0] + 1])  # (2, 4, 4)
    y = pool2d(x, 3, padding=1, stride=2)
    assert y.shape == (2, 2, 2)
    assert y[1].tolist() == [[6.0, 8.0], [14.0, 16.0]]


def test_max_pool_pads_with_minus_infinity_and_avg_counts_padding():
    x = -torch.ones(1, 2, 2)
    assert (max_pool2d(x, 2, stride=1, padding=1) == -1).all()  # padding never wins
    corner = avg_pool2d(x, 2, stride=1, padding=1)[0, 0, 0].item()
    assert corner == -0.25  # one real cell, divided by the full window of 4
    assert avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)[0, 0, 0].item() == -1


def test_integer_input():
    x = torch.arange(16).reshape(4, 4)
    assert max_pool2d(x, 2).dtype == torch.int64
    assert max_pool2d(x, 2, padding=1).tolist() == [[0, 2, 3], [8, 10, 11], [12, 14, 15]]
    assert avg_pool2d(x, 2).dtype == torch.get_default_dtype()
    assert avg_pool2d(x, 2).tolist() == [[2.5, 4.5], [10.5, 12.5]]


@pytest.mark.parametrize("fn", [max_pool2d, avg_pool2d])
def test_numpy_in_numpy_out(fn):
    x = np.arange(16.0).reshape(4, 4)
    y = fn(x, 2)
    assert isinstance(y, np.ndarray)
    np.testing.assert_array_equal(y, fn(torch.from_numpy(x), 2).numpy())


# --- properties against PyTorch ---------------------------------------------------------------


def torch_pool(x, mode, case, count_include_pad=True):
    if mode == "max":
        return F.max_pool2d(
            x, case["kernel_size"], case["stride"], case["padding"], case["dilation"]
        )
    return F.avg_pool2d(
        x, case["kernel_size"], case["stride"], case["padding"], count_include_pad=count_include_pad
    )


@PROPERTY
@given(pool_cases(dilation=True))
def test_max_pool_matches_torch(case):
    x = randn(case["seed"], *case["shape"], dtype=case["dtype"])
    expected = torch_pool(x, "max", case)
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    # a window can hold only padding (with dilation): both give -inf there, so compare as equal
    torch.testing.assert_close(max_pool2d(x, case["kernel_size"], **kw), expected, rtol=0, atol=0)
    torch.testing.assert_close(pool2d(x[0], case["kernel_size"], **kw), expected[0], rtol=0, atol=0)
    shape = pool_output_shape(case["shape"][-2:], case["kernel_size"], **kw)
    assert shape == tuple(expected.shape[-2:])


@PROPERTY
@given(pool_cases(dilation=False), st.booleans())
def test_avg_pool_matches_torch(case, count_include_pad):
    x = randn(case["seed"], *case["shape"], dtype=case["dtype"])
    expected = torch_pool(x, "avg", case, count_include_pad)
    kw = {k: case[k] for k in ("stride", "padding")}
    got = avg_pool2d(x, case["kernel_size"], **kw, count_include_pad=count_include_pad)
    torch.testing.assert_close(got, expected, **TOL[case["dtype"]])
    assert pool_output_shape(case["shape"][-2:], case["kernel_size"], **kw) == expected.shape[-2:]


@PROPERTY
@given(axis(pool=True, max_d=1, max_p=0), axis(pool=True, max_d=1, max_p=0), seeds)
def test_loop_matches_torch(h, w, seed):
    x = randn(seed, h[0], w[0])
    k, s = (h[1], w[1]), (h[2], w[2])
    for mode, fn in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        expected = fn(x[None], k, s)[0]
        torch.testing.assert_close(pool2d_loop(x, k, mode, stride=s), expected)

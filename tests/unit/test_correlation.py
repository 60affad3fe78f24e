"""helpers.correlation against torch.nn.functional.conv2d, and the course notes' worked numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from ops_cases import (
    PROPERTY,
    TOL,
    axis,
    conv_cases,
    conv_tensors,
    one_torch_thread,  # noqa: F401 (autouse fixture)
    randn,
    seeds,
)

import helpers
from helpers import (
    conv2d,
    convolve2d,
    corr2d,
    corr2d_loop,
    corr2d_multi_in,
    corr2d_multi_in_out,
    flip_kernel,
    pad2d,
)

# --- the worked numbers of the notes ---------------------------------------------------------

X_CH = torch.tensor(
    [
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    ]
)
K_CH = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])


@pytest.mark.parametrize("fn", [corr2d_loop, corr2d])
@pytest.mark.parametrize(
    "make", [torch.tensor, lambda v: torch.tensor(v, dtype=torch.float32), np.array]
)
def test_seed_single_channel_19_25_37_43(fn, make):
    x = make(np.arange(9).reshape(3, 3))
    k = make(np.arange(4).reshape(2, 2))
    y = fn(x, k)
    assert type(y) is type(x)
    assert y.dtype == x.dtype  # integers stay integers (int64), floats keep their precision
    assert np.asarray(y).tolist() == [[19, 25], [37, 43]]
    assert 0 * 0 + 1 * 1 + 3 * 2 + 4 * 3 == 19  # the first output, by hand


def test_integer_input_is_exact_int64():
    y = corr2d(torch.arange(9, dtype=torch.uint8).reshape(3, 3), torch.full((2, 2), 100))
    assert y.dtype == torch.int64
    assert y.tolist() == [[800, 1200], [2000, 2400]]  # would overflow uint8


def test_seed_multi_in_56_72_104_120():
    assert corr2d_multi_in(X_CH, K_CH).tolist() == [[56.0, 72.0], [104.0, 120.0]]
    # the first output, channel by channel
    assert (0 * 0 + 1 * 1 + 3 * 2 + 4 * 3) + (1 * 1 + 2 * 2 + 4 * 3 + 5 * 4) == 56


def test_seed_three_output_stack():
    kernel = torch.stack([K_CH, K_CH + 1, K_CH + 2], dim=0)
    assert kernel.shape == (3, 2, 2, 2)
    y = corr2d_multi_in_out(X_CH, kernel)
    expected = [
        [[56.0, 72.0], [104.0, 120.0]],
        [[76.0, 100.0], [148.0, 172.0]],
        [[96.0, 128.0], [192.0, 224.0]],
    ]
    assert y.tolist() == expected
    assert conv2d(X_CH, kernel).tolist() == expected


def test_seed_edge_detection():
    x = torch.ones(6, 8)
    x[:, 2:6] = 0
    y = corr2d(x, torch.tensor([[1.0, -1.0]]))
    assert y[0].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0]
    assert (y == y[0]).all()
    assert (corr2d(x.t(), torch.tensor([[1.0, -1.0]])) == 0).all()  # blind to horizontal edges


# --- convolution vs cross-correlation ------------------------------------------------------


def test_flip_kernel_rotates_by_180_degrees():
    k = torch.arange(6).reshape(2, 3)
    assert flip_kernel(k).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert flip_kernel(np.arange(6).reshape(1, 2, 3)).tolist() == [[[5, 4, 3], [2, 1, 0]]]


@PROPERTY
@given(axis(stride_one=True, max_d=1), axis(stride_one=True, max_d=1), seeds)
def test_convolve2d_is_full_convolution(h, w, seed):
    """With padding k-1, ``convolve2d`` is y[i, j] = sum_ab x[a, b] k[i-a, j-b], which is what
    torch's conv_transpose2d computes at stride 1 (an independent oracle)."""
    x, k = randn(seed, h[0], w[0]), randn(seed + 1, h[1], w[1])
    full = convolve2d(x, k, padding=(h[1] - 1, w[1] - 1))
    torch.testing.assert_close(full, F.conv_transpose2d(x[None, None], k[None, None])[0, 0])
    p = (h[4], w[4])
    torch.testing.assert_close(convolve2d(x, k, padding=p), corr2d(x, flip_kernel(k), padding=p))


# --- padding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "padding, np_width",
    [
        (1, ((1, 1), (1, 1))),
        ((2, 0), ((2, 2), (0, 0))),
        (((0, 1), (2, 3)), ((0, 1), (2, 3))),
        ([[1, 0], [0, 1]], ((1, 0), (0, 1))),
    ],
)
def test_pad2d_forms_match_numpy_pad(padding, np_width):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(
        pad2d(x, padding, value=-1), np.pad(x, np_width, constant_values=-1)
    )
    batch = torch.arange(12.0).reshape(2, 2, 3)
    assert pad2d(batch, padding).shape == (2, 2 + sum(np_width[0]), 3 + sum(np_width[1]))


# --- properties against PyTorch ---------------------------------------------------------------


@PROPERTY
@given(conv_cases())
def test_conv2d_matches_torch(case):
    x, w, b = conv_tensors(case)
    kw = {k: case[k] for k in ("stride", "padding", "dilation", "groups")}
    expected = F.conv2d(x, w, b, **kw)
    torch.testing.assert_close(conv2d(x, w, b, **kw), expected, **TOL[case["dtype"]])
    torch.testing.assert_close(conv2d(x[0], w, b, **kw), expected[0], **TOL[case["dtype"]])
    shape = helpers.conv_output_shape(
        case["size"], case["kernel_size"], case["padding"], case["stride"], case["dilation"]
    )
    assert shape == tuple(expected.shape[-2:])


def pairs(case, key):
    value = case[key]
    return (value, value) if isinstance(value, int) else value


@PROPERTY
@given(conv_cases(max_groups=1))
def test_single_channel_loop_and_vectorized_match_torch(case):
    """``corr2d`` takes every option; the plain loop gets them by hand: pad the input first,
    spread the kernel out with zeros for dilation, and keep every s-th output for stride."""
    x, w, _ = conv_tensors(case)
    x, w = x[0, 0], w[0, 0]
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    expected = F.conv2d(x[None, None], w[None, None], **kw)[0, 0]
    tol = TOL[case["dtype"]]
    torch.testing.assert_close(corr2d(x, w, **kw), expected, **tol)

    (d_h, d_w), (s_h, s_w) = pairs(case, "dilation"), pairs(case, "stride")
    k_h, k_w = w.shape
    spread = torch.zeros(d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1, dtype=w.dtype)
    spread[::d_h, ::d_w] = w
    looped = corr2d_loop(pad2d(x, case["padding"]), spread)[::s_h, ::s_w]
    torch.testing.assert_close(looped, expected, **tol)


@PROPERTY
@given(conv_cases(max_groups=1))
def test_multi_channel_forms_match_torch(case):
    x, w, _ = conv_tensors(case)
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    expected = F.conv2d(x, w, **kw)[0]
    tol = TOL[case["dtype"]]
    torch.testing.assert_close(corr2d_multi_in_out(x[0], w, **kw), expected, **tol)
    torch.testing.assert_close(corr2d_multi_in(x[0], w[0], **kw), expected[0], **tol)


@PROPERTY
@given(
    conv_cases(max_groups=1),
    st.tuples(*(st.integers(0, 2) for _ in range(4))),
)
def test_asymmetric_padding_equals_padding_first(case, sides):
    """``((top, bottom), (left, right))`` is the same as padding the input, then no padding."""
    x, w, b = conv_tensors(case)
    top, bottom, left, right = sides
    for n, k, d, before, after in zip(
        case["size"], case["kernel_size"], pairs(case, "dilation"), (top, left), (bottom, right)
    ):
        assume(n + before + after >= d * (k - 1) + 1)  # the kernel fits the padded input
    kw = {"stride": case["stride"], "dilation": case["dilation"]}
    expected = F.conv2d(F.pad(x, (left, right, top, bottom)), w, b, **kw)
    got = conv2d(x, w, b, padding=((top, bottom), (left, right)), **kw)
    torch.testing.assert_close(got, expected, **TOL[case["dtype"]])


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")  # torch's own note
@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, (2, 5)])
@pytest.mark.parametrize("dilation", [1, 2])
def test_padding_same_and_valid_match_torch(kernel_size, dilation):
    x = randn(0, 1, 2, 11, 10)
    w = randn(1, 3, 2, *((kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size))
    for padding in ("same", "valid"):
        expected = F.conv2d(x, w, padding=padding, dilation=dilation)
        torch.testing.assert_close(conv2d(x, w, padding=padding, dilation=dilation), expected)


def test_depthwise_convolution_is_one_filter_per_channel():
    x, w = randn(0, 1, 3, 5, 5), randn(1, 3, 1, 3, 3)
    y = conv2d(x, w, groups=3)
    for c in range(3):
        torch.testing.assert_close(y[0, c], corr2d(x[0, c], w[c, 0]))


@pytest.mark.parametrize(
    "fn, args",
    [
        (corr2d_loop, ((4, 4), (2, 2))),
        (corr2d, ((4, 4), (2, 2))),
        (convolve2d, ((4, 4), (2, 2))),
        (corr2d_multi_in, ((2, 4, 4), (2, 2, 2))),
        (corr2d_multi_in_out, ((2, 4, 4), (3, 2, 2, 2))),
        (conv2d, ((1, 2, 4, 4), (3, 2, 2, 2))),
    ],
)
def test_numpy_in_numpy_out(fn, args):
    arrays = [np.random.default_rng(i).standard_normal(shape) for i, shape in enumerate(args)]
    y = fn(*arrays)
    assert isinstance(y, np.ndarray)
    expected = fn(*(torch.from_numpy(a) for a in arrays))
    np.testing.assert_allclose(y, expected.numpy())


def test_gradients_flow_through_conv2d():
    x = randn(0, 1, 2, 5, 5).requires_grad_()
    w = randn(1, 3, 2, 3, 3).requires_grad_()
    conv2d(x, w, padding=1).sum().backward()
    x2, w2 = x.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
    F.conv2d(x2, w2, padding=1).sum().backward()
    torch.testing.assert_close(x.grad, x2.grad)
    torch.testing.assert_close(w.grad, w2.grad)

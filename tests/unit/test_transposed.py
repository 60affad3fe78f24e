"""helpers.transposed: three forms of transposed convolution, each equal to PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ops_cases import (
    PROPERTY,
    TOL,
    conv_cases,
    conv_tensors,
    one_torch_thread,  # noqa: F401 (autouse fixture)
    randn,
    transposed_cases,
)

from helpers import (
    conv2d,
    conv_transpose2d,
    conv_transpose2d_scatter,
    conv_transpose2d_via_conv,
    insert_zeros,
    transposed_output_size,
)

FORMS = [conv_transpose2d, conv_transpose2d_scatter, conv_transpose2d_via_conv]
KEYS = ("stride", "padding", "output_padding", "dilation")


def tensors(case):
    seed, dtype = case["seed"], case["dtype"]
    x = randn(seed, case["n"], case["in_channels"], *case["size"], dtype=dtype)
    w = randn(
        seed + 1, case["in_channels"], case["out_channels"], *case["kernel_size"], dtype=dtype
    )
    b = randn(seed + 2, case["out_channels"], dtype=dtype) if case["bias"] else None
    return x, w, b


def per_axis(value):
    return (value, value) if isinstance(value, int) else value


@pytest.mark.parametrize("form", FORMS)
@PROPERTY
@given(case=transposed_cases())
def test_matches_torch(form, case):
    x, w, b = tensors(case)
    kw = {k: case[k] for k in KEYS}
    expected = F.conv_transpose2d(
        x, w, b, case["stride"], case["padding"], case["output_padding"], 1, case["dilation"]
    )
    torch.testing.assert_close(form(x, w, b, **kw), expected, **TOL[case["dtype"]])
    torch.testing.assert_close(form(x[0], w, b, **kw), expected[0], **TOL[case["dtype"]])
    sizes = [
        transposed_output_size(n, k, *(per_axis(kw[key])[axis] for key in KEYS))
        for axis, (n, k) in enumerate(zip(case["size"], case["kernel_size"], strict=True))
    ]
    assert tuple(sizes) == tuple(expected.shape[-2:])


@pytest.mark.parametrize("form", FORMS)
def test_worked_examples(form):
    x = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert form(x, x).tolist() == [[0.0, 0.0, 1.0], [0.0, 4.0, 6.0], [4.0, 12.0, 9.0]]
    assert form(x, x, stride=2).tolist() == [
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 2.0, 3.0],
        [0.0, 2.0, 0.0, 3.0],
        [4.0, 6.0, 6.0, 9.0],
    ]
    y = form(torch.arange(4).reshape(2, 2), torch.arange(4).reshape(2, 2))
    assert y.dtype == torch.int64 and y.tolist() == [[0, 0, 1], [0, 4, 6], [4, 12, 9]]
    assert isinstance(form(x.numpy(), x.numpy()), np.ndarray)


@settings(max_examples=200, deadline=None)
@given(conv_cases(max_groups=1))
def test_transposed_convolution_is_the_adjoint_of_convolution(case):
    """<conv2d(x, w), y> == <x, conv_transpose2d(y, w)>: the transpose of the same linear map.

    ``output_padding`` gives back the rows and columns a strided convolution never reached."""
    x, w, _ = conv_tensors(case)
    x, w = x.double(), w.double()
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    y = randn(case["seed"] + 3, *conv2d(x, w, **kw).shape)
    params = zip(
        x.shape[-2:], y.shape[-2:], w.shape[-2:], *(per_axis(kw[k]) for k in kw), strict=True
    )
    output_padding = []
    for n, out, k, s, p, d in params:
        reached = (out - 1) * s - 2 * p + d * (k - 1) + 1
        assume(reached > 0)  # otherwise some outputs see only padding and torch refuses too
        output_padding.append(n - reached)
    back = conv_transpose2d(y, w, output_padding=tuple(output_padding), **kw)
    assert back.shape == x.shape
    torch.testing.assert_close((conv2d(x, w, **kw) * y).sum(), (x * back).sum())


# ------------------------------------------------------------------------------------ insert_zeros


def test_insert_zeros_worked_example():
    """The conv-arithmetic chapter's example: a 2x2 map, stride 2."""
    y = insert_zeros(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 2)
    assert y.tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]] and y.dtype == torch.float32
    ints = insert_zeros(torch.arange(6).reshape(2, 3), (3, 1))  # per axis: rows 3 apart, columns 1
    assert ints.dtype == torch.int64
    assert ints.tolist() == [[0, 1, 2], [0, 0, 0], [0, 0, 0], [3, 4, 5]]
    single = insert_zeros(np.array([[7.0]]), 4)  # one cell: nothing to insert between
    assert isinstance(single, np.ndarray) and single.tolist() == [[7.0]]


@settings(max_examples=100, deadline=None)
@given(
    lead=st.sampled_from([(), (2,), (2, 3)]),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    s_h=st.integers(1, 4),
    s_w=st.integers(1, 4),
    seed=st.integers(0, 1000),
)
def test_insert_zeros_is_a_transposed_convolution_with_a_1x1_identity_kernel(
    lead, h, w, s_h, s_w, seed
):
    """Zero insertion = conv_transpose2d with kernel 1 and the same stride (PyTorch's, channel by
    channel), so its size is transposed_output_size(n, 1, stride) = (n - 1)*stride + 1."""
    x = randn(seed, *lead, h, w)
    stride = s_h if s_h == s_w else (s_h, s_w)
    y = insert_zeros(x, stride)
    assert y.shape == (*lead, transposed_output_size(h, 1, s_h), transposed_output_size(w, 1, s_w))
    flat = x.reshape(-1, 1, h, w)
    expected = F.conv_transpose2d(flat, torch.ones(1, 1, 1, 1, dtype=x.dtype), stride=(s_h, s_w))
    assert torch.equal(y, expected.reshape(y.shape))
    assert torch.equal(y[..., ::s_h, ::s_w], x)  # every value kept, where it lands
    assert int((y != 0).sum()) == int((x != 0).sum())  # and nothing else is non-zero


def test_via_conv_uses_insert_zeros(monkeypatch):
    """One copy of zero insertion: conv_transpose2d_via_conv calls the public function."""
    import helpers.transposed as transposed

    calls = []

    def spy(x, stride):
        calls.append(stride)
        return insert_zeros(x, stride)

    monkeypatch.setattr(transposed, "insert_zeros", spy)
    x = torch.arange(4.0).reshape(2, 2)
    y = transposed.conv_transpose2d_via_conv(x, x, stride=(2, 3))
    assert calls == [(2, 3)] and torch.equal(y, conv_transpose2d(x, x, stride=(2, 3)))


@pytest.mark.parametrize(
    "x,stride,error,words",
    [
        (torch.ones(2, 2), 0, ValueError, "stride must be a positive integer"),
        (torch.ones(2, 2), 1.5, TypeError, "stride"),
        (torch.ones(2, 2), (2, 0), ValueError, "stride"),
        (torch.ones(3), 2, ValueError, "x must have 2 or 3 or 4 dimensions"),
        ([[1, 2], [3, 4]], 2, TypeError, "x"),
    ],
)
def test_insert_zeros_explains_bad_arguments(x, stride, error, words):
    with pytest.raises(error, match=words):
        insert_zeros(x, stride)

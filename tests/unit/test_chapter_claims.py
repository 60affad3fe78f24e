"""General claims the chapters make in prose, checked over many sizes.

A chapter asserts its own numbers next to the text; the "for every n, k, p, s" versions of its
claims live here, so the chapters stay short and the sweeps run once, with the unit tests.

- padding-stride: per-side and total padding give the same size; the count of window positions
  and D2L's form of it; "same" padding with a stride gives ceil(n / s); the dilated formula.
- cross-correlation: the receptive field of L stacked k x k layers is 1 + L(k - 1), and
  helpers.receptive_field agrees with autograd on strided stacks too.
- one-by-one: a 1 x 1 kernel keeps the height and width, n - 1 + 1 = n.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import helpers

SIZES = st.integers(1, 24)
KERNELS = st.integers(1, 7)
PADDINGS = st.integers(0, 4)
STRIDES = st.integers(1, 5)
DILATIONS = st.integers(1, 3)


# --- padding-stride: "Reading other texts: padding per side or in total?" ------------------------


@settings(max_examples=200, deadline=None)
@given(n=SIZES, k=KERNELS, p=PADDINGS)
def test_padding_per_side_is_half_the_total(n, k, p):
    if n + 2 * p < k:
        return
    out = helpers.conv_output_size(n, k, padding=p)
    assert out == helpers.conv_output_size(n, k, total_padding=2 * p) == n - k + 2 * p + 1


@settings(max_examples=200, deadline=None)
@given(n=SIZES, k=KERNELS, total=st.integers(0, 8))
def test_total_padding_formula_odd_totals_included(n, k, total):
    # D2L's n - k + P + 1, with P the rows added on both sides together.
    if n + total < k:
        return
    assert helpers.conv_output_size(n, k, total_padding=total) == n - k + total + 1


# --- padding-stride: "How many positions?" and the two special cases ------------------------------


@settings(max_examples=300, deadline=None)
@given(n=SIZES, k=KERNELS, p=PADDINGS, s=STRIDES)
def test_stride_count_and_its_total_padding_form(n, k, p, s):
    if n + 2 * p < k:
        return
    out = helpers.conv_output_size(n, k, padding=p, stride=s)
    # floor((n + 2p - k)/s) + 1, and the form with s added inside the floor
    assert out == (n + 2 * p - k) // s + 1 == (n + 2 * p - k + s) // s
    # the window starts 0, s, 2s, ... as long as the whole window fits
    assert out == len(range(0, n + 2 * p - k + 1, s))


@settings(max_examples=200, deadline=None)
@given(n=SIZES, half=st.integers(0, 3), s=STRIDES)
def test_same_padding_with_stride_is_ceil_n_over_s(n, half, s):
    k = 2 * half + 1  # odd kernel, "same" padding (k - 1) / 2 on each side
    if n + 2 * half < k:
        return
    out = helpers.conv_output_size(n, k, padding=helpers.same_padding(k), stride=s)
    assert out == -(-n // s)
    if n % s == 0:
        assert out == n // s


# --- padding-stride: the general formula with dilation -------------------------------------------


@settings(max_examples=300, deadline=None)
@given(n=SIZES, k=KERNELS, p=PADDINGS, s=STRIDES, d=DILATIONS)
def test_dilated_formula_and_its_undilated_case(n, k, p, s, d):
    if n + 2 * p < d * (k - 1) + 1:
        return
    out = helpers.conv_output_size(n, k, padding=p, stride=s, dilation=d)
    assert out == (n + 2 * p - d * (k - 1) - 1) // s + 1
    if d == 1:
        assert out == (n + 2 * p - k) // s + 1


@pytest.mark.parametrize(
    "n, k, p, s, d",
    [(13, 3, 2, 3, 2), (7, 3, 0, 1, 2), (20, 5, 6, 1, 3), (9, 2, 1, 2, 3), (11, 4, 0, 3, 1)],
)
def test_dilated_formula_agrees_with_torch(n, k, p, s, d):
    layer = nn.Conv2d(1, 1, kernel_size=k, padding=p, stride=s, dilation=d)
    with torch.no_grad():
        shape = tuple(layer(torch.zeros(1, 1, n, n)).shape[2:])
    assert shape == helpers.conv_output_shape((n, n), k, padding=p, stride=s, dilation=d)


# --- cross-correlation: "Feature maps and receptive fields" ---------------------------------------


def brute_force_receptive_field(layers, n=40):
    """Side of the input square that can change one central output, found with autograd.

    ``layers``: ``(kernel_size, stride)`` per layer. Kernels of ones, so that no weight is zero.
    """
    x = torch.zeros(1, 1, n, n, requires_grad=True)
    h = x
    for k, s in layers:
        h = F.conv2d(h, torch.ones(1, 1, k, k), stride=s)
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = (x.grad[0, 0] != 0).any(dim=1).nonzero()
    cols = (x.grad[0, 0] != 0).any(dim=0).nonzero()
    side = int(rows.max() - rows.min() + 1)
    assert side == int(cols.max() - cols.min() + 1)  # square kernels: a square field
    return side


@pytest.mark.parametrize("L", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_receptive_field_of_a_stride_one_stack(L, k):
    r = helpers.receptive_field([(k, 1)] * L)
    assert r == 1 + L * (k - 1) == brute_force_receptive_field([(k, 1)] * L)


@pytest.mark.parametrize(
    "layers",
    [
        [(2, 1), (2, 1)],  # the chapter's two-layer example: 3
        [(3, 1)] * 3,  # three 3 x 3 layers: 7, like one 7 x 7 kernel
        [(3, 2), (3, 1), (3, 1)],  # ex-cc-receptive-field (b): 11
        [(5, 1), (3, 1)],
        [(2, 2), (2, 2), (3, 1)],
        [(7, 2), (3, 2)],
    ],
)
def test_receptive_field_with_strides_matches_autograd(layers):
    assert helpers.receptive_field(layers) == brute_force_receptive_field(layers)


# --- one-by-one: "n - 1 + 1 = n" ---------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 200), s=STRIDES)
def test_one_by_one_kernel_keeps_the_size(n, s):
    assert helpers.conv_output_size(n, 1) == n - 1 + 1 == n
    # with a stride it reads every s-th pixel: ceil(n / s) outputs, no padding needed
    assert helpers.conv_output_size(n, 1, stride=s) == -(-n // s)

"""Shared Hypothesis strategies for the operation tests (helpers.correlation, pooling, pointwise,
transposed, shapes): small random shapes and hyper-parameters, and seeded random tensors.

Not a test module (no ``test_`` prefix); the test files import it by name, including the
``one_torch_thread`` fixture (imported, it applies to that test module).
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: one intra-op thread is several times faster than two fighting over two cores
    (and pytest-xdist already runs one worker per core). Restored after the module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# 500 random cases per property, no per-example deadline (the first call of a kernel is slow).
PROPERTY = settings(max_examples=500, deadline=None)

DTYPES = (torch.float64, torch.float32)
# float64 must agree within 1e-5 (it does to ~1e-12). float32: each output sums at most ~50
# products of N(0, 1) numbers in a different order from PyTorch, so the rounding differs by
# ~1e-6 relative; we allow 1e-4.
TOL = {torch.float64: {"rtol": 1e-5, "atol": 1e-5}, torch.float32: {"rtol": 1e-4, "atol": 1e-4}}


def randn(seed, *shape, dtype=torch.float64):
    """Reproducible standard-normal tensor (Hypothesis draws the seed, so failures shrink)."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


seeds = st.integers(0, 2**31 - 1)


@st.composite
def axis(draw, *, max_k=3, max_s=3, max_d=2, max_p=2, pool=False, stride_one=False):
    """One axis: ``(n, kernel_size, stride, dilation, padding)`` where the window fits.

    ``pool=True`` keeps PyTorch's pooling rule ``padding <= kernel_size / 2``.
    """
    k = draw(st.integers(1, max_k))
    s = 1 if stride_one else draw(st.integers(1, max_s))
    d = draw(st.integers(1, max_d))
    p = draw(st.integers(0, min(max_p, k // 2) if pool else max_p))
    effective = d * (k - 1) + 1
    n = draw(st.integers(max(1, effective - 2 * p), effective + 5))
    return n, k, s, d, p


def as_arg(draw, pair):
    """A per-axis pair, or one int when both axes agree (half of the time): tests both forms."""
    if pair[0] == pair[1] and draw(st.booleans()):
        return pair[0]
    return tuple(pair)


@st.composite
def conv_cases(draw, *, max_groups=3, stride_one=False, max_d=2):
    """Keyword arguments of a random valid ``conv2d`` call, plus the tensors' seed and dtype."""
    h = draw(axis(stride_one=stride_one, max_d=max_d))
    w = draw(axis(stride_one=stride_one, max_d=max_d))
    groups = draw(st.integers(1, max_groups))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    return {
        "n": draw(st.integers(1, 2)),
        "size": (h[0], w[0]),
        "in_channels": c_in,
        "out_channels": c_out,
        "kernel_size": (h[1], w[1]),
        "stride": as_arg(draw, (h[2], w[2])),
        "dilation": as_arg(draw, (h[3], w[3])),
        "padding": as_arg(draw, (h[4], w[4])),
        "groups": groups,
        "bias": draw(st.booleans()),
        "dtype": draw(st.sampled_from(DTYPES)),
        "seed": draw(seeds),
    }


def conv_tensors(case):
    """``(input, weight, bias)`` for a :func:`conv_cases` case."""
    seed, dtype = case["seed"], case["dtype"]
    x = randn(seed, case["n"], case["in_channels"], *case["size"], dtype=dtype)
    c_per_group = case["in_channels"] // case["groups"]
    weight = randn(seed + 1, case["out_channels"], c_per_group, *case["kernel_size"], dtype=dtype)
    bias = randn(seed + 2, case["out_channels"], dtype=dtype) if case["bias"] else None
    return x, weight, bias


@st.composite
def pool_cases(draw, *, dilation=True):
    """Keyword arguments of a random valid pooling call on an ``(N, C, H, W)`` input."""
    h = draw(axis(pool=True, max_d=2 if dilation else 1))
    w = draw(axis(pool=True, max_d=2 if dilation else 1))
    return {
        "shape": (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h[0], w[0]),
        "kernel_size": as_arg(draw, (h[1], w[1])),
        "stride": None if draw(st.booleans()) else as_arg(draw, (h[2], w[2])),
        "padding": as_arg(draw, (h[4], w[4])),
        "dilation": as_arg(draw, (h[3], w[3])),
        "dtype": draw(st.sampled_from(DTYPES)),
        "seed": draw(seeds),
    }


@st.composite
def transposed_cases(draw):
    """Keyword arguments of a random valid ``conv_transpose2d`` call."""
    axes = []
    for _ in range(2):
        n, k, s, d = (draw(st.integers(1, hi)) for hi in (4, 3, 3, 2))
        op = draw(st.integers(0, max(s, d) - 1))  # PyTorch: output_padding < stride or dilation
        full = (n - 1) * s + d * (k - 1) + 1
        p = draw(st.integers(0, min(2, (full + op - 1) // 2)))  # leaves at least one output cell
        axes.append((n, k, s, d, p, op))
    (hn, hk, hs, hd, hp, hop), (wn, wk, ws, wd, wp, wop) = axes
    return {
        "n": draw(st.integers(1, 2)),
        "size": (hn, wn),
        "in_channels": draw(st.integers(1, 3)),
        "out_channels": draw(st.integers(1, 3)),
        "kernel_size": (hk, wk),
        "stride": as_arg(draw, (hs, ws)),
        "padding": as_arg(draw, (hp, wp)),
        "output_padding": as_arg(draw, (hop, wop)),
        "dilation": as_arg(draw, (hd, wd)),
        "bias": draw(st.booleans()),
        "dtype": draw(st.sampled_from(DTYPES)),
        "seed": draw(seeds),
    }

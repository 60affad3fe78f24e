"""helpers.shapes: output sizes agree with the shapes PyTorch produces; the inverse questions."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from ops_cases import (
    PROPERTY,
    axis,
    one_torch_thread,  # noqa: F401 (autouse fixture)
)

from helpers import (
    conv2d,
    conv_output_shape,
    conv_output_size,
    output_padding_for,
    padding_for_output_size,
    pool_output_size,
    receptive_field,
    same_padding,
    transposed_output_size,
)

# --- the notes' shape examples (8x8 input) -----------------------------------------------------


@pytest.mark.parametrize(
    "kernel_size, padding, stride, expected",
    [
        (3, 1, 1, (8, 8)),  # pad 1 on every side: a 3x3 kernel keeps the size
        ((5, 3), (2, 1), 1, (8, 8)),  # a different padding per axis for a non-square kernel
        (3, 1, 2, (4, 4)),  # stride 2 halves the size
        ((3, 5), (0, 1), (3, 4), (2, 2)),
    ],
)
def test_seed_shape_examples(kernel_size, padding, stride, expected):
    assert conv_output_shape((8, 8), kernel_size, padding, stride) == expected
    weight = torch.zeros(
        1, 1, *((kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size)
    )
    torch_shape = F.conv2d(torch.zeros(1, 1, 8, 8), weight, None, stride, padding).shape[-2:]
    assert tuple(torch_shape) == expected


def test_total_padding_matches_the_notes_formula():
    # n - k + p + 1 with p the total padding, and floor((n + p - k + s) / s) with a stride
    for n, k, p, s in [(8, 3, 2, 1), (8, 4, 3, 1), (7, 3, 2, 2), (224, 7, 6, 2)]:
        assert conv_output_size(n, k, stride=s, total_padding=p) == (n + p - k + s) // s
    assert conv_output_size(8, 4, total_padding=3) == 8 - 4 + 3 + 1
    assert conv_output_shape((8, 6), 4, total_padding=(3, 1)) == (8, 4)


@PROPERTY
@given(axis(max_k=5, max_s=3, max_d=3, max_p=3), st.integers(0, 3), st.integers(0, 3))
def test_conv_output_size_matches_torch(ax, before, after):
    n, k, s, d, p = ax
    x = torch.zeros(1, 1, 1, n)
    w = torch.zeros(1, 1, 1, k)
    expected = F.conv2d(x, w, stride=s, padding=(0, p), dilation=d).shape[-1]
    assert conv_output_size(n, k, p, s, d) == expected
    assert conv_output_size(n, k, stride=s, dilation=d, total_padding=2 * p) == expected
    if n + before + after >= d * (k - 1) + 1:  # explicit (before, after) = pad first, then 0
        padded = F.pad(x, (before, after))
        expected = F.conv2d(padded, w, stride=s, dilation=d).shape[-1]
        assert conv_output_size(n, k, (before, after), s, d) == expected
        assert (
            conv_output_size(n, k, stride=s, dilation=d, total_padding=before + after) == expected
        )


@PROPERTY
@given(axis(max_k=5, max_s=3, max_d=3, max_p=3, pool=True))
def test_pool_output_size_matches_torch(ax):
    n, k, s, d, p = ax
    x = torch.zeros(1, 1, 1, n)
    expected = F.max_pool2d(x, (1, k), (1, s), (0, p), (1, d)).shape[-1]
    assert pool_output_size(n, k, s, p, d) == expected
    if d == 1:
        assert pool_output_size(n, k, s, p) == F.avg_pool2d(x, (1, k), (1, s), (0, p)).shape[-1]
    default = F.max_pool2d(x, (1, k), padding=(0, p), dilation=(1, d)).shape[-1]
    assert pool_output_size(n, k, padding=p, dilation=d) == default  # stride = kernel_size


@PROPERTY
@given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.data())
def test_transposed_output_size_matches_torch_and_inverts_conv(n, k, s, d, data):
    op = data.draw(st.integers(0, max(s, d) - 1), label="output_padding")
    full = (n - 1) * s + d * (k - 1) + 1
    p = data.draw(st.integers(0, (full + op - 1) // 2), label="padding")
    x, w = torch.zeros(1, 1, 1, n), torch.zeros(1, 1, 1, k)
    out = transposed_output_size(n, k, s, p, op, d)
    expected = F.conv_transpose2d(
        x, w, stride=s, padding=(0, p), output_padding=(0, op), dilation=d
    )
    assert out == expected.shape[-1]
    if op < s and out + 2 * p >= d * (k - 1) + 1:  # the matching convolution maps it back to n
        assert conv_output_size(out, k, p, s, d) == n


# --- "which output_padding gives this size?" ------------------------------------------------


@PROPERTY
@given(axis(max_k=5, max_s=4, max_d=3, max_p=3))
def test_output_padding_for_restores_every_input_of_the_convolution(ax):
    """The transposed convolution with the same settings maps the convolution's output back to
    its input size, and the output_padding it needs is the remainder the floor threw away."""
    n, k, s, d, p = ax
    o = conv_output_size(n, k, p, s, d)
    a = output_padding_for(o, n, k, s, p, d)
    assert a == (n + 2 * p - d * (k - 1) - 1) % s
    assert transposed_output_size(o, k, s, p, a, d) == n
    y, w = torch.zeros(1, 1, 1, o), torch.zeros(1, 1, 1, k)
    back = F.conv_transpose2d(y, w, stride=s, padding=(0, p), output_padding=(0, a), dilation=d)
    assert back.shape[-1] == n
    # PyTorch's own answer to the same question: ConvTranspose2d(..., output_size=n)
    layer = torch.nn.ConvTranspose2d(1, 1, (1, k), (1, s), (0, p), dilation=(1, d), bias=False)
    assert layer(y, output_size=(1, n)).shape[-1] == n


@PROPERTY
@given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.data())
def test_output_padding_for_inverts_transposed_output_size(n, k, s, d, data):
    a = data.draw(st.integers(0, max(s, d) - 1), label="output_padding")
    full = (n - 1) * s + d * (k - 1) + 1
    p = data.draw(st.integers(0, (full + a - 1) // 2), label="padding")
    out = transposed_output_size(n, k, s, p, a, d)
    assert output_padding_for(n, out, k, s, p, d) == a


def test_output_padding_for_examples():
    assert output_padding_for(3, 6, 3, stride=2, padding=1) == 1  # 5 and 6 both give 3
    assert output_padding_for(3, 5, 3, stride=2, padding=1) == 0
    assert [output_padding_for(14, n, 3, 2, 1) for n in (28, 27)] == [1, 0]
    assert output_padding_for(2, 7, 3, stride=1, dilation=2) == 1  # a < dilation is allowed
    assert output_padding_for(1, 1, 1, stride=11, padding=5) == 10  # 1 - (-9): torch agrees
    y, w = torch.zeros(1, 1, 1, 1), torch.zeros(1, 1, 1, 1)
    assert F.conv_transpose2d(y, w, stride=11, padding=5, output_padding=10).shape[-1] == 1


@pytest.mark.parametrize(
    "args, words",
    [
        ((3, 4, 3, 2, 1), ["output_size=4 is too small", "gives", "= 5", "more padding"]),
        ((3, 7, 3, 2, 1), ["output_size=7 is too large", "gives 5", "at most 6"]),
        ((2, 8, 3, 1, 0, 2), ["output_size=8 is too large", "dilation=2", "at most 7"]),
        ((0, 4, 3), ["n must be a positive integer", "got 0"]),
        ((3, 0, 3), ["output_size must be a positive integer", "got 0"]),
    ],
)
def test_output_padding_for_explains_impossible_sizes(args, words):
    with pytest.raises(ValueError) as error:
        output_padding_for(*args)
    for word in words:
        assert word in str(error.value)


# --- "which padding keeps the size?" ---------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")  # torch's own note
@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5, 6, 7, (2, 3), (4, 1)])
@pytest.mark.parametrize("dilation", [1, 2, 3])
def test_same_padding_keeps_the_size_and_matches_torch_same(kernel_size, dilation):
    ks = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    x, w = torch.randn(1, 1, 9, 8), torch.randn(1, 1, *ks)
    expected = F.conv2d(x, w, padding="same", dilation=dilation)
    torch.testing.assert_close(
        conv2d(x, w, padding=same_padding(kernel_size, dilation), dilation=dilation), expected
    )
    for extra in ("before", "after"):
        padding = same_padding(kernel_size, dilation, extra=extra)
        assert conv_output_shape((9, 8), kernel_size, padding, dilation=dilation) == (9, 8)


def test_same_padding_forms():
    assert same_padding(3) == 1
    assert same_padding(5) == 2
    assert same_padding((5, 3)) == (2, 1)
    assert same_padding(3, dilation=2) == 2
    # even kernels: PyTorch's "same" puts the extra cell after (bottom/right)...
    assert same_padding(2) == ((0, 1), (0, 1))
    assert same_padding(4) == ((1, 2), (1, 2))
    # ... the notes put ceil((k-1)/2) before (top/left) and floor((k-1)/2) after
    assert same_padding(4, extra="before") == ((2, 1), (2, 1))
    assert same_padding((4, 3), extra="before") == ((2, 1), (1, 1))
    assert conv_output_size(8, 4, same_padding(4)[0]) == 8


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")  # torch's own note
def test_torch_same_puts_the_extra_padding_after():
    """A one-hot kernel that reads the cell below-right of its top-left corner: with the extra
    padding row after the input, output (0, 0) reads x[1, 1]; before, it would read x[0, 0]."""
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    w = torch.tensor([[[[0.0, 0.0], [0.0, 1.0]]]])
    assert F.conv2d(x, w, padding="same")[0, 0, 0, 0] == x[0, 0, 1, 1]
    torch.testing.assert_close(
        conv2d(x, w, padding=same_padding(2, extra="after")), F.conv2d(x, w, padding="same")
    )


@PROPERTY
@given(axis(max_k=5, max_s=3, max_d=3, max_p=0), st.integers(1, 12))
def test_padding_for_output_size_is_the_smallest_that_works(ax, out):
    n, k, s, d, _ = ax
    try:
        total = padding_for_output_size(n, out, k, s, d)
    except ValueError:
        assert conv_output_size(n, k, 0, s, d) > out  # even no padding gives too many
        return
    assert conv_output_size(n, k, stride=s, dilation=d, total_padding=total) == out
    if total > 0:
        fewer = total - 1
        assert (
            n + fewer < d * (k - 1) + 1
            or conv_output_size(n, k, stride=s, dilation=d, total_padding=fewer) < out
        )


# --- receptive field ------------------------------------------------------------------------


def brute_force_receptive_field(layers, n=400):
    """Extent of the input cells whose gradient is non-zero for one output unit (all-ones weights,
    so nothing cancels)."""
    x = torch.zeros(1, 1, 1, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in layers:
        y = F.conv2d(y, torch.ones(1, 1, 1, k, dtype=torch.float64), stride=s, dilation=d)
    y[0, 0, 0, y.shape[-1] // 2].backward()
    touched = torch.nonzero(x.grad[0, 0, 0]).flatten()
    return int(touched.max() - touched.min() + 1)


@pytest.mark.parametrize(
    "layers, expected",
    [
        ([(2, 1), (2, 1)], 3),  # the notes: a 2x2 output of a 2x2 kernel, again 2x2: all 9 cells
        ([(3, 1), (3, 1)], 5),
        ([(3, 1)] * 3, 7),
        ([(3, 2), (3, 2)], 7),
        ([(3, 1, 2), (3, 1, 4)], 13),
        ([(7, 2), (3, 2), (3, 1)], 19),
    ],
)
def test_receptive_field_examples(layers, expected):
    assert receptive_field(layers) == expected
    assert brute_force_receptive_field([(*layer, 1)[:3] for layer in layers]) == expected


@settings(max_examples=100, deadline=None)  # autograd per example: fewer, still broad
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), max_size=3))
def test_receptive_field_matches_gradient_support(layers):
    expected = brute_force_receptive_field(layers) if layers else 1
    assert receptive_field(layers) == expected

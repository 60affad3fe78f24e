"""The player's steps carry the right windows and values; its HTML is safe and self-contained."""

import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from helpers.animation import MAX_STEPS, animate, player_steps
from helpers.style import format_number
from helpers.web.runtime import inline_runtime, runtime_css, runtime_js, without_runtime

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.arange(4.0).reshape(2, 2)


def torch_padded(x, pad, value):
    """(C, H, W) padded with torch.nn.functional.pad; pad is (top, bottom, left, right)."""
    top, bottom, left, right = pad
    return F.pad(x, (left, right, top, bottom), value=value)


def per_side(padding):
    if isinstance(padding, int):
        return (padding,) * 4
    if isinstance(padding[0], int):
        return (padding[0], padding[0], padding[1], padding[1])
    return (*padding[0], *padding[1])


def test_first_step_text_matches_the_worked_example():
    steps = player_steps(X3, K2)
    assert [s.text for s in steps] == [
        "0×0 + 1×1 + 3×2 + 4×3 = 19",
        "1×0 + 2×1 + 4×2 + 5×3 = 25",
        "3×0 + 4×1 + 6×2 + 7×3 = 37",
        "4×0 + 5×1 + 7×2 + 8×3 = 43",
    ]
    assert [s.origin for s in steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_pooling_and_bias_texts():
    x = torch.arange(16.0).reshape(4, 4)
    assert player_steps(x, mode="max", kernel_size=2)[0].text == "max(0, 1, 4, 5) = 5"
    assert player_steps(x, mode="avg", kernel_size=2)[0].text == "(0 + 1 + 4 + 5) / 4 = 2.5"
    padded_max = player_steps(x, mode="max", kernel_size=2, padding=1)[0].text
    assert padded_max == "max(−∞, −∞, −∞, 0) = 0"
    two = torch.stack([X3, X3 + 1])
    text = player_steps(two, torch.stack([K2, K2]), bias=0.5)[0].text
    assert text.splitlines() == [
        "channel 0: 0×0 + 1×1 + 3×2 + 4×3 = 19",
        "channel 1: 1×0 + 2×1 + 4×2 + 5×3 = 25",
        "19 + 25 + 0.5 (bias) = 44.5",
    ]
    assert player_steps(X3, -K2)[0].text == "0×0 + 1×(−1) + 3×(−2) + 4×(−3) = −19"


CORR_CASES = [
    # (C_in, H, W, C_out, kh, kw, padding, stride, dilation, bias)
    (1, 3, 3, 1, 2, 2, 0, 1, 1, False),
    (1, 5, 5, 1, 1, 1, 0, 1, 1, False),  # 1x1 kernel
    (1, 4, 4, 1, 4, 4, 0, 1, 1, False),  # kernel = input size
    (1, 6, 6, 1, 2, 2, 0, 3, 1, False),  # stride > kernel
    (2, 4, 5, 1, 3, 3, 1, 1, 1, False),
    (2, 5, 5, 3, 3, 3, 1, 2, 1, True),
    (1, 7, 7, 2, 3, 2, (2, 1), (2, 1), 2, True),
    (3, 5, 6, 2, 2, 3, ((1, 0), (2, 1)), 1, (1, 2), False),
]


@pytest.mark.parametrize("c_in,h,w,c_out,kh,kw,padding,stride,dilation,use_bias", CORR_CASES)
def test_correlation_steps_agree_with_helpers_and_torch(
    c_in, h, w, c_out, kh, kw, padding, stride, dilation, use_bias
):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(c_in, h, w, generator=g)
    weight = torch.randn(c_out, c_in, kh, kw, generator=g)
    bias = torch.randn(c_out, generator=g) if use_bias else None
    steps = player_steps(x, weight, padding=padding, stride=stride, dilation=dilation, bias=bias)

    ours = helpers.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)
    top, bottom, left, right = per_side(padding)
    padded = torch_padded(x, (top, bottom, left, right), 0.0)
    theirs = F.conv2d(padded[None], weight, bias, stride=stride, dilation=dilation)[0]
    assert ours.shape == theirs.shape
    assert len(steps) == theirs.numel()
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    for s in steps:
        co, i, j = s.out
        assert s.index == (co * theirs.shape[1] + i) * theirs.shape[2] + j
        assert s.rows == tuple(i * sh + a * dh for a in range(kh))
        assert s.cols == tuple(j * sw + b * dw for b in range(kw))
        assert s.channels == tuple(range(c_in))
        assert s.value == pytest.approx(float(ours[co, i, j]), abs=1e-6)
        assert s.value == pytest.approx(float(theirs[co, i, j]), abs=1e-4)
        window = padded[:, list(s.rows)][:, :, list(s.cols)].numpy()
        np.testing.assert_allclose(np.stack(s.inputs), window, atol=1e-6)
        np.testing.assert_allclose(np.stack(s.weights), weight[co].numpy(), atol=1e-6)
        total = sum(float((a * b).sum()) for a, b in zip(s.inputs, s.weights, strict=True))
        total += 0.0 if bias is None else float(bias[co])
        assert total == pytest.approx(s.value, abs=1e-4)
        assert sum(s.partials) + (0.0 if bias is None else float(bias[co])) == pytest.approx(
            s.value, abs=1e-4
        )


POOL_CASES = [
    # (mode, C, H, W, kernel_size, stride, padding, dilation)
    ("max", 1, 4, 4, 2, None, 0, 1),
    ("avg", 1, 4, 4, 2, None, 0, 1),
    ("max", 2, 5, 5, 3, 1, 1, 1),
    ("avg", 2, 5, 6, (2, 3), (1, 2), (1, 1), 1),
    ("max", 1, 7, 7, 2, 3, 1, 2),
    ("max", 1, 3, 3, 3, None, 0, 1),  # window = input size
    ("avg", 1, 6, 6, 1, 1, 0, 1),  # 1x1 window
]


@pytest.mark.parametrize("mode,c,h,w,kernel_size,stride,padding,dilation", POOL_CASES)
def test_pooling_steps_agree_with_helpers_and_torch(
    mode, c, h, w, kernel_size, stride, padding, dilation
):
    x = torch.randn(c, h, w, generator=torch.Generator().manual_seed(1))
    steps = player_steps(
        x, mode=mode, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation
    )
    ours = helpers.pool2d(
        x, kernel_size, stride=stride, padding=padding, dilation=dilation, mode=mode
    )
    if mode == "max":
        theirs = F.max_pool2d(x, kernel_size, stride, padding, dilation)
    else:
        theirs = F.avg_pool2d(x, kernel_size, stride, padding)
    assert len(steps) == theirs.numel()
    pad = per_side(padding)
    padded = torch_padded(x, pad, float("-inf") if mode == "max" else 0.0)
    for s in steps:
        co, i, j = s.out
        assert s.channels == (co,) and s.weights is None
        assert s.value == pytest.approx(float(ours[co, i, j]), abs=1e-6)
        assert s.value == pytest.approx(float(theirs[co, i, j]), abs=1e-5)
        window = padded[co][list(s.rows)][:, list(s.cols)].numpy()
        np.testing.assert_array_equal(s.inputs[0], window)
        expected = window.max() if mode == "max" else window.mean()
        assert s.value == pytest.approx(float(expected), abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 7),
    k=st.integers(1, 4),
    p=st.integers(0, 2),
    s=st.integers(1, 3),
    d=st.integers(1, 2),
    c_in=st.integers(1, 2),
    c_out=st.integers(1, 2),
)
def test_any_valid_config_plays_torchs_values(n, k, p, s, d, c_in, c_out):
    if n + 2 * p - d * (k - 1) - 1 < 0:
        with pytest.raises(ValueError):
            player_steps(
                torch.ones(c_in, n, n), torch.ones(c_out, c_in, k, k), padding=p, dilation=d
            )
        return
    g = torch.Generator().manual_seed(n * 100 + k)
    x = torch.randint(-3, 4, (c_in, n, n), generator=g).float()
    w = torch.randint(-2, 3, (c_out, c_in, k, k), generator=g).float()
    steps = player_steps(x, w, padding=p, stride=s, dilation=d)
    expected = F.conv2d(x[None], w, padding=p, stride=s, dilation=d)[0]
    assert [st_.value for st_ in steps] == expected.flatten().tolist()


def test_numpy_lists_and_integer_inputs_are_accepted():
    steps = player_steps(np.arange(9).reshape(3, 3), [[0, 1], [2, 3]])
    assert steps[0].value == 19 and steps[0].text.endswith("= 19")


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"kernel": None}, TypeError, "needs a kernel"),
        ({"kernel": K2, "mode": "max"}, TypeError, "kernel_size"),
        ({"kernel": None, "mode": "max"}, TypeError, "kernel_size"),
        ({"kernel": None, "mode": "max", "kernel_size": 2, "bias": 1.0}, TypeError, "bias"),
        ({"kernel": K2, "mode": "conv"}, ValueError, "mode"),
        ({"kernel": K2, "stride": 1.5}, TypeError, "stride"),
        ({"kernel": torch.ones(5, 5)}, ValueError, "kernel"),
        ({"kernel": torch.ones(2, 2, 2)}, ValueError, "channel"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, words):
    kernel = kwargs.pop("kernel")
    with pytest.raises(error, match=words):
        animate(X3, kernel, **kwargs)


def test_too_large_examples_are_refused_with_advice():
    with pytest.raises(ValueError, match="smaller"):
        animate(torch.zeros(30, 30), torch.ones(3, 3))
    with pytest.raises(ValueError, match=str(MAX_STEPS)):
        animate(torch.zeros(20, 20), torch.ones(4, 1, 1, 1))
    with pytest.raises(ValueError, match="x must have shape"):
        animate(torch.zeros(1, 1, 3, 3), K2)


def embedded_data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" class="c2d-data">(.*?)</script>', page, re.S)
    return json.loads(raw.group(1).replace("<\\/", "</"))


def test_player_html_is_self_contained_escaped_and_small():
    title = '</script><script>alert("x")</script> & <b>'
    player = animate(X3, K2, title=title, description="<img src=x onerror=alert(1)>")
    page = player._repr_html_()
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "<script src" not in page and "http" not in page and "<link" not in page
    assert page.count('class="c2d-player"') == 1
    assert player.nbytes == len(without_runtime(page).encode()) < 100_000
    data = embedded_data(page)
    assert data["v"] == [[[19.0, 25.0], [37.0, 43.0]]]
    assert data["o"] == [[["19", "25"], ["37", "43"]]]


def test_labels_in_the_data_cannot_close_the_script():
    # Strings reach the JSON through the step texts; "</" must never appear raw inside the data.
    player = animate(X3, K2, title="a</script>b")
    body = re.search(r'class="c2d-data">(.*?)</script>', player.html, re.S).group(1)
    assert "</" not in body


def test_each_player_gets_its_own_id_and_carries_the_runtime():
    a, b = animate(X3, K2), animate(X3, K2)
    assert a.id != b.id
    assert f'id="{a.id}"' in a.html and a.id not in b.html
    # In a notebook each output works alone: it carries the runtime, which the book strips.
    assert a.html.endswith(inline_runtime())
    assert "<script>" not in without_runtime(a.html) and "<style" not in without_runtime(a.html)


def test_biggest_allowed_player_stays_under_100_kb():
    g = torch.Generator().manual_seed(0)
    player = animate(
        torch.randn(3, 8, 8, generator=g), torch.randn(2, 3, 3, 3, generator=g), padding=1
    )
    assert len(player.steps) == 128
    assert player.nbytes < 100_000


# ----------------------------------------------------------------- transposed convolution (scatter)

TRANSPOSED_CASES = [
    # (H, W, kh, kw, stride, padding, output_padding, dilation)
    (2, 2, 2, 2, 2, 0, 0, 1),  # the textbook example: windows side by side
    (2, 2, 2, 2, 1, 0, 0, 1),  # stride 1: windows overlap and add up
    (3, 3, 3, 3, 2, 1, 1, 1),  # the usual 2x upsampling layer
    (2, 3, 2, 2, 3, 0, 2, 1),  # stride > kernel: gaps stay zero; output_padding past the result
    (3, 2, 2, 3, (2, 1), (1, 0), (1, 0), (1, 2)),  # per-axis everything, dilated
    (1, 1, 3, 3, 1, 1, 0, 1),  # one input cell
    (3, 3, 1, 1, 2, 0, 1, 1),  # 1x1 kernel
]


def torch_transposed(x, kernel, stride, padding, output_padding, dilation):
    return F.conv_transpose2d(
        x[None, None], kernel[None, None], None, stride, padding, output_padding, 1, dilation
    )[0, 0]


@pytest.mark.parametrize("h,w,kh,kw,stride,padding,output_padding,dilation", TRANSPOSED_CASES)
def test_transposed_steps_agree_with_helpers_and_torch(
    h, w, kh, kw, stride, padding, output_padding, dilation
):
    g = torch.Generator().manual_seed(h * 10 + kw)
    x = torch.randint(-3, 4, (h, w), generator=g).double()
    kernel = torch.randint(-2, 3, (kh, kw), generator=g).double()
    kw_args = {
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation": dilation,
    }
    steps = player_steps(x, kernel, mode="transposed", **kw_args)
    assert len(steps) == x.numel()
    expected = torch_transposed(x, kernel, stride, padding, output_padding, dilation)
    ours = helpers.conv_transpose2d(x, kernel, **kw_args)
    np.testing.assert_array_equal(steps[-1].output, expected.numpy())
    np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    (sh, sw), (ph, pw), (dh, dw) = (
        per_axis(stride),
        per_axis(padding),
        per_axis(dilation),
    )
    full = torch_transposed(x, kernel, stride, 0, 0, dilation)
    before = np.zeros(steps[0].canvas.shape)
    reached = np.zeros(steps[0].canvas.shape, dtype=bool)
    for t, s in enumerate(steps):
        i, j = divmod(t, w)
        assert s.index == t and s.input == (i, j) and s.value == float(x[i, j])
        assert s.rows == tuple(i * sh + a * dh for a in range(kh))
        assert s.cols == tuple(j * sw + b * dw for b in range(kw))
        np.testing.assert_array_equal(s.weights, kernel.numpy())
        # after step t: the transposed convolution of the input cells played so far
        played = torch.zeros_like(x).flatten()
        played[: t + 1] = x.flatten()[: t + 1]
        so_far = torch_transposed(played.reshape(h, w), kernel, stride, padding, output_padding,
                                  dilation)  # fmt: skip
        np.testing.assert_array_equal(s.output, so_far.numpy())
        # the full result holds the cropped output at (padding, padding)
        oh, ow = s.output.shape
        np.testing.assert_array_equal(s.canvas[ph : ph + oh, pw : pw + ow], s.output)
        # the step adds value × kernel into its window, and changes nothing else
        added = s.canvas - before
        window = np.zeros_like(added)
        window[np.ix_(s.rows, s.cols)] = s.value * kernel.numpy()
        np.testing.assert_array_equal(added, window)
        before = s.canvas
        # reached: the union of the windows so far (the player leaves the other cells blank)
        reached[np.ix_(s.rows, s.cols)] = True
        np.testing.assert_array_equal(s.reached, reached)
        assert not s.canvas[~s.reached].any()
    fh, fw = full.shape
    np.testing.assert_array_equal(steps[-1].canvas[:fh, :fw], full.numpy())
    assert not steps[-1].canvas[fh:].any() and not steps[-1].canvas[:, fw:].any()


def per_axis(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def test_transposed_step_texts():
    x = torch.tensor([[1.0, 2.0], [3.0, -4.0]])
    k = torch.arange(4.0).reshape(2, 2)
    texts = [s.text for s in player_steps(x, k, mode="transposed", stride=2)]
    assert texts == [
        "1 × [[0, 1], [2, 3]] added at rows 0–1, cols 0–1",
        "2 × [[0, 1], [2, 3]] added at rows 0–1, cols 2–3",
        "3 × [[0, 1], [2, 3]] added at rows 2–3, cols 0–1",
        "(−4) × [[0, 1], [2, 3]] added at rows 2–3, cols 2–3",
    ]
    dilated = player_steps(x, -k, mode="transposed", dilation=(1, 2))[3].text
    assert dilated == "(−4) × [[0, −1], [−2, −3]] added at rows 1–2, cols 1, 3"
    one = player_steps([[5.0]], [[2.0]], mode="transposed")
    assert one[0].text == "5 × [[2]] added at rows 0, cols 0"


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 4),
    w=st.integers(1, 4),
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    op=st.integers(0, 2),
    d=st.integers(1, 2),
)
def test_any_valid_transposed_config_plays_torchs_values(h, w, k, s, p, op, d):
    x = torch.arange(1.0, h * w + 1).reshape(h, w)
    kernel = torch.arange(1.0, k * k + 1).reshape(k, k)
    smallest = (min(h, w) - 1) * s - 2 * p + d * (k - 1) + op + 1  # the shorter side's output
    if op >= max(s, d) or smallest < 1:  # torch refuses these too
        with pytest.raises(ValueError):
            player_steps(x, kernel, mode="transposed", stride=s, padding=p, output_padding=op,
                         dilation=d)  # fmt: skip
        return
    steps = player_steps(
        x, kernel, mode="transposed", stride=s, padding=p, output_padding=op, dilation=d
    )
    expected = torch_transposed(x, kernel, s, p, op, d)
    np.testing.assert_allclose(steps[-1].output, expected.numpy())


def transposed_data(player) -> dict:
    return embedded_data(player.html)


def test_transposed_player_data_history_and_size():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    k = torch.arange(4.0).reshape(2, 2)
    player = animate(x, k, mode="transposed", stride=1, padding=1)
    data = transposed_data(player)
    assert data["mode"] == "transposed" and (data["ch"], data["cw"]) == (3, 3)
    assert data["keep"] == [1, 1, 1, 1] and "padding=1" in data["note"]
    steps = player.steps
    for r in range(3):
        for c in range(3):
            hist = data["hist"][r][c]
            touched = [t for t, s in enumerate(steps) if r in s.rows and c in s.cols]
            assert hist[::2] == touched  # the inputs behind the cell, in step order
            assert hist[1::2] == [format_number(steps[t].canvas[r, c]) for t in touched]
            # the cell is shown (not blank) from the first step that reaches it
            assert [bool(s.reached[r, c]) for s in steps] == [
                bool(touched) and t >= touched[0] for t in range(len(steps))
            ]
    assert data["v"][1][1] == float(steps[-1].output[0, 0]) and data["v"][0][0] is None
    # cell (0, 0) gets 1 × 0 at step 0: reached, a running value of 0 (shown, not blank)
    assert steps[0].reached[0, 0] and data["hist"][0][0] == [0, "0"]
    assert not steps[0].reached[2, 2]  # nothing added yet: blank
    assert player.title == "Transposed convolution, 2×2 kernel, stride 1"
    assert "cut off by padding=1" in player.description
    assert player.nbytes < 100_000
    # the largest example the player accepts still fits in 100 KB
    g = torch.Generator().manual_seed(0)
    big = animate(
        torch.randn(22, 23, generator=g) * 100, -torch.rand(2, 2, generator=g), mode="transposed"
    )
    assert len(big.steps) == 22 * 23 and big.nbytes < 100_000


@pytest.mark.parametrize(
    "args,kwargs,error,words",
    [
        ((X3, None), {}, TypeError, "needs a kernel"),
        ((X3, K2), {"bias": 1.0}, TypeError, "bias"),
        ((X3, K2), {"kernel_size": 2}, TypeError, "kernel_size"),
        ((torch.ones(2, 3, 3), K2), {}, ValueError, "one channel"),
        ((X3, torch.ones(1, 1, 2, 2)), {}, ValueError, "one channel"),
        ((X3, K2), {"output_padding": 1}, ValueError, "output_padding"),  # not < stride
        ((X3, K2), {"padding": 2}, ValueError, "padding"),  # nothing left
        ((X3, K2), {"stride": 1.5}, TypeError, "stride"),
        ((torch.ones(23, 23), K2), {}, ValueError, "at most 512"),
        ((torch.ones(12, 12), torch.ones(5, 5)), {}, ValueError, "cell updates"),
        ((torch.ones(8, 8), K2), {"stride": 4}, ValueError, "full result is 30×30"),
    ],
)
def test_transposed_bad_arguments_raise_clear_errors(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        animate(*args, mode="transposed", **kwargs)


def test_output_padding_is_only_for_transposed():
    with pytest.raises(TypeError, match="output_padding"):
        animate(X3, K2, output_padding=1)
    with pytest.raises(ValueError, match="'transposed'"):
        animate(X3, K2, mode="deconv")


def test_one_runtime_for_both_kinds_of_player_and_the_explorer():
    from helpers.explorer import static_explorer

    pages = [animate(X3, K2).html, animate(X3, K2, mode="transposed").html]
    pages.append(static_explorer().html)
    assert all(page.count(inline_runtime()) == 1 for page in pages)
    script = runtime_js()
    assert script.startswith("(function () {") and "</" not in script + runtime_css()
    assert script.count("function c2dPlayer(") == 1 and script.count("function c2dExplorer(") == 1
    # web/common.js is pasted inside each of the two functions (no globals), its marker gone.
    assert script.count("function mark(") == 2 and script.count("var marked = {};") == 2
    assert "<common.js>" not in script and "function scatter" in script
    assert ".c2d-player.c2d-scatter .c2d-cell.c2d-idx" in runtime_css()


def test_the_book_keeps_only_markup_and_data():
    player = animate(X3, K2)
    kept = without_runtime(player.html)
    assert kept.startswith('<div class="c2d-player"') and kept.endswith("</div>")
    assert 'class="c2d-static"' in kept  # the final state, for print and without JavaScript
    assert "<td>19<td>25" in kept

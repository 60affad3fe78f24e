"""Static figures: they draw without error for edge cases and show the player's numbers."""

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import helpers  # noqa: E402
from helpers import style  # noqa: E402
from helpers.animation import player_steps  # noqa: E402
from helpers.drawing import draw_channels, draw_correlation, draw_pooling  # noqa: E402
from helpers.style import format_number  # noqa: E402

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.arange(4.0).reshape(2, 2)


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


@pytest.fixture(autouse=True)
def close_new_figures():
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def test_a_figure_shown_as_a_result_leaves_pyplot():
    # plt.show() shows it (it is an open pyplot figure); displayed as a cell's result, it closes
    # itself first, so the inline backend does not show it a second time.
    fig = draw_correlation(X3, K2)
    assert fig.number in plt.get_fignums()
    bundle = fig._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert fig.number not in plt.get_fignums()


def test_worked_example_shows_values_window_and_arithmetic():
    fig = draw_correlation(X3, K2, step=0)
    assert isinstance(fig, Figure)
    shown = texts(fig)
    assert "0×0 + 1×1 + 3×2 + 4×3 = 19" in "\n".join(shown)
    assert {"0", "1", "2", "3", "4", "5", "6", "7", "8", "19"} <= set(shown)
    assert "25" not in shown  # later outputs are not filled in yet
    assert "19" in fig.alt_text and "rows 0 to 1" in fig.alt_text
    fig.canvas.draw()


@pytest.mark.parametrize(
    "x,kernel,kw",
    [
        (torch.arange(16.0).reshape(4, 4), torch.ones(1, 1), {}),  # 1x1 kernel
        (torch.arange(16.0).reshape(4, 4), torch.ones(4, 4), {}),  # kernel = input size
        (torch.arange(36.0).reshape(6, 6), K2, {"stride": 3}),  # stride > kernel
        (torch.arange(25.0).reshape(5, 5), K2, {"padding": 1, "dilation": 2}),
        (torch.randn(5, 4), torch.randn(3, 2), {"padding": ((1, 0), (2, 1)), "stride": (2, 1)}),
        (torch.arange(4.0).reshape(1, 4), torch.ones(1, 1), {}),  # a single row
    ],
)
@pytest.mark.parametrize("step", [0, -1, None])
def test_correlation_edge_cases_draw(x, kernel, kw, step):
    fig = draw_correlation(x, kernel, step=step, **kw)
    fig.canvas.draw()
    steps = player_steps(x, kernel, **kw)
    joined = "\n".join(texts(fig))
    if step is None:
        # no window: the whole output is filled in
        assert all(format_number(s.value) in texts(fig) for s in steps)
    else:
        assert steps[step].text.splitlines()[0][:30] in joined
    assert fig.alt_text


@pytest.mark.parametrize(
    "kw",
    [
        {"kernel_size": 2},
        {"kernel_size": 2, "mode": "avg"},
        {"kernel_size": 3, "stride": 1, "padding": 1},
        {"kernel_size": 4},  # window = input size
        {"kernel_size": 1, "stride": 2},  # stride > window
        {"kernel_size": 2, "stride": 1, "dilation": 2},
    ],
)
def test_pooling_edge_cases_draw(kw):
    x = torch.arange(16.0).reshape(4, 4)
    fig = draw_pooling(x, step=0, **kw)
    fig.canvas.draw()
    kernel_size = kw.pop("kernel_size")
    first = player_steps(x, mode=kw.pop("mode", "max"), kernel_size=kernel_size, **kw)[0]
    assert first.text in "\n".join(texts(fig))


@pytest.mark.parametrize(
    "c_in,c_out,kw",
    [
        (1, 1, {}),
        (2, 1, {}),
        (3, 2, {"padding": 1}),
        (2, 3, {"stride": 2, "bias": [1.0, 0.0, -1.0]}),
    ],
)
def test_channels_draw_as_stacked_slabs(c_in, c_out, kw):
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 5, (c_in, 4, 4), generator=g).float()
    w = torch.randint(-1, 2, (c_out, c_in, 2, 2), generator=g).float()
    last = len(player_steps(x, w, **kw)) - 1
    fig = draw_channels(x, w, step=last, **kw)
    fig.canvas.draw()
    joined = "\n".join(texts(fig))
    step = player_steps(x, w, **kw)[last]
    assert format_number(step.value) in texts(fig)
    assert step.text.splitlines()[-1] in joined
    polygons = [p for p in fig.axes[0].patches if type(p).__name__ == "Polygon"]
    # each stack of 2+ slabs gets 2 faces: the input and the kernels; the output maps are a column
    stacks = (c_in > 1) * (1 + c_out)
    assert len(polygons) == 2 * stacks


def test_position_picks_the_step_of_an_output_cell():
    x = torch.arange(18.0).reshape(2, 3, 3)
    w = torch.arange(4.0).reshape(2, 2, 1, 1)
    by_position = draw_channels(x, w, position=(1, 0, 2))
    by_step = draw_channels(x, w, step=9 + 2)
    assert texts(by_position) == texts(by_step)
    assert texts(draw_correlation(X3, K2, position=(1, 0))) == texts(
        draw_correlation(X3, K2, step=2)
    )
    assert "max(5, 6, 8, 9) = 9" in "\n".join(
        texts(draw_pooling(X3 + 1, 2, stride=1, position=(1, 1)))
    )
    with pytest.raises(ValueError, match="outside the output"):
        draw_correlation(X3, K2, position=(2, 0))
    with pytest.raises(TypeError, match="not both"):
        draw_correlation(X3, K2, step=1, position=(0, 0))


def test_bad_steps_and_shapes_are_explained():
    with pytest.raises(ValueError, match="out of range"):
        draw_correlation(X3, K2, step=4)
    with pytest.raises(TypeError, match="step"):
        draw_correlation(X3, K2, step=1.0)
    with pytest.raises(ValueError, match="draw_channels"):
        draw_correlation(torch.stack([X3, X3]), K2)
    with pytest.raises(ValueError, match="mode"):
        draw_pooling(X3, 2, mode="sum")


def test_style_is_explicit():
    rc = dict(matplotlib.rcParams)
    import helpers.drawing  # noqa: F401

    assert dict(matplotlib.rcParams) == rc
    try:
        style.use_style()
        assert matplotlib.rcParams["font.size"] >= 10
    finally:
        matplotlib.rcParams.update(rc)


@pytest.mark.parametrize(
    "value,text",
    [
        (19.0, "19"),
        (0.5, "0.5"),
        (2 / 3, "0.667"),
        (-3, "−3"),
        (float("-inf"), "−∞"),
        (0.0, "0"),
        (-0.0, "0"),
        (1234.5, "1234.5"),
        (1.5e-5, "1.5e−05"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


# ---------------------------------------------------------------------- draw_grid, receptive fields

from helpers.drawing import draw_grid, draw_receptive_field, receptive_fields  # noqa: E402


def rectangles(ax):
    return [p for p in ax.patches if type(p).__name__ == "Rectangle"]


def test_draw_grid_prints_values_and_marks_cells():
    values = torch.tensor([[0.0, 1.0, -1.0], [2.5, 0.0, 1.0]])
    fig = draw_grid(
        values,
        highlight=[(0, 0)],
        changed=values == 1,
        hatch=[(1, 2)],
        frames=[(0, 0, 2, 2)],
        title="a grid",
        note="a note",
        colors={1: style.PALETTE["sky_blue"]},
    )
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    shown = texts(fig)
    assert (
        ["0", "1", "−1", "2.5", "0", "1"] == shown[:6] and "a grid" in shown and "a note" in shown
    )
    rects = rectangles(ax)
    cells = rects[:6]
    assert cells[0].get_facecolor() == matplotlib.colors.to_rgba(style.PALETTE["receptive_field"])
    assert cells[1].get_facecolor() == matplotlib.colors.to_rgba(style.PALETTE["sky_blue"])
    assert cells[5].get_hatch() == "///" and cells[4].get_hatch() is None
    thick = [r for r in rects[6:] if r.get_linewidth() == 2.5]
    dashed = [r for r in rects[6:] if r.get_linestyle() == "--"]
    assert len(thick) == 2 and len(dashed) == 1  # two changed cells, one frame
    assert dashed[0].get_width() == 2 and dashed[0].get_height() == 2
    fig.canvas.draw()


def test_signed_values_share_one_colour_convention():
    """Positive blue, negative orange, zero white: the diverging map and the cell fills agree."""
    to_hex = matplotlib.colors.to_hex
    cmap = style.diverging_cmap()
    assert to_hex(cmap(0.0)) == style.PALETTE["negative"].lower() == style.PALETTE["orange"].lower()
    assert to_hex(cmap(1.0)) == style.PALETTE["positive"].lower() == style.PALETTE["blue"].lower()
    assert to_hex(cmap(0.5)) == "#ffffff"
    fills = style.value_colors(torch.tensor([[-1.0, 0.0], [1.0, 1.0]]), vmax=1)
    assert list(fills) == [-1.0, 0.0, 1.0]
    assert fills == {-1.0: to_hex(cmap(0.0)), 0.0: "#ffffff", 1.0: to_hex(cmap(1.0))}
    # counts 0..9 shade from white to blue, ever darker; values past vmax are clipped
    ramp = style.value_colors(list(range(11)), vmax=9)
    assert ramp[0] == "#ffffff" and ramp[9] == ramp[10] == to_hex(cmap(1.0))
    grey = [sum(matplotlib.colors.to_rgb(ramp[v])) for v in range(10)]
    assert all(a > b for a, b in zip(grey, grey[1:]))
    with pytest.raises(ValueError, match="vmax must be larger"):
        style.value_colors([1], vmax=1, vmin=2)
    with pytest.raises(TypeError, match="numbers"):
        style.value_colors(["a"], vmax=1)


def test_draw_grid_writes_white_on_dark_fills():
    fig = draw_grid(
        [[0, 1, -1, 2]],
        colors={0: style.PALETTE["black"], 1: style.PALETTE["blue"], -1: style.PALETTE["orange"]},
    )
    ink = {t.get_text(): matplotlib.colors.to_hex(t.get_color()) for t in fig.axes[0].texts}
    white, dark = "#ffffff", style.PALETTE["text"].lower()
    assert ink == {"0": white, "1": white, "−1": dark, "2": dark}


def test_draw_grid_shares_axes_and_grows_the_view():
    fig, ax = plt.subplots()
    assert draw_grid([1, 2, 3], ax=ax) is ax  # a 1-D sequence is one row
    draw_grid([[4, 5]], ax=ax, origin=(0, 2), cell_width=1.5, show_values=False)
    x_lo, x_hi = ax.get_xlim()
    y_hi, y_lo = ax.get_ylim()  # rows go down
    assert x_lo < 0 and x_hi > 3 and y_lo < 0 and y_hi > 3
    assert texts(fig) == ["1", "2", "3"]  # the second grid shows no values
    assert [r.get_width() for r in rectangles(ax)][-2:] == [1.5, 1.5]


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"highlight": [(2, 0)]}, ValueError, "outside"),
        ({"highlight": [(0, 0.5)]}, TypeError, "pairs"),
        ({"changed": torch.ones(3, 3, dtype=torch.bool)}, ValueError, "mask of shape"),
        ({"colors": ["red"]}, TypeError, "colors"),
        ({"frames": [(0, 0, 1)]}, ValueError, "frame"),
        ({"cell_width": 0}, ValueError, "cell_width"),
    ],
)
def test_draw_grid_explains_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        draw_grid(torch.zeros(2, 2), **kwargs)
    with pytest.raises(ValueError, match="grid"):
        draw_grid(torch.zeros(2, 2, 2))


def grad_fields(n, kernel_sizes, strides, paddings, dilations, position):
    """The cells of every layer (padding included) that an output cell depends on, by autograd.

    Kernels of ones, so every cell inside a window gets a non-zero gradient. Each layer is padded
    explicitly, so the gradient reaches its padding cells too (in unpadded coordinates).
    """
    h = torch.ones(1, 1, n, n, requires_grad=True)
    padded_layers, pads = [], []
    for k, s, p, d in zip(kernel_sizes, strides, paddings, dilations, strict=True):
        hp = torch.nn.functional.pad(h, (p, p, p, p))
        hp.retain_grad()
        padded_layers.append(hp)
        pads.append(p)
        h = torch.nn.functional.conv2d(hp, torch.ones(1, 1, k, k), stride=s, dilation=d)
    h[0, 0][position].backward()
    return [
        {(r - p, c - p) for r, c in (t.grad[0, 0] != 0).nonzero().tolist()}
        for t, p in zip(padded_layers, pads, strict=True)
    ] + [{position}]


STACKS = [
    # (n, kernel sizes, strides, paddings, dilations, position)
    (3, [2, 2], [1, 1], [0, 0], [1, 1], (0, 0)),
    (7, [3, 3], [2, 1], [1, 1], [1, 1], (0, 1)),
    (9, [3], [1], [0], [2], (2, 2)),
    (8, [3, 2, 3], [1, 2, 1], [1, 0, 1], [1, 1, 1], (1, 1)),
    (7, [3, 3], [1, 1], [0, 2], [2, 1], (3, 0)),
]


@pytest.mark.parametrize("n,ks,ss,ps,ds,position", STACKS)
def test_receptive_fields_match_autograd(n, ks, ss, ps, ds, position):
    fields = receptive_fields(
        [n] + [None] * len(ks), ks, strides=ss, paddings=ps, dilations=ds, position=position
    )
    assert [set(f) for f in fields] == grad_fields(n, ks, ss, ps, ds, position)
    fig = draw_receptive_field(
        [n] + [None] * len(ks), ks, strides=ss, paddings=ps, dilations=ds, position=position
    )
    assert fig.fields == fields
    assert f"Cell {position}" in fig.alt_text
    fig.canvas.draw()


@pytest.mark.parametrize("ks,ss", [([3, 3], [1, 1]), ([3, 3, 3], [2, 1, 2]), ([2, 5], [3, 1])])
def test_an_interior_field_spans_what_helpers_shapes_says(ks, ss):
    # No padding and a cell away from the borders: the field spans receptive_field cells, and
    # has no holes unless a layer skips cells (a 2-wide kernel with stride 3 skips one in three).
    side = helpers.receptive_field(list(zip(ks, ss, strict=True)))
    fields = receptive_fields([40] + [None] * len(ks), ks, strides=ss, position=(1, 1))
    rows = [r for r, _ in fields[0]]
    assert max(rows) - min(rows) + 1 == side
    solid = all(s <= k for k, s in zip(ks, ss, strict=True))
    assert (len(fields[0]) == side**2) == solid


def test_receptive_field_figure_of_the_two_layer_example():
    y = helpers.corr2d(X3, K2)
    z = helpers.corr2d(y, K2)
    fig = draw_receptive_field([X3, y, z], [2, 2], titles=["X", "Y", "z"])
    shown = texts(fig)
    assert {"0", "8", "19", "43", "228", "X", "Y", "z"} <= set(shown)
    assert len(fig.fields[0]) == 9 and len(fig.fields[1]) == 4 and fig.fields[2] == [(0, 0)]
    assert "9 cells of X (a 3×3 block)" in fig.alt_text
    # sizes alone give empty grids; the default titles carry the sizes
    fig = draw_receptive_field([5, None], [3], paddings=1, position=(0, 0))
    assert "input (5×5)" in texts(fig) and "output (5×5)" in texts(fig)
    assert "5 of them padding" in fig.alt_text


@pytest.mark.parametrize(
    "args,kwargs,error,words",
    [
        (([3, 2, 2], [2, 2]), {}, ValueError, "layers\\[2\\] is 2×2"),
        (([3, None], [2, 2]), {}, ValueError, "3 grids or sizes"),
        (([3, None, None], 2), {}, TypeError, "one kernel size per layer"),
        (([None, 2], [2]), {}, ValueError, "input"),
        (([3, None], [2]), {"position": (2, 0)}, ValueError, "outside"),
        (([3, None], [2]), {"position": 0}, TypeError, "position"),
        (([3, None, None], [2, 2]), {"strides": [1]}, ValueError, "strides"),
        (([3, None], [4]), {}, ValueError, "kernel"),
        (([3, None], [2]), {"titles": ["a"]}, ValueError, "titles"),
    ],
)
def test_receptive_field_explains_bad_arguments(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        draw_receptive_field(*args, **kwargs)


# ------------------------------------------------------------- draw_grid: cells, fills and labels


def test_draw_grid_blanks_cells_fills_cells_and_labels_rows_and_columns():
    values = torch.tensor([[0.0, 3.0, 0.0], [5.0, 0.0, 7.0]])
    fig = draw_grid(
        values,
        show_values=values != 0,
        fills={(0, 1): style.PALETTE["orange"], (1, 2): style.PALETTE["black"]},
        colors={5: style.PALETTE["sky_blue"]},
        row_labels=range(2),
        col_labels=["a", "b", "c"],
    )
    ax = fig.axes[0]
    cells = rectangles(ax)[:6]
    to_rgba = matplotlib.colors.to_rgba
    assert cells[1].get_facecolor() == to_rgba(style.PALETTE["orange"])  # fills: by cell
    assert cells[3].get_facecolor() == to_rgba(style.PALETTE["sky_blue"])  # colors: by value
    assert cells[5].get_facecolor() == to_rgba(style.PALETTE["black"])
    assert cells[0].get_facecolor() == to_rgba("white")
    assert texts(fig) == ["3", "5", "7", "0", "1", "a", "b", "c"]  # zeros blank, then labels
    ink = {t.get_text(): matplotlib.colors.to_hex(t.get_color()) for t in ax.texts}
    assert ink["7"] == "#ffffff" and ink["a"] == style.PALETTE["muted"].lower()
    x_lo, _ = ax.get_xlim()
    y_hi, _ = ax.get_ylim()
    assert x_lo < -0.2 and y_hi > 2.2  # room for the row labels (left) and column labels (below)
    # show_values as a list of cells, and a title wider than the grid widens the view
    fig = draw_grid([[1, 2]], show_values=[(0, 1)], title="a title much wider than two cells")
    assert texts(fig)[:1] == ["2"]
    assert fig.axes[0].get_xlim()[0] < -1


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"fills": [(0, 0)]}, TypeError, "fills must map cells"),
        ({"fills": {(2, 0): "red"}}, ValueError, "fills names cell"),
        ({"show_values": [(0, 5)]}, ValueError, "show_values names cell"),
        ({"row_labels": ["a"]}, ValueError, "row_labels has 1 labels, but the grid has 2 rows"),
        ({"col_labels": "ab"}, TypeError, "one label per column"),
    ],
)
def test_draw_grid_explains_bad_cell_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        draw_grid(torch.zeros(2, 2), **kwargs)


# ------------------------------------------------------------------------- draw_transposed

from helpers.drawing import draw_im2col, draw_transposed  # noqa: E402

Y2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
TRANSPOSED_CASES = [
    (Y2, Y2, {}),  # the chapter's worked example
    (Y2, torch.tensor([[2.0]]), {}),  # 1x1 kernel: each panel is one cell
    (Y2, torch.ones(2, 2), {"stride": 3}),  # stride > kernel: gaps between the copies
    (
        torch.arange(1.0, 10).reshape(3, 3),
        torch.arange(1.0, 10).reshape(3, 3),
        {"stride": 2, "padding": 1, "output_padding": 1},
    ),  # fmt: skip
    (Y2, torch.ones(3, 4), {"padding": (1, 2)}),  # padding per axis, crops into every copy
    (Y2, torch.ones(2, 2), {"stride": 2, "output_padding": 1}),  # output past the full result
    (torch.tensor([[1.0, -2.0, 0.5]]), torch.tensor([[1.0, -1.0]]), {"dilation": 2, "stride": 2}),
    (torch.tensor([[4.0]]), torch.arange(6.0).reshape(2, 3), {}),  # one input cell
]


@pytest.mark.parametrize("x,kernel,kw", TRANSPOSED_CASES)
def test_transposed_figure_shows_each_copy_and_their_sum(x, kernel, kw):
    fig = draw_transposed(x, kernel, **kw)
    fig.canvas.draw()
    expected = F.conv_transpose2d(x[None, None], kernel[None, None], **kw)[0, 0].double()
    np.testing.assert_array_equal(fig.output, expected.numpy())
    np.testing.assert_array_equal(fig.output, helpers.conv_transpose2d_scatter(x, kernel, **kw))
    np.testing.assert_array_equal(fig.copies.sum(axis=0), fig.full)
    # the full result is what the player builds, and the output is its uncut block
    steps = player_steps(x, kernel, mode="transposed", **kw)
    np.testing.assert_array_equal(fig.full, steps[-1].canvas)
    p_h, p_w = (
        (kw.get("padding", 0),) * 2 if isinstance(kw.get("padding", 0), int) else kw["padding"]
    )
    oh, ow = fig.output.shape
    np.testing.assert_array_equal(fig.full[p_h : p_h + oh, p_w : p_w + ow], fig.output)
    # panel q: input value q times the kernel, where the player's step q adds it, zeros elsewhere
    for step, copy in zip(steps, fig.copies, strict=True):
        block = copy[np.ix_(step.rows, step.cols)]
        np.testing.assert_array_equal(block, step.value * kernel.double().numpy())
        assert np.count_nonzero(copy) == np.count_nonzero(block)
    shown = texts(fig)
    i, j = x.shape[0] - 1, x.shape[1] - 1
    assert any(t.startswith(f"input ({i}, {j}) = ") for t in shown)  # one panel per input cell
    assert sum("× kernel" in t for t in shown) == x.numel()
    hatched = [r for r in rectangles(fig.axes[0]) if r.get_hatch() == "///"]
    if p_h or p_w:  # every panel and the sum hatch the cells that padding cuts off
        assert len(hatched) == (x.numel() + 1) * (fig.full.size - fig.output.size)
        assert "hatched" in fig.alt_text
    else:
        assert not hatched and fig.full.shape == fig.output.shape  # nothing cut off
    last = "; ".join(", ".join(format_number(v) for v in row) for row in fig.output)
    assert last in fig.alt_text and f"{x.numel() + 1} grids" in fig.alt_text
    assert fig.get_figwidth() <= 6.6 + 1e-9


def test_transposed_worked_example_matches_the_chapter():
    fig = draw_transposed(Y2, Y2)
    assert fig.output.tolist() == [[0, 0, 1], [0, 4, 6], [4, 12, 9]]
    assert "output 3×3: the sum of the 4 copies" in texts(fig)
    assert "Input value 3 at row 1, column 1 adds 0, 3; 6, 9 at rows 1 to 2" in fig.alt_text
    shaded = [
        r for r in rectangles(fig.axes[0]) if r.get_facecolor() == matplotlib.colors.to_rgba(
            helpers.drawing.canvas.WINDOW
        )
    ]  # fmt: skip
    assert len(shaded) == 4 * 4  # each panel shades its 2x2 copy


@pytest.mark.parametrize(
    "x,kernel,kw,error,words",
    [
        (torch.ones(1, 2, 2), Y2, {}, ValueError, "x must be 2-D"),
        (Y2, torch.ones(1, 1, 2, 2), {}, ValueError, "kernel must be 2-D"),
        (torch.ones(5, 4), Y2, {}, ValueError, "one panel per input cell"),
        (Y2, Y2, {"stride": 0}, ValueError, "stride"),
        (Y2, Y2, {"output_padding": 1}, ValueError, "output_padding"),
    ],
)
def test_transposed_figure_explains_bad_arguments(x, kernel, kw, error, words):
    with pytest.raises(error, match=words):
        draw_transposed(x, kernel, **kw)


# ---------------------------------------------------------------------------------- draw_im2col

X4 = torch.arange(16.0).reshape(4, 4)
IM2COL_CASES = [
    (X4, K2, {}),  # the fast-convolution chapter's example
    (X4, torch.tensor([[3.0]]), {}),  # 1x1 kernel: the columns are the input, one row
    (torch.arange(36.0).reshape(6, 6), K2, {"stride": 3}),  # stride > kernel: cells skipped
    (torch.arange(9.0).reshape(3, 3), K2, {"padding": 1, "stride": 2}),
    (torch.arange(25.0).reshape(5, 5), torch.ones(3, 3), {"dilation": 2}),  # one window
    (torch.randn(3, 5), torch.randn(2, 3), {"padding": ((1, 0), (0, 1))}),
    (X4, X4, {}),  # kernel = input: one column
]


@pytest.mark.parametrize("x,kernel,kw", IM2COL_CASES)
def test_im2col_figure_is_the_correlation_as_one_product(x, kernel, kw):
    fig = draw_im2col(x, kernel, **kw)
    fig.canvas.draw()
    x64, k64 = x.double(), kernel.double()
    padded = helpers.pad2d(x64, kw.get("padding", 0))
    unfold = {k: v for k, v in kw.items() if k != "padding"}
    cols = F.unfold(padded[None, None], tuple(kernel.shape), **unfold)[0]
    np.testing.assert_array_equal(fig.columns, cols.numpy())
    np.testing.assert_array_equal(fig.row, k64.reshape(1, -1).numpy())
    expected = helpers.corr2d(x64, k64, **kw)
    np.testing.assert_allclose(fig.product.reshape(expected.shape), expected.numpy(), atol=1e-12)
    shown = set(texts(fig))
    assert {"unfold", "reshape", "kernel as a row", "@"} <= shown
    oh, ow = expected.shape
    assert f"output ({oh}×{ow})" in shown and f"row @ columns (1×{oh * ow})" in shown
    assert f"{kernel.numel()}×{oh * ow} matrix" in fig.alt_text
    assert fig.get_figwidth() <= 6.6 + 1e-9


def test_im2col_colours_each_window_its_column_and_its_output():
    fig = draw_im2col(X4, K2, windows=(0, 5, 7))
    assert "column 5 (sky blue) holds 6, 7, 10, 11" in fig.alt_text
    assert "24, 30, 36, 48, 54, 60, 72, 78, 84" in fig.alt_text
    tint = matplotlib.colors.to_rgba(helpers.drawing.canvas.blend(style.PALETTE["sky_blue"], 0.35))
    sky = [r for r in rectangles(fig.axes[0]) if r.get_facecolor() == tint]
    assert len(sky) == 4 + 1 + 1  # its column, its product entry, its output cell
    outlines = [
        r
        for r in rectangles(fig.axes[0])
        if not r.get_fill() and r.get_edgecolor() == matplotlib.colors.to_rgba(
            style.PALETTE["sky_blue"]
        )
    ]  # fmt: skip
    assert len(outlines) == 1 and outlines[0].get_width() < 2  # the 2x2 window, inset
    assert draw_im2col(X4, K2).alt_text.count("holds") == 3  # default: first, middle, last


@pytest.mark.parametrize(
    "x,kw,error,words",
    [
        (X4, {"windows": (0, 9)}, ValueError, "0 to 8"),
        (X4, {"windows": (0, 1, 2, 3, 4)}, ValueError, "at most 4"),
        (X4, {"windows": (0, 0)}, ValueError, "different"),
        (X4, {"windows": (0.5,)}, TypeError, "window numbers"),
        (torch.zeros(7, 7), {}, ValueError, "36 columns"),
        (torch.zeros(1, 4, 4), {}, ValueError, "x must be 2-D"),
        (X4, {"stride": 0}, ValueError, "stride"),
    ],
)
def test_im2col_figure_explains_bad_arguments(x, kw, error, words):
    with pytest.raises(error, match=words):
        draw_im2col(x, K2, **kw)


def test_output_maps_follow_the_channel_order_and_labels_sit_on_no_slab():
    """Issue 20, error 6: output channel 0 at the top (as the kernels), each map beside its
    kernel, whichever channel is being computed; no "ch" label overlaps a grid or another label."""
    x = torch.arange(18.0).reshape(2, 3, 3)
    k = torch.arange(8.0).reshape(2, 2, 2)
    w = torch.stack([k, k + 1, k + 2])
    fig = draw_channels(x, w, position=(1, 0, 0))
    value = format_number(torch.nn.functional.conv2d(x[None], w)[0, 1, 0, 0].item())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    kernels = sorted(
        (t.get_window_extent(renderer).y0, t.get_text())
        for t in ax.texts
        if t.get_text().startswith("kernel ")
    )
    assert [name for _, name in kernels] == ["kernel 2", "kernel 1", "kernel 0"]  # 0 on top
    out_labels = [t for t in ax.texts if t.get_text().startswith("ch ")]
    right = max(t.get_position()[0] for t in out_labels)
    outputs = sorted(
        (t.get_window_extent(renderer).y0, t.get_text())
        for t in out_labels
        if t.get_position()[0] == right
    )
    assert [name for _, name in outputs] == ["ch 2", "ch 1", "ch 0"]  # channel 0 on top
    assert value in texts(fig)  # the computed channel shows its value although it is not first
    cells = [
        p.get_window_extent(renderer)
        for p in ax.patches
        if type(p).__name__ == "Rectangle" and p.get_facecolor()[3] > 0
    ]
    for t in out_labels:
        box = t.get_window_extent(renderer).shrunk(0.9, 0.8)
        assert not any(box.overlaps(c) for c in cells), t.get_text()
    all_boxes = [t.get_window_extent(renderer) for t in out_labels]
    for i, a in enumerate(all_boxes):
        assert not any(a.overlaps(b) for b in all_boxes[i + 1 :])

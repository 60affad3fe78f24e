"""Static figures: they draw without error for edge cases and show the player's numbers."""

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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
    stacks = (c_in > 1) * (1 + c_out) + (c_out > 1)  # each stack of 2+ slabs gets 2 faces
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

"""Figure text stays readable on a phone (issue 16: at least 10 CSS px at 375 px).

Each figure is saved as the book saves it (SVG, text kept as text, tight bounding box); the book's
column on a 375 px phone is ``style.PHONE_COLUMN_PX`` wide and shrinks a wider figure to fit, so
a text's size there is its font size times that scale. The browser audit
(tests/browser/reader_audit.py) measures the same on the built pages.
"""

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import helpers  # noqa: E402
from helpers import style  # noqa: E402

X = torch.arange(9.0).reshape(3, 3)
K = torch.arange(4.0).reshape(2, 2)
X2 = torch.stack([X, X + 1])
K2 = torch.stack([K, K + 1])

FIGURES = {
    "correlation": lambda: helpers.draw_correlation(X, K, step=0),
    "correlation, padded, strided": lambda: helpers.draw_correlation(
        X, K, padding=1, stride=(3, 2), step=1
    ),
    "pooling": lambda: helpers.draw_pooling(X, 2, stride=1, mode="avg", step=0),
    "channels": lambda: helpers.draw_channels(X2, K2, step=0),
    "three output channels": lambda: helpers.draw_channels(
        X2, torch.stack([K2, K2 + 1, K2 + 2]), position=(1, 0, 0)
    ),
    "receptive field": lambda: helpers.draw_receptive_field(
        [X, helpers.corr2d(X, K), helpers.corr2d(helpers.corr2d(X, K), K)],
        [2, 2],
        titles=["input X", "feature map Y", "output z"],
    ),
    "im2col": lambda: helpers.draw_im2col(torch.arange(16.0).reshape(4, 4), K, windows=(0, 5, 7)),
    "transposed": lambda: helpers.draw_transposed(K, X),
    "grid": lambda: helpers.draw_grid(torch.arange(64.0).reshape(8, 8)),
}


def phone_text_px(fig) -> list[tuple[float, str]]:
    """(CSS px on a 375 px phone, text) for every text of ``fig`` saved as SVG."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    width_px = float(re.search(r'width="([\d.]+)pt"', svg).group(1)) * 4 / 3
    scale = min(1.0, style.PHONE_COLUMN_PX / width_px) * 4 / 3  # SVG user units are points
    return [
        (float(size) * scale, text.strip())
        for size, text in re.findall(r"font-size: ([\d.]+)px[^>]*>([^<]*)<", svg)
        if text.strip()
    ]


@pytest.mark.parametrize("name", FIGURES)
def test_every_helper_figure_reads_at_10_css_px_on_a_phone(name):
    fig = FIGURES[name]()
    sizes = phone_text_px(fig)
    assert sizes, "no text found: the measurement would prove nothing"
    assert min(sizes) >= (10.0, ""), min(sizes)
    plt.close(fig)


@pytest.mark.parametrize("layout", [None, "constrained"])
@pytest.mark.parametrize("width", [3.0, 5.6, 8.0])
def test_readable_enlarges_small_text_of_any_figure(width, layout):
    fig, ax = plt.subplots(figsize=(width, 2.5), layout=layout)
    ax.plot([1, 2, 3])
    ax.set_title("a title", fontsize=6)
    ax.tick_params(labelsize=5)
    assert min(phone_text_px(fig)) < (10.0, "")  # the check can fail
    assert style.readable(fig) is fig
    assert min(phone_text_px(fig)) >= (10.0, "")
    plt.close(fig)


def test_min_text_pt():
    assert style.min_text_pt(3.0) == pytest.approx(style.MIN_TEXT_PX * 0.75)  # not shrunk
    assert style.min_text_pt(6.8) == pytest.approx(
        style.MIN_TEXT_PX * 0.75 * 6.8 * 96 / style.PHONE_COLUMN_PX
    )


def test_readable_measures_a_constrained_layout_as_saved():
    """Before it is drawn, a constrained-layout figure of images measures narrower than it is
    saved (4.3 against 5.5 inches here): the channels chapter's photo panels."""

    def photo_panels():
        fig, axes = plt.subplots(2, 2, figsize=(5.6, 6.4), layout="constrained")
        for ax in axes.flat:
            ax.imshow(torch.rand(600, 512).numpy())
            ax.set_title("the photo")
            ax.set_axis_off()
        return fig

    with matplotlib.rc_context():
        helpers.use_style()  # the chapters' style: 12 pt titles
        assert min(phone_text_px(photo_panels())) < (10.0, "")
        assert min(phone_text_px(style.readable(photo_panels()))) >= (10.0, "")
    plt.close("all")

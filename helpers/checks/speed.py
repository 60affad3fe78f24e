"""Self-checks for the chapter on making convolution fast.

- :func:`check_im2col_shape`: the shape ``(rows, columns)`` of the im2col matrix of one image.

Conventions as in PyTorch (``F.unfold``): one row per (input channel, kernel row, kernel column),
one column per output pixel; ``padding=p`` adds ``p`` on each side.
"""

from __future__ import annotations

from ..shapes import conv_output_size
from ._core import Feedback, correct, hint, is_missing, missing
from .answers import as_ints, as_pair, reads_answer


@reads_answer
def check_im2col_shape(answer, input_shape, kernel_size, *, padding=0, stride=1) -> Feedback:
    """Check ``(rows, columns)`` of the im2col matrix of one ``(C_in, H, W)`` input.

    Rows: ``C_in * k_h * k_w`` (one window of every channel per column); columns:
    ``H_out * W_out`` (one per output pixel). ``padding``/``stride``: int or ``(h, w)``.
    """
    if is_missing(answer):
        return missing("shape (rows, columns)")
    shape = as_ints(answer)
    if shape is None or len(shape) != 2:
        return hint("give the shape as two whole numbers: (rows, columns).")

    c_in, h, w = input_shape
    (k_h, k_w), (p_h, p_w), (s_h, s_w) = (
        as_pair(v, name)
        for v, name in ((kernel_size, "kernel_size"), (padding, "padding"), (stride, "stride"))
    )
    m_h = conv_output_size(h, k_h, padding=p_h, stride=s_h)
    m_w = conv_output_size(w, k_w, padding=p_w, stride=s_w)
    rows, columns = c_in * k_h * k_w, m_h * m_w
    if shape == (rows, columns):
        return correct("one row per weight of a filter, one column per output pixel.")
    if shape == (columns, rows) and rows != columns:
        return hint(
            "rows and columns are swapped: each window becomes a column (F.unfold's layout), "
            "so there is one column per output pixel."
        )
    answer_rows, answer_columns = shape

    if answer_rows != rows:
        row_mistakes = [
            (k_h * k_w, "a column holds the window of every input channel, not of just one."),
            (c_in, "a column holds a whole k_h x k_w window of each channel, not one value."),
            (c_in * (k_h + k_w), "a k_h x k_w window has k_h times k_w cells."),
        ]
        for value, message in row_mistakes:
            if answer_rows == value:
                return hint(message)
        if answer_columns == columns:
            return hint(
                "the columns are right. The rows: how many numbers does one window hold, "
                "counting every input channel?"
            )

    column_mistakes = []
    if (p_h, p_w) != (0, 0):
        no_pad = conv_output_size(h, k_h, stride=s_h) * conv_output_size(w, k_w, stride=s_w)
        once = conv_output_size(h, k_h, padding=(p_h, 0), stride=s_h) * conv_output_size(
            w, k_w, padding=(p_w, 0), stride=s_w
        )
        column_mistakes += [
            (no_pad, "the padding adds window positions: use the padded input's size."),
            (once, "padding is added on each side (top and bottom, left and right)."),
        ]
    if (s_h, s_w) != (1, 1):
        no_stride = conv_output_size(h, k_h, padding=p_h) * conv_output_size(w, k_w, padding=p_w)
        column_mistakes.append(
            (no_stride, "with a stride the window skips positions: fewer output pixels.")
        )
    column_mistakes += [
        (h * w, "one column per output pixel, not per input pixel: use the output size."),
        (m_h + m_w, "one column per output pixel: multiply the output height by its width."),
        (m_h, "one column per output pixel: multiply the output height by its width."),
        (c_in * m_h * m_w, "the channels are in the rows (inside each window), not the columns."),
    ]
    for value, message in column_mistakes:
        if answer_columns == value and value != columns:
            return hint(message)
    if answer_rows == rows:
        return hint(
            "the rows are right. The columns: how many positions does the window take, that is, "
            "how many output pixels are there?"
        )
    return hint(
        "not quite. A row per number in one window (all channels), a column per output pixel."
    )

"""Self-checks of the fast-convolution chapter: right answers pass, each usual mistake gets its own
hint, and no hint gives the answer away."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from helpers.checks import speed

# (input_shape, kernel_size, padding, stride)
CASES = [
    ((64, 56, 56), 3, 1, 1),
    ((3, 8, 9), 3, 0, 1),
    ((2, 10, 7), (3, 2), (1, 0), (2, 1)),
    ((4, 11, 11), 5, 2, 2),
]


def unfold_shape(input_shape, kernel_size, padding, stride):
    """The shape F.unfold gives for one image: the expected answer, computed independently."""
    cols = F.unfold(torch.zeros(1, *input_shape), kernel_size, padding=padding, stride=stride)
    return tuple(cols.shape[1:])


def check(answer, case):
    input_shape, kernel_size, padding, stride = case
    return speed.check_im2col_shape(
        answer, input_shape, kernel_size, padding=padding, stride=stride
    )


def assert_hint(feedback, *words, answer):
    assert feedback.status == "hint", str(feedback)
    for word in words:
        assert word in feedback.message, f"{word!r} not in {feedback.message!r}"
    for number in answer:
        assert str(number) not in feedback.message


def test_no_answer_yet_is_missing_not_wrong():
    for blank in (..., None):
        feedback = check(blank, CASES[0])
        assert feedback.status == "missing" and not feedback


def test_check_is_exported_by_the_package():
    import helpers.checks

    assert helpers.checks.check_im2col_shape is speed.check_im2col_shape


@pytest.mark.parametrize("case", CASES)
def test_the_unfold_shape_passes_in_any_sequence_type(case):
    rows, columns = unfold_shape(*case)
    for answer in ((rows, columns), [rows, columns], torch.Size([rows, columns])):
        assert check(answer, case), str(check(answer, case))


def test_the_chapter_exercise():
    assert speed.check_im2col_shape((576, 3136), (64, 56, 56), 3, padding=1)


@pytest.mark.parametrize("answer", ["576x3136", 576, (576, 3136, 1), (576.5, 3136)])
def test_a_non_pair_asks_for_two_whole_numbers(answer):
    assert_hint(check(answer, CASES[0]), "two whole numbers", answer=(576, 3136))


@pytest.mark.parametrize("case", CASES)
def test_swapped_rows_and_columns(case):
    rows, columns = unfold_shape(*case)
    assert_hint(check((columns, rows), case), "swapped", answer=(rows, columns))


def test_each_row_mistake_gets_its_hint():
    case = CASES[0]  # 64 channels, 3x3, padding 1: (576, 3136)
    answer = unfold_shape(*case)
    assert_hint(check((9, 3136), case), "every input channel", answer=answer)
    assert_hint(check((64, 3136), case), "whole k_h x k_w window", answer=answer)
    assert_hint(check((64 * 6, 3136), case), "k_h times k_w", answer=answer)
    assert_hint(check((100, 3136), case), "columns are right", answer=answer)


def test_each_column_mistake_gets_its_hint():
    case = CASES[3]  # 4 x 11 x 11, 5x5, padding 2, stride 2: (100, 36)
    answer = unfold_shape(*case)
    assert answer == (100, 36)
    rows = answer[0]
    assert_hint(check((rows, 16), case), "padding adds", answer=answer)  # no padding: 4 x 4
    assert_hint(check((rows, 25), case), "each side", answer=answer)  # padding once: 5 x 5
    assert_hint(check((rows, 121), case), "stride", answer=answer)  # 11 x 11 without the stride
    assert_hint(check((rows, 12), case), "multiply the output height", answer=answer)
    assert_hint(check((rows, 4 * 36), case), "channels are in the rows", answer=answer)
    assert_hint(check((rows, 50), case), "rows are right", answer=answer)


def test_input_size_instead_of_output_size():
    case = CASES[1]  # 3 x 8 x 9, 3x3: output 6 x 7
    answer = unfold_shape(*case)
    assert_hint(check((27, 72), case), "input pixel", answer=answer)


def test_forgotten_stride():
    case = ((1, 9, 9), 3, 0, 2)  # output 4 x 4; without the stride 7 x 7
    answer = unfold_shape(*case)
    assert answer == (9, 16)
    assert_hint(check((9, 49), case), "stride", answer=answer)


def test_both_wrong_gets_the_general_hint():
    case = CASES[1]
    answer = unfold_shape(*case)
    assert_hint(check((5, 5), case), "all channels", answer=answer)

"""The one answer parser of the self-checks (``helpers.checks.answers``): every check reads a
Python, NumPy or torch number or sequence the same way, never a set, and every registered check
resolves."""

import inspect
from fractions import Fraction

import numpy as np
import pytest
import torch

import helpers.checks as checks
from helpers.checks import answers as A

SIX = [
    6,
    np.int64(6),
    np.int32(6),
    6.0,
    np.float32(6),
    torch.tensor(6),
    torch.tensor([6]),
    np.array(6),
    Fraction(6),
]


@pytest.mark.parametrize("answer", SIX)
def test_every_kind_of_whole_number_reads_the_same(answer):
    assert A.as_int(answer) == 6
    assert A.as_ints(answer) == (6,)


@pytest.mark.parametrize(
    "answer",
    [
        (16, 11),
        [16, 11],
        torch.Size([16, 11]),
        torch.tensor([16, 11]),
        np.array([16, 11]),
        (np.int64(16), torch.tensor(11)),
        (16.0, 11.0),
    ],
)
def test_every_kind_of_sequence_reads_the_same(answer):
    assert A.as_ints(answer) == (16, 11)


@pytest.mark.parametrize(
    "answer",
    [
        {16, 11},
        frozenset({16}),
        {16: 11},
        "16",
        b"16",
        True,
        6.5,
        float("nan"),
        torch.tensor([[16, 11]]),
        [[16, 11]],
        [16, "11"],
        None,
        object(),
    ],
)
def test_sets_text_booleans_and_non_whole_numbers_are_not_read(answer):
    assert A.as_ints(answer) is None


def test_big_integers_stay_exact():
    assert A.as_int(torch.tensor(2**62 + 1)) == 2**62 + 1
    assert A.as_int(np.int64(2**62 + 1)) == 2**62 + 1


@pytest.mark.parametrize("value", [3, np.int64(3), torch.tensor(3), (3, 3), [3, 3]])
def test_question_parameters_as_pairs(value):
    assert A.as_pair(value, "kernel_size") == (3, 3)


@pytest.mark.parametrize("value", [(1, 2, 3), "3", {3}, 2.5])
def test_a_bad_question_parameter_names_itself(value):
    with pytest.raises(ValueError, match=r"kernel_size must be .* but got"):
        A.as_pair(value, "kernel_size")


def test_issue_cases():
    """The cases of issue 19, point 6, and issue 20, point 7."""
    assert checks.check_same_padding(np.int64(6), 13)
    assert checks.check_same_padding((6, 6), 13)
    assert checks.check_same_padding(torch.tensor([6, 6]), 13)
    assert checks.check_same_padding((6, 2), (13, 5))
    assert "swapped" in checks.check_same_padding((2, 6), (13, 5)).message
    assert checks.check_corr2d_output_shape(torch.tensor([22, 28]), (24, 30), 3)
    assert checks.check_corr2d_output_shape(np.array([22, 28]), (24, 30), 3)
    feedback = checks.check_corr2d_output_shape({22, 28}, (24, 30), 3)
    assert feedback.status == "hint" and "set" in feedback.message
    assert checks.check_receptive_field(7.0, [3, 3, 3])
    assert checks.check_receptive_field(np.int64(7), [3, 3, 3])
    assert checks.check_conv_params(1216.0, 3, 16, 5)
    assert checks.check_padded_shape(torch.tensor([16, 11]), (32, 32), (5, 3), (2, 1), (2, 3))
    assert checks.check_pool_output_shape(torch.tensor([1, 3, 2, 2]), (1, 3, 4, 4), 2)
    assert checks.check_im2col_shape(torch.tensor([27, 4]), (3, 4, 4), 3)
    assert checks.check_dilated_size(torch.tensor(5), 9, 3, 2)
    assert checks.check_transposed_size(np.int64(9), 4, 3, 2)


@pytest.mark.parametrize("name", sorted(checks._CHECKS))
def test_every_registered_check_resolves_and_reads_answers_one_way(name):
    check = getattr(checks, name)
    assert callable(check) and name in checks.__all__
    assert getattr(check, "__wrapped__", None) is not None, f"{name} is not @reads_answer"
    assert next(iter(inspect.signature(check).parameters)) == "answer"


@pytest.mark.parametrize("name", sorted(checks._CHECKS))
def test_a_set_gets_the_set_hint_from_every_check(name):
    # The set hint comes before the check looks at its other arguments.
    feedback = getattr(checks, name)({1, 2}, None, None, None)
    assert feedback.status == "hint" and "set" in feedback.message
    assert not str(feedback).startswith("✘ Not yet: not yet")


def test_no_hint_repeats_the_not_yet_mark():
    """``str(Feedback)`` starts a hint with "✘ Not yet: ", so no message may begin "not yet"."""
    import pathlib
    import re

    folder = pathlib.Path(checks.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'hint\(\s*f?"not yet', text, re.I), path.name

"""Reading answers: the one parser every self-check uses.

A student may answer with a Python ``int``, a NumPy integer, a whole ``float`` (``7.0``), a 0-d or
one-element array or tensor, or, for a shape, a tuple, list, ``torch.Size``, 1-D array or 1-D
tensor of those. All read the same. A set is never read as an answer: it has no order (height
and width could come out either way) and it drops repeated numbers, so ``{16, 16}`` is ``{16}``.
Text (``"16"``) and ``True``/``False`` are not numbers here either.

The question's own parameters (``kernel_size=3`` or ``(5, 3)``, as in ``nn.Conv2d``) go through
:func:`as_pair`, which raises a ``ValueError`` naming the parameter: a wrong parameter is the
exercise author's slip, not the student's.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping, Set

import numpy as np
import torch

from ._core import hint

UNORDERED_HINT = (
    "that is a set, written with curly braces {…}. A set has no order and drops repeated "
    "numbers, so it cannot say which number is the height and which the width. Use round "
    "brackets (a tuple) or square brackets (a list) instead."
)


def is_unordered(answer) -> bool:
    """True for a set, frozenset or dict view of keys: containers without an order."""
    return isinstance(answer, (Set, type({}.keys())))


def as_number(answer) -> float | None:
    """One finite number from an int, float, Fraction, NumPy scalar, 0-d or one-element array or
    tensor; else None. Text (``"16"``) and booleans are not numbers here."""
    if isinstance(answer, (bool, np.bool_, str, bytes)) or is_unordered(answer):
        return None
    if isinstance(answer, numbers.Real):  # int, float, Fraction, NumPy scalars
        value = float(answer)
    elif isinstance(answer, torch.Tensor):
        if answer.numel() != 1 or answer.dtype == torch.bool or answer.is_complex():
            return None
        value = float(answer.detach().cpu().reshape(()).to(torch.float64))
    else:
        try:
            array = np.asarray(answer)
        except (TypeError, ValueError):
            return None
        if array.size != 1 or array.dtype.kind not in "iuf":
            return None
        value = float(array.reshape(()).astype(np.float64))
    return value if math.isfinite(value) else None


def as_int(answer) -> int | None:
    """One whole number (``6``, ``np.int64(6)``, ``6.0``, ``torch.tensor(6)``), else None."""
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, (bool, np.bool_)):
        return int(answer)  # exact, however large
    if isinstance(answer, torch.Tensor) and answer.numel() == 1 and not answer.is_floating_point():
        if answer.dtype == torch.bool or answer.is_complex():
            return None
        return int(answer.reshape(()).item())
    value = as_number(answer)
    return int(value) if value is not None and value.is_integer() else None


def as_ints(answer) -> tuple[int, ...] | None:
    """A shape or a list of whole numbers as a tuple of ints, else None.

    One number gives a one-element tuple. Sequences: tuple, list, ``torch.Size``, 1-D array or
    tensor. Never a set or a mapping (no order), never text.
    """
    if is_unordered(answer) or isinstance(answer, (str, bytes, Mapping)):
        return None
    single = as_int(answer)
    if single is not None:
        return (single,)
    if isinstance(answer, (torch.Tensor, np.ndarray)) and answer.ndim != 1:
        return None
    try:
        items = list(answer)
    except TypeError:
        return None
    ints = tuple(as_int(item) for item in items)
    return None if None in ints else ints


def as_pair(value, name: str) -> tuple[int, int]:
    """A question parameter given as one int or ``(for height, for width)``, as a pair of ints."""
    ints = as_ints(value)
    if ints is not None and len(ints) == 1:
        return ints * 2
    if ints is not None and len(ints) == 2:
        return ints
    raise ValueError(
        f"{name} must be a whole number or a (height, width) pair of whole numbers, as in "
        f"nn.Conv2d, but got {value!r}: pass e.g. {name}=3 or {name}=(3, 5)"
    )


def reads_answer(check):
    """Decorator for a self-check: a set given as the answer gets :data:`UNORDERED_HINT`."""

    @functools.wraps(check)
    def wrapper(answer, *args, **kwargs):
        if is_unordered(answer):
            return hint(UNORDERED_HINT)
        return check(answer, *args, **kwargs)

    return wrapper

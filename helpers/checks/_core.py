"""The result type of every self-check, and the small tools checks are built from.

A check compares a student's answer with the right one and returns a :class:`Feedback`. The
message names the likely mistake ("you counted the padding once; PyTorch adds it on each side")
but never states the correct answer, so the exercise keeps its value.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Feedback:
    """Outcome of a self-check.

    ``status`` is ``"correct"``, ``"hint"`` (wrong, with a hint) or ``"missing"`` (still ``...``).
    ``bool(feedback)`` is True only when the answer is correct, so tests can ``assert check(...)``.
    """

    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        mark = {"correct": "✔ Correct", "hint": "✘ Not yet", "missing": "… No answer yet"}
        return f"{mark[self.status]}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {"correct": "#009E73", "hint": "#D55E00", "missing": "#0072B2"}[self.status]
        return (
            f'<div class="course-feedback course-feedback-{self.status}" role="status" '
            f'style="border-left:4px solid {colour};padding:0.4em 0.8em;">'
            f"{html.escape(str(self))}</div>"
        )


def correct(message: str = "well done.") -> Feedback:
    return Feedback("correct", message)


def hint(message: str) -> Feedback:
    return Feedback("hint", message)


def missing(what: str = "answer") -> Feedback:
    return Feedback("missing", f"replace the `...` with your {what} and run the cell again.")


def is_missing(answer) -> bool:
    """True when the student has not answered yet (left ``...`` or ``None``)."""
    return answer is Ellipsis or answer is None


def as_array(value) -> np.ndarray | None:
    """The answer as a float64 NumPy array, or None when it is not array-like."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64).cpu().numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def same_values(answer, expected, *, atol: float = 1e-6) -> bool:
    """Same shape and values within ``atol``."""
    a, e = as_array(answer), as_array(expected)
    return a is not None and e is not None and a.shape == e.shape and np.allclose(a, e, atol=atol)

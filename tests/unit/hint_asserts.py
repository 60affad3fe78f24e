"""Assertions shared by the self-check tests (``test_checks_*.py``): a hint must not give the
answer away.

Not a test module (no ``test_`` prefix); the test files import it by name. ``conftest.py`` has
pytest rewrite its ``assert`` statements, so a failure shows the values, as in a test module.
"""

from __future__ import annotations

import re


def numbers_in(message):
    """The runs of digits in ``message``, as strings (``"2.5"`` gives ``"2"`` and ``"5"``)."""
    return set(re.findall(r"\d+", message))


def assert_hides(feedback, *values):
    """A hint, and none of ``values`` appears in it as a number."""
    assert feedback.status == "hint", feedback
    leaked = numbers_in(feedback.message) & {str(v) for v in values}
    assert not leaked, f"hint gives away {leaked}: {feedback.message}"

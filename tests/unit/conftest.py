"""Unit tests: the shared assertion module gets pytest's assert rewriting (detailed failures)."""

import pytest

pytest.register_assert_rewrite("hint_asserts")

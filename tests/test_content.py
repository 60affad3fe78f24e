"""Content rules of the course that a regular expression or the exercise reader can hold (issue 20):
exercises run easy -> medium -> hard in every chapter with a hard one in each, the facts once
stated wrongly stay right, and one notation is used across the chapters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import exercises

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = exercises.book_chapters()
WITH_EXERCISES = [c for c in CHAPTERS if c.exercises]
RANK = {level: i for i, level in enumerate(exercises.DIFFICULTIES)}


@pytest.mark.parametrize("chapter", WITH_EXERCISES, ids=lambda c: c.name)
def test_exercises_run_from_easy_to_hard(chapter):
    levels = [e.difficulty for e in chapter.exercises]
    assert None not in levels, f"{chapter.name}: an exercise has no difficulty line"
    ranks = [RANK[level] for level in levels]
    assert ranks == sorted(ranks), f"{chapter.name}: {levels}"
    assert "hard" in levels, f"{chapter.name} has no hard exercise"

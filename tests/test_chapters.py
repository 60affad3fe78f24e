"""Every chapter is assignable on its own: it states objectives, prerequisites and time, ends with a
summary and key terms (with Chinese equivalents), and has exercises, each with a gated worked
solution, some of them auto-checked by `helpers.checks`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
TEACHING_PARTS = {"Foundations", "Beyond the basics"}
CHAPTERS = [
    ROOT / f"{entry['file']}.md"
    for part in TOC["parts"]
    if part["caption"] in TEACHING_PARTS
    for entry in part["chapters"]
]
# Minimum exercises and auto-checked exercises, per chapter (the issues' requirements).
MINIMUM = {"fast-convolution": (4, 0)}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_toc_has_teaching_chapters():
    assert len(CHAPTERS) >= 5


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def source(request) -> tuple[str, str]:
    return request.param.stem, request.param.read_text(encoding="utf-8")


def test_states_objectives_prerequisites_and_time(source):
    name, text = source
    assert "```{admonition} At a glance" in text, f"{name}: no 'At a glance' admonition"
    for field in ("Learning objectives", "Prerequisites", "Estimated time"):
        assert f"**{field}" in text, f"{name}: the 'At a glance' box does not state {field}"
    minutes = re.search(r"\*\*Estimated time\.?\*\*\s*(\d+)", text)
    assert minutes and 10 <= int(minutes.group(1)) <= 180, f"{name}: estimated time in minutes"


def test_ends_with_summary_and_key_terms_in_chinese(source):
    name, text = source
    assert re.search(r"^## Summary", text, re.MULTILINE), f"{name}: no '## Summary' section"
    terms = re.search(r"^## Key terms\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert terms, f"{name}: no '## Key terms' section"
    rows = [line for line in terms.group(1).splitlines() if line.startswith("|")][2:]
    assert len(rows) >= 4, f"{name}: fewer than 4 key terms"
    assert all(CHINESE.search(row) for row in rows), f"{name}: a key term lacks its Chinese term"


def test_every_exercise_has_a_gated_solution(source):
    name, text = source
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
    at_least, _ = MINIMUM.get(name, (5, 2))
    assert len(labels) >= at_least, f"{name}: {len(labels)} exercises, needs {at_least}"
    solved = re.findall(r"```\{solution-start\} (\S+)", text)
    assert sorted(solved) == sorted(labels), f"{name}: exercises and solutions do not pair up"
    assert text.count("```{solution-start}") == text.count("```{solution-end}")


def test_some_exercises_are_auto_checked(source):
    name, text = source
    _, at_least = MINIMUM.get(name, (5, 2))
    checks = set(re.findall(r"checks\.(check_\w+)\(", text))
    assert len(checks) >= at_least, f"{name}: uses {len(checks)} self-checks, needs {at_least}"

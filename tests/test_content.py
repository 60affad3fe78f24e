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


# --- one notation (stated once in book/intro.md, section "Notation"; the glossary reads it) ------

CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```\s*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)
PAGES = sorted((ROOT / "book").glob("*.md"))


def maths(page):
    """(line, text) of every maths span of ``page`` outside code cells and code spans."""
    text = page.read_text(encoding="utf-8")
    masked = CODE_CELL.sub(lambda m: " " * len(m.group()), text)
    masked = CODE_SPAN.sub(lambda m: " " * len(m.group()), masked)
    for m in MATH.finditer(masked):
        yield text.count("\n", 0, m.start()) + 1, m.group(1) or m.group(2)


NOTATION_RULES = {
    # pattern in maths -> what the notation says instead
    r"(\b[A-Z]|\))\[": "index with subscripts, X_{c,i,j}, not X[c, i, j] (that is code)",
    r"\bW(?!\))": "the weights are K (W is only the width in (N, C, H, W))",
    r"\bo\s*=(?!\s*0,)": "the output size is m (m_h x m_w); o is an output channel",
    r"\\hat\s*\{?k": "the effective kernel size is k_{\\text{eff}}",
    r"\bk_\{?eff": "write k_{\\text{eff}}",
}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_one_notation_in_the_maths(page):
    problems = [
        f"line {line}: {text.strip()[:60]!r}: {why}"
        for line, text in maths(page)
        for pattern, why in NOTATION_RULES.items()
        if re.search(pattern, text)
    ]
    assert not problems, "\n".join(problems)


def test_output_padding_is_p_out_and_offsets_are_a_b():
    """``a`` is a kernel offset (row a, column b), never output_padding: in the chapter on
    transposed convolution (no kernel offsets there) a lone ``a`` is the old notation."""
    page = ROOT / "book" / "conv-arithmetic.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lone_a = [
        (line, text)
        for line, text in maths(page)
        if re.search(r"\ba\b", text) and "Visin write" not in lines[line - 1]  # their symbol
    ]
    assert not lone_a, lone_a
    assert any("p_{\\text{out}}" in text for _, text in maths(page))


def test_notation_is_stated_once_and_the_glossary_reads_it():
    from scripts import glossary

    intro = ROOT / "book" / "intro.md"
    rows = glossary.notation_rows(intro)
    symbols = " ".join(symbol for symbol, _, _ in rows)
    for symbol in (
        "$K$",
        "$m_h \\times m_w$",
        "$(a, b)$",
        "$(i, j)$",
        "$p_{\\text{out}}$",
        "$k_{\\text{eff}}$",
        "$c_i$, $c_o$",
    ):
        assert symbol in symbols, symbol
    stated = [p.stem for p in PAGES if re.search(r"^## Notation\b", p.read_text(), re.M)]
    assert stated == ["glossary", "intro"]  # the glossary's section is read from the intro
    assert "notation_rows" in (ROOT / "book" / "glossary.md").read_text()

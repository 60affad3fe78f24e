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
    symbols = " ".join(symbol for symbol, _ in rows)
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


# --- reading time: the long chapters mark optional sections and state the core path's time ------

WORDS_PER_MINUTE = 120  # a careful pace for text with formulas
MINUTES_PER_CODE_CELL = 1  # to run a visible code cell and read its output
OPTIONAL = re.compile(r"^(#{2,3}) .*\(optional, (\d+) min\)\s*$")
CORE_CLAIM = re.compile(
    r"\*\*Estimated time\.\*\* (\d+) minutes for the core sections, plus (\d+) for the (\w+) marked"
)
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def reading_minutes(text):
    """Minutes to read ``text``: its words outside code cells at WORDS_PER_MINUTE, plus
    MINUTES_PER_CODE_CELL for each code cell whose code is shown."""
    cells = CODE_CELL.findall(text)
    shown = [c for c in cells if "remove-cell" not in c and "remove-input" not in c]
    words = len(CODE_CELL.sub(" ", text).split())
    return words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * len(shown)


def chapter_parts(page):
    """(core text, [(heading, stated minutes, text)] of the optional sections) of the chapter's
    body: after the front matter, before the exercises."""
    text = page.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    body = re.split(r"^## Exercises\s*$|^```\{exercise\}", body, maxsplit=1, flags=re.M)[0]
    lines = body.splitlines(keepends=True)
    prose, fence = [], None  # prose[i]: line i is outside code fences ("# comment" is no heading)
    for line in lines:
        opener = re.match(r"^(`{3,}|:{3,})", line)
        if fence is None and opener:
            fence = opener.group(1)
            prose.append(False)
        elif fence is not None:
            fence = None if line.strip() == fence else fence
            prose.append(False)
        else:
            prose.append(True)
    core, optional, i = [], [], 0
    while i < len(lines):
        m = OPTIONAL.match(lines[i]) if prose[i] else None
        if not m:
            core.append(lines[i])
            i += 1
            continue
        level, j = len(m.group(1)), i + 1
        while j < len(lines) and not (prose[j] and re.match(rf"^#{{1,{level}}} ", lines[j])):
            j += 1
        optional.append((lines[i].strip(), int(m.group(2)), "".join(lines[i:j])))
        i = j
    return "".join(core), optional


LONG_CHAPTERS = ["fast-convolution", "conv-arithmetic"]


@pytest.mark.parametrize("name", LONG_CHAPTERS)
def test_long_chapters_have_a_core_path_of_at_most_45_minutes(name):
    page = ROOT / "book" / f"{name}.md"
    core, optional = chapter_parts(page)
    assert optional, f"{name}: no section is marked '(optional, N min)'"
    for heading, stated, text in optional:
        assert abs(stated - reading_minutes(text)) <= 1, (heading, reading_minutes(text))
    claim = CORE_CLAIM.search(page.read_text(encoding="utf-8"))
    assert claim, f"{name}: state '**Estimated time.** N minutes for the core sections'"
    assert int(claim.group(1)) <= 45
    assert int(claim.group(2)) == sum(stated for _, stated, _ in optional)
    assert NUMBERS[claim.group(3)] == len(optional)
    assert abs(int(claim.group(1)) - reading_minutes(core)) <= 3, reading_minutes(core)


# --- errors of fact once in the prose (issue 20); the numbers behind them are asserted in the
# chapters themselves (73_728 in channels, the 1/c_o and 1/k^2 shares in one-by-one, the glued
# verdict in fast-convolution) ---------------------------------------------------------------

WRONG_PROSE = [
    ("one-by-one", r"depthwise part's cost never goes away", "the pointwise share 1/k^2 stays"),
    ("channels", r"a stage ends with a layer that doubles", "the stride-2 layer begins a stage"),
    ("channels", r"73\{?,\}?856", "ResNet's convolutions have no bias: 73,728"),
    (
        "conv-arithmetic",
        r"\(DCGAN's generator\)",
        "k=4 is the DCGAN code's choice; the paper used 5x5",
    ),
    ("pooling", r"cells that won a max pool learn", "input cells are not parameters"),
    (
        "fast-convolution",
        r"expect close to \$p\$ times the speed, as long",
        "follow the measurement",
    ),
]


@pytest.mark.parametrize("name, pattern, fix", WRONG_PROSE, ids=[w[1][:30] for w in WRONG_PROSE])
def test_an_error_of_fact_stays_fixed(name, pattern, fix):
    assert not re.search(pattern, (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")), fix


def test_dcgan_and_resnet_are_stated_right():
    arithmetic = (ROOT / "book" / "conv-arithmetic.md").read_text(encoding="utf-8")
    assert re.search(
        r"DCGAN code \(the DCGAN paper itself used \$5\\times 5\$ kernels\)", arithmetic
    )
    channels = (ROOT / "book" / "channels.md").read_text(encoding="utf-8")
    assert "each stage after the first *begins* with a" in channels
    assert "padding=1, bias=False)` on a $64\\times 56\\times 56$" in channels
    fast = (ROOT / "book" / "fast-convolution.md").read_text(encoding="utf-8")
    assert "{glue:text}`threads_verdict`" in fast

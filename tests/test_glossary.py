"""The glossary lists every key term of every chapter.

``book/glossary.md`` builds its table when the book is built, from the "Key terms" table at the end
of each chapter in ``_toc.yml``. This test runs that same code (``scripts/glossary.py``) and
compares it with a separate, simpler reading of the chapters' tables, so a term can neither be
dropped by the parser nor added to a chapter without reaching the glossary.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import glossary
from scripts.exercises import toc_documents as toc_files

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"


@pytest.fixture(scope="module")
def builder() -> dict:
    """The glossary builder the page uses, and the entries it makes for this book."""
    return {**vars(glossary), "entries": glossary.glossary_entries(ROOT)}


def table_terms(page: Path) -> list[str]:
    """First column of the rows of a page's "## Key terms" table (a plain reading)."""
    text = page.read_text(encoding="utf-8")
    if "## Key terms" not in text:
        return []
    section = text.split("## Key terms", 1)[1]
    section = re.split(r"^#{1,2} ", section, maxsplit=1, flags=re.M)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # header, rule
    return [re.split(r"(?<!\\)\|", row)[1].strip() for row in rows]


CHAPTERS = [p for p in toc_files(ROOT / "_toc.yml") if p.exists() and p != GLOSSARY]


def mini_book(root: Path, chapters: dict[str, str], terms: str) -> Path:
    """A book in ``root``: an intro page, the given chapters (name -> Markdown, in toc order) and
    the terminology list ``locales/zh_CN/terms.yml`` (its YAML text)."""
    toc = "format: jb-book\nroot: intro\nchapters:\n" + "".join(
        f"  - file: {n}\n" for n in chapters
    )
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    (root / "intro.md").write_text("(intro)=\n# Intro\n", encoding="utf-8")
    for name, text in chapters.items():
        (root / f"{name}.md").write_text(text, encoding="utf-8")
    (root / "locales" / "zh_CN").mkdir(parents=True, exist_ok=True)
    (root / "locales" / "zh_CN" / "terms.yml").write_text(terms, encoding="utf-8")
    return root / "locales" / "zh_CN" / "terms.yml"


def test_glossary_is_in_the_toc_with_its_label():
    assert GLOSSARY in toc_files(ROOT / "_toc.yml")
    assert "(ch-glossary)=" in GLOSSARY.read_text(encoding="utf-8")


def test_every_chapters_key_terms_are_in_the_glossary(builder):
    entries = builder["entries"]
    listed = {e["term"].lower(): e for e in entries}
    markdown = builder["glossary_markdown"](entries)
    found = 0
    for page in CHAPTERS:
        label = builder["chapter_label"](page)
        for term in table_terms(page):
            assert term.lower() in listed, f"{term!r} of {page.name} is missing from the glossary"
            assert label in listed[term.lower()]["chapters"], (term, page.name)
            assert f"**{listed[term.lower()]['term']}**" in markdown
            found += 1
    assert found >= 20, "the chapters' Key terms tables were not found"


def test_each_term_links_the_chapter_that_introduces_it(builder):
    labels = {builder["chapter_label"](p) for p in CHAPTERS}
    order = [builder["chapter_label"](p) for p in CHAPTERS]
    for entry in builder["entries"]:
        assert entry["chapters"], entry
        assert set(entry["chapters"]) <= labels, entry
        # Listed in reading order: the first is where the term is introduced.
        assert entry["chapters"] == sorted(entry["chapters"], key=order.index), entry
        assert entry["chinese"] and re.search(r"[\u4e00-\u9fff]", entry["chinese"]), entry
        assert entry["meaning"], entry
    markdown = builder["glossary_markdown"](builder["entries"])
    items = markdown.split("\n\n")
    assert len(items) == len(builder["entries"])
    for entry, item in zip(builder["entries"], items, strict=True):
        # one definition-list item per term: "**term** · 中文", then ": meaning ... chapters."
        term_line, definition = item.split("\n")
        assert term_line == f"**{entry['term']}** · {entry['chinese']}"
        assert definition.startswith(": ") and definition.endswith(".")
        first, *later = entry["chapters"]
        assert f"*Introduced in* {{ref}}`{first}`" in definition
        for label in later:
            assert f"{{ref}}`{label}`" in definition.split("; also ", 1)[1]


def test_entries_are_sorted_alphabetically(builder):
    keys = [builder["sort_key"](e["term"]) for e in builder["entries"]]
    assert keys == sorted(keys)


def test_the_parser_copes_with_real_world_tables(builder, tmp_path):
    """Escaped bars, loose spacing, other headings after the table, a term in two chapters."""
    a = (
        "(ch-a)=\n# A\n\n## Key terms\n\n"
        "|English|中文|Meaning|\n|:--|:-:|--:|\n"
        "|  stride  | 步幅 | How far the window jumps. |\n"
        "| norm | 范数 | The size $\\|x\\|$ of a vector. |\n\n"
        "## References\n\n| not | a | term |\n| --- | --- | --- |\n| x | y | z |\n"
    )
    b = (
        "(ch-b)=\n# B\n\nText.\n\n## Key terms\n\n| English | 中文 | Meaning |\n"
        "| --- | --- | --- |\n| Stride | 步幅 | Later meaning. |\n"
        "| pooling | 池化 | Summarise. |\n"
    )
    terms = "terms:\n" + "".join(
        f"  - {{en: {en}, zh: {zh}}}\n"
        for en, zh in [("stride", "步幅"), ("norm", "范数"), ("pooling", "池化")]
    )
    mini_book(tmp_path, {"a": a, "b": b}, terms)
    entries = builder["glossary_entries"](tmp_path)
    assert [e["term"] for e in entries] == ["norm", "pooling", "stride"]
    norm, _, stride = entries
    assert norm["meaning"] == "The size $|x|$ of a vector."
    assert stride == {
        "term": "stride",
        "chinese": "步幅",
        "meaning": "How far the window jumps.",
        "chapters": ["ch-a", "ch-b"],
    }
    markdown = builder["glossary_markdown"](entries)
    assert "$|x|$" in markdown  # a list, not a table: bars need no escaping
    assert "{ref}`ch-a`; also {ref}`ch-b`" in markdown
    assert markdown.startswith("**norm** · 范数\n: The size $|x|$ of a vector. *Introduced in*")


def test_the_chinese_comes_from_the_terminology_list(builder, tmp_path):
    """terms.yml gives each term's Chinese; a chapter's term missing from it stops the build."""
    a = (
        "(ch-a)=\n# A\n\n## Key terms\n\n| English | 中文 | Meaning |\n| --- | --- | --- |\n"
        "| stride | 步长 | How far the window jumps. |\n"
    )
    terms = mini_book(tmp_path, {"a": a}, "terms:\n  - {en: stride, zh: 步幅}\n")
    assert [e["chinese"] for e in builder["glossary_entries"](tmp_path)] == ["步幅"]
    terms.write_text("terms:\n  - {en: padding, zh: 填充}\n", encoding="utf-8")
    with pytest.raises(KeyError, match="'stride' is not in locales/zh_CN/terms.yml"):
        builder["glossary_entries"](tmp_path)

"""The course glossary, built from the "Key terms" table that ends every chapter and the
terminology list ``locales/zh_CN/terms.yml`` (:mod:`scripts.terms`).

``book/glossary.md`` calls :func:`glossary_markdown` on :func:`glossary_entries` when the book is
built, so the glossary cannot fall out of step with the chapters. The Chinese of every term comes
from the terminology list, the one list both editions use; a chapter's term missing from it, or a
listed term no chapter defines, stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.exercises import toc_documents
from scripts.terms import TERMS, chinese_of, load_terms


def table_cells(line):
    """The cells of one Markdown table row; `\\|` is a literal bar, not a separator."""
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def key_terms(page):
    """The rows (English, Chinese, meaning) of a page's "## Key terms" table, or []."""
    text = page.read_text(encoding="utf-8")
    section = re.search(r"^## Key terms[^\n]*\n(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S)
    if not section:
        return []
    rows = [line for line in section.group(1).splitlines() if line.lstrip().startswith("|")]
    terms = []
    for line in rows:
        cells = table_cells(line)
        if len(cells) < 3 or set("".join(cells)) <= set("-: "):
            continue  # separator row, or too few columns
        if cells[0].lower() in ("english", "term"):
            continue  # header row
        terms.append(tuple(cells[:3]))
    return terms


def chapter_label(page):
    """The chapter's label, the first `(label)=` line of the page."""
    match = re.search(r"^\(([\w-]+)\)=\s*$", page.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def sort_key(term):
    return re.sub(r"^[^\w]+", "", term.lower()).replace("-", " ")


def glossary_entries(root):
    """One entry per term (case-insensitive), in alphabetical order: the terminology list gives
    the Chinese, the first chapter that lists it the meaning; every chapter that lists it is
    recorded."""
    terms = load_terms(root)
    entries = {}
    for page in toc_documents(Path(root) / "_toc.yml"):
        label = chapter_label(page)
        if not page.exists() or label is None or label == "ch-glossary":
            continue
        for english, _, meaning in key_terms(page):
            entry = entries.setdefault(
                english.lower(),
                {
                    "term": english,
                    "chinese": chinese_of(english, terms),
                    "meaning": meaning,
                    "chapters": [],
                },
            )
            if label not in entry["chapters"]:
                entry["chapters"].append(label)
    unused = [t for t in terms if t.lower() not in entries]
    if unused:
        raise ValueError(
            f"{TERMS} lists terms no chapter's Key terms table defines: {', '.join(unused)}; "
            "add them to a chapter's table or remove them from the list"
        )
    return sorted(entries.values(), key=lambda e: sort_key(e["term"]))


def glossary_markdown(entries):
    """A MyST definition list, one entry per term: the term in bold and its Chinese on the first
    line, then the meaning and the chapters that use it. A list, not a table, so that it wraps
    at phone width. Chapter links are {ref} roles, resolved (and checked) by the build."""
    blocks = []
    for e in entries:
        first, *later = e["chapters"]
        where = f"{{ref}}`{first}`"
        if later:
            where += "; also " + ", ".join(f"{{ref}}`{label}`" for label in later)
        meaning = " ".join(e["meaning"].split())
        blocks.append(f"**{e['term']}** · {e['chinese']}\n: {meaning} *Introduced in* {where}.")
    return "\n\n".join(blocks)


def notation_rows(page):
    """The rows (symbol, meaning) of the "## Notation" table of ``page`` (the intro),
    the one place the course's notation is written down; [] when the page has none."""
    text = page.read_text(encoding="utf-8")
    section = re.search(r"^## Notation[^\n]*\n(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S)
    if not section:
        return []
    rows = []
    for line in section.group(1).splitlines():
        if not line.lstrip().startswith("|"):
            continue
        cells = table_cells(line)
        if set("".join(cells)) <= set("-: ") or cells[0].lower() == "symbol":
            continue
        rows.append(tuple((cells + [""])[:2]))
    return rows


def notation_markdown(rows):
    """The notation as a MyST definition list (it wraps at phone width, unlike a table)."""
    blocks = []
    for symbol, meaning in rows:
        blocks.append(f"{symbol}\n: {meaning[0].upper()}{meaning[1:]}.")
    return "\n\n".join(blocks)

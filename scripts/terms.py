"""The terminology list, ``locales/zh_CN/terms.yml``: one Chinese term per English key term.

It is the one list both editions use: the glossary takes each term's Chinese from it
(:func:`scripts.glossary.glossary_entries`), the chapters' "Key terms" tables must give the same
Chinese, and the Chinese edition must use it wherever a chapter defines the term
(``tests/test_translations.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TERMS = Path("locales") / "zh_CN" / "terms.yml"


def load_terms(root: Path = ROOT) -> dict[str, str]:
    """English term -> its Chinese, in the list's order."""
    data = yaml.safe_load((Path(root) / TERMS).read_text(encoding="utf-8"))
    terms = {}
    for entry in data["terms"]:
        english, chinese = str(entry["en"]), str(entry["zh"])
        if english.lower() in {t.lower() for t in terms}:
            raise ValueError(f"{TERMS}: the term {english!r} is listed twice; keep one entry")
        terms[english] = chinese
    return terms


def chinese_of(term: str, terms: dict[str, str]) -> str:
    """The Chinese of English ``term`` (case-insensitive), or a KeyError naming the list."""
    for english, chinese in terms.items():
        if english.lower() == term.lower():
            return chinese
    raise KeyError(f"the key term {term!r} is not in {TERMS}: add it there with its Chinese")


def search_words(terms: dict[str, str]) -> list[str]:
    """The Chinese words of the list, for the Chinese search's word splitter (jieba's user
    dictionary): each term, its parenthesised alternative and each part of a "A，B" or "A / B"
    term, spaces and quotes dropped ("空洞卷积（膨胀卷积）" -> "空洞卷积", "膨胀卷积")."""
    words = []
    for chinese in terms.values():
        parts = re.split(r"[（），/]", chinese)
        for part in parts:
            word = re.sub(r"[\s\"“”]", "", part)
            if re.search(r"[\u3400-\u9fff]", word) and word not in words:
                words.append(word)
    return words


def write_search_dictionary(path: Path, root: Path = ROOT) -> Path:
    """jieba's user dictionary of :func:`search_words` (one word a line, a high frequency so each
    stays one word): the Chinese search then finds "卷积核", not only "卷积" and "核"."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    words = search_words(load_terms(root))
    path.write_text("".join(f"{w} 100000\n" for w in words), encoding="utf-8")
    return path

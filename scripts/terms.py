"""The course's terminology list, ``locales/zh_CN/terms.yml``: one Chinese term per English key term.

It is the one list both editions use: the glossary takes each term's Chinese from it
(:func:`scripts.glossary.glossary_entries`), the chapters' "Key terms" tables must give the same
Chinese, and the Chinese edition must use it wherever a chapter defines the term
(``tests/test_translations.py``).
"""

from __future__ import annotations

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

"""The Chinese edition's catalogues and terminology (issue 17).

The catalogues ``locales/zh_CN/LC_MESSAGES/book/*.po`` are checked against the sources' messages,
extracted afresh once per test session (Sphinx's gettext builder with the book's configuration;
executed outputs come from the execution cache, which the strict build of ``make test`` has just
filled). Each test prints every page's counts (``python -m scripts.translations status`` prints
the same table). A page fails when:

- a message of the sources is missing from its ``.po``, or the ``.po`` keeps one the sources no
  longer have (the ``.po`` is out of date: run ``make catalogues``);
- a message is untranslated (empty ``msgstr``);
- a message is fuzzy (its English changed since it was translated).

``test_a_changed_paragraph_fails_until_the_po_is_updated`` shows the cycle on a one-page fixture
(``tests/fixtures/translations``). The terminology tests hold the Key terms tables and the Chinese
text to the one list, ``locales/zh_CN/terms.yml``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_intl.basic import update as intl_update

from scripts import translations
from scripts.exercises import toc_documents
from scripts.glossary import key_terms
from scripts.terms import chinese_of, load_terms

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
FIXTURE = ROOT / "tests" / "fixtures" / "translations"
TERMS = load_terms(ROOT)
PAGES = [
    p
    for p in toc_documents(ROOT / "_toc.yml")
    if p.exists() and p.stem != "glossary" and key_terms(p)
]


@pytest.fixture(scope="session")
def extracted(tmp_path_factory) -> Path:
    """The book's messages, one ``.pot`` per page, extracted once per session."""
    return translations.extract(tmp_path_factory.mktemp("gettext"))


@pytest.fixture(scope="session")
def pages(extracted) -> list[translations.PageStatus]:
    rows = translations.statuses(LANGUAGE, extracted)
    print("\n" + translations.report(rows))
    return rows


def failures(rows, what: str) -> dict[str, list[str]]:
    return {r.page: getattr(r, what) for r in rows if getattr(r, what)}


def test_every_page_has_a_catalogue(pages):
    assert {r.page for r in pages} == {
        p.relative_to(ROOT).with_suffix("").as_posix() for p in toc_documents(ROOT / "_toc.yml")
    }
    assert all(r.messages > 0 for r in pages)


def test_catalogues_are_up_to_date_with_the_sources(pages):
    missing, stale = failures(pages, "missing"), failures(pages, "stale")
    assert not missing and not stale, (
        f"out of date (run `make catalogues`): in the sources, not in the .po: {missing}; "
        f"in the .po, gone from the sources: {stale}"
    )


def test_every_message_is_translated(pages):
    empty = failures(pages, "untranslated")
    counts = {page: len(ids) for page, ids in empty.items()}
    assert not empty, (
        f"untranslated messages per page: {counts}; first: {next(iter(empty.values()))[0]!r}"
    )


def test_no_message_is_fuzzy(pages):
    fuzzy = failures(pages, "fuzzy")
    assert not fuzzy, f"fuzzy messages (check the translation, then drop '#, fuzzy'): {fuzzy}"


# ---------------------------------------------------------------- the cycle, on a fixture page


def fixture_status(book: Path, out: Path) -> translations.PageStatus:
    """Extract the fixture book's messages afresh and compare its catalogue with them."""
    shutil.rmtree(out, ignore_errors=True)
    # A process of its own: the book's extraction (same session) leaves myst-nb registered
    # in Sphinx's global state.
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "gettext", str(book), str(out)]
    subprocess.run(command, check=True)
    po = book / "locales" / LANGUAGE / "LC_MESSAGES" / "page.po"
    return translations.page_status("page", po, out / "page.pot")


def test_a_changed_paragraph_fails_until_the_po_is_updated(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FIXTURE, book)
    out = tmp_path / "gettext"
    assert fixture_status(book, out).complete  # the fixture starts fully translated

    # An author edits one English paragraph: the catalogue is out of date.
    page = book / "page.md"
    old = "so the kernel can also sit on the border."
    new = "so that the kernel can also be centred on border cells."
    page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    status = fixture_status(book, out)
    assert not status.complete
    assert [m for m in status.missing if new in m] and [m for m in status.stale if old in m]

    # `make catalogues` (sphinx-intl update): up to date again, the changed message fuzzy.
    intl_update(str(book / "locales"), str(out), (LANGUAGE,), jobs=1)
    status = fixture_status(book, out)
    assert not status.missing and not status.stale
    assert len(status.fuzzy) == 1 and new in status.fuzzy[0] and not status.complete

    # The translator checks the translation and drops the fuzzy flag: complete.
    po = book / "locales" / LANGUAGE / "LC_MESSAGES" / "page.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("#, fuzzy\n", "", 1), encoding="utf-8")
    assert "#, fuzzy" in text and fixture_status(book, out).complete


# ---------------------------------------------------------------- terminology (terms.yml)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_key_terms_tables_give_the_listed_chinese(page):
    wrong = {
        english: (chinese, chinese_of(english, TERMS))
        for english, chinese, _ in key_terms(page)
        if chinese != chinese_of(english, TERMS)
    }
    assert not wrong, f"{page.name}: Key terms (table, terms.yml): {wrong}"


def forms(chinese: str) -> list[str]:
    """What a Chinese text must contain to use term ``chinese``: the term without its
    parenthesised alternative ("空洞卷积（膨胀卷积）" -> "空洞卷积"); of "A，B" (two names) the
    first; of "A / B" (a pair) both."""
    main = re.sub(r"（[^）]*）", "", chinese).split("，")[0]
    return [normal(part) for part in main.split(" / ")]


def normal(text: str) -> str:
    return re.sub(r"[\s\"“”「」]", "", text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_chinese_text_uses_the_listed_terms(page):
    """Each key term the chapter defines appears, as terms.yml gives it, in the chapter's Chinese
    text (its translated messages, the Key terms table's own cells left out)."""
    name = page.relative_to(ROOT).with_suffix("").as_posix()
    po = translations.catalogues(LANGUAGE)[name]
    table = {cell for row in key_terms(page) for cell in row[:2]}
    text = normal(
        " ".join(
            m.string
            for m in translations.read(po)
            if m.id and m.id not in table and isinstance(m.string, str) and not m.fuzzy
        )
    )
    missing = {
        english: chinese
        for english, chinese, _ in key_terms(page)
        if not all(form in text for form in forms(chinese_of(english, TERMS)))
    }
    assert not missing, f"{page.name}: the Chinese text never uses {missing}"

"""The book's language editions: English (the sources) and Chinese (简体中文).

The Chinese edition is the same book built with ``language = "zh_CN"``: Sphinx replaces each
English message by its translation from the gettext catalogues
``locales/zh_CN/LC_MESSAGES/book/<page>.po`` (see :mod:`scripts.translations`). Code cells,
executed outputs, players and asserted numbers are the English build's: the Chinese build reads
the same execution cache, so with the English book built it executes no chapter again (only the
glossary, which re-runs on every build by design). The players pick their words from the page's
``<html lang>`` in the browser (``helpers/web/common.js``), so one output serves both editions.

Layout (the same for the instructor and the student book, so a page's other edition is always at
the same relative place; ``scripts/course_pages.py`` adds the language switch)::

    _build/html/book/pooling.html        _build/html/zh/book/pooling.html
    _build/student/html/...              _build/student/html/zh/...

Each Chinese book is built in its own folder (``_build/zh``, ``_build/student/zh``: its Sphinx
environment and executed notebooks) and copied into the English book's ``zh/``::

    python -m scripts.editions                 # the Chinese instructor book -> _build/html/zh
    python -m scripts.editions --student       # the Chinese student book -> _build/student/html/zh
    python -m scripts.editions --strict        # warnings are errors (make test)
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from scripts import student_build
from scripts.terms import write_search_dictionary

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LOCALES = ROOT / "locales"
# A glue role naming a key of its own page: {glue}`key`, {glue:text}`key:.1f`, ...
LOCAL_GLUE = re.compile(
    r"\{glue(?::(?P<kind>\w+))?\}`(?![^`]*::)(?P<key>[^`:]+)(?P<format>:[^`]*)?`"
)


class Edition:
    """One translated edition: its Sphinx ``language``, the ``<html lang>`` Sphinx writes for it,
    the folder it is published in (under the English book), the switch's link text, and its
    labels of myst-nb's toggles of hidden cells (``toggles``: myst-nb's ``{type}`` of a toggle ->
    its "show" and "hide" labels), which myst-nb writes in English whatever the language
    (``scripts/translatable.py`` puts these in)."""

    def __init__(
        self, language: str, folder: str, link_text: str, toggles: dict[str, tuple[str, str]]
    ):
        self.language = language
        self.lang_attr = language.replace("_", "-")
        self.folder = folder
        self.link_text = link_text
        self.toggles = toggles


ZH = Edition(
    "zh_CN",
    "zh",
    "中文",
    toggles={
        "source": ("显示代码", "隐藏代码"),  # hide-input: the cell's code
        "output": ("显示输出", "隐藏输出"),  # hide-output below the code
        "outputs": ("显示输出", "隐藏输出"),  # hide-output of a cell without code shown
        "content": ("显示代码单元格", "隐藏代码单元格"),  # hide-cell: code and output
    },
)
TRANSLATIONS = [ZH]
"""The editions built from ``locales/`` besides the English one."""

ENGLISH_LINK_TEXT = "English"


def edition_of(language: str | None) -> Edition | None:
    """The translated edition of Sphinx ``language``, or None for the English book."""
    return next((e for e in TRANSLATIONS if e.language == language), None)


def glue_from_the_page(text: str, page: Path) -> str:
    """``text`` with each glue role that names a key of its own page naming the page too
    (``{glue:text}`n:.1f``` -> ``{glue:text}`pooling.md::n:.1f```, ``{glue:text}`word``` ->
    ``{glue:text}`pooling.md::word:s```).

    Sphinx parses a translation on its own, outside the page, where a page's glued values are
    not known (myst-nb: "No key 'n' found in glue data for this document"); a role that names
    the page is resolved after the page is read, from its stored glue data."""

    def named(m):
        kind = f":{m['kind']}" if m["kind"] else ""
        # a text role's key ends at its last ":", so one without a format gets the default "s"
        fmt = m["format"] or (":s" if m["kind"] == "text" else "")
        return f"{{glue{kind}}}`{page.name}::{m['key']}{fmt}`"

    return LOCAL_GLUE.sub(named, text)


def catalogues_for_build(language: str, out: Path) -> Path:
    """A copy of ``locales/LANGUAGE`` for the build, in ``out/locales``, with the translations'
    glue roles naming their page (:func:`glue_from_the_page`). Returns the locale folder."""
    source = LOCALES / language / "LC_MESSAGES"
    target_root = out / "locales"
    for po in source.rglob("*.po"):
        relative = po.relative_to(source)
        page = (ROOT / relative).with_suffix(".md")
        with open(po, "rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if message.id and isinstance(message.string, str) and "{glue" in message.string:
                message.string = glue_from_the_page(message.string, page)
        target = target_root / language / "LC_MESSAGES" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            with open(target, "rb") as f:
                if [(m.id, m.string, m.fuzzy) for m in read_po(f)] == [
                    (m.id, m.string, m.fuzzy) for m in catalog
                ]:
                    continue  # unchanged: keep its compiled .mo
        with open(target, "wb") as f:
            write_po(f, catalog)
    return target_root


def build(
    edition: Edition = ZH, *, student: bool = False, strict: bool = False, fresh: bool = False
) -> Path:
    """Build ``edition`` (the instructor book, or the ``student`` one) and copy it into the English
    book's folder. Returns the published folder, e.g. ``_build/html/zh``."""
    base = BUILD / "student" if student else BUILD
    out = base / edition.folder
    # Sphinx's Chinese search splits words with jieba; the course's terms are words too.
    words = write_search_dictionary(out / "search-words.txt")
    html = student_build.build(
        out=out,
        instructor=not student,
        # the English book's execution cache: nothing is executed twice
        cache=base / ".jupyter_cache",
        strict=strict,
        fresh=fresh,
        language=edition.language,
        overrides={
            "html_search_options": {"dict": str(words)},
            "locale_dirs": [str(catalogues_for_build(edition.language, out))],
        },
    )
    published = base / "html" / edition.folder
    shutil.copytree(html, published, dirs_exist_ok=True)
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--student", action="store_true", help="the student book")
    parser.add_argument("--strict", action="store_true", help="warnings are errors (nitpicky)")
    parser.add_argument("--all", action="store_true", help="re-read every page (fresh env)")
    args = parser.parse_args(argv)
    for edition in TRANSLATIONS:
        start = time.perf_counter()
        published = build(edition, student=args.student, strict=args.strict, fresh=args.all)
        seconds = time.perf_counter() - start
        print(f"{edition.language} edition: {published / 'index.html'} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

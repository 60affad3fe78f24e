"""The translated editions' gettext catalogues: bring them up to date, and see where they stand.

One ``.po`` file per page, ``locales/zh_CN/LC_MESSAGES/book/<page>.po``; each message id is an
English paragraph (heading, caption, table cell, ...) of the sources, its ``msgstr`` the
translation. After an English edit::

    python -m scripts.translations update    # (make catalogues) extract, merge into every .po
    python -m scripts.translations status    # per page: translated, empty, fuzzy, obsolete
    git diff locales/                        # what changed, message by message

``update`` extracts the messages with Sphinx's gettext builder (the book's own configuration,
``gettext_compact = False``: one catalogue per page; the executed outputs come from the English
book's execution cache) into ``_build/gettext/*.pot``, then merges them into the ``.po`` files
with sphinx-intl: a new message is added untranslated, a changed one keeps its old translation
marked ``fuzzy`` (for the translator to check), a removed one is kept as obsolete (``#~``).
``status`` exits non-zero while any page has an untranslated, fuzzy or missing message.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from scripts.editions import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
GETTEXT = ROOT / "_build" / "gettext"


def extract(out: Path = GETTEXT, *, cache: Path | None = None, quiet: bool = True) -> Path:
    """The sources' messages, one ``.pot`` per page under ``out`` (as ``book/pooling.pot``).

    Uses the book's configuration and its execution cache (``_build/.jupyter_cache``), so with the
    book built nothing is executed but the glossary (which runs on every build)."""
    from jupyter_book.sphinx import build_sphinx

    from scripts.student_build import instructor_config

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    user = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}
    merged = instructor_config(user, cache=Path(cache or ROOT / "_build" / ".jupyter_cache"))
    config = out / "_config.gettext.yml"
    config.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    result = build_sphinx(
        ROOT,
        out,
        noconfig=True,
        path_config=str(config),
        confoverrides={
            "external_toc_path": "_toc.yml",
            "latex_individualpages": False,
            "gettext_compact": False,
        },
        builder="gettext",
        doctreedir=out / ".doctrees",
        quiet=quiet,
    )
    if result:
        raise SystemExit(f"Extracting the messages failed: {result}")
    for page, pot in templates(out).items():
        source = ROOT / f"{page}.md"
        if source.exists():
            add_student_messages(pot, source.read_text(encoding="utf-8"))
    return out


def student_messages(source: str, ids: set[str]) -> list[str]:
    """The messages only the student edition of a page shows (``scripts/student_build.py``): the
    paragraphs of its ``<!-- student-edition ... -->`` passages, and each message of ``ids`` as the
    student edition rewords it. The instructor book, which the gettext builder reads, has neither,
    so without these the Chinese student edition would show them in English."""
    from markdown_it import MarkdownIt

    from scripts.student_build import STUDENT_ONLY, STUDENT_WORDING

    found = []
    parser = MarkdownIt("commonmark")
    for block in STUDENT_ONLY.finditer(source):
        for token in parser.parse(block.group(1)):
            if token.type == "inline" and token.content.strip():
                found.append(" ".join(token.content.split()))  # as Sphinx: one line per message
    for message in sorted(ids):
        reworded = message
        for pattern, replacement in STUDENT_WORDING:
            reworded = pattern.sub(replacement, reworded)
        if reworded != message:
            found.append(reworded)
    return [m for m in dict.fromkeys(found) if m not in ids]


def add_student_messages(pot: Path, source: str) -> None:
    """Add :func:`student_messages` to the page's template ``pot``."""
    from babel.messages.pofile import write_po

    catalog = read(pot)
    extra = student_messages(source, message_ids(catalog))
    if not extra:
        return
    for message in extra:
        catalog.add(message, locations=[(f"{pot.stem}.md (student edition)", 0)])
    with open(pot, "wb") as f:
        write_po(f, catalog)


def templates(pot_dir: Path) -> dict[str, Path]:
    """Page name -> its ``.pot`` (``book/pooling`` -> ``pot_dir/book/pooling.pot``)."""
    pot_dir = Path(pot_dir)
    return {p.relative_to(pot_dir).with_suffix("").as_posix(): p for p in pot_dir.rglob("*.pot")}


def catalogues(language: str, locales: Path = LOCALES) -> dict[str, Path]:
    """Page name -> its ``.po`` in ``locales/LANGUAGE/LC_MESSAGES``."""
    base = Path(locales) / language / "LC_MESSAGES"
    return {p.relative_to(base).with_suffix("").as_posix(): p for p in base.rglob("*.po")}


def read(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def message_ids(catalog) -> set[str]:
    """The ids of a catalogue's live messages (no header, no obsolete ones)."""
    return {m.id for m in catalog if m.id}


@dataclass
class PageStatus:
    """Where one page's catalogue stands against the sources' messages."""

    page: str
    messages: int = 0
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    obsolete: int = 0
    missing: list[str] = field(default_factory=list)  # in the sources, not in the .po
    stale: list[str] = field(default_factory=list)  # in the .po, gone from the sources

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.missing or self.stale)

    def row(self) -> str:
        return (
            f"{self.page:<24} {self.messages:>8} {self.translated:>10} "
            f"{len(self.untranslated):>12} {len(self.fuzzy):>5} {self.obsolete:>8} "
            f"{len(self.missing) + len(self.stale):>11}"
        )


HEADER = (
    f"{'page':<24} {'messages':>8} {'translated':>10} {'untranslated':>12} {'fuzzy':>5} "
    f"{'obsolete':>8} {'out of date':>11}"
)


def page_status(page: str, po: Path | None, pot: Path | None) -> PageStatus:
    """``page``'s catalogue ``po`` against the freshly extracted ``pot`` (None: not compared)."""
    status = PageStatus(page)
    catalog = read(po) if po and po.exists() else None
    wanted = message_ids(read(pot)) if pot else None
    if catalog is not None:
        status.obsolete = len(catalog.obsolete)
        for message in catalog:
            if not message.id:
                continue  # the header
            status.messages += 1
            text = message.string if isinstance(message.string, str) else "".join(message.string)
            if message.fuzzy:
                status.fuzzy.append(message.id)
            elif not text.strip():
                status.untranslated.append(message.id)
            else:
                status.translated += 1
    if wanted is not None:
        have = message_ids(catalog) if catalog is not None else set()
        status.missing = sorted(wanted - have)
        status.stale = sorted(have - wanted)
    return status


def statuses(language: str, pot_dir: Path | None = None, locales: Path = LOCALES):
    """One :class:`PageStatus` per page (every ``.po``, and every ``.pot`` when given)."""
    pos = catalogues(language, locales)
    pots = templates(pot_dir) if pot_dir else {}
    pages = sorted(set(pos) | set(pots))
    return [page_status(p, pos.get(p), pots.get(p) if pot_dir else None) for p in pages]


def report(rows: list[PageStatus]) -> str:
    total = PageStatus(
        "total",
        messages=sum(r.messages for r in rows),
        translated=sum(r.translated for r in rows),
        untranslated=[m for r in rows for m in r.untranslated],
        fuzzy=[m for r in rows for m in r.fuzzy],
        obsolete=sum(r.obsolete for r in rows),
        missing=[m for r in rows for m in r.missing],
        stale=[m for r in rows for m in r.stale],
    )
    return "\n".join([HEADER, *(r.row() for r in rows), total.row()])


def update(languages: list[str] | None = None, *, pot_dir: Path = GETTEXT) -> dict:
    """Extract the messages afresh and merge them into every language's catalogues."""
    from sphinx_intl.basic import update as intl_update

    extract(pot_dir)
    languages = languages or [e.language for e in TRANSLATIONS]
    return intl_update(str(LOCALES), str(pot_dir), tuple(languages), jobs=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "status"])
    parser.add_argument("--language", default=TRANSLATIONS[0].language)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="status: extract the sources' messages too and list the out-of-date ones",
    )
    args = parser.parse_args(argv)
    if args.command == "update":
        print(update([args.language]))
    pot_dir = None
    if args.command == "update" or args.compare:
        pot_dir = GETTEXT if args.command == "update" else extract(GETTEXT)
    rows = statuses(args.language, pot_dir)
    print(report(rows))
    if args.command == "update":
        return 0  # the catalogues are up to date; what is left to translate is in the table
    return 0 if all(r.complete for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

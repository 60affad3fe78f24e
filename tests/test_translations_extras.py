"""Exercise titles, figure alt text and the toggles of hidden cells in the Chinese edition
(scripts/translatable.py, issue 17), and the values glued into its sentences.

- On a one-page fixture (``tests/fixtures/translatable``: a notebook with a stored figure, a
  player's HTML output and two exercises, and its zh_CN catalogue), ``-b gettext`` extracts the
  exercise titles, the alt text and the player's title and description, and the zh_CN build
  shows them translated: in the exercises, in the solution's title, in ``<img alt>`` and in the
  player's heading.
- On the book: every exercise title and every notebook figure's alt text of a chapter is a
  translated message of the chapter's catalogue, and in the built Chinese book
  (``_build/html/zh``, built by ``python -m scripts.editions`` if missing) no exercise title,
  solution title, ``<img alt>`` or player heading is the English text where the catalogue has a
  translation.
- myst-nb's toggles of hidden cells ("Show code cell source", ...) are in Chinese on the
  fixture (every kind: source, output, outputs, content) and on every page of the Chinese
  instructor and student books, where the English page has its English toggles.

tests/test_translations.py checks the catalogues as a whole (up to date, translated, not fuzzy).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from scripts import translations as translations_module
from scripts.editions import ZH
from scripts.exercises import parse_chapter, toc_documents

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "translatable"
CATALOGUES = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
ZH_HTML = ROOT / "_build" / "html" / "zh"

IMG_ALT = re.compile(r'<img\b[^>]*\balt="([^"]*)"')
ADMONITION_TITLE = re.compile(r'<p class="admonition-title">(.*?)</p>', re.DOTALL)
PLAYER_HEADING = re.compile(r'<p class="c2d-(?:title|desc)" id="[^"]*">(.*?)</p>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
# myst-nb's toggle of a hidden cell: its "show" and "hide" labels (scripts/course_pages.py drops
# the book's aria-label, the fixture keeps it).
TOGGLE = re.compile(
    r'<summary(?: aria-label="[^"]*")?>\s*<p class="collapsed admonition-title">([^<]*)</p>\s*'
    r'<p class="expanded admonition-title">([^<]*)</p>'
)
# myst-nb's English labels (its default nb_code_prompt_show/_hide, which the book keeps).
ENGLISH_TOGGLES = {
    kind: (f"Show code cell {kind}", f"Hide code cell {kind}") for kind in ZH.toggles
}
# Sphinx's smartquotes turn a title's straight quotes into curly ones.
STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def img_alts(page: str) -> list[str]:
    return [html.unescape(alt) for alt in IMG_ALT.findall(page)]


def toggles(page: str) -> list[tuple[str, str]]:
    """(show label, hide label) of each toggle of a hidden cell, in page order."""
    return [tuple(html.unescape(part) for part in m) for m in TOGGLE.findall(page)]


def in_chinese(toggle: tuple[str, str]) -> tuple[str, str]:
    """An English page's toggle as the Chinese edition labels it."""
    return next(ZH.toggles[kind] for kind, labels in ENGLISH_TOGGLES.items() if labels == toggle)


def player_headings(page: str) -> list[str]:
    """The titles and descriptions of a page's players and explorers (helpers.animation), without
    the ``<span lang>`` marks of Chinese runs."""
    return [html.unescape(TAG.sub("", text)) for text in PLAYER_HEADING.findall(page)]


def admonition_titles(page: str) -> list[str]:
    """The visible text of every admonition title (exercises and solutions among them), with its
    runs of white space as single spaces and straight quotes."""
    texts = (html.unescape(TAG.sub("", t)) for t in ADMONITION_TITLE.findall(page))
    return [" ".join(text.split()).translate(STRAIGHT) for text in texts]


def sphinx(book: Path, builder: str, out: Path, *options: str) -> None:
    # A process of its own: a build in this process would leave myst-nb registered in Sphinx's
    # global state for later builds.
    command = [sys.executable, "-m", "sphinx", "-q", "-b", builder, *options, str(book), str(out)]
    subprocess.run(command, check=True, cwd=ROOT)


# ---------------------------------------------------------------------------- on a fixture page


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("translatable") / "book"
    shutil.copytree(FIXTURE, book)
    return book


def test_gettext_extracts_exercise_titles_and_alt_text(fixture_book, tmp_path):
    sphinx(fixture_book, "gettext", tmp_path)
    ids = translations_module.message_ids(translations_module.read(tmp_path / "page.pot"))
    player = {"A 2×2 kernel sliding over a 3×3 input", "The kernel visits 4 positions & stops."}
    assert {"Pool by hand", "Output shapes", "Three grids side by side.", *player} <= ids


def test_the_chinese_build_translates_them(fixture_book, tmp_path):
    sphinx(fixture_book, "html", tmp_path, "-D", "language=zh_CN")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert img_alts(page) == ["并排的三个网格。"]
    assert player_headings(page) == [
        "一个 2×2 卷积核在 3×3 输入上滑动",
        "卷积核经过 4 个位置后停下。",
    ]
    titles = admonition_titles(page)
    assert "练习 1 (手算池化)" in titles  # the exercise
    assert "解答 练习 1 (手算池化)" in titles  # its solution, which copies the exercise's title
    assert "练习 2 (输出形状)" in titles  # a gated exercise (exercise-start)
    assert not [t for t in titles if "Pool by hand" in t or "Output shapes" in t], titles
    # hide-input, hide-output, hide-cell, remove-input + hide-output: myst-nb's four kinds
    kinds = ["source", "output", "content", "outputs"]
    assert toggles(page) == [ZH.toggles[kind] for kind in kinds]
    assert "code cell" not in page


# ---------------------------------------------------------------------------- on the book


def chapter_texts(path: Path) -> tuple[list[str], list[str]]:
    """A chapter's exercise titles and the alt texts of its notebook figures (cell metadata)."""
    titles = [e.title for e in parse_chapter(path).exercises if e.title]
    cells = jupytext.read(path).cells
    alts = [c.metadata.get("mystnb", {}).get("image", {}).get("alt") for c in cells]
    return titles, [a for a in alts if a]


def translations(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a page's catalogue (translated, not fuzzy messages only)."""
    catalog = translations_module.read(CATALOGUES / path.relative_to(ROOT).with_suffix(".po"))
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


PAGES = toc_documents(ROOT / "_toc.yml")
CHAPTERS = [p for p in PAGES if any(chapter_texts(p))]


def test_the_book_has_exercise_titles_and_alt_text_to_translate():
    titles = sum(len(chapter_texts(p)[0]) for p in CHAPTERS)
    alts = sum(len(chapter_texts(p)[1]) for p in CHAPTERS)
    print(f"\n{len(CHAPTERS)} chapters: {titles} exercise titles, {alts} alt texts")
    assert titles and alts


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_catalogue_translates_every_exercise_title_and_alt_text(path):
    texts = [t for group in chapter_texts(path) for t in group]
    zh = translations(path)
    untranslated = [t for t in texts if zh.get(t, t) == t]
    assert not untranslated, f"{path.stem}: not translated in its catalogue: {untranslated}"


@pytest.fixture(scope="module")
def zh_html() -> Path:
    if not (ZH_HTML / "index.html").exists():
        subprocess.run([sys.executable, "-m", "scripts.editions"], cwd=ROOT, check=True)
    return ZH_HTML


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_chinese_pages_show_the_translated_titles_and_alt_text(zh_html, path):
    page = (zh_html / path.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
    titles, alts = chapter_texts(path)
    zh = translations(path)
    shown_alts, shown_titles = img_alts(page), admonition_titles(page)

    english_alts = [a for a in alts if a in zh and a in shown_alts]
    missing_alts = [zh[a] for a in alts if a in zh and zh[a] not in shown_alts]
    assert not english_alts and not missing_alts, (english_alts, missing_alts)

    # "练习 3 (手算池化)" on the exercise, "解答 练习 3 (手算池化)" on its solution.
    def shown(title: str) -> list[str]:
        return [t for t in shown_titles if t.endswith(f"({title})")]

    english = [t for t in titles if t in zh and shown(t)]
    missing = [zh[t] for t in titles if t in zh and not shown(zh[t])]
    assert not english and not missing, (english, missing)
    headings = player_headings(page)
    assert len(headings) == 2 * page.count('class="c2d-title"')  # a title and a description each
    english_headings = [h for h in headings if zh.get(h, h) != h]
    assert not english_headings, english_headings

    solved = sum(1 for t in titles if t in zh for s in shown(zh[t]) if s.startswith("解答"))
    print(
        f"\n{path.stem}: {len(titles)} exercise titles ({solved} solution titles), "
        f"{len(alts)} alt texts, {len(headings)} player headings, in Chinese"
    )


@pytest.fixture(scope="module")
def zh_student_html() -> Path:
    base = ROOT / "_build" / "student" / "html"
    if not (base / "zh" / "index.html").exists():  # make test has built it
        subprocess.run(
            [sys.executable, "-m", "scripts.editions", "--student"], cwd=ROOT, check=True
        )
    return base / "zh"


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_chinese_pages_label_the_toggles_of_hidden_cells_in_chinese(request, edition):
    """myst-nb writes "Show code cell source" whatever the language: on every Chinese page each
    toggle is in Chinese, where the English page has its English toggle, and no English label is
    left."""
    zh_root = request.getfixturevalue("zh_html" if edition == "instructor" else "zh_student_html")
    counts = {}
    for path in PAGES:
        relative = path.relative_to(ROOT).with_suffix(".html")
        english = (zh_root.parent / relative).read_text(encoding="utf-8")
        chinese = (zh_root / relative).read_text(encoding="utf-8")
        assert toggles(chinese) == [in_chinese(t) for t in toggles(english)], path.stem
        assert "code cell" not in chinese and "Toggle hidden" not in chinese, path.stem
        counts[path.stem] = len(toggles(chinese))
    print(f"\n{edition}: {sum(counts.values())} toggles in Chinese: {counts}")
    assert sum(counts.values()) > 0


def test_chinese_pages_have_the_translated_title_and_part_captions(zh_html):
    """The book's title and the table of contents' part captions ("Foundations", ...) come from
    the root page's catalogue (scripts/translatable.py): on every Chinese page, none in English."""
    import yaml

    root = translations(ROOT / "book" / "intro.md")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [part["caption"] for part in toc["parts"]]
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert all(c in root for c in captions) and title in root
    for path in PAGES:
        page = (zh_html / path.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        shown = re.findall(r'<p[^>]*class="caption"[^>]*><span class="caption-text">([^<]*)<', page)
        assert shown == [root[c] for c in captions], (path.stem, shown)
        assert re.search(rf"<title>[^<]*{re.escape(root[title])}</title>", page), path.stem


GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(?:[^`:]+::)?([^`:]+)")


def glue_roles(path: Path) -> list[str]:
    """The glued values that a page's Chinese text names."""
    return sorted({k for text in translations(path).values() for k in GLUE_ROLE.findall(text)})


GLUED = [p for p in PAGES if glue_roles(p)]


def test_some_chinese_text_has_glued_values():
    # words (helpers.glue_words) and counts written with 万 and 亿 (helpers.glue_count_zh)
    assert [p.stem for p in GLUED] == [
        "cross-correlation",
        "channels",
        "one-by-one",
        "fast-convolution",
    ]


# A large count written the English way in Chinese text: "118 million", "462 百万", "7.6 十亿",
# or in Chinese numerals, "一亿一千八百万", "四千七百五十亿" (not a unit such as "以百万次为单位").
ENGLISH_STYLE_COUNT = re.compile(
    r"\d\s*(?:million|billion|百万|十亿)|[一二三四五六七八九两][十百千]*[万亿]"
)


def test_chinese_text_writes_large_counts_in_digits_with_wan_and_yi():
    """Chinese technical writing states "约 4750 亿", not "四千七百五十亿（475 billion）": the
    catalogues name a count that ``helpers.glue_count_zh`` glues, from the value the English
    text states."""
    pattern = ENGLISH_STYLE_COUNT.findall
    found = {
        path.stem: [hit for text in translations(path).values() for hit in pattern(text)]
        for path in PAGES
    }
    assert not {page: hits for page, hits in found.items() if hits}, found
    # what the catalogues had before: the pattern finds it
    old = "约四千七百五十亿（475 billion）个，两亿六千万倍，约 462 百万次，以百万次为单位"
    assert ENGLISH_STYLE_COUNT.findall(old) == ["五十亿", "5 billion", "两亿", "六千万", "2 百万"]


@pytest.mark.parametrize("path", GLUED, ids=lambda p: p.stem)
def test_values_glued_into_chinese_sentences_are_not_english_words(zh_html, path):
    """A word a chapter glues into a sentence ("faster", "left", a verdict) or a count
    ("4750 亿") reaches the Chinese text in Chinese: the catalogue names the ``_zh`` value that
    ``helpers.glue_words`` or ``helpers.glue_count_zh`` glues, and the page shows it."""
    roles = glue_roles(path)
    glued = ROOT / "_build" / "zh" / "jupyter_execute" / path.relative_to(ROOT).with_suffix("")
    data = json.loads(glued.with_suffix(".glue.json").read_text(encoding="utf-8"))
    values = {k: data[k]["data"]["text/plain"] for k in roles}
    english = {k: v for k, v in values.items() if re.search(r"[A-Za-z]{2,}", v)}
    assert not english, english
    page = (zh_html / path.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
    text = html.unescape(TAG.sub("", page))
    chinese = {k: v.strip("'") for k, v in values.items() if k.endswith("_zh")}
    assert not {k: v for k, v in chinese.items() if v not in text}, "glued but not shown"
    counts = sorted(v for v in chinese.values() if re.fullmatch(r"\d+(?:\.\d+)? [万亿]", v))
    print(
        f"\n{path.stem}: {len(values)} glued values in the Chinese text, none English; "
        f"{len(counts)} counts: {', '.join(counts)}"
    )

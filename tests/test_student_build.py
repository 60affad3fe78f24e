"""The student build keeps every exercise and removes every solution (issue 10).

Two books are built twice, as the instructor and as the student edition, with
``scripts/student_build.py`` and the strict flags of ``make test``:

- the fixture book ``tests/fixtures/book``, whose one chapter uses every solution form (gated with
  code cells, gated with longer fences and a nested code block, plain ``{solution}``), so the
  tests mean something whatever state the chapters are in;
- the real book, every chapter of ``_toc.yml`` that has exercises.

A solution is looked for everywhere a student could find it: the pages, ``_sources``, the search
index, every notebook and doctree the build wrote, as its HTML element, its "Solution to" title,
its ``solution-start`` marker, and each distinctive line of its text and code. Every probe is
first shown to find the solutions in the instructor edition, so a probe that finds nothing
cannot pass silently.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import yaml
from myst_nb.core.read import read_myst_markdown_notebook

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "book"

from scripts import exercises, student_build  # noqa: E402

EXERCISE = re.compile(r"""<div class="exercise[ "][^>]*\bid="([^"]+)\"""")
SOLUTION = student_build.SOLUTION_HTML
SOLUTION_TITLE = "Solution to"
STARTER = "tag_exercise-starter"


@dataclass
class Editions:
    name: str
    source: Path
    chapters: list[exercises.Chapter]
    instructor: Path  # output folder (html/ inside)
    student: Path

    @cached_property
    def solution_lines(self) -> dict[str, list[str]]:
        return exercises.book_solution_lines(self.chapters)

    def page(self, edition: Path, chapter: exercises.Chapter) -> str:
        relative = chapter.path.resolve().relative_to(self.source).with_suffix(".html")
        return (edition / "html" / relative).read_text(encoding="utf-8")


def build(source: Path, out: Path, cache: Path, *, instructor: bool, extra=()) -> None:
    command = [
        sys.executable,
        "-m",
        "scripts.student_build",
        "--source",
        str(source),
        "--config",
        str(ROOT / "_config.yml"),
        "--out",
        str(out),
        "--cache",
        str(cache),
        "--strict",
    ]
    result = subprocess.run(
        command + (["--instructor"] if instructor else []) + list(extra),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def build_both(name: str, source: Path, out: Path, caches: tuple[Path, Path]) -> Editions:
    build(source, out / "instructor", caches[0], instructor=True)
    build(source, out / "student", caches[1], instructor=False)
    chapters = exercises.book_chapters(source / "_toc.yml")
    return Editions(name, source, chapters, out / "instructor", out / "student")


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Editions:
    out = tmp_path_factory.mktemp("fixture")
    return build_both("fixture", FIXTURE, out, (out / "cache", out / "student" / ".jupyter_cache"))


@pytest.fixture(scope="module")
def real_book(tmp_path_factory) -> Editions:
    """Both editions of the real book are the ones `make test` has just built strictly:
    `_build/html` and `_build/student/html` (the browser tests read the same two). Each is built
    here only if missing, from the execution caches of `make book` and `make student`
    (`_build/.jupyter_cache`, `_build/student/.jupyter_cache`, dropped by `make test` when the
    helpers or pins change): each edition is built once per run."""
    out = tmp_path_factory.mktemp("book")
    instructor, student = ROOT / "_build", ROOT / "_build" / "student"
    if not (instructor / "html" / "index.html").exists():
        instructor = out / "instructor"
        build(ROOT, instructor, ROOT / "_build" / ".jupyter_cache", instructor=True)
    if not (student / "html" / "index.html").exists():
        student = out / "student"
        build(ROOT, student, ROOT / "_build" / "student" / ".jupyter_cache", instructor=False)
    chapters = exercises.book_chapters(ROOT / "_toc.yml")
    return Editions("book", ROOT, chapters, instructor, student)


@pytest.fixture(params=["fixture_book", "real_book"])
def editions(request) -> Editions:
    return request.getfixturevalue(request.param)


def text_of(path: Path) -> str:
    """What a reader of this file sees: HTML without tags, a notebook's sources and outputs."""
    raw = path.read_bytes().decode("utf-8", errors="ignore")
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", raw))
    if path.suffix == ".ipynb":
        return json.dumps(json.loads(raw), ensure_ascii=False) + "\n" + notebook_text(raw)
    return raw


def notebook_text(raw: str) -> str:
    parts = []
    for cell in json.loads(raw)["cells"]:
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for value in output.get("data", {}).values():
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def probes(chapter: exercises.Chapter, editions: Editions) -> list[str]:
    """Lines that only a solution contains, in the whole book: its code, and its prose lines
    free of markup (parsed once per book: a parse of every chapter takes about a second)."""
    return editions.solution_lines[chapter.name]


TEXT_FILES = {".html", ".ipynb", ".js", ".txt", ".json", ".md", ".doctree", ".pickle", ".db"}


def all_output_files(out: Path) -> list[Path]:
    """Every file of a build that can hold chapter text (not the theme's copied assets)."""
    return [
        p
        for p in out.rglob("*")
        if p.is_file()
        and p.suffix in TEXT_FILES
        and "_static" not in p.parts
        and not p.name.startswith("_config.")
    ]


# --------------------------------------------------------------------------------------------
# The instructor edition: the probes find every solution there


def test_instructor_edition_has_every_exercise_and_solution(editions):
    assert editions.chapters, "no chapter with exercises"
    for chapter in editions.chapters:
        page = editions.page(editions.instructor, chapter)
        labels = [e.label for e in chapter.exercises]
        assert EXERCISE.findall(page) == labels, chapter.name
        assert len(SOLUTION.findall(page)) == len(chapter.solutions) == len(labels), chapter.name
        assert page.count(SOLUTION_TITLE) == len(labels), chapter.name
        shown = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert [p for p in probes(chapter, editions) if p in shown], (
            f"{chapter.name}: no probe is visible"
        )


# --------------------------------------------------------------------------------------------
# The student edition


def test_student_edition_keeps_every_exercise_and_starter(editions):
    for chapter in editions.chapters:
        page = editions.page(editions.student, chapter)
        assert EXERCISE.findall(page) == [e.label for e in chapter.exercises], chapter.name
        starters = editions.page(editions.instructor, chapter).count(STARTER)
        assert page.count(STARTER) == starters, chapter.name


def test_student_edition_has_no_solution_anywhere(editions):
    files = all_output_files(editions.student)
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".html" for p in files)
    assert not (editions.student / "html" / "_sources").exists(), "sources were copied"
    assert not student_build.leaks(editions.student / "html", editions.source / "_toc.yml")
    assert student_build.leaks(editions.instructor / "html", editions.source / "_toc.yml")
    contents = {path: text_of(path) for path in files}
    for chapter in editions.chapters:
        page = editions.page(editions.student, chapter)
        assert not SOLUTION.search(page), f"{chapter.name}: solution element in the page"
        assert SOLUTION_TITLE not in page, f"{chapter.name}: 'Solution to' in the page"
        chapter_probes = probes(chapter, editions)
        assert chapter_probes, f"{chapter.name}: its solutions have no distinctive line to look for"
        for path, content in contents.items():
            assert "solution-start" not in content, f"solution-start in {path}"
            leaked = [probe for probe in chapter_probes if probe in content]
            assert not leaked, f"{chapter.name}: solution lines in {path}: {leaked[:3]}"


def test_student_edition_executes_exactly_the_stripped_chapter(editions):
    """The notebook the build executed is the chapter minus its solutions: solution code never ran,
    and everything else did (its outputs are on the page)."""
    for chapter in editions.chapters:
        relative = chapter.path.resolve().relative_to(editions.source).with_suffix(".ipynb")
        executed = json.loads((editions.student / "jupyter_execute" / relative).read_text())
        executed_code = [
            "".join(c["source"]) for c in executed["cells"] if c["cell_type"] == "code"
        ]
        stripped = exercises.strip_solutions(chapter.path.read_text(encoding="utf-8"))
        notebook = read_myst_markdown_notebook(stripped)  # MyST-NB's own reader, as in the build
        expected_code = [c.source for c in notebook.cells if c.cell_type == "code"]
        assert expected_code, chapter.name
        assert executed_code == expected_code, chapter.name
        # Outputs show on the page (MyST-NB's saved notebook lacks them when they come from the
        # execution cache, so the page is where to look).
        assert 'class="cell_output' in editions.page(editions.student, chapter), chapter.name


def test_fixture_markers(fixture_book):
    """The fixture's marked solutions are gone from the student page, and its other code ran."""
    editions = fixture_book
    chapter = exercises.parse_chapter(FIXTURE / "fixture-chapter.md")
    student = text_of(editions.student / "html" / "fixture-chapter.html")
    teacher = text_of(editions.instructor / "html" / "fixture-chapter.html")
    markers = ["FIXTURE-SOLUTION-PROSE:", "FIXTURE-SOLUTION-CODE-1", "FIXTURE-SOLUTION-CODE-2"]
    markers += ["FIXTURE-SOLUTION-PLAIN", "FIXTURE-SOLUTION-PROSE-4", "FIXTURE-SOLUTION-CODE-4"]
    markers += ["FIXTURE-SOLUTION-CODE-5"]
    for marker in markers:
        assert marker in teacher and marker not in student, marker
    for kept in ("FIXTURE-KEPT-OUTPUT 12", "FIXTURE-KEPT-AFTER 6"):
        assert kept in student and kept in teacher
    assert len(chapter.solutions) == 4 and [s.gated for s in chapter.solutions].count(False) == 1


def test_student_pages_offer_no_source_download_and_no_launch_buttons(editions):
    for chapter in editions.chapters:
        teacher = editions.page(editions.instructor, chapter)
        student = editions.page(editions.student, chapter)
        for button in ("download-source-button", "_sources/", "mybinder.org/v2"):
            assert button in teacher, button  # the probe works
            assert button not in student, f"{chapter.name}: {button}"
        assert "download-pdf-button" in student


def test_instructors_page_lists_every_exercise(real_book):
    """The table on the "For instructors" page is generated from the chapters at build time."""
    editions = real_book
    assert editions.chapters
    for edition in (editions.instructor, editions.student):
        page = (edition / "html" / "book" / "instructors.html").read_text(encoding="utf-8")
        for chapter in editions.chapters:
            for exercise in chapter.exercises:
                link = f'href="{chapter.name}.html#{exercise.label}"'
                assert link in page, f"the exercise table has no link to {exercise.label}"


def test_binder_branch_edition_launches_the_stripped_branch(fixture_book, tmp_path):
    """With --binder-branch the launch buttons come back, pointing at that branch (whose chapters
    the instructor has stripped); still no source or notebook download. (The stripped chapter is
    the fixture's student edition: its execution cache is reused.)"""
    cache = fixture_book.student / ".jupyter_cache"
    build(FIXTURE, tmp_path, cache, instructor=False, extra=["--binder-branch", "fx"])
    page = (tmp_path / "html" / "fixture-chapter.html").read_text(encoding="utf-8")
    assert re.search(
        r"mybinder\.org/v2/gh/[\w-]+/[\w-]+/fx\?urlpath=[\w/]+fixture-chapter\.md", page
    )
    assert "_sources/" not in page and not (tmp_path / "html" / "_sources").exists()


def test_a_solution_nested_in_another_block_fails_the_student_build(tmp_path):
    """Only top-level solutions are cut out; one hidden inside another directive stops the build
    instead of being published."""
    book = tmp_path / "nested"
    book.mkdir()
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "index.md").write_text(
        "# Nested\n\n```{exercise} Q\n:label: ex-q\n\nQuestion.\n```\n\n"
        "````{admonition} A box\n```{solution} ex-q\nHidden answer.\n```\n````\n"
    )
    command = [sys.executable, "-m", "scripts.student_build", "--source", str(book)]
    command += ["--config", str(ROOT / "_config.yml"), "--out", str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "a solution survived the student build in index" in result.stdout + result.stderr


# --------------------------------------------------------------------------------------------
# The stripping itself, and the build's configuration (no build needed)

GATED = """Intro.

```{exercise} Title
:label: ex-a

Question.
```

```{code-cell} ipython3
:tags: [exercise-starter]
answer = ...
```

```{solution-start} ex-a
:class: dropdown
```

Secret prose.

```{code-cell} ipython3
secret = 1
```

```{solution-end}
```

After.
"""


def test_strip_removes_a_gated_solution_with_its_code_cells():
    stripped = exercises.strip_solutions(GATED)
    assert "Secret" not in stripped and "secret = 1" not in stripped
    assert "solution" not in stripped
    assert "Question." in stripped and "answer = ..." in stripped and "After." in stripped


def test_strip_can_keep_line_numbers():
    stripped = exercises.strip_solutions(GATED, keep_lines=True)
    assert len(stripped.splitlines()) == len(GATED.splitlines())
    assert stripped.splitlines()[-1] == "After."


def test_strip_handles_colon_fences_plain_solutions_and_nested_fences():
    text = (
        ":::{solution-start} ex-a\n:class: dropdown\n:::\n\nSecret A.\n\n:::{solution-end}\n:::\n\n"
        "````{solution} ex-b\n:class: dropdown\n\nSecret B.\n```python\nx = 1\n```\n````\n\nKept.\n"
    )
    stripped = exercises.strip_solutions(text)
    assert "Secret" not in stripped and "x = 1" not in stripped and "Kept." in stripped


def test_strip_keeps_a_solution_shown_as_an_example_in_a_code_block():
    example = "````md\n```{solution-start} ex-a\n```\nText.\n```{solution-end}\n```\n````\n"
    assert exercises.strip_solutions(example) == example


@pytest.mark.parametrize(
    "text, message",
    [
        ("```{solution-start} ex-a\n```\n\nNo end.\n", "no {solution-end}"),
        ("Text.\n\n```{solution-end}\n```\n", "without a {solution-start}"),
    ],
)
def test_unbalanced_gates_are_an_error_that_says_where(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        exercises.strip_solutions(text)


def test_student_config_drops_the_links_to_the_full_sources_unless_given_a_branch():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    student = student_build.student_config(config, cache=Path("/tmp/cache"))
    assert student["sphinx"]["extra_extensions"][-1] == "scripts.student_build"
    assert student["sphinx"]["config"]["html_copy_source"] is False
    assert student["execute"]["cache"] == str(Path("/tmp/cache").resolve())
    assert not student["launch_buttons"]["binderhub_url"] and not student["launch_buttons"]["thebe"]
    assert student["html"]["use_repository_button"] is False
    assert "scripts.student_build" not in config["sphinx"]["extra_extensions"], (
        "the instructor book must not strip"
    )
    branch = student_build.student_config(config, cache=Path("c"), binder_branch="student")
    assert branch["repository"]["branch"] == "student"
    assert branch["launch_buttons"] == config["launch_buttons"]


# --------------------------------------------------------------------------------------------
# Each edition's pages describe only what that edition has (issue 16, point 7)

# Sentences about things the student edition lacks: worked solutions, notebook downloads, the
# launch (rocket) button. A sentence that says whose they are ("the instructor edition ...",
# "instructor/<chapter>.ipynb with the worked solutions", "--binder-branch ... launch buttons")
# describes the other edition, not this one.
STUDENT_LACKS = {
    "worked solutions": re.compile(r"worked solution|solutions? (?:in|under) a .*dropdown", re.I),
    "the rocket button": re.compile(r"\brocket\b", re.I),
    "a launch button or menu": re.compile(r"\blaunch (?:button|menu|icon)", re.I),
    "notebook downloads": re.compile(
        r"\bdownload (?:icon|button|menu)|download.{0,40}\.ipynb", re.I
    ),
}
OTHER_EDITION = re.compile(
    r"instructor edition|instructor/|\bno launch\b|launch buttons pointing at that branch", re.I
)
# "the cell below", "the explorer above", ...: what the static page must show there.
POINTER = re.compile(r"\bthe (cell|explorer|players?|animation) (below|above)\b", re.I)
SHOWN = {
    "cell": "div.cell_input",
    "explorer": ".c2d-xp",
    "player": ".c2d-player",
    "players": ".c2d-player",
    "animation": ".c2d-player, .c2d-stage",  # the explorer draws its animation on its stage
}


def prose(page: Path):
    """The page's article as (element, sentences) for each paragraph, list item, table cell
    and caption: what a reader reads, not code."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    for block in article.select("p, li, td, th, dt, dd, figcaption, caption"):
        if block.find(["p", "li"]):  # a list item's own paragraphs are read on their own
            continue
        if block.find_parent(["pre", "script", "style"]) or block.find_parent(class_="cell_input"):
            continue
        text = " ".join(block.get_text(" ").split())
        yield block, re.split(r"(?<=[.!?])\s+", text)


# The same probes for the Chinese edition (its sentences end with 。！？).
STUDENT_LACKS_ZH = {
    "worked solutions": re.compile(r"详细解答|解答.{0,20}下拉"),
    "the rocket button": re.compile(r"火箭"),
    "a launch button or menu": re.compile(r"启动(?:按钮|菜单|图标)"),
    "notebook downloads": re.compile(r"下载(?:图标|按钮|菜单)|下载.{0,40}\.ipynb"),
}
OTHER_EDITION_ZH = re.compile(r"教师版|instructor/|--binder-branch|启动按钮指向该分支")


def edition_claims(html: Path, chinese: bool = False) -> list[str]:
    """Every sentence of ``html``'s pages about something the student edition lacks."""
    lacks, other = (
        (STUDENT_LACKS_ZH, OTHER_EDITION_ZH) if chinese else (STUDENT_LACKS, OTHER_EDITION)
    )
    found = []
    for page in sorted((html / "book").glob("*.html")):
        for _, sentences in prose(page):
            if chinese:
                sentences = re.split(r"(?<=[。！？])", " ".join(sentences))
            for sentence in sentences:
                for what, pattern in lacks.items():
                    if pattern.search(sentence) and not other.search(sentence):
                        found.append(f"{page.stem}: {what}: {sentence}")
    return found


def missing_pointees(html: Path) -> list[str]:
    """Every "the cell below" (explorer, player, above, ...) with no such thing there."""
    found = []
    for page in sorted((html / "book").glob("*.html")):
        for block, sentences in prose(page):
            for sentence in sentences:
                for m in POINTER.finditer(sentence):
                    what, where = m.group(1).lower(), m.group(2).lower()
                    look = block.find_all_next if where == "below" else block.find_all_previous
                    if not any(e.css.match(SHOWN[what]) for e in look(True)):
                        found.append(f"{page.stem}: {m.group(0)!r} but none {where}: {sentence}")
    return found


def test_the_student_edition_says_nothing_of_what_it_lacks(real_book):
    claims = edition_claims(real_book.instructor / "html")
    for what in STUDENT_LACKS:  # the probes find these in the instructor edition
        assert any(f": {what}: " in c for c in claims), what
    assert edition_claims(real_book.student / "html") == []


def test_the_chinese_student_edition_says_nothing_of_what_it_lacks(real_book):
    """The same for the Chinese editions (scripts.editions builds them into ``zh/``): the student
    edition's reworded and student-only paragraphs are in the catalogues too."""
    for student, base in [(False, real_book.instructor), (True, real_book.student)]:
        if not (base / "html" / "zh" / "index.html").exists():  # make test has built both
            assert base in (ROOT / "_build", ROOT / "_build" / "student")
            # a process of its own: Sphinx keeps a page's loaded translations for the process
            command = [sys.executable, "-m", "scripts.editions", *(["--student"] * student)]
            subprocess.run(command, cwd=ROOT, check=True)
    claims = edition_claims(real_book.instructor / "html" / "zh", chinese=True)
    for what in STUDENT_LACKS_ZH:  # the probes find these in the Chinese instructor edition
        assert any(f": {what}: " in c for c in claims), what
    assert edition_claims(real_book.student / "html" / "zh", chinese=True) == []


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_pages_point_only_at_what_they_show(real_book, edition):
    assert missing_pointees(getattr(real_book, edition) / "html") == []


def test_student_wording_matches_the_pages_and_keeps_their_lines():
    """Each rewording of the student edition still finds its sentence, and the page keeps its
    line numbers (error messages of the build point at the right line)."""
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "book").glob("*.md"))]
    for pattern, _ in student_build.STUDENT_WORDING:
        assert any(pattern.search(s) for s in sources), pattern.pattern
    for source in sources:
        assert student_build.student_text(source).count("\n") == source.count("\n")

"""Student and instructor notebooks (``scripts/export_notebooks.py``), and the exercise metadata
behind the table on the "For instructors" page (``scripts/exercises.py``).

Shown on the fixture book (``tests/fixtures/book``) and on every chapter of ``_toc.yml`` that has
exercises. Execution: the fixture's student and instructor notebooks run under nbval (one
subprocess, outside this repository's pytest configuration); every chapter's student and
instructor notebooks run in ``tests/test_wheel.py``, from the course wheel in a clean environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "book"

from scripts import exercises, export_notebooks  # noqa: E402

CONFIG = ROOT / "_config.yml"
ROLES = ("student", "instructor")
REPOSITORY = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["repository"]["url"]


class Export:
    def __init__(self, out: Path, toc: Path):
        self.out, self.toc = out, toc
        self.chapters = exercises.book_chapters(toc)
        export_notebooks.export(out, toc, CONFIG)

    def notebook(self, role: str, chapter: exercises.Chapter) -> nbformat.NotebookNode:
        return nbformat.read(self.out / role / f"{chapter.name}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def fixture_export(tmp_path_factory) -> Export:
    return Export(tmp_path_factory.mktemp("fixture-notebooks"), FIXTURE / "_toc.yml")


@pytest.fixture(scope="module")
def book_export(tmp_path_factory) -> Export:
    return Export(tmp_path_factory.mktemp("book-notebooks"), ROOT / "_toc.yml")


@pytest.fixture(params=["fixture_export", "book_export"])
def exported(request) -> Export:
    return request.getfixturevalue(request.param)


def code_cells(notebook) -> list[tuple[str, list[str]]]:
    """The chapter's code cells (an exported notebook's first one, the install cell, left out)."""
    return [
        (c.source, c.metadata.get("tags", []))
        for c in notebook.cells
        if c.cell_type == "code" and export_notebooks.INSTALL_TAG not in c.metadata.get("tags", [])
    ]


def markdown(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def everything(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells)


# --------------------------------------------------------------------------------------------
# What is written


def test_every_chapter_with_exercises_is_exported_and_zipped(exported):
    assert exported.chapters, "no chapter with exercises"
    names = [c.name for c in exported.chapters]
    for role in ("student", "instructor"):
        assert sorted(p.stem for p in (exported.out / role).glob("*.ipynb")) == sorted(names)
        course = zipfile.ZipFile(exported.out / f"course-{role}.zip")
        numbered = [f"course-{role}/{i:02d}-{name}.ipynb" for i, name in enumerate(names, 1)]
        assert course.namelist() == [f"course-{role}/README.md", *numbered]
        readme = course.read(f"course-{role}/README.md").decode()
        assert all(f"`{path.split('/')[1]}`" in readme for path in numbered), readme
        for number, name in enumerate(names, 1):
            data = (exported.out / role / f"{name}.ipynb").read_bytes()
            single = zipfile.ZipFile(exported.out / f"{name}-{role}.zip")
            assert single.namelist() == [f"{name}.ipynb"]
            assert single.read(f"{name}.ipynb") == data
            assert course.read(numbered[number - 1]) == data


def test_export_is_reproducible(fixture_export, tmp_path):
    """Same chapters, same bytes: notebooks and zips can be diffed and cached."""
    export_notebooks.export(tmp_path, fixture_export.toc, CONFIG)
    for path in fixture_export.out.rglob("*.*"):
        assert (tmp_path / path.relative_to(fixture_export.out)).read_bytes() == path.read_bytes()


def test_student_notebooks_keep_every_exercise_and_no_solution(exported):
    for chapter in exported.chapters:
        student = exported.notebook("student", chapter)
        text = everything(student)
        for exercise in chapter.exercises:
            assert f"### Exercise {exercise.number} ({exercise.title})" in text
        assert "Solution to" not in text and "solution-" not in text, chapter.name
        probes = exercises.solution_only_lines(chapter.path.read_text(encoding="utf-8"))
        assert probes, chapter.name
        assert not [line for line in probes if line in text], chapter.name
        starters = [tags for _, tags in code_cells(student) if "exercise-starter" in tags]
        assert len(starters) == sum(e.has_starter for e in chapter.exercises), chapter.name


def test_instructor_notebooks_are_the_chapter_with_its_solutions(exported):
    """Same code cells, same order and tags, as the `.md` that the chapter's nbval run executes:
    the instructor notebook runs exactly as the chapter does."""
    for chapter in exported.chapters:
        instructor = exported.notebook("instructor", chapter)
        assert code_cells(instructor) == code_cells(jupytext.read(chapter.path)), chapter.name
        text = everything(instructor)
        assert text.count("#### Solution to Exercise") == len(chapter.solutions), chapter.name
        probes = exercises.solution_only_lines(chapter.path.read_text(encoding="utf-8"))
        assert all(line in text for line in probes), chapter.name


def test_student_code_is_the_chapter_code_minus_the_solutions(exported):
    for chapter in exported.chapters:
        text = chapter.path.read_text(encoding="utf-8")
        stripped = jupytext.reads(exercises.strip_solutions(text), fmt="md:myst")
        student = code_cells(exported.notebook("student", chapter))
        assert student == code_cells(stripped), chapter.name
        solution_code = [code for s in chapter.solutions for code in s.code]
        instructor = [src for src, _ in code_cells(exported.notebook("instructor", chapter))]
        assert len(instructor) - len(student) == len(solution_code), chapter.name


# MyST that plain Jupyter shows as raw text: roles ({ref}`x`, {glue:text}`x`), directive fences
# (```{note}, :::{note}), (label)= targets, {{ substitutions }}. LaTeX braces ({bmatrix}) are fine.
MYST_ONLY = {
    "role": re.compile(r"\{[\w:-]+\}`"),
    "directive": re.compile(r"^\s*(```+|~~~+|:::+)\s*\{", re.MULTILINE),
    "target": re.compile(r"^\([\w:-]+\)=\s*$", re.MULTILINE),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
}


def test_notebooks_are_plain_jupyter_with_a_pinned_install(exported):
    tag = export_notebooks.release_tag()
    pinned = f'%pip install --quiet "conv-course-helpers @ git+{REPOSITORY}@{tag}"'
    for chapter in exported.chapters:
        for role in ("student", "instructor"):
            notebook = exported.notebook(role, chapter)
            nbformat.validate(notebook)
            assert notebook.metadata.kernelspec.name == "python3"
            assert "jupytext" not in notebook.metadata
            assert f"**{role.capitalize()} notebook.**" in notebook.cells[0].source
            install = notebook.cells[1]
            assert install.cell_type == "code", chapter.name
            assert export_notebooks.INSTALL_TAG in install.metadata.tags
            assert pinned in install.source and export_notebooks.CPU_TORCH in install.source
            assert 'util.find_spec("torch") else "--extra-index-url' in install.source
            text = markdown(notebook)
            for kind, pattern in MYST_ONLY.items():
                found = pattern.search(text)
                assert not found, f"{chapter.name} ({role}): MyST {kind} {found[0]!r}"
            for cell in notebook.cells:
                hidden = {"remove-input", "remove-cell", "hide-input"} & set(
                    cell.metadata.get("tags", [])
                )
                assert bool(hidden) == cell.metadata.get("jupyter", {}).get("source_hidden", False)


# --------------------------------------------------------------------------------------------
# Execution


def nbval(notebooks: list[Path], folder: Path) -> subprocess.CompletedProcess:
    """nbval on exported notebooks, outside this repository's pytest configuration."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-c",
            os.devnull,
            "--rootdir",
            str(folder),
            "--confcutdir",
            str(folder),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--nbval-lax",
            "--nbval-current-env",
            "--nbval-cell-timeout=120",
            *map(str, notebooks),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def test_exported_notebooks_run_under_nbval(fixture_export):
    """Every code cell runs, the exercises' starter cells included (they run as given, with `...`
    where the answer goes); nothing is skipped: nbval reports one passed item per code cell.
    (The book's notebooks run from the wheel: tests/test_wheel.py.)"""
    notebooks = [fixture_export.out / role / "fixture-chapter.ipynb" for role in ROLES]
    cells = sum(
        sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
        for path in notebooks
    )
    result = nbval(notebooks, fixture_export.out.parent)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(rf"\b{cells} passed\b", result.stdout), result.stdout[-500:]


def test_a_failing_exported_notebook_fails_nbval(fixture_export, tmp_path):
    """The nbval run above can fail: a starter cell that raises is reported."""
    notebook = fixture_export.notebook("student", fixture_export.chapters[0])
    starter = next(c for c in notebook.cells if "exercise-starter" in c.metadata.get("tags", []))
    starter.source = 'raise NotImplementedError("deliberately unfinished")'
    nbformat.write(notebook, tmp_path / "broken.ipynb")
    result = nbval([tmp_path / "broken.ipynb"], tmp_path)
    assert result.returncode != 0 and "deliberately unfinished" in result.stdout


# --------------------------------------------------------------------------------------------
# Exercise metadata and the instructors' table


@pytest.mark.parametrize(
    "body, expected",
    [
        ("*Pencil and paper · easy · auto-checked.* How big?", ("Pencil and paper", "easy", True)),
        ("*Predict, then run · medium.* Guess first.", ("Predict, then run", "medium", False)),
        ("*Code · Hard*\nText.", ("Code", "hard", False)),
        ("*Design · medium · auto-checked* Choose.", ("Design", "medium", True)),
        ("No metadata line.", (None, None, False)),
        ("*Emphasis without the separator.* Text.", (None, None, False)),
    ],
)
def test_exercise_metadata_line(body, expected):
    assert exercises.exercise_metadata(body) == expected


def test_fixture_exercises_are_read_with_their_metadata():
    chapter = exercises.parse_chapter(FIXTURE / "fixture-chapter.md")
    assert chapter.label == "ch-fixture" and chapter.estimated_time == "5 minutes"
    got = [(e.label, e.kind, e.difficulty, e.checks, e.has_starter) for e in chapter.exercises]
    assert got == [
        ("fx-pencil", "Pencil and paper", "easy", (), False),
        ("fx-code", "Code", "medium", ("check_double",), True),
        ("fx-predict", "Predict, then run", "hard", (), True),
        ("fx-bare", None, None, (), False),
    ]
    table = exercises.exercise_table([chapter]).splitlines()
    assert table[0] == "{ref}`ch-fixture` (5 minutes)"  # a definition list: the chapter, then
    assert table[1].startswith(": - {ref}`Double by hand <fx-pencil>` — Pencil and paper · easy")
    assert table[2].endswith(" — Code · medium · auto-checked (`check_double`)")
    assert table[3].endswith(" — Predict, then run · hard · not auto-checked")
    assert table[4].endswith(" — — · — · not auto-checked")  # missing metadata is shown as —
    assert len(table) == 5 and all(line.startswith("  - ") for line in table[2:])
    assert "Exercise 1" not in "\n".join(table)  # the book numbers exercises across chapters
    assert exercises.exercise_table([]) == "*No chapter has exercises yet.*"


def test_declared_auto_checked_agrees_with_the_code(exported):
    """An exercise that says "auto-checked" calls a self-check, and one that calls a self-check
    says so (when its metadata line is there)."""
    for chapter in exported.chapters:
        for e in chapter.exercises:
            if e.kind is not None:
                assert e.says_auto_checked == bool(e.checks), f"{chapter.name}: {e.label}"


def test_myst_markup_becomes_plain_markdown():
    text = (
        "(sec-x)=\n## Part\n\n% a comment\n\n```{admonition} At a glance\n:class: tip\n"
        "Body.\n```\n\nSee {ref}`ch-a`, {ref}`the part <sec-x>`, {numref}`fig-a`, {math}`x^2`.\n\n"
        "```{exercise} Title\n:label: ex-a\n\nDo it.\n```\n\n```{solution-start} ex-a\n"
        ":class: dropdown\n```\n"
    )
    labels = {"ch-a": "*Chapter A*", "fig-a": "Fig. 1"}
    got = export_notebooks.plain_markdown(text, labels, {"ex-a": (3, "Title")})
    assert got == (
        "## Part\n\n> **At a glance**\n>\n> Body.\n\n"
        "See *Chapter A*, the part, Fig. 1, $x^2$.\n\n"
        "### Exercise 3 (Title)\n\nDo it.\n\n#### Solution to Exercise 3 (Title)"
    )


def test_glue_roles_links_and_other_directives_become_plain_markdown():
    text = (
        "Took {glue:text}`loop_ms:.1f` ms, {glue}`ratio` times; see {ref}`ch-a`, "
        "{ref}`this part <sec-b>` and {ref}`ex-b`. Press {kbd}`Ctrl`.\n\n"
        ":::{margin} Aside\nSee {numref}`fig-a`.\n:::\n\n"
        "```{figure} a.png\n:name: fig-a\n\nA caption.\n```"
    )
    labels = {"ch-a": "*Chapter A*", "fig-a": "Fig. 1", "ex-b": "Exercise 2 of *B*"}
    links = {"ch-a": "https://x.github.io/c/book/a.html#ch-a"}
    got = export_notebooks.plain_markdown(text, labels, {}, links)
    assert got == (
        "Took `loop_ms` ms, `ratio` times; "
        "see [Chapter A](https://x.github.io/c/book/a.html#ch-a), "
        "this part and Exercise 2 of *B*. Press Ctrl.\n\n"
        "> **Aside**\n>\n> See Fig. 1.\n\n> **a.png**\n>\n> A caption."
    )


def test_references_to_other_chapters_link_to_the_published_book(book_export):
    """Links go to the Pages site of `repository.url`, at the label's page and anchor."""
    owner, repo = REPOSITORY.rstrip("/").split("/")[-2:]
    site = f"https://{owner.lower()}.github.io/{repo}/book/"
    links = [
        url
        for chapter in book_export.chapters
        for url in re.findall(
            r"\]\((https://[^)]+)\)", markdown(book_export.notebook("student", chapter))
        )
    ]
    assert links and all(url.startswith(site) and "#" in url for url in links), links[:5]
    pages = {p.stem for p in (ROOT / "book").glob("*.md")}
    assert {url[len(site) :].split(".html#")[0] for url in links} <= pages


def test_kit_and_repository_readmes_show_the_pinned_install(book_export):
    """Both READMEs name the same pinned requirement as the notebooks (release tag v<version>)."""
    pinned = f"conv-course-helpers @ git+{REPOSITORY}@{export_notebooks.release_tag()}"
    for role in ROLES:
        kit = zipfile.ZipFile(book_export.out / f"course-{role}.zip")
        readme = kit.read(f"course-{role}/README.md").decode()
        assert f'pip install "{pinned}" --extra-index-url {export_notebooks.CPU_TORCH}' in readme
    assert f'%pip install "{pinned}"' in (ROOT / "README.md").read_text(encoding="utf-8")

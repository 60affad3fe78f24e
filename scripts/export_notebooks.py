"""Export every chapter as Jupyter notebooks to hand out: a student one and an instructor one.

    python scripts/export_notebooks.py            # -> _build/notebooks/
    python scripts/export_notebooks.py --out DIR --toc _toc.yml

For each chapter of ``_toc.yml`` that has exercises, it writes

- ``student/<chapter>.ipynb``: the chapter without its solutions (solution prose and solution code
  cells removed, as in the student build); the starter cells of the exercises stay as written,
  and they run as given (``answer = ...``; self-checks reply "no answer yet").
- ``instructor/<chapter>.ipynb``: the whole chapter, worked solutions included.
- ``<chapter>-student.zip`` and ``<chapter>-instructor.zip``, and for the whole course
  ``course-student.zip`` and ``course-instructor.zip`` (numbered notebooks and a README).

The ``.ipynb`` files open in Jupyter, JupyterLab, VS Code and Colab (which cannot open the
``.md`` chapters). No MyST-only markup is left: exercises and solutions become headings,
admonitions and other directives become quotes, a cross-reference to another chapter becomes a
link to that place in the published book (within the chapter, its text), other roles their text.
A value the book glues into its text (``{glue:text}`name```) becomes ``name`` in code type: the
cell that computes it prints ``name = value`` there (``helpers.glue`` without ``myst_nb``), so
the student reads the number measured on their own machine.

The first code cell installs the course's ``helpers`` package where it is missing (Colab), pinned:
``conv-course-helpers @ git+<repository>@<ref>``, ``ref`` being the release tag ``v<version>``
(``version`` from ``pyproject.toml``) unless ``--ref`` names another commit (the Pages deploy
passes the deployed commit, so that published notebooks and their helpers always match). Torch
comes from the CPU wheel index, and only where torch is not installed already.
Code hidden in the book (``remove-input``, ``remove-cell``, ``hide-input``) starts collapsed.
After that first cell, code cells are exactly the chapter's (minus the solutions, for students),
in the same order.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

from scripts.exercises import (
    Chapter,
    book_chapters,
    directives,
    is_notebook,
    parse_chapter,
    strip_solutions,
    toc_documents,
)

ROOT = Path(__file__).resolve().parent.parent

ADMONITIONS = {
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
}
HIDDEN_INPUT = {"remove-input", "remove-cell", "hide-input", "hide-cell"}
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
REFERENCES = {"ref", "numref", "doc", "term", "eq"}
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same notebooks give the same zip
PACKAGE = "conv-course-helpers"
CPU_TORCH = "https://download.pytorch.org/whl/cpu"
INSTALL_TAG = "course-install"  # the first code cell's tag


@dataclass(frozen=True)
class Course:
    title: str
    repository: str | None
    labels: dict[str, str]  # MyST label -> the words a reference to it becomes in a notebook
    pages: dict[str, str]  # MyST label -> its page in the book ("book/pooling"), for links
    version: str  # the helpers package's version (pyproject.toml)
    ref: str  # the repository commit or tag the install cell installs from

    @property
    def site(self) -> str | None:
        """The published book: GitHub Pages of the repository (``https://OWNER.github.io/REPO/``)."""
        match = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", self.repository or "")
        return f"https://{match[1].lower()}.github.io/{match[2]}/" if match else None

    def link(self, label: str) -> str | None:
        page = self.pages.get(label)
        return f"{self.site}{page}.html#{label}" if page and self.site else None

    @property
    def requirement(self) -> str | None:
        """The pinned pip requirement for the helpers package, or None without a repository."""
        if not self.repository:
            return None
        return f"{PACKAGE} @ git+{self.repository.rstrip('/')}@{self.ref}"


def package_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The helpers package's version; its release tag is ``v`` + this (see README, Releases)."""
    return tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]["version"]


def release_tag(version: str | None = None) -> str:
    return f"v{version or package_version()}"


# --------------------------------------------------------------------------------------------
# What references point to


def course_info(toc: Path, config: Path, ref: str | None = None) -> Course:
    """The book's title, repository, label texts and pages, from ``_config.yml`` and chapters."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else {}
    labels: dict[str, str] = {}
    pages: dict[str, str] = {}
    for path in toc_documents(toc):
        if not path.exists():
            continue
        page = path.relative_to(Path(toc).parent).with_suffix("").as_posix()
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
        title = title[1].strip() if title else path.stem
        for label, heading in re.findall(r"^\(([\w:-]+)\)=\s*\n+#+ (.+)$", text, re.MULTILINE):
            labels[label] = f"*{heading.strip()}*"
            pages[label] = page
        if is_notebook(text):
            for exercise in parse_chapter(path).exercises:
                labels[exercise.label] = f"Exercise {exercise.number} of *{title}*"
                pages[exercise.label] = page
    repository = (settings.get("repository") or {}).get("url")
    version = package_version()
    title = settings.get("title", "the course")
    return Course(title, repository, labels, pages, version, ref or release_tag(version))


def figure_numbers(notebook) -> dict[str, str]:
    """Code-cell figures (``mystnb: figure: name:``) numbered as the book numbers them."""
    numbers = {}
    for cell in notebook.cells:
        name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
        if cell.cell_type == "code" and name:
            numbers[name] = f"Fig. {len(numbers) + 1}"
    return numbers


# --------------------------------------------------------------------------------------------
# MyST -> plain Jupyter Markdown


def _quote(title: str, body: str) -> str:
    lines = [f"**{title}**", "", *body.strip("\n").splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def plain_markdown(
    text: str,
    labels: dict[str, str],
    exercises: dict[str, tuple[int, str]],
    links: dict[str, str] | None = None,
) -> str:
    """One markdown cell's MyST, as Markdown that Jupyter and Colab render.

    ``labels`` maps a label to the words a reference becomes; ``links`` maps the labels of other
    chapters to their URL in the published book (a reference to one becomes a link).
    """
    links = links or {}
    lines = text.splitlines()
    for block in reversed(directives(text)):
        if block.name in ("exercise", "exercise-start"):
            number, title = exercises.get(str(block.options.get("label")), (0, block.argument))
            new = f"### Exercise {number} ({title})\n\n{block.body.strip()}"
        elif block.name in ("solution", "solution-start"):
            number, title = exercises.get(block.argument, (0, block.argument))
            new = f"#### Solution to Exercise {number} ({title})\n\n{block.body.strip()}".rstrip()
        elif block.name in ("solution-end", "exercise-end"):
            new = ""
        elif block.name == "admonition":
            new = _quote(block.argument, block.body)
        elif block.name in ADMONITIONS:
            new = _quote(block.name.capitalize(), f"{block.argument}\n{block.body}")
        elif block.name == "math":
            new = f"$$\n{block.body.strip()}\n$$"
        elif block.name == "code-cell":
            continue
        else:  # figure, margin, dropdown, ...: its title (or name) and its text, quoted
            body = plain_markdown(block.body, labels, exercises, links)
            new = _quote(block.argument or block.name.capitalize(), body)
        lines[block.start : block.end] = new.splitlines()
    text = "\n".join(lines)
    text = re.sub(r"^\([\w:-]+\)=[ \t]*\n", "", text, flags=re.MULTILINE)  # (label)= targets
    text = re.sub(r"^%.*\n?", "", text, flags=re.MULTILINE)  # MyST comments

    def role(match: re.Match) -> str:
        name, content = match[1], match[2]
        if name == "math":
            return f"${content}$"
        if name.startswith("glue"):  # printed by the cell that computes it (helpers.glue)
            return f"`{content.split(':')[0]}`"
        if name not in REFERENCES:  # {kbd}, {abbr}, {sub}, ...: the text
            return re.sub(r"\s*\([^)]*\)$", "", content) if name == "abbr" else content
        explicit = re.match(r"^(.*?)\s*<([^>]+)>$", content)
        words, target = (explicit[1], explicit[2]) if explicit else (None, content)
        words = words or labels.get(target, target)
        return f"[{words.strip('*')}]({links[target]})" if target in links else words

    text = ROLE.sub(role, text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --------------------------------------------------------------------------------------------
# Notebooks


def install_cell(course: Course) -> nbformat.NotebookNode | None:
    """The first code cell: installs the pinned helpers package where it is missing."""
    if not course.requirement:
        return None
    source = f"""# The course's `helpers` package {course.version} (at {course.ref}), installed
# where it is missing (e.g. Colab). CPU-only torch, and only where torch is missing.
from importlib import metadata, util

try:
    _installed = metadata.version("{PACKAGE}")
except metadata.PackageNotFoundError:
    _installed = None
if _installed != "{course.version}":
    _torch = "" if util.find_spec("torch") else "--extra-index-url {CPU_TORCH}"
    %pip install --quiet "{course.requirement}" {{_torch}}"""
    return nbformat.v4.new_code_cell(source, metadata={"tags": [INSTALL_TAG]})


def header_cell(chapter: Chapter, course: Course, *, student: bool) -> str:
    if course.requirement:
        install = (
            "The first code cell installs it where it is missing (on Colab, for example): "
            f'`%pip install "{course.requirement}"`.'
        )
    else:
        install = "Install it from the course repository before you start."
    if student:
        what = (
            f"**Student notebook.** *{chapter.title}*, from *{course.title}*, without the worked "
            "solutions. Starter cells run as given: replace each `...` with your answer and run "
            "the cell again; where there is a self-check, it tells you whether the answer is right "
            "and, if not, which mistake it looks like."
        )
    else:
        what = (
            f"**Instructor notebook.** *{chapter.title}*, from *{course.title}*, with the worked "
            "solution under every exercise. Hand out the student notebook instead."
        )
    lines = [what, "", f"The code imports the course's `helpers` package. {install}"]
    if "{glue" in chapter.path.read_text(encoding="utf-8"):
        lines += [
            "",
            "Numbers measured on your machine appear in the text as a name in code type, such as "
            "`name`: the cell that measures them prints `name = value` below it.",
        ]
    return _quote_lines(lines)


def _quote_lines(lines: list[str]) -> str:
    return "\n".join(f"> {line}".rstrip() for line in lines)


def chapter_notebook(path: Path, course: Course, *, student: bool) -> nbformat.NotebookNode:
    """A chapter as a notebook: MyST text -> (solutions removed) -> plain Jupyter notebook."""
    chapter = parse_chapter(path)
    text = Path(path).read_text(encoding="utf-8")
    if student:
        text = strip_solutions(text)
    notebook = jupytext.reads(text, fmt="md:myst")
    exercises = {e.label: (e.number, e.title) for e in chapter.exercises}
    labels = {**course.labels, **figure_numbers(notebook)}
    labels.update({label: f"Exercise {n}" for label, (n, _) in exercises.items()})
    page = course.pages.get(chapter.label) if chapter.label else None
    links = {  # references to other chapters link to the published book; within it, text
        label: url
        for label in course.pages
        if course.pages[label] != page and (url := course.link(label))
    }

    cells = [nbformat.v4.new_markdown_cell(header_cell(chapter, course, student=student))]
    install = install_cell(course)
    if install:
        cells.append(install)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            source = plain_markdown(cell.source, labels, exercises, links)
            if not source:
                continue
            cell = nbformat.v4.new_markdown_cell(source, metadata=dict(cell.metadata))
        else:
            # Outputs stay visible: in a notebook the self-check replies and widgets are the point.
            if set(cell.metadata.get("tags", [])) & HIDDEN_INPUT:
                cell.metadata["jupyter"] = {"source_hidden": True}
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"{chapter.name}-{i}"[-64:]

    notebook.cells = cells
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    nbformat.validate(notebook)
    return notebook


def _zip(target: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def _readme(chapters: list[Chapter], course: Course, *, student: bool) -> str:
    kind = "Student" if student else "Instructor"
    lines = [f"# {course.title}: {kind.lower()} notebooks", ""]
    if student:
        lines += [
            "The chapters' notebooks, without the worked solutions. Work through them in order:"
        ]
    else:
        lines += ["The chapters' notebooks with worked solutions. Do not hand these out."]
    lines.append("")
    for number, chapter in enumerate(chapters, start=1):
        time = f" ({chapter.estimated_time})" if chapter.estimated_time else ""
        lines.append(f"{number}. `{number:02d}-{chapter.name}.ipynb`: {chapter.title}{time}")
    lines += ["", "The notebooks import the course's `helpers` package."]
    if course.requirement:
        lines += [
            "Each notebook's first code cell installs it where it is missing (on Colab, for",
            "example). To install it yourself (CPU-only torch; the extra index is needed only",
            "where torch is not installed yet):",
            "",
            f'    pip install "{course.requirement}" --extra-index-url {CPU_TORCH}',
        ]
    return "\n".join(lines) + "\n"


def export(
    out: Path = ROOT / "_build" / "notebooks",
    toc: Path = ROOT / "_toc.yml",
    config: Path = ROOT / "_config.yml",
    ref: str | None = None,
) -> list[Path]:
    """Write the student and instructor notebooks and zips; return the notebooks written.

    ``ref``: the commit or tag the notebooks install helpers from (default: the release tag).
    """
    out, toc = Path(out), Path(toc)
    chapters = book_chapters(toc)
    course = course_info(toc, Path(config), ref)
    written = []
    for role, student in (("student", True), ("instructor", False)):
        folder = out / role
        folder.mkdir(parents=True, exist_ok=True)
        course_files = {f"course-{role}/README.md": _readme(chapters, course, student=student)}
        for number, chapter in enumerate(chapters, start=1):
            notebook = chapter_notebook(chapter.path, course, student=student)
            data = nbformat.writes(notebook).encode("utf-8") + b"\n"
            target = folder / f"{chapter.name}.ipynb"
            target.write_bytes(data)
            written.append(target)
            _zip(out / f"{chapter.name}-{role}.zip", {target.name: data})
            course_files[f"course-{role}/{number:02d}-{target.name}"] = data
        _zip(out / f"course-{role}.zip", course_files)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "notebooks")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    parser.add_argument(
        "--ref",
        help=f"commit or tag to install helpers from (default: {release_tag()}, the release tag)",
    )
    args = parser.parse_args(argv)
    written = export(args.out, args.toc, args.config, args.ref)
    chapters = len(written) // 2
    print(f"Exported {chapters} chapters as student and instructor notebooks to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

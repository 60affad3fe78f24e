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
``.md`` chapters). MyST markup that plain Jupyter does not render is rewritten: exercises and
solutions become headings, admonitions become quotes, cross-references become their text.
A first cell says how to install the course's ``helpers`` package, which the notebooks import.
Code hidden in the book (``remove-input``, ``remove-cell``, ``hide-input``) starts collapsed.
Code cells are exactly the chapter's (minus the solutions, for students), in the same order.
"""

from __future__ import annotations

import argparse
import re
import sys
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
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed, so that the same notebooks give the same zip


@dataclass(frozen=True)
class Course:
    title: str
    repository: str | None
    labels: dict[str, str]  # MyST label -> the words a reference to it becomes in a notebook


# --------------------------------------------------------------------------------------------
# What references point to


def course_info(toc: Path, config: Path) -> Course:
    """The book's title, repository and label texts, from its ``_config.yml`` and chapters."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else {}
    labels: dict[str, str] = {}
    for path in toc_documents(toc):
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
        title = title[1].strip() if title else path.stem
        for label, heading in re.findall(r"^\(([\w:-]+)\)=\s*\n+#+ (.+)$", text, re.MULTILINE):
            labels[label] = f"*{heading.strip()}*"
        if is_notebook(text):
            for exercise in parse_chapter(path).exercises:
                labels[exercise.label] = f"Exercise {exercise.number} of *{title}*"
    repository = (settings.get("repository") or {}).get("url")
    return Course(settings.get("title", "the course"), repository, labels)


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


def plain_markdown(text: str, labels: dict[str, str], exercises: dict[str, tuple[int, str]]) -> str:
    """One markdown cell's MyST, as Markdown that Jupyter and Colab render."""
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
        else:
            continue
        lines[block.start : block.end] = new.splitlines()
    text = "\n".join(lines)
    text = re.sub(r"^\([\w:-]+\)=[ \t]*\n", "", text, flags=re.MULTILINE)  # (label)= targets
    text = re.sub(r"^%.*\n?", "", text, flags=re.MULTILINE)  # MyST comments

    def role(match: re.Match) -> str:
        name, content = match[1], match[2]
        if name == "math":
            return f"${content}$"
        if name not in ("ref", "numref", "doc", "term", "eq"):
            return match[0]
        explicit = re.match(r"^(.*?)\s*<([^>]+)>$", content)
        if explicit:
            return explicit[1]
        return labels.get(content, content)

    text = ROLE.sub(role, text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --------------------------------------------------------------------------------------------
# Notebooks


def header_cell(chapter: Chapter, course: Course, *, student: bool) -> str:
    if course.repository:
        install = (
            "On Colab, or anywhere the package is missing, first run a cell with "
            f'`%pip install "git+{course.repository}"` (the course repository).'
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
    return _quote_lines([what, "", f"The code imports the course's `helpers` package. {install}"])


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

    cells = [nbformat.v4.new_markdown_cell(header_cell(chapter, course, student=student))]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            source = plain_markdown(cell.source, labels, exercises)
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
    if course.repository:
        lines.append(f'Install it with `pip install "git+{course.repository}"`.')
    return "\n".join(lines) + "\n"


def export(
    out: Path = ROOT / "_build" / "notebooks",
    toc: Path = ROOT / "_toc.yml",
    config: Path = ROOT / "_config.yml",
) -> list[Path]:
    """Write the student and instructor notebooks and zips; return the notebooks written."""
    out, toc = Path(out), Path(toc)
    chapters = book_chapters(toc)
    course = course_info(toc, Path(config))
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
    args = parser.parse_args(argv)
    written = export(args.out, args.toc, args.config)
    chapters = len(written) // 2
    print(f"Exported {chapters} chapters as student and instructor notebooks to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

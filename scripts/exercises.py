"""Read the chapters' exercises and solutions, and cut the solutions out.

One reader for the three instructor tools: the student build (``scripts/student_build.py``), the
notebook export (``scripts/export_notebooks.py``) and the exercise list on the "For instructors"
page (``book/instructors.md``). A plain module, not part of the ``helpers`` package: it needs only
what the book build installs (PyYAML, markdown-it-py, mdit-py-plugins).

Chapters are MyST Markdown notebooks. They are tokenised with markdown-it (the parser MyST uses),
so a directive is found exactly where MyST finds it, fences nested in fences included, and a
``{solution-start}`` written inside a code example is never mistaken for a solution.

Exercise metadata: the exercise's text starts with one italic line that students see too,
``*Kind · difficulty.*`` or ``*Kind · difficulty · auto-checked.*``, for example
``*Pencil and paper · easy · auto-checked.*`` or ``*Predict, then run · medium.*``. Kinds in use:
"Pencil and paper", "Code", "Predict, then run", "Design"; difficulty is easy, medium or hard.
Missing metadata shows as "—". Whether an exercise is auto-checked is read from the code, not
from the line: a code cell between the exercise and its solution calls a self-check (a function
named ``check_...``, e.g. ``helpers.checks.check_output_size(answer)``).

Command line::

    python scripts/exercises.py list             # every exercise of the book, per chapter
    python scripts/exercises.py strip FILE...    # print FILE with its solutions removed
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

ROOT = Path(__file__).resolve().parents[1]

DIFFICULTIES = ("easy", "medium", "hard")
MISSING = "—"
METADATA_LINE = re.compile(r"^\s*\*([^*\n]+)\*")
CHECK_CALL = re.compile(r"\b(check_\w+)\s*\(")
DIRECTIVE_INFO = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")
SOLUTION_NAMES = {"solution", "solution-start"}
EXERCISE_NAMES = {"exercise", "exercise-start"}


@dataclass(frozen=True)
class Directive:
    """A top-level MyST directive fence; ``start``/``end`` are 0-based lines, ``end`` exclusive."""

    name: str
    argument: str
    options: dict
    body: str
    start: int
    end: int


@dataclass(frozen=True)
class Exercise:
    label: str
    title: str
    number: int  # as sphinx-exercise numbers it: 1, 2, ... in page order
    kind: str | None  # "Pencil and paper", "Code", ... as the metadata line states it
    difficulty: str | None  # "easy", "medium" or "hard"
    says_auto_checked: bool  # the metadata line ends with "auto-checked"
    checks: tuple[str, ...]  # self-check functions its cells call; empty: not auto-checked
    has_starter: bool  # followed by a code cell tagged ``exercise-starter``
    code: tuple[str, ...] = ()  # its own code cells (starters), solutions' cells not included


@dataclass(frozen=True)
class Solution:
    target: str  # label of the exercise it solves
    gated: bool  # solution-start ... solution-end (may hold code cells)
    start: int
    end: int
    code_cells: tuple[tuple[str, tuple[str, ...]], ...]  # (source, tags) of its code cells

    @property
    def code(self) -> tuple[str, ...]:
        return tuple(source for source, _ in self.code_cells)


@dataclass(frozen=True)
class Chapter:
    path: Path
    title: str
    label: str | None  # the ``(label)=`` target of its title
    estimated_time: str | None
    exercises: tuple[Exercise, ...]
    solutions: tuple[Solution, ...]

    @property
    def name(self) -> str:
        return self.path.stem


# --------------------------------------------------------------------------------------------
# The table of contents


def toc_documents(toc_path: Path = ROOT / "_toc.yml") -> list[Path]:
    """Every document a Jupyter Book ``_toc.yml`` lists, in order, as paths to ``.md`` files."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    found: list[Path] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    found.append(Path(toc_path).parent / f"{node[key]}.md")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def is_notebook(text: str) -> bool:
    """A MyST notebook starts with jupytext front matter that names a kernel."""
    return text.startswith("---") and "kernelspec:" in text.split("\n---", 1)[0]


# --------------------------------------------------------------------------------------------
# Directives


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(front_matter_plugin).use(colon_fence_plugin)


def _split_options(content: str) -> tuple[dict, str]:
    """MyST directive content -> (options, body): ``:key: value`` lines or a ``---`` YAML block."""
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                options = yaml.safe_load("\n".join(lines[1:i])) or {}
                return options, "\n".join(lines[i + 1 :])
    options, i = {}, 0
    while i < len(lines) and (match := re.match(r"^:([\w-]+):\s*(.*)$", lines[i])):
        try:
            value = yaml.safe_load(match[2]) if match[2] else True
        except yaml.YAMLError:
            value = match[2]
        options[match[1]] = value
        i += 1
    return options, "\n".join(lines[i:])


def directives(text: str) -> list[Directive]:
    """Every top-level directive fence (```` ```{name} argument ```` or ``:::{name}``) in order."""
    found = []
    for token in _parser().parse(text):
        if token.type not in ("fence", "colon_fence") or token.level != 0 or not token.map:
            continue
        match = DIRECTIVE_INFO.match(token.info.strip())
        if match:
            options, body = _split_options(token.content)
            start, end = token.map
            found.append(Directive(match[1], match[2].strip(), options, body, start, end))
    return found


def exercise_metadata(body: str) -> tuple[str | None, str | None, bool]:
    """(kind, difficulty, says auto-checked) from an exercise's leading ``*Kind · level.*`` line."""
    match = METADATA_LINE.match(body)
    if not match or "·" not in match[1]:
        return None, None, False
    parts = [part.strip().rstrip(".").strip() for part in match[1].split("·")]
    auto = parts[-1].lower() == "auto-checked"
    parts = parts[:-1] if auto else parts
    difficulty = next((p.lower() for p in parts if p.lower() in DIFFICULTIES), None)
    kinds = [p for p in parts if p.lower() not in DIFFICULTIES]
    return (kinds[0] if kinds else None), difficulty, auto


def _tags(options: dict) -> list[str]:
    tags = options.get("tags", [])
    return [tags] if isinstance(tags, str) else list(tags)


# --------------------------------------------------------------------------------------------
# Solutions


def solutions(text: str) -> list[Solution]:
    """Every solution: ``{solution}`` blocks, and ``{solution-start}`` to ``{solution-end}``."""
    found: list[Solution] = []
    blocks = directives(text)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.name == "solution":
            found.append(Solution(block.argument, False, block.start, block.end, ()))
        elif block.name == "solution-start":
            end = next(
                (j for j in range(i + 1, len(blocks)) if blocks[j].name == "solution-end"), None
            )
            if end is None:
                raise ValueError(
                    f"the solution to {block.argument!r} (line {block.start + 1}) has a "
                    "{solution-start} but no {solution-end}: close it with a {solution-end} fence"
                )
            code = tuple(
                (b.body, tuple(_tags(b.options)))
                for b in blocks[i + 1 : end]
                if b.name == "code-cell"
            )
            found.append(Solution(block.argument, True, block.start, blocks[end].end, code))
            i = end
        elif block.name == "solution-end":
            raise ValueError(
                f"line {block.start + 1}: a {{solution-end}} without a {{solution-start}} before it"
            )
        i += 1
    return found


def strip_solutions(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every solution cut out, code cells inside the solutions included.

    With ``keep_lines=True`` each removed line becomes an empty line, so that line numbers in
    build warnings still point at the right place in the file.
    """
    lines = text.splitlines(keepends=True)
    for solution in reversed(solutions(text)):
        if keep_lines:
            lines[solution.start : solution.end] = ["\n"] * (solution.end - solution.start)
            continue
        del lines[solution.start : solution.end]
        # close the gap: no run of blank lines where the solution was (code cells are untouched)
        start = solution.start
        while (
            start < len(lines)
            and not lines[start].strip()
            and (start == 0 or not lines[start - 1].strip())
        ):
            del lines[start]
    return "".join(lines)


MARKUP = set("*`$[]{}<>_|\\")


def solution_only_lines(
    text: str, *, min_length: int = 20, elsewhere: tuple[str, ...] = ()
) -> list[str]:
    """Distinctive lines that only the solutions contain, to search a build for leaks.

    Each line of solution code, and each line of solution prose free of Markdown markup (so it
    reads the same in a rendered page), that is long enough and appears nowhere else: neither in
    the rest of this text nor in any of the ``elsewhere`` texts (the other chapters, stripped).
    """
    kept = "\n".join([strip_solutions(text), *elsewhere])
    lines = text.splitlines()
    found = []
    for solution in solutions(text):
        for line in lines[solution.start : solution.end]:
            line = line.strip()
            if len(line) < min_length or line.startswith(("```", ":::", ":", "#", "---")):
                continue
            in_code = any(line in code for code in solution.code)
            if line not in kept and (in_code or not MARKUP & set(line)):
                found.append(line)
    return found


def book_solution_lines(chapters: list[Chapter]) -> dict[str, list[str]]:
    """For each chapter (by name), the lines only its solutions contain, in the whole book."""
    texts = {c.name: c.path.read_text(encoding="utf-8") for c in chapters}
    stripped = {name: strip_solutions(text) for name, text in texts.items()}
    return {
        name: solution_only_lines(
            text, elsewhere=tuple(v for other, v in stripped.items() if other != name)
        )
        for name, text in texts.items()
    }


# --------------------------------------------------------------------------------------------
# Chapters


def parse_chapter(path: Path) -> Chapter:
    """A chapter's title, estimated time, exercises (with metadata) and solutions."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    blocks = directives(text)
    sols = solutions(text)
    inside_solution = [(s.start, s.end) for s in sols]

    exercises = []
    for i, block in enumerate(blocks):
        if block.name not in EXERCISE_NAMES:
            continue
        cells = []
        for later in blocks[i + 1 :]:
            if later.name in EXERCISE_NAMES | SOLUTION_NAMES:
                break
            inside = any(a <= later.start < b for a, b in inside_solution)
            if later.name == "code-cell" and not inside:
                cells.append(later)
        kind, difficulty, says_auto = exercise_metadata(block.body)
        checks = dict.fromkeys(name for cell in cells for name in CHECK_CALL.findall(cell.body))
        exercises.append(
            Exercise(
                label=str(block.options.get("label", "")),
                title=block.argument,
                number=len(exercises) + 1,
                kind=kind,
                difficulty=difficulty,
                says_auto_checked=says_auto,
                checks=tuple(checks),
                has_starter=any("exercise-starter" in _tags(c.options) for c in cells),
                code=tuple(c.body for c in cells),
            )
        )

    heading = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
    target = re.search(r"^\(([\w:-]+)\)=\s*\n+# ", text, flags=re.MULTILINE)
    glance = next(
        (b for b in blocks if b.name == "admonition" and b.argument == "At a glance"), None
    )
    time = re.search(r"\*\*Estimated time\.?\*\*\s*(.+)", glance.body) if glance else None
    return Chapter(
        path=path,
        title=heading[1].strip() if heading else path.stem,
        label=target[1] if target else None,
        estimated_time=time[1].strip().rstrip(".") if time else None,
        exercises=tuple(exercises),
        solutions=tuple(sols),
    )


def book_chapters(toc_path: Path = ROOT / "_toc.yml") -> list[Chapter]:
    """Every chapter of the book (a MyST notebook in the toc) that has at least one exercise."""
    chapters = []
    for path in toc_documents(toc_path):
        if path.exists() and is_notebook(path.read_text(encoding="utf-8")):
            chapter = parse_chapter(path)
            if chapter.exercises:
                chapters.append(chapter)
    return chapters


def exercise_table(chapters: list[Chapter], *, link: bool = True) -> str:
    """The instructors' overview, as MyST Markdown: a definition list with one entry per chapter
    (its link and estimated time) whose definition lists its exercises, one line each:
    ``Title — Kind · difficulty · auto-checked (`check_...`)``. A list rather than a table, so it
    wraps at phone width.
    """
    if not chapters:
        return "*No chapter has exercises yet.*"
    blocks = []
    for chapter in chapters:
        head = f"{{ref}}`{chapter.label}`" if link and chapter.label else chapter.title
        if chapter.estimated_time:
            head += f" ({chapter.estimated_time})"
        lines = [head]
        for i, exercise in enumerate(chapter.exercises):
            # The title only: the book numbers exercises across chapters, not per chapter.
            name = exercise.title
            if link and exercise.label:
                name = f"{{ref}}`{name.replace('`', '')} <{exercise.label}>`"
            if exercise.checks:
                checked = "auto-checked (" + ", ".join(f"`{c}`" for c in exercise.checks) + ")"
            else:
                checked = "not auto-checked"
            kind, level = exercise.kind or MISSING, exercise.difficulty or MISSING
            lines.append(f"{': ' if i == 0 else '  '}- {name} — {kind} · {level} · {checked}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="print every exercise of the book, per chapter")
    listing.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    strip = commands.add_parser("strip", help="print (or rewrite) files with solutions removed")
    strip.add_argument("files", nargs="+", type=Path)
    strip.add_argument("--in-place", action="store_true", help="rewrite the files (use on a copy)")
    args = parser.parse_args(argv)

    if args.command == "list":
        print(exercise_table(book_chapters(args.toc), link=False))
        return 0
    for path in args.files:
        stripped = strip_solutions(path.read_text(encoding="utf-8"))
        if args.in_place:
            path.write_text(stripped, encoding="utf-8")
        else:
            sys.stdout.write(stripped)
    return 0


if __name__ == "__main__":
    sys.exit(main())

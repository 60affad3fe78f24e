"""Autograded assignments from the chapters' exercises, in otter-grader's formats.

    python -m scripts.assignments                      # every chapter -> _build/assignments/
    python -m scripts.assignments --chapters pooling   # one chapter

For each chapter of ``_toc.yml`` that has exercises, ``assignments/<chapter>.yml`` says how each
exercise is graded: hidden ``tests`` (code run against the student's variables when the notebook
is graded; the expected values are computed there from ``helpers``/torch, never stored), or
``manual: POINTS`` for a written answer. An exercise missing from the spec is an error. It writes

- ``<chapter>/student/``: ``<chapter>.ipynb`` (the student notebook of ``make notebooks`` plus a
  ``grader.check(...)`` cell after each autograded exercise and an answer cell after each one
  graded by hand) and ``tests/`` with the *public* tests only: the chapter's self-checks, which
  give hints (or, without one, whether the answer is set). ``<chapter>-student.zip`` holds both.
- ``<chapter>/instructor/``: ``<chapter>-autograder.zip`` (``otter generate``: public and hidden
  tests with their points; grade locally with ``make grade``, or upload to Gradescope),
  ``<chapter>-solutions.ipynb`` (worked solutions, graded full marks), ``tests/`` (all tests) and
  ``rubric.md`` (points per question; the manually graded ones with the worked solution).

``--verify`` then grades each chapter's solutions (every point) and the solutions with the spec's
``wrong:`` answers put in (no point), to show that the hidden tests accept and reject.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import functools
import json
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from scripts.exercises import Chapter, book_chapters, directives
from scripts.export_notebooks import Course, chapter_notebook, course_info

ROOT = Path(__file__).resolve().parents[1]

SPECS = ROOT / "assignments"
OUT = ROOT / "_build" / "assignments"
CHECK_TAG = "assignment-check"
MANUAL_TAG = "assignment-answer"
METADATA_KEY = "conv_course_assignment"  # notebook metadata: {"chapter": name}
CPU_TORCH = "--extra-index-url https://download.pytorch.org/whl/cpu"
PYTHON = "3.11"  # the grading image's Python, as on Binder and in CI

# Every test file starts with this: the libraries the expected values come from, imported by the
# test itself (a student who rebinds `torch` does not change them), and three comparisons.
TEST_HEADER = '''\
OK_FORMAT = False

import math

import numpy as np
import torch
import torch.nn.functional as F
from otter.test_files import test_case
from torch import nn

import helpers
from helpers import checks


def as_tensor(value):
    """The answer as a float64 tensor (tensor, array, nested list or number)."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64)
    return torch.as_tensor(np.asarray(value, dtype=np.float64))


def close(answer, expected, atol=1e-5):
    """Same shape and values within ``atol``."""
    a, e = as_tensor(answer), as_tensor(expected)
    return a.shape == e.shape and bool(torch.allclose(a, e, atol=atol))


def as_shape(answer):
    """A shape answer (int, tuple, list, torch.Size) as a tuple of ints."""
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        return (int(answer),)
    return tuple(int(v) for v in answer)
'''
PROVIDED = set(dir(builtins)) | {
    "math",
    "np",
    "torch",
    "F",
    "nn",
    "helpers",
    "checks",
    "test_case",
    "as_tensor",
    "close",
    "as_shape",
}


@dataclass(frozen=True)
class Test:
    name: str
    code: str
    points: float
    hidden: bool


@dataclass(frozen=True)
class Question:
    label: str
    title: str
    number: int
    manual: bool
    points: float
    tests: tuple[Test, ...]  # public (self-checks, 0 points) then hidden
    wrong: str | None  # a wrong answer every hidden test rejects (for the tests)
    rubric: str  # manual questions: the worked solution's prose


@functools.cache
def course() -> Course:
    """The book's title, repository and reference texts (read once: it parses every chapter)."""
    return course_info(ROOT / "_toc.yml", ROOT / "_config.yml")


# --------------------------------------------------------------------------------------------
# The spec


def spec_path(chapter: Chapter) -> Path:
    return SPECS / f"{chapter.name}.yml"


def self_check_calls(code: str) -> list[str]:
    """The self-check calls (``check_...(...)``, maybe inside ``display``) of a starter cell."""
    calls = []
    for statement in ast.parse(code).body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "display":
            call = call.args[0] if call.args else None
        func = getattr(call, "func", None)
        name = getattr(func, "attr", getattr(func, "id", ""))
        if isinstance(call, ast.Call) and name.startswith("check_"):
            calls.append(ast.get_source_segment(code, call))
    return calls


def solution_prose(chapter: Chapter, label: str) -> str:
    """The worked solution's text without its code cells and fences."""
    lines = chapter.path.read_text(encoding="utf-8").splitlines()
    solution = next((s for s in chapter.solutions if s.target == label), None)
    if solution is None:
        return ""
    part = lines[solution.start : solution.end]
    for block in reversed(directives("\n".join(part))):
        del part[block.start : block.end]
    return "\n".join(part).strip()


def questions(chapter: Chapter) -> list[Question]:
    """Every exercise of ``chapter`` as a graded question, as its spec file says."""
    path = spec_path(chapter)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: every chapter with exercises needs a spec that says how each "
            "exercise is graded (see assignments/cross-correlation.yml)"
        )
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = {e.label for e in chapter.exercises}
    if unknown := sorted(set(spec) - labels):
        raise ValueError(f"{path}: {unknown} are not exercise labels of {chapter.path.name}")
    found = []
    for exercise in chapter.exercises:
        entry = spec.get(exercise.label)
        if not entry or ("manual" in entry) == ("tests" in entry):
            raise ValueError(
                f"{path}: exercise {exercise.label!r} needs either `tests:` (autograded) or "
                "`manual: POINTS` (graded by hand)"
            )
        if "manual" in entry:
            points, tests = float(entry["manual"]), ()
        else:
            public = [
                Test(
                    f"self-check {i}",
                    f"feedback = {call}\nassert feedback, str(feedback)",
                    0,
                    False,
                )
                for i, call in enumerate(
                    (c for code in exercise.code for c in self_check_calls(code)), start=1
                )
            ]
            hidden = [
                Test(
                    str(test.get("name", f"hidden {i}")),
                    str(test["code"]),
                    float(test.get("points", 1)),
                    True,
                )
                for i, test in enumerate(entry["tests"], start=1)
            ]
            if not public:  # no self-check: at least say whether the answer is there yet
                public = [answered_test([n for t in hidden for n in free_names(t.code)])]
            tests = (*public, *hidden)
            points = sum(t.points for t in hidden)
        found.append(
            Question(
                exercise.label,
                exercise.title,
                exercise.number,
                "manual" in entry,
                points,
                tests,
                entry.get("wrong"),
                solution_prose(chapter, exercise.label),
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# Test files (otter's exception-based format)


def free_names(code: str) -> list[str]:
    """Names the test code reads that it neither defines nor imports: the student's variables."""
    tree = ast.parse(code)
    stored = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    loaded = [
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    ]
    return list(dict.fromkeys(n for n in loaded if n not in PROVIDED and n not in stored))


def answered_test(names: list[str]) -> Test:
    """A public test for an exercise without a self-check: its answer variables are set."""
    names = list(dict.fromkeys(n for n in names if n != "env"))
    code = (
        f"for name in {names!r}:\n"
        "    assert env.get(name, ...) is not ..., (\n"
        '        f"{name} is not set yet: write your answer, then run its cell again"\n'
        "    )"
    )
    return Test(
        "answer given (its values are checked when your notebook is graded)", code, 0, False
    )


def test_file(question: Question, *, hidden: bool) -> str:
    """Otter test file for ``question``; with ``hidden=False`` only its public tests."""
    cases = [t for t in question.tests if hidden or not t.hidden]
    parts = [
        f'"""Exercise {question.number} ({question.title}): tests, run by otter-grader."""\n',
        TEST_HEADER,
        f"name = {question.label!r}",
        f"points = {sum(t.points for t in cases)!r}",
    ]
    for i, test in enumerate(cases, start=1):
        args = ", ".join(free_names(test.code))
        parts.append(
            f"\n@test_case(name={test.name!r}, points={test.points!r}, hidden={test.hidden!r})\n"
            f"def test_{i}({args}):\n{textwrap.indent(test.code.strip(), '    ')}"
        )
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# Notebooks


def _code_cell(source: str, tag: str) -> str:
    return f"```{{code-cell}} ipython3\n:tags: [{tag}]\n\n{source}\n```\n"


def graded_text(chapter: Chapter, qs: list[Question]) -> str:
    """The chapter's MyST text with otter's set-up cell, a ``grader.check`` after each autograded
    exercise and an answer cell after each one graded by hand (after the worked solution, which
    the student edition then removes)."""
    text = chapter.path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    after = {}
    for q in qs:
        solution = next((s for s in chapter.solutions if s.target == q.label), None)
        if solution is None:
            raise ValueError(f"{q.label}: an exercise in an assignment needs a worked solution")
        if q.manual:
            after[solution.end] = (
                f'+++ {{"tags": ["{MANUAL_TAG}"]}}\n\n**Your answer to Exercise {q.number}** '
                f"(graded by hand, {_points(q.points)}): _type it here, replacing this text._"
                "\n\n+++\n"
            )
        else:
            after[solution.end] = _code_cell(f'grader.check("{q.label}")', CHECK_TAG)
    for end in sorted(after, reverse=True):
        lines.insert(end, "\n" + after[end])
    first_code = next(b for b in directives(text) if b.name == "code-cell")
    setup = 'import otter\n\ngrader = otter.Notebook(tests_dir="tests")'
    lines.insert(first_code.start, _code_cell(setup, CHECK_TAG) + "\n")
    return "".join(lines)


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def assignment_notebook(chapter: Chapter, qs: list[Question], *, student: bool):
    """The student (no solutions) or solutions notebook of the chapter's assignment."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / chapter.path.name
        path.write_text(graded_text(chapter, qs), encoding="utf-8")
        notebook = chapter_notebook(path, course(), student=student)
    notebook.metadata[METADATA_KEY] = {"chapter": chapter.name}
    return notebook


def with_cell_before_check(notebook, label: str, source: str):
    """A copy of ``notebook`` with a code cell inserted just before question ``label``'s check
    (how the tests and ``--verify`` make wrong submissions from the solutions)."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    check = f'grader.check("{label}")'
    index = next(i for i, c in enumerate(notebook.cells) if c.source.strip() == check)
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    return notebook


# --------------------------------------------------------------------------------------------
# Writing it all


def rubric(chapter: Chapter, qs: list[Question]) -> str:
    auto = sum(q.points for q in qs if not q.manual)
    manual = sum(q.points for q in qs if q.manual)
    lines = [
        f"# {chapter.title}: points and rubric",
        "",
        f"Autograded: {_points(auto)}. Graded by hand: {_points(manual)}.",
        "",
    ]
    for q in qs:
        how = "graded by hand" if q.manual else "autograded"
        lines += [
            f"## Exercise {q.number}: {q.title} (`{q.label}`, {_points(q.points)}, {how})",
            "",
        ]
        if q.manual:
            lines += [
                f"Full marks ({_points(q.points)}) for an answer that reaches the worked "
                "solution's conclusions with a reason; half for the right conclusion without a "
                "reason or a reason with one slip; none otherwise. The worked solution:",
                "",
                *(f"> {line}".rstrip() for line in q.rubric.splitlines()),
                "",
            ]
        else:
            for test in q.tests:
                kind = "hidden" if test.hidden else "public self-check"
                lines.append(f"- {test.name} ({kind}, {_points(test.points)})")
            lines.append("")
    return "\n".join(lines)


def _requirements() -> str:
    """The grading image's pins: requirements.txt with the course package from its repository at
    the release the notebooks install, and PyTorch's CPU wheels (the default torch wheel pulls
    gigabytes of CUDA libraries)."""
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "-e"))
    ]
    return "\n".join([CPU_TORCH, course().requirement, *pins]) + "\n"


def build(chapter: Chapter, out: Path = OUT, *, autograder: bool = True) -> dict[str, Path]:
    """Write the chapter's student and instructor material; return the main files.

    ``autograder=False`` skips the autograder zip (``otter generate``, a few seconds).
    """
    qs = questions(chapter)
    graded = [q for q in qs if not q.manual]
    folder = Path(out) / chapter.name
    student, instructor = folder / "student", folder / "instructor"
    for role, hidden in ((student, False), (instructor, True)):
        (role / "tests").mkdir(parents=True, exist_ok=True)
        for old in (role / "tests").glob("*.py"):
            old.unlink()
        for q in graded:
            (role / "tests" / f"{q.label}.py").write_text(
                test_file(q, hidden=hidden), encoding="utf-8"
            )

    notebook = assignment_notebook(chapter, qs, student=True)
    student_nb = student / f"{chapter.name}.ipynb"
    nbformat.write(notebook, student_nb)
    solutions = instructor / f"{chapter.name}-solutions.ipynb"
    nbformat.write(assignment_notebook(chapter, qs, student=False), solutions)
    (instructor / "rubric.md").write_text(rubric(chapter, qs), encoding="utf-8")
    points = {q.label: {"points": q.points, "manual": q.manual, "title": q.title} for q in qs}
    (instructor / "points.json").write_text(json.dumps(points, indent=1) + "\n", encoding="utf-8")

    with zipfile.ZipFile(folder / f"{chapter.name}-student.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in student.rglob("*") if p.is_file()):
            z.write(path, f"{chapter.name}/{path.relative_to(student)}")
    files = {"student": student_nb, "solutions": solutions}
    if not autograder:
        return files
    (instructor / "requirements.txt").write_text(_requirements(), encoding="utf-8")
    config = instructor / "otter_config.json"
    config.write_text(json.dumps({"lang": "python", "pdf": False}, indent=1) + "\n")
    files["autograder"] = instructor / f"{chapter.name}-autograder.zip"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("otter")),
            "generate",
            "--tests-dir",
            "tests",
            "--output-path",
            files["autograder"].name,
            "--config",
            config.name,
            "--requirements",
            "requirements.txt",
            "--overwrite-requirements",
            "--no-environment",
            "--python-version",
            PYTHON,
        ],
        cwd=instructor,
        check=True,
        capture_output=True,
    )
    return files


def verify(chapter: Chapter, out: Path = OUT, *, limit: float = 300) -> tuple[str, str]:
    """Grade the solutions (must get every point) and the solutions with every spec's ``wrong``
    answer (must get none); return the two rows of scores.csv."""
    from scripts import grade  # noqa: PLC0415  only --verify needs the grader

    qs = [q for q in questions(chapter) if not q.manual]
    missing = [q.label for q in qs if not q.wrong]
    if missing:
        raise ValueError(f"{spec_path(chapter)}: no `wrong:` answer for {missing}")
    folder = Path(out) / chapter.name / "verify"
    (folder / "submissions").mkdir(parents=True, exist_ok=True)
    solutions = nbformat.read(
        Path(out) / chapter.name / "instructor" / f"{chapter.name}-solutions.ipynb", 4
    )
    wrong = solutions
    for q in qs:
        wrong = with_cell_before_check(wrong, q.label, q.wrong)
    nbformat.write(solutions, folder / "submissions" / "solutions.ipynb")
    nbformat.write(wrong, folder / "submissions" / "all-wrong.ipynb")
    scores = grade.grade_folder(
        folder / "submissions", folder, chapter=chapter.name, assignments=out, limit=limit
    )
    rows = scores.read_text(encoding="utf-8").splitlines()[1:]
    return rows[0], rows[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--chapters", nargs="*", help="chapter names (default: all)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also grade each chapter's solutions (full marks) and its `wrong:` answers (zero)",
    )
    args = parser.parse_args(argv)
    for chapter in book_chapters(args.toc):
        if args.chapters and chapter.name not in args.chapters:
            continue
        qs = questions(chapter)
        files = build(chapter, args.out)
        auto = sum(q.points for q in qs if not q.manual)
        print(
            f"{chapter.name}: {len(qs)} questions ({auto:g} points autograded, "
            f"{sum(q.points for q in qs) - auto:g} by hand) -> {files['autograder'].parent.parent}"
        )
        if args.verify:
            for row in verify(chapter, args.out):
                print("   ", row)
    return 0


if __name__ == "__main__":
    sys.exit(main())

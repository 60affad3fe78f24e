"""Autograded assignments (issue 18): ``scripts/assignments.py`` and ``scripts/grade.py``.

One chapter's assignment is built and a folder of fixture submissions, made here from its own
notebooks, is graded in one run of the grader: the solutions (full marks), the handed-out notebook
(zero), two notebooks with a wrong answer (from the spec's ``wrong:``) in every other question
(exact partial scores; together every question is answered wrongly once), one whose cells raise,
one that loops forever (short time limit), a text file and an empty notebook.

Every chapter's student notebook is searched for leaks, as ``tests/test_student_build.py`` does
for the student book: each distinctive line of a hidden test and of a worked solution, and the
solution markers, must be absent from the student notebook and its public tests, and each probe
is first shown to find its text in the instructor's material, so no probe passes vacuously.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import nbformat
import pytest

from scripts import assignments, exercises, grade

ROOT = Path(__file__).resolve().parents[1]

CHAPTER = "cross-correlation"
# Seconds of processor time per notebook (and ten times that on the clock). The chapter's
# solutions use about 3.5 s in the kernel, however busy the machine.
TIME_LIMIT = 15


CHAPTERS = {c.name: c for c in exercises.book_chapters()}


def chapter(name: str) -> exercises.Chapter:
    return CHAPTERS[name]


@functools.cache
def solution_lines() -> dict[str, list[str]]:
    return exercises.book_solution_lines(list(CHAPTERS.values()))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    files = assignments.build(chapter(CHAPTER), out)
    questions = [q for q in assignments.questions(chapter(CHAPTER)) if not q.manual]
    solutions = nbformat.read(files["solutions"], as_version=4)
    submissions = out / "submissions"
    submissions.mkdir()
    expected = {"correct.ipynb": sum(q.points for q in questions), "blank.ipynb": 0}
    nbformat.write(solutions, submissions / "correct.ipynb")
    nbformat.write(nbformat.read(files["student"], as_version=4), submissions / "blank.ipynb")
    for name, picked in (("wrong-odd", questions[0::2]), ("wrong-even", questions[1::2])):
        notebook = solutions
        for q in picked:
            notebook = assignments.with_cell_before_check(notebook, q.label, q.wrong)
        nbformat.write(notebook, submissions / f"{name}.ipynb")
        expected[f"{name}.ipynb"] = sum(q.points for q in questions if q not in picked)
    # raises at the top (costs nothing) and in the first question's answer (costs that one)
    first = questions[0]
    raising = assignments.with_cell_before_check(solutions, first.label, "answer = None\nanswer[0]")
    raising.cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('a bug at the top')"))
    nbformat.write(raising, submissions / "raising.ipynb")
    expected["raising.ipynb"] = expected["correct.ipynb"] - first.points
    # loops forever before the third question's check: that one and later ones score zero
    looping = assignments.with_cell_before_check(
        solutions, questions[2].label, "while True:\n    pass"
    )
    nbformat.write(looping, submissions / "loop.ipynb")
    expected["loop.ipynb"] = sum(q.points for q in questions[:2])
    (submissions / "notes.txt").write_text("my answers are in my head\n")
    expected["notes.txt"] = 0
    nbformat.write(nbformat.v4.new_notebook(), submissions / "empty.ipynb")
    expected["empty.ipynb"] = 0

    scores = grade.grade_folder(
        submissions, out / "grades", chapter=CHAPTER, assignments=out, limit=TIME_LIMIT, jobs=2
    )
    with open(scores, newline="", encoding="utf-8") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    print(scores.read_text(encoding="utf-8"))
    return {
        "rows": rows,
        "expected": expected,
        "questions": questions,
        "out": out,
        "csv": scores.read_text(encoding="utf-8"),
    }


def test_scores_csv_has_one_row_per_submission_and_the_expected_totals(graded):
    rows, expected = graded["rows"], graded["expected"]
    assert sorted(rows) == sorted(expected)
    totals = {name: float(row["total"]) for name, row in rows.items()}
    assert totals == expected, (totals, expected)
    assert 0 < expected["wrong-odd.ipynb"] < expected["correct.ipynb"]
    assert 0 < expected["wrong-even.ipynb"] < expected["correct.ipynb"]


def test_the_sample_table_on_the_instructors_page_is_what_grading_gives(graded):
    # book/instructors.md shows assignments/sample-scores.csv; copy the new table there if the
    # spec or the fixtures change on purpose.
    assert (ROOT / "assignments" / "sample-scores.csv").read_text(encoding="utf-8") == graded["csv"]


def test_each_question_has_a_column_and_a_wrong_answer_scores_zero_on_it(graded):
    rows = graded["rows"]
    for q in graded["questions"]:
        assert float(rows["correct.ipynb"][q.label]) == q.points
        assert float(rows["blank.ipynb"][q.label]) == 0
        wrong_in = (
            "wrong-odd.ipynb" if graded["questions"].index(q) % 2 == 0 else "wrong-even.ipynb"
        )
        assert float(rows[wrong_in][q.label]) == 0, (q.label, rows[wrong_in])
    manual = [c for c in rows["correct.ipynb"] if c.endswith("(manual)")]
    assert manual and all(rows["correct.ipynb"][c] == "" for c in manual)


def test_bad_submissions_are_reported_and_grading_goes_on(graded):
    rows, out = graded["rows"], graded["out"]
    assert rows["notes.txt"]["status"].startswith("not a notebook")
    assert rows["empty.ipynb"]["status"].startswith("empty notebook")
    looping = (out / "grades" / "feedback" / "loop.md").read_text()
    assert "TimeLimitExceeded" in looping
    raising = (out / "grades" / "feedback" / "raising.md").read_text()
    assert "RuntimeError: a bug at the top" in raising and "TypeError" in raising


def test_feedback_gives_hints_but_no_hidden_test(graded):
    out, questions = graded["out"], graded["questions"]
    text = (out / "grades" / "feedback" / "blank.md").read_text()
    assert "No answer yet" in text  # the public self-check's hint
    for q in questions:
        for test in q.tests:
            if test.hidden:
                assert test.code.strip().splitlines()[-1].strip() not in text


def probes(name: str) -> list[tuple[str, str]]:
    """(kind, text) searched for in the student material of chapter ``name``."""
    found = [("marker", "Solution to Exercise")]
    # a hidden test's lines, except those the chapter shows students anyway (the question's data)
    shown = exercises.strip_solutions(chapter(name).path.read_text(encoding="utf-8"))
    for q in assignments.questions(chapter(name)):
        for test in q.tests:
            if test.hidden:
                lines = (line.strip() for line in test.code.splitlines())
                found += [
                    ("hidden test", line) for line in lines if len(line) >= 20 and line not in shown
                ]
    lines = solution_lines()[name]
    return found + [("solution", line) for line in lines]


def material(folder: Path) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("tests/*.py"))]
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        texts += [cell.source for cell in notebook.cells]
    return "\n".join(texts)


@pytest.fixture(scope="module")
def built_all(tmp_path_factory):
    out = tmp_path_factory.mktemp("all")
    for c in CHAPTERS.values():
        assignments.build(c, out, autograder=False)
    return out


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_student_notebook_leaks_no_hidden_test_and_no_solution(built_all, name):
    student = material(built_all / name / "student")
    instructor = material(built_all / name / "instructor")
    checked = probes(name)
    assert len(checked) > 2
    for kind, text in checked:
        assert text in instructor, f"{kind} probe finds nothing even with solutions: {text!r}"
        assert text not in student, f"{kind} leaked into the student assignment: {text!r}"
    print(f"{name}: {len(checked)} leak probes")

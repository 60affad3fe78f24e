"""Grade a folder of submitted assignment notebooks with otter-grader: scores.csv and feedback.

    python -m scripts.grade SUBMISSIONS                 # -> _build/grades/<folder>/
    python -m scripts.grade SUBMISSIONS --chapter pooling --time-limit 60 --jobs 2 --out DIR

Each file of SUBMISSIONS is graded on its own, in a child process, against the chapter's
autograder zip (``make assignments``) with ``otter.api.grade_submission`` (no Docker): the
notebook runs top to bottom, every ``grader.check`` runs the question's public and hidden tests,
whose expected values are computed there and then. The submission never sees them before.

A time limit applies per notebook: ``--time-limit`` seconds of processor time (so that a busy
machine does not fail a correct notebook), and ``CLOCK_FACTOR`` times that on the clock (for code
that waits rather than computes). A cell still running when the notebook's time is up is
stopped, and so is every cell after it, so the questions it prevents score zero and the ones
before it keep their points; a child that outlives the clock limit by ``GRACE`` seconds is killed
(all zero). A cell that raises costs only the questions that need it. A file that is not a notebook,
or a notebook without code, scores zero with a note, and grading goes on.

Writes ``scores.csv`` (one row per submission, one column per question, ``total``, ``possible``,
``status``; manually graded questions are empty columns to fill in) and ``feedback/<name>.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from scripts.assignments import METADATA_KEY  # the notebook metadata naming the chapter

ROOT = Path(__file__).resolve().parents[1]

GRACE = 60  # seconds a child may run past the clock limit (kernel start, otter's own cells)
CLOCK_FACTOR = 10  # the clock limit, in multiples of the processor-time limit

# Run first in the submission's kernel. The notebook may use `cpu` seconds of processor time (a
# busy machine slows it down but does not use it up) and `clock` seconds on the clock (for code
# that waits). A cell still running when either is used up is stopped (an exception students'
# `except Exception` does not catch); after that, every cell is replaced by a `raise`, and otter's
# last cell, which collects the results, no longer runs the checks that never ran: the questions
# the time limit prevented get no result, so zero.
WATCHDOG = """\
import re as _grading_re
import signal as _grading_signal
import time as _grading_time


class TimeLimitExceeded(BaseException):
    pass


_grading_cpu = _grading_time.process_time() + {cpu}
_grading_clock = _grading_time.monotonic() + {clock}
_grading_message = "the notebook used up its time limit ({cpu:g} s of processor time, {clock:g} s)"
_grading_collect = "from otter.execute import Checker"


def _grading_left():
    cpu = _grading_cpu - _grading_time.process_time()
    return cpu, _grading_clock - _grading_time.monotonic()


def _grading_arm(info):
    cpu, clock = _grading_left()
    collecting = _grading_collect in (info.raw_cell or "")
    if not _grading_expired and min(cpu, clock) > 0 and not collecting:
        _grading_signal.setitimer(_grading_signal.ITIMER_PROF, cpu)
        _grading_signal.setitimer(_grading_signal.ITIMER_REAL, clock)


def _grading_disarm(result):
    _grading_signal.setitimer(_grading_signal.ITIMER_PROF, 0)
    _grading_signal.setitimer(_grading_signal.ITIMER_REAL, 0)


_grading_expired = []  # the timers' own count runs a little ahead of process_time()


def _grading_stop(signum, frame):
    _grading_expired.append(signum)
    raise TimeLimitExceeded(_grading_message)


def _grading_after_limit(lines):
    if not _grading_expired and min(_grading_left()) > 0:
        return lines
    source = "".join(lines)
    if _grading_collect in source:
        pattern = r"(?m)^for \\w+ in .*:\\n\\s+Checker\\.check_if_not_already_checked\\(.*\\)\\n"
        return _grading_re.sub(pattern, "", source).splitlines(keepends=True)
    return [f"raise TimeLimitExceeded({{_grading_message!r}})\\n"]


_grading_signal.signal(_grading_signal.SIGPROF, _grading_stop)
_grading_signal.signal(_grading_signal.SIGALRM, _grading_stop)
get_ipython().events.register("pre_run_cell", _grading_arm)
get_ipython().events.register("post_run_cell", _grading_disarm)
get_ipython().input_transformers_post.append(_grading_after_limit)
"""


# --------------------------------------------------------------------------------------------
# One submission (runs in a child process)


def grade_one(submission: Path, autograder: Path, limit: float) -> dict:
    """Grade one notebook; per question its score, possible points and public messages."""
    from otter.api import grade_submission

    notebook = nbformat.read(submission, as_version=4)
    watchdog = WATCHDOG.format(cpu=limit, clock=CLOCK_FACTOR * limit)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(watchdog))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "submission.ipynb"
        nbformat.write(notebook, copy)
        os.chdir(tmp)
        results = grade_submission(str(copy), str(autograder), quiet=True)
    if results.has_catastrophic_failure():
        return {"questions": {}, "errors": [str(results.catastrophic_error)]}
    questions = {}
    for name, test_file in results.results.items():
        cases = [
            {
                "name": r.test_case.name,
                "hidden": r.test_case.hidden,
                "passed": r.passed,
                "message": "" if r.test_case.hidden else r.message.strip().splitlines()[-1],
            }
            for r in test_file.test_case_results
        ]
        questions[name] = {"score": test_file.score, "possible": test_file.possible, "cases": cases}
    # errors, except in the cells where the chapter shows one on purpose
    errors = [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell in (results.notebook.cells if results.notebook else [])
        if "raises-exception" not in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    return {"questions": questions, "errors": errors}


# --------------------------------------------------------------------------------------------
# The folder


def read_submission(path: Path):
    """The notebook, or a reason why it cannot be graded."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001  anything unreadable is "not a notebook"
        return None, "not a notebook (could not be read as .ipynb)"
    if not any(c.cell_type == "code" and c.source.strip() for c in notebook.cells):
        return None, "empty notebook (no code)"
    return notebook, ""


def run_child(path: Path, autograder: Path, limit: float) -> tuple[dict | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            "scripts.grade",
            "--one",
            str(path.resolve()),
            "--autograder",
            str(autograder.resolve()),
            "--time-limit",
            str(limit),
            "--result",
            str(result),
        ]
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, stderr = child.communicate(timeout=CLOCK_FACTOR * limit + GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the child and its kernel
            child.communicate()
            seconds = CLOCK_FACTOR * limit + GRACE
            return (
                None,
                f"killed after {seconds:g} s on the clock (time limit {limit:g} s): all zero",
            )
        if child.returncode != 0 or not result.exists():
            last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return None, f"grading failed: {last[0]}"
        outcome = json.loads(result.read_text())
        timed_out = [e for e in outcome["errors"] if e.startswith("TimeLimitExceeded")]
        raised = len(outcome["errors"]) - len(timed_out)
        status = "graded"
        if raised:
            status += f"; {raised} cell{'s' if raised > 1 else ''} raised an error"
        if timed_out:
            status += f"; stopped at the time limit ({limit:g} s of processor time)"
        return outcome, status


def feedback(name: str, points: dict, outcome: dict | None, status: str) -> str:
    lines = [f"# Feedback on {name}", "", f"Status: {status}.", ""]
    got = outcome["questions"] if outcome else {}
    for label, info in points.items():
        title = f"## {info['title']} (`{label}`)"
        if info["manual"]:
            lines += [title, "", f"Graded by your instructor ({info['points']:g} points).", ""]
            continue
        result = got.get(label)
        score = result["score"] if result else 0
        lines += [title, "", f"Score: {score:g} of {info['points']:g}.", ""]
        if result is None:
            lines += ["Not graded: the check for this question did not run.", ""]
            continue
        hidden = [c for c in result["cases"] if c["hidden"]]
        lines.append(f"Hidden tests passed: {sum(c['passed'] for c in hidden)} of {len(hidden)}.")
        for case in result["cases"]:
            if not case["hidden"] and not case["passed"]:
                lines += ["", f"Self-check: {case['message']}"]
        lines.append("")
    if outcome and outcome["errors"]:
        lines += ["## Errors while running your notebook", ""]
        counts = {error: outcome["errors"].count(error) for error in outcome["errors"]}
        lines += [f"- {e}" + (f" ({n} cells)" if n > 1 else "") for e, n in counts.items()]
        lines.append("")
    return "\n".join(lines)


def chapter_of(notebooks: list) -> str | None:
    found = [nb.metadata.get(METADATA_KEY, {}).get("chapter") for nb in notebooks if nb]
    found = [c for c in found if c]
    return max(set(found), key=found.count) if found else None


def grade_folder(
    submissions: Path,
    out: Path,
    *,
    chapter: str | None = None,
    assignments: Path = ROOT / "_build" / "assignments",
    limit: float = 60,
    jobs: int = 2,
) -> Path:
    """Grade every file of ``submissions``; write ``out/scores.csv`` and ``out/feedback/``."""
    files = sorted(p for p in Path(submissions).iterdir() if p.is_file())
    read = {p: read_submission(p) for p in files}
    chapter = chapter or chapter_of([nb for nb, _ in read.values()])
    if chapter is None:
        raise SystemExit(
            "no submission says which assignment it is (notebook metadata): pass --chapter NAME "
            "(make grade CHAPTER=NAME)"
        )
    instructor = Path(assignments) / chapter / "instructor"
    autograder = instructor / f"{chapter}-autograder.zip"
    if not autograder.exists():
        raise SystemExit(f"{autograder} is missing: run `make assignments` first")
    points = json.loads((instructor / "points.json").read_text())

    def one(path: Path):
        notebook, reason = read[path]
        if notebook is None:
            return None, reason
        return run_child(path, autograder, limit)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = dict(zip(files, pool.map(one, files)))

    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    columns = [f"{label} (manual)" if p["manual"] else label for label, p in points.items()]
    possible = sum(p["points"] for p in points.values() if not p["manual"])
    with open(out / "scores.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["submission", *columns, "total", "possible", "status"])
        for path, (outcome, status) in outcomes.items():
            got = outcome["questions"] if outcome else {}
            row = []
            for label, p in points.items():
                row.append("" if p["manual"] else f"{got.get(label, {}).get('score', 0):g}")
            total = sum(float(v) for v in row if v)
            writer.writerow([path.name, *row, f"{total:g}", f"{possible:g}", status])
            text = feedback(path.name, points, outcome, status)
            (out / "feedback" / f"{path.stem}.md").write_text(text, encoding="utf-8")
    return out / "scores.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", nargs="?", type=Path)
    parser.add_argument("--chapter", help="the assignment (default: read from the notebooks)")
    parser.add_argument("--assignments", type=Path, default=ROOT / "_build" / "assignments")
    parser.add_argument("--out", type=Path, help="default: _build/grades/<submissions folder>")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60,
        help=f"seconds of processor time per notebook ({CLOCK_FACTOR}x that on the clock)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks graded at once")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--autograder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # the child process
        outcome = grade_one(args.one, args.autograder, args.time_limit)
        args.result.write_text(json.dumps(outcome), encoding="utf-8")
        return 0
    if args.submissions is None or not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS must be a folder of notebooks, but got {args.submissions}")
    out = args.out or ROOT / "_build" / "grades" / args.submissions.resolve().name
    start = time.monotonic()
    scores = grade_folder(
        args.submissions,
        out,
        chapter=args.chapter,
        assignments=args.assignments,
        limit=args.time_limit,
        jobs=args.jobs,
    )
    print(f"Graded {args.submissions} in {time.monotonic() - start:.1f} s -> {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

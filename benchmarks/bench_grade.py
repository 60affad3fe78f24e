"""How long `make grade` takes for a class: 30 copies of one submission.

Builds the assignment of one chapter (default: cross-correlation) into a temporary folder, copies
its solutions notebook 30 times as the submissions, and times ``make grade`` on them (wall clock,
with the Makefile's default ``JOBS`` unless ``--jobs`` is given). Every copy must get full marks.

Run: ``.venv/bin/python benchmarks/bench_grade.py [--chapter NAME] [--copies 30] [--jobs 2]``.
Prints the total wall time and the time per notebook.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts import assignments, exercises

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapter", default="cross-correlation")
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None, help="default: the Makefile's JOBS")
    args = parser.parse_args(argv)
    chapter = next(c for c in exercises.book_chapters() if c.name == args.chapter)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "assignments"
        files = assignments.build(chapter, out)
        submissions = Path(tmp) / "submitted"
        submissions.mkdir()
        for i in range(1, args.copies + 1):
            shutil.copy(files["solutions"], submissions / f"student-{i:02d}.ipynb")
        command = ["make", "-s", "grade", f"SUBMISSIONS={submissions}", f"OUT={tmp}/grades"]
        if args.jobs:
            command.append(f"JOBS={args.jobs}")
        # grade.py reads the assignments from _build/assignments; point it at ours instead
        env = {**os.environ, "ASSIGNMENTS": str(out)}
        start = time.monotonic()
        subprocess.run(command, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        with open(Path(tmp) / "grades" / "scores.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    full = [r for r in rows if r["total"] == r["possible"]]
    print(
        f"make grade, {args.copies} copies of the {args.chapter} solutions: {wall:.1f} s wall, "
        f"{wall / args.copies:.1f} s per notebook; {len(full)}/{len(rows)} got full marks"
    )
    return 0 if len(full) == len(rows) == args.copies else 1


if __name__ == "__main__":
    sys.exit(main())

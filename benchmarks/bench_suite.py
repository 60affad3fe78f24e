"""Where `make test`'s time goes: processor seconds and wall seconds per test file and per part.

Runs the pytest part of ``make test`` (every test; run ``make test`` once first so the builds it
reads are there) in one process, one test at a time, so that each test's cost can be told apart,
and records for each test the machine's busy processor time (``/proc/stat``: the test, its
browsers, kernels and servers; run it on an otherwise idle machine) and its wall time. Prints the
cost per file and per part of the suite, and what that means on this machine: the suite's tests
need at least ``total / cores`` seconds of wall time however they are spread over workers.

Run: ``.venv/bin/python benchmarks/bench_suite.py [pytest arguments]`` (default: the whole suite),
e.g. ``benchmarks/bench_suite.py tests/browser`` for the browser tests only. Exits with pytest's
status.
"""

from __future__ import annotations

import collections
import os
import sys
import time

import pytest

# Parts of the suite, by path prefix (first match wins).
PARTS = [
    ("reader audit, 3 editions (issues 16, 17)", "tests/browser/test_reader.py"),
    ("JupyterLab, every chapter (Binder)", "tests/browser/test_lab.py"),
    ("Thebe, every live cell", "tests/browser/test_thebe.py"),
    ("players and explorer in the book", "tests/browser/test_"),
    ("chapters under nbval", "book/"),
    ("wheel in a clean environment", "tests/test_wheel.py"),
    ("autograding", "tests/test_assignments.py"),
    ("builds made by tests (fixtures)", "tests/test_build.py"),
    ("student edition", "tests/test_student_build.py"),
    ("translations", "tests/test_translations"),
    ("unit tests", "tests/unit/"),
    ("other", ""),
]


def busy_seconds() -> float:
    """Processor time spent by the whole machine so far, in seconds (user, nice, system, irq,
    softirq of every core)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


class Recorder:
    def __init__(self) -> None:
        self.files: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        cpu, wall = busy_seconds(), time.monotonic()
        yield
        cost = self.files[item.nodeid.split("::")[0]]
        cost[0] += busy_seconds() - cpu
        cost[1] += time.monotonic() - wall
        cost[2] += 1

    def pytest_terminal_summary(self, terminalreporter):
        write = terminalreporter.write_line
        parts: dict[str, list[float]] = {name: [0.0, 0.0, 0] for name, _ in PARTS}
        write("")
        write("processor s    wall s  tests  file")
        for path, (cpu, wall, n) in sorted(self.files.items(), key=lambda kv: -kv[1][0]):
            write(f"{cpu:11.1f} {wall:9.1f} {n:6d}  {path}")
            part = next(name for name, prefix in PARTS if path.startswith(prefix))
            for i, v in enumerate((cpu, wall, n)):
                parts[part][i] += v
        write("")
        write("processor s    wall s  tests  part")
        for name, (cpu, wall, n) in sorted(parts.items(), key=lambda kv: -kv[1][0]):
            if n:
                write(f"{cpu:11.1f} {wall:9.1f} {n:6d}  {name}")
        cpu = sum(c for c, _, _ in parts.values())
        wall = sum(w for _, w, _ in parts.values())
        cores = os.cpu_count() or 1
        write(f"{cpu:11.1f} {wall:9.1f}         in all, one test at a time")
        write(
            f"On {cores} cores the tests need at least {cpu / cores:.0f} s of wall time "
            f"({cpu:.0f} processor s / {cores}), however they are spread over workers."
        )


def main(argv: list[str]) -> int:
    return pytest.main(["-n", "0", "-q", *argv], plugins=[Recorder()])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

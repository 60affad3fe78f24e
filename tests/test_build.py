"""The test command's guarantees, shown on a throwaway mini-book.

- a failing cell fails the strict book build (the same flags `make test` uses);
- a failing cell fails nbval, through the same `.md` collector (`conftest.py`) the real run uses;
- an unchanged rebuild re-executes nothing: notebooks come from the execution cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def strict_flags() -> list[str]:
    """The strict flags of `make test`, read from the Makefile so the two cannot drift apart."""
    match = re.search(r"^STRICT\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "Makefile must define STRICT := <jupyter-book strict flags>"
    flags = match.group(1).split()
    assert {"--warningiserror", "--nitpick"} <= set(flags)
    return flags


def chapter(title: str, code: str) -> str:
    return f"{FRONT_MATTER}# {title}\n\nSome prose.\n\n```{{code-cell}} ipython3\n{code}\n```\n"


def make_book(path: Path, pages: dict[str, str]) -> Path:
    """A mini-book with the real `_config.yml` and conftest, and the given pages (first is root)."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "_config.yml", path / "_config.yml")
    shutil.copy(ROOT / "conftest.py", path / "conftest.py")
    (path / "scripts").mkdir()
    for script in ("exercises.py", "course_pages.py", "course.css"):
        shutil.copy(ROOT / "scripts" / script, path / "scripts" / script)
    (path / "pytest.ini").write_text(
        "[pytest]\naddopts = --nbval-current-env -p no:cacheprovider -p no:xdist\n"
    )
    names = list(pages)
    toc = f"format: jb-book\nroot: {names[0]}\n"
    if names[1:]:
        toc += "chapters:\n" + "".join(f"  - file: {name}\n" for name in names[1:])
    (path / "_toc.yml").write_text(toc)
    for name, text in pages.items():
        (path / f"{name}.md").write_text(text)
    return path


def build(book: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(book), *strict_flags(), *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_nbval(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(book)],
        cwd=book,
        capture_output=True,
        text=True,
        timeout=600,
    )


GOOD = chapter("Good", "x = 1 + 1\nassert x == 2")
BAD = chapter("Bad", 'raise RuntimeError("deliberately broken cell")')


@pytest.fixture
def broken_book(tmp_path):
    return make_book(tmp_path / "broken", {"good": GOOD, "bad": BAD})


def test_broken_cell_fails_the_strict_build(broken_book):
    result = build(broken_book)
    assert result.returncode != 0
    assert "deliberately broken cell" in result.stdout + result.stderr


def test_broken_cell_fails_nbval(broken_book):
    result = run_nbval(broken_book)
    assert result.returncode != 0, result.stdout
    assert "deliberately broken cell" in result.stdout
    assert "1 failed, 1 passed" in result.stdout  # bad.md's cell fails, good.md's passes


def test_unchanged_rebuild_executes_nothing(tmp_path):
    book = make_book(tmp_path / "good", {"good": GOOD})
    first = build(book)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "good.md: Executing notebook" in first.stdout
    # --all rereads every page from scratch: only the execution cache can avoid re-running it.
    second = build(book, "--all")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Executing notebook" not in second.stdout
    assert "good.md: Using cached notebook" in second.stdout


def test_summary_pages_are_reread_when_a_chapter_changes(tmp_path):
    book = make_book(tmp_path / "summary", {"summary": "# Summary\n", "chapter": GOOD})
    config = yaml.safe_load((book / "_config.yml").read_text())
    config["sphinx"]["config"]["course_summary_pages"] = ["summary"]
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    assert build(book).returncode == 0
    (book / "chapter.md").write_text(GOOD.replace("Some prose.", "Edited prose."))
    rebuilt = build(book)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    reading = [line for line in rebuilt.stdout.splitlines() if "reading sources" in line]
    assert any("summary" in line for line in reading), reading


def test_each_script_is_included_once_and_no_widget_state(tmp_path):
    """sphinx-thebe registers its setup script twice; the course extension drops the copy (a
    second `const THEBE_JS_URL` is a JavaScript error on every page). It also drops the widget
    state a live explorer leaves behind, which no script on a static page reads."""
    widget = chapter("Widget", "import ipywidgets\nipywidgets.IntSlider(value=3)")
    book = make_book(tmp_path / "scripts", {"good": widget})
    assert build(book).returncode == 0
    executed = (book / "_build" / "jupyter_execute" / "good.ipynb").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in executed  # there was state to drop
    page = (book / "_build" / "html" / "good.html").read_text(encoding="utf-8")
    assert "widget-state+json" not in page
    assert page.count("const THEBE_JS_URL") == 1
    scripts = re.findall(r"<script[^>]*>.*?</script>", page, re.DOTALL)
    assert len(scripts) == len(set(scripts))

"""The book's table of contents, its sources and what nbval executes agree with each other."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path

import yaml

from scripts.exercises import is_notebook, toc_documents

ROOT = Path(__file__).resolve().parents[1]
TOC = toc_documents(ROOT / "_toc.yml")
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def relative(paths) -> set[str]:
    return {p.resolve().relative_to(ROOT).as_posix() for p in paths}


def test_every_toc_entry_exists():
    missing = [p for p in TOC if not p.exists()]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_page_in_book_is_in_the_toc_or_excluded_on_purpose():
    excluded = CONFIG.get("exclude_patterns", [])
    pages = [
        p
        for p in (ROOT / "book").rglob("*.md")
        if not any(fnmatch.fnmatch(p.relative_to(ROOT).as_posix(), pat) for pat in excluded)
    ]
    orphans = relative(pages) - relative(TOC)
    assert not orphans, f"pages in book/ neither in _toc.yml nor in exclude_patterns: {orphans}"


def test_no_ipynb_is_committed_under_book():
    tracked = subprocess.run(
        ["git", "ls-files", "book"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [f for f in tracked if f.endswith(".ipynb")]


def test_pages_without_a_kernel_have_no_code_cells():
    for page in TOC:
        if not is_notebook(page.read_text(encoding="utf-8")):
            assert "{code-cell}" not in page.read_text(encoding="utf-8"), (
                f"{page.name} has code cells but no jupytext kernelspec front matter, "
                "so neither the build nor nbval would run them"
            )


def test_nbval_collects_every_chapter_in_the_toc():
    """Ask pytest itself what it collects, so a broken collector cannot hide a chapter."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "book"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::Cell " in line}
    chapters = relative(p for p in TOC if is_notebook(p.read_text(encoding="utf-8")))
    assert chapters, "no chapter in _toc.yml is a MyST notebook"
    assert collected == chapters, (
        f"executed by nbval but not in the toc: {collected - chapters}; "
        f"in the toc but not executed: {chapters - collected}"
    )

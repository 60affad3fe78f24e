"""The test command's guarantees, shown on a throwaway mini-book.

- a failing cell fails the strict book build (the same flags `make test` uses);
- a failing cell fails nbval, through the same `.md` collector (`conftest.py`) the real run uses;
- a restored execution cache (CI's) re-executes nothing: notebooks come from the cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts import cache_key

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
    """A mini-book with the real `_config.yml` and conftest, and the given pages (first is root).
    Its Sphinx extension and conftest import the installed `scripts` package, as the book does."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "_config.yml", path / "_config.yml")
    shutil.copy(ROOT / "conftest.py", path / "conftest.py")
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


WIDGET = chapter("Widget", "import ipywidgets\nipywidgets.IntSlider(value=3)")


@pytest.fixture(scope="module")
def good_book(tmp_path_factory):
    """One built mini-book shared by the tests below (each build costs ~10 s): a chapter, a page
    with a live widget, and a summary page (`course_summary_pages`). Built as `make test` does:
    scripts/cache_key.py --refresh, then the strict build. Returns (book, build result)."""
    book = make_book(tmp_path_factory.mktemp("good") / "book", GOOD_PAGES)
    summarise(book)
    assert not cache_key.refresh(book / "_build", cache_key.cache_key())  # nothing kept yet
    result = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    return book, result


@pytest.fixture(scope="module")
def restored_book(good_book, tmp_path_factory):
    """What CI does (.github/workflows/test.yml): a fresh checkout of the same book, with the
    `_build/.jupyter_cache` and `_build/.cache-key` of the earlier run restored, then `make test`.
    Returns (book, build result)."""
    first, _ = good_book
    fresh = make_book(tmp_path_factory.mktemp("fresh") / "book", GOOD_PAGES)  # no _build at all
    summarise(fresh)
    shutil.copytree(first / "_build" / ".jupyter_cache", fresh / "_build" / ".jupyter_cache")
    shutil.copy(first / "_build" / cache_key.KEY_FILE, fresh / "_build" / cache_key.KEY_FILE)
    assert cache_key.refresh(fresh / "_build", cache_key.cache_key())  # the key matches: kept
    result = build(fresh)
    assert result.returncode == 0, result.stdout + result.stderr
    return fresh, result


GOOD_PAGES = {"summary": "# Summary\n", "good": GOOD, "widget": WIDGET}


def summarise(book: Path) -> None:
    config = yaml.safe_load((book / "_config.yml").read_text())
    config["sphinx"]["config"]["course_summary_pages"] = ["summary"]
    (book / "_config.yml").write_text(yaml.safe_dump(config))


def test_a_restored_cache_executes_nothing(good_book, restored_book, tmp_path):
    """An unchanged book in a fresh checkout with CI's restored cache executes no notebook."""
    assert "good.md: Executing notebook" in good_book[1].stdout
    rebuilt = restored_book[1].stdout
    assert rebuilt.count("Executing notebook") == 0, rebuilt
    assert "good.md: Using cached notebook" in rebuilt
    assert "widget.md: Using cached notebook" in rebuilt
    # a stale key (helpers or pins changed) drops the cache and Sphinx's saved pages
    stale = tmp_path / "_build"
    shutil.copytree(good_book[0] / "_build", stale)
    assert not cache_key.refresh(stale, "another-key")
    assert not (stale / ".jupyter_cache").exists() and not (stale / ".doctrees").exists()
    assert (stale / cache_key.KEY_FILE).read_text().strip() == "another-key"


def test_summary_pages_are_reread_when_a_chapter_changes(restored_book):
    book, _ = restored_book  # (its build result was kept before this edit)
    (book / "good.md").write_text(GOOD.replace("Some prose.", "Edited prose."))
    rebuilt = build(book)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    reading = [line for line in rebuilt.stdout.splitlines() if "reading sources" in line]
    assert any("good" in line for line in reading), reading
    assert any("summary" in line for line in reading), reading
    assert not any("widget" in line for line in reading), reading  # incremental: not everything


def test_each_script_is_included_once_and_no_widget_state(good_book):
    """sphinx-thebe registers its setup script twice; the course extension drops the copy (a
    second `const THEBE_JS_URL` is a JavaScript error on every page). It also drops the widget
    state a live explorer leaves behind, which no script on a static page reads."""
    book, _ = good_book
    executed = (book / "_build" / "jupyter_execute" / "widget.ipynb").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in executed  # there was state to drop
    page = (book / "_build" / "html" / "widget.html").read_text(encoding="utf-8")
    assert "widget-state+json" not in page
    assert page.count("const THEBE_JS_URL") == 1
    scripts = re.findall(r"<script[^>]*>.*?</script>", page, re.DOTALL)
    assert len(scripts) == len(set(scripts))


def test_a_warning_fails_every_strict_build_until_it_is_fixed(tmp_path):
    """Sphinx reads again only the pages that changed, so a second build would not repeat an
    unchanged page's warning: `make test` keeps the saved pages only after a strict build that
    passed (scripts/cache_key.py --refresh --strict / --passed)."""
    page = "# Intro\n\nSee {ref}`a-label-that-does-not-exist`.\n"
    book = make_book(tmp_path / "warned", {"intro": page})
    out = book / "_build"

    def strict_build() -> subprocess.CompletedProcess:
        cache_key.refresh(out, cache_key.cache_key(), cache_key.build_key())
        result = build(book)
        if result.returncode == 0:
            cache_key.mark_passed(out, cache_key.build_key())
        return result

    for _ in range(2):  # the unchanged page's warning fails the second build too
        result = strict_build()
        assert result.returncode != 0
        assert "a-label-that-does-not-exist" in result.stdout + result.stderr
    assert build(book).returncode == 0, "without the refresh, Sphinx's saved pages hide it"
    (book / "intro.md").write_text("# Intro\n\nFixed.\n")
    assert strict_build().returncode == 0
    environment = out / ".doctrees" / "environment.pickle"
    assert environment.exists()
    cache_key.refresh(out, cache_key.cache_key(), cache_key.build_key())
    assert environment.exists(), "a passed strict build keeps its saved pages"

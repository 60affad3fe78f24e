"""Collect the book's chapters for nbval, straight from their MyST Markdown sources.

nbval only collects ``*.ipynb``. Chapters are jupytext ``.md`` notebooks with no stored outputs, so
this hook hands nbval every chapter listed in ``_toc.yml``, read in memory with ``jupytext`` (no
converted copies on disk), and runs it in lax mode: a cell passes when it runs without error, and a
chapter's correctness comes from its own ``assert`` cells.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbval.plugin
import pytest
from nbval.plugin import IPyNbFile

from scripts.exercises import is_notebook, toc_documents

ROOT = Path(__file__).resolve().parent


class MystNotebook(IPyNbFile):
    """nbval's notebook collector, reading a jupytext MyST ``.md`` file instead of an ``.ipynb``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # .md notebooks store no outputs: run, don't compare

    def collect(self):
        # IPyNbFile.collect() reads self.path with nbformat: hand it jupytext's conversion instead.
        # pytest consumes collect() in one go, so the patch holds only while this file collects.
        notebook = jupytext.read(self.path)
        real_read = nbval.plugin.nbformat.read
        nbval.plugin.nbformat.read = lambda *args, **kwargs: notebook
        try:
            yield from super().collect()
        finally:
            nbval.plugin.nbformat.read = real_read


_CHAPTERS = pytest.StashKey[frozenset]()


def chapter_paths(config) -> frozenset:
    """The MyST notebooks listed in the ``_toc.yml`` at pytest's rootdir (read once per run)."""
    if _CHAPTERS not in config.stash:
        toc = Path(config.rootpath) / "_toc.yml"
        listed = toc_documents(toc) if toc.exists() else []
        config.stash[_CHAPTERS] = frozenset(
            p.resolve() for p in listed if p.exists() and is_notebook(p.read_text(encoding="utf-8"))
        )
    return config.stash[_CHAPTERS]


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix != ".md" or parent.config.getoption("--no-chapters"):
        return None
    if file_path.resolve() in chapter_paths(parent.config):
        return MystNotebook.from_parent(parent, path=file_path)
    return None


def pytest_addoption(parser):
    parser.addoption(
        "--no-chapters",
        action="store_true",
        help="do not execute the book's chapters with nbval (unit tests only)",
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT

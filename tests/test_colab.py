"""Colab opens each chapter's exported student notebook; Binder stays the first launch entry.

Colab reads notebooks only from GitHub paths, so the Pages deploy pushes the exported notebooks to
the ``notebooks`` branch (and serves them with the site); ``scripts/course_pages.py`` adds the
Colab entry to the launch menu of every chapter the export writes. Shown on the built book
(``make test`` builds ``_build/html`` before pytest) and on the deploy workflow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from scripts import course_pages, exercises

ROOT = Path(__file__).resolve().parents[1]

HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"]


@pytest.mark.parametrize(
    "repository, url",
    [
        (
            "https://github.com/sliding-windows/conv2d-course",
            "https://colab.research.google.com/github/sliding-windows/conv2d-course/blob/"
            "notebooks/student/pooling.ipynb",
        ),
        (
            "https://github.com/o/r/",
            "https://colab.research.google.com/github/o/r/blob/notebooks/student/pooling.ipynb",
        ),
        ("https://gitlab.com/o/r", None),
        ("", None),
    ],
)
def test_colab_url(repository, url):
    assert course_pages.colab_url(repository, "pooling") == url


def launch_links(page: Path) -> list[tuple[str, str]]:
    """(text, href) of each entry of a page's launch menu, in order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = []
    for a in soup.select("a[href]"):
        if a["href"].startswith(("https://mybinder.org/", "https://colab.research.google.com/")):
            links.append((a.get_text(strip=True), a["href"]))
    return links


def test_each_exported_chapter_opens_in_colab_after_binder():
    if not (HTML / "index.html").exists():
        pytest.fail("build the book first (make book); make test builds it before pytest")
    exported = {c.name for c in exercises.book_chapters(ROOT / "_toc.yml")}
    assert exported
    for path in exercises.toc_documents(ROOT / "_toc.yml"):
        page = HTML / path.relative_to(ROOT).with_suffix(".html")
        links = launch_links(page)
        colab = [href for text, href in links if "colab" in href]
        if path.stem in exported:
            assert [text for text, _ in links] == ["Binder", "Colab"], (path.stem, links)
            assert colab == [course_pages.colab_url(REPOSITORY, path.stem)]
        else:
            assert not colab, f"{path.stem} has no exported notebook but links Colab: {colab}"


def test_the_deploy_pushes_the_notebooks_where_colab_looks():
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    build = deploy["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in build]
    export = next(i for i, run in enumerate(runs) if "scripts.export_notebooks" in run)
    assert '--ref "$GITHUB_SHA"' in runs[export]  # published notebooks install this commit
    assert "_build/html/notebooks" in runs[export]  # and are served with the site
    uploads = [i for i, s in enumerate(build) if "upload-pages-artifact" in s.get("uses", "")]
    assert uploads and export < uploads[0]
    job = deploy["jobs"]["notebooks"]
    assert job["needs"] == "build" and job["permissions"] == {"contents": "write"}
    push = job["steps"][-1]["run"]
    branch = course_pages.NOTEBOOKS_BRANCH
    assert f"git init -q -b {branch}" in push and f"{branch}:{branch}" in push
    assert "--force" in push  # one commit: no history of generated files

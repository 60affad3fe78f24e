"""The student build: the same book with every solution removed, not hidden.

This file is two things:

1. A Sphinx extension. At ``source-read`` (before MyST-NB turns the page into a notebook) it cuts
   every solution out of the page's text: ``{solution}`` blocks and everything from a
   ``{solution-start}`` fence to its ``{solution-end}`` fence, code cells included. So solution
   code is never executed, rendered, indexed for search, or written to the executed notebook. It
   also stops Sphinx from copying the original sources (``html_copy_source = False``), drops the
   page's source-download button that would then point nowhere, and fails the build if a solution
   node survives anyway (e.g. one nested inside another directive).

2. The command that builds that book::

       python -m scripts.student_build                  # -> _build/student/html
       python -m scripts.student_build --strict         # warnings are errors, as in `make test`
       python -m scripts.student_build --binder-branch student   # keep launch buttons (see below)

   It writes a merged configuration, ``_build/student/_config.student.yml`` (``_config.yml`` plus
   the extension, no copied sources, and its own execution cache so student and instructor
   executions never mix), builds with Jupyter Book's Sphinx runner into ``_build/student/html``,
   and then checks the output: it exits with an error if any solution remains.

   Launch buttons (Binder, Thebe) open the repository's own sources, which contain the solutions,
   so the student book has none, and no repository or issue buttons either, unless
   ``--binder-branch BRANCH`` names a branch whose chapters have been stripped (see the
   "For instructors" page).

``--instructor`` builds the ordinary book with the same runner (used by the tests, to compare the
two versions; it reuses the instructor execution cache ``_build/.jupyter_cache``).
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import sys
from pathlib import Path

import yaml

from scripts.exercises import book_chapters, book_solution_lines, strip_solutions

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = "scripts.student_build"  # the Sphinx extension: this module, from the installed package
# A solution in built HTML: sphinx-exercise renders each one as an element of class "solution".
SOLUTION_HTML = re.compile(r"""class=["'](?:[^"']*\s)?solution[\s"']""")


# --------------------------------------------------------------------------------------------
# The Sphinx extension


# Edition-specific text in a page's source. Both markers are HTML comments, so a notebook and the
# instructor book show the instructor text and hide the student text:
#   <!-- instructor-edition -->
#   Text only the instructor edition has (it mentions solutions, downloads, the launch button).
#   <!-- /instructor-edition -->
#   <!-- student-edition
#   Text only the student edition has.
#   -->
INSTRUCTOR_ONLY = re.compile(
    r"^<!-- instructor-edition -->\n.*?^<!-- /instructor-edition -->$", re.MULTILINE | re.DOTALL
)
STUDENT_ONLY = re.compile(r"^<!-- student-edition\n(.*?)^-->$", re.MULTILINE | re.DOTALL)
# Sentences about the launch (rocket) button, which the student edition does not have, as the
# student edition words them (patterns match across the source's line breaks).
STUDENT_WORDING = [
    (re.compile(r"the\s+rocket\s+icon\s+at\s+the\s+top"), "the link your instructor gives"),
    (
        re.compile(r"Each\s+chapter's\s+launch\s+menu\s+\(the\s+rocket\)\s+also\s+opens"),
        "In the instructor edition, each chapter's launch menu also opens",
    ),
    (
        re.compile(r"The\s+rocket\s+button\s+of\s+this\s+book\s+opens"),
        "The launch button of the instructor edition opens",
    ),
]


def _same_lines(replacement: str, matched: str) -> str:
    """``replacement`` with as many of its spaces turned into line breaks (the last ones) as
    ``matched`` has, so that the page keeps its line numbers."""
    breaks = matched.count("\n")
    words = replacement.rsplit(" ", breaks)
    if len(words) <= breaks:  # not enough spaces: keep the lines at the end
        return replacement + "\n" * breaks
    return " ".join(words[:1]) + "".join("\n" + w for w in words[1:])


def student_text(text: str) -> str:
    """A page's source as the student edition shows it (line numbers kept): instructor-only
    passages become blank lines, student-only comments become text, and sentences about buttons
    the student edition lacks are reworded."""
    text = INSTRUCTOR_ONLY.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = STUDENT_ONLY.sub(lambda m: "\n" + m.group(1), text)
    for pattern, replacement in STUDENT_WORDING:
        text = pattern.sub(lambda m, r=replacement: _same_lines(r, m.group(0)), text)
    return text


def _strip_source(app, docname, source):
    source[0] = strip_solutions(student_text(source[0]), keep_lines=True)


def _strip_include(app, relative_path, parent_docname, content):
    content[0] = strip_solutions(student_text(content[0]), keep_lines=True)


def _no_copied_sources(app, config):
    config.html_copy_source = False
    config.html_show_sourcelink = False


def _refuse_surviving_solutions(app, doctree):
    from sphinx.errors import ExtensionError
    from sphinx_exercise.nodes import solution_node

    for node in doctree.findall(solution_node):
        raise ExtensionError(
            f"a solution survived the student build in {app.env.docname} (line {node.line}): "
            "solutions must be top-level blocks, not nested inside another directive"
        )


def _drop_source_download(app, pagename, templatename, context, doctree):
    """Without copied sources the theme's ".md" download button would link to nothing."""
    if context.get("sourcename"):
        return

    def keep(buttons):
        kept = []
        for button in buttons:
            if button.get("label") == "download-source-button":
                continue
            if isinstance(button.get("buttons"), list):
                button = {**button, "buttons": keep(button["buttons"])}
            kept.append(button)
        return kept

    if "header_buttons" in context:
        context["header_buttons"] = keep(context["header_buttons"])


def setup(app):
    app.connect("config-inited", _no_copied_sources)
    app.connect("source-read", _strip_source)
    app.connect("include-read", _strip_include)
    app.connect("doctree-read", _refuse_surviving_solutions)
    app.connect("html-page-context", _drop_source_download, priority=900)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True}


# --------------------------------------------------------------------------------------------
# The build


def student_config(config: dict, *, cache: Path, binder_branch: str | None = None) -> dict:
    """The book's Jupyter Book configuration, turned into the student build's."""
    config = copy.deepcopy(config)
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.setdefault("extra_extensions", [])
    if EXTENSION not in extensions:
        extensions.append(EXTENSION)
    sphinx.setdefault("config", {}).update(html_copy_source=False, html_show_sourcelink=False)
    config.setdefault("execute", {})["cache"] = str(Path(cache).resolve())
    buttons = config.setdefault("html", {})
    if binder_branch:
        config.setdefault("repository", {})["branch"] = binder_branch
    else:
        buttons.update(
            use_repository_button=False, use_issues_button=False, use_edit_page_button=False
        )
        config["launch_buttons"] = {"binderhub_url": "", "jupyterhub_url": "", "thebe": False}
    return config


def instructor_config(config: dict, *, cache: Path) -> dict:
    config = copy.deepcopy(config)
    config.setdefault("execute", {})["cache"] = str(Path(cache).resolve())
    return config


def leaks(html_dir: Path, toc: Path | None = None) -> list[str]:
    """Where solutions show up in a built student book: copied sources, solution elements, and
    (given the toc) any line that only a chapter's solutions contain, in a page or notebook."""
    html_dir = Path(html_dir)
    found = [f"copied source: {p}" for p in (html_dir / "_sources").rglob("*") if p.is_file()]
    chapters = book_chapters(toc) if toc else []
    probes = [line for lines in book_solution_lines(chapters).values() for line in lines]
    for path in [*html_dir.rglob("*.html"), *html_dir.rglob("*.ipynb")]:
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html" and SOLUTION_HTML.search(raw):
            found.append(f"solution element in {path}")
        if "solution-start" in raw:
            found.append(f"solution marker in {path}")
        text = html.unescape(re.sub(r"<[^>]+>", "", raw)) if path.suffix == ".html" else raw
        found += [f"solution line in {path}: {line}" for line in probes if line in text]
    return found


def build(
    *,
    source: Path = ROOT,
    config: Path | None = None,
    toc: Path | None = None,
    out: Path | None = None,
    cache: Path | None = None,
    instructor: bool = False,
    strict: bool = False,
    fresh: bool = False,
    binder_branch: str | None = None,
    language: str | None = None,
    overrides: dict | None = None,
) -> Path:
    """Build the student (or instructor) book and return its HTML directory.

    ``language`` (e.g. ``"zh_CN"``) builds that edition from the gettext catalogues in
    ``locales/`` (see :mod:`scripts.editions`); the default is the sources' English.
    ``overrides``: more Sphinx settings."""
    from jupyter_book.sphinx import build_sphinx

    source = Path(source).resolve()
    config = Path(config or source / "_config.yml").resolve()
    toc = Path(toc or source / "_toc.yml").resolve()
    out = Path(out or ROOT / "_build" / ("instructor" if instructor else "student")).resolve()
    default_cache = ROOT / "_build" / ".jupyter_cache" if instructor else out / ".jupyter_cache"
    cache = Path(cache or default_cache)
    out.mkdir(parents=True, exist_ok=True)

    user = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    if instructor:
        merged = instructor_config(user, cache=cache)
    else:
        merged = student_config(user, cache=cache, binder_branch=binder_branch)
    merged_path = out / ("_config.instructor.yml" if instructor else "_config.student.yml")
    merged_path.write_text(
        "# Generated by scripts/student_build.py from "
        f"{config.name}; edit that file, not this one.\n" + yaml.safe_dump(merged, sort_keys=False),
        encoding="utf-8",
    )

    overrides = {
        "external_toc_path": toc.relative_to(source).as_posix(),
        "latex_individualpages": False,
        **(overrides or {}),
    }
    if strict:
        overrides["nitpicky"] = True
    if language:
        overrides["language"] = language
    html_dir = out / "html"
    result = build_sphinx(
        source,
        html_dir,
        noconfig=True,
        path_config=str(merged_path),
        confoverrides=overrides,
        warningiserror=strict,
        keep_going=strict,
        freshenv=fresh,
        doctreedir=out / ".doctrees",
    )
    if isinstance(result, BaseException):
        raise SystemExit(f"The {'instructor' if instructor else 'student'} build failed: {result}")
    if result:
        raise SystemExit(f"The build failed (exit code {result}); see the messages above.")
    if not instructor and (found := leaks(html_dir, toc)):
        raise SystemExit("Solutions leaked into the student build:\n  " + "\n  ".join(found))
    return html_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="book folder (default: repo)")
    parser.add_argument("--config", type=Path, help="default: SOURCE/_config.yml")
    parser.add_argument("--toc", type=Path, help="default: SOURCE/_toc.yml")
    parser.add_argument("--out", type=Path, help="default: _build/student")
    parser.add_argument("--cache", type=Path, help="execution cache (default: OUT/.jupyter_cache)")
    parser.add_argument("--strict", action="store_true", help="warnings are errors (nitpicky)")
    parser.add_argument("--all", action="store_true", help="re-read every page (fresh env)")
    parser.add_argument("--binder-branch", help="keep launch buttons, pointing at this branch")
    parser.add_argument("--instructor", action="store_true", help="build with solutions")
    args = parser.parse_args(argv)
    html_dir = build(
        source=args.source,
        config=args.config,
        toc=args.toc,
        out=args.out,
        cache=args.cache,
        instructor=args.instructor,
        strict=args.strict,
        fresh=args.all,
        binder_branch=args.binder_branch,
    )
    kind = "Instructor" if args.instructor else "Student"
    print(f"{kind} book: {html_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

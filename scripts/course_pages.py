"""Sphinx extension for the course book.

Summary pages follow chapter edits. The instructors' exercise table and the glossary are
generated from the chapters' sources when they execute. Sphinx re-reads only the documents whose
own source changed, so after editing a chapter an incremental build would keep a stale table;
this marks the summary pages outdated whenever any other document is re-read.

Each script is included once: sphinx-thebe registers its inline setup script twice, and the
second copy fails with "Identifier 'THEBE_JS_URL' has already been declared" on every page.

Chapters with exercises get an "Open in Colab" entry in the launch menu, after Binder (which stays
the default): Colab cannot open the ``.md`` chapters, so it opens the chapter's exported student
notebook, which the Pages deploy (``.github/workflows/deploy.yml``) pushes to the repository's
``notebooks`` branch (Colab opens notebooks from GitHub paths only):
``https://colab.research.google.com/github/OWNER/REPO/blob/notebooks/student/CHAPTER.ipynb``.

No widget state in the static pages: a live explorer cell leaves ~45 KB of ipywidgets state that
myst-nb embeds in the page, but with ``nb_ipywidgets_js`` empty no script ever reads it (widgets
need a kernel; the static book uses the JS players instead).
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.exercises import book_chapters

SUMMARY_PAGES = ["book/instructors", "book/glossary"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTEBOOKS_BRANCH = "notebooks"  # where the deploy pushes the exported notebooks
COLAB = "https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/student/{name}.ipynb"


def colab_url(repository_url: str, name: str, branch: str = NOTEBOOKS_BRANCH) -> str | None:
    """Colab's address of chapter ``name``'s student notebook, or None off GitHub."""
    match = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", repository_url or "")
    if not match:
        return None
    return COLAB.format(owner=match[1], repo=match[2], branch=branch, name=name)


def _exported_chapters(app):
    """Pagename -> chapter name, for every chapter the notebook export writes (it has exercises)."""
    toc = Path(app.srcdir) / app.config.external_toc_path
    app.env.course_exported = {
        chapter.path.resolve().relative_to(Path(app.srcdir).resolve()).with_suffix("").as_posix(): (
            chapter.name
        )
        for chapter in book_chapters(toc)
    }


def _colab_link(app, pagename, templatename, context, doctree):
    name = getattr(app.env, "course_exported", {}).get(pagename)
    url = name and colab_url(app.config.html_theme_options.get("repository_url", ""), name)
    launch = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not (url and launch):
        return
    buttons = launch[0]["buttons"]
    binder = [i for i, b in enumerate(buttons) if b.get("text") == "Binder"]
    colab = {
        "type": "link",
        "text": "Colab",
        "tooltip": "Open in Colab (the student notebook)",
        "icon": "_static/images/logo_colab.png",
        "url": url,
    }
    buttons.insert(binder[0] + 1 if binder else len(buttons), colab)


def _summaries_follow_chapters(app, env, added, changed, removed):
    if not (added or changed or removed):
        return []
    return [page for page in app.config.course_summary_pages if page in env.found_docs]


def _each_script_once(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        if attributes.get("type") == WIDGET_STATE and not app.config.nb_ipywidgets_js:
            continue
        # An inline script's filename is None or "" depending on who added it: compare bodies.
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _each_script_once)
    app.connect("builder-inited", _exported_chapters)
    app.connect("html-page-context", _colab_link, priority=502)  # after the theme's launch menu
    app.add_config_value("course_summary_pages", SUMMARY_PAGES, "env")
    app.connect("env-get-outdated", _summaries_follow_chapters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

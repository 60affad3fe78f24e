"""Sphinx extension for the course book.

Summary pages follow chapter edits. The instructors' exercise table and the glossary are
generated from the chapters' sources when they execute. Sphinx re-reads only the documents whose
own source changed, so after editing a chapter an incremental build would keep a stale table;
this marks the summary pages outdated whenever any other document is re-read.

Each script is included once: sphinx-thebe registers its inline setup script twice, and the
second copy fails with "Identifier 'THEBE_JS_URL' has already been declared" on every page.

No widget state in the static pages: a live explorer cell leaves ~45 KB of ipywidgets state that
myst-nb embeds in the page, but with ``nb_ipywidgets_js`` empty no script ever reads it (widgets
need a kernel; the static book uses the JS players instead).
"""

from __future__ import annotations

SUMMARY_PAGES = ["book/instructors", "book/glossary"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


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
    app.add_config_value("course_summary_pages", SUMMARY_PAGES, "env")
    app.connect("env-get-outdated", _summaries_follow_chapters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

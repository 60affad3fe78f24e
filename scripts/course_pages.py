"""Sphinx extension: pages that summarise the chapters are rebuilt whenever a chapter is.

The instructors' exercise table and the glossary are generated from the chapters' sources when
they execute. Sphinx re-reads only the documents whose own source changed, so after editing a
chapter an incremental build would keep a stale table; this marks the summary pages outdated
whenever any other document is re-read.
"""

from __future__ import annotations

SUMMARY_PAGES = ["book/instructors", "book/glossary"]


def _summaries_follow_chapters(app, env, added, changed, removed):
    if not (added or changed or removed):
        return []
    return [page for page in app.config.course_summary_pages if page in env.found_docs]


def setup(app):
    app.add_config_value("course_summary_pages", SUMMARY_PAGES, "env")
    app.connect("env-get-outdated", _summaries_follow_chapters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

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

One player runtime per page: every player and static explorer output carries the runtime inline
(so it works alone in a notebook, see :mod:`helpers.web.runtime`). Here the inline copies are
removed from each page and a page with a player or explorer loads the runtime once, as two static
files written to ``_static/``.

The reader's page: ``course.css`` (next to this file) makes outputs wrap and sets the print look;
every run of Chinese characters is marked ``lang="zh-Hans"`` so a screen reader speaks it with a
Chinese voice (on English pages; a Chinese page is ``zh-CN`` as a whole).

A language switch opens every page: a link to the same page in the other edition
(:mod:`scripts.editions`: the Chinese book is published in the English book's ``zh/``).
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.web.runtime import STATIC_CSS, STATIC_JS, runtime_css, runtime_js, without_runtime
from scripts.editions import ENGLISH_LINK_TEXT, TRANSLATIONS, edition_of
from scripts.exercises import book_chapters

SUMMARY_PAGES = ["book/instructors", "book/glossary"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
COURSE_CSS = Path(__file__).with_name("course.css")
# Han ideographs with the CJK punctuation and full-width forms that sit between them.
_HAN = "\u3400-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{_HAN}](?:[\u3000-\u303f{_HAN}\uff00-\uffef]*[{_HAN}\uff09])?")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_RAW_TEXT = re.compile(r"<(script|style|textarea)\b", re.IGNORECASE)
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


def mark_chinese(body: str) -> str:
    """Wrap each run of Chinese text (not in tags, scripts, styles) in ``<span lang="zh-Hans">``.

    ``<td>卷积</td>`` -> ``<td><span lang="zh-Hans">卷积</span></td>``.
    """
    out, raw = [], None
    for part in _TAG_OR_TEXT.split(body):
        if part.startswith("<"):
            if raw is None:
                m = _RAW_TEXT.match(part)
                raw = m.group(1).lower() if m and not part.endswith("/>") else None
            elif part.lower().startswith(f"</{raw}"):
                raw = None
            out.append(part)
        elif raw is None:
            out.append(CJK_RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', part))
        else:
            out.append(part)
    return "".join(out)


def language_switch(pagename: str, target_uri: str, language: str | None) -> str:
    """The switch to the same page in the other edition(s), relative to page ``pagename``
    (written to ``target_uri``, e.g. ``book/pooling.html``) of the ``language`` edition."""
    up = "../" * pagename.count("/")
    here = edition_of(language)
    if here is None:  # English: to each translation's folder
        links = [(f"{up}{e.folder}/{target_uri}", e.lang_attr, e.link_text) for e in TRANSLATIONS]
        label = "Language"
    else:  # a translation: up out of its folder to the English page
        links = [(f"{up}../{target_uri}", "en", ENGLISH_LINK_TEXT)]
        label = "语言" if here.folder == "zh" else "Language"
    anchors = "".join(
        f'<a class="c2d-lang-link" href="{href}" hreflang="{lang}" lang="{lang}">{text}</a>'
        for href, lang, text in links
    )
    return f'<nav class="c2d-lang" aria-label="{label}">{anchors}</nav>'


def _reader_page(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body:
        return
    if 'class="c2d-player"' in body or 'class="c2d-xp"' in body:
        body = without_runtime(body)
        app.add_css_file(STATIC_CSS)
        app.add_js_file(STATIC_JS, loading_method="defer")
    # myst-nb's "Show code cell source" toggles: the visible text names them (an aria-label of
    # "Toggle hidden content" hides it from speech-input users: label-content-name-mismatch).
    body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    switch = language_switch(pagename, app.builder.get_target_uri(pagename), app.config.language)
    if edition_of(app.config.language) is None:
        body = mark_chinese(body)
    context["body"] = switch + body


def _write_static_files(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name, text in (
        (STATIC_JS, runtime_js()),
        (STATIC_CSS, runtime_css()),
        (COURSE_CSS.name, COURSE_CSS.read_text(encoding="utf-8")),
    ):
        (static / name).write_text(text, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _each_script_once)
    app.connect("html-page-context", _reader_page)
    app.connect("build-finished", _write_static_files)
    app.add_css_file(COURSE_CSS.name)
    app.connect("builder-inited", _exported_chapters)
    app.connect("html-page-context", _colab_link, priority=502)  # after the theme's launch menu
    app.add_config_value("course_summary_pages", SUMMARY_PAGES, "env")
    app.connect("env-get-outdated", _summaries_follow_chapters)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}

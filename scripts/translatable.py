"""Sphinx extension: exercise titles, figure alt text and player headings become gettext messages.

Sphinx translates a page by extracting its messages (``-b gettext``) and, in a translated build,
replacing each message by its ``msgstr`` (the ``Locale`` transform). Three kinds of text of this
book slipped past both steps and stayed English on Chinese pages:

1. **Exercise titles.** sphinx-exercise parses the argument of ``{exercise} Output shapes`` into a
   subtitle node with neither source nor raw text, so Sphinx does not count it as a message. The
   directives below are sphinx-exercise's own, giving that node its argument as raw text and the
   exercise's source and line (see :class:`_TranslatableTitle`): ``-b gettext`` extracts
   "Output shapes", ``Locale`` translates it.
   A solution's title ("Solution to Exercise 1 (Output shapes)") copies the subtitle from the
   copy of the exercise that sphinx-exercise keeps in its registry, taken when the directive ran,
   before ``Locale``; :class:`RefreshExerciseRegistry` takes that copy again after the
   translation.
   The words "Exercise" and "Solution to" come from sphinx-exercise's own zh_CN catalogue.
2. **Alt text of notebook figures** (``mystnb: image: alt:`` in a code cell's metadata). Sphinx
   extracts and translates the ``alt`` of every image node, but myst-nb chooses among an output's
   formats per builder, and for ``gettext`` it prefers ``text/plain``: the image node, alt and
   all, is gone before the messages are collected. :func:`keep_images_for_gettext` ranks the
   image formats first for that builder, as the HTML builder does. The translated build needs
   nothing more: ``Locale`` runs before myst-nb's choice and sets the ``alt`` of every format.
3. **A player's or explorer's title and description**, its accessible name and description
   (``aria-labelledby``, ``aria-describedby``), which ``helpers`` writes into the cell's HTML
   output (``<p class="c2d-title">``, ``<p class="c2d-desc">``). :class:`PlayerHtml` is that
   raw HTML node as a Sphinx ``translatable`` node: its title and description are its messages,
   and a translation replaces them in the HTML. The HTML output must survive ``-b gettext`` too,
   so :func:`keep_images_for_gettext` ranks ``text/html`` before ``text/plain``.

4. **The table of contents' part captions and the book's title** ("Foundations", the ``title``
   of ``_config.yml``). sphinx-external-toc inserts the toctrees after ``Locale`` has run
   (``InsertToctrees``, priority 100), so their captions, which ``-b gettext`` does extract from
   the root page, were never translated: :class:`TranslateTocCaptions` looks them up in the
   page's catalogue, and :func:`translate_title` gives ``html_title`` the root page's translation
   of the title (its first heading).

5. **The toggles of hidden cells** ("Show code cell source" above a ``hide-input`` cell, and
   its "Hide ...", "... outputs", "... content"), which myst-nb writes in English whatever the
   language. :class:`TranslateToggles` gives them the edition's labels (``Edition.toggles`` in
   ``scripts/editions.py``), found by the ``{type}`` that myst-nb put into the configured label
   (``nb_code_prompt_show``, ``nb_code_prompt_hide``); an English build keeps myst-nb's own.
   (Their ``aria-label`` "Toggle hidden content" is dropped in every edition by
   ``scripts/course_pages.py``: the visible label names them.)

The words the players' JavaScript writes (buttons, step lines) are not handled here: the players
translate their own strings in the browser.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, HideInputCells
from sphinx import addnodes
from sphinx.builders.gettext import MessageCatalogBuilder
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain
from sphinx_exercise.directive import ExerciseDirective, ExerciseStartDirective
from sphinx_exercise.nodes import exercise_subtitle

from scripts.editions import edition_of

# myst-nb's ranks of an output's formats for -b gettext are text/latex 10, text/markdown 20 and
# text/plain 30 (lowest wins). Images go first, in the HTML builder's order; HTML before the
# plain text (players), after LaTeX (code listings keep the message they have).
GETTEXT_PRIORITY = {
    "image/svg+xml": 1,
    "image/png": 2,
    "image/gif": 3,
    "image/jpeg": 4,
    "text/html": 25,
}
# A player's or explorer's heading, as helpers.animation writes it.
HEADING = re.compile(r'(<p class="c2d-(?:title|desc)" id="[^"]*">)([^<]*)(</p>)')


class _TranslatableTitle:
    """Wrap the exercise's subtitle (its parsed title argument) in a translatable inline node that
    has the argument as raw text, and a source and line: the message Sphinx extracts and replaces.

    An inline rather than the subtitle itself, because sphinx-exercise's title post-transform
    keeps the subtitle's children and drops the subtitle, before ``-b gettext`` collects the
    messages. In other builds Sphinx unwraps the inline after translating it."""

    def run(self):
        result = super().run()
        for node in result:
            for subtitle in node.findall(exercise_subtitle):
                title = nodes.inline(self.arguments[0], "", *subtitle.children, translatable=True)
                title.source, title.line = self.get_source_info()
                subtitle.children = []
                subtitle += title
        return result


class TranslatableExerciseDirective(_TranslatableTitle, ExerciseDirective):
    pass


class TranslatableExerciseStartDirective(_TranslatableTitle, ExerciseStartDirective):
    pass


class RefreshExerciseRegistry(SphinxTransform):
    """After ``Locale``: the registry's copy of each exercise of this page gets the translated title
    (unwrapped from its inline, as Sphinx unwraps it in the page later), which solution titles
    copy."""

    default_priority = Locale.default_priority + 1

    def apply(self, **kwargs):
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for subtitle in self.document.findall(exercise_subtitle):
            exercise = subtitle.parent.parent  # exercise > exercise_title > exercise_subtitle
            entry = registry.get(exercise.get("label"))
            if entry is None or entry["docname"] != self.env.docname:
                continue
            copy = exercise.deepcopy()
            for title in copy.findall(exercise_subtitle):
                title.children = [child for inline in title.children for child in inline.children]
                for child in title.children:
                    child.parent = title
            entry["node"] = copy


class PlayerHtml(nodes.raw, addnodes.translatable):
    """A cell's HTML output that holds players' or explorers' headings; their texts are its
    messages."""

    def preserve_original_messages(self):
        pass  # the originals stay in the node until a translation replaces them

    def extract_original_messages(self):
        return [html.unescape(text) for _, text, _ in HEADING.findall(self.astext())]

    def apply_translated_message(self, original, translated):
        def swap(match):
            if html.unescape(match[2]) != original:
                return match[0]
            return f"{match[1]}{html.escape(translated)}{match[3]}"

        self.children = [nodes.Text(HEADING.sub(swap, self.astext()))]


class MarkPlayerHeadings(SphinxTransform):
    """Before ``Locale``: the HTML outputs that hold headings become :class:`PlayerHtml`."""

    default_priority = Locale.default_priority - 1

    def apply(self, **kwargs):
        for raw in list(self.document.findall(nodes.raw)):
            if raw.get("format") == "html" and HEADING.search(raw.astext()):
                node = PlayerHtml(raw.rawsource, raw.astext(), **raw.attributes)
                node.source, node.line = raw.source, raw.line
                raw.replace_self(node)


class UnmarkPlayerHeadings(SphinxTransform):
    """After ``Locale``: plain raw HTML again for the writers (``-b gettext`` keeps the marks,
    which it extracts the messages from)."""

    default_priority = Locale.default_priority + 1

    def apply(self, **kwargs):
        if isinstance(self.app.builder, MessageCatalogBuilder):
            return
        for node in list(self.document.findall(PlayerHtml)):
            raw = nodes.raw(node.rawsource, node.astext(), **node.attributes)
            raw.source, raw.line = node.source, node.line
            node.replace_self(raw)


def _catalogue(app, docname: str):
    """The translations of page ``docname`` (``gettext`` of a message returns it unchanged when
    there is none)."""
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    domain = docname_to_domain(docname, app.config.gettext_compact)
    return init_locale(dirs, app.config.language, domain)[0]


class TranslateTocCaptions(SphinxTransform):
    """After sphinx-external-toc has inserted a page's toctrees: translate their captions."""

    default_priority = 101

    def apply(self, **kwargs):
        if self.config.language in (None, "en") or isinstance(
            self.app.builder, MessageCatalogBuilder
        ):
            return
        toctrees = [t for t in self.document.findall(addnodes.toctree) if t.get("caption")]
        if toctrees:
            catalogue = _catalogue(self.app, self.env.docname)
            for toctree in toctrees:
                toctree["caption"] = catalogue.gettext(toctree["caption"])


def translate_title(app, env, docnames):
    """``html_title`` in the edition's language: the root page's translation of it (once the
    catalogues are compiled, before the pages are read and written)."""
    if app.config.language in (None, "en") or not app.config.html_title:
        return
    app.config.html_title = _catalogue(app, app.config.root_doc).gettext(app.config.html_title)


def toggle_labels(config) -> dict[str, str]:
    """myst-nb's English toggle label -> the edition's, for the labels myst-nb writes with this
    configuration (``nb_code_prompt_show`` "Show code cell {type}" with ``{type}`` "source",
    ...); empty for the English book."""
    edition = edition_of(config.language)
    if edition is None:
        return {}
    labels = {}
    for kind, (show, hide) in edition.toggles.items():
        labels[config.nb_code_prompt_show.replace("{type}", kind)] = show
        labels[config.nb_code_prompt_hide.replace("{type}", kind)] = hide
    return labels


class TranslateToggles(SphinxPostTransform):
    """After myst-nb has wrapped the hidden cells in their toggles: the edition's labels."""

    default_priority = HideInputCells.default_priority + 1
    formats = ("html",)

    def run(self, **kwargs):
        labels = toggle_labels(self.config)
        if not labels:
            return
        for toggle in self.document.findall(HideCodeCellNode):
            for key in ("prompt_show", "prompt_hide"):
                toggle[key] = labels.get(toggle[key], toggle[key])


def keep_images_for_gettext(app, config):
    """Let ``-b gettext`` keep a figure's image (and its alt text) and a player's HTML rather
    than their text/plain."""
    ranks = [("gettext", mime, rank) for mime, rank in GETTEXT_PRIORITY.items()]
    config.nb_mime_priority_overrides = [*ranks, *config.nb_mime_priority_overrides]


def setup(app):
    app.setup_extension("myst_nb")
    app.setup_extension("sphinx_exercise")
    app.add_directive("exercise", TranslatableExerciseDirective, override=True)
    app.add_directive("exercise-start", TranslatableExerciseStartDirective, override=True)
    app.add_transform(RefreshExerciseRegistry)
    app.add_transform(MarkPlayerHeadings)
    app.add_transform(UnmarkPlayerHeadings)
    app.add_transform(TranslateTocCaptions)
    app.add_post_transform(TranslateToggles)
    app.connect("env-before-read-docs", translate_title)
    app.connect("config-inited", keep_images_for_gettext)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: exercise titles and figure alt text go through the gettext catalogues too.

Sphinx translates a page by extracting its messages (``-b gettext``) and, in a translated build,
replacing each message by its ``msgstr`` (the ``Locale`` transform). Two kinds of text of this book
slipped past both steps and stayed English on Chinese pages:

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

Alt text written in HTML by the players' JavaScript is not handled here (the players translate
their own strings in the browser).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale
from sphinx_exercise.directive import ExerciseDirective, ExerciseStartDirective
from sphinx_exercise.nodes import exercise_subtitle

# The HTML builder's order of myst-nb's image formats, ahead of gettext's text/plain (30).
GETTEXT_IMAGE_PRIORITY = ("image/svg+xml", "image/png", "image/gif", "image/jpeg")


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


def keep_images_for_gettext(app, config):
    """Let ``-b gettext`` keep a figure's image (and its alt text) rather than its text/plain."""
    ranks = [("gettext", mime, rank) for rank, mime in enumerate(GETTEXT_IMAGE_PRIORITY, 1)]
    config.nb_mime_priority_overrides = [*ranks, *config.nb_mime_priority_overrides]


def setup(app):
    app.setup_extension("myst_nb")
    app.setup_extension("sphinx_exercise")
    app.add_directive("exercise", TranslatableExerciseDirective, override=True)
    app.add_directive("exercise-start", TranslatableExerciseStartDirective, override=True)
    app.add_transform(RefreshExerciseRegistry)
    app.connect("config-inited", keep_images_for_gettext)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""The page runtime of the players and the static explorer: one script and one stylesheet.

``player.js`` and ``explorer.js`` each define one function that brings a root element to life
(``c2dPlayer(root)``, ``c2dExplorer(root)``); ``common.js`` (the code they share) is pasted into
each at its line ``// <common.js>``, so it lands inside that function and defines no globals.
:func:`runtime_js` wraps both in one script that starts every player and explorer on the page
that is not started yet; :func:`runtime_css` is ``player.css``, the same rules scoped to the
explorer, and ``explorer.css``.

Where the runtime comes from:

- In a notebook (JupyterLab, Binder) each player and explorer carries it inline
  (:func:`inline_runtime`), so an output works on its own, whatever was run before it.
- The book loads it once per page as two static files: the course's Sphinx extension
  (``scripts/course_pages.py``) writes them to ``_static/`` and removes the inline copies, which
  are marked with :data:`RUNTIME_CLASS`, from the pages. A page's outputs then carry only markup
  and data.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

RUNTIME_CLASS = "c2d-runtime"
"""Class of the inline ``<style>`` and ``<script>`` that carry the runtime (the book drops them)."""

STATIC_JS = "c2d-runtime.js"
STATIC_CSS = "c2d-runtime.css"
"""File names of the runtime in the book's ``_static/``."""

INLINE_RUNTIME = re.compile(
    rf'<style class="{RUNTIME_CLASS}">.*?</style>|<script class="{RUNTIME_CLASS}">.*?</script>',
    flags=re.DOTALL,
)
"""Matches each inline copy of the runtime in an output (the runtime never contains ``</``
followed by ``style>`` or ``script>``)."""

_COMMON_JS = re.compile(r"^[ \t]*// <common\.js>[ \t]*$", flags=re.MULTILINE)


@cache
def asset(name: str) -> str:
    """The text of a file shipped with ``helpers`` (``player.js``, ``player.css``, ...)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def compact(text: str) -> str:
    """Drop indentation, blank lines and comments (the assets stay readable on disk).

    Removes ``/* ... */`` blocks (CSS) and whole lines starting with ``//`` (JS); the scripts have
    no ``/*`` inside strings or regular expressions.
    """
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def with_common(name: str) -> str:
    """``player.js`` or ``explorer.js`` with ``common.js`` pasted in at its line
    ``// <common.js>`` (inside the script's own function)."""
    text = asset(name)
    if len(_COMMON_JS.findall(text)) != 1:
        raise RuntimeError(f"{name} needs exactly one line '// <common.js>'")
    return _COMMON_JS.sub(lambda _: asset("common.js"), text)


@cache
def runtime_js() -> str:
    """The players' and explorers' script: defines nothing global, starts every root it finds,
    one per task, after the page is parsed (until then each shows its static final state).

    It runs again harmlessly (each root is started once: ``data-ready``), so inline copies in a
    notebook and the static file can coexist.
    """
    return compact(
        "(function () {\n"
        '"use strict";\n'
        f"{with_common('player.js')}\n{with_common('explorer.js')}\n"
        # One root per task, so a page of players never blocks the reader (each root shows
        # its static final state until then); on a page still loading, after it is parsed.
        "function start() {\n"
        '  var roots = [].slice.call(document.querySelectorAll(".c2d-player:not([data-ready]), '
        '.c2d-xp:not([data-ready])"));\n'
        "  (function next() {\n"
        "    var root = roots.shift();\n"
        "    if (!root) return;\n"
        '    (root.classList.contains("c2d-xp") ? c2dExplorer : c2dPlayer)(root);\n'
        "    if (roots.length) setTimeout(next, 0);\n"
        "  })();\n"
        "}\n"
        'if (document.readyState === "loading") {\n'
        '  document.addEventListener("DOMContentLoaded", function () { setTimeout(start, 0); });\n'
        "} else start();\n"
        "})();\n"
    )


@cache
def runtime_css() -> str:
    """The players' stylesheet, the same rules scoped to the explorer, and the explorer's own."""
    player = compact(asset("player.css"))
    explorer = compact(asset("explorer.css"))
    return "\n".join([player, player.replace(".c2d-player", ".c2d-xp"), explorer])


@cache
def inline_runtime() -> str:
    """The runtime as inline ``<style>`` and ``<script>`` (marked with :data:`RUNTIME_CLASS`)."""
    return (
        f'<style class="{RUNTIME_CLASS}">{runtime_css()}</style>'
        f'<script class="{RUNTIME_CLASS}">{runtime_js()}</script>'
    )


def without_runtime(html: str) -> str:
    """``html`` with every inline copy of the runtime removed (what the book keeps of an output)."""
    return INLINE_RUNTIME.sub("", html)

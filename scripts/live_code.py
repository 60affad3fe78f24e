"""Sphinx extension: Live Code (the rocket icon's thebe button) with thebe 0.9.

sphinx-thebe 0.3.1 (the latest release, which Jupyter Book 1.x loads) asks for thebe 0.8.2, whose
bundled ipywidgets 7 front end cannot show the ipywidgets 8 models our kernels send, so the
explorers would not run under Live Code. thebe 0.9.3 bundles the ipywidgets 8 front end
(@jupyter-widgets/controls 5). This extension

- points sphinx-thebe's THEBE_JS_URL at thebe ``THEBE_VERSION``;
- replaces sphinx-thebe's page script with ``live_code.js``, written for thebe 0.9: it makes only
  the cells whose input is on the page live (selectors from ``thebe_config`` in _config.yml), runs
  the cells tagged ``thebe-init`` when the kernel is ready, and honours a page config that selects
  a Jupyter server instead of Binder (``useBinder: false`` and ``serverSettings``).

tests/browser/test_thebe.py installs the same thebe version from npm (tests/browser/package.json)
and runs every chapter's live cells against a local Jupyter server.
"""

from __future__ import annotations

from pathlib import Path

import sphinx_thebe

THEBE_VERSION = "0.9.3"
SCRIPT = "live_code.js"
REPLACED = "/sphinx-thebe.js"


def _static_path(app):
    app.config.html_static_path.append(str(Path(__file__).with_name(SCRIPT)))


def _replace_sphinx_thebe_script(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        # Sphinx has prefixed each file with "_static/" by now.
        scripts[:] = [s for s in scripts if not str(getattr(s, "filename", s)).endswith(REPLACED)]


def setup(app):
    # Read by sphinx-thebe when it writes THEBE_JS_URL into every page (env-before-read-docs).
    sphinx_thebe.THEBE_VERSION = THEBE_VERSION
    app.connect("builder-inited", _static_path)
    app.add_js_file(SCRIPT, **{"async": "async"})
    app.connect("html-page-context", _replace_sphinx_thebe_script)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

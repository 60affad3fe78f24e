"""Values the prose quotes: glued into the book's text, printed in a plain notebook.

The book (Jupyter Book, MyST-NB) puts a computed value into a sentence with ``{glue:text}`name```.
``glue`` is the one place a chapter hands such a value over. When ``myst_nb`` is importable (the
book build, the chapters' own tests) it glues through ``myst_nb.glue``; elsewhere (an exported
notebook on Colab, a student's own Jupyter) there is no text to fill in, so it prints
``name = value`` below the cell, where the notebook's text points to it. Nothing else in the course
needs ``myst_nb`` at run time.
"""

from __future__ import annotations

from numbers import Integral, Real

__all__ = ["glue", "format_value"]


def format_value(value) -> str:
    """``value`` as a short number: ``12.34``, ``0.04213``, ``5,208``; others as ``str``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return str(value)
    if isinstance(value, Integral) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def glue(name: str, value, display: bool = True):
    """Name ``value`` for the prose (as ``myst_nb.glue``) and return it.

    ``display=False`` hides the value in the book, where the text shows it. Without ``myst_nb`` the
    value is always printed, as ``name = value``: a plain notebook cannot put it into the text.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(
            f"glue: name must be a non-empty string (the name the text uses), got {name!r}."
        )
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name} = {format_value(value)}")
    else:
        myst_glue(name, value, display=display)
    return value

"""HTML pieces that the player and the static explorer share: the step buttons, the heading, and
the tables of the static final state.

Each returns a string of markup that ``player.js`` and ``explorer.js`` find by class and
``data-action``; text is escaped here, so no caller has to.
"""

from __future__ import annotations

import html

_ICONS = {
    "first": '<path d="M3 3h2v10H3zM13 3v10L6 8z"/>',
    "prev": '<path d="M12 3v10L5 8z"/>',
    "play": '<path d="M4 2.5v11L13 8z"/>',
    "pause": '<path d="M4 3h3v10H4zM9 3h3v10H9z"/>',
    "next": '<path d="M4 3v10l7-5z"/>',
    "last": '<path d="M11 3h2v10h-2zM3 3v10l7-5z"/>',
}


def _icon(name: str) -> str:
    return (
        '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">'
        f"{_ICONS[name]}</svg>"
    )


def _button(action: str, label: str, text: str = "", tabindex: str = "") -> str:
    """A step button: named by its visible ``text`` when it has one, else by ``label``."""
    icon = _icon(action)
    inner = f"{icon}<span>{text}</span>" if text else icon
    if action == "next" and text:
        inner = f"<span>{text}</span>{icon}"
    name = "" if text else f' aria-label="{label}"'
    return f'<button type="button" data-action="{action}"{name}{tabindex}>{inner}</button>'


def step_buttons(focusable: bool = True) -> str:
    """First, back, play, next, last: the buttons ``player.js`` and ``explorer.js`` step with.

    A player's buttons are out of the tab order (``focusable=False``): the player is one tab stop,
    its current cell, where the keys do what the buttons do.
    """
    tabindex = "" if focusable else ' tabindex="-1"'
    return "".join(
        [
            _button("first", "First step", tabindex=tabindex),
            _button("prev", "Previous step", "Back", tabindex),
            _button("play", "Play", "Play", tabindex),
            _button("next", "Next step", "Next", tabindex),
            _button("last", "Last step", tabindex=tabindex),
        ]
    )


def heading(root_id: str, title: str, description: str) -> str:
    """Title and description, escaped, with the ids the root's ``aria-labelledby`` and
    ``aria-describedby`` name."""
    return (
        f'<p class="c2d-title" id="{root_id}-title">{html.escape(title)}</p>'
        f'<p class="c2d-desc" id="{root_id}-desc">{html.escape(description)}</p>'
    )


def table(caption: str, grid, pad=None) -> str:
    """A grid of display strings as a compact HTML table (end tags left out, as HTML allows);
    ``pad(r, c)`` marks padding cells."""
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="is-pad">{v}' if pad is not None and pad(r, c) else f"<td>{v}"
            for c, v in enumerate(row)
        )
        for r, row in enumerate(grid)
    )
    return f'<table class="c2d-t"><caption>{html.escape(caption)}</caption>{rows}</table>'

"""The player as a page fragment: :class:`Player` bundles a plan into one ``<div>`` of HTML.

The fragment holds the heading, the step controls (one tab stop: the current cell), the live text
of the first step (shown until the script takes over), a static figure of the final state (for
print and for pages without JavaScript), the JSON payload, and the page runtime inline
(:mod:`helpers.web.runtime`), which the book replaces by one static file per page.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from functools import cached_property

from ..web.markup import heading, step_buttons, table
from ..web.runtime import inline_runtime, without_runtime
from . import payload
from .plan import Panel, Plan

_ids = itertools.count()


def static_figure(panels: list[Panel], n: int) -> str:
    """The final state as plain tables: what prints, and what a page without JavaScript shows."""
    parts = [
        table(p.caption, p.grid, p.pad)
        if p.grid is not None
        else f'<p class="{p.css}">{html.escape(p.caption)}</p>'
        for p in panels
    ]
    return (
        f'<div class="c2d-static"><p class="c2d-static-note">After the last step ({n} of {n}):</p>'
        f"{''.join(parts)}</div>"
    )


class Player:
    """A kernel-sliding player; a notebook or the built book displays it through ``_repr_html_``.

    ``steps`` are the :class:`~helpers.animation.sliding.Step` (or
    :class:`~helpers.animation.scatter.ScatterStep`) objects it plays, ``html`` the complete HTML,
    runtime included (``nbytes``: what it adds to a book page, without the runtime).
    """

    def __init__(self, plan: Plan, title: str | None, description: str | None):
        self._plan = plan
        self.title = plan.title() if title is None else str(title)
        self.description = plan.description() if description is None else str(description)
        data = plan.payload()
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        digest = hashlib.sha1(f"{text}{self.title}".encode()).hexdigest()[:8]
        self.id = f"c2d-{digest}-{next(_ids)}"
        figure = static_figure(plan.final_state(data), plan.count)
        self.html = self._render(text.replace("</", "<\\/"), payload.widest(data), figure)

    @cached_property
    def steps(self) -> list:
        """The steps the player shows."""
        return self._plan.steps()

    @property
    def nbytes(self) -> int:
        """What the player adds to a book page, in bytes (UTF-8): its HTML without the inline
        runtime, which the book loads once per page (:mod:`helpers.web.runtime`)."""
        return len(without_runtime(self.html).encode("utf-8"))

    def _render(self, data: str, widest: int, figure: str) -> str:
        pid = self.id
        n = self._plan.count
        first = self._plan.steps(limit=1)[0].text  # shown until the script takes over
        controls = "".join(
            [
                step_buttons(focusable=False),
                f'<input class="c2d-scrub" type="range" min="0" max="{n - 1}" value="0" step="1" '
                f'tabindex="-1" aria-label="Step" aria-valuetext="Step 1 of {n}">',
                '<label class="c2d-speed-label">Speed <select class="c2d-speed" '
                'data-action="speed" tabindex="-1">'
                '<option value="0.5">0.5×</option><option value="1" selected>1×</option>'
                '<option value="2">2×</option><option value="4">4×</option></select></label>',
            ]
        )
        keys = "Keys, on the grid: ← → step, ↑ ↓ a row, Home End, Space plays, + − speed."
        return (
            f'<div class="c2d-player" id="{pid}" role="group" '
            f'aria-roledescription="animation" aria-labelledby="{pid}-title" '
            f'aria-describedby="{pid}-desc" style="--c2d-chars:{widest}">'
            f"{heading(pid, self.title, self.description)}"
            f'<div class="c2d-controls">{controls}</div>'
            f'<p class="c2d-keys">{keys}</p>'
            f'<div class="c2d-live" aria-live="polite"><p class="c2d-where">Step 1 of {n}</p>'
            f'<p class="c2d-math">{html.escape(first)}</p></div>'
            f'<div class="c2d-stage"></div>{figure}'
            f'<script type="application/json" class="c2d-data">{data}</script>'
            "</div>"
            f"{inline_runtime()}"
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Player {self.title!r}: {self._plan.count} steps, {self.nbytes / 1024:.1f} KB>"

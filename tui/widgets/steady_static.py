"""SteadyStatic: a Static that asks for a layout pass only when its height changes.

On a long article a layout pass (re-arranging every paragraph) costs more than
the rest of a key press; restyling a hunk or showing the next one rarely
changes a widget's height, so most updates can skip it.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class SteadyStatic(Static):
    """`show_content(content)` redraws; the layout is redone only if the wrapped height differs."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._height: int | None = None

    def show_content(self, content: Content) -> None:
        """Display `content`."""
        width = self.content_size.width
        height = len(content.wrap(width)) if width else None
        self.update(content, layout=height is None or height != self._height)
        self._height = height

    def on_resize(self) -> None:
        # A new width wraps the content anew: the height kept no longer says what it needs.
        self._height = None

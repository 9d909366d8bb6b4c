"""Messages the review widgets send up to their screen when clicked.

Widgets only display; the screen (`tui.screens.review`) owns the decisions and
turns these messages into the same actions as the keys.
"""

from __future__ import annotations

from textual.message import Message


class HunkSelected(Message):
    """The editor clicked hunk number `index` in the article."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class AlternativeChosen(Message):
    """The editor clicked alternative number `number` (1-based, as on the keys)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number

"""AnalysingScreen: what the editor sees while the engine reads the article.

It takes the file name and its length in words and shows a moving progress bar
with the elapsed time, so a long analysis never looks like a frozen screen.
The engine itself runs in a worker thread started by the app.
"""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar


class AnalysingScreen(Screen[None]):
    """An indeterminate progress bar and a clock, until the analysis is done."""

    DEFAULT_CSS = """
    AnalysingScreen {
        align: center middle;
        & > Vertical {
            width: auto;
            height: auto;
            border: round $accent;
            padding: 1 2;
        }
        & #elapsed { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(self, name: str, words: int) -> None:
        super().__init__()
        self._title = Content(f"Analysing {name} ({words:,} words)…")
        self._started = monotonic()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield ProgressBar(total=None, show_percentage=False, show_eta=False)
            yield Label(id="elapsed")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.set_interval(0.5, self._tick)

    def _tick(self) -> None:
        self.query_one("#elapsed", Label).update(f"{monotonic() - self._started:.0f} s elapsed")

"""QuitScreen: asks before quitting a review with unsaved or undecided hunks.

It takes the reason to ask and whether there is anything to save, and gives
back "save" (save, then quit), "quit" (quit as is) or None (stay). With unsaved
decisions, quitting without saving takes `y` or its button: `q` again (a
double tap) does not throw the work away.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class QuitScreen(ModalScreen[str | None]):
    """Asks "quit anyway?" with save-and-quit, quit, and stay buttons."""

    DEFAULT_CSS = """
    QuitScreen {
        align: center middle;
        & > Vertical {
            width: auto;
            max-width: 90%;
            height: auto;
            border: thick $warning;
            background: $surface;
            padding: 1 2;
        }
        & Horizontal { height: auto; margin-top: 1; }
        & Button { margin-right: 2; }
        /* the three buttons side by side need 70 columns: below that, stack them one line each */
        &.-narrow Horizontal { layout: vertical; }
        &.-narrow Button { height: 1; border: none !important; margin: 0 0 1 0; }
    }
    """

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (70, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        ("s", "answer('save')", "Save and quit"),
        ("y", "answer('quit')", "Quit"),
        ("q", "quit_again", "Quit"),
        ("escape,n", "answer(None)", "Stay"),
    ]

    def __init__(self, reason: str, can_save: bool) -> None:
        super().__init__()
        self._reason = reason
        self._can_save = can_save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._reason)
            with Horizontal():
                if self._can_save:
                    yield Button("[u]S[/u]ave and quit", id="save", variant="primary")
                yield Button(
                    "Quit without saving (y)" if self._can_save else "[u]Q[/u]uit",
                    id="quit",
                    variant="error",
                )
                yield Button("Stay (esc)", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"save": "save", "quit": "quit"}.get(event.button.id or ""))

    def action_quit_again(self) -> None:
        """`q` (or ^q) in the dialog: quit when nothing unsaved would be lost."""
        if self._can_save:
            self.app.bell()
            self.notify("Unsaved decisions: s saves and quits, y quits without saving.",
                        severity="warning")
        else:
            self.dismiss("quit")

    def action_answer(self, answer: str | None) -> None:
        if answer == "save" and not self._can_save:
            return
        self.dismiss(answer)

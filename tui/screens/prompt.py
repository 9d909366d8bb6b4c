"""PromptScreen: a one-line question over the review, answered in an Input.

It takes a question, a starting value and optional validators, and gives back
the submitted string (or None on escape) through `dismiss`. The review asks
it for a hand-edited replacement and for the accept-all confidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import Validator
from textual.widgets import Input, Label


class PromptScreen(ModalScreen[str | None]):
    """Ask `question`; enter answers, escape cancels."""

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
        & > Vertical {
            width: 70%;
            min-width: 40;
            height: auto;
            border: thick $accent;
            background: $surface;
            padding: 1 2;
        }
        & Label { width: 1fr; }
        & #hint { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [("escape", "cancel", "Cancel")]

    def __init__(
        self, question: str, value: str = "", validators: Iterable[Validator] = ()
    ) -> None:
        super().__init__()
        self._question = question
        self._value = value
        self._validators = list(validators)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self._question))
            yield Input(self._value, validators=self._validators, validate_on=["submitted"])
            yield Label("enter to confirm · escape to cancel", id="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.validation_result is not None and not event.validation_result.is_valid:
            self.notify(" ".join(event.validation_result.failure_descriptions), severity="error")
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""HelpScreen: the keys of the review and what the colours in the article mean.

It takes the review screen's bindings (so the list cannot drift from the keys
that actually work) and the files a save writes; escape, q or ? closes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.decisions import ReviewFiles, Verdict
from tui.widgets.article import HIGH_CONFIDENCE, LOW_CONFIDENCE, hunk_style


class HelpScreen(ModalScreen[None]):
    """Keys, colour legend and output files, over the review."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 96%;
            max-width: 100;
            height: auto;
            max-height: 96%;
            border: thick $accent;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & .heading { text-style: bold underline; margin-top: 1; }
        & Grid { grid-size: 2; grid-columns: 14 1fr; height: auto; }
        & .key { text-style: bold; color: $text-accent; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc")
    ]

    def __init__(self, bindings: Iterable[Binding], files: ReviewFiles) -> None:
        super().__init__()
        self._documented = [b for b in bindings if b.tooltip]
        self._files = files

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "restore · review keys"
            scroll.border_subtitle = "esc closes"
            yield Static("Keys", classes="heading")
            with Grid(id="keys"):
                for binding in self._documented:
                    yield Label(self._key_list(binding), classes="key")
                    yield Label(binding.tooltip)
            yield Static("Colours in the article", classes="heading")
            with Grid(id="legend"):
                yield from self._legend()
            yield Static("Saving", classes="heading")
            yield Static(
                Content(
                    f"{self._files.restored.name} gets the text with your decisions applied, "
                    f"{self._files.decisions.name} every decision: reopening "
                    f"{self._files.input.name} resumes the review. "
                    f"{self._files.input.name} itself is never changed."
                )
            )

    def _key_list(self, binding: Binding) -> str:
        # The footer shows one key per action; the help shows every key that works.
        keys = binding.key.split(",")
        if len(keys) == 1:
            return self.app.get_key_display(binding)
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in keys)

    def _legend(self) -> Iterator[Label]:
        samples = [
            ("suspect", Verdict.PENDING, 0.9, f"confidence {HIGH_CONFIDENCE:.0%} or more"),
            ("suspect", Verdict.PENDING, 0.6, f"{LOW_CONFIDENCE:.0%} to {HIGH_CONFIDENCE:.0%}"),
            ("suspect", Verdict.PENDING, 0.1, f"under {LOW_CONFIDENCE:.0%}"),
            ("restored", Verdict.ACCEPTED, 0.9, "accepted, alternative or edit: the new wording"),
            ("kept", Verdict.REJECTED, 0.9, "rejected: the input wording stays"),
        ]
        for words, verdict, confidence, meaning in samples:
            yield Label(Content.styled(words, hunk_style(verdict, confidence)))
            yield Label(meaning)
        yield Label(Content.styled("current", hunk_style(Verdict.PENDING, 0.9, current=True)))
        yield Label("the hunk under review")

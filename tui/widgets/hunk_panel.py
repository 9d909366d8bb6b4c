"""HunkPanel: the current hunk as before -> after, its confidence and alternatives.

It takes the review's `Decisions` and the index of the current hunk, and shows
what the editor is deciding on: the input wording, the engine's proposal, the
numbered alternatives (clickable, like the 1-9 keys), the decision so far, and
how likely the detector finds the hunk's sentence to be spun.
"""

from __future__ import annotations

import math

from textual.content import Content

from tui.decisions import Decisions, Verdict
from tui.messages import AlternativeChosen
from tui.widgets.steady_static import SteadyStatic

_LABEL_WIDTH = 14

_VERDICT_MARKUP = {
    Verdict.PENDING: "[$text-warning]• pending[/]",
    Verdict.ACCEPTED: "[$text-success]✓ accepted[/]",
    Verdict.REJECTED: "[$text-error]✗ rejected[/]",
    Verdict.ALTERNATIVE: "[$text-success]✓ alternative[/]",
    Verdict.EDITED: "[$text-success]✎ edited[/]",
}


class HunkPanel(SteadyStatic):
    """The hunk under review, in a bordered box under the article."""

    DEFAULT_CSS = """
    HunkPanel {
        height: auto;
        max-height: 50%;
        border: round $accent;
        border-title-color: $text-accent;
        border-title-style: bold;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        # Alternatives are clickable links; the default link colour would hide their own.
        self.auto_links = False

    def show(self, decisions: Decisions, index: int) -> None:
        """Display hunk `index` of `decisions`."""
        if not decisions.hunks:
            self.border_title = "No changes proposed"
            self.border_subtitle = ""
            self.show_content(
                Content("The engine found nothing to restore. s saves a copy, q quits.")
            )
            return
        hunk = decisions.hunks[index]
        decision = decisions[index]
        # Content, not a str: a str title is parsed as markup and the source is free text.
        sentence = decisions.sentence_of(index)
        spun = "" if sentence is None else f" · sentence {sentence.score:.0%} spun"
        self.border_title = Content(
            f"Hunk {index + 1}/{len(decisions)} · {percent(hunk.confidence)} confident{spun}"
            f" · {hunk.source}"
        )
        self.border_subtitle = _VERDICT_MARKUP[decision.verdict]

        proposed_style = "bold $text-success" if decision.verdict is Verdict.ACCEPTED else "bold"
        lines = [
            _row("before", (_words(hunk.before), "$text-error")),
            _row("after", (_words(hunk.after), proposed_style)),
        ]
        if decision.verdict is Verdict.EDITED:
            lines.append(_row("edited", (_words(decision.final), "bold $text-success")))
        if reference := hunk.meta.get("reference"):  # say which archive sentence it copies
            where = f"{reference['doc']}, sentence {reference['sentence'] + 1}"
            lines.append(_row("from", (_words(where), "$text-muted")))
        if hunk.alternatives:
            choices: list[str | tuple[str, str]] = []
            for number, alternative in enumerate(hunk.alternatives, start=1):
                chosen = decision.verdict is Verdict.ALTERNATIVE and decision.final == alternative
                click = f"@click=choose({number})"
                choices += [
                    (f"{number} ", f"bold $text-accent {click}"),
                    (_words(alternative), f"{'bold $text-success' if chosen else ''} {click}"),
                    "   ",
                ]
            lines.append(_row("alternatives", *choices))
        self.show_content(Content("\n").join(lines))

    def action_choose(self, number: int) -> None:
        self.post_message(AlternativeChosen(number))


def _row(label: str, *parts: str | tuple[str, str]) -> Content:
    return Content.assemble((label.ljust(_LABEL_WIDTH), "$text-muted"), *parts)


def _words(text: str) -> str:
    # Empty replacements and insertions are real hunks; say so instead of showing nothing.
    return text if text else "(nothing)"


def percent(confidence: float) -> str:
    """A confidence as a whole percentage, rounded down: a hunk shown at 50% is
    one that accepting at 0.5 or more (`A`) takes."""
    return f"{math.floor(round(confidence * 100, 6))}%"

"""HunkPanel: the current hunk as before -> after, its confidence and alternatives.

It takes the review's `Decisions` and the index of the current hunk, and shows
what the editor is deciding on: the input wording, the engine's proposal, the
numbered alternatives (clickable, like the 1-9 keys; a number always on the
line of its text), the decision so far, and how likely the detector finds the
hunk's sentence to be spun. The panel takes up to 70% of the screen, so that a
short hunk's rows all show on a 10-row terminal; a longer hunk's scroll.
"""

from __future__ import annotations

import itertools
import math

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from tui.decisions import Decisions, Verdict
from tui.messages import AlternativeChosen
from tui.widgets.steady_static import SteadyStatic

_LABEL_WIDTH = 14
_NO_BREAK = "\xa0"  # a space that a row is never wrapped at; it shows as a space

_VERDICT_MARKUP = {
    Verdict.PENDING: "[$text-warning]• pending[/]",
    Verdict.ACCEPTED: "[$text-success]✓ accepted[/]",
    Verdict.REJECTED: "[$text-error]✗ rejected[/]",
    Verdict.ALTERNATIVE: "[$text-success]✓ alternative[/]",
    Verdict.EDITED: "[$text-success]✎ edited[/]",
}


class HunkPanel(VerticalScroll, can_focus=False):
    """The hunk under review, in a bordered box under the article; its rows scroll."""

    DEFAULT_CSS = """
    HunkPanel {
        height: auto;
        /* Room for before, after and the alternatives of a short hunk on a 10-row
           terminal; a longer one scrolls. */
        max-height: 70%;
        border: round $accent;
        border-title-color: $text-accent;
        border-title-style: bold;
        padding: 0 0 0 1;
        /* The scrollbar's column is always kept (where the right padding was), so
           that its coming does not re-wrap the rows. A stable gutter also makes
           Textual add a horizontal scrollbar's height, a blank row: none, as
           nothing here scrolls sideways. */
        scrollbar-gutter: stable;
        scrollbar-size: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows = _Rows()

    def compose(self) -> ComposeResult:
        yield self._rows

    def show(self, decisions: Decisions, index: int) -> None:
        """Display hunk `index` of `decisions`."""
        self.scroll_home(animate=False)
        if not decisions.hunks:
            self.border_title = "No changes proposed"
            self.border_subtitle = ""
            self._rows.show_rows(
                [("", Content("The engine found nothing to restore. s saves a copy, q quits."))]
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
        rows = [
            ("before", Content.styled(_words(hunk.before), "$text-error")),
            ("after", Content.styled(_words(hunk.after), proposed_style)),
        ]
        if decision.verdict is Verdict.EDITED:
            rows.append(("edited", Content.styled(_words(decision.final), "bold $text-success")))
        if hunk.alternatives:
            choices: list[str | tuple[str, str]] = []
            for number, alternative in enumerate(hunk.alternatives, start=1):
                chosen = decision.verdict is Verdict.ALTERNATIVE and decision.final == alternative
                click = f"@click=choose({number})"
                choices += [
                    "   " if choices else "",
                    # a number at a line's end would read as the next line's
                    (f"{number}{_NO_BREAK}", f"bold $text-accent {click}"),
                    (_words(alternative), f"{'bold $text-success' if chosen else ''} {click}"),
                ]
            rows.append(("alternatives", Content.assemble(*choices)))
        if reference := hunk.meta.get("reference"):  # say which archive sentence it copies
            where = f"{reference['doc']}, sentence {reference['sentence'] + 1}"
            rows.append(("from", Content.styled(where, "$text-muted")))
        self._rows.show_rows(rows)


    def page(self, direction: int) -> None:
        """Scroll a panel's height, less a row to keep in view, down (1) or up (-1)."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_relative(y=direction * step, animate=False)


class _Rows(SteadyStatic):
    """Labelled rows, each value's wrapped lines under its first, not under the label."""

    def __init__(self) -> None:
        super().__init__()
        # Alternatives are clickable links; the default link colour would hide their own.
        self.auto_links = False
        self._rows: list[tuple[str, Content]] = []
        self._width = 0

    def show_rows(self, rows: list[tuple[str, Content]]) -> None:
        """Display `rows` of (label, value); a row without a label spans the width."""
        self._rows = rows
        # Before the first layout the width is 0: the resize that follows redraws.
        self._width = self.content_size.width
        self.show_content(Content("\n").join(_row(label, value, self._width)
                                             for label, value in rows))

    def on_resize(self) -> None:
        if self.content_size.width != self._width:
            # Wrapped for the old width. After the refresh: a layout asked for while
            # the resize is being laid out is lost, and the rows would keep their old height.
            self.call_after_refresh(self.show_rows, self._rows)

    def action_choose(self, number: int) -> None:
        self.post_message(AlternativeChosen(number))


def _row(label: str, value: Content, width: int) -> Content:
    if not label:
        return value
    lines = _wrap(value, width - _LABEL_WIDTH) if width > _LABEL_WIDTH else [value]
    return Content("\n").join(
        Content.assemble(((label if n == 0 else "").ljust(_LABEL_WIDTH), "$text-muted"), line)
        for n, line in enumerate(lines)
    )


def _wrap(value: Content, width: int) -> list[Content]:
    """The lines of `value` wrapped to `width`, at no `_NO_BREAK`, which they show as a space."""
    plain = value.plain
    if _NO_BREAK not in plain:
        return value.wrap(width)
    # Textual wraps at any whitespace, a no-break space too. So while wrapping, each
    # stands in as a character that is none, and that is nowhere else in the text.
    stand_in = next(c for c in map(chr, itertools.count(0xE000)) if c not in plain)
    glued = Content(plain.replace(_NO_BREAK, stand_in), list(value.spans))
    return [Content(line.plain.replace(stand_in, " "), list(line.spans))
            for line in glued.wrap(width)]


def _words(text: str) -> str:
    # Empty replacements and insertions are real hunks; say so instead of showing nothing.
    return text if text else "(nothing)"


def percent(confidence: float) -> str:
    """A confidence as a whole percentage, rounded down: a hunk shown at 50% is
    one that accepting at 0.5 or more (`A`) takes."""
    return f"{math.floor(round(confidence * 100, 6))}%"

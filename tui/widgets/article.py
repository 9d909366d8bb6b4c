"""ArticleView: the document with every hunk highlighted, following the current one.

It takes the `Decisions` of a review and gives a scrolling view of the text:
pending hunks coloured by confidence, decided ones showing their final wording,
the current hunk in the cursor colour. Each paragraph is its own widget, so a
key press redraws only the paragraphs whose hunks changed, not the article.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region, Spacing

from tui.decisions import Decisions, Verdict
from tui.messages import HunkSelected
from tui.widgets.steady_static import SteadyStatic

HIGH_CONFIDENCE = 0.8
LOW_CONFIDENCE = 0.5

# A paragraph ends at a line break; the whitespace round it is layout, not text to review.
_BREAK = re.compile(r"\s*\n\s*")
# Lines of context kept above and below the current hunk when the view follows it.
_CONTEXT_LINES = 3


def hunk_style(verdict: Verdict, confidence: float, current: bool = False) -> str:
    """The style of a hunk in the article (and in the help screen's legend)."""
    if current:
        return "bold $block-cursor-foreground on $block-cursor-background"
    if verdict.applied:
        return "underline $text-success"
    if verdict is Verdict.REJECTED:
        return "underline $text-muted"
    if confidence >= HIGH_CONFIDENCE:
        return "on $error-muted"
    if confidence >= LOW_CONFIDENCE:
        return "on $warning-muted"
    return "underline $text-warning"


class Paragraph(SteadyStatic):
    """The text between two line breaks, `text[start:end]`, and the hunks inside it."""

    def __init__(self, start: int, end: int, hunks: range) -> None:
        super().__init__()
        # Hunks are clickable links; the default link colour would hide their own.
        self.auto_links = False
        self.start = start
        self.end = end
        self.hunks = hunks
        self.plain = ""
        """The text as displayed (decided hunks show their final wording)."""
        self.hunk_ends: dict[int, int] = {}
        """Where each hunk ends in `plain`, to find its line once wrapped."""

    def action_select(self, index: int) -> None:
        self.post_message(HunkSelected(index))


class ArticleView(VerticalScroll, can_focus=False):
    """The article, one `Paragraph` per line break, scrolled to the current hunk."""

    DEFAULT_CSS = """
    ArticleView {
        padding: 1 2 0 2;
        /* Long lines are hard to read on a wide terminal. */
        & > Paragraph { margin-bottom: 1; max-width: 100; }
    }
    """

    def __init__(self, decisions: Decisions, current: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.decisions = decisions
        self.current = current
        starts = [hunk.start for hunk in decisions.hunks]
        self._paragraphs = [
            Paragraph(start, end, range(bisect_left(starts, start), bisect_right(starts, end)))
            for start, end in _paragraph_spans(decisions)
        ]
        self._paragraph_starts = [p.start for p in self._paragraphs]

    def compose(self) -> ComposeResult:
        for paragraph in self._paragraphs:
            self._draw(paragraph)
            yield paragraph

    def on_mount(self) -> None:
        self.call_after_refresh(self._follow)

    def on_resize(self) -> None:
        # the current hunk's line moves when the paragraphs wrap anew
        self.call_after_refresh(self._follow)

    def show(self, current: int, changed: Iterable[int] = ()) -> None:
        """Mark hunk `current`, redraw the hunks in `changed`, and scroll to `current`."""
        touched = {self.current, current, *changed}
        self.current = current
        for paragraph in {self._paragraph_of(i) for i in touched if i < len(self.decisions)}:
            self._draw(paragraph)
        self.call_after_refresh(self._follow)

    def _paragraph_of(self, index: int) -> Paragraph:
        start = self.decisions.hunks[index].start
        return self._paragraphs[max(bisect_right(self._paragraph_starts, start) - 1, 0)]

    def _draw(self, paragraph: Paragraph) -> None:
        text = self.decisions.text
        parts: list[str | tuple[str, str]] = []
        shown = 0
        position = paragraph.start
        for index in paragraph.hunks:
            hunk = self.decisions.hunks[index]
            decision = self.decisions[index]
            gap = text[position : hunk.start]
            parts.append(gap)
            style = hunk_style(decision.verdict, hunk.confidence, index == self.current)
            words = decision.final if decision.verdict.applied else hunk.before
            if not words:
                # An empty span could not be seen or clicked: show a deletion as
                # struck-out input and a proposed insertion as a caret.
                words, style = (hunk.before, f"{style} strike") if hunk.before else ("‸", style)
            parts.append((words, f"{style} @click=select({index})"))
            shown += len(gap) + len(words)
            paragraph.hunk_ends[index] = shown
            position = hunk.end
        parts.append(text[position : paragraph.end])
        content = Content.assemble(*parts)
        paragraph.plain = content.plain
        paragraph.show_content(content)

    def _follow(self) -> None:
        if not self.decisions.hunks:
            return
        paragraph = self._paragraph_of(self.current)
        width = paragraph.content_region.width
        if width <= 0:
            return
        shown = paragraph.plain[: paragraph.hunk_ends[self.current]]
        line = len(Content(shown).wrap(width)) - 1
        region = paragraph.virtual_region
        target = Region(region.x, region.y + line, region.width, 1)
        # No more context than the view can show around the line (a short tmux split).
        context = min(_CONTEXT_LINES, max(0, (self.scrollable_content_region.height - 1) // 2))
        self.scroll_to_region(target, spacing=Spacing(context, 0, context, 0), animate=False,
                              immediate=True)


def _paragraph_spans(decisions: Decisions) -> list[tuple[int, int]]:
    """`(start, end)` of each paragraph; a break inside a hunk does not end one."""
    text, hunks = decisions.text, decisions.hunks
    spans: list[tuple[int, int]] = []
    start = 0
    next_hunk = 0
    for line_break in _BREAK.finditer(text):
        while next_hunk < len(hunks) and hunks[next_hunk].end <= line_break.start():
            next_hunk += 1
        if next_hunk < len(hunks) and hunks[next_hunk].start < line_break.end():
            continue
        if line_break.start() > start:
            spans.append((start, line_break.start()))
        start = line_break.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans

"""ReviewProgress: the top line, how far the review has gone.

It takes the review's `Decisions` and shows the file name, a bar of reviewed
hunks out of all of them, the count of each decision, and whether there are
unsaved changes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar

from tui.decisions import Decisions, Verdict


class ReviewProgress(Horizontal):
    """`article.txt  ━━━━━━──── 40%  12/30 reviewed  ✓ 8 ✗ 3 ✎ 1  ● unsaved`."""

    DEFAULT_CSS = """
    ReviewProgress {
        dock: top;
        height: 1;
        background: $panel;
        & > Label { padding: 0 1; }
        & > #name { text-style: bold; color: $text-accent; }
        & > ProgressBar { width: auto; }
        & > ProgressBar Bar { width: 16; }
        & > #unsaved { color: $text-warning; dock: right; }
    }
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self._file_name = name

    def compose(self) -> ComposeResult:
        yield Label(Content(self._file_name), id="name")
        yield ProgressBar(show_eta=False)
        yield Label(id="counts")
        yield Label(id="unsaved")

    def show(self, decisions: Decisions) -> None:
        """Display the counts of `decisions`."""
        total = len(decisions)
        reviewed = total - decisions.pending
        self.query_one(ProgressBar).update(total=max(total, 1), progress=reviewed)
        applied = decisions.count(Verdict.ACCEPTED) + decisions.count(Verdict.ALTERNATIVE)
        self.query_one("#counts", Label).update(
            f"{reviewed}/{total} reviewed  [$text-success]✓ {applied}[/] "
            f"[$text-error]✗ {decisions.count(Verdict.REJECTED)}[/] "
            f"[$text-success]✎ {decisions.count(Verdict.EDITED)}[/]"
        )
        self.query_one("#unsaved", Label).update("● unsaved" if decisions.unsaved else "")

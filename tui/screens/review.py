"""ReviewScreen: the editor goes through the hunks and decides on each one.

It takes the review's `Decisions`, where to save them (`ReviewFiles`) and the
engine's confidence threshold. It owns the current hunk and every key: each
action changes the decisions, then redraws only what changed (the paragraphs
of the touched hunks, the hunk panel, the progress line).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.screen import Screen
from textual.validation import Number
from textual.widgets import Footer

from restore.errors import OutputError
from tui.decisions import Decisions, ReviewFiles
from tui.messages import AlternativeChosen, HunkSelected
from tui.screens.confirm_quit import QuitScreen
from tui.screens.help import HelpScreen
from tui.screens.prompt import PromptScreen
from tui.widgets.article import ArticleView
from tui.widgets.hunk_panel import HunkPanel, percent
from tui.widgets.progress import ReviewProgress


class ReviewScreen(Screen[None]):
    """Article, current hunk, progress and keys; see `BINDINGS` (and `?` in the app)."""

    DEFAULT_CSS = """
    ReviewScreen {
        &.-wide #body { layout: horizontal; }
        &.-wide HunkPanel { width: 60; max-height: 100%; }
    }
    """

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (130, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,j,down", "move(1)", "Next", key_display="n", tooltip="Go to the next hunk."),
        Binding("p,k,up", "move(-1)", "Prev", key_display="p", tooltip="Go to the previous hunk."),
        # Off the footer, which is full at 80 columns; the help lists it.
        Binding(
            "w",
            "worst",
            "Worst",
            show=False,
            tooltip="Go to the undecided hunk in the sentence likeliest to be spun.",
        ),
        Binding(
            "o",
            "toggle_order",
            "Order",
            show=False,
            tooltip="After each decision go on in article order, or worst sentence first.",
        ),
        Binding(
            "a,enter",
            "accept",
            "Accept",
            tooltip="Accept the proposed wording, then go to the next undecided hunk.",
        ),
        Binding("r", "reject", "Reject", tooltip="Keep the input wording, then go on."),
        # The hunk panel numbers the alternatives, so 1-9 stay out of a crowded footer.
        Binding(
            "1",
            "choose(1)",
            "Alternative 1",
            show=False,
            key_display="1-9",
            tooltip="Use alternative 1 to 9 instead of the proposal (or click it).",
        ),
        *(Binding(str(n), f"choose({n})", f"Alternative {n}", show=False) for n in range(2, 10)),
        Binding("e", "edit", "Edit", tooltip="Type the replacement by hand."),
        Binding(
            "A",
            "accept_above",
            "Accept≥",
            tooltip="Accept every undecided hunk at or above a confidence you give.",
        ),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="Undo the last decision (repeatable)."),
        Binding(
            "s,ctrl+s",
            "save",
            "Save",
            tooltip="Write the restored text and the decisions file.",
        ),
        Binding("pageup", "page(-1)", "Page up", show=False,
                tooltip="Scroll the article a page up (the next key returns to the hunk)."),
        Binding("pagedown", "page(1)", "Page down", show=False,
                tooltip="Scroll the article a page down."),
        # The panel never takes focus (the keys above act on the hunk), so these scroll it.
        Binding("right_square_bracket", "scroll_hunk(1)", "Hunk down", key_display="]",
                show=False, tooltip="Scroll the hunk panel down, for a hunk longer than it."),
        Binding("left_square_bracket", "scroll_hunk(-1)", "Hunk up", key_display="[",
                show=False, tooltip="Scroll the hunk panel back up."),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show this help."),
        Binding("q", "quit", "Quit", tooltip="Quit; asks first if hunks are undecided or unsaved."),
    ]

    def __init__(self, decisions: Decisions, files: ReviewFiles, threshold: float,
                 worst_first: bool = False) -> None:
        super().__init__()
        self.decisions = decisions
        self.files = files
        self.threshold = threshold
        # After a decision: the next undecided hunk in the article, or (`o`) the one
        # in the sentence likeliest to be spun, for an editor short of time.
        self.worst_first = worst_first
        # A resumed review starts at its first undecided hunk ("after -1" is hunk 0).
        first_pending = decisions.worst_pending() if worst_first else decisions.next_pending(-1)
        self.current = 0 if first_pending is None else first_pending
        self._saved = False  # in this session

    def compose(self) -> ComposeResult:
        yield ReviewProgress(self.files.input.name)
        # Narrow: the hunk under the article; wide (see CSS): the hunk beside it.
        with Container(id="body"):
            yield ArticleView(self.decisions, self.current)
            yield HunkPanel()
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one(ReviewProgress).show(self.decisions)
        self._show()

    def action_move(self, step: int) -> None:
        target = self.current + step
        if 0 <= target < len(self.decisions):
            self.current = target
            self._show()
        else:
            self.app.bell()

    def action_worst(self) -> None:
        worst = self.decisions.worst_pending()
        if worst is None:
            self.notify("No hunk is left undecided.")
            return
        self.current = worst
        self._show()

    def action_toggle_order(self) -> None:
        self.worst_first = not self.worst_first
        self.notify("After each decision: the undecided hunk in the sentence likeliest to be "
                    "spun." if self.worst_first else
                    "After each decision: the next undecided hunk in the article.")

    def action_accept(self) -> None:
        if self.decisions.hunks:
            self.decisions.accept(self.current)
            self._advance([self.current])

    def action_reject(self) -> None:
        if self.decisions.hunks:
            self.decisions.reject(self.current)
            self._advance([self.current])

    def action_choose(self, number: int) -> None:
        if not self.decisions.hunks:
            return
        alternatives = self.decisions.hunks[self.current].alternatives
        if not 1 <= number <= len(alternatives):
            self.notify(f"This hunk has no alternative {number}.", severity="warning")
            return
        self.decisions.choose(self.current, number - 1)
        self._advance([self.current])

    def action_edit(self) -> None:
        if not self.decisions.hunks:
            return
        index = self.current
        hunk = self.decisions.hunks[index]
        decision = self.decisions[index]
        start = decision.final if decision.verdict.applied else hunk.after

        def edited(final: str | None) -> None:
            if final is not None:
                self.decisions.edit(index, final)
                self._advance([index])

        self.app.push_screen(PromptScreen(f"Replace “{hunk.before}” with:", start), edited)

    def action_accept_above(self) -> None:
        def accept(answer: str | None) -> None:
            if answer is None:
                return
            self.threshold = float(answer)
            accepted = self.decisions.accept_above(self.threshold)
            self.notify(f"Accepted {len(accepted)} hunks at {percent(self.threshold)} or more.")
            if self.current in accepted:
                self._advance(accepted)
            else:  # the editor has yet to decide on the hunk in view: stay on it
                self._show(accepted)

        self.app.push_screen(
            PromptScreen(
                "Accept every undecided hunk with a confidence of at least (0 to 1):",
                str(self.threshold),
                [Number(minimum=0, maximum=1)],
            ),
            accept,
        )

    def action_undo(self) -> None:
        undone = self.decisions.undo()
        if not undone:
            self.notify("Nothing to undo.")
            return
        self.current = undone[0]
        self._show(undone)

    def action_save(self) -> bool:
        # The first save of a session keeps what stood at the output before (an
        # earlier review's, or a hand-edited copy) as .bak.
        backup = not self._saved and self.files.restored.exists()
        try:
            self.decisions.save(self.files, backup=backup)
        except OutputError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15,
                        markup=False)
            return False
        self._saved = True
        kept = f" (what was there is kept as {self.files.restored.name}.bak)" if backup else ""
        # file names are shown as they are: "story [draft].txt" is no markup
        self.notify(f"Saved {self.files.restored.name}{kept} and {self.files.decisions.name}.",
                    markup=False)
        self.query_one(ReviewProgress).show(self.decisions)
        return True

    def action_page(self, direction: int) -> None:
        article = self.query_one(ArticleView)
        if direction > 0:
            article.scroll_page_down()
        else:
            article.scroll_page_up()

    def action_scroll_hunk(self, direction: int) -> None:
        self.query_one(HunkPanel).page(direction)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.BINDINGS, self.files))

    def action_quit(self) -> None:
        pending, unsaved = self.decisions.pending, self.decisions.unsaved
        if not pending and not unsaved:
            self.app.exit()
            return
        reasons = []
        if pending:
            reasons.append(f"Not reviewed yet: {pending} of {len(self.decisions)} hunks.")
        if unsaved:
            reasons.append("Not saved: your decisions since the last save.")

        def answered(answer: str | None) -> None:
            if answer == "quit" or (answer == "save" and self.action_save()):
                self.app.exit()

        self.app.push_screen(QuitScreen("\n".join(reasons), can_save=unsaved), answered)

    def on_hunk_selected(self, message: HunkSelected) -> None:
        self.current = message.index
        self._show()

    def on_alternative_chosen(self, message: AlternativeChosen) -> None:
        self.action_choose(message.number)

    def _advance(self, changed: Iterable[int]) -> None:
        """After a decision: go to the next undecided hunk in the review's order, or
        say that none is left."""
        following = (self.decisions.worst_pending() if self.worst_first
                     else self.decisions.next_pending(self.current))
        if following is None:
            self.notify(f"All {len(self.decisions)} hunks reviewed: s saves, q quits.")
        else:
            self.current = following
        self._show(changed)

    def _show(self, changed: Iterable[int] = ()) -> None:
        changed = list(changed)
        self.query_one(ArticleView).show(self.current, changed)
        self.query_one(HunkPanel).show(self.decisions, self.current)
        if changed:
            self.query_one(ReviewProgress).show(self.decisions)

"""ReviewApp and `run_review`: open a document, analyse it, let the editor review it.

`run_review(path, analyse)` reads the input, resumes the decisions saved next
to it when they match its text, and otherwise runs `analyse` in a worker
thread behind a progress screen; then the editor reviews on `ReviewScreen`.
It returns the exit status: 0 after a review, or a `RestoreError`'s own status
(printed as one line on stderr) when the input, the decisions file or the
models are unusable. Any other exception from `analyse` is a bug and is raised
again once the screen is restored. `ReviewApp.open` builds the same app without
running it (tests drive it headless).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from pathlib import Path

from textual.app import App
from textual.worker import Worker, WorkerState

from restore.analysis import CLEAN_COPY_CONFIDENCE, MIN_SPIN, Analysis
from restore.errors import InputError, reported
from restore.inputs import read_text
from restore.pipeline import DEFAULT_THRESHOLD
from tui.decisions import Decisions, ReviewFiles
from tui.screens.analysing import AnalysingScreen
from tui.screens.confirm_quit import QuitScreen
from tui.screens.review import ReviewScreen


class ReviewApp(App[None]):
    """The review of one document; `decisions` is None until the analysis is done."""

    TITLE = "restore"

    def __init__(
        self,
        files: ReviewFiles,
        text: str,
        analyse: Callable[[str], Analysis],
        threshold: float = DEFAULT_THRESHOLD,
        decisions: Decisions | None = None,
        notice: str | None = None,
        worst_first: bool = False,
    ) -> None:
        super().__init__()
        self.files = files
        self.text = text
        self.analyse = analyse
        self.threshold = threshold
        self.decisions = decisions
        self.notice = notice
        self.worst_first = worst_first
        self.error: BaseException | None = None
        """What stopped the analysis, for `run_review` to report once the app is closed."""

    @classmethod
    def open(
        cls,
        path: Path,
        analyse: Callable[[str], Analysis],
        output: Path | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        worst_first: bool = False,
    ) -> ReviewApp:
        """The app for `path`, resuming its decisions file when it matches the text.

        Raises InputError (or its DecisionsFileError) when a file cannot be read,
        or when the review could not be saved (`ReviewFiles`).
        """
        files = ReviewFiles.beside(path, output)
        text = read_text(path)
        files.check_writable()
        # By name too: a suffix-less story's decisions file is where releases before
        # 2026-12-05 kept story.txt's.
        decisions = (Decisions.load(files.decisions, text, files.input.name)
                     if files.decisions.exists() else None)
        if decisions is None and files.earlier_decisions.is_file():
            # another file's review (story.md's, or a suffix-less story's own file):
            # neither resumed nor replaced
            with suppress(InputError):
                decisions = Decisions.load(files.earlier_decisions, text, files.input.name)
        notice = None
        if decisions is None and files.decisions.exists():
            notice = (
                f"{files.decisions.name} was saved for another version of {path.name}, or "
                "for another file: starting a new review (saving replaces it)."
            )
        return cls(files, text, analyse, threshold, decisions, notice, worst_first)

    def on_mount(self) -> None:
        if self.notice:
            self.notify(self.notice, severity="warning", timeout=10, markup=False)
        if self.decisions is not None:
            self.push_screen(self._review_screen())
            return
        self.push_screen(AnalysingScreen(self.files.input.name, len(self.text.split())))
        self.run_worker(self._analysis(), exit_on_error=False)

    async def _analysis(self) -> Analysis:
        """The engine's analysis of the text, made in a daemon thread.

        The engine takes seconds on a long article, so it runs beside the event
        loop; and an editor who quits while it runs must get the shell back at
        once, which a worker thread, waited for when the process ends, would not
        allow. The engine cannot be stopped half-way, so its thread is left to die
        with the process.
        """
        loop = asyncio.get_running_loop()
        result: asyncio.Future[Analysis] = loop.create_future()

        def settle(settle_with: Callable[[], None]) -> None:
            if not result.done():
                settle_with()

        def work() -> None:
            try:
                analysis = self.analyse(self.text)
            except Exception as error:  # the app reports it once the screen is restored
                outcome = partial(result.set_exception, error)
            else:
                outcome = partial(result.set_result, analysis)
            with suppress(RuntimeError):  # the app, and its loop, closed first
                loop.call_soon_threadsafe(settle, outcome)

        threading.Thread(target=work, name="restore-analysis", daemon=True).start()
        return await result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._stop(event.worker.error)
        elif event.state is WorkerState.SUCCESS:
            analysis = event.worker.result
            try:
                self.decisions = Decisions(self.text, analysis.hunks,
                                           sentences=analysis.sentences)
            except ValueError as error:  # hunks that do not fit the text: an engine bug
                self._stop(error)
                return
            looks_clean = bool(analysis.hunks) and analysis.spin_score < MIN_SPIN
            if looks_clean:  # A first offers what --auto would apply here
                self.threshold = max(self.threshold, CLEAN_COPY_CONFIDENCE)
            self.switch_screen(self._review_screen())
            if looks_clean:
                # The same gate as `restore --auto`: an editor should know these are guesses.
                self.notify(
                    f"{self.files.input.name} looks clean (spin score {analysis.spin_score:.2f}): "
                    f"its suggestions are guesses; --auto would apply only those of "
                    f"{CLEAN_COPY_CONFIDENCE:.0%} or more.", timeout=10, markup=False,
                )

    async def action_quit(self) -> None:
        # ctrl+q anywhere, and the analysing screen's q: the review asks before
        # losing work, even from the help or a prompt on top of it.
        if isinstance(self.screen, QuitScreen):
            self.screen.action_quit_again()
            return
        review = next((s for s in self.screen_stack if isinstance(s, ReviewScreen)), None)
        if review is None:
            self.exit()
        else:
            review.action_quit()

    def _review_screen(self) -> ReviewScreen:
        assert self.decisions is not None
        return ReviewScreen(self.decisions, self.files, self.threshold, self.worst_first)

    def _stop(self, error: BaseException | None) -> None:
        self.error = error
        self.exit(return_code=getattr(error, "exit_code", 1))


def run_review(
    path: Path,
    analyse: Callable[[str], Analysis],
    output: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    worst_first: bool = False,
) -> int:
    """Review `path` in the terminal; save to `output` (default `ReviewFiles.beside`).

    `analyse` is only called when no decisions file for this exact text exists.
    With `worst_first`, the review begins in the sentence likeliest to be spun
    and each decision goes on to the next such hunk (`o` in the review).
    """

    def review() -> int | None:
        app = ReviewApp.open(path, analyse, output, threshold, worst_first)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # a script or CI job that forgot --auto would wait for keys for ever
            raise InputError("the review needs a terminal; restore without one with --auto")
        app.run()
        if app.error is not None:
            raise app.error
        return app.return_code

    return reported(review, "restore")

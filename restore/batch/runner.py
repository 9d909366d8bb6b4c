"""Runner: documents in, each sent to a worker, each result handed back in input order.

`run` keeps a few documents per worker in flight (enough to keep every worker
busy, few enough that memory stays bounded whatever the batch size) and hands
each result, in input order, to `done`; documents that cannot be read or whose
processing failed go to `failed`, and the batch goes on. A progress bar
(documents, words/s, ETA) goes to stderr when it is a terminal.

When Ctrl-C or a dead worker process stops the batch, `run` cancels what has
not started and returns a `Summary` that says what was finished and what is
missing; every finished output was written whole before the next one began.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field

from tqdm import tqdm

from restore.batch.sources import Doc
from restore.batch.workers import Result, Task, process
from restore.errors import RestoreError

IN_FLIGHT_PER_WORKER = 4


@dataclass
class Summary:
    """What a batch did; `stopped` says why it ended early, if it did."""

    total: int | None = None  # documents in the batch, when known
    done: int = 0
    skipped: int = 0  # already done by an earlier run
    failed: int = 0
    looked_clean: int = 0  # done documents whose guesses the gate held back
    withheld: int = 0  # suggestions held back in them
    stopped: str | None = None
    cut_off: list[str] = field(default_factory=list)  # in flight when it stopped

    @property
    def complete(self) -> bool:
        return self.stopped is None and self.failed == 0

    def describe(self) -> str:
        """One paragraph for stderr."""
        parts = [f"{self.done:,} done"]
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped (done before)")
        if self.failed:
            parts.append(f"{self.failed:,} failed (reported above)")
        if self.looked_clean:
            parts.append(f"{self.looked_clean:,} looked clean, so {self.withheld:,} guess(es) "
                         "in them were not applied (--min-spin 0 applies them)")
        if self.stopped is None:
            return ", ".join(parts)
        seen = self.done + self.skipped + self.failed
        missing = f"{self.total - seen:,}" if self.total is not None else "the rest"
        first = f", from {self.cut_off[0]}" if self.cut_off else ""
        return (f"{self.stopped}: " + ", ".join(parts) + f"; {missing} not done{first}. "
                "Rerun the same command to finish them")


def run(
    docs: Iterable[Doc],
    executor: Executor,
    slots: int,
    task: Task,
    *,
    done: Callable[[Doc, object], None],
    failed: Callable[[Doc, str], None],
    skip: Callable[[Doc], bool] = lambda doc: False,
    total: int | None = None,
) -> Summary:
    """Process `docs` on `executor` (`slots` at a time) and report each through the callbacks.

    A `RestoreError` raised by a worker (models that will not load) stops the
    batch and propagates: no document could succeed.
    """
    summary = Summary(total=total)
    window: deque[tuple[Doc, Future | None]] = deque()
    words = 0
    bar = tqdm(total=total, unit="doc", dynamic_ncols=True, disable=not sys.stderr.isatty())

    def report_failure(doc: Doc, error: str) -> None:
        tqdm.write(f"restore: {error}", file=sys.stderr)
        failed(doc, error)
        summary.failed += 1
        bar.update()

    def finish(doc: Doc, future: Future | None) -> None:
        nonlocal words
        if future is None:
            report_failure(doc, doc.error)
            return
        try:
            result: Result = future.result()
        except (BrokenExecutor, RestoreError):
            raise
        except Exception as error:  # a bug on one document must not sink the batch
            report_failure(doc, f"{doc.name}: internal error ({type(error).__name__}: "
                                f"{error}); please report it")
            return
        done(doc, result.output)
        summary.done += 1
        summary.looked_clean += result.withheld > 0
        summary.withheld += result.withheld
        words += len(doc.text.split())
        bar.set_postfix_str(f"{words / max(bar.format_dict['elapsed'], 1e-9):,.0f} words/s",
                            refresh=False)
        bar.update()

    try:
        for doc in docs:
            if doc.error is None and skip(doc):
                summary.skipped += 1
                bar.update()
                continue
            # Unreadable documents queue up too, so that everything is reported in order.
            future = None if doc.error else executor.submit(process, task, doc.text,
                                                              doc.source.jsonl)
            window.append((doc, future))
            if len(window) >= slots * IN_FLIGHT_PER_WORKER:
                finish(*window[0])
                window.popleft()  # only once finished: a stop leaves it among the cut off
        while window:
            finish(*window[0])
            window.popleft()
    except (KeyboardInterrupt, BrokenExecutor) as error:
        summary.stopped = ("interrupted" if isinstance(error, KeyboardInterrupt)
                           else "a worker process died (killed, or out of memory?)")
        summary.cut_off = [doc.name for doc, _ in window]
    finally:
        for _, future in window:  # left over only when the batch stopped early
            if future:
                future.cancel()
        bar.close()
    return summary

"""Batch: many documents restored or scored at once, for feeds, archives and CI.

    restore --auto INPUT... -o DIR   ->  restore_many   (outputs mirror the inputs under DIR)
    restore score INPUT...           ->  score_many     (one score per document)

The modules read in the order a batch runs:

    sources  inputs -> documents: files, directories, JSON Lines (files or stdin)
    workers  the per-document job, and the processes (or Dask cluster) that run it
    runner   documents -> workers -> results in order; progress; interruptions
    folder   results -> output files, and the manifest that makes a rerun resume

`restore_many` returns the exit status: 0 when every document is done (now or
by an earlier run), `EXIT_INCOMPLETE` (4) when some failed or a dead worker cut
the batch short; each failure is reported on stderr and the rest of the batch
is done, so a rerun retries only what is missing. Ctrl-C prints the same
summary and propagates as KeyboardInterrupt.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from restore.analysis import fails
from restore.batch.folder import OutputFolder, StdoutRecords
from restore.batch.runner import Summary, run
from restore.batch.sources import (
    Doc,
    Source,
    check_destination,
    count,
    documents,
    is_batch,
    plan,
    shown_path,
)
from restore.batch.workers import Task, Workers, cores_each, open_workers
from restore.errors import RestoreError

__all__ = ["EXIT_INCOMPLETE", "Source", "Task", "Workers", "check_destination", "cores_each",
           "is_batch", "plan", "restore_many", "score_many"]

EXIT_INCOMPLETE = 4


class IncompleteBatch(RestoreError):
    """A worker process died and the batch could not score every document."""

    exit_code = EXIT_INCOMPLETE


def restore_many(sources: Sequence[Source], out_dir: Path | None, task: Task,
                 workers: Workers, *, force: bool = False) -> int:
    """Restore every document of `sources` into `out_dir` (None: JSON Lines to stdout)."""
    if out_dir is None:
        sink: OutputFolder | StdoutRecords = StdoutRecords()
    else:
        settings = {"threshold": task.threshold, "min_spin": task.min_spin,
                    "output": task.output}
        sink = OutputFolder(out_dir, settings, force=force,
                            suffix=".json" if task.output == "json" else "", sources=sources)
    try:
        with open_workers(workers, task) as (executor, slots):
            summary = run(documents(sources), executor, slots, task, done=sink.write,
                          failed=sink.failed, skip=sink.is_done, total=count(sources))
    finally:
        sink.close()
    print(f"restore: {summary.describe()}", file=sys.stderr)
    if summary.stopped == "interrupted":
        raise KeyboardInterrupt
    return 0 if summary.complete else EXIT_INCOMPLETE


_LINE_END = re.compile(r"\r\n|\r|\n")


def score_many(sources: Sequence[Source], task: Task, workers: Workers,
               fail_above: float) -> tuple[list[dict], list[dict]]:
    """A score entry per document that could be scored, an error entry per one that could not.

    Entries are what `restore.report.render_scores` takes: `file`, `id` (JSON
    Lines), `spin_score`, `failed` (above `fail_above`) and `worst_sentences`
    with the `line` each starts on; errors have `file`, `id`, `line`, `error`.
    """
    results: list[dict] = []
    errors: list[dict] = []

    def scored(doc: Doc, result: dict) -> None:
        for sentence in result["worst_sentences"]:
            # lines as an editor counts them, whatever ends them (old Mac files end in \r)
            sentence["line"] = doc.line or len(
                _LINE_END.findall(doc.text, 0, sentence["start"])) + 1
        results.append({**_where(doc), **result, "failed": fails(result["spin_score"], fail_above)})

    def unreadable(doc: Doc, error: str) -> None:
        errors.append({**_where(doc), "line": doc.line, "error": error})

    with open_workers(workers, task) as (executor, slots):
        summary: Summary = run(documents(sources), executor, slots, task, done=scored,
                               failed=unreadable, total=count(sources))
    if summary.stopped == "interrupted":
        print(f"restore: {summary.describe()}", file=sys.stderr)
        raise KeyboardInterrupt
    if summary.stopped:
        raise IncompleteBatch(summary.describe())
    return results, errors


def _where(doc: Doc) -> dict:
    return {"file": shown_path(doc.source.path)} | ({"id": doc.id} if doc.source.jsonl else {})

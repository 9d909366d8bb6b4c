"""Workers: a document's text in, in a worker process, the small result the parent writes out.

`process(task, text)` is the whole per-document job: analyse the text and keep
only what the output needs (the restored text, the `--json` object, a JSON Lines
record or a score, in a `Result`), so little travels back to the parent. The models are loaded
once per process by `cached_restorer`, which serves local worker processes and
Dask workers alike.

`open_workers` gives a `concurrent.futures.Executor` and how many documents it
runs at once: a pool of `--jobs` spawned processes, or a Dask cluster
(`restore.cluster`); `cores_each` is each one's share of the cores. Pool
workers load the models as they start, ignore Ctrl-C (the parent handles it
and lets them finish the document at hand), and exit when the parent dies, so
a killed batch leaves no stray processes.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from restore.analysis import MIN_SPIN, score_pieces, shown
from restore.errors import RestoreError, ignore_interrupts

if TYPE_CHECKING:
    from restore.pipeline import Restorer

Output = Literal["text", "json", "score"]


@dataclass(frozen=True)
class Task:
    """What to do with every document of a batch."""

    output: Output  # restored text | --json analysis | spin score
    models: Path | None = None  # None: the shipped models
    threshold: float | None = None  # None: the model's own
    reference: Path | None = None  # an archive of clean articles to restore from
    neural: Path | bool = False  # the neural refiner: True for the shipped one
    seq2seq: bool = False  # the neural refiner rescores with the seq2seq too
    worst: int = 3  # worst sentences kept for a score
    min_spin: float = MIN_SPIN  # documents scored lower get only near-certain repairs
    threads: int = 1  # each worker's for its candidate model: its share of the cores


@dataclass(frozen=True)
class Workers:
    """Where documents are processed: `jobs` local processes, or a Dask cluster."""

    jobs: int = 1
    cluster: str | None = None  # "local" or "local:N"
    scheduler: str | None = None  # address of a running Dask scheduler


@dataclass(frozen=True)
class Result:
    """What `process` gives back for one document: its output, and how many
    suggestions the document gate held back because the copy looks clean
    (`Analysis.withheld`)."""

    output: str | dict
    withheld: int = 0


def process(task: Task, text: str, record: bool = False) -> Result:
    """The result of `task` on one document's text.

    A JSON Lines `record` is restored to `{"restored", "spin_score", "edits"}`
    whatever `task.output` says (the parent adds its id).
    """
    restorer = _restorer(task)
    threshold = restorer.threshold if task.threshold is None else task.threshold
    if task.output == "score":  # sentence scores alone (no suggestion kept), piece by piece
        scored = score_pieces(restorer.pieces(text, keep_from=math.inf), task.worst)
        return Result({
            "spin_score": shown(scored.spin_score),
            "worst_sentences": [
                {"start": s.start, "end": s.end, "score": shown(s.score),
                 "text": text[s.start : s.end]}
                for s in scored.worst
            ],
        })
    # restored text needs only the edits it may apply; JSON needs every one
    only_text = task.output == "text" and not record
    analysis = restorer.analyse(text, keep_from=threshold if only_text else 0.0)
    withheld = len(analysis.withheld(threshold, task.min_spin))
    if record:
        full = analysis.to_json(threshold, task.min_spin)
        return Result({key: full[key] for key in ("restored", "spin_score", "edits")}, withheld)
    if task.output == "text":
        return Result(analysis.restored(threshold, task.min_spin), withheld)
    return Result(analysis.to_json(threshold, task.min_spin), withheld)


def _restorer(task: Task) -> Restorer:
    return cached_restorer(task.models, task.reference, task.neural, task.seq2seq, task.threads)


@cache
def cached_restorer(
    models: Path | None,
    reference: Path | None = None,
    neural: Path | bool = False,
    seq2seq: bool = False,
    threads: int = 1,
) -> Restorer:
    """The restorer `Restorer.load` gives for these options, loaded on first use
    in this process and kept."""
    _import_lightgbm_alone()
    # Imported here so that `restore --help` and argument errors stay instant.
    from restore.pipeline import Restorer

    restorer = Restorer.load(models, reference=reference, neural=neural, seq2seq=seq2seq,
                             threads=threads)
    collect_less()
    return restorer


# Analysing a document makes a few hundred thousand small objects (candidates,
# their spans, remembered forms). At Python's default thresholds the cycle
# collector ran every 700 of them, and now and then walked every object of the
# loaded models as well: a sixth of the engine's time on 20,800 words. Almost
# none of those objects are in cycles, so reference counting frees them anyway;
# collecting less often left peak memory as it was.
COLLECTOR_THRESHOLDS = (50_000, 20, 10)


def collect_less() -> None:
    """Keep the cycle collector off what is loaded now, and let it run less often."""
    gc.freeze()  # what is loaded now lives as long as the process: never walk it again
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def cores_each(workers: Workers) -> int:
    """The cores each of `workers`' processes has to itself: a share of this
    machine's for a local pool, one on a Dask cluster (one thread per process)."""
    if workers.cluster or workers.scheduler:
        return 1
    return max(1, (os.cpu_count() or 1) // workers.jobs)


def _import_lightgbm_alone() -> None:
    """Import LightGBM without its scikit-learn estimators, unless either is loaded.

    LightGBM imports scikit-learn (1.5-2.5 s, most of `restore`'s start-up) only
    to offer `LGBMClassifier`; the engine predicts with a `Booster`, which needs
    none of it. This runs only in the processes of the `restore` command, which
    never uses those estimators; scikit-learn itself stays importable after it.
    """
    if "lightgbm" in sys.modules or "sklearn" in sys.modules:
        return
    sys.modules["sklearn"] = None  # type: ignore[assignment]  # `import sklearn` raises ImportError
    try:
        import lightgbm  # noqa: F401
    finally:
        del sys.modules["sklearn"]


@contextmanager
def open_workers(workers: Workers, task: Task) -> Iterator[tuple[Executor, int]]:
    """An executor for `process` and how many documents it runs at once."""
    if workers.cluster or workers.scheduler:
        from restore.cluster import dask_executor

        with dask_executor(workers.cluster, workers.scheduler) as opened:
            yield opened
        return
    # Spawned, not forked: a fork of a process whose OpenMP threads ran (LightGBM
    # or torch predicting on several cores) hangs on its first parallel step.
    pool = ProcessPoolExecutor(workers.jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(task, os.getpid()))
    with pool:
        yield pool, workers.jobs


def _start_worker(task: Task, parent: int) -> None:
    ignore_interrupts()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    # Models or a reference archive that will not load: raised again by the first
    # `process`, where the parent reports it (an initializer's error breaks the pool).
    with suppress(RestoreError):
        _restorer(task)


def _exit_with(parent: int) -> None:
    # A worker waiting for work would outlive a parent killed with SIGKILL, since
    # the pool's queue stays open in every worker; a new parent id means orphaned.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)

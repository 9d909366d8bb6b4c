"""Cluster: a Dask cluster in, a `concurrent.futures.Executor` for batch work out.

Optional: `pip install '.[cluster]'` installs dask[distributed]. Dask rather than
Ray: a light pure-Python install, a `LocalCluster` of processes for one machine
and the same `Client` for a real cluster, and `Client.get_executor()` speaks
`concurrent.futures`, so the batch code is the same as for local processes.

    --cluster local[:N]    start a LocalCluster of N worker processes (default:
                           one per CPU) for this run, and stop it afterwards
    --scheduler ADDRESS    use a running cluster (`dask scheduler`, `dask worker`);
                           its workers need restore installed and the models at
                           the same path (`--models`)

Each Dask worker process loads the models once, on its first document, through
the per-process cache in `restore.batch.workers`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager

from restore.errors import InputError

INSTALL_HINT = "the cluster extra is not installed; pip install 'restore[cluster]'"


@contextmanager
def dask_executor(cluster: str | None = None,
                  scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor on Dask and how many tasks it runs at once (its worker threads)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    with ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout="10s"))
            except OSError as error:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}") \
                    from None
        else:
            # One thread per process: the engine is CPU-bound Python, so threads
            # would only queue on the GIL. The status server takes any free port
            # rather than warn that another run holds the usual one.
            local = stack.enter_context(LocalCluster(
                n_workers=local_workers(cluster), threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.WARNING,
            ))
            client = stack.enter_context(Client(local))
        # pure=False: two documents with the same text are still two tasks.
        yield client.get_executor(pure=False), max(sum(client.nthreads().values()), 1)


def local_workers(spec: str | None) -> int:
    """The N of "local:N" (one per CPU for "local"); InputError for anything else."""
    found = re.fullmatch(r"local(?::([1-9][0-9]*))?", spec or "local")
    if not found:
        raise InputError(f"--cluster takes local or local:N (N workers), not {spec!r}")
    return int(found[1]) if found[1] else os.cpu_count() or 1

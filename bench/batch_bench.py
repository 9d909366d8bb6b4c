"""Benchmark of batch mode (`restore --auto` on many documents); prints its figures.

0. CPU ceiling: the speed-up of 2 processes of plain arithmetic over 1.
1. Scaling: `--articles` synthetic articles (default 200: clean test-split news
   from ../shared spun with the models' synonym table; the clean seeds when
   ../shared is absent) restored as a directory into an output folder by 1,
   then 2 worker processes, through the batch runner. The clock starts once
   every worker has loaded the models (start-up is printed apart: it is paid
   once per batch, whatever its size). Prints wall time, words/s, the workers'
   CPU seconds and the speed-up, best of `--repeat` alternating runs.
2. Archive scale: a JSON Lines feed of `--records` short documents (default
   10,000 paragraphs), restored with 2 workers into a folder; the parent is
   killed with SIGKILL about half-way, then the same command is run again.
   Prints the peak resident memory (parent, and parent plus workers), whether
   any worker outlived the parent, what the rerun did and skipped, and whether
   the output holds each record exactly once, in order.

Part 2 runs the real command line in subprocesses. The models are `--models`,
else models/ when it holds a full set, else the tiny test models built on the
fly (about 3 s); the output says which. Run on an otherwise idle machine: on
a shared one the speed-up cannot exceed what the machine grants, which part 0
measures with plain arithmetic (the load average is printed too):

    nice python bench/batch_bench.py
    nice python bench/batch_bench.py --articles 50 --records 2000   # quicker

Needs psutil (installed with the cluster extra) to sample memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from restore.batch.folder import OutputFolder  # noqa: E402
from restore.batch.runner import run  # noqa: E402
from restore.batch.sources import documents, plan  # noqa: E402
from restore.batch.workers import Task, Workers, open_workers, process  # noqa: E402
from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents  # noqa: E402
from restore.errors import ModelError  # noqa: E402
from restore.pipeline import MODELS_DIR, Restorer  # noqa: E402
from restore.spinner import Spinner  # noqa: E402
from restore.thesaurus import SynonymTable  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs of each kind in parts 0 and 1; the best counts")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="share of the feed done when the parent is killed")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for inputs and outputs (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        models, which = pick_models(args.models, work)
        print(f"models: {which} ({models})")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} CPUs")
        articles, paragraphs = texts(args.shared, args.articles, args.records)
        spinner = Spinner(SynonymTable.load(models / "synonyms.tsv.gz"), seed=1)
        if args.articles:
            ceiling(args.repeat)
            scaling(work, models, [spinner.spin(a).spun for a in articles], args.repeat)
        if args.records:
            archive(work, models, [spinner.spin(p).spun for p in paragraphs], args.kill_at)


def pick_models(given: Path | None, work: Path) -> tuple[Path, str]:
    if given:
        return given, "given"
    try:
        Restorer.load(MODELS_DIR)
        return MODELS_DIR, "shipped models/"
    except ModelError:
        return build_tiny_models(work / "tiny-models"), "tiny test models (models/ incomplete)"


def build_tiny_models(out: Path) -> Path:
    """The models of the `tiny_models` test fixture."""
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import build_tiny_models as build

    out.mkdir(parents=True, exist_ok=True)
    return build(out)


def texts(shared: Path, n_articles: int, n_paragraphs: int) -> tuple[list[str], list[str]]:
    """Clean articles of 250 to 1,500 words, and paragraphs of 15 words or more."""
    if (shared / "data" / "corpus").is_dir():
        docs = [d.text for d in iter_documents(shared, NEWS_SOURCES, split="test")]
        print(f"texts: test-split news of {shared}")
    else:
        sys.path.insert(0, str(REPO / "tests"))
        from conftest import clean_seed_texts

        docs = ["\n\n".join(clean_seed_texts()[i : i + 6]) for i in range(0, 60, 3)]
        print("texts: the clean seed articles (no ../shared)")
    articles = [d for d in docs if 250 <= len(d.split()) <= 1500]
    paragraphs = [p for d in docs for p in d.split("\n\n") if len(p.split()) >= 15]
    return ([articles[i % len(articles)] for i in range(n_articles)],
            [paragraphs[i % len(paragraphs)] for i in range(n_paragraphs)])


def command(models: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "restore", "--auto", "--models", str(models), *args]


def ceiling(repeat: int) -> None:
    """How much faster two processes of plain Python arithmetic are than one, right now.

    On an idle 2-core machine about 2x; on a shared one it shows what share of
    the CPU this run gets, the most that any batch speed-up can reach here.
    """
    walls: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in walls:
            with ProcessPoolExecutor(jobs) as pool:
                list(pool.map(_burn, [1] * jobs))
                start = time.perf_counter()
                list(pool.map(_burn, [2_000_000] * 8))
                walls[jobs].append(time.perf_counter() - start)
    print(f"\n0. CPU ceiling: 2 processes of plain arithmetic run "
          f"{min(walls[1]) / min(walls[2]):.2f}x as fast as 1 on this machine now")


def _burn(n: int) -> int:
    return sum(i * i for i in range(n))


def scaling(work: Path, models: Path, articles: list[str], repeat: int) -> None:
    """Steady-state throughput of the batch with 1 and 2 warm workers (start-up apart)."""
    folder = work / "articles"
    folder.mkdir(exist_ok=True)
    for i, text in enumerate(articles):
        (folder / f"{i:04}.txt").write_text(text)
    words = sum(len(a.split()) for a in articles)
    print(f"\n1. scaling: {len(articles)} articles, {words:,} words; best of {repeat} runs, "
          "alternating")
    runs: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in runs:
            runs[jobs].append(_timed_batch(folder, work / f"out-{jobs}", models, jobs))
    for jobs, measured in runs.items():
        started, wall, cpu = min(measured, key=lambda m: m[1])
        print(f"   {jobs} worker(s): start-up {started:4.1f} s, then {wall:6.1f} s wall, "
              f"{words / wall:7,.0f} words/s, workers' CPU {cpu:5.1f} s")
    same = all((work / "out-1" / "articles" / p.name).read_bytes()
               == (work / "out-2" / "articles" / p.name).read_bytes() for p in folder.iterdir())
    best = {jobs: min(m[1] for m in measured) for jobs, measured in runs.items()}
    print(f"   speed-up with 2 workers: {best[1] / best[2]:.2f}x (target 1.7x); "
          f"outputs identical: {same}")


def _timed_batch(folder: Path, out_dir: Path, models: Path, jobs: int) -> tuple[float, ...]:
    """(start-up s, wall s, workers' CPU s) of restoring `folder` into `out_dir`."""
    task = Task("text", models)
    start = time.perf_counter()
    with open_workers(Workers(jobs), task) as (executor, slots):
        # Every worker loads the models before the clock starts.
        wait([executor.submit(process, task, "Warm up.") for _ in range(4 * slots)])
        started = time.perf_counter() - start
        workers = psutil.Process().children()
        cpu = sum(sum(w.cpu_times()[:2]) for w in workers)
        out = OutputFolder(out_dir, {}, force=True)
        start = time.perf_counter()
        run(documents(plan([str(folder)])), executor, slots, task, done=out.write,
            failed=out.failed)
        wall = time.perf_counter() - start
        cpu = sum(sum(w.cpu_times()[:2]) for w in workers) - cpu
        out.close()
    return started, wall, cpu


def archive(work: Path, models: Path, paragraphs: list[str], kill_at: float) -> None:
    n = len(paragraphs)
    feed = work / "feed.jsonl"
    with feed.open("w") as stream:
        for i in range(n):
            stream.write(json.dumps({"id": i, "text": paragraphs[i]}) + "\n")
    words = sum(len(p.split()) for p in paragraphs)
    out = work / "out-feed"
    args = command(models, str(feed), "-o", str(out), "--jobs", "2", "--force")
    print(f"\n2. archive: {n:,} records, {words:,} words, 2 workers")
    first = watch(args, out / ".restore-manifest.jsonl", kill_after=int(n * kill_at))
    print(f"   killed the parent (SIGKILL) after {first['recorded']:,} records, "
          f"{first['wall']:.1f} s; workers alive 3 s later: {first['orphans']}")
    second = watch([a for a in args if a != "--force"], None)
    done = re.search(r"([\d,]+) done, ([\d,]+) skipped", second["stderr"])
    print(f"   rerun: {second['wall']:.1f} s, exit {second['code']}: "
          f"{done[1] if done else '?'} done, {done[2] if done else '?'} skipped")
    ids = [json.loads(line)["id"] for line in (out / "feed.jsonl").open()]
    print(f"   output: {len(ids):,} records, each once and in order: {ids == list(range(n))}")
    for name, measured in (("first run", first), ("rerun", second)):
        print(f"   peak RSS, {name}: parent {measured['parent'] / 2**20:,.0f} MiB, "
              f"parent + workers {measured['tree'] / 2**20:,.0f} MiB")


def watch(args: list[str], manifest: Path | None, kill_after: int = 0) -> dict:
    """Run `args`, sampling memory; SIGKILL the parent once `manifest` has `kill_after` lines."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, cwd=REPO)
    parent = psutil.Process(process.pid)
    peak_parent = peak_tree = recorded = 0
    workers: list[psutil.Process] = []
    while process.poll() is None:
        try:
            workers = parent.children(recursive=True) or workers
            rss = [parent.memory_info().rss] + [w.memory_info().rss for w in workers]
        except psutil.Error:
            continue  # a process ended between the listing and the reading
        peak_parent, peak_tree = max(peak_parent, rss[0]), max(peak_tree, sum(rss))
        if manifest is not None and manifest.exists():
            with manifest.open("rb") as lines:
                recorded = sum(1 for _ in lines) - 1
            if recorded >= kill_after:
                process.send_signal(signal.SIGKILL)
                process.wait()
                break
        time.sleep(0.1)
    wall = time.perf_counter() - start
    stderr = process.stderr.read()
    time.sleep(3)
    return {"wall": wall, "code": process.returncode, "stderr": stderr, "parent": peak_parent,
            "tree": peak_tree, "recorded": recorded,
            "orphans": sum(w.is_running() and w.status() != psutil.STATUS_ZOMBIE
                           for w in workers)}


if __name__ == "__main__":
    main()

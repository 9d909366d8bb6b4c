"""Speed and memory of `restore --auto` with the shipped models.

    python bench/engine_bench.py [--words 20000] [--shared ../shared]

Prints start-up time (import + model load, in a fresh process), words per
second after start-up on held-out (dev split) news spun by the project's
spinner, and the peak resident memory of the process. Targets (issue 2):
>= 1,000 words/s, start-up <= 3 s, peak memory <= 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def startup_seconds() -> float:
    """Import and model loading as the `restore` command does them, in a fresh interpreter."""
    code = ("import time; t = time.perf_counter(); "
            "from restore.batch.workers import cached_restorer; "
            "cached_restorer(None); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()

    from restore.batch import Workers, cores_each
    from restore.batch.workers import cached_restorer
    from restore.corpus import iter_documents
    from restore.spinner import Spinner

    spinner = Spinner.load()
    texts, words = [], 0
    for doc in iter_documents(args.shared, sources=["reuters", "bbc"], split="dev"):
        texts.append(spinner.spin(doc.text).spun)
        words += len(doc.text.split())
        if words >= args.words:
            break
    print(f"start-up (import + load, fresh process): {startup_seconds():.2f} s")
    restorer = cached_restorer(None, threads=cores_each(Workers()))  # as `restore --auto` does
    restorer.analyse(texts[0])  # warm caches as a long-running batch would
    started = time.perf_counter()
    counted = 0
    for text in texts:
        analysis = restorer.analyse(text)
        analysis.restored(restorer.threshold)
        counted += len(text.split())
    elapsed = time.perf_counter() - started
    print(f"documents: {len(texts)}, words: {counted}")
    print(f"speed: {counted / elapsed:,.0f} words/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()

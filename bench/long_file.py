"""Speed and memory of `restore --auto` on one long file.

    python bench/long_file.py --mib 5 [--json] [--keep long.txt] [--shared ../shared]

Writes a file of `--mib` MiB of spun held-out copy (test split, then dev; news
sources, then Wikipedia leads; spun by the project's spinner with seed 0, and
spun again with seeds 1, 2, ... while more is wanted than there is held-out
text, about 6 MiB), restores it with `restore --auto FILE -o OUT` (`--json`:
with --json) in a fresh process, and prints the words per second (start-up
included), the process's peak resident memory and, every `--every` seconds, its
resident memory then, which shows what grows with the file. Targets (issue 2):
>= 1,000 words/s, peak memory <= 2 GB, memory bounded for a 50 MB file.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents
from restore.spinner import Spinner

MIB = 2**20


def spun_copy(shared: Path) -> Iterator[str]:
    """Spun held-out documents without end: all of them, then all again spun anew."""
    seed = 0
    while True:
        spinner = Spinner.load(seed=seed)
        for split in ("test", "dev"):
            for doc in iter_documents(shared, (*NEWS_SOURCES, "wikipedia"), split):
                yield spinner.spin(doc.text).spun
        seed += 1


def long_text(shared: Path, chars: int) -> str:
    """`chars` characters of spun held-out copy, documents a blank line apart."""
    parts, length = [], 0
    for text in spun_copy(shared):
        parts.append(text)
        length += len(text) + 2
        if length > chars:
            break
    return "\n\n".join(parts)[:chars]


def resident_mb(pid: int) -> float | None:
    """The resident memory of process `pid` now (Linux), None where unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), None)
    return int(kb) / 1024 if kb else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=5.0, help="size of the file (default 5)")
    parser.add_argument("--json", action="store_true", help="restore with --json")
    parser.add_argument("--every", type=float, default=60.0, metavar="SECONDS",
                        help="how often to print the process's memory (default 60)")
    parser.add_argument("--keep", type=Path, help="keep the long file here")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "long.txt"
        text = long_text(args.shared, int(args.mib * MIB))
        path.write_text(text, encoding="utf-8")
        words = len(text.split())
        print(f"file: {len(text.encode()) / MIB:.1f} MiB, {words:,} words", flush=True)
        command = ["restore", "--auto", *(["--json"] if args.json else []), str(path),
                   "-o", str(Path(folder) / "out")]
        started = time.perf_counter()
        process = subprocess.Popen(command)
        while True:
            try:
                process.wait(timeout=args.every)
                break
            except subprocess.TimeoutExpired:
                rss = resident_mb(process.pid)
                if rss is not None:
                    print(f"  {time.perf_counter() - started:6.0f} s: {rss:,.0f} MB", flush=True)
        elapsed = time.perf_counter() - started
        if process.returncode:
            sys.exit(f"restore failed with exit status {process.returncode}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"time: {elapsed:,.0f} s, speed: {words / elapsed:,.0f} words/s (start-up included)")
    print(f"peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()

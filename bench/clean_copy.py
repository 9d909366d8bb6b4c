"""What the engine does to clean copy from each corpus source; prints the figures.

Editors and CI jobs meet clean copy far more often than spun copy, and not
all of it is news of the kind the models learned from (Reuters 1987, BBC
2004-05). For held-out documents (dev and test splits) of each source, this
counts the edits `restore --auto` would apply, per 1,000 words, and the
documents `restore score` would fail at its default gate (and at each of
`--gates`, for a CI job choosing its own):

    python bench/clean_copy.py --shared ../shared [--gates 0.7 0.9]
"""

from __future__ import annotations

import argparse
from itertools import islice
from pathlib import Path

from restore.config import DEFAULT_FAIL_ABOVE
from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents
from restore.pipeline import Restorer

MIN_WORDS = 60  # headlines and stubs say little about a document's score
SOURCES = (*NEWS_SOURCES, "wikipedia", "state_union")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--documents", type=int, default=100,
                        help="per source and split (dev, test)")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    parser.add_argument("--examples", type=int, default=4, help="edits to show per source")
    parser.add_argument("--gates", type=float, nargs="+", default=[],
                        help="also count the documents `restore score` fails at these gates")
    args = parser.parse_args()
    restorer = Restorer.load(args.models, threads=2)
    gates = "".join(f" {'>' + format(g, 'g'):>6}" for g in args.gates)
    print(f"{'source':<12} {'documents':>9} {'words':>8} {'edits':>6} {'per 1,000':>9} "
          f"{'failed':>6}{gates}  examples")
    for source in SOURCES:
        documents = [d.text for split in ("dev", "test")
                     for d in islice((d for d in iter_documents(args.shared, (source,), split)
                                      if len(d.text.split()) >= MIN_WORDS), args.documents)]
        words = sum(len(text.split()) for text in documents)
        analyses = [restorer.analyse(text) for text in documents]
        edits = [h for a in analyses for h in a.applied(restorer.threshold)]
        failed = [sum(a.spin_score > g for a in analyses)
                  for g in (DEFAULT_FAIL_ABOVE, *args.gates)]
        examples = ", ".join(f"{h.before.strip()} -> {h.after}" for h in edits[: args.examples])
        print(f"{source:<12} {len(documents):>9} {words:>8,} {len(edits):>6} "
              f"{1000 * len(edits) / max(words, 1):>9.2f}"
              + "".join(f" {n:>6}" for n in failed) + f"  {examples}")


if __name__ == "__main__":
    main()

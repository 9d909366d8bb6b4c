"""How deep into a thesaurus list spinners reach: a real spinner's and ours; prints the figures.

For each one-word swap (spun word, original word), the rank of the spun word in
the original's list of the synonym table, lemmas compared. The real spinner's
swaps are the tortured phrases' aligned word pairs; ours are the synonym and
loose swaps the project's spinner makes on held-out news. The real one reaches
far deeper; a spinner made to reach as deep was tried and not shipped (bench/README.md,
"On a spinner it has never seen"; branch `experiment/rank-profile`):

    python bench/spinner_ranks.py --shared ../shared
"""

from __future__ import annotations

import argparse
from itertools import islice
from pathlib import Path

from restore.build import fingerprint_phrases
from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents
from restore.lexicon import fingerprint_pairs
from restore.morphology import readings
from restore.spinner import Spinner
from restore.thesaurus import DEFAULT_TABLE, SynonymTable

CUTS = (1, 5, 10, 30, 60, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="synonym table")
    parser.add_argument("--documents", type=int, default=200, help="dev documents to spin")
    args = parser.parse_args()
    table = SynonymTable.load(args.table)
    tortured = sorted(set(fingerprint_pairs(fingerprint_phrases(args.shared))))
    spinner = Spinner(table, seed=0)
    documents = islice(iter_documents(args.shared, NEWS_SOURCES, "dev"), args.documents)
    ours = [
        (s.spun.lower(), s.original.lower())
        for doc in documents
        for s in spinner.spin(doc.text).substitutions
        if s.family in ("synonym", "loose") and " " not in s.spun
    ]
    print(f"{'swaps':<34} {'pairs':>6} {'in table':>8}  "
          + "  ".join(f"{'top ' + str(cut):>7}" for cut in CUTS))
    named = (("tortured phrases (a real spinner)", tortured), ("this project's spinner", ours))
    for name, pairs in named:
        ranks = [r for r in (rank(table, spun, orig) for spun, orig in pairs) if r is not None]
        shares = (sum(r < cut for r in ranks) / len(ranks) for cut in CUTS)
        print(f"{name:<34} {len(pairs):>6,} {len(ranks):>8,}  "
              + "  ".join(f"{share:>7.2f}" for share in shares))


def rank(table: SynonymTable, spun: str, original: str) -> int | None:
    """The best rank of `spun` in a list of `original` (either as lemmas), or None."""
    spun_lemmas = lemmas(spun)
    found = [
        r
        for head in lemmas(original)
        for r, synonym in enumerate(table.entries(head))
        if synonym.text in spun_lemmas
    ]
    return min(found, default=None)


def lemmas(word: str) -> set[str]:
    return {word, *(lemma for lemma, _, _ in readings(word))}


if __name__ == "__main__":
    main()

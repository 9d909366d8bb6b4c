"""How often the candidate generator proposes a real spinner's original; prints the figures.

The known tortured phrases (`../shared/data/fingerprints/tortured-phrases.json`)
are the only substitutions of real spinners we hold. Their word pairs
("steed" -> "horse") are aligned as the lexicon build aligns them; for each,
the inverted thesaurus alone (no learned pairs, no fingerprints, so nothing
here has seen these pairs) proposes originals for the spun word, and we count
the pairs whose original is in the shortlist the ranker sees (`--shortlist`,
the generator's default `SHORTLIST`) and among every original the lexicon keeps.

    python bench/fingerprint_coverage.py --shared ../shared
"""

from __future__ import annotations

import argparse
from pathlib import Path

from restore.build import fingerprint_phrases
from restore.candidates import SHORTLIST, CandidateGenerator
from restore.corpus import DEFAULT_SHARED
from restore.lexicon import MAX_ORIGINALS, Lexicon, fingerprint_pairs
from restore.segmentation import segment
from restore.thesaurus import DEFAULT_TABLE, SynonymTable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="synonym table")
    parser.add_argument("--shortlist", type=int, default=SHORTLIST)
    args = parser.parse_args()
    pairs = sorted(set(fingerprint_pairs(fingerprint_phrases(args.shared))))
    lexicon = Lexicon.build(SynonymTable.load(args.table), [], [])
    generators = {
        f"shortlist of {args.shortlist}": CandidateGenerator(lexicon, args.shortlist),
        f"all kept ({MAX_ORIGINALS})": CandidateGenerator(lexicon, MAX_ORIGINALS),
    }
    print(f"{len(pairs):,} word pairs from the tortured phrases")
    for name, generator in generators.items():
        found = sum(original in proposed(generator, spun) for spun, original in pairs)
        print(f"original proposed, {name:<16} {found:6,}  {found / len(pairs):.3f}")


def proposed(generator: CandidateGenerator, word: str) -> set[str]:
    """The originals `generator` proposes for `word` standing alone, lowercase."""
    document = segment(word)
    return {c.text.lower() for c in generator.generate(document)
            if c.first == 0 and c.last == len(document.sentences[c.sentence].tokens)}


if __name__ == "__main__":
    main()

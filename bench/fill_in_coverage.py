"""How often the language model's fill-ins hold a swapped word's original; prints the figures.

The candidate generator proposes originals from the thesauri and learned pairs.
For a spinner whose lists it does not hold, the original is often none of them
(bench/README.md, "On a spinner it has never seen"). This script measures a source that
needs no list: the words the n-gram model finds likeliest in the swapped word's
place, given the `order - 1` words either side (every word of the model's
vocabulary with a Zipf frequency of at least `--min-zipf` is tried there).

For each one-word swap of the pairs (each place where a spun sentence and its
original, of the same length, read different words), it prints the share whose
original is among the first k fill-ins, overall and among the swaps whose
original the generator's shortlist lacks. With `--without-fingerprints` the
generator does not know the tortured phrases, as in `bench/foreign_spinner.py`,
whose `--pairs-out` pairs this is meant for:

    python bench/foreign_spinner.py --split dev --rate 1 --pairs-out foreign.jsonl
    python bench/fill_in_coverage.py --pairs foreign.jsonl --without-fingerprints
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from restore.candidates import CandidateGenerator
from restore.evaluation import read_pairs
from restore.frequency import zipf
from restore.language_model import BOS, EOS
from restore.pipeline import Restorer
from restore.segmentation import Sentence, segment

TOP = (10, 50, 200, 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", required=True, type=Path, help="JSON Lines of {spun, original}")
    parser.add_argument("--swaps", type=int, default=300, help="one-word swaps to measure")
    parser.add_argument("--min-zipf", type=float, default=3.0,
                        help="fill-ins are the model's words at least this common in English")
    parser.add_argument("--without-fingerprints", action="store_true",
                        help="the generator does not know the tortured phrases")
    args = parser.parse_args()
    restorer = Restorer.load(None)
    lexicon = restorer.generator.lexicon
    generator = CandidateGenerator(lexicon.without("fingerprint")
                                   if args.without_fingerprints else lexicon)
    lm = restorer.ranker.lm
    fill_ins = [w for w in lm.vocab if w.isalpha() and zipf(w) >= args.min_zipf]
    fill_in_ids = lm.encode(fill_ins)
    position = {word: k for k, word in enumerate(fill_ins)}
    context = lm.order - 1
    ranks, shortlisted = [], []
    for sentence, i, original in islice(one_word_swaps(read_pairs(args.pairs)), args.swaps):
        ids = lm.encode([BOS, *(t.norm for t in sentence.tokens), EOS])
        # ids[0] is <s>, so token i is ids[i + 1]
        left, after = ids[max(0, i + 1 - context) : i + 1], ids[i + 2 : i + 2 + context]
        scores = lm.window_logprobs([([*left, v, *after], len(left)) for v in fill_in_ids])
        at = position.get(original)
        ranks.append(len(fill_ins) if at is None else int((scores > scores[at]).sum()))
        shortlisted.append(original in {c.text.lower() for c in
                                        generator.for_sentence(0, sentence, within=(i, i + 1))
                                        if c.last == i + 1})
        if len(ranks) % 50 == 0:
            print(f"{len(ranks)}/{args.swaps} swaps", flush=True)
    rank, held = np.asarray(ranks), np.asarray(shortlisted, dtype=bool)
    print(f"{len(rank)} one-word swaps; {len(fill_ins):,} fill-ins tried at each; "
          f"original in the generator's shortlist: {held.mean():.3f}")
    for k in TOP:
        print(f"original among the first {k:>4} fill-ins: {np.mean(rank < k):.3f}  "
              f"(of the swaps the shortlist lacks: {np.mean(rank[~held] < k):.3f})")


def one_word_swaps(pairs: list[tuple[str, str]]) -> Iterator[tuple[Sentence, int, str]]:
    """(spun sentence, token index, original word) for each word of a spun sentence
    that differs from the word in its place in the original sentence, where the
    two have as many tokens (so the words align one for one)."""
    for spun, original in pairs:
        for sentence, clean in zip(segment(spun).sentences, segment(original).sentences,
                                   strict=False):
            if len(sentence.tokens) != len(clean.tokens):
                continue
            for i, (word, right) in enumerate(zip(sentence.tokens, clean.tokens, strict=True)):
                if word.norm != right.norm and right.norm.isalpha():
                    yield sentence, i, right.norm


if __name__ == "__main__":
    main()

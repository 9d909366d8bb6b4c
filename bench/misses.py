"""Where the engine loses the gold edits of held-out pairs; prints the share of each kind.

Each gold edit (spun span -> original, aligned as `restore eval` aligns them) is
put in the first kind that fits, so the shares say which stage to improve:

    restored            a hunk at the gold span with the original, at or above the threshold
    first, unconfident  the original is its span's likeliest candidate, but under the threshold
    ranked lower        the original is a candidate of the span, not the likeliest
    not a candidate     the span has candidates, none of them the original
    no such span        no candidate replaces exactly this span (mostly neighbouring
                        swaps that the gold alignment merges, often mended word by word)

    python bench/make_eval_pairs.py --split dev --out dev_pairs.jsonl
    python bench/misses.py --pairs dev_pairs.jsonl --limit 60
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

from restore.diffing import diff_hunks
from restore.evaluation import read_pairs, spread
from restore.pipeline import Restorer

KINDS = ("restored", "first, unconfident", "ranked lower", "not a candidate", "no such span")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", required=True, help="JSON Lines of {spun, original}")
    parser.add_argument("--limit", type=int, default=60,
                        help="pairs to read, spread over the file (so in its mix of sources)")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    parser.add_argument("--examples", type=int, default=8, help="misses to show per kind")
    args = parser.parse_args()
    restorer = Restorer.load(args.models, threads=2)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    pairs = spread(read_pairs(args.pairs), args.limit)
    for spun, original in pairs:
        document = restorer.segment(spun)
        candidates = restorer.candidates(document)
        probabilities = restorer.rank(document, candidates)
        options: dict[tuple[int, int], list[tuple[float, str]]] = defaultdict(list)
        for candidate, p in zip(candidates, probabilities, strict=True):
            tokens = document.sentences[candidate.sentence].tokens
            span = tokens[candidate.first].start, tokens[candidate.last - 1].end
            options[span].append((float(p), candidate.text))
        # The analysis is what `--auto` applies (gate, overlaps resolved) but keeps only
        # the likeliest candidates of each span, so the ranking above is read as well.
        applied = {(h.start, h.end, h.after) for h in
                   restorer.analyse(spun).applied(restorer.threshold)}
        for gold in diff_hunks(spun, original):
            ranked = [text for _, text in sorted(options.get((gold.start, gold.end), []),
                                                 reverse=True)]
            if (gold.start, gold.end, gold.after) in applied:
                kind = "restored"
            elif not ranked:
                kind = "no such span"
            elif gold.after not in ranked:
                kind = "not a candidate"
            else:
                kind = "first, unconfident" if ranked[0] == gold.after else "ranked lower"
            counts[kind] += 1
            shown = ", ".join(text or "(delete)" for text in ranked[:3]) or "none"
            examples[kind].append(f"{gold.before.strip()!r} -> {gold.after!r} "
                                  f"(candidates: {shown})")
    total = sum(counts.values())
    print(f"{total:,} gold edits in {len(pairs)} pairs at threshold {restorer.threshold}")
    for kind in KINDS:
        print(f"{kind:<20} {counts[kind]:>6,} {counts[kind] / max(total, 1):>7.1%}")
    rng = random.Random(0)
    for kind in KINDS[1:]:
        shown = rng.sample(examples[kind], min(args.examples, len(examples[kind])))
        print(f"\n{kind}:\n" + "\n".join(f"  {line}" for line in shown))


if __name__ == "__main__":
    main()

"""Where the WER target is lost, by spinner family; prints each family's share and reduction.

`restore eval` gives one word error rate for all of a pair's swaps. This script
re-spins each original of a pairs file made by `bench/make_eval_pairs.py` (the
spinner is seeded per text, so the spun copy comes back exactly, with the record
of every substitution and its family), runs `restore --auto` on the spun copy,
and splits the token errors by family.

Substitutions and applied hunks that overlap are taken together, as one stretch
of text; a stretch holding substitutions of one family counts for that family,
and one of several families for "mixed". Each stretch's token errors against the
original are counted before (the spun copy) and after (the restored copy), as
`restore eval` counts them over whole documents; hunks that touch no
substitution are false edits, whose errors only count after. So each row says
how much of the input's word error a family holds, and how much of it the
engine removes:

    python bench/make_eval_pairs.py --split test --out test_pairs.jsonl
    python bench/families.py --pairs test_pairs.jsonl
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from restore.errors import RestoreError, reported
from restore.evaluation import read_pairs, spread, text_tokens, token_errors
from restore.hunk import Hunk, apply_hunks
from restore.pipeline import Restorer
from restore.spinner import FAMILIES, Spinner, SpinRates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", required=True, type=Path,
                        help="pairs made by bench/make_eval_pairs.py")
    parser.add_argument("--seed", type=int, default=0, help="the spinner seed they were made with")
    parser.add_argument("--rate-scale", type=float, default=1.0,
                        help="the --rate-scale they were made with")
    parser.add_argument("--limit", type=int, help="pairs to read, spread over the file")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    args = parser.parse_args()
    sys.exit(reported(lambda: measure(args), parser.prog))


def measure(args: argparse.Namespace) -> None:
    """Run the engine on the pairs and print the table."""
    restorer = Restorer.load(args.models, threads=2)
    rates = SpinRates().scaled(args.rate_scale)
    spinner = Spinner.load(rates=rates, seed=args.seed)
    before, after, swaps, fixed, edits = Counter(), Counter(), Counter(), Counter(), Counter()
    for number, (spun, original) in enumerate(
            tqdm(spread(read_pairs(args.pairs), args.limit), unit="pair"), start=1):
        record = spinner.spin(original)
        if record.spun != spun:
            raise RestoreError(
                f"{args.pairs}, pair {number}: re-spinning its original does not give its "
                "spun copy; give the --seed and --rate-scale the pairs were made with")
        gold = [s.to_hunk() for s in record.substitutions]
        applied = restorer.analyse(spun).applied(restorer.threshold)
        for stretch_gold, stretch_hunks in stretches(gold, applied):
            family = family_of(stretch_gold)
            start = min(h.start for h in stretch_gold + stretch_hunks)
            end = max(h.end for h in stretch_gold + stretch_hunks)
            text = spun[start:end]
            reference = text_tokens(apply_hunks(text, shifted(stretch_gold, start)))
            restored = text_tokens(apply_hunks(text, shifted(stretch_hunks, start)))
            before[family] += token_errors(reference, text_tokens(text))
            after[family] += token_errors(reference, restored)
            swaps[family] += len(stretch_gold)
            fixed[family] += len(stretch_gold) * (reference == restored)
            edits[family] += len(stretch_hunks)
    print_table(before, after, swaps, fixed, edits)


def stretches(gold: list[Hunk], applied: list[Hunk]) -> list[tuple[list[Hunk], list[Hunk]]]:
    """The gold and applied hunks grouped into runs that overlap one another, in order."""
    tagged = sorted([(h.start, h.end, 0, h) for h in gold]
                    + [(h.start, h.end, 1, h) for h in applied], key=lambda item: item[:2])
    out: list[tuple[list[Hunk], list[Hunk]]] = []
    end = -1
    for start, stop, kind, hunk in tagged:
        if start >= end:  # overlaps nothing before it: a new stretch
            out.append(([], []))
        out[-1][kind].append(hunk)
        end = max(end, stop)
    return out


def family_of(gold: list[Hunk]) -> str:
    """The spinner family of a stretch's substitutions; "false edit" with none."""
    found = {h.source.removeprefix("spinner:") for h in gold}
    return "false edit" if not found else found.pop() if len(found) == 1 else "mixed"


def shifted(hunks: list[Hunk], offset: int) -> list[Hunk]:
    return [replace(h, start=h.start - offset, end=h.end - offset) for h in hunks]


def print_table(before: Counter, after: Counter, swaps: Counter, fixed: Counter,
                edits: Counter) -> None:
    """One row per family: its swaps and the share restored exactly, the edits applied
    in its stretches, its token errors before and after, its share of the errors
    before, and its WER reduction."""
    print(f"{'family':<12} {'swaps':>6} {'restored':>9} {'edits':>6} {'errors in':>10} "
          f"{'share':>6} {'errors out':>11} {'reduction':>10}")
    total = sum(before.values())
    for family in (*FAMILIES, "mixed", "false edit", "all"):
        counts = [sum(c.values()) if family == "all" else c[family]
                  for c in (swaps, fixed, edits, before, after)]
        n, f, made, b, a = counts
        if not any(counts):
            continue
        restored = f"{f / n:>9.3f}" if n else f"{'':>9}"
        reduction = f"{1 - a / b:>10.3f}" if b else f"{'':>10}"
        print(f"{family:<12} {n:>6} {restored} {made:>6} {b:>10} {b / max(total, 1):>6.3f} "
              f"{a:>11} {reduction}")


if __name__ == "__main__":
    main()

"""How the engine does on a spinner it has never seen; prints `restore eval`'s figures.

Every other figure of the project is measured on copy spun by the project's own
spinner, which draws on the same synonym table the candidate generator inverts.
Real spinners use their own word lists. The only real spinner's word list we
hold is the tortured-phrase list (`../shared/data/fingerprints/`): its aligned
word pairs ("steed" -> "horse") are a small synonym list of a real spinner.

This script spins held-out news with those pairs alone (each news word that
a pair rewrites, other than the commonest function words, is swapped at
`--rate` for one of its tortured forms, in its case) and evaluates the engine
with its own knowledge of those pairs withheld (the lexicon's fingerprint
entries are hidden), so the figures say how well it generalises to a spinner
whose list it does not hold:

    python bench/foreign_spinner.py --shared ../shared --split test
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from restore.build import fingerprint_phrases
from restore.candidates import CandidateGenerator
from restore.corpus import DEFAULT_SHARED, NEWS_MIX, NEWS_SOURCES, news_mix
from restore.evaluation import evaluate
from restore.frequency import zipf
from restore.lexicon import fingerprint_pairs
from restore.morphology import match_case
from restore.output import write_text
from restore.pipeline import Restorer

COMMONEST = 5.8  # Zipf: "the", "and", "new" stay; spinners leave function words alone
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--documents", type=int, default=100,
                        help="how many, in the evaluation pairs' mix of news sources")
    parser.add_argument("--source", choices=NEWS_SOURCES,
                        help="this news source's documents only (bench/README.md's figures "
                             "before its section by news source are the first 100 of Reuters)")
    parser.add_argument("--rate", type=float, default=0.5,
                        help="share of the words the list can rewrite that are rewritten")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    parser.add_argument("--neural", type=Path, nargs="?", const=True, default=False,
                        help="with the neural detector too (of a checkpoint folder, if given)")
    parser.add_argument("--seq2seq", action="store_true", help="and the seq2seq rescorer")
    parser.add_argument("--gates", type=float, nargs="+", default=[],
                        help="also count the documents `restore score` fails at these gates")
    parser.add_argument("--pairs-out",
                        help="also write the pairs here (`restore eval --pairs` reads them)")
    args = parser.parse_args()

    swaps = defaultdict(list)
    for spun, original in fingerprint_pairs(fingerprint_phrases(args.shared)):
        if zipf(original) < COMMONEST and spun not in swaps[original]:
            swaps[original].append(spun)
    rng = random.Random(args.seed)
    mix = ((args.source, 1),) if args.source else NEWS_MIX
    docs = news_mix(args.shared, args.split, args.documents, mix=mix)
    pairs = [(spin(d.text, swaps, args.rate, rng), d.text) for d in docs]
    sources = [d.source for d in docs]
    if args.pairs_out:
        write_text("".join(json.dumps({"spun": spun, "original": original, "source": source},
                                      ensure_ascii=False) + "\n"
                           for (spun, original), source in zip(pairs, sources, strict=True)),
                   args.pairs_out)

    restorer = Restorer.load(args.models, neural=args.neural, seq2seq=args.seq2seq, threads=2)
    restorer.generator = CandidateGenerator(restorer.generator.lexicon.without("fingerprint"))
    report = evaluate(pairs, restorer.analyse, restorer.threshold, progress=True,
                      groups=None if args.source else sources)
    print(f"{len(pairs)} {args.split} documents spun with the tortured-phrase word pairs "
          f"at rate {args.rate}; the engine's fingerprint entries withheld")
    print(report.to_text())
    for gate in args.gates:
        print(f"restore score --fail-above {gate:g} fails {report.failed(1, gate)} of the "
              f"{report.documents} spun documents and {report.failed(0, gate)} of their originals")


def spin(text: str, swaps: dict[str, list[str]], rate: float, rng: random.Random) -> str:
    """`text` with each word that `swaps` rewrites swapped at `rate`."""

    def swap(match: re.Match) -> str:
        word = match.group()
        options = swaps.get(word.lower())
        if not options or rng.random() >= rate:
            return word
        return match_case(word, rng.choice(options))

    return _WORD.sub(swap, text)


if __name__ == "__main__":
    main()

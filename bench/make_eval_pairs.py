"""Make the held-out evaluation pairs used for the README figures.

    python bench/make_eval_pairs.py --split test --out test_pairs.jsonl
    restore eval --pairs test_pairs.jsonl

150 documents of at least 60 words from the dev or test split (never trained
on), mixed across news sources (60 Reuters, 50 BBC, 30 ABC, 10 WSJ), each spun
by the project's spinner with seed 0; lines {"spun", "original", "source"}, so
that `restore eval --group-by source` gives each source's figures too. `--rate-scale`
multiplies every family's default rate, for lightly (< 1) or heavily spun copy:

    python bench/make_eval_pairs.py --split test --rate-scale 0.25 --out light_pairs.jsonl

News wire files stories again under new ids, and a sixth of these documents
repeat much of a training one, which the language model has read.
`--max-overlap 0.1` keeps to documents of which at most a tenth of the 8-word
runs occur in the train split (`restore.corpus.TrainOverlap`; a minute to read):

    python bench/make_eval_pairs.py --split test --max-overlap 0.1 --out new_pairs.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from restore.corpus import DEFAULT_SHARED, TrainOverlap, news_mix
from restore.output import write_text
from restore.spinner import Spinner, SpinRates

PAIRS = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rate-scale", type=float, default=1.0,
                        help="multiply every family's default spin rate by this")
    parser.add_argument("--max-overlap", type=float,
                        help="only documents with at most this share of their 8-word runs "
                             "in the train split")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    rates = SpinRates().scaled(args.rate_scale)
    spinner = Spinner.load(rates=rates, seed=args.seed)
    overlap = TrainOverlap(args.shared) if args.max_overlap is not None else None
    keep = (lambda text: overlap.share(text) <= args.max_overlap) if overlap else (lambda _: True)
    lines = []
    for doc in news_mix(args.shared, args.split, PAIRS, keep):
        spun = spinner.spin(doc.text)
        record = {"spun": spun.spun, "original": spun.original, "source": doc.source}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    write_text("".join(lines), args.out)


if __name__ == "__main__":
    main()

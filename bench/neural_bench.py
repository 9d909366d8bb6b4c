"""Benchmark of the neural models on held-out (spun, original) pairs; prints the ablation.

Each configuration runs the statistical engine of `--models` with or without
the neural parts of `--neural`, and is measured with `restore.evaluation` (what
`restore eval --pairs` reports) on the same pairs:

    statistical   the engine alone
    + detector    neural detection (combined sentence scores) and detector-aware rescoring
    + seq2seq     the seq2seq rescorer, gated by the statistical detection
    full          both

It also reports the sentence ROC AUC of the neural detector alone, how often
each configuration's top candidate is the gold original on spans whose gold
original was proposed and looked at by the seq2seq, and the peak memory.

    python -m restore.spinner --split dev --limit 150 --out /tmp/dev.jsonl
    nice python bench/neural_bench.py --pairs /tmp/dev.jsonl

Each configuration runs at the threshold the checkpoint fitted for its parts,
as `restore --neural [--seq2seq]` does.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from restore.batch.workers import collect_less
from restore.diffing import diff_hunks
from restore.evaluation import EvalReport, evaluate, read_pairs, spread
from restore.neural.checkpoint import DEFAULT_FOLDER
from restore.neural.models import NeuralModels
from restore.pipeline import Restorer
from restore.segmentation import segment

CONFIGURATIONS = {
    "statistical": None,
    "+ detector": {"use_detector": True, "use_seq2seq": False},
    "+ seq2seq": {"use_detector": False, "use_seq2seq": True},
    "full": {"use_detector": True, "use_seq2seq": True},
}


def top_candidate_accuracy(restorer: Restorer, pairs) -> dict[str, float]:
    """On spans whose gold original the generator proposed and the seq2seq scored:
    how often the ranker's and the rescored top candidate is that original."""
    hits = {"ranker": 0, "rescored": 0}
    spans = 0
    for spun, original in pairs:
        document = segment(spun)
        candidates = restorer.candidates(document)
        probabilities = restorer.rank(document, candidates)
        detection, rescored = restorer.neural.refine(
            document, candidates, probabilities,
            restorer.detect(document, candidates, probabilities),
        )
        gains = restorer.neural.rescorer.scorer.gains(
            document, candidates, probabilities, detection
        )
        gold = {(h.start, h.end): h.after for h in diff_hunks(spun, original)}
        by_span: dict[tuple[int, int, int], list[int]] = {}
        for i, c in enumerate(candidates):
            if not np.isnan(gains[i]):
                by_span.setdefault((c.sentence, c.first, c.last), []).append(i)
        for (sentence, first, last), members in by_span.items():
            tokens = document.sentences[sentence].tokens
            after = gold.get((tokens[first].start, tokens[last - 1].end))
            right = [i for i in members if candidates[i].text == after]
            if not right:
                continue
            spans += 1
            hits["ranker"] += max(members, key=lambda i: probabilities[i]) in right
            hits["rescored"] += max(members, key=lambda i: rescored[i]) in right
    return {"spans": spans, **{k: round(v / max(spans, 1), 4) for k, v in hits.items()}}


def neural_sentence_auc(neural: NeuralModels, pairs) -> float:
    """Sentence ROC AUC of the detector's largest token log-odds alone, labelled as
    `restore eval` labels sentences."""
    labels, scores = [], []
    for spun, original in pairs:
        gold = diff_hunks(spun, original)
        for text, positive in ((spun, True), (original, False)):
            document = segment(text)
            for sentence, odds in zip(
                document.sentences, neural.detector.token_logits(document), strict=True
            ):
                touched = any(h.start < sentence.end and sentence.start < h.end for h in gold)
                if positive and not touched:
                    continue
                labels.append(int(positive))
                scores.append(float(odds.max(initial=-20.0)))
    return float(roc_auc_score(labels, scores))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", required=True, type=Path)
    parser.add_argument("--models", type=Path, default=None, help="statistical engine")
    parser.add_argument("--neural", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--limit", type=int, default=None,
                        help="pairs to read, spread over the file (to keep its mix of sources)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--only", nargs="*", default=list(CONFIGURATIONS))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    pairs = spread(read_pairs(args.pairs), args.limit)
    # The candidate model on the cores torch uses, as `restore --auto --neural FILE` loads it
    base = Restorer.load(args.models, threads=args.threads or torch.get_num_threads())
    figures: dict[str, dict] = {}
    for name in args.only:
        options = CONFIGURATIONS[name]
        neural = None if options is None else NeuralModels.load(args.neural, **options)
        collect_less()  # as `restore` does once its models are loaded
        threshold = base.threshold if neural is None else neural.threshold or base.threshold
        restorer = Restorer(base.generator, base.ranker, base.detector, threshold,
                            base.proposers, neural, base.fill_ins)
        started = time.time()
        report: EvalReport = evaluate(pairs, restorer.analyse, threshold)
        figures[name] = {
            "threshold": threshold,
            **report.to_json(),
            "wall_seconds": round(time.time() - started, 1),
        }
        if neural is not None and options["use_seq2seq"]:
            figures[name]["top_candidate"] = top_candidate_accuracy(restorer, pairs)
        if name == "+ detector":
            figures[name]["neural_alone_sentence_auc"] = round(
                neural_sentence_auc(neural, pairs), 4
            )
        print(name, json.dumps(figures[name]), file=sys.stderr, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npairs: {len(pairs)} from {args.pairs}; peak memory {peak:.0f} MB; "
        f"torch threads {torch.get_num_threads()}\n"
    )
    print(
        "| configuration | WER reduction | edit F0.5 | precision | recall | "
        "clean edits / 1,000 words | sentence AUC | words/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, f in figures.items():
        print(
            f"| {name} | {f['wer_reduction']:.3f} | {f['edit_f05']:.3f} | "
            f"{f['edit_precision']:.3f} | {f['edit_recall']:.3f} | "
            f"{f['clean_edits_per_1000_words']:.2f} | {f['sentence_roc_auc']:.4f} | "
            f"{f['words_per_second']:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"peak_mb": round(peak), **figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

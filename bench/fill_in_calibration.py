"""Fits the fill-ins' confidences and document evidence (`restore.fill_ins`); shows how they hold.

Runs the engine on spun held-out pairs and their originals with every fill-in
kept (down to confidence 0), judges each as `restore eval` judges suggestions
(right when it puts back part of the original; any on a clean original is
wrong), and fits a logistic function of its features (`restore.fill_ins.FEATURES`)
to the two spinners' pairs together: the project's, and one made of the
tortured-phrase list, whose fingerprints the engine is not shown. Then prints,
for each set of pairs and band of confidence, how many fill-ins there were and
the share right.

It also fits how the fill-ins revise a document's spin score
(`DOCUMENT_WEIGHT`, `DOCUMENT_OFFSET`): on the documents of both sets of
pairs and on clean dev-split copy from six sources (as `bench/clean_copy.py`
reads them), from the fill-ins the shipped weights make, with the offset that
makes the revision nil on the clean documents on average. After changing
`WEIGHTS`, run it again for these.

    python bench/make_eval_pairs.py --split dev --out dev_pairs.jsonl
    python bench/foreign_spinner.py --split dev --rate 1 --pairs-out foreign.jsonl
    python bench/fill_in_calibration.py --pairs dev_pairs.jsonl --foreign foreign.jsonl
"""

from __future__ import annotations

import argparse
from itertools import islice, pairwise
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from restore.candidates import CandidateGenerator
from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents
from restore.diffing import diff_hunks
from restore.evaluation import read_pairs, spread, suggestion_is_right
from restore.fill_ins import (
    DOCUMENT_OFFSET,
    DOCUMENT_WEIGHT,
    FEATURES,
    LOGIT_CLIP,
    MIN_CONFIDENCE,
    SOURCE,
    FillIns,
)
from restore.pipeline import Restorer
from restore.ranking import logit
from restore.segmentation import segment

BANDS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.01)
CLEAN_SOURCES = (*NEWS_SOURCES, "wikipedia", "state_union")
CLEAN_DOCUMENTS, MIN_WORDS = 100, 60  # per source, as bench/clean_copy.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True, help="the project's spun pairs")
    parser.add_argument("--foreign", type=Path, required=True,
                        help="pairs of the tortured-phrase spinner (bench/foreign_spinner.py)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--limit", type=int, default=150,
                        help="pairs to read of each, spread over the file")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    args = parser.parse_args()

    restorer = Restorer.load(args.models, threads=2)
    assert restorer.fill_ins is not None
    restorer.fill_ins.min_confidence = 0.0
    own = Judged(restorer, spread(read_pairs(args.pairs), args.limit))
    clean = [d.text for source in CLEAN_SOURCES
             for d in islice((d for d in iter_documents(args.shared, (source,), "dev")
                              if len(d.text.split()) >= MIN_WORDS), CLEAN_DOCUMENTS)]
    clean_copy = Judged(restorer, [(text, text) for text in clean], spun=False)
    restorer.generator = CandidateGenerator(restorer.generator.lexicon.without("fingerprint"))
    foreign = Judged(restorer, spread(read_pairs(args.foreign), args.limit))

    x = np.vstack([own.features, foreign.features])
    y = np.concatenate([own.right, foreign.right])
    fit = LogisticRegression(C=10.0, max_iter=1000).fit(x, y)
    print(f"FEATURES = {FEATURES}")
    print(f"WEIGHTS, INTERCEPT = ({', '.join(f'{w:.3f}' for w in fit.coef_[0])}), "
          f"{fit.intercept_[0]:.3f}")
    for name, judged in (("project's spinner", own), ("tortured phrases", foreign)):
        confidence = fit.predict_proba(judged.features)[:, 1]
        print(f"\n{name}: {len(judged.right)} fill-ins, {judged.right.mean():.2f} right")
        print(f"{'confidence':>10}  {'fill-ins':>8}  {'mean':>5}  {'right':>5}")
        for low, high in pairwise(BANDS):
            chosen = (confidence >= low) & (confidence < high)
            if chosen.any():
                print(f"{low:>4.2f}-{min(high, 1):<4.2f}  {chosen.sum():>8}  "
                      f"{confidence[chosen].mean():>5.2f}  {judged.right[chosen].mean():>5.2f}")

    documents = np.vstack([own.documents, foreign.documents, clean_copy.documents])
    score, evidence, spun = documents.T
    clean_mean = evidence[spun == 0].mean()  # the revision is nil on clean copy on average

    def loss(weight: float) -> float:  # the log-loss of the revised scores
        z = score + weight * (evidence - clean_mean)
        return float(np.sum(np.logaddexp(0, z) - spun * z))

    weight = minimize_scalar(loss, bounds=(0.0, 50.0), method="bounded").x
    offset = -weight * clean_mean
    print(f"\nDOCUMENT_WEIGHT, DOCUMENT_OFFSET = {weight:.3f}, {offset:.3f}")
    for name, judged in (("project's pairs", own), ("tortured phrases", foreign),
                         ("clean copy", clean_copy)):
        score, evidence, spun = judged.documents.T
        revised = score + weight * evidence + offset
        for label, side in (("spun", 1), ("clean", 0)):
            if (spun == side).any():
                print(f"{name}, {label}: above 0.5 {np.mean(score[spun == side] > 0):.2f} "
                      f"-> {np.mean(revised[spun == side] > 0):.2f}")


class Judged:
    """Every fill-in on (spun, original) pairs: its features and whether it is
    right; and for each document, the detector's own log-odds of spin, the
    fill-in evidence, and whether it is spun."""

    def __init__(self, restorer: Restorer, pairs: list[tuple[str, str]], spun: bool = True):
        features, right, documents = [], [], []
        for text, original in tqdm(pairs, unit="pair"):
            gold = diff_hunks(text, original)
            for side, label in ((text, spun), (original, False)) if spun else ((text, False),):
                analysis = restorer.analyse(side)
                fill_ins = [h for h in analysis.hunks if h.source == SOURCE]
                features += [h.meta["features"] for h in fill_ins]
                right += [label and suggestion_is_right(text, h, gold) for h in fill_ins]
                words = segment(side).word_count
                # the detector's own score: the revision the pipeline made, undone
                own = (logit(analysis.spin_score, LOGIT_CLIP) - DOCUMENT_OFFSET
                       - DOCUMENT_WEIGHT * FillIns.evidence(fill_ins, words))
                kept = [h for h in fill_ins if h.confidence >= MIN_CONFIDENCE]
                documents.append((own, FillIns.evidence(kept, words), float(label)))
        self.features, self.right = np.array(features), np.array(right)
        self.documents = np.array(documents)


if __name__ == "__main__":
    main()

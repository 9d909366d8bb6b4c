"""Fits the fill-ins' confidence (`restore.fill_ins.WEIGHTS`, `INTERCEPT`) and shows how it holds.

Runs the engine on spun held-out pairs and their originals with every fill-in
kept (down to confidence 0), judges each as `restore eval` judges suggestions
(right when it puts back part of the original; any on a clean original is
wrong), and fits a logistic function of its features (`restore.fill_ins.FEATURES`)
to the two spinners' pairs together: the project's, and one made of the
tortured-phrase list, whose fingerprints the engine is not shown. Then prints,
for each set of pairs and band of confidence, how many fill-ins there were and
the share right:

    python bench/make_eval_pairs.py --split dev --out dev_pairs.jsonl
    python bench/foreign_spinner.py --split dev --rate 1 --pairs-out foreign.jsonl
    python bench/fill_in_calibration.py --pairs dev_pairs.jsonl --foreign foreign.jsonl
"""

from __future__ import annotations

import argparse
from itertools import pairwise
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from restore.candidates import CandidateGenerator
from restore.diffing import diff_hunks
from restore.evaluation import read_pairs, suggestion_is_right
from restore.fill_ins import FEATURES, SOURCE
from restore.pipeline import Restorer

BANDS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True, help="the project's spun pairs")
    parser.add_argument("--foreign", type=Path, required=True,
                        help="pairs of the tortured-phrase spinner (bench/foreign_spinner.py)")
    parser.add_argument("--limit", type=int, default=150, help="pairs to read of each")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    args = parser.parse_args()

    restorer = Restorer.load(args.models, threads=2)
    assert restorer.fill_ins is not None
    restorer.fill_ins.min_confidence = 0.0
    own = judged(restorer, args.pairs, args.limit)
    restorer.generator = CandidateGenerator(restorer.generator.lexicon.without("fingerprint"))
    foreign = judged(restorer, args.foreign, args.limit)

    x, y = np.vstack([own[0], foreign[0]]), np.concatenate([own[1], foreign[1]])
    fit = LogisticRegression(C=10.0, max_iter=1000).fit(x, y)
    weights = ", ".join(f"{w:.3f}" for w in fit.coef_[0])
    print(f"FEATURES = {FEATURES}")
    print(f"WEIGHTS, INTERCEPT = ({weights}), {fit.intercept_[0]:.3f}")
    for name, (features, right) in (("project's spinner", own), ("tortured phrases", foreign)):
        confidence = fit.predict_proba(features)[:, 1]
        print(f"\n{name}: {len(right)} fill-ins, {right.mean():.2f} right")
        print(f"{'confidence':>10}  {'fill-ins':>8}  {'mean':>5}  {'right':>5}")
        for low, high in pairwise(BANDS):
            chosen = (confidence >= low) & (confidence < high)
            if chosen.any():
                print(f"{low:>4.2f}-{min(high, 1):<4.2f}  {chosen.sum():>8}  "
                      f"{confidence[chosen].mean():>5.2f}  {right[chosen].mean():>5.2f}")


def judged(restorer: Restorer, pairs: Path, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The features of every fill-in on the first `limit` pairs, and whether each is right."""
    features, right = [], []
    for spun, original in tqdm(read_pairs(pairs)[:limit], unit="pair", desc=pairs.name):
        gold = diff_hunks(spun, original)
        for text, judge in ((spun, True), (original, False)):
            for hunk in restorer.analyse(text).hunks:
                if hunk.source == SOURCE:
                    features.append(hunk.meta["features"])
                    right.append(judge and suggestion_is_right(spun, hunk, gold))
    return np.array(features), np.array(right)


if __name__ == "__main__":
    main()

"""Rescoring: the ranker's candidate probabilities in, probabilities that also weigh
the neural evidence out.

The statistical ranker judges a candidate from a few words either side. Two
neural signals see the whole sentence:

- `span_logit`: the detector's log-odds that the span was spun at all; a
  restoration of wording the detector believes clean is unlikely, whatever
  the n-grams say;
- `gain` and `gain_gap` (`restore.neural.seq2seq`): how much more likely the
  decoder finds the sentence with the candidate in place than as it stands,
  and how far the candidate falls behind the best one of its span.

`Rescorer.rescore(document, candidates, probabilities, detection)` joins them
with the ranker's log-odds in small logistic models fitted on held-out
documents (`python -m restore.neural.training combine`), one per set of
signals, so the probabilities stay calibrated and each signal can be switched
off for the ablation in models/README.md. A candidate the seq2seq did not
score gets the model without it.

Why rescore rather than let the decoder write: free decoding by a decoder
trained for minutes on CPU rarely gives the whole original sentence back (see
models/neural/seq2seq.md), and what it writes may change wording that was never
spun. Rescoring only re-orders what the candidate generator proposed, so clean
wording cannot be rewritten, and the capitalisation is the candidates' own
(cased like the input, although the MiniLM vocabulary is uncased).
"""

from __future__ import annotations

import numpy as np

from restore.candidates import Candidate, best_by_span, span_of
from restore.detection import Detection
from restore.errors import ModelError
from restore.neural.seq2seq import Seq2SeqScorer
from restore.ranking import LogisticModel, logit
from restore.segmentation import Document

FEATURES = ("ranker_logit", "span_logit", "gain", "gain_gap")
# The signals each model uses, by the name it has in neural.json.
MODELS = {
    "detector": ("ranker_logit", "span_logit"),
    "seq2seq": ("ranker_logit", "gain", "gain_gap"),
    "full": FEATURES,
}
# The models each choice of signals needs, (use_detector, use_seq2seq) -> names,
# and the name of that choice (the key of its threshold in neural.json).
NEEDED = {(True, True): ("detector", "full"), (True, False): ("detector",),
          (False, True): ("seq2seq",), (False, False): ()}
MODES = {(True, True): "full", (True, False): "detector", (False, True): "seq2seq"}


class Rescorer:
    """Recomputes candidate probabilities with the detector and/or the seq2seq."""

    def __init__(
        self, models: dict[str, LogisticModel], scorer: Seq2SeqScorer | None, use_detector: bool
    ) -> None:
        needed = NEEDED[use_detector, scorer is not None]
        missing = [name for name in needed if name not in models]
        if missing:
            raise ModelError(f"the neural checkpoint lacks the {', '.join(missing)} rescoring "
                             "model; run `python -m restore.neural.training combine`")
        self.models, self.scorer, self.use_detector = models, scorer, use_detector
        self.mode = MODES.get((use_detector, scorer is not None))

    @classmethod
    def from_config(
        cls, config: dict, scorer: Seq2SeqScorer | None, use_detector: bool = True
    ) -> Rescorer:
        """The rescorer with the models stored in a checkpoint's `neural.json`."""
        stored = config.get("rescorer", {})
        models = {name: LogisticModel.from_json(stored[name], MODELS[name])
                  for name in MODELS if name in stored}
        return cls(models, scorer, use_detector)

    def rescore(
        self,
        document: Document,
        candidates: list[Candidate],
        probabilities: np.ndarray,
        detection: Detection,
    ) -> np.ndarray:
        """New probabilities that each candidate is the original wording."""
        if not candidates:
            return np.zeros(0)
        gains = (self.scorer.gains(document, candidates, probabilities, detection)
                 if self.scorer is not None else np.full(len(candidates), np.nan))
        return self.probabilities(features(candidates, probabilities, detection, gains))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Probabilities for rows of `FEATURES` (NaN gain: not scored by the seq2seq;
        without the seq2seq, gains are ignored)."""
        out = 1.0 / (1.0 + np.exp(-rows[:, FEATURES.index("ranker_logit")]))
        scored = ~np.isnan(rows[:, FEATURES.index("gain")]) & (self.scorer is not None)
        if self.use_detector:
            out[~scored] = self._predict("detector", rows[~scored])
            out[scored] = self._predict("full", rows[scored])
        else:
            out[scored] = self._predict("seq2seq", rows[scored])
        return out

    def _predict(self, name: str, rows: np.ndarray) -> np.ndarray:
        columns = [FEATURES.index(f) for f in MODELS[name]]
        return self.models[name].predict(rows[:, columns]) if len(rows) else np.zeros(0)


def features(
    candidates: list[Candidate], probabilities: np.ndarray, detection: Detection, gains: np.ndarray
) -> np.ndarray:
    """One row of `FEATURES` per candidate (NaN gains stay NaN)."""
    best = best_by_span(candidates, gains)
    spans = [detection.tokens[c.sentence][c.first : c.last].max(initial=0.0) for c in candidates]
    gaps = [g - best.get(span_of(c), g) for c, g in zip(candidates, gains, strict=True)]
    return np.column_stack([
        logit(np.asarray(probabilities, dtype=float)), logit(np.asarray(spans)), gains, gaps,
    ])

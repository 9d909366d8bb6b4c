"""Detection: how likely each token, sentence and document is to have been spun.

`Detector.detect(document, candidates, probabilities)` takes the ranked
candidates of a document and gives a `Detection`: a score in [0, 1] per
token (the best candidate restoring it), per sentence and for the document.
Sentence and document scores come from small logistic models trained on
synthetic spun and clean text, so 0.5 means even odds and an editor can sort
sentences by score on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from restore.candidates import Candidate, best_by_span
from restore.ranking import LogisticModel
from restore.segmentation import Document

SENTENCE_FEATURES = ("max", "second", "sum", "strong", "share", "log_words", "document_mean")
DOCUMENT_FEATURES = ("mean", "top3", "share_spun", "max")
# A heading, a menu item or a link's text ("Politics", "Read more") is scored as a
# sentence, and so few words make a poor judge: one such sentence took a clean web page
# to even odds. The document score reads the sentences of at least this many words,
# and the engine restores nothing in the others (`Restorer`).
MIN_SENTENCE_WORDS = 3


@dataclass
class Detection:
    """Scores of one document: per token (by sentence), per sentence, overall."""

    tokens: list[np.ndarray]
    sentences: np.ndarray
    document: float


class Detector:
    """Turns candidate probabilities into token, sentence and document scores."""

    def __init__(self, sentence_model: LogisticModel, document_model: LogisticModel) -> None:
        self.sentence_model, self.document_model = sentence_model, document_model

    def detect(
        self, document: Document, candidates: list[Candidate], probabilities: np.ndarray
    ) -> Detection:
        """Score every token, sentence and the document."""
        tokens = token_scores(document, candidates, probabilities)
        sentences = self.sentence_model.predict(sentence_features(document, tokens))
        doc = float(self.document_model.predict(
            document_features(document, sentences)[None, :])[0])
        return Detection(tokens, sentences, doc)


def token_scores(
    document: Document, candidates: list[Candidate], probabilities: np.ndarray
) -> list[np.ndarray]:
    """Per sentence, per token: the best probability of a candidate covering it."""
    best = best_by_span(candidates, probabilities)
    scores = [np.zeros(len(s.tokens)) for s in document.sentences]
    for (sentence, first, last), p in best.items():
        span = scores[sentence][first:last]
        np.maximum(span, p, out=span)
    return scores


def sentence_features(document: Document, tokens: list[np.ndarray]) -> np.ndarray:
    """One row of `SENTENCE_FEATURES` per sentence."""
    rows = []
    # Spinners spin whole articles: the rest of the document is evidence too.
    document_mean = sum(t.sum() for t in tokens) / max(sum(len(t) for t in tokens), 1)
    for sentence, scores in zip(document.sentences, tokens, strict=True):
        n_words = max(1, sum(t.is_word for t in sentence.tokens))
        top = np.sort(scores)[::-1]
        rows.append([
            top[0] if len(top) else 0.0,
            top[1] if len(top) > 1 else 0.0,
            scores.sum(),
            float((scores >= 0.5).sum()),
            scores.sum() / n_words,
            math.log(n_words),
            document_mean,
        ])
    return np.asarray(rows).reshape(-1, len(SENTENCE_FEATURES))


def document_features(document: Document, sentences: np.ndarray) -> np.ndarray:
    """The `DOCUMENT_FEATURES` of `document` from its sentence scores: those of its
    sentences of `MIN_SENTENCE_WORDS` words or more, or all where none has as many."""
    telling = np.fromiter((s.word_count >= MIN_SENTENCE_WORDS for s in document.sentences),
                          bool, len(document.sentences))
    if telling.any():
        sentences = sentences[telling]
    if len(sentences) == 0:
        return np.zeros(len(DOCUMENT_FEATURES))
    top = np.sort(sentences)[::-1]
    return np.asarray([sentences.mean(), top[:3].mean(), (sentences >= 0.5).mean(), top[0]])

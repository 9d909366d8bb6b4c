"""Fill-ins: one-word restorations that the language model is sure of, for swaps no list holds.

`FillIns(lm, embeddings, synonyms, origins).extend(document, hunks, detection, threshold)` takes a
document, the engine's hunks and scores, and gives the hunks back with more. At each word
of the document, it tries the words the language model finds likeliest after the words
before it, and the words that `origins` says a spinner may have replaced with the written
one (the candidate generator's inverted thesaurus, all of it, not its shortlist). It
proposes the one likeliest in the written word's place among those for which two things hold:
- the two are thesaurus relatives (either one's list in `synonyms` holds the other);
- the window, `order - 1` words either side, is far likelier with it (`gain`, natural log).

The lexicon can only propose originals its lists keep for a spun form, and a spinner
reaches much deeper into its lists: "typical" sits 172nd among "general"'s
synonyms. The language model needs no list to find "general" in "the United Nations
Secretary-___", and the thesaurus keeps it from proposing any fluent word in place of
any other.

The context is read with the hunks at or above `threshold` applied, so that a word
is judged among restored neighbours. A fill-in takes the place of a weaker hunk on
the same word when it is the more confident, and never touches the words of a hunk at or
above `threshold`.

Its confidence is a logistic function of five things: the gain; the document's spin
score (as log-odds); how much commoner the fill-in is than the written word (Zipf
frequency; the model favours common words anywhere, so a gain that frequency explains
says less); whether the engine's own weaker suggestion for the word is the same; and how
much better the fill-in than the written word fits the six words either side in the
word embeddings (`WordEmbeddings.fits`), which see further than the n-gram window. It is
fitted on spun dev pairs of two spinners, the project's and one made of the tortured-phrase
list (`bench/fill_in_calibration.py`).

Fill-ins are also evidence that a document is spun, which the detector's scores
miss for a spinner whose lists the lexicon does not hold. `document_score` adds
their confidences per 100 words, less what clean copy has on average, to the
document score's log-odds: so the revision is nil on clean copy on average, and
raises only documents with more fill-ins than that. The weight is fitted on the
same pairs and on clean copy from six sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache

import numpy as np

from restore.detection import Detection
from restore.embeddings import WINDOW, WordEmbeddings
from restore.frequency import zipf
from restore.hunk import Hunk
from restore.language_model import BOS, EOS, NgramModel
from restore.morphology import match_case, readings
from restore.ranking import LogisticModel, logit
from restore.segmentation import Document, Sentence, words
from restore.thesaurus import SynonymTable

SHORTLIST = 100  # the likeliest words after the left context, scored on the whole window
# A spinner's original is a common word but not a function word ("the", "with"):
# spinners swap those for each other, which the lexicon's learned pairs cover, and
# as fill-ins they would fit nearly every odd place.
MIN_ZIPF, MAX_ZIPF = 3.0, 6.5
MIN_LENGTH = 3
MIN_GAIN = 6.0  # under it a fill-in is hardly ever right; the fit saw none
# Weights of `FEATURES` and the intercept of the confidence's logistic function,
# as `python bench/fill_in_calibration.py` fits and prints them.
FEATURES = ("gain", "document", "commoner", "agrees", "embedding_gain")
WEIGHTS, INTERCEPT = (0.230, 0.069, -0.100, 1.942, 0.504), -4.542
CONFIDENCE = LogisticModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)),
                           np.array(WEIGHTS), INTERCEPT)
LOGIT_CLIP = 1e-4  # the document scores' log-odds were clipped here when the weights were fitted
MIN_CONFIDENCE = 0.2  # as for the engine's own suggestions
# log-odds of spin += DOCUMENT_WEIGHT * fill-in confidence per 100 words + DOCUMENT_OFFSET,
# the offset being minus the weight times the mean of that evidence on clean copy,
# as `python bench/fill_in_calibration.py` fits and prints them
DOCUMENT_WEIGHT, DOCUMENT_OFFSET = 3.830, -0.265
SOURCE = "fill-in"
LISTS_CACHE = 1 << 12  # words whose thesaurus lists a `FillIns` keeps decoded


class FillIns:
    """Adds the language model's sure one-word restorations to a document's hunks."""

    def __init__(
        self, lm: NgramModel, embeddings: WordEmbeddings, synonyms: SynonymTable,
        origins: Callable[[str], Iterable[tuple[str, float]]] = lambda word: (),
        min_gain: float = MIN_GAIN, min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        self.lm, self.embeddings, self.synonyms, self.origins = lm, embeddings, synonyms, origins
        self.min_gain, self.min_confidence = min_gain, min_confidence
        # Each sure gain asks for two words' lists, and decoding them anew every time
        # took a sixth of the engine's time; the same words recur from document to document,
        # and so do the originals of each written word.
        self._listed = lru_cache(maxsize=LISTS_CACHE)(self._on_lists)
        self._origin_ids = lru_cache(maxsize=LISTS_CACHE)(self._encode_origins)

    def extend(
        self, document: Document, hunks: list[Hunk], detection: Detection, threshold: float,
    ) -> list[Hunk]:
        """`hunks` (sorted, disjoint) with fill-in hunks added, sorted and disjoint."""
        sure = [h for h in hunks if h.confidence >= threshold]
        weaker = [h for h in hunks if h.confidence < threshold]
        added: list[Hunk] = []
        for sentence in document.sentences:
            added += self._in_sentence(sentence, detection.document, sure, weaker)
        if not added:
            return hunks
        kept = [h for h in hunks if all(h.end <= a.start or h.start >= a.end for a in added)]
        return sorted([*kept, *added], key=lambda h: h.start)

    @staticmethod
    def evidence(hunks: Sequence[Hunk], words: int) -> float:
        """The confidences of the fill-ins among `hunks` per 100 of `words`."""
        return 100 * sum(h.confidence for h in hunks if h.source == SOURCE) / max(words, 1)

    @staticmethod
    def document_score(score: float, evidence: float) -> float:
        """The detector's document `score`, revised for the fill-ins' `evidence`."""
        revised = logit(score, LOGIT_CLIP) + DOCUMENT_WEIGHT * evidence + DOCUMENT_OFFSET
        return float(1.0 / (1.0 + np.exp(-revised)))

    @staticmethod
    def confidence(features: Sequence[float]) -> float:
        """The calibrated probability that a fill-in is the original, given its `FEATURES`."""
        return float(CONFIDENCE.predict(np.array([features], dtype=float))[0])

    def _in_sentence(
        self, sentence: Sentence, document_score: float, sure: list[Hunk],
        weaker: list[Hunk],
    ) -> list[Hunk]:
        """Fill-in hunks for one sentence, read with the `sure` hunks applied."""
        norms: list[str] = []
        places: list[tuple[int, int]] = []  # (index into norms, index of the token)
        tokens = sentence.tokens
        i = 0
        while i < len(tokens):
            token = tokens[i]
            covering = next((h for h in sure if h.start <= token.start < h.end), None)
            if covering is None:
                if _fillable(token.norm):
                    places.append((len(norms), i))
                norms.append(token.norm)
                i += 1
                continue
            norms += words(covering.after) if covering.after else []
            while i < len(tokens) and tokens[i].start < covering.end:
                i += 1
        found = self._best(norms, [at for at, _ in places])
        out = []
        for (at, index), best in zip(places, found, strict=True):
            if best is None:
                continue
            word, gain = best
            token = tokens[index]
            other = next((h for h in weaker if h.start < token.end and token.start < h.end), None)
            same_span = other is not None and (other.start, other.end) == (token.start, token.end)
            agrees = same_span and other.after.lower() == word
            features = (gain, float(logit(document_score, LOGIT_CLIP)),
                        zipf(word) - zipf(token.norm), float(agrees),
                        self._embedding_gain(norms, at, word))
            confidence = self.confidence(features)
            if confidence < self.min_confidence or (
                    other is not None and not agrees and other.confidence >= confidence):
                continue
            after = match_case(token.text, word)
            alternatives = (other.after,) if same_span and not agrees else ()
            out.append(Hunk(token.start, token.end, token.text, after,
                            max(confidence, other.confidence if agrees else 0.0),
                            alternatives, SOURCE, {"features": features}))
        return out

    def _best(self, norms: Sequence[str], places: Sequence[int]) -> list[tuple[str, float] | None]:
        """For each place, the likeliest word there that is a thesaurus relative of the
        word written and makes the window at least `min_gain` likelier (natural log)
        than it, with that gain; None where no word does."""
        ids = self.lm.encode([BOS, *norms, EOS])
        context = self.lm.order - 1
        options, windows = [], []
        for place in places:
            at = place + 1  # ids[0] is <s>
            left, right = ids[max(0, at - context) : at], ids[at + 1 : at + 1 + context]
            found = np.union1d(self._continuations(left), self._origin_ids(norms[place]))
            found = found[(found != ids[at]) & self._allowed[found]]
            options.append(found)
            if len(found):
                windows.append(([*left, ids[at], *right], len(left)))
                windows.extend(([*left, v, *right], len(left)) for v in found.tolist())
        scores = self.lm.window_logprobs(windows) if windows else np.zeros(0)
        out: list[tuple[str, float] | None] = []
        start = 0
        for place, found in zip(places, options, strict=True):
            if not len(found):
                out.append(None)
                continue
            written, filled = scores[start], scores[start + 1 : start + 1 + len(found)]
            start += 1 + len(found)
            gains = filled - written
            # The likeliest word of all is often a fluent stranger to the written one, with
            # the original close behind it: so the likeliest relative wins.
            order = np.argsort(-gains)
            best = next((i for i in order[gains[order] >= self.min_gain]
                         if self._related(norms[place], self.lm.vocab[found[i]])), None)
            out.append(None if best is None else (self.lm.vocab[found[best]], float(gains[best])))
        return out

    @cached_property
    def _allowed(self) -> np.ndarray:
        """For each vocabulary id, whether the word may be a fill-in."""
        return np.fromiter(
            (_fillable(w) and zipf(w) >= MIN_ZIPF for w in self.lm.vocab), bool,
            len(self.lm.vocab))

    def _continuations(self, left: list[int]) -> np.ndarray:
        """Ids of the `SHORTLIST` words likeliest after `left`: those of the
        longest context that has any, then of shorter ones."""
        ids, logp, total = [], [], 0
        for k in range(len(left), 0, -1):
            found, values = self.lm.extensions(left[len(left) - k :])
            ids.append(found)
            logp.append(values)
            total += len(found)
            if total >= SHORTLIST:
                break
        if not ids:
            return np.zeros(0, dtype=np.int64)
        words_, values = np.concatenate(ids), np.concatenate(logp)
        # a word the longer context holds keeps that context's probability
        words_, first = np.unique(words_, return_index=True)
        values = values[first]
        if len(words_) > SHORTLIST:
            words_ = words_[np.argpartition(-values, SHORTLIST)[:SHORTLIST]]
        return words_

    def _encode_origins(self, word: str) -> np.ndarray:
        """Vocabulary ids of the one-word `origins` of a written word."""
        known = (self.lm.ids.get(text) for text, _ in self.origins(word) if " " not in text)
        return np.array([i for i in known if i is not None], dtype=np.int64)

    def _embedding_gain(self, norms: Sequence[str], at: int, word: str) -> float:
        """How much better `word` than `norms[at]` fits the `WINDOW` words either
        side in the word embeddings (0 where either is unknown)."""
        around = self.embeddings.context([*norms[max(0, at - WINDOW) : at],
                                          *norms[at + 1 : at + 1 + WINDOW]])
        written, filled = self.embeddings.fits([[norms[at]], [word]], np.stack([around, around]))
        return float(np.nan_to_num(filled - written))

    def _related(self, written: str, filled: str) -> bool:
        """Whether either word's thesaurus list holds the other (as lemmas)."""
        return bool(self._listed(written) & _lemmas(filled)
                    or self._listed(filled) & _lemmas(written))

    def _on_lists(self, word: str) -> frozenset[str]:
        """Every word on the thesaurus lists of `word`'s lemmas."""
        return frozenset(s for lemma in _lemmas(word) for s in self.synonyms.synonyms(lemma))


def _lemmas(word: str) -> set[str]:
    return {word, *(lemma for lemma, _, _ in readings(word))}


def _fillable(word: str) -> bool:
    """Whether a word may be filled in, or filled in for: not a function word."""
    return word.isalpha() and len(word) >= MIN_LENGTH and zipf(word) < MAX_ZIPF

"""Ranking: candidates in, the probability that each is the original wording out.

`Ranker.features(document, candidates)` describes every candidate in its
context: how much the language model prefers it over the observed wording in
a window of `order - 1` words either side, how strong the lexical evidence
is, how often the observed form was a spinner's output in synthetic text, how
rare the observed wording is next to the candidate, how well each fits the
topic of the whole article (`restore.topics`) and the words up to six either
side (`restore.embeddings`), whether the article uses
the candidate or the observed wording elsewhere, and whether it mends an
"a"/"an" that no longer fits. `Ranker.score` turns the features into
probabilities with two models trained on synthetic (spun, original) pairs
(`restore.training`): gradient-boosted trees (LightGBM) judge each candidate
alone, since the evidence interacts (a large LM gain means little for a
common word the spinner never outputs); a logistic model then weighs that
judgement against how suspicious the rest of its sentence and document look,
and calibrates it, so a score of 0.8 is right about 80% of the time.

Spinners change a fifth of the words of what they touch, so the window the
language model and the embeddings read around a span is often spun too:
"commercialized lockers" hides "banks" from a model that reads
"commercialized" before it. So `score` ranks twice. The second time, the
spans near the first pass's surest restorations (`REPAIR_CONFIDENCE`) are
read with those restorations applied around them; how suspicious their
neighbours look stays as the first pass saw it, since a repaired sentence
reads as a clean one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from restore.candidates import Candidate, Span, best_by_span, span_of
from restore.embeddings import WINDOW, WordEmbeddings
from restore.frequency import zipf
from restore.language_model import BOS, EOS, NgramModel
from restore.lexicon import Lexicon
from restore.segmentation import Document, words
from restore.topics import TopicModel

BOOSTING = {  # LightGBM settings of the candidate model; deterministic for a seed
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 63, "min_data_in_leaf": 40,
    "lambda_l2": 1.0, "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1,
    "deterministic": True, "force_row_wise": True, "verbose": -1,
}
BOOSTING_ROUNDS = 600
# On held-out text every candidate whose full log-odds were above -5 (and all
# but 5 in 20,800 above -6) scored above -8 after 100 trees. Screening so
# takes the trees from a quarter of the engine's time to a tenth, and on 65
# held-out documents left every hunk as it was and moved no confidence by
# more than 0.0002.
SCREEN_TREES, SCREEN_LOGIT = 100, -8.0
# Restorations at least this likely are read as the original around other
# spans in the second pass: those the engine would apply, near enough (on 150
# dev pairs, 0.2-0.5 gave 0.548-0.552 of WER reduction, 0.6-0.8 0.543-0.547).
REPAIR_CONFIDENCE = 0.5

FEATURES = (
    "lm_gain",
    "lm_gain_pos",
    "observed_surprisal",
    "learned_log",
    "learned_share",
    "spun_rate",
    "fingerprint_log",
    "thesaurus",
    "number",
    "garbled_number",
    "deletion",
    "span_len",
    "length_change",
    "zipf_drop",
    "capitalised_inside",
    "article_fix",
    "gain_x_learned",
    "gain_margin",
    "candidate_elsewhere",
    "observed_elsewhere",
    "span_options",
    "topic_observed",
    "topic_candidate",
    "topic_gain",
    "embedding_observed",
    "embedding_candidate",
    "embedding_gain",
    "embedding_margin",
)
# Second stage: a candidate's first-stage odds in the light of its neighbours.
# Spinners change a fifth of the words of what they touch, so a suspicious
# word in a suspicious sentence of a suspicious document is far likelier to
# be spun than the same word in clean copy.
CONTEXT_FEATURES = ("logit", "best_in_span", "sentence_others", "document_mean")
_VOWEL_SOUND = set("aeiou")


def logit(p: np.ndarray | float, clip: float = 1e-6) -> np.ndarray:
    """Log-odds of probabilities, clipped away from 0 and 1 so that a score of
    exactly 0 or 1 stays finite."""
    p = np.clip(p, clip, 1 - clip)
    return np.log(p / (1 - p))


@dataclass
class LogisticModel:
    """A standardised logistic regression, stored as plain numbers in JSON."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of `x`."""
        if len(x) == 0:
            return np.zeros(0)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for each row of `x`."""
        return 1.0 / (1.0 + np.exp(-self.logit(x)))

    @classmethod
    def fit(cls, names: tuple[str, ...], x: np.ndarray, y: np.ndarray, c: float = 1.0):
        """Fit on features `x` and 0/1 labels `y` (scikit-learn does the work)."""
        from sklearn.linear_model import LogisticRegression

        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
        model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
        return cls(names, mean, scale, model.coef_[0], float(model.intercept_[0]))

    def to_json(self) -> dict:
        """Plain-JSON form, for `models/*.json`."""
        return {
            "features": list(self.names),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...]) -> LogisticModel:
        """Read `to_json` output, checking it was trained on the same features."""
        if tuple(data["features"]) != names:
            raise ValueError("model was trained on other features; rebuild it")
        return cls(
            names, np.asarray(data["mean"]), np.asarray(data["scale"]),
            np.asarray(data["coef"]), float(data["intercept"]),
        )

    @classmethod
    def load(cls, path: Path, names: tuple[str, ...]) -> LogisticModel:
        """Read a model file written from `to_json`."""
        return cls.from_json(json.loads(Path(path).read_text()), names)


class BoostedModel:
    """Gradient-boosted trees (a LightGBM booster) stored as its text model in JSON.

    `threads` predict each document's rows: twice the speed on two cores (the
    trees are a fifth of the engine's time) for a process with the cores to
    itself; a share of them for each of several worker processes.
    """

    def __init__(self, names: tuple[str, ...], booster, threads: int = 1) -> None:
        self.names, self.booster, self.threads = names, booster, threads

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of `x`.

        Most candidates are hopeless, and the first `SCREEN_TREES` trees
        already tell which: those keep that screen's log-odds (under
        `SCREEN_LOGIT`, so their probability is nil either way), and only the
        rest go through every tree.
        """
        if len(x) == 0:
            return np.zeros(0)
        if self.booster.num_trees() <= SCREEN_TREES:
            return self._predict(x)
        screen = self._predict(x, 0, SCREEN_TREES)
        alive = screen > SCREEN_LOGIT
        screen[alive] += self._predict(x[alive], SCREEN_TREES)  # the trees after the screen's
        return screen

    def _predict(self, x: np.ndarray, first: int = 0, trees: int | None = None) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        return self.booster.predict(x, raw_score=True, start_iteration=first,
                                    num_iteration=trees, num_threads=self.threads)

    @classmethod
    def fit(
        cls, names: tuple[str, ...], x: np.ndarray, y: np.ndarray, seed: int = 0,
        threads: int = 2,
    ) -> BoostedModel:
        """Fit on features `x` and 0/1 labels `y`."""
        import lightgbm

        params = {**BOOSTING, "seed": seed, "num_threads": threads}
        data = lightgbm.Dataset(x, y, feature_name=list(names))
        booster = lightgbm.train(params, data, BOOSTING_ROUNDS)
        return cls(names, booster)

    def to_json(self) -> dict:
        """Plain-JSON form, for `models/scorer.json`."""
        return {"features": list(self.names), "lightgbm": self.booster.model_to_string()}

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...], threads: int = 1) -> BoostedModel:
        """Read `to_json` output, checking it was trained on the same features."""
        import lightgbm

        if tuple(data["features"]) != names or "lightgbm" not in data:
            raise ValueError("model was trained on other features; rebuild it")
        return cls(names, lightgbm.Booster(model_str=data["lightgbm"]), threads)


@lru_cache(maxsize=100_000)
def _norms(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@lru_cache(maxsize=100_000)
def _alpha_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _norms(text) if w.isalpha())


def _zipf(text: str) -> float:
    return zipf(text) if text else 8.0  # a deletion counts as the commonest wording


@dataclass(frozen=True, slots=True)
class _Span:
    """A span's share of its candidates' features (`Ranker._span`)."""

    inside: Counter  # norms of the span
    observed_elsewhere: int  # fewest times one of its words stands elsewhere in the article
    substitution_rate: tuple[int, int]  # `Lexicon.substitution_rate` of its form
    zipf: float  # of its words as written, lower-cased
    capital_inside: float  # 1.0 when it is capitalised but does not start the sentence


class _Surroundings:
    """The words around each span of a document as the features read them:
    its sentence's own, with `repairs` (span -> wording) applied."""

    def __init__(self, document: Document, repairs: Mapping[Span, str]) -> None:
        self.document = document
        # sentence -> first token -> (last token, wording)
        self.repairs: dict[int, dict[int, tuple[int, str]]] = {}
        for (sentence, first, last), text in repairs.items():
            self.repairs.setdefault(sentence, {})[first] = (last, text)
        self._sentences: dict[int, tuple[list[str], list[int]]] = {}
        self._ids: dict[int, list[int]] = {}

    def words(self, span: Span) -> tuple[list[str], list[str]]:
        """The words of the span's sentence before it and after it."""
        sentence, first, last = span
        norms, starts = self._sentence(sentence)
        return norms[: starts[first]], norms[starts[last] :]

    def ids(self, span: Span, lm: NgramModel) -> tuple[list[int], list[int]]:
        """`words` as ids of `lm`, the left ones after <s>, the right ones before </s>."""
        sentence, first, last = span
        norms, starts = self._sentence(sentence)
        if sentence not in self._ids:
            self._ids[sentence] = lm.encode([BOS, *norms, EOS])
        ids = self._ids[sentence]  # ids[0] is <s>, so word i is ids[i + 1]
        return ids[: starts[first] + 1], ids[starts[last] + 1 :]

    def _sentence(self, index: int) -> tuple[list[str], list[int]]:
        """The sentence's words, repairs applied, and where each token's start
        among them (one more for the end)."""
        if index not in self._sentences:
            tokens = self.document.sentences[index].tokens
            repairs = self.repairs.get(index, {})
            norms: list[str] = []
            starts: list[int] = []
            i = 0
            while i < len(tokens):
                starts.append(len(norms))
                last, text = repairs.get(i, (i + 1, None))
                norms.extend(_norms(text) if text is not None else [tokens[i].norm])
                starts.extend([len(norms)] * (last - i - 1))  # a repaired span's inner tokens
                i = last
            starts.append(len(norms))
            self._sentences[index] = norms, starts
        return self._sentences[index]


class Ranker:
    """Scores candidates in context with an n-gram model, a topic model, word
    embeddings, boosted trees and a logistic model."""

    def __init__(
        self,
        lm: NgramModel,
        topics: TopicModel,
        embeddings: WordEmbeddings,
        lexicon: Lexicon,
        model: BoostedModel | None = None,
        context: LogisticModel | None = None,
        garbled: float = 0.0,
    ) -> None:
        self.lm, self.topics, self.embeddings, self.lexicon = lm, topics, embeddings, lexicon
        self.model, self.context = model, context
        # the language model's ids of a candidate's wording; candidates repeat
        self._ids = lru_cache(maxsize=1 << 17)(lambda text: lm.encode(_norms(text)))
        # A number no person writes ("2.five") is as good as its rule whatever
        # the context: the n-gram model reads "2.five" and "2.5" alike as a
        # number, and such examples are too few for the trees to learn it. So
        # those candidates get at least the share of them that was right in
        # training.
        self.garbled = garbled

    def with_models(
        self, lm: NgramModel, topics: TopicModel, embeddings: WordEmbeddings
    ) -> Ranker:
        """The same scorer reading other language, topic and embedding models.

        A new ranker rather than new attributes: its caches hold word ids of
        the language model it was made with, which another model reads as
        other words.
        """
        return Ranker(lm, topics, embeddings, self.lexicon, self.model, self.context,
                      self.garbled)

    def score(self, document: Document, candidates: list[Candidate]) -> np.ndarray:
        """Probability that each candidate is the original wording."""
        if self.model is None or self.context is None:
            raise ValueError("the ranker has no trained model")
        rows = self.features(document, candidates)
        logits = self.model.logit(rows)
        probabilities = self._calibrated(document, candidates, logits, logits)
        repairs = _repairs(candidates, probabilities)
        reach = max(self.lm.order - 1, WINDOW)
        best = best_by_span(candidates, logits)
        # a span the screen found hopeless stays so (on held-out pairs, the same
        # edits from a third fewer candidates read again)
        keys = _spans(candidates)
        nearby = _near(
            {key for key in keys if best[key] > SCREEN_LOGIT}, repairs, reach)
        near = [i for i, key in enumerate(keys) if key in nearby]
        if not near:
            return probabilities
        reread = rows[near]
        window = self._window_columns(document, [candidates[i] for i in near], repairs)
        for name, values in window.items():
            reread[:, FEATURES.index(name)] = values
        revised = logits.copy()
        revised[near] = self.model.logit(reread)
        return self._calibrated(document, candidates, revised, logits)

    def _calibrated(
        self, document: Document, candidates: list[Candidate], logits: np.ndarray,
        suspicion: np.ndarray,
    ) -> np.ndarray:
        """The context model's probabilities for candidates of first-stage
        `logits` among neighbours of first-stage `suspicion`."""
        probabilities = self.context.predict(
            context_features(document, candidates, logits, suspicion))
        garbled = np.asarray([bool(c.evidence.get("garbled")) for c in candidates], dtype=bool)
        probabilities[garbled] = np.maximum(probabilities[garbled], self.garbled)
        return probabilities

    def features(
        self, document: Document, candidates: list[Candidate],
        repairs: Mapping[Span, str] | None = None,
    ) -> np.ndarray:
        """One row of `FEATURES` per candidate; the language model and the
        embeddings read its neighbours with `repairs` (span -> wording) applied.
        Every candidate of a span must be among `candidates`."""
        n = len(candidates)
        if not n:
            return np.zeros((0, len(FEATURES)))

        def column(values: Iterable[float]) -> np.ndarray:
            return np.fromiter(values, float, n)

        counts = Counter(t.norm for s in document.sentences for t in s.tokens)
        keys = _spans(candidates)
        options = Counter(keys)
        spans = {key: self._span(document, c, counts)
                 for key, c in dict(zip(keys, candidates, strict=True)).items()}
        shares = [spans[key] for key in keys]
        evidence = [c.evidence for c in candidates]
        learned = column(e.get("learned", 0.0) for e in evidence)
        total_learned = column(s.substitution_rate[0] for s in shares)
        occurrences = column(s.substitution_rate[1] for s in shares)
        span_len = column(c.last - c.first for c in candidates)
        observed, candidate = self._topic_fits(document, candidates)
        values = {
            **self._window_columns(document, candidates, repairs),
            "learned_log": np.log1p(learned),
            "learned_share": np.divide(learned, total_learned, out=np.zeros(n),
                                       where=total_learned != 0),
            "spun_rate": np.log((total_learned + 0.5) / (occurrences + 1.0)),
            "fingerprint_log": np.log1p(column(e.get("fingerprint", 0.0) for e in evidence)),
            "thesaurus": column(e.get("thesaurus", 0.0) for e in evidence),
            "number": column(e.get("number", 0.0) for e in evidence),
            "garbled_number": column(e.get("garbled", 0.0) for e in evidence),
            "deletion": column(c.text == "" for c in candidates),
            "span_len": span_len,
            "length_change": column(len(_norms(c.text)) for c in candidates) - span_len,
            "zipf_drop": column(_zipf(c.text.lower()) - s.zipf
                                for c, s in zip(candidates, shares, strict=True)),
            "capitalised_inside": column(s.capital_inside for s in shares),
            "article_fix": column(_article_fix(document.sentences[c.sentence].tokens, c)
                                  for c in candidates),
            "candidate_elsewhere": np.log1p(np.maximum(column(
                _elsewhere(c.text, counts, s.inside)
                for c, s in zip(candidates, shares, strict=True)), 0.0)),
            "observed_elsewhere": np.log1p(column(s.observed_elsewhere for s in shares)),
            "span_options": np.log(column(options[key] for key in keys)),
            "topic_observed": observed,
            "topic_candidate": candidate,
            "topic_gain": candidate - observed,
        }
        return np.column_stack([values[name] for name in FEATURES])

    def _window_columns(
        self, document: Document, candidates: list[Candidate],
        repairs: Mapping[Span, str] | None,
    ) -> dict[str, np.ndarray]:
        """The features read from the words around each span (the language
        model's and the embeddings'), with `repairs` applied there."""
        around = _Surroundings(document, repairs or {})
        gains, surprisal = self._lm_gains(document, candidates, around)
        learned = np.fromiter((c.evidence.get("learned", 0.0) for c in candidates), float,
                              len(candidates))
        fitted, fits = self._embedding_fits(document, candidates, around)
        return {
            "lm_gain": gains,
            "lm_gain_pos": np.maximum(gains, 0.0),
            "observed_surprisal": surprisal,
            "gain_x_learned": np.maximum(gains, 0.0) * np.log1p(learned),
            "gain_margin": gains - _best_other(candidates, gains),
            "embedding_observed": fitted,
            "embedding_candidate": fits,
            "embedding_gain": fits - fitted,
            "embedding_margin": _margin(candidates, fits - fitted),
        }

    def _topic_fits(
        self, document: Document, candidates: list[Candidate]
    ) -> tuple[np.ndarray, np.ndarray]:
        """How well the observed span and each candidate fit the rest of the
        article (cosines of topic vectors; NaN for words the model lacks)."""
        article = self.topics.context([t.norm for t in document.tokens()])
        spans: dict[Span, int] = {}
        index = np.asarray([spans.setdefault(key, len(spans)) for key in _spans(candidates)])
        observed = [[t.norm for t in document.sentences[sentence].tokens[first:last]]
                    for sentence, first, last in spans]
        # each span's words are taken from the article, so they do not vote for themselves
        rest = np.stack([article - self.topics.context(span) for span in observed])
        fits = self.topics.fits([*observed, *(_norms(c.text) for c in candidates)],
                                np.vstack([rest, rest[index]]))
        return fits[: len(spans)][index], fits[len(spans) :]

    def _embedding_fits(
        self, document: Document, candidates: list[Candidate], around: _Surroundings,
    ) -> tuple[np.ndarray, np.ndarray]:
        """How well the observed span and each candidate fit the `WINDOW` words
        either side of the span in its sentence (`WordEmbeddings.fits`)."""
        spans: dict[Span, int] = {}
        index = np.asarray([spans.setdefault(key, len(spans)) for key in _spans(candidates)])
        observed, contexts = [], []
        for key in spans:
            sentence, first, last = key
            observed.append([t.norm for t in document.sentences[sentence].tokens[first:last]])
            left, right = around.words(key)
            contexts.append(self.embeddings.context(left[-WINDOW:] + right[:WINDOW]))
        stacked = np.stack(contexts)
        fits = self.embeddings.fits([*observed, *(_norms(c.text) for c in candidates)],
                                    np.vstack([stacked, stacked[index]]))
        return fits[: len(spans)][index], fits[len(spans) :]

    def _lm_gains(
        self, document: Document, candidates: list[Candidate], around: _Surroundings,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability gain of each candidate over the observed wording in a
        window of `order - 1` words either side, and the observed window's
        surprisal per word."""
        context = self.lm.order - 1
        windows: list[tuple[list[int], int]] = []
        observed_window: dict[Span, tuple[int, list[int], list[int]]] = {}
        pairs: list[tuple[int, int]] = []  # (observed window, candidate window)
        for c in candidates:
            key = span_of(c)
            if key not in observed_window:  # the first candidate of its span
                left, right = around.ids(key, self.lm)
                left, right = left[max(0, len(left) - context) :], right[:context]
                observed_window[key] = (len(windows), left, right)
                span = document.sentences[c.sentence].tokens[c.first : c.last]
                windows.append((left + self.lm.encode([t.norm for t in span]) + right,
                                len(left)))
            observed, left, right = observed_window[key]
            pairs.append((observed, len(windows)))
            windows.append((left + self._ids(c.text) + right, len(left)))
        logprobs = self.lm.window_logprobs(windows)
        observed, candidate = np.asarray(pairs).T
        lengths = np.asarray([len(windows[i][0]) - windows[i][1] for i in observed])
        return logprobs[candidate] - logprobs[observed], -logprobs[observed] / lengths

    def _span(self, document: Document, c: Candidate, counts: Counter) -> _Span:
        """What the features need of the span `c` replaces, the same for all its candidates."""
        span = document.sentences[c.sentence].tokens[c.first : c.last]
        return _Span(
            Counter(t.norm for t in span),
            min(counts[t.norm] - 1 for t in span),
            self.lexicon.substitution_rate(c.form),
            _zipf(" ".join(t.text.lower() for t in span)),
            float(c.first > 0 and span[0].text[:1].isupper()),
        )


def _elsewhere(text: str, counts: Counter, inside: Counter) -> int:
    """Fewest times a word of `text` stands in the article outside the span: a
    spinner swaps some occurrences of a word and leaves others, so the original
    wording tends to stand elsewhere in the same article."""
    # dict.get: a Counter's lookup of a missing word goes through Python code
    return min((counts.get(w, 0) - inside.get(w, 0) for w in _alpha_words(text)), default=0)


def _article_fix(tokens, c: Candidate) -> float:
    """+1 when the candidate mends an "a"/"an" before the span, -1 when it breaks one."""
    if c.first == 0 or not c.text:
        return 0.0
    article = tokens[c.first - 1].text.lower()
    if article not in ("a", "an"):
        return 0.0

    def fits(word: str) -> bool:
        return (word[:1].lower() in _VOWEL_SOUND) == (article == "an")

    return float(fits(c.text)) - float(fits(tokens[c.first].text))


def _spans(candidates: list[Candidate]) -> list[Span]:
    return list(map(span_of, candidates))


def _repairs(candidates: list[Candidate], probabilities: np.ndarray) -> dict[Span, str]:
    """The surest restorations, each at least `REPAIR_CONFIDENCE`, that do not overlap."""
    sure = sorted(((float(p), span_of(c), c.text)
                   for c, p in zip(candidates, probabilities, strict=True)
                   if p >= REPAIR_CONFIDENCE), reverse=True)
    chosen: dict[Span, str] = {}
    for _, span, text in sure:
        if not any(_overlap(span, other) for other in chosen):
            chosen[span] = text
    return chosen


def _near(spans: set[Span], repairs: Mapping[Span, str], reach: int) -> set[Span]:
    """The `spans` with a repair within `reach` tokens, and none that overlaps
    without being it (such a repair would replace some of its own words)."""
    by_sentence: dict[int, list[Span]] = defaultdict(list)
    for repair in repairs:
        by_sentence[repair[0]].append(repair)
    out = set()
    for span in spans:
        sentence, first, last = span
        around = by_sentence.get(sentence, ())
        if any(repair != span and _overlap(repair, span) for repair in around):
            continue
        if any(_overlap(repair, (sentence, first - reach, last + reach)) for repair in around):
            out.add(span)
    return out


def _overlap(a: Span, b: Span) -> bool:
    """Whether two spans share a token."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def _margin(candidates: list[Candidate], values: np.ndarray) -> np.ndarray:
    """How far each candidate's value is above the best other of its span (NaN
    for a candidate without a value, which counts as the worst for the others)."""
    known = np.nan_to_num(values, nan=-10.0)
    return np.where(np.isnan(values), np.nan, known - _best_other(candidates, known))


def _best_other(candidates: list[Candidate], values: np.ndarray) -> np.ndarray:
    """For each candidate, the best value among the other candidates of its span
    (-10 when it stands alone)."""
    spans = {}
    group = np.asarray([spans.setdefault(s, len(spans)) for s in _spans(candidates)])
    best = np.full(len(spans), -np.inf)
    np.maximum.at(best, group, values)
    is_best = values >= best[group]
    # the runner-up of each span: the best once every span's best is set aside
    runner_up = np.full(len(spans), -10.0)
    np.maximum.at(runner_up, group, np.where(is_best, -10.0, values))
    tied = np.bincount(group, weights=is_best.astype(float)) > 1  # two share the top
    return np.where(is_best & ~tied[group], runner_up[group], best[group])


def context_features(
    document: Document, candidates: list[Candidate], logits: np.ndarray,
    suspicion: np.ndarray | None = None,
) -> np.ndarray:
    """One row of `CONTEXT_FEATURES` per candidate, from first-stage log-odds:
    its own `logits`, and its neighbours' `suspicion` (the same by default)."""
    if not candidates:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    probabilities = 1.0 / (1.0 + np.exp(-(logits if suspicion is None else suspicion)))
    keys = _spans(candidates)
    strongest = best_by_span(candidates, probabilities)  # each span's likeliest
    tokens = [np.zeros(len(s.tokens)) for s in document.sentences]
    for (sentence, first, last), p in strongest.items():
        span = tokens[sentence][first:last]
        np.maximum(span, p, out=span)
    sentence_sum = np.asarray([t.sum() for t in tokens])
    n_tokens = sum(len(t) for t in tokens)
    document_mean = float(sentence_sum.sum()) / max(n_tokens, 1)
    best_in_span = (logits >= _best_other(candidates, logits)).astype(float)
    rest = {key: sentence_sum[key[0]] - tokens[key[0]][key[1] : key[2]].sum() for key in strongest}
    rows = np.empty((len(candidates), len(CONTEXT_FEATURES)))
    rows[:, 0], rows[:, 1], rows[:, 3] = logits, best_in_span, document_mean
    rows[:, 2] = [rest[key] for key in keys]
    return rows

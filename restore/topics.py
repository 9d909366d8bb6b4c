"""Topics: how well a word fits what the whole article is about.

The n-gram model sees three words either side of a span, and a spinner's
choice often reads fluently there while being off the article's subject
("barley prices" in a wheat report, "importations" among imports). So the
ranker also asks whether the observed wording or a candidate fits the rest of
the article.

`TopicModel.estimate(documents)` takes tokenised documents (lists of
`Token.norm` forms) and factorises their tf-idf document-word matrix (latent
semantic analysis: scikit-learn's `TfidfVectorizer` and `TruncatedSVD`) into
a short unit vector per word. `context(norms)` gives the topic vector of an
article (or of the span to take out of it); `fit(words, context)` the cosine
between a phrase and a context vector (NaN when no word is known).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from restore.output import write_arrays

DIMENSIONS = 96
MIN_DOCUMENTS = 3  # a word seen in fewer documents has no reliable topic
MAX_VOCABULARY = 60_000
MAX_CACHED = 200_000  # phrase vectors kept between calls


class TopicModel:
    """Unit-length topic vectors and idf weights for a vocabulary of words."""

    def __init__(self, vocab: Sequence[str], vectors: np.ndarray, idf: np.ndarray) -> None:
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.vectors = vectors.astype(np.float32)
        self.idf = idf.astype(np.float32)
        self._units: dict[tuple[str, ...], tuple[np.ndarray, float]] = {}

    @classmethod
    def estimate(
        cls, documents: Sequence[Sequence[str]], dimensions: int = DIMENSIONS,
        min_documents: int = MIN_DOCUMENTS, seed: int = 0,
    ) -> TopicModel:
        """Fit on tokenised documents; only alphabetic words are kept."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            analyzer=lambda norms: [w for w in norms if w.isalpha()],
            min_df=min(min_documents, len(documents)), max_features=MAX_VOCABULARY,
            sublinear_tf=True,
        )
        matrix = vectorizer.fit_transform(documents)
        dimensions = max(1, min(dimensions, min(matrix.shape) - 1))
        svd = TruncatedSVD(dimensions, random_state=seed).fit(matrix)
        vectors = (svd.components_ * svd.singular_values_[:, None]).T
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        return cls(vectorizer.get_feature_names_out(), vectors, vectorizer.idf_)

    def context(self, norms: Sequence[str]) -> np.ndarray:
        """The topic vector of a text: the idf-weighted sum of its words' vectors."""
        total = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for w in norms:
            i = self.ids.get(w)
            if i is not None:
                total += self.idf[i] * self.vectors[i]
        return total

    def fit(self, phrase: Sequence[str], context: np.ndarray) -> float:
        """Cosine between `phrase` and a `context` vector (from which the
        caller took the judged span's own words, so it does not vote for
        itself); NaN when no word of `phrase` is known."""
        return float(self.fits([phrase], context)[0])

    def fits(self, phrases: Sequence[Sequence[str]], contexts: np.ndarray) -> np.ndarray:
        """`fit` of each of `phrases` to one context vector, or with a matrix of
        `contexts`, each to its own row (a document's candidates at once)."""
        units = [self._unit(tuple(phrase)) for phrase in phrases]
        if not units:
            return np.zeros(0)
        own = np.stack([unit for unit, _ in units])
        contexts = np.broadcast_to(contexts, own.shape)
        context_norms = np.linalg.norm(contexts, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            cosines = np.einsum("ij,ij->i", own, contexts).astype(float) / context_norms
        cosines[(np.asarray([norm for _, norm in units]) == 0.0) | (context_norms == 0.0)] = np.nan
        return cosines

    def _unit(self, phrase: tuple[str, ...]) -> tuple[np.ndarray, float]:
        if phrase not in self._units:  # candidates repeat across spans and articles
            if len(self._units) >= MAX_CACHED:  # bounded memory on endless feeds
                self._units.clear()
            own = self.context(phrase)
            norm = float(np.linalg.norm(own))
            self._units[phrase] = (own / norm if norm else own, norm)
        return self._units[phrase]

    def save(self, path: Path) -> None:
        """Write the model as one compressed `.npz` file (atomically)."""
        write_arrays(path, self.vocab, vectors=self.vectors.astype(np.float16),
                     idf=self.idf.astype(np.float16))

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        """Read a model written by `save`."""
        with np.load(path) as data:
            return cls(str(data["vocab"]).split("\n"), data["vectors"], data["idf"])

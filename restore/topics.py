"""Topics: how well a word fits what the whole article is about.

The n-gram model sees three words either side of a span, and a spinner's
choice often reads fluently there while being off the article's subject
("barley prices" in a wheat report, "importations" among imports). So the
ranker also asks whether the observed wording or a candidate fits the rest of
the article.

`TopicModel.estimate(documents)` takes tokenised documents (lists of
`Token.norm` forms) and factorises their tf-idf document-word matrix (latent
semantic analysis: scikit-learn's `TfidfVectorizer` and `TruncatedSVD`) into
a short unit vector per word. `context(norms)` gives an article's topic
vector; `fit(words, context, leave_out)` the cosine between a phrase and the
article with the phrase's own words taken out (NaN when no word is known).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIMENSIONS = 96
MIN_DOCUMENTS = 3  # a word seen in fewer documents has no reliable topic
MAX_VOCABULARY = 60_000


class TopicModel:
    """Unit-length topic vectors and idf weights for a vocabulary of words."""

    def __init__(self, vocab: Sequence[str], vectors: np.ndarray, idf: np.ndarray) -> None:
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.vectors = vectors.astype(np.float32)
        self.idf = idf.astype(np.float32)

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

    def fit(
        self, phrase: Sequence[str], context: np.ndarray, leave_out: Sequence[str] = ()
    ) -> float:
        """Cosine between `phrase` and `context` less the words of `leave_out`
        (the span being judged must not vote for itself); NaN when no word of
        `phrase` is known."""
        own = self.context(phrase)
        norm = float(np.linalg.norm(own))
        if norm == 0.0:
            return float("nan")
        rest = context - self.context(leave_out)
        rest_norm = float(np.linalg.norm(rest))
        if rest_norm == 0.0:
            return float("nan")
        return float(own @ rest) / (norm * rest_norm)

    def save(self, path: Path) -> None:
        """Write the model as one compressed `.npz` file (atomically)."""
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp, vocab=np.array("\n".join(self.vocab)),
            vectors=self.vectors.astype(np.float16), idf=self.idf.astype(np.float16),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        """Read a model written by `save`."""
        with np.load(path) as data:
            return cls(str(data["vocab"]).split("\n"), data["vectors"], data["idf"])

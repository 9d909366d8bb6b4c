"""Embeddings: how well a word fits the words around it, several either side.

The n-gram model sees three words either side of a span and the topic model
the whole article; between them, a spinner's fluent swap often reads as well
as the original ("the nation's" and "the country's"). What tells them apart
is which words the writer put around it: a word's habitual company within a
sentence. So the ranker also asks how well the observed wording and each
candidate fit the `WINDOW` words either side.

`WordEmbeddings.estimate(sentences)` trains word2vec's continuous bag of
words with negative sampling (gensim) on sentences of `Token.norm` forms and
keeps both of its matrices: a word's input vector describes it as context,
its output vector as the word to predict. The dot product of an output vector
with the mean input vector of a context estimates the pointwise mutual
information of word and context (Levy and Goldberg, 2014), so common and rare
words are judged on the same scale. `context(norms)` gives a context's mean
input vector; `fits(phrases, contexts)` each phrase's mean dot product with
its context (NaN when no word is known).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from restore.output import write_arrays

DIMENSIONS = 96
WINDOW = 6
MIN_COUNT = 5  # a rarer word has no reliable vector
EPOCHS = 10
# Words more frequent than this share of the text are skipped at random in
# training, the more the commoner: "the" and "said" would otherwise be most
# of what each vector learns from.
DOWNSAMPLE = 1e-4
MAX_CACHED = 200_000  # phrase vectors kept between calls


def _stable_hash(word: str) -> int:
    # gensim seeds each word's first vector with a hash of it; Python's own
    # str hash changes from process to process, and so would the vectors.
    return zlib.crc32(word.encode("utf-8"))


class WordEmbeddings:
    """Input (context) and output (target) vectors for a vocabulary of words."""

    def __init__(self, vocab: Sequence[str], inputs: np.ndarray, outputs: np.ndarray) -> None:
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.inputs = inputs.astype(np.float32)
        self.outputs = outputs.astype(np.float32)
        self._phrases: dict[tuple[str, ...], np.ndarray | None] = {}

    @classmethod
    def estimate(
        cls, sentences: Sequence[Sequence[str]], dimensions: int = DIMENSIONS,
        min_count: int = MIN_COUNT, epochs: int = EPOCHS, downsample: float = DOWNSAMPLE,
        seed: int = 0,
    ) -> WordEmbeddings:
        """Train on tokenised sentences. One worker thread, so that a seed
        gives the same vectors every time."""
        from gensim.models import Word2Vec

        model = Word2Vec(
            sentences=[list(s) for s in sentences], vector_size=dimensions, window=WINDOW,
            min_count=min_count, sg=0, cbow_mean=1, negative=10, sample=downsample,
            epochs=epochs, workers=1, seed=seed, hashfxn=_stable_hash,
        )
        return cls(model.wv.index_to_key, model.wv.vectors, model.syn1neg)

    def context(self, norms: Sequence[str]) -> np.ndarray:
        """The mean input vector of the known words of `norms` (zeros when none is)."""
        ids = [i for i in map(self.ids.get, norms) if i is not None]
        if not ids:
            return np.zeros(self.inputs.shape[1], dtype=np.float32)
        return self.inputs[ids].mean(axis=0)

    def fits(self, phrases: Sequence[Sequence[str]], contexts: np.ndarray) -> np.ndarray:
        """How well each of `phrases` fits its own row of `contexts`: the mean
        over its known words of output vector times context; NaN when no word
        of the phrase is known or the context is empty."""
        if not len(phrases):
            return np.zeros(0)
        known = [self._phrase(tuple(p)) for p in phrases]
        mask = np.asarray([v is not None for v in known]) & contexts.any(axis=1)
        own = np.stack([np.zeros(contexts.shape[1], np.float32) if v is None else v
                        for v in known])
        fits = np.einsum("ij,ij->i", own, contexts).astype(float)
        fits[~mask] = np.nan
        return fits

    def _phrase(self, phrase: tuple[str, ...]) -> np.ndarray | None:
        if phrase not in self._phrases:  # candidates repeat across spans and articles
            if len(self._phrases) >= MAX_CACHED:  # bounded memory on endless feeds
                self._phrases.clear()
            ids = [i for i in map(self.ids.get, phrase) if i is not None]
            self._phrases[phrase] = self.outputs[ids].mean(axis=0) if ids else None
        return self._phrases[phrase]

    def save(self, path: Path) -> None:
        """Write the model as one compressed `.npz` file (atomically)."""
        write_arrays(path, self.vocab, inputs=self.inputs.astype(np.float16),
                     outputs=self.outputs.astype(np.float16))

    @classmethod
    def load(cls, path: Path) -> WordEmbeddings:
        """Read a model written by `save`."""
        with np.load(path) as data:
            return cls(str(data["vocab"]).split("\n"), data["inputs"], data["outputs"])

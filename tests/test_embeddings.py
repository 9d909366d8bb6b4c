"""Word embeddings: a word fits the company it keeps within a sentence."""

from __future__ import annotations

import numpy as np
import pytest

from restore.embeddings import WordEmbeddings

FARM = ["wheat", "harvest", "grain", "farmers", "crop", "prices", "rain", "fields"]
COURT = ["court", "judge", "trial", "verdict", "lawyers", "appeal", "jury"]


def _model(seed: int = 0) -> WordEmbeddings:
    rng = np.random.default_rng(0)
    sentences = [list(rng.choice(words, 6, replace=False))
                 for words in (FARM, COURT) for _ in range(150)]
    return WordEmbeddings.estimate(sentences, dimensions=8, min_count=1, epochs=10,
                                   downsample=0.0, seed=seed)


def test_a_word_fits_the_company_it_kept_in_training_better():
    embeddings = _model()
    farm = embeddings.context(["wheat", "crop", "grain", "rain"])[None]
    court = embeddings.context(["judge", "trial", "jury", "appeal"])[None]
    harvest, verdict = embeddings.fits([["harvest"], ["verdict"]], np.vstack([farm, farm]))
    assert harvest > verdict + 1.0
    assert embeddings.fits([["verdict"]], court)[0] > verdict + 1.0


def test_unknown_words_and_empty_contexts_have_no_fit():
    embeddings = _model()
    farm = embeddings.context(["wheat", "crop", "zebra"])[None]
    assert np.isnan(embeddings.fits([["zebra"]], farm)[0])
    assert np.isnan(embeddings.fits([["harvest"]], embeddings.context(["zebra"])[None])[0])
    # a phrase is judged by the words the model knows
    assert embeddings.fits([["zebra", "harvest"]], farm)[0] == pytest.approx(
        embeddings.fits([["harvest"]], farm)[0])


def test_a_seed_gives_the_same_vectors_and_saving_keeps_them(tmp_path):
    embeddings = _model(seed=3)
    np.testing.assert_array_equal(embeddings.outputs, _model(seed=3).outputs)
    embeddings.save(tmp_path / "embeddings.npz")
    again = WordEmbeddings.load(tmp_path / "embeddings.npz")
    farm = embeddings.context(FARM)[None]
    assert again.vocab == embeddings.vocab
    assert again.fits([["harvest"]], farm)[0] == pytest.approx(
        embeddings.fits([["harvest"]], farm)[0], abs=0.05)

"""The topic model: words that share articles get close vectors."""

from __future__ import annotations

import numpy as np
import pytest

from restore.topics import TopicModel

FARM = "wheat harvest grain farmers crop prices rain fields"
COURT = "court judge trial verdict lawyers appeal jury"


def _model() -> TopicModel:
    rng = np.random.default_rng(0)
    articles = [list(rng.choice(text.split(), 6, replace=False))
                for text in (FARM, COURT) for _ in range(6)]
    return TopicModel.estimate(articles, dimensions=2, min_documents=1)


def test_a_word_fits_an_article_on_its_own_topic_better():
    topics = _model()
    article = topics.context(["the", "wheat", "crop", "and", "the", "grain", "prices"])
    assert topics.fit(["harvest"], article) > topics.fit(["verdict"], article) + 0.5


def test_fit_is_a_cosine_in_minus_one_to_one():
    topics = _model()
    article = topics.context(["verdict", "wheat", "crop", "grain"])
    rest = article - topics.context(["verdict"])
    assert -1.0 <= topics.fit(["verdict"], rest) < topics.fit(["verdict"], article) <= 1.0


def test_unknown_words_have_no_fit_and_the_model_survives_saving(tmp_path):
    topics = _model()
    article = topics.context(FARM.split())
    assert np.isnan(topics.fit(["zebra"], article))
    topics.save(tmp_path / "topics.npz")
    again = TopicModel.load(tmp_path / "topics.npz")
    assert again.vocab == topics.vocab
    assert abs(again.fit(["harvest"], article) - topics.fit(["harvest"], article)) < 1e-2


def test_fits_of_a_span_s_candidates_are_their_fits_one_by_one():
    topics = _model()
    article = topics.context(FARM.split())
    phrases = [["harvest"], ["verdict", "grain"], ["zebra"]]
    together = topics.fits(phrases, article)
    assert together[:2] == pytest.approx([topics.fit(p, article) for p in phrases[:2]])
    assert np.isnan(together[2])
    assert np.isnan(topics.fits([["harvest"]], np.zeros_like(article))).all()

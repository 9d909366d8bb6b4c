"""The ranker's features and its boosted candidate model."""

from __future__ import annotations

import numpy as np
import pytest

from restore import training
from restore.candidates import Candidate
from restore.embeddings import WordEmbeddings
from restore.language_model import NgramModel
from restore.lexicon import Lexicon
from restore.ranking import FEATURES, SCREEN_LOGIT, SCREEN_TREES, BoostedModel, Ranker
from restore.segmentation import segment
from restore.topics import TopicModel
from restore.training import out_of_fold_logits
from tests.conftest import clean_seed_texts, tiny_synonym_table

ARTICLES = [
    "wheat harvest grain farmers crop prices wheat exports",
    "grain farmers wheat crop harvest rain fields",
    "farmers crop wheat grain harvest drought",
    "court judge trial verdict lawyers appeal court",
    "judge lawyers trial court verdict jury",
    "trial jury judge court appeal lawyers",
]


def _ranker() -> Ranker:
    lm = NgramModel.estimate([["officials", "said", "the", "talks", "ended"]] * 3
                             + [["officials", "met", "today"]] * 2, order=3,
                             min_word_count=1, min_count=1)
    topics = TopicModel.estimate([a.split() for a in ARTICLES], dimensions=2, min_documents=1)
    embeddings = WordEmbeddings.estimate([a.split() for a in ARTICLES] * 30, dimensions=4,
                                         min_count=1, epochs=10, downsample=0.0)
    return Ranker(lm, topics, embeddings, Lexicon())


def test_wording_used_elsewhere_in_the_article_is_a_feature():
    document = segment("Officials said the talks ended. Officials remarked the talks ended.")
    said = Candidate(1, 1, 2, "said", "remarked", {"thesaurus": 1.0})
    announced = Candidate(1, 1, 2, "announced", "remarked", {"thesaurus": 1.0})
    rows = _ranker().features(document, [said, announced])
    column = FEATURES.index("candidate_elsewhere")
    assert rows[0, column] == np.log1p(1)  # "said" stands in the first sentence
    assert rows[1, column] == 0.0
    assert (rows[:, FEATURES.index("observed_elsewhere")] == 0.0).all()  # "remarked" is alone
    assert (rows[:, FEATURES.index("span_options")] == np.log(2)).all()


def test_how_well_the_wording_fits_the_article_is_a_feature():
    document = segment("The wheat harvest was poor. Farmers sold the jury early.")
    grain = Candidate(1, 3, 4, "grain", "jury", {"thesaurus": 1.0})
    unknown = Candidate(1, 3, 4, "zebra", "jury", {"thesaurus": 1.0})
    rows = _ranker().features(document, [grain, unknown])
    observed, candidate, gain = (FEATURES.index(f) for f in
                                 ("topic_observed", "topic_candidate", "topic_gain"))
    assert rows[0, candidate] > rows[0, observed]  # "grain" belongs in a farm story, "jury" not
    assert rows[0, gain] > 0.5
    assert np.isnan(rows[1, candidate])  # a word the topic model never saw has no fit


def test_how_well_the_wording_fits_the_words_around_it_is_a_feature():
    document = segment("Farmers fear the wheat jury will fail after rain in the fields.")
    harvest = Candidate(0, 4, 5, "harvest", "jury", {"thesaurus": 1.0})
    unknown = Candidate(0, 4, 5, "zebra", "jury", {"thesaurus": 1.0})
    lawyers = Candidate(0, 4, 5, "lawyers", "jury", {"thesaurus": 1.0})
    rows = _ranker().features(document, [harvest, unknown, lawyers])
    observed, candidate, gain, margin = (FEATURES.index(f) for f in (
        "embedding_observed", "embedding_candidate", "embedding_gain", "embedding_margin"))
    assert rows[0, observed] == rows[1, observed]  # the same span, the same words around it
    assert rows[0, candidate] > rows[0, observed]  # "harvest" keeps farm company, "jury" not
    assert rows[0, gain] > 1.0
    assert np.isnan(rows[1, candidate]) and np.isnan(rows[1, gain]) and np.isnan(rows[1, margin])
    # each is measured against the best other candidate the model knows
    assert rows[0, margin] == pytest.approx(rows[0, gain] - rows[2, gain])
    assert rows[2, margin] == pytest.approx(-rows[0, margin])


def test_boosted_model_learns_and_survives_json():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)  # an interaction no linear model can fit
    model = BoostedModel.fit(("a", "b"), x, y)
    assert ((model.logit(x) > 0) == (y == 1)).mean() > 0.9
    again = BoostedModel.from_json(model.to_json(), ("a", "b"))
    assert np.allclose(again.logit(x), model.logit(x))


def test_boosted_model_refuses_other_features():
    model = BoostedModel.fit(("a",), np.arange(60.0)[:, None], np.arange(60) % 2 * 1.0)
    try:
        BoostedModel.from_json(model.to_json(), ("b",))
    except ValueError as error:
        assert "rebuild" in str(error)
    else:
        raise AssertionError("a model for other features was accepted")


def test_out_of_fold_logits_never_score_a_document_with_its_own_trees():
    rng = np.random.default_rng(1)
    # labels are noise: trees fitted on a document memorise it, other folds cannot
    features = [rng.normal(size=(50, len(FEATURES))) for _ in range(10)]
    labels = [rng.integers(0, 2, 50).astype(float) for _ in range(10)]
    model = BoostedModel.fit(FEATURES, np.vstack(features), np.concatenate(labels))
    own = np.concatenate([model.logit(f) for f in features])
    held = np.concatenate(out_of_fold_logits(features, labels))
    y = np.concatenate(labels) == 1
    assert ((own > 0) == y).mean() > 0.8
    assert abs(((held > 0) == y).mean() - 0.5) < 0.1



def test_a_number_no_person_writes_gets_its_rule_s_training_precision():
    from restore.ranking import LogisticModel

    document = segment("Profits rose to 2.five million dlrs and 2 per cent.")
    garbled = Candidate(0, 3, 4, "2.5", "<num>", {"number": 1.0, "garbled": 1.0})
    plain = Candidate(0, 7, 8, "two", "<num>", {"number": 1.0})
    ranker = _ranker()
    ranker.model = BoostedModel.fit(FEATURES, np.zeros((60, len(FEATURES))), np.arange(60) % 2.0)
    names = ("logit", "best_in_span", "sentence_others", "document_mean")
    ranker.context = LogisticModel(names, np.zeros(4), np.ones(4), np.zeros(4), -5.0)
    low = ranker.score(document, [garbled, plain])
    assert (low < 0.01).all()
    ranker.garbled = 0.9
    assert list(ranker.score(document, [garbled, plain]).round(3)) == [0.9, round(low[1], 3)]


def test_only_candidates_the_first_trees_find_hopeless_skip_the_rest():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2))
    y = (x[:, 0] > 2.5).astype(float)  # rare positives, as among a text's candidates
    model = BoostedModel.fit(("a", "b"), x, y)
    assert model.booster.num_trees() > SCREEN_TREES
    full = model.booster.predict(x, raw_score=True)
    screen = model.booster.predict(x, raw_score=True, num_iteration=SCREEN_TREES)
    logits = model.logit(x)
    kept = screen > SCREEN_LOGIT
    assert kept.any() and (~kept).any()
    assert np.allclose(logits[kept], full[kept])  # contenders get every tree
    assert np.array_equal(logits[~kept], screen[~kept])  # the hopeless keep the screen's odds
    assert (logits[~kept] <= SCREEN_LOGIT).all()


def test_a_ranker_given_other_models_reads_only_them():
    document = segment("Officials remarked the talks ended.")
    candidates = [Candidate(0, 1, 2, "said", "remarked", {"thesaurus": 1.0}),
                  Candidate(0, 1, 2, "announced", "remarked", {"thesaurus": 1.0})]
    first = _ranker()
    before = first.features(document, candidates)  # fills caches with its model's word ids
    # Another vocabulary, in which the same ids stand for other words.
    lm = NgramModel.estimate(
        [["talks", "officials", "announced", "the", "vote", "ended"]] * 3
        + [["the", "vote", "said", "today"]] * 2, order=3, min_word_count=1, min_count=1)
    fresh = Ranker(lm, first.topics, first.embeddings, first.lexicon).features(document,
                                                                               candidates)
    swapped = first.with_models(lm, first.topics, first.embeddings).features(document,
                                                                            candidates)
    gain = FEATURES.index("lm_gain")
    assert fresh[1, gain] > fresh[0, gain]  # this model knows "officials announced"
    assert before[0, gain] > before[1, gain]  # the first knows "officials said"
    np.testing.assert_array_equal(swapped, fresh)


def test_scorers_learn_with_part_of_the_learned_evidence_forgotten(monkeypatch):
    texts = clean_seed_texts()
    synonyms = tiny_synonym_table()
    lexicon = training.learn_from_corpus(texts, synonyms, seed=1, progress=False)
    seen = {}

    def capture(lm, topics, embeddings, full, train, clean, tune_clean, seed, progress, fitted):
        seen.update(full=full, train=train, tune=tune_clean, fitted=fitted)
        return {}

    monkeypatch.setattr(training, "fit_scorers", capture)
    training.fit_on_corpus(texts * 2, synonyms, lexicon, None, None, None, seed=1,
                           progress=False)
    assert seen["full"] is lexicon

    def learned_forms(examples) -> set[str]:
        return {c.form for e in examples for c in e.candidates if "learned" in c.evidence}

    # the threshold is picked with everything the engine knows at run time ...
    tune = learned_forms(seen["tune"])
    forgotten = {f for f in tune if not seen["fitted"].origins("learned", f)}
    assert forgotten and forgotten != tune
    # ... while the scorers learn without the learned pairs of the forgotten forms
    train = learned_forms(seen["train"])
    assert train and not train & forgotten
    assert all(seen["fitted"].origins("learned", f) for f in train)


def test_repairs_stand_in_the_window_the_language_model_and_embeddings_read():
    sentences = ([["officials", "said", "the", "talks", "ended", "today"]] * 3
                 + [["officials", "met", "a", "rival", "today"]] * 2)
    lm = NgramModel.estimate(sentences, order=3, min_word_count=1, min_count=1)
    embeddings = WordEmbeddings.estimate(sentences * 30, dimensions=4, min_count=1, epochs=10,
                                         downsample=0.0)
    ranker = Ranker(lm, _ranker().topics, embeddings, Lexicon())
    spun = segment("Officials remarked that the talks ended today.")
    # "remarked that" -> "said": two tokens repaired by one word, just before the candidate
    said = {(0, 1, 3): "said"}
    article = Candidate(0, 3, 4, "a", "the", {"thesaurus": 1.0})
    repaired = segment("Officials said the talks ended today.")
    same = Candidate(0, 2, 3, "a", "the", {"thesaurus": 1.0})
    columns = [FEATURES.index(f) for f in ("lm_gain", "observed_surprisal",
                                           "embedding_observed", "embedding_candidate")]
    with_repairs = ranker.features(spun, [article], said)[:, columns]
    assert np.isfinite(with_repairs).all()
    np.testing.assert_allclose(with_repairs, ranker.features(repaired, [same])[:, columns])
    unrepaired = ranker.features(spun, [article])[:, columns]
    assert (np.abs(with_repairs - unrepaired) > 1e-6).all()  # every column reads the repair


def test_a_sure_restoration_is_read_as_repaired_around_its_neighbours():
    from restore.ranking import CONTEXT_FEATURES, LogisticModel

    lm = NgramModel.estimate([["the", "commercial", "banks", "lend"]] * 5
                             + [["the", "commercialized", "lockers", "lend"]] * 5,
                             order=3, min_word_count=1, min_count=1)
    base = _ranker()
    ranker = Ranker(lm, base.topics, base.embeddings, base.lexicon)
    gain, learned = FEATURES.index("lm_gain"), FEATURES.index("learned_log")
    rng = np.random.default_rng(0)
    x = np.zeros((600, len(FEATURES)))
    x[:, gain], x[:, learned] = rng.uniform(-10, 10, 600), rng.uniform(0, 5, 600)
    y = ((x[:, gain] > 0) | (x[:, learned] > 3)).astype(float)  # fits, or was learned often
    ranker.model = BoostedModel.fit(FEATURES, x, y)
    # the context model passes the candidate model's odds through
    ranker.context = LogisticModel(CONTEXT_FEATURES, np.zeros(4), np.ones(4),
                                   np.array([1.0, 0, 0, 0]), 0.0)
    document = segment("the commercialized lockers lend")
    commercial = Candidate(0, 1, 2, "commercial", "commercialized", {"learned": 100.0})
    banks = Candidate(0, 2, 3, "banks", "lockers", {"thesaurus": 1.0})
    alone = ranker.score(document, [banks])[0]
    sure, repaired = ranker.score(document, [commercial, banks])
    assert sure > 0.9
    assert alone < 0.5 < repaired  # "commercial banks lend", not "commercialized banks"

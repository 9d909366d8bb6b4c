"""Fill-ins: the language model's sure one-word restorations of thesaurus relatives."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from restore.detection import Detection
from restore.embeddings import WordEmbeddings
from restore.fill_ins import SOURCE, FillIns
from restore.hunk import Hunk
from restore.language_model import NgramModel
from restore.segmentation import Document, segment
from restore.thesaurus import Synonym, SynonymTable

CORPUS = [s.split(" ") for s in [
    "the police said on monday that the city was quiet",
    "the army said on tuesday that the town was calm",
    "officials said on friday that the border was open",
    "the minister said on sunday that the market was stable",
    "the police said the city was quiet again",
]] * 4
TABLE = SynonymTable({"say": [Synonym("remark"), Synonym("state")],
                      "city": [Synonym("township")]})
STATE_ONLY = SynonymTable({"state": [Synonym("remark")]})
SPUN = "The police remarked on Monday that the city was quiet."


@pytest.fixture(scope="module")
def lm() -> NgramModel:
    return NgramModel.estimate(CORPUS, order=4, min_word_count=1, min_count=1)


@pytest.fixture(scope="module")
def embeddings() -> WordEmbeddings:
    return WordEmbeddings.estimate(CORPUS, dimensions=8, min_count=1, epochs=5)


def _detection(document: Document, score: float = 0.9) -> Detection:
    return Detection([np.zeros(len(s.tokens)) for s in document.sentences],
                     np.full(len(document.sentences), score), score)


def _extend(fill_ins: FillIns, text: str, hunks: list[Hunk] = ()) -> list[Hunk]:
    document = segment(text)
    return fill_ins.extend(document, list(hunks), _detection(document), threshold=0.5)


def test_a_word_the_model_finds_far_likelier_replaced_by_a_relative_is_restored(lm, embeddings):
    [hunk] = _extend(FillIns(lm, embeddings, TABLE, min_confidence=0.0), SPUN)
    assert (hunk.before, hunk.after, hunk.source) == ("remarked", "said", SOURCE)
    assert SPUN[hunk.start : hunk.end] == "remarked"
    assert 0.0 < hunk.confidence < 1.0


def test_the_fill_in_takes_the_written_words_case(lm, embeddings):
    text = "The police REMARKED on Monday that the city was quiet."
    [hunk] = _extend(FillIns(lm, embeddings, TABLE, min_confidence=0.0), text)
    assert hunk.after == "SAID"


def test_a_likelier_word_that_no_thesaurus_list_relates_is_not_proposed(lm, embeddings):
    unrelated = SynonymTable({"city": [Synonym("township")]})
    assert _extend(FillIns(lm, embeddings, unrelated, min_confidence=0.0), SPUN) == []


@pytest.fixture(scope="module")
def stated_lm() -> NgramModel:
    """A model after which "said" is likelier than "stated", the relative of "remarked"."""
    stated = CORPUS + [SPUN.lower().rstrip(".").replace("remarked", "stated").split()] * 4
    return NgramModel.estimate(stated, order=4, min_word_count=1, min_count=1)


def test_the_likeliest_relative_wins_over_a_likelier_word_no_list_relates(stated_lm, embeddings):
    fill_ins = FillIns(stated_lm, embeddings, STATE_ONLY, min_confidence=0.0)
    assert [h.after for h in _extend(fill_ins, SPUN)] == ["stated"]
    assert _extend(FillIns(stated_lm, embeddings, STATE_ONLY, min_gain=1e3,
                           min_confidence=0.0), SPUN) == []


def test_origins_are_tried_beyond_the_words_likeliest_after_the_left_context(
        stated_lm, embeddings, monkeypatch):
    monkeypatch.setattr("restore.fill_ins.SHORTLIST", 1)  # only "said" follows "the police"
    assert _extend(FillIns(stated_lm, embeddings, STATE_ONLY, min_confidence=0.0), SPUN) == []
    origins = {"remarked": [("stated", 1.0), ("put forward", 1.0)]}
    fill_ins = FillIns(stated_lm, embeddings, STATE_ONLY, lambda word: origins.get(word, ()),
                       min_confidence=0.0)
    assert [h.after for h in _extend(fill_ins, SPUN)] == ["stated"]


def test_copy_that_reads_as_the_model_expects_gets_nothing(lm, embeddings):
    assert _extend(FillIns(lm, embeddings, TABLE, min_confidence=0.0),
                   "The police said on Monday that the city was quiet.") == []


def test_words_of_a_sure_hunk_are_left_to_it(lm, embeddings):
    start = SPUN.index("remarked")
    sure = Hunk(start, start + len("remarked"), "remarked", "stated", 0.9)
    assert _extend(FillIns(lm, embeddings, TABLE, min_confidence=0.0), SPUN, [sure]) == [sure]


def test_agreeing_with_a_weaker_suggestion_raises_the_confidence(lm, embeddings):
    fill_ins = FillIns(lm, embeddings, TABLE, min_confidence=0.0)
    [alone] = _extend(fill_ins, SPUN)
    start = SPUN.index("remarked")
    weak_same = Hunk(start, start + 8, "remarked", "said", 0.3)
    [agreed] = _extend(fill_ins, SPUN, [weak_same])
    assert agreed.after == "said" and agreed.confidence > alone.confidence


def test_a_weaker_suggestion_that_disagrees_is_kept_as_an_alternative_or_wins(lm, embeddings):
    fill_ins = FillIns(lm, embeddings, TABLE, min_confidence=0.0)
    start = SPUN.index("remarked")
    [alone] = _extend(fill_ins, SPUN)
    weak = Hunk(start, start + 8, "remarked", "noted", alone.confidence / 2)
    [hunk] = _extend(fill_ins, SPUN, [weak])
    assert (hunk.after, hunk.alternatives) == ("said", ("noted",))
    strong = Hunk(start, start + 8, "remarked", "noted", min(0.49, alone.confidence + 0.01))
    assert _extend(fill_ins, SPUN, [strong]) == [strong]


def test_confidence_grows_with_gain_agreement_and_fit_and_falls_as_frequency_explains_the_gain():
    base = FillIns.confidence((10.0, 2.0, 1.0, 0.0, 0.0))
    assert FillIns.confidence((14.0, 2.0, 1.0, 0.0, 0.0)) > base
    assert FillIns.confidence((10.0, 2.0, 1.0, 1.0, 0.0)) > base
    assert FillIns.confidence((10.0, 2.0, 1.0, 0.0, 1.0)) > base
    assert FillIns.confidence((10.0, 2.0, 3.0, 0.0, 0.0)) < base


def test_the_shipped_pipeline_adds_fill_ins_and_keeps_hunks_disjoint(tiny_restorer):
    assert tiny_restorer.fill_ins is not None
    analysis = tiny_restorer.analyse(SPUN + " The municipality was calm, officials remarked.")
    spans = [(h.start, h.end) for h in analysis.hunks]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_fill_ins_are_evidence_that_a_document_is_spun():
    hunks = [Hunk(0, 4, "a", "b", 0.6, (), SOURCE), Hunk(5, 9, "c", "d", 0.9, (), "lexicon"),
             Hunk(10, 14, "e", "f", 0.4, (), SOURCE)]
    assert FillIns.evidence(hunks, words=200) == pytest.approx(0.5)  # (0.6 + 0.4) per 100 words
    assert FillIns.evidence([], words=0) == 0.0
    plain = FillIns.document_score(0.3, 0.0)
    assert FillIns.document_score(0.3, 0.5) > plain
    assert FillIns.document_score(0.3, 2.0) > FillIns.document_score(0.3, 0.5)
    assert FillIns.document_score(0.6, 0.5) > FillIns.document_score(0.3, 0.5)
    assert 0.0 < FillIns.document_score(1.0, 5.0) < 1.0 + 1e-9

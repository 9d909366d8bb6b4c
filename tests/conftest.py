"""Shared fixtures: a tiny but real set of models, trained on the fly in seconds.

The tiny models learn from the four clean seed articles (never seed 003) and
a small hand-made synonym table of everyday news words, through the same
training code as the shipped models, so tests exercise the real pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore.embeddings import WordEmbeddings
from restore.language_model import NgramModel
from restore.pipeline import (
    EMBEDDINGS_FILE,
    LEXICON_FILE,
    LM_FILE,
    SCORER_FILE,
    TOPICS_FILE,
    Restorer,
)
from restore.segmentation import segment
from restore.thesaurus import Synonym, SynonymTable
from restore.topics import TopicModel
from restore.training import fit_on_corpus, learn_from_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CLEAN_SEEDS = ("000_2536f1d5b4305500.txt", "001_605e4c2f2a59634c.txt",
               "002_5d2c8cb1859f4852.txt", "004_c8414aeea56d847d.txt")

# Everyday news synonyms, none of them a swap of the real spun seed 003 (tests must
# not be built from that article's wording).
TINY_SYNONYMS = {
    "say": ["remark", "assert", "comment"],
    "attack": ["raid", "offensive", "strike"],
    "government": ["administration", "cabinet", "executive"],
    "big": ["large", "huge", "substantial"],
    "large": ["big", "huge", "sizeable"],
    "help": ["aid", "assist", "support"],
    "warn": ["caution", "alert"],
    "fight": ["struggle", "clash", "tussle"],
    "city": ["municipality", "borough", "township"],
    "official": ["formal", "authorized"],
    "country": ["nation", "state", "land"],
    "people": ["persons", "folks", "citizens"],
    "force": ["power", "strength", "pressure"],
    "key": ["important", "vital", "crucial"],
    "major": ["significant", "important", "main"],
    "last": ["previous", "latest", "past"],
    "try": ["attempt", "seek", "endeavor"],
    "risk": ["danger", "hazard", "peril"],
    "leader": ["chief", "head", "boss"],
    "talk": ["discussion", "negotiation", "conversation"],
}


def clean_seed_texts() -> list[str]:
    """The paragraphs of the four clean seed articles."""
    paragraphs = []
    for name in CLEAN_SEEDS:
        text = (SEEDS / name).read_text(encoding="utf-8")
        paragraphs += [p for p in text.split("\n\n") if len(p.split()) > 8]
    return paragraphs


def tiny_synonym_table() -> SynonymTable:
    return SynonymTable({h: [Synonym(s) for s in syns] for h, syns in TINY_SYNONYMS.items()})


def build_tiny_models(out: Path) -> Path:
    """Train a tiny models folder in `out` (seconds) from the clean seeds."""
    texts = clean_seed_texts()
    synonyms = tiny_synonym_table()
    synonyms.save(out / "synonyms.tsv.gz")
    # each paragraph's sentences of norms, so that the models can read some paragraphs only
    paragraphs = [[[t.norm for t in s.tokens] for s in segment(p).sentences] for p in texts]
    sentences = [s for p in paragraphs for s in p]
    _tiny_lm(sentences).save(out / LM_FILE)
    topics = TopicModel.estimate([[t.norm for t in segment(p).tokens()] for p in texts],
                                 dimensions=8, min_documents=1)
    topics.save(out / TOPICS_FILE)
    embeddings = WordEmbeddings.estimate(sentences, dimensions=8, min_count=1, epochs=2)
    embeddings.save(out / EMBEDDINGS_FILE)
    # As `restore build scorer` does, the scorers learn from other paragraphs
    # than the lexicon, read by a language model that has not read them: one
    # that has finds every original fluent, and the scorers would learn to
    # trust fluency too much.
    lexicon = learn_from_corpus(texts[::2] * 3, synonyms, seed=1, progress=False)
    unseen = _tiny_lm([s for p in paragraphs[::2] for s in p])
    scorer_texts = texts[1::2]
    scorer = fit_on_corpus(scorer_texts * 3, synonyms, lexicon, unseen, topics, embeddings,
                           seed=1, progress=False)
    lexicon.save(out / LEXICON_FILE)
    (out / SCORER_FILE).write_text(json.dumps(scorer))
    return out


def _tiny_lm(sentences: list[list[str]]) -> NgramModel:
    return NgramModel.estimate(sentences, order=3, min_word_count=1, min_count=1)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder trained in seconds on the clean seeds."""
    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_restorer(tiny_models: Path) -> Restorer:
    """The tiny models, loaded."""
    return Restorer.load(tiny_models)

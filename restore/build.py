"""Build: regenerate every artifact in `models/` from `../shared/data`.

Each artifact has one command, deterministic for a given seed:

    restore build synonyms   models/synonyms.tsv.gz  (thesauri, filtered and ranked)
    restore build lm         models/lm.npz           (4-gram Kneser-Ney, train split)
    restore build topics     models/topics.npz       (word topic vectors, train split)
    restore build embeddings models/embeddings.npz   (word2vec vectors, train split)
    restore build lexicon    models/lexicon.tsv.gz   (spun form -> originals)
    restore build scorer     models/scorer.json      (ranking and detection scorers, threshold)
    restore build all        all six, in that order

Only documents of the train split (`restore.corpus.split_of`) are used, so
`restore eval` on pairs spun from the dev or test split measures held-out text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from tqdm import tqdm

from restore.corpus import NEWS_SOURCES, corpus_files, iter_documents
from restore.embeddings import WINDOW, WordEmbeddings
from restore.errors import InputError, ignore_interrupts
from restore.language_model import NgramModel
from restore.lexicon import Lexicon
from restore.output import atomic_write, write_card
from restore.pipeline import EMBEDDINGS_FILE, LEXICON_FILE, LM_FILE, SCORER_FILE, TOPICS_FILE
from restore.segmentation import segment
from restore.thesaurus import SynonymTable, build_synonyms
from restore.topics import TopicModel
from restore.training import (
    FORGET_SHARE,
    MAX_CLEAN_EDITS_PER_1000,
    fit_on_corpus,
    learn_from_corpus,
    split_three,
)

LM_ORDER = 4
SYNONYMS_FILE = "synonyms.tsv.gz"
# What each step reads from its --out besides ../shared, by the step that makes it.
READS = {"lexicon": {"synonyms": SYNONYMS_FILE},
         "scorer": {"synonyms": SYNONYMS_FILE, "lexicon": LEXICON_FILE}}
# Of the 18,890 train-split news documents, the scorers take all that the
# lexicon leaves but the 1,000 the neural combination is calibrated on
# (`restore.neural.training.PARTS`): their trees gained with each doubling of
# documents on held-out ones.
LEXICON_DOCS, SCORER_DOCS, TUNE_SHARE = 10000, 7890, 0.25


def build_lm(shared: Path, out: Path, workers: int = 2) -> Path:
    """Estimate the n-gram model on every train-split document."""
    return _build_on_train_split(shared, out, "lm", LM_FILE, _estimate_lm, lambda lm: {
        "what": f"{LM_ORDER}-gram interpolated modified Kneser-Ney model, pruned (count >= 2 "
                "for orders 2+), lowercased Token.norm forms",
        "n-grams": lm.size,
        "vocabulary": len(lm.vocab),
    }, workers)


def build_topics(shared: Path, out: Path, seed: int = 0, workers: int = 2) -> Path:
    """Fit the topic vectors on every train-split document."""
    return _build_on_train_split(
        shared, out, "topics", TOPICS_FILE, lambda docs: _estimate_topics(docs, seed),
        lambda topics: {
            "what": f"latent semantic analysis: {topics.vectors.shape[1]}-dimensional unit "
                    "vectors of words from a truncated SVD of the sublinear tf-idf "
                    "document-word matrix; idf weights",
            "vocabulary": len(topics.vocab),
        }, workers)


def build_embeddings(shared: Path, out: Path, seed: int = 0, workers: int = 2) -> Path:
    """Train the word embeddings on every train-split document."""
    return _build_on_train_split(
        shared, out, "embeddings", EMBEDDINGS_FILE, lambda docs: _estimate_embeddings(docs, seed),
        lambda embeddings: {
            "what": f"word2vec continuous bag of words (gensim), {embeddings.inputs.shape[1]} "
                    f"dimensions, a window of {WINDOW} words either side, negative sampling, "
                    f"seed {seed}; input and output vectors, fp16",
            "vocabulary": len(embeddings.vocab),
        }, workers)


def _build_on_train_split(
    shared: Path, out: Path, name: str, filename: str,
    estimate: Callable[[list[list[list[str]]]], Any], facts: Callable[[Any], dict],
    workers: int,
) -> Path:
    """Estimate a model on every train-split document, save it as `filename`
    and write its card: `facts` of the model, then the data, time and size."""
    texts, documents = _train_split(shared, workers)
    start = time.time()
    model = estimate(documents)
    path = out / filename
    model.save(path)
    what = facts(model)
    write_card(out / f"{name}.md", name, {
        "what": what.pop("what"),
        "data": f"train split of all corpus files: {len(texts)} documents, "
                f"{sum(len(s) for doc in documents for s in doc)} tokens",
        **what,
        "estimation seconds": round(time.time() - start, 1),
        "bytes": path.stat().st_size,
        "command": f"restore build {name} --shared ../shared",
    })
    return path


def models_without(
    shared: Path, texts: Sequence[str], seed: int = 0
) -> tuple[NgramModel, TopicModel, WordEmbeddings]:
    """The language, topic and embedding models estimated as `build_lm`,
    `build_topics` and `build_embeddings` do, but without `texts`: features of
    those texts then look like features of copy the shipped models never read."""
    all_texts, documents = _train_split(shared, workers=2)
    own = set(texts)
    unseen = [d for t, d in zip(all_texts, documents, strict=True) if t not in own]
    return (_estimate_lm(unseen), _estimate_topics(unseen, seed),
            _estimate_embeddings(unseen, seed))


def _estimate_lm(documents: list[list[list[str]]]) -> NgramModel:
    return NgramModel.estimate([s for doc in documents for s in doc], order=LM_ORDER)


def _estimate_topics(documents: list[list[list[str]]], seed: int) -> TopicModel:
    return TopicModel.estimate([[w for s in doc for w in s] for doc in documents], seed=seed)


def _estimate_embeddings(documents: list[list[list[str]]], seed: int) -> WordEmbeddings:
    return WordEmbeddings.estimate([s for doc in documents for s in doc], seed=seed)


def _train_split(shared: Path, workers: int) -> tuple[list[str], list[list[list[str]]]]:
    """Every train-split document: its text and its sentences of `Token.norm` forms."""
    texts = [d.text for d in iter_documents(shared, split="train")]
    with Pool(workers, initializer=ignore_interrupts) as pool:
        documents = list(tqdm(pool.imap(_sentences, texts, chunksize=64), total=len(texts),
                              desc="tokenising"))
    return texts, documents


def _sentences(text: str) -> list[list[str]]:
    return [[t.norm for t in s.tokens] for s in segment(text).sentences]


def _training_documents(shared: Path, seed: int) -> tuple[list[str], list[str]]:
    """Train-split news documents, shuffled by `seed`: (for the lexicon, for the scorers)."""
    docs = [d.text for d in iter_documents(shared, sources=NEWS_SOURCES, split="train")]
    lexicon_docs, scorer_docs, _ = split_three(
        docs, seed, (LEXICON_DOCS / len(docs), SCORER_DOCS / len(docs))
    )
    return lexicon_docs, scorer_docs


def check_inputs(step: str, shared: Path, out: Path) -> None:
    """InputError unless `shared` and `out` hold what `restore build step` reads,
    so that a build (most of an hour) fails before any work and before it makes `out`."""
    if step in ("lexicon", "scorer", "all"):
        corpus_files(shared, NEWS_SOURCES)  # every news source: their mix is the model's
    if out.exists() and not out.is_dir():
        return  # making `out` says what is wrong with it
    for maker, name in READS.get(step, {}).items():
        if not (out / name).is_file():
            raise InputError(f"restore build {step} reads {name} from {out}, which has none: "
                             f"make it first with `restore build {maker} --out {out}`, or "
                             f"everything with `restore build all --out {out}`")


def build_lexicon(shared: Path, out: Path, seed: int = 0) -> Path:
    """Learn spun form -> original pairs by spinning train documents."""
    synonyms = SynonymTable.load(out / SYNONYMS_FILE)
    docs, _ = _training_documents(shared, seed)
    lexicon = learn_from_corpus(docs, synonyms, fingerprint_phrases(shared), seed)
    path = out / LEXICON_FILE
    lexicon.save(path)
    write_card(out / "lexicon.md", "lexicon", {
        "what": "spun form -> possible originals: pairs learned from the synthetic spinner, "
                "word pairs aligned from the tortured-phrase fingerprints, the inverted "
                "synonym table",
        "data": f"{len(docs)} train-split news documents spun with seed {seed}; "
                "../shared/data/fingerprints/tortured-phrases.json; models/synonyms.tsv.gz",
        "bytes": path.stat().st_size,
        "command": "restore build lexicon --shared ../shared",
    })
    return path


def build_scorer(shared: Path, out: Path, seed: int = 0) -> Path:
    """Fit the candidate, context, sentence and document scorers and the threshold."""
    synonyms = SynonymTable.load(out / SYNONYMS_FILE)
    lexicon = Lexicon.load(out / LEXICON_FILE)
    _, docs = _training_documents(shared, seed)
    # The shipped language, topic and embedding models have read these documents, and
    # would find their clean wording more familiar than any new copy's: the
    # scorers would learn to trust fluency too much and the threshold would
    # be picked on flattering text. So the scorers see models that have not.
    lm, topics, embeddings = models_without(shared, docs, seed)
    scorer = fit_on_corpus(docs, synonyms, lexicon, lm, topics, embeddings, seed, TUNE_SHARE)
    path = out / SCORER_FILE
    atomic_write(path, json.dumps(scorer, indent=1))
    write_card(out / "scorer.md", "scorer", {
        "what": "candidate model (LightGBM boosted trees: is this the original?), then "
                "logistic models: context (the same in the light of its sentence and "
                "document, calibrated; fitted on out-of-fold tree scores), sentence, document; "
                "at run time the candidate model reads the spans near a restoration of 0.5 "
                "or more again with it applied (`restore.ranking`), learned from first "
                "readings only",
        "data": f"{len(docs)} train-split news documents, none used for the lexicon, seed "
                f"{seed}: half spun, half clean; the last {TUNE_SHARE:.0%} kept aside to "
                "pick the threshold (at most "
                f"{MAX_CLEAN_EDITS_PER_1000:g} edits per 1,000 clean words there); "
                "features from language, topic and embedding models estimated without "
                f"these documents; fitted with the learned evidence of {FORGET_SHARE:.0%} of "
                "the spun forms forgotten (`Lexicon.forgetting`), the threshold picked with "
                "all of it",
        "threshold": scorer["threshold"],
        "command": "restore build scorer --shared ../shared",
    })
    return path


def fingerprint_phrases(shared: Path) -> list[tuple[str, str]]:
    """(tortured, correct) phrase pairs of the known spinner fingerprints in `shared`."""
    path = shared / "data" / "fingerprints" / "tortured-phrases.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(p["tortured"], p["correct"]) for p in data["phrases"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"cannot read the spinner fingerprints at {path} ({error}); the "
                         "shared data folder is incomplete: pass the full one with --shared"
                         ) from None


def build_all(shared: Path, out: Path, seed: int = 0) -> None:
    """Every artifact, in dependency order."""
    # Checked first: a source missing at the lexicon's step would leave the artifacts
    # built before it beside older ones, a set that was never measured together.
    corpus_files(shared, NEWS_SOURCES)
    build_synonyms(shared, out)
    build_lm(shared, out)
    build_topics(shared, out, seed)
    build_embeddings(shared, out, seed)
    build_lexicon(shared, out, seed)
    build_scorer(shared, out, seed)

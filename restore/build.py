"""Build: regenerate every artifact in `models/` from `../shared/data`.

Each artifact has one command, deterministic for a given seed:

    restore build synonyms   models/synonyms.tsv.gz  (thesauri, filtered and ranked)
    restore build lm         models/lm.npz           (4-gram Kneser-Ney, train split)
    restore build scorer     models/lexicon.tsv.gz and models/scorer.json
    restore build all        all three, in that order

Only documents of the train split (`restore.corpus.split_of`) are used, so
`restore eval` on pairs spun from the dev or test split measures held-out text.
"""

from __future__ import annotations

import json
import time
from multiprocessing import Pool
from pathlib import Path

from tqdm import tqdm

from restore.corpus import NEWS_SOURCES, iter_documents
from restore.language_model import NgramModel
from restore.pipeline import LEXICON_FILE, LM_FILE, SCORER_FILE
from restore.segmentation import segment
from restore.thesaurus import SynonymTable, build_synonyms
from restore.training import split_three, train_engine

LM_ORDER = 4
LEXICON_DOCS, SCORER_DOCS, TUNE_DOCS = 4000, 1200, 400


def build_lm(shared: Path, out: Path, workers: int = 2) -> Path:
    """Estimate the n-gram model on every train-split document."""
    texts = [d.text for d in iter_documents(shared, split="train")]
    with Pool(workers) as pool:
        sentences = [
            s
            for doc in tqdm(pool.imap(_sentences, texts, chunksize=64), total=len(texts),
                            desc="tokenising")
            for s in doc
        ]
    start = time.time()
    lm = NgramModel.estimate(sentences, order=LM_ORDER)
    path = out / LM_FILE
    lm.save(path)
    _card(out, "lm", {
        "what": f"{LM_ORDER}-gram interpolated modified Kneser-Ney model, pruned (count >= 2 "
                "for orders 2+), lowercased Token.norm forms",
        "data": f"train split of all corpus files: {len(texts)} documents, "
                f"{sum(map(len, sentences))} tokens",
        "n-grams": lm.size,
        "vocabulary": len(lm.vocab),
        "estimation seconds": round(time.time() - start, 1),
        "bytes": path.stat().st_size,
        "command": "restore build lm --shared ../shared",
    })
    return path


def _sentences(text: str) -> list[list[str]]:
    return [[t.norm for t in s.tokens] for s in segment(text).sentences]


def build_scorer(shared: Path, out: Path, seed: int = 0) -> Path:
    """Learn the lexicon and fit the scorers on synthetic pairs of train documents."""
    synonyms = SynonymTable.load(out / "synonyms.tsv.gz")
    lm = NgramModel.load(out / LM_FILE)
    docs = [d.text for d in iter_documents(shared, sources=NEWS_SOURCES, split="train")]
    total = LEXICON_DOCS + SCORER_DOCS + TUNE_DOCS
    docs = split_three(docs, seed, (total / len(docs), 0.0))[0]
    lexicon, scorer = train_engine(
        docs, synonyms, lm, _fingerprints(shared), seed,
        (LEXICON_DOCS / total, SCORER_DOCS / total),
    )
    lexicon.save(out / LEXICON_FILE)
    path = out / SCORER_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(scorer, indent=1))
    tmp.replace(path)
    _card(out, "scorer", {
        "what": "logistic models: candidate (is this the original?), sentence, document; "
                "and the lexicon of spun form -> originals (lexicon.tsv.gz)",
        "data": f"{total} train-split news documents, seed {seed}: {LEXICON_DOCS} spun "
                f"for the lexicon, {SCORER_DOCS} (half spun, half clean) for the scorers, "
                f"{TUNE_DOCS} (half and half) to pick the threshold",
        "threshold": scorer["threshold"],
        "command": "restore build scorer --shared ../shared",
    })
    return path


def _fingerprints(shared: Path) -> list[tuple[str, str]]:
    path = shared / "data" / "fingerprints" / "tortured-phrases.json"
    data = json.loads(path.read_text())
    return [(p["tortured"], p["correct"]) for p in data["phrases"]]


def build_all(shared: Path, out: Path, seed: int = 0) -> None:
    """Every artifact, in dependency order."""
    build_synonyms(shared, out)
    build_lm(shared, out)
    build_scorer(shared, out, seed)


def _card(out: Path, name: str, facts: dict) -> None:
    """Write models/<name>.md, the model card of one artifact."""
    lines = [f"# {name}", ""] + [f"- **{k}**: {v}" for k, v in facts.items()]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")

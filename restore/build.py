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

from restore.candidates import CandidateGenerator
from restore.corpus import NEWS_SOURCES, iter_documents
from restore.language_model import NgramModel
from restore.lexicon import Lexicon
from restore.pipeline import LEXICON_FILE, LM_FILE, SCORER_FILE
from restore.segmentation import segment
from restore.spinner import Spinner
from restore.thesaurus import SynonymTable, build_synonyms
from restore.training import examples, fit_scorers, learn_lexicon, spin_documents, split_three

LM_ORDER = 4
LEXICON_DOCS, SCORER_DOCS, TUNE_DOCS = 6000, 1500, 400


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
    lexicon_docs, scorer_docs, tune_docs = split_three(
        docs, seed, (LEXICON_DOCS / len(docs), SCORER_DOCS / len(docs))
    )
    tune_docs = tune_docs[:TUNE_DOCS]
    spinner = Spinner(synonyms, seed=seed)
    lexicon = learn_lexicon(
        synonyms, spin_documents(lexicon_docs, spinner), _fingerprints(shared)
    )
    lexicon.save(out / LEXICON_FILE)
    lexicon = Lexicon.load(out / LEXICON_FILE)  # score with exactly what ships
    generator = CandidateGenerator(lexicon)
    half = len(scorer_docs) // 2
    train = examples(spin_documents(scorer_docs[:half], spinner), generator)
    clean = examples(spin_documents(scorer_docs[half:], Spinner(synonyms, _no_spin())), generator)
    tune = examples(spin_documents(tune_docs[: len(tune_docs) // 2], spinner), generator)
    tune_clean = examples(
        spin_documents(tune_docs[len(tune_docs) // 2 :], Spinner(synonyms, _no_spin())), generator
    )
    scorer = fit_scorers(lm, lexicon, train, clean, tune, tune_clean)
    path = out / SCORER_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(scorer, indent=1))
    tmp.replace(path)
    _card(out, "scorer", {
        "what": "logistic models: candidate (is this the original?), sentence, document; "
                "and the lexicon of spun form -> originals",
        "data": f"train split news documents: {len(lexicon_docs)} spun for the lexicon, "
                f"{len(scorer_docs)} (half spun, half clean) for the scorers, "
                f"{len(tune_docs)} to pick the threshold",
        "threshold": scorer["threshold"],
        "seed": seed,
        "command": "restore build scorer --shared ../shared",
    })
    return path


def _no_spin():
    from restore.spinner import SpinRates

    return SpinRates.none()


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

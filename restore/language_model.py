"""Language model: an n-gram model of clean news copy.

`NgramModel.estimate(sentences)` takes tokenised sentences (lists of
`Token.norm` forms) and gives an interpolated modified Kneser-Ney model
(Chen & Goodman 1998) in back-off form: for every kept n-gram a log
probability and, for its use as a context, a back-off weight. Rare n-grams of
order 3 and up are pruned to keep the shipped file small.

`NgramModel.window_logprobs(windows)` scores many short token windows at once:
the ranker compares the observed wording with each candidate in a window of
`order - 1` words either side, so every candidate is judged on a context wider
than two words. Scoring is vectorised with numpy: n-grams are stored as sorted
64-bit hashes per order and looked up with `searchsorted`.

No PyPI package both estimates a Kneser-Ney model and queries it at the speed
the ranker needs (nltk.lm takes seconds per sentence; kenlm's estimator is not
on PyPI), so estimation is written here on numpy, in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from restore.output import write_arrays

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: a multiplicative hash


def _fold(prefix: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Hash of an n-gram from the hash of its first n-1 words and its last word id."""
    with np.errstate(over="ignore"):
        return (prefix * _MUL) ^ ids.astype(np.uint64)


class NgramModel:
    """A back-off n-gram model over a fixed vocabulary (natural-log probabilities)."""

    def __init__(
        self,
        vocab: Sequence[str],
        keys: list[np.ndarray],
        logp: list[np.ndarray],
        backoff: list[np.ndarray],
    ) -> None:
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.order = len(keys)
        self._keys, self._logp, self._backoff = keys, logp, backoff
        self._unk = self.ids[UNK]

    # ------------------------------------------------------------------ build
    @classmethod
    def estimate(
        cls,
        sentences: Iterable[Sequence[str]],
        order: int = 4,
        min_word_count: int = 2,
        min_count: int = 2,
    ) -> NgramModel:
        """Estimate a model from tokenised sentences.

        Words seen fewer than `min_word_count` times become `<unk>`; n-grams of
        order 3 and up seen fewer than `min_count` times are pruned after
        estimation (their probability then comes from back-off).
        """
        sentences = [list(s) for s in sentences if s]
        counts = Counter(w for s in sentences for w in s)
        vocab = [UNK, BOS, EOS, *sorted(w for w, c in counts.items() if c >= min_word_count)]
        ids = {w: i for i, w in enumerate(vocab)}
        stream, sent_id = [], []
        for n, s in enumerate(sentences):
            stream.extend([ids[BOS], *(ids.get(w, 0) for w in s), ids[EOS]])
            sent_id.extend([n] * (len(s) + 2))
        tokens = np.asarray(stream, dtype=np.uint64)
        sid = np.asarray(sent_id, dtype=np.int64)

        # hashes[k][i]: hash of the (k+1)-gram ending at position i
        hashes = [tokens]
        for k in range(1, order):
            h = np.zeros_like(tokens)
            h[k:] = _fold(hashes[k - 1][k - 1 : -1], tokens[k:])
            hashes.append(h)

        grams = []  # per order: unique keys, raw counts, context hash, suffix hash, first-is-BOS
        for k in range(order):
            pos = np.arange(k, len(tokens))
            pos = pos[sid[pos - k] == sid[pos]]
            keys, first, raw = np.unique(hashes[k][pos], return_index=True, return_counts=True)
            at = pos[first]
            ctx = hashes[k - 1][at - 1] if k else np.zeros_like(keys)
            suffix = hashes[k - 1][at] if k else np.zeros_like(keys)
            grams.append((keys, raw, ctx, suffix, tokens[at - k] == ids[BOS]))

        keys_out, logp_out, prob = [], [], None
        for k in range(order):
            keys, raw, ctx, suffix, starts_bos = grams[k]
            if k + 1 < order:  # lower orders count distinct left extensions (Kneser-Ney)
                ext_suffix = grams[k + 1][3]
                uniq, n_ext = np.unique(ext_suffix, return_counts=True)
                where = np.searchsorted(uniq, keys).clip(max=len(uniq) - 1)
                cont = np.where(uniq[where] == keys, n_ext[where], 0)
                count = np.where(starts_bos | (cont == 0), raw, cont)
            else:
                count = raw
            if k == 0:  # <s> is only ever a context, never predicted
                count = np.where(keys == ids[BOS], 0, count)
            d = _discounts(count)
            disc = d[np.minimum(count, 3)]
            ctx_ids, inverse = np.unique(ctx, return_inverse=True)
            total = np.bincount(inverse, weights=count)
            mass = np.bincount(inverse, weights=disc)
            gamma = mass / total  # back-off weight of each context
            if k == 0:
                lower = np.full(len(keys), 1.0 / len(vocab))
            else:
                lower_keys, lower_prob = keys_out[k - 1], prob
                lower = lower_prob[np.searchsorted(lower_keys, suffix)]
            p = (count - disc) / total[inverse] + gamma[inverse] * lower
            if k == 0:  # every vocabulary word gets a unigram, seen or not
                dense = np.full(len(vocab), gamma[0] / len(vocab))
                dense[keys.astype(np.int64)] = p
                keys, p = np.arange(len(vocab), dtype=np.uint64), dense
            keys_out.append(keys)
            logp_out.append(np.log(p))
            prob = p
            grams[k] = (keys, raw, ctx, ctx_ids, gamma)

        backoff_out = []
        for k in range(order):
            keys = keys_out[k]
            bo = np.zeros(len(keys))
            if k + 1 < order:
                ctx_ids, gamma = grams[k + 1][3], grams[k + 1][4]
                bo[np.searchsorted(keys, ctx_ids)] = np.log(gamma)
            backoff_out.append(bo)

        needed = np.zeros(0, dtype=np.uint64)  # contexts of kept higher-order n-grams
        for k in reversed(range(1, order)):  # prune rare n-grams of order 2 and up
            keys, raw, ctx = grams[k][0], grams[k][1], grams[k][2]
            keep = (raw >= min_count) | np.isin(keys, needed)
            keys_out[k], logp_out[k], backoff_out[k] = (
                keys_out[k][keep], logp_out[k][keep], backoff_out[k][keep],
            )
            needed = np.unique(ctx[keep])
        return cls(
            vocab,
            keys_out,
            [x.astype(np.float32) for x in logp_out],
            [x.astype(np.float32) for x in backoff_out],
        )

    # ------------------------------------------------------------- save/load
    def save(self, path: Path) -> None:
        """Write the model as one compressed `.npz` file (atomically)."""
        arrays = {}
        for k in range(self.order):
            arrays[f"keys{k}"] = self._keys[k]
            arrays[f"logp{k}"] = self._logp[k].astype(np.float16)
            arrays[f"backoff{k}"] = self._backoff[k].astype(np.float16)
        write_arrays(path, self.vocab, **arrays)

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        """Read a model written by `save`."""
        with np.load(path) as data:
            order = sum(1 for name in data.files if name.startswith("keys"))
            return cls(
                str(data["vocab"]).split("\n"),
                [data[f"keys{k}"] for k in range(order)],
                [data[f"logp{k}"].astype(np.float32) for k in range(order)],
                [data[f"backoff{k}"].astype(np.float32) for k in range(order)],
            )

    @property
    def size(self) -> int:
        """Number of stored n-grams of all orders."""
        return sum(len(k) for k in self._keys)

    # ----------------------------------------------------------------- query
    def encode(self, words: Sequence[str]) -> list[int]:
        """Vocabulary ids of `words` (unknown words map to `<unk>`)."""
        return [self.ids.get(w, self._unk) for w in words]

    def window_logprobs(self, windows: Sequence[tuple[Sequence[int], int]]) -> np.ndarray:
        """Log probability of the tail of each window given the words before it.

        Each window is `(ids, first)`: the sum runs over positions `first..end`
        of `ids`, each conditioned on up to `order - 1` preceding ids of the
        same window.
        """
        n = self.order
        if not windows:
            return np.zeros(0)
        # One flat array: each window behind n-1 pads, so no history crosses windows.
        flat: list[int] = []
        for ids, _ in windows:
            flat.extend([-1] * (n - 1))
            flat.extend(ids)
        lengths = np.fromiter((len(ids) for ids, _ in windows), np.int64, len(windows))
        firsts = np.fromiter((first for _, first in windows), np.int64, len(windows))
        starts = np.cumsum(lengths + n - 1) - lengths  # index of each window's first id
        scored = lengths - firsts
        owner = np.repeat(np.arange(len(windows)), scored)
        within = np.arange(scored.sum()) - np.repeat(np.cumsum(scored) - scored, scored)
        positions = np.repeat(starts + firsts, scored) + within
        rows = np.lib.stride_tricks.sliding_window_view(np.asarray(flat, np.int64), n)
        scores = self._score_rows(rows[positions - (n - 1)])
        return np.bincount(owner, weights=scores, minlength=len(windows))

    def extensions(self, context: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the words stored after the ids `context` (1 to `order - 1` of
        them) and their log probabilities there.

        An n-gram's key is its context's hash folded with its last word's id,
        which changes only the bits a word id takes: the n-grams that extend
        one context lie side by side in the sorted table, found with two
        binary searches.
        """
        k = len(context)
        prefix = np.uint64(context[0])
        for word in context[1:]:
            prefix = _fold(prefix, np.uint64(word))
        base = _fold(prefix, np.uint64(0))
        bits = max(len(self.vocab) - 1, 1).bit_length()
        low = int(base) >> bits << bits
        keys = self._keys[k]
        start = np.searchsorted(keys, np.uint64(low), side="left")
        stop = np.searchsorted(keys, np.uint64(low + (1 << bits) - 1), side="right")
        ids = (keys[start:stop] ^ base).astype(np.int64)
        valid = ids < len(self.vocab)
        return ids[valid], self._logp[k][start:stop][valid]

    def _score_rows(self, rows: np.ndarray) -> np.ndarray:
        """Back-off score of the last id of each row given the ids before it."""
        n = self.order
        words = rows.astype(np.uint64)  # -1 padding wraps, but is masked out below
        grams = [words[:, n - 1]]  # grams[k]: hash of the k+1 words ending at the row's end
        contexts = [None]  # contexts[k]: hash of the k words before the last one
        for k in range(1, n):
            ctx = words[:, n - 1 - k]
            for c in range(n - k, n - 1):
                ctx = _fold(ctx, words[:, c])
            contexts.append(ctx)
            grams.append(_fold(ctx, words[:, n - 1]))
        score = np.zeros(len(rows))
        resolved = np.zeros(len(rows), dtype=bool)
        for k in reversed(range(n)):
            # only rows with k words of history that no longer n-gram has answered
            todo = np.flatnonzero((rows[:, n - 1 - k] >= 0) & ~resolved)
            hit, logp = self._lookup(k, grams[k][todo], self._logp)
            score[todo[hit]] += logp[hit]
            resolved[todo[hit]] = True
            if k:  # no k+1-gram: pay the back-off weight of its k-word context
                missed = todo[~hit]
                ctx_hit, bo = self._lookup(k - 1, contexts[k][missed], self._backoff)
                score[missed[ctx_hit]] += bo[ctx_hit]
        return score

    def _lookup(
        self, k: int, grams: np.ndarray, table: list[np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        keys = self._keys[k]
        # binary search is far faster for queries in order: each starts where the last ended
        order = np.argsort(grams)
        where = np.empty(len(grams), dtype=np.intp)
        where[order] = np.searchsorted(keys, grams[order])
        where = where.clip(max=len(keys) - 1)
        return keys[where] == grams, table[k][where]


def _discounts(count: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts D(0..3) from counts-of-counts."""
    n = [np.count_nonzero(count == i) for i in range(1, 5)]
    y = n[0] / max(n[0] + 2 * n[1], 1)
    d = [0.0] + [max(i - (i + 1) * y * n[i] / max(n[i - 1], 1), 0.0) for i in (1, 2, 3)]
    return np.asarray(d)

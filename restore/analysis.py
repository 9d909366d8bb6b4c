"""Analysis: everything the engine found in one document.

It takes nothing from the outside world; `Restorer.analyse` builds it. It gives
the spin score, per-sentence and per-token scores, the hunks, and the JSON
object that `restore --auto --json` prints.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple, TypeVar

from restore.hunk import Hunk, apply_hunks

# The spin score is calibrated, so 0.5 is even odds. On copy that is probably
# not spun, most guesses are false edits (the measured failure of an ungated
# restorer), so such a document gets only near-certain repairs, such as a
# garbled number; a reference archive's hunks are evidence, not guesses, and an
# editor may still review every hunk. On held-out pairs this cut false edits on
# clean copy 15-fold and cost lightly spun copy 0.026 of its WER reduction
# (bench/README.md).
MIN_SPIN = 0.5
CLEAN_COPY_CONFIDENCE = 0.8
SCORE_DECIMALS = 4  # as the JSON and the reports print scores


def shown(score: float) -> float:
    """A score as the JSON and the reports print it."""
    return round(float(score), SCORE_DECIMALS)


def fails(spin_score: float, fail_above: float) -> bool:
    """Whether `restore score --fail-above fail_above` fails a document of this
    spin score. It judges the score as printed, so that a CI log never shows a
    failed 0.5 at a gate of 0.5."""
    return shown(spin_score) > fail_above


@dataclass(frozen=True, slots=True)
class SentenceScore:
    """Probability that the sentence input[start:end] was spun."""

    start: int
    end: int
    score: float

    def to_json(self) -> dict:
        """The sentence as `restore --auto --json` lists it."""
        return {"start": self.start, "end": self.end, "score": shown(self.score)}


@dataclass(frozen=True, slots=True)
class TokenScore:
    """Probability that the token input[start:end] was substituted."""

    start: int
    end: int
    score: float


@dataclass
class Analysis:
    """The engine's findings on `text`.

    `hunks` are sorted by `start` and never overlap.
    """

    text: str
    spin_score: float
    sentences: list[SentenceScore]
    tokens: list[TokenScore] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)

    def applied(self, threshold: float, min_spin: float = MIN_SPIN) -> list[Hunk]:
        """The hunks `--auto` applies: confidence at or above `threshold`; in a
        document whose spin score is under `min_spin`, at or above
        `CLEAN_COPY_CONFIDENCE` too, unless a reference archive proposed them."""
        return self.gated(threshold, looks_clean=self.spin_score < min_spin)

    def gated(self, threshold: float, *, looks_clean: bool) -> list[Hunk]:
        """The hunks `applied` chooses once the document gate has judged the copy
        spun or clean: for a piece of a longer text, whose gate is the whole text's."""
        return [h for h in self.hunks if h.confidence >= threshold and (
            not looks_clean or h.confidence >= CLEAN_COPY_CONFIDENCE
            or h.source.startswith("reference"))]

    def withheld(self, threshold: float, min_spin: float = MIN_SPIN) -> list[Hunk]:
        """The hunks confident enough to apply that `applied` holds back because
        the document looks clean."""
        chosen = set(map(id, self.applied(threshold, min_spin)))
        return [h for h in self.hunks if h.confidence >= threshold and id(h) not in chosen]

    def restored(self, threshold: float, min_spin: float = MIN_SPIN) -> str:
        """The input with every hunk that `applied` chooses applied."""
        return apply_hunks(self.text, self.applied(threshold, min_spin))

    def keeping(self, min_confidence: float) -> Analysis:
        """This analysis less its hunks and token scores under `min_confidence`: all a
        caller needs that applies edits from there on and reviews none."""
        if min_confidence <= 0:
            return self
        return replace(self, tokens=[t for t in self.tokens if t.score >= min_confidence],
                       hunks=[h for h in self.hunks if h.confidence >= min_confidence])

    def worst_sentences(self, n: int = 3) -> list[SentenceScore]:
        """The `n` sentences most likely to be spun, worst first."""
        return sorted(self.sentences, key=lambda s: s.score, reverse=True)[:n]

    def to_json(self, threshold: float, min_spin: float = MIN_SPIN) -> dict:
        """The `restore --auto --json` object (offsets are `str` indices)."""
        chosen = set(map(id, self.applied(threshold, min_spin)))
        return {
            "input": self.text,
            "spin_score": shown(self.spin_score),
            "sentences": [s.to_json() for s in self.sentences],
            "edits": [h.to_json(id(h) in chosen) for h in self.hunks],
            "restored": self.restored(threshold, min_spin),
        }

    @classmethod
    def concatenate(cls, text: str, parts: Iterable[tuple[int, Analysis]]) -> Analysis:
        """One analysis of `text` from analyses of its pieces at the given offsets.

        The document score is the mean of the pieces' scores, weighted by the
        length of their prose (`SpinScore`). `parts`
        is read once, so a generator lets each piece go as soon as it is taken in.
        """
        sentences, tokens, hunks = [], [], []
        spin = SpinScore()
        for offset, part in parts:
            sentences += [shifted(s, offset) for s in part.sentences]
            tokens += [shifted(t, offset) for t in part.tokens]
            hunks += [shifted(h, offset) for h in part.hunks]
            spin.add(part)
        return cls(text, spin.value, sentences, tokens, hunks)


Located = TypeVar("Located", SentenceScore, TokenScore, Hunk)


def shifted(item: Located, offset: int) -> Located:
    """`item` of a piece that starts at `offset`, in the whole text's offsets."""
    return replace(item, start=item.start + offset, end=item.end + offset)


class Scored(NamedTuple):
    """A text's spin score and its sentences most likely to be spun, worst first."""

    spin_score: float
    worst: list[SentenceScore]


def score_pieces(pieces: Iterable[tuple[int, Analysis]], n: int = 3) -> Scored:
    """The spin score and `n` worst sentences of a text analysed in pieces
    (`Restorer.pieces`), as `Analysis.worst_sentences` of the whole would give
    them, holding one piece at a time."""
    spin, worst = SpinScore(), []
    for offset, piece in pieces:
        spin.add(piece)
        # nlargest is a stable sort's first n, so ties keep the order of the text
        worst = heapq.nlargest(n, worst + [shifted(s, offset) for s in piece.worst_sentences(n)],
                               key=lambda s: s.score)
    return Scored(spin.value, worst)


@dataclass
class SpinScore:
    """The spin score of a text analysed in pieces: the pieces' scores, weighted
    by the length of their prose (their sentences), so that it does not depend on
    where the text was cut, nor on how much markup, which no model reads, a piece holds."""

    characters: int = 0
    weighted: float = 0.0

    def add(self, piece: Analysis) -> None:
        """Take in the next piece."""
        prose = sum(s.end - s.start for s in piece.sentences)
        self.characters += prose
        self.weighted += prose * piece.spin_score

    @property
    def value(self) -> float:
        """The score of the pieces taken in so far (0 for none)."""
        return self.weighted / max(self.characters, 1)

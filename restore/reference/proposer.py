"""Proposer: a segmented document in, hunks that put back a reference article's wording.

`ReferenceProposer(index).propose(document)` asks the index for the articles
the document most likely came from, pairs each input sentence with the most
similar sentence of those articles, aligns the pair token by token
(`restore.diffing.diff_hunks`) and proposes every differing span with the
reference wording, its confidence growing with the sentence similarity.

A reference can be a later or earlier version of the story rather than the
copy's own source. A sentence gets no hunks when its reference sentence was
rewritten by a person or says something else (`restore.reference.facts`: a new
or changed figure or name, an added or dropped clause, a misspelling), or when
no reference sentence is close enough: such sentences are left to the
model-based restoration. Given the pipeline's detection, a hunk is also
dropped when the detector all but clears the words it would replace: a
person, not a spinner, reworded them.

When the reference tells the story differently somewhere (a copy sentence of
some length with no match, reference sentences the copy lacks, several
rewritten sentences, wording that differs in ways no spinner the lexicon
knows would make, or a piece of wording no spinner makes at all), it is
another version, and even its matched sentences may carry an editor's
rewording ("more than 51" -> "well over 51"). Then only the pieces of a hunk
that a spinner could have made are proposed (`restore.reference.vetting`),
where the detector finds them likely spun, and not numbers spelled another way.

Where a trusted reference sentence has the copy's very wording, the proposer
confirms it (hunks with `after == before`, `Hunk.changes` False), so that no
model-based guess changes words the reference vouches for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from cdifflib import CSequenceMatcher

from restore.candidates import CandidateGenerator
from restore.detection import Detection
from restore.diffing import diff_hunks
from restore.hunk import Hunk
from restore.lexicon import MAX_ORIGINALS, Lexicon
from restore.reference.archive import Article
from restore.reference.facts import changes_facts, respells_number, rewritten
from restore.reference.index import ReferenceIndex
from restore.reference.vetting import edited, known_originals, pieces
from restore.segmentation import Document, Sentence, segment

MIN_SIMILARITY = 0.5
MIN_SPIN_SCORE = 0.002  # below this, wording differs by an editor's hand (held-out versions)
MIN_ALIGNED_TOKENS = 3
CANDIDATE_ARTICLES = 4
MAX_REWRITTEN_SHARE = 0.5  # of the matched sentences, above which no reference is trusted
# Another version: the copy's own source leaves no copy sentence of this many
# words unmatched, at most one reference line (a headline, a byline) without
# a copy sentence, and at most two sentences rewritten (spinners drop a word
# now and then). Measured on 100 spun test articles with their sources.
VERSION_SENTENCE_WORDS = 4
VERSION_UNMATCHED_REFERENCE = 2
VERSION_REWRITTEN = 3
VERSION_REWRITTEN_SHARE = 0.25  # or two, if they are this share of the matched sentences
# The copy's own source differs from it by a spinner's swaps, and the lexicon
# knows at least 80% of the changed words on spun held-out articles; a version
# that an editor reworded inside its sentences falls below (62-67% where such
# a version made the copy worse). Measured on articles and versions kept apart
# from bench/reference_bench.py's.
VERSION_SPINNER_SHARE = 0.7
# In another version, a spinner-like piece is kept only where the detector
# finds the copy's words this likely spun; and a number spelled another way
# ("10" -> "ten") is left to the number rules, since each version's editor
# spells numbers in a house style.
VERSION_MIN_SPIN_SCORE = 0.1
_SHORTLIST = 5  # reference sentences per input sentence that get the full alignment


@dataclass(frozen=True)
class _ReferenceSentence:
    """Sentence `number` (from 0) of reference article `article`."""

    article: str
    number: int
    text: str
    tokens: tuple[str, ...]  # as written
    norms: tuple[str, ...]  # as `Token.norm` gives them
    vocabulary: frozenset[str]  # of `norms`


class ReferenceProposer:
    """Proposes the wording of the closest reference sentences as hunks."""

    def __init__(
        self,
        index: ReferenceIndex,
        *,
        min_similarity: float = MIN_SIMILARITY,
        candidates: int = CANDIDATE_ARTICLES,
        lexicon: Lexicon | None = None,
    ) -> None:
        """`lexicon` holds the spinner substitutions that another version's
        wording is vetted against; by default the shipped one, read on first need."""
        self.index = index
        self.min_similarity = min_similarity
        self.candidates = candidates
        self._lexicon = lexicon
        self._generator: CandidateGenerator | None = None

    def propose(self, document: Document, detection: Detection | None = None) -> list[Hunk]:
        """Hunks restoring `document` from its references, and confirmations of
        the wording they share with it (sorted, not overlapping).

        When most matched sentences were rewritten, the references tell the story
        another way, and none of their wording is proposed; when some were, or
        the two tell it differently elsewhere, only spinner-like pieces are
        (`_pieces`). With `detection` (the pipeline's spin scores), hunks over
        words it scores below `MIN_SPIN_SCORE` are dropped.
        """
        if not document.sentences:
            return []
        articles = self.index.search(document.text, self.candidates)
        pool = [sentence for article in articles for sentence in _reference_sentences(article)]
        matched = [
            (number, sentence, match)
            for number, sentence in enumerate(document.sentences)
            if (match := self._best_match(sentence, pool)) is not None
        ]
        proposed = [self._sentence_hunks(document.text, s, *match) for _, s, match in matched]
        kept = [hunks for hunks in proposed if hunks is not None]
        if len(kept) < (1.0 - MAX_REWRITTEN_SHARE) * len(proposed):
            return []
        split = [self._pieces(document.text, number, sentence, hunks or [])
                 for (number, sentence, _), hunks in zip(matched, proposed, strict=True)]
        version = (_another_version(document, matched, proposed, pool)
                   or _spinner_share(split) < VERSION_SPINNER_SHARE
                   or any(edited(parts) for parts in split))
        out = []
        for (number, sentence, (ref, similarity)), hunks, parts in zip(
            matched, proposed, split, strict=True
        ):
            if hunks is None:
                continue
            scores = None if detection is None else detection.tokens[number]
            if version:
                out += [piece for piece, spun in parts
                        if spun and not respells_number(piece.before, piece.after) and (
                            scores is None
                            or _spin_score(sentence, scores, piece) >= VERSION_MIN_SPIN_SCORE)]
            else:
                out += [h for h in hunks if scores is None
                        or _spin_score(sentence, scores, h) >= MIN_SPIN_SCORE]
            # Confirmed even in another version: what both versions say alike is
            # the source's wording; only the stretches of hunks are left open.
            out += _confirmations(document.text, sentence, hunks,
                                  _confidence(similarity, self.min_similarity),
                                  _source(ref, similarity))
        return sorted(out, key=lambda h: h.start)

    def _pieces(
        self, text: str, number: int, sentence: Sentence, hunks: list[Hunk]
    ) -> list[tuple[Hunk, bool]]:
        """The smallest pieces of `hunks` (of sentence `number`), each with True
        where a spinner could have made it (`restore.reference.vetting.pieces`)."""
        if not hunks:
            return []
        if self._generator is None:
            # Every original the lexicon knows, not just the ranker's shortlist.
            self._generator = CandidateGenerator(self._lexicon or _shipped_lexicon(),
                                                 max_per_span=MAX_ORIGINALS)
        originals = known_originals(self._generator, number, sentence, hunks)
        return [part for hunk in hunks for part in pieces(text, hunk, sentence.tokens, originals)]

    def _best_match(
        self, sentence: Sentence, pool: list[_ReferenceSentence]
    ) -> tuple[_ReferenceSentence, float] | None:
        """The reference sentence most similar to `sentence`, if similar enough."""
        norms = _norms(sentence)
        vocabulary = frozenset(norms)
        # Shortlist by shared vocabulary (cheap), then align the few best in full.
        shortlist = sorted(
            pool,
            key=lambda ref: len(vocabulary & ref.vocabulary) / len(vocabulary | ref.vocabulary),
            reverse=True,
        )[:_SHORTLIST]
        best, best_similarity, best_aligned = None, 0.0, 0
        for ref in shortlist:
            matcher = CSequenceMatcher(None, norms, ref.norms, autojunk=False)
            aligned = sum(block.size for block in matcher.get_matching_blocks())
            similarity = 2.0 * aligned / (len(norms) + len(ref.norms))
            if similarity > best_similarity:
                best, best_similarity, best_aligned = ref, similarity, aligned
        if best is None or best_similarity < self.min_similarity:
            return None
        if best_aligned < MIN_ALIGNED_TOKENS:
            return None
        return best, best_similarity

    def _sentence_hunks(
        self, text: str, sentence: Sentence, ref: _ReferenceSentence, similarity: float
    ) -> list[Hunk] | None:
        """The hunks that give `sentence` the wording of `ref`, or None when `ref`
        was rewritten or says something else."""
        own = tuple(t.text for t in sentence.tokens)
        if rewritten(own, ref.tokens):
            return None
        hunks = diff_hunks(
            text,
            ref.text,
            start=sentence.start,
            end=sentence.end,
            confidence=_confidence(similarity, self.min_similarity),
            source="reference",
        )
        if any(changes_facts(h.before, h.after, h.start == sentence.start) for h in hunks):
            return None
        return [replace(hunk, meta=_source(ref, similarity)) for hunk in hunks]


def _another_version(
    document: Document,
    matched: list[tuple[int, Sentence, tuple[_ReferenceSentence, float]]],
    proposed: list[list[Hunk] | None],
    pool: list[_ReferenceSentence],
) -> bool:
    """True when the reference article most `matched` sentences come from tells
    the story differently somewhere, so it is not the copy's own source.

    `proposed` holds each matched sentence's hunks, None where it was rewritten.
    """
    if not matched:
        return False
    numbers = {number for number, _, _ in matched}
    unmatched = [s for n, s in enumerate(document.sentences) if n not in numbers]
    main = Counter(ref.article for _, _, (ref, _) in matched).most_common(1)[0][0]
    used = {ref.number for _, _, (ref, _) in matched if ref.article == main}
    missing = [r for r in pool if r.article == main and r.number not in used
               and sum(any(c.isalpha() for c in t) for t in r.tokens) >= VERSION_SENTENCE_WORDS]
    rewritten = sum(hunks is None for hunks in proposed)
    return (
        any(sum(t.is_word for t in s.tokens) >= VERSION_SENTENCE_WORDS for s in unmatched)
        or len(missing) >= VERSION_UNMATCHED_REFERENCE
        or rewritten >= VERSION_REWRITTEN
        or rewritten >= max(2, VERSION_REWRITTEN_SHARE * len(matched))
    )


def _spinner_share(split: list[list[tuple[Hunk, bool]]]) -> float:
    """Of the copy words that the reference would change, the share in pieces a
    spinner could have made (1.0 when it changes none)."""
    changed = spinner = 0
    for parts in split:
        for piece, spun in parts:
            words = max(1, len(piece.before.split()))
            changed += words
            spinner += words * spun
    return spinner / changed if changed else 1.0


@lru_cache(maxsize=1)
def _shipped_lexicon() -> Lexicon:
    from restore.pipeline import LEXICON_FILE, MODELS_DIR  # the pipeline imports this package

    return Lexicon.load(MODELS_DIR / LEXICON_FILE)


def _source(ref: _ReferenceSentence, similarity: float) -> dict:
    """A hunk's `meta`, naming the reference sentence."""
    return {"reference": {"doc": ref.article, "sentence": ref.number,
                          "similarity": round(similarity, 4)}}


def _confirmations(
    text: str, sentence: Sentence, hunks: list[Hunk], confidence: float, meta: dict
) -> list[Hunk]:
    """Confirmations of the stretches of `sentence` that no hunk changes."""
    out = []
    start = sentence.start
    for end, following in [*((h.start, h.end) for h in hunks), (sentence.end, sentence.end)]:
        stretch = text[start:end]
        if stretch.strip():
            # Without the spaces at its ends: a model-based hunk that drops the
            # word beside it takes a space along ("now right" -> "now").
            first = start + len(stretch) - len(stretch.lstrip())
            last = end - (len(stretch) - len(stretch.rstrip()))
            out.append(Hunk(first, last, text[first:last], text[first:last], confidence,
                            source="reference", meta=meta))
        start = following
    return out


def _spin_score(sentence: Sentence, scores: np.ndarray, hunk: Hunk) -> float:
    """The highest of the token spin `scores` of `sentence` among the words
    `hunk` replaces (for an insertion, the words either side)."""
    touched = [
        score for token, score in zip(sentence.tokens, scores, strict=True)
        if (token.start < hunk.end and hunk.start < token.end)
        or (hunk.start == hunk.end and hunk.start in (token.start, token.end))
    ]
    return max(touched, default=1.0)


def _reference_sentences(article: Article) -> list[_ReferenceSentence]:
    return [
        _ReferenceSentence(
            article.id,
            number,
            article.text[s.start : s.end],
            tuple(t.text for t in s.tokens),
            _norms(s),
            frozenset(_norms(s)),
        )
        for number, s in enumerate(segment(article.text).sentences)
    ]


def _norms(sentence: Sentence) -> tuple[str, ...]:
    return tuple(t.norm for t in sentence.tokens)


def _confidence(similarity: float, floor: float) -> float:
    """From 0.5 for a sentence at the similarity floor to 0.99 for an identical one.

    The similarity (twice the aligned tokens over the tokens of both sentences)
    measures both how alike the sentences are and how much of each aligns.
    """
    share = (similarity - floor) / (1.0 - floor) if floor < 1.0 else 1.0
    return 0.5 + 0.49 * min(1.0, max(0.0, share))

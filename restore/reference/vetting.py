"""Vetting: which parts of a reference hunk a spinner could have made.

When the archive holds another version of the story rather than the copy's
source, a matched reference sentence differs from the copy in two ways at
once: where the spinner swapped words, and where an editor reworded the story
("more than 51" -> "well over 51", "three months" -> "three years"). Only the
first kind restores the copy; the second overwrites its wording, or a right
model-based guess, with the other version's.

`pieces(text, hunk, tokens, originals)` splits a hunk into its smallest
pieces and marks those a spinner could have made: the reference wording is
among the originals the candidate generator knows for the copy's words
(inverted thesaurus, learned pairs, number rules), for a phrase as a whole or
word by word. The proposer takes only those, and leaves the rest to the
model-based restoration. `known_originals(generator, number, sentence, hunks)`
gives the originals of the spans a sentence's hunks cover.

Some pieces no spinner makes at all: `edited(parts)` finds a person's hand
in a piece the lexicon does not explain that swaps closed-class words for
closed-class words ("is" -> "was", "had" -> "have", "that" -> "which"):
spinners keep tense, and swap function words only in ways the lexicon knows;
or that cuts content words the reference has nothing for ("the price of the
remaining stake" -> "the price"): spinners swap content words, and pad only
with words the lexicon knows. (A dropped word or two is no such sign: the
leftovers of a spinner's long phrase, "due to the fact that" -> "because",
align as a deletion, and so does a lone word a spinner padded in.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from restore.candidates import MAX_SPAN, CandidateGenerator
from restore.diffing import absorb_space
from restore.hunk import Hunk
from restore.segmentation import Sentence, Token, segment
from restore.spinner import CLOSED_CLASS

Originals = Mapping[tuple[int, int], frozenset[str]]
_Step = tuple[int, int, int, int, bool]  # copy tokens i1..i2 become reference tokens j1..j2


def known_originals(
    generator: CandidateGenerator, number: int, sentence: Sentence, hunks: Sequence[Hunk]
) -> Originals:
    """(first, last) token span of sentence `number` inside one of `hunks` ->
    the wordings (as `plain` gives them) the generator proposes as its original."""
    found: dict[tuple[int, int], set[str]] = {}
    for hunk in hunks:
        within = _token_range(hunk, sentence.tokens)
        for candidate in generator.for_sentence(number, sentence, within):
            found.setdefault((candidate.first, candidate.last), set()).add(plain(candidate.text))
    return {span: frozenset(texts) for span, texts in found.items()}


def plain(text: str) -> str:
    """`text` compared without case, quote style or spacing."""
    return " ".join(text.lower().replace("’", "'").split())


def pieces(
    text: str, hunk: Hunk, tokens: Sequence[Token], originals: Originals
) -> list[tuple[Hunk, bool]]:
    """`hunk` (on `text`, over some of the sentence `tokens`) split into its
    smallest pieces, each with True where a spinner could have made it: its
    reference wording is among `originals` of its copy words (see
    `known_originals`). Tokens both sides share are left out, and so is
    reference wording with no copy words to replace.

    The split explains as many tokens of both sides as it can, in as few
    pieces as it can.
    """
    first, last = _token_range(hunk, tokens)
    new = list(segment(hunk.after).tokens())

    def after(j1: int, j2: int) -> str:
        return hunk.after[new[j1].start : new[j2 - 1].end] if j2 > j1 else ""

    # best[i, j]: the most tokens explained from copy token `i` and reference
    # token `j` on, and the steps (i1, i2, j1, j2, spun) that get there. A copy
    # word a spinner padded in ("" among its originals) explains fewer tokens
    # than one it swapped, so "citizens" -> "voters" beats dropping "citizens".
    best: dict[tuple[int, int], tuple[int, tuple[_Step, ...]]] = {}
    for i in range(last, first - 1, -1):
        for j in range(len(new), -1, -1):
            options = []
            if i < last:
                options.append(_then((i, i + 1, j, j, False), 0, best[i + 1, j]))
            if j < len(new):
                options.append(_then((i, i, j, j + 1, False), 0, best[i, j + 1]))
            if i < last and j < len(new) and tokens[i].text == new[j].text:
                options.append(_then(None, 2, best[i + 1, j + 1]))
            for i2 in range(i + 1, min(last, i + MAX_SPAN) + 1):
                known = originals.get((i, i2), frozenset())
                options += [
                    _then((i, i2, j, j2, True), i2 - i + j2 - j, best[i2, j2])
                    for j2 in range(j, len(new) + 1)
                    if plain(after(j, j2)) in known
                ]
            best[i, j] = max(options, key=lambda o: (o[0], -len(o[1])), default=(0, ()))
    out = []
    for i1, i2, j1, j2, spun in _joined(best[first, 0][1]):
        if i2 == i1:
            continue
        start, end = tokens[i1].start, tokens[i2 - 1].end
        if j2 == j1:
            start, end = absorb_space(text, start, end)
        piece = replace(hunk, start=start, end=end, before=text[start:end], after=after(j1, j2))
        out.append((piece, spun))
    return out


def edited(parts: Sequence[tuple[Hunk, bool]]) -> bool:
    """True when one of `parts` (pieces as `pieces` gives them) is a person's
    rewording rather than anything a spinner could have made."""
    for piece, spun in parts:
        if spun:
            continue
        before, after = piece.before.lower().split(), piece.after.lower().split()
        if after and set(before + after) <= CLOSED_CLASS:
            return True
        if not after and sum(w.isalpha() and w not in CLOSED_CLASS for w in before) >= 2:
            return True
    return False


def _token_range(hunk: Hunk, tokens: Sequence[Token]) -> tuple[int, int]:
    """(first, last): `hunk` touches tokens first..last-1."""
    first = next(i for i, t in enumerate(tokens) if t.end > hunk.start)
    return first, max(i for i, t in enumerate(tokens) if t.start < hunk.end) + 1


def _then(
    step: _Step | None, explained: int, rest: tuple[int, tuple[_Step, ...]]
) -> tuple[int, tuple[_Step, ...]]:
    """`step` (None for a shared token), explaining `explained` tokens, before `rest`."""
    return rest[0] + explained, rest[1] if step is None else (step, *rest[1])


def _joined(steps: tuple[_Step, ...]) -> list[_Step]:
    """`steps` with each run of adjacent unexplained steps made one."""
    out: list[_Step] = []
    for step in steps:
        if out and not step[4] and not out[-1][4] and out[-1][1:4:2] == step[0:3:2]:
            out[-1] = (out[-1][0], step[1], out[-1][2], step[3], False)
        else:
            out.append(step)
    return out

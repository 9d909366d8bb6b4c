"""Diffing: two wordings of a passage in, hunks out.

`diff_hunks` aligns the tokens of `text[start:end]` with the tokens of a
rewritten version (from the seq2seq model, a reference article, or a gold
original in evaluation) using cdifflib's C SequenceMatcher, and gives one
`Hunk` per differing run of tokens, with offsets into `text`.
"""

from __future__ import annotations

from cdifflib import CSequenceMatcher

from restore.hunk import Hunk
from restore.segmentation import Token, segment


def _tokens(text: str) -> list[Token]:
    return list(segment(text).tokens())


def diff_hunks(
    text: str,
    rewritten: str,
    *,
    start: int = 0,
    end: int | None = None,
    confidence: float = 1.0,
    source: str = "diff",
) -> list[Hunk]:
    """Hunks that turn `text[start:end]` into `rewritten`.

    Hunks cover whole tokens. A pure insertion is attached to the token before
    it (or after it at the start) so that every hunk replaces something the
    editor can see. Whitespace inside a hunk comes from `rewritten`.
    """
    end = len(text) if end is None else end
    old = [Token(t.text, t.start + start, t.end + start) for t in _tokens(text[start:end])]
    new = _tokens(rewritten)
    matcher = CSequenceMatcher(None, [t.text for t in old], [t.text for t in new], autojunk=False)
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # insertion: widen to a neighbouring token
            if i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(old) and j2 < len(new):
                i2, j2 = i2 + 1, j2 + 1
            else:
                continue
        if spans and i1 < spans[-1][1]:  # widening reached the previous change
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    hunks = []
    for i1, i2, j1, j2 in spans:
        span_start, span_end = old[i1].start, old[i2 - 1].end
        after = rewritten[new[j1].start : new[j2 - 1].end] if j2 > j1 else ""
        if after == "":
            span_start, span_end = absorb_space(text, span_start, span_end)
        hunks.append(
            Hunk(span_start, span_end, text[span_start:span_end], after, confidence, (), source)
        )
    return hunks


def absorb_space(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a deletion over one neighbouring space so no double space is left."""
    if start > 0 and text[start - 1] == " ":
        return start - 1, end
    if end < len(text) and text[end] == " ":
        return start, end + 1
    return start, end

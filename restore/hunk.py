"""Hunk: one proposed change to the input, the unit an editor accepts or rejects.

A hunk replaces `input[start:end]` (Python `str` offsets into the input) with
`after`. Everything outside the hunks an editor applies stays byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Hunk:
    """A suggested restoration of `before` (= input[start:end]) to `after`.

    `confidence` is the calibrated probability that `after` is the original
    wording; `alternatives` are the next-best restorations, best first.
    `source` names what proposed it ("lexicon", "seq2seq", "reference:<doc>#<n>").
    A hunk whose `after` is its `before` confirms that wording (a reference
    archive has it): it changes nothing, and only overrules other proposals.
    """

    start: int
    end: int
    before: str
    after: str
    confidence: float
    alternatives: tuple[str, ...] = ()
    source: str = "lexicon"
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def changes(self) -> bool:
        """False for a confirmation."""
        return self.after != self.before

    def with_after(self, after: str) -> Hunk:
        """The same hunk with another replacement (an alternative or a hand edit)."""
        return replace(self, after=after)

    def to_json(self, applied: bool) -> dict:
        """The hunk as it appears in `restore --auto --json` output; a hunk taken
        from a reference archive also names it ("reference": {doc, sentence, ...})."""
        extra = {"reference": self.meta["reference"]} if "reference" in self.meta else {}
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "confidence": round(float(self.confidence), 4),
            "applied": applied,
            "alternatives": list(self.alternatives),
            **extra,
        }


def apply_hunks(text: str, hunks: Iterable[Hunk]) -> str:
    """Return `text` with `hunks` applied; they must not overlap.

    Raises ValueError when two hunks overlap or one does not match the text,
    because silently applying either would corrupt the copy.
    """
    out: list[str] = []
    pos = 0
    for hunk in sorted(hunks, key=lambda h: (h.start, h.end)):
        if hunk.start < pos:
            raise ValueError(f"overlapping hunks at offset {hunk.start}")
        if text[hunk.start : hunk.end] != hunk.before:
            raise ValueError(
                f"hunk at {hunk.start}-{hunk.end} expects {hunk.before!r}, "
                f"text has {text[hunk.start:hunk.end]!r}"
            )
        out.append(text[pos : hunk.start])
        out.append(hunk.after)
        pos = hunk.end
    out.append(text[pos:])
    return "".join(out)

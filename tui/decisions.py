"""Decisions: what the editor decided on each hunk of one document, with undo.

It takes the input text, the engine's hunks and its sentence scores; it gives
each hunk's verdict and final wording, the sentence each hunk is in, the restored
text (through `restore.hunk.apply_hunks`), and the decisions file that lets a
later session resume the same review. No widgets here: the screens only call
these methods and redraw.

The decisions file (`FILE.decisions.json`, as `story.txt.decisions.json`)
holds a SHA-256 of the input text, the sentence scores and, per hunk, the hunk
itself, the verdict and the final text, so reopening the same input restores
every decision without running the engine again. (Files saved before sentence
scores were kept resume without them.)
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from restore.analysis import SentenceScore, shown
from restore.errors import InputError
from restore.hunk import Hunk, apply_hunks
from restore.output import atomic_write, write_json

FORMAT = "restore-decisions/1"


class DecisionsFileError(InputError):
    """A decisions file that cannot be read back (not JSON, wrong shape)."""


class Verdict(StrEnum):
    """What the editor did with a hunk."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ALTERNATIVE = "alternative"
    EDITED = "edited"

    @property
    def applied(self) -> bool:
        """True when the hunk's span is replaced in the restored text."""
        return self in (Verdict.ACCEPTED, Verdict.ALTERNATIVE, Verdict.EDITED)


@dataclass(frozen=True)
class Decision:
    """A verdict and the text the span reads as afterwards (`before` unless applied)."""

    verdict: Verdict
    final: str


@dataclass(frozen=True)
class ReviewFiles:
    """Where a review of `input` is saved."""

    input: Path
    restored: Path
    decisions: Path

    @classmethod
    def beside(cls, input: Path, output: Path | None = None) -> ReviewFiles:
        """Next to `input` (story.md): `story.restored.md` (or `output`) and
        `story.md.decisions.json`, named after the whole file name so that
        story.txt, story.md and a suffix-less story (`story.restored`,
        `story.decisions.json`) beside it keep reviews of their own.

        Raises InputError when `output` is the input or its decisions file.
        """
        files = cls(
            input=input,
            restored=output or input.with_name(f"{input.stem}.restored{input.suffix}"),
            decisions=input.with_name(f"{input.name}.decisions.json"),
        )
        if output is not None:
            if _same(output, input):
                raise InputError(f"{output} is the input; save the review to another file")
            if _same(output, files.decisions):
                raise InputError(f"{output} is where the review's decisions are kept; "
                                 "save the restored text to another file")
        return files

    @property
    def earlier_decisions(self) -> Path:
        """Where releases before 2026-12-05 kept the decisions (`story.decisions.json`,
        one name for story.txt and story.md): resumed from when its text matches and
        it was saved for this input, since it is also a suffix-less story's own file."""
        return self.input.with_name(f"{self.input.stem}.decisions.json")

    def check_writable(self) -> None:
        """Raise InputError unless both files can be written, so that an editor
        learns of a bad -o or a read-only folder before reviewing, not on saving."""
        for path, remedy in ((self.restored, "choose another -o"),
                             (self.decisions, f"copy {self.input.name} to a folder you can "
                                              "write to and review it there")):
            folder = path.parent
            if path.is_dir():
                problem = f"{path} is a folder"
            elif not folder.is_dir():
                problem = f"{folder} is not a folder"
            elif not os.access(folder, os.W_OK):
                problem = f"{folder} is not writable"
            else:
                continue
            raise InputError(f"cannot save the review: {problem}; {remedy}")


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def text_digest(text: str) -> str:
    """The fingerprint a decisions file keeps of its input."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Decisions:
    """One decision per hunk of `text`, with an undo stack and an unsaved flag.

    `hunks` come in text order, as in `Analysis.hunks`; `sentences` are the
    detector's sentence scores (`Analysis.sentences`), which may be empty. Every
    change records the previous decisions of the hunks it touches as one undo
    step, so "accept all above 0.8" is undone with a single undo.
    """

    def __init__(
        self, text: str, hunks: Sequence[Hunk], decisions: Sequence[Decision] | None = None,
        sentences: Sequence[SentenceScore] = (),
    ) -> None:
        self.text = text
        self.hunks = list(hunks)
        self.sentences = sorted(sentences, key=lambda s: s.start)
        self._sentence_starts = [s.start for s in self.sentences]
        # Applying every hunk once checks that they fit the text and do not
        # overlap, so a later save cannot fail half-way through a review.
        apply_hunks(text, self.hunks)
        if decisions is None:
            decisions = [Decision(Verdict.PENDING, h.before) for h in self.hunks]
        if len(decisions) != len(self.hunks):
            raise ValueError(f"{len(decisions)} decisions for {len(self.hunks)} hunks")
        self._decisions = list(decisions)
        self._undo: list[list[tuple[int, Decision]]] = []
        self.unsaved = False

    def __len__(self) -> int:
        return len(self.hunks)

    def __getitem__(self, index: int) -> Decision:
        return self._decisions[index]

    @property
    def pending(self) -> int:
        """How many hunks still wait for a decision."""
        return self.count(Verdict.PENDING)

    def count(self, verdict: Verdict) -> int:
        """How many hunks have `verdict`."""
        return sum(d.verdict is verdict for d in self._decisions)

    def next_pending(self, after: int) -> int | None:
        """The first pending hunk after `after`, wrapping round; None when all are decided."""
        n = len(self._decisions)
        for step in range(1, n + 1):
            index = (after + step) % n
            if self._decisions[index].verdict is Verdict.PENDING:
                return index
        return None

    def sentence_of(self, index: int) -> SentenceScore | None:
        """The scored sentence that hunk `index` starts in; None without scores."""
        start = self.hunks[index].start
        # a binary search: `w` asks this of every pending hunk of a long article
        at = bisect.bisect_right(self._sentence_starts, start) - 1
        if at >= 0 and start < self.sentences[at].end:
            return self.sentences[at]
        return None

    def worst_pending(self) -> int | None:
        """The first pending hunk of the most suspicious sentence that has one, for an
        editor who reviews the likeliest spun sentences first; None when all are decided."""
        pending = [i for i, d in enumerate(self._decisions) if d.verdict is Verdict.PENDING]
        if not pending:
            return None

        def suspicion(index: int) -> float:
            sentence = self.sentence_of(index)
            return -1.0 if sentence is None else sentence.score

        return max(pending, key=lambda i: (suspicion(i), -i))

    def accept(self, index: int) -> None:
        """Take the engine's best restoration."""
        self._record({index: Decision(Verdict.ACCEPTED, self.hunks[index].after)})

    def reject(self, index: int) -> None:
        """Keep the input wording."""
        self._record({index: Decision(Verdict.REJECTED, self.hunks[index].before)})

    def choose(self, index: int, alternative: int) -> None:
        """Take alternative number `alternative` (0-based); IndexError when there is none."""
        self._record(
            {index: Decision(Verdict.ALTERNATIVE, self.hunks[index].alternatives[alternative])}
        )

    def edit(self, index: int, final: str) -> None:
        """Replace the span with the editor's own `final` text."""
        self._record({index: Decision(Verdict.EDITED, final)})

    def accept_above(self, threshold: float) -> list[int]:
        """Accept every pending hunk with confidence >= `threshold`; return their indices."""
        chosen = {
            i: Decision(Verdict.ACCEPTED, h.after)
            for i, h in enumerate(self.hunks)
            if self._decisions[i].verdict is Verdict.PENDING and h.confidence >= threshold
        }
        if chosen:
            self._record(chosen)
        return sorted(chosen)

    def undo(self) -> list[int]:
        """Revert the last change; return the hunks it touched (empty when nothing to undo)."""
        if not self._undo:
            return []
        step = self._undo.pop()
        for index, previous in step:
            self._decisions[index] = previous
        self.unsaved = True
        return sorted(index for index, _ in step)

    def restored(self) -> str:
        """The input with every applied decision's final text in place."""
        return apply_hunks(
            self.text,
            (
                hunk.with_after(decision.final)
                for hunk, decision in zip(self.hunks, self._decisions, strict=True)
                if decision.verdict.applied
            ),
        )

    def to_json(self, input_name: str) -> dict:
        """The decisions file's content."""
        return {
            "format": FORMAT,
            "input": input_name,
            "input_sha256": text_digest(self.text),
            "sentences": [{"start": s.start, "end": s.end, "score": shown(s.score)}
                          for s in self.sentences],
            "hunks": [
                {
                    **hunk.to_json(decision.verdict.applied),
                    "source": hunk.source,
                    "decision": decision.verdict.value,
                    "final": decision.final,
                }
                for hunk, decision in zip(self.hunks, self._decisions, strict=True)
            ],
        }

    def save(self, files: ReviewFiles, *, backup: bool = False) -> None:
        """Write the restored text and the decisions file, each atomically; with
        `backup`, keep a restored text already there as its `.bak`.

        Raises OutputError (leaving the files as they were) when one cannot be written.
        """
        atomic_write(files.restored, self.restored(), backup=backup, like=files.input)
        write_json(self.to_json(files.input.name), files.decisions, like=files.input)
        self.unsaved = False

    @classmethod
    def load(cls, path: Path, text: str, input_name: str | None = None) -> Decisions | None:
        """The decisions saved in `path` for `text`, or None when they were saved for another
        text (or, given `input_name`, for another input file).

        Raises DecisionsFileError when `path` cannot be read as a decisions file.
        """
        remedy = "move it away to start the review afresh"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise DecisionsFileError(f"{path} is not a {FORMAT} file; {remedy}")
            if document["input_sha256"] != text_digest(text):
                return None
            if input_name is not None and document.get("input") != input_name:
                return None
            hunks = [_hunk_from_json(item) for item in document["hunks"]]
            decisions = [
                Decision(Verdict(item["decision"]), item["final"]) for item in document["hunks"]
            ]
            sentences = [SentenceScore(int(item["start"]), int(item["end"]),
                                       float(item["score"]))
                         for item in document.get("sentences", [])]
            return cls(text, hunks, decisions, sentences)
        except OSError as error:
            raise DecisionsFileError(f"cannot read {path}: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DecisionsFileError(f"{path} is not JSON ({error}); {remedy}") from None
        except (KeyError, TypeError, ValueError) as error:
            raise DecisionsFileError(f"{path} is damaged ({error!r}); {remedy}") from None

    def _record(self, changes: dict[int, Decision]) -> None:
        self._undo.append([(index, self._decisions[index]) for index in changes])
        for index, decision in changes.items():
            self._decisions[index] = decision
        self.unsaved = True


def _hunk_from_json(item: dict) -> Hunk:
    if not isinstance(item["alternatives"], list):
        raise TypeError(f"alternatives must be a list, not {item['alternatives']!r}")
    return Hunk(
        start=int(item["start"]),
        end=int(item["end"]),
        before=str(item["before"]),
        after=str(item["after"]),
        confidence=float(item["confidence"]),
        alternatives=tuple(map(str, item["alternatives"])),
        source=str(item["source"]),
        # the archive a reference hunk came from, shown in the hunk panel
        meta={"reference": item["reference"]} if "reference" in item else {},
    )

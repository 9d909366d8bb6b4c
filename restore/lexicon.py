"""Lexicon: what a spun word or phrase may have been, with evidence counts.

A spinner that maps A -> B makes B point back to A. `Lexicon` holds those
back-pointers, keyed by the spun form (lowercase `Token.norm` forms joined by
spaces, so "seven day period" or "soon after"):

- *learned*: pairs the synthetic spinner made on training documents, with how
  often, and how often the spun form occurred at all in spun text (so the
  ranker knows that "currently" is usually genuine and "1000 's" never is);
- *fingerprint*: word pairs aligned out of the known tortured-phrase list, the
  only evidence here from a real spinner;
- *thesaurus*: the synonym table inverted at the lemma level (inflected to the
  spun form's tag by the candidate generator), weighted by where the spun form
  sits in the original's synonym list (spinners pick from the top), and kept
  by that weight times how common the original is (`prior`): a spun
  "mention" is far likelier a "say" deep in whose list it sits than a rare
  "cross-refer".

`Lexicon.build(...)` makes it; `save`/`load` use one gzip TSV whose rows stay
encoded until a form is looked up, so start-up stays fast.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from restore.frequency import zipf
from restore.output import atomic_write
from restore.segmentation import words
from restore.thesaurus import SynonymTable

_HEADER = "# restore lexicon v1: kind<TAB>spun form<TAB>occurrences<TAB>original:count...\n"
MAX_ORIGINALS = 40


@dataclass(frozen=True, slots=True)
class Origin:
    """One possible original of a spun form and the evidence for it."""

    text: str
    count: float  # learned/fingerprint: times seen; thesaurus: a rank weight in (0, 1]


class Lexicon:
    """Spun form -> possible originals, for three kinds of evidence."""

    KINDS = ("learned", "fingerprint", "thesaurus")

    def __init__(
        self,
        rows: Mapping[str, Mapping[str, str]] | None = None,
        occurrences: Mapping[str, int] | None = None,
    ) -> None:
        self._rows = {kind: dict((rows or {}).get(kind, {})) for kind in self.KINDS}
        self._occurrences = dict(occurrences or {})
        self.max_span = max(
            (len(form.split()) for table in self._rows.values() for form in table), default=1
        )

    def origins(self, kind: str, form: str) -> tuple[Origin, ...]:
        """Possible originals of `form` under one kind of evidence, strongest first."""
        return self._decoded(kind, form)

    @lru_cache(maxsize=200_000)  # noqa: B019 - one lexicon per process, kept for its life
    def _decoded(self, kind: str, form: str) -> tuple[Origin, ...]:
        row = self._rows[kind].get(form)
        if not row:
            return ()
        out = []
        for cell in row.split("\t"):
            text, _, count = cell.rpartition(":")
            out.append(Origin(text, float(count)))
        return tuple(out)

    @lru_cache(maxsize=200_000)  # noqa: B019
    def substitution_rate(self, form: str) -> tuple[int, int]:
        """(times `form` was a spinner's output, times it occurred) in synthetic spun text."""
        learned = sum(o.count for o in self.origins("learned", form))
        return int(learned), self._occurrences.get(form, 0)

    def __contains__(self, form: object) -> bool:
        return any(form in table for table in self._rows.values())

    def phrases(self) -> Iterator[str]:
        """Every form of more than one word, under any kind of evidence."""
        return (form for table in self._rows.values() for form in table if " " in form)

    def without(self, kind: str) -> Lexicon:
        """The same lexicon less one kind of evidence (to measure what it is worth)."""
        return Lexicon({k: rows for k, rows in self._rows.items() if k != kind}, self._occurrences)

    def forgetting(self, share: float, seed: int = 0) -> Lexicon:
        """The same lexicon as if the spinners had never output a fixed `share`
        of its spun forms: their learned and fingerprint rows and occurrence
        counts are gone, their thesaurus rows stay.

        A scorer fitted only on swaps its lexicon learned leans on that
        evidence, and misses the swaps of real spinners, whose lists differ;
        fitted partly through this view, it learns to restore from context and
        the thesaurus alone as well. Which forms are forgotten depends on the
        form and `seed` only.
        """
        def kept(form: str) -> bool:
            return zlib.crc32(f"{seed}\t{form}".encode()) / 2**32 >= share

        rows = {kind: {form: row for form, row in table.items()
                       if kind == "thesaurus" or kept(form)}
                for kind, table in self._rows.items()}
        return Lexicon(rows, {f: n for f, n in self._occurrences.items() if kept(f)})

    # ---------------------------------------------------------------- build
    @classmethod
    def build(
        cls,
        synonyms: SynonymTable,
        pairs: Iterable[tuple[str, str]],
        spun_texts: Iterable[str],
        fingerprints: Iterable[tuple[str, str]] = (),
    ) -> Lexicon:
        """Build from a synonym table, (spun, original) substitution pairs, the
        spun texts they came from (to count occurrences), and tortured phrases."""
        learned: dict[str, Counter] = defaultdict(Counter)
        for spun, original in pairs:
            learned[" ".join(words(spun))][original.lower()] += 1
        occurrences: Counter = Counter()
        span = max((len(f.split()) for f in learned), default=1)
        for text in spun_texts:
            tokens = words(text)
            for n in range(1, span + 1):
                for i in range(len(tokens) - n + 1):
                    form = " ".join(tokens[i : i + n])
                    if form in learned:
                        occurrences[form] += 1

        printed: dict[str, Counter] = defaultdict(Counter)
        for spun_word, original in fingerprint_pairs(fingerprints):
            printed[spun_word][original] += 1

        inverse: dict[str, Counter] = defaultdict(Counter)
        for head, syns in synonyms:
            for rank, synonym in enumerate(syns):
                inverse[synonym][head] += 1.0 / (1 + rank)

        rows = {
            "learned": _encode_rows(learned),
            "fingerprint": _encode_rows(printed),
            "thesaurus": _encode_rows(inverse, weigh=prior),
        }
        return cls(rows, occurrences)

    def save(self, path: Path) -> None:
        """Write the lexicon as one gzip TSV (atomically, reproducibly)."""
        lines = [_HEADER]
        lines.append("occurrences\t" + json.dumps(self._occurrences, sort_keys=True) + "\n")
        for kind in self.KINDS:
            for form in sorted(self._rows[kind]):
                lines.append(f"{kind}\t{form}\t{self._rows[kind][form]}\n")
        atomic_write(path, gzip.compress("".join(lines).encode(), mtime=0))

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Read a lexicon written by `save`."""
        rows: dict[str, dict[str, str]] = {kind: {} for kind in cls.KINDS}
        occurrences: dict[str, int] = {}
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            if lines.readline() != _HEADER:
                raise ValueError(f"{path} is not a restore lexicon")
            for line in lines:
                kind, _, rest = line.rstrip("\n").partition("\t")
                if kind == "occurrences":
                    occurrences = json.loads(rest)
                else:
                    form, _, row = rest.partition("\t")
                    rows[kind][form] = row
        return cls(rows, occurrences)


@lru_cache(maxsize=1 << 17)
def prior(text: str) -> float:
    """wordfreq's frequency of `text` in English, as a weight in (0, 1]."""
    return 10 ** ((min(zipf(text), 8.0) - 8.0) / 2) if text else 1.0


def _encode_rows(
    table: Mapping[str, Counter], weigh: Callable[[str], float] = lambda text: 1.0
) -> dict[str, str]:
    """Each form's `MAX_ORIGINALS` originals of the highest count times `weigh`,
    in that order, with their counts."""
    rows = {}
    for form, originals in table.items():
        if form:
            kept = sorted(originals.items(), key=lambda kv: (-kv[1] * weigh(kv[0]), kv[0]))
            rows[form] = "\t".join(f"{text}:{count:.4g}" for text, count in kept[:MAX_ORIGINALS])
    return rows


def fingerprint_pairs(phrases: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(spun word, original word) of every (tortured, correct) phrase pair
    whose words align, once per phrase that holds it."""
    for tortured, correct in phrases:
        yield from _aligned_words(tortured, correct)


def _aligned_words(tortured: str, correct: str) -> list[tuple[str, str]]:
    """Word pairs of a tortured phrase and its correct form when both have the
    same number of words ("trojan steed" / "trojan horse" gives steed -> horse)."""
    correct = correct.split("(")[0]  # drop glosses such as "(caveat: ...)"
    a, b = words(tortured), words(correct)
    if len(a) != len(b):
        return []
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y and x.isalpha() and y.isalpha()]

"""Synonym table: the thesaurus a spinner draws from, as lowercase lemma forms.

`SynonymTable` maps a lowercase word or phrase (up to three words, lemma form:
"kill", "school", "take part") to its synonyms, most plausible first, each a
word or phrase of up to four words with the part of speech where MyThes gives
one ("noun", "verb", "adj", "adv"). The first `CLOSE_SYNONYMS` are the close
ones; the rest, up to `MAX_SYNONYMS`, are the looser tail that real spinners
also draw on. The synthetic spinner draws substitutions
from it; the candidate generator inverts it (a spinner that maps A to B makes
B point back to A), which is why heads and synonyms alike stay uninflected
lowercase forms: callers lemmatise and re-inflect around it.

`SynonymTable.build(shared, vocabulary)` merges MyThes (LibreOffice en_US v2,
WordNet-derived) and Moby Thesaurus II from `<shared>/data/thesaurus/`, keeps
what news copy can contain, and ranks. `save`/`load` use a compact gzip TSV;
`python -m restore.thesaurus --shared ../shared --out models` rebuilds
`models/synonyms.tsv.gz` and its model card `models/synonyms.md`.
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from restore.corpus import DEFAULT_SHARED, iter_documents
from restore.errors import ModelError, reported
from restore.frequency import zipf
from restore.output import atomic_write
from restore.segmentation import words

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "models" / "synonyms.tsv.gz"
POS = ("noun", "verb", "adj", "adv")
# The first synonyms of a list are close ones, what a careful spinner picks;
# real spinners also reach deep into big thesauri for any word listed at all
# ("say" -> "mention", "general" -> "typical"), so the table keeps that tail too.
CLOSE_SYNONYMS = 30
MAX_SYNONYMS = 250
MAX_HEAD_WORDS = 3
MAX_SYNONYM_WORDS = 4
MIN_ZIPF = 3.0  # once per million words: common enough without corpus evidence

_HEADER = "# restore synonym table v1: head<TAB>synonym[|pos]<TAB>..., lowercase lemma forms\n"
_TERM = re.compile(r"[a-z][a-z' .-]*[a-z.]|[a-z]")
_ANNOTATION = re.compile(r"\s*\((generic term|similar term|related term|antonym)\)$")


class ThesaurusError(ModelError):
    """The synonym table, or a thesaurus source it is built from, is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Synonym:
    """One synonym of a head: its text, and its part of speech when known."""

    text: str
    pos: str | None = None


class SynonymTable:
    """Head (lowercase word or phrase) -> synonyms, most plausible first."""

    def __init__(self, entries: Mapping[str, Iterable[Synonym]]) -> None:
        # Rows stay encoded until asked for: the real table holds 700,000
        # synonyms, and decoding them all would dominate the tool's start-up.
        self._rows: dict[str, str] = {}
        for head, synonyms in entries.items():
            row = "\t".join(_encode(head, s) for s in synonyms)
            if row:
                self._rows[_check_text(head)] = row

    def entries(self, form: str) -> tuple[Synonym, ...]:
        """The synonyms of `form` (lowercased) with their parts of speech."""
        row = self._rows.get(form.lower())
        if row is None:
            return ()
        return tuple(_decode(cell) for cell in row.split("\t"))

    def synonyms(self, form: str, pos: str | None = None) -> tuple[str, ...]:
        """The synonyms of `form`, most plausible first.

        With `pos`, only those given for that part of speech or for none
        (Moby gives none, so a Moby synonym may be of any part of speech).
        """
        seen: dict[str, None] = {}
        for synonym in self.entries(form):
            if pos is None or synonym.pos in (None, pos):
                seen.setdefault(synonym.text)
        return tuple(seen)

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(head, synonyms) for every head, in sorted order."""
        for head in sorted(self._rows):
            yield head, self.synonyms(head)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, form: object) -> bool:
        return isinstance(form, str) and form.lower() in self._rows

    def save(self, path: Path) -> None:
        """Write the table as gzip TSV, atomically and byte-for-byte reproducibly."""
        body = _HEADER + "".join(f"{head}\t{self._rows[head]}\n" for head in sorted(self._rows))
        # mtime=0 keeps the gzip header, and so the file, reproducible.
        atomic_write(Path(path), gzip.compress(body.encode(), mtime=0))

    @classmethod
    def load(cls, path: Path = DEFAULT_TABLE) -> SynonymTable:
        """Read a table written by `save`."""
        path = Path(path)
        if not path.is_file():
            raise ThesaurusError(
                f"no synonym table at {path}; build it with "
                f"`restore build synonyms --out {path.parent}`"
            )
        try:
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                if lines.readline() != _HEADER:
                    raise ThesaurusError(f"{path} is not a restore synonym table")
                table = cls({})
                for number, line in enumerate(lines, 2):
                    head, tab, row = line.rstrip("\n").partition("\t")
                    if not tab or not row:
                        raise ThesaurusError(f"{path}:{number}: malformed row")
                    table._rows[head] = row
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise ThesaurusError(f"cannot read synonym table {path}: {error}") from error
        return table

    @classmethod
    def build(cls, shared: Path, vocabulary: Container[str]) -> SynonymTable:
        """Merge MyThes and Moby from `<shared>/data/thesaurus/` into a ranked table.

        A head or synonym is kept when it is lowercase text of at most three
        (head) or four (synonym) words, each of which occurs in `vocabulary`
        (lowercase corpus words) or has a wordfreq Zipf frequency of at least 3.
        Antonyms are dropped, and so are names (anything capitalised in the
        source, and MyThes senses that are names). Each head keeps at most
        `MAX_SYNONYMS` synonyms, taken in turn from three ranked lists, two,
        two and one at a time:

        - MyThes synonyms and similar terms, in sense order (WordNet puts the
          commonest sense first);
        - Moby synonyms, most similar first (see `_Moby.ranked`);
        - MyThes broader and related terms, in sense order: spinners use them
          too ("meeting" -> "gathering"), but they are looser swaps.
        """
        folder = Path(shared) / "data" / "thesaurus"
        mythes = _read_mythes(folder / "mythes" / "th_en_US_v2.dat")
        moby = _Moby(folder / "moby" / "mthesaur.txt")

        def known(term: str, max_words: int = MAX_SYNONYM_WORDS) -> bool:
            return (
                len(term.split()) <= max_words
                and _TERM.fullmatch(term) is not None
                and all(p in vocabulary or zipf(p) >= MIN_ZIPF for p in re.split("[ -]+", term))
            )

        entries: dict[str, list[Synonym]] = {}
        for head in sorted(set(mythes) | set(moby.entries)):
            if not known(head, MAX_HEAD_WORDS):
                continue
            synonyms = _ranked(head, mythes.get(head, []), moby, known)
            if synonyms:
                entries[head] = synonyms
        return cls(entries)


def build_synonyms(shared: Path, out_dir: Path) -> SynonymTable:
    """Build the table from `shared`, write `synonyms.tsv.gz` and `synonyms.md` into `out_dir`.

    The vocabulary is every word of the training split of the corpus, so the
    table never depends on held-out documents.
    """
    vocabulary = {w for doc in iter_documents(shared, split="train") for w in words(doc.text)}
    table = SynonymTable.build(shared, vocabulary)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "synonyms.tsv.gz"
    table.save(path)
    atomic_write(out_dir / "synonyms.md", _model_card(table, path.stat().st_size))
    return table


# Reading the sources ------------------------------------------------------------------

# MyThes term kinds: synonym or similar term; broader or related term; antonym
_CLOSE, _BROAD, _ANTONYM = "close", "broad", "antonym"
_KINDS = {"": _CLOSE, "similar term": _CLOSE, "antonym": _ANTONYM}  # other labels: _BROAD
_MERGE_TURNS = (0, 0, 1, 1, 2)  # two close MyThes, two Moby, one broad MyThes synonym in turn


def _read_mythes(path: Path) -> dict[str, list[tuple[str, Synonym]]]:
    """Head -> [(kind, synonym)] in sense order, annotations turned into kinds."""
    entries: dict[str, list[tuple[str, Synonym]]] = defaultdict(list)
    head = ""
    for line in _open_source(path):
        if not line.startswith("("):  # "head|number of senses" starts an entry
            head = line.partition("|")[0].lower()
            continue
        pos_label, *terms = line.rstrip("\n").split("|")
        pos = pos_label.strip("()")
        if terms and terms[0][:1].isupper():
            continue  # a name's sense ("price": Leontyne Price, a soprano)
        for term in terms:
            annotation = _ANNOTATION.search(term)
            label = annotation.group(1) if annotation else ""
            text = term[: annotation.start()] if annotation else term
            if text == text.lower() and text != head:
                kind = _KINDS.get(label, _BROAD)
                entries[head].append((kind, Synonym(text, pos)))
    return entries


class _Moby:
    """Moby Thesaurus II: head -> synonyms, alphabetical and without parts of speech."""

    def __init__(self, path: Path) -> None:
        self.entries: dict[str, set[str]] = {}
        self.listed_by: dict[str, set[str]] = defaultdict(set)
        for line in _open_source(path):
            head, *terms = line.strip().split(",")
            head = head.lower()
            # Capitalised terms are names ("Washington" for "government").
            kept = {t for t in terms if t == t.lower() and t != head}
            self.entries.setdefault(head, set()).update(kept)
            for term in kept:
                self.listed_by[term].add(head)

    def ranked(self, head: str, keep: Callable[[str], bool]) -> list[str]:
        """The synonyms of `head` that `keep` accepts, most similar first.

        Moby lists near-synonyms, broader and narrower terms alike, in
        alphabetical order. True synonyms share their neighbours, so a term
        ranks by the cosine between the head's synonyms and the heads that
        list the term ("kill" -> "slay" before "kill" -> "brook").
        """
        mine = self.entries.get(head, set())

        def similarity(term: str) -> float:
            theirs = self.listed_by[term]
            return len(mine & theirs) / math.sqrt(len(mine) * len(theirs))

        return sorted((t for t in mine if keep(t)), key=lambda t: (-similarity(t), t))


def _open_source(path: Path) -> Iterator[str]:
    if not path.is_file():
        raise ThesaurusError(f"thesaurus source missing: {path}")
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from lines


def _ranked(
    head: str,
    senses: list[tuple[str, Synonym]],
    moby: _Moby,
    known: Callable[[str], bool],
) -> list[Synonym]:
    """The synonyms of `head` that are `known` and no antonym, ranked and capped."""
    # An antonym of one sense can be a broader term of another, or a Moby synonym.
    antonyms = {s.text for kind, s in senses if kind == _ANTONYM}

    def wanted(text: str) -> bool:
        return text not in antonyms and known(text)

    return _merge(
        [s for kind, s in senses if kind == _CLOSE and wanted(s.text)],
        [Synonym(t) for t in moby.ranked(head, wanted)],
        [s for kind, s in senses if kind == _BROAD and wanted(s.text)],
    )


def _merge(close: list[Synonym], moby: list[Synonym], broad: list[Synonym]) -> list[Synonym]:
    """Take from the three ranked lists in `_MERGE_TURNS` until MAX_SYNONYMS texts are in.

    A text MyThes gives is taken with MyThes's part of speech, never from Moby;
    it may come once per part of speech.
    """
    from_mythes = {s.text for s in close + broad}
    queues = [deque(close), deque(s for s in moby if s.text not in from_mythes), deque(broad)]
    out: dict[Synonym, None] = {}  # ordered set
    texts: set[str] = set()
    while any(queues):
        for turn in _MERGE_TURNS:
            if queues[turn]:
                synonym = queues[turn].popleft()
                if synonym.text in texts or len(texts) < MAX_SYNONYMS:
                    out.setdefault(synonym)
                    texts.add(synonym.text)
    return list(out)


# Encoding ------------------------------------------------------------------------------


def _check_text(text: str) -> str:
    if not text or any(c in text for c in "\t|\n") or text != text.lower():
        raise ValueError(f"synonym table text must be lowercase without tabs or '|': {text!r}")
    return text


def _encode(head: str, synonym: Synonym) -> str:
    if synonym.pos is not None and synonym.pos not in POS:
        raise ValueError(f"unknown part of speech {synonym.pos!r} for {head!r}")
    text = _check_text(synonym.text)
    return text if synonym.pos is None else f"{text}|{synonym.pos}"


def _decode(cell: str) -> Synonym:
    text, _, pos = cell.partition("|")
    return Synonym(text, pos or None)


# Model card ----------------------------------------------------------------------------


def _model_card(table: SynonymTable, size: int) -> str:
    heads = pairs = multiword_heads = multiword_synonyms = with_pos = 0
    for head, _ in table:
        entries = table.entries(head)
        heads += 1
        pairs += len(entries)
        multiword_heads += " " in head
        multiword_synonyms += sum(" " in s.text for s in entries)
        with_pos += sum(s.pos is not None for s in entries)
    examples = "\n".join(
        f"| {head} | {', '.join(table.synonyms(head)[:8])} |"
        for head in ("increase", "company", "quickly", "take part")
        if head in table
    )
    return f"""# Synonym table (`models/synonyms.tsv.gz`)

What the synthetic spinner (`restore.spinner`) draws substitutions from, and what the candidate
generator inverts (a spinner that maps A to B makes B point back to A).

## Data
- MyThes en_US v2 (LibreOffice thesaurus, WordNet-derived, with parts of speech):
  `../shared/data/thesaurus/mythes/th_en_US_v2.dat`.
- Moby Thesaurus II (public domain, no parts of speech):
  `../shared/data/thesaurus/moby/mthesaur.txt`.
- Vocabulary filter: the words of the training split of `../shared/data/corpus/`
  (`restore.corpus.split_of`), plus wordfreq Zipf frequencies.

## Format
gzip TSV, one line per head, sorted: `head<TAB>synonym[|pos]<TAB>...`, after a `#` header line.
Heads and synonyms are lowercase lemma forms (no inflection): callers lemmatise a word before
looking it up and inflect what they get back. `pos` is `noun`, `verb`, `adj` or `adv` where MyThes
gives it, absent for Moby synonyms. Load with `restore.thesaurus.SynonymTable.load`.

## Filters and ranking
- Heads of at most {MAX_HEAD_WORDS} words, synonyms of at most {MAX_SYNONYM_WORDS}; lowercase
  letters, spaces, hyphens, apostrophes and full stops only (capitalised terms are names: dropped).
- Every word of a head or synonym occurs in the training corpus or has Zipf frequency >= {MIN_ZIPF}.
- MyThes antonyms are dropped, and so are the senses of names ("price": a soprano).
- At most {MAX_SYNONYMS} synonyms per head, taken in turn from three ranked lists, two, two and one
  at a time: MyThes synonyms and similar terms in sense order; Moby synonyms, most similar first
  (cosine between the head's Moby synonyms and the Moby heads that list the synonym); MyThes
  broader and related terms in sense order.
- The first {CLOSE_SYNONYMS} are the close synonyms the spinner's usual families draw on; the
  rest is the loose tail that real spinners reach into too ("say" -> "mention"), which the
  spinner's `loose` family draws on.

## Size
| what | count |
| --- | --- |
| file size | {size:,} bytes |
| heads | {heads:,} |
| multiword heads | {multiword_heads:,} |
| (head, synonym) entries | {pairs:,} |
| entries with a part of speech | {with_pos:,} |
| multiword synonyms | {multiword_synonyms:,} |

## Examples
| head | first synonyms |
| --- | --- |
{examples}

## Rebuild
`python -m restore.thesaurus --shared ../shared --out models`
(deterministic: the same data gives the same bytes).
"""


def main(argv: list[str] | None = None) -> int:
    """`python -m restore.thesaurus`: rebuild the synonym table and its model card."""
    parser = argparse.ArgumentParser(prog="python -m restore.thesaurus", description=__doc__)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_TABLE.parent, help="models folder")
    args = parser.parse_args(argv)

    def build() -> None:
        table = build_synonyms(args.shared, args.out)
        print(f"{len(table):,} heads written to {args.out / 'synonyms.tsv.gz'}")

    return reported(build, parser.prog)


if __name__ == "__main__":
    sys.exit(main())

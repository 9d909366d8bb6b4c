"""Candidates: for every span of a document, what its original wording may have been.

`CandidateGenerator(lexicon).generate(document)` takes a segmented `Document`
and gives `Candidate`s: a token span of one sentence, a replacement cased like
the span, and the evidence behind it (learned pairs, fingerprints, the
inverted thesaurus inflected to the span's form, or a number rule). It does
not judge them: the ranker scores every candidate in context.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType

import numpy as np

from restore.lexicon import Lexicon, prior
from restore.morphology import UNINFLECTED, inflection, match_case, readings
from restore.numbers import original_forms
from restore.segmentation import Document, Sentence, Token

MAX_SPAN = 4
# "2.five", "100's": half digits, half words, never written by a person
_GARBLED_NUMBER = re.compile(r"\d\.[a-z]|^\d[\d,]*['’]s$", re.IGNORECASE)
_ORDINAL_DIGITS = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)  # "2nd", "21st"


@dataclass(slots=True)
class Candidate:
    """Replace tokens `first..last-1` of sentence `sentence` with `text`.

    `evidence` maps a kind ("learned", "fingerprint", "thesaurus", "number",
    "garbled" for a number no person writes)
    to its strength: a count for learned and fingerprint pairs, a rank weight
    for the thesaurus, 1 for a number rule.
    """

    sentence: int
    first: int
    last: int
    text: str
    form: str  # the spun form looked up: norms of the span joined by spaces
    evidence: Mapping[str, float] = field(default_factory=dict)


Span = tuple[int, int, int]  # (sentence, first, last): what a candidate replaces
# A candidate's span: its key wherever candidates are grouped by what they replace
span_of: Callable[[Candidate], Span] = attrgetter("sentence", "first", "last")


def best_by_span(
    candidates: Sequence[Candidate], values: Sequence[float] | np.ndarray
) -> dict[Span, float]:
    """The highest of `values` (one per candidate, NaN for none) among each
    span's candidates; spans whose values are all NaN are left out."""
    best: dict[Span, float] = {}
    # plain floats: comparing NumPy scalars one by one is several times slower
    floats = np.asarray(values, dtype=float).tolist()
    for key, value in zip(map(span_of, candidates), floats, strict=True):
        if value > best.get(key, -math.inf):
            best[key] = value
    return best


# Candidates per span the ranker sees. Of the known tortured phrases' word pairs
# (real spinners'), the inverted thesaurus puts the original among the first
# 12 for 20% and the first 16 for 24% (`bench/fingerprint_coverage.py`).
SHORTLIST = 16
FORM_CACHE = 1 << 17  # spun forms whose originals a generator remembers


class CandidateGenerator:
    """Proposes possible originals for every span that the lexicon or a rule knows."""

    def __init__(self, lexicon: Lexicon, max_per_span: int = SHORTLIST) -> None:
        self.lexicon = lexicon
        self.max_per_span = max_per_span
        self.max_span = min(MAX_SPAN, lexicon.max_span)
        # A form's originals do not depend on its context, and news copy repeats
        # its words: looking them up (inflecting, weighing by frequency) once
        # per form is most of the generator's time.
        self._known = lru_cache(maxsize=FORM_CACHE)(self._ranked)
        # A phrase is looked up as written and with its first or its last word
        # lemmatised (`_phrase_lemmas_and_tags`), so it can have originals only
        # when its words after the first end, or its words before the last
        # start, a phrase of the lexicon. Nearly two thirds of the phrases of new
        # copy fail both; skipping their lookups saves a twentieth of the engine's time.
        phrases = list(lexicon.phrases())
        self._tails = {phrase.partition(" ")[2] for phrase in phrases}
        self._heads = {phrase.rpartition(" ")[0] for phrase in phrases}

    def generate(self, document: Document) -> list[Candidate]:
        """Every candidate for every sentence of `document`."""
        out: list[Candidate] = []
        for index, sentence in enumerate(document.sentences):
            out.extend(self.for_sentence(index, sentence))
        return out

    def for_sentence(
        self, index: int, sentence: Sentence, within: tuple[int, int] | None = None
    ) -> Iterator[Candidate]:
        """The candidates of one sentence, span by span; with `within` (first,
        last), only those of spans inside tokens first..last-1."""
        first, last = within or (0, len(sentence.tokens))
        tokens = sentence.tokens[:last]
        norms = [t.norm for t in tokens]
        opening = sentence.opening
        for i in range(first, last):
            token = tokens[i]
            if not token.is_wording:
                continue
            for n in range(1, self.max_span + 1):
                span = tokens[i : i + n]
                if len(span) < n or not all(t.is_word for t in span[1:]):
                    break
                form = " ".join(norms[i : i + n])
                numbers = _number_rules(span)
                if numbers:
                    garbled = _GARBLED_NUMBER.search("".join(t.text for t in span)) is not None
                    ranked = self._ranked(form, numbers, garbled)
                elif n == 1 or self._may_hold(form):
                    ranked = self._known(form)
                else:
                    continue
                written = " ".join(t.text for t in span)
                capital = i == opening or (n == 1 and _names_with(sentence.tokens, i))
                for text, evidence in ranked:
                    cased = _cased(span[0].text, text, capital) if text else text
                    if cased != written:
                        yield Candidate(index, i, i + n, cased, form, evidence)

    def _may_hold(self, phrase: str) -> bool:
        """Whether the lexicon may hold originals of `phrase` (see `__init__`)."""
        return phrase.partition(" ")[2] in self._tails or phrase.rpartition(" ")[0] in self._heads

    def _ranked(
        self, form: str, numbers: tuple[str, ...] = (), garbled: bool = False
    ) -> list[tuple[str, Mapping[str, float]]]:
        """The `max_per_span` strongest originals of the spun `form`, with their
        evidence; `numbers` are the number rules' originals, `garbled` True when
        the span is a number no person writes."""
        found: dict[str, dict[str, float]] = {}
        for kind in ("learned", "fingerprint"):
            for origin in self.lexicon.origins(kind, form):
                found.setdefault(origin.text, {})[kind] = origin.count
        for text, weight in self.thesaurus_origins(form):
            found.setdefault(text, {})["thesaurus"] = weight
        for text in numbers:
            found.setdefault(text, {})["number"] = 1.0
            if garbled:
                found[text]["garbled"] = 1.0
        found.pop(form, None)
        ranked = sorted(found.items(), key=lambda kv: -_strength(*kv))[: self.max_per_span]
        # read-only, since every candidate of the form shares it with the cache
        return [(text, MappingProxyType(evidence)) for text, evidence in ranked]

    def thesaurus_origins(self, form: str) -> list[tuple[str, float]]:
        """Every original whose thesaurus list holds the spun `form` (lowercase), inflected
        to its form, with its rank weight: all of them, not the `max_per_span` strongest."""
        out: dict[str, float] = {}
        for lemma, tag in _phrase_lemmas_and_tags(form):
            for origin in self.lexicon.origins("thesaurus", lemma):
                inflected = _inflect(origin.text, tag)
                if inflected and inflected not in out:
                    out[inflected] = origin.count
        return list(out.items())


def _cased(written: str, text: str, capital: bool) -> str:
    """`text` in the case of `written`; where a number, which has no case to copy,
    opens a sentence or a name (`capital`), capitalised ("9 of the states" ->
    "Nine of the states", "the 2nd World War" -> "the Second World War")."""
    cased = match_case(written, text)
    if capital and not written[:1].isalpha():
        return cased[:1].upper() + cased[1:]
    return cased


def _names_with(tokens: Sequence[Token], at: int) -> bool:
    """Whether the token `at` is an ordinal in digits that opens a name with the
    capitalised word after it ("1st National", "2nd World War"). A cardinal is
    not: "12 Britons" counts people, and its original is "twelve"."""
    if at + 1 >= len(tokens) or not _ORDINAL_DIGITS.fullmatch(tokens[at].text):
        return False
    word = tokens[at + 1].text
    return word[:1].isupper() and word[1:2].islower()


def _strength(text: str, evidence: dict[str, float]) -> float:
    """How likely `text` is the original, for keeping the strongest candidates.

    Learned pairs and rules come first. Among thesaurus candidates, Bayes'
    rule: a spinner's output points back to an original in proportion to how
    likely the spinner was to pick it (the rank weight) times how common the
    original is in news copy ("mentioned" is far likelier a spun "said" than a
    spun "honorable mention"), which keeps real spinners' swaps in the shortlist.
    """
    return (
        evidence.get("learned", 0.0) * 10
        + evidence.get("fingerprint", 0.0) * 5
        + evidence.get("number", 0.0) * 100
        + evidence.get("thesaurus", 0.0) * prior(text)
    )


@lru_cache(maxsize=65536)
def _lemmas_and_tags(word: str) -> tuple[tuple[str, str | None], ...]:
    """(lemma, Penn tag) readings of a lowercase word; (word, None) when unknown."""
    found = tuple(dict.fromkeys((lemma, tag) for lemma, _, tag in readings(word)))
    return found or ((word, None),)


@lru_cache(maxsize=65536)
def _phrase_lemmas_and_tags(form: str) -> tuple[tuple[str, str | None], ...]:
    """(lemma form, Penn tag) readings of a lowercase word or phrase. A phrase
    is read as written, then with its first word as an inflected verb ("turns
    down" is "turn down" in VBZ) or its last as a plural ("work sites"), since
    the thesauri list phrases in their base form and the spinner inflected them."""
    parts = form.split(" ")
    if len(parts) == 1:
        return _lemmas_and_tags(form)
    found: list[tuple[str, str | None]] = [(form, None)]
    for lemma, tag in _lemmas_and_tags(parts[0]):
        if tag is not None and tag.startswith("VB") and tag not in UNINFLECTED:
            found.append((" ".join([lemma, *parts[1:]]), tag))
    for lemma, tag in _lemmas_and_tags(parts[-1]):
        if tag == "NNS":
            found.append((" ".join([*parts[:-1], lemma]), tag))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def _inflect(phrase: str, tag: str | None) -> str | None:
    """`phrase` in the form `tag` asks for: the first word of a verb phrase,
    the last word of any other; None when it cannot take that form."""
    if tag is None or tag in UNINFLECTED:
        return phrase
    parts = phrase.split()
    at = 0 if tag.startswith("VB") else len(parts) - 1
    form = inflection(parts[at], tag, invent=False)
    if form is None:
        return None
    parts[at] = form
    return " ".join(parts)


def _number_rules(span: tuple[Token, ...]) -> tuple[str, ...]:
    """Originals of a spun number: "2.five" -> "2.5", "100's" -> "hundreds"."""
    if len(span) == 1 or (len(span) == 2 and span[0].text[0].isdigit()):  # "1000" "'s"
        return original_forms("".join(t.text for t in span))
    return ()

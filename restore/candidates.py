"""Candidates: for every span of a document, what its original wording may have been.

`CandidateGenerator(lexicon).generate(document)` takes a segmented `Document`
and gives `Candidate`s: a token span of one sentence, a replacement cased like
the span, and the evidence behind it (learned pairs, fingerprints, the
inverted thesaurus inflected to the span's form, or a number rule). It does
not judge them: the ranker scores every candidate in context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas, getInflection

from restore.lexicon import Lexicon
from restore.segmentation import Document, Sentence, Token

MAX_SPAN = 4
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_DIGIT_WORDS = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}
_SPELLED_DECIMAL = re.compile(r"^(\d+)\.([a-z]+)$")
_PLURAL_POWERS = {"100": "hundreds", "1000": "thousands", "1,000": "thousands",
                  "1000000": "millions", "1,000,000": "millions"}
_APOSTROPHE_S = {"'s", "’s", "s"}


@dataclass(slots=True)
class Candidate:
    """Replace tokens `first..last-1` of sentence `sentence` with `text`.

    `evidence` maps a kind ("learned", "fingerprint", "thesaurus", "number")
    to its strength: a count for learned and fingerprint pairs, a rank weight
    for the thesaurus, 1 for a number rule.
    """

    sentence: int
    first: int
    last: int
    text: str
    form: str  # the spun form looked up: norms of the span joined by spaces
    evidence: dict[str, float] = field(default_factory=dict)


class CandidateGenerator:
    """Proposes possible originals for every span that the lexicon or a rule knows."""

    def __init__(self, lexicon: Lexicon, max_per_span: int = 25) -> None:
        self.lexicon = lexicon
        self.max_per_span = max_per_span
        self.max_span = min(MAX_SPAN, lexicon.max_span)

    def generate(self, document: Document) -> list[Candidate]:
        """Every candidate for every sentence of `document`."""
        out: list[Candidate] = []
        for index, sentence in enumerate(document.sentences):
            out.extend(self.for_sentence(index, sentence))
        return out

    def for_sentence(self, index: int, sentence: Sentence) -> Iterator[Candidate]:
        """The candidates of one sentence, span by span."""
        tokens = sentence.tokens
        norms = [t.norm for t in tokens]
        for i, token in enumerate(tokens):
            if not (token.is_word or token.text[0].isdigit()):
                continue
            for n in range(1, self.max_span + 1):
                span = tokens[i : i + n]
                if len(span) < n or not all(t.is_word for t in span[1:]):
                    break
                found: dict[str, dict[str, float]] = {}
                form = " ".join(norms[i : i + n])
                for kind in ("learned", "fingerprint"):
                    for origin in self.lexicon.origins(kind, form):
                        found.setdefault(origin.text, {})[kind] = origin.count
                for text, weight in self._thesaurus(form, span):
                    found.setdefault(text, {})["thesaurus"] = weight
                for text in _number_rules(span):
                    found.setdefault(text, {})["number"] = 1.0
                found.pop(form, None)
                ranked = sorted(found.items(), key=lambda kv: -_strength(kv[1]))
                for text, evidence in ranked[: self.max_per_span]:
                    cased = _match_case(text, span)
                    if cased != " ".join(t.text for t in span):
                        yield Candidate(index, i, i + n, cased, form, evidence)

    def _thesaurus(self, form: str, span: tuple[Token, ...]) -> list[tuple[str, float]]:
        if len(span) > 1:
            return [(o.text, o.count) for o in self.lexicon.origins("thesaurus", form)]
        out: dict[str, float] = {}
        for lemma, tag in _lemmas_and_tags(form):
            for origin in self.lexicon.origins("thesaurus", lemma):
                inflected = _inflect(origin.text, tag)
                if inflected and inflected not in out:
                    out[inflected] = origin.count
        return list(out.items())


def _strength(evidence: dict[str, float]) -> float:
    return (
        evidence.get("learned", 0.0) * 10
        + evidence.get("fingerprint", 0.0) * 5
        + evidence.get("number", 0.0) * 100
        + evidence.get("thesaurus", 0.0)
    )


@lru_cache(maxsize=65536)
def _lemmas_and_tags(word: str) -> tuple[tuple[str, str | None], ...]:
    """(lemma, Penn tag) readings of a lowercase word; (word, None) when unknown."""
    readings: list[tuple[str, str | None]] = []
    for upos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            tags = [tag for tag, forms in getAllInflections(lemma, upos).items() if word in forms]
            readings.extend((lemma, tag) for tag in tags or [None])
    return tuple(dict.fromkeys(readings)) or ((word, None),)


@lru_cache(maxsize=65536)
def _inflect(phrase: str, tag: str | None) -> str | None:
    """`phrase` in the form `tag` asks for: the first word of a verb phrase,
    the last word of any other; None when it cannot take that form."""
    if tag is None or tag in ("NN", "VB", "JJ", "RB", "VBP"):
        return phrase
    parts = phrase.split()
    at = 0 if tag.startswith("VB") else len(parts) - 1
    forms = getInflection(parts[at], tag)
    if not forms:
        return None
    parts[at] = forms[0]
    return " ".join(parts)


def _number_rules(span: tuple[Token, ...]) -> list[str]:
    """Originals of spun numbers: "3.six" -> "3.6", "1000's" -> "thousands",
    "9" <-> "nine"."""
    text = span[0].text.lower()
    if len(span) == 1:
        if m := _SPELLED_DECIMAL.match(text):
            digits = "".join(_DIGIT_WORDS.get(p, "?") for p in re.findall(r"[a-z]+", m[2]))
            return [f"{m[1]}.{digits}"] if "?" not in digits else []
        if text in _DIGIT_WORDS:
            return [_DIGIT_WORDS[text]]
        if text.isdigit() and len(text) == 1:
            return [NUMBER_WORDS[int(text)]]
        return []
    if len(span) == 2 and text in _PLURAL_POWERS and span[1].text.lower() in _APOSTROPHE_S:
        return [_PLURAL_POWERS[text]]
    return []


def _match_case(text: str, span: tuple[Token, ...]) -> str:
    """`text` with the capitalisation of the span it replaces."""
    first = span[0].text
    if len(first) > 1 and first.isupper() and text:
        return text.upper()
    if first[:1].isupper() and text:
        return text[0].upper() + text[1:]
    return text

"""Spinner: clean text in, spun text and a record of every substitution out.

A synthetic article spinner, to make (spun, original) pairs for training and
evaluation from the corpus. Like the real ones it swaps words for thesaurus
synonyms with no regard to sense, and more; each family of substitution fires
at its own rate (`SpinRates`):

- synonym: one word for another, inflection and capitalisation kept
  ("seized" -> "grabbed", "Bought" -> "Purchased");
- loose: one word for a word from the tail of its thesaurus list, past the
  close synonyms, as real spinners do with big thesauri ("say" -> "mention",
  "general" -> "typical");
- phrase: a word for a phrase or a phrase for a word or phrase;
- sense_blind: a word inside a capitalised name or title, which careful
  writers would never touch ("Federal Reserve Board" -> "Federal Reserve Plank");
- number: digits and number words ("nine" -> "9", "2.5" -> "2.five",
  "hundreds" -> "100's", "first" -> "1st");
- function: connectives and function words ("after" -> "right after");
- intensifier: "very", "really"... inserted before an adjective, adverb or verb;
- hyphen: one part of a hyphenated compound ("cut-back" -> "slash-back").

`Spinner(table, rates, seed).spin(text)` gives a `SpunText`: the spun text and
one `Substitution` per change, with offsets into both texts, so the original
comes back exactly (`SpunText.restore`). Only whole tokens of
`restore.segmentation` change; every other character (spaces, line breaks,
quotes, non-ASCII) is copied as is. `make_pairs` turns corpus documents into
JSONL records, and `python -m restore.spinner` writes them for a split.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache, partial
from pathlib import Path

from lemminflect import getAllLemmas

from restore.corpus import DEFAULT_SHARED, SPLITS, CorpusDoc, iter_documents
from restore.errors import RestoreError, reported
from restore.hunk import Hunk, apply_hunks
from restore.morphology import UNINFLECTED, UPOS_TO_POS, inflection, match_case, readings
from restore.numbers import NUMBER_WORDS, WORD_TO_NUMBER, spun_forms
from restore.output import write_text
from restore.segmentation import Token, segment
from restore.thesaurus import CLOSE_SYNONYMS, DEFAULT_TABLE, Synonym, SynonymTable

FAMILIES = (
    "synonym", "loose", "phrase", "sense_blind", "number", "function", "intensifier", "hyphen",
)


class SpinError(RestoreError):
    """Spinner settings or a pairs record are malformed."""

    exit_code = 2


@dataclass(frozen=True)
class SpinRates:
    """For each family, the chance that a place where it can fire gets changed.

    The defaults change about a fifth of the content words of news copy,
    in the range real spinners show.
    """

    synonym: float = 0.22
    loose: float = 0.06
    phrase: float = 0.08
    sense_blind: float = 0.04
    number: float = 0.3
    function: float = 0.2
    intensifier: float = 0.04
    hyphen: float = 0.3

    def __post_init__(self) -> None:
        for family in FAMILIES:
            rate = getattr(self, family)
            if not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
                raise SpinError(f"rate of {family} must be a number from 0 to 1, not {rate!r}")

    def scaled(self, factor: float) -> SpinRates:
        """Every family's rate times `factor` (at most 1): lighter or heavier spinning."""
        return SpinRates(**{family: min(1.0, getattr(self, family) * factor)
                            for family in FAMILIES})

    @classmethod
    def parse(cls, spec: str) -> SpinRates:
        """Rates from "family=rate,..." (the others keep their defaults); "" gives the defaults."""
        rates: dict[str, float] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            family, _, value = (part.strip() for part in item.partition("="))
            if family not in FAMILIES:
                raise SpinError(f"unknown spin family {family!r}; families: {', '.join(FAMILIES)}")
            try:
                rates[family] = float(value)
            except ValueError as error:
                raise SpinError(f"rate of {family} must be a number, not {value!r}") from error
        return cls(**rates)


@dataclass(frozen=True)
class Substitution:
    """`original` (original text[orig_start:orig_end]) became `spun` (spun[spun_start:spun_end])."""

    family: str
    orig_start: int
    orig_end: int
    original: str
    spun_start: int
    spun_end: int
    spun: str

    def to_hunk(self) -> Hunk:
        """The gold restoration: a hunk on the spun text that puts the original back."""
        return Hunk(
            self.spun_start, self.spun_end, self.spun, self.original, 1.0,
            source=f"spinner:{self.family}",
        )


@dataclass(frozen=True)
class SpunText:
    """A text, its spun version, and the substitutions between them, in order."""

    original: str
    spun: str
    substitutions: tuple[Substitution, ...]

    def restore(self) -> str:
        """The original, rebuilt from the spun text and the substitutions alone."""
        return apply_hunks(self.spun, (s.to_hunk() for s in self.substitutions))

    def to_json(self) -> dict:
        """{"spun", "original", "substitutions": [{family, orig_start, ...}]}."""
        return {
            "spun": self.spun,
            "original": self.original,
            "substitutions": [asdict(s) for s in self.substitutions],
        }

    @classmethod
    def from_json(cls, record: dict) -> SpunText:
        """The inverse of `to_json` (extra keys such as "id" are ignored)."""
        try:
            substitutions = tuple(
                Substitution(**{f.name: item[f.name] for f in fields(Substitution)})
                for item in record["substitutions"]
            )
            return cls(record["original"], record["spun"], substitutions)
        except (KeyError, TypeError) as error:
            raise SpinError(f"not a spun-text record: missing or bad {error}") from error


# What the families draw from ------------------------------------------------------------

# Function words and connectives, and what spinners put in their place. The
# synonym family leaves these words alone: thesauri give nonsense for them.
FUNCTION_SWAPS: dict[str, tuple[str, ...]] = {
    "a lot of": ("plenty of", "lots of", "a great deal of"),
    "according to": ("in accordance with", "based on", "as outlined by"),
    "after": ("right after", "soon after", "following"),
    "again": ("once again", "once more"),
    "against": ("towards", "in opposition to"),
    "almost": ("nearly", "practically", "virtually"),
    "already": ("by now", "previously"),
    "also": ("additionally", "furthermore", "as well"),
    "although": ("even though", "though", "despite the fact that"),
    "amid": ("amidst", "among"),
    "among": ("amongst", "amid", "between"),
    "around": ("about", "close to", "roughly"),
    "as a result": ("consequently", "because of this"),
    "as the": ("because the", "since the"),
    "as well as": ("along with", "in addition to", "together with"),
    "at least": ("a minimum of", "no less than", "at the very least"),
    "because": ("simply because", "due to the fact that", "since"),
    "because of": ("due to", "owing to", "as a result of"),
    "before": ("prior to", "just before", "ahead of"),
    "but": ("however", "nonetheless", "though"),
    "despite": ("in spite of", "regardless of"),
    "due to": ("because of", "owing to", "as a result of"),
    "during": ("throughout", "in the course of", "all through"),
    "each": ("every", "every single"),
    "for example": ("for instance", "as an example"),
    "however": ("nonetheless", "nevertheless", "even so"),
    "if": ("in case", "when"),
    "in addition": ("additionally", "furthermore", "moreover"),
    "in order to": ("so as to", "to be able to", "in an effort to"),
    "instead of": ("rather than", "in place of"),
    "just": ("simply", "merely", "only"),
    "less than": ("under", "below"),
    "many": ("numerous", "several", "lots of"),
    "more than": ("greater than", "over", "in excess of"),
    "most of": ("the majority of", "nearly all of"),
    "now": ("at this time", "right now", "presently"),
    "only": ("just", "solely", "merely"),
    "over": ("more than", "above", "in excess of"),
    "since the": ("given that the", "considering that the"),
    "some": ("a few", "several", "certain"),
    "still": ("nonetheless", "even now", "yet"),
    "such as": ("like", "for example", "including"),
    "then": ("and then", "subsequently", "after that"),
    "there are": ("you will find", "there exist"),
    "there is": ("there exists", "you will find"),
    "therefore": ("so", "consequently", "as a result"),
    "though": ("although", "even though"),
    "through": ("via", "by means of", "by way of"),
    "thus": ("therefore", "hence", "so"),
    "too": ("also", "as well"),
    "toward": ("towards",),
    "towards": ("toward",),
    "under": ("beneath", "below", "underneath"),
    "unless": ("except if", "until"),
    "until": ("till", "right up until", "up until"),
    "upon": ("on",),
    "very": ("really", "extremely", "quite"),
    "when": ("once", "whenever", "as soon as"),
    "where": ("the place", "wherever"),
    "whereas": ("while", "although"),
    "whether": ("regardless of whether", "no matter whether"),
    "which": ("that",),
    "while": ("whilst", "even though", "whereas"),
    "whilst": ("while",),
    "within": ("inside", "inside of", "in"),
}

# Closed-class words: never synonym-swapped (the function family handles some).
# Public: the reference vetting tells a person's rewording by them.
_PREPOSITIONS = frozenset(
    {
        "about", "above", "across", "after", "against", "along", "amid", "among", "around",
        "as", "at", "before", "behind", "below", "beneath", "beside", "besides", "between",
        "beyond", "but", "by", "despite", "down", "during", "except", "for", "from", "in",
        "inside", "into", "like", "near", "of", "off", "on", "onto", "out", "outside", "over",
        "past", "per", "since", "than", "through", "throughout", "till", "to", "toward",
        "towards", "under", "underneath", "unlike", "until", "up", "upon", "via", "with",
        "within", "without",
    }
)
CLOSED_CLASS = frozenset(
    {
        # determiners and quantifiers
        "a", "an", "the", "this", "that", "these", "those", "each", "every", "either",
        "neither", "some", "any", "no", "all", "both", "half", "several", "many", "much",
        "more", "most", "few", "fewer", "less", "least", "other", "another", "such", "what",
        "which", "whose", "whatever", "whichever",
        # pronouns
        "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
        "we", "us", "our", "ours", "ourselves", "they", "them", "their", "theirs", "themselves",
        "one", "ones", "oneself", "someone", "somebody", "something", "anyone", "anybody",
        "anything", "everyone", "everybody", "everything", "nobody", "nothing", "none", "who",
        "whom", "whoever",
        # conjunctions
        "and", "or", "nor", "so", "yet", "because", "although", "though", "while", "whilst",
        "whereas", "if", "unless", "whether", "when", "whenever", "where", "wherever", "once",
        # auxiliaries and modals
        "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having",
        "do", "does", "did", "doing", "will", "would", "shall", "should", "can", "could", "may",
        "might", "must", "ought",
        # adverbs and particles
        "not", "yes", "also", "too", "very", "just", "only", "even", "still", "already", "then",
        "there", "here", "now", "ever", "never", "again", "how", "why", "else", "however",
        "thus", "therefore", "hence", "indeed", "rather", "quite", "almost", "perhaps", "maybe",
    }
) | _PREPOSITIONS | frozenset(key for key in FUNCTION_SWAPS if " " not in key)

_INTENSIFIERS = {
    "ADJ": ("very", "really", "extremely", "quite", "particularly"),
    "ADV": ("very", "really", "quite"),
    "VERB": ("really", "actually", "truly"),
}
_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had"})
_DEGREE_WORDS = frozenset(
    {"very", "really", "extremely", "quite", "particularly", "actually", "truly", "so", "too",
     "more", "most", "less", "least", "rather", "how", "relatively", "exactly", "nearly",
     "slightly", "fairly", "highly", "largely", "mainly", "mostly", "partly", "fully"}
)

# Left to the number family: a thesaurus's "billion" -> "million" would falsify the copy.
_NEVER_SWAPPED = CLOSED_CLASS | NUMBER_WORDS  # by the synonym, phrase and hyphen families

_COMPARED = frozenset({"JJR", "JJS", "RBR", "RBS"})  # "bigger" would need "more huge"


# The spinner -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    replacement: str
    family: str


class Spinner:
    """Spins texts with a synonym table, at the given rates.

    `spin(text)` depends only on the seed, the rates, the table and the text,
    so a corpus can be spun in any order, or in parallel, with the same result.
    """

    def __init__(
        self, synonyms: SynonymTable, rates: SpinRates | None = None, seed: int = 0
    ) -> None:
        self.synonyms = synonyms
        self.rates = rates or SpinRates()
        self.seed = seed

    @classmethod
    def load(
        cls, table: Path = DEFAULT_TABLE, rates: SpinRates | None = None, seed: int = 0
    ) -> Spinner:
        """A spinner over the synonym table saved at `table` (models/synonyms.tsv.gz)."""
        return cls(SynonymTable.load(table), rates, seed)

    def spin(self, text: str) -> SpunText:
        """Spin `text`; the result records every substitution."""
        rng = random.Random(f"{self.seed}\n{text}")
        edits: list[_Edit] = []
        for sentence in segment(text).sentences:  # addresses and markup are in no token
            edits.extend(_SentenceSpinner(self, text, sentence.tokens, rng).edits())
        return _assemble(text, edits)


class _SentenceSpinner:
    """One pass over a sentence, left to right, each token changed at most once."""

    def __init__(self, spinner: Spinner, text: str, tokens: Sequence[Token], rng: random.Random):
        self.table = spinner.synonyms
        self.rates = spinner.rates
        self.text = text
        self.tokens = tokens
        self.rng = rng
        words = [t.text for t in tokens if t.text.isalpha()]
        # In a sentence written in capitals, capitals say nothing about names.
        self.shouting = sum(w.isupper() for w in words) * 2 > len(words) > 1
        self.first_word = next((i for i, t in enumerate(tokens) if t.text.isalpha()), -1)

    def edits(self) -> Iterator[_Edit]:
        i = 0
        while i < len(self.tokens):
            end = self._compound_end(i)
            if end > i + 1:
                edit = self._compound(i, end)
            else:
                edit, end = self._at(i)
            if edit is not None:
                yield edit
            i = max(end, i + 1)

    # Families, in the order they get a chance at a place ------------------------------

    def _at(self, i: int) -> tuple[_Edit | None, int]:
        """The edit starting at token i, if one fires, and the index after what it covers."""
        for n in (3, 2, 1):
            key = self._phrase_key(i, n, allow_names=True)
            if key in FUNCTION_SWAPS and self._fires("function"):
                return self._edit(i, i + n, self._choose(FUNCTION_SWAPS[key]), "function"), i + n
        token = self.tokens[i]
        swaps = spun_forms(token.text)
        if swaps and self._isolated(token) and self._fires("number"):
            return self._edit(i, i + 1, self._choose(swaps), "number"), i + 1
        for n in (3, 2):
            key = self._phrase_key(i, n, allow_names=False)
            words = set(key.split()) if key else set()
            if words and not words <= CLOSED_CLASS and not words & NUMBER_WORDS:
                edit = self._try("phrase", i, i + n, partial(self._phrase_synonyms, i, n))
                if edit is not None:
                    return edit, i + n
        return self._word(i), i + 1

    def _word(self, i: int) -> _Edit | None:
        token = self.tokens[i]
        lower = token.text.lower()
        if not self._swappable(token) or lower in _NEVER_SWAPPED:
            return None
        if self._is_name(i):
            return self._try("sense_blind", i, i + 1, partial(self._word_synonyms, lower, True))
        synonyms = cache(partial(self._word_synonyms, lower, False))
        return (
            self._try("phrase", i, i + 1, lambda: [s for s in synonyms() if " " in s])
            or self._try("synonym", i, i + 1, lambda: [s for s in synonyms() if " " not in s])
            or self._try("loose", i, i + 1, partial(self._word_synonyms, lower, False, True))
            or self._try(
                "intensifier", i, i + 1, lambda: [f"{w} {lower}" for w in self._intensifiers(i)]
            )
        )

    def _compound(self, start: int, end: int) -> _Edit | None:
        """A hyphenated compound, tokens start..end-1: one part changes, or none."""
        parts = self.tokens[start:end]
        spelled = "-".join(t.text.lower() for t in parts)
        if spelled in WORD_TO_NUMBER and self._fires("number"):  # "twenty-five" -> "25"
            return self._edit(start, end, str(WORD_TO_NUMBER[spelled]), "number")
        if not self._fires("hyphen"):
            return None
        options = [
            (i, choices)
            for i in range(start, end)
            if self._swappable(self.tokens[i])
            and len(self.tokens[i].text) > 2  # not "e" of "e-mail" nor "co" of "co-operate"
            and self.tokens[i].text.lower() not in _NEVER_SWAPPED
            and (choices := [
                s for s in self._word_synonyms(self.tokens[i].text.lower(), True) if " " not in s
            ])
        ]
        if not options:
            return None
        i, choices = options[self.rng.randrange(len(options))]
        return self._edit(i, i + 1, self._choose(choices), "hyphen")

    # Candidates ---------------------------------------------------------------------------

    def _word_synonyms(self, lower: str, pos_blind: bool, loose: bool = False) -> list[str]:
        """Close synonyms of a word, inflected like it, most plausible first; with
        `loose`, the single words of the tail of its lists instead.

        Each reading of the word ("exports": noun or verb) contributes the
        synonyms that fit its part of speech; `pos_blind` also lets in single
        words of another part of speech where no inflection is needed
        ("Board" -> "Plank").
        """
        out: dict[str, None] = {}
        for lemma, upos, tag in readings(lower):
            if tag in _COMPARED:
                continue
            entries = self.table.entries(lemma)
            for synonym in entries[CLOSE_SYNONYMS:] if loose else entries[:CLOSE_SYNONYMS]:
                inflected = _inflect(synonym, upos, tag, pos_blind)
                if inflected and inflected != lower:
                    out.setdefault(inflected)
        return [w for w in out if " " not in w] if loose else list(out)

    def _phrase_synonyms(self, i: int, n: int) -> list[str]:
        """Synonyms of the phrase tokens[i:i+n], as written or with its head word lemmatised."""
        words = [t.text.lower() for t in self.tokens[i : i + n]]
        out: dict[str, None] = dict.fromkeys(self.table.synonyms(" ".join(words))[:CLOSE_SYNONYMS])
        # A verb phrase inflects its first word ("took part"), a noun phrase its last.
        for k, upos in ((0, "VERB"), (n - 1, "NOUN")):
            for lemma, reading, tag in readings(words[k]):
                if reading != upos or tag in UNINFLECTED:
                    continue
                head = " ".join([*words[:k], lemma, *words[k + 1 :]])
                for synonym in self.table.entries(head)[:CLOSE_SYNONYMS]:
                    inflected = _inflect(synonym, upos, tag, pos_blind=False)
                    if inflected:
                        out.setdefault(inflected)
        out.pop(" ".join(words), None)
        return list(out)

    # Helpers --------------------------------------------------------------------------------

    def _fires(self, family: str) -> bool:
        return self.rng.random() < getattr(self.rates, family)

    def _choose(self, choices: Sequence[str]) -> str:
        """One of `choices`, the first ones likelier (spinners favour their top synonyms)."""
        weights = [1.0 / (rank + 1) for rank in range(len(choices))]
        return self.rng.choices(choices, weights)[0]

    def _try(
        self, family: str, start: int, end: int, candidates: Callable[[], Sequence[str]]
    ) -> _Edit | None:
        """An edit of tokens start..end-1 by `family`, if it fires and has candidates.

        The dice are thrown first: most places stay as they are, and looking
        for candidates is what costs.
        """
        if not self._fires(family):
            return None
        choices = candidates()
        return self._edit(start, end, self._choose(choices), family) if choices else None

    def _edit(self, start: int, end: int, replacement: str, family: str) -> _Edit:
        first, last = self.tokens[start], self.tokens[end - 1]
        written = self.text[first.start : last.end]
        return _Edit(first.start, last.end, match_case(written, replacement), family)

    def _gap(self, i: int) -> str:
        """The characters between token i and token i+1."""
        return self.text[self.tokens[i].end : self.tokens[i + 1].start]

    def _compound_end(self, i: int) -> int:
        """The index after the last part of a hyphenated compound starting at i (else i+1)."""
        end = i + 1
        while end < len(self.tokens) and self._gap(end - 1) == "-":
            end += 1
        return end

    def _in_compound(self, i: int) -> bool:
        return (i > 0 and self._gap(i - 1) == "-") or self._compound_end(i) > i + 1

    def _phrase_key(self, i: int, n: int, allow_names: bool) -> str | None:
        """tokens[i:i+n] lowercased and joined, when they are n plain words apart by one space."""
        if i + n > len(self.tokens):
            return None
        for k in range(i, i + n):
            token = self.tokens[k]
            if not self._swappable(token) or (not allow_names and self._is_name(k)):
                return None
            if (k > i and self._gap(k - 1) != " ") or self._in_compound(k):
                return None
        return " ".join(t.text.lower() for t in self.tokens[i : i + n])

    def _swappable(self, token: Token) -> bool:
        """Letters only, in a case a replacement can copy, and not an acronym.

        Numbers hold other characters, so they never qualify (the number
        family has its own test); addresses are in no token.
        """
        text = token.text
        if not text.isalpha():
            return False
        if text.isupper() and len(text) > 1:
            return self.shouting
        return text.islower() or text.istitle()

    def _is_name(self, i: int) -> bool:
        """A capitalised word inside a name or title ("Reserve" in "Federal Reserve Board").

        The first word of a sentence counts only when the next word is
        capitalised too ("Federal Reserve officials said ...").
        """
        if self.shouting or not self.tokens[i].text[0].isupper():
            return False
        if i != self.first_word:
            return True
        following = self.tokens[i + 1].text if i + 1 < len(self.tokens) else ""
        return following[:1].isupper() and following.isalpha()

    def _isolated(self, token: Token) -> bool:
        """Not glued to other numbers or symbols ("9/11", "9%", "1-0", "#9")."""
        before = self.text[token.start - 1] if token.start else " "
        after = self.text[token.end : token.end + 2] or " "
        return not (before in "/-:#+" or after[0] in "/-:%+" or re.match(r"[.,]\d", after))

    def _intensifiers(self, i: int) -> tuple[str, ...]:
        """What may go before token i: a plain adjective, an -ly adverb, a participle
        after an auxiliary ("was sharply criticised"); nothing after a degree word."""
        lower = self.tokens[i].text.lower()
        previous = self.tokens[i - 1].text.lower() if i else ""
        if previous in _DEGREE_WORDS or lower in _DEGREE_WORDS:
            return ()
        found = readings(lower)
        kinds = {upos for _, upos, _ in found}
        tags = {tag for _, _, tag in found}
        if kinds == {"ADJ"} and tags == {"JJ"}:
            return _INTENSIFIERS["ADJ"]
        if kinds == {"ADV"} and lower.endswith("ly"):
            return _INTENSIFIERS["ADV"]
        # lemminflect reads "reduced" as VBD first: the participle looks the same.
        if tags & {"VBD", "VBN"} and kinds <= {"VERB", "ADJ"} and previous in _AUXILIARIES:
            return _INTENSIFIERS["VERB"]
        return ()


# Words ---------------------------------------------------------------------------------------


def _inflect(synonym: Synonym, upos: str, tag: str, pos_blind: bool) -> str | None:
    """`synonym` inflected with `tag` for a word read as `upos`, or None when it does not fit.

    A phrase inflects its head: the first word of a verb phrase ("puts
    down"), the last of a noun phrase ("motor vehicles") or the last
    before its preposition ("points of view").
    """
    words = synonym.text.split()
    if tag in UNINFLECTED:
        fits = _fits(synonym, upos) or (pos_blind and len(words) == 1)
        return synonym.text if fits else None
    if not _fits(synonym, upos):
        return None
    if upos == "VERB":
        k = 0
    else:
        k = next((j - 1 for j, w in enumerate(words) if j and w in _PREPOSITIONS), len(words) - 1)
    inflected = inflection(words[k], tag)
    if inflected is None:
        return None
    words[k] = inflected
    return " ".join(words)


def _fits(synonym: Synonym, upos: str) -> bool:
    """Whether `synonym` can stand for a word of part of speech `upos`.

    MyThes says; for Moby's synonyms, lemminflect knows single words, and a
    phrase is a verb phrase when a verb is followed by a function word
    ("bump off", "put to death"), a noun phrase when it ends in a noun.
    """
    if synonym.pos is not None:
        return synonym.pos == UPOS_TO_POS[upos]
    words = synonym.text.split()
    if len(words) == 1:
        return _is_lemma(words[0], upos)
    verb_phrase = _is_lemma(words[0], "VERB") and words[1] in CLOSED_CLASS
    if upos == "VERB":
        return verb_phrase
    if upos == "NOUN":
        return not verb_phrase and _is_lemma(words[-1], "NOUN")
    return words[0] in _PREPOSITIONS  # adverbials: "at once", "in no time"


# lemminflect deep-copies its tables on every call; the same few thousand
# words come back again and again, so remember its answers.
@cache
def _is_lemma(word: str, upos: str) -> bool:
    return word in getAllLemmas(word).get(upos, ())


def _assemble(text: str, edits: Iterable[_Edit]) -> SpunText:
    """Apply the edits (in order, never overlapping) and record where each landed."""
    pieces: list[str] = []
    substitutions: list[Substitution] = []
    position = length = 0
    for edit in sorted(edits, key=lambda e: e.start):
        pieces.append(text[position : edit.start])
        length += edit.start - position
        substitutions.append(
            Substitution(
                edit.family, edit.start, edit.end, text[edit.start : edit.end],
                length, length + len(edit.replacement), edit.replacement,
            )
        )
        pieces.append(edit.replacement)
        length += len(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return SpunText(text, "".join(pieces), tuple(substitutions))


# Pairs for training and evaluation ------------------------------------------------------------


def make_pairs(
    docs: Iterable[CorpusDoc],
    spinner: Spinner,
    unit: str = "document",
    limit: int | None = None,
) -> Iterator[dict]:
    """One record {"id", "spun", "original", "substitutions"} per document or paragraph.

    With `unit="paragraph"` ids are "<doc id>#<n>" (n counts the document's
    non-blank paragraphs from 0). Records with no substitution are kept: they
    are the clean text a detector must leave alone. `limit` caps the records.
    """
    if unit not in ("document", "paragraph"):
        raise SpinError(f"unit must be 'document' or 'paragraph', not {unit!r}")
    count = 0
    for doc in docs:
        if unit == "document":
            units = [(doc.id, doc.text)]
        else:
            paragraphs = [p for p in doc.text.split("\n\n") if p.strip()]
            units = [(f"{doc.id}#{n}", p) for n, p in enumerate(paragraphs)]
        for unit_id, text in units:
            if limit is not None and count >= limit:
                return
            yield {"id": unit_id, **spinner.spin(text).to_json()}
            count += 1


def main(argv: list[str] | None = None) -> int:
    """`python -m restore.spinner`: spin a corpus split into a JSONL file of pairs."""
    parser = argparse.ArgumentParser(
        prog="python -m restore.spinner",
        description="Spin corpus documents into JSONL records "
        '{"id", "spun", "original", "substitutions"}.',
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--split", choices=SPLITS, default="dev", help="corpus split (default dev)")
    parser.add_argument("--sources", help="comma-separated corpus sources (default: all)")
    parser.add_argument("--unit", choices=("document", "paragraph"), default="document")
    parser.add_argument("--limit", type=int, help="at most this many records")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rates", default="", help='e.g. "synonym=0.3,number=0" (default rates)')
    parser.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="synonym table")
    parser.add_argument("--out", default="-", help="output JSONL file (default stdout)")
    args = parser.parse_args(argv)

    def spin() -> None:
        spinner = Spinner.load(args.table, SpinRates.parse(args.rates), args.seed)
        sources = args.sources.split(",") if args.sources else None
        docs = iter_documents(args.shared, sources, args.split)
        lines = (
            json.dumps(record, ensure_ascii=False) + "\n"
            for record in make_pairs(docs, spinner, args.unit, args.limit)
        )
        write_text("".join(lines), args.out)

    return reported(spin, parser.prog)


if __name__ == "__main__":
    sys.exit(main())

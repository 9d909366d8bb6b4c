"""Morphology: lemmas, inflection and capitalisation, shared by spinner and restorer.

`readings(word)` gives the (lemma, universal POS, Penn tag) readings of a
lowercase word, `inflection(lemma, tag)` one form of a lemma (lemminflect does
both), and `match_case(written, replacement)` copies the capitalisation of
what was written onto what replaces it. The spinner uses them to keep a
swap's inflection and case ("Killed" -> "Murdered"); the candidate generator
to put an original back in the same form.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllInflections, getAllInflectionsOOV, getAllLemmas, getInflection
from lemminflect.core.LexicalUtils import pennTagAlts, tagToUPos

UPOS_TO_POS = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}
BASE_TAGS = {"NOUN": "NN", "VERB": "VB", "ADJ": "JJ", "ADV": "RB"}
UNINFLECTED = frozenset({"NN", "VB", "VBP", "JJ", "RB"})
_PROPER = ("NNP", "NNPS")  # lemminflect inflects proper nouns its own way


@lru_cache(maxsize=1 << 17)  # bounded: a long feed brings ever new words
def readings(lower: str) -> tuple[tuple[str, str, str], ...]:
    """(lemma, universal POS, Penn tag) for each way lemminflect can read `lower`.

    Inflected readings come first: "rose" is the past of "rise" far more often
    than it is the flower.
    """
    found = []
    for upos, lemmas in getAllLemmas(lower).items():
        if upos not in UPOS_TO_POS:
            continue
        for lemma in lemmas:
            if lemma == lower:
                found.append((lemma, upos, BASE_TAGS[upos]))
                continue
            tags = [t for t, forms in getAllInflections(lemma, upos).items() if lower in forms]
            found.extend((lemma, upos, tag) for tag in tags[:1])
    return tuple(sorted(found, key=lambda r: r[0] == lower))


@lru_cache(maxsize=1 << 17)
def inflection(lemma: str, tag: str, invent: bool = True) -> str | None:
    """`lemma` in the form `tag` asks for, or None when lemminflect knows none.

    The same as lemminflect's `getInflection`, which copies the lemma's whole
    table of forms on every call: that was a tenth of the engine's time on new
    text, so each lemma's table is read once (`tests/test_morphology.py`).
    With `invent` False, a lemma that lemminflect's dictionary has in another
    part of speech only gets None, not a form its spelling rules make up
    ("chairman" as a past tense): real copy hardly ever holds such forms.
    """
    table = _forms(lemma)
    forms = table.get(tag) or next((table[alt] for alt in pennTagAlts(tag) if table.get(alt)), None)
    if forms is None and table and not invent:
        return None
    if forms is None:  # not in lemminflect's dictionary: its spelling rules decide
        forms = (getInflection(lemma, tag) if tag in _PROPER
                 else _rule_forms(lemma, tagToUPos(tag)).get(tag))
    return forms[0] if forms else None


@lru_cache(maxsize=1 << 16)
def _forms(lemma: str) -> dict[str, tuple[str, ...]]:
    return getAllInflections(lemma)


@lru_cache(maxsize=1 << 16)
def _rule_forms(lemma: str, upos: str | None) -> dict[str, tuple[str, ...]]:
    # a small neural model picks the spelling rule, once for all forms of a lemma
    return getAllInflectionsOOV(lemma, upos)


def match_case(written: str, replacement: str) -> str:
    """`replacement` in the case of `written`: "Bought" -> "Purchased", "BOARD" -> "PLANK"."""
    if written.isupper() and len(written) > 1:
        return replacement.upper()
    if written[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement

"""Facts: would taking a reference sentence's wording change what the copy says?

A reference article can be another version of the story than the one the copy
was spun from: updated figures, added clauses, another spokesman. Spinners
change how a sentence says something (synonyms, padded phrases, spelled-out
digits), never what it says, and never its punctuation. So a difference of the
other kind shows that a person rewrote the sentence, and none of the
reference's wording can be trusted there:

- `rewritten(copy, reference)` compares the two token sequences: the reference
  has words the copy lacks altogether, the punctuation differs, or a word
  differs only in case;
- `respells_number(before, after)`: the replacement only spells the copy's
  numbers another way;
- `changes_facts(before, after, ...)` judges one replacement: it adds, alters
  or drops a figure ("2.five" -> "2.5" keeps it, "2.5" -> "4.1" does not), brings
  in or drops a name without a one-for-one counterpart ("Labour Celebration" ->
  "Labour Party" is a spinner's swap, "Stoltenberg" -> "He" is not),
  adds or removes more than a few words, or brings in a word no dictionary
  knows: spinners swap known words for known words, so a misspelling only in
  the reference is a typo of that version, not the copy's original wording.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from cdifflib import CSequenceMatcher

from restore.frequency import zipf
from restore.segmentation import Token, segment

MAX_ADDED_TOKENS = 2  # spinners seldom shorten a phrase by more; a new clause is longer
MAX_REMOVED_TOKENS = 4  # "because" -> "due to the fact that" is +4; a dropped clause is longer
EVERYDAY_ZIPF = 6.0  # capitalised words this common ("The", "He", "After") are not names

# Number words, compared as digits so that a spinner's "2.five", "thirty-one",
# "1st" or "100's" states the same figure as "2.5", "31", "first", "hundreds".
_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")
_TEENS += ("seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_ORDINALS += ("ninth", "tenth")
_MAGNITUDES = {"hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000"}
_NUMBER_WORDS = (
    {word: str(value) for value, word in enumerate(_UNITS + _TEENS)}
    | {word: str(20 + 10 * value) for value, word in enumerate(_TENS)}
    | {word: str(1 + value) for value, word in enumerate(_ORDINALS)}
    | _MAGNITUDES
    | {word + "s": value for word, value in _MAGNITUDES.items()}
)
_GROUP = re.compile(r"[^\W_]+(?:[-.,'’][^\W_]+)*")  # "2.five", "1,000", "thirty-one", "100's"
_PART = re.compile(r"\d+|[^\W\d_]+")


def rewritten(copy: tuple[str, ...], reference: tuple[str, ...]) -> bool:
    """True when the token sequences differ in a way no spinner makes them differ."""
    matcher = CSequenceMatcher(None, copy, reference, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            return True
        if tag == "equal":
            continue
        if not all(
            any(char.isalnum() for char in token) for token in copy[i1:i2] + reference[j1:j2]
        ):
            return True  # punctuation
        if {t.lower() for t in copy[i1:i2]} & {t.lower() for t in reference[j1:j2]}:
            return True  # the same word on both sides, cased differently
    return False


def changes_facts(before: str, after: str, at_start: bool = False) -> bool:
    """True when replacing `before` (copy) by `after` (reference) changes what is said.

    `at_start` says the replacement begins both sentences.
    """
    old, new = list(segment(before).tokens()), list(segment(after).tokens())
    if len(new) - len(old) > MAX_ADDED_TOKENS or len(old) - len(new) > MAX_REMOVED_TOKENS:
        return True
    said, saying = _numbers(before), _numbers(after)
    new_numbers = _values(saying, ordinals=False) - _values(said)
    lost_figures = _values(said, words=False) - _values(saying)
    if new_numbers or lost_figures:
        return True
    if _unknown(new) - _unknown(old):
        return True
    # The first word of a sentence is capitalised whether or not it is a name.
    skip = 1 if at_start else 0
    return len(_names(old[skip:])) != len(_names(new[skip:]))


def respells_number(before: str, after: str) -> bool:
    """True when `after` states the very numbers of `before`, only spelled
    another way ("10" -> "ten", "2.five" -> "2.5")."""
    said = _numbers(before)
    return (bool(said) and _values(said) == _values(_numbers(after))
            and _words(before) == _words(after))


def _words(text: str) -> list[str]:
    """The groups of `text` that are not numbers, lowercased."""
    return [group for group in _GROUP.findall(text.lower())
            if not any(p.isdigit() or p in _NUMBER_WORDS for p in _PART.findall(group))]


class _Number(NamedTuple):
    value: str  # in digits
    figure: bool  # written in digits, or a magnitude ("billion"), not spelled out
    ordinal: bool  # "first": also an everyday adjective, so never a new number by itself


def _numbers(text: str) -> list[_Number]:
    """The numbers in `text`."""
    found = []
    for group in _GROUP.findall(text.lower()):
        parts = [p for p in _PART.findall(group) if p.isdigit() or p in _NUMBER_WORDS]
        if parts:
            value = "".join(_NUMBER_WORDS.get(p, p) for p in _join_tens(parts))
            figure = any(p.isdigit() or p in _MAGNITUDES or p[:-1] in _MAGNITUDES for p in parts)
            found.append(_Number(value, figure, all(p in _ORDINALS for p in parts)))
    return found


def _join_tens(parts: list[str]) -> list[str]:
    """Join each tens word and the unit after it into one number ("thirty", "one" -> "31")."""
    joined: list[str] = []
    for part in parts:
        if joined and joined[-1] in _TENS and part in _UNITS[1:]:
            joined[-1] = str(int(_NUMBER_WORDS[joined[-1]]) + int(_NUMBER_WORDS[part]))
        else:
            joined.append(part)
    return joined


def _values(found: list[_Number], words: bool = True, ordinals: bool = True) -> Counter[str]:
    """The values of the numbers `found`, less spelled-out ones or ordinals if asked."""
    return Counter(n.value for n in found if (words or n.figure) and (ordinals or not n.ordinal))


def _unknown(tokens: list[Token]) -> set[str]:
    """The words among `tokens` that wordfreq has never seen in English."""
    return {t.norm for t in tokens if t.text.isalpha() and zipf(t.norm) == 0.0}


def _names(tokens: list[Token]) -> list[str]:
    """The capitalised words among `tokens` that are neither numbers nor everyday
    words: names, or parts of names."""
    return [
        t.text
        for t in tokens
        if t.is_word
        and t.text[0].isupper()
        and t.text.lower() not in _NUMBER_WORDS
        and zipf(t.text.lower()) < EVERYDAY_ZIPF
    ]

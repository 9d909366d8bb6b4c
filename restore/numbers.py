"""Numbers: the ways a spinner rewrites a number, and the way back.

`spun_forms(text)` takes a number as written ("9", "nine", "3.6",
"thousands") and gives what a spinner may write instead ("nine", "9",
"2.five", "100's"); the synthetic spinner draws from it. `original_forms(text)`
inverts it for the candidate generator: "2.five" -> "2.5", "100's" ->
"thousands", "1st" -> "first". One table serves both, so the restorer knows
every number swap the spinner makes and no other.
"""

from __future__ import annotations

import re
from functools import cache

ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"
)
_ORDINAL_SUFFIX = ("st", "nd", "rd") + ("th",) * 7
SCALES = ("hundred", "thousand", "million", "billion", "trillion")


def number_word(n: int) -> str:
    """0 <= n <= 99 in words: "seven", "forty-two"."""
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens - 2] + (f"-{ONES[ones]}" if ones else "")


WORD_TO_NUMBER = {number_word(n): n for n in range(100)}
NUMBER_WORDS = frozenset(WORD_TO_NUMBER) | frozenset(SCALES) | {f"{s}s" for s in SCALES}

_SWAPS: dict[str, tuple[str, ...]] = {
    **{word: (str(n),) for word, n in WORD_TO_NUMBER.items() if "-" not in word},
    **{str(n): (number_word(n),) for n in range(100)},
    **{word: (f"{n}{_ORDINAL_SUFFIX[n - 1]}",) for n, word in enumerate(ORDINALS, 1)},
    **{f"{n}{_ORDINAL_SUFFIX[n - 1]}": (word,) for n, word in enumerate(ORDINALS, 1)},
    "tens": ("10's",),
    "hundreds": ("100's",),
    "thousands": ("1000's",),
    "millions": ("1,000,000's", "hundreds of thousands"),
    "billions": ("1,000,000,000's", "1000's of millions"),
}
_DECIMAL = re.compile(r"(\d+)\.([1-9]\d?)")
_SPELLED_DECIMAL = re.compile(r"(\d+)\.([a-z]+(?:-[a-z]+)?)")


def spun_forms(text: str) -> tuple[str, ...]:
    """What a spinner may write for the number `text`; () when it is not one.

    A number with a leading zero ("09") is a code or a time, never swapped.
    """
    if text.isdigit() and text != str(int(text)):
        return ()
    swaps = _SWAPS.get(text.lower(), ())
    if swaps:
        return swaps
    decimal = _DECIMAL.fullmatch(text)
    if decimal:
        return (f"{decimal.group(1)}.{number_word(int(decimal.group(2)))}",)
    return ()


@cache
def _inverse() -> dict[str, tuple[str, ...]]:
    inverse: dict[str, list[str]] = {}
    for original, spun in _SWAPS.items():
        # "hundreds of thousands" is far more often genuine than spun: not inverted
        for form in (f for f in spun if " " not in f):
            inverse.setdefault(_compact(form), []).append(original)
    return {form: tuple(originals) for form, originals in inverse.items()}


def original_forms(text: str) -> tuple[str, ...]:
    """What a spun number `text` ("2.five", "100's", "9", "nine") may have been."""
    compact = _compact(text)
    spelled = _SPELLED_DECIMAL.fullmatch(compact)
    if spelled and spelled.group(2) in WORD_TO_NUMBER:
        return (f"{spelled.group(1)}.{WORD_TO_NUMBER[spelled.group(2)]}",)
    return _inverse().get(compact, ())


def _compact(text: str) -> str:
    """Lower case, straight apostrophes, no spaces: "100 ’s" and "100's" match."""
    return text.lower().replace("’", "'").replace(" ", "")

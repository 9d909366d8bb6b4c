"""Frequency: how common a word or phrase is, on wordfreq's Zipf scale.

`zipf(text, lang="en")` gives what `wordfreq.zipf_frequency` gives (log10 of
uses per billion words, 0 for unknown), remembered per text. Every stage asks
it: the candidate generator weighs originals by it, the ranker compares a
candidate's with the span's, the input checks use it to tell English. wordfreq
tokenises every query, which took a tenth of the engine's time on new text; a
text of plain lowercase words is read straight from wordfreq's own table,
which its tokeniser would leave those words as (`tests/test_frequency.py`
checks the two agree).
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from wordfreq import get_frequency_dict, zipf_frequency

_PLAIN = re.compile(r"[a-z]+(?: [a-z]+)*")
_LEAST = 1e-9  # wordfreq's frequency for Zipf 0, the floor it returns for unknown words


@lru_cache(maxsize=1 << 18)
def zipf(text: str, lang: str = "en", wordlist: str = "best") -> float:
    """wordfreq's Zipf frequency of `text` in `lang`."""
    if not _PLAIN.fullmatch(text):
        return zipf_frequency(text, lang, wordlist)
    table = _table(lang, wordlist)
    # wordfreq's rule for several words: 1/f = 1/f1 + 1/f2 + ...; unknown if any is
    inverse = 0.0
    for word in text.split(" "):
        frequency = table.get(word)
        if frequency is None:
            return 0.0
        inverse += 1.0 / frequency
    frequency = max(1.0 / inverse, _LEAST)
    # wordfreq keeps three significant digits, then rounds the Zipf value to two decimals
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log(frequency, 10) + 9, 2)


@cache
def _table(lang: str, wordlist: str) -> dict[str, float]:
    return get_frequency_dict(lang, wordlist)

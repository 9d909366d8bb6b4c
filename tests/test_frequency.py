"""Word frequencies: the fast path gives what wordfreq gives."""

from __future__ import annotations

import random

import pytest
from wordfreq import top_n_list, zipf_frequency

from restore.frequency import zipf


def test_plain_words_and_phrases_read_as_wordfreq_reads_them():
    words = [w for w in top_n_list("en", 20_000) if w.isalpha() and w.islower()]
    rng = random.Random(0)
    texts = rng.sample(words, 2000) + [
        " ".join(rng.sample(words, n)) for n in (2, 3) for _ in range(500)
    ]
    texts += ["qzxvwk", "seven day period", "said qzxvwk"]  # unknown words count as Zipf 0
    assert [zipf(t) for t in texts] == [zipf_frequency(t, "en") for t in texts]


@pytest.mark.parametrize("text", ["Said", "don't", "2.five", "100's", "well-known", "café",
                                  "two  spaces", ""])
def test_other_text_goes_through_wordfreq(text):
    assert zipf(text) == zipf_frequency(text, "en")


@pytest.mark.parametrize("lang", ["fr", "de", "nl"])
def test_other_languages_and_word_lists(lang):
    words = [w for w in top_n_list(lang, 3000, wordlist="small") if w.isalpha() and w.islower()]
    assert [zipf(w, lang, "small") for w in words] == [
        zipf_frequency(w, lang, wordlist="small") for w in words
    ]

"""Segmentation: offsets into the text, and the normalised forms every stage keys on."""

from __future__ import annotations

import pytest

from restore.segmentation import segment, words


@pytest.mark.parametrize("text", [
    "said", "Prime Minister", "seven day period", "US", "Mr Smith said",
    "don't", "cut-back", "2.five million", "100's", "e.g. this", "“quoted”", "Zürich",
    "two  spaces", " leading", "",
])
def test_words_are_the_norms_of_the_segmented_tokens(text):
    # `words` takes a shortcut for plain words; it must agree with the full path
    assert words(text) == [t.norm for t in segment(text).tokens()]


def test_tokens_point_into_the_text_and_norms_fold_case_quotes_and_numbers():
    text = "The 2 men’s “Talks” ran 3.5 hours."
    tokens = list(segment(text).tokens())
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.norm for t in tokens] == [
        "the", "2", "men", "'s", "“", "talks", "”", "ran", "<num>", "hours", "."]

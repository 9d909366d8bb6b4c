"""Morphology: inflection as lemminflect gives it, and case copied from the input."""

from __future__ import annotations

import random

from lemminflect import getInflection
from wordfreq import top_n_list

from restore.morphology import inflection, match_case

TAGS = ("NN", "NNS", "VB", "VBD", "VBN", "VBG", "VBZ", "VBP", "JJ", "JJR", "JJS",
        "RB", "RBR", "RBS", "NNP", "NNPS")


def test_inflection_agrees_with_lemminflect():
    words = [w for w in top_n_list("en", 30_000) if w.isalpha()]
    lemmas = [*random.Random(0).sample(words, 1500),
              "run", "go", "be", "ox", "datum", "good", "fast", "qzxvwk"]
    for lemma in lemmas:
        for tag in TAGS:
            forms = getInflection(lemma, tag)
            assert inflection(lemma, tag) == (forms[0] if forms else None), (lemma, tag)


def test_irregular_and_unknown_words_inflect():
    assert inflection("run", "VBD") == "ran"
    assert inflection("mouse", "NNS") == "mice"
    assert inflection("qzxvwk", "VBG") == "qzxvwking"  # lemminflect's rules for unknown words


def test_forms_of_another_part_of_speech_are_not_made_up_when_asked_not_to():
    # lemminflect knows "chairman" only as a noun; its rules would make "chairmaned"
    assert inflection("chairman", "VBD") == "chairmaned"
    assert inflection("chairman", "VBD", invent=False) is None
    assert inflection("chairman", "NNS", invent=False) == "chairmen"
    assert inflection("qzxvwk", "VBG", invent=False) == "qzxvwking"  # unknown: rules still apply


def test_case_follows_what_was_written():
    assert match_case("Bought", "purchased") == "Purchased"
    assert match_case("BOARD", "plank") == "PLANK"
    assert match_case("said", "remarked") == "remarked"

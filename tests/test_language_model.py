"""The n-gram model: proper probabilities, back-off, pruning, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from restore.language_model import BOS, NgramModel

CORPUS = [s.split() for s in [
    "the cat sat on the mat", "the dog sat on the log", "a cat sat on a mat",
    "the cat ate the fish", "the dog ate the bone",
]] * 3


@pytest.fixture(scope="module")
def lm() -> NgramModel:
    return NgramModel.estimate(CORPUS, order=3, min_word_count=1, min_count=1)


def _next_word_mass(lm: NgramModel, history: list[str]) -> float:
    ids = lm.encode(history)
    windows = [([*ids, v], len(ids)) for v, w in enumerate(lm.vocab) if w != BOS]
    return float(np.exp(lm.window_logprobs(windows)).sum())


@pytest.mark.parametrize("history", [["the", "cat"], ["sat", "on"], ["<s>"], ["unseen", "the"]])
def test_next_word_distribution_sums_to_one_apart_from_sentence_start(lm, history):
    # <s> is never predicted; only the uniform share it keeps is missing
    assert _next_word_mass(lm, history) == pytest.approx(1.0, abs=0.05)


def test_fluent_wording_scores_higher_than_scrambled(lm):
    good = lm.encode(["<s>", "the", "cat", "sat", "on", "the", "mat", "</s>"])
    bad = lm.encode(["<s>", "the", "mat", "sat", "on", "the", "cat", "</s>"])
    scores = lm.window_logprobs([(good, 1), (bad, 1)])
    assert scores[0] > scores[1]


def test_unknown_words_back_off_to_unk(lm):
    ids = lm.encode(["<s>", "zebra"])
    assert ids[1] == lm.ids["<unk>"]
    assert np.isfinite(lm.window_logprobs([(ids, 1)])[0])


def test_pruning_shrinks_the_model_and_keeps_scores_finite():
    full = NgramModel.estimate(CORPUS[:5], order=3, min_word_count=1, min_count=1)
    pruned = NgramModel.estimate(CORPUS[:5], order=3, min_word_count=1, min_count=2)
    assert pruned.size < full.size
    ids = pruned.encode(["<s>", "the", "cat", "sat", "on", "the", "log", "</s>"])
    assert np.isfinite(pruned.window_logprobs([(ids, 1)])[0])


def test_save_and_load_give_the_same_scores(lm, tmp_path):
    path = tmp_path / "lm.npz"
    lm.save(path)
    again = NgramModel.load(path)
    ids = lm.encode(["<s>", "the", "dog", "sat", "on", "a", "mat", "</s>"])
    assert again.window_logprobs([(ids, 1)])[0] == pytest.approx(
        lm.window_logprobs([(ids, 1)])[0], abs=0.05  # stored as float16
    )


@pytest.mark.parametrize("context", [["the"], ["sat", "on"], ["on", "the"], ["<s>", "the"]])
def test_extensions_are_the_words_stored_after_a_context_with_their_probabilities(lm, context):
    followers = {s[i + len(context)] for s in ([BOS, *s] for s in CORPUS)
                 for i in range(len(s) - len(context))
                 if s[i : i + len(context)] == context}
    ids, logp = lm.extensions(lm.encode(context))
    assert {lm.vocab[i] for i in ids} == followers
    history = lm.encode(context)
    expected = lm.window_logprobs([([*history, int(v)], len(history)) for v in ids])
    np.testing.assert_allclose(logp, expected, rtol=1e-5)


def test_a_context_never_seen_has_no_extensions(lm):
    ids, logp = lm.extensions(lm.encode(["mat", "bone"]))
    assert len(ids) == len(logp) == 0

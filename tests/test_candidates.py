"""Candidate generation: inverted thesaurus with inflection, learned pairs,
multiword spans, number rules, capitalisation."""

from __future__ import annotations

import itertools

from restore.candidates import CandidateGenerator
from restore.lexicon import MAX_ORIGINALS, Lexicon
from restore.segmentation import segment
from restore.thesaurus import Synonym, SynonymTable

TABLE = SynonymTable({
    "kill": [Synonym("murder"), Synonym("slay")],
    "hospital": [Synonym("infirmary"), Synonym("clinic")],
    "week": [Synonym("seven day period")],
    "decline": [Synonym("turn down")],
    "seller": [Synonym("shop assistant")],
    "chairman": [Synonym("chair")],
})
PAIRS = [("prior to", "before"), ("prior to", "before"), ("presently", "now")]


def _generator() -> CandidateGenerator:
    spun = ["He left prior to the vote.", "Presently it rains.", "He left before lunch."]
    return CandidateGenerator(Lexicon.build(TABLE, PAIRS, spun, [("trojan steed", "trojan horse")]))


def _options(text: str) -> dict[str, set[str]]:
    doc = segment(text)
    out: dict[str, set[str]] = {}
    for c in _generator().generate(doc):
        tokens = doc.sentences[c.sentence].tokens[c.first : c.last]
        out.setdefault(text[tokens[0].start : tokens[-1].end], set()).add(c.text)
    return out


def test_inverted_thesaurus_is_inflected_to_the_spun_form():
    options = _options("Rebels murdered two guards and shelled infirmaries.")
    assert "killed" in options["murdered"]
    assert "hospitals" in options["infirmaries"]


def test_multiword_spun_phrase_points_back_to_one_word():
    assert "week" in _options("Prices rose this seven day period.")["seven day period"]


def test_an_inflected_spun_phrase_points_back_to_the_original_in_its_form():
    options = _options("The minister turns down offers that shop assistants make.")
    assert "declines" in options["turns down"]
    assert "sellers" in options["shop assistants"]


def test_learned_pairs_and_fingerprints_are_candidates():
    options = _options("They met prior to the talks; the steed bolted.")
    assert "before" in options["prior to"]
    assert "horse" in options["steed"]
    without = _generator().lexicon.without("fingerprint")
    assert without.origins("fingerprint", "steed") == ()
    assert [o.text for o in without.origins("learned", "prior to")] == ["before"]


def test_a_forgetting_lexicon_keeps_only_the_thesaurus_of_forgotten_forms():
    names = ["".join(letters) for letters in itertools.product("abcdefghij", repeat=3)]
    table = SynonymTable({f"head{n}": [Synonym(f"spun{n}")] for n in names[:200]})
    pairs = [(f"spun{n}", f"head{n}") for n in names[:200]]
    lexicon = Lexicon.build(table, pairs, [" ".join(s for s, _ in pairs)])
    view = lexicon.forgetting(0.3, seed=1)
    forgotten = [s for s, _ in pairs if not view.origins("learned", s)]
    assert 30 <= len(forgotten) <= 90  # about 0.3 of 200
    for form in forgotten:
        assert view.substitution_rate(form) == (0, 0)
        assert [o.text for o in view.origins("thesaurus", form)] == [f"head{form[4:]}"]
    kept = next(s for s, _ in pairs if s not in forgotten)
    assert view.substitution_rate(kept) == lexicon.substitution_rate(kept) == (1, 1)
    assert lexicon.forgetting(0.3, seed=1).origins("learned", kept)  # the same forms each time
    assert lexicon.forgetting(0.0).origins("learned", forgotten[0])


def test_capitalisation_of_the_span_is_kept():
    assert "Now" in _options("Presently the city is calm.")["Presently"]
    assert "KILLED" in _options("REBELS MURDERED TWO GUARDS.")["MURDERED"]


def test_a_number_that_opens_a_sentence_is_restored_capitalised():
    # a digit has no case to copy; the sentence, quoted or not, still opens with a capital
    assert "Nine" in _options("Talks ended. 9 of the states voted.")["9"]
    assert "Nine" in _options("“9 of the states voted,” he said.")["9"]
    assert "nine" in _options("He said 9 of the states voted.")["9"]


def test_an_ordinal_in_digits_that_opens_a_name_is_restored_capitalised():
    assert "Third" in _options("Veterans of the 3rd Infantry Division met.")["3rd"]
    assert "First" in _options("He ran the 1st National Bank.")["1st"]
    assert "third" in _options("It was the 3rd week of the strike in Lyon.")["3rd"]
    # a count before a capitalised word is not a name: "12 Britons" were "twelve Britons"
    assert "twelve" in _options("Gunmen killed 12 Britons.")["12"]


def test_number_rules():
    options = _options("The fund holds 2.five million shares and 100's of bonds.")
    assert options["2.five"] == {"2.5"}
    assert options["100's"] == {"hundreds"}


def test_a_spelled_two_digit_decimal_is_one_number():
    # the hyphen must not split "1.twenty-five" into "1.twenty" (-> "1.20") and "five"
    text = "Shares rose 1.twenty-five per cent to 29.Seventy-one, then forty-five."
    assert [t.text for t in segment(text).tokens()][2:8] == [
        "1.twenty-five", "per", "cent", "to", "29.Seventy-one", ",",
    ]
    options = _options(text)
    assert options["1.twenty-five"] == {"1.25"}
    assert options["29.Seventy-one"] == {"29.71"}
    assert [t.text for t in segment(text).tokens()][-3:-1] == ["forty", "five"]  # not a decimal


def test_the_shortlist_prefers_common_originals():
    # "infirmary" tops the list of the rare "sanatorium" and is second for the
    # common "hospital": a spinner's "infirmary" is likelier a spun "hospital".
    table = SynonymTable({
        "sanatorium": [Synonym("infirmary")],
        "hospital": [Synonym("clinic"), Synonym("infirmary")],
    })
    lexicon = Lexicon.build(table, [], [])
    infirmary = lexicon.origins("thesaurus", "infirmary")
    assert [(o.text, o.count) for o in infirmary] == [("hospital", 0.5), ("sanatorium", 1.0)]
    doc = segment("The infirmary reopened.")
    shortlist = CandidateGenerator(lexicon, max_per_span=1).generate(doc)
    assert [c.text for c in shortlist] == ["hospital"]


def test_a_common_original_is_kept_however_deep_in_its_list_the_spun_word_sits():
    # Real spinners draw on the whole of a big thesaurus: "query" sits deep in
    # the list of "ask", and first in the lists of more rare heads than the
    # lexicon keeps originals for.
    rare = {"zq" + a + b: [Synonym("query")] for a, b in itertools.product("abcdefg", repeat=2)}
    assert len(rare) > MAX_ORIGINALS
    deep = [Synonym("w" + a + b) for a, b in itertools.product("abcdefghij", repeat=2)]
    lexicon = Lexicon.build(SynonymTable({**rare, "ask": [*deep, Synonym("query")]}), [], [])
    assert len(lexicon.origins("thesaurus", "query")) == MAX_ORIGINALS
    shortlist = CandidateGenerator(lexicon, max_per_span=1).generate(segment("They queried it."))
    assert [c.text for c in shortlist] == ["asked"]


def test_words_the_lexicon_does_not_know_get_no_candidates():
    assert _options("The committee met on Tuesday.") == {}


def test_candidates_within_tokens_are_those_of_the_whole_sentence_inside_them():
    doc = segment("Presently rebels murdered two guards prior to 2.five infirmaries reopened.")
    sentence = doc.sentences[0]
    generator = _generator()
    whole = [(c.first, c.last, c.text, c.evidence) for c in generator.for_sentence(0, sentence)]
    for first, last in itertools.combinations(range(len(sentence.tokens) + 1), 2):
        inside = [(c.first, c.last, c.text, c.evidence)
                  for c in generator.for_sentence(0, sentence, (first, last))]
        assert inside == [c for c in whole if first <= c[0] and c[1] <= last]


def test_a_form_seen_again_gets_the_same_candidates_as_the_first_time():
    generator = _generator()
    doc = segment("Rebels murdered two guards. Rebels murdered two guards. Murdered, they were.")
    first, second, third = ([(c.first, c.last, c.text, c.evidence)
                             for c in generator.for_sentence(i, s)]
                            for i, s in enumerate(doc.sentences))
    assert first == second and ("killed" in {text for *_, text, _ in first})
    assert {c[2] for c in third if c[:2] == (0, 1)} == {"Killed"}  # cased like this span


def test_an_original_is_only_put_in_forms_real_text_has():
    # "chairman" is a noun, so a spun verb "chaired" cannot have been "chairmaned"
    options = _options("She chaired the talks; two chairs were empty.")
    assert not any(o.startswith("chairman") for o in options.get("chaired", ()))
    assert "chairmen" in options["chairs"]


def test_phrases_are_skipped_only_when_the_lexicon_cannot_hold_them(monkeypatch):
    text = ("The minister turns down offers that shop assistants make this seven day "
            "period, prior to the vote; a trojan steed turned down two shop assistant jobs.")
    doc = segment(text)
    generator = _generator()
    skipping = [(c.sentence, c.first, c.last, c.text) for c in generator.generate(doc)]
    looking = _generator()
    monkeypatch.setattr(looking, "_may_hold", lambda phrase: True)
    assert skipping == [(c.sentence, c.first, c.last, c.text) for c in looking.generate(doc)]
    assert any(c[2] - c[1] > 1 for c in skipping)

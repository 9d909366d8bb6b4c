"""The synthetic spinner: each family fires, everything else stays byte-identical,
and the original comes back exactly from the spun text and the records."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.corpus import CorpusDoc
from restore.spinner import (
    FAMILIES,
    FUNCTION_SWAPS,
    SpinError,
    Spinner,
    SpinRates,
    SpunText,
    main,
    make_pairs,
)
from restore.thesaurus import CLOSE_SYNONYMS, Synonym, SynonymTable

OFF = SpinRates(**dict.fromkeys(FAMILIES, 0.0))
ALL = SpinRates(**dict.fromkeys(FAMILIES, 1.0))

TABLE = SynonymTable({
    "seize": [Synonym("grab", "verb")],
    "buy": [Synonym("purchase", "verb")],
    "car": [Synonym("automobile", "noun"), Synonym("motor vehicle", "noun")],
    "take part": [Synonym("participate", "verb")],
    "board": [Synonym("plank", "noun")],
    "term": [Synonym("period", "noun")],
    "cut": [Synonym("slash")],
    "strong": [Synonym("powerful", "adj"), Synonym("sturdy")],
    "report": [Synonym("account", "noun"), Synonym("describe", "verb")],
    "billion": [Synonym("million", "noun")],
    "opinion": [Synonym("point of view", "noun")],
    "two": [Synonym("deuce", "noun")],
})


def spin(text: str, seed: int = 0, **rates: float) -> SpunText:
    return Spinner(TABLE, replace(OFF, **rates), seed).spin(text)


def assert_consistent(result: SpunText) -> None:
    """Records point at the right text on both sides, and nothing else changed."""
    assert result.restore() == result.original
    original_pos = spun_pos = 0
    for sub in result.substitutions:
        assert result.original[sub.orig_start : sub.orig_end] == sub.original
        assert result.spun[sub.spun_start : sub.spun_end] == sub.spun
        assert sub.original != sub.spun
        # The stretch before each substitution is copied byte for byte.
        assert (result.original[original_pos : sub.orig_start]
                == result.spun[spun_pos : sub.spun_start])
        original_pos, spun_pos = sub.orig_end, sub.spun_end
    assert result.original[original_pos:] == result.spun[spun_pos:]


def families(result: SpunText) -> set[str]:
    return {s.family for s in result.substitutions}


def test_synonym_keeps_inflection_and_capitalisation():
    result = spin("Rebels seized two guards. Bought cars were cheap.", synonym=1.0)
    assert result.spun == "Rebels grabbed two guards. Purchased automobiles were cheap."
    assert families(result) == {"synonym"}
    assert_consistent(result)


def test_synonym_in_a_sentence_written_in_capitals():
    result = spin("THE REBELS SEIZED TWO GUARDS.", synonym=1.0)
    assert result.spun == "THE REBELS GRABBED TWO GUARDS."


def test_phrase_goes_both_ways_and_inflects_the_head_word():
    result = spin("Three cars took part in the race, opinions differ.", phrase=1.0)
    assert result.spun == "Three motor vehicles participated in the race, points of view differ."
    assert [(s.original, s.spun) for s in result.substitutions] == [
        ("cars", "motor vehicles"), ("took part", "participated"), ("opinions", "points of view")]
    assert families(result) == {"phrase"}
    assert_consistent(result)


def test_names_are_left_to_the_sense_blind_family():
    text = "The Federal Reserve Board met. The board met."
    blind = spin(text, sense_blind=1.0)
    assert blind.spun == "The Federal Reserve Plank met. The board met."
    assert families(blind) == {"sense_blind"}
    careful = spin(text, synonym=1.0)
    assert careful.spun == "The Federal Reserve Board met. The plank met."


def test_the_loose_family_reaches_past_the_close_synonyms_and_the_others_do_not():
    suffixes = ("", *"abcdefghijklmnopqrstuvwxyzabc")
    close = [Synonym(f"proclaim{suffix}", "verb") for suffix in suffixes]
    table = SynonymTable({"say": [*close[:CLOSE_SYNONYMS], Synonym("remark", "verb")]})
    text = "They said it."
    loose = Spinner(table, replace(OFF, loose=1.0)).spin(text)
    assert loose.spun == "They remarked it." and families(loose) == {"loose"}
    for seed in range(20):
        usual = Spinner(table, replace(OFF, synonym=1.0), seed).spin(text)
        assert "remarked" not in usual.spun and families(usual) == {"synonym"}


def test_number_family_rewrites_digits_and_number_words():
    text = ("Seven ships carried 2.5 million tonnes, hundreds of 12 crews, twenty-five ports, "
            "1,234 bags on 9/11 at 09 and 2021.")
    result = spin(text, number=1.0)
    assert result.spun == ("7 ships carried 2.five million tonnes, 100's of twelve crews, "
                           "25 ports, 1,234 bags on 9/11 at 09 and 2021.")
    assert families(result) == {"number"}
    assert_consistent(result)


def test_number_words_change_only_as_numbers():
    text = "Two billion cars and a two-year term."
    assert spin(text, synonym=1.0, hyphen=1.0).spun == (
        "Two billion automobiles and a two-year period.")


def test_function_family_swaps_connectives_from_its_table():
    result = spin("He left after the talks as the deal collapsed, where it began.", function=1.0)
    assert [s.original for s in result.substitutions] == ["after", "as the", "where"]
    for sub in result.substitutions:
        assert sub.family == "function"
        assert sub.spun in FUNCTION_SWAPS[sub.original]
    assert_consistent(result)


def test_function_swap_at_sentence_start_keeps_the_capital():
    result = spin("But the talks failed.", function=1.0)
    swapped = result.substitutions[0].spun
    assert swapped[0].isupper() and swapped.lower() in FUNCTION_SWAPS["but"]


def test_intensifier_goes_before_adjectives_adverbs_and_participles():
    text = "The results were strong and prices were sharply cut. Output was reduced."
    result = spin(text, intensifier=1.0)
    assert [s.original for s in result.substitutions] == ["strong", "sharply", "reduced"]
    for sub in result.substitutions:
        inserted, word = sub.spun.split(" ")
        assert word == sub.original and inserted.isalpha() and inserted.islower()
    assert_consistent(result)


def test_hyphen_family_changes_one_part_and_keeps_the_hyphen():
    result = spin("a long-term cut-back", hyphen=1.0)
    assert result.spun == "a long-period slash-back"
    assert [(s.original, s.spun) for s in result.substitutions] == [
        ("term", "period"), ("cut", "slash")]
    assert families(result) == {"hyphen"}


def test_untouchable_text_stays_byte_identical():
    text = ("“Strong cars,” said Zoë, at https://example.com/strong-cars or cars@example.org,\n"
            '  Board SEIZED 1,234 — <a href="/strong-cars" title="strong cars">naïve cars</a>'
            "\u00a0took part…\r\n\n"
            "NATO and the US report `strong cars` strong cars.")
    result = Spinner(TABLE, ALL, seed=3).spin(text)
    assert_consistent(result)
    for kept in ("https://example.com/strong-cars", "cars@example.org", "1,234", "“", "”",
                 '<a href="/strong-cars" title="strong cars">', "`strong cars`",
                 "Zoë", "naïve", "\u00a0", "…\r\n\n", "NATO", " US "):
        assert kept in result.spun
    assert result.substitutions  # the rest did change


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["Cars", "cars", "seized", "took", "part", "strong", "Board", "board", "long-term", "2.5",
     "nine", "9", "after", "as", "the", "where", "cut-back", "REPORT", "“", "”", ",", ".", "é",
     "—", "1,234", "http://x.org/a-b"]), max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t", ""]), max_size=30))
def test_any_text_comes_back_exactly(words, spaces):
    text = "".join(w + (spaces[i] if i < len(spaces) else " ") for i, w in enumerate(words))
    assert_consistent(Spinner(TABLE, ALL, seed=1).spin(text))


def test_same_seed_same_result_in_any_order_and_other_seeds_differ():
    texts = [f"Rebels seized {n} guards, reported strong cars and took part." for n in range(30)]
    default = SpinRates()
    forward = [Spinner(TABLE, default, seed=5).spin(t) for t in texts]
    backward = [Spinner(TABLE, default, seed=5).spin(t) for t in reversed(texts)][::-1]
    assert forward == backward
    other = [Spinner(TABLE, default, seed=6).spin(t) for t in texts]
    assert [r.spun for r in other] != [r.spun for r in forward]


def test_rates_of_zero_change_nothing():
    text = "Rebels seized nine guards after 2.5 cars took part in a long-term cut-back."
    result = Spinner(TABLE, OFF).spin(text)
    assert result.spun == text and result.substitutions == ()


def test_rates_parse_and_reject_bad_values():
    rates = SpinRates.parse("synonym=0.5, number=0")
    assert rates.synonym == 0.5 and rates.number == 0.0
    assert rates.function == SpinRates().function
    for spec in ("synonim=0.5", "synonym=high", "synonym=1.5"):
        with pytest.raises(SpinError):
            SpinRates.parse(spec)


def test_scaled_rates_multiply_every_family_and_stop_at_one():
    half, triple = SpinRates().scaled(0.5), SpinRates.parse("number=0.4").scaled(3)
    assert half.synonym == SpinRates().synonym / 2 and half.hyphen == SpinRates().hyphen / 2
    assert triple.number == 1.0 and triple.loose == pytest.approx(3 * SpinRates().loose)


def test_make_pairs_by_paragraph_with_a_limit():
    docs = [CorpusDoc("a/1", "a", "", "Rebels seized guards.\n\nCars took part."),
            CorpusDoc("a/2", "a", "", "Strong cars.")]
    spinner = Spinner(TABLE, ALL)
    records = list(make_pairs(docs, spinner, unit="paragraph", limit=2))
    assert [r["id"] for r in records] == ["a/1#0", "a/1#1"]
    assert [r["original"] for r in records] == ["Rebels seized guards.", "Cars took part."]
    for record in records:
        result = SpunText.from_json(json.loads(json.dumps(record)))
        assert result == spinner.spin(record["original"])
        assert_consistent(result)
    whole = list(make_pairs(docs, spinner))
    assert [r["id"] for r in whole] == ["a/1", "a/2"]


def test_from_json_rejects_a_record_without_substitutions():
    with pytest.raises(SpinError):
        SpunText.from_json({"spun": "x", "original": "x"})


def test_command_line_writes_the_split_as_jsonl(tmp_path):
    corpus = tmp_path / "shared" / "data" / "corpus"
    corpus.mkdir(parents=True)
    docs = [{"id": f"wsj/{n}", "source": "wsj", "title": "", "text": "Rebels seized guards."}
            for n in range(40)]
    (corpus / "wsj.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    TABLE.save(tmp_path / "synonyms.tsv.gz")
    out = tmp_path / "pairs.jsonl"
    args = ["--shared", str(tmp_path / "shared"), "--split", "train", "--limit", "3",
            "--table", str(tmp_path / "synonyms.tsv.gz"), "--rates", "synonym=1", "--out", str(out)]
    assert main(args) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 3
    assert all(r["spun"] == "Rebels grabbed guards." for r in records)
    first = out.read_bytes()
    assert main(args) == 0 and out.read_bytes() == first  # deterministic


def test_command_line_reports_a_missing_table(tmp_path, capsys):
    assert main(["--table", str(tmp_path / "none.tsv.gz"), "--out", str(tmp_path / "x")]) == 3
    assert "no synonym table" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()

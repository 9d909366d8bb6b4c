"""The synonym table: lookups, a reproducible compact file, and a build from
MyThes and Moby that filters, ranks and caps as documented."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from restore.thesaurus import (
    DEFAULT_TABLE,
    MAX_SYNONYMS,
    Synonym,
    SynonymTable,
    ThesaurusError,
    build_synonyms,
    main,
)

TABLE = SynonymTable({
    "rise": [Synonym("climb", "verb"), Synonym("ascent", "noun"), Synonym("climb", "noun"),
             Synonym("go up")],
    "take part": [Synonym("participate", "verb")],
})

# A miniature of each source, in its own format. "kill": two MyThes senses,
# one of them a name's; Moby lists "slay" both ways, "brook" (a creek) once.
MYTHES = """UTF-8
kill|3
(verb)|slay|murder (generic term)|resurrect (antonym)|Kill Devil (related term)
(noun)|Kill|Kill Devil Hills|town (generic term)
(verb)|stamp out|end (generic term)|resurrect (generic term)
slay|1
(verb)|kill|dispatch
zzyzxq|1
(noun)|kill
extremely long head phrase|1
(noun)|kill
"""
MOBY = "\r\n".join([
    "kill,Abel,brook,butcher,destroy,do in,murder,resurrect,slay,zzyzxq",
    "slay,butcher,destroy,do in,kill,murder",
    "murder,butcher,destroy,do in,kill,slay",
    "destroy,butcher,kill,murder,slay",
    "stream,brook,creek",
]) + "\r\n"


def write_shared(root: Path, corpus_words: str = "slay brook") -> Path:
    shared = root / "shared"
    (shared / "data" / "thesaurus" / "mythes").mkdir(parents=True)
    (shared / "data" / "thesaurus" / "moby").mkdir(parents=True)
    (shared / "data" / "corpus").mkdir(parents=True)
    (shared / "data" / "thesaurus" / "mythes" / "th_en_US_v2.dat").write_text(MYTHES)
    (shared / "data" / "thesaurus" / "moby" / "mthesaur.txt").write_text(MOBY, newline="")
    doc = {"id": "wsj/1", "source": "wsj", "title": "", "text": corpus_words}
    (shared / "data" / "corpus" / "wsj.jsonl").write_text(json.dumps(doc) + "\n")
    return shared


def test_lookups_keep_order_and_filter_by_part_of_speech():
    assert TABLE.synonyms("rise") == ("climb", "ascent", "go up")
    assert TABLE.synonyms("Rise", pos="noun") == ("ascent", "climb", "go up")
    assert TABLE.entries("take part") == (Synonym("participate", "verb"),)
    assert TABLE.synonyms("fall") == ()
    assert "RISE" in TABLE and "fall" not in TABLE and len(TABLE) == 2
    assert list(TABLE) == [("rise", ("climb", "ascent", "go up")),
                           ("take part", ("participate",))]


def test_rejects_text_the_file_format_cannot_hold():
    with pytest.raises(ValueError):
        SynonymTable({"rise": [Synonym("go|up")]})
    with pytest.raises(ValueError):
        SynonymTable({"rise": [Synonym("climb", "verbal")]})


def test_save_and_load_round_trip_byte_for_byte(tmp_path):
    TABLE.save(tmp_path / "a.tsv.gz")
    loaded = SynonymTable.load(tmp_path / "a.tsv.gz")
    assert list(loaded) == list(TABLE)
    assert loaded.entries("rise") == TABLE.entries("rise")
    loaded.save(tmp_path / "b.tsv.gz")
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()


@pytest.mark.parametrize("content", [None, b"not gzip at all", gzip.compress(b"rise\tclimb\n")])
def test_load_refuses_a_missing_or_foreign_file(tmp_path, content):
    path = tmp_path / "table.tsv.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ThesaurusError):
        SynonymTable.load(path)


def test_build_filters_and_ranks(tmp_path):
    shared = write_shared(tmp_path)
    table = SynonymTable.build(shared, vocabulary={"slay", "brook", "resurrect"})
    kill = table.entries("kill")
    texts = [s.text for s in kill]
    # MyThes synonyms first, then Moby's by similarity, then MyThes broader terms
    assert texts[:2] == ["slay", "stamp out"]
    assert texts.index("butcher") < texts.index("brook")
    assert texts.index("murder") < texts.index("end")
    assert Synonym("slay", "verb") in kill and Synonym("butcher") in kill
    assert "resurrect" not in texts  # an antonym, whatever Moby says
    assert not {"abel", "kill devil", "town", "kill devil hills"} & set(texts)  # names
    assert "zzyzxq" not in texts and "zzyzxq" not in table  # neither in corpus nor common
    assert "extremely long head phrase" not in table  # a head of four words
    assert table.synonyms("stream") == ("brook", "creek")


def test_build_caps_the_synonyms_of_a_head(tmp_path):
    shared = write_shared(tmp_path)
    many = ["w" + a + b for a, b in itertools.product("abcdefghijk", "abcdefghijklmnopqrstuvwxyz")]
    assert len(many) > MAX_SYNONYMS
    moby = shared / "data" / "thesaurus" / "moby" / "mthesaur.txt"
    moby.write_text("kill," + ",".join(many) + "\r\n")
    table = SynonymTable.build(shared, vocabulary=set(many))
    assert len(table.synonyms("kill")) == MAX_SYNONYMS


def test_build_command_writes_a_reproducible_table_and_card(tmp_path):
    shared = write_shared(tmp_path)
    assert main(["--shared", str(shared), "--out", str(tmp_path / "models")]) == 0
    first = (tmp_path / "models" / "synonyms.tsv.gz").read_bytes()
    card = (tmp_path / "models" / "synonyms.md").read_text()
    table = build_synonyms(shared, tmp_path / "models")
    assert (tmp_path / "models" / "synonyms.tsv.gz").read_bytes() == first
    assert f"| heads | {len(table):,} |" in card
    assert "slay" in SynonymTable.load(tmp_path / "models" / "synonyms.tsv.gz")


def test_build_command_reports_missing_sources(tmp_path, capsys):
    (tmp_path / "shared" / "data" / "corpus").mkdir(parents=True)
    (tmp_path / "shared" / "data" / "corpus" / "wsj.jsonl").write_text("")
    assert main(["--shared", str(tmp_path / "shared"), "--out", str(tmp_path / "m")]) != 0
    assert "thesaurus source missing" in capsys.readouterr().err


@pytest.mark.skipif(not DEFAULT_TABLE.is_file(), reason="models/synonyms.tsv.gz not built")
def test_shipped_table_is_compact_and_answers():
    assert DEFAULT_TABLE.stat().st_size < 8_000_000  # a fraction of the 150 MB for models/
    table = SynonymTable.load(DEFAULT_TABLE)
    assert len(table) > 20_000
    assert table.synonyms("kill", pos="verb")
    for head in ("kill", "report", "rise", "price", "take part", "quickly", "general"):
        synonyms = table.synonyms(head)
        assert 0 < len(synonyms) <= MAX_SYNONYMS
        assert all(s == s.lower() and len(s.split()) <= 4 for s in synonyms)

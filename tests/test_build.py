"""Building the scorer: it learns from features of models that never read its documents."""

from __future__ import annotations

import json

import pytest

from restore import build
from restore.cli import main
from restore.corpus import NEWS_SOURCES, split_of
from restore.embeddings import WordEmbeddings
from restore.errors import InputError
from restore.lexicon import Lexicon
from restore.pipeline import LEXICON_FILE
from tests.conftest import tiny_synonym_table
from tests.test_corpus import doc, write_corpus


def test_scorer_features_come_from_models_that_never_read_its_documents(tmp_path, monkeypatch):
    ids = [f"reuters/{n}" for n in range(400)]
    train = [i for i in ids if split_of(i) == "train"][:40]
    docs = [{"id": i, "source": "x", "title": "T",
             "text": f"Officials said {_word(n)} rose. {_word(n).title()} fell again."}
            for n, i in enumerate(train)]
    shared = write_corpus(tmp_path / "shared",
                          {"reuters": docs, **{source: [] for source in ("bbc", "abc", "wsj")}})
    out = tmp_path / "models"
    out.mkdir()
    tiny_synonym_table().save(out / "synonyms.tsv.gz")
    Lexicon.build(tiny_synonym_table(), [], []).save(out / LEXICON_FILE)
    monkeypatch.setattr(build, "LEXICON_DOCS", 10)
    monkeypatch.setattr(build, "SCORER_DOCS", 20)
    seen = {}

    def fit(docs, synonyms, lexicon, lm, topics, embeddings, seed, tune_share):
        seen.update(docs=docs, lm=lm, topics=topics)
        return {"threshold": 0.5}

    monkeypatch.setattr(build, "fit_on_corpus", fit)
    estimate_topics = build._estimate_topics

    def topics(documents, seed):
        seen["topic_words"] = {w for doc in documents for s in doc for w in s}
        return estimate_topics(documents, seed)

    monkeypatch.setattr(build, "_estimate_topics", topics)
    estimate_embeddings = build._estimate_embeddings

    def embeddings(documents, seed):
        seen["embedding_words"] = {w for doc in documents for s in doc for w in s}
        return estimate_embeddings(documents, seed)

    monkeypatch.setattr(build, "_estimate_embeddings", embeddings)
    build.build_scorer(shared, out)

    assert len(seen["docs"]) == 20 and json.loads((out / "scorer.json").read_text())
    words = {d["text"].split()[2] for d in docs}
    scorer_words = {text.split()[2] for text in seen["docs"]}
    for word in words:
        assert (word in seen["lm"].ids) == (word not in scorer_words)
        assert (word in seen["topic_words"]) == (word not in scorer_words)
        assert (word in seen["embedding_words"]) == (word not in scorer_words)


def _word(n: int) -> str:
    return "zq" + chr(97 + n // 26) + chr(97 + n % 26)


def test_models_read_from_the_train_split_are_saved_with_a_card(tmp_path):
    ids = [f"reuters/{n}" for n in range(200)]
    text = "Officials said the wheat harvest rose. Farmers sold the grain early."
    docs = [{"id": i, "source": "x", "title": "T", "text": text} for i in ids]
    shared = write_corpus(tmp_path / "shared", {"reuters": docs})
    out = tmp_path / "models"
    out.mkdir()
    path = build.build_embeddings(shared, out, workers=1)

    train = sum(split_of(i) == "train" for i in ids)
    again = WordEmbeddings.load(path)
    assert {"wheat", "harvest", "grain"} <= set(again.vocab)
    card = (out / "embeddings.md").read_text()
    assert f"{train} documents, {train * 13} tokens" in card  # 13 tokens a document
    assert f"**vocabulary**: {len(again.vocab)}" in card
    assert "restore build embeddings --shared ../shared" in card


def _build(args: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(["build", *args])
    except SystemExit as stop:  # a usage error
        code = stop.code
    return code, capsys.readouterr().err


def test_build_refuses_an_out_it_cannot_write_before_any_work(tmp_path, capsys):
    shared = write_corpus(tmp_path / "shared", {"reuters": [doc("reuters/1")]})
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    code, err = _build(["lm", "--shared", str(shared), "--out", str(a_file)], capsys)
    assert code == 2 and "cannot write into --out" in err and "Traceback" not in err
    code, err = _build(["topics", "--shared", str(shared), "--seed", "-1"], capsys)
    assert code == 2 and "--seed" in err


def test_build_all_checks_its_sources_before_it_replaces_anything(tmp_path, capsys):
    shared = write_corpus(tmp_path / "shared", {"reuters": [doc("reuters/1")]})  # no bbc, ...
    out = tmp_path / "models"
    code, err = _build(["all", "--shared", str(shared), "--out", str(out)], capsys)
    assert code == 2 and "unknown corpus source(s)" in err
    assert not out.exists()  # refused before anything was made


@pytest.mark.parametrize(("step", "missing"), [("lexicon", "synonyms"), ("scorer", "synonyms")])
def test_a_step_says_which_build_makes_what_it_reads(tmp_path, capsys, step, missing):
    shared = write_corpus(tmp_path / "shared", {s: [doc(f"{s}/1")] for s in NEWS_SOURCES})
    out = tmp_path / "fresh"
    code, err = _build([step, "--shared", str(shared), "--out", str(out)], capsys)
    assert code == 2 and f"`restore build {missing} --out {out}`" in err
    assert not out.exists()  # refused before the folder was made
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    code, err = _build([step, "--shared", str(shared), "--out", str(a_file)], capsys)
    assert code == 2 and "cannot write into --out" in err


def test_missing_fingerprints_are_a_clear_input_error(tmp_path):
    shared = write_corpus(tmp_path / "shared", {"reuters": [doc("reuters/1")]})
    with pytest.raises(InputError, match="spinner fingerprints"):
        build.fingerprint_phrases(shared)

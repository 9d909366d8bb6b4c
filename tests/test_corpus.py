"""The corpus reader and its fixed document-level split."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from restore.corpus import (
    DEFAULT_SHARED,
    SPLITS,
    CorpusError,
    TrainOverlap,
    iter_documents,
    news_mix,
    split_of,
)


def write_corpus(root: Path, files: dict[str, list[dict]]) -> Path:
    folder = root / "data" / "corpus"
    folder.mkdir(parents=True)
    for name, docs in files.items():
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    return root


def doc(doc_id: str, text: str = "Some text.") -> dict:
    return {"id": doc_id, "source": "x", "title": "T", "text": text}


def test_split_is_stable_and_close_to_80_10_10():
    ids = [f"reuters/{n}" for n in range(20_000)]
    counts = Counter(split_of(i) for i in ids)
    assert set(counts) == set(SPLITS)
    assert counts["train"] / len(ids) == pytest.approx(0.8, abs=0.02)
    assert counts["dev"] / len(ids) == pytest.approx(0.1, abs=0.02)
    assert counts["test"] / len(ids) == pytest.approx(0.1, abs=0.02)
    assert [split_of(i) for i in ids[:50]] == [split_of(i) for i in ids[:50]]


def test_news_comes_first_and_sources_filter(tmp_path):
    shared = write_corpus(tmp_path, {
        "wikipedia": [doc("wiki/1")], "bbc": [doc("bbc/1")], "reuters": [doc("reuters/1")],
        "state_union": [doc("sotu/1")],
    })
    assert [d.source for d in iter_documents(shared)] == [
        "reuters", "bbc", "state_union", "wikipedia"]
    only = list(iter_documents(shared, sources=["wikipedia", "bbc"]))
    assert [(d.id, d.source, d.title) for d in only] == [
        ("wiki/1", "wikipedia", "T"), ("bbc/1", "bbc", "T")]


def test_split_filter_partitions_the_documents(tmp_path):
    shared = write_corpus(tmp_path, {"abc": [doc(f"abc/{n}") for n in range(200)]})
    by_split = {s: [d.id for d in iter_documents(shared, split=s)] for s in SPLITS}
    assert sum(len(ids) for ids in by_split.values()) == 200
    for split, ids in by_split.items():
        assert ids and all(split_of(i) == split for i in ids)


def test_news_mix_takes_each_source_in_its_share(tmp_path):
    long_text = " ".join(["word"] * 60)
    ids = {name: [i for i in (f"{name}/{n}" for n in range(400)) if split_of(i) == "dev"]
           for name in ("reuters", "bbc")}
    shared = write_corpus(tmp_path, {
        name: [doc(i, long_text if n != 1 else "Too short.") for n, i in enumerate(found)]
        for name, found in ids.items()})
    mixed = news_mix(shared, "dev", 10, mix=(("reuters", 3), ("bbc", 2)))
    # 6 and 4: the first of each source, in corpus order, skipping the short one
    assert [d.id for d in mixed] == [*ids["reuters"][:1], *ids["reuters"][2:7],
                                     *ids["bbc"][:1], *ids["bbc"][2:5]]
    kept = news_mix(shared, "dev", 5, lambda text: False, mix=(("reuters", 1),))
    assert kept == []


def test_train_overlap_tells_a_refiled_story_from_a_new_one(tmp_path):
    story = ("The central bank raised its main interest rate by half a point on Tuesday, "
             "the third rise this year, and said more would follow if prices kept climbing.")
    ids = [f"reuters/{n}" for n in range(60)]
    train_id = next(i for i in ids if split_of(i) == "train")
    held_id = next(i for i in ids if split_of(i) != "train")
    shared = write_corpus(tmp_path, {"reuters": [doc(train_id, story), doc(held_id, story)]})
    overlap = TrainOverlap(shared)
    refiled = "UPDATE 1-" + story.replace("Tuesday", "Wednesday")
    new = ("Floods closed the coastal road for a second day as rescue teams reached "
           "villages cut off since the weekend storm.")
    assert overlap.share(story) == 1.0
    assert 0.5 < overlap.share(refiled) < 1.0
    assert overlap.share(new) == 0.0
    assert overlap.share("Too short to hold a run.") == 0.0


def test_text_is_read_exactly(tmp_path):
    text = "Zoë said “yes”.\n\nSecond paragraph\twith a tab."
    shared = write_corpus(tmp_path, {"bbc": [doc("bbc/1", text)]})
    assert next(iter_documents(shared)).text == text


@pytest.mark.parametrize("call", [
    lambda shared: list(iter_documents(shared / "nowhere")),
    lambda shared: list(iter_documents(shared, sources=["reuters", "nyt"])),
    lambda shared: list(iter_documents(shared, split="validation")),
])
def test_bad_requests_raise_corpus_error(tmp_path, call):
    shared = write_corpus(tmp_path, {"reuters": [doc("reuters/1")]})
    with pytest.raises(CorpusError):
        call(shared)


def test_a_broken_line_is_reported_with_its_place(tmp_path):
    shared = write_corpus(tmp_path, {"bbc": [doc("bbc/1")]})
    with (shared / "data" / "corpus" / "bbc.jsonl").open("a") as out:
        out.write('{"id": "bbc/2", "text": \n')
    with pytest.raises(CorpusError, match=r"bbc\.jsonl:2"):
        list(iter_documents(shared))


@pytest.mark.skipif(not (DEFAULT_SHARED / "data" / "corpus").is_dir(), reason="no ../shared")
def test_real_corpus_dev_split_holds_news():
    dev = list(iter_documents(DEFAULT_SHARED, sources=["reuters"], split="dev"))
    everything = sum(1 for _ in iter_documents(DEFAULT_SHARED, sources=["reuters"]))
    assert len(dev) / everything == pytest.approx(0.1, abs=0.02)
    assert all(d.source == "reuters" and d.id.startswith("reuters/") and d.text for d in dev)


def test_a_line_that_is_not_utf8_is_named(tmp_path):
    shared = write_corpus(tmp_path, {"reuters": [doc("reuters/1")]})
    with (shared / "data" / "corpus" / "reuters.jsonl").open("ab") as corpus:
        corpus.write(b'{"id": "reuters/2", "text": "caf\xe9"}\n')
    with pytest.raises(CorpusError, match=r"reuters\.jsonl:2: not UTF-8"):
        list(iter_documents(shared))

"""Reference-guided restoration on a tiny archive built in a temporary folder."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from cdifflib import CSequenceMatcher

from restore.detection import Detection
from restore.errors import InputError
from restore.hunk import Hunk, apply_hunks
from restore.lexicon import Lexicon
from restore.pipeline import Restorer
from restore.reference import ReferenceIndex, ReferenceProposer
from restore.reference.facts import changes_facts, respells_number, rewritten
from restore.reference.vetting import edited, pieces
from restore.segmentation import Token, segment
from restore.thesaurus import SynonymTable

STRIKE = """Dock workers at the port of Halvorsen walked off the job on Tuesday, halting \
shipments of grain and timber.

The union said 2.8 million tonnes of cargo were waiting to be loaded.

Port director Maria Lindqvist said the talks would resume next week.

"We want a fair deal for every worker," union leader Tomas Berg told reporters.

The strike is the first at the port in twelve years, officials said.
"""

# The same story a day later: a new figure, an added clause, new sentences, and an
# editor's rewording ("walked off the job" -> "went on strike").
STRIKE_UPDATE = """Dock workers at the port of Halvorsen went on strike on Tuesday, halting \
shipments of grain and timber.

The union said 4.1 million tonnes of cargo were waiting to be loaded.

Port director Maria Lindqvist said the talks would resume next week in the capital, with a \
mediator appointed by the government.

"We want a fair deal for every worker," union leader Tomas Berg told reporters.

Police said two people were arrested outside the main gate on Wednesday.

Shipping lines said they would send their vessels to other ports until the dispute ends.

The strike is the first at the port in twelve years, officials said.
"""

WEATHER = """Heavy rain flooded roads across the northern valleys on Sunday, and forecasters \
warned of more storms.

Rivers rose above their banks in three villages, the weather service said.

Schools will stay closed until the water recedes, local officials said.
"""

FOOTBALL = """Riverside United beat Northgate 2-1 on Saturday to move top of the league.

Striker Ana Costa scored twice in the second half after a goalless first period.

The coach said the team had worked hard all season for the result.
"""

# A spinner's work, done by hand: synonym swaps, a spelled-out digit, a
# capitalised word swapped inside a name, a word grown into a phrase.
SWAPS = {
    "workers": "employees",
    "halting": "stopping",
    "said": "remarked",
    "2.8": "2.eight",
    "loaded": "packed",
    "Port": "Harbour",
    "talks": "discussions",
    "resume": "restart",
    "week": "seven days",
    "fair": "truthful",
    "reporters": "journalists",
    "first": "preliminary",
    "officials": "administrators",
}


def spin(text: str) -> str:
    return re.sub(r"[\w.]*\w", lambda m: SWAPS.get(m.group(), m.group()), text)


# What the candidate generator knows of the spinner above: its swaps, learned.
SPINNER_LEXICON = Lexicon.build(SynonymTable({}), [(s, o) for o, s in SWAPS.items()], [])


def write_archive(folder: Path, articles: dict[str, str]) -> Path:
    """Articles named `*.txt` become text files; the others go into one JSONL file."""
    folder.mkdir(parents=True)
    lines = []
    for name, text in articles.items():
        if name.endswith(".txt"):
            (folder / name).write_text(text, encoding="utf-8")
        else:
            lines.append(json.dumps({"id": name, "title": "", "text": text}))
    if lines:
        (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReferenceIndex]:
    """One index per archive, built once for the module (the encoder loads once)."""
    root = tmp_path_factory.mktemp("archives")
    cache = root / "cache"
    contents = {
        "original": {"strike.txt": STRIKE, "weather": WEATHER, "football": FOOTBALL},
        "update": {"strike-update.txt": STRIKE_UPDATE, "weather": WEATHER, "football": FOOTBALL},
        "unrelated": {"weather": WEATHER, "football": FOOTBALL},
    }
    return {
        name: ReferenceIndex.open(write_archive(root / name, articles), cache_dir=cache)
        for name, articles in contents.items()
    }


def restore_from(
    index: ReferenceIndex, text: str, lexicon: Lexicon = SPINNER_LEXICON
) -> tuple[str, list]:
    """The text restored from `index`, and the hunks that change it."""
    proposer = ReferenceProposer(index, lexicon=lexicon)
    hunks = [h for h in proposer.propose(segment(text)) if h.changes]
    return apply_hunks(text, hunks), hunks


def test_spun_copy_is_restored_from_its_original(archives):
    spun = spin(STRIKE)
    assert spun != STRIKE
    restored, hunks = restore_from(archives["original"], spun)
    assert restored == STRIKE
    for hunk in hunks:
        assert hunk.source == "reference"
        assert hunk.meta["reference"]["doc"] == "strike.txt"
        assert 0.5 <= hunk.confidence <= 1.0
        assert hunk.meta["reference"]["similarity"] >= 0.5


def test_hunks_name_the_reference_sentence(archives):
    spun = spin(STRIKE)
    references = segment(STRIKE).sentences
    _, hunks = restore_from(archives["original"], spun)
    for hunk in hunks:
        number = hunk.meta["reference"]["sentence"]
        sentence = STRIKE[references[number].start : references[number].end]
        assert hunk.after in sentence


def test_clean_copy_gets_no_hunks(archives):
    assert restore_from(archives["original"], STRIKE)[1] == []


def test_reference_wording_is_confirmed_against_model_guesses(archives, tiny_restorer):
    """Words a trusted reference sentence shares with the copy are confirmed, so
    the pipeline drops any model-based hunk over them; where it has none, the
    model-based hunks stay."""
    spun = spin(STRIKE)
    proposed = ReferenceProposer(archives["original"]).propose(segment(spun))
    confirmed = [h for h in proposed if not h.changes]
    assert confirmed and all(h.after == h.before == spun[h.start : h.end] for h in confirmed)
    covered = sorted((h.start, h.end) for h in proposed)
    assert all(a[1] <= b[0] for a, b in pairwise(covered))
    guided = Restorer(tiny_restorer.generator, tiny_restorer.ranker, tiny_restorer.detector,
                      tiny_restorer.threshold, [ReferenceProposer(archives["original"])],
                      fill_ins=tiny_restorer.fill_ins)
    unrelated = Restorer(tiny_restorer.generator, tiny_restorer.ranker, tiny_restorer.detector,
                         tiny_restorer.threshold, [ReferenceProposer(archives["unrelated"])],
                         fill_ins=tiny_restorer.fill_ins)
    alone = tiny_restorer.analyse(spun).hunks
    assert any(h.before == "twelve" for h in alone)  # a false edit on the original wording
    assert unrelated.analyse(spun).hunks == alone
    restored = guided.analyse(spun)
    assert restored.hunks and all(h.changes and h.source == "reference" for h in restored.hunks)
    assert _differences(restored.restored(0.0), STRIKE) < _differences(spun, STRIKE)


def test_later_version_restores_wording_but_imports_no_facts(archives):
    spun = spin(STRIKE)
    restored, hunks = restore_from(archives["update"], spun)
    assert hunks
    assert all(h.meta["reference"]["doc"] == "strike-update.txt" for h in hunks)
    # wording the update shares with the original comes back ...
    assert "Dock workers at the port" in restored and "halting shipments" in restored
    assert "The strike is the first at the port in twelve years, officials said." in restored
    # ... but not its new figure, clause or sentence: sentences that say something
    # else are left alone (to the model-based restoration)
    for new in ("4.1", "mediator", "capital", "Police", "arrested", "Shipping"):
        assert new not in restored
    assert "The union remarked 2.eight million tonnes" in restored
    assert "Harbour director Maria Lindqvist remarked the discussions would restart" in restored
    assert _differences(restored, STRIKE) < _differences(spun, STRIKE)


def test_later_version_keeps_the_copys_wording_where_an_editor_changed_it(archives):
    """The update tells the story differently elsewhere, so its wording is taken
    only where a spinner could have made the copy's: "employees" is a spun
    "workers", but nothing spins "went on strike" into "walked off the job"."""
    restored, _ = restore_from(archives["update"], spin(STRIKE))
    assert "walked off the job" in restored
    assert "went on strike" not in restored
    # The same reference sentence still restores the spinner's swaps ...
    assert "Dock workers at the port of Halvorsen walked off the job on Tuesday" in restored
    # ... but not those the lexicon does not know: they are left to the models.
    knows_nothing = Lexicon.build(SynonymTable({}), [], [])
    unknown, _ = restore_from(archives["update"], spin(STRIKE), knows_nothing)
    assert "Dock employees" in unknown and "stopping shipments" in unknown
    # The true original is trusted as it is, its unknown swaps too, when the
    # lexicon knows most of them; when it knows none, the copy's wording differs
    # from the reference as an editor's would: nothing is taken, and the
    # spelled-out digit is left to the number rules.
    unknown_swaps = ("loaded", "fair", "resume")
    knows_most = Lexicon.build(
        SynonymTable({}), [(s, o) for o, s in SWAPS.items() if o not in unknown_swaps], []
    )
    assert restore_from(archives["original"], spin(STRIKE), knows_most)[0] == STRIKE
    assert restore_from(archives["original"], spin(STRIKE), knows_nothing)[1] == []


def test_a_version_an_editor_touched_inside_a_sentence_is_not_the_source(tmp_path):
    """One tense changed, no spinner's work: the reference is another version,
    so its wording is taken only where a spinner could have made the copy's, and
    the copy keeps its own tense. Its digits stay spelled out, for the number rules."""
    touched = STRIKE.replace("cargo were waiting", "cargo are waiting")
    index = ReferenceIndex.open(write_archive(tmp_path / "wire", {"strike.txt": touched}),
                                cache_dir=tmp_path / "cache")
    restored, hunks = restore_from(index, spin(STRIKE))
    assert restored == STRIKE.replace("2.8", "2.eight")
    assert hunks and all(h.meta["reference"]["doc"] == "strike.txt" for h in hunks)


@pytest.mark.parametrize(
    ("before", "after", "originals", "expected"),
    [
        # an editor's "well over" inside a spinner's "fifty-one" -> "51"
        ("outright more than fifty-one", "well over 51", {(3, 5): {"51"}},  # "fifty", "one"
         [("outright more than", "well over", False), ("fifty-one", "51", True)]),
        ("3 months", "three years", {(0, 1): {"three"}},
         [("3", "three", True), ("months", "years", False)]),
        # a phrase swapped whole, a padded-in word dropped, shared words kept
        ("due to the fact that", "because", {(0, 4): {"because"}},
         [("due to the fact", "because", True), (" that", "", False)]),
        ("very big deal", "big deal", {(0, 1): {""}}, [("very ", "", True)]),
        ("citizens", "voters", {(0, 1): {"", "voters"}}, [("citizens", "voters", True)]),
    ],
)
def test_pieces_a_spinner_could_have_made(before, after, originals, expected):
    tokens = segment(before).sentences[0].tokens
    hunk = Hunk(0, len(before), before, after, 0.9, source="reference")
    known = {span: frozenset(texts) for span, texts in originals.items()}
    split = pieces(before, hunk, tokens, known)
    assert [(p.before, p.after, spun) for p, spun in split] == expected
    for piece, _ in split:
        assert before[piece.start : piece.end] == piece.before
        assert piece.source == "reference" and piece.confidence == 0.9


@pytest.mark.parametrize(
    ("before", "after", "spun", "expected"),
    [
        ("were", "are", False, True),  # a tense: closed-class words only
        ("had", "have", False, True),
        ("that", "which", False, True),
        ("that", "which", True, False),  # the lexicon knows this swap: a spinner's
        (" branding", "", False, False),  # one word: padding a spinner may do
        (" against", "", False, False),
        (" fact that", "", False, False),  # what a long phrase's swap leaves
        (" of the remaining stake", "", False, True),  # content cut: an editor's
        (" of the remaining stake", "", True, False),
        ("paths", "ways", False, False),  # content words: a swap the lexicon lacks
        ("somebody", "self", False, False),
    ],
)
def test_edited_tells_a_persons_rewording(before, after, spun, expected):
    piece = Hunk(0, len(before), before, after, 0.9, source="reference")
    assert edited([(piece, spun)]) is expected


def test_words_the_detector_clears_keep_their_wording(archives):
    """A version's wording differs from the copy's source where an editor, not a
    spinner, changed it; given the pipeline's detection, words it scores as
    clean are not replaced."""
    spun = spin(STRIKE)
    document = segment(spun)
    everywhere = ReferenceProposer(archives["original"]).propose(document)

    def detection(scores: Callable[[Token], float]) -> Detection:
        return Detection([np.asarray([scores(t) for t in s.tokens]) for s in document.sentences],
                         np.ones(len(document.sentences)), 1.0)

    cleared = {"halting", "stopping"}
    gated = ReferenceProposer(archives["original"]).propose(
        document, detection(lambda t: 0.0 if t.norm in cleared else 0.5)
    )
    assert [h for h in everywhere if h.before != "stopping"] == gated
    assert len(gated) == len(everywhere) - 1
    none = ReferenceProposer(archives["original"]).propose(document, detection(lambda t: 0.0))
    assert none and not any(h.changes for h in none)


def test_unrelated_archive_gives_no_hunks(archives):
    assert restore_from(archives["unrelated"], spin(STRIKE))[1] == []


def test_index_is_kept_beside_the_archive_and_rebuilt_when_it_changes(tmp_path):
    archive = write_archive(tmp_path / "wire", {"weather.txt": WEATHER})
    first = ReferenceIndex.open(archive)
    stored = tmp_path / ".wire.restore-index" / "manifest.json"
    assert stored.is_file()
    written = stored.stat().st_mtime_ns
    assert len(ReferenceIndex.open(archive)) == len(first) == 1
    assert stored.stat().st_mtime_ns == written  # loaded, not rebuilt

    (archive / "strike.txt").write_text(STRIKE, encoding="utf-8")
    changed = ReferenceIndex.open(archive)
    assert len(changed) == 2
    assert changed.search(spin(STRIKE), k=1)[0].id == "strike.txt"


def test_a_single_jsonl_file_is_an_archive(tmp_path):
    archive = write_archive(tmp_path / "wire", {"strike": STRIKE, "weather": WEATHER})
    index = ReferenceIndex.open(archive / "wire.jsonl", cache_dir=tmp_path / "cache")
    assert [a.id for a in index.search(spin(STRIKE), k=2)] == ["strike", "weather"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (None, "no such file"),
        ({}, "holds no articles"),
        ({"notes.md": "# not an article\n"}, "holds no articles"),
        ({"empty.txt": ""}, "only empty files"),
        ({"latin1.txt": "caf\xe9 au lait".encode("latin-1")}, "not UTF-8"),
        ({"wire.jsonl": b'{"id": "a", "text": "fine"}\n{"title": "no text"}\n'}, "wire.jsonl:2"),
        ({"wire.jsonl": b"not json\n"}, "wire.jsonl:1"),
        ({"wire.jsonl": b'{"id": "a", "text": 42}\n'}, "wire.jsonl:1"),
        ({"wire.jsonl": b"[" * 100_000 + b"\n"}, "wire.jsonl:1"),
    ],
)
def test_bad_archive_is_a_clear_input_error(tmp_path, files, message):
    archive = tmp_path / "archive"
    if files is not None:
        archive.mkdir()
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode()
            (archive / name).write_bytes(data)
    with pytest.raises(InputError, match=re.escape(message)):
        ReferenceIndex.open(archive, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(
    ("before", "after", "changes"),
    [
        ("remarked", "said", False),
        ("2.eight", "2.8", False),  # a spelled-out digit: the same figure
        ("thirty-one", "31", False),
        ("100's", "hundreds", False),
        ("1st", "first", False),
        ("seven day period", "week", False),
        ("due to the fact that", "because", False),
        ("Celebration", "Party", False),  # a spinner's swap inside a name
        ("2.eight", "4.1", True),  # another figure
        ("2", "", True),  # a figure the copy gives would go
        ("billion", "mln", True),
        ("the minister", "the minister and his deputy Ann Ek", True),  # a clause
        ("officials", "Lindqvist", True),  # a name out of nowhere
        ("Lindqvist", "he", True),  # a name gone
        ("outlay", "expediture", True),  # a typo of the reference's version
        ("wide approcah", "broad approach", False),  # a typo of the copy's own
    ],
)
def test_changes_facts(before, after, changes):
    assert changes_facts(before, after) is changes


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("10", "ten", True),
        ("2.eight", "2.8", True),
        ("1st", "first", True),
        ("10", "11", False),
        ("2.eight million", "2.8 million", True),
        ("10 farms", "ten farms", True),
        ("10 farms", "ten banks", False),  # a word swapped beside it
        ("farms", "banks", False),  # no number at all
    ],
)
def test_respells_number(before, after, expected):
    assert respells_number(before, after) is expected


def test_changes_facts_ignores_the_capital_that_starts_a_sentence():
    assert changes_facts("Administrators remarked", "Officials said", at_start=True) is False


@pytest.mark.parametrize(
    ("copy", "reference", "expected"),
    [
        ("the union remarked it .", "the union said it .", False),
        ("the union remarked it .", "the union said it , again .", True),  # punctuation
        ("the union remarked it .", "the union said it today .", True),  # words added
        ("the Union said it .", "the union said it .", True),  # case only
    ],
)
def test_rewritten(copy, reference, expected):
    assert rewritten(tuple(copy.split()), tuple(reference.split())) is expected


def _differences(text: str, original: str) -> int:
    """Tokens of `text` that are not in place in `original` (a rough word error count)."""
    ours = [t.text for t in segment(text).tokens()]
    theirs = [t.text for t in segment(original).tokens()]
    matched = sum(b.size for b in CSequenceMatcher(None, ours, theirs).get_matching_blocks())
    return max(len(ours), len(theirs)) - matched


def test_an_index_that_cannot_be_saved_is_said_once_built(tmp_path, capsys, monkeypatch):
    archive = write_archive(tmp_path / "wire", {"weather.txt": WEATHER})

    def refuse(self, place, fingerprint):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ReferenceIndex, "_save", refuse)
    assert len(ReferenceIndex.open(archive)) == 1  # still usable, from memory
    assert "could not be saved" in capsys.readouterr().err

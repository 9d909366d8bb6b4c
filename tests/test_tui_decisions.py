"""The review's pure state: verdicts, undo, restored text, decisions file."""

from __future__ import annotations

import json
import stat
from dataclasses import replace

import pytest

from restore import Analysis, Hunk
from restore.analysis import SentenceScore
from restore.errors import InputError
from restore.segmentation import segment
from tui.decisions import Decision, Decisions, DecisionsFileError, ReviewFiles, Verdict

TEXT = (
    "Markets fell sharply on Tuesday after the central bank remarked presently that rates "
    "would rise for a third seven day period in a row.\n\n"
    'The governor told reporters the choice was "troublesome however vital", adding that '
    "inflation had climbed to 4.two per cent, its highest level in a decade.\n\n"
    "Investors had expected a pause. Shares in lenders slipped, while the currency gained "
    "against the dollar. Analysts commented the move would weigh on borrowers already "
    "struggling with higher costs.\n"
)

# (before, after, confidence, alternatives), in text order.
PROPOSALS = [
    ("remarked presently", "said today", 0.92, ("said on Tuesday", "noted today")),
    ("seven day period", "week", 0.88, ()),
    ("troublesome however vital", "difficult but necessary", 0.64, ("hard but vital",)),
    ("4.two", "4.2", 0.97, ()),
    ("gained", "rose", 0.35, ()),
    ("commented", "said", 0.55, ("announced", "argued")),
    ("struggling", "coping", 0.2, ()),
]


def sample_hunks(text: str = TEXT) -> list[Hunk]:
    """The PROPOSALS as hunks over `text`."""
    hunks = []
    for before, after, confidence, alternatives in PROPOSALS:
        start = text.index(before)
        hunks.append(Hunk(start, start + len(before), before, after, confidence, alternatives))
    return hunks


# The detector's score of each of TEXT's five sentences: the last, with "commented", is the
# likeliest spun; the third ("Investors had expected a pause.") has no hunk.
SENTENCE_SCORES = (0.97, 0.91, 0.12, 0.30, 0.99)


def sample_sentences(text: str = TEXT) -> list[SentenceScore]:
    return [SentenceScore(s.start, s.end, score)
            for s, score in zip(segment(text).sentences, SENTENCE_SCORES, strict=True)]


def sample_analysis(text: str = TEXT) -> Analysis:
    return Analysis(text=text, spin_score=0.8, sentences=sample_sentences(text),
                    hunks=sample_hunks(text))


def test_a_new_review_is_all_pending_and_restores_nothing():
    decisions = Decisions(TEXT, sample_hunks())
    assert decisions.pending == len(PROPOSALS)
    assert decisions.restored() == TEXT
    assert not decisions.unsaved


def test_each_kind_of_decision_changes_only_its_span():
    decisions = Decisions(TEXT, sample_hunks())
    decisions.accept(0)
    decisions.reject(1)
    decisions.choose(2, 0)
    decisions.edit(3, "4.20")
    assert [decisions[i].verdict for i in range(4)] == [
        Verdict.ACCEPTED,
        Verdict.REJECTED,
        Verdict.ALTERNATIVE,
        Verdict.EDITED,
    ]
    expected = (
        TEXT.replace("remarked presently", "said today")
        .replace("troublesome however vital", "hard but vital")
        .replace("4.two", "4.20")
    )
    assert decisions.restored() == expected
    assert decisions.pending == len(PROPOSALS) - 4
    assert decisions.unsaved


def test_an_edit_to_nothing_deletes_the_span():
    decisions = Decisions(TEXT, sample_hunks())
    decisions.edit(0, "")
    assert decisions.restored() == TEXT.replace("remarked presently", "")


def test_choosing_a_missing_alternative_raises_and_changes_nothing():
    decisions = Decisions(TEXT, sample_hunks())
    with pytest.raises(IndexError):
        decisions.choose(1, 0)
    assert decisions[1].verdict is Verdict.PENDING
    assert decisions.undo() == []


def test_accept_above_takes_pending_hunks_at_or_over_the_threshold_in_one_undo_step():
    decisions = Decisions(TEXT, sample_hunks())
    decisions.reject(0)  # 0.92, already decided: must stay rejected
    assert decisions.accept_above(0.88) == [1, 3]
    assert decisions[0].verdict is Verdict.REJECTED
    assert decisions.undo() == [1, 3]
    assert decisions[1].verdict is decisions[3].verdict is Verdict.PENDING
    assert decisions[0].verdict is Verdict.REJECTED


def test_undo_walks_back_one_decision_at_a_time():
    decisions = Decisions(TEXT, sample_hunks())
    decisions.accept(0)
    decisions.edit(0, "said")
    assert decisions.undo() == [0]
    assert decisions[0] == Decision(Verdict.ACCEPTED, "said today")
    assert decisions.undo() == [0]
    assert decisions[0].verdict is Verdict.PENDING
    assert decisions.undo() == []


def test_next_pending_wraps_round_and_stops_when_all_are_decided():
    decisions = Decisions(TEXT, sample_hunks())
    for i in (0, 1, 2, 4, 5, 6):
        decisions.accept(i)
    assert decisions.next_pending(3) == 3  # only itself is left, found after wrapping
    assert decisions.next_pending(5) == 3
    decisions.reject(3)
    assert decisions.next_pending(0) is None


def test_the_worst_sentence_s_pending_hunks_come_first():
    decisions = Decisions(TEXT, sample_hunks(), sentences=sample_sentences())
    assert [decisions.sentence_of(i).score for i in range(len(PROPOSALS))] == [
        0.97, 0.97, 0.91, 0.91, 0.30, 0.99, 0.99]
    assert decisions.worst_pending() == 5  # "commented", first of the 0.99 sentence
    decisions.reject(5)
    assert decisions.worst_pending() == 6
    decisions.accept(6)
    assert decisions.worst_pending() == 0  # then the 0.97 sentence
    for index in range(len(PROPOSALS)):
        decisions.accept(index)
    assert decisions.worst_pending() is None
    # Without sentence scores it is simply the first pending hunk.
    unscored = Decisions(TEXT, sample_hunks())
    unscored.accept(0)
    assert unscored.sentence_of(1) is None and unscored.worst_pending() == 1


def test_overlapping_or_misplaced_hunks_are_refused():
    hunks = sample_hunks()
    start, end = hunks[0].start + 2, hunks[0].end + 3
    overlapping = Hunk(start, end, TEXT[start:end], "x", 0.5)
    with pytest.raises(ValueError, match="overlapping"):
        Decisions(TEXT, [hunks[0], overlapping])
    with pytest.raises(ValueError, match="expects"):
        Decisions(TEXT, [Hunk(0, 5, "Money", "x", 0.5)])


def test_save_writes_restored_text_and_decisions_and_load_resumes(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    files = ReviewFiles.beside(article)
    decisions = Decisions(TEXT, sample_hunks(), sentences=sample_sentences())
    decisions.accept(0)
    decisions.choose(5, 1)
    decisions.save(files)

    assert not decisions.unsaved
    assert article.read_text(encoding="utf-8") == TEXT
    assert files.restored.read_text(encoding="utf-8") == decisions.restored()
    saved = json.loads(files.decisions.read_text(encoding="utf-8"))
    assert saved["input"] == "article.txt"
    assert [h["decision"] for h in saved["hunks"]][:6] == [
        "accepted",
        "pending",
        "pending",
        "pending",
        "pending",
        "alternative",
    ]
    assert saved["hunks"][5]["final"] == "argued"
    assert set(tmp_path.iterdir()) == {article, files.restored, files.decisions}  # no temp files

    resumed = Decisions.load(files.decisions, TEXT)
    assert resumed is not None
    assert [resumed[i] for i in range(len(resumed))] == [
        decisions[i] for i in range(len(decisions))
    ]
    assert resumed.hunks == decisions.hunks
    assert resumed.sentences == sample_sentences()
    assert resumed.restored() == decisions.restored()
    assert not resumed.unsaved


def test_a_decisions_file_without_sentence_scores_still_resumes(tmp_path):
    # Files saved before the scores were kept have no "sentences".
    files = ReviewFiles.beside(tmp_path / "article.txt")
    decisions = Decisions(TEXT, sample_hunks(), sentences=sample_sentences())
    decisions.accept(2)
    document = decisions.to_json("article.txt")
    del document["sentences"]
    files.decisions.write_text(json.dumps(document), encoding="utf-8")
    resumed = Decisions.load(files.decisions, TEXT)
    assert resumed.sentences == [] and resumed[2].verdict is Verdict.ACCEPTED
    assert resumed.worst_pending() == 0


def test_decisions_for_another_text_are_not_resumed(tmp_path):
    files = ReviewFiles.beside(tmp_path / "article.txt")
    Decisions(TEXT, sample_hunks()).save(files)
    assert Decisions.load(files.decisions, TEXT.replace("Tuesday", "Monday")) is None


@pytest.mark.parametrize(
    "content",
    ["not json", "[1, 2]", '{"format": "something else"}', '{"format": "restore-decisions/1"}'],
)
def test_an_unreadable_decisions_file_raises_a_clear_error(tmp_path, content):
    path = tmp_path / "article.decisions.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DecisionsFileError, match=r"article\.decisions\.json"):
        Decisions.load(path, TEXT)


def test_the_review_of_a_private_file_is_saved_private(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    article.chmod(0o600)
    files = ReviewFiles.beside(article)
    Decisions(TEXT, sample_hunks()).save(files)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (files.restored, files.decisions)} == {0o600}


def test_a_reference_hunk_keeps_its_archive_through_save_and_resume(tmp_path):
    files = ReviewFiles.beside(tmp_path / "article.txt")
    hunks = sample_hunks()
    archive = {"doc": "archive/markets.txt", "sentence": 1, "similarity": 0.93}
    hunks[0] = replace(hunks[0], source="reference:archive/markets.txt#1",
                       meta={"reference": archive})
    Decisions(TEXT, hunks).save(files)
    resumed = Decisions.load(files.decisions, TEXT)
    assert resumed.hunks[0].meta == {"reference": archive}
    resumed.accept(0)
    resumed.save(files)  # and it stays through the next save
    document = json.loads(files.decisions.read_text(encoding="utf-8"))
    assert document["hunks"][0]["reference"] == archive
    assert "reference" not in document["hunks"][1]


def test_a_tampered_hunk_in_a_matching_file_raises_a_clear_error(tmp_path):
    files = ReviewFiles.beside(tmp_path / "article.txt")
    Decisions(TEXT, sample_hunks()).save(files)
    document = json.loads(files.decisions.read_text(encoding="utf-8"))
    document["hunks"][0]["before"] = "something else"
    files.decisions.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DecisionsFileError, match="damaged"):
        Decisions.load(files.decisions, TEXT)


def test_line_endings_survive_a_save(tmp_path):
    text = TEXT.replace("\n", "\r\n")
    files = ReviewFiles.beside(tmp_path / "article.txt")
    decisions = Decisions(text, sample_hunks(text))
    decisions.accept(3)
    decisions.save(files)
    assert files.restored.read_bytes() == text.replace("4.two", "4.2").encode("utf-8")


def test_saved_files_sit_beside_the_input_or_at_the_given_output(tmp_path):
    article = tmp_path / "story.txt"
    files = ReviewFiles.beside(article)
    assert files.restored == tmp_path / "story.restored.txt"
    assert files.decisions == tmp_path / "story.txt.decisions.json"
    other = tmp_path / "out" / "clean.txt"
    assert ReviewFiles.beside(article, other).restored == other


def test_files_that_share_a_stem_keep_reviews_of_their_own(tmp_path):
    text, markdown = ReviewFiles.beside(tmp_path / "story.txt"), ReviewFiles.beside(
        tmp_path / "story.md")
    assert markdown.restored == tmp_path / "story.restored.md"
    assert {text.restored, text.decisions}.isdisjoint({markdown.restored, markdown.decisions})


def test_a_suffix_less_input_keeps_a_review_of_its_own(tmp_path):
    bare, text = ReviewFiles.beside(tmp_path / "story"), ReviewFiles.beside(tmp_path / "story.txt")
    assert bare.restored == tmp_path / "story.restored"
    assert bare.decisions == tmp_path / "story.decisions.json"
    assert {bare.restored, bare.decisions}.isdisjoint({text.restored, text.decisions})


@pytest.mark.parametrize("output", ["story.txt", "story.txt.decisions.json"])
def test_the_output_may_be_neither_the_input_nor_its_decisions(tmp_path, output):
    with pytest.raises(InputError, match="another file"):
        ReviewFiles.beside(tmp_path / "story.txt", tmp_path / output)


@pytest.mark.parametrize(("output", "problem"), [
    ("folder", "folder is a folder"), ("missing/out.txt", "missing is not a folder"),
])
def test_an_output_that_cannot_be_written_is_refused_before_the_review(tmp_path, output,
                                                                        problem):
    (tmp_path / "folder").mkdir()
    files = ReviewFiles.beside(tmp_path / "story.txt", tmp_path / output)
    with pytest.raises(InputError, match=f"{problem}; choose another -o"):
        files.check_writable()
    ReviewFiles.beside(tmp_path / "story.txt").check_writable()  # beside the input: fine

"""Evaluation metrics, checked against values worked out by hand on a fake engine."""

from __future__ import annotations

import json
import re

import pytest

from restore.analysis import Analysis, SentenceScore, fails
from restore.diffing import diff_hunks
from restore.errors import InputError
from restore.evaluation import (
    NO_GROUP,
    Comparison,
    EvalReport,
    evaluate,
    read_baseline,
    read_grouped_pairs,
    read_pairs,
    spread,
    suggestion_is_right,
)
from restore.hunk import Hunk
from restore.segmentation import segment

THRESHOLD = 0.5
UNGATED = 0.0  # apply edits whatever the document's spin score (SPUN_2 scores 0.3)

SPUN_1 = "The bank remarked on Friday that earnings climbed. Shares were flat."
ORIGINAL_1 = "The bank said on Friday that profits rose. Shares were flat."
SPUN_2 = "The ballot was held in the third month."
ORIGINAL_2 = "The vote was held in March."
PAIRS = [(SPUN_1, ORIGINAL_1), (SPUN_2, ORIGINAL_2)]


def _analysis(text: str, scores: list[float], edits=()) -> Analysis:
    """An Analysis of `text`: one score per sentence, a hunk per (before, after, confidence)."""
    hunks = []
    for before, after, confidence in edits:
        start = text.index(before)
        hunks.append(Hunk(start, start + len(before), before, after, confidence))
    sentences = [
        SentenceScore(s.start, s.end, score)
        for s, score in zip(segment(text).sentences, scores, strict=True)
    ]
    return Analysis(text, max(scores), sentences, hunks=sorted(hunks, key=lambda h: h.start))


# Pair 1 is restored correctly, but in three hunks where the gold alignment has
# two ("earnings climbed" -> "profits rose"); the low-confidence hunk is not
# applied. Pair 2 gets one edit right and one wrong. On the clean originals the
# engine makes one false edit. The second sentence of SPUN_1 was not spun, so it
# must count neither as a positive nor as a negative, whatever its score.
FAKE = {
    SPUN_1: _analysis(
        SPUN_1,
        [0.9, 0.99],
        [
            ("bank", "lender", 0.2),
            ("remarked", "said", 0.9),
            ("earnings", "profits", 0.8),
            ("climbed", "rose", 0.7),
        ],
    ),
    SPUN_2: _analysis(SPUN_2, [0.3], [("ballot", "vote", 0.9), ("the third month", "April", 0.6)]),
    ORIGINAL_1: _analysis(ORIGINAL_1, [0.5, 0.2], [("bank", "lender", 0.2), ("rose", "grew", 0.9)]),
    ORIGINAL_2: _analysis(ORIGINAL_2, [0.1]),
}


def test_documents_that_look_clean_get_only_their_near_certain_edits():
    gated, ungated = (evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, gate) for gate in (0.5, UNGATED))
    # SPUN_2 scores 0.3, under even odds of being spun: only its near-certain edit
    # (ballot/vote, 0.9) is applied, so the third month/March (3 token errors) stays;
    # pair 1 (0.99) is restored as before.
    assert (gated.output_errors, ungated.output_errors) == (3, 1)
    assert gated.system_edits == ungated.system_edits - 1
    assert gated.clean_edits == ungated.clean_edits == 1  # ORIGINAL_1 scores 0.5: at the gate


def test_metrics_match_hand_computed_values():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    assert report.documents == 2
    # Tokens of the originals: 13 + 7. Spun: 3 substitutions in pair 1; in pair 2
    # ballot/vote plus "the third month"/"March" (1 substitution, 2 insertions).
    # Restored: only April/March is left.
    assert (report.reference_tokens, report.input_errors, report.output_errors) == (20, 7, 1)
    assert report.wer_input == pytest.approx(7 / 20)
    assert report.wer_output == pytest.approx(1 / 20)
    assert report.wer_reduction == pytest.approx(1 - 1 / 7)
    # Gold: 2 + 2 edits. Made: pair 1's three hunks realign to its two gold edits;
    # pair 2 makes "ballot" -> "vote" (right) and "the third month" -> "April" (wrong).
    assert (report.gold_edits, report.system_edits, report.correct_edits) == (4, 4, 3)
    assert report.precision == pytest.approx(0.75)
    assert report.recall == pytest.approx(0.75)
    assert report.f05 == pytest.approx(0.75)
    # Clean: 11 + 6 words, one applied edit ("rose" -> "grew").
    assert (report.clean_words, report.clean_edits) == (17, 1)
    assert report.clean_edits_per_1000_words == pytest.approx(1000 / 17)
    # Positives 0.9 and 0.3, negatives 0.5, 0.2, 0.1: 5 of 6 pairs ordered right.
    assert report.sentence_auc == pytest.approx(5 / 6)
    assert report.words == 11 + 8 + 17
    assert report.words_per_second > 0


def test_each_group_gets_the_figures_of_its_own_pairs():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED, groups=["wire", "feed"])
    wire, feed = report.groups["wire"], report.groups["feed"]
    # Pair 1 alone: 3 substitutions, all restored; its gold edits realign to two.
    assert (wire.documents, wire.input_errors, wire.output_errors) == (1, 3, 0)
    assert (wire.gold_edits, wire.system_edits, wire.correct_edits) == (2, 2, 2)
    assert (wire.clean_words, wire.clean_edits) == (11, 1)
    # Pair 2 alone: "the third month" -> "April" is the one error left and the one wrong edit.
    assert (feed.input_errors, feed.output_errors, feed.correct_edits) == (4, 1, 1)
    assert feed.precision == 0.5
    # Positive 0.9 against negatives 0.5 and 0.2; positive 0.3 against negative 0.1.
    assert (wire.sentence_auc, feed.sentence_auc) == (1.0, 1.0)
    # The pooled figures are those of both, as without groups.
    pooled = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    timing = {"groups": {}, "seconds": 0, "words_per_second": 0}
    assert report.to_json() | timing == pooled.to_json() | timing
    assert report.input_errors == wire.input_errors + feed.input_errors


def test_groups_are_listed_in_json_and_text():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED, groups=["wire", "wire"])
    data = report.to_json()
    assert list(data["groups"]) == ["wire"]
    assert data["groups"]["wire"]["edit_f05"] == data["edit_f05"]
    assert "groups" not in evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED).to_json()
    last = report.to_text().splitlines()[-1].split()
    assert last[0] == "wire" and last[1] == "2" and "0.7500" in last


def test_documents_fail_as_restore_score_fails_them():
    # Spin scores: SPUN_1 0.99, SPUN_2 0.3; ORIGINAL_1 0.5, ORIGINAL_2 0.1.
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    assert (report.failed(1), report.failed(0)) == (1, 0)  # 0.5 is at the gate, not above
    low = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED, fail_above=0.2,
                   groups=["wire", "feed"])
    assert (low.failed(1), low.failed(0)) == (2, 1)
    assert (low.groups["wire"].failed(0), low.groups["feed"].failed(0)) == (1, 0)
    # 0.99 is above both originals, 0.3 above 0.1 only: 3 of 4 orderings right.
    assert report.document_auc == pytest.approx(0.75)
    data = report.to_json()
    assert (data["spun_failed"], data["clean_failed"], data["fail_above"]) == (1, 0, 0.5)
    assert (data["spun_documents_failed"], data["document_roc_auc"]) == (0.5, 0.75)
    assert "2 of 2 above 0.2" in low.to_text() and "1 of 2 above 0.2" in low.to_text()


def test_a_score_that_prints_as_the_gate_passes_it_in_eval_and_score_alike():
    # `restore score` prints 4 decimals: 0.50004 reads 0.5, so it must pass a 0.5 gate.
    report = EvalReport(document_labels=[1, 1, 0], document_scores=[0.50004, 0.50006, 0.5])
    assert [fails(s, 0.5) for s in report.document_scores] == [False, True, False]
    assert (report.failed(1, 0.5), report.failed(0, 0.5)) == (1, 0)


def test_read_grouped_pairs(tmp_path):
    path = tmp_path / "pairs.jsonl"
    labels = [{"source": "bbc"}, {}, {"source": 7}]
    path.write_text("".join(json.dumps({"spun": "a", "original": "b", **extra}) + "\n"
                            for extra in labels), encoding="utf-8")
    pairs, groups = read_grouped_pairs(path, "source")
    assert pairs == [("a", "b")] * 3
    assert groups == ["bbc", NO_GROUP, "7"]
    assert read_grouped_pairs(path, None) == (pairs, [])
    with pytest.raises(InputError, match=r'no pair in .* has the key "sorce"; its keys: source'):
        read_grouped_pairs(path, "sorce")  # a typo would have made one group of "(none)"
    path.write_text('{"spun": "a", "original": "b", "source": ["x"]}\n', encoding="utf-8")
    with pytest.raises(InputError, match='line 1: "source" must be a string'):
        read_grouped_pairs(path, "source")


def test_wer_reduction_and_f05_have_bootstrap_intervals_over_documents():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    # Per pair (input errors, output errors, gold, made, correct), from the test above.
    assert report.pair_counts == [(3, 0, 2, 2, 2), (4, 1, 2, 2, 1)]
    # A resample of two documents is pair 1 twice (a quarter of the time: WER reduction 1,
    # F0.5 1), pair 2 twice (a quarter: 0.75 and 0.5) or both (1 - 1/7 and 0.75), so the
    # 2.5th and 97.5th percentiles are the two extremes.
    assert report.interval("wer_reduction") == pytest.approx((0.75, 1.0))
    assert report.interval("edit_f05") == pytest.approx((0.5, 1.0))
    data = report.to_json()
    assert (data["wer_reduction_ci"], data["edit_f05_ci"]) == ([0.75, 1.0], [0.5, 1.0])
    assert "95% CI 0.7500-1.0000, over documents" in report.to_text()
    # Documents alike leave nothing to vary; one document gives no interval.
    alike = EvalReport(input_errors=20, output_errors=10, pair_counts=[(10, 5, 4, 2, 2)] * 2)
    assert alike.interval("wer_reduction") == pytest.approx((0.5, 0.5))
    single = evaluate(PAIRS[:1], FAKE.__getitem__, THRESHOLD, UNGATED)
    assert single.interval("edit_f05") is None and single.to_json()["edit_f05_ci"] is None
    with pytest.raises(ValueError, match="no interval"):
        report.interval("edit_recall")


def test_a_comparison_resamples_the_same_documents_for_both_evaluations():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    # The baseline left pair 2's errors: 4 of 7 input errors remain, WER reduction 3/7.
    baseline = [(3, 0, 2, 2, 2), (4, 4, 2, 0, 0)]
    comparison = Comparison.of(report, baseline, "before.json")
    (metric, before, now, difference, low, high), _ = comparison.rows
    assert (metric, before, now) == ("wer_reduction", pytest.approx(3 / 7),
                                     pytest.approx(6 / 7))
    assert difference == pytest.approx(3 / 7)
    # Resampled, the difference is pair 2's gain (3 of 4 errors), pair 1's (none) or both.
    assert (low, high) == (pytest.approx(0.0), pytest.approx(0.75))
    assert comparison.to_json()["wer_reduction"] == {
        "baseline": 0.4286, "now": 0.8571, "difference": 0.4286, "ci": [0.0, 0.75]}
    assert "+0.4286" in comparison.to_text() and "before.json" in comparison.to_text()
    same = Comparison.of(report, report.pair_counts, "same.json")
    assert all(row[3:] == (0.0, 0.0, 0.0) for row in same.rows)
    with pytest.raises(InputError, match="other pairs"):
        Comparison.of(report, baseline[:1], "short.json")


def test_a_comparison_of_one_pair_or_of_pairs_without_errors_says_n_a():
    single = evaluate(PAIRS[:1], FAKE.__getitem__, THRESHOLD, UNGATED)
    one = Comparison.of(single, single.pair_counts, "one.json")
    assert all(low is None and high is None for *_, low, high in one.rows)
    assert one.to_json()["edit_f05"]["ci"] is None and "n/a" in one.to_text()
    # pairs whose copy is the original: no error to reduce, so no WER reduction at all
    unspun = evaluate([(ORIGINAL_2, ORIGINAL_2)] * 2, lambda text: Analysis(text, 0.0, []),
                      THRESHOLD, UNGATED)
    nothing = Comparison.of(unspun, unspun.pair_counts, "unspun.json").to_json()
    assert nothing["wer_reduction"] == {"baseline": None, "now": None, "difference": None,
                                        "ci": None}
    json.loads(json.dumps(nothing, allow_nan=False))  # strict JSON: no NaN


def test_read_baseline_takes_eval_json_and_refuses_anything_else(tmp_path):
    path = tmp_path / "base.json"
    path.write_text(json.dumps(evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED).to_json()),
                    encoding="utf-8")
    assert read_baseline(path) == [(3, 0, 2, 2, 2), (4, 1, 2, 2, 1)]
    for bad in ('{"spun": "a"}', "not json", '{"pair_counts": [[1, 2]]}'):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(InputError, match="restore eval"):
            read_baseline(path)


def test_f05_weighs_precision_over_recall():
    report = EvalReport(gold_edits=4, system_edits=2, correct_edits=2)
    assert (report.precision, report.recall) == (1.0, 0.5)
    assert report.f05 == pytest.approx(1.25 * 0.5 / (0.25 + 0.5))


def test_no_edits_made_gives_precision_one_and_recall_zero():
    report = evaluate(PAIRS, lambda text: _analysis(text, [0.5] * len(FAKE[text].sentences)), 0.5)
    assert (report.precision, report.recall, report.f05) == (1.0, 0.0, 0.0)
    assert report.wer_output == report.wer_input
    assert report.wer_reduction == 0.0
    assert report.clean_edits_per_1000_words == 0.0
    assert report.sentence_auc == 0.5  # all scores tie


def test_undefined_metrics_are_none_and_print_as_na():
    text = "Nothing was changed here."
    report = evaluate([(text, text)], lambda t: _analysis(t, [0.4]), THRESHOLD)
    assert report.wer_input == 0.0
    assert report.wer_reduction is None  # no errors to remove
    assert report.sentence_auc is None  # no spun sentence, so no positive
    data = report.to_json()
    assert data["wer_reduction"] is None and data["sentence_roc_auc"] is None
    json.dumps(data, allow_nan=False)
    assert "n/a" in report.to_text()


def test_to_text_is_an_aligned_table():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    rows = [re.match(r"(.+?)\s{2,}(\S+)", line) for line in report.to_text().splitlines()]
    table = {row[1]: row[2] for row in rows}
    assert table["WER input"] == "0.3500"
    assert table["edit F0.5"] == "0.7500"
    assert table["sentence ROC AUC"] == "0.8333"
    assert table["clean edits / 1,000 words"] == "58.82"
    assert len({row.end(2) for row in rows}) == 1  # values right-aligned in one column
    assert "3 of 4 edits made" in report.to_text()


def test_to_json_has_metrics_and_counts():
    data = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED).to_json()
    assert data["wer_reduction"] == round(1 - 1 / 7, 4)
    assert data["edit_f05"] == 0.75
    assert data["sentence_roc_auc"] == round(5 / 6, 4)
    assert data["correct_edits"] == 3


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, progress=True)
    assert capsys.readouterr().err == ""


def test_read_pairs(tmp_path):
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps({"spun": s, "original": o}) for s, o in PAIRS]
    separated = ("A line\u2028separator", "kept\u2028inside")  # JSON leaves U+2028 unescaped
    record = {"spun": separated[0], "original": separated[1]}
    lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text(lines[0] + "\n\n" + lines[1] + "\r\n" + lines[2], encoding="utf-8")
    assert read_pairs(path) == [*PAIRS, separated]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"spun": "a", "original": ', "line 2: not valid JSON"),
        ('{"spun": "a"}', "line 2: expected"),
        ('{"spun": "a", "original": 3}', "line 2: expected"),
        ('{"spun": " ", "original": "b"}', "line 2: expected"),
        ('["a", "b"]', "line 2: expected"),
    ],
)
def test_read_pairs_names_the_bad_line(tmp_path, line, message):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"spun": "a", "original": "b"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_pairs(path)


def test_read_pairs_refuses_a_file_without_pairs(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_pairs(path)


def test_each_suggestion_is_judged_by_what_it_puts_back():
    report = evaluate(PAIRS, FAKE.__getitem__, THRESHOLD, UNGATED)
    # Applied or not, in order: bank/lender changes unspun wording; remarked/said is a
    # gold edit; earnings/profits and climbed/rose each mend half of the gold edit
    # "earnings climbed" -> "profits rose"; ballot/vote is right; "the third
    # month" -> "April" leaves a word the original does not have.
    assert report.confidences == [0.2, 0.9, 0.8, 0.7, 0.9, 0.6]
    assert report.rights == [False, True, True, True, True, False]
    assert report.to_json()["suggestions"] == 6


def test_a_deletion_is_right_when_it_removes_only_what_was_added():
    spun, original = "The very big deal closed today.", "The big deal closed today."
    gold = diff_hunks(spun, original)

    def deletion(word: str) -> Hunk:
        start = spun.index(f" {word}")
        return Hunk(start, start + len(word) + 1, f" {word}", "", 0.5)

    assert suggestion_is_right(spun, deletion("very"), gold)
    assert not suggestion_is_right(spun, deletion("big"), gold)


def test_calibration_bins_and_error():
    report = EvalReport(confidences=[0.15, 0.15, 0.95, 0.95, 0.95, 0.95],
                        rights=[False, True, True, True, True, False])
    bins = report.calibration
    assert [(n, round(m, 2), r) for _, _, n, m, r in bins] == [(2, 0.15, 0.5), (4, 0.95, 0.75)]
    assert [(round(low, 1), round(high, 1)) for low, high, *_ in bins] == [(0.1, 0.2), (0.9, 1.0)]
    assert report.calibration_error == pytest.approx((2 * 0.35 + 4 * 0.2) / 6)
    assert "right at 0.9-1.0" in report.to_text()
    assert EvalReport().calibration_error is None


def test_spread_takes_pairs_from_the_whole_file_in_order():
    pairs = [f"reuters {i}" for i in range(6)] + [f"bbc {i}" for i in range(3)]
    assert spread(pairs, 3) == ["reuters 0", "reuters 3", "bbc 0"]
    assert [p.split()[0] for p in spread(pairs, 6)].count("bbc") == 2  # its share, a third
    assert spread(pairs, None) == spread(pairs, 20) == pairs
    assert spread(pairs, 0) == []


def test_pairs_saved_with_a_byte_order_mark_are_read(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    line = json.dumps({"spun": "They remarked presently.", "original": "They said today."})
    pairs.write_text("\ufeff" + line + "\r\n" + line + "\r\n", encoding="utf-8")
    assert read_pairs(pairs) == [("They remarked presently.", "They said today.")] * 2

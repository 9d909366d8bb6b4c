"""Evaluation: (spun, original) pairs and an `analyse` function in, an `EvalReport` out.

This is what `restore eval --pairs FILE.jsonl` measures, each pair once as spun
copy to restore and once as clean copy that should be left alone:

- Word error rate (WER) of the spun input and of the restored output against
  the original, and its reduction 1 - out/in. Tokens are those of
  `restore.segmentation` (words, numbers and punctuation marks each count, case
  kept, whitespace ignored; a hyphenated compound counts per part); jiwer aligns
  them. Rates are pooled: all errors over all reference tokens.
- Edit precision, recall and F0.5. Gold edits align the spun text with the
  original (`diffing.diff_hunks`); system edits align the spun text with the
  restored output the same way, so an engine that restores a passage correctly
  scores it as correct however it cut its hunks. An edit counts when both have
  the same (start, end, after). As in the ERRANT scorer, precision is 1 when no
  edit was made and recall is 1 when there was none to make.
- Edits made on the clean originals per 1,000 words (false edits).
- Sentence ROC AUC: spun sentences that overlap a gold edit are positives,
  every sentence of the clean originals is a negative.
- The document gate of `restore score`: the share of spun documents and of
  clean originals whose spin score is above `fail_above` (caught and false
  alarms), and the document ROC AUC, which says how well any gate can do.
- Calibration of the confidence: every suggestion on the spun copy, applied
  or not, is right when it puts back part of the original (`suggestion_is_right`);
  suggestions are put in ten bins of confidence, and the calibration error is
  the mean gap between a bin's confidence and its share right, weighted by the
  bin's suggestions (scikit-learn's `calibration_curve` does the binning).
- Words per second: words of both texts over the time spent in `analyse`.

WER reduction and F0.5 also get a 95% confidence interval over documents: a
percentile bootstrap (SciPy's `stats.bootstrap`) that resamples whole pairs,
since a document's swaps are not independent of each other. `Comparison` sets
an evaluation against an earlier one of the same pairs (`restore eval
--baseline`): the resamples take the same documents for both, so the interval
of the difference is far narrower than either evaluation's own.

With `groups` (one label per pair, such as the news source or the feed it came
from), the report also holds one report per label (`EvalReport.groups`), since a
pooled figure hides copy the engine restores worse.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar

import jiwer
import numpy as np
from cdifflib import CSequenceMatcher
from scipy.stats import DegenerateDataWarning, bootstrap
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from restore.analysis import MIN_SPIN, Analysis, fails
from restore.config import DEFAULT_FAIL_ABOVE
from restore.diffing import diff_hunks
from restore.errors import InputError
from restore.hunk import Hunk
from restore.inputs import read_text
from restore.segmentation import Document, segment

_BETA = 0.5  # F0.5: precision counts more than recall, because editors distrust false edits
CALIBRATION_BINS = 10
NO_GROUP = "(none)"  # the group of a pair that names none
RESAMPLES = 1999  # bootstrap resamples for a confidence interval; fixed seed, so reproducible
METRICS = ("wer_reduction", "edit_f05")  # those with a confidence interval
# the columns of `EvalReport.pair_counts`, one row per pair
_COUNTS = ("input_errors", "output_errors", "gold_edits", "system_edits", "correct_edits")
T = TypeVar("T")


@dataclass
class EvalReport:
    """Counts pooled over all pairs; the metrics are derived from them."""

    documents: int = 0
    words: int = 0  # words analysed, spun and clean
    seconds: float = 0.0  # time spent in `analyse`
    reference_tokens: int = 0  # tokens of the originals: the WER denominator
    input_errors: int = 0  # token errors of the spun input against the original
    output_errors: int = 0  # token errors of the restored output against the original
    gold_edits: int = 0
    system_edits: int = 0
    correct_edits: int = 0
    clean_words: int = 0
    clean_edits: int = 0
    # every sentence: 1 spun (overlaps a gold edit) or 0 clean, and its score
    sentence_labels: list[int] = field(default_factory=list, repr=False)
    sentence_scores: list[float] = field(default_factory=list, repr=False)
    # every document: 1 spun or 0 clean, and its spin score
    document_labels: list[int] = field(default_factory=list, repr=False)
    document_scores: list[float] = field(default_factory=list, repr=False)
    # every suggestion on the spun copy: its confidence, and whether it is right
    confidences: list[float] = field(default_factory=list, repr=False)
    rights: list[bool] = field(default_factory=list, repr=False)
    # every pair: its counts in `_COUNTS` order, for the confidence intervals
    pair_counts: list[tuple[int, int, int, int, int]] = field(default_factory=list, repr=False)
    groups: dict[str, EvalReport] = field(default_factory=dict, repr=False)
    fail_above: float = DEFAULT_FAIL_ABOVE  # the gate `restore score` would use

    def add(self, other: EvalReport) -> None:
        """Pool `other`'s counts into this report (not its groups or its gate)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, list):  # in place: a pooled list grows with every pair
                mine.extend(theirs)
            elif f.name not in ("groups", "fail_above"):
                setattr(self, f.name, mine + theirs)

    @property
    def sentence_auc(self) -> float | None:
        """ROC AUC of the sentence scores; None when positives or negatives are missing."""
        if len(set(self.sentence_labels)) < 2:
            return None
        return float(roc_auc_score(self.sentence_labels, self.sentence_scores))

    @property
    def document_auc(self) -> float | None:
        """ROC AUC of the spin scores, spun documents against their originals."""
        if len(set(self.document_labels)) < 2:
            return None
        return float(roc_auc_score(self.document_labels, self.document_scores))

    def failed(self, label: int, above: float | None = None) -> int:
        """How many documents of `label` (1 spun, 0 clean) score above `above`
        (by default `fail_above`), as `restore score` judges them."""
        gate = self.fail_above if above is None else above
        return sum(fails(score, gate) for known, score in
                   zip(self.document_labels, self.document_scores, strict=True) if known == label)

    @property
    def wer_input(self) -> float | None:
        return _ratio(self.input_errors, self.reference_tokens)

    @property
    def wer_output(self) -> float | None:
        return _ratio(self.output_errors, self.reference_tokens)

    @property
    def wer_reduction(self) -> float | None:
        """1 - WER out / WER in; None when the inputs had no errors to remove."""
        ratio = _ratio(self.output_errors, self.input_errors)
        return None if ratio is None else 1.0 - ratio

    @property
    def precision(self) -> float:
        return float(_edit_scores(self.correct_edits, self.system_edits, self.gold_edits)[0])

    @property
    def recall(self) -> float:
        return float(_edit_scores(self.correct_edits, self.system_edits, self.gold_edits)[1])

    @property
    def f05(self) -> float:
        return float(_edit_scores(self.correct_edits, self.system_edits, self.gold_edits)[2])

    def interval(self, metric: str) -> tuple[float, float] | None:
        """The 95% bootstrap confidence interval over documents of `metric`
        ("wer_reduction" or "edit_f05"); None with fewer than two documents or no
        input errors."""
        if len(self.pair_counts) < 2 or self.wer_reduction is None:
            return None
        return _bootstrap(metric, self.pair_counts)

    @property
    def clean_edits_per_1000_words(self) -> float | None:
        ratio = _ratio(self.clean_edits, self.clean_words)
        return None if ratio is None else 1000 * ratio

    @property
    def words_per_second(self) -> float | None:
        return _ratio(self.words, self.seconds)

    @property
    def calibration(self) -> list[tuple[float, float, int, float, float]]:
        """(from, to, suggestions, mean confidence, share right) for each bin of
        confidence that holds suggestions."""
        if not self.confidences:
            return []
        confidences, rights = np.asarray(self.confidences), np.asarray(self.rights, dtype=int)
        edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
        # the bins calibration_curve uses, so that the counts line up with its means
        counts = np.bincount(np.searchsorted(edges[1:-1], confidences),
                             minlength=CALIBRATION_BINS)
        share, mean = calibration_curve(rights, confidences, n_bins=CALIBRATION_BINS)
        filled = np.flatnonzero(counts)
        # edges as people write them: 0.3, not linspace's 0.30000000000000004
        return [(round(float(edges[b]), 6), round(float(edges[b + 1]), 6), int(counts[b]),
                 float(m), float(r)) for b, m, r in zip(filled, mean, share, strict=True)]

    @property
    def calibration_error(self) -> float | None:
        """Mean |confidence - share right| over the bins, weighted by their suggestions."""
        bins = self.calibration
        if not bins:
            return None
        return sum(n * abs(m - r) for _, _, n, m, r in bins) / len(self.confidences)

    def to_json(self) -> dict:
        """The counts and the metrics (None where undefined), rounded for reading."""
        metrics = {
            "wer_input": self.wer_input,
            "wer_output": self.wer_output,
            "wer_reduction": self.wer_reduction,
            "edit_precision": self.precision,
            "edit_recall": self.recall,
            "edit_f05": self.f05,
            "clean_edits_per_1000_words": self.clean_edits_per_1000_words,
            "sentence_roc_auc": self.sentence_auc,
            "document_roc_auc": self.document_auc,
            "spun_documents_failed": _ratio(self.failed(1), self.documents),
            "clean_documents_failed": _ratio(self.failed(0), self.documents),
            "calibration_error": self.calibration_error,
            "words_per_second": self.words_per_second,
        }
        counts = {
            "documents": self.documents,
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "reference_tokens": self.reference_tokens,
            "input_errors": self.input_errors,
            "output_errors": self.output_errors,
            "gold_edits": self.gold_edits,
            "system_edits": self.system_edits,
            "correct_edits": self.correct_edits,
            "clean_words": self.clean_words,
            "clean_edits": self.clean_edits,
            "suggestions": len(self.confidences),
            "fail_above": self.fail_above,
            "spun_failed": self.failed(1),
            "clean_failed": self.failed(0),
            "pair_counts": [list(row) for row in self.pair_counts],
        }
        rounded = {k: None if v is None else round(v, 4) for k, v in metrics.items()}
        intervals = {f"{name}_ci": None if (ci := self.interval(name)) is None
                     else [round(ci[0], 4), round(ci[1], 4)]
                     for name in METRICS}
        calibration = [
            {"from": low, "to": high, "suggestions": n, "mean_confidence": round(m, 4),
             "share_right": round(r, 4)}
            for low, high, n, m, r in self.calibration
        ]
        by_group = {"groups": {name: report.to_json() for name, report in self.groups.items()}}
        return (rounded | intervals | counts | {"calibration": calibration}
                | (by_group if self.groups else {}))

    def to_text(self) -> str:
        """An aligned table: metric, value, and the counts behind it."""
        correct, made, gold, tokens = (
            f"{n:,}"
            for n in (self.correct_edits, self.system_edits, self.gold_edits, self.reference_tokens)
        )
        rows = [
            ("documents", f"{self.documents:,}", ""),
            ("WER input", _fixed(self.wer_input), f"{self.input_errors:,}/{tokens} tokens"),
            ("WER output", _fixed(self.wer_output), f"{self.output_errors:,}/{tokens} tokens"),
            ("WER reduction", _fixed(self.wer_reduction),
             _interval(self.interval("wer_reduction"))),
            ("edit precision", _fixed(self.precision), f"{correct} of {made} edits made"),
            ("edit recall", _fixed(self.recall), f"{correct} of {gold} gold edits"),
            ("edit F0.5", _fixed(self.f05), _interval(self.interval("edit_f05"))),
            (
                "clean edits / 1,000 words",
                _fixed(self.clean_edits_per_1000_words, 2),
                f"{self.clean_edits:,} in {self.clean_words:,} words",
            ),
            ("sentence ROC AUC", _fixed(self.sentence_auc), ""),
            ("document ROC AUC", _fixed(self.document_auc), ""),
            *(
                (f"{name} documents failed", _fixed(_ratio(self.failed(label), self.documents)),
                 f"{self.failed(label):,} of {self.documents:,} above {self.fail_above:g} "
                 "(restore score)")
                for name, label in (("spun", 1), ("clean", 0))
            ),
            (
                "calibration error",
                _fixed(self.calibration_error),
                f"{len(self.confidences):,} suggestions on the spun copy, applied or not",
            ),
            *(
                (f"  right at {low:.1f}-{high:.1f}", _fixed(r, 3),
                 f"of {n:,} suggestions (mean confidence {m:.3f})")
                for low, high, n, m, r in self.calibration
            ),
            ("words/s", _fixed(self.words_per_second, 0), f"{self.words:,} words"),
        ]
        return _aligned(rows, right={1}) + (self._groups_text() if self.groups else "")

    def _groups_text(self) -> str:
        """One line of the main figures per group."""
        header = ("group", "documents", "WER in", "WER out", "reduction", "precision",
                  "recall", "F0.5", "clean/1000", "AUC")
        rows = [header, *(
            (name, f"{r.documents:,}", _fixed(r.wer_input), _fixed(r.wer_output),
             _fixed(r.wer_reduction), _fixed(r.precision), _fixed(r.recall), _fixed(r.f05),
             _fixed(r.clean_edits_per_1000_words, 2), _fixed(r.sentence_auc))
            for name, r in sorted(self.groups.items()))]
        return "\n" + _aligned(rows, right=set(range(1, len(header))))


def evaluate(
    pairs: Iterable[tuple[str, str]],
    analyse: Callable[[str], Analysis],
    threshold: float,
    min_spin: float = MIN_SPIN,
    progress: bool = False,
    groups: Sequence[str] | None = None,
    fail_above: float = DEFAULT_FAIL_ABOVE,
) -> EvalReport:
    """Run `analyse` on each spun text and its original; pool the results.

    Edits are applied as `restore --auto` applies them: at or above `threshold`,
    and in a document scored under `min_spin` only the near-certain ones
    (`Analysis.applied`). Documents fail as `restore score --fail-above
    fail_above` fails them. With `groups`, one label per pair, each label's pairs
    are pooled in a report of their own as well (`EvalReport.groups`). With
    `progress`, a tqdm bar goes to stderr when stderr is a terminal.
    """
    report = EvalReport(fail_above=fail_above)
    bar = tqdm(pairs, unit="doc", file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    for index, (spun, original) in enumerate(bar):
        measured = _measure(spun, original, analyse, threshold, min_spin)
        report.add(measured)
        if groups is not None:
            report.groups.setdefault(groups[index], EvalReport(fail_above=fail_above)).add(
                measured)
        bar.set_postfix_str(f"{report.words_per_second or 0:,.0f} words/s")
    return report


def _measure(
    spun: str, original: str, analyse: Callable[[str], Analysis], threshold: float,
    min_spin: float,
) -> EvalReport:
    """The report of one pair."""
    report = EvalReport(documents=1)
    started = time.perf_counter()
    spun_analysis = analyse(spun)
    clean_analysis = analyse(original)
    report.seconds = time.perf_counter() - started

    spun_doc, original_doc = segment(spun), segment(original)
    restored = spun_analysis.restored(threshold, min_spin)
    reference = _tokens(original_doc)
    report.reference_tokens = len(reference)
    report.input_errors = token_errors(reference, _tokens(spun_doc))
    report.output_errors = token_errors(reference, _tokens(segment(restored)))

    gold = diff_hunks(spun, original)
    made = _edit_keys(spun, restored)
    report.gold_edits = len(gold)
    report.system_edits = len(made)
    report.correct_edits = len(made & {_key(h) for h in gold})
    report.pair_counts.append((report.input_errors, report.output_errors, report.gold_edits,
                               report.system_edits, report.correct_edits))

    report.clean_words = original_doc.word_count
    report.clean_edits = len(_edit_keys(original, clean_analysis.restored(threshold, min_spin)))
    report.words = spun_doc.word_count + original_doc.word_count

    for hunk in spun_analysis.hunks:
        report.confidences.append(hunk.confidence)
        report.rights.append(suggestion_is_right(spun, hunk, gold))
    for label, score in _labelled_sentences(spun_analysis, clean_analysis, gold):
        report.sentence_labels.append(label)
        report.sentence_scores.append(score)
    report.document_labels += [1, 0]
    report.document_scores += [spun_analysis.spin_score, clean_analysis.spin_score]
    return report


def suggestion_is_right(spun: str, hunk: Hunk, gold: list[Hunk]) -> bool:
    """Whether `hunk`, applied alone to `spun`, puts back part of the original.

    Gold edits merge neighbouring swaps ("parliamentarians supposed" ->
    "officials said"), so a suggestion that mends one of them matches no gold
    edit exactly. Instead the passage that the suggestion and the gold edits it
    touches cover is rewritten by the suggestion alone and aligned with the
    original passage: the suggestion is right when the words it wrote all stand
    in the aligned part, and a deletion when the passage comes closer to the
    original. A suggestion that touches no gold edit changed clean wording.
    """
    touched = [g for g in gold if g.start < hunk.end and hunk.start < g.end]
    if not touched:
        return False
    start = min(hunk.start, *(g.start for g in touched))
    end = max(hunk.end, *(g.end for g in touched))
    before = text_tokens(spun[start : hunk.start])
    written = text_tokens(hunk.after)
    rewritten = [*before, *written, *text_tokens(spun[hunk.end : end])]
    original, at = [], start
    for g in touched:
        original += [*text_tokens(spun[at : g.start]), *text_tokens(g.after)]
        at = g.end
    original += text_tokens(spun[at:end])
    if not written:
        return token_errors(original, rewritten) < token_errors(
            original, text_tokens(spun[start:end]))
    matcher = CSequenceMatcher(None, rewritten, original, autojunk=False)
    kept = {i for a, _, size in matcher.get_matching_blocks() for i in range(a, a + size)}
    return all(i in kept for i in range(len(before), len(before) + len(written)))


def text_tokens(text: str) -> list[str]:
    """The tokens of a piece of text, as the word error rate counts them."""
    return _tokens(segment(text)) if text.strip() else []


def read_pairs(source: str | Path) -> list[tuple[str, str]]:
    """The (spun, original) pairs of a JSON Lines file ("-" for stdin).

    Each non-blank line is an object with non-empty string fields "spun" and
    "original". Raises InputError naming the first bad line.
    """
    return read_grouped_pairs(source, None)[0]


def spread(pairs: Sequence[T], limit: int | None) -> list[T]:
    """`limit` of `pairs`, evenly spaced from the first on and in order; all of them
    when `limit` is None or not smaller. The evaluation pairs list one news source
    after another, and their first pairs would be one source's alone."""
    if limit is None or limit >= len(pairs):
        return list(pairs)
    return [pairs[i * len(pairs) // limit] for i in range(max(limit, 0))]


def read_grouped_pairs(
    source: str | Path, key: str | None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """The pairs `read_pairs` reads, and the label under `key` of each, as text
    (`NO_GROUP` for a pair without one; no labels when `key` is None). Raises
    InputError naming the first bad line, or a label that is a list or an object."""
    pairs, groups = [], []
    keys: set[str] = set()  # of every pair, to name them when `key` is none of them
    for number, record in _records(source):
        keys.update(record)
        texts = [record.get(name) for name in ("spun", "original")]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise InputError(
                f'{source}, line {number}: expected {{"spun": str, "original": str}} '
                "with both texts non-empty"
            )
        pairs.append((texts[0], texts[1]))
        if key is not None:
            value = record.get(key)
            if isinstance(value, (list, dict)):
                raise InputError(
                    f'{source}, line {number}: "{key}" must be a string or a number')
            groups.append(NO_GROUP if value is None else str(value))
    if not pairs:
        raise InputError(f"{source} holds no pairs; nothing to evaluate")
    if key is not None and key not in keys:  # a typo would put every pair in one group
        others = ", ".join(sorted(keys - {"spun", "original"})) or "none but spun and original"
        raise InputError(f'no pair in {source} has the key "{key}"; its keys: {others}')
    return pairs, groups


def _records(source: str | Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON Lines file."""
    # Split on "\n" only: JSON strings may hold U+2028 and other characters that
    # str.splitlines would take for line ends.
    # A byte order mark (Windows Notepad's) is no part of the first record.
    for number, line in enumerate(read_text(source).removeprefix("\ufeff").split("\n"),
                                  start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{source}, line {number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(
                f'{source}, line {number}: expected {{"spun": str, "original": str}} '
                "with both texts non-empty"
            )
        yield number, record


def _key(hunk: Hunk) -> tuple[int, int, str]:
    return hunk.start, hunk.end, hunk.after


def _edit_keys(text: str, changed: str) -> set[tuple[int, int, str]]:
    """The edits that turn `text` into `changed`, aligned as the gold edits are."""
    return set() if changed == text else {_key(h) for h in diff_hunks(text, changed)}


def _labelled_sentences(
    spun: Analysis, clean: Analysis, gold: list[Hunk]
) -> Iterator[tuple[int, float]]:
    """(1, score) for each spun sentence that overlaps a gold edit, (0, score) for
    each clean sentence; spun sentences the spinner left alone are not used."""
    for sentence in spun.sentences:
        if any(h.start < sentence.end and sentence.start < h.end for h in gold):
            yield 1, sentence.score
    for sentence in clean.sentences:
        yield 0, sentence.score


def _tokens(doc: Document) -> list[str]:
    return [t.text for t in doc.tokens()]


def token_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions, deletions and insertions from `reference` to `hypothesis`."""
    if reference == hypothesis:
        return 0
    # Tokens hold no spaces, so joined with spaces they reach jiwer unchanged.
    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    return out.substitutions + out.deletions + out.insertions


def _aligned(rows: list[tuple[str, ...]], right: set[int]) -> str:
    """`rows` as lines of columns two spaces apart, each as wide as its widest
    cell, the columns in `right` aligned right and the others left."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(f"{cell:>{w}}" if i in right else f"{cell:<{w}}"
                  for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip() + "\n"
        for row in rows)


@dataclass(frozen=True)
class Comparison:
    """How an evaluation does against a baseline evaluation of the same pairs.

    `rows` hold, per metric of `METRICS`: the baseline's value, this one's, the
    difference, and the 95% bootstrap interval of the difference. The resamples
    take the same documents for both, so the interval is far narrower than either
    evaluation's own: it says whether a change is more than chance.
    """

    baseline: str  # where the baseline came from
    # None where a value is undefined: a WER reduction of pairs without errors, an
    # interval of fewer than two pairs
    rows: tuple[tuple[str, float | None, float | None, float | None, float | None,
                      float | None], ...]

    @classmethod
    def of(cls, report: EvalReport, baseline: Sequence[Sequence[int]], source: str
           ) -> Comparison:
        """`report` against the `pair_counts` of a `baseline` evaluation (`read_baseline`)."""
        if len(baseline) != len(report.pair_counts) or any(
                old[0] != new[0] for old, new in zip(baseline, report.pair_counts, strict=True)):
            raise InputError(f"{source} is an evaluation of other pairs; compare evaluations "
                             "of the same pairs file")
        width = len(_COUNTS)
        joined = [(*old, *new) for old, new in zip(baseline, report.pair_counts, strict=True)]
        totals = np.array(joined, dtype=float).sum(axis=0)
        rows = []
        for metric in METRICS:
            with np.errstate(invalid="ignore", divide="ignore"):
                before, now = (_defined(_metric(metric, totals[:width])),
                               _defined(_metric(metric, totals[width:])))
            difference = low = high = None
            if before is not None and now is not None:
                difference = now - before
                if len(joined) > 1:
                    low, high = _bootstrap(metric, joined, paired_width=width)
            rows.append((metric, before, now, difference, low, high))
        return cls(source, tuple(rows))

    def to_json(self) -> dict:
        """{"baseline": source, metric: {"baseline", "now", "difference", "ci"}}, with
        null for what is undefined."""
        return {"baseline": self.baseline} | {
            metric: {"baseline": _rounded(before), "now": _rounded(now),
                     "difference": _rounded(difference),
                     "ci": None if low is None else [_rounded(low), _rounded(high)]}
            for metric, before, now, difference, low, high in self.rows}

    def to_text(self) -> str:
        """An aligned table, one metric a line."""
        names = {"wer_reduction": "WER reduction", "edit_f05": "edit F0.5"}
        header = (f"against {self.baseline}", "baseline", "now", "difference",
                  "95% CI of the difference")
        return _aligned([header, *(
            (names[metric], _fixed(before), _fixed(now), _signed(difference),
             "n/a" if low is None else f"{_signed(low)} to {_signed(high)}")
            for metric, before, now, difference, low, high in self.rows)], right={1, 2, 3})


def read_baseline(source: str | Path) -> list[tuple[int, ...]]:
    """The `pair_counts` of an earlier `restore eval --json` output."""
    try:
        data = json.loads(read_text(source))
        rows = [tuple(int(n) for n in row) for row in data["pair_counts"]]
        if all(len(row) == len(_COUNTS) for row in rows):
            return rows
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        pass
    raise InputError(f"{source} is not the output of `restore eval --json` with per-pair "
                     "counts; make one with `restore eval --pairs FILE --json > baseline.json`")


def _metric(metric: str, totals: np.ndarray) -> np.ndarray:
    """`metric` from count totals in `_COUNTS` order (axis 0), for any shape after it."""
    inputs, outputs, gold, made, correct = totals
    if metric == "wer_reduction":
        return 1.0 - outputs / inputs
    return _edit_scores(correct, made, gold)[2]


def _bootstrap(
    metric: str, rows: Sequence[Sequence[int]], paired_width: int | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap over `rows` (one per document) of `metric`, or, with
    `paired_width`, of its second half's metric less its first half's."""
    if metric not in METRICS:
        raise ValueError(f"no interval for {metric!r}; there are {', '.join(METRICS)}")

    def statistic(*columns: np.ndarray, axis: int) -> np.ndarray:
        totals = np.stack(columns).sum(axis=axis if axis < 0 else axis + 1)
        if paired_width is None:
            return _metric(metric, totals)
        return _metric(metric, totals[paired_width:]) - _metric(metric, totals[:paired_width])

    # The percentiles are taken below; SciPy warns of its own interval, not used, when
    # a small or uniform sample makes it undefined.
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        found = bootstrap(tuple(np.array(rows, dtype=float).T), statistic,
                          n_resamples=RESAMPLES, paired=True, vectorized=True,
                          method="percentile", rng=np.random.default_rng(0))
    # The percentiles of the resampled values, leaving out the resamples whose WER
    # reduction is undefined (only documents without errors drawn), which SciPy's own
    # interval would turn into NaN.
    low, high = np.nanpercentile(found.bootstrap_distribution, [2.5, 97.5])
    return float(low), float(high)


def _edit_scores(correct, made, gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edit precision, recall and F0.5 from counts, scalars or arrays alike. As in
    ERRANT, precision is 1 where no edit was made, recall 1 where none was due."""
    correct, made, gold = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                for x in (correct, made, gold)))
    precision = np.divide(correct, made, out=np.ones_like(correct), where=made > 0)
    recall = np.divide(correct, gold, out=np.ones_like(correct), where=gold > 0)
    denominator = _BETA**2 * precision + recall
    f05 = np.divide((1 + _BETA**2) * precision * recall, denominator,
                    out=np.zeros_like(correct), where=denominator > 0)
    return precision, recall, f05


def _interval(found: tuple[float, float] | None) -> str:
    return "" if found is None else f"95% CI {found[0]:.4f}-{found[1]:.4f}, over documents"


def _signed(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{round(value, 4) + 0.0:+.4f}"  # + 0.0: no "-0.0000" for a nil difference


def _defined(value: np.ndarray | float) -> float | None:
    """A metric as a float, None where it is undefined (NaN)."""
    value = float(value)
    return None if np.isnan(value) else value


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _fixed(value: float | None, decimals: int = 4) -> str:
    return "n/a" if value is None else f"{value:,.{decimals}f}"

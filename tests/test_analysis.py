"""Analysis: which hunks `restore --auto` applies, and the gate on documents that look clean."""

from __future__ import annotations

import pytest

from restore.analysis import CLEAN_COPY_CONFIDENCE, MIN_SPIN, Analysis
from restore.hunk import Hunk

TEXT = "The bank remarked on 1st May that earnings climbed."


def _analysis(spin_score: float) -> Analysis:
    hunks = [
        Hunk(9, 17, "remarked", "said", CLEAN_COPY_CONFIDENCE - 0.1),
        Hunk(21, 24, "1st", "first", CLEAN_COPY_CONFIDENCE + 0.1),  # a near-certain repair
        Hunk(34, 42, "earnings", "profits", 0.6, source="reference"),
        Hunk(43, 50, "climbed", "rose", 0.3),  # under the threshold
    ]
    return Analysis(TEXT, spin_score, [], hunks=hunks)


def test_a_spun_document_gets_every_hunk_at_the_threshold():
    analysis = _analysis(0.9)
    assert analysis.restored(0.5) == "The bank said on first May that profits climbed."
    assert analysis.withheld(0.5) == []


@pytest.mark.parametrize("spin_score", [0.0, MIN_SPIN - 0.01])
def test_a_document_that_looks_clean_gets_only_near_certain_and_reference_hunks(spin_score):
    analysis = _analysis(spin_score)
    data = analysis.to_json(0.5)
    assert [e["applied"] for e in data["edits"]] == [False, True, True, False]
    assert data["restored"] == "The bank remarked on first May that profits climbed."
    assert [h.after for h in analysis.withheld(0.5)] == ["said"]


def test_a_threshold_above_the_gate_still_rules():
    assert _analysis(0.0).restored(0.95) == TEXT


def test_min_spin_zero_applies_hunks_whatever_the_score():
    restored = _analysis(0.0).restored(0.5, min_spin=0.0)
    assert restored == "The bank said on first May that profits climbed."

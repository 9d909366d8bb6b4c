"""Analysis: which hunks `restore --auto` applies, and the gate on documents that look clean."""

from __future__ import annotations

import pytest

from restore.analysis import MIN_SPIN, Analysis
from restore.hunk import Hunk

TEXT = "The bank stated that earnings climbed."


def _analysis(spin_score: float) -> Analysis:
    guess = Hunk(9, 15, "stated", "said", 0.9)
    reference = Hunk(21, 29, "earnings", "profits", 0.8, source="reference")
    weak = Hunk(30, 37, "climbed", "rose", 0.3)
    return Analysis(TEXT, spin_score, [], hunks=[guess, reference, weak])


def test_a_spun_document_gets_every_confident_hunk():
    analysis = _analysis(0.9)
    assert analysis.restored(0.5) == "The bank said that profits climbed."
    assert analysis.withheld(0.5) == []


@pytest.mark.parametrize("spin_score", [0.0, MIN_SPIN - 0.01])
def test_a_document_that_looks_clean_keeps_its_wording_but_for_a_reference(spin_score):
    analysis = _analysis(spin_score)
    assert [h.after for h in analysis.applied(0.5)] == ["profits"]
    data = analysis.to_json(0.5)
    assert [e["applied"] for e in data["edits"]] == [False, True, False]
    assert data["restored"] == "The bank stated that profits climbed."
    assert [h.after for h in analysis.withheld(0.5)] == ["said"]


def test_min_spin_zero_applies_hunks_whatever_the_score():
    assert _analysis(0.0).restored(0.5, min_spin=0.0) == "The bank said that profits climbed."

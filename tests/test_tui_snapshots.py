"""Snapshots of the review app (pytest-textual-snapshot).

Regenerate after a deliberate visual change with
`pytest tests/test_tui_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_decisions import TEXT, sample_analysis
from textual.pilot import Pilot

from tui.app import ReviewApp

# Accept, reject, take alternative 1, then skip to the hunk with two alternatives:
# every kind of highlight is on screen at once.
DECIDED = ["a", "r", "1", "n", "n"]


@pytest.fixture
def app(tmp_path: Path) -> ReviewApp:
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return ReviewApp.open(path, sample_analysis)


def after_analysis(theme: str = "textual-dark"):
    async def run_before(pilot: Pilot) -> None:
        pilot.app.theme = theme
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_review_screen(app, snap_compare):
    assert snap_compare(app, press=DECIDED, run_before=after_analysis())


def test_review_screen_light_theme(app, snap_compare):
    assert snap_compare(app, press=DECIDED, run_before=after_analysis("textual-light"))


def test_review_screen_wide(app, snap_compare):
    assert snap_compare(app, press=DECIDED, terminal_size=(150, 30), run_before=after_analysis())


def test_help_screen(app, snap_compare):
    assert snap_compare(app, press=["question_mark"], run_before=after_analysis())

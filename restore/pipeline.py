"""Restorer: the orchestrating class; its methods are the pipeline steps.

    segment -> detect -> suggest (candidates + ranking, other proposers) -> hunks

`Restorer.load()` reads the shipped artifacts from `models/` once; `analyse(text)`
takes a document and gives an `Analysis`. Proposers (the statistical ranker,
the seq2seq model, a reference archive) are small components that each turn
a segmented, scored document into hunks; `suggest` merges what they propose.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_THRESHOLD = 0.5
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

"""restore: give editors back the original wording of spun news copy.

The text flows through one module per stage:

    segmentation -> detection -> candidates -> ranking -> diffing -> output

`Restorer` (in `pipeline`) runs the stages in order and returns an `Analysis`
(in `analysis`): sentence and token scores plus `Hunk`s (in `hunk`) that an
editor accepts or rejects, or that `--auto` applies above a threshold.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from restore.analysis import Analysis, SentenceScore
    from restore.hunk import Hunk, apply_hunks

__all__ = ["Analysis", "Hunk", "SentenceScore", "apply_hunks"]

# Loaded on first use (PEP 562): the `restore` command imports this package before
# its Ctrl-C guard (`restore.__main__.run`) can run, so it must import nothing yet.
_HOMES = {"Analysis": "restore.analysis", "SentenceScore": "restore.analysis",
          "Hunk": "restore.hunk", "apply_hunks": "restore.hunk"}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'restore' has no attribute {name!r}")

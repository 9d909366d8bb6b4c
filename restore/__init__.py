"""restore: give editors back the original wording of spun news copy.

The text flows through one module per stage:

    segmentation -> detection -> candidates -> ranking -> diffing -> output

`Restorer` (in `pipeline`) runs the stages in order and returns an `Analysis`
(in `analysis`): sentence and token scores plus `Hunk`s (in `hunk`) that an
editor accepts or rejects, or that `--auto` applies above a threshold.
"""

from restore.analysis import Analysis, SentenceScore
from restore.hunk import Hunk, apply_hunks

__all__ = ["Analysis", "Hunk", "SentenceScore", "apply_hunks"]

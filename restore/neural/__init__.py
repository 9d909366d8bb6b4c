"""Neural models: a MiniLM token-classification detector and a seq2seq rescorer.

`load_models(folder=None)` gives the `NeuralModels` of a checkpoint folder
(the shipped models/neural/ by default), loaded once per process and folder.
torch and transformers are imported only then, so `import restore.neural`
costs nothing to commands that do not use the models.
"""

from __future__ import annotations

import os

# Before torch loads its OpenMP runtime: threads that busy-wait make inference
# 2.5x slower, not faster, whenever other work shares the two cores (measured in
# bench/neural_bench.py); sleeping waiters cost nothing when the cores are free.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from restore.neural.models import NeuralModels


def load_models(folder: Path | None = None) -> NeuralModels:
    """The neural models of `folder`; raises ModelError when they are missing or unusable."""
    return _load(None if folder is None else Path(folder).resolve())


@cache
def _load(folder: Path | None) -> NeuralModels:
    from restore.neural.models import NeuralModels

    return NeuralModels.load(folder)


__all__ = ["load_models"]

"""Neural models: a MiniLM token-classification detector and a seq2seq rescorer.

`load_models(folder=None, seq2seq=False)` gives the `NeuralModels` of a
checkpoint folder (the shipped models/neural/ by default), loaded once per
process, folder and choice.
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
# oneDNN keeps the kernels it built for each shape of input, with their working
# memory, and sentences come in every length: on a 6,346-word file the seq2seq's
# kernels held 900 MB and took `restore --auto --neural --seq2seq` past 2 GB.
# Without the cache the peak was 1,357 MB at the same speed (models/README.md).
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "0")

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from restore.neural.models import NeuralModels


def load_models(folder: Path | None = None, *, seq2seq: bool = False) -> NeuralModels:
    """The neural models of `folder`, with the seq2seq rescorer when `seq2seq`;
    raises ModelError when they are missing or unusable."""
    return _load(None if folder is None else Path(folder).resolve(), seq2seq)


@cache
def _load(folder: Path | None, seq2seq: bool) -> NeuralModels:
    from restore.neural.models import NeuralModels

    return NeuralModels.load(folder, use_seq2seq=seq2seq)


__all__ = ["load_models"]

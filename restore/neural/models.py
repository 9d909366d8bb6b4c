"""Models: the neural detector, seq2seq scorer and rescorer, loaded together as the
pipeline uses them.

`NeuralModels.load(folder)` reads a checkpoint folder (`restore.neural.checkpoint`;
the shipped `models/neural/` by default). `refine(document, candidates,
probabilities, detection)` takes the statistical engine's work on a document
and gives it back improved: the detection with neural token scores and
combined sentence and document scores, and the candidate probabilities
rescored with the detector's and the seq2seq's evidence. `use_detector` and
`use_seq2seq` switch either part off (the ablation in models/README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from restore.candidates import Candidate
from restore.detection import Detection
from restore.neural.checkpoint import DEFAULT_FOLDER, read_config
from restore.neural.detector import NeuralDetector
from restore.neural.rescoring import Rescorer
from restore.neural.seq2seq import Seq2SeqScorer
from restore.segmentation import Document


class NeuralModels:
    """The neural components of one checkpoint."""

    def __init__(self, detector: NeuralDetector, rescorer: Rescorer, use_detector: bool) -> None:
        self.detector, self.rescorer, self.use_detector = detector, rescorer, use_detector

    @classmethod
    def load(
        cls,
        folder: Path | None = None,
        *,
        use_detector: bool = True,
        use_seq2seq: bool = True,
        quantize: bool = True,
    ) -> NeuralModels:
        """Load the checkpoint in `folder` (default: the shipped models/neural/)."""
        folder = Path(folder or DEFAULT_FOLDER)
        config = read_config(folder)
        detector = NeuralDetector.load(folder, quantize)
        scorer = Seq2SeqScorer.load(folder, detector, quantize) if use_seq2seq else None
        return cls(detector, Rescorer.from_config(config, scorer, use_detector), use_detector)

    def refine(
        self,
        document: Document,
        candidates: list[Candidate],
        probabilities: np.ndarray,
        detection: Detection,
    ) -> tuple[Detection, np.ndarray]:
        """The neural detection of `document` and the rescored candidate probabilities,
        from the statistical `detection` and `probabilities`."""
        if self.use_detector:
            detection = self.detector.detect(document, detection)
        return detection, self.rescorer.rescore(document, candidates, probabilities, detection)

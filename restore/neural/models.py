"""Models: the neural detector, seq2seq scorer and rescorer, loaded together as the
pipeline uses them.

`NeuralModels.load(folder)` reads a checkpoint folder (`restore.neural.checkpoint`;
the shipped `models/neural/` by default). `refine(document, candidates,
probabilities, detection)` takes the statistical engine's work on a document
and gives it back improved: the detection with neural token scores and
combined sentence and document scores, and the candidate probabilities
rescored with the detector's (and, when asked for, the seq2seq's) evidence.
`use_detector` and `use_seq2seq` switch either part on or off (the ablation in
models/README.md). The seq2seq is off unless asked for: on held-out text it
barely changes which candidate wins and it costs most of the time.
`threshold` is the confidence threshold fitted for the rescored probabilities
of the parts in use (None when the checkpoint has none yet).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from restore.candidates import Candidate
from restore.config import is_probability
from restore.detection import Detection
from restore.errors import ModelError
from restore.neural.checkpoint import CONFIG_FILE, DEFAULT_FOLDER, read_config
from restore.neural.detector import NeuralDetector
from restore.neural.rescoring import Rescorer
from restore.neural.seq2seq import Seq2SeqScorer
from restore.segmentation import Document


class NeuralModels:
    """The neural components of one checkpoint."""

    def __init__(
        self,
        detector: NeuralDetector,
        rescorer: Rescorer,
        use_detector: bool,
        threshold: float | None = None,
    ) -> None:
        self.detector, self.rescorer, self.use_detector = detector, rescorer, use_detector
        self.threshold = threshold

    @classmethod
    def load(
        cls,
        folder: Path | None = None,
        *,
        use_detector: bool = True,
        use_seq2seq: bool = False,
        quantize: bool = True,
    ) -> NeuralModels:
        """Load the checkpoint in `folder` (default: the shipped models/neural/)."""
        folder = Path(folder or DEFAULT_FOLDER)
        config = read_config(folder)
        detector = NeuralDetector.load(folder, quantize)
        scorer = Seq2SeqScorer.load(folder, detector, quantize) if use_seq2seq else None
        rescorer = Rescorer.from_config(config, scorer, use_detector)
        thresholds = config.get("thresholds") or {}
        threshold = thresholds.get(rescorer.mode) if isinstance(thresholds, dict) else thresholds
        if threshold is not None and not is_probability(threshold):
            raise ModelError(f"{folder / CONFIG_FILE}: the {rescorer.mode} threshold is "
                             f"{threshold!r}, not a number from 0 to 1; fit the thresholds "
                             "again with `python -m restore.neural.training combine`")
        return cls(detector, rescorer, use_detector, threshold)

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

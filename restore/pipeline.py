"""Restorer: the orchestrating class; its methods are the pipeline steps.

    segment -> candidates -> rank -> detect -> hunks -> fill-ins (-> merge other proposers)

`Restorer.load()` reads the shipped artifacts from `models/` once;
`analyse(text)` takes a document and gives an `Analysis`. Extra proposers
(the seq2seq model, a reference archive) are components with a
`propose(document, detection) -> list[Hunk]` method; where their hunks overlap
the statistical ones, theirs win (a reference sentence beats a guess).
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from restore.analysis import Analysis, SentenceScore, TokenScore
from restore.candidates import Candidate, CandidateGenerator, Span, span_of
from restore.config import is_probability
from restore.detection import (
    DOCUMENT_FEATURES,
    MIN_SENTENCE_WORDS,
    SENTENCE_FEATURES,
    Detection,
    Detector,
)
from restore.diffing import absorb_space
from restore.embeddings import WordEmbeddings
from restore.errors import ModelError
from restore.fill_ins import FillIns
from restore.hunk import Hunk
from restore.inputs import ENGLISH_MIN_SHARE, iter_chunks, looks_english
from restore.language_model import NgramModel
from restore.lexicon import Lexicon
from restore.ranking import CONTEXT_FEATURES, FEATURES, BoostedModel, LogisticModel, Ranker
from restore.segmentation import Document, Sentence, segment
from restore.thesaurus import SynonymTable
from restore.topics import TopicModel

DEFAULT_THRESHOLD = 0.5
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
CHUNK_CHARS = 100_000  # about 16,000 words: bounded memory, few cuts
MIN_CONFIDENCE = 0.2  # weaker suggestions are mostly wrong and waste an editor's time
MAX_ALTERNATIVES = 4
LM_FILE, TOPICS_FILE, EMBEDDINGS_FILE = "lm.npz", "topics.npz", "embeddings.npz"
LEXICON_FILE, SCORER_FILE, SYNONYMS_FILE = "lexicon.tsv.gz", "scorer.json", "synonyms.tsv.gz"


class Proposer(Protocol):
    """A component that proposes hunks for a scored document."""

    def propose(self, document: Document, detection: Detection) -> list[Hunk]:
        """Hunks for `document` (offsets into `document.text`); a confirmation
        (`Hunk.changes` False) keeps other proposers off the wording it covers."""
        ...


class Refiner(Protocol):
    """A component that rescores a document's detection and candidates (the neural models)."""

    def refine(
        self, document: Document, candidates: list[Candidate], probabilities: np.ndarray,
        detection: Detection,
    ) -> tuple[Detection, np.ndarray]:
        """Better detection and candidate probabilities."""
        ...


class Restorer:
    """Runs the restoration pipeline on one document at a time."""

    def __init__(
        self,
        generator: CandidateGenerator,
        ranker: Ranker,
        detector: Detector,
        threshold: float = DEFAULT_THRESHOLD,
        proposers: Sequence[Proposer] = (),
        neural: Refiner | None = None,
        fill_ins: FillIns | None = None,
    ) -> None:
        self.generator, self.ranker, self.detector = generator, ranker, detector
        self.threshold = threshold
        self.proposers = list(proposers)
        self.neural = neural
        self.fill_ins = fill_ins

    @classmethod
    def load(
        cls,
        models_dir: Path | None = None,
        *,
        reference: Path | None = None,
        neural: Path | bool = False,
        seq2seq: bool = False,
        threads: int = 1,
    ) -> Restorer:
        """Load the language model, lexicon and scorers from `models_dir`; with
        `reference`, also restore from that archive of clean articles; with
        `neural` (True for the shipped checkpoint, or a checkpoint folder), let
        the neural detector refine the statistical scores, and with `seq2seq`
        the seq2seq rescorer too. The threshold is the one fitted for the
        scores in use: the neural checkpoint's when it has one. `threads` are
        the candidate model's (`BoostedModel`): the cores this process has to itself."""
        folder = Path(models_dir or MODELS_DIR)
        missing = [f for f in (LM_FILE, TOPICS_FILE, EMBEDDINGS_FILE, LEXICON_FILE, SCORER_FILE,
                               SYNONYMS_FILE)
                   if not (folder / f).is_file()]
        if missing:
            raise ModelError(
                f"model files missing in {folder}: {', '.join(missing)}. "
                "Rebuild them with `restore build all --shared ../shared` "
                "or pass --models DIR."
            )
        loading = LM_FILE  # named in the error, should one be damaged
        try:
            lm = NgramModel.load(folder / LM_FILE)
            loading = LEXICON_FILE
            lexicon = Lexicon.load(folder / LEXICON_FILE)
            loading = EMBEDDINGS_FILE
            embeddings = WordEmbeddings.load(folder / EMBEDDINGS_FILE)
            generator = CandidateGenerator(lexicon)
            loading = SYNONYMS_FILE
            fill_ins = FillIns(lm, embeddings, SynonymTable.load(folder / SYNONYMS_FILE),
                               generator.thesaurus_origins)
            loading = TOPICS_FILE
            topics = TopicModel.load(folder / TOPICS_FILE)
            loading = SCORER_FILE
            scorer = json.loads((folder / SCORER_FILE).read_text())
            ranker = Ranker(
                lm, topics, embeddings, lexicon,
                BoostedModel.from_json(scorer["candidate"], FEATURES, threads),
                LogisticModel.from_json(scorer["context"], CONTEXT_FEATURES),
                scorer.get("garbled", 0.0),
            )
            detector = Detector(
                LogisticModel.from_json(scorer["sentence"], SENTENCE_FEATURES),
                LogisticModel.from_json(scorer["document"], DOCUMENT_FEATURES),
            )
        # a file cut short or replaced (a Git LFS pointer) fails in any of these ways
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            # numpy's advice on such a file, to load it with pickling allowed, is unsafe
            detail = "" if "pickle" in str(error) else f": {error}"
            raise ModelError(
                f"cannot load the models in {folder}: {loading} is damaged or is no model "
                f"file ({type(error).__name__}{detail}). Rebuild it with `restore build all "
                "--shared ../shared`, or pass --models DIR."
            ) from error
        proposers = []
        if reference is not None:
            from restore.reference import ReferenceIndex, ReferenceProposer

            index = ReferenceIndex.open(Path(reference), progress=sys.stderr.isatty())
            proposers.append(ReferenceProposer(index, lexicon=lexicon))
        threshold = scorer.get("threshold", DEFAULT_THRESHOLD)
        if not is_probability(threshold):
            raise ModelError(f"{folder / SCORER_FILE}: its threshold is {threshold!r}, not a "
                             "number from 0 to 1; rebuild it with `restore build scorer`")
        refiner = None
        if neural or seq2seq:
            from restore.neural import load_models

            checkpoint = None if isinstance(neural, bool) else Path(neural)
            refiner = load_models(checkpoint, seq2seq=seq2seq)
            threshold = refiner.threshold or threshold
        return cls(generator, ranker, detector, threshold, proposers, refiner, fill_ins)

    # ------------------------------------------------------------ the steps
    def analyse(self, text: str, keep_from: float = 0.0) -> Analysis:
        """Score and restore one document of any length: its `pieces`, joined.

        With `keep_from`, each piece keeps only its hunks and token scores at or
        above it (`Analysis.keeping`), for a caller that applies edits from that
        confidence on: less of a long text's analysis stays in memory.
        """
        pieces = self.pieces(text, keep_from)
        if len(text) <= CHUNK_CHARS:
            return next(pieces)[1]
        return Analysis.concatenate(text, pieces)

    def pieces(
        self, text: str, keep_from: float = 0.0, *, progress: bool = False,
    ) -> Iterator[tuple[int, Analysis]]:
        """The analyses of `text`'s pieces, each with its offset, one at a time.

        Long text is cut at paragraph boundaries into pieces of at most
        `CHUNK_CHARS` (longer only by markup, which no model reads: `iter_chunks`),
        so the models' working memory is one piece's; a text that
        fits is one piece. Text that is not English is one piece with no edits,
        since every model here is English and would only do harm. `keep_from` is
        as in `analyse`. With `progress`, a text of more than one piece shows a
        bar of the characters analysed on stderr, when that is a terminal.
        """
        if looks_english(text) < ENGLISH_MIN_SHARE:
            yield 0, Analysis(text, 0.0, [])
            return
        visible = progress and len(text) > CHUNK_CHARS and sys.stderr.isatty()
        with tqdm(total=len(text), unit="char", unit_scale=True, dynamic_ncols=True,
                  disable=not visible, leave=False) as bar:
            for offset, piece in iter_chunks(text, CHUNK_CHARS):
                yield offset, self._analyse_piece(piece).keeping(keep_from)
                bar.update(len(piece))

    def _analyse_piece(self, text: str) -> Analysis:
        document = self.segment(text)
        candidates = self.candidates(document)
        probabilities = self.rank(document, candidates)
        detection = self.detect(document, candidates, probabilities)
        if self.neural is not None:
            detection, probabilities = self.neural.refine(
                document, candidates, probabilities, detection
            )
        hunks = self.hunks(document, candidates, probabilities)
        if self.fill_ins is not None:
            hunks = self.fill_ins.extend(document, hunks, detection, self.threshold)
            # fill-ins are evidence of a spinner whose lists the detector's lexicon lacks
            evidence = self.fill_ins.evidence(hunks, document.word_count)
            detection = replace(
                detection, document=self.fill_ins.document_score(detection.document, evidence))
        for proposer in self.proposers:  # a later proposer's hunks win where they overlap
            hunks = prefer(proposer.propose(document, detection), hunks)
        # Confirmations have done their work; and a phrase's words are prose, but the
        # markup between them ("thirty <b>day</b> period") is not, and stays.
        fragments = _fragments(document)
        hunks = [h for h in hunks if h.changes and not document.protects(h.start, h.end)
                 and not any(h.start < end and start < h.end for start, end in fragments)]
        return Analysis(
            text=text,
            spin_score=detection.document,
            sentences=[
                SentenceScore(s.start, s.end, float(score))
                for s, score in zip(document.sentences, detection.sentences, strict=True)
            ],
            tokens=[
                TokenScore(t.start, t.end, float(score))
                for sentence, scores in zip(document.sentences, detection.tokens, strict=True)
                for t, score in zip(sentence.tokens, scores, strict=True)
                if score >= MIN_CONFIDENCE
            ],
            hunks=hunks,
        )

    def segment(self, text: str) -> Document:
        """Sentences and tokens with offsets."""
        return segment(text)

    def candidates(self, document: Document) -> list[Candidate]:
        """Every possible original the lexicon and rules know of."""
        return self.generator.generate(document)

    def rank(self, document: Document, candidates: list[Candidate]) -> np.ndarray:
        """Probability that each candidate is the original wording."""
        return self.ranker.score(document, candidates)

    def detect(
        self, document: Document, candidates: list[Candidate], probabilities: np.ndarray
    ) -> Detection:
        """Token, sentence and document spin scores."""
        return self.detector.detect(document, candidates, probabilities)

    def hunks(
        self, document: Document, candidates: list[Candidate], probabilities: np.ndarray
    ) -> list[Hunk]:
        """The best non-overlapping restorations, each with its alternatives."""
        by_span: dict[Span, list[tuple[float, str]]] = {}
        for c, p in zip(candidates, probabilities, strict=True):
            by_span.setdefault(span_of(c), []).append((float(p), c.text))
        proposals = []
        for (sentence, first, last), options in by_span.items():
            options.sort(reverse=True)
            best, text = options[0]
            if best < MIN_CONFIDENCE:
                continue
            tokens = document.sentences[sentence].tokens
            start, end = tokens[first].start, tokens[last - 1].end
            alternatives = tuple(t for p, t in options[1 : 1 + MAX_ALTERNATIVES]
                                 if p >= MIN_CONFIDENCE)
            if text == "" and _opens(document.sentences[sentence], first, last):
                # the next word opens the sentence once the first go, so it takes
                # the capital: "Right after the talks" -> "After the talks"
                word = tokens[last].text
                tail = document.text[end : tokens[last].end]
                end, text = tokens[last].end, word[:1].upper() + word[1:]
                alternatives = tuple(a + tail for a in alternatives)
            elif text == "":
                start, end = absorb_space(document.text, start, end)
            proposals.append(
                Hunk(start, end, document.text[start:end], text, best, alternatives, "lexicon")
            )
        return disjoint(proposals)


def _fragments(document: Document) -> list[tuple[int, int]]:
    """The (start, end) of the sentences of fewer than `MIN_SENTENCE_WORDS` words
    among longer ones: a heading, a menu item, a link's text, which give too little
    to restore from ("Read more" -> "Said more")."""
    short = [(s.start, s.end) for s in document.sentences if s.word_count < MIN_SENTENCE_WORDS]
    return short if len(short) < len(document.sentences) else []


def _opens(sentence: Sentence, first: int, last: int) -> bool:
    """Whether tokens first..last-1 open the sentence and a lower-case word follows."""
    return (first == sentence.opening and last < len(sentence.tokens)
            and sentence.tokens[last].text[:1].islower())


def disjoint(hunks: list[Hunk]) -> list[Hunk]:
    """The most confident hunks that do not overlap, in text order."""
    chosen: list[Hunk] = []
    for hunk in sorted(hunks, key=lambda h: -h.confidence):
        if all(hunk.end <= other.start or hunk.start >= other.end for other in chosen):
            chosen.append(hunk)
    return sorted(chosen, key=lambda h: h.start)


def prefer(preferred: list[Hunk], others: list[Hunk]) -> list[Hunk]:
    """`preferred` hunks, plus those of `others` that overlap none of them."""
    kept = [h for h in others
            if all(h.end <= p.start or h.start >= p.end for p in preferred)]
    return sorted([*disjoint(preferred), *kept], key=lambda h: h.start)

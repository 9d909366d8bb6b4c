"""Detector: per-token spin probabilities from a fine-tuned MiniLM, and sentence and
document scores built on them.

`NeuralDetector.load(folder)` reads a checkpoint (`restore.neural.checkpoint`).
`token_logits(document)` runs the encoder over every sentence (a long one in
overlapping windows) and gives, per sentence, the log-odds that each
`restore.segmentation` token was spun: the largest of its wordpieces'.
`detect(document, statistical)` turns them into a `Detection`:

- tokens: a fitted 1-D logistic of the log-odds (Platt scaling), so 0.5 is
  even odds;
- sentences and document: the statistical detector's own scores where
  combining did not beat them on held-out text (`STATISTICAL`; so far it has
  not), else a logistic model on the neural sentence features together with
  the statistical sentence score (`python -m restore.neural.training combine`)
  and one on those sentence scores for the document; a checkpoint fresh from
  training has a model of the neural features alone.

The encoder's states for the last document stay available (`encode`),
because the seq2seq model reads the same encoder.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerBase

from restore.detection import DOCUMENT_FEATURES, Detection, document_features
from restore.errors import ModelError
from restore.neural.checkpoint import DETECTOR_FILE, load_weights, read_config
from restore.neural.encoder import (
    Windows,
    load_tokenizer,
    pad,
    pretrained_word_embeddings,
    token_maxima,
    wordpieces,
)
from restore.ranking import LogisticModel, logit
from restore.segmentation import Document, Sentence

TOKEN_FEATURES = ("logit",)
NEURAL_FEATURES = ("max_logit", "second_logit", "share_flagged")
COMBINED_FEATURES = (*NEURAL_FEATURES, "statistical_logit")
STATISTICAL = "statistical"  # neural.json's "sentence" when the engine's scores are kept
MAX_LENGTH = 128  # wordpieces per window; news sentences rarely need two
BATCH_SIZE = 32
_NO_SCORE = -20.0  # log-odds for a token the encoder never saw (a dropped character)
# Frozen in training, so these stay MiniLM's own: a checkpoint need not store
# them (23 MB), and loading reads them from the installed package instead.
PRETRAINED = "bert.embeddings.word_embeddings.weight"


ENCODER_KEYS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "hidden_act", "max_position_embeddings", "type_vocab_size",
                "layer_norm_eps", "pad_token_id")


def encoder_settings(config: BertConfig) -> dict:
    """What a checkpoint records of an encoder's configuration to rebuild it."""
    return {k: v for k, v in config.to_dict().items() if k in ENCODER_KEYS}


def build_detector(encoder: dict) -> BertForTokenClassification:
    """An untrained detector with the encoder settings `encoder` (`encoder_settings`)."""
    return BertForTokenClassification(BertConfig(**encoder, num_labels=2))


def load_detector(folder: Path, config: dict) -> BertForTokenClassification:
    """The fp32 detector of the checkpoint in `folder` whose `neural.json` is `config`.

    A checkpoint that leaves out the word embeddings (`PRETRAINED`) gets
    MiniLM's; one that holds its own (a user's fine-tuned model) keeps them.
    """
    model = build_detector(config["encoder"])
    if PRETRAINED not in load_weights(model, Path(folder) / DETECTOR_FILE, may_lack=(PRETRAINED,)):
        embeddings = model.get_parameter(PRETRAINED)
        pretrained = pretrained_word_embeddings()
        if pretrained.shape != embeddings.shape:
            raise ModelError(
                f"{Path(folder) / DETECTOR_FILE} stores no word embeddings and MiniLM's "
                f"({tuple(pretrained.shape)}) do not fit its encoder "
                f"({tuple(embeddings.shape)}); retrain with `python -m restore.neural.training`"
            )
        with torch.no_grad():
            embeddings.copy_(pretrained)
    return model


def quantized(model: torch.nn.Module) -> torch.nn.Module:
    """`model` with int8 linear layers, 2-2.5x faster on CPU (measured in bench/neural_bench.py).

    torch 2.13 (pinned) warns that quantized tensors will go in a future release.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


@dataclass
class Encoding:
    """One document through the encoder."""

    document: Document
    windows: Windows  # one or more per sentence (`windows.text_of` is the sentence index)
    embedded: list[torch.Tensor]  # per window, unpadded: (wordpieces, hidden size) ...
    hidden: list[torch.Tensor]  # ... from the embedding layer, and from the last layer
    token_logits: list[np.ndarray]  # per sentence, per token


class NeuralDetector:
    """Scores tokens, sentences and documents with a fine-tuned MiniLM."""

    def __init__(
        self, model: BertForTokenClassification, tokenizer: PreTrainedTokenizerBase, config: dict
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        # A checkpoint fresh from training has no fitted scorers yet: raw sigmoid, max token.
        token, sentence = config.get("token"), config.get("sentence")
        self.token_model = LogisticModel.from_json(token, TOKEN_FEATURES) if token else None
        self.keeps_statistical = sentence == STATISTICAL
        fitted = isinstance(sentence, dict)
        self.sentence_names = (
            COMBINED_FEATURES if fitted and "statistical_logit" in sentence["features"]
            else NEURAL_FEATURES
        )
        self.sentence_model = (
            LogisticModel.from_json(sentence, self.sentence_names) if fitted else None
        )
        document = config.get("document")
        self.document_model = (
            LogisticModel.from_json(document, DOCUMENT_FEATURES) if document else None
        )
        self._last: Encoding | None = None

    @classmethod
    def load(cls, folder: Path, quantize: bool = True) -> NeuralDetector:
        """The detector of the checkpoint in `folder`; int8 on CPU unless `quantize` is False."""
        config = read_config(folder)
        try:
            model = load_detector(folder, config)
            tokenizer = load_tokenizer(folder)
            # Without its tokenizer.json, a folder gives a tokenizer of a handful of
            # wordpieces that reads every word as [UNK], and loads without complaint.
            if len(tokenizer) != config["encoder"]["vocab_size"]:
                raise ModelError(
                    f"the tokenizer in {folder} knows {len(tokenizer):,} wordpieces, the "
                    f"detector {config['encoder']['vocab_size']:,}: tokenizer.json is missing "
                    "or belongs to another model; copy the checkpoint's own"
                )
            detector = cls(quantized(model) if quantize else model, tokenizer, config)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"the neural checkpoint in {folder} is incomplete ({error})") \
                from error
        return detector

    # ------------------------------------------------------------- encoding
    def encode(self, document: Document) -> Encoding:
        """Encoder states and token log-odds of `document` (the last one is kept)."""
        if self._last is not None and self._last.document is document:
            return self._last
        texts = [document.text[s.start : s.end] for s in document.sentences]
        windows = wordpieces(self.tokenizer, texts, MAX_LENGTH)
        embedded: list[torch.Tensor | None] = [None] * len(windows.input_ids)
        hidden: list[torch.Tensor | None] = [None] * len(windows.input_ids)
        piece_logits: list[np.ndarray | None] = [None] * len(windows.input_ids)
        order = sorted(range(len(windows.input_ids)), key=lambda i: len(windows.input_ids[i]))
        with torch.inference_mode():
            for first in range(0, len(order), BATCH_SIZE):
                batch = order[first : first + BATCH_SIZE]
                ids, mask = pad([windows.input_ids[i] for i in batch])
                out = self.model.bert(input_ids=ids, attention_mask=mask,
                                      output_hidden_states=True)
                states = out.last_hidden_state
                scores = self.model.classifier(states)
                odds = (scores[..., 1] - scores[..., 0]).numpy()
                for row, i in enumerate(batch):
                    n = len(windows.input_ids[i])
                    embedded[i] = out.hidden_states[0][row, :n].clone()
                    hidden[i], piece_logits[i] = states[row, :n].clone(), odds[row, :n]
        token_logits = []
        for index, sentence in enumerate(document.sentences):
            spans = [(t.start - sentence.start, t.end - sentence.start) for t in sentence.tokens]
            per_window = [
                token_maxima(piece_logits[w], windows.offsets[w], spans, _NO_SCORE)
                for w, owner in enumerate(windows.text_of) if owner == index
            ]
            token_logits.append(np.max(per_window, axis=0) if per_window
                                else np.full(len(spans), _NO_SCORE))
        self._last = Encoding(document, windows, embedded, hidden, token_logits)
        return self._last

    def token_logits(self, document: Document) -> list[np.ndarray]:
        """Per sentence, per token: the uncalibrated log-odds that it was spun."""
        return self.encode(document).token_logits

    def calibrate(self, odds: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for raw token log-odds."""
        odds = np.asarray(odds, dtype=float)
        if self.token_model is None:
            return 1.0 / (1.0 + np.exp(-odds))
        return self.token_model.predict(odds.reshape(-1, 1))

    # ------------------------------------------------------------ detection
    def detect(self, document: Document, statistical: Detection | None = None) -> Detection:
        """Token, sentence and document scores; `statistical` is the engine's
        own detection, needed unless the checkpoint scores sentences alone."""
        odds = self.token_logits(document)
        tokens = [self.calibrate(o) for o in odds]
        needs_statistical = self.keeps_statistical or self.sentence_names == COMBINED_FEATURES
        if needs_statistical and statistical is None:
            raise ValueError("this checkpoint builds on the statistical detection: pass it")
        if self.keeps_statistical:
            return Detection(tokens, statistical.sentences, statistical.document)
        rows = sentence_features(document.sentences, odds, tokens)
        if self.sentence_names == COMBINED_FEATURES:
            rows = np.hstack([rows, logit(statistical.sentences).reshape(-1, 1)])
        if self.sentence_model is None:
            sentences = np.asarray([p.max(initial=0.0) for p in tokens])
        else:
            sentences = self.sentence_model.predict(rows) if len(rows) else np.zeros(0)
        if self.document_model is not None:
            doc = float(self.document_model.predict(
                document_features(document, sentences)[None, :])[0])
        else:
            doc = statistical.document if statistical is not None else float(
                sentences.max(initial=0.0))
        return Detection(tokens, sentences, doc)


def sentence_features(
    sentences: tuple[Sentence, ...], odds: list[np.ndarray], probabilities: list[np.ndarray]
) -> np.ndarray:
    """One row of `NEURAL_FEATURES` per sentence."""
    rows = []
    for sentence, o, p in zip(sentences, odds, probabilities, strict=True):
        words = [t.is_word for t in sentence.tokens]
        top = np.sort(o)[::-1]
        rows.append([
            top[0] if len(top) else _NO_SCORE,
            top[1] if len(top) > 1 else _NO_SCORE,
            float((p[words] >= 0.5).sum()) / max(1, sum(words)),
        ])
    return np.asarray(rows, dtype=float).reshape(-1, len(NEURAL_FEATURES))


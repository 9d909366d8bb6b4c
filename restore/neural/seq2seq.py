"""Seq2seq: P(original sentence | spun sentence) from a small decoder over the detector's encoder.

The model is a BERT-to-BERT encoder-decoder. The encoder is the detector's
fine-tuned MiniLM, frozen and shared, so a document is encoded once for both.
The decoder is a transformers `BertLMHeadModel` (2 layers, hidden 384),
started from MiniLM's first two layers, its cross-attention from their
self-attention; its input and output embeddings are the encoder's (frozen)
word embeddings, so the checkpoint stores only the decoder layers.

The decoder attends to the encoder's embedding-layer states as well as its
last-layer ones (`memory`): fine-tuning for detection leaves little of the
words' identity in the last layer, and a decoder that sees only that layer
does not learn to copy in the time CPU training has (held-out loss 4.6 nats
per wordpiece after 1,200 steps, against 2.7 after 200 with both layers).

`Seq2SeqScorer.gains(document, candidates, probabilities, detection)` scores
candidate restorations; it never writes wording of its own (see
`restore.neural.rescoring` for why and how the scores are used). It looks only
at sentences the detection flags, and in them only at spans the ranker or the
detection points to, the `top_k` best candidates of each. Each candidate is
scored by teacher forcing: the decoder's log-probability of the sentence with
the candidate in place, minus that of the sentence as it stands, summed from
the first wordpiece that differs to `window` wordpieces past the change (the
shared prefix cancels; beyond the window the difference fades).
`greedy` decodes freely, only to measure what the decoder would write alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertLMHeadModel, BertModel

from restore.candidates import Candidate, Span, span_of
from restore.detection import Detection
from restore.errors import ModelError
from restore.neural.checkpoint import SEQ2SEQ_FILE, load_weights, read_config
from restore.neural.detector import NeuralDetector, quantized
from restore.neural.encoder import pad
from restore.segmentation import Document

DECODER_LAYERS = 2
SHARED = ("bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight")
DEFAULTS = {"top_k": 3, "window": 3, "sentence_gate": 0.2, "span_floor": 0.02,
            "token_gate": 0.3}
BATCH_SIZE = 64


def build_decoder(encoder_config: dict, encoder: BertModel, layers: int = DECODER_LAYERS
                  ) -> BertLMHeadModel:
    """An untrained decoder over `encoder`, sharing its word embeddings."""
    config = BertConfig(**{**encoder_config, "num_hidden_layers": layers},
                        is_decoder=True, add_cross_attention=True, tie_word_embeddings=True)
    decoder = BertLMHeadModel(config)
    share_embeddings(decoder, encoder)
    return decoder


def share_embeddings(decoder: BertLMHeadModel, encoder: BertModel) -> None:
    """Make the decoder read and predict through the encoder's word embeddings."""
    decoder.set_input_embeddings(encoder.get_input_embeddings())
    decoder.tie_weights()


def warm_start(decoder: BertLMHeadModel, pretrained: BertModel) -> None:
    """Copy the position embeddings and the first layers of `pretrained` into
    `decoder` (the word embeddings are the encoder's already), each layer's
    self-attention into its cross-attention too; the output transform stays fresh."""
    source = pretrained.state_dict()
    own = decoder.state_dict()
    copied = {f"bert.{name}": tensor for name, tensor in source.items()
              if f"bert.{name}" in own and f"bert.{name}" not in SHARED
              and own[f"bert.{name}"].shape == tensor.shape}
    copied |= {name: copied[name.replace(".crossattention.", ".attention.")]
               for name in own if ".crossattention." in name}
    decoder.load_state_dict(copied, strict=False)


def memory(embedded: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
    """What the decoder attends to: the encoder's embedding-layer and last-layer
    states, one after the other along the wordpiece axis."""
    return torch.cat([embedded, hidden], dim=-2)


def teacher_forced(
    decoder: BertLMHeadModel,
    states: torch.Tensor,
    state_mask: torch.Tensor,
    sequences: Sequence[Sequence[int]],
    positions: Sequence[Sequence[int]],
) -> list[torch.Tensor]:
    """Log-probabilities of `sequences[i][j]` for each j in `positions[i]` given
    the wordpieces before it and the encoder `states` of row i.

    Only the scored positions go through the vocabulary-sized output layer,
    which costs more than the rest of the decoder.
    """
    width = max(max(p) for p in positions)  # the input stops before the last scored piece
    ids, mask = pad([s[:width] for s in sequences])
    hidden = decoder.bert(input_ids=ids, attention_mask=mask, encoder_hidden_states=states,
                          encoder_attention_mask=state_mask).last_hidden_state
    rows = torch.cat([torch.full((len(p),), i) for i, p in enumerate(positions)])
    cols = torch.cat([torch.as_tensor(p) - 1 for p in positions])  # position j-1 predicts j
    targets = torch.as_tensor([s[j] for s, p in zip(sequences, positions, strict=True) for j in p])
    scores = torch.log_softmax(decoder.cls(hidden[rows, cols]), dim=-1)
    picked = scores.gather(1, targets[:, None])[:, 0]
    return list(picked.split([len(p) for p in positions]))


@dataclass
class _Job:
    """One decoder pass: wordpieces `ids` of sentence `sentence`, scored at `positions`."""

    sentence: int
    ids: list[int]
    positions: list[int]
    candidate: int  # index into the candidates, or -1 for the sentence as it stands


class Seq2SeqScorer:
    """Scores candidate restorations of flagged sentences with the seq2seq model."""

    def __init__(self, detector: NeuralDetector, decoder: BertLMHeadModel, config: dict) -> None:
        self.detector, self.decoder = detector, decoder.eval()
        self.settings = {**DEFAULTS, **config.get("seq2seq", {})}

    @classmethod
    def load(cls, folder: Path, detector: NeuralDetector, quantize: bool = True
             ) -> Seq2SeqScorer:
        """The seq2seq model of the checkpoint in `folder`, over `detector`'s encoder."""
        config = read_config(folder)
        if "decoder" not in config:
            raise ModelError(f"the neural checkpoint in {folder} has no seq2seq model; "
                             "train it with `python -m restore.neural.training seq2seq`")
        try:
            # Word embeddings are never quantized, so the detector's serve both models.
            decoder = build_decoder(config["encoder"], detector.model.bert,
                                    config["decoder"]["layers"])
        except (KeyError, TypeError) as error:
            raise ModelError(f"the neural checkpoint in {folder} is incomplete ({error})") \
                from error
        load_weights(decoder, Path(folder) / SEQ2SEQ_FILE, may_lack=SHARED)
        share_embeddings(decoder, detector.model.bert)
        return cls(detector, quantized(decoder) if quantize else decoder, config)

    def gains(
        self,
        document: Document,
        candidates: list[Candidate],
        probabilities: np.ndarray,
        detection: Detection,
    ) -> np.ndarray:
        """Per candidate, the decoder's log-probability gain over the wording as it
        stands; NaN for candidates it did not look at."""
        gains = np.full(len(candidates), np.nan)
        encoding = self.detector.encode(document)
        windows = encoding.windows
        counts = Counter(windows.text_of)
        single = {s: w for w, s in enumerate(windows.text_of) if counts[s] == 1}
        chosen = self._chosen(candidates, probabilities, detection, set(single))
        if not chosen:
            return gains
        jobs = []  # first each sentence as it stands, scored throughout
        for s in sorted({candidates[i].sentence for i in chosen}):
            ids = windows.input_ids[single[s]]
            jobs.append(_Job(s, ids, list(range(1, len(ids))), -1))
        texts = []
        for i in chosen:
            c = candidates[i]
            sentence = document.sentences[c.sentence]
            start, end = sentence.tokens[c.first].start, sentence.tokens[c.last - 1].end
            texts.append(document.text[sentence.start : start] + c.text
                         + document.text[end : sentence.end])
        window = self.settings["window"]
        regions: dict[int, tuple[int, int]] = {}  # candidate -> observed region [first, end)
        for i, ids in zip(chosen, self.detector.tokenizer(texts)["input_ids"], strict=True):
            observed = windows.input_ids[single[candidates[i].sentence]]
            first, tail = _difference(observed, ids)
            if first == len(ids) == len(observed):  # same wordpieces: a change of case only
                gains[i] = 0.0
                continue
            end = min(len(ids), len(ids) - tail + window)
            regions[i] = (first, min(len(observed), len(observed) - tail + window))
            jobs.append(_Job(candidates[i].sentence, list(ids), list(range(first, end)), i))
        memories = {s: memory(encoding.embedded[w], encoding.hidden[w]) for s, w in single.items()}
        scores = self._score(jobs, memories)
        # cumulative[s][m]: log-probability of wordpieces 1..m of sentence s as it stands
        cumulative = {job.sentence: np.concatenate([[0.0], np.cumsum(scored)])
                      for job, scored in zip(jobs, scores, strict=True) if job.candidate < 0}
        for job, scored in zip(jobs, scores, strict=True):
            if job.candidate >= 0:
                first, end = regions[job.candidate]
                before = cumulative[job.sentence][end - 1] - cumulative[job.sentence][first - 1]
                gains[job.candidate] = float(scored.sum()) - before
        return gains

    def _chosen(
        self,
        candidates: list[Candidate],
        probabilities: np.ndarray,
        detection: Detection,
        sentences: set[int],
    ) -> list[int]:
        """The candidates worth a decoder pass (see the module docstring)."""
        settings = self.settings
        by_span: dict[Span, list[int]] = {}
        for i, c in enumerate(candidates):
            if c.sentence in sentences and detection.sentences[c.sentence] >= settings[
                    "sentence_gate"]:
                by_span.setdefault(span_of(c), []).append(i)
        chosen = []
        for (sentence, first, last), members in by_span.items():
            members.sort(key=lambda i: -probabilities[i])
            pointed = detection.tokens[sentence][first:last].max(initial=0.0)
            if probabilities[members[0]] >= settings["span_floor"] or pointed >= settings[
                    "token_gate"]:
                chosen += members[: settings["top_k"]]
        return sorted(chosen)

    def _score(self, jobs: list[_Job], memories: dict[int, torch.Tensor]) -> list[np.ndarray]:
        order = sorted(range(len(jobs)), key=lambda i: len(jobs[i].ids))
        out: list[np.ndarray] = [np.zeros(0)] * len(jobs)
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                batch = [jobs[i] for i in order[start : start + BATCH_SIZE]]
                states, mask = pad_states([memories[j.sentence] for j in batch])
                scores = teacher_forced(self.decoder, states, mask, [j.ids for j in batch],
                                        [j.positions for j in batch])
                for i, s in zip(order[start : start + BATCH_SIZE], scores, strict=True):
                    out[i] = s.numpy()
        return out


def pad_states(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Encoder states of several sentences padded to one tensor, with their mask."""
    width = max(s.shape[0] for s in states)
    out = torch.zeros(len(states), width, states[0].shape[1])
    mask = torch.zeros(len(states), width, dtype=torch.long)
    for i, s in enumerate(states):
        out[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    return out, mask


def _difference(a: Sequence[int], b: Sequence[int]) -> tuple[int, int]:
    """Length of the common prefix of `a` and `b`, and of the common suffix of the rest."""
    first = 0
    while first < min(len(a), len(b)) and a[first] == b[first]:
        first += 1
    tail = 0
    while tail < min(len(a), len(b)) - first and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return first, tail


def greedy(
    decoder: BertLMHeadModel,
    states: torch.Tensor,
    state_mask: torch.Tensor,
    start: int,
    stop: int,
    max_length: int,
) -> list[list[int]]:
    """Free (greedy) decoding, for measuring what the decoder would write alone."""
    ids = torch.full((states.shape[0], 1), start, dtype=torch.long)
    done = torch.zeros(states.shape[0], dtype=torch.bool)
    with torch.inference_mode():
        for _ in range(max_length):
            hidden = decoder.bert(input_ids=ids, encoder_hidden_states=states,
                                  encoder_attention_mask=state_mask).last_hidden_state
            step = decoder.cls(hidden[:, -1]).argmax(-1)
            step[done] = stop
            ids = torch.cat([ids, step[:, None]], dim=1)
            done |= step == stop
            if done.all():
                break
    return [row[1 : row.index(stop)] if stop in row else row[1:] for row in ids.tolist()]

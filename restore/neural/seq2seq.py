"""Seq2seq: P(original sentence | spun sentence) from a small decoder over the detector's encoder.

The model is a BERT-to-BERT encoder-decoder. The encoder is the detector's
fine-tuned MiniLM, frozen and shared, so a document is encoded once for both.
The decoder is a transformers `BertLMHeadModel` (2 layers, hidden 384),
started from the encoder's first two layers, its cross-attention from their
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
at sentences the detection flags, and in them only at spans whose best
candidate the ranker gives at least `span_floor`, the `top_k` best candidates
of each. Each candidate is scored by teacher forcing: the decoder's
log-probability of the sentence with the candidate in place, minus that of the
sentence as it stands, summed from the first wordpiece that differs to `window`
wordpieces past the change (the shared prefix cancels; beyond the window the
difference fades). `rewording_gains` computes them for a whole document in a
few decoder passes, reading each shared prefix once.
`greedy` decodes freely, only to measure what the decoder would write alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertLMHeadModel, BertModel
from transformers.cache_utils import EncoderDecoderCache

from restore.candidates import Candidate, Span, span_of
from restore.detection import Detection
from restore.errors import ModelError
from restore.neural.checkpoint import SEQ2SEQ_FILE, load_weights, read_config
from restore.neural.detector import NeuralDetector, quantized
from restore.neural.encoder import pad
from restore.segmentation import Document

DECODER_LAYERS = 2
SHARED = ("bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight")
# Sentences read, and rewordings scored, per decoder pass: large enough that the
# passes are few, small enough that their states take tens of megabytes.
SENTENCES_PER_PASS, VARIANTS_PER_PASS = 16, 64
# On 40 dev and 40 test documents, spans whose best candidate the ranker gave
# under 0.2 (or that only the detector pointed to) never changed an applied
# edit once rescored, and were half the decoder's work.
DEFAULTS = {"top_k": 3, "window": 3, "sentence_gate": 0.2, "span_floor": 0.2}


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
    ids, mask = (t.to(states.device) for t in pad([s[:width] for s in sequences]))
    hidden = decoder.bert(input_ids=ids, attention_mask=mask, encoder_hidden_states=states,
                          encoder_attention_mask=state_mask).last_hidden_state
    rows = torch.cat([torch.full((len(p),), i) for i, p in enumerate(positions)])
    cols = torch.cat([torch.as_tensor(p) - 1 for p in positions])  # position j-1 predicts j
    targets = torch.as_tensor([s[j] for s, p in zip(sequences, positions, strict=True) for j in p],
                              device=states.device)
    scores = torch.log_softmax(decoder.cls(hidden[rows, cols]), dim=-1)
    picked = scores.gather(1, targets[:, None])[:, 0]
    return list(picked.split([len(p) for p in positions]))


# A rewording of observed sentence `row`: its wordpieces `ids` agree with the
# sentence's on the first `first`; it is scored at positions first..end-1,
# against the sentence's own at positions first..observed_end-1.
Variant = tuple[int, list[int], int, int, int]


def rewording_gains(
    decoder: BertLMHeadModel, states: Sequence[torch.Tensor], observed: Sequence[Sequence[int]],
    variants: Sequence[Variant],
) -> np.ndarray:
    """For each variant, the decoder's log-probability of its wordpieces minus that
    of the observed sentence's it replaces, given the encoder `states` of each
    observed sentence.

    The decoder reads the observed sentences once and keeps their keys and
    values; each variant reuses them for the prefix it shares with its sentence
    and runs only from its first change on: a few wordpieces instead of the
    whole sentence, in a few large batches rather than one pass per candidate.
    Sentences go `SENTENCES_PER_PASS` at a time, so a long document takes no
    more memory than a short one.
    """
    gains = np.zeros(len(variants))
    for start in range(0, len(observed), SENTENCES_PER_PASS):
        end = start + SENTENCES_PER_PASS
        members = [k for k, (row, *_) in enumerate(variants) if start <= row < end]
        if members:
            gains[members] = _gains_in_pass(
                decoder, states[start:end], observed[start:end],
                [(variants[k][0] - start, *variants[k][1:]) for k in members],
            )
    return gains


def _gains_in_pass(
    decoder: BertLMHeadModel, states: Sequence[torch.Tensor], observed: Sequence[Sequence[int]],
    variants: Sequence[Variant],
) -> np.ndarray:
    """`rewording_gains` for sentences few enough to go through the decoder together."""
    with torch.inference_mode():
        memories, memory_mask = pad_states(states)
        ids, mask = pad([list(o[:-1]) for o in observed])
        out = decoder.bert(input_ids=ids, attention_mask=mask, encoder_hidden_states=memories,
                           encoder_attention_mask=memory_mask, use_cache=True)
        # (sentence, wordpiece) pairs the variants replace; position j - 1 predicts wordpiece j
        replaced = {(row, j): None for row, _, first, _, end in variants for j in range(first, end)}
        index = {key: k for k, key in enumerate(replaced)}
        rows = [out.last_hidden_state[[r for r, _ in index], [j - 1 for _, j in index]]]
        targets = [[observed[r][j] for r, j in index]]
        layers = list(zip(out.cache.self_attention_cache.layers,
                          out.cache.cross_attention_cache.layers, strict=True))
        for start in range(0, len(variants), VARIANTS_PER_PASS):
            batch = variants[start : start + VARIANTS_PER_PASS]
            owner = torch.as_tensor([row for row, *_ in batch])
            kept = torch.as_tensor([first - 1 for _, _, first, _, _ in batch])
            width = int(kept.max())
            # each row reads the first `kept` cached wordpieces of its sentence, then its own
            cache = EncoderDecoderCache([
                (own.keys[owner, :, :width], own.values[owner, :, :width],
                 cross.keys[owner], cross.values[owner])
                for own, cross in layers
            ])
            suffixes, suffix_mask = pad([sequence[first - 1 : end - 1]
                                         for _, sequence, first, end, _ in batch])
            prefix_mask = (torch.arange(width)[None, :] < kept[:, None]).long()
            hidden = decoder.bert(
                input_ids=suffixes, attention_mask=torch.cat([prefix_mask, suffix_mask], dim=1),
                position_ids=kept[:, None] + torch.arange(suffixes.shape[1])[None, :],
                encoder_hidden_states=memories[owner], encoder_attention_mask=memory_mask[owner],
                cache=cache, use_cache=True,
            ).last_hidden_state
            for row, (_, sequence, first, end, _) in enumerate(batch):
                rows.append(hidden[row, : end - first])
                targets.append(sequence[first:end])
        # one pass through the vocabulary-sized output layer, which costs the most
        picked = _picked(decoder, torch.cat(rows), [t for part in targets for t in part])
    before, after = picked[: len(index)], np.split(picked[len(index) :],
                                                    np.cumsum([len(t) for t in targets[1:-1]]))
    return np.asarray([
        float(scores.sum()) - sum(before[index[row, j]] for j in range(first, end))
        for (row, _, first, _, end), scores in zip(variants, after, strict=True)
    ])


def _picked(decoder: BertLMHeadModel, hidden: torch.Tensor, targets: Sequence[int]) -> np.ndarray:
    """Log-probabilities of `targets`, one per row of decoder states `hidden`."""
    scores = torch.log_softmax(decoder.cls(hidden), dim=-1)
    return scores.gather(1, torch.as_tensor(list(targets))[:, None])[:, 0].numpy()


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
        texts = []
        for i in chosen:
            c = candidates[i]
            sentence = document.sentences[c.sentence]
            start, end = sentence.tokens[c.first].start, sentence.tokens[c.last - 1].end
            texts.append(document.text[sentence.start : start] + c.text
                         + document.text[end : sentence.end])
        window = self.settings["window"]
        scored: list[int] = []  # the candidates in `variants`
        variants: list[Variant] = []
        rows: dict[int, int] = {}  # sentence -> its row among the observed ones
        for i, ids in zip(chosen, self.detector.tokenizer(texts)["input_ids"], strict=True):
            sentence = candidates[i].sentence
            observed = windows.input_ids[single[sentence]]
            first, tail = _difference(observed, ids)
            if first == len(ids) == len(observed):  # same wordpieces: a change of case only
                gains[i] = 0.0
                continue
            scored.append(i)
            variants.append((rows.setdefault(sentence, len(rows)), list(ids), first,
                             min(len(ids), len(ids) - tail + window),
                             min(len(observed), len(observed) - tail + window)))
        if variants:
            owners = [single[s] for s in rows]
            gains[scored] = rewording_gains(
                self.decoder, [memory(encoding.embedded[w], encoding.hidden[w]) for w in owners],
                [windows.input_ids[w] for w in owners], variants,
            )
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
        for members in by_span.values():
            members.sort(key=lambda i: -probabilities[i])
            if probabilities[members[0]] >= settings["span_floor"]:
                chosen += members[: settings["top_k"]]
        return sorted(chosen)


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

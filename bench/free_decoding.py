"""What the seq2seq would restore if it wrote on its own, beside what the pipeline restores.

The engine uses the seq2seq only to rescore candidates (`restore.neural.rescoring`).
This script measures what letting it write would add: every sentence of each
spun document is decoded greedily, and the decoded words are aligned with the
spun ones, as the pipeline's restored words and the original's are. Edits are
word-level and uncased (MiniLM's vocabulary is uncased): (first spun word, end,
replacement words). It prints:

    decoder alone       the share of gold edits its decoding makes, and of its edits that are gold
    pipeline            the same for `restore --auto --neural --seq2seq`
    where the pipeline made none
                        the decoder's edits on spun words the pipeline left alone, and how
                        many of them are gold: what its rewrites could add as candidates
    clean originals     words the decoder changes per 1,000 words of the originals

    python bench/make_eval_pairs.py --split test --out test_pairs.jsonl
    python bench/free_decoding.py --pairs test_pairs.jsonl --limit 60
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

import torch

from restore.evaluation import read_pairs, spread
from restore.neural.checkpoint import DEFAULT_FOLDER
from restore.neural.detector import NeuralDetector
from restore.neural.seq2seq import Seq2SeqScorer, greedy
from restore.neural.training import TRAIN_LENGTH, encoded
from restore.pipeline import Restorer
from restore.segmentation import segment

Edit = tuple[int, int, tuple[str, ...]]


class FreeDecoder:
    """The checkpoint's seq2seq, unquantized, decoding whole sentences greedily."""

    def __init__(self, folder: Path) -> None:
        detector = NeuralDetector.load(folder, quantize=False)
        self.encoder = detector.model.bert
        self.decoder = Seq2SeqScorer.load(folder, detector, quantize=False).decoder
        self.tokenizer = detector.tokenizer
        # Whole documents are split into words here; only sentences reach the model.
        self.tokenizer.model_max_length = 1_000_000

    def words(self, text: str) -> list[str]:
        """Lower-cased words as MiniLM splits them, wordpieces joined."""
        out: list[str] = []
        for piece in self.tokenizer.tokenize(text):
            if piece.startswith("##") and out:
                out[-1] += piece[2:]
            else:
                out.append(piece)
        return out

    def rewrite(self, text: str) -> list[str]:
        """The words of `text` as the decoder writes it back, sentence by sentence;
        sentences longer than it was trained on stay as they are."""
        sentences = [text[s.start : s.end] for s in segment(text).sentences]
        ids = self.tokenizer(sentences)["input_ids"]
        out = [self.words(s) for s in sentences]
        short = [i for i, row in enumerate(ids) if len(row) <= TRAIN_LENGTH]
        for first in range(0, len(short), 32):
            rows = short[first : first + 32]
            states, mask = encoded(self.encoder, [ids[i] for i in rows])
            decoded = greedy(self.decoder, states, mask, self.tokenizer.cls_token_id,
                             self.tokenizer.sep_token_id, states.shape[1] // 2 + 8)
            for i, row in zip(rows, decoded, strict=True):
                out[i] = self.words(self.tokenizer.decode(row))
        return [w for sentence in out for w in sentence]


def edits(before: list[str], after: list[str]) -> set[Edit]:
    """The word-level edits that turn `before` into `after`."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return {(i1, i2, tuple(after[j1:j2]))
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"}


def spans(found: set[Edit]) -> set[int]:
    """Spun word positions the edits touch (an insertion touches the word after it)."""
    return {i for i1, i2, _ in found for i in range(i1, max(i2, i1 + 1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", required=True, type=Path, help="JSON Lines of {spun, original}")
    parser.add_argument("--limit", type=int, default=60,
                        help="pairs to read, spread over the file (to keep its mix of sources)")
    parser.add_argument("--neural", type=Path, default=DEFAULT_FOLDER, help="checkpoint folder")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    pairs = spread(read_pairs(args.pairs), args.limit)
    free = FreeDecoder(args.neural)
    restorer = Restorer.load(None, neural=args.neural, seq2seq=True)
    counts = dict.fromkeys(("gold", "decoded", "decoded_right", "pipeline", "pipeline_right",
                            "extra", "extra_right", "clean_changes", "clean_words"), 0)
    with torch.inference_mode():
        for n, (spun_text, original_text) in enumerate(pairs, 1):
            spun, original = free.words(spun_text), free.words(original_text)
            restored = free.words(restorer.analyse(spun_text).restored(restorer.threshold))
            gold = edits(spun, original)
            decoded = edits(spun, free.rewrite(spun_text))
            made = edits(spun, restored)
            extra = {e for e in decoded if not spans({e}) & spans(made)}
            counts["gold"] += len(gold)
            counts["decoded"] += len(decoded)
            counts["decoded_right"] += len(decoded & gold)
            counts["pipeline"] += len(made)
            counts["pipeline_right"] += len(made & gold)
            counts["extra"] += len(extra)
            counts["extra_right"] += len(extra & gold)
            counts["clean_changes"] += len(edits(original, free.rewrite(original_text)))
            counts["clean_words"] += len(original)
            if n % 10 == 0:
                print(f"{n}/{len(pairs)} pairs", flush=True)
    c = counts
    print(f"{len(pairs)} pairs, {c['gold']:,} gold edits (word-level, uncased)")
    for name in ("decoded", "pipeline"):
        print(f"{'decoder alone' if name == 'decoded' else 'pipeline':14s} "
              f"recall {c[name + '_right'] / c['gold']:.3f}  "
              f"precision {c[name + '_right'] / max(1, c[name]):.3f}  ({c[name]:,} edits)")
    print(f"decoder edits where the pipeline made none: {c['extra']:,}, of which gold "
          f"{c['extra_right']:,} (+{c['extra_right'] / c['gold']:.3f} recall, precision "
          f"{c['extra_right'] / max(1, c['extra']):.3f})")
    print(f"decoder changes on the clean originals: "
          f"{1000 * c['clean_changes'] / c['clean_words']:.1f} per 1,000 words")


if __name__ == "__main__":
    main()

"""Training: regenerate the neural models in `models/neural/` from `../shared/data`.

    python -m restore.neural.training detector --shared ../shared --out models/neural --steps N
    python -m restore.neural.training seq2seq  --shared ../shared --out models/neural --steps N
    python -m restore.neural.training combine  --shared ../shared --out models/neural

Data: train-split news documents in fixed parts of the seeded shuffle that
`restore.build` takes the statistical engine's documents from, counted from
its other end, so that no model is calibrated on what it or the engine was
trained on: one part for the detector, a wider one for the seq2seq (the
detector's and its own: it learns from the encoder's output, and nothing is
calibrated there), and one held out for calibration and for combining the
neural scores with the engine's. The project's spinner (`restore.spinner`)
makes the (spun, original) pairs; `restore.training.gold_edits` gives the labels.

The seq2seq's sentence pairs can be made on one machine and trained on on
another, one with a GPU but without the corpus:

    python -m restore.neural.training seq2seq-pairs --docs 6000 --spins 4 --pairs P.jsonl.gz
    python -m restore.neural.training seq2seq --pairs P.jsonl.gz --device cuda --steps N

Every run is deterministic for its seed, logs progress to stderr, saves a
checkpoint under `--work` every `--checkpoint-every` steps and `--resume`
continues from the last one. The shipped files are written at the end, in
fp16, with a model card.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from transformers import BertForTokenClassification, BertModel, get_linear_schedule_with_warmup

from restore.build import LEXICON_DOCS, SCORER_DOCS
from restore.candidates import best_by_span
from restore.corpus import DEFAULT_SHARED, NEWS_SOURCES, iter_documents
from restore.detection import DOCUMENT_FEATURES, Detection, document_features
from restore.errors import InputError, reported
from restore.hunk import apply_hunks
from restore.neural.checkpoint import (
    CONFIG_FILE,
    DEFAULT_FOLDER,
    DETECTOR_FILE,
    SEQ2SEQ_FILE,
    read_config,
    save_weights,
    write_config,
)
from restore.neural.detector import (
    COMBINED_FEATURES,
    NEURAL_FEATURES,
    PRETRAINED,
    STATISTICAL,
    TOKEN_FEATURES,
    NeuralDetector,
    encoder_settings,
    load_detector,
    sentence_features,
)
from restore.neural.encoder import load_tokenizer, minilm_dir, pad, piece_labels
from restore.neural.rescoring import FEATURES, MODELS, MODES, Rescorer, features
from restore.neural.seq2seq import (
    DECODER_LAYERS,
    SHARED,
    Seq2SeqScorer,
    build_decoder,
    greedy,
    memory,
    teacher_forced,
    warm_start,
)
from restore.output import atomic_path, atomic_write, write_card
from restore.ranking import LogisticModel, logit
from restore.segmentation import segment
from restore.spinner import Spinner, SpunText
from restore.training import (
    MAX_CLEAN_EDITS_PER_1000,
    Example,
    candidate_labels,
    gold_edits,
    lowest_safe_threshold,
    sentence_labels,
    spin_documents,
    split_three,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_WORK = REPO / "work-data" / "neural"
# Parts of the seeded shuffle of train-split news, counted from its end: the
# statistical engine (`restore.build`) takes its documents from the head.
PARTS = {"detector": (-7000, -4000), "seq2seq": (-7000, -1000), "held_out": (-1000, None)}
TRAIN_LENGTH = 96  # wordpieces per training sentence
CLEAN_SHARE = 4  # every 4th training document stays clean, so clean sentences are seen whole
CPU = torch.device("cpu")


# ------------------------------------------------------------------- data
def part_documents(shared: Path, part: str, limit: int, seed: int = 0) -> list[str]:
    """Up to `limit` texts of one part (`PARTS`) of the train-split news."""
    docs = [d.text for d in iter_documents(shared, sources=NEWS_SOURCES, split="train")]
    shuffled = split_three(docs, seed, (1.0, 0.0))[0]  # the shuffle `restore.build` cuts
    held_out = len(docs) + PARTS["held_out"][0]
    if held_out < LEXICON_DOCS + SCORER_DOCS:
        raise InputError(f"the statistical engine learns from {LEXICON_DOCS + SCORER_DOCS} "
                         f"documents: too many to hold {-PARTS['held_out'][0]} out of "
                         f"{len(docs)}")
    first, last = PARTS[part]
    return shuffled[first:last][:limit]


def spun_pairs(texts: Sequence[str], spinner: Spinner, clean_every: int) -> list[SpunText]:
    """Spin the texts, leaving every `clean_every`-th one as it is (0: spin all)."""
    keep = {i for i in range(len(texts)) if clean_every and i % clean_every == clean_every - 1}
    spun = spin_documents([t for i, t in enumerate(texts) if i not in keep], spinner)
    by_index = iter(spun)
    return [SpunText(t, t, ()) if i in keep else next(by_index) for i, t in enumerate(texts)]


@dataclass
class LabelledSentence:
    """A sentence of spun (or clean) text and the gold edits in it, as offsets into it."""

    text: str
    gold: list[tuple[int, int]]


def labelled_sentences(spun: SpunText) -> list[LabelledSentence]:
    """The sentences of a spun text with their gold spans."""
    gold = sorted(gold_edits(spun))
    out = []
    for s in segment(spun.spun).sentences:
        spans = [(max(a, s.start) - s.start, min(b, s.end) - s.start)
                 for a, b in gold if a < s.end and b > s.start]
        out.append(LabelledSentence(spun.spun[s.start : s.end], spans))
    return out


def batch_plan(lengths: Sequence[int], batch_size: int, steps: int, seed: int) -> list[list[int]]:
    """`steps` batches of example indices, epoch after epoch, each epoch shuffled by
    `seed`; examples of similar length go together so little is padding."""
    plan: list[list[int]] = []
    epoch = 0
    while len(plan) < steps:
        rng = random.Random(seed * 1009 + epoch)
        order = list(range(len(lengths)))
        rng.shuffle(order)
        batches = []
        pool = batch_size * 50
        for start in range(0, len(order), pool):
            chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
            batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
        rng.shuffle(batches)
        plan += batches
        epoch += 1
    return plan[:steps]


# ------------------------------------------------------------ the loop
@dataclass
class Run:
    """What a training run needs besides the model."""

    name: str
    steps: int
    lr: float
    work: Path
    resume: bool
    seed: int
    log_every: int = 10
    checkpoint_every: int = 50
    device: torch.device = CPU


def train(
    run: Run,
    model: torch.nn.Module,
    plan: list[list[int]],
    loss: Callable[[list[int]], torch.Tensor],
) -> float:
    """Optimise the trainable parameters of `model` for `run.steps` batches of
    `plan`; gives the wall-clock seconds spent (over all resumed sessions)."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=run.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, max(1, run.steps // 16), run.steps)
    path = run.work / "checkpoint.pt"
    step, seconds = 0, 0.0
    torch.manual_seed(run.seed)
    if run.resume and path.is_file():
        state = torch.load(path, weights_only=False, map_location=run.device)
        if state["steps"] != run.steps or state["seed"] != run.seed:
            raise InputError(f"{path} is from a run with other --steps/--seed; "
                             "use the same values or drop --resume")
        try:
            model.load_state_dict(state["model"])
        except RuntimeError as error:  # another shape: other --layers, another encoder
            raise InputError(f"{path} is from a run with another model (such as other "
                             "--layers); use the same options or drop --resume") from error
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["rng"])
        step, seconds = state["step"], state["seconds"]
        _log(f"{run.name}: resuming at step {step}")
    model.train()
    started, losses = time.time() - seconds, []
    # Speed over the last logged steps only: the first steps of a run (a GPU's
    # warm-up above all) are several times slower than the rest.
    mark, marked_step = time.time(), step
    while step < run.steps:
        # bf16 on a GPU: several times the speed, and the loss is summed in fp32.
        with torch.autocast(run.device.type, torch.bfloat16, enabled=run.device.type == "cuda"):
            value = loss(plan[step])
        value.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(value.detach()))
        step += 1
        if step % run.log_every == 0 or step == run.steps:
            now = time.time()
            elapsed, per_step = now - started, (now - mark) / (step - marked_step)
            mark, marked_step = now, step
            _log(f"{run.name} step {step}/{run.steps} loss {np.mean(losses[-run.log_every:]):.4f}"
                 f" {per_step:.2f} s/step elapsed {elapsed / 60:.1f} min"
                 f" eta {(run.steps - step) * per_step / 60:.1f} min")
        if step % run.checkpoint_every == 0 or step == run.steps:
            run.work.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as temporary:
                torch.save({
                    "steps": run.steps, "seed": run.seed, "step": step,
                    "seconds": time.time() - started, "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                    "rng": torch.get_rng_state(),
                }, temporary)
    model.eval()
    return time.time() - started


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------- detector
def train_detector(args: argparse.Namespace) -> None:
    """Fine-tune MiniLM for spun-token classification, then calibrate it."""
    torch.manual_seed(args.seed)
    base = minilm_dir()
    tokenizer = load_tokenizer(base)
    work = args.work / "detector"
    data = _cached(_data_path(work, "detector", args), lambda: _detector_data(args, tokenizer))
    _log(f"detector: {len(data['ids'])} training sentences, "
         f"{sum(sum(x == 1 for x in labels) for labels in data['labels'])} spun wordpieces")
    model = BertForTokenClassification.from_pretrained(base, num_labels=2, local_files_only=True)
    # Frozen word embeddings: the seq2seq decoder shares them, so they are stored once.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    plan = batch_plan([len(x) for x in data["ids"]], args.batch, args.steps, args.seed)

    def loss(batch: list[int]) -> torch.Tensor:
        ids, mask = pad([data["ids"][i] for i in batch])
        labels, _ = pad([data["labels"][i] for i in batch], value=-100)
        return model(input_ids=ids, attention_mask=mask, labels=labels).loss

    run = Run("detector", args.steps, args.lr or 5e-5, work, args.resume, args.seed,
              checkpoint_every=args.checkpoint_every)
    seconds = train(run, model, plan, loss)
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(args.out)
    save_weights(model, args.out / DETECTOR_FILE, skip=(PRETRAINED,))
    write_config(args.out, {"encoder": encoder_settings(model.config)})
    metrics = calibrate_detector(args)
    write_card(args.out / "detector.md", "detector", {
        "what": "token classification (spun / not spun) on all-MiniLM-L6-v2 (6 layers, hidden "
                "384, uncased WordPiece), word embeddings frozen; int8 linear layers at run time",
        "data": f"{len(data['ids'])} sentences of {args.docs} train-split news documents "
                f"(part {PARTS['detector']} of the shuffled train split), "
                f"3 in 4 spun by restore.spinner (seed {args.seed}), 1 in 4 left clean; "
                f"at most {TRAIN_LENGTH} wordpieces",
        "training": f"{args.steps} steps of {args.batch} sentences, AdamW lr {run.lr}, linear "
                    f"warm-up and decay, seed {args.seed}",
        "hardware": _hardware(args.threads),
        "time": f"{seconds / 60:.1f} min",
        "calibration": "Platt scaling of the token log-odds and a logistic sentence model on "
                       f"{args.calibration_docs} held-out documents (half spun, half clean)",
        **metrics,
        "command": f"python -m restore.neural.training detector --steps {args.steps} "
                   f"--batch {args.batch} --lr {run.lr:g} --docs {args.docs} "
                   f"--threads {args.threads}",
    })


def _detector_data(args: argparse.Namespace, tokenizer) -> dict:
    texts = part_documents(args.shared, "detector", args.docs, args.seed)
    spinner = Spinner.load(seed=args.seed)
    sentences = [s for spun in spun_pairs(texts, spinner, CLEAN_SHARE)
                 for s in labelled_sentences(spun)]
    encoded = tokenizer([s.text for s in sentences], truncation=True, max_length=TRAIN_LENGTH,
                        return_offsets_mapping=True)
    return {
        "ids": [list(ids) for ids in encoded["input_ids"]],
        "labels": [piece_labels([tuple(o) for o in offsets], s.gold)
                   for offsets, s in zip(encoded["offset_mapping"], sentences, strict=True)],
    }


def held_out_examples(args: argparse.Namespace) -> list[Example]:
    """The held-out documents, every other one spun, as `Example`s without candidates."""
    texts = part_documents(args.shared, "held_out", args.calibration_docs, args.seed)
    spun = spun_pairs(texts, Spinner.load(seed=args.seed), clean_every=2)
    return [Example(s, segment(s.spun), [], gold_edits(s)) for s in spun]


def token_labels(example: Example) -> list[np.ndarray]:
    """Per sentence, per token: 1 when a gold edit covers the token."""
    gold = sorted(example.gold)
    return [
        np.asarray([float(any(a < t.end and t.start < b for a, b in gold)) for t in s.tokens])
        for s in example.document.sentences
    ]


def calibrate_detector(args: argparse.Namespace) -> dict:
    """Fit the token calibration and the neural sentence model on held-out
    documents, write them into the checkpoint, and give held-out metrics."""
    detector = NeuralDetector.load(args.out)
    examples = held_out_examples(args)
    odds, token_y, rows, sentence_y, spun_doc = [], [], [], [], []
    for e in examples:
        logits = detector.token_logits(e.document)
        odds += list(np.concatenate(logits)) if logits else []
        token_y += list(np.concatenate(token_labels(e))) if logits else []
        rows.append(sentence_features(e.document.sentences, logits,
                                      [detector.calibrate(o) for o in logits]))
        sentence_y.append(sentence_labels(e))
        spun_doc.append(np.full(len(e.document.sentences), bool(e.spun.substitutions)))
    x_token = np.asarray(odds).reshape(-1, 1)
    token_model = LogisticModel.fit(TOKEN_FEATURES, x_token, np.asarray(token_y))
    x, y, spun = np.vstack(rows), np.concatenate(sentence_y), np.concatenate(spun_doc)
    sentence_model = LogisticModel.fit(NEURAL_FEATURES, x, y)
    config = read_config(args.out)
    write_config(args.out, {**config, "token": token_model.to_json(),
                            "sentence": sentence_model.to_json()})
    judged = ~spun | (y == 1)  # as `restore eval`: spun sentences the spinner left alone are out
    return {
        "held-out token ROC AUC": round(float(roc_auc_score(token_y, x_token[:, 0])), 4),
        "held-out sentence ROC AUC (neural alone)": round(float(roc_auc_score(
            y[judged], sentence_model.predict(x[judged]))), 4),
    }


# ---------------------------------------------------------------- seq2seq
def sentence_pairs(spun: SpunText) -> list[tuple[str, str]]:
    """(spun sentence, original sentence) for every sentence of a spun text that
    no substitution crosses."""
    out = []
    for s in segment(spun.spun).sentences:
        touching = [u for u in spun.substitutions if u.spun_start < s.end and s.start < u.spun_end]
        if any(u.spun_start < s.start or u.spun_end > s.end for u in touching):
            continue
        hunks = [replace(u.to_hunk(), start=u.spun_start - s.start, end=u.spun_end - s.start)
                 for u in touching]
        text = spun.spun[s.start : s.end]
        out.append((text, apply_hunks(text, hunks)))
    return out


def write_seq2seq_pairs(args: argparse.Namespace) -> None:
    """Spin the seq2seq's documents `--spins` times (spinner seeds `--seed`,
    `--seed` + 1, ...) and write their sentence pairs to `--pairs`."""
    if args.pairs is None:
        raise InputError("seq2seq-pairs needs --pairs FILE to write")
    groups = seq2seq_groups(args)
    save_seq2seq_pairs(args.pairs, groups)
    _log(f"seq2seq-pairs: {len(pairs_of(groups))} pairs of {len(groups)} sentences "
         f"written to {args.pairs}")


def seq2seq_groups(args: argparse.Namespace) -> dict[str, list[str]]:
    """`sentence_groups` of the seq2seq's `--docs` documents, spun `--spins` times."""
    texts = part_documents(args.shared, "seq2seq", args.docs, args.seed)
    return sentence_groups(texts, [Spinner.load(seed=args.seed + i) for i in range(args.spins)])


def sentence_groups(texts: Sequence[str], spinners: Sequence[Spinner]) -> dict[str, list[str]]:
    """Each distinct original sentence of the texts and its spun forms, one per
    spinner (the same sentence twice in the texts gives its forms twice)."""
    groups: dict[str, list[str]] = {}
    for number, spinner in enumerate(spinners, 1):
        _log(f"seq2seq-pairs: spin {number} of {len(spinners)}")
        for spun in spun_pairs(texts, spinner, 0):
            for source, original in sentence_pairs(spun):
                groups.setdefault(original, []).append(source)
    return groups


def pairs_of(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(spun, original) pairs of `sentence_groups`."""
    return [(spun, original) for original, forms in groups.items() for spun in forms]


def save_seq2seq_pairs(path: Path, groups: dict[str, list[str]]) -> None:
    """Gzipped JSON lines `{"original": str, "spun": [str, ...]}`: a sentence's
    spun forms go together, so that they compress to little more than one."""
    lines = "".join(json.dumps({"original": original, "spun": spun}, ensure_ascii=False) + "\n"
                    for original, spun in groups.items())
    atomic_write(path, gzip.compress(lines.encode("utf-8"), mtime=0))


def read_seq2seq_pairs(path: Path) -> list[tuple[str, str]]:
    """The (spun, original) pairs of a file written by `save_seq2seq_pairs`."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            groups = [json.loads(line) for line in lines if line.strip()]
        pairs = pairs_of({g["original"]: list(g["spun"]) for g in groups})
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"cannot read sentence pairs from {path} ({error}); write them "
                         "with `python -m restore.neural.training seq2seq-pairs`") from error
    if not pairs:
        raise InputError(f"{path} holds no sentence pairs; write them with "
                         "`python -m restore.neural.training seq2seq-pairs`")
    return pairs


def train_seq2seq(args: argparse.Namespace) -> None:
    """Train the decoder over the detector's frozen encoder."""
    torch.manual_seed(args.seed)
    # A bad pairs file fails before the models load.
    pairs = read_seq2seq_pairs(args.pairs) if args.pairs else None
    device = torch.device(args.device)
    config = _trained(args.out, "seq2seq", "detector")
    tokenizer = load_tokenizer(args.out)
    encoder = _frozen_encoder(args.out, config)
    decoder = build_decoder(config["encoder"], encoder, args.layers)
    warm_start(decoder, encoder)
    encoder.to(device)
    decoder.to(device)
    work = args.work / "seq2seq"
    if pairs is not None:
        data = _seq2seq_data(pairs, tokenizer)
        source_of_data = (f"{args.pairs.name}: {len(data['source'])} (spun, original) sentence "
                          "pairs made by restore.spinner (`seq2seq-pairs`)")
    else:
        data = _cached(_data_path(work, "seq2seq", args),
                       lambda: _seq2seq_data(pairs_of(seq2seq_groups(args)), tokenizer))
        source_of_data = (f"{len(data['source'])} (spun, original) sentence pairs of {args.docs} "
                          f"train-split news documents (part {PARTS['seq2seq']}), each spun "
                          f"{args.spins} time(s) by restore.spinner")
    _log(f"seq2seq: {len(data['source'])} training sentence pairs on {device}")
    plan = batch_plan([len(x) for x in data["target"]], args.batch, args.steps, args.seed)

    def loss(batch: list[int]) -> torch.Tensor:
        states, mask = encoded(encoder, [data["source"][i] for i in batch])
        targets = [data["target"][i] for i in batch]
        positions = [list(range(1, len(t))) for t in targets]
        return -torch.cat(teacher_forced(decoder, states, mask, targets, positions)).mean()

    run = Run("seq2seq", args.steps, args.lr or 1e-3, work, args.resume, args.seed,
              checkpoint_every=args.checkpoint_every, device=device)
    seconds = train(run, decoder, plan, loss)
    encoder.cpu()
    decoder.cpu()
    save_weights(decoder, args.out / SEQ2SEQ_FILE, skip=SHARED)
    write_config(args.out, {**read_config(args.out), "decoder": {"layers": args.layers}})
    metrics = (_seq2seq_metrics(args, tokenizer, encoder, decoder) if args.shared.is_dir()
               else {"held-out metrics": f"not measured: no corpus at {args.shared}"})
    write_card(args.out / "seq2seq.md", "seq2seq", {
        "what": f"BERT-to-BERT encoder-decoder: the detector's encoder (frozen, shared) and a "
                f"transformers BertLMHeadModel decoder ({args.layers} layers, hidden 384, "
                "cross-attention) started from the encoder's first layers, input and output "
                "embeddings tied to the encoder's; used to rescore candidates",
        "data": f"{source_of_data}; at most {TRAIN_LENGTH} wordpieces",
        "training": f"{args.steps} steps of {args.batch} pairs, AdamW lr {run.lr}, linear "
                    f"warm-up and decay, seed {args.seed}",
        "hardware": _hardware(args.threads, device),
        "time": f"{seconds / 60:.1f} min",
        **metrics,
        "command": f"python -m restore.neural.training seq2seq --steps {args.steps} "
                   f"--batch {args.batch} --lr {run.lr:g} --layers {args.layers} "
                   + (f"--pairs {args.pairs.name} " if args.pairs
                      else f"--docs {args.docs} --spins {args.spins} ")
                   + f"--device {device.type} --threads {args.threads}",
    })


def _trained(out: Path, step: str, *models: str) -> dict:
    """The checkpoint config of `out`, where `step` needs `models` trained in it."""
    for model in models:
        needed = (CONFIG_FILE, {"detector": DETECTOR_FILE, "seq2seq": SEQ2SEQ_FILE}[model])
        if missing := [name for name in needed if not (out / name).is_file()]:
            raise InputError(f"{step} builds on a trained {model}, and {out} holds none "
                             f"({', '.join(missing)} missing): train it first with `python -m "
                             f"restore.neural.training {model} --out {out}`")
    return read_config(out)


def encoded(encoder: BertModel, sources: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """The decoder's memory for a batch of source sentences, and its mask."""
    ids, mask = (t.to(encoder.device) for t in pad(sources))
    with torch.no_grad():
        out = encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    return memory(out.hidden_states[0], out.last_hidden_state), torch.cat([mask, mask], dim=1)


def _frozen_encoder(folder: Path, config: dict) -> BertModel:
    return load_detector(folder, config).bert.eval().requires_grad_(False)


def _seq2seq_data(pairs: Sequence[tuple[str, str]], tokenizer) -> dict:
    """Wordpiece ids of the pairs, but those longer than `TRAIN_LENGTH`."""
    source = tokenizer([p[0] for p in pairs])["input_ids"]
    target = tokenizer([p[1] for p in pairs])["input_ids"]
    kept = [i for i in range(len(pairs))
            if max(len(source[i]), len(target[i])) <= TRAIN_LENGTH]
    return {"source": [list(source[i]) for i in kept], "target": [list(target[i]) for i in kept]}


def _seq2seq_metrics(args, tokenizer, encoder: BertModel, decoder) -> dict:
    """Held-out teacher-forced loss, and how often free decoding gives the original."""
    pairs = [p for e in held_out_examples(args)[: args.calibration_docs // 2]
             if e.spun.substitutions for p in sentence_pairs(e.spun)][:200]
    source = tokenizer([p[0] for p in pairs], truncation=True, max_length=TRAIN_LENGTH)
    target = tokenizer([p[1] for p in pairs], truncation=True, max_length=TRAIN_LENGTH)
    losses, exact, copies = [], 0, 0
    for first in range(0, len(pairs), 32):
        rows = range(first, min(len(pairs), first + 32))
        states, mask = encoded(encoder, [source["input_ids"][i] for i in rows])
        with torch.inference_mode():
            targets = [target["input_ids"][i] for i in rows]
            scores = teacher_forced(decoder, states, mask, targets,
                                    [list(range(1, len(t))) for t in targets])
        losses += [float(-s.mean()) for s in scores]
        decoded = greedy(decoder, states, mask, tokenizer.cls_token_id, tokenizer.sep_token_id,
                         states.shape[1] // 2 + 8)
        for i, out in zip(rows, decoded, strict=True):
            exact += out == target["input_ids"][i][1:-1]
            copies += out == source["input_ids"][i][1:-1]
    changed = sum(p[0] != p[1] for p in pairs)
    return {
        "held-out loss per wordpiece": round(float(np.mean(losses)), 4),
        "held-out free decoding": f"{exact} of {len(pairs)} sentences exactly the original "
                                  f"({changed} of them were changed by the spinner); "
                                  f"{copies} copied unchanged",
    }


# ---------------------------------------------------------------- combine
def combine(args: argparse.Namespace) -> None:
    """Fit how the neural scores join the statistical engine's, on held-out
    documents: the combined sentence model, the document model, the rescoring
    models and the threshold that keeps false edits on clean text rare."""
    from restore.build import models_without
    from restore.pipeline import Restorer

    _trained(args.out, "combine", "detector", "seq2seq")
    restorer = Restorer.load(args.models)
    detector = NeuralDetector.load(args.out)
    scorer = Seq2SeqScorer.load(args.out, detector)
    sentence_rows, sentence_y, judged, documents = [], [], [], []
    candidate_rows, candidate_y, clean = [], [], []
    examples = held_out_examples(args)
    # As `restore build scorer` does: the engine's features of these documents
    # come from language, topic and embedding models that never read them.
    restorer.ranker = restorer.ranker.with_models(*models_without(
        args.shared, [e.spun.original for e in examples], args.seed
    ))
    started = time.time()
    for n, e in enumerate(examples, 1):
        document = e.document
        candidates = restorer.candidates(document)
        probabilities = restorer.rank(document, candidates)
        statistical = restorer.detect(document, candidates, probabilities)
        odds = detector.token_logits(document)
        tokens = [detector.calibrate(o) for o in odds]
        rows = np.hstack([sentence_features(document.sentences, odds, tokens),
                          logit(statistical.sentences).reshape(-1, 1)])
        labels = sentence_labels(e)
        spun = bool(e.spun.substitutions)
        sentence_rows.append(rows)
        sentence_y.append(labels)
        judged.append(~np.full(len(labels), spun) | (labels == 1))
        documents.append((document, rows, spun))
        # Score every sentence, pointed to by either detector: the gates are tuned later.
        either = Detection([np.maximum(a, b) for a, b in zip(tokens, statistical.tokens,
                                                              strict=True)],
                           np.ones(len(tokens)), 1.0)
        gains = scorer.gains(document, candidates, probabilities, either)
        candidate_rows.append(features(candidates, probabilities,
                                       Detection(tokens, statistical.sentences, 0.0), gains))
        candidate_y.append(candidate_labels(Example(e.spun, document, candidates, e.gold)))
        if not spun:
            clean.append((document.word_count, candidates, candidate_rows[-1]))
        if n % 20 == 0:
            _log(f"combine: {n}/{len(examples)} documents, {time.time() - started:.0f} s")
    x, y = np.vstack(sentence_rows), np.concatenate(sentence_y)
    sentence_model = LogisticModel.fit(COMBINED_FEATURES, x, y)
    document_model = LogisticModel.fit(
        DOCUMENT_FEATURES,
        np.vstack([document_features(document, sentence_model.predict(rows))
                   for document, rows, _ in documents]),
        np.asarray([float(spun) for _, _, spun in documents]),
    )
    rows, labels = np.vstack(candidate_rows), np.concatenate(candidate_y)
    scored = ~np.isnan(rows[:, FEATURES.index("gain")])
    models = {}
    for name, names in MODELS.items():
        subset = scored if "gain" in names else np.ones(len(rows), dtype=bool)
        columns = [FEATURES.index(f) for f in names]
        models[name] = LogisticModel.fit(names, rows[subset][:, columns], labels[subset])
    thresholds = {
        mode: _pick_threshold(Rescorer(models, scorer if with_seq2seq else None, with_detector),
                              clean)
        for (with_detector, with_seq2seq), mode in MODES.items()
    }
    keep = np.concatenate(judged)
    aucs = {name: roc_auc_score(y[keep], score[keep]) for name, score in (
        ("statistical", x[:, -1]), ("neural", x[:, 0]), ("combined", sentence_model.predict(x)))}
    combined_wins = aucs["combined"] > aucs["statistical"]
    config = read_config(args.out)
    write_config(args.out, {
        **config,
        "thresholds": thresholds,
        "sentence": sentence_model.to_json() if combined_wins else STATISTICAL,
        "document": document_model.to_json() if combined_wins else None,
        "rescorer": {name: model.to_json() for name, model in models.items()},
        "seq2seq": scorer.settings,
    })
    write_card(args.out / "combination.md", "combination", {
        "what": "logistic models joining the neural scores with the statistical engine's: "
                f"sentence ({', '.join(COMBINED_FEATURES)}), document, and candidate "
                "rescoring (" + "; ".join(f"{k}: {', '.join(v)}" for k, v in MODELS.items())
                + ")",
        "data": f"{len(examples)} held-out train-split documents (part {PARTS['held_out']}), "
                f"every other one spun; {len(x)} sentences, {len(rows)} candidates of which "
                f"{int(scored.sum())} scored by the seq2seq",
        "statistical engine": f"{args.models or 'models/'}, its language, topic and "
                              "embedding models re-estimated without these documents",
        "held-out sentence ROC AUC (combined fitted here; dev figures in models/README.md)":
            ", ".join(f"{name} {auc:.4f}" for name, auc in aucs.items()),
        "sentence and document scores": "combined" if combined_wins else
            "the statistical engine's (combining did not beat them)",
        "thresholds": ", ".join(f"{mode} {t}" for mode, t in thresholds.items())
                      + " (for each choice of rescoring signals, the lowest keeping false edits "
                        f"on the clean held-out documents under {MAX_CLEAN_EDITS_PER_1000:g} "
                        "per 1,000 words)",
        "time": f"{(time.time() - started) / 60:.1f} min",
        "command": "python -m restore.neural.training combine "
                   f"--calibration-docs {args.calibration_docs} --threads {args.threads}",
    })


def _pick_threshold(rescorer: Rescorer, clean: list[tuple[int, list, np.ndarray]]) -> float:
    """`restore.training.pick_threshold` for rescored probabilities."""
    return lowest_safe_threshold(
        [p for _, candidates, rows in clean
         for p in best_by_span(candidates, rescorer.probabilities(rows)).values()],
        sum(count for count, _, _ in clean),
    )


# ------------------------------------------------------------- plumbing
def _data_path(work: Path, part: str, args: argparse.Namespace) -> Path:
    first, last = PARTS[part]
    return work / f"data-{first}-{last}-{args.docs}-{args.spins}-{args.seed}.pt"


def _cached(path: Path, make: Callable[[], dict]) -> dict:
    """`make()`, saved at `path` the first time so a resumed run skips it."""
    if path.is_file():
        return torch.load(path, weights_only=False)
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        torch.save(data, temporary)
    return data


def _hardware(threads: int, device: torch.device = CPU) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}, bf16 autocast"
    return f"CPU only, {platform.processor() or platform.machine()}, torch {torch.__version__}, " \
           f"{threads} thread(s), machine shared with other jobs"


def main(argv: list[str] | None = None) -> int:
    """`python -m restore.neural.training detector|seq2seq|seq2seq-pairs|combine`."""
    parser = argparse.ArgumentParser(
        prog="python -m restore.neural.training",
        description="Train the neural models of models/neural/ (or of --out). Without --out "
                    "it replaces the shipped checkpoint.",
        formatter_class=_DefaultsShown)
    parser.add_argument("model", choices=("detector", "seq2seq", "seq2seq-pairs", "combine"))
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="the shared data folder")
    parser.add_argument("--models", type=Path, default=None,
                        help="combine: the statistical engine's models (default: models/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_FOLDER,
                        help="checkpoint folder to write")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="where training checkpoints and prepared data go")
    parser.add_argument("--steps", type=_at_least(1), default=400, help="training steps")
    parser.add_argument("--batch", type=_at_least(1), default=16, help="sentences a step")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: the model's own)")
    parser.add_argument("--docs", type=_at_least(1), default=1600,
                        help="training documents to spin")
    parser.add_argument("--calibration-docs", type=_at_least(1), default=300,
                        help="held-out documents the scores are calibrated on")
    parser.add_argument("--seed", type=_at_least(0), default=0,
                        help="seed of the spinner, the data order and the initial weights")
    parser.add_argument("--threads", type=_at_least(1), default=2, help="CPU threads")
    parser.add_argument("--resume", action="store_true",
                        help="go on from the last training checkpoint in --work")
    parser.add_argument("--checkpoint-every", type=_at_least(1), default=50,
                        help="steps between training checkpoints")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                        choices=["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"],
                        help="seq2seq: where to train")
    parser.add_argument("--layers", type=_at_least(1), default=DECODER_LAYERS,
                        help="seq2seq: decoder layers")
    parser.add_argument("--spins", type=_at_least(1), default=1,
                        help="seq2seq, seq2seq-pairs: spin each document this many times, "
                             "seeds apart")
    parser.add_argument("--pairs", type=Path, default=None,
                        help="seq2seq-pairs: file to write; seq2seq: train on it instead of "
                             "spinning --docs documents")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    command = {"detector": train_detector, "seq2seq": train_seq2seq, "combine": combine,
               "seq2seq-pairs": write_seq2seq_pairs}[args.model]
    try:
        return reported(lambda: command(args), parser.prog)
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; --resume goes on from the last checkpoint in "
              f"{args.work}", file=sys.stderr)
        return 130


class _DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    """Shows the defaults, but not None (those options say theirs in words) nor a
    switch's False."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _at_least(lowest: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `lowest`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = lowest - 1
        if number < lowest:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least "
                                             f"{lowest}")
        return number

    return parse


if __name__ == "__main__":
    sys.exit(main())

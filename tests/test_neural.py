"""The neural models, on tiny configurations made here: a 2-layer, hidden-32 BERT
with a vocabulary built from a few sentences, trained for a few steps.

Nothing here loads the shipped weights, and only one test reads the installed
MiniLM (its word embeddings): training and loading are exercised end to end on
models that take milliseconds to run.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from transformers import BertConfig, BertTokenizer

from restore.candidates import Candidate
from restore.cli import main
from restore.detection import Detection
from restore.errors import ModelError
from restore.neural import load_models
from restore.neural.checkpoint import (
    CONFIG_FILE,
    DETECTOR_FILE,
    SEQ2SEQ_FILE,
    load_weights,
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
    build_detector,
    encoder_settings,
    load_detector,
)
from restore.neural.encoder import (
    overlaps,
    pad,
    piece_labels,
    pretrained_word_embeddings,
    token_maxima,
    wordpieces,
)
from restore.neural.models import NeuralModels
from restore.neural.rescoring import MODELS
from restore.neural.seq2seq import (
    SHARED,
    build_decoder,
    pad_states,
    rewording_gains,
    teacher_forced,
)
from restore.neural.training import (
    Run,
    batch_plan,
    labelled_sentences,
    read_seq2seq_pairs,
    save_seq2seq_pairs,
    sentence_groups,
    sentence_pairs,
    train,
)
from restore.neural.training import main as training_main
from restore.pipeline import Restorer
from restore.ranking import LogisticModel
from restore.segmentation import segment
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table

# Distinct, and none the statistical engine's, so a test sees which one was taken.
THRESHOLDS = {"detector": 0.61, "full": 0.67, "seq2seq": 0.73}
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def tiny_tokenizer(texts: list[str]) -> BertTokenizer:
    """WordPiece over the words of `texts`, and single letters so nothing is unknown."""
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    words = sorted({t.norm for text in texts for t in segment(text).tokens()})
    vocab = [*SPECIAL, *letters, *(f"##{c}" for c in letters), *words]
    vocab = list(dict.fromkeys(vocab))
    return BertTokenizer(vocab={w: i for i, w in enumerate(vocab)})


def tiny_settings(tokenizer: BertTokenizer) -> dict:
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256)
    return encoder_settings(config)


def fitted(names: tuple[str, ...], seed: int = 0) -> dict:
    """A logistic model over `names`, fitted on random rows (its numbers do not matter)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, len(names)))
    y = (x[:, 0] + rng.normal(size=60) > 0).astype(float)
    return LogisticModel.fit(names, x, y).to_json()


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models gain nothing from threads, and lose much when the cores are busy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return clean_seed_texts()[:6]


@pytest.fixture(scope="module")
def tokenizer(texts) -> BertTokenizer:
    spun = [Spinner(tiny_synonym_table(), seed=1).spin(t).spun for t in texts]
    return tiny_tokenizer(texts + spun)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, tokenizer) -> Path:
    """A complete checkpoint folder with untrained tiny weights and fitted scorers."""
    folder = tmp_path_factory.mktemp("neural")
    torch.manual_seed(0)
    settings = tiny_settings(tokenizer)
    detector = build_detector(settings)
    decoder = build_decoder(settings, detector.bert)
    tokenizer.save_pretrained(folder)
    save_weights(detector, folder / DETECTOR_FILE)
    save_weights(decoder, folder / SEQ2SEQ_FILE, skip=SHARED)
    write_config(folder, {
        "encoder": settings,
        "decoder": {"layers": 2},
        "token": fitted(TOKEN_FEATURES),
        "sentence": fitted(COMBINED_FEATURES),
        # every sentence and span is looked at, so the tiny models do some work
        "seq2seq": {"sentence_gate": 0.01, "span_floor": 0.0, "top_k": 2},
        "rescorer": {name: fitted(names) for name, names in MODELS.items()},
        "thresholds": THRESHOLDS,
    })
    return folder


# ---------------------------------------------------------------- alignment
def test_wordpieces_map_back_to_the_tokens_they_cover(tokenizer):
    text = "The government said Director-General talks"
    sentence = segment(text).sentences[0]
    spans = [(t.start, t.end) for t in sentence.tokens]
    windows = wordpieces(tokenizer, [text], max_length=64)
    offsets = windows.offsets[0]
    pairs = list(overlaps(offsets, spans))
    # every wordpiece of real text lands in exactly the token holding its characters
    for piece, token in pairs:
        a, b = offsets[piece]
        assert text[a:b].lower() in sentence.tokens[token].text.lower()
    assert {token for _, token in pairs} == set(range(len(spans)))
    values = np.arange(len(offsets), dtype=float)
    maxima = token_maxima(values, offsets, spans, default=-1.0)
    for index in range(len(spans)):
        assert maxima[index] == max(p for p, t in pairs if t == index)


def test_a_token_no_wordpiece_covers_gets_the_default():
    offsets = [(0, 0), (0, 3), (8, 11), (0, 0)]  # [CLS] "the" ... "cat" [SEP]
    spans = [(0, 3), (4, 7), (8, 11)]
    assert token_maxima(np.array([9.0, 1.0, 2.0, 9.0]), offsets, spans, -5.0).tolist() == [
        1.0, -5.0, 2.0]


def test_gold_spans_label_their_wordpieces(tokenizer):
    text = "officials remark talks"
    windows = wordpieces(tokenizer, [text], max_length=64)
    labels = piece_labels(windows.offsets[0], [(10, 16)])
    assert labels[0] == labels[-1] == -100
    pieces = [text[a:b] for a, b in windows.offsets[0][1:-1]]
    marked = [(p, label) for p, label in zip(pieces, labels[1:-1], strict=True)]
    assert "".join(p for p, label in marked if label) == "remark"
    assert "".join(p for p, label in marked if not label) == "officialstalks"


def test_long_sentences_get_overlapping_windows(tokenizer):
    text = " ".join(["talks"] * 50)
    windows = wordpieces(tokenizer, [text, "talks"], max_length=20, stride=4)
    assert windows.text_of.count(0) > 1 and windows.text_of.count(1) == 1
    assert all(len(ids) <= 20 for ids in windows.input_ids)


# ------------------------------------------------------------------ training
def test_detector_loss_goes_down_and_resuming_gives_the_same_weights(tmp_path, tokenizer, texts):
    spinner = Spinner(tiny_synonym_table(), seed=2)
    sentences = [s for t in texts for s in labelled_sentences(spinner.spin(t))][:48]
    assert any(s.gold for s in sentences)
    encoded = tokenizer([s.text for s in sentences], truncation=True, max_length=64,
                        return_offsets_mapping=True)
    ids = [list(x) for x in encoded["input_ids"]]
    labels = [piece_labels(o, s.gold) for o, s in zip(encoded["offset_mapping"], sentences,
                                                        strict=True)]
    plan = batch_plan([len(x) for x in ids], 8, 24, seed=0)
    settings = tiny_settings(tokenizer)

    def run(work: Path, stop_at: int | None = None):
        torch.manual_seed(0)
        model = build_detector(settings)
        losses = []

        def loss(batch):
            if len(losses) == stop_at:
                raise KeyboardInterrupt
            x, mask = pad([ids[i] for i in batch])
            y, _ = pad([labels[i] for i in batch], value=-100)
            value = model(input_ids=x, attention_mask=mask, labels=y).loss
            losses.append(float(value.detach()))
            return value

        train(Run("test", 24, 3e-3, work, resume=True, seed=0, checkpoint_every=8), model, plan,
              loss)
        return model, losses

    model, losses = run(tmp_path / "straight")
    assert np.mean(losses[-6:]) < np.mean(losses[:6])
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "broken", stop_at=12)
    resumed, _ = run(tmp_path / "broken")
    for a, b in zip(model.state_dict().values(), resumed.state_dict().values(), strict=True):
        assert torch.allclose(a, b)


def test_rewording_gains_are_those_of_scoring_each_sentence_whole(tokenizer, texts):
    torch.manual_seed(0)
    detector = build_detector(tiny_settings(tokenizer))
    decoder = build_decoder(tiny_settings(tokenizer), detector.bert).eval()
    sentences = [t[s.start : s.end] for t in texts[:2] for s in segment(t).sentences][:3]
    observed = tokenizer(sentences)["input_ids"]
    with torch.inference_mode():
        states = [detector.bert(input_ids=torch.as_tensor([ids])).last_hidden_state[0]
                  for ids in observed]
    other = tokenizer.convert_tokens_to_ids("the")
    variants = []  # a swapped, an inserted and a deleted wordpiece, at several places
    for row, ids in enumerate(observed):
        for at in (1, 3, len(ids) - 3):
            swapped = [*ids[:at], other if ids[at] != other else other + 1, *ids[at + 1 :]]
            variants.append((row, swapped, at, min(len(ids), at + 3), min(len(ids), at + 3)))
            inserted = [*ids[:at], other, *ids[at:]]
            variants.append((row, inserted, at, at + 3, at + 2))
            variants.append((row, ids[:at] + ids[at + 1 :], at, at + 2, at + 3))
    gains = rewording_gains(decoder, states, observed, variants)

    with torch.inference_mode():
        for (row, ids, first, end, observed_end), gain in zip(variants, gains, strict=True):
            padded, mask = pad_states([states[row], states[row]])
            new, old = teacher_forced(decoder, padded, mask, [ids, observed[row]],
                                      [range(first, end), range(first, observed_end)])
            assert gain == pytest.approx(float(new.sum() - old.sum()), abs=1e-4)
    assert np.ptp(gains) > 0.1  # the variants differ, so a constant could not pass
    # a pass whose rewordings all change the first word reuses no cached prefix at all
    at_start = [k for k, (_, _, first, _, _) in enumerate(variants) if first == 1]
    alone = rewording_gains(decoder, states, observed, [variants[k] for k in at_start])
    assert alone == pytest.approx(gains[at_start], abs=1e-4)


def test_seq2seq_loss_goes_down(tokenizer, texts):
    spinner = Spinner(tiny_synonym_table(), seed=2)
    pairs = [p for t in texts for p in sentence_pairs(spinner.spin(t))][:16]
    assert any(a != b for a, b in pairs)
    source = tokenizer([a for a, _ in pairs])["input_ids"]
    target = tokenizer([b for _, b in pairs])["input_ids"]
    torch.manual_seed(0)
    detector = build_detector(tiny_settings(tokenizer))
    decoder = build_decoder(tiny_settings(tokenizer), detector.bert)
    params = {id(p): p for p in [*decoder.parameters(), *detector.parameters()]}
    optimizer = torch.optim.AdamW(params.values(), lr=3e-3)
    losses = []
    for step in range(30):
        rows = [(step * 4 + i) % len(pairs) for i in range(4)]
        ids, mask = pad([source[i] for i in rows])
        states = detector.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        targets = [target[i] for i in rows]
        scores = teacher_forced(decoder, states, mask, targets,
                                [list(range(1, len(t))) for t in targets])
        loss = -torch.cat(scores).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.5


def test_sentence_pairs_put_the_original_back(texts):
    spun = Spinner(tiny_synonym_table(), seed=2).spin(" ".join(texts))
    pairs = sentence_pairs(spun)
    assert any(a != b for a, b in pairs)
    for a, b in pairs:
        assert a in spun.spun and b in spun.original


def test_a_pairs_file_trains_a_decoder_elsewhere(tmp_path, checkpoint, texts):
    """Pairs written where the corpus is train a decoder where it is not."""
    groups = sentence_groups(texts, [Spinner(tiny_synonym_table(), seed=s) for s in (1, 2)])
    assert any(len(set(forms)) > 1 for forms in groups.values())  # two spins, two wordings
    path = tmp_path / "pairs.jsonl.gz"
    save_seq2seq_pairs(path, groups)
    pairs = read_seq2seq_pairs(path)
    assert sorted(pairs) == sorted((s, o) for o, forms in groups.items() for s in forms)
    out = tmp_path / "model"
    shutil.copytree(checkpoint, out)
    code = training_main(["seq2seq", "--pairs", str(path), "--out", str(out), "--layers", "1",
                          "--work", str(tmp_path / "work"), "--shared", str(tmp_path / "none"),
                          "--steps", "3", "--batch", "4", "--device", "cpu", "--threads", "1"])
    assert code == 0
    assert read_config(out)["decoder"] == {"layers": 1}
    card = (out / "seq2seq.md").read_text()
    assert f"{len(pairs)} (spun, original) sentence pairs" in card and "not measured" in card
    assert NeuralModels.load(out, use_seq2seq=True, quantize=False).rescorer.scorer is not None


def test_an_unreadable_pairs_file_says_how_to_make_one(tmp_path, capsys):
    path = tmp_path / "pairs.jsonl.gz"
    path.write_text("not gzip")
    assert training_main(["seq2seq", "--pairs", str(path), "--out", str(tmp_path)]) != 0
    assert "seq2seq-pairs" in capsys.readouterr().err


# ---------------------------------------------------------- saving and loading
def test_weights_round_trip_in_fp16(tmp_path, tokenizer):
    torch.manual_seed(0)
    model = build_detector(tiny_settings(tokenizer))
    save_weights(model, tmp_path / "w.safetensors")
    with safe_open(str(tmp_path / "w.safetensors"), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()}  # noqa: SIM118 (not a dict) == {torch.float16, torch.int64}
    again = build_detector(tiny_settings(tokenizer))
    load_weights(again, tmp_path / "w.safetensors")
    for name, tensor in model.state_dict().items():
        assert torch.allclose(tensor.float(), again.state_dict()[name].float(), atol=1e-3), name


def test_a_detector_stored_without_word_embeddings_gets_minilms(tmp_path, tokenizer):
    pretrained = pretrained_word_embeddings()
    # MiniLM's vocabulary and width, one small layer: the shape the embeddings need
    config = BertConfig(vocab_size=pretrained.shape[0], hidden_size=pretrained.shape[1],
                        num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
    torch.manual_seed(0)
    model = build_detector(encoder_settings(config))
    save_weights(model, tmp_path / DETECTOR_FILE, skip=(PRETRAINED,))
    with safe_open(str(tmp_path / DETECTOR_FILE), "pt") as f:
        assert PRETRAINED not in set(f.keys())
    loaded = load_detector(tmp_path, {"encoder": encoder_settings(config)})
    assert torch.equal(loaded.get_parameter(PRETRAINED), pretrained)
    classifier = model.classifier.weight.half().float()
    assert torch.equal(loaded.classifier.weight, classifier)

    tiny = build_detector(tiny_settings(tokenizer))
    save_weights(tiny, tmp_path / "tiny" / DETECTOR_FILE, skip=(PRETRAINED,))
    with pytest.raises(ModelError, match="stores no word embeddings"):
        load_detector(tmp_path / "tiny", {"encoder": tiny_settings(tokenizer)})


def test_decoder_is_stored_without_the_shared_embeddings(checkpoint, tokenizer):
    with safe_open(str(checkpoint / SEQ2SEQ_FILE), "pt") as f:
        assert not set(SHARED) & set(f.keys())
    models = NeuralModels.load(checkpoint, use_seq2seq=True, quantize=False)
    decoder = models.rescorer.scorer.decoder
    shared = models.detector.model.bert.embeddings.word_embeddings.weight
    assert decoder.cls.predictions.decoder.weight.data_ptr() == shared.data_ptr()


def test_missing_or_incompatible_checkpoints_are_model_errors(tmp_path, checkpoint, tokenizer):
    with pytest.raises(ModelError, match=r"neural\.json missing"):
        NeuralModels.load(tmp_path)
    (tmp_path / CONFIG_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="unreadable"):
        read_config(tmp_path)
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"format": 99}))
    with pytest.raises(ModelError, match="format"):
        read_config(tmp_path)
    wider = {**tiny_settings(tokenizer), "hidden_size": 48, "intermediate_size": 96}
    with pytest.raises(ModelError, match="wrong shape"):
        load_weights(build_detector(wider), checkpoint / DETECTOR_FILE)
    (tmp_path / "broken.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError, match="cannot read"):
        load_weights(build_detector(tiny_settings(tokenizer)), tmp_path / "broken.safetensors")
    with pytest.raises(ModelError, match="weights missing"):
        load_weights(build_detector(tiny_settings(tokenizer)), tmp_path / "absent.safetensors")
    no_decoder = tmp_path / "no-decoder"
    no_decoder.mkdir()
    for item in checkpoint.iterdir():
        if item.name != SEQ2SEQ_FILE:
            (no_decoder / item.name).write_bytes(item.read_bytes())
    with pytest.raises(ModelError, match="seq2seq"):
        NeuralModels.load(no_decoder, use_seq2seq=True)
    assert NeuralModels.load(no_decoder).rescorer.scorer is None  # the detector alone works
    (no_decoder / "tokenizer.json").unlink()  # what is left reads every word as [UNK]
    with pytest.raises(ModelError, match=r"tokenizer\.json is missing"):
        NeuralModels.load(no_decoder)


def test_models_load_once_per_folder_and_choice(checkpoint):
    assert load_models(checkpoint) is load_models(checkpoint)
    assert load_models(checkpoint).rescorer.scorer is None
    assert load_models(checkpoint, seq2seq=True).rescorer.scorer is not None


@pytest.mark.parametrize(("options", "mode"), [
    ({}, "detector"),
    ({"use_seq2seq": True}, "full"),
    ({"use_detector": False, "use_seq2seq": True}, "seq2seq"),
])
def test_each_choice_of_parts_has_its_own_threshold(checkpoint, options, mode):
    assert NeuralModels.load(checkpoint, **options).threshold == THRESHOLDS[mode]


def test_restorer_takes_the_threshold_of_the_parts_in_use(tmp_path, tiny_models, checkpoint):
    statistical = Restorer.load(tiny_models)
    detector = Restorer.load(tiny_models, neural=checkpoint)
    full = Restorer.load(tiny_models, neural=checkpoint, seq2seq=True)
    assert statistical.neural is None
    assert (detector.threshold, full.threshold) == (THRESHOLDS["detector"], THRESHOLDS["full"])
    assert full.neural.rescorer.scorer is not None
    for item in checkpoint.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    config = read_config(tmp_path)
    del config["thresholds"]
    write_config(tmp_path, config)
    assert Restorer.load(tiny_models, neural=tmp_path).threshold == statistical.threshold


@pytest.mark.parametrize("thresholds", [{"detector": "high"}, {"detector": 7}, "high"])
def test_a_hand_edited_threshold_that_is_no_probability_is_refused(tmp_path, tiny_models,
                                                                   checkpoint, thresholds):
    for item in checkpoint.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    write_config(tmp_path, {**read_config(tmp_path), "thresholds": thresholds})
    with pytest.raises(ModelError, match=r"detector threshold is .*not a number from 0 to 1"):
        Restorer.load(tiny_models, neural=tmp_path)


# ------------------------------------------------------------------ inference
def _statistical(document) -> Detection:
    return Detection([np.full(len(s.tokens), 0.1) for s in document.sentences],
                     np.full(len(document.sentences), 0.3), 0.3)


def test_detector_scores_every_token_of_every_sentence(checkpoint, texts):
    detector = NeuralDetector.load(checkpoint)  # int8, as shipped
    document = segment("\n\n".join(texts[:2]) + " " + " ".join(["talks"] * 200) + ".")
    detection = detector.detect(document, _statistical(document))
    assert [len(t) for t in detection.tokens] == [len(s.tokens) for s in document.sentences]
    assert all(((t >= 0) & (t <= 1)).all() for t in detection.tokens)
    assert len(detection.sentences) == len(document.sentences)
    assert 0 <= detection.document <= 1
    with pytest.raises(ValueError, match="statistical"):
        detector.detect(document)


def test_detector_can_keep_the_statistical_sentence_scores(tmp_path, checkpoint):
    for item in checkpoint.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    write_config(tmp_path, {**read_config(tmp_path), "sentence": STATISTICAL})
    document = segment(clean_seed_texts()[1])
    statistical = _statistical(document)
    detection = NeuralDetector.load(tmp_path).detect(document, statistical)
    assert detection.sentences is statistical.sentences
    assert detection.document == statistical.document
    assert not np.allclose(np.concatenate(detection.tokens), np.concatenate(statistical.tokens))


def test_uncalibrated_detector_uses_neural_features_only(tmp_path, checkpoint):
    for item in checkpoint.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    config = read_config(tmp_path)
    write_config(tmp_path, {**config, "sentence": fitted(NEURAL_FEATURES)})
    document = segment(clean_seed_texts()[0])
    detection = NeuralDetector.load(tmp_path).detect(document)
    assert len(detection.sentences) == len(document.sentences)


def test_rescoring_changes_only_probabilities_of_flagged_sentences(tiny_restorer, checkpoint,
                                                                  texts):
    spun = Spinner(tiny_synonym_table(), seed=4).spin(texts[1]).spun
    document = tiny_restorer.segment(spun)
    candidates = tiny_restorer.candidates(document)
    assert candidates
    probabilities = tiny_restorer.rank(document, candidates)
    statistical = tiny_restorer.detect(document, candidates, probabilities)
    models = NeuralModels.load(checkpoint, use_seq2seq=True)
    detection, rescored = models.refine(document, candidates, probabilities, statistical)
    assert rescored.shape == probabilities.shape
    assert ((rescored >= 0) & (rescored <= 1)).all()
    gains = models.rescorer.scorer.gains(document, candidates, probabilities, detection)
    assert not np.isnan(gains).all()
    # a sentence the detection clears is not looked at
    cleared = Detection(detection.tokens, np.zeros(len(document.sentences)), 0.0)
    assert np.isnan(models.rescorer.scorer.gains(document, candidates, probabilities,
                                                 cleared)).all()


def test_restorations_keep_the_inputs_capitalisation(tiny_restorer, checkpoint):
    """The decoder's vocabulary is uncased, so it only ranks what the generator
    proposes, cased like the input: a change of case alone gains nothing, and
    every restoration keeps the case of the words it replaces."""
    models = NeuralModels.load(checkpoint, use_seq2seq=True)
    document = tiny_restorer.segment("Officials Remark the talks will resume.")
    detection = Detection([np.ones(len(document.sentences[0].tokens))], np.ones(1), 1.0)
    same, other = Candidate(0, 1, 2, "remark", "remark"), Candidate(0, 1, 2, "Say", "remark")
    gains = models.rescorer.scorer.gains(document, [same, other], np.full(2, 0.5), detection)
    assert gains[0] == 0.0 and not np.isnan(gains[1])

    document = tiny_restorer.segment(
        "Raid helicopters struck the municipality. Administration Remark the offensive is huge.")
    candidates = tiny_restorer.candidates(document)
    probabilities = tiny_restorer.rank(document, candidates)
    statistical = tiny_restorer.detect(document, candidates, probabilities)
    _, rescored = models.refine(document, candidates, probabilities, statistical)
    hunks = [h for h in tiny_restorer.hunks(document, candidates, rescored) if h.after]
    assert any(h.before[0].isupper() for h in hunks)
    for h in hunks:
        assert h.after[0].isupper() == h.before[0].isupper(), h


# ---------------------------------------------------------------------- cli
@pytest.mark.parametrize(("seq2seq", "mode"), [([], "detector"), (["--seq2seq"], "full")])
def test_cli_applies_edits_at_the_checkpoints_threshold(
    tmp_path, capsys, tiny_models, checkpoint, texts, seq2seq, mode
):
    spun = tmp_path / "spun.txt"
    # a spin with several suggestions, so that a threshold can fall between them
    spun.write_text(Spinner(tiny_synonym_table(), seed=2).spin("\n\n".join(texts)).spun,
                    encoding="utf-8")

    def edits(folder: Path, *extra: str) -> list[dict]:
        args = ["--auto", "--json", "--models", str(tiny_models), "--neural-model", str(folder)]
        assert main([*args, *seq2seq, *extra, str(spun)]) == 0
        return json.loads(capsys.readouterr().out)["edits"]

    # A threshold between the confidences this checkpoint gives, set as its own.
    levels = sorted({e["confidence"] for e in edits(checkpoint, "--threshold", "0")})
    assert len(levels) >= 2
    middle = len(levels) // 2
    threshold = (levels[middle - 1] + levels[middle]) / 2
    for item in checkpoint.iterdir():
        (tmp_path / item.name).write_bytes(item.read_bytes())
    write_config(tmp_path, {**read_config(tmp_path), "thresholds": {mode: threshold}})
    made = edits(tmp_path)
    assert {e["applied"] for e in made} == {True, False}
    assert all(e["applied"] == (e["confidence"] >= threshold) for e in made)


def test_cli_reports_a_missing_checkpoint(tmp_path, capsys, tiny_models):
    spun = tmp_path / "spun.txt"
    spun.write_text("The talks resume today.", encoding="utf-8")
    code = main(["--auto", "--models", str(tiny_models), "--neural-model", str(tmp_path / "none"),
                 str(spun)])
    assert code == 3
    assert "Traceback" not in capsys.readouterr().err


def test_neural_flag_takes_no_value_and_loads_the_shipped_detector(tmp_path, capsys, tiny_models):
    spun = tmp_path / "spun.txt"
    spun.write_text("Officials remarked the talks will restart presently.\n", encoding="utf-8")
    assert main(["--auto", "--models", str(tiny_models), "--neural", str(spun)]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # one line in, one line out


@pytest.mark.parametrize("options", [["--steps", "-3"], ["--layers", "0"], ["--batch", "0"],
                                     ["--threads", "0"], ["--checkpoint-every", "0"],
                                     ["--device", "bogus"]])
def test_training_refuses_nonsense_before_it_starts(tmp_path, options, capsys):
    with pytest.raises(SystemExit) as exit_info:
        training_main(["seq2seq", "--work", str(tmp_path), "--out", str(tmp_path), *options])
    assert exit_info.value.code == 2 and options[0] in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", ["seq2seq", "combine"])
def test_training_on_no_detector_says_to_train_one(tmp_path, capsys, step):
    code = training_main([step, "--work", str(tmp_path / "work"), "--out", str(tmp_path),
                          "--models", str(tmp_path), "--shared", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and f"restore.neural.training detector --out {tmp_path}`" in err
    assert "--neural-model" not in err


def test_combine_on_a_detector_without_a_seq2seq_says_to_train_one(tmp_path, capsys,
                                                                    checkpoint):
    shutil.copytree(checkpoint, tmp_path / "out")
    (tmp_path / "out" / SEQ2SEQ_FILE).unlink()
    code = training_main(["combine", "--out", str(tmp_path / "out"), "--shared", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "restore.neural.training seq2seq --out" in err
    assert "--neural-model" not in err


def test_training_help_shows_each_default_once(capsys):
    with pytest.raises(SystemExit):
        training_main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "(default: None)" not in shown and "(default: False)" not in shown
    assert "(default: models/)" in shown and "(default: 400)" in shown


def test_training_on_an_empty_pairs_file_is_an_input_error(tmp_path, capsys):
    pairs = tmp_path / "pairs.jsonl.gz"
    pairs.write_bytes(gzip.compress(b""))
    code = training_main(["seq2seq", "--pairs", str(pairs), "--work", str(tmp_path / "work"),
                          "--out", str(tmp_path / "out")])
    assert code == 2 and "holds no sentence pairs" in capsys.readouterr().err

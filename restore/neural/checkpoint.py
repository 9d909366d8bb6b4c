"""Checkpoint: the folder that holds the neural models, read and written as a unit.

    neural.json            format, encoder and decoder configurations, settings, and
                           the small logistic models that calibrate and combine scores
    tokenizer.json ...     the WordPiece tokenizer (a copy of MiniLM's)
    detector.safetensors   fine-tuned encoder + token-classification head, fp16;
                           may leave out the word embeddings training keeps as
                           MiniLM's (`restore.neural.detector.PRETRAINED`)
    seq2seq.safetensors    the decoder without the word embeddings it shares with
                           the encoder, fp16 (absent until the seq2seq is trained)

Any folder with this layout is a compatible checkpoint (`restore --neural-model PATH`).
Files are written atomically (temporary file, then rename); anything missing or
mismatched on reading is a `ModelError` that says how to get a good folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from restore.errors import ModelError
from restore.output import atomic_path, atomic_write

FORMAT = 1
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "models" / "neural"
CONFIG_FILE = "neural.json"
DETECTOR_FILE = "detector.safetensors"
SEQ2SEQ_FILE = "seq2seq.safetensors"
_REBUILD = "retrain with `python -m restore.neural.training` or pass --neural-model DIR"


def read_config(folder: Path) -> dict:
    """The `neural.json` of a checkpoint folder, checked for its format."""
    path = Path(folder) / CONFIG_FILE
    if not path.is_file():
        raise ModelError(f"no neural checkpoint in {folder} ({CONFIG_FILE} missing); {_REBUILD}")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path} is unreadable ({error}); {_REBUILD}") from error
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelError(f"{path} is not a format-{FORMAT} neural checkpoint; {_REBUILD}")
    return config


def write_config(folder: Path, config: dict) -> None:
    """Write `neural.json` atomically."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    atomic_write(Path(folder) / CONFIG_FILE, json.dumps({**config, "format": FORMAT}, indent=1))


def save_weights(module: torch.nn.Module, path: Path, skip: Iterable[str] = ()) -> None:
    """Save `module`'s tensors in fp16 safetensors, leaving out the names in `skip`.

    Tied tensors are stored once (safetensors refuses shared memory).
    """
    skipped, seen, state = set(skip), set(), {}
    for name, tensor in module.state_dict().items():
        if name in skipped or tensor.data_ptr() in seen:
            continue
        seen.add(tensor.data_ptr())
        tensor = tensor.detach()
        state[name] = (tensor.half() if tensor.is_floating_point() else tensor).contiguous()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        save_file(state, str(temporary), metadata={"format": "pt"})


def load_weights(
    module: torch.nn.Module, path: Path, may_lack: Iterable[str] = ()
) -> set[str]:
    """Load fp16 weights saved by `save_weights` into `module` (as fp32); gives
    the names of the tensors the file held.

    Raises ModelError when the file is missing or unreadable, or when its
    tensors do not match the module's names and shapes. A tensor the module
    ties to another is found under either name; names in `may_lack` (tensors
    shared with another model, or found elsewhere) may be absent.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"weights missing: {path}; {_REBUILD}")
    try:
        state = {name: t.float() for name, t in load_file(str(path)).items()}
    except (OSError, SafetensorError) as error:
        raise ModelError(f"cannot read {path}: it is damaged or no safetensors file "
                         f"({error}); {_REBUILD}") from error
    expected = module.state_dict()
    tied: dict[int, list[str]] = {}  # names sharing one tensor: saved once
    for name, tensor in expected.items():
        tied.setdefault(tensor.data_ptr(), []).append(name)
    present = set(state) | set(may_lack)
    missing = sorted(name for name, tensor in expected.items()
                     if present.isdisjoint(tied[tensor.data_ptr()]))
    unexpected = sorted(set(state) - set(expected))
    wrong = sorted(n for n in set(state) & set(expected) if state[n].shape != expected[n].shape)
    if missing or unexpected or wrong:
        problems = [f"{label}: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
                    for label, names in (("missing", missing), ("unexpected", unexpected),
                                         ("wrong shape", wrong)) if names]
        raise ModelError(f"{path} does not fit this model ({'; '.join(problems)}); {_REBUILD}")
    module.load_state_dict(state, strict=False)
    return set(state)

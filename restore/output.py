"""Output: text, a JSON object, a model card or a model's arrays in, written whole
to a file or to stdout.

A file is never left half-written: `atomic_write` writes a temporary file next to
the target, flushes it to disk and renames it over the target in one step, so a
reader (or a crash, a full disk, Ctrl-C) sees the old content or the new, never a
mix; `atomic_path` does the same for writers that want a file name of their own
(torch, safetensors). Text goes out as UTF-8 exactly as given: no newline
translation, so a restored file differs from its input only where an edit was applied.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

import numpy as np

from restore.errors import OutputError


def write_text(text: str, target: str | Path, *, backup: bool = False) -> None:
    """Write `text` to the file `target` atomically, or to stdout when it is "-"."""
    if str(target) == "-":
        # Bytes, not sys.stdout's text layer: its encoding and newline handling
        # depend on the platform and locale, and the output must be exact.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        atomic_write(Path(target), text, backup=backup)


def write_json(obj: object, target: str | Path) -> None:
    """Write `obj` as indented JSON (non-ASCII kept readable) to a file or "-"."""
    write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", target)


def write_arrays(path: Path, vocab: Sequence[str], **arrays: np.ndarray) -> None:
    """Write a model's vocabulary (as "vocab", one word a line) and its named
    arrays as one compressed `.npz` file, atomically."""
    buffer = BytesIO()
    np.savez_compressed(buffer, vocab=np.array("\n".join(vocab)), **arrays)
    atomic_write(path, buffer.getvalue())


def write_card(path: Path, title: str, facts: Mapping[str, object]) -> None:
    """Write a model card: a `# title` and one "- **fact**: value" line per fact."""
    lines = [f"# {title}", ""] + [f"- **{k}**: {v}" for k, v in facts.items()]
    atomic_write(path, "\n".join(lines) + "\n")


def atomic_write(path: Path, text: str | bytes, *, backup: bool = False) -> None:
    """Replace the content of `path` with `text` (UTF-8; bytes go as they are),
    all at once or not at all.

    An existing file keeps its permission bits; a new one gets the usual
    0o666 less the umask. With `backup`, the previous content is first kept,
    the same way, in `path` + ".bak". Raises OutputError, leaving `path` as it
    was, when the file cannot be written.
    """
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        mode = _mode(path)
        if backup and mode is not None:
            _replace(path.with_name(path.name + ".bak"), path.read_bytes(), mode)
        _replace(path, data, mode)
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or error}; it is unchanged. "
            "Check that its directory exists and is writable, or choose another -o"
        ) from error


def _mode(path: Path) -> int | None:
    """The permission bits of the existing file at `path`, None when there is none."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file name beside `path` for the block to write; renamed over
    `path` when the block ends, removed when it raises (or on Ctrl-C)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    """Write `data` to a temporary file beside `path`, sync it, rename it to `path`."""
    with atomic_path(path) as temporary:
        # Created with 0o666 so the umask applies to a new file as it would to any other.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)

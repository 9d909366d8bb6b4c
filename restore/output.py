"""Output: text, a JSON object, a model card or a model's arrays in, written whole
to a file or to stdout; and a long text's restoration, written as its pieces come.

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
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import BinaryIO, NamedTuple

import numpy as np

from restore.analysis import Analysis, SpinScore
from restore.errors import OutputError
from restore.hunk import apply_hunks

SPOOL_BYTES = 4 << 20  # a restoration this long goes on to disk


def write_text(text: str, target: str | Path, *, backup: bool = False) -> None:
    """Write `text` to the file `target` atomically, or to stdout when it is "-"."""
    _write_stream(BytesIO(text.encode("utf-8")), target, backup=backup)


class Restored(NamedTuple):
    """What `write_restored` wrote: the text's spin score, and how many
    suggestions the document gate held back (`Analysis.withheld`)."""

    spin_score: float
    withheld: int


def write_restored(
    pieces: Iterable[tuple[int, Analysis]], threshold: float, min_spin: float,
    target: str | Path, *, backup: bool = False,
) -> Restored:
    """Write the restoration of a text analysed in `pieces` (`Restorer.pieces`)
    to the file `target` atomically, or to stdout when it is "-".

    The output is `Analysis.restored` of the whole text, but only one piece is
    held at a time. Whether the document gate holds edits back depends on the
    whole text's spin score, known only at the end, so each piece is restored
    both ways into a spool (in memory while small, then a temporary file) and
    the one the score picks is written out.
    """
    spin, withheld = SpinScore(), 0
    with SpooledTemporaryFile(SPOOL_BYTES) as spun, SpooledTemporaryFile(SPOOL_BYTES) as clean:
        try:
            for _, piece in pieces:
                spin.add(piece)
                sure = piece.gated(threshold, looks_clean=True)
                spun.write(apply_hunks(piece.text, piece.gated(threshold, looks_clean=False))
                           .encode("utf-8"))
                clean.write(apply_hunks(piece.text, sure).encode("utf-8"))
                withheld += sum(h.confidence >= threshold for h in piece.hunks) - len(sure)
        except OSError as error:  # a spool gone on to disk
            raise OutputError(
                f"cannot write a temporary file: {error.strerror or error}; nothing was "
                "written. Set TMPDIR to a folder with room"
            ) from error
        looks_clean = spin.value < min_spin
        chosen = clean if looks_clean else spun
        chosen.seek(0)
        _write_stream(chosen, target, backup=backup)
    return Restored(spin.value, withheld if looks_clean else 0)


def _write_stream(source: BinaryIO, target: str | Path, *, backup: bool = False) -> None:
    """Copy the bytes of `source` to the file `target` atomically, or to stdout."""
    if str(target) == "-":
        # Bytes, not sys.stdout's text layer: its encoding and newline handling
        # depend on the platform and locale, and the output must be exact.
        sys.stdout.flush()
        shutil.copyfileobj(source, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        _atomic_copy(Path(target), source, backup=backup)


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
    data = text.encode("utf-8") if isinstance(text, str) else text
    _atomic_copy(Path(path), BytesIO(data), backup=backup)


def _atomic_copy(path: Path, source: BinaryIO, *, backup: bool = False) -> None:
    """`atomic_write` of the bytes `source` gives."""
    try:
        mode = _mode(path)
        if backup and mode is not None:
            with path.open("rb") as previous:
                _replace(path.with_name(path.name + ".bak"), previous, mode)
        _replace(path, source, mode)
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


def _replace(path: Path, source: BinaryIO, mode: int | None) -> None:
    """Copy `source` to a temporary file beside `path`, sync it, rename it to `path`."""
    with atomic_path(path) as temporary:
        # Created with 0o666 so the umask applies to a new file as it would to any other.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "wb") as stream:
            shutil.copyfileobj(source, stream)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)

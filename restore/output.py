"""Output: text, a JSON object, a model card or a model's arrays in, written whole
to a file or to stdout; and a text's restoration or analysis, taken in as its
pieces come and spooled (in memory while small, then in temporary files) until
the whole is known, so a long text is never held whole in memory.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from io import BytesIO
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import BinaryIO, NamedTuple

import numpy as np

from restore.analysis import Analysis, SpinScore, shifted, shown
from restore.errors import OutputError
from restore.hunk import Hunk, apply_hunks

SPOOL_BYTES = 4 << 20  # a spool this long goes on to disk


def write_text(
    text: str, target: str | Path, *, backup: bool = False, like: str | Path | None = None
) -> None:
    """Write `text` to the file `target` atomically, or to stdout when it is "-".

    A new file's mode is `new_file_mode(like)`: `like`, the input file it was
    made from, keeps it from others as it is kept from them.
    """
    _write_parts([text.encode("utf-8")], target, backup=backup, like=like)


def write_bytes(data: bytes, target: str | Path) -> None:
    """Write `data` as it is to the file `target` atomically, or to stdout when it is "-"."""
    _write_parts([data], target)


class Restored(NamedTuple):
    """What `write_restored` or `write_analysis` wrote: the text's spin score, and
    how many suggestions the document gate held back (`Analysis.withheld`)."""

    spin_score: float
    withheld: int


def write_restored(
    pieces: Iterable[tuple[int, Analysis]], threshold: float, min_spin: float,
    target: str | Path, *, backup: bool = False, like: str | Path | None = None,
) -> Restored:
    """Write the restoration of a text analysed in `pieces` (`Restorer.pieces`)
    to the file `target` atomically, or to stdout when it is "-".

    The output is `Analysis.restored` of the whole text, but only one piece is
    held at a time (see `_BothWays`). With `backup` (restoring a file in
    place), a text that no edit changes is left alone, and so is the backup an
    earlier run kept of it. `like` is as in `write_text`.
    """
    with _spooling() as spool:
        restored = _BothWays(spool, threshold, _utf8)
        for _, piece in pieces:
            restored.add(piece)
        if not (backup and restored.unchanged(min_spin)):
            _write_parts([restored.chosen(min_spin)], target, backup=backup, like=like)
    return restored.summary(min_spin)


def write_analysis(
    pieces: Iterable[tuple[int, Analysis]], threshold: float, min_spin: float,
    target: str | Path, *, like: str | Path | None = None,
) -> Restored:
    """Write `restore --auto --json`'s object for a text analysed in `pieces`
    to the file `target` atomically, or to stdout when it is "-".

    The output is `write_json` of the whole analysis's `Analysis.to_json`, byte
    for byte, but only one piece is held at a time: each part of the object is
    spooled as the pieces come, the edits' "applied" flags and the restored text
    both ways the document gate may go (see `_BothWays`). `like` is as in
    `write_text`.
    """
    with _spooling() as spool:
        text, sentences = spool(), spool()
        restored = _BothWays(spool, threshold, _json_string_body)
        edits = {looks_clean: spool() for looks_clean in (False, True)}
        n_sentences = n_edits = 0  # so far
        for offset, piece in pieces:
            text.write(_json_string_body(piece.text))
            for s in piece.sentences:
                sentences.write(_item(n_sentences, shifted(s, offset).to_json()))
                n_sentences += 1
            chosen = {way: set(map(id, hunks)) for way, hunks in restored.add(piece).items()}
            for i, h in enumerate(piece.hunks, n_edits):
                # most hunks are applied, or not, both ways: lay each out once per flag
                items = {flag: _item(i, shifted(h, offset).to_json(flag))
                         for flag in {id(h) in ids for ids in chosen.values()}}
                for way, ids in chosen.items():
                    edits[way].write(items[id(h) in ids])
            n_edits += len(piece.hunks)
        score = json.dumps(shown(restored.spin.value))
        _write_parts([
            b'{\n  "input": "', text, f'",\n  "spin_score": {score},\n  "sentences": ['.encode(),
            sentences, _list_end(n_sentences),
            b',\n  "edits": [', edits[restored.spin.value < min_spin], _list_end(n_edits),
            b',\n  "restored": "', restored.chosen(min_spin), b'"\n}\n',
        ], target, like=like)
    return restored.summary(min_spin)


class _BothWays:
    """A text's restoration, spooled piece by piece both ways the document gate
    may go, until the whole text's spin score picks one.

    Whether the gate holds edits back depends on the whole text's score, known
    only at the end; restoring each piece both ways lets a long text go through
    one piece at a time and still come out as `Analysis.restored` of the whole.
    """

    def __init__(self, spool: Callable[[], BinaryIO], threshold: float,
                 encode: Callable[[str], bytes]) -> None:
        self.threshold, self.encode = threshold, encode
        self.spools = {looks_clean: spool() for looks_clean in (False, True)}
        self.applied = {looks_clean: 0 for looks_clean in (False, True)}
        self.spin, self.withheld = SpinScore(), 0

    def add(self, piece: Analysis) -> dict[bool, list[Hunk]]:
        """Restore the next piece both ways; give the hunks applied each way
        (keyed by whether the text looks clean)."""
        self.spin.add(piece)
        applied = {looks_clean: piece.gated(self.threshold, looks_clean=looks_clean)
                   for looks_clean in (False, True)}
        for looks_clean, hunks in applied.items():
            self.spools[looks_clean].write(self.encode(apply_hunks(piece.text, hunks)))
            self.applied[looks_clean] += len(hunks)
        self.withheld += len(applied[False]) - len(applied[True])
        return applied

    def chosen(self, min_spin: float) -> BinaryIO:
        """The spool of the restoration the text's spin score picks."""
        return self.spools[self.spin.value < min_spin]

    def unchanged(self, min_spin: float) -> bool:
        """True when the restoration the spin score picks applies no edit."""
        return not self.applied[self.spin.value < min_spin]

    def summary(self, min_spin: float) -> Restored:
        """The spin score, and the suggestions held back if the text looks clean."""
        looks_clean = self.spin.value < min_spin
        return Restored(self.spin.value, self.withheld if looks_clean else 0)


class _Spool(SpooledTemporaryFile):
    """Bytes kept in memory while small, then in a temporary file."""

    def __init__(self) -> None:
        super().__init__(SPOOL_BYTES)

    def write(self, data: bytes) -> int:  # type: ignore[override]
        try:
            return super().write(data)
        except OSError as error:  # the temporary file, once it goes on to disk
            raise OutputError(
                f"cannot write a temporary file: {error.strerror or error}; nothing was "
                "written. Set TMPDIR to a folder with room"
            ) from error


@contextmanager
def _spooling() -> Iterator[Callable[[], BinaryIO]]:
    """A maker of `_Spool`s, all closed and deleted when the block ends."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(_Spool())


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _json_string_body(text: str) -> bytes:
    """`text` as it appears between the quotes of a JSON string (as `write_json`
    writes it); the bodies of consecutive pieces join into the whole's."""
    return json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8")


def _item(index: int, item: dict) -> bytes:
    """The `index`th item of a list as `write_json` lays it out two levels deep."""
    body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
    return f"{',' if index else ''}\n    {body}".encode()


def _list_end(count: int) -> bytes:
    """What closes a list of `count` items as `write_json` lays it out one level deep."""
    return b"\n  ]" if count else b"]"


Parts = Sequence[bytes | BinaryIO]  # bytes, and files or spools copied from their start


def _write_parts(
    parts: Parts, target: str | Path, *, backup: bool = False, like: str | Path | None = None
) -> None:
    """Write `parts` one after the other to the file `target` atomically, or to stdout."""
    if str(target) == "-":
        # Bytes, not sys.stdout's text layer: its encoding and newline handling
        # depend on the platform and locale, and the output must be exact.
        try:
            sys.stdout.flush()
            _copy(parts, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise  # the reader stopped early: `restore.cli` ends quietly
        except OSError as error:
            raise OutputError(f"cannot write to standard output: {error.strerror or error}. "
                              "Check where it goes (a full disk?)") from error
    else:
        _atomic_copy(Path(target), parts, backup=backup, like=like)


def _copy(parts: Parts, out: BinaryIO) -> None:
    for part in parts:
        if isinstance(part, bytes):
            out.write(part)
        else:
            part.seek(0)
            shutil.copyfileobj(part, out)


def write_json(obj: object, target: str | Path, *, like: str | Path | None = None) -> None:
    """Write `obj` as indented JSON (non-ASCII kept readable) to a file or "-";
    `like` is as in `write_text`."""
    write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", target, like=like)


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


def atomic_write(
    path: Path, text: str | bytes, *, backup: bool = False, like: str | Path | None = None,
    mode: int | None = None,
) -> None:
    """Replace the content of `path` with `text` (UTF-8; bytes go as they are),
    all at once or not at all.

    An existing file keeps its permission bits; a new one gets `mode` when
    given (for a file made from several inputs), else `new_file_mode(like)`:
    the usual 0o666 less the umask, kept from others as `like` (the input it
    was made from) is, so the restoration of a private file is private too.
    With `backup`, the previous content is kept, the same way, in `path` +
    ".bak", once the new content is safely on disk. A symlink keeps pointing
    at its file, which gets the new content. A path that is no regular file
    (`/dev/null`, `/dev/stdout`, a FIFO) cannot be replaced: the text is
    written into it. Raises OutputError, leaving `path` (and an earlier
    backup) as it was, when the file cannot be written.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    _atomic_copy(Path(path), [data], backup=backup, like=like, mode=mode)


def _atomic_copy(
    path: Path, parts: Parts, *, backup: bool = False, like: str | Path | None = None,
    mode: int | None = None,
) -> None:
    """`atomic_write` of `parts` one after the other."""
    try:
        try:
            info = path.stat()
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            # Renaming a file over /dev/null would put a file where the device was.
            with path.open("wb") as stream:
                _copy(parts, stream)
            return
        path = Path(os.path.realpath(path))
        if info is not None:
            mode = stat.S_IMODE(info.st_mode)
        elif mode is None:
            mode = new_file_mode(like)
        if not (backup and info is not None):
            with _staged(path, parts, mode):
                pass
            return
        # Both are written first; then the new text is renamed into place, and only
        # once that has worked, the old text over the backup (a `with` leaves its
        # items last first): a failure anywhere keeps the file and its earlier backup.
        with (path.open("rb") as previous,
              _staged(path.with_name(path.name + ".bak"), [previous], mode),
              _staged(path, parts, mode)):
            pass
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or error}; it is unchanged. "
            "Check that its folder exists and is writable, or write it elsewhere"
        ) from error


@contextmanager
def atomic_path(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary file name beside `path` for the block to write; renamed over
    `path` when the block ends, removed when it raises (or on Ctrl-C).

    The file gets the permission bits `mode`, else those of the file it
    replaces, else the usual 0o666 less the umask, whatever the writer gave it
    (safetensors writes 0o600).
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        if mode is None:
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = new_file_mode()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def new_file_mode(like: str | Path | None = None) -> int:
    """The permission bits of a new file: the usual 0o666 less the umask, less
    what `like`, the regular file it is made from, allows no one but its owner
    ("-", standard input, narrows nothing).

    The owner may always read and write it: a read-only input's batch output is
    appended to by the next run, and a review's files are saved again.
    """
    try:
        info = None if like is None or str(like) == "-" else Path(like).stat()
    except OSError:  # gone since it was read: the usual mode
        info = None
    # a pipe (/dev/stdin, <(...)) is 0o600 whatever the data: only a file says who may read
    allowed = 0o777 if info is None or not stat.S_ISREG(info.st_mode) else (
        stat.S_IMODE(info.st_mode) | 0o600)
    return 0o666 & ~_umask() & allowed


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


@contextmanager
def _staged(path: Path, parts: Parts, mode: int | None) -> Iterator[None]:
    """Copy `parts` to a temporary file beside `path` and sync it; renamed to
    `path` when the block ends, dropped if it raises."""
    with atomic_path(path, mode) as temporary:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as stream:
            _copy(parts, stream)
            stream.flush()
            os.fsync(stream.fileno())
        yield

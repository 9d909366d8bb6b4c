"""Sources: command-line inputs in, the documents of a batch out, one at a time.

An input is a text file, a directory (every file under it whose name matches a
glob; hidden files and folders are skipped, and so, with a line on stderr, is
what is no regular file: a named pipe would block the batch), a JSON Lines
file of `{"id": str | int, "text": str}` objects (by its `.jsonl` suffix, or
any file with `jsonl=True`), or "-" for standard input (one text, or JSON Lines).

`plan` checks the inputs up front and gives one `Source` per file, with the
path of its output relative to the output folder: the input's own name, then
its path inside the directory, so the output mirrors the input tree.
`documents` then reads the sources lazily, one `Doc` at a time, so memory stays
bounded however large the batch. A document that cannot be read (binary,
undecodable, too large, a broken JSON line, a record whose id holds a NUL or
is one an earlier line of its file has, where 1 and "1" are one id) comes out
with an `error` instead of a text: the batch reports it and goes on.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePath

from restore.errors import InputError
from restore.inputs import MAX_BYTES, read_text, why_binary

DEFAULT_GLOB = "*.txt"
STDIN = "-"


@dataclass(frozen=True)
class Source:
    """One input file: where it is, how to read it, where its output goes."""

    path: str  # as the user wrote it, or joined onto it; "-" for stdin
    output: PurePath  # relative to the output folder
    jsonl: bool


@dataclass
class Doc:
    """One document: a text file, or one record of a JSON Lines file."""

    source: Source
    text: str | None = None
    error: str | None = None  # why it cannot be processed; then `text` is None
    id: str | int | None = None  # the record's id, for JSON Lines
    line: int | None = None  # the record's line number, for JSON Lines

    @property
    def name(self) -> str:
        """How messages refer to it."""
        where = "standard input" if self.source.path == STDIN else shown_path(self.source.path)
        return where if self.line is None else f"{where} line {self.line}"

    @cached_property
    def digest(self) -> str:
        """blake2b hash of the text: what the manifest compares to skip finished documents."""
        return hashlib.blake2b((self.text or "").encode("utf-8"), digest_size=16).hexdigest()


def shown_path(path: str) -> str:
    """`path` as messages and reports can print it: a name whose bytes are not
    UTF-8 (an old Latin-1 archive's "caf\xe9.txt") shows those bytes escaped."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_batch(inputs: Sequence[str], *, jsonl: bool = False) -> bool:
    """Whether `inputs` need batch mode rather than the one-file behaviour."""
    return (
        jsonl
        or len(inputs) != 1
        or _is_jsonl(inputs[0], jsonl)
        or (inputs[0] != STDIN and Path(inputs[0]).is_dir())
    )


def check_destination(inputs: Sequence[str], out_dir: Path | None, *, jsonl: bool) -> None:
    """InputError unless the outputs of `inputs` have a place that touches no input.

    That is an output folder apart from every input, or standard output when
    the only input is JSON Lines (the records go there, one a line).
    """
    if out_dir is None:
        if len(inputs) == 1 and _is_jsonl(inputs[0], jsonl):
            return
        what = f"{inputs[0]} is a directory" if len(inputs) == 1 else "several inputs"
        raise InputError(f"{what}: batch mode writes to a folder, e.g. "
                         f"restore --auto {' '.join(inputs)} -o OUT_DIR")
    # An output folder inside an input folder would be read as input by the next
    # run; an input inside the output folder could be overwritten.
    out = out_dir.resolve()
    for given in inputs:
        path = Path(given).resolve()
        if given != STDIN and (out.is_relative_to(path) or path.is_relative_to(out)):
            raise InputError(f"the output folder {out_dir} and the input {given} overlap; "
                             "choose an -o outside the inputs")


def plan(inputs: Sequence[str], *, glob: str = DEFAULT_GLOB, jsonl: bool = False,
         missing_ok: bool = False) -> list[Source]:
    """One Source per input file, in a stable order.

    Raises InputError when an input is missing (with `missing_ok`, it is
    planned and `documents` reports it as a document that cannot be read), a
    directory has no matching file, or two outputs would collide.
    """
    sources: list[Source] = []
    for given in inputs:
        if given == STDIN:
            sources.append(Source(STDIN, PurePath("stdin.jsonl" if jsonl else "stdin.txt"),
                                  jsonl))
        elif Path(given).is_dir():
            sources += _directory(given, glob, jsonl)
        elif Path(given).exists() or missing_ok:
            sources.append(Source(given, PurePath(Path(given).name), _is_jsonl(given, jsonl)))
        else:
            raise InputError(f"{given}: no such file or directory; check the path")
    seen: dict[PurePath, str] = {}
    for source in sources:
        if source.output in seen:
            raise InputError(
                f"{seen[source.output]} and {source.path} would both be written to "
                f"{source.output}; restore them in separate runs or rename one"
            )
        seen[source.output] = source.path
    return sources


def _directory(root: str, glob: str, jsonl: bool) -> list[Source]:
    # The output keeps the directory's own name, so several inputs cannot collide.
    top = PurePath(Path(root).resolve().name)
    found = []
    # os.walk, not Path.rglob: it does not follow links to folders (no cycles), and
    # pruning hidden folders in place skips .git and the like without entering them.
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.startswith(".") or not fnmatch.fnmatch(name, glob):
                continue
            # a FIFO or socket among the files would block the batch for ever
            if not os.path.isfile(path):
                print(f"restore: {shown_path(path)} is not a regular file (a named pipe, a "
                      "socket, a device or a broken link); skipped", file=sys.stderr)
                continue
            relative = PurePath(os.path.relpath(path, root))
            found.append(Source(path, top / relative, _is_jsonl(path, jsonl)))
    if not found:
        raise InputError(f"{root} has no file matching {glob!r}; choose another --glob")
    return found


def _is_jsonl(path: str, jsonl: bool) -> bool:
    return jsonl or Path(path).suffix == ".jsonl"


def count(sources: Sequence[Source]) -> int | None:
    """About how many documents `sources` hold (lines of JSON Lines), None if unknown."""
    total = 0
    for source in sources:
        if not source.jsonl:
            total += 1
        elif source.path == STDIN:
            return None
        else:
            total += _count_lines(source.path)
    return total


def _count_lines(path: str) -> int:
    lines, last = 0, b"\n"
    try:
        with open(path, "rb") as stream:
            while block := stream.read(2**20):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1  # `documents` reports the error, as one document
    return lines + (last != b"\n")


def documents(sources: Sequence[Source]) -> Iterator[Doc]:
    """Every document of `sources` in order, read only when it is reached."""
    for source in sources:
        if source.jsonl:
            yield from _records(source)
        else:
            try:
                yield Doc(source, text=read_text(source.path))
            except InputError as error:
                yield Doc(source, error=str(error))


def _records(source: Source) -> Iterator[Doc]:
    try:
        stream = sys.stdin.buffer if source.path == STDIN else open(source.path, "rb")  # noqa: SIM115
    except OSError as error:
        yield Doc(source, error=f"cannot read {source.path}: {error.strerror or error}")
        return
    shown_ids: dict[str, tuple[int, str | int]] = {}
    try:
        for number, raw in enumerate(_lines(stream), start=1):
            if raw is None:
                doc = Doc(source, line=number)
                doc.error = f"{doc.name} is larger than {MAX_BYTES:,} bytes; split the document"
                yield doc
            elif raw.strip():
                doc = _record(source, number, raw)
                if doc.error is None:
                    _check_unique(doc, shown_ids)
                yield doc
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _check_unique(doc: Doc, shown_ids: dict[str, tuple[int, str | int]]) -> None:
    """Skip `doc`, giving it an error, when an earlier record in `shown_ids` (the
    line and id of each of its file's records so far, by `str(id)`) has its id;
    else add it there."""
    # The manifest and the output know a record by its id: a second record with it
    # would be written as a newer version of the first. 1 and "1" count as one id,
    # as reports show both as [1] (`restore.report`) and so may tools downstream.
    line, earlier = shown_ids.setdefault(str(doc.id), (doc.line, doc.id))
    if line == doc.line:
        return
    doc.text = None
    if doc.id == earlier:
        doc.error = (f"{doc.name} repeats the id {doc.id!r} of line {line}; ids must be "
                     "unique in a file; skipped")
    else:
        doc.error = (f"{doc.name} has the id {doc.id!r}, which shows as the id {earlier!r} of "
                     f"line {line} does; ids must be unique in a file, and a number and the "
                     "string of its digits count as one; skipped")


def _lines(stream) -> Iterator[bytes | None]:
    """The lines of `stream`, None for one longer than MAX_BYTES (read past, never held)."""
    while line := stream.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(2**20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _record(source: Source, number: int, raw: bytes) -> Doc:
    doc = Doc(source, line=number)
    try:
        record = json.loads(raw)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both
        doc.error = f"{doc.name} is not a JSON object ({error}); skipped"
        return doc
    if not isinstance(record, dict):
        record = {}
    doc.id, text = record.get("id"), record.get("text")
    if isinstance(doc.id, bool) or not isinstance(doc.id, str | int) or not isinstance(text, str):
        doc.error = f'{doc.name} needs {{"id": string or integer, "text": string}}; skipped'
    elif not all(map(_is_utf8, (text, str(doc.id)))):
        doc.id = None  # it cannot be written out either
        doc.error = (f"{doc.name} holds a lone surrogate escape (such as \\ud800), which is "
                     "no character: its text or id was cut from a broken string; skipped")
    elif where := _why_binary(text, doc.id):
        doc.error = f"{doc.name} (id {doc.id!r}) is binary data, not text ({where}); skipped"
    elif not text.strip():
        doc.error = f"{doc.name} (id {doc.id!r}) has an empty text; there is nothing to restore"
    else:
        doc.text = text
    return doc


def _why_binary(text: str, id_: str | int) -> str | None:
    """Why a record of `text` and `id_` is binary ("its id has a NUL byte at byte
    offset 1"), or None when both may be text."""
    # An id is shown in messages and reports too, where a NUL hides ("a\0b" looks like "ab").
    for part, value in (("text", text), ("id", str(id_))):
        if where := why_binary(value.encode("utf-8")):
            return f"its {part} has {where}"
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""Archive: a folder (or one file) of clean articles on disk, read as `Article`s.

An archive holds plain `.txt` files (one article each, its id the path relative
to the archive) and/or `.jsonl` files in the format of `../shared/data/corpus/`
(one `{"id", "title", "text"}` object a line; the title becomes the first
paragraph). `Archive.open(path)` lists them, or raises `InputError` when the
path is missing, holds no articles, or cannot be read; `articles()` reads every
article with the byte range it came from, and `article(location)` reads one back
from that range, so an index need not keep a copy of the texts.
`fingerprint` changes whenever a file is added, removed, resized or touched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from restore.errors import InputError
from restore.inputs import read_text

SUFFIXES = (".txt", ".jsonl")


@dataclass(frozen=True, slots=True)
class Article:
    """One clean article: `id` names it in hunk metadata."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where an article lies: bytes `offset:offset + length` of file number `file`."""

    file: int
    offset: int
    length: int


class Archive:
    """The article files under `root`, in a stable (sorted) order."""

    def __init__(self, root: Path, files: list[Path]) -> None:
        self.root = root
        self.files = files

    @classmethod
    def open(cls, path: Path) -> Archive:
        """The archive at `path` (a folder, or a single .txt/.jsonl file).

        Hidden files and folders are skipped: that is where indexes and editor
        backups live, not articles.
        """
        path = Path(path)
        if not path.exists():
            raise InputError(f"reference archive {path}: no such file or folder; check the path")
        if path.is_file():
            if path.suffix not in SUFFIXES:
                raise InputError(
                    f"reference archive {path} is neither a folder nor a .txt or .jsonl file"
                )
            return cls(path.parent, [Path(path.name)])
        try:
            files = sorted(
                found.relative_to(path)
                for found in path.rglob("*")
                if found.suffix in SUFFIXES
                and found.is_file()
                and not any(part.startswith(".") for part in found.relative_to(path).parts)
            )
        except OSError as error:
            raise InputError(
                f"cannot read reference archive {path}: {error.strerror or error}"
            ) from None
        if not files:
            raise InputError(
                f"reference archive {path} holds no articles; "
                'give a folder of .txt files or .jsonl files of {"id", "title", "text"}'
            )
        return cls(path, files)

    @property
    def fingerprint(self) -> str:
        """A digest of every file's name, size and modification time."""
        digest = hashlib.sha256()
        for name in self.files:
            stat = self._stat(name)
            digest.update(f"{name.as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def articles(self) -> Iterator[tuple[Article, Location]]:
        """Every article with its location, file by file.

        Raises InputError for an unreadable file, text that is not UTF-8, or a
        JSONL line that is not an article, or when every file is empty.
        """
        count = 0
        for number, name in enumerate(self.files):
            for found in self._read(number, name):
                count += 1
                yield found
        if count == 0:
            raise InputError(
                f"reference archive {self.root} holds only empty files; there is nothing to index"
            )

    def article(self, location: Location) -> Article:
        """The article stored at `location` (as `articles()` gave it)."""
        name = self.files[location.file]
        try:
            with (self.root / name).open("rb") as stream:
                stream.seek(location.offset)
                data = stream.read(location.length)
        except OSError as error:
            raise InputError(
                f"cannot read {self.root / name} in the reference archive "
                f"({error.strerror or error}); did it change while in use? Run again"
            ) from None
        try:
            if name.suffix == ".txt":
                return Article(name.as_posix(), data.decode("utf-8"))
            return _parse_line(data, f"{self.root / name} at byte {location.offset}")
        except (UnicodeDecodeError, InputError):  # rewritten in place, its size and time kept
            raise InputError(
                f"{self.root / name} in the reference archive changed since it was indexed; "
                f"touch it (or delete .{self.root.name}.restore-index beside the archive) so "
                "that the index is rebuilt"
            ) from None

    def _stat(self, name: Path) -> os.stat_result:
        try:
            return (self.root / name).stat()
        except OSError as error:
            raise InputError(
                f"cannot read {self.root / name} in the reference archive: "
                f"{error.strerror or error}"
            ) from None

    def _read(self, number: int, name: Path) -> Iterator[tuple[Article, Location]]:
        """The articles of file number `number`: none if it is empty, one if it is .txt."""
        path = self.root / name
        size = self._stat(name).st_size
        if size == 0:
            return
        if name.suffix == ".txt":
            try:
                text = read_text(path)
            except InputError as error:
                raise InputError(f"in the reference archive: {error}") from None
            yield Article(name.as_posix(), text), Location(number, 0, size)
            return
        try:
            with path.open("rb") as stream:
                offset = 0
                for line_number, line in enumerate(stream, 1):
                    if line.strip():
                        article = _parse_line(line, f"{path}:{line_number}")
                        yield article, Location(number, offset, len(line))
                    offset += len(line)
        except OSError as error:
            raise InputError(f"cannot read {path}: {error.strerror or error}") from None


def _parse_line(line: bytes, where: str) -> Article:
    """An article from one JSONL line: `{"id", "title"?, "text"}`."""
    try:
        record = json.loads(line)
        title, body = record.get("title") or "", record["text"]
        if not isinstance(body, str) or not isinstance(title, str):
            raise TypeError('"text" and "title" must be strings')
        return Article(str(record["id"]), f"{title}\n\n{body}" if title else body)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError,
            RecursionError) as e:  # RecursionError: a line of arrays nested thousands deep
        raise InputError(
            f"{where} in the reference archive is not an article "
            f'(expected a JSON object with "id" and "text"): {e}'
        ) from None

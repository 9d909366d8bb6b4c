"""Output folder: the results of a batch in, files under `-o DIR` and a manifest out.

Each text document becomes one file, written atomically (`restore.output`), at
its source's path mirrored under the folder. The records of a JSON Lines source
go, one whole line each, to one `.jsonl` file. After each output the folder
appends a line to its manifest, `.restore-manifest.jsonl`:

    {"settings": {...}}                                   the first line
    {"input", "id", "hash", "output", "status", "error"}  one per document

`status` is "done" or "failed"; `hash` is the blake2b digest of the document's
text. A rerun skips a document recorded as done with the same hash (and, for a
text file, whose output still exists) and redoes the rest: failed ones, changed
ones, and those an interruption cut off. `--force` starts afresh once the
first document is through (a run that fails before, on models that will not
load, changes nothing), and then removes what the earlier run wrote for this
run's inputs under the names of the other settings (the `a.txt.json` of a
`--json` run when this one writes `a.txt`): only files its manifest lists as
done, so the folder holds exactly the outputs of the current settings.

Because the manifest line comes after the output, a kill can leave at most one
output that the manifest does not know: a text file, which the rerun replaces
whole, or a last JSON line, whole or cut, which the rerun cuts off before it
appends. So every JSON Lines output always holds exactly the records the
manifest lists as done, in that order (a record whose text changed is appended
again; the last line for an id is the current one).

The manifest names the inputs, so a new one gives others no permission that
the most private of them denies them, as each output does for its own input.

`StdoutRecords` is the same interface for JSON Lines to standard output, where
there is nothing to resume.
"""

from __future__ import annotations

import functools
import json
import operator
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from restore.batch.sources import Doc, Source, shown_path
from restore.errors import InputError, OutputError
from restore.output import atomic_write, new_file_mode, write_bytes

MANIFEST = ".restore-manifest.jsonl"


class OutputFolder:
    """The `-o DIR` of a batch and its manifest."""

    def __init__(self, root: Path, settings: dict, *, force: bool = False,
                 suffix: str = "", sources: Sequence[Source] = ()) -> None:
        """Open `root` (created if need be) for a run of `sources` with `settings`.

        A text document's output is named after its input plus `suffix` (".json"
        for analyses). Raises InputError when the folder was made with other settings and
        `force` is not given: mixing them would give a half-and-half result. With
        `force`, the folder starts afresh with the first document's result, and
        the earlier outputs of `sources` under other settings' names go (see the
        module's docstring).
        """
        self.root, self._suffix, self._settings = root, suffix, settings
        self._sources = sources  # a new manifest is kept from others as they are (`_start`)
        self._done: set[tuple[str, str | int | None, str]] = set()
        self._records: Counter[str] = Counter()  # done records per JSON Lines output
        self._appending: tuple[str, BinaryIO] | None = None
        self._manifest: BinaryIO | None = None  # opened by `_start` when a run starts afresh
        self._stale: list[Path] = []  # removed by `_start`
        self._removed: list[Path] = []
        manifest = root / MANIFEST
        try:
            root.mkdir(parents=True, exist_ok=True)
            if manifest.exists() and not force:
                self._load(manifest, settings)
                self._manifest = open(manifest, "ab")  # noqa: SIM115 - for the folder's lifetime
            elif manifest.exists():
                self._stale = self._earlier_outputs(manifest, sources)
        except OSError as error:
            raise _unusable(root, error) from None

    def _load(self, manifest: Path, settings: dict) -> None:
        with open(manifest, "rb") as stream:
            header = _object(stream.readline()).get("settings")
            if not isinstance(header, dict):
                raise InputError(
                    f"{manifest} is damaged (its first line holds no settings); rerun with "
                    "--force to redo the batch, or choose another -o"
                )
            if header != settings:
                raise InputError(
                    f"{self.root} holds a batch made with other settings "
                    f"({json.dumps(header)}); rerun with --force to redo it all with these, "
                    "or choose another -o"
                )
            for raw in stream:
                # a line cut by a kill, or mangled: its document is simply redone
                entry = _object(raw)
                if entry.get("status") == "done" and {"output", "id", "hash"} <= entry.keys():
                    self._done.add((entry["output"], entry["id"], entry["hash"]))
                    if entry["id"] is not None:  # a JSON Lines record
                        self._records[entry["output"]] += 1
        for output in list(self._records):
            if not (self.root / output).exists():  # deleted since: its records are redone
                del self._records[output]
                self._done = {done for done in self._done if done[0] != output}

    def _earlier_outputs(self, manifest: Path, sources: Sequence[Source]) -> list[Path]:
        """The files the manifest lists as done under the names that other settings
        give the outputs of `sources`."""
        # By output name, not input path: `in` and `./in` are one input, with one output.
        names = {str(s.output) + suffix for s in sources if not s.jsonl
                 for suffix in ("", ".json")}
        names -= {self._output(s) for s in sources}
        listed = set()
        with open(manifest, "rb") as stream:
            stream.readline()  # the settings
            for raw in stream:
                entry = _object(raw)
                if entry.get("status") == "done" and entry.get("output") in names:
                    listed.add(entry["output"])
        paths = [self.root / output for output in sorted(listed)]
        return [path for path in paths if path.is_file() and not path.is_symlink()]

    def _start(self) -> None:
        """With `force`, start the manifest afresh, before the first result is recorded."""
        if self._manifest is not None:
            return
        try:
            for path in self._stale:  # before the reset: a kill in between leaves them listed
                path.unlink(missing_ok=True)
                self._removed.append(path)
            manifest = self.root / MANIFEST
            atomic_write(manifest, _line({"settings": self._settings}).decode("utf-8"),
                         mode=_most_private(self._sources))
            self._manifest = open(manifest, "ab")  # noqa: SIM115 - for the folder's lifetime
        except OSError as error:
            raise _unusable(self.root, error) from None

    def is_done(self, doc: Doc) -> bool:
        """Whether a previous run finished `doc` with the same text."""
        output = self._output(doc.source)
        if (output, doc.id, doc.digest) not in self._done:
            return False
        return doc.source.jsonl or (self.root / output).exists()  # records: see `_load`

    def write(self, doc: Doc, result: str | dict) -> None:
        """Write the output of `doc` (text, or a JSON object) and record it as done."""
        output = self._output(doc.source)
        if doc.source.jsonl:
            self._append(output, _line({"id": doc.id, **result}), doc.source.path)
            self._records[output] += 1
        else:
            path = self.root / output
            path.parent.mkdir(parents=True, exist_ok=True)
            text = result if isinstance(result, str) else json.dumps(
                result, ensure_ascii=False, indent=2) + "\n"
            atomic_write(path, text, like=doc.source.path)
        self._log(doc, output, "done")

    def failed(self, doc: Doc, error: str) -> None:
        """Record that `doc` could not be processed (a rerun tries it again)."""
        self._log(doc, self._output(doc.source), "failed", error)

    def close(self) -> None:
        if self._appending:
            self._appending[1].close()
        if self._manifest is not None:
            self._manifest.close()
        if self._removed:
            print(f"restore: --force removed {len(self._removed):,} output(s) of the earlier "
                  f"run under other settings, such as {shown_path(str(self._removed[0]))}",
                  file=sys.stderr)

    def _output(self, source: Source) -> str:
        """Where the output of `source` goes, relative to the folder."""
        return str(source.output) + ("" if source.jsonl else self._suffix)

    def _log(self, doc: Doc, output: str, status: str, error: str | None = None) -> None:
        entry = {"input": doc.source.path, "id": doc.id, "hash": doc.digest,
                 "output": output, "status": status}
        if error:
            entry["error"] = error
        self._start()
        self._manifest.write(_line(entry))
        self._manifest.flush()

    def _append(self, output: str, line: bytes, like: str | Path | None) -> None:
        # Documents come in source order, so one JSON Lines output is open at a time.
        if self._appending is None or self._appending[0] != output:
            if self._appending:
                self._appending[1].close()
            path = self.root / output
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = new_file_mode(like)  # a new file: no permission its input lacks
            stream = open(path, "ab",  # noqa: SIM115 - kept open across documents
                          opener=lambda name, flags: os.open(name, flags, mode))
            _cut_after(stream, path, self._records[output])
            self._appending = (output, stream)
        stream = self._appending[1]
        stream.write(line)  # one write per record: a reader never sees half of one
        stream.flush()


def _most_private(sources: Sequence[Source]) -> int:
    """The permission bits of a new file that names every input of `sources` (the
    manifest): only what `new_file_mode` allows a file made from each of them."""
    return functools.reduce(operator.and_, (new_file_mode(s.path) for s in sources),
                            new_file_mode())


def _unusable(root: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot use {root} as the output folder: "
                       f"{error.strerror or error}; choose another -o")


def _cut_after(stream: BinaryIO, path: Path, records: int) -> None:
    """Cut `path` after its first `records` lines: what the manifest knows of."""
    with open(path, "rb") as reader:
        for _ in range(records):
            if not reader.readline().endswith(b"\n"):
                raise InputError(
                    f"{path} has fewer records than its manifest lists; it was changed "
                    "outside restore. Rerun with --force to redo it"
                )
        end = reader.tell()
    if end < os.fstat(stream.fileno()).st_size:
        stream.truncate(end)


class StdoutRecords:
    """JSON Lines results to standard output (no folder, so nothing to resume)."""

    def is_done(self, doc: Doc) -> bool:
        return False

    def write(self, doc: Doc, result: dict) -> None:
        # A reader gone (`| head`) stops the batch as any broken pipe stops restore.
        write_bytes(_line({"id": doc.id, **result}), "-")

    def failed(self, doc: Doc, error: str) -> None:
        """Nothing to record: the error was reported on stderr."""

    def close(self) -> None:
        sys.stdout.flush()


def _object(raw: bytes) -> dict:
    """The JSON object on a manifest line; empty when there is none."""
    try:
        entry = json.loads(raw)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}


def _line(obj: dict) -> bytes:
    try:
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a file name whose bytes are not UTF-8: escaped, it round-trips
        return (json.dumps(obj) + "\n").encode("ascii")

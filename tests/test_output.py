"""Writing output: files appear whole or not at all, stdout gets the exact bytes."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from restore import output
from restore.analysis import Analysis
from restore.errors import OutputError
from restore.hunk import Hunk
from restore.output import (
    atomic_path,
    atomic_write,
    write_card,
    write_json,
    write_restored,
    write_text,
)

TEXT = "Café “quoted” — line one\r\nline two\n"


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_exact_bytes_and_umask_mode(tmp_path):
    path = tmp_path / "out.txt"
    atomic_write(path, TEXT)
    assert path.read_bytes() == TEXT.encode("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert _mode(path) == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_new_file_made_from_a_private_input_is_private(tmp_path):
    source = tmp_path / "embargoed.txt"
    source.write_text("text")
    source.chmod(0o600)
    made = tmp_path / "made.txt"
    atomic_write(made, TEXT, like=source)
    assert _mode(made) == 0o600
    existing = tmp_path / "existing.txt"
    existing.write_text("old")
    existing.chmod(0o644)
    atomic_write(existing, TEXT, like=source)
    assert _mode(existing) == 0o644  # a file replaced keeps the mode its owner gave it


def test_a_mode_given_is_a_new_file_s_and_a_replaced_file_keeps_its_own(tmp_path):
    made = tmp_path / "made.txt"
    atomic_write(made, TEXT, mode=0o640)
    assert _mode(made) == 0o640
    made.chmod(0o604)
    atomic_write(made, TEXT, mode=0o600)
    assert _mode(made) == 0o604


@pytest.mark.parametrize(("input_mode", "made"), [(0o444, 0o644), (0o640, 0o640),
                                                  (0o400, 0o600)])
def test_a_new_file_s_owner_may_always_write_it(tmp_path, monkeypatch, input_mode, made):
    monkeypatch.setattr(output, "_umask", lambda: 0o022)
    source = tmp_path / "source.txt"
    source.write_text("text")
    source.chmod(input_mode)
    assert output.new_file_mode(source) == made


def test_a_pipe_given_as_the_input_keeps_no_output_private(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_umask", lambda: 0o022)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    assert output.new_file_mode(fifo) == 0o644


def test_bytes_are_written_as_they_are(tmp_path):
    path = tmp_path / "out.gz"
    data = bytes(range(256))  # not UTF-8
    atomic_write(path, data)
    assert path.read_bytes() == data
    assert os.listdir(tmp_path) == ["out.gz"]


def test_replacing_keeps_the_mode(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    path.chmod(0o604)
    atomic_write(path, "new")
    assert path.read_text() == "new"
    assert _mode(path) == 0o604


def test_backup_keeps_previous_content_and_mode(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("old words")
    path.chmod(0o640)
    atomic_write(path, "new words", backup=True)
    assert path.read_text() == "new words"
    backup = tmp_path / "article.txt.bak"
    assert backup.read_text() == "old words"
    assert _mode(backup) == 0o640


def test_backup_of_a_missing_file_is_not_made(tmp_path):
    atomic_write(tmp_path / "new.txt", "text", backup=True)
    assert os.listdir(tmp_path) == ["new.txt"]


def _fail(error: BaseException, after: int = 0):
    """A stand-in for an os function that raises `error` once called `after` times."""
    calls = []

    def fail(*args):
        calls.append(args)
        if len(calls) > after:
            raise error

    return fail


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch, step):
    path = tmp_path / "article.txt"
    path.write_text("old words")
    # fsync fails after the new bytes went into the temporary file: a full disk midway.
    monkeypatch.setattr(output.os, step, _fail(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(OutputError, match="No space left on device; it is unchanged") as caught:
        atomic_write(path, "new words " * 1000)
    assert caught.value.exit_code == 2
    # --in-place, spin, training and the review write here too, so no option is named
    assert str(caught.value).endswith("or write it elsewhere")
    assert path.read_text() == "old words"
    assert os.listdir(tmp_path) == ["article.txt"]


@pytest.mark.parametrize("failing_write", [0, 1])  # the new text's, or the backup's
def test_a_failed_write_keeps_the_file_and_an_earlier_backup(tmp_path, monkeypatch,
                                                             failing_write):
    path = tmp_path / "article.txt"
    path.write_text("old words")
    (tmp_path / "article.txt.bak").write_text("older words")
    real_fsync = os.fsync
    failing = _fail(OSError(errno.EIO, "Input/output error"), after=failing_write)

    def fsync(fd):
        failing(fd)
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", fsync)
    with pytest.raises(OutputError, match="Input/output error"):
        atomic_write(path, "new words", backup=True)
    assert path.read_text() == "old words"
    assert (tmp_path / "article.txt.bak").read_text() == "older words"
    assert sorted(os.listdir(tmp_path)) == ["article.txt", "article.txt.bak"]


def test_a_file_that_cannot_be_replaced_keeps_its_earlier_backup(tmp_path, monkeypatch):
    path = tmp_path / "article.txt"
    path.write_text("old words")
    (tmp_path / "article.txt.bak").write_text("older words")
    real_replace = os.replace

    def replace(source, target):  # as for a file marked immutable (chattr +i)
        if Path(target) == path:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(OutputError, match="Operation not permitted"):
        atomic_write(path, "new words", backup=True)
    assert path.read_text() == "old words"
    assert (tmp_path / "article.txt.bak").read_text() == "older words"
    assert sorted(os.listdir(tmp_path)) == ["article.txt", "article.txt.bak"]


def test_a_symlink_keeps_pointing_at_its_file_which_changes(tmp_path):
    target = tmp_path / "article.txt"
    target.write_text("old words")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write(link, "new words", backup=True)
    assert link.is_symlink() and target.read_text() == "new words"
    assert (tmp_path / "article.txt.bak").read_text() == "old words"


def test_a_path_that_is_no_regular_file_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    atomic_write(fifo, "new words")
    reader.join(timeout=10)
    assert received == ["new words"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO, not a file put in its place
    atomic_write(Path(os.devnull), "new words")
    assert Path(os.devnull).is_char_device()


def test_interrupted_write_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "article.txt"
    path.write_text("old words")
    monkeypatch.setattr(output.os, "fsync", _fail(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, "new words")
    assert os.listdir(tmp_path) == ["article.txt"]
    assert path.read_text() == "old words"


def test_a_writer_given_a_file_name_replaces_the_target_whole(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"old")
    with atomic_path(path) as temporary:
        assert temporary.parent == tmp_path and temporary != path
        temporary.write_bytes(b"new")
        assert path.read_bytes() == b"old"  # not until the block ends
    assert path.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["weights.bin"]


def test_a_writer_that_fails_leaves_the_target_and_no_temporary(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk gone"), atomic_path(path) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("disk gone")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["weights.bin"]


def test_a_model_card_lists_its_facts(tmp_path):
    write_card(tmp_path / "lm.md", "lm", {"size": "9 MB", "order": 4})
    assert (tmp_path / "lm.md").read_text() == "# lm\n\n- **size**: 9 MB\n- **order**: 4\n"


def test_unwritable_target_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match=r"cannot write .*missing-dir"):
        atomic_write(tmp_path / "missing-dir" / "out.txt", "text")
    with pytest.raises(OutputError, match="Is a directory"):
        atomic_write(tmp_path, "text")


def test_write_text_to_stdout_is_exact(capsysbinary):
    write_text(TEXT, "-")
    assert capsysbinary.readouterr().out == TEXT.encode("utf-8")


def test_write_text_to_file(tmp_path):
    write_text(TEXT, tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == TEXT.encode("utf-8")


def test_write_json_keeps_non_ascii_readable(tmp_path, capsysbinary):
    obj = {"input": "Zoë", "edits": [{"start": 0, "after": "—"}]}
    write_json(obj, tmp_path / "out.json")
    raw = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert json.loads(raw) == obj
    assert "Zoë" in raw
    write_json(obj, "-")
    assert json.loads(capsysbinary.readouterr().out) == obj


@pytest.mark.parametrize(("confidence", "written"), [(0.9, True), (0.2, False)])
def test_restoring_in_place_leaves_a_text_no_edit_changes_alone(tmp_path, confidence, written):
    path = tmp_path / "article.txt"
    path.write_text("They remarked presently.")
    backup = tmp_path / "article.txt.bak"
    backup.write_text("an earlier run's backup")
    hunk = Hunk(5, 23, "remarked presently", "said today", confidence)
    analysis = Analysis(path.read_text(), 0.9, [], hunks=[hunk])
    write_restored([(0, analysis)], 0.5, 0.5, path, backup=True)
    if written:
        assert path.read_text() == "They said today."
        assert backup.read_text() == "They remarked presently."
    else:
        assert path.read_text() == "They remarked presently."
        assert backup.read_text() == "an earlier run's backup"


def test_a_file_written_through_atomic_path_gets_the_usual_mode(tmp_path):
    path = tmp_path / "weights.safetensors"
    umask = os.umask(0o022)
    os.umask(umask)
    with atomic_path(path) as temporary:  # a writer that makes its file private, as safetensors
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT, 0o600))
    assert _mode(path) == 0o666 & ~umask
    path.chmod(0o640)
    with atomic_path(path) as temporary:
        temporary.write_bytes(b"new")
    assert _mode(path) == 0o640  # a replaced file's mode is kept

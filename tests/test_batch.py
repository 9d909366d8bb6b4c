"""Batch mode of `restore --auto`: directories, JSON Lines, parallel workers, resume,
bad documents and dead workers. Each output is checked against what the engine
gives for that document on its own."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

import restore.batch as batch
from restore import analysis, output
from restore.batch import EXIT_INCOMPLETE, runner, sources, workers
from restore.batch.folder import MANIFEST
from restore.cli import main
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table

KILL_MARK = "Zzkillzz"


@pytest.fixture(scope="module")
def articles() -> list[str]:
    """Five short spun articles (two paragraphs each)."""
    paragraphs = clean_seed_texts()
    spinner = Spinner(tiny_synonym_table(), seed=7)
    return [spinner.spin(f"{paragraphs[i]}\n\n{paragraphs[i + 5]}\n").spun for i in range(5)]


@pytest.fixture
def tree(tmp_path, articles) -> Path:
    """archive/ with articles at two depths, a note that the glob skips, a hidden folder."""
    root = tmp_path / "archive"
    (root / "2024" / "05").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "a.txt").write_text(articles[0])
    (root / "2024" / "b.txt").write_text(articles[1])
    (root / "2024" / "05" / "c.txt").write_text(articles[2])
    (root / "notes.md").write_text(articles[3])
    (root / ".cache" / "d.txt").write_text(articles[4])
    return root


@contextmanager
def _in_process(workers_, task):
    with ThreadPoolExecutor(1) as executor:
        yield executor, 1


def run(args: list[str], models: Path, capsysbinary) -> tuple[int, str, str]:
    code = main(["--auto", "--models", str(models), *args])
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def restored(restorer, text: str) -> str:
    return restorer.analyse(text).restored(restorer.threshold)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()[1:]]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


# ------------------------------------------------------------- directories
def test_directory_is_mirrored_and_inputs_untouched(tree, tmp_path, tiny_models,
                                                    tiny_restorer, capsysbinary):
    before = snapshot(tree)
    out = tmp_path / "out"
    code, stdout, err = run([str(tree), "-o", str(out), "--jobs", "2"], tiny_models,
                            capsysbinary)
    assert code == 0, err
    assert stdout == ""
    assert snapshot(tree) == before
    written = {k: v for k, v in snapshot(out).items() if k != MANIFEST}
    assert sorted(written) == ["archive/2024/05/c.txt", "archive/2024/b.txt", "archive/a.txt"]
    for name, data in written.items():
        source = (tree / name.removeprefix("archive/")).read_text()
        assert data.decode() == restored(tiny_restorer, source)
    assert "\r" not in err and "words/s" not in err, "no progress bar unless stderr is a tty"


def test_the_summary_counts_the_documents_whose_guesses_the_gate_held_back(
    tree, tmp_path, tiny_models, capsysbinary, monkeypatch
):
    # No guess of the tiny model is near-certain by this bar, and every article
    # scores under the --min-spin bar of 1: the gate holds back what it proposes.
    # The documents are analysed in this process, which sees the patched bar.
    monkeypatch.setattr(analysis, "CLEAN_COPY_CONFIDENCE", 1.01)
    monkeypatch.setattr(batch, "open_workers", _in_process)
    out = tmp_path / "out"
    code, _, err = run([str(tree), "-o", str(out), "--json", "--threshold", "0",
                        "--min-spin", "1"], tiny_models, capsysbinary)
    assert code == 0, err
    held = [sum(not edit["applied"] for edit in json.loads(path.read_text())["edits"])
            for path in out.rglob("*.txt.json")]
    assert len(held) == 3 and any(held), "the tiny model should propose edits"
    documents = sum(n > 0 for n in held)
    assert f"3 done, {documents} looked clean, so {sum(held)} guess(es) in them were not " \
           "applied (--min-spin 0 applies them)" in err
    code, _, err = run([str(tree), "-o", str(tmp_path / "all"), "--min-spin", "0"],
                       tiny_models, capsysbinary)
    assert code == 0 and "looked clean" not in err


def test_glob_picks_other_files(tree, tmp_path, tiny_models, capsysbinary):
    out = tmp_path / "out"
    assert run([str(tree), "-o", str(out), "--glob", "*.md"], tiny_models, capsysbinary)[0] == 0
    assert sorted(snapshot(out)) == [MANIFEST, "archive/notes.md"]


def test_json_analyses_in_batch(tree, tmp_path, tiny_models, tiny_restorer, capsysbinary):
    out = tmp_path / "out"
    assert run([str(tree / "a.txt"), str(tree / "2024"), "-o", str(out), "--json"],
               tiny_models, capsysbinary)[0] == 0
    analysis = json.loads((out / "a.txt.json").read_text())
    text = (tree / "a.txt").read_text()
    assert analysis == tiny_restorer.analyse(text).to_json(tiny_restorer.threshold)
    assert (out / "2024" / "05" / "c.txt.json").is_file()


def test_a_directory_needs_an_output_folder_outside_it(tree, tiny_models, capsysbinary):
    code, _, err = run([str(tree)], tiny_models, capsysbinary)
    assert code == 2 and "is a directory" in err and "-o OUT_DIR" in err
    code, _, err = run([str(tree), "-o", str(tree / "restored")], tiny_models, capsysbinary)
    assert code == 2 and "overlap" in err
    assert not (tree / "restored").exists()
    (tree.parent / "a-file").write_text("")
    code, _, err = run([str(tree), "-o", str(tree.parent / "a-file")], tiny_models, capsysbinary)
    assert code == 2 and "cannot use" in err


def test_threshold_from_pyproject(tree, tmp_path, tiny_models, capsysbinary, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.restore]\nthreshold = 1.0\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert run([str(tree / "2024"), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    # nothing reaches confidence 1.0, so every output is its input
    assert (out / "2024" / "b.txt").read_bytes() == (tree / "2024" / "b.txt").read_bytes()


# ---------------------------------------------------------------- JSON Lines
def test_jsonl_records_to_stdout(articles, tmp_path, tiny_models, tiny_restorer, capsysbinary):
    feed = write_jsonl(tmp_path / "feed.jsonl",
                       [{"id": f"n{i}", "text": t} for i, t in enumerate(articles[:3])])
    code, out, _ = run([str(feed), "--jobs", "2"], tiny_models, capsysbinary)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["n0", "n1", "n2"], "input order kept"
    for record, text in zip(records, articles, strict=False):
        assert set(record) == {"id", "restored", "spin_score", "edits"}
        expected = tiny_restorer.analyse(text).to_json(tiny_restorer.threshold)
        assert record["restored"] == expected["restored"]
        assert record["edits"] == expected["edits"]


def test_jsonl_from_stdin(articles, tiny_models, capsysbinary, monkeypatch):
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(articles[:2]))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    code, out, _ = run(["--jsonl", "-"], tiny_models, capsysbinary)
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [0, 1]


def test_bad_records_are_reported_and_the_rest_done(articles, tmp_path, tiny_models,
                                                    capsysbinary):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join([
        json.dumps({"id": "good1", "text": articles[0]}).encode() + b"\n",
        b"{not json\n",
        json.dumps({"id": "no-text"}).encode() + b"\n",
        b'{"id": "latin1", "text": "caf\xe9"}\n',
        json.dumps({"id": "empty", "text": "  "}).encode() + b"\n",
        b'{"id": "broken", "text": "half of a pair \\ud800 of surrogates"}\n',
        b'{"id": "broken id \\udc80", "text": "The minister remarked presently."}\n',
        # a text file with a NUL byte is refused as binary; so is a record
        json.dumps({"id": "nul", "text": "The minister\0 remarked presently."}).encode() + b"\n",
        json.dumps({"id": "good1", "text": articles[2]}).encode() + b"\n",  # a second good1
        json.dumps({"id": "good2", "text": articles[1]}).encode() + b"\n",
    ]))
    out = tmp_path / "out"
    code, _, err = run([str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE
    for line in (2, 3, 4, 5, 6, 7, 8, 9):
        assert f"feed.jsonl line {line}" in err
    assert "Traceback" not in err and "lone surrogate" in err
    assert ("feed.jsonl line 8 (id 'nul') is binary data, not text (its text has a NUL byte "
            "at byte offset 12); skipped") in err
    assert "feed.jsonl line 9 repeats the id 'good1' of line 1" in err
    ids = [json.loads(line)["id"] for line in (out / "feed.jsonl").read_text().splitlines()]
    assert ids == ["good1", "good2"]
    assert [e["status"] for e in manifest(out)] == ["done", *["failed"] * 8, "done"]


def test_an_id_with_a_nul_or_shown_as_an_earlier_one_is_skipped(articles, tmp_path,
                                                                 tiny_models, capsysbinary):
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "a\0b", "text": articles[0]},  # a NUL hides when shown: it would read "ab"
        {"id": 1, "text": articles[1]},
        {"id": "1", "text": articles[2]},  # shown as [1] too, so one could not tell them apart
    ])
    out = tmp_path / "out"
    code, _, err = run([str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE
    assert ("feed.jsonl line 1 (id 'a\\x00b') is binary data, not text (its id has a NUL "
            "byte at byte offset 1); skipped\n") in err
    assert ("feed.jsonl line 3 has the id '1', which shows as the id 1 of line 2 does; ids "
            "must be unique in a file, and a number and the string of its digits count as "
            "one; skipped\n") in err
    assert [json.loads(line)["id"] for line in (out / "feed.jsonl").read_text().splitlines()] \
        == [1]
    assert [(e["id"], e["status"]) for e in manifest(out)] == [
        ("a\0b", "failed"), (1, "done"), ("1", "failed")]
    code, _, err = run([str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE and "1 skipped" in err  # the rerun resumes alike


def test_jsonl_records_to_a_closed_stdout_end_quietly_as_a_broken_pipe(articles, tmp_path,
                                                                         tiny_models):
    feed = write_jsonl(tmp_path / "feed.jsonl",
                       [{"id": i, "text": t} for i, t in enumerate(articles)])
    process = subprocess.Popen(
        [sys.executable, "-m", "restore", "--auto", "--models", str(tiny_models), str(feed)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()  # the reader stops early (`| head -c 10`)
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert err == ""


def test_a_folder_skips_what_is_no_regular_file(tree, tmp_path, tiny_models, capsysbinary):
    os.mkfifo(tree / "stream.txt")  # read, it would block the batch for ever
    out = tmp_path / "out"
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "3 done" in err
    assert f"restore: {tree / 'stream.txt'} is not a regular file (a named pipe, a socket, " \
           "a device or a broken link); skipped\n" in err
    assert not (out / "archive" / "stream.txt").exists()


def test_a_file_name_that_is_not_utf8_is_restored_and_reported(tree, tmp_path, tiny_models,
                                                                capsysbinary):
    latin1 = os.fsdecode(b"caf\xe9.txt")  # a name from an old Latin-1 archive
    (tree / latin1).write_text("The minister remarked presently that talks went on.\n")
    out = tmp_path / "out"
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "4 done" in err
    assert (out / "archive" / latin1).is_file()
    assert os.fsdecode(os.fsencode(str(tree / latin1))) in {e["input"] for e in manifest(out)}
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "4 skipped" in err  # the manifest knows it by name


def test_a_deleted_jsonl_output_is_made_again(articles, tmp_path, tiny_models, capsysbinary):
    feed = write_jsonl(tmp_path / "feed.jsonl",
                       [{"id": i, "text": t} for i, t in enumerate(articles[:3])])
    out = tmp_path / "out"
    assert run([str(feed), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    first = (out / "feed.jsonl").read_bytes()
    (out / "feed.jsonl").unlink()
    code, _, err = run([str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "3 done" in err and "skipped" not in err
    assert (out / "feed.jsonl").read_bytes() == first


def test_the_outputs_of_private_inputs_are_private(tree, articles, tmp_path, tiny_models,
                                                   capsysbinary):
    (tree / "a.txt").chmod(0o600)
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": 1, "text": articles[0]}])
    feed.chmod(0o600)
    out = tmp_path / "out"
    code, _, _ = run([str(tree), str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0
    mode = {p.name: p.stat().st_mode & 0o777 for p in out.rglob("*.*") if p.is_file()}
    assert mode["a.txt"] == mode["feed.jsonl"] == 0o600
    assert mode["b.txt"] == (tree / "2024" / "b.txt").stat().st_mode & 0o777  # not private


@pytest.mark.parametrize(("private", "made"), [((), 0o644), (("a.txt",), 0o600)])
def test_a_new_manifest_is_as_private_as_the_most_private_input(
        tree, tmp_path, tiny_models, capsysbinary, monkeypatch, private, made):
    monkeypatch.setattr(output, "_umask", lambda: 0o022)
    for name in private:  # one among public ones: the manifest lists all their names
        (tree / name).chmod(0o600)
    stdin = b"The minister remarked presently that talks went on.\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out = tmp_path / "out"
    assert run([str(tree), "-", "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    assert (out / MANIFEST).stat().st_mode & 0o777 == made  # standard input narrows nothing
    (out / MANIFEST).chmod(0o640)
    run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert (out / MANIFEST).stat().st_mode & 0o777 == 0o640  # appended to, it keeps its mode


# -------------------------------------------------- bad documents, resume
def test_bad_document_in_the_middle(tree, tmp_path, tiny_models, capsysbinary):
    (tree / "2024" / "bad.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    out = tmp_path / "out"
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE
    assert "bad.txt is binary" in err and "1 failed" in err
    assert (out / "archive" / "2024" / "05" / "c.txt").is_file()
    assert (out / "archive" / "a.txt").is_file()
    assert not (out / "archive" / "2024" / "bad.txt").exists()
    # the rerun retries only the failure, which still fails
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE and "3 skipped" in err and "0 done" in err


def test_rerun_skips_what_is_done_and_force_redoes_it(tree, tmp_path, tiny_models,
                                                      capsysbinary):
    out = tmp_path / "out"
    assert run([str(tree), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    assert len(manifest(out)) == 3
    (tree / "2024" / "b.txt").write_text("The government said the attack was large.\n")
    (out / "archive" / "a.txt").unlink()  # a lost output is made again
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "2 done, 1 skipped" in err
    assert [e["output"] for e in manifest(out)[3:]] == ["archive/a.txt", "archive/2024/b.txt"]
    code, _, err = run([str(tree), "-o", str(out), "--force"], tiny_models, capsysbinary)
    assert code == 0 and "3 done" in err and "skipped" not in err
    assert len(manifest(out)) == 3


def test_other_settings_need_force(tree, tmp_path, tiny_models, capsysbinary):
    out = tmp_path / "out"
    assert run([str(tree), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    code, _, err = run([str(tree), "-o", str(out), "--threshold", "0.9"], tiny_models,
                       capsysbinary)
    assert code == 2 and "--force" in err
    code, _, _ = run([str(tree), "-o", str(out), "--threshold", "0.9", "--force"], tiny_models,
                     capsysbinary)
    assert code == 0


def test_force_under_other_settings_removes_the_earlier_outputs_of_its_inputs(
        tree, tmp_path, tiny_models, capsysbinary):
    other = tmp_path / "other.txt"  # an input of the earlier run only
    other.write_text("The minister remarked presently that the talks went on.\n")
    out = tmp_path / "out"
    assert run([str(tree), str(other), "-o", str(out), "--json"], tiny_models,
               capsysbinary)[0] == 0
    (out / "mine.txt.json").write_text("{}")  # the user's, which no manifest lists
    victim = tmp_path / "victim.txt"  # a hand-edited manifest pointing out of the folder
    victim.write_text("keep")
    with open(out / MANIFEST, "a") as stream:
        stream.write(json.dumps({"input": str(tree / "a.txt"), "id": None, "hash": "0",
                                 "output": "../victim.txt", "status": "done"}) + "\n")
    # the same folder, spelled another way, is the same input with the same outputs
    spelled = os.path.join(os.path.relpath(tree.parent), ".", tree.name)
    code, _, err = run([spelled, "-o", str(out), "--force"], tiny_models, capsysbinary)
    assert code == 0 and "3 done" in err
    assert "--force removed 3 output(s) of the earlier run under other settings" in err
    assert sorted(snapshot(out)) == [MANIFEST, "archive/2024/05/c.txt", "archive/2024/b.txt",
                                      "archive/a.txt", "mine.txt.json", "other.txt.json"]
    assert victim.read_text() == "keep"


def test_force_changes_nothing_when_the_run_fails_before_its_first_document(
        tree, tmp_path, tiny_models, capsysbinary):
    out = tmp_path / "out"
    assert run([str(tree), "-o", str(out), "--json"], tiny_models, capsysbinary)[0] == 0
    before = snapshot(out)
    empty = tmp_path / "no-models"
    empty.mkdir()
    code = main(["--auto", "--models", str(empty), str(tree), "-o", str(out), "--force"])
    assert code == 3 and snapshot(out) == before


@pytest.mark.parametrize(("first_line", "mangled"), [
    (None, b"[1]\n"),  # an entry that is JSON but no object: skipped, its document redone
    (b"{not json\n", None), (b"", None), (b"[]\n", None),  # no settings to compare
])
def test_a_damaged_manifest_is_a_clear_error_or_its_line_is_redone(
        tree, tmp_path, tiny_models, capsysbinary, first_line, mangled):
    out = tmp_path / "out"
    assert run([str(tree), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    lines = (out / MANIFEST).read_bytes().splitlines(keepends=True)
    if first_line is not None:
        lines[0] = first_line
    if mangled is not None:
        lines[1] = mangled
    (out / MANIFEST).write_bytes(b"".join(lines))
    code, _, err = run([str(tree), "-o", str(out)], tiny_models, capsysbinary)
    assert "Traceback" not in err
    if first_line is None:
        assert code == 0 and "1 done, 2 skipped" in err
    else:
        assert code == 2 and "is damaged (its first line holds no settings)" in err
        assert "--force" in err


def test_rerun_after_a_kill_cuts_the_unrecorded_record(articles, tmp_path, tiny_models,
                                                       capsysbinary):
    feed = write_jsonl(tmp_path / "feed.jsonl",
                       [{"id": i, "text": t} for i, t in enumerate(articles[:3])])
    out = tmp_path / "out"
    assert run([str(feed), "-o", str(out)], tiny_models, capsysbinary)[0] == 0
    complete = (out / "feed.jsonl").read_bytes()
    # What a kill between writing record 3 and recording it leaves: the manifest
    # lacks its line and the output ends in a cut copy of it.
    lines = (out / MANIFEST).read_text().splitlines(keepends=True)
    (out / MANIFEST).write_text("".join(lines[:-1]))
    (out / "feed.jsonl").write_bytes(complete[: len(complete) - 40])
    code, _, err = run([str(feed), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "1 done, 2 skipped" in err
    assert (out / "feed.jsonl").read_bytes() == complete


def _process_or_die(task, text, record=False):
    """`workers.process`, except that a marked document kills its worker process."""
    if KILL_MARK in text:
        os._exit(1)
    return workers.process(task, text, record)


def test_a_dead_worker_stops_the_batch_and_the_rerun_finishes_it(articles, tmp_path,
                                                                 tiny_models, capsysbinary,
                                                                 monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(articles):
        (folder / f"{i}.txt").write_text(text + (KILL_MARK if i == 2 else ""))
    out = tmp_path / "out"
    # The patched runner submits `_process_or_die`, which spawned workers import.
    monkeypatch.setattr(runner, "process", _process_or_die)
    code, _, err = run([str(folder), "-o", str(out), "--jobs", "1"], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE
    assert "worker process died" in err and "2 done" in err and "3 not done" in err
    assert "2.txt" in err, "the summary says where the missing documents start"
    assert sorted(p.name for p in (out / "in").iterdir()) == ["0.txt", "1.txt"]
    assert not list(out.rglob("*.tmp")), "no half-written file"
    monkeypatch.undo()
    code, _, err = run([str(folder), "-o", str(out)], tiny_models, capsysbinary)
    assert code == 0 and "3 done, 2 skipped" in err


def test_an_oversized_record_is_skipped_without_reading_it_whole(articles, tmp_path,
                                                                 tiny_models, capsysbinary,
                                                                 monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 4_000)
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "huge", "text": "word " * 3_000},
        {"id": "fine", "text": articles[0][:2_000]},
    ])
    code, out, err = run([str(feed)], tiny_models, capsysbinary)
    assert code == EXIT_INCOMPLETE
    assert "feed.jsonl line 1 is larger than 4,000 bytes" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["fine"]


def test_the_engine_loads_without_scikit_learn_which_stays_importable():
    """The command's processes skip LightGBM's scikit-learn estimators, most of the
    start-up; scikit-learn still imports for what uses it (evaluation, training)."""
    code = ("import sys; from restore.batch.workers import cached_restorer; "
            "analysis = cached_restorer(None).analyse('The minister remarked presently.'); "
            "print('sklearn' in sys.modules, 0 <= analysis.spin_score <= 1); "
            "from sklearn.metrics import roc_auc_score; print(roc_auc_score([0, 1], [0.2, 0.7]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "True", "1.0"]


def test_a_restorer_predicts_alike_on_one_thread_or_several(tiny_models):
    from restore.pipeline import Restorer

    text = "The minister remarked presently that the infirmaries would reopen this week."
    one, two = (Restorer.load(tiny_models, threads=n) for n in (1, 2))
    assert two.ranker.model.threads == 2
    assert [(h.start, h.after, h.confidence) for h in one.analyse(text).hunks] == [
        (h.start, h.after, h.confidence) for h in two.analyse(text).hunks]


def test_a_batch_after_a_single_file_in_the_same_process_finishes(tree, tmp_path, tiny_models):
    """The single-file path predicts on every core; the workers a later batch
    forks must not inherit those threads (OpenMP hangs after a fork)."""
    code = (f"from restore.cli import main; models = {str(tiny_models)!r}; "
            f"main(['--auto', '--models', models, {str(tree / 'a.txt')!r}]); "
            f"print(main(['--auto', '--models', models, {str(tree)!r}, "
            f"'-o', {str(tmp_path / 'out')!r}]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, check=True)
    assert out.stdout.splitlines()[-1] == "0"
    assert (tmp_path / "out" / "archive" / "2024" / "05" / "c.txt").is_file()


def test_worker_processes_share_the_cores_for_their_candidate_models(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert workers.cores_each(workers.Workers()) == 4  # one process: all of them
    assert workers.cores_each(workers.Workers(jobs=2)) == 2
    assert workers.cores_each(workers.Workers(jobs=8)) == 1
    assert workers.cores_each(workers.Workers(cluster="local:2")) == 1


def test_a_bad_reference_archive_in_a_batch_is_one_line_and_exit_2(tree, tmp_path, tiny_models,
                                                                   capsysbinary):
    empty = tmp_path / "empty-archive"
    empty.mkdir()
    code, _, err = run([str(tree), "-o", str(tmp_path / "out"), "--reference", str(empty)],
                       tiny_models, capsysbinary)
    assert code == 2 and "holds no articles" in err
    assert "Traceback" not in err and "worker process died" not in err

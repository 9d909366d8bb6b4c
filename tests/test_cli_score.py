"""`restore score` over many documents for CI: exit statuses 0/1/2 in every format,
GitHub annotations on the right line, JUnit XML, and the threshold from pyproject.toml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from restore.batch import Task, Workers, plan, score_many
from restore.cli import main
from restore.config import Config, ConfigError, load_config
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """docs/ with clean and spun articles, and a JSON Lines feed of two more."""
    root = tmp_path_factory.mktemp("score")
    paragraphs = clean_seed_texts()
    spinner = Spinner(tiny_synonym_table(), seed=11)
    (root / "docs").mkdir()
    (root / "docs" / "clean.txt").write_text("\n\n".join(paragraphs[0:3]) + "\n")
    (root / "docs" / "spun.txt").write_text(spinner.spin("\n\n".join(paragraphs[3:6])).spun)
    with open(root / "feed.jsonl", "w") as feed:
        for i in (6, 9):
            text = spinner.spin("\n".join(paragraphs[i : i + 3])).spun
            feed.write(json.dumps({"id": f"story-{i}", "text": text}) + "\n")
    return root


def score(args: list[str], models: Path, capsysbinary) -> tuple[int, str, str]:
    code = main(["score", "--models", str(models), *args])
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def inputs(corpus: Path) -> list[str]:
    return [str(corpus / "docs"), str(corpus / "feed.jsonl")]


@pytest.fixture(scope="module")
def scores(corpus, tiny_models) -> dict[str, float]:
    """Each document's score, by the name the reports give it."""
    results, errors = score_many(plan(inputs(corpus)), Task("score", tiny_models), Workers(), 1)
    assert errors == []
    return {_name(r): r["spin_score"] for r in results}


def _name(entry: dict) -> str:
    return entry["file"] if entry.get("id") is None else f"{entry['file']} [{entry['id']}]"


def between(scores: dict[str, float]) -> float:
    """A threshold with some documents above it and some not."""
    ordered = sorted(set(scores.values()))
    assert len(ordered) > 1, "the fixture needs documents with different scores"
    middle = len(ordered) // 2
    return (ordered[middle - 1] + ordered[middle]) / 2


def test_every_document_is_scored(scores, corpus):
    assert sorted(scores) == sorted([
        str(corpus / "docs" / "clean.txt"), str(corpus / "docs" / "spun.txt"),
        f"{corpus / 'feed.jsonl'} [story-6]", f"{corpus / 'feed.jsonl'} [story-9]",
    ])
    assert all(0 <= s <= 1 for s in scores.values())


def test_text_format_exit_statuses(scores, corpus, tiny_models, capsysbinary):
    code, out, _ = score(["--fail-above", "1", *inputs(corpus)], tiny_models, capsysbinary)
    assert code == 0 and "FAIL" not in out and "0 of 4 documents above 1" in out
    threshold = between(scores)
    code, out, _ = score(["--fail-above", str(threshold), *inputs(corpus)], tiny_models,
                         capsysbinary)
    assert code == 1
    failing = {name for name, s in scores.items() if s > threshold}
    assert {line.split("  ")[-1] for line in out.splitlines() if "  FAIL  " in line} == failing


def test_junit_format(scores, corpus, tiny_models, capsysbinary):
    threshold = between(scores)
    code, out, _ = score(["--format", "junit", "--fail-above", str(threshold),
                          *inputs(corpus)], tiny_models, capsysbinary)
    assert code == 1
    suite = ET.fromstring(out)
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == set(scores)
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {name for name, s in scores.items() if s > threshold}
    assert suite.get("failures") == str(len(failed)) and suite.get("errors") == "0"


def test_github_annotations_point_at_the_worst_sentence(scores, corpus, tiny_models,
                                                        capsysbinary):
    code, out, _ = score(["--format", "github", "--fail-above", "0", "--worst", "1",
                          str(corpus / "docs" / "spun.txt")], tiny_models, capsysbinary)
    assert code == 1
    (annotation,) = out.splitlines()
    properties, message = annotation.removeprefix("::error ").split("::", 1)
    fields = dict(p.split("=", 1) for p in properties.split(","))
    assert fields["file"] == str(corpus / "docs" / "spun.txt").replace(":", "%3A")
    lines = (corpus / "docs" / "spun.txt").read_text().split("\n")
    start_words = message.split("worst sentence: ", 1)[1].split()[:3]
    assert " ".join(start_words) in " ".join(lines[int(fields["line"]) - 1].split())
    code, out, _ = score(["--format", "github", "--fail-above", "1", *inputs(corpus)],
                         tiny_models, capsysbinary)
    assert code == 0 and out == ""


def test_worst_sentences_are_on_the_same_line_whatever_ends_lines(corpus, tmp_path,
                                                                  tiny_models, capsysbinary):
    text = (corpus / "docs" / "spun.txt").read_text()
    found = {}
    for name, line_end in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")]:  # cr: old Mac files
        path = tmp_path / f"{name}.txt"
        path.write_bytes(text.replace("\n", line_end).encode())
        code, out, _ = score(["--format", "json", "--fail-above", "0", str(path)], tiny_models,
                             capsysbinary)
        assert code == 1
        worst = json.loads(out)["documents"][0]["worst_sentences"]
        found[name] = [s["line"] for s in worst]
        if name == "lf":
            assert found[name] == [text.count("\n", 0, s["start"]) + 1 for s in worst]
    assert found["lf"] == found["crlf"] == found["cr"] and max(found["lf"]) > 1


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_unreadable_document_is_reported_others_scored_exit_2(fmt, corpus, tmp_path,
                                                             tiny_models, capsysbinary):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait")
    code, out, err = score(["--format", fmt, "--fail-above", "1", str(bad), *inputs(corpus)],
                           tiny_models, capsysbinary)
    assert code == 2
    assert "not UTF-8 at byte offset 3" in err and "Traceback" not in err
    if fmt == "json":
        report = json.loads(out)
        assert len(report["documents"]) == 4 and report["errors"][0]["file"] == str(bad)
    elif fmt == "junit":
        suite = ET.fromstring(out)
        assert suite.get("tests") == "5" and suite.get("errors") == "1"
    elif fmt == "github":
        assert out.startswith(f"::error file={bad},title=Not scored::")
    else:
        assert "1 could not be scored" in out


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_odd_names_and_control_characters_are_reported_in_every_format(fmt, tmp_path,
                                                                       tiny_models,
                                                                       capsysbinary):
    folder = tmp_path / "archive"
    folder.mkdir()
    # a name from an old Latin-1 archive, and wire copy with a vertical tab and a ^A in it
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(
        "The minister remarked presently \x0b\x01that the talks had failed.\n")
    code, out, err = score([str(folder), "--fail-above", "0", "--format", fmt], tiny_models,
                           capsysbinary)
    assert code == 1 and "Traceback" not in err
    assert "caf\\xe9.txt" in (json.loads(out)["documents"][0]["file"] if fmt == "json"
                               else out)
    if fmt == "junit":
        ET.fromstring(out.split("\n", 1)[1])  # well-formed XML
    if fmt == "text":
        assert "\x01" not in out


def test_a_report_that_cannot_be_written_is_an_error_not_a_verdict(corpus, tiny_models):
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "wb") as full:  # every write: "No space left on device"
        process = subprocess.run(
            [sys.executable, "-m", "restore", "score", "--models", str(tiny_models),
             str(corpus / "docs")], stdout=full, stderr=subprocess.PIPE, check=False)
    err = process.stderr.decode()
    assert process.returncode == 2 and "Traceback" not in err
    assert "cannot write to standard output: No space left on device" in err


@pytest.mark.parametrize(("option", "message"), [
    (["--jobs", "99999999999"], "is not a whole number from 1 to 256"),
    (["--worst", "-1"], "is not a whole number (0 or more)"),
])
def test_out_of_range_counts_are_usage_errors(option, message, corpus, tiny_models,
                                              capsysbinary):
    with pytest.raises(SystemExit) as exit_info:
        score([*option, str(corpus / "docs")], tiny_models, capsysbinary)
    assert exit_info.value.code == 2
    assert message in capsysbinary.readouterr().err.decode()


def test_a_missing_input_is_reported_among_the_others_with_exit_2(corpus, tmp_path,
                                                                  tiny_models, capsysbinary):
    missing = str(tmp_path / "nope.txt")
    code, out, err = score([str(corpus / "docs"), missing, "--format", "junit"], tiny_models,
                           capsysbinary)
    assert code == 2 and "nope.txt" in err
    suite = ET.fromstring(out.split("\n", 1)[1])  # a report a CI system can read
    assert suite.get("tests") == "3" and suite.get("errors") == "1"
    error = next(case for case in suite if case.find("error") is not None)
    assert error.get("name") == missing


def test_a_folder_reports_what_is_no_regular_file_and_scores_the_rest(corpus, tmp_path,
                                                                     tiny_models, capsysbinary):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "clean.txt").write_bytes((corpus / "docs" / "clean.txt").read_bytes())
    os.mkfifo(folder / "stream.txt")  # read, it would block the gate for ever
    code, out, err = score(["--fail-above", "1", str(folder)], tiny_models, capsysbinary)
    assert code == 0 and "0 of 1 documents above 1" in out
    assert err == (f"restore: {folder / 'stream.txt'} is not a regular file (a named pipe, "
                   "a socket, a device or a broken link); skipped\n")


# ------------------------------------------------------------------ config
def test_fail_above_comes_from_the_nearest_pyproject(scores, corpus, tmp_path, tiny_models,
                                                     capsysbinary, monkeypatch):
    threshold = between(scores)
    (tmp_path / "pyproject.toml").write_text(f"[tool.restore]\nfail-above = {threshold}\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # found in a parent folder too
    code, out, _ = score(["--format", "json", *inputs(corpus)], tiny_models, capsysbinary)
    assert code == 1 and json.loads(out)["fail_above"] == threshold
    code, _, _ = score(["--fail-above", "1", *inputs(corpus)], tiny_models, capsysbinary)
    assert code == 0, "the command line wins over the file"


def test_config_defaults_without_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path) == Config(source=tmp_path / "pyproject.toml")
    assert load_config(tmp_path).fail_above == 0.5


def test_config_reads_every_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.restore]\nfail-above = 0.3\nthreshold = 0.8\nmin-spin = 0.2\njobs = 4\n")
    config = load_config(tmp_path)
    assert (config.fail_above, config.threshold, config.min_spin, config.jobs) == \
        (0.3, 0.8, 0.2, 4)


@pytest.mark.parametrize(("body", "message"), [
    ("[tool.restore]\nfail_above = 0.3\n", "unknown key(s) fail_above"),
    ("[tool.restore]\nfail-above = 2\n", "fail-above must be a number from 0 to 1"),
    ("[tool.restore]\nthreshold = true\n", "threshold must be a number from 0 to 1"),
    ("[tool.restore]\nmin-spin = 1.5\n", "min-spin must be a number from 0 to 1"),
    ("[tool.restore]\njobs = 0\n", "jobs must be a whole number from 1 to 256"),
    ("[tool.restore]\njobs = 99999999999\n", "jobs must be a whole number from 1 to 256"),
    ("[tool.restore\n", "cannot read"),
])
def test_config_errors_name_the_file(body, message, tmp_path, corpus, tiny_models,
                                     capsysbinary, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(ConfigError, match=r"pyproject\.toml") as error:
        load_config(tmp_path)
    assert message in str(error.value)
    monkeypatch.chdir(tmp_path)
    code, _, err = score([str(corpus / "docs")], tiny_models, capsysbinary)
    assert code == 2 and message in err

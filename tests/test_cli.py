"""The `restore` command: the --auto JSON contract, byte-exact output, exit
statuses, and a clear message (never a traceback) for every bad input."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from restore import analysis
from restore.cli import BROKEN_PIPE, main
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table


@pytest.fixture(scope="module")
def spun_file(tmp_path_factory) -> Path:
    text = "\n\n".join(clean_seed_texts()[:4])
    spun = Spinner(tiny_synonym_table(), seed=3).spin(text).spun
    # curly quotes, a non-ASCII name, an em dash and odd spacing must survive untouched
    spun = "“Quoted” Çelik —  said:\r\n" + spun + "\n\n  trailing  spaces  \n"
    path = tmp_path_factory.mktemp("in") / "spun.txt"
    path.write_text(spun, encoding="utf-8", newline="")
    return path


def run(args: list[str], capsysbinary) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def test_json_contract(spun_file, tiny_models, capsysbinary):
    code, out, _ = run(["--auto", "--json", "--models", str(tiny_models), str(spun_file)],
                       capsysbinary)
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"input", "spin_score", "sentences", "edits", "restored"}
    text = spun_file.read_bytes().decode()
    assert result["input"] == text
    assert 0.0 <= result["spin_score"] <= 1.0
    for s in result["sentences"]:
        assert set(s) == {"start", "end", "score"} and 0 <= s["score"] <= 1
        assert 0 <= s["start"] < s["end"] <= len(text)
    assert result["edits"], "the tiny model should propose something on spun copy"
    rebuilt, pos = [], 0
    for e in result["edits"]:
        assert set(e) == {"start", "end", "before", "after", "confidence", "applied",
                          "alternatives"}
        assert text[e["start"] : e["end"]] == e["before"]
        assert e["start"] >= pos, "edits are sorted and do not overlap"
        if e["applied"]:
            rebuilt += [text[pos : e["start"]], e["after"]]
            pos = e["end"]
    rebuilt.append(text[pos:])
    assert result["restored"] == "".join(rebuilt)


def test_restored_text_is_byte_identical_outside_edits(spun_file, tiny_models, capsysbinary):
    code, out, _ = run(["--auto", "--threshold", "1.0", "--models", str(tiny_models),
                        str(spun_file)], capsysbinary)
    assert code == 0
    assert out == spun_file.read_bytes().decode()  # nothing applied: every byte kept


def test_threshold_zero_applies_every_edit(spun_file, tiny_models, capsysbinary):
    _, out, _ = run(["--auto", "--json", "--threshold", "0", "--models", str(tiny_models),
                     str(spun_file)], capsysbinary)
    assert all(e["applied"] for e in json.loads(out)["edits"])


def test_min_spin_holds_back_the_guesses_in_a_document_scored_under_it(
    spun_file, tiny_models, capsysbinary, monkeypatch
):
    args = ["--auto", "--json", "--threshold", "0", "--models", str(tiny_models), str(spun_file)]
    _, out, _ = run([*args, "--min-spin", "0"], capsysbinary)
    anywhere = json.loads(out)
    assert anywhere["edits"] and all(e["applied"] for e in anywhere["edits"])
    # The tiny model is surer than the shipped one: put the bar for copy that
    # looks clean among its confidences, so that some pass it and some do not.
    # (Halfway between two of them, since the JSON rounds them.)
    confidences = sorted({e["confidence"] for e in anywhere["edits"]})
    middle = len(confidences) // 2
    assert middle, "the tiny model should propose edits of several confidences"
    sure = (confidences[middle - 1] + confidences[middle]) / 2
    monkeypatch.setattr(analysis, "CLEAN_COPY_CONFIDENCE", sure)
    above = anywhere["spin_score"] + 0.001
    _, out, err = run([*args, "--min-spin", str(above)], capsysbinary)
    gated = json.loads(out)
    assert [e["applied"] for e in gated["edits"]] == \
        [e["confidence"] >= sure for e in gated["edits"]]
    held = sum(not e["applied"] for e in gated["edits"])
    assert held, "the tiny model should make guesses the gate holds back"
    assert f"its {held} suggestion(s) were not applied" in err
    assert "--min-spin 0" in err, "the message says how to apply them anyway"


def test_one_line_in_gives_one_line_out(tiny_models, tmp_path, capsysbinary):
    line = Spinner(tiny_synonym_table(), seed=1).spin(clean_seed_texts()[2]).spun
    path = tmp_path / "line.txt"
    path.write_text(line.replace("\n", " "))
    _, out, _ = run(["--auto", "--threshold", "0", "--models", str(tiny_models), str(path)],
                    capsysbinary)
    assert "\n" not in out


def test_output_file_and_in_place_with_backup(spun_file, tiny_models, tmp_path, capsysbinary):
    original = spun_file.read_bytes()
    target = tmp_path / "out.txt"
    assert run(["--auto", "--threshold", "0", "-o", str(target), "--models", str(tiny_models),
                str(spun_file)], capsysbinary)[0] == 0
    assert spun_file.read_bytes() == original, "the input is never touched"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(original)
    assert run(["--auto", "--in-place", "--threshold", "0", "--models", str(tiny_models),
                str(copy)], capsysbinary)[0] == 0
    assert (tmp_path / "copy.txt.bak").read_bytes() == original
    assert copy.read_bytes() == target.read_bytes()


def test_refuses_to_write_over_its_input_without_in_place(spun_file, tiny_models, capsysbinary):
    before = spun_file.read_bytes()
    code, _, err = run(["--auto", "-o", str(spun_file), "--models", str(tiny_models),
                        str(spun_file)], capsysbinary)
    assert code == 2 and "--in-place" in err
    assert spun_file.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("dir", "is a directory"),
        (b"", "is empty"),
        (b"abc\x00def", "binary"),
        (b"caf\xe9 au lait", "not UTF-8 at byte offset 3"),
    ],
)
def test_bad_input_gets_a_message_and_exit_2(content, message, tmp_path, tiny_models,
                                             capsysbinary):
    path = tmp_path / "input.txt"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    code, out, err = run(["--auto", "--models", str(tiny_models), str(path)], capsysbinary)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert out == ""


def test_missing_models_exit_3_and_say_how_to_rebuild(spun_file, tmp_path, capsysbinary):
    code, _, err = run(["--auto", "--models", str(tmp_path), str(spun_file)], capsysbinary)
    assert code == 3 and "restore build" in err


@pytest.mark.parametrize("damaged", ["lm.npz", "lexicon.tsv.gz", "embeddings.npz",
                                     "topics.npz", "scorer.json"])
def test_a_damaged_model_file_exits_3_and_names_it(spun_file, tiny_models, tmp_path,
                                                   capsysbinary, damaged):
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models)
    whole = (models / damaged).read_bytes()
    (models / damaged).write_bytes(whole[: len(whole) // 3])  # a download cut short
    code, _, err = run(["--auto", "--models", str(models), str(spun_file)], capsysbinary)
    assert code == 3 and "Traceback" not in err
    assert f"{damaged} is damaged or is no model file" in err


def test_a_hand_edited_threshold_that_is_no_probability_exits_3(spun_file, tiny_models,
                                                                 tmp_path, capsysbinary):
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models)
    scorer = json.loads((models / "scorer.json").read_text())
    (models / "scorer.json").write_text(json.dumps({**scorer, "threshold": "high"}))
    code, _, err = run(["--auto", "--models", str(models), str(spun_file)], capsysbinary)
    assert code == 3 and "its threshold is 'high', not a number from 0 to 1" in err


def test_text_that_is_not_english_gets_no_edits(tiny_models, tmp_path, capsysbinary):
    french = ("Le gouvernement a déclaré mardi que les négociations avec les syndicats "
              "reprendraient la semaine prochaine, selon un communiqué officiel publié à Paris.")
    path = tmp_path / "fr.txt"
    path.write_text(french)
    _, out, _ = run(["--auto", "--json", "--threshold", "0", "--models", str(tiny_models),
                     str(path)], capsysbinary)
    assert json.loads(out)["edits"] == []


def test_a_reader_that_stops_early_ends_it_quietly(tiny_models, tmp_path):
    path = tmp_path / "fr.txt"  # French: no edits, so a long output comes quickly
    path.write_text("Le gouvernement a déclaré mardi que les négociations reprendraient.\n" * 4000)
    with subprocess.Popen([sys.executable, "-m", "restore", "--auto", "--models",
                           str(tiny_models), str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.read(10) == b"Le gouvern"
        process.stdout.close()  # as `| head -c 10` does, long before the end
        err = process.stderr.read().decode()
    assert process.returncode == BROKEN_PIPE
    assert "Traceback" not in err and "Error" not in err


def test_usage_errors_exit_2(capsysbinary):
    with pytest.raises(SystemExit) as exit_info:
        main(["--auto", "--threshold", "7", "x.txt"])
    assert exit_info.value.code == 2


def test_help_for_each_command():
    for command in ([], ["score"], ["spin"], ["eval"], ["review"], ["build"]):
        result = subprocess.run([sys.executable, "-m", "restore", *command, "--help"],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_score_exit_statuses_and_formats(spun_file, tiny_models, tmp_path, capsysbinary):
    clean = tmp_path / "clean.txt"
    clean.write_text(clean_seed_texts()[0])
    models = ["--models", str(tiny_models)]
    assert run(["score", "--fail-above", "1", *models, str(clean)], capsysbinary)[0] == 0
    code, out, _ = run(["score", "--fail-above", "0", *models, str(spun_file)], capsysbinary)
    assert code == 1 and "FAIL" in out
    code, out, _ = run(["score", "--format", "junit", "--fail-above", "0", *models,
                        str(spun_file)], capsysbinary)
    assert code == 1 and "<failure" in out
    code, out, _ = run(["score", "--format", "json", *models, str(clean)], capsysbinary)
    assert json.loads(out)["documents"][0]["file"] == str(clean)
    assert run(["score", *models, str(tmp_path / "missing.txt")], capsysbinary)[0] == 2


def _spun_pairs(tmp_path) -> tuple[Path, list[Path]]:
    """A pairs file of three seeds spun by the tiny table, and each spun text in a file."""
    pairs, spun_paths, lines = tmp_path / "pairs.jsonl", [], []
    for seed, original in enumerate(clean_seed_texts()[:3]):
        spun = Spinner(tiny_synonym_table(), seed=seed).spin(original).spun
        lines.append(json.dumps({"spun": spun, "original": original}) + "\n")
        spun_paths.append(tmp_path / f"spun{seed}.txt")
        spun_paths[-1].write_text(spun, encoding="utf-8")
    pairs.write_text("".join(lines), encoding="utf-8")
    return pairs, spun_paths


def test_eval_counts_the_documents_score_fails_at_the_same_gate(tiny_models, tmp_path,
                                                                capsysbinary):
    models = ["--models", str(tiny_models)]
    pairs, spun_paths = _spun_pairs(tmp_path)
    _, out, _ = run(["score", "--format", "json", *models, *map(str, spun_paths)], capsysbinary)
    scores = sorted(d["spin_score"] for d in json.loads(out)["documents"])
    assert scores[0] < scores[1], "the tiny model should score these documents apart"
    gate = (scores[0] + scores[1]) / 2  # one document under it, two above
    code, out, _ = run(["eval", "--pairs", str(pairs), "--json", "--fail-above", str(gate),
                        *models], capsysbinary)
    report = json.loads(out)
    assert code == 0 and report["fail_above"] == gate
    assert report["spun_failed"] == 2 and report["spun_documents_failed"] == round(2 / 3, 4)


def test_eval_compares_with_a_baseline_of_the_same_pairs(tiny_models, tmp_path, capsysbinary):
    models = ["--models", str(tiny_models)]
    pairs, _ = _spun_pairs(tmp_path)
    code, out, _ = run(["eval", "--pairs", str(pairs), "--json", *models], capsysbinary)
    assert code == 0 and len(json.loads(out)["pair_counts"]) == 3
    baseline = tmp_path / "baseline.json"
    baseline.write_text(out, encoding="utf-8")
    # The same engine on the same pairs differs by nothing, and says so.
    code, out, _ = run(["eval", "--pairs", str(pairs), "--baseline", str(baseline), *models],
                       capsysbinary)
    assert code == 0
    assert re.search(r"WER reduction .* \+0\.0000 +\+0\.0000 to \+0\.0000", out)
    code, out, _ = run(["eval", "--pairs", str(pairs), "--baseline", str(baseline), "--json",
                        "--threshold", "0.99", *models], capsysbinary)
    comparison = json.loads(out)["comparison"]
    assert code == 0 and comparison["baseline"] == str(baseline)
    assert comparison["edit_f05"]["now"] == json.loads(out)["edit_f05"]
    code, _, err = run(["eval", "--pairs", str(pairs), "--baseline", str(pairs), *models],
                       capsysbinary)
    assert code == 2 and "restore eval --pairs FILE --json" in err


def test_a_review_of_standard_input_is_refused_with_the_way_out(capsysbinary):
    code, _, err = run(["-"], capsysbinary)
    assert code == 2 and "the review needs a FILE" in err and "--auto" in err


def test_a_review_of_a_folder_points_to_batch_mode(tmp_path, capsysbinary):
    code, _, err = run([str(tmp_path)], capsysbinary)
    assert code == 2 and f"restore --auto {tmp_path} -o OUT_DIR" in err


def test_spinning_or_evaluating_a_folder_asks_for_a_file(tmp_path, capsysbinary):
    for command in (["spin", str(tmp_path)], ["eval", "--pairs", str(tmp_path)]):
        code, _, err = run(command, capsysbinary)
        assert code == 2 and "is a directory; give a file" in err and "batch" not in err


@pytest.mark.parametrize("command", [["--auto"], ["score"]])
def test_standard_input_given_twice_is_refused(capsysbinary, command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "-", "-"])
    assert exit_info.value.code == 2
    assert "standard input (-) can be read only once" in capsysbinary.readouterr().err.decode()


def test_restoring_or_spinning_a_private_file_writes_a_private_one(spun_file, tiny_models,
                                                                   tmp_path, capsysbinary):
    private = tmp_path / "private.txt"
    private.write_bytes(spun_file.read_bytes())
    private.chmod(0o600)
    models = ["--models", str(tiny_models)]
    commands = (["--auto", *models], ["--auto", "--json", *models], ["spin", *models])
    for number, command in enumerate(commands):
        out = tmp_path / f"out-{number}.txt"
        code, _, _ = run([*command, "-o", str(out), str(private)], capsysbinary)
        assert code == 0 and stat.S_IMODE(out.stat().st_mode) == 0o600, command


def test_spinning_a_file_over_itself_is_refused(tmp_path, capsysbinary):
    clean = tmp_path / "clean.txt"
    clean.write_text("The minister said today that talks would go on.\n")
    code, _, err = run(["spin", "-o", str(clean), str(clean)], capsysbinary)
    assert code == 2 and "is the input" in err
    assert clean.read_text() == "The minister said today that talks would go on.\n"


@pytest.mark.parametrize(("options", "message"), [
    # --json prints the analysis: there is nothing to write back
    (["--auto", "--json", "--in-place"], "--in-place needs a FILE, and neither -o nor --json"),
    # options of restoring without review
    (["--json"], "--json applies only to restoring without review: add --auto"),
    (["--in-place"], "--in-place applies only to restoring without review: add --auto"),
    (["--jobs", "2"], "--jobs applies only to restoring without review: add --auto"),
])
def test_options_that_cannot_apply_are_refused(tmp_path, capsysbinary, options, message):
    article = tmp_path / "article.txt"
    article.write_text("The minister remarked presently.\n")
    with pytest.raises(SystemExit) as exit_info:
        main([*options, str(article)])
    assert exit_info.value.code == 2
    assert message in capsysbinary.readouterr().err.decode()
    assert article.read_text() == "The minister remarked presently.\n"


@pytest.mark.parametrize("output", ["out/", "existing"])
def test_a_folder_as_one_input_s_output_is_refused_with_a_file_name_to_use(
        spun_file, tiny_models, tmp_path, capsysbinary, output):
    (tmp_path / "existing").mkdir()
    target = f"{tmp_path}/{output}"  # pathlib would drop the final slash
    code, _, err = run(["--auto", "--models", str(tiny_models), "-o", target, str(spun_file)],
                       capsysbinary)
    assert code == 2 and "is a folder, but one input gives one file" in err
    assert f"-o {Path(target) / spun_file.name}" in err
    assert not (tmp_path / "out").exists()


def test_spin_json_lines_make_a_pairs_file_for_eval(tiny_models, tmp_path, capsysbinary):
    pairs = tmp_path / "pairs.jsonl"
    for i, text in enumerate(clean_seed_texts()[:3]):
        clean = tmp_path / f"clean{i}.txt"
        clean.write_text(text + "\n")
        code, out, _ = run(["spin", "--json", "--models", str(tiny_models), str(clean)],
                           capsysbinary)
        assert code == 0 and out.count("\n") == 1  # one line, to append
        with pairs.open("a") as stream:
            stream.write(out)
    code, out, _ = run(["eval", "--models", str(tiny_models), "--pairs", str(pairs), "--json"],
                       capsysbinary)
    assert code == 0 and json.loads(out)["documents"] == 3


@pytest.mark.parametrize("where", ["archive", "file"])
def test_an_input_in_its_own_reference_archive_is_refused(spun_file, tiny_models, tmp_path,
                                                          capsysbinary, where):
    archive = tmp_path / "wire"
    archive.mkdir()
    copy = archive / "spun.txt"
    copy.write_bytes(spun_file.read_bytes())
    reference = archive if where == "archive" else copy
    for command in (["--auto"], ["score"]):
        code, _, err = run([*command, "--models", str(tiny_models), "--reference",
                            str(reference), str(copy)], capsysbinary)
        assert code == 2 and "would match itself and restore nothing" in err


class _InterruptedImport:
    """A meta path finder that raises KeyboardInterrupt for one module, as Ctrl-C
    pressed while it loads would."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, name, path=None, target=None):
        if name == self.name:
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_the_libraries_load_ends_with_one_line(monkeypatch, capsys):
    from restore.__main__ import run

    monkeypatch.delitem(sys.modules, "restore.cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptedImport("restore.cli"), *sys.meta_path])
    assert run() == 130
    assert capsys.readouterr().err == "restore: interrupted\n"

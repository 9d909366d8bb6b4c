"""The `restore` command: a thin layer over the library.

    restore FILE                     review the suggestions in the TUI
    restore --auto [-o OUT] FILE     apply every suggestion at or above the threshold
    restore --auto DIR... -o OUT     the same over files, directories and JSON Lines
    restore score FILE...            spin scores for CI (exit 1 when one is above)
    restore spin FILE                make synthetic spun text
    restore eval --pairs FILE.jsonl  measure restoration on (spun, original) pairs
    restore build WHAT               regenerate the artifacts in models/

Every failure the user can fix is a `RestoreError`: one line on stderr that
says what to do, and a distinct exit status (2 input or usage, 3 models,
4 a batch with failed documents, 130 interrupted). Batch logic lives in
`restore.batch`; this module only parses arguments and picks what to run.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from restore.analysis import CLEAN_COPY_CONFIDENCE, MIN_SPIN
from restore.batch import (
    Task,
    Workers,
    check_destination,
    cores_each,
    is_batch,
    plan,
    restore_many,
    score_many,
)
from restore.batch.sources import DEFAULT_GLOB
from restore.config import DEFAULT_FAIL_ABOVE, MAX_JOBS, Config, load_config
from restore.errors import InputError, reported
from restore.inputs import read_text
from restore.output import write_analysis, write_json, write_restored, write_text
from restore.report import FORMATS, render_scores

COMMANDS = ("review", "score", "spin", "eval", "build")
BROKEN_PIPE = 141  # 128 + SIGPIPE
_EPILOG = """commands:
  restore FILE | restore review FILE   review suggestions hunk by hunk (TUI)
  restore --auto FILE                  restore without review (stdout)
  restore --auto DIR... -o OUT         restore files, directories, JSON Lines
  restore score FILE...                spin scores for CI gates
  restore spin FILE                    make synthetic spun text
  restore eval --pairs FILE.jsonl      measure restoration quality
  restore build {synonyms,lm,topics,embeddings,lexicon,scorer,all}  rebuild models/
run `restore COMMAND --help` for each.
exit: 0 ok, 1 score above threshold, 2 input/usage, 3 models, 4 some documents failed,
130 interrupted, 141 stdout closed early."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "restore"
    args = argv[1:] if command != "restore" else argv
    handler = {
        "restore": _restore, "review": _review, "score": _score,
        "spin": _spin, "eval": _eval, "build": _build,
    }[command]
    try:
        return reported(lambda: handler(args), "restore")
    except KeyboardInterrupt:
        print("restore: interrupted; no output file was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`restore ... | head`). Stop quietly, as a tool that
        # SIGPIPE ends would, with the status a shell gives such a tool; what is
        # left in stdout's buffer goes nowhere rather than raising again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit status 2 and a hint, as elsewhere."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}; see `{self.prog} --help`", file=sys.stderr)
        raise SystemExit(2)


def _models_option(parser: argparse.ArgumentParser, *, neural: bool = True) -> None:
    parser.add_argument("--models", type=Path, default=None, metavar="DIR",
                        help="folder of model files (default: the shipped models/)")
    if not neural:
        return
    parser.add_argument("--neural", action="store_true",
                        help="also use the neural detector (the shipped models/neural/); "
                             "slower, see models/README.md")
    parser.add_argument("--neural-model", type=Path, default=None, metavar="DIR",
                        help="a compatible neural checkpoint folder, such as your own "
                             "fine-tuned one, instead of the shipped one (implies --neural)")
    parser.add_argument("--seq2seq", action="store_true",
                        help="with the neural detector, also rescore suggestions with the "
                             "seq2seq model (implies --neural; about a third slower)")


def _load(args: argparse.Namespace):
    from restore.batch.workers import cached_restorer

    return cached_restorer(args.models, getattr(args, "reference", None), _neural(args),
                           args.seq2seq, cores_each(Workers()))


def _neural(args: argparse.Namespace) -> Path | bool:
    """What `Restorer.load` takes as `neural`: a checkpoint folder, or whether to
    use the shipped one."""
    return args.neural_model or args.neural


def _reference_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", type=Path, default=None, metavar="ARCHIVE",
                        help="a folder of clean articles (.txt or corpus .jsonl) to restore "
                             "from where the original is there; indexed once, cached")


def _outside_the_archive(inputs: Sequence[str], reference: Path | None) -> None:
    """InputError when an input is in the reference archive: it would match itself there,
    and its every word would be confirmed as the original's, none restored."""
    if reference is None:
        return
    archive = reference.resolve()
    for given in inputs:
        path = Path(given).resolve()
        if given != "-" and (path == archive or archive in path.parents
                             or (path.is_dir() and path in archive.parents)):
            raise InputError(f"{given} is in the reference archive {reference}, where it "
                             "would match itself and restore nothing; move it out of the "
                             "archive, or choose another --reference")


# ------------------------------------------------------------------ restore
def _restore(argv: list[str]) -> int:
    parser = _Parser(
        prog="restore",
        description="Give back the original wording of spun news copy. With --auto, several "
                    "inputs, a directory or JSON Lines run as a batch: exit 0 when every "
                    "document is done, 4 when some failed (each is reported; rerun to retry).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="input text file, or - for stdin; with --auto also several files, "
                             "directories and JSON Lines files (batch mode)")
    parser.add_argument("--auto", action="store_true",
                        help="apply suggestions without review (default: open the review TUI)")
    parser.add_argument("--threshold", type=_probability, default=None, metavar="T",
                        help="apply suggestions with confidence >= T (default: [tool.restore] "
                             "threshold in pyproject.toml, else the model's)")
    _min_spin_option(parser)
    _worst_first_option(parser)
    parser.add_argument("-o", "--output", default="-", metavar="OUT",
                        help="where to write the result (default: stdout); in batch mode the "
                             "output folder, which mirrors the inputs")
    parser.add_argument("--json", action="store_true",
                        help="print the analysis as JSON instead of the restored text "
                             "(batch mode: write FILE.json for each text file)")
    parser.add_argument("--in-place", action="store_true",
                        help="overwrite FILE (atomically, keeping FILE.bak)")
    _models_option(parser)
    _reference_option(parser)
    _batch_options(parser)
    parser.add_argument("--force", action="store_true",
                        help="batch mode: redo every document, even those done by an earlier run")
    args = parser.parse_args(argv)
    _stdin_once(parser, args.inputs)
    _outside_the_archive(args.inputs, args.reference)
    config = load_config()
    threshold = config.threshold if args.threshold is None else args.threshold
    min_spin = config.min_spin if args.min_spin is None else args.min_spin
    if not args.auto:
        if len(args.inputs) != 1:
            parser.error("review takes one FILE; restore several with --auto -o DIR")
        batch_only = [option for option, given in (
            ("--json", args.json), ("--in-place", args.in_place), ("--jobs", args.jobs),
            ("--cluster", args.cluster), ("--scheduler", args.scheduler),
            ("--force", args.force)) if given]
        if batch_only:
            verb = "applies" if len(batch_only) == 1 else "apply"
            parser.error(f"{' and '.join(batch_only)} {verb} only to restoring without review: "
                         "add --auto")
        return _open_review(Path(args.inputs[0]), args, threshold)
    if is_batch(args.inputs, jsonl=args.jsonl):
        if args.in_place:
            parser.error("--in-place takes one FILE; write a batch to a folder with -o DIR")
        out_dir = None if args.output == "-" else Path(args.output)
        check_destination(args.inputs, out_dir, jsonl=args.jsonl)
        sources = plan(args.inputs, glob=args.glob, jsonl=args.jsonl)
        workers = _workers(args, config)
        task = Task("json" if args.json else "text", args.models, threshold, args.reference,
                    _neural(args), args.seq2seq, min_spin=min_spin, threads=cores_each(workers))
        return restore_many(sources, out_dir, task, workers, force=args.force)
    file = args.inputs[0]
    if args.in_place and (file == "-" or args.output != "-" or args.json):
        parser.error("--in-place needs a FILE, and neither -o nor --json (which prints the "
                     "analysis, not the restored text)")
    if args.output != "-" and file != "-" and _same_file(args.output, file):
        raise InputError(f"{args.output} is the input; use --in-place to overwrite it")
    if args.output != "-" and (args.output.endswith(("/", os.sep)) or Path(args.output).is_dir()):
        example = Path(args.output) / ("restored.txt" if file == "-" else Path(file).name)
        raise InputError(f"{args.output} is a folder, but one input gives one file: name it "
                         f"(-o {example})")
    text = read_text(file)
    restorer = _load(args)
    threshold = restorer.threshold if threshold is None else threshold
    # one piece of the text at a time; the restored text needs only the edits it may apply
    if args.json:
        done = write_analysis(restorer.pieces(text, progress=True), threshold, min_spin,
                              args.output, like=file)
    else:
        done = write_restored(restorer.pieces(text, keep_from=threshold, progress=True),
                              threshold, min_spin, file if args.in_place else args.output,
                              backup=args.in_place, like=file)
    if done.withheld:
        name, review = ("the input", "") if file == "-" else (file, f"review them with "
                                                              f"`restore {file}`, or ")
        print(f"restore: {name} looks clean (spin score {done.spin_score:.3f}, under "
              f"--min-spin {min_spin:g}), so its {done.withheld} suggestion(s) were not applied; "
              f"{review}apply them with --min-spin 0", file=sys.stderr)
    return 0


def _stdin_once(parser: argparse.ArgumentParser, inputs: Sequence[str]) -> None:
    if inputs.count("-") > 1:
        parser.error("standard input (-) can be read only once")


def _min_spin_option(parser: argparse.ArgumentParser, *, configured: bool = True) -> None:
    default = f"[tool.restore] min-spin, else {MIN_SPIN}" if configured else str(MIN_SPIN)
    parser.add_argument("--min-spin", type=_probability, default=None, metavar="S",
                        help="in a document with a spin score under S, apply only near-certain "
                             f"suggestions (confidence >= {CLEAN_COPY_CONFIDENCE}), since guesses "
                             f"on clean copy are mostly false edits (default: {default}; 0 "
                             "turns this off)")


def _worst_first_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--worst-first", action="store_true",
                        help="review: begin in the sentence likeliest to be spun, and after "
                             "each decision go on to the next such hunk (o switches)")


def _batch_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("batch mode")
    group.add_argument("--glob", default=DEFAULT_GLOB, metavar="PATTERN",
                       help=f"files to take from directories (default: {DEFAULT_GLOB})")
    group.add_argument("--jsonl", action="store_true",
                       help='read inputs (and - for stdin) as JSON Lines of {"id", "text"} '
                            "(default: by the .jsonl suffix)")
    group.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="worker processes (default: [tool.restore] jobs, else 1)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--cluster", metavar="local[:N]",
                       help="run on a local Dask cluster of N processes (needs restore[cluster])")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster at ADDRESS (needs restore[cluster])")


def _workers(args: argparse.Namespace, config: Config) -> Workers:
    return Workers(args.jobs or config.jobs, args.cluster, args.scheduler)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _jobs(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to {MAX_JOBS}")
    return int(value)


def _seed(value: str) -> int:
    if not value.isdigit() or int(value) >= 2**32:  # what numpy and scikit-learn take
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 0 to 2**32 - 1")
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number (0 or more)")
    return int(value)


def _probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return number


# ------------------------------------------------------------------- review
def _review(argv: list[str]) -> int:
    parser = _Parser(prog="restore review",
                     description="Review suggested restorations hunk by hunk.",
                     epilog="In the review, ? lists every key: n / p move, a accepts, r "
                            "rejects, 1-9 take an alternative, e edits, u undoes, s saves, "
                            "q quits.")
    parser.add_argument("file", metavar="FILE", help="input text file")
    parser.add_argument("-o", "--output", default=None, metavar="OUT",
                        help="where to save (default: story.restored.txt beside story.txt)")
    parser.add_argument("--threshold", type=_probability, default=None, metavar="T",
                        help="the confidence A (accept at or above) first offers (default: "
                             "[tool.restore] threshold in pyproject.toml, else 0.5)")
    _worst_first_option(parser)
    _models_option(parser)
    _reference_option(parser)
    args = parser.parse_args(argv)
    _outside_the_archive([args.file], args.reference)
    threshold = load_config().threshold if args.threshold is None else args.threshold
    return _open_review(Path(args.file), args, threshold)


def _open_review(path: Path, args: argparse.Namespace, threshold: float | None) -> int:
    """Review `path`; `threshold` (None: the usual 0.5) is what `A` first offers."""
    if str(path) == "-":
        raise InputError("the review needs a FILE, beside which it saves the decisions; "
                         "restore standard input with --auto")
    if path.is_dir():
        raise InputError(f"{path} is a directory; review one file of it, or restore them all "
                         f"with batch mode: restore --auto {path} -o OUT_DIR")
    read_text(path)  # fail on bad input before the screen opens
    from restore.pipeline import DEFAULT_THRESHOLD

    try:
        from tui import run_review
    except ImportError:
        raise InputError(
            "the review TUI is not installed; use `restore --auto FILE` to restore in batch"
        ) from None
    output = getattr(args, "output", None)
    output = None if output in (None, "-") else Path(output)
    return run_review(path, lambda text: _load(args).analyse(text), output,
                      DEFAULT_THRESHOLD if threshold is None else threshold,
                      worst_first=args.worst_first)


# -------------------------------------------------------------------- score
def _score(argv: list[str]) -> int:
    parser = _Parser(
        prog="restore score",
        description="Spin score per document for CI: exit 0 when every document is at or "
                    "below --fail-above, 1 when one is above, 2 on usage or input errors "
                    "(a document that cannot be read is reported and the others scored).",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="text files, directories, JSON Lines files, or - for stdin")
    parser.add_argument("--fail-above", type=_probability, default=None, metavar="X",
                        help="fail when a document's spin score is above X (default: [tool."
                             f"restore] fail-above in pyproject.toml, else {DEFAULT_FAIL_ABOVE})")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--worst", type=_count, default=3, metavar="N",
                        help="how many of the worst sentences to show (default 3)")
    _models_option(parser)
    _reference_option(parser)
    _batch_options(parser)
    args = parser.parse_args(argv)
    _stdin_once(parser, args.inputs)
    _outside_the_archive(args.inputs, args.reference)
    config = load_config()
    fail_above = config.fail_above if args.fail_above is None else args.fail_above
    # A CI job's report names a missing file among the others instead of being empty.
    sources = plan(args.inputs, glob=args.glob, jsonl=args.jsonl, missing_ok=True)
    workers = _workers(args, config)
    task = Task("score", args.models, worst=args.worst, reference=args.reference,
                neural=_neural(args), seq2seq=args.seq2seq, threads=cores_each(workers))
    results, errors = score_many(sources, task, workers, fail_above)
    write_text(render_scores(results, args.format, fail_above, errors), "-")
    if errors:
        return InputError.exit_code
    return 1 if any(r["failed"] for r in results) else 0


# --------------------------------------------------------------------- spin
def _spin(argv: list[str]) -> int:
    parser = _Parser(prog="restore spin",
                     description="Spin clean text like an article spinner, for test data.")
    parser.add_argument("file", metavar="FILE", help="clean text file, or - for stdin")
    parser.add_argument("--rates", default="", metavar="SPEC",
                        help='family rates, e.g. "synonym=0.3,number=0" (others: defaults)')
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true",
                        help='print one JSON line {"spun", "original", "substitutions"} instead '
                             "of the text: lines of a pairs file for `restore eval`")
    parser.add_argument("-o", "--output", default="-", metavar="OUT")
    _models_option(parser, neural=False)  # the spinner reads the synonym table alone
    args = parser.parse_args(argv)
    if args.output != "-" and args.file != "-" and _same_file(args.output, args.file):
        raise InputError(f"{args.output} is the input; spin the copy to another file")
    from restore.pipeline import MODELS_DIR
    from restore.spinner import Spinner, SpinRates

    table = (args.models or MODELS_DIR) / "synonyms.tsv.gz"
    spun = Spinner.load(table, SpinRates.parse(args.rates), args.seed).spin(read_text(args.file))
    if args.json:
        write_text(json.dumps(spun.to_json(), ensure_ascii=False) + "\n", args.output,
                   like=args.file)
    else:
        write_text(spun.spun, args.output, like=args.file)
    return 0


# --------------------------------------------------------------------- eval
def _eval(argv: list[str]) -> int:
    parser = _Parser(prog="restore eval",
                     description="Measure restoration on (spun, original) pairs: word "
                                 "error rate, edit precision, recall and F0.5, false edits "
                                 "on the clean originals, sentence ROC AUC, the documents "
                                 "`restore score` would fail, and how often suggestions of "
                                 "each confidence are right.")
    parser.add_argument("--pairs", required=True, metavar="FILE.jsonl",
                        help='JSON Lines of {"spun": str, "original": str}')
    parser.add_argument("--threshold", type=_probability, default=None, metavar="T",
                        help="apply suggestions at or above T (default: the model's own)")
    # A measurement takes no project's [tool.restore]: its defaults are the engine's.
    _min_spin_option(parser, configured=False)
    parser.add_argument("--fail-above", type=_probability, default=DEFAULT_FAIL_ABOVE,
                        metavar="X", help="count the documents `restore score --fail-above X` "
                                          f"would fail (default {DEFAULT_FAIL_ABOVE})")
    parser.add_argument("--group-by", metavar="KEY",
                        help="also give the figures for each value of this key of the "
                             'pairs (such as "source"); pairs without it form a group '
                             "of their own")
    parser.add_argument("--baseline", metavar="FILE.json",
                        help="also compare with this earlier `restore eval --json` output "
                             "on the same pairs: the difference in WER reduction and F0.5, "
                             "with its 95%% confidence interval")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    _models_option(parser)
    args = parser.parse_args(argv)
    from restore.evaluation import Comparison, evaluate, read_baseline, read_grouped_pairs

    baseline = None if args.baseline is None else read_baseline(args.baseline)
    pairs, groups = read_grouped_pairs(args.pairs, args.group_by)
    if baseline is not None and len(baseline) != len(pairs):  # known before the long part
        raise InputError(f"{args.baseline} is an evaluation of {len(baseline)} pairs, "
                         f"{args.pairs} holds {len(pairs)}; compare evaluations of the same "
                         "pairs file")
    restorer = _load(args)
    threshold = restorer.threshold if args.threshold is None else args.threshold
    min_spin = MIN_SPIN if args.min_spin is None else args.min_spin
    report = evaluate(pairs, restorer.analyse, threshold, min_spin, progress=True,
                      groups=groups if args.group_by else None, fail_above=args.fail_above)
    comparison = None if baseline is None else Comparison.of(report, baseline, args.baseline)
    if args.json:
        write_json(report.to_json() | ({"comparison": comparison.to_json()} if comparison
                                       else {}), "-")
    else:
        write_text(report.to_text() + (f"\n{comparison.to_text()}" if comparison else ""), "-")
    return 0


# -------------------------------------------------------------------- build
def _build(argv: list[str]) -> int:
    parser = _Parser(prog="restore build",
                     description="Regenerate model artifacts from ../shared/data.")
    parser.add_argument("what", choices=("synonyms", "lm", "topics", "embeddings", "lexicon",
                                         "scorer", "all"))
    parser.add_argument("--shared", type=Path, default=None, metavar="DIR",
                        help="the shared data folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write (default: models/)")
    parser.add_argument("--seed", type=_seed, default=0)
    args = parser.parse_args(argv)
    from restore import build
    from restore.corpus import DEFAULT_SHARED
    from restore.pipeline import MODELS_DIR

    shared, out = args.shared or DEFAULT_SHARED, args.out or MODELS_DIR
    if not (shared / "data").is_dir():
        raise InputError(f"no shared data at {shared}; pass --shared DIR")
    build.check_inputs(args.what, shared, out)
    try:  # before any work: a build can take most of an hour
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError(errno.EACCES, "not writable")
    except OSError as error:
        raise InputError(f"cannot write into --out {out}: {error.strerror or error}; "
                         "choose another --out") from None
    steps = {
        "synonyms": lambda: build.build_synonyms(shared, out),
        "lm": lambda: build.build_lm(shared, out),
        "topics": lambda: build.build_topics(shared, out, args.seed),
        "embeddings": lambda: build.build_embeddings(shared, out, args.seed),
        "lexicon": lambda: build.build_lexicon(shared, out, args.seed),
        "scorer": lambda: build.build_scorer(shared, out, args.seed),
        "all": lambda: build.build_all(shared, out, args.seed),
    }
    steps[args.what]()
    print(json.dumps({"built": args.what, "out": str(out)}), file=sys.stderr)
    return 0

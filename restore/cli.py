"""The `restore` command: a thin layer over the library.

    restore FILE                     review the suggestions in the TUI
    restore --auto [-o OUT] FILE     apply every suggestion at or above the threshold
    restore score FILE...            spin scores for CI (exit 1 when one is above)
    restore spin FILE                make synthetic spun text
    restore eval --pairs FILE.jsonl  measure restoration on (spun, original) pairs
    restore build WHAT               regenerate the artifacts in models/

Every failure the user can fix is a `RestoreError`: one line on stderr that
says what to do, and a distinct exit status (2 input or usage, 3 models).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from restore.errors import InputError, RestoreError
from restore.inputs import read_text
from restore.output import write_json, write_text
from restore.report import FORMATS, render_scores

COMMANDS = ("review", "score", "spin", "eval", "build")
_EPILOG = """commands:
  restore FILE | restore review FILE   review suggestions hunk by hunk (TUI)
  restore --auto FILE                  restore in batch
  restore score FILE...                spin scores for CI gates
  restore spin FILE                    make synthetic spun text
  restore eval --pairs FILE.jsonl      measure restoration quality
  restore build {synonyms,lm,scorer,all}  rebuild models/ from ../shared
run `restore COMMAND --help` for each."""


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
        return handler(args)
    except RestoreError as error:
        print(f"restore: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("restore: interrupted; no output file was left half-written", file=sys.stderr)
        return 130


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit status 2 and a hint, as elsewhere."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}; see `{self.prog} --help`", file=sys.stderr)
        raise SystemExit(2)


def _models_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=Path, default=None, metavar="DIR",
                        help="folder of model files (default: the shipped models/)")


def _load(args: argparse.Namespace):
    from restore.pipeline import Restorer

    return Restorer.load(args.models)


# ------------------------------------------------------------------ restore
def _restore(argv: list[str]) -> int:
    parser = _Parser(
        prog="restore",
        description="Give back the original wording of spun news copy.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="input text file, or - for stdin")
    parser.add_argument("--auto", action="store_true",
                        help="apply suggestions without review (default: open the review TUI)")
    parser.add_argument("--threshold", type=_probability, default=None, metavar="T",
                        help="apply suggestions with confidence >= T (default: the model's)")
    parser.add_argument("-o", "--output", default="-", metavar="OUT",
                        help="where to write the result (default: stdout)")
    parser.add_argument("--json", action="store_true",
                        help="print the analysis as JSON instead of the restored text")
    parser.add_argument("--in-place", action="store_true",
                        help="overwrite FILE (atomically, keeping FILE.bak)")
    _models_option(parser)
    args = parser.parse_args(argv)
    if not args.auto:
        return _open_review(Path(args.file), args)
    if args.in_place and (args.file == "-" or args.output != "-"):
        parser.error("--in-place needs a FILE and no -o")
    if args.output != "-" and args.file != "-" and _same_file(args.output, args.file):
        raise InputError(f"{args.output} is the input; use --in-place to overwrite it")
    text = read_text(args.file)
    restorer = _load(args)
    threshold = restorer.threshold if args.threshold is None else args.threshold
    analysis = restorer.analyse(text)
    if args.json:
        write_json(analysis.to_json(threshold), args.output)
    elif args.in_place:
        write_text(analysis.restored(threshold), args.file, backup=True)
    else:
        write_text(analysis.restored(threshold), args.output)
    return 0


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


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
                     description="Review suggested restorations hunk by hunk.")
    parser.add_argument("file", metavar="FILE", help="input text file")
    parser.add_argument("-o", "--output", default=None, metavar="OUT",
                        help="where to save (default: FILE.restored.txt)")
    _models_option(parser)
    args = parser.parse_args(argv)
    return _open_review(Path(args.file), args)


def _open_review(path: Path, args: argparse.Namespace) -> int:
    read_text(path)  # fail on bad input before the screen opens
    try:
        from tui import run_review
    except ImportError:
        raise InputError(
            "the review TUI is not installed; use `restore --auto FILE` to restore in batch"
        ) from None
    output = getattr(args, "output", None)
    output = None if output in (None, "-") else Path(output)
    return run_review(path, lambda text: _load(args).analyse(text), output)


# -------------------------------------------------------------------- score
def _score(argv: list[str]) -> int:
    parser = _Parser(
        prog="restore score",
        description="Spin score per document for CI: exit 0 when every document is at or "
                    "below --fail-above, 1 when one is above, 2 on usage or input errors.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--fail-above", type=_probability, default=0.5, metavar="X",
                        help="fail when a document's spin score is above X (default 0.5)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--worst", type=int, default=3, metavar="N",
                        help="how many of the worst sentences to show (default 3)")
    _models_option(parser)
    args = parser.parse_args(argv)
    texts = {name: read_text(name) for name in args.files}
    restorer = _load(args)
    results = []
    for name, text in texts.items():
        analysis = restorer.analyse(text)
        results.append({
            "file": name,
            "spin_score": round(analysis.spin_score, 4),
            "failed": analysis.spin_score > args.fail_above,
            "worst_sentences": [
                {"start": s.start, "end": s.end, "score": round(s.score, 4),
                 "text": text[s.start : s.end]}
                for s in analysis.worst_sentences(args.worst)
            ],
        })

    write_text(render_scores(results, args.format, args.fail_above), "-")
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
                        help='print {"spun", "original", "substitutions"} instead of the text')
    parser.add_argument("-o", "--output", default="-", metavar="OUT")
    _models_option(parser)
    args = parser.parse_args(argv)
    from restore.pipeline import MODELS_DIR
    from restore.spinner import Spinner, SpinRates

    table = (args.models or MODELS_DIR) / "synonyms.tsv.gz"
    spun = Spinner.load(table, SpinRates.parse(args.rates), args.seed).spin(read_text(args.file))
    if args.json:
        write_json(spun.to_json(), args.output)
    else:
        write_text(spun.spun, args.output)
    return 0


# --------------------------------------------------------------------- eval
def _eval(argv: list[str]) -> int:
    parser = _Parser(prog="restore eval",
                     description="Measure restoration on (spun, original) pairs.")
    parser.add_argument("--pairs", required=True, metavar="FILE.jsonl",
                        help='JSON Lines of {"spun": str, "original": str}')
    parser.add_argument("--threshold", type=_probability, default=None, metavar="T")
    parser.add_argument("--json", action="store_true")
    _models_option(parser)
    args = parser.parse_args(argv)
    from restore.evaluation import evaluate, read_pairs

    pairs = read_pairs(args.pairs)
    restorer = _load(args)
    threshold = restorer.threshold if args.threshold is None else args.threshold
    report = evaluate(pairs, restorer.analyse, threshold, progress=True)
    if args.json:
        write_json(report.to_json(), "-")
    else:
        write_text(report.to_text(), "-")
    return 0


# -------------------------------------------------------------------- build
def _build(argv: list[str]) -> int:
    parser = _Parser(prog="restore build",
                     description="Regenerate model artifacts from ../shared/data.")
    parser.add_argument("what", choices=("synonyms", "lm", "scorer", "all"))
    parser.add_argument("--shared", type=Path, default=None, metavar="DIR",
                        help="the shared data folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write (default: models/)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from restore import build
    from restore.corpus import DEFAULT_SHARED
    from restore.pipeline import MODELS_DIR

    shared, out = args.shared or DEFAULT_SHARED, args.out or MODELS_DIR
    if not (shared / "data").is_dir():
        raise InputError(f"no shared data at {shared}; pass --shared DIR")
    out.mkdir(parents=True, exist_ok=True)
    steps = {
        "synonyms": lambda: build.build_synonyms(shared, out),
        "lm": lambda: build.build_lm(shared, out),
        "scorer": lambda: build.build_scorer(shared, out, args.seed),
        "all": lambda: build.build_all(shared, out, args.seed),
    }
    steps[args.what]()
    print(json.dumps({"built": args.what, "out": str(out)}), file=sys.stderr)
    return 0

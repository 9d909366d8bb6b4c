#!/usr/bin/env bash
# Scripted smoke run of the review TUI in a real terminal (tmux): open a file,
# accept / reject / pick an alternative, open the help, save, quit, reopen to
# check the decisions were kept, and write every screen to a text file.
#
#   bench/tui_smoke.sh [-a fake|real] [-s COLSxROWS] [-o CAPTURE] [FILE]
#
#   -a fake   (default) a stand-in engine: a few spinner swaps ("remarked
#             presently" -> "said today", "4.two" -> "4.2"...), after a 2 s
#             pause so the progress screen shows. Needs no models.
#   -a real   the real engine, Restorer.load().analyse (needs models/).
#   -s        terminal size, default 80x24 (try 160x40 for the wide layout).
#   -o        where the captured screens go, default /tmp/tui_smoke.txt.
#   FILE      the article; default: a short built-in sample. It is copied to a
#             temporary folder first, so the run never writes next to FILE and
#             never resumes an earlier review of it.
#
# Run from anywhere; needs tmux and the repository's Python environment.
# Exit status 0 when every expected screen appeared and both files were saved.
set -euo pipefail

analyser=fake size=80x24 capture=/tmp/tui_smoke.txt
[[ ${1:-} == --help ]] && { sed -n '2,18p' "$0"; exit 0; }
while getopts "a:s:o:h" opt; do
  case $opt in
    a) analyser=$OPTARG ;;
    s) size=$OPTARG ;;
    o) capture=$OPTARG ;;
    h) sed -n '2,18p' "$0"; exit 0 ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $analyser == fake || $analyser == real ]] || { echo "tui_smoke: -a fake|real" >&2; exit 2; }
command -v tmux > /dev/null || { echo "tui_smoke: tmux is not installed" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
launches=0 socket="" # a tmux server of our own for each launch, gone with the folder
cleanup() {
  for old in "$work"/tmux-*.sock; do tmux -S "$old" kill-server 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

article="$work/article.txt"
if [[ $# -ge 1 ]]; then
  cp -- "$1" "$article"
else
  cat > "$article" << 'EOF'
Markets fell sharply on Tuesday after the central bank remarked presently that rates would rise for a third seven day period in a row.

The governor told reporters inflation had climbed to 4.two per cent, its highest level in a decade, and the opposition Labour Celebration commented the move was overdue.

Investors had expected a pause. Shares in lenders slipped, while the currency gained against the dollar.
EOF
fi

# The app, run by tmux: argv[1] is the article, argv[2] the analyser.
read -r -d '' app_py << 'EOF' || true
import re, sys, time
from pathlib import Path

from restore import Analysis, Hunk
from tui import run_review

# spun -> (original, alternatives): one swap of each family a spinner makes,
# none of them the real spun seed's wording (as in the tests' fixtures).
SWAPS = {
    "remarked presently": ("said today", ("said on Tuesday", "noted today")),
    "seven day period": ("week", ()),
    "Labour Celebration": ("Labour Party", ()),
    "commented": ("said", ("announced",)),
}
NUMBER = re.compile(r"\b(\d+)\.(one|two|three|four|five|six|seven|eight|nine|zero)\b")
DIGITS = "zero one two three four five six seven eight nine".split()


def fake_analyse(text: str) -> Analysis:
    time.sleep(2)  # a stand-in for the engine's work: shows the progress screen
    hunks = []
    for spun, (original, alternatives) in SWAPS.items():
        for m in re.finditer(rf"\b{re.escape(spun)}\b", text):
            hunks.append(Hunk(m.start(), m.end(), spun, original, 0.9, alternatives, "fake"))
    for m in NUMBER.finditer(text):
        restored = f"{m[1]}.{DIGITS.index(m[2])}"
        hunks.append(Hunk(m.start(), m.end(), m[0], restored, 0.97, (), "fake"))
    hunks.sort(key=lambda h: h.start)
    return Analysis(text=text, spin_score=0.5, sentences=[], hunks=hunks)


def real_analyse(text: str) -> Analysis:
    from restore.pipeline import Restorer

    return Restorer.load().analyse(text)


analyse = fake_analyse if sys.argv[2] == "fake" else real_analyse
sys.exit(run_review(Path(sys.argv[1]), analyse))
EOF

# Start the app in a fresh tmux server of our own, at the requested size. A new
# socket each time: a server just told to stop may still hold the old one.
launch() {
  [[ -n $socket ]] && { tmux -S "$socket" kill-server 2> /dev/null || true; }
  launches=$((launches + 1))
  socket="$work/tmux-$launches.sock"
  tmux -S "$socket" -f /dev/null new-session -d -s smoke -x "${size%x*}" -y "${size#*x}" \
    "cd '$repo' && PYTHONPATH='$repo' python -c \"\$APP_PY\" '$article' $analyser;
     echo __EXIT__ \$?; sleep 600" # the pane stays, so a crash can be captured too
}
export APP_PY="$app_py"

: > "$capture"
snap() { # snap TITLE: append the current screen to the capture file
  { echo "===== $1 ($size)"; tmux -S "$socket" capture-pane -p -t smoke; echo; } >> "$capture"
}
wait_for() { # wait_for TEXT [SECONDS]: until TEXT is on screen
  local deadline=$((SECONDS + ${2:-30}))
  until tmux -S "$socket" capture-pane -p -t smoke | grep -qF -- "$1"; do
    if ((SECONDS > deadline)); then
      snap "TIMEOUT waiting for: $1"
      echo "tui_smoke: '$1' never appeared; screens in $capture" >&2
      exit 1
    fi
    sleep 0.3
  done
}
keys() { # keys KEY...: send each key, then let the app redraw
  for key in "$@"; do tmux -S "$socket" send-keys -t smoke "$key"; sleep 0.4; done
}

launch
wait_for "Analysing" 60
snap "analysing"
wait_for "reviewed" 600
sleep 0.5
snap "review opened"
keys a r a n 1
snap "after a (accept), r (reject), a, n (next), 1 (alternative 1)"
keys '?'
wait_for "review keys" # the help's title: its end is below the fold at 80x24
snap "help (?)"
keys Escape
keys s
wait_for "Saved"
snap "saved (s)"
keys q
sleep 0.5
snap "quit (q)"
if tmux -S "$socket" capture-pane -p -t smoke | grep -qF "Not reviewed yet"; then
  keys q # "quit" in the dialog: everything is saved, some hunks are left undecided
fi
wait_for "__EXIT__ 0"

launch
wait_for "reviewed" 60
sleep 0.5
snap "reopened: decisions kept"
keys q
if tmux -S "$socket" capture-pane -p -t smoke | grep -qF "Not reviewed yet"; then keys q; fi
wait_for "__EXIT__ 0"

{
  echo "===== diff input -> $(basename "$work")/article.restored.txt"
  diff -u "$article" "$work/article.restored.txt" || true
  echo "===== decisions"
  python -c "import json,sys; print(*(f\"{h['decision']:<11} {h['before']!r} -> {h['final']!r}\" for h in json.load(open(sys.argv[1]))['hunks']), sep='\n')" "$work/article.txt.decisions.json"
} >> "$capture"
echo "tui_smoke: ok, screens in $capture"

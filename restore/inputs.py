"""Inputs: a path (or "-" for stdin) in, the text exactly as written out, or an `InputError`.

`read_text` refuses what is not UTF-8 text with a message that says what is wrong
and what to do: a missing file, a directory, empty input, binary data, undecodable
bytes (with the byte offset), a file over `MAX_BYTES`. It changes nothing else:
a UTF-8 byte-order mark stays in the text as U+FEFF and line endings stay as
they are, so the restored output is byte-identical wherever no edit was made.

`iter_chunks` cuts a long text into pieces of at most `max_chars` characters at
the best boundary it finds in the prose (paragraph, then sentence, line, space;
never inside markup, such as a script with blank lines, which each piece must see
whole to leave alone: a piece is longer only to hold markup longer than that), so
the engine works on one bounded piece at a time. The whole text stays in memory
(about its size again as a Python `str`, far below the memory budget at
`MAX_BYTES`); a streaming reader would save that but could not serve the `--json`
contract, which returns the whole input and the whole restored text.

`looks_english` tells whether restoring makes sense at all: the engine's lexicons
and language model are English, and on other languages they only do harm.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from wordfreq import tokenize

from restore.errors import InputError
from restore.frequency import zipf
from restore.segmentation import markup, prose

MAX_BYTES = 100 * 2**20
"""Largest input `read_text` accepts; larger files should be split (`split -C`)."""

ENGLISH_MIN_SHARE = 0.5
"""`looks_english` score below which the input is taken as not English. The first
300 documents of each file in ../shared/data/corpus (1,463 in all) score 0.69 or
more, the lowest being Wikipedia biographies full of transliterated names; news
paragraphs in twelve other languages score 0.35 or less (Swedish and Indonesian
highest, French, Spanish, German and Italian 0.15 or less, Chinese 0)."""

# A word counts as English when wordfreq gives it an English Zipf frequency (log10
# per billion words) of at least 1.5 and no neighbouring language uses it more
# than ten times as often: English lists know many foreign words ("le", "que",
# "und"), so knowing alone lets a French paragraph score like an English one.
_KNOWN_ZIPF = 1.5
_NEIGHBOURS = ("fr", "es", "de", "it", "pt", "nl")
_NEIGHBOUR_MARGIN = 1.0
_ENGLISH_SAMPLE_CHARS = 5_000  # about 800 words: enough for a stable share, cheap on a 50 MB file
_MARKUP_SHARE = 20  # the sample is read from this many times as much text, then as much again

_SNIFF_BYTES = 4_096
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
# Tab, line feed, form feed, carriage return and escape (ANSI colour codes) occur in text.
_CONTROL_SHARE = 0.3

# Where a chunk may end, best first. Each pattern consumes the whitespace after the
# boundary so the next chunk starts on text. The greedy `.*` prefix makes `match`
# find the last boundary in the window by backtracking from its end.
_BOUNDARIES = tuple(
    re.compile(r"(?s:.*)" + boundary)
    for boundary in (
        r"\n[^\S\n]*\n\s*",  # blank line: between paragraphs
        r"[.!?][\"'”’)\]]*\s+",  # end of a sentence, after any closing quote or bracket
        r"\n\s*",  # end of a line
        r"\s+",  # between words
    )
)


def read_text(source: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of the file `source`, or of stdin when `source` is "-".

    Raises InputError, with a message that says what to do, when the input is
    not a readable, non-empty UTF-8 text of at most `max_bytes` bytes.
    """
    name = "standard input" if str(source) == "-" else str(source)
    data = _read_bytes(source, name, max_bytes)
    if where := why_binary(data):
        raise InputError(
            f"{name} is binary data, not text ({where}); restore reads UTF-8 text. "
            "If it is text in another encoding such as UTF-16, convert it first: "
            "iconv -f UTF-16 -t UTF-8 FILE > FILE.txt"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} is not UTF-8 at byte offset {error.start} "
            f"(byte 0x{data[error.start]:02x}); convert it first, e.g. "
            "iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.txt (name the file's real encoding)"
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise InputError(
            f"{name} is empty (or only white space); check that it is the file you meant")
    return text


def why_binary(data: bytes) -> str | None:
    """Why `data` is binary rather than text ("a NUL byte at byte offset 12",
    "mostly control bytes"), or None when it may be text."""
    nul = data.find(b"\0")
    if nul != -1:
        return f"a NUL byte at byte offset {nul}"
    sample = data[:_SNIFF_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return "mostly control bytes" if controls > _CONTROL_SHARE * len(sample) else None


def _read_bytes(source: str | Path, name: str, max_bytes: int) -> bytes:
    """Up to `max_bytes` bytes of the input, or an InputError saying why not."""
    try:
        if str(source) == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source, "rb") as stream:
                data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory; give a file") from None
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(
            f"{name} is larger than {max_bytes:,} bytes; split it first, "
            "e.g. split -C 50M FILE part- (cuts at line ends)"
        )
    return data


def iter_chunks(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """Yield `(offset, chunk)` with `text[offset:offset + len(chunk)] == chunk`.

    The chunks cover `text` in order, without gap or overlap. A chunk ends at the
    last paragraph break within `max_chars` characters, else the last sentence end,
    line end or space, outside markup; only a run of `max_chars` characters without
    any such place is cut where it reaches, unless that is inside markup longer than
    `max_chars` (a page's data in one script), which the chunk then holds whole:
    read from its middle, the rest of it would be taken for prose.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    start = 0
    while len(text) - start > max_chars:
        stop = start + max_chars
        end = start + _last_boundary(prose(text, lines=False, start=start, stop=stop))
        if end == stop and (spans := markup(text, start, stop)):
            end = max(end, spans[-1][1])  # never inside markup: the chunk holds it whole
        yield start, text[start:end]
        start = end
    if start < len(text):
        yield start, text[start:]


def _last_boundary(window: str) -> int:
    """Where in `window` to end a chunk: after the best boundary, else at its end."""
    for pattern in _BOUNDARIES:
        found = pattern.match(window)
        if found:
            return found.end()
    return len(window)


def looks_english(text: str) -> float:
    """Share of the words in a sample of `text`'s prose (`segmentation.prose`: not
    its markup) that are English words (0 to 1).

    wordfreq decides: a word is English when it is known in English (about once
    in 30 million words or more) and not far more common in French, Spanish,
    German, Italian, Portuguese or Dutch. Compare with `ENGLISH_MIN_SHARE`. A
    text with no words at all scores 0.
    """
    words = [
        word
        for word in tokenize(_prose_sample(text), "en")
        if any(char.isalpha() for char in word)
    ]
    if not words:
        return 0.0
    return sum(map(_is_english, words)) / len(words)


def _prose_sample(text: str) -> str:
    """The first `_ENGLISH_SAMPLE_CHARS` characters of `text`'s prose, its words
    single-spaced."""
    # Markup may outweigh the prose many times over at the head of a web page (an
    # inline style sheet or the page's data), so the text read grows until the
    # sample is full: each step reads `_MARKUP_SHARE` times as much, in all a little
    # more than the text a full sample needs.
    stop = _ENGLISH_SAMPLE_CHARS * _MARKUP_SHARE
    while True:
        sample = " ".join(prose(text, stop=min(stop, len(text))).split())
        if len(sample) >= _ENGLISH_SAMPLE_CHARS or stop >= len(text):
            return sample[:_ENGLISH_SAMPLE_CHARS]
        stop *= _MARKUP_SHARE


def _is_english(word: str) -> bool:
    english = zipf(word)
    # The "small" lists (words above Zipf 3) load in milliseconds and suffice:
    # a word rarer than that abroad cannot beat English by the margin.
    elsewhere = max(zipf(word, lang, "small") for lang in _NEIGHBOURS)
    return english >= _KNOWN_ZIPF and english + _NEIGHBOUR_MARGIN >= elsewhere

"""Segmentation: text in, sentences and tokens with character offsets out.

`segment(text)` never changes the text: every `Token` and `Sentence` points
into it with `str` offsets, so anything the tool does not deliberately edit
stays byte-identical. What is not prose is left out of the tokens and kept in
`Document.protected`, so no stage reads it and no edit may touch it: HTML and
XML markup (tags with their attributes, comments, scripts, styles, code,
entities, tags escaped in a feed, a CDATA section's brackets), web and mail
addresses, Markdown code, emphasis marks and link targets, handles and hashtags.
A block tag ("<p>", "<br>", "<h1>", a feed's "<item>") ends a paragraph, as it
does on the page.

syntok does the linguistic work (abbreviations, quotes, hyphenated
compounds: "slash-back" gives "slash" and "back", so each part can be
restored on its own). The one compound kept whole is a decimal whose
digits a spinner spelled out ("1.twenty-five"): it is one number, "1.25".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import syntok.segmenter as syntok_segmenter

from restore.numbers import ONES, TENS

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
_SPELLED_TENS = re.compile(rf"\d\.({'|'.join(TENS)})$", re.IGNORECASE)
_SPELLED_ONES = re.compile("|".join(ONES[1:10]), re.IGNORECASE)
_PLAIN_WORDS = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
# Every repetition is anchored, bounded or possessive, so that no input (a 100,000-character
# run without a space) makes a pattern backtrack quadratically. An element, comment or
# code block left open runs to the end of the text: what follows it is not prose; so
# one is opened only in one case, as pages write it, not as in Reuters' "<Style Inc>".
# An address ends before a tag and before the punctuation that ends its sentence.
_ADDRESS_REST = r"[^\s<>]*[^\s<>.,;:!?'\"”’)\]*]"
_NOT_PROSE = re.compile(
    r"""
      <!--.*?(?:-->|\Z)                                         # an HTML comment
    | <(?P<raw>script|style|pre|code|SCRIPT|STYLE|PRE|CODE)(?=[\s/>])   # a script, style or
      .*?(?:(?i:</(?P=raw)\s*>)|\Z)                     # code, whole, closed in any case
    | <!\[CDATA\[ | \]\]>                                        # a CDATA section's brackets
    | </?[A-Za-z!?](?:[^<>"=]++|=\s*+"[^"<]{0,100000}+"|[="])*+>  # a tag and its attributes,
                                                                # '<' and '>' in a "value" too
    | &lt;/?[A-Za-z!?](?:[^<>&]|&(?!lt;|gt;)){0,4000}&gt;        # a tag escaped in a feed
    | &(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6});   # an entity
    | ^[ ]{0,3}(?P<fence>`{3,}|~{3,}).*?(?:^[ ]{0,3}(?P=fence)|\Z)   # a fenced code block
    | (?<![`\w])`[^`\n]{1,1000}`(?![`\w])                        # inline code
    | (?<![\w*])[*_]{1,3}(?=[^\s*_])                             # emphasis: its opening
    | (?<=[^\s*_])[*_]{1,3}(?![\w*])                             # and closing marks
    | !?\[(?=[^\[\]\n]{0,500}\][(\[])                            # a Markdown link's bracket,
    | \]\([^()\s]{0,2000}(?:[ ]+"[^"\n]{0,500}")?\)               # its target
    | \]\[[^\[\]\n]{0,200}\]                                      # or its reference,
    | ^[ ]{0,3}\[[^\]\n]{1,200}\]:[ ]*\S+(?:[ ]+"[^"\n]{0,500}")?  # and what that refers to
    | (?:https?://|www\.)ADDRESS_REST                            # a web address
    | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+                   # a mail address
    | (?<![\w.-])[\w.-]+\.(?:com|org|net|gov|edu|int|info|io|uk|au)\b(?:ADDRESS_REST)?  # a domain
    | (?<![\w&@\#])[@\#][A-Za-z_]\w*                             # a handle or a hashtag
    """.replace("ADDRESS_REST", _ADDRESS_REST),
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
# More than any pattern above but an element, comment or code block (which `markup`
# reads whole) reads past where it starts: a tag whose attribute holds a page's data.
_READ_PAST = 100_000
# HTML's blocks, a feed's items and their parts (RSS, Atom, NITF), escaped in a feed or not
_BLOCK_TAG = re.compile(
    r"(?:<|&lt;)/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|blockquote|pre|title"
    r"|section|article|header|footer|aside|nav|figure|figcaption|main|caption|body"
    r"|item|entry|description|summary|content|hl1|hl2|hedline|byline|dateline|abstract|block)"
    r"(?=[\s/>&])",  # where a tag's name ends: Reuters' "<Pre-Paid Legal>" is no "<pre>"
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Token:
    """A token: `text == document[start:end]`, and `norm`, the form the
    language model and lexicons see: lower case, curly quotes straightened,
    multi-digit numbers folded to one class (set once: every stage reads it)."""

    text: str
    start: int
    end: int
    norm: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = self.text.lower().replace("’", "'").replace("‘", "'")
        if _DIGIT.search(text) and not (len(text) == 1 and text.isdigit()):
            text = "<num>"
        object.__setattr__(self, "norm", text)

    @property
    def is_word(self) -> bool:
        """True when the token holds a letter (not punctuation or a bare number)."""
        return _WORD.search(self.text) is not None

    @property
    def is_wording(self) -> bool:
        """True for a word or a number: what a spinner may swap and a sentence opens with."""
        return self.is_word or self.text[0].isdigit()


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: `document[start:end]`, with its tokens."""

    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def word_count(self) -> int:
        """Number of word tokens."""
        return sum(1 for t in self.tokens if t.is_word)

    @property
    def opening(self) -> int | None:
        """Index of the token the sentence opens with: the first that holds a
        letter or a digit (after any quote or bracket); None when none does."""
        return next((i for i, t in enumerate(self.tokens) if t.is_wording), None)


@dataclass(frozen=True)
class Document:
    """The input text and its sentences, in order."""

    text: str
    sentences: tuple[Sentence, ...]
    protected: tuple[tuple[int, int], ...] = ()  # (start, end) of what is not prose, in order

    def protects(self, start: int, end: int) -> bool:
        """Whether `text[start:end]` overlaps what is not prose."""
        # the last protected span that starts before `end` is the only one that may reach in
        at = bisect_right(self.protected, (end,)) - 1
        return at >= 0 and self.protected[at][1] > start

    def tokens(self) -> Iterator[Token]:
        """Every token of the document, in order."""
        for sentence in self.sentences:
            yield from sentence.tokens

    @property
    def word_count(self) -> int:
        """Number of word tokens (what words-per-second and edits-per-1,000 count)."""
        return sum(s.word_count for s in self.sentences)


def segment(text: str) -> Document:
    """Split `text` into sentences and tokens, keeping exact offsets; what is
    not prose is in no token, and in `Document.protected`."""
    protected = tuple(markup(text))
    sentences: list[Sentence] = []
    for paragraph in syntok_segmenter.analyze(_blanked(text, protected)):
        for raw in paragraph:
            tokens = _join_spelled_decimals(
                text, [Token(t.value, t.offset, t.offset + len(t.value)) for t in raw if t.value]
            )
            if tokens:
                sentences.append(Sentence(tokens[0].start, tokens[-1].end, tokens))
    return Document(text, tuple(sentences), protected)


def markup(text: str, start: int = 0, stop: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) of each span of `text` that is not prose and starts in
    `text[start:stop]`, read as in the whole text: the last may end past `stop`.

    What is read past `stop` is bounded (but for that last span), so a long text
    read a window at a time is read once.
    """
    stop = len(text) if stop is None else stop
    reach = min(len(text), stop + _READ_PAST)
    spans = [m.span() for m in _NOT_PROSE.finditer(text, start, reach) if m.start() < stop]
    if spans and spans[-1][1] == reach < len(text):
        # an open comment, script or address that the window cut short: read it whole
        whole = _NOT_PROSE.match(text, spans[-1][0])
        spans[-1] = whole.span() if whole else spans[-1]
    return spans


def prose(text: str, *, lines: bool = True, start: int = 0, stop: int | None = None) -> str:
    """`text[start:stop]` with what is not prose blanked out (as long as that, the
    same prose), its markup read as in the whole text (`markup`).

    With `lines`, markup becomes spaces, its line breaks stay and a block tag
    becomes a paragraph break, as `segment` reads it. Without, markup becomes an
    unbroken run of U+FFFC (the object replacement character), which neither is
    nor holds a break: for finding where a text may be cut.
    """
    stop = len(text) if stop is None else stop
    spans = [(a - start, min(b, stop) - start) for a, b in markup(text, start, stop)]
    return _blanked(text[start:stop], spans, lines)


def _blanked(text: str, spans: Sequence[tuple[int, int]], lines: bool = True) -> str:
    """`text` with each span blanked as `prose` says."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], _blank(text, start, end, lines)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _blank(text: str, start: int, end: int, lines: bool) -> str:
    if not lines:
        return "\ufffc" * (end - start)
    blank = re.sub(r"[^\r\n]", " ", text[start:end])
    # every block tag is 3 characters or more
    return "\n\n" + blank[2:] if _BLOCK_TAG.match(text, start) else blank


def _join_spelled_decimals(text: str, tokens: list[Token]) -> tuple[Token, ...]:
    """`tokens` with each "1.twenty" "-" "five" made the one token "1.twenty-five"."""
    out: list[Token] = []
    for token in tokens:
        last = out[-1] if out else None
        if (
            last is not None
            and token.start == last.end + 1
            and text[last.end] == "-"
            and _SPELLED_TENS.search(last.text) is not None
            and _SPELLED_ONES.fullmatch(token.text)
        ):
            out[-1] = Token(text[last.start : token.end], last.start, token.end)
        else:
            out.append(token)
    return tuple(out)


def words(text: str) -> list[str]:
    """The normalised word forms of `text` (what n-gram counts and lexicons key on)."""
    if _PLAIN_WORDS.fullmatch(text):
        # Most lookups are candidate wordings: letters and single spaces, which
        # syntok would split at the spaces (checked on every lexicon entry).
        return text.lower().split(" ")
    return [t.norm for t in segment(text).tokens()]

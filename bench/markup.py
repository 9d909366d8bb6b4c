"""The engine on copy inside markup: web pages and Markdown against the plain text.

Feeds and archives hold HTML and Markdown far more often than plain text. For each
(spun, original) pair, both sides are also written as a web page (each paragraph a
`<p class=...>` with a link whose address holds the paragraph's first words, under a
head with a style and a script) and as Markdown (an image and inline code after each
paragraph, a fenced code block). For each form this prints the documents `restore score` would
fail, the edits `restore --auto` applies, whether the markup comes back
byte-identical, and how many restorations differ from the plain text's. First it
times the reading of markup on long runs of markup-like characters, where a
pattern that backtracked would take minutes, not milliseconds:

    python bench/make_eval_pairs.py --split test --out test_pairs.jsonl
    python bench/markup.py --pairs test_pairs.jsonl
"""

from __future__ import annotations

import argparse
import html
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from restore.config import DEFAULT_FAIL_ABOVE
from restore.pipeline import Restorer
from restore.segmentation import prose

# What the wrappers below add, which holds no prose: tags, images, code, an arrow
MARKUP = re.compile(r"<style>[^<]*</style>|<script>[^<]*</script>|<[^<>]*>|!\[\]\([^)]*\)"
                    r"|`[a-z-]*\.py`|```\n[^`]*```|&rarr;")
HEAD = ('<!DOCTYPE html>\n<html lang="en"><head><title></title>\n'
        "<style>.story p { margin: 0 0 1em; font-family: Georgia, serif; }</style>\n"
        "<script>window.dataLayer = [{'section': 'world', 'said': 'stated'}];</script>\n"
        '</head><body><article class="story">\n')


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _slug(paragraph: str) -> str:
    return "-".join(re.findall(r"[a-z]+", paragraph.lower())[:6])


MENU = "".join(f'<li><a href="/{item.lower().replace(" ", "-")}">{item}</a></li>' for item in (
    "Home", "World", "Politics", "Business", "Health", "Science", "Sport", "Read more"))


def as_page(text: str, menu: bool = False) -> str:
    """`text` as a web page: one paragraph element per paragraph, after a site
    menu of one- and two-word links with `menu`."""
    nav = f"<nav><ul>{MENU}</ul></nav>\n" if menu else ""
    body = nav + "\n".join(
        f'<p class="story-body__text" data-block="{n}"><a href="https://news.example.com/'
        f'{_slug(p)}" title="{html.escape(p[:40])}">&rarr;</a> {html.escape(p, quote=False)}</p>'
        for n, p in enumerate(_paragraphs(text)))
    return f"{HEAD}{body}\n</article></body></html>\n"


def as_markdown(text: str) -> str:
    """`text` as Markdown: each paragraph with an image and inline code, then a code block."""
    body = "\n\n".join(f"{p} ![](/{_slug(p)}.jpg) `{_slug(p)}.py`" for p in _paragraphs(text))
    return f"{body}\n\n```\nsaid = 'stated'\n```\n"


def prose_words(text: str) -> list[str]:
    """The words of `text` outside what the wrappers added, as the plain text has them."""
    return html.unescape(MARKUP.sub(" ", text)).split()


# Units that each pattern of `segmentation` could stumble on, repeated to 100,000 characters
RUNS = ('<a "="', '<a x="', "<a ", "[x", "](x ", "`x", "*a", "a@a-", "&lt;a ", "<!--",
        "<script", "```\n", "a.", "a.com")


def time_runs() -> None:
    """Print how long reading the markup of each of `RUNS` takes."""
    for unit in RUNS:
        text = unit * (100_000 // len(unit))
        began = time.perf_counter()
        prose(text)
        print(f"reading {unit!r} x {len(text) // len(unit):,}: {time.perf_counter() - began:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True, help="JSON Lines of spun/original")
    parser.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    parser.add_argument("--limit", type=int, default=150, help="pairs to read")
    parser.add_argument("--menu", action="store_true",
                        help="open each web page with a site menu of eight short links")
    args = parser.parse_args()
    time_runs()
    restorer = Restorer.load(args.models, threads=2)
    with args.pairs.open() as lines:
        pairs = [json.loads(line) for _, line in zip(range(args.limit), lines, strict=False)]
    forms: dict[str, Callable[[str], str]] = {
        "plain": lambda text: text, "web page": lambda text: as_page(text, args.menu),
        "Markdown": as_markdown}
    print(f"{len(pairs)} pairs; documents above the gate ({DEFAULT_FAIL_ABOVE}), edits applied,"
          " documents whose markup changed, documents restored otherwise than as plain text")
    print(f"{'form':<10} {'side':<9} {'above':>5} {'edits':>6} {'markup changed':>14} "
          f"{'otherwise':>9}")
    plain: dict[str, list[list[str]]] = {}
    for name, wrap in forms.items():
        for side in ("spun", "original"):
            above = edits = changed = otherwise = 0
            restored_words = []
            for pair in pairs:
                text = wrap(pair[side])
                analysis = restorer.analyse(text)
                applied = analysis.applied(restorer.threshold)
                restored = analysis.restored(restorer.threshold)
                above += analysis.spin_score > DEFAULT_FAIL_ABOVE
                edits += len(applied)
                changed += MARKUP.findall(restored) != MARKUP.findall(text)
                restored_words.append(prose_words(restored))
            if name == "plain":
                plain[side] = restored_words
            otherwise = sum(a != b for a, b in zip(restored_words, plain[side], strict=True))
            print(f"{name:<10} {side:<9} {above:>5} {edits:>6} {changed:>14} {otherwise:>9}")


if __name__ == "__main__":
    main()

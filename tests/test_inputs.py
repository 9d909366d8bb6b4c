"""Reading input safely: every bad input gets an InputError that says what is wrong."""

from __future__ import annotations

import io
import itertools
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restore.errors import InputError
from restore.inputs import ENGLISH_MIN_SHARE, iter_chunks, looks_english, read_text

ENGLISH = (
    "The council voted on Tuesday to close two libraries, saying the budget left it no "
    "choice. Residents who packed the meeting said the decision would hurt children and "
    "older people most, and promised to fight it in court."
)


def _file(tmp_path, data: bytes):
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    return path


def test_reads_text_exactly(tmp_path):
    text = "\ufeffCafé “quotes” — dash\r\nsecond line\n\n  indented\t tab\n"
    assert read_text(_file(tmp_path, text.encode("utf-8"))) == text  # BOM and CRLF kept


def test_reads_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("naïve text\n".encode())))
    assert read_text("-") == "naïve text\n"


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file") as caught:
        read_text(tmp_path / "absent.txt")
    assert "absent.txt" in str(caught.value)
    assert caught.value.exit_code == 2


def test_directory_asks_for_a_file(tmp_path):
    # Callers read files only (spin, eval --pairs, --baseline): batch mode is no remedy there.
    with pytest.raises(InputError, match=r"is a directory; give a file$"):
        read_text(tmp_path)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\ufeff\n".encode()])
def test_empty_input(tmp_path, data):
    with pytest.raises(InputError, match="is empty"):
        read_text(_file(tmp_path, data))


def test_empty_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(InputError, match="standard input is empty"):
        read_text("-")


def test_nul_byte_is_binary_with_offset(tmp_path):
    with pytest.raises(InputError, match=r"binary data.*NUL byte at byte offset 11"):
        read_text(_file(tmp_path, b"Some text. \x00\x01\x02 more"))


def test_control_bytes_are_binary(tmp_path):
    with pytest.raises(InputError, match=r"binary data.*mostly control bytes"):
        read_text(_file(tmp_path, bytes(range(1, 32)) * 50 + b"tail"))


def test_utf16_is_refused_with_iconv_hint(tmp_path):
    with pytest.raises(InputError, match="iconv -f UTF-16"):
        read_text(_file(tmp_path, ENGLISH.encode("utf-16")))


def test_non_utf8_reports_byte_offset(tmp_path):
    # "naïve " is 6 characters but 7 bytes: the offset must count bytes.
    data = "naïve ".encode() + "café".encode("latin-1")
    with pytest.raises(InputError, match=r"not UTF-8 at byte offset 10 \(byte 0xe9\).*iconv"):
        read_text(_file(tmp_path, data))


def test_too_large(tmp_path):
    path = _file(tmp_path, b"x" * 11)
    assert read_text(path, max_bytes=11) == "x" * 11
    with pytest.raises(InputError, match=r"larger than 10 bytes.*split"):
        read_text(path, max_bytes=10)


def _check_chunks(text: str, max_chars: int) -> list[tuple[int, str]]:
    chunks = list(iter_chunks(text, max_chars))
    assert "".join(chunk for _, chunk in chunks) == text
    position = 0
    for offset, chunk in chunks:
        assert offset == position and chunk
        assert len(chunk) <= max_chars
        position += len(chunk)
    return chunks


TAG = '<img alt="Talks end. Officials left. Rebels stayed." src="/a.png">'


@pytest.mark.parametrize(("text", "markup"), [
    *((f"First one. It ends here.\n\n{markup}\n\nLast paragraph.", markup) for markup in (
        "<script>\nvar said = 1;\n\nvar stated = 2;\n</script>",
        "<!-- said\n\nstated -->", "```\nsaid = 1\n\nstated = 2\n```")),
    # a tag that a chunk's reach ends inside is read whole, not cut at a full stop in it
    (f"He left early. {TAG} She stayed. They met.", TAG),
])
def test_chunks_are_never_cut_inside_markup(text, markup):
    inside = range(text.index(markup) + 1, text.index(markup) + len(markup))
    for max_chars in range(len(markup) + 2, len(text)):
        cuts = [offset for offset, _ in _check_chunks(text, max_chars)]
        assert not set(cuts) & set(inside), max_chars


def test_markup_longer_than_a_chunk_is_held_whole_by_one():
    script = "<script>\n" + "var said = 'stated';\n\n" * 20 + "</script>"
    text = f"First one. It ends here.\n\n{script}\n\nLast paragraph."
    chunks = list(iter_chunks(text, 100))
    assert [chunk for _, chunk in chunks] == [
        "First one. It ends here.\n\n", script, "\n\nLast paragraph."]


def test_chunks_end_at_paragraphs_first():
    paragraphs = ["First one. It has two sentences.", "Second paragraph here.", "Third."]
    text = "\n\n".join(paragraphs) + "\n"
    chunks = _check_chunks(text, 50)
    assert [chunk for _, chunk in chunks] == [
        paragraphs[0] + "\n\n",
        paragraphs[1] + "\n\n" + paragraphs[2] + "\n",
    ]


def test_chunks_fall_back_to_sentences_then_spaces():
    text = 'He said "stop." Then it rained and rained and rained'
    chunks = [chunk for _, chunk in _check_chunks(text, 30)]
    assert chunks[0] == 'He said "stop." '
    assert all(chunk.endswith(" ") for chunk in chunks[:-1])


def test_huge_single_line_is_split_hard():
    text = "x" * 10_005
    chunks = _check_chunks(text, 1_000)
    assert [len(chunk) for _, chunk in chunks] == [1_000] * 10 + [5]


def test_fifty_megabyte_file_is_chunked_with_bounded_chunks(tmp_path):
    paragraph = (ENGLISH + " ") * 3 + "\n\n"
    path = tmp_path / "big.txt"
    path.write_text(paragraph * (50_000_000 // len(paragraph) + 1), encoding="utf-8")
    text = read_text(path)
    assert len(text) >= 50_000_000
    max_chars = 200_000
    sizes = []
    for offset, chunk in iter_chunks(text, max_chars):
        assert chunk.endswith("\n\n") or offset + len(chunk) == len(text)
        sizes.append(len(chunk))
    assert max(sizes) <= max_chars
    assert sum(sizes) == len(text)
    assert min(sizes[:-1]) > max_chars - len(paragraph)  # cut at the last paragraph in reach


@given(st.text(alphabet=st.sampled_from('ab. \n!"”é'), max_size=300), st.integers(1, 40))
def test_chunks_are_lossless_and_bounded(text, max_chars):
    _check_chunks(text, max_chars)


def test_max_chars_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        list(iter_chunks("text", 0))


def test_english_and_spun_english_look_english():
    assert looks_english(ENGLISH) > ENGLISH_MIN_SHARE
    spun = (
        "The council voted on Tuesday to seal two athenaeums, remarking the finances left it "
        "no option. Inhabitants who crammed the gathering remarked the verdict would harm "
        "youngsters."
    )
    assert looks_english(spun) > ENGLISH_MIN_SHARE


def test_a_web_page_s_english_prose_looks_english_behind_its_markup():
    script = "".join(f"var qx{n}z = gtm_kv('zq{n}x', xhr);\n" for n in range(300))
    page = (f'<html><head><script>{script}</script></head><body><div class="story">'
            f"<p>{ENGLISH}</p></div></body></html>")
    assert len(page) > 5 * len(ENGLISH)
    assert looks_english(page) > ENGLISH_MIN_SHARE


@pytest.mark.parametrize(
    "text",
    [
        "Le conseil municipal a voté mardi la fermeture de deux bibliothèques, estimant que le "
        "budget ne lui laissait pas le choix. Les habitants ont promis de saisir la justice.",
        "Der Stadtrat hat am Dienstag beschlossen, zwei Bibliotheken zu schließen, weil das "
        "Budget keine andere Wahl lasse. Die Anwohner kündigten an, dagegen zu klagen.",
        "Городской совет во вторник проголосовал за закрытие двух библиотек.",
        "市议会周二投票决定关闭两家图书馆，称预算别无选择。",
    ],
)
def test_other_languages_do_not_look_english(text):
    assert looks_english(text) < ENGLISH_MIN_SHARE


def test_text_without_words_scores_zero():
    assert looks_english("12.5 - 3,400 / 17 %") == 0.0


def test_corpus_documents_look_english():
    corpus = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus"
    if not corpus.is_dir():
        pytest.skip("needs ../shared/data/corpus")
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in itertools.islice(lines, 20):
                assert looks_english(json.loads(line)["text"]) >= ENGLISH_MIN_SHARE, path.name


def test_english_prose_looks_english_behind_more_markup_than_the_first_sample_reads():
    style = "".join(f".qx{n} {{ margin: {n}px; }}\n" for n in range(6_000))
    page = f"<html><head><style>{style}</style></head><body><p>{ENGLISH}</p></body></html>"
    assert len(style) > 100_000
    assert looks_english(page) > ENGLISH_MIN_SHARE

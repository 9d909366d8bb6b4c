"""The pipeline's hunks step: ranked candidates in, the edits an editor sees out."""

from __future__ import annotations

import io
import math
import re
import sys
import tempfile

import numpy as np
import pytest

from restore import output, pipeline
from restore.analysis import score_pieces
from restore.candidates import Candidate
from restore.errors import OutputError
from restore.hunk import Hunk, apply_hunks
from restore.inputs import iter_chunks
from restore.segmentation import segment
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table


def test_deleting_the_word_a_sentence_opens_with_capitalises_the_next(tiny_restorer):
    text = "Talks ended. Soon after the vote, officials left."
    gone = Candidate(1, 0, 1, "", "soon", {"learned": 5.0})
    just = Candidate(1, 0, 1, "Just", "soon", {"thesaurus": 1.0})
    (hunk,) = tiny_restorer.hunks(segment(text), [gone, just], np.array([0.9, 0.5]))
    assert (hunk.before, hunk.after, hunk.alternatives) == ("Soon after", "After",
                                                            ("Just after",))
    assert apply_hunks(text, [hunk]) == "Talks ended. After the vote, officials left."


def test_deleting_a_word_inside_a_sentence_takes_one_space_with_it(tiny_restorer):
    text = "“Officials really left,” he said."
    (hunk,) = tiny_restorer.hunks(segment(text), [Candidate(0, 2, 3, "", "really")],
                                  np.array([0.9]))
    assert apply_hunks(text, [hunk]) == "“Officials left,” he said."


def test_no_edit_touches_markup_even_between_the_words_it_restores(tiny_restorer, monkeypatch):
    text = 'It took a thirty <b>day</b> period, <a href="/x">he</a> stated.'
    words = {t.text: t for t in segment(text).tokens()}
    across = Hunk(words["thirty"].start, words["period"].end,
                  text[words["thirty"].start : words["period"].end], "month", 0.9)
    inside = Hunk(words["stated"].start, words["stated"].end, "stated", "said", 0.9)
    monkeypatch.setattr(tiny_restorer, "hunks", lambda *args: [across, inside])
    monkeypatch.setattr(tiny_restorer, "fill_ins", None)

    analysis = tiny_restorer.analyse(text)
    assert analysis.hunks == [inside]
    assert analysis.restored(0.5) == 'It took a thirty <b>day</b> period, <a href="/x">he</a> said.'


@pytest.mark.parametrize(("text", "kept"), [
    ("Home\n\nOfficials stated the plan would go ahead.\n\nRead more", ["stated"]),
    ("Officials stated.\n\nRead more", ["stated", "Read"]),  # no longer sentence to judge by
])
def test_nothing_is_restored_in_a_menu_item_or_heading_among_sentences(
        tiny_restorer, monkeypatch, text, kept):
    hunks = [Hunk(text.index(word), text.index(word) + len(word), word, "said", 0.9)
             for word in ("Read", "stated")]
    monkeypatch.setattr(tiny_restorer, "hunks", lambda *args: sorted(hunks, key=lambda h: h.start))
    monkeypatch.setattr(tiny_restorer, "fill_ins", None)
    assert sorted(h.before for h in tiny_restorer.analyse(text).hunks) == sorted(kept)


def test_a_web_page_is_restored_and_scored_as_its_prose_would_be(tiny_restorer):
    text = long_spun_text()
    page = "<html><body>\n" + "\n\n".join(
        f'<p class="story"><a href="/{n}-{p[:30].replace(" ", "-")}"></a>{p}</p>'
        for n, p in enumerate(text.split("\n\n"))) + "\n</body></html>"
    plain, web = tiny_restorer.analyse(text), tiny_restorer.analyse(page)

    assert plain.hunks and [(h.before, h.after) for h in web.hunks] == [
        (h.before, h.after) for h in plain.hunks]
    assert web.spin_score == pytest.approx(plain.spin_score, abs=1e-6)
    assert [page[s.start:s.end] for s in web.sentences] == [
        text[s.start:s.end] for s in plain.sentences]


@pytest.mark.parametrize("mark", ["_", "**"])
def test_markdown_emphasis_is_restored_as_the_plain_text_is(tiny_restorer, mark):
    text = long_spun_text()
    markdown = re.sub(r"\b(\w+) (\w+) (\w+)\b", rf"\1 {mark}\2{mark} \3", text)
    plain, marked = tiny_restorer.analyse(text), tiny_restorer.analyse(markdown)
    assert plain.hunks and [(h.before, h.after) for h in marked.hunks] == [
        (h.before, h.after) for h in plain.hunks]


def long_spun_text() -> str:
    """Thirty spun paragraphs: about 5,000 characters."""
    spinner = Spinner(tiny_synonym_table(), seed=3)
    return "\n\n".join(spinner.spin(text).spun for text in clean_seed_texts()[:30])


def test_a_long_text_is_analysed_in_pieces_that_add_up_to_the_whole(tiny_restorer, monkeypatch):
    text = long_spun_text()
    pieces = list(iter_chunks(text, 1500))
    assert len(pieces) > 2
    alone = [(offset, tiny_restorer.analyse(piece)) for offset, piece in pieces]
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    whole = tiny_restorer.analyse(text)

    assert whole.hunks and [(h.start, h.after) for h in whole.hunks] == [
        (h.start + offset, h.after) for offset, part in alone for h in part.hunks]
    assert all(text[h.start:h.end] == h.before for h in whole.hunks)
    assert [(s.start, s.end) for s in whole.sentences] == [
        (s.start + offset, s.end + offset) for offset, part in alone for s in part.sentences]
    prose = [sum(s.end - s.start for s in part.sentences) for _, part in alone]
    assert whole.spin_score == pytest.approx(  # the pieces' mean, weighted by their prose
        sum(n * part.spin_score for n, (_, part) in zip(prose, alone, strict=True)) / sum(prose))
    assert whole.restored(0.0, 0.0) == "".join(part.restored(0.0, 0.0) for _, part in alone)


def test_a_script_longer_than_a_piece_is_no_prose_in_any_piece(tiny_restorer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    text = long_spun_text()
    data = "\n\n".join(f"var p{n} = '{p}';" for n, p in enumerate(text.split("\n\n")))
    page = f"{text}\n\n<script>\n{data}\n</script>\n"
    assert len(data) > 3 * pipeline.CHUNK_CHARS
    plain, web = tiny_restorer.analyse(text), tiny_restorer.analyse(page)
    assert plain.hunks and [(h.start, h.after) for h in web.hunks] == [
        (h.start, h.after) for h in plain.hunks]
    # the piece that is all script weighs nothing in the spin score
    assert web.spin_score == pytest.approx(plain.spin_score, abs=1e-9)


def test_keeping_only_the_edits_it_may_apply_restores_the_same_text(tiny_restorer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    text = long_spun_text()
    full = tiny_restorer.analyse(text)
    threshold = 0.5
    slim = tiny_restorer.analyse(text, keep_from=threshold)
    assert min(h.confidence for h in full.hunks) < threshold
    assert slim.hunks and all(h.confidence >= threshold for h in slim.hunks)
    assert all(t.score >= threshold for t in slim.tokens)
    for min_spin in (0.0, 1.0):  # without the document gate, and with every piece held back
        assert slim.restored(threshold, min_spin) == full.restored(threshold, min_spin)
        assert len(slim.withheld(threshold, min_spin)) == len(full.withheld(threshold, min_spin))
    assert full.withheld(threshold, 1.0)  # the gate did hold some back


@pytest.mark.parametrize("min_spin", [0.0, 1.0])  # judged spun; judged clean, edits held back
def test_a_long_text_is_written_piece_by_piece_as_the_whole_would_be(
    tiny_restorer, monkeypatch, tmp_path, min_spin,
):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    monkeypatch.setattr(output, "SPOOL_BYTES", 1000)  # the spools go on to disk
    text, threshold = long_spun_text(), 0.5
    whole = tiny_restorer.analyse(text)
    target = tmp_path / "restored.txt"
    done = output.write_restored(tiny_restorer.pieces(text, keep_from=threshold), threshold,
                                 min_spin, target)
    assert target.read_bytes().decode("utf-8") == whole.restored(threshold, min_spin) != text
    assert done.spin_score == whole.spin_score
    assert done.withheld == len(whole.withheld(threshold, min_spin))
    assert (done.withheld > 0) == (min_spin == 1.0)
    assert list(tmp_path.iterdir()) == [target]


SHORT_TEXTS = {
    "one piece": "Rebels recaptured the town on Tuesday.",
    "no sentence": "Le gouvernement a déclaré mardi que les négociations reprendraient.",  # French
}


@pytest.mark.parametrize(("kind", "min_spin"), [
    ("pieces", 0.0), ("pieces", 1.0),  # judged spun, and judged clean
    ("one piece", 0.0), ("no sentence", 0.0),
])
def test_the_json_of_a_text_is_written_piece_by_piece_as_the_whole_would_be(
    tiny_restorer, monkeypatch, tmp_path, kind, min_spin,
):
    text = long_spun_text() if kind == "pieces" else SHORT_TEXTS[kind]
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    monkeypatch.setattr(output, "SPOOL_BYTES", 1000)
    threshold = 0.5
    whole = tiny_restorer.analyse(text)
    output.write_json(whole.to_json(threshold, min_spin), tmp_path / "whole.json")
    done = output.write_analysis(tiny_restorer.pieces(text), threshold, min_spin,
                                 tmp_path / "pieces.json")
    assert (tmp_path / "pieces.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert done == (whole.spin_score, len(whole.withheld(threshold, min_spin)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pieces.json", "whole.json"]


def test_a_spool_that_cannot_go_on_to_disk_is_an_output_error(tiny_restorer, monkeypatch,
                                                               tmp_path):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    monkeypatch.setattr(output, "SPOOL_BYTES", 1000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    target = tmp_path / "restored.txt"
    with pytest.raises(OutputError, match=r"cannot write a temporary file.*Set TMPDIR"):
        output.write_restored(tiny_restorer.pieces(long_spun_text()), 0.5, 0.5, target)
    assert list(tmp_path.iterdir()) == []


def test_a_long_text_is_scored_piece_by_piece_as_the_whole_would_be(tiny_restorer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    text = long_spun_text()
    whole = tiny_restorer.analyse(text)
    for n in (1, 3, len(whole.sentences) + 1):
        scored = score_pieces(tiny_restorer.pieces(text, keep_from=math.inf), n)
        assert scored == (whole.spin_score, whole.worst_sentences(n))
    assert len({s.score for s in whole.sentences}) > 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_text_shows_its_progress_on_a_terminal(tiny_restorer, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    text = long_spun_text()
    for progress, long_text in ((True, text), (False, text), (True, text[:1000])):
        monkeypatch.setattr(sys, "stderr", _Terminal())
        assert len(list(tiny_restorer.pieces(long_text, progress=progress))) >= 1
        shown = sys.stderr.getvalue()
        # the bar redraws at most ten times a second, so only its first drawing is sure
        assert ("char/s" in shown) == (progress and long_text == text)

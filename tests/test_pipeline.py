"""The pipeline's hunks step: ranked candidates in, the edits an editor sees out."""

from __future__ import annotations

import numpy as np

from restore.candidates import Candidate
from restore.hunk import apply_hunks
from restore.segmentation import segment


def test_deleting_the_word_a_sentence_opens_with_capitalises_the_next(tiny_restorer):
    text = "Talks ended. Right after the vote, officials left."
    gone = Candidate(1, 0, 1, "", "right", {"learned": 5.0})
    just = Candidate(1, 0, 1, "Just", "right", {"thesaurus": 1.0})
    (hunk,) = tiny_restorer.hunks(segment(text), [gone, just], np.array([0.9, 0.5]))
    assert (hunk.before, hunk.after, hunk.alternatives) == ("Right after", "After",
                                                            ("Just after",))
    assert apply_hunks(text, [hunk]) == "Talks ended. After the vote, officials left."


def test_deleting_a_word_inside_a_sentence_takes_one_space_with_it(tiny_restorer):
    text = "“Officials really left,” he said."
    (hunk,) = tiny_restorer.hunks(segment(text), [Candidate(0, 2, 3, "", "really")],
                                  np.array([0.9]))
    assert apply_hunks(text, [hunk]) == "“Officials left,” he said."

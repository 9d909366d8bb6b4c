"""Detection: the document score is read from the sentences that can tell."""

from __future__ import annotations

import numpy as np

from restore.detection import document_features
from restore.segmentation import segment


def test_headings_and_menu_items_do_not_weigh_on_the_document_score():
    document = segment("Home\n\nThe council voted to close two libraries.\n\nRead more\n\n"
                       "Residents said they would go to court.")
    scores = np.array([0.99, 0.10, 0.95, 0.20])
    alone = segment("The council voted to close two libraries. Residents said they would go.")
    assert np.allclose(document_features(document, scores),
                       document_features(alone, np.array([0.10, 0.20])))


def test_a_document_of_short_lines_only_is_read_whole():
    document = segment("Home\n\nRead more")
    assert np.allclose(document_features(document, np.array([0.9, 0.3])),
                       [0.6, 0.6, 0.5, 0.9])

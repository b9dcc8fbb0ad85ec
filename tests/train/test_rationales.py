from __future__ import annotations

import numpy as np

from finlocal.train.saliency import word_flags


def test_word_flags_keep_whole_top_words() -> None:
    text = "Operating profit rose sharply"
    # tokens: Operating | profit | ro ##se | sharply
    offsets = [(0, 9), (10, 16), (17, 19), (19, 21), (22, 29)]
    scores = np.array([0.1, 0.2, 0.5, 0.4, 0.3])
    flags = word_flags(text, offsets, scores, rel_score=0.5, max_words=1)
    assert flags == [False, False, True, True, False]


def test_word_flags_ignore_special_tokens() -> None:
    flags = word_flags("up", [(0, 0), (0, 2), (0, 0)], np.array([9.0, 1.0, 9.0]), 0.5, 4)
    assert flags == [False, True, False]

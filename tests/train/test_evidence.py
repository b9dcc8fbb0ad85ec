from __future__ import annotations

import numpy as np

from finlocal.train.evidence import token_spans, token_targets


def test_targets_tag_overlapping_tokens_and_mask_specials() -> None:
    text = "Net sales rose 5 %"
    offsets = [(0, 0), (0, 3), (4, 9), (10, 14), (15, 16), (17, 18), (0, 0)]
    special = [1, 0, 0, 0, 0, 0, 1]
    targets, mask = token_targets(offsets, special, [(10, 14)])
    assert targets.tolist() == [0, 0, 0, 1, 0, 0, 0]
    assert mask.tolist() == [0, 1, 1, 1, 1, 1, 0]
    assert text[10:14] == "rose"


def test_unannotated_row_is_fully_masked_but_empty_annotation_is_supervised() -> None:
    offsets = [(0, 0), (0, 3), (0, 0)]
    special = [1, 0, 1]
    _, mask_none = token_targets(offsets, special, None)
    targets, mask_empty = token_targets(offsets, special, [])
    assert not mask_none.any()
    assert mask_empty.tolist() == [0, 1, 0] and not targets.any()


def test_token_spans_merge_adjacent_tokens() -> None:
    text = "profit fell sharply today"
    offsets = [(0, 6), (7, 11), (12, 19), (20, 25)]
    assert token_spans(offsets, [False, True, True, False], text) == [(7, 19)]
    assert token_spans(offsets, np.array([True, False, False, True]), text) == [(0, 6), (20, 25)]

"""Evidence spans (character offsets into a sentence) ↔ token-level tagging targets.

The evidence head tags each token as evidence (1) or not (0). A token is evidence when its
character span overlaps an evidence span. Special and padding tokens are masked out of the loss,
and so is every token of a row that has no evidence annotation at all (``spans is None``): a row
with an *empty* annotation (``[]``, e.g. a neutral sentence whose teacher quoted nothing) is a
supervised "no evidence" row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from finlocal.spans import merge_spans


def token_targets(
    offsets: Sequence[tuple[int, int]],
    special: Sequence[int],
    spans: Sequence[tuple[int, int]] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Binary targets and a loss mask for one tokenised sentence.

    ``offsets`` are the tokenizer's (start, end) character offsets, ``special`` its special-token
    mask (1 for [CLS]/[SEP]/padding), ``spans`` the evidence (start, end) offsets or None.
    """
    n = len(offsets)
    targets = np.zeros(n, dtype=np.float32)
    mask = np.zeros(n, dtype=np.float32)
    if spans is None:
        return targets, mask
    for i, ((start, end), is_special) in enumerate(zip(offsets, special, strict=True)):
        if is_special or end <= start:
            continue
        mask[i] = 1.0
        if any(start < s_end and s_start < end for s_start, s_end in spans):
            targets[i] = 1.0
    return targets, mask


def token_spans(offsets: Sequence[tuple[int, int]], flags: Sequence[bool], text: str) -> list[tuple[int, int]]:
    """Merge runs of flagged tokens into character spans (gaps of whitespace only are bridged)."""
    flagged = ((start, end) for (start, end), flag in zip(offsets, flags, strict=True) if flag and end > start)
    return merge_spans(text, flagged)

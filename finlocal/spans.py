"""Character spans of a text: trimming one to its visible characters, merging neighbours.

One copy for every place that cuts or joins spans: the splitter and occlusion trim pieces of a
text (`strip_span`); the model's evidence head and the trainer's saliency evidence join flagged
words or tokens into phrases (`merge_spans`).
"""

from __future__ import annotations

from collections.abc import Iterable

from finlocal.predictions import Span

#: What may lie between two evidence words that still read as one phrase ("year-on-year", "EUR/USD").
WORD_JOINERS = "-/"


def strip_span(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` without the whitespace at either end, as a `Span` with offsets into
    ``text``; None when the piece is only whitespace (or empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Span(start, end, text[start:end])


def merge_spans(text: str, spans: Iterable[tuple[int, int]], *, joiners: str = "") -> list[tuple[int, int]]:
    """Merge ``spans`` (sorted by start) whose gap in ``text`` holds only whitespace or
    ``joiners`` characters; overlapping and touching spans merge too.

    The result is sorted, each merged span runs from the first start to the furthest end of the
    spans it joins, and every input span lies inside exactly one output span.
    """
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _bridgeable(text[merged[-1][1] : start], joiners):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _bridgeable(gap: str, joiners: str) -> bool:
    return all(c.isspace() or c in joiners for c in gap)

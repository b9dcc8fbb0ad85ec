"""finlocal.spans: trimming a piece of text, and merging spans into phrases (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from finlocal.spans import WORD_JOINERS, merge_spans, strip_span


def test_merge_bridges_whitespace_and_the_joiners_given() -> None:
    text = "profit fell 12 % , sales rose year-on-year"
    spans = [(7, 11), (12, 14), (15, 16), (30, 34), (35, 37), (38, 42)]
    assert merge_spans(text, spans, joiners=WORD_JOINERS) == [(7, 16), (30, 42)]
    assert merge_spans(text, spans) == [(7, 16), (30, 34), (35, 37), (38, 42)]
    assert merge_spans(text, [(7, 11), (19, 24)]) == [(7, 11), (19, 24)]  # "12 % ," is no gap


def test_strip_span() -> None:
    span = strip_span("  Sales rose. \n", 0, 15)
    assert span is not None and (span.start, span.end, span.text) == (2, 13, "Sales rose.")
    assert strip_span("a \t\n b", 1, 5) is None
    assert strip_span("abc", 2, 2) is None


# Texts of words, spaces, joiners and punctuation (a gap of "," must not be bridged).
texts = st.text(alphabet="ab -/,\n\u00a0", max_size=40)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(texts)
    n = len(text)
    bounds = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=8))
    spans = sorted((min(a, b), max(a, b)) for a, b in bounds)
    return text, spans


@given(text_and_spans(), st.sampled_from(["", WORD_JOINERS]))
def test_merged_spans_cover_every_span_once_and_stay_apart(
    case: tuple[str, list[tuple[int, int]]], joiners: str
) -> None:
    text, spans = case
    merged = merge_spans(text, spans, joiners=joiners)
    # every input span lies inside exactly one merged span
    for start, end in spans:
        assert sum(m_start <= start and end <= m_end for m_start, m_end in merged) == 1
    # merged spans start at an input start and end at an input end
    assert {s for s, _ in merged} <= {s for s, _ in spans}
    assert {e for _, e in merged} <= {e for _, e in spans}
    # in order, and what lies between two of them is not bridgeable
    for (_, left_end), (right_start, _) in zip(merged, merged[1:], strict=False):
        assert left_end < right_start
        gap = text[left_end:right_start]
        assert any(not c.isspace() and c not in joiners for c in gap)
    assert merge_spans(text, merged, joiners=joiners) == merged  # idempotent
    assert len(merged) <= len(spans)


@given(texts, st.integers(0, 40), st.integers(0, 40))
def test_strip_span_is_str_strip_with_offsets(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    span = strip_span(text, start, end)
    piece = text[start:end]
    if not piece.strip():
        assert span is None
        return
    assert span is not None
    assert span.text == piece.strip() == text[span.start : span.end]
    assert start <= span.start < span.end <= end

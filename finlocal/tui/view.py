"""What the results table shows, in which order, and how labels read — no Textual here.

Everything the app displays about a sentence is derived from its `SentenceResult`; these pure
functions are shared by the table, the detail panel and the summary, and are tested directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from finlocal.scoring import SentenceResult

LABEL_TAGS = {"negative": "NEG", "neutral": "NEU", "positive": "POS"}
LABEL_STYLES = {"negative": "bold red", "neutral": "", "positive": "bold green"}
REVIEW_MARK = "⚑"


def label_tag(label: str) -> str:
    """Three capital letters that read without colour: NEG, NEU, POS (others: first three)."""
    return LABEL_TAGS.get(label, label[:3].upper())


def label_text(label: str) -> Text:
    return Text(label_tag(label), style=LABEL_STYLES.get(label, ""))


def tone_marker(value: float) -> Text:
    """A signed number with an arrow, so the direction reads in monochrome too."""
    if value >= 0.2:
        return Text(f"▲ {value:+.2f}", style="green")
    if value <= -0.2:
        return Text(f"▼ {value:+.2f}", style="red")
    return Text(f"· {value:+.2f}", style="dim")


def needs_review(result: SentenceResult, threshold: float) -> bool:
    """The model is not sure: its top probability is below the review threshold."""
    return result.prediction.confidence < threshold


class LabelFilter(Enum):
    """Which sentences the table lists (cycled with `f`)."""

    ALL = "all"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"
    REVIEW = "review"

    @property
    def title(self) -> str:
        return {
            LabelFilter.ALL: "all sentences",
            LabelFilter.NEGATIVE: "NEG only",
            LabelFilter.NEUTRAL: "NEU only",
            LabelFilter.POSITIVE: "POS only",
            LabelFilter.REVIEW: f"{REVIEW_MARK} review only",
        }[self]

    def accepts(self, result: SentenceResult, threshold: float) -> bool:
        if self is LabelFilter.ALL:
            return True
        if self is LabelFilter.REVIEW:
            return needs_review(result, threshold)
        return result.prediction.label == self.value


class SortOrder(Enum):
    """How the table is ordered (cycled with `s`)."""

    DOCUMENT = "document"
    LEAST_CONFIDENT = "least-confident"
    MOST_CONFIDENT = "most-confident"
    MOST_NEGATIVE = "most-negative"
    MOST_POSITIVE = "most-positive"

    @property
    def title(self) -> str:
        return {
            SortOrder.DOCUMENT: "document order",
            SortOrder.LEAST_CONFIDENT: "least confident first",
            SortOrder.MOST_CONFIDENT: "most confident first",
            SortOrder.MOST_NEGATIVE: "most negative first",
            SortOrder.MOST_POSITIVE: "most positive first",
        }[self]

    def key(self) -> Callable[[SentenceResult], Any]:
        return _SORT_KEYS[self]


_SORT_KEYS: dict[SortOrder, Callable[[SentenceResult], Any]] = {
    SortOrder.DOCUMENT: lambda r: r.index,
    SortOrder.LEAST_CONFIDENT: lambda r: (r.prediction.confidence, r.index),
    SortOrder.MOST_CONFIDENT: lambda r: (-r.prediction.confidence, r.index),
    SortOrder.MOST_NEGATIVE: lambda r: (r.prediction.tone, r.index),
    SortOrder.MOST_POSITIVE: lambda r: (-r.prediction.tone, r.index),
}


def next_member(member: Enum) -> Any:
    """The member after ``member`` in its enum, wrapping around."""
    members = list(type(member))
    return members[(members.index(member) + 1) % len(members)]


def visible(
    results: Sequence[SentenceResult],
    label_filter: LabelFilter,
    order: SortOrder,
    threshold: float,
) -> list[SentenceResult]:
    """The rows of the table, filtered and ordered."""
    kept = [r for r in results if label_filter.accepts(r, threshold)]
    if order is not SortOrder.DOCUMENT:
        kept.sort(key=order.key())
    return kept


def most_negative(results: Sequence[SentenceResult]) -> SentenceResult | None:
    return min(results, key=SortOrder.MOST_NEGATIVE.key(), default=None)


def most_positive(results: Sequence[SentenceResult]) -> SentenceResult | None:
    return min(results, key=SortOrder.MOST_POSITIVE.key(), default=None)


def one_line(text: str, limit: int = 240) -> str:
    """A sentence squeezed onto one table line (newlines and runs of spaces collapsed)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

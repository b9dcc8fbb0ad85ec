"""What the results table shows, in which order, and how labels read — no Textual here.

Everything the app displays about a sentence is derived from its `SentenceResult`; these pure
functions are shared by the table, the detail panel and the summary, and are tested directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text

if TYPE_CHECKING:
    from finlocal.scoring import SentenceResult

E = TypeVar("E", bound=Enum)

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


def next_member(member: E) -> E:
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


def page_label(page_starts: tuple[int, ...], start: int, end: int) -> str:
    """ "p. 3" or "pp. 3–4" for a sentence of a PDF (offsets into its text); "" otherwise."""
    from finlocal.reading import page_of

    first = page_of(page_starts, start)
    if first is None:
        return ""
    last = page_of(page_starts, max(start, end - 1)) or first
    return f"p. {first}" if last == first else f"pp. {first}–{last}"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def match_positions(texts: Sequence[str], query: str) -> list[int]:
    """Positions in ``texts`` that contain ``query`` (case and runs of spaces ignored)."""
    needle = _folded(query)
    if not needle:
        return []
    return [i for i, text in enumerate(texts) if needle in _folded(text)]


def next_position(positions: Sequence[int], current: int, step: int, inclusive: bool) -> int | None:
    """The match to go to from row ``current``: the first at or after it (``inclusive``), else
    the next one in direction ``step`` (+1 / -1), wrapping around; None without matches."""
    if not positions:
        return None
    if step > 0:
        after = [p for p in positions if p > current or (inclusive and p == current)]
        return after[0] if after else positions[0]
    before = [p for p in positions if p < current or (inclusive and p == current)]
    return before[-1] if before else positions[-1]


class Phase(Enum):
    """Where the current results stand (what the status line says)."""

    EMPTY = "empty"
    SCORING = "scoring"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


IDLE_HINT = "Paste or type a report · ctrl+r score · ctrl+o open a file · F1 help"


def status_line(
    phase: Phase,
    *,
    done: int = 0,
    total: int = 0,
    total_ms: float = 0.0,
    stale: bool = False,
    opening: str | None = None,
) -> str:
    """The one-line status under the input: what the results are and what to do next.

    ``done`` is the number of sentences on screen, ``total`` the number in the document;
    ``stale`` says the input text was edited after it was scored.
    """
    if opening is not None:
        return f"Opening {opening}… (esc cancels; the results below stay until it is read)"
    if phase is Phase.EMPTY:
        return IDLE_HINT
    if phase is Phase.FAILED:
        return "Nothing scored. ctrl+r score · ctrl+o open a file · F1 help"
    if stale:
        return f"Text changed — ctrl+r to rescore · the {done:,} rows below are of the text as it was scored"
    if phase is Phase.SCORING:
        if not total:  # the text is still being split
            return "Scoring… (esc cancels)"
        return f"Scoring… {done:,}/{total:,} sentences (esc cancels)"
    if phase is Phase.CANCELLED:
        if not done:
            return "Cancelled before any sentence was scored · ctrl+r score · ctrl+o open"
        return f"Cancelled after {done:,} of {total:,} sentences · ctrl+s exports them (partial) · ctrl+r rescore"
    return f"{done:,} sentences scored in {total_ms:.0f} ms · ctrl+s export · ctrl+n new · F1 help"

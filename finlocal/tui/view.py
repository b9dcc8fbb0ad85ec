"""What the results table shows, in which order, and how labels read — no Textual here.

Everything the app displays about a sentence is derived from its `SentenceResult`; these pure
functions are shared by the table, the detail panel and the summary, and are tested directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text

from finlocal.predictions import probability_text
from finlocal.shown_text import join_lines
from finlocal.shown_text import visible as shown
from finlocal.structure import RowKind, SplitMode
from finlocal.tui.palette import DOWN_STYLE, LABEL_STYLES, UP_STYLE

if TYPE_CHECKING:
    from finlocal.changes.describe import MovedRow
    from finlocal.scoring import SentenceResult

E = TypeVar("E", bound=Enum)

LABEL_TAGS = {"negative": "NEG", "neutral": "NEU", "positive": "POS"}
REVIEW_MARK = "⚑"
PASTED = "pasted text"
"""The source of text typed or pasted into the input rather than read from a file."""


def label_tag(label: str) -> str:
    """Three capital letters that read without colour: NEG, NEU, POS (others: first three)."""
    return LABEL_TAGS.get(label, label[:3].upper())


def label_text(label: str) -> Text:
    return Text(label_tag(label), style=LABEL_STYLES.get(label, ""))


def tone_marker(value: float, label: str | None = None) -> Text:
    """A signed number with an arrow, so the direction reads in monochrome too.

    On a neutral sentence (``label``) a clear tone is only a lean: the arrow is hollow (△ ▽)
    and uncoloured, so a NEU row never reads as POS or NEG. Nothing is dim: a marker is read
    at full contrast, with or without colour.
    """
    lean = label == "neutral"
    if value >= 0.2:
        return Text(f"△ {value:+.2f}") if lean else Text(f"▲ {value:+.2f}", style=UP_STYLE)
    if value <= -0.2:
        return Text(f"▽ {value:+.2f}") if lean else Text(f"▼ {value:+.2f}", style=DOWN_STYLE)
    return Text(f"· {value:+.2f}")


confidence_text = probability_text
"""A probability with two decimals, rounded down (`finlocal.predictions.probability_text`)."""


def duration(ms: float) -> str:
    """``812 ms`` under a second, ``13.8 s`` from one second, ``152 s`` from 100 seconds."""
    if ms < 999.5:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    return f"{seconds:.1f} s" if seconds < 99.95 else f"{seconds:,.0f} s"


def sentence(message: str) -> str:
    """``message`` ending with a full stop, so another sentence can follow it."""
    message = message.rstrip()
    return message if message.endswith((".", "!", "?", "…")) else message + "."


def count(n: int, word: str) -> str:
    """``1 sentence``, ``2,240 sentences``: a count with its noun in the right number."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


SPLIT_UNITS: dict[SplitMode, str] = {
    SplitMode.SENTENCES: "sentence",
    SplitMode.LINES: "line",
    SplitMode.NONE: "document",
}
"""What one row is, as a noun (for the status line)."""

SPLIT_TITLES: dict[SplitMode, str] = {
    SplitMode.SENTENCES: "one row per sentence",
    SplitMode.LINES: "one row per line",
    SplitMode.NONE: "whole document",
}
"""What one row is, as the table title and the status line say it."""


KIND_MARKS: dict[RowKind, str] = {RowKind.SENTENCE: "", RowKind.HEADING: "§", RowKind.TABLE_ROW: "▦"}
"""The mark before a row that is not a sentence, in the table and the detail panel (a heading
is bold too): a shape, so it reads without colour."""
KIND_WORDS: dict[RowKind, str] = {
    RowKind.SENTENCE: "Sentence",
    RowKind.HEADING: "Heading",
    RowKind.TABLE_ROW: "Table row",
}
"""What the detail panel calls a row of each kind."""


def display_text(text: str) -> str:
    """Report text as the app shows it: a line break inside a paragraph (a PDF's) joined, control
    characters and escape sequences as visible escapes (`finlocal.shown_text.visible`)."""
    return shown(join_lines(text))


def row_text(result: SentenceResult, limit: int = 400) -> Text:
    """A row's text on one table line: its kind's mark in front (§ heading, ▦ table row; a
    heading bold), control characters visible (never sent to the terminal)."""
    mark = KIND_MARKS[result.kind]
    line = Text(no_wrap=True, overflow="ellipsis")
    if mark:
        line.append(mark + " ", style="bold")
    line.append(shown(one_line(result.text, limit)), style="bold" if result.kind is RowKind.HEADING else "")
    return line


def file_stem(source: str) -> str:
    """The start of a file name made from a report's source: the file's stem, "stdin" for
    standard input, "report" for pasted text; characters a file name cannot hold dropped."""
    from finlocal.reading import STDIN_SOURCE

    if source in ("", PASTED):
        return "report"
    if source == STDIN_SOURCE:
        return "stdin"
    stem = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]', "", Path(source).stem)
    return stem or "report"


def all_moved(results: Sequence[SentenceResult]) -> list[MovedRow]:
    """Every "what moved" row of the rows on screen, uncapped (a report keeps the first
    `finlocal.changes.describe.MOVED_LIMIT`; the app holds every row, so it shows them all)."""
    from finlocal.changes.describe import moved_rows

    return moved_rows(((r.index, r.text, r.changes) for r in results), limit=None)


def sentences_only(results: Sequence[SentenceResult]) -> list[SentenceResult]:
    """The rows that are sentences: the ones the counts, the tone index and the tone strip are
    about (headings and table rows are shown, not counted)."""
    return [r for r in results if r.kind is RowKind.SENTENCE]


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
            LabelFilter.ALL: "all rows",
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


class KindFilter(Enum):
    """Which kinds of row the table lists (cycled with `t`): a Markdown release's tables and
    headings are scored and shown too, and this picks them out or hides them."""

    ALL = "all"
    SENTENCES = "sentences"
    HEADINGS = "headings"
    TABLE_ROWS = "table rows"

    @property
    def title(self) -> str:
        return {
            KindFilter.ALL: "",
            KindFilter.SENTENCES: "sentences only",
            KindFilter.HEADINGS: f"{KIND_MARKS[RowKind.HEADING]} headings only",
            KindFilter.TABLE_ROWS: f"{KIND_MARKS[RowKind.TABLE_ROW]} table rows only",
        }[self]

    def accepts(self, result: SentenceResult) -> bool:
        return self is KindFilter.ALL or result.kind is _FILTER_KINDS[self]


_FILTER_KINDS = {
    KindFilter.SENTENCES: RowKind.SENTENCE,
    KindFilter.HEADINGS: RowKind.HEADING,
    KindFilter.TABLE_ROWS: RowKind.TABLE_ROW,
}


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
    kind_filter: KindFilter = KindFilter.ALL,
) -> list[SentenceResult]:
    """The rows of the table, filtered and ordered."""
    kept = [r for r in results if label_filter.accepts(r, threshold) and kind_filter.accepts(r)]
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
TEXT_HINT = "ctrl+r scores the text · ctrl+o open a file · F1 help"


def status_line(
    phase: Phase,
    *,
    done: int = 0,
    total: int = 0,
    total_ms: float = 0.0,
    stale: bool = False,
    opening: str | None = None,
    has_text: bool = False,
    split: SplitMode = SplitMode.SENTENCES,
    scored_split: SplitMode | None = None,
) -> str:
    """The one-line status under the input: what the results are and what to do next.

    ``done`` is the number of rows on screen, ``total`` the number in the document; ``stale``
    says the input text was edited after it was scored; ``has_text`` that the input holds text
    (nothing scored yet). ``split`` is what the next run makes a row of, ``scored_split`` what
    the rows on screen are (they differ after the choice changed): a choice other than
    sentences is always said (as the unit of the counts, or on its own before a run), since it
    stays in effect from one report to the next.
    """
    unit = SPLIT_UNITS[scored_split or split]
    rows = "" if split is SplitMode.SENTENCES else f"{SPLIT_TITLES[split].capitalize()} (ctrl+l) · "
    if opening is not None:
        return f"Opening {opening}… (esc cancels; the results below stay until it is read)"
    if phase is Phase.EMPTY:
        hint = TEXT_HINT if has_text else IDLE_HINT
        return rows + (hint[0].lower() + hint[1:] if rows else hint)
    if phase is Phase.FAILED:
        return "Nothing scored. " + rows + "ctrl+r score · ctrl+o open a file · F1 help"
    if stale:
        return f"Text changed — ctrl+r to rescore · the {done:,} rows below are of the text as it was scored"
    if scored_split is not None and scored_split is not split and phase is not Phase.SCORING:
        return f"Next run: {SPLIT_TITLES[split]} — ctrl+r to rescore · the rows below are {unit}s"
    if phase is Phase.SCORING:
        if not total:  # the text is still being split
            return "Scoring… (esc cancels)"
        return f"Scoring… {done:,}/{count(total, unit)} (esc cancels)"
    if phase is Phase.CANCELLED:
        if not done:
            return f"Cancelled before any {unit} was scored · ctrl+r score · ctrl+o open"
        return f"Cancelled after {done:,} of {count(total, unit)} · ctrl+s exports them (partial) · ctrl+r rescore"
    return f"{count(done, unit)} scored in {duration(total_ms)} · ctrl+s export · ctrl+n new · F1 help"

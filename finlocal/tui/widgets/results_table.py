"""Middle region: one row per scored sentence, filtered and ordered, filled in as chunks arrive.

The table owns how its rows are chosen and ordered: the label filter, the order, jumps to a
sentence (clearing a filter that hides it), find, and the border title that says all this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from finlocal.predictions import REVIEW_THRESHOLD
from finlocal.scoring import SentenceResult
from finlocal.structure import SplitMode
from finlocal.tui.palette import REVIEW_STYLE
from finlocal.tui.view import (
    REVIEW_MARK,
    SPLIT_TITLES,
    KindFilter,
    LabelFilter,
    SortOrder,
    confidence_text,
    label_text,
    match_positions,
    most_negative,
    most_positive,
    needs_review,
    next_member,
    next_position,
    row_text,
    tone_marker,
    visible,
)

# (key, header, width): every column but the sentence has a fixed width.
FIXED_COLUMNS = (
    ("index", "#", 4),
    ("label", "Tag", 3),
    ("conf", "Conf", 4),
    ("tone", "Tone", 7),
    ("review", REVIEW_MARK, 1),
)
MIN_TEXT_WIDTH = 16


class Cell:
    """A table cell: a `Text` for a fixed-width column, with the value it sorts by.

    It has no ``__rich_measure__`` on purpose: DataTable measures every new cell to size
    auto-width columns, and measuring a `Text` costs ~0.15 ms (Rich re-reads the terminal
    size each time). Every column here has a fixed width, so the measurement is pure overhead:
    without it a 2,000-sentence report reaches the table about twice as fast.
    """

    __slots__ = ("text", "value")

    def __init__(self, text: Text, value: object = None) -> None:
        self.text = text
        self.value = value

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.text.__rich_console__(console, options)


class ResultsTable(DataTable):
    """Rows are keyed by sentence index; cells are `Text`, so report text is never markup."""

    BINDINGS = [
        Binding("home,g,ctrl+home", "first_row", "First row", show=False),
        Binding("end,G,ctrl+end", "last_row", "Last row", show=False),
        Binding("k", "cursor_up", "Previous row", show=False),
        Binding("j", "cursor_down", "Next row", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a sentence (``None``: the table is empty)."""

        result: SentenceResult | None

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.results: list[SentenceResult] = []
        self.label_filter = LabelFilter.ALL
        self.kind_filter = KindFilter.ALL
        self.row_order = SortOrder.DOCUMENT
        self.threshold = REVIEW_THRESHOLD
        self._text_width = 0
        self._partial = False
        self._stale = False
        self._split = SplitMode.SENTENCES

    def on_mount(self) -> None:
        self._build_columns()

    # -- filling ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every row (a new document is being scored)."""
        self.results = []
        self.clear()
        self.post_message(self.Highlighted(None))

    def extend(self, results: Sequence[SentenceResult]) -> None:
        """Add a chunk of newly scored sentences: only the new rows are built."""
        self.results.extend(results)
        rows = [r for r in results if self._accepts(r)]
        for result in rows:
            self.add_row(*self._cells(result), key=str(result.index))
        if rows and self.row_order is not SortOrder.DOCUMENT:
            self._sort_rows()

    def _accepts(self, result: SentenceResult) -> bool:
        return self.label_filter.accepts(result, self.threshold) and self.kind_filter.accepts(result)

    @property
    def filtered(self) -> bool:
        """A filter hides some kind of row (label, review or kind)."""
        return self.label_filter is not LabelFilter.ALL or self.kind_filter is not KindFilter.ALL

    def replace_all(self, results: Sequence[SentenceResult]) -> None:
        """The final, authoritative results of a run (same sentences, from the report)."""
        self.results = list(results)
        self.rebuild()

    def rebuild(self) -> None:
        """Rebuild every row for the current filter and order, keeping the selected sentence."""
        selected = self.selected
        self.clear()
        for result in visible(self.results, self.label_filter, self.row_order, self.threshold, self.kind_filter):
            self.add_row(*self._cells(result), key=str(result.index))
        if selected is not None:
            self.select_index(selected.index)
        self.post_message(self.Highlighted(self.selected))

    def _sort_rows(self) -> None:
        by_index = {r.index: r for r in self.results}
        order_key = self.row_order.key()
        self.sort("index", key=lambda cell: order_key(by_index[cell.value]))

    # -- columns and cells -------------------------------------------------------------------

    def _wanted_text_width(self) -> int:
        fixed = sum(width + 2 * self.cell_padding for _, _, width in FIXED_COLUMNS)
        available = self.size.width - fixed - 2 * self.cell_padding - 2  # 2: vertical scrollbar
        return max(MIN_TEXT_WIDTH, available)

    def _build_columns(self) -> None:
        self._text_width = self._wanted_text_width()
        for key, header, width in FIXED_COLUMNS:
            self.add_column(Text(header), width=width, key=key)
        self.add_column(Text("Sentence"), width=self._text_width, key="text")

    def on_resize(self) -> None:
        if self.columns and self._wanted_text_width() != self._text_width:
            self.clear(columns=True)
            self._build_columns()
            self.rebuild()

    def _cells(self, result: SentenceResult) -> tuple[Cell, ...]:
        """Cells are `Text` (never parsed as markup, control characters shown as escapes);
        "#" is 1-based like the detail panel; a heading or table row is marked (§, ▦)."""
        prediction = result.prediction
        review = needs_review(result, self.threshold)
        return (
            Cell(Text(str(result.index + 1)), result.index),
            Cell(label_text(prediction.label)),
            Cell(Text(confidence_text(prediction.confidence), style="bold" if review else "")),
            Cell(tone_marker(prediction.tone, prediction.label)),
            Cell(Text(REVIEW_MARK if review else "", style=REVIEW_STYLE)),
            Cell(row_text(result)),
        )

    # -- selection -------------------------------------------------------------------------

    @property
    def selected(self) -> SentenceResult | None:
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except RowDoesNotExist:
            return None
        return self._result(int(row_key.value or 0))

    def _result(self, index: int) -> SentenceResult | None:
        if 0 <= index < len(self.results) and self.results[index].index == index:
            return self.results[index]
        return next((r for r in self.results if r.index == index), None)

    def ordered_indices(self) -> list[int]:
        """Sentence indices of the rows, top to bottom as shown."""
        return [int(row.key.value or 0) for row in self.ordered_rows]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False, scroll=True)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False, scroll=True)

    def select_index(self, index: int) -> bool:
        """Move the cursor to sentence ``index``; False when it is filtered out or unknown."""
        try:
            row = self.get_row_index(str(index))
        except RowDoesNotExist:
            return False
        self.move_cursor(row=row, animate=False, scroll=True)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self._result(int(event.row_key.value or 0))))

    # -- filter, order and title -----------------------------------------------------------

    def show_state(self, *, partial: bool, stale: bool, split: SplitMode = SplitMode.SENTENCES) -> None:
        """Say in the title whether the rows are a cancelled run's (partial), whether the
        text was edited after they were scored (stale), and what a row is when it is not a
        sentence (``split``)."""
        self._partial, self._stale, self._split = partial, stale, split
        self._update_title()

    def _update_title(self) -> None:
        title = f"{self.label_filter.title} · {self.row_order.title}"
        if self.kind_filter is not KindFilter.ALL:
            title = f"{self.kind_filter.title} · {title}"
        if self._split is not SplitMode.SENTENCES:
            title = f"{SPLIT_TITLES[self._split]} · {title}"
        if self._partial:
            title = "partial · " + title
        if self._stale:
            title = "text changed · " + title
        self.border_title = title

    def cycle_filter(self) -> None:
        """The next label filter (all → NEG → NEU → POS → review → all)."""
        self.label_filter = next_member(self.label_filter)
        self.rebuild()
        self._update_title()

    def cycle_kind_filter(self) -> None:
        """The next kind filter (all → sentences → headings → table rows → all)."""
        self.kind_filter = next_member(self.kind_filter)
        self.rebuild()
        self._update_title()

    def cycle_order(self) -> None:
        """The next order; the cursor goes to the top (the first of the new order)."""
        self.row_order = next_member(self.row_order)
        self.rebuild()
        self.action_first_row()
        self._update_title()

    def reset_view(self) -> None:
        """All rows in document order (a new report starts so; the rows are rebuilt)."""
        if not self.filtered and self.row_order is SortOrder.DOCUMENT:
            return
        self.label_filter, self.kind_filter, self.row_order = LabelFilter.ALL, KindFilter.ALL, SortOrder.DOCUMENT
        self.rebuild()
        self._update_title()

    def _show_all(self) -> None:
        self.label_filter, self.kind_filter = LabelFilter.ALL, KindFilter.ALL
        self.rebuild()
        self._update_title()

    # -- jumps and find ---------------------------------------------------------------------

    def reveal(self, index: int) -> bool:
        """Select sentence ``index``, clearing the filter when it hides it; False if unknown."""
        if self.select_index(index):
            return True
        if not self.filtered:
            return False
        self._show_all()
        self.notify("The filter hid that sentence: showing all rows.", markup=False)
        return self.select_index(index)

    def _jump(self, result: SentenceResult | None, what: str) -> None:
        if result is None:
            self.notify(f"No {what} sentence: nothing is scored yet.", severity="warning", markup=False)
            return
        self.reveal(result.index)
        self.focus()

    def jump_to_most_negative(self) -> None:
        self._jump(most_negative(self.results), "negative")

    def jump_to_most_positive(self) -> None:
        self._jump(most_positive(self.results), "positive")

    def jump_to_next_review(self) -> None:
        """The next sentence below the review threshold after the selected one, wrapping."""
        flagged = [r for r in self.results if needs_review(r, self.threshold)]
        if not flagged:
            self.notify(f"No sentence below the review threshold ({self.threshold:.2f}).", markup=False)
            return
        current = self.selected.index if self.selected else -1
        after = [r for r in flagged if r.index > current]
        self._jump((after or flagged)[0], "flagged")

    def find(self, query: str, step: int, inclusive: bool) -> str:
        """Move to the ``step``-th match of ``query`` from the cursor (the cursor's own row
        counts when ``inclusive``), clearing a filter that hides every match; says where."""
        order = self.ordered_indices()
        texts = {r.index: r.text for r in self.results}
        positions = match_positions([texts[i] for i in order], query)
        if not positions and match_positions(list(texts.values()), query):
            self._show_all()  # the matches are all filtered out
            order = self.ordered_indices()
            positions = match_positions([texts[i] for i in order], query)
        current = self.cursor_row if self.row_count else 0
        target = next_position(positions, current, step, inclusive)
        if target is None:
            return "no match"
        self.move_cursor(row=target, animate=False, scroll=True)
        return f"{positions.index(target) + 1} of {len(positions)}"

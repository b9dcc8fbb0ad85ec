"""Middle region: one row per scored sentence, filtered and ordered, filled in as chunks arrive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from finlocal.scoring import SentenceResult
from finlocal.tui.view import (
    REVIEW_MARK,
    LabelFilter,
    SortOrder,
    label_text,
    needs_review,
    one_line,
    tone_marker,
    visible,
)

# (key, header, width): every column but the sentence has a fixed width.
FIXED_COLUMNS = (("index", "#", 4), ("label", "Tag", 3), ("conf", "Conf", 4), ("tone", "Tone", 7),
                 ("review", REVIEW_MARK, 1))
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
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a sentence (``None``: the table is empty)."""

        result: SentenceResult | None

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.results: list[SentenceResult] = []
        self.label_filter = LabelFilter.ALL
        self.sort_order = SortOrder.DOCUMENT
        self.threshold = 0.6
        self._text_width = 0

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
        rows = [r for r in results if self.label_filter.accepts(r, self.threshold)]
        for result in rows:
            self.add_row(*self._cells(result), key=str(result.index))
        if rows and self.sort_order is not SortOrder.DOCUMENT:
            self._sort_rows()

    def replace_all(self, results: Sequence[SentenceResult]) -> None:
        """The final, authoritative results of a run (same sentences, from the report)."""
        self.results = list(results)
        self.rebuild()

    def rebuild(self) -> None:
        """Rebuild every row for the current filter and order, keeping the selected sentence."""
        selected = self.selected
        self.clear()
        for result in visible(self.results, self.label_filter, self.sort_order, self.threshold):
            self.add_row(*self._cells(result), key=str(result.index))
        if selected is not None:
            self.select_index(selected.index)
        self.post_message(self.Highlighted(self.selected))

    def _sort_rows(self) -> None:
        by_index = {r.index: r for r in self.results}
        order_key = self.sort_order.key()
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
        """Cells are `Text` (never parsed as markup); "#" is 1-based like the detail panel."""
        prediction = result.prediction
        review = needs_review(result, self.threshold)
        return (
            Cell(Text(str(result.index + 1)), result.index),
            Cell(label_text(prediction.label)),
            Cell(Text(f"{prediction.confidence:.2f}", style="bold" if review else "")),
            Cell(tone_marker(prediction.tone)),
            Cell(Text(REVIEW_MARK if review else "", style="yellow")),
            Cell(Text(one_line(result.text, 400), no_wrap=True, overflow="ellipsis")),
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

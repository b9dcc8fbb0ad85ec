"""v: the document's "what moved" table — every change the metric-change reader found.

One row a change (metric, good/bad, now, before, change, #, the sentence), good and bad first, in
the order of the text (`finlocal.changes.describe.moved_rows`, uncapped: every change of the rows
on screen); `enter` jumps to the sentence. The rows come from the reader, not the model: the title
says so.

The table fits the terminal: the metric is capped (`METRIC_WIDTH`, an ellipsis for a long name)
and the verdict comes right after it, so it never leaves the screen; the sentence column takes
the width that is left and is dropped when that is too narrow. The highlighted row's whole
sentence is shown under the table in any case.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from finlocal.changes.describe import MovedRow
from finlocal.tui.palette import VERDICT_STYLES
from finlocal.tui.view import display_text, one_line

METRIC_WIDTH = 22
"""The metric column at most ("Cash flow from operating activities" is cut with an ellipsis)."""
VALUE_WIDTH = 13
"""The now and before columns at most."""
CHANGE_WIDTH = 18
MIN_SENTENCE_WIDTH = 24
"""Narrower than this, the sentence column is left out (the line under the table shows it)."""
DIALOG_CHROME = 2 + 2 + 2
"""The dialog's border and padding, and the table's scrollbar."""
SHRINKABLE = ("metric", "now", "before", "change")
"""The columns cut (with an ellipsis) when the screen is too narrow for them; never the verdict."""
MIN_SHRUNK = 8


def column_widths(rows: Sequence[MovedRow], screen_width: int) -> dict[str, int]:
    """Each column's width for ``rows`` on a screen ``screen_width`` wide: the content's width up
    to its cap, and what is left for the sentence (0: no sentence column)."""

    def fit(values: Sequence[str], header: str, cap: int) -> int:
        return min(cap, max([len(header), *(len(v) for v in values)]))

    widths = {
        "metric": fit([display_text(r.change.metric) for r in rows], "metric", METRIC_WIDTH),
        "verdict": fit([r.change.verdict.value for r in rows], "good/bad", 8),
        "now": fit([r.now for r in rows], "now", VALUE_WIDTH),
        "before": fit([r.before for r in rows], "before", VALUE_WIDTH),
        "change": fit([r.moved for r in rows], "change", CHANGE_WIDTH),
        "index": fit([str(r.sentence_index + 1) for r in rows], "#", 6),
    }
    room = int(screen_width * 0.96) - DIALOG_CHROME
    padding = 2 * (len(widths) + 1)  # one cell of padding either side of every column
    while padding - 2 + sum(widths.values()) > room:  # narrow: shrink the widest text column
        widest = max(SHRINKABLE, key=lambda key: widths[key])
        if widths[widest] <= MIN_SHRUNK:
            break
        widths[widest] -= 1
    left = room - padding - sum(widths.values())
    widths["sentence"] = left if left >= MIN_SENTENCE_WIDTH else 0
    return widths


class MovedScreen(ModalScreen[int | None]):
    """Dismisses with the index of the sentence to show, or None when closed."""

    BINDINGS = [
        Binding("escape,v", "close", "Close", show=False),
    ]

    def __init__(self, source: str, rows: Sequence[MovedRow]) -> None:
        super().__init__()
        self.source = source
        self.rows = tuple(rows)

    def compose(self) -> ComposeResult:
        n = len(self.rows)
        with Vertical(id="moved-dialog"):
            yield Static(
                f"What moved in {self.source} — {n:,} change{'s' if n != 1 else ''}, "
                "read from the figures (not by the model)",
                id="moved-title",
                markup=False,
            )
            if self.rows:
                yield DataTable(id="moved-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="moved-sentence", markup=False)
            else:
                yield Static("The reader found no change of a line item in this document.", id="moved-none")
            yield Static("enter: show the sentence · esc: close", id="moved-keys", markup=False)

    def on_mount(self) -> None:
        if not self.rows:
            return
        self._build()
        self.query_one(DataTable).focus()

    def _build(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        widths = column_widths(self.rows, self.app.size.width)
        headers = {"metric": "metric", "verdict": "good/bad", "now": "now", "before": "before"}
        headers |= {"change": "change", "index": "#", "sentence": "sentence"}
        for key, header in headers.items():
            if widths[key]:
                table.add_column(header, width=widths[key], key=key)
        for row in self.rows:
            verdict = row.change.verdict.value
            cells = [
                Text(display_text(row.change.metric), no_wrap=True, overflow="ellipsis"),
                Text(verdict, style=VERDICT_STYLES.get(verdict, "")),
                Text(row.now, justify="right", no_wrap=True, overflow="ellipsis"),
                Text(row.before, justify="right", no_wrap=True, overflow="ellipsis"),
                Text(row.moved, no_wrap=True, overflow="ellipsis"),
                Text(f"{row.sentence_index + 1}", justify="right"),
            ]
            if widths["sentence"]:
                cells.append(Text(display_text(one_line(row.sentence, 400)), overflow="ellipsis", no_wrap=True))
            table.add_row(*cells)
        self._show_sentence(table.cursor_row)

    def on_resize(self) -> None:
        if self.rows and self.query(DataTable):
            self._build()

    def _show_sentence(self, at: int) -> None:
        if not 0 <= at < len(self.rows):
            return
        row = self.rows[at]
        self.query_one("#moved-sentence", Static).update(
            Text(f"#{row.sentence_index + 1}: {display_text(one_line(row.sentence, 600))}")
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_sentence(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.rows[event.cursor_row].sentence_index)

    def action_close(self) -> None:
        self.dismiss(None)

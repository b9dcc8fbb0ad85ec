"""v: the document's "what moved" table — every change the metric-change reader found.

One row a change (metric, now, before, change, good/bad, the sentence), good and bad first, in
the order of the text (`finlocal.changes.describe.moved_rows`); `enter` jumps to the sentence. The
rows come from the reader, not the model: the title says so.
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

VERDICT_STYLES = {"good": "green", "bad": "red"}


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
        with Vertical(id="moved-dialog"):
            yield Static(
                f"What moved in {self.source} — {len(self.rows):,} change{'s' if len(self.rows) != 1 else ''}, "
                "read from the figures (not by the model)",
                id="moved-title",
                markup=False,
            )
            if self.rows:
                yield DataTable(id="moved-table", cursor_type="row", zebra_stripes=True)
            else:
                yield Static("The reader found no change of a line item in this document.", id="moved-none")
            yield Static("enter: show the sentence · esc: close", id="moved-keys", markup=False)

    def on_mount(self) -> None:
        if not self.rows:
            return
        table = self.query_one(DataTable)
        table.add_columns("metric", "now", "before", "change", "good/bad", "#", "sentence")
        for row in self.rows:
            verdict = row.change.verdict.value
            table.add_row(
                Text(row.change.metric),
                Text(row.now, justify="right"),
                Text(row.before, justify="right"),
                Text(row.moved),
                Text(verdict, style=VERDICT_STYLES.get(verdict, "dim")),
                Text(f"{row.sentence_index + 1}", justify="right"),
                Text(row.sentence, overflow="ellipsis", no_wrap=True),
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.rows[event.cursor_row].sentence_index)

    def action_close(self) -> None:
        self.dismiss(None)

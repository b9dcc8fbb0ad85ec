"""What a document's rows are: the kinds of row, and tables as read.

The reading stage (`finlocal.reading`) finds a document's structure: its sentences, headings,
list items and tables. Every scored row says what it is (`RowKind`); only sentences count in a
document's tone index, label counts and most positive/negative lists. A table is handed on as a
`Table` of `TableRow`s, each with its column headers and the table's caption, so that the
metric-change reader (`finlocal.changes`) can turn a row naming a known line item into a change
("Net sales | 41.7 | 38.2" under "Q3 2026 | Q3 2025", "EUR million").

The reading stage also hands splitting the blocks it found as `Region`s (pieces of the text,
each with its kind), and `SplitMode` says what one scored item is. Both live here, with the
records they carry, so that reading never imports the stage after it.

This module is the one record the stages agree on; it imports nothing of any of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RowKind(str, enum.Enum):
    """What one scored row of a document is."""

    #: Running text: counts in the tone index, the label counts and the top lists.
    SENTENCE = "sentence"
    #: A title or heading ("Results of Operations", "Three months ended June 30, 2025").
    HEADING = "heading"
    #: One body row of a table, its cells joined (see `TableRow`).
    TABLE_ROW = "table_row"


@dataclass(frozen=True)
class TableRow:
    """One body row of a table, as the document shows it.

    ``label`` is the row's line item (its first non-empty text cell, "Net sales"); ``cells`` are
    the other cells in column order, as text ("41.7", "(1,105)", "12 %", "—"), footnote markers
    kept as written ("(2)"); ``header`` gives each of ``cells`` its column heading, the header
    rows above it joined top to bottom ("Three Months Ended June 30, 2025"), "" where a column
    has none. ``caption`` is the caption, title or unit line that goes with the whole table
    ("(in millions, except per share data)", "EUR million"), "" when none was found.
    ``start``/``end`` are the row's offsets in the document's text.
    """

    label: str
    cells: tuple[str, ...]
    header: tuple[str, ...]
    caption: str = ""
    start: int = 0
    end: int = 0

    def __post_init__(self) -> None:
        if self.header and len(self.header) != len(self.cells):
            raise ValueError(f"a table row has {len(self.cells)} cells but {len(self.header)} column headings")


@dataclass(frozen=True)
class Table:
    """A table of a document: its body rows, in order, and where it lies in the text."""

    rows: tuple[TableRow, ...]
    start: int = 0
    end: int = 0

    @property
    def caption(self) -> str:
        return self.rows[0].caption if self.rows else ""


class SplitMode(str, enum.Enum):
    """What one scored item is: a sentence, a non-blank line, or the whole input."""

    SENTENCES = "sentences"
    LINES = "lines"
    NONE = "none"


@dataclass(frozen=True)
class Region:
    """One block of a document's visible text: a paragraph, a list item, a heading, a table row.

    ``pieces`` are (start, end) offsets into the document, in order; the region's text is their
    concatenation, and what lies between two pieces (inline markup) is not part of it. A region
    is one block: unless ``hard_breaks``, the line breaks inside it are soft, so they do not end
    sentences (but they do end lines for `SplitMode.LINES`).
    """

    pieces: tuple[tuple[int, int], ...]
    #: What the region is: running text is split into sentences; a heading or a table row is one
    #: item whatever the split mode (`finlocal.structure.RowKind`).
    kind: RowKind = RowKind.SENTENCE
    #: The table row a `RowKind.TABLE_ROW` region shows, with its column headings.
    table_row: TableRow | None = None
    #: Plain text (a text file's or a PDF's): its line breaks are as written, so the splitter
    #: reads its lines as it reads any plain text (hard-wrapped prose stays together), and its
    #: kind is the layout's guess, which lines mode (one item per line, as written) sets aside.
    hard_breaks: bool = False

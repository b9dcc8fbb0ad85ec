"""An HTML table read as a table: its body rows as `TableRow`s, with column headings and caption.

SEC filings lay out a financial statement as a grid in which one figure takes several cells:
``$`` in one, ``1,105`` in the next, ``)`` or ``%`` in a third, and spacer columns between. The
reading here:

1. **Split cells merge**: a currency sign joins the figure after it, a closing ``)`` or ``%``
   the figure before it ("$", "(1,105", ")" → "$(1,105)").
2. **The label** of a row is its first cell when that cell is text in the table's leftmost
   column ("Net sales"); the other cells are the row's values.
3. **Columns** are the grid ranges the body rows' values occupy (overlapping ranges are one
   column), so every row's values line up, whatever their colspans.
4. **Header rows** are the rows above the first labelled row; a column's heading is the text of
   the header cells over it, top to bottom ("Three Months Ended" over "June 30, 2025").
5. **The caption** is the ``<caption>``, else a unit line in the header ("(in millions, except per
   share data)"), else the unit line just above the table (passed in by the caller).

What a table is *for* decides how it is read (`TableUse`): a layout table holding prose (one
text cell a row, or paragraphs of text) is prose; a table of contents (rows ending in a page
number) and a cover page's check boxes are dropped; the rest are data.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from finlocal.reading.blocks import Cell, TableBlock
from finlocal.reading.furniture import has_check_box, is_page_number
from finlocal.structure import TableRow

#: Cells that are only a currency sign (and an opening parenthesis): they join the next figure.
_PREFIX = re.compile(r"^(?:[$€£¥]|US\$|C\$|A\$|R\$|EUR|USD|\()\s*\(?$")
#: Cells that only close the figure before them.
_SUFFIX = re.compile(r"^(?:\)|%|\)%|%\)|pts?\.?|bps|x)$", re.IGNORECASE)
_NUMBER = re.compile(
    r"^[(\[]?\s*[-–—+]?\s*(?:[$€£¥]|US\$)?\s*\(?\s*[-–—+]?\s*\d[\d,.\s]*\)?\s*(?:%|pts?|bps|x|[mkb]n?)?\s*[)\]]?"
    r"(?:\s*\(\d{1,2}\)|\s*[*†‡]+)?$",
    re.IGNORECASE,
)
_DASH = re.compile(r"^(?:[-–—]+|n/?[am]\.?|nm|\*+)$", re.IGNORECASE)
#: A unit line: "(in millions, except per share data)", "EUR million", "Dollars in thousands".
UNIT_LINE = re.compile(
    r"\b(?:in\s+(?:thousands|millions|billions)|(?:thousands|millions|billions)\s+of|"
    r"(?:USD|EUR|GBP|SEK|NOK|DKK|CHF|JPY|\$|€|£)\s*(?:thousand|million|billion|m|bn|k)\b|"
    r"(?:dollars|euros|shares)\s+in\s+(?:thousands|millions|billions)|except\s+(?:per\s+share|share))",
    re.IGNORECASE,
)
_UNIT_MAX_CHARS = 160
_PROSE_MIN_CHARS = 120
#: "Item 2.02" in a cell of its own, its title in the next: a heading laid out as a table.
_ITEM = re.compile(r"^(?:item|part)\s+[\divx]+(?:\.\d+)?[a-z]?\.?$", re.IGNORECASE)
#: An exhibit's number in an exhibit index ("10.24", "*10.29", "31.1", "4.1(a)", "101.INS").
_EXHIBIT = re.compile(r"^\*{0,3}\d{1,3}(?:\.\d{1,3}|\.[A-Z]{3})?(?:\([a-z0-9]{1,3}\))?[a-z]?\*{0,3}$")
#: A bullet, a footnote mark or an item number in a cell of its own.
_MARKER = re.compile(r"^(?:[•·▪◦‣●○■□⁃➢➤►✓*†‡-]|\(?\d{1,2}[.)]?|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?:\s|$)")


class TableUse(str, enum.Enum):
    """What a table is for, which says how it is read."""

    DATA = "data"
    PROSE = "prose"
    CONTENTS = "contents"
    FORM = "form"


@dataclass(frozen=True)
class _Placed:
    """A non-empty cell (or merged run of cells) and the grid columns it covers."""

    text: str
    start: int
    end: int


def is_number(text: str) -> bool:
    """A figure as tables show it: "1,105", "(164)", "$ 2.4", "12 %", "—", "n/m"."""
    return bool(_NUMBER.match(text) or _DASH.match(text))


def _placed(row: list[Cell]) -> list[_Placed]:
    """The row's non-empty cells with their grid columns, split cells merged."""
    cells: list[_Placed] = []
    col = 0
    for grid_cell in row:
        start, col = col, col + grid_cell.colspan
        if grid_cell.text:
            cells.append(_Placed(grid_cell.text, start, col))
    merged: list[_Placed] = []
    pending: _Placed | None = None
    for cell in cells:
        if pending is not None:
            cell = _Placed(_join_prefix(pending.text, cell.text), cell.start, cell.end)
            pending = None
        if _PREFIX.match(cell.text):
            pending = cell
            continue
        if merged and _SUFFIX.match(cell.text) and is_number(merged[-1].text):
            last = merged[-1]
            merged[-1] = _Placed(last.text + cell.text, last.start, last.end)
            continue
        merged.append(cell)
    if pending is not None:
        merged.append(pending)
    return merged


def _join_prefix(prefix: str, text: str) -> str:
    if prefix == "(" or prefix.endswith("("):
        return prefix + text
    if prefix.isalpha():  # "EUR", "USD"
        return f"{prefix} {text}"
    return prefix + text


def table_use(table: TableBlock) -> TableUse:
    """What the table is for (see `TableUse`)."""
    rows = [[c.text for c in row if c.text] for row in table.rows]
    rows = [row for row in rows if row]
    if not rows:
        return TableUse.PROSE
    if all(any(has_check_box(text) for text in row) or len(row) == 1 and len(row[0]) < 40 for row in rows) and any(
        has_check_box(text) for row in rows for text in row
    ):
        return TableUse.FORM
    paged = sum(1 for row in rows if len(row) >= 2 and is_page_number(row[-1]) and not is_number(row[0]))
    if len(rows) >= 3 and paged >= 0.5 * len(rows) and any(re.match(r"(?i)item|part|note", r[0]) for r in rows):
        return TableUse.CONTENTS
    widest = max(len(row) for row in rows)
    if widest == 1:
        return TableUse.DATA if len(rows) >= 2 and all(is_number(row[0]) for row in rows) else TableUse.PROSE
    if widest == 2 and sum(1 for row in rows if _EXHIBIT.match(row[0])) >= 0.5 * len(rows):
        return TableUse.DATA  # an exhibit index: "10.24" | "Form of Agreement … (incorporated by …)"
    if widest == 2:
        # a bullet or footnote laid out in cells: "•" | "Revenue grew", "(1)" | "Includes …"
        if all(len(row) == 1 or _MARKER.match(row[0]) for row in rows) and any(_is_prose(row[-1]) for row in rows):
            return TableUse.PROSE
        if all(
            len(row) == 1 or (_MARKER.match(row[0]) or _ITEM.match(row[0])) and not is_number(row[1]) for row in rows
        ):
            return TableUse.PROSE
        prose = sum(1 for row in rows if any(_is_prose(text) for text in row))
        if prose >= 0.5 * len(rows):
            return TableUse.PROSE
    return TableUse.DATA


def _is_prose(text: str) -> bool:
    return len(text) >= _PROSE_MIN_CHARS and _SENTENCE_END.search(text) is not None


def prose_lines(table: TableBlock) -> list[str]:
    """A layout table's text as paragraphs: each row's cells joined, bullet cells dropped."""
    lines = []
    for row in table.rows:
        texts = [
            c.text
            for c in row
            if c.text and not (len(c.text) <= 2 and not c.text[0].isalnum() and c.text[0] not in "($")
        ]
        if texts:
            lines.append(" ".join(texts))
    return lines


def table_rows(table: TableBlock, caption_above: str = "") -> list[TableRow]:
    """A data table's body rows as `TableRow`s (offsets 0: the caller places them)."""
    placed = [_placed(row) for row in table.rows]
    placed = [row for row in placed if row and not any(has_check_box(c.text) for c in row)]
    if not placed:
        return []
    leftmost = min(row[0].start for row in placed)

    def label_of(row: list[_Placed]) -> str:
        first = row[0]
        if first.start <= leftmost and not is_number(first.text):
            return first.text
        return ""

    # header rows: those above the first row with a label that is not a unit line
    n_header = 0
    units: list[str] = []
    for row in placed:
        label = label_of(row)
        if label and not (len(label) <= _UNIT_MAX_CHARS and UNIT_LINE.search(label)):
            break
        if label:
            units.append(label)
        n_header += 1
    if n_header == len(placed):  # no labels at all: every row is a body row
        n_header = 0
        units = []
    header_rows = [[c for c in row if not (c.start <= leftmost and label_of(row))] for row in placed[:n_header]]
    body = placed[n_header:]
    columns = _columns([row[1:] if label_of(row) else row for row in body])
    headers = tuple(_heading(header_rows, start, end) for start, end in columns)
    for row in header_rows:
        for c in row:
            if len(c.text) <= _UNIT_MAX_CHARS and UNIT_LINE.search(c.text) and c.text not in units:
                units.append(c.text)
    caption = table.caption or " ".join(units) or caption_above
    if not any(headers):
        headers = ()
    result = []
    for row in body:
        label = label_of(row)
        values = row[1:] if label else row
        cells = tuple(" ".join(c.text for c in values if _overlaps(c, start, end)) for start, end in columns)
        if not label and not any(cells):
            continue
        result.append(TableRow(label, cells, headers if headers else (), caption))
    return result


def _overlaps(cell: _Placed, start: int, end: int) -> bool:
    return cell.start < end and cell.end > start


def _columns(rows: list[list[_Placed]]) -> list[tuple[int, int]]:
    """The grid ranges the values occupy: overlapping ranges merged, in order."""
    spans = sorted({(c.start, c.end) for row in rows for c in row})
    columns: list[list[int]] = []
    for start, end in spans:
        if columns and start < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], end)
        else:
            columns.append([start, end])
    return [(a, b) for a, b in columns]


def _heading(header_rows: list[list[_Placed]], start: int, end: int) -> str:
    parts: list[str] = []
    for row in header_rows:
        for c in row:
            unit = len(c.text) <= _UNIT_MAX_CHARS and UNIT_LINE.search(c.text)
            if _overlaps(c, start, end) and not unit and (not parts or parts[-1] != c.text):
                parts.append(c.text)
    return " ".join(parts)


def row_text(row: TableRow) -> str:
    """A table row as one line: its label and non-empty cells joined by " | "."""
    return " | ".join(part for part in (row.label, *row.cells) if part)

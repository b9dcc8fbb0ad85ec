"""The structure of plain text: headings, list items, running text and aligned tables.

Plain text files, a PDF's text layer and the tables inside Markdown code fences are read here.
The layout pass (`finlocal.layout`) cuts the text into segments; each becomes a `Region` of a
kind: a heading line is a `RowKind.HEADING`; a paragraph or a list item is running text, whose
lines the splitter reads as written (``hard_breaks``). A dateline alone on its lines is joined
to the paragraph it introduces.

**Tables.** A run of at least two lines, each with at least two column gaps (two or more
spaces) or with cells cut at tabs or ``|`` (two at least), whose cells are mostly figures, is a
table; a blank line between two rows laid out alike does not end it, and a currency sign or a
"%" in a cell of its own joins its figure ("$ 167,045", "3 %"). The run's first lines without
figures (years and periods aside), and up to `_HEADER_LINES` indented lines just above it, are
its header: one heading per column, found by count (one header cell per value, or one more for
the label column's title) or else by position. The short line above the table, a title or a
unit line ("EUR million", "(in millions)"), is its caption, or else a unit in the label
column's title. Every other line of the run is one `RowKind.TABLE_ROW` region with its
`TableRow`: the first cell is the label (none when it is a figure), the others the cells. A
line of the run without gaps ("Operating expenses:") is a heading inside the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from finlocal.layout import SegmentKind, ends_terminal, is_dateline, is_period_heading, segments
from finlocal.structure import Region, RowKind, Table, TableRow

#: A heading longer than this is read as running text (a paragraph that lacks its period).
HEADING_MAX_CHARS = 120
_CAPTION_MAX_CHARS = 100
# Header lines without gaps looked for just above a table ("   Three months ended June 30").
_HEADER_LINES = 3
_GAP_CELL = re.compile(r"[^\s|](?:[^\t\n|]*?[^\s|])?(?= *\t| {2,}|\s*$)")
_DELIMITER_ROW = re.compile(r"[\s|:+\-]*-[\s|:+\-]*")
_NOT_FIGURE = re.compile(
    r"[$€£¥%(),.+\-–−\s*#]|\b(?:EUR|USD|SEK|NOK|DKK|GBP|CHF|JPY|bn|mn)\b|(?<=\d)(?:bn|mn|m|k|x|pp|bps?)\b", re.I
)
_DASHES = frozenset({"—", "–", "-", "--", "n/a", "na", "nm", "n.m.", "—%", "-%", "*"})
#: A unit in a table's caption or label column title ("EUR million", "in millions", "%").
UNIT = re.compile(
    r"\b(?:thousands?|millions?|billions?|EUR|USD|SEK|NOK|DKK|GBP|CHF|JPY|mn|bn|MEUR|MUSD|TEUR)\b|[$€£¥%]", re.I
)
_SIGNS_BEFORE = frozenset({"$", "€", "£", "¥", "US$", "C$", "A$"})
_SIGNS_AFTER = frozenset({"%", ")", "%)", "pp", "bp", "x"})
_YEAR_OR_PERIOD = re.compile(r"(?:19|20)\d\d|[QH][1-4](?:\s+(?:19|20)\d\d)?|FY\s?\d{2,4}", re.I)


@dataclass(frozen=True)
class Structure:
    """What a plain text holds: its regions in order, and its tables (whose rows are also
    `RowKind.TABLE_ROW` regions)."""

    regions: tuple[Region, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class _Line:
    start: int  # first visible character
    end: int  # after the last visible character
    cells: tuple[tuple[int, int], ...]  # (start, end) of each cell, in the document
    pipes: bool  # cells cut at "|" or at tabs: no column positions to go by
    line_start: int  # where the line starts (for column positions)


def is_figure(cell: str) -> bool:
    """A number as tables write it: "41.7", "(1,105)", "12 %", "$ 3.2", "EUR 131m", "—"."""
    cell = cell.strip()
    if cell.lower() in _DASHES:
        return True
    rest = _NOT_FIGURE.sub("", cell)
    return bool(rest) and rest.isdigit()


def _header_cell(cell: str) -> bool:
    return not is_figure(cell) or _YEAR_OR_PERIOD.fullmatch(cell.strip()) is not None


def _line(text: str, start: int, end: int) -> _Line | None:
    raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return None
    first = start + len(raw) - len(raw.lstrip())
    last = first + len(stripped)
    cells: list[tuple[int, int]] = []
    pipes = stripped.count("|") >= 2
    if pipes:
        if _DELIMITER_ROW.fullmatch(stripped):
            return _Line(first, last, (), True, start)
        at = first
        for part in stripped.split("|"):
            inner = part.strip()
            if inner:
                offset = at + part.index(inner)
                cells.append((offset, offset + len(inner)))
            at += len(part) + 1
    elif "\t" not in stripped and "  " not in stripped:
        cells = [(first, last)]  # no gap: one cell (most lines of running text)
    else:
        cells = [(start + m.start(), start + m.end()) for m in _GAP_CELL.finditer(raw)]
        pipes = "\t" in stripped
    return _Line(first, last, _joined_symbols(text, cells), pipes, start)


def _joined_symbols(text: str, cells: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """A currency sign in a cell of its own joins the figure after it, a "%" or ")" the figure
    before it, as filings lay them out ("$ | 167,045 | 3 | %" is "$ 167,045", "3 %")."""
    joined: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None  # a lone currency sign
    for a, b in cells:
        cell = text[a:b]
        if cell in _SIGNS_BEFORE:
            if pending is not None:
                joined.append(pending)
            pending = (a, b)
            continue
        if cell in _SIGNS_AFTER and joined and pending is None:
            joined[-1] = (joined[-1][0], b)
            continue
        joined.append((pending[0] if pending is not None else a, b))
        pending = None
    if pending is not None:
        joined.append(pending)
    return tuple(joined)


def _gapped(line: _Line) -> bool:
    """At least two column gaps (three cells), or two cells between pipes."""
    return len(line.cells) >= (2 if line.pipes and line.cells else 3)


def _is_delimiter(line: _Line) -> bool:
    return line.pipes and not line.cells


@dataclass
class _TableRun:
    first: int  # index of the first line of the table (caption excluded)
    last: int  # index of its last line, inclusive
    header: list[int]
    caption: int | None


def _runs(lines: Sequence[_Line | None], text: str) -> list[_TableRun]:
    """Runs of gapped lines that are mostly figures, with their header lines and caption."""
    runs: list[_TableRun] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line is None or not (_gapped(line) or _is_delimiter(line)):
            i += 1
            continue
        j = i
        # a run: gapped lines, and short lines without gaps between two gapped lines
        while j + 1 < n:
            nxt = lines[j + 1]
            if nxt is not None and (_gapped(nxt) or _is_delimiter(nxt)):
                j += 1
                continue
            after = lines[j + 2] if j + 2 < n else None
            if after is not None and _gapped(after) and nxt is not None and _inner_heading(nxt, text):
                j += 2  # a heading inside the table ("Operating expenses:")
                continue
            current = lines[j]
            if nxt is None and after is not None and current is not None and _goes_on(current, after, text):
                j += 2  # a blank line between rows, as HTML and PDF text give them
                continue
            break
        run = _table_run(lines, text, i, j, runs[-1].last if runs else -1)
        if run is not None:
            runs.append(run)
            i = run.last + 1
        else:
            i = j + 1
    return runs


def _goes_on(line: _Line, after: _Line, text: str) -> bool:
    """Past a blank line, does the table go on? A body row laid out alike (not a new header)."""
    if not _gapped(after) or after.pipes != line.pipes:
        return False
    return not all(_header_cell(text[a:b]) for a, b in after.cells)


def _inner_heading(line: _Line, text: str) -> bool:
    content = text[line.start : line.end]
    return len(content) <= 60 and not ends_terminal(content.rstrip(":")) and not any(c.isdigit() for c in content)


def _table_run(lines: Sequence[_Line | None], text: str, i: int, j: int, floor: int) -> _TableRun | None:
    """The table of lines i..j, or None; ``floor`` is the last line of the table before it."""
    gapped = [k for k in range(i, j + 1) if (line := lines[k]) is not None and _gapped(line)]
    if len(gapped) < 2:
        return None
    header: list[int] = []
    for k in range(i, j + 1):
        line = lines[k]
        if line is None or _is_delimiter(line):
            continue
        if not _gapped(line) or not all(_header_cell(text[a:b]) for a, b in line.cells):
            break
        header.append(k)
    body = [k for k in gapped if k not in header]
    values = [text[a:b] for k in body for a, b in _values(lines[k], text)]
    if len(body) < 1 or not values or sum(map(is_figure, values)) * 2 < len(values):
        return None
    first = i
    # indented lines without gaps just above: a header over the columns ("  Three months ended")
    k = i - 1
    while k > floor and i - k <= _HEADER_LINES and (line := lines[k]) is not None and _header_above(line, text):
        header.insert(0, k)
        first = k
        k -= 1
    caption = _caption(lines, text, first, floor)
    return _TableRun(first, j, header, caption)


def _header_above(line: _Line, text: str) -> bool:
    content = text[line.start : line.end]
    indented = line.start - line.line_start >= 2
    if not indented or len(content) > HEADING_MAX_CHARS or ends_terminal(content):
        return False
    return all(_header_cell(text[a:b]) for a, b in line.cells)


def _caption(lines: Sequence[_Line | None], text: str, first: int, floor: int) -> int | None:
    """The line just above a table (a blank line may lie between) when it is short and has no
    sentence punctuation: a title or a unit line ("EUR million", "(in millions)", "Key figures:")."""
    k = first - 1
    if k > floor and lines[k] is None:
        k -= 1
    if k <= floor or (line := lines[k]) is None or _gapped(line):
        return None
    above = lines[k - 1] if k > 0 else None
    if above is not None and not ends_terminal(text[above.start : above.end]):
        return None  # the last line of a paragraph, not a line of its own
    content = text[line.start : line.end]
    if len(content) > _CAPTION_MAX_CHARS or ends_terminal(content.rstrip(":")):
        return None
    return k


def _values(line: _Line | None, text: str) -> tuple[tuple[int, int], ...]:
    """The cells after the label (all of them when the first cell is a figure: no label)."""
    if line is None or not line.cells:
        return ()
    a, b = line.cells[0]
    return line.cells if is_figure(text[a:b]) else line.cells[1:]


def _label(line: _Line, text: str) -> str:
    a, b = line.cells[0]
    return "" if is_figure(text[a:b]) else _clean(text[a:b])


def _clean(cell: str) -> str:
    return " ".join(cell.split())


def _column_headings(header: Sequence[_Line], row: _Line, values: Sequence[tuple[int, int]], text: str) -> list[str]:
    """One heading per value cell: each header line's cells over it, joined top to bottom.

    A header line with one cell per value (or one more: the label column's title) is matched by
    count, as is any line cut at tabs or pipes; a space-aligned one by position (the header
    cells whose columns overlap the value's, else the nearest right edge)."""
    found: list[list[str]] = [[] for _ in values]
    label_end = row.cells[0][1] - row.line_start if len(values) < len(row.cells) else 0
    for line in header:
        cells = list(line.cells)
        if len(cells) == len(values) + 1:
            cells = cells[1:]  # the label column's title ("Key figures")
        if len(cells) == len(values) or line.pipes or row.pipes:
            shift = len(cells) - len(values)  # aligned to the right
            for v in range(len(values)):
                if 0 <= v + shift < len(cells):
                    h0, h1 = cells[v + shift]
                    found[v].append(_clean(text[h0:h1]))
            continue
        columns = [(h0 - line.line_start, h1 - line.line_start, h0, h1) for h0, h1 in cells]
        columns = [c for c in columns if c[1] > label_end] or columns
        for v, (a, b) in enumerate(values):
            lo, hi = a - row.line_start, b - row.line_start
            over = [c for c in columns if c[0] < hi and lo < c[1]]
            if not over and columns:
                over = [min(columns, key=lambda c: abs(c[1] - hi))]
            found[v].extend(_clean(text[c[2] : c[3]]) for c in over)
    return [" ".join(parts) for parts in found]


def text_structure(text: str, lo: int = 0, hi: int | None = None, *, tables_only: bool = False) -> Structure:
    """The regions and tables of ``text[lo:hi]`` (offsets into ``text``).

    ``tables_only`` gives only the tables (with their header and caption lines): what a Markdown
    code fence shows as text.
    """
    hi = len(text) if hi is None else hi
    spans = _line_spans(text, lo, hi)
    lines = [_line(text, a, b) for a, b in spans]
    tables: list[Table] = []
    regions: list[Region] = []
    taken: list[tuple[int, int]] = []  # (start, end) of the lines tables hold, caption included
    for run in _runs(lines, text):
        table, table_regions, held = _read_table(lines, run, text)
        if table is not None:
            tables.append(table)
        regions.extend(table_regions)
        taken.append(held)
    if not tables_only:
        regions.extend(_text_regions(text, lo, hi, taken))
    regions.sort(key=lambda r: r.pieces[0][0])
    return Structure(tuple(regions), tuple(tables))


def _line_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans = []
    start = lo
    while start < hi:
        end = text.find("\n", start, hi)
        if end < 0:
            end = hi
        spans.append((start, end))
        start = end + 1
    return spans


def _read_table(
    lines: Sequence[_Line | None], run: _TableRun, text: str
) -> tuple[Table | None, list[Region], tuple[int, int]]:
    regions: list[Region] = []
    caption = ""
    start_line = run.first
    if run.caption is not None:
        cap = lines[run.caption]
        assert cap is not None
        caption = _clean(text[cap.start : cap.end]).strip("*_")
        regions.append(Region(((cap.start, cap.end),), RowKind.HEADING, hard_breaks=True))
        start_line = run.caption
    header = [line for k in run.header if (line := lines[k]) is not None]
    for line in header:
        regions.append(Region(((line.start, line.end),), RowKind.HEADING, hard_breaks=True))
    if not caption and header and len(header[-1].cells) > 1:
        a, b = header[-1].cells[0]
        if UNIT.search(text[a:b]) and a - header[-1].line_start < 2:
            caption = _clean(text[a:b])  # the label column's title is the unit ("EUR million")
    rows: list[TableRow] = []
    for k in range(run.first, run.last + 1):
        line = lines[k]
        if line is None or k in run.header or _is_delimiter(line):
            continue
        if not _gapped(line):
            regions.append(Region(((line.start, line.end),), RowKind.HEADING, hard_breaks=True))
            continue
        values = _values(line, text)
        label = _label(line, text) if len(values) < len(line.cells) else ""
        headings = _column_headings(header, line, values, text) if header else []
        row = TableRow(
            label,
            tuple(_clean(text[a:b]) for a, b in values),
            tuple(headings),
            caption,
            line.start,
            line.end,
        )
        rows.append(row)
        regions.append(Region(((line.start, line.end),), RowKind.TABLE_ROW, row, hard_breaks=True))
    first = lines[start_line]
    last = next(line for line in reversed(lines[run.first : run.last + 1]) if line is not None)
    assert first is not None
    table = Table(tuple(rows), rows[0].start, rows[-1].end) if rows else None
    return table, regions, (first.line_start, last.end)


def _text_regions(text: str, lo: int, hi: int, taken: Sequence[tuple[int, int]]) -> list[Region]:
    """Regions of the segments outside the tables; a dateline joins the paragraph after it."""
    regions: list[Region] = []
    pending: tuple[int, int] | None = None  # a dateline waiting for its paragraph
    for start, end, kind in _free_segments(text, lo, hi, taken):
        content = text[start:end].strip()
        if not content:
            continue
        first = start + len(text[start:end]) - len(text[start:end].lstrip())
        last = first + len(content)
        if kind is SegmentKind.HEADING and (len(content) <= HEADING_MAX_CHARS or is_period_heading(content)):
            if pending is not None:
                regions.append(Region((pending,), hard_breaks=True))
                pending = None
            regions.append(Region(((first, last),), RowKind.HEADING, hard_breaks=True))
            continue
        if kind is SegmentKind.TEXT and "\n" not in content and is_dateline(content) and pending is None:
            pending = (first, last)
            continue
        if pending is not None:
            # the dateline's own line break keeps it on a line of its own, before the paragraph
            regions.append(Region(((pending[0], pending[1] + 1), (first, last)), hard_breaks=True))
            pending = None
            continue
        regions.append(Region(((first, last),), hard_breaks=True))
    if pending is not None:
        regions.append(Region((pending,), hard_breaks=True))
    return regions


def _free_segments(text: str, lo: int, hi: int, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, SegmentKind]]:
    """The layout's segments of ``text[lo:hi]``, with the lines tables hold cut out."""
    found: list[tuple[int, int, SegmentKind]] = []
    cuts = sorted(taken)
    free: list[tuple[int, int]] = []
    at = lo
    for a, b in cuts:
        if a > at:
            free.append((at, a))
        at = max(at, b)
    if at < hi:
        free.append((at, hi))
    for a, b in free:
        chunk = text[a:b]
        for segment in segments(chunk):
            found.append((a + segment.start, a + segment.end, segment.kind))
    return found

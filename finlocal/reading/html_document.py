"""Blocks of a page laid out as a document: its text, its regions (each a sentence paragraph, a
heading or a table row) and its tables.

The order of work: page furniture is dropped (`finlocal.reading.furniture`); each table is read
for what it is (`finlocal.reading.html_tables`): data tables become rows, layout tables holding
prose become paragraphs, tables of contents and check-box forms are dropped; a unit line just
above a data table ("(in millions)") becomes its caption; a paragraph that a page break (or a
line break) cut in the middle of a sentence is joined to its continuation; each paragraph is
then a heading (`is_heading`) or running text, and a paragraph without a word is dropped.

The text: paragraphs separated by a blank line, a table's rows one per line ("Net sales |
$41.7 | $38.2"), so what a row shows is what the user reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from finlocal.reading.blocks import Block, PageBreak, Paragraph, TableBlock
from finlocal.reading.furniture import drop_page_furniture, strip_check_boxes
from finlocal.reading.html_tables import UNIT_LINE, TableUse, prose_lines, row_text, table_rows, table_use
from finlocal.structure import Region, RowKind, Table, TableRow

#: A paragraph up to this long without a full stop is a heading when it is bold, italic,
#: underlined or centred.
EMPHASIS_HEADING_MAX_CHARS = 200
#: A plain paragraph up to this long without a full stop, colon or semicolon is a heading.
PLAIN_HEADING_MAX_CHARS = 100
#: An emphasised paragraph this short is a heading even with a full stop ("Item 1A.").
SHORT_HEADING_MAX_CHARS = 40

_TERMINAL = re.compile(r"""[.!?…][\"'’”)\]]*$""")
_PLAIN_TERMINAL = re.compile(r"""[.!?…:;][\"'’”)\]]*$""")
_CONTINUATION = re.compile(r"""^[\"'‘“(\[]?[a-z]|^[,;)]""")
_ITEM = re.compile(r"^(?:item|part)\s+[\divxlc]+[a-z]?\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_UNIT_MAX_CHARS = 160
#: A paragraph longer than this is not a table's lead-in: its units are not looked for.
_LEAD_IN_MAX_CHARS = 400
#: End-anchored patterns are matched against this many final characters (not the whole text).
_TAIL = 24
#: "…; and" ends one item of a list: the next item is not its continuation.
_LIST_ITEM_END = re.compile(r";(?:\s*(?:and|or))?$", re.IGNORECASE)
#: A news release's dateline, on a line of its own: a place in capitals, a comma, and a dash or
#: newswire tag at the end ("SAN JOSE, Calif., March 12, 2025 /PRNewswire/ --").
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{2,},.*(?:--|—|–|/\s*)$")
_CONNECTIVES = frozenset({"or", "and", "and/or"})
_INNER_STOP = re.compile(r"[a-z]{2}[.!?]\s+[A-Z][a-z]")
_BULLET = re.compile(r"^[•·▪◦‣●○■□⁃➢➤►✓]\s*")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_OPEN_END = re.compile(
    r"(?:,|\b(?:and|or|of|the|a|an|to|in|for|with|by|on|at|from|as|than|but|see|our|its|their|that|which))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LaidOut:
    """A document's text, its regions in order, and its tables."""

    text: str
    regions: tuple[Region, ...]
    tables: tuple[Table, ...]


def is_heading(paragraph: Paragraph) -> bool:
    """Is the paragraph a title or heading rather than running text?

    ``<h1>``–``<h6>``; a bold, italic, underlined or centred paragraph of up to
    `EMPHASIS_HEADING_MAX_CHARS` without a full stop (or of up to `SHORT_HEADING_MAX_CHARS` with
    one: "Item 1A."); a plain paragraph of up to `PLAIN_HEADING_MAX_CHARS` without a full stop,
    colon or semicolon ("Three Months Ended June 30, 2025 Compared to …"); "Item 7." / "Part II"
    lines.
    """
    text = paragraph.text
    if paragraph.heading_tag:
        return True
    if len(text) > EMPHASIS_HEADING_MAX_CHARS or _DATELINE.match(text):
        return False
    if _ITEM.match(text) and len(text) <= EMPHASIS_HEADING_MAX_CHARS:
        return True
    if _HYPHENATED.search(text[-_TAIL:]) or _OPEN_END.search(text[-_TAIL:]) or _INNER_STOP.search(text):
        return False  # a sentence cut short, or more than one sentence
    if paragraph.emphasised or paragraph.centred:
        if len(text) <= SHORT_HEADING_MAX_CHARS:
            return True
        if len(text) <= EMPHASIS_HEADING_MAX_CHARS and not _TERMINAL.search(text[-_TAIL:]):
            return True
    return len(text) <= PLAIN_HEADING_MAX_CHARS and not _PLAIN_TERMINAL.search(text[-_TAIL:])


@dataclass
class _Piece:
    """A paragraph or a table on its way into the document."""

    paragraph: Paragraph | None = None
    kind: RowKind = RowKind.SENTENCE
    rows: tuple[TableRow, ...] = ()


def _pieces(blocks: Sequence[Block]) -> list[_Piece]:
    pieces: list[_Piece] = []
    joinable = False  # may the next paragraph continue the last piece's sentence?
    for block in blocks:
        if isinstance(block, PageBreak):
            continue
        if isinstance(block, TableBlock):
            use = table_use(block)
            if use is TableUse.PROSE:
                paragraphs = [Paragraph(line, page=block.page) for line in prose_lines(block)]
                for paragraph in paragraphs:
                    joinable = _add_paragraph(pieces, paragraph, joinable)
                continue
            if use is not TableUse.DATA:
                continue
            caption_above = ""
            last = pieces[-1] if pieces else None
            if last is not None and last.paragraph is not None:
                caption_above = unit_phrase(last.paragraph.text)
                if caption_above == last.paragraph.text:  # a unit line of its own: the caption
                    pieces.pop()
            rows = table_rows(block, caption_above)
            if rows:
                pieces.append(_Piece(rows=tuple(rows), kind=RowKind.TABLE_ROW))
                joinable = False
            continue
        text = strip_check_boxes(block.text)
        if not text or (text != block.text and not _PLAIN_TERMINAL.search(text[-_TAIL:])):
            continue  # a form's option beside its check box ("☐ Written communications pursuant to …")
        joinable = _add_paragraph(pieces, replace(block, text=text), joinable)
    return pieces


def _add_paragraph(pieces: list[_Piece], paragraph: Paragraph, joinable: bool) -> bool:
    """Add a paragraph (joined to the last one when it continues its sentence); whether the
    next may continue it."""
    text = _BULLET.sub("", paragraph.text)
    if not _LETTER.search(text) or text.lower() in _CONNECTIVES:
        return joinable  # a figure, a mark or an "or" between cover-page options: nothing to read
    paragraph = replace(paragraph, text=text)
    last = pieces[-1] if pieces else None
    if joinable and last is not None and last.paragraph is not None and _continues(last.paragraph, paragraph):
        before = last.paragraph.text
        glue = "" if _HYPHENATED.search(before[-_TAIL:]) else " "
        joined = replace(last.paragraph, text=f"{before}{glue}{text}")
        last.paragraph = joined
        last.kind = RowKind.HEADING if is_heading(joined) else RowKind.SENTENCE
        return not _PLAIN_TERMINAL.search(joined.text[-_TAIL:])
    kind = RowKind.HEADING if is_heading(paragraph) else RowKind.SENTENCE
    pieces.append(_Piece(paragraph, kind))
    return not _PLAIN_TERMINAL.search(text[-_TAIL:])


def _continues(before: Paragraph, paragraph: Paragraph) -> bool:
    """Does ``paragraph`` go on with the sentence ``before`` left open (a page or column break,
    a line break in the middle of it)? Yes when it starts in lower case, or when ``before``
    ends with a hyphen or a word that cannot end a sentence ("see", "the", "and") and
    ``paragraph`` is running text."""
    tail = before.text[-_TAIL:]
    if _LIST_ITEM_END.search(tail):
        return False
    if _DATELINE.match(before.text):
        return True  # "SAN JOSE, Calif., March 12, 2025 --" goes with the sentence it opens
    open_end = _HYPHENATED.search(tail) is not None or _OPEN_END.search(tail) is not None
    if before.emphasised or before.centred or before.heading_tag:  # a title set on two lines
        same_style = (before.emphasised, before.centred) == (paragraph.emphasised, paragraph.centred)
        return open_end and same_style
    if _CONTINUATION.match(paragraph.text):
        return True  # (a short line before it may have looked like a heading: it was not)
    return open_end and not is_heading(paragraph)


def unit_phrase(text: str) -> str:
    """The unit a paragraph states for the table below it: the whole paragraph when it is a
    short unit line ("(In millions)", "EUR million"), the parenthesis that holds the unit in a
    lead-in sentence ("… as follows (dollars in millions):"), else ""."""
    if len(text) > _LEAD_IN_MAX_CHARS:
        return ""
    match = UNIT_LINE.search(text)
    if match is None:
        return ""
    if len(text) <= _UNIT_MAX_CHARS // 2 and not _PLAIN_TERMINAL.search(text[-_TAIL:]):
        return text
    opening = text.rfind("(", 0, match.start())
    closing = text.find(")", match.end())
    if opening >= 0 and closing >= 0 and ")" not in text[opening + 1 : match.start()]:
        return text[opening : closing + 1]
    return ""


def lay_out(blocks: Sequence[Block]) -> LaidOut:
    """The document the blocks make (see the module's docstring)."""
    parts: list[str] = []
    regions: list[Region] = []
    tables: list[Table] = []
    offset = 0

    def add(text: str, separator: str) -> tuple[int, int]:
        nonlocal offset
        if parts:
            parts.append(separator)
            offset += len(separator)
        start = offset
        parts.append(text)
        offset += len(text)
        return start, offset

    for piece in _pieces(drop_page_furniture(blocks)):
        if piece.paragraph is not None:
            start, end = add(piece.paragraph.text, "\n\n")
            regions.append(Region(((start, end),), piece.kind))
            continue
        placed = []
        for i, row in enumerate(piece.rows):
            start, end = add(row_text(row), "\n\n" if i == 0 else "\n")
            located = replace(row, start=start, end=end)
            placed.append(located)
            regions.append(Region(((start, end),), RowKind.TABLE_ROW, located))
        tables.append(Table(tuple(placed), placed[0].start, placed[-1].end))
    return LaidOut("".join(parts), tuple(regions), tuple(tables))

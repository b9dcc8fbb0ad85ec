"""The layout of plain text, line by line: blank lines, bullets, table rows, headings, datelines.

One pass over the lines cuts a text into `Segment`s: a run of hard-wrapped prose stays one
segment; a blank line ends one; a bullet, a table-like line and a heading start a new one. Both
stages that read plain text use it: reading (`finlocal.reading.text`) turns the segments into
regions of a kind (a heading is a `RowKind.HEADING`, a bullet an item of its own), and splitting
(`finlocal.splitting`) cuts each segment into sentences. Its rules:

* a *bullet* is a line opening with a marker (``-``, ``*``, ``•``, ``·``, ``▪``, ``1.``, ``(a)``)
  and text; a marker alone on its line (PDF and newswire text put ``·`` on a line of its own)
  opens an item that the next line continues;
* a *table row* has a tab, two ``|`` or two column gaps (two or more spaces) and a figure;
* a *heading* is a line without terminal punctuation that is followed by a blank line, or is
  short (or a period heading: "Three months ended June 30, 2025 as compared to …") and followed
  by a line that starts a sentence;
* a *dateline* ("SAN JOSE, Calif., Dec. 12, 2024 /PRNewswire/ --", "HELSINKI, Finland —") is
  never a heading: it belongs to the sentence it introduces.

Everything here looks at a bounded part of a line (`_TAIL_CHARS`), so long lines stay linear.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

BULLET = re.compile(r"[ \t]*(?:[-*•·▪◦‣–—►✓]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])[ \t]+\S")
# a bullet marker alone on its line: the item's text is on the next line
_LONE_MARKER = re.compile(r"[ \t]*(?:[-*•·▪◦‣–►✓]|\(?\d{1,3}[.)])[ \t]*")
_COLUMN_GAP = re.compile(r"""(?<![.!?:;"”’)\s]) {2,}(?=\S)""")
_TERMINAL = re.compile(r"""[.!?…:;]["'’”)\]]*$""")
CONTINUES = re.compile(r"(?:[,(\-–/&+]|\b(?:and|or|of|the|a|an|to|in|for|with|by|on|at|from|as|than|but))$", re.I)
_HEADING_NEXT = re.compile(r"""\s*(?:["'‘“(\[]\s?|``?\s?)*[A-Z•·▪\-–*#]""")
# A place in capitals or title case, a comma, a region or a date (capital or digit first), anything
# (a wire's name), a dash.
_DATELINE = re.compile(r"[ \t]*[A-Z][\w.'’&\-]*(?:[ \t]+[A-Z][\w.'’&\-]*)*,[ \t]+[A-Z0-9].*?(?:--?|–|—)[ \t]*")
_DATELINE_MAX_CHARS = 160
HEADING_MAX_CHARS = 60
# The heading of a period's discussion in a 10-Q or 10-K: longer than a heading, but one.
_PERIOD_HEADING = re.compile(
    r"(?:(?:three|six|nine|twelve|\d{1,2})\s+months|(?:fiscal\s+)?(?:year|quarter)s?|fiscal\s+(?:19|20)\d\d)"
    r"\b[^.!?]*?\b(?:ended|compared)\b",
    re.I,
)
_PERIOD_HEADING_MAX_CHARS = 160
# Line-end patterns (_TERMINAL, CONTINUES) are matched against this many final characters.
_TAIL_CHARS = 32


class SegmentKind(str, enum.Enum):
    """What a segment of plain text is."""

    #: Running text: one or more lines of prose (hard-wrapped lines stay together).
    TEXT = "text"
    #: A list item: its marker line and the lines that continue it.
    BULLET = "bullet"
    #: A heading line.
    HEADING = "heading"
    #: A table-like line (tabs, pipes, or column gaps with a figure).
    TABLE = "table"


@dataclass(frozen=True)
class Segment:
    """A block of plain text: ``text[start:end]`` (its lines, up to the next segment's start)."""

    start: int
    end: int
    kind: SegmentKind


def lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, without its newline."""
    start = 0
    n = len(text)
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            if start < n:
                yield start, n
            return
        yield start, end
        start = end + 1


def is_table_row(line: str) -> bool:
    """A tab inside the line, two ``|``, or two column gaps and a figure."""
    if "\t" in line.strip() or line.count("|") >= 2:
        return True
    return len(_COLUMN_GAP.findall(line)) >= 2 and any(c.isdigit() for c in line)


def ends_terminal(line: str) -> bool:
    """Does the (stripped) line end with sentence punctuation? Only its tail is searched: an
    end-anchored pattern would otherwise be tried at every position of a long line."""
    return _TERMINAL.search(line[-_TAIL_CHARS:]) is not None


def is_dateline(line: str) -> bool:
    """A newswire dateline on its own line: "HELSINKI, Finland —", "NEW YORK, Jan. 5 (BUSINESS
    WIRE) --"."""
    return len(line) <= _DATELINE_MAX_CHARS and _DATELINE.fullmatch(line) is not None


def is_period_heading(line: str) -> bool:
    """ "Three months ended June 30, 2025 as compared to …", "Fiscal 2024 compared with fiscal 2023"."""
    return len(line) <= _PERIOD_HEADING_MAX_CHARS and _PERIOD_HEADING.match(line) is not None


def is_heading(content: str, next_line: str | None) -> bool:
    """A short line without terminal punctuation, followed by a blank line or a sentence start,
    or a period heading of any length ("Three months ended June 30, 2025 as compared to …");
    never a dateline."""
    stripped = content.strip()
    if not stripped or ends_terminal(stripped) or CONTINUES.search(stripped[-_TAIL_CHARS:]):
        return False
    if is_dateline(stripped):
        return False
    if next_line is None or not next_line.strip():
        return True
    if is_period_heading(stripped):
        return bool(_HEADING_NEXT.match(next_line))
    return len(stripped) <= HEADING_MAX_CHARS and bool(_HEADING_NEXT.match(next_line))


def segments(text: str) -> Iterator[Segment]:
    """Cut the text at blank lines, bullets, table rows and headings."""
    spans = list(lines(text))
    seg_start: int | None = None
    seg_kind = SegmentKind.TEXT
    prev_kind = "blank"
    prev_terminal = True
    for i, (start, end) in enumerate(spans):
        line = text[start:end]
        if not line.strip():
            if seg_start is not None:
                yield Segment(seg_start, start, seg_kind)
                seg_start = None
            prev_kind, prev_terminal = "blank", True
            continue
        next_line = text[spans[i + 1][0] : spans[i + 1][1]] if i + 1 < len(spans) else None
        bullet = BULLET.match(line)
        if is_table_row(line):
            kind = "table"
        elif prev_kind == "marker" and seg_start is not None:
            # the text of an item whose marker stood alone on the line above
            prev_kind, prev_terminal = "bullet", ends_terminal(line.strip())
            continue
        elif bullet:
            content = line[bullet.end() - 1 :]
            heading = next_line is not None and not BULLET.match(next_line)
            if heading and is_heading(content, next_line):  # a bullet without punctuation stands alone
                if seg_start is not None:
                    yield Segment(seg_start, start, seg_kind)
                seg_start, seg_kind = start, SegmentKind.BULLET
                prev_kind, prev_terminal = "heading", True
                continue
            kind = "bullet"
        elif next_line is not None and next_line.strip() and _LONE_MARKER.fullmatch(line):
            kind = "marker"
        elif (seg_start is None or prev_kind != "text" or prev_terminal) and is_heading(line, next_line):
            kind = "heading"
        else:
            kind = "text"
        new = seg_start is None or kind != "text" or prev_kind in ("table", "heading")
        if new:
            if seg_start is not None:
                yield Segment(seg_start, start, seg_kind)
            seg_start = start
            seg_kind = _SEGMENT_KINDS[kind]
        prev_kind = kind
        prev_terminal = ends_terminal(line.strip())
    if seg_start is not None:
        yield Segment(seg_start, len(text), seg_kind)


_SEGMENT_KINDS = {
    "text": SegmentKind.TEXT,
    "bullet": SegmentKind.BULLET,
    "marker": SegmentKind.BULLET,
    "heading": SegmentKind.HEADING,
    "table": SegmentKind.TABLE,
}

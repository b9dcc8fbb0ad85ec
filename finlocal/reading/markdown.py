"""The visible text of Markdown, in place: markup blanked, every character where it was.

Markdown is parsed with markdown-it-py (CommonMark, plus GitHub tables and strikethrough), to
`MAX_NESTING` levels deep. The text of paragraphs, headings, list items, block quotes and table
cells is kept, and so are the aligned tables inside code blocks and fences; everything else —
heading and list markers, ``>``, emphasis and strikethrough markers, link brackets and
destinations, images, inline and block HTML, the rest of code blocks and fences, table rules,
reference definitions, YAML front matter — is replaced by spaces. Line breaks stay, so the result has the
length and the lines of the source: an offset into it is an offset into the file. Code spans
keep their text without the backticks; a backslash escape keeps the escaped character; a
character reference (``&amp;``) stays as written, since replacing it would move what follows.

Each block of visible text is also returned as a `Region` (its pieces of the source, in order),
so that splitting works block by block and never sees the markup between two pieces: a heading
is a `RowKind.HEADING`, a table's header row one heading and each body row one
`RowKind.TABLE_ROW` with its `TableRow` (`read_markdown_text`).

markdown-it-py gives line numbers for blocks but no offsets for inline content, so the text of
each inline token is found in the source lines of its block, left to right: a text token where
its content occurs next, a link's destination skipped by its brackets and parentheses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from finlocal.errors import InputError
from finlocal.layout import HEADING_MAX_CHARS, ends_terminal, is_dateline, is_heading
from finlocal.reading.decode import checked_text
from finlocal.reading.document import Document
from finlocal.reading.text import UNIT, text_structure
from finlocal.structure import Region, RowKind, Table, TableRow

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_LINE_BREAK = re.compile(r"\r\n?|\n")  # what markdown-it counts as a line break
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*(?:\r\n?|\n).*?(?:\r\n?|\n)(?:---|\.\.\.)[ \t]*(?=\r\n?|\n|\Z)", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")
_CAPTION_MAX_CHARS = 100
_GLYPH_BULLET = re.compile(r"^[ \t]*([•·▪◦‣►])", re.MULTILINE)
_TEXT_LINE = re.compile(r"^[ \t]*\S.*$", re.MULTILINE)


#: How deep blocks may nest (block quotes in lists in block quotes …); markdown-it's default, 20,
#: drops whatever lies deeper (a list nested ten levels loses its tenth item). Deeper than this,
#: the reader warns that it left text out.
MAX_NESTING = 200


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # text_join off: escapes and character references stay separate tokens that carry their
    # source text, so they can be found in the file.
    options = {"maxNesting": MAX_NESTING}
    return MarkdownIt("commonmark", options).enable(["table", "strikethrough"]).disable("text_join")


@dataclass(frozen=True)
class MarkdownText:
    """A Markdown file read: its text with markup blanked, its regions (paragraphs and list
    items as running text, headings, one region per table row), its tables, and warnings."""

    text: str
    regions: tuple[Region, ...]
    tables: tuple[Table, ...] = ()
    warnings: tuple[str, ...] = ()


def visible_text(source: str) -> tuple[str, tuple[Region, ...]]:
    """The source with its markup blanked (same length, same line breaks), and its regions."""
    read = read_markdown_text(source)
    return read.text, read.regions


def read_markdown_text(source: str) -> MarkdownText:
    """Read Markdown: blank its markup in place and find its blocks, headings and tables.

    A pipe table is a `Table`: its header row a heading, each body row one `RowKind.TABLE_ROW`
    region (first cell the label), a short paragraph just above it (a title or a unit line) its
    caption. A code fence or indented code shows no text, except the aligned tables in it
    (`finlocal.reading.text`). A paragraph that is a dateline alone joins the paragraph after it.
    """
    front = _FRONT_MATTER.match(source)
    parsed = source
    if front is not None:  # YAML front matter is metadata: parse it as blank lines
        parsed = _blank(source[: front.end()]) + source[front.end() :]
    try:
        tokens = _parser().parse(parsed)
    except RecursionError:
        structure = text_structure(source)
        warning = "the Markdown nests too deeply to parse; read as plain text, markup included"
        return MarkdownText(source, structure.regions, structure.tables, (warning,))
    warnings: list[str] = []
    if any(token.level >= MAX_NESTING - 1 for token in tokens):
        warnings.append(f"the Markdown nests blocks deeper than {MAX_NESTING} levels; what lies deeper was left out")
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
    walk = _Walk(source, line_starts)
    for index, token in enumerate(tokens):
        walk.token(token, tokens[index - 1] if index else None)
    regions = _join_datelines(source, walk.regions)
    return MarkdownText(_blanked(source, regions), tuple(regions), tuple(walk.tables), tuple(warnings))


class _Walk:
    """Turns markdown-it's token stream into regions and tables, in document order."""

    def __init__(self, source: str, line_starts: list[int]) -> None:
        self.source = source
        self.line_starts = line_starts
        self.regions: list[Region] = []
        self.tables: list[Table] = []
        self.cursor = 0
        self._block_end: int | None = None  # the line after the last paragraph or heading
        self._caption: int | None = None  # index in regions of the table's caption
        self._in_table = False
        self._head = False
        self._header: list[str] = []
        self._row: list[_Pieces] = []
        self._rows: list[TableRow] = []

    def _span(self, token: Token) -> tuple[int, int]:
        assert token.map is not None
        first, last = token.map
        lo = self.line_starts[first]
        hi = self.line_starts[last] if last < len(self.line_starts) else len(self.source)
        return lo, hi

    def token(self, token: Token, before: Token | None) -> None:
        kind = token.type
        if kind == "table_open":
            self._open_table(token)
        elif kind == "table_close":
            self._close_table()
        elif kind == "thead_open":
            self._head = True
        elif kind == "thead_close":
            self._head = False
        elif kind == "tr_open":
            self._row = []
        elif kind == "tr_close":
            self._close_row()
        elif kind in ("fence", "code_block") and token.map is not None:
            lo, hi = self._span(token)
            if kind == "fence":  # not the opening fence line
                lo = self.line_starts[min(token.map[0] + 1, len(self.line_starts) - 1)]
            if lo < hi:
                found = text_structure(self.source, lo, hi, tables_only=True)
                self.regions.extend(found.regions)
                self.tables.extend(found.tables)
                self.cursor = max(self.cursor, hi)
        elif kind == "inline" and token.map is not None:
            self._inline(token, before)

    def _inline(self, token: Token, before: Token | None) -> None:
        lo, hi = self._span(token)
        pieces = _Pieces()
        if token.children:
            pieces, self.cursor = _align(self.source, token.children, max(self.cursor, lo), hi)
        if self._in_table:
            self._row.append(pieces)
            return
        if not pieces:
            return
        opener = before.type if before is not None else ""
        self._block_end = token.map[1] if token.map is not None else None
        if opener == "heading_open":
            self.regions.append(Region(tuple(pieces), RowKind.HEADING))
            return
        if token.level == 1 and self._aligned_table(lo, hi):
            return
        if token.level == 1 and _title_line(self._text(pieces), token):
            # a short top-level paragraph without punctuation: "**Highlights**", "Outlook"
            self.regions.append(Region(tuple(pieces), RowKind.HEADING))
            return
        for part in _cut_at_glyph_bullets(self.source, pieces, lo, hi):
            self.regions.append(Region(tuple(part)))

    def _aligned_table(self, lo: int, hi: int) -> bool:
        """A top-level paragraph that is an aligned text table, read as one; False if it is not."""
        block = self.source[lo:hi]
        if "\t" not in block and "  " not in block:
            return False
        found = text_structure(self.source, lo, hi, tables_only=True)
        if not found.tables:
            return False
        covered = [piece for region in found.regions for piece in region.pieces]
        for match in _TEXT_LINE.finditer(self.source, lo, hi):
            if not any(a < match.end() and match.start() < b for a, b in covered):
                return False  # a line of running text: the paragraph stays a paragraph
        self.regions.extend(found.regions)
        self.tables.extend(found.tables)
        return True

    def _open_table(self, token: Token) -> None:
        self._in_table, self._header, self._rows = True, [], []
        self._caption = None
        if not self.regions or token.map is None or self._block_end is None:
            return
        last = self.regions[-1]
        gap = token.map[0] - self._block_end
        text = self._text(last.pieces)
        if 0 <= gap <= 1 and len(text) <= _CAPTION_MAX_CHARS and not ends_terminal(text.rstrip(":")):
            self._caption = len(self.regions) - 1
            if last.kind is RowKind.SENTENCE:  # a title or unit line, not running text
                self.regions[-1] = Region(last.pieces, RowKind.HEADING)

    def _text(self, pieces: Sequence[tuple[int, int]]) -> str:
        return " ".join("".join(self.source[a:b] for a, b in pieces).split())

    def _close_row(self) -> None:
        cells = [self._text(pieces) for pieces in self._row]
        every = _Pieces()
        for pieces in self._row:
            for start, end in pieces:
                every.add(start, end)
        if self._head:
            self._header = cells
            if every:
                self.regions.append(Region(tuple(every), RowKind.HEADING))
            return
        if not every:
            return
        caption = self._text(self.regions[self._caption].pieces) if self._caption is not None else ""
        label_title = self._header[0] if self._header else ""
        if UNIT.search(label_title) and not UNIT.search(caption):  # the label column's title is the unit
            caption = f"{caption}; {label_title}" if caption else label_title
        header = [self._header[k] if k < len(self._header) else "" for k in range(1, len(cells))]
        row = TableRow(
            cells[0] if cells else "",
            tuple(cells[1:]),
            tuple(header) if any(header) else (),
            caption,
            every[0][0],
            every[-1][1],
        )
        self._rows.append(row)
        self.regions.append(Region(tuple(every), RowKind.TABLE_ROW, row))

    def _close_table(self) -> None:
        if self._rows:
            self.tables.append(Table(tuple(self._rows), self._rows[0].start, self._rows[-1].end))
        self._in_table = False
        self._rows = []
        self._block_end = None


def _title_line(text: str, token: Token) -> bool:
    """A paragraph of one line, short and without sentence punctuation, that is no dateline."""
    one_line = token.map is not None and token.map[1] - token.map[0] == 1
    return one_line and len(text) <= HEADING_MAX_CHARS and is_heading(text, None)


def _cut_at_glyph_bullets(source: str, pieces: _Pieces, lo: int, hi: int) -> list[list[tuple[int, int]]]:
    """A paragraph's pieces cut where a line opens with a bullet glyph CommonMark does not know
    ("•", "·", "▪": releases pasted as Markdown keep them), so that each item is a block."""
    cuts = [m.start(1) for m in _GLYPH_BULLET.finditer(source, lo, hi) if m.start() > lo]
    parts: list[list[tuple[int, int]]] = [[]]
    for start, end in pieces:
        while cuts and cuts[0] <= start:
            cuts.pop(0)
            if parts[-1]:
                parts.append([])
        while cuts and start < cuts[0] < end:
            parts[-1].append((start, cuts[0]))
            parts.append([])
            start = cuts.pop(0)
        parts[-1].append((start, end))
    return [part for part in parts if part]


def _join_datelines(source: str, regions: list[Region]) -> list[Region]:
    """A paragraph that is a dateline alone ("HELSINKI, Finland —") joins the paragraph after
    it, with the line break between them (read as a space)."""
    joined: list[Region] = []
    k = 0
    while k < len(regions):
        region = regions[k]
        nxt = regions[k + 1] if k + 1 < len(regions) else None
        if (
            nxt is not None
            and region.kind is RowKind.SENTENCE
            and nxt.kind is RowKind.SENTENCE
            and len(region.pieces) == 1
            and _LINE_BREAK.match(source, region.pieces[0][1])
            and is_dateline(source[region.pieces[0][0] : region.pieces[0][1]])
        ):
            start, end = region.pieces[0]
            joined.append(Region(((start, end + 1), *nxt.pieces)))
            k += 2
            continue
        joined.append(region)
        k += 1
    return joined


def _blank(text: str) -> str:
    return _NOT_LINE_BREAK.sub(" ", text)


def _blanked(source: str, regions: Sequence[Region]) -> str:
    parts: list[str] = []
    done = 0
    for region in regions:
        for start, end in region.pieces:
            parts.append(_blank(source[done:start]))
            parts.append(source[start:end])
            done = end
    parts.append(_blank(source[done:]))
    return "".join(parts)


class _Pieces(list[tuple[int, int]]):
    """Visible (start, end) pieces in order, touching pieces merged."""

    def add(self, start: int, end: int) -> None:
        if end <= start:
            return
        if self and self[-1][1] == start:
            self[-1] = (self[-1][0], end)
        else:
            self.append((start, end))


def _align(source: str, children: Sequence[Token], cursor: int, hi: int) -> tuple[_Pieces, int]:
    """Find the visible text of one inline token's children in ``source[cursor:hi]``."""
    pieces = _Pieces()
    skip_until_close = False
    for child in children:
        kind = child.type
        if skip_until_close:
            if kind == "link_close":
                skip_until_close = False
            continue
        if kind in ("text", "code_inline"):
            cursor = _find_text(source, child.content, cursor, hi, pieces)
        elif kind == "text_special":
            at = source.find(child.markup, cursor, hi)
            if at >= 0:
                end = at + len(child.markup)
                # an escape keeps the escaped character; a character reference stays as written
                pieces.add(at + 1 if child.info == "escape" else at, end)
                cursor = end
        elif kind in ("softbreak", "hardbreak"):
            match = _LINE_BREAK.search(source, cursor, hi)
            if match is not None:
                pieces.add(match.start(), match.end())
                cursor = match.end()
        elif kind == "html_inline":
            at = source.find(child.content, cursor, hi)
            if at >= 0:
                cursor = at + len(child.content)
        elif kind == "link_open" and child.markup == "autolink":
            end = source.find(">", cursor, hi)  # <https://…> is an address, not text
            cursor = end + 1 if end >= 0 else cursor
            skip_until_close = True
        elif kind == "link_close":
            cursor = _skip_link_tail(source, cursor, hi)
        elif kind == "image":
            cursor = _skip_image(source, cursor, hi)
        # emphasis, strong, strikethrough and link openers: markup, nothing to find
    return pieces, cursor


def _find_text(source: str, content: str, cursor: int, hi: int, pieces: _Pieces) -> int:
    if not content:
        return cursor
    at = source.find(content, cursor, hi)
    if at >= 0:
        pieces.add(at, at + len(content))
        return at + len(content)
    # The parser changed the text (a code span's line break read as a space, NUL as U+FFFD):
    # match its words with any whitespace between them, else character by character.
    words = content.split()
    if words:
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        match = pattern.search(source, cursor, hi)
        if match is not None:
            pieces.add(match.start(), match.end())
            return match.end()
    for char in content:
        if _WHITESPACE.fullmatch(char):
            continue
        at = source.find(char, cursor, hi)
        if at >= 0:
            pieces.add(at, at + 1)
            cursor = at + 1
    return cursor


def _closing(source: str, start: int, hi: int, open_char: str, close_char: str) -> int:
    """The index after the ``close_char`` that closes ``source[start] == open_char``; nesting,
    backslash escapes and, inside parentheses, quoted titles are skipped. ``hi`` if unclosed."""
    depth = 0
    quote = ""
    i = start
    while i < hi:
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if quote:
            if char == quote:
                quote = ""
        elif open_char == "(" and char in "\"'" and source[i - 1].isspace():
            quote = char
        elif char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return hi


def _skip_link_tail(source: str, cursor: int, hi: int) -> int:
    """Skip a link's ``]`` and its ``(destination "title")`` or ``[label]``."""
    end = source.find("]", cursor, hi)
    if end < 0:
        return cursor
    cursor = end + 1
    if cursor < hi and source[cursor] == "(":
        return _closing(source, cursor, hi, "(", ")")
    if cursor < hi and source[cursor] == "[":
        return _closing(source, cursor, hi, "[", "]")
    return cursor


def _skip_image(source: str, cursor: int, hi: int) -> int:
    """Skip ``![alt](source)`` (or a reference image): an image's text is not the document's."""
    start = source.find("![", cursor, hi)
    if start < 0:
        return cursor
    alt_end = _closing(source, start + 1, hi, "[", "]")
    return _skip_link_tail(source, alt_end - 1, hi)


def read_markdown(data: bytes, source: str) -> Document:
    """A Markdown file with its markup blanked in place (`visible_text`), its blocks as regions."""
    text, warnings = checked_text(data, source)
    read = read_markdown_text(text)
    if not read.regions:
        raise InputError(f"{source}: the Markdown has no text outside code, HTML and markup")
    return Document(source, read.text, (*warnings, *read.warnings), read.regions, tables=read.tables)

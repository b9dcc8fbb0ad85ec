"""HTML read as the text a reader of the page sees, in blocks: filings as filed.

A page is parsed with Python's `html.parser` into `finlocal.reading.blocks` — paragraphs,
tables and page breaks — and those become a `Document` (`finlocal.reading.html_document`):

* **Hidden content is skipped**: scripts and styles, the inline-XBRL header (``ix:header``,
  ``ix:hidden``), and every element styled ``display:none`` (or ``visibility:hidden``), with all
  it holds.
* **Blocks** (``<p>``, ``<div>``, ``<li>``, headings, ``<br>``…) end paragraphs, so sentences do
  not merge; ``<pre>`` keeps its line breaks.
* **Page breaks** are ``page-break-before/after`` (and ``break-before/after: page``) styles and
  ``<hr>``; the lines that repeat at the edges of pages (running headers and footers) and page
  numbers are dropped, and a sentence cut by a page break is joined again
  (`finlocal.reading.furniture`).
* **Tables** are read as tables (`finlocal.reading.html_tables`): each body row becomes a
  `finlocal.structure.TableRow` and a `RowKind.TABLE_ROW` region; layout tables that hold prose
  stay prose; tables of contents and cover-page check boxes are dropped.
* **Headings** (``<h1>``–``<h6>``, short bold or centred paragraphs without a full stop) become
  `RowKind.HEADING` regions.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from html.parser import HTMLParser
from typing import NamedTuple

from finlocal.errors import InputError
from finlocal.reading.blocks import Block, Cell, PageBreak, Paragraph, TableBlock, clean_text
from finlocal.reading.decode import bom_encoding, checked_text, looks_binary
from finlocal.reading.document import Document

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section
    summary table tbody thead tfoot title tr ul""".split()
)
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "title", "iframe", "object", "ix:header", "ix:hidden"}
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_BOLD_TAGS = frozenset({"b", "strong"})
_ITALIC_TAGS = frozenset({"i", "em", "u"})
_IX_HEADER = re.compile(r"<ix:header\b.*?</ix:header\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN_STYLE = re.compile(r"display:\s*none|visibility:\s*hidden")
_BREAK_BEFORE = re.compile(r"(?:page-)?break-before:\s*(?:always|page)")
_BREAK_AFTER = re.compile(r"(?:page-)?break-after:\s*(?:always|page)")
_WEIGHT = re.compile(r"font-weight:\s*(\w+)")
_FONT_STYLE = re.compile(r"font-style:\s*(\w+)")
_DECORATION = re.compile(r"text-decoration:\s*([\w ]+)")
_ALIGN = re.compile(r"text-align:\s*(\w+)")
_TABLE_PARTS = frozenset({"tr", "td", "th", "caption"})
_CELL_END = frozenset({"p", "td", "th"})
_IMPLIED_END: dict[str, frozenset[str]] = {
    **{tag: frozenset({"p"}) for tag in _BLOCK_TAGS - {"tr", "tbody", "thead", "tfoot", "caption"}},
    "li": frozenset({"p", "li"}),
    "td": _CELL_END,
    "th": _CELL_END,
    "tr": _CELL_END | {"tr"},
}
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_RUN_IN_END = re.compile(r"[.:]$")
_RUN_IN_MAX_WORDS = 8
#: A news release's dateline: a place in capitals and a comma ("SAN JOSE, Calif.").
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{2,},")
_RUN_IN_STOP = re.compile(r"\s*([.:])")
_VERB_LIKE = re.compile(r"(?i)^(?:[a-z]+ed|is|are|was|were|has|have|had|will|would|may|can|could|should)$")
_BOLD_WEIGHTS = frozenset({"bold", "bolder", "600", "700", "800", "900"})


class _Style(NamedTuple):
    """What a ``style`` attribute says that reading needs (None: not set, inherited)."""

    hidden: bool = False
    break_before: bool = False
    break_after: bool = False
    bold: bool | None = None
    italic: bool | None = None
    centred: bool | None = None


_NO_STYLE = _Style()


@functools.lru_cache(maxsize=4096)
def _style(raw: str) -> _Style:
    """A ``style`` attribute read (cached: a filing repeats a few hundred styles thousands of
    times). An underline reads as italic: both mark emphasis."""
    style = raw.lower()
    bold = italic = centred = None
    weight = _WEIGHT.search(style)
    if weight:
        bold = weight.group(1) in _BOLD_WEIGHTS
    font_style = _FONT_STYLE.search(style)
    if font_style:
        italic = font_style.group(1) in ("italic", "oblique")
    decoration = _DECORATION.search(style)
    if decoration and "underline" in decoration.group(1):
        italic = True
    align = _ALIGN.search(style)
    if align:
        centred = align.group(1) == "center"
    return _Style(
        hidden=_HIDDEN_STYLE.search(style) is not None,
        break_before=_BREAK_BEFORE.search(style) is not None,
        break_after=_BREAK_AFTER.search(style) is not None,
        bold=bold,
        italic=italic,
        centred=centred,
    )


class _Element:
    """What an open element passes on to what it holds."""

    __slots__ = ("bold", "break_after", "centred", "heading", "hidden", "italic", "pre", "tag")

    def __init__(
        self, tag: str, hidden: bool, bold: bool, italic: bool, centred: bool, heading: bool, pre: bool
    ) -> None:
        self.tag = tag
        self.hidden = hidden
        self.bold = bold
        self.italic = italic
        self.centred = centred
        self.heading = heading
        self.pre = pre
        self.break_after = False


_ROOT = _Element("", False, False, False, False, False, False)


class _TableBuilder:
    __slots__ = ("caption", "cell", "cell_parts", "in_caption", "row", "table")

    def __init__(self, page: int) -> None:
        self.table = TableBlock(page=page)
        self.row: list[Cell] | None = None
        self.cell: Cell | None = None
        self.cell_parts: list[str] = []
        self.caption: list[str] = []
        self.in_caption = False

    def end_cell(self) -> None:
        if self.cell is not None:
            self.cell.text = clean_text("".join(self.cell_parts))
            self.cell = None
            self.cell_parts = []

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.table.rows.append(self.row)
            self.row = None

    def start_cell(self, colspan: int, header: bool) -> None:
        self.end_cell()
        if self.row is None:
            self.row = []
        self.cell = Cell("", colspan, header)
        self.cell_parts = []
        self.row.append(self.cell)


class _BlockParser(HTMLParser):
    """Parses a page into `Block`s (paragraphs, tables, page breaks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._stack: list[_Element] = []
        self._runs: list[tuple[str, bool]] = []  # the open paragraph's text, and emphasis
        self._centred = False
        self._heading = False
        self._tables: list[_TableBuilder] = []
        self._nested = 0  # tables inside a table cell: their cells are read into that cell
        self._page = 0
        self._pre_runs = False  # the open paragraph is preformatted text

    # ---- state -------------------------------------------------------------------------

    def _top(self) -> _Element:
        return self._stack[-1] if self._stack else _ROOT

    def _flush(self) -> None:
        """End the open paragraph."""
        if not self._runs:
            return
        runs, self._runs = self._runs, []
        if self._pre_runs:  # preformatted: its blank lines part paragraphs, its lines stay
            self._pre_runs = False
            for part in _BLANK_LINES.split("".join(t for t, _ in runs)):
                if part.strip():
                    self.blocks.append(Paragraph(part.strip("\n").rstrip(), page=self._page))
            return
        text = clean_text("".join(t for t, _ in runs))
        if not text:
            return
        emphasised = all(emph or not t.strip() for t, emph in runs)
        if not emphasised and next(emph for t, emph in runs if t.strip()):
            lead = _run_in_heading(runs)
            if lead is not None:
                heading, rest = lead
                self.blocks.append(Paragraph(heading, True, self._centred, self._heading, self._page))
                text = rest
        self.blocks.append(Paragraph(text, emphasised, self._centred, self._heading, self._page))

    def _page_break(self) -> None:
        self._flush()
        if self._tables:
            return  # a break inside a table does not cut the table
        if self.blocks and not isinstance(self.blocks[-1], PageBreak):
            self.blocks.append(PageBreak(self._page))
            self._page += 1

    # ---- events ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self._void(tag, attrs, self._top())
            return
        self._implied_end(tag)
        parent = self._top()
        look = _NO_STYLE
        colspan = 1
        for name, value in attrs:
            if name == "style" and value:
                look = _style(value)
            elif name == "colspan" and value:
                with contextlib.suppress(ValueError):
                    colspan = max(1, min(1000, int(value.strip())))
        hidden = parent.hidden or tag in _SKIP_TAGS or look.hidden
        element = self._element(tag, look, parent, hidden)
        self._stack.append(element)
        if hidden:
            return
        if look.break_before:
            self._page_break()
        element.break_after = look.break_after
        if tag == "table":
            self._flush()
            if self._tables and self._tables[-1].cell is not None:
                self._nested += 1
            else:
                self._tables.append(_TableBuilder(self._page))
            return
        if self._tables:
            if not self._nested and tag in _TABLE_PARTS:
                self._table_start(tag, colspan)
            elif tag in _BLOCK_TAGS or tag in _TABLE_PARTS:
                self._tables[-1].cell_parts.append(" ")  # a block inside a cell: a space
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            self._centred = element.centred
            self._heading = element.heading

    def _implied_end(self, tag: str) -> None:
        """Close what HTML closes without an end tag: a ``<p>`` before a block, a cell or row
        before the next, a list item before the next."""
        closes = _IMPLIED_END.get(tag)
        if closes is None:
            return
        while self._stack and self._stack[-1].tag in closes:
            self._close(self._stack.pop())

    def _element(self, tag: str, look: _Style, parent: _Element, hidden: bool) -> _Element:
        bold = parent.bold if look.bold is None else look.bold
        italic = parent.italic if look.italic is None else look.italic
        centred = parent.centred if look.centred is None else look.centred
        if tag in _BOLD_TAGS or tag in _HEADING_TAGS:
            bold = True
        elif tag in _ITALIC_TAGS:
            italic = True
        elif tag == "center":
            centred = True
        heading = parent.heading or tag in _HEADING_TAGS
        return _Element(tag, hidden, bold, italic, centred, heading, parent.pre or tag == "pre")

    def _table_start(self, tag: str, colspan: int) -> None:
        builder = self._tables[-1]
        if tag == "tr":
            builder.end_row()
            builder.row = []
        elif tag in ("td", "th"):
            builder.start_cell(colspan, tag == "th")
        elif tag == "caption":
            builder.in_caption = True

    def _void(self, tag: str, attrs: list[tuple[str, str | None]], parent: _Element) -> None:
        if parent.hidden:
            return
        if tag == "br":
            if self._tables:
                self._tables[-1].cell_parts.append(" ")
            elif parent.pre:
                self._runs.append(("\n", True))
            else:
                self._flush()
        elif tag == "hr" and not self._tables:
            self._page_break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self._void(tag, attrs, self._top())
            return
        # XHTML's <td/>, <div style="page-break-after:always"/>: an element that holds nothing
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        if self._stack and self._stack[-1].tag == tag:  # the usual case
            self._close(self._stack.pop())
            return
        for depth in range(len(self._stack) - 1, max(-1, len(self._stack) - 64), -1):
            if self._stack[depth].tag == tag:
                break
        else:
            return  # a stray end tag
        while len(self._stack) > depth:
            self._close(self._stack.pop())

    def _close(self, element: _Element) -> None:
        if element.hidden:
            return
        tag = element.tag
        if tag == "table":
            if self._nested:
                self._nested -= 1
            elif self._tables:
                builder = self._tables.pop()
                builder.end_row()
                builder.table.caption = clean_text("".join(builder.caption))
                if builder.table.rows:
                    self.blocks.append(builder.table)
        elif self._tables and not self._nested:
            builder = self._tables[-1]
            if tag in ("td", "th"):
                builder.end_cell()
            elif tag == "tr":
                builder.end_row()
            elif tag == "caption":
                builder.in_caption = False
        elif tag in _BLOCK_TAGS:
            self._flush()
            parent = self._top()
            self._centred = parent.centred
            self._heading = parent.heading
        if element.break_after:
            self._page_break()

    def handle_data(self, data: str) -> None:
        top = self._top()
        if top.hidden:
            return
        if self._tables:
            builder = self._tables[-1]
            if builder.cell is not None:
                builder.cell_parts.append(data)
            elif builder.in_caption:
                builder.caption.append(data)
            return  # text between cells is not shown in a table
        if top.pre:
            self._runs.append((data, True))
            self._pre_runs = True
        else:
            self._runs.append((data, top.bold or top.italic))

    def finish(self) -> list[Block]:
        self.close()
        while self._stack:
            self._close(self._stack.pop())
        while self._tables:
            builder = self._tables.pop()
            builder.end_row()
            if builder.table.rows:
                self.blocks.append(builder.table)
        self._flush()
        return self.blocks


def _run_in_heading(runs: list[tuple[str, bool]]) -> tuple[str, str] | None:
    """A paragraph that opens with a short emphasised title ("*Subsidiary Banks.* Our
    subsidiary …"): the title and the rest; None for any other paragraph."""
    first_plain = next(i for i, (text, emphasised) in enumerate(runs) if not emphasised and text.strip())
    heading = "".join(t for t, _ in runs[:first_plain])
    rest = "".join(t for t, _ in runs[first_plain:])
    stop = _RUN_IN_STOP.match(rest)  # "*Interstate Banking*. A BHC may …": the stop goes with the title
    if stop is not None:
        heading, rest = heading + stop.group(1), rest[stop.end() :]
    heading, rest = clean_text(heading), clean_text(rest)
    words = heading.split()
    if not rest or len(words) > _RUN_IN_MAX_WORDS or not _RUN_IN_END.search(heading):
        return None
    if any(_VERB_LIKE.match(word) for word in words):
        return None  # a sentence set in bold, not a title
    if _DATELINE.match(heading) or rest[:1] in "—–-":
        return None  # "*SAN JOSE, Calif.* — Adobe reported …": a dateline, part of its sentence
    return heading, rest


def html_blocks(html: str) -> list[Block]:
    """The visible blocks of an HTML page, in order."""
    parser = _BlockParser()
    # the inline-XBRL header is hidden, and can be most of a filing: cut before parsing
    parser.feed(_IX_HEADER.sub("", html))
    return parser.finish()


def html_to_text(html: str) -> str:
    """The visible text of an HTML page (no scripts, styles, hidden XBRL or page furniture):
    paragraphs separated by blank lines, a table's rows one per line."""
    from finlocal.reading.html_document import lay_out

    return lay_out(html_blocks(html)).text


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in a <meta> tag, when Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def read_html(data: bytes, source: str) -> Document:
    """An HTML page read as blocks (see the module's docstring), decoded as its BOM, else its
    <meta> charset, else as any text input."""
    from finlocal.reading.html_document import lay_out

    charset = _declared_charset(data) if bom_encoding(data) is None else None
    if charset is not None and charset != "utf-8" and not looks_binary(data):
        with contextlib.suppress(UnicodeDecodeError):  # a wrong declaration: the usual decoding
            data = data.decode(charset).encode("utf-8")
    text, warnings = checked_text(data, source)
    laid_out = lay_out(html_blocks(text))
    if not laid_out.text.strip():
        raise InputError(f"{source}: the HTML page has no visible text")
    return Document(source, laid_out.text, tuple(warnings), laid_out.regions, tables=laid_out.tables)

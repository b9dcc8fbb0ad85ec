"""The blocks an HTML page is read into before it becomes a `Document`: paragraphs, tables and
page breaks, in document order, with what the page's markup said about each (emphasis,
centring, heading tags). `finlocal.reading.html` makes them; `finlocal.reading.furniture` and
`finlocal.reading.html_tables` read them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACES = re.compile(r"\s+")


@dataclass
class Paragraph:
    """A block of running text as the page shows it (one ``<p>``, ``<div>``, ``<li>``…).

    ``emphasised`` is True when every visible character is bold, italic or underlined;
    ``centred`` when the block is centred; ``heading_tag`` when it lies in an ``<h1>``–``<h6>``.
    """

    text: str
    emphasised: bool = False
    centred: bool = False
    heading_tag: bool = False
    page: int = 0


@dataclass
class Cell:
    """One ``<td>``/``<th>`` of a table: its text and how many grid columns it spans."""

    text: str
    colspan: int = 1
    header: bool = False


@dataclass
class TableBlock:
    """An HTML table as a grid of rows of cells, with its ``<caption>`` when it has one."""

    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    page: int = 0


@dataclass
class PageBreak:
    """Where a page ends (``page-break-before/after`` styles, ``<hr>``)."""

    page: int = 0


Block = Paragraph | TableBlock | PageBreak


def clean_text(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed to single spaces, zero-width characters
    dropped, the ends stripped."""
    return _SPACES.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()

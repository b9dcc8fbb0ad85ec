"""What reading gives: a `Document` (text, warnings, regions and tables, PDF pages), and
the `Block`s a streamed input arrives in."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from finlocal.structure import Region, Table

#: The source name of standard input.
STDIN_SOURCE = "<stdin>"


@dataclass(frozen=True)
class Document:
    """Text read from one input. ``warnings`` say how decoding went when it was not plain UTF-8.

    ``regions`` are the blocks the reader found, in order, each of its `RowKind`: paragraphs and
    list items (running text), headings, and one region per table row (Markdown, plain text and
    PDF text); empty when the whole text is one block (HTML today).
    """

    source: str
    text: str
    warnings: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    page_starts: tuple[int, ...] = ()
    """PDF only: the offset in ``text`` where each page begins (page 1 first); empty otherwise."""
    tables: tuple[Table, ...] = ()
    """The tables found, in order; each row is also a `RowKind.TABLE_ROW` region."""


def page_of(page_starts: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page that ``offset`` in a document's text falls on; None without pages.

    A page without text begins where the next page's text does, so an offset there belongs
    to the later page (the one that holds the text).
    """
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))


@dataclass(frozen=True)
class Block:
    """A piece of a document; ``offset`` is its character offset in the whole text, ``regions``
    (offsets into ``text``) are the document's when the document is one block."""

    offset: int
    text: str
    regions: tuple[Region, ...] = ()

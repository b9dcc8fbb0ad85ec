"""PDF read from its text layer with pypdf (imported on first use), without its page furniture.

**Page furniture.** A running header or footer is found by repetition, not by a list of
phrases: a line among the first or last `EDGE_LINES` lines of a page whose shape (its digits
read as one, so page numbers may vary: "Fiscal 2024 Form 10-K 37", "Page 3 of 12") comes back
at the same edge of at least half the pages (and of two at least) is dropped. **Page breaks.**
A sentence cut by a page break is joined: when a page's last line has no sentence punctuation
and the next page's first line goes on (it starts in lower case, or the line before ends with a
comma or "and", or is longer than a heading), the two are joined by a line break, not a blank
line. The text is then read for its structure as plain text is (`finlocal.reading.text`):
headings, list items and aligned tables. pypdf's plain text joins a table's columns with single
spaces, so a page with lines of figures is also laid out (pypdf's layout mode) and the lines of
the tables found there keep their column gaps; prose keeps the plain text (layout mode would
spread justified lines).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from finlocal.errors import InputError
from finlocal.layout import CONTINUES, ends_terminal, is_table_row
from finlocal.reading.document import Document
from finlocal.reading.text import HEADING_MAX_CHARS, text_structure

if TYPE_CHECKING:
    from pypdf import PageObject

#: Header and footer lines are looked for among this many lines at the top and at the bottom.
EDGE_LINES = 3
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_FIGURE = re.compile(r"(?<![\w.])[(\-–]?[$€£]?\d[\d,.]*%?\)?(?!\w)")


def _shape(line: str) -> str:
    """A line as furniture repeats it: digits as one, case and spacing ignored."""
    return _SPACE.sub(" ", _DIGITS.sub("#", line)).strip().lower()


def _furniture(pages: Sequence[Sequence[str]]) -> list[set[int]]:
    """For each page, the indices of its lines that are running headers or footers."""
    filled = [lines for lines in pages if lines]
    dropped: list[set[int]] = [set() for _ in pages]
    if len(filled) < 2:
        return dropped
    need = max(2, (len(filled) + 1) // 2)
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for lines in filled:
        tops.update({_shape(line) for line in lines[:EDGE_LINES]})
        bottoms.update({_shape(line) for line in lines[-EDGE_LINES:]})
    for page, lines in enumerate(pages):
        n = len(lines)
        for i, line in enumerate(lines):
            top = i < EDGE_LINES and tops[_shape(line)] >= need
            bottom = i >= n - EDGE_LINES and bottoms[_shape(line)] >= need
            if top or bottom:
                dropped[page].add(i)
    return dropped


def _goes_on(last: str, first: str) -> bool:
    """Does the sentence ending a page (``last``) go on at the top of the next (``first``)?"""
    if ends_terminal(last) or is_table_row(last) or is_table_row(first):
        return False
    return first[:1].islower() or CONTINUES.search(last[-32:]) is not None or len(last) > HEADING_MAX_CHARS


def page_text(pages: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """The text of a PDF's pages without furniture, and where each page begins in it.

    Pages are separated by a blank line, or by a line break where a sentence goes on. A page
    without text begins where the next page's text does."""
    split = [[line.rstrip() for line in page.splitlines()] for page in pages]
    filled = [[i for i, line in enumerate(lines) if line.strip()] for lines in split]
    dropped = _furniture([[split[page][i].strip() for i in idx] for page, idx in enumerate(filled)])
    kept: list[list[str]] = []
    for page, lines in enumerate(split):
        gone = {filled[page][k] for k in dropped[page]}
        body = [line for i, line in enumerate(lines) if i not in gone]
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        kept.append(body)
    parts: list[str] = []
    starts: list[int | None] = []
    offset = 0
    previous: str | None = None
    for lines in kept:
        if not lines:
            starts.append(None)
            continue
        if previous is not None:
            separator = "\n" if _goes_on(previous.strip(), lines[0].strip()) else "\n\n"
            parts.append(separator)
            offset += len(separator)
        starts.append(offset)
        text = "\n".join(lines)
        parts.append(text)
        offset += len(text)
        previous = lines[-1]
    page_starts: list[int] = []
    following = offset
    for start in reversed(starts):
        following = following if start is None else start
        page_starts.append(following)
    return "".join(parts), tuple(reversed(page_starts))


def _page_text(page: PageObject) -> str:
    """A page's text; where it seems to hold a table, the table's lines as pypdf's layout mode
    lays them out (its plain mode joins a table's columns with single spaces)."""
    plain = page.extract_text() or ""
    if sum(1 for line in plain.splitlines() if len(_FIGURE.findall(line)) >= 2) < 2:
        return plain
    return with_columns(plain, page.extract_text(extraction_mode="layout") or "")


def with_columns(plain: str, layout: str) -> str:
    """``plain`` with each line that is part of a table in ``layout`` (the same page laid out
    with its column gaps) replaced by its laid-out form; the other lines as they are."""
    tables = text_structure(layout, tables_only=True)
    if not tables.tables:
        return plain
    laid: dict[str, str] = {}
    for region in tables.regions:
        for start, _ in region.pieces:
            line_start = layout.rfind("\n", 0, start) + 1
            line_end = layout.find("\n", start)
            line = layout[line_start : line_end if line_end >= 0 else len(layout)].rstrip()
            laid.setdefault(" ".join(line.split()), line)
    return "\n".join(laid.get(" ".join(line.split()), line) for line in plain.split("\n"))


def read_pdf(data: bytes, source: str) -> Document:
    """The text layer of a PDF without page furniture (`page_text`), its headings, list items and
    tables; `Document.page_starts` says where each page begins. `InputError` for an encrypted,
    malformed or scanned (text-less) PDF."""
    if not data.strip():
        raise InputError(f"{source}: empty (no text to score)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{source}: the PDF is encrypted; decrypt it first (e.g. qpdf --decrypt)")
        pages = [_page_text(page) for page in reader.pages]
    except InputError:
        raise
    except DependencyError as exc:  # AES-encrypted PDFs need the 'cryptography' package
        raise InputError(f"{source}: cannot decrypt this PDF ({exc})") from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ZeroDivisionError,
        AssertionError,
        NotImplementedError,
        OSError,
        RecursionError,
    ) as exc:
        # pypdf raises all of these on malformed files (found by fuzzing corrupted PDFs)
        raise InputError(f"{source}: not a readable PDF ({exc})") from exc
    text, page_starts = page_text(pages)
    if not text.strip():
        raise InputError(
            f"{source}: the PDF has no text layer (a scanned document?); run OCR first "
            "(e.g. ocrmypdf in.pdf out.pdf) and score the result"
        )
    structure = text_structure(text)
    return Document(source, text, (), structure.regions, page_starts, structure.tables)

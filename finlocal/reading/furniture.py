"""Page furniture: what a page shows that is not the document's text.

* **Running headers and footers** are found by repetition, not by a list of phrases: the
  short paragraphs (and one-row tables) at the top and bottom of each page (`EDGE_BLOCKS` of
  them) are compared with their digits blanked ("Apple Inc. | 2024 Form 10-K | 4" and "… | 5"
  read alike); one that comes back at the edges of `MIN_REPEATS` pages or more (two, in a
  document of up to `SHORT_DOCUMENT_PAGES` pages) is furniture, and so is every block between
  it and the page's edge that is furniture too (a four-line statement header).
* **Page numbers** at a page's edge ("4", "- 4 -", "Page 4 of 20", "F-3", "iv") are furniture.
* **Check boxes** of a cover page ("Yes ☒ No ☐") are removed from the text they stand in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from finlocal.reading.blocks import Block, PageBreak, Paragraph, TableBlock

#: How many blocks at each end of a page are looked at for headers, footers and page numbers.
EDGE_BLOCKS = 5
#: A line at the edge of this many pages is a running header or footer.
MIN_REPEATS = 3
#: Headers and footers are short: longer blocks are never furniture.
FURNITURE_MAX_CHARS = 200
#: In a document of at most this many pages, two repeats are enough.
SHORT_DOCUMENT_PAGES = 6

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7}|[A-Z]{1,2}-\d{1,3})\s*[-–—]?(?:\s*of\s*\d{1,4})?$", re.IGNORECASE
)
_CHECK_BOX_CHARS = frozenset("☐☑☒☓✓✔✗✘⌧□■▢◻◼")
_WINGDINGS_BOX = frozenset("þý¨")  # Wingdings boxes in older filings: a box only on their own
_BOX_CHARS = "".join(sorted(_CHECK_BOX_CHARS | _WINGDINGS_BOX))
_BOX = r"(?:[☐☑☒☓✓✔✗✘⌧□■▢◻◼]|(?<!\w)[þý¨](?!\w))"  # (þ ý ¨: Wingdings boxes in older filings)
_CHECK_BOX = re.compile(rf"(?:\b(?:Yes|No)\s*)?{_BOX}(?:\s*(?:Yes|No)\b)?")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _key(text: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def _edge_text(block: Block) -> str | None:
    """The text of a block that may be a header or footer: a short paragraph, or a one-row
    table."""
    text = None
    if isinstance(block, Paragraph):
        text = block.text
    elif isinstance(block, TableBlock) and len(block.rows) == 1:
        text = " | ".join(c.text for c in block.rows[0] if c.text)
    return text if text is not None and len(text) <= FURNITURE_MAX_CHARS else None


def is_page_number(text: str) -> bool:
    """ "4", "- 4 -", "Page 4", "Page 4 of 20", "F-3", "iv"."""
    return len(text) <= 20 and _PAGE_NUMBER.match(text.strip()) is not None


def drop_page_furniture(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without running headers, footers and page numbers (page breaks kept).

    The first and last `EDGE_BLOCKS` blocks of each page are counted; then, from each end of
    each page inwards, blocks are dropped while they are page numbers or repeat on enough pages.
    """
    pages: list[list[int]] = [[]]
    for i, block in enumerate(blocks):
        if isinstance(block, PageBreak):
            pages.append([])
        else:
            pages[-1].append(i)
    if len(pages) < 2:
        return list(blocks)
    counts: Counter[str] = Counter()
    for page in pages:
        edge = page[:EDGE_BLOCKS] + page[-EDGE_BLOCKS:]
        counts.update({_key(text) for i in edge if (text := _edge_text(blocks[i])) is not None})
    needed = 2 if len(pages) <= SHORT_DOCUMENT_PAGES else MIN_REPEATS

    def furniture(i: int) -> bool:
        text = _edge_text(blocks[i])
        return text is not None and (is_page_number(text) or counts[_key(text)] >= needed)

    drop: set[int] = set()
    for page in pages:
        for run in (page[:EDGE_BLOCKS], page[::-1][:EDGE_BLOCKS]):
            for i in run:
                if not furniture(i):
                    break
                drop.add(i)
    return [block for i, block in enumerate(blocks) if i not in drop]


def has_check_box(text: str) -> bool:
    """Does the text hold a cover page's check box ("Yes ☒ No ☐")?"""
    if len(text) <= 2 and any(box in text for box in _WINGDINGS_BOX):
        return True
    return any(box in text for box in _CHECK_BOX_CHARS)


def strip_check_boxes(text: str) -> str:
    """The text without check boxes and the "Yes"/"No" beside them; "" when nothing of words
    is left."""
    if not any(box in text for box in _BOX_CHARS):  # (faster than the pattern on long text)
        return text
    stripped = _SPACES.sub(" ", _CHECK_BOX.sub(" ", text)).strip()
    return stripped if _WORD.search(stripped) else ""

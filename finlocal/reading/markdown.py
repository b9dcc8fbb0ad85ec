"""The visible text of Markdown, in place: markup blanked, every character where it was.

Markdown is parsed with markdown-it-py (CommonMark, plus GitHub tables and strikethrough). The
text of paragraphs, headings, list items, block quotes and table cells is kept; everything else
— heading and list markers, ``>``, emphasis and strikethrough markers, link brackets and
destinations, images, inline and block HTML, code blocks and fences, table rules, reference
definitions, YAML front matter — is replaced by spaces. Line breaks stay, so the result has the
length and the lines of the source: an offset into it is an offset into the file. Code spans
keep their text without the backticks; a backslash escape keeps the escaped character; a
character reference (``&amp;``) stays as written, since replacing it would move what follows.

Each block of visible text is also returned as a `Region` (its pieces of the source, in order),
so that splitting works block by block and never sees the markup between two pieces.

markdown-it-py gives line numbers for blocks but no offsets for inline content, so the text of
each inline token is found in the source lines of its block, left to right: a text token where
its content occurs next, a link's destination skipped by its brackets and parentheses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from finlocal.errors import InputError
from finlocal.reading.decode import checked_text
from finlocal.reading.document import Document
from finlocal.structure import Region

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_LINE_BREAK = re.compile(r"\r\n?|\n")  # what markdown-it counts as a line break
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*(?:\r\n?|\n).*?(?:\r\n?|\n)(?:---|\.\.\.)[ \t]*(?=\r\n?|\n|\Z)", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # text_join off: escapes and character references stay separate tokens that carry their
    # source text, so they can be found in the file.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")


def visible_text(source: str) -> tuple[str, tuple[Region, ...]]:
    """The source with its markup blanked (same length, same line breaks), and its regions."""
    front = _FRONT_MATTER.match(source)
    parsed = source
    if front is not None:  # YAML front matter is metadata: parse it as blank lines
        parsed = _blank(source[: front.end()]) + source[front.end() :]
    tokens = _parser().parse(parsed)
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
    regions: list[Region] = []
    cursor = 0
    for token in tokens:
        if token.type != "inline" or token.map is None or not token.children:
            continue
        first, last = token.map
        lo = line_starts[first]
        hi = line_starts[last] if last < len(line_starts) else len(source)
        pieces, cursor = _align(source, token.children, max(cursor, lo), hi)
        if pieces:
            regions.append(Region(tuple(pieces)))
    return _blanked(source, regions), tuple(regions)


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
    blanked, regions = visible_text(text)
    if not regions:
        raise InputError(f"{source}: the Markdown has no text outside code, HTML and markup")
    return Document(source, blanked, tuple(warnings), regions)

"""HTML read as the text a browser shows: no scripts or styles, block elements as line breaks
(so sentences do not merge), table cells separated, ``<pre>`` kept as written."""

from __future__ import annotations

import codecs
import contextlib
import re
from html.parser import HTMLParser

from finlocal.errors import InputError
from finlocal.reading.decode import bom_encoding, checked_text, looks_binary
from finlocal.reading.document import Document

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section
    summary table tbody thead tfoot title tr ul""".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "title", "iframe", "object"})
_CELL_TAGS = frozenset({"td", "th"})


class _VisibleText(HTMLParser):
    """Collects the visible text of an HTML page, with line breaks where blocks end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "pre":
            self._pre += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag == "tr":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            self.parts.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        raw = "".join(self.parts)
        joined = "\n".join(line.strip() for line in raw.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", joined).strip()


def html_to_text(html: str) -> str:
    """The visible text of an HTML document (no script/style), blocks separated by blank lines."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


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
    """An HTML page's visible text, decoded as its BOM, else its <meta> charset, else as any
    text input."""
    charset = _declared_charset(data) if bom_encoding(data) is None else None
    if charset is not None and charset != "utf-8" and not looks_binary(data):
        with contextlib.suppress(UnicodeDecodeError):  # a wrong declaration: the usual decoding
            data = data.decode(charset).encode("utf-8")
    text, warnings = checked_text(data, source)
    visible = html_to_text(text)
    if not visible.strip():
        raise InputError(f"{source}: the HTML page has no visible text")
    return Document(source, visible, tuple(warnings))

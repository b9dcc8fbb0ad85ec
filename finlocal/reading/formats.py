"""Input formats: what a file's suffix names, and what content says when there is no suffix
to go by (standard input, other suffixes): PDF by its header, HTML by its first tag."""

from __future__ import annotations

import enum
import re
from pathlib import Path

from finlocal.file_types import SUFFIX_TYPES, FileType
from finlocal.reading.decode import bom_encoding


class InputFormat(str, enum.Enum):
    """How an input is read: plain text, Markdown, HTML (visible text) or PDF (text layer)."""

    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"


_TYPES = {
    FileType.TEXT: InputFormat.TXT,
    FileType.MARKDOWN: InputFormat.MD,
    FileType.HTML: InputFormat.HTML,
    FileType.PDF: InputFormat.PDF,
}
SUFFIX_FORMATS = {suffix: _TYPES[t] for suffix, t in SUFFIX_TYPES.items() if t in _TYPES}  # finlocal.file_types
TEXT_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f in (InputFormat.TXT, InputFormat.MD))
HTML_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f is InputFormat.HTML)
PDF_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f is InputFormat.PDF)
#: Suffixes a directory scan picks up (explicitly named files of any suffix are read too).
KNOWN_SUFFIXES = frozenset(SUFFIX_FORMATS)

# The HTML signatures of the WHATWG MIME sniffing standard (section 7.1), case-insensitive.
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)"
    r"(?=[\s>])",
    re.IGNORECASE,
)
_PDF_MAGIC = b"%PDF-"


def format_of_path(path: Path) -> InputFormat | None:
    """The format a file's suffix names, or None for other suffixes."""
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


def sniff_format(head: bytes) -> InputFormat:
    """Recognise PDF (``%PDF-`` in the first 1 KiB) and HTML (a document that starts with one of
    the tags the WHATWG sniffing standard lists, or an XML declaration followed by ``<html``) by
    their content; anything else is plain text."""
    if _PDF_MAGIC in head[:1024]:
        return InputFormat.PDF
    sample = head[:2048]
    bom = bom_encoding(sample)
    encoding, skip = bom if bom is not None else ("utf-8", 0)
    text = sample[skip:].decode(encoding, errors="replace").lstrip()
    if _HTML_START.match(text):
        return InputFormat.HTML
    if text[:5].lower() == "<?xml" and re.search(r"<html[\s>]", text, re.IGNORECASE):
        return InputFormat.HTML
    return InputFormat.TXT

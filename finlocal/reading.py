"""Reading inputs into text: plain text, Markdown, HTML (visible text), PDF (text layer), stdin.

Decoding never raises: UTF-8, UTF-8 with BOM and UTF-16 with BOM are tried first, then cp1252
(latin-1 for the five bytes cp1252 leaves undefined) with a warning. Binary files, unreadable
paths and empty inputs raise `InputError` naming the input, so a batch run can report the input
and go on with the others.

Big plain-text files are read incrementally (`iter_blocks`), in blocks that end at a paragraph
break, so scoring a 200 MB file keeps memory bounded; offsets stay offsets into the whole file.
"""

from __future__ import annotations

import bisect
import codecs
import io
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from finlocal.errors import InputError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
PDF_SUFFIXES = frozenset({".pdf"})
#: Suffixes a directory scan picks up (explicitly named files of any suffix are read as text).
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
#: Plain-text files above this size are streamed in blocks instead of read whole.
STREAM_THRESHOLD_BYTES = 8 << 20
#: Target size of a streamed block, in characters.
BLOCK_CHARS = 1 << 20

_SNIFF_BYTES = 1 << 16
_READ_BYTES = 1 << 18
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
STDIN_SOURCE = "<stdin>"


@dataclass(frozen=True)
class Document:
    """Text read from one input. ``warnings`` say how decoding went when it was not plain UTF-8."""

    source: str
    text: str
    warnings: tuple[str, ...] = ()
    page_starts: tuple[int, ...] = ()
    """PDF only: the offset in ``text`` where each page begins (page 1 first); empty otherwise."""


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
    """A piece of a streamed document; ``offset`` is its character offset in the whole text."""

    offset: int
    text: str


# --------------------------------------------------------------------------------------------
# decoding


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _decode_legacy(data: bytes) -> str:
    """cp1252, with latin-1 for the bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            chunk.decode("cp1252", errors="strict") if i % 2 == 0 else chunk.decode("latin-1")
            for i, chunk in enumerate(re.split(rb"([\x81\x8d\x8f\x90\x9d]+)", data))
        )


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes to text; never raises. Returns the text and warnings about the decoding."""
    warnings: list[str] = []
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        try:
            return data[skip:].decode(encoding), warnings
        except UnicodeDecodeError as exc:
            warnings.append(
                f"invalid {encoding} after its byte-order mark at byte {exc.start + skip}; "
                "undecodable bytes were replaced with U+FFFD"
            )
            return data[skip:].decode(encoding, errors="replace"), warnings
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        warnings.append(
            f"not valid UTF-8 (first bad byte at offset {exc.start}); decoded as cp1252/latin-1"
        )
        return _decode_legacy(data), warnings


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes outside a UTF-16/32 BOM, or many control bytes."""
    sample = data[:_SNIFF_BYTES]
    if not sample:
        return False
    bom = _bom_encoding(sample)
    if bom is not None and bom[0].startswith(("utf-16", "utf-32")):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > 0.05 * len(sample)


# --------------------------------------------------------------------------------------------
# HTML


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


# --------------------------------------------------------------------------------------------
# files


def _read_bytes_of(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory (pass it as a PATH to scan it)") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _checked_text(data: bytes, source: str) -> tuple[str, list[str]]:
    if looks_binary(data):
        raise InputError(f"{source}: looks like a binary file, not text (expected .txt, .md, .html or .pdf)")
    text, warnings = decode(data)
    if not text.strip():
        raise InputError(f"{source}: empty (no text to score)")
    return text, warnings


def read_bytes(data: bytes, source: str) -> Document:
    """Read plain text from bytes (a file's content or stdin)."""
    text, warnings = _checked_text(data, source)
    return Document(source, text, tuple(warnings))


def _read_text_file(path: Path) -> Document:
    return read_bytes(_read_bytes_of(path), str(path))


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


def _read_html_file(path: Path) -> Document:
    data = _read_bytes_of(path)
    charset = _declared_charset(data) if _bom_encoding(data) is None else None
    if charset is not None and charset != "utf-8" and not looks_binary(data):
        try:
            data = data.decode(charset).encode("utf-8")
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall back to the usual decoding
    text, warnings = _checked_text(data, str(path))
    visible = html_to_text(text)
    if not visible.strip():
        raise InputError(f"{path}: the HTML page has no visible text")
    return Document(str(path), visible, tuple(warnings))


def _read_pdf_file(path: Path) -> Document:
    data = _read_bytes_of(path)
    if not data.strip():
        raise InputError(f"{path}: empty (no text to score)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is encrypted; decrypt it first (e.g. qpdf --decrypt)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError as exc:  # AES-encrypted PDFs need the 'cryptography' package
        raise InputError(f"{path}: cannot decrypt this PDF ({exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            ZeroDivisionError, AssertionError, NotImplementedError, OSError, RecursionError) as exc:
        # pypdf raises all of these on malformed files (found by fuzzing corrupted PDFs)
        raise InputError(f"{path}: not a readable PDF ({exc})") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    page_starts, offset = [], 0
    for page in pages:
        page_starts.append(offset)
        if page.strip():
            offset += len(page.strip()) + 2
    if not text.strip():
        raise InputError(
            f"{path}: the PDF has no text layer (a scanned document?); run OCR first "
            "(e.g. ocrmypdf in.pdf out.pdf) and score the result"
        )
    return Document(str(path), text, (), tuple(page_starts))


_READERS: dict[str, Callable[[Path], Document]] = {
    **{suffix: _read_html_file for suffix in HTML_SUFFIXES},
    **{suffix: _read_pdf_file for suffix in PDF_SUFFIXES},
}


def read_path(path: Path) -> Document:
    """Read one file by its suffix: text/Markdown, HTML (visible text) or PDF (text layer).

    Files with other suffixes are read as plain text (binary content is refused).
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower(), _read_text_file)
    return reader(path)


def read_stdin() -> Document:
    """Read all of standard input as plain text."""
    return read_bytes(sys.stdin.buffer.read(), STDIN_SOURCE)


# --------------------------------------------------------------------------------------------
# streaming big text files


def _split_point(text: str, limit: int) -> int:
    """Where to end a block of at most ``limit`` chars: a paragraph break, a line, a space."""
    for pattern in ("\n\n", "\n", " "):
        cut = text.rfind(pattern, 0, limit)
        if cut > limit // 4:
            return cut + len(pattern)
    return limit


def iter_text_blocks(chunks: Iterable[str], block_chars: int | None = None) -> Iterator[Block]:
    """Re-cut a stream of text chunks into blocks that end at paragraph (or line) breaks."""
    block_chars = block_chars or BLOCK_CHARS
    pending = ""
    offset = 0
    for chunk in chunks:
        pending += chunk
        while len(pending) >= 2 * block_chars:
            cut = _split_point(pending, block_chars)
            yield Block(offset, pending[:cut])
            offset += cut
            pending = pending[cut:]
    while pending:
        cut = len(pending) if len(pending) <= block_chars else _split_point(pending, block_chars)
        yield Block(offset, pending[:cut])
        offset += cut
        pending = pending[cut:]


def _iter_decoded(fh: io.BufferedIOBase, source: str, warnings: list[str]) -> Iterator[str]:
    head = fh.read(_SNIFF_BYTES)
    if looks_binary(head):
        raise InputError(f"{source}: looks like a binary file, not text (expected .txt, .md, .html or .pdf)")
    bom = _bom_encoding(head)
    if bom is not None:
        encoding, skip = bom
        head = head[skip:]
    else:
        try:
            # A multi-byte character may be cut at the end of the sniffed bytes.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
            warnings.append("not valid UTF-8; decoded as cp1252")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    replaced = False
    data = head
    while data:
        text = decoder.decode(data)
        if not replaced and "\ufffd" in text:
            replaced = True
        yield text
        data = fh.read(_READ_BYTES)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail
    if replaced:
        warnings.append(f"some bytes were not valid {encoding} and were replaced with U+FFFD")


def iter_stream_blocks(
    fh: io.BufferedIOBase, source: str, block_chars: int | None = None
) -> Iterator[Block]:
    """Stream an open binary file (or stdin) in blocks; `InputError` for binary or empty input."""
    warnings: list[str] = []
    empty = True
    for block in iter_text_blocks(_iter_decoded(fh, source, warnings), block_chars):
        if empty and block.text.strip():
            empty = False
        yield block
    if empty:
        raise InputError(f"{source}: empty (no text to score)")
    for warning in warnings:
        log.warning("%s: %s", source, warning)


def iter_blocks(path: Path, block_chars: int | None = None) -> Iterator[Block]:
    """Stream a plain-text file in blocks; raises `InputError` for binary or empty files."""
    path = Path(path)
    try:
        fh = path.open("rb")
    except OSError:
        _read_bytes_of(path)  # raises the right InputError
        raise
    with fh:
        yield from iter_stream_blocks(fh, str(path), block_chars)


# --------------------------------------------------------------------------------------------
# inputs of a batch run


@dataclass(frozen=True)
class Input:
    """One input of a batch run: a file, stdin (``path`` None), or an input that failed early."""

    source: str
    path: Path | None = None
    error: str | None = None

    @property
    def streams(self) -> bool:
        """Stdin and big plain-text files are scored block by block instead of read whole."""
        if self.error is not None:
            return False
        if self.path is None:
            return True
        if self.path.suffix.lower() in HTML_SUFFIXES | PDF_SUFFIXES:
            return False
        try:
            return self.path.stat().st_size > STREAM_THRESHOLD_BYTES
        except OSError:
            return False

    def read(self) -> Document:
        """The whole document; raises `InputError` for a bad input."""
        if self.error is not None:
            raise InputError(self.error)
        if self.path is None:
            return read_stdin()
        return read_path(self.path)

    def blocks(self) -> Iterator[Block]:
        """The document as blocks (one block unless the file is big); logs decoding warnings."""
        if self.streams:
            if self.path is None:
                yield from iter_stream_blocks(sys.stdin.buffer, STDIN_SOURCE)
            else:
                yield from iter_blocks(self.path)
            return
        document = self.read()
        for warning in document.warnings:
            log.warning("%s: %s", document.source, warning)
        yield Block(0, document.text)


def iter_inputs(paths: Iterable[str | Path], glob: str | None = None) -> Iterator[Input]:
    """Expand PATHs: ``-`` is stdin, directories are scanned recursively.

    In a directory, files matching ``glob`` (default: every .txt/.md/.html/.htm/.pdf file) are
    taken in sorted order; a directory without any yields an `Input` carrying an error, as does
    a path that does not exist, so that nothing is dropped silently.
    """
    for raw in paths:
        if str(raw) == "-":
            yield Input(STDIN_SOURCE)
            continue
        path = Path(raw)
        if path.is_dir():
            found = False
            candidates = path.rglob(glob) if glob else path.rglob("*")
            for file in sorted(candidates):
                if not file.is_file():
                    continue
                if glob is None and file.suffix.lower() not in KNOWN_SUFFIXES:
                    continue
                if any(part.startswith(".") for part in file.relative_to(path).parts):
                    continue
                found = True
                yield Input(str(file), file)
            if not found:
                wanted = f"matching {glob!r}" if glob else "(.txt, .md, .html, .htm, .pdf)"
                yield Input(str(path), path, error=f"{path}: directory has no text files {wanted}")
        elif path.exists():
            yield Input(str(path), path)
        else:
            yield Input(str(path), path, error=f"{path}: no such file or directory")

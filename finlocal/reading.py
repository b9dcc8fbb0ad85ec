"""Reading inputs into text: plain text, Markdown, HTML (visible text), PDF (text layer), stdin.

**One decoder.** Every input that is text — a file read whole, a big file or standard input read
in blocks — goes through `Decoder`, whose text and warnings do not depend on how the bytes are
cut: a byte-order mark (UTF-8, UTF-16, UTF-32) decides the encoding; otherwise the bytes are
UTF-8, and each byte that is not part of a valid UTF-8 sequence is read as cp1252 (latin-1 for
the five bytes cp1252 leaves undefined), with a warning. Decoding never raises. Binary content,
unreadable paths and empty inputs raise `InputError` naming the input, so a batch run can report
the input and go on with the others.

**Formats.** A file's suffix says its format (`InputFormat`); standard input and files with other
suffixes are recognised by their content (HTML and PDF, `sniff_format`), else read as plain text;
a format passed explicitly wins. Markdown is read with markdown-it-py (`finlocal.markdown_text`):
its markup is blanked in place, so the document keeps the file's offsets.

**Same bytes, same document.** Files and standard input take the same path (`Input.blocks`): up
to `STREAM_THRESHOLD_BYTES` the input is read whole; plain text beyond that is streamed in blocks
that end at a paragraph break (offsets stay offsets into the whole text), so memory stays bounded.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import enum
import io
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from finlocal.errors import InputError
from finlocal.splitting import Region, SplitMode

log = logging.getLogger(__name__)


class InputFormat(str, enum.Enum):
    """How an input is read: plain text, Markdown, HTML (visible text) or PDF (text layer)."""

    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"


SUFFIX_FORMATS: dict[str, InputFormat] = {
    ".txt": InputFormat.TXT, ".text": InputFormat.TXT,
    ".md": InputFormat.MD, ".markdown": InputFormat.MD,
    ".html": InputFormat.HTML, ".htm": InputFormat.HTML, ".xhtml": InputFormat.HTML,
    ".pdf": InputFormat.PDF,
}
TEXT_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f in (InputFormat.TXT, InputFormat.MD))
HTML_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f is InputFormat.HTML)
PDF_SUFFIXES = frozenset(s for s, f in SUFFIX_FORMATS.items() if f is InputFormat.PDF)
#: Suffixes a directory scan picks up (explicitly named files of any suffix are read too).
KNOWN_SUFFIXES = frozenset(SUFFIX_FORMATS)
#: Plain text above this size (file or stdin) is streamed in blocks instead of read whole.
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
    """Text read from one input. ``warnings`` say how decoding went when it was not plain UTF-8.

    ``regions`` are the blocks of visible text a structured reader found (Markdown: paragraphs,
    headings, list items, table cells); empty when the whole text is one block.
    """

    source: str
    text: str
    warnings: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
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
    """A piece of a document; ``offset`` is its character offset in the whole text, ``regions``
    (offsets into ``text``) are the document's when the document is one block."""

    offset: int
    text: str
    regions: tuple[Region, ...] = ()


# --------------------------------------------------------------------------------------------
# decoding


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
# A byte that is not valid UTF-8 comes out of the "surrogateescape" handler as U+DC80..U+DCFF.
_LEGACY = {
    chr(0xDC00 + b): chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252")
    for b in range(0x80, 0x100)
}
_ESCAPED = re.compile("[\udc80-\udcff]")
_WIDE_DECODERS: dict[str, Callable[..., tuple[str, int]]] = {
    "utf-16-le": codecs.utf_16_le_decode,
    "utf-16-be": codecs.utf_16_be_decode,
    "utf-32-le": codecs.utf_32_le_decode,
    "utf-32-be": codecs.utf_32_be_decode,
}


class Decoder:
    """Bytes to text, fed in pieces; the text and the warnings are the same however the bytes
    are cut (`decode` is this with one piece). Never raises.

    * A byte-order mark decides the encoding and is dropped.
    * Otherwise the bytes are UTF-8 (with a UTF-8 BOM too), and every byte that is not part of a
      valid UTF-8 sequence is read as cp1252, or as latin-1 for the five bytes cp1252 leaves
      undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): a cp1252 file decodes as cp1252, and a stray
      cp1252 byte in a UTF-8 file ("Caf\\xe9") costs that byte only.
    * Bytes that are not valid UTF-16/32 after a UTF-16/32 BOM become U+FFFD.

    A character cut by the end of a piece waits for the next one; bytes still incomplete at the
    end count as invalid.
    """

    def __init__(self) -> None:
        self._pending = b""  # bytes not decoded yet: a possible BOM or an incomplete character
        self._offset = 0  # input offset of _pending[0]
        self._encoding: str | None = None
        self._bad = 0
        self._first_bad: int | None = None

    @property
    def encoding(self) -> str | None:
        """The encoding chosen (None until the first bytes decided it)."""
        return self._encoding

    def decode(self, data: bytes, final: bool = False) -> str:
        """The text of ``data`` (and of bytes held back from earlier pieces); ``final`` for the
        last piece."""
        buf = self._pending + data if self._pending else bytes(data)
        if self._encoding is None:
            if len(buf) < 4 and not final:  # a BOM is up to 4 bytes long
                self._pending = buf
                return ""
            bom = _bom_encoding(buf)
            self._encoding, skip = bom if bom is not None else ("utf-8", 0)
            buf = buf[skip:]
            self._offset = skip
        if self._encoding == "utf-8":
            text, used = self._decode_utf8(buf, final)
        else:
            text, used = self._decode_wide(buf, final)
        self._pending = buf[used:]
        self._offset += used
        return text

    def _note_bad(self, offset: int, count: int) -> None:
        if self._first_bad is None:
            self._first_bad = offset
        self._bad += count

    def _decode_utf8(self, buf: bytes, final: bool) -> tuple[str, int]:
        try:
            return codecs.utf_8_decode(buf, "strict", final)  # the common case, at C speed
        except UnicodeDecodeError:
            pass
        text, used = codecs.utf_8_decode(buf, "surrogateescape", final)
        first = _ESCAPED.search(text)
        if first is None:  # pragma: no cover - strict decoding failed, so something was escaped
            return text, used
        if self._first_bad is None:
            self._first_bad = self._offset + len(text[:first.start()].encode("utf-8", "surrogateescape"))
        text, count = _ESCAPED.subn(lambda m: _LEGACY[m.group()], text)
        self._bad += count
        return text, used

    def _decode_wide(self, buf: bytes, final: bool) -> tuple[str, int]:
        decode = _WIDE_DECODERS[self._encoding or ""]
        view = memoryview(buf)
        parts: list[str] = []
        pos = 0
        while True:
            try:
                text, used = decode(view[pos:], "strict", final)
            except UnicodeDecodeError as exc:
                if exc.start:
                    parts.append(decode(view[pos:pos + exc.start], "strict", True)[0])
                self._note_bad(self._offset + pos + exc.start, exc.end - exc.start)
                parts.append("\ufffd")
                pos += exc.end
                continue
            parts.append(text)
            return "".join(parts), pos + used

    @property
    def warnings(self) -> tuple[str, ...]:
        """What went wrong so far, in words (empty when every byte was valid)."""
        if not self._bad:
            return ()
        where = f"first bad byte at offset {self._first_bad}, {self._bad} in all"
        if self._encoding == "utf-8":
            return (f"not valid UTF-8 ({where}); those bytes were decoded as cp1252/latin-1",)
        return (f"invalid {self._encoding} after its byte-order mark ({where}); "
                "undecodable bytes were replaced with U+FFFD",)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes to text with `Decoder`; never raises. Returns the text and warnings."""
    decoder = Decoder()
    text = decoder.decode(data, final=True)
    return text, list(decoder.warnings)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes outside a UTF-16/32 BOM, or many control bytes.

    Only the first 64 KiB are looked at, in a file read whole and in a stream alike.
    """
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
# formats

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
    bom = _bom_encoding(sample)
    encoding, skip = bom if bom is not None else ("utf-8", 0)
    text = sample[skip:].decode(encoding, errors="replace").lstrip()
    if _HTML_START.match(text):
        return InputFormat.HTML
    if text[:5].lower() == "<?xml" and re.search(r"<html[\s>]", text, re.IGNORECASE):
        return InputFormat.HTML
    return InputFormat.TXT


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
# reading one input whole


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


def _binary_error(source: str) -> InputError:
    return InputError(f"{source}: looks like a binary file, not text (expected .txt, .md, .html or .pdf)")


def _checked_text(data: bytes, source: str) -> tuple[str, list[str]]:
    if looks_binary(data):
        raise _binary_error(source)
    text, warnings = decode(data)
    if not text.strip():
        raise InputError(f"{source}: empty (no text to score)")
    return text, warnings


def _read_text(data: bytes, source: str) -> Document:
    text, warnings = _checked_text(data, source)
    return Document(source, text, tuple(warnings))


def _read_markdown(data: bytes, source: str) -> Document:
    from finlocal.markdown_text import visible_text

    text, warnings = _checked_text(data, source)
    blanked, regions = visible_text(text)
    if not regions:
        raise InputError(f"{source}: the Markdown has no text outside code, HTML and markup")
    return Document(source, blanked, tuple(warnings), regions)


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


def _read_html(data: bytes, source: str) -> Document:
    charset = _declared_charset(data) if _bom_encoding(data) is None else None
    if charset is not None and charset != "utf-8" and not looks_binary(data):
        try:
            data = data.decode(charset).encode("utf-8")
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall back to the usual decoding
    text, warnings = _checked_text(data, source)
    visible = html_to_text(text)
    if not visible.strip():
        raise InputError(f"{source}: the HTML page has no visible text")
    return Document(source, visible, tuple(warnings))


def _read_pdf(data: bytes, source: str) -> Document:
    if not data.strip():
        raise InputError(f"{source}: empty (no text to score)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{source}: the PDF is encrypted; decrypt it first (e.g. qpdf --decrypt)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError as exc:  # AES-encrypted PDFs need the 'cryptography' package
        raise InputError(f"{source}: cannot decrypt this PDF ({exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            ZeroDivisionError, AssertionError, NotImplementedError, OSError, RecursionError) as exc:
        # pypdf raises all of these on malformed files (found by fuzzing corrupted PDFs)
        raise InputError(f"{source}: not a readable PDF ({exc})") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    page_starts, offset = [], 0
    for page in pages:
        page_starts.append(offset)
        if page.strip():
            offset += len(page.strip()) + 2
    if not text.strip():
        raise InputError(
            f"{source}: the PDF has no text layer (a scanned document?); run OCR first "
            "(e.g. ocrmypdf in.pdf out.pdf) and score the result"
        )
    return Document(source, text, (), page_starts=tuple(page_starts))


_READERS: dict[InputFormat, Callable[[bytes, str], Document]] = {
    InputFormat.TXT: _read_text,
    InputFormat.MD: _read_markdown,
    InputFormat.HTML: _read_html,
    InputFormat.PDF: _read_pdf,
}


def read_bytes(data: bytes, source: str, input_format: InputFormat | None = None) -> Document:
    """Read a whole input from its bytes (a file's content or stdin) in ``input_format``, or in
    the format `sniff_format` recognises when None."""
    return _READERS[input_format or sniff_format(data)](data, source)


def read_path(path: Path, input_format: InputFormat | None = None) -> Document:
    """Read one file whole: in ``input_format`` if given, else by its suffix (text, Markdown,
    HTML, PDF), else by its content (HTML and PDF are recognised, the rest is plain text)."""
    path = Path(path)
    data = _read_bytes_of(path)
    return read_bytes(data, str(path), input_format or format_of_path(path))


def read_stdin(input_format: InputFormat | None = None) -> Document:
    """Read all of standard input: in ``input_format`` if given, else as its content says."""
    return read_bytes(sys.stdin.buffer.read(), STDIN_SOURCE, input_format)


# --------------------------------------------------------------------------------------------
# streaming big plain text


def _split_point(text: str, limit: int) -> int:
    """Where to end a block of at most ``limit`` chars: a paragraph break, a line, a space."""
    for pattern in ("\n\n", "\n", " "):
        cut = text.rfind(pattern, 0, limit)
        if cut > limit // 4:
            return cut + len(pattern)
    return limit


def iter_text_blocks(chunks: Iterable[str], block_chars: int | None = None) -> Iterator[Block]:
    """Re-cut a stream of text chunks into blocks that end at paragraph (or line) breaks.

    Where the blocks end depends on the text only, not on how it was cut into chunks.
    """
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


def _read_up_to(fh: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the input (a pipe may return short reads)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        part = fh.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _byte_chunks(fh: BinaryIO, head: bytes) -> Iterator[bytes]:
    for start in range(0, len(head), _READ_BYTES):
        yield head[start:start + _READ_BYTES]
    while chunk := fh.read(_READ_BYTES):
        yield chunk


def _decoded(chunks: Iterable[bytes], decoder: Decoder) -> Iterator[str]:
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _stream(fh: BinaryIO, head: bytes, source: str, block_chars: int | None) -> Iterator[Block]:
    """Decode and block ``head`` and the rest of ``fh``; `InputError` for binary or empty input,
    decoding warnings logged at the end."""
    if looks_binary(head):
        raise _binary_error(source)
    decoder = Decoder()
    empty = True
    for block in iter_text_blocks(_decoded(_byte_chunks(fh, head), decoder), block_chars):
        if empty and block.text.strip():
            empty = False
        yield block
    if empty:
        raise InputError(f"{source}: empty (no text to score)")
    for warning in decoder.warnings:
        log.warning("%s: %s", source, warning)


def iter_stream_blocks(
    fh: BinaryIO, source: str, block_chars: int | None = None
) -> Iterator[Block]:
    """Stream an open binary file (or stdin) as plain text in blocks, whatever its size;
    `InputError` for binary or empty input."""
    yield from _stream(fh, _read_up_to(fh, _SNIFF_BYTES), source, block_chars)


def _open_path(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError:
        _read_bytes_of(path)  # raises the right InputError
        raise


def iter_blocks(path: Path, block_chars: int | None = None) -> Iterator[Block]:
    """Stream a plain-text file in blocks; raises `InputError` for binary or empty files."""
    path = Path(path)
    with _open_path(path) as fh:
        yield from iter_stream_blocks(fh, str(path), block_chars)


# --------------------------------------------------------------------------------------------
# inputs of a batch run


@dataclass(frozen=True)
class Input:
    """One input of a batch run: a file, stdin (``path`` None), or an input that failed early.

    ``input_format`` forces a format; None reads a file by its suffix, stdin (and files with
    other suffixes) by their content.
    """

    source: str
    path: Path | None = None
    error: str | None = None
    input_format: InputFormat | None = None

    def read(self) -> Document:
        """The whole document; raises `InputError` for a bad input."""
        if self.error is not None:
            raise InputError(self.error)
        if self.path is None:
            return read_stdin(self.input_format)
        return read_path(self.path, self.input_format)

    @contextlib.contextmanager
    def _open(self) -> Iterator[BinaryIO]:
        if self.path is None:
            yield sys.stdin.buffer
            return
        with _open_path(self.path) as fh:
            yield fh

    def blocks(self, split: SplitMode = SplitMode.SENTENCES) -> Iterator[Block]:
        """The document as blocks; logs decoding warnings.

        Files and stdin are treated alike: up to `STREAM_THRESHOLD_BYTES` the input is read
        whole (one block); beyond that, plain text is streamed in blocks of about `BLOCK_CHARS`
        characters, unless ``split`` is `SplitMode.NONE` (the input is one item, so it is read
        whole). Markdown, HTML and PDF are always read whole.
        """
        if self.error is not None:
            raise InputError(self.error)
        with self._open() as fh:
            head = _read_up_to(fh, STREAM_THRESHOLD_BYTES + 1)
            fmt = self.input_format or (format_of_path(self.path) if self.path else None)
            fmt = fmt or sniff_format(head)
            if len(head) > STREAM_THRESHOLD_BYTES and fmt is InputFormat.TXT and split is not SplitMode.NONE:
                yield from _stream(fh, head, self.source, None)
                return
            data = head + fh.read()
        document = read_bytes(data, self.source, fmt)
        for warning in document.warnings:
            log.warning("%s: %s", document.source, warning)
        yield Block(0, document.text, document.regions)


def iter_inputs(paths: Iterable[str | Path], glob: str | None = None,
                input_format: InputFormat | None = None) -> Iterator[Input]:
    """Expand PATHs: ``-`` is stdin, directories are scanned recursively.

    In a directory, files matching ``glob`` (default: every .txt/.md/.html/.htm/.pdf file) are
    taken in sorted order; a directory without any yields an `Input` carrying an error, as does
    a path that does not exist, so that nothing is dropped silently. ``input_format`` is passed
    on to every input.
    """
    for raw in paths:
        if str(raw) == "-":
            yield Input(STDIN_SOURCE, input_format=input_format)
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
                yield Input(str(file), file, input_format=input_format)
            if not found:
                wanted = f"matching {glob!r}" if glob else "(.txt, .md, .html, .htm, .pdf)"
                yield Input(str(path), path, error=f"{path}: directory has no text files {wanted}")
        elif path.exists():
            yield Input(str(path), path, input_format=input_format)
        else:
            yield Input(str(path), path, error=f"{path}: no such file or directory")

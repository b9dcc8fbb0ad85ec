"""Reading one input whole (a file or standard input, in the format asked for or recognised),
and the inputs of a batch run, read whole or streamed as `Input.blocks` decides."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from finlocal.errors import InputError
from finlocal.reading.decode import checked_text
from finlocal.reading.document import STDIN_SOURCE, Block, Document
from finlocal.reading.files import open_file, read_file_bytes
from finlocal.reading.formats import KNOWN_SUFFIXES, InputFormat, format_of_path, sniff_format
from finlocal.reading.html import read_html
from finlocal.reading.pdf import read_pdf
from finlocal.reading.stream import read_up_to, stream_blocks
from finlocal.reading.text import text_structure
from finlocal.structure import SplitMode

log = logging.getLogger(__name__)

#: Plain text above this size (file or stdin) is streamed in blocks instead of read whole.
STREAM_THRESHOLD_BYTES = 8 << 20


def _read_text(data: bytes, source: str) -> Document:
    """Plain text, with its headings, list items and aligned tables (`text_structure`)."""
    text, warnings = checked_text(data, source)
    structure = text_structure(text)
    return Document(source, text, tuple(warnings), structure.regions, tables=structure.tables)


def _read_markdown(data: bytes, source: str) -> Document:
    from finlocal.reading.markdown import read_markdown  # markdown-it only when needed

    return read_markdown(data, source)


_READERS: dict[InputFormat, Callable[[bytes, str], Document]] = {
    InputFormat.TXT: _read_text,
    InputFormat.MD: _read_markdown,
    InputFormat.HTML: read_html,
    InputFormat.PDF: read_pdf,
}


def read_bytes(data: bytes, source: str, input_format: InputFormat | None = None) -> Document:
    """Read a whole input from its bytes (a file's content or stdin) in ``input_format``, or in
    the format `sniff_format` recognises when None."""
    return _READERS[input_format or sniff_format(data)](data, source)


def read_path(path: Path, input_format: InputFormat | None = None) -> Document:
    """Read one file whole: in ``input_format`` if given, else by its suffix (text, Markdown,
    HTML, PDF), else by its content (HTML and PDF are recognised, the rest is plain text)."""
    path = Path(path)
    data = read_file_bytes(path)
    return read_bytes(data, str(path), input_format or format_of_path(path))


def read_stdin(input_format: InputFormat | None = None) -> Document:
    """Read all of standard input: in ``input_format`` if given, else as its content says."""
    return read_bytes(sys.stdin.buffer.read(), STDIN_SOURCE, input_format)


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
        with open_file(self.path) as fh:
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
            head = read_up_to(fh, STREAM_THRESHOLD_BYTES + 1)
            fmt = self.input_format or (format_of_path(self.path) if self.path else None)
            fmt = fmt or sniff_format(head)
            if len(head) > STREAM_THRESHOLD_BYTES and fmt is InputFormat.TXT and split is not SplitMode.NONE:
                yield from stream_blocks(fh, head, self.source, None)
                return
            data = head + fh.read()
        document = read_bytes(data, self.source, fmt)
        for warning in document.warnings:
            log.warning("%s: %s", document.source, warning)
        yield Block(0, document.text, document.regions)


def iter_inputs(
    paths: Iterable[str | Path], glob: str | None = None, input_format: InputFormat | None = None
) -> Iterator[Input]:
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

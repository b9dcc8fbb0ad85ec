"""Big plain text streamed in blocks that end at paragraph breaks, so memory stays bounded;
offsets stay offsets into the whole text, and where blocks end depends on the text only. Each
block is read for its structure (`finlocal.reading.text`) as a whole text file is."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from finlocal.errors import InputError
from finlocal.reading.decode import SNIFF_BYTES, Decoder, binary_error, looks_binary
from finlocal.reading.document import Block
from finlocal.reading.files import open_file
from finlocal.reading.text import text_structure

log = logging.getLogger(__name__)

#: Target size of a streamed block, in characters.
BLOCK_CHARS = 1 << 20
_READ_BYTES = 1 << 18


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


def read_up_to(fh: BinaryIO, size: int) -> bytes:
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
        yield head[start : start + _READ_BYTES]
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


def stream_blocks(fh: BinaryIO, head: bytes, source: str, block_chars: int | None) -> Iterator[Block]:
    """Decode and block ``head`` and the rest of ``fh``; `InputError` for binary or empty input,
    decoding warnings logged at the end."""
    if looks_binary(head):
        raise binary_error(source)
    decoder = Decoder()
    empty = True
    for block in iter_text_blocks(_decoded(_byte_chunks(fh, head), decoder), block_chars):
        if empty and block.text.strip():
            empty = False
        # each block read as plain text is (headings, list items, tables), as a whole file is
        yield Block(block.offset, block.text, text_structure(block.text).regions)
    if empty:
        raise InputError(f"{source}: empty (no text to score)")
    for warning in decoder.warnings:
        log.warning("%s: %s", source, warning)


def iter_stream_blocks(fh: BinaryIO, source: str, block_chars: int | None = None) -> Iterator[Block]:
    """Stream an open binary file (or stdin) as plain text in blocks, whatever its size;
    `InputError` for binary or empty input."""
    yield from stream_blocks(fh, read_up_to(fh, SNIFF_BYTES), source, block_chars)


def iter_blocks(path: Path, block_chars: int | None = None) -> Iterator[Block]:
    """Stream a plain-text file in blocks; raises `InputError` for binary or empty files."""
    path = Path(path)
    with open_file(path) as fh:
        yield from iter_stream_blocks(fh, str(path), block_chars)

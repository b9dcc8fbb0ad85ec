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
a format passed explicitly wins. Markdown is read with markdown-it-py (`finlocal.reading.markdown`):
its markup is blanked in place, so the document keeps the file's offsets.

**Structure.** A document's blocks are `Region`s of a `RowKind` (sentence, heading, table row)
and its tables `Table`s (`finlocal.structure`): Markdown's from its parse; plain text's, a PDF's
text layer's (without its running headers and footers) and a code fence's tables from their
layout (`text`: headings, list items, datelines, aligned tables).

**Same bytes, same document.** Files and standard input take the same path (`Input.blocks`): up
to `STREAM_THRESHOLD_BYTES` the input is read whole; plain text beyond that is streamed in blocks
that end at a paragraph break (offsets stay offsets into the whole text), so memory stays bounded.

The package, by section: `document` (what reading gives), `decode`, `formats` (suffixes and
sniffing), `html` (HTML and SEC filings as filed, parsed into `blocks`, whose page `furniture`
is dropped, whose tables `html_tables` reads, and which `html_document` makes a document of),
`markdown`, `pdf`, `text` (the structure of plain text), `stream` (big plain text in blocks),
`files` (opening a path) and `inputs` (one input read whole, the inputs of a batch run). Import
from here; docs/documents.md says how each format is read.
"""

from __future__ import annotations

from finlocal.reading.decode import Decoder, decode, looks_binary
from finlocal.reading.document import STDIN_SOURCE, Block, Document, page_of
from finlocal.reading.formats import (
    HTML_SUFFIXES,
    KNOWN_SUFFIXES,
    PDF_SUFFIXES,
    SUFFIX_FORMATS,
    TEXT_SUFFIXES,
    InputFormat,
    format_of_path,
    sniff_format,
)
from finlocal.reading.html import html_to_text
from finlocal.reading.inputs import (
    STREAM_THRESHOLD_BYTES,
    Input,
    iter_inputs,
    read_bytes,
    read_path,
    read_stdin,
)
from finlocal.reading.stream import BLOCK_CHARS, iter_blocks, iter_stream_blocks, iter_text_blocks

__all__ = [
    "BLOCK_CHARS",
    "HTML_SUFFIXES",
    "KNOWN_SUFFIXES",
    "PDF_SUFFIXES",
    "STDIN_SOURCE",
    "STREAM_THRESHOLD_BYTES",
    "SUFFIX_FORMATS",
    "TEXT_SUFFIXES",
    "Block",
    "Decoder",
    "Document",
    "Input",
    "InputFormat",
    "decode",
    "format_of_path",
    "html_to_text",
    "iter_blocks",
    "iter_inputs",
    "iter_stream_blocks",
    "iter_text_blocks",
    "looks_binary",
    "page_of",
    "read_bytes",
    "read_path",
    "read_stdin",
    "sniff_format",
]

"""Bytes to text: one decoder for every input, whole or streamed, and the binary check.

A byte-order mark (UTF-8, UTF-16, UTF-32) decides the encoding; otherwise the bytes are UTF-8,
and each byte that is not part of a valid UTF-8 sequence is read as cp1252 (latin-1 for the five
bytes cp1252 leaves undefined), with a warning. Decoding never raises, and its text and warnings
do not depend on how the bytes are cut.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from finlocal.errors import InputError

#: How much of an input the binary check (and format sniffing) looks at.
SNIFF_BYTES = 1 << 16
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``data`` names, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
# A byte that is not valid UTF-8 comes out of the "surrogateescape" handler as U+DC80..U+DCFF.
_LEGACY = {
    chr(0xDC00 + b): chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in range(0x80, 0x100)
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
            bom = bom_encoding(buf)
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
            self._first_bad = self._offset + len(text[: first.start()].encode("utf-8", "surrogateescape"))
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
                    parts.append(decode(view[pos : pos + exc.start], "strict", True)[0])
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
        return (
            f"invalid {self._encoding} after its byte-order mark ({where}); "
            "undecodable bytes were replaced with U+FFFD",
        )


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes to text with `Decoder`; never raises. Returns the text and warnings."""
    decoder = Decoder()
    text = decoder.decode(data, final=True)
    return text, list(decoder.warnings)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes outside a UTF-16/32 BOM, or many control bytes.

    Only the first 64 KiB are looked at, in a file read whole and in a stream alike.
    """
    sample = data[:SNIFF_BYTES]
    if not sample:
        return False
    bom = bom_encoding(sample)
    if bom is not None and bom[0].startswith(("utf-16", "utf-32")):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > 0.05 * len(sample)


def binary_error(source: str) -> InputError:
    """The error for an input that `looks_binary`."""
    return InputError(f"{source}: looks like a binary file, not text (expected .txt, .md, .html or .pdf)")


def checked_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """The text of a whole input and its decoding warnings; `InputError` when it is binary or
    has no text."""
    if looks_binary(data):
        raise binary_error(source)
    text, warnings = decode(data)
    if not text.strip():
        raise InputError(f"{source}: empty (no text to score)")
    return text, warnings

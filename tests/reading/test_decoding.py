"""One decoder: a file read whole and the same bytes streamed (any cuts) give the same text.

The properties cut arbitrary bytes (biased towards almost-UTF-8, BOMs and cp1252) at arbitrary
places, feed them to `Decoder` and to the real streaming path (a stream that returns short
reads), and compare with `decode` and `read_bytes` of the whole input: same text, same warnings,
same block offsets.
"""

from __future__ import annotations

import codecs
import io
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import finlocal.reading as reading
from finlocal.errors import InputError
from finlocal.reading import (
    STDIN_SOURCE,
    Decoder,
    Input,
    InputFormat,
    decode,
    iter_stream_blocks,
    read_bytes,
    sniff_format,
)

_BOMS = [
    b"",
    b"",
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
]
_PIECES = st.one_of(
    st.binary(max_size=6),
    st.text(max_size=6).map(lambda t: t.encode("utf-8")),
    st.text(alphabet="aé€–ü ™\n", max_size=6).map(lambda t: t.encode("cp1252")),
    st.text(max_size=4).map(lambda t: t.encode("utf-16-le", errors="surrogatepass")),
    st.sampled_from([b"\x81", b"\x8d", b"\x9d", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf0\x9f"]),
)
BYTES = st.tuples(st.sampled_from(_BOMS), st.lists(_PIECES, max_size=40)).map(lambda t: t[0] + b"".join(t[1]))


def _cut(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]


@given(BYTES, st.lists(st.integers(min_value=0, max_value=400), max_size=12))
@settings(max_examples=600, deadline=None)
def test_streamed_decoding_equals_whole_decoding(data: bytes, cuts: list[int]) -> None:
    whole, warnings = decode(data)
    decoder = Decoder()
    streamed = "".join(decoder.decode(piece) for piece in _cut(data, cuts))
    streamed += decoder.decode(b"", final=True)
    assert streamed == whole
    assert list(decoder.warnings) == warnings


@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=8))
@settings(max_examples=300, deadline=None)
def test_streamed_decoding_equals_whole_decoding_for_any_bytes(data: bytes, cuts: list[int]) -> None:
    whole, warnings = decode(data)
    decoder = Decoder()
    streamed = "".join(decoder.decode(piece) for piece in _cut(data, cuts))
    assert streamed + decoder.decode(b"", final=True) == whole
    assert list(decoder.warnings) == warnings


class ShortReads(io.RawIOBase):
    """A binary stream that returns at most the next cut's worth of bytes per read (a pipe)."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data = data
        self._pos = 0
        self._sizes = sizes or [1 << 30]
        self._i = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        size = self._sizes[self._i % len(self._sizes)]
        self._i += 1
        if n is None or n < 0:
            n = len(self._data)
        chunk = self._data[self._pos : self._pos + min(n, size)]
        self._pos += len(chunk)
        return chunk


@given(BYTES, st.lists(st.integers(min_value=1, max_value=50), max_size=8), st.integers(min_value=8, max_value=64))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_stream_blocks_join_to_the_whole_document(data: bytes, sizes: list[int], block: int) -> None:
    try:
        document = read_bytes(data, "x", InputFormat.TXT)
    except InputError as exc:
        with pytest.raises(InputError) as streamed_exc:
            list(iter_stream_blocks(ShortReads(data, sizes), "x", block_chars=block))
        assert str(streamed_exc.value) == str(exc)
        return
    blocks = list(iter_stream_blocks(ShortReads(data, sizes), "x", block_chars=block))
    assert "".join(b.text for b in blocks) == document.text
    for b in blocks:
        assert document.text[b.offset : b.offset + len(b.text)] == b.text


def test_bytes_undefined_in_cp1252_read_the_same_whole_and_streamed() -> None:
    data = b"Revenue \x81 rose \x9d. Caf\xe9 \x80 5."
    whole, warnings = decode(data)
    assert whole == "Revenue \x81 rose \x9d. Café € 5."
    blocks = list(iter_stream_blocks(io.BytesIO(data), "x"))
    assert "".join(b.text for b in blocks) == whole


def test_a_bad_byte_after_the_first_64_kib_reads_the_same_whole_and_streamed(caplog) -> None:
    data = b"Sales rose. " * 6000 + b"Caf\xe9 au lait fell."  # the bad byte is past 64 KiB
    text, warnings = decode(data)
    assert text.endswith("Café au lait fell.")
    with caplog.at_level(logging.WARNING, logger="finlocal.reading"):
        streamed = "".join(b.text for b in iter_stream_blocks(ShortReads(data, [4096]), "x", block_chars=1000))
    assert streamed == text
    assert [r.getMessage() for r in caplog.records] == [f"x: {w}" for w in warnings]
    assert "offset 72003" in warnings[0] and "1 in all" in warnings[0]


def test_utf8_with_a_stray_cp1252_byte_keeps_its_other_characters() -> None:
    text, warnings = decode("Zürich – 5 € ".encode() + b"caf\xe9")
    assert text == "Zürich – 5 € café"
    assert "not valid UTF-8" in warnings[0]


def test_invalid_utf16_after_its_bom_is_replaced_and_reported() -> None:
    data = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8" + "c".encode("utf-16-le") + b"x"
    text, warnings = decode(data)
    assert text == "ab\ufffdc\ufffd"
    assert "utf-16-le" in warnings[0] and "offset 6" in warnings[0] and "U+FFFD" in warnings[0]


# --------------------------------------------------------------------------------------------
# files and stdin take one path


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr("sys.stdin", Stdin())


@pytest.mark.parametrize("threshold", [None, 1000], ids=["whole", "streamed"])
@pytest.mark.parametrize(
    "data",
    [
        "Net sales rose 5 %.\n\nProfit fell. Caf\u00e9.\n".encode() * 200,
        "Umsatz in Z\u00fcrich stieg \u2013 gut.\n\n".encode("cp1252") * 200 + b"\x81 end.",
        codecs.BOM_UTF16_LE + "Sales rose.\n\nCosts fell.\n".encode("utf-16-le") * 200,
    ],
)
def test_stdin_and_the_file_give_the_same_blocks(
    data: bytes, threshold: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    if threshold is not None:
        monkeypatch.setattr("finlocal.reading.inputs.STREAM_THRESHOLD_BYTES", threshold)
        monkeypatch.setattr("finlocal.reading.stream.BLOCK_CHARS", 500)
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    with caplog.at_level(logging.WARNING, logger="finlocal.reading"):
        from_file = list(Input(str(path), path).blocks())
        file_warnings = [r.getMessage().removeprefix(str(path)) for r in caplog.records]
        caplog.clear()
        _stdin(monkeypatch, data)
        from_stdin = list(Input(STDIN_SOURCE).blocks())
        stdin_warnings = [r.getMessage().removeprefix(STDIN_SOURCE) for r in caplog.records]
    assert from_stdin == from_file
    assert (len(from_file) > 1) is (threshold is not None)
    assert stdin_warnings == file_warnings


def test_stdin_html_and_pdf_are_recognised_by_content(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        b"<!DOCTYPE html><html><head><script>var x = 'Revenue fell';</script></head>"
        b"<body><p>Sales rose.</p></body></html>"
    )
    _stdin(monkeypatch, page)
    [block] = Input(STDIN_SOURCE).blocks()
    assert block.text == "Sales rose."
    _stdin(monkeypatch, page)
    [raw] = Input(STDIN_SOURCE, input_format=InputFormat.TXT).blocks()  # forced: read as text
    assert "var x" in raw.text
    _stdin(monkeypatch, b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(InputError, match="<stdin>: not a readable PDF"):
        list(Input(STDIN_SOURCE).blocks())


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"<!DOCTYPE html>\n<html>", InputFormat.HTML),
        (b"  \n<HTML lang=en>", InputFormat.HTML),
        (b"<p>Sales rose.</p>", InputFormat.HTML),
        (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", InputFormat.HTML),
        (codecs.BOM_UTF16_LE + "<html><body>x".encode("utf-16-le"), InputFormat.HTML),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", InputFormat.PDF),
        (b"Sales rose.\n<p> is a tag", InputFormat.TXT),
        (b"<EUR 5m> of revenue", InputFormat.TXT),
        (b"<?xml version='1.0'?><data/>", InputFormat.TXT),
        (b"# Title\n\n**Sales** rose.", InputFormat.TXT),  # Markdown is not guessed
        (b"", InputFormat.TXT),
    ],
)
def test_sniff_format(head: bytes, expected: InputFormat) -> None:
    assert sniff_format(head) is expected


def test_unknown_suffix_is_sniffed_and_known_suffix_is_trusted(tmp_path: Path) -> None:
    page = "<html><body><p>Sales rose.</p></body></html>"
    (tmp_path / "page").write_text(page)
    (tmp_path / "page.txt").write_text(page)
    assert reading.read_path(tmp_path / "page").text == "Sales rose."
    assert reading.read_path(tmp_path / "page.txt").text == page
    assert reading.read_path(tmp_path / "page.txt", InputFormat.HTML).text == "Sales rose."

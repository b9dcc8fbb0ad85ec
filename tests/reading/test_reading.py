"""Reading inputs: decoding, HTML, PDF, binary/empty detection, directory expansion, streaming."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.errors import InputError
from finlocal.reading import (
    decode,
    html_to_text,
    iter_blocks,
    iter_inputs,
    iter_text_blocks,
    page_of,
    read_bytes,
    read_path,
)
from finlocal.reading.pdf import page_text
from finlocal.splitting import split_text
from finlocal.structure import RowKind, SplitMode

TEXT = "Net sales rose 5 % to EUR 131 mn. Operating profit fell – to €9.8m."


@pytest.mark.parametrize(
    ("data", "warns"),
    [
        (TEXT.encode("utf-8"), False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), False),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), False),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), False),
    ],
)
def test_decode_unicode_encodings(data: bytes, warns: bool) -> None:
    text, warnings = decode(data)
    assert text == TEXT
    assert bool(warnings) is warns


def test_decode_falls_back_to_cp1252_with_a_warning() -> None:
    text, warnings = decode(TEXT.encode("cp1252"))
    assert text == TEXT
    assert warnings and "cp1252" in warnings[0]


def test_decode_bytes_undefined_in_cp1252_use_latin1() -> None:
    text, warnings = decode(b"caf\xe9 \x81 \x9d end")
    assert text == "café \x81 \x9d end"
    assert warnings


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_decode_never_raises(data: bytes) -> None:
    text, warnings = decode(data)
    text.encode("utf-8")  # no lone surrogates: whatever came in can be written out as UTF-8
    assert all(warnings)


@given(st.text(max_size=500).filter(lambda s: not s.startswith("\ufeff")))
@settings(max_examples=300, deadline=None)
def test_utf8_decodes_to_itself_without_warnings(text: str) -> None:
    assert decode(text.encode("utf-8")) == (text, [])


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_read_bytes_raises_only_input_error(data: bytes) -> None:
    try:
        document = read_bytes(data, "x")
    except InputError as exc:
        assert str(exc).startswith("x:")
    else:
        assert document.text.strip()


def test_binary_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="image.txt.*binary"):
        read_path(path)


def test_empty_and_whitespace_files_are_refused(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("blank.txt", b"  \n\n\t ")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=f"{name}: empty"):
            read_path(path)


def test_missing_file_and_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)


def test_html_visible_text_only() -> None:
    html = """<html><head><title>T</title><style>p {color: red}</style>
    <script>var x = "Revenue fell";</script></head><body>
    <h1>Q3 results</h1><p>Net sales rose&nbsp;5&#160;% to EUR 131 mn</p><p>Profit fell.</p>
    <ul><li>Margin 7.5 %</li><li>Cash flow positive</li></ul>
    <table><tr><td>Sales</td><td>131</td></tr></table><noscript>enable js</noscript></body></html>"""
    text = html_to_text(html)
    assert "var x" not in text and "color" not in text and "enable js" not in text
    lines = [line for line in text.split("\n") if line.strip()]
    assert lines[0] == "Q3 results"
    assert "Net sales rose 5 % to EUR 131 mn" in lines  # &nbsp; collapses like a space
    assert "Profit fell." in lines
    assert "Margin 7.5 %" in lines and "Cash flow positive" in lines


def test_read_html_and_markdown_files(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>Sales rose.</p><p>Profit fell.</p>", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\n\nSales rose.\n", encoding="utf-8")
    assert read_path(tmp_path / "a.html").text == "Sales rose.\n\nProfit fell."
    markdown = read_path(tmp_path / "b.md")
    assert markdown.text == "  Title\n\nSales rose.\n"  # markup blanked in place
    assert [[markdown.text[a:b] for a, b in r.pieces] for r in markdown.regions] == [["Title"], ["Sales rose."]]


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Umsatz: 5 € – gut</p></body></html>'
    (tmp_path / "p.html").write_bytes(page.encode("cp1252"))
    document = read_path(tmp_path / "p.html")
    assert document.text == "Umsatz: 5 € – gut" and document.warnings == ()


def _pdf(path: Path, text: str | None) -> None:
    _pdf_pages(path, [None if text is None else [text]])


def _pdf_pages(path: Path, pages: list[list[str | tuple[str, ...]] | None]) -> None:
    """A PDF with one page per entry, each line of a page drawn below the one before; a tuple is
    a table row, its cells drawn in columns."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(width=500, height=400)
        if lines is None:
            continue
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        drawn = " ".join(
            f"1 0 0 1 {x} {380 - 20 * k} Tm ({cell}) Tj"
            for k, line in enumerate(lines)
            for x, cell in zip((20, 250, 350, 450), (line,) if isinstance(line, str) else line, strict=False)
            if cell
        )
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf {drawn} ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)


def test_pdf_text_layer(tmp_path: Path) -> None:
    _pdf(tmp_path / "r.pdf", "Net sales rose 5 percent.")
    assert "Net sales rose 5 percent." in read_path(tmp_path / "r.pdf").text


def test_pdf_running_footer_is_dropped_and_a_sentence_cut_by_a_page_break_joined(tmp_path: Path) -> None:
    footer = "Acme Oyj  Fiscal 2024 Form 10-K"
    pages = [
        ["Acme Oyj Annual Report", "Net sales rose 5 percent. Our ports and terminals have been", f"{footer}  37"],
        [
            "Acme Oyj Annual Report",
            "impacted by the strike. Costs fell.",
            "Outlook",
            "We expect growth.",
            f"{footer}  38",
        ],
        ["Acme Oyj Annual Report", "Cash flow improved.", f"{footer}  39"],
    ]
    _pdf_pages(tmp_path / "r.pdf", pages)
    document = read_path(tmp_path / "r.pdf")
    assert "Form 10-K" not in document.text and "Annual Report" not in document.text
    items = split_text(document.text, SplitMode.SENTENCES, document.regions)
    assert [(i.kind, " ".join(i.text.split())) for i in items] == [
        (RowKind.SENTENCE, "Net sales rose 5 percent."),
        (RowKind.SENTENCE, "Our ports and terminals have been impacted by the strike."),
        (RowKind.SENTENCE, "Costs fell."),
        (RowKind.HEADING, "Outlook"),
        (RowKind.SENTENCE, "We expect growth."),
        (RowKind.SENTENCE, "Cash flow improved."),
    ]
    assert [page_of(document.page_starts, i.start) for i in items] == [1, 1, 2, 2, 2, 3]


def test_pdf_table_keeps_its_columns(tmp_path: Path) -> None:
    lines: list[str | tuple[str, ...]] = [
        "Net sales rose 5 percent in the quarter.",
        "EUR million",
        ("", "Q3 2026", "Q3 2025"),
        ("Net sales", "131.0", "127.9"),
        ("Operating profit", "(9.8)", "11.1"),
        "The outlook is unchanged.",
    ]
    _pdf_pages(tmp_path / "t.pdf", [lines])
    document = read_path(tmp_path / "t.pdf")
    [table] = document.tables
    assert [(r.label, r.cells, r.header, r.caption) for r in table.rows] == [
        ("Net sales", ("131.0", "127.9"), ("Q3 2026", "Q3 2025"), "EUR million"),
        ("Operating profit", ("(9.8)", "11.1"), ("Q3 2026", "Q3 2025"), "EUR million"),
    ]
    items = split_text(document.text, SplitMode.SENTENCES, document.regions)
    assert [i.kind for i in items] == [
        RowKind.SENTENCE,
        RowKind.HEADING,
        RowKind.HEADING,
        RowKind.TABLE_ROW,
        RowKind.TABLE_ROW,
        RowKind.SENTENCE,
    ]
    assert items[0].text == "Net sales rose 5 percent in the quarter."  # prose as plain text gives it


@pytest.mark.parametrize(
    ("pages", "text"),
    [
        # a page number that varies, at the bottom of each page
        (["Sales rose.\n1", "Costs fell.\n2"], "Sales rose.\n\nCosts fell."),
        # a header with a page number at the top; "Page 2 of 3" varies as a page number does
        (
            ["Page 1 of 3\nSales rose.", "Page 2 of 3\nCosts fell.", "Page 3 of 3\nCash grew."],
            "Sales rose.\n\nCosts fell.\n\nCash grew.",
        ),
        # a line repeated in the middle of pages is text, not furniture
        (
            ["Alpha\nBeta\nGamma\nSales rose.\nDelta\nEta\nZeta", "One\nTwo\nThree\nSales rose.\nFour\nFive\nSix"],
            "Alpha\nBeta\nGamma\nSales rose.\nDelta\nEta\nZeta\n\nOne\nTwo\nThree\nSales rose.\nFour\nFive\nSix",
        ),
        # one page: nothing repeats
        (["Report 2024\nSales rose.\n1"], "Report 2024\nSales rose.\n1"),
        # a sentence that goes on, and a heading that does not
        (["Sales rose and", "costs fell.", "Outlook", "Growth."], "Sales rose and\ncosts fell.\n\nOutlook\n\nGrowth."),
        # an empty page begins where the next page's text does
        (["Sales rose.", "", "Costs fell."], "Sales rose.\n\nCosts fell."),
    ],
)
def test_pdf_page_text(pages: list[str], text: str) -> None:
    assert page_text(pages)[0] == text


def test_pdf_page_starts_skip_empty_pages() -> None:
    text, starts = page_text(["Sales rose.", "", "Costs fell."])
    assert starts == (0, 13, 13) and text[13:] == "Costs fell."


def test_pdf_without_text_layer_says_scanned(tmp_path: Path) -> None:
    _pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(InputError, match="scan.pdf: the PDF has no text layer"):
        read_path(tmp_path / "scan.pdf")


def test_broken_pdf_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(InputError, match="bad.pdf"):
        read_path(tmp_path / "bad.pdf")


def test_iter_inputs_expands_directories_and_reports_bad_paths(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("A rose.")
    (tmp_path / "docs" / "sub" / "b.html").write_text("<p>B fell.</p>")
    (tmp_path / "docs" / "c.bin").write_bytes(b"\x00\x01")
    (tmp_path / "docs" / ".hidden.txt").write_text("hidden")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "x.png").write_bytes(b"\x00")
    items = list(iter_inputs([tmp_path / "docs", tmp_path / "nothing", tmp_path / "gone.txt", "-"]))
    sources = [i.source for i in items]
    assert sources[:2] == [str(tmp_path / "docs" / "a.txt"), str(tmp_path / "docs" / "sub" / "b.html")]
    assert items[2].error and "no text files" in items[2].error
    assert items[3].error and "no such file" in items[3].error
    assert items[4].source == "<stdin>" and items[4].path is None
    globbed = list(iter_inputs([tmp_path / "docs"], glob="*.html"))
    assert [i.path.name for i in globbed] == ["b.html"]


def test_iter_text_blocks_cut_at_paragraphs_and_keep_offsets() -> None:
    text = "".join(f"Paragraph {i} rose by {i} %.\n\n" for i in range(2000))
    chunks = [text[i : i + 777] for i in range(0, len(text), 777)]
    blocks = list(iter_text_blocks(chunks, block_chars=5000))
    assert "".join(b.text for b in blocks) == text
    assert all(len(b.text) <= 10000 for b in blocks)
    for block in blocks:
        assert text[block.offset : block.offset + len(block.text)] == block.text
    assert all(b.text.endswith("\n\n") for b in blocks[:-1])


def test_iter_blocks_streams_a_file_with_offsets(tmp_path: Path) -> None:
    text = "Zürich sales rose. " * 3000
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    blocks = list(iter_blocks(path, block_chars=4096))
    assert len(blocks) > 5
    assert "".join(b.text for b in blocks) == text


def test_iter_blocks_refuses_binary_and_empty(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"\x00" * 100)
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(InputError, match="binary"):
        list(iter_blocks(tmp_path / "b.txt"))
    with pytest.raises(InputError, match="empty"):
        list(iter_blocks(tmp_path / "e.txt"))


@given(st.binary(max_size=3000))
@settings(max_examples=150, deadline=None)
def test_random_pdf_and_html_bytes_raise_only_input_errors(tmp_path_factory, data: bytes) -> None:
    directory = tmp_path_factory.mktemp("random")
    for name, content in (("r.pdf", b"%PDF-1.4\n" + data), ("r.html", b"<html><p>" + data)):
        path = directory / name
        path.write_bytes(content)
        try:
            read_path(path)
        except InputError as exc:
            assert name in str(exc)

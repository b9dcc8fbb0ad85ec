"""Plain text read for its structure (`finlocal.reading.text`): headings, list items, datelines
and aligned tables, each region of its kind, with the document's offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.reading import read_path
from finlocal.reading.text import is_figure, text_structure
from finlocal.splitting import split_text
from finlocal.structure import RowKind, SplitMode, TableRow


def _items(text: str, mode: SplitMode = SplitMode.SENTENCES) -> list[tuple[RowKind, str]]:
    structure = text_structure(text)
    items = split_text(text, mode, structure.regions)
    for item in items:
        assert text[item.start : item.end] == item.text
    return [(i.kind, i.text) for i in items]


ALIGNED = """Results of operations

(in millions, except per share data)
                          Three months ended June 30
                            2025          2024
Revenue                    1,234         1,100
Net change in cash          (164)       (1,105)
Diluted EPS                 1.21          0.46

Revenue rose 12 %. Costs fell.
"""


def test_an_aligned_text_table_is_a_table_with_its_header_and_unit_caption() -> None:
    structure = text_structure(ALIGNED)
    [table] = structure.tables
    header = ("Three months ended June 30 2025", "Three months ended June 30 2024")
    caption = "(in millions, except per share data)"
    assert [(r.label, r.cells, r.header, r.caption) for r in table.rows] == [
        ("Revenue", ("1,234", "1,100"), header, caption),
        ("Net change in cash", ("(164)", "(1,105)"), header, caption),
        ("Diluted EPS", ("1.21", "0.46"), header, caption),
    ]
    assert ALIGNED[table.rows[1].start : table.rows[1].end] == "Net change in cash          (164)       (1,105)"
    assert _items(ALIGNED) == [
        (RowKind.HEADING, "Results of operations"),
        (RowKind.HEADING, caption),
        (RowKind.HEADING, "Three months ended June 30"),
        (RowKind.HEADING, "2025          2024"),
        (RowKind.TABLE_ROW, "Revenue                    1,234         1,100"),
        (RowKind.TABLE_ROW, "Net change in cash          (164)       (1,105)"),
        (RowKind.TABLE_ROW, "Diluted EPS                 1.21          0.46"),
        (RowKind.SENTENCE, "Revenue rose 12 %."),
        (RowKind.SENTENCE, "Costs fell."),
    ]


def test_a_tab_separated_table_maps_its_header_by_count() -> None:
    text = "Key figures\nItem\tQ3 2026\tQ3 2025\nRevenue\t41.7\t38.2\nEBIT\t\t4.0\n"
    [table] = text_structure(text).tables
    start = text.index("Revenue")
    row = TableRow("Revenue", ("41.7", "38.2"), ("Q3 2026", "Q3 2025"), "Key figures", start, start + 17)
    assert table.rows[0] == row
    assert table.rows[1].cells == ("4.0",) and table.rows[1].header == ("Q3 2025",)


def test_the_gold_reports_tables_are_tables() -> None:
    text = (Path(__file__).resolve().parents[1] / "fixtures" / "splitting" / "report.txt").read_text()
    tables = text_structure(text).tables
    assert [[(r.label, r.cells, r.header) for r in t.rows] for t in tables] == [
        [
            ("Net sales", ("131.0", "127.9"), ("Q3 2026", "Q3 2025")),
            ("EBIT", ("9.8", "11.1"), ("Q3 2026", "Q3 2025")),
        ],
        [("Paper", ("80.1", "-3 %"), ("Sales", "Change"))],
    ]


@pytest.mark.parametrize(
    "text",
    [
        # prose with two spaces after its periods is not a table
        "Sales rose.  Costs fell.  Profit rose.\nMargins grew.  Cash fell.  Debt fell.\n",
        # one gap per line: not enough columns
        "Revenue   12\nCosts   10\n",
        # gapped, but words, not figures
        "Name     Role      Since\nJ. Smith  CEO  Since long\nA. Lee   CFO    Recently\n",
    ],
)
def test_what_is_not_a_table(text: str) -> None:
    assert text_structure(text).tables == ()


@pytest.mark.parametrize(
    ("cell", "figure"),
    [
        ("41.7", True),
        ("(1,105)", True),
        ("12 %", True),
        ("$ 3.2", True),
        ("EUR 131m", True),
        ("—", True),
        ("-3 %", True),
        ("Q3 2026", False),
        ("Net sales", False),
        ("fell 3 %", False),
        ("", False),
    ],
)
def test_figures(cell: str, figure: bool) -> None:
    assert is_figure(cell) is figure


def test_bullets_on_their_own_lines_are_items_each() -> None:
    # a "·" on a line of its own, the item's text on the next: once one ~1,000-character row
    items = [
        "Revenue was $5.61 billion, up 10 % year over year",
        "GAAP earnings per share was $3.79",
        "Non-GAAP earnings per share was $4.81",
    ]
    text = "Highlights\n" + "".join(f"·\n{item}\n" for item in items)
    assert _items(text) == [(RowKind.HEADING, "Highlights"), *((RowKind.SENTENCE, f"·\n{i}") for i in items)]


@pytest.mark.parametrize("marker", ["•", "·", "▪", "-", "*", "1."])
def test_bullet_markers_split_items(marker: str) -> None:
    text = f"{marker} Net sales rose 5 %\n{marker} Costs fell\n{marker} Cash flow improved\n"
    assert [t for _, t in _items(text)] == [
        f"{marker} Net sales rose 5 %",
        f"{marker} Costs fell",
        f"{marker} Cash flow improved",
    ]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "SAN JOSE, Calif., Dec. 12, 2024 /PRNewswire/ --\nAdobe (Nasdaq: ADBE) today reported record revenue. "
            "Costs fell.\n",
            "SAN JOSE, Calif., Dec. 12, 2024 /PRNewswire/ --\nAdobe (Nasdaq: ADBE) today reported record revenue.",
        ),
        (
            "HELSINKI, Finland —\n\nHKFoods Plc reported a better result. Costs fell.\n",
            "HELSINKI, Finland —\n\nHKFoods Plc reported a better result.",
        ),
        (
            "SAN JOSE, Calif. Adobe today reported record revenue. Costs fell.\n",
            "SAN JOSE, Calif. Adobe today reported record revenue.",
        ),
    ],
)
def test_a_dateline_stays_with_its_sentence(text: str, first: str) -> None:
    assert _items(text) == [(RowKind.SENTENCE, first), (RowKind.SENTENCE, "Costs fell.")]


def test_a_text_file_is_read_with_its_structure(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(ALIGNED)
    document = read_path(tmp_path / "r.txt")
    assert document.text == ALIGNED
    assert len(document.tables) == 1 and len(document.tables[0].rows) == 3
    kinds = [r.kind for r in document.regions]
    assert kinds.count(RowKind.TABLE_ROW) == 3


def test_lines_and_none_modes_over_plain_text_regions() -> None:
    text = "Outlook\nSales rose. Costs fell.\nMore text.\n\nItem   Q3   Q2\nSales   4.1   3.9\nCosts   1.0   2.0\n"
    assert [t for _, t in _items(text, SplitMode.LINES)] == [
        "Outlook",
        "Sales rose. Costs fell.",
        "More text.",
        "Item   Q3   Q2",
        "Sales   4.1   3.9",
        "Costs   1.0   2.0",
    ]
    # lines mode is one item per line as written: the layout's headings and table rows are sentences
    assert {kind for kind, _ in _items(text, SplitMode.LINES)} == {RowKind.SENTENCE}
    assert _items(text, SplitMode.NONE) == [(RowKind.SENTENCE, text.strip())]


def test_a_list_of_headlines_in_lines_mode_is_a_list_of_sentences() -> None:
    text = "Acme profit rises on strong demand\n\nFoo shares slump after warning\nBar wins contract\n"
    assert [kind for kind, _ in _items(text, SplitMode.SENTENCES)][0] is RowKind.HEADING  # a guess
    assert _items(text, SplitMode.LINES) == [
        (RowKind.SENTENCE, "Acme profit rises on strong demand"),
        (RowKind.SENTENCE, "Foo shares slump after warning"),
        (RowKind.SENTENCE, "Bar wins contract"),
    ]


_ALPHABET = st.sampled_from(
    list("ab AZ.09!?\n\t,;:-*•·|%()")
    + ["Inc.", "   ", "\n\n", "1. ", "12.5", "(1,105)", "Q3 2026", "HELSINKI, Finland —", "EUR million"]
)


@given(st.lists(_ALPHABET, max_size=150).map("".join), st.sampled_from(list(SplitMode)))
@settings(max_examples=300, deadline=None)
def test_structure_keeps_the_offset_contract(text: str, mode: SplitMode) -> None:
    structure = text_structure(text)
    last = 0
    for region in structure.regions:
        for start, end in region.pieces:
            assert last <= start < end <= len(text)
            last = end
        assert (region.kind is RowKind.TABLE_ROW) == (region.table_row is not None)
    last = 0
    for item in split_text(text, mode, structure.regions):
        assert item.text and item.text == item.text.strip()
        assert text[item.start : item.end] == item.text
        assert item.start >= last
        last = item.end
    covered = bytearray(len(text))
    for region in structure.regions:
        for start, end in region.pieces:
            covered[start:end] = b"\x01" * (end - start)
    for i, char in enumerate(text):  # nothing lost but a pipe table's rule line
        if not char.isspace() and not covered[i]:
            line = text[text.rfind("\n", 0, i) + 1 : (text.find("\n", i) + 1 or len(text) + 1) - 1]
            assert set(line.strip()) <= set("|-:+ \t"), (i, line)


def test_rows_apart_and_signs_in_cells_of_their_own() -> None:
    # as HTML and PDF text lay tables out: a blank line between rows, "$" and "%" cells apart
    text = (
        "2024\tChange\t2023\n\n"
        "Americas\t$\t167,045 \t3 \t%\t$\t162,560\n\n"
        "Europe\t101,328 \t(1)\t%\t94,294\n\n"
        "Americas net sales increased.\n"
    )
    [table] = text_structure(text).tables
    assert [(r.label, r.cells, r.header) for r in table.rows] == [
        ("Americas", ("$ 167,045", "3 %", "$ 162,560"), ("2024", "Change", "2023")),
        ("Europe", ("101,328", "(1) %", "94,294"), ("2024", "Change", "2023")),
    ]


def test_a_long_period_heading_is_a_heading() -> None:
    heading = "Three months ended June 30, 2025 as compared to the three months ended June 30, 2024 (unaudited)"
    text = f"{heading}\nRevenue rose 5 %.\n"
    assert _items(text) == [(RowKind.HEADING, heading), (RowKind.SENTENCE, "Revenue rose 5 %.")]

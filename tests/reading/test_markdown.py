"""Markdown read as Markdown: the text of its blocks, markup blanked in place, file offsets kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.errors import InputError
from finlocal.reading import InputFormat, read_bytes, read_path
from finlocal.reading.markdown import MAX_NESTING, read_markdown_text, visible_text
from finlocal.splitting import split_text
from finlocal.structure import RowKind, SplitMode, TableRow

REPORT_MD = """---
title: Q3 release
tags: [finance]
---
# Acme Oyj — **Q3** report ##

Net sales *rose* 12 % to [EUR 131m](https://acme.example/ir/q3.pdf "Q3 (PDF)"). Operating
profit fell to EUR 9.8m. AT&amp;T was a customer \\*not\\* a supplier.

Highlights
----------

- Order intake **increased** to a record
  EUR 150m.
- Cash flow was `negative`
  1. Inventories fell.

> The outlook remains unchanged, said the CEO.

| Segment | Sales | Change |
|---|---:|---|
| Paper | 80.1 | fell 3 % |

```python
revenue = "fell"  # code is not text
```

<div class="note">HTML blocks are not text either.</div>

![chart of sales](chart.png) Sales grew <span>fast</span>.

[ir]: https://acme.example/ir
"""

SENTENCES = [
    "Acme Oyj — **Q3** report",
    'Net sales *rose* 12 % to [EUR 131m](https://acme.example/ir/q3.pdf "Q3 (PDF)").',
    "Operating\nprofit fell to EUR 9.8m.",
    "AT&amp;T was a customer \\*not\\* a supplier.",
    "Highlights",
    "Order intake **increased** to a record\n  EUR 150m.",
    "Cash flow was `negative",
    "Inventories fell.",
    "The outlook remains unchanged, said the CEO.",
    "Segment | Sales | Change",  # a table's header row is one heading
    "Paper | 80.1 | fell 3 %",  # and each body row one table row, not one row per cell
    "Sales grew <span>fast</span>.",
]
"""The sentences' spans in the original file (``REPORT_MD[start:end]``): they run from the first
to the last character of text, so markup inside a sentence is in the span and markup around it
is not."""


def test_sentences_of_a_markdown_report() -> None:
    blanked, regions = visible_text(REPORT_MD)
    spans = split_text(blanked, SplitMode.SENTENCES, regions)
    assert [REPORT_MD[s.start : s.end] for s in spans] == SENTENCES
    texts = [" ".join(s.text.split()) for s in spans]
    assert texts == [
        "Acme Oyj — Q3 report",
        "Net sales rose 12 % to EUR 131m .",
        "Operating profit fell to EUR 9.8m.",
        "AT&amp;T was a customer *not * a supplier.",
        "Highlights",
        "Order intake increased to a record EUR 150m.",
        "Cash flow was negative",
        "Inventories fell.",
        "The outlook remains unchanged, said the CEO.",
        "Segment Sales Change",
        "Paper 80.1 fell 3 %",
        "Sales grew fast .",
    ]
    kinds = {" ".join(s.text.split()): s.kind for s in spans}
    assert [t for t, k in kinds.items() if k is RowKind.HEADING] == [
        "Acme Oyj — Q3 report",
        "Highlights",
        "Segment Sales Change",
    ]
    [row] = [s.table_row for s in spans if s.kind is RowKind.TABLE_ROW]
    assert row == TableRow("Paper", ("80.1", "fell 3 %"), ("Sales", "Change"), "", row.start, row.end)


def test_items_are_spans_of_the_file_with_markup_blanked() -> None:
    blanked, regions = visible_text(REPORT_MD)
    assert len(blanked) == len(REPORT_MD)
    assert [i for i, c in enumerate(blanked) if c == "\n"] == [i for i, c in enumerate(REPORT_MD) if c == "\n"]
    for mode in SplitMode:
        for span in split_text(blanked, mode, regions):
            assert blanked[span.start : span.end] == span.text  # the JSONL contract
            original = REPORT_MD[span.start : span.end]
            # every character that is not blank is the file's character at the same offset
            assert all(c == o for c, o in zip(span.text, original, strict=True) if c != " ")
            assert span.text[0] == original[0] and span.text[-1] == original[-1]


def test_code_html_front_matter_and_link_targets_are_not_text() -> None:
    blanked, _ = visible_text(REPORT_MD)
    for hidden in (
        "title:",
        "python",
        "revenue =",
        "class=",
        "HTML blocks",
        "https://",
        "chart",
        "Q3 (PDF)",
        "[ir]",
        "```",
        "|",
        "---",
        "#",
        "**",
    ):
        assert hidden not in blanked, hidden


def test_lines_and_none_modes_inside_blocks() -> None:
    blanked, regions = visible_text(REPORT_MD)
    lines = [" ".join(s.text.split()) for s in split_text(blanked, SplitMode.LINES, regions)]
    assert lines[1:4] == [
        "Net sales rose 12 % to EUR 131m . Operating",
        "profit fell to EUR 9.8m. AT&amp;T was a customer *not * a supplier.",
        "Highlights",
    ]
    assert "EUR 150m." in lines  # a list item's second line is a line of its own
    [whole] = split_text(blanked, SplitMode.NONE, regions)
    assert whole.text == blanked.strip()


def test_read_path_reads_md_files_as_markdown_and_others_on_request(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("# Outlook\n\n- Sales **rose**.\n- Costs fell.\n")
    document = read_path(tmp_path / "r.md")
    spans = split_text(document.text, SplitMode.SENTENCES, document.regions)
    assert [s.text for s in spans] == ["Outlook", "Sales   rose  .", "Costs fell."]
    (tmp_path / "r.txt").write_text("# Outlook\n\n- Sales **rose**.\n")
    assert read_path(tmp_path / "r.txt").text == "# Outlook\n\n- Sales **rose**.\n"  # read as plain text
    forced = read_path(tmp_path / "r.txt", InputFormat.MD)
    assert forced.text == "  Outlook\n\n  Sales   rose  .\n"


def test_markdown_without_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="x: the Markdown has no text"):
        read_bytes(b"```\ncode only\n```\n\n<div>html</div>\n", "x", InputFormat.MD)


def test_crlf_and_cr_line_ends_keep_offsets() -> None:
    source = "# Title\r\n\r\nSales **rose**\r\nstrongly.\rCosts fell.\r\n"
    blanked, regions = visible_text(source)
    assert len(blanked) == len(source)
    spans = split_text(blanked, SplitMode.LINES, regions)
    assert [" ".join(s.text.split()) for s in spans] == ["Title", "Sales rose", "strongly.", "Costs fell."]


_MD_ALPHABET = st.sampled_from(
    list("ab Z.1*_`#>|-[]()!<>&\\\n\t~:\"'")
    + [
        "**",
        "\n\n",
        "- ",
        "1. ",
        "# ",
        "> ",
        "```\n",
        "](http://x.y/a.b)",
        "&amp;",
        "<b>",
        "</b>",
        "|---|---|\n",
        "\r\n",
        "---\n",
        "![i](p.png)",
        "<http://a.b>",
        "[r]: http://c.d\n",
        "    ",
    ]
)


@given(st.lists(_MD_ALPHABET, max_size=120).map("".join))
@settings(max_examples=400, deadline=None)
def test_properties_on_markdown_like_text(source: str) -> None:
    blanked, regions = visible_text(source)
    assert len(blanked) == len(source)
    last = 0
    for region in regions:
        assert region.pieces
        for start, end in region.pieces:
            assert last <= start < end <= len(source)
            assert blanked[start:end] == source[start:end]
            last = end
    for i, (b, s) in enumerate(zip(blanked, source, strict=True)):
        assert b == s or (b == " " and s not in "\r\n"), i
    for mode in SplitMode:
        for span in split_text(blanked, mode, regions):
            assert span.text and span.text == span.text.strip()
            assert blanked[span.start : span.end] == span.text


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_never_raises(source: str) -> None:
    blanked, _ = visible_text(source)
    assert len(blanked) == len(source)


# --------------------------------------------------------------------------------------------
# tables, headings, code fences, nesting, datelines (issue 25)


def _items(source: str) -> list[tuple[RowKind, str]]:
    read = read_markdown_text(source)
    return [(i.kind, " ".join(i.text.split())) for i in split_text(read.text, SplitMode.SENTENCES, read.regions)]


KPI_TABLE = """# Q3 2026 release

Revenue rose 9 %.

EUR million

| Item | Q3 2026 | Q3 2025 |
|:-----|--------:|--------:|
| Revenue | 41.7 | 38.2 |
| Operating profit | (1.2) | 3.4 |
"""


def test_a_kpi_pipe_table_is_a_table_of_rows_with_periods_and_a_unit_caption() -> None:
    read = read_markdown_text(KPI_TABLE)
    [table] = read.tables
    assert [(r.label, r.cells, r.header, r.caption) for r in table.rows] == [
        ("Revenue", ("41.7", "38.2"), ("Q3 2026", "Q3 2025"), "EUR million"),
        ("Operating profit", ("(1.2)", "3.4"), ("Q3 2026", "Q3 2025"), "EUR million"),
    ]
    for row in table.rows:
        assert KPI_TABLE[row.start : row.end].startswith(row.label)
    # one row per table row (not "Item", "Q3 2026", "41.7" each a row); the unit line a heading
    assert _items(KPI_TABLE) == [
        (RowKind.HEADING, "Q3 2026 release"),
        (RowKind.SENTENCE, "Revenue rose 9 %."),
        (RowKind.HEADING, "EUR million"),
        (RowKind.HEADING, "Item Q3 2026 Q3 2025"),
        (RowKind.TABLE_ROW, "Revenue 41.7 38.2"),
        (RowKind.TABLE_ROW, "Operating profit (1.2) 3.4"),
    ]


@pytest.mark.parametrize(
    ("above", "caption"),
    [("## Key figures\n\n", "Key figures; EUR million"), ("", "EUR million"), ("USD million\n\n", "USD million")],
)
def test_a_pipe_tables_unit_in_its_label_column_title_is_its_caption(above: str, caption: str) -> None:
    source = f"{above}| EUR million | Q3 2026 | Q3 2025 |\n|---|---:|---:|\n| Net sales | 131.0 | 116.6 |\n"
    [table] = read_markdown_text(source).tables
    assert table.caption == caption


def test_a_table_in_a_code_fence_is_read_as_a_table_and_the_code_is_not() -> None:
    source = """Key figures:

```
EUR million          Q3 2026    Q3 2025
Net sales              131.0      127.9
Operating profit         9.8       11.1
```

```python
revenue = 131.0  # code is not text
```
"""
    read = read_markdown_text(source)
    [table] = read.tables
    assert [(r.label, r.cells, r.header) for r in table.rows] == [
        ("Net sales", ("131.0", "127.9"), ("Q3 2026", "Q3 2025")),
        ("Operating profit", ("9.8", "11.1"), ("Q3 2026", "Q3 2025")),
    ]
    assert table.caption == "EUR million"  # the label column's title is a unit
    assert _items(source) == [
        (RowKind.SENTENCE, "Key figures:"),
        (RowKind.HEADING, "EUR million Q3 2026 Q3 2025"),
        (RowKind.TABLE_ROW, "Net sales 131.0 127.9"),
        (RowKind.TABLE_ROW, "Operating profit 9.8 11.1"),
    ]
    assert "revenue" not in read.text and "```" not in read.text


def test_a_list_nested_ten_levels_keeps_its_tenth_item() -> None:
    source = "".join("  " * depth + f"- Item {depth} grew.\n" for depth in range(10))
    read = read_markdown_text(source)
    assert [t for _, t in _items(source)] == [f"Item {depth} grew." for depth in range(10)]
    assert read.warnings == ()


def test_thirty_nested_block_quotes_keep_their_text() -> None:
    assert _items("> " * 30 + "Revenue rose 5 %.\n") == [(RowKind.SENTENCE, "Revenue rose 5 %.")]
    document = read_bytes(("> " * 30 + "Revenue rose 5 %.\n").encode(), "deep.md", InputFormat.MD)
    assert document.warnings == ()


def test_nesting_past_the_limit_is_warned_about_not_dropped_silently() -> None:
    source = "".join("> " * depth + "- x\n" for depth in range(MAX_NESTING + 20))
    read = read_markdown_text(source)
    assert any("deeper than" in w and "left out" in w for w in read.warnings)
    document = read_bytes(source.encode(), "deep.md", InputFormat.MD)
    assert any("left out" in w for w in document.warnings)


def test_a_dateline_paragraph_joins_its_sentence() -> None:
    source = "HELSINKI, Finland —\n\nHKFoods Plc reported a better result. Sales rose.\n"
    assert _items(source) == [
        (RowKind.SENTENCE, "HELSINKI, Finland — HKFoods Plc reported a better result."),
        (RowKind.SENTENCE, "Sales rose."),
    ]


def test_glyph_bullets_in_a_paragraph_are_items_each() -> None:
    # "·" and "•" are no Markdown list markers: once one paragraph, ~1,000-character rows
    source = "Highlights\n\n·\nRevenue was $5.61 billion, up 10 %\n·\nEPS was $3.79\n• Margin grew\n"
    assert _items(source) == [
        (RowKind.HEADING, "Highlights"),  # a short paragraph without punctuation
        (RowKind.SENTENCE, "· Revenue was $5.61 billion, up 10 %"),
        (RowKind.SENTENCE, "· EPS was $3.79"),
        (RowKind.SENTENCE, "• Margin grew"),
    ]


def test_a_paragraph_that_is_an_aligned_table_is_a_table() -> None:
    source = "EUR million        Q3 2026    Q3 2025\nNet sales            131.0      127.9\nEBIT  9.8  11.1\n\nText.\n"
    read = read_markdown_text(source)
    [table] = read.tables
    assert [(r.label, r.cells, r.header, r.caption) for r in table.rows] == [
        ("Net sales", ("131.0", "127.9"), ("Q3 2026", "Q3 2025"), "EUR million"),
        ("EBIT", ("9.8", "11.1"), ("Q3 2026", "Q3 2025"), "EUR million"),
    ]
    assert [k for k, _ in _items(source)] == [RowKind.HEADING, RowKind.TABLE_ROW, RowKind.TABLE_ROW, RowKind.SENTENCE]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("**Highlights**\n\nSales rose.\n", RowKind.HEADING),
        ("Outlook\n\nSales rose.\n", RowKind.HEADING),
        ("Sales rose.\n\nMore.\n", RowKind.SENTENCE),
        ("Sales rose and\ncosts fell\n\nMore.\n", RowKind.SENTENCE),  # two lines: a paragraph
        ("- Cash flow was negative\n\nMore.\n", RowKind.SENTENCE),  # a list item
        ("HELSINKI, Finland —\n\nAcme grew.\n", RowKind.SENTENCE),  # a dateline, joined
    ],
)
def test_a_short_paragraph_without_punctuation_is_a_heading(source: str, kind: RowKind) -> None:
    assert _items(source)[0][0] is kind


def test_markdown_too_deep_to_parse_is_read_as_plain_text_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    class TooDeep:
        def parse(self, source: str) -> list:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("finlocal.reading.markdown._parser", lambda: TooDeep())
    source = "> > Revenue rose 5 %.\n"
    read = read_markdown_text(source)
    assert read.text == source and any("plain text" in w for w in read.warnings)
    assert [t for _, t in _items(source)] == ["> > Revenue rose 5 %."]  # nothing lost

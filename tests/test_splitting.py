"""Sentence splitting: a gold set of real-looking report text, and offset properties.

The gold set (``tests/fixtures/splitting/``) is also the yardstick ``python -m bench.runtime
--splitter`` uses to compare this splitter with pysbd.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.layout import is_dateline
from finlocal.splitting import MAX_SENTENCE_CHARS, split_lines, split_sentences, split_text
from finlocal.structure import Region, RowKind, SplitMode, TableRow

GOLD_DIR = Path(__file__).resolve().parent / "fixtures" / "splitting"
REPORT = (GOLD_DIR / "report.txt").read_text(encoding="utf-8")
GOLD: list[str] = json.loads((GOLD_DIR / "sentences.json").read_text(encoding="utf-8"))


def test_gold_report_text() -> None:
    assert [s.text for s in split_sentences(REPORT)] == GOLD


def test_offsets_point_into_the_source() -> None:
    for span in split_sentences(REPORT):
        assert REPORT[span.start : span.end] == span.text


def test_fpb_tokenised_sentences() -> None:
    text = (
        "According to Gran , the company has no plans to move all production to Russia , "
        "although that is where the company is growing . Sales in Finland decreased by 10.5 % "
        "in January , while sales outside Finland dropped by 17 % ."
    )
    assert len(split_sentences(text)) == 2


def test_fpb_backtick_quotes_and_spaced_decimals() -> None:
    text = (
        "Net sales increased to EUR193 .3 m from EUR179 .9 m. `` The priority was cash flow , '' "
        "CEO Hannu Krook said . ( ADP News ) - Feb 11 , 2009 - Ixonos Oyj said today ."
    )
    assert [s.text for s in split_sentences(text)] == [
        "Net sales increased to EUR193 .3 m from EUR179 .9 m.",
        "`` The priority was cash flow , '' CEO Hannu Krook said .",
        "( ADP News ) - Feb 11 , 2009 - Ixonos Oyj said today .",
    ]


def test_heading_then_paragraph_without_blank_line() -> None:
    text = "Financial review\nNet sales rose 4 %. Profit fell."
    assert [s.text for s in split_sentences(text)] == ["Financial review", "Net sales rose 4 %.", "Profit fell."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a line that opens with "[" after a finished sentence starts a new one (issue 19)
        (
            "Sales rose.\n[bold red]Margins improved[/] but demand was weak.",
            ["Sales rose.", "[bold red]Margins improved[/] but demand was weak."],
        ),
        ("Sales rose.\n[link=https://x.test]x[/] fell.", ["Sales rose.", "[link=https://x.test]x[/] fell."]),
        ("Sales rose.\n[1] Costs fell.", ["Sales rose.", "[1] Costs fell."]),
        # inside a line, "[" followed by lower case still continues the sentence
        ("Sales rose 4 %. [sic] and costs fell.", ["Sales rose 4 %. [sic] and costs fell."]),
        # and an unfinished sentence is not cut at a line break
        ("Sales rose\n[mostly] in Q3.", ["Sales rose\n[mostly] in Q3."]),
    ],
)
def test_a_line_opening_with_a_bracket(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "v." between the parties of a case never ends a sentence (filings' legal proceedings)
        (
            "A case is pending (Huckabee, et al. v. Meta Platforms, Inc.) in New York. Revenue rose.",
            ["A case is pending (Huckabee, et al. v. Meta Platforms, Inc.) in New York.", "Revenue rose."],
        ),
        (
            "See Huang, et al. v. Apple Inc. for details. Sales fell.",
            ["See Huang, et al. v. Apple Inc. for details.", "Sales fell."],
        ),
        # "et al." still ends a sentence
        (
            "It was described by Smith et al. The company disagrees.",
            ["It was described by Smith et al.", "The company disagrees."],
        ),
    ],
)
def test_case_names(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_long_run_without_punctuation_is_cut_into_bounded_chunks() -> None:
    text = "revenue " * 131072  # 1 MiB, no punctuation
    t0 = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - t0 < 60  # a hang guard, not a timing assertion
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in spans)
    assert sum(len(s.text.split()) for s in spans) == 131072


def test_long_token_without_spaces_is_cut_too() -> None:
    spans = split_sentences("x" * 5000)
    assert [len(s.text) for s in spans] == [1000] * 5


_ALPHABET = st.sampled_from(list("ab AZ.09!?\n\t,;:-*•|%€") + ["Inc.", "U.S.", " . ", "\n\n", "e.g.", "1. "])


def _check(text: str) -> None:
    spans = split_sentences(text)
    covered = bytearray(len(text))
    last_end = 0
    for span in spans:
        assert span.text, "empty sentence"
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert span.start >= last_end, "sentences overlap or are out of order"
        last_end = span.end
        covered[span.start : span.end] = b"\x01" * (span.end - span.start)
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i], f"non-whitespace {ch!r} at {i} not covered"


@given(st.lists(_ALPHABET, max_size=200).map("".join))
@settings(max_examples=400, deadline=None)
def test_properties_on_report_like_text(text: str) -> None:
    _check(text)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_properties_on_any_text(text: str) -> None:
    _check(text)


# --------------------------------------------------------------------------------------------
# split modes and regions

FPB_LINES = """Net sales rose 5 % to EUR 131 mn .
according to the company , the outlook is unchanged .
  operating profit fell to EUR 9.8 mn .

 Shares in Foo Inc. rose 3.1 % . The deal closed .
"""


def test_lines_mode_keeps_one_item_per_line_with_document_offsets() -> None:
    spans = split_text(FPB_LINES, SplitMode.LINES)
    assert [s.text for s in spans] == [
        "Net sales rose 5 % to EUR 131 mn .",
        "according to the company , the outlook is unchanged .",  # lower case: not joined
        "operating profit fell to EUR 9.8 mn .",
        "Shares in Foo Inc. rose 3.1 % . The deal closed .",  # two sentences, one line
    ]
    for span in spans:
        assert FPB_LINES[span.start : span.end] == span.text
    assert len(split_sentences(FPB_LINES)) != len(spans)  # what sentences mode would have done


def test_lines_mode_line_ends() -> None:
    text = "a rose\r\nb fell\rc\n\n  \nd"
    assert [s.text for s in split_lines(text)] == ["a rose", "b fell", "c", "d"]


def test_none_mode_is_the_whole_text_stripped() -> None:
    [span] = split_text("\n  Sales rose. Costs fell.\n\n", SplitMode.NONE)
    assert (span.start, span.end, span.text) == (3, 26, "Sales rose. Costs fell.")
    assert split_text(" \n\t", SplitMode.NONE) == []
    long = "revenue " * 1000  # no 1,000-character cut: the whole input is one item
    assert len(split_text(long, SplitMode.NONE)) == 1


@pytest.mark.parametrize("mode", [SplitMode.SENTENCES, SplitMode.LINES])
def test_a_heading_or_table_row_region_is_one_item_of_its_kind(mode: SplitMode) -> None:
    text = "Net sales. Costs\n41.7  38.2\nSales rose. Costs fell."
    row = TableRow("Net sales. Costs", ("41.7", "38.2"), ("Q3 2026", "Q3 2025"))
    regions = [Region(((0, 27),), RowKind.TABLE_ROW, row), Region(((28, len(text)),))]
    items = split_text(text, mode, regions)
    assert [(i.text, i.kind) for i in items][0] == ("Net sales. Costs\n41.7  38.2", RowKind.TABLE_ROW)
    assert items[0].table_row is row
    assert [i.kind for i in items[1:]] == [RowKind.SENTENCE] * (len(items) - 1)
    assert [i.text for i in split_text(text, SplitMode.NONE, regions)] == [text]


def test_sentences_mode_without_regions_is_the_splitter() -> None:
    items = split_text(REPORT, SplitMode.SENTENCES)
    assert [(i.start, i.end, i.text) for i in items] == [(s.start, s.end, s.text) for s in split_sentences(REPORT)]
    assert {i.kind for i in items} == {RowKind.SENTENCE}


def test_regions_are_split_on_their_own_and_mapped_back() -> None:
    text = "  Sales   rose. Costs\n  fell.   Profit"
    # region 1 reads "Sales rose. Costs\nfell.", region 2 "Profit"
    regions = (Region(((2, 8), (10, 22), (24, 29))), Region(((32, 38),)))
    spans = split_text(text, SplitMode.SENTENCES, regions)
    assert [(s.start, s.end, s.text) for s in spans] == [
        (2, 15, "Sales   rose."),
        (16, 29, "Costs\n  fell."),
        (32, 38, "Profit"),
    ]
    assert [s.text for s in split_text(text, SplitMode.LINES, regions)] == ["Sales   rose. Costs", "fell.", "Profit"]
    [whole] = split_text(text, SplitMode.NONE, regions)
    assert (whole.start, whole.end) == (2, 38)


@given(st.lists(_ALPHABET, max_size=120).map("".join), st.sampled_from(list(SplitMode)))
@settings(max_examples=300, deadline=None)
def test_modes_keep_the_offset_contract(text: str, mode: SplitMode) -> None:
    spans = split_text(text, mode)
    last_end = 0
    for span in spans:
        assert span.text and span.text == span.text.strip()
        assert text[span.start : span.end] == span.text
        assert span.start >= last_end
        last_end = span.end
    if mode is SplitMode.LINES:
        assert len(spans) == sum(1 for line in re.split(r"\r\n?|\n", text) if line.strip())


# --------------------------------------------------------------------------------------------
# the layout pass (finlocal.layout): bullets alone on their line, datelines (issue 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "·" alone on its line opens an item the next line continues; once these ran together
        (
            "·\nRevenue rose 10 %\n·\nEPS was $3.79\n·\nMargin grew",
            ["·\nRevenue rose 10 %", "·\nEPS was $3.79", "·\nMargin grew"],
        ),
        ("•\nSales rose\n•\nCosts fell", ["•\nSales rose", "•\nCosts fell"]),
        ("1.\nSales rose\n2.\nCosts fell", ["1.\nSales rose", "2.\nCosts fell"]),
        # a heading before "·" items is a heading
        ("Highlights\n·\nSales rose", ["Highlights", "·\nSales rose"]),
        # a dateline on its own line is not a heading: it joins its sentence
        (
            "HELSINKI, Finland —\nHKFoods Plc reported a better result. Costs fell.",
            ["HELSINKI, Finland —\nHKFoods Plc reported a better result.", "Costs fell."],
        ),
        (
            "NEW YORK, Jan. 5, 2025 (BUSINESS WIRE) --\nAcme reported record sales.",
            ["NEW YORK, Jan. 5, 2025 (BUSINESS WIRE) --\nAcme reported record sales."],
        ),
        # a state's abbreviation in a dateline ends no sentence
        (
            "SAN JOSE, Calif. Adobe today reported record revenue.",
            ["SAN JOSE, Calif. Adobe today reported record revenue."],
        ),
        (
            "The plant is in Austin, Tex. The company said it grew.",
            ["The plant is in Austin, Tex.", "The company said it grew."],
        ),
        # a short title-case line followed by text is still a heading
        ("Outlook\nWe expect growth.", ["Outlook", "We expect growth."]),
        # a period heading is a heading however long (once joined to the sentence below it)
        (
            "Three months ended June 30, 2025 as compared to three months ended June 30, 2024\nRevenue rose 5 %.",
            ["Three months ended June 30, 2025 as compared to three months ended June 30, 2024", "Revenue rose 5 %."],
        ),
        (
            "Fiscal 2024 compared with fiscal 2023\nNet sales rose.",
            ["Fiscal 2024 compared with fiscal 2023", "Net sales rose."],
        ),
        # a sentence that opens like one is not
        (
            "The three months ended June 30 were strong for Acme Oyj and its partners\nRevenue rose.",
            ["The three months ended June 30 were strong for Acme Oyj and its partners\nRevenue rose."],
        ),
    ],
)
def test_layout_bullets_alone_and_datelines(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("SAN JOSE, Calif., Dec. 12, 2024 /PRNewswire/ --", True),
        ("HELSINKI, Finland —", True),
        ("Espoo, Finland, 5 February 2025 –", True),
        ("Results of operations", False),
        ("Revenue, net —", False),  # lower case after the first word: not a place
        ("Net sales rose, and costs fell -", False),
    ],
)
def test_datelines(line: str, dateline: bool) -> None:
    assert is_dateline(line) is dateline


def test_a_hard_breaks_region_splits_as_plain_text_does() -> None:
    # one layout segment of plain text: its line breaks are as written
    text = "Sales rose.\n[bold]Margins improved[/] but demand was\nweak. Done."
    region = Region(((0, len(text)),), hard_breaks=True)
    expected = ["Sales rose.", "[bold]Margins improved[/] but demand was\nweak.", "Done."]
    assert [s.text for s in split_sentences(text)] == expected
    assert [s.text for s in split_text(text, SplitMode.SENTENCES, [region])] == expected
    # a Markdown paragraph's line breaks are soft: "[bold]margins" after a space goes on
    soft = [s.text for s in split_text(text, SplitMode.SENTENCES, [Region(((0, len(text)),))])]
    assert soft == ["Sales rose.\n[bold]Margins improved[/] but demand was\nweak.", "Done."]

"""Markdown read as Markdown: the text of its blocks, markup blanked in place, file offsets kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.errors import InputError
from finlocal.reading import InputFormat, read_bytes, read_path
from finlocal.reading.markdown import visible_text
from finlocal.splitting import split_text
from finlocal.structure import SplitMode

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
    "Segment",
    "Sales",
    "Change",
    "Paper",
    "80.1",
    "fell 3 %",
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
        "Segment",
        "Sales",
        "Change",
        "Paper",
        "80.1",
        "fell 3 %",
        "Sales grew fast .",
    ]


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
    assert read_path(tmp_path / "r.txt").regions == ()
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

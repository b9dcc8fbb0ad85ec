"""Filings as filed: SEC-style HTML read into sentences, headings and table rows.

Every fixture is written here, small, in the shapes EDGAR filings take (inline XBRL, pages cut by
``page-break`` styles and ``<hr>``, statement tables whose figures span three cells); none is a
copy of a real filing.
"""

from __future__ import annotations

import pytest

from finlocal.reading import Document, read_bytes
from finlocal.reading.formats import InputFormat
from finlocal.reading.furniture import is_page_number, strip_check_boxes
from finlocal.reading.html_document import unit_phrase
from finlocal.reading.html_tables import is_number
from finlocal.splitting import Item, split_text
from finlocal.structure import RowKind


def read(html: str) -> Document:
    return read_bytes(html.encode("utf-8"), "filing.html", InputFormat.HTML)


def rows(html: str) -> list[Item]:
    document = read(html)
    return split_text(document.text, regions=document.regions)


def texts(html: str, kind: RowKind) -> list[str]:
    return [item.text for item in rows(html) if item.kind is kind]


def page(body: str, number: int) -> str:
    """One page of a filing: its body, then the running footer and page number, then a break."""
    return (
        f"{body}"
        f'<div style="text-align:center"><span>Acme Corp. | 2025 Form 10-K | {number}</span></div>'
        f'<div style="text-align:center">{number}</div>'
        '<hr style="page-break-after:always"/>'
    )


# --------------------------------------------------------------------------------------------
# inline XBRL and hidden content


def test_the_inline_xbrl_header_and_hidden_facts_are_not_read() -> None:
    html = """<html><body>
    <div style="display:none"><ix:header><ix:hidden>
      <ix:nonNumeric name="dei:AmendmentFlag" contextRef="c-1">false</ix:nonNumeric>
      <ix:nonNumeric name="dei:DocumentFiscalPeriodFocus">FY</ix:nonNumeric>
    </ix:hidden><ix:references><link:schemaRef xlink:href="acme-20250630.xsd"/></ix:references>
    <ix:resources><xbrli:context id="c-1">us-gaap:CommonStockMember2024-01-29</xbrli:context></ix:resources>
    </ix:header></div>
    <ix:header><ix:resources>us-gaap:RetainedEarningsMember2025-06-30</ix:resources></ix:header>
    <p>Net sales rose 5% to <ix:nonFraction name="us-gaap:Revenues" scale="6">41.7</ix:nonFraction> million.</p>
    <p style="DISPLAY: none">A hidden paragraph.</p>
    <div style="display:none"><p>Hidden too <b>with</b> markup.</p></div>
    <p>Margins improved.</p>
    </body></html>"""
    document = read(html)
    assert document.text == "Net sales rose 5% to 41.7 million.\n\nMargins improved."
    assert [r.kind for r in document.regions] == [RowKind.SENTENCE, RowKind.SENTENCE]


def test_an_unclosed_hidden_paragraph_does_not_hide_the_rest() -> None:
    html = '<body><p style="display:none">hidden<p>Sales rose.<div>Costs fell.</div></body>'
    assert read(html).text == "Sales rose.\n\nCosts fell."


# --------------------------------------------------------------------------------------------
# page furniture


def test_a_running_footer_is_dropped_and_the_sentence_it_cut_is_joined() -> None:
    html = (
        "<html><body>"
        + page("<p>Revenue grew in every region.</p><p>Our ports have been</p>", 1)
        + page("<p>impacted by storms, and shipments were delayed.</p><p>Costs rose.</p>", 2)
        + page("<p>Demand stayed strong.</p>", 3)
        + page("<p>Cash flow was positive.</p>", 4)
        + "</body></html>"
    )
    sentences = texts(html, RowKind.SENTENCE)
    assert sentences == [
        "Revenue grew in every region.",
        "Our ports have been impacted by storms, and shipments were delayed.",
        "Costs rose.",
        "Demand stayed strong.",
        "Cash flow was positive.",
    ]
    document = read(html)
    assert "Form 10-K" not in document.text
    assert not any(line.strip().isdigit() for line in document.text.splitlines())


def test_a_line_that_repeats_in_the_middle_of_pages_is_not_furniture() -> None:
    words = ["North", "South", "East", "West"]

    def body(n: int) -> str:
        w = words[n - 1]
        return f"<p>{w} sales rose.</p><p>{w} costs fell.</p><p>{w} margins held.</p><p>Risk remains.</p>" + (
            f"<p>{w} net income rose.</p><p>{w} cash rose.</p><p>{w} debt fell.</p>"
        )

    html = "".join(page(body(n), n) for n in range(1, 5))
    sentences = texts(html, RowKind.SENTENCE)
    assert sentences.count("Risk remains.") == 4
    assert len(sentences) == 4 * 7


def test_a_hyphenated_word_cut_by_a_column_break_is_joined() -> None:
    html = "<div><div>Our subsidiaries are regulated. The non-</div><div>U.S. branches are regulated too.</div></div>"
    assert texts(html, RowKind.SENTENCE) == [
        "Our subsidiaries are regulated.",
        "The non-U.S. branches are regulated too.",
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [("4", True), ("- 4 -", True), ("Page 4", True), ("Page 4 of 20", True), ("F-3", True), ("iv", True)]
    + [("2024", True), ("Item 4", False), ("Revenue", False), ("4. Revenue grew", False)],
)
def test_page_numbers(text: str, number: bool) -> None:
    assert is_page_number(text) is number


# --------------------------------------------------------------------------------------------
# cover page, table of contents, headings

COVER = """<html><body>
<div style="text-align:center;font-weight:bold">UNITED STATES SECURITIES AND EXCHANGE COMMISSION</div>
<div style="text-align:center"><span style="font-weight:700">FORM 10-K</span></div>
<div><span>Indicate by check mark whether the registrant is a well-known seasoned issuer.
Yes</span> <span style="font-family:Segoe UI Symbol">&#9746;</span> No <span>&#9744;</span></div>
<div>Indicate by check mark if the registrant is a shell company. Yes <span style="font-family:Wingdings">&#168;</span>
No <span style="font-family:Wingdings">&#254;</span></div>
<div>&#9744; Pre-commencement communications pursuant to Rule 13e-4(c) under the Exchange Act
(17 CFR 240.13e-4(c))</div>
<div>Emerging growth company <span>&#9744;</span></div>
<table>
<tr><td>Large accelerated filer</td><td>&#9746;</td><td>Accelerated filer</td><td>&#9744;</td></tr>
<tr><td>Non-accelerated filer</td><td>&#9744;</td><td>Smaller reporting company</td><td>&#9744;</td></tr>
</table>
<div style="text-align:center"><b>TABLE OF CONTENTS</b></div>
<table>
<tr><td></td><td></td><td>Page</td></tr>
<tr><td><a href="#i1">Item 1.</a></td><td><a href="#i1">Business</a></td><td>1</td></tr>
<tr><td><a href="#i1a">Item 1A.</a></td><td><a href="#i1a">Risk Factors</a></td><td>5</td></tr>
<tr><td><a href="#i7">Item 7.</a></td><td><a href="#i7">Management's Discussion and Analysis</a></td><td>21</td></tr>
</table>
<h2>Item 7. Management's Discussion and Analysis</h2>
<p><b>Three Months Ended June 30, 2025 Compared to Three Months Ended June 30, 2024</b></p>
<p>Three months ended June 30, 2025 as compared to the three months ended June 30, 2024</p>
<p><i>Subsidiary Banks.</i> Our banks are regulated by the OCC.</p>
<p><b>Net sales increased 5%.</b> The increase was broad.</p>
<p>Revenue grew 5% on higher volumes.</p>
</body></html>"""


def test_cover_page_check_boxes_are_removed_from_their_sentences() -> None:
    sentences = texts(COVER, RowKind.SENTENCE)
    assert "Indicate by check mark whether the registrant is a well-known seasoned issuer." in sentences
    assert "Indicate by check mark if the registrant is a shell company." in sentences
    document = read(COVER)
    assert not any(box in document.text for box in "☒☐¨þ")
    assert "Yes" not in document.text and "filer" not in document.text  # the check-box table is gone
    assert "Pre-commencement" not in document.text and "Emerging growth" not in document.text  # and the options


def test_a_table_of_contents_is_dropped() -> None:
    document = read(COVER)
    assert "Risk Factors" not in document.text
    assert document.tables == ()


def test_headings_are_heading_rows() -> None:
    headings = texts(COVER, RowKind.HEADING)
    assert headings == [
        "UNITED STATES SECURITIES AND EXCHANGE COMMISSION",
        "FORM 10-K",
        "TABLE OF CONTENTS",
        "Item 7. Management's Discussion and Analysis",
        "Three Months Ended June 30, 2025 Compared to Three Months Ended June 30, 2024",
        "Three months ended June 30, 2025 as compared to the three months ended June 30, 2024",
        "Subsidiary Banks.",
    ]
    sentences = texts(COVER, RowKind.SENTENCE)
    assert "Our banks are regulated by the OCC." in sentences
    assert "Net sales increased 5%." in sentences  # a sentence in bold is still a sentence
    assert "Revenue grew 5% on higher volumes." in sentences


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Is the registrant a shell company? Yes ☐ No ☒", "Is the registrant a shell company?"),
        ("Yes ☒ No ☐", ""),
        ("Large accelerated filer ☒", "Large accelerated filer"),
        ("Yes ¨ No þ", ""),
        ("Revenue rose. No change in guidance.", "Revenue rose. No change in guidance."),
    ],
)
def test_check_boxes(text: str, cleaned: str) -> None:
    assert strip_check_boxes(text) == cleaned


# --------------------------------------------------------------------------------------------
# tables

STATEMENT = """<html><body>
<p>The following table shows cash flows (in millions):</p>
<table>
<tr><td></td><td colspan="7" style="text-align:center">Year Ended</td></tr>
<tr><td></td><td colspan="7">December 31,</td></tr>
<tr><td></td><td colspan="3" style="border-bottom:1px solid">2025</td><td></td><td colspan="3">2024</td></tr>
<tr><td>Operating activities:</td></tr>
<tr><td>Net income</td><td>$</td><td>1,210</td><td></td><td></td><td>$</td><td>460</td><td></td></tr>
<tr><td>Purchases of investments, net</td><td></td><td>287</td><td></td><td></td><td></td><td>(26</td><td>)</td></tr>
<tr><td>Net change in cash and cash equivalents</td><td>$</td><td>(164</td><td>)</td>
    <td></td><td>$</td><td>(1,105</td><td>)</td></tr>
<tr><td>Gross margin</td><td></td><td>46.2</td><td>%</td><td></td><td></td><td>44.1</td><td>%</td></tr>
<tr><td>Other</td><td></td><td>&#8212;</td><td></td><td></td><td></td><td>12</td><td></td></tr>
</table>
<p>Cash fell on buybacks.</p>
</body></html>"""


def test_a_statement_table_is_read_as_table_rows() -> None:
    document = read(STATEMENT)
    [table] = document.tables
    got = [(row.label, row.cells) for row in table.rows]
    assert got == [
        ("Operating activities:", ("", "")),
        ("Net income", ("$1,210", "$460")),
        ("Purchases of investments, net", ("287", "(26)")),
        ("Net change in cash and cash equivalents", ("$(164)", "$(1,105)")),
        ("Gross margin", ("46.2%", "44.1%")),
        ("Other", ("—", "12")),
    ]
    assert {row.header for row in table.rows} == {("Year Ended December 31, 2025", "Year Ended December 31, 2024")}
    assert {row.caption for row in table.rows} == {"(in millions)"}
    items = split_text(document.text, regions=document.regions)
    assert [i.kind for i in items].count(RowKind.TABLE_ROW) == 6
    net = next(i for i in items if i.kind is RowKind.TABLE_ROW and i.text.startswith("Net change"))
    assert net.text == "Net change in cash and cash equivalents | $(164) | $(1,105)"
    assert net.table_row is not None and document.text[net.table_row.start : net.table_row.end] == net.text
    # the lead-in sentence stays a sentence (its unit is the caption), and so does the text after
    assert texts(STATEMENT, RowKind.SENTENCE) == [
        "The following table shows cash flows (in millions):",
        "Cash fell on buybacks.",
    ]


KPI = """<html><body>
<p style="text-align:center"><b>Key performance indicators</b></p>
<p>(in millions, except per share data)</p>
<table>
<tr><th></th><th colspan="2">Three Months Ended</th></tr>
<tr><th></th><th>June 30, 2025</th><th>June 30, 2024</th></tr>
<tr><td>Net sales</td><td>41.7</td><td>38.2</td></tr>
<tr><td>Diluted EPS <sup>(1)</sup></td><td>1.21</td><td>0.46</td></tr>
</table>
</body></html>"""


def test_a_kpi_table_has_its_periods_and_unit_caption() -> None:
    document = read(KPI)
    [table] = document.tables
    assert [(r.label, r.cells) for r in table.rows] == [
        ("Net sales", ("41.7", "38.2")),
        ("Diluted EPS (1)", ("1.21", "0.46")),
    ]
    assert table.rows[0].header == ("Three Months Ended June 30, 2025", "Three Months Ended June 30, 2024")
    assert table.caption == "(in millions, except per share data)"
    assert "(in millions" not in document.text  # a unit line of its own became the caption
    assert texts(KPI, RowKind.HEADING) == ["Key performance indicators"]
    assert texts(KPI, RowKind.SENTENCE) == []


def test_a_unit_line_inside_the_header_is_the_caption() -> None:
    html = """<table><tr><td>(Dollars in millions)</td><td>2025</td><td>2024</td></tr>
    <tr><td>Revenue</td><td>10</td><td>9</td></tr></table>"""
    [table] = read(html).tables
    assert table.caption == "(Dollars in millions)"
    assert table.rows[0].header == ("2025", "2024")


@pytest.mark.parametrize(
    "html",
    [
        # one cell a row
        "<table><tr><td>Revenue grew 5% in the quarter on strong demand.</td></tr></table>",
        # a bullet laid out in cells
        "<table><tr><td>•</td><td>Revenue grew 5% in the quarter on strong demand.</td></tr></table>",
        # a footnote laid out in cells
        "<table><tr><td>(1)</td><td>Revenue grew 5% in the quarter on strong demand.</td></tr></table>",
    ],
)
def test_a_layout_table_that_holds_prose_stays_prose(html: str) -> None:
    document = read(html)
    assert document.tables == ()
    assert texts(html, RowKind.SENTENCE) == ["Revenue grew 5% in the quarter on strong demand."] or texts(
        html, RowKind.SENTENCE
    ) == ["(1) Revenue grew 5% in the quarter on strong demand."]


def test_an_item_line_laid_out_as_a_table_is_a_heading() -> None:
    html = "<table><tr><td>Item 2.02</td><td>Results of Operations and Financial Condition.</td></tr></table>"
    assert texts(html, RowKind.HEADING) == ["Item 2.02 Results of Operations and Financial Condition."]


@pytest.mark.parametrize(
    ("text", "number"),
    [("1,105", True), ("(1,105)", True), ("$(164)", True), ("$ 2.4", True), ("12%", True), ("(4)%", True)]
    + [("—", True), ("n/m", True), ("1.21 (2)", True), ("Net sales", False), ("2024 – 2062", False)],
)
def test_figures(text: str, number: bool) -> None:
    assert is_number(text) is number


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("(In millions, except per share amounts)", "(In millions, except per share amounts)"),
        ("EUR million", "EUR million"),
        ("Net sales by segment were as follows (dollars in millions):", "(dollars in millions)"),
        ("Revenue grew strongly.", ""),
    ],
)
def test_unit_phrase(text: str, unit: str) -> None:
    assert unit_phrase(text) == unit


@pytest.mark.parametrize(
    ("html", "title"),
    [
        ("<p><i>Interstate Banking.</i> A bank may acquire banks in other states.</p>", "Interstate Banking."),
        ("<p><i>Interstate Banking</i>. A bank may acquire banks in other states.</p>", "Interstate Banking."),
        ("<p><b>Interstate Banking:</b> A bank may acquire banks in other states.</p>", "Interstate Banking:"),
    ],
)
def test_a_run_in_title_is_a_heading(html: str, title: str) -> None:
    assert [(i.kind, i.text) for i in rows(html)] == [
        (RowKind.HEADING, title),
        (RowKind.SENTENCE, "A bank may acquire banks in other states."),
    ]


def test_a_statement_header_of_several_lines_repeated_on_each_page_is_furniture() -> None:
    header = (
        "<p>ACME CORP.</p><p>NOTES TO THE CONSOLIDATED FINANCIAL STATEMENTS</p>"
        "<p>For the years ended June 30, 2025 and 2024</p><p>(Expressed in Canadian dollars)</p>"
    )
    notes = ["Revenue is recognised on delivery.", "Leases are capitalised.", "Goodwill is tested yearly."]
    html = "".join(page(header + f"<p>{note}</p>", n) for n, note in enumerate(notes, 1))
    assert read(html).text == "\n\n".join(notes)


def test_a_cover_line_broken_in_two_is_one_heading() -> None:
    html = """<div style="text-align:center">Pursuant to Section 13 or 15(d) of the</div>
    <div style="text-align:center">Securities Exchange Act of 1934</div><div style="text-align:center">or</div>
    <div style="text-align:center">TRANSITION REPORT</div>"""
    assert [(i.kind, i.text) for i in rows(html)] == [
        (RowKind.HEADING, "Pursuant to Section 13 or 15(d) of the Securities Exchange Act of 1934"),
        (RowKind.HEADING, "TRANSITION REPORT"),
    ]


def test_list_items_stay_items() -> None:
    html = """<p>Forward-looking statements include statements about:</p>
    <div>&#8226; our plans for new products;</div><div>&#8226; our expectations of demand; and</div>
    <div>&#8226; our ability to raise capital.</div>"""
    assert texts(html, RowKind.SENTENCE) == [
        "Forward-looking statements include statements about:",
        "our plans for new products;",
        "our expectations of demand; and",
        "our ability to raise capital.",
    ]


@pytest.mark.parametrize(
    "html",
    [
        "<p><b>SAN JOSE, Calif.</b> — Adobe today reported record revenue.</p>",
        "<p>SAN JOSE, Calif., March 12, 2025 /PRNewswire/ --</p><p>Adobe today reported record revenue.</p>",
    ],
)
def test_a_dateline_stays_with_its_sentence(html: str) -> None:
    [row] = rows(html)
    assert row.kind is RowKind.SENTENCE and row.text.startswith("SAN JOSE") and row.text.endswith("record revenue.")


def test_an_exhibit_index_is_a_table() -> None:
    description = (
        "Form of Agreement for Deferred Stock Units under the 2020 Stock Incentive Plan "
        "(incorporated by reference to Exhibit 10.1 to the Company's Current Report)."
    )
    html = f"""<table><tr><td>*10.24</td><td>{description}</td></tr>
    <tr><td>31.1</td><td>{description}</td></tr></table>"""
    assert texts(html, RowKind.TABLE_ROW) == [f"*10.24 | {description}", f"31.1 | {description}"]
    assert texts(html, RowKind.SENTENCE) == []


def test_preformatted_text_keeps_its_lines_and_blank_lines_part_paragraphs() -> None:
    html = "<body><pre>Revenue rose 5% in the quarter\nas demand grew.\n\n   Costs fell.</pre><p>Done.</p></body>"
    document = read(html)
    assert document.text == "Revenue rose 5% in the quarter\nas demand grew.\n\n   Costs fell.\n\nDone."
    assert texts(html, RowKind.SENTENCE) == ["Revenue rose 5% in the quarter\nas demand grew.", "Costs fell.", "Done."]


@pytest.mark.parametrize(("line", "kept"), [("Q3", True), ("2024", False), ("94-2404110", False), ("(1)", False)])
def test_a_line_without_a_letter_is_dropped(line: str, kept: bool) -> None:
    html = f"<h1>{line}</h1><p>Net sales rose 5 %.</p>"
    assert (line in [item.text for item in rows(html)]) is kept

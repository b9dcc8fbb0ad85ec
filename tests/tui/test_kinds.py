"""Rows of each kind in the app: headings and table rows are marked (§, ▦ — not colour alone),
`t` filters by kind, and the counts, tone index and tone strip are about sentences only."""

from __future__ import annotations

from finlocal.reading import Document
from finlocal.structure import Region, RowKind, TableRow
from finlocal.tui.report_files import ExportSpec, markdown_report
from finlocal.tui.view import KindFilter
from tests.tui.helpers import make_app, run, screen_text, wait_for

LINES = [
    ("Third quarter in brief", RowKind.HEADING),
    ("Net sales rose 12 % in the quarter.", RowKind.SENTENCE),
    ("Order intake fell 7 % on weak demand.", RowKind.SENTENCE),
    ("Net sales | 41.7 | 38.2", RowKind.TABLE_ROW),
    ("Operating profit | 5.1 | 3.9", RowKind.TABLE_ROW),
    ("The company is based in Espoo.", RowKind.SENTENCE),
]


def kpi_document() -> Document:
    """A release whose regions say what each line is, as the Markdown reader hands them on."""
    text, regions, at = "", [], 0
    for line, kind in LINES:
        table_row = None
        if kind is RowKind.TABLE_ROW:
            label, *cells = [c.strip() for c in line.split("|")]
            table_row = TableRow(label, tuple(cells), ("Q3 2026", "Q3 2025"), "EUR million", at, at + len(line))
        regions.append(Region(((at, at + len(line)),), kind, table_row))
        text += line + "\n\n"
        at = len(text)
    return Document("kpi.md", text, regions=tuple(regions))


def test_kinds_are_marked_filtered_and_not_counted() -> None:
    app = make_app(initial=kpi_document())

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.pause()
        kinds = [r.kind for r in app.main.table.results]
        assert kinds == [kind for _, kind in LINES]
        text = screen_text(app)
        assert "§ Third quarter in brief" in text and "▦ Net sales | 41.7 | 38.2" in text
        summary = str(app.main.query_one("#summary-counts").render())
        assert "3 sentences + 3 other rows" in summary  # counts: the three sentences only
        assert app.main.summary.tone_strip.indices == (1, 2, 5)
        await pilot.press("t")
        assert app.main.table.kind_filter is KindFilter.SENTENCES
        assert app.main.table.ordered_indices() == [1, 2, 5]
        assert "sentences only" in str(app.main.table.border_title)
        await pilot.press("t", "t")
        assert app.main.table.ordered_indices() == [3, 4]
        app.main.table.reveal(0)  # a heading: the filter that hides it is cleared
        assert app.main.table.kind_filter is KindFilter.ALL
        await pilot.pause()
        await wait_for(pilot, lambda: app.main.detail.result is not None, "the detail")
        app.main.table.reveal(3)
        await pilot.pause()
        assert "▦ Table row 4 (not counted in the tone)" in screen_text(app)

    run(app, scenario, size=(100, 30))


def test_the_markdown_export_names_what_is_not_a_sentence() -> None:
    from finlocal.scoring import score_text
    from tests.fakes import KeywordClassifier

    document = kpi_document()
    report = score_text(document.text, KeywordClassifier(), source="kpi.md", regions=document.regions)
    text = markdown_report(ExportSpec(report, report.sentences))
    assert "- Sentences: 3 (" in text and "also 2 table rows and 1 heading, listed but not counted" in text
    assert "(table row) Net sales \\| 41.7 \\| 38.2" in text and "(heading) Third quarter in brief" in text

"""What moved in the app: the detail panel says it in words, the summary counts it, `v` opens the
document's table and `enter` shows the sentence, and the Markdown export carries it."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from finlocal.scoring import score_text
from finlocal.tui.report_files import ExportSpec, markdown_report
from finlocal.tui.screens.moved import MovedScreen
from tests.fakes import KeywordClassifier
from tests.tui.helpers import make_app, run, score, screen_text, wait_for, widget_lines

TEXT = (
    "Quarterly report. The company is based in Espoo. "
    "Net charge-offs totaled $1.2 million compared to $2.3 million a year ago. "
    "Earnings per share fell to NOK 1.12 (NOK 2.05)."
)


def test_detail_summary_and_the_table() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, TEXT)
        text = screen_text(app)
        assert "moved 1 good · 1 bad (v)" in text
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        text = screen_text(app)
        assert "What moved in" in text and "read from the figures (not by the model)" in text
        assert "Net charge-offs" in text and "down 47.8 %" in text and "good" in text
        await pilot.press("down", "enter")  # the second change: EPS, in sentence 4
        await wait_for(pilot, lambda: not isinstance(app.screen, MovedScreen), "the table to close")
        assert app.main.table.selected is not None and app.main.table.selected.index == 3
        await pilot.pause()
        text = screen_text(app)
        assert "Earnings per share: NOK 1.12 vs 2.05, down 45.4 %; higher is better → bad" in text

    run(app, scenario, size=(120, 36))


def test_the_table_says_when_nothing_moved() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "The company is based in Espoo. It has 200 staff.")
        assert "(v)" not in screen_text(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        assert "found no change of a line item" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MovedScreen), "the table to close")

    run(app, scenario, size=(80, 24))


def test_the_markdown_report_has_a_what_moved_section() -> None:
    report = score_text(TEXT, KeywordClassifier(), source="q3.txt")
    text = markdown_report(ExportSpec(report, report.sentences))
    section = text.split("## What moved", 1)[1].split("\n## ", 1)[0]
    assert "| metric | now | before | change | verdict | sentence |" in section
    assert "| Net charge-offs | $1.2 million | $2.3 million | down 47.8 % | good | #3: Net charge-offs" in section
    assert "| Earnings per share | NOK 1.12 | NOK 2.05 | down 45.4 % | bad | #4: Earnings per share" in section


LONG = (
    "Cash flow from operating activities was EUR 22.4 million compared to EUR 18.1 million a year earlier. "
    "Net sales of the services business rose to EUR 41.7 million from EUR 38.2 million in the third quarter. "
    "Order intake fell to EUR 118 million from EUR 127 million. "
)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_the_table_keeps_the_verdict_and_gives_the_sentence_room(size) -> None:
    # 120 columns used to leave the sentence 7 characters ("Net sal"), padding the metric column
    # for "Cash flow from operating activities"; at 80 the good/bad column was off screen
    app = make_app()

    async def scenario(pilot):
        await score(pilot, LONG)
        summary = str(app.main.query_one("#summary-counts").render())
        assert "moved 2 good · 1 bad (v)" in summary  # the verdicts come before the row count
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.region.right <= size[0]  # the whole table is on screen
        rows = widget_lines(table)[1:4]
        assert all(("good" in r or "bad" in r) for r in rows), rows
        assert rows[0].lstrip().startswith("Cash flow fr")  # the metric, capped (shrunk at 80)
        sentence = str(app.screen.query_one("#moved-sentence").render())
        assert sentence.startswith("#1: Cash flow from operating activities was EUR 22.4 million")
        if size[0] >= 120:
            assert "Net sales of the serv" in rows[1]  # the sentence column has room

    run(app, scenario, size=size)


def test_every_change_is_counted_and_listed_not_the_first_fifty() -> None:
    # a long document: the report keeps 50 "what moved" rows; the app has every row, so it
    # counts and lists all of them (the app said "21 good · 29 bad" of 765 good and 1,472 bad)
    text = (
        "Net sales rose to EUR 12 million from EUR 10 million. " * 60
        + "Order intake fell to EUR 5 million from EUR 9 million. " * 15
    )
    app = make_app()

    async def scenario(pilot):
        await score(pilot, text)
        assert len(app.main.report.moved) == 50
        summary = str(app.main.query_one("#summary-counts").render())
        assert "moved 60 good · 15 bad (v)" in summary
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        assert len(app.screen.rows) == 75 and "75 changes" in screen_text(app)

    run(app, scenario, size=(100, 30))

"""What moved in the app: the detail panel says it in words, the summary counts it, `v` opens the
document's table and `enter` shows the sentence, and the Markdown export carries it."""

from __future__ import annotations

from finlocal.scoring import score_text
from finlocal.tui.report_files import ExportSpec, markdown_report
from finlocal.tui.screens.moved import MovedScreen
from tests.fakes import KeywordClassifier
from tests.tui.helpers import make_app, run, score, screen_text, wait_for

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
        assert "what moved: 1 good · 1 bad (v)" in text
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
        assert "what moved" not in screen_text(app)
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

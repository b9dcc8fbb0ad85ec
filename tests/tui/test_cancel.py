"""Cancel (esc) stops the status at once, says how far it got, and the rows stay exportable,
marked partial. (User test, item 3.)"""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from finlocal.tui.config import TuiConfig
from finlocal.tui.screens.export import ExportScreen
from tests.tui.fakes import StepClassifier
from tests.tui.helpers import make_app, notifications, run, screen_text, settle, status, wait_for

TEXT = " ".join(f"Sales rose {i} %." if i % 3 else f"Costs fell {i} %." for i in range(700))


def test_cancel_stops_the_status_and_the_partial_rows_export(terminal, tmp_path: Path) -> None:
    classifier = StepClassifier(free=2)  # two chunks of 64 are scored, the third waits
    app = make_app(classifier, config=TuiConfig(chunk_size=64))

    async def scenario(pilot):
        app.main.input_panel.text_area.load_text(TEXT)
        await pilot.press("ctrl+r")
        await wait_for(pilot, classifier.blocked.is_set, "the third chunk")
        await pilot.press("escape")
        classifier.gate.set()  # the chunk in flight finishes after the cancel
        await settle(pilot)  # the run has ended and everything it posted is handled
        assert any("Sales rose 128 %." in call for call in classifier.calls)  # the late chunk was scored …
        main = app.main
        cancelled = "Cancelled after 128 of 700 sentences"
        assert cancelled in status(app)
        assert "Scoring" not in status(app)
        assert main.table.row_count == 128  # the late chunk is not added behind the status
        assert any("128 of 700" in m and "partial" in m for _, m in notifications(app))
        app.clear_notifications()
        await pilot.pause()
        text = screen_text(app)
        assert cancelled in text and "cancelled after 128 of 700 (partial)" in text, text
        assert "partial ·" in main.table.border_title

        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ExportScreen)
        assert "Partial: scoring was cancelled after 128 of 700" in screen_text(app)
        field = app.screen.query_one("#export-path", Input)
        assert field.value.endswith("report.finlocal.partial.jsonl")
        field.value = str(tmp_path / "part.md")
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "part.md").exists(), "the Markdown file")
        markdown = (tmp_path / "part.md").read_text()
        assert "**Partial**: scoring was cancelled after 128 of 700 sentences" in markdown
        assert "- Sentences: 128 (NEG 43 · NEU 0 · POS 85)" in markdown

        await pilot.press("ctrl+s")
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / "part.jsonl")
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "part.jsonl").exists(), "the JSONL file")
        rows = [json.loads(x) for x in (tmp_path / "part.jsonl").read_text().splitlines()]
        assert [r["index"] for r in rows] == list(range(128))

    run(app, scenario, size=terminal)


def test_export_while_scoring_says_how_to_get_the_rows(terminal) -> None:
    classifier = StepClassifier(free=1)
    app = make_app(classifier, config=TuiConfig(chunk_size=64))

    async def scenario(pilot):
        app.main.input_panel.text_area.load_text(TEXT)
        await pilot.press("ctrl+r")
        await wait_for(pilot, classifier.blocked.is_set, "the second chunk")
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, ExportScreen)
        assert "press esc to stop and export the rows scored so far" in notifications(app)[-1][1]
        classifier.gate.set()

    run(app, scenario, size=terminal)


def test_partial_report_counts_only_the_scored_rows() -> None:
    from finlocal.scoring import score_text
    from finlocal.tui.session import partial_report
    from tests.fakes import KeywordClassifier

    full = score_text("Sales rose. Costs fell. Nothing. Profit fell.", KeywordClassifier())
    part = partial_report("doc", full.labels, list(full.sentences[:2])[::-1], 12.5)
    assert [r.index for r in part.sentences] == [0, 1]
    assert part.counts == {"negative": 1, "neutral": 0, "positive": 1}
    assert part.total_ms == 12.5

"""Keys typed during a run never edit the report; edited text marks the results stale.

(User test, item 1.) Every test runs at 100×30 and at 80×24 with NO_COLOR.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from finlocal.tui.widgets.results_table import ResultsTable
from tests.tui.fakes import GatedClassifier
from tests.tui.helpers import REPORT, make_app, run, score, screen_text, status, wait_for

STALE = "Text changed — ctrl+r to rescore"


def test_keys_typed_while_scoring_do_not_edit_the_report(terminal) -> None:
    classifier = GatedClassifier()
    app = make_app(classifier)

    async def scenario(pilot):
        area = app.main.input_panel.text_area
        area.load_text(REPORT)
        area.focus()
        await pilot.press("ctrl+r")
        await wait_for(pilot, classifier.entered.is_set, "the run to start")
        assert isinstance(app.focused, ResultsTable)  # focus left the input at submit
        await pilot.press("n", "n", "p")  # what the analyst typed during the run
        assert app.main.input_panel.text == REPORT
        classifier.gate.set()
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.press("ctrl+r")  # a rescore scores the same, unaltered text
        await wait_for(pilot, lambda: app.main.report is not None, "the rescore")
        assert app.main.report.sentences[0].text.startswith("Nordvik Industries Corp.")
        assert app.main.input_panel.text == REPORT

    run(app, scenario, size=terminal)


def test_opening_a_file_moves_the_focus_to_the_results(terminal, tmp_path: Path) -> None:
    path = tmp_path / "q3.txt"
    path.write_text(REPORT, encoding="utf-8")
    classifier = GatedClassifier()
    app = make_app(classifier)

    async def scenario(pilot):
        app.main.input_panel.text_area.focus()
        await pilot.press("ctrl+o")
        field = app.screen.query_one("#open-path", Input)
        field.value = str(path)
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, classifier.entered.is_set, "the run to start")
        await pilot.pause(0.1)
        assert isinstance(app.focused, ResultsTable)  # already while the file is scored
        await pilot.press("n", "n", "p")
        assert app.main.input_panel.text == REPORT
        classifier.gate.set()
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert isinstance(app.focused, ResultsTable)
        assert app.main.input_panel.text == REPORT

    run(app, scenario, size=terminal)


def test_editing_after_a_run_marks_the_results_stale(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell.")
        assert "2 sentences scored" in status(app)
        await pilot.press("i", "end", "space", "X")
        await pilot.pause()
        hint = status(app)
        assert STALE in hint and "2 sentences scored" not in hint
        assert "text changed" in app.main.table.border_title
        assert STALE in screen_text(app)
        # the old results are not passed off as the new text's
        assert [r.text for r in app.main.report.sentences] == ["Sales rose.", "Costs fell."]
        await pilot.press("ctrl+z")  # back to the scored text: fresh again
        await pilot.pause()
        assert STALE not in status(app)
        await pilot.press("end", "space", "Y", "ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the rescore")
        assert " ".join(r.text for r in app.main.report.sentences).endswith("Y")
        assert STALE not in status(app)
        assert "3 sentences scored" in status(app)  # "Y" is a sentence

    run(app, scenario, size=terminal)

"""Moving on to the next report: paste from anywhere, select-all that is on screen, ctrl+n,
a status that follows the text, and a failed open that keeps the results. (User test, item 6.)"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from finlocal.tui.view import LabelFilter, SortOrder
from finlocal.tui.widgets.results_table import ResultsTable
from tests.tui.helpers import REPORT, make_app, notifications, run, score, screen_text, status, wait_for

NEXT = "Second report. Order intake fell sharply."


def test_a_paste_reaches_the_input_while_the_table_has_focus(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        assert isinstance(app.focused, ResultsTable)
        app.post_message(events.Paste(NEXT))  # as the terminal delivers a paste
        await pilot.pause()
        assert app.main.input_panel.text == NEXT
        assert app.main.input_panel.text_area.has_focus
        assert "Text changed — ctrl+r to rescore" in status(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the new report")
        assert [r.text for r in app.main.report.sentences] == ["Second report.", "Order intake fell sharply."]
        await pilot.press("i", "ctrl+z")  # the paste was one edit: undo brings the old text
        assert app.main.input_panel.text == REPORT

    run(app, scenario, size=terminal)


def test_select_all_is_shown_and_ctrl_a_selects_all(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        assert "ctrl+a select all" in screen_text(app)
        await pilot.press("i", "ctrl+a", "X")
        assert app.main.input_panel.text == "X"
        await pilot.press("ctrl+z", "f7", "Y")  # Textual's own F7 still works
        assert app.main.input_panel.text == "Y"

    run(app, scenario, size=terminal)


def test_ctrl_n_clears_for_the_next_report(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+n")
        await pilot.pause()
        main = app.main
        assert main.input_panel.text == "" and main.input_panel.text_area.has_focus
        assert main.table.row_count == 0 and main.report is None
        assert status(app).startswith("Paste or type a report")
        assert "Nothing scored yet." in screen_text(app)
        await pilot.press("ctrl+z")
        assert main.input_panel.text == REPORT

    run(app, scenario, size=terminal)


def test_the_status_follows_the_text(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        assert "16 sentences scored" in screen_text(app)
        await pilot.press("i", "ctrl+a", "delete")
        await pilot.pause()
        text = screen_text(app)
        assert "16 sentences scored" not in text
        assert "Text changed — ctrl+r to rescore" in text

    run(app, scenario, size=terminal)


def test_a_failed_open_keeps_the_results(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        before = [r.text for r in app.main.table.results]
        await pilot.press("ctrl+o")
        field = app.screen.query_one("#open-path", Input)
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"not a pdf")
        field.value = str(broken)
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: notifications(app), "the error")
        severity, message = notifications(app)[-1]
        assert severity == "error" and "broken.pdf" in message and "kept" in message
        main = app.main
        assert main.report is not None
        assert [r.text for r in main.table.results] == before
        assert main.input_panel.text == REPORT
        assert "16 sentences scored" in status(app)

    run(app, scenario, size=terminal)


def test_filter_and_sort_do_not_carry_over_to_a_new_report(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("f", "s", "s", "s")  # NEG only · most negative first
        table = app.main.table
        assert (table.label_filter, table.row_order) == (LabelFilter.NEGATIVE, SortOrder.MOST_NEGATIVE)
        await pilot.press("ctrl+n")
        await score(pilot, "Sales rose. Costs fell. Nothing here.")
        assert (table.label_filter, table.row_order) == (LabelFilter.ALL, SortOrder.DOCUMENT)
        assert table.row_count == 3
        assert "all rows · document order" in screen_text(app)

    run(app, scenario, size=terminal)


def test_a_report_pasted_in_place_of_the_text_starts_unfiltered(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("f")  # NEG only
        app.post_message(events.Paste("Sales rose. Costs fell. Nothing here."))
        await pilot.pause()
        assert app.main.table.label_filter is LabelFilter.NEGATIVE  # the old rows keep theirs
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None and app.main.table.row_count == 3, "3 rows")
        assert app.main.table.label_filter is LabelFilter.ALL

    run(app, scenario, size=terminal)

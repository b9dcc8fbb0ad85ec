"""Snapshots of the main screens at 100×30 (and 80×24 with NO_COLOR) on the deterministic fake model.

Update after an intended change with ``pytest tests/tui --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.helpers import REPORT, make_app, wait_for

SIZE = (100, 30)


async def _ready(pilot: Pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.main.is_mounted and app.main.query("#input-text"), "the main screen")
    app.main.input_panel.text_area.cursor_blink = False
    await wait_for(pilot, lambda: app.main._model is not None, "the model")


async def _scored(pilot: Pilot, text: str = REPORT, moves: int = 2) -> None:
    await _ready(pilot)
    app = pilot.app
    app.main.input_panel.text_area.load_text(text)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.main.report is not None, "the report")
    await pilot.press(*["down"] * moves)
    await wait_for(pilot, lambda: app.main.detail._effects is not None, "occlusion")
    app.clear_notifications()


def test_start_screen(snap_compare, fixed_clock) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_ready)


def test_scored_report_with_detail(snap_compare, fixed_clock) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_scored)


def test_scored_report_80x24_no_color(snap_compare, fixed_clock, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_scored)


def test_review_filter_and_markup_shown_literally(snap_compare, fixed_clock) -> None:
    text = REPORT + "\nMargins [bold red]improved[/] but demand was weak [link=https://x.test]x[/]."

    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot, text, moves=0)
        await pilot.press("f", "f", "f", "f")  # ⚑ review only

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, fixed_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _ready(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_export_dialog(snap_compare, fixed_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = pilot.app.screen.query_one("#export-path")
        field.value = "q3-release.finlocal.jsonl"
        field.cursor_blink = False  # the focus is on the format buttons

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_explanation_streamed(snap_compare, fixed_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: "positive." in pilot.app.main.detail.explanation, "answer")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_detail_maximized_80x24_no_color(snap_compare, fixed_clock, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot, moves=4)
        await pilot.press("m")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_export_dialog_filtered_80x24_no_color(snap_compare, fixed_clock, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot)
        await pilot.press("f", "ctrl+s", "down", "enter")
        await pilot.pause()
        field = pilot.app.screen.query_one("#export-path")
        field.value = "q3-release.finlocal.csv"
        field.cursor_blink = False

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_find_bar(snap_compare, fixed_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot, moves=0)
        await pilot.press("slash", *"eur", "enter")
        await wait_for(pilot, lambda: pilot.app.main.detail._effects is not None, "occlusion")
        pilot.app.main.search_bar.input.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_headings_and_table_rows_80x24_no_color(snap_compare, fixed_clock, monkeypatch) -> None:
    from tests.tui.test_kinds import kpi_document

    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.press("down", "down", "down")  # the first table row
        await wait_for(pilot, lambda: app.main.detail._effects is not None, "occlusion")
        app.main.input_panel.text_area.cursor_blink = False

    assert snap_compare(make_app(initial=kpi_document()), terminal_size=(80, 24), run_before=run_before)


def test_what_moved_80x24_no_color(snap_compare, fixed_clock, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot)
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_what_moved_120x36(snap_compare, fixed_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _scored(pilot)
        await pilot.press("v", "down")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)

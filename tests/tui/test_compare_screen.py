"""The compare screen: two versions side by side, filters, the marked differences, a snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from finlocal.compare import Status
from finlocal.tui.screens.compare import CompareFilter, CompareRequest, CompareScreen, diff_texts
from tests.tui.helpers import make_app, notifications, run, wait_for

LAST_QUARTER = "Net sales rose 8 % to EUR 131 mn. Costs were flat. We opened a plant in Espoo. The outlook is strong."
THIS_QUARTER = (
    "Net sales fell 3 % to EUR 121 mn. Costs were flat. The outlook is strong. "
    "We postponed the new plant after a weak quarter."
)


def _files(tmp_path: Path) -> CompareRequest:
    a, b = tmp_path / "q1.txt", tmp_path / "q2.txt"
    a.write_text(LAST_QUARTER)
    b.write_text(THIS_QUARTER)
    return CompareRequest(a, b)


async def _compared(pilot: Pilot) -> CompareScreen:
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, CompareScreen) and pilot.app.screen.comparison is not None,
        "the comparison",
    )
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def test_the_two_versions_side_by_side_with_filters(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await _compared(pilot)
        table = screen.table
        statuses = [p.status for p in screen.comparison.pairs]
        assert statuses == [Status.CHANGED, Status.MATCHED, Status.REMOVED, Status.MATCHED, Status.ADDED]
        assert table.row_count == 5
        summary = str(screen.query_one("#compare-summary").render())
        assert "2 new negatives" in summary and "1 label changes" in summary
        # the first row (changed) is selected: its words are marked in the detail
        detail_b = str(screen.query_one("#compare-b").render())
        assert "fell 3 % to EUR 121" in detail_b
        await pilot.press("f")  # changes only
        assert table.filter is CompareFilter.CHANGES and table.row_count == 3
        await pilot.press("f")  # label changes
        assert table.row_count == 1 and table.selected.label_changed
        await pilot.press("f")  # new negatives
        assert table.row_count == 2 and table.selected.new_negative
        await pilot.press("f")
        assert table.filter is CompareFilter.ALL and table.row_count == 5
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, CompareScreen)  # back to the main screen

    run(make_app(compare=_files(tmp_path)), scenario, size=(120, 30))


def test_changed_words_are_struck_and_bold() -> None:
    from finlocal.compare import compare_texts
    from tests.tui.fakes import KeywordClassifier

    comparison = compare_texts(LAST_QUARTER, THIS_QUARTER, KeywordClassifier())
    a_text, b_text = diff_texts(comparison.pairs[0])
    assert a_text.plain == "Net sales rose 8 % to EUR 131 mn."
    assert b_text.plain == "Net sales fell 3 % to EUR 121 mn."
    struck = {a_text.plain[s.start : s.end].strip() for s in a_text.spans if "strike" in str(s.style)}
    bold = {b_text.plain[s.start : s.end].strip() for s in b_text.spans if "bold" in str(s.style)}
    assert struck == {"rose 8", "131"} and bold == {"fell 3", "121"}


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot) -> None:
        await wait_for(
            pilot,
            lambda: isinstance(pilot.app.screen, CompareScreen) and pilot.app.screen.error is not None,
            "the error",
        )
        assert any("no such file" in message for _, message in notifications(pilot.app))

    run(make_app(compare=CompareRequest(tmp_path / "a.txt", tmp_path / "b.txt")), scenario)


def test_compare_screen_snapshot(snap_compare, tmp_path: Path, monkeypatch) -> None:
    _files(tmp_path)
    monkeypatch.chdir(tmp_path)  # relative names: the paths are on screen

    async def run_before(pilot: Pilot) -> None:
        await _compared(pilot)
        await pilot.press("down", "down")

    request = CompareRequest(Path("q1.txt"), Path("q2.txt"))
    assert snap_compare(make_app(compare=request), terminal_size=(120, 30), run_before=run_before)


def test_the_diff_shows_control_characters_as_escapes() -> None:
    from finlocal.compare import AlignedPair
    from finlocal.scoring import score_text
    from finlocal.shown_text import UNSAFE
    from tests.fakes import KeywordClassifier

    [a] = score_text("Sales rose \x1b]2;x\x07 in Q3.", KeywordClassifier(), source="a").sentences
    [b] = score_text("Sales fell \x1b[2J in Q3.", KeywordClassifier(), source="b").sentences
    for status in (Status.CHANGED, Status.MATCHED):
        a_text, b_text = diff_texts(AlignedPair(status, a, b, 0.9))
        assert not UNSAFE.search(a_text.plain + b_text.plain)
        assert "\\x1b]2;x\\x07" in a_text.plain and "\\x1b[2J" in b_text.plain

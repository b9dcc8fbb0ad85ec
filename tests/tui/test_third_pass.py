"""The third user test (issue 19): choices that stay in effect are on screen, the export
dialog's ↓ chooses, a new report starts unfiltered, copy never claims success, j/k, a failed
open keeps the dialog, NO_COLOR radios, per-batch timings and the small things."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from finlocal.predictions import Prediction
from finlocal.tui.screens.open_file import OpenFileScreen
from finlocal.tui.view import LabelFilter, SortOrder
from tests.fakes import KeywordClassifier
from tests.tui.helpers import REPORT, make_app, notifications, run, score, screen_text, status, wait_for

WRAPPED = "Net sales rose 12 % to EUR131m,\ndriven by strong demand in\nNorth America. Costs fell.\n"


def _export_path(app) -> str:
    return app.screen.query_one("#export-path", Input).value


# -- 1. the export dialog's ↓ chooses; it opens on the last export's format -----------------


def test_down_in_the_export_dialog_chooses_the_format(terminal, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s", "down")
        assert _export_path(app).endswith("report.finlocal.csv")  # the suffix follows at once
        await pilot.press("down", "ctrl+s")  # Markdown report, exported without enter
        await wait_for(pilot, lambda: (tmp_path / "report.finlocal.md").exists(), "the Markdown report")
        assert not (tmp_path / "report.finlocal.jsonl").exists()
        assert (tmp_path / "report.finlocal.md").read_text().startswith("# Tone report")

    run(app, scenario, size=terminal)


def test_the_export_dialog_opens_on_the_last_format(terminal, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s", "down", "ctrl+s")  # CSV
        await wait_for(pilot, lambda: (tmp_path / "report.finlocal.csv").exists(), "the CSV")
        await pilot.press("ctrl+s")
        assert _export_path(app).endswith("report.finlocal.csv")
        assert "CSV was chosen for the last export" in screen_text(app)
        await pilot.press("down")  # the highlight starts on CSV, so ↓ is the Markdown report
        assert _export_path(app).endswith("report.finlocal.md")

    run(app, scenario, size=terminal)


# -- 2. the split mode is on screen ------------------------------------------------------


def test_the_split_mode_stays_visible_after_a_new_report(terminal, tmp_path: Path) -> None:
    headlines = tmp_path / "headlines.txt"
    headlines.write_text("Sales rose\nCosts fell\n", encoding="utf-8")
    app = make_app()

    async def scenario(pilot):
        await pilot.press("ctrl+o")
        app.screen.query_one("#open-path", Input).value = str(headlines)
        app.screen.query_one("#open-split").focus()
        await pilot.press("down", "enter")  # Lines, and open the typed path
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert "2 lines scored" in status(app)
        await pilot.press("ctrl+n")
        app.main.input_panel.text_area.insert(WRAPPED)
        await pilot.pause()
        assert "One row per line (ctrl+l)" in status(app)  # before ctrl+r
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the second report")
        assert "3 lines scored" in status(app)
        assert "3 lines" in screen_text(app).splitlines()[-4]  # the summary counts lines too
        assert "one row per line" in screen_text(app)  # the table title
        await pilot.press("ctrl+l", "ctrl+l")  # lines → whole document → sentences
        assert "Next run: one row per sentence — ctrl+r to rescore" in status(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the third report")
        assert [r.text for r in app.main.report.sentences][-1] == "Costs fell."
        assert "2 sentences scored" in status(app)
        assert "one row per" not in str(app.main.table.border_title)

    run(app, scenario, size=terminal)


# -- 3. a new report starts unfiltered, in document order --------------------------------


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


# -- 4. copy shows the row and offers a file, never claims "copied" ------------------------


def test_copy_shows_the_row_and_writes_it_to_a_file(terminal, tmp_path: Path, monkeypatch) -> None:
    from finlocal.tui.screens.copy import CopyScreen

    monkeypatch.chdir(tmp_path)
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell.")
        await pilot.press("down", "c")
        await pilot.pause()
        assert isinstance(app.screen, CopyScreen)
        assert json.loads(app.clipboard)["text"] == "Costs fell."  # still sent (OSC 52)
        assert not [m for _, m in notifications(app) if "Copied" in m]
        text = screen_text(app)
        assert '"Costs fell."' in text and "w: write it to report.sentence-2.json" in text
        assert "(OSC 52)" in text and "Copied" not in text  # never claims the clipboard has it
        await pilot.press("w")
        await wait_for(pilot, lambda: not isinstance(app.screen, CopyScreen), "the dialog to close")
        written = tmp_path / "report.sentence-2.json"
        assert json.loads(written.read_text())["label"] == "negative"
        assert any(str(written) in m for _, m in notifications(app))
        await pilot.press("c", "w")  # a second time: a new name, nothing replaced
        await wait_for(pilot, lambda: (tmp_path / "report.sentence-2-2.json").exists(), "the second file")

    run(app, scenario, size=terminal)


# -- 5. j / k ------------------------------------------------------------------------------


def test_j_and_k_move_through_the_table(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("j", "j", "j")
        assert app.main.table.cursor_row == 3
        await pilot.press("k")
        assert app.main.table.cursor_row == 2
        assert "Sentence 3 " in screen_text(app)

    run(app, scenario, size=terminal)


# -- 6. a failed open keeps the dialog (or says so in sentences) --------------------------


def test_a_missing_path_keeps_the_open_dialog_with_the_path(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+o")
        field = app.screen.query_one("#open-path", Input)
        field.value = str(tmp_path / "missing.txt")
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OpenFileScreen)  # still open, the path still there
        assert field.value == str(tmp_path / "missing.txt")
        assert "No such file" in screen_text(app)
        assert app.main.table.row_count == 16
        await pilot.press("backspace")  # editing clears the error
        assert "No such file" not in screen_text(app)

    run(app, scenario, size=terminal)


def test_an_unreadable_file_says_so_in_sentences(terminal, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+o")
        field = app.screen.query_one("#open-path", Input)
        field.value = str(broken)
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: [m for s, m in notifications(app) if s == "error"], "the error")
        message = [m for s, m in notifications(app) if s == "error"][-1]
        assert message.endswith(". The results on screen are kept.")
        assert re.search(r"[^.!?…] The results", message) is None
        assert app.main.table.row_count == 16

    run(app, scenario, size=terminal)


# -- 7. radios read without colour -----------------------------------------------------------


def test_the_split_radios_mark_only_the_chosen_one_with_no_color(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()

    async def scenario(pilot):
        await pilot.press("ctrl+o")
        await pilot.pause()
        line = next(x for x in screen_text(app).splitlines() if "Whole document" in x)
        assert line.count("●") == 1 and re.search(r"●\W*Sentences", line)
        app.screen.query_one("#open-split").focus()
        await pilot.press("down")
        line = next(x for x in screen_text(app).splitlines() if "Whole document" in x)
        assert line.count("●") == 1 and re.search(r"●\W*Lines", line)

    run(app, scenario, size=(80, 24))


# -- 8. timings say they are a batch's share ---------------------------------------------------


def test_the_detail_timings_say_they_are_the_batch_share(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("m")
        await pilot.pause()
        assert "Timings (share of its batch): tokenize 0.25 ms" in screen_text(app)

    run(app, scenario, size=terminal)


# -- 10. the small things ----------------------------------------------------------------------


class EdgeClassifier(KeywordClassifier):
    """A neutral sentence leaning positive just under the review threshold, one just at it."""

    def _one(self, text: str) -> Prediction:
        if text.startswith("Lean"):
            return Prediction("neutral", {"negative": 0.05, "neutral": 0.596, "positive": 0.354}, ())
        if text.startswith("Edge"):
            return Prediction("neutral", {"negative": 0.05, "neutral": 0.6, "positive": 0.35}, ())
        return super()._one(text)


def test_a_flagged_row_never_shows_the_threshold_and_a_neu_row_is_not_green(terminal) -> None:
    app = make_app(EdgeClassifier())

    async def scenario(pilot):
        await score(pilot, "Lean on the margin. Edge of the range.")
        table = app.main.table
        lean = [cell.text for cell in table.get_row("0")]
        edge = [cell.text for cell in table.get_row("1")]
        assert (lean[2].plain, lean[4].plain) == ("0.59", "⚑")  # 0.596 < 0.60: flagged, shown below it
        assert (edge[2].plain, edge[4].plain) == ("0.60", "")
        assert lean[3].plain == "△ +0.30"  # a NEU row's lean: hollow arrow, no colour
        assert "green" not in str(lean[3].style)

    run(app, scenario, size=terminal)


def test_one_sentence_and_the_status_after_a_paste(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        assert "Paste or type a report" in status(app)
        app.main.input_panel.text_area.insert("Sales rose.")
        await pilot.pause()
        assert "Paste or type a report" not in status(app)
        assert status(app).startswith("ctrl+r scores the text")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert status(app).startswith("1 sentence scored in ")
        assert "1 sentence" in screen_text(app).splitlines()[-4]  # the summary's counts line

    run(app, scenario, size=terminal)


@pytest.mark.parametrize(
    ("ms", "shown"), [(0.4, "0 ms"), (812.4, "812 ms"), (999.7, "1.0 s"), (13766, "13.8 s"), (152_400, "152 s")]
)
def test_durations_read_in_seconds_from_one_second(ms: float, shown: str) -> None:
    from finlocal.tui.view import Phase, duration, status_line

    assert duration(ms) == shown
    assert f"in {shown} ·" in status_line(Phase.DONE, done=5000, total=5000, total_ms=ms)


def test_counts_have_thousands_separators() -> None:
    from finlocal.tui.view import Phase, status_line
    from finlocal.tui.widgets.summary_panel import counts_line

    counts = {"negative": 1200, "neutral": 3000, "positive": 800}
    assert "cancelled after 832 of 5,000 (partial)" in counts_line(counts, 0.1, 832, 5000, cancelled=True).plain
    assert "NEU 3,000" in counts_line(counts, 0.1, 5000, 5000).plain
    assert "5,000 sentences" in counts_line(counts, 0.1, 5000, 5000).plain
    assert status_line(Phase.CANCELLED, done=832, total=5000).startswith("Cancelled after 832 of 5,000 sentences")


def test_confidence_is_rounded_down() -> None:
    from finlocal.tui.view import confidence_text

    assert [confidence_text(c) for c in (0.596, 0.6, 0.29, 0.999, 1.0, 0.0)] == [
        "0.59",
        "0.60",
        "0.29",
        "0.99",
        "1.00",
        "0.00",
    ]


def test_one_row_shown_is_one_row_in_the_export_dialog(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell. Nothing here.")
        await pilot.press("f", "ctrl+s")  # NEG only: one row
        assert "Only the 1 row shown (NEG only)" in screen_text(app)

    run(app, scenario, size=terminal)

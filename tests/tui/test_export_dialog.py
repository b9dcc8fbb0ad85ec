"""The export dialog: the suffix decides the format, focus starts on the format, an existing
file is replaced only after a yes, the filter is honoured or the dialog says so, and the
Markdown report numbers rows one way. (User test, item 2.)"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, RadioButton

from finlocal.scoring import score_text
from finlocal.tui.screens.export import ExportScreen
from tests.fakes import KeywordClassifier
from tests.tui.helpers import REPORT, make_app, notifications, run, score, screen_text, wait_for


def _pressed(app) -> str:
    return next(b.name for b in app.screen.query(RadioButton) if b.value)


async def _type_path(pilot, path: Path) -> None:
    field = pilot.app.screen.query_one("#export-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.pause()


def test_a_known_suffix_sets_the_format(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s")
        assert _pressed(app) == "jsonl"
        await _type_path(pilot, tmp_path / "x.csv")
        assert _pressed(app) == "csv"  # the buttons follow the name
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "x.csv").exists(), "x.csv")
        with (tmp_path / "x.csv").open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 16 and rows[0]["#"] == "1"
        await pilot.press("ctrl+s")
        await _type_path(pilot, tmp_path / "x.md")
        assert _pressed(app) == "markdown"
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "x.md").exists(), "x.md")
        assert (tmp_path / "x.md").read_text().startswith("# Tone report: pasted text")

    run(app, scenario, size=terminal)


def test_an_unknown_suffix_is_an_error_in_the_dialog(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("ctrl+s")
        await _type_path(pilot, tmp_path / "x.xlsx")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)  # still open, nothing written
        assert not list(tmp_path.iterdir())
        text = screen_text(app)
        assert "Cannot write .xlsx files" in text and ".csv" in text

    run(app, scenario, size=terminal)


def test_focus_starts_on_the_format_so_down_enter_picks_csv(
    terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s")
        await pilot.press("down", "enter")  # CSV, and on to the file name
        field = app.screen.query_one("#export-path", Input)
        assert field.has_focus and field.value.endswith("report.finlocal.csv")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "report.finlocal.csv").exists(), "the file")
        assert not (tmp_path / "report.finlocal.jsonl").exists()
        header = (tmp_path / "report.finlocal.csv").read_text().splitlines()[0]
        assert header.startswith("source,#,kind,start,end,text,label,confidence,review,tone")

    run(app, scenario, size=terminal)


def test_an_existing_file_is_replaced_only_after_a_yes(terminal, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me\n")
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell.")
        await pilot.press("ctrl+s")
        await _type_path(pilot, target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)  # a question on top of the dialog
        assert "already exists. Replace it?" in screen_text(app)
        await pilot.press("enter")  # the focused button is "Keep it"
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert target.read_text() == "keep me\n"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: target.read_text() != "keep me\n", "the export")
        assert [json.loads(x)["text"] for x in target.read_text().splitlines()] == ["Sales rose.", "Costs fell."]

    run(app, scenario, size=terminal)


def test_the_filter_is_exported_or_the_dialog_says_everything_is(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s")
        assert "All 16 sentences" in screen_text(app)  # no filter: said plainly
        await pilot.press("escape")
        await pilot.press("f")  # NEG only: 3 rows shown
        await pilot.press("ctrl+s")
        assert "Only the 3 rows shown (NEG only)" in screen_text(app)
        await _type_path(pilot, tmp_path / "neg.jsonl")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "neg.jsonl").exists(), "neg.jsonl")
        rows = [json.loads(x) for x in (tmp_path / "neg.jsonl").read_text().splitlines()]
        assert [r["label"] for r in rows] == ["negative"] * 3
        assert any("3 of 16 sentences (NEG only)" in m for _, m in notifications(app))
        await pilot.press("ctrl+s")
        app.screen.query_one("#export-shown", Checkbox).value = False
        await _type_path(pilot, tmp_path / "all.jsonl")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "all.jsonl").exists(), "all.jsonl")
        assert len((tmp_path / "all.jsonl").read_text().splitlines()) == 16

    run(app, scenario, size=terminal)


def test_the_markdown_report_numbers_each_sentence_one_way(terminal, tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("ctrl+s")
        await _type_path(pilot, tmp_path / "r.md")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "r.md").exists(), "r.md")
        markdown = (tmp_path / "r.md").read_text()
        numbers = {}
        for line in markdown.split("## All sentences")[1].splitlines():
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if cells and cells[0].isdigit():
                numbers[cells[3]] = int(cells[0])
        quoted = re.findall(r"\(sentence (\d+)\): (.+)", markdown)
        assert quoted
        for number, text in quoted:
            assert numbers[text] == int(number)
        # and the app shows the same number in its "#" column
        table = app.main.table
        first_negative = app.main.report.top_negative[0]
        number = table.get_row(str(first_negative.index))[0].text.plain
        assert number == str(first_negative.index + 1)

    run(app, scenario, size=terminal)


def test_export_target_decides_the_format_from_the_suffix(tmp_path: Path) -> None:
    from finlocal.output import Format
    from finlocal.tui.report_files import BadExportPath, export_target

    assert export_target(str(tmp_path / "a.CSV"), Format.JSONL) == (tmp_path / "a.CSV", Format.CSV)
    assert export_target(str(tmp_path / "a.markdown"), Format.JSONL)[1] is (Format.MARKDOWN)
    assert export_target(str(tmp_path / "a"), Format.CSV) == (tmp_path / "a.csv", Format.CSV)
    assert export_target(str(tmp_path / "a.json"), Format.CSV) == (tmp_path / "a.json", Format.JSONL)
    for bad in ("", str(tmp_path), str(tmp_path / "x.xlsx"), str(tmp_path / "x.txt")):
        with pytest.raises(BadExportPath):
            export_target(bad, Format.JSONL)


def test_markdown_report_quotes_and_table_use_the_same_numbers() -> None:
    from finlocal.tui.report_files import ExportSpec, markdown_report

    text = "Intro. Costs fell sharply. Sales rose. Nothing | here."
    report = score_text(text, KeywordClassifier(), source="q3.txt", on_chunk=lambda *a: None, cancelled=lambda: False)
    md = markdown_report(ExportSpec(report, report.sentences))
    assert "- NEG 0.91 (sentence 2): Costs fell sharply." in md
    assert "| 2 | negative | 0.91 | Costs fell sharply. | fell |" in md
    assert "Nothing \\| here." in md


def _export_path(app) -> str:
    return app.screen.query_one("#export-path", Input).value


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


def test_one_row_shown_is_one_row_in_the_export_dialog(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell. Nothing here.")
        await pilot.press("f", "ctrl+s")  # NEG only: one row
        assert "Only the 1 row shown (NEG only)" in screen_text(app)

    run(app, scenario, size=terminal)


def test_stdin_is_exported_as_stdin_finlocal(tmp_path: Path, monkeypatch) -> None:
    # the name was "<stdin>.finlocal.jsonl"
    from finlocal.reading import STDIN_SOURCE, Document

    monkeypatch.chdir(tmp_path)
    app = make_app(initial=Document(STDIN_SOURCE, "Sales rose. Costs fell."))

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.press("ctrl+s")
        assert _export_path(app) == str(tmp_path / "stdin.finlocal.jsonl")

    run(app, scenario)

"""Documents from the command line: a folder opens the picker there, and a PDF's page numbers
show in the detail panel and in every export. (User test, item 8.)"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from finlocal.cli import cli
from finlocal.reading import read_path
from finlocal.tui.app import FinlocalApp
from finlocal.tui.screens.open_file import OpenFileScreen, ReportTree
from tests.fakes import KeywordClassifier
from tests.tui.fakes import loader
from tests.tui.helpers import REPORT, make_app, notifications, run, score, screen_text, status, wait_for, write_pdf

PAGES = ["Net sales rose 5 percent.", None, "Order intake fell sharply. Costs fell."]


def test_finlocal_tui_dot_starts_the_app_on_the_folder(monkeypatch, tmp_path: Path) -> None:
    apps: list[FinlocalApp] = []
    monkeypatch.setattr(FinlocalApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr("finlocal.cli.tui.attach_terminal", lambda: None)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["tui", "."])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr("finlocal.tui.app.onnx_loader", lambda config: loader())

    async def scenario(pilot):
        await wait_for(pilot, lambda: isinstance(apps[0].screen, OpenFileScreen), "the picker")
        assert apps[0].screen.query_one(ReportTree).path == tmp_path.resolve()

    run(apps[0], scenario)
    assert "folder" in CliRunner().invoke(cli, ["tui", "--help"]).output


def test_a_folder_opens_the_file_picker_there(terminal, tmp_path: Path) -> None:
    (tmp_path / "q3.txt").write_text("Sales rose. Costs fell.", encoding="utf-8")
    app = make_app(initial=tmp_path)

    async def scenario(pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, OpenFileScreen), "the picker")
        assert app.screen.query_one(ReportTree).path == tmp_path
        await pilot.pause(0.2)
        assert "q3.txt" in screen_text(app)
        assert not [m for _, m in notifications(app) if "directory" in m]
        field = app.screen.query_one("#open-path", Input)
        field.value = str(tmp_path / "q3.txt")
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert app.main.report.n_sentences == 2

    run(app, scenario, size=terminal)


def test_a_typed_folder_is_shown_in_the_tree(terminal, tmp_path: Path) -> None:
    sub = tmp_path / "reports"
    sub.mkdir()
    app = make_app()

    async def scenario(pilot):
        await pilot.press("ctrl+o")
        field = app.screen.query_one("#open-path", Input)
        field.value = str(sub)
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OpenFileScreen)
        assert app.screen.query_one(ReportTree).path == sub
        assert not notifications(app)

    run(app, scenario, size=terminal)


def test_pdf_pages_show_in_the_detail_and_in_exports(terminal, tmp_path: Path) -> None:
    pdf = tmp_path / "q3.pdf"
    write_pdf(pdf, PAGES)
    app = make_app(initial=pdf)

    async def export(pilot, name: str) -> Path:
        await pilot.press("ctrl+s")
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / name)
        field.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / name).exists(), name)
        return tmp_path / name

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.press("down")
        await pilot.pause()
        assert "Sentence 2 · p. 3  NEG negative" in screen_text(app)
        rows = [json.loads(x) for x in (await export(pilot, "p.jsonl")).read_text().splitlines()]
        assert [r["page"] for r in rows] == [1, 3, 3]
        with (await export(pilot, "p.csv")).open(newline="") as fh:
            assert [r["page"] for r in csv.DictReader(fh)] == ["1", "3", "3"]
        markdown = (await export(pilot, "p.md")).read_text()
        assert "| # | page | label |" in markdown
        assert "| 2 | 3 | negative |" in markdown
        assert "(sentence 2, p. 3): Order intake fell sharply." in markdown

    run(app, scenario, size=terminal)


def test_pasted_text_has_no_pages(terminal, tmp_path: Path) -> None:
    pdf = tmp_path / "q3.pdf"
    write_pdf(pdf, PAGES)
    app = make_app(initial=pdf)

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await pilot.press("i", "ctrl+a", "X", "ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the rescore")
        assert " · p. " not in screen_text(app)

    run(app, scenario, size=terminal)


def test_pdf_page_starts_and_page_of(tmp_path: Path) -> None:
    from finlocal.reading import page_of
    from finlocal.tui.view import page_label

    pdf = tmp_path / "q3.pdf"
    write_pdf(pdf, [None, *PAGES])
    document = read_path(pdf)
    assert document.text == "Net sales rose 5 percent.\n\nOrder intake fell sharply. Costs fell."
    assert document.page_starts == (0, 0, 27, 27)
    assert [page_of(document.page_starts, o) for o in (0, 26, 27, 60)] == [2, 2, 4, 4]
    assert page_of((), 5) is None
    assert read_path(_text_file(tmp_path)).page_starts == ()
    assert page_label((0, 10), 3, 12) == "pp. 1–2"
    assert page_label((0, 10), 11, 12) == "p. 2"
    assert page_label((), 1, 2) == ""


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "t.txt"
    path.write_text("Sales rose.", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["q3.txt", "q3.pdf"])
def test_sources_keep_their_name_in_exports(name: str, tmp_path: Path) -> None:
    from finlocal.output import Format
    from finlocal.scoring import score_text
    from finlocal.tui.report_files import ExportSpec, export_text

    report = score_text("Sales rose. Costs fell.", KeywordClassifier(), source=name)
    pages = (0, 12) if name.endswith(".pdf") else ()
    rows = [
        json.loads(x)
        for x in export_text(ExportSpec(report, report.sentences, page_starts=pages), Format.JSONL).splitlines()
    ]
    assert [r["source"] for r in rows] == [name, name]
    assert ("page" in rows[0]) == bool(pages)


WRAPPED = "Net sales rose 12 % to EUR131m,\ndriven by strong demand in\nNorth America. Costs fell.\n"


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

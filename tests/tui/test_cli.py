"""`finlocal tui`, `finlocal` alone and stdin: the CLI builds the app (no terminal needed)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.cli import cli
from finlocal.reading import STDIN_SOURCE
from finlocal.tui.app import FinlocalApp
from finlocal.tui.view import Phase
from tests.tui.fakes import loader
from tests.tui.helpers import run, wait_for


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[FinlocalApp]:
    """Apps the CLI would run (run() records instead of taking over the terminal), with the
    keyword model in place of the ONNX one, so `started` can run them headless."""
    apps: list[FinlocalApp] = []
    monkeypatch.setattr(FinlocalApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr("finlocal.cli.tui.attach_terminal", lambda: None)
    monkeypatch.setattr("finlocal.tui.app.onnx_loader", lambda config: loader())
    return apps


def started(app: FinlocalApp, check: Callable[[FinlocalApp], bool], what: str) -> None:
    """Run ``app`` headless until ``check(app)`` holds (what the app shows at start)."""

    async def scenario(pilot) -> None:
        await wait_for(pilot, lambda: check(app), what)

    run(app, scenario)


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(cli, ["tui", "--help"])
    assert result.exit_code == 0
    for option in ("--model", "--threads", "--explain-gguf", "--review-below", "PATH"):
        assert option in result.output


def test_path_and_options_reach_the_app(launched, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Sales rose. Costs fell.", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "tui",
            str(report),
            "--model",
            str(tmp_path),
            "--threads",
            "2",
            "--explain-gguf",
            str(tmp_path / "m.gguf"),
            "--review-below",
            "0.7",
        ],
    )
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app.config.model_dir == tmp_path and app.config.threads == 2
    assert app.config.explain_gguf == tmp_path / "m.gguf"
    assert app.config.review_threshold == 0.7
    started(app, lambda a: a.main.report is not None and a.main.report.source == str(report), "the file's report")


def test_dash_reads_stdin_before_the_app_starts(launched) -> None:
    result = CliRunner().invoke(cli, ["tui", "-"], input="Sales rose. Costs fell.\n")
    assert result.exit_code == 0, result.output
    (app,) = launched

    def scored(a: FinlocalApp) -> bool:
        main = a.main
        return (
            main.report is not None
            and main.report.source == STDIN_SOURCE
            and main.input_panel.text.startswith("Sales rose. Costs fell.")
        )

    started(app, scored, "the stdin report")


def test_finlocal_alone_opens_the_app(launched) -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    (app,) = launched

    def empty(a: FinlocalApp) -> bool:
        main = a.main
        return main.scoring.phase is Phase.EMPTY and main.input_panel.text == "" and main.input_panel.has_focus_within

    started(app, empty, "an empty input with the focus")


def test_bad_threshold_is_a_usage_error(launched) -> None:
    result = CliRunner().invoke(cli, ["tui", "--review-below", "1.5"])
    assert result.exit_code == 2
    assert not launched


def test_no_terminal_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tty(path, flags):
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(FinlocalApp, "run", lambda self: pytest.fail("the app must not start"))
    monkeypatch.setattr(os, "open", no_tty)
    result = CliRunner().invoke(cli, ["tui", "-"], input="Sales rose.\n")
    assert result.exit_code == 1
    assert "needs a terminal" in result.output and "finlocal score -" in result.output

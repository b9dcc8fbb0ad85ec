"""`finlocal tui`, `finlocal` alone and stdin: the CLI builds the app (no terminal needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from finlocal.cli import cli
from finlocal.reading import Document
from finlocal.tui.app import FinlocalApp


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[FinlocalApp]:
    """Apps the CLI would run (run() records instead of taking over the terminal)."""
    apps: list[FinlocalApp] = []
    monkeypatch.setattr(FinlocalApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr("finlocal.cli.tui.attach_terminal", lambda: None)
    return apps


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(cli, ["tui", "--help"])
    assert result.exit_code == 0
    for option in ("--model", "--threads", "--explain-gguf", "--review-below", "PATH"):
        assert option in result.output


def test_path_and_options_reach_the_app(launched, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
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
    assert app._initial == report
    assert app.config.model_dir == tmp_path and app.config.threads == 2
    assert app.config.explain_gguf == tmp_path / "m.gguf"
    assert app.config.review_threshold == 0.7


def test_dash_reads_stdin_before_the_app_starts(launched) -> None:
    result = CliRunner().invoke(cli, ["tui", "-"], input="Sales rose. Costs fell.\n")
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert isinstance(app._initial, Document)
    assert app._initial.text.startswith("Sales rose. Costs fell.")


def test_finlocal_alone_opens_the_app(launched) -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    (app,) = launched
    assert app._initial is None


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

"""finlocal.progress: bars on stderr when enabled, nothing (and plain stderr lines) when not."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from finlocal.progress import Column, StderrProgress


def test_disabled_progress_draws_nothing_and_prints_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    with StderrProgress(["scoring", Column.BAR, Column.COUNT], enabled=False) as bar:
        task = bar.add_task(total=3, sentences=0)
        bar.update(task, advance=1, sentences=5)
        assert bar.speed(task) is None and not bar.enabled
        bar.print("finlocal: error: [bold]x[/bold]")
    out, err = capsys.readouterr()
    assert out == "" and err == "finlocal: error: [bold]x[/bold]\n"


def test_enabled_progress_renders_its_columns_and_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("rich.console.Console", lambda stderr: Console(file=stream, width=100, force_terminal=False))
    with StderrProgress(
        ["{task.description}", Column.COUNT, "{task.fields[sentences]} sentences", Column.ELAPSED], enabled=True
    ) as bar:
        task = bar.add_task("files", total=4, completed=1, sentences=0)
        bar.update(task, advance=2, sentences=17)
        bar.print("a [red]line[/red]")
    shown = stream.getvalue()
    assert "a [red]line[/red]" in shown  # printed as it is, never as markup
    assert "files 3/4 17 sentences" in shown  # the final state, drawn when the display stops

"""Copy: the selected sentence's row, shown in a dialog and offered as a file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tui.helpers import make_app, notifications, run, score, screen_text, wait_for


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

"""Every label, verdict and marker reads at ≥ 4.5:1 contrast, in colour and under NO_COLOR.

The styles are read back from what the widgets render (theme colours resolved, the app's
filters applied: under NO_COLOR Textual turns each colour into the grey of its luminance, which
made the theme's red NEG tags, ▼ markers, probability bars and "bad" counts grey 59 on grey 27,
about 1.5:1).
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from finlocal.tui.screens.moved import MovedScreen
from tests.tui.helpers import REPORT, contrast, make_app, rendered_cells, run, score, wait_for

MARKERS = ("NEG", "NEU", "POS", "▲", "▼", "△", "▽", "·", "█", "good", "bad", "⚑", "§", "▦")
AA = 4.5


def _marked(area) -> list[tuple[str, float]]:
    """(text, contrast) of every marker ``area`` and the widgets in it draw."""
    found = []
    cells = [cell for widget in [area, *area.query("*")] if widget.display for cell in rendered_cells(widget)]
    for text, style in cells:
        if any(marker in text for marker in MARKERS):
            ratio = contrast(style)
            assert ratio is not None, f"{text!r} has no resolved colour"
            assert not style.dim, f"{text!r} is dim"
            found.append((text.strip(), ratio))
    return found


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
def test_labels_verdicts_and_markers_keep_contrast(monkeypatch, no_color: bool) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        main = app.main
        negative = next(r for r in main.table.results if r.label == "negative")
        main.table.reveal(negative.index)  # the cursor row on a NEG row: its own background
        await pilot.pause()
        seen = _marked(main.table) + _marked(main.detail) + _marked(main.summary)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        await pilot.pause()
        seen += _marked(app.screen.query_one(DataTable))
        texts = " ".join(text for text, _ in seen)
        for marker in ("NEG", "POS", "NEU", "▼", "▲", "█", "good", "bad"):
            assert marker in texts  # the check saw each kind of marker
        low = [(text, round(ratio, 2)) for text, ratio in seen if ratio < AA]
        assert not low, low

    run(app, scenario, size=(100, 30))

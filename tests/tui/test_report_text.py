"""Report text never drives the terminal: escape sequences, BEL, C1 controls and bidi overrides
in a report are shown as visible escapes in every widget, the input included."""

from __future__ import annotations

from finlocal.shown_text import UNSAFE
from finlocal.tui.screens.moved import MovedScreen
from tests.tui.helpers import make_app, rendered_cells, run, score, screen_text, wait_for, widget_lines

HOSTILE = (
    "Net sales rose to EUR 12 million \x1b]2;pwned\x07from EUR 10 million.\n\n"
    "Profit \x1b[2J\x1b[H fell \x1b[31msharply\x1b[0m in the quarter.\n\n"
    "Costs \u202eesor\u202c and \x9b2J the outlook is weak."
)


def _raw(app) -> list[str]:
    """Every piece of text on screen that holds a character the terminal would act on."""
    found = []
    for widget in app.screen.query("*"):
        if widget.display and widget.size.area:
            found += [text for text, _ in rendered_cells(widget) if UNSAFE.search(text)]
    return found


def test_no_control_character_reaches_the_terminal() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, HOSTILE)
        await pilot.press("down")
        await wait_for(pilot, lambda: app.main.detail.result is not None and app.main.detail.result.index == 1, "row 2")
        assert _raw(app) == []
        text = screen_text(app)
        assert "\\x1b[2J\\x1b[H" in text  # the table and the detail panel show the escapes
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        await pilot.pause()
        assert _raw(app) == [] and "\\x1b]2;pwned\\x07" in screen_text(app)

    run(app, scenario, size=(120, 36))


def test_the_input_shows_control_pictures_and_keeps_the_text_exact() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, HOSTILE)
        app.main.input_panel.text_area.focus()
        await pilot.pause()
        assert app.main.input_panel.text == HOSTILE  # what is scored and exported is exact
        shown = "".join(widget_lines(app.main.input_panel.text_area))
        assert "␛]2;pwned␇" in shown, shown

    run(app, scenario, size=(100, 30))


def test_evidence_is_marked_on_the_shown_text() -> None:
    # the escapes make the shown sentence longer than the text: evidence offsets are mapped
    from finlocal.tui.widgets.detail_panel import sentence_text

    app = make_app()

    async def scenario(pilot):
        await score(pilot, HOSTILE)
        result = app.main.table.results[1]
        shown = sentence_text(result)
        marked = {shown.plain[span.start : span.end] for span in shown.spans if "underline" in str(span.style)}
        assert marked == {span.text for span in result.prediction.evidence}

    run(app, scenario, size=(100, 30))

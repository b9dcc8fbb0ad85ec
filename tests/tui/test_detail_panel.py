"""The detail panel shows the essentials without scrolling, starts at the top for each sentence,
and `m` maximizes it. (User test, item 4.)"""

from __future__ import annotations

from finlocal.tui.widgets.detail_panel import DetailPanel
from tests.tui.helpers import make_app, run, score, screen_text, wait_for

# sentence 2 has four evidence words, so four occlusion lines
TEXT = "Quarterly report. Net sales rose and margins improved on strong demand despite weak Asia. Costs fell."


async def _second_sentence(pilot) -> None:
    await score(pilot, TEXT)
    await pilot.press("down")
    await wait_for(pilot, lambda: pilot.app.main.detail._effects is not None, "occlusion")
    await pilot.pause()


def test_the_essentials_fit_without_scrolling(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await _second_sentence(pilot)
        text = screen_text(app)
        assert "Sentence 2  POS positive 0.46" in text
        assert "NEG 0.45" in text and "POS 0.46" in text  # the probabilities
        assert "Net sales rose and margins improved" in text
        assert "Evidence: “rose”, “improved”, “strong”, “weak”" in text
        occlusion_lines = [line for line in text.splitlines() if "masking '" in line]
        if terminal == (100, 30):
            assert len(occlusion_lines) >= 3
        else:
            assert occlusion_lines  # at 80×24 at least the first one

    run(app, scenario, size=terminal)


def test_a_new_selection_starts_at_the_top_of_the_panel(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await _second_sentence(pilot)
        detail = app.main.detail
        await pilot.press("x")  # the LLM's answer makes the panel taller than its window
        await wait_for(pilot, lambda: "positive." in detail.explanation, "the explanation")
        await pilot.press("tab")  # table → detail
        assert isinstance(app.focused, DetailPanel)
        await pilot.press("end")
        await pilot.pause()
        assert detail.scroll_y > 0
        await pilot.press("shift+tab")
        await pilot.press("down")
        await pilot.pause()
        assert detail.scroll_y == 0
        assert "Sentence 3  NEG negative 0.91" in screen_text(app)
        assert "Costs fell." in screen_text(app).split("Sentence 3")[1]

    run(app, scenario, size=terminal)


def test_m_maximizes_the_detail_panel_and_restores_it(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await _second_sentence(pilot)
        detail = app.main.detail
        before = detail.size.height
        await pilot.press("m")
        await pilot.pause()
        assert detail.size.height > before
        text = screen_text(app)
        assert len([line for line in text.splitlines() if "masking '" in line]) == 4
        assert "Timings: tokenize 0.25 · inference" in text
        assert "m restore" in text
        assert app.main.table.selected.index == 1  # the table still shows the selection
        await pilot.press("down")
        assert "Sentence 3" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert detail.size.height == before

    run(app, scenario, size=terminal)


def test_the_detail_timings_say_they_are_the_batch_share(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("m")
        await pilot.pause()
        assert "Timings: tokenize 0.25 · inference" in screen_text(app)

    run(app, scenario, size=terminal)


def test_a_pdf_line_break_inside_a_sentence_is_joined_for_display() -> None:
    # a PDF's text breaks lines inside sentences: shown as "Earnings per share" / "were EUR 0.08"
    from finlocal.tui.screens.moved import MovedScreen

    app = make_app()
    text = "Earnings per share\nwere EUR 0.08 (EUR 0.14)."

    async def scenario(pilot):
        await score(pilot, text)
        result = app.main.table.results[0]
        assert "\n" in result.text and result.end - result.start == len(result.text)  # offsets as read
        assert "Earnings per share were EUR 0.08 (EUR 0.14)." in screen_text(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MovedScreen), "the what-moved table")
        await pilot.pause()
        assert "#1: Earnings per share were EUR 0.08 (EUR 0.14)." in screen_text(app)

    run(app, scenario, size=(120, 36))

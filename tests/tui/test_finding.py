"""Finding things: Home/End/g/G, a re-sort that opens at the top, `/` to search, a tone strip
that marks and selects, and `q` to quit. (User test, item 7.)"""

from __future__ import annotations

from finlocal.tui.view import LabelFilter, SortOrder
from finlocal.tui.widgets.summary_panel import ToneSparkline
from tests.tui.helpers import REPORT, make_app, run, score, screen_text, wait_for

LONG = " ".join(f"Sales rose {i} %." if i % 4 else f"Costs fell {i} %." for i in range(60))


def test_home_end_g_and_G_move_to_the_first_and_last_row(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, LONG)
        table = app.main.table
        for key, row in (("end", 59), ("home", 0), ("G", 59), ("g", 0), ("ctrl+end", 59), ("ctrl+home", 0)):
            await pilot.press(key)
            assert table.cursor_row == row, key
        await pilot.press("end")
        await pilot.pause()
        assert "Sentence 60 " in screen_text(app)  # the last row is on screen and selected

    run(app, scenario, size=terminal)


def test_a_new_sort_order_opens_at_the_top(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        table = app.main.table
        await pilot.press("down", "down", "down", "down", "down", "down")
        await pilot.press("s", "s", "s")
        assert table.row_order is SortOrder.MOST_NEGATIVE
        assert table.cursor_row == 0
        assert table.selected.prediction.label == "negative"
        assert table.selected.prediction.tone == min(r.prediction.tone for r in table.results)

    run(app, scenario, size=terminal)


def test_slash_finds_text_across_sentences(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        table = app.main.table
        await pilot.press("slash")
        assert app.main.query_one("#search-input").has_focus
        for key in "eur":  # letters are the query, not commands (no "f"ilter or "s"ort)
            await pilot.press(key)
        assert table.label_filter is LabelFilter.ALL
        first = table.selected
        assert "eur" in first.text.lower()
        await pilot.press("enter")
        second = table.selected
        assert second.index > first.index and "eur" in second.text.lower()
        await pilot.press("up")
        assert table.selected.index == first.index
        assert "1 of " in screen_text(app)
        await pilot.press("escape")
        assert not app.main.query_one("#search").display and table.has_focus
        await pilot.press("f", "slash")  # NEG only hides every "Profitability" sentence
        for key in "profitab":
            await pilot.press(key)
        assert table.label_filter is LabelFilter.ALL  # cleared so the match can be shown
        assert table.selected.text.startswith("Profitability")

    run(app, scenario, size=terminal)


def test_the_tone_strip_marks_the_selection_and_a_click_selects(terminal) -> None:
    from finlocal.tui.widgets.summary_panel import bucket_of, sentence_at

    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        strip = app.main.query_one(ToneSparkline)
        await pilot.press("down", "down", "down", "down")  # sentence 5
        assert strip.selected == 4
        width = strip.size.width
        line = strip.render()
        marked = [
            i
            for i, ch in enumerate(line.plain)
            if any("reverse" in str(span.style) and span.start <= i < span.end for span in line.spans)
        ]
        assert marked == list(bucket_of(4, 16, width))
        column = next(iter(bucket_of(12, 16, width)))
        await pilot.click(ToneSparkline, offset=(column, 0))
        await pilot.pause()
        assert app.main.table.selected.index == sentence_at(column, 16, width) == 12
        assert "Sentence 13" in screen_text(app)

    run(app, scenario, size=terminal)


def test_q_quits_outside_text_fields_and_the_footer_says_how(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        assert "^q Quit" in screen_text(app)
        await pilot.press("i", "end", "q")  # in the input, q is a letter
        assert app.main.input_panel.text.endswith("q") and app.is_running
        await pilot.press("tab")
        await wait_for(pilot, lambda: not app.main.input_panel.has_focus_within, "the table")
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "the app to quit")

    run(app, scenario, size=terminal)


def test_match_positions_and_next_position() -> None:
    from finlocal.tui.view import match_positions, next_position

    texts = ["Sales rose.", "Costs  ROSE\nsharply.", "Nothing."]
    assert match_positions(texts, "rose") == [0, 1]
    assert match_positions(texts, "rose sharply") == [1]
    assert match_positions(texts, "  ") == []
    assert next_position([0, 1], 0, 1, inclusive=True) == 0
    assert next_position([0, 1], 0, 1, inclusive=False) == 1
    assert next_position([0, 1], 1, 1, inclusive=False) == 0  # wraps
    assert next_position([0, 1], 0, -1, inclusive=False) == 1
    assert next_position([], 0, 1, inclusive=True) is None

"""The one sanitiser of text shown to a person (`finlocal.shown_text`): table tests."""

from __future__ import annotations

import pytest

from finlocal.shown_text import join_lines, spreadsheet_cell, visible, visible_in_place, visible_with_offsets


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Sales rose 5 %.", "Sales rose 5 %."),
        ("tab\tand\nline stay", "tab\tand\nline stay"),
        ("\x1b]2;pwned\x07", "\\x1b]2;pwned\\x07"),  # OSC: retitles the window
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # CSI: wipes the screen
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),  # SGR: recolours
        ("a\rb", "a\\x0db"),  # carriage return: overwrites the line
        ("\x9b2J", "\\x9b2J"),  # the 8-bit CSI (C1)
        ("\x7f\x00\x08", "\\x7f\\x00\\x08"),
        ("abc\u202edef\u2066x\u2069", "abc\\u202edef\\u2066x\\u2069"),  # bidi override and isolates
        ("€ ü 日本 — “q”", "€ ü 日本 — “q”"),
    ],
)
def test_control_characters_become_visible_escapes(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_offsets_map_spans_of_the_text_onto_what_is_shown() -> None:
    text = "x\x1b[1my fell"
    shown, offsets = visible_with_offsets(text)
    assert shown == "x\\x1b[1my fell" and len(offsets) == len(text) + 1
    start, end = text.index("fell"), len(text)
    assert shown[offsets[start] : offsets[end]] == "fell"


@pytest.mark.parametrize(
    ("text", "shown"),
    [("a\x1bb\x07", "a␛b␇"), ("\x7f", "␡"), ("\x9b\u202e", "\ufffd\ufffd"), ("ok\n", "ok\n")],
)
def test_in_place_keeps_one_character_for_one(text: str, shown: str) -> None:
    assert visible_in_place(text) == shown and len(shown) == len(text)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Earnings per share\nwere EUR 0.08.", "Earnings per share were EUR 0.08."),
        ("One.\n\nTwo.", "One.\n\nTwo."),  # a paragraph break stays
        ("a\r\nb", "a  b"),
        ("no break", "no break"),
    ],
)
def test_line_breaks_inside_a_paragraph_are_joined_offsets_kept(text: str, joined: str) -> None:
    assert join_lines(text) == joined and len(joined) == len(text)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x.test","x")', '\'=HYPERLINK("http://x.test","x")'),
        ("+cmd", "'+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.4", "-0.4"),  # a negative number stays a number
        ("-12 %", "-12 %"),
        ("Net sales = 41.7", "Net sales = 41.7"),
        ("", ""),
    ],
)
def test_spreadsheet_cells_that_would_run_get_a_quote(cell: str, written: str) -> None:
    assert spreadsheet_cell(cell) == written

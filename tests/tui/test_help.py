"""Help scrolls from the keyboard and lists every binding of the app. (User test, item 5.)"""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding

from finlocal.tui.screens.help import HelpScreen, help_markdown
from tests.tui.helpers import make_app, run, screen_text, wait_for

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tui.md"


def _keys(owner: type) -> list[str]:
    """The keys ``owner`` itself binds (not those it inherits from Textual)."""
    keys = []
    for binding in owner.__dict__.get("BINDINGS", []):
        assert isinstance(binding, Binding)
        keys += binding.key.split(",")
    return keys


def test_help_scrolls_from_the_keyboard_to_the_definitions(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await wait_for(pilot, lambda: "ctrl+r" in screen_text(app), "the help text")
        assert "mean sentence tone" not in screen_text(app)  # below the fold at first
        await pilot.press("end")
        await pilot.pause(0.2)
        assert "mean sentence tone" in screen_text(app)  # the tone index definition
        await pilot.press("home")
        await pilot.pause(0.2)
        assert "Score the text in the input area" in screen_text(app)
        await pilot.press("pagedown", "pagedown", "down", "space")
        await pilot.pause(0.2)
        assert "Score the text in the input area" not in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

    run(app, scenario, size=terminal)


def test_help_lists_every_binding() -> None:
    from finlocal.tui.actions import key_names
    from finlocal.tui.app import FinlocalApp
    from finlocal.tui.screens.confirm import ConfirmScreen
    from finlocal.tui.screens.export import ExportScreen
    from finlocal.tui.screens.help import HelpText
    from finlocal.tui.screens.main import MainScreen
    from finlocal.tui.screens.open_file import OpenFileScreen
    from finlocal.tui.widgets.input_panel import ReportTextArea
    from finlocal.tui.widgets.results_table import ResultsTable
    from finlocal.tui.widgets.search_bar import SearchBar

    ours = (
        FinlocalApp,
        MainScreen,
        ResultsTable,
        ReportTextArea,
        SearchBar,
        ExportScreen,
        ConfirmScreen,
        HelpScreen,
        HelpText,
        OpenFileScreen,
    )
    text = help_markdown()
    listed = {name for cell in re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE) for name in cell.split(" / ")}
    for owner in ours:
        for key in _keys(owner):
            assert key_names(key) in listed, f"{owner.__name__} binds {key!r}, which help does not list"
    for key in ("home / g / ctrl+home", "end / G / ctrl+end", "ctrl+a / f7", "ctrl+q"):
        assert f"`{key}`" in text


def test_docs_list_every_key() -> None:
    from finlocal.tui.actions import ACTIONS, AREA_KEYS, key_names

    doc = DOCS.read_text(encoding="utf-8")
    for action in ACTIONS:
        assert f"| `{key_names(action.keys)}` | {action.title} | {action.help} |" in doc, (
            f"docs/tui.md is missing the row for {action.action!r}"
        )
    for title, keys in AREA_KEYS:
        for key in keys:
            assert f"| `{key_names(key.keys)}` | {key.help} |" in doc, (
                f"docs/tui.md is missing {key.keys!r} of {title!r}"
            )

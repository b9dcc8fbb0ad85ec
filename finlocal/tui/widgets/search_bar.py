"""The find bar (`/`): one line above the summary; typing jumps to the first matching sentence."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class SearchBar(Horizontal):
    """Posts `Find` as the text changes (from the current row) and on enter/↓/↑ (next/previous);
    `Closed` on escape. The screen does the finding and reports back with `show_count`."""

    BINDINGS = [
        Binding("down", "step(1)", "Next match", show=False),
        Binding("up", "step(-1)", "Previous match", show=False),
        Binding("escape", "close", "Close", show=False),
    ]

    @dataclass
    class Find(Message):
        query: str
        step: int
        """+1 forwards, -1 backwards."""
        inclusive: bool
        """True: the current row counts as a match (typing); False: move on (enter, ↓, ↑)."""

    class Closed(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static("Find:", id="search-label", markup=False)
        yield Input(placeholder="text in a sentence · enter/↓ next · ↑ previous · esc close", id="search-input")
        yield Static("", id="search-count", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def query_text(self) -> str:
        return self.input.value

    def open(self) -> None:
        self.display = True
        self.input.focus()
        self.input.select_all()

    def show_count(self, text: str) -> None:
        self.query_one("#search-count", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Find(event.value, 1, inclusive=True))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Find(event.value, 1, inclusive=False))

    def action_step(self, step: int) -> None:
        self.post_message(self.Find(self.query_text, step, inclusive=False))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

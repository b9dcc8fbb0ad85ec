"""Top region: the text area reports are pasted into, and the status line under it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from finlocal.shown_text import visible_in_place
from finlocal.tui.view import IDLE_HINT, PASTED

KEYS_TITLE = "input · ctrl+a select all · ctrl+z undo · ctrl+r score · ctrl+n new"


class ReportTextArea(TextArea):
    """The input's text area; ctrl+a selects all (home still goes to the line start).

    A line is drawn with its control characters as visible pictures (``␛``, ``␇``,
    `finlocal.shown_text.visible_in_place`), one for one, so a report's escape sequences never
    reach the terminal while the text being edited, and every column of it, stays exact.
    """

    BINDINGS = [Binding("ctrl+a", "select_all", "Select all", show=False)]

    def get_line(self, line_index: int) -> Text:
        # as TextArea's, from the document's line (rich's Text would drop BEL and CR, and
        # shift every column after them)
        return Text(visible_in_place(self.document.get_line(line_index)), end="", no_wrap=True)


class InputPanel(Vertical):
    """A `TextArea` plus the one-line status; knows which source the text came from."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._loaded: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield ReportTextArea(
            id="input-text",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder="Paste a financial report here, then press ctrl+r to score it.",
        )
        yield Static(IDLE_HINT, id="input-hint", markup=False)

    def on_mount(self) -> None:
        self.border_title = KEYS_TITLE

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#input-text", TextArea)

    @property
    def text(self) -> str:
        return self.text_area.text

    def load(self, text: str, source: str) -> None:
        """Show a document's text; it keeps the document's name until the user edits it."""
        self._loaded = (source, text)
        self.text_area.load_text(text)

    def replace_text(self, text: str) -> None:
        """Put ``text`` in place of everything, as one edit that ctrl+z undoes."""
        area = self.text_area
        area.replace(text, (0, 0), area.document.end)
        area.move_cursor((0, 0))
        area.scroll_home(animate=False)

    @property
    def source(self) -> str:
        """The file the text came from, or "pasted text" once it was typed or edited."""
        if self._loaded is not None and self._loaded[1] == self.text:
            return self._loaded[0]
        return PASTED

    def set_hint(self, hint: str) -> None:
        self.query_one("#input-hint", Static).update(hint, layout=False)

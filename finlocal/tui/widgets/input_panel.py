"""Top region: the text area reports are pasted into, and where an opened file's text appears."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

PASTED = "pasted text"

HINT = "Paste or type a report · ctrl+r score · ctrl+o open a file · F1 help"


class InputPanel(Vertical):
    """A `TextArea` plus a one-line hint; knows which source the text came from."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._loaded: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield TextArea(
            id="input-text",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder="Paste a financial report here, then press ctrl+r to score it.",
        )
        yield Static(HINT, id="input-hint", markup=False)

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

    @property
    def source(self) -> str:
        """The file the text came from, or "pasted text" once it was typed or edited."""
        if self._loaded is not None and self._loaded[1] == self.text:
            return self._loaded[0]
        return PASTED

    def set_hint(self, hint: str) -> None:
        self.query_one("#input-hint", Static).update(hint, layout=False)

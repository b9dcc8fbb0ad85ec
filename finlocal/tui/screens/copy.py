"""c: the selected sentence's JSON row, sent to the clipboard and shown, with a way to save it.

The app sends the row through the terminal (OSC 52) but cannot know whether it arrived: many
terminals, and tmux with its default ``set-clipboard external``, drop the sequence. So it never
says "copied": it shows the row to select with the mouse, and `w` writes it to a file.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


def free_path(path: Path) -> Path:
    """``path``, or ``stem-2.suffix``, ``stem-3.suffix``… : the first name not taken."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


class CopyScreen(ModalScreen[Path | None]):
    """Dismisses with the file the row was written to, or None when closed."""

    BINDINGS = [
        Binding("w", "write", "Write to a file", show=False),
        Binding("escape", "close", "Close", show=False),
    ]

    def __init__(self, title: str, row: str, target: Path) -> None:
        super().__init__()
        self.title_text = title
        self.row = row
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog"):
            yield Static(self.title_text, id="copy-title", markup=False)
            yield Static(self.row, id="copy-row", markup=False)
            yield Static(
                "Sent to the clipboard through the terminal (OSC 52). Some terminals, and tmux "
                "unless set-clipboard is on, drop it: then select the row above with the mouse "
                "(shift+drag in most terminals), or press w to write it to a file.",
                id="copy-note",
                markup=False,
            )
            yield Static(f"w: write it to {self.target.name} · esc: close", id="copy-keys", markup=False)
            with Horizontal(id="copy-buttons"):
                yield Button("Write to a file", id="copy-write")
                yield Button("Close", variant="primary", id="copy-close")

    def on_mount(self) -> None:
        self.query_one("#copy-close", Button).focus()

    @on(Button.Pressed, "#copy-write")
    def action_write(self) -> None:
        path = free_path(self.target)
        try:
            path.write_text(self.row + "\n", encoding="utf-8")
        except OSError as exc:
            self.notify(
                f"Could not write {path}: {exc.strerror or exc}. Select the row with the mouse instead.",
                title="Copy",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(path)

    @on(Button.Pressed, "#copy-close")
    def action_close(self) -> None:
        self.dismiss(None)

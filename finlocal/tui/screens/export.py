"""ctrl+s: choose a format and a file name for the scored document."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from finlocal.tui.report_files import ExportFormat


class ExportScreen(ModalScreen[tuple[ExportFormat, Path] | None]):
    """Dismisses with (format, path), or None when cancelled. The suffix follows the format."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, stem: str, directory: Path) -> None:
        super().__init__()
        self.stem = stem
        self.directory = directory
        self.format = ExportFormat.JSONL

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static("Export the scored document", id="export-title", markup=False)
            with RadioSet(id="export-format"):
                for fmt in ExportFormat:
                    yield RadioButton(fmt.title, value=fmt is self.format, name=fmt.value)
            yield Input(str(self.directory / f"{self.stem}{self.format.suffix}"), id="export-path")
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.format = ExportFormat(event.pressed.name)
        path_input = self.query_one("#export-path", Input)
        stem = ExportFormat.strip_suffix(path_input.value or self.stem)
        path_input.value = stem + self.format.suffix

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _confirm(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if value:
            self.dismiss((self.format, Path(value).expanduser()))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

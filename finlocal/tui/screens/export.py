"""ctrl+s: choose a format, a file name and which rows to export.

The focus starts on the format, chosen as last time: ↑/↓ choose another (the file name's suffix
follows at once), enter moves to the file name; enter there (or ctrl+s anywhere) exports. A known suffix typed into
the name sets the format instead, an unknown one is refused, and an existing file is replaced
only after a yes.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from finlocal.output import Format
from finlocal.tui.report_files import (
    EXPORT_FORMATS,
    BadExportPath,
    ExportChoice,
    ExportOffer,
    export_format,
    export_target,
    strip_export_suffix,
)
from finlocal.tui.screens.confirm import ConfirmScreen
from finlocal.tui.view import count
from finlocal.tui.widgets.choices import ChoiceSet, MarkedCheckbox, MarkedRadioButton


class ExportScreen(ModalScreen[ExportChoice | None]):
    """Dismisses with an `ExportChoice`, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "export", "Export"),
    ]

    def __init__(self, offer: ExportOffer) -> None:
        super().__init__()
        self.offer = offer
        self.format = offer.format

    def compose(self) -> ComposeResult:
        offer = self.offer
        with Vertical(id="export-dialog"):
            yield Static("Export the scored sentences", id="export-title", markup=False)
            with ChoiceSet(id="export-format"):
                for fmt in EXPORT_FORMATS:
                    yield MarkedRadioButton(fmt.display_name, value=fmt is self.format, name=fmt.value)
            yield Input(str(offer.directory / f"{offer.stem}{self.format.suffix}"), id="export-path")
            yield Static("", id="export-error", markup=False)
            if offer.filter_title is not None:
                shown = count(offer.shown, "row")
                yield MarkedCheckbox(
                    f"Only the {shown} shown ({offer.filter_title}); unticked: all {offer.scored:,}",
                    value=True,
                    id="export-shown",
                )
            else:
                everything = f"All {count(offer.scored, 'sentence')}, in document order."
                yield Static(everything, id="export-rows", markup=False)
            for note in self._notes():
                yield Static(note, classes="export-note", markup=False)
            yield Static("↑↓ format · enter file name · ctrl+s export · esc cancel", id="export-keys", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def _notes(self) -> list[str]:
        notes = []
        if self.offer.last_format:
            notes.append(f"{self.offer.format.display_name} was chosen for the last export.")
        if self.offer.partial_of is not None:
            notes.append(
                f"Partial: scoring was cancelled after {self.offer.scored:,} of "
                f"{self.offer.partial_of:,} sentences (the suggested name and the "
                "Markdown report say so)."
            )
        if self.offer.stale:
            notes.append(
                "The text was edited after scoring: this exports the text as scored (ctrl+r rescores the new text)."
            )
        return notes

    def on_mount(self) -> None:
        self.query_one(ChoiceSet).focus()

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    def _set_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(message)

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.format = Format(event.pressed.name)
        value = self.path_input.value or str(self.offer.directory / self.offer.stem)
        if export_format(Path(value).suffix) is self.format:
            return  # the name already says this format (x.markdown stays x.markdown)
        wanted = strip_export_suffix(value) + self.format.suffix
        if value != wanted:
            self.path_input.value = wanted

    @on(ChoiceSet.Taken, "#export-format")
    def _format_taken(self) -> None:
        self.path_input.focus()
        self.path_input.cursor_position = len(self.path_input.value)

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        try:
            _, fmt = export_target(event.value, self.format)
        except BadExportPath as exc:
            self._set_error(str(exc))
            return
        self._set_error("")
        if fmt is not self.format:  # a known suffix decides; the buttons follow
            for button in self.query(RadioButton):
                if button.name == fmt.value:
                    button.value = True

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def action_export(self) -> None:
        try:
            path, fmt = export_target(self.path_input.value, self.format)
        except BadExportPath as exc:
            self._set_error(str(exc))
            self.path_input.focus()
            return
        only_shown = bool(self.query("#export-shown")) and self.query_one("#export-shown", Checkbox).value
        choice = ExportChoice(fmt, path, only_shown)
        if not path.exists():
            self.dismiss(choice)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(choice)
            else:
                self.path_input.focus()

        self.app.push_screen(ConfirmScreen(f"{path} already exists. Replace it?", "Replace", "Keep it"), answered)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

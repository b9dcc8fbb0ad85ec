"""ctrl+o: pick a report from a directory tree, or type its path, and say what to score in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, RadioSet, Static

from finlocal.reading import KNOWN_SUFFIXES
from finlocal.structure import SplitMode
from finlocal.tui.widgets.choices import ChoiceSet, MarkedRadioButton

SPLIT_LABELS: dict[SplitMode, str] = {
    SplitMode.SENTENCES: "Sentences",
    SplitMode.LINES: "Lines",
    SplitMode.NONE: "Whole document",
}
"""The split choices, in the order the dialog shows them (the same as `finlocal score --split`)."""


@dataclass(frozen=True)
class OpenRequest:
    """What the open dialog was asked for: a file, and what one scored item is in it."""

    path: Path
    split: SplitMode


class ReportTree(DirectoryTree):
    """Directories and the files a directory scan reads (`finlocal.reading.KNOWN_SUFFIXES`);
    hidden entries are left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in KNOWN_SUFFIXES)]


class OpenFileScreen(ModalScreen[OpenRequest | None]):
    """Dismisses with an `OpenRequest`, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, start: Path, split: SplitMode = SplitMode.SENTENCES) -> None:
        super().__init__()
        self.start = start
        self.split = split

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog"):
            yield Static(
                "Open a report (txt, md, html, pdf) — enter a path or pick a file", id="open-title", markup=False
            )
            yield Input(placeholder="path/to/report.pdf", id="open-path")
            yield Static("", id="open-error", markup=False)
            with Horizontal(id="open-split-row"):
                yield Static("Score one row per", id="open-split-label", markup=False)
                with ChoiceSet(id="open-split"):
                    for mode, label in SPLIT_LABELS.items():
                        yield MarkedRadioButton(label, value=mode is self.split, name=mode.value)
            yield ReportTree(self.start, id="open-tree")

    @on(RadioSet.Changed, "#open-split")
    def _split_chosen(self, event: RadioSet.Changed) -> None:
        self.split = SplitMode(event.pressed.name)

    def _set_error(self, message: str) -> None:
        error = self.query_one("#open-error", Static)
        error.update(message)
        error.display = bool(message)

    def on_mount(self) -> None:
        self._set_error("")

    @on(Input.Changed, "#open-path")
    def _editing(self) -> None:
        self._set_error("")

    @on(ChoiceSet.Taken, "#open-split")
    def _split_taken(self) -> None:
        """Enter on the split choice opens the typed path (or goes to the path field)."""
        field = self.query_one("#open-path", Input)
        if field.value.strip():
            self._open_typed(field.value)
        else:
            field.focus()

    @on(Input.Submitted, "#open-path")
    def _typed(self, event: Input.Submitted) -> None:
        self._open_typed(event.value)

    def _open_typed(self, value: str) -> None:
        """Open the typed path; a folder is shown in the tree, and a path that is not there
        is said here, so the dialog stays open with the path to correct."""
        if value.strip():
            path = Path(value.strip()).expanduser()
            if path.is_dir():  # a folder: show it in the tree instead of trying to read it
                self.query_one(ReportTree).path = path
                self.query_one(ReportTree).focus()
                return
            if not path.exists():
                self._set_error(f"No such file: {path}. Correct the path, or pick a file below.")
                return
            self.dismiss(OpenRequest(path, self.split))

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(OpenRequest(event.path, self.split))

    def action_cancel(self) -> None:
        self.dismiss(None)

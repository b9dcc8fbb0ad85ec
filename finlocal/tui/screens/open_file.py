"""ctrl+o: pick a report from a directory tree, or type its path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Static

READABLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})


class ReportTree(DirectoryTree):
    """Directories and the files finlocal can read; hidden entries are left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths
            if not p.name.startswith(".")
            and (p.is_dir() or p.suffix.lower() in READABLE_SUFFIXES)
        ]


class OpenFileScreen(ModalScreen[Path | None]):
    """Dismisses with the chosen path, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog"):
            yield Static("Open a report (txt, md, html, pdf) — enter a path or pick a file",
                         id="open-title", markup=False)
            yield Input(placeholder="path/to/report.pdf", id="open-path")
            yield ReportTree(self.start, id="open-tree")

    @on(Input.Submitted, "#open-path")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            path = Path(event.value.strip()).expanduser()
            if path.is_dir():  # a folder: show it in the tree instead of trying to read it
                self.query_one(ReportTree).path = path
                self.query_one(ReportTree).focus()
                return
            self.dismiss(path)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(event.path)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Every key of the app, once: the main screen's actions and the keys each area adds.

The main screen's `BINDINGS`, the command palette, the help screen and docs/tui.md all come
from `ACTIONS` and `AREA_KEYS`, so no key can be missing from one of them (a test checks the
bindings of every widget against `AREA_KEYS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class ActionSpec:
    action: str
    """Name of the ``action_*`` method on the main screen."""
    keys: str
    """Comma-separated Textual key names."""
    footer: str
    """Short label for the footer."""
    title: str
    """Command palette entry."""
    help: str
    """One line for the palette and the help screen."""
    show: bool = True
    """Shown in the footer (the footer fits about eight entries at 80 columns)."""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "score",
        "ctrl+r",
        "Score",
        "Score the text",
        "Score the text in the input area (a new run cancels the one in progress).",
    ),
    ActionSpec("open", "ctrl+o", "Open", "Open a file…", "Pick a .txt, .md, .html or .pdf file and score it."),
    ActionSpec(
        "export",
        "ctrl+s",
        "Export",
        "Export the report…",
        "Write the scored sentences as JSONL, CSV or a Markdown report.",
    ),
    ActionSpec(
        "new",
        "ctrl+n",
        "New",
        "New report (clear)",
        "Clear the input and the results, ready for the next report (ctrl+z in the input brings the text back).",
    ),
    ActionSpec(
        "find",
        "slash",
        "Find",
        "Find text in the sentences",
        "Open the find bar: type to jump to the first sentence containing the text.",
    ),
    ActionSpec(
        "filter",
        "f",
        "Filter",
        "Cycle the label filter",
        "Show all sentences, only NEG, NEU or POS, or only those flagged for review.",
    ),
    ActionSpec(
        "kind_filter",
        "t",
        "Kind",
        "Cycle the row-kind filter",
        "Show all rows, only sentences, only headings (§) or only table rows (▦): a release's tables are "
        "scored and listed, but only sentences count in the tone.",
        show=False,
    ),
    ActionSpec(
        "sort",
        "s",
        "Sort",
        "Cycle the sort order",
        "Document order, least or most confident first, most negative or positive first; the cursor goes to the top.",
    ),
    ActionSpec(
        "copy",
        "c",
        "Copy",
        "Copy the sentence's result",
        "Send the selected sentence's JSONL row to the clipboard and show it, to select or write to a file.",
        show=False,
    ),
    ActionSpec(
        "moved",
        "v",
        "Moved",
        "What moved (the figures)",
        "The document's 'what moved' table: each metric change the reader found, good or bad; enter shows the "
        "sentence.",
        show=False,
    ),
    ActionSpec(
        "split",
        "ctrl+l",
        "Rows",
        "Cycle what a row is",
        "Score one row per sentence, per line, or the whole document as one row (also in the open dialog).",
        show=False,
    ),
    ActionSpec(
        "most_negative",
        "n",
        "Most neg",
        "Jump to the most negative sentence",
        "Select the sentence with the lowest tone.",
        show=False,
    ),
    ActionSpec(
        "most_positive",
        "p",
        "Most pos",
        "Jump to the most positive sentence",
        "Select the sentence with the highest tone.",
        show=False,
    ),
    ActionSpec(
        "next_review",
        "r",
        "Review",
        "Jump to the next sentence to review",
        "Select the next low-confidence sentence (flagged ⚑).",
        show=False,
    ),
    ActionSpec(
        "explain",
        "x",
        "Explain",
        "Explain with the local LLM",
        "Ask the configured GGUF model (--explain-gguf) why the sentence reads as it does.",
        show=False,
    ),
    ActionSpec(
        "maximize",
        "m",
        "Detail",
        "Maximize or restore the detail panel",
        "Give the detail panel the whole middle of the screen (m again restores it).",
        show=False,
    ),
    ActionSpec(
        "cancel",
        "escape",
        "Cancel",
        "Cancel the running job",
        "Stop the scoring run (the rows scored so far stay) or the LLM explanation; "
        "in the input, go back to the table.",
        show=False,
    ),
    ActionSpec("focus_input", "i", "Input", "Edit the input text", "Move the focus to the input area.", show=False),
    ActionSpec(
        "focus_table", "ctrl+t", "Table", "Go to the results table", "Move the focus to the results table.", show=False
    ),
    ActionSpec(
        "help",
        "question_mark,f1",
        "Help",
        "Help",
        "Show every key, what each column means and how the tone index is defined.",
    ),
    ActionSpec(
        "quit", "q", "Quit", "Quit", "Quit (when no text field has the focus; ctrl+q quits from anywhere).", show=False
    ),
)


@dataclass(frozen=True)
class KeyHelp:
    """A key some area of the app binds (or a gesture), for the help screen and the docs."""

    keys: str
    """Comma-separated Textual key names, as in a `Binding`."""
    help: str


AREA_KEYS: tuple[tuple[str, tuple[KeyHelp, ...]], ...] = (
    (
        "Results table",
        (
            KeyHelp("up,down", "Previous / next sentence."),
            KeyHelp("k,j", "Previous / next sentence (as in vi)."),
            KeyHelp("pageup,pagedown", "A page up / down."),
            KeyHelp("home,g,ctrl+home", "First row."),
            KeyHelp("end,G,ctrl+end", "Last row."),
            KeyHelp("tab,shift+tab", "Next / previous area: input, table, detail."),
        ),
    ),
    (
        "Detail panel (tab to it)",
        (
            KeyHelp("up,down,pageup,pagedown", "Scroll it; it starts at the top for each sentence."),
            KeyHelp("home,end", "Its top / bottom."),
        ),
    ),
    (
        "Input area",
        (
            KeyHelp("ctrl+a,f7", "Select all the text."),
            KeyHelp("ctrl+z,ctrl+y", "Undo / redo."),
            KeyHelp("ctrl+v", "Paste (a paste anywhere else replaces the input's text; ctrl+z undoes it)."),
            KeyHelp("tab", "Leave the input."),
        ),
    ),
    (
        "Find bar",
        (
            KeyHelp("enter,down", "Next match."),
            KeyHelp("up", "Previous match."),
            KeyHelp("escape", "Close the find bar and go back to the table."),
        ),
    ),
    (
        "Export dialog",
        (
            KeyHelp("up,down", "Choose the format: the file name's suffix follows at once."),
            KeyHelp("enter", "On the format, go to the file name; in the file name, export."),
            KeyHelp("ctrl+s", "Export now."),
            KeyHelp("escape", "Close without exporting."),
        ),
    ),
    (
        "Copy dialog",
        (
            KeyHelp("w", "Write the row to a file (a new name: nothing is replaced)."),
            KeyHelp("escape", "Close."),
        ),
    ),
    ("Questions (replace a file?)", (KeyHelp("y,n", "Yes / no (enter takes the focused button; escape is no)."),)),
    (
        "Open dialog",
        (
            KeyHelp("enter", "Open the typed path; a folder is shown in the tree instead, a missing file said."),
            KeyHelp("up,down", "On the split choice: one row per sentence, per line or the whole document."),
            KeyHelp("tab", "Between the path, the split choice and the tree (enter on the split opens the path)."),
            KeyHelp("escape", "Close without opening."),
        ),
    ),
    (
        "Help",
        (
            KeyHelp("up,down,pageup,pagedown,space", "Scroll."),
            KeyHelp("home,end", "Top / bottom."),
            KeyHelp("escape,f1,question_mark,q", "Close."),
        ),
    ),
    (
        "Tone strip (mouse)",
        (KeyHelp("click", "Select the sentence under the pointer; the selected one is shown inverted."),),
    ),
    (
        "Anywhere",
        (
            KeyHelp("ctrl+p", "Command palette: every action, searchable."),
            KeyHelp("ctrl+q", "Quit."),
        ),
    ),
)

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "up": "↑",
    "down": "↓",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def key_names(keys: str) -> str:
    """Textual key names as people write them: ``f1,question_mark`` → ``f1 / ?``."""
    return " / ".join(_KEY_NAMES.get(k, k) for k in keys.split(","))


def bindings() -> list[BindingType]:
    return [Binding(a.keys, a.action, a.footer, show=a.show) for a in ACTIONS]

"""Every action of the app, once: its keys, footer label and command-palette entry.

The main screen's `BINDINGS`, the command palette and the help screen are all generated from
`ACTIONS`, so no action can be missing from one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


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


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("score", "ctrl+r", "Score", "Score the text",
               "Score the text in the input area (a new run cancels the one in progress)."),
    ActionSpec("open", "ctrl+o", "Open", "Open a file…",
               "Pick a .txt, .md, .html or .pdf file and score it."),
    ActionSpec("export", "ctrl+s", "Export", "Export the report…",
               "Write the scored document as JSONL, CSV or a Markdown report."),
    ActionSpec("copy", "c", "Copy", "Copy the sentence's result",
               "Copy the selected sentence's result (its JSONL row) to the clipboard."),
    ActionSpec("filter", "f", "Filter", "Cycle the label filter",
               "Show all sentences, only NEG, NEU or POS, or only those flagged for review."),
    ActionSpec("sort", "s", "Sort", "Cycle the sort order",
               "Document order, least or most confident first, most negative or positive first."),
    ActionSpec("most_negative", "n", "Most neg", "Jump to the most negative sentence",
               "Select the sentence with the lowest tone."),
    ActionSpec("most_positive", "p", "Most pos", "Jump to the most positive sentence",
               "Select the sentence with the highest tone."),
    ActionSpec("next_review", "r", "Review", "Jump to the next sentence to review",
               "Select the next low-confidence sentence (flagged ⚑)."),
    ActionSpec("explain", "x", "Explain", "Explain with the local LLM",
               "Ask the configured GGUF model (--explain-gguf) why the sentence reads as it does."),
    ActionSpec("cancel", "escape", "Cancel", "Cancel the running job",
               "Stop the scoring run or the LLM explanation in progress.", show=False),
    ActionSpec("focus_input", "i", "Input", "Edit the input text",
               "Move the focus to the input area.", show=False),
    ActionSpec("focus_table", "ctrl+t", "Table", "Go to the results table",
               "Move the focus to the results table.", show=False),
    ActionSpec("help", "f1,question_mark", "Help", "Help",
               "Show the keys, what each column means and how the tone index is defined."),
)


def bindings() -> list[Binding]:
    return [Binding(a.keys, a.action, a.footer, show=a.show) for a in ACTIONS]

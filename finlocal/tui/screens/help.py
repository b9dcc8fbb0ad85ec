"""F1 / ?: every key, the columns and the tone index, generated from the key registry.

The text scrolls from the keyboard (↑ ↓, pgup pgdn, home end, space); esc, F1, ? or q close it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from finlocal.tui.actions import ACTIONS, AREA_KEYS, key_names


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"| `{key_names(keys)}` | {text} |" for keys, text in pairs)


def help_markdown() -> str:
    sections = "\n\n".join(
        f"## {title}\n\n| Key | Action |\n|---|---|\n" + _rows([(k.keys, k.help) for k in keys])
        for title, keys in AREA_KEYS
    )
    return f"""\
# finlocal

Paste or open a financial report; every sentence is scored by the local model. The one-letter
keys act when no text field has the focus; in the input area and the find bar letters are text.

## Main screen

| Key | Action |
|---|---|
{_rows([(a.keys, a.help) for a in ACTIONS])}

{sections}

## Columns

- **#**: the sentence number, counted from 1 (exports use the same number).
- **Tag**: NEG, NEU or POS (also in colour).
- **Conf**: the probability of that label, rounded down (a ⚑ row never shows the threshold).
- **Tone**: P(positive) − P(negative), from −1 to +1, with ▲ / ▼ / · ; on a NEU row a clear
  tone is only a lean and shows as △ / ▽ .
- **⚑**: confidence below the review threshold: check this one yourself.

The **tone index** of the document is the mean sentence tone. The line of bars under the
counts is the tone along the document, on a fixed −1 … +1 scale (▁ all negative, █ all
positive); the selected sentence's bar is inverted.
"""


class HelpText(VerticalScroll):
    """The scrolling help text; it takes the focus so the keys scroll it."""

    BINDINGS = [Binding("space", "page_down", "Page down", show=False)]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            with HelpText(id="help-text"):
                yield Markdown(help_markdown(), id="help-markdown")
            yield Static("↑ ↓ pgup pgdn home end: scroll · esc: close", id="help-footer", markup=False)

    def on_mount(self) -> None:
        self.query_one(HelpText).focus()

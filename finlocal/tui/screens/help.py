"""F1 / ?: the keys, the columns and the tone index, generated from the action registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from finlocal.tui.actions import ACTIONS


def _key_names(keys: str) -> str:
    names = {"question_mark": "?", "escape": "esc"}
    return " / ".join(names.get(k, k) for k in keys.split(","))


def help_markdown() -> str:
    rows = "\n".join(f"| `{_key_names(a.keys)}` | {a.help} |" for a in ACTIONS)
    return f"""\
# finlocal

Paste or open a financial report; every sentence is scored by the local model.

| Key | Action |
|---|---|
{rows}
| `ctrl+p` | Command palette: every action above, searchable. |
| `ctrl+q` | Quit. |

## Columns

- **Tag**: NEG, NEU or POS (also in colour).
- **Conf**: the probability of that label.
- **Tone**: P(positive) − P(negative), from −1 to +1, with ▲ / ▼ / · .
- **⚑**: confidence below the review threshold: check this one yourself.

The **tone index** of the document is the mean sentence tone. The line of bars under the
counts is the tone along the document, on a fixed −1 … +1 scale.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Markdown(help_markdown(), id="help-text")
            yield Static("esc: close", id="help-footer", markup=False)

"""Report text shown to a person: control characters made visible, spreadsheet formulas defused.

A report is data, never instructions to the terminal or the viewer showing it. A file holding
``ESC ] 2 ; … BEL`` would retitle the window, ``ESC [ 2 J`` wipe the screen and a bidi override
reorder what is read. Everywhere finlocal shows report text to a person (the app, ``finlocal
score --format table|markdown``, the Markdown export and the corpus HTML report) it goes through
`visible` first; JSONL and Parquet keep the text exact, and CSV keeps it exact apart from
`spreadsheet_cell`.

The rule, one table (`UNSAFE`): C0 control characters but tab and line feed, DEL, the C1 controls
(``U+0080``–``U+009F``, among them the 8-bit CSI ``U+009B``) and the bidi controls become a visible
escape as Python writes it (``\\x1b``, ``\\x9b``, ``\\u202e``). An ``ESC`` is escaped on its own, so
the sequence it starts (CSI, OSC) is left as inert text after it: ``\\x1b]2;title\\x07``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The Arabic letter mark, LRM/RLM, the embeddings and overrides (LRE RLE PDF LRO RLO) and the
isolates (LRI RLI FSI PDI): the characters that reorder how a line reads ("Trojan Source")."""

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
"""Every character `visible` escapes: C0 but ``\\t`` and ``\\n``, DEL, C1, the bidi controls."""

FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?![0-9.]))")
"""What makes a spreadsheet run a cell (OWASP, CSV injection): a leading ``=``, ``+``, ``@``, tab
or carriage return, or ``-`` before anything but a digit (so ``-0.4`` stays a number)."""


def escape_of(char: str) -> str:
    """``\\x1b`` for ESC, ``\\u202e`` for RLO: the character as a Python string literal writes it."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every `UNSAFE` character written as its escape (``\\x1b``); the rest as is."""
    return UNSAFE.sub(lambda m: escape_of(m.group()), text)


def visible_with_offsets(text: str) -> tuple[str, list[int]]:
    """`visible` ``text``, and where each offset of ``text`` (0 … len) lands in it, so spans
    found in the original (evidence, search matches) can be marked on what is shown."""
    out: list[str] = []
    offsets: list[int] = []
    at = 0
    for char in text:
        offsets.append(at)
        shown = escape_of(char) if UNSAFE.match(char) else char
        out.append(shown)
        at += len(shown)
    offsets.append(at)
    return "".join(out), offsets


_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def visible_in_place(text: str) -> str:
    """Like `visible`, but one character for one, so columns and offsets stay those of ``text``
    (for an editor showing the text being edited): a C0 control as its control picture (``␛``,
    ``␇``), DEL as ``␡``, a C1 or bidi control as ``�``."""
    return UNSAFE.sub(lambda m: _PICTURES.get(ord(m.group()), "\ufffd"), text)


def join_lines(text: str) -> str:
    """A line break inside a paragraph (a PDF's, or a hard-wrapped file's) as a space; blank lines
    stay. One character for one, so offsets into ``text`` still hold."""
    return re.sub(r"(?<![\n\r])\r?\n(?![\r\n])", lambda m: " " * len(m.group()), text)


def spreadsheet_cell(value: str) -> str:
    """``value`` with a ``'`` in front when a spreadsheet would run it as a formula
    (`FORMULA_START`): the cell then shows the text as it was written."""
    return "'" + value if FORMULA_START.match(value) else value


def spreadsheet_row(cells: Sequence[object]) -> list[object]:
    """A CSV row with every text cell passed through `spreadsheet_cell` (numbers as they are)."""
    return [spreadsheet_cell(c) if isinstance(c, str) else c for c in cells]

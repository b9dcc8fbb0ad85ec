"""Telling a change in words, and the "what moved" table of a document.

`describe` is what the app's detail panel, the Markdown export and the corpus report say of one
change: "Net charge-offs: 1.2 vs 2.3 million, down 47.8 %; lower is better → good". `moved_rows`
picks a document's changes for its "what moved" table: every change with a figure, good and bad
first, in the order of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from finlocal.changes.record import Change, ChangeKind, Direction, Role, Verdict
from finlocal.lexicon import Polarity

_DIRECTION_WORDS = {
    Direction.UP: "up",
    Direction.DOWN: "down",
    Direction.UNCHANGED: "unchanged",
    Direction.LOSS_NARROWED: "loss narrowed",
    Direction.LOSS_WIDENED: "loss widened",
    Direction.LOSS_TO_PROFIT: "from loss to profit",
    Direction.PROFIT_TO_LOSS: "from profit to loss",
    Direction.WITHDRAWN: "withdrawn",
}
# A guidance revision is told as one: "guidance raised 4.4 %", "guidance reaffirmed".
_GUIDANCE_WORDS = {
    Direction.UP: "guidance raised",
    Direction.DOWN: "guidance lowered",
    Direction.UNCHANGED: "guidance reaffirmed",
    Direction.WITHDRAWN: "guidance withdrawn",
}
_SIGN_WORDS = {
    Direction.LOSS_TO_PROFIT: "from negative to positive",
    Direction.PROFIT_TO_LOSS: "from positive to negative",
}
"""A sign change of a line item that is not a profit or a loss (a cash flow): no "profit" in it."""
_PROFIT_NAMES = re.compile(r"profit|income|earnings|result|loss|ebit|\beps\b", re.IGNORECASE)
"""Metric names a sign change is told of as "from loss to profit" / "from profit to loss"."""
_POLARITY_WORDS = {
    Polarity.UP_GOOD: "higher is better",
    Polarity.UP_BAD: "lower is better",
    Polarity.LOSS: "a smaller loss is better",
    None: "no known better direction",
}
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# A row of the "what moved" table caps how many changes one document contributes.
MOVED_LIMIT = 50


def number(value: float) -> str:
    """A figure as people write it: "1.2", "1,250", "-0.4" (no trailing zeros)."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(change: Change, value: float | None) -> str:
    """One of a change's values with its currency and unit ("$1.21", "11.4 %", "€3.2 million")."""
    if value is None:
        return "–"
    sign = _CURRENCY_SIGNS.get(change.currency or "")
    text = number(value)
    if sign:
        text = f"-{sign}{text[1:]}" if text.startswith("-") else f"{sign}{text}"
    elif change.currency:
        text = f"{change.currency} {text}"
    if change.unit == "%":
        return f"{text} %"
    return f"{text} {change.unit}" if change.unit else text


def direction_words(change: Change) -> str:
    """ "up", "loss narrowed", "from profit to loss" — but a cash flow's sign change is "from
    positive to negative": only a profit or loss line goes from profit to loss."""
    if change.direction in _SIGN_WORDS and not _PROFIT_NAMES.search(change.metric):
        return _SIGN_WORDS[change.direction]
    return _DIRECTION_WORDS[change.direction]


def is_disowned(change: Change) -> bool:
    """The sentence names a direction it does not assert ("did not decline", "may rise",
    "expected to grow"): the reader's verdict is unknown, with a note saying so."""
    return change.verdict is Verdict.UNKNOWN and change.basis == "words" and bool(change.note)


def change_text(change: Change) -> str:
    """The direction with its size: "down 47.8 %", "up 120 bp", "loss narrowed 64.7 %", "guidance
    raised 4.4 %"; a direction the sentence does not assert in quotes with a question mark
    ("“down”?")."""
    words = direction_words(change)
    if change.kind is ChangeKind.GUIDANCE:
        words = _GUIDANCE_WORDS.get(change.direction, f"guidance {words}")
    if is_disowned(change):
        return f"“{words}”?"
    if change.change is None or change.direction is Direction.UNCHANGED:
        return words
    size = number(abs(change.change))
    if change.change_unit == "%":
        return f"{words} {size} %"
    if change.change_unit in ("pp", "bp"):
        return f"{words} {size} {change.change_unit}"
    # an amount ("down $5 million"): the values' currency and unit
    shown = amount(change, abs(change.change))
    return f"{words} {shown}"


def describe(change: Change) -> str:
    """The change in one line: "Net charge-offs: 1.2 vs 2.3 million, down 47.8 %; lower is better
    → good" (values only where stated)."""
    parts = [f"{change.metric}:"]
    if change.now is not None and change.before is not None:
        unit = change.unit
        now = amount(change, change.now)
        before = number(change.before) + (" %" if unit == "%" else "")
        if unit and unit != "%" and now.endswith(f" {unit}"):
            now = now[: -len(unit) - 1]
            before = f"{before} {unit}"
        parts.append(f"{now} vs {before},")
    elif change.now is not None:
        parts.append(f"{amount(change, change.now)},")
    if is_disowned(change):  # "Sales did not decline": not "Sales: down"
        parts.append(f"“{direction_words(change)}” not stated ({change.note});")
    else:
        parts.append(change_text(change) + ";")
    parts.append(f"{_POLARITY_WORDS[change.polarity]} → {change.verdict.value}")
    if change.verdict is Verdict.UNKNOWN and change.note and not is_disowned(change):
        parts[-1] += f" ({change.note})"
    if change.role is Role.CONCEDED:
        parts[-1] += " (conceded)"
    return " ".join(parts)


@dataclass(frozen=True)
class MovedRow:
    """One row of a "what moved" table: a change and the sentence that states it."""

    change: Change
    sentence_index: int
    sentence: str

    @property
    def now(self) -> str:
        return amount(self.change, self.change.now)

    @property
    def before(self) -> str:
        return amount(self.change, self.change.before)

    @property
    def moved(self) -> str:
        return change_text(self.change)


def moved_rows(
    sentences: Iterable[tuple[int, str, Iterable[Change]]], limit: int | None = MOVED_LIMIT
) -> list[MovedRow]:
    """A document's "what moved" rows from (sentence index, sentence text, its changes): the
    changes with a good or bad verdict first, then the unknown ones that state a figure, each
    group in the order of the text; at most ``limit`` (None: all, as the app shows them)."""
    decided: list[MovedRow] = []
    undecided: list[MovedRow] = []
    for index, text, changes in sentences:
        for c in changes:
            row = MovedRow(c, index, text)
            if c.verdict is not Verdict.UNKNOWN:
                decided.append(row)
            elif c.now is not None or c.change is not None:
                undecided.append(row)
    return (decided + undecided)[:limit]

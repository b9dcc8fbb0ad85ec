"""What moved in a KPI or statement table: one `TableRow` → its changes.

A release states its KPIs in tables ("Net sales | 41.7 | 38.2" under "Q3 2026 | Q3 2025", caption
"EUR million"). `read_table_row` reads a row when its label names a known line item and its
column headings name a current and a prior period of one kind — "Q3 2026 | Q3 2025", "2024 |
2023", "Three months ended June 30, 2025 | … 2024", "H1 2025 | H1 2024", "FY24 | FY23", with or
without a change column: the later period is "now", whichever side it stands on. Where several
pairs stand side by side (the quarter and the year to date), the leftmost pair is read.

Figures are read as statements print them: parentheses are negatives ("(1,105)"), dashes and
"n/a" are no figure, footnote markers in the label or a cell ("Net sales (2)") are ignored. The
scale and currency come from the caption or the column heading ("EUR million", "(in millions,
except per share data)", "MEUR", "$ in thousands"); per-share rows keep their figures as they
are. A cost printed as a negative ("Interest expense | (32) | (28)") is compared by its size.

A row the reader cannot place — no known item, no pair of periods, a cost whose two figures
differ in sign — gives no change: never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from finlocal.changes.parser import change_between
from finlocal.changes.record import Change
from finlocal.changes.values import AMOUNT_KINDS, Kind, Value, find_values
from finlocal.changes.vocabulary import ITEMS, METRIC_RE
from finlocal.lexicon import Polarity
from finlocal.structure import TableRow

__all__ = ["Period", "read_table_row", "period_of"]

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"\b(?:FY|Q[1-4]|H[12]|[1-4]Q)\s?[/'-]?\s?(\d\d)\b", re.IGNORECASE)
_SUB_PERIODS = (
    (re.compile(r"\bQ([1-4])\b|\b([1-4])Q\b|\b([1-4])(?:st|nd|rd|th)\s+quarter\b", re.I), "Q"),
    (re.compile(r"\b(first|second|third|fourth)\s+quarter\b", re.I), "Q"),
    (re.compile(r"\bH([12])\b|\b(first|second)\s+half\b", re.I), "H"),
    (re.compile(r"\b(three|six|nine|twelve|3|6|9|12)\s+months\b", re.I), "M"),
    (re.compile(r"\b(?:jan(?:uary)?)\s*[-–]\s*(mar|jun|sep|dec)\w*\b", re.I), "M"),
    (re.compile(r"\b1\s*[-–]\s*(3|6|9|12)\s*/", re.I), "M"),
)
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "three": "3", "six": "6", "nine": "9"}
_ORDINALS |= {"twelve": "12", "mar": "3", "jun": "6", "sep": "9", "dec": "12"}
_CHANGE_COLUMN = re.compile(r"change|chg|\bvar|Δ|y/y|yoy|growth|\+/-|%\s*$|^\s*%", re.IGNORECASE)
#: A column that states the change in percent ("Change %", "y/y", "Growth, %", "Δ %").
_CHANGE_COLUMN = re.compile(r"\b(?:change|chg|growth|y/y|yoy|var(?:iance)?)\b|Δ", re.IGNORECASE)
#: A stated percent is taken when it agrees with the computed one to this many points (rounding).
_STATED_TOLERANCE = 0.5
_NO_FIGURE = re.compile(r"^\s*(?:[-–—]+|n/?a|nm|n\.m\.|neg\.?|pos\.?)?\s*$", re.IGNORECASE)
_FOOTNOTES = re.compile(r"\s*(?:\(\s*\d{1,2}\s*\)|\[\s*\d{1,2}\s*\]|\*+|[¹²³⁴⁵⁶⁷⁸⁹]+)")
# What may follow the item in a label: footnote markers, a unit, "from continuing operations".
_LABEL_REST = re.compile(
    r"^(?:\s*(?:\(\s*\d{1,2}\s*\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹]+))*\s*(?:,\s*[^,]{0,25}|\(\s*[^()]{0,30}\)|from\s+continuing\s+"
    r"operations|%)?\s*(?:\(\s*\d{1,2}\s*\))*\s*:?\s*$",
    re.IGNORECASE,
)
_SCALE_WORDS = {
    "thousand": "thousand",
    "thousands": "thousand",
    "k": "thousand",
    "million": "million",
    "millions": "million",
    "mn": "million",
    "m": "million",
    "mio": "million",
    "billion": "billion",
    "billions": "billion",
    "bn": "billion",
}
_UNIT_LINE = re.compile(
    r"(?P<cur>\$|€|£|\bEUR\b|\bUSD\b|\bSEK\b|\bNOK\b|\bDKK\b|"
    r"\bGBP\b|\bCHF\b|\bJPY\b)?\s*(?:in\s+)?(?P<scale>\b(?:thousands?|millions?|billions?|mn|mio|bn|m|k)\b)?",
    re.IGNORECASE,
)
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
_SCALED_CODE = re.compile(r"\b([MTk])(EUR|SEK|NOK|DKK|USD)\b")


class Period(NamedTuple):
    """A column's period: its kind ("Q3", "M9" for nine months, "H1", "" for a year) and its year."""

    kind: str
    year: int


def period_of(heading: str) -> Period | None:
    """The period a column heading names ("Q3 2026" → ("Q3", 2026); "Three months ended June 30,
    2025" → ("M3", 2025); "2024" → ("", 2024)), or None (a change column, no year)."""
    if not heading.strip() or _CHANGE_COLUMN.search(heading):
        return None
    years = _YEAR.findall(heading)
    if years:
        year = int(years[-1])
    else:
        short = _SHORT_YEAR.search(heading)
        if short is None:
            return None
        year = 2000 + int(short.group(1))
    kind = ""
    for pattern, prefix in _SUB_PERIODS:
        m = pattern.search(heading)
        if m is not None:
            word = next(g for g in m.groups() if g)
            kind = prefix + _ORDINALS.get(word.lower(), word)
            break
    if kind == "M12":
        kind = ""  # twelve months: a year
    return Period(kind, year)


def _columns(header: tuple[str, ...]) -> tuple[int, int] | None:
    """The (now, before) cell indexes: the leftmost two columns of one kind of period, different years."""
    periods = [period_of(h) for h in header]
    for i, a in enumerate(periods):
        if a is None:
            continue
        for j in range(i + 1, len(periods)):
            b = periods[j]
            if b is None or b.kind != a.kind:
                continue
            if b.year == a.year:
                break  # "Q3 2025 | Q2 2025"-like columns of one year: not a year-on-year pair
            return (i, j) if a.year > b.year else (j, i)
    return None


def _unit(text: str) -> tuple[str | None, str | None]:
    """(currency, scale) a caption or heading states: "EUR million" → ("EUR", "million")."""
    currency = scale = None
    scaled = _SCALED_CODE.search(text)  # "MEUR", "TEUR", "kSEK"
    if scaled is not None:
        currency, scale = scaled.group(2), "million" if scaled.group(1) == "M" else "thousand"
    for m in _UNIT_LINE.finditer(text):
        if m.group("cur") and currency is None:
            cur = m.group("cur")
            currency = _CURRENCIES.get(cur, cur.upper())
        if m.group("scale") and scale is None:
            word = m.group("scale").lower()
            if word in ("m", "k") and not m.group("cur"):
                continue  # a lone "m" or "k" is a unit only after a currency ("EUR m")
            scale = _SCALE_WORDS.get(word.rstrip("s") if word.endswith("s") and len(word) > 2 else word)
            scale = scale or _SCALE_WORDS.get(word)
    return currency, scale


def _cell_value(cell: str, at: int) -> Value | None:
    """A cell's figure (parentheses are a negative), at offset ``at`` of the row's text."""
    cleaned = _FOOTNOTES.sub("", cell) if re.search(r"\d.*\(\s*\d{1,2}\s*\)\s*$", cell) else cell
    if _NO_FIGURE.match(cleaned):
        return None
    values = [v for v in find_values(cleaned) if v.kind in AMOUNT_KINDS]
    if len(values) != 1:
        return None
    v = values[0]
    amount = -abs(v.amount) if v.in_parens or re.match(r"^\s*\(", cleaned) else v.amount
    return replace(v, start=at, end=at + len(cell), amount=amount)


def read_table_row(row: TableRow, text: str | None = None) -> tuple[Change, ...]:
    """The change a table row states, or none (see the module's docs). Offsets index ``text``,
    the row as the document's text shows it (the label and cells joined when not given)."""
    if text is None:
        text = " | ".join((row.label, *row.cells))
    if not row.header or len(row.header) != len(row.cells):
        return ()
    label_at = max(text.find(row.label), 0)
    match = METRIC_RE.match(text, label_at + len(row.label) - len(row.label.lstrip()))
    if match is None or not _LABEL_REST.match(text[match.end() : label_at + len(row.label)]):
        return ()
    pair = _columns(row.header)
    if pair is None:
        return ()
    cells_at, pos = [], label_at + len(row.label)
    for cell in row.cells:
        found = text.find(cell, pos) if cell else -1
        cells_at.append(found if found >= 0 else pos)
        pos = max(pos, found + len(cell)) if found >= 0 else pos
    now, before = (_cell_value(row.cells[k], cells_at[k]) for k in pair)
    if now is None or before is None:
        return ()
    currency, scale = _unit(row.caption)
    head_currency, head_scale = _unit(row.header[pair[0]])
    currency, scale = currency or head_currency, scale or head_scale
    per_share = re.search(r"per\s+share|\bEPS\b|per\s+unit", row.label, re.IGNORECASE) is not None
    now, before = (_dressed(v, currency, None if per_share else scale) for v in (now, before))
    polarity = _polarity(match)
    if polarity is Polarity.UP_BAD and now.amount < 0 and before.amount < 0:
        now, before = replace(now, amount=-now.amount), replace(before, amount=-before.amount)  # costs as negatives
    elif polarity is Polarity.UP_BAD and (now.amount < 0) != (before.amount < 0):
        return ()  # a cost with one negative figure: which convention the table uses is unknown
    change = change_between(text, match, now, before)
    if change is None:
        return ()
    change = _with_stated_percent(change, row, pair)
    return (replace(change, start=label_at, end=max(change.end, label_at + len(row.label))),)


def _with_stated_percent(change: Change, row: TableRow, pair: tuple[int, int]) -> Change:
    """The change in percent as the table's change column states it ("Change %": 12.4 where the
    figures give 12.35), when it agrees with the computed one up to rounding; else as computed."""
    if change.change is None or change.change_unit != "%":
        return change
    for k, heading in enumerate(row.header):
        if k in pair or not _CHANGE_COLUMN.search(heading):
            continue
        cell = row.cells[k].replace("%", "").replace("−", "-").replace(",", ".").strip()
        try:
            stated = float(cell)
        except ValueError:
            continue
        if abs(stated - change.change) <= _STATED_TOLERANCE:
            return replace(change, change=stated)
    return change


def _dressed(v: Value, currency: str | None, scale: str | None) -> Value:
    if v.kind is Kind.NUMBER and (currency or scale):
        return replace(v, kind=Kind.MONEY, currency=v.currency or currency, scale=v.scale or scale)
    return v


def _polarity(match: re.Match[str]) -> Polarity:
    suffix = (match.group("suffix") or "").strip().lower()
    if suffix.startswith("margin"):
        return Polarity.UP_GOOD
    return ITEMS[match.group("item").lower()].polarity

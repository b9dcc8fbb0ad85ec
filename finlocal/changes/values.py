"""Figures in financial prose: amounts, currencies, scales, percentages, points.

`find_values` returns every figure a sentence states, with what it is (money, a percentage,
percentage points, basis points, a count, a bare number) and the figures that are not amounts at
all marked so the reader can skip them: years, dates, ranges and currency conversions.

The formats are the ones releases and FPB's tokenised news use: ``$1.21``, ``EUR 3.2 mn``,
``EUR0 .3 m`` (FPB's split decimals), ``SEK 1,250 million``, ``MEUR 4.1``, ``-0.4``, ``(0.4)``,
``9 %``, ``2.5 percentage points``, ``30 basis points``, ``seven percentage points``. A decimal
comma is read only before a percent sign or a scale (``87,0 %``, ``EUR 1,5 million``: European
releases in English), thin or no-break spaces as thousands separators (``1 250``). A figure's
bracketed copy (``43.9% ( 43.9 % )``, as some filings' text repeats it) and footnote markers
(``Sales per square foot (2)``) are dropped; a scale written after a bracketed prior figure
(``EUR 16.2 (-10.5) million``) is the current figure's scale too.

No library is used here on purpose: the candidates (price-parser, babel's number parsing,
quantulum3) each read one clean amount at a time and none knows FPB's tokenisation, parenthesised
negatives, scales written after the number or Nordic prior-year brackets, while one compiled
expression over the sentence costs microseconds (the reader must not slow `finlocal score`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum


class Kind(str, Enum):
    MONEY = "money"  # a currency or a scale: "$1.2", "EUR 3 mn", "3.2 million"
    PERCENT = "percent"  # "9 %", "11.4 percent"
    POINTS = "pp"  # "2.5 percentage points"
    BASIS_POINTS = "bp"  # "30 basis points"
    COUNT = "count"  # "45 days", "1,200 employees": a number with a noun
    NUMBER = "number"  # a bare number: "1.12", "(0.4)"
    YEAR = "year"  # "2020", "FY2021": never an amount
    OTHER = "other"  # a date, part of a range or of a conversion: never an amount


AMOUNT_KINDS = frozenset({Kind.MONEY, Kind.PERCENT, Kind.COUNT, Kind.NUMBER})
CHANGE_KINDS = frozenset({Kind.PERCENT, Kind.POINTS, Kind.BASIS_POINTS})

_CURRENCY_CODES = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "¥": "JPY",
    "jpy": "JPY",
    "yen": "JPY",
    "nok": "NOK",
    "sek": "SEK",
    "dkk": "DKK",
    "chf": "CHF",
    "cad": "CAD",
    "c$": "CAD",
    "aud": "AUD",
    "a$": "AUD",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "hkd": "HKD",
    "inr": "INR",
    "rs": "INR",
    "rs.": "INR",
    "pln": "PLN",
    "rub": "RUB",
    "isk": "ISK",
    "lvl": "LVL",
    "ltl": "LTL",
    "eek": "EEK",
    "kronor": "SEK",
    "meur": "EUR",
    "musd": "USD",
    "msek": "SEK",
    "mnok": "NOK",
    "mdkk": "DKK",
    "kroner": "NOK",
    "pence": "GBX",
    "cents": "USX",
}
_SCALES = {
    "thousand": "thousand",
    "k": "thousand",
    "million": "million",
    "millions": "million",
    "mn": "million",
    "mln": "million",
    "mio": "million",
    "m": "million",
    "billion": "billion",
    "billions": "billion",
    "bn": "billion",
    "b": "billion",
    "trillion": "trillion",
    "tn": "trillion",
}
SCALE_FACTORS = {None: 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

_CUR_PRE = (
    r"US\$|C\$|A\$|\$|€|£|¥|EUR|USD|NOK|SEK|DKK|GBP|CHF|JPY|CAD|AUD|CNY|RMB|HKD|INR|PLN|RUB|ISK|LVL|LTL|EEK|Rs\.?|"
    r"euro(?=\s?\d)"
)
# "MEUR 4.1", "EURm 4.1", "SEK mn 120": a currency and a scale before the number.
_MPRE = r"M(?:EUR|USD|SEK|NOK|DKK)|(?:EUR|USD|SEK|NOK|DKK|GBP)\s?(?:mn|m|bn)\b"
_SCALE = r"thousand|millions?|billions?|trillion|mn|mln|mio|bn|tn|m|b|k"
_CUR_POST = r"EUR|USD|NOK|SEK|DKK|GBP|CHF|JPY|euros?|dollars?|kronor|kroner|yen|yuan|pounds|pence|cents"
_UNIT = (
    r"%|percent\b|per\s?cent\b|pct\b|percentage[\s-]+points?\b|%\s?-?\s?points?\b|pp\b|p\.p\.|basis[\s-]+points?\b|"
    r"bps\b|bp\b|points?\b"
)

VALUE_RE = re.compile(
    rf"""
    (?<![\w.,/:'’])                                    # not inside a word, a number, a date, a time or "'19"
    (?P<sign>[-−](?=\s?(?:{_CUR_PRE})?\s?\d)|minus\s)?
    (?:(?P<mpre>{_MPRE})\s?|(?P<cur>{_CUR_PRE})\s?(?P<open>\()?)?
    (?P<sign2>[-−](?=\d))?
    (?P<int>\d{{1,3}}(?:\s?,\d{{3}})+(?!\d)|\d{{1,3}}(?:[\u2009\u202f\u00a0]\d{{3}})+(?!\d)|\d+)  # "1,250", "995 ,000"
    (?:\s?\.(?P<dec>\d+)|,(?P<cdec>\d{{1,2}})(?=\s?(?:%|per\s?cent\b|percent\b|{_SCALE}\b)))?  # "3.2", "0 .3", "87,0 %"
    (?:x\b)?                                           # "1.8x" (a multiple)
    (?P<close>\)(?=\s?(?:{_SCALE}|{_CUR_POST})\b))?       # "(1.2) million euros"
    (?P<scale>\s?(?:{_SCALE})(?![\w]))?
    (?P<mpost>\s?M(?:EUR|USD|SEK|NOK|DKK)\b)?
    (?P<unit>(?:\s?|-(?=basis|percentage))(?:{_UNIT}))?   # "150-basis-point"
    (?P<curpost>\s(?:{_CUR_POST})\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^\s*(?:{_MONTHS})\b", re.IGNORECASE)
# "1st", "3rd"; "4Q", "2H": an ordinal or a period label, not an amount
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|Q|H)\b", re.IGNORECASE)
_COUNT_NOUN = re.compile(
    r"^\s*(?:new\s+|additional\s+|own\s+|full-time\s+)?(shares|employees|people|persons|staff|jobs|stores|shops|"
    r"outlets|units|customers|clients|subscribers|members|days|weeks|months|years|hours|times|locations|sites|"
    r"branches|restaurants|hotels|rooms|vessels|ships|aircraft|planes|tonnes|tons|barrels|boe|MW|GW|MWh|GWh|"
    r"square|sq|m2|km|kilometres|kilometers|hectares|acres|cars|vehicles|patients|beds|countries|markets|"
    r"products|contracts|deals|transactions|accounts|users|visitors|passengers|apartments|homes|properties)\b",
    re.IGNORECASE,
)
_RANGE_NEXT = re.compile(r"^\s?(?:[-–—]|to\b|and\b)\s?(?:" + _CUR_PRE + r")?\s?\d", re.IGNORECASE)
_RANGE_PREV = re.compile(r"\b(?:between|range of|ranging from|in the range)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    """One figure: ``amount`` is signed and in the stated scale (3.2 for "EUR 3.2 mn")."""

    start: int
    end: int
    amount: float
    kind: Kind
    currency: str | None = None
    scale: str | None = None
    noun: str | None = None  # a count's noun: "days", "employees"
    in_parens: bool = False  # written "(0.4)" or "( 2.9 mn )"

    @property
    def absolute(self) -> float:
        return self.amount * SCALE_FACTORS[self.scale]

    @property
    def unit(self) -> str | None:
        """What the amount counts, for display: "million", "%", "days", or None."""
        if self.kind is Kind.PERCENT:
            return "%"
        if self.kind is Kind.COUNT:
            return self.noun
        return self.scale


def _code(word: str | None) -> str | None:
    return _CURRENCY_CODES.get(word.strip().lower()) if word else None


def _kind_of_unit(unit: str) -> Kind:
    u = unit.strip(" -").lower()
    if u.startswith(("basis", "bp")):
        return Kind.BASIS_POINTS
    if "point" in u or u in ("pp", "p.p."):
        return Kind.POINTS
    return Kind.PERCENT


_SHARED_UNIT_JOIN = re.compile(r"\s+and\s+")


def _share_units(text: str, values: list[Value]) -> None:
    """ "improved 1.0 and 0.6 points", "68 and 116 percent": a bare number joined by "and" to a
    figure with a unit of change takes that unit."""
    for i in range(len(values) - 1, 0, -1):
        a, b = values[i - 1], values[i]
        if (
            a.kind is Kind.NUMBER
            and a.currency is None
            and a.scale is None
            and b.kind in (Kind.PERCENT, Kind.POINTS, Kind.BASIS_POINTS)
            and _SHARED_UNIT_JOIN.fullmatch(text, a.end, b.start)
        ):
            values[i - 1] = replace(a, kind=b.kind)


def find_values(text: str) -> list[Value]:
    """Every figure in ``text``, in order, each with its kind (years, dates, ranges and
    conversions included, marked `Kind.YEAR` / `Kind.OTHER`)."""
    values: list[Value] = []
    for m in VALUE_RE.finditer(text):
        start, end = m.span()
        digits = re.sub(r"[,\s]", "", m.group("int"))
        dec = m.group("dec") or m.group("cdec")
        amount = float(f"{digits}.{dec}") if dec else float(digits)
        if m.group("sign") or m.group("sign2"):
            amount = -amount
        currency = _code(m.group("cur")) or _code(m.group("curpost"))
        scale = _SCALES.get(m.group("scale").strip().lower()) if m.group("scale") else None
        if m.group("mpre"):
            mpre = m.group("mpre").replace(" ", "")
            currency = _code(mpre[1:] if mpre.startswith("M") else re.sub(r"(mn|m|bn)$", "", mpre, flags=re.I))
            scale = "billion" if mpre.lower().endswith("bn") else "million"
        if m.group("mpost"):
            currency, scale = _code(m.group("mpost").strip()[1:]), "million"
        unit = m.group("unit")
        # bounded windows around the figure: what decides its kind is close to it
        after, before = text[end : end + 60], text[max(0, start - 30) : start]
        noun = _COUNT_NOUN.match(after)
        if unit:
            kind = _kind_of_unit(unit)
        elif currency or (scale and noun is None):
            kind = Kind.MONEY
        elif noun is not None:  # "1,200 employees", "2.1 million units": counted, not money
            kind = Kind.COUNT
            end_noun = noun.group(1).lower()
            values.append(
                Value(start, end, amount, kind, scale=scale, noun=end_noun, in_parens=_in_parens(text, start, end, m))
            )
            continue
        elif not dec and "," not in m.group("int") and 1900 <= amount <= 2100 and not m.group("sign"):
            kind = Kind.YEAR
        else:
            kind = Kind.NUMBER
        if (
            _ORDINAL_AFTER.match(after)
            or (kind in (Kind.NUMBER, Kind.YEAR) and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)))
            or after.startswith(("/", ":", "-", "–"))
            and kind is Kind.NUMBER
            and after[1:2].isdigit()
            or after.startswith(("-", "–"))
            and after[1:2].isalpha()  # "12-month", "3-year"
            or re.match(r"^\s?=", after)
            or re.search(r"=\s?$", before)
        ):
            kind = Kind.OTHER
        values.append(Value(start, end, amount, kind, currency, scale, in_parens=_in_parens(text, start, end, m)))
    _share_units(text, values)
    _mark_ranges(text, values)
    if _SPELLED_CUE.search(text) is not None:
        values += _spelled(text)
        values.sort(key=lambda v: v.start)
    return _tidy(text, values) if "(" in text else values


_SPELLED_NUMBERS = {
    w: float(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_SPELLED_CUE = re.compile(r"points|percent|per cent", re.IGNORECASE)
_SPELLED_RE = re.compile(
    r"\b(?P<n>"
    + "|".join(_SPELLED_NUMBERS)
    + r")\s+(?P<unit>percentage\s+points?|basis\s+points|percent|per\s+cent)\b",
    re.IGNORECASE,
)


def _spelled(text: str) -> list[Value]:
    """Changes written in words: "seven percentage points", "two percent"."""
    return [
        Value(m.start(), m.end(), _SPELLED_NUMBERS[m.group("n").lower()], _kind_of_unit(m.group("unit")))
        for m in _SPELLED_RE.finditer(text)
    ]


# A footnote marker: one digit in brackets after a word ("Sales per retail square foot (2)"), not
# after a verb or a preposition that introduces a figure ("was (3)", "from (2)").
_FOOTNOTE_HEAD = re.compile(r"[A-Za-z)*]\s*\(\s*$")
_FIGURE_VERB = re.compile(
    r"\b(?:was|were|is|are|of|to|from|at|by|vs\.?|versus|with|totall?ed|amounted|reached|and|or)\s*\(\s*$", re.I
)
_OPEN_GAP = re.compile(r"\s*\(\s*")
_COPY_GAP = re.compile(r"\s*\(\s+")


def _tidy(text: str, values: list[Value]) -> list[Value]:
    """Drop footnote markers and bracketed copies of the figure before; give a figure the scale
    written after its bracketed prior ("EUR 27.7 (11.6) million")."""
    out: list[Value] = []
    for v in values:
        if not v.in_parens:
            out.append(v)
            continue
        head = text[max(0, v.start - 30) : v.start]
        footnote = (
            v.kind is Kind.NUMBER
            and v.currency is None
            and v.scale is None
            and 0 <= v.amount < 10
            and float(v.amount).is_integer()
            and _FOOTNOTE_HEAD.search(head) is not None
            and _FIGURE_VERB.search(head) is None
        )
        if footnote:
            continue
        if out and not out[-1].in_parens and _OPEN_GAP.fullmatch(text, out[-1].end, v.start) is not None:
            last = out[-1]
            if _COPY_GAP.fullmatch(text, last.end, v.start) and (last.amount, last.kind, last.scale) == (
                v.amount,
                v.kind,
                v.scale,
            ):
                continue  # "43.9% ( 43.9 % )": the figure written twice (not "12.0 % (12.0 %)", a prior)
            if last.scale is None and v.scale is not None and last.kind is Kind.MONEY:
                out[-1] = Value(last.start, last.end, last.amount, last.kind, last.currency, v.scale, last.noun, False)
        out.append(v)
    return out


def _in_parens(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    """Whether the figure is written in brackets: "(0.4)", "$(0.4)", "(1.2) million"."""
    opened = m.group("open") is not None or text[max(0, start - 4) : start].rstrip().endswith("(")
    return opened and (m.group("close") is not None or text[end : end + 4].lstrip().startswith(")"))


def _mark_ranges(text: str, values: list[Value]) -> None:
    """Figures of a range ("10-20 %", "between 5 and 7 million", "$1.1 billion to $1.2
    billion" after "of") become `Kind.OTHER`; "from X to Y" is a change, not a range."""
    for i, v in enumerate(values[:-1]):
        w = values[i + 1]
        gap = text[v.end : w.start]
        joined = _RANGE_NEXT.match(text[v.end : w.end]) is not None and len(gap) <= 6
        if not joined:
            continue
        word = gap.strip().lower()
        before = text[max(0, v.start - 60) : v.start]
        is_range = word in ("-", "–", "—") or (word == "and" and _RANGE_PREV.search(before) is not None)
        if v.kind is Kind.YEAR and w.kind is Kind.MONEY and before.rstrip().endswith("("):
            continue  # "(2019 - $4,366,807)": the prior year's figure, labelled with its year
        if word == "to" and re.search(r"\brang\w*\s+from\s*\S{0,4}\s*$", before, re.IGNORECASE):
            is_range = True  # "to range from $480 million to $520 million"
        elif word == "to" and not re.search(r"\bfrom\s*\S{0,4}\s*$", before, re.IGNORECASE):
            # "of $1.1 billion to $1.2 billion" is a range; "rose 9 % to EUR 41.2 mn" is not.
            is_range = (
                v.kind is w.kind
                and re.search(r"\b(?:of|between|range|guidance|expects?)\b[^.;]{0,30}$", before, re.IGNORECASE)
                is not None
            )
        if is_range:
            values[i] = _other(v)
            values[i + 1] = _other(w)


def _other(v: Value) -> Value:
    return Value(v.start, v.end, v.amount, Kind.OTHER, v.currency, v.scale, v.noun, v.in_parens)

"""Direction in natural wording: varied, hand-written sentences about the line items whose good
direction a student gets wrong, labelled as an equity analyst reads them.

`finlocal.train.statements` writes one frame per kind of statement ("<item> rose by 5 %"); a
student trained on it learns those frames. This generator writes the same lesson — which way is
good news for a margin, EPS, an order backlog, an impairment, a tax rate, credit losses, guidance,
a dividend, a loss — in many frames per category (subject first, clause first, passive, relative
clauses, bullets, CEO quotes, Nordic "1.12 (2.05)" figures, "compared with", "from B to A"), plus
hedged forward-looking boilerplate (neutral) and contrasts ("despite", "failed to offset",
"remained below"). Movement rows are labelled with `finlocal.lexicon.tone`; the other rows by the
frame, which was written for its label.

    python -m finlocal.train.natural --n 2000 --seed 7 --out runs/data/natural.jsonl

The rows have the schema of `finlocal.train.statements` (a gold-row file for ``extra_files``):
evidence spans mark the words that carry the tone (none for neutral rows). Same seed, same rows.
The frames, companies and wording were written without looking at the held-out direction and
comparison sets in ``tests/fixtures/``.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from finlocal.lexicon import LINE_ITEMS, NEGATIVE, POSITIVE, Direction, Polarity
from finlocal.train.generator_cli import generator_cli

log = logging.getLogger(__name__)

NEUTRAL = "neutral"
SOURCE = "natural"
# Each category and the labels it is written for (balanced within the category).
LABELS: dict[str, tuple[str, ...]] = {
    "margin": (NEGATIVE, POSITIVE),
    "eps": (NEGATIVE, POSITIVE),
    "orders": (NEGATIVE, POSITIVE),
    "impairment": (NEGATIVE, POSITIVE),
    "tax_rate": (NEGATIVE, POSITIVE),
    "credit_losses": (NEGATIVE, POSITIVE),
    "guidance": (NEGATIVE, POSITIVE, NEUTRAL),
    "dividend": (NEGATIVE, POSITIVE),
    "forward_looking": (NEUTRAL,),
    "contrast": (NEGATIVE, POSITIVE),
    "loss": (NEGATIVE, POSITIVE),
}
CATEGORIES = tuple(LABELS)

_POLARITY = {i.name: i.polarity for i in LINE_ITEMS}
_VOWELS = "aeiouAEIOU"

Span = tuple[int, int]


@dataclass(frozen=True)
class Statement:
    text: str
    label: str
    category: str
    item: str | None  # the lexicon line item the tone is about; None when the frame names none
    evidence: tuple[Span, ...]
    frame: str  # the hand-written frame the text was filled from
    direction: Direction | None = None  # the plain movement of ``item`` the text states, if any

    def to_row(self, index: int) -> dict[str, object]:
        return {
            "id": f"natural-{index:05d}",
            "text": self.text,
            "label": self.label,
            "category": self.category,
            "metric": self.item,
            "evidence": [{"start": s, "end": e, "text": self.text[s:e]} for s, e in self.evidence],
            "source": SOURCE,
        }


# -- filling a frame ----------------------------------------------------------------------------
#
# A frame is a format string; "[...]" marks evidence (the words that carry the tone). Slots are
# filled inside and outside the brackets; the first letter of the sentence is capitalised.

_PIECES = re.compile(r"(\[[^\]]*\])")


def render(frame: str, slots: dict[str, str], *, evidence: bool = True) -> tuple[str, tuple[Span, ...]]:
    """The filled frame and the character spans of its bracketed pieces."""
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    for piece in _PIECES.split(frame):
        marked = piece.startswith("[") and piece.endswith("]")
        text = (piece[1:-1] if marked else piece).format(**slots)
        if marked and evidence and text:
            spans.append((length, length + len(text)))
        parts.append(text)
        length += len(text)
    text = "".join(parts)
    first = next((i for i, ch in enumerate(text) if ch.isalpha()), None)
    if first is not None:
        text = text[:first] + text[first].upper() + text[first + 1 :]
    return text, tuple(spans)


@dataclass(frozen=True)
class _Verb:
    past: str
    part: str
    inf: str
    ing: str


def _verbs(table: str) -> tuple[_Verb, ...]:
    """ "narrowed|narrowed|narrow|narrowing, …": past, participle, infinitive, gerund."""
    return tuple(_Verb(*(w.strip() for w in entry.split("|"))) for entry in table.split(","))


@dataclass(frozen=True)
class _Item:
    text: str  # as written: "adjusted EBITDA margin"
    metric: str  # the lexicon's name: "EBITDA margin"
    plural: bool = False
    the: tuple[str, ...] = ("the ", "")  # the determiners it takes on its own
    article: bool = True  # "a lower EBITDA margin", but "lower EPS"


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(","))


_COMPANIES = _words(
    "Kvarnholm, Fjordline, Tammerkoski Paper, Nordvik Bank, Saltsjö Logistik, Havbris Seafood, "
    "Kalevala Industrial, Vindeln Energy, Östra Marine, Lumen Health, Brattvåg Offshore, Sjöberg Retail, "
    "Hallingdal Food Group, Pohjola Steel, Granlund Software, Vesterhav Shipping, Ruska Packaging, "
    "Ulvik Mining, Skagen Pharma, Kuusamo Timber, Lindholmen Telecom, Aker Valley Insurance, "
    "Mälaren Fastigheter, Oulu Instrument Group, the group, the company, the Norwegian group, "
    "the Swedish industrial group, the Finnish forest company, the Danish lender, the Oslo-listed company, "
    "the Helsinki-based company"
)
_PEOPLE = _words(
    "Anna Lindqvist, Mikael Berg, Sofie Halvorsen, Jukka Niemi, Kristin Dahl, Henrik Møller, Laura Virtanen, "
    "Per Ekström, Ingrid Solberg, Tomas Nyberg, Maria Koskinen, Lars Holm"
)
_PERIODS = _words(
    "in the third quarter, in the second quarter, in Q3, in Q2, in the first half, in the January–June period, "
    "for the full year, in the fourth quarter, in 2024, in the July–September period, in the first nine months, "
    "in the first quarter"
)
_PRIOR = _words("a year earlier, a year ago, in the same period last year, in the comparison period, the year before")
_PRIOR_NOUN = _words("the same period last year, the prior-year period, the comparison period, a year earlier")
_PERIOD_NOUN = _words("the quarter, the first half, the full year, the third quarter, the January–March period, 2024")
_PERIOD_END = _words(
    "at the end of June, at the end of the period, at the end of September, at the close of the quarter, at year-end"
)
_SEGMENTS = _words(
    "the Nordic region, Europe, the Services division, the largest business area, North America, "
    "the Industrial segment, the Marine segment, Sweden"
)
_TAILS = (
    "will publish its annual report in March",
    "employs about 4,000 people",
    "is listed in Stockholm",
    "holds its capital markets day in November",
    "reports in euros",
    "has operations in 14 countries",
    "will hold a webcast for analysts at 10:00",
)
_DAYS = _words("Tuesday, Thursday, 28 April, 5 August, 24 October, 9 February")
_MONTHS = _words("February, April, May, July, August, October")
_YEARS = _words("2024, 2025, the current year, the 2024 financial year")
_CURRENCIES = _words("EUR, SEK, NOK, DKK, USD")


def _common(rng: random.Random) -> dict[str, str]:
    person = rng.choice(_PEOPLE)
    title = rng.choice(("chief executive", "CEO", "President and CEO"))
    return {
        "Co": rng.choice(_COMPANIES),
        "period": rng.choice(_PERIODS),
        "prior": rng.choice(_PRIOR),
        "prior_noun": rng.choice(_PRIOR_NOUN),
        "period_noun": rng.choice(_PERIOD_NOUN),
        "period_end": rng.choice(_PERIOD_END),
        "segment": rng.choice(_SEGMENTS),
        "tail": rng.choice(_TAILS),
        "ceo": rng.choice((f"{title} {person}", f"{person}, {title}")),
        "cfo": rng.choice((f"CFO {person}", f"chief financial officer {person}", f"{person}, the CFO")),
        "chair": rng.choice((f"chair {person}", f"{person}, chair of the board")),
        "day": rng.choice(_DAYS),
        "month": rng.choice(_MONTHS),
        "year": rng.choice(_YEARS),
        "nq": rng.choice(("two", "three", "four", "five")),
        "cur": rng.choice(_CURRENCIES),
    }


# -- figures that agree with the direction -------------------------------------------------------


def _pct_text(rng: random.Random, value: str) -> str:
    return rng.choice((f"{value} %", f"{value}%", f"{value} per cent"))


def _change_pct(rng: random.Random, old: float, new: float) -> str:
    change = max(1, round(abs(new - old) / old * 100))
    return rng.choice((f"{change} %", f"{change}%", f"{change} per cent"))


def _figures(rng: random.Random, unit: str, direction: Direction, cur: str) -> dict[str, str]:
    """``new``, ``old`` (``old_bare``: the number alone, for "A (B)") and ``diff``, with ``new``
    above ``old`` when the direction is up."""
    up = direction is Direction.UP
    if unit == "ratio":
        old = round(rng.uniform(4, 35), 1)
        delta = round(rng.uniform(0.3, min(4.5, old - 1.5)), 1)
        new = round(old + delta if up else old - delta, 1)
        style = rng.random()
        diff = (
            f"{delta} percentage points"
            if style < 0.5
            else f"{round(delta * 100)} basis points"
            if style < 0.75
            else f"{delta} points"
        )
        pct = rng.choice(("{} %", "{}%", "{} per cent"))
        return {"new": pct.format(new), "old": pct.format(old), "old_bare": str(old), "diff": diff}
    if unit == "share":
        old = round(rng.uniform(0.4, 12), 2)
        factor = rng.uniform(0.05, 0.8) if up else rng.uniform(0.05, 0.6)
        new = round(old * (1 + factor if up else 1 - factor), 2)
        if new == old or new <= 0:
            new = round(old + 0.05 if up else old - 0.05 * (old > 0.1), 2) or 0.01
        return {
            "new": f"{cur} {new:.2f}",
            "old": f"{cur} {old:.2f}",
            "old_bare": f"{old:.2f}",
            "diff": _change_pct(rng, old, new),
        }
    # money
    billions = unit != "millions" and rng.random() < 0.25
    old = round(rng.uniform(1.1, 9.9), 1) if billions else round(rng.uniform(4, 950), rng.choice((0, 1)))
    factor = rng.uniform(0.04, 0.9) if up else rng.uniform(0.04, 0.6)
    new = round(old * (1 + factor if up else 1 - factor), 1)
    if new == old:
        new = round(old + 0.1 if up else old - 0.1, 1)
    scale = rng.choice(("bn", "billion")) if billions else rng.choice(("million", "m", "million"))

    def money(value: float) -> str:
        number = f"{value:,g}" if billions or value != int(value) else f"{int(value):,}"
        return f"{cur} {number} {scale}" if scale != "m" else f"{cur} {number}m"

    return {
        "new": money(new),
        "old": money(old),
        "old_bare": f"{old:,g}",
        "diff": _change_pct(rng, old, new),
    }


# -- the movement categories: margins, EPS, orders, tax rate, credit losses, losses --------------


@dataclass(frozen=True)
class _Moves:
    items: tuple[_Item, ...]
    unit: str  # "ratio", "share" or "money"
    verbs: dict[Direction, tuple[_Verb, ...]]
    nouns: dict[Direction, tuple[str, ...]]
    adjectives: dict[Direction, tuple[str, ...]]
    frames: tuple[str, ...]  # its own frames, besides the shared `_MOVE_FRAMES`
    comparatives: dict[Direction, tuple[str, ...]] | None = None


_UP, _DOWN = Direction.UP, Direction.DOWN

# Frames every movement category uses: each reads naturally with any of their items.
_MOVE_FRAMES = (
    "{the}[{item}] [{past}] to {new} from {old} {prior}.",
    "{period}, {the}[{item}] [{past}] by {diff} to {new}.",
    "• [{item}] [{past}] to {new} ({old_bare}).",
    "{Co}'s [{item}] [{past}] {period}, to {new} compared with {old} {prior}.",
    "{the}[{item}] [{past}] from {old} to {new} {period}.",
    "Compared with {prior_noun}, {the}[{item}] [{past}] by {diff}.",
    '"Our [{item}] [{past}] to {new} {period}," said {ceo}.',
    "In {segment}, {the}[{item}] [{past}] to {new} ({old_bare}).",
    "{the}[{item}], which {has} now [{part}] for {nq} consecutive quarters, stood at {new} {period_end}.",
    "{Co} reported that its [{item}] {has} [{part}] to {new}, against {old} {prior}.",
    "{an} [{noun}] in {the}[{item}] to {new} ({old_bare}) was reported {period}.",
    "{Co} saw its [{item}] [{inf}] by {diff} {period}.",
    "{period}, {Co} posted {a}[{adj} {item}] of {new}, compared with {old} {prior}.",
    "At {new}, {the}[{item}] {be} [{cmp}] than the {old} reported {prior}.",
    "{the}[{item}] [{past}] {diff} year on year, to {new}.",
    "{Co}, whose [{item}] [{past}] to {new} {period}, {tail}.",
)

_MOVES: dict[str, _Moves] = {
    "margin": _Moves(
        items=(
            _Item("EBITDA margin", "EBITDA margin"),
            _Item("adjusted EBITDA margin", "EBITDA margin"),
            _Item("operating margin", "operating margin"),
            _Item("gross margin", "gross margin"),
            _Item("EBIT margin", "EBIT margin"),
            _Item("adjusted EBIT margin", "EBIT margin"),
            _Item("net interest margin", "net interest margin"),
            _Item("operating profit margin", "operating profit margin"),
            _Item("margins", "margins", plural=True, the=("",), article=False),
        ),
        unit="ratio",
        verbs={
            _DOWN: _verbs(
                "narrowed|narrowed|narrow|narrowing, contracted|contracted|contract|contracting, "
                "compressed|compressed|compress|compressing, declined|declined|decline|declining, "
                "slipped|slipped|slip|slipping, shrank|shrunk|shrink|shrinking, eroded|eroded|erode|eroding"
            ),
            _UP: _verbs(
                "expanded|expanded|expand|expanding, widened|widened|widen|widening, "
                "improved|improved|improve|improving, rose|risen|rise|rising, "
                "increased|increased|increase|increasing, climbed|climbed|climb|climbing"
            ),
        },
        nouns={
            _DOWN: _words("contraction, compression, narrowing, decline"),
            _UP: _words("expansion, widening, improvement, increase"),
        },
        adjectives={_DOWN: _words("lower, narrower, thinner, weaker"), _UP: _words("higher, wider, stronger, better")},
        frames=(
            "{the}[{item}] [{past}] to {new} ({old_bare}) as the product mix shifted {period}.",
            "{Co} said its [{item}] [{past}] by {diff} {period}.",
            '"We saw the [{item}] [{inf}] by {diff} {period}," {cfo} said.',
        ),
    ),
    "eps": _Moves(
        items=(
            _Item("earnings per share", "earnings per share", the=("",), article=False),
            _Item("EPS", "EPS", the=("",), article=False),
            _Item("diluted earnings per share", "diluted earnings per share", the=("",), article=False),
            _Item("diluted EPS", "EPS", the=("",), article=False),
            _Item("adjusted EPS", "EPS", the=("",), article=False),
            _Item("basic earnings per share", "earnings per share", the=("",), article=False),
        ),
        unit="share",
        verbs={
            _DOWN: _verbs(
                "fell|fallen|fall|falling, slipped|slipped|slip|slipping, declined|declined|decline|declining, "
                "decreased|decreased|decrease|decreasing, dropped|dropped|drop|dropping, dipped|dipped|dip|dipping, "
                "slid|slid|slide|sliding"
            ),
            _UP: _verbs(
                "rose|risen|rise|rising, increased|increased|increase|increasing, climbed|climbed|climb|climbing, "
                "grew|grown|grow|growing, jumped|jumped|jump|jumping, improved|improved|improve|improving"
            ),
        },
        nouns={_DOWN: _words("decline, drop, fall, decrease"), _UP: _words("increase, rise, improvement")},
        adjectives={_DOWN: _words("lower, weaker"), _UP: _words("higher, stronger")},
        frames=(
            "{the}[{item}] for {period_noun} came in at {new} ({old_bare}), {an} [{noun}] of {diff}.",
            "{Co} reported [{item}] of {new} for {period_noun}, [{cmp}] than {old} {prior}.",
        ),
    ),
    "orders": _Moves(
        items=(
            _Item("order backlog", "order backlog"),
            _Item("order intake", "order intake", article=False),
            _Item("bookings", "bookings", plural=True, the=("",), article=False),
            _Item("order book", "order book", the=("the ",)),
            _Item("new orders", "new orders", plural=True, the=("",), article=False),
            _Item("orders received", "orders received", plural=True, the=("",), article=False),
            _Item("backlog", "backlog", the=("the ",)),
        ),
        unit="money",
        verbs={
            _DOWN: _verbs(
                "shrank|shrunk|shrink|shrinking, softened|softened|soften|softening, "
                "declined|declined|decline|declining, fell|fallen|fall|falling, "
                "decreased|decreased|decrease|decreasing, contracted|contracted|contract|contracting, "
                "weakened|weakened|weaken|weakening"
            ),
            _UP: _verbs(
                "grew|grown|grow|growing, rose|risen|rise|rising, increased|increased|increase|increasing, "
                "strengthened|strengthened|strengthen|strengthening, expanded|expanded|expand|expanding, "
                "climbed|climbed|climb|climbing"
            ),
        },
        nouns={_DOWN: _words("decline, contraction, drop, decrease"), _UP: _words("increase, rise, expansion")},
        adjectives={_DOWN: _words("lower, smaller, weaker"), _UP: _words("higher, larger, stronger")},
        frames=(
            "{the}[{item}] [{past}] to {new} at the end of {period_noun}, {diff} [{cmp}] than {prior}.",
            "With {the}[{item}] [{ing}] to {new}, {Co} will review capacity at its plants.",
            "{the}[{item}] in {segment} [{past}] {diff} {period}.",
        ),
    ),
    "tax_rate": _Moves(
        items=(
            _Item("effective tax rate", "effective tax rate", the=("the ",)),
            _Item("underlying effective tax rate", "effective tax rate", the=("the ",)),
            _Item("adjusted effective tax rate", "effective tax rate", the=("the ",)),
        ),
        unit="ratio",
        verbs={
            _DOWN: _verbs(
                "fell|fallen|fall|falling, declined|declined|decline|declining, "
                "decreased|decreased|decrease|decreasing, eased|eased|ease|easing, "
                "came down|come down|come down|coming down"
            ),
            _UP: _verbs(
                "rose|risen|rise|rising, increased|increased|increase|increasing, climbed|climbed|climb|climbing, "
                "went up|gone up|go up|going up"
            ),
        },
        nouns={_DOWN: _words("decrease, decline, reduction"), _UP: _words("increase, rise")},
        adjectives={_DOWN: _words("lower"), _UP: _words("higher")},
        frames=(
            "{the}[{item}] for {period_noun} [{past}] to {new} ({old_bare}).",
            "{the}[{item}] [{past}] to {new}, mainly because of the geographical mix of profits.",
        ),
    ),
    "credit_losses": _Moves(
        items=(
            _Item("net charge-offs", "net charge-offs", plural=True, the=("",), article=False),
            _Item("charge-offs", "charge-offs", plural=True, the=("",), article=False),
            _Item("credit losses", "credit losses", plural=True, the=("",), article=False),
            _Item("loan loss provisions", "loan loss provisions", plural=True, the=("",), article=False),
            _Item("expected credit losses", "expected credit losses", plural=True, the=("",), article=False),
            _Item("provision for credit losses", "provision for credit losses", the=("the ",)),
            _Item("credit impairment charges", "credit impairment charges", plural=True, the=("",), article=False),
        ),
        unit="money",
        verbs={
            _DOWN: _verbs(
                "moderated|moderated|moderate|moderating, eased|eased|ease|easing, "
                "declined|declined|decline|declining, decreased|decreased|decrease|decreasing, "
                "fell|fallen|fall|falling, came down|come down|come down|coming down"
            ),
            _UP: _verbs(
                "rose|risen|rise|rising, increased|increased|increase|increasing, climbed|climbed|climb|climbing, "
                "picked up|picked up|pick up|picking up, jumped|jumped|jump|jumping, grew|grown|grow|growing"
            ),
        },
        nouns={_DOWN: _words("decline, decrease, reduction, moderation"), _UP: _words("increase, rise, jump")},
        adjectives={_DOWN: _words("lower, smaller"), _UP: _words("higher, larger")},
        frames=(
            "Asset quality: [{item}] [{past}] to {new} ({old_bare}).",
            "{the}[{item}] [{past}] to {new} {period}, as the mix of the loan book shifted towards mortgages.",
            "In retail banking, {the}[{item}] [{past}] {diff} {period}.",
        ),
    ),
    "loss": _Moves(
        items=(
            _Item("net loss", "net loss", the=("the ",)),
            _Item("operating loss", "operating loss", the=("the ",)),
            _Item("pre-tax loss", "pre-tax loss", the=("the ",)),
            _Item("loss before taxes", "loss before taxes", the=("the ",)),
            _Item("pretax loss", "pretax loss", the=("the ",)),
            _Item("EBIT loss", "EBIT loss", the=("the ",)),
            _Item("adjusted operating loss", "operating loss", the=("the ",)),
        ),
        unit="money",
        verbs={
            _DOWN: _verbs(
                "narrowed|narrowed|narrow|narrowing, shrank|shrunk|shrink|shrinking, "
                "decreased|decreased|decrease|decreasing, fell|fallen|fall|falling, eased|eased|ease|easing"
            ),
            _UP: _verbs(
                "widened|widened|widen|widening, deepened|deepened|deepen|deepening, grew|grown|grow|growing, "
                "increased|increased|increase|increasing, rose|risen|rise|rising"
            ),
        },
        nouns={_DOWN: _words("narrowing, reduction, decrease"), _UP: _words("widening, increase, deepening")},
        adjectives={_DOWN: _words("narrower, smaller, lighter"), _UP: _words("wider, larger, deeper, heavier")},
        comparatives={_DOWN: _words("smaller, lower"), _UP: _words("larger, higher")},
        frames=(
            "{Co} reported {a}[{adj} {item}] of {new} for {period_noun}, against {old} {prior}.",
            "{the}[{item}] for {period_noun} [{past}] to {new} ({old_bare}).",
            "{Co}'s [{item}] [{past}] to {new} {period} as the restructuring of {segment} progressed.",
        ),
    ),
}


def _an(word: str) -> str:
    return "an" if word[:1] in _VOWELS else "a"


def _moves(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    spec = _MOVES[category]
    item = rng.choice(spec.items)
    good_up = _POLARITY[item.metric] is Polarity.UP_GOOD
    direction = _UP if (label == POSITIVE) == good_up else _DOWN
    verb = rng.choice(spec.verbs[direction])
    noun = rng.choice(spec.nouns[direction])
    adj = rng.choice(spec.adjectives[direction])
    comparatives = spec.comparatives or {_UP: ("higher",), _DOWN: ("lower",)}
    slots = {
        **common,
        **_figures(rng, spec.unit, direction, common["cur"]),
        "item": item.text,
        "the": rng.choice(item.the),
        "a": _an(adj) + " " if item.article else "",
        "has": "have" if item.plural else "has",
        "be": "were" if item.plural else "was",
        "past": verb.past,
        "part": verb.part,
        "inf": verb.inf,
        "ing": verb.ing,
        "noun": noun,
        "an": _an(noun),
        "adj": adj,
        "cmp": rng.choice(comparatives[direction]),
    }
    frame = rng.choice(_MOVE_FRAMES + spec.frames)
    return _Drawn(frame, slots, item.metric, direction)


# -- impairments recognised or reversed ----------------------------------------------------------

_IMPAIRMENT_ITEMS = (
    _Item("impairment charge", "impairment charge"),
    _Item("impairment loss", "impairment loss"),
    _Item("impairment losses", "impairment losses", plural=True),
    _Item("write-down", "write-down"),
    _Item("impairment", "impairment"),
    _Item("impairment charges", "impairment charges", plural=True),
)
_IMPAIRMENT_VERBS = {
    NEGATIVE: _verbs(
        "recognised|recognised|recognise|recognising, booked|booked|book|booking, "
        "recorded|recorded|record|recording, took|taken|take|taking"
    ),
    POSITIVE: _verbs("reversed|reversed|reverse|reversing, wrote back|written back|write back|writing back"),
}
_ASSETS = _words(
    "the Polish plant, its paper mill in Kaskinen, two offshore supply vessels, the store network in Denmark, "
    "capitalised development costs, the German subsidiary, the Baltic distribution centre, a hydropower plant"
)
_IMPAIRMENT_SHARED = (
    "{Co} [{past}] {a_item}[{item}] of {amount} on {asset} {period}.",
    "{period}, {a_item}[{item}] of {amount} relating to {asset} {be} [{part}].",
    "• [{item}] of {amount} [{part}] on {asset}.",
    "{Co}'s operating profit for {period_noun} includes {a_item}[{item}] of {amount}, [{part}] on {asset}.",
    '"We have [{part}] {a_item}[{item}] of {amount} on {asset}," {cfo} said.',
    "{a_item}[{item}] of {amount}, which {Co} [{past}] on {asset}, [{affect}] the result for {period_noun}.",
    "{Co} said it has [{part}] {a_item}[{item}] of {amount} {period}.",
    "On {asset}, {a_item}[{item}] totalling {amount} {be} [{part}] {period}.",
    "{Co} [{past}] {a_item}[{item}] of {amount} after its annual impairment test.",
    "Following a review of {asset}, {Co} [{past}] {a_item}[{item}] of {amount}.",
    "The result includes {a_item}[{item}] of {amount} [{part}] in {segment}.",
    "{Co}, which [{past}] {a_item}[{item}] of {amount} on {asset} {period}, {tail}.",
    "{a_item}[{item}] of {amount} ({old_amount}) {be} [{part}] {period}.",
)
_IMPAIRMENT_FRAMES = {
    NEGATIVE: _IMPAIRMENT_SHARED
    + (
        "Operating profit was [burdened by] {a_item}[{item}] of {amount} on {asset}.",
        "{Co} had to [{inf}] {a_item}[{item}] of {amount} on {asset} as demand fell.",
    ),
    POSITIVE: _IMPAIRMENT_SHARED
    + (
        "[The reversal of] {a_item}[{item}] of {amount} on {asset} [lifted] operating profit {period}.",
        "{Co} was able to [{inf}] {a_item}[{item}] of {amount} on {asset} as market values recovered.",
    ),
}


def _impairment(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    item = rng.choice(_IMPAIRMENT_ITEMS)
    verb = rng.choice(_IMPAIRMENT_VERBS[label])
    money = _figures(rng, "millions", _DOWN, common["cur"])
    slots = {
        **common,
        "item": item.text,
        "a_item": "" if item.plural else _an(item.text) + " ",
        "be": "were" if item.plural else "was",
        "past": verb.past,
        "part": verb.part,
        "inf": verb.inf,
        "amount": money["new"],
        "old_amount": money["old"],
        "asset": rng.choice(_ASSETS),
        "affect": "weighed on" if label == NEGATIVE else "added to",
    }
    # recognising an impairment is an up-bad item going up; reversing one, going down
    direction = _UP if label == NEGATIVE else _DOWN
    return _Drawn(rng.choice(_IMPAIRMENT_FRAMES[label]), slots, item.metric, direction)


# -- dividends cut, suspended or raised -----------------------------------------------------------

_DIVIDEND_ITEMS = _words("dividend, ordinary dividend, annual dividend, cash dividend")
_DIVIDEND_VERBS = {
    _DOWN: _verbs(
        "cut|cut|cut|cutting, reduced|reduced|reduce|reducing, lowered|lowered|lower|lowering, "
        "trimmed|trimmed|trim|trimming, slashed|slashed|slash|slashing"
    ),
    _UP: _verbs(
        "raised|raised|raise|raising, increased|increased|increase|increasing, lifted|lifted|lift|lifting, "
        "boosted|boosted|boost|boosting"
    ),
}
_DIVIDEND_REASONS = {
    NEGATIVE: _words("the weaker cash flow, the uncertain outlook, the higher debt, the loss for the year"),
    POSITIVE: _words("the strong cash flow, our solid balance sheet, the record result, the strong order book"),
}
_DIVIDEND_SHARED = (
    "The board proposes {a}[{adj} {item}] of {new} ({old_bare}) per share.",
    "{Co} [{past}] its [{item}] to {new} per share from {old}.",
    "• [{item}] proposal: {new} per share ({old_bare}), {an} [{noun}] of {diff}.",
    '"Given [{reason}], the board has decided to [{inf}] the [{item}]," said {chair}.',
    "{Co}, which [{past}] its [{item}] to {new} a share, {tail}.",
    "The [{item}] for {year} was [{part}] to {new} per share, compared with {old} {prior}.",
    "Shareholders will receive {a_item}[{item}] of {new} per share for {year}, [{cmp}] than the {old} paid {prior}.",
    "The board will propose {a}[{adj} {item}] of {new} per share at the AGM on {day}.",
    "{Co} [{past}] the [{item}] by {diff} to {new} per share.",
    "The [{item}] was [{part}] {diff}, to {new} ({old_bare}).",
    "Shareholders saw the [{item}] [{part}] to {new} per share.",
    "[Dividend per share]: {new} ({old_bare}), {an} [{noun}] of {diff}.",
    "For {year}, {Co} [{past}] its proposed [{item}] to {new} per share.",
)
_DIVIDEND_FRAMES = {
    NEGATIVE: _DIVIDEND_SHARED
    + (
        "{Co} [suspended] its [{item}] for {year} to preserve liquidity.",
        "The board will [not propose {a_item}{item}] for {year}, after {old} per share {prior}.",
        "{Co} [scrapped] its [{item}] {period}, citing [{reason}].",
        "[No {item}] will be paid for {year} ({old}).",
    ),
    POSITIVE: _DIVIDEND_SHARED
    + (
        "{Co} [raised] its [{item}] for the {nth} consecutive year, to {new} per share.",
        "On top of the ordinary dividend, the board proposes [{extra}] of {new} per share.",
        "The board [increased] the [{item}] to {new} per share, the [highest] in the company's history.",
    ),
}


def _dividend(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    direction = _UP if label == POSITIVE else _DOWN
    item = rng.choice(_DIVIDEND_ITEMS)
    verb = rng.choice(_DIVIDEND_VERBS[direction])
    adj = rng.choice(("higher", "increased") if direction is _UP else ("lower", "reduced"))
    noun = rng.choice(("increase", "rise") if direction is _UP else ("cut", "reduction", "decrease"))
    slots = {
        **common,
        **_figures(rng, "share", direction, common["cur"]),
        "item": item,
        "a_item": _an(item) + " ",
        "a": _an(adj) + " ",
        "adj": adj,
        "noun": noun,
        "an": _an(noun),
        "past": verb.past,
        "part": verb.part,
        "inf": verb.inf,
        "cmp": "more" if direction is _UP else "less",
        "reason": rng.choice(_DIVIDEND_REASONS[label]),
        "nth": rng.choice(("fifth", "tenth", "12th", "third")),
        "extra": rng.choice(("an extra dividend", "a special dividend", "an additional dividend")),
    }
    frame = rng.choice(_DIVIDEND_FRAMES[label])
    metric = "dividend per share" if frame.startswith("[Dividend per share]") else "dividend"
    return _Drawn(frame, slots, metric, direction)


# -- guidance cut, raised or reaffirmed -----------------------------------------------------------

_GUIDANCE_VERBS = {
    NEGATIVE: _verbs(
        "cut|cut|cut|cutting, lowered|lowered|lower|lowering, trimmed|trimmed|trim|trimming, "
        "reduced|reduced|reduce|reducing, downgraded|downgraded|downgrade|downgrading, "
        "revised down|revised down|revise down|revising down"
    ),
    POSITIVE: _verbs(
        "raised|raised|raise|raising, lifted|lifted|lift|lifting, upgraded|upgraded|upgrade|upgrading, "
        "increased|increased|increase|increasing, revised up|revised up|revise up|revising up"
    ),
    NEUTRAL: _verbs(
        "reaffirmed|reaffirmed|reaffirm|reaffirming, confirmed|confirmed|confirm|confirming, "
        "reiterated|reiterated|reiterate|reiterating, maintained|maintained|maintain|maintaining"
    ),
}
_GUIDANCE_REASONS = {
    NEGATIVE: _words(
        "weaker demand in Europe, delays in project deliveries, lower pulp prices, "
        "a slowdown in construction, weaker consumer demand"
    ),
    POSITIVE: _words(
        "strong demand, a faster recovery in Europe, higher pulp prices, a strong order intake, "
        "better-than-expected volumes"
    ),
}
_GUIDANCE_EVENTS = _words("a review of the order book, the third-quarter close, the board meeting, the half-year close")
_WHEN = _words(
    "For the second time this year, Alongside its third-quarter report, On Thursday, In a stock exchange release"
)
_GENERAL_GUIDANCE = "full-year guidance, outlook for {year}, financial outlook, guidance for {year}"
# (what is guided, low, high, step, format of a number, what the guidance is called)
_TARGETS = (
    ("net sales of {cur} {lo}–{hi} billion", 0.8, 12.0, 0.1, "{:.1f}", "revenue guidance, sales outlook"),
    ("organic growth of {lo}–{hi} %", 1, 12, 1, "{:.0f}", "sales outlook, growth guidance"),
    (
        "adjusted EBITA of {cur} {lo}–{hi} million",
        40,
        900,
        10,
        "{:.0f}",
        "guidance for adjusted EBITA, profit forecast",
    ),
    ("an operating margin of {lo}–{hi} %", 4, 20, 1, "{:.0f}", "margin guidance, margin target range"),
    (
        "comparable operating profit of {cur} {lo}–{hi} million",
        40,
        900,
        10,
        "{:.0f}",
        "profit forecast, earnings guidance",
    ),
)
_GUIDANCE_SHARED = (
    "{Co} [{past}] its [{guid}] and now expects {target_new}, against {target_old} previously.",
    "{Co} [{past}] its [{guid}] on {day}, citing [{reason}].",
    "The [{guid}] was [{part}]: {Co} now sees {target_new}.",
    "• [{guid}] [{part}]: {target_new} (previously {target_old}).",
    '"We are [{ing}] our [{guid}] to reflect [{reason}]," said {ceo}.',
    "{when}, {Co} [{past}] its [{guid}] to {target_new} from {target_old}.",
    "{Co}, which [{past}] its [{guid}] in {month}, now expects {target_new}.",
    "The [{guid}] was [{part}] to {target_new} from {target_old}, {Co} said.",
    "Following {event}, {Co} [{past}] its [{guid}].",
    "{Co} has [{part}] its [{guid}] and now expects {target_new}.",
    "In its interim report, {Co} [{past}] the [{guid}] to {target_new}.",
    "{Co} [{past}] its [{guid}] by {gdiff} at the midpoint.",
    "Investors learnt on {day} that {Co} had [{part}] its [{guid}].",
)
_GUIDANCE_FRAMES = {
    NEGATIVE: _GUIDANCE_SHARED,
    POSITIVE: _GUIDANCE_SHARED,
    NEUTRAL: (
        "{Co} [{past}] its [{guid}] of {target}.",
        "{Co} [{past}] its [{guid}] and still expects {target}.",
        "• [{guid}] [{part}]: {target}.",
        '"We [{inf}] our [{guid}]," said {ceo}.',
        "The [{guid}] was [{part}] at {target}.",
        "{Co}, which [{past}] its [{guid}] on {day}, will report {period_noun} results in {month}.",
        "Following {event}, {Co} [{past}] its [{guid}].",
        "{Co} has [{part}] its [{guid}].",
        "In its interim report, {Co} [{past}] the [{guid}] of {target}.",
        "The [{guid}] is [unchanged]: {Co} still expects {target}.",
        "{Co} left its [{guid}] [unchanged] at {target}.",
        "{Co} [{past}] the [{guid}] it issued in {month}.",
        "{when}, {Co} [{past}] its [{guid}] of {target}.",
    ),
}


def _guidance(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    verb = rng.choice(_GUIDANCE_VERBS[label])
    target, low, high, step, fmt, names = rng.choice(_TARGETS)
    steps = round((high - low) / step)
    lo = low + step * rng.randint(0, steps - 6)
    width = step * rng.randint(1, 3)
    shift = step * rng.randint(1, 3) * (-1 if label == NEGATIVE else 1)
    if label == NEGATIVE:
        lo += step * 3  # room to move down
    new_lo = lo + (shift if label != NEUTRAL else 0)

    def target_text(a: float) -> str:
        return target.format(cur=common["cur"], lo=fmt.format(a), hi=fmt.format(a + width))

    unit = "percentage points" if "%" in target else ("billion" if "billion" in target else "million")
    delta = fmt.format(abs(shift))
    gdiff = f"{delta} percentage points" if unit == "percentage points" else f"{common['cur']} {delta} {unit}"
    if gdiff.startswith("1 percentage points"):
        gdiff = "one percentage point"
    slots = {
        **common,
        "guid": rng.choice(_words(f"{names}, {_GENERAL_GUIDANCE}")).format(year=common["year"]),
        "past": verb.past,
        "part": verb.part,
        "inf": verb.inf,
        "ing": verb.ing,
        "target": target_text(lo),
        "target_old": target_text(lo),
        "target_new": target_text(new_lo),
        "gdiff": gdiff,
        "reason": rng.choice(_GUIDANCE_REASONS.get(label, ("",))),
        "event": rng.choice(_GUIDANCE_EVENTS),
        "when": rng.choice(_WHEN),
    }
    direction = None if label == NEUTRAL else (_UP if label == POSITIVE else _DOWN)
    return _Drawn(rng.choice(_GUIDANCE_FRAMES[label]), slots, None, direction)


# -- hedged forward-looking statements and safe-harbour text (neutral) ---------------------------

_TOPICS = _words(
    "demand in {segment}, market conditions, freight rates, raw material prices, customer activity, "
    "order volumes in Europe, pulp prices, consumer spending"
)
_STABILISE = _words("stabilise, improve gradually, recover, normalise, level off")
_WHEN_HEDGED = _words("in the second half of the year, during 2025, later this year, over the coming quarters")
_RISKS = _words(
    "changes in exchange rates, the general economic situation, competition, raw material prices, "
    "interest rate movements, regulatory changes, the availability of financing, geopolitical developments"
)
_FORWARD_FRAMES = (
    "Management believes {topic} may {stabilise} {when}, although there can be no assurance that this will "
    "be the case.",
    "This release contains forward-looking statements that reflect {Co}'s current expectations regarding {topic}.",
    "Actual results may differ materially from those expressed or implied in these forward-looking statements.",
    "Forward-looking statements are subject to risks and uncertainties, including {risk1} and {risk2}.",
    "{Co} undertakes no obligation to update any forward-looking statement, except as required by law.",
    'Words such as "expects", "believes" and "anticipates" identify forward-looking statements.',
    "Although {Co} believes that the expectations reflected in these statements are reasonable, it can give "
    "no assurance that they will prove correct.",
    "Statements about {topic} are based on current assumptions and are subject to change.",
    '"We believe {topic} could {stabilise} {when}, but it is too early to say," said {ceo}.',
    "Factors that could cause actual results to differ include {risk1}, {risk2} and {risk3}.",
    "The outlook is based on current assumptions about {topic} and may change if {risk1} develops differently.",
    "Readers are cautioned not to place undue reliance on forward-looking statements, which speak only as of {day}.",
    "Management expects that {topic} may {stabilise} {when}; however, the timing remains uncertain.",
    "This report includes statements regarding future events, which are based on {Co}'s current plans, "
    "estimates and projections.",
    "There can be no assurance that {topic} will {stabilise} {when}.",
    "{Co}'s estimates of {topic} {when} involve uncertainty, and actual developments may deviate from them.",
)


def _forward(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    risks = rng.sample(_RISKS, 3)
    slots = {
        **common,
        "topic": rng.choice(_TOPICS).format(segment=common["segment"]),
        "stabilise": rng.choice(_STABILISE),
        "when": rng.choice(_WHEN_HEDGED),
        "risk1": risks[0],
        "risk2": risks[1],
        "risk3": risks[2],
    }
    return _Drawn(rng.choice(_FORWARD_FRAMES), slots, None, None)


# -- "despite", "failed to offset", "remained below" --------------------------------------------

_GOOD_ITEMS = (
    _Item("operating profit", "operating profit", the=("",)),
    _Item("net sales", "net sales", plural=True, the=("",)),
    _Item("EBITDA", "EBITDA", the=("",)),
    _Item("revenue", "revenue", the=("",)),
    _Item("net profit", "net profit", the=("",)),
    _Item("comparable EBIT", "comparable EBIT", the=("",)),
    _Item("operating income", "operating income", the=("",)),
    _Item("adjusted EBITA", "EBITA", the=("",)),
)
_TAILWINDS = _words(
    "higher volumes, a record order intake, the cost programme, price increases, strong demand in {segment}, "
    "the acquisition of a competitor"
)
_HEADWINDS = _words(
    "weaker demand, weaker markets, a stronger currency, higher interest rates, lower volumes in {segment}, "
    "the strike in Finland, cost inflation"
)
_HEADWIND_CLAUSES = _words("demand softened, prices fell in Europe, the currency weakened, volumes declined")
_COSTS = _words("raw material costs, energy costs, freight costs, wage costs")
# (frame, the direction of {good} it states or None, the item it names when not {good})
_CONTRAST_FRAMES: dict[str, tuple[tuple[str, Direction | None, str | None], ...]] = {
    NEGATIVE: (
        ("[{good}] [fell] {diff} {period} [despite] {tailwind}.", _DOWN, None),
        ("[Despite] {tailwind}, [{good}] [declined] to {new} from {old}.", _DOWN, None),
        ("[Margins] [did not improve] [despite] the cost programme.", None, "margins"),
        ("[Higher volumes] [failed to offset] [the price decline] {period}.", None, None),
        ("[Price increases] [failed to offset] [higher {cost}] {period}.", None, None),
        ("[Net sales] [remained below] the prior-year level {period}.", _DOWN, "net sales"),
        ("[{good}] [remained below] the {old} reported {prior}, ending {period_noun} at {new}.", _DOWN, None),
        ("{Co}'s [{good}] [did not recover] {period} [despite] {tailwind}.", None, None),
        ("• [{good}] [still below] prior year: {new} ({old_bare}).", _DOWN, None),
        ("[Savings from the restructuring] [were not enough to offset] [lower volumes in {segment}].", None, None),
        ("[{good}] [decreased] {diff} [even though] deliveries rose.", _DOWN, None),
        ('"[Despite] all our efforts, [{good}] [did not improve] {period}," said {ceo}.', None, None),
        ("Stronger demand in {segment} [was not enough to offset] [weaker pricing] elsewhere.", None, None),
        ("[{good}] [fell short of] the prior-year level [despite] {tailwind}.", _DOWN, None),
    ),
    POSITIVE: (
        ("[Despite] weaker markets, [{good}] [rose] {diff}.", _UP, None),
        ("[Despite] {headwind}, [{good}] [increased] to {new} from {old}.", _UP, None),
        ("[{good}] [grew] {diff} {period} [despite] {headwind}.", _UP, None),
        ("[Higher prices] [more than offset] [the volume decline] {period}.", None, None),
        ("[Cost savings] [fully offset] [higher {cost}] {period}.", None, None),
        ("[{good}] [remained above] the prior-year level [despite] {headwind}.", _UP, None),
        ('"[Despite] {headwind}, we [grew] [{good}] by {diff}," said {ceo}.', _UP, None),
        ("{headwind} [did not prevent] {Co} from [lifting] its [{good}] to {new}.", _UP, None),
        ("• [{good}] [up] {diff} [despite] {headwind}.", _UP, None),
        ("[Even though] {headwind_clause}, [{good}] [improved] to {new} ({old_bare}).", _UP, None),
        ("[{good}] [held up well] {period} [despite] {headwind}.", None, None),
        ("[Price increases] [more than compensated for] [higher {cost}] {period}.", None, None),
        ("[Despite] the loss of a major customer, [{good}] [climbed] to {new}, up from {old}.", _UP, None),
        ("[{good}] [exceeded] the prior-year level [despite] {headwind}.", _UP, None),
        ("[Lower volumes] [were more than offset by] [higher prices], and [{good}] [rose] {diff}.", _UP, None),
    ),
}


def _contrast(rng: random.Random, category: str, label: str, common: dict[str, str]) -> _Drawn:
    frame, direction, named = rng.choice(_CONTRAST_FRAMES[label])
    item = rng.choice(_GOOD_ITEMS)
    figures = _figures(rng, "money", direction or (_UP if label == POSITIVE else _DOWN), common["cur"])
    slots = {
        **common,
        **figures,
        "good": item.text,
        "tailwind": rng.choice(_TAILWINDS).format(segment=common["segment"]),
        "headwind": rng.choice(_HEADWINDS).format(segment=common["segment"]),
        "headwind_clause": rng.choice(_HEADWIND_CLAUSES),
        "cost": rng.choice(_COSTS),
    }
    metric = item.metric if "{good}" in frame else named
    return _Drawn(frame, slots, metric, direction if metric is not None else None)


# -- generating ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Drawn:
    frame: str
    slots: dict[str, str]
    metric: str | None
    direction: Direction | None


_MAKERS: dict[str, Callable[[random.Random, str, str, dict[str, str]], _Drawn]] = {
    **dict.fromkeys(_MOVES, _moves),
    "impairment": _impairment,
    "guidance": _guidance,
    "dividend": _dividend,
    "forward_looking": _forward,
    "contrast": _contrast,
}


def frames(category: str, label: str) -> tuple[str, ...]:
    """The distinct hand-written frames a (category, label) draws from."""
    if category in _MOVES:
        return _MOVE_FRAMES + _MOVES[category].frames
    table: dict[str, tuple[str, ...]] = {
        "impairment": _IMPAIRMENT_FRAMES.get(label, ()),
        "guidance": _GUIDANCE_FRAMES.get(label, ()),
        "dividend": _DIVIDEND_FRAMES.get(label, ()),
        "forward_looking": _FORWARD_FRAMES if label == NEUTRAL else (),
        "contrast": tuple(f for f, _, _ in _CONTRAST_FRAMES.get(label, ())),
    }
    return table[category]


def make(rng: random.Random, category: str, label: str) -> Statement:
    """One sentence of ``category`` written for ``label``."""
    if label not in LABELS[category]:
        raise ValueError(f"category {category!r} has labels {LABELS[category]}, not {label!r}")
    drawn = _MAKERS[category](rng, category, label, _common(rng))
    text, spans = render(drawn.frame, drawn.slots, evidence=label != NEUTRAL)
    return Statement(text, label, category, drawn.metric, spans, drawn.frame, drawn.direction)


def generate(n: int, seed: int = 20261207) -> list[Statement]:
    """``n`` distinct sentences, categories balanced and the labels balanced within each category;
    same seed, same rows."""
    rng = random.Random(seed)
    plan = []
    for i in range(n):
        category = CATEGORIES[i % len(CATEGORIES)]
        labels = LABELS[category]
        plan.append((category, labels[(i // len(CATEGORIES)) % len(labels)]))
    rng.shuffle(plan)
    seen: set[str] = set()
    out: list[Statement] = []
    for category, label in plan:
        for _ in range(200):
            statement = make(rng, category, label)
            if statement.text not in seen:
                break
        else:
            raise RuntimeError(f"could only write {len(out)} distinct sentences of {n} ({category}, {label})")
        seen.add(statement.text)
        out.append(statement)
    return out


def main(argv: list[str] | None = None) -> None:
    generator_cli(argv, doc=__doc__ or "", generate=generate, n=2000, seed=20261207)


if __name__ == "__main__":
    main()

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
The frames, companies and wording, in ``train/natural.json`` (shipped as package data, read once
at import), were written without looking at the held-out direction and comparison sets in
``tests/fixtures/``.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# -- the data: train/natural.json, loaded once ---------------------------------------------------
#
# Word lists, line items, verb tables ("past|participle|infinitive|gerund") and the hand-written
# frames of every category. A movement category's frames are its own and the shared "frames"
# every movement category uses (each reads naturally with any of their items); impairment,
# dividend and guidance frames are the shared ones plus each label's own; a guidance target is
# (what is guided, low, high, step, format of a number, what the guidance is called); a contrast
# frame is (frame, the direction of {good} it states or null, the item it names when not {good}).

_DATA_FILE = Path(__file__).with_name("natural.json")
_DIRECTIONS = {"up": _UP, "down": _DOWN}


def _item(entry: dict[str, Any]) -> _Item:
    return _Item(**{**entry, **({"the": tuple(entry["the"])} if "the" in entry else {})})


def _verb_table(entries: list[str]) -> tuple[_Verb, ...]:
    return tuple(_Verb(*entry.split("|")) for entry in entries)


def _by_direction(table: dict[str, list[str]]) -> dict[Direction, tuple[str, ...]]:
    return {_DIRECTIONS[k]: tuple(v) for k, v in table.items()}


def _moves_of(spec: dict[str, Any]) -> _Moves:
    return _Moves(
        items=tuple(_item(i) for i in spec["items"]),
        unit=spec["unit"],
        verbs={_DIRECTIONS[k]: _verb_table(v) for k, v in spec["verbs"].items()},
        nouns=_by_direction(spec["nouns"]),
        adjectives=_by_direction(spec["adjectives"]),
        frames=tuple(spec["frames"]),
        comparatives=_by_direction(spec["comparatives"]) if "comparatives" in spec else None,
    )


def _frames_by_label(section: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    shared = tuple(section["shared_frames"])
    return {label: shared + tuple(own) for label, own in section["frames"].items()}


_DATA = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
_C = _DATA["common"]
_COMPANIES, _PEOPLE, _PERIODS = tuple(_C["companies"]), tuple(_C["people"]), tuple(_C["periods"])
_PRIOR, _PRIOR_NOUN, _PERIOD_NOUN = tuple(_C["prior"]), tuple(_C["prior_noun"]), tuple(_C["period_noun"])
_PERIOD_END, _SEGMENTS, _TAILS = tuple(_C["period_end"]), tuple(_C["segments"]), tuple(_C["tails"])
_DAYS, _MONTHS, _YEARS = tuple(_C["days"]), tuple(_C["months"]), tuple(_C["years"])
_CURRENCIES = tuple(_C["currencies"])

_MOVE_FRAMES = tuple(_DATA["moves"]["frames"])
_MOVES: dict[str, _Moves] = {name: _moves_of(spec) for name, spec in _DATA["moves"]["categories"].items()}

_I = _DATA["impairment"]
_IMPAIRMENT_ITEMS = tuple(_item(i) for i in _I["items"])
_IMPAIRMENT_VERBS = {label: _verb_table(v) for label, v in _I["verbs"].items()}
_ASSETS = tuple(_I["assets"])
_IMPAIRMENT_FRAMES = _frames_by_label(_I)

_DV = _DATA["dividend"]
_DIVIDEND_ITEMS = tuple(_DV["items"])
_DIVIDEND_VERBS = {_DIRECTIONS[k]: _verb_table(v) for k, v in _DV["verbs"].items()}
_DIVIDEND_REASONS = {label: tuple(v) for label, v in _DV["reasons"].items()}
_DIVIDEND_FRAMES = _frames_by_label(_DV)

_G = _DATA["guidance"]
_GUIDANCE_VERBS = {label: _verb_table(v) for label, v in _G["verbs"].items()}
_GUIDANCE_REASONS = {label: tuple(v) for label, v in _G["reasons"].items()}
_GUIDANCE_EVENTS, _WHEN, _GENERAL_GUIDANCE = tuple(_G["events"]), tuple(_G["when"]), str(_G["general"])
_TARGETS = tuple((t["target"], t["low"], t["high"], t["step"], t["format"], t["names"]) for t in _G["targets"])
_GUIDANCE_FRAMES = {
    NEGATIVE: tuple(_G["shared_frames"]),
    POSITIVE: tuple(_G["shared_frames"]),
    NEUTRAL: tuple(_G["neutral_frames"]),
}

_F = _DATA["forward_looking"]
_TOPICS, _STABILISE, _WHEN_HEDGED = tuple(_F["topics"]), tuple(_F["stabilise"]), tuple(_F["when"])
_RISKS, _FORWARD_FRAMES = tuple(_F["risks"]), tuple(_F["frames"])

_K = _DATA["contrast"]
_GOOD_ITEMS = tuple(_item(i) for i in _K["items"])
_TAILWINDS, _HEADWINDS = tuple(_K["tailwinds"]), tuple(_K["headwinds"])
_HEADWIND_CLAUSES, _COSTS = tuple(_K["headwind_clauses"]), tuple(_K["costs"])
_CONTRAST_FRAMES: dict[str, tuple[tuple[str, Direction | None, str | None], ...]] = {
    label: tuple((f, None if d is None else _DIRECTIONS[d], named) for f, d, named in frames)
    for label, frames in _K["frames"].items()
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

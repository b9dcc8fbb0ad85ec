"""Generated direction statements: line items moving up or down, labelled by the lexicon.

Financial PhraseBank has few sentences in which a cost, a debt or a provision moves, so a student
trained on it learns "up is good". This generator writes statements that cover every polarity of
`finlocal.lexicon` — up-good and up-bad items rising and falling, losses narrowing and
widening, negated movements and expectations — and labels each with `polarity.tone`. Every row
carries its evidence span (the item and the movement words), so the rationale head learns to
point at them.

    python -m finlocal.train.statements --n 3000 --out runs/data/direction.jsonl

The output is a gold-row file for ``extra_files`` of a fit config. Same seed, same rows. The
direction challenge set in ``tests/fixtures/direction/`` was written independently of these
templates (other companies, frames and wording): it measures whether the student learnt the rule
rather than these sentences.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from finlocal.lexicon import (
    ADJECTIVES,
    DOWN_WORDS,
    ITEMS_BY_POLARITY,
    LINE_ITEMS,
    LOSS_ADJECTIVES,
    NARROW_WORDS,
    NEGATIVE,
    POSITIVE,
    TRANSITIVE,
    UP_WORDS,
    WIDEN_WORDS,
    Direction,
    LineItem,
    Movement,
    Polarity,
    evaluative_words,
    tone,
)
from finlocal.train.generator_cli import generator_cli

CATEGORIES = (
    "good_up",
    "good_down",
    "bad_up",
    "bad_down",
    "loss_narrow",
    "loss_widen",
    "evaluative",
    "negation",
    "expectation",
    "neutral",
)

_COMPANIES = (
    "Aldata",
    "Raute",
    "Tecnomen",
    "Vaisala",
    "Okmetic",
    "Ponsse",
    "Salcomp",
    "Efore",
    "Glaston",
    "Trainers' House",
    "Larox",
    "Rapala",
    "Suominen",
    "Talentum",
    "Tulikivi",
    "Nordic Aluminium",
    "Baltic Freight",
    "Kestrel Systems",
    "Harbour Mills",
    "Lakeside Foods",
    "Polar Cargo",
    "Westfield Bank",
    "Orion Retail",
    "Alpine Telecom",
    "Granite Insurance",
    "Silverline Energy",
    "the group",
    "the company",
    "the bank",
    "the retailer",
    "the operator",
    "the insurer",
    "the Finnish company",
    "the Swedish lender",
    "the software maker",
    "the steel producer",
)
_PERIODS = (
    "in the first quarter",
    "in the second quarter",
    "in the third quarter",
    "in the fourth quarter",
    "in the first half of the year",
    "in the January-March period",
    "in the first nine months",
    "for the full year",
    "in 2009",
    "in 2010",
    "in 2024",
    "year-on-year",
    "compared with a year earlier",
    "from the previous quarter",
    "in the reporting period",
    "during the period",
)
_CURRENCIES = ("EUR", "USD", "SEK", "GBP", "NOK", "DKK", "$", "€")
_FUTURE = (
    "next year",
    "in 2025",
    "in the coming quarters",
    "this year",
    "in the second half",
    "over the next two years",
    "by the end of the year",
    "in the medium term",
)
_EXPECT = ("expects", "forecasts", "anticipates", "projects", "estimates", "predicts")


@dataclass(frozen=True)
class Statement:
    text: str
    label: str
    category: str
    item: str | None  # the line item the text names; None when it names none ("expects a loss")
    evidence: tuple[tuple[int, int], ...]

    def to_row(self, index: int) -> dict[str, object]:
        return {
            "id": f"direction-{index:05d}",
            "text": self.text,
            "label": self.label,
            "category": self.category,
            "metric": self.item,
            "evidence": [{"start": s, "end": e, "text": self.text[s:e]} for s, e in self.evidence],
            "source": "finlocal.train.statements",
        }


class _Builder:
    """Concatenates pieces, remembering where the evidence pieces land."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.length = 0

    def add(self, piece: str, *, evidence: bool = False) -> _Builder:
        if evidence and piece:
            self.spans.append((self.length, self.length + len(piece)))
        self.parts.append(piece)
        self.length += len(piece)
        return self

    def build(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        text = "".join(self.parts)
        return text, tuple(self.spans)


def _amount(rng: random.Random, *, fpb_style: bool) -> str:
    cur = rng.choice(_CURRENCIES)
    value = rng.choice((f"{rng.uniform(0.5, 999):.1f}", str(rng.randint(2, 950))))
    unit = rng.choice(("million", "mn", "m", "billion", "bn")) if not fpb_style else rng.choice(("mn", "million", "m"))
    if cur in ("$", "€"):
        return f"{cur}{value} {unit}" if unit in ("million", "billion") else f"{cur}{value}{unit}"
    return f"{cur} {value} {unit}" if fpb_style or rng.random() < 0.5 else f"{cur}{value}{unit}"


def _pct(rng: random.Random) -> str:
    value = rng.choice((f"{rng.uniform(0.3, 45):.1f}", str(rng.randint(1, 60))))
    return rng.choice((f"{value} %", f"{value}%", f"{value} percent", f"{value} per cent"))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _add_subject(b: _Builder, rng: random.Random, item: LineItem, *, capital: bool) -> None:
    """ "<company>'s <item>", "the <item> of <company>" or "<item>", the item marked as evidence."""
    company = rng.choice(_COMPANIES)
    style = rng.random()
    if style < 0.35:
        b.add((_cap(company) if capital else company) + "'s ").add(item.name, evidence=True)
    elif style < 0.55:
        b.add("The " if capital else "the ").add(item.name, evidence=True).add(f" of {company}")
    else:
        b.add(_cap(item.name) if capital else item.name, evidence=True)


def _movement_clause(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> str:
    """What follows the verb: nothing, a percentage, an amount, or "to X from Y"."""
    style = rng.random()
    if style < 0.2:
        return ""
    if item.is_ratio:
        low, high = sorted(round(rng.uniform(0.5, 60), 1) for _ in range(2))
        new, old = (high, low) if direction is Direction.UP else (low, high)
        if style < 0.5:
            return f" by {abs(high - low):.1f} percentage points"
        if style < 0.6:
            return f" by {rng.randint(5, 250)} basis points"
        return f" to {new} % from {old} %" if fpb_style else f" to {new}% from {old}%"
    if style < 0.45:
        return f" by {_pct(rng)}"
    if style < 0.65:
        return f" {_pct(rng)}"
    low, high = sorted(rng.sample(range(3, 900), 2))
    cur = rng.choice(("EUR", "USD", "SEK", "GBP"))
    unit = rng.choice(("million", "mn", "m")) if fpb_style else rng.choice(("million", "m", "bn"))
    new, old = (high, low) if direction is Direction.UP else (low, high)
    if style < 0.85:
        return f" to {cur} {new} {unit} from {cur} {old} {unit}"
    return f" to {cur} {new} {unit}"


def _verbs(polarity: Polarity, direction: Direction) -> tuple[Movement, ...]:
    if polarity is Polarity.LOSS:
        return WIDEN_WORDS if direction is Direction.UP else NARROW_WORDS
    return UP_WORDS if direction is Direction.UP else DOWN_WORDS


def _movement(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    move = rng.choice(_verbs(item.polarity, direction))
    period = rng.choice(_PERIODS)
    b = _Builder()
    frame = rng.random()
    if frame < 0.55:  # "<item> rose by 5 % in the first quarter ."
        _add_subject(b, rng, item, capital=True)
        b.add(" ").add(move.past_for(item), evidence=True)
        b.add(_movement_clause(rng, item, direction, fpb_style=fpb_style))
        b.add(f" {period}" if rng.random() < 0.7 else "")
    elif frame < 0.75:  # "In the first quarter , <item> rose …"
        b.add(_cap(period)).add(" , " if fpb_style else ", ")
        _add_subject(b, rng, item, capital=False)
        b.add(" ").add(move.past_for(item), evidence=True)
        b.add(_movement_clause(rng, item, direction, fpb_style=fpb_style))
    elif frame < 0.82:  # "<company> reported higher <item> …"
        company = _cap(rng.choice(_COMPANIES))
        verb = rng.choice(("reported", "posted", "recorded", "saw", "booked"))
        adjectives = LOSS_ADJECTIVES if item.polarity is Polarity.LOSS else ADJECTIVES
        article = "a " if item.polarity is Polarity.LOSS and not item.plural else ""
        b.add(f"{company} {verb} {article}").add(rng.choice(adjectives[direction]) + " " + item.name, evidence=True)
        b.add(f" {period}")
    elif frame < 0.9 and item.polarity is not Polarity.LOSS:  # "<company> cut its <item> …"
        b.add(f"{_cap(rng.choice(_COMPANIES))} ").add(rng.choice(TRANSITIVE[direction]), evidence=True)
        b.add(" its ").add(item.name, evidence=True)
        b.add(_movement_clause(rng, item, direction, fpb_style=fpb_style))
        b.add(f" {period}" if rng.random() < 0.5 else "")
    else:  # "<noun> in <item> …" as the subject of a neutral verb
        b.add(_cap(move.noun), evidence=True).add(" in ").add(item.name, evidence=True)
        b.add(rng.choice((" was reported", " was recorded", " was seen", " was booked")))
        b.add(f" {period}")
    b.add(" ." if fpb_style else ".")
    text, spans = b.build()
    if item.polarity is Polarity.LOSS:
        category = "loss_widen" if direction is Direction.UP else "loss_narrow"
    else:
        good = "good" if item.polarity is Polarity.UP_GOOD else "bad"
        category = f"{good}_{direction.value}"
    return Statement(text, tone(item.polarity, direction), category, item.name, spans)


def _evaluative(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    """A word that judges the movement itself ("the cost-to-income ratio improved"): its tone
    holds whatever the item's polarity."""
    label = POSITIVE if direction is Direction.UP else NEGATIVE
    if not item.evaluable:  # "costs improved", "impairments strengthened" read oddly
        item = rng.choice([i for i in LINE_ITEMS if i.evaluable])
    word = rng.choice(evaluative_words(item, label))
    b = _Builder()
    if rng.random() < 0.7:
        _add_subject(b, rng, item, capital=True)
        b.add(" ").add(word, evidence=True)
        b.add(f" {rng.choice(_PERIODS)}" if rng.random() < 0.6 else "")
    else:
        b.add(f"{_cap(rng.choice(_COMPANIES))} said its ").add(item.name, evidence=True)
        b.add(" ").add(word, evidence=True)
    b.add(" ." if fpb_style else ".")
    text, spans = b.build()
    return Statement(text, label, "evaluative", item.name, spans)


# Noun phrases for expecting (or no longer expecting) something: good or bad news in itself.
_BAD_NEWS = (
    "a loss",
    "an operating loss",
    "a net loss",
    "impairment charges",
    "an impairment charge",
    "write-downs",
    "a goodwill write-down",
    "higher costs",
    "rising costs",
    "higher credit losses",
    "further provisions",
    "restructuring charges",
    "a drop in sales",
    "lower margins",
    "job cuts",
)
_GOOD_NEWS = (
    "a profit",
    "an operating profit",
    "growth in sales",
    "higher revenue",
    "a return to profit",
    "margin improvement",
    "a higher dividend",
    "record orders",
    "lower costs",
    "positive cash flow",
)


def _news_phrase(rng: random.Random, direction: Direction) -> tuple[str, str]:
    """(phrase, its tone): up means good news here."""
    good = direction is Direction.UP
    return rng.choice(_GOOD_NEWS if good else _BAD_NEWS), POSITIVE if good else NEGATIVE


def _negation(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    move = rng.choice(_verbs(item.polarity, direction))
    b = _Builder()
    frame = rng.random()
    label = tone(item.polarity, direction, negated=True)
    named: str | None = item.name
    if frame < 0.2:  # "<item> did not rise in the quarter"
        _add_subject(b, rng, item, capital=True)
        b.add(" ").add(_negated_verb(rng, item, move), evidence=True)
        b.add(
            rng.choice(
                (f" {rng.choice(_PERIODS)}", " in any quarter of the year", f" despite {rng.choice(_PRESSURES)}", "")
            )
        )
    elif frame < 0.3:  # "Neither <item> nor <other> rose"
        other = rng.choice([i for i in ITEMS_BY_POLARITY[item.polarity] if i != item])
        b.add("Neither", evidence=True).add(" ").add(item.name, evidence=True)
        b.add(" ").add("nor", evidence=True).add(" ").add(other.name, evidence=True)
        b.add(" ").add(move.past_for(other), evidence=True).add(f" {rng.choice(_PERIODS)}")
    elif frame < 0.4:  # "<item> showed no sign of rising"
        _add_subject(b, rng, item, capital=True)
        shows = "show" if item.plural else "shows"
        b.add(" ").add(f"{rng.choice(('showed', shows))} no sign of {move.gerund}", evidence=True)
        b.add(f" {rng.choice(_PERIODS)}" if rng.random() < 0.6 else "")
    elif frame < 0.48 and item.polarity is not Polarity.LOSS:  # "<company> did not cut its <item>"
        b.add(f"{_cap(rng.choice(_COMPANIES))} ")
        aux = rng.choice(("did not", "has not", "failed to"))
        verb = rng.choice(_TRANSITIVE_PRESENT[direction])
        b.add(f"{aux} {_TRANSITIVE_PAST[verb] if aux == 'has not' else verb}", evidence=True)
        b.add(" its ").add(item.name, evidence=True).add(f" {rng.choice(_PERIODS)}")
    elif frame < 0.56:  # "<company> no longer expects <item> to rise"
        b.add(f"{_cap(rng.choice(_COMPANIES))} ")
        b.add(rng.choice(("no longer expects", "does not expect", "does not anticipate")), evidence=True)
        b.add(" ").add(item.name, evidence=True).add(" to ").add(move.infinitive, evidence=True)
        b.add(f" {rng.choice(_FUTURE)}")
    elif frame < 0.74:  # "<company> no longer expects a loss" / "does not anticipate growth in sales"
        phrase, news = _news_phrase(rng, direction)
        label = NEGATIVE if news == POSITIVE else POSITIVE
        b.add(f"{_cap(rng.choice(_COMPANIES))} ")
        b.add(
            rng.choice(
                (
                    "no longer expects",
                    "no longer sees",
                    "does not expect",
                    "does not anticipate",
                    "has dropped its forecast of",
                    "ruled out",
                )
            ),
            evidence=True,
        )
        b.add(" ").add(phrase, evidence=True).add(f" {rng.choice(_FUTURE)}")
        named = None  # the phrase names no line item of the lexicon
    elif frame < 0.9:  # "There was no increase in <item>"
        up = direction is Direction.UP
        noun = rng.choice(("increase", "rise", "growth") if up else ("decline", "fall", "drop"))
        b.add(rng.choice(("There was ", "The period saw ", "There has been ", "We saw ")))
        b.add(f"no {noun} in", evidence=True).add(" ").add(item.name, evidence=True)
        b.add(f" {rng.choice(_PERIODS)}")
    else:  # "… without any increase in <item>"
        noun = rng.choice(("increase", "rise")) if direction is Direction.UP else rng.choice(("decline", "drop"))
        b.add(f"{_cap(rng.choice(_COMPANIES))} completed the year ")
        b.add(f"without any {noun} in", evidence=True).add(" ").add(item.name, evidence=True)
    b.add(" ." if fpb_style else ".")
    text, spans = b.build()
    return Statement(text, label, "negation", named, spans)


def _negated_verb(rng: random.Random, item: LineItem, move: Movement) -> str:
    """ "did not rise", "has not risen", "were not reduced": never "did not be reduced"."""
    has = "have not" if item.plural else "has not"
    head, _, rest = move.infinitive.partition(" ")
    if head == "be":  # a passive or "be up": "was not cut", "have not been reduced"
        aux = rng.choice((f"{item.be} not", f"{item.be} never", has))
        return f"{aux} {move.participle if aux == has else rest}"
    aux = rng.choice(("did not", "didn't", "failed to", has, "never"))
    verb = move.participle if aux == has else (move.past_for(item) if aux == "never" else move.infinitive)
    return f"{aux} {verb}"


_PRESSURES = (
    "weaker demand",
    "higher interest rates",
    "the price cuts",
    "a strong currency",
    "the restructuring",
    "the acquisition",
    "inflation",
    "the new competitor",
)
_TRANSITIVE_PRESENT = {
    Direction.UP: ("raise", "increase", "boost", "lift", "grow"),
    Direction.DOWN: ("cut", "reduce", "lower", "trim", "bring down"),
}
_TRANSITIVE_PAST = {
    "raise": "raised",
    "increase": "increased",
    "boost": "boosted",
    "lift": "lifted",
    "grow": "grown",
    "cut": "cut",
    "reduce": "reduced",
    "lower": "lowered",
    "trim": "trimmed",
    "bring down": "brought down",
}


def _news_expectation(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    """ "<company> expects a loss for the year": expecting bad news is bad news."""
    phrase, label = _news_phrase(rng, direction)
    verbs: tuple[str, ...] = ("expects", "forecasts", "now expects", "sees", "anticipates")
    if label == NEGATIVE:  # one warns of bad news only: never "warned of margin improvement"
        verbs += ("warned of",)
    b = _Builder()
    b.add(f"{_cap(rng.choice(_COMPANIES))} ")
    b.add(rng.choice(verbs), evidence=True)
    b.add(" ").add(phrase, evidence=True).add(f" {rng.choice(_FUTURE)}")
    b.add(" ." if fpb_style else ".")
    text, spans = b.build()
    return Statement(text, label, "expectation", None, spans)


def _expectation(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    move = rng.choice(_verbs(item.polarity, direction))
    b = _Builder()
    frame = rng.random()
    if frame < 0.45:
        b.add(f"{_cap(rng.choice(_COMPANIES))} {rng.choice(_EXPECT)} ")
        b.add(item.name, evidence=True).add(" to ").add(move.infinitive, evidence=True)
    elif frame < 0.6:
        b.add(f"{_cap(rng.choice(_COMPANIES))} {rng.choice(('sees', 'anticipates', 'foresees'))} its ")
        b.add(item.name, evidence=True).add(" ").add(move.gerund, evidence=True)
    else:
        b.add(_cap(item.name), evidence=True).add(" ")
        be = "are" if item.plural else "is"
        b.add(
            rng.choice((f"{be} expected to", f"{be} forecast to", f"{be} likely to", "will")) + " " + move.infinitive,
            evidence=True,
        )
    b.add(_movement_clause(rng, item, direction, fpb_style=fpb_style) if rng.random() < 0.5 else "")
    b.add(f" {rng.choice(_FUTURE)}")
    b.add(" ." if fpb_style else ".")
    text, spans = b.build()
    return Statement(text, tone(item.polarity, direction), "expectation", item.name, spans)


def _neutral(rng: random.Random, item: LineItem, direction: Direction, *, fpb_style: bool) -> Statement:
    """A line item with a level but no movement: no tone (FPB labels these neutral)."""
    amount = f"{rng.uniform(0.5, 60):.1f} %" if item.is_ratio else _amount(rng, fpb_style=fpb_style)
    frame = rng.choice(
        (
            "{Item} amounted to {amount} {period}",
            "{Item} totalled {amount} {period}",
            "{Item} {be} {amount} {period}",
            "{Company} will publish its {item} figures for the period on {day}",
            "The report includes a breakdown of {item} by segment",
            "{Company} reports {item} in {cur} and in euros",
        )
    )
    text = frame.format(
        Item=_cap(item.name),
        item=item.name,
        be=item.be,
        amount=amount,
        period=rng.choice(_PERIODS),
        Company=_cap(rng.choice(_COMPANIES)),
        day=rng.choice(("Tuesday", "28 April", "5 August")),
        cur=rng.choice(("SEK", "USD", "GBP")),
    ) + (" ." if fpb_style else ".")
    return Statement(text, "neutral", "neutral", item.name, ())


_MAKERS: dict[str, Callable[..., Statement]] = {
    "movement": _movement,
    "evaluative": _evaluative,
    "negation": _negation,
    "expectation": _expectation,
    "news": _news_expectation,
    "neutral": _neutral,
}
# Share of each kind of statement: under half plain movements, the rest judged, negated or expected.
_MIX = (
    ("movement", 0.42),
    ("evaluative", 0.06),
    ("negation", 0.24),
    ("expectation", 0.12),
    ("news", 0.06),
    ("neutral", 0.10),
)


def generate(n: int, seed: int = 20261129) -> list[Statement]:
    """``n`` distinct statements; polarities and directions balanced, same seed, same rows."""
    rng = random.Random(seed)
    polarities = (Polarity.UP_GOOD, Polarity.UP_GOOD, Polarity.UP_BAD, Polarity.UP_BAD, Polarity.LOSS)
    seen: set[str] = set()
    out: list[Statement] = []
    kinds, weights = zip(*_MIX, strict=True)
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > 50 * n:
            raise RuntimeError(f"could only write {len(out)} distinct statements of {n}")
        kind = rng.choices(kinds, weights)[0]
        item = rng.choice(ITEMS_BY_POLARITY[rng.choice(polarities)])
        direction = rng.choice((Direction.UP, Direction.DOWN))
        statement = _MAKERS[kind](rng, item, direction, fpb_style=rng.random() < 0.5)
        if statement.text not in seen:
            seen.add(statement.text)
            out.append(statement)
    return out


def main(argv: list[str] | None = None) -> None:
    generator_cli(argv, doc=__doc__ or "", generate=generate, n=3000, seed=20261129)


if __name__ == "__main__":
    main()

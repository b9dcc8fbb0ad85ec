"""Training data for what the student reads wrong in real report text: concessive sentences,
negation and hedges, and figures that carry no news.

    python -m finlocal.train.clauses --n 3000 --seed 7 --out runs/data/clauses.jsonl \\
        --fpb ../shared/data/fpb/train.jsonl --ectsum ../shared/data/ectsum/calls \\
        --exclude runs/data/parity.jsonl --exclude tests/fixtures/changes/table.jsonl \\
        --exclude tests/fixtures/changes/holdout.jsonl --exclude tests/fixtures/comparison/comparison.jsonl

Three kinds of rows, one gold-row file (``extra_files`` of a fit config; ``category`` and
``origin`` say what each row is):

- **Written** (``origin = "written"``, ``--n`` of them, seeded): sentences put together from
  hand-written clauses and frames, labelled by construction.

  - ``concession``: a good and a bad fact in one sentence, the *main* clause deciding the label —
    "Although churn ticked up to 1.4 %, net subscriber additions were the highest in three years"
    (positive), "Gross margin improved to 38.5 %, but a steep rise in marketing spend left EBIT
    15 % below the prior year" (negative); the concession first and last ("although", "despite",
    "even though", "while", "but", "however", "yet", "notwithstanding", "partly offset by",
    "more than offset"), each fact worded as a clause and as a noun phrase.
  - ``negation``: release wording where a negation or a hedge turns the tone — "did not meet",
    "could not fully compensate", "is not expected to ease", "did not materialise", "none of …",
    "only two of five …" (negative), "is no longer a drag", "the feared slowdown did not
    materialise", "all but one of …" (positive).
  - ``figures``: statements with figures and no news — credit facilities, guided ranges,
    sensitivities ("would improve by … if rates were to increase by 100 basis points"), dividends
    declared or paid as scheduled, share counts, capital expenditure (also when it rose),
    headcount, descriptions — neutral.
  - ``flat``: results that did not change ("flat at", "unchanged at", "in line with") — neutral.

- **Earnings calls** (``--ectsum``; ``origin = "ectsum:CALL"``): sentences of the ECTSum calls
  that a strict rule labels with certainty (`label_call_sentence`): routine dividend
  declarations, share counts, headcount, guided ranges for capital expenditure, tax rate or
  interest, results stated flat (neutral), "did not fully offset" and "fell short of our
  expectations" / "did not meet our targets" (negative), each without a contrast, a movement or a
  judging word that could turn it. ``--exclude`` leaves out the sentences of other
  files (the parity gate's sentences, the evaluation fixtures).

- **FPB edits** (``--fpb``; ``origin = "fpb"``): FPB training sentences with one concession,
  reordered — "A , but B ." → "Although A , B ." and "Although A , B ." → "B , although A ." —
  keeping their gold label (the main clause stays the main clause), for rows whose annotators
  agreed at 75 % or more. Each carries ``source_id``, the FPB row it was made from, so a
  cross-validation fold run never learns an edit of a row it holds out (`finlocal.train.rows`).

Same arguments, same rows. The clauses, frames and companies were written for this module,
apart from every evaluation set in ``tests/fixtures/``.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from finlocal.jsonl import read_jsonl, write_jsonl
from finlocal.predictions import LABELS
from finlocal.train.folds import match_key

log = logging.getLogger(__name__)

NEGATIVE, NEUTRAL, POSITIVE = LABELS
SOURCE = "finlocal.train.clauses"
DEFAULT_SEED = 20261208


class Category(str, Enum):
    CONCESSION = "concession"
    NEGATION = "negation"
    FIGURES = "figures"
    FLAT = "flat"


# The labels each category is written for (balanced within it).
CATEGORY_LABELS: dict[Category, tuple[str, ...]] = {
    Category.CONCESSION: (POSITIVE, NEGATIVE),
    Category.NEGATION: (NEGATIVE, POSITIVE, NEGATIVE),  # negative wording is what fails most
    Category.FIGURES: (NEUTRAL,),
    Category.FLAT: (NEUTRAL,),
}
# How often each category is drawn, out of 10.
CATEGORY_SHARE: dict[Category, int] = {
    Category.CONCESSION: 4,
    Category.NEGATION: 3,
    Category.FIGURES: 2,
    Category.FLAT: 1,
}


@dataclass(frozen=True)
class Row:
    """One labelled sentence."""

    text: str
    label: str
    category: Category
    origin: str  # "written", "ectsum:CALL" or "fpb"
    frame: str = ""  # the frame or rule that made it
    source_id: str | None = None  # the FPB row an edit was made from: it follows that row's fold

    def to_row(self, index: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": f"clauses-{index:05d}",
            "text": self.text,
            "label": self.label,
            "category": self.category.value,
            "origin": self.origin,
            "frame": self.frame,
            "source": SOURCE,
        }
        if self.source_id is not None:
            row["source_id"] = self.source_id
        return row


# -- slots ----------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(";"))


_COMPANIES = _words(
    "Brightwater Foods; Calder Instruments; Ostrava Glass; Meridian Freight; Tallis Software; Harrowgate Homes; "
    "Penrose Chemicals; Quillon Media; Redfern Mining; Sable Point Energy; Trevance Health; Umbra Semiconductors; "
    "Varga Logistics; Westbury Brewing; Yellowfin Marine; Ashdown Retail; Birchmont Bank; Corvale Telecom; "
    "the group; the company; the bank; the insurer; the retailer; the operator"
)
_PERIODS = _words(
    "in the quarter; in the second quarter; in the fourth quarter; in the first half; for the year; "
    "in the nine-month period; in fiscal 2025; in the three months to September"
)
_PERIOD_NOUN = _words("the quarter; the half-year; the fiscal year; the period; the second quarter")
_PERIOD_END = _words("at the end of the quarter; at 30 June; at year-end; at the balance sheet date; at 31 March")
_WHEN = _words(
    "before year-end; before the second half of 2027; until well into next year; in the coming quarters; "
    "before the spring; this fiscal year"
)
_SEGMENTS = _words(
    "the consumer business; the European segment; the Americas; the wholesale channel; the packaging division; "
    "the Asia-Pacific region; the services unit; the domestic market"
)
_CURRENCIES = ("$", "EUR ", "GBP ", "SEK ", "CHF ")
_DAYS = _words("15 March; 2 May; 30 June; 1 September; 14 November; 12 December")
_YEARS = _words("2026; 2027; 2028; 2029; 2030")


# The slots two facts of one sentence share: one company, period and currency.
_SHARED = ("Co", "period", "period_noun", "period_end", "when", "day", "year", "cur")


def _slots(rng: random.Random, like: dict[str, str] | None = None) -> dict[str, str]:
    """Figures that agree with each other: ``lo`` < ``hi`` (percentages), ``m1`` < ``m2`` < ``m3``
    (money), ``e1`` < ``e2`` (per share), ``chg`` a change in per cent, ``pp`` in points. With
    ``like``, a second fact of the same sentence: its own figures, ``like``'s company, period and
    currency."""
    cur = rng.choice(_CURRENCIES) if like is None else like["cur_prefix"]
    lo = round(rng.uniform(8, 42), 1)
    hi = round(lo + rng.uniform(0.4, 3.5), 1)
    base = rng.uniform(20, 900)
    m1, m2, m3 = sorted(round(base * f) for f in (rng.uniform(0.2, 0.6), rng.uniform(0.7, 0.95), 1.0))
    if m1 == m2 or m2 == m3:
        m2, m3 = m1 + 3, m1 + 7
    e1 = round(rng.uniform(0.1, 3.5), 2)
    e2 = round(e1 + rng.uniform(0.03, 0.9), 2)
    scale = rng.choice(("million", "million", "m", "billion")) if m3 < 100 else rng.choice(("million", "m"))

    def money(value: float) -> str:
        return f"{cur}{value:,}m" if scale == "m" else f"{cur}{value:,} {scale}"

    n_units = rng.randint(4, 9)
    return {
        "Co": rng.choice(_COMPANIES),
        "period": rng.choice(_PERIODS),
        "period_noun": rng.choice(_PERIOD_NOUN),
        "period_end": rng.choice(_PERIOD_END),
        "when": rng.choice(_WHEN),
        "segment": rng.choice(_SEGMENTS),
        "day": rng.choice(_DAYS),
        "year": rng.choice(_YEARS),
        "cur": cur.strip(),
        "cur_prefix": cur,
        "lo": f"{lo}",
        "hi": f"{hi}",
        "chg": rng.choice(("{} %", "{}%", "{} per cent")).format(rng.randint(2, 19)),
        "pp": f"{round(rng.uniform(0.2, 2.8), 1)}",
        "bp": f"{rng.choice((25, 50, 100, 200))}",
        "m1": money(m1),
        "m2": money(m2),
        "m3": money(m3),
        "e1": f"{cur}{e1:.2f}",
        "e2": f"{cur}{e2:.2f}",
        "k": f"{rng.randint(40, 900) * 1000:,}",
        "n": str(n_units),
        "few": rng.choice(("two", "three")),
        "of": rng.choice(("five", "six", "seven", "eight")),
        "staff": f"{rng.randint(120, 48000):,}",
        "staff2": f"{rng.randint(120, 48000):,}",
        "shares": f"{round(rng.uniform(20, 2400), 1):,}",
        "churn_lo": f"{round(rng.uniform(0.8, 1.6), 1)}",
        "churn_hi": f"{round(rng.uniform(1.7, 2.6), 1)}",
        **({k: like[k] for k in _SHARED} if like is not None else {}),
    }


# -- the facts of a concessive sentence: (clause, noun phrase) ----------------------------------

_GOOD = (
    ("net sales rose {chg} to {m3}", "a {chg} rise in net sales"),
    ("gross margin improved to {hi} % from {lo} %", "a gross margin of {hi} %, up from {lo} %"),
    ("order intake grew {chg}", "{chg} growth in order intake"),
    ("net subscriber additions of {k} were the highest in three years", "record net subscriber additions of {k}"),
    ("operating expenses fell {chg}", "a {chg} reduction in operating expenses"),
    ("net debt was reduced by {m1}", "a {m1} reduction in net debt"),
    ("free cash flow more than doubled to {m2}", "a doubling of free cash flow to {m2}"),
    ("the order backlog reached a record {m3}", "a record order backlog of {m3}"),
    ("comparable store sales increased {chg}", "comparable store sales growth of {chg}"),
    ("credit losses declined to {m1} from {m2}", "lower credit losses"),
    ("earnings per share rose to {e2} from {e1}", "higher earnings per share of {e2}"),
    ("volumes recovered in {segment}", "a recovery of volumes in {segment}"),
    ("the operating loss narrowed to {m1} from {m2}", "a narrower operating loss"),
    ("market share increased by {pp} percentage points", "market share gains of {pp} points"),
    ("operating profit improved to {m2} from {m1}", "an improvement in operating profit to {m2}"),
    ("cost savings of {m1} were delivered ahead of plan", "cost savings of {m1} delivered ahead of plan"),
    ("the EBITDA margin widened to {hi} %", "a wider EBITDA margin of {hi} %"),
    ("churn fell to {churn_lo} % from {churn_hi} %", "lower churn of {churn_lo} %"),
)
_BAD = (
    ("churn ticked up to {churn_hi} %", "a rise in churn to {churn_hi} %"),
    ("marketing spend rose steeply", "a steep rise in marketing spend"),
    ("raw material costs rose {chg}", "a {chg} increase in raw material costs"),
    ("net sales declined {chg}", "a {chg} decline in net sales"),
    ("gross margin narrowed to {lo} % from {hi} %", "a lower gross margin of {lo} %"),
    ("EBIT was {chg} below the prior year", "a {chg} drop in EBIT"),
    ("currency effects reduced revenue by {m1}", "adverse currency effects of {m1}"),
    ("impairment charges of {m1} were booked", "impairment charges of {m1}"),
    ("order intake slowed", "slower order intake"),
    ("the net loss widened to {m2} from {m1}", "a wider net loss of {m2}"),
    ("freight costs doubled", "doubled freight costs"),
    ("demand in {segment} weakened", "weaker demand in {segment}"),
    ("restructuring costs of {m1} weighed on the result", "restructuring costs of {m1}"),
    ("provisions for credit losses increased to {m2} from {m1}", "higher provisions for credit losses"),
    ("operating profit fell to {m1} from {m2}", "a drop in operating profit to {m1}"),
    ("earnings per share slipped to {e1} from {e2}", "lower earnings per share of {e1}"),
    ("net debt rose to {m3}", "an increase in net debt to {m3}"),
    ("the operating margin contracted by {pp} points", "a {pp}-point contraction in the operating margin"),
)

# Concessive frames: {Xc}/{Xn} the conceded fact (clause / noun phrase), {Yc}/{Yn} the main one.
_CONCESSION_FRAMES = (
    "Although {Xc}, {Yc}.",
    "Even though {Xc}, {Yc}.",
    "While {Xc}, {Yc}.",
    "Despite {Xn}, {Yc}.",
    "In spite of {Xn}, {Yc}.",
    "Notwithstanding {Xn}, {Yc}.",
    "{Xc}, but {Yc}.",
    "{Xc}; however, {Yc}.",
    "{Xc}, yet {Yc}.",
    "{Period}, {Xc}, but {Yc}.",
    "{Yc}, although {Xc}.",
    "{Yc} despite {Xn}.",
    "{Yc}, even though {Xc}.",
    "{Yc}, in spite of {Xn}.",
    "{Yc}, notwithstanding {Xn}.",
    "{Yc} {period}, only partly offset by {Xn}.",
    "{Yn} more than offset {Xn} {period}.",
    "The effect of {Xn} was more than offset by {Yn}.",
    '"Although {Xc}, {Yc}," said {Co}\'s chief executive.',
    "{Co} said that {Yc}, although {Xc}.",
)


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit() or ch in "$":
            return text
    return text


def _fill(template: str, slots: dict[str, str]) -> str:
    return string.Formatter().vformat(template, (), slots)


Fact = tuple[str, str]  # (clause, noun phrase)


def concede(frame: str, main: Fact, conceded: Fact, slots: dict[str, str]) -> str:
    """``frame`` with ``main`` as its main clause and ``conceded`` as the conceded one."""
    parts = {
        **slots,
        "Xc": conceded[0],
        "Xn": conceded[1],
        "Yc": main[0],
        "Yn": main[1],
        "Period": _capitalise(slots["period"]),
    }
    return _capitalise(_fill(frame, parts))


def concession(rng: random.Random, label: str, frame: str | None = None) -> Row:
    """A sentence with a good and a bad fact whose main clause is good (``positive``) or bad."""
    slots = _slots(rng)
    other = _slots(rng, like=slots)  # the conceded fact's own figures
    good, bad = rng.choice(_GOOD), rng.choice(_BAD)
    main, conceded = (good, bad) if label == POSITIVE else (bad, good)
    frame = frame or rng.choice(_CONCESSION_FRAMES)
    text = concede(
        frame,
        (_fill(main[0], slots), _fill(main[1], slots)),
        (_fill(conceded[0], other), _fill(conceded[1], other)),
        slots,
    )
    return Row(text, label, Category.CONCESSION, "written", frame)


# -- negation and hedges -------------------------------------------------------------------------

_TARGETS = _words(
    "full-year revenue target; margin target of {hi} %; guidance for the year; organic growth target of {chg}; "
    "cost savings target of {m2}; synergy target"
)
_PRESSURES = _words(
    "the pricing pressure seen in the third quarter; the weakness in {segment}; cost inflation; the destocking "
    "at our distributors; the slowdown in new orders; market uncertainty; the squeeze on margins"
)
_UNITS = _words("new stores; acquired businesses; launches; new plants; regional hubs; pilot projects")
_HEADWINDS = _words(
    "currency; the loss-making contract in {segment}; the legacy portfolio; higher energy costs; the product recall"
)
_GOOD_ITEMS = _words("margins; reported growth; earnings; operating profit; cash flow; the order book")

_NEGATION_FRAMES: dict[str, tuple[str, ...]] = {
    NEGATIVE: (
        "{Co} did not meet its {target} {period}.",
        "Net sales of {m2} did not meet the {m3} the company had guided for.",
        "Higher volumes could not fully compensate for the price erosion, and net sales were {chg} lower than a year "
        "earlier.",
        "Cost savings could not fully offset {bad_n} {period}.",
        "Price increases were not enough to offset {bad_n}, and {bad_c}.",
        "Management does not expect {pressure} to ease {when}.",
        "{Pressure} is not expected to ease {when}.",
        "{Co} does not expect demand in {segment} to recover {when}.",
        "The expected recovery in {segment} did not materialise {period}.",
        "The anticipated synergies of {m1} did not materialise.",
        "None of the {n} {units} reached break-even {period}.",
        "Only {few} of {of} {units} were completed on schedule.",
        "Only {few} of the {n} {units} were profitable {period}.",
        "The merger did not close as planned, and the break fee of {m1} was expensed in the quarter.",
        "{Co} was not able to pass the higher {cost} on to customers, and {bad_c}.",
        "The board will not propose a dividend for {year}.",
        "{Co} no longer expects to reach its {target} in {year}.",
        "The price increases did not hold, and {bad_c}.",
        "Demand has not recovered from last year's levels, and {bad_c}.",
        "No improvement in {segment} is expected {when}.",
        "{Co} could not repeat last year's record result: {bad_c}.",
        "We have not seen the turnaround in {segment} that we expected, and {bad_c}.",
        "Visibility remains poor, and we do not rule out further impairments {when}.",
        "{Good_item_cap} did not improve {period}, as {bad_c}.",
    ),
    POSITIVE: (
        "{Headwind_cap} is no longer a drag on {good_item}.",
        "{Headwind_cap} no longer weighs on {good_item}, and {good_c}.",
        "The feared slowdown in {segment} did not materialise, and {good_c}.",
        "The expected cost inflation did not materialise {period}.",
        "None of the {n} business areas reported lower sales {period}.",
        "{Co} no longer expects a loss for {year}.",
        "Higher costs did not prevent {Co} from lifting its margin to {hi} %.",
        "There were no impairment charges in {period_noun}, compared with {m1} a year earlier.",
        "Management does not expect {pressure} to continue into {year}.",
        "We do not expect the one-off costs of {m1} to recur, and {good_c}.",
        "All but one of the {n} {units} were profitable {period}.",
        "Not one of our top {n} customers was lost {period}, and {good_c}.",
        "The strike did not disrupt deliveries, and {good_c}.",
        "{Co} no longer sees {pressure} weighing on {good_item}.",
        "Unlike last year, {headwind} did not hit {good_item}, and {good_c}.",
    ),
}
_COSTS = _words("input costs; energy costs; wage costs; freight rates")


def negation(rng: random.Random, label: str, frame: str | None = None) -> Row:
    """Release wording in which a negation or a hedge decides the tone."""
    slots = _slots(rng)
    other = _slots(rng, like=slots)  # the figures of the clause that follows the negation
    good, bad = rng.choice(_GOOD), rng.choice(_BAD)
    pressure = _fill(rng.choice(_PRESSURES), slots)
    headwind = _fill(rng.choice(_HEADWINDS), slots)
    good_item = rng.choice(_GOOD_ITEMS)
    parts = {
        **slots,
        "target": _fill(rng.choice(_TARGETS), slots),
        "pressure": pressure,
        "Pressure": _capitalise(pressure),
        "units": rng.choice(_UNITS),
        "cost": rng.choice(_COSTS),
        "headwind": headwind,
        "Headwind_cap": _capitalise(headwind),
        "good_item": good_item,
        "Good_item_cap": _capitalise(good_item),
        "good_c": _fill(good[0], other),
        "bad_c": _fill(bad[0], other),
        "bad_n": _fill(bad[1], other),
    }
    frame = frame or rng.choice(_NEGATION_FRAMES[label])
    return Row(_capitalise(_fill(frame, parts)), label, Category.NEGATION, "written", frame)


# -- figures without news, and flat results: neutral ----------------------------------------------

_FIGURES_FRAMES = (
    # facilities
    "{Co} has a {m3} revolving credit facility maturing in {year}, of which {m2} was undrawn {period_end}.",
    "{Period_end_cap}, {Co} had {m2} available under its committed credit facilities.",
    "The {m1} term loan carries a floating rate of {lo} % and matures in {year}.",
    "{Co} signed a {m3} sustainability-linked credit facility with a group of six banks.",
    # ranges
    "Capital expenditure for {year} is expected to be in the range of {m1} to {m2}.",
    "The effective tax rate is expected to be between {lo} % and {hi} % for the full year.",
    "Depreciation and amortisation is expected to be {m1} to {m2} for the year.",
    "Interest expense for {year} is expected to be approximately {m1}.",
    # sensitivities
    "A 10 % increase or decrease in interest rates would not be material to our interest expense.",
    "Net interest income would change by approximately {m1} if interest rates were to increase by {bp} basis points.",
    "Net interest income would likely improve by {m1} over twelve months if interest rates were to increase by "
    "{bp} basis points.",
    "A 10 % strengthening of the US dollar would reduce operating profit by about {m1}.",
    "A one percentage point change in the discount rate would change the pension obligation by {m1}.",
    # dividends as scheduled
    "The dividend of {e1} per share was paid on {day} as resolved by the annual general meeting.",
    "The board declared a regular quarterly dividend of {e1} per share, payable on {day} to shareholders of record.",
    "The annual general meeting approved the board's proposal of a dividend of {e1} per share.",
    "The second instalment of the dividend, {e1} per share, will be paid on {day}.",
    # share counts
    "The number of shares outstanding {period_end} was {shares} million.",
    "Diluted weighted average shares outstanding were {shares} million {period}.",
    "{Co} holds {k} treasury shares, representing {pp} % of the share capital.",
    "During {period_noun}, {Co} repurchased {k} shares under the programme announced in February.",
    # capital expenditure
    "Capital expenditure totalled {m1} in {period_noun}.",
    "Capital expenditures totaled {m2} for the year, up {m1} over {year}.",
    "Investments in property, plant and equipment amounted to {m1} ({m2}).",
    "Capital expenditures were {m1}, compared with {m2} in the prior-year period.",
    # headcount
    "{Period_end_cap}, the group had {staff} employees ({staff2}).",
    "The average number of personnel {period} was {staff}.",
    "Headcount was {staff} at the end of the quarter, compared with {staff2} a year earlier.",
    # descriptions
    "The plant has an annual capacity of {k} tonnes and employs {staff} people.",
    "{Segment_cap} accounted for {lo} % of group net sales {period}.",
    "{Co} operates {staff} stores in {n} countries.",
    "The contract runs until {year} and covers maintenance of {n} vessels.",
    "Sales in {segment} amounted to {m2}, or {hi} % of the total.",
    "Of the total, {m1} relates to goodwill and {m2} to customer relationships.",
)
_FLAT_FRAMES = (
    "Net sales were flat at {m2}.",
    "Operating profit was unchanged at {m1} ({m1}).",
    "Comparable sales were in line with the prior year at {m2}.",
    "Earnings per share of {e1} were level with the same period last year.",
    "Gross margin was stable at {hi} % ({hi} %).",
    "Net interest income was essentially flat year over year at {m2}.",
    "Organic growth was 0 % {period}.",
    "Revenue of {m2} was virtually unchanged from a year earlier.",
    "{Co}'s order intake remained at the previous year's level of {m3}.",
    "The operating margin was {hi} %, the same as a year ago.",
    "Net sales {period} were {m2}, flat compared with the prior-year period.",
    "EBITDA was {m2}, in line with last year.",
    "Like-for-like sales were unchanged {period}.",
    "The cost-to-income ratio held steady at {lo} %.",
    "{Co} reported net sales of {m3}, on a par with the previous year.",
)


def neutral(rng: random.Random, category: Category, frame: str | None = None) -> Row:
    """A statement with figures and no news (``figures``), or a result that did not change (``flat``)."""
    slots = _slots(rng)
    frames = _FIGURES_FRAMES if category is Category.FIGURES else _FLAT_FRAMES
    frame = frame or rng.choice(frames)
    parts = {
        **slots,
        "Period_end_cap": _capitalise(slots["period_end"]),
        "Segment_cap": _capitalise(slots["segment"]),
    }
    return Row(_capitalise(_fill(frame, parts)), NEUTRAL, category, "written", frame)


def frames(category: Category, label: str) -> tuple[str, ...]:
    """The hand-written frames a (category, label) draws from."""
    if category is Category.CONCESSION:
        return _CONCESSION_FRAMES
    if category is Category.NEGATION:
        return _NEGATION_FRAMES[label]
    return _FIGURES_FRAMES if category is Category.FIGURES else _FLAT_FRAMES


def make(rng: random.Random, category: Category, label: str, frame: str | None = None) -> Row:
    """One written sentence of ``category`` for ``label``."""
    if label not in CATEGORY_LABELS[category]:
        raise ValueError(f"category {category.value!r} has labels {CATEGORY_LABELS[category]}, not {label!r}")
    if category is Category.CONCESSION:
        return concession(rng, label, frame)
    if category is Category.NEGATION:
        return negation(rng, label, frame)
    return neutral(rng, category, frame)


def generate(n: int, seed: int = DEFAULT_SEED) -> list[Row]:
    """``n`` distinct written sentences, categories in their shares and labels balanced within
    each; same seed, same rows."""
    rng = random.Random(seed)
    wheel = [c for c, share in CATEGORY_SHARE.items() for _ in range(share)]
    plan = []
    seen_in: dict[Category, int] = {}
    for i in range(n):
        category = wheel[i % len(wheel)]
        k = seen_in.get(category, 0)
        seen_in[category] = k + 1
        labels = CATEGORY_LABELS[category]
        plan.append((category, labels[k % len(labels)]))
    rng.shuffle(plan)
    seen: set[str] = set()
    out: list[Row] = []
    for category, label in plan:
        for _ in range(200):
            row = make(rng, category, label)
            if match_key(row.text) not in seen:
                break
        else:
            raise RuntimeError(f"could only write {len(out)} distinct sentences of {n} ({category.value}, {label})")
        seen.add(match_key(row.text))
        out.append(row)
    return out


# -- earnings-call sentences a rule labels with certainty -----------------------------------------

# Words of judgement and of the pandemic: a sentence with one is not plainly neutral.
_JUDGING = (
    r"pleased|proud|happy|glad|excited|encourag\w*|disappoint\w*|challeng\w*|difficult|tough|great|solid|"
    r"excellent|robust|healthy|pressure\w*|headwind\w*|tailwind\w*|unfortunately|covid\w*|coronavirus|pandemic|"
    r"restor\w*|reinstat\w*|return\w*|matching|despite|impact\w*|revis\w*|soft\w*|sharp\w*|rebound\w*|"
    r"recover\w*|benefit\w*|hurt|favou?rabl\w*|unfavou?rabl\w*|advers\w*|negative\w*|positive\w*"
)
# Anything that could turn a neutral statement into news, or a clause into a concession.
_TURNS = re.compile(
    r"\b(but|while|whereas|although|though|despite|however|offset|increas\w*|decreas\w*|grow\w*|grew|declin\w*|"
    r"rose|rise|fell|fall\w*|drop\w*|up|down|higher|lower|improv\w*|better|worse|record|strong\w*|weak\w*|"
    r"compared|versus|vs|reduc\w*|rais\w*|cut|suspend\w*|resum\w*|initiat\w*|special|first|double\w*|"
    r"expand\w*|doubl\w*|hike|boost\w*|sequential\w*|year-over-year|year-on-year|prior|last|" + _JUDGING + r")\b",
    re.IGNORECASE,
)
_FLAT_TURNS = re.compile(
    r"\b(but|while|whereas|although|though|despite|however|offset|increas\w*|decreas\w*|grow\w*|grew|declin\w*|"
    r"rose|fell|drop\w*|higher|lower|improv\w*|better|worse|record|strong\w*|weak\w*|expect\w*|guid\w*|"
    r"outlook|forecast\w*|plan\w*|should|would|could|may|might|to be flat|except|excluding|other than|"
    r"if|up|down|" + _JUDGING + r")\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?|^(and|so|but|or|yes|no|okay|ok|well|um|uh)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    label: str
    category: Category
    turns: re.Pattern[str] | None  # a sentence this matches is left out


_CALL_RULES = (
    _Rule(
        "dividend declared",
        re.compile(
            r"\b(declared|approved)\b[^.]{0,60}\b(regular|quarterly)\b[^.]{0,40}\bdividend of \$\d+(\.\d+)? per "
            r"(common )?share\b",
            re.IGNORECASE,
        ),
        NEUTRAL,
        Category.FIGURES,
        _TURNS,
    ),
    _Rule(
        "share count",
        re.compile(
            r"\b(diluted )?(weighted[- ]average )?(share count|shares outstanding)\b[^.]{0,40}\b(was|were|of|"
            r"totaled|totalled)\b[^.]{0,30}\d",
            re.IGNORECASE,
        ),
        NEUTRAL,
        Category.FIGURES,
        _TURNS,
    ),
    _Rule(
        "headcount",
        re.compile(
            r"\bwe (had|have|employ|employed)\b (approximately |about |roughly |over |more than |nearly )?"
            r"[\d,]+ (employees|associates|team members|people)\b",
            re.IGNORECASE,
        ),
        NEUTRAL,
        Category.FIGURES,
        _TURNS,
    ),
    _Rule(
        "guided range",
        re.compile(
            r"\b(capital expenditures?|capex|(effective )?tax rate|interest expense|depreciation and amortization|"
            r"D&A)\b[^.]{0,60}\b(range of|between)\b[^.]{0,10}(\$|\d)",
            re.IGNORECASE,
        ),
        NEUTRAL,
        Category.FIGURES,
        _TURNS,
    ),
    _Rule(
        "flat",
        re.compile(
            r"\b(was|were|remained|came in|is|are)\b (essentially |relatively |roughly |basically )?"
            r"(flat|unchanged)\b",
            re.IGNORECASE,
        ),
        NEUTRAL,
        Category.FLAT,
        _FLAT_TURNS,
    ),
    _Rule(
        "fell short",
        re.compile(
            r"\b(fell|falls|fall|came in) short of (our|the|its|their) (\w+ )?(expectations?|estimates?|targets?|"
            r"guidance|plan|forecast|goals?)\b|\b(did not|didn't) (meet|reach|achieve) (our|the|its|their) (\w+ )?"
            r"(expectations?|targets?|guidance|goals?|plan)\b",
            re.IGNORECASE,
        ),
        NEGATIVE,
        Category.NEGATION,
        re.compile(
            r"\b(but|while|although|though|however|despite|pleased|offset\w*|exceed\w*|better|will|next|expect to|"
            r"improv\w*|recover\w*|benefit\w*|favou?rabl\w*)\b",
            re.IGNORECASE,
        ),
    ),
    _Rule(
        "not fully offset",
        re.compile(
            r"\b((did|could|does|do|was|were|has|have) not|didn't|couldn't|wasn't|weren't) (fully |completely )?"
            r"(offset|compensate)\b|\bnot (enough|sufficient) to offset\b",
            re.IGNORECASE,
        ),
        NEGATIVE,
        Category.NEGATION,
        re.compile(
            r"\b(but|while|although|though|however|despite|expect\w*|will|would|next|improv\w*|better|benefit\w*)\b",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class CallLabel:
    label: str
    category: Category
    rule: str


def label_call_sentence(text: str) -> CallLabel | None:
    """The label a strict rule gives an earnings-call sentence, or None when no rule is certain:
    a question or a filler opening, or a word that could turn the statement, leaves it out."""
    text = text.strip()
    if _QUESTION.search(text) or not 7 <= len(text.split()) <= 45 or not text[:1].isupper():
        return None  # a question, a filler opening, a fragment of a split sentence
    found = None
    for rule in _CALL_RULES:
        if rule.pattern.search(text):
            if found is not None or (rule.turns is not None and rule.turns.search(text)):
                return None  # two rules, or a word that could turn it: not certain
            found = CallLabel(rule.label, rule.category, rule.name)
    return found


def call_rows(calls_dir: Path, *, exclude: Iterable[str] = ()) -> list[Row]:
    """Every sentence of the calls under ``calls_dir`` that `label_call_sentence` labels, once
    (by text), none in ``exclude`` (`match_key` forms), in file order."""
    files = sorted(Path(calls_dir).rglob("*.txt"))
    seen = set(exclude)
    out = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            text = line.strip()
            found = label_call_sentence(text)
            key = match_key(text)
            if found is None or key in seen:
                continue
            seen.add(key)
            out.append(Row(text, found.label, found.category, f"ectsum:{path.stem}", found.rule))
    return out


# -- FPB sentences with one concession, reordered ------------------------------------------------

_CONNECTORS = re.compile(r"\b(although|though|while|whereas|despite|however|but|yet|even though)\b", re.IGNORECASE)
# Words that start a sentence and stay lower case inside one (proper nouns keep their capital).
_LOWERABLE = frozenset(
    "the a an its their our net operating sales profit revenue revenues demand prices costs it this these in "
    "during order orders earnings margin margins comparable pre-tax pretax turnover volumes shares".split()
)
_BUT = re.compile(r"^(?P<a>[^,]+(?:,[^,]+)?) , but (?P<b>.+?) \.$")
_ALTHOUGH = re.compile(r"^Although (?P<a>[^,]+) , (?P<b>.+?) \.$")
FPB_MIN_AGREEMENT = 75


def _lower_first(text: str) -> str:
    first, _, rest = text.partition(" ")
    return f"{first.lower()} {rest}" if first.lower() in _LOWERABLE else text


def reorder_concession(text: str) -> tuple[str, str] | None:
    """An FPB sentence with one concession, reordered so that its main clause stays the main
    clause: "A , but B ." → "Although A , B ."; "Although A , B ." → "B , although A .". None
    when the sentence has another connector, or the first word cannot be lower-cased safely."""
    if len(_CONNECTORS.findall(text)) != 1:
        return None
    if m := _BUT.match(text):
        a, b = m["a"], m["b"]
        lowered = _lower_first(a)
        if lowered == a and not a[:1].isupper():
            return None
        return f"Although {lowered} , {b} .", "but → although"
    if m := _ALTHOUGH.match(text):
        a, b = m["a"], m["b"]
        if not b[:1].isalpha():
            return None
        return f"{_capitalise(b)} , although {a} .", "although first → last"
    return None


def fpb_rows(path: Path, *, min_agreement: int = FPB_MIN_AGREEMENT) -> list[Row]:
    """The reordered concessions of FPB's rows (annotator agreement ≥ ``min_agreement``), each
    keeping its gold label and carrying its row's id as ``source_id``."""
    out = []
    for _, row in read_jsonl(path, required=("id", "text", "label")):
        agreement = row.get("agreement")
        if agreement is None or int(agreement) < min_agreement:
            continue
        reordered = reorder_concession(row["text"])
        if reordered is not None:
            text, rule = reordered
            out.append(Row(text, row["label"], Category.CONCESSION, "fpb", rule, source_id=str(row["id"])))
    return out


# -- the command line --------------------------------------------------------------------------


def excluded_keys(paths: Sequence[Path]) -> set[str]:
    """The `match_key` forms of every ``text`` in ``paths``."""
    return {match_key(row["text"]) for path in paths for _, row in read_jsonl(path, required=("text",))}


def build(
    n: int,
    seed: int = DEFAULT_SEED,
    *,
    fpb: Path | None = None,
    ectsum: Path | None = None,
    exclude: Sequence[Path] = (),
) -> list[Row]:
    """The written rows, then the calls' and FPB's; a text never twice, none of ``exclude``."""
    banned = excluded_keys(exclude)
    rows = [r for r in generate(n, seed) if match_key(r.text) not in banned]
    seen = {match_key(r.text) for r in rows} | banned
    if ectsum is not None:
        found = call_rows(ectsum, exclude=seen)
        seen |= {match_key(r.text) for r in found}
        rows.extend(found)
    if fpb is not None:
        for row in fpb_rows(fpb):
            if match_key(row.text) not in seen:
                seen.add(match_key(row.text))
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="written sentences (default 3000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fpb", type=Path, help="FPB's training portion: add its reordered concessions")
    parser.add_argument("--ectsum", type=Path, help="the ECTSum calls folder: add the sentences a rule labels")
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="leave out the texts of this JSONL (repeatable)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = build(args.n, args.seed, fpb=args.fpb, ectsum=args.ectsum, exclude=args.exclude)
    write_jsonl(args.out, (row.to_row(i) for i, row in enumerate(rows)))
    counts: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row.origin.split(":")[0], row.category.value, row.label)
        counts[key] = counts.get(key, 0) + 1
    for (origin, category, label), count in sorted(counts.items()):
        log.info("%-8s %-11s %-9s %5d", origin, category, label, count)
    log.info("%d rows -> %s", len(rows), args.out)


if __name__ == "__main__":
    main()

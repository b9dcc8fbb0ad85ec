"""The metric-polarity lexicon: which way is good news for a financial line item.

One copy, used at run time by the metric-change reader (`finlocal.changes`) and at training time
by the direction data (`finlocal.train.statements`, `finlocal.train.counterfactual`).

An analyst reads "net debt fell" as good news and "costs rose" as bad news; a model that keys on
direction words alone reads both the other way round. This module holds what the training data
needs to teach the difference:

- `LINE_ITEMS`: line items with their polarity (`Polarity.UP_GOOD`: revenue, profit, margins,
  order intake, cash flow, market share …; `Polarity.UP_BAD`: costs, expenses, net debt,
  leverage, impairments, provisions, credit losses, non-performing loans, churn, write-downs …;
  `Polarity.LOSS`: losses, which narrow or widen).
- `UP_WORDS` / `DOWN_WORDS`: movement words and the inflections the generators use.
- `tone`: the rule. Up on an up-good item is positive, up on an up-bad item (or a loss) is
  negative, down the other way round; a negation ("did not rise", "no longer expects") flips it.

The lexicon is curated by hand (the sources are ordinary analyst usage: IFRS line items, bank
asset-quality terms, subscription metrics); `finlocal.train.statements` and
`finlocal.train.counterfactual` label what they write with `tone`, and `find_mentions` locates
an item and a movement in a real sentence for counterfactual edits and evidence spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

POSITIVE, NEGATIVE = "positive", "negative"


class Polarity(str, Enum):
    """Which movement of a line item is good news."""

    UP_GOOD = "up_good"
    UP_BAD = "up_bad"
    LOSS = "loss"  # a loss: up (widening) is bad, down (narrowing) is good


class Direction(str, Enum):
    """Which way something moved: up or down (the movement words, `tone`), and for a change the
    metric-change reader states also unchanged, a loss that narrowed, widened, or crossed zero,
    and guidance withdrawn (`finlocal.changes`)."""

    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"
    LOSS_NARROWED = "loss_narrowed"
    LOSS_WIDENED = "loss_widened"
    LOSS_TO_PROFIT = "loss_to_profit"
    PROFIT_TO_LOSS = "profit_to_loss"
    WITHDRAWN = "withdrawn"  # guidance withdrawn or suspended


@dataclass(frozen=True)
class LineItem:
    """A financial line item: its name, its polarity and the group it belongs to."""

    name: str
    polarity: Polarity
    group: str
    plural: bool = False  # "costs rose" vs "revenue rose"

    @property
    def is_ratio(self) -> bool:
        """A ratio or rate moves in percentage points, not in currency ("market share" is one;
        "earnings per share" is not)."""
        return _RATIO_RE.search(self.name) is not None

    @property
    def unit(self) -> str:
        """What the item's figures are: "ratio" (percent, points), "count" (customers, units) or
        "money"; a counterfactual swap must keep it, or the figures stop making sense."""
        if self.is_ratio:
            return "ratio"
        return "count" if self.name in _COUNTS else "money"

    @property
    def evaluable(self) -> bool:
        """Whether "improved" / "worsened" read naturally of the item: anything good in itself,
        a ratio (a cost-to-income ratio improves) and a loss; never "costs improved"."""
        return self.polarity is not Polarity.UP_BAD or self.is_ratio

    @property
    def be(self) -> str:
        """The past of "be" agreeing with the item: "costs were", "revenue was"."""
        return "were" if self.plural else "was"


_RATIO_RE = re.compile(
    r"\b(ratios?|rates?|margins?|market share|category share|utilisation|return on|leverage|gearing|cost of risk|"
    r"load factor|occupancy|persistency|penetration|ROIC|ROFE|ROCE|ROE|ROTE|ROA|CET1)\b"
)
_COUNTS = frozenset(
    {
        "customer base",
        "subscriber base",
        "number of customers",
        "passenger numbers",
        "deliveries",
        "production volumes",
        "sales volumes",
        "subscriber losses",
        "customer attrition",
        "churn",
        "customer churn",
        "days sales outstanding",
        "DSO",
        "subscribers",
        "net additions",
        "net adds",
        "inventory days",
        "days inventory outstanding",
        "DIO",
        "passengers",
        "shipments",
        "carloadings",
        "carloads",
        "ton-miles",
        "gross ton-miles",
        "revenue ton-miles",
        "active accounts",
        "mobile subscriptions",
        "new contracts",
        "case volume",
        "case volumes",
    }
)
# Items that take a plural verb ("net sales were", "impairments have"), flagged one by one.
_PLURAL = frozenset(
    {
        "net sales",
        "sales",
        "comparable sales",
        "like-for-like sales",
        "organic sales",
        "earnings",
        "new orders",
        "bookings",
        "orders received",
        "passenger numbers",
        "deliveries",
        "premiums written",
        "assets under management",
        "production volumes",
        "sales volumes",
        "costs",
        "operating costs",
        "operating expenses",
        "production costs",
        "raw material costs",
        "personnel costs",
        "administrative expenses",
        "energy costs",
        "freight costs",
        "input costs",
        "fixed costs",
        "expenses",
        "distribution costs",
        "labour costs",
        "restructuring costs",
        "financing costs",
        "interest expenses",
        "SG&A expenses",
        "unit costs",
        "overheads",
        "staff costs",
        "borrowings",
        "impairment charges",
        "impairments",
        "goodwill impairments",
        "write-downs",
        "write-offs",
        "inventory write-downs",
        "asset write-downs",
        "provisions",
        "loan loss provisions",
        "credit losses",
        "credit impairment charges",
        "expected credit losses",
        "bad debt expenses",
        "non-performing loans",
        "loan impairments",
        "delinquencies",
        "default rates",
        "subscriber losses",
        "days sales outstanding",
        "revenues",
        "net revenues",
        "total revenues",
        "same-store sales",
        "comparable store sales",
        "net earnings",
        "net charge-offs",
        "charge-offs",
        "non-performing assets",
        "nonperforming assets",
        "R&D expenses",
        "margins",
        "impairment losses",
        "cargo volumes",
        "passenger volumes",
        "average selling prices",
        "subscription billings",
        "billings",
        "cash and cash equivalents",
        "nonperforming loans",
        "restructuring charges",
        "net loan losses",
        "loan losses",
        "NPLs",
        "net additions",
        "net adds",
        "subscribers",
        "deposits",
        "loans",
        "total loans",
        "total deposits",
        "volumes",
        "gross written premiums",
        "written premiums",
        "net written premiums",
        "earned premiums",
        "net earned premiums",
        "net premiums earned",
        "reserve releases",
        "prior-year reserve releases",
        "gains on disposals",
        "gains on sale of investments",
        "fuel costs",
        "cash flows from operating activities",
        "inventory days",
        "research and development expenses",
        "selling, general and administrative expenses",
        "general and administrative expenses",
        "selling expenses",
        "marketing expenses",
        "costs and expenses",
        "passengers",
        "shipments",
        "carloadings",
        "carloads",
        "ton-miles",
        "gross ton-miles",
        "revenue ton-miles",
        "originations",
        "loan originations",
        "mobile subscriptions",
        "new contracts",
        "active accounts",
        "case volumes",
        "premiums",
        "loan fees",
        "cash balances",
        "loan receivables",
        "professional fees",
        "legal fees",
        "audit fees",
        "filing fees",
        "listing fees",
        "consulting fees",
        "legal and professional fees",
        "commodity costs",
        "deposit costs",
        "funding costs",
        "selling and administrative expenses",
        "distribution expenses",
        "corporate expenses",
        "G&A expenses",
        "RPOs",
        "cash and investments",
        "remaining performance obligations",
        "net signed contracts",
        "signed contracts",
        "catastrophe losses",
        "cat losses",
        "profits",
        "gross profits",
        "operating profits",
        "net profits",
        "pre-tax profits",
        "pretax profits",
        "fuel prices",
        "energy prices",
        "input prices",
        "raw material prices",
        "orders",
        "fill rates",
        "cash flows from operations",
        "compensation and benefits",
        "auto rates",
        "casualty rates",
        "renewal rates",
        "premium rates",
        "workers' compensation rates",
    }
)


def _items(polarity: Polarity, group: str, names: str, sep: str = ",") -> list[LineItem]:
    return [LineItem(n, polarity, group, n in _PLURAL) for n in (n.strip() for n in names.split(sep)) if n]


G, B, L = Polarity.UP_GOOD, Polarity.UP_BAD, Polarity.LOSS

LINE_ITEMS: tuple[LineItem, ...] = tuple(
    _items(
        G,
        "revenue",
        "revenue, net sales, turnover, sales, comparable sales, like-for-like sales, "
        "organic sales, service revenue, subscription revenue, top line, group revenue, revenues, net revenues, "
        "total revenue, total revenues, same-store sales, comparable store sales, recurring revenue, "
        "annual recurring revenue, commission income, lending volume, cargo volume, cargo volumes, "
        "passenger volumes, sales volume, average selling price, average selling prices, subscription billings, "
        "billings, volume, volumes, price/mix, loans, deposits, total loans, total deposits, gross written premiums, "
        "written premiums, net written premiums, earned premiums, net earned premiums, net premiums earned, "
        "gross premiums written, subscribers, net additions, net adds, traffic, passenger revenue per available seat "
        "mile, PRASM, TRASM, RASM, RASK, passenger yield, RevPAR, average daily rate, loan yield, premium income, "
        "ARR, subscription ARR, "
        # what an insurer charges
        "auto rates, casualty rates, renewal rates, premium rates, workers' compensation rates",
    )
    + _items(
        G,
        "volume",
        "case volume, case volumes, shipments, carloadings, carloads, ton-miles, gross ton-miles, revenue ton-miles, "
        "passengers, new contracts, new business, originations, loan originations, mobile subscriptions, "
        "active accounts, production rate, premiums, loan fees, loan receivables",
    )
    + _items(
        G,
        "profit",
        "operating profit, net profit, pre-tax profit, profit before tax, EBITDA, "
        "adjusted EBITDA, EBIT, operating income, net income, earnings, underlying profit, "
        "gross profit, profit for the period, result before taxes, comparable operating profit, EBITA, "
        "operating result, net result, comparable EBIT, net earnings, funds from operations, profit, "
        "income from operations, pretax profit, result after financial items, other income, interest income, "
        "income before income taxes, income before provision for income taxes, income before provision for taxes, "
        "earnings before provision for taxes, earnings before provision for income taxes, income before taxes, "
        "income before tax, earnings before income taxes, "
        "segment operating income, gain on sale of investments, gains on sale of investments, gain on disposal, "
        "gains on disposals, gain on sale, reserve releases, prior-year reserve releases, profit after tax, "
        "investment income, FFO, distributable cash flow, DCF, cash available for distribution, profits, "
        "gross profits, "
        "operating profits, net profits, pre-tax profits, pretax profits",
    )
    + _items(
        G,
        "per share",
        "earnings per share, EPS, diluted earnings per share, dividend, dividend per share, "
        "book value per share, tangible book value per share, cash dividend, interim dividend, final dividend, "
        "dividend proposal",
    )
    + _items(
        G,
        "margin",
        "gross margin, operating margin, EBITDA margin, net margin, EBIT margin, net interest margin, "
        "profit margin, operating profit margin, margin, margins",
    )
    + _items(
        G,
        "orders",
        "order intake, order backlog, new orders, bookings, orders received, order book, backlog, book-to-bill, orders",
    )
    + _items(
        G,
        "cash flow",
        "operating cash flow, free cash flow, cash flow from operations, cash flow, cash position, liquidity, "
        "cash and cash equivalents, net cash flow from operating activities, net cash flow, "
        "cash flow from operating activities, cash flow from business operations, "
        "cash flows from operating activities, net cash from operating activities, "
        "net cash provided by operating activities, cash provided by operating activities, "
        "cash balance, cash balances, cash from operations, cash from operating activities, "
        "cash flows from operations",
    )
    + _items(
        G,
        "share",
        "market share, customer base, subscriber base, number of customers, "
        "occupancy rate, capacity utilisation, passenger numbers, deliveries, category share, penetration rate, "
        "persistency, retention rate",
    )
    + _items(
        G,
        "returns",
        "return on equity, return on capital employed, return on assets, "
        "net interest income, fee income, assets under management, premiums written, return on investment, "
        "average revenue per user, production volumes, sales volumes, ARPU, return on invested capital, ROIC, "
        "return on funds employed, ROFE, ROCE, ROE, return on average equity, return on tangible equity, ROTE, "
        "return on average assets, return on average tangible common equity, NII, "
        "mortgage banking income, core income, remaining performance obligations, RPO, RPOs, signed contracts, "
        "net signed contracts, cash and investments, EBITDAC",
    )
    + _items(
        G,
        "capital",
        "capital adequacy ratio, CET1 ratio, tier 1 capital ratio, total capital "
        "ratio, equity ratio, solvency ratio, liquidity coverage ratio, load factor, "
        "customer retention rate, occupancy, total risk-based capital ratio, common equity tier 1 ratio, "
        "tier 1 leverage ratio, debt service coverage ratio, interest coverage ratio, fill rate, fill rates, "
        "new money rate, new money yield",
    )
    + _items(
        B,
        "costs",
        "costs, operating costs, operating expenses, production costs, raw material "
        "costs, personnel costs, administrative expenses, energy costs, freight costs, "
        "input costs, fixed costs, expenses, distribution costs, labour costs, "
        "restructuring costs, financing costs, interest expenses, cost of sales, SG&A expenses, "
        "unit costs, overheads, staff costs, non-interest expense, noninterest expense, R&D expenses, "
        "cost of goods sold, interest expense, operating expense, SG&A, cost of revenues, cost of revenue, "
        "cost of services, cost of products sold, cost of goods, jet fuel price, fuel costs, fuel price, "
        "restructuring charges, restructuring charge, unit cost, CASK, CASM, cost per available seat mile, "
        "research and development expense, research and development expenses, "
        "general and administrative expense, general and administrative expenses, selling expense, selling expenses, "
        "marketing expense, marketing expenses, costs and expenses, employee compensation, "
        "compensation and benefits expense, marketing spending, SG&A spending, rents expense, tax rate, "
        "professional fees, legal fees, audit fees, filing fees, listing fees, consulting fees, "
        "legal and professional fees, commodity costs, rent expense, compensation expense, "
        "administrative expense, selling and administrative expense, selling and administrative expenses, "
        "distribution expense, distribution expenses, corporate expenses, cost of deposits, cost of funds, "
        "R&D expense, G&A expense, G&A expenses, SG&A expense, fixed cost, energy cost, fuel cost, labor cost, "
        "labour cost, freight cost, deposit costs, funding costs, compensation and benefits, "
        "fuel prices, energy prices, input prices, raw material prices",
    )
    + _items(
        B,
        "debt",
        "net debt, leverage, gearing, debt-to-equity ratio, net gearing, borrowings, net debt to EBITDA ratio, "
        "total debt, gross debt",
    )
    + _items(
        B,
        "impairment",
        "impairment charges, impairments, goodwill impairments, write-downs, "
        "write-offs, inventory write-downs, asset write-downs, impairment charge, impairment, impairment loss, "
        "impairment losses, write-down",
    )
    + _items(
        B,
        "credit",
        "provisions, loan loss provisions, credit losses, credit impairment "
        "charges, expected credit losses, bad debt expenses, non-performing loans, "
        "loan impairments, delinquencies, default rates, net charge-offs, charge-offs, "
        "non-performing assets, nonperforming assets, provision for credit losses, nonperforming loans, "
        "provision for loan losses, provision for loan and lease losses, net loan losses, loan losses, "
        "credit loss level, NPLs, net charge-off ratio, reserve strengthening, catastrophe losses, cat losses",
    )
    + _items(
        B,
        "costs",
        "selling, general and administrative expense; selling, general and administrative expenses",
        sep=";",
    )
    + _items(B, "credit", "non-performing loan ratio, cost of risk, NPL ratio")
    + _items(B, "churn", "customer churn, churn, churn rate, customer attrition, subscriber losses, cancellation rate")
    + _items(
        B,
        "ratios",
        "cost-to-income ratio, combined ratio, claims ratio, loss ratio, "
        "days sales outstanding, working capital requirement, efficiency ratio, effective tax rate, "
        "expense ratio, cost/income ratio, cost-income ratio, DSO, vacancy, vacancy rate, cost of debt, "
        "weighted average cost of debt, effective income tax rate, inventory days, days inventory outstanding, DIO, "
        "acquisition cost ratio, operating ratio, GOE ratio, debt to capitalization ratio, debt to capital ratio, "
        "debt-to-capital ratio, claim frequency, charge-off rate, delinquency rate",
    )
    + _items(
        L,
        "loss",
        "net loss, operating loss, pre-tax loss, loss before taxes, loss per share, "
        "loss for the period, EBIT loss, operating loss before items, comprehensive loss, loss, pretax loss",
    )
)

ITEMS_BY_POLARITY: dict[Polarity, tuple[LineItem, ...]] = {
    p: tuple(i for i in LINE_ITEMS if i.polarity is p) for p in Polarity
}


@dataclass(frozen=True)
class Movement:
    """A movement word in the inflections the generators need."""

    past: str  # "rose"
    infinitive: str  # "rise"
    participle: str  # "risen"
    noun: str  # "an increase"
    direction: Direction

    @property
    def gerund(self) -> str:
        """ "rising", "going up", "being cut": the first word takes -ing."""
        head, _, rest = self.infinitive.partition(" ")
        if head == "be":
            ing = "being"
        else:
            ing = _DOUBLED.get(head) or (head[:-1] + "ing" if head.endswith("e") else head + "ing")
        return f"{ing} {rest}".strip()

    def past_for(self, item: LineItem) -> str:
        """The past tense agreeing with the item: "costs were up", "revenue was up"."""
        if item.plural and self.past.startswith("was "):
            return "were " + self.past[4:]
        return self.past


_DOUBLED = {"slip": "slipping", "drop": "dropping", "cut": "cutting"}


def _movements(direction: Direction, table: str) -> tuple[Movement, ...]:
    out = []
    for line in table.strip().splitlines():
        past, inf, part, noun = (w.strip() for w in line.split("|"))
        out.append(Movement(past, inf, part, noun, direction))
    return tuple(out)


UP_WORDS = _movements(
    Direction.UP,
    """
    rose | rise | risen | a rise
    increased | increase | increased | an increase
    grew | grow | grown | growth
    climbed | climb | climbed | a climb
    went up | go up | gone up | an increase
    jumped | jump | jumped | a jump
    surged | surge | surged | a surge
    advanced | advance | advanced | an advance
    edged up | edge up | edged up | a slight increase
    soared | soar | soared | a surge
    expanded | expand | expanded | an expansion
    was up | be up | been up | an increase
    doubled | double | doubled | a doubling
    picked up | pick up | picked up | a pick-up
    rose sharply | rise sharply | risen sharply | a sharp rise
    ballooned | balloon | ballooned | a surge
    ticked up | tick up | ticked up | an uptick
""",
)

DOWN_WORDS = _movements(
    Direction.DOWN,
    """
    fell | fall | fallen | a fall
    decreased | decrease | decreased | a decrease
    declined | decline | declined | a decline
    dropped | drop | dropped | a drop
    went down | go down | gone down | a decrease
    shrank | shrink | shrunk | a contraction
    contracted | contract | contracted | a contraction
    slid | slide | slid | a slide
    slipped | slip | slipped | a slip
    eased | ease | eased | an easing
    plunged | plunge | plunged | a plunge
    was down | be down | been down | a decrease
    halved | halve | halved | a halving
    was cut | be cut | been cut | a cut
    fell sharply | fall sharply | fallen sharply | a sharp fall
    moderated | moderate | moderated | a moderation
    tumbled | tumble | tumbled | a tumble
    edged down | edge down | edged down | a slight decrease
""",
)

# Losses also narrow and widen.
NARROW_WORDS = _movements(
    Direction.DOWN,
    """
    narrowed | narrow | narrowed | a narrowing
    shrank | shrink | shrunk | a reduction
    decreased | decrease | decreased | a decrease
    was reduced | be reduced | been reduced | a reduction
    fell | fall | fallen | a fall
""",
)
WIDEN_WORDS = _movements(
    Direction.UP,
    """
    widened | widen | widened | a widening
    deepened | deepen | deepened | a deepening
    grew | grow | grown | an increase
    increased | increase | increased | an increase
    rose | rise | risen | a rise
""",
)

ADJECTIVES = {
    Direction.UP: ("higher", "rising", "increased", "growing", "larger"),
    Direction.DOWN: ("lower", "falling", "reduced", "declining", "smaller"),
}
# Losses also come as "a wider loss" or "a narrower loss".
LOSS_ADJECTIVES = {
    Direction.UP: ("wider", "deeper", "bigger", "larger", "heavier"),
    Direction.DOWN: ("narrower", "smaller", "lighter", "reduced", "lower"),
}
# Transitive verbs: "<company> cut its costs", "<company> raised its dividend".
TRANSITIVE = {
    Direction.UP: ("raised", "increased", "boosted", "lifted", "expanded", "grew"),
    Direction.DOWN: ("cut", "reduced", "lowered", "trimmed", "slashed", "brought down"),
}
# Words that judge a movement themselves: the item's polarity does not matter. "Improved" reads
# well of any `LineItem.evaluable` item; "strengthened" only of something good to have (a margin,
# a capital ratio), never of costs or a loss.
EVALUATIVE = {POSITIVE: ("improved", "got better"), NEGATIVE: ("worsened", "deteriorated", "got worse")}
STRENGTH = {POSITIVE: ("strengthened", "recovered", "{be} healthier"), NEGATIVE: ("weakened", "{be} weaker")}


def evaluative_words(item: LineItem, label: str) -> tuple[str, ...]:
    """The judging words that fit ``item`` for ``label``, agreeing in number ("were weaker");
    empty when none fits (costs neither improve nor strengthen)."""
    if not item.evaluable:
        return ()
    words = EVALUATIVE[label] + (STRENGTH[label] if item.polarity is Polarity.UP_GOOD else ())
    return tuple(w.format(be=item.be) for w in words)


def tone(polarity: Polarity, direction: Direction, *, negated: bool = False) -> str:
    """The label an analyst gives a movement: up on an up-good item is positive, up on an
    up-bad item or a loss is negative, down is the reverse, and a negation flips it."""
    good = (direction is Direction.UP) == (polarity is Polarity.UP_GOOD)
    return POSITIVE if good != negated else NEGATIVE


# -- finding an item and a movement in a real sentence -----------------------------------------

_ITEM_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(i.name) for i in LINE_ITEMS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_ITEM_BY_NAME = {i.name.lower(): i for i in LINE_ITEMS}

_MOVES = {m.past: m for m in (*UP_WORDS, *DOWN_WORDS, *NARROW_WORDS, *WIDEN_WORDS)}
_MOVE_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _MOVES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# What may follow an item before its movement ("net sales in Finland rose", "EBIT , however ,
# fell"); anything else (a noun: "profit margin", "sales growth") makes the item part of another.
_AFTER_ITEM = frozenset(
    {
        "in",
        "of",
        "for",
        "from",
        "at",
        "during",
        "excluding",
        "including",
        "also",
        "again",
        "both",
        ",",
        "(",
        "-",
        "--",
        "however",
        "however,",
        "has",
        "have",
        "had",
        "thus",
        "therefore",
        "meanwhile",
        "clearly",
        "slightly",
        "further",
    }
)
NEGATION_RE = re.compile(r"\b(not|no longer|never|n't|neither|nor|failed to|without|unlikely|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """One line item and the one movement word that follows it in a sentence."""

    item: LineItem
    item_span: tuple[int, int]
    movement: Movement
    move_span: tuple[int, int]

    @property
    def label(self) -> str:
        return tone(self.item.polarity, self.movement.direction)


def find_mention(text: str) -> Mention | None:
    """The sentence's single (line item, movement) pair, or None when it has none, several
    items, several movements, a negation, or the movement comes before the item.

    Deliberately strict: the counterfactual editor only rewrites sentences whose tone the rule
    decides on its own.
    """
    items = list(_ITEM_RE.finditer(text))
    moves = list(_MOVE_RE.finditer(text))
    if len(items) != 1 or len(moves) != 1 or NEGATION_RE.search(text):
        return None
    item_m, move_m = items[0], moves[0]
    gap = text[item_m.end() : move_m.start()]
    if item_m.end() > move_m.start() or len(gap.split()) > 4:
        return None  # "X rose" or "X in Finland rose", not "rose … X"
    if gap.split() and gap.split()[0].lower() not in _AFTER_ITEM:
        return None  # "profit margin rose", "sales growth slowed": the item is part of another noun
    movement = _MOVES[move_m.group(1).lower()]
    item = _ITEM_BY_NAME[item_m.group(1).lower()]
    return Mention(item, item_m.span(1), movement, move_m.span(1))

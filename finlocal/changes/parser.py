"""The metric-change parser: what moved in a sentence, which way, and whether that is good news.

`read_changes(text)` finds every change of a line item that the text states — "EPS was $1.21
compared to $0.46", "EUR 3.2 mn (2.9 mn)", "narrowed to 11.4 % from 13.9 %", "up 9 % to EUR 41.2
mn", "net debt fell" — and returns one `Change` each: the metric's span, the current and prior
values, the stated or computed change, the direction, the metric's polarity (from
`finlocal.lexicon`) and a verdict. It is deterministic and needs no model, so its output is a
rationale that is faithful by construction: every verdict can be traced to the words and
figures it names.

It is deliberately cautious. A verdict is "unknown", never a guess, when the metric's polarity is
not in the lexicon, when the numbers and the words disagree, when the change is negated or hedged
("did not rise", "expects", "may"), or when nothing moved. Figures that are not amounts (years,
dates, ranges, targets, share counts, currency conversions) are never read as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from finlocal.changes.clauses import mark_roles
from finlocal.changes.guidance import GUIDANCE_CUE, read_guidance
from finlocal.changes.record import Change, Direction, Verdict
from finlocal.changes.values import AMOUNT_KINDS, CHANGE_KINDS, SCALE_FACTORS, Kind, Value, find_values
from finlocal.changes.vocabulary import (
    ADJECTIVE_MOVES,
    AGO_RE,
    BARE_RESULTS,
    BENCHMARK_AFTER,
    BENCHMARK_NAMED,
    BOUNDARY_RE,
    BP_COMPARED,
    CAPITAL_WORD_BEFORE,
    CAUSE_BEFORE,
    CAUSE_LEAD,
    CAUSE_ZONE,
    CAUSE_ZONE_END,
    CLOSES_AFTER,
    COMPARATIVE_AFTER,
    CONTRIBUTED_AFTER,
    COST_OF,
    COSTLY_DEPOSITS,
    DEFINING_CLAUSE,
    DIGIT,
    ESTIMATED_PAST,
    FIGURE_BEFORE,
    FIGURE_BEFORE_MOVE,
    HEDGE_RE,
    IN_TROUBLE,
    ITEM_RE,
    ITEMS,
    LEAD_MOVE,
    LEAD_NOUN_AFTER,
    LIMIT_BEFORE,
    LIST_JOIN,
    MARK_RE,
    MARK_REACH,
    METRIC_RE,
    MODIFIER_WORD,
    MOVE_NOUN_AFTER,
    MOVE_NOUNS,
    MOVE_RE,
    NAME_SUBJECT,
    NOT_A_HEDGE,
    NOT_OWN_STATEMENT,
    NOUN_AFTER_ITEM,
    OTHER_BASIS,
    OTHER_BASIS_AFTER,
    OWN_COMPARISON,
    PAREN_PRIOR,
    PER_SHARE_AFTER,
    PERIOD_AFTER,
    PRE_ADJ,
    PRE_MOVE,
    QUALIFIER_WORD,
    RANGE_PLACE_AFTER,
    RATIO_COMPARED,
    RAW_MOVES,
    REASON_BEFORE,
    RESTATED_BASIS,
    SEGMENT_SUBJECT,
    SEQUENTIAL,
    SIGN_PHRASE,
    THAN_PRIOR,
    TIME_NOUNS,
    TRANSITIVE_MOVES,
    WORDS_GAP,
    WOULD_HAVE,
    YEAR_AGO,
    YEAR_LABEL,
)
from finlocal.lexicon import LineItem, Polarity

__all__ = ["change_between", "read_changes", "read_metric_changes"]


@dataclass(frozen=True)
class _Metric:
    start: int
    end: int
    text: str
    polarity: Polarity | None  # None: an item the words leave unjudged ("time deposits")
    is_ratio: bool
    is_profit: bool  # a result that can turn into a loss (profit, EBIT, EPS …)
    is_per_share: bool = False  # "EPS", "dividend per share": its figures are per-share figures
    modified: bool = False  # free modifiers before the item ("beer sales"): a part of a line, not the line
    item: str = ""  # the lexicon item's name


def _metric(m: re.Match[str], text: str | None = None, start: int | None = None) -> _Metric:
    """The metric ``m`` names; ``start`` (with ``text``) where its words begin when free modifiers
    come before it ("beer sales", "Local case volume")."""
    item: LineItem = ITEMS[m.group("item").lower()]
    suffix = (m.group("suffix") or "").strip().lower()
    polarity = item.polarity
    is_ratio = item.is_ratio
    if suffix.startswith("margin"):
        polarity, is_ratio = Polarity.UP_GOOD, True
    elif suffix == "ratio":
        is_ratio = True
    # a result that can turn negative: profits, per-share earnings, cash flows, returns
    is_profit = (
        polarity is Polarity.UP_GOOD
        and (
            item.group in ("profit", "per share", "cash flow")
            or (item.group == "returns" and item.name.startswith("return"))
        )
        and not suffix.startswith("margin")
    )
    is_per_share = item.group == "per share" or "per share" in item.name or suffix.startswith("per")
    if start is None or text is None:
        return _Metric(m.start(), m.end(), m.group(0), polarity, is_ratio, is_profit, is_per_share, item=item.name)
    return _Metric(
        start,
        m.end(),
        text[start : m.end()],
        polarity,
        is_ratio,
        is_profit,
        is_per_share,
        start < m.start(),
        item.name,
    )


_WORD = re.compile(r"\S+\s+")
_COST = re.compile(r"costs?\s+of\b", re.IGNORECASE)


def _modifiers_start(text: str, start: int) -> int:
    """Where the free modifiers before the item at ``start`` begin: up to three `MODIFIER_WORD`s,
    each followed by whitespace only."""
    for _ in range(3):
        gap = start
        while gap > 0 and text[gap - 1] in " \t":
            gap -= 1
        if gap == start or gap == 0:
            return start
        begin = gap
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        if MODIFIER_WORD.fullmatch(text, begin, gap) is None:
            return start
        if text[gap - 1] == "." and text.count(".", begin, gap) == 1:
            return start  # "EUR3 .3 m. Sales increased": a sentence's end, not "U.S." or "m.s."
        start = begin
    return start


_EXPENSE_AFTER = re.compile(r"\s+expense\b", re.IGNORECASE)


def _metric_matches(text: str) -> list[tuple[re.Match[str], int]]:
    """Each line item the text names, with where its words begin. The longest item wins ("Net cash
    flow from operations" is one item, not "Net cash flow"); free modifiers before it belong to it
    ("PPP loan fees", "accident year loss ratio", `MODIFIER_WORD`); and a known item right before
    another is the other's modifier ("revenue ton-miles" are ton-miles, "deposit costs" costs); an item
    right before "expense" names a cost, not itself ("occupancy expense")."""
    out: list[tuple[re.Match[str], int]] = []
    pos = 0
    while (m := METRIC_RE.search(text, pos)) is not None:
        if _EXPENSE_AFTER.match(text, m.end()) and ITEMS[m.group("item").lower()].polarity is not Polarity.UP_BAD:
            pos = m.end()  # "occupancy expense", "revenue expense": a cost the item only names
            continue
        if m.start() < m.start("item"):
            for word in _WORD.finditer(text, m.start(), m.start("item")):
                bare = ITEM_RE.match(text, word.start())
                if bare is not None and bare.end() > m.end():
                    m = bare  # a prefix word that begins a longer item
                    break
        start = m.start()
        if m.start() == m.start("item"):
            start = _modifiers_start(text, start)
        if out and start <= out[-1][0].end() and not m.group("item").isupper():
            start = min(start, out[-1][1])  # the item before is this one's modifier
            out.pop()
        out.append((m, start))
        pos = m.end()
    return out


_SIZED_MOVE_OF = re.compile(r"\d\s*(?:basis\s+points?|bps?|percentage\s+points?)\s+of\s+$", re.IGNORECASE)


def _defining_clauses(text: str) -> list[re.Match[str]]:
    """The clauses that define another item (`DEFINING_CLAUSE`), after a cheap test for their words."""
    if not any(w in text for w in ("xclu", "xcl.", "nclu", "ncl.", "et of", "ompris", "onsist")):
        return []
    return list(DEFINING_CLAUSE.finditer(text))


def _metrics(text: str, defining_clauses: list[re.Match[str]]) -> list[_Metric]:
    """The sentence's metrics, without the mentions that only carry another's prior figure, a
    denominator, or a second name for the same item ("Earnings per share EPS")."""
    out: list[_Metric] = []
    boundaries = [m.start() for m in BOUNDARY_RE.finditer(text)]
    defining = [d.span() for d in defining_clauses]
    for m, start in _metric_matches(text):
        if any(s < start < e for s, e in defining):
            continue  # ", which excludes restructuring charges, …": it defines another item
        head = text[max(0, m.start() - 40) : m.start()]
        cost_of = COST_OF.search(text, max(0, start - 20), start)
        if cost_of is not None and (not out or out[-1].end <= cost_of.start()):
            # "Cost of automotive sales revenue": a cost, whatever it is the cost of
            out.append(
                _Metric(cost_of.start(), m.end(), text[cost_of.start() : m.end()], Polarity.UP_BAD, False, False)
            )
            continue
        if _SIZED_MOVE_OF.search(head) and MOVE_NOUN_AFTER.match(text[m.end() : m.end() + 40]):
            pass  # "150 basis points of gross margin expansion": the item's own move, sized before it
        elif NOT_OWN_STATEMENT.search(head) or (
            start < m.start() and NOT_OWN_STATEMENT.search(text, max(0, start - 40), start)
        ):
            continue  # another's prior figure, a denominator, what a cost is of, an item left out
        if NOUN_AFTER_ITEM.match(text, m.end()):
            continue  # "sales force", "power sales companies": the item names what the noun is for
        metric = _metric(m, text, start)
        if metric.polarity is not Polarity.UP_BAD and _COST.match(metric.text):
            metric = replace(metric, polarity=Polarity.UP_BAD, is_profit=False)  # "cost of services sales"
        elif metric.polarity is Polarity.UP_GOOD and metric.modified and IN_TROUBLE.search(text, start, m.start()):
            metric = replace(metric, polarity=Polarity.UP_BAD, is_profit=False)  # "nonaccrual loans"
        elif m.group("item").lower() == "deposits" and COSTLY_DEPOSITS.search(text, start, m.start()):
            metric = replace(metric, polarity=None)  # "time deposits": a shift in the mix, not judged alone
        if metric.is_per_share and FIGURE_BEFORE.search(head):
            continue  # "$0.04 loss per share": the figure's unit, told with the statement before
        if out:
            last = out[-1]
            between = text[last.end : metric.start]
            if not between.strip(" ()") or between.strip().lower() in ("or", "/"):
                continue  # "Earnings per share ( EPS )", "profit or loss": one metric, two names
            qualifies = len(between) <= 40 and not DIGIT.search(between)
            if qualifies and (QUALIFIER_WORD.search(between) or re.match(r"^\s*\([^()]*$", between)):
                continue  # "revenue excluding traffic acquisition costs", "Leverage (net debt/EBITDA)"
            same_clause = not any(last.end <= b < metric.start for b in boundaries)
            if metric.text.lower() in BARE_RESULTS and same_clause and SIGN_PHRASE.search(head):
                continue  # "turned to a loss of EUR 2.1 million": the figure's sign, not a metric
        out.append(metric)
    if "%" in text or "percent" in text or "per cent" in text or "pct" in text:
        # a part named after an item in its clause is where the item moved ("sales of the Tiimari
        # segment fell 4 %"), not a subject of its own
        subjects = [
            s
            for s in _subjects(text)
            if not any(o.start < s.end and not any(o.end <= b < s.start for b in boundaries) for o in out)
        ]
        if subjects:
            out = sorted(out + subjects, key=lambda x: x.start)
    return out


_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|of|for|at|within|from|across|by|on|to|with|among|excluding|including|except)\s+"
    r"(?:the\s+|our\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
_WHICH = re.compile(r"\s*,?\s*which\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")
_MEASURE_WORD = re.compile(r"Prices?|Rates?|Yields?|Inflation|Unemployment|Domestic|Index|Indices")


def _subjects(text: str) -> list[_Metric]:
    """The parts of the company named as the subject of a move in percent (`SEGMENT_SUBJECT`,
    `NAME_SUBJECT`): "Our joint venture business increased 10%", "Wealth Management increased 5%"
    state their sales' change."""
    spans: list[tuple[int, int]] = []
    for m in SEGMENT_SUBJECT.finditer(text):
        start = _modifiers_start(text, m.start())
        if start == m.start():
            continue
        if _PREPOSITION_BEFORE.search(text, 0, start) and not _WHICH.match(text, m.end()):
            continue  # "Headcount in the services business grew 5%": the business is where, not what
        spans.append((start, m.end()))
    for m in NAME_SUBJECT.finditer(text):
        words = list(_WORD_RE.finditer(text, m.start(), m.end()))
        while words and MODIFIER_WORD.fullmatch(words[0].group(0)) is None:
            words.pop(0)  # "And Fluids was down 5%": a sentence's first word, not the name's
        if len(words) < 2 or CAPITAL_WORD_BEFORE.search(text, 0, m.start()):
            continue  # one capitalised word may be any sentence's first; "Nokia Siemens Networks Oyj" runs on
        if any(_MEASURE_WORD.fullmatch(w.group(0)) for w in words):
            continue  # "Consumer Price Index rose 3%": a price, rate or the economy, no part of a company
        if _PREPOSITION_BEFORE.search(text, 0, m.start()) and not _WHICH.match(text, m.end()):
            continue
        spans.append((words[0].start(), m.end()))
    return [_Metric(s, e, text[s:e], Polarity.UP_GOOD, False, False, modified=True) for s, e in spans]


@dataclass
class _Slots:
    now: Value | None = None
    before: Value | None = None
    change: Value | None = None
    now_sign: str | None = None  # "loss" or "profit": what the words said of the figure
    before_sign: str | None = None
    move: str | None = None  # "up" | "down" | "better" | "worse" | "flat"
    end: int = 0
    ps_now: Value | None = None  # "… or $1.15 per diluted share": the per-share figures
    ps_before: Value | None = None
    ps_span: tuple[int, int] | None = None
    accounting: bool = False  # "Interest expense (32) (28)": a statement table's negatives, not a prior


# what may follow a sum after a movement word for it to be the move's size: "increased $18 million or 8 % to …",
# "down $0.4 million in Q3 '19" (not "pay down $5.6 million in debt")
_MONEY_AFTER_MOVE = re.compile(
    r"\s*(?:,|or\b|to\b|\(|sequentially|year|from|compared|versus|over|\.?\s*$|"
    r"in\s+(?:the\s+)?(?:Q[1-4]|[1-4]Q|quarter|period|year|fiscal|first|second|third|fourth|(?:19|20)\d\d)\b)",
    re.IGNORECASE,
)
# "an increase of $4 million": a movement noun's size
_NOUN_OF = re.compile(r"\s+of\s+(?:(?:about|approximately|roughly|nearly|almost|over|some|around)\s+)?", re.IGNORECASE)


def _move_of(m: re.Match[str]) -> str:
    return next(k for k in ("up", "down", "better", "worse", "flat") if m.group(k))


@lru_cache(maxsize=4096)
def read_changes(text: str) -> tuple[Change, ...]:
    """Every change ``text`` states: its line items' (`read_metric_changes`) and a guidance
    revision (`finlocal.changes.guidance`), which replaces a metric change read of the same item;
    each marked main or conceded (`finlocal.changes.clauses`)."""
    metric = read_metric_changes(text)
    guidance = read_guidance(text) if GUIDANCE_CUE.search(text) else ()
    if guidance:
        g = guidance[0]
        metric = tuple(c for c in metric if c.metric_end <= g.metric_start or c.metric_start >= g.metric_end)
    return mark_roles(text, metric + guidance)


# ", which included …", "(excluding … of $5 million)": a clause naming a part, whose own figures may follow
# (not ", excluding …", whose words can run on into the item's level)
_WHICH_DEFINES = re.compile(r",\s*(?:which|that)\b|\(", re.IGNORECASE)


@lru_cache(maxsize=4096)
def read_metric_changes(text: str) -> tuple[Change, ...]:
    """Every change of a line item that ``text`` states, in order (see the module's docs)."""
    if DIGIT.search(text) is None and MOVE_RE.search(text) is None:
        return ()
    defining = _defining_clauses(text)
    metrics = _metrics(text, defining)
    if not metrics:
        return ()
    values = [v for v in find_values(text) if v.kind not in (Kind.YEAR, Kind.OTHER)]
    if defining:
        # ", which included $2.7 million of COVID-19 expenses … compared to $2 million": the defined part's
        # figures, not the item's
        parts = [
            d.span()
            for d in defining
            if _WHICH_DEFINES.match(d.group(0)) and METRIC_RE.search(text, d.start(), d.end())
        ]
        values = [v for v in values if not any(s < v.start < e for s, e in parts)]
    boundaries = [m.start() for m in BOUNDARY_RE.finditer(text)] + [len(text)]
    changes: list[Change] = []
    i = 0
    while i < len(metrics):
        group = _group(text, metrics, i)
        clause_start = max([0, *(b for b in boundaries if b < group[0].start)])
        listed: list[Change] = []
        if len(group) > 1:
            scope_end = _scope_end(text, group[-1], metrics, i + len(group), boundaries)
            scope_values = [v for v in values if group[-1].end <= v.start < scope_end]
            hedged = _hedged(text, clause_start, scope_end)
            listed = _read_list(text, group, scope_values, scope_end, hedged)
        if listed:
            changes.extend(listed)
            i += len(group)
            continue
        if len(group) > 1 and sum(v.kind in AMOUNT_KINDS for v in scope_values) >= 2:
            i += len(group)  # "net sales and costs were A and B, compared to C and D": whose is whose?
            continue
        # one metric at a time (also when a list could not be read as one)
        metric = metrics[i]
        pair = _result_pair(text, metric, values, boundaries, clause_start)
        if pair is not None:
            # "posted a EUR1.49 million loss … compared with a 1.70 million profit": the figures before the words
            change, until = pair
            changes.append(change)
            i += 1
            while i < len(metrics) and metrics[i].start < until:
                i += 1  # the prior result's word is that figure's sign, not a metric of its own
            continue
        scope_end = _scope_end(text, metric, metrics, i + 1, boundaries)
        scope_values = [v for v in values if metric.end <= v.start < scope_end]
        hedged = _hedged(text, clause_start, scope_end)
        inherited = changes[-1] if changes else None
        floor = max(clause_start, metrics[i - 1].end if i else 0)
        head_values = [v for v in values if floor <= v.start and v.end <= metric.start]
        lead = _lead(text, metric, head_values, scope_end)
        ahead = _ahead(text, metric, head_values)
        read = _read_one(text, metric, scope_values, scope_end, hedged, inherited, lead, ahead)
        changes.extend(read)
        share = _share_of_sales(text, metric, scope_end, hedged)
        if share is not None and not any(c.now == share.now and c.before == share.before for c in read):
            changes.append(share)
        if read:
            following = metrics[i + 1].start if i + 1 < len(metrics) else len(text)
            changes.extend(_share_moved(text, metric, values, following))
        i += 1
    return tuple(changes)


_SHARE_OF = r"\s?(?:%|percent|per\s+cent)\s+of\s+(?:net\s+|total\s+)?(?:sales|revenues?)\b"
# "… or 80.1 % of revenues compared to $181.9 million or 74.6 % of revenues", "17.3 % of sales versus 19.5 %
# last year": a cost's share of sales, now and before
_SHARE_PAIR = re.compile(
    r"(?<![\d.])(?P<now>\d+(?:\.\d+)?)(?P<of>" + _SHARE_OF + r")\s*,?\s*"
    r"(?:compared\s+(?:to|with)|versus|vs\.?|against)\s+(?:the\s+)?"
    r"(?:(?:\$|€|£)\s?\d[\d.,]*\s*(?:million|billion|thousand|mn|bn|m)?\s*,?\s*or\s+)?"
    r"(?P<before>\d+(?:\.\d+)?)\s?(?:%|percent|per\s+cent)(?![\d.])",
    re.IGNORECASE,
)


# "… but improved 50 basis points as a percentage of sales": the move of the item's share of sales
_SHARE_MOVED = re.compile(
    r"(?:,\s*|\s+)(?:but|and|while|yet)\s+(?:(?:it|they|was|were|has|have)\s+)*(?P<move>[a-z]+(?:\s+(?:up|down))?)"
    r"(?:\s+by)?(?:\s+(?:about|approximately|roughly|nearly)?\s*\d[\d.,]*\s*(?:basis\s+points?|bps?|percentage\s+points?|points?))?"
    r"\s+as\s+a\s+(?:percent(?:age)?|share)\s+of\s+(?P<of>(?:net\s+|total\s+)?(?:sales|revenues?))\b",
    re.IGNORECASE,
)


def _share_moved(text: str, metric: _Metric, values: list[Value], end: int) -> list[Change]:
    """A cost's move in money, then its share of sales moving on ("SG&A increased 3 % but improved 40
    basis points as a percentage of sales"): a second change, of the share."""
    if metric.polarity is not Polarity.UP_BAD or metric.is_ratio:
        return []
    m = _SHARE_MOVED.search(text, metric.end, end)
    if m is None or _hedged(text, m.start(), m.end()):
        return []
    moved = MOVE_RE.fullmatch(m.group("move"))
    if moved is None:
        return []
    share = _Metric(
        metric.start, metric.end, f"{metric.text} as a percentage of {m.group('of')}", metric.polarity, True, False
    )
    size = next((v for v in values if m.start("move") < v.start < m.end() and v.kind in CHANGE_KINDS), None)
    change = _change(text, share, _Slots(change=size, move=_move_of(moved), end=m.end()), hedged=False)
    return [change] if change is not None else []


def _share_of_sales(text: str, metric: _Metric, end: int, hedged: bool) -> Change | None:
    """A cost told in money and as a share of sales, each against a prior figure ("cost of revenues was
    $146.2 million or 80.1 % of revenues compared to $181.9 million or 74.6 % of revenues"): the share's
    change, a second change of the cost (lower is better), beside the money's."""
    if metric.polarity is not Polarity.UP_BAD or metric.is_ratio:
        return None
    m = _SHARE_PAIR.search(text, metric.end, end)
    if m is None:
        return None
    now, before = float(m.group("now")), float(m.group("before"))
    direction = Direction.UP if now > before else Direction.DOWN if now < before else Direction.UNCHANGED
    notes = ["nothing moved"] if direction is Direction.UNCHANGED else []
    if hedged:
        notes.append("negated, hedged or expected")
    of = " ".join(m.group("of").split()[-1:])
    return Change(
        metric=f"{metric.text} as a share of {of}",
        metric_start=metric.start,
        metric_end=metric.end,
        start=metric.start,
        end=m.end(),
        now=now,
        before=before,
        unit="%",
        currency=None,
        change=round(now - before, 4),
        change_unit="pp",
        direction=direction,
        polarity=metric.polarity,
        verdict=Verdict.UNKNOWN if notes else _verdict(metric.polarity, direction),
        basis="numbers",
        note="; ".join(notes) or None,
    )


def _fill(
    text: str,
    start: int,
    values: list[Value],
    end: int,
    is_ratio: bool = False,
    per_share: bool = False,
    item: str = "",
) -> _Slots:
    """Give each figure after a metric its role by the words before and after it; ``item`` (the
    lexicon item's name) named again after a comparison marker carries the prior figure ("were
    $0.34 compared with adjusted earnings per diluted share of $0.46")."""
    slots = _Slots(end=start)
    pending: tuple[str, int, int] | None = None  # (role, where the marker ended, its reach in words)
    sign_next: str | None = None  # "loss" or "profit": the next figure's sign ("a loss of")
    pos = start
    events: list[tuple[int, int, str, Any]] = [
        (m.start(), m.end(), "mark", m) for m in MARK_RE.finditer(text, start, end)
    ]
    events += [
        (m.start(), m.end(), "move", _move_of(m))
        for m in MOVE_RE.finditer(text, start, end)
        if not _not_a_move(text, m)
    ]
    events += [(v.start, v.end, "value", v) for v in values]
    events.sort(key=lambda ev: (ev[0], ev[2] != "value"))
    last_move_end, last_move, flat_end = -1, None, start
    for s, e, kind, payload in events:
        if s < pos:
            continue  # inside a figure already read ("EUR 3 mn to" is one figure)
        pos = e
        if kind == "move":
            if (
                slots.now is not None
                and slots.before is not None
                and len(text[slots.end : s].split()) > 4
                and not _sized(text, e, values)
            ):
                break  # "credit losses from $21 million to $6 million, and then lastly retention holding steady"
            if slots.move is None:
                slots.move = payload
                slots.end = max(slots.end, e)
                flat_end = e
            last_move_end, last_move = e, payload
            continue
        if kind == "mark":
            m = payload
            if m.group("before"):
                word = m.group("before").lower()
                pending = ("before", e, MARK_REACH["from" if word == "from" else "before"])
                if PERIOD_AFTER.match(text, e):
                    pending = None  # "compared to 2018": a period, not a figure
                elif item and (again := _named_again(text, e, item)) is not None:
                    # the item's words do not count against the reach; another item's figure is no prior one
                    # ("revenue was $5 million compared with operating expenses of $4 million")
                    pending = ("before", again, pending[2]) if again > 0 else None
            elif m.group("to"):
                pending = ("now", e, MARK_REACH["now"])
            elif m.group("by"):
                pending = ("change", e, MARK_REACH["change"])
            elif m.group("than"):
                # "higher than the 2020 full year rate of 7.6 %"; not "than 2019", "than the statutory rate"
                prior = THAN_PRIOR.match(text, m.start()) is not None and not PERIOD_AFTER.match(text, e)
                pending = ("before", e, MARK_REACH["than"]) if prior else None
            elif m.group("loss") or m.group("profit"):
                sign_next = "loss" if m.group("loss") else "profit"
                if pending is not None:
                    pending = (pending[0], e, pending[2])  # "from a profit of": the marker reaches on
            continue
        v: Value = payload
        if v.kind is Kind.COUNT and v.noun in TIME_NOUNS:
            continue  # "for the 12 months ended March 31": a period, not a figure of the metric
        if pending is not None and len(text[pending[1] : v.start].split()) > pending[2]:
            pending = None
        if pending is not None and pending[2] == MARK_REACH["than"] and _THAN_CLOSED.search(text, pending[1], v.start):
            pending = None  # "7 % higher than the prior year, and 4 % higher sequentially": the phrase has closed
        if v.kind in CHANGE_KINDS and LEAD_MOVE.match(text[v.end : end]) and METRIC_RE.match(text, end):
            break  # "… in net sales and a 170 basis-point decline in net earnings margin": the next item's size
        if (
            slots.change is not None
            and v.start >= slots.end
            and (_second_gap(text, slots, v) is not None or _other_basis(text, slots, v))
        ):
            break  # "up 56 % from a year ago and up 5 % sequentially": a second move (`_second_move`)
        marked = pending[0] if pending else None
        after = text[v.end : end]
        if not per_share and PER_SHARE_AFTER.match(after):
            # "$235.3 million or $1.15 per diluted share": the per-share figure is a change of its own
            share = PER_SHARE_AFTER.match(after)
            other_basis = slots.ps_span is not None and (
                OTHER_BASIS.match(text[slots.ps_span[1] : v.start]) is not None or OTHER_BASIS_AFTER.match(after)
            )
            if other_basis and slots.ps_before is None:
                pos = v.end  # "$0.89 per share ($0.88 per share on a diluted basis)": another basis
                continue
            if slots.ps_now is None:
                words = v.end + len(after) - len(after.lstrip())  # the phrase itself, not the space before it
                slots.ps_now, slots.ps_span = v, (words, v.end + share.end())  # type: ignore[union-attr]
            elif slots.ps_before is None:
                slots.ps_before = v
            pending, sign_next = None, None
            pos = v.end
            continue
        closes = CLOSES_AFTER.match(after) is not None or (
            v.in_parens and slots.now is not None and re.fullmatch(r"\s*\(\s*", text[slots.now.end : v.start])
        )
        paren = PAREN_PRIOR.search(text, max(start, v.start - 40), v.start) if closes else None
        if paren is not None and slots.now is None:
            paren = None  # "EPS was (0.4)": brackets around a negative figure, not a prior one
        if (
            paren is not None
            and slots.now is not None
            and slots.now.in_parens
            and re.fullmatch(r"\s*\)?\s*\(\s*", text[slots.now.end : v.start])
        ):
            slots.accounting = True  # "Interest expense (32) (28)": which bracket is a negative?
            break
        after_move = last_move_end >= 0 and len(text[last_move_end : v.start].split()) <= 2
        role: str | None
        if paren is not None and slots.now is not None:
            conversion = v.currency is not None and v.currency != slots.now.currency
            role = None if conversion or slots.before is not None else "before"
            if paren.group("loss"):
                sign_next = "loss"
            elif paren.group("profit"):
                sign_next = "profit"
        elif (
            slots.change is not None
            and v.kind is Kind.MONEY
            and re.match(r"^\s*,?\s*or\s*$", text[slots.end : v.start])
        ):
            role = None  # "8 %, or $18 million": the same change told in money
        elif marked == "before" and v.kind in CHANGE_KINDS and MOVE_NOUN_AFTER.match(after):
            role = None  # "an improvement from the 12 % decline in the fourth quarter": a prior move, not a level
        elif marked == "before":
            role = "before"
        elif v.kind in (*CHANGE_KINDS, Kind.MONEY) and _comparative_after(text, v, values, slots.now is not None):
            role = "change"  # "$4 million lower than prior year", "28 % higher than Q1"
        elif v.kind in CHANGE_KINDS and slots.change is None and (beyond := _ABOVE_PRIOR.match(text, v.end)):
            role = "change"  # "13 % above the prior year quarter", "5 % below last year"
            slots.move = slots.move or ("up" if beyond.group(1).lower() == "above" else "down")
        elif v.kind in CHANGE_KINDS and MOVE_NOUN_AFTER.match(after):
            role = "change"  # "a 3 % increase"
        elif v.kind is Kind.PERCENT and is_ratio and slots.now is None and RATIO_COMPARED.match(after):
            role = "now"  # "the efficiency ratio improved 53.7 % compared to 59 %"
        elif v.kind is Kind.BASIS_POINTS and slots.now is None and not after_move and BP_COMPARED.match(after):
            role = "now"  # "24 basis points compared to 26 basis points": levels, not moves
        elif (
            marked == "change"
            or (v.kind in CHANGE_KINDS and after_move and slots.change is None and marked != "now")
            or (
                v.kind in CHANGE_KINDS
                and slots.change is not None
                and slots.change.kind is Kind.MONEY
                and re.match(r"^\s*,?\s*(?:or|and)?\s*$", text[slots.change.end : v.start])
            )
        ) or v.kind in (Kind.POINTS, Kind.BASIS_POINTS):
            role = "change"
        elif (
            v.kind is Kind.MONEY
            and after_move
            and slots.change is None
            and marked != "now"
            and (_MONEY_AFTER_MOVE.match(after) or _NOUN_OF.fullmatch(text, last_move_end, v.start))
        ):
            role = "change"  # "increased $18 million or 8 % to $242 million", "an increase of $4 million in Q2"
        elif AGO_RE.match(after) and slots.now is not None:
            role = "before"
        elif marked == "now" or slots.now is None:
            role = "now"
        else:
            role = None
        if (
            role in (None, "before")
            and slots.before is not None
            and v.kind is slots.before.kind
            and YEAR_AGO.match(after)
            and SEQUENTIAL.match(text, slots.before.end)
        ):
            slots.before = v  # "$0.75 compared to $0.57 in Q2 and $1 in the prior year's quarter": year on year
            slots.before_sign = sign_next  # "… and negative 5.1 % in the third quarter of last year"
            slots.end = max(slots.end, v.end)
            pos = v.end
            continue
        if v.in_parens and paren is None and role in ("now", "before"):
            v = _negated(v)  # "EPS was (0.4)", "compared to (0.4)": a negative figure
        if (
            role == "change"
            and slots.change is not None
            and slots.change.kind not in CHANGE_KINDS
            and v.kind in CHANGE_KINDS
        ):
            slots.change = None  # "$18 million or 8 %": the percentage is the change told
        if (
            slots.now is not None
            and v.kind is Kind.NUMBER
            and slots.now.kind is Kind.NUMBER
            and not v.in_parens
            and text[slots.now.end : v.start].strip() == ""
        ):
            slots.accounting = True  # "Earnings from operations 32,287 32,358 28,435": a table row without its header
            break
        if role is not None and getattr(slots, role) is None:
            setattr(slots, role, v)
            if role == "before":
                slots.before_sign = sign_next
            elif role == "now":
                slots.now_sign = sign_next
            elif (
                after_move
                and slots.move == "flat"
                and last_move not in (None, "flat")
                and _OTHER_PERIOD.search(text, flat_end, last_move_end)
            ):
                # "flat from fiscal 2019 and down 145 basis points from fiscal 2021": the sized move
                slots.move = last_move
            slots.end = max(slots.end, v.end)
        elif role in ("now", "before"):
            break  # a second figure for a filled slot: another statement begins
        sign_next = None
        pending = None
        pos = v.end
    if slots.now is None and slots.before is not None and slots.ps_now is not None and slots.ps_before is None:
        # "FFO was $0.48 per share versus $0.97": the item's own figures are per-share ones
        slots.now, slots.ps_now, slots.ps_span = slots.ps_now, None, None
    return slots


_RESULT_NAMED = re.compile(r"\b(?:loss|losses|profits?|deficit|income|earnings|eps)\b", re.IGNORECASE)
_ITEM_AGAIN = re.compile(r"\s+(?:(?:the|an?|our|its|their)\s+)?")


def _named_again(text: str, pos: int, item: str) -> int | None:
    """Where the item named again at ``pos`` ends ("compared with adjusted EPS of"); 0 when another
    item is named there, whose figure follows ("compared with net income of"); None when none is."""
    lead = _ITEM_AGAIN.match(text, pos)
    again = METRIC_RE.match(text, lead.end()) if lead is not None else None
    if again is None:
        return None
    if ITEMS[again.group("item").lower()].name == item:
        return again.end()
    named = again.group("item").lower()
    if _RESULT_NAMED.search(named) or _RESULT_NAMED.search(item):
        return None  # "versus loss per share of", "net loss … versus net income of": a result's other sign
    return 0


# "13 % above the prior year quarter", "2 % below 2019 levels": a size against a prior period
_ABOVE_PRIOR = re.compile(
    r"\s+(above|below)\s+(?:the\s+|our\s+|its\s+)?(?:(?:same\s+)?(?:prior|previous|last|year[- ]ago|comparable|"
    r"corresponding)\b|a\s+year\s+(?:ago|earlier)|(?:19|20)\d\d\s+levels?\b)",
    re.IGNORECASE,
)


_PRIOR_PERIOD_AFTER = re.compile(
    r"\s+(?:the\s+|our\s+|its\s+)?(?:same\s+|prior\b|previous\b|last\b|a\s+year\s+(?:ago|earlier)|year[- ]ago|"
    r"(?:19|20)\d\d|fiscal\b|Q[1-4]|[1-4]Q|(?:first|second|third|fourth)\s+quarter)",
    re.IGNORECASE,
)


def _not_a_move(text: str, m: re.Match[str]) -> bool:
    """A movement word that states no movement of the metric: a reason ("for loan growth"), a limit
    ("total liquidity of up to $1 billion"), a comparison with a benchmark rather than a prior
    period ("lower than the statutory rate", "higher-than-expected", "better than our peers")."""
    word = m.group(0).lower()
    head = text[max(0, m.start() - 30) : m.start()]
    if word in MOVE_NOUNS and REASON_BEFORE.search(head):
        return True
    if word == "up" and LIMIT_BEFORE.search(head) and text.startswith(" to", m.end()):
        return True
    if word.startswith("similar") and _PRIOR_PERIOD_AFTER.match(text, m.end()) is None:
        return True  # "similar to our peers": a benchmark; "similar to last year" is unchanged
    if word in ("lower", "higher", "upper") and RANGE_PLACE_AFTER.match(text, m.end()):
        return True  # "at the higher end of our range"
    if BENCHMARK_AFTER.match(text, m.end()) is not None:
        return True
    than = _THAN.match(text, m.end())
    return than is not None and word in _COMPARATIVES and THAN_PRIOR.match(text, than.end() - 4) is None


_THAN = re.compile(r"[\s-]+than\b", re.IGNORECASE)
# what may stand between a movement word and its size: "up 320 basis points", "down by about 3 %" (not "steady at 92 %")
_SIZE_GAP = re.compile(
    r"\s*(?:(?:by|of|about|approximately|roughly|nearly|almost|some|over|around)\s+){0,2}", re.IGNORECASE
)
# "flat from fiscal 2019 and down 145 basis points from fiscal 2021": two comparison points (not "essentially
# flat, down only 10 basis points": one)
_OTHER_PERIOD = re.compile(
    r"\b(?:from|versus|vs\.?|compared|against|sequentially|year[- ](?:over|on)[- ]year|(?:19|20)\d\d)\b", re.IGNORECASE
)
_THAN_CLOSED = re.compile(r",|\band\b", re.IGNORECASE)
_COMPARATIVES = frozenset({"higher", "lower", "better", "worse", "larger", "smaller"})


def _sized(text: str, end: int, values: list[Value]) -> bool:
    """Whether a change figure follows the movement word ending at ``end`` ("…, up 320 basis points")."""
    v = next((v for v in values if v.start >= end), None)
    return v is not None and v.kind in CHANGE_KINDS and _SIZE_GAP.fullmatch(text, end, v.start) is not None


def _comparative_after(text: str, v: Value, values: list[Value], has_level: bool) -> bool:
    """Whether the figure ``v`` is the size of a comparative that states a move: "$4 million lower
    than prior year", "10 % higher year over year" (not "10 % higher than expected", nor "4.1 % lower
    than the 4.5 % of 2019" before any level: there it is the level, compared with a prior one)."""
    m = COMPARATIVE_AFTER.match(text, v.end)
    if m is None:
        return False
    move = MOVE_RE.match(text, m.start("move"))
    if move is None or _not_a_move(text, move):
        return False
    if has_level:
        return True
    than = _THAN.match(text, move.end())
    prior = next((w for w in values if w.start >= move.end()), None) if than is not None else None
    return not (
        prior is not None
        and prior.kind is v.kind
        and len(text[than.end() : prior.start].split()) <= MARK_REACH["than"]  # type: ignore[union-attr]
        and not _THAN_CLOSED.search(text, move.end(), prior.start)
    )


def _negated(v: Value) -> Value:
    return Value(v.start, v.end, -abs(v.amount), v.kind, v.currency, v.scale, v.noun, v.in_parens)


def _hedged(text: str, start: int, end: int) -> bool:
    """Whether the clause negates, hedges or forecasts what it says."""
    return any(
        NOT_A_HEDGE.search(text, max(0, m.start() - 25), m.start()) is None
        and not (WOULD_HAVE.match(text, m.start()) and RESTATED_BASIS.search(text, start, end))
        and ESTIMATED_PAST.match(text, m.start()) is None
        for m in HEDGE_RE.finditer(text, start, end)
    )


def _group(text: str, metrics: list[_Metric], i: int) -> list[_Metric]:
    """The metrics from ``i`` that form one list ("net sales and operating profit", "A, B and C"):
    joined by commas only when an "and" closes the list, and never after a movement phrase
    ("Despite the increase in net sales, operating profit fell")."""
    group = [metrics[i]]
    joins: list[str] = []
    while i + len(group) < len(metrics):
        join = text[group[-1].end : metrics[i + len(group)].start]
        if not LIST_JOIN.match(join):
            break
        joins.append(join)
        group.append(metrics[i + len(group)])
    closed = any(re.search(r"\band\b|&|as\s+well\s+as", j, re.IGNORECASE) for j in joins)
    if len(group) > 1 and (not closed or _move_before(text, group[0]) is not None):
        return group[:1]
    return group


def _scope_end(text: str, metric: _Metric, metrics: list[_Metric], following: int, boundaries: list[int]) -> int:
    """Where a metric's statement ends: at the next clause boundary or the next metric."""
    end = min(b for b in boundaries if b >= metric.end)
    return min(end, metrics[following].start) if following < len(metrics) else end


# the verb that makes a figure-less move before the item the subject driving another line's change
_DRIVES_LATER = re.compile(
    r"[^.;,]{0,60}?\b(?:result(?:s|ed)?\s+in|led\s+to|leads?\s+to|drove|drives|contributed\s+to)\b", re.IGNORECASE
)


def _cause(text: str, metric: _Metric) -> bool:
    """Whether a figure-less movement of the metric is named as a cause ("on lower …", "offset by
    decreases in …", "due primarily to higher adjusted EBITDA", "on the volume drop", "lower costs
    resulted in …")."""
    head = text[max(0, metric.start - 60) : metric.start]
    if CAUSE_LEAD.search(head) and MOVE_NOUN_AFTER.match(text[metric.end : metric.end + 40]):
        return True
    if (PRE_ADJ.search(head) or PRE_MOVE.search(head)) and _DRIVES_LATER.match(text, metric.end):
        return True  # "lower raw material costs after the loss of leverage results in a margin increase"
    zone = max(CAUSE_ZONE.finditer(text, 0, metric.start), key=lambda z: z.start(), default=None)
    if zone is not None and CAUSE_ZONE_END.search(text, zone.end(), metric.start) is None:
        end = CAUSE_ZONE_END.search(text, metric.end)
        return OWN_COMPARISON.search(text, metric.end, end.start() if end else len(text)) is None
    move = PRE_ADJ.search(head) or PRE_MOVE.search(head)
    return move is not None and CAUSE_BEFORE.search(head, 0, move.start()) is not None


def _move_before(text: str, metric: _Metric) -> str | None:
    """A movement word just before the metric: "a decline in net sales", "higher costs"."""
    head = text[max(0, metric.start - 40) : metric.start]
    adjective = PRE_ADJ.search(head)
    if adjective is not None:
        return ADJECTIVE_MOVES[" ".join(adjective.group("move").lower().split())]
    pre = PRE_MOVE.search(head)
    moved = MOVE_RE.match(pre.group("move")) if pre is not None else None
    return _move_of(moved) if moved is not None else None


def _against_benchmark(text: str, start: int, before: Value) -> bool:
    """Whether a prior figure follows a comparison with a benchmark ("below our guidance, $12.65
    billion versus $13 billion") and names no prior period of its own ("… $0.90 a year ago")."""
    return BENCHMARK_NAMED.search(text, start, before.start) is not None and AGO_RE.match(text[before.end :]) is None


def _level_compared(text: str, metric: _Metric, slots: _Slots, move: re.Match[str] | None) -> bool:
    """ "adjusted operating margin of 23 % is slightly higher than in 2019", "churn was 1.35 % in the
    quarter, higher than a year ago": the item's level, then a
    comparative against a prior period — a change stated in words, its figure the current one."""
    if move is None or slots.now is None or move.group(0).lower() not in _COMPARATIVES:
        return False
    than = _THAN.match(text, move.end())
    return (
        than is not None
        and THAN_PRIOR.match(text, than.end() - 4) is not None
        and len(text[metric.end : slots.now.start].split()) <= 2
        # "churn was 1.35 % for the quarter, higher than a year ago": a comma may close the level
        and WORDS_GAP.match(text[slots.now.end : move.start()].replace(",", " ,")) is not None
    )


# "grew organic sales over 10 %": a transitive verb (`TRANSITIVE_MOVES`) right before its object
_VERB_BEFORE = re.compile(
    r"\b(?P<move>"
    + "|".join(v for v, move in TRANSITIVE_MOVES.items() if move != "better" and " " not in v)
    + r")\s+$",
    re.IGNORECASE,
)
_SIZE_AFTER_OBJECT = re.compile(r"\s+(?:by\s+)?(?:(?:over|about|approximately|nearly|almost|more\s+than)\s+)?", re.I)
# "outpacing 2019 levels by 8 %", "exceeded the prior year by $3 million", "trailed last year by 2 %"
_BEYOND_PRIOR = re.compile(
    r"\s+(?:(?:was|were|is|are|has|have)\s+)?(?P<verb>outpac\w*|exceed\w*|surpass\w*|trail\w*)\s+(?:the\s+|its\s+|our\s+)?"
    r"(?:(?:19|20)\d\d|prior[- ]year|last\s+year(?:'s)?|year[- ]ago|pre-pandemic)\s+"
    r"(?:levels?\s+|results?\s+|period\s+|quarter\s+)?by\s+(?:(?:about|approximately|roughly|nearly|almost|more\s+than|over)\s+)?",
    re.IGNORECASE,
)
_LEVEL_OF = re.compile(r"\s*,?\s*(?:of|at|totall?ing)\s+(?:(?:about|approximately|roughly|nearly|almost)\s+)?")


def _level_then_move(text: str, metric: _Metric, slots: _Slots, move: re.Match[str] | None) -> bool:
    """ "Adjusted EBITDA of $9 million was down significantly": the item's level told after "of",
    then its movement word — a change in words, its figure the current one."""
    return (
        move is not None
        and slots.now is not None
        and move.start() > slots.now.end
        and _LEVEL_OF.fullmatch(text, metric.end, slots.now.start) is not None
        and WORDS_GAP.match(text[slots.now.end : move.start()]) is not None
        and move.group(0).lower() not in MOVE_NOUNS
    )


_BASE_BEFORE = re.compile(
    r"\b(?:rolling\s+over|lapping|on\s+top\s+of|against|versus|vs\.?|compared\s+(?:to|with)|following|after)\s+"
    r"(?:an?\s+|the\s+|last\s+year's\s+)?$",
    re.IGNORECASE,
)
_LAPPED = re.compile(
    r"\b(?:rolling\s+over|lapping|on\s+top\s+of)\s+(?:an?\s+|the\s+|last\s+year's\s+)?(?:\S+\s+){0,4}?(?:in|of)\s+"
    r"(?:the\s+|our\s+|its\s+)?(?:[\w&-]+\s+){0,3}$",
    re.IGNORECASE,
)
_RANGE_END = re.compile(r"\d\s*(?:%|percent|per\s?cent)?\s*(?:to|-|–|—|and)\s*$", re.IGNORECASE)


def _lead(text: str, metric: _Metric, values: list[Value], end: int) -> tuple[Value, str] | None:
    """A move written as a noun before the item, with its size before that: "a 250 basis point
    increase in operating margins", "30 basis points of higher commodity costs", "40 % premium
    growth" — the size and the move, or None."""
    if not values or values[-1].kind not in CHANGE_KINDS:
        return None
    v = values[-1]
    if _RANGE_END.search(text, max(0, v.start - 20), v.start):
        return None  # "8 % to 10 % recurring revenue growth": a range, a target's
    if _BASE_BEFORE.search(text, max(0, v.start - 30), v.start):
        return None  # "declined 1.9 % rolling over a 17.5 % increase in same store sales": last year's, the base
    between = text[v.end : metric.start]
    lead = LEAD_MOVE.match(between)
    word = (lead.group("noun") or lead.group("adjective")) if lead is not None else None
    if word is None and between.strip() in ("", "of"):
        noun = LEAD_NOUN_AFTER.match(text, metric.end, end)
        word = noun.group("noun") if noun is not None else None
    move = MOVE_RE.fullmatch(word) if word is not None else None
    return (v, _move_of(move)) if move is not None else None


# the words between a figure and the item it measures: none ("1.00 eur dividend"), "of" or "in" ("$2.1 million
# of restructuring costs", "$14.4 million in free cash flow")
_AHEAD_GAP = re.compile(r"\s*(?:(?:of|in)\s+)?", re.IGNORECASE)


# a per-share equivalent between the figure and its item: "$1.6 million, or $0.04 per share, of COVID costs"
_PER_SHARE_GAP = re.compile(r"\s+per\s+(?:diluted\s+)?share\s*,?\s*(?:(?:of|in)\s+)?", re.IGNORECASE)
_OR_ABOUT = re.compile(r"\s*,?\s*or\s+(?:approximately\s+|about\s+|roughly\s+)?", re.IGNORECASE)


def _ahead(text: str, metric: _Metric, values: list[Value]) -> Value | None:
    """The figure written just before the item that measures it ("proposed 1.00 eur dividend", "incurred
    $2.1 million of restructuring costs", "$1.6 million or $0.04 per share of COVID costs"), or None."""
    if not values:
        return None
    if _AHEAD_GAP.fullmatch(text, values[-1].end, metric.start) is not None:
        return values[-1]
    if (
        len(values) > 1
        and values[-1].kind is values[-2].kind
        and _PER_SHARE_GAP.fullmatch(text, values[-1].end, metric.start) is not None
        and _OR_ABOUT.fullmatch(text, values[-2].end, values[-1].start) is not None
    ):
        return values[-2]
    return None


def _anothers_prior(text: str, metric: _Metric, v: Value) -> bool:
    """Whether the prior figure ``v`` may be another item's: an item's name follows it ("$2.4 billion in cash
    and investments"), or the item is named again later and not right after it ("compares to $2.4 billion in
    cash and $1.6 billion in total debt")."""
    gap = _AHEAD_GAP.match(text, v.end)
    after = gap.end() if gap is not None else v.end
    if gap is not None and gap.group(0).strip() and METRIC_RE.match(text, after) is not None:
        return True
    again = text.lower().find(metric.text.lower(), v.end)
    return again >= 0 and again != after


def _figure_before_move(text: str, metric: _Metric) -> bool:
    """Whether a figure measures the movement word before the metric ("a 6.1 percent growth in beer
    sales", "a 150-basis-point improvement in the loss ratio")."""
    head = text[max(0, metric.start - 60) : metric.start]
    move = PRE_MOVE.search(head) or PRE_ADJ.search(head)
    return move is not None and FIGURE_BEFORE_MOVE.search(head, 0, move.start()) is not None


def _read_one(
    text: str,
    metric: _Metric,
    values: list[Value],
    end: int,
    hedged: bool,
    inherited: Change | None = None,
    lead: tuple[Value, str] | None = None,
    ahead: Value | None = None,
) -> list[Change]:
    if CONTRIBUTED_AFTER.match(text, metric.end):
        return []  # "Volume and mix contributed $153 million": a driver of another line's change
    if re.search(r"\brespectively\b", text[metric.end : end], re.IGNORECASE):
        # "Net interest margin totaled 3.09 % and 3.06 % for the three and nine months …, compared to
        # 3.08 % and 3.00 % …, respectively": one item over two periods; anything else is not read
        # "rents expense increased 5 % and 8 %, respectively, in the second quarter and year-to-date periods":
        # a change for each period, in the sentence's order (REAL.md: one item over two periods is two changes)
        # (an item that closes a list of names the reader does not know, "Aerospace sales and segment EBIT",
        # takes the last figure of each run)
        figures = [v for v in values if v.kind in AMOUNT_KINDS or v.kind in CHANGE_KINDS]
        respective = _respective(text, metric.end, figures, 2)
        closed = _LIST_CLOSED.search(text, max(0, metric.start - 40), metric.start)
        last = closed is not None and _AND_OTHER.match(text, closed.start()) is None
        read = [_change(text, metric, slots, hedged) for slots in (respective[-1:] if last else respective)]
        return _two_periods(text, metric, values, end, hedged) or [c for c in read if c is not None]
    if _LAPPED.search(text, max(0, metric.start - 60), metric.start):
        return []  # "lapping a 14.0 % increase in comparable sales a year ago": the base, last year's change
    slots = _fill(text, metric.end, values, end, metric.is_ratio, metric.is_per_share, metric.item)
    if slots.accounting:
        return []
    if slots.before is not None and _against_benchmark(text, metric.end, slots.before):
        slots.before = None  # "$12.65 billion versus $13 billion", after "below our guidance": not a prior period
    if slots.before is None and slots.change is None:
        _by_year(text, values, end, slots)
    beyond = _BEYOND_PRIOR.match(text, metric.end) if slots.before is None and slots.move is None else None
    if beyond is not None:
        size = next((v for v in values if v.start == beyond.end()), None)
        if size is not None and size.kind in (*CHANGE_KINDS, Kind.MONEY):
            # "casino revenues outpacing 2019 levels by 8 %": the size against a prior period
            slots.change, slots.move = size, "down" if beyond.group("verb").lower().startswith("trail") else "up"
    before_metric = _move_before(text, metric)
    if slots.change is None and slots.now is not None and slots.now.kind in CHANGE_KINDS and not metric.is_ratio:
        verb = _VERB_BEFORE.search(text, max(0, metric.start - 20), metric.start)
        if verb is not None and _SIZE_AFTER_OBJECT.fullmatch(text, metric.end, slots.now.start):
            # "we grew net sales 12 %", "grew gross premiums 19 %": the verb's object, then its size
            before_metric, slots.change, slots.now = TRANSITIVE_MOVES[verb.group("move").lower()], slots.now, None
    if before_metric is not None:
        slots.move = before_metric  # "the decrease in net debt was due to …": the words before decide
    if (
        ahead is not None
        and ahead.kind in (Kind.MONEY, Kind.COUNT)
        and slots.now is None
        and (slots.before or slots.change) is not None
        and not (slots.before is not None and _anothers_prior(text, metric, slots.before))
    ):
        # "proposed 1.00 eur dividend …, compared with 0.90 eur a year ago": the figure before names the item
        # (a prior figure that names an item of its own, "compares to $2.4 billion in cash and $1.6 billion in
        # total debt", may be another's)
        slots.now = ahead
    if lead is not None:
        # the size written before the item is its change ("a 2 % increase in revenues and a 55 % improvement in
        # gross profits": the 55 % is another's)
        slots.change, slots.move = lead
    shared = (
        slots.move is None
        and slots.change is not None
        and inherited is not None
        and slots.change.amount > 0
        and re.match(r"^\s+by\b", text[metric.end : slots.change.start], re.I) is not None
    )
    if shared:
        # "net sales increased by 5.2 % …, and operating profit by 34.9 %": the verb is shared
        slots.move = RAW_MOVES.get(inherited.direction)  # type: ignore[union-attr]
    out: list[Change] = []
    has_figures = slots.before is not None or slots.change is not None
    if not has_figures:
        if slots.move is None:
            return out  # a level ("revenue was $12 million"), or nothing at all
        first = MOVE_RE.search(text, metric.end, end)
        near = (
            (
                first is not None
                and WORDS_GAP.match(text[metric.end : first.start()]) is not None
                and first.group(0).lower() not in MOVE_NOUNS  # "net sales in growth markets"
            )
            or _level_compared(text, metric, slots, first)
            or _level_then_move(text, metric, slots, first)
        )
        if not near and before_metric is None:
            return out  # a movement word somewhere later is not this metric's
        if _cause(text, metric):
            return out  # "on lower net earnings", "driven by higher volumes": a cause, not a statement
        if not near and metric.modified and not _figure_before_move(text, metric):
            return out  # "growth in e-commerce revenue", "increased rail traffic": a part's move names a driver
    paired = _paired(text, slots, values)
    if paired is not None and slots.now is paired:
        slots.now = None  # "decreased by $68 million and $44 million": the second is a size, not a level
    change = _change(text, metric, slots, hedged)
    if change is not None:
        out.append(change)
        again = _second_move(text, metric, slots, values, hedged) if paired is None else None
        if paired is not None:
            now2 = _paired_with(text, slots.now, values)
            again = _change(text, metric, _Slots(now=now2, change=paired, move=slots.move, end=paired.end), hedged)
        if again is not None:
            out.append(again)
    if slots.ps_now is not None and slots.ps_before is not None and slots.ps_span is not None:
        s, e = slots.ps_span
        per_share = _Metric(s, e, text[s:e], metric.polarity, False, metric.is_profit)
        ps = _Slots(
            now=slots.ps_now,
            before=slots.ps_before,
            move=slots.move,
            end=slots.ps_before.end,
            now_sign=slots.now_sign,
            before_sign=slots.before_sign,
        )
        extra = _change(text, per_share, ps, hedged)
        if extra is not None:
            out.append(extra)
    return out


# "up 56 % from a year ago and up 5 % sequentially", "a decrease of $3.1 million sequentially and $3 million
# year-over-year": a second move of the same item against another comparison point
_SECOND_MOVE = re.compile(
    r"(?P<point>[^\d]{0,60}?)(?:,\s*|\s+)(?:and|while|but)\s+(?:(?:was|were|is|are)\s+)?"
    r"(?P<move>[a-z]+(?:\s+(?:up|down))?\s+)??(?:by\s+)?(?:(?:about|approximately|roughly|nearly|almost)\s+)?",
    re.IGNORECASE,
)
_COMPARISON_POINT = re.compile(
    r"\s*,?\s*(?:sequentially|year[- ](?:over|on)[- ]year|yoy|y/y|from|over|versus|vs\.?|compared\s+(?:to|with)|"
    r"against|(?:in|for|over)\s+the\s+(?:prior|previous|same|year[- ]ago|preceding|last))\b",
    re.IGNORECASE,
)


_MEASURE = re.compile(
    r"\s+in\s+(?:units|dollars|dollar\s+terms|value|value\s+terms|volume|volume\s+terms|tons|tonnes|local\s+currency)\b",
    re.IGNORECASE,
)


def _second_gap(text: str, slots: _Slots, v: Value) -> re.Match[str] | None:
    """The words between a sized move and ``v`` when ``v`` sizes a second move (`_second_move`)."""
    if slots.change is None or v.kind not in (*CHANGE_KINDS, Kind.MONEY):
        return None
    measured = _MEASURE.match(text, v.end) is not None  # "up 85 % in units and 97 % in dollars"
    if not measured and not _COMPARISON_POINT.match(text, v.end):
        return None
    gap = _SECOND_MOVE.fullmatch(text, slots.end, v.start)
    if gap is None:
        return None
    point = gap.group("point")
    return gap if _COMPARISON_POINT.search(point) or (measured and _MEASURE.fullmatch(point)) else None


# "up 7 %, or 5 % on an organic basis", "grew 19 %, 4 % adjusted for transportation", "an increase of 7.3 %
# …, which included operational growth of 6.1 %": the same move told again on another basis
_BASIS_GAP = re.compile(
    r"[^\d]{0,50}?(?:,\s*|\s+)(?:or\s+)?(?:by\s+)?(?:(?:about|approximately|roughly|nearly|almost)\s+)?"
    r"|[^\d]{0,60}?,\s*(?P<included>(?:which\s+)?includ(?:ed|ing|es))\s+(?:organic|operational|underlying)\s+(?:growth|increase|decline)\s+of\s+",
    re.IGNORECASE,
)
_BASIS_AFTER = re.compile(
    r"\s*,?\s*(?:on\s+an?\s+(?:[\w-]+\s+){0,2}basis|organically|(?:at|in|on)\s+(?:constant|comparable)\s+"
    r"(?:currency|currencies|exchange)|in\s+local\s+currenc|excluding\b|ex-|adjusted\s+for\b)",
    re.IGNORECASE,
)


def _other_basis(text: str, slots: _Slots, v: Value) -> bool:
    """Whether ``v`` tells the sized move before it again on another basis (`_BASIS_GAP`)."""
    if slots.change is None or v.kind is not slots.change.kind or v.kind not in CHANGE_KINDS:
        return False
    gap = _BASIS_GAP.fullmatch(text, slots.end, v.start)
    if gap is None:
        return False
    return gap.group("included") is not None or _BASIS_AFTER.match(text, v.end) is not None


_AND_GAP = re.compile(r"\s*,?\s*and\s+(?:by\s+)?")
# what says the paired figures are two periods' ("the six and three months", "the quarter and the first
# half"; "respectively" has its own reading, `_respective`)
_TWO_PERIODS = re.compile(
    r"\b(?:three|six|nine|twelve)\s+and\s+(?:three|six|nine|twelve)(?:-|\s+)months?\b|"
    r"\bquarter\s+and\s+(?:the\s+)?(?:first\s+half|full\s+year|year[- ]to[- ]date|nine\s+months|six\s+months)\b",
    re.IGNORECASE,
)


def _paired_with(text: str, v: Value | None, values: list[Value]) -> Value | None:
    """The figure of ``v``'s kind joined to it by "and" ("59.0 % and 59.8 %"), or None."""
    if v is None:
        return None
    w = next((w for w in values if w.start >= v.end), None)
    if w is None or w.kind is not v.kind or _AND_GAP.fullmatch(text, v.end, w.start) is None:
        return None
    return w


def _paired(text: str, slots: _Slots, values: list[Value]) -> Value | None:
    """A second size joined to the move's ("decreased by $68 million and $44 million during the six and
    three months"): one item's moves in two periods, the
    sentence saying so (`_TWO_PERIODS`); not a range ("between 2 % and 3 %")."""
    if slots.change is None or slots.before is not None:
        return None
    w = _paired_with(text, slots.change, values)
    if w is None or re.search(r"\bbetween\s+\S*$", text[max(0, slots.change.start - 12) : slots.change.start], re.I):
        return None
    return w if _TWO_PERIODS.search(text) else None


def _second_move(text: str, metric: _Metric, slots: _Slots, values: list[Value], hedged: bool) -> Change | None:
    """A second sized move of the item after a first one told against a comparison point, joined by
    "and", with a comparison point of its own; the verb left out when the size is told the same way;
    or the same move told again on another basis (`_other_basis`)."""
    if slots.change is None:
        return None
    v = next((v for v in values if v.start >= slots.end), None)
    if v is not None and _other_basis(text, slots, v):
        return _change(text, metric, _Slots(change=v, move=slots.move, end=v.end), hedged)
    gap = _second_gap(text, slots, v) if v is not None else None
    if v is None or gap is None:
        return None
    word = gap.group("move")
    if word is not None:
        moved = MOVE_RE.fullmatch(word.strip())
        if moved is None or _not_a_move(text, moved):
            return None
        move: str | None = _move_of(moved)
    elif v.kind is slots.change.kind:
        move = slots.move  # "… sequentially and $3 million year-over-year": the first verb is shared
    else:
        return None
    second = _Slots(now=slots.now, change=v, move=move, now_sign=slots.now_sign, end=v.end)
    return _change(text, metric, second, hedged)


def _two_periods(text: str, metric: _Metric, values: list[Value], end: int, hedged: bool) -> list[Change]:
    """One item's figures for two periods, "A1 and A2 …, compared to B1 and B2 …, respectively": a
    change for each period (the first is the one the sentence names first)."""
    amounts = [v for v in values if v.kind in AMOUNT_KINDS]
    split = next((m for m in MARK_RE.finditer(text, metric.end, end) if m.group("before")), None)
    if len(amounts) != 4 or split is None:
        return []
    nows = [v for v in amounts if v.start < split.start()]
    befores = [v for v in amounts if v.start > split.start()]
    if len(nows) != 2 or len(befores) != 2 or not all(_compatible(a, b) for a, b in zip(nows, befores, strict=True)):
        return []
    out = []
    for now, before in zip(nows, befores, strict=True):
        change = _change(text, metric, _Slots(now=now, before=before, end=before.end), hedged)
        if change is not None:
            out.append(change)
    return out


# "A and B both rose 3 %", "A, B and C each declined": the figure after is every item's
_SHARED_FIGURE = re.compile(r"\s+(?:(?:have|has|were|are)\s+)?(?:all|both|each)\b", re.IGNORECASE)


def _read_list(text: str, group: list[_Metric], values: list[Value], end: int, hedged: bool) -> list[Change]:
    """Several metrics sharing figures: "net sales and EBIT rose to A1 and A2, respectively,
    from B1 and B2" (or "respectively by P1 % and P2 %", "respectively from B1 and B2"), and
    "net sales and EBIT rose" (words only); anything else is read one metric at a time."""
    start = group[-1].end
    amounts = [v for v in values if v.kind in AMOUNT_KINDS]
    if not values:
        # Only the last metric is followed by the words; the others share its movement.
        if not _read_one(text, group[-1], [], end, hedged):
            return []
        slots = _fill(text, start, [], end)
        return [c for c in (_change(text, metric, slots, hedged) for metric in group) if c is not None]
    k = len(group)
    if _SHARED_FIGURE.match(text, start) and not re.search(r"\brespectively\b", text[start:end], re.IGNORECASE):
        # "net sales, gross profit and operating income all increased 5 %": one move for each item
        slots = _fill(text, start, values, end)
        if slots.now is None and slots.before is None and slots.change is not None:
            return [c for c in (_change(text, metric, slots, hedged) for metric in group) if c is not None]
        return []
    respectively = re.search(r"\brespectively\b", text[start:end], re.IGNORECASE)
    if respectively is None:
        return []
    told = [v for v in values if v.start < start + respectively.start()]
    if len(values) - len(told) not in (0, k):
        # "up 45 % and 38 %, respectively, compared to last year and parts made up 65 % of revenue":
        # the figures after the comparison point are another statement's
        values = told
        amounts = [v for v in values if v.kind in AMOUNT_KINDS]
    verbs = {_move_of(m) for m in MOVE_RE.finditer(text, start, end)}
    if len(verbs) > 1:
        return []  # "fell 5 % and rose 8 %, respectively": which verb is whose is not read
    move = MOVE_RE.search(text, start, values[0].start)
    moved = _move_of(move) if move else None
    split = next((m for m in MARK_RE.finditer(text, start, end) if m.group("before")), None)
    out: list[Change | None] = []
    if len(amounts) == 2 * k and split is not None:
        nows = [v for v in amounts if v.start < split.start()]
        befores = [v for v in amounts if v.start > split.start()]
        if len(nows) != k or len(befores) != k:
            return []
        for metric, now, before in zip(group, nows, befores, strict=True):
            out.append(_change(text, metric, _Slots(now=now, before=before, move=moved, end=before.end), hedged))
    elif len(values) == k and moved is not None:
        # "increased, respectively, by 26.6 % and 3.4 %" / "… respectively from EUR20 .8 m and EUR177 .7 m"
        word = text[start : values[0].start].lower()
        role = "before" if split is not None and split.start() < values[0].start else "change"
        if role == "change" and not all(v.kind in CHANGE_KINDS for v in values) and " by " not in word:
            return []
        for metric, v in zip(group, values, strict=True):
            slots = _Slots(move=moved, end=v.end)
            setattr(slots, role, v)
            out.append(_change(text, metric, slots, hedged))
    else:
        # "revenue and operating income decreased 33.9 % and 60.2 % to $17.5 million and $1.4 million respectively"
        out += [
            _change(text, metric, slots, hedged)
            for metric, slots in zip(group, _respective(text, start, values, k), strict=False)
        ]
    return [c for c in out if c is not None]


_RESULT_WORD = re.compile(r"(?:(?:net|pre-?tax|operating)\s+)?(?P<sign>loss|profit)\b", re.IGNORECASE)
_PRIOR_RESULT = re.compile(r"\b(?:compared\s+(?:to|with)|versus|vs\.?|against|from)\s+(?:an?\s+)?", re.IGNORECASE)


def _result_pair(
    text: str, metric: _Metric, values: list[Value], boundaries: list[int], clause_start: int
) -> tuple[Change, int] | None:
    """A result told with its figure before the word, against a prior one told so too: "a EUR1.49
    million loss in the second quarter compared with a 1.70 million profit", "a $3 million profit,
    compared to a $5 million loss a year ago" — the change, and where its prior result's word ends."""
    word = _RESULT_WORD.fullmatch(metric.text)
    if word is None or metric.polarity is None:
        return None
    now = next((v for v in values if v.kind is Kind.MONEY and text[v.end : metric.start].strip() == ""), None)
    if now is None:
        return None
    end = min(b for b in boundaries if b >= metric.end)
    mark = _PRIOR_RESULT.search(text, metric.end, end)
    before = next((v for v in values if mark is not None and v.start == mark.end()), None)
    prior = (
        _RESULT_WORD.match(text, before.end + 1)
        if before is not None and text[before.end : before.end + 1] == " "
        else None
    )
    if before is None or prior is None or before.kind is not Kind.MONEY:
        return None
    slots = _Slots(
        now=now,
        before=before,
        now_sign=word.group("sign").lower(),
        before_sign=prior.group("sign").lower(),
        end=prior.end(),
    )
    change = _change(text, metric, slots, _hedged(text, clause_start, end))
    return (change, prior.end()) if change is not None else None


# an item closing a list of names ("Aerospace inventories and segment EBIT"); "A and other B" is one item's
# name ("equipment and other rents expense")
_LIST_CLOSED = re.compile(r"\w\s+and\s+(?:[\w&-]+\s+){0,2}$", re.IGNORECASE)
_AND_OTHER = re.compile(r"\w\s+and\s+other\b", re.IGNORECASE)
_RUN_JOIN = re.compile(r"\s*,?\s*(?:and|&)?\s*")


def _respective(text: str, start: int, values: list[Value], k: int) -> list[_Slots]:
    """The figures of ``k`` items (or periods) read "respectively": runs of ``k`` figures joined by
    "and", each run's role told by the word before it — a movement word or "by" before the moves
    ("decreased 33.9 % and 60.2 %", "representing decreases of $228 million and $1.21 billion"),
    "to" before the current figures, "from" or "compared to" before the prior ones, nothing before
    the current ones ("were $1.17 billion and $1.58 billion"). One `_Slots` per item, or none
    when the runs do not line up, a role comes twice, or nothing says which way."""
    runs: list[tuple[str, list[Value]]] = []
    pos = start
    for v in values:
        gap = text[pos : v.start]
        if runs and len(runs[-1][1]) < k and _RUN_JOIN.fullmatch(gap):
            runs[-1][1].append(v)
        else:
            runs.append((_run_role(text, pos, v.start), [v]))
        pos = v.end
    roles = [role for role, _ in runs]
    if not runs or len(set(roles)) != len(roles) or any(len(run) != k for _, run in runs):
        return []
    if not {"change", "before"} & set(roles):
        return []  # levels only: "$132 million and $181 million for the second quarter and six months"
    moves = {_move_of(m) for m in MOVE_RE.finditer(text, start, pos) if not _not_a_move(text, m)}
    if len(moves) > 1:
        return []  # "fell 5 % and rose 8 %, respectively": which verb is whose is not read
    move = next(iter(moves), None)
    by_role = dict(runs)
    changes = by_role.get("change", [])
    if any(v.kind not in (*CHANGE_KINDS, Kind.MONEY) for v in changes):
        return []
    out = []
    for j in range(k):
        slots = _Slots(move=move, end=max(v.end for _, run in runs for v in run))
        for role, run in runs:
            setattr(slots, role, run[j])
        out.append(slots)
    return out


def _run_role(text: str, start: int, end: int) -> str:
    """The role of the figures after ``text[start:end]``, by the last marker or movement word in it."""
    last: tuple[int, str] = (-1, "now")
    for m in MARK_RE.finditer(text, start, end):
        role = "before" if m.group("before") or m.group("than") else "now" if m.group("to") else None
        role = "change" if m.group("by") else role
        if role is not None:
            last = max(last, (m.end(), role))
    for m in MOVE_RE.finditer(text, start, end):
        if not _not_a_move(text, m):
            last = max(last, (m.end(), "change"))
    return last[1]


def _by_year(text: str, values: list[Value], end: int, slots: _Slots) -> None:
    """ "ROIC was 31.3 % for fiscal 2024 and 36.7 % for fiscal 2023": two figures, each labelled
    with its year; the later year's is the current one."""
    amounts = [v for v in values if v.kind in AMOUNT_KINDS]
    if len(amounts) != 2:
        return
    years = [YEAR_LABEL.match(text[v.end : end]) for v in amounts]
    if years[0] is None or years[1] is None or years[0].group("year") == years[1].group("year"):
        return
    later = 0 if years[0].group("year") > years[1].group("year") else 1
    slots.now, slots.before = amounts[later], amounts[1 - later]
    slots.end = max(slots.end, amounts[1].end)


def _compatible(now: Value, before: Value) -> bool:
    if now.currency and before.currency and now.currency != before.currency:
        return False
    if now.kind is Kind.PERCENT and before.kind is Kind.NUMBER and before.in_parens:
        return True  # "7.5 percent (7.4)": the prior figure leaves its unit out
    money_like = (Kind.MONEY, Kind.NUMBER)
    if now.kind in money_like and before.kind in money_like:
        return True
    if now.kind is Kind.COUNT and before.kind in (Kind.COUNT, Kind.NUMBER):
        return before.noun in (None, now.noun)
    return now.kind is before.kind


def _aligned(now: Value, before: Value) -> float:
    """The prior figure in the current figure's scale ("$1.1 billion vs $980 million" → 0.98;
    "EUR2 .1 m from EUR995 ,000" → 0.995; "EUR 500,000 from EUR 5.3 million" → 5,300,000)."""
    if before.scale == now.scale:
        return before.amount
    if before.scale is None and now.scale is not None:
        if abs(before.amount) < 1000 or (now.amount and 0.1 <= abs(before.amount / now.amount) <= 10):
            return before.amount  # "3.2 mn ( 2.9 )", "SEK 8,412 m (7,905)": the prior figure leaves its scale out
        return before.amount / SCALE_FACTORS[now.scale]
    if now.scale is None:
        return before.absolute if abs(now.amount) >= 1000 else before.amount
    return before.absolute / (now.absolute / now.amount) if now.amount else before.amount


def _figures(metric: _Metric, slots: _Slots, notes: list[str]) -> tuple[float | None, float | None, float | None]:
    """The stated figures (``now``, ``before``, in the current figure's scale) and the move from
    one to the other in profit space (up is good for a result, a loss counts negative), or None.

    "A loss of" before a profit metric's figure and "a profit of" before a loss metric's make
    that figure negative; a loss metric written with negative figures ("Net loss was $(2.1)
    million compared to $(3.4) million") is read as loss amounts."""
    is_loss = metric.polarity is Polarity.LOSS
    now_v, before_v = slots.now, slots.before
    now = now_v.amount if now_v is not None else None
    before = before_v.amount if before_v is not None else None
    flipped = "profit" if is_loss else "loss"
    if now is not None and slots.now_sign == flipped:
        now = -abs(now)
    if now_v is None or before_v is None:
        if before is not None and slots.before_sign == flipped:
            before = -abs(before)
        return now, before, None
    if not _compatible(now_v, before_v):
        notes.append("the two figures are not of one kind")
        return now, before, None
    before = round(_aligned(now_v, before_v), 6)
    if slots.before_sign == flipped:
        before = -abs(before)
    assert now is not None
    if is_loss and slots.now_sign is None and slots.before_sign is None:
        if now < 0 and before < 0:
            now, before = -now, -before  # a loss written as negative figures: the amounts
        elif (now < 0) != (before < 0) and 0 not in (now, before):
            notes.append("a loss written with one negative figure")
            return now, before, None
    sign = -1.0 if is_loss else 1.0
    if before and abs(now - before) <= 1e-3 * abs(before):
        return now, before, 0.0  # "SEK -2,192 million (-2,193)": a rounding, not a move
    return now, before, sign * (now - before)


def _word_sign(metric: _Metric, word: str | None) -> int | None:
    """A movement word's direction: +1 up, -1 down, 0 flat, None without one — the figure's own
    direction, except for a loss metric, whose direction is in profit space (a loss that widens
    is a fall; "improved" is up)."""
    is_loss = metric.polarity is Polarity.LOSS
    if word in ("better", "worse") and is_loss:
        return 1 if word == "better" else -1
    raw = _raw_sign(metric, word)
    if raw is not None:
        return -raw if is_loss else raw
    return 0 if word == "flat" else None


def _raw_sign(metric: _Metric, word: str | None) -> int | None:
    """Which way the figure itself moves by the word: "worsened" raises a cost ratio or a loss
    and lowers a margin."""
    if word in ("up", "down"):
        return 1 if word == "up" else -1
    if word in ("better", "worse"):
        return 1 if (word == "better") == (metric.polarity is Polarity.UP_GOOD) else -1
    return None


def _change(text: str, metric: _Metric, slots: _Slots, hedged: bool) -> Change | None:
    """The change the filled slots state, or None when they state no direction at all."""
    is_loss = metric.polarity is Polarity.LOSS
    now_v, before_v = slots.now, slots.before
    notes: list[str] = []
    now, before, numeric = _figures(metric, slots, notes)
    unit = currency = None
    if now_v is not None:
        unit, currency = now_v.unit, now_v.currency
    elif before_v is not None:
        unit = before_v.unit
    if before_v is not None:
        currency = currency or before_v.currency

    word_sign = _word_sign(metric, slots.move)
    stated = slots.change
    change: float | None = None
    change_unit: str | None = None
    stated_sign: int | None = None  # in profit space, when the stated change carries its own sign
    if stated is not None:
        change_unit = {Kind.PERCENT: "%", Kind.POINTS: "pp", Kind.BASIS_POINTS: "bp"}.get(stated.kind)
        change = stated.amount
        raw = _raw_sign(metric, slots.move)
        if stated.amount < 0:
            stated_sign = 1 if is_loss else -1  # "changed by -38 %": down; a loss going down narrows
        elif raw is not None:
            change = abs(stated.amount) * raw
        if change_unit is None and stated.kind is not Kind.PERCENT:
            change_unit = stated.unit
            currency = currency or stated.currency

    # The direction, from the numbers when they are there, else from the stated change or word.
    signs = {
        "numbers": (0 if numeric == 0 else (1 if numeric > 0 else -1)) if numeric is not None else None,
        "stated": stated_sign,
        "words": word_sign,
    }
    known = {k: s for k, s in signs.items() if s is not None}
    if numeric is not None:
        basis = "numbers"
    elif stated is not None:
        basis = "stated"
    else:
        basis = "words"
    direction_sign = known.get(basis, known.get("words"))
    if direction_sign is None:
        return None  # figures without a direction ("net charge-offs were $29 million or 22 bp")
    crossed = (
        numeric is not None
        and now is not None
        and before is not None
        and (now < 0) != (before < 0)
        and (is_loss or metric.is_profit)
    )
    if crossed:
        known.pop("words", None)  # "down from a profit of EUR 5.1 mn": the words speak of the result
    if len(set(known.values())) > 1:
        notes.append("the words and the figures disagree")

    if change is None and now is not None and before is not None and numeric is not None and now_v is not None:
        change, change_unit = _computed_change(metric, now_v, now, before)

    direction = _direction(metric, direction_sign, now, before, is_loss, basis)
    verdict = _verdict(metric.polarity, direction)
    if direction is Direction.UNCHANGED:
        notes.append("nothing moved")
    if hedged:
        notes.append("negated, hedged or expected")
    if notes:
        verdict = Verdict.UNKNOWN
    return Change(
        metric=metric.text,
        metric_start=metric.start,
        metric_end=metric.end,
        start=metric.start,
        end=max(slots.end, metric.end),
        now=now,
        before=before,
        unit=unit,
        currency=currency,
        change=round(change, 1 if stated is None else 4) if change is not None else None,
        change_unit=change_unit,
        direction=direction,
        polarity=metric.polarity,
        verdict=verdict,
        basis=basis,
        note="; ".join(notes) or None,
    )


def _computed_change(metric: _Metric, now_v: Value, now: float, before: float) -> tuple[float | None, str | None]:
    if now_v.kind is Kind.PERCENT and metric.is_ratio:
        return now - before, "pp"
    if now_v.kind is Kind.BASIS_POINTS:
        return now - before, "bp"  # "24 basis points compared to 26 basis points": a ratio's levels
    if before == 0 or (now < 0) != (before < 0):
        return None, None
    return (now - before) / abs(before) * 100, "%"


def _direction(
    metric: _Metric, sign: int, now: float | None, before: float | None, is_loss: bool, basis: str
) -> Direction:
    if sign == 0:
        return Direction.UNCHANGED
    if is_loss:
        if basis == "numbers" and now is not None and before is not None:
            if before < 0 <= now:
                return Direction.PROFIT_TO_LOSS
            if now < 0 <= before:
                return Direction.LOSS_TO_PROFIT
        return Direction.LOSS_NARROWED if sign > 0 else Direction.LOSS_WIDENED
    if metric.is_profit and basis == "numbers" and now is not None and before is not None:
        if before < 0 < now or (before < 0 and now == 0):
            return Direction.LOSS_TO_PROFIT
        if now < 0 <= before:
            return Direction.PROFIT_TO_LOSS
        if now < 0 and before < 0:
            return Direction.LOSS_NARROWED if sign > 0 else Direction.LOSS_WIDENED
    return Direction.UP if sign > 0 else Direction.DOWN


_GOOD_IN_PROFIT_SPACE = {
    Direction.LOSS_NARROWED: True,
    Direction.LOSS_WIDENED: False,
    Direction.LOSS_TO_PROFIT: True,
    Direction.PROFIT_TO_LOSS: False,
}


def _verdict(polarity: Polarity | None, direction: Direction) -> Verdict:
    if polarity is None or direction is Direction.UNCHANGED:
        return Verdict.UNKNOWN
    if direction in _GOOD_IN_PROFIT_SPACE:
        return Verdict.GOOD if _GOOD_IN_PROFIT_SPACE[direction] else Verdict.BAD
    up = direction is Direction.UP
    good = up if polarity is Polarity.UP_GOOD else not up
    return Verdict.GOOD if good else Verdict.BAD


def change_between(text: str, match: re.Match[str], now: Value, before: Value) -> Change | None:
    """The change from ``before`` to ``now`` of the metric ``match`` names (a `METRIC_RE` match in
    ``text``): a table row's current and prior cells (`finlocal.changes.tables`)."""
    metric = _metric(match)
    return _change(text, metric, _Slots(now=now, before=before, end=max(now.end, before.end)), hedged=False)

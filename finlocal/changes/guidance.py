"""The outlook: guidance raised, lowered, narrowed, reaffirmed or withdrawn, as a change of its own kind.

A release's news is often its guidance: "The company raised its full-year EPS guidance to
$4.10–$4.20 from $3.90–$4.05", "now expects net sales of EUR 1.2–1.3 billion (previously EUR
1.1–1.2 billion)", "lowered its outlook", "reaffirmed its guidance", "withdrew its guidance".
`read_guidance` returns one `Change` of kind `ChangeKind.GUIDANCE` for such a sentence:

- a range against a range (or a figure against a figure) is compared by midpoints: "narrowed" to a
  higher midpoint is a raise;
- "raised"/"lowered" without figures give the direction by the word; figures and word that
  disagree leave the verdict unknown;
- "reaffirmed", "reiterated", "maintained" are unchanged, with no verdict;
- "withdrawn", "suspended" are bad news whatever the item.

The item is the line item named nearest the guidance word ("EPS guidance", "outlook for adjusted
EBITDA"); without one it is the outlook itself, read as higher-is-better. A guidance sentence
that is itself hedged ("may raise", "does not expect to raise") is read with no verdict. A
forecast that revises nothing ("expects revenue of $1.1 billion to $1.2 billion") is no change.
"""

from __future__ import annotations

import re

from finlocal.changes.record import Change, ChangeKind, Direction, Verdict
from finlocal.changes.values import Kind, Value, find_values
from finlocal.changes.vocabulary import ITEMS, METRIC_RE
from finlocal.lexicon import Polarity

__all__ = ["GUIDANCE_CUE", "read_guidance"]

_GUIDANCE = re.compile(
    r"\b(?:guidance|outlook|forecasts?|expectations?(?=\s+for\b)|full[- ]year\s+targets?|financial\s+targets?|"
    r"projections?)\b",
    re.IGNORECASE,
)
_VERBS = {
    "raised": r"raised|raises|raising|raise|increasing|lift|increased|increases|lifted|lifts|upgraded|upgrades|boosted|"
    r"hiked|improved",
    "lowered": r"lowered|lowers|lowering|lower|reduce|reducing|cut|cuts|reduced|reduces|trimmed|trims|downgraded|"
    r"downgrades|slashed",
    "narrowed": r"narrowed|narrows|narrow|tightened|tightens|refined|refines|updated|updates|revised|revises",
    "reaffirmed": r"reaffirmed|reaffirms|reiterated|reiterates|maintained|maintains|confirmed|confirms|affirmed|"
    r"affirms|kept|unchanged",
    "withdrawn": r"withdrew|withdrawn|withdraws|withdraw|suspend|suspended|suspends|pulled|scrapped|abandoned",
}
_VERB_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{name}>{words})" for name, words in _VERBS.items()) + r")\b", re.IGNORECASE
)
_NOW_EXPECTS = re.compile(r"\bnow\s+(?:expects?|sees?|anticipates?|forecasts?|projects?|targets?|guides?)\b", re.I)
# What makes a figure the prior one: "from", "previously", "compared with our previous outlook of",
# with no "to" and no other figure between ("from a previously elevated range of $2.19 to $2.25").
_PREVIOUS = re.compile(
    r"(?:\b(?:from|previously|prior|previous|earlier)\b|\(\s*(?:previously|prior|previous))"
    r"(?:(?!\bto\b)[^\d$€£()])*$",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|would(?!\s+(?:reflect|represent|imply|mean|equate))|if|not|no|unlikely|consider(?:s|ing)?|plans?\s+to|intends?\s+to)\b|n't\b",
    re.I,
)
# A cheap test first: does the sentence speak of guidance at all?
GUIDANCE_CUE = re.compile(
    r"guidance|outlook|forecast|target|expectation|projection|now\s+(?:expect|see|anticipate|project|guide)",
    re.IGNORECASE,
)
# Items whose guidance is neither good nor bad news in itself (REAL.md: capex, headcount, share counts).
_NO_POLARITY = re.compile(
    r"\b(?:capital\s+(?:expenditures?|spending|budget|plan)|capex|headcount|share\s+count|tax\s+payments)\b", re.I
)
_RANGE_JOIN = re.compile(r"^\s*(?:[-–—]|to|and)\s*$", re.IGNORECASE)


def _groups(text: str, values: list[Value]) -> list[tuple[int, int, float, Value]]:
    """The figures, a range joined into one: (start, end, midpoint, first figure)."""
    out: list[tuple[int, int, float, Value]] = []
    i = 0
    while i < len(values):
        v = values[i]
        if v.kind is Kind.YEAR:
            i += 1
            continue
        nxt = values[i + 1] if i + 1 < len(values) else None
        if nxt is not None and nxt.kind is not Kind.YEAR and _RANGE_JOIN.match(text[v.end : nxt.start]):
            mid = round((v.amount + nxt.amount) / 2, 6)
            out.append((v.start, nxt.end, mid, v if v.currency or v.scale else nxt))
            i += 2
            continue
        if v.kind is not Kind.OTHER:
            out.append((v.start, v.end, v.amount, v))
        i += 1
    return out


def read_guidance(text: str) -> tuple[Change, ...]:
    """The guidance revision ``text`` states, as one `Change` of kind guidance, or none."""
    word = _GUIDANCE.search(text)
    now_expects = _NOW_EXPECTS.search(text)
    if word is None and now_expects is None:
        return ()
    anchors = [m for m in (word, now_expects) if m is not None]
    anchor = min(anchors, key=lambda m: m.start())
    verb = _nearest_verb(text, anchor.start(), anchor.end())
    if verb is None and now_expects is None:
        return ()  # a forecast that revises nothing
    figures = _groups(text, find_values(text))
    now = before = None
    for start, _end, mid, value in figures:
        if start < anchor.start() - 60:
            continue
        head = text[max(0, start - 60) : start]
        if _PREVIOUS.search(head):
            before = before or (mid, value)
        elif now is None:
            now = (mid, value)
    if verb is None and (now_expects is None or now is None or before is None):
        return ()  # a forecast that revises nothing
    name = verb.lastgroup if verb is not None else None
    metric_start, metric_end, metric, polarity = _item(text, anchor.start(), anchor.end(), verb)
    hedged = _HEDGE.search(text) is not None
    if name in ("withdrawn", "reaffirmed") and now_expects is None:
        now = before = None
        figures = []  # "withdrew its 2020 guidance due to COVID-19": no figures compared
    direction, notes = _direction(name, now, before)
    if direction is None:
        return ()
    if direction is Direction.WITHDRAWN:
        verdict = Verdict.BAD
    elif direction is Direction.UNCHANGED:
        verdict = Verdict.UNKNOWN
        notes.append("guidance reaffirmed" if name == "reaffirmed" else "nothing moved")
    else:
        verdict = (
            Verdict.UNKNOWN
            if polarity is None
            else Verdict.GOOD
            if (direction is Direction.UP) == (polarity is Polarity.UP_GOOD)
            else Verdict.BAD
        )
    if hedged:
        notes.append("negated, hedged or expected")
    if notes and direction is not Direction.UNCHANGED or hedged:
        verdict = Verdict.UNKNOWN
    stated = now or before
    shown = stated[1] if stated is not None else None
    percent = "%" in text[shown.start : shown.end + 3] if shown is not None else False
    change = change_unit = None
    if now is not None and before is not None and (before[0] or percent):
        change = round(now[0] - before[0], 4) if percent else round((now[0] - before[0]) / abs(before[0]) * 100, 1)
        change_unit = "pp" if percent else "%"
    ends = [e for _s, e, _m, _v in figures] + [anchor.end(), verb.end() if verb is not None else 0, metric_end]
    return (
        Change(
            metric=metric,
            metric_start=metric_start,
            metric_end=metric_end,
            start=min(metric_start, anchor.start(), verb.start() if verb is not None else len(text)),
            end=max(ends),
            now=now[0] if now is not None else None,
            before=before[0] if before is not None else None,
            unit="%" if percent else shown.unit if shown is not None else None,
            currency=shown.currency if shown is not None else None,
            change=change,
            change_unit=change_unit,
            direction=direction,
            polarity=polarity,
            verdict=verdict,
            basis="numbers" if now is not None and before is not None else "words",
            note="; ".join(notes) or None,
            kind=ChangeKind.GUIDANCE,
        ),
    )


def _nearest_verb(text: str, start: int, end: int) -> re.Match[str] | None:
    """The revision verb within a few words of the guidance word ("raised its full-year EPS
    guidance"); a raise or a cut wins over a word that only narrows ("raised and narrowed")."""
    best: re.Match[str] | None = None
    for m in _VERB_RE.finditer(text, max(0, start - 70), min(len(text), end + 40)):
        directed = m.lastgroup in ("raised", "lowered")
        best_directed = best is not None and best.lastgroup in ("raised", "lowered")
        closer = best is not None and abs(m.start() - start) < abs(best.start() - start)
        if best is None or (directed and not best_directed) or (directed == best_directed and closer):
            best = m
    return best


def _item(text: str, start: int, end: int, verb: re.Match[str] | None) -> tuple[int, int, str, Polarity | None]:
    """The line item the guidance is for: the first one after the revision verb ("increasing our
    expectations for adjusted EBITDA"), else the one nearest the guidance word, else the outlook."""
    best: re.Match[str] | None = None
    if verb is not None:
        best = METRIC_RE.search(text, verb.end(), min(len(text), max(end, verb.end()) + 40))
    for m in () if best is not None else METRIC_RE.finditer(text, max(0, start - 50), min(len(text), end + 40)):
        if best is None or abs(m.start() - start) < abs(best.start() - start):
            best = m
    if best is None:
        word = text[start:end]
        named = _NO_POLARITY.search(text, verb.end() if verb is not None else start, min(len(text), end + 60))
        # "increased our 2021 capital expenditures": an item no analyst calls good or bad in itself
        polarity = None if named is not None else Polarity.UP_GOOD
        return start, end, word if _GUIDANCE.fullmatch(word) else "outlook", polarity
    item = ITEMS[best.group("item").lower()]
    suffix = (best.group("suffix") or "").strip().lower()
    polarity = Polarity.UP_GOOD if suffix.startswith("margin") else item.polarity
    return best.start(), best.end(), best.group(0), polarity


def _direction(
    verb: str | None, now: tuple[float, Value] | None, before: tuple[float, Value] | None
) -> tuple[Direction | None, list[str]]:
    if verb == "withdrawn":
        return Direction.WITHDRAWN, []
    by_word = {"raised": Direction.UP, "lowered": Direction.DOWN, "reaffirmed": Direction.UNCHANGED}.get(verb or "")
    if now is None or before is None:
        return by_word, []
    by_numbers = Direction.UP if now[0] > before[0] else Direction.DOWN
    if now[0] == before[0]:
        by_numbers = Direction.UNCHANGED
    if by_word is not None and by_word is not by_numbers:
        return by_numbers, ["the words and the figures disagree"]
    return by_numbers, []

"""Checks that turn a teacher's raw reply into a usable verdict or a counted rejection.

A reply is usable when its label is one of the three, its rationale is non-empty and bounded,
and every evidence phrase occurs in the sentence verbatim, as whole words, once whitespace runs
and letter case are normalised. `locate` maps a phrase back to character offsets of the original
sentence; a fragment of a word ("oss" of "loss") is not evidence, and neither is a phrase with
no letter or digit ("." or "%").

`rules_digest` fingerprints these rules by what they decide on a fixed set of replies, not by
their source: it is part of every prompt version, so judgements accepted under other rules are
never mixed with the current ones, and rewording this module changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from finlocal.predictions import Span
from finlocal.train.judgement import Label, RejectReason
from finlocal.train.prompt import EVIDENCE_MAX_CHARS, EVIDENCE_MAX_ITEMS, RATIONALE_MAX_CHARS


@dataclass(frozen=True)
class Verdict:
    """A reply that passed validation."""

    label: Label
    rationale: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Invalid:
    """A reply that failed validation, with the first reason found."""

    reason: RejectReason
    detail: str


def _normalise(text: str) -> tuple[str, list[int]]:
    """Casefold and collapse whitespace; also return, per output char, its source index."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        for folded in ch.casefold():
            out.append(folded)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def normalise(text: str) -> str:
    return _normalise(text)[0]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _splits_word(text: str, at: int) -> bool:
    """Whether a span edge at index ``at`` of ``text`` cuts through a word: between two word
    characters ("gl|oss"), or inside a number's decimal or thousands separator ("13|.1",
    "13.|1", "1,|200")."""
    if at <= 0 or at >= len(text):
        return False
    before, after = text[at - 1], text[at]
    if _is_word(before) and _is_word(after):
        return True
    if after in ".," and before.isdigit() and at + 1 < len(text) and text[at + 1].isdigit():
        return True
    return before in ".," and after.isdigit() and at >= 2 and text[at - 2].isdigit()


def locate(sentence: str, phrase: str) -> Span | None:
    """The first whole-word occurrence of ``phrase`` in ``sentence`` (whitespace and case
    insensitive), as a `Span` of the sentence's own characters; None when there is none.

    Whole-word means the occurrence neither starts nor ends inside a word or a number: "loss"
    is not found in "glossy", "profit" not in "profitability", "oss" nowhere in "loss", and
    "13" not in "13.1". Phrases that begin or end with punctuation ("12 %", "(EUR") match where
    the punctuation is.
    """
    norm_sentence, index = _normalise(sentence)
    norm_phrase = normalise(phrase)
    if not norm_phrase:
        return None
    at = norm_sentence.find(norm_phrase)
    while at >= 0:
        end = at + len(norm_phrase)
        if not _splits_word(norm_sentence, at) and not _splits_word(norm_sentence, end):
            start = index[at]
            stop = index[end - 1] + 1
            return Span(start=start, end=stop, text=sentence[start:stop])
        at = norm_sentence.find(norm_phrase, at + 1)
    return None


def parse_reply(raw: str) -> dict[str, Any] | Invalid:
    """Parse a JSON reply; anything but one JSON object is `INVALID_JSON`."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Invalid(RejectReason.INVALID_JSON, f"{exc.msg} at char {exc.pos}")
    if not isinstance(data, dict):
        return Invalid(RejectReason.INVALID_JSON, f"expected a JSON object, got {type(data).__name__}")
    return data


def validate_reply(sentence: str, reply: dict[str, Any], *, require_rationale: bool = True) -> Verdict | Invalid:
    """Check one parsed reply against the schema's meaning, not only its shape."""
    raw_label = reply.get("label")
    if not isinstance(raw_label, str):
        return Invalid(RejectReason.SCHEMA_MISMATCH, "field 'label' is missing or not a string")
    try:
        label = Label(raw_label.strip().lower())
    except ValueError:
        return Invalid(RejectReason.LABEL_NOT_IN_SET, f"label {raw_label[:40]!r}")

    rationale = reply.get("rationale")
    if rationale is not None and not isinstance(rationale, str):
        return Invalid(RejectReason.SCHEMA_MISMATCH, "field 'rationale' is not a string")
    rationale = rationale.strip() if rationale else None
    if require_rationale and not rationale:
        return Invalid(RejectReason.EMPTY_RATIONALE, "rationale is empty")
    if rationale and len(rationale) > RATIONALE_MAX_CHARS:
        return Invalid(RejectReason.RATIONALE_TOO_LONG, f"{len(rationale)} chars > {RATIONALE_MAX_CHARS}")

    evidence = reply.get("evidence", [])
    if evidence is None:
        evidence = []
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        return Invalid(RejectReason.SCHEMA_MISMATCH, "field 'evidence' is not a list of strings")
    phrases = tuple(dict.fromkeys(e.strip() for e in evidence if e.strip()))
    if len(phrases) > EVIDENCE_MAX_ITEMS:
        return Invalid(RejectReason.TOO_MANY_EVIDENCE, f"{len(phrases)} phrases > {EVIDENCE_MAX_ITEMS}")
    for phrase in phrases:
        if not any(_is_word(ch) for ch in phrase):
            return Invalid(RejectReason.EVIDENCE_WITHOUT_WORDS, f"no letter or digit: {phrase[:60]!r}")
        if len(phrase) > EVIDENCE_MAX_CHARS or locate(sentence, phrase) is None:
            return Invalid(RejectReason.EVIDENCE_NOT_VERBATIM, f"not in the sentence: {phrase[:60]!r}")
    return Verdict(label=label, rationale=rationale, evidence=phrases)


def validate_raw(sentence: str, raw: str, *, require_rationale: bool = True) -> Verdict | Invalid:
    """`parse_reply` then `validate_reply`."""
    parsed = parse_reply(raw)
    if isinstance(parsed, Invalid):
        return parsed
    return validate_reply(sentence, parsed, require_rationale=require_rationale)


_PROBE = 'Net sales of Kestrel\u2019s unit rose 4.5 % to EUR 1,200 mn; the glossy "pre-tax" loss narrowed.'

#: Replies the rules are tried on (`rules_digest`): word boundaries, numbers, punctuation,
#: whitespace and case, every bound and every reason. A rule change these replies do not show
#: needs a probe of its own here.
_PROBE_REPLIES: tuple[dict[str, Any], ...] = (
    {"label": " Positive ", "rationale": " Sales rose. ", "evidence": ["net  SALES", "rose 4.5 %"]},
    {"label": "positive", "rationale": "x", "evidence": ["sales", "sales "]},
    *(
        {"label": "negative", "rationale": "x", "evidence": [phrase]}
        for phrase in (
            "oss",
            "loss",
            "gloss",
            "4",
            "4.5",
            "5 %",
            "1,200",
            "200",
            "1",
            ".",
            "%",
            "; the",
            '"pre-tax"',
            "pre",
            'tax" loss',
            "kestrel\u2019s",
            "Kestrel's",
            "narrowed.",
            "loss narrowed",
            "rose to",
            "",
            " ",
            "x" * 121,
        )
    ),
    {"label": "neutral", "rationale": "x", "evidence": ["net", "sales", "rose", "loss"]},
    {"label": "neutral", "rationale": "x", "evidence": None},
    {"label": "neutral", "rationale": "x"},
    {"label": "neutral", "rationale": "x", "evidence": "sales"},
    {"label": "neutral", "rationale": "x", "evidence": [1]},
    {"label": "bullish", "rationale": "x", "evidence": []},
    {"label": 1, "rationale": "x", "evidence": []},
    {"rationale": "x", "evidence": []},
    {"label": "neutral", "rationale": "", "evidence": []},
    {"label": "neutral", "rationale": None, "evidence": []},
    {"label": "neutral", "rationale": 3, "evidence": []},
    {"label": "neutral", "rationale": "x" * 300, "evidence": []},
    {"label": "neutral", "rationale": "x" * 301, "evidence": []},
)
_RULE_PROBES: tuple[tuple[dict[str, Any], bool], ...] = tuple(
    (reply, require) for require in (True, False) for reply in _PROBE_REPLIES
)


@functools.cache
def rules_digest() -> str:
    """A short sha256 of what the acceptance rules decide on `_RULE_PROBES` (reason, or label,
    rationale and evidence spans) and of the reply parser's verdicts; see the module doc."""
    outcomes: list[Any] = []
    for reply, require in _RULE_PROBES:
        verdict = validate_reply(_PROBE, reply, require_rationale=require)
        if isinstance(verdict, Invalid):
            outcomes.append(verdict.reason.value)
        else:
            spans = [locate(_PROBE, p) for p in verdict.evidence]
            outcomes.append([verdict.label.value, verdict.rationale, [(s.start, s.end) if s else None for s in spans]])
    for raw in ('{"label": "neutral", "rationale": "a\nb", "evidence": []}', "[1]", "{", '{"label": "neutral"}'):
        parsed = parse_reply(raw)
        outcomes.append(parsed.reason.value if isinstance(parsed, Invalid) else sorted(parsed))
    payload = json.dumps(outcomes, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]

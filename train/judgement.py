"""What a teacher says about one sentence: a typed, frozen `Judgement`.

A judgement is either ``ok`` (validated: usable as training data) or ``rejected`` (kept, counted
and reported with its `RejectReason`, never turned into a training label).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any


class Label(str, Enum):
    """The three tones, in finlocal's canonical order."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Status(str, Enum):
    OK = "ok"
    REJECTED = "rejected"


class RejectReason(str, Enum):
    """Why a teacher's reply is not usable; counted by reason in every report."""

    INVALID_JSON = "invalid_json"
    SCHEMA_MISMATCH = "schema_mismatch"
    LABEL_NOT_IN_SET = "label_not_in_set"
    EMPTY_RATIONALE = "empty_rationale"
    RATIONALE_TOO_LONG = "rationale_too_long"
    EVIDENCE_NOT_VERBATIM = "evidence_not_verbatim"
    EVIDENCE_WITHOUT_WORDS = "evidence_without_words"  # "." or "%": no letter or digit
    TOO_MANY_EVIDENCE = "too_many_evidence"
    TRUNCATED = "truncated"
    NO_TOOL_CALL = "no_tool_call"
    API_ERROR = "api_error"
    REFUSED = "refused"


def sentence_hash(text: str) -> str:
    """The store key of a sentence: sha256 of its UTF-8 text, exactly as given."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Usage:
    """What one judgement cost: wall time, tokens and estimated dollars (0 for local models)."""

    latency_ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Judgement:
    """One teacher's verdict on one sentence under one prompt version.

    ``probs`` maps every label to its probability when the backend can give them (llama.cpp's
    log-probabilities), else None. ``evidence`` holds phrases copied verbatim from the sentence:
    ``()`` when the teacher was asked for evidence and quoted nothing (a supervised "nothing
    here points either way"), None when it was not asked (label-only mode) or its evidence was
    dropped. ``rationale`` is None in label-only (log-prob) mode.
    """

    sentence: str
    teacher_id: str
    prompt_version: str
    status: Status
    label: Label | None = None
    probs: dict[str, float] | None = None
    rationale: str | None = None
    evidence: tuple[str, ...] | None = None
    reject_reason: RejectReason | None = None
    reject_detail: str | None = None
    raw: str | None = None
    latency_ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status is Status.OK and self.label is None:
            raise ValueError("an ok judgement needs a label")
        if self.status is Status.REJECTED and self.reject_reason is None:
            raise ValueError("a rejected judgement needs a reject_reason")

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def sentence_sha256(self) -> str:
        return sentence_hash(self.sentence)

    @classmethod
    def accepted(
        cls,
        sentence: str,
        *,
        teacher_id: str,
        prompt_version: str,
        label: Label,
        probs: dict[str, float] | None = None,
        rationale: str | None = None,
        evidence: tuple[str, ...] | None = None,
        raw: str | None = None,
        usage: Usage = Usage(),
        extra: dict[str, Any] | None = None,
    ) -> Judgement:
        return cls(
            sentence=sentence,
            teacher_id=teacher_id,
            prompt_version=prompt_version,
            status=Status.OK,
            label=label,
            probs=probs,
            rationale=rationale,
            evidence=evidence,
            raw=raw,
            latency_ms=usage.latency_ms,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            extra=dict(extra or {}),
        )

    @classmethod
    def rejected(
        cls,
        sentence: str,
        *,
        teacher_id: str,
        prompt_version: str,
        reason: RejectReason,
        detail: str | None = None,
        raw: str | None = None,
        usage: Usage = Usage(),
    ) -> Judgement:
        return cls(
            sentence=sentence,
            teacher_id=teacher_id,
            prompt_version=prompt_version,
            status=Status.REJECTED,
            reject_reason=reason,
            reject_detail=detail,
            raw=raw,
            latency_ms=usage.latency_ms,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
        )

    def after(self, earlier: Judgement) -> Judgement:
        """This judgement as the retry of ``earlier`` (a rejection it replaces): the tokens, cost
        and time of both attempts are kept, so nothing that was paid for drops out of a report.
        """
        attempts = int(earlier.extra.get("attempts", 1)) + int(self.extra.get("attempts", 1))
        return replace(
            self,
            latency_ms=self.latency_ms + earlier.latency_ms,
            input_tokens=self.input_tokens + earlier.input_tokens,
            output_tokens=self.output_tokens + earlier.output_tokens,
            cost_usd=self.cost_usd + earlier.cost_usd,
            extra={**self.extra, "attempts": attempts},
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as their values); `from_dict` reverses it."""
        data = asdict(self)
        data["status"] = self.status.value
        data["label"] = self.label.value if self.label else None
        data["reject_reason"] = self.reject_reason.value if self.reject_reason else None
        data["evidence"] = list(self.evidence) if self.evidence is not None else None
        data["sentence_sha256"] = self.sentence_sha256
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judgement:
        return cls(
            sentence=data["sentence"],
            teacher_id=data["teacher_id"],
            prompt_version=data["prompt_version"],
            status=Status(data["status"]),
            label=Label(data["label"]) if data.get("label") else None,
            probs=data.get("probs"),
            rationale=data.get("rationale"),
            evidence=tuple(data["evidence"]) if data.get("evidence") is not None else None,
            reject_reason=RejectReason(data["reject_reason"]) if data.get("reject_reason") else None,
            reject_detail=data.get("reject_detail"),
            raw=data.get("raw"),
            latency_ms=float(data.get("latency_ms", 0.0)),
            input_tokens=int(data.get("input_tokens", 0)),
            output_tokens=int(data.get("output_tokens", 0)),
            cost_usd=float(data.get("cost_usd", 0.0)),
            extra=dict(data.get("extra") or {}),
        )

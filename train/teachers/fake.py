"""A deterministic teacher for tests and dry runs: keyword rules, no model, no network."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from finlocal.predictions import LABELS
from finlocal.train.judgement import Judgement, Label, RejectReason, Usage
from finlocal.train.prompt import Prompt
from finlocal.train.validation import Invalid, validate_reply

_POSITIVE = ("rose", "increased", "grew", "up", "won", "record", "improved")
_NEGATIVE = ("fell", "decreased", "declined", "down", "loss", "cut", "warning")


@dataclass
class FakeTeacher:
    """Labels by keyword; every ``reject_every``-th sentence (by hash) is rejected.

    ``delay_s`` sleeps per sentence so that tests can kill a labelling run mid-way; with
    ``with_probs`` the judgements carry a peaked distribution like the log-prob mode.
    """

    name: str = "fake"
    prompt: Prompt = field(default_factory=Prompt)
    delay_s: float = 0.0
    reject_every: int = 0
    with_probs: bool = True
    invert: bool = False
    chunk_size: int = 4

    @property
    def teacher_id(self) -> str:
        return f"fake/{self.name}"

    @property
    def prompt_version(self) -> str:
        return self.prompt.version

    def _reply(self, sentence: str) -> dict[str, object]:
        words = [w.strip(".,;:").lower() for w in sentence.split()]
        hit_pos = next((w for w in words if w in _POSITIVE), None)
        hit_neg = next((w for w in words if w in _NEGATIVE), None)
        if hit_neg:
            label, hit = Label.NEGATIVE, hit_neg
        elif hit_pos:
            label, hit = Label.POSITIVE, hit_pos
        else:
            label, hit = Label.NEUTRAL, None
        if self.invert and label is not Label.NEUTRAL:
            label = Label.POSITIVE if label is Label.NEGATIVE else Label.NEGATIVE
        return {
            "label": label.value,
            "rationale": f"The sentence says '{hit}'." if hit else "Nothing points either way.",
            "evidence": [hit] if hit else [],
        }

    def judge(self, sentences: Sequence[str]) -> list[Judgement]:
        out = []
        for sentence in sentences:
            start = time.perf_counter()
            if self.delay_s:
                time.sleep(self.delay_s)
            usage = Usage(latency_ms=(time.perf_counter() - start) * 1000)
            common: dict[str, Any] = {"teacher_id": self.teacher_id, "prompt_version": self.prompt_version}
            if self.reject_every and sum(sentence.encode()) % self.reject_every == 0:
                out.append(
                    Judgement.rejected(
                        sentence,
                        reason=RejectReason.EVIDENCE_NOT_VERBATIM,
                        detail="fake rejection",
                        usage=usage,
                        **common,
                    )
                )
                continue
            verdict = validate_reply(sentence, self._reply(sentence))
            assert not isinstance(verdict, Invalid), verdict
            probs = None
            if self.with_probs:
                probs = {lab: (0.8 if lab == verdict.label.value else 0.1) for lab in LABELS}
            out.append(
                Judgement.accepted(
                    sentence,
                    label=verdict.label,
                    probs=probs,
                    rationale=verdict.rationale,
                    evidence=verdict.evidence,
                    usage=usage,
                    **common,
                )
            )
        return out

    def close(self) -> None:
        return None

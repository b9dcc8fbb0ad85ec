"""Occlusion: how much each piece of a sentence matters to its predicted label.

Each evidence span (or, for a model without an evidence head, each clause) is masked in turn —
replaced by the tokenizer's mask token when the classifier has one, else removed — and all masked
variants are scored in one batched ``predict`` call. The effect of a span is how far the
probability of the originally predicted label moves. This checks the evidence head against the
label head: evidence that matters moves the probability a lot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from finlocal.predictions import Classifier, Prediction, Span, probability_text
from finlocal.spans import strip_span

_CLAUSE_BREAK = re.compile(
    r"[,;:]|\s(?:and|but|while|whereas|although|though|because|as|after|despite)\s", re.IGNORECASE
)
_WORDS_PER_PIECE = 3


@dataclass(frozen=True)
class OcclusionEffect:
    """Masking ``span`` moves the probability of ``label`` from ``before`` to ``after``."""

    span: Span
    label: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    def describe(self) -> str:
        """ "masking 'fell' moves negative 0.96 → 0.41", probabilities as everywhere else
        (`finlocal.predictions.probability_text`)."""
        before, after = probability_text(self.before), probability_text(self.after)
        return f"masking '{self.span.text}' moves {self.label} {before} → {after}"


def clauses(text: str) -> list[Span]:
    """Clauses of a sentence (split at , ; : and conjunctions); words in threes for a single one."""
    pieces: list[Span] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(text):
        pieces.extend(_piece(text, start, match.start()))
        start = match.end()
    pieces.extend(_piece(text, start, len(text)))
    if len(pieces) > 1:
        return pieces
    words = [m.span() for m in re.finditer(r"\S+", text)]
    return [
        Span(
            words[i][0],
            words[min(i + _WORDS_PER_PIECE, len(words)) - 1][1],
            text[words[i][0] : words[min(i + _WORDS_PER_PIECE, len(words)) - 1][1]],
        )
        for i in range(0, len(words), _WORDS_PER_PIECE)
    ]


def _piece(text: str, start: int, end: int) -> list[Span]:
    span = strip_span(text, start, end)
    return [] if span is None else [span]


def mask(text: str, span: Span, token: str | None) -> str:
    """``text`` with ``span`` replaced by ``token`` (or removed when there is no mask token)."""
    if token:
        return text[: span.start] + token + text[span.end :]
    return re.sub(r"\s{2,}", " ", text[: span.start] + " " + text[span.end :]).strip()


def occlusion(
    classifier: Classifier,
    text: str,
    spans: Sequence[Span] | None = None,
    *,
    prediction: Prediction | None = None,
) -> list[OcclusionEffect]:
    """Mask each span of ``text`` in turn; effects in span order.

    ``spans`` defaults to the prediction's evidence, or the sentence's clauses when there is none.
    Pass ``prediction`` (the classifier's prediction for ``text``) to save one predict call.
    """
    if prediction is None:
        prediction = classifier.predict([text])[0]
    if spans is None:
        spans = list(prediction.evidence) or clauses(text)
    spans = [s for s in spans if s.end > s.start]
    if not spans:
        return []
    token = classifier.mask_token
    masked = classifier.predict([mask(text, s, token) for s in spans])
    label = prediction.label
    before = prediction.scores[label]
    return [OcclusionEffect(s, label, before, p.scores[label]) for s, p in zip(spans, masked, strict=True)]

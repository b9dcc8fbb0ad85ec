"""The one fake `Classifier` of the test suite: deterministic keyword scoring, fast, and
recording every call, so runtime, CLI and app tests (and the app's snapshots) are stable."""

from __future__ import annotations

import re
from collections.abc import Sequence

from finlocal.predictions import LABELS, Prediction, Span

POSITIVE_WORDS = ("rose", "increased", "improved", "best", "grow", "strong", "record", "exceed")
NEGATIVE_WORDS = ("fell", "declined", "weak", "lay-offs", "postponed", "loss", "warning")


class KeywordClassifier:
    """Positive or negative by keyword (case-insensitive, anywhere in a word: "strongly" counts
    as "strong"); a sentence with both kinds is an unsure one, below the app's review threshold,
    labelled by the kind it has more of (negative on a tie); no keyword is neutral. The keywords
    are the evidence. ``calls`` records the texts of every predict call.
    """

    labels = LABELS
    max_length = 128
    mask_token = "[MASK]"

    def __init__(self, *, has_evidence: bool = True) -> None:
        self.has_evidence = has_evidence
        self.calls: list[list[str]] = []

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        self.calls.append(list(texts))
        return [self._one(text) for text in texts]

    @staticmethod
    def _hits(text: str, words: Sequence[str]) -> list[Span]:
        spans = []
        for word in words:
            for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE):
                spans.append(Span(m.start(), m.end(), m.group()))
        return spans

    def _one(self, text: str) -> Prediction:
        pos, neg = self._hits(text, POSITIVE_WORDS), self._hits(text, NEGATIVE_WORDS)
        if pos and neg:
            scores = {"negative": 0.45, "neutral": 0.1, "positive": 0.45}
            label = "negative" if len(neg) >= len(pos) else "positive"
            scores[label] += 0.01
            scores["neutral"] -= 0.01
        elif pos:
            label, scores = "positive", {"negative": 0.03, "neutral": 0.1, "positive": 0.87}
        elif neg:
            label, scores = "negative", {"negative": 0.91, "neutral": 0.06, "positive": 0.03}
        else:
            label, scores = "neutral", {"negative": 0.1, "neutral": 0.8, "positive": 0.1}
        evidence = tuple(sorted(pos + neg, key=lambda s: s.start)) if self.has_evidence else ()
        return Prediction(label, scores, evidence, tokenize_ms=0.25, inference_ms=1.5)

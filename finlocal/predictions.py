"""Typed results shared by the runtime, the CLI, the TUI and evaluation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

# The canonical label order of finlocal's models and training data (a model directory's manifest
# states its own, which the runtime follows).
LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
#: A prediction whose confidence is below this is flagged for review (the TUI's default and its
#: reports'; ``finlocal tui --review-below`` changes it).
REVIEW_THRESHOLD = 0.6


def probability_text(value: float) -> str:
    """A probability as people read it, with two decimals rounded *down*: one probability is one
    number everywhere it is shown (the app, the Markdown and table outputs, the occlusion lines),
    a sentence flagged for review (below a two-decimal threshold such as 0.60) never shows as
    "0.60", and one at 0.60 or above never shows below it."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


@dataclass(frozen=True)
class Span:
    """A character span; offsets index the text the span was found in."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Prediction:
    """One text's prediction.

    ``scores`` holds the calibrated probability of every label, in the model's label order.
    ``evidence`` offsets are relative to the text passed to ``predict``.
    """

    label: str
    scores: dict[str, float]
    evidence: tuple[Span, ...] = ()
    tokenize_ms: float = 0.0
    inference_ms: float = 0.0

    @property
    def confidence(self) -> float:
        return self.scores[self.label]

    @property
    def tone(self) -> float:
        """P(positive) − P(negative), in [-1, 1] (0 for labels without those names): a
        sentence's term of the net tone index."""
        return self.scores.get("positive", 0.0) - self.scores.get("negative", 0.0)


@runtime_checkable
class Classifier(Protocol):
    """What scoring needs from a model: the ONNX runtime implements it, tests fake it."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    @property
    def max_length(self) -> int: ...

    @property
    def has_evidence(self) -> bool: ...

    @property
    def mask_token(self) -> str | None:
        """What occlusion puts in place of a masked span (the tokenizer's mask token), or None
        to remove the span instead."""
        ...

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        """Predict every text, in input order. Long texts are scored in overlapping windows."""
        ...

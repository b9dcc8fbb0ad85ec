"""A picklable keyword model for corpus runs in worker processes, with ways to misbehave.

`KeywordModel` is a `ModelSpec`: spawned workers unpickle it and call `load()`. Its classifier
labels by keyword like the shared `FakeClassifier`; a document containing ``crash_on`` kills its
worker process, and one containing ``block_on`` blocks its worker (after touching
``signal_file``), so a test can kill a run while that document is in flight.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from finlocal.corpus.engine import ModelIdentity
from finlocal.predictions import Prediction, Span

LABELS = ("negative", "neutral", "positive")
POSITIVE = frozenset("rose increased grew improved record strong beat gained higher".split())
NEGATIVE = frozenset("fell decreased dropped declined weak loss missed lower cut".split())


@dataclass(frozen=True)
class KeywordModel:
    crash_on: str | None = None
    block_on: str | None = None
    signal_file: Path | None = None

    def describe(self) -> ModelIdentity:
        return ModelIdentity("fake-keyword", "0" * 64, LABELS)

    def load(self) -> KeywordClassifier:
        return KeywordClassifier(self)


class KeywordClassifier:
    labels = LABELS
    max_length = 128
    has_evidence = True

    def __init__(self, spec: KeywordModel) -> None:
        self.spec = spec

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        for text in texts:
            if self.spec.crash_on and self.spec.crash_on in text:
                os._exit(3)  # a worker dying the hard way (a segfault in a parser, the OOM killer)
            if self.spec.block_on and self.spec.block_on in text:
                if self.spec.signal_file is not None:
                    self.spec.signal_file.touch()
                while True:
                    time.sleep(60)
        return [self._one(t) for t in texts]

    @staticmethod
    def _one(text: str) -> Prediction:
        pos, neg, evidence = 0, 0, []
        for match in re.finditer(r"[A-Za-z]+", text):
            word = match.group().lower()
            if word in POSITIVE:
                pos += 1
            elif word in NEGATIVE:
                neg += 1
            else:
                continue
            evidence.append(Span(match.start(), match.end(), match.group()))
        label = "positive" if pos > neg else "negative" if neg > pos else "neutral"
        strength = min(0.9, 0.6 + 0.1 * abs(pos - neg))
        scores = {name: strength if name == label else (1 - strength) / 2 for name in LABELS}
        return Prediction(label, scores, tuple(evidence), 0.01, 0.02)

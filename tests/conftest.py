"""Shared fixtures: the committed tiny int8 ONNX model and a fast keyword `FakeClassifier`."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from finlocal.predictions import Prediction, Span

# No network and no thread oversubscription in tests (set before onnxruntime/torch start).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

FIXTURES = Path(__file__).parent / "fixtures"
TINY_MODEL_DIR = FIXTURES / "tiny-model"


@pytest.fixture(scope="session")
def tiny_model_dir() -> Path:
    """The committed tiny model (2 layers, hidden 32, label + evidence heads, int8, max_length 32).

    Made by ``tests/fixtures/make_tiny_model.py``; read-only — copy it to ``tmp_path`` before
    changing anything. Its labels follow keywords: "rose/increased/grew" -> positive,
    "fell/decreased/dropped" -> negative, other sentences mostly neutral.
    """
    if not (TINY_MODEL_DIR / "finlocal.json").is_file():
        pytest.fail(f"{TINY_MODEL_DIR} is missing; run tests/fixtures/make_tiny_model.py")
    return TINY_MODEL_DIR


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_dir: Path):  # noqa: ANN201
    """The tiny model loaded with onnxruntime, one thread."""
    from finlocal.model import OnnxClassifier

    return OnnxClassifier.load(tiny_model_dir, threads=1)


POSITIVE_WORDS = frozenset("rose increased grew improved record strong beat gained higher up".split())
NEGATIVE_WORDS = frozenset("fell decreased dropped declined weak loss missed lower down cut".split())


class FakeClassifier:
    """A deterministic keyword classifier implementing the `Classifier` protocol.

    A text is positive when it has more positive than negative keywords, negative for the
    reverse, else neutral; the keywords are its evidence. ``calls`` records every predict call.
    """

    def __init__(self, labels: Sequence[str] = ("negative", "neutral", "positive"),
                 max_length: int = 128, has_evidence: bool = True) -> None:
        self._labels = tuple(labels)
        self._max_length = max_length
        self._has_evidence = has_evidence
        self.calls: list[list[str]] = []
        self.mask_token = "[MASK]"

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def max_length(self) -> int:
        return self._max_length

    @property
    def has_evidence(self) -> bool:
        return self._has_evidence

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Prediction]:
        self.calls.append(list(texts))
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> Prediction:
        pos, neg, evidence = 0, 0, []
        for match in re.finditer(r"[A-Za-z]+", text):
            word = match.group().lower()
            if word in POSITIVE_WORDS:
                pos += 1
            elif word in NEGATIVE_WORDS:
                neg += 1
            else:
                continue
            evidence.append(Span(match.start(), match.end(), match.group()))
        label = "positive" if pos > neg else "negative" if neg > pos else "neutral"
        strength = min(0.9, 0.6 + 0.1 * abs(pos - neg))
        scores = {name: (strength if name == label else (1 - strength) / (len(self._labels) - 1))
                  for name in self._labels}
        if label not in scores:  # labels without the usual names: first label wins
            label = self._labels[0]
        return Prediction(label, scores, tuple(evidence) if self._has_evidence else (), 0.01, 0.02)


@pytest.fixture
def fake_classifier() -> FakeClassifier:
    return FakeClassifier()


@pytest.fixture
def fake_classifier_type() -> type[FakeClassifier]:
    """The `FakeClassifier` class itself, to build fakes with other labels or no evidence head."""
    return FakeClassifier


@pytest.fixture(scope="session")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A tiny random BERT backbone and templated rows: training and export end to end in seconds."""
    from finlocal.train.tiny import tiny_backbone, tiny_examples, write_jsonl

    root = tmp_path_factory.mktemp("tiny-train")
    rows = tiny_examples()
    data = write_jsonl(rows, root / "train.jsonl")
    backbone = tiny_backbone(root / "backbone", [r["text"] for r in rows])
    return {"root": root, "data": data, "backbone": backbone, "rows": rows}

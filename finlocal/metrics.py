"""Classification metrics with numpy alone (no scikit-learn in the runtime).

`classification_metrics` is the one implementation of accuracy, weighted and macro F1, per-class
precision/recall/F1 and the confusion matrix, shared by `finlocal eval`, training and export;
`softmax` is the one turning logits into probabilities, for the runtime, training and export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities over the last axis of ``logits / temperature`` (shifted by the maximum, so
    large logits do not overflow)."""
    z = np.asarray(logits) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class ClassMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ClassificationMetrics:
    """Accuracy, weighted/macro F1, per-class P/R/F1 and the confusion matrix (rows: gold)."""

    labels: tuple[str, ...]
    n: int
    accuracy: float
    f1_weighted: float
    f1_macro: float
    per_class: dict[str, ClassMetrics]
    confusion: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "n": self.n,
            "accuracy": self.accuracy,
            "f1_weighted": self.f1_weighted,
            "f1_macro": self.f1_macro,
            "per_class": {k: asdict(v) for k, v in self.per_class.items()},
            "confusion": [list(row) for row in self.confusion],
        }


def classification_metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> ClassificationMetrics:
    """Metrics of ``pred`` against ``gold``. F1 of a class with no gold and no predicted rows is 0,
    as in scikit-learn with ``zero_division=0``; macro F1 averages over all ``labels``."""
    labels = tuple(labels)
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels but pred has {len(pred)}")
    index = {name: i for i, name in enumerate(labels)}
    unknown = sorted((set(gold) | set(pred)) - set(index))
    if unknown:
        raise ValueError(f"labels {unknown} are not among {list(labels)}")
    k = len(labels)
    confusion = np.zeros((k, k), dtype=np.int64)
    if gold:
        np.add.at(confusion, (np.array([index[g] for g in gold]), np.array([index[p] for p in pred])), 1)
    tp = np.diag(confusion).astype(np.float64)
    support = confusion.sum(axis=1).astype(np.float64)
    predicted = confusion.sum(axis=0).astype(np.float64)
    precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(k), where=denom > 0)
    n = int(confusion.sum())
    return ClassificationMetrics(
        labels=labels,
        n=n,
        accuracy=float(tp.sum() / n) if n else 0.0,
        f1_weighted=float((f1 * support).sum() / n) if n else 0.0,
        f1_macro=float(f1.mean()) if k else 0.0,
        per_class={
            name: ClassMetrics(float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i, name in enumerate(labels)
        },
        confusion=tuple(tuple(int(x) for x in row) for row in confusion),
    )

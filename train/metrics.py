"""Label metrics and probability calibration (numpy only: usable without torch)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from finlocal.metrics import classification_metrics, softmax
from finlocal.predictions import LABELS


@dataclass(frozen=True)
class Calibration:
    temperature: float
    ece_before: float
    ece_after: float
    nll_before: float
    nll_after: float
    bins: int


@dataclass(frozen=True)
class Metrics:
    accuracy: float
    f1_weighted: float
    f1_macro: float
    n: int


def label_metrics(gold: np.ndarray, pred: np.ndarray, labels: tuple[str, ...] = LABELS) -> Metrics:
    """Accuracy, weighted and macro F1 of label indices (the runtime's `classification_metrics`)."""

    m = classification_metrics([labels[i] for i in gold], [labels[i] for i in pred], labels)
    return Metrics(accuracy=m.accuracy, f1_weighted=m.f1_weighted, f1_macro=m.f1_macro, n=m.n)


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """Top-label ECE with equal-width confidence bins."""
    conf = probs.max(1)
    correct = (probs.argmax(1) == gold).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs(correct[sel].mean() - conf[sel].mean())
    return float(ece)


def _nll(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    p = softmax(logits, temperature)[np.arange(len(gold)), gold]
    return float(-np.mean(np.log(np.clip(p, 1e-12, None))))


def fit_temperature(logits: np.ndarray, gold: np.ndarray, bins: int = 15) -> Calibration:
    """Temperature minimising validation NLL (golden-section search on log T in [1/20, 20])."""
    lo, hi = math.log(0.05), math.log(20.0)
    phi = (math.sqrt(5) - 1) / 2
    a, b = hi - phi * (hi - lo), lo + phi * (hi - lo)
    fa, fb = _nll(logits, gold, math.exp(a)), _nll(logits, gold, math.exp(b))
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - phi * (hi - lo)
            fa = _nll(logits, gold, math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + phi * (hi - lo)
            fb = _nll(logits, gold, math.exp(b))
    t = math.exp((lo + hi) / 2)
    return Calibration(
        temperature=t,
        ece_before=expected_calibration_error(softmax(logits), gold, bins),
        ece_after=expected_calibration_error(softmax(logits, t), gold, bins),
        nll_before=_nll(logits, gold, 1.0),
        nll_after=_nll(logits, gold, t),
        bins=bins,
    )

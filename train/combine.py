"""Combining several teachers' judgements of one sentence into one training row, and measuring
how much the teachers agree with each other and with gold labels.

Only ``ok`` judgements vote. The rationale and evidence kept for a sentence come from the
highest-weighted teacher whose label equals the combined label, so a rationale never argues for
a label the row does not carry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from itertools import combinations
from typing import Any

from finlocal.train.judgement import LABELS, Judgement, Label
from finlocal.train.validation import locate

from finlocal.predictions import Span


class Vote(str, Enum):
    """``majority``: weighted count of labels; ``mean``: weighted mean of the probabilities
    (a teacher without probabilities counts as one-hot)."""

    MAJORITY = "majority"
    MEAN = "mean"


@dataclass(frozen=True)
class CombinedRow:
    """One sentence's training row (the ``combined.jsonl`` contract read by the student)."""

    text: str
    label: str
    probs: dict[str, float] | None
    rationale: str | None
    evidence: tuple[Span, ...]
    teachers: tuple[str, ...]
    agreement: float
    gold: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "probs": self.probs,
            "rationale": self.rationale,
            "evidence": [{"start": s.start, "end": s.end, "text": s.text} for s in self.evidence],
            "teachers": list(self.teachers),
            "agreement": self.agreement,
            "gold": self.gold,
        }


def _one_hot(label: str) -> dict[str, float]:
    return {lab: float(lab == label) for lab in LABELS}


def combine(
    text: str,
    judgements: Sequence[Judgement],
    *,
    vote: Vote = Vote.MAJORITY,
    weights: Mapping[str, float] | None = None,
    gold: str | None = None,
) -> CombinedRow | None:
    """Combine the judgements of one sentence; None when no teacher gave a usable one."""
    ok = [j for j in judgements if j.ok and j.label is not None]
    if not ok:
        return None
    weights = weights or {}
    w = {j.teacher_id: float(weights.get(j.teacher_id, 1.0)) for j in ok}
    total = sum(w.values()) or 1.0

    mixed = {lab: 0.0 for lab in LABELS}
    for j in ok:
        dist = j.probs if (vote is Vote.MEAN and j.probs) else _one_hot(j.label.value)
        for lab in LABELS:
            mixed[lab] += w[j.teacher_id] * float(dist.get(lab, 0.0)) / total
    # Ties go to the label of the highest-weighted teacher, then to canonical order.
    ranked = sorted(ok, key=lambda j: -w[j.teacher_id])
    first_choice = ranked[0].label.value
    label = max(LABELS, key=lambda lab: (round(mixed[lab], 9), lab == first_choice))

    with_probs = [j for j in ok if j.probs]
    probs = None
    if with_probs:
        norm = sum(w[j.teacher_id] for j in with_probs) or 1.0
        probs = {
            lab: sum(w[j.teacher_id] * float(j.probs.get(lab, 0.0)) for j in with_probs) / norm
            for lab in LABELS
        }

    agreeing = [j for j in ranked if j.label.value == label]
    agreement = sum(w[j.teacher_id] for j in agreeing) / total
    explainer = next((j for j in agreeing if j.rationale), None)
    evidence: tuple[Span, ...] = ()
    if explainer is not None:
        spans = (locate(text, phrase) for phrase in explainer.evidence)
        evidence = tuple(sorted({s for s in spans if s is not None}, key=lambda s: s.start))
    return CombinedRow(
        text=text,
        label=label,
        probs=probs,
        rationale=explainer.rationale if explainer else None,
        evidence=evidence,
        teachers=tuple(j.teacher_id for j in ok),
        agreement=round(agreement, 6),
        gold=gold,
    )


def batch_calibrate(
    judgements: Sequence[Judgement],
) -> tuple[list[Judgement], dict[str, dict[str, float]]]:
    """Batch calibration (Zhou et al., 2023): divide each teacher's label probabilities by
    their mean over the run's sentences and relabel by the argmax. Uses no gold labels; it
    removes a small model's bias toward one label word. A judgement whose label changes loses
    its rationale and evidence (they argued for the old label). Judgements without
    probabilities pass through unchanged. Returns the new judgements and each teacher's prior."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: {lab: 0.0 for lab in LABELS})
    counts: Counter[str] = Counter()
    for j in judgements:
        if j.ok and j.probs:
            counts[j.teacher_id] += 1
            for lab in LABELS:
                sums[j.teacher_id][lab] += j.probs[lab]
    priors = {t: {lab: v / counts[t] for lab, v in sums[t].items()} for t in counts}
    out = []
    for j in judgements:
        if j.ok and j.probs:
            prior = priors[j.teacher_id]
            scaled = {lab: j.probs[lab] / max(prior[lab], 1e-12) for lab in LABELS}
            norm = sum(scaled.values())
            probs = {lab: v / norm for lab, v in scaled.items()}
            label = Label(max(LABELS, key=lambda lab: probs[lab]))
            extra = {**j.extra, "batch_prior": prior}
            if label is not j.label and j.rationale:
                # The rationale argued for the old label: it cannot explain the new one.
                j = replace(j, rationale=None, evidence=())
                extra["rationale_dropped"] = True
            j = replace(j, probs=probs, label=label, extra=extra)
        out.append(j)
    return out, priors


# -- agreement statistics -------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[lab] * cb[lab] for lab in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def gold_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Accuracy, weighted and macro F1 (the runtime's `classification_metrics`)."""
    from finlocal.evaluation import classification_metrics

    m = classification_metrics(gold, pred, LABELS)
    return {"n": m.n, "accuracy": m.accuracy, "weighted_f1": m.f1_weighted,
            "macro_f1": m.f1_macro}


def agreement_stats(
    by_sentence: Mapping[str, Sequence[Judgement]],
    combined: Mapping[str, CombinedRow],
    gold: Mapping[str, str | None],
) -> dict[str, Any]:
    """Pairwise teacher agreement (rate and Cohen's kappa), and each teacher's and the
    combination's accuracy and weighted F1 against gold where gold labels exist."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for text, judgements in by_sentence.items():
        for j in judgements:
            if j.ok and j.label is not None:
                labels[j.teacher_id][text] = j.label.value
    pairs = {}
    for t1, t2 in combinations(sorted(labels), 2):
        common = sorted(set(labels[t1]) & set(labels[t2]))
        a = [labels[t1][s] for s in common]
        b = [labels[t2][s] for s in common]
        pairs[f"{t1} | {t2}"] = {
            "n": len(common),
            "agreement": sum(x == y for x, y in zip(a, b)) / len(common) if common else 0.0,
            "kappa": cohen_kappa(a, b),
        }
    with_gold: dict[str, Any] = {}
    for teacher, own in sorted(labels.items()):
        texts = [s for s in own if gold.get(s)]
        if texts:
            with_gold[teacher] = gold_scores([gold[s] for s in texts], [own[s] for s in texts])
    texts = [s for s in combined if gold.get(s)]
    if texts:
        with_gold["combined"] = gold_scores(
            [gold[s] for s in texts], [combined[s].label for s in texts]
        )
    mean_agreement = (
        sum(row.agreement for row in combined.values()) / len(combined) if combined else 0.0
    )
    return {"pairwise": pairs, "vs_gold": with_gold, "mean_combined_agreement": mean_agreement}

"""Combining several teachers' judgements of one sentence into one training row, and measuring
how much the teachers agree with each other and with gold labels.

The rule (docs/teachers.md, "Combining teachers"):

- Only ``ok`` judgements count. Each teacher gets its weight (``@W`` on the command line, 1 by
  default); ``weights`` in the row are these weights normalised to sum to 1.
- Every teacher contributes a distribution over the three labels: its probabilities when it
  gives them and the vote is ``mean``, otherwise a smoothed one-hot on its label
  (``1 - ONE_HOT_SMOOTHING`` on the label, the rest split evenly). The row's ``probs`` (the
  student's soft target) is the weighted mean of these distributions, so every teacher's weight
  shows in it, whether or not it gives probabilities.
- ``label`` is the argmax of ``probs`` (ties: the label of the highest-weighted teacher, then
  canonical order), so the label and the soft target never disagree.
- ``rationale`` and ``evidence`` come from the highest-weighted teacher whose own label equals
  ``label`` and that was asked for evidence; evidence that argues for another label is never
  kept. ``evidence`` is ``[]`` when that teacher quoted nothing (supervised "no evidence") and
  None when no agreeing teacher annotated evidence (unannotated).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import Enum
from itertools import combinations
from typing import Any

from finlocal.predictions import LABELS, Span
from finlocal.train.judgement import Judgement, Label
from finlocal.train.records import TeacherRow
from finlocal.train.validation import locate

#: The probability mass a teacher without probabilities puts on the labels it did not choose
#: (split evenly): its vote counts as 0.9 / 0.05 / 0.05, never as certainty.
ONE_HOT_SMOOTHING = 0.1


class Vote(str, Enum):
    """What each teacher contributes to the soft target. ``mean``: its probabilities when it
    gives them, else a smoothed one-hot on its label; ``majority``: a smoothed one-hot on its
    label for every teacher (the soft target is then the smoothed, weighted vote share)."""

    MEAN = "mean"
    MAJORITY = "majority"


def smoothed_one_hot(label: str, smoothing: float = ONE_HOT_SMOOTHING) -> dict[str, float]:
    rest = smoothing / (len(LABELS) - 1)
    return {lab: (1.0 - smoothing) if lab == label else rest for lab in LABELS}


def teacher_distribution(judgement: Judgement, vote: Vote = Vote.MEAN) -> dict[str, float]:
    """What one ok judgement contributes to the soft target (see `Vote`)."""
    assert judgement.label is not None
    if vote is Vote.MEAN and judgement.probs:
        raw = {lab: max(0.0, float(judgement.probs.get(lab, 0.0))) for lab in LABELS}
        norm = sum(raw.values())
        if norm > 0:
            return {lab: p / norm for lab, p in raw.items()}
    return smoothed_one_hot(judgement.label.value)


def _spans(text: str, phrases: Sequence[str]) -> tuple[Span, ...] | None:
    """The phrases' spans in ``text``; None (unannotated) when any quoted phrase is not found
    as whole words: keeping the others would teach the missing one's words as "not evidence"."""
    spans = [locate(text, p) for p in phrases]
    if any(span is None for span in spans):
        return None
    return tuple(sorted({s for s in spans if s is not None}, key=lambda s: (s.start, s.end)))


def combine(
    text: str,
    judgements: Sequence[Judgement],
    *,
    vote: Vote = Vote.MEAN,
    weights: Mapping[str, float] | None = None,
    gold: str | None = None,
) -> TeacherRow | None:
    """Combine the judgements of one sentence; None when no teacher gave a usable one."""
    ok = [j for j in judgements if j.ok and j.label is not None]
    if not ok:
        return None
    weights = weights or {}
    w = {j.teacher_id: float(weights.get(j.teacher_id, 1.0)) for j in ok}
    total = sum(w.values())
    share = {t: v / total for t, v in w.items()}

    probs = dict.fromkeys(LABELS, 0.0)
    for j in ok:
        dist = teacher_distribution(j, vote)
        for lab in LABELS:
            probs[lab] += share[j.teacher_id] * dist[lab]
    # Ties go to the label of the highest-weighted teacher, then to canonical order.
    ranked = sorted(ok, key=lambda j: -w[j.teacher_id])
    first_choice = ranked[0].label.value if ranked[0].label is not None else None
    label = max(LABELS, key=lambda lab: (round(probs[lab], 9), lab == first_choice))

    agreeing = [j for j in ranked if j.label is not None and j.label.value == label]
    explainer = next((j for j in agreeing if j.evidence is not None), None)
    evidence = _spans(text, explainer.evidence) if explainer is not None and explainer.evidence is not None else None
    return TeacherRow(
        text=text,
        label=label,
        probs={lab: round(p, 9) for lab, p in probs.items()},
        rationale=explainer.rationale if explainer else None,
        evidence=evidence,
        teachers=tuple(j.teacher_id for j in ok),
        weights={j.teacher_id: round(share[j.teacher_id], 9) for j in ok},
        agreement=round(sum(share[j.teacher_id] for j in agreeing), 6),
        gold=gold,
        explained_by=explainer.teacher_id if explainer else None,
    )


def batch_calibrate(
    judgements: Sequence[Judgement],
) -> tuple[list[Judgement], dict[str, dict[str, float]]]:
    """Batch calibration (Zhou et al., 2023): divide each teacher's label probabilities by
    their mean over the run's sentences and relabel by the argmax. Uses no gold labels; it
    removes a small model's bias toward one label word. A judgement whose label changes loses
    its rationale and evidence (they argued for the old label). Judgements without
    probabilities pass through unchanged. Returns the new judgements and each teacher's prior."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(LABELS, 0.0))
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
                j = replace(j, rationale=None, evidence=None)
                extra["rationale_dropped"] = True
            j = replace(j, probs=probs, label=label, extra=extra)
        out.append(j)
    return out, priors


# -- agreement statistics -------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[lab] * cb[lab] for lab in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def gold_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Accuracy, weighted and macro F1 (the runtime's `classification_metrics`)."""
    from finlocal.evaluation import classification_metrics

    m = classification_metrics(gold, pred, LABELS)
    return {"n": m.n, "accuracy": m.accuracy, "weighted_f1": m.f1_weighted, "macro_f1": m.f1_macro}


def agreement_stats(
    by_sentence: Mapping[str, Sequence[Judgement]],
    combined: Mapping[str, TeacherRow],
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
            "agreement": sum(x == y for x, y in zip(a, b, strict=True)) / len(common) if common else 0.0,
            "kappa": cohen_kappa(a, b),
        }
    known = {s: g for s, g in gold.items() if g}
    with_gold: dict[str, Any] = {}
    for teacher, own in sorted(labels.items()):
        texts = [s for s in own if s in known]
        if texts:
            with_gold[teacher] = gold_scores([known[s] for s in texts], [own[s] for s in texts])
    scored = [(known[s], row.label) for s, row in combined.items() if s in known and row.label is not None]
    if scored:
        with_gold["combined"] = gold_scores([g for g, _ in scored], [p for _, p in scored])
    agreements = [row.agreement or 0.0 for row in combined.values()]
    mean_agreement = sum(agreements) / len(agreements) if agreements else 0.0
    return {"pairwise": pairs, "vs_gold": with_gold, "mean_combined_agreement": mean_agreement}

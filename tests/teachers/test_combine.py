"""Combining teachers: votes, weights, kept rationale, agreement statistics."""

from __future__ import annotations

import pytest
from finlocal.train.combine import (
    Vote,
    agreement_stats,
    batch_calibrate,
    cohen_kappa,
    combine,
    gold_scores,
)
from finlocal.train.judgement import Judgement, Label, RejectReason

TEXT = "Quarterly profit fell sharply but orders rose."


def _j(teacher: str, label: str, probs: dict | None = None, rationale: str | None = None,
       evidence: tuple[str, ...] = ()) -> Judgement:
    return Judgement.accepted(TEXT, teacher_id=teacher, prompt_version="v", label=Label(label),
                              probs=probs, rationale=rationale, evidence=evidence)


def test_majority_keeps_an_agreeing_rationale_with_offsets() -> None:
    js = [
        _j("a", "positive", rationale="Orders rose.", evidence=("orders rose",)),
        _j("b", "negative", rationale="Profit fell.", evidence=("profit fell",)),
        _j("c", "negative", rationale="Profit fell sharply.", evidence=("PROFIT FELL SHARPLY",)),
    ]
    row = combine(TEXT, js, gold="negative")
    assert row is not None and row.label == "negative"
    assert row.rationale == "Profit fell."
    assert row.agreement == round(2 / 3, 6)
    assert row.probs is None
    assert [(s.start, s.end, s.text) for s in row.evidence] == [(10, 21, "profit fell")]
    assert row.to_dict()["evidence"] == [{"start": 10, "end": 21, "text": "profit fell"}]
    assert row.teachers == ("a", "b", "c") and row.gold == "negative"


def test_weights_change_the_majority() -> None:
    js = [_j("a", "positive", rationale="A."), _j("b", "negative"), _j("c", "negative")]
    row = combine(TEXT, js, weights={"a": 3.0})
    assert row.label == "positive" and row.rationale == "A." and row.agreement == 0.6


def test_mean_vote_uses_probabilities() -> None:
    js = [
        _j("a", "neutral", probs={"negative": 0.45, "neutral": 0.5, "positive": 0.05}),
        _j("b", "neutral", probs={"negative": 0.45, "neutral": 0.5, "positive": 0.05}),
        _j("c", "negative", probs={"negative": 0.99, "neutral": 0.01, "positive": 0.0}),
    ]
    assert combine(TEXT, js, vote=Vote.MAJORITY).label == "neutral"
    row = combine(TEXT, js, vote=Vote.MEAN)
    assert row.label == "negative"
    assert abs(sum(row.probs.values()) - 1) < 1e-9
    assert row.rationale is None and row.evidence == ()


def test_rejections_do_not_vote() -> None:
    bad = Judgement.rejected(TEXT, teacher_id="x", prompt_version="v",
                             reason=RejectReason.INVALID_JSON)
    assert combine(TEXT, [bad]) is None
    assert combine(TEXT, [bad, _j("a", "positive")]).teachers == ("a",)


def test_statistics() -> None:
    assert gold_scores(["neutral", "positive"], ["neutral", "positive"])["weighted_f1"] == 1.0
    assert cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    s2 = "Sales were flat."
    by = {
        TEXT: [_j("a", "negative"), _j("b", "negative")],
        s2: [Judgement.accepted(s2, teacher_id="a", prompt_version="v", label=Label.NEUTRAL),
             Judgement.accepted(s2, teacher_id="b", prompt_version="v", label=Label.POSITIVE)],
    }
    combined = {t: combine(t, js) for t, js in by.items()}
    stats = agreement_stats(by, combined, {TEXT: "negative", s2: "neutral"})
    assert stats["pairwise"]["a | b"]["agreement"] == 0.5
    assert stats["vs_gold"]["a"]["accuracy"] == 1.0
    assert stats["vs_gold"]["b"]["accuracy"] == 0.5


def test_batch_calibration_removes_a_label_bias() -> None:
    biased = [
        Judgement.accepted(f"s{i}", teacher_id="a", prompt_version="v", label=Label.NEGATIVE,
                           probs={"negative": 0.6, "neutral": 0.1 + 0.1 * (i % 2),
                                  "positive": 0.3 - 0.1 * (i % 2)},
                           rationale="Bad news.", evidence=(f"s{i}",))
        for i in range(4)
    ]
    other = Judgement.accepted("s0", teacher_id="b", prompt_version="v", label=Label.POSITIVE)
    out, priors = batch_calibrate([*biased, other])
    assert priors["a"]["negative"] == pytest.approx(0.6)
    assert [j.label.value for j in out[:4]] == ["positive", "neutral", "positive", "neutral"]
    assert all(sum(j.probs.values()) == pytest.approx(1.0) for j in out[:4])
    assert all(j.rationale is None and j.evidence == () for j in out[:4])  # label changed
    assert out[4] is other  # no probabilities: unchanged

"""Combining teachers: every teacher in the soft target, the label is its argmax, evidence only
from a teacher that chose that label, ``[]`` versus null evidence, agreement statistics."""

from __future__ import annotations

import pytest

from finlocal.predictions import LABELS
from finlocal.train.combine import (
    ONE_HOT_SMOOTHING,
    Vote,
    agreement_stats,
    batch_calibrate,
    cohen_kappa,
    combine,
    gold_scores,
    smoothed_one_hot,
)
from finlocal.train.judgement import Judgement, Label, RejectReason

TEXT = "Quarterly profit fell sharply but orders rose."


def _j(
    teacher: str,
    label: str,
    probs: dict | None = None,
    rationale: str | None = None,
    evidence: tuple[str, ...] | None = None,
) -> Judgement:
    return Judgement.accepted(
        TEXT,
        teacher_id=teacher,
        prompt_version="v",
        label=Label(label),
        probs=probs,
        rationale=rationale,
        evidence=evidence,
    )


def _mix(*parts: tuple[float, dict[str, float]]) -> dict[str, float]:
    total = sum(w for w, _ in parts)
    return {lab: sum(w * d[lab] for w, d in parts) / total for lab in LABELS}


def test_majority_keeps_an_agreeing_rationale_with_offsets() -> None:
    js = [
        _j("a", "positive", rationale="Orders rose.", evidence=("orders rose",)),
        _j("b", "negative", rationale="Profit fell.", evidence=("profit fell",)),
        _j("c", "negative", rationale="Profit fell sharply.", evidence=("PROFIT FELL SHARPLY",)),
    ]
    row = combine(TEXT, js, vote=Vote.MAJORITY, gold="negative")
    assert row is not None and row.label == "negative"
    assert row.rationale == "Profit fell." and row.explained_by == "b"
    assert row.agreement == round(2 / 3, 6)
    assert row.probs == pytest.approx(_mix(*[(1.0, smoothed_one_hot(j.label.value)) for j in js]))
    assert [(s.start, s.end, s.text) for s in row.evidence] == [(10, 21, "profit fell")]
    assert row.to_dict()["evidence"] == [{"start": 10, "end": 21, "text": "profit fell"}]
    assert row.teachers == ("a", "b", "c") and row.gold == "negative"
    assert row.weights == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_weights_change_the_majority() -> None:
    js = [_j("a", "positive", rationale="A.", evidence=()), _j("b", "negative"), _j("c", "negative")]
    row = combine(TEXT, js, vote=Vote.MAJORITY, weights={"a": 3.0})
    assert row.label == "positive" and row.rationale == "A." and row.agreement == 0.6
    assert row.weights == pytest.approx({"a": 0.6, "b": 0.2, "c": 0.2})


def test_mean_vote_uses_probabilities() -> None:
    p_neutral = {"negative": 0.45, "neutral": 0.5, "positive": 0.05}
    js = [
        _j("a", "neutral", probs=p_neutral),
        _j("b", "neutral", probs=p_neutral),
        _j("c", "negative", probs={"negative": 0.99, "neutral": 0.01, "positive": 0.0}),
    ]
    assert combine(TEXT, js, vote=Vote.MAJORITY).label == "neutral"
    row = combine(TEXT, js, vote=Vote.MEAN)
    assert row.label == "negative"
    assert abs(sum(row.probs.values()) - 1) < 1e-6
    assert row.rationale is None and row.evidence is None  # nobody annotated evidence


def test_a_teacher_without_probabilities_counts_in_the_soft_target() -> None:
    """The documented `--teacher llama:... --teacher claude:...@2`: Claude gives a label and
    no probabilities, yet it holds two thirds of the soft target."""
    llama = _j("llama", "positive", probs={"negative": 0.1, "neutral": 0.2, "positive": 0.7})
    claude = _j("claude", "negative", rationale="Profit fell sharply.", evidence=("profit fell sharply",))
    row = combine(TEXT, [llama, claude], weights={"claude": 2.0})
    expected = _mix((1.0, llama.probs), (2.0, smoothed_one_hot("negative")))
    assert row.probs == pytest.approx(expected)
    assert row.probs["negative"] == pytest.approx((0.1 + 2 * (1 - ONE_HOT_SMOOTHING)) / 3)
    assert row.label == "negative" and row.weights == pytest.approx({"llama": 1 / 3, "claude": 2 / 3})
    assert row.explained_by == "claude" and row.evidence[0].text == "profit fell sharply"


def test_a_claude_only_run_teaches_labels() -> None:
    row = combine(TEXT, [_j("claude", "positive", rationale="Orders rose.", evidence=("orders rose",))])
    assert row.probs == pytest.approx(smoothed_one_hot("positive"))
    assert max(row.probs, key=row.probs.get) == row.label == "positive"


def test_evidence_never_argues_for_another_label() -> None:
    """The soft target's argmax is positive; the only teacher with evidence said negative, so
    the row carries no evidence (null), not the negative teacher's phrases."""
    llama = _j("llama", "positive", probs={"negative": 0.0, "neutral": 0.0, "positive": 1.0})
    claude = _j("claude", "negative", rationale="Profit fell.", evidence=("profit fell",))
    row = combine(TEXT, [llama, claude], weights={"llama": 3.0})
    assert row.label == "positive"
    assert row.evidence is None and row.rationale is None and row.explained_by is None
    # Evidence that agrees with the argmax is kept, even from a lower-weighted teacher.
    helper = _j("gemma", "positive", rationale="Orders rose.", evidence=("orders rose",))
    row = combine(TEXT, [llama, claude, helper], weights={"llama": 3.0})
    assert row.label == "positive" and row.explained_by == "gemma"
    assert [s.text for s in row.evidence] == ["orders rose"]


def test_empty_evidence_is_kept_as_no_evidence_and_null_as_unannotated() -> None:
    quoted_nothing = _j("claude", "neutral", rationale="Nothing points either way.", evidence=())
    row = combine(TEXT, [quoted_nothing])
    assert row.evidence == () and row.to_dict()["evidence"] == []
    label_only = _j("llama", "neutral", probs={"negative": 0.1, "neutral": 0.8, "positive": 0.1})
    row = combine(TEXT, [label_only])
    assert row.evidence is None and row.to_dict()["evidence"] is None
    # Phrases that cannot be found (an old store with fragments) do not become "no evidence".
    fragments = _j("old", "negative", rationale="r", evidence=("ofit fe",))
    assert combine(TEXT, [fragments]).to_dict()["evidence"] is None


def test_judgement_evidence_round_trips_empty_and_null() -> None:
    for evidence in ((), None, ("profit fell",)):
        j = _j("a", "negative", rationale="r", evidence=evidence)
        assert Judgement.from_dict(j.to_dict()).evidence == evidence


def test_rejections_do_not_vote() -> None:
    bad = Judgement.rejected(TEXT, teacher_id="x", prompt_version="v", reason=RejectReason.INVALID_JSON)
    assert combine(TEXT, [bad]) is None
    assert combine(TEXT, [bad, _j("a", "positive")]).teachers == ("a",)


def test_statistics() -> None:
    assert gold_scores(["neutral", "positive"], ["neutral", "positive"])["weighted_f1"] == 1.0
    assert cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    s2 = "Sales were flat."
    by = {
        TEXT: [_j("a", "negative"), _j("b", "negative")],
        s2: [
            Judgement.accepted(s2, teacher_id="a", prompt_version="v", label=Label.NEUTRAL),
            Judgement.accepted(s2, teacher_id="b", prompt_version="v", label=Label.POSITIVE),
        ],
    }
    combined = {t: combine(t, js) for t, js in by.items()}
    stats = agreement_stats(by, combined, {TEXT: "negative", s2: "neutral"})
    assert stats["pairwise"]["a | b"]["agreement"] == 0.5
    assert stats["vs_gold"]["a"]["accuracy"] == 1.0
    assert stats["vs_gold"]["b"]["accuracy"] == 0.5


def test_batch_calibration_removes_a_label_bias() -> None:
    biased = [
        Judgement.accepted(
            f"s{i}",
            teacher_id="a",
            prompt_version="v",
            label=Label.NEGATIVE,
            probs={"negative": 0.6, "neutral": 0.1 + 0.1 * (i % 2), "positive": 0.3 - 0.1 * (i % 2)},
            rationale="Bad news.",
            evidence=(f"s{i}",),
        )
        for i in range(4)
    ]
    other = Judgement.accepted("s0", teacher_id="b", prompt_version="v", label=Label.POSITIVE)
    out, priors = batch_calibrate([*biased, other])
    assert priors["a"]["negative"] == pytest.approx(0.6)
    assert [j.label.value for j in out[:4]] == ["positive", "neutral", "positive", "neutral"]
    assert all(sum(j.probs.values()) == pytest.approx(1.0) for j in out[:4])
    # The label changed: the old evidence argued for it, so it becomes unannotated (None),
    # not "no evidence".
    assert all(j.rationale is None and j.evidence is None for j in out[:4])
    assert out[4] is other  # no probabilities: unchanged


def test_pipeline_with_a_probability_teacher_and_a_label_teacher(tmp_path) -> None:
    """run_labelling end to end: a teacher with probabilities and one without (inverted, weight
    2); every row's soft target shows both, in the report too."""
    import json

    from finlocal.train.labelling import InputRow, LabelConfig, run_labelling
    from finlocal.train.teachers.fake import FakeTeacher

    local = FakeTeacher(name="local", with_probs=True)
    remote = FakeTeacher(name="remote", with_probs=False, invert=True)
    rows = [InputRow("Sales rose 5 %."), InputRow("Profit fell."), InputRow("The AGM is in May.")]
    config = LabelConfig(out_dir=tmp_path, weights={remote.teacher_id: 2.0}, progress=False)
    report = run_labelling(rows, [local, remote], config)
    combined = [json.loads(x) for x in (tmp_path / "combined.jsonl").read_text().splitlines()]
    assert len(combined) == 3
    for row in combined:
        assert row["weights"] == pytest.approx({local.teacher_id: 1 / 3, remote.teacher_id: 2 / 3})
        assert row["label"] == max(row["probs"], key=row["probs"].get)
    rose = combined[0]  # local: positive (0.8), remote: negative (inverted)
    assert rose["label"] == "negative"
    assert rose["probs"]["positive"] == pytest.approx((0.8 + 2 * 0.05) / 3)
    assert rose["evidence"] == [{"start": 6, "end": 10, "text": "rose"}]  # the remote's quote
    assert rose["explained_by"] == remote.teacher_id
    assert report["teachers"][remote.teacher_id]["soft_target"]["mean_share"] == pytest.approx(2 / 3)


def test_the_teachers_labels_are_the_canonical_labels() -> None:
    assert tuple(label.value for label in Label) == LABELS


def test_evidence_with_a_phrase_not_found_is_unannotated_not_partial() -> None:
    """A stored judgement whose phrases passed older, looser rules ("profit fel" was found as a
    substring): keeping only the phrases still found would teach "profit fel"'s words as "not
    evidence"; the row is left unannotated instead."""
    row = combine(TEXT, [_j("a", "negative", rationale="Profit fell.", evidence=("profit fel", "fell sharply"))])
    assert row is not None and row.label == "negative" and row.rationale == "Profit fell."
    assert row.evidence is None
    ok = combine(TEXT, [_j("a", "negative", rationale="Profit fell.", evidence=("Profit fell", "profit  FELL"))])
    assert ok is not None and [(s.start, s.end) for s in ok.evidence] == [(10, 21)]

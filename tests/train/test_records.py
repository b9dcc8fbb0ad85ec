"""The files passed between training stages round-trip through their records, and a bad row says
where it is and what is wrong."""

from __future__ import annotations

import pytest

from finlocal.errors import InputError
from finlocal.predictions import Span
from finlocal.train.records import EvidenceRow, FitInfo, GoldRow, TeacherRow

TEXT = "Net debt fell by 12 % ."
P = {"negative": 0.1, "neutral": 0.2, "positive": 0.7}


@pytest.mark.parametrize(
    "row",
    [
        TeacherRow(
            TEXT,
            probs=P,
            evidence=(Span(0, 8, "Net debt"),),
            teachers=("llama:x",),
            label="positive",
            rationale="debt down",
            weights={"llama:x": 1.0},
            agreement=1.0,
            gold="positive",
            explained_by="llama:x",
        ),
        TeacherRow(
            TEXT, id="fpb-1", probs_by_fold={"0": P, "all": P}, partition="k5-r0-abcd1234", teachers=("cv:m:k5",)
        ),
        TeacherRow(TEXT, probs=P, evidence=()),  # supervised "no evidence"
    ],
)
def test_teacher_rows_round_trip(row: TeacherRow) -> None:
    assert TeacherRow.from_dict(row.to_dict()) == row


def test_evidence_and_fit_records_round_trip() -> None:
    ev = EvidenceRow(
        TEXT,
        id="fpb-1",
        label="positive",
        partition="k5-r0-abcd1234",
        source="saliency:t",
        evidence_by_fold={"1": (Span(9, 13, "fell"),), "all": ()},
    )
    assert EvidenceRow.from_dict(ev.to_dict()) == ev
    info = FitInfo(
        config={"epochs": 2},
        data={"train_rows": 3},
        epochs=2,
        heldout=None,
        history=[{"epoch": 1, "train_loss": 0.5}],
        seconds=1.5,
        threads=1,
        device="cpu",
    )
    assert FitInfo.from_dict(info.to_dict()) == info


def test_a_run_reads_its_own_folds_annotations_only() -> None:
    row = TeacherRow(TEXT, probs_by_fold={"0": P, "all": P}, partition="k5-r0-abcd1234")
    assert row.probs_for("0", "k5-r0-abcd1234", "f:1") == P
    assert row.probs_for("all", None, "f:1") == P
    with pytest.raises(InputError, match="made by the fold models of folds 'k5-r0-abcd1234'"):
        row.probs_for("0", "k5-r1-00000000", "f:1")
    with pytest.raises(InputError, match="no probabilities for fold '3'"):
        row.probs_for("3", "k5-r0-abcd1234", "f:1")
    ev = EvidenceRow(TEXT, evidence_by_fold={"1": ()}, partition="k5-r0-abcd1234")
    assert ev.evidence_for("0", "k5-r0-abcd1234", "f:1") is None  # not annotated for that fold


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": TEXT, "probs": {"negative": 0.5}}, "must give a number for each of"),
        ({"text": TEXT, "probs": {"negative": 0.5, "neutral": 0.5, "positive": 0.5}}, "not a distribution"),
        ({"text": TEXT, "evidence": [{"start": 0, "end": 99, "text": "x"}]}, "does not match"),
        ({"text": TEXT, "probs_by_fold": {"0": P}}, "without the partition key"),
        ({"probs": P}, 'expected a "text" string'),
    ],
)
def test_bad_teacher_rows_say_what_is_wrong(data: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        TeacherRow.from_dict(data, "t.jsonl:7")


def test_gold_rows_need_a_known_label() -> None:
    assert GoldRow.from_dict({"text": TEXT, "label": "positive", "source_id": "fpb-3"}).source_id == "fpb-3"
    with pytest.raises(InputError, match=r"g.jsonl:2: label 'bullish'"):
        GoldRow.from_dict({"text": TEXT, "label": "bullish"}, "g.jsonl:2")
    with pytest.raises(InputError, match="not a finished training run"):
        FitInfo.from_dict({"config": {}}, "fit.json")


def test_source_ids_are_strings_and_a_folds_null_evidence_stays_unannotated() -> None:
    assert GoldRow.from_dict({"text": TEXT, "label": "positive", "source_id": 3}).source_id == "3"
    assert GoldRow.from_dict({"text": TEXT, "label": "positive"}).source_id is None
    ev = EvidenceRow.from_dict({"text": TEXT, "partition": "k5-r0-abcd1234", "evidence_by_fold": {"0": None, "1": []}})
    assert ev.evidence_by_fold == {"0": None, "1": ()}
    assert ev.evidence_for("0", "k5-r0-abcd1234", "f:1") is None  # masked, not "no evidence"
    assert ev.evidence_for("1", "k5-r0-abcd1234", "f:1") == ()
    assert EvidenceRow.from_dict(ev.to_dict()) == ev
    row = TeacherRow.from_dict(
        {"text": TEXT, "probs_by_fold": {"0": P}, "partition": "k5-r0-abcd1234", "evidence_by_fold": {"0": None}}
    )
    assert row.evidence_for("0", "k5-r0-abcd1234", "f:1") is None

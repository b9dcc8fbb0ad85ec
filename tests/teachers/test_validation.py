"""Validation of replies and the evidence locator."""

from __future__ import annotations

import pytest
from finlocal.train.judgement import Judgement, Label, RejectReason, Status
from finlocal.train.prompt import FEW_SHOT, PROMPT_VERSION, Prompt
from finlocal.train.validation import Invalid, Verdict, locate, validate_raw, validate_reply

SENTENCE = "Net sales  rose by 12 %\nto EUR 3.1 million."


def test_locate_normalises_whitespace_and_case_and_maps_offsets() -> None:
    span = locate(SENTENCE, "SALES ROSE by 12 % to")
    assert span is not None
    assert SENTENCE[span.start : span.end] == span.text == "sales  rose by 12 %\nto"
    assert locate(SENTENCE, "sales fell") is None
    assert locate(SENTENCE, "   ") is None


def test_valid_reply() -> None:
    v = validate_reply(SENTENCE, {"label": "Positive ", "rationale": " Sales grew. ",
                                  "evidence": ["rose by 12 %", "rose by 12 %"]})
    assert v == Verdict(Label.POSITIVE, "Sales grew.", ("rose by 12 %",))


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ({"label": "bullish", "rationale": "x", "evidence": []}, RejectReason.LABEL_NOT_IN_SET),
        ({"rationale": "x", "evidence": []}, RejectReason.SCHEMA_MISMATCH),
        ({"label": "neutral", "rationale": "  ", "evidence": []}, RejectReason.EMPTY_RATIONALE),
        ({"label": "neutral", "rationale": "x" * 301, "evidence": []}, RejectReason.RATIONALE_TOO_LONG),
        ({"label": "neutral", "rationale": "x", "evidence": ["profit fell"]},
         RejectReason.EVIDENCE_NOT_VERBATIM),
        ({"label": "neutral", "rationale": "x", "evidence": ["Net", "sales", "rose", "to"]},
         RejectReason.TOO_MANY_EVIDENCE),
        ({"label": "neutral", "rationale": "x", "evidence": "Net sales"}, RejectReason.SCHEMA_MISMATCH),
    ],
)
def test_invalid_replies_have_a_reason(reply: dict, reason: RejectReason) -> None:
    result = validate_reply(SENTENCE, reply)
    assert isinstance(result, Invalid) and result.reason is reason


def test_raw_json_errors() -> None:
    assert validate_raw(SENTENCE, '{"label": "neutral",').reason is RejectReason.INVALID_JSON
    assert validate_raw(SENTENCE, "[1, 2]").reason is RejectReason.INVALID_JSON
    # A raw newline inside a string is not JSON: the grammar fix exists for this.
    bad = '{"label": "neutral", "rationale": "a\nb", "evidence": []}'
    assert validate_raw(SENTENCE, bad).reason is RejectReason.INVALID_JSON


def test_few_shot_examples_pass_their_own_validation() -> None:
    for ex in FEW_SHOT:
        assert isinstance(validate_raw(ex.sentence, ex.reply()), Verdict), ex


def test_prompt_versions_differ_by_shots_and_are_stable() -> None:
    assert Prompt(few_shot=True).version == PROMPT_VERSION
    assert Prompt(few_shot=False).version != PROMPT_VERSION
    assert PROMPT_VERSION.startswith("fpb-fs-")


def test_judgement_round_trip_and_invariants() -> None:
    j = Judgement.accepted("s", teacher_id="t", prompt_version="v", label=Label.NEGATIVE,
                           probs={"negative": 0.7, "neutral": 0.2, "positive": 0.1},
                           rationale="r", evidence=("s",))
    assert Judgement.from_dict(j.to_dict()) == j
    r = Judgement.rejected("s", teacher_id="t", prompt_version="v", reason=RejectReason.TRUNCATED)
    assert r.status is Status.REJECTED and Judgement.from_dict(r.to_dict()) == r
    with pytest.raises(ValueError):
        Judgement(sentence="s", teacher_id="t", prompt_version="v", status=Status.OK)

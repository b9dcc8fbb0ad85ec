"""Validation of replies and the evidence locator."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finlocal.predictions import Span
from finlocal.train import validation
from finlocal.train.judgement import Judgement, Label, RejectReason, Status
from finlocal.train.prompt import FEW_SHOT, PROMPT_VERSION, Prompt
from finlocal.train.validation import (
    Invalid,
    Verdict,
    locate,
    normalise,
    validate_raw,
    validate_reply,
)

SENTENCE = "Net sales  rose by 12 %\nto EUR 3.1 million."


def test_locate_normalises_whitespace_and_case_and_maps_offsets() -> None:
    span = locate(SENTENCE, "SALES ROSE by 12 % to")
    assert span is not None
    assert SENTENCE[span.start : span.end] == span.text == "sales  rose by 12 %\nto"
    assert locate(SENTENCE, "sales fell") is None
    assert locate(SENTENCE, "   ") is None


def test_valid_reply() -> None:
    v = validate_reply(
        SENTENCE, {"label": "Positive ", "rationale": " Sales grew. ", "evidence": ["rose by 12 %", "rose by 12 %"]}
    )
    assert v == Verdict(Label.POSITIVE, "Sales grew.", ("rose by 12 %",))


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ({"label": "bullish", "rationale": "x", "evidence": []}, RejectReason.LABEL_NOT_IN_SET),
        ({"rationale": "x", "evidence": []}, RejectReason.SCHEMA_MISMATCH),
        ({"label": "neutral", "rationale": "  ", "evidence": []}, RejectReason.EMPTY_RATIONALE),
        ({"label": "neutral", "rationale": "x" * 301, "evidence": []}, RejectReason.RATIONALE_TOO_LONG),
        ({"label": "neutral", "rationale": "x", "evidence": ["profit fell"]}, RejectReason.EVIDENCE_NOT_VERBATIM),
        (
            {"label": "neutral", "rationale": "x", "evidence": ["Net", "sales", "rose", "to"]},
            RejectReason.TOO_MANY_EVIDENCE,
        ),
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
    j = Judgement.accepted(
        "s",
        teacher_id="t",
        prompt_version="v",
        label=Label.NEGATIVE,
        probs={"negative": 0.7, "neutral": 0.2, "positive": 0.1},
        rationale="r",
        evidence=("s",),
    )
    assert Judgement.from_dict(j.to_dict()) == j
    r = Judgement.rejected("s", teacher_id="t", prompt_version="v", reason=RejectReason.TRUNCATED)
    assert r.status is Status.REJECTED and Judgement.from_dict(r.to_dict()) == r
    with pytest.raises(ValueError):
        Judgement(sentence="s", teacher_id="t", prompt_version="v", status=Status.OK)


# -- evidence on word boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase", "expected"),
    [
        ("The glossy paper segment posted a loss.", "loss", "loss"),  # not inside "glossy"
        ("Profitability improved and profit rose.", "profit", "profit"),
        ("Profitability improved.", "profit", None),
        ("The loss widened.", "oss", None),
        ("The loss widened.", "los", None),
        ("Sales rose to EUR 13.1 mn.", "13", None),  # not a piece of 13.1
        ("Sales rose to EUR 13.1 mn.", "1 mn", None),
        ("Sales rose to EUR 13.1 mn.", "EUR 13.1", "EUR 13.1"),
        ("Sales rose by 12 %.", "12 %", "12 %"),
        ("Orders ( EUR 3 mn ) rose.", "( EUR", "( EUR"),
        ("The company's loss narrowed.", "company", "company"),
    ],
)
def test_locate_matches_whole_words_only(sentence: str, phrase: str, expected: str | None) -> None:
    span = locate(sentence, phrase)
    if expected is None:
        assert span is None
    else:
        assert span is not None and span.text == expected
        assert sentence[span.start : span.end] == expected
        assert span.start == 0 or not sentence[span.start - 1].isalnum()
        assert span.end == len(sentence) or not sentence[span.end].isalnum()


def test_fragments_are_not_verbatim_evidence() -> None:
    sentence = "The glossy paper unit returned to profitability."
    for phrase in ("loss", "oss", "profit"):
        result = validate_reply(sentence, {"label": "positive", "rationale": "x", "evidence": [phrase]})
        assert isinstance(result, Invalid), phrase
        assert result.reason is RejectReason.EVIDENCE_NOT_VERBATIM


_words = st.text(alphabet="abcdefgh", min_size=1, max_size=6)


@given(words=st.lists(_words, min_size=1, max_size=12), data=st.data())
def test_locate_property_whole_words(words: list[str], data: st.DataObject) -> None:
    sentence = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    phrase = " ".join(words[i : j + 1])
    span = locate(sentence, phrase.upper())
    # A run of whole words is always found, at word boundaries, and maps back to the phrase.
    assert span is not None
    assert sentence[span.start : span.end] == span.text
    assert normalise(span.text) == normalise(phrase)
    assert span.start == 0 or sentence[span.start - 1] == " "
    assert span.end == len(sentence) or sentence[span.end] == " "


_gaps = st.text(alphabet=" \t\n\u00a0", min_size=1, max_size=3)


@given(words=st.lists(st.text(alphabet="aBcßẞ", min_size=1, max_size=5), min_size=1, max_size=8), data=st.data())
def test_locate_property_maps_whitespace_runs_and_case_back_to_the_sentence(
    words: list[str], data: st.DataObject
) -> None:
    """Words joined by any whitespace runs, in any case (ß folds to two letters): a run of them,
    written with single spaces in another case, is found, and its span is the sentence's own
    characters from its first word's first letter to its last word's last letter."""
    gaps = [data.draw(_gaps) for _ in words[1:]]
    sentence = data.draw(_gaps) + "".join(w + g for w, g in zip(words, [*gaps, ""], strict=True))
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    span = locate(sentence, " ".join(words[i : j + 1]).swapcase())
    assert span is not None
    assert sentence[span.start : span.end] == span.text
    assert normalise(span.text) == normalise(" ".join(words[i : j + 1]))
    assert span.text == span.text.strip() and not span.text[0].isspace()
    assert span.start == 0 or sentence[span.start - 1].isspace()
    assert span.end == len(sentence) or sentence[span.end].isspace()


@given(words=st.lists(_words, min_size=1, max_size=12), data=st.data())
def test_locate_property_fragments_are_rejected(words: list[str], data: st.DataObject) -> None:
    sentence = " ".join(words)
    word = data.draw(st.sampled_from([w for w in words if len(w) > 1] or ["ab"]))
    if word not in words:
        return
    a = data.draw(st.integers(0, len(word) - 1))
    b = data.draw(st.integers(a + 1, len(word)))
    fragment = word[a:b]
    span = locate(sentence, fragment)
    if fragment in words:
        assert span is not None  # it is also a whole word somewhere
    else:
        assert span is None
    if span is not None:  # whatever is found never starts or ends inside a word
        assert span.start == 0 or sentence[span.start - 1] == " "
        assert span.end == len(sentence) or sentence[span.end] == " "


@pytest.mark.parametrize("phrase", [".", "%", "(", "; ", '"'])
def test_punctuation_alone_is_not_evidence(phrase: str) -> None:
    sentence = 'Net sales rose 4.5 % (EUR 3 mn); the "target" was met.'
    verdict = validate_reply(sentence, {"label": "positive", "rationale": "r", "evidence": [phrase]})
    assert isinstance(verdict, Invalid) and verdict.reason is RejectReason.EVIDENCE_WITHOUT_WORDS
    for ok in ("4.5 %", "(EUR 3 mn)", '"target"'):
        assert isinstance(validate_reply(sentence, {"label": "positive", "rationale": "r", "evidence": [ok]}), Verdict)


def test_prompt_version_covers_the_validation_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Judgements accepted under other rules (the old substring `locate`) are never mixed with
    the current ones: the rules are part of every prompt version, by what they decide."""
    before = Prompt().version
    assert Prompt().version == before and validation.rules_digest() == validation.rules_digest()

    def substring_locate(sentence: str, phrase: str) -> Span | None:
        at = sentence.lower().find(phrase.lower())
        return Span(start=at, end=at + len(phrase), text=sentence[at : at + len(phrase)]) if at >= 0 else None

    validation.rules_digest.cache_clear()
    try:
        with monkeypatch.context() as m:
            m.setattr(validation, "locate", substring_locate)
            assert Prompt().version != before
        validation.rules_digest.cache_clear()
        with monkeypatch.context() as m:
            m.setattr(validation, "EVIDENCE_MAX_ITEMS", 4)
            assert Prompt().version != before
    finally:
        validation.rules_digest.cache_clear()
    assert Prompt().version == before

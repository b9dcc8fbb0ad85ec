"""Occlusion with the fake classifier and the tiny model."""

from __future__ import annotations

from finlocal.occlusion import OcclusionEffect, clauses, mask, occlusion
from finlocal.predictions import Span
from tests.fakes import KeywordClassifier


def test_occlusion_of_evidence_spans_in_one_batched_call(fake_classifier) -> None:
    text = "Net sales rose 5 % while costs were flat."
    effects = occlusion(fake_classifier, text)
    assert len(fake_classifier.calls) == 2  # the prediction, then one batch of masked variants
    [effect] = effects
    assert effect.span.text == "rose" and effect.label == "positive"
    assert effect.before > effect.after  # masking the only positive word removes the positive call
    assert effect.describe().startswith("masking 'rose' moves positive ")


def test_occlusion_line_rounds_as_the_header_does() -> None:
    # the header shows a probability rounded down (0.969 → "0.96"): the masking line must agree
    effect = OcclusionEffect(Span(0, 4, "fell"), "negative", 0.969, 0.955)
    assert effect.describe() == "masking 'fell' moves negative 0.96 → 0.95"


def test_occlusion_falls_back_to_clauses_without_evidence() -> None:
    classifier = KeywordClassifier(has_evidence=False)
    text = "Sales rose, but profit fell and margins were lower."
    effects = occlusion(classifier, text)
    assert [e.span.text for e in effects] == ["Sales rose", "profit fell", "margins were lower."]
    for e in effects:
        assert text[e.span.start : e.span.end] == e.span.text


def test_clauses_of_a_single_clause_sentence_are_word_groups() -> None:
    assert [s.text for s in clauses("Net sales rose five percent")] == ["Net sales rose", "five percent"]


def test_mask_replaces_or_removes() -> None:
    span = Span(10, 14, "rose")
    assert mask("Net sales rose 5 %", span, "[MASK]") == "Net sales [MASK] 5 %"
    assert mask("Net sales rose 5 %", span, None) == "Net sales 5 %"


def test_occlusion_with_tiny_model(tiny_classifier) -> None:
    text = "Net sales fell by 2.4 % in the third quarter ."
    effects = occlusion(tiny_classifier, text)
    assert effects and all(isinstance(e, OcclusionEffect) for e in effects)
    for e in effects:
        assert 0 <= e.after <= 1 and text[e.span.start : e.span.end] == e.span.text

"""Metrics against hand-computed values, and reading labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.errors import InputError
from finlocal.evaluation import (
    LabelledText,
    classification_metrics,
    evaluate,
    predict_labels,
    read_labelled,
)
from finlocal.predictions import LABELS
from finlocal.structure import SplitMode


def test_metrics_by_hand() -> None:
    gold = ["positive", "positive", "negative", "neutral", "neutral", "neutral"]
    pred = ["positive", "neutral", "negative", "neutral", "neutral", "positive"]
    m = classification_metrics(gold, pred, LABELS)
    assert m.n == 6 and m.accuracy == pytest.approx(4 / 6)
    assert m.confusion == ((1, 0, 0), (0, 2, 1), (0, 1, 1))
    # positive: P = 1/2, R = 1/2, F1 = 1/2; neutral: P = 2/3, R = 2/3; negative: 1
    assert m.per_class["positive"].f1 == pytest.approx(0.5)
    assert m.per_class["neutral"].precision == pytest.approx(2 / 3)
    assert m.per_class["negative"].f1 == pytest.approx(1.0)
    assert m.f1_macro == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    assert m.f1_weighted == pytest.approx((1 * 1 + 3 * 2 / 3 + 2 * 0.5) / 6)


def test_metrics_zero_division_and_errors() -> None:
    m = classification_metrics(["neutral"], ["neutral"], LABELS)
    assert m.per_class["positive"].f1 == 0.0 and m.f1_macro == pytest.approx(1 / 3)
    assert classification_metrics([], [], LABELS).accuracy == 0.0
    with pytest.raises(ValueError, match="bullish"):
        classification_metrics(["bullish"], ["neutral"], LABELS)
    with pytest.raises(ValueError):
        classification_metrics(["neutral"], [], LABELS)


def test_read_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "1", "text": "Sales rose .", "label": "positive", "agreement": "100"},
                {"text": "Profit fell .", "label": "Negative"},
            ]
        )
        + "\n\n"
    )
    assert read_labelled(path) == [
        LabelledText("Sales rose .", "positive", "100"),
        LabelledText("Profit fell .", "negative", None),
    ]


def test_read_jsonl_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "Sales rose .", "label": "positive"}).encode())
    assert read_labelled(path) == [LabelledText("Sales rose .", "positive", None)]


def test_read_fpb_raw_latin1(tmp_path: Path) -> None:
    path = tmp_path / "Sentences_75Agree.txt"
    path.write_bytes("Sales in Zürich rose .@positive\nThe CEO is J. Smith .@neutral\n".encode("latin-1"))
    rows = read_labelled(path)
    assert rows[0] == LabelledText("Sales in Zürich rose .", "positive", "75")
    assert rows[1].label == "neutral"


def test_read_labelled_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "positive"}\n{"text": 1}\n')
    with pytest.raises(InputError, match="bad.jsonl:2"):
        read_labelled(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_labelled(tmp_path / "missing.jsonl")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(InputError, match="no labelled rows"):
        read_labelled(empty)


def test_evaluate_with_fake_and_agreement(fake_classifier) -> None:
    rows = [
        LabelledText("Sales rose .", "positive", "100"),
        LabelledText("Profit fell .", "negative", "100"),
        LabelledText("The firm is in Oulu .", "neutral", "50"),
        LabelledText("Costs rose .", "negative", "50"),
    ]
    report = evaluate(fake_classifier, rows)
    assert report.n == 4 and report.metrics.accuracy == 0.75
    assert list(report.by_agreement) == ["100", "50"]
    assert report.by_agreement["100"].accuracy == 1.0
    data = report.to_dict()
    for key in ("accuracy", "f1_weighted", "f1_macro", "n", "confusion", "sentences_per_s"):
        assert key in data
    with pytest.raises(InputError, match="bullish"):
        evaluate(fake_classifier, [LabelledText("x", "bullish")])


def test_evaluate_tiny_model_beats_chance(tiny_classifier) -> None:
    rows = [
        LabelledText(f"{s} {v} in the second quarter .", label)
        for s in ("Net sales", "Operating profit", "Revenue", "Order intake")
        for v, label in (
            ("rose", "positive"),
            ("increased", "positive"),
            ("fell", "negative"),
            ("decreased", "negative"),
        )
    ]
    rows += [LabelledText("The company is headquartered in Helsinki , Finland .", "neutral")] * 4
    report = evaluate(tiny_classifier, rows)
    assert report.metrics.accuracy > 0.6


def test_lines_end_only_at_line_breaks(tmp_path: Path) -> None:
    # U+2028 may stand unescaped in a JSON string, and latin-1 makes U+0085 of FPB's byte 0x85:
    # neither ends a line (str.splitlines would cut the row in two).
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Sales\u2028rose \x85 5 %.", "label": "positive"}, ensure_ascii=False) + "\r\n",
        encoding="utf-8",
    )
    assert [r.text for r in read_labelled(jsonl)] == ["Sales\u2028rose \x85 5 %."]
    raw = tmp_path / "Sentences_AllAgree.txt"
    raw.write_bytes(b"Sales rose \x85 in Q3 .@positive\r\nCosts fell .@negative\n")
    assert [(r.text, r.label) for r in read_labelled(raw)] == [
        ("Sales rose \x85 in Q3 .", "positive"),
        ("Costs fell .", "negative"),
    ]


def test_predict_labels_by_split_mode(fake_classifier) -> None:
    texts = ["Sales rose and profit rose. Costs fell.", "Sales rose.\nCosts fell.\nProfit fell.", "  "]
    # whole: 2 positive words against 1 -> positive; by sentence: one positive, one negative ->
    # a tie, which goes to the earlier label in the model's order (negative), as in
    # `finlocal score --per document`
    assert predict_labels(fake_classifier, texts, split=SplitMode.NONE) == ["positive", "negative", "neutral"]
    assert predict_labels(fake_classifier, texts, split=SplitMode.SENTENCES) == ["negative", "negative", "neutral"]
    assert predict_labels(fake_classifier, texts, split=SplitMode.LINES) == ["positive", "negative", "neutral"]
    assert fake_classifier.calls[-1] == [
        "Sales rose and profit rose. Costs fell.",
        "Sales rose.",
        "Costs fell.",
        "Profit fell.",
        "  ",
    ]


def test_evaluate_split_changes_only_how_rows_are_scored(fake_classifier) -> None:
    rows = [LabelledText("Sales rose and profit rose. Costs fell.", "positive")]
    assert evaluate(fake_classifier, rows).metrics.accuracy == 1.0
    assert evaluate(fake_classifier, rows, split=SplitMode.SENTENCES).metrics.accuracy == 0.0

"""TFNS and SEntFiN as gold rows: the headlines kept are those whose entities agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.errors import InputError
from finlocal.train.corpora import entity_label, main, sentfin_rows, tfns_rows


@pytest.mark.parametrize(
    ("entities", "label"),
    [
        ({"Infosys": "positive"}, "positive"),
        ({"SBI": "negative", "HDFC": "negative"}, "negative"),
        ({"SBI": "negative", "HDFC": "positive"}, None),
        ({"Sensex": "neutral", "Nifty": "neutral", "Rupee": "positive"}, None),
    ],
)
def test_a_headline_has_a_label_only_when_every_entity_agrees(entities: dict, label: str | None) -> None:
    assert entity_label(entities, "x") == label


@pytest.mark.parametrize("entities", [{}, {"SBI": "bullish"}])
def test_an_unknown_or_missing_entity_label_is_an_error(entities: dict) -> None:
    with pytest.raises(InputError, match="x: entity labels"):
        entity_label(entities, "x")


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_sentfin_keeps_agreeing_headlines_and_counts_what_it_leaves_out(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "sentfin.jsonl",
        [
            {"id": "s1", "text": "Infosys profit soars", "entities": {"Infosys": "positive"}, "label": "positive"},
            {
                "id": "s2",
                "text": "SBI up, HDFC down",
                "entities": {"SBI": "positive", "HDFC": "negative"},
                "label": None,
            },
            # no sentence-level label: the entities decide
            {"id": "s3", "text": "Board meets Friday", "entities": {"TCS": "neutral"}},
            # the same headline twice with different labels: both left out
            {"id": "s4", "text": "Rupee slips", "entities": {"Rupee": "negative"}, "label": "negative"},
            {"id": "s5", "text": "Rupee  slips", "entities": {"Rupee": "neutral"}, "label": "neutral"},
        ],
    )
    result = sentfin_rows(data)
    assert [(r["id"], r["label"]) for r in result.rows] == [("s1", "positive"), ("s3", "neutral")]
    assert (result.mixed, result.conflicting) == (1, 2)
    assert all(r["source"] == "sentfin" for r in result.rows)


def test_a_sentence_label_that_disagrees_with_its_entities_names_the_line(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "sentfin.jsonl",
        [{"id": "s1", "text": "SBI falls", "entities": {"SBI": "negative"}, "label": "positive"}],
    )
    with pytest.raises(InputError, match=r"sentfin.jsonl:1: label 'positive' but the entities say 'negative'"):
        sentfin_rows(data)


def test_tfns_rows_keep_their_ids_and_the_command_writes_them(tmp_path: Path) -> None:
    data = _write(tmp_path / "tfns.jsonl", [{"id": "tfns-train-0000", "text": "$X beats", "label": "positive"}])
    assert tfns_rows(data) == [{"id": "tfns-train-0000", "text": "$X beats", "label": "positive", "source": "tfns"}]
    main(["tfns", str(data), "--out", str(tmp_path / "out.jsonl")])
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "tfns-train-0000"

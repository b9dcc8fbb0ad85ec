"""Reading labelling inputs: JSONL, CSV, one sentence a line, documents split into sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.errors import InputError
from finlocal.train.labelling import InputRow, LabelSource, read_inputs


def test_jsonl_with_gold_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        {"sentence": "Sales rose.", "label": "positive"},
        {"sentence": "Sales rose."},
        {"sentence": " Costs fell. ", "label": "bogus"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert read_inputs(path, text_column="sentence") == [
        InputRow("Sales rose.", "positive"),
        InputRow("Costs fell.", None),
    ]
    with pytest.raises(InputError, match="--text-column"):
        read_inputs(path)


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('text,label\n"Profit fell, again.",negative\nThe AGM is in May.,\n')
    assert read_inputs(path) == [InputRow("Profit fell, again.", "negative"), InputRow("The AGM is in May.", None)]
    with pytest.raises(InputError, match="no 'body' column"):
        read_inputs(path, text_column="body")


def test_lines_and_documents(tmp_path: Path) -> None:
    lines = tmp_path / "in.txt"
    lines.write_text("Sales rose. Profit fell.\n\nThe AGM is in May.\n")
    assert [r.text for r in read_inputs(lines)] == ["Sales rose. Profit fell.", "The AGM is in May."]
    doc = tmp_path / "note.md"
    doc.write_text("# Q3\n\nSales rose by 5 %. Profit fell sharply.\n")
    texts = [r.text for r in read_inputs(doc)]
    assert "Sales rose by 5 %." in texts and "Profit fell sharply." in texts
    split = [r.text for r in read_inputs(lines, LabelSource.DOCUMENT)]
    assert "Sales rose." in split and "Profit fell." in split


def test_empty_input_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n \n")
    with pytest.raises(InputError, match="no sentences"):
        read_inputs(path)

"""The one JSONL reader and writer: errors name the file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from finlocal.errors import InputError
from finlocal.jsonl import jsonl_line, read_jsonl, write_jsonl
from finlocal.metrics import softmax


def test_round_trip_keeps_text_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "rows.jsonl"
    assert write_jsonl(path, [{"text": "Zürich\u2028rose"}, {"text": "b"}]) == 2
    path.write_text(path.read_text(encoding="utf-8") + "\n  \n", encoding="utf-8")
    assert list(read_jsonl(path)) == [(1, {"text": "Zürich\u2028rose"}), (2, {"text": "b"})]
    assert not (tmp_path / "sub" / "rows.jsonl.tmp").exists()
    assert jsonl_line({"a": "é"}) == '{"a": "é"}\n'


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "x"}\n')
    assert list(read_jsonl(path, required=("text",))) == [(1, {"text": "x"})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"text": "x"}\n{"text": \n', r"rows\.jsonl:2: not valid JSON"),
        (b'{"text": "x"}\n\n[1, 2]\n', r"rows\.jsonl:3: expected a JSON object, found list"),
        (b'{"text": "x"}\n{"label": "positive"}\n', r"rows\.jsonl:2: the object has no 'text' field"),
        (b'{"text": "x"}\n{"text": "\xff"}\n', r"rows\.jsonl:2: not UTF-8"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(read_jsonl(path, required=("text",)))


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_jsonl(tmp_path / "missing.jsonl"))


def test_softmax_over_the_last_axis_with_a_temperature() -> None:
    logits = np.array([[1000.0, 1000.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(softmax(logits), [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-12)
    np.testing.assert_allclose(softmax(np.array([2.0, 0.0]), 2.0), softmax(np.array([1.0, 0.0])))

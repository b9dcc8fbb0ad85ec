"""One suffix table: reading, output, compare and labelling read a file name the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from finlocal.file_types import SUFFIX_TYPES, FileType, file_type
from finlocal.output import Format, format_for_suffix
from finlocal.reading.formats import InputFormat, format_of_path


@pytest.mark.parametrize(
    ("name", "kind", "output", "input_format"),
    [
        ("a.jsonl", FileType.JSONL, Format.JSONL, None),
        ("a.JSON", FileType.JSONL, Format.JSONL, None),
        ("a.csv", FileType.CSV, Format.CSV, None),
        ("a.md", FileType.MARKDOWN, Format.MARKDOWN, InputFormat.MD),
        ("a.markdown", FileType.MARKDOWN, Format.MARKDOWN, InputFormat.MD),
        ("a.txt", FileType.TEXT, Format.TABLE, InputFormat.TXT),
        ("a.htm", FileType.HTML, None, InputFormat.HTML),
        ("a.pdf", FileType.PDF, None, InputFormat.PDF),
        ("a.xlsx", None, None, None),
        ("noext", None, None, None),
    ],
)
def test_one_table(name: str, kind: FileType | None, output: Format | None, input_format: InputFormat | None) -> None:
    assert file_type(name) is kind and file_type(Path(name)) is kind
    assert format_for_suffix(Path(name).suffix) is output
    assert format_of_path(Path(name)) is input_format


def test_bare_suffixes_and_paths_with_dots() -> None:
    assert file_type(".CSV") is FileType.CSV
    assert file_type("dir.md/report.pdf") is FileType.PDF
    assert all(s == s.lower() and s.startswith(".") for s in SUFFIX_TYPES)

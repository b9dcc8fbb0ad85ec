"""Metadata from file names and from a CSV sidecar."""

from __future__ import annotations

from pathlib import Path

import pytest

from finlocal.corpus.metadata import FieldKind, MetadataSource, NamePattern, Sidecar
from finlocal.errors import InputError


def test_name_pattern_fields_and_types() -> None:
    pattern = NamePattern.parse("{ticker}_q{quarter:int}_{year:int}")
    assert [(f.name, f.kind) for f in pattern.fields] == [
        ("ticker", FieldKind.TEXT),
        ("quarter", FieldKind.INT),
        ("year", FieldKind.INT),
    ]
    assert pattern.match(Path("calls/AAPL_q3_2021.txt")) == {"ticker": "AAPL", "quarter": 3, "year": 2021}
    assert pattern.match(Path("BRK.B_q1_2020.md")) == {"ticker": "BRK.B", "quarter": 1, "year": 2020}
    assert pattern.match(Path("A_B_q2_2022.txt")) == {"ticker": "A_B", "quarter": 2, "year": 2022}
    assert pattern.match(Path("AAPL_qX_2021.txt")) is None
    assert pattern.match(Path("notes.txt")) is None


def test_text_fields_by_default() -> None:
    pattern = NamePattern.parse("{ticker}_q{quarter}_{year}")
    assert pattern.match(Path("AAPL_q3_2021.txt")) == {"ticker": "AAPL", "quarter": "3", "year": "2021"}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("report", "no {field}"),
        ("{a}{b}", "literal text between two fields"),
        ("{ticker}_{ticker}", "appears twice"),
        ("{label}_{year}", "clash"),
        ("{ticker}_{year:float}", "unknown field type"),
        ("{ticker", "unbalanced"),
        ("{9x}_a", "not a valid field name"),
    ],
)
def test_bad_patterns_say_what_is_wrong(pattern: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        NamePattern.parse(pattern)


def test_sidecar_paths_are_relative_to_the_csv_and_win_over_the_pattern(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    csv_file = tmp_path / "meta.csv"
    csv_file.write_text("path,sector,year\ndocs/AAPL_q3_2021.txt,tech,2020\ndocs/other.txt,energy,\n")
    source = MetadataSource(NamePattern.parse("{ticker}_q{quarter:int}_{year:int}"), Sidecar.read(csv_file))
    assert [f.name for f in source.fields] == ["ticker", "quarter", "year", "sector"]
    assert source.for_path(tmp_path / "docs" / "AAPL_q3_2021.txt") == {
        "ticker": "AAPL",
        "quarter": 3,
        "year": 2020,
        "sector": "tech",
    }  # the CSV's year, as an int
    assert source.for_path(tmp_path / "docs" / "other.txt") == {
        "ticker": None,
        "quarter": None,
        "year": None,
        "sector": "energy",
    }
    assert source.for_path(tmp_path / "elsewhere.txt") == dict.fromkeys(["ticker", "quarter", "year", "sector"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("file,sector\na.txt,tech\n", "needs a 'path' column"),
        ("path,sector\na.txt,tech\na.txt,energy\n", "listed twice"),
        ("path,text\na.txt,x\n", "clash"),
    ],
)
def test_bad_sidecars(tmp_path: Path, content: str, message: str) -> None:
    csv_file = tmp_path / "meta.csv"
    csv_file.write_text(content)
    with pytest.raises(InputError, match=message):
        Sidecar.read(csv_file)


def test_sidecar_value_of_the_wrong_type(tmp_path: Path) -> None:
    csv_file = tmp_path / "meta.csv"
    csv_file.write_text("path,year\nAAPL_q3_2021.txt,next year\n")
    source = MetadataSource(NamePattern.parse("{ticker}_q{quarter:int}_{year:int}"), Sidecar.read(csv_file))
    with pytest.raises(InputError, match="should be an integer"):
        source.for_path(tmp_path / "AAPL_q3_2021.txt")

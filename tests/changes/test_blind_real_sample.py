"""The real-sentence sample of the metric-change reader (`tests/fixtures/changes/real.jsonl`, issue 24):
fields, values, counts against REAL.md, and sources that name files of the shared data."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.real_sample import CUE, ECTSUM, FILINGS, FPB, is_candidate, table_like
from finlocal.jsonl import read_jsonl

CHANGES = Path(__file__).resolve().parents[1] / "fixtures" / "changes"
REAL = CHANGES / "real.jsonl"
README = CHANGES / "REAL.md"

ROW_FIELDS = {"text", "source", "changes"}
CHANGE_FIELDS = {
    "metric",
    "now",
    "before",
    "change",
    "change_unit",
    "currency",
    "direction",
    "verdict",
    "polarity",
}
DIRECTIONS = {"up", "down", "unchanged", "loss_narrowed", "loss_widened", "loss_to_profit", "profit_to_loss"}
VERDICTS = {"good", "bad", "unknown"}
POLARITIES = {"higher_is_better", "lower_is_better", None}
UNITS = {"%", "pp", "bp", None}
SOURCE = re.compile(r"(?P<kind>ectsum|fpb|filing):(?P<name>[A-Za-z0-9_.\-]+)")
NAME = {
    "ectsum": re.compile(r"[A-Z0-9.\-]+_q[1-4]_\d{4}\.txt"),
    "fpb": re.compile(r"fpb-\d{4}"),
    "filing": re.compile(r"[\w.\-]+\.html"),
}
MAIN_ROWS = 545  # the first 545 lines come from the main draw (REAL.md)

_COUNT_ROW = re.compile(r"^\| (\w+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", re.MULTILINE)


def _rows() -> list[dict[str, Any]]:
    return [row for _, row in read_jsonl(REAL, required=tuple(sorted(ROW_FIELDS)))]


def expected_verdict(direction: str, polarity: str | None) -> str:
    """The verdict REAL.md's rules give a direction on an item of a polarity."""
    if direction in ("loss_narrowed", "loss_to_profit"):
        return "good"
    if direction in ("loss_widened", "profit_to_loss"):
        return "bad"
    if direction == "unchanged" or polarity is None:
        return "unknown"
    return "good" if (direction == "up") == (polarity == "higher_is_better") else "bad"


def counts(rows: list[dict[str, Any]]) -> tuple[int, ...]:
    """rows, rows with a change, controls, changes, and changes by polarity (higher, lower, null)."""
    items = [c for row in rows for c in row["changes"]]
    by = Counter(c["polarity"] for c in items)
    with_change = sum(1 for row in rows if row["changes"])
    return (
        len(rows),
        with_change,
        len(rows) - with_change,
        len(items),
        by["higher_is_better"],
        by["lower_is_better"],
        by[None],
    )


def readme_counts(text: str) -> dict[str, tuple[int, ...]]:
    """The count tables of REAL.md's blind sample (the sections before the second development
    sample's): first column → the seven counts."""
    text = text.split("\n## `real_dev2.jsonl`")[0]
    return {m.group(1): tuple(int(g) for g in m.groups()[1:]) for m in _COUNT_ROW.finditer(text)}


def test_rows_are_well_formed() -> None:
    for row in _rows():
        text = row["text"]
        assert set(row) == ROW_FIELDS, text
        assert isinstance(text, str) and text == text.strip() and text, text
        assert isinstance(row["changes"], list), text
        for change in row["changes"]:
            assert set(change) == CHANGE_FIELDS, text
            assert change["direction"] in DIRECTIONS, text
            assert change["verdict"] in VERDICTS, text
            assert change["polarity"] in POLARITIES, text
            assert change["change_unit"] in UNITS, text
            for key in ("now", "before", "change"):
                value = change[key]
                assert value is None or (isinstance(value, int | float) and not isinstance(value, bool)), text
            assert change["change"] is None or change["change"] > 0, text
            currency = change["currency"]
            assert currency is None or re.fullmatch(r"[A-Z]{3}", currency), text
            assert change["change_unit"] not in ("pp", "bp") or currency is None, text
            assert all(piece in text for piece in change["metric"].split(" ... ")), change["metric"]


def test_verdicts_follow_direction_and_polarity() -> None:
    for row in _rows():
        for change in row["changes"]:
            assert change["verdict"] == expected_verdict(change["direction"], change["polarity"]), row["text"]


def test_figures_agree_with_the_direction() -> None:
    for row in _rows():
        for change in row["changes"]:
            now, before, direction = change["now"], change["before"], change["direction"]
            if now is None or before is None:
                continue
            if direction == "up":
                assert now > before, row["text"]
            elif direction == "down":
                assert now < before, row["text"]


@pytest.mark.parametrize(
    ("direction", "polarity", "verdict"),
    [
        ("up", "higher_is_better", "good"),
        ("down", "higher_is_better", "bad"),
        ("up", "lower_is_better", "bad"),
        ("down", "lower_is_better", "good"),
        ("up", None, "unknown"),
        ("unchanged", "higher_is_better", "unknown"),
        ("loss_narrowed", "lower_is_better", "good"),
        ("loss_widened", "lower_is_better", "bad"),
        ("loss_to_profit", "higher_is_better", "good"),
        ("profit_to_loss", "higher_is_better", "bad"),
    ],
)
def test_expected_verdict(direction: str, polarity: str | None, verdict: str) -> None:
    assert expected_verdict(direction, polarity) == verdict


def test_counts_meet_the_issue_and_match_real_md() -> None:
    rows = _rows()
    total, with_change, controls, items, _, lower, _ = counts(rows)
    assert with_change >= 300
    assert controls >= 60
    assert lower / items >= 0.35
    assert len({row["text"] for row in rows}) == total
    tables = readme_counts(README.read_text(encoding="utf-8"))
    for kind in ("ectsum", "fpb", "filing"):
        assert tables[kind] == counts([r for r in rows if r["source"].startswith(kind + ":")]), kind
    assert tables["all"] == counts(rows)
    assert tables["main"] == counts(rows[:MAIN_ROWS])
    assert tables["supplementary"] == counts(rows[MAIN_ROWS:])


def test_skipped_list_matches_real_md() -> None:
    lines = (CHANGES / "real_skipped.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["rank", "source", "why"]
    skipped = [line.split("\t") for line in lines[1:]]
    assert all(len(fields) == 3 and fields[2] for fields in skipped)
    assert len({int(fields[0]) for fields in skipped}) == len(skipped)
    stated = re.search(
        r"\*\*Read\*\*: (\d+) candidates; \*\*kept\*\* (\d+); \*\*skipped\*\* (\d+)\.", README.read_text("utf-8")
    )
    assert stated is not None
    read, kept, skips = (int(g) for g in stated.groups())
    assert (kept, skips) == (len(_rows()), len(skipped))
    assert read == kept + skips


def test_readme_count_parser_reads_a_table_row() -> None:
    text = "| source | rows |\n|---|---|\n| fpb | 10 | 6 | 4 | 7 | 5 | 1 | 1 |\n"
    assert readme_counts(text) == {"fpb": (10, 6, 4, 7, 5, 1, 1)}


def test_sources_use_the_shared_data_naming() -> None:
    for row in _rows():
        match = SOURCE.fullmatch(row["source"])
        assert match, row["source"]
        assert NAME[match["kind"]].fullmatch(match["name"]), row["source"]


@pytest.mark.skipif(not FPB.is_file() or not ECTSUM.is_dir(), reason="the shared data is not on this machine")
def test_sources_exist_and_hold_the_text() -> None:
    fpb = {}
    with FPB.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            fpb[item["id"]] = item["text"]
    for row in _rows():
        kind, name = row["source"].split(":", 1)
        if kind == "fpb":
            assert fpb.get(name) == row["text"], row["source"]
        elif kind == "ectsum":
            assert row["text"] in (ECTSUM / name).read_text(encoding="utf-8"), row["source"]
        else:
            assert (FILINGS / name).is_file(), row["source"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Revenue for fiscal year 2025 was $130.5 billion, up 114% from a year ago.", True),
        ("Operating loss was EUR 179mn , compared to a loss of EUR 188mn in the second quarter .", True),
        ("Wages of $292,218 (2019 - $513,729) was lower due to lower fees paid.", True),
        ("The agreement runs for 37 months and was signed in Helsinki .", False),
        ("The duration of the contract is 37 months .", True),  # "contract" is a cue word (contracted)
        ("Revenue increased strongly in every region we serve this quarter.", False),  # no figure
        ("Up 5%", False),  # too short
    ],
)
def test_candidate_rule(text: str, expected: bool) -> None:
    assert is_candidate(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Revenue 130.5 96.3 60.9 26.9", True),
        ("Total net sales $ 94,930 $ 85,777 11 % $ 313,695 $ 296,105 6 %", True),
        ("Diluted EPS increased 1% to $1.54 versus the prior year period.", False),
    ],
)
def test_table_like(text: str, expected: bool) -> None:
    assert table_like(text) is expected


def test_cue_finds_a_prior_period_bracket() -> None:
    assert CUE.search("current assets of $79,919 (November 30, 2019 - $727,526)")
    assert not CUE.search("current assets of $79,919 (see Note 4)")

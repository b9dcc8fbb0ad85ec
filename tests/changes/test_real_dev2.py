"""The shape of `real_dev2.jsonl`, the second development sample (REAL.md): no reader scores here.

Every row must follow REAL.md's row format, every verdict must follow its verdict rule from the
direction and polarity, and the counts REAL.md states must be the file's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "changes"
DEV2 = FIXTURES / "real_dev2.jsonl"
SKIPPED = FIXTURES / "real_dev2_skipped.tsv"
REAL_MD = FIXTURES / "REAL.md"
SECTION = "## `real_dev2.jsonl`"
MAIN_ROWS = 300  # the main draw's rows come first, then the lower-is-better stratum's

ROW_KEYS = {"text", "source", "changes"}
CHANGE_KEYS = {"metric", "now", "before", "change", "change_unit", "currency", "direction", "verdict", "polarity"}
UNITS = {None, "%", "pp", "bp"}
SOURCE = re.compile(r"^(?:ectsum:[\w.-]+\.txt|fpb:fpb-\d{4}|filing:\S+)$")
CURRENCY = re.compile(r"^[A-Z]{3}$")

H, L, N = "higher_is_better", "lower_is_better", None
#: REAL.md's verdict rule, every allowed (direction, polarity) pair; a pair not here is invalid
#: (a loss compared with a loss is a lower-is-better item, a result crossing zero a higher-is-better one).
VERDICT = {
    ("up", H): "good",
    ("up", L): "bad",
    ("up", N): "unknown",
    ("down", H): "bad",
    ("down", L): "good",
    ("down", N): "unknown",
    ("unchanged", H): "unknown",
    ("unchanged", L): "unknown",
    ("unchanged", N): "unknown",
    ("loss_narrowed", L): "good",
    ("loss_widened", L): "bad",
    ("loss_to_profit", H): "good",
    ("profit_to_loss", H): "bad",
}


def _rows() -> list[dict]:
    return [json.loads(line) for line in DEV2.read_text(encoding="utf-8").splitlines() if line.strip()]


def _section() -> str:
    text = REAL_MD.read_text(encoding="utf-8")
    assert SECTION in text, f"REAL.md has no section starting {SECTION!r}"
    return text.split(SECTION, 1)[1]


def _table(section: str, first_header: str) -> dict[str, list[str]]:
    """The rows of the markdown table whose header starts with `first_header`, by first cell."""
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    table: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0]] = cells[1:]
    return table


def _counts(rows: list[dict]) -> list[str]:
    changes = [c for row in rows for c in row["changes"]]
    polarity = Counter(c["polarity"] for c in changes)
    with_change = sum(1 for row in rows if row["changes"])
    return [
        str(n)
        for n in (len(rows), with_change, len(rows) - with_change, len(changes), polarity[H], polarity[L], polarity[N])
    ]


def _number_ok(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def test_every_row_follows_the_row_format() -> None:
    problems = []
    for line, row in enumerate(_rows(), start=1):
        if set(row) != ROW_KEYS:
            problems.append(f"line {line}: keys {sorted(row)}")
            continue
        text = row["text"]
        if not (isinstance(text, str) and 30 <= len(text) <= 600):
            problems.append(f"line {line}: text of {len(text)} characters")
        if not SOURCE.match(row["source"]):
            problems.append(f"line {line}: source {row['source']!r}")
        for change in row["changes"]:
            if set(change) != CHANGE_KEYS:
                problems.append(f"line {line}: change keys {sorted(change)}")
                continue
            metric = change["metric"]
            if not metric or any(piece not in text for piece in metric.split(" ... ")):
                problems.append(f"line {line}: metric {metric!r} is not written in the sentence")
            if not all(_number_ok(change[key]) for key in ("now", "before", "change")):
                problems.append(f"line {line}: a figure that is not a number")
            elif change["change"] is not None and change["change"] < 0:
                problems.append(f"line {line}: change {change['change']} is not positive")
            if change["change_unit"] not in UNITS or (change["change_unit"] and change["change"] is None):
                problems.append(f"line {line}: change_unit {change['change_unit']!r} for change {change['change']}")
            if change["currency"] is not None and not CURRENCY.match(change["currency"]):
                problems.append(f"line {line}: currency {change['currency']!r}")
            pair = (change["direction"], change["polarity"])
            if pair not in VERDICT:
                problems.append(f"line {line}: direction {pair[0]!r} with polarity {pair[1]!r}")
            elif change["verdict"] != VERDICT[pair]:
                problems.append(
                    f"line {line}: verdict {change['verdict']!r} for {pair}, the rule says {VERDICT[pair]!r}"
                )
    assert not problems, "\n".join(problems)


def test_texts_are_new() -> None:
    """No sentence twice, and none that another fixture of this folder already holds."""

    def norm(text: str) -> str:
        return " ".join(text.split())

    texts = [norm(row["text"]) for row in _rows()]
    assert len(set(texts)) == len(texts)
    others = {
        norm(json.loads(line)["text"])
        for path in FIXTURES.glob("*.jsonl")
        if path != DEV2
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert not others & set(texts)


@pytest.mark.parametrize(
    ("draw", "lines"), [("main", slice(0, MAIN_ROWS)), ("lower", slice(MAIN_ROWS, None)), ("all", slice(None))]
)
def test_counts_by_draw_are_real_md_s(draw: str, lines: slice) -> None:
    stated = _table(_section(), "draw")
    assert _counts(_rows()[lines]) == stated[draw]


@pytest.mark.parametrize("source", ["ectsum", "fpb", "filing"])
def test_counts_by_source_are_real_md_s(source: str) -> None:
    stated = _table(_section(), "source")
    rows = [row for row in _rows() if row["source"].startswith(f"{source}:")]
    assert _counts(rows) == stated[source]


def test_verdicts_and_directions_are_real_md_s() -> None:
    changes = [c for row in _rows() for c in row["changes"]]
    section = _section()
    verdicts = Counter(c["verdict"] for c in changes)
    directions = Counter(c["direction"] for c in changes)
    stated_verdicts = re.search(r"Verdicts: (\d+) good, (\d+) bad, (\d+) unknown", section)
    assert stated_verdicts
    assert [verdicts["good"], verdicts["bad"], verdicts["unknown"]] == [int(n) for n in stated_verdicts.groups()]
    for name in sorted({d for d, _ in VERDICT}):
        stated = re.search(rf"(\d+)\s+{name}\b", section.split("Directions:", 1)[1])
        assert stated, name
        assert directions[name] == int(stated.group(1)), name
    stated_multi = re.search(r"(\d+) rows state more than one\s+change", section)
    assert stated_multi
    assert sum(1 for row in _rows() if len(row["changes"]) > 1) == int(stated_multi.group(1))


def test_skips_are_real_md_s() -> None:
    """Each skipped candidate's reason (a phrase of the table's first column) counted by draw."""
    lines = SKIPPED.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["rank", "draw", "source", "why"]
    skipped = Counter((line.split("\t")[1], line.split("\t")[3]) for line in lines[1:])
    table = _table(_section(), "why")
    counted: Counter[tuple[str, str]] = Counter()
    for draw, why in skipped:
        rows = [cells for reason, cells in table.items() if why in reason]
        assert len(rows) == 1, f"reason {why!r} names {len(rows)} rows of REAL.md's table"
        counted[draw, why] = int(rows[0][0 if draw == "main" else 1])
    assert counted == skipped
    assert sum(int(cells[2]) for cells in table.values()) == len(lines) - 1
    assert all(int(cells[0]) + int(cells[1]) == int(cells[2]) for cells in table.values())

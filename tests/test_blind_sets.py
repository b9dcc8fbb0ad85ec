"""The blind evaluation sets (`tests/fixtures/blind/`): format, counts, and the README's tables."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from finlocal.jsonl import read_jsonl
from finlocal.predictions import LABELS

BLIND = Path(__file__).resolve().parent / "fixtures" / "blind"
SETS = ("mixed", "negation", "neutral_figures")
PREFIX = {"mixed": "mix", "negation": "neg", "neutral_figures": "neu"}
FIELDS = ("id", "text", "label", "category", "note")
MIN_ROWS = 150

_SECTION = re.compile(r"^## `(\w+)\.jsonl`: (\d+) ", re.MULTILINE)
_ROW = re.compile(r"^\| `(\w+)` +\|.*\| +(\d+) \|$", re.MULTILINE)


def _rows(name: str) -> list[dict[str, Any]]:
    return [row for _, row in read_jsonl(BLIND / f"{name}.jsonl", required=FIELDS)]


def readme_tables(text: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Per set named in a ``## `NAME.jsonl`: N …`` heading: N and its table's category → rows."""
    heads = list(_SECTION.finditer(text))
    tables = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end() : end]
        tables[head.group(1)] = (int(head.group(2)), {m.group(1): int(m.group(2)) for m in _ROW.finditer(body)})
    return tables


@pytest.mark.parametrize("name", SETS)
def test_rows_are_well_formed(name: str) -> None:
    rows = _rows(name)
    assert len(rows) >= MIN_ROWS
    for row in rows:
        assert set(row) == set(FIELDS), row["id"]
        assert re.fullmatch(rf"{PREFIX[name]}-\d{{4}}", row["id"]), row["id"]
        assert row["label"] in LABELS, row["id"]
        assert row["note"].strip(), row["id"]
        assert 10 <= len(row["text"].split()) <= 60, row["id"]


def test_ids_and_texts_are_unique_across_sets() -> None:
    rows = [row for name in SETS for row in _rows(name)]
    ids = Counter(row["id"] for row in rows)
    texts = Counter(row["text"].strip().lower() for row in rows)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [t for t, n in texts.items() if n > 1] == []


def test_readme_lists_every_category_with_its_row_count() -> None:
    tables = readme_tables((BLIND / "README.md").read_text(encoding="utf-8"))
    assert sorted(tables) == sorted(SETS)
    for name in SETS:
        rows = _rows(name)
        total, categories = tables[name]
        assert total == len(rows), name
        assert categories == dict(Counter(row["category"] for row in rows)), name


def test_readme_table_parser_reads_the_heading_and_every_row() -> None:
    text = (
        "## `mixed.jsonl`: 3 rows\n\n| `main_good` | good | positive | 2 |\n| `main_bad` | bad | negative | 1 |\n"
        "## `negation.jsonl`: 1 row\n\n| `hedged` | no direction | neutral | 1 |\n"
    )
    assert readme_tables(text) == {"mixed": (3, {"main_good": 2, "main_bad": 1}), "negation": (1, {"hedged": 1})}


def test_mixed_set_is_balanced_both_ways_round() -> None:
    rows = _rows("mixed")
    labels = Counter(row["label"] for row in rows)
    assert labels["neutral"] == 0
    assert abs(labels["positive"] - labels["negative"]) <= 0.1 * len(rows)
    by_category = Counter((row["category"], row["label"]) for row in rows)
    assert set(by_category) == {
        ("main_good", "positive"),
        ("main_bad", "negative"),
        ("main_last_good", "positive"),
        ("main_last_bad", "negative"),
    }


def test_negation_set_has_all_three_labels() -> None:
    labels = Counter(row["label"] for row in _rows("negation"))
    assert min(labels[label] for label in LABELS) >= 30


def test_neutral_figures_news_rows_are_at_most_15_percent_and_only_looks_neutral() -> None:
    rows = _rows("neutral_figures")
    news = [row for row in rows if row["label"] != "neutral"]
    assert len(news) <= 0.15 * len(rows)
    assert {row["category"] for row in news} == {"looks_neutral"}

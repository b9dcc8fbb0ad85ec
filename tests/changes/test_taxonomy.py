"""The lexicon against a public taxonomy: edgartools' US-GAAP standard line items.

``tests/fixtures/changes/taxonomy.json`` (made by ``tests/changes/taxonomy_source.py`` from
edgartools' ``concept_mappings.json``) lists every standard label of the income statement, the
balance sheet and the cash-flow statement: the lexicon item the reader reads it as, or why it stays
out. Each label is put in a sentence that states a change: an item is read with its polarity, a
label left out gives no change. A new edgartools label must be placed one way or the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.changes import read_changes

ROWS = json.loads((Path(__file__).parents[1] / "fixtures" / "changes" / "taxonomy.json").read_text())


def test_every_label_is_placed() -> None:
    assert len(ROWS) >= 90
    for row in ROWS:
        assert ("item" in row) != ("out" in row), row


@pytest.mark.parametrize("row", ROWS, ids=[r["label"] for r in ROWS])
def test_label_in_a_sentence(row: dict) -> None:
    changes = read_changes(f"{row['label']} rose to $5.2 million from $4.1 million.")
    if "out" in row:
        assert changes == (), row["out"]
    else:
        (change,) = changes
        assert row["item"] in change.metric.lower()
        assert change.polarity is not None and change.polarity.value == row["polarity"]
        assert change.verdict.value == ("good" if row["polarity"] == "up_good" else "bad")

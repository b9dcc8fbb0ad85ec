"""The second development sample's scores by item polarity (``real_dev2.jsonl``, REAL.md).

Labelled by the blind sample's rules, so its figures are the honest development figure; the reader
may be tuned on it. The floors are what docs/changes.md reports: a change that lowers one fails
here, and a fix that raises one should raise its floor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.changes.evaluation import blind_rows, score_by_polarity

ROWS = blind_rows(
    json.loads(line)
    for line in (Path(__file__).parents[1] / "fixtures" / "changes" / "real_dev2.jsonl").read_text().splitlines()
)
SCORES = score_by_polarity(ROWS)

# polarity → (precision of stated verdicts, recall), as measured (docs/changes.md)
FLOORS = {
    "all": (0.975, 0.765),
    "up_good": (0.976, 0.797),
    "up_bad": (0.969, 0.680),
    "loss": (1.0, 1.0),
}


@pytest.mark.parametrize("polarity", FLOORS)
def test_precision_and_recall_by_polarity(polarity: str) -> None:
    precision, recall = FLOORS[polarity]
    score = SCORES[polarity]
    assert score.precision >= precision, score.wrong
    assert score.recall >= recall

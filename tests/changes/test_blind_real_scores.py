"""The reader on the blind real-text sample, by draw and item polarity, kept as measured.

``tests/fixtures/changes/real.jsonl`` (1,009 sentences drawn at random from ECTSum calls, FPB's
training portion and the shared filings, labelled by hand before any reader ran on them; see
REAL.md) is the reader's held-out figure: nothing in the reader was changed for it. The floors
are the figures docs/changes.md and bench/results/reader.json report: a change that lowers one
fails here, and a fix that raises one should raise its floor (and the docs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finlocal.changes.evaluation import BLIND_MAIN_DRAW_ROWS, blind_rows, score_by_polarity

FIXTURES = Path(__file__).parents[1] / "fixtures" / "changes"
ROWS = blind_rows(json.loads(line) for line in (FIXTURES / "real.jsonl").read_text(encoding="utf-8").splitlines())
DRAWS = {"main_draw": ROWS[:BLIND_MAIN_DRAW_ROWS], "lower_is_better_draw": ROWS[BLIND_MAIN_DRAW_ROWS:], "all": ROWS}
SCORES = {draw: score_by_polarity(rows) for draw, rows in DRAWS.items()}

# (draw, polarity) → (precision of stated verdicts, recall of good/bad changes), as measured
FLOORS = {
    ("main_draw", "all"): (0.932, 0.684),
    ("main_draw", "up_good"): (0.948, 0.689),
    ("main_draw", "up_bad"): (0.833, 0.625),
    ("all", "all"): (0.907, 0.657),
    ("all", "up_good"): (0.937, 0.687),
    ("all", "up_bad"): (0.81, 0.538),
    ("all", "loss"): (1.0, 0.951),
}


@pytest.mark.parametrize(("draw", "polarity"), FLOORS)
def test_precision_and_recall_do_not_fall(draw: str, polarity: str) -> None:
    score = SCORES[draw][polarity]
    precision, recall = FLOORS[draw, polarity]
    assert round(score.precision, 3) >= precision and round(score.recall, 3) >= recall, (
        f"{draw}/{polarity}: precision {score.precision:.3f}, recall {score.recall:.3f}"
    )


def test_the_results_file_holds_these_figures() -> None:
    blind = json.loads((Path(__file__).parents[2] / "bench" / "results" / "reader.json").read_text())["accuracy"][
        "blind_real"
    ]
    for (draw, polarity), _ in FLOORS.items():
        score = SCORES[draw][polarity]
        assert blind[draw][polarity]["verdict_precision"] == round(score.precision, 4)
        assert blind[draw][polarity]["verdict_recall"] == round(score.recall, 4)

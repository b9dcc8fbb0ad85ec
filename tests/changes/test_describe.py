"""How a change is told in words (`finlocal.changes.describe`): table tests on changes built
directly, so the wording is tested apart from the reader."""

from __future__ import annotations

import pytest

from finlocal.changes import Change, Direction, Verdict
from finlocal.changes.describe import MovedRow, describe
from finlocal.lexicon import Polarity


def _change(metric: str, direction: Direction, verdict: Verdict, **kw) -> Change:
    fields = {
        "now": None,
        "before": None,
        "unit": None,
        "currency": None,
        "change": None,
        "change_unit": None,
        "basis": "words",
    }
    fields.update(kw)
    return Change(
        metric, 0, len(metric), 0, 40, direction=direction, polarity=Polarity.UP_GOOD, verdict=verdict, **fields
    )


@pytest.mark.parametrize(
    ("metric", "direction", "words"),
    [
        ("Operating cash flow", Direction.PROFIT_TO_LOSS, "from positive to negative"),
        ("Cash flow from operating activities", Direction.LOSS_TO_PROFIT, "from negative to positive"),
        ("Operating profit", Direction.PROFIT_TO_LOSS, "from profit to loss"),
        ("Net income", Direction.LOSS_TO_PROFIT, "from loss to profit"),
        ("EBITDA", Direction.PROFIT_TO_LOSS, "from profit to loss"),
    ],
)
def test_a_sign_change_is_profit_and_loss_only_for_a_profit_line(metric, direction, words) -> None:
    verdict = Verdict.BAD if direction is Direction.PROFIT_TO_LOSS else Verdict.GOOD
    change = _change(metric, direction, verdict, now=-3.1, before=5.2, unit="million", currency="EUR", basis="numbers")
    assert f", {words};" in describe(change)
    assert MovedRow(change, 0, "").moved == words


@pytest.mark.parametrize(("direction", "word"), [(Direction.DOWN, "down"), (Direction.UP, "up")])
def test_a_negated_direction_is_not_told_as_stated(direction, word) -> None:
    # "Sales did not decline": the reader sees "decline" negated; the line must not read "Sales: down"
    change = _change("Sales", direction, Verdict.UNKNOWN, note="negated, hedged or expected")
    text = describe(change)
    assert text == f"Sales: “{word}” not stated (negated, hedged or expected); higher is better → unknown"
    assert not text.startswith(f"Sales: {word}")
    assert MovedRow(change, 0, "").moved == f"“{word}”?"


def test_an_unknown_verdict_from_figures_keeps_its_note() -> None:
    change = _change(
        "Net sales",
        Direction.UP,
        Verdict.UNKNOWN,
        now=5.0,
        before=4.0,
        basis="numbers",
        note="the words and the figures disagree",
    )
    assert describe(change).endswith("→ unknown (the words and the figures disagree)")

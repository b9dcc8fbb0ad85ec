"""KPI and statement tables: a `TableRow` under a current and a prior period → its change."""

from __future__ import annotations

import pytest

from finlocal.changes.tables import Period, period_of, read_table_row
from finlocal.structure import TableRow


@pytest.mark.parametrize(
    ("heading", "period"),
    [
        ("Q3 2026", Period("Q3", 2026)),
        ("Q3/2025", Period("Q3", 2025)),
        ("2024", Period("", 2024)),
        ("FY24", Period("", 2024)),
        ("Three months ended June 30, 2025", Period("M3", 2025)),
        ("Nine Months Ended September 30, 2024", Period("M9", 2024)),
        ("H1 2025", Period("H1", 2025)),
        ("Third quarter 2025", Period("Q3", 2025)),
        ("Jan-Jun 2025", Period("M6", 2025)),
        ("Change, %", None),
        ("% change", None),
        ("", None),
        ("Note", None),
    ],
)
def test_period_of_a_heading(heading: str, period: Period | None) -> None:
    assert period_of(heading) == period


def _row(label: str, cells: tuple[str, ...], header: tuple[str, ...], caption: str = "") -> TableRow:
    return TableRow(label, cells, header, caption)


Q = ("Q3 2026", "Q3 2025", "Change, %")
ROWS = [
    # label, cells, header, caption → (metric, direction, verdict, now, before, unit, currency)
    (
        ("Net sales", ("41.7", "38.2", "9.2"), Q, "EUR million"),
        ("Net sales", "up", "good", 41.7, 38.2, "million", "EUR"),
    ),
    # the later period is "now" whichever side it stands on
    (
        ("Net sales", ("38.2", "41.7"), ("2023", "2024"), "EUR million"),
        ("Net sales", "up", "good", 41.7, 38.2, "million", "EUR"),
    ),
    # accounting negatives: a loss, a loss narrowing, and a cost printed negative
    (
        ("Operating profit", ("(1.2)", "3.4"), ("2024", "2023"), "MEUR"),
        ("Operating profit", "profit_to_loss", "bad", -1.2, 3.4, "million", "EUR"),
    ),
    (
        ("Net loss", ("(12)", "(30)"), ("2024", "2023"), "(in thousands)"),
        ("Net loss", "loss_narrowed", "good", 12, 30, "thousand", None),
    ),
    (
        ("Interest expense", ("(32)", "(28)"), ("2024", "2023"), "$ in millions"),
        ("Interest expense", "up", "bad", 32, 28, "million", "USD"),
    ),
    # footnote markers in the label and the cells are ignored
    (
        ("Adjusted EBITDA (1)", ("1,204 (2)", "1,010"), Q[:2], "(in millions)"),
        ("Adjusted EBITDA", "up", "good", 1204, 1010, "million", None),
    ),
    # per-share figures keep their scale out of the caption's
    (
        (
            "Diluted EPS",
            ("$1.21", "$0.46"),
            ("Three months ended June 30, 2025", "Three months ended June 30, 2024"),
            "(in millions, except per share data)",
        ),
        ("Diluted EPS", "up", "good", 1.21, 0.46, None, "USD"),
    ),
    (
        ("Operating margin, %", ("12.4 %", "13.9 %"), ("2024", "2023"), ""),
        ("Operating margin", "down", "bad", 12.4, 13.9, "%", None),
    ),
    (
        ("Net debt", ("1,269", "1,746"), ("Dec 31, 2024", "Dec 31, 2023"), "GBP m"),
        ("Net debt", "down", "good", 1269, 1746, "million", "GBP"),
    ),
    # the quarter and the year to date side by side: the leftmost pair
    (
        ("Order intake", ("310", "290", "900", "950"), ("Q3 2025", "Q3 2024", "Q1-Q3 2025", "Q1-Q3 2024"), "EUR m"),
        ("Order intake", "up", "good", 310, 290, "million", "EUR"),
    ),
]
NONE = [
    # no known item, no pair of periods, no figure, a cost with one negative figure
    ("Headcount", ("1,204", "1,010"), ("2024", "2023"), ""),
    ("Capital expenditure", ("120", "98"), ("2024", "2023"), "EUR million"),
    ("Net sales", ("41.7", "38.2"), ("Q3 2026", "Q2 2026"), ""),
    ("Net sales", ("41.7", "9.2"), ("Q3 2026", "Change, %"), ""),
    ("Net sales", ("—", "38.2"), ("2024", "2023"), ""),
    ("Net sales", ("n/a", "38.2"), ("2024", "2023"), ""),
    ("Interest expense", ("(32)", "28"), ("2024", "2023"), ""),
    ("Net change in cash and cash equivalents", ("(164)", "(1,105)"), ("2024", "2023"), ""),
    ("Net sales", ("41.7", "38.2"), ("", ""), ""),
]


@pytest.mark.parametrize(("row", "want"), ROWS, ids=[f"row{i}" for i in range(len(ROWS))])
def test_table_row_change(row: tuple, want: tuple) -> None:
    (change,) = read_table_row(_row(*row))
    got = (change.metric, change.direction.value, change.verdict.value, change.now, change.before)
    assert got[0].startswith(want[0]) and got[1:] == want[1:5]
    assert (change.unit, change.currency) == want[5:]


@pytest.mark.parametrize("row", NONE, ids=[r[0] + "|" + "|".join(r[1]) for r in NONE])
def test_table_row_without_change(row: tuple) -> None:
    assert read_table_row(_row(*row)) == ()


@pytest.mark.parametrize(
    ("cells", "change"),
    [
        (("131.0", "116.6", "12.4"), 12.4),  # the change column's figure, not the computed 12.3
        (("131.0", "116.6", "15.0"), 12.3),  # a column that disagrees is not taken
        (("131.0", "116.6", "n/a"), 12.3),
        (("118.0", "126.9", "-7.0"), -7.0),
    ],
)
def test_a_change_column_states_the_percent(cells: tuple[str, ...], change: float) -> None:
    (found,) = read_table_row(_row("Net sales", cells, Q, "EUR million"))
    assert found.change_unit == "%" and found.change == pytest.approx(change, abs=0.01)


def test_offsets_index_the_rows_text() -> None:
    text = "| Net sales | 41.7 | 38.2 |"
    (change,) = read_table_row(_row("Net sales", ("41.7", "38.2"), ("2024", "2023")), text)
    assert text[change.metric_start : change.metric_end] == "Net sales"
    assert change.start == text.index("Net sales") and change.end >= text.index("38.2") + 4


def test_scoring_gives_a_table_row_its_table_changes() -> None:
    from finlocal.scoring import score_spans
    from finlocal.splitting import Item
    from finlocal.structure import RowKind
    from tests.fakes import KeywordClassifier

    text = "| Net sales | 41.7 | 38.2 | 9.2 |"
    row = _row("Net sales", ("41.7", "38.2", "9.2"), Q, "EUR million")
    items = [Item(100, 100 + len(text), text, RowKind.TABLE_ROW, row)]
    (result,) = score_spans(items, KeywordClassifier(), source="t")
    (change,) = result.changes
    assert (change.metric, change.now, change.before, change.currency) == ("Net sales", 41.7, 38.2, "EUR")
    assert change.start == 100 + text.index("Net sales")

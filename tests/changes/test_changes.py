"""The metric-change reader against hand-labelled sentences, and its figures' edge cases.

`tests/fixtures/changes/table.jsonl` (307 sentences: FPB training rows, ECTSum calls and written
releases) is the development table: every row is a test. `holdout.jsonl` (169 sentences) was
written afterwards by someone who never saw the reader's code; it is only scored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.changes import Direction, Verdict, read_changes
from finlocal.changes.describe import describe, moved_rows
from finlocal.changes.evaluation import compare_row, score_rows
from finlocal.changes.values import Kind, find_values

FIXTURES = Path(__file__).parents[1] / "fixtures" / "changes"
TABLE = [json.loads(line) for line in (FIXTURES / "table.jsonl").read_text().splitlines()]
HOLDOUT = [json.loads(line) for line in (FIXTURES / "holdout.jsonl").read_text().splitlines()]

# Rows the reader does not read exactly yet, and why: each fails strictly, so a fix shows up.
KNOWN_GAPS = {
    16: "a metric outside the lexicon (number of chargers delivered)",
    17: "movement word after a prepositional phrase (price of handsets declined)",
    53: "a metric outside the lexicon (value of forestry holdings)",
    77: "a metric outside the lexicon (profitability: a words-only claim in releases more than a change)",
    92: "'remaining at the 2005 level'",
    93: "a range compared with a prior figure",
    130: "a target read as a word change (verdict unknown)",
    179: "a range compared with a prior figure",
    183: "a metric outside the lexicon (e-commerce)",
    188: "'nearly flat with prior year'",
    189: "a metric without a known polarity (income tax expense)",
    210: "a level stated in a later clause",
    274: "a metric without a known polarity (capital expenditure)",
    275: "a metric without a known polarity (headcount)",
    276: "a metric without a known polarity (inventories)",
    # The real-text labels (REAL.md) count no figure-less cause ("primarily due to increased gross
    # profit", "driven by the lower sales volume"), and neither does the reader: these three rows of
    # the older table say otherwise.
    154: "a figure-less cause (lower sales volume)",
    161: "a figure-less cause (increased gross profit)",
    166: "a figure-less cause (lower sales volume)",
}


def _case(i: int, row: dict) -> object:
    marks = [pytest.mark.xfail(reason=KNOWN_GAPS[i], strict=True)] if i in KNOWN_GAPS else []
    return pytest.param(row, id=f"row{i}", marks=marks)


@pytest.mark.parametrize("row", [_case(i, r) for i, r in enumerate(TABLE)])
def test_table_row(row: dict) -> None:
    assert compare_row(row).differences() == []


def test_table_and_holdout_verdict_precision() -> None:
    """The issue's bar: of the changes the reader calls good or bad, ≥ 97 % as an analyst would."""
    table, _ = score_rows(TABLE)
    holdout, _ = score_rows(HOLDOUT)
    assert len(TABLE) >= 150 and len(HOLDOUT) >= 100
    assert table.precision >= 0.97, table.wrong
    assert holdout.precision >= 0.97, holdout.wrong
    # recall is reported (bench/results/changes.json), and must not collapse unnoticed
    assert table.recall >= 0.9 and holdout.recall >= 0.8


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Revenue was $1.21 in 2020 .", [Kind.MONEY, Kind.YEAR]),
        ("On March 31, 2021 it issued 1,200,000 new shares .", [Kind.OTHER, Kind.YEAR, Kind.COUNT]),
        ("an operating margin of 10-20 %", [Kind.OTHER, Kind.OTHER]),
        ("EUR1 = USD1.3", [Kind.OTHER, Kind.OTHER]),
        ("expects revenue of $1.1 billion to $1.2 billion", [Kind.OTHER, Kind.OTHER]),
        ("rose from $1.1 billion to $1.2 billion", [Kind.MONEY, Kind.MONEY]),
        ("up 30 basis points, 2.5 percentage points, 9 %", [Kind.BASIS_POINTS, Kind.POINTS, Kind.PERCENT]),
        ("the 12-month period", [Kind.OTHER]),
    ],
)
def test_figure_kinds(text: str, kinds: list[Kind]) -> None:
    assert [v.kind for v in find_values(text)] == kinds


@pytest.mark.parametrize(
    ("text", "amount", "currency", "scale"),
    [
        ("EUR0 .3 m", 0.3, "EUR", "million"),  # FPB's split decimal
        ("EUR995 ,000", 995000.0, "EUR", None),  # and split thousands
        ("$(0.4) million", -0.4, "USD", "million"),
        ("(1.2) million euros", -1.2, "EUR", "million"),
        ("MEUR 4.1", 4.1, "EUR", "million"),
        ("-0.4 MEUR", -0.4, "EUR", "million"),
        ("SEK 1,250 million", 1250.0, "SEK", "million"),
        ("euro742 .2 million", 742.2, "EUR", "million"),
    ],
)
def test_amounts(text: str, amount: float, currency: str | None, scale: str | None) -> None:
    (value,) = find_values(text)
    signed = -abs(value.amount) if value.in_parens else value.amount
    assert (signed, value.currency, value.scale) == (amount, currency, scale)


def test_one_change_in_words_and_offsets() -> None:
    text = "Net charge-offs totaled $1.2 million compared to net charge-offs of $2.3 million in the prior quarter."
    (change,) = read_changes(text)
    assert text[change.metric_start : change.metric_end] == "Net charge-offs"
    assert (
        text[change.start : change.end]
        == "Net charge-offs totaled $1.2 million compared to net charge-offs of $2.3 million"
    )
    assert (change.direction, change.verdict, change.change, change.change_unit) == (
        Direction.DOWN,
        Verdict.GOOD,
        -47.8,
        "%",
    )
    assert describe(change) == "Net charge-offs: $1.2 vs 2.3 million, down 47.8 %; lower is better → good"
    assert read_changes(text) == (change,)  # same text, same answer


def test_ambiguity_is_unknown_never_a_guess() -> None:
    # words and figures disagree
    (c,) = read_changes("Operating profit rose to EUR 0.3 mn from EUR 2.9 mn .")
    assert c.verdict is Verdict.UNKNOWN and "disagree" in (c.note or "")
    # hedged and negated
    assert read_changes("The company expects net sales to increase by 10 % in 2025 .")[0].verdict is Verdict.UNKNOWN
    assert read_changes("Net sales did not increase in the third quarter .")[0].verdict is Verdict.UNKNOWN
    # unchanged
    (flat,) = read_changes("Operating margin was 12.0 % (12.0 %).")
    assert (flat.direction, flat.verdict) == (Direction.UNCHANGED, Verdict.UNKNOWN)


def test_moved_rows_put_decided_changes_first() -> None:
    sentences = [
        (0, s, read_changes(s))
        for s in (
            "The company expects net sales to increase by 10 % .",
            "Net debt fell to EUR 12 mn from EUR 20 mn .",
            "Nothing moved here .",
        )
    ]
    rows = moved_rows(sentences)
    assert [(r.change.metric, r.change.verdict) for r in rows] == [
        ("Net debt", Verdict.GOOD),
        ("net sales", Verdict.UNKNOWN),
    ]


_PIECES = st.sampled_from(
    [
        "Net sales",
        "operating loss",
        "EPS",
        "net debt",
        "the cost/income ratio",
        "rose",
        "fell",
        "narrowed",
        "to",
        "from",
        "compared to",
        "versus",
        "(",
        ")",
        "a loss of",
        "EUR",
        "$",
        "3.2",
        "(0.4)",
        "-1.2",
        "mn",
        "million",
        "%",
        "basis points",
        ",",
        ";",
        "respectively",
        "and",
        "did not",
        "expects",
        "2020",
        "1,250",
        "EUR0 .3 m",
        "995 ,000",
        "per share",
        "up",
        "down",
        "by",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30), st.text(max_size=40))
def test_any_text_reads_without_error_and_in_bounds(pieces: list[str], noise: str) -> None:
    text = " ".join(pieces) + noise
    changes = read_changes(text)
    for c in changes:
        assert 0 <= c.start <= c.metric_start < c.metric_end <= c.end <= len(text)
        assert text[c.metric_start : c.metric_end] == c.metric
        assert c.verdict in Verdict and c.direction in Direction
    read_changes.cache_clear()
    assert read_changes(text) == changes  # the same text, the same changes


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Earnings per share fell to NOK 1.12 (NOK 2.05).", "earnings per share down bad"),
        ("Net charge-offs totaled $1.2 million compared to $2.3 million.", "net charge-offs down good"),
        ("Adjusted EBITDA margin narrowed to 11.4 % from 13.9 %.", "adjusted ebitda margin down bad"),
        (
            "Operating loss totalled EUR 0.3 mn , compared to a profit of EUR 2.2 mn .",
            "operating loss profit to loss bad",
        ),
        ("The company expects net sales to increase by 10 % .", "net sales up unclear"),
        ("The company is based in Espoo.", None),
    ],
)
def test_hint_changes_v1_is_pinned(text: str, hint: str | None) -> None:
    """The hint is a model input: bundled models learnt these exact words, so a change to the
    reader that changes them must be seen here (and may need a new hint version)."""
    from finlocal.changes.hint import hint_text

    assert hint_text(text) == hint


def test_a_metric_named_as_written_pairs_before_a_shorter_name() -> None:
    row = {
        "text": "Higher earnings and a lower share count drove earnings per share to $2.10, up 15 % over the prior "
        "year.",
        "changes": [{"metric": "earnings per share", "direction": "up", "verdict": "good"}],
    }
    result = compare_row(row)
    want, got = result.pairs[0]
    assert got is not None and got.metric == "earnings per share"


def test_guidance_is_left_out_of_the_line_item_scores() -> None:
    """The real-text labels count a line item's stated change; guidance is a control there (REAL.md)."""
    row = {"text": "The company raised its full-year EPS guidance to $4.10 from $3.90.", "changes": []}
    assert read_changes(row["text"])  # the reader reads the revision …
    assert compare_row(row).pairs == ()  # … and the line-item score leaves it out


# Figures and comparison points on real text (issue 24, round 2): each row failed before.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list of items that share one figure: "all", "both", "each" after the list
        (
            "Revenue, gross profit and EBITDA all rose 7% compared with the prior year.",
            [("Revenue", "up", "good", 7.0), ("gross profit", "up", "good", 7.0), ("EBITDA", "up", "good", 7.0)],
        ),
        (
            "Sales and operating income both fell 2% year over year.",
            [("Sales", "down", "bad", -2.0), ("operating income", "down", "bad", -2.0)],
        ),
        # "respectively" closes before the comparison point: a figure after it is another statement's
        (
            "Bookings and sales grew 12% and 9%, respectively, over last year and services made up 40% of total sales.",
            [("Bookings", "up", "good", 12.0), ("sales", "up", "good", 9.0)],
        ),
        # a line of gains and losses moved for the better or the worse
        (
            "Other income, net, changed unfavorably by $20 million compared with last year.",
            [("Other income", "down", "bad", -20.0)],
        ),
        (
            "Other income, net, changed favorably by $7 million compared with last year.",
            [("Other income", "up", "good", 7.0)],
        ),
        # a second sized move against another comparison point, its verb told again or shared
        (
            "Service revenue was $40 million, up 12% from a year ago and down 3% sequentially.",
            [("Service revenue", "up", "good", 12.0), ("Service revenue", "down", "bad", -3.0)],
        ),
        (
            "Operating expenses were $12 million, a decrease of $2 million sequentially and $1 million year over year.",
            [("Operating expenses", "down", "good", -2.0), ("Operating expenses", "down", "good", -1.0)],
        ),
        (
            "Net sales rose 6% year over year and 2% sequentially.",
            [("Net sales", "up", "good", 6.0), ("Net sales", "up", "good", 2.0)],
        ),
        # not a second comparison point: the second figure is no move of its own
        ("Net sales rose 6% year over year and 2% of that came from pricing.", [("Net sales", "up", "good", 6.0)]),
    ],
)
def test_figures_shared_and_repeated(text: str, expected: list[tuple[str, str, str, float]]) -> None:
    assert [(c.metric, c.direction.value, c.verdict.value, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two levels told in basis points are levels, not moves
        (
            "The loss ratio was 61 basis points compared to 75 basis points a year earlier.",
            ("down", "good", 61.0, 75.0),
        ),
        ("Net charge-offs were 18 bps versus 12 bps in the prior year.", ("up", "bad", 18.0, 12.0)),
        # the item named again after the comparison marker carries the prior figure
        (
            "Adjusted diluted earnings per share were $1.10 compared with adjusted diluted earnings per share of "
            "$0.95.",
            ("up", "good", 1.1, 0.95),
        ),
        (
            "Adjusted gross profit margin was 41.2% versus the adjusted gross profit margin of 43.0% a year ago.",
            ("down", "bad", 41.2, 43.0),
        ),
    ],
)
def test_levels_and_the_prior_level(text: str, expected: tuple[str, str, float, float]) -> None:
    got = [(c.direction.value, c.verdict.value, c.now, c.before) for c in read_changes(text)]
    assert got == [expected]


def test_another_items_figure_after_the_marker_is_no_prior() -> None:
    assert read_changes("Revenue was $5.1 million compared with operating expenses of $4.2 million.") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the item's level after "of", then its movement word: a change in words, the level its current figure
        (
            "Segment EBITDA of $14 million was down sharply on weaker pricing.",
            [("Segment EBITDA", "down", "bad", 14.0, None)],
        ),
        ("Net debt of $2.3 billion was lower at the end of the quarter.", [("Net debt", "down", "good", 2.3, None)]),
        # a size above or below a prior period
        ("Shipment volume was 6% above the prior year period.", [("Shipment volume", "up", "good", None, 6.0)]),
        ("Comparable sales were 3% below last year.", [("Comparable sales", "down", "bad", None, -3.0)]),
        ("Revenue was 5% above our guidance.", []),
    ],
)
def test_levels_sizes_and_prior_moves(
    text: str, expected: list[tuple[str, str, str, float | None, float | None]]
) -> None:
    got = [(c.metric, c.direction.value, c.verdict.value, c.now, c.change) for c in read_changes(text)]
    assert got == expected


def test_a_prior_periods_move_after_from_is_no_prior_level() -> None:
    (change,) = read_changes("Revenue fell 2%, an improvement from the 9% decline in the previous quarter.")
    assert (change.direction.value, change.before, change.change) == ("down", None, -2.0)


def test_a_size_that_leads_the_next_item_is_not_the_cause_items() -> None:
    text = "Net income fell 8% due to a decrease in revenue and a 90 basis-point decline in operating margin."
    assert [(c.metric, c.change) for c in read_changes(text)] == [("Net income", -8.0), ("operating margin", -90.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an adverb or "remained" between the item and "flat" / "unchanged"
        (
            "Freight costs remained essentially unchanged compared with the prior year.",
            [("Freight costs", "unchanged")],
        ),
        ("The delinquency rate was relatively flat year over year.", [("delinquency rate", "unchanged")]),
        # a size in points "of" the item, its movement noun after it
        ("The quarter included 80 basis points of operating margin expansion.", [("operating margin", "up")]),
        ("Gross margin saw 40 bps of compression in the quarter.", [("Gross margin", "down")]),
        # a percentage "of" an item's growth is a share of it, not the item's move
        ("Pricing was 12% of revenue growth.", []),
    ],
)
def test_flat_after_an_adverb_and_points_of_an_items_move(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(c.metric, c.direction.value) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same move told again on another basis is a second change of the item
        ("Net sales rose 9% to $1.2 billion, or 6% in constant currency.", [("Net sales", 9.0), ("Net sales", 6.0)]),
        (
            "Organic revenue grew 4.1%, or 3.8% excluding the extra week.",
            [("Organic revenue", 4.1), ("Organic revenue", 3.8)],
        ),
        (
            "Segment sales were $3 billion, up 5% versus the prior year, which included operational growth of 4%.",
            [("Segment sales", 5.0), ("Segment sales", 4.0)],
        ),
        # a contribution is no other basis
        ("Sales rose 7%, including 2% from acquisitions.", [("Sales", 7.0)]),
    ],
)
def test_the_same_move_on_another_basis(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(c.metric, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a past-tense movement verb, the item as its object, then the size
        ("We grew net sales 12% compared with last year.", [("net sales", "up", 12.0)]),
        ("We reduced costs 5% year over year.", [("costs", "down", -5.0)]),
        (
            "The division grew revenue over 20% in the quarter, 18% adjusted for divestitures.",
            [
                ("revenue", "up", 20.0),
                ("revenue", "up", 18.0),
            ],
        ),
    ],
)
def test_a_verbs_object_then_its_size(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert [(c.metric, c.direction.value, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sum after a movement word, then the period it moved in, is the move's size
        ("Selling expenses were $21.5 million, down $0.8 million in Q2 '20.", [("Selling expenses", "down", -0.8)]),
        ("Revenue was $40 million, up $3 million in the second quarter of 2019.", [("Revenue", "up", 3.0)]),
        # not what a verb pays down
        ("Free cash flow was $14 million and we paid down $5 million in debt.", []),
    ],
)
def test_a_sum_after_a_move_and_its_period(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert [(c.metric, c.direction.value, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # a bare number joined by "and" to a figure with a unit of change takes that unit
        ("The ratio improved 1.0 and 0.6 points, respectively.", [Kind.POINTS, Kind.POINTS]),
        ("Margins rose 40 and 55 basis points, respectively.", [Kind.BASIS_POINTS, Kind.BASIS_POINTS]),
        ("Sales of 12 and 15%.", [Kind.PERCENT, Kind.PERCENT]),
        # not a sum or a count
        ("$12 and 15% of revenue.", [Kind.MONEY, Kind.PERCENT]),
    ],
)
def test_a_bare_number_shares_the_unit_after_and(text: str, kinds: list[Kind]) -> None:
    assert [v.kind for v in find_values(text)] == kinds


def test_an_items_level_and_move_told_respectively() -> None:
    # one item over two periods is two changes (tests/fixtures/changes/REAL.md, "metric": repeated for
    # each change of the same item)
    text = "Our operating ratio of 61.0% and 62.5%, respectively, improved 1.2 and 0.4 points, respectively."
    assert [(c.direction.value, c.verdict.value, c.now, c.change) for c in read_changes(text)] == [
        ("down", "good", 61.0, -1.2),
        ("down", "good", 62.5, -0.4),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # named sequentially and year on year, the year-ago figure is the comparison, with its sign
        ("EPS was $0.75 compared to $0.57 last quarter and $1.00 in Q3 of last year.", (0.75, 1.0)),
        (
            "The tax rate was negative 3.2% this quarter compared to 4.0% last quarter and negative 2.5% in the "
            "second quarter of last year.",
            (-3.2, -2.5),
        ),
    ],
)
def test_the_year_ago_figure_named_after_a_sequential_one(text: str, expected: tuple[float, float]) -> None:
    assert [(c.now, c.before) for c in read_changes(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ahead of or behind a prior period by a stated size
        ("Room revenues outpaced 2019 levels by 6% in the quarter.", [("Room revenues", "up", 6.0)]),
        ("Net sales exceeded the prior year by $3 million.", [("Net sales", "up", 3.0)]),
        ("Sales trailed last year by 2%.", [("Sales", "down", -2.0)]),
        # a benchmark is no prior period
        ("Revenue exceeded our guidance by 5%.", []),
    ],
)
def test_ahead_of_or_behind_a_prior_period(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert [(c.metric, c.direction.value, c.change) for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one move told in two measures: a change in each
        ("Net sales were up 12% in units and 15% in dollars.", [12.0, 15.0]),
        ("Shipments rose 4% in tons and 6% in value.", [4.0, 6.0]),
        # a second figure that is no measure of the same move
        ("Shipments rose 4% in tons and 6% of them went to Asia.", [4.0]),
    ],
)
def test_one_move_in_two_measures(text: str, expected: list[float]) -> None:
    assert [c.change for c in read_changes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Net sales were similar to the prior year.", [("Net sales", "unchanged")]),
        ("Interest expense of $3 million was similar to last year.", [("Interest expense", "unchanged")]),
        # a benchmark is no prior period
        ("Gross margin was similar to our peers.", []),
    ],
)
def test_similar_to_a_prior_period_is_unchanged(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(c.metric, c.direction.value) for c in read_changes(text)] == expected

"""Which clause carries the news: main and conceded changes, both ways round, and the net reading."""

from __future__ import annotations

import pytest

from finlocal.changes import Role, Verdict, net_verdict, read_changes
from finlocal.changes.describe import describe

ROWS = [
    # sentence → [(metric, verdict, role)], net reading
    (
        "Although the order backlog shrank slightly, operating margin reached 13.1 % versus 10.2 %.",
        [("order backlog", "bad", "conceded"), ("operating margin", "good", "main")],
        "good",
    ),
    (
        "Operating margin reached 13.1 % versus 10.2 %, although the order backlog shrank slightly.",
        [("Operating margin", "good", "main"), ("order backlog", "bad", "conceded")],
        "good",
    ),
    (
        "Same-store sales rose 2.1 %, but gross margin contracted 340 basis points.",
        [("Same-store sales", "good", "conceded"), ("gross margin", "bad", "main")],
        "bad",
    ),
    (
        "Gross margin contracted 340 basis points, but same-store sales rose 2.1 %.",
        [("Gross margin", "bad", "conceded"), ("same-store sales", "good", "main")],
        "good",
    ),
    ("Despite higher costs, EBIT grew 12 %.", [("costs", "bad", "conceded"), ("EBIT", "good", "main")], "good"),
    ("EBIT fell 12 % despite lower costs.", [("EBIT", "bad", "main"), ("costs", "good", "conceded")], "bad"),
    (
        "While net sales fell 3 %, operating profit rose to EUR 5.2 million from EUR 4.1 million.",
        [("net sales", "bad", "conceded"), ("operating profit", "good", "main")],
        "good",
    ),
    # ", while" compares two facts: both main, and they disagree
    (
        "Net sales fell 3 %, while operating profit rose to EUR 5.2 million from EUR 4.1 million.",
        [("Net sales", "bad", "main"), ("operating profit", "good", "main")],
        "unknown",
    ),
    (
        "Net sales rose 5 %; however, operating profit fell to EUR 4.1 million from EUR 5.2 million.",
        [("Net sales", "good", "conceded"), ("operating profit", "bad", "main")],
        "bad",
    ),
    # no concession: every change is main
    (
        "Net sales rose 5 % and operating profit rose to EUR 5.2 million from EUR 4.1 million.",
        [("Net sales", "good", "main"), ("operating profit", "good", "main")],
        "good",
    ),
]


@pytest.mark.parametrize(("text", "want", "net"), ROWS, ids=[f"row{i}" for i in range(len(ROWS))])
def test_main_and_conceded(text: str, want: list[tuple[str, str, str]], net: str) -> None:
    changes = read_changes(text)
    assert [(c.metric, c.verdict.value, c.role.value) for c in changes] == want
    assert net_verdict(changes).value == net


def test_a_conceded_change_is_told_and_stored_as_such() -> None:
    conceded, main = read_changes("Despite higher costs, EBIT grew 12 %.")
    assert conceded.role is Role.CONCEDED and "(conceded)" in describe(conceded)
    assert conceded.to_dict()["role"] == "conceded" and main.to_dict()["role"] == "main"


def test_no_changes_no_reading() -> None:
    assert net_verdict(()) is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("text", "v1", "v2"),
    [
        (
            "Same-store sales rose 2.1 %, but gross margin contracted 340 basis points.",
            "same-store sales up good ; gross margin down bad",
            "gross margin down bad",
        ),
        (
            "Although the order backlog shrank slightly, operating margin reached 13.1 % versus 10.2 %.",
            "order backlog down bad ; operating margin up good",
            "operating margin up good",
        ),
        # no concession: both versions name every change
        (
            "Net sales rose 4 % and EBIT rose 9 %.",
            "net sales up good ; ebit up good",
            "net sales up good ; ebit up good",
        ),
    ],
)
def test_hint_v2_names_only_the_clauses_the_sentence_stands_on(text: str, v1: str, v2: str) -> None:
    from finlocal.changes.hint import HintKind, hint_text

    assert hint_text(text, HintKind.CHANGES) == v1
    assert hint_text(text, HintKind.MAIN_CHANGES) == v2

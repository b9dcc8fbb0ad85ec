"""Comparing two versions of a report: alignment of edited texts, label changes, new negatives,
JSONL and Markdown, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.cli import cli
from finlocal.compare import (
    Piece,
    Status,
    align,
    compare_texts,
    comparison_markdown,
    comparison_rows,
    word_diff,
)

LAST_QUARTER = "Revenue rose 5 % to EUR 131 mn. Costs were flat. We opened a plant in Espoo. The outlook is strong."
THIS_QUARTER = (
    "Revenue fell 5 % to EUR 131 mn. Costs were flat. The outlook is strong. We cut 200 jobs after a weak quarter."
)


def test_edited_sentences_are_matched_changed_added_or_removed() -> None:
    a = ["Revenue rose 5 %.", "Costs were flat.", "We opened a plant.", "The outlook is unchanged."]
    b = ["Revenue rose 7 %.", "Costs were flat.", "Demand fell sharply in Asia.", "The outlook is unchanged."]
    links = [(x.a, x.b, x.status) for x in align(a, b)]
    assert links == [
        (0, 0, Status.CHANGED),
        (1, 1, Status.MATCHED),
        (2, None, Status.REMOVED),
        (None, 2, Status.ADDED),
        (3, 3, Status.MATCHED),
    ]
    assert [x.status for x in align(a, b, threshold=0.95)][:2] == [Status.REMOVED, Status.ADDED]


def test_a_moved_block_and_whitespace_or_case_changes() -> None:
    a = ["Intro.", "Sales   grew.", "Profit fell.", "Outro."]
    b = ["Intro.", "sales grew.", "Outro.", "Profit fell."]
    links = align(a, b)
    assert (links[1].a, links[1].b, links[1].status) == (1, 1, Status.MATCHED)  # words are lower-cased
    statuses = sorted(x.status.value for x in links)
    assert statuses.count("matched") == 3 and {"added", "removed"} <= set(statuses)


_SENTENCES = st.lists(
    st.sampled_from(
        [
            "Revenue rose 5 %.",
            "Revenue rose 7 %.",
            "Costs were flat.",
            "Costs were flat again.",
            "Demand fell.",
            "We cut jobs.",
            "The outlook is strong.",
            "Margins improved markedly.",
        ]
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(_SENTENCES, _SENTENCES, st.floats(min_value=0.3, max_value=1.0))
def test_every_sentence_appears_once_in_order(a: list[str], b: list[str], threshold: float) -> None:
    links = align(a, b, threshold)
    assert [x.a for x in links if x.a is not None] == list(range(len(a)))
    assert [x.b for x in links if x.b is not None] == list(range(len(b)))
    for x in links:
        assert (x.a is None) == (x.status is Status.ADDED) and (x.b is None) == (x.status is Status.REMOVED)
        if x.status is Status.MATCHED:
            assert a[x.a].lower() == b[x.b].lower()
        if x.status is Status.CHANGED:
            assert x.similarity >= threshold


def test_word_diff_rebuilds_both_sides() -> None:
    a, b = "Revenue rose 5 % to EUR 131 mn.", "Revenue fell 5 % to EUR 129 mn this year."
    pieces = word_diff(a, b)
    assert "".join(t for p, t in pieces if p is not Piece.INSERTED).strip() == a
    assert "".join(t for p, t in pieces if p is not Piece.DELETED).strip() == b
    assert (Piece.DELETED, "rose ") in pieces and (Piece.INSERTED, "fell ") in pieces


def test_tone_change_label_changes_and_new_negatives(fake_classifier) -> None:
    c = compare_texts(LAST_QUARTER, THIS_QUARTER, fake_classifier, a_source="q1.txt", b_source="q2.txt")
    assert [(p.status, p.a and p.a.index, p.b and p.b.index) for p in c.pairs] == [
        (Status.CHANGED, 0, 0),
        (Status.MATCHED, 1, 1),
        (Status.REMOVED, 2, None),
        (Status.MATCHED, 3, 2),
        (Status.ADDED, None, 3),
    ]
    assert c.tone_change < -0.3
    [changed] = c.label_changes
    assert (changed.a.label, changed.b.label) == ("positive", "negative")
    assert [p.b.text for p in c.new_negative] == [
        "Revenue fell 5 % to EUR 131 mn.",
        "We cut 200 jobs after a weak quarter.",
    ]

    rows = list(comparison_rows(c))
    assert rows[0]["kind"] == "summary"
    assert rows[0]["aligned"] == {"matched": 2, "changed": 1, "added": 1, "removed": 1}
    assert (rows[0]["label_changes"], rows[0]["new_negative"]) == (1, 2)
    assert [r["status"] for r in rows[1:]] == ["changed", "matched", "removed", "matched", "added"]
    assert rows[1]["label_changed"] and rows[1]["tone_change"] < 0 and rows[1]["new_negative"]
    assert rows[3]["a"]["text"] == "We opened a plant in Espoo." and rows[3]["b"] is None
    json.dumps(rows)  # JSON-ready

    markdown = comparison_markdown(c)
    assert "## Sentences whose label changed (1)" in markdown
    assert "~~rose~~ **fell**" in markdown
    assert "## New negative statements (2)" in markdown and "B #3 (added" in markdown
    assert "| tone index |" in markdown


def test_compare_cli(tiny_model_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "q1.txt", tmp_path / "q2.txt"
    a.write_text(LAST_QUARTER)
    b.write_text(THIS_QUARTER)
    runner = CliRunner()
    model = ["--model", str(tiny_model_dir), "--threads", "1"]
    result = runner.invoke(cli, ["compare", str(a), str(b), "--format", "jsonl", *model])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["kind"] == "summary" and len(rows) == 6
    assert rows[0]["a"]["source"] == str(a) and rows[0]["a"]["sentences"] == 4
    out = tmp_path / "diff.md"
    result = runner.invoke(cli, ["compare", str(a), str(b), "--output", str(out), *model])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith(f"# {a} → {b}")
    missing = runner.invoke(cli, ["compare", str(a), str(tmp_path / "nope.txt"), *model])
    assert missing.exit_code == 1 and "no such file" in missing.stderr and "Traceback" not in missing.output


def test_guidance_is_paired_with_guidance_not_with_the_stated_figure(fake_classifier) -> None:
    a = (
        "Full-year EPS rose to $4.05 from $3.80. "
        "The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05."
    )
    b = (
        "The company raised its full-year EPS guidance to $4.40–$4.50 from $4.10–$4.20. "
        "Full-year EPS rose to $4.45 from $4.05."
    )
    c = compare_texts(a, b, fake_classifier)
    pairs = {m.metric: (m.a[1].kind.value, m.b[1].kind.value) for m in c.metrics}
    assert pairs["full-year eps guidance"] == ("guidance", "guidance")
    assert pairs["full-year eps"] == ("metric", "metric")
    assert "guidance raised" in comparison_markdown(c)


def test_metrics_both_versions_state(fake_classifier) -> None:
    a = (
        "Net sales rose 12 % to EUR 131 mn (EUR 117 mn). Operating profit was EUR 9.8 mn. "
        "Net debt fell to EUR 40 mn from EUR 52 mn."
    )
    b = (
        "Net debt rose to EUR 61 mn from EUR 40 mn. Net sales rose 15 % to EUR 140 mn (EUR 122 mn). "
        "Order intake fell 3 %."
    )
    c = compare_texts(a, b, fake_classifier)
    # in B's order; operating profit (a level in A only) and order intake (B only) are not paired
    assert [(m.a[1].now, m.b[1].now, m.b[1].verdict.value) for m in c.metrics] == [
        (40.0, 61.0, "bad"),
        (131.0, 140.0, "good"),
    ]
    assert "| Net debt | €40 million (down 23.1 %, good) (A #2) | €61 million (up 52.5 %, bad) (B #0) |" in (
        comparison_markdown(c)
    )
    summary = next(comparison_rows(c))
    assert [(m["metric"], m["a"]["index"], m["b"]["index"]) for m in summary["metrics"]] == [
        ("net debt", 2, 0),
        ("net sales", 0, 1),
    ]

"""The outlook: guidance revisions as changes of their own kind, table-tested both ways."""

from __future__ import annotations

import io
import json

import pytest

from finlocal.changes import Change, ChangeKind, read_changes
from finlocal.changes.describe import describe
from finlocal.changes.hint import hint_text

ROWS = [
    # sentence → (metric, direction, verdict, now, before)
    # a relative clause that describes the new range hedges nothing
    (
        "We are raising our full-year EPS guidance to $3.30 to $3.50, which would represent 21 % growth at the "
        "midpoint.",
        ("EPS", "up", "good", 3.4, None),
    ),
    # capital spending raised is neither good nor bad news in itself
    (
        "Our updated capital forecast raised 2026 capital expenditures by $45 million.",
        ("forecast", "up", "unknown", 45, None),
    ),
    (
        "The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05.",
        ("EPS", "up", "good", 4.15, 3.975),
    ),
    (
        "Acme now expects net sales of EUR 1.2–1.3 billion (previously EUR 1.1–1.2 billion).",
        ("net sales", "up", "good", 1.25, 1.15),
    ),
    (
        "Full-year guidance for revenue was lowered to $5.1 billion from $5.3 billion.",
        ("revenue", "down", "bad", 5.1, 5.3),
    ),
    (
        "The company narrowed its full-year revenue guidance to $10.2 billion to $10.4 billion from $10.0 billion "
        "to $10.5 billion.",
        ("revenue", "up", "good", 10.3, 10.25),
    ),
    (
        "The company narrowed its revenue guidance to $10.0 billion to $10.2 billion from $9.9 billion to "
        "$10.5 billion.",
        ("revenue", "down", "bad", 10.1, 10.2),
    ),
    (
        "We now expect operating margin of 12 % to 13 %, compared with our previous outlook of 11 % to 12 %.",
        ("operating margin", "up", "good", 12.5, 11.5),
    ),
    (
        "The company raised its outlook for operating expenses to $2.4 billion from $2.2 billion.",
        ("operating expenses", "up", "bad", 2.4, 2.2),
    ),
    ("Acme lowered its outlook for adjusted EBITDA.", ("adjusted EBITDA", "down", "bad", None, None)),
    (
        "We've raised and narrowed our adjusted diluted earnings per share guidance to be in the range of $12.15 "
        "to $12.35.",
        ("earnings per share", "up", "good", 12.25, None),
    ),
    (
        "We are maintaining our revenue guidance and are increasing our expectations for adjusted EBITDA to $305 "
        "million to $325 million.",
        ("adjusted EBITDA", "up", "good", 315, None),
    ),
    (
        "Lastly, we are increasing our full year guidance from a previously elevated range of $2.19 to $2.25 to a "
        "new range of $2.24 to $2.28.",
        ("guidance", "up", "good", 2.26, 2.22),
    ),
    ("The company reaffirmed its full-year guidance.", ("guidance", "unchanged", "unknown", None, None)),
    ("The company withdrew its 2020 guidance due to COVID-19.", ("guidance", "withdrawn", "bad", None, None)),
    ("The group suspended its financial outlook for the year.", ("outlook", "withdrawn", "bad", None, None)),
]
NONE = [
    "The company expects revenue of $1.1 billion to $1.2 billion for the full year.",
    "Guidance assumes an effective tax rate of 24 % to 26 %.",
    "The company has a $500 million revolving credit facility.",
    "Net sales rose 5 % to EUR 41.2 million.",
]


@pytest.mark.parametrize(("text", "want"), ROWS, ids=[f"row{i}" for i in range(len(ROWS))])
def test_guidance_revision(text: str, want: tuple) -> None:
    (g,) = [c for c in read_changes(text) if c.kind is ChangeKind.GUIDANCE]
    assert want[0].lower() in g.metric.lower()
    assert (g.direction.value, g.verdict.value, g.now, g.before) == want[1:]


@pytest.mark.parametrize("text", NONE)
def test_no_guidance_revision(text: str) -> None:
    assert not [c for c in read_changes(text) if c.kind is ChangeKind.GUIDANCE]


def test_a_hedged_revision_has_no_verdict() -> None:
    (g,) = read_changes("The company could lower its guidance to $4.00 from $4.20 if demand weakens.")
    assert g.kind is ChangeKind.GUIDANCE and g.verdict.value == "unknown"


def test_guidance_replaces_the_hedged_metric_reading_and_stays_out_of_the_hint() -> None:
    text = "The company raised its full-year EPS guidance to $4.15 from $4.00."
    changes = read_changes(text)
    assert [c.kind for c in changes] == [ChangeKind.GUIDANCE]
    assert hint_text(text) == "full-year eps up unclear"  # hint "changes-v1": the line-item reading, as before


def test_guidance_is_told_and_stored_as_such() -> None:
    (g,) = read_changes("The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05.")
    assert "guidance raised" in describe(g)
    row = g.to_dict()
    assert row["kind"] == "guidance"
    assert Change.from_dict(json.loads(json.dumps(row))).kind is ChangeKind.GUIDANCE
    assert Change.from_dict({k: v for k, v in row.items() if k != "kind"}).kind is ChangeKind.METRIC


def test_guidance_in_jsonl_csv_and_markdown() -> None:
    from finlocal.output import Format, Per, make_writer
    from finlocal.scoring import score_text
    from tests.fakes import KeywordClassifier

    text = "The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05."
    classifier = KeywordClassifier()
    report = score_text(text, classifier, source="t")
    for fmt in (Format.JSONL, Format.CSV):
        sink = io.StringIO()
        writer = make_writer(fmt, Per.SENTENCE, sink, classifier.labels)
        writer.sentences(report.sentences)
        writer.document(report)
        assert '"kind": "guidance"' in sink.getvalue() or '""kind"": ""guidance""' in sink.getvalue()
    assert [m.change.kind for m in report.moved] == [ChangeKind.GUIDANCE]
    sink = io.StringIO()
    writer = make_writer(Format.MARKDOWN, Per.DOCUMENT, sink, classifier.labels)
    writer.sentences(report.sentences)
    writer.document(report)
    assert "guidance raised" in sink.getvalue()  # the Markdown export's "what moved"


def test_guidance_and_role_in_the_corpus_parquet_schema() -> None:
    pa = pytest.importorskip("pyarrow")
    from finlocal.corpus.tables import Layout

    (g,) = read_changes("The company raised its full-year EPS guidance to $4.10–$4.20 from $3.90–$4.05.")
    struct = Layout(())._change()
    array = pa.array([g.to_dict()], type=struct)
    assert array.to_pylist()[0]["kind"] == "guidance" and array.to_pylist()[0]["role"] == "main"

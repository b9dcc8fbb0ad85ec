"""Writers: JSONL, CSV, Markdown and table, per sentence and per document."""

from __future__ import annotations

import csv
import io
import json

import pytest

from finlocal.output import Format, Per, make_writer
from finlocal.scoring import score_text

TEXT = "Net sales rose 5 %. Profit fell | sharply. The office is in Oulu."


@pytest.fixture
def report(fake_classifier):
    return score_text(TEXT, fake_classifier, source="a.txt")


def _write(fmt: Format, per: Per, report) -> str:
    out = io.StringIO()
    writer = make_writer(fmt, per, out, report.labels)
    writer.sentences(report.sentences)
    writer.document(report)
    writer.close()
    return out.getvalue()


def test_jsonl_sentences_and_documents(report) -> None:
    rows = [json.loads(line) for line in _write(Format.JSONL, Per.SENTENCE, report).splitlines()]
    assert [r["label"] for r in rows] == ["positive", "negative", "neutral"]
    [doc] = [json.loads(line) for line in _write(Format.JSONL, Per.DOCUMENT, report).splitlines()]
    assert doc["source"] == "a.txt" and doc["sentences"] == 3


def test_csv_has_a_header_and_one_row_per_sentence(report) -> None:
    rows = list(csv.DictReader(io.StringIO(_write(Format.CSV, Per.SENTENCE, report))))
    assert len(rows) == 3 and rows[1]["text"] == "Profit fell | sharply."
    assert float(rows[0]["score_positive"]) > 0.5 and rows[0]["evidence"] == "rose"
    docs = list(csv.DictReader(io.StringIO(_write(Format.CSV, Per.DOCUMENT, report))))
    assert docs[0]["count_positive"] == "1"


def test_markdown_escapes_pipes(report) -> None:
    lines = _write(Format.MARKDOWN, Per.SENTENCE, report).splitlines()
    assert lines[0].startswith("| source |") and lines[1].startswith("|---")
    assert "Profit fell \\| sharply." in lines[3]
    assert len(_write(Format.MARKDOWN, Per.DOCUMENT, report).splitlines()) == 3


def test_table_mentions_every_sentence(report) -> None:
    text = _write(Format.TABLE, Per.SENTENCE, report)
    assert "a.txt" in text and "Oulu" in text and "tone" in text
    assert "a.txt" in _write(Format.TABLE, Per.DOCUMENT, report)


def test_human_size() -> None:
    from finlocal.output import human_size

    assert [human_size(n) for n in (170, 72_192, 1_234_567, 3 << 30)] == ["170 B", "70.5 KB", "1.2 MB", "3.0 GB"]


@pytest.mark.parametrize("per", list(Per))
def test_table_shows_markup_in_sources_and_text_literally(fake_classifier, per: Per) -> None:
    text = "Sales rose [/] sharply [bold red]today."
    report = score_text(text, fake_classifier, source="n[x].txt")
    out = _write(Format.TABLE, per, report)
    assert "n[x].txt" in out and "[/]" in out and "[bold" in out


def test_suffixes_name_formats_both_ways() -> None:
    from pathlib import Path

    from finlocal.cli.score import default_format
    from finlocal.output import format_for_suffix

    for fmt in Format:
        assert format_for_suffix(fmt.suffix) is fmt  # a file gets a suffix that reads back as its format
    assert format_for_suffix(".CSV") is Format.CSV and format_for_suffix(".xlsx") is None
    assert default_format(Path("rows.md"), io.StringIO()) is Format.MARKDOWN
    assert default_format(Path("rows.out"), io.StringIO()) is Format.JSONL


def test_extra_columns_follow_the_standard_ones_in_jsonl_and_csv(report) -> None:
    extra = [("page", lambda r: r.index + 1)]
    out = io.StringIO()
    make_writer(Format.CSV, Per.SENTENCE, out, report.labels, extra).sentences(report.sentences)
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[-2:] == ["inference_ms", "page"] and [r[-1] for r in rows] == ["1", "2", "3"]
    out = io.StringIO()
    make_writer(Format.JSONL, Per.SENTENCE, out, report.labels, extra).sentences(report.sentences)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(r)[-1] for r in rows] == ["page"] * 3 and [r["page"] for r in rows] == [1, 2, 3]


HOSTILE = (
    "Sales rose \x1b]2;pwned\x07 sharply. Profit \x1b[2J\x1b[H fell \x1b[31mhard\x1b[0m. "
    "Costs <script>alert('pwned')</script> \u202eworse."
)
RAW = ("\x1b", "\x07", "\u202e")


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN])
@pytest.mark.parametrize("per", list(Per))
def test_table_and_markdown_write_no_control_sequence_raw(fake_classifier, fmt: Format, per: Per) -> None:
    report = score_text(HOSTILE, fake_classifier, source="evil\x1b]2;x\x07.txt")
    out = _write(fmt, per, report)
    assert not any(char in out for char in RAW)
    if per is Per.SENTENCE:
        assert "\\x1b]2;pwned\\x07" in out


def test_markdown_escapes_html(fake_classifier) -> None:
    report = score_text(HOSTILE, fake_classifier, source="a.md")
    out = _write(Format.MARKDOWN, Per.SENTENCE, report)
    assert "<script>" not in out and "&lt;script&gt;alert('pwned')&lt;/script&gt;" in out


def test_jsonl_keeps_the_text_exact(fake_classifier) -> None:
    report = score_text(HOSTILE, fake_classifier, source="a.txt")
    rows = [json.loads(line) for line in _write(Format.JSONL, Per.SENTENCE, report).splitlines()]
    assert "".join(r["text"] for r in rows).count("\x1b") == HOSTILE.count("\x1b")


def test_csv_defuses_formulas_unless_raw(fake_classifier) -> None:
    text = '=HYPERLINK("http://x.test","x") rose.\n\n@SUM(A1) fell.\n\n-0.4 is the change.'
    report = score_text(text, fake_classifier, source="a.txt")
    rows = list(csv.DictReader(io.StringIO(_write(Format.CSV, Per.SENTENCE, report))))
    assert [r["text"][:2] for r in rows] == ["'=", "'@", "-0"]
    out = io.StringIO()
    make_writer(Format.CSV, Per.SENTENCE, out, report.labels, raw=True).sentences(report.sentences)
    assert [r["text"][:1] for r in csv.DictReader(io.StringIO(out.getvalue()))] == ["=", "@", "-"]


def test_csv_has_label_confidence_review_and_tone_and_counts_from_one(report) -> None:
    rows = list(csv.DictReader(io.StringIO(_write(Format.CSV, Per.SENTENCE, report))))
    first = rows[0]
    assert [r["#"] for r in rows] == ["1", "2", "3"] and "index" not in first
    assert first["kind"] == "sentence" and first["label"] == "positive"
    assert float(first["confidence"]) == float(first["score_positive"])
    assert first["review"] in ("yes", "no")
    assert float(first["tone"]) == pytest.approx(float(first["score_positive"]) - float(first["score_negative"]))


def test_csv_review_flag_follows_the_threshold(report) -> None:
    out = io.StringIO()
    make_writer(Format.CSV, Per.SENTENCE, out, report.labels, threshold=1.01).sentences(report.sentences)
    assert {r["review"] for r in csv.DictReader(io.StringIO(out.getvalue()))} == {"yes"}


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN, Format.CSV])
def test_rows_that_are_not_sentences_say_what_they_are(fake_classifier, fmt: Format) -> None:
    from finlocal.structure import Region, RowKind

    text = "Key figures\n\nNet sales | 41.7 | 38.2\n\nSales rose 5 %."
    regions = (
        Region(((0, 11),), RowKind.HEADING),
        Region(((13, 36),), RowKind.TABLE_ROW),
        Region(((38, len(text)),)),
    )
    report = score_text(text, fake_classifier, source="kpi.md", regions=regions)
    out = _write(fmt, Per.SENTENCE, report)
    if fmt is Format.CSV:
        assert [r["kind"] for r in csv.DictReader(io.StringIO(out))] == ["heading", "table_row", "sentence"]
    else:
        assert "(heading) Key figures" in out and "(table row) Net sales" in out
        assert "(sentence)" not in out

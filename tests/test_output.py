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

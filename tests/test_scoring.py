"""Document scoring with the fake classifier: offsets, tone, top-k, progress, cancel, streaming."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finlocal.predictions import Prediction
from finlocal.reading import Input
from finlocal.scoring import Cancelled, ReportBuilder, SentenceResult, iter_score_documents, score_text
from finlocal.structure import Region, RowKind, TableRow

TEXT = """Results

Net sales rose 5 % to EUR 131 mn. Operating profit fell sharply and margins were weak.
The company is based in Espoo. Order intake grew strongly and cash flow improved.
"""


def test_score_text_rows_and_offsets(fake_classifier) -> None:
    report = score_text(TEXT, fake_classifier, source="r.txt")
    assert [s.label for s in report.sentences] == ["neutral", "positive", "negative", "neutral", "positive"]
    for s in report.sentences:
        assert TEXT[s.start : s.end] == s.text
        for span in s.evidence:  # document offsets
            assert TEXT[span.start : span.end] == span.text
    assert report.counts == {"negative": 1, "neutral": 2, "positive": 2}
    assert report.n_sentences == 5


def test_tone_is_mean_of_positive_minus_negative(fake_classifier) -> None:
    report = score_text(TEXT, fake_classifier)
    expected = sum(s.scores["positive"] - s.scores["negative"] for s in report.sentences) / 5
    assert report.tone == pytest.approx(expected)
    assert -1 <= report.tone <= 1


def test_headings_and_table_rows_are_kept_but_not_counted_in_the_tone(fake_classifier) -> None:
    text = "Results\nNet sales rose 5 % to EUR 131 mn.\nNet change in cash (164) (1,105)\nCosts fell."
    heading = (0, 7)
    sentence = (8, text.index("\nNet change"))
    row = (sentence[1] + 1, text.index("\nCosts"))
    table_row = TableRow("Net change in cash", ("(164)", "(1,105)"), ("2024", "2023"), start=row[0], end=row[1])
    regions = (
        Region((heading,), RowKind.HEADING),
        Region((sentence,)),
        Region((row,), RowKind.TABLE_ROW, table_row),
        Region(((row[1] + 1, len(text)),)),
    )
    report = score_text(text, fake_classifier, regions=regions)
    kinds = [(s.text, s.kind) for s in report.sentences]
    assert kinds == [
        ("Results", RowKind.HEADING),
        ("Net sales rose 5 % to EUR 131 mn.", RowKind.SENTENCE),
        ("Net change in cash (164) (1,105)", RowKind.TABLE_ROW),
        ("Costs fell.", RowKind.SENTENCE),
    ]
    assert report.sentences[2].table_row == table_row
    assert report.n_sentences == 2 and sum(report.counts.values()) == 2
    counted = [s for s in report.sentences if s.kind is RowKind.SENTENCE]
    assert report.tone == pytest.approx(sum(s.tone for s in counted) / 2)
    shown = {r.text for r in (*report.top_positive, *report.top_negative)}
    assert shown <= {s.text for s in counted}
    assert [s.to_row()["kind"] for s in report.sentences] == ["heading", "sentence", "table_row", "sentence"]


def test_top_k_ranks_by_label_probability(fake_classifier) -> None:
    text = "Sales rose strongly but costs fell. Sales rose. Costs fell but sales rose. Profit fell. Nothing happened."
    report = score_text(text, fake_classifier, top_k=1)
    # a sure positive (0.87) beats an unsure one (0.46) that comes first in the document
    assert [r.text for r in report.top_positive] == ["Sales rose."]
    assert [r.text for r in report.top_negative] == ["Profit fell."]
    report = score_text(text, fake_classifier, top_k=5)
    assert [r.index for r in report.top_positive] == [1, 0]  # only sentences predicted positive
    assert [r.index for r in report.top_negative] == [3, 2]
    assert score_text(text, fake_classifier, top_k=0).top_positive == ()


def _result(index: int, label: str, p: float) -> SentenceResult:
    rest = (1 - p) / 2
    scores = {name: (p if name == label else rest) for name in ("negative", "neutral", "positive")}
    return SentenceResult("s", index, index, index + 1, "x", Prediction(label, scores))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["negative", "neutral", "positive"]), st.sampled_from([0.4, 0.5, 0.7, 0.9, 1.0])),
        max_size=40,
    ),
    k=st.integers(0, 6),
    chunk=st.integers(1, 7),
)
def test_top_k_is_the_k_most_probable_of_the_label_in_any_chunking(
    rows: list[tuple[str, float]], k: int, chunk: int
) -> None:
    results = [_result(i, label, p) for i, (label, p) in enumerate(rows)]
    builder = ReportBuilder("s", ("negative", "neutral", "positive"), top_k=k)
    for start in range(0, len(results), chunk):
        builder.add(results[start : start + chunk])
    report = builder.finish()
    for label, top in (("positive", report.top_positive), ("negative", report.top_negative)):
        # highest probability of the label first, ties to the earlier sentence
        expected = sorted((r for r in results if r.label == label), key=lambda r: (-r.scores[label], r.index))[:k]
        assert [r.index for r in top] == [r.index for r in expected]


def test_sentence_row_schema(fake_classifier) -> None:
    row = score_text(TEXT, fake_classifier, source="r.txt").sentences[1].to_row()
    assert set(row) == {
        "source",
        "index",
        "kind",
        "start",
        "end",
        "text",
        "label",
        "scores",
        "evidence",
        "changes",
        "ms",
    }
    assert row["source"] == "r.txt" and row["index"] == 1 and row["kind"] == "sentence"
    assert set(row["scores"]) == {"negative", "neutral", "positive"}
    assert row["evidence"] == [{"start": TEXT.index("rose"), "end": TEXT.index("rose") + 4, "text": "rose"}]
    assert set(row["ms"]) == {"tokenize", "inference"}
    # what moved, in document offsets like the evidence
    (change,) = row["changes"]
    assert (change["metric"], change["now"], change["change"], change["change_unit"]) == ("Net sales", 131.0, 5.0, "%")
    assert (change["direction"], change["verdict"], change["currency"], change["unit"]) == (
        "up",
        "good",
        "EUR",
        "million",
    )
    assert TEXT[change["start"] : change["end"]] == "Net sales rose 5 % to EUR 131 mn"


def test_document_row(fake_classifier) -> None:
    row = score_text(TEXT, fake_classifier, source="r.txt").to_row()
    assert row["sentences"] == 5 and row["counts"]["positive"] == 2
    assert row["label"] == "neutral"  # ties go to the earlier label in model order
    assert set(row) >= {"source", "tone", "top_positive", "top_negative", "ms", "sentences_per_s"}


def test_progress_and_chunking(fake_classifier) -> None:
    text = " ".join(f"Sales rose {i} %." for i in range(600))
    seen: list[tuple[int, int]] = []
    report = score_text(text, fake_classifier, progress=lambda d, t: seen.append((d, t)))
    assert report.n_sentences == 600
    assert seen[0] == (0, 600) and seen[-1] == (600, 600) and len(seen) > 2
    assert len(fake_classifier.calls) == len(seen) - 1


def test_each_chunk_reaches_on_chunk_as_it_is_scored(fake_classifier) -> None:
    text = " ".join(f"Sales rose {i}." for i in range(10))
    seen: list[tuple[list[int], int, int]] = []
    report = score_text(
        text,
        fake_classifier,
        chunk_size=4,
        on_chunk=lambda rs, done, total: seen.append(([r.index for r in rs], done, total)),
    )
    assert seen == [([0, 1, 2, 3], 4, 10), ([4, 5, 6, 7], 8, 10), ([8, 9], 10, 10)]
    assert [r.index for r in report.sentences] == list(range(10))
    assert [len(call) for call in fake_classifier.calls] == [4, 4, 2]


def test_cancel_stops_between_chunks(fake_classifier) -> None:
    text = " ".join(f"Sales rose {i} %." for i in range(600))
    calls = iter([False, True])
    with pytest.raises(Cancelled):
        score_text(text, fake_classifier, cancelled=lambda: next(calls))
    assert len(fake_classifier.calls) == 1


def test_empty_text_gives_empty_report(fake_classifier) -> None:
    report = score_text("   ", fake_classifier)
    assert report.n_sentences == 0 and report.tone == 0.0


def test_iter_score_documents_streams_and_reports_errors(fake_classifier, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Sales rose. Profit fell.")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    chunks = []
    outcomes = list(
        iter_score_documents(
            [
                Input(str(tmp_path / "a.txt"), tmp_path / "a.txt"),
                Input(str(tmp_path / "b.txt"), tmp_path / "b.txt"),
                Input("gone", Path("gone"), error="gone: no such file"),
            ],
            fake_classifier,
            on_sentences=chunks.append,
        )
    )
    assert [o.ok for o in outcomes] == [True, False, False]
    assert outcomes[0].report.sentences == ()  # streamed: counts only
    assert outcomes[0].report.counts == {"negative": 1, "neutral": 0, "positive": 1}
    assert "binary" in outcomes[1].error and outcomes[2].error == "gone: no such file"
    assert [r.text for chunk in chunks for r in chunk] == ["Sales rose.", "Profit fell."]


def test_streamed_big_file_keeps_document_offsets(fake_classifier, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("finlocal.reading.inputs.STREAM_THRESHOLD_BYTES", 1000)
    monkeypatch.setattr("finlocal.reading.stream.BLOCK_CHARS", 500)
    text = "".join(f"Paragraph {i}: sales rose {i} %.\n\n" for i in range(300))
    path = tmp_path / "big.txt"
    path.write_text(text)
    item = Input(str(path), path)
    assert len(list(item.blocks())) > 5  # streamed
    rows = []
    [outcome] = iter_score_documents([item], fake_classifier, on_sentences=rows.extend)
    assert outcome.report.n_sentences == 300 == len(rows)
    assert [r.index for r in rows] == list(range(300))
    for r in rows:
        assert text[r.start : r.end] == r.text


def test_report_builder_without_sentences(fake_classifier) -> None:
    report = score_text(TEXT, fake_classifier)
    builder = ReportBuilder("x", fake_classifier.labels, keep_sentences=False)
    builder.add(report.sentences)
    summary = builder.finish()
    assert summary.sentences == () and summary.counts == report.counts
    assert summary.tone == pytest.approx(report.tone)


def _peak_scoring(path: Path, classifier) -> tuple[int, int]:
    import tracemalloc

    count = 0

    def sink(results) -> None:
        nonlocal count
        count += len(results)

    tracemalloc.start()
    [outcome] = iter_score_documents([Input(str(path), path)], classifier, on_sentences=sink)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert outcome.ok and count == outcome.report.n_sentences
    return peak, count


def test_streaming_memory_is_bounded_by_the_block_not_the_file(fake_classifier, tmp_path: Path, monkeypatch) -> None:
    import collections

    monkeypatch.setattr("finlocal.reading.inputs.STREAM_THRESHOLD_BYTES", 1 << 14)
    monkeypatch.setattr("finlocal.reading.stream.BLOCK_CHARS", 1 << 14)
    monkeypatch.setattr("finlocal.reading.stream._READ_BYTES", 1 << 14)
    fake_classifier.calls = collections.deque(maxlen=1)  # the fake must not keep every text
    sentence = "Net sales in the quarter " + "and the period " * 20 + "rose 5 % to EUR 131 mn. "
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text((sentence * 3 + "\n\n") * 150)
    big.write_text((sentence * 3 + "\n\n") * 600)  # 0.6 MB, 37 blocks
    peak_small, n_small = _peak_scoring(small, fake_classifier)
    peak_big, n_big = _peak_scoring(big, fake_classifier)
    assert n_big == 4 * n_small
    assert peak_big < 1.5 * peak_small and peak_big < big.stat().st_size

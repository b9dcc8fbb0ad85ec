"""The pure parts of the app: ordering, filtering, labels, tone along the document, exports."""

from __future__ import annotations

import pytest

from finlocal.predictions import Prediction
from finlocal.scoring import SentenceResult, score_text
from finlocal.tui.config import ModelInfo, describe_quantization
from finlocal.tui.report_files import EXPORT_FORMATS, ExportSpec, markdown_report, strip_export_suffix
from finlocal.tui.view import (
    LabelFilter,
    SortOrder,
    label_tag,
    most_negative,
    most_positive,
    next_member,
    one_line,
    visible,
)
from finlocal.tui.widgets.summary_panel import bucket_means
from tests.fakes import KeywordClassifier


def result(index: int, label: str, neg: float, neu: float, pos: float) -> SentenceResult:
    scores = {"negative": neg, "neutral": neu, "positive": pos}
    return SentenceResult("doc", index, index * 10, index * 10 + 5, f"s{index}", Prediction(label, scores))


RESULTS = [
    result(0, "positive", 0.1, 0.2, 0.7),
    result(1, "negative", 0.9, 0.05, 0.05),
    result(2, "neutral", 0.3, 0.4, 0.3),
    result(3, "positive", 0.0, 0.05, 0.95),
]


def test_label_tags_read_without_colour() -> None:
    assert [label_tag(x) for x in ("negative", "neutral", "positive", "mixed")] == ["NEG", "NEU", "POS", "MIX"]


def test_filters() -> None:
    def kept(f: LabelFilter) -> list[int]:
        return [r.index for r in visible(RESULTS, f, SortOrder.DOCUMENT, 0.6)]

    assert kept(LabelFilter.POSITIVE) == [0, 3]
    assert kept(LabelFilter.REVIEW) == [2]
    assert len(visible(RESULTS, LabelFilter.ALL, SortOrder.DOCUMENT, 0.6)) == 4


def test_orders() -> None:
    def order(o: SortOrder) -> list[int]:
        return [r.index for r in visible(RESULTS, LabelFilter.ALL, o, 0.6)]

    assert order(SortOrder.DOCUMENT) == [0, 1, 2, 3]
    assert order(SortOrder.LEAST_CONFIDENT) == [2, 0, 1, 3]
    assert order(SortOrder.MOST_CONFIDENT) == [3, 1, 0, 2]
    assert order(SortOrder.MOST_NEGATIVE) == [1, 2, 0, 3]
    assert order(SortOrder.MOST_POSITIVE) == [3, 0, 2, 1]
    assert most_negative(RESULTS).index == 1 and most_positive(RESULTS).index == 3
    assert most_negative([]) is None


def test_cycling_wraps() -> None:
    assert next_member(SortOrder.MOST_POSITIVE) is SortOrder.DOCUMENT
    assert next_member(LabelFilter.ALL) is LabelFilter.NEGATIVE


def test_tone_along_the_document() -> None:
    assert bucket_means([1.0, 0.0, -1.0], 6) == [1.0, 1.0, 0.0, 0.0, -1.0, -1.0]
    assert bucket_means([1.0, 0.0, -1.0, -1.0], 2) == [0.5, -1.0]
    assert len(bucket_means([0.5] * 7, 80)) == 80
    assert bucket_means([], 5) == []


def test_one_line() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    assert one_line("x" * 300, 10) == "x" * 9 + "…"


def test_export_suffixes_swap() -> None:
    assert strip_export_suffix("a/report.finlocal.jsonl") == "a/report.finlocal"
    assert strip_export_suffix("notes.txt") == "notes.txt"  # a table is not an export format
    assert strip_export_suffix("report.MD") == "report"
    assert [f.suffix for f in EXPORT_FORMATS] == [".jsonl", ".csv", ".md"]


def test_markdown_report_sections() -> None:
    text = "Sales rose. Costs fell. Costs fell but demand was strong. Nothing | here."
    report = score_text(text, KeywordClassifier(), source="q3.txt", on_chunk=lambda *a: None, cancelled=lambda: False)
    md = markdown_report(ExportSpec(report, report.sentences), ModelInfo("m", 2048, "int8"), threshold=0.6)
    assert md.startswith("# Tone report: q3.txt\n")
    assert "- Sentences: 4 (NEG 2 · NEU 1 · POS 1)" in md
    assert "- Model: m · 2.0 KB · int8" in md
    review = md.split("## For review")[1].split("##")[0]
    assert "Costs fell but demand was strong." in review
    assert "Nothing \\| here." in md  # table cells are escaped


def test_quantization_is_described_briefly() -> None:
    assert describe_quantization({}) == "fp32"
    assert describe_quantization({"method": "onnxruntime.quantize_dynamic", "weight_type": "QInt8"}) == "int8 (dynamic)"
    assert describe_quantization({"weight_type": "QUInt8"}) == "uint8"
    assert describe_quantization({"method": "per-row int8", "scheme": "per-row", "weight_bits": 7}) == "int8 (per-row)"


def test_row_mailbox_coalesces_and_always_delivers_the_last_chunk() -> None:
    from finlocal.tui.session import RowMailbox

    box = RowMailbox(min_interval_s=3600)
    assert box.put([RESULTS[0]], 1, 4)  # first rows: tell the UI at once
    assert not box.put([RESULTS[1]], 2, 4)  # a notice is in flight
    assert box.take() == ([RESULTS[0], RESULTS[1]], 2, 4)
    assert not box.put([RESULTS[2]], 3, 4)  # too soon after the last notice
    assert box.put([RESULTS[3]], 4, 4)  # but the last chunk always gets through
    assert box.take() == ([RESULTS[2], RESULTS[3]], 4, 4)
    assert box.take() == ([], 4, 4)


def test_background_threads_run_at_lower_priority() -> None:
    import os
    import sys
    import threading

    import pytest

    from finlocal.tui.priority import BACKGROUND_NICENESS, lower_thread_priority

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread priorities are a Linux feature")
    seen: list[tuple[int, int]] = []
    ui_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICENESS)
    if ui_before >= 19:
        pytest.skip("the process already runs at the lowest priority (nice 19): nothing to lower")

    def worker() -> None:
        before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        lower_thread_priority()
        seen.append((before, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    [(before, after)] = seen
    assert before == ui_before < target  # a new thread starts at its creator's priority
    assert after == target  # BACKGROUND_NICENESS below the process (19 at most)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ui_before  # UI untouched


def test_lowering_priority_again_on_a_reused_thread_changes_nothing() -> None:
    """Thread workers run on the event loop's reused executor threads: runs must not add up."""
    import os
    import sys
    import threading

    import pytest

    from finlocal.tui.priority import BACKGROUND_NICENESS, lower_thread_priority

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread priorities are a Linux feature")
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen: list[int] = []

    def worker() -> None:
        for _ in range(3):
            lower_thread_priority()
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [min(19, process + BACKGROUND_NICENESS)] * 3


def test_status_line_says_what_the_results_are_and_what_to_do() -> None:
    from finlocal.tui.view import IDLE_HINT, Phase, status_line

    assert status_line(Phase.EMPTY) == IDLE_HINT
    assert status_line(Phase.SCORING) == "Scoring… (esc cancels)"  # not "0/0"
    assert status_line(Phase.SCORING, done=64, total=5001) == ("Scoring… 64/5,001 sentences (esc cancels)")
    assert status_line(Phase.DONE, done=37, total=37, total_ms=812.4).startswith("37 sentences scored in 812 ms")
    assert status_line(Phase.CANCELLED, done=2240, total=5001).startswith(
        "Cancelled after 2,240 of 5,001 sentences · ctrl+s exports them (partial)"
    )
    stale = status_line(Phase.DONE, done=37, total=37, stale=True)
    assert stale.startswith("Text changed — ctrl+r to rescore") and "37 sentences scored" not in stale
    assert status_line(Phase.DONE, opening="q3.pdf").startswith("Opening q3.pdf…")


@pytest.mark.parametrize(
    ("ms", "shown"), [(0.4, "0 ms"), (812.4, "812 ms"), (999.7, "1.0 s"), (13766, "13.8 s"), (152_400, "152 s")]
)
def test_durations_read_in_seconds_from_one_second(ms: float, shown: str) -> None:
    from finlocal.tui.view import Phase, duration, status_line

    assert duration(ms) == shown
    assert f"in {shown} ·" in status_line(Phase.DONE, done=5000, total=5000, total_ms=ms)


def test_counts_have_thousands_separators() -> None:
    from finlocal.tui.view import Phase, status_line
    from finlocal.tui.widgets.summary_panel import counts_line

    counts = {"negative": 1200, "neutral": 3000, "positive": 800}
    assert "cancelled after 832 of 5,000 (partial)" in counts_line(counts, 0.1, 832, 5000, cancelled=True).plain
    assert "NEU 3,000" in counts_line(counts, 0.1, 5000, 5000).plain
    assert "5,000 sentences" in counts_line(counts, 0.1, 5000, 5000).plain
    assert status_line(Phase.CANCELLED, done=832, total=5000).startswith("Cancelled after 832 of 5,000 sentences")


def test_confidence_is_rounded_down() -> None:
    from finlocal.tui.view import confidence_text

    assert [confidence_text(c) for c in (0.596, 0.6, 0.29, 0.999, 1.0, 0.0)] == [
        "0.59",
        "0.60",
        "0.29",
        "0.99",
        "1.00",
        "0.00",
    ]


@pytest.mark.parametrize(
    ("source", "stem"),
    [
        ("<stdin>", "stdin"),
        ("pasted text", "report"),
        ("", "report"),
        ("/data/q3-release.pdf", "q3-release"),
        ("reports/a<b>.md", "ab"),
        ("evil\x1b]2;x\x07.txt", "evil]2;x"),
    ],
)
def test_file_names_come_from_the_source(source: str, stem: str) -> None:
    from finlocal.tui.view import file_stem

    assert file_stem(source) == stem

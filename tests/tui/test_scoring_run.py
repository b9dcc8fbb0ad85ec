"""The scoring run's bookkeeping, without Textual: which run is current, phases, rows, the
partial report of a cancelled run, and what an export offers."""

from __future__ import annotations

from pathlib import Path

from finlocal.output import Format
from finlocal.reading import Document
from finlocal.scoring import DocumentReport, score_text
from finlocal.structure import SplitMode
from finlocal.tui.scoring_run import ScoringRun
from finlocal.tui.view import PASTED, LabelFilter, Phase
from tests.fakes import KeywordClassifier

TEXT = "Sales rose. Costs fell. Nothing. Profit fell."


def _report(text: str = TEXT, source: str = "q3.txt") -> DocumentReport:
    return score_text(text, KeywordClassifier(), source=source)


def _scoring(run: ScoringRun, report: DocumentReport, rows: int) -> int:
    """Start a text run and put ``rows`` of ``report`` in its mailbox; the run's number."""
    launch = run.start(text=TEXT, source=report.source)
    launch.mailbox.put(list(report.sentences[:rows]), rows, len(report.sentences))
    return launch.run


def test_a_text_run_begins_at_once_and_finishes_with_its_report() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    assert run.phase is Phase.EMPTY and run.document_line() == ""
    report = _report()
    number = _scoring(run, report, 2)
    assert run.phase is Phase.SCORING and run.source == "q3.txt" and run.scored_split is SplitMode.SENTENCES
    assert run.take(number) == list(report.sentences[:2])
    assert run.progress == (2, 4)
    assert run.document_line() == "Document: scoring… 2/4 sentences"
    assert run.finish(number, report)
    assert run.phase is Phase.DONE and run.report is report and run.rows == list(report.sentences)
    assert run.progress == (4, 4)
    assert run.document_line().startswith("Document: 4 sentences in ")


def test_messages_of_a_stopped_run_are_dropped() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    report = _report()
    old = _scoring(run, report, 1)
    stopped = run.stop(report.labels)
    assert stopped is not None and stopped.scoring
    assert run.take(old) is None
    assert not run.finish(old, report)
    assert run.fail(old) is False
    assert run.phase is Phase.CANCELLED and run.report is None


def test_stopping_takes_the_waiting_rows_and_keeps_them_as_a_partial_report() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    report = _report()
    _scoring(run, report, 2)
    stopped = run.stop(report.labels)
    assert stopped is not None
    assert stopped.rows == list(report.sentences[:2])  # never taken by the UI: taken now
    assert stopped.partial is run.partial is run.shown_report
    assert run.partial is not None and [r.index for r in run.partial.sentences] == [0, 1]
    assert run.document_line() == "Document: cancelled after 2 of 4 sentences (partial)"
    assert run.stop(report.labels) is None  # nothing left to stop


def test_a_run_stopped_before_any_row_has_no_partial_report() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    run.start(text=TEXT, source="q3.txt")
    stopped = run.stop(("negative", "neutral", "positive"))
    assert stopped is not None and stopped.partial is None and run.shown_report is None


def test_a_file_run_begins_when_the_file_is_read() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    report = _report()
    number = _scoring(run, report, 4)
    run.finish(number, report)
    launch = run.start(path=Path("next.md"), source="next.md")
    assert run.opening == Path("next.md") and run.report is report  # still on screen
    document = Document(text="Costs fell.", source="next.md")
    assert run.read(launch.run, document)
    assert run.opening is None and run.document is document
    assert run.begin(document.source, document.text, ()) is True  # another file: a new report
    assert run.phase is Phase.SCORING and run.report is None and run.rows == []


def test_a_file_that_cannot_be_read_keeps_the_results() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    launch = run.start(path=Path("missing.pdf"), source="missing.pdf")
    assert run.fail(launch.run) == Path("missing.pdf")
    assert run.phase is Phase.EMPTY and run.opening is None
    launch = run.start(text=TEXT, source=PASTED)
    assert run.fail(launch.run) is True and run.phase is Phase.FAILED


def test_a_rescore_of_the_documents_text_keeps_its_pages_and_regions() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    run.document = Document(text=TEXT, source="q3.pdf", page_starts=(0, 12))
    run.start(text=TEXT, source="q3.pdf")
    assert run.page_starts == (0, 12)
    run.stop(())
    run.start(text=TEXT + " Edited.", source="q3.pdf")
    assert run.page_starts == ()


def test_stale_when_the_input_differs_from_the_scored_text() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    assert not run.stale("anything")
    run.start(text=TEXT, source=PASTED)
    assert not run.stale(TEXT) and run.stale(TEXT + "!")
    run.stop(())
    run.clear()
    assert run.phase is Phase.EMPTY and not run.stale(TEXT + "!") and run.document is None


def test_a_pasted_report_starts_with_a_fresh_view_once() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    run.fresh_view = True
    assert run.start(text=TEXT, source=PASTED).fresh
    run.stop(())
    assert not run.start(text=TEXT, source=PASTED).fresh


def test_the_export_plan_of_a_finished_and_of_a_partial_report() -> None:
    run = ScoringRun(SplitMode.SENTENCES, 0.0)
    assert run.export_plan(LabelFilter.ALL, 0.6, stale=False, directory=Path("/tmp")) is None
    report = _report(source=PASTED)
    number = _scoring(run, report, 4)
    run.finish(number, report)
    plan = run.export_plan(LabelFilter.NEGATIVE, 0.6, stale=True, directory=Path("/out"))
    assert plan is not None
    assert plan.offer.stem == "report.finlocal" and plan.offer.directory == Path("/out")
    assert (plan.offer.scored, plan.offer.shown, plan.offer.partial_of) == (4, 2, None)
    assert plan.offer.stale and plan.offer.format is Format.JSONL and not plan.offer.last_format
    assert plan.spec(False).rows == report.sentences
    assert [r.label for r in plan.spec(True).rows] == ["negative", "negative"]

    run.export_format = Format.CSV
    launch = run.start(text=TEXT, source="q3.txt")
    launch.mailbox.put(list(report.sentences[:3]), 3, 4)
    run.stop(report.labels)
    plan = run.export_plan(LabelFilter.ALL, 0.6, stale=False, directory=Path("/out"))
    assert plan is not None
    assert plan.offer.stem == "q3.finlocal.partial" and plan.offer.partial_of == 4
    assert plan.offer.format is Format.CSV and plan.offer.last_format
    assert plan.spec(False).partial and plan.spec(False).describe() == "3 sentences, partial: 3 of 4 scored"

"""The results on screen and the scoring run that produces them, without Textual.

`MainScreen` owns one `ScoringRun`: the screen starts and cancels the workers and draws the
widgets; this object decides what a run's messages mean. Every run gets a number, and a message
of any run but the current one is dropped, so a stopped run stops changing the screen at once.

The phases (`Phase`): EMPTY → SCORING (a text run begins at once; a file run begins once the
file is read, and until then the results on screen stay as they were) → DONE with a report,
FAILED, or CANCELLED with the rows scored so far as a partial report. A file that cannot be read
leaves the phase where it was.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from finlocal.output import Format
from finlocal.reading import Document
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.structure import Region, SplitMode
from finlocal.tui.report_files import ExportOffer, ExportSpec
from finlocal.tui.session import RowMailbox, partial_report
from finlocal.tui.view import (
    SPLIT_UNITS,
    KindFilter,
    LabelFilter,
    Phase,
    SortOrder,
    count,
    duration,
    file_stem,
    visible,
)


@dataclass(frozen=True)
class Launch:
    """What the scoring worker of a new run is given."""

    run: int
    mailbox: RowMailbox
    split: SplitMode
    regions: tuple[Region, ...] = ()
    fresh: bool = False
    """A text run began a new report (pasted): the table's filter and order start over."""


@dataclass(frozen=True)
class Stopped:
    """What stopping a run left: the rows taken from the mailbox at once and, when rows had
    been scored, the partial report of them (``scoring``: the run had begun its results; False
    for a file that was still being read)."""

    scoring: bool
    rows: list[SentenceResult] = field(default_factory=list)
    partial: DocumentReport | None = None


@dataclass(frozen=True)
class ExportPlan:
    """What the export dialog offers, and what each of its answers writes."""

    offer: ExportOffer
    everything: ExportSpec
    shown: ExportSpec

    def spec(self, only_shown: bool) -> ExportSpec:
        return self.shown if only_shown else self.everything


class ScoringRun:
    """The state of the results on screen: the phase, the rows, the report, and the run that
    is filling them (its number, its mailbox, the file it is opening)."""

    def __init__(self, split: SplitMode, progress_interval_s: float) -> None:
        self.progress_interval_s = progress_interval_s
        self.run = 0
        self.phase = Phase.EMPTY
        self.rows: list[SentenceResult] = []
        """The rows on screen, in the order they arrived."""
        self.report: DocumentReport | None = None
        """The finished report of the results on screen."""
        self.partial: DocumentReport | None = None
        """The rows a cancelled run had scored, as a report (``report`` is None then)."""
        self.source = ""
        self.scored_text: str | None = None
        self.page_starts: tuple[int, ...] = ()
        self.document: Document | None = None
        """The last document read (its regions and PDF pages apply while its text is unedited)."""
        self.split = split
        """What the next run makes a row of (the open dialog and ctrl+l change it)."""
        self.run_split = split
        self.scored_split: SplitMode | None = None
        """What the rows on screen are (None: no results)."""
        self.fresh_view = False
        """A new report was pasted or opened in place of the input: its run starts unfiltered."""
        self.opening: Path | None = None
        """The file the current run is reading (its results have not begun)."""
        self.progress: tuple[int, int] = (0, 0)
        self.mailbox: RowMailbox | None = None
        self.export_format: Format | None = None
        """The format of the last export, which the export dialog offers first."""
        self._t0 = 0.0

    # -- a run's life ------------------------------------------------------------------------

    def is_current(self, run: int) -> bool:
        return run == self.run

    def start(self, *, text: str | None = None, path: Path | None = None, source: str = "") -> Launch:
        """A new run of ``text`` (its results begin now) or of the file ``path`` (they begin
        when it is read, `read`). Stop the run in progress first (`stop`)."""
        self.run += 1
        self.run_split = self.split
        self.mailbox = RowMailbox(self.progress_interval_s)
        regions: tuple[Region, ...] = ()
        fresh = False
        if path is None:
            assert text is not None
            page_starts: tuple[int, ...] = ()
            document = self.document
            if document is not None and document.text == text:
                regions, page_starts = document.regions, document.page_starts
            fresh = self.begin(source, text, page_starts)
        else:
            self.opening = path
        return Launch(self.run, self.mailbox, self.split, regions, fresh)

    def begin(self, source: str, text: str, page_starts: tuple[int, ...]) -> bool:
        """Clear the results for a run of ``text`` that is starting now; True when the table's
        filter and order should start over too (a new report)."""
        self.phase = Phase.SCORING
        self.report = self.partial = None
        self.rows = []
        self.source = source
        self.scored_text = text
        self.page_starts = page_starts
        self.progress = (0, 0)
        self._t0 = time.perf_counter()
        self.scored_split = self.run_split
        fresh, self.fresh_view = self.fresh_view, False
        return fresh

    def read(self, run: int, document: Document) -> bool:
        """The file of run ``run`` was read: its results begin. False for a stale message."""
        if not self.is_current(run):
            return False
        self.opening = None
        self.document = document
        self.fresh_view = True  # another file: a new report
        return True

    def take(self, run: int) -> list[SentenceResult] | None:
        """The rows waiting in the mailbox (None: a stale message, or the run is over)."""
        if not self.is_current(run) or self.phase is not Phase.SCORING or self.mailbox is None:
            return None
        rows, _, total = self.mailbox.take()
        self._add(rows, total)
        return rows

    def _add(self, rows: list[SentenceResult], total: int) -> None:
        self.rows.extend(rows)
        self.progress = (len(self.rows), total)

    def finish(self, run: int, report: DocumentReport) -> bool:
        """Run ``run`` finished with ``report``. False for a stale message."""
        if not self.is_current(run):
            return False
        self.report = report
        self.phase = Phase.DONE
        n = len(report.sentences)
        self.progress = (n, n)
        self.rows = list(report.sentences)
        return True

    def fail(self, run: int) -> Path | None | bool:
        """Run ``run`` failed: the file it was opening (the results on screen stay), True when
        the scoring failed (phase FAILED), False for a stale message."""
        if not self.is_current(run):
            return False
        opening, self.opening = self.opening, None
        if opening is not None:
            return opening
        self.phase = Phase.FAILED
        return True

    def stop(self, labels: Sequence[str]) -> Stopped | None:
        """Stop the run in progress (None: there is none); later messages of it are dropped.

        The rows scored but not yet taken are taken at once, and the rows on screen become a
        partial report, so the status and the table stop changing now."""
        opening, self.opening = self.opening, None
        if self.phase is not Phase.SCORING and opening is None:
            return None
        self.run += 1
        if self.phase is not Phase.SCORING:
            return Stopped(scoring=False)
        rows: list[SentenceResult] = []
        if self.mailbox is not None:
            rows, _, total = self.mailbox.take()
            self._add(rows, total or self.progress[1])
        self.phase = Phase.CANCELLED
        if self.rows:
            elapsed_ms = (time.perf_counter() - self._t0) * 1000
            self.partial = partial_report(self.source, labels, self.rows, elapsed_ms)
        return Stopped(scoring=True, rows=rows, partial=self.partial)

    def clear(self) -> None:
        """No results (after `stop`): the next run starts from nothing."""
        self.run += 1
        self.phase = Phase.EMPTY
        self.report = self.partial = None
        self.rows = []
        self.scored_split = None
        self.fresh_view = False
        self.scored_text = self.document = None
        self.page_starts = ()
        self.progress = (0, 0)

    # -- what the screen says ------------------------------------------------------------------

    @property
    def shown_report(self) -> DocumentReport | None:
        """The finished report, else the partial one of a cancelled run."""
        return self.report or self.partial

    def stale(self, input_text: str) -> bool:
        """The input text was edited after the results on screen were scored."""
        return (
            self.phase in (Phase.SCORING, Phase.DONE, Phase.CANCELLED)
            and self.scored_text is not None
            and input_text != self.scored_text
        )

    @property
    def unit(self) -> str:
        """What a row is called ("sentence", "line", …)."""
        return SPLIT_UNITS[self.scored_split or self.split]

    def document_line(self) -> str:
        """What the detail panel says about the whole run."""
        done, total = len(self.rows), self.progress[1]
        unit = self.unit
        if self.report is not None:
            report = self.report
            return (
                f"Document: {count(len(report.sentences), unit)} in {duration(report.total_ms)}"
                f" · {report.sentences_per_s:,.0f} {unit}s/s"
            )
        if self.phase is Phase.CANCELLED:
            return f"Document: cancelled after {done:,} of {count(total, unit)} (partial)"
        if self.phase is Phase.SCORING:
            return f"Document: scoring… {done:,}/{count(total, unit)}"
        return ""

    def export_plan(
        self,
        label_filter: LabelFilter,
        threshold: float,
        *,
        stale: bool,
        directory: Path,
        kind_filter: KindFilter = KindFilter.ALL,
    ) -> ExportPlan | None:
        """What to offer for export (None: nothing scored yet): every row, or the rows the
        table's filter shows; a cancelled run's rows are marked partial."""
        report = self.shown_report
        if report is None:
            return None
        shown = visible(report.sentences, label_filter, SortOrder.DOCUMENT, threshold, kind_filter)
        partial_of = self.progress[1] if self.report is None else None
        stem = file_stem(report.source)
        titles = [f.title for f in (label_filter, kind_filter) if f.value != "all"]
        suffix = ".finlocal.partial" if partial_of is not None else ".finlocal"
        offer = ExportOffer(
            stem=stem + suffix,
            directory=directory,
            scored=len(report.sentences),
            shown=len(shown),
            filter_title=" · ".join(titles) or None,
            partial_of=partial_of,
            stale=stale,
            format=self.export_format or Format.JSONL,
            last_format=self.export_format is not None,
        )
        everything = ExportSpec(report, report.sentences, total_sentences=partial_of, page_starts=self.page_starts)
        only = ExportSpec(report, tuple(shown), offer.filter_title, partial_of, self.page_starts)
        return ExportPlan(offer, everything, only)

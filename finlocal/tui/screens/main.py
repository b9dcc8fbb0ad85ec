"""The main screen: input on top, the results table and the detail panel, the summary below.

It owns one document session: it starts the scoring, occlusion and explanation workers (thread
workers, each group exclusive so a new request cancels the old one), and routes what they post
to the widgets. Widgets never talk to each other directly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState, get_current_worker

from finlocal.errors import FinlocalError, InputError
from finlocal.explain import occlusion
from finlocal.reading import Document, InputFormat, read_path
from finlocal.scoring import Cancelled, DocumentReport, SentenceResult, score_text
from finlocal.splitting import Region, SplitMode
from finlocal.tui.actions import bindings
from finlocal.tui.config import LoadedModel, ModelLoader, TuiConfig
from finlocal.tui.explainer import Explainer, ExplainRequest
from finlocal.tui.messages import (
    DocumentRead,
    ExplanationEnded,
    ExplanationPiece,
    ModelFailed,
    ModelReady,
    OcclusionReady,
    ScoringFailed,
    ScoringFinished,
    ScoringProgress,
)
from finlocal.tui.report_files import ExportFormat, write_report
from finlocal.tui.screens.export import ExportScreen
from finlocal.tui.screens.help import HelpScreen
from finlocal.tui.screens.open_file import OpenFileScreen, OpenRequest
from finlocal.tui.session import RowMailbox
from finlocal.tui.view import (
    LabelFilter,
    label_tag,
    most_negative,
    most_positive,
    needs_review,
    next_member,
)
from finlocal.tui.widgets.detail_panel import DetailPanel
from finlocal.tui.widgets.input_panel import InputPanel
from finlocal.tui.widgets.results_table import ResultsTable
from finlocal.tui.widgets.summary_panel import SummaryPanel

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.2
"""Scoring progress is coalesced: one batch of rows in flight, at most one per this interval."""
OCCLUSION_DELAY_S = 0.15
"""Occlusion waits this long after the cursor stops, so scrolling does not queue model calls."""
WIDE_LAYOUT_COLUMNS = 140
"""From this width on, the detail panel sits beside the table instead of under it."""

SHORT_LAYOUT_LINES = 30
"""Below this height the input and detail panels shrink so the table keeps ~8 rows at 80×24."""

ExplainerFactory = Callable[[], Explainer]

BACKGROUND_NICENESS = 5
"""How much lower than the UI thread the model's threads run (Linux), so keys stay prompt."""


def lower_thread_priority() -> None:
    """Run the calling thread `BACKGROUND_NICENESS` below the process (the UI thread), on Linux.

    On Linux every thread has its own nice value and new threads inherit their creator's, so a
    worker that does this before it loads the model also lowers onnxruntime's thread pool. Thread
    workers run on the event loop's reused executor threads, and an unprivileged process cannot
    raise a priority back, so this sets an absolute target (the process's nice value plus
    `BACKGROUND_NICENESS`) instead of adding to the current one: calling it again on the same
    thread changes nothing. Other systems keep the default priority.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICENESS)
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError as exc:
        log.debug("could not lower the worker's priority: %s", exc)


class MainScreen(Screen[None]):
    BINDINGS = bindings()

    def __init__(
        self,
        config: TuiConfig,
        load_model: ModelLoader,
        explainer_factory: ExplainerFactory,
        initial: Document | Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self._load_model = load_model
        self._explainer_factory = explainer_factory
        self._initial = initial
        self._model: LoadedModel | None = None
        self._model_lock = threading.Lock()
        self._explainer: Explainer | None = None
        self._run = 0
        self.report: DocumentReport | None = None
        self._progress: tuple[int, int] | None = None
        self._split = config.split
        self._document: Document | None = None  # the last document read (its regions)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="¶")
        yield InputPanel(id="input")
        with Container(id="body"):
            yield ResultsTable(id="results")
            yield DetailPanel(id="detail")
        yield SummaryPanel(id="summary")
        yield Footer()

    @property
    def input_panel(self) -> InputPanel:
        return self.query_one(InputPanel)

    @property
    def table(self) -> ResultsTable:
        return self.query_one(ResultsTable)

    @property
    def detail(self) -> DetailPanel:
        return self.query_one(DetailPanel)

    @property
    def summary(self) -> SummaryPanel:
        return self.query_one(SummaryPanel)

    def on_mount(self) -> None:
        self.table.threshold = self.detail.threshold = self.config.review_threshold
        self._update_table_title()
        self._load_model_in_background()
        initial, self._initial = self._initial, None
        if isinstance(initial, Path):
            self._start(path=initial, source=str(initial), input_format=self.config.input_format)
        elif isinstance(initial, Document):
            self._show_document(initial)
            self._start(text=initial.text, source=initial.source, regions=initial.regions)
        else:
            self.input_panel.text_area.focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE_LAYOUT_COLUMNS, "-wide")
        self.set_class(self.size.height < SHORT_LAYOUT_LINES, "-short")

    def _update_table_title(self) -> None:
        self.table.border_title = (
            f"{self.table.label_filter.title} · {self.table.sort_order.title}"
        )

    # -- the model ------------------------------------------------------------------------

    def _ensure_model(self) -> LoadedModel:
        """Load the model once (from whichever worker asks first); raises `ModelError`."""
        with self._model_lock:
            if self._model is None:
                self._model = self._load_model()
                self.post_message(ModelReady(self._model))
            return self._model

    @work(thread=True, group="model", exit_on_error=False)
    def _load_model_in_background(self) -> None:
        lower_thread_priority()  # onnxruntime's pool threads, created here, inherit it
        try:
            self._ensure_model()
        except FinlocalError as exc:
            self.post_message(ModelFailed(str(exc)))

    def on_model_ready(self, message: ModelReady) -> None:
        self.summary.show_model(message.model.info)

    def on_model_failed(self, message: ModelFailed) -> None:
        self.summary.show_model(None, message.error)
        self.notify(message.error, title="No model", severity="error", timeout=15, markup=False)

    # -- scoring --------------------------------------------------------------------------

    def _start(self, *, text: str | None = None, path: Path | None = None, source: str,
               regions: tuple[Region, ...] = (), input_format: InputFormat | None = None) -> None:
        """Start a run; the previous one (if any) is cancelled and its late messages ignored.

        ``regions`` are those of the document ``text`` was read from (Markdown); a ``path`` is
        read in the worker, in ``input_format`` or as its suffix says.
        """
        self._run += 1
        self.report = None
        self._progress = (0, 0)
        self.workers.cancel_group(self, "occlusion")
        self.workers.cancel_group(self, "explain")
        self.table.reset()
        self.summary.clear()
        self.detail.show(None)
        self.sub_title = source
        self.input_panel.set_hint(f"Scoring {source}… (esc cancels)")
        self._score(self._run, text, path, source, self._split, regions, input_format)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _score(self, run: int, text: str | None, path: Path | None, source: str, split: SplitMode,
               regions: tuple[Region, ...], input_format: InputFormat | None) -> None:
        worker = get_current_worker()
        lower_thread_priority()
        try:
            if path is not None:
                document = read_path(path, input_format)
                self.post_message(DocumentRead(run, document))
                text, source, regions = document.text, document.source, document.regions
            if text is None or not text.strip():
                raise InputError(
                    f"{source} has no text to score. Paste a report into the input area "
                    "or open a file (ctrl+o)."
                )
            model = self._ensure_model()
            mailbox = RowMailbox(PROGRESS_INTERVAL_S)

            def on_chunk(results: list[SentenceResult], done: int, total: int) -> None:
                if mailbox.put(results, done, total):
                    self.post_message(ScoringProgress(run, mailbox))
                time.sleep(0)  # let the UI thread take the GIL between chunks

            report = score_text(
                text,
                model.classifier,
                source=source,
                split=split,
                regions=regions,
                on_chunk=on_chunk,
                cancelled=lambda: worker.is_cancelled,
                chunk_size=self.config.chunk_size,
                batch_size=self.config.batch_size,
            )
        except Cancelled:
            log.debug("run %d cancelled", run)
            return
        except FinlocalError as exc:
            self.post_message(ScoringFailed(run, str(exc)))
            return
        self.post_message(ScoringFinished(run, report))

    def _show_document(self, document: Document) -> None:
        self._document = document
        self.input_panel.load(document.text, document.source)
        for warning in document.warnings:
            self.notify(warning, title=document.source, severity="warning", markup=False)

    def on_document_read(self, message: DocumentRead) -> None:
        if message.run == self._run:
            self._show_document(message.document)
            self.sub_title = message.document.source

    def on_scoring_progress(self, message: ScoringProgress) -> None:
        if message.run != self._run:
            return
        rows, done, total = message.mailbox.take()
        self._progress = (done, total)
        self.table.extend(rows)
        results = self.table.results
        labels = self._model.classifier.labels if self._model else ()
        self.summary.show_progress(
            labels,
            [r.prediction.label for r in results],
            [r.prediction.tone for r in results],
            done,
            total,
        )
        self.input_panel.set_hint(f"Scoring… {done}/{total} sentences (esc cancels)")
        if done == len(rows) and not self.input_panel.has_focus_within:
            self.table.focus()  # the first rows are in: move to them (once per run)

    def on_scoring_finished(self, message: ScoringFinished) -> None:
        if message.run != self._run:
            return
        report = message.report
        self.report = report
        self._progress = None
        shown = [(r.index, r.text) for r in self.table.results]
        if shown == [(r.index, r.text) for r in report.sentences]:
            self.table.results = list(report.sentences)
        else:
            self.table.replace_all(report.sentences)
        self.summary.show_report(report, [r.prediction.tone for r in report.sentences])
        self.detail.show(self.table.selected, report)
        self.input_panel.set_hint(
            f"{len(report.sentences)} sentences scored in {report.total_ms:.0f} ms · "
            "ctrl+r rescore · ctrl+o open · ctrl+s export · F1 help"
        )
        self.add_class("-has-results")
        self.table.focus()

    def on_scoring_failed(self, message: ScoringFailed) -> None:
        if message.run != self._run:
            return
        self._progress = None
        self.input_panel.set_hint("Nothing scored. ctrl+r score · ctrl+o open a file · F1 help")
        self.notify(message.error, title="Could not score", severity="error", timeout=10,
                    markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            log.error("worker %s failed", event.worker.name, exc_info=event.worker.error)
            self.notify(f"{event.worker.name}: {event.worker.error!r}", title="Unexpected error",
                        severity="error", timeout=15, markup=False)

    # -- selection, occlusion, explanation -------------------------------------------------

    def on_results_table_highlighted(self, message: ResultsTable.Highlighted) -> None:
        self.workers.cancel_group(self, "explain")
        self.detail.show(message.result, self.report, self._progress)
        if message.result is not None:
            self._occlude(message.result)

    @work(thread=True, exclusive=True, group="occlusion", exit_on_error=False)
    def _occlude(self, result: SentenceResult) -> None:
        worker = get_current_worker()
        time.sleep(OCCLUSION_DELAY_S)
        if worker.is_cancelled or self._model is None:
            return
        effects = occlusion(self._model.classifier, result.text, prediction=result.prediction)
        if not worker.is_cancelled:
            self.post_message(OcclusionReady(result.index, effects))

    def on_occlusion_ready(self, message: OcclusionReady) -> None:
        self.detail.set_occlusion(message.index, message.effects)

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def _explain(self, explainer: Explainer, result: SentenceResult) -> None:
        worker = get_current_worker()
        lower_thread_priority()  # and llama.cpp's threads, started from this one
        p = result.prediction
        request = ExplainRequest(result.text, p.label, dict(p.scores),
                                 tuple(span.text for span in p.evidence))
        try:
            with contextlib.closing(iter(explainer.stream(request))) as pieces:
                for piece in pieces:
                    if worker.is_cancelled:
                        self.post_message(ExplanationEnded(result.index, cancelled=True))
                        return
                    self.post_message(ExplanationPiece(result.index, piece))
        except FinlocalError as exc:
            self.post_message(ExplanationEnded(result.index, error=str(exc)))
            return
        self.post_message(ExplanationEnded(result.index))

    def on_explanation_piece(self, message: ExplanationPiece) -> None:
        self.detail.add_explanation(message.index, message.text)

    def on_explanation_ended(self, message: ExplanationEnded) -> None:
        if message.error:
            self.detail.end_explanation(message.index, "(failed)")
            self.notify(message.error, title="Explain", severity="error", markup=False)
        else:
            self.detail.end_explanation(message.index, "(cancelled)" if message.cancelled else None)

    # -- actions (keys, footer, palette and help all come from finlocal.tui.actions) ---------

    def action_score(self) -> None:
        text = self.input_panel.text
        if not text.strip():
            self.notify("Nothing to score: paste a report into the input area or open a file "
                        "(ctrl+o).", severity="warning", markup=False)
            return
        document = self._document
        # the text as read (a Markdown file's blocks stay blocks); edited text is plain text
        regions = document.regions if document is not None and document.text == text else ()
        self._start(text=text, source=self.input_panel.source, regions=regions)

    def action_open(self) -> None:
        def opened(request: OpenRequest | None) -> None:
            if request is not None:
                self._split = request.split
                self._start(path=request.path, source=str(request.path))

        self.app.push_screen(OpenFileScreen(Path.cwd(), self._split), opened)

    def action_export(self) -> None:
        report = self.report
        if report is None:
            self.notify("Nothing to export yet: score a report first (ctrl+r).",
                        severity="warning", markup=False)
            return
        stem = Path(report.source).stem if report.source != "pasted text" else "report"
        self.app.push_screen(ExportScreen(f"{stem}.finlocal", Path.cwd()),
                             lambda choice: self._export(report, choice))

    def _export(self, report: DocumentReport, choice: tuple[ExportFormat, Path] | None) -> None:
        if choice is None:
            return
        fmt, path = choice
        try:
            write_report(report, fmt, path, model=self._model.info if self._model else None,
                         threshold=self.config.review_threshold)
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc.strerror or exc}", title="Export",
                        severity="error", markup=False)
            return
        self.notify(f"Wrote {len(report.sentences)} sentences to {path}", title="Export",
                    markup=False)

    def _selected_or_warn(self) -> SentenceResult | None:
        result = self.table.selected
        if result is None:
            self.notify("No sentence selected: score a report and pick a row first.",
                        severity="warning", markup=False)
        return result

    def action_copy(self) -> None:
        result = self._selected_or_warn()
        if result is not None:
            self.app.copy_to_clipboard(json.dumps(result.to_row(), ensure_ascii=False))
            self.notify(f"Copied sentence {result.index + 1} "
                        f"({label_tag(result.prediction.label)}) as a JSON row", markup=False)

    def action_filter(self) -> None:
        self.table.label_filter = next_member(self.table.label_filter)
        self.table.rebuild()
        self._update_table_title()

    def action_sort(self) -> None:
        self.table.sort_order = next_member(self.table.sort_order)
        self.table.rebuild()
        self._update_table_title()

    def _jump(self, result: SentenceResult | None, what: str) -> None:
        if result is None:
            self.notify(f"No {what} sentence: nothing is scored yet.", severity="warning",
                        markup=False)
            return
        if not self.table.select_index(result.index):
            self.table.label_filter = LabelFilter.ALL
            self.table.rebuild()
            self._update_table_title()
            self.table.select_index(result.index)
        self.table.focus()

    def action_most_negative(self) -> None:
        self._jump(most_negative(self.table.results), "negative")

    def action_most_positive(self) -> None:
        self._jump(most_positive(self.table.results), "positive")

    def action_next_review(self) -> None:
        flagged = [r for r in self.table.results
                   if needs_review(r, self.config.review_threshold)]
        if not flagged:
            self.notify(f"No sentence below the review threshold "
                        f"({self.config.review_threshold:.2f}).", markup=False)
            return
        current = self.table.selected.index if self.table.selected else -1
        after = [r for r in flagged if r.index > current]
        self._jump((after or flagged)[0], "flagged")

    def action_explain(self) -> None:
        result = self._selected_or_warn()
        if result is None:
            return
        if self._explainer is None:
            try:
                self._explainer = self._explainer_factory()
            except FinlocalError as exc:
                self.notify(str(exc), title="Explain with a local LLM", severity="warning",
                            timeout=15, markup=False)
                return
        self.detail.start_explanation("Explanation (local LLM)")
        self._explain(self._explainer, result)

    def action_cancel(self) -> None:
        running = [w for w in self.workers
                   if w.group in ("score", "explain") and w.state is WorkerState.RUNNING]
        for worker in running:
            worker.cancel()
        if running:
            self.notify("Cancelled.", markup=False)
            if self.report is None:
                self.input_panel.set_hint("Cancelled. ctrl+r score · ctrl+o open · F1 help")

    def action_focus_input(self) -> None:
        self.input_panel.text_area.focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

"""The main screen: input on top, the results table and the detail panel, the summary below.

It owns one document session: it starts the model, scoring, occlusion and explanation workers
(`finlocal.tui.workers`: thread workers, each group exclusive so a new request cancels the old
one), and routes what they post to the widgets. Widgets never talk to each other directly.
Writing an export is `finlocal.tui.exporting`'s. What a scoring run's messages mean
(which run is current, its phase, rows and partial report, what an export offers) is decided by
`finlocal.tui.scoring_run.ScoringRun`, which has no Textual in it; this screen draws it.

The results on screen always belong to one text, the one that was scored: a submit or an open
moves the focus to the results (keys typed during a run never edit the report), editing the
input afterwards marks the results stale instead of mixing the two, a cancelled run keeps its
rows as a partial report, and a file that cannot be read leaves the results as they were.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TextArea
from textual.worker import Worker, WorkerState

from finlocal.errors import FinlocalError
from finlocal.llm_explainer import Explainer
from finlocal.reading import Document, InputFormat
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.tui.actions import bindings
from finlocal.tui.config import LoadedModel, ModelLoader, TuiConfig
from finlocal.tui.exporting import export_chosen, nothing_to_export
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
from finlocal.tui.report_files import ExportChoice, ExportSpec
from finlocal.tui.scoring_run import ScoringRun
from finlocal.tui.screens.copy import CopyScreen
from finlocal.tui.screens.export import ExportScreen
from finlocal.tui.screens.help import HelpScreen
from finlocal.tui.screens.moved import MovedScreen
from finlocal.tui.screens.open_file import OpenFileScreen, OpenRequest
from finlocal.tui.view import (
    PASTED,
    SPLIT_TITLES,
    Phase,
    all_moved,
    display_text,
    file_stem,
    label_tag,
    next_member,
    page_label,
    sentence,
    status_line,
)
from finlocal.tui.widgets.detail_panel import DetailPanel
from finlocal.tui.widgets.input_panel import InputPanel
from finlocal.tui.widgets.results_table import ResultsTable
from finlocal.tui.widgets.search_bar import SearchBar
from finlocal.tui.widgets.summary_panel import SummaryPanel, ToneSparkline
from finlocal.tui.workers.explanation import explain
from finlocal.tui.workers.model import ModelHolder, load_model
from finlocal.tui.workers.occlusion import occlude
from finlocal.tui.workers.scoring import ScoreJob, score_document

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.2
"""Scoring progress is coalesced: one batch of rows in flight, at most one per this interval."""
WIDE_LAYOUT_COLUMNS = 140
"""From this width on, the detail panel sits beside the table instead of under it."""

SHORT_LAYOUT_LINES = 30
"""Below this height the input and detail panels shrink so the table keeps ~8 rows at 80×24."""

ExplainerFactory = Callable[[], Explainer]


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(
        self,
        config: TuiConfig,
        load_model: ModelLoader,
        explainer_factory: ExplainerFactory,
        initial: Document | Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self._models = ModelHolder(load_model, self.post_message)
        self._explainer_factory = explainer_factory
        self._initial = initial
        self._explainer: Explainer | None = None
        self.scoring = ScoringRun(config.split, PROGRESS_INTERVAL_S)
        """The results on screen and the run filling them (`finlocal.tui.scoring_run`)."""

    @property
    def report(self) -> DocumentReport | None:
        """The finished report of the results on screen."""
        return self.scoring.report

    @property
    def _model(self) -> LoadedModel | None:
        """The model once loaded (`finlocal.tui.workers.model.ModelHolder`)."""
        return self._models.model

    @property
    def _labels(self) -> tuple[str, ...]:
        return self._models.labels

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="¶")
        yield InputPanel(id="input")
        with Container(id="body"):
            yield ResultsTable(id="results")
            yield DetailPanel(id="detail")
        yield SearchBar(id="search")
        yield SummaryPanel(id="summary")
        yield Footer(show_command_palette=False)

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

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.table.threshold = self.detail.threshold = self.config.review_threshold
        self.search_bar.display = False
        self.table.show_state(partial=False, stale=False)
        self.run_worker(
            partial(load_model, self._models, self.post_message),
            name="load model",
            group="model",
            thread=True,
            exit_on_error=False,
        )
        initial, self._initial = self._initial, None
        if isinstance(initial, Path) and initial.is_dir():
            self.input_panel.text_area.focus()
            self.action_open(initial.resolve())  # "." shows as the folder's name
        elif isinstance(initial, Path):
            self._start(path=initial, source=str(initial), input_format=self.config.input_format)
        elif isinstance(initial, Document):
            self.scoring.document = initial
            self.input_panel.load(initial.text, initial.source)
            self._warn(initial)
            self._start(text=initial.text, source=initial.source)
        else:
            self.input_panel.text_area.focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE_LAYOUT_COLUMNS, "-wide")
        self.set_class(self.size.height < SHORT_LAYOUT_LINES, "-short")

    @property
    def stale(self) -> bool:
        """The input text was edited after the results on screen were scored."""
        return self.scoring.stale(self.input_panel.text)

    def _refresh_status(self) -> None:
        """The status line and the table title, from the state (one place decides them)."""
        run = self.scoring
        stale = self.stale
        self.set_class(stale, "-stale")
        total_ms = run.report.total_ms if run.report is not None else 0.0
        self.input_panel.set_hint(
            status_line(
                run.phase,
                done=len(run.rows),
                total=run.progress[1],
                total_ms=total_ms,
                stale=stale,
                opening=str(run.opening) if run.opening is not None else None,
                has_text=run.phase is Phase.EMPTY and bool(self.input_panel.text.strip()),
                split=run.split,
                scored_split=run.scored_split,
            )
        )
        self.table.show_state(partial=run.phase is Phase.CANCELLED, stale=stale, split=run.scored_split or run.split)

    def _show_detail(self, result: SentenceResult | None) -> None:
        page = page_label(self.scoring.page_starts, result.start, result.end) if result else ""
        self.detail.show(result, self.scoring.document_line(), page)

    # -- the model ------------------------------------------------------------------------

    def on_model_ready(self, message: ModelReady) -> None:
        self.summary.show_model(message.model.info)

    def on_model_failed(self, message: ModelFailed) -> None:
        self.summary.show_model(None, message.error)
        self.notify(message.error, title="No model", severity="error", timeout=15, markup=False)

    # -- scoring --------------------------------------------------------------------------

    def _start(
        self, *, text: str | None = None, path: Path | None = None, source: str, input_format: InputFormat | None = None
    ) -> None:
        """Start a run and move the focus to the results.

        A text run replaces the results at once; the regions (Markdown) and PDF pages of the
        document it was read from apply while the text is unedited. A file run (``path``, read
        in the worker in ``input_format`` or as its suffix says) keeps the results on screen
        until the file is read, so a file that cannot be read leaves them as they were. A run
        in progress is stopped first (its rows stay, as a partial report, until replaced).
        """
        self._stop_scoring()
        self.workers.cancel_group(self, "occlusion")
        self.workers.cancel_group(self, "explain")
        launch = self.scoring.start(text=text, path=path, source=source)
        if path is None:
            self._show_begun(fresh=launch.fresh)
        self._refresh_status()
        self.table.focus()
        job = ScoreJob(launch, text, path, source, input_format, self.config.chunk_size, self.config.batch_size)
        self.run_worker(
            partial(score_document, job, self._models.ensure, self.post_message),
            name="score",
            group="score",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _show_begun(self, *, fresh: bool) -> None:
        """Clear the widgets for the run whose results began now (``fresh``: a new report, so
        the table's filter and order start over too)."""
        self.table.reset()
        if fresh:
            self.table.reset_view()
        self.summary.clear()
        self._show_detail(None)
        self.sub_title = display_text(self.scoring.source)
        self.add_class("-has-results")

    def _warn(self, document: Document) -> None:
        for warning in document.warnings:
            self.notify(display_text(warning), title=display_text(document.source), severity="warning", markup=False)

    def on_document_read(self, message: DocumentRead) -> None:
        document = message.document
        if not self.scoring.read(message.run, document):
            return
        fresh = self.scoring.begin(document.source, document.text, document.page_starts)
        self._show_begun(fresh=fresh)
        self.input_panel.load(document.text, document.source)
        self._warn(document)
        self._refresh_status()

    def on_scoring_progress(self, message: ScoringProgress) -> None:
        rows = self.scoring.take(message.run)
        if rows is None:
            return
        self._show_rows(rows)
        self._refresh_status()
        self.detail.set_document(self.scoring.document_line())

    def _show_rows(self, rows: list[SentenceResult]) -> None:
        """Add rows the run took to the table and the summary's counts."""
        self.table.extend(rows)
        self.summary.show_progress(self._labels, self.scoring.rows, self.scoring.progress[1])

    def on_scoring_finished(self, message: ScoringFinished) -> None:
        if not self.scoring.finish(message.run, message.report):
            return
        report = message.report
        shown = [(r.index, r.text) for r in self.table.results]
        if shown == [(r.index, r.text) for r in report.sentences]:
            self.table.results = list(report.sentences)
        else:
            self.table.replace_all(report.sentences)
        self.summary.show_report(report, all_moved(report.sentences), unit=self.scoring.unit)
        self._show_detail(self.table.selected)
        self._refresh_status()

    def on_scoring_failed(self, message: ScoringFailed) -> None:
        had_results = self.scoring.phase is not Phase.EMPTY
        failed = self.scoring.fail(message.run)
        if failed is False:
            return
        if isinstance(failed, Path):  # the file could not be read: keep what is on screen
            kept = " The results on screen are kept." if had_results else ""
            error = display_text(sentence(message.error)) + kept
            self.notify(error, title="Could not open", severity="error", timeout=10, markup=False)
        else:
            error = display_text(message.error)
            self.notify(error, title="Could not score", severity="error", timeout=10, markup=False)
        self._refresh_status()

    def _stop_scoring(self) -> bool:
        """Stop the scoring run in progress; its rows stay on screen as a partial report.

        The rows already scored but not yet shown are taken at once and the run's later
        messages are dropped, so the status and the table stop changing now.
        """
        stopped = self.scoring.stop(self._labels)
        if stopped is None:
            return False
        for worker in self.workers:
            if worker.group == "score" and not worker.is_finished:
                worker.cancel()
        if stopped.scoring:
            self._show_rows(stopped.rows)
            if stopped.partial is not None:
                moved = all_moved(stopped.partial.sentences)
                self.summary.show_report(stopped.partial, moved, total=self.scoring.progress[1])
            self._show_detail(self.table.selected)
        self._refresh_status()
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            log.error("worker %s failed", event.worker.name, exc_info=event.worker.error)
            self.notify(
                f"{event.worker.name}: {event.worker.error!r}",
                title="Unexpected error",
                severity="error",
                timeout=15,
                markup=False,
            )

    # -- the input ------------------------------------------------------------------------

    @on(TextArea.Changed, "#input-text")
    def _input_changed(self) -> None:
        self._refresh_status()

    def on_paste(self, event: events.Paste) -> None:
        """A paste outside the text fields replaces the input's text (one undoable edit)."""
        if isinstance(self.focused, (TextArea, Input)) or not event.text:
            return
        event.stop()
        self.input_panel.replace_text(event.text)
        self.scoring.fresh_view = True  # in place of the text: a new report
        self.input_panel.text_area.focus()
        self.notify(
            f"Pasted {len(event.text):,} characters in place of the input's text (ctrl+z undoes it) · ctrl+r scores it",
            markup=False,
        )

    # -- selection, occlusion, explanation -------------------------------------------------

    def on_results_table_highlighted(self, message: ResultsTable.Highlighted) -> None:
        self.workers.cancel_group(self, "explain")
        self._show_detail(message.result)
        self.summary.tone_strip.selected = message.result.index if message.result is not None else None
        if message.result is not None:
            self.run_worker(
                partial(occlude, message.result, lambda: self._models.model, self.post_message),
                name="occlusion",
                group="occlusion",
                exclusive=True,
                thread=True,
                exit_on_error=False,
            )

    def on_occlusion_ready(self, message: OcclusionReady) -> None:
        self.detail.set_occlusion(message.index, message.effects)

    def on_explanation_piece(self, message: ExplanationPiece) -> None:
        self.detail.add_explanation(message.index, message.text)

    def on_explanation_ended(self, message: ExplanationEnded) -> None:
        if message.error:
            self.detail.end_explanation(message.index, "(failed)")
            self.notify(display_text(message.error), title="Explain", severity="error", markup=False)
        else:
            self.detail.end_explanation(message.index, "(cancelled)" if message.cancelled else None)

    def on_tone_sparkline_clicked(self, message: ToneSparkline.Clicked) -> None:
        if self.table.reveal(message.index):
            self.table.focus()

    # -- find -----------------------------------------------------------------------------

    def action_find(self) -> None:
        if not self.table.results:
            self.notify("Nothing to search yet: score a report first (ctrl+r).", severity="warning", markup=False)
            return
        self.search_bar.open()

    def on_search_bar_find(self, message: SearchBar.Find) -> None:
        query = message.query
        self.detail.set_search(query)
        if not query.strip():
            self.search_bar.show_count("")
            return
        self.search_bar.show_count(self.table.find(query, message.step, message.inclusive))

    def on_search_bar_closed(self) -> None:
        self.detail.set_search("")
        self.table.focus()

    # -- actions (keys, footer, palette and help all come from finlocal.tui.actions) ---------

    def action_score(self) -> None:
        text = self.input_panel.text
        if not text.strip():
            self.notify(
                "Nothing to score: paste a report into the input area or open a file (ctrl+o).",
                severity="warning",
                markup=False,
            )
            return
        self._start(text=text, source=self.input_panel.source)

    def action_open(self, start: Path | None = None) -> None:
        def opened(request: OpenRequest | None) -> None:
            if request is not None:
                self.scoring.split = request.split
                self._start(path=request.path, source=str(request.path))
                # the dialog hands the focus back after this callback; the results keep it
                self.call_after_refresh(self.table.focus)

        self.app.push_screen(OpenFileScreen(start or Path.cwd(), self.scoring.split), opened)

    def action_new(self) -> None:
        """Clear the input and the results (the text comes back with ctrl+z in the input)."""
        self._stop_scoring()
        self.scoring.clear()
        self.workers.cancel_group(self, "occlusion")
        self.workers.cancel_group(self, "explain")
        self.table.reset_view()  # the next report starts unfiltered, in document order
        self.table.reset()
        self.summary.clear()
        self._show_detail(None)
        self.remove_class("-has-results")
        self.search_bar.display = False
        self.detail.set_search("")
        self.sub_title = ""
        if self.input_panel.text:
            self.input_panel.replace_text("")
        self.input_panel.text_area.focus()
        self._refresh_status()

    def action_split(self) -> None:
        """What a row is for the next run: sentences → lines → the whole document → sentences."""
        self.scoring.split = next_member(self.scoring.split)
        self._refresh_status()
        has_text = bool(self.input_panel.text.strip())
        rescore = f" · ctrl+r {'rescores' if self.table.results else 'scores'} the text" if has_text else ""
        self.notify(f"Next run: {SPLIT_TITLES[self.scoring.split]}{rescore}", markup=False)

    def action_export(self) -> None:
        plan = self.scoring.export_plan(
            self.table.label_filter,
            self.config.review_threshold,
            stale=self.stale,
            directory=Path.cwd(),
            kind_filter=self.table.kind_filter,
        )
        if plan is None:
            self.notify(nothing_to_export(self.scoring.phase), severity="warning", markup=False)
            return
        self.app.push_screen(
            ExportScreen(plan.offer), lambda choice: self._export(plan.spec(bool(choice and choice.only_shown)), choice)
        )

    def _export(self, spec: ExportSpec, choice: ExportChoice | None) -> None:
        if choice is None:
            return
        model = self._model.info if self._model else None
        outcome = export_chosen(spec, choice, model, self.config.review_threshold)
        if outcome.severity != "error":
            self.scoring.export_format = choice.format
        self.notify(display_text(outcome.message), title="Export", severity=outcome.severity, markup=False)

    def _selected_or_warn(self) -> SentenceResult | None:
        result = self.table.selected
        if result is None:
            self.notify("No sentence selected: score a report and pick a row first.", severity="warning", markup=False)
        return result

    def action_copy(self) -> None:
        """Send the row to the clipboard (OSC 52) and show it: whether the terminal took it,
        the app cannot know, so the dialog offers to select it or write it to a file."""
        result = self._selected_or_warn()
        if result is None:
            return
        row = json.dumps(result.to_row(), ensure_ascii=False)
        self.app.copy_to_clipboard(row)
        number = result.index + 1
        stem = file_stem(self.scoring.source)
        title = f"Sentence {number} ({label_tag(result.prediction.label)}) as a JSON row"

        def closed(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Wrote sentence {number} to {path}", title="Copy", markup=False)

        self.app.push_screen(CopyScreen(title, row, Path.cwd() / f"{stem}.sentence-{number}.json"), closed)

    def action_moved(self) -> None:
        """The document's "what moved" table; enter on a row selects its sentence."""
        report = self.scoring.shown_report
        if report is None:
            self.notify("Nothing scored yet: score a report first.", severity="warning", markup=False)
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.table.reveal(index)
                self.table.focus()

        self.app.push_screen(
            MovedScreen(display_text(self.scoring.source or PASTED), all_moved(report.sentences)), chosen
        )

    def action_filter(self) -> None:
        self.table.cycle_filter()

    def action_kind_filter(self) -> None:
        self.table.cycle_kind_filter()

    def action_sort(self) -> None:
        self.table.cycle_order()

    def action_most_negative(self) -> None:
        self.table.jump_to_most_negative()

    def action_most_positive(self) -> None:
        self.table.jump_to_most_positive()

    def action_next_review(self) -> None:
        self.table.jump_to_next_review()

    def action_explain(self) -> None:
        result = self._selected_or_warn()
        if result is None:
            return
        if self._explainer is None:
            try:
                self._explainer = self._explainer_factory()
            except FinlocalError as exc:
                self.notify(str(exc), title="Explain with a local LLM", severity="warning", timeout=15, markup=False)
                return
        self.detail.start_explanation("Explanation (local LLM)")
        self.run_worker(
            partial(explain, self._explainer, result, self.post_message),
            name="explain",
            group="explain",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def action_maximize(self) -> None:
        maximized = not self.has_class("-detail-max")
        self.set_class(maximized, "-detail-max")
        self.detail.set_maximized(maximized)
        if self.table.row_count:
            self.call_after_refresh(self.table.move_cursor, row=self.table.cursor_row, animate=False, scroll=True)

    def action_cancel(self) -> None:
        opening = self.scoring.opening
        if self.scoring.phase is Phase.SCORING or opening is not None:
            self._stop_scoring()
            if opening is not None:
                self.notify(f"Stopped opening {opening}.", markup=False)
            elif self.table.results:
                self.notify(
                    f"Cancelled after {len(self.table.results):,} of "
                    f"{self.scoring.progress[1]:,} sentences: they stay on screen and ctrl+s "
                    "exports them, marked partial.",
                    markup=False,
                )
            else:
                self.notify("Cancelled before any sentence was scored.", markup=False)
            return
        explaining = [w for w in self.workers if w.group == "explain" and w.state is WorkerState.RUNNING]
        for worker in explaining:
            worker.cancel()
        if explaining:
            self.notify("Explanation cancelled.", markup=False)
        elif self.input_panel.has_focus_within and self.table.row_count:
            self.table.focus()

    def action_focus_input(self) -> None:
        self.input_panel.text_area.focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

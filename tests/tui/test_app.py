"""Pilot tests: every flow of the terminal app, on a deterministic fake model."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

from textual.widgets import Input

from finlocal.errors import ModelError
from finlocal.predictions import Prediction
from finlocal.reading import Document
from finlocal.tui.actions import ACTIONS, key_names
from finlocal.tui.config import TuiConfig
from finlocal.tui.screens.export import ExportScreen
from finlocal.tui.screens.help import HelpScreen
from finlocal.tui.screens.open_file import OpenFileScreen
from finlocal.tui.view import LabelFilter, SortOrder
from finlocal.tui.widgets.results_table import ResultsTable
from tests.fakes import KeywordClassifier
from tests.tui.fakes import FakeExplainer, GatedClassifier, pass_gate
from tests.tui.helpers import REPORT, make_app, notifications, run, score, screen_text, settle, status, wait_for

MARKUP = "Profit [bold red]rose[/] sharply, see [link=https://x.test]this[/link] and [/]."


def test_paste_and_score_fills_table_summary_and_detail() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        main = app.main
        report = main.report
        assert report.source == "pasted text"
        assert main.table.row_count == len(report.sentences) == 16
        assert report.counts == {"negative": 3, "neutral": 8, "positive": 5}
        assert main.table.has_focus
        text = screen_text(app)
        assert "NEG 3  NEU 8  POS 5" in text
        assert "keyword-fake · 1.2 MB · int8" in text
        assert f"tone {report.tone:+.2f}" in text
        assert "Sentence 1 " in text  # the detail panel follows the cursor

    run(app, scenario)


def test_initial_path_is_read_and_scored(tmp_path: Path) -> None:
    path = tmp_path / "release.md"
    path.write_text(REPORT, encoding="utf-8")
    app = make_app(initial=path)

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert app.main.report.source == str(path)
        assert app.main.input_panel.text == REPORT
        assert app.main.input_panel.source == str(path)
        assert app.main.sub_title == str(path)

    run(app, scenario)


def test_initial_stdin_document_is_scored() -> None:
    app = make_app(initial=Document("<stdin>", "Sales rose. Costs fell."))

    async def scenario(pilot):
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert [r.label for r in app.main.report.sentences] == ["positive", "negative"]
        assert app.main.report.source == "<stdin>"

    run(app, scenario)


def test_open_dialog_scores_the_typed_path(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Net sales rose 12 %. Order intake fell.", encoding="utf-8")
    app = make_app()

    async def scenario(pilot):
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, OpenFileScreen)
        app.screen.query_one("#open-path", Input).value = str(path)
        app.screen.query_one("#open-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert app.main.report.source == str(path)
        assert app.main.table.row_count == 2

    run(app, scenario)


def test_unreadable_file_is_a_notification_not_a_crash(tmp_path: Path) -> None:
    missing = tmp_path / "[red]missing[/].pdf"
    app = make_app(initial=missing)

    async def scenario(pilot):
        await wait_for(pilot, lambda: notifications(app), "a notification")
        severity, message = notifications(app)[0]
        assert severity == "error"
        assert "[red]missing[/].pdf" in message  # shown literally
        assert app.main.report is None
        assert app.is_running

    run(app, scenario)


def test_empty_input_warns() -> None:
    app = make_app()

    async def scenario(pilot):
        app.main.input_panel.text_area.load_text("   \n\n ")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert notifications(app)[0][0] == "warning"
        assert "Nothing to score" in notifications(app)[0][1]

    run(app, scenario)


def test_missing_model_is_a_notification() -> None:
    def no_model():
        raise ModelError("No default model is installed. Pass --model DIR or set FINLOCAL_MODEL.")

    app = make_app(load_model=no_model)

    async def scenario(pilot):
        await wait_for(pilot, lambda: notifications(app), "a notification")
        assert notifications(app)[0] == (
            "error",
            "No default model is installed. Pass --model DIR or set FINLOCAL_MODEL.",
        )
        app.main.input_panel.text_area.load_text("Sales rose.")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(notifications(app)) >= 2, "a second notification")
        assert notifications(app)[1][0] == "error"
        assert "no model loaded" in screen_text(app)
        assert app.is_running

    run(app, scenario)


def test_selecting_a_row_shows_evidence_occlusion_probabilities_and_timings() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("down", "down")  # sentence 3: "Net sales rose ... strong demand"
        detail = app.main.detail
        assert detail.result.index == 2
        await wait_for(pilot, lambda: detail._effects is not None, "occlusion")
        text = screen_text(app)
        assert "Sentence 3  POS positive 0.87" in text
        assert "Evidence: “rose”, “strong”" in text
        assert "masking 'rose' moves positive 0.87" in text
        assert "NEG 0.03 ░░░░░░░░░░   NEU 0.10 █░░░░░░░░░   POS 0.87 █████████░" in text
        detail.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "tokenize 0.25 · inference 1.50 · total 1.75 ms" in text
        assert "sentences/s" in text

    run(app, scenario)


def test_markup_in_the_report_is_shown_literally() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, MARKUP)
        text = screen_text(app)
        assert "[bold red]rose[/]" in text  # table row and detail panel
        assert text.count("[link=https://x.test]this[/link]") >= 1
        assert app.main.detail.query_one("#detail-sentence").render().plain == MARKUP

    run(app, scenario, size=(160, 30))


def test_a_second_input_cancels_the_first() -> None:
    classifier = GatedClassifier()
    app = make_app(classifier)
    first = "First sales rose. " * 200
    second = "Second costs fell."

    async def scenario(pilot):
        app.main.input_panel.text_area.load_text(first)
        await pilot.press("ctrl+r")
        await wait_for(pilot, classifier.entered.is_set, "the first run to start")
        app.main.input_panel.text_area.load_text(second)
        await pilot.press("ctrl+r")
        classifier.gate.set()
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        await settle(pilot)  # the first run has ended too, and what it posted is handled
        assert [r.text for r in app.main.report.sentences] == ["Second costs fell."]
        assert [r.text for r in app.main.table.results] == ["Second costs fell."]
        # the first run stopped at its first chunk instead of scoring all 200 sentences
        assert len(classifier.calls) <= 3

    run(app, scenario)


def test_escape_cancels_a_run() -> None:
    classifier = GatedClassifier()
    app = make_app(classifier)

    async def scenario(pilot):
        app.main.input_panel.text_area.load_text("Sales rose. " * 300)
        await pilot.press("ctrl+r")
        await wait_for(pilot, classifier.entered.is_set, "the run to start")
        await pilot.press("escape")
        classifier.gate.set()
        await settle(pilot)  # the run got past the gate and ended; whatever it posted is handled
        assert len(classifier.calls) == 1  # its chunk was scored after the cancel …
        assert app.main.report is None and app.main.table.row_count == 0  # … and not shown
        assert ("information", "Cancelled before any sentence was scored.") in notifications(app)

    run(app, scenario)


class SlowClassifier(KeywordClassifier):
    """Takes a while per chunk, like a real model, so rows arrive over several batches.

    The second chunk waits until ``first_shown`` is set, so however loaded the machine, the
    first chunk reaches the table alone (the UI is not raced by the worker).
    """

    def __init__(self) -> None:
        super().__init__()
        self.first_shown = threading.Event()

    def predict(self, texts, *, batch_size=32):
        if len(self.calls) == 1:
            pass_gate(self.first_shown, "SlowClassifier's second chunk")
        time.sleep(0.05)
        return super().predict(texts, batch_size=batch_size)


def test_long_documents_arrive_in_batches_without_rebuilding_rows() -> None:
    classifier = SlowClassifier()
    app = make_app(classifier, config=TuiConfig(chunk_size=64))
    text = " ".join(f"Sales rose {i} %." if i % 3 else f"Costs fell {i} %." for i in range(700))
    progress_sizes: list[int] = []
    added = 0

    async def scenario(pilot):
        nonlocal added
        table = app.main.table
        original_extend, original_add_row = table.extend, table.add_row

        def extend(results):
            progress_sizes.append(len(results))
            original_extend(results)
            classifier.first_shown.set()

        def add_row(*cells, **kwargs):
            nonlocal added
            added += 1
            return original_add_row(*cells, **kwargs)

        table.extend, table.add_row = extend, add_row
        await score(pilot, text)
        assert table.row_count == 700
        assert sum(progress_sizes) == 700
        assert progress_sizes[0] == 64  # the first chunk is shown at once
        assert len(progress_sizes) >= 2 and min(progress_sizes) >= 1
        assert added == 700  # every row built once: no per-chunk rebuild

    run(app, scenario)


def test_filter_sort_and_jumps() -> None:
    app = make_app()
    text = "Sales rose. Costs fell but demand was strong. Nothing happened. Profit fell."

    async def scenario(pilot):
        await score(pilot, text)
        table = app.main.table
        await pilot.press("f")
        assert table.label_filter is LabelFilter.NEGATIVE
        assert table.row_count == 2
        await pilot.press("f", "f", "f")
        assert table.label_filter is LabelFilter.REVIEW
        assert table.row_count == 1  # "Costs fell but demand was strong" is unsure
        await pilot.press("f")
        assert table.label_filter is LabelFilter.ALL
        await pilot.press("s", "s", "s")
        assert table.row_order is SortOrder.MOST_NEGATIVE
        first = table.get_row_at(0)[0].value
        assert table.results[first].text == "Profit fell."
        await pilot.press("p")
        assert table.selected.text == "Sales rose."
        await pilot.press("n")
        assert table.selected.text == "Profit fell."
        await pilot.press("f", "p")  # POS is filtered out by "NEG only": the jump clears it
        assert table.label_filter is LabelFilter.ALL
        assert table.selected.text == "Sales rose."
        await pilot.press("r")
        assert table.selected.text == "Costs fell but demand was strong."
        assert "all rows · most negative first" in screen_text(app)

    run(app, scenario)


def test_sorted_view_stays_sorted_while_rows_stream_in() -> None:
    app = make_app(config=TuiConfig(chunk_size=2))
    text = "Sales rose. Costs fell. Nothing. Profit fell. Record year. Loss widened."

    async def scenario(pilot):
        app.main.table.row_order = SortOrder.MOST_POSITIVE
        await score(pilot, text)
        table = app.main.table
        tones = [table.results[table.get_row_at(i)[0].value].prediction.tone for i in range(table.row_count)]
        assert tones == sorted(tones, reverse=True)

    run(app, scenario)


def test_export_writes_jsonl_csv_and_markdown(tmp_path: Path) -> None:
    app = make_app()

    async def export(pilot, radio: int, name: str) -> Path:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ExportScreen)
        buttons = list(app.screen.query("RadioButton"))
        buttons[radio].value = True
        await pilot.pause()
        field = app.screen.query_one("#export-path", Input)
        assert field.value.endswith((".jsonl", ".csv", ".md"))
        field.value = str(tmp_path / name)
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        return tmp_path / name

    async def scenario(pilot):
        await score(pilot, REPORT)
        rows = [json.loads(line) for line in (await export(pilot, 0, "out.jsonl")).read_text().splitlines()]
        assert len(rows) == 16
        assert set(rows[0]) >= {"source", "index", "start", "end", "text", "label", "scores", "evidence", "ms"}
        assert rows[2]["evidence"][0]["text"] == "rose"
        with (await export(pilot, 1, "out.csv")).open(newline="") as fh:
            table = list(csv.DictReader(fh))
        assert len(table) == 16 and table[4]["label"] == "negative"
        markdown = (await export(pilot, 2, "out.md")).read_text()
        assert markdown.startswith("# Tone report: pasted text")
        assert "## Most negative" in markdown and "keyword-fake" in markdown
        assert any("Wrote 16 sentences" in m for _, m in notifications(app))

    run(app, scenario)


def test_export_to_an_unwritable_path_is_a_notification(tmp_path: Path) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("ctrl+s")
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / "no" / "such" / "dir" / "out.jsonl")
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert notifications(app)[-1][0] == "error"
        assert app.is_running

    run(app, scenario)


def test_export_before_scoring_warns() -> None:
    app = make_app()

    async def scenario(pilot):
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, ExportScreen)
        assert notifications(app)[0][0] == "warning"

    run(app, scenario)


def test_copy_puts_the_sentence_row_on_the_clipboard() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose. Costs fell.")
        await pilot.press("down", "c")
        row = json.loads(app.clipboard)
        assert row["text"] == "Costs fell." and row["label"] == "negative"

    run(app, scenario)


def test_explain_streams_the_local_llm_answer_into_the_detail_panel() -> None:
    explainer = FakeExplainer()
    app = make_app(explainer=explainer)

    async def scenario(pilot):
        await score(pilot, "Net sales rose 12 %.")
        await pilot.press("x")
        await wait_for(pilot, lambda: "positive." in app.main.detail.explanation, "the answer")
        assert app.main.detail.explanation.endswith("Sales rose 12 %, so it is positive.")
        request = explainer.requests[0]
        assert request.sentence == "Net sales rose 12 %."
        assert request.label == "positive" and request.evidence == ("rose",)
        assert "Sales rose 12 %, so it is positive." in screen_text(app)

    run(app, scenario)


def test_explain_without_a_gguf_says_how_to_enable_it(monkeypatch) -> None:
    monkeypatch.delenv("FINLOCAL_EXPLAIN_GGUF", raising=False)
    app = make_app(explainer_factory=None)
    app._explainer_factory = app._default_explainer  # the real factory, with nothing configured

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("x")
        severity, message = notifications(app)[-1]
        assert severity == "warning"
        assert "--explain-gguf" in message and "FINLOCAL_EXPLAIN_GGUF" in message

    run(app, scenario)


def test_help_screen_and_command_palette_cover_every_action() -> None:
    app = make_app()

    async def scenario(pilot):
        titles = {c.title for c in app.get_system_commands(app.main)}
        # every entry shows its key (issue 19, item 9): "Score the text  (ctrl+r)"
        assert {f"{a.title}  ({key_names(a.keys)})" for a in ACTIONS} <= titles
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await wait_for(pilot, lambda: "ctrl+r" in screen_text(app), "the help text")
        assert "Score the text in the input area" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        commands = {c.title: c for c in app.get_system_commands(app.main)}
        await commands["Go to the results table  (ctrl+t)"].callback()  # what the palette runs
        await pilot.pause()
        assert isinstance(app.focused, ResultsTable)

    run(app, scenario)


def test_no_color_still_reads(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()

    async def scenario(pilot):
        assert app.no_color
        await score(pilot, "Sales rose. Costs fell but demand was strong. Nothing.")
        text = screen_text(app)
        assert "POS" in text and "NEG" in text and "NEU" in text
        assert "⚑" in text and "▲" in text

    run(app, scenario, size=(80, 24))


def test_letters_typed_into_the_input_are_text_not_commands() -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, "Sales rose.")
        await pilot.press("i")
        assert app.main.input_panel.text_area.has_focus
        await pilot.press("end", "space", "n", "f", "x")
        assert app.main.input_panel.text.endswith(" nfx")
        assert app.main.table.label_filter is LabelFilter.ALL

    run(app, scenario)


class GatedExplainer(FakeExplainer):
    """Waits for `gate` before its first piece, then for `more` before the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.gate, self.more = threading.Event(), threading.Event()

    def stream(self, request):
        self.requests.append(request)
        pass_gate(self.gate, "GatedExplainer's first piece")
        yield "First piece. "
        pass_gate(self.more, "GatedExplainer's second piece")
        yield "Never shown."


def test_explanation_waits_visibly_and_escape_cancels_it() -> None:
    explainer = GatedExplainer()
    app = make_app(explainer=explainer)

    async def scenario(pilot):
        await score(pilot, "Net sales rose 12 %.")
        await pilot.press("x")
        await pilot.pause()
        assert "waiting for the model" in screen_text(app)
        explainer.gate.set()
        await wait_for(pilot, lambda: "First piece." in app.main.detail.explanation, "a piece")
        await pilot.press("escape")
        explainer.more.set()
        await wait_for(pilot, lambda: "(cancelled)" in app.main.detail.explanation, "the stop")
        assert "Never shown." not in app.main.detail.explanation

    run(app, scenario)


def test_the_switch_interval_is_shorter_only_while_the_app_runs() -> None:
    import sys

    from finlocal.tui.app import UI_SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    seen: list[float] = []

    async def scenario(pilot):
        seen.append(sys.getswitchinterval())

    run(make_app(), scenario)
    assert seen == [UI_SWITCH_INTERVAL_S] and sys.getswitchinterval() == before


def test_j_and_k_move_through_the_table(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        await score(pilot, REPORT)
        await pilot.press("j", "j", "j")
        assert app.main.table.cursor_row == 3
        await pilot.press("k")
        assert app.main.table.cursor_row == 2
        assert "Sentence 3 " in screen_text(app)

    run(app, scenario, size=terminal)


class EdgeClassifier(KeywordClassifier):
    """A neutral sentence leaning positive just under the review threshold, one just at it."""

    def _one(self, text: str) -> Prediction:
        if text.startswith("Lean"):
            return Prediction("neutral", {"negative": 0.05, "neutral": 0.596, "positive": 0.354}, ())
        if text.startswith("Edge"):
            return Prediction("neutral", {"negative": 0.05, "neutral": 0.6, "positive": 0.35}, ())
        return super()._one(text)


def test_a_flagged_row_never_shows_the_threshold_and_a_neu_row_is_not_green(terminal) -> None:
    app = make_app(EdgeClassifier())

    async def scenario(pilot):
        await score(pilot, "Lean on the margin. Edge of the range.")
        table = app.main.table
        lean = [cell.text for cell in table.get_row("0")]
        edge = [cell.text for cell in table.get_row("1")]
        assert (lean[2].plain, lean[4].plain) == ("0.59", "⚑")  # 0.596 < 0.60: flagged, shown below it
        assert (edge[2].plain, edge[4].plain) == ("0.60", "")
        assert lean[3].plain == "△ +0.30"  # a NEU row's lean: hollow arrow, no colour
        assert "green" not in str(lean[3].style)

    run(app, scenario, size=terminal)


def test_one_sentence_and_the_status_after_a_paste(terminal) -> None:
    app = make_app()

    async def scenario(pilot):
        assert "Paste or type a report" in status(app)
        app.main.input_panel.text_area.insert("Sales rose.")
        await pilot.pause()
        assert "Paste or type a report" not in status(app)
        assert status(app).startswith("ctrl+r scores the text")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main.report is not None, "the report")
        assert status(app).startswith("1 sentence scored in ")
        assert "1 sentence" in screen_text(app).splitlines()[-4]  # the summary's counts line

    run(app, scenario, size=terminal)

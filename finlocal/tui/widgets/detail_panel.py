"""Detail region: the selected sentence with its evidence, rationale, probabilities and timings.

Every piece of report text goes into a `rich.text.Text`, so markup inside it is shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from finlocal.explain import OcclusionEffect
from finlocal.scoring import DocumentReport, SentenceResult
from finlocal.tui.view import (
    LABEL_STYLES,
    REVIEW_MARK,
    label_tag,
    label_text,
    needs_review,
)

EVIDENCE_STYLE = "bold underline yellow"
BAR_WIDTH = 10


def sentence_text(result: SentenceResult) -> Text:
    """The sentence with its evidence spans highlighted (offsets are sentence-relative)."""
    text = Text(result.text)
    for span in result.prediction.evidence:
        text.stylize(EVIDENCE_STYLE, span.start, span.end)
    return text


def heading(result: SentenceResult, threshold: float) -> Text:
    prediction = result.prediction
    line = Text.assemble(
        (f"Sentence {result.index + 1}  ", "bold"),
        label_text(prediction.label),
        f" {prediction.label} {prediction.confidence:.2f}   tone {prediction.tone:+.2f}",
    )
    if needs_review(result, threshold):
        line.append(f"   {REVIEW_MARK} review: confidence below {threshold:.2f}", style="yellow")
    return line


def probabilities(result: SentenceResult) -> Text:
    """Every label's probability on one line, each with a small bar."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, p) in enumerate(result.prediction.scores.items()):
        filled = round(p * BAR_WIDTH)
        text.append("   " if i else "")
        text.append(f"{label_tag(label)} {p:.2f} ")
        text.append("█" * filled, style=LABEL_STYLES.get(label) or "white")
        text.append("░" * (BAR_WIDTH - filled), style="dim")
    return text


def rationale(result: SentenceResult, effects: Sequence[OcclusionEffect] | None) -> Text:
    text = Text()
    text.append("Rationale\n", style="bold")
    evidence = result.prediction.evidence
    if evidence:
        text.append("Evidence: ")
        for i, span in enumerate(evidence):
            text.append(", " if i else "")
            text.append(f"“{span.text}”", style=EVIDENCE_STYLE)
        text.append("\n")
    else:
        text.append("Evidence: none marked by the model\n", style="dim")
    if effects is None:
        text.append("Occlusion: measuring…", style="dim")
    elif not effects:
        text.append("Occlusion: no span changes the prediction noticeably", style="dim")
    else:
        text.append("\n".join(effect.describe() for effect in effects))
    return text


def timings(
    result: SentenceResult, report: DocumentReport | None, progress: tuple[int, int] | None
) -> Text:
    p = result.prediction
    text = Text()
    text.append("Timings\n", style="bold")
    text.append(
        f"this sentence: tokenize {p.tokenize_ms:.2f} ms · inference {p.inference_ms:.2f} ms"
        f" · total {p.tokenize_ms + p.inference_ms:.2f} ms\n"
    )
    if report is not None:
        text.append(
            f"document: {len(report.sentences)} sentences in {report.total_ms:.0f} ms"
            f" · {report.sentences_per_s:.0f} sentences/s"
        )
    elif progress is not None:
        text.append(f"document: scoring… {progress[0]}/{progress[1]} sentences", style="dim")
    return text


class DetailPanel(VerticalScroll):
    """Shows one sentence; the screen feeds it the occlusion effects and LLM text as they come."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.result: SentenceResult | None = None
        self.threshold = 0.6
        self._effects: list[OcclusionEffect] | None = None
        self._llm: Text | None = None
        self._llm_waiting = False

    def compose(self) -> ComposeResult:
        yield Static(Text("No sentence selected. Score a report, then move through the table.",
                          style="dim"), id="detail-heading")
        yield Static(id="detail-scores")
        yield Static(id="detail-sentence")
        yield Static(id="detail-llm")
        yield Static(id="detail-rationale")
        yield Static(id="detail-timings")

    def show(
        self,
        result: SentenceResult | None,
        report: DocumentReport | None = None,
        progress: tuple[int, int] | None = None,
    ) -> None:
        if result is None or self.result is None or result.index != self.result.index:
            self._effects = None
            self._llm = None
        self.result = result
        self._update_parts(report, progress)

    def set_occlusion(self, index: int, effects: list[OcclusionEffect]) -> None:
        if self.result is not None and self.result.index == index:
            self._effects = effects
            self.query_one("#detail-rationale", Static).update(rationale(self.result, effects))

    def start_explanation(self, header: str) -> None:
        self._llm = Text()
        self._llm.append(header + "\n", style="bold")
        self._llm_waiting = True
        self._show_llm()
        self.scroll_to_widget(self.query_one("#detail-llm"), animate=False, top=True)

    def add_explanation(self, index: int, piece: str) -> None:
        if self._llm is not None and self.result is not None and self.result.index == index:
            self._llm_waiting = False
            self._llm.append(piece)
            self._show_llm()

    def end_explanation(self, index: int, note: str | None) -> None:
        if self._llm is not None and self.result is not None and self.result.index == index:
            self._llm_waiting = False
            if note:
                self._llm.append(f"\n{note}", style="dim")
            self._show_llm()

    @property
    def explanation(self) -> str:
        return self._llm.plain if self._llm is not None else ""

    def _show_llm(self) -> None:
        llm = self.query_one("#detail-llm", Static)
        llm.display = self._llm is not None
        if self._llm is not None and self._llm_waiting:
            waiting = self._llm.copy()
            waiting.append("waiting for the model (the first answer also loads it)…", style="dim")
            llm.update(waiting)
        else:
            llm.update(self._llm or "")

    def _update_parts(
        self, report: DocumentReport | None, progress: tuple[int, int] | None
    ) -> None:
        result = self.result
        parts = {
            "#detail-heading": Text("No sentence selected.", style="dim"),
            "#detail-sentence": Text(),
            "#detail-rationale": Text(),
            "#detail-scores": Text(),
            "#detail-timings": Text(),
        }
        if result is not None:
            parts = {
                "#detail-heading": heading(result, self.threshold),
                "#detail-sentence": sentence_text(result),
                "#detail-rationale": rationale(result, self._effects),
                "#detail-scores": probabilities(result),
                "#detail-timings": timings(result, report, progress),
            }
        for selector, content in parts.items():
            self.query_one(selector, Static).update(content)
        self._show_llm()

"""Detail region: the selected sentence with its evidence, rationale, probabilities and timings.

Every piece of report text goes into a `rich.text.Text`, so markup inside it is shown literally,
and through `finlocal.shown_text` (via `finlocal.tui.view.display_text`), so control characters and
escape sequences are shown as escapes, never sent to the terminal; a PDF's line breaks inside a
sentence are joined (offsets are unchanged, so evidence and matches still land).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from finlocal.changes.describe import describe
from finlocal.occlusion import OcclusionEffect
from finlocal.predictions import REVIEW_THRESHOLD
from finlocal.scoring import SentenceResult
from finlocal.shown_text import join_lines, visible, visible_with_offsets
from finlocal.structure import RowKind
from finlocal.tui.palette import EVIDENCE_STYLE, LABEL_STYLES, REVIEW_STYLE, VERDICT_STYLES
from finlocal.tui.view import (
    KIND_MARKS,
    KIND_WORDS,
    REVIEW_MARK,
    confidence_text,
    display_text,
    label_tag,
    label_text,
    needs_review,
)

MATCH_STYLE = "reverse"
BAR_WIDTH = 10
TITLE = "detail · m maximize · x explain"
TITLE_MAXIMIZED = "detail · m restore · x explain"


def sentence_text(result: SentenceResult, search: str = "") -> Text:
    """The sentence with its evidence spans highlighted (offsets are sentence-relative) and the
    text being searched for shown inverted; line breaks inside it joined, control characters
    shown as escapes (the spans are mapped onto what is shown)."""
    plain, at = visible_with_offsets(join_lines(result.text))
    text = Text(plain, style="bold" if result.kind is RowKind.HEADING else "")
    for span in result.prediction.evidence:
        text.stylize(EVIDENCE_STYLE, at[span.start], at[span.end])
    words = search.split()
    if words:
        pattern = r"\s+".join(re.escape(word) for word in words)
        for match in re.finditer(pattern, result.text, flags=re.IGNORECASE):
            text.stylize(MATCH_STYLE, at[match.start()], at[match.end()])
    return text


def heading(result: SentenceResult, threshold: float, page: str = "") -> Text:
    prediction = result.prediction
    mark = KIND_MARKS[result.kind]
    line = Text.assemble(
        ((f"{mark} " if mark else "") + f"{KIND_WORDS[result.kind]} {result.index + 1}", "bold"),
        (" (not counted in the tone)" if result.kind is not RowKind.SENTENCE else "", ""),
        ((f" · {page}" if page else "") + "  ", "bold"),
        label_text(prediction.label),
        f" {prediction.label} {confidence_text(prediction.confidence)}   tone {prediction.tone:+.2f}",
    )
    if needs_review(result, threshold):
        line.append(f"   {REVIEW_MARK} review: confidence below {threshold:.2f}", style=REVIEW_STYLE)
    return line


def probabilities(result: SentenceResult) -> Text:
    """Every label's probability on one line, each with a small bar."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, p) in enumerate(result.prediction.scores.items()):
        filled = round(p * BAR_WIDTH)
        text.append("   " if i else "")
        text.append(f"{label_tag(label)} {confidence_text(p)} ")
        text.append("█" * filled, style=LABEL_STYLES.get(label, ""))
        text.append("░" * (BAR_WIDTH - filled))
    return text


def what_moved(result: SentenceResult) -> Text:
    """What the sentence states moved, in words, from the metric-change reader (not the model):
    "Net charge-offs: $1.2 vs 2.3 million, down 47.8 %; lower is better → good"."""
    text = Text()
    if not result.changes:
        return text
    text.append("What moved ", style="bold")
    text.append("(read from the figures, not by the model)", style="dim")
    for change in result.changes:
        line = Text("\n  " + display_text(describe(change)))
        verdict = change.verdict.value
        at = line.plain.rindex(f"→ {verdict}") + 2  # the verdict after the arrow, in its colour
        line.stylize(VERDICT_STYLES.get(verdict, ""), at, at + len(verdict))
        text.append_text(line)
    return text


def rationale(result: SentenceResult, effects: Sequence[OcclusionEffect] | None) -> Text:
    """The model's evidence, then one line per occlusion effect (what masking a span does)."""
    text = Text()
    evidence = result.prediction.evidence
    if evidence:
        text.append("Evidence: ", style="bold")
        for i, span in enumerate(evidence):
            text.append(", " if i else "")
            text.append(f"“{display_text(span.text)}”", style=EVIDENCE_STYLE)
        text.append("\n")
    else:
        text.append("Evidence: none marked by the model\n", style="dim")
    if effects is None:
        text.append("Occlusion: measuring…", style="dim")
    elif not effects:
        text.append("Occlusion: no span changes the prediction noticeably", style="dim")
    else:
        text.append("\n".join(display_text(effect.describe()) for effect in effects))
    return text


def timings(result: SentenceResult, document: str) -> Text:
    """This sentence's timings, then ``document`` (how the whole run went).

    The model scores sentences in batches and times each batch: a sentence's timings are its
    equal share of its batch's time, and the line says so (they are the same for every
    sentence of a batch)."""
    p = result.prediction
    text = Text()
    text.append("Timings: ", style="bold")
    text.append(
        f"tokenize {p.tokenize_ms:.2f} · inference {p.inference_ms:.2f}"
        f" · total {p.tokenize_ms + p.inference_ms:.2f} ms (its share of the batch)"
    )
    if document:
        text.append(f"\n{document}", style="dim")
    return text


class DetailPanel(VerticalScroll):
    """Shows one sentence; the screen feeds it the occlusion effects and LLM text as they come.

    Parts follow each other without blank lines, so at 100×30 the sentence, its probabilities,
    its evidence and three occlusion lines fit without scrolling. A new sentence starts at the
    top of the panel.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.result: SentenceResult | None = None
        self.threshold = REVIEW_THRESHOLD
        self.search = ""
        self._document = ""
        self._page = ""
        self._effects: list[OcclusionEffect] | None = None
        self._llm: Text | None = None
        self._llm_waiting = False

    def compose(self) -> ComposeResult:
        yield Static(
            Text("No sentence selected. Score a report, then move through the table.", style="dim"), id="detail-heading"
        )
        yield Static(id="detail-scores")
        yield Static(id="detail-sentence")
        yield Static(id="detail-llm")
        yield Static(id="detail-rationale")
        yield Static(id="detail-timings")
        yield Static(id="detail-moved")

    def on_mount(self) -> None:
        self.border_title = TITLE

    def set_maximized(self, maximized: bool) -> None:
        self.border_title = TITLE_MAXIMIZED if maximized else TITLE

    def show(self, result: SentenceResult | None, document: str = "", page: str = "") -> None:
        """Show ``result``; ``document`` is a line about the whole run, ``page`` its PDF page."""
        if result is None or self.result is None or result.index != self.result.index:
            self._effects = None
            self._llm = None
            self.scroll_home(animate=False)
        self.result = result
        self._document = document
        self._page = page
        self._update_parts()

    def set_document(self, document: str) -> None:
        """A new line about the whole run (while scoring), without redrawing the rest."""
        self._document = document
        if self.result is not None:
            self.query_one("#detail-timings", Static).update(timings(self.result, document))

    def set_search(self, search: str) -> None:
        self.search = search
        if self.result is not None:
            self.query_one("#detail-sentence", Static).update(sentence_text(self.result, search))

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
            self._llm.append(visible(piece))  # the model's line breaks kept
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
        if self._llm is not None and self._llm_waiting:
            waiting = self._llm.copy()
            waiting.append("waiting for the model (the first answer also loads it)…", style="dim")
            llm.update(waiting)
        else:
            llm.update(self._llm or "")
        llm.display = self._llm is not None

    def _update_parts(self) -> None:
        result = self.result
        parts = {
            "#detail-heading": Text("No sentence selected.", style="dim"),
            "#detail-sentence": Text(),
            "#detail-moved": Text(),
            "#detail-rationale": Text(),
            "#detail-scores": Text(),
            "#detail-timings": Text(),
        }
        if result is not None:
            parts = {
                "#detail-heading": heading(result, self.threshold, self._page),
                "#detail-sentence": sentence_text(result, self.search),
                "#detail-moved": what_moved(result),
                "#detail-rationale": rationale(result, self._effects),
                "#detail-scores": probabilities(result),
                "#detail-timings": timings(result, self._document),
            }
        for selector, content in parts.items():
            self.query_one(selector, Static).update(content)
        self.query_one("#detail-moved", Static).display = bool(parts["#detail-moved"].plain)
        self._show_llm()
